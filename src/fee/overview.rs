//! The fee's execution: the province's table of every region for a budget year (income, rate,
//! cap, budget, allocated, committed, paid, remaining, execution rate, the publicity/training
//! split) with a bar chart of the execution rate by region (Apache ECharts, vendored) beside
//! the same numbers; one region's trend over the years; both as Excel. A region's officers see
//! their own row. Each region links to its budget year's page and ledger.

use askama::Template;
use axum::Router;
use axum::extract::{Query, State};
use axum::response::Response;
use axum::routing::get;
use chrono::Datelike;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use super::model::{BudgetStatus, Figures, Used, figures, percent};
use super::store::{self, Execution};
use crate::audit::export::{self, ExportJob};
use crate::audit::{Action, AuditContext};
use crate::auth::Actor;
use crate::db::{self, Scope};
use crate::error::AppError;
use crate::org::{Region, RegionId};
use crate::reference::{Ref, Reference};
use crate::state::AppState;
use crate::values::{Money, time};
use crate::web::export::{Cell, Column, Kind};
use crate::web::form::Choice;
use crate::web::layout::{Chrome, Crumb, Layout};
use crate::web::render;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/fee/overview", get(overview))
        .route("/fee/overview/export", get(export_overview))
        .route("/fee/trend", get(trend))
        .route("/fee/trend/export", get(export_trend))
}

#[derive(Debug, Default, Deserialize)]
pub struct Asked {
    #[serde(default)]
    pub year: Option<String>,
    #[serde(default)]
    pub region: Option<String>,
}

fn this_year() -> i16 {
    i16::try_from(time::today().year()).unwrap_or(2026)
}

/// The regions an actor's tables cover: the province every one (or the one asked for a trend),
/// anyone else their own.
fn scope_of(actor: &Actor) -> Option<RegionId> {
    match actor.db().scope {
        Scope::Province => None,
        _ => actor.region.as_ref().map(|r| r.id),
    }
}

fn wan(d: Decimal) -> String {
    Money::from_yuan(d).map(Money::show_wan).unwrap_or_else(|_| d.to_string())
}

/// A row of the tables, every money figure in 万元.
pub struct Row {
    pub code: String,
    pub region: String,
    pub year: i16,
    pub income: String,
    pub rate: String,
    pub cap: String,
    pub status: String,
    pub budget: String,
    pub publicity: String,
    pub training: String,
    pub allocated: String,
    pub released: String,
    pub committed: String,
    pub paid: String,
    pub remaining: String,
    pub execution: String,
}

fn figures_of(e: &Execution) -> Figures {
    let approved = e.status == Some(BudgetStatus::Approved);
    let budget = match (approved, e.publicity, e.training) {
        (true, Some(p), Some(t)) => Some(p + t),
        _ => None,
    };
    let used = Used { allocated: e.allocated, committed: e.committed, released: e.released };
    figures(e.income, e.rate, budget, used, e.paid)
}

impl Row {
    fn of(e: &Execution) -> Row {
        let f = figures_of(e);
        let dash = || "—".to_string();
        Row {
            code: e.region_code.clone(),
            region: e.region_name.clone(),
            year: e.budget_year,
            income: e.income.map(wan).unwrap_or_else(dash),
            rate: percent(e.rate),
            cap: f.cap.map(wan).unwrap_or_else(dash),
            status: e.status.map_or("未编制", BudgetStatus::label).to_string(),
            budget: f.budget.map(wan).unwrap_or_else(dash),
            publicity: e.publicity.map(wan).unwrap_or_else(dash),
            training: e.training.map(wan).unwrap_or_else(dash),
            allocated: wan(e.allocated),
            released: wan(e.released),
            committed: wan(e.committed),
            paid: wan(e.paid),
            remaining: f.remaining.map(wan).unwrap_or_else(dash),
            execution: f.execution.map(|r| format!("{r:.1}%")).unwrap_or_else(dash),
        }
    }
}

/// What the chart draws: the regions and their execution rates (the table beside it has the
/// same numbers).
#[derive(Serialize)]
struct Chart {
    regions: Vec<String>,
    rates: Vec<String>,
}

#[derive(Template)]
#[template(path = "fee/overview.html")]
pub struct OverviewPage {
    pub layout: Layout,
    pub year: i16,
    pub rows: Vec<Row>,
    pub chart: String,
}

fn year_of(asked: &Asked) -> i16 {
    asked
        .year
        .as_deref()
        .and_then(|y| y.trim().parse::<i16>().ok())
        .filter(|y| (2000..=2100).contains(y))
        .unwrap_or_else(this_year)
}

async fn rows_of(
    state: &AppState,
    actor: &Actor,
    years: (i16, i16),
    region: Option<RegionId>,
) -> Result<Vec<Execution>, sqlx::Error> {
    let mut tx = db::begin(&state.pool, actor.db()).await?;
    let rows = store::execution(&mut tx, years, region).await?;
    tx.commit().await?;
    Ok(rows)
}

/// 工伤预防费执行情况.
async fn overview(
    State(state): State<AppState>,
    actor: Actor,
    chrome: Chrome,
    Query(q): Query<Asked>,
) -> Result<Response, AppError> {
    let year = year_of(&q);
    let executions = rows_of(&state, &actor, (year, year), scope_of(&actor)).await?;
    let chart = Chart {
        regions: executions.iter().map(|e| e.region_name.clone()).collect(),
        rates: executions
            .iter()
            .map(|e| figures_of(e).execution.map(|r| format!("{r:.1}")).unwrap_or_else(|| "0".into()))
            .collect(),
    };
    let chart = crate::web::chart::json(&chart)?;
    render(OverviewPage {
        layout: chrome.layout(format!("{year}年度工伤预防费执行情况"), vec![Crumb::here("工伤预防费执行情况")]),
        year,
        rows: executions.iter().map(Row::of).collect(),
        chart,
    })
}

const COLUMNS: &[Column] = &[
    Column::new("地区", Kind::Text, 10.0),
    Column::new("预算年度", Kind::Integer, 10.0),
    Column::new("上年度征缴收入（元）", Kind::Money, 20.0),
    Column::new("提取比例", Kind::Text, 10.0),
    Column::new("提取上限（元）", Kind::Money, 18.0),
    Column::new("预算状态", Kind::Text, 10.0),
    Column::new("批准预算（元）", Kind::Money, 18.0),
    Column::new("其中宣传（元）", Kind::Money, 16.0),
    Column::new("其中培训（元）", Kind::Money, 16.0),
    Column::new("已安排（元）", Kind::Money, 16.0),
    Column::new("已释放（元）", Kind::Money, 16.0),
    Column::new("跨年度承诺（元）", Kind::Money, 16.0),
    Column::new("已拨付（元）", Kind::Money, 16.0),
    Column::new("剩余（元）", Kind::Money, 16.0),
    Column::new("执行率", Kind::Text, 10.0),
];

fn cells(e: Execution) -> Vec<Cell> {
    let f = figures_of(&e);
    let money = |d: Option<Decimal>| d.map(Cell::Money).unwrap_or(Cell::Empty);
    vec![
        e.region_name.into(),
        Cell::Integer(i64::from(e.budget_year)),
        money(e.income),
        percent(e.rate).into(),
        money(f.cap),
        e.status.map_or("未编制", BudgetStatus::label).into(),
        money(f.budget),
        money(e.publicity),
        money(e.training),
        Cell::Money(e.allocated),
        Cell::Money(e.released),
        Cell::Money(e.committed),
        Cell::Money(e.paid),
        money(f.remaining),
        f.execution.map(|r| format!("{r:.1}%")).into(),
    ]
}

async fn export(
    state: &AppState,
    actor: &Actor,
    audit: &AuditContext,
    title: &str,
    filters: Vec<(&'static str, String)>,
    years: (i16, i16),
    region: Option<RegionId>,
) -> Result<Response, AppError> {
    let job = ExportJob {
        title,
        described: filters.iter().map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>().join("&"),
        filters,
        columns: COLUMNS,
        action: Action::ExportFee,
        unmasked: false,
    };
    let (state2, actor2) = (state.clone(), actor.clone());
    // Fifteen regions, or one region's years: one page.
    export::export_pages(
        &state.pool,
        audit,
        job,
        |after: Option<usize>| {
            let (state, actor) = (state2.clone(), actor2.clone());
            async move {
                if after.is_some() {
                    return Ok(Vec::new());
                }
                rows_of(&state, &actor, years, region).await
            }
        },
        |_: &Execution| 0usize,
        cells,
    )
    .await
}

async fn export_overview(
    State(state): State<AppState>,
    actor: Actor,
    audit: AuditContext,
    Query(q): Query<Asked>,
) -> Result<Response, AppError> {
    let year = year_of(&q);
    let filters = vec![("预算年度", year.to_string())];
    export(&state, &actor, &audit, "工伤预防费执行情况", filters, (year, year), scope_of(&actor)).await
}

/// The region of a trend: the province's choice (its own by default), else the actor's own.
fn trend_region(actor: &Actor, reference: &Reference, q: &Asked) -> Result<Region, AppError> {
    let own = actor.region.clone().ok_or(AppError::Forbidden)?;
    match (actor.db().scope, q.region.as_deref().map(str::trim).filter(|c| !c.is_empty())) {
        (Scope::Province, Some(code)) => reference.region_by_code(code).cloned().ok_or(AppError::NotFound),
        _ => Ok(own),
    }
}

/// The years a trend covers: from 2021 (the first cycle) to next year.
fn trend_years() -> (i16, i16) {
    (2021, this_year() + 1)
}

#[derive(Template)]
#[template(path = "fee/trend.html")]
pub struct TrendPage {
    pub layout: Layout,
    pub region: Region,
    pub regions: Vec<Choice>,
    pub province: bool,
    pub rows: Vec<Row>,
}

/// 一个地区历年执行情况.
async fn trend(
    State(state): State<AppState>,
    actor: Actor,
    Ref(reference): Ref,
    chrome: Chrome,
    Query(q): Query<Asked>,
) -> Result<Response, AppError> {
    let region = trend_region(&actor, &reference, &q)?;
    let executions = rows_of(&state, &actor, trend_years(), Some(region.id)).await?;
    render(TrendPage {
        layout: chrome.layout(format!("{}工伤预防费历年执行情况", region.name), vec![Crumb::here("历年执行情况")]),
        regions: reference.regions.iter().map(|r| Choice::new(r.code.clone(), r.name.clone())).collect(),
        province: actor.db().scope == Scope::Province,
        rows: executions.iter().map(Row::of).collect(),
        region,
    })
}

async fn export_trend(
    State(state): State<AppState>,
    actor: Actor,
    Ref(reference): Ref,
    audit: AuditContext,
    Query(q): Query<Asked>,
) -> Result<Response, AppError> {
    let region = trend_region(&actor, &reference, &q)?;
    let filters = vec![("地区", region.name.clone())];
    export(&state, &actor, &audit, "工伤预防费历年执行情况", filters, trend_years(), Some(region.id)).await
}
