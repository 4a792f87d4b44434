use sqlx::PgExecutor;

use crate::org::{Region, RegionId, RegionLevel};

/// Finds a region by its six-digit code. Regions are reference data readable in any scope.
pub async fn find_by_code(db: impl PgExecutor<'_>, code: &str) -> Result<Option<Region>, sqlx::Error> {
    sqlx::query_as!(
        Region,
        r#"SELECT id AS "id: RegionId", code, name, level AS "level: RegionLevel" FROM regions WHERE code = $1"#,
        code
    )
    .fetch_optional(db)
    .await
}

/// All regions, the province first, then cities in file order.
pub async fn list(db: impl PgExecutor<'_>) -> Result<Vec<Region>, sqlx::Error> {
    sqlx::query_as!(
        Region,
        r#"SELECT id AS "id: RegionId", code, name, level AS "level: RegionLevel" FROM regions
           ORDER BY level = 'city', sort_order, code"#
    )
    .fetch_all(db)
    .await
}
