//! Key-position training (重点岗位培训): sessions, trainees, required people and coverage
//! (培训覆盖率). The rules: the categories an employer counts in (the cycle's data), who may do
//! what, the forms, who counts as trained (once per cycle, employer and category; the exam
//! passed where there is one), and coverage with the trained capped at the required per
//! employer and category before anything is summed.

use std::collections::{BTreeMap, BTreeSet};

use chrono::NaiveDate;
use rust_decimal::{Decimal, RoundingStrategy};
use serde::Deserialize;

use crate::auth::Actor;
use crate::cycles::model::Cycle;
use crate::org::{Region, Role};
use crate::values::{CreditCode, Date, IdCardNumber, Text, Version};
use crate::web::form::{FieldErrors, FormParser};
use crate::web::once::TokenField;

id_type!(
    /// A training session of one region.
    pub SessionId
);

id_type!(
    /// A trainee record: one person at one session.
    pub TraineeId
);

/// The record kind of sessions in the audit log.
pub const SESSION_KIND: &str = "training_session";

labelled_enum! {
    /// 线上 or 线下.
    pub enum Delivery {
        Online => ("online", "线上"),
        Offline => ("offline", "线下"),
    }
}

/// The categories (key positions) an employer counts its people in for `cycle`: the cycle's
/// key positions, and a platform employer's the cycle's platform positions too.
pub fn categories(cycle: &Cycle, platform: bool) -> Vec<&str> {
    let platform_positions = if platform { cycle.platform_positions.as_slice() } else { &[] };
    cycle.key_positions.iter().chain(platform_positions).map(String::as_str).collect()
}

/// Every category of `cycle`, platform ones included (filters and tables list them all).
pub fn all_categories(cycle: &Cycle) -> Vec<&str> {
    categories(cycle, true)
}

/// Who keeps a region's training records: its city and agency officers.
pub fn may_keep(actor: &Actor, region: &Region) -> bool {
    let own = actor.region.as_ref().is_some_and(|r| r.id == region.id);
    own && matches!(actor.role, Role::CityOfficer | Role::AgencyOfficer)
}

/// Who may see a trainee's ID-card number in full (explicit and audited): the region's city
/// officers only.
pub fn may_unmask(actor: &Actor, region: &Region) -> bool {
    actor.role == Role::CityOfficer && actor.region.as_ref().is_some_and(|r| r.id == region.id)
}

/// Whether a trainee's attendance counts: always without an exam, with one only once passed.
pub fn qualifies(has_exam: bool, exam_passed: Option<bool>) -> bool {
    !has_exam || exam_passed == Some(true)
}

/// One trainee record as the count reads it.
#[derive(Clone, Debug)]
pub struct Attendance<'a> {
    pub employer: i64,
    pub category: &'a str,
    pub id_number: &'a str,
    pub has_exam: bool,
    pub exam_passed: Option<bool>,
}

/// The trained people per employer and category: each person once however many sessions they
/// attended, and only where an attendance qualifies. (The database keeps the same set in
/// `trained_people`; this is its definition, tested.)
pub fn trained(attendances: &[Attendance<'_>]) -> BTreeMap<(i64, String), usize> {
    let people: BTreeSet<(i64, &str, &str)> = attendances
        .iter()
        .filter(|a| qualifies(a.has_exam, a.exam_passed))
        .map(|a| (a.employer, a.category, a.id_number))
        .collect();
    let mut counts = BTreeMap::new();
    for (employer, category, _) in people {
        *counts.entry((employer, category.to_string())).or_insert(0) += 1;
    }
    counts
}

/// Coverage figures: the required people, the trained, and the trained capped at the required
/// per employer and category (the numerator).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Coverage {
    pub required: i64,
    pub trained: i64,
    pub capped: i64,
}

impl Coverage {
    /// One employer's category: its trained capped at its required.
    pub fn of(required: i64, trained: i64) -> Coverage {
        Coverage { required, trained, capped: trained.min(required) }
    }

    pub fn plus(self, other: Coverage) -> Coverage {
        Coverage {
            required: self.required + other.required,
            trained: self.trained + other.trained,
            capped: self.capped + other.capped,
        }
    }

    /// Capped ÷ required in percent, one decimal, half up (none without anyone required).
    pub fn rate(self) -> Option<Decimal> {
        (self.required > 0).then(|| {
            let mut rate = (Decimal::from(self.capped) * Decimal::from(100) / Decimal::from(self.required))
                .round_dp_with_strategy(1, RoundingStrategy::MidpointAwayFromZero);
            // Always one decimal: 50.0%, not 50%.
            rate.rescale(1);
            rate
        })
    }

    /// How many more people must be trained to reach `target` percent (never below 0).
    pub fn gap(self, target: Decimal) -> i64 {
        let needed = (Decimal::from(self.required) * target / Decimal::from(100)).ceil();
        let needed = i64::try_from(needed).unwrap_or(self.required);
        (needed - self.capped).max(0)
    }

    pub fn meets(self, target: Decimal) -> bool {
        self.gap(target) == 0
    }

    /// The rate as pages show it: `87.5%`, or `—` without anyone required.
    pub fn shown(self) -> String {
        self.rate().map_or_else(|| "—".to_string(), |r| format!("{r}%"))
    }
}

/// Sums `(required, trained)` pairs of employer categories, capping each before summing: a
/// category trained beyond its need never makes up for another's shortfall.
pub fn capped_sum(pairs: impl IntoIterator<Item = (i64, i64)>) -> Coverage {
    pairs.into_iter().fold(Coverage::default(), |sum, (required, trained)| sum.plus(Coverage::of(required, trained)))
}

/// The session form as submitted.
#[derive(Clone, Debug, Default, Deserialize)]
pub struct SessionForm {
    /// The provider chosen from the recommended list (its id), or empty for one outside it.
    #[serde(default)]
    pub provider: String,
    /// The name of a provider outside the list (recorded and flagged 未列入目录).
    #[serde(default)]
    pub provider_name: String,
    #[serde(default)]
    pub delivery: String,
    #[serde(default)]
    pub starts_on: String,
    #[serde(default)]
    pub ends_on: String,
    #[serde(default)]
    pub hours: String,
    #[serde(default)]
    pub topic: String,
    #[serde(default)]
    pub place: String,
    /// `yes` when the session ends with an exam.
    #[serde(default)]
    pub has_exam: String,
    /// The id of the project that paid for it, if any.
    #[serde(default)]
    pub project: String,
    #[serde(default)]
    pub version: String,
    #[serde(default = "TokenField::missing")]
    pub form_token: TokenField,
}

/// A checked session.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SessionInput {
    pub cycle_first_year: i32,
    /// A provider from the recommended list; the caller checks it may be chosen and fills in
    /// `provider_name` from the list.
    pub provider: Option<i64>,
    pub provider_name: String,
    pub delivery: Delivery,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
    pub hours: Decimal,
    pub topic: String,
    pub place: String,
    pub has_exam: bool,
    pub project: Option<i64>,
}

impl SessionForm {
    /// Every field checked; the session belongs to the cycle its first day falls in.
    pub fn parse(&self, cycles: &[Cycle], today: NaiveDate) -> Result<(SessionInput, Version), FieldErrors> {
        let mut p = FormParser::default();
        let provider_id = match self.provider.trim() {
            "" => Some(None),
            raw => match raw.parse::<i64>() {
                Ok(id) if id > 0 => Some(Some(id)),
                _ => {
                    p.check("provider", false, "请从推荐清单中选择培训机构");
                    None
                }
            },
        };
        let provider = match provider_id {
            Some(Some(_)) => Some(Text::<100>::default()),
            _ if self.provider_name.trim().is_empty() => {
                p.check("provider_name", false, "请从推荐清单中选择培训机构，或填写清单外机构的名称");
                None
            }
            _ => p.value::<Text<100>>("provider_name", &self.provider_name),
        };
        let delivery = p.required::<Delivery>("delivery", &self.delivery);
        let starts = p.required::<Date>("starts_on", &self.starts_on).map(|d| d.0);
        let ends = p.required::<Date>("ends_on", &self.ends_on).map(|d| d.0);
        if let (Some(s), Some(e)) = (starts, ends) {
            p.check("ends_on", e >= s, "结束日期不能早于开始日期");
            p.check("starts_on", s <= today, "培训开始日期不能晚于今天（培训结束后录入）");
        }
        let cycle = starts.and_then(|s| crate::cycles::model::current(cycles, s));
        if starts.is_some() {
            p.check("starts_on", cycle.is_some(), "开始日期不在任何五年行动计划周期内");
        }
        let hours = match self.hours.trim().parse::<Decimal>() {
            Ok(h) if h > Decimal::ZERO && h <= Decimal::from(1000) && h.normalize().scale() <= 1 => Some(h),
            _ => {
                p.check("hours", false, "学时应大于 0、不超过 1000，最多一位小数");
                None
            }
        };
        let topic = p.required::<Text<200>>("topic", &self.topic);
        let place = p.value::<Text<200>>("place", &self.place);
        let project = match self.project.trim() {
            "" => Some(None),
            raw => match raw.parse::<i64>() {
                Ok(id) if id > 0 => Some(Some(id)),
                _ => {
                    p.check("project", false, "请选择资助本次培训的项目");
                    None
                }
            },
        };
        let version = if self.version.trim().is_empty() {
            Some(Version(1))
        } else {
            p.value::<Version>("version", &self.version)
        };
        p.finish(|| {
            Some((
                SessionInput {
                    cycle_first_year: cycle?.first_year,
                    provider: provider_id?,
                    provider_name: provider?.into_string(),
                    delivery: delivery?,
                    starts_on: starts?,
                    ends_on: ends?,
                    hours: hours?,
                    topic: topic?.into_string(),
                    place: place?.into_string(),
                    has_exam: self.has_exam == "yes",
                    project: project?,
                },
                version?,
            ))
        })
    }
}

/// The trainee form as submitted (and as an import row reads).
#[derive(Clone, Debug, Default, Deserialize)]
pub struct TraineeForm {
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub id_number: String,
    /// The employer's credit code.
    #[serde(default)]
    pub employer: String,
    #[serde(default)]
    pub category: String,
    /// `yes`, `no`, or empty (no exam, or not yet known).
    #[serde(default)]
    pub exam_passed: String,
    #[serde(default)]
    pub certificate_no: String,
    #[serde(default = "TokenField::missing")]
    pub form_token: TokenField,
}

/// A checked trainee; the employer is looked up by its credit code afterwards.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TraineeInput {
    pub name: String,
    pub id_number: IdCardNumber,
    pub employer: CreditCode,
    pub category: String,
    pub exam_passed: Option<bool>,
    pub certificate_no: String,
}

/// How an exam result is written: 是/否 or yes/no, 通过/未通过; empty for none.
pub fn exam_result(raw: &str) -> Result<Option<bool>, ()> {
    match raw.trim() {
        "" => Ok(None),
        "yes" | "是" | "通过" | "合格" => Ok(Some(true)),
        "no" | "否" | "未通过" | "不合格" => Ok(Some(false)),
        _ => Err(()),
    }
}

/// Checks an exam result (`exam_passed`) against whether the session has an exam: none or
/// unknown is always allowed, a result only where there is an exam.
fn check_exam(p: &mut FormParser, raw: &str, has_exam: bool) -> Option<Option<bool>> {
    let exam = exam_result(raw).ok();
    p.check("exam_passed", exam.is_some(), "考试结果应为“是”或“否”，未考试的留空");
    if let Some(Some(_)) = exam {
        p.check("exam_passed", has_exam, "本次培训没有考试，考试结果应留空");
    }
    exam
}

/// Why `category` is not one of an employer's categories in `cycle`, if it is not (a platform
/// position for an employer that is not a platform one, or no key position at all).
pub fn category_refusal(cycle: &Cycle, platform: bool, category: &str) -> Option<String> {
    let own = categories(cycle, platform);
    if own.contains(&category) {
        None
    } else if cycle.platform_positions.iter().any(|p| p == category) {
        Some(format!("“{category}”仅统计平台企业的人员，该单位不是平台企业。"))
    } else {
        Some(format!("应为该单位本周期的重点岗位之一：{}。", own.join("、")))
    }
}

/// A trainee's exam result and certificate, recorded after the session.
#[derive(Clone, Debug, Default, Deserialize)]
pub struct ResultForm {
    #[serde(default)]
    pub exam_passed: String,
    #[serde(default)]
    pub certificate_no: String,
}

impl ResultForm {
    pub fn parse(&self, has_exam: bool) -> Result<(Option<bool>, String), FieldErrors> {
        let mut p = FormParser::default();
        let exam = check_exam(&mut p, &self.exam_passed, has_exam);
        let certificate = p.value::<Text<50>>("certificate_no", &self.certificate_no);
        p.finish(|| Some((exam?, certificate?.into_string())))
    }
}

impl TraineeForm {
    /// Every field checked against the session: its cycle's categories (all of them; the
    /// employer's own are checked once it is found), whether it has an exam, and today (a
    /// birth date after it is impossible).
    pub fn parse_fields(&self, p: &mut FormParser, categories: &[&str], has_exam: bool) -> Option<TraineeInput> {
        let name = p.required::<Text<50>>("name", &self.name);
        let id_number = p.required::<IdCardNumber>("id_number", &self.id_number);
        let employer = p.required::<CreditCode>("employer", &self.employer);
        let category = self.category.trim();
        p.check(
            "category",
            categories.contains(&category),
            format!("人员类别应为本周期的重点岗位之一：{}", categories.join("、")),
        );
        let exam = check_exam(p, &self.exam_passed, has_exam);
        let certificate = p.value::<Text<50>>("certificate_no", &self.certificate_no);
        Some(TraineeInput {
            name: name?.into_string(),
            id_number: id_number?,
            employer: employer?,
            category: category.to_string(),
            exam_passed: exam?,
            certificate_no: certificate?.into_string(),
        })
    }

    pub fn parse(&self, categories: &[&str], has_exam: bool) -> Result<TraineeInput, FieldErrors> {
        let mut p = FormParser::default();
        let input = self.parse_fields(&mut p, categories, has_exam);
        p.finish(|| input)
    }
}

/// An employer's required people per category of a cycle, as the form posts them: the
/// categories and their counts side by side.
#[derive(Clone, Debug, Default, Deserialize)]
pub struct RequiredForm {
    #[serde(default)]
    pub cycle: String,
    #[serde(default)]
    pub category: Vec<String>,
    #[serde(default)]
    pub required: Vec<String>,
}

/// The most people one employer may require in one category.
pub const MAX_REQUIRED: i32 = 1_000_000;

/// A count of required people: a whole number from 0 (empty is 0).
pub fn required_count(raw: &str) -> Result<i32, &'static str> {
    match raw.trim().replace(',', "") {
        s if s.is_empty() => Ok(0),
        s => s.parse::<i32>().ok().filter(|n| (0..=MAX_REQUIRED).contains(n)).ok_or("应为 0 或正整数"),
    }
}

impl RequiredForm {
    /// Each posted category must be one of the employer's; each count a whole number. The
    /// errors name the category (the field is `required`, one message for the table).
    pub fn parse(&self, categories: &[&str]) -> Result<Vec<(String, i32)>, FieldErrors> {
        let mut errors = FieldErrors::default();
        let mut counts = Vec::new();
        if self.category.len() != self.required.len() {
            errors.add("required", "提交的数据不完整，请刷新页面后重新填写。");
            return Err(errors);
        }
        for (category, raw) in self.category.iter().zip(&self.required) {
            let category = category.trim();
            if !categories.contains(&category) {
                errors.add_owned("required", format!("“{category}”不是本单位本周期的重点岗位类别。"));
                continue;
            }
            match required_count(raw) {
                Ok(n) => counts.push((category.to_string(), n)),
                Err(message) => errors.add_owned("required", format!("{category}：{message}。")),
            }
        }
        if errors.is_empty() { Ok(counts) } else { Err(errors) }
    }
}

#[cfg(test)]
mod tests;
