//! SQL of implementation plans. Every function works in a transaction opened for the actor's
//! scope (row-level security first); writes record their history, version and audit event in
//! that same transaction.

use chrono::{DateTime, NaiveDate, Utc};
use sqlx::PgConnection;
use sqlx::types::Json;

use super::model::{
    ATTACHMENT_KINDS, Indicator, KIND, Plan, PlanAction, PlanId, PlanInput, PlanStatus, PlanTask, snapshot,
    submission_problems, transitions,
};
use crate::attachments;
use crate::audit::{self, Action, AuditContext, Event};
use crate::cycles::{Cycle, CycleId};
use crate::error::WriteError;
use crate::org::{Region, RegionId, RegionLevel};
use crate::values::Version;
use crate::web::once::{self, Claim, FormToken};
use crate::workflow;
use crate::workflow::history;
use crate::workflow::step::{self, Taken};
use crate::workflow::versions::{self, Snapshot};
pub use crate::workflow::{By, Done, TransitionError};

/// The whole plan (header, indicators, key industries, tasks) in one statement, if the
/// transaction's scope sees it. `lock` takes the row for an update.
pub async fn find(tx: &mut PgConnection, id: PlanId, lock: bool) -> Result<Option<Plan>, sqlx::Error> {
    if lock {
        sqlx::query!("SELECT id FROM plans WHERE id = $1 FOR UPDATE", id.0).fetch_optional(&mut *tx).await?;
    }
    let row = sqlx::query!(
        r#"SELECT p.id AS "id: PlanId", r.id AS "region_id: RegionId", r.code AS region_code, r.name AS region_name,
                  r.level AS "region_level: RegionLevel", p.cycle_id AS "cycle_id: CycleId",
                  p.status AS "status: PlanStatus", p.guiding_ideas, p.accident_rate_reduction_percent,
                  p.training_coverage_percent, p.training_coverage_due, p.safeguards, p.document_number, p.issued_on,
                  p.first_submitted_at, p.last_submitted_at, p.decided_at, p.version, p.updated_at,
                  (SELECT coalesce(json_agg(json_build_object('id', i.id, 'name', i.name, 'target', i.target, 'unit', i.unit)
                                            ORDER BY i.position), '[]')
                   FROM plan_indicators i WHERE i.region_id = p.region_id AND i.plan_id = p.id) AS "indicators!: Json<Vec<Indicator>>",
                  (SELECT coalesce(array_agg(k.industry ORDER BY k.industry), '{}')
                   FROM plan_key_industries k WHERE k.region_id = p.region_id AND k.plan_id = p.id) AS "industries!",
                  (SELECT coalesce(array_agg(coalesce(pk.name, rk.name, '（已删除）') ORDER BY k.industry), '{}')
                   FROM plan_key_industries k
                   LEFT JOIN key_industries pk ON k.industry = 'province:' || pk.key
                   LEFT JOIN region_key_industries rk ON k.industry = 'region:' || rk.id AND rk.region_id = k.region_id
                   WHERE k.region_id = p.region_id AND k.plan_id = p.id) AS "industry_names!",
                  (SELECT coalesce(json_agg(json_build_object('id', t.id, 'cycle_task_id', t.cycle_task_id,
                                                              'department', t.department_kind, 'measures', t.measures,
                                                              'deadline', t.deadline) ORDER BY t.position), '[]')
                   FROM plan_tasks t WHERE t.region_id = p.region_id AND t.plan_id = p.id) AS "tasks!: Json<Vec<PlanTask>>"
           FROM plans p JOIN regions r ON r.id = p.region_id
           WHERE p.id = $1"#,
        id.0
    )
    .fetch_optional(&mut *tx)
    .await?;
    Ok(row.map(|r| Plan {
        id: r.id,
        region: Region { id: r.region_id, code: r.region_code, name: r.region_name, level: r.region_level },
        cycle_id: r.cycle_id,
        status: r.status,
        guiding_ideas: r.guiding_ideas,
        accident_rate_reduction_percent: r.accident_rate_reduction_percent,
        training_coverage_percent: r.training_coverage_percent,
        training_coverage_due: r.training_coverage_due,
        safeguards: r.safeguards,
        document_number: r.document_number,
        issued_on: r.issued_on,
        first_submitted_at: r.first_submitted_at,
        last_submitted_at: r.last_submitted_at,
        decided_at: r.decided_at,
        version: r.version,
        updated_at: r.updated_at,
        indicators: r.indicators.0,
        industries: r.industries,
        industry_names: r.industry_names,
        tasks: r.tasks.0,
    }))
}

/// A plan as lists show it.
#[derive(Clone, Debug)]
pub struct PlanLine {
    pub id: PlanId,
    pub cycle_id: CycleId,
    pub status: PlanStatus,
    pub first_submitted_at: Option<DateTime<Utc>>,
    pub decided_at: Option<DateTime<Utc>>,
}

/// The plans of one region, every cycle.
pub async fn of_region(tx: &mut PgConnection, region: RegionId) -> Result<Vec<PlanLine>, sqlx::Error> {
    sqlx::query_as!(
        PlanLine,
        r#"SELECT id AS "id: PlanId", cycle_id AS "cycle_id: CycleId", status AS "status: PlanStatus",
                  first_submitted_at, decided_at
           FROM plans WHERE region_id = $1 ORDER BY cycle_id"#,
        region.0
    )
    .fetch_all(tx)
    .await
}

/// A line of the province's overview: every region, with its plan of the cycle if any.
#[derive(Clone, Debug)]
pub struct OverviewLine {
    pub region: Region,
    pub plan: Option<PlanLine>,
}

/// Every region in order (the province first), with its plan of `cycle` if it has one.
pub async fn overview(tx: &mut PgConnection, cycle: CycleId) -> Result<Vec<OverviewLine>, sqlx::Error> {
    let rows = sqlx::query!(
        r#"SELECT r.id AS "region_id: RegionId", r.code, r.name, r.level AS "level: RegionLevel",
                  p.id AS "plan_id?: PlanId", p.status AS "status?: PlanStatus", p.first_submitted_at, p.decided_at
           FROM regions r LEFT JOIN plans p ON p.region_id = r.id AND p.cycle_id = $1
           ORDER BY r.level = 'city', r.sort_order, r.code"#,
        cycle.0
    )
    .fetch_all(tx)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| OverviewLine {
            region: Region { id: r.region_id, code: r.code, name: r.name, level: r.level },
            plan: match (r.plan_id, r.status) {
                (Some(id), Some(status)) => Some(PlanLine {
                    id,
                    cycle_id: cycle,
                    status,
                    first_submitted_at: r.first_submitted_at,
                    decided_at: r.decided_at,
                }),
                _ => None,
            },
        })
        .collect())
}

/// Starts a region's plan for a cycle as a draft, with the cycle's targets and one task row per
/// task of the cycle, so the officer fills in rather than starts from nothing. A second post of
/// the same form, or a second draft for the region and cycle, makes no second plan.
pub async fn create(
    tx: &mut PgConnection,
    ctx: &AuditContext,
    by: &By<'_>,
    token: &FormToken,
    region: &Region,
    cycle: &Cycle,
) -> Result<Done, WriteError> {
    if let Claim::Used(outcome) = once::claim(tx, by.account, token).await? {
        return Ok(Done::Before(outcome));
    }
    let existing = sqlx::query_scalar!(
        r#"SELECT id AS "id: PlanId" FROM plans WHERE region_id = $1 AND cycle_id = $2"#,
        region.id.0,
        cycle.id.0
    )
    .fetch_optional(&mut *tx)
    .await?;
    if let Some(id) = existing {
        return Ok(Done::Before(format!("/plans/{id}")));
    }
    let id = sqlx::query_scalar!(
        r#"INSERT INTO plans (region_id, cycle_id, accident_rate_reduction_percent, training_coverage_percent,
                              training_coverage_due, created_by)
           VALUES ($1, $2, $3, 100, $4, $5) RETURNING id AS "id: PlanId""#,
        region.id.0,
        cycle.id.0,
        cycle.accident_rate_reduction_percent,
        cycle.training_coverage_due,
        by.account.0
    )
    .fetch_one(&mut *tx)
    .await?;
    for (position, task) in cycle.tasks.iter().enumerate() {
        sqlx::query!(
            "INSERT INTO plan_tasks (region_id, plan_id, position, cycle_task_id, department_kind)
             VALUES ($1, $2, $3, $4, 'hrss')",
            region.id.0,
            id.0,
            position as i32 + 1,
            task.id.0
        )
        .execute(&mut *tx)
        .await?;
    }
    #[derive(serde::Serialize)]
    struct Created<'a> {
        region: &'a str,
        cycle: i32,
        status: PlanStatus,
    }
    let event = Event::new(Action::PlanCreate).object(KIND, id).created(&Created {
        region: &region.name,
        cycle: cycle.first_year,
        status: PlanStatus::Draft,
    });
    audit::record(tx, ctx, event).await?;
    let url = format!("/plans/{id}");
    once::finish(tx, by.account, token, &url).await?;
    Ok(Done::Now(url))
}

/// Saves an edit of an open plan if it is still at `version`.
pub async fn update(
    tx: &mut PgConnection,
    ctx: &AuditContext,
    before: &Plan,
    version: Version,
    input: &PlanInput,
    cycle: &Cycle,
    names: &(dyn Fn(&str) -> String + Sync),
) -> Result<(), WriteError> {
    let percent = |p: Option<crate::values::Percent>| p.map(|p| p.value());
    let updated = sqlx::query!(
        "UPDATE plans SET guiding_ideas = $3, accident_rate_reduction_percent = $4, training_coverage_percent = $5,
                          training_coverage_due = $6, safeguards = $7, document_number = $8, issued_on = $9,
                          version = version + 1, updated_at = now()
         WHERE id = $1 AND version = $2 AND status IN ('draft', 'returned')",
        before.id.0,
        version.0,
        input.guiding_ideas.as_str(),
        percent(input.accident_rate_reduction_percent),
        percent(input.training_coverage_percent),
        input.training_coverage_due.map(|d| d.0),
        input.safeguards.as_str(),
        input.document_number.as_str(),
        input.issued_on.map(|d| d.0),
    )
    .execute(&mut *tx)
    .await?;
    if updated.rows_affected() == 0 {
        return Err(WriteError::Stale);
    }
    let region = before.region.id.0;
    let plan = before.id.0;
    save_indicators(tx, region, plan, input).await?;
    sqlx::query!("DELETE FROM plan_key_industries WHERE region_id = $1 AND plan_id = $2", region, plan)
        .execute(&mut *tx)
        .await?;
    sqlx::query!(
        "INSERT INTO plan_key_industries (region_id, plan_id, industry) SELECT $1, $2, unnest($3::text[])",
        region,
        plan,
        &input.industries
    )
    .execute(&mut *tx)
    .await?;
    save_tasks(tx, region, plan, input).await?;
    let after = find(tx, before.id, false).await?.ok_or(WriteError::NotFound)?;
    let event = Event::new(Action::PlanUpdate)
        .object(KIND, before.id)
        .change(&snapshot(before, cycle, names), &snapshot(&after, cycle, names));
    audit::record(tx, ctx, event).await?;
    Ok(())
}

/// Indicator rows: kept rows updated in place (their ids stay, so versions compare row by row),
/// new rows added, the rest removed.
async fn save_indicators(tx: &mut PgConnection, region: i64, plan: i64, input: &PlanInput) -> Result<(), WriteError> {
    let kept: Vec<i64> = input.indicators.iter().filter_map(|i| i.id).collect();
    sqlx::query!(
        "DELETE FROM plan_indicators WHERE region_id = $1 AND plan_id = $2 AND NOT (id = ANY($3))",
        region,
        plan,
        &kept
    )
    .execute(&mut *tx)
    .await?;
    for (position, i) in input.indicators.iter().enumerate() {
        let position = position as i32 + 1;
        let saved = match i.id {
            Some(id) => sqlx::query!(
                "UPDATE plan_indicators SET position = $4, name = $5, target = $6, unit = $7
                 WHERE region_id = $1 AND plan_id = $2 AND id = $3",
                region,
                plan,
                id,
                position,
                i.name.as_str(),
                i.target.as_str(),
                i.unit.as_str()
            )
            .execute(&mut *tx)
            .await?
            .rows_affected(),
            None => sqlx::query!(
                "INSERT INTO plan_indicators (region_id, plan_id, position, name, target, unit) VALUES ($1, $2, $3, $4, $5, $6)",
                region,
                plan,
                position,
                i.name.as_str(),
                i.target.as_str(),
                i.unit.as_str()
            )
            .execute(&mut *tx)
            .await?
            .rows_affected(),
        };
        if saved == 0 {
            return Err(WriteError::Stale);
        }
    }
    Ok(())
}

/// Task rows, the same way as indicators.
async fn save_tasks(tx: &mut PgConnection, region: i64, plan: i64, input: &PlanInput) -> Result<(), WriteError> {
    let kept: Vec<i64> = input.tasks.iter().filter_map(|t| t.id).collect();
    sqlx::query!(
        "DELETE FROM plan_tasks WHERE region_id = $1 AND plan_id = $2 AND NOT (id = ANY($3))",
        region,
        plan,
        &kept
    )
    .execute(&mut *tx)
    .await?;
    for (position, t) in input.tasks.iter().enumerate() {
        let position = position as i32 + 1;
        let deadline: Option<NaiveDate> = t.deadline.map(|d| d.0);
        let saved = match t.id {
            Some(id) => sqlx::query!(
                "UPDATE plan_tasks SET position = $4, cycle_task_id = $5, department_kind = $6, measures = $7, deadline = $8
                 WHERE region_id = $1 AND plan_id = $2 AND id = $3",
                region,
                plan,
                id,
                position,
                t.cycle_task_id.0,
                t.department.as_str(),
                t.measures.as_str(),
                deadline
            )
            .execute(&mut *tx)
            .await?
            .rows_affected(),
            None => sqlx::query!(
                "INSERT INTO plan_tasks (region_id, plan_id, position, cycle_task_id, department_kind, measures, deadline)
                 VALUES ($1, $2, $3, $4, $5, $6, $7)",
                region,
                plan,
                position,
                t.cycle_task_id.0,
                t.department.as_str(),
                t.measures.as_str(),
                deadline
            )
            .execute(&mut *tx)
            .await?
            .rows_affected(),
        };
        if saved == 0 {
            return Err(WriteError::Stale);
        }
    }
    Ok(())
}

/// Takes `action` on a plan, checked by the workflow table against its status (under a row
/// lock), the actor's role and the plan's history (four eyes). A submission must be complete
/// and freezes a version. The history row, the version and the audit event commit with the
/// change, or nothing does.
#[allow(clippy::too_many_arguments)]
pub async fn transition(
    tx: &mut PgConnection,
    ctx: &AuditContext,
    by: &By<'_>,
    role: crate::org::Role,
    token: &FormToken,
    id: PlanId,
    action: PlanAction,
    comment: &str,
    cycle: &Cycle,
    names: &(dyn Fn(&str) -> String + Sync),
) -> Result<Done, TransitionError> {
    if let Claim::Used(outcome) = once::claim(tx, by.account, token).await? {
        return Ok(Done::Before(outcome));
    }
    let plan = find(tx, id, true).await?.ok_or(WriteError::NotFound)?;
    let past = history::of(tx, KIND, id.0).await?;
    let to = workflow::decide(
        transitions(plan.region.level),
        plan.status,
        action,
        role,
        by.account,
        comment,
        &history::past_steps::<PlanAction>(&past),
    )
    .map_err(TransitionError::Refused)?;
    if action == PlanAction::Submit {
        let files = attachments::store::list(tx, &plan.owner()).await?;
        let problems = submission_problems(&plan, cycle, &files);
        if !problems.is_empty() {
            return Err(TransitionError::Incomplete(problems.into_iter().map(Into::into).collect()));
        }
        let frozen: Snapshot = attachments::in_version(snapshot(&plan, cycle, names), ATTACHMENT_KINDS, &files);
        versions::freeze(tx, plan.region.id, KIND, id.0, &frozen, by.account, by.name).await?;
        sqlx::query!(
            "UPDATE plans SET status = $2, first_submitted_at = coalesce(first_submitted_at, now()),
                              last_submitted_at = now(), version = version + 1, updated_at = now()
             WHERE id = $1",
            id.0,
            to.as_str()
        )
        .execute(&mut *tx)
        .await?;
    } else {
        sqlx::query!(
            "UPDATE plans SET status = $2, decided_at = now(), version = version + 1, updated_at = now() WHERE id = $1",
            id.0,
            to.as_str()
        )
        .execute(&mut *tx)
        .await?;
    }
    let taken = Taken { region: plan.region.id, kind: KIND, id: id.0, from: plan.status, to, action, comment };
    Ok(step::record(tx, ctx, by, token, &taken, Action::PlanTransition, format!("/plans/{id}")).await?)
}
