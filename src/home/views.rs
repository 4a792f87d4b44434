//! Page structs of the home pages, one per kind of work: the province's table of every region
//! with its charts, a city bureau's due items, returns and figures, a partner department's
//! rectifications and action items, the agency's budgets, payments and evaluations, an expert's
//! panels with their due dates, and the administrators' page as before.

use std::collections::BTreeMap;

use askama::Template;
use chrono::{Duration, NaiveDate};
use serde::Serialize;

use super::model::{DueItem, DueKind, returned_label, returned_link};
use super::store::{AgencyWork, Returned};
use crate::annual_reports::figures::{self, Figure, LinkContext, Value};
use crate::annual_reports::model::{ReportStatus, Standing};
use crate::annual_reports::store::{Records, ReportLine};
use crate::cycles::Cycle;
use crate::notices::views::UnreadRow;
use crate::org::{Region, RegionId, RegionLevel};
use crate::reviews::store::Assignment;
use crate::statistics::model::{self as statistics, Goal, YearLine};
use crate::statistics::store::RegionYear as StatisticsYear;
use crate::values::{Money, time};
use crate::web::layout::Layout;

/// A due item as a page lists it.
pub struct DueRow {
    pub kind: &'static str,
    pub title: String,
    pub due_on: String,
    pub status: String,
    pub overdue: bool,
    pub link: String,
}

impl DueRow {
    pub fn of(item: &DueItem, today: NaiveDate) -> DueRow {
        let status = item.status(today);
        DueRow {
            kind: item.kind.label(),
            title: item.title.clone(),
            due_on: item.due_on.to_string(),
            status: status.label(),
            overdue: status.is_overdue(),
            link: item.link.clone(),
        }
    }
}

/// A returned record as a page lists it.
pub struct ReturnedRow {
    pub kind: &'static str,
    pub title: String,
    pub comment: String,
    pub by: String,
    pub at: String,
    pub link: String,
}

impl ReturnedRow {
    pub fn of(r: &Returned) -> Option<ReturnedRow> {
        Some(ReturnedRow {
            kind: returned_label(&r.kind),
            title: r.title.clone(),
            comment: r.comment.clone().unwrap_or_default(),
            by: r.by.clone().unwrap_or_default(),
            at: r.at.as_ref().map(time::minutes).unwrap_or_default(),
            link: returned_link(&r.kind, r.id, r.year)?,
        })
    }
}

/// A figure on a home page with the list behind it.
pub struct FigureCell {
    pub key: String,
    pub label: String,
    pub value: String,
    pub link: Option<String>,
}

/// What every officer's page shows at the top: who, and the notices waiting.
pub struct Common {
    pub actor_name: String,
    pub role_label: &'static str,
    pub region_name: String,
    pub unread: Vec<UnreadRow>,
    pub unread_more: bool,
}

#[derive(Template)]
#[template(path = "home/city.html")]
pub struct CityPage {
    pub layout: Layout,
    pub common: Common,
    pub year: i32,
    pub due: Vec<DueRow>,
    pub returned: Vec<ReturnedRow>,
    pub figures: Vec<FigureCell>,
    pub projects: Vec<FigureCell>,
}

/// The city's key figures: coverage, fee execution, open and overdue findings, then projects by
/// status, each with its list.
pub fn city_figures(
    live: &[Figure],
    links: &LinkContext<'_>,
    open: i64,
    overdue: i64,
    code: &str,
) -> (Vec<FigureCell>, Vec<FigureCell>) {
    let cell = |f: &Figure| FigureCell {
        key: f.key.clone(),
        label: f.label.clone(),
        value: f.value.shown(),
        link: figures::link(&f.key, links),
    };
    let mut main: Vec<FigureCell> = ["training.rate", "fee_execution", "fee_budget", "fee_paid"]
        .iter()
        .filter_map(|k| live.iter().find(|f| f.key == *k))
        .map(cell)
        .collect();
    let region = if links.province_view { format!("&region={code}") } else { String::new() };
    main.push(FigureCell {
        key: "findings_open".into(),
        label: "整改中的问题（项）".into(),
        value: open.to_string(),
        link: Some(format!("/findings?open=1&department=all{region}")),
    });
    main.push(FigureCell {
        key: "findings_overdue_all".into(),
        label: "逾期未整改（项）".into(),
        value: overdue.to_string(),
        link: Some(format!("/findings?status=overdue&department=all{region}")),
    });
    let projects =
        live.iter().filter(|f| f.key.starts_with("projects.") && f.key != "projects.none").map(cell).collect();
    (main, projects)
}

#[derive(Template)]
#[template(path = "home/partner.html")]
pub struct PartnerPage {
    pub layout: Layout,
    pub common: Common,
    pub department: &'static str,
    pub findings: Vec<DueRow>,
    pub items: Vec<DueRow>,
}

impl PartnerPage {
    pub fn new(
        layout: Layout,
        common: Common,
        department: &'static str,
        due: &[DueItem],
        today: NaiveDate,
    ) -> PartnerPage {
        let of = |kind| due.iter().filter(|d| d.kind == kind).map(|d| DueRow::of(d, today)).collect();
        PartnerPage { layout, common, department, findings: of(DueKind::Finding), items: of(DueKind::ActionItem) }
    }
}

/// A project with money held for it that is not yet paid.
pub struct UnpaidRow {
    pub id: i64,
    pub name: String,
    pub held: String,
    pub paid: String,
    pub left: String,
}

/// Evaluations waiting in a period and status.
pub struct WaitingRow {
    pub period: String,
    pub status: &'static str,
    pub count: i64,
    pub link: String,
}

#[derive(Template)]
#[template(path = "home/agency.html")]
pub struct AgencyPage {
    pub layout: Layout,
    pub common: Common,
    pub year: i32,
    pub next_year: i32,
    pub next_budget: String,
    pub income_entered: bool,
    pub unpaid: Vec<UnpaidRow>,
    pub waiting: Vec<WaitingRow>,
}

impl AgencyPage {
    pub fn new(layout: Layout, common: Common, year: i32, work: AgencyWork) -> AgencyPage {
        let yuan = |d| Money::from_yuan(d).map(Money::show_yuan).unwrap_or_else(|_| d.to_string());
        AgencyPage {
            layout,
            common,
            year,
            next_year: year + 1,
            next_budget: work
                .next_budget
                .as_deref()
                .and_then(crate::fee::model::BudgetStatus::parse)
                .map_or("尚未编制".to_string(), |s| s.label().to_string()),
            income_entered: work.income_entered,
            unpaid: work
                .unpaid
                .into_iter()
                .map(|u| UnpaidRow {
                    id: u.id,
                    name: u.name,
                    held: yuan(u.held),
                    paid: yuan(u.paid),
                    left: yuan(u.held - u.paid),
                })
                .collect(),
            waiting: work
                .evaluations
                .into_iter()
                .map(|(period, status, count)| WaitingRow {
                    period: format!("{period}—{}年", period + 2),
                    status: crate::floating_rates::model::EvaluationStatus::parse(&status).map_or("", |s| s.label()),
                    count,
                    link: format!("/rates?period={period}&status={status}"),
                })
                .collect(),
        }
    }
}

/// A panel an expert sits on and has not yet scored, with its due day.
pub struct PanelRow {
    pub project: String,
    pub name: String,
    pub region: String,
    pub stage: &'static str,
    pub due_on: String,
    pub status: String,
    pub overdue: bool,
}

#[derive(Template)]
#[template(path = "home/expert.html")]
pub struct ExpertPage {
    pub layout: Layout,
    pub actor_name: String,
    pub days: u32,
    pub waiting: Vec<PanelRow>,
}

impl ExpertPage {
    pub fn new(
        layout: Layout,
        actor_name: String,
        assignments: &[Assignment],
        days: u32,
        today: NaiveDate,
    ) -> ExpertPage {
        let waiting = assignments
            .iter()
            .filter(|a| a.submitted_at.is_none() && super::model::awaits_scores(a.stage, a.status))
            .map(|a| {
                let due = a.seated_on + Duration::days(i64::from(days));
                let status = crate::web::deadline::due_status_on(due, today);
                PanelRow {
                    project: a.project.to_string(),
                    name: a.name.clone(),
                    region: a.region_name.clone(),
                    stage: a.stage.label(),
                    due_on: due.to_string(),
                    status: status.label(),
                    overdue: status.is_overdue(),
                }
            })
            .collect();
        ExpertPage { layout, actor_name, days, waiting }
    }
}

/// A cell of the province's table: what it shows, where it leads, and a class for a figure
/// that needs attention.
pub struct Cell {
    pub value: String,
    pub link: Option<String>,
    pub alert: bool,
}

pub struct ProvinceRow {
    pub region: String,
    pub code: String,
    pub cells: Vec<Cell>,
}

/// The province's table headers, in the cells' order.
pub const PROVINCE_HEADERS: [&str; 8] =
    ["实施方案", "领导小组", "预算 / 上限（万元）", "预算执行率", "培训覆盖率", "逾期未整改", "年度报告", "事故率目标"];

/// One region's row of the province's table.
pub struct RegionInput<'a> {
    pub region: &'a Region,
    pub records: Records,
    pub figures: &'a [Figure],
    pub overdue: i64,
    /// The roster's last save found it complete.
    pub roster_complete: bool,
    pub report: Option<&'a ReportLine>,
    /// The latest year of the cycle with a rate: (year, on track).
    pub accident: Option<(i32, Option<bool>)>,
}

fn value_of(figures: &[Figure], key: &str) -> Value {
    figures.iter().find(|f| f.key == key).map_or(Value::Missing, |f| f.value.clone())
}

pub fn province_row(r: &RegionInput<'_>, year: i32, cycle: &Cycle) -> ProvinceRow {
    let links = LinkContext {
        region_code: &r.region.code,
        year,
        cycle_first_year: cycle.first_year,
        province_view: true,
        own_region: false,
        plan: r.records.plan,
        roster: r.records.roster,
    };
    let link = |key: &str| figures::link(key, &links);
    let budget = value_of(r.figures, "fee_budget");
    let cap = value_of(r.figures, "fee_cap");
    let report = r.report.map_or(Standing::NotStarted, |l| Standing::At(l.status));
    let code = &r.region.code;
    let cells = vec![
        Cell {
            value: value_of(r.figures, "plan_status").shown(),
            link: link("plan_status"),
            alert: r.records.plan.is_none(),
        },
        Cell { value: value_of(r.figures, "roster").shown(), link: link("roster"), alert: !r.roster_complete },
        Cell { value: format!("{} / {}", budget.shown(), cap.shown()), link: link("fee_budget"), alert: false },
        Cell { value: value_of(r.figures, "fee_execution").shown(), link: link("fee_execution"), alert: false },
        Cell { value: value_of(r.figures, "training.rate").shown(), link: link("training.capped"), alert: false },
        Cell {
            value: r.overdue.to_string(),
            link: Some(format!("/findings?status=overdue&department=all&region={code}")),
            alert: r.overdue > 0,
        },
        Cell {
            value: format!("{}{}", report.label(), if r.report.is_some_and(|l| l.late) { "（逾期）" } else { "" }),
            link: Some(
                r.report.map_or(format!("/annual-reports?year={year}"), |l| format!("/annual-reports/{}", l.id)),
            ),
            alert: r.report.is_none_or(|l| matches!(l.status, ReportStatus::Draft | ReportStatus::Returned)),
        },
        Cell {
            value: match r.accident {
                Some((y, Some(true))) => format!("{y}年达标"),
                Some((y, Some(false))) => format!("{y}年未达标"),
                Some((y, None)) => format!("{y}年无目标"),
                None => "无数据".to_string(),
            },
            link: Some(format!("/statistics/regions/{code}?cycle={}", cycle.first_year)),
            alert: matches!(r.accident, Some((_, Some(false)))),
        },
    ];
    ProvinceRow { region: r.region.name.clone(), code: code.clone(), cells }
}

/// The latest year of the cycle with a rate for each region: (year, on track), from the
/// statistics rows (the trend of `statistics::model`).
pub fn latest_on_track(rows: &[StatisticsYear], goal: &Goal) -> BTreeMap<RegionId, (i32, Option<bool>)> {
    let mut by_region: BTreeMap<RegionId, BTreeMap<i32, statistics::Figures>> = BTreeMap::new();
    for r in rows {
        by_region.entry(r.region).or_default().insert(r.year, r.figures);
    }
    by_region
        .into_iter()
        .filter_map(|(region, sums)| {
            let line =
                statistics::trend(goal, &sums).into_iter().rfind(|l| l.year > goal.base_year && l.rate.is_some())?;
            Some((region, (line.year, line.on_track)))
        })
        .collect()
}

/// The province-wide trend: the cities' rows summed per year (never their rates averaged).
pub fn province_trend(rows: &[StatisticsYear], cities: &[RegionId], goal: &Goal) -> Vec<YearLine> {
    let sums = statistics::by_year(rows.iter().filter(|r| cities.contains(&r.region)).map(|r| (r.year, r.figures)));
    statistics::trend(goal, &sums)
}

/// What a bar chart draws: a percentage per region.
#[derive(Serialize)]
pub struct RateChart {
    pub regions: Vec<String>,
    pub rates: Vec<String>,
}

/// What the trend chart draws: the rate per year and its target, as decimal strings or null.
#[derive(Serialize)]
pub struct TrendChart {
    pub years: Vec<String>,
    pub rates: Vec<Option<String>>,
    pub targets: Vec<Option<String>>,
}

/// A year of the province-wide trend as the table beside the chart shows it.
pub struct TrendRow {
    pub year: i32,
    pub rate: String,
    pub target: String,
    pub mark: &'static str,
}

#[derive(Template)]
#[template(path = "home/province.html")]
pub struct ProvincePage {
    pub layout: Layout,
    pub common: Common,
    pub year: i32,
    pub headers: [&'static str; 8],
    pub rows: Vec<ProvinceRow>,
    pub coverage: Vec<(String, String)>,
    pub execution: Vec<(String, String)>,
    pub trend: Vec<TrendRow>,
    pub coverage_chart: String,
    pub execution_chart: String,
    pub trend_chart: String,
}

/// The percentage of a figure for a chart ("0" when there is none, so every city has a bar).
pub fn chart_percent(figures: &[Figure], key: &str) -> String {
    match value_of(figures, key) {
        Value::Percent(p) => format!("{p:.1}"),
        _ => "0".to_string(),
    }
}

pub fn trend_rows(lines: &[YearLine]) -> Vec<TrendRow> {
    lines
        .iter()
        .map(|l| TrendRow {
            year: l.year,
            rate: statistics::shown(l.rate),
            target: statistics::shown(l.target),
            mark: match l.on_track {
                Some(true) => "达标",
                Some(false) => "未达标",
                None => "—",
            },
        })
        .collect()
}

pub fn trend_chart(lines: &[YearLine]) -> TrendChart {
    let value = |v: Option<rust_decimal::Decimal>| {
        v.map(|d| format!("{:.3}", d.round_dp_with_strategy(3, rust_decimal::RoundingStrategy::MidpointAwayFromZero)))
    };
    TrendChart {
        years: lines.iter().map(|l| l.year.to_string()).collect(),
        rates: lines.iter().map(|l| value(l.rate)).collect(),
        targets: lines.iter().map(|l| value(l.target)).collect(),
    }
}

/// Whether a region is a city (the charts and the province-wide sums take the cities).
pub fn is_city(region: &Region) -> bool {
    region.level == RegionLevel::City
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(region: i64, year: i32, injuries: i64) -> StatisticsYear {
        StatisticsYear {
            region: RegionId(region),
            year,
            figures: statistics::Figures { insured: 100_000, injuries, ..Default::default() },
        }
    }

    fn goal() -> Goal {
        Goal { base_year: 2025, last_year: 2030, reduction_percent: rust_decimal::Decimal::from(10) }
    }

    #[test]
    fn the_latest_year_with_a_rate_decides_a_regions_standing() {
        // Region 2: 2.00‰ in 2025, 1.90‰ in 2026 (target 1.96: met), 1.99‰ in 2027 (1.92: missed).
        let rows = [row(2, 2025, 200), row(2, 2026, 190), row(2, 2027, 199), row(3, 2025, 100)];
        let standing = latest_on_track(&rows, &goal());
        assert_eq!(standing.get(&RegionId(2)), Some(&(2027, Some(false))));
        assert_eq!(standing.get(&RegionId(3)), None, "only the base year: nothing to judge");
    }

    #[test]
    fn the_province_wide_trend_sums_the_cities_not_their_rates() {
        let rows = [row(2, 2025, 200), row(3, 2025, 100), row(1, 2025, 900)];
        let lines = province_trend(&rows, &[RegionId(2), RegionId(3)], &goal());
        // (200 + 100) ÷ 200,000 × 1000 = 1.5‰; 省本级's row (region 1) is not a city's.
        assert_eq!(lines[0].rate, Some(rust_decimal::Decimal::new(15, 1)));
    }
}
