//! `AppError`: every way a request can fail, turned into a Chinese error page (drawn by
//! `web::middleware::render_error_pages`, which knows the request id) and a log line; and
//! `WriteError`, what a store's write can answer, which handlers pass on with `?`. A leaf: it
//! imports nothing of ours.

use std::borrow::Cow;

use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};

/// Why a store's write did not happen.
#[derive(Debug, thiserror::Error)]
pub enum WriteError {
    /// The record is missing, or outside the actor's scope (which must not be told apart).
    #[error("not found")]
    NotFound,
    /// The edit started from an older version of the record (optimistic locking).
    #[error("stale version")]
    Stale,
    /// A unique key refused it; the constraint's name says which.
    #[error("duplicate key ({0})")]
    Duplicate(String),
    /// A rule refused it; the message is for the user, in Chinese.
    #[error("{0}")]
    Refused(Cow<'static, str>),
    #[error("database error: {0}")]
    Database(sqlx::Error),
    /// Something that is not the user's doing (a password hash that failed, say).
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

impl WriteError {
    pub fn refused(message: impl Into<Cow<'static, str>>) -> WriteError {
        WriteError::Refused(message.into())
    }

    /// Whether a unique key named `constraint` refused the write.
    pub fn is_duplicate(&self, constraint: &str) -> bool {
        matches!(self, WriteError::Duplicate(c) if c == constraint)
    }
}

impl From<sqlx::Error> for WriteError {
    fn from(e: sqlx::Error) -> Self {
        if let sqlx::Error::Database(db) = &e
            && db.code().as_deref() == Some("23505")
        {
            return WriteError::Duplicate(db.constraint().unwrap_or_default().to_string());
        }
        WriteError::Database(e)
    }
}

impl From<WriteError> for AppError {
    fn from(e: WriteError) -> Self {
        match e {
            WriteError::NotFound => AppError::NotFound,
            WriteError::Stale => AppError::Conflict,
            WriteError::Duplicate(constraint) => {
                AppError::Refused(format!("与已有记录重复（{constraint}），未保存。").into())
            }
            WriteError::Refused(message) => AppError::Refused(message),
            WriteError::Database(e) => AppError::from(e),
            WriteError::Internal(e) => AppError::Internal(e),
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// Not signed in: off to the sign-in page.
    #[error("sign-in required")]
    SignInRequired,
    /// The role lacks the function.
    #[error("forbidden")]
    Forbidden,
    /// The synchronizer token or the request's origin did not check out.
    #[error("csrf check failed")]
    CsrfRejected,
    /// Missing, or outside the actor's scope (which must not be told apart).
    #[error("not found")]
    NotFound,
    /// An edit based on an old version of the record.
    #[error("stale edit")]
    Conflict,
    #[error("request body too large")]
    PayloadTooLarge,
    /// Too many sign-in attempts from one address.
    #[error("rate limited")]
    TooManyRequests,
    /// The path exists, but not for this method (or the method's route is undeclared).
    #[error("method not allowed")]
    MethodNotAllowed,
    /// A rule refused the request; the message says why, in Chinese.
    #[error("refused: {0}")]
    Refused(Cow<'static, str>),
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
        if is_unavailable(&e) { AppError::Unavailable(e) } else { AppError::Database(e) }
    }
}

/// The database is away, overloaded or took too long: worth a retry later (503), not a bug.
pub fn is_unavailable(e: &sqlx::Error) -> bool {
    match e {
        sqlx::Error::PoolTimedOut | sqlx::Error::PoolClosed | sqlx::Error::Io(_) => true,
        sqlx::Error::Database(db) => db.code().is_some_and(|code| {
            // 08: connection exception; 57P01–57P03: shutting down or not yet up; 53300: too
            // many connections; 57014: cancelled by the statement timeout.
            code.starts_with("08") || matches!(&*code, "57P01" | "57P02" | "57P03" | "53300" | "57014")
        }),
        _ => false,
    }
}

/// Marks a response whose body is to be replaced by the standard error page, optionally with a
/// more specific message than the status's own.
#[derive(Clone, Debug, Default)]
pub struct ErrorPage {
    pub message: Option<Cow<'static, str>>,
}

impl AppError {
    pub fn status(&self) -> StatusCode {
        match self {
            AppError::SignInRequired => StatusCode::SEE_OTHER,
            AppError::Forbidden | AppError::CsrfRejected => StatusCode::FORBIDDEN,
            AppError::NotFound => StatusCode::NOT_FOUND,
            AppError::Conflict => StatusCode::CONFLICT,
            AppError::PayloadTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            AppError::MethodNotAllowed => StatusCode::METHOD_NOT_ALLOWED,
            AppError::Refused(_) => StatusCode::UNPROCESSABLE_ENTITY,
            AppError::TooManyRequests => StatusCode::TOO_MANY_REQUESTS,
            AppError::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
            AppError::Database(_) | AppError::Render(_) | AppError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn message(&self) -> Option<Cow<'static, str>> {
        match self {
            AppError::CsrfRejected => Some("页面已过期或请求来源不明，请返回上一页刷新后重试。".into()),
            AppError::TooManyRequests => Some("登录尝试过于频繁，请一分钟后再试。".into()),
            AppError::Conflict => Some(
                "您编辑期间，这条记录已被他人修改。为避免覆盖他人的修改，本次内容未保存。请重新打开编辑页面，核对后再提交。"
                    .into(),
            ),
            AppError::Refused(message) => Some(message.clone()),
            _ => None,
        }
    }
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        if let AppError::SignInRequired = self {
            return (StatusCode::SEE_OTHER, [(header::LOCATION, "/login")]).into_response();
        }
        let status = self.status();
        // Runs inside the request's span, so the line carries the request id. The details stay
        // in the log; the page shows none of them.
        match &self {
            AppError::NotFound
            | AppError::Forbidden
            | AppError::CsrfRejected
            | AppError::Conflict
            | AppError::PayloadTooLarge
            | AppError::MethodNotAllowed
            | AppError::Refused(_)
            | AppError::TooManyRequests => {
                tracing::info!(%status, reason = %self, "refused")
            }
            AppError::Unavailable(e) => tracing::warn!(error = %e, "database unavailable"),
            e => tracing::error!(error = ?e, "request failed"),
        }
        let mut response = status.into_response();
        response.extensions_mut().insert(ErrorPage { message: self.message() });
        response
    }
}
