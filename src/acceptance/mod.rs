//! A project's end (事后): the region submits the completion (结项) with its report and each
//! indicator's achieved value; an acceptance panel is drawn (on the panel page, as for the
//! review) and scores on the round's acceptance criteria (on the experts' review pages); once
//! every sitting member's sheet is in and the signed acceptance report is uploaded, the region
//! records the panel's verdict: passed (已验收), or a first failure with what to rectify and by
//! when (整改中), after which the rectification is submitted and accepted a second time (复验);
//! a second failure ends it. A project under way can be terminated with its reasons.
//! Settlement and the archive come with the final payment (the fee).

pub mod model;
pub mod store;
pub mod views;

use axum::Router;
use axum::extract::{Multipart, Path, State};
use axum::response::Response;
use axum::routing::get;
use axum_extra::extract::Form;
use sqlx::PgConnection;

use self::model::{
    ACCEPTANCE_REPORT, COMPLETION_REPORT, CompletionForm, ConclusionForm, RECTIFICATION_REPORT, REPORT_KINDS,
    TerminationForm, conclusion_problems, has_report, report_for, step_opened,
};
use self::views::{AcceptancePage, AcceptanceView, Feedback, Loaded, PrintPage, TerminatePage};
use crate::attachments::{self, Attachment, AttachmentId, upload::UploadError};
use crate::audit::AuditContext;
use crate::auth::Actor;
use crate::auth::session::CurrentSession;
use crate::db;
use crate::error::AppError;
use crate::project_rounds::store as rounds;
use crate::projects::model::{PanelStage, Project, ProjectAction, ProjectId, ProjectStatus, may_write};
use crate::projects::store::{self as projects, Step};
use crate::reviews::store as sheets;
use crate::state::AppState;
use crate::values::time;
use crate::web::confirm::ConfirmPage;
use crate::web::flash::{self, Flash};
use crate::web::layout::{Chrome, Crumb};
use crate::web::once::{self, Claim, FormToken};
use crate::web::render;
use crate::workflow::{By, Done, step};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/projects/{id}/acceptance", get(show))
        .route("/projects/{id}/acceptance/complete", axum::routing::post(complete))
        .route("/projects/{id}/acceptance/rectification", axum::routing::post(rectify))
        .route("/projects/{id}/acceptance/conclude", axum::routing::post(conclude))
        .route("/projects/{id}/acceptance/print", get(print))
        .route("/projects/{id}/acceptance/attachments", attachments::upload::route(upload))
        .route("/projects/{id}/acceptance/attachments/{file}", get(download))
        .route("/projects/{id}/acceptance/attachments/{file}/delete", get(confirm_remove).post(remove))
        .route("/projects/{id}/termination", get(confirm_termination).post(terminate))
}

/// What a handler needs of the actor before the project's state is looked at.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Need {
    /// Read it (partner departments and the agency: approved projects only).
    Read,
    /// Keep it: the region's keepers (403 for anyone else).
    Keep,
}

/// Everything the page shows, read in `tx` once the actor may (`need`): the project (which must
/// have been signed), its round, each acceptance with its panel's sheets, and the reports.
async fn read(tx: &mut PgConnection, actor: &Actor, id: ProjectId, lock: bool, need: Need) -> Result<Loaded, AppError> {
    let project = projects::find(tx, id, lock)
        .await?
        .filter(|p| crate::projects::model::readable(actor, p))
        .ok_or(AppError::NotFound)?;
    if need == Need::Keep {
        keeper(actor, &project)?;
    }
    let reached = matches!(
        project.status,
        ProjectStatus::InProgress
            | ProjectStatus::AwaitingAcceptance
            | ProjectStatus::Rectifying
            | ProjectStatus::AwaitingReacceptance
            | ProjectStatus::Accepted
            | ProjectStatus::AcceptanceFailed
            | ProjectStatus::Terminated
            | ProjectStatus::Settled
    );
    if !reached {
        return Err(AppError::Refused(
            format!("项目{}，签订协议、进入实施后才能结项。", project.status.label()).into(),
        ));
    }
    let round = rounds::find(tx, project.round_id).await?.ok_or(AppError::NotFound)?;
    let mut acceptances = Vec::new();
    for a in store::of(tx, &project).await? {
        let members = sheets::members_with_sheets(tx, project.region.id, id, a.stage()).await?;
        acceptances.push((a, members));
    }
    let files = attachments::store::list(tx, &project.owner())
        .await?
        .into_iter()
        .filter(|f| REPORT_KINDS.iter().any(|k| k.key == f.kind))
        .collect();
    Ok(Loaded { project, round, acceptances, files })
}

async fn load(state: &AppState, actor: &Actor, id: ProjectId, need: Need) -> Result<Loaded, AppError> {
    let mut tx = db::begin(&state.pool, actor.db()).await?;
    let loaded = read(&mut tx, actor, id, false, need).await?;
    tx.commit().await?;
    Ok(loaded)
}

/// Why the acceptance being scored cannot be concluded yet (none when none is being scored).
fn problems_of(loaded: &Loaded) -> Vec<String> {
    if !matches!(PanelStage::of(loaded.project.status), Some(PanelStage::Acceptance | PanelStage::Reacceptance)) {
        return Vec::new();
    }
    let members = loaded.acceptances.last().map(|(_, m)| m.as_slice()).unwrap_or_default();
    let sitting = members.iter().filter(|m| m.sitting).count();
    let submitted = members.iter().filter(|m| m.sitting && m.sheet.as_ref().is_some_and(|s| s.is_submitted())).count();
    conclusion_problems(sitting, submitted, has_report(&loaded.files, ACCEPTANCE_REPORT, opened(loaded)))
}

/// When the step the project waits on opened (its reports count from then).
fn opened(loaded: &Loaded) -> Option<chrono::DateTime<chrono::Utc>> {
    let acceptances: Vec<_> = loaded.acceptances.iter().map(|(a, _)| a).collect();
    step_opened(loaded.project.status, &acceptances)
}

fn page_of(
    state: &AppState,
    chrome: &Chrome,
    actor: &Actor,
    loaded: Loaded,
    feedback: Feedback,
) -> Result<Response, AppError> {
    let keeps = may_write(actor, &loaded.project.region);
    let problems = problems_of(&loaded);
    render(AcceptancePage::new(chrome, keeps, loaded, feedback, problems, state.settings.attachment_max_bytes))
}

async fn page(
    state: &AppState,
    chrome: &Chrome,
    actor: &Actor,
    id: ProjectId,
    feedback: Feedback,
) -> Result<Response, AppError> {
    let loaded = load(state, actor, id, Need::Read).await?;
    page_of(state, chrome, actor, loaded, feedback)
}

/// 结项验收.
async fn show(
    State(state): State<AppState>,
    actor: Actor,
    chrome: Chrome,
    Path(id): Path<ProjectId>,
) -> Result<Response, AppError> {
    page(&state, &chrome, &actor, id, Feedback::default()).await
}

/// The region's keepers only (403 otherwise).
fn keeper(actor: &Actor, project: &Project) -> Result<(), AppError> {
    if may_write(actor, &project.region) { Ok(()) } else { Err(AppError::Forbidden) }
}

fn by(actor: &Actor) -> By<'_> {
    By { account: actor.account_id, name: &actor.display_name }
}

/// Commits a step taken, or shows the page again with why it was not.
async fn finish(
    state: &AppState,
    chrome: &Chrome,
    actor: &Actor,
    id: ProjectId,
    tx: sqlx::Transaction<'static, sqlx::Postgres>,
    result: Result<Done, crate::workflow::TransitionError>,
    flash: Flash,
) -> Result<Response, AppError> {
    match step::outcome(result)? {
        Ok(done) => {
            tx.commit().await?;
            Ok(match done {
                Done::Now(url) => flash::redirect_with(&url, flash),
                Done::Before(url) => flash::redirect(&url),
            })
        }
        Err(problems) => {
            tx.rollback().await?;
            let problem = problems.into_iter().map(|p| p.message).collect::<Vec<_>>().join("；");
            page(state, chrome, actor, id, Feedback { problem: Some(problem), ..Feedback::default() }).await
        }
    }
}

/// What the region submits: the completion (first acceptance) or the rectification (second).
#[derive(Clone, Copy)]
struct Submission {
    from: ProjectStatus,
    attempt: i16,
    action: ProjectAction,
    report: attachments::AttachmentKind,
    flash: Flash,
}

const COMPLETION: Submission = Submission {
    from: ProjectStatus::InProgress,
    attempt: 1,
    action: ProjectAction::Complete,
    report: COMPLETION_REPORT,
    flash: Flash::CompletionSubmitted,
};
const RECTIFICATION: Submission = Submission {
    from: ProjectStatus::Rectifying,
    attempt: 2,
    action: ProjectAction::SubmitRectification,
    report: RECTIFICATION_REPORT,
    flash: Flash::RectificationSubmitted,
};

/// Records the submission and takes its step in one transaction: nothing is half-saved.
async fn submit(
    state: &AppState,
    chrome: &Chrome,
    actor: &Actor,
    audit: &AuditContext,
    id: ProjectId,
    form: CompletionForm,
    which: Submission,
) -> Result<Response, AppError> {
    let token = FormToken::parse(&form.form_token)?;
    let mut tx = db::begin(&state.pool, actor.db()).await?;
    if let Claim::Used(url) = once::claim(&mut tx, actor.account_id, &token).await? {
        return Ok(flash::redirect(&url));
    }
    let loaded = read(&mut tx, actor, id, true, Need::Keep).await?;
    let refusal = if loaded.project.status != which.from {
        Some(format!("项目{}，不能{}。", loaded.project.status.label(), which.action.label()))
    } else if !has_report(&loaded.files, which.report, opened(&loaded)) {
        Some(format!("请先上传{}。", which.report.label))
    } else {
        None
    };
    if let Some(problem) = refusal {
        tx.rollback().await?;
        return page_of(state, chrome, actor, loaded, Feedback { problem: Some(problem), ..Feedback::default() });
    }
    let input = match form.parse(&loaded.project, time::today()) {
        Ok(input) => input,
        Err(errors) => {
            tx.rollback().await?;
            let feedback = Feedback { completion: Some(form), completion_errors: errors, ..Feedback::default() };
            return page_of(state, chrome, actor, loaded, feedback);
        }
    };
    store::submit(&mut tx, audit, &loaded.project, which.attempt, &input, &by(actor)).await?;
    let step = Step {
        by: by(actor),
        token: &token,
        action: which.action,
        comment: "",
        url: format!("/projects/{id}/acceptance"),
    };
    let result = projects::take_locked(&mut tx, audit, &loaded.project, actor.role, &step).await;
    finish(state, chrome, actor, id, tx, result, which.flash).await
}

/// 提交结项.
async fn complete(
    State(state): State<AppState>,
    actor: Actor,
    chrome: Chrome,
    audit: AuditContext,
    Path(id): Path<ProjectId>,
    Form(form): Form<CompletionForm>,
) -> Result<Response, AppError> {
    submit(&state, &chrome, &actor, &audit, id, form, COMPLETION).await
}

/// 提交整改结果.
async fn rectify(
    State(state): State<AppState>,
    actor: Actor,
    chrome: Chrome,
    audit: AuditContext,
    Path(id): Path<ProjectId>,
    Form(form): Form<CompletionForm>,
) -> Result<Response, AppError> {
    submit(&state, &chrome, &actor, &audit, id, form, RECTIFICATION).await
}

/// 办理验收结论: the panel's verdict recorded (with what to rectify after a first failure) and
/// its step taken, once every sitting member's sheet and the signed report are in.
async fn conclude(
    State(state): State<AppState>,
    actor: Actor,
    chrome: Chrome,
    audit: AuditContext,
    Path(id): Path<ProjectId>,
    Form(form): Form<ConclusionForm>,
) -> Result<Response, AppError> {
    let token = FormToken::parse(&form.form_token)?;
    let mut tx = db::begin(&state.pool, actor.db()).await?;
    if let Claim::Used(url) = once::claim(&mut tx, actor.account_id, &token).await? {
        return Ok(flash::redirect(&url));
    }
    let loaded = read(&mut tx, &actor, id, true, Need::Keep).await?;
    let attempt = PanelStage::of(loaded.project.status).and_then(PanelStage::attempt);
    let problems = problems_of(&loaded);
    let verdict = loaded.acceptances.last().and_then(|(_, members)| {
        let submitted: Vec<_> = members
            .iter()
            .filter(|m| m.sitting)
            .filter_map(|m| m.sheet.as_ref())
            .filter(|s| s.is_submitted())
            .collect();
        model::verdict(&submitted)
    });
    let (attempt, verdict) = match (attempt, verdict) {
        (Some(attempt), Some(verdict)) if problems.is_empty() => (attempt, verdict),
        _ => {
            tx.rollback().await?;
            let problem = if attempt.is_none() {
                format!("项目{}，没有待办理的验收。", loaded.project.status.label())
            } else {
                problems.join("")
            };
            return page_of(
                &state,
                &chrome,
                &actor,
                loaded,
                Feedback { problem: Some(problem), ..Feedback::default() },
            );
        }
    };
    let asks = !verdict.passed && attempt == 1;
    let rectification = match form.parse(asks, time::today()) {
        Ok(r) => r,
        Err(errors) => {
            tx.rollback().await?;
            let feedback = Feedback { conclusion: Some(form), conclusion_errors: errors, ..Feedback::default() };
            return page_of(&state, &chrome, &actor, loaded, feedback);
        }
    };
    let who = by(&actor);
    store::conclude(
        &mut tx,
        &audit,
        &loaded.project,
        attempt,
        (verdict.passed, verdict.average),
        rectification.as_ref(),
        &who,
    )
    .await?;
    let average = format!("专家组平均分 {:.2}", verdict.average);
    let (action, comment, flash) = match (&rectification, verdict.passed) {
        (_, true) => (ProjectAction::Accept, average, Flash::AcceptancePassed),
        (Some(r), false) => (
            ProjectAction::FailAcceptance,
            format!("{average}。整改要求：{}；整改期限：{}", r.what, r.by),
            Flash::AcceptanceFailed,
        ),
        (None, false) => (ProjectAction::FailAcceptance, format!("复验不通过，{average}"), Flash::ReacceptanceFailed),
    };
    let step = Step { by: who, token: &token, action, comment: &comment, url: format!("/projects/{id}/acceptance") };
    let result = projects::take_locked(&mut tx, &audit, &loaded.project, actor.role, &step).await;
    finish(&state, &chrome, &actor, id, tx, result, flash).await
}

/// 打印验收意见表: the latest acceptance.
async fn print(State(state): State<AppState>, actor: Actor, Path(id): Path<ProjectId>) -> Result<Response, AppError> {
    let Loaded { project, round, mut acceptances, .. } = load(&state, &actor, id, Need::Read).await?;
    let (acceptance, members) = acceptances.pop().ok_or(AppError::Refused("项目尚未提交结项。".into()))?;
    let view = AcceptanceView::of(&project, &round, &acceptance, members);
    render(PrintPage::new(project, view))
}

/// A report (结项报告, 验收报告, 整改报告) uploaded while its step is open.
async fn upload(
    State(state): State<AppState>,
    actor: Actor,
    chrome: Chrome,
    audit: AuditContext,
    session: CurrentSession,
    Path(id): Path<ProjectId>,
    form: Multipart,
) -> Result<Response, AppError> {
    let feedback = |message: String| Feedback { upload: Some(message), ..Feedback::default() };
    // Who may add one, and which, before the file is read.
    let loaded = load(&state, &actor, id, Need::Keep).await?;
    let Some(kind) = report_for(loaded.project.status) else {
        let problem = format!("项目{}，不能上传报告。", loaded.project.status.label());
        return page_of(&state, &chrome, &actor, loaded, feedback(problem));
    };
    let max = state.settings.attachment_max_bytes as u64;
    let (token, file) = match attachments::upload::receive(form, session.csrf_token(), &[kind], max).await {
        Ok(received) => received,
        Err(UploadError::Csrf) => return Err(AppError::CsrfRejected),
        Err(e) => {
            tracing::info!(reason = %e, "upload refused");
            return page_of(&state, &chrome, &actor, loaded, feedback(e.to_string()));
        }
    };
    let mut tx = db::begin(&state.pool, actor.db()).await?;
    let project = projects::find(&mut tx, id, true).await?.ok_or(AppError::NotFound)?;
    if report_for(project.status) != Some(kind) {
        tx.rollback().await?;
        return page(&state, &chrome, &actor, id, feedback(format!("项目{}，不能上传报告。", project.status.label())))
            .await;
    }
    let uploader = attachments::store::Actor { ctx: &audit, account: actor.account_id, name: &actor.display_name };
    let led_to = format!("/projects/{id}/acceptance#attachments");
    let owner = project.owner();
    let done =
        attachments::store::attach_once(&mut tx, &token, &owner, project.status.as_str(), file, &uploader, led_to)
            .await?;
    tx.commit().await?;
    Ok(flash::after(done, Flash::AttachmentAdded))
}

/// A report of `project` by id (any other file of the project: 404; the project's page serves those).
fn report_of(loaded: &Loaded, file: AttachmentId) -> Result<Attachment, AppError> {
    loaded.files.iter().find(|f| f.id == file).cloned().ok_or(AppError::NotFound)
}

async fn download(
    State(state): State<AppState>,
    actor: Actor,
    Path((id, file)): Path<(ProjectId, AttachmentId)>,
) -> Result<Response, AppError> {
    let mut tx = db::begin(&state.pool, actor.db()).await?;
    let project = projects::find(&mut tx, id, false)
        .await?
        .filter(|p| crate::projects::model::readable(&actor, p))
        .ok_or(AppError::NotFound)?;
    match attachments::store::find(&mut tx, &project.owner(), file).await? {
        Some(a) if REPORT_KINDS.iter().any(|k| k.key == a.kind) => {
            attachments::store::serve(tx, &project.owner(), file).await
        }
        _ => Err(AppError::NotFound),
    }
}

/// Whether `attachment` may be removed now: the report of the step still open, uploaded in it.
fn removable(actor: &Actor, loaded: &Loaded, attachment: &Attachment) -> Result<(), AppError> {
    let project = &loaded.project;
    keeper(actor, project)?;
    let since = opened(loaded);
    match report_for(project.status) {
        Some(kind) if kind.key == attachment.kind && since.is_none_or(|at| attachment.uploaded_at > at) => Ok(()),
        _ => Err(AppError::Refused(format!("项目{}，该报告不能再删除。", project.status.label()).into())),
    }
}

async fn confirm_remove(
    State(state): State<AppState>,
    actor: Actor,
    chrome: Chrome,
    Path((id, file)): Path<(ProjectId, AttachmentId)>,
) -> Result<Response, AppError> {
    let loaded = load(&state, &actor, id, Need::Keep).await?;
    let attachment = report_of(&loaded, file)?;
    removable(&actor, &loaded, &attachment)?;
    render(ConfirmPage::new(
        &chrome,
        vec![
            Crumb::link("项目申报", "/projects"),
            Crumb::link(loaded.project.title(), format!("/projects/{id}/acceptance")),
        ],
        "删除附件",
        format!(
            "确定删除「{}」（{}）吗？删除后不能恢复，删除记录保留在办理记录和审计日志中。",
            attachment.file_name,
            attachment.size()
        ),
        format!("/projects/{id}/acceptance/attachments/{file}/delete"),
        "删除",
        format!("/projects/{id}/acceptance#attachments"),
    ))
}

async fn remove(
    State(state): State<AppState>,
    actor: Actor,
    audit: AuditContext,
    Path((id, file)): Path<(ProjectId, AttachmentId)>,
) -> Result<Response, AppError> {
    let mut tx = db::begin(&state.pool, actor.db()).await?;
    let loaded = read(&mut tx, &actor, id, true, Need::Keep).await?;
    let attachment = report_of(&loaded, file)?;
    removable(&actor, &loaded, &attachment)?;
    let project = &loaded.project;
    let label = REPORT_KINDS.iter().find(|k| k.key == attachment.kind).map_or("报告", |k| k.label);
    let remover = attachments::store::Actor { ctx: &audit, account: actor.account_id, name: &actor.display_name };
    if !attachments::store::detach(&mut tx, &project.owner(), project.status.as_str(), label, &attachment, &remover)
        .await?
    {
        return Err(AppError::NotFound);
    }
    tx.commit().await?;
    Ok(flash::redirect_with(&format!("/projects/{id}/acceptance#attachments"), Flash::AttachmentRemoved))
}

/// The project a termination is about, refused unless the actor keeps its region and it runs.
async fn terminable(state: &AppState, actor: &Actor, id: ProjectId) -> Result<(Project, Option<String>), AppError> {
    let mut tx = db::begin(&state.pool, actor.db()).await?;
    let project = projects::find(&mut tx, id, false).await?.ok_or(AppError::NotFound)?;
    tx.commit().await?;
    keeper(actor, &project)?;
    let problem = (!project.status.is_running())
        .then(|| format!("项目{}，只有备案后、验收结束前的项目才能终止。", project.status.label()));
    Ok((project, problem))
}

/// 终止项目: the form asking for the reasons, as the confirmation.
async fn confirm_termination(
    State(state): State<AppState>,
    actor: Actor,
    chrome: Chrome,
    Path(id): Path<ProjectId>,
) -> Result<Response, AppError> {
    let (project, problem) = terminable(&state, &actor, id).await?;
    render(TerminatePage::new(&chrome, project, String::new(), Default::default(), problem))
}

async fn terminate(
    State(state): State<AppState>,
    actor: Actor,
    chrome: Chrome,
    audit: AuditContext,
    Path(id): Path<ProjectId>,
    Form(form): Form<TerminationForm>,
) -> Result<Response, AppError> {
    let token = FormToken::parse(&form.form_token)?;
    let (project, problem) = terminable(&state, &actor, id).await?;
    let reason = match (problem, form.parse()) {
        (Some(problem), _) => {
            return render(TerminatePage::new(&chrome, project, form.reason, Default::default(), Some(problem)));
        }
        (None, Err(errors)) => return render(TerminatePage::new(&chrome, project, form.reason, errors, None)),
        (None, Ok(reason)) => reason,
    };
    let mut tx = db::begin(&state.pool, actor.db()).await?;
    let step = Step {
        by: by(&actor),
        token: &token,
        action: ProjectAction::Terminate,
        comment: &reason,
        url: format!("/projects/{id}"),
    };
    match step::outcome(projects::take(&mut tx, &audit, id, actor.role, &step).await)? {
        Ok(done) => {
            if matches!(done, Done::Now(_)) {
                // What the project took of the fee and was not paid goes back to its budgets.
                crate::fee::release(&mut tx, &project, &format!("项目终止：{reason}"), &by(&actor)).await?;
            }
            tx.commit().await?;
            Ok(match done {
                Done::Now(url) => flash::redirect_with(&url, Flash::ProjectTerminated),
                Done::Before(url) => flash::redirect(&url),
            })
        }
        Err(problems) => {
            tx.rollback().await?;
            let problem = problems.into_iter().map(|p| p.message).collect::<Vec<_>>().join("；");
            render(TerminatePage::new(&chrome, project, form.reason, Default::default(), Some(problem)))
        }
    }
}
