//! Shared web pieces: the layers every response passes through, the page frame, flash
//! messages, forms, pagination, the Excel export, static assets and the health endpoints.

pub mod assets;
pub mod chart;
pub mod client;
pub mod confirm;
pub mod cookies;
pub mod deadline;
pub mod export;
pub mod flash;
pub mod form;
pub mod health;
pub mod layout;
pub mod middleware;
pub mod once;
pub mod pagination;
pub mod print;
pub mod workdir;

use askama::Template;
use axum::response::{Html, IntoResponse, Response};

use crate::error::AppError;

/// A page as the answer to a request. Rendered here, so that a template error reaches the error
/// page and the log like any other failure.
pub fn render(page: impl Template) -> Result<Response, AppError> {
    Ok(Html(page.render()?).into_response())
}
