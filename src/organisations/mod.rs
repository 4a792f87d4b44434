//! Third-party professional service organisations (第三方专业技术服务机构) and the province's
//! recommended list (推荐清单) of online training platforms and institutions (task 5). Province
//! officers register organisations (credit code checked, kind, contact, regions served,
//! qualifications with their validity) and move them on the list (列入 with a period, 暂停,
//! 恢复, 移出 with reasons), each move a step of the shared workflow history and audited. Other
//! officers read the list and the organisations serving their region; a training session picks
//! its provider from here (`choosable`, `model::provider_refusal`). An organisation's page shows
//! the sessions it delivered and the projects it applied for.

pub mod model;
pub mod store;
pub mod views;

use axum::Router;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use axum::routing::{get, post};
use axum_extra::extract::Form;
use serde::Deserialize;

use self::model::{
    KIND, ListingAction, ListingStatus, OrganisationForm, OrganisationId, OrganisationKind, QualificationForm,
    QualificationId, may_read,
};
use self::store::{ListFilter, OrganisationLine};
use self::views::{DetailPage, EditPage, Feedback, ListPage, Loaded, Row};
use crate::audit::export::{self, ExportJob};
use crate::audit::{Action, AuditContext};
use crate::auth::Actor;
use crate::db::{self, Scope};
use crate::error::{AppError, WriteError};
use crate::org::{Region, RegionLevel, Role};
use crate::reference::{Ref, Reference};
use crate::state::AppState;
use crate::values::time;
use crate::web::confirm::ConfirmPage;
use crate::web::export::{Cell, Column, Kind};
use crate::web::flash::{self, Flash};
use crate::web::form::{Choice, FieldErrors};
use crate::web::layout::{Chrome, Crumb};
use crate::web::once::{self, FormToken};
use crate::web::pagination::{Page, Pager, lenient_u32};
use crate::web::render;
use crate::workflow::history::{self, timeline};
use crate::workflow::step::outcome;
use crate::workflow::{By, Done};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/organisations", get(list))
        .route("/organisations/export", get(export_list))
        .route("/organisations/new", get(new_organisation).post(create))
        .route("/organisations/{id}", get(detail))
        .route("/organisations/{id}/edit", get(edit).post(save))
        .route("/organisations/{id}/listing", post(move_listing))
        .route("/organisations/{id}/qualifications", post(add_qualification))
        .route(
            "/organisations/{id}/qualifications/{qualification}/delete",
            get(confirm_remove_qualification).post(remove_qualification),
        )
}

const PAGE_SIZE: u32 = 30;
/// How many delivered sessions and projects the page lists (newest first).
const DELIVERED_SHOWN: i64 = 50;

/// Province officers keep the list.
fn may_keep(actor: &Actor) -> bool {
    actor.role == Role::ProvinceOfficer
}

fn kept(actor: &Actor) -> Result<(), AppError> {
    if may_keep(actor) { Ok(()) } else { Err(AppError::Forbidden) }
}

#[derive(Debug, Default, Deserialize)]
pub struct ListQuery {
    #[serde(default)]
    pub status: Option<String>,
    #[serde(default)]
    pub kind: Option<String>,
    #[serde(default)]
    pub region: Option<String>,
    #[serde(default)]
    pub q: Option<String>,
    #[serde(default, deserialize_with = "lenient_u32")]
    pub page: Option<u32>,
}

/// The filter asked for, as the actor may see it, and its query string.
fn filter_of(actor: &Actor, reference: &Reference, q: &ListQuery) -> (ListFilter, String) {
    let given = |v: &Option<String>| v.as_deref().map(str::trim).filter(|s| !s.is_empty()).map(str::to_string);
    let province = actor.db().scope == Scope::Province;
    let serving = given(&q.region).and_then(|c| reference.region_by_code(&c).cloned());
    let filter = ListFilter {
        status: given(&q.status).and_then(|s| ListingStatus::parse(&s)),
        kind: given(&q.kind).and_then(|s| OrganisationKind::parse(&s)),
        serving: serving.as_ref().map(|r| r.id),
        text: given(&q.q).filter(|t| t.chars().count() <= 50).map(|t| t.to_lowercase()),
        listed_or_serving: if province { None } else { actor.region.as_ref().map(|r| r.id) },
    };
    let mut query = form_urlencoded::Serializer::new(String::new());
    if let Some(s) = filter.status {
        query.append_pair("status", s.as_str());
    }
    if let Some(k) = filter.kind {
        query.append_pair("kind", k.as_str());
    }
    if let Some(r) = &serving {
        query.append_pair("region", &r.code);
    }
    if let Some(t) = &filter.text {
        query.append_pair("q", t);
    }
    (filter, query.finish())
}

/// 服务机构与推荐清单: listed first, filtered, 30 a page.
async fn list(
    State(state): State<AppState>,
    actor: Actor,
    Ref(reference): Ref,
    chrome: Chrome,
    Query(q): Query<ListQuery>,
) -> Result<Response, AppError> {
    let (filter, query) = filter_of(&actor, &reference, &q);
    let page = Page::new(q.page, PAGE_SIZE);
    let mut tx = db::begin(&state.pool, actor.db()).await?;
    let lines = store::list(&mut tx, &filter, page.limit(), page.offset()).await?;
    tx.commit().await?;
    let today = time::today();
    let cities = reference.regions.len();
    render(ListPage {
        layout: chrome.layout("服务机构与推荐清单", vec![Crumb::here("服务机构与推荐清单")]),
        rows: lines.iter().map(|l| Row::of(l, today, cities)).collect(),
        pager: Pager::new(page, lines.first().map_or(0, |l| l.total), query.clone()),
        statuses: ListPage::statuses(),
        kinds: ListPage::kinds(),
        regions: reference.regions.iter().map(|r| Choice::new(r.code.clone(), r.name.clone())).collect(),
        status: filter.status.map(|s| s.as_str().to_string()).unwrap_or_default(),
        kind: filter.kind.map(|k| k.as_str().to_string()).unwrap_or_default(),
        region: q.region.clone().unwrap_or_default().trim().to_string(),
        q: filter.text.clone().unwrap_or_default(),
        may_keep: may_keep(&actor),
        query,
        own_region: (actor.db().scope != Scope::Province)
            .then(|| actor.region.as_ref().map(|r| r.name.clone()))
            .flatten(),
    })
}

const COLUMNS: &[Column] = &[
    Column::new("机构名称", Kind::Text, 36.0),
    Column::new("统一社会信用代码", Kind::Text, 22.0),
    Column::new("类别", Kind::Text, 14.0),
    Column::new("推荐状态", Kind::Text, 14.0),
    Column::new("推荐期", Kind::Text, 26.0),
    Column::new("暂停或移出日期及理由", Kind::Text, 36.0),
    Column::new("服务地区", Kind::Text, 36.0),
    Column::new("联系人", Kind::Text, 10.0),
    Column::new("联系电话", Kind::Phone, 16.0),
    Column::new("承担培训（期）", Kind::Integer, 12.0),
];

/// The list as filtered, to Excel (phones masked).
async fn export_list(
    State(state): State<AppState>,
    actor: Actor,
    Ref(reference): Ref,
    audit: AuditContext,
    Query(q): Query<ListQuery>,
) -> Result<Response, AppError> {
    let (filter, query) = filter_of(&actor, &reference, &q);
    let job = ExportJob {
        title: "服务机构推荐清单",
        filters: vec![
            ("推荐状态", filter.status.map_or("全部".to_string(), |s| s.label().to_string())),
            ("类别", filter.kind.map_or("全部".to_string(), |k| k.label().to_string())),
        ],
        columns: COLUMNS,
        action: Action::ExportOrganisations,
        described: query,
        unmasked: false,
    };
    let today = time::today();
    let cities = reference.regions.len();
    let pool = state.pool.clone();
    let db_actor = actor.db();
    export::export_pages(
        &state.pool,
        &audit,
        job,
        move |after: Option<i64>| {
            let filter = filter.clone();
            let pool = pool.clone();
            async move {
                let offset = after.unwrap_or(0);
                let mut tx = db::begin(&pool, db_actor).await?;
                let rows = store::list(&mut tx, &filter, export::BATCH, offset).await?;
                tx.commit().await?;
                Ok(rows.into_iter().enumerate().map(|(i, r)| (offset + i as i64 + 1, r)).collect())
            }
        },
        |(n, _): &(i64, OrganisationLine)| *n,
        move |(_, l)| {
            let row = Row::of(&l, today, cities);
            vec![
                l.name.into(),
                l.credit_code.into(),
                row.kind.into(),
                row.status.into(),
                row.period.into(),
                row.reason.into(),
                row.regions.into(),
                l.contact_person.into(),
                l.contact_phone.into(),
                Cell::Integer(l.sessions),
            ]
        },
    )
    .await
}

/// The province region, which keeps the list (the history of its moves is filed under it).
fn province_region(reference: &Reference) -> Result<&Region, AppError> {
    reference
        .regions
        .iter()
        .find(|r| r.level == RegionLevel::Province)
        .ok_or_else(|| AppError::Internal(anyhow::anyhow!("the province region is missing from the reference data")))
}

fn region_of_code(reference: &Reference) -> impl Fn(&str) -> Option<crate::org::RegionId> + '_ {
    |code| reference.region_by_code(code).map(|r| r.id)
}

async fn new_organisation(actor: Actor, Ref(reference): Ref, chrome: Chrome) -> Result<Response, AppError> {
    kept(&actor)?;
    let form = OrganisationForm { kind: "training".into(), ..OrganisationForm::default() };
    render(EditPage::new(&chrome, None, &reference.regions, form, FieldErrors::default()))
}

const DUPLICATE_CODE: &str = "该统一社会信用代码已登记，请在清单中查找该机构";

async fn create(
    State(state): State<AppState>,
    actor: Actor,
    Ref(reference): Ref,
    chrome: Chrome,
    audit: AuditContext,
    Form(form): Form<OrganisationForm>,
) -> Result<Response, AppError> {
    kept(&actor)?;
    let keeper = province_region(&reference)?.id;
    let token = form.form_token.parse()?;
    let (input, _) = match form.parse(region_of_code(&reference)) {
        Ok(parsed) => parsed,
        Err(errors) => return render(EditPage::new(&chrome, None, &reference.regions, form, errors)),
    };
    let mut tx = db::begin(&state.pool, actor.db()).await?;
    let done = once::run(&mut tx, actor.account_id, &token, async |tx| {
        let id = store::create(tx, &audit, keeper, &input).await?;
        Ok::<_, WriteError>(format!("/organisations/{id}"))
    })
    .await;
    let done = match done {
        Ok(done) => done,
        Err(e) if e.is_duplicate("service_organisations_credit_code_key") => {
            let mut errors = FieldErrors::default();
            errors.add("credit_code", DUPLICATE_CODE);
            return render(EditPage::new(&chrome, None, &reference.regions, form, errors));
        }
        Err(e) => return Err(e.into()),
    };
    tx.commit().await?;
    Ok(flash::after(done, Flash::OrganisationSaved))
}

/// The organisation, if the actor may read it (otherwise 404: its existence is not told).
async fn readable(state: &AppState, actor: &Actor, id: OrganisationId) -> Result<model::Organisation, AppError> {
    let mut tx = db::begin(&state.pool, actor.db()).await?;
    let org = store::find(&mut tx, id, false).await?.ok_or(AppError::NotFound)?;
    tx.commit().await?;
    if !may_read(actor, &org) {
        return Err(AppError::NotFound);
    }
    Ok(org)
}

/// Everything the organisation's page shows, in one transaction (a page sends at most eight
/// statements): 404 before anything else when the actor may not read it.
async fn load(state: &AppState, actor: &Actor, id: OrganisationId) -> Result<Loaded, AppError> {
    let mut tx = db::begin(&state.pool, actor.db()).await?;
    let org = store::find(&mut tx, id, false).await?.ok_or(AppError::NotFound)?;
    if !may_read(actor, &org) {
        return Err(AppError::NotFound);
    }
    let qualifications = store::qualifications(&mut tx, org.id).await?;
    // The history is filed under the province region: only the province's scope reads it.
    let entries = if may_keep(actor) { history::of(&mut tx, KIND, org.id.0).await? } else { Vec::new() };
    let (sessions, projects) = store::delivered(&mut tx, org.id, &org.credit_code, DELIVERED_SHOWN).await?;
    tx.commit().await?;
    Ok(Loaded { qualifications, timeline: timeline::<ListingStatus, ListingAction>(&entries), sessions, projects, org })
}

async fn page(
    state: &AppState,
    actor: &Actor,
    reference: &Reference,
    chrome: &Chrome,
    id: OrganisationId,
    feedback: Feedback,
) -> Result<Response, AppError> {
    let loaded = load(state, actor, id).await?;
    render(DetailPage::new(chrome, &reference.regions, may_keep(actor), loaded, feedback))
}

async fn detail(
    State(state): State<AppState>,
    actor: Actor,
    Ref(reference): Ref,
    chrome: Chrome,
    Path(id): Path<OrganisationId>,
) -> Result<Response, AppError> {
    page(&state, &actor, &reference, &chrome, id, Feedback::default()).await
}

async fn edit(
    State(state): State<AppState>,
    actor: Actor,
    Ref(reference): Ref,
    chrome: Chrome,
    Path(id): Path<OrganisationId>,
) -> Result<Response, AppError> {
    kept(&actor)?;
    let org = readable(&state, &actor, id).await?;
    let code_of = |r| reference.regions.iter().find(|g| g.id == r).map(|g| g.code.clone());
    let form = OrganisationForm::of(&org, code_of);
    render(EditPage::new(&chrome, Some(&org), &reference.regions, form, FieldErrors::default()))
}

async fn save(
    State(state): State<AppState>,
    actor: Actor,
    Ref(reference): Ref,
    chrome: Chrome,
    audit: AuditContext,
    Path(id): Path<OrganisationId>,
    Form(form): Form<OrganisationForm>,
) -> Result<Response, AppError> {
    kept(&actor)?;
    let org = readable(&state, &actor, id).await?;
    let (input, version) = match form.parse(region_of_code(&reference)) {
        Ok(parsed) => parsed,
        Err(errors) => return render(EditPage::new(&chrome, Some(&org), &reference.regions, form, errors)),
    };
    let mut tx = db::begin(&state.pool, actor.db()).await?;
    match store::update(&mut tx, &audit, &org, version, &input).await {
        Ok(()) => {}
        Err(e) if e.is_duplicate("service_organisations_credit_code_key") => {
            let mut errors = FieldErrors::default();
            errors.add("credit_code", DUPLICATE_CODE);
            return render(EditPage::new(&chrome, Some(&org), &reference.regions, form, errors));
        }
        Err(e) => return Err(e.into()),
    }
    tx.commit().await?;
    Ok(flash::redirect_with(&format!("/organisations/{id}"), Flash::OrganisationSaved))
}

/// 列入 / 暂停 / 恢复 / 移出: the listing box's post.
#[allow(clippy::too_many_arguments)]
async fn move_listing(
    State(state): State<AppState>,
    actor: Actor,
    Ref(reference): Ref,
    chrome: Chrome,
    audit: AuditContext,
    Path(id): Path<OrganisationId>,
    Form(form): Form<model::ListingForm>,
) -> Result<Response, AppError> {
    kept(&actor)?;
    let token = FormToken::parse(&form.form_token)?;
    let action = ListingAction::parse(form.action.trim()).ok_or(AppError::Refused("请选择要办理的操作。".into()))?;
    if form.comment.trim().chars().count() > 2000 {
        return Err(AppError::Refused("理由不能超过 2000 个字符。".into()));
    }
    let today = time::today();
    let period = match form.period(today) {
        Ok(p) => p,
        Err(message) if action == ListingAction::List => {
            let feedback = Feedback { problems: vec![message.to_string()], ..Feedback::default() };
            return page(&state, &actor, &reference, &chrome, id, feedback).await;
        }
        Err(_) => model::Period { from: today, until: None },
    };
    let by = By { account: actor.account_id, name: &actor.display_name };
    let mut tx = db::begin(&state.pool, actor.db()).await?;
    let result =
        store::transition(&mut tx, &audit, &by, actor.role, &token, id, action, &form.comment, period, today).await;
    match outcome(result)? {
        Ok(Done::Now(url)) => {
            tx.commit().await?;
            Ok(flash::redirect_with(&url, Flash::ListingChanged))
        }
        Ok(Done::Before(url)) => Ok(flash::redirect_with(&url, Flash::ListingChanged)),
        Err(problems) => {
            drop(tx);
            let feedback =
                Feedback { problems: problems.into_iter().map(|p| p.message).collect(), ..Feedback::default() };
            page(&state, &actor, &reference, &chrome, id, feedback).await
        }
    }
}

async fn add_qualification(
    State(state): State<AppState>,
    actor: Actor,
    Ref(reference): Ref,
    chrome: Chrome,
    audit: AuditContext,
    Path(id): Path<OrganisationId>,
    Form(form): Form<QualificationForm>,
) -> Result<Response, AppError> {
    kept(&actor)?;
    let org = readable(&state, &actor, id).await?;
    let input = match form.parse() {
        Ok(input) => input,
        Err(errors) => {
            let feedback = Feedback { qualification: form, errors, ..Feedback::default() };
            return page(&state, &actor, &reference, &chrome, id, feedback).await;
        }
    };
    let mut tx = db::begin(&state.pool, actor.db()).await?;
    store::add_qualification(&mut tx, &audit, &org, &input).await?;
    tx.commit().await?;
    Ok(flash::redirect_with(&format!("/organisations/{id}#qualifications"), Flash::QualificationAdded))
}

async fn qualification_of(
    state: &AppState,
    actor: &Actor,
    id: OrganisationId,
    qualification: QualificationId,
) -> Result<(model::Organisation, model::Qualification), AppError> {
    kept(actor)?;
    let org = readable(state, actor, id).await?;
    let mut tx = db::begin(&state.pool, actor.db()).await?;
    let list = store::qualifications(&mut tx, id).await?;
    tx.commit().await?;
    let q = list.into_iter().find(|q| q.id == qualification).ok_or(AppError::NotFound)?;
    Ok((org, q))
}

async fn confirm_remove_qualification(
    State(state): State<AppState>,
    actor: Actor,
    chrome: Chrome,
    Path((id, qualification)): Path<(OrganisationId, QualificationId)>,
) -> Result<Response, AppError> {
    let (org, q) = qualification_of(&state, &actor, id, qualification).await?;
    let here = format!("/organisations/{id}");
    render(ConfirmPage::new(
        &chrome,
        vec![views::crumb(), Crumb::link(org.name.clone(), here.clone())],
        "删除资质",
        format!("确定删除资质「{}」吗？删除记录保留在审计日志中。", q.name),
        format!("/organisations/{id}/qualifications/{qualification}/delete"),
        "删除",
        format!("{here}#qualifications"),
    ))
}

async fn remove_qualification(
    State(state): State<AppState>,
    actor: Actor,
    audit: AuditContext,
    Path((id, qualification)): Path<(OrganisationId, QualificationId)>,
) -> Result<Response, AppError> {
    let (org, q) = qualification_of(&state, &actor, id, qualification).await?;
    let mut tx = db::begin(&state.pool, actor.db()).await?;
    match store::remove_qualification(&mut tx, &audit, &org, &q).await {
        Ok(()) | Err(WriteError::NotFound) => {}
        Err(e) => return Err(e.into()),
    }
    tx.commit().await?;
    Ok(flash::redirect_with(&format!("/organisations/{id}#qualifications"), Flash::QualificationRemoved))
}
