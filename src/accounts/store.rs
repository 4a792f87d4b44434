use sqlx::{PgConnection, PgExecutor};

use super::model::{AccountId, NewAccount};
use crate::access::Role;
use crate::departments::DepartmentKind;
use crate::regions::RegionId;

#[derive(Debug, thiserror::Error)]
pub enum CreateAccountError {
    #[error("用户名「{0}」已被使用")]
    UsernameTaken(String),
    #[error(transparent)]
    Database(#[from] sqlx::Error),
}

/// Stores a new account. Usernames are unique regardless of case.
pub async fn create(db: impl PgExecutor<'_>, account: &NewAccount) -> Result<AccountId, CreateAccountError> {
    let result = sqlx::query_scalar!(
        r#"INSERT INTO accounts
               (username, display_name, role, region_id, department_kind, password_hash,
                must_change_password)
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
    .await;
    match result {
        Err(sqlx::Error::Database(e)) if e.constraint() == Some("accounts_username_key") => {
            Err(CreateAccountError::UsernameTaken(account.username.to_string()))
        }
        other => Ok(other?),
    }
}

/// An account as the operator's commands and the administrators' pages see it.
#[derive(Clone, Debug)]
pub struct AccountRecord {
    pub id: AccountId,
    pub username: String,
    pub display_name: String,
    pub role: Option<Role>,
    pub region_id: Option<RegionId>,
    pub department: Option<DepartmentKind>,
    pub disabled: bool,
}

impl AccountRecord {
    /// The fields an audit record copies before and after a change.
    pub fn audit_copy(&self) -> serde_json::Value {
        serde_json::json!({
            "username": self.username,
            "display_name": self.display_name,
            "role": self.role.map(|r| r.as_str()),
            "region_id": self.region_id.map(|r| r.0),
            "department_kind": self.department.map(|d| d.as_str()),
            "disabled": self.disabled,
        })
    }
}

pub async fn find_by_username(db: impl PgExecutor<'_>, username: &str) -> Result<Option<AccountRecord>, sqlx::Error> {
    let row = sqlx::query!(
        r#"SELECT id AS "id: AccountId", username, display_name, role, region_id AS "region_id: RegionId",
                  department_kind, disabled_at IS NOT NULL AS "disabled!"
           FROM accounts WHERE lower(username) = lower($1)"#,
        username
    )
    .fetch_optional(db)
    .await?;
    Ok(row.map(|r| AccountRecord {
        id: r.id,
        username: r.username,
        display_name: r.display_name,
        role: r.role.as_deref().and_then(Role::parse),
        region_id: r.region_id,
        department: r.department_kind.as_deref().and_then(DepartmentKind::parse),
        disabled: r.disabled,
    }))
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
