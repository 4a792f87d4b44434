//! 工伤预防管理平台: the work-injury prevention administration platform of a province and its
//! cities. `router` builds the whole web application from an [`AppState`]; `server` runs it.

pub mod access;
pub mod accounts;
pub mod admin;
pub mod audit;
pub mod auth;
pub mod config;
pub mod cycles;
pub mod db;
pub mod demo;
pub mod departments;
pub mod error;
pub mod home;
pub mod province;
pub mod regions;
pub mod server;
pub mod state;
pub mod telemetry;
pub mod web;

/// Prints a line for the person at the terminal; a closed stdout (a supervisor that stopped
/// reading) is not worth dying for, unlike `println!`.
#[macro_export]
macro_rules! say {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stdout(), $($arg)*);
    }};
}

use axum::Router;
use axum::middleware;
use axum::routing::{get, post};

pub use crate::error::AppError;
pub use crate::state::AppState;

/// Every route of the application, without the outer middleware. Each route's access is
/// declared in `access::ROUTES` and enforced by `auth::middleware::authorize`.
pub fn routes(state: &AppState) -> Router<AppState> {
    Router::new()
        .route("/", get(home::index))
        .route("/healthz", get(web::health::healthz))
        .route("/readyz", get(web::health::readyz))
        .route("/login", get(auth::login::show).post(auth::login::submit))
        .route("/logout", post(auth::login::logout))
        .route("/account/password", get(auth::account::show).post(auth::account::change))
        .route("/account/totp", get(auth::second_factor::show_enrolment).post(auth::second_factor::enrol))
        .route("/account/totp/start", post(auth::second_factor::start_enrolment))
        .route("/login/totp", get(auth::second_factor::show_code).post(auth::second_factor::check_code))
        .merge(departments::routes())
        .merge(admin::routes())
        .route_layer(middleware::from_fn_with_state(state.clone(), auth::middleware::authorize))
        .merge(web::assets::routes(state))
        .fallback(|| async { AppError::NotFound })
}

/// The application as served: every route inside the full middleware stack.
pub fn router(state: AppState) -> Router {
    web::with_middleware(routes(&state), state)
}
