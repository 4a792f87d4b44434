//! What every page's frame shows: the top bar (user, role, region), the menu of the role,
//! breadcrumbs, the flash message, the demo banner, and the CSRF token for the frame's forms.

use axum::extract::{FromRef, FromRequestParts};
use axum::http::request::Parts;

use crate::access::{self, Decision, Requester};
use crate::request::Viewer;
use crate::state::AppState;
use crate::web::flash::Flash;

pub const VERSION: &str = env!("CARGO_PKG_VERSION");

#[derive(Clone, Debug)]
pub struct Layout {
    pub title: String,
    pub user: Option<LayoutUser>,
    pub menu: Vec<MenuEntry>,
    pub breadcrumbs: Vec<Crumb>,
    pub flash: Option<Flash>,
    pub csrf: String,
    pub demo: bool,
    pub version: &'static str,
    /// Days until the user's password expires, when within the warning period.
    pub password_expires_in_days: Option<i64>,
    /// Who is looking, for the links the page offers ([`Layout::offers`]).
    pub requester: Requester,
}

#[derive(Clone, Debug)]
pub struct LayoutUser {
    pub display_name: String,
    pub role_label: &'static str,
    pub region_name: String,
}

#[derive(Clone, Debug)]
pub struct MenuEntry {
    pub label: &'static str,
    pub href: &'static str,
    pub active: bool,
}

#[derive(Clone, Debug)]
pub struct Crumb {
    pub label: String,
    pub href: Option<String>,
}

impl Crumb {
    pub fn link(label: impl Into<String>, href: impl Into<String>) -> Crumb {
        Crumb { label: label.into(), href: Some(href.into()) }
    }

    pub fn here(label: impl Into<String>) -> Crumb {
        Crumb { label: label.into(), href: None }
    }
}

impl Layout {
    /// Whether the page offers a link to the route `pattern`, as `access::ROUTES` names it
    /// (`/projects/{id}/print`): only when the viewer's role passes the route's rule, so that
    /// no role is shown a link that answers 403. (A pattern not in the table is offered; the
    /// test `offered_links_name_declared_routes` keeps the templates' patterns real.)
    pub fn offers(&self, pattern: &str) -> bool {
        access::rule_for("GET", pattern).is_none_or(|rule| access::decide(rule, self.requester) == Decision::Allow)
    }

    /// A fresh one-time token (`web::once`) for a form the page draws from a shared partial
    /// (the upload form), whose page struct holds none of its own.
    pub fn fresh_form_token(&self) -> String {
        crate::web::once::new_token()
    }
}

/// The flash message brought by the request's cookie (set by the session middleware).
#[derive(Clone, Copy, Debug, Default)]
pub struct IncomingFlash(pub Option<Flash>);

/// Everything a page needs to draw its frame, taken from the request.
#[derive(Clone, Debug)]
pub struct Chrome {
    pub viewer: Viewer,
    pub flash: Option<Flash>,
    pub demo: bool,
    pub path: String,
}

impl<S> FromRequestParts<S> for Chrome
where
    AppState: FromRef<S>,
    S: Send + Sync,
{
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let state = AppState::from_ref(state);
        Ok(Chrome {
            viewer: Viewer::from_extensions(&parts.extensions),
            flash: parts.extensions.get::<IncomingFlash>().and_then(|f| f.0),
            demo: state.demo,
            path: parts.uri.path().to_string(),
        })
    }
}

impl Chrome {
    /// The frame of a page titled `title`, with breadcrumbs after 工作台.
    pub fn layout(&self, title: impl Into<String>, crumbs: Vec<Crumb>) -> Layout {
        let account = self.viewer.person.as_ref();
        let requester = match account {
            None => Requester::Anonymous,
            Some(a) => a.role.map(Requester::Role).unwrap_or(Requester::NoRole),
        };
        let menu = access::menu_for(requester)
            .map(|m| MenuEntry { label: m.label, href: m.href, active: is_active(m.href, &self.path) })
            .collect();
        let user = account.map(|a| LayoutUser {
            display_name: a.display_name.clone(),
            role_label: a.role.map(|r| r.label()).unwrap_or("未分配角色"),
            region_name: a.region.as_ref().map(|r| r.name.clone()).unwrap_or_default(),
        });
        let mut breadcrumbs = Vec::with_capacity(crumbs.len() + 1);
        if account.is_some() && !crumbs.is_empty() {
            breadcrumbs.push(Crumb::link("工作台", "/"));
        }
        breadcrumbs.extend(crumbs);
        Layout {
            title: title.into(),
            user,
            menu,
            breadcrumbs,
            flash: self.flash,
            csrf: self.viewer.csrf_token.clone(),
            demo: self.demo,
            version: VERSION,
            password_expires_in_days: self.viewer.password_expires_in_days,
            requester,
        }
    }
}

/// A menu entry is active on its own page and below it ("/" only on itself).
fn is_active(href: &str, path: &str) -> bool {
    if href == "/" { path == "/" } else { path == href || path.starts_with(&format!("{href}/")) }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every `layout.offers("…")` in a template names a route of `access::ROUTES`: a typo would
    /// otherwise offer the link to everyone.
    #[test]
    fn offered_links_name_declared_routes() {
        let mut found = 0;
        let mut folders = vec![std::path::PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/templates"))];
        while let Some(folder) = folders.pop() {
            for entry in std::fs::read_dir(&folder).unwrap() {
                let path = entry.unwrap().path();
                if path.is_dir() {
                    folders.push(path);
                    continue;
                }
                let text = std::fs::read_to_string(&path).unwrap();
                for part in text.split("layout.offers(\"").skip(1) {
                    let pattern = part.split('"').next().unwrap();
                    assert!(access::rule_for("GET", pattern).is_some(), "{}: {pattern}", path.display());
                    found += 1;
                }
            }
        }
        assert!(found >= 8, "the templates offer links by route: {found}");
    }

    #[test]
    fn menu_entries_light_up_below_their_page() {
        assert!(is_active("/departments", "/departments/12/edit"));
        assert!(is_active("/", "/"));
        assert!(!is_active("/", "/departments"));
        assert!(!is_active("/departments", "/departmentsx"));
    }
}
