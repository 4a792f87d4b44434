//! Applicant organizations (申报单位): they have no accounts; a city officer enters them on
//! their behalf, once, and reuses them for the next application. The credit code is checked
//! (GB 32100) and unique within the region; an organization in the employers registry is linked
//! to it; small and micro firms are refused with the reason. An applicant's own page lists its
//! applications and is served by `projects`, which knows their statuses.

pub mod model;
pub mod store;
pub mod views;

use axum::Router;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use axum::routing::get;
use axum_extra::extract::Form;
use serde::Deserialize;

use self::model::{ApplicantForm, ApplicantId};
use self::store::ApplicantFilter;
use self::views::{EditPage, ListPage};
use crate::audit::AuditContext;
use crate::auth::Actor;
use crate::db::{self, Scope};
use crate::error::AppError;
use crate::project_rounds::model::may_keep;
use crate::reference::Ref;
use crate::state::AppState;
use crate::web::flash::{self, Flash};
use crate::web::form::{Choice, FieldErrors};
use crate::web::layout::Chrome;
use crate::web::once::FormToken;
use crate::web::pagination::{Page, Pager, lenient_u32};
use crate::web::render;
use crate::workflow::{By, Done};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/applicants", get(list))
        .route("/applicants/new", get(new_applicant).post(create))
        .route("/applicants/{id}/edit", get(edit).post(save))
}

const COUNT_CAP: i64 = 1_000;
const PAGE_SIZE: u32 = 20;

#[derive(Debug, Default, Deserialize)]
pub struct ListQuery {
    #[serde(default)]
    pub region: Option<String>,
    #[serde(default)]
    pub q: Option<String>,
    #[serde(default, deserialize_with = "lenient_u32")]
    pub page: Option<u32>,
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
    let text = q.q.as_deref().map(str::trim).filter(|t| (1..=50).contains(&t.chars().count())).map(str::to_lowercase);
    let filter = ApplicantFilter { region: region.as_ref().map(|r| r.id), text: text.clone() };
    let page = Page::new(q.page, PAGE_SIZE);
    let mut tx = db::begin(&state.pool, actor.db()).await?;
    let lines = store::list(&mut tx, &filter, page.offset(), page.limit()).await?;
    let total = store::count_capped(&mut tx, &filter, COUNT_CAP + 1).await?;
    tx.commit().await?;
    let mut query = form_urlencoded::Serializer::new(String::new());
    if let (true, Some(r)) = (province, &region) {
        query.append_pair("region", &r.code);
    }
    if let Some(t) = &text {
        query.append_pair("q", t);
    }
    let pager = Pager::new(page, total.min(COUNT_CAP), query.finish());
    let regions =
        province.then(|| reference.regions.iter().map(|r| Choice::new(r.code.clone(), r.name.clone())).collect());
    let selected =
        (if province { region.map(|r| r.code).unwrap_or_default() } else { String::new() }, text.unwrap_or_default());
    let may_create = actor.region.as_ref().is_some_and(|r| may_keep(&actor, r));
    render(ListPage::new(&chrome, &lines, pager, total > COUNT_CAP, regions, selected, may_create))
}

#[derive(Debug, Default, Deserialize)]
struct NewQuery {
    #[serde(default)]
    then: Option<String>,
    #[serde(default)]
    credit_code: Option<String>,
}

/// A round id to go back to, digits only (never a free URL).
fn round_to_return_to(raw: &str) -> String {
    let raw = raw.trim();
    if !raw.is_empty() && raw.len() <= 18 && raw.bytes().all(|b| b.is_ascii_digit()) {
        raw.to_string()
    } else {
        String::new()
    }
}

async fn new_applicant(
    actor: Actor,
    Ref(reference): Ref,
    chrome: Chrome,
    Query(q): Query<NewQuery>,
) -> Result<Response, AppError> {
    actor.region.as_ref().filter(|r| may_keep(&actor, r)).ok_or(AppError::Forbidden)?;
    let form =
        ApplicantForm { credit_code: q.credit_code.unwrap_or_default().trim().to_uppercase(), ..Default::default() };
    let then = round_to_return_to(q.then.as_deref().unwrap_or(""));
    render(EditPage::new(&chrome, &reference, None, form, FieldErrors::default(), then))
}

async fn create(
    State(state): State<AppState>,
    actor: Actor,
    Ref(reference): Ref,
    chrome: Chrome,
    audit: AuditContext,
    Form(form): Form<ApplicantForm>,
) -> Result<Response, AppError> {
    let region = actor.region.clone().filter(|r| may_keep(&actor, r)).ok_or(AppError::Forbidden)?;
    let token = FormToken::parse(&form.form_token)?;
    let then = round_to_return_to(&form.then);
    let mut tx = db::begin(&state.pool, actor.db()).await?;
    let registered = match form.credit_code() {
        Some(code) => store::registered(&mut tx, region.id, code.as_str()).await?,
        None => None,
    };
    let page = |form: ApplicantForm, errors: FieldErrors| {
        render(EditPage::new(&chrome, &reference, None, form, errors, then.clone()))
    };
    let (input, _) = match form.parse(&reference.divisions, registered.map(|(_, size)| size)) {
        Ok(parsed) => parsed,
        Err(errors) => {
            tx.rollback().await?;
            return page(form, errors);
        }
    };
    let by = By { account: actor.account_id, name: &actor.display_name };
    let done = store::create(&mut tx, &audit, &by, &token, &region, &input, registered.map(|(id, _)| id)).await;
    let done = match done {
        Err(e) if e.is_duplicate("applicants_region_credit_code_key") => {
            tx.rollback().await?;
            let mut errors = FieldErrors::default();
            errors.add("credit_code", "本地区已登记该统一社会信用代码的申报单位，请在申报单位列表中查找后直接使用");
            return page(form, errors);
        }
        other => other?,
    };
    tx.commit().await?;
    Ok(match done {
        Done::Now(url) if !then.is_empty() => {
            let id = url.rsplit('/').next().unwrap_or("");
            flash::redirect_with(&format!("/projects/new?round={then}&applicant={id}"), Flash::ApplicantCreated)
        }
        Done::Now(url) => flash::redirect_with(&url, Flash::ApplicantCreated),
        Done::Before(url) => flash::redirect(&url),
    })
}

async fn find_keepable(state: &AppState, actor: &Actor, id: ApplicantId) -> Result<model::Applicant, AppError> {
    let mut tx = db::begin(&state.pool, actor.db()).await?;
    let applicant = store::find(&mut tx, id).await?.ok_or(AppError::NotFound)?;
    tx.commit().await?;
    if !may_keep(actor, &applicant.region) {
        return Err(AppError::Forbidden);
    }
    Ok(applicant)
}

async fn edit(
    State(state): State<AppState>,
    actor: Actor,
    Ref(reference): Ref,
    chrome: Chrome,
    Path(id): Path<ApplicantId>,
) -> Result<Response, AppError> {
    let a = find_keepable(&state, &actor, id).await?;
    let existing = Some((a.id.0, a.name.as_str()));
    render(EditPage::new(&chrome, &reference, existing, ApplicantForm::of(&a), FieldErrors::default(), String::new()))
}

async fn save(
    State(state): State<AppState>,
    actor: Actor,
    Ref(reference): Ref,
    chrome: Chrome,
    audit: AuditContext,
    Path(id): Path<ApplicantId>,
    Form(mut form): Form<ApplicantForm>,
) -> Result<Response, AppError> {
    let a = find_keepable(&state, &actor, id).await?;
    // The credit code is fixed once entered.
    form.credit_code = a.credit_code.clone();
    let mut tx = db::begin(&state.pool, actor.db()).await?;
    let registered = store::registered(&mut tx, a.region.id, &a.credit_code).await?;
    let (input, version) = match form.parse(&reference.divisions, registered.map(|(_, size)| size)) {
        Ok(parsed) => parsed,
        Err(errors) => {
            tx.rollback().await?;
            let existing = Some((a.id.0, a.name.as_str()));
            return render(EditPage::new(&chrome, &reference, existing, form, errors, String::new()));
        }
    };
    store::update(&mut tx, &audit, &a, version, &input, registered.map(|(id, _)| id)).await?;
    tx.commit().await?;
    Ok(flash::redirect_with(&format!("/applicants/{id}"), Flash::ApplicantSaved))
}
