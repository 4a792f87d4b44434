//! What the outer layers learn about a request and hand inwards as plain values in its
//! extensions: its id, the client's address, and who is signed in. Pages, the audit writer and
//! the extractors read these; none of them needs to know how they were found out.

use std::net::IpAddr;

use axum::http::Extensions;

use crate::org::{AccountId, DepartmentKind, Region, RegionId, Role};

/// The request's id (`x-request-id`), set by the outermost layer.
#[derive(Clone, Debug, Default)]
pub struct RequestId(pub String);

/// The client's address, settled once by the session layer (behind a trusted proxy, the
/// address the proxy reports).
#[derive(Clone, Copy, Debug, Default)]
pub struct ClientIp(pub Option<IpAddr>);

/// A signed-in person, as pages and the audit log name them.
#[derive(Clone, Debug)]
pub struct Person {
    pub id: AccountId,
    pub username: String,
    pub display_name: String,
    pub role: Option<Role>,
    pub region: Option<Region>,
    pub department: Option<DepartmentKind>,
}

impl Person {
    pub fn region_id(&self) -> Option<RegionId> {
        self.region.as_ref().map(|r| r.id)
    }
}

/// Who is looking at the page: a person or nobody, with the session's CSRF token for the page's
/// forms. Set by the session layer on every request it handles, and on its response, so the
/// error pages further out can draw the same frame.
#[derive(Clone, Debug, Default)]
pub struct Viewer {
    pub person: Option<Person>,
    pub csrf_token: String,
    /// Days until the password expires, when within the warning period.
    pub password_expires_in_days: Option<i64>,
}

impl Viewer {
    pub fn from_extensions(extensions: &Extensions) -> Viewer {
        extensions.get::<Viewer>().cloned().unwrap_or_default()
    }
}

impl RequestId {
    pub fn from_extensions(extensions: &Extensions) -> Option<String> {
        extensions.get::<RequestId>().map(|r| r.0.clone())
    }
}

impl ClientIp {
    pub fn from_extensions(extensions: &Extensions) -> Option<IpAddr> {
        extensions.get::<ClientIp>().and_then(|c| c.0)
    }
}

/// The reference data version the session lookup read (see `reference`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ReferenceVersion(pub i64);
