//! Departments (成员单位) of a region: HRSS, the partner departments of the joint mechanism,
//! and the social insurance agency.

pub mod model;

pub use model::{DepartmentId, DepartmentKind};
