//! Implementation plans (实施方案), task 1 of DOMAIN.md: a region's plan for a cycle in sections
//! (guiding ideas; goals with indicator rows; key industries; the division of work by task and
//! department; safeguards; the signed document's number and date), moving through the shared
//! workflow: a city submits (报备) and the province files (备案) or returns it with a reason; the
//! province's own plan is submitted by one province officer and issued (印发) by another. The
//! province sees every region's standing on one overview, late filings marked.

pub mod model;
pub mod store;
pub mod views;

use axum::Router;
use axum::extract::{Multipart, Path, Query, State};
use axum::response::Response;
use axum::routing::{get, post};
use axum_extra::extract::Form;
use serde::Deserialize;

use self::model::{ATTACHMENT_KINDS, Plan, PlanAction, PlanForm, PlanId, Standing, is_late, may_edit, may_write};
use self::store::{By, Done, OverviewLine};
use self::views::{DetailPage, EditPage, Feedback, IndexPage, OverviewPage, PrintPage};
use crate::attachments::{self, Attachment, AttachmentId, upload::UploadError};
use crate::audit::export::{self, ExportJob};
use crate::audit::{Action, AuditContext};
use crate::auth::Actor;
use crate::auth::session::CurrentSession;
use crate::cycles::{self, Cycle};
use crate::db::{self, Scope};
use crate::error::AppError;
use crate::key_industries::{self, model::KeyIndustry};
use crate::reference::{Ref, Reference};
use crate::state::AppState;
use crate::trail::{self, Trail};
use crate::values::time;
use crate::web::confirm::ConfirmPage;
use crate::web::export::{Cell, Column, Kind};
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
        .route("/plans", get(index))
        .route("/plans/new", post(create))
        .route("/plans/overview/export", get(export_overview))
        .route("/plans/{id}", get(detail))
        .route("/plans/{id}/edit", get(edit).post(save))
        .route("/plans/{id}/transition", post(transition))
        .route("/plans/{id}/compare", get(compare))
        .route("/plans/{id}/print", get(print))
        .route("/plans/{id}/attachments", attachments::upload::route(upload))
        .route("/plans/{id}/attachments/{file}", get(download))
        .route("/plans/{id}/attachments/{file}/delete", get(confirm_remove).post(remove))
}

#[derive(Debug, Default, Deserialize)]
pub struct IndexQuery {
    #[serde(default, deserialize_with = "lenient_u32")]
    pub cycle: Option<u32>,
    /// Overview filters: a standing (`not_started`, `draft` …) and the timing (`late`, `on_time`).
    #[serde(default)]
    pub status: Option<String>,
    #[serde(default)]
    pub timing: Option<String>,
}

/// The cycles, and the one asked for (else today's).
fn pick(reference: &Reference, asked: Option<u32>) -> Result<(&[Cycle], Cycle), AppError> {
    let cycles = &reference.cycles;
    let cycle =
        cycles::model::pick(cycles, asked.map(|y| y as i32), time::today()).cloned().ok_or(AppError::NotFound)?;
    Ok((cycles, cycle))
}

/// 实施方案: for a region's officers their plan of the cycle; for province officers the overview
/// of every region.
async fn index(
    State(state): State<AppState>,
    actor: Actor,
    Ref(reference): Ref,
    chrome: Chrome,
    Query(query): Query<IndexQuery>,
) -> Result<Response, AppError> {
    let (cycles, cycle) = pick(&reference, query.cycle)?;
    let mut tx = db::begin(&state.pool, actor.db()).await?;
    if actor.db().scope == Scope::Province {
        let lines = store::overview(&mut tx, cycle.id).await?;
        tx.commit().await?;
        return render(OverviewPage::new(&chrome, &cycles, &cycle, lines, &query));
    }
    let region = actor.region.clone().ok_or(AppError::Forbidden)?;
    let plans = store::of_region(&mut tx, region.id).await?;
    tx.commit().await?;
    let plan = plans.into_iter().find(|p| p.cycle_id == cycle.id);
    render(IndexPage::new(&chrome, &cycles, &cycle, region.clone(), plan, may_write(&actor, &region)))
}

#[derive(Deserialize)]
struct CreateForm {
    #[serde(default)]
    cycle: String,
    #[serde(default)]
    form_token: String,
}

/// Starts the actor's region's plan for a cycle (a double click makes one).
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
    let cycle =
        reference.cycles.iter().find(|c| c.first_year.to_string() == form.cycle.trim()).ok_or(AppError::NotFound)?;
    let mut tx = db::begin(&state.pool, actor.db()).await?;
    let by = By { account: actor.account_id, name: &actor.display_name };
    let done = store::create(&mut tx, &audit, &by, &token, &region, cycle).await?;
    tx.commit().await?;
    Ok(match done {
        Done::Now(url) => flash::redirect_with(&url, Flash::PlanCreated),
        Done::Before(url) => flash::redirect(&url),
    })
}

/// A plan with what its pages need beside it: its cycle, and as the page asks (`With`) the key
/// industries its region may choose from, or its history, versions and files.
pub struct Loaded {
    pub plan: Plan,
    pub cycle: Cycle,
    pub industries: Vec<KeyIndustry>,
    pub timeline: Vec<history::TimelineLine>,
    pub versions: Vec<versions::Version>,
    pub attachments: Vec<Attachment>,
}

/// What a page needs beside the plan: its trail (history, versions, files) for its own page,
/// the region's key industries to choose from for the edit form.
#[derive(Clone, Copy, PartialEq, Eq)]
enum With {
    Trail,
    Choices,
    PlanOnly,
}

/// The plan and what its page needs, in one transaction of the actor's scope (another
/// region's plan is not found).
async fn load(
    state: &AppState,
    actor: &Actor,
    reference: &Reference,
    id: PlanId,
    with: With,
) -> Result<Loaded, AppError> {
    let mut tx = db::begin(&state.pool, actor.db()).await?;
    let plan = store::find(&mut tx, id, false).await?.ok_or(AppError::NotFound)?;
    let cycle = reference.cycles.iter().find(|c| c.id == plan.cycle_id).cloned().ok_or(AppError::NotFound)?;
    let industries = match with {
        With::Choices => key_industries::store::of_region(&mut tx, plan.region.id, cycle.id).await?,
        _ => Vec::new(),
    };
    let trail = match with {
        With::Trail => trail::load(&mut tx, &plan.owner()).await?,
        _ => Trail::default(),
    };
    tx.commit().await?;
    let timeline = history::timeline::<model::PlanStatus, PlanAction>(&trail.history);
    Ok(Loaded { plan, cycle, industries, timeline, versions: trail.versions, attachments: trail.files })
}

/// The name of a key-industry reference, or the reference itself when it is gone.
fn namer(industries: &[KeyIndustry]) -> impl Fn(&str) -> String + '_ {
    move |reference: &str| {
        industries
            .iter()
            .find(|k| k.reference == reference)
            .map(|k| k.name.clone())
            .unwrap_or_else(|| reference.to_string())
    }
}

async fn detail(
    State(state): State<AppState>,
    actor: Actor,
    Ref(reference): Ref,
    chrome: Chrome,
    Path(id): Path<PlanId>,
) -> Result<Response, AppError> {
    let l = load(&state, &actor, &reference, id, With::Trail).await?;
    render(DetailPage::new(&chrome, &actor, l, Feedback::default(), state.settings.attachment_max_bytes))
}

async fn edit(
    State(state): State<AppState>,
    actor: Actor,
    Ref(reference): Ref,
    chrome: Chrome,
    Path(id): Path<PlanId>,
) -> Result<Response, AppError> {
    let l = load(&state, &actor, &reference, id, With::Choices).await?;
    if !may_edit(&actor, &l.plan) {
        return Err(AppError::Forbidden);
    }
    let form = PlanForm::from(&l.plan);
    render(EditPage::new(&chrome, &l.plan, &l.cycle, &l.industries, form, FieldErrors::default()))
}

async fn save(
    State(state): State<AppState>,
    actor: Actor,
    Ref(reference): Ref,
    chrome: Chrome,
    audit: AuditContext,
    Path(id): Path<PlanId>,
    Form(form): Form<PlanForm>,
) -> Result<Response, AppError> {
    let l = load(&state, &actor, &reference, id, With::Choices).await?;
    if !may_write(&actor, &l.plan.region) {
        return Err(AppError::Forbidden);
    }
    let references: Vec<String> = l.industries.iter().map(|k| k.reference.clone()).collect();
    let (input, version) = match form.parse(&l.cycle, &references) {
        Ok(parsed) => parsed,
        Err(errors) => return render(EditPage::new(&chrome, &l.plan, &l.cycle, &l.industries, form, errors)),
    };
    let mut tx = db::begin(&state.pool, actor.db()).await?;
    store::update(&mut tx, &audit, &l.plan, version, &input, &l.cycle, &namer(&l.industries)).await?;
    tx.commit().await?;
    Ok(flash::redirect_with(&format!("/plans/{id}"), Flash::PlanSaved))
}

async fn transition(
    State(state): State<AppState>,
    actor: Actor,
    Ref(reference): Ref,
    chrome: Chrome,
    audit: AuditContext,
    Path(id): Path<PlanId>,
    Form(form): Form<step::TransitionForm>,
) -> Result<Response, AppError> {
    let (action, token) = form.parse::<PlanAction>()?;
    let l = load(&state, &actor, &reference, id, With::Trail).await?;
    // Writing a region's plan is its own officers' business; the province reviews.
    if action == PlanAction::Submit && !may_write(&actor, &l.plan.region) {
        return Err(AppError::Forbidden);
    }
    let mut tx = db::begin(&state.pool, actor.db()).await?;
    let by = By { account: actor.account_id, name: &actor.display_name };
    let names = |r: &str| l.plan.industry_name(r);
    let outcome =
        store::transition(&mut tx, &audit, &by, actor.role, &token, id, action, &form.comment, &l.cycle, &names).await;
    let problem = match step::outcome(outcome)? {
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
    render(DetailPage::new(
        &chrome,
        &actor,
        l,
        Feedback { problems: problem, comment: form.comment, upload: None },
        state.settings.attachment_max_bytes,
    ))
}

fn flash_of(action: PlanAction) -> Flash {
    match action {
        PlanAction::Submit => Flash::PlanSubmitted,
        PlanAction::File => Flash::PlanFiled,
        PlanAction::Return => Flash::PlanReturned,
        PlanAction::Issue => Flash::PlanIssued,
    }
}

/// The plan on A4 as an official document, for signature and seal.
async fn print(
    State(state): State<AppState>,
    actor: Actor,
    Ref(reference): Ref,
    Path(id): Path<PlanId>,
) -> Result<Response, AppError> {
    let l = load(&state, &actor, &reference, id, With::PlanOnly).await?;
    render(PrintPage::new(&actor, &l.plan, &l.cycle))
}

/// Why an upload or a removal cannot happen to this plan now, if it cannot.
fn files_refusal(actor: &Actor, plan: &Plan) -> Result<Option<String>, AppError> {
    if !may_write(actor, &plan.region) {
        return Err(AppError::Forbidden);
    }
    Ok((!plan.status.is_open()).then(|| format!("实施方案{}，附件不能再增删。", plan.status.label())))
}

/// Receives a file for the plan (multipart: csrf, kind, file). A refused file re-renders the
/// page with the reason beside the upload form; nothing is stored.
async fn upload(
    State(state): State<AppState>,
    actor: Actor,
    Ref(reference): Ref,
    chrome: Chrome,
    audit: AuditContext,
    session: CurrentSession,
    Path(id): Path<PlanId>,
    form: Multipart,
) -> Result<Response, AppError> {
    let l = load(&state, &actor, &reference, id, With::Trail).await?;
    if let Some(refusal) = files_refusal(&actor, &l.plan)? {
        return render(DetailPage::new(
            &chrome,
            &actor,
            l,
            Feedback::upload(refusal),
            state.settings.attachment_max_bytes,
        ));
    }
    let max = state.settings.attachment_max_bytes as u64;
    let (token, file) = match attachments::upload::receive(form, session.csrf_token(), ATTACHMENT_KINDS, max).await {
        Ok(received) => received,
        Err(UploadError::Csrf) => return Err(AppError::CsrfRejected),
        Err(e) => {
            tracing::info!(reason = %e, "upload refused");
            return render(DetailPage::new(
                &chrome,
                &actor,
                l,
                Feedback::upload(e.to_string()),
                state.settings.attachment_max_bytes,
            ));
        }
    };
    let mut tx = db::begin(&state.pool, actor.db()).await?;
    // Submitted meanwhile? The locked row decides.
    let plan = store::find(&mut tx, id, true).await?.ok_or(AppError::NotFound)?;
    if let Some(refusal) = files_refusal(&actor, &plan)? {
        tx.rollback().await?;
        return render(DetailPage::new(
            &chrome,
            &actor,
            l,
            Feedback::upload(refusal),
            state.settings.attachment_max_bytes,
        ));
    }
    let by = attachments::store::Actor { ctx: &audit, account: actor.account_id, name: &actor.display_name };
    let led_to = format!("/plans/{id}#attachments");
    let done = attachments::store::attach_once(&mut tx, &token, &plan.owner(), plan.status.as_str(), file, &by, led_to)
        .await?;
    tx.commit().await?;
    Ok(flash::after(done, Flash::AttachmentAdded))
}

/// A plan's file, to whoever may see the plan (another region's plan, and so its files, is 404).
async fn download(
    State(state): State<AppState>,
    actor: Actor,
    Path((id, file)): Path<(PlanId, AttachmentId)>,
) -> Result<Response, AppError> {
    let mut tx = db::begin(&state.pool, actor.db()).await?;
    let plan = store::find(&mut tx, id, false).await?.ok_or(AppError::NotFound)?;
    attachments::store::serve(tx, &plan.owner(), file).await
}

/// The plan and one of its files, for a removal.
async fn file_of(
    state: &AppState,
    actor: &Actor,
    reference: &Reference,
    id: PlanId,
    file: AttachmentId,
) -> Result<(Loaded, Attachment), AppError> {
    let l = load(state, actor, reference, id, With::Trail).await?;
    let attachment = l.attachments.iter().find(|a| a.id == file).cloned().ok_or(AppError::NotFound)?;
    Ok((l, attachment))
}

async fn confirm_remove(
    State(state): State<AppState>,
    actor: Actor,
    Ref(reference): Ref,
    chrome: Chrome,
    Path((id, file)): Path<(PlanId, AttachmentId)>,
) -> Result<Response, AppError> {
    let (l, attachment) = file_of(&state, &actor, &reference, id, file).await?;
    if let Some(refusal) = files_refusal(&actor, &l.plan)? {
        return Err(AppError::Refused(refusal.into()));
    }
    let record = format!("{} {}", l.plan.region.name, l.cycle.years());
    render(ConfirmPage::new(
        &chrome,
        vec![Crumb::link("实施方案", "/plans"), Crumb::link(record, format!("/plans/{id}"))],
        "删除附件",
        format!(
            "确定删除附件「{}」（{}，{}）吗？删除后不能恢复，删除记录保留在办理记录和审计日志中。",
            attachment.file_name,
            attachments::kind_label(ATTACHMENT_KINDS, &attachment.kind),
            attachment.size()
        ),
        format!("/plans/{id}/attachments/{file}/delete"),
        "删除",
        format!("/plans/{id}#attachments"),
    ))
}

async fn remove(
    State(state): State<AppState>,
    actor: Actor,
    Ref(reference): Ref,
    audit: AuditContext,
    Path((id, file)): Path<(PlanId, AttachmentId)>,
) -> Result<Response, AppError> {
    let (_, attachment) = file_of(&state, &actor, &reference, id, file).await?;
    let mut tx = db::begin(&state.pool, actor.db()).await?;
    let plan = store::find(&mut tx, id, true).await?.ok_or(AppError::NotFound)?;
    if let Some(refusal) = files_refusal(&actor, &plan)? {
        return Err(AppError::Refused(refusal.into()));
    }
    let by = attachments::store::Actor { ctx: &audit, account: actor.account_id, name: &actor.display_name };
    let label = attachments::kind_label(ATTACHMENT_KINDS, &attachment.kind);
    if !attachments::store::detach(&mut tx, &plan.owner(), plan.status.as_str(), &label, &attachment, &by).await? {
        return Err(AppError::NotFound);
    }
    tx.commit().await?;
    Ok(flash::redirect_with(&format!("/plans/{id}#attachments"), Flash::AttachmentRemoved))
}

#[derive(Deserialize)]
struct CompareQuery {
    #[serde(default, deserialize_with = "lenient_u32")]
    a: Option<u32>,
    #[serde(default, deserialize_with = "lenient_u32")]
    b: Option<u32>,
}

/// Two frozen versions side by side (by default the last two).
async fn compare(
    State(state): State<AppState>,
    actor: Actor,
    Ref(reference): Ref,
    chrome: Chrome,
    Path(id): Path<PlanId>,
    Query(q): Query<CompareQuery>,
) -> Result<Response, AppError> {
    let mut tx = db::begin(&state.pool, actor.db()).await?;
    let plan = store::find(&mut tx, id, false).await?.ok_or(AppError::NotFound)?;
    let cycle = reference.cycles.iter().find(|c| c.id == plan.cycle_id).cloned().ok_or(AppError::NotFound)?;
    let (a, b) = (q.a.map(|v| v as i32), q.b.map(|v| v as i32));
    let pair = versions::pair(&mut tx, plan.region.id, model::KIND, id.0, a, b).await?.ok_or(AppError::NotFound)?;
    tx.commit().await?;
    let comparison = versions::compare(&pair.before, &pair.after);
    let crumbs = views::compare_crumbs(&plan, &cycle);
    let base = format!("/plans/{id}");
    render(ComparePage::new(&chrome, crumbs, base, "返回实施方案", &pair.versions, (pair.a, pair.b), comparison))
}

const OVERVIEW_COLUMNS: &[Column] = &[
    Column::new("地区", Kind::Text, 12.0),
    Column::new("状态", Kind::Text, 10.0),
    Column::new("是否逾期", Kind::Text, 10.0),
    Column::new("首次报备时间", Kind::DateTime, 20.0),
    Column::new("备案（印发）时间", Kind::DateTime, 20.0),
];

/// The overview as Excel, with its filters.
async fn export_overview(
    State(state): State<AppState>,
    actor: Actor,
    Ref(reference): Ref,
    audit: AuditContext,
    Query(query): Query<IndexQuery>,
) -> Result<Response, AppError> {
    let (_, cycle) = pick(&reference, query.cycle)?;
    let filter = views::OverviewFilter::from_query(&query);
    let job = ExportJob {
        title: "实施方案报备情况",
        filters: filter.describe(&cycle),
        columns: OVERVIEW_COLUMNS,
        action: Action::ExportPlans,
        described: filter.to_query_string(&cycle),
        unmasked: false,
    };
    let (pool, db_actor) = (state.pool.clone(), actor.db());
    let cycle_id = cycle.id;
    // Fifteen regions: one page; the shared helper still audits and streams it.
    export::export_pages(
        &state.pool,
        &audit,
        job,
        |after: Option<usize>| {
            let (pool, filter, cycle) = (pool.clone(), filter.clone(), cycle.clone());
            async move {
                if after.is_some() {
                    return Ok(Vec::new());
                }
                let mut tx = db::begin(&pool, db_actor).await?;
                let lines = store::overview(&mut tx, cycle_id).await?;
                tx.commit().await?;
                Ok(lines.into_iter().filter(|l| filter.keeps(l, &cycle)).map(|l| (l, cycle.clone())).collect())
            }
        },
        |_: &(OverviewLine, Cycle)| 0usize,
        |(l, cycle)| {
            let standing = l.plan.as_ref().map_or(Standing::NotStarted, |p| Standing::At(p.status));
            let late = l.plan.as_ref().is_some_and(|p| is_late(p.first_submitted_at, &cycle));
            vec![
                l.region.name.clone().into(),
                standing.label().into(),
                if late { "逾期" } else { "" }.into(),
                l.plan.as_ref().and_then(|p| p.first_submitted_at).map(Cell::DateTime).unwrap_or(Cell::Empty),
                l.plan.as_ref().and_then(|p| p.decided_at).map(Cell::DateTime).unwrap_or(Cell::Empty),
            ]
        },
    )
    .await
}
