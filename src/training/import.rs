//! Imports of training data through the shared import helper, as background jobs, all rows or
//! none: a session's trainee list (每行一名学员), and the required people per employer and
//! category of the current cycle (每行一个单位的一个类别). Every row is checked first (the same
//! checks as the pages, the employer found in the region, the category the employer's, no
//! person twice on a session's list); only a clean file is written, in one transaction.

use std::collections::{HashMap, HashSet};

use axum::Router;
use axum::extract::{Multipart, Path, State};
use axum::response::Response;
use axum::routing::get;
use sqlx::PgPool;

use super::model::{SessionId, TraineeForm, TraineeInput, all_categories, category_refusal, required_count};
use super::store::{self, NewTrainee};
use crate::audit::{self, Action, AuditContext, Event};
use crate::auth::Actor;
use crate::auth::session::CurrentSession;
use crate::cycles::model::Cycle;
use crate::db::{self, DbActor, Scope};
use crate::employers::model::EmployerId;
use crate::error::AppError;
use crate::import::views::{JobPage, UploadPage};
use crate::import::{self, Column, Outcome, RowError, Spec};
use crate::jobs::{self, Job, JobError};
use crate::org::RegionId;
use crate::reference::{Ref, Reference};
use crate::state::AppState;
use crate::web::flash;
use crate::web::form::FormParser;
use crate::web::layout::{Chrome, Crumb};
use crate::web::render;

/// The job kinds.
pub const TRAINEES: &str = "import.trainees";
pub const REQUIRED: &str = "import.training_required";

pub const TRAINEE_SPEC: Spec = Spec {
    title: "学员名单",
    unit: "人",
    key: "id_number",
    updates: "已在本次培训名单中的学员不能重复导入。",
    columns: &[
        Column { header: "姓名", field: "name", required: true, help: "不超过 50 字", example: "李强" },
        Column {
            header: "身份证号码",
            field: "id_number",
            required: true,
            help: "18 位，按 GB 11643 校验；同一次培训中不重复",
            example: "110101199003074514",
        },
        Column {
            header: "用人单位统一社会信用代码",
            field: "employer",
            required: true,
            help: "本地区已登记的用人单位",
            example: "9144030071526726XG",
        },
        Column {
            header: "人员类别",
            field: "category",
            required: true,
            help: "本周期的重点岗位之一，如 一线班组长；即时配送等新就业形态劳动者仅限平台企业",
            example: "一线班组长",
        },
        Column {
            header: "考试是否通过",
            field: "exam_passed",
            required: false,
            help: "是或否；培训没有考试或尚无结果的留空",
            example: "是",
        },
        Column {
            header: "证书编号", field: "certificate_no", required: false, help: "不超过 50 字", example: ""
        },
    ],
};

pub const REQUIRED_SPEC: Spec = Spec {
    title: "重点岗位应培训人数",
    unit: "条",
    key: "employer",
    updates: "已填报的单位和类别按文件更新应培训人数。",
    columns: &[
        Column {
            header: "用人单位统一社会信用代码",
            field: "employer",
            required: true,
            help: "本地区已登记的用人单位",
            example: "9144030071526726XG",
        },
        Column {
            header: "人员类别",
            field: "category",
            required: true,
            help: "本周期的重点岗位之一；同一单位同一类别只填一行",
            example: "一线班组长",
        },
        Column { header: "应培训人数", field: "required", required: true, help: "0 或正整数", example: "12" },
    ],
};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/training/sessions/{id}/import", crate::attachments::upload::route(upload_trainees).get(trainees_page))
        .route("/training/sessions/{id}/import/template", get(trainees_template))
        .route("/training/sessions/{id}/import/{job}", get(trainees_job))
        .route("/training/sessions/{id}/import/{job}/errors", get(trainees_errors))
        .route("/training/required/import", crate::attachments::upload::route(upload_required).get(required_page))
        .route("/training/required/import/template", get(required_template))
        .route("/training/required/import/{job}", get(required_job))
        .route("/training/required/import/{job}/errors", get(required_errors))
}

const RECENT_JOBS: i64 = 10;

/// What differs between the two imports' pages.
struct Target {
    kind: &'static str,
    spec: &'static Spec,
    base: String,
    back: Crumb,
    /// The session whose list is imported (none: required people).
    session: Option<SessionId>,
}

fn session_of(job: &Job) -> Option<i64> {
    job.payload.get("session").and_then(serde_json::Value::as_i64)
}

async fn trainees_target(
    state: &AppState,
    actor: &Actor,
    reference: &Reference,
    id: SessionId,
) -> Result<Target, AppError> {
    let (session, _) = super::load_kept(state, actor, reference, id).await?;
    Ok(Target {
        kind: TRAINEES,
        spec: &TRAINEE_SPEC,
        base: format!("/training/sessions/{id}/import"),
        back: Crumb::link(session.topic.clone(), format!("/training/sessions/{id}")),
        session: Some(id),
    })
}

fn required_target(actor: &Actor) -> Result<Target, AppError> {
    super::kept_region(actor)?;
    Ok(Target {
        kind: REQUIRED,
        spec: &REQUIRED_SPEC,
        base: "/training/required/import".into(),
        back: Crumb::link("培训覆盖率", "/training/coverage"),
        session: None,
    })
}

async fn upload_page(
    state: &AppState,
    actor: &Actor,
    chrome: &Chrome,
    target: &Target,
    error: Option<String>,
) -> Result<Response, AppError> {
    let region = super::kept_region(actor)?;
    let mut tx = db::begin(&state.pool, actor.db()).await?;
    let mut recent = jobs::recent(&mut tx, region.id, target.kind, RECENT_JOBS).await?;
    tx.commit().await?;
    recent.retain(|j| target.session.is_none_or(|s| session_of(j) == Some(s.0)));
    let max = state.settings.attachment_max_bytes;
    render(UploadPage::new(chrome, target.spec, target.back.clone(), &target.base, &recent, error, max))
}

/// Receives the file and queues its import; a second import of the region while one runs is
/// refused on the page.
async fn upload(
    state: &AppState,
    actor: &Actor,
    (chrome, audit, session): (&Chrome, &AuditContext, &CurrentSession),
    target: &Target,
    payload: serde_json::Value,
    form: Multipart,
) -> Result<Response, AppError> {
    let region = super::kept_region(actor)?;
    let max = state.settings.attachment_max_bytes;
    let (name, content) = match import::upload::receive(form, session.csrf_token(), max).await {
        Ok(file) => file,
        Err(import::upload::UploadError::Csrf) => return Err(AppError::CsrfRejected),
        Err(e) => return upload_page(state, actor, chrome, target, Some(e.to_string())).await,
    };
    if let Err(e) = import::sniff(&content) {
        return upload_page(state, actor, chrome, target, Some(e.to_string())).await;
    }
    let mut payload = payload;
    payload["file_name"] = serde_json::Value::String(name.clone());
    let job = jobs::NewJob {
        region: region.id,
        kind: target.kind,
        payload,
        account: actor.account_id,
        account_name: &actor.display_name,
        file: Some((&name, &content)),
    };
    let mut tx = db::begin(&state.pool, actor.db()).await?;
    let id = match jobs::enqueue(&mut tx, &job).await {
        Ok(id) => id,
        Err(e) if e.is_duplicate("jobs_one_active_idx") => {
            tx.rollback().await?;
            let message = format!("本地区已有一个{}导入正在处理，请等它完成后再提交。", target.spec.title);
            return upload_page(state, actor, chrome, target, Some(message)).await;
        }
        Err(e) => return Err(e.into()),
    };
    let detail = format!("{name}（{}）", crate::attachments::human_size(content.len() as i64));
    audit::record(&mut tx, audit, Event::new(Action::ImportQueued).object("job", id).detail(detail)).await?;
    tx.commit().await?;
    Ok(flash::redirect(&format!("{}/{id}", target.base)))
}

/// An import job of the target (another region's, kind's or session's: 404).
async fn job_of(state: &AppState, actor: &Actor, target: &Target, id: jobs::JobId) -> Result<Job, AppError> {
    let mut tx = db::begin(&state.pool, actor.db()).await?;
    let job = jobs::find(&mut tx, id)
        .await?
        .filter(|j| j.kind == target.kind)
        .filter(|j| target.session.is_none_or(|s| session_of(j) == Some(s.0)))
        .ok_or(AppError::NotFound)?;
    tx.commit().await?;
    Ok(job)
}

fn file_name_of(job: &Job) -> String {
    job.payload.get("file_name").and_then(|v| v.as_str()).unwrap_or("导入文件").to_string()
}

async fn job_page(
    state: &AppState,
    actor: &Actor,
    chrome: &Chrome,
    target: &Target,
    id: jobs::JobId,
) -> Result<Response, AppError> {
    let job = job_of(state, actor, target, id).await?;
    let name = file_name_of(&job);
    render(JobPage::new(chrome, target.spec, target.back.clone(), &target.base, job, name))
}

/// The file as uploaded with an error column added. A trainee list carries ID-card numbers in
/// full, as its uploader wrote them: it goes back to the uploader only.
async fn errors_file(state: &AppState, actor: &Actor, target: &Target, id: jobs::JobId) -> Result<Response, AppError> {
    let job = job_of(state, actor, target, id).await?;
    if target.session.is_some() && job.account_id != actor.account_id {
        return Err(AppError::NotFound);
    }
    let Some(Outcome::Rejected { errors, .. }) =
        job.result.clone().and_then(|r| serde_json::from_value::<Outcome>(r).ok())
    else {
        return Err(AppError::NotFound);
    };
    let mut tx = db::begin(&state.pool, actor.db()).await?;
    let (name, content) = jobs::file(&mut tx, &job).await?.ok_or(AppError::NotFound)?;
    tx.commit().await?;
    let spec = target.spec;
    let bytes = tokio::task::spawn_blocking(move || -> Result<Vec<u8>, AppError> {
        let table = import::read_table(&content).map_err(|e| AppError::Refused(e.to_string().into()))?;
        let (header, rows) = import::rows(spec, table).map_err(|e| AppError::Refused(e.to_string().into()))?;
        import::with_errors(&header, &rows, &errors).map_err(|e| AppError::Internal(e.into()))
    })
    .await
    .map_err(|e| AppError::Internal(e.into()))??;
    let stem = name.rsplit_once('.').map_or(name.as_str(), |(s, _)| s);
    Ok(crate::web::export::workbook_download(bytes, &format!("{stem}（错误标注）")))
}

fn template_of(spec: &Spec, name: &str) -> Result<Response, AppError> {
    let bytes = import::template(spec).map_err(|e| AppError::Internal(e.into()))?;
    Ok(crate::web::export::workbook_download(bytes, name))
}

async fn trainees_page(
    State(state): State<AppState>,
    actor: Actor,
    Ref(reference): Ref,
    chrome: Chrome,
    Path(id): Path<SessionId>,
) -> Result<Response, AppError> {
    let target = trainees_target(&state, &actor, &reference, id).await?;
    upload_page(&state, &actor, &chrome, &target, None).await
}

async fn trainees_template(
    State(state): State<AppState>,
    actor: Actor,
    Ref(reference): Ref,
    Path(id): Path<SessionId>,
) -> Result<Response, AppError> {
    trainees_target(&state, &actor, &reference, id).await?;
    template_of(&TRAINEE_SPEC, "学员名单导入模板")
}

#[allow(clippy::too_many_arguments)]
async fn upload_trainees(
    State(state): State<AppState>,
    actor: Actor,
    Ref(reference): Ref,
    chrome: Chrome,
    audit: AuditContext,
    session: CurrentSession,
    Path(id): Path<SessionId>,
    form: Multipart,
) -> Result<Response, AppError> {
    let target = trainees_target(&state, &actor, &reference, id).await?;
    let payload = serde_json::json!({ "session": id.0 });
    upload(&state, &actor, (&chrome, &audit, &session), &target, payload, form).await
}

async fn trainees_job(
    State(state): State<AppState>,
    actor: Actor,
    Ref(reference): Ref,
    chrome: Chrome,
    Path((id, job)): Path<(SessionId, jobs::JobId)>,
) -> Result<Response, AppError> {
    let target = trainees_target(&state, &actor, &reference, id).await?;
    job_page(&state, &actor, &chrome, &target, job).await
}

async fn trainees_errors(
    State(state): State<AppState>,
    actor: Actor,
    Ref(reference): Ref,
    Path((id, job)): Path<(SessionId, jobs::JobId)>,
) -> Result<Response, AppError> {
    let target = trainees_target(&state, &actor, &reference, id).await?;
    errors_file(&state, &actor, &target, job).await
}

async fn required_page(State(state): State<AppState>, actor: Actor, chrome: Chrome) -> Result<Response, AppError> {
    let target = required_target(&actor)?;
    upload_page(&state, &actor, &chrome, &target, None).await
}

async fn required_template(actor: Actor) -> Result<Response, AppError> {
    required_target(&actor)?;
    template_of(&REQUIRED_SPEC, "重点岗位应培训人数导入模板")
}

async fn upload_required(
    State(state): State<AppState>,
    actor: Actor,
    Ref(reference): Ref,
    chrome: Chrome,
    audit: AuditContext,
    session: CurrentSession,
    form: Multipart,
) -> Result<Response, AppError> {
    let target = required_target(&actor)?;
    let cycle = super::cycle_of(&reference, None)?;
    let payload = serde_json::json!({ "cycle": cycle.first_year });
    upload(&state, &actor, (&chrome, &audit, &session), &target, payload, form).await
}

async fn required_job(
    State(state): State<AppState>,
    actor: Actor,
    chrome: Chrome,
    Path(job): Path<jobs::JobId>,
) -> Result<Response, AppError> {
    let target = required_target(&actor)?;
    job_page(&state, &actor, &chrome, &target, job).await
}

async fn required_errors(
    State(state): State<AppState>,
    actor: Actor,
    Path(job): Path<jobs::JobId>,
) -> Result<Response, AppError> {
    let target = required_target(&actor)?;
    errors_file(&state, &actor, &target, job).await
}

const WORKER: DbActor = DbActor { scope: Scope::Province, account_id: None };

/// How many rows are checked between two progress reports, and written per statement.
const STEP: i64 = 2_000;
const WRITE_BATCH: usize = 5_000;

/// Reads the job's file as rows of `spec` (off the async threads), or the outcome saying why not.
async fn read(pool: &PgPool, job: &Job, spec: &'static Spec) -> Result<Result<Vec<import::Row>, Outcome>, JobError> {
    let mut tx = db::begin(pool, WORKER).await?;
    let (_, content) = jobs::file(&mut tx, job).await?.ok_or_else(|| JobError::Other("导入文件缺失".into()))?;
    tx.commit().await?;
    import::job::rows_of(content, spec).await
}

fn error_at(spec: &Spec, row: &import::Row, field: &str, message: String) -> RowError {
    RowError {
        row: row.number,
        column: spec.column(field).map_or("", |c| c.header).to_string(),
        value: row.get(field).to_string(),
        message,
    }
}

/// The region's employers of these credit codes: id and whether a platform employer.
async fn employers_of(
    pool: &PgPool,
    region: RegionId,
    codes: HashSet<String>,
) -> Result<HashMap<String, (EmployerId, bool)>, JobError> {
    let codes: Vec<String> = codes.into_iter().collect();
    let mut found = HashMap::with_capacity(codes.len());
    let mut tx = db::begin(pool, WORKER).await?;
    for chunk in codes.chunks(WRITE_BATCH) {
        for (code, id, platform) in store::employers_by_code(&mut tx, region, chunk).await? {
            found.insert(code, (id, platform));
        }
    }
    tx.commit().await?;
    Ok(found)
}

/// The runner of `import.trainees` jobs.
pub fn run_trainees(
    pool: PgPool,
    job: Job,
) -> std::pin::Pin<Box<dyn std::future::Future<Output = Result<(), JobError>> + Send>> {
    Box::pin(async move { import_trainees(&pool, &job).await })
}

async fn import_trainees(pool: &PgPool, job: &Job) -> Result<(), JobError> {
    let id = SessionId(session_of(job).ok_or_else(|| JobError::Other("导入任务缺少培训".into()))?);
    let mut tx = db::begin(pool, WORKER).await?;
    let session = store::find_session(&mut tx, id)
        .await?
        .filter(|s| s.region == job.region_id)
        .ok_or_else(|| JobError::Other("培训不存在".into()))?;
    let cycles = crate::cycles::store::all(&mut tx).await?;
    let existing: HashSet<String> =
        store::id_numbers_of_session(&mut tx, session.region, id).await?.into_iter().collect();
    tx.commit().await?;
    let cycle = cycles.iter().find(|c| c.id == session.cycle).ok_or_else(|| JobError::Other("周期不存在".into()))?;
    let rows = match read(pool, job, &TRAINEE_SPEC).await? {
        Ok(rows) => rows,
        Err(outcome) => return import::job::finish_unwritten(pool, job, &outcome).await,
    };
    let total = rows.len() as i64;
    let all = all_categories(cycle);
    let mut errors = Vec::new();
    let mut keys = import::Keys::new(&TRAINEE_SPEC, |k: &str| k.trim().to_uppercase());
    let mut checked: Vec<(import::Row, TraineeInput)> = Vec::with_capacity(rows.len());
    for (i, row) in rows.into_iter().enumerate() {
        let mut p = FormParser::default();
        let parsed = form_of(&row).parse_fields(&mut p, &all, session.has_exam);
        errors.extend(keys.see(&row));
        match p.finish(|| parsed) {
            Ok(input) if existing.contains(input.id_number.as_str()) => {
                errors.push(error_at(&TRAINEE_SPEC, &row, "id_number", "此人已在本次培训的名单中".into()))
            }
            Ok(input) => checked.push((row, input)),
            Err(fields) => errors.extend(import::row_errors(&TRAINEE_SPEC, &row, &fields)),
        }
        let done = i as i64 + 1;
        if (done % STEP == 0 || done == total) && !jobs::progress(pool, job, done, total).await? {
            return Err(JobError::LeaseLost);
        }
    }
    let codes: HashSet<String> = checked.iter().map(|(_, t)| t.employer.as_str().to_string()).collect();
    let employers = employers_of(pool, session.region, codes).await?;
    let mut ready = Vec::with_capacity(checked.len());
    for (row, input) in &checked {
        match employers.get(input.employer.as_str()) {
            None => errors.push(error_at(&TRAINEE_SPEC, row, "employer", "本地区没有登记该用人单位".into())),
            Some((employer, platform)) => match category_refusal(cycle, *platform, &input.category) {
                Some(message) => errors.push(error_at(&TRAINEE_SPEC, row, "category", message)),
                None => ready.push(NewTrainee { input, employer: *employer }),
            },
        }
    }
    let rows = total as usize;
    if !errors.is_empty() {
        // The job's page lists the errors: an ID-card number there is masked like everywhere.
        let id_column = TRAINEE_SPEC.column("id_number").map_or("", |c| c.header);
        for e in errors.iter_mut().filter(|e| e.column == id_column) {
            e.value = crate::values::mask::id_number(&e.value);
        }
        errors.sort_by_key(|e| e.row);
        return import::job::finish_unwritten(pool, job, &Outcome::Rejected { rows, errors }).await;
    }
    let mut tx = db::begin(pool, WORKER).await?;
    if !store::lock_session(&mut tx, id).await? {
        return Err(JobError::Other("培训不存在".into()));
    }
    let mut added = 0;
    for batch in ready.chunks(WRITE_BATCH) {
        added += store::add_trainees(&mut tx, &session, batch, job.account_id).await?;
    }
    let ctx = AuditContext::for_job(job.account_id, &job.account_name, job.region_id);
    let detail = format!("导入学员名单（{} {}）：共 {rows} 行，新增 {added}", session.starts_on, session.topic);
    audit::record(&mut tx, &ctx, Event::new(Action::ImportTrainees).object("job", job.id).detail(detail)).await?;
    let outcome = Outcome::Imported { rows, added, updated: 0, unchanged: 0 };
    let value = serde_json::to_value(&outcome).map_err(|e| JobError::Other(e.to_string()))?;
    jobs::finish(&mut tx, job, &value).await?;
    tx.commit().await?;
    Ok(())
}

fn form_of(row: &import::Row) -> TraineeForm {
    TraineeForm {
        name: row.get("name").into(),
        id_number: row.get("id_number").into(),
        employer: row.get("employer").into(),
        category: row.get("category").into(),
        exam_passed: row.get("exam_passed").into(),
        certificate_no: row.get("certificate_no").into(),
        form_token: crate::web::once::TokenField::default(),
    }
}

/// The runner of `import.training_required` jobs.
pub fn run_required(
    pool: PgPool,
    job: Job,
) -> std::pin::Pin<Box<dyn std::future::Future<Output = Result<(), JobError>> + Send>> {
    Box::pin(async move { import_required(&pool, &job).await })
}

fn cycle_by_year(cycles: &[Cycle], year: Option<i64>) -> Option<&Cycle> {
    cycles.iter().find(|c| Some(i64::from(c.first_year)) == year)
}

async fn import_required(pool: &PgPool, job: &Job) -> Result<(), JobError> {
    let mut tx = db::begin(pool, WORKER).await?;
    let cycles = crate::cycles::store::all(&mut tx).await?;
    tx.commit().await?;
    let year = job.payload.get("cycle").and_then(serde_json::Value::as_i64);
    let cycle = cycle_by_year(&cycles, year).ok_or_else(|| JobError::Other("导入任务缺少周期".into()))?;
    let rows = match read(pool, job, &REQUIRED_SPEC).await? {
        Ok(rows) => rows,
        Err(outcome) => return import::job::finish_unwritten(pool, job, &outcome).await,
    };
    let total = rows.len();
    let codes: HashSet<String> = rows.iter().map(|r| r.get("employer").to_uppercase()).collect();
    let employers = employers_of(pool, job.region_id, codes).await?;
    let mut errors = Vec::new();
    let mut seen: HashMap<(EmployerId, String), usize> = HashMap::new();
    let mut ready = Vec::with_capacity(total);
    for row in &rows {
        let code = row.get("employer").to_uppercase();
        let category = row.get("category").to_string();
        let count = required_count(row.get("required"));
        if let Err(message) = count {
            errors.push(error_at(&REQUIRED_SPEC, row, "required", message.to_string()));
        }
        match employers.get(&code) {
            None => errors.push(error_at(&REQUIRED_SPEC, row, "employer", "本地区没有登记该用人单位".into())),
            Some((employer, platform)) => match category_refusal(cycle, *platform, &category) {
                Some(message) => errors.push(error_at(&REQUIRED_SPEC, row, "category", message)),
                None => match seen.insert((*employer, category.clone()), row.number) {
                    Some(first) => {
                        errors.push(error_at(&REQUIRED_SPEC, row, "category", format!("与第 {first} 行重复")))
                    }
                    None => {
                        if let Ok(n) = count {
                            ready.push((*employer, category, n));
                        }
                    }
                },
            },
        }
    }
    if !jobs::progress(pool, job, total as i64, total as i64).await? {
        return Err(JobError::LeaseLost);
    }
    if !errors.is_empty() {
        errors.sort_by_key(|e| e.row);
        return import::job::finish_unwritten(pool, job, &Outcome::Rejected { rows: total, errors }).await;
    }
    let mut tx = db::begin(pool, WORKER).await?;
    let mut changed = 0;
    for batch in ready.chunks(WRITE_BATCH) {
        changed += store::set_required_rows(&mut tx, job.region_id, cycle.id, batch).await?;
    }
    let ctx = AuditContext::for_job(job.account_id, &job.account_name, job.region_id);
    let detail =
        format!("导入重点岗位应培训人数（{}—{}年）：共 {total} 行，更新 {changed}", cycle.first_year, cycle.last_year);
    audit::record(&mut tx, &ctx, Event::new(Action::ImportTrainingRequired).object("job", job.id).detail(detail))
        .await?;
    let outcome = Outcome::Imported { rows: total, added: 0, updated: changed, unchanged: total as u64 - changed };
    let value = serde_json::to_value(&outcome).map_err(|e| JobError::Other(e.to_string()))?;
    jobs::finish(&mut tx, job, &value).await?;
    tx.commit().await?;
    Ok(())
}
