//! Page structs of the publicity pages and the warning-education bases.

use askama::Template;

use super::model::{ATTACHMENT_KINDS, BaseForm, CountLine, Event, EventForm, EventKind, WarningBase};
use super::store::{BaseLine, EventLine};
use crate::attachments::{self, Attachment, KindGroup};
use crate::values::time;
use crate::web::form::{Choice, FieldErrors, choices};
use crate::web::layout::{Chrome, Crumb, Layout};
use crate::web::pagination::Pager;

pub fn crumb() -> Crumb {
    Crumb::link("宣传活动", "/publicity")
}

/// `2026-06-16`, or `2026-06-01 至 2026-06-30`.
fn dates(from: chrono::NaiveDate, until: chrono::NaiveDate) -> String {
    if from == until { from.to_string() } else { format!("{from} 至 {until}") }
}

pub struct Row {
    pub id: String,
    pub region: String,
    pub dates: String,
    pub kind: &'static str,
    pub title: String,
    pub department: &'static str,
    pub audience: i32,
    pub funded: bool,
}

impl Row {
    pub fn of(l: &EventLine) -> Row {
        Row {
            id: l.id.to_string(),
            region: l.region_name.clone(),
            dates: dates(l.held_on, l.ends_on),
            kind: l.kind.label(),
            title: l.title.clone(),
            department: l.department.label(),
            audience: l.audience,
            funded: l.funded,
        }
    }
}

#[derive(Template)]
#[template(path = "publicity/list.html")]
pub struct ListPage {
    pub layout: Layout,
    pub years: Vec<Choice>,
    pub year: String,
    pub kinds: Vec<Choice>,
    pub kind: String,
    pub regions: Vec<Choice>,
    pub region: String,
    pub show_region: bool,
    pub rows: Vec<Row>,
    pub pager: Pager,
    pub may_log: bool,
}

impl ListPage {
    pub fn kinds() -> Vec<Choice> {
        choices::<EventKind>()
    }
}

#[derive(Template)]
#[template(path = "publicity/detail.html")]
pub struct DetailPage {
    pub layout: Layout,
    pub event: Event,
    pub region: String,
    pub dates: String,
    pub kind: &'static str,
    pub department: &'static str,
    pub updated: String,
    pub editable: bool,
    pub files: Vec<KindGroup>,
    pub files_base: String,
    pub upload_kinds: Vec<Choice>,
    pub upload_error: Option<String>,
    pub max_size: String,
}

impl DetailPage {
    pub fn new(
        chrome: &Chrome,
        event: Event,
        region: String,
        editable: bool,
        files: &[Attachment],
        upload_error: Option<String>,
        max_upload: usize,
    ) -> DetailPage {
        DetailPage {
            layout: chrome.layout(event.title.clone(), vec![crumb(), Crumb::here(event.title.clone())]),
            region,
            dates: dates(event.held_on, event.ends_on),
            kind: event.kind.label(),
            department: event.department.label(),
            updated: time::minutes(&event.updated_at),
            editable,
            files: attachments::group(ATTACHMENT_KINDS, files),
            files_base: format!("/publicity/{}", event.id),
            upload_kinds: ATTACHMENT_KINDS
                .iter()
                .map(|k| Choice::new(k.key, format!("{}（{}）", k.label, attachments::detect::names(k.types))))
                .collect(),
            upload_error,
            max_size: attachments::human_size(max_upload as i64),
            event,
        }
    }
}

/// What the event form offers.
pub struct EventChoices {
    /// The departments the actor may name (one for a partner officer).
    pub departments: Vec<Choice>,
    pub projects: Vec<Choice>,
}

#[derive(Template)]
#[template(path = "publicity/edit.html")]
pub struct EditPage {
    pub layout: Layout,
    pub action: String,
    pub back: String,
    pub form: EventForm,
    pub errors: FieldErrors,
    pub kinds: Vec<Choice>,
    pub departments: Vec<Choice>,
    pub projects: Vec<Choice>,
}

impl EditPage {
    pub fn new(
        chrome: &Chrome,
        existing: Option<&Event>,
        form: EventForm,
        errors: FieldErrors,
        offered: EventChoices,
    ) -> EditPage {
        let (title, action, back, crumbs) = match existing {
            Some(e) => (
                format!("修改宣传活动：{}", e.title),
                format!("/publicity/{}/edit", e.id),
                format!("/publicity/{}", e.id),
                vec![crumb(), Crumb::link(e.title.clone(), format!("/publicity/{}", e.id)), Crumb::here("修改")],
            ),
            None => (
                "登记宣传活动".into(),
                "/publicity/new".into(),
                "/publicity".into(),
                vec![crumb(), Crumb::here("登记")],
            ),
        };
        EditPage {
            layout: chrome.layout(title, crumbs),
            action,
            back,
            form,
            errors,
            kinds: choices::<EventKind>(),
            departments: offered.departments,
            projects: offered.projects,
        }
    }
}

#[derive(Template)]
#[template(path = "publicity/counts.html")]
pub struct CountsPage {
    pub layout: Layout,
    pub years: Vec<Choice>,
    pub year: String,
    pub kinds: Vec<&'static str>,
    pub lines: Vec<CountLine>,
}

pub struct BaseRow {
    pub id: String,
    pub region: String,
    pub name: String,
    pub place: String,
    pub operator: String,
    pub visitors: i32,
}

impl BaseRow {
    pub fn of(l: &BaseLine) -> BaseRow {
        BaseRow {
            id: l.id.to_string(),
            region: l.region_name.clone(),
            name: l.name.clone(),
            place: l.place.clone(),
            operator: l.operator.clone(),
            visitors: l.visitors_per_year,
        }
    }
}

#[derive(Template)]
#[template(path = "publicity/bases.html")]
pub struct BasesPage {
    pub layout: Layout,
    pub rows: Vec<BaseRow>,
    pub show_region: bool,
    pub may_keep: bool,
}

#[derive(Template)]
#[template(path = "publicity/base_edit.html")]
pub struct BaseEditPage {
    pub layout: Layout,
    pub action: String,
    pub form: BaseForm,
    pub errors: FieldErrors,
}

impl BaseEditPage {
    pub fn new(chrome: &Chrome, existing: Option<&WarningBase>, form: BaseForm, errors: FieldErrors) -> BaseEditPage {
        let (title, action) = match existing {
            Some(b) => (format!("修改警示教育基地：{}", b.name), format!("/warning-bases/{}/edit", b.id)),
            None => ("登记警示教育基地".to_string(), "/warning-bases/new".to_string()),
        };
        BaseEditPage {
            layout: chrome
                .layout(title.clone(), vec![Crumb::link("警示教育基地", "/warning-bases"), Crumb::here(title)]),
            action,
            form,
            errors,
        }
    }
}
