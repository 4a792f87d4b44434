//! Authentication: passwords now; sessions, sign-in, CSRF and TOTP build on it.

pub mod password;
