use sqlx::PgExecutor;

use super::model::CycleSummary;

/// Every cycle, oldest first.
pub async fn list(db: impl PgExecutor<'_>) -> Result<Vec<CycleSummary>, sqlx::Error> {
    let rows = sqlx::query!(
        r#"SELECT c.first_year, c.last_year, c.name, c.headline_target, c.plan_filing_due,
                  c.annual_report_due_month, c.annual_report_due_day,
                  (SELECT count(*) FROM cycle_departments d WHERE d.cycle_id = c.id) AS "department_count!"
           FROM cycles c ORDER BY c.first_year"#
    )
    .fetch_all(db)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| CycleSummary {
            first_year: r.first_year,
            last_year: r.last_year,
            name: r.name,
            headline_target: r.headline_target,
            plan_filing_due: r.plan_filing_due,
            annual_report_due: format!("{}月{}日", r.annual_report_due_month, r.annual_report_due_day),
            department_count: r.department_count,
        })
        .collect())
}
