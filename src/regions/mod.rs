//! Regions: the tenants of the system (the provincial level and its cities).

pub mod model;
pub mod store;

pub use model::{Region, RegionId, RegionLevel};
