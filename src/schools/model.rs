//! Technical schools (技工院校) and their work-injury prevention courses: the record, the form,
//! who keeps them, and the share of schools running a course. Pure: no clock, no SQL.

use chrono::{Datelike, NaiveDate};
use rust_decimal::{Decimal, RoundingStrategy};
use serde::{Deserialize, Serialize};

use crate::auth::Actor;
use crate::org::{Region, RegionId, RegionLevel, Role};
use crate::values::{Count, Text, Version};
use crate::web::form::{FieldErrors, FormParser};
use crate::web::once::TokenField;

id_type!(
    /// A technical school's row of one year.
    pub SchoolId
);

pub const KIND: &str = "technical_school";

/// A school as the pages show it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct School {
    pub id: SchoolId,
    pub region: RegionId,
    pub year: i32,
    pub name: String,
    pub runs_course: bool,
    pub course_hours: Decimal,
    pub students_per_year: i32,
    pub version: i32,
}

/// Who keeps a region's schools: its city officers.
pub fn may_keep(actor: &Actor, region: &Region) -> bool {
    actor.role == Role::CityOfficer
        && region.level == RegionLevel::City
        && actor.region.as_ref().is_some_and(|r| r.id == region.id)
}

/// How many schools of a set run a prevention course.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Share {
    pub running: i64,
    pub total: i64,
}

impl Share {
    /// The share in percent, one decimal, half up; none without schools.
    pub fn percent(self) -> Option<Decimal> {
        if self.total == 0 {
            return None;
        }
        let p = Decimal::from(self.running * 100) / Decimal::from(self.total);
        Some(p.round_dp_with_strategy(1, RoundingStrategy::MidpointAwayFromZero))
    }

    /// `62.5%`, or `—` without schools.
    pub fn shown(self) -> String {
        self.percent().map_or_else(|| "—".to_string(), |p| format!("{p:.1}%"))
    }

    pub fn plus(self, other: Share) -> Share {
        Share { running: self.running + other.running, total: self.total + other.total }
    }
}

/// The province-wide share: the regions' schools added up (not their percentages averaged).
pub fn province_share(regions: &[Share]) -> Share {
    regions.iter().fold(Share::default(), |sum, s| sum.plus(*s))
}

/// The school form as submitted.
#[derive(Clone, Debug, Default, Deserialize)]
pub struct SchoolForm {
    #[serde(default)]
    pub year: String,
    #[serde(default)]
    pub name: String,
    /// `yes` when it runs a prevention course.
    #[serde(default)]
    pub runs_course: String,
    #[serde(default)]
    pub course_hours: String,
    #[serde(default)]
    pub students_per_year: String,
    #[serde(default)]
    pub version: String,
    #[serde(default = "TokenField::missing")]
    pub form_token: TokenField,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct SchoolInput {
    pub year: i32,
    pub name: String,
    pub runs_course: bool,
    pub course_hours: Decimal,
    pub students_per_year: i32,
}

impl SchoolForm {
    pub fn new_for(year: i32) -> SchoolForm {
        SchoolForm { year: year.to_string(), runs_course: "yes".into(), ..SchoolForm::default() }
    }

    pub fn of(s: &School) -> SchoolForm {
        SchoolForm {
            year: s.year.to_string(),
            name: s.name.clone(),
            runs_course: if s.runs_course { "yes".into() } else { String::new() },
            course_hours: if s.runs_course { s.course_hours.normalize().to_string() } else { String::new() },
            students_per_year: if s.runs_course { s.students_per_year.to_string() } else { String::new() },
            version: s.version.to_string(),
            form_token: TokenField::default(),
        }
    }

    /// Every field checked: a year up to next year; hours (above 0, one decimal) and students
    /// only with a course.
    pub fn parse(&self, today: NaiveDate) -> Result<(SchoolInput, Version), FieldErrors> {
        let mut p = FormParser::default();
        let year = match self.year.trim().parse::<i32>() {
            Ok(y) if (2000..=today.year() + 1).contains(&y) => Some(y),
            _ => {
                p.check("year", false, "请填写 2000 年至明年之间的年度");
                None
            }
        };
        let name = p.required::<Text<100>>("name", &self.name);
        let runs = self.runs_course == "yes";
        let hours = if runs {
            match self.course_hours.trim().parse::<Decimal>() {
                Ok(h) if h > Decimal::ZERO && h <= Decimal::from(2000) && h.normalize().scale() <= 1 => Some(h),
                _ => {
                    p.check("course_hours", false, "开设课程的，请填写课时（大于 0，最多一位小数）");
                    None
                }
            }
        } else {
            p.check("course_hours", self.course_hours.trim().is_empty(), "未开设课程的，不填课时");
            Some(Decimal::ZERO)
        };
        let students = if runs {
            p.required::<Count>("students_per_year", &self.students_per_year)
        } else {
            p.check("students_per_year", self.students_per_year.trim().is_empty(), "未开设课程的，不填受教学生数");
            Some(Count(0))
        };
        let version = if self.version.trim().is_empty() {
            Some(Version(1))
        } else {
            p.value::<Version>("version", &self.version)
        };
        p.finish(|| {
            Some((
                SchoolInput {
                    year: year?,
                    name: name?.into_string(),
                    runs_course: runs,
                    course_hours: hours?,
                    students_per_year: students?.0,
                },
                version?,
            ))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_share_counts_schools_and_the_province_adds_them_up() {
        // 沈阳 5 of 8 schools, 大连 2 of 3, 鞍山 none of 1, 抚顺 no schools entered.
        let regions = [
            Share { running: 5, total: 8 },
            Share { running: 2, total: 3 },
            Share { running: 0, total: 1 },
            Share { running: 0, total: 0 },
        ];
        assert_eq!(regions[0].shown(), "62.5%");
        assert_eq!(regions[1].shown(), "66.7%", "2/3 rounds half up to one decimal");
        assert_eq!(regions[2].shown(), "0.0%");
        assert_eq!(regions[3].shown(), "—");
        let province = province_share(&regions);
        assert_eq!(province, Share { running: 7, total: 12 });
        assert_eq!(province.shown(), "58.3%", "7 of 12, not the mean of the regions' percentages");
    }

    #[test]
    fn hours_and_students_go_with_a_course() {
        let today = NaiveDate::from_ymd_opt(2026, 11, 30).unwrap();
        let form = SchoolForm {
            year: "2026".into(),
            name: "沈阳市技师学院".into(),
            runs_course: "yes".into(),
            course_hours: "16".into(),
            students_per_year: "1,200".into(),
            version: String::new(),
            form_token: TokenField::default(),
        };
        let (input, _) = form.parse(today).unwrap();
        assert_eq!((input.course_hours, input.students_per_year), (Decimal::from(16), 1200));
        let no_hours = SchoolForm { course_hours: String::new(), ..form.clone() };
        assert!(no_hours.parse(today).unwrap_err().get("course_hours").is_some());
        let without = SchoolForm { runs_course: String::new(), ..form.clone() };
        assert_eq!(without.parse(today).unwrap_err().get("course_hours"), Some("未开设课程的，不填课时"));
        let none = SchoolForm {
            runs_course: String::new(),
            course_hours: String::new(),
            students_per_year: String::new(),
            ..form.clone()
        };
        let (input, _) = none.parse(today).unwrap();
        assert!(!input.runs_course);
        assert_eq!(input.students_per_year, 0);
        let future = SchoolForm { year: "2028".into(), ..form };
        assert!(future.parse(today).unwrap_err().get("year").is_some());
    }
}
