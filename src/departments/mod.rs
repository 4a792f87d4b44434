//! Departments (成员单位) of a region: HRSS, the partner departments of the joint mechanism,
//! and the social insurance agency. Officers keep their contact details current.

pub mod model;
pub mod store;
pub mod views;

use askama::Template;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{get, post};
use axum_extra::extract::Form;

pub use model::{DepartmentId, DepartmentKind};

use self::model::{ContactForm, ListQuery, may_edit, may_unmask, parse_contact};
use self::store::SaveOutcome;
use self::views::{DetailPage, EditPage, ListPage};
use crate::audit::{self, AuditContext, Event};
use crate::auth::Actor;
use crate::error::AppError;
use crate::state::AppState;
use crate::web::flash::{self, Flash};
use crate::web::form::FieldErrors;
use crate::web::layout::{Chrome, Crumb};
use crate::web::pagination::{Page, Pager};

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
    Query(query): Query<ListQuery>,
) -> Result<Html<String>, AppError> {
    let filter = query.filter();
    let page = Page::new(query.page, PAGE_SIZE);
    let (departments, total) = store::list(&state.pool, &actor, &filter, page).await?;
    let regions = store::regions_in_scope(&state.pool, &actor).await?;
    let page = ListPage {
        layout: chrome.layout("成员单位", vec![Crumb::here("成员单位")]),
        pager: Pager::new(page, total, query.to_query_string()),
        rows: departments.into_iter().map(views::Row::from).collect(),
        regions,
        kinds: DepartmentKind::ALL.to_vec(),
        filter,
        show_region_filter: actor.db().scope == crate::db::Scope::Province,
    };
    Ok(Html(page.render()?))
}

async fn detail(
    State(state): State<AppState>,
    actor: Actor,
    chrome: Chrome,
    Path(id): Path<i64>,
) -> Result<Html<String>, AppError> {
    let department = store::find(&state.pool, &actor, DepartmentId(id)).await?.ok_or(AppError::NotFound)?;
    Ok(Html(DetailPage::new(&chrome, &actor, department, false).render()?))
}

/// The detail page with the phone number in full: an explicit action, audited, for officers of
/// the department's region and the province. A POST, so the number never sits in a URL or a
/// browser's history of links.
async fn unmask(
    State(state): State<AppState>,
    actor: Actor,
    chrome: Chrome,
    audit: AuditContext,
    Path(id): Path<i64>,
) -> Result<Html<String>, AppError> {
    let department = store::find(&state.pool, &actor, DepartmentId(id)).await?.ok_or(AppError::NotFound)?;
    if !may_unmask(&actor, &department) {
        return Err(AppError::Forbidden);
    }
    let event = Event::new("personal_data.unmask").object("department", id).detail("联系电话");
    audit::record_alone(&state.pool, &audit, event).await?;
    Ok(Html(DetailPage::new(&chrome, &actor, department, true).render()?))
}

async fn edit(
    State(state): State<AppState>,
    actor: Actor,
    chrome: Chrome,
    Path(id): Path<i64>,
) -> Result<Html<String>, AppError> {
    let department = find_editable(&state, &actor, DepartmentId(id)).await?;
    let form = ContactForm::from(&department);
    Ok(Html(EditPage::new(&chrome, department, form, FieldErrors::default()).render()?))
}

async fn save(
    State(state): State<AppState>,
    actor: Actor,
    chrome: Chrome,
    Path(id): Path<i64>,
    audit: AuditContext,
    Form(form): Form<ContactForm>,
) -> Result<Response, AppError> {
    let id = DepartmentId(id);
    let department = find_editable(&state, &actor, id).await?;
    let (contact, version) = match parse_contact(&form) {
        Ok(parsed) => parsed,
        Err(errors) => return Ok(Html(EditPage::new(&chrome, department, form, errors).render()?).into_response()),
    };
    match store::update_contact(&state.pool, &actor, &audit, id, version, &contact).await? {
        SaveOutcome::Saved => {
            tracing::info!(department = id.0, "department contact saved");
            Ok(flash::redirect_with(&format!("/departments/{}", id.0), Flash::DepartmentSaved))
        }
        SaveOutcome::Stale => Err(AppError::Conflict),
        SaveOutcome::Missing => Err(AppError::NotFound),
    }
}

/// The department if the actor may edit it: 404 outside the scope, 403 in scope but not theirs.
async fn find_editable(state: &AppState, actor: &Actor, id: DepartmentId) -> Result<model::Department, AppError> {
    let department = store::find(&state.pool, actor, id).await?.ok_or(AppError::NotFound)?;
    if may_edit(actor, &department) { Ok(department) } else { Err(AppError::Forbidden) }
}
