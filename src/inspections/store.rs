//! SQL of joint inspections and findings, in the caller's transaction opened for the actor's
//! scope. A follow-up changes the finding and ends with the shared workflow step (history and
//! audit); statuses are filtered in SQL with the same boundaries `model::status` draws.

use chrono::NaiveDate;
use sqlx::{PgConnection, QueryBuilder};

use super::model::{
    FINDING_KIND, FOLLOW_UPS, Finding, FindingCategory, FindingId, FindingInput, FindingStatus, FollowUp,
    FollowUpInput, HazardLevel, InspectionId, InspectionInput, JointInspection, KIND, ReferralLaw, extension_refusal,
};
use crate::audit::{self, Action, AuditContext, Event};
use crate::error::WriteError;
use crate::org::{AccountId, DepartmentKind, RegionId, Role};
use crate::values::Version;
use crate::web::once::{self, Claim, FormToken};
use crate::workflow::history;
use crate::workflow::step::{self, Taken};
use crate::workflow::{self, By, Done, Problem, TransitionError};

pub async fn find_inspection(tx: &mut PgConnection, id: InspectionId) -> Result<Option<JointInspection>, sqlx::Error> {
    sqlx::query_as!(
        JointInspection,
        r#"SELECT i.id AS "id: InspectionId", i.region_id AS "region: RegionId", i.inspected_on,
                  i.lead_department AS "lead_department: DepartmentKind", i.departments, i.inspectors,
                  i.employer_id AS employer, e.name AS employer_name, e.credit_code AS employer_code, i.summary,
                  i.created_by AS "created_by: AccountId", i.created_by_name, i.version, i.updated_at
           FROM joint_inspections i JOIN employers e ON e.region_id = i.region_id AND e.id = i.employer_id
           WHERE i.id = $1"#,
        id.0
    )
    .fetch_optional(tx)
    .await
}

/// A finding's columns as `Finding` reads them (the WHERE clause follows).
macro_rules! finding_query {
    ($where:literal, $($arg:expr),*) => {
        sqlx::query_as!(
            Finding,
            r#"SELECT f.id AS "id: FindingId", f.region_id AS "region: RegionId", f.inspection_id AS "inspection: InspectionId",
                      i.inspected_on, f.employer_id AS employer, e.name AS employer_name,
                      f.category AS "category: FindingCategory", f.hazard_level AS "hazard_level: HazardLevel",
                      f.description, f.legal_basis, f.advice, f.deadline, f.original_deadline, f.extensions,
                      f.responsible_department AS "responsible_department: DepartmentKind", f.recorded_by_name,
                      f.rectified_on, f.rectification, f.rectified_by AS "rectified_by: AccountId", f.rectified_by_name,
                      f.verified_on, f.verified_by_name, f.referred_on, f.referral_law AS "referral_law: ReferralLaw",
                      f.referred_to, f.referral_number, f.version
               FROM findings f
               JOIN joint_inspections i ON i.region_id = f.region_id AND i.id = f.inspection_id
               JOIN employers e ON e.region_id = f.region_id AND e.id = f.employer_id "#
                + $where,
            $($arg),*
        )
    };
}

/// The inspection's findings: read from `findings` alone (the inspection's date and employer are
/// the caller's), so the plan stays an index scan whatever the tables' statistics say.
pub async fn findings_of(tx: &mut PgConnection, inspection: &JointInspection) -> Result<Vec<Finding>, sqlx::Error> {
    sqlx::query_as!(
        Finding,
        r#"SELECT f.id AS "id: FindingId", f.region_id AS "region: RegionId", f.inspection_id AS "inspection: InspectionId",
                  $3::date AS "inspected_on!", f.employer_id AS employer, $4::text AS "employer_name!",
                  f.category AS "category: FindingCategory", f.hazard_level AS "hazard_level: HazardLevel",
                  f.description, f.legal_basis, f.advice, f.deadline, f.original_deadline, f.extensions,
                  f.responsible_department AS "responsible_department: DepartmentKind", f.recorded_by_name,
                  f.rectified_on, f.rectification, f.rectified_by AS "rectified_by: AccountId", f.rectified_by_name,
                  f.verified_on, f.verified_by_name, f.referred_on, f.referral_law AS "referral_law: ReferralLaw",
                  f.referred_to, f.referral_number, f.version
           FROM findings f WHERE f.region_id = $1 AND f.inspection_id = $2 ORDER BY f.id"#,
        inspection.region.0,
        inspection.id.0,
        inspection.inspected_on,
        inspection.employer_name
    )
    .fetch_all(tx)
    .await
}

pub async fn find_finding(tx: &mut PgConnection, id: FindingId, lock: bool) -> Result<Option<Finding>, sqlx::Error> {
    if lock {
        sqlx::query_scalar!("SELECT 1 AS one FROM findings WHERE id = $1 FOR UPDATE", id.0)
            .fetch_optional(&mut *tx)
            .await?;
    }
    finding_query!("WHERE f.id = $1", id.0).fetch_optional(tx).await
}

/// The employer of `region` with this credit code: its id and name.
pub async fn employer_by_code(
    tx: &mut PgConnection,
    region: RegionId,
    code: &str,
) -> Result<Option<(i64, String)>, sqlx::Error> {
    let row = sqlx::query!("SELECT id, name FROM employers WHERE region_id = $1 AND credit_code = $2", region.0, code)
        .fetch_optional(tx)
        .await?;
    Ok(row.map(|r| (r.id, r.name)))
}

fn names(departments: &[DepartmentKind]) -> Vec<String> {
    departments.iter().map(|d| d.as_str().to_string()).collect()
}

pub async fn create_inspection(
    tx: &mut PgConnection,
    ctx: &AuditContext,
    region: RegionId,
    employer: i64,
    input: &InspectionInput,
    by: &By<'_>,
) -> Result<InspectionId, WriteError> {
    let id = sqlx::query_scalar!(
        r#"INSERT INTO joint_inspections (region_id, inspected_on, lead_department, departments, inspectors, employer_id,
                                          summary, created_by, created_by_name)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id AS "id: InspectionId""#,
        region.0,
        input.inspected_on,
        input.lead_department.as_str(),
        &names(&input.departments),
        input.inspectors,
        employer,
        input.summary,
        by.account.0,
        by.name
    )
    .fetch_one(&mut *tx)
    .await?;
    let event = Event::new(Action::InspectionCreate)
        .object(KIND, id)
        .detail(format!("{} {}", input.inspected_on, input.employer))
        .created(input);
    audit::record(tx, ctx, event).await?;
    Ok(id)
}

pub async fn update_inspection(
    tx: &mut PgConnection,
    ctx: &AuditContext,
    before: &JointInspection,
    version: Version,
    employer: i64,
    input: &InspectionInput,
) -> Result<(), WriteError> {
    let updated = sqlx::query!(
        "UPDATE joint_inspections SET inspected_on = $3, lead_department = $4, departments = $5, inspectors = $6,
                employer_id = $7, summary = $8, version = version + 1, updated_at = now()
         WHERE id = $1 AND version = $2",
        before.id.0,
        version.0,
        input.inspected_on,
        input.lead_department.as_str(),
        &names(&input.departments),
        input.inspectors,
        employer,
        input.summary
    )
    .execute(&mut *tx)
    .await?;
    if updated.rows_affected() == 0 {
        return Err(WriteError::Stale);
    }
    // The findings follow the inspection's employer.
    sqlx::query!(
        "UPDATE findings SET employer_id = $3 WHERE region_id = $1 AND inspection_id = $2",
        before.region.0,
        before.id.0,
        employer
    )
    .execute(&mut *tx)
    .await?;
    let event = Event::new(Action::InspectionUpdate)
        .object(KIND, before.id)
        .detail(format!("{} {}", input.inspected_on, input.employer))
        .change(before, input);
    audit::record(tx, ctx, event).await?;
    Ok(())
}

pub async fn add_finding(
    tx: &mut PgConnection,
    ctx: &AuditContext,
    inspection: &JointInspection,
    input: &FindingInput,
    by: &By<'_>,
) -> Result<FindingId, WriteError> {
    let id = sqlx::query_scalar!(
        r#"INSERT INTO findings (region_id, inspection_id, employer_id, category, hazard_level, description, legal_basis,
                                 advice, deadline, original_deadline, responsible_department, recorded_by, recorded_by_name)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9, $10, $11, $12) RETURNING id AS "id: FindingId""#,
        inspection.region.0,
        inspection.id.0,
        inspection.employer,
        input.category.as_str(),
        input.hazard_level.map(|h| h.as_str()),
        input.description,
        input.legal_basis,
        input.advice,
        input.deadline,
        input.responsible_department.as_str(),
        by.account.0,
        by.name
    )
    .fetch_one(&mut *tx)
    .await?;
    let event = Event::new(Action::FindingCreate)
        .object(FINDING_KIND, id)
        .detail(format!("{} {}，期限 {}", inspection.employer_name, input.category.label(), input.deadline))
        .created(input);
    audit::record(tx, ctx, event).await?;
    Ok(id)
}

/// What a follow-up asks for beyond the workflow's action and note.
pub struct FollowUpRequest<'a> {
    pub action: FollowUp,
    pub comment: &'a str,
    pub input: &'a FollowUpInput,
    pub today: NaiveDate,
    pub max_extensions: u32,
}

/// Takes a follow-up on a finding under its row lock: the workflow table decides (role, stage,
/// reason, four eyes), the finding changes, and the shared step records history and audit.
pub async fn follow_up(
    tx: &mut PgConnection,
    ctx: &AuditContext,
    by: &By<'_>,
    role: Role,
    token: &FormToken,
    id: FindingId,
    request: &FollowUpRequest<'_>,
) -> Result<Done, TransitionError> {
    if let Claim::Used(outcome) = once::claim(tx, by.account, token).await? {
        return Ok(Done::Before(outcome));
    }
    let f = find_finding(tx, id, true).await?.ok_or(WriteError::NotFound)?;
    let past = history::of(tx, FINDING_KIND, id.0).await?;
    let from = f.stage();
    let to = workflow::decide(
        FOLLOW_UPS,
        from,
        request.action,
        role,
        by.account,
        request.comment,
        &history::past_steps::<FollowUp>(&past),
    )
    .map_err(TransitionError::Refused)?;
    let comment = request.comment.trim();
    let note = match request.input {
        FollowUpInput::Rectify { on } => {
            sqlx::query!(
                "UPDATE findings SET rectified_on = $2, rectification = $3, rectified_by = $4, rectified_by_name = $5,
                        version = version + 1, updated_at = now() WHERE id = $1",
                id.0,
                on,
                comment,
                by.account.0,
                by.name
            )
            .execute(&mut *tx)
            .await?;
            format!("{on} 完成整改：{comment}")
        }
        FollowUpInput::Verify => {
            sqlx::query!(
                "UPDATE findings SET verified_on = $2, verified_by = $3, verified_by_name = $4,
                        version = version + 1, updated_at = now() WHERE id = $1",
                id.0,
                request.today,
                by.account.0,
                by.name
            )
            .execute(&mut *tx)
            .await?;
            comment.to_string()
        }
        FollowUpInput::Reopen => {
            sqlx::query!(
                "UPDATE findings SET rectified_on = NULL, rectification = '', rectified_by = NULL, rectified_by_name = '',
                        version = version + 1, updated_at = now() WHERE id = $1",
                id.0
            )
            .execute(&mut *tx)
            .await?;
            comment.to_string()
        }
        FollowUpInput::Extend { to: day } => {
            if let Some(refusal) = extension_refusal(&f, *day, request.max_extensions) {
                return Err(TransitionError::Incomplete(vec![Problem::at("day", refusal)]));
            }
            sqlx::query!(
                "UPDATE findings SET deadline = $2, extensions = extensions + 1, version = version + 1, updated_at = now()
                 WHERE id = $1",
                id.0,
                day
            )
            .execute(&mut *tx)
            .await?;
            format!("期限 {} → {day}；理由：{comment}", f.deadline)
        }
        FollowUpInput::Refer { law, to: department, number } => {
            sqlx::query!(
                "UPDATE findings SET referred_on = $2, referral_law = $3, referred_to = $4, referral_number = $5,
                        version = version + 1, updated_at = now() WHERE id = $1",
                id.0,
                request.today,
                law.as_str(),
                department,
                number
            )
            .execute(&mut *tx)
            .await?;
            let mut note = format!("依据{}移交{department}（{number}）", law.label());
            if !comment.is_empty() {
                note.push_str(&format!("；{comment}"));
            }
            note
        }
    };
    let taken =
        Taken { region: f.region, kind: FINDING_KIND, id: id.0, from, to, action: request.action, comment: &note };
    Ok(step::record(tx, ctx, by, token, &taken, Action::FindingFollowUp, format!("/findings/{id}")).await?)
}

/// An inspection as the list shows it.
#[derive(Clone, Debug)]
pub struct InspectionLine {
    pub id: InspectionId,
    pub region_name: String,
    pub inspected_on: NaiveDate,
    pub lead_department: DepartmentKind,
    pub employer_name: String,
    pub findings: i64,
    pub open: i64,
    pub total: i64,
}

/// A page of a year's inspections of a region (or every region in scope), newest first. The page
/// is chosen from `joint_inspections` alone; names and finding counts are read for its rows only.
pub async fn inspections(
    tx: &mut PgConnection,
    region: Option<RegionId>,
    year: i32,
    limit: i64,
    offset: i64,
) -> Result<Vec<InspectionLine>, sqlx::Error> {
    let from = NaiveDate::from_ymd_opt(year, 1, 1).unwrap_or_default();
    let until = NaiveDate::from_ymd_opt(year + 1, 1, 1).unwrap_or_default();
    sqlx::query_as!(
        InspectionLine,
        r#"SELECT i.id AS "id: InspectionId", g.name AS region_name, i.inspected_on,
                  i.lead_department AS "lead_department: DepartmentKind", e.name AS employer_name,
                  (SELECT count(*) FROM findings f WHERE f.region_id = i.region_id AND f.inspection_id = i.id) AS "findings!",
                  (SELECT count(*) FROM findings f WHERE f.region_id = i.region_id AND f.inspection_id = i.id
                     AND f.verified_on IS NULL AND f.referred_on IS NULL) AS "open!",
                  p.total AS "total!"
           FROM (SELECT region_id, id, inspected_on, count(*) OVER () AS total FROM joint_inspections
                 WHERE ($1::bigint IS NULL OR region_id = $1) AND inspected_on >= $2 AND inspected_on < $3
                 ORDER BY inspected_on DESC, id DESC LIMIT $4 OFFSET $5) p
           JOIN joint_inspections i ON i.region_id = p.region_id AND i.id = p.id
           JOIN regions g ON g.id = i.region_id
           JOIN employers e ON e.region_id = i.region_id AND e.id = i.employer_id
           ORDER BY p.inspected_on DESC, p.id DESC"#,
        region.map(|r| r.0),
        from,
        until,
        limit,
        offset
    )
    .fetch_all(tx)
    .await
}

/// What the findings list asks for.
#[derive(Clone, Debug, Default)]
pub struct FindingFilter {
    pub region: Option<RegionId>,
    pub status: Option<FindingStatus>,
    pub department: Option<DepartmentKind>,
    pub division: Option<String>,
    pub employer: Option<i64>,
    pub hazard: Option<HazardLevel>,
    /// Deadlines from and to (both inclusive).
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
    /// Only findings of the inspections held in this year.
    pub year: Option<i32>,
    /// Only findings not yet rectified, verified or referred (whatever their deadline).
    pub open_only: bool,
}

/// A finding as the list shows it.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct FindingLine {
    pub id: FindingId,
    pub region_name: String,
    pub inspected_on: NaiveDate,
    pub employer_id: i64,
    pub employer_name: String,
    pub division_code: String,
    pub category: FindingCategory,
    pub hazard_level: Option<HazardLevel>,
    pub description: String,
    pub deadline: NaiveDate,
    pub extensions: i32,
    pub responsible_department: DepartmentKind,
    pub rectified_on: Option<NaiveDate>,
    pub verified_on: Option<NaiveDate>,
    pub referred_on: Option<NaiveDate>,
    pub total: i64,
}

impl FindingLine {
    pub fn status(&self, today: NaiveDate) -> FindingStatus {
        super::model::status(
            super::model::stage(self.rectified_on, self.verified_on, self.referred_on),
            self.deadline,
            today,
        )
    }
}

/// The status as SQL over `f`, drawn as `model::status` draws it.
fn push_status(qb: &mut QueryBuilder<sqlx::Postgres>, status: FindingStatus, today: NaiveDate) {
    const OPEN: &str = " AND f.rectified_on IS NULL AND f.verified_on IS NULL AND f.referred_on IS NULL";
    let soon = today + chrono::Duration::days(super::model::DUE_SOON_DAYS);
    match status {
        FindingStatus::Overdue => {
            qb.push(OPEN).push(" AND f.deadline < ").push_bind(today);
        }
        FindingStatus::DueSoon => {
            qb.push(OPEN).push(" AND f.deadline >= ").push_bind(today).push(" AND f.deadline <= ").push_bind(soon);
        }
        FindingStatus::Open => {
            qb.push(OPEN).push(" AND f.deadline > ").push_bind(soon);
        }
        FindingStatus::Rectified => {
            qb.push(" AND f.rectified_on IS NOT NULL AND f.verified_on IS NULL AND f.referred_on IS NULL");
        }
        FindingStatus::Closed => {
            qb.push(" AND f.verified_on IS NOT NULL AND f.referred_on IS NULL");
        }
        FindingStatus::Referred => {
            qb.push(" AND f.referred_on IS NOT NULL");
        }
    }
}

/// A page of findings (the region's tens to thousands: counted with the page), the nearest
/// deadline first. The page is chosen from `findings` (and the employers only when a division is
/// asked for); the inspection, employer and region are joined to its rows only.
pub async fn findings(
    tx: &mut PgConnection,
    f: &FindingFilter,
    today: NaiveDate,
    limit: i64,
    offset: i64,
) -> Result<Vec<FindingLine>, sqlx::Error> {
    let mut qb = QueryBuilder::new(
        "SELECT f.id, g.name AS region_name, i.inspected_on, f.employer_id, e.name AS employer_name, e.division_code,
                f.category, f.hazard_level, f.description, f.deadline, f.extensions, f.responsible_department,
                f.rectified_on, f.verified_on, f.referred_on, p.total
         FROM (SELECT f.region_id, f.id, f.deadline, count(*) OVER () AS total FROM findings f",
    );
    if f.division.is_some() {
        qb.push(" JOIN employers e ON e.region_id = f.region_id AND e.id = f.employer_id");
    }
    if f.year.is_some() {
        qb.push(" JOIN joint_inspections i ON i.region_id = f.region_id AND i.id = f.inspection_id");
    }
    qb.push(" WHERE true");
    if let Some(year) = f.year {
        qb.push(" AND i.inspected_on >= make_date(").push_bind(year).push(", 1, 1)");
        qb.push(" AND i.inspected_on < make_date(").push_bind(year + 1).push(", 1, 1)");
    }
    if let Some(r) = f.region {
        qb.push(" AND f.region_id = ").push_bind(r.0);
    }
    if let Some(s) = f.status {
        push_status(&mut qb, s, today);
    }
    if f.open_only {
        qb.push(" AND f.rectified_on IS NULL AND f.verified_on IS NULL AND f.referred_on IS NULL");
    }
    if let Some(d) = f.department {
        qb.push(" AND f.responsible_department = ").push_bind(d.as_str());
    }
    if let Some(d) = &f.division {
        qb.push(" AND e.division_code = ").push_bind(d.clone());
    }
    if let Some(e) = f.employer {
        qb.push(" AND f.employer_id = ").push_bind(e);
    }
    if let Some(h) = f.hazard {
        qb.push(" AND f.hazard_level = ").push_bind(h.as_str());
    }
    if let Some(d) = f.from {
        qb.push(" AND f.deadline >= ").push_bind(d);
    }
    if let Some(d) = f.to {
        qb.push(" AND f.deadline <= ").push_bind(d);
    }
    qb.push(" ORDER BY f.deadline, f.id LIMIT ").push_bind(limit).push(" OFFSET ").push_bind(offset);
    qb.push(
        ") p
         JOIN findings f ON f.region_id = p.region_id AND f.id = p.id
         JOIN joint_inspections i ON i.region_id = f.region_id AND i.id = f.inspection_id
         JOIN employers e ON e.region_id = f.region_id AND e.id = f.employer_id
         JOIN regions g ON g.id = f.region_id
         ORDER BY p.deadline, p.id",
    );
    qb.build_query_as::<FindingLine>().fetch_all(tx).await
}

/// Per region in scope: open findings, overdue ones, and open 重大隐患, on `today`.
pub async fn counts(tx: &mut PgConnection, today: NaiveDate) -> Result<Vec<(RegionId, i64, i64, i64)>, sqlx::Error> {
    let rows = sqlx::query!(
        r#"SELECT region_id AS "region: RegionId",
                  count(*) AS "open!",
                  count(*) FILTER (WHERE rectified_on IS NULL AND deadline < $1) AS "overdue!",
                  count(*) FILTER (WHERE hazard_level = 'major') AS "major!"
           FROM findings WHERE verified_on IS NULL AND referred_on IS NULL
           GROUP BY region_id"#,
        today
    )
    .fetch_all(tx)
    .await?;
    Ok(rows.into_iter().map(|r| (r.region, r.open, r.overdue, r.major)).collect())
}

/// An employer's inspections, newest first (at most 50), with their findings.
pub async fn of_employer(
    tx: &mut PgConnection,
    region: RegionId,
    employer: i64,
) -> Result<(Vec<InspectionLine>, Vec<Finding>), sqlx::Error> {
    let inspections = sqlx::query_as!(
        InspectionLine,
        r#"SELECT i.id AS "id: InspectionId", g.name AS region_name, i.inspected_on,
                  i.lead_department AS "lead_department: DepartmentKind", e.name AS employer_name,
                  (SELECT count(*) FROM findings f WHERE f.region_id = i.region_id AND f.inspection_id = i.id) AS "findings!",
                  (SELECT count(*) FROM findings f WHERE f.region_id = i.region_id AND f.inspection_id = i.id
                     AND f.verified_on IS NULL AND f.referred_on IS NULL) AS "open!",
                  count(*) OVER () AS "total!"
           FROM joint_inspections i
           JOIN regions g ON g.id = i.region_id
           JOIN employers e ON e.region_id = i.region_id AND e.id = i.employer_id
           WHERE i.region_id = $1 AND i.employer_id = $2
           ORDER BY i.inspected_on DESC, i.id DESC LIMIT 50"#,
        region.0,
        employer
    )
    .fetch_all(&mut *tx)
    .await?;
    let findings = finding_query!(
        "WHERE f.region_id = $1 AND f.employer_id = $2 ORDER BY f.deadline DESC, f.id DESC LIMIT 200",
        region.0,
        employer
    )
    .fetch_all(tx)
    .await?;
    Ok((inspections, findings))
}
