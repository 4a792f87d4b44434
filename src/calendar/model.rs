//! The working-day calendar the province keeps: a year's public holidays and swapped working
//! days (调休), entered a line a day.

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::values::{Date, Text, Version};
use crate::web::deadline::DayKind;
use crate::web::form::{FieldErrors, FormParser};

/// A day the province entered.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct CalendarDay {
    pub day: NaiveDate,
    pub holiday: bool,
    pub name: String,
}

impl CalendarDay {
    pub fn kind(&self) -> DayKind {
        if self.holiday { DayKind::Holiday } else { DayKind::Workday }
    }
}

/// A year as stored (`entered` false: nothing entered yet, weekends only).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct CalendarYear {
    pub year: i32,
    pub entered: bool,
    pub document: String,
    pub days: Vec<CalendarDay>,
    pub version: i32,
}

/// The edit form: one day a line, `2026-10-01 国庆节` (the name optional).
#[derive(Clone, Debug, Default, Deserialize)]
pub struct CalendarForm {
    #[serde(default)]
    pub document: String,
    #[serde(default)]
    pub holidays: String,
    #[serde(default)]
    pub workdays: String,
    #[serde(default)]
    pub version: String,
}

impl From<&CalendarYear> for CalendarForm {
    fn from(y: &CalendarYear) -> Self {
        let lines = |holiday: bool| {
            y.days
                .iter()
                .filter(|d| d.holiday == holiday)
                .map(|d| if d.name.is_empty() { d.day.to_string() } else { format!("{} {}", d.day, d.name) })
                .collect::<Vec<_>>()
                .join("\n")
        };
        CalendarForm {
            document: y.document.clone(),
            holidays: lines(true),
            workdays: lines(false),
            version: y.version.to_string(),
        }
    }
}

/// The checked edit.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct CalendarInput {
    pub document: Text<100>,
    pub days: Vec<CalendarDay>,
}

impl CalendarForm {
    pub fn parse(&self, year: i32) -> Result<(CalendarInput, Version), FieldErrors> {
        let mut p = FormParser::default();
        let document = p.value::<Text<100>>("document", &self.document);
        let holidays = parse_days(&mut p, "holidays", &self.holidays, year, true);
        let workdays = parse_days(&mut p, "workdays", &self.workdays, year, false);
        if let (Some(h), Some(w)) = (&holidays, &workdays) {
            let clash = h.iter().find(|d| w.iter().any(|x| x.day == d.day));
            p.check(
                "workdays",
                clash.is_none(),
                format!("{} 不能既放假又上班", clash.map(|d| d.day.to_string()).unwrap_or_default()),
            );
        }
        let version = p.value::<Version>("version", &self.version);
        p.finish(|| {
            let mut days = holidays?;
            days.extend(workdays?);
            days.sort_by_key(|d| d.day);
            Some((CalendarInput { document: document?, days }, version?))
        })
    }
}

fn parse_days(
    p: &mut FormParser,
    field: &'static str,
    text: &str,
    year: i32,
    holiday: bool,
) -> Option<Vec<CalendarDay>> {
    let mut days: Vec<CalendarDay> = Vec::new();
    for (n, line) in text.lines().enumerate().filter(|(_, l)| !l.trim().is_empty()) {
        let line = line.trim();
        let (date, name) = line.split_once(char::is_whitespace).map_or((line, ""), |(d, rest)| (d, rest.trim()));
        let problem = match Date::parse(date) {
            Err(_) => Some(format!("第 {} 行「{line}」：日期无效，请按 2026-10-01 国庆节 的格式填写", n + 1)),
            Ok(d) if d.0.year() != year => Some(format!("第 {} 行：{} 不在 {year} 年", n + 1, d.0)),
            Ok(d) if days.iter().any(|x| x.day == d.0) => Some(format!("第 {} 行：{} 重复", n + 1, d.0)),
            Ok(_) if name.chars().count() > 50 => Some(format!("第 {} 行：名称不能超过 50 个字符", n + 1)),
            Ok(d) => {
                days.push(CalendarDay { day: d.0, holiday, name: name.to_string() });
                None
            }
        };
        if let Some(message) = problem {
            p.check(field, false, message);
            return None;
        }
    }
    Some(days)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_are_read_a_line_each() {
        let form = CalendarForm {
            document: "国办发明电〔2024〕12号".into(),
            holidays: "2025-10-01 国庆节\n\n2025-10-02\n".into(),
            workdays: "2025-09-28 国庆节调休".into(),
            version: "0".into(),
        };
        let (input, version) = form.parse(2025).unwrap();
        assert_eq!(version, Version(0));
        assert_eq!(input.days.len(), 3);
        assert_eq!(input.days[0].day, NaiveDate::from_ymd_opt(2025, 9, 28).unwrap());
        assert!(!input.days[0].holiday);
        assert_eq!(input.days[1].name, "国庆节");

        let wrong_year = CalendarForm { holidays: "2026-01-01 元旦".into(), ..form.clone() };
        assert!(wrong_year.parse(2025).unwrap_err().get("holidays").unwrap().contains("不在 2025 年"));
        let both = CalendarForm { workdays: "2025-10-01".into(), ..form.clone() };
        assert!(both.parse(2025).unwrap_err().get("workdays").unwrap().contains("不能既放假又上班"));
        let garbage = CalendarForm { holidays: "国庆".into(), ..form };
        assert!(garbage.parse(2025).unwrap_err().get("holidays").unwrap().contains("第 1 行"));
    }
}
