//! The working-day calendar (DOMAIN.md "Working days"): the State Council's public holidays and
//! swapped working days, which province officers enter year by year and every officer reads.
//! Publicity periods and other working-day deadlines count by it (`web::deadline::Calendar`);
//! a year not entered counts weekends only, and its page says so.

pub mod model;
pub mod store;
pub mod views;

use axum::Router;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use axum::routing::get;
use axum_extra::extract::Form;
use chrono::Datelike;
use serde::Deserialize;

use self::model::CalendarForm;
use self::views::{CalendarEditPage, CalendarPage};
use crate::audit::AuditContext;
use crate::error::AppError;
use crate::state::AppState;
use crate::values::time;
use crate::web::flash::{self, Flash};
use crate::web::form::FieldErrors;
use crate::web::layout::Chrome;
use crate::web::render;

pub fn routes() -> Router<AppState> {
    Router::new().route("/calendar", get(show)).route("/calendar/{year}/edit", get(edit).post(save))
}

/// Years the calendar may hold.
fn check_year(year: i32) -> Result<i32, AppError> {
    if (2000..=2100).contains(&year) { Ok(year) } else { Err(AppError::NotFound) }
}

#[derive(Deserialize)]
struct YearQuery {
    #[serde(default, deserialize_with = "crate::web::pagination::lenient_u32")]
    year: Option<u32>,
}

async fn show(State(state): State<AppState>, chrome: Chrome, Query(q): Query<YearQuery>) -> Result<Response, AppError> {
    let year = q.year.map(|y| y as i32).filter(|y| (2000..=2100).contains(y)).unwrap_or_else(|| time::today().year());
    let entered = store::year(&state.pool, year).await?;
    render(CalendarPage::new(&chrome, entered))
}

async fn edit(State(state): State<AppState>, chrome: Chrome, Path(year): Path<i32>) -> Result<Response, AppError> {
    let entered = store::year(&state.pool, check_year(year)?).await?;
    let form = CalendarForm::from(&entered);
    render(CalendarEditPage::new(&chrome, year, form, FieldErrors::default()))
}

async fn save(
    State(state): State<AppState>,
    chrome: Chrome,
    audit: AuditContext,
    Path(year): Path<i32>,
    Form(form): Form<CalendarForm>,
) -> Result<Response, AppError> {
    let before = store::year(&state.pool, check_year(year)?).await?;
    let (input, version) = match form.parse(year) {
        Ok(parsed) => parsed,
        Err(errors) => return render(CalendarEditPage::new(&chrome, year, form, errors)),
    };
    store::save(&state.pool, &audit, &before, version, &input).await?;
    Ok(flash::redirect_with(&format!("/calendar?year={year}"), Flash::CalendarSaved))
}
