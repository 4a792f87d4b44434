//! Page structs of the evaluations: the period's list, an evaluation with its explanation and
//! the decision, the inputs form, a region's run, and an employer's rate history.

use askama::Template;
use rust_decimal::{Decimal, RoundingStrategy};

use super::model::{
    ClassRates, DecisionForm, EvaluationStatus, HazardLevel, InputsForm, Proposal, Standardisation, period_label,
};
use super::run::RunOutcome;
use super::store::{Evaluation, EvaluationLine, HistoryLine};
use crate::industries::model::class_label;
use crate::jobs::Job;
use crate::values::{Money, time};
use crate::web::form::{Choice, FieldErrors, choices};
use crate::web::layout::{Chrome, Crumb, Layout};
use crate::web::once;
use crate::web::pagination::Pager;

pub fn crumb() -> Crumb {
    Crumb::link("浮动费率", "/rates")
}

/// A rate in % of the wage bill, as pages show it: `1.56%`.
pub fn rate(r: Option<Decimal>) -> String {
    r.map_or_else(
        || "—".to_string(),
        |r| format!("{}%", r.round_dp_with_strategy(4, RoundingStrategy::MidpointAwayFromZero).normalize()),
    )
}

/// A grade: `120%`.
pub fn grade(g: Option<i16>) -> String {
    g.map_or_else(|| "—".to_string(), |g| format!("{g}%"))
}

/// A move: `上浮2档`, `下浮1档`, `不浮动`.
pub fn moves(n: i16) -> String {
    match n {
        0 => "不浮动".to_string(),
        n if n > 0 => format!("上浮{n}档"),
        n => format!("下浮{}档", -n),
    }
}

fn yuan(d: Decimal) -> String {
    Money::from_yuan(d).map(|m| m.show_yuan()).unwrap_or_else(|_| d.to_string())
}

pub struct Row {
    pub id: String,
    pub region: String,
    pub employer: String,
    pub credit_code: String,
    pub class: String,
    pub current: String,
    pub proposed: String,
    pub decided: String,
    pub rate: String,
    pub status: &'static str,
    pub status_key: &'static str,
}

impl Row {
    pub fn of(l: &EvaluationLine) -> Row {
        Row {
            id: l.id.to_string(),
            region: l.region_name.clone(),
            employer: l.employer_name.clone(),
            credit_code: l.credit_code.clone(),
            class: l.risk_class.map(class_label).unwrap_or_else(|| "—".into()),
            current: grade(l.current_grade),
            proposed: grade(l.proposed_grade),
            decided: grade(l.final_grade),
            rate: rate(l.final_rate.or(l.proposed_rate)),
            status: l.status.label(),
            status_key: l.status.as_str(),
        }
    }
}

/// A status with how many evaluations have it, linking to the filtered list.
pub struct StatusCount {
    pub key: &'static str,
    pub label: &'static str,
    pub count: i64,
}

/// The region's latest run, shown on the list.
pub struct RunLine {
    pub id: String,
    pub status: &'static str,
    pub active: bool,
    pub percent: i64,
}

#[derive(Template)]
#[template(path = "floating_rates/list.html")]
pub struct ListPage {
    pub layout: Layout,
    pub periods: Vec<Choice>,
    pub period: String,
    pub period_label: String,
    pub regions: Vec<Choice>,
    pub region: String,
    pub show_region: bool,
    pub statuses: Vec<StatusCount>,
    pub status: String,
    pub rows: Vec<Row>,
    pub pager: Pager,
    pub may_evaluate: bool,
    pub run: Option<RunLine>,
    pub form_token: String,
}

/// One factor's line of the explanation.
pub struct FactorLine {
    pub factor: &'static str,
    pub measure: &'static str,
    pub value: String,
    pub rule: String,
    pub moves: String,
}

/// The proposal as the page explains it.
pub struct Explained {
    pub lines: Vec<FactorLine>,
    pub total: String,
    pub current: String,
    pub grade: String,
    pub rate: String,
    pub clamped: bool,
}

impl Explained {
    pub fn of(p: &Proposal) -> Explained {
        Explained {
            lines: p
                .outcomes
                .iter()
                .map(|o| FactorLine {
                    factor: o.factor.label(),
                    measure: o.factor.unit(),
                    value: o.value.shown(o.factor),
                    rule: o.rule.clone().unwrap_or_else(|| "不计（无可比数据）".into()),
                    moves: moves(o.moves),
                })
                .collect(),
            total: moves(p.total),
            current: grade(Some(p.current_grade)),
            grade: grade(Some(p.grade)),
            rate: rate(Some(p.rate)),
            clamped: p.clamped,
        }
    }
}

#[derive(Template)]
#[template(path = "floating_rates/detail.html")]
pub struct DetailPage {
    pub layout: Layout,
    pub evaluation: Evaluation,
    pub region: String,
    pub period: String,
    pub status: &'static str,
    pub inputs: Vec<(String, String)>,
    pub class: String,
    pub base_rate: String,
    pub explained: Option<Explained>,
    pub decided: Option<(String, String)>,
    pub evaluated_at: String,
    pub decided_at: String,
    pub may_evaluate: bool,
    /// Grades the class allows, for an override.
    pub grades: Vec<Choice>,
    pub form: DecisionForm,
    pub errors: FieldErrors,
    pub form_token: String,
}

impl DetailPage {
    pub fn new(
        chrome: &Chrome,
        evaluation: Evaluation,
        region: String,
        class: Option<&ClassRates>,
        may_evaluate: bool,
        (form, errors): (DecisionForm, FieldErrors),
    ) -> DetailPage {
        let title = format!("{} {}", evaluation.employer_name, period_label(evaluation.period_start));
        let years = (0..3).map(|k| evaluation.period_start + k);
        let mut inputs: Vec<(String, String)> =
            years.clone().zip(evaluation.inputs.premiums).map(|(y, v)| (format!("{y}年缴费（元）"), yuan(v))).collect();
        inputs.extend(
            years.zip(evaluation.inputs.benefits).map(|(y, v)| (format!("{y}年工伤保险待遇支出（元）"), yuan(v))),
        );
        inputs.push(("工资总额（元，末年）".into(), yuan(evaluation.inputs.wage_bill)));
        inputs.push(("认定工伤人数（评估期内）".into(), evaluation.inputs.injuries.to_string()));
        inputs.push(("职业病危害程度".into(), evaluation.inputs.hazard.label().into()));
        inputs.push(("安全生产标准化等级".into(), evaluation.inputs.standardisation.label().into()));
        let decided = evaluation.final_grade.map(|g| (grade(Some(g)), rate(evaluation.final_rate)));
        DetailPage {
            layout: chrome.layout(title.clone(), vec![crumb(), Crumb::here(title)]),
            region,
            period: period_label(evaluation.period_start),
            status: evaluation.status.label(),
            inputs,
            class: evaluation.risk_class.or(class.map(|c| c.class)).map(class_label).unwrap_or_else(|| "—".into()),
            base_rate: rate(evaluation.base_rate.or(class.map(|c| c.base_rate))),
            explained: evaluation.proposal.as_ref().map(Explained::of),
            decided,
            evaluated_at: evaluation.evaluated_at.as_ref().map(time::minutes).unwrap_or_default(),
            decided_at: evaluation.decided_at.as_ref().map(time::minutes).unwrap_or_default(),
            may_evaluate,
            grades: class
                .map(|c| {
                    c.grades
                        .iter()
                        .map(|g| Choice::new(g.to_string(), format!("{g}%（{}）", rate(Some(c.rate(*g))))))
                        .collect()
                })
                .unwrap_or_default(),
            form,
            errors,
            form_token: once::new_token(),
            evaluation,
        }
    }

    pub fn proposed(&self) -> bool {
        self.evaluation.status == EvaluationStatus::Proposed
    }
}

#[derive(Template)]
#[template(path = "floating_rates/edit.html")]
pub struct EditPage {
    pub layout: Layout,
    pub action: String,
    pub back: String,
    /// A new evaluation asks for the employer and the period.
    pub new: bool,
    pub employer: String,
    pub years: [String; 3],
    pub form: InputsForm,
    pub errors: FieldErrors,
    pub hazards: Vec<Choice>,
    pub standardisations: Vec<Choice>,
    pub form_token: String,
}

impl EditPage {
    pub fn new(chrome: &Chrome, existing: Option<&Evaluation>, mut form: InputsForm, errors: FieldErrors) -> EditPage {
        let (title, action, back, employer) = match existing {
            Some(e) => (
                "修改评估数据".to_string(),
                format!("/rates/evaluations/{}/edit", e.id),
                format!("/rates/evaluations/{}", e.id),
                format!("{}（{}）", e.employer_name, e.credit_code),
            ),
            None => ("录入评估数据".to_string(), "/rates/evaluations/new".into(), "/rates".into(), String::new()),
        };
        let start = form.period_start.trim().parse::<i32>().ok();
        let years = [0, 1, 2].map(|k| start.map_or_else(|| format!("第{}年", k + 1), |s| format!("{}年", s + k)));
        let form_token = if form.form_token.trim().is_empty() { once::new_token() } else { form.form_token.clone() };
        form.form_token = form_token.clone();
        let mut crumbs = vec![crumb()];
        if existing.is_some() {
            crumbs.push(Crumb::link(employer.clone(), back.clone()));
        }
        crumbs.push(Crumb::here(title.clone()));
        EditPage {
            layout: chrome.layout(title, crumbs),
            action,
            back,
            new: existing.is_none(),
            employer,
            years,
            form,
            errors,
            hazards: choices::<HazardLevel>(),
            standardisations: choices::<Standardisation>(),
            form_token,
        }
    }
}

#[derive(Template)]
#[template(path = "floating_rates/run.html")]
pub struct RunPage {
    pub layout: Layout,
    pub job: Job,
    pub when: String,
    pub period: String,
    pub outcome: Option<RunOutcome>,
}

impl RunPage {
    pub fn new(chrome: &Chrome, job: Job, period: i32) -> RunPage {
        let outcome = job.result.clone().and_then(|r| serde_json::from_value::<RunOutcome>(r).ok());
        RunPage {
            layout: chrome.layout(
                format!("整体测算 {}", period_label(period)),
                vec![crumb(), Crumb::here(format!("第 {} 号测算任务", job.id))],
            ),
            when: time::minutes(&job.created_at),
            period: period.to_string(),
            outcome,
            job,
        }
    }
}

pub struct HistoryRow {
    pub id: String,
    pub period: String,
    pub class: String,
    pub proposed: String,
    pub decided: String,
    pub rate: String,
    pub status: &'static str,
    pub reason: String,
    pub decided_at: String,
}

impl HistoryRow {
    pub fn of(h: &HistoryLine) -> HistoryRow {
        HistoryRow {
            id: h.id.to_string(),
            period: period_label(i32::from(h.period_start)),
            class: h.risk_class.map(class_label).unwrap_or_else(|| "—".into()),
            proposed: grade(h.proposed_grade),
            decided: grade(h.final_grade),
            rate: rate(h.final_rate),
            status: h.status.label(),
            reason: h.override_reason.clone(),
            decided_at: h.decided_at.as_ref().map(time::minutes).unwrap_or_default(),
        }
    }
}

#[derive(Template)]
#[template(path = "floating_rates/employer.html")]
pub struct EmployerPage {
    pub layout: Layout,
    pub employer_id: i64,
    pub employer: String,
    pub rows: Vec<HistoryRow>,
    pub may_evaluate: bool,
}
