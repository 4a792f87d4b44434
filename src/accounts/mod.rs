//! Accounts: who may sign in, with which role, in which region and department.

pub mod commands;
pub mod model;
pub mod store;

pub use model::{AccountId, NewAccount, Username};
