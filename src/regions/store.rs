use sqlx::PgExecutor;

use super::model::{Region, RegionId, RegionLevel};

/// Finds a region by its six-digit code. Regions are reference data readable in any scope.
pub async fn find_by_code(db: impl PgExecutor<'_>, code: &str) -> Result<Option<Region>, sqlx::Error> {
    let row = sqlx::query!(r#"SELECT id AS "id: RegionId", code, name, level FROM regions WHERE code = $1"#, code)
        .fetch_optional(db)
        .await?;
    Ok(row.and_then(|r| Some(Region { id: r.id, code: r.code, name: r.name, level: RegionLevel::parse(&r.level)? })))
}

/// All regions, the province first, then cities in file order.
pub async fn list(db: impl PgExecutor<'_>) -> Result<Vec<Region>, sqlx::Error> {
    let rows = sqlx::query!(
        r#"SELECT id AS "id: RegionId", code, name, level FROM regions
           ORDER BY level = 'city', sort_order, code"#
    )
    .fetch_all(db)
    .await?;
    Ok(rows
        .into_iter()
        .filter_map(|r| Some(Region { id: r.id, code: r.code, name: r.name, level: RegionLevel::parse(&r.level)? }))
        .collect())
}
