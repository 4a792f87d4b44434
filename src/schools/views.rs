//! Page structs of the technical schools' pages.

use askama::Template;

use super::model::{School, SchoolForm, Share};
use super::store::SchoolLine;
use crate::web::form::{Choice, FieldErrors};
use crate::web::layout::{Chrome, Crumb, Layout};
use crate::web::pagination::Pager;

pub fn crumb() -> Crumb {
    Crumb::link("技工院校", "/schools")
}

/// One region's line of the share table (and the province's).
pub struct ShareRow {
    pub region: String,
    pub running: i64,
    pub total: i64,
    pub share: String,
    pub students: i64,
}

impl ShareRow {
    pub fn of(region: String, share: Share, students: i64) -> ShareRow {
        ShareRow { region, running: share.running, total: share.total, share: share.shown(), students }
    }
}

pub struct Row {
    pub id: String,
    pub region: String,
    pub name: String,
    pub runs_course: bool,
    pub hours: String,
    pub students: i32,
}

impl Row {
    pub fn of(l: &SchoolLine) -> Row {
        Row {
            id: l.id.to_string(),
            region: l.region_name.clone(),
            name: l.name.clone(),
            runs_course: l.runs_course,
            hours: if l.runs_course { l.course_hours.normalize().to_string() } else { String::new() },
            students: l.students_per_year,
        }
    }
}

#[derive(Template)]
#[template(path = "schools/list.html")]
pub struct ListPage {
    pub layout: Layout,
    pub years: Vec<Choice>,
    pub year: String,
    pub shares: Vec<ShareRow>,
    /// The province-wide line (province officers).
    pub province: Option<ShareRow>,
    pub rows: Vec<Row>,
    pub pager: Pager,
    pub may_keep: bool,
    pub show_region: bool,
}

#[derive(Template)]
#[template(path = "schools/edit.html")]
pub struct EditPage {
    pub layout: Layout,
    pub action: String,
    pub back: String,
    pub form: SchoolForm,
    pub errors: FieldErrors,
}

impl EditPage {
    pub fn new(chrome: &Chrome, existing: Option<&School>, form: SchoolForm, errors: FieldErrors) -> EditPage {
        let (title, action) = match existing {
            Some(s) => (format!("修改技工院校：{}", s.name), format!("/schools/{}/edit", s.id)),
            None => ("登记技工院校".to_string(), "/schools/new".to_string()),
        };
        let back = format!("/schools?year={}", form.year.trim());
        EditPage { layout: chrome.layout(title.clone(), vec![crumb(), Crumb::here(title)]), action, back, form, errors }
    }
}
