//! Annual reports for tests, written as the workflow would have left them.

use super::TestDb;

/// A report of region `code` for `year` in `status` (a submitted or accepted one carries frozen
/// figures: none, as a report of a year without records has); its id.
pub async fn report(db: &TestDb, code: &str, year: i32, status: &str) -> i64 {
    let pool = db.superuser_pool().await;
    let by: i64 = sqlx::query_scalar("SELECT id FROM accounts ORDER BY id LIMIT 1").fetch_one(&pool).await.unwrap();
    sqlx::query_scalar(
        "INSERT INTO annual_reports (region_id, year, status, problems, next_year, figures, figures_at,
                                     first_submitted_at, last_submitted_at, created_by)
         SELECT r.id, $2, $3, '人员不足', '继续推进',
                CASE WHEN $3 <> 'draft' THEN '[]'::jsonb END, CASE WHEN $3 <> 'draft' THEN now() END,
                CASE WHEN $3 <> 'draft' THEN now() END, CASE WHEN $3 <> 'draft' THEN now() END, $4
         FROM regions r WHERE r.code = $1 RETURNING id",
    )
    .bind(code)
    .bind(year)
    .bind(status)
    .bind(by)
    .fetch_one(&pool)
    .await
    .unwrap()
}
