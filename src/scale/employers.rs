//! Employers for every region: 20,000 at N = 1 (沈阳 4,000, 大连 3,500, 省本级 500, 1,000 in each
//! other city), N times that at N, in batches of 5,000 through one UNNEST insert each.

use sqlx::PgPool;

use super::Rng;
use super::accounts::regions;
use crate::db::{self, DbActor, Scope};
use crate::employers::sample::Sample;
use crate::employers::store;
use crate::org::RegionId;

const PROVINCE: DbActor = DbActor { scope: Scope::Province, account_id: None };
const BATCH: u64 = 5_000;

pub async fn generate(owner: &PgPool, n: u32, rng: &mut Rng) -> anyhow::Result<u64> {
    let mut sample = Sample::new(rng.next_u64());
    let names: Vec<(String, String)> = sqlx::query!("SELECT code, name FROM regions ORDER BY sort_order, id")
        .fetch_all(owner)
        .await?
        .into_iter()
        .map(|r| (r.code, r.name))
        .collect();
    let mut written = 0;
    for region in regions(owner).await? {
        let per_n: u64 = match region.code.as_str() {
            "210100" => 4_000,
            "210200" => 3_500,
            "210000" => 500,
            _ => 1_000,
        };
        let total = per_n * u64::from(n);
        let name = names.iter().find(|(c, _)| *c == region.code).map(|(_, n)| n.clone()).unwrap_or_default();
        let mut from = 0;
        while from < total {
            let to = (from + BATCH).min(total);
            let rows: Vec<_> = (from..to).map(|i| sample.employer(&region.code, &name, i)).collect();
            let mut tx = db::begin(owner, PROVINCE).await?;
            written += store::insert_samples(&mut tx, RegionId(region.id), &rows).await?;
            tx.commit().await?;
            from = to;
        }
    }
    Ok(written)
}
