//! `/healthz` (the process is up) and `/readyz` (the database answers), for load balancers and
//! orchestrators. Plain text, no session, no database connection held for long.

use axum::Extension;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};

use super::middleware::OwnBody;
use crate::state::AppState;

pub async fn healthz() -> impl IntoResponse {
    (StatusCode::OK, [(header::CONTENT_TYPE, "text/plain; charset=utf-8")], "ok")
}

pub async fn readyz(State(state): State<AppState>) -> Response {
    let text = [(header::CONTENT_TYPE, "text/plain; charset=utf-8")];
    match sqlx::query_scalar!("SELECT 1").fetch_one(&state.pool).await {
        Ok(_) => (StatusCode::OK, text, "ready").into_response(),
        Err(e) => {
            tracing::warn!(error = %e, "not ready: database unreachable");
            (StatusCode::SERVICE_UNAVAILABLE, text, Extension(OwnBody), "database unavailable").into_response()
        }
    }
}
