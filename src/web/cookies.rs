//! Reading cookies from a request.

use axum::http::{HeaderMap, header};

/// Every `name=value` pair of the request's Cookie headers.
pub fn values(headers: &HeaderMap) -> impl Iterator<Item = (&str, &str)> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
}

/// The value of the cookie `name`, if the request carries it.
pub fn get<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    values(headers).find(|(n, _)| *n == name).map(|(_, v)| v)
}
