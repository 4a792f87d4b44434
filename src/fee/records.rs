//! The records behind a region's budget-year figures (资金明细): the ledger's allocations,
//! commitments and releases of that budget year and the payments made in that calendar year,
//! filtered by kind and use, so every figure of the fee page and the execution tables links to
//! exactly the rows it sums. With its Excel export.

use askama::Template;
use axum::Router;
use axum::extract::{Query, State};
use axum::response::Response;
use axum::routing::get;
use rust_decimal::Decimal;
use serde::Deserialize;

use super::model::{Category, EntryKind};
use super::store::{self, RecordFilter, RecordLine};
use crate::audit::export::{self, BATCH, ExportJob};
use crate::audit::{Action, AuditContext};
use crate::auth::Actor;
use crate::db;
use crate::error::AppError;
use crate::org::Region;
use crate::reference::{Ref, Reference};
use crate::state::AppState;
use crate::values::Money;
use crate::web::export::{Cell, Column, Kind};
use crate::web::form::Choice;
use crate::web::layout::{Chrome, Crumb, Layout};
use crate::web::pagination::{Page, Pager, lenient_u32};
use crate::web::render;

pub fn routes() -> Router<AppState> {
    Router::new().route("/fee/records", get(list)).route("/fee/records/export", get(export_list))
}

const PAGE_SIZE: u32 = 50;

/// The kinds of record a figure sums: the ledger's three and the payments.
pub const KINDS: [(&str, &str); 4] =
    [("allocation", "安排"), ("commitment", "跨年度承诺"), ("release", "释放"), ("payment", "拨付")];

fn kind_label(kind: &str) -> &'static str {
    KINDS.iter().find(|(k, _)| *k == kind).map_or("", |(_, label)| label)
}

#[derive(Debug, Default, Deserialize)]
pub struct RecordsQuery {
    #[serde(default)]
    pub region: Option<String>,
    #[serde(default)]
    pub year: Option<String>,
    #[serde(default)]
    pub kind: Option<String>,
    #[serde(default)]
    pub category: Option<String>,
    #[serde(default, deserialize_with = "lenient_u32")]
    pub page: Option<u32>,
}

/// The filter as asked, every part checked against what exists.
#[derive(Clone, Debug)]
pub struct Asked {
    pub region: Region,
    pub year: i16,
    pub kind: Option<&'static str>,
    pub category: Option<Category>,
}

impl Asked {
    fn of(actor: &Actor, reference: &Reference, q: &RecordsQuery) -> Result<Asked, AppError> {
        let trimmed = |v: &Option<String>| v.as_deref().map(str::trim).filter(|v| !v.is_empty()).map(str::to_string);
        Ok(Asked {
            region: super::region_of(actor, reference, q.region.as_deref())?,
            year: super::year_of(q.year.as_deref()),
            kind: trimmed(&q.kind).and_then(|k| KINDS.iter().find(|(known, _)| *known == k).map(|(k, _)| *k)),
            category: trimmed(&q.category).and_then(|c| Category::parse(&c)),
        })
    }

    fn filter(&self) -> RecordFilter<'_> {
        RecordFilter { region: self.region.id, year: self.year, kind: self.kind, category: self.category }
    }

    /// The filter as a query string (for the pager and the export link).
    pub fn query(&self) -> String {
        let mut query = form_urlencoded::Serializer::new(String::new());
        query.append_pair("region", &self.region.code);
        query.append_pair("year", &self.year.to_string());
        if let Some(k) = self.kind {
            query.append_pair("kind", k);
        }
        if let Some(c) = self.category {
            query.append_pair("category", c.as_str());
        }
        query.finish()
    }

    fn title(&self) -> String {
        let what = self.kind.map_or("资金明细", kind_label);
        let category = self.category.map(|c| format!("（{}）", c.label())).unwrap_or_default();
        format!("{}{}年度工伤预防费{what}{category}", self.region.name, self.year)
    }
}

fn yuan(d: Decimal) -> String {
    Money::from_yuan(d).map(Money::show_yuan).unwrap_or_else(|_| d.to_string())
}

/// How a record reads in the list: its kind, with a payment's stage.
fn described(r: &RecordLine) -> String {
    match (r.kind.as_str(), r.stage) {
        ("payment", Some(stage)) => format!("拨付（{}）", stage.label()),
        (kind, _) => EntryKind::parse(kind).map_or(kind_label(kind), EntryKind::label).to_string(),
    }
}

pub struct Row {
    pub project: String,
    pub project_name: String,
    pub on_day: String,
    pub category: &'static str,
    pub kind: String,
    pub amount: String,
    pub detail: String,
    pub who: String,
}

impl Row {
    fn of(r: &RecordLine) -> Row {
        let sign = if r.kind == EntryKind::Release.as_str() { "−" } else { "" };
        Row {
            project: r.project.to_string(),
            project_name: r.project_name.clone(),
            on_day: r.on_day.to_string(),
            category: r.category.map_or("", Category::label),
            kind: described(r),
            amount: format!("{sign}{}", yuan(r.amount)),
            detail: r.detail.clone(),
            who: r.who.clone(),
        }
    }
}

#[derive(Template)]
#[template(path = "fee/records.html")]
pub struct RecordsPage {
    pub layout: Layout,
    pub province: bool,
    pub regions: Vec<Choice>,
    pub region: Region,
    pub year: i16,
    pub kinds: Vec<Choice>,
    pub kind: String,
    pub categories: Vec<Choice>,
    pub category: String,
    pub rows: Vec<Row>,
    /// The filter's sum (元), shown when one kind is chosen.
    pub sum: Option<String>,
    pub pager: Pager,
    pub query: String,
}

/// 资金明细.
async fn list(
    State(state): State<AppState>,
    actor: Actor,
    Ref(reference): Ref,
    chrome: Chrome,
    Query(q): Query<RecordsQuery>,
) -> Result<Response, AppError> {
    let asked = Asked::of(&actor, &reference, &q)?;
    let page = Page::new(q.page, PAGE_SIZE);
    let mut tx = db::begin(&state.pool, actor.db()).await?;
    let lines = store::records(&mut tx, asked.filter(), page.limit(), page.offset()).await?;
    tx.commit().await?;
    let total = lines.first().map_or(0, |l| l.total);
    let sum = asked.kind.and(lines.first()).map(|l| format!("{} 元", yuan(l.sum)));
    let query = asked.query();
    let back = format!("/fee?region={}&year={}", asked.region.code, asked.year);
    render(RecordsPage {
        layout: chrome.layout(asked.title(), vec![Crumb::link("工伤预防费", back), Crumb::here("资金明细")]),
        province: actor.role == crate::org::Role::ProvinceOfficer,
        regions: reference.regions.iter().map(|r| Choice::new(r.code.clone(), r.name.clone())).collect(),
        kinds: KINDS.iter().map(|(k, label)| Choice::new(*k, *label)).collect(),
        kind: asked.kind.unwrap_or_default().to_string(),
        categories: Category::ALL.iter().map(|c| Choice::new(c.as_str(), c.label())).collect(),
        category: asked.category.map_or("", Category::as_str).to_string(),
        rows: lines.iter().map(Row::of).collect(),
        sum,
        pager: Pager::new(page, total, query.clone()),
        query,
        region: asked.region,
        year: asked.year,
    })
}

const COLUMNS: &[Column] = &[
    Column::new("日期", Kind::Text, 12.0),
    Column::new("项目名称", Kind::Text, 36.0),
    Column::new("用途", Kind::Text, 8.0),
    Column::new("类别", Kind::Text, 14.0),
    Column::new("金额（元）", Kind::Money, 16.0),
    Column::new("说明", Kind::Text, 40.0),
    Column::new("经办人", Kind::Text, 12.0),
];

/// The records as Excel, every row under the filter (a release's amount negative, so the
/// column sums to what the ledger holds).
async fn export_list(
    State(state): State<AppState>,
    actor: Actor,
    Ref(reference): Ref,
    audit: AuditContext,
    Query(q): Query<RecordsQuery>,
) -> Result<Response, AppError> {
    let asked = Asked::of(&actor, &reference, &q)?;
    let filters = vec![
        ("地区", asked.region.name.clone()),
        ("预算年度", asked.year.to_string()),
        ("类别", asked.kind.map_or("全部", kind_label).to_string()),
        ("用途", asked.category.map_or("全部", Category::label).to_string()),
    ];
    let title = asked.title();
    let job = ExportJob {
        title: &title,
        filters,
        columns: COLUMNS,
        action: Action::ExportFeeRecords,
        described: asked.query(),
        unmasked: false,
    };
    let (state2, actor2) = (state.clone(), actor.clone());
    export::export_pages(
        &state.pool,
        &audit,
        job,
        |after: Option<i64>| {
            let (state, actor, asked) = (state2.clone(), actor2.clone(), asked.clone());
            async move {
                let mut tx = db::begin(&state.pool, actor.db()).await?;
                let lines = store::records(&mut tx, asked.filter(), BATCH, after.unwrap_or(0)).await?;
                tx.commit().await?;
                Ok(lines)
            }
        },
        |line: &RecordLine| line.ordinal,
        |line| {
            let amount = if line.kind == EntryKind::Release.as_str() { -line.amount } else { line.amount };
            vec![
                line.on_day.to_string().into(),
                line.project_name.clone().into(),
                line.category.map_or("", Category::label).into(),
                described(&line).into(),
                Cell::Money(amount),
                line.detail.clone().into(),
                line.who.clone().into(),
            ]
        },
    )
    .await
}
