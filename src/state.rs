use std::sync::Arc;

use sqlx::PgPool;

use crate::auth::ratelimit::LoginRateLimiter;
use crate::config::Settings;
use crate::province::Province;

/// What every handler can reach. Cheap to clone; holds no per-user state, so any number of
/// instances can serve side by side.
#[derive(Clone)]
pub struct AppState {
    /// Connected as the runtime role `prevention_app`.
    pub pool: PgPool,
    pub settings: Arc<Settings>,
    pub province: Arc<Province>,
    /// Demo mode: the banner on every page, demo accounts exempt from the first-login change.
    pub demo: bool,
    /// Sign-in attempts per client address (per instance).
    pub login_limiter: Arc<LoginRateLimiter>,
}

impl AppState {
    pub fn new(pool: PgPool, settings: Settings, province: Province, demo: bool) -> AppState {
        AppState {
            pool,
            settings: Arc::new(settings),
            province: Arc::new(province),
            demo,
            login_limiter: Arc::new(LoginRateLimiter::default()),
        }
    }
}
