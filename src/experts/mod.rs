//! The expert pool (专家库) and the expert review (专家评审). Province officers keep every
//! region's experts, city officers their own: name, specialty, organization (with its credit
//! code, for avoidance), title, phone (masked in the list), availability with a period away,
//! and declared conflicts. An expert's account is asked for here and created by the system
//! administrator (三员), who never reads the pool: the request carries what they need. The
//! random draw's rules are `draw`; the panels and the scoring come next.

pub mod draw;
pub mod model;
pub mod store;
pub mod views;

use axum::Router;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use axum::routing::{get, post};
use axum_extra::extract::Form;
use serde::Deserialize;

use self::model::{ExpertForm, ExpertId, may_keep};
use self::store::ExpertFilter;
use self::views::{DetailPage, EditPage, ListPage};
use crate::accounts::requests::{self, RequestKind};
use crate::audit::AuditContext;
use crate::auth::Actor;
use crate::db::{self, Scope};
use crate::error::AppError;
use crate::org::Region;
use crate::reference::{Ref, Reference};
use crate::state::AppState;
use crate::values::time;
use crate::web::flash::{self, Flash};
use crate::web::form::{Choice, FieldErrors};
use crate::web::layout::Chrome;
use crate::web::once;
use crate::web::pagination::{Page, Pager, lenient_u32};
use crate::web::render;

labelled_enum! {
    /// An expert's specialty, by which a panel's mix is drawn.
    pub enum Specialty {
        Prevention => ("prevention", "工伤预防"),
        WorkSafety => ("work_safety", "安全生产"),
        OccupationalHealth => ("occupational_health", "职业卫生"),
        Finance => ("finance", "财务"),
        Other => ("other", "其他"),
    }
}

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/experts", get(list))
        .route("/experts/new", get(new_expert).post(create))
        .route("/experts/{id}", get(detail))
        .route("/experts/{id}/edit", get(edit).post(save))
        .route("/experts/{id}/request-account", post(request_account))
}

const PAGE_SIZE: u32 = 30;

#[derive(Debug, Default, Deserialize)]
pub struct ListQuery {
    #[serde(default)]
    pub region: Option<String>,
    #[serde(default)]
    pub specialty: Option<String>,
    #[serde(default)]
    pub available: Option<String>,
    #[serde(default)]
    pub q: Option<String>,
    #[serde(default, deserialize_with = "lenient_u32")]
    pub page: Option<u32>,
}

fn region_choices(reference: &Reference) -> Vec<Choice> {
    reference.regions.iter().map(|r| Choice::new(r.code.clone(), r.name.clone())).collect()
}

/// 专家库: the region's experts (the province: every region's or one), filtered, 30 a page.
async fn list(
    State(state): State<AppState>,
    actor: Actor,
    Ref(reference): Ref,
    chrome: Chrome,
    Query(q): Query<ListQuery>,
) -> Result<Response, AppError> {
    let given = |v: &Option<String>| v.as_deref().map(str::trim).filter(|s| !s.is_empty()).map(str::to_string);
    let province = actor.db().scope == Scope::Province;
    let region = match province {
        true => given(&q.region).and_then(|c| reference.region_by_code(&c).cloned()),
        false => actor.region.clone(),
    };
    let specialty = given(&q.specialty).and_then(|s| Specialty::parse(&s));
    let available = given(&q.available).is_some();
    let text = given(&q.q).filter(|t| t.chars().count() <= 50).map(|t| t.to_lowercase());
    let filter = ExpertFilter {
        region: region.as_ref().map(|r| r.id),
        specialty,
        available_on: available.then(time::today),
        text: text.clone(),
    };
    let page = Page::new(q.page, PAGE_SIZE);
    let mut tx = db::begin(&state.pool, actor.db()).await?;
    let lines = store::list(&mut tx, &filter, page.offset(), page.limit()).await?;
    let total = store::count(&mut tx, &filter).await?;
    tx.commit().await?;
    let mut query = form_urlencoded::Serializer::new(String::new());
    if let (true, Some(r)) = (province, &region) {
        query.append_pair("region", &r.code);
    }
    if let Some(s) = specialty {
        query.append_pair("specialty", s.as_str());
    }
    if available {
        query.append_pair("available", "today");
    }
    if let Some(t) = &text {
        query.append_pair("q", t);
    }
    let pager = Pager::new(page, total, query.finish());
    let selected = (
        if province { region.map(|r| r.code).unwrap_or_default() } else { String::new() },
        specialty.map(|s| s.as_str().to_string()).unwrap_or_default(),
        available,
        text.unwrap_or_default(),
    );
    render(ListPage::new(&chrome, &lines, pager, province.then(|| region_choices(&reference)), selected))
}

/// The regions a keeper may put a new expert in: any for the province, their own for a city.
fn regions_for(actor: &Actor, reference: &Reference) -> Vec<Choice> {
    match actor.role {
        crate::org::Role::ProvinceOfficer => region_choices(reference),
        _ => Vec::new(),
    }
}

async fn new_expert(actor: Actor, Ref(reference): Ref, chrome: Chrome) -> Result<Response, AppError> {
    let own = actor.region.clone().filter(|r| may_keep(&actor, r)).ok_or(AppError::Forbidden)?;
    let form = ExpertForm::new_for(&own.code);
    render(EditPage::new(&chrome, None, regions_for(&actor, &reference), form, FieldErrors::default()))
}

/// The region a new expert goes into: the one a province officer chose (checked against what
/// they may keep), a city officer's own.
fn target_region(actor: &Actor, reference: &Reference, form: &ExpertForm) -> Result<Region, AppError> {
    let own = actor.region.clone().ok_or(AppError::Forbidden)?;
    let region = match actor.role {
        crate::org::Role::ProvinceOfficer => reference.region_by_code(form.region.trim()).cloned().unwrap_or(own),
        _ => own,
    };
    if !may_keep(actor, &region) {
        return Err(AppError::Forbidden);
    }
    Ok(region)
}

async fn create(
    State(state): State<AppState>,
    actor: Actor,
    Ref(reference): Ref,
    chrome: Chrome,
    audit: AuditContext,
    Form(form): Form<ExpertForm>,
) -> Result<Response, AppError> {
    let region = target_region(&actor, &reference, &form)?;
    let token = form.form_token.parse()?;
    let (input, _) = match form.parse() {
        Ok(parsed) => parsed,
        Err(errors) => return render(EditPage::new(&chrome, None, regions_for(&actor, &reference), form, errors)),
    };
    let mut tx = db::begin(&state.pool, actor.db()).await?;
    let done = once::run(&mut tx, actor.account_id, &token, async |tx| {
        let id = store::create(tx, &audit, region.id, &input).await?;
        Ok::<_, AppError>(format!("/experts/{id}"))
    })
    .await?;
    tx.commit().await?;
    Ok(flash::after(done, Flash::ExpertCreated))
}

/// The expert, if the actor's scope sees them and the actor keeps their region.
async fn keepable(state: &AppState, actor: &Actor, id: ExpertId) -> Result<model::Expert, AppError> {
    let mut tx = db::begin(&state.pool, actor.db()).await?;
    let expert = store::find(&mut tx, id).await?.ok_or(AppError::NotFound)?;
    tx.commit().await?;
    if !may_keep(actor, &expert.region) {
        return Err(AppError::Forbidden);
    }
    Ok(expert)
}

async fn detail(
    State(state): State<AppState>,
    actor: Actor,
    chrome: Chrome,
    Path(id): Path<ExpertId>,
) -> Result<Response, AppError> {
    let expert = keepable(&state, &actor, id).await?;
    render(DetailPage::new(&chrome, expert))
}

async fn edit(
    State(state): State<AppState>,
    actor: Actor,
    chrome: Chrome,
    Path(id): Path<ExpertId>,
) -> Result<Response, AppError> {
    let expert = keepable(&state, &actor, id).await?;
    let form = ExpertForm::of(&expert);
    render(EditPage::new(&chrome, Some(&expert), Vec::new(), form, FieldErrors::default()))
}

async fn save(
    State(state): State<AppState>,
    actor: Actor,
    chrome: Chrome,
    audit: AuditContext,
    Path(id): Path<ExpertId>,
    Form(form): Form<ExpertForm>,
) -> Result<Response, AppError> {
    let expert = keepable(&state, &actor, id).await?;
    let (input, version) = match form.parse() {
        Ok(parsed) => parsed,
        Err(errors) => return render(EditPage::new(&chrome, Some(&expert), Vec::new(), form, errors)),
    };
    let mut tx = db::begin(&state.pool, actor.db()).await?;
    store::update(&mut tx, &audit, &expert, version, &input).await?;
    tx.commit().await?;
    Ok(flash::redirect_with(&format!("/experts/{id}"), Flash::ExpertSaved))
}

/// 申请开通账号: puts the expert on the system administrator's list (once).
async fn request_account(
    State(state): State<AppState>,
    actor: Actor,
    audit: AuditContext,
    Path(id): Path<ExpertId>,
) -> Result<Response, AppError> {
    let expert = keepable(&state, &actor, id).await?;
    let mut tx = db::begin(&state.pool, actor.db()).await?;
    requests::ask(
        &mut tx,
        &audit,
        RequestKind::Expert,
        expert.region.id,
        expert.id.0,
        &expert.name,
        actor.account_id,
        &actor.display_name,
    )
    .await?;
    tx.commit().await?;
    Ok(flash::redirect_with(&format!("/experts/{id}"), Flash::AccountRequested))
}
