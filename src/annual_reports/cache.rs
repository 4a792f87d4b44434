//! The regions' figures each instance keeps, so that the province's home page and year
//! overview do not count a dozen tables over fifteen regions on every view.
//!
//! Freshness is exact, not timed: every statement that writes a row the figures read raises
//! its region's counter in `region_figures_versions` (migration 0057), in the writer's own
//! transaction. A page reads the counters of the regions in its scope (one small statement,
//! `store::kept_figures`), takes the figures held here at those counters, and counts live only
//! the regions whose counter moved, which it then keeps. A change made through any instance shows on the next
//! view. Figures also depend on the day (what is overdue) and on the reference data (cycles,
//! key industries), so both are part of what an entry was computed for.

use std::collections::HashMap;
use std::sync::RwLock;

use chrono::NaiveDate;

use super::raw::RegionRaw;
use crate::cycles::model::{Cycle, CycleId};
use crate::org::RegionId;

/// Beyond this many entries (regions × years asked for) the cache starts afresh; a handful of
/// years per region is the normal working set.
const MOST_ENTRIES: usize = 512;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(super) struct Key {
    pub(super) region: RegionId,
    pub(super) year: i32,
    pub(super) cycle: CycleId,
}

/// What an entry was computed at; it is good only while all three are the same.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct Stamp {
    pub(super) version: i64,
    pub(super) reference_version: i64,
    pub(super) today: NaiveDate,
}

/// The instance's figures by region and year.
#[derive(Default)]
pub struct FiguresCache {
    held: RwLock<HashMap<Key, (Stamp, RegionRaw)>>,
}

impl FiguresCache {
    pub(super) fn get(&self, key: &Key, stamp: Stamp) -> Option<RegionRaw> {
        let held = self.held.read().ok()?;
        held.get(key).filter(|(s, _)| *s == stamp).map(|(_, raw)| raw.clone())
    }

    pub(super) fn keep(&self, key: Key, stamp: Stamp, raw: RegionRaw) {
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
