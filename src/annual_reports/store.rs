//! SQL of annual reports: the report, the regions' standing for a year, and the one statement
//! that reads what every region's records of a year come to. Every function works in a
//! transaction opened for the actor's scope; writes record their history, version and audit
//! event in that same transaction.

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDate, Utc};
use sqlx::PgConnection;
use sqlx::types::Json;

use super::cache::{Asked, FiguresCache, Key, Stamp};
use super::figures::{self, Figure, Raw};
use super::model::{
    KIND, Report, ReportAction, ReportId, ReportInput, ReportStatus, is_late, snapshot, submission_problems,
    transitions,
};
pub use super::raw::{Records, RegionRaw};
use crate::audit::{self, Action, AuditContext, Event};
use crate::cycles::Cycle;
use crate::error::WriteError;
use crate::org::{Region, RegionId, RegionLevel};
use crate::values::Version;
use crate::web::once::{self, Claim, FormToken};
use crate::workflow;
use crate::workflow::history;
use crate::workflow::step::{self, Taken};
use crate::workflow::versions;
pub use crate::workflow::{By, Done, TransitionError};

/// The report, if the transaction's scope sees it. `lock` takes the row for an update.
pub async fn find(tx: &mut PgConnection, id: ReportId, lock: bool) -> Result<Option<Report>, sqlx::Error> {
    if lock {
        sqlx::query!("SELECT id FROM annual_reports WHERE id = $1 FOR UPDATE", id.0).fetch_optional(&mut *tx).await?;
    }
    let row = sqlx::query!(
        r#"SELECT a.id AS "id: ReportId", r.id AS "region_id: RegionId", r.code AS region_code, r.name AS region_name,
                  r.level AS "region_level: RegionLevel", a.year, a.status AS "status: ReportStatus",
                  a.document_number, a.sections AS "sections: Json<BTreeMap<String, String>>", a.problems,
                  a.next_year, a.figures AS "figures: Json<Vec<Figure>>", a.figures_at, a.first_submitted_at,
                  a.last_submitted_at, a.late, a.decided_at, a.version, a.updated_at
           FROM annual_reports a JOIN regions r ON r.id = a.region_id
           WHERE a.id = $1"#,
        id.0
    )
    .fetch_optional(&mut *tx)
    .await?;
    Ok(row.map(|r| Report {
        id: r.id,
        region: Region { id: r.region_id, code: r.region_code, name: r.region_name, level: r.region_level },
        year: r.year,
        status: r.status,
        document_number: r.document_number,
        sections: r.sections.0,
        problems: r.problems,
        next_year: r.next_year,
        figures: r.figures.map(|f| f.0),
        figures_at: r.figures_at,
        first_submitted_at: r.first_submitted_at,
        last_submitted_at: r.last_submitted_at,
        late: r.late,
        decided_at: r.decided_at,
        version: r.version,
        updated_at: r.updated_at,
    }))
}

/// A report as lists show it.
#[derive(Clone, Debug)]
pub struct ReportLine {
    pub id: ReportId,
    pub region_id: RegionId,
    pub year: i32,
    pub status: ReportStatus,
    pub late: bool,
    pub last_submitted_at: Option<DateTime<Utc>>,
    pub decided_at: Option<DateTime<Utc>>,
    /// The figures as submitted (none before the first submission).
    pub figures: Option<Json<Vec<Figure>>>,
}

/// The reports in scope: of one region (every year), or of one year (every region in scope).
pub async fn lines(
    tx: &mut PgConnection,
    region: Option<RegionId>,
    year: Option<i32>,
) -> Result<Vec<ReportLine>, sqlx::Error> {
    sqlx::query_as!(
        ReportLine,
        r#"SELECT id AS "id: ReportId", region_id AS "region_id: RegionId", year, status AS "status: ReportStatus",
                  late, last_submitted_at, decided_at, figures AS "figures: Json<Vec<Figure>>"
           FROM annual_reports
           WHERE ($1::bigint IS NULL OR region_id = $1) AND ($2::int IS NULL OR year = $2)
           ORDER BY year DESC, region_id"#,
        region.map(|r| r.0),
        year
    )
    .fetch_all(tx)
    .await
}

/// Starts a region's report of a year as a draft (a double post, or a second report of the
/// region and year, makes none).
pub async fn create(
    tx: &mut PgConnection,
    ctx: &AuditContext,
    by: &By<'_>,
    token: &FormToken,
    region: &Region,
    year: i32,
) -> Result<Done, WriteError> {
    if let Claim::Used(outcome) = once::claim(tx, by.account, token).await? {
        return Ok(Done::Before(outcome));
    }
    let existing = sqlx::query_scalar!(
        r#"SELECT id AS "id: ReportId" FROM annual_reports WHERE region_id = $1 AND year = $2"#,
        region.id.0,
        year
    )
    .fetch_optional(&mut *tx)
    .await?;
    if let Some(id) = existing {
        return Ok(Done::Before(format!("/annual-reports/{id}")));
    }
    let id = sqlx::query_scalar!(
        r#"INSERT INTO annual_reports (region_id, year, created_by) VALUES ($1, $2, $3)
           RETURNING id AS "id: ReportId""#,
        region.id.0,
        year,
        by.account.0
    )
    .fetch_one(&mut *tx)
    .await?;
    #[derive(serde::Serialize)]
    struct Created<'a> {
        region: &'a str,
        year: i32,
        status: ReportStatus,
    }
    let event = Event::new(Action::AnnualReportCreate).object(KIND, id).created(&Created {
        region: &region.name,
        year,
        status: ReportStatus::Draft,
    });
    audit::record(tx, ctx, event).await?;
    let url = format!("/annual-reports/{id}");
    once::finish(tx, by.account, token, &url).await?;
    Ok(Done::Now(url))
}

/// Saves the narrative of an open report if it is still at `version`.
pub async fn update(
    tx: &mut PgConnection,
    ctx: &AuditContext,
    before: &Report,
    version: Version,
    input: &ReportInput,
    cycle: &Cycle,
) -> Result<(), WriteError> {
    let updated = sqlx::query!(
        "UPDATE annual_reports SET document_number = $3, sections = $4, problems = $5, next_year = $6,
                                   version = version + 1, updated_at = now()
         WHERE id = $1 AND version = $2 AND status IN ('draft', 'returned')",
        before.id.0,
        version.0,
        input.document_number,
        Json(&input.sections) as _,
        input.problems,
        input.next_year
    )
    .execute(&mut *tx)
    .await?;
    if updated.rows_affected() == 0 {
        return Err(WriteError::Stale);
    }
    let after = find(tx, before.id, false).await?.ok_or(WriteError::NotFound)?;
    let event = Event::new(Action::AnnualReportUpdate)
        .object(KIND, before.id)
        .change(&snapshot(before, cycle, &[]), &snapshot(&after, cycle, &[]));
    audit::record(tx, ctx, event).await?;
    Ok(())
}

/// Takes `action` on the report. A submission checks the narrative, computes the figures from
/// the records as they stand (in this transaction), freezes them into the report and a version,
/// and marks the first submission late or not; a decision records when it was made.
#[allow(clippy::too_many_arguments)]
pub async fn transition(
    tx: &mut PgConnection,
    ctx: &AuditContext,
    by: &By<'_>,
    role: crate::org::Role,
    token: &FormToken,
    id: ReportId,
    action: ReportAction,
    comment: &str,
    cycle: &Cycle,
    now: DateTime<Utc>,
    today: NaiveDate,
) -> Result<Done, TransitionError> {
    if let Claim::Used(outcome) = once::claim(tx, by.account, token).await? {
        return Ok(Done::Before(outcome));
    }
    let report = find(tx, id, true).await?.ok_or(WriteError::NotFound)?;
    let past = history::of(tx, KIND, id.0).await?;
    let to = workflow::decide(
        transitions(report.region.level),
        report.status,
        action,
        role,
        by.account,
        comment,
        &history::past_steps::<ReportAction>(&past),
    )
    .map_err(TransitionError::Refused)?;
    if action == ReportAction::Submit {
        let problems = submission_problems(&report, cycle);
        if !problems.is_empty() {
            return Err(TransitionError::Incomplete(problems));
        }
        let raw = raw_figures(tx, report.year, cycle, Some(&[report.region.id]), today).await?;
        let figures = raw.first().map(|r| figures::compute(&r.raw, report.year, cycle)).unwrap_or_default();
        let frozen = snapshot(&report, cycle, &figures);
        versions::freeze(tx, report.region.id, KIND, id.0, &frozen, by.account, by.name).await?;
        let late = report.first_submitted_at.map_or_else(|| is_late(cycle, report.year, now), |_| report.late);
        sqlx::query!(
            "UPDATE annual_reports SET status = $2, figures = $3, figures_at = $4,
                                       first_submitted_at = coalesce(first_submitted_at, $4), last_submitted_at = $4,
                                       late = $5, version = version + 1, updated_at = now()
             WHERE id = $1",
            id.0,
            to.as_str(),
            Json(&figures) as _,
            now,
            late
        )
        .execute(&mut *tx)
        .await?;
    } else {
        sqlx::query!(
            "UPDATE annual_reports SET status = $2, decided_at = $3, version = version + 1, updated_at = now()
             WHERE id = $1",
            id.0,
            to.as_str(),
            now
        )
        .execute(&mut *tx)
        .await?;
    }
    let taken = Taken { region: report.region.id, kind: KIND, id: id.0, from: report.status, to, action, comment };
    Ok(step::record(tx, ctx, by, token, &taken, Action::AnnualReportTransition, format!("/annual-reports/{id}"))
        .await?)
}

/// What every region in scope (or in `regions`) has on record for `year` (`cycle` the year's),
/// in one statement: counts and sums as the features' lists draw them, overdue on `today`.
/// Pages read them through `cache::figures`; this is the live count.
pub async fn raw_figures(
    tx: &mut PgConnection,
    year: i32,
    cycle: &Cycle,
    regions: Option<&[RegionId]>,
    today: NaiveDate,
) -> Result<Vec<RegionRaw>, sqlx::Error> {
    let rows = sqlx::query!(
        r#"SELECT r.id AS "region_id!: RegionId", r.code AS "code!", r.name AS "name!", r.level AS "level!: RegionLevel",
                  pl.id AS "plan_id?", pl.status AS "plan_status?",
                  ro.id AS "roster_id?", ro.status AS "roster_status?", ro.complete AS "roster_complete?",
                  (SELECT count(*) FROM meetings m
                   WHERE m.region_id = r.id AND m.held_on >= y.first AND m.held_on < y.next) AS "meetings!",
                  ai.done AS "items_done!", ai.overdue AS "items_overdue!",
                  (SELECT count(*) FROM joint_inspections i
                   WHERE i.region_id = r.id AND i.inspected_on >= y.first AND i.inspected_on < y.next) AS "inspections!",
                  fi.total AS "findings!", fi.closed AS "findings_closed!", fi.rectified AS "findings_rectified!",
                  fi.overdue AS "findings_overdue!",
                  (SELECT count(*) FROM notices n
                   WHERE n.region_id = r.id AND n.issued_on >= y.first AND n.issued_on < y.next) AS "notices!",
                  inc.amount AS "fee_income?", coalesce(rt.rate, 0.03) AS "fee_rate!",
                  CASE WHEN b.status = 'approved' THEN b.publicity + b.training END AS "fee_budget?",
                  coalesce(e.allocated, 0) AS "fee_allocated!", coalesce(e.committed, 0) AS "fee_committed!",
                  coalesce(e.released, 0) AS "fee_released!",
                  (SELECT coalesce(sum(p.amount), 0) FROM fee_payments p
                   WHERE p.region_id = r.id AND p.paid_on >= y.first AND p.paid_on < y.next) AS "fee_paid!",
                  (SELECT coalesce(json_agg(json_build_array(c.status, c.n)), '[]')
                   FROM (SELECT status, sum(n)::bigint AS n FROM project_status_counts
                         WHERE region_id = r.id AND year = $1 AND status <> 'draft'
                         GROUP BY status HAVING sum(n) > 0) c) AS "projects!: Json<Vec<(String, i64)>>",
                  (SELECT coalesce(json_agg(json_build_array(t.category, t.required, t.trained, t.capped)), '[]')
                   FROM (SELECT tr.category, sum(tr.required)::bigint AS required, sum(tr.trained)::bigint AS trained,
                                sum(tr.capped)::bigint AS capped
                         FROM training_rollups tr
                         WHERE tr.region_id = r.id AND tr.cycle_id = $2 AND tr.required > 0
                           AND (EXISTS (SELECT FROM key_industry_divisions d WHERE d.code = tr.division_code)
                                OR EXISTS (SELECT FROM region_key_industries k
                                           WHERE k.region_id = tr.region_id AND k.cycle_id = tr.cycle_id
                                             AND tr.division_code = ANY (k.divisions)))
                         GROUP BY tr.category) t) AS "training!: Json<Vec<(String, i64, i64, i64)>>",
                  (SELECT count(*) FROM publicity_events p
                   WHERE p.region_id = r.id AND p.held_on >= y.first AND p.held_on < y.next) AS "publicity!",
                  sc.total AS "schools!", sc.running AS "schools_running!",
                  st.injuries AS "injuries?", st.insured AS "insured?",
                  bs.injuries AS "base_injuries?", bs.insured AS "base_insured?",
                  now_open.open AS "findings_open_now!", now_open.overdue AS "findings_overdue_now!",
                  coalesce(v.version, 0) AS "version!"
           FROM regions r
           LEFT JOIN region_figures_versions v ON v.region_id = r.id
           CROSS JOIN (SELECT make_date($1, 1, 1) AS first, make_date($1 + 1, 1, 1) AS next) y
           LEFT JOIN plans pl ON pl.region_id = r.id AND pl.cycle_id = $2
           LEFT JOIN rosters ro ON ro.region_id = r.id AND ro.cycle_id = $2
           CROSS JOIN LATERAL (
               SELECT count(*) FILTER (WHERE a.closed_on IS NOT NULL) AS done,
                      count(*) FILTER (WHERE a.closed_on IS NULL AND a.due_on < $4) AS overdue
               FROM meeting_action_items a JOIN meetings m ON m.region_id = a.region_id AND m.id = a.meeting_id
               WHERE a.region_id = r.id AND m.held_on >= y.first AND m.held_on < y.next) ai
           CROSS JOIN LATERAL (
               SELECT count(*) AS total,
                      count(*) FILTER (WHERE f.verified_on IS NOT NULL AND f.referred_on IS NULL) AS closed,
                      count(*) FILTER (WHERE f.rectified_on IS NOT NULL AND f.verified_on IS NULL
                                         AND f.referred_on IS NULL) AS rectified,
                      count(*) FILTER (WHERE f.rectified_on IS NULL AND f.verified_on IS NULL AND f.referred_on IS NULL
                                         AND f.deadline < $4) AS overdue
               FROM findings f JOIN joint_inspections i ON i.region_id = f.region_id AND i.id = f.inspection_id
               WHERE f.region_id = r.id AND i.inspected_on >= y.first AND i.inspected_on < y.next) fi
           LEFT JOIN fee_incomes inc ON inc.region_id = r.id AND inc.year = $1 - 1
           LEFT JOIN fee_rates rt ON rt.region_id = r.id AND rt.budget_year = $1
           LEFT JOIN fee_budgets b ON b.region_id = r.id AND b.budget_year = $1
           CROSS JOIN LATERAL (
               SELECT sum(amount) FILTER (WHERE kind = 'allocation') AS allocated,
                      sum(amount) FILTER (WHERE kind = 'commitment') AS committed,
                      sum(amount) FILTER (WHERE kind = 'release') AS released
               FROM fee_entries WHERE region_id = r.id AND budget_year = $1) e
           CROSS JOIN LATERAL (
               SELECT count(*) AS total, count(*) FILTER (WHERE runs_course) AS running
               FROM technical_schools s WHERE s.region_id = r.id AND s.year = $1) sc
           LEFT JOIN LATERAL (
               SELECT sum(injuries)::bigint AS injuries, sum(insured)::bigint AS insured
               FROM injury_statistics WHERE region_id = r.id AND year = $1 HAVING count(*) > 0) st ON true
           LEFT JOIN LATERAL (
               SELECT sum(injuries)::bigint AS injuries, sum(insured)::bigint AS insured
               FROM injury_statistics WHERE region_id = r.id AND year = $5::int HAVING count(*) > 0) bs ON true
           CROSS JOIN LATERAL (
               SELECT count(*) AS open, count(*) FILTER (WHERE f.deadline < $4) AS overdue
               FROM findings f
               WHERE f.region_id = r.id AND f.rectified_on IS NULL AND f.verified_on IS NULL
                 AND f.referred_on IS NULL) now_open
           WHERE ($3::bigint[] IS NULL OR r.id = ANY ($3))
           ORDER BY r.level = 'city', r.sort_order, r.code"#,
        year,
        cycle.id.0,
        regions.map(|rs| rs.iter().map(|r| r.0).collect::<Vec<i64>>()) as Option<Vec<i64>>,
        today,
        cycle.first_year - 1
    )
    .fetch_all(tx)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| {
            let place = Region { id: r.region_id, code: r.code, name: r.name, level: r.level };
            let records = Records { plan: r.plan_id, roster: r.roster_id };
            let pair = |a: Option<i64>, b: Option<i64>| a.zip(b);
            let raw = Raw {
                plan: r.plan_id.zip(r.plan_status),
                roster: match (r.roster_id, r.roster_status, r.roster_complete) {
                    (Some(id), Some(status), Some(complete)) => Some((id, status, complete)),
                    _ => None,
                },
                meetings: r.meetings,
                items_done: r.items_done,
                items_overdue: r.items_overdue,
                inspections: r.inspections,
                findings: r.findings,
                findings_closed: r.findings_closed,
                findings_rectified: r.findings_rectified,
                findings_overdue: r.findings_overdue,
                notices: r.notices,
                fee_income: r.fee_income,
                fee_rate: r.fee_rate,
                fee_budget: r.fee_budget,
                fee_allocated: r.fee_allocated,
                fee_committed: r.fee_committed,
                fee_released: r.fee_released,
                fee_paid: r.fee_paid,
                projects: r.projects.0,
                training: r.training.0,
                publicity: r.publicity,
                schools: r.schools,
                schools_running: r.schools_running,
                statistics: pair(r.injuries, r.insured),
                base_statistics: pair(r.base_injuries, r.base_insured),
                findings_open_now: r.findings_open_now,
                findings_overdue_now: r.findings_overdue_now,
            };
            RegionRaw { region: place, records, raw, version: r.version }
        })
        .collect())
}

/// Every region in the transaction's scope (or `region` alone, when in scope), province first,
/// with its figures: those `cache` holds where the region's counter has not moved, else
/// counted now (`raw_figures`) and kept. Two statements when anything moved, one otherwise.
pub async fn kept_figures(
    tx: &mut PgConnection,
    cache: &FiguresCache,
    asked: Asked<'_>,
    region: Option<RegionId>,
) -> Result<Vec<RegionRaw>, sqlx::Error> {
    let versions = sqlx::query!(
        r#"SELECT r.id AS "region_id!: RegionId", coalesce(v.version, 0) AS "version!"
           FROM regions r LEFT JOIN region_figures_versions v ON v.region_id = r.id
           WHERE app_region_visible(r.id) AND ($1::bigint IS NULL OR r.id = $1)
           ORDER BY r.level = 'city', r.sort_order, r.code"#,
        region.map(|r| r.0)
    )
    .fetch_all(&mut *tx)
    .await?;
    let key = |region| Key { region, year: asked.year, cycle: asked.cycle.id };
    let stamp = |version| Stamp { version, reference_version: asked.reference_version, today: asked.today };
    let mut found: Vec<Option<RegionRaw>> =
        versions.iter().map(|v| cache.get(&key(v.region_id), stamp(v.version))).collect();
    let stale: Vec<RegionId> =
        versions.iter().zip(&found).filter(|(_, held)| held.is_none()).map(|(v, _)| v.region_id).collect();
    if !stale.is_empty() {
        let counted = raw_figures(tx, asked.year, asked.cycle, Some(&stale), asked.today).await?;
        for raw in counted {
            // Kept at the counter read with the rows, which may be newer than the one above.
            cache.keep(key(raw.region.id), stamp(raw.version), raw.clone());
            if let Some(slot) = versions.iter().position(|v| v.region_id == raw.region.id) {
                found[slot] = Some(raw);
            }
        }
    }
    Ok(found.into_iter().flatten().collect())
}
