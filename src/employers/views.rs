//! Page structs of the employer pages.

use askama::Template;

use super::model::{Employer, EmployerForm, EmployerSize, key_industry, may_keep, may_unmask, risk_class};
use super::store::EmployerLine;
use crate::auth::Actor;
use crate::industries::model::{Division, class_label};
use crate::key_industries::model::KeyIndustry;
use crate::reference::Reference;
use crate::values::mask;
use crate::web::form::{Choice, FieldErrors, choices};
use crate::web::layout::{Chrome, Crumb, Layout};
use crate::web::pagination::Pager;

fn crumb() -> Crumb {
    Crumb::link("用人单位", "/employers")
}

/// An employer as the list shows it.
pub struct Row {
    pub id: String,
    pub region: String,
    pub credit_code: String,
    pub name: String,
    pub division: String,
    pub key_industry: String,
    pub risk_class: String,
    pub overridden: bool,
    pub size: &'static str,
    pub headcount: i32,
    pub contact: String,
}

fn row(l: &EmployerLine, reference: &Reference, industries: &[KeyIndustry]) -> Row {
    Row {
        id: l.id.to_string(),
        region: l.region_name.clone(),
        credit_code: l.credit_code.clone(),
        name: l.name.clone(),
        division: reference.division(&l.division_code).map_or(l.division_code.clone(), Division::label),
        key_industry: key_industry(industries, &l.division_code).map(|k| k.name.clone()).unwrap_or_default(),
        risk_class: class_label(l.risk_class),
        overridden: l.overridden,
        size: l.size.label(),
        headcount: l.insured_headcount,
        contact: format!("{} {}", l.contact_person, mask::phone(&l.contact_phone)).trim().to_string(),
    }
}

/// The list's filter values as the form shows them.
#[derive(Default)]
pub struct Selected {
    pub region: String,
    pub key_industry: String,
    pub division: String,
    pub risk_class: String,
    pub size: String,
    pub q: String,
}

#[derive(Template)]
#[template(path = "employers/list.html")]
pub struct ListPage {
    pub layout: Layout,
    pub rows: Vec<Row>,
    pub pager: Pager,
    /// More than the count's cap: "超过 N 家".
    pub capped: bool,
    pub show_region: bool,
    pub regions: Vec<Choice>,
    pub key_industries: Vec<Choice>,
    pub divisions: Vec<Choice>,
    pub classes: Vec<Choice>,
    pub sizes: Vec<Choice>,
    pub selected: Selected,
    pub may_create: bool,
    pub q_hint: Option<String>,
}

impl ListPage {
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        chrome: &Chrome,
        actor: &Actor,
        reference: &Reference,
        industries: &[KeyIndustry],
        lines: &[EmployerLine],
        pager: Pager,
        capped: bool,
        selected: Selected,
        q_hint: Option<String>,
    ) -> ListPage {
        let province = actor.role == crate::org::Role::ProvinceOfficer;
        ListPage {
            layout: chrome.layout("用人单位", vec![Crumb::here("用人单位")]),
            rows: lines.iter().map(|l| row(l, reference, industries)).collect(),
            pager,
            capped,
            show_region: province,
            regions: if province {
                reference.regions.iter().map(|r| Choice::new(r.code.clone(), r.name.clone())).collect()
            } else {
                Vec::new()
            },
            key_industries: industries.iter().map(|k| Choice::new(k.reference.clone(), k.name.clone())).collect(),
            divisions: division_choices(reference),
            classes: reference
                .risk_classes
                .iter()
                .map(|c| Choice::new(c.class.to_string(), class_label(c.class)))
                .collect(),
            sizes: choices::<EmployerSize>(),
            selected,
            may_create: actor.region.as_ref().is_some_and(|r| may_keep(actor, r)),
            q_hint,
        }
    }
}

fn division_choices(reference: &Reference) -> Vec<Choice> {
    reference.divisions.iter().map(|d| Choice::new(d.code.clone(), d.label())).collect()
}

#[derive(Template)]
#[template(path = "employers/detail.html")]
pub struct DetailPage {
    pub layout: Layout,
    pub employer: Employer,
    pub division: String,
    pub key_industry: String,
    pub risk_class: String,
    pub division_class: String,
    pub class_note: String,
    pub size: &'static str,
    pub phone: String,
    pub editable: bool,
    pub offer_unmask: bool,
}

impl DetailPage {
    pub fn new(
        chrome: &Chrome,
        actor: &Actor,
        reference: &Reference,
        industries: &[KeyIndustry],
        employer: Employer,
        unmasked: bool,
    ) -> DetailPage {
        let division = reference.division(&employer.division_code);
        let class = risk_class(division, employer.risk_class_override);
        DetailPage {
            layout: chrome.layout(employer.name.clone(), vec![crumb(), Crumb::here(employer.name.clone())]),
            division: division.map_or(employer.division_code.clone(), Division::label),
            key_industry: key_industry(industries, &employer.division_code)
                .map_or("不属于重点行业".to_string(), |k| k.name.clone()),
            risk_class: class.map(class_label).unwrap_or_default(),
            division_class: division.map(|d| class_label(d.risk_class)).unwrap_or_default(),
            class_note: division.map(|d| d.class_note.clone()).unwrap_or_default(),
            size: employer.size.label(),
            phone: if unmasked { employer.contact_phone.clone() } else { mask::phone(&employer.contact_phone) },
            editable: may_keep(actor, &employer.region),
            offer_unmask: !unmasked && !employer.contact_phone.is_empty() && may_unmask(actor, &employer.region),
            employer,
        }
    }
}

#[derive(Template)]
#[template(path = "employers/edit.html")]
pub struct EditPage {
    pub layout: Layout,
    pub action: String,
    pub back: String,
    /// The credit code is the key: fixed once registered.
    pub new: bool,
    pub form: EmployerForm,
    pub errors: FieldErrors,
    pub divisions: Vec<Choice>,
    pub classes: Vec<Choice>,
    pub sizes: Vec<Choice>,
}

impl EditPage {
    pub fn new(
        chrome: &Chrome,
        reference: &Reference,
        employer: Option<&Employer>,
        form: EmployerForm,
        errors: FieldErrors,
    ) -> EditPage {
        let (title, action, back) = match employer {
            Some(e) => {
                (format!("编辑：{}", e.name), format!("/employers/{}/edit", e.id), format!("/employers/{}", e.id))
            }
            None => ("登记用人单位".to_string(), "/employers/new".to_string(), "/employers".to_string()),
        };
        EditPage {
            layout: chrome.layout(title.clone(), vec![crumb(), Crumb::here(title)]),
            action,
            back,
            new: employer.is_none(),
            form,
            errors,
            divisions: division_choices(reference),
            classes: reference
                .risk_classes
                .iter()
                .map(|c| Choice::new(c.class.to_string(), class_label(c.class)))
                .collect(),
            sizes: choices::<EmployerSize>(),
        }
    }
}
