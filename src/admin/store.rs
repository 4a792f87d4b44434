//! SQL of the administrators' pages. Accounts, sessions, the policy and the audit log are system
//! tables; writes still run in a transaction opened for the administrator, with their record.

use chrono::{DateTime, Utc};
use serde_json::json;
use sqlx::{PgPool, Postgres, QueryBuilder};

use super::model::{AuditFilter, DORMANT_DAYS};
use crate::access::Role;
use crate::accounts::AccountId;
use crate::audit::{self, AuditContext, Event};
use crate::auth::Actor;
use crate::auth::policy::PolicyOverrides;
use crate::db;
use crate::departments::DepartmentKind;
use crate::regions::{RegionId, RegionLevel};
use crate::web::pagination::Page;

/// An account as the administrators' lists show it.
#[derive(Clone, Debug)]
pub struct AccountRow {
    pub id: AccountId,
    pub username: String,
    pub display_name: String,
    pub role: Option<Role>,
    pub region_id: Option<RegionId>,
    pub region_code: Option<String>,
    pub region_name: Option<String>,
    pub region_level: Option<RegionLevel>,
    pub department: Option<DepartmentKind>,
    pub disabled: bool,
    pub locked: bool,
    pub totp_enabled: bool,
    pub must_change_password: bool,
    pub last_login_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub version: i32,
}

macro_rules! account_row {
    ($r:expr) => {
        AccountRow {
            id: $r.id,
            username: $r.username,
            display_name: $r.display_name,
            role: $r.role.as_deref().and_then(Role::parse),
            region_id: $r.region_id,
            region_code: $r.region_code,
            region_name: $r.region_name,
            region_level: $r.region_level.as_deref().and_then(RegionLevel::parse),
            department: $r.department_kind.as_deref().and_then(DepartmentKind::parse),
            disabled: $r.disabled,
            locked: $r.locked,
            totp_enabled: $r.totp_enabled,
            must_change_password: $r.must_change_password,
            last_login_at: $r.last_login_at,
            created_at: $r.created_at,
            version: $r.version,
        }
    };
}

/// One page of accounts, optionally searched by username or name, and how many match.
pub async fn list_accounts(
    pool: &PgPool,
    search: Option<&str>,
    page: Page,
) -> Result<(Vec<AccountRow>, i64), sqlx::Error> {
    let pattern = search.map(|q| format!("%{}%", q.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_")));
    let total = sqlx::query_scalar!(
        r#"SELECT count(*) AS "n!" FROM accounts
           WHERE $1::text IS NULL OR username ILIKE $1 OR display_name ILIKE $1"#,
        pattern
    )
    .fetch_one(pool)
    .await?;
    let rows = sqlx::query!(
        r#"SELECT a.id AS "id: AccountId", a.username, a.display_name, a.role, a.region_id AS "region_id: RegionId",
                  r.code AS "region_code?", r.name AS "region_name?", r.level AS "region_level?", a.department_kind,
                  a.disabled_at IS NOT NULL AS "disabled!", coalesce(a.locked_until > now(), false) AS "locked!",
                  a.totp_enabled_at IS NOT NULL AS "totp_enabled!", a.must_change_password, a.last_login_at,
                  a.created_at, a.version
           FROM accounts a LEFT JOIN regions r ON r.id = a.region_id
           WHERE $1::text IS NULL OR a.username ILIKE $1 OR a.display_name ILIKE $1
           ORDER BY a.id LIMIT $2 OFFSET $3"#,
        pattern,
        page.limit(),
        page.offset()
    )
    .fetch_all(pool)
    .await?;
    Ok((rows.into_iter().map(|r| account_row!(r)).collect(), total))
}

pub async fn account(pool: &PgPool, id: AccountId) -> Result<Option<AccountRow>, sqlx::Error> {
    let row = sqlx::query!(
        r#"SELECT a.id AS "id: AccountId", a.username, a.display_name, a.role, a.region_id AS "region_id: RegionId",
                  r.code AS "region_code?", r.name AS "region_name?", r.level AS "region_level?", a.department_kind,
                  a.disabled_at IS NOT NULL AS "disabled!", coalesce(a.locked_until > now(), false) AS "locked!",
                  a.totp_enabled_at IS NOT NULL AS "totp_enabled!", a.must_change_password, a.last_login_at,
                  a.created_at, a.version
           FROM accounts a LEFT JOIN regions r ON r.id = a.region_id
           WHERE a.id = $1"#,
        id.0
    )
    .fetch_optional(pool)
    .await?;
    Ok(row.map(|r| account_row!(r)))
}

/// Accounts, not disabled, without a sign-in for [`DORMANT_DAYS`] (or never, and created that long ago).
pub async fn dormant_accounts(pool: &PgPool) -> Result<Vec<AccountRow>, sqlx::Error> {
    let rows = sqlx::query!(
        r#"SELECT a.id AS "id: AccountId", a.username, a.display_name, a.role, a.region_id AS "region_id: RegionId",
                  r.code AS "region_code?", r.name AS "region_name?", r.level AS "region_level?", a.department_kind,
                  a.disabled_at IS NOT NULL AS "disabled!", coalesce(a.locked_until > now(), false) AS "locked!",
                  a.totp_enabled_at IS NOT NULL AS "totp_enabled!", a.must_change_password, a.last_login_at,
                  a.created_at, a.version
           FROM accounts a LEFT JOIN regions r ON r.id = a.region_id
           WHERE a.disabled_at IS NULL
             AND coalesce(a.last_login_at, a.created_at) < now() - make_interval(days => $1)
           ORDER BY coalesce(a.last_login_at, a.created_at)"#,
        DORMANT_DAYS as i32
    )
    .fetch_all(pool)
    .await?;
    Ok(rows.into_iter().map(|r| account_row!(r)).collect())
}

pub enum SaveOutcome {
    Saved,
    Stale,
    Missing,
}

/// The system administrator's edit of name, region and department (optimistic locking).
pub async fn update_account(
    pool: &PgPool,
    actor: &Actor,
    audit_ctx: &AuditContext,
    id: AccountId,
    version: i32,
    display_name: &str,
    region: Option<RegionId>,
    department: Option<DepartmentKind>,
) -> Result<SaveOutcome, sqlx::Error> {
    let Some(before) = account(pool, id).await? else { return Ok(SaveOutcome::Missing) };
    let mut tx = db::begin(pool, actor.db()).await?;
    let updated = sqlx::query!(
        "UPDATE accounts SET display_name = $3, region_id = $4, department_kind = $5, version = version + 1, updated_at = now()
         WHERE id = $1 AND version = $2",
        id.0,
        version,
        display_name,
        region.map(|r| r.0),
        department.map(|d| d.as_str())
    )
    .execute(&mut *tx)
    .await?;
    if updated.rows_affected() == 0 {
        return Ok(SaveOutcome::Stale);
    }
    let after = json!({
        "display_name": display_name,
        "region_id": region.map(|r| r.0),
        "department_kind": department.map(|d| d.as_str()),
    });
    let before_copy = json!({
        "display_name": before.display_name,
        "region_id": before.region_id.map(|r| r.0),
        "department_kind": before.department.map(|d| d.as_str()),
    });
    audit::record(&mut tx, audit_ctx, Event::new("account.update").object("account", id).change(before_copy, after))
        .await?;
    tx.commit().await?;
    Ok(SaveOutcome::Saved)
}

/// A row of the login log (from the audit log).
#[derive(Clone, Debug)]
pub struct LoginLogRow {
    pub occurred_at: DateTime<Utc>,
    pub username: Option<String>,
    pub action: String,
    pub success: bool,
    pub detail: Option<String>,
    pub client_addr: Option<String>,
}

pub async fn login_log(pool: &PgPool, page: Page) -> Result<(Vec<LoginLogRow>, i64), sqlx::Error> {
    let total = sqlx::query_scalar!(
        r#"SELECT count(*) AS "n!" FROM audit_log WHERE action IN ('login.success', 'login.failure', 'account.lock', 'session.logout')"#
    )
    .fetch_one(pool)
    .await?;
    let rows = sqlx::query_as!(
        LoginLogRow,
        "SELECT occurred_at, username, action, success, detail, client_addr FROM audit_log
         WHERE action IN ('login.success', 'login.failure', 'account.lock', 'session.logout')
         ORDER BY occurred_at DESC, id DESC LIMIT $1 OFFSET $2",
        page.limit(),
        page.offset()
    )
    .fetch_all(pool)
    .await?;
    Ok((rows, total))
}

/// A live signed-in session.
#[derive(Clone, Debug)]
pub struct SessionRow {
    /// The first half of the id's hash, in hex: enough to name it, useless as a cookie.
    pub handle: String,
    pub username: String,
    pub display_name: String,
    pub client_addr: Option<String>,
    pub created_at: DateTime<Utc>,
    pub last_seen_at: DateTime<Utc>,
}

pub async fn online_sessions(pool: &PgPool, idle_timeout_secs: u64) -> Result<Vec<SessionRow>, sqlx::Error> {
    sqlx::query_as!(
        SessionRow,
        r#"SELECT encode(substring(s.id_hash FROM 1 FOR 16), 'hex') AS "handle!", a.username, a.display_name,
                  s.client_addr, s.created_at, s.last_seen_at
           FROM sessions s JOIN accounts a ON a.id = s.account_id
           WHERE s.expires_at > now() AND s.last_seen_at > now() - make_interval(secs => $1)
           ORDER BY s.last_seen_at DESC"#,
        idle_timeout_secs as f64
    )
    .fetch_all(pool)
    .await
}

/// Forced logout. Returns the account whose session ended, if it existed.
pub async fn end_session(
    pool: &PgPool,
    actor: &Actor,
    audit_ctx: &AuditContext,
    handle: &str,
) -> Result<Option<String>, sqlx::Error> {
    let Ok(prefix) = hex::decode(handle) else { return Ok(None) };
    if prefix.len() != 16 {
        return Ok(None);
    }
    let mut tx = db::begin(pool, actor.db()).await?;
    let ended = sqlx::query!(
        r#"DELETE FROM sessions s USING accounts a
           WHERE a.id = s.account_id AND substring(s.id_hash FROM 1 FOR 16) = $1
           RETURNING a.id AS "id: AccountId", a.username"#,
        &prefix[..]
    )
    .fetch_optional(&mut *tx)
    .await?;
    let Some(ended) = ended else { return Ok(None) };
    let event = Event::new("session.end").object("account", ended.id).detail("管理员强制下线");
    audit::record(&mut tx, audit_ctx, event).await?;
    tx.commit().await?;
    Ok(Some(ended.username))
}

/// The stored policy overrides (all `None` when the security administrator never saved).
pub async fn policy_overrides(pool: &PgPool) -> Result<(PolicyOverrides, i32), sqlx::Error> {
    let row = sqlx::query!(
        "SELECT password_min_length, password_max_age_days, password_history, lockout_threshold, lockout_minutes,
                session_idle_timeout_secs, session_absolute_timeout_secs, totp_required_for_all, version
         FROM security_policy WHERE singleton"
    )
    .fetch_optional(pool)
    .await?;
    Ok(match row {
        None => (PolicyOverrides::default(), 0),
        Some(r) => (
            PolicyOverrides {
                password_min_length: r.password_min_length,
                password_max_age_days: r.password_max_age_days,
                password_history: r.password_history,
                lockout_threshold: r.lockout_threshold,
                lockout_minutes: r.lockout_minutes,
                session_idle_timeout_secs: r.session_idle_timeout_secs,
                session_absolute_timeout_secs: r.session_absolute_timeout_secs,
                totp_required_for_all: r.totp_required_for_all,
            },
            r.version,
        ),
    })
}

fn policy_copy(p: &PolicyOverrides) -> serde_json::Value {
    json!({
        "password_min_length": p.password_min_length,
        "password_max_age_days": p.password_max_age_days,
        "password_history": p.password_history,
        "lockout_threshold": p.lockout_threshold,
        "lockout_minutes": p.lockout_minutes,
        "session_idle_timeout_secs": p.session_idle_timeout_secs,
        "session_absolute_timeout_secs": p.session_absolute_timeout_secs,
        "totp_required_for_all": p.totp_required_for_all,
    })
}

/// Saves the policy if still at `version` (0: never saved). False when someone saved in between.
pub async fn save_policy(
    pool: &PgPool,
    actor: &Actor,
    audit_ctx: &AuditContext,
    version: i32,
    p: &PolicyOverrides,
) -> Result<bool, sqlx::Error> {
    let (before, _) = policy_overrides(pool).await?;
    let mut tx = db::begin(pool, actor.db()).await?;
    let saved = sqlx::query!(
        "INSERT INTO security_policy AS sp (password_min_length, password_max_age_days, password_history, lockout_threshold,
                                            lockout_minutes, session_idle_timeout_secs, session_absolute_timeout_secs,
                                            totp_required_for_all, updated_by)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
         ON CONFLICT (singleton) DO UPDATE SET
             password_min_length = EXCLUDED.password_min_length, password_max_age_days = EXCLUDED.password_max_age_days,
             password_history = EXCLUDED.password_history, lockout_threshold = EXCLUDED.lockout_threshold,
             lockout_minutes = EXCLUDED.lockout_minutes, session_idle_timeout_secs = EXCLUDED.session_idle_timeout_secs,
             session_absolute_timeout_secs = EXCLUDED.session_absolute_timeout_secs,
             totp_required_for_all = EXCLUDED.totp_required_for_all, updated_by = EXCLUDED.updated_by,
             updated_at = now(), version = sp.version + 1
         WHERE sp.version = $10",
        p.password_min_length,
        p.password_max_age_days,
        p.password_history,
        p.lockout_threshold,
        p.lockout_minutes,
        p.session_idle_timeout_secs,
        p.session_absolute_timeout_secs,
        p.totp_required_for_all,
        actor.account_id.0,
        version
    )
    .execute(&mut *tx)
    .await?;
    if saved.rows_affected() == 0 {
        return Ok(false);
    }
    audit::record(
        &mut tx,
        audit_ctx,
        Event::new("policy.change").object("policy", "security").change(policy_copy(&before), policy_copy(p)),
    )
    .await?;
    tx.commit().await?;
    Ok(true)
}

/// A row of the audit log as the auditor reads it (copies already masked by the writer).
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct AuditRow {
    pub id: i64,
    pub occurred_at: DateTime<Utc>,
    pub username: Option<String>,
    pub role: Option<String>,
    pub action: String,
    pub object_type: Option<String>,
    pub object_id: Option<String>,
    pub success: bool,
    pub detail: Option<String>,
    pub client_addr: Option<String>,
    pub request_id: Option<String>,
    pub before: Option<serde_json::Value>,
    pub after: Option<serde_json::Value>,
}

const AUDIT_COLUMNS: &str = "SELECT a.id, a.occurred_at, a.username, a.role, a.action, a.object_type, a.object_id, a.success, \
     a.detail, a.client_addr, a.request_id, a.before, a.after FROM audit_log a";

/// Midnight of a calendar day in Asia/Shanghai, as UTC.
fn day_start(date: chrono::NaiveDate) -> DateTime<Utc> {
    let midnight = date.and_time(chrono::NaiveTime::MIN);
    DateTime::<Utc>::from_naive_utc_and_offset(midnight, Utc) - chrono::Duration::hours(8)
}

/// The WHERE clause of a search; every value is a bound parameter.
fn push_filter(qb: &mut QueryBuilder<Postgres>, f: &AuditFilter) {
    qb.push(" WHERE true");
    if let Some(from) = f.from {
        qb.push(" AND a.occurred_at >= ").push_bind(day_start(from));
    }
    if let Some(to) = f.to {
        qb.push(" AND a.occurred_at < ").push_bind(day_start(to + chrono::Duration::days(1)));
    }
    if let Some(account) = &f.account {
        let escaped = account.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_");
        qb.push(" AND a.username ILIKE ").push_bind(format!("%{escaped}%"));
    }
    if let Some(role) = f.role {
        qb.push(" AND a.role = ").push_bind(role.as_str());
    }
    if let Some(code) = &f.region_code {
        qb.push(" AND a.region_id = (SELECT id FROM regions WHERE code = ").push_bind(code.clone()).push(")");
    }
    if let Some(action) = &f.action {
        qb.push(" AND a.action = ").push_bind(action.clone());
    }
    if let Some(object_type) = &f.object_type {
        qb.push(" AND a.object_type = ").push_bind(object_type.clone());
    }
    if let Some(object_id) = &f.object_id {
        qb.push(" AND a.object_id = ").push_bind(object_id.clone());
    }
    if let Some(success) = f.success {
        qb.push(" AND a.success = ").push_bind(success);
    }
}

/// One page of the audit log matching the search, newest first, and how many match.
pub async fn audit_search(pool: &PgPool, f: &AuditFilter, page: Page) -> Result<(Vec<AuditRow>, i64), sqlx::Error> {
    let mut count = QueryBuilder::new("SELECT count(*) FROM audit_log a");
    push_filter(&mut count, f);
    let total: i64 = count.build_query_scalar().fetch_one(pool).await?;
    let mut rows = QueryBuilder::new(AUDIT_COLUMNS);
    push_filter(&mut rows, f);
    rows.push(" ORDER BY a.id DESC LIMIT ").push_bind(page.limit()).push(" OFFSET ").push_bind(page.offset());
    Ok((rows.build_query_as().fetch_all(pool).await?, total))
}

/// Every matching record, newest first, fed to `each` in batches (keyset pagination), so an
/// export of any size never holds the whole result.
pub async fn audit_for_each(
    pool: &PgPool,
    f: &AuditFilter,
    mut each: impl FnMut(AuditRow) -> Result<(), crate::web::export::ExportError>,
) -> Result<(), crate::error::AppError> {
    const BATCH: i64 = 5000;
    let mut below: Option<i64> = None;
    loop {
        let mut qb = QueryBuilder::new(AUDIT_COLUMNS);
        push_filter(&mut qb, f);
        if let Some(id) = below {
            qb.push(" AND a.id < ").push_bind(id);
        }
        qb.push(" ORDER BY a.id DESC LIMIT ").push_bind(BATCH);
        let batch: Vec<AuditRow> = qb.build_query_as().fetch_all(pool).await?;
        let done = (batch.len() as i64) < BATCH;
        below = batch.last().map(|r| r.id);
        for row in batch {
            each(row).map_err(|e| crate::error::AppError::Internal(e.into()))?;
        }
        if done {
            return Ok(());
        }
    }
}

/// A record's whole history: every event about one object, oldest first.
pub async fn object_history(pool: &PgPool, object_type: &str, object_id: &str) -> Result<Vec<AuditRow>, sqlx::Error> {
    let mut qb = QueryBuilder::new(AUDIT_COLUMNS);
    qb.push(" WHERE a.object_type = ").push_bind(object_type.to_string());
    qb.push(" AND a.object_id = ").push_bind(object_id.to_string());
    qb.push(" ORDER BY a.id");
    qb.build_query_as().fetch_all(pool).await
}
