//! SQL of progress reports, in the caller's transaction opened for the actor's scope.

use std::str::FromStr;

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use sqlx::PgConnection;
use sqlx::types::Json;

use super::model::{NewReport, Report, ReportId, Spent};
use crate::audit::{self, Action, AuditContext, Event};
use crate::projects::model::{KIND, Project};
use crate::workflow::By;
use crate::workflow::history::{self, REPORT, Step};

#[derive(Debug, Deserialize, Serialize)]
struct SpentRow {
    line: i64,
    amount: String,
}

fn spending_of(rows: Vec<SpentRow>) -> Result<Vec<Spent>, sqlx::Error> {
    rows.into_iter()
        .map(|r| {
            let amount = Decimal::from_str(&r.amount).map_err(|e| sqlx::Error::Decode(Box::new(e)))?;
            Ok(Spent { line: r.line, amount })
        })
        .collect()
}

/// A project's reports, oldest first.
pub async fn of(tx: &mut PgConnection, project: &Project) -> Result<Vec<Report>, sqlx::Error> {
    let rows = sqlx::query!(
        r#"SELECT id AS "id: ReportId", reported_on, percent, milestones_done, trained, sessions,
                  spending AS "spending: Json<Vec<SpentRow>>", spent, note, created_by_name, created_at
           FROM project_progress WHERE region_id = $1 AND project_id = $2 ORDER BY reported_on, id"#,
        project.region.id.0,
        project.id.0
    )
    .fetch_all(tx)
    .await?;
    rows.into_iter()
        .map(|r| {
            Ok(Report {
                id: r.id,
                reported_on: r.reported_on,
                percent: r.percent,
                milestones_done: r.milestones_done,
                trained: r.trained,
                sessions: r.sessions,
                spending: spending_of(r.spending.0)?,
                spent: r.spent,
                note: r.note,
                created_by_name: r.created_by_name,
                created_at: r.created_at,
            })
        })
        .collect()
}

/// Records a report of `project` (locked by the caller), in its history (its status unchanged,
/// the figures as the comment) and the audit log.
pub async fn record(
    tx: &mut PgConnection,
    ctx: &AuditContext,
    project: &Project,
    report: &NewReport,
    by: &By<'_>,
) -> Result<ReportId, sqlx::Error> {
    let spending: Vec<SpentRow> =
        report.spending.iter().map(|s| SpentRow { line: s.line, amount: s.amount.to_string() }).collect();
    let id = sqlx::query_scalar!(
        r#"INSERT INTO project_progress (region_id, project_id, reported_on, percent, milestones_done, trained, sessions,
                                         spending, spent, note, created_by, created_by_name)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING id AS "id: ReportId""#,
        project.region.id.0,
        project.id.0,
        report.reported_on,
        report.percent,
        &report.milestones_done,
        report.trained,
        report.sessions,
        Json(&spending) as _,
        report.spent,
        report.note,
        by.account.0,
        by.name
    )
    .fetch_one(&mut *tx)
    .await?;
    let summary = format!("{}：{}", report.reported_on, report.summary());
    let status = project.status.as_str();
    let step = Step {
        region_id: project.region.id,
        record_kind: KIND,
        record_id: project.id.0,
        from: status,
        to: status,
        action: REPORT,
        comment: &summary,
        by: by.account,
        by_name: by.name,
    };
    history::record(tx, &step).await?;
    audit::record(tx, ctx, Event::new(Action::ProgressReport).object(KIND, project.id).detail(summary)).await?;
    Ok(id)
}
