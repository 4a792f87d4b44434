//! Injury statistics at scale: every city's figures for every province key industry from 2020
//! to this year (a few hundred rows whatever N: the figures exist once per city, year and
//! industry), in one INSERT … SELECT. Rates between about 1.2‰ and 2.6‰, some cities falling
//! faster than the 2021–2025 target asks and some not, so both marks show.

use sqlx::PgPool;

use crate::db::{self, DbActor, Scope};

const PROVINCE: DbActor = DbActor { scope: Scope::Province, account_id: None };

/// Writes the rows; how many.
pub async fn generate(owner: &PgPool) -> anyhow::Result<u64> {
    let mut tx = db::begin(owner, PROVINCE).await?;
    let written = sqlx::query!(
        "INSERT INTO injury_statistics (region_id, year, industry, insured, injuries, deaths, disease_cases,
                                        updated_by_name)
         SELECT r.id, y, k.key, f.insured, f.injuries, f.injuries / 45, f.insured / 25000 + (r.sort_order + y) % 3,
                '规模数据'
         FROM regions r
         CROSS JOIN key_industries k
         CROSS JOIN generate_series(2020, extract(year FROM current_date)::int) y
         CROSS JOIN LATERAL (
             SELECT 30000 + ((r.sort_order * 7 + k.sort_order * 13) % 11) * 9000 AS base,
                    1200 + ((r.sort_order + k.sort_order) % 8) * 200 AS rate,
                    CASE WHEN r.sort_order % 2 = 0 THEN 6 ELSE 2 END AS fall
         ) b
         CROSS JOIN LATERAL (
             SELECT b.base * (100 + y - 2020) / 100 AS insured,
                    ((b.base * (100 + y - 2020) / 100)::bigint * b.rate * greatest(100 - b.fall * (y - 2020), 40)
                        / 100000000)::int AS injuries
         ) f
         WHERE r.level = 'city'"
    )
    .execute(&mut *tx)
    .await?
    .rows_affected();
    tx.commit().await?;
    Ok(written)
}
