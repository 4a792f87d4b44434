//! The one integration-test binary: the real application over HTTP against a real PostgreSQL.

mod support;

mod access;
mod admins;
mod applicants;
mod attachments;
mod auditor;
mod auth;
mod catalog;
mod cli;
mod cluster;
mod demo;
mod departments;
mod employers;
mod experts;
mod export;
mod http;
mod identity;
mod imports;
mod industries;
mod layout;
mod meetings;
mod operations;
mod panels;
mod plans;
mod project_rounds;
mod projects;
mod province;
mod rls;
mod rosters;
mod scale;
mod second_factor;
mod statements;
