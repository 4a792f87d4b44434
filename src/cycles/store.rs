//! SQL of cycles. Cycles are province data (no region rows), read by everyone and changed by
//! province officers.

use sqlx::{PgConnection, PgPool};

use super::model::{Cycle, CycleId, CycleInput, CycleSnapshot, CycleTask, CycleTaskId, MonthDay};
use crate::audit::{self, Action, AuditContext, Event};
use crate::error::WriteError;
use crate::org::DepartmentKind;
use crate::values::Version;

/// A task as the cycle query returns it.
#[derive(serde::Deserialize)]
struct TaskRow {
    id: i64,
    key: String,
    title: String,
    summary: String,
}

/// Every cycle, oldest first, with its departments and tasks, in one statement (every plan
/// page reads them).
pub async fn all(db: &mut PgConnection) -> Result<Vec<Cycle>, sqlx::Error> {
    let rows = sqlx::query!(
        r#"SELECT c.id AS "id: CycleId", c.first_year, c.last_year, c.name, c.national_document, c.provincial_document,
                  c.headline_target, c.accident_rate_reduction_percent, c.training_target, c.training_coverage_due,
                  c.key_positions, c.platform_positions, c.coverage_target_percent, c.plan_filing_due, c.annual_report_due_month, c.annual_report_due_day, c.version,
                  coalesce((SELECT array_agg(d.kind ORDER BY d.kind <> 'hrss', d.kind) FROM cycle_departments d
                            WHERE d.cycle_id = c.id), '{}') AS "departments!: Vec<DepartmentKind>",
                  coalesce((SELECT json_agg(json_build_object('id', t.id, 'key', t.key, 'title', t.title,
                                                              'summary', t.summary) ORDER BY t.position, t.id)
                            FROM cycle_tasks t WHERE t.cycle_id = c.id), '[]') AS "tasks!"
           FROM cycles c ORDER BY c.first_year"#
    )
    .fetch_all(&mut *db)
    .await?;
    rows.into_iter()
        .map(|r| {
            let tasks: Vec<TaskRow> = serde_json::from_value(r.tasks).map_err(|e| sqlx::Error::Decode(Box::new(e)))?;
            Ok(Cycle {
                id: r.id,
                first_year: r.first_year,
                last_year: r.last_year,
                name: r.name,
                national_document: r.national_document,
                provincial_document: r.provincial_document,
                headline_target: r.headline_target,
                accident_rate_reduction_percent: r.accident_rate_reduction_percent,
                training_target: r.training_target,
                training_coverage_due: r.training_coverage_due,
                key_positions: r.key_positions,
                platform_positions: r.platform_positions,
                coverage_target_percent: r.coverage_target_percent,
                plan_filing_due: r.plan_filing_due,
                annual_report_due: MonthDay {
                    month: r.annual_report_due_month as u32,
                    day: r.annual_report_due_day as u32,
                },
                departments: r.departments,
                tasks: tasks
                    .into_iter()
                    .map(|t| CycleTask { id: CycleTaskId(t.id), key: t.key, title: t.title, summary: t.summary })
                    .collect(),
                version: r.version,
            })
        })
        .collect()
}

/// Every cycle, on the pool.
pub async fn list(pool: &PgPool) -> Result<Vec<Cycle>, sqlx::Error> {
    let mut conn = pool.acquire().await?;
    all(&mut conn).await
}

/// Saves a province officer's edit if the cycle is still at `version`, with its audit record.
/// A task that a plan already assigns cannot be removed.
pub async fn update(
    pool: &PgPool,
    ctx: &AuditContext,
    before: &Cycle,
    version: Version,
    input: &CycleInput,
) -> Result<(), WriteError> {
    let mut tx = pool.begin().await?;
    let updated = sqlx::query!(
        "UPDATE cycles SET name = $3, national_document = $4, provincial_document = $5, headline_target = $6,
                           accident_rate_reduction_percent = $7, training_target = $8, training_coverage_due = $9,
                           key_positions = $10, plan_filing_due = $11, annual_report_due_month = $12,
                           annual_report_due_day = $13, platform_positions = $14, coverage_target_percent = $15,
                           version = version + 1, updated_at = now()
         WHERE id = $1 AND version = $2",
        before.id.0,
        version.0,
        input.name.as_str(),
        input.national_document.as_str(),
        input.provincial_document.as_str(),
        input.headline_target.as_str(),
        input.accident_rate_reduction_percent.value(),
        input.training_target.as_str(),
        input.training_coverage_due.0,
        &input.key_positions,
        input.plan_filing_due.0,
        input.annual_report_due.month as i16,
        input.annual_report_due.day as i16,
        &input.platform_positions,
        input.coverage_target_percent.value(),
    )
    .execute(&mut *tx)
    .await?;
    if updated.rows_affected() == 0 {
        return Err(WriteError::Stale);
    }
    let kinds: Vec<&str> = input.departments.iter().map(|d| d.as_str()).collect();
    sqlx::query!(
        "DELETE FROM cycle_departments WHERE cycle_id = $1 AND NOT (kind = ANY($2::text[]))",
        before.id.0,
        &kinds as &[&str]
    )
    .execute(&mut *tx)
    .await?;
    sqlx::query!(
        "INSERT INTO cycle_departments (cycle_id, kind) SELECT $1, unnest($2::text[]) ON CONFLICT DO NOTHING",
        before.id.0,
        &kinds as &[&str]
    )
    .execute(&mut *tx)
    .await?;
    save_tasks(&mut tx, before, input).await?;
    let event = Event::new(Action::CycleUpdate)
        .object("cycle", before.first_year)
        .change(&CycleSnapshot::from(before), &CycleSnapshot::from(input));
    audit::record(&mut tx, ctx, event).await?;
    tx.commit().await?;
    Ok(())
}

/// Tasks in the form's order: existing ones updated, new ones added (with a fresh key), the
/// rest removed unless a plan assigns them.
async fn save_tasks(tx: &mut PgConnection, before: &Cycle, input: &CycleInput) -> Result<(), WriteError> {
    let kept: Vec<i64> = input.tasks.iter().filter_map(|t| t.id.map(|id| id.0)).collect();
    for id in &kept {
        if before.task(CycleTaskId(*id)).is_none() {
            return Err(WriteError::refused("表单中的任务不属于该周期，请重新打开编辑页面"));
        }
    }
    let removed =
        sqlx::query!("DELETE FROM cycle_tasks WHERE cycle_id = $1 AND NOT (id = ANY($2))", before.id.0, &kept)
            .execute(&mut *tx)
            .await;
    match removed {
        Err(sqlx::Error::Database(e)) if e.code().as_deref() == Some("23503") => {
            return Err(WriteError::refused("有任务已在实施方案中分工，不能删除；如需调整，请修改其名称和说明"));
        }
        other => {
            other?;
        }
    }
    for (position, task) in input.tasks.iter().enumerate() {
        let position = position as i32 + 1;
        match task.id {
            Some(id) => {
                sqlx::query!(
                    "UPDATE cycle_tasks SET position = $2, title = $3, summary = $4 WHERE id = $1",
                    id.0,
                    position,
                    task.title.as_str(),
                    task.summary.as_str()
                )
                .execute(&mut *tx)
                .await?;
            }
            None => {
                sqlx::query!(
                    "INSERT INTO cycle_tasks (cycle_id, key, position, title, summary)
                     VALUES ($1, 'task_' || (SELECT coalesce(max(id), 0) + 1 FROM cycle_tasks), $2, $3, $4)",
                    before.id.0,
                    position,
                    task.title.as_str(),
                    task.summary.as_str()
                )
                .execute(&mut *tx)
                .await?;
            }
        }
    }
    Ok(())
}
