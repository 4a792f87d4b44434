//! The pages every import kind has, said once: the upload page (the template, what each column
//! wants, the region's recent imports), the upload that queues the job, the job's progress and
//! outcome, and the file back with an error column. A feature describes its import in an
//! [`Importer`] and merges [`routes`]; its job runner does the checking and the writing.

use axum::Router;
use axum::extract::{Multipart, Path, State};
use axum::response::Response;
use axum::routing::get;

use super::Spec;
use super::views::{JobPage, UploadPage};
use crate::audit::{self, Action, AuditContext, Event};
use crate::auth::Actor;
use crate::auth::session::CurrentSession;
use crate::db;
use crate::error::AppError;
use crate::jobs::{self, Job, JobId, NewJob};
use crate::org::Region;
use crate::state::AppState;
use crate::web::flash;
use crate::web::layout::{Chrome, Crumb};
use crate::web::render;

/// An import kind's pages.
pub struct Importer {
    pub spec: &'static Spec,
    /// The job kind its runner is registered under.
    pub job: &'static str,
    /// Where its pages live (`/rates/import`).
    pub base: &'static str,
    /// The feature's crumb the pages hang under.
    pub back: fn() -> Crumb,
    /// The region the actor imports into; none: 403.
    pub region: fn(&Actor) -> Option<Region>,
    /// The template's file name, without the extension.
    pub template: &'static str,
}

/// How many recent imports the upload page lists.
const RECENT: i64 = 10;

pub fn routes(i: &'static Importer) -> Router<AppState> {
    Router::new()
        .route(
            i.base,
            crate::attachments::upload::route(
                move |state: State<AppState>,
                      actor: Actor,
                      chrome: Chrome,
                      audit: AuditContext,
                      session: CurrentSession,
                      form: Multipart| upload(i, state, actor, chrome, audit, session, form),
            )
            .get(move |state: State<AppState>, actor: Actor, chrome: Chrome| page(i, state, actor, chrome)),
        )
        .route(&format!("{}/template", i.base), get(move |actor: Actor| template(i, actor)))
        .route(
            &format!("{}/{{job}}", i.base),
            get(move |state: State<AppState>, actor: Actor, chrome: Chrome, id: Path<JobId>| {
                job_page(i, state, actor, chrome, id)
            }),
        )
        .route(
            &format!("{}/{{job}}/errors", i.base),
            get(move |state: State<AppState>, actor: Actor, id: Path<JobId>| errors(i, state, actor, id)),
        )
}

fn region_of(i: &Importer, actor: &Actor) -> Result<Region, AppError> {
    (i.region)(actor).ok_or(AppError::Forbidden)
}

async fn upload_page(
    i: &Importer,
    state: &AppState,
    actor: &Actor,
    chrome: &Chrome,
    region: &Region,
    error: Option<String>,
) -> Result<Response, AppError> {
    let mut tx = db::begin(&state.pool, actor.db()).await?;
    let recent = jobs::recent(&mut tx, region.id, i.job, RECENT).await?;
    tx.commit().await?;
    let max = state.settings.attachment_max_bytes;
    render(UploadPage::new(chrome, i.spec, (i.back)(), i.base, &recent, error, max))
}

/// 导入…: the template, what each column wants, and the region's recent imports.
async fn page(i: &Importer, State(state): State<AppState>, actor: Actor, chrome: Chrome) -> Result<Response, AppError> {
    let region = region_of(i, &actor)?;
    upload_page(i, &state, &actor, &chrome, &region, None).await
}

async fn template(i: &Importer, actor: Actor) -> Result<Response, AppError> {
    region_of(i, &actor)?;
    let bytes = super::template(i.spec).map_err(|e| AppError::Internal(e.into()))?;
    Ok(crate::web::export::workbook_download(bytes, i.template))
}

/// Receives the file (multipart: csrf, file) and queues its import; a file of the wrong type,
/// or a second import while one runs, is refused on the page with the reason.
async fn upload(
    i: &Importer,
    State(state): State<AppState>,
    actor: Actor,
    chrome: Chrome,
    audit: AuditContext,
    session: CurrentSession,
    form: Multipart,
) -> Result<Response, AppError> {
    let region = region_of(i, &actor)?;
    let max = state.settings.attachment_max_bytes;
    let (name, content) = match super::upload::receive(form, session.csrf_token(), max).await {
        Ok(file) => file,
        Err(super::upload::UploadError::Csrf) => return Err(AppError::CsrfRejected),
        Err(e) => return upload_page(i, &state, &actor, &chrome, &region, Some(e.to_string())).await,
    };
    if let Err(e) = super::sniff(&content) {
        return upload_page(i, &state, &actor, &chrome, &region, Some(e.to_string())).await;
    }
    let job = NewJob {
        region: region.id,
        kind: i.job,
        payload: serde_json::json!({ "file_name": name }),
        account: actor.account_id,
        account_name: &actor.display_name,
        file: Some((&name, &content)),
    };
    let mut tx = db::begin(&state.pool, actor.db()).await?;
    let id = match jobs::enqueue(&mut tx, &job).await {
        Ok(id) => id,
        Err(e) if e.is_duplicate("jobs_one_active_idx") => {
            tx.rollback().await?;
            let message = format!("本地区已有一个{}导入正在处理，请等它完成后再提交。", i.spec.title);
            return upload_page(i, &state, &actor, &chrome, &region, Some(message)).await;
        }
        Err(e) => return Err(e.into()),
    };
    let detail = format!("{name}（{}）", crate::attachments::human_size(content.len() as i64));
    audit::record(&mut tx, &audit, Event::new(Action::ImportQueued).object("job", id).detail(detail)).await?;
    tx.commit().await?;
    Ok(flash::redirect(&format!("{}/{id}", i.base)))
}

/// An import job of the region (another region's: 404).
async fn job_of(i: &Importer, state: &AppState, actor: &Actor, id: JobId) -> Result<Job, AppError> {
    region_of(i, actor)?;
    let mut tx = db::begin(&state.pool, actor.db()).await?;
    let job = jobs::find(&mut tx, id).await?.filter(|j| j.kind == i.job).ok_or(AppError::NotFound)?;
    tx.commit().await?;
    Ok(job)
}

fn file_name_of(job: &Job) -> String {
    job.payload.get("file_name").and_then(|v| v.as_str()).unwrap_or("导入文件").to_string()
}

/// A job's progress, then its outcome; any instance answers, and a reload finds it again.
async fn job_page(
    i: &Importer,
    State(state): State<AppState>,
    actor: Actor,
    chrome: Chrome,
    Path(id): Path<JobId>,
) -> Result<Response, AppError> {
    let job = job_of(i, &state, &actor, id).await?;
    let name = file_name_of(&job);
    render(JobPage::new(&chrome, i.spec, (i.back)(), i.base, job, name))
}

/// The file as uploaded, every row kept, with an error column added.
async fn errors(
    i: &Importer,
    State(state): State<AppState>,
    actor: Actor,
    Path(id): Path<JobId>,
) -> Result<Response, AppError> {
    let job = job_of(i, &state, &actor, id).await?;
    let Some(super::Outcome::Rejected { errors, .. }) =
        job.result.clone().and_then(|r| serde_json::from_value::<super::Outcome>(r).ok())
    else {
        return Err(AppError::NotFound);
    };
    let mut tx = db::begin(&state.pool, actor.db()).await?;
    let (name, content) = jobs::file(&mut tx, &job).await?.ok_or(AppError::NotFound)?;
    tx.commit().await?;
    let spec = i.spec;
    let bytes = tokio::task::spawn_blocking(move || -> Result<Vec<u8>, AppError> {
        let table = super::read_table(&content).map_err(|e| AppError::Refused(e.to_string().into()))?;
        let (header, rows) = super::rows(spec, table).map_err(|e| AppError::Refused(e.to_string().into()))?;
        super::with_errors(&header, &rows, &errors).map_err(|e| AppError::Internal(e.into()))
    })
    .await
    .map_err(|e| AppError::Internal(e.into()))??;
    let stem = name.rsplit_once('.').map_or(name.as_str(), |(s, _)| s);
    Ok(crate::web::export::workbook_download(bytes, &format!("{stem}（错误标注）")))
}
