//! Authentication: passwords, server-side sessions, sign-in and sign-out, CSRF, and the `Actor`
//! extractor.

pub mod account;
pub mod actor;
pub mod login;
pub mod middleware;
pub mod password;
pub mod policy;
pub mod prelogin;
pub mod second_factor;
pub mod session;
pub mod store;
pub mod totp;

pub use actor::Actor;
