use std::sync::Arc;

use sqlx::PgPool;

use crate::annual_reports::cache::FiguresCache;
use crate::config::Settings;
use crate::province::Province;
use crate::ratelimit::LoginRateLimiter;
use crate::reference::ReferenceCache;

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
    /// The key that signs the login form's CSRF token (from `server_secrets`, the same for
    /// every instance).
    pub prelogin_key: Arc<[u8]>,
    /// Regions and cycles, kept in memory (see `reference`).
    pub reference: Arc<ReferenceCache>,
    /// The regions' figures, kept while their records do not change (see
    /// `annual_reports::cache`).
    pub figures: Arc<FiguresCache>,
}

impl axum::extract::FromRef<AppState> for PgPool {
    fn from_ref(state: &AppState) -> PgPool {
        state.pool.clone()
    }
}

impl axum::extract::FromRef<AppState> for Arc<ReferenceCache> {
    fn from_ref(state: &AppState) -> Arc<ReferenceCache> {
        state.reference.clone()
    }
}

impl AppState {
    /// The state of a server on `pool`, with the keys it needs read from the database.
    pub async fn load(
        pool: PgPool,
        settings: Settings,
        province: Province,
        demo: bool,
    ) -> Result<AppState, sqlx::Error> {
        let prelogin_key =
            sqlx::query_scalar!("SELECT secret FROM server_secrets WHERE name = 'prelogin'").fetch_one(&pool).await?;
        Ok(AppState {
            pool,
            settings: Arc::new(settings),
            province: Arc::new(province),
            demo,
            login_limiter: Arc::new(LoginRateLimiter::default()),
            prelogin_key: Arc::from(prelogin_key),
            reference: Arc::new(ReferenceCache::default()),
            figures: Arc::new(FiguresCache::default()),
        })
    }
}
