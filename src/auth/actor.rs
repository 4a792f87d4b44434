//! The `Actor` extractor: who is acting, from the server-side session. It holds no database
//! connection, so a slow upload or a long render never pins one.

use axum::extract::FromRequestParts;
use axum::http::request::Parts;

use crate::access::Permission;
use crate::db::DbActor;
use crate::error::AppError;
use crate::org::{AccountId, DepartmentKind, Region, Role};
use crate::request::Viewer;

#[derive(Clone, Debug)]
pub struct Actor {
    pub account_id: AccountId,
    pub username: String,
    pub display_name: String,
    pub role: Role,
    pub region: Option<Region>,
    pub department: Option<DepartmentKind>,
}

impl Actor {
    /// Whom the actor's database transactions work for (their row-level-security scope).
    pub fn db(&self) -> DbActor {
        DbActor::new(self.role.scope(self.region.as_ref().map(|r| r.id)), Some(self.account_id))
    }

    pub fn may(&self, permission: Permission) -> bool {
        self.role.may(permission)
    }
}

impl<S: Send + Sync> FromRequestParts<S> for Actor {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        let person = Viewer::from_extensions(&parts.extensions).person.ok_or(AppError::SignInRequired)?;
        let role = person.role.ok_or(AppError::Forbidden)?;
        Ok(Actor {
            account_id: person.id,
            username: person.username,
            display_name: person.display_name,
            role,
            region: person.region,
            department: person.department,
        })
    }
}
