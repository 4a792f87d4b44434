//! Page structs of the cycle pages.

use askama::Template;

use super::model::{Cycle, CycleForm};
use crate::org::DepartmentKind;
use crate::web::form::{Choice, FieldErrors};
use crate::web::layout::{Chrome, Crumb, Layout};

#[derive(Template)]
#[template(path = "cycles/list.html")]
pub struct CyclesPage {
    pub layout: Layout,
    pub cycles: Vec<Cycle>,
    pub current: Option<i32>,
}

impl CyclesPage {
    pub fn new(chrome: &Chrome, cycles: Vec<Cycle>, current: Option<i32>) -> CyclesPage {
        CyclesPage {
            layout: chrome.layout("五年行动计划周期", vec![Crumb::here("五年行动计划周期")]), cycles, current
        }
    }

    fn is_current(&self, cycle: &Cycle) -> bool {
        self.current == Some(cycle.first_year)
    }
}

#[derive(Template)]
#[template(path = "cycles/detail.html")]
pub struct CyclePage {
    pub layout: Layout,
    pub cycle: Cycle,
    pub may_edit: bool,
}

impl CyclePage {
    pub fn new(chrome: &Chrome, cycle: Cycle) -> CyclePage {
        let may_edit = chrome.viewer.person.as_ref().and_then(|p| p.role) == Some(crate::org::Role::ProvinceOfficer);
        CyclePage {
            layout: chrome
                .layout(cycle.years(), vec![Crumb::link("五年行动计划周期", "/cycles"), Crumb::here(cycle.years())]),
            cycle,
            may_edit,
        }
    }
}

/// A task row of the edit form (existing, or blank for a new one).
pub struct TaskRow {
    pub id: String,
    pub title: String,
    pub summary: String,
}

#[derive(Template)]
#[template(path = "cycles/edit.html")]
pub struct CycleEditPage {
    pub layout: Layout,
    pub year: i32,
    pub form: CycleForm,
    pub errors: FieldErrors,
    pub partners: Vec<(Choice, bool)>,
    pub tasks: Vec<TaskRow>,
}

/// Blank rows offered below the existing ones, for new tasks.
const BLANK_ROWS: usize = 3;

impl CycleEditPage {
    pub fn new(chrome: &Chrome, cycle: &Cycle, form: CycleForm, errors: FieldErrors) -> CycleEditPage {
        let partners = DepartmentKind::ALL
            .iter()
            .filter(|k| k.is_partner())
            .map(|k| (Choice::new(k.as_str(), k.label()), form.department.iter().any(|d| d == k.as_str())))
            .collect();
        let mut tasks: Vec<TaskRow> = form
            .task_title
            .iter()
            .enumerate()
            .map(|(i, title)| TaskRow {
                id: form.task_id.get(i).cloned().unwrap_or_default(),
                title: title.clone(),
                summary: form.task_summary.get(i).cloned().unwrap_or_default(),
            })
            .collect();
        tasks.extend((0..BLANK_ROWS).map(|_| TaskRow {
            id: String::new(),
            title: String::new(),
            summary: String::new(),
        }));
        CycleEditPage {
            layout: chrome.layout(
                format!("编辑 {}", cycle.years()),
                vec![
                    Crumb::link("五年行动计划周期", "/cycles"),
                    Crumb::link(cycle.years(), format!("/cycles/{}", cycle.first_year)),
                    Crumb::here("编辑"),
                ],
            ),
            year: cycle.first_year,
            form,
            errors,
            partners,
            tasks,
        }
    }
}
