//! Fixtures of the rate tables and rule sets, written straight into the database (the pages that
//! write them are tested in rates_tables.rs).

use super::TestDb;

/// A table of `region` from `effective` with the reference classes' figures; its id.
pub async fn table(db: &TestDb, region: &str, effective: &str) -> i64 {
    let pool = db.superuser_pool().await;
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO rate_tables (region_id, effective_from, document_number, document_date, recorded_by,
                                  recorded_by_name)
         SELECT r.id, $2::date, '测试文号', $2::date, (SELECT id FROM accounts ORDER BY id LIMIT 1), '测试'
         FROM regions r WHERE r.code = $1 RETURNING id",
    )
    .bind(region)
    .bind(effective)
    .fetch_one(&pool)
    .await
    .expect("rate table");
    sqlx::query(
        "INSERT INTO rate_table_classes (region_id, rate_table_id, class, base_rate_percent, grades)
         SELECT t.region_id, t.id, c.class, c.base_rate_percent, c.grades
         FROM rate_tables t, risk_classes c WHERE t.id = $1",
    )
    .bind(id)
    .execute(&pool)
    .await
    .expect("rate table classes");
    id
}

/// `region`'s own rule set, a copy of the default one.
pub async fn own_rules(db: &TestDb, region: &str) {
    let pool = db.superuser_pool().await;
    sqlx::query(
        "INSERT INTO rate_rules (region_id, factor, from_value, below_value, category, moves, note)
         SELECT r.id, d.factor, d.from_value, d.below_value, d.category, d.moves, d.note
         FROM regions r, rate_rules d WHERE r.code = $1 AND d.region_id IS NULL",
    )
    .bind(region)
    .execute(&pool)
    .await
    .expect("own rules");
}

/// The id of the row of a set (`region` none: the default set) for `factor` whose band starts
/// at `from` (none: open below).
pub async fn rule(db: &TestDb, region: Option<&str>, factor: &str, from: Option<i64>) -> i64 {
    sqlx::query_scalar(
        "SELECT r.id FROM rate_rules r LEFT JOIN regions g ON g.id = r.region_id
         WHERE g.code IS NOT DISTINCT FROM $1 AND r.factor = $2 AND r.from_value IS NOT DISTINCT FROM $3::numeric",
    )
    .bind(region)
    .bind(factor)
    .bind(from)
    .fetch_one(&db.superuser_pool().await)
    .await
    .expect("rule")
}

/// How many rows each set has: (default, `region`'s own).
pub async fn counts(db: &TestDb, region: &str) -> (i64, i64) {
    sqlx::query_as(
        "SELECT count(*) FILTER (WHERE r.region_id IS NULL), count(*) FILTER (WHERE g.code = $1)
         FROM rate_rules r LEFT JOIN regions g ON g.id = r.region_id",
    )
    .bind(region)
    .fetch_one(&db.superuser_pool().await)
    .await
    .expect("rule counts")
}
