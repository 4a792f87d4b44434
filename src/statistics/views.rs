//! Page structs of the injury statistics: the overview of the regions against the cycle's
//! target, a region's (or the province's) trend with its chart, and the entry form of a year.

use askama::Template;
use serde::Serialize;

use super::model::{FIELDS, Figures, Goal, Industry, YearErrors, YearForm, YearLine, mark, shown};
use super::store::IndustryYear;
use crate::cycles::model::Cycle;
use crate::error::AppError;
use crate::web::form::{Choice, FieldErrors};
use crate::web::layout::{Chrome, Crumb, Layout};

pub fn crumb() -> Crumb {
    Crumb::link("工伤统计", "/statistics")
}

pub fn cycle_choices(cycles: &[Cycle]) -> Vec<Choice> {
    cycles.iter().map(|c| Choice::new(c.first_year.to_string(), c.years())).collect()
}

/// The CSS class of an on-track mark.
fn mark_class(on_track: Option<bool>) -> &'static str {
    match on_track {
        Some(true) => "text-success",
        Some(false) => "text-danger fw-bold",
        None => "text-muted",
    }
}

/// What the goal says, in a sentence above the tables.
fn goal_text(goal: &Goal) -> String {
    format!(
        "基准年为 {} 年，目标为五年内重点行业工伤事故率下降 {}%：第 k 年的目标 = 基准年事故率 × (1 − {}% × k/5)，事故率不高于目标即为达标。",
        goal.base_year,
        goal.reduction_percent.normalize(),
        goal.reduction_percent.normalize()
    )
}

/// A year's column head.
pub struct YearHead {
    pub year: i32,
    pub label: String,
}

fn year_heads(goal: &Goal) -> Vec<YearHead> {
    goal.years()
        .map(|year| YearHead {
            year,
            label: if year == goal.base_year { format!("{year}（基准年）") } else { year.to_string() },
        })
        .collect()
}

/// A year of a region as the overview's cell shows it.
pub struct YearCell {
    pub rate: String,
    pub target: String,
    pub mark: &'static str,
    pub class: &'static str,
    pub base: bool,
}

impl YearCell {
    fn of(line: &YearLine, goal: &Goal) -> YearCell {
        YearCell {
            rate: shown(line.rate),
            target: shown(line.target),
            mark: mark(line.on_track),
            class: mark_class(line.on_track),
            base: line.year == goal.base_year,
        }
    }
}

/// A region's line of the overview (and the province's).
pub struct RegionRow {
    pub name: String,
    pub link: String,
    pub cells: Vec<YearCell>,
}

impl RegionRow {
    pub fn of(name: String, link: String, lines: &[YearLine], goal: &Goal) -> RegionRow {
        RegionRow { name, link, cells: lines.iter().map(|l| YearCell::of(l, goal)).collect() }
    }
}

#[derive(Template)]
#[template(path = "statistics/overview.html")]
pub struct OverviewPage {
    pub layout: Layout,
    pub cycles: Vec<Choice>,
    pub cycle: String,
    pub goal: String,
    pub years: Vec<YearHead>,
    pub rows: Vec<RegionRow>,
    pub province: Option<RegionRow>,
    pub may_import: bool,
}

impl OverviewPage {
    pub fn new(
        chrome: &Chrome,
        cycles: &[Cycle],
        cycle: &Cycle,
        rows: Vec<RegionRow>,
        province: Option<RegionRow>,
        may_import: bool,
    ) -> OverviewPage {
        let goal = Goal::of(cycle);
        OverviewPage {
            layout: chrome.layout(format!("工伤事故率（{}）", cycle.years()), vec![Crumb::here("工伤统计")]),
            cycles: cycle_choices(cycles),
            cycle: cycle.first_year.to_string(),
            goal: goal_text(&goal),
            years: year_heads(&goal),
            rows,
            province,
            may_import,
        }
    }
}

/// Figures as a table cell shows them (blank without rows).
fn figure(figures: Option<&Figures>, f: fn(&Figures) -> i64) -> String {
    figures.map(|x| f(x).to_string()).unwrap_or_default()
}

/// A year of the trend table.
pub struct LineRow {
    pub year: i32,
    pub insured: String,
    pub injuries: String,
    pub deaths: String,
    pub disease_cases: String,
    pub rate: String,
    pub target: String,
    pub mark: &'static str,
    pub class: &'static str,
    /// The year's entry form, for its keepers (years begun only).
    pub edit: Option<String>,
}

/// A key industry's figures of a year.
pub struct DetailRow {
    pub year: i32,
    pub industry: String,
    pub insured: i64,
    pub injuries: i64,
    pub deaths: i64,
    pub disease_cases: i64,
    pub rate: String,
}

/// What the chart draws: the rate per year and the target line (the table beside it has the
/// same numbers), as decimal strings or null.
#[derive(Serialize)]
struct Chart {
    years: Vec<String>,
    rates: Vec<Option<String>>,
    targets: Vec<Option<String>>,
}

fn chart_value(v: Option<rust_decimal::Decimal>) -> Option<String> {
    v.map(|d| format!("{:.3}", d.round_dp_with_strategy(3, rust_decimal::RoundingStrategy::MidpointAwayFromZero)))
}

/// The chart's JSON for a non-executed script element: `<` escaped so no tag can close it.
fn chart_json(lines: &[YearLine]) -> Result<String, AppError> {
    let chart = Chart {
        years: lines.iter().map(|l| l.year.to_string()).collect(),
        rates: lines.iter().map(|l| chart_value(l.rate)).collect(),
        targets: lines.iter().map(|l| chart_value(l.target)).collect(),
    };
    crate::web::chart::json(&chart)
}

#[derive(Template)]
#[template(path = "statistics/trend.html")]
pub struct TrendPage {
    pub layout: Layout,
    pub name: String,
    /// The page itself, without the query (the cycle picker submits to it).
    pub base: String,
    pub cycles: Vec<Choice>,
    pub cycle: String,
    pub goal: String,
    pub lines: Vec<LineRow>,
    pub details: Vec<DetailRow>,
    pub chart: String,
    pub may_import: bool,
}

/// What a trend page is of.
pub struct TrendOf<'a> {
    pub name: &'a str,
    pub base: String,
    /// For the region's keepers: the region's code, whose years they may edit up to this year.
    pub keeper: Option<(&'a str, i32)>,
}

impl TrendPage {
    pub fn new(
        chrome: &Chrome,
        cycles: &[Cycle],
        cycle: &Cycle,
        of: TrendOf<'_>,
        lines: &[YearLine],
        industries: &[Industry],
        rows: &[IndustryYear],
    ) -> Result<TrendPage, AppError> {
        let goal = Goal::of(cycle);
        let title = format!("{}工伤事故率（{}）", of.name, cycle.years());
        let name_of = |key: &str| industries.iter().find(|i| i.key == key).map_or(key.to_string(), |i| i.name.clone());
        let order = |key: &str| industries.iter().position(|i| i.key == key).unwrap_or(usize::MAX);
        let mut details: Vec<&IndustryYear> = rows.iter().collect();
        details.sort_by_key(|r| (r.year, order(&r.industry)));
        Ok(TrendPage {
            layout: chrome.layout(title.clone(), vec![crumb(), Crumb::here(of.name.to_string())]),
            name: of.name.to_string(),
            base: of.base,
            cycles: cycle_choices(cycles),
            cycle: cycle.first_year.to_string(),
            goal: goal_text(&goal),
            lines: lines
                .iter()
                .map(|l| LineRow {
                    year: l.year,
                    insured: figure(l.figures.as_ref(), |f| f.insured),
                    injuries: figure(l.figures.as_ref(), |f| f.injuries),
                    deaths: figure(l.figures.as_ref(), |f| f.deaths),
                    disease_cases: figure(l.figures.as_ref(), |f| f.disease_cases),
                    rate: shown(l.rate),
                    target: shown(l.target),
                    mark: mark(l.on_track),
                    class: mark_class(l.on_track),
                    edit: of
                        .keeper
                        .filter(|(_, this_year)| l.year <= *this_year)
                        .map(|(code, _)| format!("/statistics/regions/{code}/{}/edit", l.year)),
                })
                .collect(),
            details: details
                .into_iter()
                .map(|r| DetailRow {
                    year: r.year,
                    industry: name_of(&r.industry),
                    insured: r.figures.insured,
                    injuries: r.figures.injuries,
                    deaths: r.figures.deaths,
                    disease_cases: r.figures.disease_cases,
                    rate: shown(r.figures.rate()),
                })
                .collect(),
            chart: chart_json(lines)?,
            may_import: of.keeper.is_some(),
        })
    }
}

/// A figure's input of the entry form.
pub struct EditCell {
    pub field: &'static str,
    /// Unique on the page: the field and the industry's key.
    pub id: String,
    pub label: String,
    pub value: String,
    pub class: &'static str,
    pub error: Option<String>,
}

/// An industry's row of the entry form.
pub struct EditRow {
    pub key: String,
    pub name: String,
    pub version: String,
    pub cells: Vec<EditCell>,
}

const LABELS: [&str; 4] = ["参保人数", "认定工伤人数", "工亡人数", "职业病病例数"];

impl EditRow {
    fn of(industry: &Industry, form: &YearForm, i: usize, errors: &FieldErrors) -> EditRow {
        let raw = form.raw(i);
        let cells = FIELDS
            .into_iter()
            .zip(LABELS)
            .zip(raw)
            .map(|((field, label), value)| EditCell {
                field,
                id: format!("{field}-{}", industry.key),
                label: format!("{}{label}", industry.name),
                value: value.to_string(),
                class: errors.class(field),
                error: errors.get(field).map(str::to_string),
            })
            .collect();
        EditRow {
            key: industry.key.clone(),
            name: industry.name.clone(),
            version: form.version.get(i).cloned().unwrap_or_default(),
            cells,
        }
    }
}

#[derive(Template)]
#[template(path = "statistics/edit.html")]
pub struct EditPage {
    pub layout: Layout,
    pub action: String,
    pub back: String,
    pub rows: Vec<EditRow>,
    pub form_error: Option<&'static str>,
    pub has_errors: bool,
}

impl EditPage {
    pub fn new(
        chrome: &Chrome,
        (name, code, year): (&str, &str, i32),
        industries: &[Industry],
        form: &YearForm,
        errors: YearErrors,
    ) -> EditPage {
        let title = format!("{name} {year} 年工伤统计数据");
        let back = format!("/statistics/regions/{code}");
        let has_errors = errors.form.is_some() || errors.rows.iter().any(|e| !e.is_empty());
        let none = FieldErrors::default();
        let rows = industries
            .iter()
            .enumerate()
            .map(|(i, industry)| EditRow::of(industry, form, i, errors.rows.get(i).unwrap_or(&none)))
            .collect();
        EditPage {
            layout: chrome.layout(
                title.clone(),
                vec![crumb(), Crumb::link(name.to_string(), back.clone()), Crumb::here(format!("{year} 年"))],
            ),
            action: format!("/statistics/regions/{code}/{year}/edit"),
            back,
            rows,
            form_error: errors.form,
            has_errors,
        }
    }
}
