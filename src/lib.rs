//! 工伤预防管理平台: the work-injury prevention administration platform of a province and its
//! cities. `router` builds the whole web application from an [`AppState`]; `server` runs it.
//!
//! The layers, from the bottom up: the organisation vocabulary (`org`), value types (`values`),
//! what the outer layers learn about a request (`request`) and `error` import nothing of ours;
//! then `config`, `db`, `access`, `audit`, `web`, `auth`; then the features, one folder each.
//! A module below the features never imports a feature.

#[macro_use]
pub mod macros;

pub mod acceptance;
pub mod access;
pub mod accounts;
pub mod agreements;
pub mod annual_reports;
pub mod applicants;
pub mod approvals;
pub mod attachments;
pub mod audit;
pub mod auth;
pub mod calendar;
pub mod config;
pub mod cycles;
pub mod db;
pub mod demo;
pub mod departments;
pub mod employers;
pub mod error;
pub mod experts;
pub mod fee;
pub mod floating_rates;
pub mod home;
pub mod import;
pub mod industries;
pub mod inspections;
pub mod jobs;
pub mod key_industries;
pub mod meetings;
pub mod notices;
pub mod org;
pub mod organisations;
pub mod plans;
pub mod progress;
pub mod project_rounds;
pub mod projects;
pub mod province;
pub mod publicity;
pub mod ratelimit;
pub mod reference;
pub mod regions;
pub mod request;
pub mod resources;
pub mod reviews;
pub mod rosters;
pub mod scale;
pub mod schools;
pub mod security;
pub mod server;
pub mod state;
pub mod statistics;
pub mod supervision;
pub mod telemetry;
pub mod trail;
pub mod training;
pub mod values;
pub mod web;
pub mod workflow;

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
use axum::extract::DefaultBodyLimit;
use axum::middleware::from_fn_with_state;
use axum::routing::{get, post};
use tower::ServiceBuilder;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::trace::{DefaultOnResponse, TraceLayer};

pub use crate::error::AppError;
pub use crate::state::AppState;

/// Every route of the application, without the outer layers. Each route's access is declared
/// in `access::ROUTES` and enforced by `auth::middleware::authorize`.
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
        .merge(cycles::routes())
        .merge(calendar::routes())
        .merge(key_industries::routes())
        .merge(plans::routes())
        .merge(rosters::routes())
        .merge(meetings::routes())
        .merge(industries::routes())
        .merge(employers::routes())
        .merge(project_rounds::routes())
        .merge(applicants::routes())
        .merge(projects::routes())
        .merge(reviews::routes())
        .merge(approvals::routes())
        .merge(agreements::routes())
        .merge(progress::routes())
        .merge(acceptance::routes())
        .merge(supervision::routes())
        .merge(fee::routes())
        .merge(organisations::routes())
        .merge(schools::routes())
        .merge(publicity::routes())
        .merge(notices::routes())
        .merge(annual_reports::routes())
        .merge(floating_rates::routes())
        .merge(floating_rates::tables::routes())
        .merge(inspections::routes())
        .merge(statistics::routes())
        .merge(training::routes())
        .merge(experts::routes())
        .merge(departments::routes())
        .merge(accounts::routes())
        .merge(security::routes())
        .merge(audit::pages::routes())
        .route_layer(from_fn_with_state(state.clone(), auth::middleware::authorize))
        .merge(web::assets::routes(state))
        .fallback(|| async { AppError::NotFound })
}

/// The application as served: every route inside the full stack of layers.
pub fn router(state: AppState) -> Router {
    with_middleware(routes(&state), state)
}

/// Wraps `routes` in the layers every request passes, listed in the order a request meets them
/// (the first is the outermost).
pub fn with_middleware(routes: Router<AppState>, state: AppState) -> Router {
    let settings = state.settings.clone();
    let layers = ServiceBuilder::new()
        // An id for every request (a trusted proxy's, or our own), in every log line.
        .layer(from_fn_with_state(state.clone(), web::middleware::assign_request_id))
        .layer(
            TraceLayer::new_for_http()
                .make_span_with(web::middleware::request_span)
                .on_response(DefaultOnResponse::new().level(tracing::Level::INFO)),
        )
        // SECURITY.md "Responses": on every answer, error pages included.
        .layer(from_fn_with_state(state.clone(), web::middleware::security_headers))
        // Any 4xx/5xx without a page of its own gets the Chinese error page.
        .layer(from_fn_with_state(state.clone(), web::middleware::render_error_pages))
        // body_limit_bytes for every body; upload routes take a file's worth more.
        .layer(from_fn_with_state(state.clone(), web::middleware::body_limit))
        .layer(from_fn_with_state(state.clone(), web::middleware::time_limit))
        // A NUL character in a query or form: refused before any handler binds it.
        .layer(axum::middleware::from_fn(web::middleware::refuse_nul))
        // The session, the client's address and CSRF on unsafe methods.
        .layer(from_fn_with_state(state.clone(), auth::middleware::sessions))
        .layer(CatchPanicLayer::custom(web::middleware::panic_response))
        .layer(DefaultBodyLimit::max(settings.body_limit_bytes));
    routes.layer(layers).with_state(state)
}
