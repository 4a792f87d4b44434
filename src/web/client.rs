//! The client's address. Behind a load balancer every request comes from the balancer, so when
//! the deployment says so (`trust_forwarded_for`) the address is taken from the rightmost
//! `X-Forwarded-For` entry, the one the trusted proxy appended itself; entries further left are
//! whatever the client claimed and are ignored.

use std::net::IpAddr;

use axum::http::HeaderMap;

/// The client's address: the socket's peer, or behind a trusted proxy the entry it appended.
pub fn client_ip(headers: &HeaderMap, peer: Option<IpAddr>, trust_forwarded_for: bool) -> Option<IpAddr> {
    if trust_forwarded_for
        && let Some(forwarded) = headers
            .get_all("x-forwarded-for")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(','))
            .next_back()
            .and_then(|last| last.trim().parse().ok())
    {
        return Some(forwarded);
    }
    peer
}

#[cfg(test)]
mod tests {
    use axum::http::HeaderValue;

    use super::*;

    #[test]
    fn forwarded_addresses_count_only_when_trusted() {
        let peer: IpAddr = "10.0.0.5".parse().unwrap();
        let mut headers = HeaderMap::new();
        headers.insert("x-forwarded-for", HeaderValue::from_static("1.2.3.4, 172.16.8.20"));
        assert_eq!(client_ip(&headers, Some(peer), false), Some(peer));
        assert_eq!(client_ip(&headers, Some(peer), true), "172.16.8.20".parse().ok(), "the proxy's own entry");
        headers.insert("x-forwarded-for", HeaderValue::from_static("garbage"));
        assert_eq!(client_ip(&headers, Some(peer), true), Some(peer));
        assert_eq!(client_ip(&HeaderMap::new(), Some(peer), true), Some(peer));
    }
}
