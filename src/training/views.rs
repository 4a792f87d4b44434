//! Page structs of the training pages: sessions, a session with its trainees, a trainee.

use askama::Template;

use super::model::{Delivery, SessionForm, TraineeForm};
use super::store::{Session, SessionLine, TraineeLine};
use crate::cycles::model::Cycle;
use crate::web::form::{Choice, FieldErrors, choices};
use crate::web::layout::{Chrome, Crumb, Layout};
use crate::web::pagination::Pager;

pub fn crumb() -> Crumb {
    Crumb::link("重点岗位培训", "/training")
}

fn session_crumb(s: &Session) -> Crumb {
    Crumb::link(format!("{} {}", s.starts_on, s.topic), format!("/training/sessions/{}", s.id))
}

/// The cycles as a filter offers them.
pub fn cycle_choices(cycles: &[Cycle]) -> Vec<Choice> {
    cycles
        .iter()
        .rev()
        .map(|c| Choice::new(c.first_year.to_string(), format!("{}—{}年", c.first_year, c.last_year)))
        .collect()
}

pub struct SessionRow {
    pub id: String,
    pub region: String,
    pub dates: String,
    pub topic: String,
    pub provider: String,
    pub provider_listed: bool,
    pub delivery: &'static str,
    pub hours: String,
    pub has_exam: bool,
    pub trainees: i32,
}

impl SessionRow {
    pub fn of(l: &SessionLine) -> SessionRow {
        SessionRow {
            id: l.id.to_string(),
            region: l.region_name.clone(),
            dates: dates(l.starts_on, l.ends_on),
            topic: l.topic.clone(),
            provider: l.provider_name.clone(),
            provider_listed: l.provider_listed,
            delivery: l.delivery.label(),
            hours: l.hours.normalize().to_string(),
            has_exam: l.has_exam,
            trainees: l.trainees,
        }
    }
}

fn dates(starts: chrono::NaiveDate, ends: chrono::NaiveDate) -> String {
    if starts == ends { starts.to_string() } else { format!("{starts} 至 {ends}") }
}

#[derive(Template)]
#[template(path = "training/sessions.html")]
pub struct SessionsPage {
    pub layout: Layout,
    pub cycles: Vec<Choice>,
    pub cycle: String,
    pub province: bool,
    pub regions: Vec<Choice>,
    pub region: String,
    pub rows: Vec<SessionRow>,
    pub pager: Pager,
    pub may_create: bool,
}

#[derive(Template)]
#[template(path = "training/session_form.html")]
pub struct SessionFormPage {
    pub layout: Layout,
    /// Where the form posts.
    pub action: String,
    pub back: String,
    pub form: SessionForm,
    pub errors: FieldErrors,
    pub deliveries: Vec<Choice>,
    pub projects: Vec<Choice>,
    /// The providers on the recommended list that serve the region.
    pub providers: Vec<Choice>,
    /// Trainees recorded: the dates' cycle and the exam setting stay.
    pub locked: bool,
}

impl SessionFormPage {
    pub fn new(
        chrome: &Chrome,
        existing: Option<&Session>,
        form: SessionForm,
        errors: FieldErrors,
        offered: super::SessionChoices,
    ) -> SessionFormPage {
        let (title, action, back, mut crumbs) = match existing {
            Some(s) => (
                "修改培训",
                format!("/training/sessions/{}/edit", s.id),
                format!("/training/sessions/{}", s.id),
                vec![crumb(), session_crumb(s)],
            ),
            None => ("录入培训", "/training/new".to_string(), "/training".to_string(), vec![crumb()]),
        };
        crumbs.push(Crumb::here(title));
        SessionFormPage {
            layout: chrome.layout(title, crumbs),
            action,
            back,
            form,
            errors,
            deliveries: choices::<Delivery>(),
            projects: offered.projects,
            providers: offered.providers,
            locked: existing.is_some_and(|s| s.trainees > 0),
        }
    }
}

pub struct TraineeRow {
    pub id: String,
    pub session: String,
    pub name: String,
    pub id_number: String,
    pub employer: String,
    pub employer_name: String,
    pub category: String,
    pub result: &'static str,
    pub certificate_no: String,
    pub when: String,
    pub topic: String,
}

/// How an exam result reads: 通过, 未通过, 待定, or nothing without an exam.
pub fn result_label(has_exam: bool, passed: Option<bool>) -> &'static str {
    match (has_exam, passed) {
        (false, _) => "（无考试）",
        (true, Some(true)) => "通过",
        (true, Some(false)) => "未通过",
        (true, None) => "待定",
    }
}

impl TraineeRow {
    /// The ID-card number masked: lists never show it in full.
    pub fn of(t: &TraineeLine) -> TraineeRow {
        TraineeRow {
            id: t.id.to_string(),
            session: t.session.to_string(),
            name: t.name.clone(),
            id_number: t.masked_id(),
            employer: t.employer.to_string(),
            employer_name: t.employer_name.clone(),
            category: t.category.clone(),
            result: result_label(t.has_exam, t.exam_passed),
            certificate_no: t.certificate_no.clone(),
            when: t.starts_on.to_string(),
            topic: t.topic.clone(),
        }
    }
}

#[derive(Template)]
#[template(path = "training/session.html")]
pub struct SessionPage {
    pub layout: Layout,
    pub session: Session,
    pub region_name: String,
    pub dates: String,
    pub rows: Vec<TraineeRow>,
    pub pager: Pager,
    pub may_keep: bool,
    pub form: TraineeForm,
    pub errors: FieldErrors,
    pub categories: Vec<Choice>,
}

impl SessionPage {
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        chrome: &Chrome,
        session: Session,
        region_name: String,
        trainees: &[TraineeLine],
        pager: Pager,
        may_keep: bool,
        categories: &[&str],
        (form, errors): (TraineeForm, FieldErrors),
    ) -> SessionPage {
        let title = format!("{} {}", session.starts_on, session.topic);
        SessionPage {
            layout: chrome.layout(title.clone(), vec![crumb(), Crumb::here(title)]),
            dates: dates(session.starts_on, session.ends_on),
            region_name,
            rows: trainees.iter().map(TraineeRow::of).collect(),
            pager,
            may_keep,
            form,
            errors,
            categories: categories.iter().map(|c| Choice::new(*c, *c)).collect(),
            session,
        }
    }
}

#[derive(Template)]
#[template(path = "training/trainee.html")]
pub struct TraineePage {
    pub layout: Layout,
    pub session: Session,
    pub trainee: TraineeRow,
    /// The number as shown: masked, or in full after an audited unmasking.
    pub id_number: String,
    pub offer_unmask: bool,
    pub may_keep: bool,
    pub exam: String,
    pub certificate_no: String,
    pub errors: FieldErrors,
}

impl TraineePage {
    pub fn new(
        chrome: &Chrome,
        session: Session,
        trainee: &TraineeLine,
        (unmasked, offer_unmask, may_keep): (bool, bool, bool),
        (exam, certificate_no, errors): (String, String, FieldErrors),
    ) -> TraineePage {
        let title = format!("学员 {}", trainee.name);
        TraineePage {
            layout: chrome.layout(title.clone(), vec![crumb(), session_crumb(&session), Crumb::here(title)]),
            id_number: if unmasked { trainee.id_number.clone() } else { trainee.masked_id() },
            offer_unmask: offer_unmask && !unmasked,
            trainee: TraineeRow::of(trainee),
            may_keep,
            exam,
            certificate_no,
            errors,
            session,
        }
    }
}
