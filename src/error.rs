//! `AppError`: every way a request can fail, turned into a Chinese error page (rendered by
//! `web::render_error_pages`, which knows the request id) and a log line.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("not found")]
    NotFound,
    #[error("forbidden")]
    Forbidden,
    #[error("database unavailable: {0}")]
    Unavailable(sqlx::Error),
    #[error("database error: {0}")]
    Database(sqlx::Error),
    #[error("template error: {0}")]
    Render(#[from] askama::Error),
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

impl From<sqlx::Error> for AppError {
    fn from(e: sqlx::Error) -> Self {
        match e {
            sqlx::Error::PoolTimedOut | sqlx::Error::PoolClosed | sqlx::Error::Io(_) => {
                AppError::Unavailable(e)
            }
            e => AppError::Database(e),
        }
    }
}

/// Marks a response whose body is to be replaced by the standard error page.
#[derive(Clone, Copy, Debug)]
pub struct ErrorPage;

impl AppError {
    pub fn status(&self) -> StatusCode {
        match self {
            AppError::NotFound => StatusCode::NOT_FOUND,
            AppError::Forbidden => StatusCode::FORBIDDEN,
            AppError::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
            AppError::Database(_) | AppError::Render(_) | AppError::Internal(_) => {
                StatusCode::INTERNAL_SERVER_ERROR
            }
        }
    }
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        let status = self.status();
        // Runs inside the request's span, so the line carries the request id. The details stay
        // in the log; the page shows none of them.
        match &self {
            AppError::NotFound | AppError::Forbidden => tracing::info!(%status, "refused"),
            AppError::Unavailable(e) => tracing::warn!(error = %e, "database unavailable"),
            e => tracing::error!(error = ?e, "request failed"),
        }
        let mut response = status.into_response();
        response.extensions_mut().insert(ErrorPage);
        response
    }
}
