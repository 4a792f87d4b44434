//! SQL of completions and acceptances, in the caller's transaction opened for the actor's scope.

use rust_decimal::Decimal;
use serde::Serialize;
use sqlx::PgConnection;
use sqlx::types::Json;

use super::model::{Acceptance, CompletionInput, Rectification};
use crate::audit::{self, Action, AuditContext, Event};
use crate::error::WriteError;
use crate::projects::model::{Achieved, KIND, Project};
use crate::workflow::By;

/// The acceptances of `project`, the first first.
pub async fn of(tx: &mut PgConnection, project: &Project) -> Result<Vec<Acceptance>, sqlx::Error> {
    let rows = sqlx::query!(
        r#"SELECT attempt, summary, achieved AS "achieved: Json<Vec<Achieved>>", completed_on, submitted_by_name,
                  submitted_at, passed, average, rectification, rectify_by, concluded_by_name, concluded_at
           FROM project_acceptances WHERE region_id = $1 AND project_id = $2 ORDER BY attempt"#,
        project.region.id.0,
        project.id.0
    )
    .fetch_all(tx)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| Acceptance {
            attempt: r.attempt,
            summary: r.summary,
            achieved: r.achieved.0,
            completed_on: r.completed_on,
            submitted_by_name: r.submitted_by_name,
            submitted_at: r.submitted_at,
            passed: r.passed,
            average: r.average,
            rectification: r.rectification,
            rectify_by: r.rectify_by,
            concluded_by_name: r.concluded_by_name,
            concluded_at: r.concluded_at,
        })
        .collect())
}

/// Records what the region submits for acceptance `attempt` (the completion, or the
/// rectification), audited. A second submission of the same attempt is refused as stale.
pub async fn submit(
    tx: &mut PgConnection,
    ctx: &AuditContext,
    project: &Project,
    attempt: i16,
    input: &CompletionInput,
    by: &By<'_>,
) -> Result<(), WriteError> {
    let inserted = sqlx::query!(
        "INSERT INTO project_acceptances (region_id, project_id, attempt, summary, achieved, completed_on, submitted_by,
                                          submitted_by_name)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT DO NOTHING",
        project.region.id.0,
        project.id.0,
        attempt,
        input.summary,
        Json(&input.achieved) as _,
        input.completed_on,
        by.account.0,
        by.name
    )
    .execute(&mut *tx)
    .await?;
    if inserted.rows_affected() == 0 {
        return Err(WriteError::Stale);
    }
    #[derive(Serialize)]
    struct Submitted<'a> {
        attempt: i16,
        completed_on: chrono::NaiveDate,
        summary: &'a str,
        achieved: &'a [Achieved],
    }
    let event = Event::new(Action::AcceptanceSubmit).object(KIND, project.id).created(&Submitted {
        attempt,
        completed_on: input.completed_on,
        summary: &input.summary,
        achieved: &input.achieved,
    });
    audit::record(tx, ctx, event).await?;
    Ok(())
}

/// Concludes acceptance `attempt`: passed or not at the panel's `average`, with what to rectify
/// and by when after a first failure. Audited.
pub async fn conclude(
    tx: &mut PgConnection,
    ctx: &AuditContext,
    project: &Project,
    attempt: i16,
    (passed, average): (bool, Decimal),
    rectification: Option<&Rectification>,
    by: &By<'_>,
) -> Result<(), WriteError> {
    let updated = sqlx::query!(
        "UPDATE project_acceptances SET passed = $4, average = $5, rectification = $6, rectify_by = $7,
                concluded_by = $8, concluded_by_name = $9, concluded_at = now()
         WHERE region_id = $1 AND project_id = $2 AND attempt = $3 AND passed IS NULL",
        project.region.id.0,
        project.id.0,
        attempt,
        passed,
        average,
        rectification.map_or("", |r| r.what.as_str()),
        rectification.map(|r| r.by),
        by.account.0,
        by.name
    )
    .execute(&mut *tx)
    .await?;
    if updated.rows_affected() == 0 {
        return Err(WriteError::Stale);
    }
    let detail = match rectification {
        Some(r) => format!("第 {attempt} 次验收：不通过，平均分 {average}；整改要求：{}；整改期限：{}", r.what, r.by),
        None => format!("第 {attempt} 次验收：{}，平均分 {average}", if passed { "通过" } else { "不通过" }),
    };
    audit::record(tx, ctx, Event::new(Action::AcceptanceConclude).object(KIND, project.id).detail(detail)).await?;
    Ok(())
}
