//! The rules of a project's end: what the completion (结项) and the rectification (整改) report
//! and how their form is checked, which report each step needs, the acceptance panel's verdict
//! (评估验收: pass at an average of 60 with fewer than half the panel against), what a first
//! failure must say (what to rectify, by when), and what termination (终止) needs.

use std::str::FromStr;

use chrono::{DateTime, Months, NaiveDate, Utc};
use rust_decimal::{Decimal, RoundingStrategy};
use serde::Deserialize;

use crate::attachments::{ANY_TYPE, Attachment, AttachmentKind, SIGNED_DOCUMENT_TYPES};
use crate::projects::model::{Achieved, PanelStage, Project, ProjectStatus};
use crate::reviews::model::{Recommendation, Sheet};
use crate::web::form::FieldErrors;

/// 结项报告, uploaded before the completion is submitted.
pub const COMPLETION_REPORT: AttachmentKind =
    AttachmentKind { key: "completion_report", label: "结项报告", required: true, types: ANY_TYPE };
/// 验收报告 signed by the panel, uploaded before the acceptance is concluded.
pub const ACCEPTANCE_REPORT: AttachmentKind = AttachmentKind {
    key: "acceptance_report",
    label: "验收报告（专家组签字）",
    required: true,
    types: SIGNED_DOCUMENT_TYPES,
};
/// 整改报告, uploaded before the rectification is submitted.
pub const RECTIFICATION_REPORT: AttachmentKind =
    AttachmentKind { key: "rectification_report", label: "整改报告", required: true, types: ANY_TYPE };

pub const REPORT_KINDS: [AttachmentKind; 3] = [COMPLETION_REPORT, ACCEPTANCE_REPORT, RECTIFICATION_REPORT];

/// The report a project in `status` takes now: the completion's while under way, the
/// acceptance's while it is being accepted, the rectification's while it is rectified.
pub fn report_for(status: ProjectStatus) -> Option<AttachmentKind> {
    match status {
        ProjectStatus::InProgress => Some(COMPLETION_REPORT),
        ProjectStatus::AwaitingAcceptance | ProjectStatus::AwaitingReacceptance => Some(ACCEPTANCE_REPORT),
        ProjectStatus::Rectifying => Some(RECTIFICATION_REPORT),
        _ => None,
    }
}

/// Whether a report of `kind` was uploaded since the step opened (`since`; the completion's
/// step since ever): the second acceptance needs its own report, not the first's.
pub fn has_report(files: &[Attachment], kind: AttachmentKind, since: Option<DateTime<Utc>>) -> bool {
    files.iter().any(|f| f.kind == kind.key && since.is_none_or(|at| f.uploaded_at > at))
}

/// When the step a project in `status` waits on opened, by its acceptances (the last last):
/// an acceptance when its submission came in, a rectification when the failure was concluded.
pub fn step_opened(status: ProjectStatus, acceptances: &[&Acceptance]) -> Option<DateTime<Utc>> {
    let latest = acceptances.last()?;
    match status {
        ProjectStatus::AwaitingAcceptance | ProjectStatus::AwaitingReacceptance => Some(latest.submitted_at),
        ProjectStatus::Rectifying => latest.concluded_at,
        _ => None,
    }
}

/// One acceptance as recorded: what the region submitted and, once concluded, the result.
#[derive(Clone, Debug)]
pub struct Acceptance {
    /// 1 the acceptance after completion, 2 the second after rectification.
    pub attempt: i16,
    pub summary: String,
    pub achieved: Vec<Achieved>,
    pub completed_on: NaiveDate,
    pub submitted_by_name: String,
    pub submitted_at: DateTime<Utc>,
    pub passed: Option<bool>,
    pub average: Option<Decimal>,
    pub rectification: String,
    pub rectify_by: Option<NaiveDate>,
    pub concluded_by_name: Option<String>,
    pub concluded_at: Option<DateTime<Utc>>,
}

impl Acceptance {
    pub fn stage(&self) -> PanelStage {
        PanelStage::for_attempt(self.attempt)
    }
}

/// The least average an accepted project has.
pub fn pass_mark() -> Decimal {
    Decimal::from(60)
}

/// The panel's verdict over the submitted sheets of its sitting members.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Verdict {
    /// Rounded half away from zero to two places.
    pub average: Decimal,
    pub sheets: usize,
    pub disapprovals: usize,
    pub passed: bool,
}

/// Passes at an average of at least 60 when fewer than half the sheets say 不同意; none
/// without a sheet.
pub fn verdict(sheets: &[&Sheet]) -> Option<Verdict> {
    if sheets.is_empty() {
        return None;
    }
    let sum: Decimal = sheets.iter().map(|s| s.total).sum();
    let average = (sum / Decimal::from(sheets.len())).round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero);
    let disapprovals = sheets.iter().filter(|s| s.recommendation == Some(Recommendation::Disapprove)).count();
    Some(Verdict {
        average,
        sheets: sheets.len(),
        disapprovals,
        passed: average >= pass_mark() && disapprovals * 2 < sheets.len(),
    })
}

/// What keeps the acceptance from being concluded now, each as the page says it.
pub fn conclusion_problems(sitting: usize, submitted: usize, report: bool) -> Vec<String> {
    let mut out = Vec::new();
    if sitting == 0 {
        out.push("请先抽取验收专家。".to_string());
    } else if submitted < sitting {
        out.push(format!("验收专家组 {sitting} 人，已提交评分表 {submitted} 人，全部提交后才能办理验收结论。"));
    }
    if !report {
        out.push(format!("请先上传{}。", ACCEPTANCE_REPORT.label));
    }
    out
}

fn date_of(raw: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(raw.trim(), "%Y-%m-%d").ok()
}

/// The completion's (or the rectification's) form: the day it was done, what was done, and each
/// indicator's achieved value (parallel lists in the application's order).
#[derive(Clone, Debug, Default, Deserialize)]
pub struct CompletionForm {
    #[serde(default)]
    pub completed_on: String,
    #[serde(default)]
    pub summary: String,
    #[serde(default)]
    pub indicator: Vec<String>,
    #[serde(default)]
    pub achieved: Vec<String>,
    #[serde(default)]
    pub form_token: String,
}

/// A checked completion, ready to save.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CompletionInput {
    pub completed_on: NaiveDate,
    pub summary: String,
    pub achieved: Vec<Achieved>,
}

/// What a posted completion got wrong: the fields' messages and one per indicator row.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CompletionErrors {
    pub fields: FieldErrors,
    pub rows: Vec<Option<String>>,
}

impl CompletionErrors {
    pub fn is_empty(&self) -> bool {
        self.fields.is_empty() && self.rows.iter().all(Option::is_none)
    }
}

const SUMMARY_MAX: usize = 4000;

impl CompletionForm {
    /// A first form: today, and the values of an earlier submission if any (a rectification
    /// starts from the completion's).
    pub fn first(today: NaiveDate, project: &Project, earlier: Option<&Acceptance>) -> CompletionForm {
        CompletionForm {
            completed_on: today.to_string(),
            indicator: project.indicators.iter().map(|i| i.id.to_string()).collect(),
            achieved: project
                .indicators
                .iter()
                .map(|i| {
                    earlier
                        .and_then(|a| a.achieved.iter().find(|v| v.indicator == i.id))
                        .map(|v| v.value.normalize().to_string())
                        .unwrap_or_default()
                })
                .collect(),
            ..CompletionForm::default()
        }
    }

    /// The value typed for `indicator`.
    pub fn typed(&self, indicator: i64) -> &str {
        self.indicator
            .iter()
            .position(|i| i.trim() == indicator.to_string())
            .and_then(|n| self.achieved.get(n))
            .map_or("", String::as_str)
    }

    /// Checked against the project (every indicator needs its value, as a number) and today:
    /// done neither in the future nor before the project started.
    pub fn parse(&self, project: &Project, today: NaiveDate) -> Result<CompletionInput, CompletionErrors> {
        let mut errors =
            CompletionErrors { fields: FieldErrors::default(), rows: vec![None; project.indicators.len()] };
        let completed_on = date_of(&self.completed_on);
        match completed_on {
            None => errors.fields.add("completed_on", "请填写完成日期（如 2026-12-01）。"),
            Some(d) if d > today => errors.fields.add("completed_on", "完成日期不能晚于今天。"),
            Some(d) if project.starts_on.is_some_and(|s| d < s) => {
                errors.fields.add("completed_on", "完成日期不能早于项目开始日期。")
            }
            _ => {}
        }
        let summary = self.summary.trim().to_string();
        if summary.is_empty() {
            errors.fields.add("summary", "请填写完成情况说明。");
        } else if summary.chars().count() > SUMMARY_MAX {
            errors.fields.add("summary", "完成情况说明不能超过 4000 个字符。");
        }
        let limit = Decimal::from(1_000_000_000_000_i64);
        let mut achieved = Vec::new();
        for (row, i) in project.indicators.iter().enumerate() {
            let typed = self.typed(i.id).trim();
            let name = if i.name.is_empty() { "该指标" } else { i.name.as_str() };
            match Decimal::from_str(typed) {
                _ if typed.is_empty() => errors.rows[row] = Some(format!("请填写“{name}”的完成值。")),
                Ok(v) if v.abs() <= limit => achieved.push(Achieved { indicator: i.id, value: v.normalize() }),
                _ => errors.rows[row] = Some(format!("“{name}”的完成值应为数字。")),
            }
        }
        match completed_on {
            Some(completed_on) if errors.is_empty() => Ok(CompletionInput { completed_on, summary, achieved }),
            _ => Err(errors),
        }
    }
}

/// The conclusion's form: for a first failure, what to rectify and by when.
#[derive(Clone, Debug, Default, Deserialize)]
pub struct ConclusionForm {
    #[serde(default)]
    pub rectification: String,
    #[serde(default)]
    pub rectify_by: String,
    #[serde(default)]
    pub form_token: String,
}

/// What a first failure requires.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Rectification {
    pub what: String,
    pub by: NaiveDate,
}

impl ConclusionForm {
    /// A first failure (`asks` true) needs what to rectify (at most 2000 characters) and a
    /// deadline after today, within six months; anything else needs nothing here.
    pub fn parse(&self, asks: bool, today: NaiveDate) -> Result<Option<Rectification>, FieldErrors> {
        if !asks {
            return Ok(None);
        }
        let mut errors = FieldErrors::default();
        let what = self.rectification.trim().to_string();
        if what.is_empty() {
            errors.add("rectification", "请写明整改要求。");
        } else if what.chars().count() > 2000 {
            errors.add("rectification", "整改要求不能超过 2000 个字符。");
        }
        let latest = today.checked_add_months(Months::new(6)).unwrap_or(today);
        let by = date_of(&self.rectify_by);
        match by {
            None => errors.add("rectify_by", "请填写整改期限（如 2027-03-31）。"),
            Some(d) if d <= today => errors.add("rectify_by", "整改期限应晚于今天。"),
            Some(d) if d > latest => errors.add("rectify_by", "整改期限不能超过 6 个月。"),
            _ => {}
        }
        match by {
            Some(by) if errors.is_empty() => Ok(Some(Rectification { what, by })),
            _ => Err(errors),
        }
    }
}

/// The termination's form: the reasons, which the history keeps as the step's comment.
#[derive(Clone, Debug, Default, Deserialize)]
pub struct TerminationForm {
    #[serde(default)]
    pub reason: String,
    #[serde(default)]
    pub form_token: String,
}

impl TerminationForm {
    pub fn parse(&self) -> Result<String, FieldErrors> {
        let reason = self.reason.trim().to_string();
        let mut errors = FieldErrors::default();
        if reason.is_empty() {
            errors.add("reason", "请写明终止项目的原因。");
        } else if reason.chars().count() > 1000 {
            errors.add("reason", "终止原因不能超过 1000 个字符。");
        }
        if errors.is_empty() { Ok(reason) } else { Err(errors) }
    }
}

#[cfg(test)]
mod tests;
