//! SQL of accounts. `accounts` is a system table (sign-in must find an account before any scope
//! is known), so reads run on the pool; writes run in the caller's transaction with their audit
//! record. Every read of an account goes through the one SELECT of [`select`].

use sqlx::{PgConnection, PgExecutor};

use super::model::{Account, AccountFilter, DORMANT_DAYS, NewAccount};
use crate::error::WriteError;
use crate::org::{AccountId, DepartmentKind, Region, RegionId, RegionLevel, Role};

/// Stores a new account. Usernames are unique regardless of case (`accounts_username_key`).
pub async fn create(db: impl PgExecutor<'_>, account: &NewAccount) -> Result<AccountId, WriteError> {
    Ok(sqlx::query_scalar!(
        r#"INSERT INTO accounts
               (username, display_name, role, region_id, department_kind, password_hash, must_change_password)
           VALUES ($1, $2, $3, $4, $5, $6, $7)
           RETURNING id AS "id: AccountId""#,
        account.username.as_str(),
        account.display_name,
        account.role.map(|r| r.as_str()),
        account.region_id.map(|r| r.0),
        account.department.map(|d| d.as_str()),
        account.password_hash,
        account.must_change_password,
    )
    .fetch_one(db)
    .await?)
}

/// The accounts `filter` wants, in id order: after `after` (keyset) and past `offset` (page
/// numbers), at most `limit`. (The count is a statement of its own: over thousands of
/// accounts a window count would carry every row through the page query.)
pub async fn select(
    db: impl PgExecutor<'_>,
    filter: &AccountFilter,
    after: Option<AccountId>,
    offset: i64,
    limit: i64,
) -> Result<Vec<Account>, sqlx::Error> {
    let rows = sqlx::query!(
        r#"SELECT a.id AS "id: AccountId", a.username, a.display_name, a.role AS "role: Role",
                  r.id AS "region_id?: RegionId", r.code AS "region_code?", r.name AS "region_name?",
                  r.level AS "region_level?: RegionLevel", a.department_kind AS "department: DepartmentKind",
                  a.disabled_at IS NOT NULL AS "disabled!", coalesce(a.locked_until > now(), false) AS "locked!",
                  a.totp_enabled_at IS NOT NULL AS "totp_enabled!", a.must_change_password, a.last_login_at,
                  a.created_at, a.version
           FROM accounts a LEFT JOIN regions r ON r.id = a.region_id
           WHERE ($1::bigint IS NULL OR a.id = $1)
             AND ($2::text IS NULL OR lower(a.username) = lower($2))
             AND ($3::text IS NULL OR a.search_key LIKE $3)
             AND (NOT $4 OR (a.disabled_at IS NULL
                             AND coalesce(a.last_login_at, a.created_at) < now() - make_interval(days => $5)))
             AND ($6::bigint IS NULL OR a.id > $6)
           ORDER BY a.id
           LIMIT $7 OFFSET $8"#,
        filter.id.map(|id| id.0),
        filter.username,
        filter.search_pattern(),
        filter.dormant,
        DORMANT_DAYS as i32,
        after.map(|a| a.0),
        limit,
        offset,
    )
    .fetch_all(db)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| Account {
            id: r.id,
            username: r.username,
            display_name: r.display_name,
            role: r.role,
            region: match (r.region_id, r.region_code, r.region_name, r.region_level) {
                (Some(id), Some(code), Some(name), Some(level)) => Some(Region { id, code, name, level }),
                _ => None,
            },
            department: r.department,
            disabled: r.disabled,
            locked: r.locked,
            totp_enabled: r.totp_enabled,
            must_change_password: r.must_change_password,
            last_login_at: r.last_login_at,
            created_at: r.created_at,
            version: r.version,
        })
        .collect())
}

/// How many accounts `filter` wants.
pub async fn count(db: impl PgExecutor<'_>, filter: &AccountFilter) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar!(
        r#"SELECT count(*) AS "n!" FROM accounts a
           WHERE ($1::bigint IS NULL OR a.id = $1)
             AND ($2::text IS NULL OR lower(a.username) = lower($2))
             AND ($3::text IS NULL OR a.search_key LIKE $3)
             AND (NOT $4 OR (a.disabled_at IS NULL
                             AND coalesce(a.last_login_at, a.created_at) < now() - make_interval(days => $5)))"#,
        filter.id.map(|id| id.0),
        filter.username,
        filter.search_pattern(),
        filter.dormant,
        DORMANT_DAYS as i32,
    )
    .fetch_one(db)
    .await
}

/// One account by id.
pub async fn find(db: impl PgExecutor<'_>, id: AccountId) -> Result<Option<Account>, sqlx::Error> {
    let filter = AccountFilter { id: Some(id), ..Default::default() };
    Ok(select(db, &filter, None, 0, 1).await?.pop())
}

/// One account by username, regardless of case.
pub async fn find_by_username(db: impl PgExecutor<'_>, username: &str) -> Result<Option<Account>, sqlx::Error> {
    let filter = AccountFilter { username: Some(username.to_string()), ..Default::default() };
    Ok(select(db, &filter, None, 0, 1).await?.pop())
}

/// The system administrator's edit of name, region and department, if still at `version`.
pub async fn update_profile(
    db: &mut PgConnection,
    id: AccountId,
    version: i32,
    display_name: &str,
    region: Option<RegionId>,
    department: Option<DepartmentKind>,
) -> Result<(), WriteError> {
    let done = sqlx::query!(
        "UPDATE accounts SET display_name = $3, region_id = $4, department_kind = $5, version = version + 1, updated_at = now()
         WHERE id = $1 AND version = $2",
        id.0,
        version,
        display_name,
        region.map(|r| r.0),
        department.map(|d| d.as_str())
    )
    .execute(db)
    .await?;
    if done.rows_affected() == 0 { Err(WriteError::Stale) } else { Ok(()) }
}

/// Disables an account; its sessions stop working at once (the session query checks it) and
/// are removed by the caller.
pub async fn disable(db: &mut PgConnection, id: AccountId) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "UPDATE accounts SET disabled_at = coalesce(disabled_at, now()), version = version + 1, updated_at = now() WHERE id = $1",
        id.0
    )
    .execute(db)
    .await?;
    Ok(())
}

pub async fn unlock(db: &mut PgConnection, id: AccountId) -> Result<(), sqlx::Error> {
    sqlx::query!("UPDATE accounts SET failed_logins = 0, locked_until = NULL, updated_at = now() WHERE id = $1", id.0)
        .execute(db)
        .await?;
    Ok(())
}

/// Gives an account a role, region and department (already checked against the role table).
pub async fn set_role(
    db: &mut PgConnection,
    id: AccountId,
    role: Option<Role>,
    region: Option<RegionId>,
    department: Option<DepartmentKind>,
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "UPDATE accounts SET role = $2, region_id = $3, department_kind = $4, version = version + 1, updated_at = now()
         WHERE id = $1",
        id.0,
        role.map(|r| r.as_str()),
        region.map(|r| r.0),
        department.map(|d| d.as_str())
    )
    .execute(db)
    .await?;
    Ok(())
}

/// Marks an account as a demo account (usable only in demo mode).
pub async fn mark_demo(db: &mut PgConnection, id: AccountId) -> Result<(), sqlx::Error> {
    sqlx::query!("UPDATE accounts SET demo = true WHERE id = $1", id.0).execute(db).await?;
    Ok(())
}
