//! Employers (用人单位), the registry training coverage, inspections and floating rates hang on:
//! per region, by credit code (unique within the region), with the division (a searchable
//! picker over every GB/T 4754-2017 division) from which the key industry and the risk class
//! follow (the class may be overridden with a reason, audited), size, insured headcount,
//! address and contact (the phone masked in lists). City and agency officers keep their
//! region's; partner officers read them; province officers read every region's.

pub mod import;
pub mod model;
pub mod sample;
pub mod store;
pub mod views;

use axum::Router;
use axum::extract::{Multipart, Path, Query, State};
use axum::response::Response;
use axum::routing::{get, post};
use axum_extra::extract::Form;
use serde::Deserialize;

use self::model::{Employer, EmployerForm, EmployerId, EmployerSize, may_keep, may_unmask};
use self::store::{EmployerFilter, EmployerLine};
use self::views::{DetailPage, EditPage, ListPage, Selected};
use crate::audit::export::{self, ExportJob};
use crate::audit::{self, Action, AuditContext, Event};
use crate::auth::Actor;
use crate::auth::session::CurrentSession;
use crate::cycles;
use crate::db::{self, Scope};
use crate::error::{AppError, WriteError};
use crate::import::views::{JobPage, UploadPage};
use crate::industries::model::class_label;
use crate::jobs;
use crate::key_industries::{self, model::KeyIndustry};
use crate::org::{Region, RegionId};
use crate::reference::{Ref, Reference};
use crate::state::AppState;
use crate::values::time;
use crate::web::export::{Cell, Column, Kind};
use crate::web::flash::{self, Flash};
use crate::web::form::FieldErrors;
use crate::web::layout::Chrome;
use crate::web::once;
use crate::web::pagination::{Page, Pager, lenient_u32};
use crate::web::render;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/employers", get(list))
        .route("/employers/export", get(export_list))
        .route("/employers/new", get(new_employer).post(create))
        .route("/employers/import", crate::attachments::upload::route(upload_import).get(import_page))
        .route("/employers/import/template", get(import_template))
        .route("/employers/import/{job}", get(import_job))
        .route("/employers/import/{job}/errors", get(import_errors))
        .route("/employers/{id}", get(detail))
        .route("/employers/{id}/edit", get(edit).post(save))
        .route("/employers/{id}/unmask", post(unmask))
}

/// The most a list counts; beyond it the page says "more than".
const COUNT_CAP: i64 = 1_000;
const PAGE_SIZE: u32 = 20;

#[derive(Debug, Default, Deserialize)]
pub struct ListQuery {
    #[serde(default)]
    pub region: Option<String>,
    #[serde(default)]
    pub key_industry: Option<String>,
    #[serde(default)]
    pub division: Option<String>,
    #[serde(default)]
    pub risk_class: Option<String>,
    #[serde(default)]
    pub size: Option<String>,
    #[serde(default)]
    pub q: Option<String>,
    #[serde(default, deserialize_with = "lenient_u32")]
    pub page: Option<u32>,
}

/// The region whose key industries name the list's: the one filtered by, else the actor's own.
fn industry_region(actor: &Actor, filtered: Option<&Region>) -> Option<RegionId> {
    filtered.or(actor.region.as_ref()).map(|r| r.id)
}

async fn key_industries_of(
    tx: &mut sqlx::PgConnection,
    reference: &Reference,
    region: Option<RegionId>,
) -> Result<Vec<KeyIndustry>, AppError> {
    let Some(region) = region else { return Ok(Vec::new()) };
    let Some(cycle) = cycles::model::pick(&reference.cycles, None, time::today()) else { return Ok(Vec::new()) };
    Ok(key_industries::store::of_region(tx, region, cycle.id).await?)
}

/// The filter the query asks for (values that do not parse are dropped), the form's values,
/// and the query string that keeps them.
struct Asked {
    filter: EmployerFilter,
    selected: Selected,
    query: String,
    described: Vec<(&'static str, String)>,
    q_hint: Option<String>,
}

fn asked(actor: &Actor, reference: &Reference, q: &ListQuery, industries: &[KeyIndustry]) -> Asked {
    let trimmed = |v: &Option<String>| v.as_deref().map(str::trim).filter(|s| !s.is_empty()).map(str::to_string);
    let region = match actor.db().scope {
        Scope::Province => trimmed(&q.region).and_then(|c| reference.region_by_code(&c).cloned()),
        _ => actor.region.clone(),
    };
    let industry = trimmed(&q.key_industry).and_then(|r| industries.iter().find(|k| k.reference == r).cloned());
    let division = trimmed(&q.division).map(|d| d.to_uppercase()).filter(|d| reference.division(d).is_some());
    let class = trimmed(&q.risk_class).and_then(|c| c.parse::<i16>().ok()).filter(|c| (1..=8).contains(c));
    let size = trimmed(&q.size).and_then(|s| EmployerSize::parse(&s));
    // One character matches too much to be worth a search: at least two.
    let text = trimmed(&q.q).map(|t| t.to_lowercase()).filter(|t| (2..=50).contains(&t.chars().count()));
    let mut query = form_urlencoded::Serializer::new(String::new());
    if let (Scope::Province, Some(r)) = (actor.db().scope, &region) {
        query.append_pair("region", &r.code);
    }
    if let Some(k) = &industry {
        query.append_pair("key_industry", &k.reference);
    }
    if let Some(d) = &division {
        query.append_pair("division", d);
    }
    if let Some(c) = class {
        query.append_pair("risk_class", &c.to_string());
    }
    if let Some(s) = size {
        query.append_pair("size", s.as_str());
    }
    if let Some(t) = &text {
        query.append_pair("q", t);
    }
    let q_hint = trimmed(&q.q)
        .filter(|t| t.chars().count() < 2)
        .map(|_| "请输入至少 2 个字（名称）或 2 位（信用代码）再检索。".to_string());
    Asked {
        described: vec![
            ("地区", region.as_ref().map_or("全部".to_string(), |r| r.name.clone())),
            ("重点行业", industry.as_ref().map_or("全部".to_string(), |k| k.name.clone())),
            ("行业大类", division.clone().unwrap_or_else(|| "全部".to_string())),
            ("风险类别", class.map_or("全部".to_string(), class_label)),
            ("规模", size.map_or("全部".to_string(), |s| s.label().to_string())),
            ("检索", text.clone().unwrap_or_default()),
        ],
        selected: Selected {
            region: region.as_ref().map(|r| r.code.clone()).unwrap_or_default(),
            key_industry: industry.as_ref().map(|k| k.reference.clone()).unwrap_or_default(),
            division: division.clone().unwrap_or_default(),
            risk_class: class.map(|c| c.to_string()).unwrap_or_default(),
            size: size.map(|s| s.as_str().to_string()).unwrap_or_default(),
            q: text.clone().unwrap_or_default(),
        },
        filter: EmployerFilter {
            region: region.as_ref().map(|r| r.id),
            divisions: industry.map(|k| k.divisions),
            division,
            risk_class: class,
            size,
            text,
        },
        query: query.finish(),
        q_hint,
    }
}

/// 用人单位: the region's employers (the province: every region's), filtered, 20 a page.
async fn list(
    State(state): State<AppState>,
    actor: Actor,
    Ref(reference): Ref,
    chrome: Chrome,
    Query(q): Query<ListQuery>,
) -> Result<Response, AppError> {
    let page = Page::new(q.page, PAGE_SIZE);
    let mut tx = db::begin(&state.pool, actor.db()).await?;
    let filtered = match actor.db().scope {
        Scope::Province => q.region.as_deref().and_then(|c| reference.region_by_code(c.trim())).cloned(),
        _ => actor.region.clone(),
    };
    let industries = key_industries_of(&mut tx, &reference, industry_region(&actor, filtered.as_ref())).await?;
    let a = asked(&actor, &reference, &q, &industries);
    let lines = store::list(&mut tx, &a.filter, None, page.offset(), page.limit()).await?;
    let total = store::count_capped(&mut tx, &a.filter, COUNT_CAP + 1).await?;
    tx.commit().await?;
    let capped = total > COUNT_CAP;
    let pager = Pager::new(page, total.min(COUNT_CAP), a.query.clone());
    render(ListPage::new(&chrome, &actor, &reference, &industries, &lines, pager, capped, a.selected, a.q_hint))
}

const COLUMNS: &[Column] = &[
    Column::new("地区", Kind::Text, 10.0),
    Column::new("统一社会信用代码", Kind::Text, 22.0),
    Column::new("单位名称", Kind::Text, 36.0),
    Column::new("行业大类", Kind::Text, 30.0),
    Column::new("重点行业", Kind::Text, 14.0),
    Column::new("风险类别", Kind::Text, 10.0),
    Column::new("规模", Kind::Text, 8.0),
    Column::new("参保人数", Kind::Integer, 10.0),
    Column::new("联系人", Kind::Text, 10.0),
    Column::new("联系电话", Kind::Phone, 16.0),
];

/// The filtered list as Excel, read in keyset pages (phones masked).
async fn export_list(
    State(state): State<AppState>,
    actor: Actor,
    Ref(reference): Ref,
    audit: AuditContext,
    Query(q): Query<ListQuery>,
) -> Result<Response, AppError> {
    let mut tx = db::begin(&state.pool, actor.db()).await?;
    let filtered = match actor.db().scope {
        Scope::Province => q.region.as_deref().and_then(|c| reference.region_by_code(c.trim())).cloned(),
        _ => actor.region.clone(),
    };
    let industries = key_industries_of(&mut tx, &reference, industry_region(&actor, filtered.as_ref())).await?;
    tx.commit().await?;
    let a = asked(&actor, &reference, &q, &industries);
    let job = ExportJob {
        title: "用人单位",
        filters: a.described.clone(),
        columns: COLUMNS,
        action: Action::ExportEmployers,
        described: a.query.clone(),
        unmasked: false,
    };
    let (pool, db_actor, filter) = (state.pool.clone(), actor.db(), a.filter.clone());
    export::export_pages(
        &state.pool,
        &audit,
        job,
        |after: Option<(i64, i64)>| {
            let (pool, filter) = (pool.clone(), filter.clone());
            async move {
                let mut tx = db::begin(&pool, db_actor).await?;
                let rows = store::list(&mut tx, &filter, after, 0, export::BATCH).await?;
                tx.commit().await?;
                Ok(rows)
            }
        },
        |l: &EmployerLine| (l.region_id, l.id.0),
        |l| {
            vec![
                l.region_name.into(),
                l.credit_code.into(),
                l.name.into(),
                reference.division(&l.division_code).map_or(l.division_code.clone(), |d| d.label()).into(),
                model::key_industry(&industries, &l.division_code).map(|k| k.name.clone()).unwrap_or_default().into(),
                class_label(l.risk_class).into(),
                l.size.label().into(),
                Cell::Integer(i64::from(l.insured_headcount)),
                l.contact_person.into(),
                Cell::Text(l.contact_phone),
            ]
        },
    )
    .await
}

/// The actor's region, which they must keep, for a new employer.
fn kept_region(actor: &Actor) -> Result<Region, AppError> {
    let region = actor.region.clone().ok_or(AppError::Forbidden)?;
    if !may_keep(actor, &region) {
        return Err(AppError::Forbidden);
    }
    Ok(region)
}

async fn new_employer(actor: Actor, Ref(reference): Ref, chrome: Chrome) -> Result<Response, AppError> {
    kept_region(&actor)?;
    let form = EmployerForm { size: EmployerSize::Small.as_str().into(), ..EmployerForm::default() };
    render(EditPage::new(&chrome, &reference, None, form, FieldErrors::default()))
}

async fn create(
    State(state): State<AppState>,
    actor: Actor,
    Ref(reference): Ref,
    chrome: Chrome,
    audit: AuditContext,
    Form(form): Form<EmployerForm>,
) -> Result<Response, AppError> {
    let region = kept_region(&actor)?;
    let token = form.form_token.parse()?;
    let input = match form.parse(&reference.divisions) {
        Ok((input, _)) => input,
        Err(errors) => return render(EditPage::new(&chrome, &reference, None, form, errors)),
    };
    let mut tx = db::begin(&state.pool, actor.db()).await?;
    let done = once::run(&mut tx, actor.account_id, &token, async |tx| {
        let id = store::create(tx, &audit, &region, &input).await?;
        Ok::<_, WriteError>(format!("/employers/{id}"))
    })
    .await;
    let done = match done {
        Ok(done) => done,
        Err(e) if e.is_duplicate("employers_region_credit_code_key") => {
            tx.rollback().await?;
            let mut errors = FieldErrors::default();
            errors.add("credit_code", "本地区已登记该统一社会信用代码的单位");
            return render(EditPage::new(&chrome, &reference, None, form, errors));
        }
        Err(e) => return Err(e.into()),
    };
    tx.commit().await?;
    Ok(flash::after(done, Flash::EmployerCreated))
}

/// The employer and its region's key industries, in the actor's scope (another region's: 404).
async fn load(
    state: &AppState,
    actor: &Actor,
    reference: &Reference,
    id: EmployerId,
) -> Result<(Employer, Vec<KeyIndustry>), AppError> {
    let mut tx = db::begin(&state.pool, actor.db()).await?;
    let employer = store::find(&mut tx, id).await?.ok_or(AppError::NotFound)?;
    let industries = key_industries_of(&mut tx, reference, Some(employer.region.id)).await?;
    tx.commit().await?;
    Ok((employer, industries))
}

async fn detail(
    State(state): State<AppState>,
    actor: Actor,
    Ref(reference): Ref,
    chrome: Chrome,
    Path(id): Path<EmployerId>,
) -> Result<Response, AppError> {
    let (employer, industries) = load(&state, &actor, &reference, id).await?;
    render(DetailPage::new(&chrome, &actor, &reference, &industries, employer, false))
}

/// The page with the contact phone in full: explicit, audited, for the region's officers and
/// the province.
async fn unmask(
    State(state): State<AppState>,
    actor: Actor,
    Ref(reference): Ref,
    chrome: Chrome,
    audit: AuditContext,
    Path(id): Path<EmployerId>,
) -> Result<Response, AppError> {
    let (employer, industries) = load(&state, &actor, &reference, id).await?;
    if !may_unmask(&actor, &employer.region) {
        return Err(AppError::Forbidden);
    }
    audit::record_alone(&state.pool, &audit, Event::new(Action::Unmask).object(model::KIND, id).detail("联系电话"))
        .await?;
    render(DetailPage::new(&chrome, &actor, &reference, &industries, employer, true))
}

async fn edit(
    State(state): State<AppState>,
    actor: Actor,
    Ref(reference): Ref,
    chrome: Chrome,
    Path(id): Path<EmployerId>,
) -> Result<Response, AppError> {
    let (employer, _) = load(&state, &actor, &reference, id).await?;
    if !may_keep(&actor, &employer.region) {
        return Err(AppError::Forbidden);
    }
    let form = EmployerForm::of(&employer);
    render(EditPage::new(&chrome, &reference, Some(&employer), form, FieldErrors::default()))
}

async fn save(
    State(state): State<AppState>,
    actor: Actor,
    Ref(reference): Ref,
    chrome: Chrome,
    audit: AuditContext,
    Path(id): Path<EmployerId>,
    Form(form): Form<EmployerForm>,
) -> Result<Response, AppError> {
    let (employer, _) = load(&state, &actor, &reference, id).await?;
    if !may_keep(&actor, &employer.region) {
        return Err(AppError::Forbidden);
    }
    // The credit code is the registry's key: an edit keeps it.
    let form = EmployerForm { credit_code: employer.credit_code.clone(), ..form };
    let (input, version) = match form.parse(&reference.divisions) {
        Ok(parsed) => parsed,
        Err(errors) => return render(EditPage::new(&chrome, &reference, Some(&employer), form, errors)),
    };
    let mut tx = db::begin(&state.pool, actor.db()).await?;
    store::update(&mut tx, &audit, &employer, version, &input).await?;
    tx.commit().await?;
    Ok(flash::redirect_with(&format!("/employers/{id}"), Flash::EmployerSaved))
}

fn employers_crumb() -> crate::web::layout::Crumb {
    crate::web::layout::Crumb::link("用人单位", "/employers")
}

const IMPORT_BASE: &str = "/employers/import";
const RECENT_JOBS: i64 = 10;

async fn import_upload_page(
    state: &AppState,
    actor: &Actor,
    chrome: &Chrome,
    region: &Region,
    error: Option<String>,
) -> Result<Response, AppError> {
    let mut tx = db::begin(&state.pool, actor.db()).await?;
    let recent = jobs::recent(&mut tx, region.id, import::KIND, RECENT_JOBS).await?;
    tx.commit().await?;
    let max = state.settings.attachment_max_bytes;
    render(UploadPage::new(chrome, &import::SPEC, employers_crumb(), IMPORT_BASE, &recent, error, max))
}

/// 导入用人单位: the template, what each column wants, and the region's recent imports.
async fn import_page(State(state): State<AppState>, actor: Actor, chrome: Chrome) -> Result<Response, AppError> {
    let region = kept_region(&actor)?;
    import_upload_page(&state, &actor, &chrome, &region, None).await
}

async fn import_template(actor: Actor) -> Result<Response, AppError> {
    kept_region(&actor)?;
    let bytes = crate::import::template(&import::SPEC).map_err(|e| AppError::Internal(e.into()))?;
    Ok(crate::web::export::workbook_download(bytes, "用人单位导入模板"))
}

/// Receives the file (multipart: csrf, file) and queues its import; a file of the wrong type,
/// or a second import while one runs, is refused on the page with the reason.
async fn upload_import(
    State(state): State<AppState>,
    actor: Actor,
    chrome: Chrome,
    audit: AuditContext,
    session: CurrentSession,
    form: Multipart,
) -> Result<Response, AppError> {
    let region = kept_region(&actor)?;
    let max = state.settings.attachment_max_bytes;
    let (name, content) = match crate::import::upload::receive(form, session.csrf_token(), max).await {
        Ok(file) => file,
        Err(crate::import::upload::UploadError::Csrf) => return Err(AppError::CsrfRejected),
        Err(e) => return import_upload_page(&state, &actor, &chrome, &region, Some(e.to_string())).await,
    };
    if let Err(e) = crate::import::sniff(&content) {
        return import_upload_page(&state, &actor, &chrome, &region, Some(e.to_string())).await;
    }
    let job = jobs::NewJob {
        region: region.id,
        kind: import::KIND,
        payload: serde_json::json!({ "file_name": name }),
        account: actor.account_id,
        account_name: &actor.display_name,
        file: Some((&name, &content)),
    };
    let mut tx = db::begin(&state.pool, actor.db()).await?;
    let id = match jobs::enqueue(&mut tx, &job).await {
        Ok(id) => id,
        Err(e) if e.is_duplicate("jobs_one_active_idx") => {
            tx.rollback().await?;
            let message = "本地区已有一个用人单位导入正在处理，请等它完成后再提交。".to_string();
            return import_upload_page(&state, &actor, &chrome, &region, Some(message)).await;
        }
        Err(e) => return Err(e.into()),
    };
    let detail = format!("{name}（{}）", crate::attachments::human_size(content.len() as i64));
    audit::record(&mut tx, &audit, Event::new(Action::ImportQueued).object("job", id).detail(detail)).await?;
    tx.commit().await?;
    Ok(flash::redirect(&format!("{IMPORT_BASE}/{id}")))
}

/// An import job of the region (another region's: 404), with its file's name.
async fn import_job_of(state: &AppState, actor: &Actor, id: jobs::JobId) -> Result<jobs::Job, AppError> {
    kept_region(actor)?;
    let mut tx = db::begin(&state.pool, actor.db()).await?;
    let job = jobs::find(&mut tx, id).await?.filter(|j| j.kind == import::KIND).ok_or(AppError::NotFound)?;
    tx.commit().await?;
    Ok(job)
}

fn file_name_of(job: &jobs::Job) -> String {
    job.payload.get("file_name").and_then(|v| v.as_str()).unwrap_or("导入文件").to_string()
}

/// A job's progress, then its outcome; any instance answers, and a reload finds it again.
async fn import_job(
    State(state): State<AppState>,
    actor: Actor,
    chrome: Chrome,
    Path(id): Path<jobs::JobId>,
) -> Result<Response, AppError> {
    let job = import_job_of(&state, &actor, id).await?;
    let name = file_name_of(&job);
    render(JobPage::new(&chrome, &import::SPEC, employers_crumb(), IMPORT_BASE, job, name))
}

/// The file as uploaded, every row kept, with an error column added.
async fn import_errors(
    State(state): State<AppState>,
    actor: Actor,
    Path(id): Path<jobs::JobId>,
) -> Result<Response, AppError> {
    let job = import_job_of(&state, &actor, id).await?;
    let Some(crate::import::Outcome::Rejected { errors, .. }) =
        job.result.clone().and_then(|r| serde_json::from_value::<crate::import::Outcome>(r).ok())
    else {
        return Err(AppError::NotFound);
    };
    let mut tx = db::begin(&state.pool, actor.db()).await?;
    let (name, content) = jobs::file(&mut tx, &job).await?.ok_or(AppError::NotFound)?;
    tx.commit().await?;
    let bytes = tokio::task::spawn_blocking(move || -> Result<Vec<u8>, AppError> {
        let table = crate::import::read_table(&content).map_err(|e| AppError::Refused(e.to_string().into()))?;
        let (header, rows) =
            crate::import::rows(&import::SPEC, table).map_err(|e| AppError::Refused(e.to_string().into()))?;
        crate::import::with_errors(&header, &rows, &errors).map_err(|e| AppError::Internal(e.into()))
    })
    .await
    .map_err(|e| AppError::Internal(e.into()))??;
    let stem = name.rsplit_once('.').map_or(name.as_str(), |(s, _)| s);
    Ok(crate::web::export::workbook_download(bytes, &format!("{stem}（错误标注）")))
}
