//! The fee for tests: a region's income and an approved budget, written as the workflow would
//! have left them.

use super::TestDb;

/// The income of `year - 1` (100,000,000 元, so a cap of 3,000,000 元) and an approved budget of
/// `year` with `publicity` and `training` in 元, for region `code`.
pub async fn approved_budget(db: &TestDb, code: &str, year: i16, publicity: &str, training: &str) -> i64 {
    let pool = db.superuser_pool().await;
    let by: i64 = sqlx::query_scalar("SELECT id FROM accounts ORDER BY id LIMIT 1").fetch_one(&pool).await.unwrap();
    sqlx::query(
        "INSERT INTO fee_incomes (region_id, year, amount, evidence, entered_by, entered_by_name)
         SELECT id, $2, 100000000, '决算报表', $3, '测试' FROM regions WHERE code = $1
         ON CONFLICT DO NOTHING",
    )
    .bind(code)
    .bind(year - 1)
    .bind(by)
    .execute(&pool)
    .await
    .unwrap();
    sqlx::query_scalar(
        "INSERT INTO fee_budgets (region_id, budget_year, status, publicity, training, created_by)
         SELECT id, $2, 'approved', $3::numeric, $4::numeric, $5 FROM regions WHERE code = $1
         ON CONFLICT (region_id, budget_year) DO UPDATE SET status = 'approved', publicity = EXCLUDED.publicity,
                                                          training = EXCLUDED.training
         RETURNING id",
    )
    .bind(code)
    .bind(year)
    .bind(publicity)
    .bind(training)
    .bind(by)
    .fetch_one(&pool)
    .await
    .unwrap()
}
