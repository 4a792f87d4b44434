//! Page structs of the industry reference pages.

use askama::Template;

use super::model::{Division, DivisionForm, RiskClass, RiskClassForm, class_label};
use crate::web::form::{Choice, FieldErrors};
use crate::web::layout::{Chrome, Crumb, Layout};

/// A risk class as the page shows it.
pub struct ClassRow {
    pub class: i16,
    pub label: String,
    pub base: String,
    /// (grade %, rate %) lowest first.
    pub grades: Vec<(i16, String)>,
    pub divisions: usize,
}

pub struct DivisionRow {
    pub code: String,
    pub name: String,
    pub class: String,
    pub note: String,
}

#[derive(Template)]
#[template(path = "industries/index.html")]
pub struct IndexPage {
    pub layout: Layout,
    pub classes: Vec<ClassRow>,
    pub divisions: Vec<DivisionRow>,
    pub may_edit: bool,
}

impl IndexPage {
    pub fn new(chrome: &Chrome, divisions: &[Division], classes: &[RiskClass], may_edit: bool) -> IndexPage {
        IndexPage {
            layout: chrome.layout("行业分类与风险类别", vec![Crumb::here("行业分类与风险类别")]),
            classes: classes
                .iter()
                .map(|c| ClassRow {
                    class: c.class,
                    label: class_label(c.class),
                    base: format!("{}%", c.base_rate_percent.normalize()),
                    grades: c.graded_rates().into_iter().map(|(g, r)| (g, format!("{r}%"))).collect(),
                    divisions: divisions.iter().filter(|d| d.risk_class == c.class).count(),
                })
                .collect(),
            divisions: divisions
                .iter()
                .map(|d| DivisionRow {
                    code: d.code.clone(),
                    name: d.name.clone(),
                    class: class_label(d.risk_class),
                    note: d.class_note.clone(),
                })
                .collect(),
            may_edit,
        }
    }
}

fn crumb() -> Crumb {
    Crumb::link("行业分类与风险类别", "/industries")
}

#[derive(Template)]
#[template(path = "industries/division.html")]
pub struct DivisionPage {
    pub layout: Layout,
    pub division: Division,
    pub classes: Vec<Choice>,
    pub form: DivisionForm,
    pub errors: FieldErrors,
}

impl DivisionPage {
    pub fn new(
        chrome: &Chrome,
        division: Division,
        classes: &[RiskClass],
        form: DivisionForm,
        errors: FieldErrors,
    ) -> DivisionPage {
        DivisionPage {
            layout: chrome.layout(
                format!("修改风险类别：{}", division.label()),
                vec![crumb(), Crumb::here(division.code.clone())],
            ),
            classes: classes
                .iter()
                .map(|c| {
                    Choice::new(
                        c.class.to_string(),
                        format!("{}（基准费率 {}%）", class_label(c.class), c.base_rate_percent.normalize()),
                    )
                })
                .collect(),
            division,
            form,
            errors,
        }
    }
}

#[derive(Template)]
#[template(path = "industries/class.html")]
pub struct ClassPage {
    pub layout: Layout,
    pub label: String,
    pub action: String,
    pub form: RiskClassForm,
    pub errors: FieldErrors,
}

impl ClassPage {
    pub fn new(chrome: &Chrome, class: &RiskClass, form: RiskClassForm, errors: FieldErrors) -> ClassPage {
        let label = class_label(class.class);
        ClassPage {
            layout: chrome.layout(format!("修改{label}基准费率"), vec![crumb(), Crumb::here(label.clone())]),
            label,
            action: format!("/risk-classes/{}/edit", class.class),
            form,
            errors,
        }
    }
}
