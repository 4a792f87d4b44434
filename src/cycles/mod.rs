//! Five-year plan cycles (五年行动计划周期): data seeded from the province file.

pub mod model;
pub mod store;

pub use model::CycleSummary;
