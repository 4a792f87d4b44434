//! Page structs of the department pages.

use askama::Template;

use super::model::{ContactForm, Department, ListFilter, may_edit, may_unmask};
use crate::auth::Actor;
use crate::db::Scope;
use crate::org::{DepartmentKind, Region};
use crate::values::{mask, time};
use crate::web::form::{Choice, FieldErrors, choices};
use crate::web::layout::{Chrome, Crumb, Layout};
use crate::web::pagination::{Page, Pager};

/// A list row: the phone number masked, as lists show personal data.
pub struct Row {
    pub id: i64,
    pub region_name: String,
    pub kind_label: &'static str,
    pub name: String,
    pub contact_person: String,
    pub contact_phone_masked: String,
}

impl From<Department> for Row {
    fn from(d: Department) -> Self {
        Row {
            id: d.id.0,
            region_name: d.region_name,
            kind_label: d.kind.label(),
            name: d.name,
            contact_person: d.contact.contact_person,
            contact_phone_masked: mask::phone(&d.contact.contact_phone),
        }
    }
}

#[derive(Template)]
#[template(path = "departments/list.html")]
pub struct ListPage {
    pub layout: Layout,
    pub pager: Pager,
    pub rows: Vec<Row>,
    /// The region filter, for those who see more than one region.
    pub regions: Option<Vec<Choice>>,
    pub kinds: Vec<Choice>,
    pub region: String,
    pub kind: String,
}

impl ListPage {
    pub fn new(
        chrome: &Chrome,
        actor: &Actor,
        departments: Vec<Department>,
        total: i64,
        page: Page,
        regions: Vec<Region>,
        filter: ListFilter,
    ) -> ListPage {
        let regions = (actor.db().scope == Scope::Province)
            .then(|| regions.into_iter().map(|r| Choice::new(r.code, r.name)).collect());
        ListPage {
            layout: chrome.layout("成员单位", vec![Crumb::here("成员单位")]),
            pager: Pager::new(page, total, filter.to_query_string()),
            rows: departments.into_iter().map(Row::from).collect(),
            regions,
            kinds: choices::<DepartmentKind>(),
            region: filter.region_code.map(|c| c.as_str().to_string()).unwrap_or_default(),
            kind: filter.kind.map(|k| k.as_str().to_string()).unwrap_or_default(),
        }
    }
}

#[derive(Template)]
#[template(path = "departments/detail.html")]
pub struct DetailPage {
    pub layout: Layout,
    pub department: Department,
    pub editable: bool,
    /// The phone number as shown: masked unless the actor asked to see it.
    pub phone: String,
    /// The actor may unmask, and the number is still masked.
    pub offer_unmask: bool,
    pub updated_at: String,
}

impl DetailPage {
    pub fn new(chrome: &Chrome, actor: &Actor, department: Department, unmasked: bool) -> DetailPage {
        let layout = chrome.layout(
            department.name.clone(),
            vec![Crumb::link("成员单位", "/departments"), Crumb::here(department.name.clone())],
        );
        let stored = &department.contact.contact_phone;
        let phone = if unmasked { stored.clone() } else { mask::phone(stored) };
        let offer_unmask = !unmasked && !stored.is_empty() && may_unmask(actor, &department);
        DetailPage {
            layout,
            editable: may_edit(actor, &department),
            updated_at: time::minutes(&department.updated_at),
            department,
            phone,
            offer_unmask,
        }
    }
}

#[derive(Template)]
#[template(path = "departments/edit.html")]
pub struct EditPage {
    pub layout: Layout,
    pub department: Department,
    pub form: ContactForm,
    pub errors: FieldErrors,
}

impl EditPage {
    pub fn new(chrome: &Chrome, department: Department, form: ContactForm, errors: FieldErrors) -> EditPage {
        let layout = chrome.layout(
            format!("编辑 {}", department.name),
            vec![
                Crumb::link("成员单位", "/departments"),
                Crumb::link(department.name.clone(), format!("/departments/{}", department.id)),
                Crumb::here("编辑联系信息"),
            ],
        );
        EditPage { layout, department, form, errors }
    }
}
