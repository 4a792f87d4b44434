//! The login form's CSRF token without a database row. Before sign-in the browser holds a
//! pre-login cookie (`<issued unix seconds>.<random nonce>`); the form's token is an HMAC of that
//! cookie under a key kept in `server_secrets`, so every instance can check it and showing the
//! login page writes nothing. The token expires with the cookie.

use axum::http::{HeaderMap, HeaderValue};
use hmac::{Hmac, Mac};
use rand::RngExt;
use sha2::Sha256;

use super::session::tokens_equal;
use crate::config::Settings;
use crate::web::cookies;

/// The form token that goes with a cookie value, under `key` (from `server_secrets`).
fn sign(key: &[u8], cookie: &str) -> String {
    // HMAC accepts keys of any length, so this cannot fail; an empty token never matches.
    let Ok(mut mac) = Hmac::<Sha256>::new_from_slice(key) else { return String::new() };
    mac.update(b"prelogin-csrf|");
    mac.update(cookie.as_bytes());
    hex::encode(mac.finalize().into_bytes())
}

/// A fresh cookie value issued at `now`.
pub fn new_cookie_value(now: i64) -> String {
    let nonce: [u8; 16] = rand::rng().random();
    format!("{now}.{}", hex::encode(nonce))
}

/// The form token for a cookie value, if the value is well formed and not older than
/// `max_age_secs` (nor from the future, beyond a minute of clock skew between instances).
pub fn token_for(key: &[u8], cookie: &str, now: i64, max_age_secs: i64) -> Option<String> {
    let (issued, nonce) = cookie.split_once('.')?;
    let issued: i64 = issued.parse().ok()?;
    if nonce.len() != 32 || !nonce.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    if issued > now + 60 || now - issued > max_age_secs {
        return None;
    }
    Some(sign(key, cookie))
}

/// Whether `token` is the one that goes with `cookie`.
pub fn verify(key: &[u8], cookie: &str, token: &str, now: i64, max_age_secs: i64) -> bool {
    token_for(key, cookie, now, max_age_secs).is_some_and(|expected| tokens_equal(&expected, token))
}

/// The cookie's name: with HTTPS the `__Host-` prefix pins it to this host and path `/`.
pub fn cookie_name(settings: &Settings) -> &'static str {
    if settings.is_https() { "__Host-prevention_login" } else { "prevention_login" }
}

/// The pre-login cookie of a request, if any.
pub fn cookie_from(headers: &HeaderMap, settings: &Settings) -> Option<String> {
    cookies::get(headers, cookie_name(settings)).filter(|v| v.len() <= 64).map(str::to_string)
}

/// `Set-Cookie` for a pre-login cookie, living as long as its token.
pub fn set_cookie(settings: &Settings, value: &str, max_age_secs: i64) -> HeaderValue {
    let secure = if settings.is_https() { "; Secure" } else { "" };
    let header =
        format!("{}={value}; Path=/; HttpOnly; SameSite=Lax; Max-Age={max_age_secs}{secure}", cookie_name(settings));
    HeaderValue::from_str(&header).unwrap_or_else(|_| HeaderValue::from_static(""))
}

/// `Set-Cookie` that removes the pre-login cookie (after sign-in).
pub fn clear_cookie(settings: &Settings) -> HeaderValue {
    set_cookie(settings, "", 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key() -> Vec<u8> {
        vec![7; 32]
    }

    #[test]
    fn a_token_checks_against_its_own_cookie_only() {
        let now = 1_800_000_000;
        let cookie = new_cookie_value(now);
        let token = token_for(&key(), &cookie, now, 1800).unwrap();
        assert!(verify(&key(), &cookie, &token, now + 10, 1800));
        assert!(!verify(&key(), &new_cookie_value(now), &token, now, 1800), "another cookie");
        assert!(!verify(&[8; 32], &cookie, &token, now, 1800), "another key");
        assert!(!verify(&key(), &cookie, "", now, 1800));
    }

    #[test]
    fn tokens_expire_and_malformed_cookies_have_none() {
        let now = 1_800_000_000;
        let cookie = new_cookie_value(now);
        assert!(token_for(&key(), &cookie, now + 1801, 1800).is_none(), "too old");
        assert!(token_for(&key(), &new_cookie_value(now + 3600), now, 1800).is_none(), "from the future");
        for bad in ["", "x", "12.34", "abc.0123456789abcdef0123456789abcdef", "1.zz23456789abcdef0123456789abcdef"] {
            assert!(token_for(&key(), bad, now, 1800).is_none(), "{bad}");
        }
    }
}
