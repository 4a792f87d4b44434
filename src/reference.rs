//! Reference data each instance keeps in memory: the regions and the five-year cycles (with
//! their tasks and departments). They change seldom, only on the province's own pages, and are
//! read on most pages, where a statement each would be paid on every view.
//!
//! Freshness costs nothing extra: a trigger raises `reference_version` on any change, the
//! session lookup that every signed-in request makes reads it (`ReferenceVersion` in the
//! request), and the cache reloads when it is behind, whichever instance made the change.

use std::sync::{Arc, RwLock};

use axum::extract::{FromRef, FromRequestParts};
use axum::http::request::Parts;
use sqlx::PgPool;

use crate::cycles::model::Cycle;
use crate::cycles::store as cycle_store;
use crate::db::Scope;
use crate::error::AppError;
use crate::industries::model::{Division, RiskClass};
use crate::industries::store as industry_store;
use crate::org::{GroupRole, Region};
use crate::regions;
use crate::request::ReferenceVersion;

/// The reference data as of one version.
#[derive(Debug)]
pub struct Reference {
    pub version: i64,
    /// The province first, then the cities in file order.
    pub regions: Vec<Region>,
    /// Oldest first.
    pub cycles: Vec<Cycle>,
    /// The roles of a leading group, in their order.
    pub group_roles: Vec<GroupRole>,
    /// Every GB/T 4754-2017 division with its risk class, by code.
    pub divisions: Vec<Division>,
    /// The risk classes 1–8 with base rates and grades.
    pub risk_classes: Vec<RiskClass>,
}

impl Reference {
    pub fn region_by_code(&self, code: &str) -> Option<&Region> {
        self.regions.iter().find(|r| r.code == code)
    }

    pub fn division(&self, code: &str) -> Option<&Division> {
        self.divisions.binary_search_by(|d| d.code.as_str().cmp(code)).ok().and_then(|i| self.divisions.get(i))
    }

    /// A leading-group role's name (its key when it is no longer in the list).
    pub fn group_role_name<'a>(&'a self, key: &'a str) -> &'a str {
        self.group_roles.iter().find(|r| r.key == key).map_or(key, |r| r.name.as_str())
    }

    /// The regions a scope may filter by: every region for the province, else the actor's own.
    pub fn regions_visible_to(&self, scope: Scope, own: Option<&Region>) -> Vec<Region> {
        match scope {
            Scope::Province => self.regions.clone(),
            Scope::Region(_) => own.into_iter().cloned().collect(),
            Scope::Assigned | Scope::Nothing => Vec::new(),
        }
    }
}

/// The instance's copy, replaced whole when a newer version is seen.
#[derive(Default)]
pub struct ReferenceCache {
    current: RwLock<Option<Arc<Reference>>>,
}

impl ReferenceCache {
    /// The reference data at least as new as `seen` (the version the request's session lookup
    /// read); without one (no session), whatever is held, else freshly loaded.
    pub async fn at_least(&self, pool: &PgPool, seen: Option<i64>) -> Result<Arc<Reference>, sqlx::Error> {
        let held = self.current.read().ok().and_then(|c| c.clone());
        if let Some(held) = held.filter(|h| seen.is_none_or(|v| h.version >= v)) {
            return Ok(held);
        }
        let loaded = Arc::new(load(pool).await?);
        if let Ok(mut current) = self.current.write() {
            // Two requests may load at once: keep the newer.
            if current.as_ref().is_none_or(|c| c.version < loaded.version) {
                *current = Some(loaded.clone());
            }
        }
        Ok(loaded)
    }
}

/// The roles of a leading group, in their order (the demo reads them too, before any request).
pub async fn group_roles(db: impl sqlx::PgExecutor<'_>) -> Result<Vec<GroupRole>, sqlx::Error> {
    sqlx::query_as!(GroupRole, "SELECT key, name FROM group_roles ORDER BY position, key").fetch_all(db).await
}

/// The version and the data, read in one snapshot so they belong together (background jobs,
/// which have no request, read them here too).
pub async fn load(pool: &PgPool) -> Result<Reference, sqlx::Error> {
    let mut tx = pool.begin_with("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY").await?;
    let version =
        sqlx::query_scalar!("SELECT version FROM reference_version WHERE singleton").fetch_one(&mut *tx).await?;
    let regions = regions::store::list(&mut *tx).await?;
    let cycles = cycle_store::all(&mut tx).await?;
    let group_roles = group_roles(&mut *tx).await?;
    let mut divisions = industry_store::divisions(&mut tx).await?;
    // `division` looks codes up by binary search, in byte order whatever the collation.
    divisions.sort_by(|a, b| a.code.cmp(&b.code));
    let risk_classes = industry_store::risk_classes(&mut tx).await?;
    tx.commit().await?;
    Ok(Reference { version, regions, cycles, group_roles, divisions, risk_classes })
}

/// The request's reference data, as an extractor.
pub struct Ref(pub Arc<Reference>);

impl<S> FromRequestParts<S> for Ref
where
    S: Send + Sync,
    PgPool: FromRef<S>,
    Arc<ReferenceCache>: FromRef<S>,
{
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let seen = parts.extensions.get::<ReferenceVersion>().map(|v| v.0);
        let cache = Arc::<ReferenceCache>::from_ref(state);
        Ok(Ref(cache.at_least(&PgPool::from_ref(state), seen).await?))
    }
}
