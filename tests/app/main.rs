//! The one integration-test binary: the real application over HTTP against a real PostgreSQL.

mod support;

mod catalog;
mod cli;
mod cluster;
mod http;
mod province;
mod rls;
