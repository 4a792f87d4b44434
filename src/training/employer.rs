//! An employer's training (重点岗位培训情况): its required people per category of a cycle (kept
//! by the region's officers), its coverage by category with the trained capped at the
//! required, and its trainees (masked).

use askama::Template;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use axum::routing::{get, post};
use axum_extra::extract::Form;
use serde::Deserialize;

use super::model::{Coverage, RequiredForm, capped_sum, categories, may_keep};
use super::store::{self, Tally};
use super::views::{TraineeRow, cycle_choices};
use crate::audit::AuditContext;
use crate::auth::Actor;
use crate::cycles::model::Cycle;
use crate::db;
use crate::employers::model::{Employer, EmployerId, key_industry};
use crate::error::AppError;
use crate::reference::{Ref, Reference};
use crate::state::AppState;
use crate::web::flash::{self, Flash};
use crate::web::form::{Choice, FieldErrors};
use crate::web::layout::{Chrome, Crumb, Layout};
use crate::web::pagination::{Page, Pager, lenient_u32};
use crate::web::render;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/employers/{id}/training", get(show))
        .route("/employers/{id}/training/required", post(save_required))
}

const PAGE_SIZE: u32 = 50;

#[derive(Debug, Default, Deserialize)]
pub struct EmployerQuery {
    #[serde(default)]
    pub cycle: Option<String>,
    #[serde(default, deserialize_with = "lenient_u32")]
    pub page: Option<u32>,
}

/// One category of the employer: required, trained, counted (capped) and the rate.
pub struct CategoryRow {
    pub category: String,
    pub required: i32,
    pub trained: i32,
    pub capped: i64,
    pub rate: String,
    pub below: bool,
}

#[derive(Template)]
#[template(path = "training/employer.html")]
pub struct EmployerPage {
    pub layout: Layout,
    pub employer: Employer,
    pub key_industry: Option<String>,
    pub cycles: Vec<Choice>,
    pub cycle: String,
    pub target: String,
    pub rows: Vec<CategoryRow>,
    pub total: CategoryRow,
    pub trainees: Vec<TraineeRow>,
    pub pager: Pager,
    pub may_keep: bool,
    /// The form's counts as entered (after a refusal) or stored, by category.
    pub entered: Vec<(String, String)>,
    pub errors: FieldErrors,
}

fn row(category: String, c: Coverage, target: rust_decimal::Decimal) -> CategoryRow {
    CategoryRow {
        category,
        required: i32::try_from(c.required).unwrap_or(i32::MAX),
        trained: i32::try_from(c.trained).unwrap_or(i32::MAX),
        capped: c.capped,
        rate: c.shown(),
        below: c.required > 0 && !c.meets(target),
    }
}

/// The employer's categories in the cycle's order, each with its tally (zero without one).
fn category_rows(cycle: &Cycle, employer: &Employer, tallies: &[Tally]) -> Vec<(String, Coverage)> {
    categories(cycle, employer.platform)
        .into_iter()
        .map(|c| {
            let t = tallies.iter().find(|t| t.category == c);
            let (required, trained) = t.map_or((0, 0), |t| (i64::from(t.required), i64::from(t.trained)));
            (c.to_string(), Coverage::of(required, trained))
        })
        .collect()
}

async fn page(
    state: &AppState,
    actor: &Actor,
    reference: &Reference,
    chrome: &Chrome,
    (id, q): (EmployerId, &EmployerQuery),
    entered: Option<(Vec<(String, String)>, FieldErrors)>,
) -> Result<Response, AppError> {
    let cycle = super::cycle_of(reference, q.cycle.as_deref())?;
    let page = Page::new(q.page, PAGE_SIZE);
    let mut tx = db::begin(&state.pool, actor.db()).await?;
    let employer = crate::employers::store::find(&mut tx, id).await?.ok_or(AppError::NotFound)?;
    let tallies = store::tallies_of(&mut tx, employer.region.id, id, cycle.id).await?;
    let trainees =
        store::trainees_of_employer(&mut tx, employer.region.id, id, cycle.id, page.limit(), page.offset()).await?;
    let industries = crate::key_industries::store::of_region(&mut tx, employer.region.id, cycle.id).await?;
    tx.commit().await?;
    let target = cycle.coverage_target_percent;
    let categories = category_rows(cycle, &employer, &tallies);
    let total = capped_sum(categories.iter().map(|(_, c)| (c.required, c.trained)));
    let (entered, errors) = entered.unwrap_or_else(|| {
        let stored = categories.iter().map(|(c, v)| (c.clone(), v.required.to_string())).collect();
        (stored, FieldErrors::default())
    });
    let title = format!("{} 重点岗位培训", employer.name);
    let crumbs = vec![
        Crumb::link("用人单位", "/employers"),
        Crumb::link(employer.name.clone(), format!("/employers/{id}")),
        Crumb::here("重点岗位培训"),
    ];
    render(EmployerPage {
        layout: chrome.layout(title, crumbs),
        key_industry: key_industry(&industries, &employer.division_code).map(|k| k.name.clone()),
        cycles: cycle_choices(&reference.cycles),
        cycle: cycle.first_year.to_string(),
        target: format!("{}%", target.normalize()),
        rows: categories.into_iter().map(|(c, v)| row(c, v, target)).collect(),
        total: row("合计".into(), total, target),
        trainees: trainees.iter().map(TraineeRow::of).collect(),
        pager: Pager::new(page, trainees.first().map_or(0, |t| t.total), format!("cycle={}", cycle.first_year)),
        may_keep: may_keep(actor, &employer.region),
        entered,
        errors,
        employer,
    })
}

/// 重点岗位培训情况 of an employer.
async fn show(
    State(state): State<AppState>,
    actor: Actor,
    Ref(reference): Ref,
    chrome: Chrome,
    Path(id): Path<EmployerId>,
    Query(q): Query<EmployerQuery>,
) -> Result<Response, AppError> {
    page(&state, &actor, &reference, &chrome, (id, &q), None).await
}

/// 保存应培训人数: every category of the employer at once.
async fn save_required(
    State(state): State<AppState>,
    actor: Actor,
    Ref(reference): Ref,
    chrome: Chrome,
    audit: AuditContext,
    Path(id): Path<EmployerId>,
    Form(form): Form<RequiredForm>,
) -> Result<Response, AppError> {
    let q = EmployerQuery { cycle: Some(form.cycle.clone()), page: None };
    let cycle = super::cycle_of(&reference, Some(&form.cycle))?;
    let mut tx = db::begin(&state.pool, actor.db()).await?;
    let employer = crate::employers::store::find(&mut tx, id).await?.ok_or(AppError::NotFound)?;
    if !may_keep(&actor, &employer.region) {
        return Err(AppError::Forbidden);
    }
    let counts = match form.parse(&categories(cycle, employer.platform)) {
        Ok(counts) => counts,
        Err(errors) => {
            tx.rollback().await?;
            let entered = form.category.iter().cloned().zip(form.required.iter().cloned()).collect();
            return page(&state, &actor, &reference, &chrome, (id, &q), Some((entered, errors))).await;
        }
    };
    store::set_required(&mut tx, &audit, employer.region.id, (id, &employer.name), cycle.id, &counts).await?;
    tx.commit().await?;
    Ok(flash::redirect_with(
        &format!("/employers/{id}/training?cycle={}", cycle.first_year),
        Flash::TrainingRequiredSaved,
    ))
}
