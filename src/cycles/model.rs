use chrono::{Datelike, NaiveDate};

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CycleSummary {
    pub first_year: i32,
    pub last_year: i32,
    pub name: String,
    pub headline_target: String,
    pub plan_filing_due: NaiveDate,
    /// As shown: "12月15日".
    pub annual_report_due: String,
    pub department_count: i64,
}

impl CycleSummary {
    pub fn contains_year(&self, year: i32) -> bool {
        (self.first_year..=self.last_year).contains(&year)
    }
}

/// The cycle running on `today` (Asia/Shanghai calendar date), if any.
pub fn current(cycles: &[CycleSummary], today: NaiveDate) -> Option<&CycleSummary> {
    cycles.iter().find(|c| c.contains_year(today.year()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cycle(first: i32) -> CycleSummary {
        CycleSummary {
            first_year: first,
            last_year: first + 4,
            name: String::new(),
            headline_target: String::new(),
            plan_filing_due: NaiveDate::from_ymd_opt(first, 6, 30).unwrap(),
            annual_report_due: String::new(),
            department_count: 8,
        }
    }

    #[test]
    fn the_current_cycle_contains_today() {
        let cycles = [cycle(2021), cycle(2026)];
        let day = |y| NaiveDate::from_ymd_opt(y, 11, 29).unwrap();
        assert_eq!(current(&cycles, day(2025)).map(|c| c.first_year), Some(2021));
        assert_eq!(current(&cycles, day(2026)).map(|c| c.first_year), Some(2026));
        assert_eq!(current(&cycles, day(2031)), None);
    }
}
