//! The shapes of what the store reads of a region's records for a year, apart from the rules
//! that turn them into figures: the instance's cache (`cache`, held by the application state)
//! keeps them without depending on any feature.

use rust_decimal::Decimal;

use crate::org::Region;

/// What the store reads of a region's records for a year (one row per region).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Raw {
    pub plan: Option<(i64, String)>,
    /// The roster's id, status and whether its last save found it complete.
    pub roster: Option<(i64, String, bool)>,
    pub meetings: i64,
    pub items_done: i64,
    pub items_overdue: i64,
    pub inspections: i64,
    pub findings: i64,
    pub findings_closed: i64,
    pub findings_rectified: i64,
    pub findings_overdue: i64,
    pub notices: i64,
    /// The prior year's premium income, the rate in force, and the budget if approved.
    pub fee_income: Option<Decimal>,
    pub fee_rate: Decimal,
    pub fee_budget: Option<Decimal>,
    pub fee_allocated: Decimal,
    pub fee_committed: Decimal,
    pub fee_released: Decimal,
    pub fee_paid: Decimal,
    /// Applications of the year's rounds by status (drafts left out).
    pub projects: Vec<(String, i64)>,
    /// Per key-position category: required, trained, capped (the region's key industries).
    pub training: Vec<(String, i64, i64, i64)>,
    pub publicity: i64,
    pub schools: i64,
    pub schools_running: i64,
    /// Injuries and insured workers of the year, and of the cycle's base year.
    pub statistics: Option<(i64, i64)>,
    pub base_statistics: Option<(i64, i64)>,
    /// Findings of any year open today, and those of them past their deadline (the home
    /// pages show them; the report counts the year's).
    pub findings_open_now: i64,
    pub findings_overdue_now: i64,
}

/// Where the records behind a region's figures are: its plan and roster of the cycle.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Records {
    pub plan: Option<i64>,
    pub roster: Option<i64>,
}

/// A region's records for a year, as `raw_figures` read them.
#[derive(Clone, Debug)]
pub struct RegionRaw {
    pub region: Region,
    pub records: Records,
    pub raw: Raw,
    /// The region's figures version the rows were read at (`cache`).
    pub version: i64,
}
