//! Departments (成员单位) of a region: HRSS, the partner departments of the joint mechanism,
//! and the social insurance agency. Officers keep their contact details current.
//!
//! The model feature folder (docs/architecture.md): routes and thin handlers here; types, form
//! parsing and rules in `model.rs`; every SQL statement in `store.rs`; page structs in
//! `views.rs`; templates in `templates/departments/`.

pub mod model;
pub mod store;
pub mod views;

use axum::Router;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use axum::routing::{get, post};
use axum_extra::extract::Form;

pub use model::DepartmentId;

use self::model::{ContactForm, Department, ListQuery, may_edit, may_unmask};
use self::views::{DetailPage, EditPage, ListPage};
use crate::audit::{self, Action, AuditContext, Event};
use crate::auth::Actor;
use crate::error::AppError;
use crate::reference::Ref;
use crate::state::AppState;
use crate::web::flash::{self, Flash};
use crate::web::form::FieldErrors;
use crate::web::layout::Chrome;
use crate::web::pagination::Page;
use crate::web::render;

const PAGE_SIZE: u32 = 20;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/departments", get(list))
        .route("/departments/{id}", get(detail))
        .route("/departments/{id}/edit", get(edit).post(save))
        .route("/departments/{id}/unmask", post(unmask))
}

async fn list(
    State(state): State<AppState>,
    actor: Actor,
    chrome: Chrome,
    Ref(reference): Ref,
    Query(query): Query<ListQuery>,
) -> Result<Response, AppError> {
    let filter = query.filter();
    let page = Page::new(query.page, PAGE_SIZE);
    let (departments, total) = store::list(&state.pool, actor.db(), &filter, page).await?;
    let regions = reference.regions_visible_to(actor.db().scope, actor.region.as_ref());
    render(ListPage::new(&chrome, &actor, departments, total, page, regions, filter))
}

async fn detail(
    State(state): State<AppState>,
    actor: Actor,
    chrome: Chrome,
    Path(id): Path<DepartmentId>,
) -> Result<Response, AppError> {
    let department = find(&state, &actor, id).await?;
    render(DetailPage::new(&chrome, &actor, department, false))
}

/// The detail page with the phone number in full: an explicit action, audited, for officers of
/// the department's region and the province. A POST, so the number never sits in a URL or a
/// browser's history of links.
async fn unmask(
    State(state): State<AppState>,
    actor: Actor,
    chrome: Chrome,
    audit: AuditContext,
    Path(id): Path<DepartmentId>,
) -> Result<Response, AppError> {
    let department = find(&state, &actor, id).await?;
    if !may_unmask(&actor, &department) {
        return Err(AppError::Forbidden);
    }
    let event = Event::new(Action::Unmask).object("department", id).detail("联系电话");
    audit::record_alone(&state.pool, &audit, event).await?;
    render(DetailPage::new(&chrome, &actor, department, true))
}

async fn edit(
    State(state): State<AppState>,
    actor: Actor,
    chrome: Chrome,
    Path(id): Path<DepartmentId>,
) -> Result<Response, AppError> {
    let department = find_editable(&state, &actor, id).await?;
    let form = ContactForm::from(&department);
    render(EditPage::new(&chrome, department, form, FieldErrors::default()))
}

async fn save(
    State(state): State<AppState>,
    actor: Actor,
    chrome: Chrome,
    audit: AuditContext,
    Path(id): Path<DepartmentId>,
    Form(form): Form<ContactForm>,
) -> Result<Response, AppError> {
    let department = find_editable(&state, &actor, id).await?;
    let (contact, version) = match form.parse() {
        Ok(parsed) => parsed,
        Err(errors) => return render(EditPage::new(&chrome, department, form, errors)),
    };
    store::update_contact(&state.pool, actor.db(), &audit, id, version, &contact).await?;
    tracing::info!(department = %id, "department contact saved");
    Ok(flash::redirect_with(&format!("/departments/{id}"), Flash::DepartmentSaved))
}

/// The department in the actor's scope: 404 outside it.
async fn find(state: &AppState, actor: &Actor, id: DepartmentId) -> Result<Department, AppError> {
    store::find(&state.pool, actor.db(), id).await?.ok_or(AppError::NotFound)
}

/// The department if the actor may edit it: 404 outside the scope, 403 in scope but not theirs.
async fn find_editable(state: &AppState, actor: &Actor, id: DepartmentId) -> Result<Department, AppError> {
    let department = find(state, actor, id).await?;
    if may_edit(actor, &department) { Ok(department) } else { Err(AppError::Forbidden) }
}
