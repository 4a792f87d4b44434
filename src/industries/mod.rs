//! Industry reference data (province file, seeded by key, editable by province officers,
//! audited): every GB/T 4754-2017 division with the risk class of 人社部发〔2015〕71号 it carries,
//! and the classes' base rates with the floating grades allowed. Employers derive their risk
//! class from here; floating-rate evaluations will.

pub mod model;
pub mod store;
pub mod views;

use axum::Router;
use axum::extract::{Path, State};
use axum::response::Response;
use axum::routing::get;
use axum_extra::extract::Form;

use self::model::{DivisionForm, RiskClassForm};
use self::views::{ClassPage, DivisionPage, IndexPage};
use crate::audit::AuditContext;
use crate::auth::Actor;
use crate::db;
use crate::error::AppError;
use crate::org::Role;
use crate::reference::Ref;
use crate::state::AppState;
use crate::web::flash::{self, Flash};
use crate::web::form::FieldErrors;
use crate::web::layout::Chrome;
use crate::web::render;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/industries", get(index))
        .route("/industries/{code}/edit", get(edit_division).post(save_division))
        .route("/risk-classes/{class}/edit", get(edit_class).post(save_class))
}

async fn index(actor: Actor, Ref(reference): Ref, chrome: Chrome) -> Result<Response, AppError> {
    let may_edit = actor.role == Role::ProvinceOfficer;
    render(IndexPage::new(&chrome, &reference.divisions, &reference.risk_classes, may_edit))
}

async fn edit_division(Ref(reference): Ref, chrome: Chrome, Path(code): Path<String>) -> Result<Response, AppError> {
    let division = reference.division(&code).cloned().ok_or(AppError::NotFound)?;
    let form = DivisionForm::of(&division);
    render(DivisionPage::new(&chrome, division, &reference.risk_classes, form, FieldErrors::default()))
}

async fn save_division(
    State(state): State<AppState>,
    actor: Actor,
    Ref(reference): Ref,
    chrome: Chrome,
    audit: AuditContext,
    Path(code): Path<String>,
    Form(form): Form<DivisionForm>,
) -> Result<Response, AppError> {
    let division = reference.division(&code).cloned().ok_or(AppError::NotFound)?;
    let (class, note, version) = match form.parse(&reference.risk_classes) {
        Ok(parsed) => parsed,
        Err(errors) => return render(DivisionPage::new(&chrome, division, &reference.risk_classes, form, errors)),
    };
    let mut tx = db::begin(&state.pool, actor.db()).await?;
    store::update_division(&mut tx, &audit, &division, version, class, note.as_str()).await?;
    tx.commit().await?;
    Ok(flash::redirect_with("/industries", Flash::IndustrySaved))
}

async fn edit_class(Ref(reference): Ref, chrome: Chrome, Path(class): Path<i16>) -> Result<Response, AppError> {
    let found = reference.risk_classes.iter().find(|c| c.class == class).ok_or(AppError::NotFound)?;
    render(ClassPage::new(&chrome, found, RiskClassForm::of(found), FieldErrors::default()))
}

async fn save_class(
    State(state): State<AppState>,
    actor: Actor,
    Ref(reference): Ref,
    chrome: Chrome,
    audit: AuditContext,
    Path(class): Path<i16>,
    Form(form): Form<RiskClassForm>,
) -> Result<Response, AppError> {
    let found = reference.risk_classes.iter().find(|c| c.class == class).ok_or(AppError::NotFound)?;
    let (rate, grades, version) = match form.parse() {
        Ok(parsed) => parsed,
        Err(errors) => return render(ClassPage::new(&chrome, found, form, errors)),
    };
    let mut tx = db::begin(&state.pool, actor.db()).await?;
    store::update_class(&mut tx, &audit, found, version, rate, &grades).await?;
    tx.commit().await?;
    Ok(flash::redirect_with("/industries", Flash::IndustrySaved))
}
