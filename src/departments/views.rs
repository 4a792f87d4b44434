//! Page structs of the department pages.

use askama::Template;

use super::model::{ContactForm, Department, DepartmentKind, ListFilter, may_edit, may_unmask};
use crate::auth::Actor;
use crate::regions::Region;
use crate::web::form::FieldErrors;
use crate::web::layout::{Chrome, Crumb, Layout};
use crate::web::mask;
use crate::web::pagination::Pager;
use crate::web::time::shanghai;

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
            contact_person: d.contact_person,
            contact_phone_masked: mask::phone(&d.contact_phone),
        }
    }
}

#[derive(Template)]
#[template(path = "departments/list.html")]
pub struct ListPage {
    pub layout: Layout,
    pub pager: Pager,
    pub rows: Vec<Row>,
    pub regions: Vec<Region>,
    pub kinds: Vec<DepartmentKind>,
    pub filter: ListFilter,
    pub show_region_filter: bool,
}

impl ListPage {
    fn region_selected(&self, code: &str) -> bool {
        self.filter.region_code.as_deref() == Some(code)
    }

    fn kind_selected(&self, kind: &DepartmentKind) -> bool {
        self.filter.kind == Some(*kind)
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
}

impl DetailPage {
    pub fn new(chrome: &Chrome, actor: &Actor, department: Department, unmasked: bool) -> DetailPage {
        let layout = chrome.layout(
            department.name.clone(),
            vec![Crumb::link("成员单位", "/departments"), Crumb::here(department.name.clone())],
        );
        let phone = if unmasked { department.contact_phone.clone() } else { mask::phone(&department.contact_phone) };
        let offer_unmask = !unmasked && !department.contact_phone.is_empty() && may_unmask(actor, &department);
        DetailPage { layout, editable: may_edit(actor, &department), department, phone, offer_unmask }
    }

    fn updated_at(&self) -> String {
        self.department.updated_at.with_timezone(&shanghai()).format("%Y-%m-%d %H:%M").to_string()
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
                Crumb::link(department.name.clone(), format!("/departments/{}", department.id.0)),
                Crumb::here("编辑联系信息"),
            ],
        );
        EditPage { layout, department, form, errors }
    }
}
