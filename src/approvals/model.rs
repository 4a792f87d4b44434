//! The rules of a project's approval: the decision's approved amounts (never above what was
//! requested, year by year), the publicity's dates (at least the round's working days, counted
//! with the province's calendar), objections and their answers, and when the publicity may close.

use std::str::FromStr;

use chrono::{DateTime, NaiveDate, Utc};
use rust_decimal::Decimal;
use serde::Deserialize;

use crate::values::{Money, Version};
use crate::web::deadline::Calendar;
use crate::web::form::FieldErrors;

id_type!(
    /// An objection received during a project's publicity.
    pub ObjectionId
);

/// An objection as recorded, and its answer once given.
#[derive(Clone, Debug)]
pub struct Objection {
    pub id: ObjectionId,
    pub received_on: NaiveDate,
    pub objector: String,
    pub content: String,
    pub recorded_by_name: String,
    pub answer: String,
    pub upheld: Option<bool>,
    pub answered_by_name: Option<String>,
    pub answered_at: Option<DateTime<Utc>>,
}

impl Objection {
    pub fn is_open(&self) -> bool {
        self.upheld.is_none()
    }
}

/// The last day a publicity starting on `start` may end on at the earliest: its `days`th
/// working day (the first being `start` if it is one, else the next).
pub fn earliest_end(calendar: &Calendar, start: NaiveDate, days: i16) -> NaiveDate {
    let first = if calendar.is_working_day(start) { start } else { calendar.add_working_days(start, 1) };
    calendar.add_working_days(first, days.max(1) as u32 - 1)
}

/// The decision form: an approved amount (元) per project year, the publicity's dates, the joint
/// meeting that decided (optional), an opinion, and which button was pressed.
#[derive(Clone, Debug, Default, Deserialize)]
pub struct DecisionForm {
    #[serde(default)]
    pub year: Vec<String>,
    #[serde(default)]
    pub amount: Vec<String>,
    #[serde(default)]
    pub publicity_starts_on: String,
    #[serde(default)]
    pub publicity_ends_on: String,
    #[serde(default)]
    pub meeting: String,
    #[serde(default)]
    pub comment: String,
    #[serde(default)]
    pub intent: String,
    #[serde(default)]
    pub version: String,
    #[serde(default)]
    pub form_token: String,
}

/// A checked decision.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Decision {
    Approve(Approval),
    Reject { reason: String },
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Approval {
    pub years: Vec<(i16, Decimal)>,
    pub total: Decimal,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
    pub meeting: Option<i64>,
    pub comment: String,
}

/// What the decision is checked against.
pub struct Context<'a> {
    /// The requested amount of each project year.
    pub requested: &'a [(i16, Money)],
    pub calendar: &'a Calendar,
    pub publicity_days: i16,
    pub today: NaiveDate,
    /// The joint meetings that may be named.
    pub meetings: &'a [i64],
}

fn amount_of(raw: &str) -> Option<Decimal> {
    Decimal::from_str(raw.trim()).ok().filter(|d| !d.is_sign_negative() && d.normalize().scale() <= 2)
}

fn date_of(raw: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(raw.trim(), "%Y-%m-%d").ok()
}

impl DecisionForm {
    /// The form as the page first shows it: every year's requested amount, the publicity from
    /// the next working day for the round's days, no meeting, at the project's `version`.
    pub fn new(c: &Context<'_>, version: i32) -> DecisionForm {
        let start = c.calendar.add_working_days(c.today, 1);
        DecisionForm {
            version: version.to_string(),
            year: c.requested.iter().map(|(y, _)| y.to_string()).collect(),
            amount: c.requested.iter().map(|(_, m)| m.yuan().to_string()).collect(),
            publicity_starts_on: start.to_string(),
            publicity_ends_on: earliest_end(c.calendar, start, c.publicity_days).to_string(),
            ..DecisionForm::default()
        }
    }

    pub fn approves(&self) -> bool {
        self.intent == "approve"
    }

    /// The amount typed for project year `year`.
    pub fn typed(&self, year: i16) -> &str {
        self.year
            .iter()
            .position(|y| y.trim() == year.to_string())
            .and_then(|i| self.amount.get(i))
            .map_or("", String::as_str)
    }

    pub fn parse(&self, c: &Context<'_>) -> Result<(Decision, Version), FieldErrors> {
        let mut errors = FieldErrors::default();
        let version = Version::parse(&self.version).map_err(|e| e.to_string());
        if let Err(message) = &version {
            errors.add_owned("version", message.clone());
        }
        let comment = self.comment.trim().to_string();
        if comment.chars().count() > 2000 {
            errors.add("comment", "意见不能超过 2000 个字符。");
        }
        if !self.approves() {
            if comment.is_empty() {
                errors.add("comment", "不予立项须写明理由。");
            }
            return match (errors.is_empty(), version) {
                (true, Ok(v)) => Ok((Decision::Reject { reason: comment }, v)),
                _ => Err(errors),
            };
        }
        let mut years = Vec::new();
        let mut problems = Vec::new();
        for (year, requested) in c.requested {
            match amount_of(self.typed(*year)) {
                None => problems.push(format!("第 {year} 年度核定金额应为不小于 0、最多两位小数的金额（元）")),
                Some(a) if a > requested.yuan() => problems.push(format!(
                    "第 {year} 年度核定金额 {} 元超过申请金额 {} 元",
                    Money::from_yuan(a).unwrap_or_default().show_yuan(),
                    requested.show_yuan()
                )),
                Some(a) => years.push((*year, a)),
            }
        }
        let total: Decimal = years.iter().map(|(_, a)| *a).sum();
        if problems.is_empty() && total.is_zero() {
            problems.push("核定金额合计应大于 0；不同意立项请点“不予立项”".to_string());
        }
        if !problems.is_empty() {
            errors.add_owned("amount", format!("{}。", problems.join("；")));
        }
        let starts_on = date_of(&self.publicity_starts_on);
        let ends_on = date_of(&self.publicity_ends_on);
        match starts_on {
            None => errors.add("publicity_starts_on", "请填写公示开始日期（如 2026-12-01）。"),
            Some(s) if s < c.today => errors.add("publicity_starts_on", "公示开始日期不能早于今天。"),
            _ => {}
        }
        match (starts_on, ends_on) {
            (_, None) => errors.add("publicity_ends_on", "请填写公示结束日期（如 2026-12-07）。"),
            (Some(s), Some(e)) if e < earliest_end(c.calendar, s, c.publicity_days) => errors.add_owned(
                "publicity_ends_on",
                format!(
                    "公示期不少于 {} 个工作日：自 {s} 起最早到 {}（按工作日历，节假日不计）。",
                    c.publicity_days,
                    earliest_end(c.calendar, s, c.publicity_days)
                ),
            ),
            _ => {}
        }
        let meeting = match self.meeting.trim() {
            "" => None,
            m => match m.parse::<i64>().ok().filter(|id| c.meetings.contains(id)) {
                Some(id) => Some(id),
                None => {
                    errors.add("meeting", "请从列表中选择作出决定的联席会议。");
                    None
                }
            },
        };
        match (errors.is_empty(), version, starts_on, ends_on) {
            (true, Ok(version), Some(starts_on), Some(ends_on)) => {
                Ok((Decision::Approve(Approval { years, total, starts_on, ends_on, meeting, comment }), version))
            }
            _ => Err(errors),
        }
    }
}

/// An objection as typed.
#[derive(Clone, Debug, Default, Deserialize)]
pub struct ObjectionForm {
    #[serde(default)]
    pub received_on: String,
    #[serde(default)]
    pub objector: String,
    #[serde(default)]
    pub content: String,
    #[serde(default)]
    pub form_token: String,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewObjection {
    pub received_on: NaiveDate,
    pub objector: String,
    pub content: String,
}

impl ObjectionForm {
    /// Checked against the publicity's window: received from its first day to its last (and
    /// not after today).
    pub fn parse(&self, window: (NaiveDate, NaiveDate), today: NaiveDate) -> Result<NewObjection, FieldErrors> {
        let mut errors = FieldErrors::default();
        let received_on = date_of(&self.received_on);
        match received_on {
            None => errors.add("received_on", "请填写收到异议的日期。"),
            Some(d) if d < window.0 || d > window.1 || d > today => errors.add_owned(
                "received_on",
                format!("异议应在公示期内（{} 至 {}）收到，且不晚于今天。", window.0, window.1),
            ),
            _ => {}
        }
        let objector = self.objector.trim().to_string();
        if objector.is_empty() || objector.chars().count() > 100 {
            errors.add("objector", "请填写异议人（单位或个人，匿名可写“匿名”），不超过 100 个字符。");
        }
        let content = self.content.trim().to_string();
        if content.is_empty() || content.chars().count() > 2000 {
            errors.add("content", "请填写异议内容，不超过 2000 个字符。");
        }
        match (errors.is_empty(), received_on) {
            (true, Some(received_on)) => Ok(NewObjection { received_on, objector, content }),
            _ => Err(errors),
        }
    }
}

/// The answer to an objection: what was found, and whether it is upheld.
#[derive(Clone, Debug, Default, Deserialize)]
pub struct AnswerForm {
    #[serde(default)]
    pub answer: String,
    #[serde(default)]
    pub upheld: String,
    #[serde(default)]
    pub form_token: String,
}

impl AnswerForm {
    pub fn parse(&self) -> Result<(String, bool), String> {
        let answer = self.answer.trim().to_string();
        if answer.is_empty() || answer.chars().count() > 2000 {
            return Err("请填写核查答复，不超过 2000 个字符。".into());
        }
        match self.upheld.as_str() {
            "yes" => Ok((answer, true)),
            "no" => Ok((answer, false)),
            _ => Err("请选择异议是否成立。".into()),
        }
    }
}

/// Why the publicity cannot close on `today`, if it cannot: not before its last day has passed,
/// and never with an objection unanswered.
pub fn close_refusal(today: NaiveDate, ends_on: NaiveDate, open_objections: usize) -> Option<String> {
    if today <= ends_on {
        return Some(format!("公示期至 {ends_on} 结束，期满后才能办理。"));
    }
    (open_objections > 0).then(|| format!("还有 {open_objections} 条异议尚未答复，答复后才能结束公示。"))
}

#[cfg(test)]
mod tests;
