//! The regions' figures each instance keeps, so that the province's home page and year
//! overview do not count a dozen tables over fifteen regions on every view.
//!
//! Freshness is exact, not timed: every statement that writes a row the figures read raises
//! its region's counter in `region_figures_versions` (migration 0057), in the writer's own
//! transaction. A page reads the counters of the regions in its scope (one small statement),
//! takes the figures it holds at those counters, and counts live only the regions whose
//! counter moved, which it then keeps. A change made through any instance shows on the next
//! view. Figures also depend on the day (what is overdue) and on the reference data (cycles,
//! key industries), so both are part of what an entry was computed for.

use std::collections::HashMap;
use std::sync::RwLock;

use chrono::NaiveDate;
use sqlx::PgConnection;

use super::store::{RegionRaw, raw_figures};
use crate::cycles::{Cycle, CycleId};
use crate::org::RegionId;

/// Beyond this many entries (regions × years asked for) the cache starts afresh; a handful of
/// years per region is the normal working set.
const MOST_ENTRIES: usize = 512;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
struct Key {
    region: RegionId,
    year: i32,
    cycle: CycleId,
}

/// What an entry was computed at; it is good only while all three are the same.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Stamp {
    version: i64,
    reference_version: i64,
    today: NaiveDate,
}

/// The instance's figures by region and year.
#[derive(Default)]
pub struct FiguresCache {
    held: RwLock<HashMap<Key, (Stamp, RegionRaw)>>,
}

impl FiguresCache {
    fn get(&self, key: &Key, stamp: Stamp) -> Option<RegionRaw> {
        let held = self.held.read().ok()?;
        held.get(key).filter(|(s, _)| *s == stamp).map(|(_, raw)| raw.clone())
    }

    fn keep(&self, key: Key, stamp: Stamp, raw: RegionRaw) {
        if let Ok(mut held) = self.held.write() {
            if held.len() >= MOST_ENTRIES && !held.contains_key(&key) {
                held.clear();
            }
            held.insert(key, (stamp, raw));
        }
    }
}

/// What is asked: a year's figures under its cycle, as of a day and a reference version.
#[derive(Clone, Copy, Debug)]
pub struct Asked<'a> {
    pub year: i32,
    pub cycle: &'a Cycle,
    pub today: NaiveDate,
    /// The reference data's version the request works with (`Reference::version`).
    pub reference_version: i64,
}

/// Every region in the transaction's scope (or `region` alone, when in scope), province first,
/// with its figures: held ones where the region's counter has not moved, else counted now.
/// Two statements when anything moved, one otherwise.
pub async fn figures(
    tx: &mut PgConnection,
    cache: &FiguresCache,
    asked: Asked<'_>,
    region: Option<RegionId>,
) -> Result<Vec<RegionRaw>, sqlx::Error> {
    let versions = sqlx::query!(
        r#"SELECT r.id AS "region_id!: RegionId", coalesce(v.version, 0) AS "version!"
           FROM regions r LEFT JOIN region_figures_versions v ON v.region_id = r.id
           WHERE app_region_visible(r.id) AND ($1::bigint IS NULL OR r.id = $1)
           ORDER BY r.level = 'city', r.sort_order, r.code"#,
        region.map(|r| r.0)
    )
    .fetch_all(&mut *tx)
    .await?;
    let key = |region| Key { region, year: asked.year, cycle: asked.cycle.id };
    let stamp = |version| Stamp { version, reference_version: asked.reference_version, today: asked.today };
    let mut found: Vec<Option<RegionRaw>> =
        versions.iter().map(|v| cache.get(&key(v.region_id), stamp(v.version))).collect();
    let stale: Vec<RegionId> =
        versions.iter().zip(&found).filter(|(_, held)| held.is_none()).map(|(v, _)| v.region_id).collect();
    if !stale.is_empty() {
        let counted = raw_figures(tx, asked.year, asked.cycle, Some(&stale), asked.today).await?;
        for raw in counted {
            // Kept at the counter read with the rows, which may be newer than the one above.
            cache.keep(key(raw.region.id), stamp(raw.version), raw.clone());
            if let Some(slot) = versions.iter().position(|v| v.region_id == raw.region.id) {
                found[slot] = Some(raw);
            }
        }
    }
    Ok(found.into_iter().flatten().collect())
}
