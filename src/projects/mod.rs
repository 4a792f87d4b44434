//! Prevention project applications (附件2 申报表, 附件3 申报格式文本) up to the city's pre-review:
//! a city officer enters an application on an organization's (or a department's) behalf in an
//! open round: project fields, the cost estimate (computed on the server in exact decimals),
//! performance targets, milestones and the round's required documents. Drafts save as they
//! are; a submission checks everything and lists every problem at once. Another officer of the
//! city pre-reviews it (初审): pass to the expert review, return for revision with comments, or
//! reject with reasons. Every step is in the shared history; every submission a version.

pub mod model;
pub mod panel;
pub mod store;
pub mod views;

use axum::Router;
use axum::extract::{Multipart, Path, Query, State};
use axum::response::Response;
use axum::routing::{get, post};
use axum_extra::extract::Form;
use serde::Deserialize;

use self::model::{
    ApplicantKind, Project, ProjectAction, ProjectForm, ProjectId, ProjectStatus, ProjectType, may_edit, may_write,
};
use self::store::{ProjectFilter, ProjectLine, Sort, TransitionRequest};
use self::views::{
    ApplicantPage, Context, DetailPage, EditPage, Feedback, ListPage, ListParts, NewPage, PrintFormPage, PrintTextPage,
    Selected, industry_name, line_applicant, return_comment,
};
use crate::applicants::model::ApplicantId;
use crate::attachments::{self, Attachment, AttachmentId, upload::UploadError};
use crate::audit::export::{self, ExportJob};
use crate::audit::{Action, AuditContext};
use crate::auth::Actor;
use crate::auth::session::CurrentSession;
use crate::db::{self, Scope};
use crate::error::AppError;
use crate::key_industries::model::KeyIndustry;
use crate::org::{DepartmentKind, RegionId};
use crate::project_rounds::model::{Round, RoundId};
use crate::project_rounds::{self, store as rounds};
use crate::reference::{Ref, Reference};
use crate::state::AppState;
use crate::trail::{self, Trail};
use crate::values::{CreditCode, time};
use crate::web::confirm::ConfirmPage;
use crate::web::export::{Cell, Column, Kind};
use crate::web::flash::{self, Flash};
use crate::web::form::{Choice, FieldErrors};
use crate::web::layout::{Chrome, Crumb};
use crate::web::once::FormToken;
use crate::web::pagination::{Page, Pager, lenient_u32};
use crate::web::render;
use crate::workflow::compare::ComparePage;
use crate::workflow::{By, Done, Refusal, TransitionError, history, step, versions};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/projects", get(list))
        .route("/projects/export", get(export_list))
        .route("/projects/new", get(new_project).post(create))
        .route("/projects/{id}", get(detail))
        .route("/projects/{id}/edit", get(edit).post(save))
        .route("/projects/{id}/transition", post(transition))
        .route("/projects/{id}/compare", get(compare))
        .route("/projects/{id}/print", get(print_form))
        .route("/projects/{id}/print/text", get(print_text))
        .route("/projects/{id}/attachments", attachments::upload::route(upload))
        .route("/projects/{id}/attachments/{file}", get(download))
        .route("/projects/{id}/attachments/{file}/delete", get(confirm_remove).post(remove))
        .route("/projects/{id}/panel", get(panel::show))
        .route("/projects/{id}/panel/draw", post(panel::draw_panel))
        .route("/projects/{id}/panel/{expert}/replace", post(panel::replace))
        .route("/applicants/{id}", get(applicant))
}

const PAGE_SIZE: u32 = 20;

#[derive(Debug, Default, Deserialize)]
pub struct ListQuery {
    #[serde(default)]
    pub region: Option<String>,
    #[serde(default)]
    pub year: Option<String>,
    #[serde(default)]
    pub round: Option<String>,
    #[serde(default)]
    pub status: Option<String>,
    #[serde(default)]
    pub project_type: Option<String>,
    #[serde(default)]
    pub key_industry: Option<String>,
    #[serde(default)]
    pub applicant: Option<String>,
    #[serde(default)]
    pub q: Option<String>,
    #[serde(default)]
    pub sort: Option<String>,
    #[serde(default, deserialize_with = "lenient_u32")]
    pub page: Option<u32>,
}

/// The key industries that name a list's or a record's: the region's of the cycle running.
async fn industries_of(
    tx: &mut sqlx::PgConnection,
    reference: &Reference,
    region: Option<RegionId>,
    year: i32,
) -> Result<Vec<KeyIndustry>, AppError> {
    match region {
        Some(region) => project_rounds::industries_for(tx, reference, region, year).await,
        None => Ok(Vec::new()),
    }
}

/// The filter a query asks for (what does not parse is dropped), the form's values, the query
/// string without the status, and the filters as an export describes them.
struct Asked {
    filter: ProjectFilter,
    sort: Sort,
    selected: Selected,
    base_query: String,
    described: Vec<(&'static str, String)>,
}

fn asked(actor: &Actor, reference: &Reference, q: &ListQuery, industries: &[KeyIndustry]) -> Asked {
    let given = |v: &Option<String>| v.as_deref().map(str::trim).filter(|s| !s.is_empty()).map(str::to_string);
    let province = actor.db().scope == Scope::Province;
    let region = match province {
        true => given(&q.region).and_then(|c| reference.region_by_code(&c).cloned()),
        false => actor.region.clone(),
    };
    let year = given(&q.year).and_then(|y| y.parse::<i16>().ok()).filter(|y| (2000..=2100).contains(y));
    let round = given(&q.round).and_then(|r| r.parse::<i64>().ok()).map(RoundId);
    let status = given(&q.status).and_then(|s| ProjectStatus::parse(&s));
    let project_type = given(&q.project_type).and_then(|t| ProjectType::parse(&t));
    let key_industry = given(&q.key_industry).filter(|k| industries.iter().any(|i| &i.reference == k));
    let applicant = given(&q.applicant).and_then(|a| a.parse::<i64>().ok()).map(ApplicantId);
    let text = given(&q.q).filter(|t| t.chars().count() <= 50).map(|t| t.to_lowercase());
    let sort = given(&q.sort).and_then(|s| Sort::parse(&s)).unwrap_or(Sort::Updated);
    let mut query = form_urlencoded::Serializer::new(String::new());
    if let (true, Some(r)) = (province, &region) {
        query.append_pair("region", &r.code);
    }
    let pairs: [(&str, Option<String>); 7] = [
        ("year", year.map(|y| y.to_string())),
        ("round", round.map(|r| r.to_string())),
        ("project_type", project_type.map(|t| t.as_str().to_string())),
        ("key_industry", key_industry.clone()),
        ("applicant", applicant.map(|a| a.to_string())),
        ("q", text.clone()),
        ("sort", (sort != Sort::Updated).then(|| sort.as_str().to_string())),
    ];
    for (key, value) in &pairs {
        if let Some(v) = value {
            query.append_pair(key, v);
        }
    }
    let all = || "全部".to_string();
    Asked {
        described: vec![
            ("地区", region.as_ref().map_or_else(all, |r| r.name.clone())),
            ("年度", year.map_or_else(all, |y| format!("{y}年"))),
            ("批次", round.map_or_else(all, |r| r.to_string())),
            ("状态", status.map_or_else(all, |s| s.label().to_string())),
            ("类型", project_type.map_or_else(all, |t| t.label().to_string())),
            ("重点领域", key_industry.as_deref().map_or_else(all, |k| industry_name(industries, Some(k)))),
            ("检索", text.clone().unwrap_or_default()),
        ],
        selected: Selected {
            region: if province { region.as_ref().map(|r| r.code.clone()).unwrap_or_default() } else { String::new() },
            year: year.map(|y| y.to_string()).unwrap_or_default(),
            round: round.map(|r| r.to_string()).unwrap_or_default(),
            status: status.map(|s| s.as_str().to_string()).unwrap_or_default(),
            project_type: project_type.map(|t| t.as_str().to_string()).unwrap_or_default(),
            key_industry: key_industry.clone().unwrap_or_default(),
            q: text.clone().unwrap_or_default(),
            sort: sort.as_str().to_string(),
            applicant: applicant.map(|a| a.to_string()).unwrap_or_default(),
        },
        filter: ProjectFilter {
            region: region.as_ref().map(|r| r.id),
            year,
            round,
            status,
            project_type,
            key_industry,
            applicant,
            text,
            approved_only: model::reads_approved_only(actor),
        },
        sort,
        base_query: query.finish(),
    }
}

fn this_year() -> i32 {
    chrono::Datelike::year(&time::today())
}

/// The region whose key industries name a list's: the one filtered by, else the actor's own.
fn list_region(actor: &Actor, reference: &Reference, q: &ListQuery) -> Option<RegionId> {
    match actor.db().scope {
        Scope::Province => q.region.as_deref().and_then(|c| reference.region_by_code(c.trim())).map(|r| r.id),
        _ => actor.region.as_ref().map(|r| r.id),
    }
}

/// The region whose key industries name a list's rows: the one filtered by, else the actor's
/// own (for the province's unfiltered list, 省本级's: the province file's key industries).
fn names_region(actor: &Actor, filtered: Option<RegionId>) -> Option<RegionId> {
    filtered.or(actor.region.as_ref().map(|r| r.id))
}

/// 项目申报: the region's applications (the province: every region's), filtered, counted per
/// status, sorted, 20 a page.
async fn list(
    State(state): State<AppState>,
    actor: Actor,
    Ref(reference): Ref,
    chrome: Chrome,
    Query(q): Query<ListQuery>,
) -> Result<Response, AppError> {
    let page = Page::new(q.page, PAGE_SIZE);
    let region = list_region(&actor, &reference, &q);
    let mut tx = db::begin(&state.pool, actor.db()).await?;
    let mut industries = industries_of(&mut tx, &reference, names_region(&actor, region), this_year()).await?;
    let a = asked(&actor, &reference, &q, &industries);
    let lines = store::list(&mut tx, &a.filter, a.sort, None, page.offset(), page.limit()).await?;
    let counts = store::counts(&mut tx, &a.filter).await?;
    let round_lines = match region {
        Some(r) => rounds::list(&mut tx, Some(r), a.filter.year).await?,
        None => Vec::new(),
    };
    // The province's list of every region: the cities' own key industries name their rows too.
    if region.is_none()
        && lines.iter().any(|l| l.key_industry.as_deref().is_some_and(|k| k.starts_with("region:")))
        && let Some(cycle) = crate::cycles::model::current(&reference.cycles, time::today())
    {
        industries.extend(crate::key_industries::store::own_of_every_region(&mut tx, cycle.id).await?);
    }
    tx.commit().await?;
    let in_status: i64 = match a.filter.status {
        Some(s) => counts.iter().find(|(c, _)| *c == s).map_or(0, |(_, n)| *n),
        None => counts.iter().map(|(_, n)| n).sum(),
    };
    let mut query = a.base_query.clone();
    if !a.selected.status.is_empty() {
        query = format!("{query}&status={}", a.selected.status).trim_start_matches('&').to_string();
    }
    let parts = ListParts {
        pager: Pager::new(page, in_status, query),
        lines,
        counts,
        rounds: round_lines
            .iter()
            .map(|r| Choice::new(r.id.to_string(), format!("{}（{}年）", r.title, r.year)))
            .collect(),
        industries,
        selected: a.selected,
        base_query: a.base_query,
    };
    render(ListPage::new(&chrome, &actor, &reference, parts))
}

const COLUMNS: &[Column] = &[
    Column::new("地区", Kind::Text, 10.0),
    Column::new("年度", Kind::Integer, 8.0),
    Column::new("申报批次", Kind::Text, 28.0),
    Column::new("申报单位", Kind::Text, 30.0),
    Column::new("统一社会信用代码", Kind::Text, 22.0),
    Column::new("项目名称", Kind::Text, 36.0),
    Column::new("类型", Kind::Text, 8.0),
    Column::new("重点领域", Kind::Text, 16.0),
    Column::new("状态", Kind::Text, 12.0),
    Column::new("申请金额（元）", Kind::Money, 16.0),
    Column::new("最近提交时间", Kind::DateTime, 20.0),
];

/// The filtered list as Excel (every page, in id order), audited.
async fn export_list(
    State(state): State<AppState>,
    actor: Actor,
    Ref(reference): Ref,
    audit: AuditContext,
    Query(q): Query<ListQuery>,
) -> Result<Response, AppError> {
    let region = list_region(&actor, &reference, &q);
    let industries = {
        let mut tx = db::begin(&state.pool, actor.db()).await?;
        let list = industries_of(&mut tx, &reference, names_region(&actor, region), this_year()).await?;
        tx.commit().await?;
        list
    };
    let a = asked(&actor, &reference, &q, &industries);
    let job = ExportJob {
        title: "工伤预防项目申报",
        filters: a.described,
        columns: COLUMNS,
        action: Action::ExportProjects,
        described: a.base_query.clone(),
        unmasked: false,
    };
    let (pool, db_actor, filter) = (state.pool.clone(), actor.db(), a.filter);
    export::export_pages(
        &state.pool,
        &audit,
        job,
        |after: Option<(i64, i64)>| {
            let (pool, filter) = (pool.clone(), filter.clone());
            async move {
                let mut tx = db::begin(&pool, db_actor).await?;
                let rows =
                    store::list(&mut tx, &filter, Sort::Updated, after.or(Some((0, 0))), 0, export::BATCH).await?;
                tx.commit().await?;
                Ok(rows)
            }
        },
        |l: &ProjectLine| (l.region_id, l.id.0),
        |l| {
            vec![
                l.region_name.clone().into(),
                Cell::Integer(i64::from(l.year)),
                l.round_title.clone().into(),
                line_applicant(&l).into(),
                l.credit_code.clone().unwrap_or_default().into(),
                l.name.clone().into(),
                l.project_type.map(|t| t.label()).unwrap_or("").into(),
                industry_name(&industries, l.key_industry.as_deref()).into(),
                l.status.label().into(),
                Cell::Money(l.requested_amount.yuan()),
                l.last_submitted_at.map(Cell::DateTime).unwrap_or(Cell::Empty),
            ]
        },
    )
    .await
}

#[derive(Debug, Default, Deserialize)]
struct NewQuery {
    #[serde(default)]
    round: String,
    #[serde(default)]
    applicant: String,
    #[serde(default)]
    credit_code: String,
}

/// The round a new application goes into: the actor's region's, keepable, not yet closed.
async fn round_for_new(tx: &mut sqlx::PgConnection, actor: &Actor, raw: &str) -> Result<Round, AppError> {
    let id = raw.trim().parse::<i64>().map(RoundId).map_err(|_| AppError::NotFound)?;
    let round = rounds::find(tx, id).await?.ok_or(AppError::NotFound)?;
    if !may_write(actor, &round.region) {
        return Err(AppError::Forbidden);
    }
    if round.closes_on < time::today() {
        return Err(AppError::Refused(
            format!("「{}」已于 {} 截止申报，不能再录入新的申报。", round.title, round.closes_on).into(),
        ));
    }
    Ok(round)
}

fn department_choices(reference: &Reference) -> Vec<Choice> {
    let cycle = crate::cycles::model::current(&reference.cycles, time::today()).or(reference.cycles.last());
    let kinds: Vec<DepartmentKind> =
        cycle.map(|c| c.departments.clone()).unwrap_or_else(|| DepartmentKind::ALL.to_vec());
    kinds.into_iter().map(|d| Choice::new(d.as_str(), d.label())).collect()
}

/// 录入项目申报: choose who applies (an organization entered before, found by its credit code,
/// or a department for its own procurement project), then the draft is created.
async fn new_project(
    State(state): State<AppState>,
    actor: Actor,
    Ref(reference): Ref,
    chrome: Chrome,
    Query(q): Query<NewQuery>,
) -> Result<Response, AppError> {
    let mut tx = db::begin(&state.pool, actor.db()).await?;
    let round = round_for_new(&mut tx, &actor, &q.round).await?;
    let mut applicant = q.applicant.trim().to_string();
    let code = q.credit_code.trim().to_uppercase();
    let mut not_found = false;
    if !code.is_empty() {
        match CreditCode::parse(&code) {
            Ok(c) => match crate::applicants::store::by_credit_code(&mut tx, round.region.id, c.as_str()).await? {
                Some(id) => applicant = id.to_string(),
                None => not_found = true,
            },
            Err(_) => not_found = true,
        }
    }
    let choices = store::applicant_choices(&mut tx, round.region.id).await?;
    tx.commit().await?;
    let applicants =
        choices.into_iter().map(|(id, name, code)| Choice::new(id.to_string(), format!("{name}（{code}）"))).collect();
    render(NewPage::new(&chrome, round, applicants, applicant, code, not_found, department_choices(&reference)))
}

#[derive(Debug, Default, Deserialize)]
struct CreateForm {
    #[serde(default)]
    round: String,
    #[serde(default)]
    applicant_kind: String,
    #[serde(default)]
    applicant: String,
    #[serde(default)]
    department: String,
    #[serde(default)]
    form_token: String,
}

async fn create(
    State(state): State<AppState>,
    actor: Actor,
    audit: AuditContext,
    Form(form): Form<CreateForm>,
) -> Result<Response, AppError> {
    let token = FormToken::parse(&form.form_token)?;
    let mut tx = db::begin(&state.pool, actor.db()).await?;
    let round = round_for_new(&mut tx, &actor, &form.round).await?;
    let kind = ApplicantKind::parse(form.applicant_kind.trim()).ok_or(AppError::Refused("请选择申报类型。".into()))?;
    let (applicant, department) = match kind {
        ApplicantKind::Organization => {
            let id = form
                .applicant
                .trim()
                .parse::<i64>()
                .map(ApplicantId)
                .map_err(|_| AppError::Refused("请选择申报单位；尚未登记的单位请先登记。".into()))?;
            (Some(id), None)
        }
        ApplicantKind::Department => {
            let d =
                DepartmentKind::parse(form.department.trim()).ok_or(AppError::Refused("请选择申报部门。".into()))?;
            (None, Some(d))
        }
    };
    if let Some(id) = applicant {
        // Another region's applicant is not found under row-level security.
        let found = crate::applicants::store::find(&mut tx, id).await?;
        if found.is_none_or(|a| a.region.id != round.region.id) {
            return Err(AppError::NotFound);
        }
    }
    let by = By { account: actor.account_id, name: &actor.display_name };
    let done = store::create(&mut tx, &audit, &by, &token, &round, applicant, department).await?;
    tx.commit().await?;
    Ok(match done {
        Done::Now(url) => flash::redirect_with(&url, Flash::ProjectCreated),
        Done::Before(url) => flash::redirect(&url),
    })
}

/// An application with what its pages need: its round, its region's key industries, and (for
/// its own page) its trail.
struct Loaded {
    project: Project,
    round: Round,
    industries: Vec<KeyIndustry>,
    trail: Trail,
}

async fn load(
    state: &AppState,
    actor: &Actor,
    reference: &Reference,
    id: ProjectId,
    with_trail: bool,
) -> Result<Loaded, AppError> {
    let mut tx = db::begin(&state.pool, actor.db()).await?;
    let project =
        store::find(&mut tx, id, false).await?.filter(|p| model::readable(actor, p)).ok_or(AppError::NotFound)?;
    let round = rounds::find(&mut tx, project.round_id).await?.ok_or(AppError::NotFound)?;
    let industries =
        project_rounds::industries_for(&mut tx, reference, project.region.id, i32::from(project.year)).await?;
    let trail = if with_trail { trail::load(&mut tx, &project.owner()).await? } else { Trail::default() };
    tx.commit().await?;
    Ok(Loaded { project, round, industries, trail })
}

fn detail_page(
    chrome: &Chrome,
    actor: &Actor,
    l: Loaded,
    feedback: Feedback,
    max_upload: usize,
) -> Result<Response, AppError> {
    let timeline = views::life(&l.trail.history, &l.project);
    let past = history::past_steps::<ProjectAction>(&l.trail.history);
    let context = Context {
        may_pre_review: model::may_pre_review(actor.account_id, l.project.created_by, &past),
        round: &l.round,
        industries: &l.industries,
        timeline,
        versions: l.trail.versions,
        files: l.trail.files,
        max_upload,
    };
    render(DetailPage::new(chrome, actor, l.project, context, feedback))
}

async fn detail(
    State(state): State<AppState>,
    actor: Actor,
    Ref(reference): Ref,
    chrome: Chrome,
    Path(id): Path<ProjectId>,
) -> Result<Response, AppError> {
    let l = load(&state, &actor, &reference, id, true).await?;
    detail_page(&chrome, &actor, l, Feedback::default(), state.settings.attachment_max_bytes)
}

fn references(industries: &[KeyIndustry]) -> Vec<String> {
    industries.iter().map(|k| k.reference.clone()).collect()
}

async fn edit(
    State(state): State<AppState>,
    actor: Actor,
    Ref(reference): Ref,
    chrome: Chrome,
    Path(id): Path<ProjectId>,
) -> Result<Response, AppError> {
    let l = load(&state, &actor, &reference, id, true).await?;
    if !may_edit(&actor, &l.project) {
        return Err(AppError::Forbidden);
    }
    let timeline = history::timeline::<ProjectStatus, ProjectAction>(&l.trail.history);
    let returned = return_comment(&l.project, &timeline);
    let form = ProjectForm::of(&l.project);
    render(EditPage::new(&chrome, &l.project, &l.industries, form, FieldErrors::default(), returned))
}

async fn save(
    State(state): State<AppState>,
    actor: Actor,
    Ref(reference): Ref,
    chrome: Chrome,
    audit: AuditContext,
    Path(id): Path<ProjectId>,
    Form(form): Form<ProjectForm>,
) -> Result<Response, AppError> {
    let l = load(&state, &actor, &reference, id, true).await?;
    if !may_write(&actor, &l.project.region) {
        return Err(AppError::Forbidden);
    }
    let timeline = history::timeline::<ProjectStatus, ProjectAction>(&l.trail.history);
    let returned = return_comment(&l.project, &timeline);
    // 添加一行 without a script: the form again with one more row, nothing saved.
    if form.row_to_add().is_some() {
        return render(EditPage::new(&chrome, &l.project, &l.industries, form, FieldErrors::default(), returned));
    }
    let (input, version) = match form.parse(&references(&l.industries)) {
        Ok(parsed) => parsed,
        Err(errors) => return render(EditPage::new(&chrome, &l.project, &l.industries, form, errors, returned)),
    };
    let mut tx = db::begin(&state.pool, actor.db()).await?;
    let names = |r: Option<&str>| industry_name(&l.industries, r);
    store::update(&mut tx, &audit, &l.project, version, &input, &names).await?;
    tx.commit().await?;
    Ok(flash::redirect_with(&format!("/projects/{id}"), Flash::ProjectSaved))
}

async fn transition(
    State(state): State<AppState>,
    actor: Actor,
    Ref(reference): Ref,
    chrome: Chrome,
    audit: AuditContext,
    Path(id): Path<ProjectId>,
    Form(form): Form<step::TransitionForm>,
) -> Result<Response, AppError> {
    let (action, token) = form.parse::<ProjectAction>()?;
    let l = load(&state, &actor, &reference, id, true).await?;
    // Entering and submitting is the region's own officers' business; so is the pre-review.
    if !may_write(&actor, &l.project.region) {
        return Err(AppError::Forbidden);
    }
    let request = TransitionRequest {
        by: By { account: actor.account_id, name: &actor.display_name },
        role: actor.role,
        token: &token,
        action,
        comment: &form.comment,
        round: &l.round,
        today: time::today(),
        key_industry_name: industry_name(&l.industries, l.project.key_industry.as_deref()),
    };
    let mut tx = db::begin(&state.pool, actor.db()).await?;
    let outcome = store::transition(&mut tx, &audit, id, &request).await;
    // Four eyes here means another officer than the one who entered or submitted it.
    let outcome = outcome.map_err(|e| match e {
        TransitionError::Refused(Refusal::SameActor) => {
            TransitionError::Incomplete(vec!["初审须由录入、提交该申报以外的另一位工作人员办理。".to_string().into()])
        }
        other => other,
    });
    let problems = match step::outcome(outcome)? {
        Ok(done) => {
            tx.commit().await?;
            return Ok(match done {
                Done::Now(url) => flash::redirect_with(&url, flash_of(action)),
                Done::Before(url) => flash::redirect(&url),
            });
        }
        Err(problems) => problems,
    };
    tx.rollback().await?;
    let feedback = Feedback { problems, comment: form.comment, upload: None };
    detail_page(&chrome, &actor, l, feedback, state.settings.attachment_max_bytes)
}

fn flash_of(action: ProjectAction) -> Flash {
    match action {
        ProjectAction::Submit => Flash::ProjectSubmitted,
        ProjectAction::Pass => Flash::ProjectPassed,
        ProjectAction::Return => Flash::ProjectReturned,
        ProjectAction::Reject => Flash::ProjectRejected,
        ProjectAction::Conclude => Flash::ReviewConcluded,
        ProjectAction::Approve => Flash::ProjectApproved,
        ProjectAction::UpholdObjection => Flash::ApprovalReversed,
        ProjectAction::ClosePublicity => Flash::PublicityClosed,
        ProjectAction::File => Flash::ProjectFiled,
        ProjectAction::ReturnFiling => Flash::FilingReturned,
        ProjectAction::Sign => Flash::AgreementSigned,
        ProjectAction::Complete => Flash::CompletionSubmitted,
        ProjectAction::Accept => Flash::AcceptancePassed,
        ProjectAction::FailAcceptance => Flash::AcceptanceFailed,
        ProjectAction::SubmitRectification => Flash::RectificationSubmitted,
        ProjectAction::Terminate => Flash::ProjectTerminated,
        ProjectAction::Settle => Flash::ProjectSettled,
    }
}

#[derive(Deserialize)]
struct CompareQuery {
    #[serde(default, deserialize_with = "lenient_u32")]
    a: Option<u32>,
    #[serde(default, deserialize_with = "lenient_u32")]
    b: Option<u32>,
}

/// Two submitted versions side by side (by default the last two).
async fn compare(
    State(state): State<AppState>,
    actor: Actor,
    chrome: Chrome,
    Path(id): Path<ProjectId>,
    Query(q): Query<CompareQuery>,
) -> Result<Response, AppError> {
    let mut tx = db::begin(&state.pool, actor.db()).await?;
    let project = store::find(&mut tx, id, false).await?.ok_or(AppError::NotFound)?;
    let (a, b) = (q.a.map(|v| v as i32), q.b.map(|v| v as i32));
    let pair = versions::pair(&mut tx, project.region.id, model::KIND, id.0, a, b).await?.ok_or(AppError::NotFound)?;
    tx.commit().await?;
    let comparison = versions::compare(&pair.before, &pair.after);
    let crumbs = vec![Crumb::link("项目申报", "/projects"), Crumb::link(project.title(), format!("/projects/{id}"))];
    let base = format!("/projects/{id}");
    render(ComparePage::new(&chrome, crumbs, base, "返回项目申报", &pair.versions, (pair.a, pair.b), comparison))
}

/// 附件2 申报表 on A4, for the applicant's signature and seal and the reviewers' opinions.
async fn print_form(
    State(state): State<AppState>,
    actor: Actor,
    Ref(reference): Ref,
    Path(id): Path<ProjectId>,
) -> Result<Response, AppError> {
    let l = load(&state, &actor, &reference, id, false).await?;
    render(PrintFormPage::new(l.project, &reference, &l.industries))
}

/// 附件3 申报格式文本: the full narrative on A4.
async fn print_text(
    State(state): State<AppState>,
    actor: Actor,
    Ref(reference): Ref,
    Path(id): Path<ProjectId>,
) -> Result<Response, AppError> {
    let l = load(&state, &actor, &reference, id, false).await?;
    render(PrintTextPage::new(l.project, &l.industries))
}

/// Why files cannot be added to or removed from this application now, if they cannot.
fn files_refusal(actor: &Actor, project: &Project) -> Result<Option<String>, AppError> {
    if !may_write(actor, &project.region) {
        return Err(AppError::Forbidden);
    }
    Ok((!project.status.is_open()).then(|| format!("项目申报{}，附件不能再增删。", project.status.label())))
}

async fn upload(
    State(state): State<AppState>,
    actor: Actor,
    Ref(reference): Ref,
    chrome: Chrome,
    audit: AuditContext,
    session: CurrentSession,
    Path(id): Path<ProjectId>,
    form: Multipart,
) -> Result<Response, AppError> {
    let max_upload = state.settings.attachment_max_bytes;
    let l = load(&state, &actor, &reference, id, true).await?;
    if let Some(refusal) = files_refusal(&actor, &l.project)? {
        return detail_page(&chrome, &actor, l, Feedback::upload(refusal), max_upload);
    }
    let kinds = l.round.kinds();
    let (token, file) = match attachments::upload::receive(form, session.csrf_token(), &kinds, max_upload as u64).await
    {
        Ok(received) => received,
        Err(UploadError::Csrf) => return Err(AppError::CsrfRejected),
        Err(e) => {
            tracing::info!(reason = %e, "upload refused");
            return detail_page(&chrome, &actor, l, Feedback::upload(e.to_string()), max_upload);
        }
    };
    let mut tx = db::begin(&state.pool, actor.db()).await?;
    // Submitted meanwhile? The locked row decides.
    let project = store::find(&mut tx, id, true).await?.ok_or(AppError::NotFound)?;
    if let Some(refusal) = files_refusal(&actor, &project)? {
        tx.rollback().await?;
        return detail_page(&chrome, &actor, l, Feedback::upload(refusal), max_upload);
    }
    let by = attachments::store::Actor { ctx: &audit, account: actor.account_id, name: &actor.display_name };
    let led_to = format!("/projects/{id}#attachments");
    let owner = project.owner();
    let done =
        attachments::store::attach_once(&mut tx, &token, &owner, project.status.as_str(), file, &by, led_to).await?;
    tx.commit().await?;
    Ok(flash::after(done, Flash::AttachmentAdded))
}

/// A file of an application, to whoever may see the application.
async fn download(
    State(state): State<AppState>,
    actor: Actor,
    Path((id, file)): Path<(ProjectId, AttachmentId)>,
) -> Result<Response, AppError> {
    let mut tx = db::begin(&state.pool, actor.db()).await?;
    let project =
        store::find(&mut tx, id, false).await?.filter(|p| model::readable(&actor, p)).ok_or(AppError::NotFound)?;
    attachments::store::serve(tx, &project.owner(), file).await
}

async fn file_of(
    state: &AppState,
    actor: &Actor,
    reference: &Reference,
    id: ProjectId,
    file: AttachmentId,
) -> Result<(Loaded, Attachment), AppError> {
    let l = load(state, actor, reference, id, true).await?;
    let attachment = l.trail.files.iter().find(|a| a.id == file).cloned().ok_or(AppError::NotFound)?;
    Ok((l, attachment))
}

async fn confirm_remove(
    State(state): State<AppState>,
    actor: Actor,
    Ref(reference): Ref,
    chrome: Chrome,
    Path((id, file)): Path<(ProjectId, AttachmentId)>,
) -> Result<Response, AppError> {
    let (l, attachment) = file_of(&state, &actor, &reference, id, file).await?;
    if let Some(refusal) = files_refusal(&actor, &l.project)? {
        return Err(AppError::Refused(refusal.into()));
    }
    render(ConfirmPage::new(
        &chrome,
        vec![Crumb::link("项目申报", "/projects"), Crumb::link(l.project.title(), format!("/projects/{id}"))],
        "删除附件",
        format!(
            "确定删除附件「{}」（{}，{}）吗？删除后不能恢复，删除记录保留在办理记录和审计日志中。",
            attachment.file_name,
            attachments::kind_label(&l.round.kinds(), &attachment.kind),
            attachment.size()
        ),
        format!("/projects/{id}/attachments/{file}/delete"),
        "删除",
        format!("/projects/{id}#attachments"),
    ))
}

async fn remove(
    State(state): State<AppState>,
    actor: Actor,
    Ref(reference): Ref,
    audit: AuditContext,
    Path((id, file)): Path<(ProjectId, AttachmentId)>,
) -> Result<Response, AppError> {
    let (l, attachment) = file_of(&state, &actor, &reference, id, file).await?;
    let mut tx = db::begin(&state.pool, actor.db()).await?;
    let project = store::find(&mut tx, id, true).await?.ok_or(AppError::NotFound)?;
    if let Some(refusal) = files_refusal(&actor, &project)? {
        return Err(AppError::Refused(refusal.into()));
    }
    let by = attachments::store::Actor { ctx: &audit, account: actor.account_id, name: &actor.display_name };
    let label = attachments::kind_label(&l.round.kinds(), &attachment.kind);
    if !attachments::store::detach(&mut tx, &project.owner(), project.status.as_str(), &label, &attachment, &by).await?
    {
        return Err(AppError::NotFound);
    }
    tx.commit().await?;
    Ok(flash::redirect_with(&format!("/projects/{id}#attachments"), Flash::AttachmentRemoved))
}

/// An applicant's page: who it is, and its applications (of every status).
async fn applicant(
    State(state): State<AppState>,
    actor: Actor,
    Ref(reference): Ref,
    chrome: Chrome,
    Path(id): Path<ApplicantId>,
) -> Result<Response, AppError> {
    let mut tx = db::begin(&state.pool, actor.db()).await?;
    let applicant = crate::applicants::store::find(&mut tx, id).await?.ok_or(AppError::NotFound)?;
    let filter = ProjectFilter { region: Some(applicant.region.id), applicant: Some(id), ..ProjectFilter::default() };
    let lines = store::list(&mut tx, &filter, Sort::Updated, None, 0, 200).await?;
    let industries = industries_of(&mut tx, &reference, Some(applicant.region.id), this_year()).await?;
    tx.commit().await?;
    let may_edit = may_write(&actor, &applicant.region);
    render(ApplicantPage::new(&chrome, &reference, applicant, &lines, &industries, may_edit))
}
