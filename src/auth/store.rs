//! SQL of sign-in and sessions. `accounts` and `sessions` are system tables (no region scope:
//! a session is looked up before anyone is known), so these run as single statements on the
//! pool rather than in a scoped transaction.

use chrono::Utc;
use sqlx::{PgConnection, PgPool};

use super::policy::{EXPIRY_WARNING_DAYS, PolicyOverrides, SecurityPolicy};
use super::session::{Session, SessionAccount};
use crate::config::Settings;
use crate::error::WriteError;
use crate::org::{AccountId, DepartmentKind, Region, RegionId, RegionLevel, Role};
use crate::request::Person;

/// Stores a new session and returns nothing secret: the caller holds the raw id.
pub async fn create_session(
    db: impl sqlx::PgExecutor<'_>,
    id_hash: &[u8; 32],
    account: Option<AccountId>,
    second_factor_pending: bool,
    csrf_token: &str,
    absolute_timeout_secs: u64,
    client_addr: Option<&str>,
    user_agent: Option<&str>,
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "INSERT INTO sessions (id_hash, account_id, csrf_token, client_addr, user_agent, expires_at, second_factor_pending)
         VALUES ($1, $2, $3, $4, $5, now() + make_interval(secs => $6), $7)",
        &id_hash[..],
        account.map(|a| a.0),
        csrf_token,
        client_addr,
        user_agent.map(|u| u.chars().take(300).collect::<String>()),
        absolute_timeout_secs as f64,
        second_factor_pending,
    )
    .execute(db)
    .await?;
    Ok(())
}

/// The live session with this id: not past its absolute expiry, not idle too long (the policy's
/// idle timeout), and not of a disabled account. Refreshes `last_seen_at` at most once per
/// min(60 s, idle timeout ÷ 10), so a busy user does not cost a write per request.
///
/// A demo account's session counts only in demo mode, and the absolute timeout in force (the
/// database policy) applies to sessions created under a longer one.
pub async fn load_session(
    pool: &PgPool,
    id_hash: &[u8; 32],
    policy: &SecurityPolicy,
    demo_mode: bool,
) -> Result<Option<Session>, sqlx::Error> {
    let row = sqlx::query!(
        r#"WITH p AS (SELECT * FROM security_policy WHERE singleton)
           SELECT s.csrf_token, s.account_id AS "account_id: AccountId",
                  s.last_seen_at < now() - make_interval(secs => least(coalesce((SELECT session_idle_timeout_secs FROM p), $2) / 10.0, 60)) AS "stale!",
                  a.username AS "username?", a.display_name AS "display_name?", a.role AS "role: Role",
                  a.department_kind AS "department_kind: DepartmentKind",
                  a.must_change_password AS "must_change_password?", a.demo AS "demo?",
                  s.second_factor_pending, a.totp_enabled_at IS NOT NULL AS "totp_enabled?",
                  coalesce((SELECT totp_required_for_all FROM p), $4) AS "totp_required_for_all!",
                  a.password_changed_at + make_interval(days => coalesce((SELECT password_max_age_days FROM p), $3)) AS password_expires_at,
                  r.id AS "region_id?: RegionId", r.code AS "region_code?", r.name AS "region_name?",
                  r.level AS "region_level?: RegionLevel",
                  (SELECT version FROM reference_version WHERE singleton) AS "reference_version!"
           FROM sessions s
           LEFT JOIN accounts a ON a.id = s.account_id
           LEFT JOIN regions r ON r.id = a.region_id
           WHERE s.id_hash = $1
             AND s.expires_at > now()
             AND s.last_seen_at > now() - make_interval(secs => coalesce((SELECT session_idle_timeout_secs FROM p), $2))
             AND s.created_at > now() - make_interval(secs => coalesce((SELECT session_absolute_timeout_secs FROM p), $5))
             AND (s.account_id IS NULL OR (a.disabled_at IS NULL AND (NOT a.demo OR $6)))"#,
        &id_hash[..],
        policy.session_idle_timeout_secs as i32,
        policy.password_max_age_days as i32,
        policy.totp_required_for_all,
        policy.session_absolute_timeout_secs as i32,
        demo_mode,
    )
    .fetch_optional(pool)
    .await?;
    let Some(row) = row else { return Ok(None) };
    if row.stale {
        sqlx::query!("UPDATE sessions SET last_seen_at = now() WHERE id_hash = $1", &id_hash[..]).execute(pool).await?;
    }
    let region = match (row.region_id, row.region_code, row.region_name, row.region_level) {
        (Some(id), Some(code), Some(name), Some(level)) => Some(Region { id, code, name, level }),
        _ => None,
    };
    let days_left = row.password_expires_at.map(|at| (at - Utc::now()).num_days());
    let role = row.role;
    let account = match (row.account_id, row.username, row.display_name) {
        (Some(id), Some(username), Some(display_name)) => Some(SessionAccount {
            person: Person { id, username, display_name, role, region, department: row.department_kind },
            must_change_password: row.must_change_password.unwrap_or(true)
                || row.password_expires_at.is_some_and(|at| at <= Utc::now()),
            password_expires_in_days: days_left.filter(|d| (0..=EXPIRY_WARNING_DAYS).contains(d)),
            demo: row.demo.unwrap_or(false),
            second_factor_pending: row.second_factor_pending,
            totp_enabled: row.totp_enabled.unwrap_or(false),
            totp_required: row.totp_required_for_all || role.is_some_and(Role::is_administrator),
        }),
        _ => None,
    };
    Ok(Some(Session {
        id_hash: *id_hash,
        csrf_token: row.csrf_token,
        account,
        reference_version: row.reference_version,
    }))
}

/// The effective security policy: the configuration with the database's values over it.
pub async fn load_policy(pool: &PgPool, settings: &Settings) -> Result<SecurityPolicy, sqlx::Error> {
    let (overrides, _) = policy_overrides(pool).await?;
    Ok(SecurityPolicy::from_settings(settings).with(overrides))
}

/// The security administrator's stored values (all `None` when never saved) and their version
/// (0 when never saved).
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

/// Saves the policy if it is still at `version` (0: never saved), inside the caller's
/// transaction; `WriteError::Stale` when someone saved in between.
pub async fn save_policy(
    tx: &mut PgConnection,
    by: AccountId,
    version: i32,
    p: &PolicyOverrides,
) -> Result<(), WriteError> {
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
        by.0,
        version
    )
    .execute(tx)
    .await?;
    if saved.rows_affected() == 0 { Err(WriteError::Stale) } else { Ok(()) }
}

pub async fn delete_session(db: impl sqlx::PgExecutor<'_>, id_hash: &[u8; 32]) -> Result<(), sqlx::Error> {
    sqlx::query!("DELETE FROM sessions WHERE id_hash = $1", &id_hash[..]).execute(db).await?;
    Ok(())
}

/// Removes sessions that can no longer be used, by the idle and absolute timeouts in force
/// (the security administrator's values over the configured ones). Run periodically by the server.
pub async fn purge_expired_sessions(pool: &PgPool, configured: &SecurityPolicy) -> Result<u64, sqlx::Error> {
    let done = sqlx::query!(
        "WITH p AS (SELECT * FROM security_policy WHERE singleton)
         DELETE FROM sessions
         WHERE expires_at <= now()
            OR last_seen_at <= now() - make_interval(secs => coalesce((SELECT session_idle_timeout_secs FROM p), $1))
            OR created_at <= now() - make_interval(secs => coalesce((SELECT session_absolute_timeout_secs FROM p), $2))",
        configured.session_idle_timeout_secs as i32,
        configured.session_absolute_timeout_secs as i32,
    )
    .execute(pool)
    .await?;
    Ok(done.rows_affected())
}

/// What sign-in needs to know about an account.
pub struct LoginCandidate {
    pub id: AccountId,
    pub username: String,
    pub role: Option<Role>,
    pub region_id: Option<RegionId>,
    pub password_hash: String,
    pub disabled: bool,
    /// Minutes until the lock ends, if locked.
    pub locked_minutes: Option<i64>,
    pub totp_enabled: bool,
    /// A demo account: usable only in demo mode.
    pub demo: bool,
}

/// Finds an account by username, regardless of case.
pub async fn find_login(pool: &PgPool, username: &str) -> Result<Option<LoginCandidate>, sqlx::Error> {
    let row = sqlx::query!(
        r#"SELECT id AS "id: AccountId", username, role AS "role: Role", region_id AS "region_id: RegionId", password_hash,
                  disabled_at IS NOT NULL AS "disabled!",
                  CASE WHEN locked_until > now() THEN ceil(extract(epoch FROM locked_until - now()) / 60)::bigint END AS locked_minutes,
                  totp_enabled_at IS NOT NULL AS "totp_enabled!", demo
           FROM accounts WHERE lower(username) = lower($1)"#,
        username
    )
    .fetch_optional(pool)
    .await?;
    Ok(row.map(|r| LoginCandidate {
        id: r.id,
        username: r.username,
        role: r.role,
        region_id: r.region_id,
        password_hash: r.password_hash,
        disabled: r.disabled,
        locked_minutes: r.locked_minutes,
        totp_enabled: r.totp_enabled,
        demo: r.demo,
    }))
}

/// Counts a failed sign-in; at the threshold the account locks. Returns whether this failure
/// locked it. Atomic, so concurrent attempts on several instances count correctly.
pub async fn record_failed_login(
    db: &mut PgConnection,
    id: AccountId,
    policy: &SecurityPolicy,
) -> Result<bool, sqlx::Error> {
    let locked = sqlx::query_scalar!(
        r#"UPDATE accounts
           SET failed_logins = failed_logins + 1,
               locked_until = CASE WHEN failed_logins + 1 >= $2 THEN now() + make_interval(mins => $3) ELSE locked_until END
           WHERE id = $1
           RETURNING failed_logins >= $2 AND locked_until > now() AS "locked!""#,
        id.0,
        policy.lockout_threshold as i32,
        policy.lockout_minutes as i32,
    )
    .fetch_one(db)
    .await?;
    Ok(locked)
}

/// Admits a sign-in whose password (or, with `complete`, whose second factor too) was right,
/// unless the account is locked or disabled at this moment: one statement, so a lock set by a
/// parallel attempt after this sign-in's first look is still seen. A lock is never lifted here;
/// it ends by time or by the system administrator. Only a complete sign-in resets the failure
/// count, so alternating right passwords with wrong codes cannot dodge the lockout.
pub async fn admit_sign_in(db: &mut PgConnection, id: AccountId, complete: bool) -> Result<bool, sqlx::Error> {
    let done = sqlx::query!(
        "UPDATE accounts
         SET failed_logins = CASE WHEN $2 THEN 0 ELSE failed_logins END,
             last_login_at = CASE WHEN $2 THEN now() ELSE last_login_at END
         WHERE id = $1 AND disabled_at IS NULL AND (locked_until IS NULL OR locked_until <= now())",
        id.0,
        complete
    )
    .execute(db)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Minutes until the account's lock ends, if it is locked now.
pub async fn locked_minutes(db: impl sqlx::PgExecutor<'_>, id: AccountId) -> Result<Option<i64>, sqlx::Error> {
    sqlx::query_scalar!(
        r#"SELECT ceil(extract(epoch FROM locked_until - now()) / 60)::bigint AS "minutes!"
           FROM accounts WHERE id = $1 AND locked_until > now()"#,
        id.0
    )
    .fetch_optional(db)
    .await
}

/// Ends the account's sign-ins that still owe their second factor (when the account locks).
pub async fn end_pending_sessions(db: &mut PgConnection, account: AccountId) -> Result<u64, sqlx::Error> {
    let done = sqlx::query!("DELETE FROM sessions WHERE account_id = $1 AND second_factor_pending", account.0)
        .execute(db)
        .await?;
    Ok(done.rows_affected())
}

/// Ends every session of an account except `keep`.
pub async fn end_sessions(
    db: &mut PgConnection,
    account: AccountId,
    keep: Option<&[u8; 32]>,
) -> Result<u64, sqlx::Error> {
    let done = sqlx::query!(
        "DELETE FROM sessions WHERE account_id = $1 AND ($2::bytea IS NULL OR id_hash <> $2)",
        account.0,
        keep.map(|k| &k[..])
    )
    .execute(db)
    .await?;
    Ok(done.rows_affected())
}

/// The current hash and the earlier ones, newest first: `count` in all.
pub async fn recent_password_hashes(pool: &PgPool, account: AccountId, count: u32) -> Result<Vec<String>, sqlx::Error> {
    sqlx::query_scalar!(
        r#"SELECT h AS "h!" FROM (
               SELECT password_hash AS h, password_changed_at AS at FROM accounts WHERE id = $1
               UNION ALL
               SELECT password_hash, changed_at FROM password_history WHERE account_id = $1
           ) hashes ORDER BY at DESC LIMIT $2"#,
        account.0,
        i64::from(count)
    )
    .fetch_all(pool)
    .await
}

/// Replaces the password, keeping the old hash in the history (trimmed to `keep` entries).
/// `must_change` is true for an administrator's reset (which also lifts a lock), false for the
/// user's own change (which does not: a lock ends by time or by the administrator).
pub async fn set_password(
    db: &mut PgConnection,
    account: AccountId,
    new_hash: &str,
    must_change: bool,
    keep: u32,
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "INSERT INTO password_history (account_id, password_hash, changed_at)
         SELECT id, password_hash, password_changed_at FROM accounts WHERE id = $1
         ON CONFLICT DO NOTHING",
        account.0
    )
    .execute(&mut *db)
    .await?;
    sqlx::query!(
        "UPDATE accounts SET password_hash = $2, must_change_password = $3, password_changed_at = now(),
                             failed_logins = CASE WHEN $3 THEN 0 ELSE failed_logins END,
                             locked_until = CASE WHEN $3 THEN NULL ELSE locked_until END,
                             version = version + 1, updated_at = now()
         WHERE id = $1",
        account.0,
        new_hash,
        must_change
    )
    .execute(&mut *db)
    .await?;
    // The current password counts as one of the remembered ones.
    sqlx::query!(
        "DELETE FROM password_history WHERE account_id = $1 AND changed_at NOT IN (
             SELECT changed_at FROM password_history WHERE account_id = $1 ORDER BY changed_at DESC LIMIT $2)",
        account.0,
        i64::from(keep.saturating_sub(1))
    )
    .execute(&mut *db)
    .await?;
    Ok(())
}

/// An account's second factor as sign-in and enrolment see it.
pub struct TotpState {
    pub secret: Option<String>,
    pub pending_secret: Option<String>,
    pub last_step: Option<u64>,
}

pub async fn totp_state(db: impl sqlx::PgExecutor<'_>, account: AccountId) -> Result<TotpState, sqlx::Error> {
    let row =
        sqlx::query!("SELECT totp_secret, totp_pending_secret, totp_last_step FROM accounts WHERE id = $1", account.0)
            .fetch_one(db)
            .await?;
    Ok(TotpState {
        secret: row.totp_secret,
        pending_secret: row.totp_pending_secret,
        last_step: row.totp_last_step.and_then(|s| u64::try_from(s).ok()),
    })
}

/// Starts (or restarts) an enrolment with a fresh secret.
pub async fn set_pending_totp_secret(
    db: impl sqlx::PgExecutor<'_>,
    account: AccountId,
    secret: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query!("UPDATE accounts SET totp_pending_secret = $2 WHERE id = $1", account.0, secret).execute(db).await?;
    Ok(())
}

/// Confirms an enrolment: the pending secret becomes the secret, with new recovery codes.
pub async fn enable_totp(
    db: &mut PgConnection,
    account: AccountId,
    step: u64,
    recovery_hashes: &[[u8; 32]],
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "UPDATE accounts SET totp_secret = totp_pending_secret, totp_pending_secret = NULL, totp_enabled_at = now(),
                             totp_last_step = $2
         WHERE id = $1 AND totp_pending_secret IS NOT NULL",
        account.0,
        step as i64
    )
    .execute(&mut *db)
    .await?;
    sqlx::query!("DELETE FROM recovery_codes WHERE account_id = $1", account.0).execute(&mut *db).await?;
    for hash in recovery_hashes {
        sqlx::query!("INSERT INTO recovery_codes (account_id, code_hash) VALUES ($1, $2)", account.0, &hash[..])
            .execute(&mut *db)
            .await?;
    }
    Ok(())
}

/// Takes a time step for the account unless it (or a later one) was taken already: the atomic
/// check that makes a code good once, across instances.
pub async fn take_totp_step(db: &mut PgConnection, account: AccountId, step: u64) -> Result<bool, sqlx::Error> {
    let done = sqlx::query!(
        "UPDATE accounts SET totp_last_step = $2 WHERE id = $1 AND (totp_last_step IS NULL OR totp_last_step < $2)",
        account.0,
        step as i64
    )
    .execute(db)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Uses up a recovery code; false if it is unknown or used.
pub async fn use_recovery_code(
    db: &mut PgConnection,
    account: AccountId,
    hash: &[u8; 32],
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query!(
        "UPDATE recovery_codes SET used_at = now() WHERE account_id = $1 AND code_hash = $2 AND used_at IS NULL",
        account.0,
        &hash[..]
    )
    .execute(db)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// A live signed-in session, as the system administrator's list shows it.
#[derive(Clone, Debug)]
pub struct OnlineSession {
    /// The first half of the id's hash, in hex: enough to name it, useless as a cookie.
    pub handle: String,
    pub account_id: AccountId,
    pub username: String,
    pub display_name: String,
    pub client_addr: Option<String>,
    pub created_at: chrono::DateTime<Utc>,
    pub last_seen_at: chrono::DateTime<Utc>,
}

/// One page of the sessions in use (signed in, not expired, not idle too long), the most
/// recently active first, and how many there are.
pub async fn online_sessions(
    pool: &PgPool,
    idle_timeout_secs: u64,
    page: crate::web::pagination::Page,
) -> Result<(Vec<OnlineSession>, i64), sqlx::Error> {
    let rows = sqlx::query!(
        r#"SELECT encode(substring(s.id_hash FROM 1 FOR 16), 'hex') AS "handle!", a.id AS "account_id: AccountId",
                  a.username, a.display_name, s.client_addr, s.created_at, s.last_seen_at, count(*) OVER () AS "total!"
           FROM sessions s JOIN accounts a ON a.id = s.account_id
           WHERE s.expires_at > now() AND s.last_seen_at > now() - make_interval(secs => $1)
           ORDER BY s.last_seen_at DESC
           LIMIT $2 OFFSET $3"#,
        idle_timeout_secs as f64,
        page.limit(),
        page.offset()
    )
    .fetch_all(pool)
    .await?;
    let total = rows.first().map_or(0, |r| r.total);
    let sessions = rows
        .into_iter()
        .map(|r| OnlineSession {
            handle: r.handle,
            account_id: r.account_id,
            username: r.username,
            display_name: r.display_name,
            client_addr: r.client_addr,
            created_at: r.created_at,
            last_seen_at: r.last_seen_at,
        })
        .collect();
    Ok((sessions, total))
}

/// Ends the signed-in session named by its handle; the account whose session it was, if any.
pub async fn end_session_by_handle(tx: &mut PgConnection, handle: &str) -> Result<Option<AccountId>, sqlx::Error> {
    let Some(prefix) = hex::decode(handle).ok().filter(|p| p.len() == 16) else { return Ok(None) };
    sqlx::query_scalar!(
        r#"DELETE FROM sessions s USING accounts a
           WHERE a.id = s.account_id AND substring(s.id_hash FROM 1 FOR 16) = $1
           RETURNING a.id AS "id: AccountId""#,
        &prefix[..]
    )
    .fetch_optional(tx)
    .await
}
