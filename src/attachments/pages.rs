//! The file routes of a record that carries attachments, said once: upload (multipart: csrf,
//! kind, file), download, and removal after a confirmation. A feature describes its record as a
//! [`Holder`] (how to find it in the actor's scope, who may see it, who may change its files,
//! its own page to show an upload's problem on) and merges [`routes`].

use std::future::Future;

use axum::Router;
use axum::extract::{Multipart, Path, State};
use axum::response::Response;
use axum::routing::get;
use serde::de::DeserializeOwned;
use sqlx::PgConnection;

use super::upload::UploadError;
use super::{AttachmentId, AttachmentKind, Owner};
use crate::audit::AuditContext;
use crate::auth::Actor;
use crate::auth::session::CurrentSession;
use crate::db;
use crate::error::AppError;
use crate::reference::{Ref, Reference};
use crate::state::AppState;
use crate::web::confirm::ConfirmPage;
use crate::web::flash::{self, Flash};
use crate::web::layout::{Chrome, Crumb};
use crate::web::render;

/// A record kind whose files the shared routes handle.
pub trait Holder: Sized + Send + Sync + 'static {
    type Id: Copy + std::fmt::Display + DeserializeOwned + Send + Sync + 'static;

    /// The kinds of file the record takes.
    const KINDS: &'static [AttachmentKind];

    /// The record's page (`/publicity/3`); its files live under `{page}/attachments`.
    fn page(id: Self::Id) -> String;

    fn owner(&self) -> Owner;

    /// What the record's history files a change of its files under (its status, or "recorded").
    fn stage(&self) -> &'static str;

    /// The record's title, for the confirmation page's crumbs.
    fn title(&self) -> String;

    /// The feature's crumb the record hangs under.
    fn crumb() -> Crumb;

    /// The record as the transaction's scope reads it, locked for update when `lock`.
    fn find(tx: &mut PgConnection, id: Self::Id, lock: bool)
    -> impl Future<Output = sqlx::Result<Option<Self>>> + Send;

    /// Beyond the scope, whether the actor sees the record (a draft of someone else's, say):
    /// `NotFound` when not.
    fn readable(&self, actor: &Actor, reference: &Reference) -> Result<(), AppError>;

    /// Whether the actor may add or remove its files now: `Forbidden`, or `Refused` with the
    /// reason, when not. Asked again under the record's lock before a file is added.
    fn changeable(&self, actor: &Actor, reference: &Reference) -> Result<(), AppError>;

    /// The record's own page showing the problem of an upload.
    fn with_problem(
        state: &AppState,
        actor: &Actor,
        reference: &Reference,
        chrome: &Chrome,
        id: Self::Id,
        problem: String,
    ) -> impl Future<Output = Result<Response, AppError>> + Send;
}

/// The three routes under `pattern` (the record page's route, e.g. `/publicity/{id}`).
pub fn routes<H: Holder>(pattern: &str) -> Router<AppState> {
    Router::new()
        .route(&format!("{pattern}/attachments"), super::upload::route(upload::<H>))
        .route(&format!("{pattern}/attachments/{{file}}"), get(download::<H>))
        .route(&format!("{pattern}/attachments/{{file}}/delete"), get(confirm_remove::<H>).post(remove::<H>))
}

/// The record the actor may see (another region's, or one hidden from them: 404).
async fn readable<H: Holder>(state: &AppState, actor: &Actor, reference: &Reference, id: H::Id) -> Result<H, AppError> {
    let mut tx = db::begin(&state.pool, actor.db()).await?;
    let record = H::find(&mut tx, id, false).await?.ok_or(AppError::NotFound)?;
    tx.commit().await?;
    record.readable(actor, reference)?;
    Ok(record)
}

/// The record whose files the actor may change.
async fn changeable<H: Holder>(
    state: &AppState,
    actor: &Actor,
    reference: &Reference,
    id: H::Id,
) -> Result<H, AppError> {
    let record = readable::<H>(state, actor, reference, id).await?;
    record.changeable(actor, reference)?;
    Ok(record)
}

#[allow(clippy::too_many_arguments)]
async fn upload<H: Holder>(
    State(state): State<AppState>,
    actor: Actor,
    Ref(reference): Ref,
    chrome: Chrome,
    audit: AuditContext,
    session: CurrentSession,
    Path(id): Path<H::Id>,
    form: Multipart,
) -> Result<Response, AppError> {
    changeable::<H>(&state, &actor, &reference, id).await?;
    let max = state.settings.attachment_max_bytes as u64;
    let (token, file) = match super::upload::receive(form, session.csrf_token(), H::KINDS, max).await {
        Ok(received) => received,
        Err(UploadError::Csrf) => return Err(AppError::CsrfRejected),
        Err(e) => {
            tracing::info!(reason = %e, "upload refused");
            return H::with_problem(&state, &actor, &reference, &chrome, id, e.to_string()).await;
        }
    };
    let mut tx = db::begin(&state.pool, actor.db()).await?;
    // Changed meanwhile (issued, decided)? The locked row decides.
    let locked = H::find(&mut tx, id, true).await?.ok_or(AppError::NotFound)?;
    locked.changeable(&actor, &reference)?;
    let by = super::store::Actor { ctx: &audit, account: actor.account_id, name: &actor.display_name };
    let led_to = format!("{}#attachments", H::page(id));
    let done = super::store::attach_once(&mut tx, &token, &locked.owner(), locked.stage(), file, &by, led_to).await?;
    tx.commit().await?;
    Ok(flash::after(done, Flash::AttachmentAdded))
}

/// A file of the record, to whoever may see the record.
async fn download<H: Holder>(
    State(state): State<AppState>,
    actor: Actor,
    Ref(reference): Ref,
    Path((id, file)): Path<(H::Id, AttachmentId)>,
) -> Result<Response, AppError> {
    let mut tx = db::begin(&state.pool, actor.db()).await?;
    let record = H::find(&mut tx, id, false).await?.ok_or(AppError::NotFound)?;
    record.readable(&actor, &reference)?;
    super::store::serve(tx, &record.owner(), file).await
}

/// The record and one of its files, for its removal.
async fn file_of<H: Holder>(
    state: &AppState,
    actor: &Actor,
    reference: &Reference,
    id: H::Id,
    file: AttachmentId,
) -> Result<(H, super::Attachment), AppError> {
    let record = changeable::<H>(state, actor, reference, id).await?;
    let mut tx = db::begin(&state.pool, actor.db()).await?;
    let files = super::store::list(&mut tx, &record.owner()).await?;
    tx.commit().await?;
    let attachment = files.into_iter().find(|a| a.id == file).ok_or(AppError::NotFound)?;
    Ok((record, attachment))
}

async fn confirm_remove<H: Holder>(
    State(state): State<AppState>,
    actor: Actor,
    Ref(reference): Ref,
    chrome: Chrome,
    Path((id, file)): Path<(H::Id, AttachmentId)>,
) -> Result<Response, AppError> {
    let (record, attachment) = file_of::<H>(&state, &actor, &reference, id, file).await?;
    let page = H::page(id);
    render(ConfirmPage::new(
        &chrome,
        vec![H::crumb(), Crumb::link(record.title(), page.clone())],
        "删除附件",
        format!(
            "确定删除附件「{}」（{}，{}）吗？删除后不能恢复，删除记录保留在审计日志中。",
            attachment.file_name,
            super::kind_label(H::KINDS, &attachment.kind),
            attachment.size()
        ),
        format!("{page}/attachments/{file}/delete"),
        "删除",
        format!("{page}#attachments"),
    ))
}

async fn remove<H: Holder>(
    State(state): State<AppState>,
    actor: Actor,
    Ref(reference): Ref,
    audit: AuditContext,
    Path((id, file)): Path<(H::Id, AttachmentId)>,
) -> Result<Response, AppError> {
    let (record, attachment) = file_of::<H>(&state, &actor, &reference, id, file).await?;
    let mut tx = db::begin(&state.pool, actor.db()).await?;
    let by = super::store::Actor { ctx: &audit, account: actor.account_id, name: &actor.display_name };
    let label = super::kind_label(H::KINDS, &attachment.kind);
    if !super::store::detach(&mut tx, &record.owner(), record.stage(), &label, &attachment, &by).await? {
        return Err(AppError::NotFound);
    }
    tx.commit().await?;
    Ok(flash::redirect_with(&format!("{}#attachments", H::page(id)), Flash::AttachmentRemoved))
}
