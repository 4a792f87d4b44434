//! A filed project's agreement (签订协议): the region's officers record its number, the day it
//! was signed, the parties, the amount (never above the approved; shown in 元, 万元 and 大写), the
//! term, and upload the signed copy (an attachment of the project, so the project's timeline
//! shows it); signing moves the project into implementation (实施中). A print view gives the
//! agreement's key terms.

pub mod model;
pub mod store;
pub mod views;

use axum::Router;
use axum::extract::{Multipart, Path, State};
use axum::response::Response;
use axum::routing::{get, post};
use axum_extra::extract::Form;

use self::model::{AgreementForm, SIGNED_AGREEMENT, sign_refusal};
use self::views::{AgreementPage, Feedback, Offers, PrintPage};
use crate::attachments::{self, Attachment, AttachmentId, upload::UploadError};
use crate::audit::AuditContext;
use crate::auth::Actor;
use crate::auth::session::CurrentSession;
use crate::db;
use crate::error::AppError;
use crate::projects::model::{Project, ProjectAction, ProjectId, ProjectStatus, may_write};
use crate::projects::store::{self as projects, Step};
use crate::state::AppState;
use crate::values::time;
use crate::web::confirm::ConfirmPage;
use crate::web::flash::{self, Flash};
use crate::web::layout::{Chrome, Crumb};
use crate::web::once::FormToken;
use crate::web::render;
use crate::workflow::{By, Done, step};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/projects/{id}/agreement", get(show).post(save))
        .route("/projects/{id}/agreement/attachments", attachments::upload::route(upload))
        .route("/projects/{id}/agreement/attachments/{file}", get(download))
        .route("/projects/{id}/agreement/attachments/{file}/delete", get(confirm_remove).post(remove))
        .route("/projects/{id}/agreement/sign", post(sign))
        .route("/projects/{id}/agreement/print", get(print))
}

fn offers(actor: &Actor, project: &Project) -> Offers {
    Offers { keep: may_write(actor, &project.region) && project.status == ProjectStatus::Filed }
}

/// The project (filed or under way), its agreement and the signed copies, in the actor's scope.
async fn load(
    state: &AppState,
    actor: &Actor,
    id: ProjectId,
) -> Result<(Project, Option<model::Agreement>, Vec<Attachment>), AppError> {
    let mut tx = db::begin(&state.pool, actor.db()).await?;
    let project = projects::find(&mut tx, id, false)
        .await?
        .filter(|p| crate::projects::model::readable(actor, p))
        .ok_or(AppError::NotFound)?;
    if !project.status.after_filing() {
        return Err(AppError::Refused(format!("项目{}，省级备案后才签订协议。", project.status.label()).into()));
    }
    let agreement = store::of(&mut tx, &project).await?;
    let files = signed_copies(attachments::store::list(&mut tx, &project.owner()).await?);
    tx.commit().await?;
    Ok((project, agreement, files))
}

fn signed_copies(files: Vec<Attachment>) -> Vec<Attachment> {
    files.into_iter().filter(|f| f.kind == SIGNED_AGREEMENT.key).collect()
}

async fn page(
    state: &AppState,
    chrome: &Chrome,
    actor: &Actor,
    id: ProjectId,
    feedback: Feedback,
) -> Result<Response, AppError> {
    let (project, agreement, files) = load(state, actor, id).await?;
    let offers = offers(actor, &project);
    render(AgreementPage::new(
        chrome,
        project,
        agreement,
        &files,
        offers,
        feedback,
        state.settings.attachment_max_bytes,
    ))
}

/// 项目协议.
async fn show(
    State(state): State<AppState>,
    actor: Actor,
    chrome: Chrome,
    Path(id): Path<ProjectId>,
) -> Result<Response, AppError> {
    page(&state, &chrome, &actor, id, Feedback::default()).await
}

/// Why the agreement cannot change now: not the region's keeper (403), or no longer filed.
fn refusal(actor: &Actor, project: &Project) -> Result<Option<String>, AppError> {
    if !may_write(actor, &project.region) {
        return Err(AppError::Forbidden);
    }
    Ok((project.status != ProjectStatus::Filed).then(|| format!("项目{}，协议不能再修改。", project.status.label())))
}

/// 保存协议信息.
async fn save(
    State(state): State<AppState>,
    actor: Actor,
    chrome: Chrome,
    audit: AuditContext,
    Path(id): Path<ProjectId>,
    Form(form): Form<AgreementForm>,
) -> Result<Response, AppError> {
    let mut tx = db::begin(&state.pool, actor.db()).await?;
    let project = projects::find(&mut tx, id, true).await?.ok_or(AppError::NotFound)?;
    if let Some(problem) = refusal(&actor, &project)? {
        tx.rollback().await?;
        return page(&state, &chrome, &actor, id, Feedback { problem: Some(problem), ..Feedback::default() }).await;
    }
    let approved = project.approved_amount.unwrap_or_default();
    let (input, version) = match form.parse(approved, time::today()) {
        Ok(parsed) => parsed,
        Err(errors) => {
            tx.rollback().await?;
            return page(&state, &chrome, &actor, id, Feedback { form: Some(form), errors, ..Feedback::default() })
                .await;
        }
    };
    match store::save(&mut tx, &audit, &project, version, &input, actor.account_id).await {
        Ok(_) => {}
        Err(e) if e.is_duplicate("project_agreements_number_key") => {
            tx.rollback().await?;
            let mut errors = crate::web::form::FieldErrors::default();
            errors.add("number", "本地区已有相同编号的协议，请核对协议编号。");
            return page(&state, &chrome, &actor, id, Feedback { form: Some(form), errors, ..Feedback::default() })
                .await;
        }
        Err(e) => return Err(e.into()),
    }
    tx.commit().await?;
    Ok(flash::redirect_with(&format!("/projects/{id}/agreement"), Flash::AgreementSaved))
}

/// The signed copy: an attachment of the project, while it is filed.
async fn upload(
    State(state): State<AppState>,
    actor: Actor,
    chrome: Chrome,
    audit: AuditContext,
    session: CurrentSession,
    Path(id): Path<ProjectId>,
    form: Multipart,
) -> Result<Response, AppError> {
    let max_upload = state.settings.attachment_max_bytes;
    let feedback = |message: String| Feedback { upload: Some(message), ..Feedback::default() };
    // Who may add it, and whether it may be added now, before the file is read.
    let mut tx = db::begin(&state.pool, actor.db()).await?;
    let project = projects::find(&mut tx, id, false).await?.ok_or(AppError::NotFound)?;
    tx.commit().await?;
    if let Some(problem) = refusal(&actor, &project)? {
        return page(&state, &chrome, &actor, id, feedback(problem)).await;
    }
    let (token, file) =
        match attachments::upload::receive(form, session.csrf_token(), &[SIGNED_AGREEMENT], max_upload as u64).await {
            Ok(received) => received,
            Err(UploadError::Csrf) => return Err(AppError::CsrfRejected),
            Err(e) => {
                tracing::info!(reason = %e, "upload refused");
                return page(&state, &chrome, &actor, id, feedback(e.to_string())).await;
            }
        };
    let mut tx = db::begin(&state.pool, actor.db()).await?;
    let project = projects::find(&mut tx, id, true).await?.ok_or(AppError::NotFound)?;
    if let Some(problem) = refusal(&actor, &project)? {
        tx.rollback().await?;
        return page(&state, &chrome, &actor, id, feedback(problem)).await;
    }
    let by = attachments::store::Actor { ctx: &audit, account: actor.account_id, name: &actor.display_name };
    let led_to = format!("/projects/{id}/agreement#attachments");
    let owner = project.owner();
    let done =
        attachments::store::attach_once(&mut tx, &token, &owner, project.status.as_str(), file, &by, led_to).await?;
    tx.commit().await?;
    Ok(flash::after(done, Flash::AttachmentAdded))
}

/// 办理签订: the agreement recorded and its signed copy uploaded; the project is under way.
async fn sign(
    State(state): State<AppState>,
    actor: Actor,
    chrome: Chrome,
    audit: AuditContext,
    Path(id): Path<ProjectId>,
    Form(form): Form<step::TransitionForm>,
) -> Result<Response, AppError> {
    let token = FormToken::parse(&form.form_token)?;
    let mut tx = db::begin(&state.pool, actor.db()).await?;
    if let crate::web::once::Claim::Used(url) = crate::web::once::claim(&mut tx, actor.account_id, &token).await? {
        return Ok(flash::redirect(&url));
    }
    let project = projects::find(&mut tx, id, true).await?.ok_or(AppError::NotFound)?;
    let (problem, agreement) = match refusal(&actor, &project)? {
        Some(problem) => (Some(problem), None),
        None => {
            let agreement = store::of(&mut tx, &project).await?;
            let files = signed_copies(attachments::store::list(&mut tx, &project.owner()).await?);
            (sign_refusal(agreement.as_ref(), &files).map(str::to_string), agreement)
        }
    };
    let agreement = match (problem, agreement) {
        (None, Some(agreement)) => agreement,
        (problem, _) => {
            tx.rollback().await?;
            let problem = problem.unwrap_or_else(|| "请先填写并保存协议信息。".into());
            return page(&state, &chrome, &actor, id, Feedback { problem: Some(problem), ..Feedback::default() }).await;
        }
    };
    let by = By { account: actor.account_id, name: &actor.display_name };
    // The timeline shows the amount agreed beside the step.
    let comment = format!("协议金额 {} 元（协议编号 {}）", agreement.amount.show_yuan(), agreement.number);
    let step = Step {
        by,
        token: &token,
        action: ProjectAction::Sign,
        comment: &comment,
        url: format!("/projects/{id}/agreement"),
    };
    match step::outcome(projects::take_locked(&mut tx, &audit, &project, actor.role, &step).await)? {
        Ok(done) => {
            tx.commit().await?;
            Ok(match done {
                Done::Now(url) => flash::redirect_with(&url, Flash::AgreementSigned),
                Done::Before(url) => flash::redirect(&url),
            })
        }
        Err(problems) => {
            tx.rollback().await?;
            let problem = problems.into_iter().map(|p| p.message).collect::<Vec<_>>().join("；");
            page(&state, &chrome, &actor, id, Feedback { problem: Some(problem), ..Feedback::default() }).await
        }
    }
}

/// 打印协议主要条款.
async fn print(State(state): State<AppState>, actor: Actor, Path(id): Path<ProjectId>) -> Result<Response, AppError> {
    let (project, agreement, _) = load(&state, &actor, id).await?;
    let agreement = agreement.ok_or(AppError::Refused("尚未录入协议。".into()))?;
    render(PrintPage::new(project, agreement))
}

/// A signed copy.
async fn download(
    State(state): State<AppState>,
    actor: Actor,
    Path((id, file)): Path<(ProjectId, AttachmentId)>,
) -> Result<Response, AppError> {
    let mut tx = db::begin(&state.pool, actor.db()).await?;
    let project = projects::find(&mut tx, id, false).await?.ok_or(AppError::NotFound)?;
    // The agreement's page serves its signed copies only; the project's page serves the rest.
    match attachments::store::find(&mut tx, &project.owner(), file).await? {
        Some(a) if a.kind == SIGNED_AGREEMENT.key => attachments::store::serve(tx, &project.owner(), file).await,
        _ => Err(AppError::NotFound),
    }
}

/// A signed copy of `project` by id (another file of the project, or none: 404).
async fn signed_copy(
    state: &AppState,
    actor: &Actor,
    id: ProjectId,
    file: AttachmentId,
) -> Result<(Project, Attachment), AppError> {
    let (project, _, files) = load(state, actor, id).await?;
    let attachment = files.into_iter().find(|f| f.id == file).ok_or(AppError::NotFound)?;
    Ok((project, attachment))
}

async fn confirm_remove(
    State(state): State<AppState>,
    actor: Actor,
    chrome: Chrome,
    Path((id, file)): Path<(ProjectId, AttachmentId)>,
) -> Result<Response, AppError> {
    let (project, attachment) = signed_copy(&state, &actor, id, file).await?;
    if let Some(problem) = refusal(&actor, &project)? {
        return Err(AppError::Refused(problem.into()));
    }
    render(ConfirmPage::new(
        &chrome,
        vec![Crumb::link("项目申报", "/projects"), Crumb::link(project.title(), format!("/projects/{id}/agreement"))],
        "删除附件",
        format!(
            "确定删除「{}」（{}）吗？删除后不能恢复，删除记录保留在办理记录和审计日志中。",
            attachment.file_name,
            attachment.size()
        ),
        format!("/projects/{id}/agreement/attachments/{file}/delete"),
        "删除",
        format!("/projects/{id}/agreement#attachments"),
    ))
}

async fn remove(
    State(state): State<AppState>,
    actor: Actor,
    audit: AuditContext,
    Path((id, file)): Path<(ProjectId, AttachmentId)>,
) -> Result<Response, AppError> {
    let (_, attachment) = signed_copy(&state, &actor, id, file).await?;
    let mut tx = db::begin(&state.pool, actor.db()).await?;
    let project = projects::find(&mut tx, id, true).await?.ok_or(AppError::NotFound)?;
    if let Some(problem) = refusal(&actor, &project)? {
        return Err(AppError::Refused(problem.into()));
    }
    let by = attachments::store::Actor { ctx: &audit, account: actor.account_id, name: &actor.display_name };
    let status = project.status.as_str();
    if !attachments::store::detach(&mut tx, &project.owner(), status, SIGNED_AGREEMENT.label, &attachment, &by).await? {
        return Err(AppError::NotFound);
    }
    tx.commit().await?;
    Ok(flash::redirect_with(&format!("/projects/{id}/agreement#attachments"), Flash::AttachmentRemoved))
}
