//! Server-side sessions: what a session is, and its cookie. The cookie carries 32 random bytes
//! (hex); the table stores only their SHA-256, so reading the table does not hand out sessions.

use std::sync::Arc;

use axum::http::{HeaderMap, HeaderValue};
use rand::RngExt;
use sha2::{Digest, Sha256};

use crate::config::Settings;
use crate::request::{Person, Viewer};
use crate::web::cookies;

/// A loaded session: pre-login (no account) or signed in.
#[derive(Clone, Debug)]
pub struct Session {
    pub id_hash: [u8; 32],
    pub csrf_token: String,
    pub account: Option<SessionAccount>,
    /// The reference data version read with the session (see `reference`).
    pub reference_version: i64,
}

/// The account a session is signed in as: the person, and what access needs to know about it.
#[derive(Clone, Debug)]
pub struct SessionAccount {
    pub person: Person,
    /// An initial, reset or expired password: nothing but the password page until changed.
    pub must_change_password: bool,
    /// Days until the password expires, when within the warning period.
    pub password_expires_in_days: Option<i64>,
    /// A demo account (exempt from the first-login change in demo mode).
    pub demo: bool,
    /// This session's sign-in still owes its TOTP code.
    pub second_factor_pending: bool,
    pub totp_enabled: bool,
    /// The role (or the policy) requires a second factor.
    pub totp_required: bool,
}

/// The session of the current request, if any; put into the request by the session middleware
/// for auth's own handlers. Everyone else reads the [`Viewer`] made from it.
#[derive(Clone, Debug, Default)]
pub struct CurrentSession(pub Option<Arc<Session>>);

impl<S: Send + Sync> axum::extract::FromRequestParts<S> for CurrentSession {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut axum::http::request::Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(parts.extensions.get::<CurrentSession>().cloned().unwrap_or_default())
    }
}

impl CurrentSession {
    pub fn account(&self) -> Option<&SessionAccount> {
        self.0.as_ref().and_then(|s| s.account.as_ref())
    }

    pub fn csrf_token(&self) -> &str {
        self.0.as_ref().map(|s| s.csrf_token.as_str()).unwrap_or_default()
    }

    /// What pages and the audit log may know of this session.
    pub fn viewer(&self) -> Viewer {
        Viewer {
            person: self.account().map(|a| a.person.clone()),
            csrf_token: self.csrf_token().to_string(),
            password_expires_in_days: self.account().and_then(|a| a.password_expires_in_days),
        }
    }
}

/// A fresh random session id (for the cookie) and its hash (for the table).
pub fn new_session_id() -> (String, [u8; 32]) {
    let bytes: [u8; 32] = rand::rng().random();
    let raw = hex::encode(bytes);
    let hash = hash_id(&raw);
    (raw, hash)
}

/// A fresh synchronizer token for forms.
pub fn new_csrf_token() -> String {
    let bytes: [u8; 32] = rand::rng().random();
    hex::encode(bytes)
}

pub fn hash_id(raw: &str) -> [u8; 32] {
    Sha256::digest(raw.as_bytes()).into()
}

/// The cookie's name: with HTTPS the `__Host-` prefix pins it to this host and path `/`.
pub fn cookie_name(settings: &Settings) -> &'static str {
    if settings.is_https() { "__Host-prevention_session" } else { "prevention_session" }
}

/// The session id from the request's cookies, if well-formed (64 hex characters).
pub fn session_id_from(headers: &HeaderMap, settings: &Settings) -> Option<String> {
    cookies::get(headers, cookie_name(settings))
        .filter(|v| v.len() == 64 && v.bytes().all(|b| b.is_ascii_hexdigit()))
        .map(str::to_string)
}

/// `Set-Cookie` for a session id: HttpOnly, SameSite=Lax, Secure with HTTPS; no Max-Age, so
/// it ends with the browser session (the server ends it sooner).
pub fn session_cookie(settings: &Settings, raw_id: &str) -> HeaderValue {
    let secure = if settings.is_https() { "; Secure" } else { "" };
    let value = format!("{}={raw_id}; Path=/; HttpOnly; SameSite=Lax{secure}", cookie_name(settings));
    HeaderValue::from_str(&value).unwrap_or_else(|_| HeaderValue::from_static(""))
}

/// `Set-Cookie` that removes the session cookie.
pub fn clear_session_cookie(settings: &Settings) -> HeaderValue {
    let secure = if settings.is_https() { "; Secure" } else { "" };
    let value = format!("{}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0{secure}", cookie_name(settings));
    HeaderValue::from_str(&value).unwrap_or_else(|_| HeaderValue::from_static(""))
}

/// Compares two tokens in time independent of where they differ.
pub fn tokens_equal(a: &str, b: &str) -> bool {
    a.len() == b.len() && a.bytes().zip(b.bytes()).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn session_ids_are_random_and_hashed() {
        let (a, ha) = new_session_id();
        let (b, _) = new_session_id();
        assert_eq!(a.len(), 64);
        assert_ne!(a, b);
        assert_eq!(hash_id(&a), ha);
    }

    #[test]
    fn the_cookie_is_found_and_checked() {
        use axum::http::header;
        let settings = Settings::default();
        let (raw, _) = new_session_id();
        let mut headers = HeaderMap::new();
        headers.insert(header::COOKIE, HeaderValue::from_str(&format!("a=b; prevention_session={raw}")).unwrap());
        assert_eq!(session_id_from(&headers, &settings), Some(raw));
        headers.insert(header::COOKIE, HeaderValue::from_static("prevention_session=../../etc"));
        assert_eq!(session_id_from(&headers, &settings), None);
    }

    #[test]
    fn https_cookies_are_secure_and_host_bound() {
        let mut settings = Settings::default();
        assert_eq!(
            session_cookie(&settings, "ab").to_str().unwrap(),
            "prevention_session=ab; Path=/; HttpOnly; SameSite=Lax"
        );
        settings.public_url = "https://gsyf.example.cn".into();
        assert_eq!(
            session_cookie(&settings, "ab").to_str().unwrap(),
            "__Host-prevention_session=ab; Path=/; HttpOnly; SameSite=Lax; Secure"
        );
    }

    #[test]
    fn token_comparison() {
        assert!(tokens_equal("abc", "abc"));
        assert!(!tokens_equal("abc", "abd"));
        assert!(!tokens_equal("abc", "abcd"));
    }
}
