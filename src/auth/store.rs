//! SQL of sign-in and sessions. `accounts` and `sessions` are system tables (no region scope:
//! a session is looked up before anyone is known), so these run as single statements on the
//! pool rather than in a scoped transaction.

use sqlx::PgPool;

use super::session::{Session, SessionAccount};
use crate::access::Role;
use crate::accounts::AccountId;
use crate::departments::DepartmentKind;
use crate::regions::{Region, RegionId, RegionLevel};

/// Stores a new session and returns nothing secret: the caller holds the raw id.
pub async fn create_session(
    pool: &PgPool,
    id_hash: &[u8; 32],
    account: Option<AccountId>,
    csrf_token: &str,
    absolute_timeout_secs: u64,
    client_addr: Option<&str>,
    user_agent: Option<&str>,
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "INSERT INTO sessions (id_hash, account_id, csrf_token, client_addr, user_agent, expires_at)
         VALUES ($1, $2, $3, $4, $5, now() + make_interval(secs => $6))",
        &id_hash[..],
        account.map(|a| a.0),
        csrf_token,
        client_addr,
        user_agent.map(|u| u.chars().take(300).collect::<String>()),
        absolute_timeout_secs as f64,
    )
    .execute(pool)
    .await?;
    Ok(())
}

/// The live session with this id: not past its absolute expiry, not idle too long, and not of
/// a disabled account. Refreshes `last_seen_at` at most once a minute, so a busy user does not
/// cost a write per request.
pub async fn load_session(
    pool: &PgPool,
    id_hash: &[u8; 32],
    idle_timeout_secs: u64,
) -> Result<Option<Session>, sqlx::Error> {
    let row = sqlx::query!(
        r#"SELECT s.csrf_token, s.account_id AS "account_id: AccountId",
                  s.last_seen_at < now() - make_interval(secs => least($3::float8, 60)) AS "stale!",
                  a.username AS "username?", a.display_name AS "display_name?", a.role, a.department_kind,
                  r.id AS "region_id?: RegionId", r.code AS "region_code?", r.name AS "region_name?",
                  r.level AS "region_level?"
           FROM sessions s
           LEFT JOIN accounts a ON a.id = s.account_id
           LEFT JOIN regions r ON r.id = a.region_id
           WHERE s.id_hash = $1
             AND s.expires_at > now()
             AND s.last_seen_at > now() - make_interval(secs => $2)
             AND (s.account_id IS NULL OR a.disabled_at IS NULL)"#,
        &id_hash[..],
        idle_timeout_secs as f64,
        (idle_timeout_secs / 10) as f64,
    )
    .fetch_optional(pool)
    .await?;
    let Some(row) = row else { return Ok(None) };
    if row.stale {
        sqlx::query!("UPDATE sessions SET last_seen_at = now() WHERE id_hash = $1", &id_hash[..]).execute(pool).await?;
    }
    let region = match (row.region_id, row.region_code, row.region_name, row.region_level) {
        (Some(id), Some(code), Some(name), Some(level)) => {
            RegionLevel::parse(&level).map(|level| Region { id, code, name, level })
        }
        _ => None,
    };
    let account = match (row.account_id, row.username, row.display_name) {
        (Some(id), Some(username), Some(display_name)) => Some(SessionAccount {
            id,
            username,
            display_name,
            role: row.role.as_deref().and_then(Role::parse),
            region,
            department: row.department_kind.as_deref().and_then(DepartmentKind::parse),
        }),
        _ => None,
    };
    Ok(Some(Session { id_hash: *id_hash, csrf_token: row.csrf_token, account }))
}

pub async fn delete_session(pool: &PgPool, id_hash: &[u8; 32]) -> Result<(), sqlx::Error> {
    sqlx::query!("DELETE FROM sessions WHERE id_hash = $1", &id_hash[..]).execute(pool).await?;
    Ok(())
}

/// Removes sessions that can no longer be used. Run periodically by the server.
pub async fn purge_expired_sessions(pool: &PgPool, idle_timeout_secs: u64) -> Result<u64, sqlx::Error> {
    let done = sqlx::query!(
        "DELETE FROM sessions WHERE expires_at <= now() OR last_seen_at <= now() - make_interval(secs => $1)",
        idle_timeout_secs as f64
    )
    .execute(pool)
    .await?;
    Ok(done.rows_affected())
}

/// What sign-in needs to know about an account.
pub struct LoginCandidate {
    pub id: AccountId,
    pub password_hash: String,
    pub disabled: bool,
}

/// Finds an account by username, regardless of case.
pub async fn find_login(pool: &PgPool, username: &str) -> Result<Option<LoginCandidate>, sqlx::Error> {
    let row = sqlx::query!(
        r#"SELECT id AS "id: AccountId", password_hash, disabled_at IS NOT NULL AS "disabled!"
           FROM accounts WHERE lower(username) = lower($1)"#,
        username
    )
    .fetch_optional(pool)
    .await?;
    Ok(row.map(|r| LoginCandidate { id: r.id, password_hash: r.password_hash, disabled: r.disabled }))
}
