//! Shared web pieces: the middleware stack every response passes through, the page frame,
//! flash messages, pagination, masking, static assets and the health endpoints.

pub mod assets;
pub mod client;
pub mod export;
pub mod flash;
pub mod form;
pub mod health;
pub mod layout;
pub mod mask;
pub mod middleware;
pub mod pagination;
pub mod time;

pub use middleware::with_middleware;
