//! The rules of expert scoring: what a sheet holds, how a posted sheet is checked (a draft may be
//! partial; a submission must be whole), what an expert may see of the panel's other sheets, and
//! the panel's figures (average, spread, and the flag above the round's threshold).

use std::str::FromStr;

use chrono::{DateTime, Utc};
use rust_decimal::{Decimal, RoundingStrategy};
use serde::Deserialize;

use crate::experts::Specialty;
use crate::project_rounds::model::Criterion;
use crate::values::{Version, time};
use crate::web::form::FieldErrors;

id_type!(
    /// A panel member's scoring sheet for one project.
    pub SheetId
);

labelled_enum! {
    /// 评审建议.
    pub enum Recommendation {
        Approve => ("approve", "同意"),
        Revise => ("revise", "修改后同意"),
        Disapprove => ("disapprove", "不同意"),
    }
}

labelled_enum! {
    /// Where a member's sheet stands.
    pub enum SheetState {
        Pending => ("pending", "未填写"),
        Draft => ("draft", "草稿"),
        Submitted => ("submitted", "已提交"),
    }
}

/// One criterion's score as a sheet keeps it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Score {
    pub criterion: i64,
    pub score: Decimal,
}

/// A sheet as saved.
#[derive(Clone, Debug)]
pub struct Sheet {
    pub id: SheetId,
    pub expert_id: i64,
    pub scores: Vec<Score>,
    pub total: Decimal,
    pub recommendation: Option<Recommendation>,
    pub opinion: String,
    pub version: i32,
    pub saved_at: DateTime<Utc>,
    pub submitted_at: Option<DateTime<Utc>>,
}

impl Sheet {
    pub fn is_submitted(&self) -> bool {
        self.submitted_at.is_some()
    }

    pub fn score_of(&self, criterion: i64) -> Option<Decimal> {
        self.scores.iter().find(|s| s.criterion == criterion).map(|s| s.score)
    }
}

/// The state of a member's sheet, none saved yet being 未填写.
pub fn state_of(sheet: Option<&Sheet>) -> SheetState {
    match sheet {
        None => SheetState::Pending,
        Some(s) if s.is_submitted() => SheetState::Submitted,
        Some(_) => SheetState::Draft,
    }
}

/// A member of the panel with their sheet, as officers see them.
#[derive(Clone, Debug)]
pub struct MemberSheet {
    pub expert_id: i64,
    pub name: String,
    pub specialty: Specialty,
    pub organization: String,
    /// Replaced members' sheets are kept but never counted.
    pub sitting: bool,
    pub sheet: Option<Sheet>,
}

/// Before submitting their own sheet an expert sees nothing of the others': no score, no
/// recommendation, no opinion (the panel's judgements stay independent).
pub fn others_visible(own: Option<&Sheet>) -> bool {
    own.is_some_and(Sheet::is_submitted)
}

/// The panel's figures over the submitted totals of sitting members.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Figures {
    pub sitting: usize,
    pub submitted: usize,
    /// Rounded half away from zero to two places.
    pub average: Option<Decimal>,
    /// Highest total less lowest.
    pub spread: Option<Decimal>,
    /// The spread is above the round's threshold: the officers look again before deciding.
    pub flagged: bool,
}

pub fn figures(totals: &[Decimal], sitting: usize, threshold: i16) -> Figures {
    let average = (!totals.is_empty()).then(|| {
        let sum: Decimal = totals.iter().sum();
        (sum / Decimal::from(totals.len())).round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero)
    });
    let spread = match (totals.iter().max(), totals.iter().min()) {
        (Some(high), Some(low)) => Some(high - low),
        _ => None,
    };
    Figures {
        sitting,
        submitted: totals.len(),
        average,
        spread,
        flagged: spread.is_some_and(|s| s > Decimal::from(threshold)),
    }
}

/// The average score each criterion received over the submitted sheets, in the round's order.
pub fn criterion_averages(criteria: &[Criterion], sheets: &[&Sheet]) -> Vec<Option<Decimal>> {
    criteria
        .iter()
        .map(|c| {
            let scores: Vec<Decimal> = sheets.iter().filter_map(|s| s.score_of(c.id)).collect();
            (!scores.is_empty()).then(|| {
                (scores.iter().sum::<Decimal>() / Decimal::from(scores.len()))
                    .round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero)
            })
        })
        .collect()
}

/// The sheet form: a score per criterion (parallel lists, in the round's order), the
/// recommendation, the opinion, the version it was opened at, and which button was pressed.
#[derive(Debug, Default, Deserialize)]
pub struct SheetForm {
    #[serde(default)]
    pub criterion: Vec<String>,
    #[serde(default)]
    pub score: Vec<String>,
    #[serde(default)]
    pub recommendation: String,
    #[serde(default)]
    pub opinion: String,
    #[serde(default)]
    pub version: String,
    #[serde(default)]
    pub intent: String,
    /// The box an expert ticks to say they know a submitted sheet is final.
    #[serde(default)]
    pub final_confirmed: String,
    #[serde(default)]
    pub form_token: String,
    /// The panel the sheet is of (立项评审 unless an acceptance's).
    #[serde(default)]
    pub stage: String,
}

/// A checked sheet, ready to save.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SheetInput {
    pub scores: Vec<Score>,
    pub total: Decimal,
    pub recommendation: Option<Recommendation>,
    pub opinion: String,
    pub submit: bool,
}

/// What a posted sheet got wrong: a message per criterion row (in the round's order) and the
/// other fields' messages.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SheetErrors {
    pub rows: Vec<Option<String>>,
    pub fields: FieldErrors,
}

impl SheetErrors {
    pub fn is_empty(&self) -> bool {
        self.rows.iter().all(Option::is_none) && self.fields.is_empty()
    }
}

const OPINION_MAX: usize = 2000;

/// A score as typed: a number from 0 to the criterion's weight, at most one decimal place.
pub fn parse_score(raw: &str, c: &Criterion) -> Result<Decimal, String> {
    let score = Decimal::from_str(raw.trim()).map_err(|_| format!("“{}”的得分应为数字。", c.name))?;
    if score.is_sign_negative() || score > Decimal::from(c.weight) {
        return Err(format!("“{}”的得分应在 0 至 {} 分之间。", c.name, c.weight));
    }
    if score.normalize().scale() > 1 {
        return Err(format!("“{}”的得分最多保留一位小数。", c.name));
    }
    Ok(score.normalize())
}

impl SheetForm {
    /// The button pressed: 提交 submits, anything else saves a draft.
    pub fn submits(&self) -> bool {
        self.intent == "submit"
    }

    /// The score typed for `criterion`, if the form carries it.
    pub fn typed(&self, criterion: i64) -> &str {
        self.criterion
            .iter()
            .position(|c| c.trim() == criterion.to_string())
            .and_then(|i| self.score.get(i))
            .map_or("", String::as_str)
    }

    /// Checks the sheet against the round's criteria: a draft keeps what is given (and checks
    /// it), a submission needs every score, the recommendation, the opinion and the tick that
    /// it is final.
    pub fn parse(&self, criteria: &[Criterion]) -> Result<(SheetInput, Version), SheetErrors> {
        let submit = self.submits();
        let mut errors = SheetErrors { rows: vec![None; criteria.len()], fields: FieldErrors::default() };
        let mut scores = Vec::new();
        for (row, c) in criteria.iter().enumerate() {
            let typed = self.typed(c.id).trim();
            if typed.is_empty() {
                if submit {
                    errors.rows[row] = Some(format!("请为“{}”打分。", c.name));
                }
                continue;
            }
            match parse_score(typed, c) {
                Ok(score) => scores.push(Score { criterion: c.id, score }),
                Err(message) => errors.rows[row] = Some(message),
            }
        }
        let recommendation = match self.recommendation.trim() {
            "" => None,
            r => match Recommendation::parse(r) {
                Some(r) => Some(r),
                None => {
                    errors.fields.add("recommendation", "请选择评审建议。");
                    None
                }
            },
        };
        if submit && recommendation.is_none() && errors.fields.get("recommendation").is_none() {
            errors.fields.add("recommendation", "请选择评审建议：同意、修改后同意或不同意。");
        }
        let opinion = self.opinion.trim().to_string();
        if opinion.chars().count() > OPINION_MAX {
            errors.fields.add("opinion", "评审意见不能超过 2000 个字符。");
        } else if submit && opinion.is_empty() {
            errors.fields.add("opinion", "请填写评审意见。");
        }
        if submit && self.final_confirmed != "yes" {
            errors.fields.add("final_confirmed", "提交后评分表不能再修改，请勾选确认。");
        }
        let version = match Version::parse(&self.version) {
            Ok(v) => Some(v),
            Err(e) => {
                errors.fields.add_owned("version", e.to_string());
                None
            }
        };
        match version {
            Some(version) if errors.is_empty() => {
                let total = scores.iter().map(|s| s.score).sum();
                Ok((SheetInput { scores, total, recommendation, opinion, submit }, version))
            }
            _ => Err(errors),
        }
    }

    /// The form as a saved sheet (or a fresh one) fills it.
    pub fn of(criteria: &[Criterion], sheet: Option<&Sheet>) -> SheetForm {
        SheetForm {
            criterion: criteria.iter().map(|c| c.id.to_string()).collect(),
            score: criteria
                .iter()
                .map(|c| sheet.and_then(|s| s.score_of(c.id)).map(|d| d.to_string()).unwrap_or_default())
                .collect(),
            recommendation: sheet.and_then(|s| s.recommendation).map(|r| r.as_str().to_string()).unwrap_or_default(),
            opinion: sheet.map(|s| s.opinion.clone()).unwrap_or_default(),
            version: sheet.map_or(0, |s| s.version).to_string(),
            ..SheetForm::default()
        }
    }
}

/// `2026-11-28 14:05` for a sheet's times.
pub fn when(at: &DateTime<Utc>) -> String {
    time::minutes(at)
}

#[cfg(test)]
mod tests;
