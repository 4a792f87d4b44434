//! SQL of the audit log: the auditor's search, keyset pages for exports, a record's history,
//! the login log, and retention. The writer (`audit::record`) has its INSERT.

use chrono::{DateTime, Utc};
use sqlx::{PgConnection, PgPool, Postgres, QueryBuilder};

use super::Action;
use super::model::AuditFilter;
use crate::org::Role;
use crate::values::time::day_start;
use crate::web::pagination::Cursor;

/// A row of the audit log as the auditor reads it (copies already masked by the writer).
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct AuditRow {
    pub id: i64,
    pub occurred_at: DateTime<Utc>,
    pub username: Option<String>,
    pub role: Option<Role>,
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
        qb.push(" AND lower(a.username) = lower(").push_bind(account.clone()).push(")");
    }
    if let Some(role) = f.role {
        qb.push(" AND a.role = ").push_bind(role);
    }
    if let Some(code) = &f.region_code {
        qb.push(" AND a.region_id = (SELECT id FROM regions WHERE code = ").push_bind(code.clone()).push(")");
    }
    if let Some(action) = f.action {
        qb.push(" AND a.action = ").push_bind(action.as_str());
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

/// Orders a keyset page of `fetch` rows: newest first, or (after a record) oldest first from
/// just after it (see `web::pagination::Keyset`). Every filter has an index that leads with it
/// and then the time (migrations 0010, 0021, 0024), so a page reads about its own rows.
fn push_keyset(qb: &mut QueryBuilder<Postgres>, cursor: Cursor, fetch: i64) {
    let (compare, order) = match cursor {
        Cursor::Newest => ("", "DESC"),
        Cursor::Before(_) => ("<", "DESC"),
        Cursor::After(_) => (">", "ASC"),
    };
    if let Cursor::Before(id) | Cursor::After(id) = cursor {
        let bound = if compare == "<" { "<=" } else { ">=" };
        qb.push(format!(" AND a.occurred_at {bound} (SELECT occurred_at FROM audit_log WHERE id = "))
            .push_bind(id)
            .push(format!(") AND (a.occurred_at, a.id) {compare} (SELECT occurred_at, id FROM audit_log WHERE id = "))
            .push_bind(id)
            .push(")");
    }
    qb.push(format!(" ORDER BY a.occurred_at {order}, a.id {order} LIMIT ")).push_bind(fetch);
}

/// A keyset page of the audit log matching the search (one row more than `size`; `After`
/// pages oldest first). No count: on a log of millions it would read them all on every view.
pub async fn search(pool: &PgPool, f: &AuditFilter, cursor: Cursor, size: u32) -> Result<Vec<AuditRow>, sqlx::Error> {
    let mut rows = QueryBuilder::new(AUDIT_COLUMNS);
    push_filter(&mut rows, f);
    push_keyset(&mut rows, cursor, Cursor::fetch(size));
    rows.build_query_as().fetch_all(pool).await
}

/// Up to `limit` matching records older than the record `below` (from the newest, without it):
/// one keyset page, so an export of any size is read page by page and never held whole. The
/// order is the search's (time, then id), which the (x, occurred_at) indexes serve.
pub async fn batch(
    pool: &PgPool,
    f: &AuditFilter,
    below: Option<i64>,
    limit: i64,
) -> Result<Vec<AuditRow>, sqlx::Error> {
    let mut qb = QueryBuilder::new(AUDIT_COLUMNS);
    push_filter(&mut qb, f);
    let cursor = below.map_or(Cursor::Newest, Cursor::Before);
    push_keyset(&mut qb, cursor, limit);
    qb.build_query_as().fetch_all(pool).await
}

/// A record's whole history: every event about one object, oldest first.
pub async fn object_history(pool: &PgPool, object_type: &str, object_id: &str) -> Result<Vec<AuditRow>, sqlx::Error> {
    let mut qb = QueryBuilder::new(AUDIT_COLUMNS);
    qb.push(" WHERE a.object_type = ").push_bind(object_type.to_string());
    qb.push(" AND a.object_id = ").push_bind(object_id.to_string());
    qb.push(" ORDER BY a.id");
    qb.build_query_as().fetch_all(pool).await
}

/// A line of the login log (sign-ins, failures, locks, sign-outs).
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct LoginEvent {
    pub id: i64,
    pub occurred_at: DateTime<Utc>,
    pub username: Option<String>,
    pub action: String,
    pub success: bool,
    pub detail: Option<String>,
    pub client_addr: Option<String>,
}

fn login_actions() -> Vec<&'static str> {
    Action::LOGIN_LOG.iter().map(|a| a.as_str()).collect()
}

/// A keyset page of the login log (one row more than `size`; `After` pages oldest first).
pub async fn login_events(pool: &PgPool, cursor: Cursor, size: u32) -> Result<Vec<LoginEvent>, sqlx::Error> {
    let mut qb = QueryBuilder::new(
        "SELECT a.id, a.occurred_at, a.username, a.action, a.success, a.detail, a.client_addr FROM audit_log a WHERE a.action = ANY(",
    );
    qb.push_bind(login_actions()).push(")");
    push_keyset(&mut qb, cursor, Cursor::fetch(size));
    qb.build_query_as().fetch_all(pool).await
}

/// A keyset page of the login log below `below`, newest first (for its export).
pub async fn login_events_batch(pool: &PgPool, below: Option<i64>, limit: i64) -> Result<Vec<LoginEvent>, sqlx::Error> {
    let actions = login_actions();
    sqlx::query_as!(
        LoginEvent,
        "SELECT id, occurred_at, username, action, success, detail, client_addr FROM audit_log
         WHERE action = ANY($1::text[]) AND ($2::bigint IS NULL OR id < $2)
         ORDER BY id DESC LIMIT $3",
        &actions as &[&str],
        below,
        limit
    )
    .fetch_all(pool)
    .await
}

/// Retention: removes records older than `days`, as the owner (the runtime role cannot).
pub async fn delete_older_than(owner: &mut PgConnection, days: u32) -> Result<u64, sqlx::Error> {
    let done = sqlx::query!("DELETE FROM audit_log WHERE occurred_at < now() - make_interval(days => $1)", days as i32)
        .execute(owner)
        .await?;
    Ok(done.rows_affected())
}
