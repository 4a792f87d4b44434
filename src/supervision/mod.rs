//! Whole-life supervision (全过程监管): the list of projects giving cause for concern today (a
//! milestone overdue, 60 days without a progress report, a failed acceptance), for a region's
//! officers their own and for the province every region's or one's, with its Excel export.
//! The rules are in `model.rs`; the store reads the projects that may concern.

pub mod model;
pub mod store;
pub mod views;

use axum::Router;
use axum::extract::{Query, State};
use axum::response::Response;
use axum::routing::get;
use serde::Deserialize;

use self::model::{Concern, concerns};
use self::store::WatchedProject;
use self::views::{KINDS, ListPage, Row};
use crate::audit::export::{self, ExportJob};
use crate::audit::{Action, AuditContext};
use crate::auth::Actor;
use crate::db::{self, Scope};
use crate::error::AppError;
use crate::org::Region;
use crate::reference::{Ref, Reference};
use crate::state::AppState;
use crate::values::time;
use crate::web::export::{Cell, Column, Kind};
use crate::web::layout::Chrome;
use crate::web::pagination::{Page, lenient_u32};
use crate::web::render;

pub fn routes() -> Router<AppState> {
    Router::new().route("/supervision", get(list)).route("/supervision/export", get(export_list))
}

const PAGE_SIZE: u32 = 50;

#[derive(Debug, Default, Deserialize)]
pub struct ListQuery {
    #[serde(default)]
    pub region: Option<String>,
    /// One kind of concern (its label), or all.
    #[serde(default)]
    pub kind: Option<String>,
    #[serde(default, deserialize_with = "lenient_u32")]
    pub page: Option<u32>,
}

/// The region listed: the province's choice (every region without one), else the actor's own.
fn region_of<'a>(actor: &'a Actor, reference: &'a Reference, q: &ListQuery) -> Option<&'a Region> {
    match actor.db().scope {
        Scope::Province => q.region.as_deref().and_then(|c| reference.region_by_code(c.trim())),
        _ => actor.region.as_ref(),
    }
}

/// The filter as asked: the region and the kind of concern (one of [`KINDS`]).
#[derive(Clone, Debug)]
pub struct Asked {
    pub region: Option<Region>,
    pub kind: Option<&'static str>,
}

impl Asked {
    fn of(actor: &Actor, reference: &Reference, q: &ListQuery) -> Asked {
        let kind = q.kind.as_deref().and_then(|k| KINDS.iter().copied().find(|known| *known == k.trim()));
        Asked { region: region_of(actor, reference, q).cloned(), kind }
    }

    fn keeps(&self, concerns: &[Concern]) -> bool {
        !concerns.is_empty() && self.kind.is_none_or(|k| concerns.iter().any(|c| c.kind() == k))
    }

    pub fn query(&self) -> String {
        let mut query = form_urlencoded::Serializer::new(String::new());
        if let Some(r) = &self.region {
            query.append_pair("region", &r.code);
        }
        if let Some(k) = self.kind {
            query.append_pair("kind", k);
        }
        query.finish()
    }
}

/// The projects of concern today under `asked`, each with its concerns.
async fn rows(
    state: &AppState,
    actor: &Actor,
    asked: &Asked,
) -> Result<Vec<(WatchedProject, Vec<Concern>)>, sqlx::Error> {
    let mut tx = db::begin(&state.pool, actor.db()).await?;
    let watched = store::watched(&mut tx, asked.region.as_ref().map(|r| r.id)).await?;
    tx.commit().await?;
    let today = time::today();
    Ok(watched
        .into_iter()
        .map(|w| {
            let c = concerns(&w.watched, today);
            (w, c)
        })
        .filter(|(_, c)| asked.keeps(c))
        .collect())
}

/// 项目监管.
async fn list(
    State(state): State<AppState>,
    actor: Actor,
    Ref(reference): Ref,
    chrome: Chrome,
    Query(q): Query<ListQuery>,
) -> Result<Response, AppError> {
    let asked = Asked::of(&actor, &reference, &q);
    let all = rows(&state, &actor, &asked).await?;
    let page = Page::new(q.page, PAGE_SIZE);
    let counts: Vec<(&'static str, usize)> =
        KINDS.iter().map(|k| (*k, all.iter().filter(|(_, c)| c.iter().any(|c| c.kind() == *k)).count())).collect();
    let total = all.len();
    let shown: Vec<Row> = all
        .into_iter()
        .skip(usize::try_from(page.offset()).unwrap_or(usize::MAX))
        .take(PAGE_SIZE as usize)
        .map(|(w, c)| Row::of(&w, &c))
        .collect();
    let province = matches!(actor.db().scope, Scope::Province);
    render(ListPage::new(&chrome, &reference, province, &asked, shown, counts, page, total))
}

const COLUMNS: &[Column] = &[
    Column::new("地区", Kind::Text, 10.0),
    Column::new("项目名称", Kind::Text, 36.0),
    Column::new("承担单位", Kind::Text, 28.0),
    Column::new("状态", Kind::Text, 14.0),
    Column::new("核定金额（元）", Kind::Money, 16.0),
    Column::new("监管事项", Kind::Text, 24.0),
    Column::new("情况", Kind::Text, 60.0),
];

/// The list as Excel, every row under the filter.
async fn export_list(
    State(state): State<AppState>,
    actor: Actor,
    Ref(reference): Ref,
    audit: AuditContext,
    Query(q): Query<ListQuery>,
) -> Result<Response, AppError> {
    let asked = Asked::of(&actor, &reference, &q);
    let mut filters = vec![("地区", asked.region.as_ref().map_or("全部".to_string(), |r| r.name.clone()))];
    filters.push(("监管事项", asked.kind.unwrap_or("全部").to_string()));
    filters.push(("统计日期", time::today().to_string()));
    let job = ExportJob {
        title: "工伤预防项目监管清单",
        filters,
        columns: COLUMNS,
        action: Action::ExportSupervision,
        described: asked.query(),
        unmasked: false,
    };
    let (state2, actor2) = (state.clone(), actor.clone());
    // The list is computed whole by its rules (a few hundred rows): one page.
    export::export_pages(
        &state.pool,
        &audit,
        job,
        |after: Option<usize>| {
            let (state, actor, asked) = (state2.clone(), actor2.clone(), asked.clone());
            async move {
                if after.is_some() {
                    return Ok(Vec::new());
                }
                rows(&state, &actor, &asked).await
            }
        },
        |_: &(WatchedProject, Vec<Concern>)| 0usize,
        |(w, c)| {
            vec![
                w.region_name.clone().into(),
                w.name.clone().into(),
                w.applicant().into(),
                w.watched.status.label().into(),
                w.approved_amount.map(|m| Cell::Money(m.yuan())).unwrap_or(Cell::Empty),
                c.iter().map(Concern::kind).collect::<Vec<_>>().join("、").into(),
                c.iter().map(Concern::describe).collect::<Vec<_>>().join("；").into(),
            ]
        },
    )
    .await
}
