//! Training records for tests, written as the pages would have left them.

use prevention::employers::model::EmployerId;

use super::TestDb;

/// A 2026 session of region `code` without an exam, with one trainee of `employer` counted as
/// trained: (session, trainee).
pub async fn session_with_trainee(db: &TestDb, code: &str, employer: EmployerId, id_number: &str) -> (i64, i64) {
    let pool = db.superuser_pool().await;
    let by: i64 = sqlx::query_scalar("SELECT id FROM accounts ORDER BY id LIMIT 1").fetch_one(&pool).await.unwrap();
    let session: i64 = sqlx::query_scalar(
        "INSERT INTO training_sessions (region_id, cycle_id, provider_name, delivery, starts_on, ends_on, hours, topic,
                                        has_exam, trainees, created_by, created_by_name)
         SELECT r.id, c.id, '测试培训机构', 'offline', '2026-09-01', '2026-09-01', 8, '矩阵测试培训', false, 1, $2, '测试'
         FROM regions r, cycles c WHERE r.code = $1 AND c.first_year = 2026 RETURNING id",
    )
    .bind(code)
    .bind(by)
    .fetch_one(&pool)
    .await
    .unwrap();
    let trainee: i64 = sqlx::query_scalar(
        "INSERT INTO trainees (region_id, session_id, name, id_number, employer_id, category, created_by)
         SELECT region_id, id, '测试学员', $2, $3, '一线班组长', $4 FROM training_sessions WHERE id = $1 RETURNING id",
    )
    .bind(session)
    .bind(id_number)
    .bind(employer.0)
    .bind(by)
    .fetch_one(&pool)
    .await
    .unwrap();
    sqlx::query(
        "INSERT INTO trained_people (region_id, cycle_id, employer_id, category, id_number)
         SELECT region_id, cycle_id, $2, '一线班组长', $3 FROM training_sessions WHERE id = $1",
    )
    .bind(session)
    .bind(employer.0)
    .bind(id_number)
    .execute(&pool)
    .await
    .unwrap();
    (session, trainee)
}
