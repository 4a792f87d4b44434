//! SQL of project applications. Every function works in the caller's transaction, opened for
//! the actor's scope (row-level security first); writes record their history, version and
//! audit event in that same transaction.

use chrono::{DateTime, NaiveDate, Utc};
use rust_decimal::Decimal;
use serde::Serialize;
use sqlx::types::Json;
use sqlx::{PgConnection, QueryBuilder};

use super::model::{
    ApplicantKind, ApplicantSummary, ApprovedYear, BudgetLine, DrawRecord, Indicator, KIND, Member, Milestone,
    PanelStage, Project, ProjectAction, ProjectId, ProjectInput, ProjectStatus, ProjectType, pre_review_refusal,
    snapshot, submission_problems, transitions,
};
use crate::applicants::model::{ApplicantId, UnitType};
use crate::attachments;
use crate::audit::{self, Action, AuditContext, Event};
use crate::error::WriteError;
use crate::experts::Specialty;
use crate::experts::draw::{Candidate, Need, PoolEntry};
use crate::org::{DepartmentKind, Region, RegionId, RegionLevel, Role};
use crate::project_rounds::model::{Round, RoundId};
use crate::values::{Money, Version};
use crate::web::once::{self, Claim, FormToken};
use crate::workflow::history;
use crate::workflow::step::{self, Taken};
use crate::workflow::versions;
use crate::workflow::{self, By, Done, TransitionError};

/// The whole application (header, applicant, rows) in one statement, if the scope sees it.
/// `lock` takes the row for an update first.
pub async fn find(tx: &mut PgConnection, id: ProjectId, lock: bool) -> Result<Option<Project>, sqlx::Error> {
    if lock {
        sqlx::query!("SELECT id FROM projects WHERE id = $1 FOR UPDATE", id.0).fetch_optional(&mut *tx).await?;
    }
    let row = sqlx::query!(
        r#"SELECT p.id AS "id: ProjectId", r.id AS "region_id: RegionId", r.code AS region_code, r.name AS region_name,
                  r.level AS "region_level: RegionLevel", p.round_id AS "round_id: RoundId", w.title AS round_title,
                  p.year, p.applicant_kind AS "applicant_kind: ApplicantKind", p.department_kind AS "department: DepartmentKind",
                  a.id AS "applicant_id?: ApplicantId", a.credit_code AS "credit_code?", a.name AS "applicant_name?",
                  a.unit_type AS "unit_type?: UnitType", a.division_code AS "division_code?", a.address AS "address?",
                  a.legal_representative AS "legal_representative?", a.contact_person AS "contact_person?",
                  a.contact_phone AS "contact_phone?",
                  p.status AS "status: ProjectStatus", p.name, p.project_type AS "project_type: ProjectType",
                  p.key_industry,
                  CASE WHEN p.key_industry LIKE 'province:%'
                       THEN (SELECT k.name FROM key_industries k WHERE 'province:' || k.key = p.key_industry)
                       WHEN p.key_industry LIKE 'region:%'
                       THEN (SELECT k.name FROM region_key_industries k
                             WHERE k.region_id = p.region_id AND 'region:' || k.id = p.key_industry) END AS key_industry_name,
                  p.implementation_mode AS "implementation_mode: super::model::ImplementationMode",
                  p.starts_on, p.ends_on, p.target_group, p.planned_count, p.background, p.content, p.safeguards,
                  p.requested_amount AS "requested_amount: Money", p.first_submitted_at, p.last_submitted_at,
                  p.decided_at, p.created_by, p.version, p.updated_at,
                  (SELECT coalesce(json_agg(json_build_object('id', l.id, 'project_year', l.project_year, 'item', l.item,
                                            'unit', l.unit, 'unit_price', l.unit_price::text, 'quantity', l.quantity::text,
                                            'amount', l.amount::text) ORDER BY l.position), '[]')
                   FROM project_budget_lines l WHERE l.region_id = p.region_id AND l.project_id = p.id) AS "lines!: Json<Vec<BudgetLine>>",
                  (SELECT coalesce(json_agg(json_build_object('id', i.id, 'project_year', i.project_year, 'level2', i.level2,
                                            'name', i.name, 'comparison', i.comparison, 'target_value', i.target_value::text,
                                            'unit', i.unit) ORDER BY i.position), '[]')
                   FROM project_indicators i WHERE i.region_id = p.region_id AND i.project_id = p.id) AS "indicators!: Json<Vec<Indicator>>",
                  (SELECT coalesce(json_agg(json_build_object('id', m.id, 'due_on', m.due_on, 'description', m.description)
                                            ORDER BY m.position), '[]')
                   FROM project_milestones m WHERE m.region_id = p.region_id AND m.project_id = p.id) AS "milestones!: Json<Vec<Milestone>>",
                  p.approved_amount AS "approved_amount: Money", p.decision_meeting_id, p.publicity_starts_on, p.publicity_ends_on,
                  w.publicity_days,
                  (SELECT m.held_on::text || ' 联席会议：' || m.topics FROM meetings m
                   WHERE m.region_id = p.region_id AND m.id = p.decision_meeting_id) AS decision_meeting,
                  (SELECT coalesce(json_agg(json_build_object('project_year', y.project_year, 'amount', y.amount::text)
                                            ORDER BY y.project_year), '[]')
                   FROM project_approved_years y WHERE y.region_id = p.region_id AND y.project_id = p.id) AS "approved_years!: Json<Vec<ApprovedYear>>"
           FROM projects p
           JOIN regions r ON r.id = p.region_id
           JOIN project_rounds w ON w.region_id = p.region_id AND w.id = p.round_id
           LEFT JOIN applicants a ON a.region_id = p.region_id AND a.id = p.applicant_id
           WHERE p.id = $1"#,
        id.0
    )
    .fetch_optional(&mut *tx)
    .await?;
    Ok(row.map(|r| {
        let applicant = match (r.applicant_id, r.credit_code, r.applicant_name, r.unit_type, r.division_code) {
            (Some(id), Some(credit_code), Some(name), Some(unit_type), Some(division_code)) => Some(ApplicantSummary {
                id,
                credit_code,
                name,
                unit_type,
                division_code,
                address: r.address.unwrap_or_default(),
                legal_representative: r.legal_representative.unwrap_or_default(),
                contact_person: r.contact_person.unwrap_or_default(),
                contact_phone: r.contact_phone.unwrap_or_default(),
            }),
            _ => None,
        };
        Project {
            id: r.id,
            region: Region { id: r.region_id, code: r.region_code, name: r.region_name, level: r.region_level },
            round_id: r.round_id,
            round_title: r.round_title,
            year: r.year,
            applicant_kind: r.applicant_kind,
            applicant,
            department: r.department,
            status: r.status,
            name: r.name,
            project_type: r.project_type,
            key_industry: r.key_industry,
            key_industry_name: r.key_industry_name,
            implementation_mode: r.implementation_mode,
            starts_on: r.starts_on,
            ends_on: r.ends_on,
            target_group: r.target_group,
            planned_count: r.planned_count,
            background: r.background,
            content: r.content,
            safeguards: r.safeguards,
            requested_amount: r.requested_amount,
            first_submitted_at: r.first_submitted_at,
            last_submitted_at: r.last_submitted_at,
            decided_at: r.decided_at,
            created_by: crate::org::AccountId(r.created_by),
            version: r.version,
            updated_at: r.updated_at,
            lines: r.lines.0,
            indicators: r.indicators.0,
            milestones: r.milestones.0,
            approved_amount: r.approved_amount,
            approved_years: r.approved_years.0,
            decision_meeting_id: r.decision_meeting_id,
            decision_meeting: r.decision_meeting,
            publicity_days: r.publicity_days,
            publicity_starts_on: r.publicity_starts_on,
            publicity_ends_on: r.publicity_ends_on,
        }
    }))
}

/// What a list asks for (only what is given narrows it).
#[derive(Clone, Debug, Default)]
pub struct ProjectFilter {
    pub region: Option<RegionId>,
    pub year: Option<i16>,
    pub round: Option<RoundId>,
    pub status: Option<ProjectStatus>,
    pub project_type: Option<ProjectType>,
    pub key_industry: Option<String>,
    pub applicant: Option<ApplicantId>,
    /// Lowercased: matched against the project's name and the applicant's name and credit code.
    pub text: Option<String>,
    /// Only approved projects (for partner departments and the agency).
    pub approved_only: bool,
}

/// The statuses of approved projects, as the lists filter them.
fn approved_statuses() -> Vec<&'static str> {
    ProjectStatus::ALL.iter().filter(|s| s.is_approved()).map(|s| s.as_str()).collect()
}

labelled_enum! {
    pub enum Sort {
        Updated => ("updated", "最近修改"),
        Amount => ("amount", "申请金额"),
        Name => ("name", "项目名称"),
    }
}

/// An application as lists show it.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct ProjectLine {
    pub id: ProjectId,
    pub region_id: i64,
    pub region_name: String,
    pub year: i16,
    pub round_title: String,
    pub applicant_name: Option<String>,
    pub credit_code: Option<String>,
    pub department_kind: Option<DepartmentKind>,
    pub name: String,
    pub project_type: Option<ProjectType>,
    pub key_industry: Option<String>,
    pub status: ProjectStatus,
    pub requested_amount: Money,
    pub last_submitted_at: Option<DateTime<Utc>>,
    pub updated_at: DateTime<Utc>,
}

fn push_filter(qb: &mut QueryBuilder<sqlx::Postgres>, f: &ProjectFilter, with_status: bool) {
    qb.push(" WHERE true");
    if let Some(region) = f.region {
        qb.push(" AND p.region_id = ").push_bind(region.0);
    }
    if let Some(year) = f.year {
        qb.push(" AND p.year = ").push_bind(year);
    }
    if let Some(round) = f.round {
        qb.push(" AND p.round_id = ").push_bind(round.0);
    }
    if let (true, Some(status)) = (with_status, f.status) {
        qb.push(" AND p.status = ").push_bind(status.as_str());
    }
    if f.approved_only {
        qb.push(" AND p.status = ANY(").push_bind(approved_statuses()).push(")");
    }
    if let Some(t) = f.project_type {
        qb.push(" AND p.project_type = ").push_bind(t.as_str());
    }
    if let Some(k) = &f.key_industry {
        qb.push(" AND p.key_industry = ").push_bind(k.clone());
    }
    if let Some(a) = f.applicant {
        qb.push(" AND p.applicant_id = ").push_bind(a.0);
    }
    if let Some(text) = &f.text {
        let pattern = format!("%{}%", text.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_"));
        qb.push(" AND (lower(p.name) LIKE ").push_bind(pattern.clone());
        qb.push(" OR a.search_key LIKE ").push_bind(pattern).push(")");
    }
}

const FROM: &str = " FROM projects p
     JOIN regions r ON r.id = p.region_id
     JOIN project_rounds w ON w.region_id = p.region_id AND w.id = p.round_id
     LEFT JOIN applicants a ON a.region_id = p.region_id AND a.id = p.applicant_id";

/// One page of the list, or (with `after`, for the export) the rows after a key in id order.
pub async fn list(
    tx: &mut PgConnection,
    f: &ProjectFilter,
    sort: Sort,
    after: Option<(i64, i64)>,
    offset: i64,
    limit: i64,
) -> Result<Vec<ProjectLine>, sqlx::Error> {
    let mut qb = QueryBuilder::new(
        "SELECT p.id, p.region_id, r.name AS region_name, p.year, w.title AS round_title, a.name AS applicant_name,
                a.credit_code, p.department_kind, p.name, p.project_type, p.key_industry, p.status, p.requested_amount,
                p.last_submitted_at, p.updated_at",
    );
    qb.push(FROM);
    push_filter(&mut qb, f, true);
    if let Some((region, id)) = after {
        qb.push(" AND (p.region_id, p.id) > (").push_bind(region).push(", ").push_bind(id).push(")");
        qb.push(" ORDER BY p.region_id, p.id");
    } else {
        qb.push(match sort {
            Sort::Updated => " ORDER BY p.updated_at DESC, p.id DESC",
            Sort::Amount => " ORDER BY p.requested_amount DESC, p.id DESC",
            Sort::Name => " ORDER BY p.name, p.id",
        });
    }
    qb.push(" LIMIT ").push_bind(limit).push(" OFFSET ").push_bind(offset);
    qb.build_query_as().fetch_all(tx).await
}

/// How many applications the filter finds in each status (the status filter itself aside).
/// Exact, so the status tabs add up. Filtered by region, year and round at most, the counts
/// kept per round and status answer (a few rows whatever the applications); any other filter
/// counts the applications (the applicants joined only for a text search).
pub async fn counts(tx: &mut PgConnection, f: &ProjectFilter) -> Result<Vec<(ProjectStatus, i64)>, sqlx::Error> {
    let kept = f.project_type.is_none() && f.key_industry.is_none() && f.applicant.is_none() && f.text.is_none();
    if kept {
        let mut qb = QueryBuilder::new("SELECT status, sum(n)::bigint FROM project_status_counts c WHERE n > 0");
        if let Some(region) = f.region {
            qb.push(" AND c.region_id = ").push_bind(region.0);
        }
        if let Some(year) = f.year {
            qb.push(" AND c.year = ").push_bind(year);
        }
        if let Some(round) = f.round {
            qb.push(" AND c.round_id = ").push_bind(round.0);
        }
        if f.approved_only {
            qb.push(" AND c.status = ANY(").push_bind(approved_statuses()).push(")");
        }
        qb.push(" GROUP BY status");
        return qb.build_query_as::<(ProjectStatus, i64)>().fetch_all(tx).await;
    }
    let mut qb = QueryBuilder::new("SELECT p.status, count(*) FROM projects p");
    if f.text.is_some() {
        qb.push(" LEFT JOIN applicants a ON a.region_id = p.region_id AND a.id = p.applicant_id");
    }
    push_filter(&mut qb, f, false);
    qb.push(" GROUP BY p.status");
    qb.build_query_as::<(ProjectStatus, i64)>().fetch_all(tx).await
}

/// Starts an application of `round` as a draft (a double post makes one).
pub async fn create(
    tx: &mut PgConnection,
    ctx: &AuditContext,
    by: &By<'_>,
    token: &FormToken,
    round: &Round,
    applicant: Option<ApplicantId>,
    department: Option<DepartmentKind>,
) -> Result<Done, WriteError> {
    if let Claim::Used(outcome) = once::claim(tx, by.account, token).await? {
        return Ok(Done::Before(outcome));
    }
    let kind = if applicant.is_some() { ApplicantKind::Organization } else { ApplicantKind::Department };
    let mode = (kind == ApplicantKind::Department).then_some("procurement");
    let id = sqlx::query_scalar!(
        r#"INSERT INTO projects (region_id, round_id, year, applicant_kind, applicant_id, department_kind,
                                 implementation_mode, created_by)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id AS "id: ProjectId""#,
        round.region.id.0,
        round.id.0,
        round.year,
        kind.as_str(),
        applicant.map(|a| a.0),
        department.map(|d| d.as_str()),
        mode,
        by.account.0
    )
    .fetch_one(&mut *tx)
    .await?;
    #[derive(Serialize)]
    struct Created<'a> {
        round: &'a str,
        applicant_kind: &'static str,
        applicant: Option<i64>,
        department: Option<&'static str>,
    }
    let event = Event::new(Action::ProjectCreate).object(KIND, id).created(&Created {
        round: &round.title,
        applicant_kind: kind.label(),
        applicant: applicant.map(|a| a.0),
        department: department.map(|d| d.label()),
    });
    audit::record(tx, ctx, event).await?;
    let url = format!("/projects/{id}/edit");
    once::finish(tx, by.account, token, &url).await?;
    Ok(Done::Now(url))
}

/// Saves an edit of an open application if it is still at `version`; the requested amount is
/// the sum the server computed.
pub async fn update(
    tx: &mut PgConnection,
    ctx: &AuditContext,
    before: &Project,
    version: Version,
    input: &ProjectInput,
    key_industry_name: &(dyn Fn(Option<&str>) -> String + Sync),
) -> Result<(), WriteError> {
    let updated = sqlx::query!(
        "UPDATE projects SET name = $3, project_type = $4, key_industry = $5, implementation_mode = $6, starts_on = $7,
                             ends_on = $8, target_group = $9, planned_count = $10, background = $11, content = $12,
                             safeguards = $13, requested_amount = $14, version = version + 1, updated_at = now()
         WHERE id = $1 AND version = $2 AND status IN ('draft', 'returned')",
        before.id.0,
        version.0,
        input.name.as_str(),
        input.project_type.map(|t| t.as_str()),
        input.key_industry.as_deref(),
        input.implementation_mode.map(|m| m.as_str()),
        input.starts_on,
        input.ends_on,
        input.target_group.as_str(),
        input.planned_count,
        input.background.as_str(),
        input.content.as_str(),
        input.safeguards.as_str(),
        input.requested_amount().yuan()
    )
    .execute(&mut *tx)
    .await?;
    if updated.rows_affected() == 0 {
        return Err(WriteError::Stale);
    }
    let (region, project) = (before.region.id.0, before.id.0);
    save_lines(tx, region, project, input).await?;
    save_indicators(tx, region, project, input).await?;
    save_milestones(tx, region, project, input).await?;
    let after = find(tx, before.id, false).await?.ok_or(WriteError::NotFound)?;
    let event = Event::new(Action::ProjectUpdate).object(KIND, before.id).change(
        &snapshot(before, &key_industry_name(before.key_industry.as_deref())),
        &snapshot(&after, &key_industry_name(after.key_industry.as_deref())),
    );
    audit::record(tx, ctx, event).await?;
    Ok(())
}

/// Kept rows are updated in place (their ids stay, so versions compare row by row) and new rows
/// added, each set in one statement; a kept row gone meanwhile (another save) is stale.
fn stale_unless(updated: u64, kept: usize) -> Result<(), WriteError> {
    if updated == kept as u64 { Ok(()) } else { Err(WriteError::Stale) }
}

/// Positions follow the form's order; `split` sorts the rows into kept (with their ids) and new.
fn split<T>(rows: &[T], id: impl Fn(&T) -> Option<i64>) -> (Vec<(i32, i64, &T)>, Vec<(i32, &T)>) {
    let (mut kept, mut new) = (Vec::new(), Vec::new());
    for (i, row) in rows.iter().enumerate() {
        let position = i as i32 + 1;
        match id(row) {
            Some(id) => kept.push((position, id, row)),
            None => new.push((position, row)),
        }
    }
    (kept, new)
}

/// Cost lines: the rows the form no longer has removed, the rest saved (amounts the server's).
async fn save_lines(tx: &mut PgConnection, region: i64, project: i64, input: &ProjectInput) -> Result<(), WriteError> {
    let (kept, new) = split(&input.lines, |l| l.id);
    let ids: Vec<i64> = kept.iter().map(|(_, id, _)| *id).collect();
    sqlx::query!(
        "DELETE FROM project_budget_lines WHERE region_id = $1 AND project_id = $2 AND NOT (id = ANY($3))",
        region,
        project,
        &ids
    )
    .execute(&mut *tx)
    .await?;
    let columns = |rows: &[(i32, &super::model::LineInput)]| {
        (
            rows.iter().map(|(p, _)| *p).collect::<Vec<i32>>(),
            rows.iter().map(|(_, l)| l.project_year).collect::<Vec<i16>>(),
            rows.iter().map(|(_, l)| l.item.as_str().to_string()).collect::<Vec<String>>(),
            rows.iter().map(|(_, l)| l.unit.as_str().to_string()).collect::<Vec<String>>(),
            rows.iter().map(|(_, l)| l.unit_price.map(Money::yuan)).collect::<Vec<Option<Decimal>>>(),
            rows.iter().map(|(_, l)| l.quantity).collect::<Vec<Option<Decimal>>>(),
            rows.iter().map(|(_, l)| l.amount).collect::<Vec<Option<Decimal>>>(),
        )
    };
    let kept_rows: Vec<(i32, &super::model::LineInput)> = kept.iter().map(|(p, _, l)| (*p, *l)).collect();
    let (position, year, item, unit, price, quantity, amount) = columns(&kept_rows);
    let updated = sqlx::query!(
        "UPDATE project_budget_lines l SET position = u.position, project_year = u.year, item = u.item, unit = u.unit,
                                           unit_price = u.price, quantity = u.quantity, amount = u.amount
         FROM unnest($3::bigint[], $4::int[], $5::smallint[], $6::text[], $7::text[], $8::numeric[], $9::numeric[],
                     $10::numeric[]) AS u(id, position, year, item, unit, price, quantity, amount)
         WHERE l.region_id = $1 AND l.project_id = $2 AND l.id = u.id",
        region,
        project,
        &ids,
        &position,
        &year,
        &item,
        &unit,
        &price as &[Option<Decimal>],
        &quantity as &[Option<Decimal>],
        &amount as &[Option<Decimal>]
    )
    .execute(&mut *tx)
    .await?;
    stale_unless(updated.rows_affected(), ids.len())?;
    let (position, year, item, unit, price, quantity, amount) = columns(&new);
    sqlx::query!(
        "INSERT INTO project_budget_lines (region_id, project_id, position, project_year, item, unit, unit_price, quantity,
                                           amount)
         SELECT $1, $2, u.* FROM unnest($3::int[], $4::smallint[], $5::text[], $6::text[], $7::numeric[], $8::numeric[],
                                        $9::numeric[]) AS u",
        region,
        project,
        &position,
        &year,
        &item,
        &unit,
        &price as &[Option<Decimal>],
        &quantity as &[Option<Decimal>],
        &amount as &[Option<Decimal>]
    )
    .execute(&mut *tx)
    .await?;
    Ok(())
}

/// Performance targets, the same way.
async fn save_indicators(
    tx: &mut PgConnection,
    region: i64,
    project: i64,
    input: &ProjectInput,
) -> Result<(), WriteError> {
    let (kept, new) = split(&input.indicators, |i| i.id);
    let ids: Vec<i64> = kept.iter().map(|(_, id, _)| *id).collect();
    sqlx::query!(
        "DELETE FROM project_indicators WHERE region_id = $1 AND project_id = $2 AND NOT (id = ANY($3))",
        region,
        project,
        &ids
    )
    .execute(&mut *tx)
    .await?;
    let columns = |rows: &[(i32, &super::model::IndicatorInput)]| {
        (
            rows.iter().map(|(p, _)| *p).collect::<Vec<i32>>(),
            rows.iter().map(|(_, i)| i.project_year).collect::<Vec<i16>>(),
            rows.iter()
                .map(|(_, i)| i.level2.map(|l| l.parent().as_str().to_string()))
                .collect::<Vec<Option<String>>>(),
            rows.iter().map(|(_, i)| i.level2.map(|l| l.as_str().to_string())).collect::<Vec<Option<String>>>(),
            rows.iter().map(|(_, i)| i.name.as_str().to_string()).collect::<Vec<String>>(),
            rows.iter().map(|(_, i)| i.comparison.map(|c| c.as_str().to_string())).collect::<Vec<Option<String>>>(),
            rows.iter().map(|(_, i)| i.target_value).collect::<Vec<Option<Decimal>>>(),
            rows.iter().map(|(_, i)| i.unit.as_str().to_string()).collect::<Vec<String>>(),
        )
    };
    let kept_rows: Vec<(i32, &super::model::IndicatorInput)> = kept.iter().map(|(p, _, i)| (*p, *i)).collect();
    let (position, year, level1, level2, name, comparison, value, unit) = columns(&kept_rows);
    let updated = sqlx::query!(
        "UPDATE project_indicators i SET position = u.position, project_year = u.year, level1 = u.level1,
                                         level2 = u.level2, name = u.name, comparison = u.comparison,
                                         target_value = u.value, unit = u.unit
         FROM unnest($3::bigint[], $4::int[], $5::smallint[], $6::text[], $7::text[], $8::text[], $9::text[],
                     $10::numeric[], $11::text[]) AS u(id, position, year, level1, level2, name, comparison, value, unit)
         WHERE i.region_id = $1 AND i.project_id = $2 AND i.id = u.id",
        region,
        project,
        &ids,
        &position,
        &year,
        &level1 as &[Option<String>],
        &level2 as &[Option<String>],
        &name,
        &comparison as &[Option<String>],
        &value as &[Option<Decimal>],
        &unit
    )
    .execute(&mut *tx)
    .await?;
    stale_unless(updated.rows_affected(), ids.len())?;
    let (position, year, level1, level2, name, comparison, value, unit) = columns(&new);
    sqlx::query!(
        "INSERT INTO project_indicators (region_id, project_id, position, project_year, level1, level2, name, comparison,
                                         target_value, unit)
         SELECT $1, $2, u.* FROM unnest($3::int[], $4::smallint[], $5::text[], $6::text[], $7::text[], $8::text[],
                                        $9::numeric[], $10::text[]) AS u",
        region,
        project,
        &position,
        &year,
        &level1 as &[Option<String>],
        &level2 as &[Option<String>],
        &name,
        &comparison as &[Option<String>],
        &value as &[Option<Decimal>],
        &unit
    )
    .execute(&mut *tx)
    .await?;
    Ok(())
}

/// Milestones, the same way.
async fn save_milestones(
    tx: &mut PgConnection,
    region: i64,
    project: i64,
    input: &ProjectInput,
) -> Result<(), WriteError> {
    let (kept, new) = split(&input.milestones, |m| m.id);
    let ids: Vec<i64> = kept.iter().map(|(_, id, _)| *id).collect();
    sqlx::query!(
        "DELETE FROM project_milestones WHERE region_id = $1 AND project_id = $2 AND NOT (id = ANY($3))",
        region,
        project,
        &ids
    )
    .execute(&mut *tx)
    .await?;
    let columns = |rows: &[(i32, &super::model::MilestoneInput)]| {
        (
            rows.iter().map(|(p, _)| *p).collect::<Vec<i32>>(),
            rows.iter().map(|(_, m)| m.due_on).collect::<Vec<Option<NaiveDate>>>(),
            rows.iter().map(|(_, m)| m.description.as_str().to_string()).collect::<Vec<String>>(),
        )
    };
    let kept_rows: Vec<(i32, &super::model::MilestoneInput)> = kept.iter().map(|(p, _, m)| (*p, *m)).collect();
    let (position, due, description) = columns(&kept_rows);
    let updated = sqlx::query!(
        "UPDATE project_milestones m SET position = u.position, due_on = u.due, description = u.description
         FROM unnest($3::bigint[], $4::int[], $5::date[], $6::text[]) AS u(id, position, due, description)
         WHERE m.region_id = $1 AND m.project_id = $2 AND m.id = u.id",
        region,
        project,
        &ids,
        &position,
        &due as &[Option<NaiveDate>],
        &description
    )
    .execute(&mut *tx)
    .await?;
    stale_unless(updated.rows_affected(), ids.len())?;
    let (position, due, description) = columns(&new);
    sqlx::query!(
        "INSERT INTO project_milestones (region_id, project_id, position, due_on, description)
         SELECT $1, $2, u.* FROM unnest($3::int[], $4::date[], $5::text[]) AS u",
        region,
        project,
        &position,
        &due as &[Option<NaiveDate>],
        &description
    )
    .execute(&mut *tx)
    .await?;
    Ok(())
}

/// What a transition needs beside the record: who, the round's rules, and today's date.
pub struct TransitionRequest<'a> {
    pub by: By<'a>,
    pub role: Role,
    pub token: &'a FormToken,
    pub action: ProjectAction,
    pub comment: &'a str,
    pub round: &'a Round,
    pub today: NaiveDate,
    pub key_industry_name: String,
}

/// Takes an action on an application under a row lock: the workflow table (role, status, four
/// eyes), the entering officer kept out of the pre-review, a submission checked whole and frozen
/// as a version. History, version and audit commit with the change, or nothing does.
pub async fn transition(
    tx: &mut PgConnection,
    ctx: &AuditContext,
    id: ProjectId,
    req: &TransitionRequest<'_>,
) -> Result<Done, TransitionError> {
    if let Claim::Used(outcome) = once::claim(tx, req.by.account, req.token).await? {
        return Ok(Done::Before(outcome));
    }
    let project = find(tx, id, true).await?.ok_or(WriteError::NotFound)?;
    // After the pre-review every step has a page of its own, which asks for what it needs.
    if !project.status.before_expert_review() {
        return Err(TransitionError::Refused(workflow::Refusal::State));
    }
    let past = history::of(tx, KIND, id.0).await?;
    let to = workflow::decide(
        transitions(project.region.level),
        project.status,
        req.action,
        req.role,
        req.by.account,
        req.comment,
        &history::past_steps::<ProjectAction>(&past),
    )
    .map_err(TransitionError::Refused)?;
    if let Some(refusal) = pre_review_refusal(req.action, req.by.account, project.created_by) {
        return Err(TransitionError::Refused(refusal));
    }
    if req.action == ProjectAction::Submit {
        let files = attachments::store::list(tx, &project.owner()).await?;
        let problems = submission_problems(&project, req.round, &files, req.today);
        if !problems.is_empty() {
            return Err(TransitionError::Incomplete(problems));
        }
        let frozen = attachments::in_version(snapshot(&project, &req.key_industry_name), &req.round.kinds(), &files);
        versions::freeze(tx, project.region.id, KIND, id.0, &frozen, req.by.account, req.by.name).await?;
        sqlx::query!(
            "UPDATE projects SET status = $2, first_submitted_at = coalesce(first_submitted_at, now()),
                                 last_submitted_at = now(), version = version + 1, updated_at = now()
             WHERE id = $1",
            id.0,
            to.as_str()
        )
        .execute(&mut *tx)
        .await?;
    } else {
        sqlx::query!(
            "UPDATE projects SET status = $2, decided_at = now(), version = version + 1, updated_at = now() WHERE id = $1",
            id.0,
            to.as_str()
        )
        .execute(&mut *tx)
        .await?;
    }
    let taken = Taken {
        region: project.region.id,
        kind: KIND,
        id: id.0,
        from: project.status,
        to,
        action: req.action,
        comment: req.comment,
    };
    Ok(step::record(tx, ctx, &req.by, req.token, &taken, Action::ProjectTransition, format!("/projects/{id}")).await?)
}

/// The expert review's end: every sitting member of the panel of `id` has submitted a sheet, so
/// the application moves on to the city's decision. Taken for the panel's last expert to submit,
/// in a transaction widened to the project's region (`db::widen_to_region`); the project is
/// locked and read again here, so two experts submitting at once move it once. Answers whether
/// it moved.
pub async fn conclude_review(
    tx: &mut PgConnection,
    ctx: &AuditContext,
    id: ProjectId,
    by: &By<'_>,
    token: &FormToken,
) -> Result<Option<Done>, TransitionError> {
    let project = find(tx, id, true).await?.ok_or(WriteError::NotFound)?;
    if project.status != ProjectStatus::ExpertReview {
        return Ok(None);
    }
    let panel = sqlx::query!(
        r#"SELECT count(*) FILTER (WHERE s.submitted_at IS NULL) AS "waiting!",
                  count(*) FILTER (WHERE s.submitted_at IS NOT NULL) AS "submitted!",
                  round(avg(s.total) FILTER (WHERE s.submitted_at IS NOT NULL), 2) AS average
           FROM panel_members m
           LEFT JOIN review_sheets s ON s.region_id = m.region_id AND s.project_id = m.project_id AND s.stage = m.stage
                                    AND s.expert_id = m.expert_id
           WHERE m.region_id = $1 AND m.project_id = $2 AND m.stage = 'review' AND m.replaced_by IS NULL"#,
        project.region.id.0,
        id.0
    )
    .fetch_one(&mut *tx)
    .await?;
    if panel.waiting > 0 {
        return Ok(None);
    }
    // The timeline shows the panel's figure at its conclusion beside the step.
    let figure =
        panel.average.map(|a| format!("专家组平均分 {a:.2}（{} 份评分表）", panel.submitted)).unwrap_or_default();
    let to = workflow::decide(
        transitions(project.region.level),
        project.status,
        ProjectAction::Conclude,
        Role::Expert,
        by.account,
        "",
        &[],
    )
    .map_err(TransitionError::Refused)?;
    sqlx::query!(
        "UPDATE projects SET status = $2, version = version + 1, updated_at = now() WHERE id = $1",
        id.0,
        to.as_str()
    )
    .execute(&mut *tx)
    .await?;
    let taken = Taken {
        region: project.region.id,
        kind: KIND,
        id: id.0,
        from: project.status,
        to,
        action: ProjectAction::Conclude,
        comment: &figure,
    };
    let done = step::record(tx, ctx, by, token, &taken, Action::ProjectTransition, format!("/reviews/{id}")).await?;
    Ok(Some(done))
}

/// A step of an application after the pre-review, taken on the page that asks for what it
/// needs (the approval, the agreement): the form's token, who, the action and its opinion.
pub struct Step<'a> {
    pub by: By<'a>,
    pub token: &'a FormToken,
    pub action: ProjectAction,
    pub comment: &'a str,
    /// The page the step leads back to.
    pub url: String,
}

/// Decides `step` on `project` (locked by the caller) with the workflow table (role, status,
/// four eyes): the status it moves to.
async fn decide_on(
    tx: &mut PgConnection,
    project: &Project,
    role: Role,
    step: &Step<'_>,
) -> Result<ProjectStatus, TransitionError> {
    let past = history::of(tx, KIND, project.id.0).await?;
    workflow::decide(
        transitions(project.region.level),
        project.status,
        step.action,
        role,
        step.by.account,
        step.comment,
        &history::past_steps::<ProjectAction>(&past),
    )
    .map_err(TransitionError::Refused)
}

/// Claims the form's token, locks the project and decides `step` on it: the project and the
/// status it moves to, or where the first post of the same form led.
pub async fn begin_step(
    tx: &mut PgConnection,
    id: ProjectId,
    role: Role,
    step: &Step<'_>,
) -> Result<Result<(Project, ProjectStatus), Done>, TransitionError> {
    if let Claim::Used(outcome) = once::claim(tx, step.by.account, step.token).await? {
        return Ok(Err(Done::Before(outcome)));
    }
    let project = find(tx, id, true).await?.ok_or(WriteError::NotFound)?;
    let to = decide_on(tx, &project, role, step).await?;
    Ok(Ok((project, to)))
}

/// A transition on `project`, locked by the caller, whose form's token the caller claimed.
pub async fn take_locked(
    tx: &mut PgConnection,
    ctx: &AuditContext,
    project: &Project,
    role: Role,
    step: &Step<'_>,
) -> Result<Done, TransitionError> {
    let to = decide_on(tx, project, role, step).await?;
    finish_step(tx, ctx, project, to, step).await
}

pub async fn finish_step(
    tx: &mut PgConnection,
    ctx: &AuditContext,
    project: &Project,
    to: ProjectStatus,
    step: &Step<'_>,
) -> Result<Done, TransitionError> {
    sqlx::query!(
        "UPDATE projects SET status = $2, version = version + 1, updated_at = now() WHERE id = $1",
        project.id.0,
        to.as_str()
    )
    .execute(&mut *tx)
    .await?;
    let taken = Taken {
        region: project.region.id,
        kind: KIND,
        id: project.id.0,
        from: project.status,
        to,
        action: step.action,
        comment: step.comment,
    };
    Ok(step::record(tx, ctx, &step.by, step.token, &taken, Action::ProjectTransition, step.url.clone()).await?)
}

/// A step that needs nothing but its opinion (不予立项, the publicity's close checked by the
/// caller, the province's filing or return, signing the agreement checked by the caller).
pub async fn take(
    tx: &mut PgConnection,
    ctx: &AuditContext,
    id: ProjectId,
    role: Role,
    step: &Step<'_>,
) -> Result<Done, TransitionError> {
    let (project, to) = match begin_step(tx, id, role, step).await? {
        Ok(decided) => decided,
        Err(done) => return Ok(done),
    };
    finish_step(tx, ctx, &project, to, step).await
}

/// The applicants a new application may choose: the region's, by name (at most 500).
pub async fn applicant_choices(
    tx: &mut PgConnection,
    region: RegionId,
) -> Result<Vec<(ApplicantId, String, String)>, sqlx::Error> {
    let rows = sqlx::query!(
        r#"SELECT id AS "id: ApplicantId", name, credit_code FROM applicants WHERE region_id = $1 ORDER BY name LIMIT 500"#,
        region.0
    )
    .fetch_all(tx)
    .await?;
    Ok(rows.into_iter().map(|r| (r.id, r.name, r.credit_code)).collect())
}

/// A project's draws for a panel `stage`, oldest first, with the names of their candidates.
pub async fn draws_of(
    tx: &mut PgConnection,
    region: RegionId,
    project: ProjectId,
    stage: PanelStage,
) -> Result<Vec<DrawRecord>, sqlx::Error> {
    let rows = sqlx::query!(
        r#"SELECT d.id, d.seed, d.candidates AS "candidates: Json<Vec<Candidate>>", d.mix AS "mix: Json<Vec<Need>>",
                  d.picks, d.replaced_expert, d.reason, d.drawn_by_name, d.drawn_at,
                  (SELECT coalesce(jsonb_object_agg(e.id::text, e.name), '{}') FROM experts e
                   WHERE e.region_id = d.region_id
                     AND e.id IN (SELECT (c ->> 'id')::bigint FROM jsonb_array_elements(d.candidates) c)
                  ) AS "names!: Json<std::collections::HashMap<String, String>>"
           FROM expert_draws d WHERE d.region_id = $1 AND d.project_id = $2 AND d.stage = $3 ORDER BY d.id"#,
        region.0,
        project.0,
        stage.as_str()
    )
    .fetch_all(tx)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| DrawRecord {
            id: r.id,
            seed: r.seed,
            candidates: r.candidates.0,
            mix: r.mix.0,
            picks: r.picks,
            replaced_expert: r.replaced_expert,
            reason: r.reason,
            drawn_by_name: r.drawn_by_name,
            drawn_at: r.drawn_at,
            names: r.names.0,
        })
        .collect())
}

/// A project's panel of `stage`: sitting members first, then those replaced.
pub async fn members_of(
    tx: &mut PgConnection,
    region: RegionId,
    project: ProjectId,
    stage: PanelStage,
) -> Result<Vec<Member>, sqlx::Error> {
    sqlx::query_as!(
        Member,
        r#"SELECT m.expert_id, e.name, e.specialty AS "specialty: Specialty", e.organization, e.title, m.draw_id,
                  m.replaced_by
           FROM panel_members m JOIN experts e ON e.region_id = m.region_id AND e.id = m.expert_id
           WHERE m.region_id = $1 AND m.project_id = $2 AND m.stage = $3
           ORDER BY m.replaced_by IS NOT NULL, m.draw_id, e.specialty, e.id"#,
        region.0,
        project.0,
        stage.as_str()
    )
    .fetch_all(tx)
    .await
}

/// The region's pool as the draw reads it.
pub async fn pool_of(tx: &mut PgConnection, region: RegionId) -> Result<Vec<PoolEntry>, sqlx::Error> {
    let rows = sqlx::query!(
        r#"SELECT id, specialty AS "specialty: Specialty", organization, organization_code, available, away_from,
                  away_until, conflicts
           FROM experts WHERE region_id = $1 ORDER BY id"#,
        region.0
    )
    .fetch_all(tx)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| PoolEntry {
            id: r.id,
            specialty: r.specialty,
            organization: r.organization,
            organization_code: r.organization_code,
            available: r.available,
            away_from: r.away_from,
            away_until: r.away_until,
            conflicts: r.conflicts,
        })
        .collect())
}

/// A draw to record.
pub struct NewDraw<'a> {
    pub stage: PanelStage,
    pub seed: [u8; 32],
    pub candidates: &'a [Candidate],
    pub mix: &'a [Need],
    pub picks: &'a [i64],
    pub replaced: Option<(i64, &'a str)>,
}

/// Records a draw with its members (and marks the member it replaced), audited.
pub async fn record_draw(
    tx: &mut PgConnection,
    ctx: &AuditContext,
    project: &Project,
    d: &NewDraw<'_>,
    by: &By<'_>,
) -> Result<(), WriteError> {
    let (region, id) = (project.region.id.0, project.id.0);
    let draw_id = sqlx::query_scalar!(
        "INSERT INTO expert_draws (region_id, project_id, seed, candidates, mix, picks, replaced_expert, reason, drawn_by,
                                   drawn_by_name, stage)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id",
        region,
        id,
        &d.seed[..],
        Json(d.candidates) as _,
        Json(d.mix) as _,
        d.picks,
        d.replaced.map(|(e, _)| e),
        d.replaced.map_or("", |(_, r)| r),
        by.account.0,
        by.name,
        d.stage.as_str()
    )
    .fetch_one(&mut *tx)
    .await?;
    if let Some((expert, _)) = d.replaced {
        let replaced = sqlx::query!(
            "UPDATE panel_members SET replaced_by = $4
             WHERE region_id = $1 AND project_id = $2 AND stage = $5 AND expert_id = $3 AND replaced_by IS NULL",
            region,
            id,
            expert,
            draw_id,
            d.stage.as_str()
        )
        .execute(&mut *tx)
        .await?;
        if replaced.rows_affected() == 0 {
            return Err(WriteError::Stale);
        }
    }
    sqlx::query!(
        "INSERT INTO panel_members (region_id, project_id, expert_id, draw_id, stage)
         SELECT $1, $2, unnest($3::bigint[]), $4, $5",
        region,
        id,
        d.picks,
        draw_id,
        d.stage.as_str()
    )
    .execute(&mut *tx)
    .await?;
    let detail = match d.replaced {
        None => {
            format!("{}：抽取 {} 名（候选 {} 名）：{:?}", d.stage.label(), d.picks.len(), d.candidates.len(), d.picks)
        }
        Some((expert, reason)) => {
            format!(
                "{}：替换 {expert}，理由：{reason}；抽取：{:?}（候选 {} 名）",
                d.stage.label(),
                d.picks,
                d.candidates.len()
            )
        }
    };
    let action = if d.replaced.is_some() { Action::ExpertReplace } else { Action::ExpertDraw };
    audit::record(tx, ctx, Event::new(action).object(KIND, project.id).detail(detail)).await?;
    Ok(())
}
