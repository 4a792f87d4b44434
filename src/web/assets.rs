//! Static assets under `/static`: our CSS and images, and vendored libraries. Vendored files
//! carry their version in the path, so browsers may keep them for a year; ours are revalidated.

use axum::Router;
use axum::extract::Request;
use axum::http::{HeaderValue, header};
use axum::middleware::{self, Next};
use axum::response::Response;
use tower_http::services::ServeDir;

use crate::state::AppState;

pub fn routes(state: &AppState) -> Router<AppState> {
    let files = ServeDir::new(&state.settings.static_dir);
    Router::new().nest_service("/static", files).layer(middleware::from_fn(cache_policy))
}

async fn cache_policy(req: Request, next: Next) -> Response {
    let vendored = req.uri().path().starts_with("/static/vendor/");
    let mut response = next.run(req).await;
    if response.status().is_success() || response.status().as_u16() == 304 {
        let policy = if vendored { "public, max-age=31536000, immutable" } else { "no-cache" };
        response.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static(policy));
    }
    response
}
