//! Training coverage (培训覆盖率) of a cycle: key-industry employers only, each employer's
//! category capped at its required people before summing (the database's rollups carry the
//! capped sums per region, division and category). The province sees every city with a bar
//! chart beside the table; a region sees itself by key industry and by category; both against
//! the cycle's target with the gap in people, the employers below it with their contacts, and
//! Excel of each.

use std::collections::{BTreeMap, HashMap, HashSet};

use askama::Template;
use axum::Router;
use axum::extract::{Query, State};
use axum::response::Response;
use axum::routing::get;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use super::model::{Coverage, all_categories};
use super::store::{self, BelowLine, Rollup};
use super::views::cycle_choices;
use crate::audit::export::{self, ExportJob};
use crate::audit::{Action, AuditContext};
use crate::auth::Actor;
use crate::cycles::model::Cycle;
use crate::db::{self, Scope};
use crate::error::AppError;
use crate::key_industries::model::KeyIndustry;
use crate::org::{Region, RegionId};
use crate::reference::{Ref, Reference};
use crate::state::AppState;
use crate::values::mask;
use crate::web::export::{Cell, Column, Kind};
use crate::web::form::Choice;
use crate::web::layout::{Chrome, Crumb, Layout};
use crate::web::pagination::{Page, Pager, lenient_u32};
use crate::web::render;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/training/coverage", get(coverage))
        .route("/training/coverage/export", get(export_coverage))
        .route("/training/coverage/below", get(below))
        .route("/training/coverage/below/export", get(export_below))
}

#[derive(Debug, Default, Deserialize)]
pub struct CoverageQuery {
    #[serde(default)]
    pub cycle: Option<String>,
    #[serde(default)]
    pub region: Option<String>,
    #[serde(default)]
    pub category: Option<String>,
    #[serde(default, deserialize_with = "lenient_u32")]
    pub page: Option<u32>,
}

/// What a coverage page is about: the cycle, one region (none: the province's view of every
/// region), one category or all.
#[derive(Clone, Debug)]
pub struct Asked {
    pub cycle: Cycle,
    pub region: Option<Region>,
    pub category: Option<String>,
}

impl Asked {
    fn of(actor: &Actor, reference: &Reference, q: &CoverageQuery) -> Result<Asked, AppError> {
        let cycle = super::cycle_of(reference, q.cycle.as_deref())?.clone();
        let region = match actor.db().scope {
            Scope::Province => q.region.as_deref().and_then(|c| reference.region_by_code(c.trim())).cloned(),
            _ => Some(actor.region.clone().ok_or(AppError::Forbidden)?),
        };
        let category =
            q.category.as_deref().map(str::trim).filter(|c| all_categories(&cycle).contains(c)).map(str::to_string);
        Ok(Asked { cycle, region, category })
    }

    fn query(&self) -> String {
        let mut query = form_urlencoded::Serializer::new(String::new());
        query.append_pair("cycle", &self.cycle.first_year.to_string());
        if let Some(r) = &self.region {
            query.append_pair("region", &r.code);
        }
        if let Some(c) = &self.category {
            query.append_pair("category", c);
        }
        query.finish()
    }

    fn target(&self) -> Decimal {
        self.cycle.coverage_target_percent
    }
}

/// The key industries of a cycle: the province's for every region, and each region's own.
pub struct KeyMap {
    province: Vec<KeyIndustry>,
    own: HashMap<RegionId, Vec<KeyIndustry>>,
}

impl KeyMap {
    pub async fn load(tx: &mut sqlx::PgConnection, cycle: &Cycle) -> Result<KeyMap, sqlx::Error> {
        let (province, own) = store::key_industries(tx, cycle.id).await?;
        let mut by_region: HashMap<RegionId, Vec<KeyIndustry>> = HashMap::new();
        for (region, industry) in own {
            by_region.entry(region).or_default().push(industry);
        }
        Ok(KeyMap { province, own: by_region })
    }

    /// The key industry a division belongs to in `region` (the province's first).
    pub fn industry(&self, region: RegionId, division: &str) -> Option<&KeyIndustry> {
        let own = self.own.get(&region).map(Vec::as_slice).unwrap_or(&[]);
        self.province.iter().chain(own).find(|k| k.divisions.iter().any(|d| d == division))
    }

    /// Every (region, division) pair that is a key industry, for the regions given.
    pub fn pairs(&self, regions: &[RegionId]) -> Vec<(RegionId, String)> {
        let mut seen = HashSet::new();
        let mut pairs = Vec::new();
        for region in regions {
            let own = self.own.get(region).map(Vec::as_slice).unwrap_or(&[]);
            for d in self.province.iter().chain(own).flat_map(|k| k.divisions.iter()) {
                if seen.insert((*region, d.clone())) {
                    pairs.push((*region, d.clone()));
                }
            }
        }
        pairs
    }
}

/// One line of a coverage table.
#[derive(Clone, Debug)]
pub struct Line {
    pub code: String,
    pub name: String,
    pub coverage: Coverage,
    pub rate: String,
    pub gap: i64,
    pub below: bool,
}

impl Line {
    fn of(code: String, name: String, coverage: Coverage, target: Decimal) -> Line {
        Line {
            code,
            name,
            rate: coverage.shown(),
            gap: coverage.gap(target),
            below: coverage.required > 0 && !coverage.meets(target),
            coverage,
        }
    }
}

/// The key-industry rollups of the asked scope and category.
fn counted<'a>(
    rollups: &'a [Rollup],
    keys: &'a KeyMap,
    asked: &'a Asked,
) -> impl Iterator<Item = (&'a Rollup, &'a KeyIndustry)> {
    rollups.iter().filter_map(move |r| {
        let industry = keys.industry(r.region, &r.division_code)?;
        asked.category.as_deref().is_none_or(|c| c == r.category).then_some((r, industry))
    })
}

fn add(map: &mut BTreeMap<String, Coverage>, key: &str, r: &Rollup) {
    let c = map.entry(key.to_string()).or_default();
    *c = c.plus(Coverage { required: r.required, trained: r.trained, capped: r.capped });
}

/// Everything a coverage page and its export show.
pub struct Tables {
    pub total: Line,
    pub by_region: Vec<Line>,
    pub by_industry: Vec<Line>,
    pub by_category: Vec<Line>,
}

fn tables(reference: &Reference, asked: &Asked, rollups: &[Rollup], keys: &KeyMap) -> Tables {
    let target = asked.target();
    let mut regions: BTreeMap<String, Coverage> = BTreeMap::new();
    let mut industries: BTreeMap<String, Coverage> = BTreeMap::new();
    let mut categories: BTreeMap<String, Coverage> = BTreeMap::new();
    let mut total = Coverage::default();
    for (r, industry) in counted(rollups, keys, asked) {
        add(&mut regions, &r.region.0.to_string(), r);
        add(&mut industries, &industry.name, r);
        add(&mut categories, &r.category, r);
        total = total.plus(Coverage { required: r.required, trained: r.trained, capped: r.capped });
    }
    // Regions in the province's order (every city listed, with or without figures); the
    // categories in the cycle's.
    let by_region = match asked.region {
        Some(_) => Vec::new(),
        None => reference
            .regions
            .iter()
            .map(|g| {
                let c = regions.get(&g.id.0.to_string()).copied().unwrap_or_default();
                Line::of(g.code.clone(), g.name.clone(), c, target)
            })
            .collect(),
    };
    let by_category = all_categories(&asked.cycle)
        .into_iter()
        .filter_map(|c| categories.get(c).map(|v| Line::of(c.to_string(), c.to_string(), *v, target)))
        .collect();
    let by_industry = industries.into_iter().map(|(k, v)| Line::of(k.clone(), k, v, target)).collect();
    let name = asked.region.as_ref().map_or("全省".to_string(), |r| r.name.clone());
    Tables { total: Line::of(String::new(), name, total, target), by_region, by_industry, by_category }
}

async fn load(state: &AppState, actor: &Actor, reference: &Reference, asked: &Asked) -> Result<Tables, AppError> {
    let mut tx = db::begin(&state.pool, actor.db()).await?;
    let rollups = store::rollups(&mut tx, asked.cycle.id, asked.region.as_ref().map(|r| r.id)).await?;
    let keys = KeyMap::load(&mut tx, &asked.cycle).await?;
    tx.commit().await?;
    Ok(tables(reference, asked, &rollups, &keys))
}

#[derive(Serialize)]
struct Chart {
    regions: Vec<String>,
    rates: Vec<String>,
}

#[derive(Template)]
#[template(path = "training/coverage.html")]
pub struct CoveragePage {
    pub layout: Layout,
    pub cycles: Vec<Choice>,
    pub cycle: String,
    pub province: bool,
    pub regions: Vec<Choice>,
    pub region: String,
    pub categories: Vec<Choice>,
    pub category: String,
    pub target: String,
    pub due: String,
    pub tables: Tables,
    pub chart: String,
    pub query: String,
}

/// 培训覆盖率.
async fn coverage(
    State(state): State<AppState>,
    actor: Actor,
    Ref(reference): Ref,
    chrome: Chrome,
    Query(q): Query<CoverageQuery>,
) -> Result<Response, AppError> {
    let asked = Asked::of(&actor, &reference, &q)?;
    let tables = load(&state, &actor, &reference, &asked).await?;
    let chart = Chart {
        regions: tables.by_region.iter().map(|l| l.name.clone()).collect(),
        rates: tables.by_region.iter().map(|l| l.coverage.rate().unwrap_or_default().to_string()).collect(),
    };
    let chart = crate::web::chart::json(&chart)?;
    let title = format!("{}培训覆盖率（{}—{}年）", tables.total.name, asked.cycle.first_year, asked.cycle.last_year);
    render(CoveragePage {
        layout: chrome.layout(title, vec![super::views::crumb(), Crumb::here("培训覆盖率")]),
        cycles: cycle_choices(&reference.cycles),
        cycle: asked.cycle.first_year.to_string(),
        province: matches!(actor.db().scope, Scope::Province),
        regions: reference.regions.iter().map(|r| Choice::new(r.code.clone(), r.name.clone())).collect(),
        region: asked.region.as_ref().map(|r| r.code.clone()).unwrap_or_default(),
        categories: all_categories(&asked.cycle).into_iter().map(|c| Choice::new(c, c)).collect(),
        category: asked.category.clone().unwrap_or_default(),
        target: format!("{}%", asked.target().normalize()),
        due: asked.cycle.training_coverage_due.to_string(),
        query: asked.query(),
        tables,
        chart,
    })
}

const COLUMNS: &[Column] = &[
    Column::new("分组", Kind::Text, 10.0),
    Column::new("名称", Kind::Text, 30.0),
    Column::new("应培训（人）", Kind::Integer, 14.0),
    Column::new("已培训（人）", Kind::Integer, 14.0),
    Column::new("计入覆盖（人）", Kind::Integer, 14.0),
    Column::new("覆盖率", Kind::Text, 10.0),
    Column::new("距目标（人）", Kind::Integer, 12.0),
];

/// The coverage tables as one sheet: the total, then by region, key industry and category.
async fn export_coverage(
    State(state): State<AppState>,
    actor: Actor,
    Ref(reference): Ref,
    audit: AuditContext,
    Query(q): Query<CoverageQuery>,
) -> Result<Response, AppError> {
    let asked = Asked::of(&actor, &reference, &q)?;
    let tables = load(&state, &actor, &reference, &asked).await?;
    let mut lines: Vec<(&'static str, Line)> = vec![("合计", tables.total.clone())];
    lines.extend(tables.by_region.into_iter().map(|l| ("地区", l)));
    lines.extend(tables.by_industry.into_iter().map(|l| ("重点行业", l)));
    lines.extend(tables.by_category.into_iter().map(|l| ("人员类别", l)));
    let title = format!("培训覆盖率（{}—{}年）", asked.cycle.first_year, asked.cycle.last_year);
    let job = ExportJob {
        title: &title,
        filters: vec![
            ("地区", asked.region.as_ref().map_or("全省".to_string(), |r| r.name.clone())),
            ("人员类别", asked.category.clone().unwrap_or_else(|| "全部".into())),
            ("目标", format!("{}%", asked.target().normalize())),
        ],
        columns: COLUMNS,
        action: Action::ExportTrainingCoverage,
        described: asked.query(),
        unmasked: false,
    };
    let mut lines = Some(lines);
    export::export_pages(
        &state.pool,
        &audit,
        job,
        move |_: Option<usize>| {
            let page = lines.take().unwrap_or_default();
            async move { Ok::<_, sqlx::Error>(page) }
        },
        |_| 0usize,
        |(group, l)| {
            vec![
                group.into(),
                l.name.into(),
                Cell::Integer(l.coverage.required),
                Cell::Integer(l.coverage.trained),
                Cell::Integer(l.coverage.capped),
                l.rate.into(),
                Cell::Integer(l.gap),
            ]
        },
    )
    .await
}

const PAGE_SIZE: u32 = 50;

async fn below_lines(
    state: &AppState,
    actor: &Actor,
    reference: &Reference,
    asked: &Asked,
    (limit, offset): (i64, i64),
) -> Result<Vec<BelowLine>, sqlx::Error> {
    let mut tx = db::begin(&state.pool, actor.db()).await?;
    let keys = KeyMap::load(&mut tx, &asked.cycle).await?;
    let (cycle, target) = (asked.cycle.id, asked.target());
    let lines = match &asked.region {
        Some(r) => {
            let divisions: Vec<String> = keys.pairs(&[r.id]).into_iter().map(|(_, d)| d).collect();
            store::below_in_region(&mut tx, cycle, (r.id, &divisions), target, limit, offset).await?
        }
        None => {
            let pairs = keys.pairs(&reference.regions.iter().map(|r| r.id).collect::<Vec<_>>());
            store::below_everywhere(&mut tx, cycle, &pairs, target, limit, offset).await?
        }
    };
    tx.commit().await?;
    Ok(lines)
}

pub struct BelowRow {
    pub id: String,
    pub region: String,
    pub name: String,
    pub credit_code: String,
    pub contact: String,
    pub required: i64,
    pub capped: i64,
    pub rate: String,
    pub gap: i64,
}

impl BelowRow {
    fn of(l: &BelowLine, target: Decimal) -> BelowRow {
        let c = Coverage { required: l.required, trained: l.capped, capped: l.capped };
        BelowRow {
            id: l.id.to_string(),
            region: l.region_name.clone(),
            name: l.name.clone(),
            credit_code: l.credit_code.clone(),
            contact: format!("{} {}", l.contact_person, mask::phone(&l.contact_phone)).trim().to_string(),
            required: l.required,
            capped: l.capped,
            rate: c.shown(),
            gap: c.gap(target),
        }
    }
}

#[derive(Template)]
#[template(path = "training/below.html")]
pub struct BelowPage {
    pub layout: Layout,
    pub province: bool,
    pub cycles: Vec<Choice>,
    pub cycle: String,
    pub regions: Vec<Choice>,
    pub region: String,
    pub target: String,
    pub rows: Vec<BelowRow>,
    pub pager: Pager,
    pub query: String,
}

/// 未达标单位: the key-industry employers below the target, the lowest coverage first.
async fn below(
    State(state): State<AppState>,
    actor: Actor,
    Ref(reference): Ref,
    chrome: Chrome,
    Query(q): Query<CoverageQuery>,
) -> Result<Response, AppError> {
    let asked = Asked { category: None, ..Asked::of(&actor, &reference, &q)? };
    let page = Page::new(q.page, PAGE_SIZE);
    let lines = below_lines(&state, &actor, &reference, &asked, (page.limit(), page.offset())).await?;
    let target = asked.target();
    let crumbs = vec![
        super::views::crumb(),
        Crumb::link("培训覆盖率", format!("/training/coverage?{}", asked.query())),
        Crumb::here("未达标单位"),
    ];
    render(BelowPage {
        layout: chrome.layout("培训覆盖率未达标单位", crumbs),
        province: matches!(actor.db().scope, Scope::Province),
        cycles: cycle_choices(&reference.cycles),
        cycle: asked.cycle.first_year.to_string(),
        regions: reference.regions.iter().map(|r| Choice::new(r.code.clone(), r.name.clone())).collect(),
        region: asked.region.as_ref().map(|r| r.code.clone()).unwrap_or_default(),
        target: format!("{}%", target.normalize()),
        rows: lines.iter().map(|l| BelowRow::of(l, target)).collect(),
        pager: Pager::new(page, lines.first().map_or(0, |l| l.total), asked.query()),
        query: asked.query(),
    })
}

const BELOW_COLUMNS: &[Column] = &[
    Column::new("地区", Kind::Text, 10.0),
    Column::new("单位名称", Kind::Text, 36.0),
    Column::new("统一社会信用代码", Kind::Text, 22.0),
    Column::new("联系人", Kind::Text, 12.0),
    Column::new("联系电话", Kind::Text, 16.0),
    Column::new("应培训（人）", Kind::Integer, 14.0),
    Column::new("计入覆盖（人）", Kind::Integer, 14.0),
    Column::new("覆盖率", Kind::Text, 10.0),
    Column::new("距目标（人）", Kind::Integer, 12.0),
];

async fn export_below(
    State(state): State<AppState>,
    actor: Actor,
    Ref(reference): Ref,
    audit: AuditContext,
    Query(q): Query<CoverageQuery>,
) -> Result<Response, AppError> {
    let asked = Asked { category: None, ..Asked::of(&actor, &reference, &q)? };
    let target = asked.target();
    let job = ExportJob {
        title: "培训覆盖率未达标单位",
        filters: vec![
            ("周期", format!("{}—{}年", asked.cycle.first_year, asked.cycle.last_year)),
            ("地区", asked.region.as_ref().map_or("全省".to_string(), |r| r.name.clone())),
            ("目标", format!("{}%", target.normalize())),
        ],
        columns: BELOW_COLUMNS,
        action: Action::ExportTrainingBelow,
        described: asked.query(),
        unmasked: false,
    };
    let (state2, actor2, reference2) = (state.clone(), actor.clone(), reference.clone());
    export::export_pages(
        &state.pool,
        &audit,
        job,
        move |after: Option<i64>| {
            let (state, actor, reference, asked) = (state2.clone(), actor2.clone(), reference2.clone(), asked.clone());
            async move { below_lines(&state, &actor, &reference, &asked, (export::BATCH, after.unwrap_or(0))).await }
        },
        |l: &BelowLine| l.ordinal,
        move |l| {
            let row = BelowRow::of(&l, target);
            vec![
                l.region_name.into(),
                l.name.into(),
                l.credit_code.into(),
                l.contact_person.into(),
                mask::phone(&l.contact_phone).into(),
                Cell::Integer(l.required),
                Cell::Integer(l.capped),
                row.rate.into(),
                Cell::Integer(row.gap),
            ]
        },
    )
    .await
}
