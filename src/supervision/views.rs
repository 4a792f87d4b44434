//! The supervision list's page.

use askama::Template;

use super::Asked;
use super::model::Concern;
use super::store::WatchedProject;
use crate::projects::model::ProjectStatus;
use crate::reference::Reference;
use crate::web::form::Choice;
use crate::web::layout::{Chrome, Crumb, Layout};
use crate::web::pagination::{Page, Pager};

/// The kinds of concern, as the filter and the counts name them.
pub const KINDS: [&str; 3] = ["进度节点逾期", "超过 60 日未报告进度", "验收不通过"];

pub struct Row {
    pub id: String,
    pub region: String,
    pub name: String,
    pub applicant: String,
    pub status: ProjectStatus,
    pub amount: String,
    pub concerns: Vec<(&'static str, String)>,
}

impl Row {
    pub fn of(w: &WatchedProject, concerns: &[Concern]) -> Row {
        Row {
            id: w.id.to_string(),
            region: w.region_name.clone(),
            name: w.name.clone(),
            applicant: w.applicant(),
            status: w.watched.status,
            amount: w.approved_amount.map(|m| m.show_wan()).unwrap_or_default(),
            concerns: concerns.iter().map(|c| (c.kind(), c.describe())).collect(),
        }
    }
}

#[derive(Template)]
#[template(path = "supervision/list.html")]
pub struct ListPage {
    pub layout: Layout,
    pub province: bool,
    pub regions: Vec<Choice>,
    pub region: String,
    pub kinds: Vec<Choice>,
    pub kind: String,
    pub counts: Vec<(&'static str, usize)>,
    pub rows: Vec<Row>,
    pub pager: Pager,
    pub query: String,
}

impl ListPage {
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        chrome: &Chrome,
        reference: &Reference,
        province: bool,
        asked: &Asked,
        rows: Vec<Row>,
        counts: Vec<(&'static str, usize)>,
        page: Page,
        total: usize,
    ) -> ListPage {
        let query = asked.query();
        ListPage {
            layout: chrome.layout("项目监管", vec![Crumb::here("项目监管")]),
            province,
            regions: reference.regions.iter().map(|r| Choice::new(r.code.clone(), r.name.clone())).collect(),
            region: asked.region.as_ref().map(|r| r.code.clone()).unwrap_or_default(),
            kinds: KINDS.iter().map(|k| Choice::new(*k, *k)).collect(),
            kind: asked.kind.unwrap_or_default().to_string(),
            counts,
            rows,
            pager: Pager::new(page, i64::try_from(total).unwrap_or(i64::MAX), query.clone()),
            query,
        }
    }
}
