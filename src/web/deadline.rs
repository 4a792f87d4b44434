//! Deadlines in Asia/Shanghai (DESIGN.md "Data"): "due by D" means before D+1 00:00 there.
//! One function says where a deadline stands today; another whether something arrived late;
//! working days count by the State Council's calendar the province keeps (`calendar` feature):
//! weekends and public holidays are off, swapped working days (调休) are on, and a year not
//! entered yet counts weekends only.

use std::collections::HashMap;

use chrono::{DateTime, Datelike, NaiveDate, Utc, Weekday};

use crate::values::time::{day_start, shanghai};

/// Where a deadline stands on a given day.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DueStatus {
    /// Due in this many days (1 = tomorrow).
    DueIn(i64),
    /// Due today (still in time until midnight).
    DueToday,
    /// Past by this many days.
    Overdue(i64),
}

impl DueStatus {
    /// As pages show it.
    pub fn label(self) -> String {
        match self {
            DueStatus::DueIn(days) => format!("还有 {days} 天"),
            DueStatus::DueToday => "今天到期".to_string(),
            DueStatus::Overdue(days) => format!("已逾期 {days} 天"),
        }
    }

    pub fn is_overdue(self) -> bool {
        matches!(self, DueStatus::Overdue(_))
    }
}

/// Today's date in Asia/Shanghai at `now`.
pub fn today_at(now: DateTime<Utc>) -> NaiveDate {
    now.with_timezone(&shanghai()).date_naive()
}

/// Where a deadline of `due` stands at `now`.
pub fn due_status(due: NaiveDate, now: DateTime<Utc>) -> DueStatus {
    due_status_on(due, today_at(now))
}

/// Where a deadline of `due` stands on `today` (a date in Asia/Shanghai).
pub fn due_status_on(due: NaiveDate, today: NaiveDate) -> DueStatus {
    let days = (due - today).num_days();
    match days {
        0 => DueStatus::DueToday,
        d if d > 0 => DueStatus::DueIn(d),
        d => DueStatus::Overdue(-d),
    }
}

/// Whether something that arrived at `at` missed a deadline of `due` (it had until the end of
/// that day in Asia/Shanghai).
pub fn is_late(due: NaiveDate, at: DateTime<Utc>) -> bool {
    due.succ_opt().is_some_and(|next| at >= day_start(next))
}

/// What the calendar says of a day beyond the weekend rule.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DayKind {
    /// A public holiday (or a day off in lieu): not a working day even on a weekday.
    Holiday,
    /// A swapped working day (调休): a working day even on a weekend.
    Workday,
}

/// The days the province entered, by date.
#[derive(Clone, Debug, Default)]
pub struct Calendar {
    days: HashMap<NaiveDate, DayKind>,
}

impl Calendar {
    pub fn new(days: impl IntoIterator<Item = (NaiveDate, DayKind)>) -> Calendar {
        Calendar { days: days.into_iter().collect() }
    }

    pub fn is_working_day(&self, day: NaiveDate) -> bool {
        match self.days.get(&day) {
            Some(DayKind::Holiday) => false,
            Some(DayKind::Workday) => true,
            None => !matches!(day.weekday(), Weekday::Sat | Weekday::Sun),
        }
    }

    /// The `n`th working day after `start` (a publicity period of 5 working days that starts on
    /// `start` ends on `add_working_days(start, 4)` when `start` is itself a working day).
    pub fn add_working_days(&self, start: NaiveDate, n: u32) -> NaiveDate {
        let mut day = start;
        let mut left = n;
        while left > 0 {
            match day.succ_opt() {
                Some(next) => day = next,
                None => return day,
            }
            if self.is_working_day(day) {
                left -= 1;
            }
        }
        day
    }

    /// Working days from `from` to `to`, both included.
    pub fn working_days_between(&self, from: NaiveDate, to: NaiveDate) -> i64 {
        from.iter_days().take_while(|d| *d <= to).filter(|d| self.is_working_day(*d)).count() as i64
    }
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn late_exactly_at_midnight_in_shanghai() {
        let due = d(2021, 6, 30);
        // 30 June 23:59:59 in Shanghai is 15:59:59 UTC: in time.
        assert!(!is_late(due, Utc.with_ymd_and_hms(2021, 6, 30, 15, 59, 59).unwrap()));
        // 1 July 00:00:00 in Shanghai is 16:00:00 UTC on 30 June: late.
        assert!(is_late(due, Utc.with_ymd_and_hms(2021, 6, 30, 16, 0, 0).unwrap()));
        assert!(!is_late(due, Utc.with_ymd_and_hms(2021, 6, 1, 0, 0, 0).unwrap()));
    }

    #[test]
    fn where_a_deadline_stands() {
        let due = d(2026, 12, 15);
        // 15 December 09:00 in Shanghai.
        assert_eq!(due_status(due, Utc.with_ymd_and_hms(2026, 12, 15, 1, 0, 0).unwrap()), DueStatus::DueToday);
        // 14 December 23:30 in Shanghai (15:30 UTC): due tomorrow.
        assert_eq!(due_status(due, Utc.with_ymd_and_hms(2026, 12, 14, 15, 30, 0).unwrap()), DueStatus::DueIn(1));
        // 16 December 00:30 in Shanghai (15 December 16:30 UTC): one day over.
        let over = due_status(due, Utc.with_ymd_and_hms(2026, 12, 15, 16, 30, 0).unwrap());
        assert_eq!(over, DueStatus::Overdue(1));
        assert_eq!(over.label(), "已逾期 1 天");
        assert_eq!(DueStatus::DueIn(16).label(), "还有 16 天");
    }

    #[test]
    fn working_days_skip_holidays_and_count_swapped_days() {
        // 2025 National Day: 1–8 October off, Sunday 28 September and Saturday 11 October worked.
        let mut days: Vec<(NaiveDate, DayKind)> = (1..=8).map(|day| (d(2025, 10, day), DayKind::Holiday)).collect();
        days.push((d(2025, 9, 28), DayKind::Workday));
        days.push((d(2025, 10, 11), DayKind::Workday));
        let calendar = Calendar::new(days);
        assert!(calendar.is_working_day(d(2025, 9, 28)), "a swapped Sunday is worked");
        assert!(!calendar.is_working_day(d(2025, 10, 2)), "a holiday Thursday is not");
        assert!(!calendar.is_working_day(d(2025, 10, 12)), "an ordinary Sunday is not");
        // From Friday 26 September, 5 working days: 28 Sep (Sun, swapped), 29, 30 Sep, then
        // 9 and 10 Oct after the holiday.
        assert_eq!(calendar.add_working_days(d(2025, 9, 26), 5), d(2025, 10, 10));
        assert_eq!(calendar.working_days_between(d(2025, 9, 26), d(2025, 10, 11)), 7);
        // Without the year's calendar, only weekends count.
        assert_eq!(Calendar::default().add_working_days(d(2025, 9, 26), 5), d(2025, 10, 3));
    }
}
