//! The home page (工作台), the first page after sign-in, built for the work of each role: the
//! province sees every region's standing in one table with charts; a city bureau what comes due
//! in the next 30 days, what was returned and why, and its key figures; a partner department its
//! own rectifications and action items; the agency its budgets, payments and evaluations; an
//! expert the panels waiting for their scores; the administrators their own pages, as before.
//! Every page reads in one transaction of the actor's scope, a fixed number of statements.

pub mod model;
pub mod store;
pub mod views;

use askama::Template;
use axum::extract::State;
use axum::response::Response;
use chrono::Datelike;
use sqlx::PgConnection;

use self::store::DueFor;
use self::views::{
    AgencyPage, CityPage, Common, DueRow, ExpertPage, PartnerPage, ProvincePage, RateChart, RegionInput, ReturnedRow,
};
use crate::access::Permission;
use crate::annual_reports::cache;
use crate::annual_reports::figures::{self, LinkContext};
use crate::annual_reports::store as reports;
use crate::auth::Actor;
use crate::cycles::{self, Cycle};
use crate::db;
use crate::error::AppError;
use crate::notices::{self, views::UnreadRow};
use crate::org::{RegionId, Role};
use crate::reference::Ref;
use crate::state::AppState;
use crate::statistics::model::Goal;
use crate::values::time;
use crate::web::layout::{Chrome, Layout};
use crate::web::render;

#[derive(Template)]
#[template(path = "home/index.html")]
struct HomePage {
    layout: Layout,
    actor_name: String,
    role_label: &'static str,
    region_name: Option<String>,
    cycles: Vec<Cycle>,
    current_cycle: Option<Cycle>,
}

pub async fn index(
    State(state): State<AppState>,
    actor: Actor,
    chrome: Chrome,
    Ref(reference): Ref,
) -> Result<Response, AppError> {
    let today = time::today();
    let cycle = cycles::model::current(&reference.cycles, today).cloned();
    match (actor.role, cycle) {
        (Role::ProvinceOfficer, Some(cycle)) => province(&state, &actor, &chrome, &cycle, reference.version).await,
        (Role::CityOfficer, Some(cycle)) => city(&state, &actor, &chrome, &cycle, reference.version).await,
        (Role::PartnerOfficer, _) => partner(&state, &actor, &chrome).await,
        (Role::AgencyOfficer, _) => agency(&state, &actor, &chrome).await,
        (Role::Expert, _) => expert(&state, &actor, &chrome).await,
        _ => {
            let current_cycle = cycles::model::current(&reference.cycles, today).cloned();
            render(HomePage {
                layout: chrome.layout("工作台", Vec::new()),
                actor_name: actor.display_name.clone(),
                role_label: actor.role.label(),
                region_name: actor.region.as_ref().map(|r| r.name.clone()),
                cycles: reference.cycles.clone(),
                current_cycle,
            })
        }
    }
}

/// The frame every officer's page shares, with the unread notices (read in the page's
/// transaction).
async fn common(tx: &mut PgConnection, actor: &Actor) -> Result<Common, AppError> {
    let mut unread = match actor.region.as_ref().filter(|_| actor.role.may(Permission::ViewNotices)) {
        Some(region) => notices::store::unread(tx, region.id, actor.account_id, notices::HOME_UNREAD + 1).await?,
        None => Vec::new(),
    };
    let unread_more = unread.len() as i64 > notices::HOME_UNREAD;
    unread.truncate(notices::HOME_UNREAD as usize);
    Ok(Common {
        actor_name: actor.display_name.clone(),
        role_label: actor.role.label(),
        region_name: actor.region.as_ref().map(|r| r.name.clone()).unwrap_or_default(),
        unread: unread.iter().map(UnreadRow::of).collect(),
        unread_more,
    })
}

/// The province: every region's plan, roster, budget against its cap, execution, coverage,
/// overdue rectifications, report and accident rate, each linked to its list; charts of
/// coverage and execution by city and of the province-wide accident rate against the target.
async fn province(
    state: &AppState,
    actor: &Actor,
    chrome: &Chrome,
    cycle: &Cycle,
    reference_version: i64,
) -> Result<Response, AppError> {
    let today = time::today();
    let year = today.year();
    let goal = Goal::of(cycle);
    let mut tx = db::begin(&state.pool, actor.db()).await?;
    let asked = cache::Asked { year, cycle, today, reference_version };
    let raw = reports::kept_figures(&mut tx, &state.figures, asked, None).await?;
    let lines = reports::lines(&mut tx, None, Some(year)).await?;
    let statistics = crate::statistics::store::by_region(&mut tx, goal.base_year, goal.last_year).await?;
    let common = common(&mut tx, actor).await?;
    tx.commit().await?;
    let on_track = views::latest_on_track(&statistics, &goal);
    // Each region's figures computed once; the table, the charts and the sums read them.
    struct Computed {
        region: crate::org::Region,
        records: reports::Records,
        figures: Vec<figures::Figure>,
        overdue: i64,
        roster_complete: bool,
    }
    let regions: Vec<Computed> = raw
        .into_iter()
        .map(|reports::RegionRaw { region, records, raw, .. }| Computed {
            figures: figures::compute(&raw, year, cycle),
            overdue: raw.findings_overdue_now,
            roster_complete: raw.roster.as_ref().is_some_and(|(_, _, complete)| *complete),
            region,
            records,
        })
        .collect();
    let rows = regions
        .iter()
        .map(|c| {
            views::province_row(
                &RegionInput {
                    region: &c.region,
                    records: c.records,
                    figures: &c.figures,
                    overdue: c.overdue,
                    roster_complete: c.roster_complete,
                    report: lines.iter().find(|l| l.region_id == c.region.id),
                    accident: on_track.get(&c.region.id).copied(),
                },
                year,
                cycle,
            )
        })
        .collect();
    let cities: Vec<&Computed> = regions.iter().filter(|c| views::is_city(&c.region)).collect();
    let percent = |key: &str| -> Vec<(String, String)> {
        cities.iter().map(|c| (c.region.name.clone(), views::chart_percent(&c.figures, key))).collect()
    };
    let (coverage, execution) = (percent("training.rate"), percent("fee_execution"));
    let chart = |pairs: &[(String, String)]| {
        crate::web::chart::json(&RateChart {
            regions: pairs.iter().map(|(r, _)| r.clone()).collect(),
            rates: pairs.iter().map(|(_, p)| p.clone()).collect(),
        })
    };
    let city_ids: Vec<RegionId> = cities.iter().map(|c| c.region.id).collect();
    let trend = views::province_trend(&statistics, &city_ids, &goal);
    render(ProvincePage {
        layout: chrome.layout("工作台", Vec::new()),
        common,
        year,
        headers: views::PROVINCE_HEADERS,
        rows,
        coverage_chart: chart(&coverage)?,
        execution_chart: chart(&execution)?,
        trend_chart: crate::web::chart::json(&views::trend_chart(&trend))?,
        trend: views::trend_rows(&trend),
        coverage,
        execution,
    })
}

/// A city bureau: what comes due, what was returned, the region's key figures.
async fn city(
    state: &AppState,
    actor: &Actor,
    chrome: &Chrome,
    cycle: &Cycle,
    reference_version: i64,
) -> Result<Response, AppError> {
    let region = actor.region.clone().ok_or(AppError::Forbidden)?;
    let today = time::today();
    let year = today.year();
    let mut tx = db::begin(&state.pool, actor.db()).await?;
    let due = store::due(&mut tx, DueFor { region: region.id, department: None, bureau: true }, today).await?;
    let returned = store::returned(&mut tx, region.id).await?;
    let asked = cache::Asked { year, cycle, today, reference_version };
    let raw = reports::kept_figures(&mut tx, &state.figures, asked, Some(region.id)).await?;
    let common = common(&mut tx, actor).await?;
    tx.commit().await?;
    let (records, live, open, overdue) = raw
        .first()
        .map(|r| {
            let raw = &r.raw;
            (r.records, figures::compute(raw, year, cycle), raw.findings_open_now, raw.findings_overdue_now)
        })
        .unwrap_or_default();
    let links = LinkContext {
        region_code: &region.code,
        year,
        cycle_first_year: cycle.first_year,
        province_view: false,
        own_region: true,
        plan: records.plan,
        roster: records.roster,
    };
    let (figures, projects) = views::city_figures(&live, &links, open, overdue, &region.code);
    render(CityPage {
        layout: chrome.layout("工作台", Vec::new()),
        common,
        year,
        due: due.iter().map(|d| DueRow::of(d, today)).collect(),
        returned: returned.iter().filter_map(ReturnedRow::of).collect(),
        figures,
        projects,
    })
}

/// A partner department: its own rectifications and action items due or overdue.
async fn partner(state: &AppState, actor: &Actor, chrome: &Chrome) -> Result<Response, AppError> {
    let region = actor.region.clone().ok_or(AppError::Forbidden)?;
    let department = actor.department.ok_or(AppError::Forbidden)?;
    let today = time::today();
    let mut tx = db::begin(&state.pool, actor.db()).await?;
    let due =
        store::due(&mut tx, DueFor { region: region.id, department: Some(department), bureau: false }, today).await?;
    let common = common(&mut tx, actor).await?;
    tx.commit().await?;
    render(PartnerPage::new(chrome.layout("工作台", Vec::new()), common, department.label(), &due, today))
}

/// The agency: next year's budget, this year's income, money held but unpaid, evaluations.
async fn agency(state: &AppState, actor: &Actor, chrome: &Chrome) -> Result<Response, AppError> {
    let region = actor.region.clone().ok_or(AppError::Forbidden)?;
    let year = time::today().year();
    let mut tx = db::begin(&state.pool, actor.db()).await?;
    let work = store::agency(&mut tx, region.id, year).await?;
    let common = common(&mut tx, actor).await?;
    tx.commit().await?;
    render(AgencyPage::new(chrome.layout("工作台", Vec::new()), common, year, work))
}

/// An expert: the panels waiting for their scores, with the day each is due.
async fn expert(state: &AppState, actor: &Actor, chrome: &Chrome) -> Result<Response, AppError> {
    let mut tx = db::begin(&state.pool, actor.db()).await?;
    let me = crate::accounts::requests::subject_of(
        &mut *tx,
        crate::accounts::requests::RequestKind::Expert,
        actor.account_id,
    )
    .await?;
    let assignments = match me {
        Some((region, expert)) => crate::reviews::store::assignments(&mut tx, region, expert).await?,
        None => Vec::new(),
    };
    tx.commit().await?;
    let layout = chrome.layout("工作台", Vec::new());
    let days = state.settings.expert_days_to_score;
    render(ExpertPage::new(layout, actor.display_name.clone(), &assignments, days, time::today()))
}
