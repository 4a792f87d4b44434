//! Five-year plan cycles (五年行动计划周期): data seeded from the province file, which province
//! officers keep current (documents, departments of the joint mechanism, targets, key positions,
//! deadlines and the cycle's tasks). Every officer reads them.

pub mod model;
pub mod store;
pub mod views;

use axum::Router;
use axum::extract::{Path, State};
use axum::response::Response;
use axum::routing::get;
use axum_extra::extract::Form;

pub use model::{Cycle, CycleId, CycleTaskId};

use self::model::CycleForm;
use self::views::{CycleEditPage, CyclePage, CyclesPage};
use crate::audit::AuditContext;
use crate::error::{AppError, WriteError};
use crate::state::AppState;
use crate::values::time;
use crate::web::flash::{self, Flash};
use crate::web::form::FieldErrors;
use crate::web::layout::Chrome;
use crate::web::render;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/cycles", get(list))
        .route("/cycles/{year}", get(detail))
        .route("/cycles/{year}/edit", get(edit).post(save))
}

/// The cycle whose first year is `year`.
async fn find(state: &AppState, year: i32) -> Result<Cycle, AppError> {
    store::list(&state.pool).await?.into_iter().find(|c| c.first_year == year).ok_or(AppError::NotFound)
}

async fn list(State(state): State<AppState>, chrome: Chrome) -> Result<Response, AppError> {
    let cycles = store::list(&state.pool).await?;
    let current = model::current(&cycles, time::today()).map(|c| c.first_year);
    render(CyclesPage::new(&chrome, cycles, current))
}

async fn detail(State(state): State<AppState>, chrome: Chrome, Path(year): Path<i32>) -> Result<Response, AppError> {
    let cycle = find(&state, year).await?;
    render(CyclePage::new(&chrome, cycle))
}

async fn edit(State(state): State<AppState>, chrome: Chrome, Path(year): Path<i32>) -> Result<Response, AppError> {
    let cycle = find(&state, year).await?;
    let form = CycleForm::from(&cycle);
    render(CycleEditPage::new(&chrome, &cycle, form, FieldErrors::default()))
}

async fn save(
    State(state): State<AppState>,
    chrome: Chrome,
    audit: AuditContext,
    Path(year): Path<i32>,
    Form(form): Form<CycleForm>,
) -> Result<Response, AppError> {
    let cycle = find(&state, year).await?;
    let (input, version) = match form.parse() {
        Ok(parsed) => parsed,
        Err(errors) => return render(CycleEditPage::new(&chrome, &cycle, form, errors)),
    };
    match store::update(&state.pool, &audit, &cycle, version, &input).await {
        Ok(()) => Ok(flash::redirect_with(&format!("/cycles/{year}"), Flash::CycleSaved)),
        Err(WriteError::Refused(message)) => {
            let mut errors = FieldErrors::default();
            errors.add("tasks", message);
            render(CycleEditPage::new(&chrome, &cycle, form, errors))
        }
        Err(e) => Err(e.into()),
    }
}
