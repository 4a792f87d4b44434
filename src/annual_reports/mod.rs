//! The annual progress report (年度计划落实情况报告), task 10 of DOMAIN.md: one per region and
//! year, due on the cycle's annual day (15 December). Its figures are computed from the
//! system's own records of the year (`figures`), each linked to the list of the records behind
//! it, and frozen into the report at submission; the narrative is one section per task of the
//! cycle, problems met and next year's work. It moves through the shared workflow: a city
//! submits, a province officer accepts or returns it with comments; 省本级's is written by one
//! province officer and accepted by another. The province sees every region's standing of a
//! year and one summary table of all regions' figures, exported to Excel.

pub mod cache;
pub mod figures;
pub mod model;
mod raw;
pub mod store;
pub mod views;

use axum::Router;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use axum::routing::{get, post};
use axum_extra::extract::Form;
use chrono::{Datelike, Utc};
use serde::Deserialize;

use self::figures::{Figure, Value};
use self::model::{ReportAction, ReportForm, ReportId, cycle_of, may_edit, may_read, may_write};
use self::store::{By, Done, Records, RegionRaw, ReportLine};
use self::views::{DetailPage, EditPage, Feedback, IndexPage, OverviewPage, PrintPage, RegionYear};
use crate::audit::{self, Action, AuditContext, Event};
use crate::auth::Actor;
use crate::cycles::Cycle;
use crate::db::{self, Scope};
use crate::error::AppError;
use crate::reference::{Ref, Reference};
use crate::state::AppState;
use crate::trail;
use crate::values::time;
use crate::web::export::{Cell, Column, Export, Kind};
use crate::web::flash::{self, Flash};
use crate::web::form::FieldErrors;
use crate::web::layout::{Chrome, Crumb};
use crate::web::once::FormToken;
use crate::web::pagination::lenient_u32;
use crate::web::render;
use crate::workflow::compare::ComparePage;
use crate::workflow::{history, step, versions};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/annual-reports", get(index))
        .route("/annual-reports/new", post(create))
        .route("/annual-reports/overview/export", get(export_overview))
        .route("/annual-reports/{id}", get(detail))
        .route("/annual-reports/{id}/edit", get(edit).post(save))
        .route("/annual-reports/{id}/transition", post(transition))
        .route("/annual-reports/{id}/compare", get(compare))
        .route("/annual-reports/{id}/print", get(print))
        .route("/annual-reports/{id}/export", get(export_report))
}

#[derive(Debug, Default, Deserialize)]
pub struct YearQuery {
    #[serde(default, deserialize_with = "lenient_u32")]
    pub year: Option<u32>,
}

/// The year asked for (this year by default) and its cycle.
fn year_and_cycle(reference: &Reference, asked: Option<u32>) -> Result<(i32, Cycle), AppError> {
    let year = asked.map_or_else(|| time::today().year(), |y| y as i32);
    let cycle = cycle_of(&reference.cycles, year).cloned().ok_or(AppError::NotFound)?;
    Ok((year, cycle))
}

/// 年度报告: for the province the year's overview of every region; for a region's officers its
/// reports (partner and agency officers: those submitted).
async fn index(
    State(state): State<AppState>,
    actor: Actor,
    Ref(reference): Ref,
    chrome: Chrome,
    Query(q): Query<YearQuery>,
) -> Result<Response, AppError> {
    if actor.db().scope == Scope::Province {
        let (year, cycle) = year_and_cycle(&reference, q.year)?;
        let regions = year_overview(&state, &actor, &reference, year, &cycle).await?;
        return render(OverviewPage::new(&chrome, &actor, year, &cycle, regions));
    }
    let region = actor.region.clone().ok_or(AppError::Forbidden)?;
    let mut tx = db::begin(&state.pool, actor.db()).await?;
    let mut lines = store::lines(&mut tx, Some(region.id), None).await?;
    tx.commit().await?;
    if !may_write(&actor, &region) {
        lines.retain(|l| matches!(l.status, model::ReportStatus::Submitted | model::ReportStatus::Accepted));
    }
    render(IndexPage::new(&chrome, &actor, region, lines, &reference.cycles, time::today()))
}

/// Every region of a year with its report and figures: the report's frozen ones once
/// submitted, else live from the records (one statement for all regions).
async fn year_overview(
    state: &AppState,
    actor: &Actor,
    reference: &Reference,
    year: i32,
    cycle: &Cycle,
) -> Result<Vec<RegionYear>, AppError> {
    let mut tx = db::begin(&state.pool, actor.db()).await?;
    let lines = store::lines(&mut tx, None, Some(year)).await?;
    let asked = cache::Asked { year, cycle, today: time::today(), reference_version: reference.version };
    let raw = store::kept_figures(&mut tx, &state.figures, asked, None).await?;
    tx.commit().await?;
    Ok(raw
        .into_iter()
        .map(|RegionRaw { region, raw, .. }| {
            let report: Option<ReportLine> = lines.iter().find(|l| l.region_id == region.id).cloned();
            let frozen = report.as_ref().filter(|l| !l.status.is_open()).and_then(|l| l.figures.clone());
            let is_frozen = frozen.is_some();
            let figures = frozen.map_or_else(|| figures::compute(&raw, year, cycle), |f| f.0);
            RegionYear { region, report, figures, frozen: is_frozen }
        })
        .collect())
}

#[derive(Deserialize)]
struct CreateForm {
    #[serde(default)]
    year: String,
    #[serde(default)]
    form_token: String,
}

/// Starts the actor's region's report of a year (a double click makes one).
async fn create(
    State(state): State<AppState>,
    actor: Actor,
    Ref(reference): Ref,
    audit: AuditContext,
    Form(form): Form<CreateForm>,
) -> Result<Response, AppError> {
    let token = FormToken::parse(&form.form_token)?;
    let region = actor.region.clone().ok_or(AppError::Forbidden)?;
    if !may_write(&actor, &region) {
        return Err(AppError::Forbidden);
    }
    let year: i32 = form.year.trim().parse().map_err(|_| AppError::Refused("请选择年度。".into()))?;
    if year > time::today().year() || cycle_of(&reference.cycles, year).is_none() {
        return Err(AppError::Refused(format!("{year}年度不在任何行动计划周期内，或尚未到来，不能编写报告。").into()));
    }
    let mut tx = db::begin(&state.pool, actor.db()).await?;
    let by = By { account: actor.account_id, name: &actor.display_name };
    let done = store::create(&mut tx, &audit, &by, &token, &region, year).await?;
    tx.commit().await?;
    Ok(match done {
        Done::Now(url) => flash::redirect_with(&url, Flash::AnnualReportCreated),
        Done::Before(url) => flash::redirect(&url),
    })
}

/// A report with what its pages need: its cycle, history and versions, and its figures live
/// from the records (with where its plan and roster are).
pub struct Loaded {
    pub report: model::Report,
    pub cycle: Cycle,
    pub timeline: Vec<history::TimelineLine>,
    pub versions: Vec<versions::Version>,
    pub live: Vec<Figure>,
    pub records: Records,
}

/// What a page needs beside the report.
#[derive(Clone, Copy, PartialEq, Eq)]
enum With {
    /// History, versions and live figures (the report's page).
    Everything,
    /// Live figures (print, export).
    Figures,
    /// The report alone (the edit form).
    ReportOnly,
}

/// The report and what its page needs, in one transaction of the actor's scope: another
/// region's report, or one the actor may not read yet, is not found.
async fn load(
    state: &AppState,
    actor: &Actor,
    reference: &Reference,
    id: ReportId,
    with: With,
) -> Result<Loaded, AppError> {
    let mut tx = db::begin(&state.pool, actor.db()).await?;
    let report = store::find(&mut tx, id, false).await?.ok_or(AppError::NotFound)?;
    if !may_read(actor, &report) {
        return Err(AppError::NotFound);
    }
    let cycle = cycle_of(&reference.cycles, report.year).cloned().ok_or(AppError::NotFound)?;
    let trail = match with {
        With::Everything => {
            trail::load(&mut tx, &crate::attachments::Owner { kind: model::KIND, id: id.0, region: report.region.id })
                .await?
        }
        _ => trail::Trail::default(),
    };
    let (live, records) = match with {
        With::ReportOnly => (Vec::new(), Records::default()),
        _ => {
            let asked = cache::Asked {
                year: report.year,
                cycle: &cycle,
                today: time::today(),
                reference_version: reference.version,
            };
            let raw = store::kept_figures(&mut tx, &state.figures, asked, Some(report.region.id)).await?;
            raw.first().map(|r| (figures::compute(&r.raw, report.year, &cycle), r.records)).unwrap_or_default()
        }
    };
    tx.commit().await?;
    let timeline = history::timeline::<model::ReportStatus, ReportAction>(&trail.history);
    Ok(Loaded { report, cycle, timeline, versions: trail.versions, live, records })
}

async fn detail(
    State(state): State<AppState>,
    actor: Actor,
    Ref(reference): Ref,
    chrome: Chrome,
    Path(id): Path<ReportId>,
) -> Result<Response, AppError> {
    let l = load(&state, &actor, &reference, id, With::Everything).await?;
    render(DetailPage::new(&chrome, &actor, l, Feedback::default()))
}

async fn edit(
    State(state): State<AppState>,
    actor: Actor,
    Ref(reference): Ref,
    chrome: Chrome,
    Path(id): Path<ReportId>,
) -> Result<Response, AppError> {
    let l = load(&state, &actor, &reference, id, With::ReportOnly).await?;
    if !may_edit(&actor, &l.report) {
        return Err(AppError::Forbidden);
    }
    let form = ReportForm::of(&l.report, &l.cycle);
    render(EditPage::new(&chrome, &l, form, FieldErrors::default()))
}

async fn save(
    State(state): State<AppState>,
    actor: Actor,
    Ref(reference): Ref,
    chrome: Chrome,
    audit: AuditContext,
    Path(id): Path<ReportId>,
    Form(form): Form<ReportForm>,
) -> Result<Response, AppError> {
    let l = load(&state, &actor, &reference, id, With::ReportOnly).await?;
    if !may_write(&actor, &l.report.region) {
        return Err(AppError::Forbidden);
    }
    let (input, version) = match form.parse(&l.cycle) {
        Ok(parsed) => parsed,
        Err(errors) => return render(EditPage::new(&chrome, &l, form, errors)),
    };
    let mut tx = db::begin(&state.pool, actor.db()).await?;
    store::update(&mut tx, &audit, &l.report, version, &input, &l.cycle).await?;
    tx.commit().await?;
    Ok(flash::redirect_with(&format!("/annual-reports/{id}"), Flash::AnnualReportSaved))
}

async fn transition(
    State(state): State<AppState>,
    actor: Actor,
    Ref(reference): Ref,
    chrome: Chrome,
    audit: AuditContext,
    Path(id): Path<ReportId>,
    Form(form): Form<step::TransitionForm>,
) -> Result<Response, AppError> {
    let (action, token) = form.parse::<ReportAction>()?;
    let l = load(&state, &actor, &reference, id, With::Everything).await?;
    // Writing a region's report is its own officers' business; the province reviews.
    if action == ReportAction::Submit && !may_write(&actor, &l.report.region) {
        return Err(AppError::Forbidden);
    }
    let mut tx = db::begin(&state.pool, actor.db()).await?;
    let by = By { account: actor.account_id, name: &actor.display_name };
    let outcome = store::transition(
        &mut tx,
        &audit,
        &by,
        actor.role,
        &token,
        id,
        action,
        &form.comment,
        &l.cycle,
        Utc::now(),
        time::today(),
    )
    .await;
    let problems = match step::outcome(outcome)? {
        Ok(done) => {
            tx.commit().await?;
            return Ok(match done {
                Done::Now(url) => flash::redirect_with(&url, flash_of(action)),
                Done::Before(url) => flash::redirect(&url),
            });
        }
        Err(problems) => problems.into_iter().map(|p| p.message).collect(),
    };
    tx.rollback().await?;
    render(DetailPage::new(&chrome, &actor, l, Feedback { problems, comment: form.comment }))
}

fn flash_of(action: ReportAction) -> Flash {
    match action {
        ReportAction::Submit => Flash::AnnualReportSubmitted,
        ReportAction::Accept => Flash::AnnualReportAccepted,
        ReportAction::Return => Flash::AnnualReportReturned,
    }
}

#[derive(Deserialize)]
struct CompareQuery {
    #[serde(default, deserialize_with = "lenient_u32")]
    a: Option<u32>,
    #[serde(default, deserialize_with = "lenient_u32")]
    b: Option<u32>,
}

/// Two submitted versions side by side (by default the last two).
async fn compare(
    State(state): State<AppState>,
    actor: Actor,
    chrome: Chrome,
    Path(id): Path<ReportId>,
    Query(q): Query<CompareQuery>,
) -> Result<Response, AppError> {
    let mut tx = db::begin(&state.pool, actor.db()).await?;
    let report = store::find(&mut tx, id, false).await?.filter(|r| may_read(&actor, r)).ok_or(AppError::NotFound)?;
    let (a, b) = (q.a.map(|v| v as i32), q.b.map(|v| v as i32));
    let pair = versions::pair(&mut tx, report.region.id, model::KIND, id.0, a, b).await?.ok_or(AppError::NotFound)?;
    tx.commit().await?;
    let comparison = versions::compare(&pair.before, &pair.after);
    let crumbs = vec![
        Crumb::link("年度报告", "/annual-reports"),
        Crumb::link(format!("{} {}年度", report.region.name, report.year), format!("/annual-reports/{id}")),
    ];
    let base = format!("/annual-reports/{id}");
    render(ComparePage::new(&chrome, crumbs, base, "返回年度报告", &pair.versions, (pair.a, pair.b), comparison))
}

/// The report on A4 as an official report, for signature and seal.
async fn print(
    State(state): State<AppState>,
    actor: Actor,
    Ref(reference): Ref,
    Path(id): Path<ReportId>,
) -> Result<Response, AppError> {
    let l = load(&state, &actor, &reference, id, With::Figures).await?;
    render(PrintPage::new(&actor, &l))
}

/// A figure's value as a spreadsheet cell: counts and money (万元, two decimals) as numbers.
fn cell_of(value: &Value) -> Cell {
    match value {
        Value::Count(n) => Cell::Integer(*n),
        Value::Money(yuan) => Cell::Money(
            (*yuan / rust_decimal::Decimal::from(10_000))
                .round_dp_with_strategy(2, rust_decimal::RoundingStrategy::MidpointAwayFromZero),
        ),
        Value::Missing => Cell::Empty,
        other => Cell::Text(other.shown()),
    }
}

const REPORT_COLUMNS: &[Column] = &[
    Column::new("类别", Kind::Text, 28.0),
    Column::new("指标", Kind::Text, 36.0),
    Column::new("数值", Kind::Text, 16.0),
];

/// The report's figures as an Excel sheet: as submitted once submitted, else live.
async fn export_report(
    State(state): State<AppState>,
    actor: Actor,
    Ref(reference): Ref,
    audit: AuditContext,
    Path(id): Path<ReportId>,
) -> Result<Response, AppError> {
    let l = load(&state, &actor, &reference, id, With::Figures).await?;
    let report = &l.report;
    let frozen = report.figures.as_ref().filter(|_| !report.status.is_open());
    let figures = frozen.unwrap_or(&l.live);
    let _slot = crate::web::export::slot().await?;
    let title = views::title(&report.region, report.year);
    let source = match (frozen, report.figures_at) {
        (Some(_), Some(at)) => format!("报送时固定（{}）", time::minutes(&at)),
        _ => "按系统记录实时生成".to_string(),
    };
    let filters = [("状态", report.status.label().to_string()), ("数据来源", source)];
    let mut export = Export::new(&title, &title, &filters, REPORT_COLUMNS, false)?;
    for f in figures {
        export.push(vec![f.group.label().into(), f.label.clone().into(), cell_of(&f.value)])?;
    }
    let event =
        Event::new(Action::ExportAnnualReport).object(model::KIND, id).detail(format!("共 {} 项", export.rows()));
    audit::record_alone(&state.pool, &audit, event).await?;
    Ok(export.into_response().await?)
}

const STANDING_COLUMNS: &[Column] = &[
    Column::new("地区", Kind::Text, 14.0),
    Column::new("状态", Kind::Text, 12.0),
    Column::new("是否逾期", Kind::Text, 10.0),
    Column::new("报送时间", Kind::DateTime, 20.0),
    Column::new("审核通过时间", Kind::DateTime, 20.0),
];

/// The year's overview for the province's own report to the ministry: one sheet of every
/// region's status, one of every region's figures.
async fn export_overview(
    State(state): State<AppState>,
    actor: Actor,
    Ref(reference): Ref,
    audit: AuditContext,
    Query(q): Query<YearQuery>,
) -> Result<Response, AppError> {
    let (year, cycle) = year_and_cycle(&reference, q.year)?;
    let regions = year_overview(&state, &actor, &reference, year, &cycle).await?;
    let _slot = crate::web::export::slot().await?;
    let title = format!("{year}年度工伤预防工作计划落实情况汇总");
    let filters = [("年度", format!("{year}年度"))];
    let mut export = Export::new(&title, &title, &filters, STANDING_COLUMNS, false)?;
    export.name_sheet("报送情况")?;
    for r in &regions {
        let standing = r.report.as_ref().map_or(model::Standing::NotStarted, |l| model::Standing::At(l.status));
        let accepted =
            r.report.as_ref().filter(|l| l.status == model::ReportStatus::Accepted).and_then(|l| l.decided_at);
        export.push(vec![
            r.region.name.clone().into(),
            standing.label().into(),
            if r.report.as_ref().is_some_and(|l| l.late) { "逾期" } else { "" }.into(),
            r.report.as_ref().and_then(|l| l.last_submitted_at).map_or(Cell::Empty, Cell::DateTime),
            accepted.map_or(Cell::Empty, Cell::DateTime),
        ])?;
    }
    let summary = views::Summary::of(&regions);
    let mut columns = vec![("地区".to_string(), Kind::Text, 14.0), ("数据来源".to_string(), Kind::Text, 14.0)];
    columns.extend(summary.headers.iter().map(|(_, label)| (label.clone(), Kind::Text, 14.0)));
    export.next_sheet("数据", &format!("{title}（金额单位：万元）"), &columns)?;
    for row in &summary.rows {
        let mut cells: Vec<Cell> =
            vec![row.region.clone().into(), if row.frozen { "报送时固定" } else { "实时" }.into()];
        cells.extend(row.cells.iter().map(|v| v.as_ref().map_or(Cell::Empty, cell_of)));
        export.push(cells)?;
    }
    let event = Event::new(Action::ExportAnnualReports).detail(format!("{year}年度，{} 个地区", regions.len()));
    audit::record_alone(&state.pool, &audit, event).await?;
    Ok(export.into_response().await?)
}
