//! The rules of progress reports: a report's figures are cumulative and never fall below the
//! previous report's; spending is per cost line in 元 and never above the agreement in all; the
//! day is not in the future nor before the agreement was signed.

use chrono::{DateTime, NaiveDate, Utc};
use rust_decimal::Decimal;
use serde::Deserialize;

use crate::projects::model::{BudgetLine, Milestone};
use crate::values::Money;
use crate::web::form::FieldErrors;

id_type!(
    /// A progress report of a project.
    pub ReportId
);

/// Spending so far on one cost line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Spent {
    pub line: i64,
    pub amount: Decimal,
}

#[derive(Clone, Debug)]
pub struct Report {
    pub id: ReportId,
    pub reported_on: NaiveDate,
    pub percent: i16,
    pub milestones_done: Vec<i64>,
    pub trained: i32,
    pub sessions: i32,
    pub spending: Vec<Spent>,
    pub spent: Decimal,
    pub note: String,
    pub created_by_name: String,
    pub created_at: DateTime<Utc>,
}

#[derive(Clone, Debug, Default, Deserialize)]
pub struct ReportForm {
    #[serde(default)]
    pub reported_on: String,
    #[serde(default)]
    pub percent: String,
    #[serde(default)]
    pub milestone: Vec<String>,
    #[serde(default)]
    pub trained: String,
    #[serde(default)]
    pub sessions: String,
    #[serde(default)]
    pub line: Vec<String>,
    #[serde(default)]
    pub amount: Vec<String>,
    #[serde(default)]
    pub note: String,
    #[serde(default)]
    pub form_token: String,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewReport {
    pub reported_on: NaiveDate,
    pub percent: i16,
    pub milestones_done: Vec<i64>,
    pub trained: i32,
    pub sessions: i32,
    pub spending: Vec<Spent>,
    pub spent: Decimal,
    pub note: String,
}

impl NewReport {
    /// `完成 60%；培训 300 人次、12 场；累计支出 120,000.00 元` as the timeline says it.
    pub fn summary(&self) -> String {
        format!(
            "完成 {}%；培训 {} 人次、{} 场；累计支出 {} 元{}",
            self.percent,
            self.trained,
            self.sessions,
            Money::from_yuan(self.spent).unwrap_or_default().show_yuan(),
            if self.note.is_empty() { String::new() } else { format!("；{}", self.note) }
        )
    }
}

/// What a report is checked against.
pub struct Context<'a> {
    pub lines: &'a [BudgetLine],
    pub milestones: &'a [Milestone],
    pub previous: Option<&'a Report>,
    /// The agreement's amount and the day it was signed.
    pub agreement: (Money, NaiveDate),
    pub today: NaiveDate,
}

fn count(raw: &str) -> Option<i32> {
    raw.trim().parse::<i32>().ok().filter(|n| *n >= 0)
}

impl ReportForm {
    /// A form that starts from the previous report's figures.
    pub fn after(previous: Option<&Report>, lines: &[BudgetLine], today: NaiveDate) -> ReportForm {
        ReportForm {
            reported_on: today.to_string(),
            percent: previous.map(|r| r.percent.to_string()).unwrap_or_default(),
            milestone: previous.map(|r| r.milestones_done.iter().map(i64::to_string).collect()).unwrap_or_default(),
            trained: previous.map(|r| r.trained.to_string()).unwrap_or_else(|| "0".into()),
            sessions: previous.map(|r| r.sessions.to_string()).unwrap_or_else(|| "0".into()),
            line: lines.iter().map(|l| l.id.to_string()).collect(),
            amount: lines
                .iter()
                .map(|l| {
                    previous
                        .and_then(|r| r.spending.iter().find(|s| s.line == l.id))
                        .map(|s| s.amount.to_string())
                        .unwrap_or_else(|| "0".into())
                })
                .collect(),
            ..ReportForm::default()
        }
    }

    /// The amount typed for cost line `line`.
    pub fn typed(&self, line: i64) -> &str {
        self.line
            .iter()
            .position(|l| l.trim() == line.to_string())
            .and_then(|i| self.amount.get(i))
            .map_or("", String::as_str)
    }

    pub fn done(&self, milestone: i64) -> bool {
        self.milestone.iter().any(|m| m.trim() == milestone.to_string())
    }

    pub fn parse(&self, c: &Context<'_>) -> Result<NewReport, FieldErrors> {
        let mut errors = FieldErrors::default();
        let reported_on = NaiveDate::parse_from_str(self.reported_on.trim(), "%Y-%m-%d").ok();
        match reported_on {
            None => errors.add("reported_on", "请填写报告日期。"),
            Some(d) if d > c.today => errors.add("reported_on", "报告日期不能晚于今天。"),
            Some(d) if d < c.agreement.1 => {
                errors.add_owned("reported_on", format!("报告日期不能早于协议签订日期 {}。", c.agreement.1))
            }
            Some(d) if c.previous.is_some_and(|p| d < p.reported_on) => {
                errors.add("reported_on", "报告日期不能早于上次报告。")
            }
            _ => {}
        }
        let percent = self.percent.trim().parse::<i16>().ok().filter(|p| (0..=100).contains(p));
        match (percent, c.previous) {
            (None, _) => errors.add("percent", "完成进度应为 0–100 的整数。"),
            (Some(p), Some(prev)) if p < prev.percent => {
                errors.add_owned("percent", format!("完成进度不能低于上次报告的 {}%。", prev.percent))
            }
            _ => {}
        }
        let trained = count(&self.trained);
        let sessions = count(&self.sessions);
        match (trained, c.previous) {
            (None, _) => errors.add("trained", "培训人次应为不小于 0 的整数。"),
            (Some(t), Some(prev)) if t < prev.trained => {
                errors.add_owned("trained", format!("累计培训人次不能少于上次报告的 {}。", prev.trained))
            }
            _ => {}
        }
        match (sessions, c.previous) {
            (None, _) => errors.add("sessions", "场次应为不小于 0 的整数。"),
            (Some(s), Some(prev)) if s < prev.sessions => {
                errors.add_owned("sessions", format!("累计场次不能少于上次报告的 {}。", prev.sessions))
            }
            _ => {}
        }
        let milestones_done: Vec<i64> = c.milestones.iter().filter(|m| self.done(m.id)).map(|m| m.id).collect();
        let mut spending = Vec::new();
        let mut problems = Vec::new();
        for l in c.lines {
            // A line left empty has had nothing spent on it.
            let typed = match self.typed(l.id).trim() {
                "" => "0",
                t => t,
            };
            match Money::parse_yuan(typed) {
                Ok(m) => spending.push(Spent { line: l.id, amount: m.yuan() }),
                Err(_) => problems.push(format!("“{}”的支出应为不小于 0 的金额（元）", l.item)),
            }
        }
        let spent: Decimal = spending.iter().map(|s| s.amount).sum();
        if problems.is_empty() && spent > c.agreement.0.yuan() {
            problems.push(format!(
                "累计支出 {} 元超过协议金额 {} 元",
                Money::from_yuan(spent).unwrap_or_default().show_yuan(),
                c.agreement.0.show_yuan()
            ));
        }
        if !problems.is_empty() {
            errors.add_owned("spending", format!("{}。", problems.join("；")));
        }
        let note = self.note.trim().to_string();
        if note.chars().count() > 2000 {
            errors.add("note", "情况说明不能超过 2000 个字符。");
        }
        match (errors.is_empty(), reported_on, percent, trained, sessions) {
            (true, Some(reported_on), Some(percent), Some(trained), Some(sessions)) => {
                Ok(NewReport { reported_on, percent, milestones_done, trained, sessions, spending, spent, note })
            }
            _ => Err(errors),
        }
    }
}

#[cfg(test)]
mod tests;
