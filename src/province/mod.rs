//! The province file: reference data (regions, departments, key industries, plan cycles)
//! seeded into the database by key.

pub mod model;
pub mod store;

pub use model::{Province, ProvinceFileError, load};
