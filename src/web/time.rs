//! Times are stored in UTC and shown in Asia/Shanghai.

use chrono::{FixedOffset, NaiveDate, Offset, Utc};

/// Asia/Shanghai: UTC+8 all year (no daylight saving since 1991).
pub fn shanghai() -> FixedOffset {
    FixedOffset::east_opt(8 * 3600).unwrap_or_else(|| Utc.fix())
}

/// Today's calendar date in Asia/Shanghai.
pub fn today() -> NaiveDate {
    Utc::now().with_timezone(&shanghai()).date_naive()
}

/// A time as pages show it: `2026-11-29 12:15` in Asia/Shanghai.
pub fn minutes(at: &chrono::DateTime<Utc>) -> String {
    at.with_timezone(&shanghai()).format("%Y-%m-%d %H:%M").to_string()
}

/// With seconds, for logs.
pub fn seconds(at: &chrono::DateTime<Utc>) -> String {
    at.with_timezone(&shanghai()).format("%Y-%m-%d %H:%M:%S").to_string()
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;

    #[test]
    fn shanghai_is_eight_hours_ahead() {
        let late_utc = Utc.with_ymd_and_hms(2026, 12, 15, 16, 30, 0).unwrap();
        assert_eq!(late_utc.with_timezone(&shanghai()).date_naive(), NaiveDate::from_ymd_opt(2026, 12, 16).unwrap());
    }
}
