//! Times are stored in UTC and shown in Asia/Shanghai; dates are calendar dates there.

use chrono::{DateTime, FixedOffset, NaiveDate, NaiveTime, Offset, Utc};

use super::{FieldValue, ValueError};

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

/// The instant a calendar day begins in Asia/Shanghai, as UTC.
pub fn day_start(date: NaiveDate) -> DateTime<Utc> {
    DateTime::<Utc>::from_naive_utc_and_offset(date.and_time(NaiveTime::MIN), Utc) - chrono::Duration::hours(8)
}

/// A calendar date typed into a form (`2026-12-15`, also `2026/12/15` and `2026年12月15日`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(transparent)]
pub struct Date(pub NaiveDate);

impl Date {
    pub fn parse(raw: &str) -> Result<Date, ValueError> {
        let text = raw.trim();
        ["%Y-%m-%d", "%Y/%m/%d", "%Y年%m月%d日"]
            .iter()
            .find_map(|format| NaiveDate::parse_from_str(text, format).ok())
            .filter(|d| (1900..=2100).contains(&chrono::Datelike::year(d)))
            .map(Date)
            .ok_or(ValueError::new("请填写有效日期，如 2026-12-15"))
    }
}

impl FieldValue for Date {
    fn parse_field(input: &str) -> Result<Self, ValueError> {
        Date::parse(input)
    }
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;

    #[test]
    fn shanghai_is_eight_hours_ahead() {
        let late_utc = Utc.with_ymd_and_hms(2026, 12, 15, 16, 30, 0).unwrap();
        assert_eq!(late_utc.with_timezone(&shanghai()).date_naive(), NaiveDate::from_ymd_opt(2026, 12, 16).unwrap());
        assert_eq!(
            day_start(NaiveDate::from_ymd_opt(2026, 12, 16).unwrap()),
            Utc.with_ymd_and_hms(2026, 12, 15, 16, 0, 0).unwrap()
        );
    }

    #[test]
    fn dates_in_the_shapes_people_type() {
        let d = NaiveDate::from_ymd_opt(2026, 12, 15).unwrap();
        for raw in ["2026-12-15", " 2026/12/15 ", "2026年12月15日"] {
            assert_eq!(Date::parse(raw), Ok(Date(d)), "{raw}");
        }
        assert!(Date::parse("2026-02-30").is_err());
        assert!(Date::parse("tomorrow").is_err());
    }
}
