//! Page structs of the expert pool's pages.

use askama::Template;

use super::Specialty;
use super::model::{Expert, ExpertForm};
use super::store::ExpertLine;
use crate::values::{mask, time};
use crate::web::form::{Choice, FieldErrors, choices};
use crate::web::layout::{Chrome, Crumb, Layout};
use crate::web::pagination::Pager;

fn crumb() -> Crumb {
    Crumb::link("专家库", "/experts")
}

pub struct Row {
    pub id: String,
    pub region: String,
    pub name: String,
    pub specialty: &'static str,
    pub organization: String,
    pub title: String,
    pub phone: String,
    pub available: String,
    pub account: &'static str,
    pub account_key: &'static str,
}

/// 可参加, 不参加, or away with the period.
fn availability(available: bool, from: Option<chrono::NaiveDate>, until: Option<chrono::NaiveDate>) -> String {
    let day = |d: Option<chrono::NaiveDate>| d.map(|d| d.to_string()).unwrap_or_default();
    match (available, from, until) {
        (false, _, _) => "不参加".into(),
        (true, None, None) => "可参加".into(),
        (true, f, u) => {
            format!("可参加（{} 至 {} 不能参加）", day(f), day(u)).replace("（ 至", "（至").replace("至 ）", "以后）")
        }
    }
}

#[derive(Template)]
#[template(path = "experts/list.html")]
pub struct ListPage {
    pub layout: Layout,
    pub rows: Vec<Row>,
    pub pager: Pager,
    pub show_region: bool,
    pub regions: Vec<Choice>,
    pub specialties: Vec<Choice>,
    pub region: String,
    pub specialty: String,
    pub available: bool,
    pub q: String,
}

impl ListPage {
    pub fn new(
        chrome: &Chrome,
        lines: &[ExpertLine],
        pager: Pager,
        regions: Option<Vec<Choice>>,
        (region, specialty, available, q): (String, String, bool, String),
    ) -> ListPage {
        ListPage {
            layout: chrome.layout("专家库", vec![Crumb::here("专家库")]),
            rows: lines
                .iter()
                .map(|l| Row {
                    id: l.id.to_string(),
                    region: l.region_name.clone(),
                    name: l.name.clone(),
                    specialty: l.specialty.label(),
                    organization: l.organization.clone(),
                    title: l.title.clone(),
                    phone: mask::phone(&l.phone),
                    available: availability(l.available, l.away_from, l.away_until),
                    account: l.account().label(),
                    account_key: l.account().key(),
                })
                .collect(),
            pager,
            show_region: regions.is_some(),
            regions: regions.unwrap_or_default(),
            specialties: choices::<Specialty>(),
            region,
            specialty,
            available,
            q,
        }
    }
}

#[derive(Template)]
#[template(path = "experts/detail.html")]
pub struct DetailPage {
    pub layout: Layout,
    pub expert: Expert,
    pub availability: String,
    pub may_request: bool,
    pub updated: String,
}

impl DetailPage {
    pub fn new(chrome: &Chrome, expert: Expert) -> DetailPage {
        DetailPage {
            layout: chrome.layout(expert.name.clone(), vec![crumb(), Crumb::here(expert.name.clone())]),
            availability: availability(expert.available, expert.away_from, expert.away_until),
            may_request: expert.account == super::model::AccountState::None,
            updated: time::minutes(&expert.updated_at),
            expert,
        }
    }
}

#[derive(Template)]
#[template(path = "experts/edit.html")]
pub struct EditPage {
    pub layout: Layout,
    pub action: String,
    pub back: String,
    pub form: ExpertForm,
    pub errors: FieldErrors,
    pub specialties: Vec<Choice>,
    /// Province officers choose the region of a new expert.
    pub regions: Vec<Choice>,
}

impl EditPage {
    pub fn new(
        chrome: &Chrome,
        existing: Option<&Expert>,
        regions: Vec<Choice>,
        form: ExpertForm,
        errors: FieldErrors,
    ) -> EditPage {
        let (title, action, back, crumbs) = match existing {
            Some(e) => (
                format!("修改专家信息：{}", e.name),
                format!("/experts/{}/edit", e.id),
                format!("/experts/{}", e.id),
                vec![crumb(), Crumb::link(e.name.clone(), format!("/experts/{}", e.id)), Crumb::here("修改")],
            ),
            None => ("登记专家".into(), "/experts/new".into(), "/experts".into(), vec![crumb(), Crumb::here("登记")]),
        };
        EditPage {
            layout: chrome.layout(title, crumbs),
            action,
            back,
            form,
            errors,
            specialties: choices::<Specialty>(),
            regions,
        }
    }
}
