//! SQL of the audit log: the auditor's search, keyset pages for exports, a record's history,
//! the login log, and retention. The writer (`audit::record`) has its INSERT.

use chrono::{DateTime, Utc};
use sqlx::{PgConnection, PgPool, Postgres, QueryBuilder};

use super::Action;
use super::model::AuditFilter;
use crate::org::Role;
use crate::values::time::day_start;
use crate::web::pagination::Page;

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
        let escaped = account.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_");
        qb.push(" AND a.username ILIKE ").push_bind(format!("%{escaped}%"));
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

/// One page of the audit log matching the search, newest first, and how many match.
pub async fn search(pool: &PgPool, f: &AuditFilter, page: Page) -> Result<(Vec<AuditRow>, i64), sqlx::Error> {
    let mut count = QueryBuilder::new("SELECT count(*) FROM audit_log a");
    push_filter(&mut count, f);
    let total: i64 = count.build_query_scalar().fetch_one(pool).await?;
    let mut rows = QueryBuilder::new(AUDIT_COLUMNS);
    push_filter(&mut rows, f);
    rows.push(" ORDER BY a.id DESC LIMIT ").push_bind(page.limit()).push(" OFFSET ").push_bind(page.offset());
    Ok((rows.build_query_as().fetch_all(pool).await?, total))
}

/// Up to `limit` matching records with ids below `below` (all, without it), newest first: one
/// keyset page, so an export of any size is read page by page and never held whole.
pub async fn batch(
    pool: &PgPool,
    f: &AuditFilter,
    below: Option<i64>,
    limit: i64,
) -> Result<Vec<AuditRow>, sqlx::Error> {
    let mut qb = QueryBuilder::new(AUDIT_COLUMNS);
    push_filter(&mut qb, f);
    if let Some(id) = below {
        qb.push(" AND a.id < ").push_bind(id);
    }
    qb.push(" ORDER BY a.id DESC LIMIT ").push_bind(limit);
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
#[derive(Clone, Debug)]
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

/// One page of the login log, newest first, and how many lines it has.
pub async fn login_events(pool: &PgPool, page: Page) -> Result<(Vec<LoginEvent>, i64), sqlx::Error> {
    let actions = login_actions();
    let total = sqlx::query_scalar!(
        r#"SELECT count(*) AS "n!" FROM audit_log WHERE action = ANY($1::text[])"#,
        &actions as &[&str]
    )
    .fetch_one(pool)
    .await?;
    let rows = sqlx::query_as!(
        LoginEvent,
        "SELECT id, occurred_at, username, action, success, detail, client_addr FROM audit_log
         WHERE action = ANY($1::text[])
         ORDER BY id DESC LIMIT $2 OFFSET $3",
        &actions as &[&str],
        page.limit(),
        page.offset()
    )
    .fetch_all(pool)
    .await?;
    Ok((rows, total))
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
