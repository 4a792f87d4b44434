//! Page structs of the service organisations and the recommended list.

use askama::Template;
use chrono::NaiveDate;

use super::model::{
    ListingAction, ListingStatus, Organisation, OrganisationForm, OrganisationKind, Qualification, QualificationForm,
    TRANSITIONS,
};
use super::store::{DeliveredProject, DeliveredSession, OrganisationLine};
use crate::org::Region;
use crate::values::{mask, time};
use crate::web::form::{Choice, FieldErrors, choices};
use crate::web::layout::{Chrome, Crumb, Layout};
use crate::web::once;
use crate::web::pagination::Pager;
use crate::workflow::history::TimelineLine;
use crate::workflow::{available, needs_comment};

pub fn crumb() -> Crumb {
    Crumb::link("服务机构与推荐清单", "/organisations")
}

pub struct Row {
    pub id: String,
    pub name: String,
    pub credit_code: String,
    pub kind: &'static str,
    pub status: &'static str,
    pub status_key: &'static str,
    pub period: String,
    pub reason: String,
    pub regions: String,
    pub contact: String,
    pub sessions: i64,
}

/// `2026-03-01 至 2028-02-29`, `2026-03-01 起`, or empty.
pub fn period(from: Option<NaiveDate>, until: Option<NaiveDate>) -> String {
    match (from, until) {
        (Some(f), Some(u)) => format!("{f} 至 {u}"),
        (Some(f), None) => format!("{f} 起"),
        _ => String::new(),
    }
}

/// Every region served reads as 全省 when all are.
fn regions_text(names: &[String], all: usize) -> String {
    if names.len() >= all && all > 0 { "全省".into() } else { names.join("、") }
}

impl Row {
    pub fn of(l: &OrganisationLine, today: NaiveDate, region_count: usize) -> Row {
        let listing = super::model::Listing { status: l.status, from: l.listed_from, until: l.listed_until };
        Row {
            id: l.id.to_string(),
            name: l.name.clone(),
            credit_code: l.credit_code.clone(),
            kind: l.kind.label(),
            status: listing.shown_on(today),
            status_key: l.status.as_str(),
            period: period(l.listed_from, l.listed_until),
            reason: match l.status {
                ListingStatus::Suspended | ListingStatus::Removed => {
                    format!("{}{}", l.status_changed_on.map(|d| format!("{d} ")).unwrap_or_default(), l.status_reason)
                }
                _ => String::new(),
            },
            regions: regions_text(&l.regions, region_count),
            contact: format!("{} {}", l.contact_person, mask::phone(&l.contact_phone)).trim().to_string(),
            sessions: l.sessions,
        }
    }
}

#[derive(Template)]
#[template(path = "organisations/list.html")]
pub struct ListPage {
    pub layout: Layout,
    pub rows: Vec<Row>,
    pub pager: Pager,
    pub statuses: Vec<Choice>,
    pub kinds: Vec<Choice>,
    pub regions: Vec<Choice>,
    pub status: String,
    pub kind: String,
    pub region: String,
    pub q: String,
    /// Province officers register organisations and keep the list.
    pub may_keep: bool,
    /// The query of the current filter, for the export link.
    pub query: String,
    /// A city's own region, named in the explanation.
    pub own_region: Option<String>,
}

impl ListPage {
    pub fn statuses() -> Vec<Choice> {
        choices::<ListingStatus>()
    }

    pub fn kinds() -> Vec<Choice> {
        choices::<OrganisationKind>()
    }
}

pub struct ListingButton {
    pub action: &'static str,
    pub label: &'static str,
    pub danger: bool,
}

pub struct QualificationRow {
    pub id: String,
    pub name: String,
    pub number: String,
    pub issuer: String,
    pub period: String,
    pub standing: &'static str,
}

pub struct SessionRow {
    pub id: i64,
    pub region: String,
    pub dates: String,
    pub topic: String,
    pub trainees: i32,
}

pub struct ProjectRow {
    pub id: i64,
    pub region: String,
    pub year: i32,
    pub name: String,
    pub status: &'static str,
}

#[derive(Template)]
#[template(path = "organisations/detail.html")]
pub struct DetailPage {
    pub layout: Layout,
    pub org: Organisation,
    pub kind: &'static str,
    pub status: &'static str,
    pub status_key: &'static str,
    pub period: String,
    pub regions: String,
    pub phone: String,
    pub updated: String,
    pub may_keep: bool,
    pub qualifications: Vec<QualificationRow>,
    pub actions: Vec<ListingButton>,
    pub offers_period: bool,
    pub asks_comment: bool,
    pub problems: Vec<String>,
    pub timeline: Vec<TimelineLine>,
    pub form_token: String,
    pub today: String,
    pub sessions: Vec<SessionRow>,
    pub projects: Vec<ProjectRow>,
    pub qualification: QualificationForm,
    pub errors: FieldErrors,
}

/// What the detail page is built from.
pub struct Loaded {
    pub org: Organisation,
    pub qualifications: Vec<Qualification>,
    pub timeline: Vec<TimelineLine>,
    pub sessions: Vec<DeliveredSession>,
    pub projects: Vec<DeliveredProject>,
}

/// What a failed post shows on the page: the listing's problems, the qualification form back.
#[derive(Default)]
pub struct Feedback {
    pub problems: Vec<String>,
    pub qualification: QualificationForm,
    pub errors: FieldErrors,
}

impl DetailPage {
    pub fn new(chrome: &Chrome, regions: &[Region], may_keep: bool, l: Loaded, feedback: Feedback) -> DetailPage {
        let today = time::today();
        let Loaded { org, qualifications, timeline, sessions, projects } = l;
        let names: Vec<String> =
            regions.iter().filter(|r| org.regions.contains(&r.id)).map(|r| r.name.clone()).collect();
        let actions: Vec<ListingButton> = if may_keep {
            available(TRANSITIONS, org.status, crate::org::Role::ProvinceOfficer)
                .into_iter()
                .map(|a| ListingButton {
                    action: a.as_str(),
                    label: a.label(),
                    danger: matches!(a, ListingAction::Suspend | ListingAction::Remove),
                })
                .collect()
        } else {
            Vec::new()
        };
        let asks_comment = actions
            .iter()
            .any(|a| ListingAction::parse(a.action).is_some_and(|action| needs_comment(TRANSITIONS, action)));
        DetailPage {
            layout: chrome.layout(org.name.clone(), vec![crumb(), Crumb::here(org.name.clone())]),
            kind: org.kind.label(),
            status: org.listing().shown_on(today),
            status_key: org.status.as_str(),
            period: period(org.listed_from, org.listed_until),
            regions: regions_text(&names, regions.len()),
            phone: mask::phone(&org.contact_phone),
            updated: time::minutes(&org.updated_at),
            may_keep,
            qualifications: qualifications
                .iter()
                .map(|q| QualificationRow {
                    id: q.id.to_string(),
                    name: q.name.clone(),
                    number: q.number.clone(),
                    issuer: q.issuer.clone(),
                    period: period(Some(q.valid_from), q.valid_until),
                    standing: q.standing_on(today),
                })
                .collect(),
            offers_period: actions.iter().any(|a| a.action == ListingAction::List.as_str()),
            actions,
            asks_comment,
            problems: feedback.problems,
            timeline,
            form_token: once::new_token(),
            today: today.to_string(),
            sessions: sessions
                .into_iter()
                .map(|s| SessionRow {
                    id: s.id,
                    region: s.region_name,
                    dates: if s.starts_on == s.ends_on {
                        s.starts_on.to_string()
                    } else {
                        format!("{} 至 {}", s.starts_on, s.ends_on)
                    },
                    topic: s.topic,
                    trainees: s.trainees,
                })
                .collect(),
            projects: projects
                .into_iter()
                .map(|p| ProjectRow {
                    id: p.id,
                    region: p.region_name,
                    year: p.year,
                    name: p.name,
                    status: p.status.label(),
                })
                .collect(),
            qualification: feedback.qualification,
            errors: feedback.errors,
            org,
        }
    }
}

#[derive(Template)]
#[template(path = "organisations/edit.html")]
pub struct EditPage {
    pub layout: Layout,
    pub action: String,
    pub back: String,
    pub form: OrganisationForm,
    pub errors: FieldErrors,
    pub kinds: Vec<Choice>,
    pub regions: Vec<Choice>,
}

impl EditPage {
    pub fn new(
        chrome: &Chrome,
        existing: Option<&Organisation>,
        regions: &[Region],
        form: OrganisationForm,
        errors: FieldErrors,
    ) -> EditPage {
        let (title, action, back, crumbs) = match existing {
            Some(o) => (
                format!("修改服务机构：{}", o.name),
                format!("/organisations/{}/edit", o.id),
                format!("/organisations/{}", o.id),
                vec![crumb(), Crumb::link(o.name.clone(), format!("/organisations/{}", o.id)), Crumb::here("修改")],
            ),
            None => (
                "登记服务机构".into(),
                "/organisations/new".into(),
                "/organisations".into(),
                vec![crumb(), Crumb::here("登记")],
            ),
        };
        EditPage {
            layout: chrome.layout(title, crumbs),
            action,
            back,
            form,
            errors,
            kinds: choices::<OrganisationKind>(),
            regions: regions.iter().map(|r| Choice::new(r.code.clone(), r.name.clone())).collect(),
        }
    }
}
