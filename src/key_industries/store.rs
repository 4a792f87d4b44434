//! SQL of key industries: the province's (reference data) and a region's own (a region table).

use sqlx::{PgConnection, PgPool};

use super::model::{KeyIndustry, KeyIndustryInput, RegionKeyIndustryId};
use crate::audit::{self, Action, AuditContext, Event};
use crate::cycles::CycleId;
use crate::db::{self, DbActor};
use crate::error::WriteError;
use crate::org::{AccountId, RegionId};

/// The key industries of `region` in `cycle`: the province's, then the region's own. Runs in
/// the caller's transaction (opened for the actor's scope).
pub async fn of_region(
    tx: &mut PgConnection,
    region: RegionId,
    cycle: CycleId,
) -> Result<Vec<KeyIndustry>, sqlx::Error> {
    let rows = sqlx::query!(
        r#"SELECT 'province:' || k.key AS "reference!", k.name AS "name!",
                  coalesce(array_agg(d.code ORDER BY d.code) FILTER (WHERE d.code IS NOT NULL), '{}') AS "divisions!",
                  false AS "own!", k.sort_order::bigint AS "sort!"
           FROM key_industries k LEFT JOIN key_industry_divisions d ON d.key_industry_id = k.id
           GROUP BY k.id
           UNION ALL
           SELECT 'region:' || r.id, r.name, r.divisions, true, 1000000 + r.id
           FROM region_key_industries r WHERE r.region_id = $1 AND r.cycle_id = $2
           ORDER BY 5"#,
        region.0,
        cycle.0
    )
    .fetch_all(tx)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| KeyIndustry { reference: r.reference, name: r.name, divisions: r.divisions, own: r.own })
        .collect())
}

/// Every region's own key industries of `cycle` (named with their region), for pages that list
/// records of every region; the transaction's scope decides which regions it sees.
pub async fn own_of_every_region(tx: &mut PgConnection, cycle: CycleId) -> Result<Vec<KeyIndustry>, sqlx::Error> {
    let rows = sqlx::query!(
        r#"SELECT 'region:' || k.id AS "reference!", g.name || '：' || k.name AS "name!", k.divisions
           FROM region_key_industries k JOIN regions g ON g.id = k.region_id
           WHERE k.cycle_id = $1 ORDER BY g.sort_order, k.id"#,
        cycle.0
    )
    .fetch_all(tx)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| KeyIndustry { reference: r.reference, name: r.name, divisions: r.divisions, own: true })
        .collect())
}

/// The same, in a transaction of its own for `actor`.
pub async fn for_region(
    pool: &PgPool,
    actor: DbActor,
    region: RegionId,
    cycle: CycleId,
) -> Result<Vec<KeyIndustry>, sqlx::Error> {
    let mut tx = db::begin(pool, actor).await?;
    let list = of_region(&mut tx, region, cycle).await?;
    tx.commit().await?;
    Ok(list)
}

/// Adds a region's own key industry for a cycle (`region_key_industries_name_key` when the name
/// is taken in that cycle).
pub async fn create(
    pool: &PgPool,
    actor: DbActor,
    ctx: &AuditContext,
    region: RegionId,
    cycle: CycleId,
    by: AccountId,
    input: &KeyIndustryInput,
) -> Result<RegionKeyIndustryId, WriteError> {
    let mut tx = db::begin(pool, actor).await?;
    let id = sqlx::query_scalar!(
        r#"INSERT INTO region_key_industries (region_id, cycle_id, name, divisions, created_by)
           VALUES ($1, $2, $3, $4, $5) RETURNING id AS "id: RegionKeyIndustryId""#,
        region.0,
        cycle.0,
        input.name.as_str(),
        &input.divisions,
        by.0
    )
    .fetch_one(&mut *tx)
    .await?;
    #[derive(serde::Serialize)]
    struct Added<'a> {
        name: &'a str,
        divisions: &'a [String],
    }
    let event = Event::new(Action::KeyIndustryCreate)
        .object("region_key_industry", id)
        .created(&Added { name: input.name.as_str(), divisions: &input.divisions });
    audit::record(&mut tx, ctx, event).await?;
    tx.commit().await?;
    Ok(id)
}

/// A region's own key industry, if the actor's scope sees it: (region, name, divisions).
pub async fn find(
    pool: &PgPool,
    actor: DbActor,
    id: RegionKeyIndustryId,
) -> Result<Option<(RegionId, String, Vec<String>)>, sqlx::Error> {
    let Some(scope) = actor.scope.region_filter() else { return Ok(None) };
    let mut tx = db::begin(pool, actor).await?;
    let row = sqlx::query!(
        r#"SELECT region_id AS "region_id: RegionId", name, divisions FROM region_key_industries
           WHERE id = $1 AND ($2::bigint IS NULL OR region_id = $2)"#,
        id.0,
        scope
    )
    .fetch_optional(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(row.map(|r| (r.region_id, r.name, r.divisions)))
}

/// Removes a region's own key industry, unless a plan covers it.
pub async fn delete(
    pool: &PgPool,
    actor: DbActor,
    ctx: &AuditContext,
    id: RegionKeyIndustryId,
) -> Result<(), WriteError> {
    let Some(scope) = actor.scope.region_filter() else { return Err(WriteError::NotFound) };
    let mut tx = db::begin(pool, actor).await?;
    let used = sqlx::query_scalar!(
        r#"SELECT EXISTS (SELECT FROM plan_key_industries WHERE industry = 'region:' || $1::bigint) AS "used!""#,
        id.0
    )
    .fetch_one(&mut *tx)
    .await?;
    if used {
        return Err(WriteError::refused("该重点行业已写入实施方案，不能删除"));
    }
    let gone = sqlx::query!(
        "DELETE FROM region_key_industries WHERE id = $1 AND ($2::bigint IS NULL OR region_id = $2) RETURNING name",
        id.0,
        scope
    )
    .fetch_optional(&mut *tx)
    .await?
    .ok_or(WriteError::NotFound)?;
    let event = Event::new(Action::KeyIndustryDelete).object("region_key_industry", id).detail(gone.name);
    audit::record(&mut tx, ctx, event).await?;
    tx.commit().await?;
    Ok(())
}
