//! Page structs of the applicant pages (the list and the form; an applicant's own page, which
//! lists its applications, is the projects feature's).

use askama::Template;

use super::model::{ApplicantForm, DeclaredType};
use super::store::ApplicantLine;
use crate::reference::Reference;
use crate::values::mask;
use crate::web::form::{Choice, FieldErrors, choices};
use crate::web::layout::{Chrome, Crumb, Layout};
use crate::web::pagination::Pager;

fn crumb() -> Crumb {
    Crumb::link("申报单位", "/applicants")
}

pub struct Row {
    pub id: String,
    pub region: String,
    pub credit_code: String,
    pub name: String,
    pub unit_type: &'static str,
    pub contact: String,
    pub applications: i64,
}

#[derive(Template)]
#[template(path = "applicants/list.html")]
pub struct ListPage {
    pub layout: Layout,
    pub rows: Vec<Row>,
    pub pager: Pager,
    pub capped: bool,
    pub show_region: bool,
    pub regions: Vec<Choice>,
    pub region: String,
    pub q: String,
    pub may_create: bool,
}

impl ListPage {
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        chrome: &Chrome,
        lines: &[ApplicantLine],
        pager: Pager,
        capped: bool,
        regions: Option<Vec<Choice>>,
        (region, q): (String, String),
        may_create: bool,
    ) -> ListPage {
        ListPage {
            layout: chrome.layout("申报单位", vec![Crumb::here("申报单位")]),
            rows: lines
                .iter()
                .map(|l| Row {
                    id: l.id.to_string(),
                    region: l.region_name.clone(),
                    credit_code: l.credit_code.clone(),
                    name: l.name.clone(),
                    unit_type: l.unit_type.label(),
                    contact: format!("{} {}", l.contact_person, mask::phone(&l.contact_phone)),
                    applications: l.applications,
                })
                .collect(),
            pager,
            capped,
            show_region: regions.is_some(),
            regions: regions.unwrap_or_default(),
            region,
            q,
            may_create,
        }
    }
}

#[derive(Template)]
#[template(path = "applicants/edit.html")]
pub struct EditPage {
    pub layout: Layout,
    pub action: String,
    pub back: String,
    pub new: bool,
    pub form: ApplicantForm,
    pub errors: FieldErrors,
    pub unit_types: Vec<Choice>,
    pub divisions: Vec<Choice>,
    pub form_token: String,
    /// Where the form came from (a new application waiting for its applicant).
    pub then: String,
}

impl EditPage {
    pub fn new(
        chrome: &Chrome,
        reference: &Reference,
        existing: Option<(i64, &str)>,
        form: ApplicantForm,
        errors: FieldErrors,
        then: String,
    ) -> EditPage {
        let (title, action, back, crumbs) = match existing {
            Some((id, name)) => (
                format!("修改申报单位：{name}"),
                format!("/applicants/{id}/edit"),
                format!("/applicants/{id}"),
                vec![crumb(), Crumb::link(name.to_string(), format!("/applicants/{id}")), Crumb::here("修改")],
            ),
            None => (
                "登记申报单位".to_string(),
                "/applicants/new".to_string(),
                "/applicants".to_string(),
                vec![crumb(), Crumb::here("登记")],
            ),
        };
        EditPage {
            layout: chrome.layout(title, crumbs),
            action,
            back,
            new: existing.is_none(),
            form,
            errors,
            unit_types: choices::<DeclaredType>(),
            divisions: reference.divisions.iter().map(|d| Choice::new(d.code.clone(), d.label())).collect(),
            form_token: crate::web::once::new_token(),
            then,
        }
    }
}
