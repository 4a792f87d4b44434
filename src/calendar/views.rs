//! Page structs of the calendar pages.

use askama::Template;

use super::model::{CalendarForm, CalendarYear};
use crate::org::Role;
use crate::web::form::FieldErrors;
use crate::web::layout::{Chrome, Crumb, Layout};

#[derive(Template)]
#[template(path = "calendar/year.html")]
pub struct CalendarPage {
    pub layout: Layout,
    pub calendar: CalendarYear,
    pub may_edit: bool,
}

impl CalendarPage {
    pub fn new(chrome: &Chrome, calendar: CalendarYear) -> CalendarPage {
        let may_edit = chrome.viewer.person.as_ref().and_then(|p| p.role) == Some(Role::ProvinceOfficer);
        CalendarPage { layout: chrome.layout("工作日历", vec![Crumb::here("工作日历")]), calendar, may_edit }
    }
}

#[derive(Template)]
#[template(path = "calendar/edit.html")]
pub struct CalendarEditPage {
    pub layout: Layout,
    pub year: i32,
    pub form: CalendarForm,
    pub errors: FieldErrors,
}

impl CalendarEditPage {
    pub fn new(chrome: &Chrome, year: i32, form: CalendarForm, errors: FieldErrors) -> CalendarEditPage {
        let title = format!("编辑 {year} 年工作日历");
        let crumbs = vec![Crumb::link("工作日历", format!("/calendar?year={year}")), Crumb::here(title.clone())];
        CalendarEditPage { layout: chrome.layout(title, crumbs), year, form, errors }
    }
}
