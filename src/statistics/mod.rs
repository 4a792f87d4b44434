//! Injury statistics (信息交换, issue 23): per region, year and province key industry the workers
//! insured against work injury, recognised work injuries, deaths and occupational-disease cases,
//! entered year by year or imported; the work-injury accident rate (‰) of each city and
//! province-wide against the cycle's target (`model::trend`), with a trend chart per region and
//! an Excel export. City officers keep their region's; partner and agency officers read their
//! region's; province officers read every city's and the province-wide sums.

pub mod import;
pub mod model;
pub mod store;
pub mod views;

use axum::Router;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use axum::routing::get;
use axum_extra::extract::Form;
use chrono::Datelike;
use serde::Deserialize;

use self::model::{Goal, YearErrors, YearForm, YearLine, by_year, may_keep, trend, year_allowed};
use self::views::{EditPage, OverviewPage, RegionRow, TrendOf, TrendPage};
use crate::audit::export::{self, ExportJob};
use crate::audit::{Action, AuditContext};
use crate::auth::Actor;
use crate::cycles::model::{Cycle, pick};
use crate::db::{self, Scope};
use crate::error::AppError;
use crate::org::{Region, RegionLevel};
use crate::reference::{Ref, Reference};
use crate::state::AppState;
use crate::values::time;
use crate::web::export::{Cell, Column, Kind};
use crate::web::flash::{self, Flash};
use crate::web::layout::Chrome;
use crate::web::pagination::lenient_u32;
use crate::web::render;
use crate::workflow::By;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/statistics", get(overview))
        .route("/statistics/export", get(export_overview))
        .route("/statistics/province", get(province_trend))
        .route("/statistics/regions/{code}", get(region_trend))
        .route("/statistics/regions/{code}/{year}/edit", get(edit).post(save))
        .merge(crate::import::pages::routes(&import::IMPORTER))
}

#[derive(Debug, Default, Deserialize)]
pub struct CycleQuery {
    /// The cycle's first year.
    #[serde(default, deserialize_with = "lenient_u32")]
    pub cycle: Option<u32>,
}

/// The cycle asked for, else today's, else the latest.
fn cycle_of<'a>(reference: &'a Reference, q: &CycleQuery) -> Result<&'a Cycle, AppError> {
    let asked = q.cycle.and_then(|c| i32::try_from(c).ok());
    pick(&reference.cycles, asked, time::today()).ok_or(AppError::NotFound)
}

/// A region the actor may read, by its code: any for the province, else their own (another
/// region's, or no such region: 404).
fn region_in_scope(actor: &Actor, reference: &Reference, code: &str) -> Result<Region, AppError> {
    let region = reference.region_by_code(code.trim()).ok_or(AppError::NotFound)?;
    match actor.db().scope {
        Scope::Province => Ok(region.clone()),
        Scope::Region(own) if own == region.id => Ok(region.clone()),
        _ => Err(AppError::NotFound),
    }
}

/// The overview's regions: every city for the province, else the actor's own region.
fn regions_listed(actor: &Actor, reference: &Reference) -> Vec<Region> {
    match actor.db().scope {
        Scope::Province => reference.regions.iter().filter(|r| r.level == RegionLevel::City).cloned().collect(),
        scope => reference.regions_visible_to(scope, actor.region.as_ref()),
    }
}

/// Each listed region's trend over the cycle, and for the province the province-wide trend.
struct Trends {
    regions: Vec<(Region, Vec<YearLine>)>,
    /// The cities' figures added up (province officers).
    province: Option<Vec<YearLine>>,
}

fn trends(actor: &Actor, reference: &Reference, goal: &Goal, sums: &[store::RegionYear]) -> Trends {
    let regions = regions_listed(actor, reference);
    let of = |keep: &dyn Fn(&store::RegionYear) -> bool| {
        trend(goal, &by_year(sums.iter().filter(|s| keep(s)).map(|s| (s.year, s.figures))))
    };
    let province = (actor.db().scope == Scope::Province).then(|| of(&|s| regions.iter().any(|r| r.id == s.region)));
    let lines = regions
        .into_iter()
        .map(|r| {
            let lines = of(&|s| s.region == r.id);
            (r, lines)
        })
        .collect();
    Trends { regions: lines, province }
}

async fn region_sums(state: &AppState, actor: &Actor, goal: &Goal) -> Result<Vec<store::RegionYear>, AppError> {
    let mut tx = db::begin(&state.pool, actor.db()).await?;
    let sums = store::by_region(&mut tx, goal.base_year, goal.last_year).await?;
    tx.commit().await?;
    Ok(sums)
}

/// 工伤统计: the regions' accident rates over the cycle's years against the target.
async fn overview(
    State(state): State<AppState>,
    actor: Actor,
    Ref(reference): Ref,
    chrome: Chrome,
    Query(q): Query<CycleQuery>,
) -> Result<Response, AppError> {
    let cycle = cycle_of(&reference, &q)?;
    let goal = Goal::of(cycle);
    let sums = region_sums(&state, &actor, &goal).await?;
    let Trends { regions, province } = trends(&actor, &reference, &goal, &sums);
    let query = format!("?cycle={}", cycle.first_year);
    let rows = regions
        .iter()
        .map(|(r, lines)| RegionRow::of(r.name.clone(), format!("/statistics/regions/{}{query}", r.code), lines, &goal))
        .collect();
    let province =
        province.map(|lines| RegionRow::of("全省".into(), format!("/statistics/province{query}"), &lines, &goal));
    let may_import = actor.region.as_ref().is_some_and(|r| may_keep(&actor, r));
    render(OverviewPage::new(&chrome, &reference.cycles, cycle, rows, province, may_import))
}

const COLUMNS: &[Column] = &[
    Column::new("地区", Kind::Text, 12.0),
    Column::new("年度", Kind::Text, 14.0),
    Column::new("参保人数", Kind::Text, 14.0),
    Column::new("认定工伤人数", Kind::Text, 14.0),
    Column::new("工亡人数", Kind::Text, 10.0),
    Column::new("职业病病例数", Kind::Text, 14.0),
    Column::new("工伤事故率", Kind::Text, 12.0),
    Column::new("目标事故率", Kind::Text, 12.0),
    Column::new("是否达标", Kind::Text, 10.0),
];

/// A line of the export: a region's (or 全省's) year.
struct ExportLine {
    region: String,
    base: bool,
    line: YearLine,
}

/// The overview as Excel: a line per region and year (and 全省's for the province).
async fn export_overview(
    State(state): State<AppState>,
    actor: Actor,
    Ref(reference): Ref,
    audit: AuditContext,
    Query(q): Query<CycleQuery>,
) -> Result<Response, AppError> {
    let cycle = cycle_of(&reference, &q)?;
    let goal = Goal::of(cycle);
    let sums = region_sums(&state, &actor, &goal).await?;
    let Trends { regions, province } = trends(&actor, &reference, &goal, &sums);
    let named = regions.into_iter().map(|(r, lines)| (r.name, lines)).chain(province.map(|l| ("全省".to_string(), l)));
    let lines: Vec<ExportLine> = named
        .flat_map(|(region, lines)| {
            lines.into_iter().map(move |line| ExportLine {
                region: region.clone(),
                base: line.year == goal.base_year,
                line,
            })
        })
        .collect();
    let job = ExportJob {
        title: "工伤事故率",
        filters: vec![
            ("周期", cycle.years()),
            ("目标", format!("基准年 {} 年，五年下降 {}%", goal.base_year, goal.reduction_percent.normalize())),
        ],
        columns: COLUMNS,
        action: Action::ExportStatistics,
        described: format!("cycle={}", cycle.first_year),
        unmasked: false,
    };
    let mut pending = Some(lines);
    export::export_pages(
        &state.pool,
        &audit,
        job,
        move |_after: Option<usize>| {
            let page = pending.take().unwrap_or_default();
            async move { Ok(page) }
        },
        |_: &ExportLine| 0usize,
        |e| {
            let figure = |f: fn(&model::Figures) -> i64| e.line.figures.as_ref().map(|x| f(x).to_string());
            vec![
                e.region.into(),
                Cell::Text(if e.base { format!("{}（基准年）", e.line.year) } else { e.line.year.to_string() }),
                figure(|f| f.insured).into(),
                figure(|f| f.injuries).into(),
                figure(|f| f.deaths).into(),
                figure(|f| f.disease_cases).into(),
                Cell::Text(model::shown(e.line.rate)),
                Cell::Text(model::shown(e.line.target)),
                Cell::Text(model::mark(e.line.on_track).to_string()),
            ]
        },
    )
    .await
}

/// A region's trend: the yearly sums of its key industries against the target, with each
/// industry's figures.
async fn region_trend(
    State(state): State<AppState>,
    actor: Actor,
    Ref(reference): Ref,
    chrome: Chrome,
    Path(code): Path<String>,
    Query(q): Query<CycleQuery>,
) -> Result<Response, AppError> {
    let region = region_in_scope(&actor, &reference, &code)?;
    let cycle = cycle_of(&reference, &q)?;
    let keeper = may_keep(&actor, &region).then(|| (region.code.as_str(), time::today().year()));
    let of = TrendOf { name: &region.name, base: format!("/statistics/regions/{}", region.code), keeper };
    trend_page(&state, &actor, &reference, &chrome, cycle, Some(&region), of).await
}

/// The province-wide trend: every city's figures added up (province officers only).
async fn province_trend(
    State(state): State<AppState>,
    actor: Actor,
    Ref(reference): Ref,
    chrome: Chrome,
    Query(q): Query<CycleQuery>,
) -> Result<Response, AppError> {
    if actor.db().scope != Scope::Province {
        return Err(AppError::Forbidden);
    }
    let cycle = cycle_of(&reference, &q)?;
    let of = TrendOf { name: "全省", base: "/statistics/province".into(), keeper: None };
    trend_page(&state, &actor, &reference, &chrome, cycle, None, of).await
}

async fn trend_page(
    state: &AppState,
    actor: &Actor,
    reference: &Reference,
    chrome: &Chrome,
    cycle: &Cycle,
    region: Option<&Region>,
    of: TrendOf<'_>,
) -> Result<Response, AppError> {
    let goal = Goal::of(cycle);
    let mut tx = db::begin(&state.pool, actor.db()).await?;
    let industries = store::industries(&mut tx).await?;
    let rows = store::by_industry(&mut tx, region.map(|r| r.id), goal.base_year, goal.last_year).await?;
    tx.commit().await?;
    let lines = trend(&goal, &by_year(rows.iter().map(|r| (r.year, r.figures))));
    render(TrendPage::new(chrome, &reference.cycles, cycle, of, &lines, &industries, &rows)?)
}

/// The region and year a keeper edits: a region in scope (else 404) they keep (else 403), a
/// year from 2000 to this one (else 404).
fn kept_year(actor: &Actor, reference: &Reference, code: &str, year: &str) -> Result<(Region, i32), AppError> {
    let region = region_in_scope(actor, reference, code)?;
    if !may_keep(actor, &region) {
        return Err(AppError::Forbidden);
    }
    let year = year.trim().parse::<i32>().ok().filter(|y| year_allowed(*y, time::today().year()));
    Ok((region, year.ok_or(AppError::NotFound)?))
}

/// A region's year: one row per province key industry with its four figures.
async fn edit(
    State(state): State<AppState>,
    actor: Actor,
    Ref(reference): Ref,
    chrome: Chrome,
    Path((code, year)): Path<(String, String)>,
) -> Result<Response, AppError> {
    let (region, year) = kept_year(&actor, &reference, &code, &year)?;
    let mut tx = db::begin(&state.pool, actor.db()).await?;
    let industries = store::industries(&mut tx).await?;
    let stored = store::entries(&mut tx, region.id, year).await?;
    tx.commit().await?;
    let form = YearForm::of(&industries, &stored);
    let page = EditPage::new(&chrome, (&region.name, &region.code, year), &industries, &form, YearErrors::default());
    render(page)
}

/// Saves the year whole (blank rows removed) at the versions the form was opened at; a save
/// meanwhile by someone else gets the conflict page and overwrites nothing.
async fn save(
    State(state): State<AppState>,
    actor: Actor,
    Ref(reference): Ref,
    chrome: Chrome,
    audit: AuditContext,
    Path((code, year)): Path<(String, String)>,
    Form(form): Form<YearForm>,
) -> Result<Response, AppError> {
    let (region, year) = kept_year(&actor, &reference, &code, &year)?;
    let mut tx = db::begin(&state.pool, actor.db()).await?;
    let industries = store::industries(&mut tx).await?;
    let entries = match form.parse(&industries) {
        Ok(entries) => entries,
        Err(errors) => {
            tx.rollback().await?;
            return render(EditPage::new(&chrome, (&region.name, &region.code, year), &industries, &form, errors));
        }
    };
    let by = By { account: actor.account_id, name: &actor.display_name };
    store::save_year(&mut tx, &audit, &region, year, &entries, &by).await?;
    tx.commit().await?;
    // Back to the trend of the cycle the year belongs to (the base year of none: the default).
    let cycle = reference.cycles.iter().find(|c| c.contains_year(year)).map(|c| c.first_year);
    let query = cycle.map(|c| format!("?cycle={c}")).unwrap_or_default();
    Ok(flash::redirect_with(&format!("/statistics/regions/{}{query}", region.code), Flash::StatisticsSaved))
}

/// The region whose figures an officer imports: their own, if they keep it.
pub fn importing_region(actor: &Actor) -> Option<Region> {
    actor.region.clone().filter(|r| may_keep(actor, r))
}
