//! Application rounds (申报批次) of prevention projects: per region and year, the key areas,
//! the guide, the open and close dates (inclusive, Asia/Shanghai), the documents an
//! application must carry, and the scoring sheet the experts will use (weights summing to 100).
//! City officers keep their region's rounds; province officers keep 省本级's and read all.

pub mod model;
pub mod store;
pub mod views;

use axum::Router;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use axum::routing::get;
use axum_extra::extract::Form;
use serde::Deserialize;

use self::model::{Round, RoundForm, RoundId, may_keep};
use self::views::{DetailPage, EditPage, ListPage};
use crate::audit::AuditContext;
use crate::auth::Actor;
use crate::cycles;
use crate::db::{self, Scope};
use crate::error::AppError;
use crate::key_industries::{self, model::KeyIndustry};
use crate::org::RegionId;
use crate::reference::{Ref, Reference};
use crate::state::AppState;
use crate::values::time;
use crate::web::flash::{self, Flash};
use crate::web::form::{Choice, FieldErrors};
use crate::web::layout::Chrome;
use crate::web::once::FormToken;
use crate::web::render;
use crate::workflow::{By, Done};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/project-rounds", get(list))
        .route("/project-rounds/new", get(new_round).post(create))
        .route("/project-rounds/{id}", get(detail))
        .route("/project-rounds/{id}/edit", get(edit).post(save))
}

#[derive(Debug, Default, Deserialize)]
pub struct ListQuery {
    #[serde(default)]
    pub region: Option<String>,
    #[serde(default)]
    pub year: Option<String>,
}

async fn list(
    State(state): State<AppState>,
    actor: Actor,
    Ref(reference): Ref,
    chrome: Chrome,
    Query(q): Query<ListQuery>,
) -> Result<Response, AppError> {
    let province = actor.db().scope == Scope::Province;
    let region = match province {
        true => q.region.as_deref().and_then(|c| reference.region_by_code(c.trim())).cloned(),
        false => actor.region.clone(),
    };
    let year = q.year.as_deref().and_then(|y| y.trim().parse::<i16>().ok());
    let mut tx = db::begin(&state.pool, actor.db()).await?;
    let lines = store::list(&mut tx, region.as_ref().map(|r| r.id), year).await?;
    tx.commit().await?;
    let regions =
        province.then(|| reference.regions.iter().map(|r| Choice::new(r.code.clone(), r.name.clone())).collect());
    let selected = (
        if province { region.map(|r| r.code).unwrap_or_default() } else { String::new() },
        year.map(|y| y.to_string()).unwrap_or_default(),
    );
    let may_create = actor.region.as_ref().is_some_and(|r| may_keep(&actor, r));
    render(ListPage::new(&chrome, &lines, regions, selected, may_create))
}

/// The key industries a round of `region` in `year` may serve (of the cycle holding the year).
pub async fn industries_for(
    tx: &mut sqlx::PgConnection,
    reference: &Reference,
    region: RegionId,
    year: i32,
) -> Result<Vec<KeyIndustry>, AppError> {
    let cycle = reference
        .cycles
        .iter()
        .find(|c| c.contains_year(year))
        .or_else(|| cycles::model::current(&reference.cycles, time::today()));
    match cycle {
        Some(c) => Ok(key_industries::store::of_region(tx, region, c.id).await?),
        None => Ok(Vec::new()),
    }
}

fn this_year() -> i32 {
    chrono::Datelike::year(&time::today())
}

async fn new_round(
    State(state): State<AppState>,
    actor: Actor,
    Ref(reference): Ref,
    chrome: Chrome,
) -> Result<Response, AppError> {
    let region = actor.region.clone().filter(|r| may_keep(&actor, r)).ok_or(AppError::Forbidden)?;
    let mut tx = db::begin(&state.pool, actor.db()).await?;
    let industries = industries_for(&mut tx, &reference, region.id, this_year()).await?;
    tx.commit().await?;
    let form = RoundForm::new_for(this_year());
    render(EditPage::new(&chrome, None, &industries, form, FieldErrors::default()))
}

fn references(industries: &[KeyIndustry]) -> Vec<String> {
    industries.iter().map(|k| k.reference.clone()).collect()
}

async fn create(
    State(state): State<AppState>,
    actor: Actor,
    Ref(reference): Ref,
    chrome: Chrome,
    audit: AuditContext,
    Form(form): Form<RoundForm>,
) -> Result<Response, AppError> {
    let region = actor.region.clone().filter(|r| may_keep(&actor, r)).ok_or(AppError::Forbidden)?;
    let token = FormToken::parse(&form.form_token)?;
    let year = form.year.trim().parse::<i32>().unwrap_or_else(|_| this_year());
    let mut tx = db::begin(&state.pool, actor.db()).await?;
    let industries = industries_for(&mut tx, &reference, region.id, year).await?;
    let (input, _) = match form.parse(&references(&industries)) {
        Ok(parsed) => parsed,
        Err(errors) => {
            tx.rollback().await?;
            return render(EditPage::new(&chrome, None, &industries, form, errors));
        }
    };
    let by = By { account: actor.account_id, name: &actor.display_name };
    let done = store::create(&mut tx, &audit, &by, &token, &region, &input).await?;
    tx.commit().await?;
    Ok(match done {
        Done::Now(url) => flash::redirect_with(&url, Flash::RoundCreated),
        Done::Before(url) => flash::redirect(&url),
    })
}

/// The round with the key industries its region may choose, in the actor's scope.
async fn load(
    state: &AppState,
    actor: &Actor,
    reference: &Reference,
    id: RoundId,
) -> Result<(Round, Vec<KeyIndustry>), AppError> {
    let mut tx = db::begin(&state.pool, actor.db()).await?;
    let round = store::find(&mut tx, id).await?.ok_or(AppError::NotFound)?;
    let industries = industries_for(&mut tx, reference, round.region.id, i32::from(round.year)).await?;
    tx.commit().await?;
    Ok((round, industries))
}

async fn detail(
    State(state): State<AppState>,
    actor: Actor,
    Ref(reference): Ref,
    chrome: Chrome,
    Path(id): Path<RoundId>,
) -> Result<Response, AppError> {
    let (round, industries) = load(&state, &actor, &reference, id).await?;
    let may_edit = may_keep(&actor, &round.region);
    render(DetailPage::new(&chrome, round, &industries, may_edit))
}

async fn edit(
    State(state): State<AppState>,
    actor: Actor,
    Ref(reference): Ref,
    chrome: Chrome,
    Path(id): Path<RoundId>,
) -> Result<Response, AppError> {
    let (round, industries) = load(&state, &actor, &reference, id).await?;
    if !may_keep(&actor, &round.region) {
        return Err(AppError::Forbidden);
    }
    let form = RoundForm::of(&round);
    render(EditPage::new(&chrome, Some(&round), &industries, form, FieldErrors::default()))
}

async fn save(
    State(state): State<AppState>,
    actor: Actor,
    Ref(reference): Ref,
    chrome: Chrome,
    audit: AuditContext,
    Path(id): Path<RoundId>,
    Form(form): Form<RoundForm>,
) -> Result<Response, AppError> {
    let (round, industries) = load(&state, &actor, &reference, id).await?;
    if !may_keep(&actor, &round.region) {
        return Err(AppError::Forbidden);
    }
    let (input, version) = match form.parse(&references(&industries)) {
        Ok(parsed) => parsed,
        Err(errors) => return render(EditPage::new(&chrome, Some(&round), &industries, form, errors)),
    };
    let mut tx = db::begin(&state.pool, actor.db()).await?;
    if model::criteria_changed(&round, &input) && store::scoring_started(&mut tx, &round).await? {
        tx.rollback().await?;
        let mut errors = FieldErrors::default();
        errors.add("criteria", model::CRITERIA_LOCKED);
        return render(EditPage::new(&chrome, Some(&round), &industries, form, errors));
    }
    store::update(&mut tx, &audit, &round, version, &input).await?;
    tx.commit().await?;
    Ok(flash::redirect_with(&format!("/project-rounds/{id}"), Flash::RoundSaved))
}
