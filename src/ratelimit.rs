//! Attempts per client address (sign-ins, second-factor codes): a fixed one-minute window, in
//! this process's memory. Per instance by design; the lockout (in PostgreSQL) is what holds
//! across instances.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::{Duration, Instant};

const WINDOW: Duration = Duration::from_secs(60);

#[derive(Debug, Default)]
pub struct LoginRateLimiter {
    windows: Mutex<HashMap<IpAddr, (Instant, u32)>>,
}

impl LoginRateLimiter {
    /// Counts an attempt from `addr`; false when it is past `limit` in the current minute.
    pub fn allow(&self, addr: IpAddr, limit: u32, now: Instant) -> bool {
        let Ok(mut windows) = self.windows.lock() else { return true };
        // Forget finished windows now and then, so the map stays small.
        if windows.len() > 10_000 {
            windows.retain(|_, (start, _)| now.duration_since(*start) < WINDOW);
        }
        let entry = windows.entry(addr).or_insert((now, 0));
        if now.duration_since(entry.0) >= WINDOW {
            *entry = (now, 0);
        }
        entry.1 += 1;
        entry.1 <= limit
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_limit_applies_per_address_and_minute() {
        let limiter = LoginRateLimiter::default();
        let (a, b): (IpAddr, IpAddr) = ("10.0.0.1".parse().unwrap(), "10.0.0.2".parse().unwrap());
        let t0 = Instant::now();
        for _ in 0..3 {
            assert!(limiter.allow(a, 3, t0));
        }
        assert!(!limiter.allow(a, 3, t0), "the fourth in the minute is refused");
        assert!(limiter.allow(b, 3, t0), "another address has its own count");
        assert!(limiter.allow(a, 3, t0 + WINDOW), "a new minute starts again");
    }
}
