//! Accounts asked for by officers (today: for experts of the pool). 三员: an officer never creates
//! an account; the request waits on the system administrator's list, who creates the account
//! (without a role) linked to it; the security administrator then assigns the role. The request
//! table is a system table, like `accounts`: the administrators read no region table.

use chrono::{DateTime, Utc};
use serde::Serialize;
use sqlx::{PgConnection, PgExecutor};

use crate::audit::{self, Action, AuditContext, Event};
use crate::error::WriteError;
use crate::org::{AccountId, RegionId};

id_type!(
    /// A request for an account.
    pub RequestId
);

labelled_enum! {
    /// What an account is asked for.
    pub enum RequestKind {
        Expert => ("expert", "专家"),
    }
}

/// A request as the system administrator's list shows it.
#[derive(Clone, Debug)]
pub struct Request {
    pub id: RequestId,
    pub kind: RequestKind,
    pub region_code: String,
    pub region_name: String,
    pub display_name: String,
    pub requested_by_name: String,
    pub requested_at: DateTime<Utc>,
    pub account_id: Option<AccountId>,
    pub username: Option<String>,
}

/// Asks for an account for `subject` (an expert of `region`) unless one was asked for before;
/// whether this asked. Audited.
#[allow(clippy::too_many_arguments)]
pub async fn ask(
    tx: &mut PgConnection,
    ctx: &AuditContext,
    kind: RequestKind,
    region: RegionId,
    subject: i64,
    display_name: &str,
    by: AccountId,
    by_name: &str,
) -> Result<bool, WriteError> {
    let id = sqlx::query_scalar!(
        r#"INSERT INTO account_requests (kind, region_id, subject_id, display_name, requested_by, requested_by_name)
           VALUES ($1, $2, $3, $4, $5, $6)
           ON CONFLICT (kind, region_id, subject_id) DO NOTHING
           RETURNING id AS "id: RequestId""#,
        kind.as_str(),
        region.0,
        subject,
        display_name,
        by.0,
        by_name
    )
    .fetch_optional(&mut *tx)
    .await?;
    let Some(id) = id else { return Ok(false) };
    #[derive(Serialize)]
    struct Asked<'a> {
        kind: &'static str,
        subject: i64,
        display_name: &'a str,
    }
    let event = Event::new(Action::AccountRequest).object("account_request", id).created(&Asked {
        kind: kind.label(),
        subject,
        display_name,
    });
    audit::record(tx, ctx, event).await?;
    Ok(true)
}

/// The requests, open ones first (oldest first), then the 200 handled most recently.
pub async fn list(db: impl PgExecutor<'_>) -> Result<Vec<Request>, sqlx::Error> {
    sqlx::query_as!(
        Request,
        r#"SELECT q.id AS "id: RequestId", q.kind AS "kind: RequestKind", g.code AS region_code, g.name AS region_name,
                  q.display_name, q.requested_by_name, q.requested_at, q.account_id AS "account_id: AccountId",
                  a.username AS "username?"
           FROM account_requests q JOIN regions g ON g.id = q.region_id LEFT JOIN accounts a ON a.id = q.account_id
           ORDER BY q.account_id IS NOT NULL, CASE WHEN q.account_id IS NULL THEN q.requested_at END,
                    q.handled_at DESC
           LIMIT 500"#
    )
    .fetch_all(db)
    .await
}

/// One request.
pub async fn find(db: impl PgExecutor<'_>, id: RequestId) -> Result<Option<Request>, sqlx::Error> {
    sqlx::query_as!(
        Request,
        r#"SELECT q.id AS "id: RequestId", q.kind AS "kind: RequestKind", g.code AS region_code, g.name AS region_name,
                  q.display_name, q.requested_by_name, q.requested_at, q.account_id AS "account_id: AccountId",
                  a.username AS "username?"
           FROM account_requests q JOIN regions g ON g.id = q.region_id LEFT JOIN accounts a ON a.id = q.account_id
           WHERE q.id = $1"#,
        id.0
    )
    .fetch_optional(db)
    .await
}

/// What `account` was created for (an expert: their region and pool entry), if anything.
pub async fn subject_of(
    db: impl PgExecutor<'_>,
    kind: RequestKind,
    account: AccountId,
) -> Result<Option<(RegionId, i64)>, sqlx::Error> {
    let row = sqlx::query!(
        r#"SELECT region_id AS "region_id: RegionId", subject_id FROM account_requests WHERE kind = $1 AND account_id = $2"#,
        kind.as_str(),
        account.0
    )
    .fetch_optional(db)
    .await?;
    Ok(row.map(|r| (r.region_id, r.subject_id)))
}

/// Links a new account to an open request, in the transaction that created the account: a
/// request handled meanwhile refuses, and the account is not created.
pub async fn link(tx: &mut PgConnection, id: RequestId, account: AccountId) -> Result<(), WriteError> {
    let linked = sqlx::query!(
        "UPDATE account_requests SET account_id = $2, handled_at = now() WHERE id = $1 AND account_id IS NULL",
        id.0,
        account.0
    )
    .execute(&mut *tx)
    .await?;
    if linked.rows_affected() == 0 {
        return Err(WriteError::refused("该申请已被处理（可能已由他人开通账号），本次未创建账号。"));
    }
    Ok(())
}
