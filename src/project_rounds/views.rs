//! Page structs of the round pages.

use askama::Template;

use super::model::{DOCUMENT_KINDS, Round, RoundForm, Window};
use super::store::RoundLine;
use crate::key_industries::model::KeyIndustry;
use crate::values::time;
use crate::web::form::{Choice, FieldErrors};
use crate::web::layout::{Chrome, Crumb, Layout};

fn crumb() -> Crumb {
    Crumb::link("申报批次", "/project-rounds")
}

pub struct Row {
    pub id: String,
    pub region: String,
    pub year: i16,
    pub title: String,
    pub dates: String,
    pub window: &'static str,
    pub open: bool,
    pub applications: i64,
    pub submitted: i64,
}

#[derive(Template)]
#[template(path = "project_rounds/list.html")]
pub struct ListPage {
    pub layout: Layout,
    pub rows: Vec<Row>,
    pub show_region: bool,
    pub regions: Vec<Choice>,
    pub years: Vec<Choice>,
    pub region: String,
    pub year: String,
    pub may_create: bool,
}

impl ListPage {
    pub fn new(
        chrome: &Chrome,
        lines: &[RoundLine],
        regions: Option<Vec<Choice>>,
        (region, year): (String, String),
        may_create: bool,
    ) -> ListPage {
        let today = time::today();
        let this_year = chrono::Datelike::year(&today);
        ListPage {
            layout: chrome.layout("申报批次", vec![Crumb::here("申报批次")]),
            rows: lines
                .iter()
                .map(|l| {
                    let w = super::model::window(l.opens_on, l.closes_on, today);
                    Row {
                        id: l.id.to_string(),
                        region: l.region_name.clone(),
                        year: l.year,
                        title: l.title.clone(),
                        dates: format!("{} 至 {}", l.opens_on, l.closes_on),
                        window: w.label(),
                        open: w == Window::Open,
                        applications: l.applications,
                        submitted: l.submitted,
                    }
                })
                .collect(),
            show_region: regions.is_some(),
            regions: regions.unwrap_or_default(),
            years: (this_year - 5..=this_year + 1)
                .rev()
                .map(|y| Choice::new(y.to_string(), format!("{y}年")))
                .collect(),
            region,
            year,
            may_create,
        }
    }
}

#[derive(Template)]
#[template(path = "project_rounds/detail.html")]
pub struct DetailPage {
    pub layout: Layout,
    pub id: String,
    pub round: Round,
    pub window: &'static str,
    pub key_industries: Vec<String>,
    pub documents: Vec<(&'static str, bool)>,
    pub total_weight: i32,
    pub panel: String,
    pub may_edit: bool,
}

impl DetailPage {
    pub fn new(chrome: &Chrome, round: Round, industries: &[KeyIndustry], may_edit: bool) -> DetailPage {
        let name = |r: &String| industries.iter().find(|k| &k.reference == r).map_or(r.clone(), |k| k.name.clone());
        DetailPage {
            layout: chrome.layout(round.full_title(), vec![crumb(), Crumb::here(round.title.clone())]),
            id: round.id.to_string(),
            window: round.window(time::today()).label(),
            key_industries: round.key_industries.iter().map(name).collect(),
            documents: DOCUMENT_KINDS
                .iter()
                .map(|k| (k.label, round.required_kinds.iter().any(|r| r == k.key)))
                .collect(),
            total_weight: round.criteria.iter().map(|c| i32::from(c.weight)).sum(),
            panel: {
                let size: u32 = round.panel_mix.iter().map(|n| u32::from(n.count)).sum();
                let parts: Vec<String> =
                    round.panel_mix.iter().map(|n| format!("{} {} 名", n.specialty.label(), n.count)).collect();
                format!(
                    "每个项目 {size} 名：{}；总分分差超过 {} 分时提示；立项公示不少于 {} 个工作日",
                    parts.join("、"),
                    round.spread_threshold,
                    round.publicity_days
                )
            },
            may_edit,
            round,
        }
    }
}

pub struct CriterionRow {
    pub id: String,
    pub name: String,
    pub weight: String,
}

#[derive(Template)]
#[template(path = "project_rounds/edit.html")]
pub struct EditPage {
    pub layout: Layout,
    pub action: String,
    pub back: String,
    pub form: RoundForm,
    pub errors: FieldErrors,
    pub industries: Vec<(Choice, bool)>,
    pub documents: Vec<(Choice, bool)>,
    pub criteria: Vec<CriterionRow>,
    /// Each specialty with the count of experts a panel draws of it.
    pub panel: Vec<(String, &'static str, String)>,
    pub form_token: String,
}

impl EditPage {
    pub fn new(
        chrome: &Chrome,
        existing: Option<&Round>,
        industries: &[KeyIndustry],
        form: RoundForm,
        errors: FieldErrors,
    ) -> EditPage {
        let (title, action, back, crumbs) = match existing {
            Some(r) => (
                format!("修改申报批次：{}", r.title),
                format!("/project-rounds/{}/edit", r.id),
                format!("/project-rounds/{}", r.id),
                vec![crumb(), Crumb::link(r.title.clone(), format!("/project-rounds/{}", r.id)), Crumb::here("修改")],
            ),
            None => (
                "新建申报批次".to_string(),
                "/project-rounds/new".to_string(),
                "/project-rounds".to_string(),
                vec![crumb(), Crumb::here("新建")],
            ),
        };
        let mut criteria: Vec<CriterionRow> = form
            .criterion_name
            .iter()
            .enumerate()
            .map(|(i, name)| CriterionRow {
                id: form.criterion_id.get(i).cloned().unwrap_or_default(),
                name: name.clone(),
                weight: form.criterion_weight.get(i).cloned().unwrap_or_default(),
            })
            .collect();
        // Room for two more criteria without a script.
        for _ in 0..2 {
            criteria.push(CriterionRow { id: String::new(), name: String::new(), weight: String::new() });
        }
        EditPage {
            layout: chrome.layout(title, crumbs),
            action,
            back,
            industries: industries
                .iter()
                .map(|k| (Choice::new(k.reference.clone(), k.name.clone()), form.key_industry.contains(&k.reference)))
                .collect(),
            documents: DOCUMENT_KINDS
                .iter()
                .map(|k| (Choice::new(k.key, k.label), form.required.iter().any(|r| r == k.key)))
                .collect(),
            criteria,
            panel: crate::experts::Specialty::ALL
                .iter()
                .enumerate()
                .map(|(i, s)| {
                    (format!("panel_{}", s.as_str()), s.label(), form.panel_count.get(i).cloned().unwrap_or_default())
                })
                .collect(),
            form_token: crate::web::once::new_token(),
            form,
            errors,
        }
    }
}
