//! Key industries of a region (重点行业): the province's list applies to every region; a city's
//! officers add their own for a cycle (the seed: 各市可结合实际明确本地区重点行业). Every later
//! feature asks `store::of_region` whether an industry is key *for a region*.

pub mod model;
pub mod store;
pub mod views;

use axum::Router;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use axum::routing::get;
use axum_extra::extract::Form;
use serde::Deserialize;

use self::model::{KeyIndustryForm, RegionKeyIndustryId};
use self::views::KeyIndustriesPage;
use crate::audit::AuditContext;
use crate::auth::Actor;
use crate::cycles::{self, Cycle};
use crate::db::Scope;
use crate::error::{AppError, WriteError};
use crate::org::{Region, Role};
use crate::reference::{Ref, Reference};
use crate::state::AppState;
use crate::values::time;
use crate::web::confirm::ConfirmPage;
use crate::web::flash::{self, Flash};
use crate::web::form::FieldErrors;
use crate::web::layout::{Chrome, Crumb};
use crate::web::pagination::lenient_u32;
use crate::web::render;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/key-industries", get(list).post(create))
        .route("/key-industries/{id}/delete", get(confirm_delete).post(delete))
}

#[derive(Debug, Default, Deserialize)]
struct ListQuery {
    #[serde(default, deserialize_with = "lenient_u32")]
    cycle: Option<u32>,
    #[serde(default)]
    region: Option<String>,
}

/// The region whose list is shown: the actor's own; a province officer may look at any.
fn region_shown(reference: &Reference, actor: &Actor, asked: Option<&str>) -> Result<Region, AppError> {
    let own = actor.region.clone().ok_or(AppError::Forbidden)?;
    match (actor.db().scope, asked) {
        (Scope::Province, Some(code)) => Ok(reference.region_by_code(code.trim()).cloned().unwrap_or(own)),
        _ => Ok(own),
    }
}

async fn page(
    state: &AppState,
    actor: &Actor,
    chrome: &Chrome,
    reference: &Reference,
    cycle: &Cycle,
    region: Region,
    form: KeyIndustryForm,
    errors: FieldErrors,
) -> Result<Response, AppError> {
    let cycles = &reference.cycles;
    let list = store::for_region(&state.pool, actor.db(), region.id, cycle.id).await?;
    let regions = reference.regions_visible_to(actor.db().scope, actor.region.as_ref());
    let may_add = actor.role == Role::CityOfficer && actor.region.as_ref().is_some_and(|r| r.id == region.id);
    render(KeyIndustriesPage::new(chrome, cycle, cycles, region, regions, list, may_add, form, errors))
}

async fn list(
    State(state): State<AppState>,
    actor: Actor,
    chrome: Chrome,
    Ref(reference): Ref,
    Query(q): Query<ListQuery>,
) -> Result<Response, AppError> {
    let cycle =
        cycles::model::pick(&reference.cycles, q.cycle.map(|y| y as i32), time::today()).ok_or(AppError::NotFound)?;
    let region = region_shown(&reference, &actor, q.region.as_deref())?;
    let form = KeyIndustryForm { cycle: cycle.first_year.to_string(), ..Default::default() };
    page(&state, &actor, &chrome, &reference, cycle, region, form, FieldErrors::default()).await
}

async fn create(
    State(state): State<AppState>,
    actor: Actor,
    chrome: Chrome,
    Ref(reference): Ref,
    audit: AuditContext,
    Form(form): Form<KeyIndustryForm>,
) -> Result<Response, AppError> {
    let region = actor.region.clone().ok_or(AppError::Forbidden)?;
    let cycle =
        reference.cycles.iter().find(|c| c.first_year.to_string() == form.cycle.trim()).ok_or(AppError::NotFound)?;
    let input = match form.parse() {
        Ok(input) => input,
        Err(errors) => return page(&state, &actor, &chrome, &reference, cycle, region, form, errors).await,
    };
    let created = store::create(&state.pool, actor.db(), &audit, region.id, cycle.id, actor.account_id, &input).await;
    match created {
        Ok(_) => {
            Ok(flash::redirect_with(&format!("/key-industries?cycle={}", cycle.first_year), Flash::KeyIndustryAdded))
        }
        Err(e) if e.is_duplicate("region_key_industries_name_key") => {
            let mut errors = FieldErrors::default();
            errors.add("name", "本周期已有同名的重点行业");
            page(&state, &actor, &chrome, &reference, cycle, region, form, errors).await
        }
        Err(e) => Err(e.into()),
    }
}

/// Only the region's own city officers remove its key industries.
async fn find_own(state: &AppState, actor: &Actor, id: RegionKeyIndustryId) -> Result<String, AppError> {
    let (region, name, _) = store::find(&state.pool, actor.db(), id).await?.ok_or(AppError::NotFound)?;
    if actor.role == Role::CityOfficer && actor.region.as_ref().is_some_and(|r| r.id == region) {
        Ok(name)
    } else {
        Err(AppError::Forbidden)
    }
}

async fn confirm_delete(
    State(state): State<AppState>,
    actor: Actor,
    chrome: Chrome,
    Path(id): Path<RegionKeyIndustryId>,
) -> Result<Response, AppError> {
    let name = find_own(&state, &actor, id).await?;
    render(ConfirmPage::new(
        &chrome,
        vec![Crumb::link("重点行业", "/key-industries")],
        "删除本地区重点行业",
        format!("确定删除本地区重点行业「{name}」吗？已写入实施方案的不能删除。"),
        format!("/key-industries/{id}/delete"),
        "确定删除",
        "/key-industries".to_string(),
    ))
}

async fn delete(
    State(state): State<AppState>,
    actor: Actor,
    audit: AuditContext,
    Path(id): Path<RegionKeyIndustryId>,
) -> Result<Response, AppError> {
    find_own(&state, &actor, id).await?;
    match store::delete(&state.pool, actor.db(), &audit, id).await {
        Ok(()) => Ok(flash::redirect_with("/key-industries", Flash::KeyIndustryDeleted)),
        Err(WriteError::Refused(message)) => Err(AppError::Refused(message)),
        Err(e) => Err(e.into()),
    }
}
