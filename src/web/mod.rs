//! Shared web pieces: the middleware stack every response passes through, error pages, and the
//! health endpoints.

pub mod health;
pub mod middleware;
pub mod time;

pub use middleware::with_middleware;
