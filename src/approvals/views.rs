//! The approval page: the decision (its form while the application waits for it, its record
//! after), the publicity with its objections, and the province's filing.

use askama::Template;

use super::model::{DecisionForm, Objection, ObjectionForm};
use crate::projects::model::{Project, ProjectStatus};
use crate::values::{Money, time};
use crate::web::form::{Choice, FieldErrors};
use crate::web::layout::{Chrome, Crumb, Layout};
use crate::web::once;

pub struct YearRow {
    pub year: i16,
    pub requested: String,
    pub approved: String,
    pub typed: String,
}

pub struct ObjectionView {
    pub id: String,
    pub received_on: String,
    pub objector: String,
    pub content: String,
    pub recorded_by: String,
    pub open: bool,
    pub answer: String,
    pub upheld: bool,
    pub answered: String,
}

impl ObjectionView {
    fn of(o: &Objection) -> ObjectionView {
        ObjectionView {
            id: o.id.to_string(),
            received_on: o.received_on.to_string(),
            objector: o.objector.clone(),
            content: o.content.clone(),
            recorded_by: o.recorded_by_name.clone(),
            open: o.is_open(),
            answer: o.answer.clone(),
            upheld: o.upheld == Some(true),
            answered: match (&o.answered_by_name, &o.answered_at) {
                (Some(who), Some(at)) => format!("{who} · {}", time::minutes(at)),
                _ => String::new(),
            },
        }
    }
}

/// What the page offers whom, decided by the handler.
#[derive(Clone, Copy, Debug, Default)]
pub struct Offers {
    pub decide: bool,
    pub keep_publicity: bool,
    pub file: bool,
}

/// Messages a post left on the page.
#[derive(Debug, Default)]
pub struct Feedback {
    pub decision: Option<DecisionForm>,
    pub decision_errors: FieldErrors,
    pub objection: Option<ObjectionForm>,
    pub objection_errors: FieldErrors,
    /// An answer that did not parse: which objection, why.
    pub answer_error: Option<(String, String)>,
    /// A step refused with its reason (a budget, the publicity not over, a changed state).
    pub problem: Option<String>,
}

#[derive(Template)]
#[template(path = "approvals/approval.html")]
pub struct ApprovalPage {
    pub layout: Layout,
    pub project: Project,
    pub years: Vec<YearRow>,
    pub approved_total: String,
    pub approved_capitals: String,
    pub meeting: String,
    pub meetings: Vec<Choice>,
    pub publicity_days: i16,
    pub publicity_help: String,
    pub form: DecisionForm,
    pub errors: FieldErrors,
    pub objections: Vec<ObjectionView>,
    pub objection: ObjectionForm,
    pub objection_errors: FieldErrors,
    pub answer_error: Option<(String, String)>,
    pub problem: Option<String>,
    pub offers: Offers,
    pub form_token: String,
}

/// What the page is built from.
pub struct Approval {
    pub project: Project,
    pub publicity_days: i16,
    pub objections: Vec<Objection>,
    /// The region's recent joint meetings: id, day, topics.
    pub meetings: Vec<(i64, String, String)>,
    pub first_form: Option<DecisionForm>,
}

impl ApprovalPage {
    pub fn new(chrome: &Chrome, a: Approval, offers: Offers, feedback: Feedback) -> ApprovalPage {
        let p = &a.project;
        let form = feedback.decision.or(a.first_form).unwrap_or_default();
        let totals = p.totals();
        let years = totals
            .by_year
            .iter()
            .map(|(year, requested)| YearRow {
                year: *year,
                requested: requested.show_yuan(),
                approved: p
                    .approved_years
                    .iter()
                    .find(|y| y.project_year == *year)
                    .map(|y| Money::from_yuan(y.amount).unwrap_or_default().show_yuan())
                    .unwrap_or_default(),
                typed: form.typed(*year).to_string(),
            })
            .collect();
        let meeting = p.decision_meeting.clone().unwrap_or_default();
        ApprovalPage {
            layout: chrome.layout(
                "立项审定",
                vec![
                    Crumb::link("项目申报", "/projects"),
                    Crumb::link(p.title(), format!("/projects/{}", p.id)),
                    Crumb::here("立项审定"),
                ],
            ),
            years,
            approved_total: p
                .approved_amount
                .map(|m| format!("{} 元（{} 万元）", m.show_yuan(), m.show_wan()))
                .unwrap_or_default(),
            approved_capitals: p.approved_amount.map(Money::capitals).unwrap_or_default(),
            meeting,
            meetings: a
                .meetings
                .iter()
                .map(|(id, day, topics)| Choice::new(id.to_string(), format!("{day} {topics}")))
                .collect(),
            publicity_days: a.publicity_days,
            publicity_help: format!("公示期不少于 {} 个工作日，按工作日历计算（节假日不计）", a.publicity_days),
            form,
            errors: feedback.decision_errors,
            objections: a.objections.iter().map(ObjectionView::of).collect(),
            objection: feedback.objection.unwrap_or_default(),
            objection_errors: feedback.objection_errors,
            answer_error: feedback.answer_error,
            problem: feedback.problem,
            offers,
            form_token: once::new_token(),
            project: a.project,
        }
    }

    pub fn in_publicity(&self) -> bool {
        self.project.status == ProjectStatus::InPublicity
    }

    /// The publicity's last day has passed (the close is offered).
    pub fn closable(&self) -> bool {
        self.project.publicity_ends_on.is_some_and(|e| time::today() > e)
    }

    pub fn decided(&self) -> bool {
        self.project.approved_amount.is_some()
    }

    pub fn window(&self) -> String {
        match (self.project.publicity_starts_on, self.project.publicity_ends_on) {
            (Some(s), Some(e)) => format!("{s} 至 {e}"),
            _ => String::new(),
        }
    }
}
