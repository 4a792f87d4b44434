//! Floating premium rates (浮动费率, task 7): per region the rate tables (base rates and grades
//! of the eight risk classes, with their effective dates and documents), the rule set that maps
//! each factor to a move of grades (kept as data, a default set shipped), and each employer's
//! evaluation for a three-year period: its inputs, the proposed grade and rate with every
//! factor explained, and the agency's confirmation or override. Agency officers evaluate their
//! region; city officers read it; province officers keep the tables and rules and read all.

pub mod import;
pub mod model;
pub mod run;
pub mod store;
pub mod tables;
pub mod views;

use axum::Router;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use axum::routing::{get, post};
use axum_extra::extract::Form;
use chrono::Datelike;
use serde::Deserialize;

use self::model::{
    ClassRates, DecisionForm, EvaluationId, EvaluationStatus, InputsForm, PERIOD_YEARS, may_evaluate, period_label,
};
use self::run::RunPayload;
use self::store::Evaluation;
use self::views::{DetailPage, EditPage, EmployerPage, HistoryRow, ListPage, Row, RunLine, RunPage, StatusCount};
use crate::audit::export::{self, ExportJob};
use crate::audit::{Action, AuditContext};
use crate::auth::Actor;
use crate::db::{self, Scope};
use crate::error::AppError;
use crate::jobs::{self, JobId, NewJob};
use crate::org::Region;
use crate::reference::{Ref, Reference};
use crate::state::AppState;
use crate::values::time;
use crate::web::export::{Cell, Column, Kind};
use crate::web::flash::{self, Flash};
use crate::web::form::{Choice, FieldErrors};
use crate::web::layout::Chrome;
use crate::web::once::{self, FormToken};
use crate::web::pagination::{Page, Pager, lenient_u32};
use crate::web::render;
use crate::workflow::{By, Done};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/rates", get(list))
        .route("/rates/export", get(export_list))
        .route("/rates/run", post(start_run))
        .route("/rates/runs/{job}", get(run_page))
        .route("/rates/evaluations/new", get(new_evaluation).post(create))
        .route("/rates/evaluations/{id}", get(detail))
        .route("/rates/evaluations/{id}/edit", get(edit).post(save))
        .route("/rates/evaluations/{id}/evaluate", post(evaluate))
        .route("/rates/evaluations/{id}/decide", post(decide))
        .route("/employers/{id}/rates", get(employer_history))
        .merge(import::routes())
}

const PAGE_SIZE: u32 = 50;

/// The latest period that has ended by this year: its last year is this one.
fn default_period() -> i32 {
    time::today().year() - PERIOD_YEARS + 1
}

fn periods() -> Vec<Choice> {
    let last = default_period();
    (last - 9..=last).rev().map(|s| Choice::new(s.to_string(), period_label(s))).collect()
}

fn period_of(asked: Option<u32>) -> i32 {
    asked
        .and_then(|p| i32::try_from(p).ok())
        .filter(|p| (2000..=default_period()).contains(p))
        .unwrap_or_else(default_period)
}

#[derive(Debug, Default, Deserialize)]
pub struct ListQuery {
    #[serde(default, deserialize_with = "lenient_u32")]
    pub period: Option<u32>,
    #[serde(default)]
    pub region: Option<String>,
    #[serde(default)]
    pub status: Option<String>,
    #[serde(default, deserialize_with = "lenient_u32")]
    pub page: Option<u32>,
}

/// The region a list shows: the one asked for by province officers (or all), else the
/// officer's own.
fn listed_region(actor: &Actor, reference: &Reference, asked: Option<&str>) -> Option<Region> {
    match actor.db().scope {
        Scope::Province => asked.and_then(|c| reference.region_by_code(c.trim())).cloned(),
        _ => actor.region.clone(),
    }
}

/// The region the actor evaluates, if any.
fn evaluating_region(actor: &Actor) -> Option<Region> {
    actor.region.clone().filter(|r| may_evaluate(actor, r))
}

/// 浮动费率: a period's evaluations, 50 a page, with the counts per status and the latest run.
async fn list(
    State(state): State<AppState>,
    actor: Actor,
    Ref(reference): Ref,
    chrome: Chrome,
    Query(q): Query<ListQuery>,
) -> Result<Response, AppError> {
    let period = period_of(q.period);
    let region = listed_region(&actor, &reference, q.region.as_deref());
    let status = q.status.as_deref().and_then(|s| EvaluationStatus::parse(s.trim()));
    let page = Page::new(q.page, PAGE_SIZE);
    let evaluating = evaluating_region(&actor);
    let mut tx = db::begin(&state.pool, actor.db()).await?;
    let lines =
        store::list(&mut tx, period, region.as_ref().map(|r| r.id), status, page.limit(), page.offset()).await?;
    let counts = store::counts(&mut tx, period, region.as_ref().map(|r| r.id)).await?;
    let run = match &evaluating {
        Some(r) => jobs::recent(&mut tx, r.id, run::KIND, 1).await?.into_iter().next(),
        None => None,
    };
    tx.commit().await?;
    let province = actor.db().scope == Scope::Province;
    let mut query = format!("period={period}");
    if let Some(s) = status {
        query.push_str(&format!("&status={}", s.as_str()));
    }
    if let (true, Some(r)) = (province, &region) {
        query.push_str(&format!("&region={}", r.code));
    }
    render(ListPage {
        layout: chrome.layout("浮动费率", vec![crate::web::layout::Crumb::here("浮动费率")]),
        periods: periods(),
        period: period.to_string(),
        period_label: period_label(period),
        regions: reference.regions.iter().map(|r| Choice::new(r.code.clone(), r.name.clone())).collect(),
        region: if province { region.map(|r| r.code).unwrap_or_default() } else { String::new() },
        show_region: province,
        statuses: EvaluationStatus::ALL
            .iter()
            .map(|s| StatusCount {
                key: s.as_str(),
                label: s.label(),
                count: counts.iter().find(|(c, _)| c == s).map_or(0, |(_, n)| *n),
            })
            .collect(),
        status: status.map(|s| s.as_str().to_string()).unwrap_or_default(),
        rows: lines.iter().map(Row::of).collect(),
        pager: Pager::new(page, lines.first().map_or(0, |l| l.total), query),
        may_evaluate: evaluating.is_some(),
        run: run.map(|j| RunLine {
            id: j.id.to_string(),
            status: j.status.label(),
            active: j.is_active(),
            percent: j.percent(),
        }),
        form_token: once::new_token(),
    })
}

const COLUMNS: &[Column] = &[
    Column::new("地区", Kind::Text, 10.0),
    Column::new("统一社会信用代码", Kind::Text, 22.0),
    Column::new("单位名称", Kind::Text, 32.0),
    Column::new("行业风险类别", Kind::Text, 10.0),
    Column::new("基准费率（%）", Kind::Text, 12.0),
    Column::new("原档次", Kind::Text, 8.0),
    Column::new("测算档次", Kind::Text, 8.0),
    Column::new("确定档次", Kind::Text, 8.0),
    Column::new("执行费率（%）", Kind::Text, 12.0),
    Column::new("状态", Kind::Text, 12.0),
    Column::new("调整理由", Kind::Text, 30.0),
];

/// The period's results as Excel, for the premium collection system: the decided rate of each
/// employer (the proposal where none is decided yet, marked by its status).
async fn export_list(
    State(state): State<AppState>,
    actor: Actor,
    Ref(reference): Ref,
    audit: AuditContext,
    Query(q): Query<ListQuery>,
) -> Result<Response, AppError> {
    let period = period_of(q.period);
    let region = listed_region(&actor, &reference, q.region.as_deref());
    let region_id = region.as_ref().map(|r| r.id);
    let job = ExportJob {
        title: "浮动费率评估结果",
        filters: vec![
            ("评估期", period_label(period)),
            ("地区", region.as_ref().map_or("全部".to_string(), |r| r.name.clone())),
        ],
        columns: COLUMNS,
        action: Action::ExportRates,
        described: format!("period={period}"),
        unmasked: false,
    };
    let pool = state.pool.clone();
    let db_actor = actor.db();
    export::export_pages(
        &state.pool,
        &audit,
        job,
        move |after: Option<i64>| {
            let pool = pool.clone();
            async move {
                let mut tx = db::begin(&pool, db_actor).await?;
                let offset = after.unwrap_or(0);
                let rows = store::list(&mut tx, period, region_id, None, export::BATCH, offset).await?;
                tx.commit().await?;
                Ok(rows.into_iter().enumerate().map(|(i, r)| (offset + i as i64 + 1, r)).collect())
            }
        },
        |(n, _): &(i64, store::EvaluationLine)| *n,
        |(_, l)| {
            vec![
                l.region_name.into(),
                l.credit_code.into(),
                l.employer_name.into(),
                Cell::Text(l.risk_class.map(crate::industries::model::class_label).unwrap_or_default()),
                Cell::Text(l.base_rate.map(|r| r.normalize().to_string()).unwrap_or_default()),
                Cell::Text(views::grade(l.current_grade)),
                Cell::Text(views::grade(l.proposed_grade)),
                Cell::Text(views::grade(l.final_grade)),
                Cell::Text(l.final_rate.or(l.proposed_rate).map(|r| r.normalize().to_string()).unwrap_or_default()),
                l.status.label().into(),
                l.override_reason.into(),
            ]
        },
    )
    .await
}

#[derive(Debug, Default, Deserialize)]
pub struct RunForm {
    #[serde(default)]
    pub period: String,
    #[serde(default)]
    pub form_token: String,
}

/// 整体测算: queues the run of the region's open evaluations of a period.
async fn start_run(
    State(state): State<AppState>,
    actor: Actor,
    Form(form): Form<RunForm>,
) -> Result<Response, AppError> {
    let region = evaluating_region(&actor).ok_or(AppError::Forbidden)?;
    let token = FormToken::parse(&form.form_token)?;
    let period = form.period.trim().parse::<u32>().ok();
    let period = period_of(period);
    let mut tx = db::begin(&state.pool, actor.db()).await?;
    if let once::Claim::Used(url) = once::claim(&mut tx, actor.account_id, &token).await? {
        return Ok(flash::redirect_with(&url, Flash::RateRunQueued));
    }
    let job = NewJob {
        region: region.id,
        kind: run::KIND,
        payload: serde_json::to_value(RunPayload { period }).map_err(|e| AppError::Internal(e.into()))?,
        account: actor.account_id,
        account_name: &actor.display_name,
        file: None,
    };
    let id = match jobs::enqueue(&mut tx, &job).await {
        Ok(id) => id,
        Err(e) if e.is_duplicate("jobs_one_active_idx") => {
            return Err(AppError::Refused("本地区已有一项整体测算正在进行，请等待其完成。".into()));
        }
        Err(e) => return Err(e.into()),
    };
    let url = format!("/rates/runs/{id}");
    once::finish(&mut tx, actor.account_id, &token, &url).await?;
    tx.commit().await?;
    Ok(flash::redirect_with(&url, Flash::RateRunQueued))
}

/// A run's progress and outcome (another region's: 404).
async fn run_page(
    State(state): State<AppState>,
    actor: Actor,
    chrome: Chrome,
    Path(id): Path<JobId>,
) -> Result<Response, AppError> {
    let mut tx = db::begin(&state.pool, actor.db()).await?;
    let job = jobs::find(&mut tx, id).await?.filter(|j| j.kind == run::KIND).ok_or(AppError::NotFound)?;
    tx.commit().await?;
    let period = serde_json::from_value::<RunPayload>(job.payload.clone()).map(|p| p.period).unwrap_or_default();
    render(RunPage::new(&chrome, job, period))
}

#[derive(Debug, Default, Deserialize)]
pub struct NewQuery {
    #[serde(default)]
    pub employer: Option<String>,
}

async fn new_evaluation(
    State(state): State<AppState>,
    actor: Actor,
    chrome: Chrome,
    Query(q): Query<NewQuery>,
) -> Result<Response, AppError> {
    let region = evaluating_region(&actor).ok_or(AppError::Forbidden)?;
    let mut form = InputsForm {
        period_start: default_period().to_string(),
        hazard: "none".into(),
        standardisation: "none".into(),
        ..InputsForm::default()
    };
    if let Some(id) = q.employer.as_deref().and_then(|e| e.trim().parse::<i64>().ok()) {
        let mut tx = db::begin(&state.pool, actor.db()).await?;
        let found = crate::employers::store::find(&mut tx, crate::employers::model::EmployerId(id)).await?;
        tx.commit().await?;
        if let Some(e) = found.filter(|e| e.region.id == region.id) {
            form.employer = e.credit_code;
        }
    }
    render(EditPage::new(&chrome, None, form, FieldErrors::default()))
}

const DUPLICATE: &str = "该单位本评估期的数据已经录入，请在其评估页面修改";

async fn create(
    State(state): State<AppState>,
    actor: Actor,
    chrome: Chrome,
    audit: AuditContext,
    Form(form): Form<InputsForm>,
) -> Result<Response, AppError> {
    let region = evaluating_region(&actor).ok_or(AppError::Forbidden)?;
    let token = FormToken::parse(&form.form_token)?;
    let (input, _) = match form.parse(true, time::today().year()) {
        Ok(parsed) => parsed,
        Err(errors) => return render(EditPage::new(&chrome, None, form, errors)),
    };
    let code = input.employer.clone().unwrap_or_default();
    let mut tx = db::begin(&state.pool, actor.db()).await?;
    let Some((employer, _)) = store::employer(&mut tx, region.id, &code).await? else {
        let mut errors = FieldErrors::default();
        errors.add("employer", "本地区未登记此统一社会信用代码的用人单位");
        return render(EditPage::new(&chrome, None, form, errors));
    };
    let by = By { account: actor.account_id, name: &actor.display_name };
    let done = match store::create(&mut tx, &audit, region.id, employer, &input, &by, &token).await {
        Ok(done) => done,
        Err(e) if e.is_duplicate("rate_evaluations_employer_key") => {
            let mut errors = FieldErrors::default();
            errors.add("employer", DUPLICATE);
            return render(EditPage::new(&chrome, None, form, errors));
        }
        Err(e) => return Err(e.into()),
    };
    tx.commit().await?;
    let (Done::Now(url) | Done::Before(url)) = done;
    Ok(flash::redirect_with(&url, Flash::RateInputsSaved))
}

/// An evaluation in the actor's scope with its region (another region's: 404).
async fn load(
    state: &AppState,
    actor: &Actor,
    reference: &Reference,
    id: EvaluationId,
) -> Result<(Evaluation, Region), AppError> {
    let mut tx = db::begin(&state.pool, actor.db()).await?;
    let evaluation = store::find(&mut tx, id, false).await?.ok_or(AppError::NotFound)?;
    tx.commit().await?;
    let region = reference.regions.iter().find(|r| r.id == evaluation.region).cloned().ok_or(AppError::NotFound)?;
    Ok((evaluation, region))
}

/// An evaluation its region's agency officers act on (anyone else: 403).
async fn load_own(
    state: &AppState,
    actor: &Actor,
    reference: &Reference,
    id: EvaluationId,
) -> Result<(Evaluation, Region), AppError> {
    let (evaluation, region) = load(state, actor, reference, id).await?;
    if !may_evaluate(actor, &region) {
        return Err(AppError::Forbidden);
    }
    Ok((evaluation, region))
}

/// The employer's class among the rates in force: the class of the proposal when there is one,
/// else its own (an override, or its division's).
fn class_among(classes: Vec<ClassRates>, reference: &Reference, e: &Evaluation) -> Option<ClassRates> {
    let class = e
        .risk_class
        .or_else(|| crate::employers::model::risk_class(reference.division(&e.division_code), e.override_class))?;
    classes.into_iter().find(|r| r.class == class)
}

/// The employer's class in the rate table in force today.
async fn class_of(
    state: &AppState,
    actor: &Actor,
    reference: &Reference,
    e: &Evaluation,
) -> Result<Option<ClassRates>, AppError> {
    let mut tx = db::begin(&state.pool, actor.db()).await?;
    let classes = store::class_rates(&mut tx, e.region, time::today(), &reference.risk_classes).await?;
    tx.commit().await?;
    Ok(class_among(classes, reference, e))
}

fn page(
    chrome: &Chrome,
    actor: &Actor,
    (evaluation, region): (Evaluation, Region),
    class: Option<ClassRates>,
    decision: (DecisionForm, FieldErrors),
) -> Result<Response, AppError> {
    let may = may_evaluate(actor, &region);
    render(DetailPage::new(chrome, evaluation, region.name.clone(), class.as_ref(), may, decision))
}

async fn detail_page(
    state: &AppState,
    actor: &Actor,
    reference: &Reference,
    chrome: &Chrome,
    loaded: (Evaluation, Region),
    decision: (DecisionForm, FieldErrors),
) -> Result<Response, AppError> {
    let class = class_of(state, actor, reference, &loaded.0).await?;
    page(chrome, actor, loaded, class, decision)
}

/// An evaluation with its explanation, read with the rates in force in one transaction.
async fn detail(
    State(state): State<AppState>,
    actor: Actor,
    Ref(reference): Ref,
    chrome: Chrome,
    Path(id): Path<EvaluationId>,
) -> Result<Response, AppError> {
    let mut tx = db::begin(&state.pool, actor.db()).await?;
    let evaluation = store::find(&mut tx, id, false).await?.ok_or(AppError::NotFound)?;
    let classes = store::class_rates(&mut tx, evaluation.region, time::today(), &reference.risk_classes).await?;
    tx.commit().await?;
    let region = reference.regions.iter().find(|r| r.id == evaluation.region).cloned().ok_or(AppError::NotFound)?;
    let class = class_among(classes, &reference, &evaluation);
    page(&chrome, &actor, (evaluation, region), class, Default::default())
}

/// An open evaluation (decided: refused with the reason).
fn still_open(e: &Evaluation) -> Result<(), AppError> {
    if e.open() { Ok(()) } else { Err(AppError::Refused("费率已经确定，评估数据不能再修改。".into())) }
}

async fn edit(
    State(state): State<AppState>,
    actor: Actor,
    Ref(reference): Ref,
    chrome: Chrome,
    Path(id): Path<EvaluationId>,
) -> Result<Response, AppError> {
    let (evaluation, _) = load_own(&state, &actor, &reference, id).await?;
    still_open(&evaluation)?;
    let form = InputsForm::of(evaluation.period_start, &evaluation.inputs, evaluation.version);
    render(EditPage::new(&chrome, Some(&evaluation), form, FieldErrors::default()))
}

async fn save(
    State(state): State<AppState>,
    actor: Actor,
    Ref(reference): Ref,
    chrome: Chrome,
    audit: AuditContext,
    Path(id): Path<EvaluationId>,
    Form(mut form): Form<InputsForm>,
) -> Result<Response, AppError> {
    let (evaluation, _) = load_own(&state, &actor, &reference, id).await?;
    still_open(&evaluation)?;
    // The employer and the period stay what they are.
    form.period_start = evaluation.period_start.to_string();
    let (input, version) = match form.parse(false, time::today().year()) {
        Ok(parsed) => parsed,
        Err(errors) => return render(EditPage::new(&chrome, Some(&evaluation), form, errors)),
    };
    let mut tx = db::begin(&state.pool, actor.db()).await?;
    store::update(&mut tx, &audit, &evaluation, version, &input.inputs).await?;
    tx.commit().await?;
    Ok(flash::redirect_with(&format!("/rates/evaluations/{id}"), Flash::RateInputsSaved))
}

/// 测算: this evaluation by the rules and rates in force and the records as they are now.
async fn evaluate(
    State(state): State<AppState>,
    actor: Actor,
    Ref(reference): Ref,
    Path(id): Path<EvaluationId>,
) -> Result<Response, AppError> {
    let (evaluation, region) = load_own(&state, &actor, &reference, id).await?;
    still_open(&evaluation)?;
    let mut tx = db::begin(&state.pool, actor.db()).await?;
    let outcome = run::evaluate_one(&mut tx, &reference, region.id, evaluation.period_start, id, time::today()).await?;
    tx.commit().await?;
    if outcome.evaluated == 0 {
        return Err(AppError::Refused("该单位的行业大类在费率表中没有对应的风险类别，无法测算。".into()));
    }
    Ok(flash::redirect_with(&format!("/rates/evaluations/{id}#proposal"), Flash::RateEvaluated))
}

/// 确认 or 调整: the agency's decision on the proposal.
async fn decide(
    State(state): State<AppState>,
    actor: Actor,
    Ref(reference): Ref,
    chrome: Chrome,
    audit: AuditContext,
    Path(id): Path<EvaluationId>,
    Form(form): Form<DecisionForm>,
) -> Result<Response, AppError> {
    let (evaluation, region) = load_own(&state, &actor, &reference, id).await?;
    let token = FormToken::parse(&form.form_token)?;
    let proposal = match (&evaluation.status, &evaluation.proposal) {
        (EvaluationStatus::Proposed, Some(p)) => p.clone(),
        (EvaluationStatus::Entered, _) => return Err(AppError::Refused("请先测算，再确认费率。".into())),
        _ => return already_decided(&state, &actor, &token).await,
    };
    let Some(class) = class_of(&state, &actor, &reference, &evaluation).await? else {
        return Err(AppError::Refused("该单位的行业风险类别不在费率表中。".into()));
    };
    let (decision, version) = match form.parse(proposal.grade, &class) {
        Ok(parsed) => parsed,
        Err(errors) => {
            return detail_page(&state, &actor, &reference, &chrome, (evaluation, region), (form, errors)).await;
        }
    };
    let rate = class.rate(decision.grade);
    let by = By { account: actor.account_id, name: &actor.display_name };
    let mut tx = db::begin(&state.pool, actor.db()).await?;
    let done = store::decide(&mut tx, &audit, &evaluation, version, &decision, rate, &by, &token).await?;
    tx.commit().await?;
    let (Done::Now(url) | Done::Before(url)) = done;
    Ok(flash::redirect_with(&url, Flash::RateDecided))
}

/// A decision posted on a decided evaluation: the same form posted again lands where the first
/// did; any other is refused.
async fn already_decided(state: &AppState, actor: &Actor, token: &FormToken) -> Result<Response, AppError> {
    let mut tx = db::begin(&state.pool, actor.db()).await?;
    let claim = once::claim(&mut tx, actor.account_id, token).await?;
    drop(tx);
    match claim {
        once::Claim::Used(url) => Ok(flash::redirect_with(&url, Flash::RateDecided)),
        once::Claim::Fresh => Err(AppError::Refused("费率已经确定。".into())),
    }
}

/// An employer's rate history, every period (another region's employer: 404).
async fn employer_history(
    State(state): State<AppState>,
    actor: Actor,
    chrome: Chrome,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    let mut tx = db::begin(&state.pool, actor.db()).await?;
    let employer = crate::employers::store::find(&mut tx, crate::employers::model::EmployerId(id))
        .await?
        .ok_or(AppError::NotFound)?;
    let lines = store::history(&mut tx, employer.region.id, id).await?;
    tx.commit().await?;
    let title = format!("{} 浮动费率", employer.name);
    render(EmployerPage {
        layout: chrome.layout(
            title,
            vec![
                crate::web::layout::Crumb::link("用人单位", "/employers"),
                crate::web::layout::Crumb::link(employer.name.clone(), format!("/employers/{id}")),
                crate::web::layout::Crumb::here("浮动费率"),
            ],
        ),
        employer_id: id,
        employer: employer.name.clone(),
        rows: lines.iter().map(HistoryRow::of).collect(),
        may_evaluate: may_evaluate(&actor, &employer.region),
    })
}
