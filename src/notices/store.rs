//! SQL of notices and their read receipts, in the caller's transaction opened for the actor's
//! scope. Row-level security lets a region see its own notices and the issued ones addressed to
//! it; the drafts of its own are filtered by the rules (`model::may_see`).

use chrono::{DateTime, NaiveDate, Utc};
use rust_decimal::Decimal;
use sqlx::PgConnection;

use super::model::{Accident, AccidentGrade, KIND, Notice, NoticeId, NoticeInput, NoticeKind, Reader};
use crate::audit::{self, Action, AuditContext, Event as AuditEvent};
use crate::error::WriteError;
use crate::org::{AccountId, DepartmentKind, RegionId};
use crate::values::{Money, Version};
use crate::web::once::{self, Claim, FormToken};
use crate::workflow::{By, Done};

struct NoticeRow {
    id: NoticeId,
    region: RegionId,
    kind: NoticeKind,
    title: String,
    document_number: String,
    body: String,
    recipients: Vec<i64>,
    issued_on: Option<NaiveDate>,
    issued_by_name: String,
    occurred_on: Option<NaiveDate>,
    accident_region_id: Option<i64>,
    employer_id: Option<i64>,
    employer_name: String,
    division_code: Option<String>,
    what_happened: String,
    grade: Option<AccidentGrade>,
    deaths: Option<i32>,
    serious_injuries: Option<i32>,
    minor_injuries: Option<i32>,
    direct_loss: Option<Decimal>,
    causes: String,
    lessons: String,
    measures: String,
    created_by_name: String,
    version: i32,
    updated_at: DateTime<Utc>,
}

impl NoticeRow {
    /// The particulars are all there for an accident notice (a check constraint says so).
    fn accident(&self) -> Option<Accident> {
        Some(Accident {
            occurred_on: self.occurred_on?,
            region: RegionId(self.accident_region_id?),
            employer: self.employer_id,
            employer_name: self.employer_name.clone(),
            division: self.division_code.clone()?,
            what_happened: self.what_happened.clone(),
            grade: self.grade?,
            deaths: self.deaths?,
            serious_injuries: self.serious_injuries?,
            minor_injuries: self.minor_injuries?,
            direct_loss: Money::from_yuan(self.direct_loss?).ok()?,
            causes: self.causes.clone(),
            lessons: self.lessons.clone(),
            measures: self.measures.clone(),
        })
    }

    fn notice(self) -> Notice {
        let accident = match self.kind {
            NoticeKind::Accident => self.accident(),
            NoticeKind::Guidance => None,
        };
        Notice {
            id: self.id,
            region: self.region,
            kind: self.kind,
            title: self.title,
            document_number: self.document_number,
            body: self.body,
            recipients: self.recipients.into_iter().map(RegionId).collect(),
            issued_on: self.issued_on,
            issued_by_name: self.issued_by_name,
            accident,
            created_by_name: self.created_by_name,
            version: self.version,
            updated_at: self.updated_at,
        }
    }
}

pub async fn find(tx: &mut PgConnection, id: NoticeId, lock: bool) -> Result<Option<Notice>, sqlx::Error> {
    if lock {
        sqlx::query_scalar!("SELECT 1 AS one FROM notices WHERE id = $1 FOR UPDATE", id.0)
            .fetch_optional(&mut *tx)
            .await?;
    }
    let row = sqlx::query_as!(
        NoticeRow,
        r#"SELECT id AS "id: NoticeId", region_id AS "region: RegionId", kind AS "kind: NoticeKind", title,
                  document_number, body, recipients, issued_on, issued_by_name, occurred_on, accident_region_id,
                  employer_id, employer_name, division_code, what_happened, grade AS "grade: AccidentGrade", deaths,
                  serious_injuries, minor_injuries, direct_loss, causes, lessons, measures, created_by_name, version,
                  updated_at
           FROM notices WHERE id = $1"#,
        id.0
    )
    .fetch_optional(tx)
    .await?;
    Ok(row.map(NoticeRow::notice))
}

/// Which notices a list shows (收到的 / 发出的 / 全部).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Folder {
    /// Issued and addressed to the region.
    Received(RegionId),
    /// Issued by the region, drafts included.
    Issued(RegionId),
    /// Issued by the region, drafts left out (what an annual report counts).
    IssuedBy(RegionId),
    /// Every issued notice in scope (the province's view of all regions).
    All,
}

/// A notice as the lists show it.
#[derive(Clone, Debug)]
pub struct NoticeLine {
    pub id: NoticeId,
    pub issuer: String,
    pub kind: NoticeKind,
    pub title: String,
    pub document_number: String,
    pub issued_on: Option<NaiveDate>,
    pub recipients: i32,
    /// Read by the account asking.
    pub read: bool,
    /// Accounts that have read it (for the issuer's view).
    pub reads: i64,
    pub total: i64,
}

/// A page of a box, newest first (drafts first in the issuer's box). Notices number tens a
/// year: counted with the page.
#[allow(clippy::too_many_arguments)]
pub async fn list(
    tx: &mut PgConnection,
    shown: Folder,
    account: AccountId,
    kind: Option<NoticeKind>,
    year: i32,
    limit: i64,
    offset: i64,
) -> Result<Vec<NoticeLine>, sqlx::Error> {
    let (received, issued, drafts) = match shown {
        Folder::Received(r) => (Some(r.0), None, false),
        Folder::Issued(r) => (None, Some(r.0), true),
        Folder::IssuedBy(r) => (None, Some(r.0), false),
        Folder::All => (None, None, false),
    };
    sqlx::query_as!(
        NoticeLine,
        r#"SELECT n.id AS "id: NoticeId", g.name AS issuer, n.kind AS "kind: NoticeKind", n.title, n.document_number,
                  n.issued_on, cardinality(n.recipients) AS "recipients!",
                  EXISTS (SELECT FROM notice_reads r WHERE r.notice_region_id = n.region_id AND r.notice_id = n.id
                                                      AND r.account_id = $3) AS "read!",
                  (SELECT count(*) FROM notice_reads r WHERE r.notice_region_id = n.region_id AND r.notice_id = n.id)
                      AS "reads!",
                  count(*) OVER () AS "total!"
           FROM notices n JOIN regions g ON g.id = n.region_id
           WHERE ($1::bigint IS NULL OR (n.issued_at IS NOT NULL AND n.recipients @> ARRAY[$1::bigint]))
             AND ($2::bigint IS NULL OR n.region_id = $2)
             AND ($9::bool OR n.issued_at IS NOT NULL)
             AND ($4::text IS NULL OR n.kind = $4)
             AND (n.issued_on IS NULL OR (n.issued_on >= $5 AND n.issued_on < $6))
           ORDER BY n.issued_on DESC NULLS FIRST, n.id DESC LIMIT $7 OFFSET $8"#,
        received,
        issued,
        account.0,
        kind.map(|k| k.as_str()),
        NaiveDate::from_ymd_opt(year, 1, 1).unwrap_or_default(),
        NaiveDate::from_ymd_opt(year + 1, 1, 1).unwrap_or_default(),
        limit,
        offset,
        drafts
    )
    .fetch_all(tx)
    .await
}

/// A notice waiting on the home page.
#[derive(Clone, Debug)]
pub struct Unread {
    pub id: NoticeId,
    pub issuer: String,
    pub kind: NoticeKind,
    pub title: String,
    pub issued_on: Option<NaiveDate>,
}

/// The issued notices addressed to `region` that `account` has not read, newest first.
pub async fn unread(
    tx: &mut PgConnection,
    region: RegionId,
    account: AccountId,
    limit: i64,
) -> Result<Vec<Unread>, sqlx::Error> {
    sqlx::query_as!(
        Unread,
        r#"SELECT n.id AS "id: NoticeId", g.name AS issuer, n.kind AS "kind: NoticeKind", n.title, n.issued_on
           FROM notices n JOIN regions g ON g.id = n.region_id
           WHERE n.issued_at IS NOT NULL AND n.recipients @> ARRAY[$1::bigint]
             AND NOT EXISTS (SELECT FROM notice_reads r WHERE r.notice_region_id = n.region_id AND r.notice_id = n.id
                                                        AND r.account_id = $2)
           ORDER BY n.issued_at DESC, n.id DESC LIMIT $3"#,
        region.0,
        account.0,
        limit
    )
    .fetch_all(tx)
    .await
}

/// When `account` read the notice, if it has.
pub async fn read_at(
    tx: &mut PgConnection,
    n: &Notice,
    account: AccountId,
) -> Result<Option<DateTime<Utc>>, sqlx::Error> {
    sqlx::query_scalar!(
        "SELECT read_at FROM notice_reads WHERE notice_region_id = $1 AND notice_id = $2 AND account_id = $3",
        n.region.0,
        n.id.0,
        account.0
    )
    .fetch_optional(tx)
    .await
}

/// The officers of the recipient regions (active accounts of the roles that read notices) and
/// when each read the notice.
pub async fn readers(tx: &mut PgConnection, n: &Notice) -> Result<Vec<Reader>, sqlx::Error> {
    let recipients: Vec<i64> = n.recipients.iter().map(|r| r.0).collect();
    let rows = sqlx::query!(
        r#"SELECT a.region_id AS "region!: RegionId", a.department_kind AS "department!: DepartmentKind",
                  a.display_name, r.read_at AS "read_at?"
           FROM accounts a
           LEFT JOIN notice_reads r ON r.notice_region_id = $2 AND r.notice_id = $3 AND r.account_id = a.id
           WHERE a.region_id = ANY($1) AND a.disabled_at IS NULL AND a.department_kind IS NOT NULL
             AND a.role IN ('province_officer', 'city_officer', 'partner_officer', 'agency_officer')
           ORDER BY a.display_name, a.id"#,
        &recipients,
        n.region.0,
        n.id.0
    )
    .fetch_all(tx)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| Reader { region: r.region, department: r.department, name: r.display_name, read_at: r.read_at })
        .collect())
}

/// An employer of `region` an accident notice names by credit code: (id, name).
pub async fn employer(
    tx: &mut PgConnection,
    region: RegionId,
    code: &str,
) -> Result<Option<(i64, String)>, sqlx::Error> {
    let row = sqlx::query!("SELECT id, name FROM employers WHERE region_id = $1 AND credit_code = $2", region.0, code)
        .fetch_optional(tx)
        .await?;
    Ok(row.map(|r| (r.id, r.name)))
}

/// An employer proposed for a joint inspection.
#[derive(Clone, Debug)]
pub struct Candidate {
    pub id: i64,
    pub name: String,
    pub division_code: String,
    pub total: i64,
}

/// The first employers of `region` in `divisions`, by name, with how many there are.
pub async fn candidates(
    tx: &mut PgConnection,
    region: RegionId,
    divisions: &[String],
    limit: i64,
) -> Result<Vec<Candidate>, sqlx::Error> {
    sqlx::query_as!(
        Candidate,
        r#"SELECT id, name, division_code, count(*) OVER () AS "total!"
           FROM employers WHERE region_id = $1 AND division_code = ANY($2)
           ORDER BY name, id LIMIT $3"#,
        region.0,
        divisions,
        limit
    )
    .fetch_all(tx)
    .await
}

/// The employer an accident names (looked up by the caller), or none.
pub type NamedEmployer = Option<(i64, String)>;

pub async fn create(
    tx: &mut PgConnection,
    ctx: &AuditContext,
    region: RegionId,
    input: &NoticeInput,
    employer: &NamedEmployer,
    by: &By<'_>,
    token: &FormToken,
) -> Result<Done, WriteError> {
    if let Claim::Used(outcome) = once::claim(tx, by.account, token).await? {
        return Ok(Done::Before(outcome));
    }
    let recipients: Vec<i64> = input.recipients.iter().map(|r| r.0).collect();
    let a = Particulars::of(input, employer);
    let id = sqlx::query_scalar!(
        r#"INSERT INTO notices (region_id, kind, title, document_number, body, recipients, occurred_on, accident_region_id,
                                employer_id, employer_name, division_code, what_happened, grade, deaths, serious_injuries,
                                minor_injuries, direct_loss, causes, lessons, measures, created_by, created_by_name)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22)
           RETURNING id AS "id: NoticeId""#,
        region.0,
        input.kind.as_str(),
        input.title,
        input.document_number,
        input.body,
        &recipients,
        a.occurred_on,
        a.region,
        a.employer,
        a.employer_name,
        a.division,
        a.what_happened,
        a.grade,
        a.deaths,
        a.serious_injuries,
        a.minor_injuries,
        a.direct_loss,
        a.causes,
        a.lessons,
        a.measures,
        by.account.0,
        by.name
    )
    .fetch_one(&mut *tx)
    .await?;
    let event = AuditEvent::new(Action::NoticeCreate).object(KIND, id).detail(input.title.clone()).created(input);
    audit::record(tx, ctx, event).await?;
    let url = format!("/notices/{id}");
    once::finish(tx, by.account, token, &url).await?;
    Ok(Done::Now(url))
}

/// An accident's particulars as columns (all empty for guidance).
#[derive(Default)]
struct Particulars {
    occurred_on: Option<NaiveDate>,
    region: Option<i64>,
    employer: Option<i64>,
    employer_name: String,
    division: Option<String>,
    what_happened: String,
    grade: Option<&'static str>,
    deaths: Option<i32>,
    serious_injuries: Option<i32>,
    minor_injuries: Option<i32>,
    direct_loss: Option<Decimal>,
    causes: String,
    lessons: String,
    measures: String,
}

impl Particulars {
    /// The employer found in the registry names it; otherwise the name as typed.
    fn of(input: &NoticeInput, employer: &NamedEmployer) -> Particulars {
        let Some(a) = &input.accident else {
            return Particulars::default();
        };
        Particulars {
            occurred_on: Some(a.occurred_on),
            region: Some(a.region.0),
            employer: employer.as_ref().map(|e| e.0),
            employer_name: employer.as_ref().map_or_else(|| a.employer_name.clone(), |e| e.1.clone()),
            division: Some(a.division.clone()),
            what_happened: a.what_happened.clone(),
            grade: Some(a.grade.as_str()),
            deaths: Some(a.deaths),
            serious_injuries: Some(a.serious_injuries),
            minor_injuries: Some(a.minor_injuries),
            direct_loss: Some(a.direct_loss.yuan()),
            causes: a.causes.clone(),
            lessons: a.lessons.clone(),
            measures: a.measures.clone(),
        }
    }
}

/// Saves a draft's changes (`Stale` when it changed meanwhile or was issued).
pub async fn update(
    tx: &mut PgConnection,
    ctx: &AuditContext,
    before: &Notice,
    version: Version,
    input: &NoticeInput,
    employer: &NamedEmployer,
) -> Result<(), WriteError> {
    let recipients: Vec<i64> = input.recipients.iter().map(|r| r.0).collect();
    let a = Particulars::of(input, employer);
    let updated = sqlx::query!(
        "UPDATE notices SET kind = $3, title = $4, document_number = $5, body = $6, recipients = $7,
                occurred_on = $8, accident_region_id = $9, employer_id = $10, employer_name = $11, division_code = $12,
                what_happened = $13, grade = $14, deaths = $15, serious_injuries = $16, minor_injuries = $17,
                direct_loss = $18, causes = $19, lessons = $20, measures = $21, version = version + 1, updated_at = now()
         WHERE id = $1 AND version = $2 AND issued_at IS NULL",
        before.id.0,
        version.0,
        input.kind.as_str(),
        input.title,
        input.document_number,
        input.body,
        &recipients,
        a.occurred_on,
        a.region,
        a.employer,
        a.employer_name,
        a.division,
        a.what_happened,
        a.grade,
        a.deaths,
        a.serious_injuries,
        a.minor_injuries,
        a.direct_loss,
        a.causes,
        a.lessons,
        a.measures,
    )
    .execute(&mut *tx)
    .await?;
    if updated.rows_affected() == 0 {
        return Err(WriteError::Stale);
    }
    let event =
        AuditEvent::new(Action::NoticeUpdate).object(KIND, before.id).detail(input.title.clone()).change(before, input);
    audit::record(tx, ctx, event).await?;
    Ok(())
}

/// Issues a draft: from now on it is fixed and its recipients see it.
pub async fn issue(
    tx: &mut PgConnection,
    ctx: &AuditContext,
    n: &Notice,
    by: &By<'_>,
    token: &FormToken,
    today: NaiveDate,
) -> Result<Done, WriteError> {
    if let Claim::Used(outcome) = once::claim(tx, by.account, token).await? {
        return Ok(Done::Before(outcome));
    }
    let issued = sqlx::query!(
        "UPDATE notices SET issued_on = $2, issued_at = now(), issued_by = $3, issued_by_name = $4,
                version = version + 1, updated_at = now()
         WHERE id = $1 AND issued_at IS NULL",
        n.id.0,
        today,
        by.account.0,
        by.name
    )
    .execute(&mut *tx)
    .await?;
    if issued.rows_affected() == 0 {
        return Err(WriteError::Refused("该通知已经发布。".into()));
    }
    let event = AuditEvent::new(Action::NoticeIssue).object(KIND, n.id).detail(format!(
        "{}（{} 个地区）",
        n.title,
        n.recipients.len()
    ));
    audit::record(tx, ctx, event).await?;
    let url = format!("/notices/{}", n.id);
    once::finish(tx, by.account, token, &url).await?;
    Ok(Done::Now(url))
}

/// Removes a draft without files (`Refused` while it has some, or once issued).
pub async fn delete(tx: &mut PgConnection, ctx: &AuditContext, n: &Notice) -> Result<(), WriteError> {
    let deleted = sqlx::query!(
        "DELETE FROM notices WHERE id = $1 AND issued_at IS NULL AND NOT EXISTS
            (SELECT FROM attachments a WHERE a.region_id = $2 AND a.record_kind = $3 AND a.record_id = $1)",
        n.id.0,
        n.region.0,
        KIND
    )
    .execute(&mut *tx)
    .await?;
    if deleted.rows_affected() == 0 {
        return Err(WriteError::Refused("该通知还有附件，请先删除附件后再删除。".into()));
    }
    let event = AuditEvent::new(Action::NoticeDelete)
        .object(KIND, n.id)
        .detail(n.title.clone())
        .change(n, &serde_json::Value::Null);
    audit::record(tx, ctx, event).await?;
    Ok(())
}

/// Who marks a notice read.
pub struct ReadBy<'a> {
    pub region: RegionId,
    pub account: AccountId,
    pub name: &'a str,
    pub department: DepartmentKind,
}

/// Marks the notice read by the account (a second time changes nothing). Not audited: a read
/// receipt is itself the record of the reading.
pub async fn mark_read(tx: &mut PgConnection, n: &Notice, by: &ReadBy<'_>) -> Result<bool, sqlx::Error> {
    let inserted = sqlx::query!(
        "INSERT INTO notice_reads (region_id, notice_region_id, notice_id, account_id, reader_name, department)
         VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING",
        by.region.0,
        n.region.0,
        n.id.0,
        by.account.0,
        by.name,
        by.department.as_str()
    )
    .execute(tx)
    .await?;
    Ok(inserted.rows_affected() == 1)
}
