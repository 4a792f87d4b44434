//! Joint inspections (联合检查) and deadline-bound rectification (限期整改), task 2: partner and
//! city officers log an inspection of a registered employer in their region (the region is the
//! actor's), with its findings (category, hazard level, legal basis, advice, deadline,
//! responsible department) and files; each finding is followed up (rectified and then verified
//! by another officer of the responsible department or HRSS, deadline extended a limited number
//! of times, or referred for penalty), each step in the shared history. A finding's status is
//! computed from its follow-ups and today (`model::status`), never stored. Province officers read
//! every region's, with counts per city; agency officers read their region's.

pub mod model;
pub mod store;
pub mod views;

use axum::Router;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use axum::routing::{get, post};
use axum_extra::extract::Form;
use chrono::Datelike;
use serde::Deserialize;

use self::model::{
    ATTACHMENT_KINDS, FINDING_ATTACHMENT_KINDS, FINDING_KIND, Finding, FindingForm, FindingId, FindingStatus, FollowUp,
    FollowUpForm, HazardLevel, InspectionForm, InspectionId, JointInspection, Stage, may_act, may_edit, may_log,
};
use self::store::{FindingFilter, FindingLine, FollowUpRequest};
use self::views::{
    Chosen, CountRow, DetailPage, DetailParts, EditPage, EmployerPage, Feedback, FindingFeedback, FindingPage,
    FindingRow, FindingsPage, InspectionRow, LineRow, ListPage,
};
use crate::attachments;
use crate::audit::export::{self, ExportJob};
use crate::audit::{Action, AuditContext};
use crate::auth::Actor;
use crate::db::{self, Scope};
use crate::employers::model::EmployerId;
use crate::error::AppError;
use crate::org::{DepartmentKind, Region, Role};
use crate::reference::{Ref, Reference};
use crate::state::AppState;
use crate::values::{Date, time};
use crate::web::export::{Cell, Column, Kind};
use crate::web::flash::{self, Flash};
use crate::web::form::{Choice, FieldErrors, year_asked, year_choices};
use crate::web::layout::{Chrome, Crumb};
use crate::web::once::{self, FormToken};
use crate::web::pagination::{Page, Pager, lenient_u32};
use crate::web::render;
use crate::workflow::history::{self, timeline};
use crate::workflow::step::outcome;
use crate::workflow::{By, Done};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/inspections", get(list))
        .route("/inspections/new", get(new_inspection).post(create))
        .route("/inspections/{id}", get(detail))
        .route("/inspections/{id}/edit", get(edit).post(save))
        .route("/inspections/{id}/findings", post(add_finding))
        .merge(attachments::pages::routes::<JointInspection>("/inspections/{id}"))
        .route("/findings", get(findings))
        .route("/findings/export", get(export_findings))
        .route("/findings/{id}", get(finding))
        .route("/findings/{id}/follow-up", post(follow_up))
        .merge(attachments::pages::routes::<Finding>("/findings/{id}"))
        .route("/employers/{id}/inspections", get(employer))
}

const PAGE_SIZE: u32 = 50;

fn given(v: &Option<String>) -> Option<String> {
    v.as_deref().map(str::trim).filter(|s| !s.is_empty()).map(str::to_string)
}

/// The region a list shows: a province officer's choice (none: every region), another's own.
fn region_asked(actor: &Actor, reference: &Reference, asked: &Option<String>) -> Option<Region> {
    match actor.db().scope {
        Scope::Province => given(asked).and_then(|c| reference.region_by_code(&c).cloned()),
        _ => actor.region.clone(),
    }
}

fn departments_on(reference: &Reference, day: chrono::NaiveDate) -> Vec<DepartmentKind> {
    crate::cycles::model::departments_on(&reference.cycles, day)
}

fn department_choices(departments: &[DepartmentKind]) -> Vec<Choice> {
    departments.iter().map(|d| Choice::new(d.as_str(), d.label())).collect()
}

#[derive(Debug, Default, Deserialize)]
pub struct ListQuery {
    #[serde(default, deserialize_with = "lenient_u32")]
    pub year: Option<u32>,
    #[serde(default)]
    pub region: Option<String>,
    #[serde(default, deserialize_with = "lenient_u32")]
    pub page: Option<u32>,
}

/// 联合检查: a year's inspections of the region (for the province, with no region chosen, the
/// open, overdue and 重大隐患 findings of every city first).
async fn list(
    State(state): State<AppState>,
    actor: Actor,
    Ref(reference): Ref,
    chrome: Chrome,
    Query(q): Query<ListQuery>,
) -> Result<Response, AppError> {
    let this_year = time::today().year();
    let year = year_asked(q.year, this_year);
    let province = actor.db().scope == Scope::Province;
    let region = region_asked(&actor, &reference, &q.region);
    let page = Page::new(q.page, PAGE_SIZE);
    let today = time::today();
    let mut tx = db::begin(&state.pool, actor.db()).await?;
    let counts = if province && region.is_none() { store::counts(&mut tx, today).await? } else { Vec::new() };
    let lines = store::inspections(&mut tx, region.as_ref().map(|r| r.id), year, page.limit(), page.offset()).await?;
    tx.commit().await?;
    let counts = match province && region.is_none() {
        true => reference
            .regions
            .iter()
            .map(|r| {
                let c = counts.iter().find(|c| c.0 == r.id);
                CountRow {
                    code: r.code.clone(),
                    region: r.name.clone(),
                    open: c.map_or(0, |c| c.1),
                    overdue: c.map_or(0, |c| c.2),
                    major: c.map_or(0, |c| c.3),
                }
            })
            .collect(),
        false => Vec::new(),
    };
    let mut query = format!("year={year}");
    if let (true, Some(r)) = (province, &region) {
        query.push_str(&format!("&region={}", r.code));
    }
    render(ListPage {
        layout: chrome.layout("联合检查", vec![Crumb::here("联合检查")]),
        years: year_choices(this_year),
        year: year.to_string(),
        regions: reference.regions.iter().map(|r| Choice::new(r.code.clone(), r.name.clone())).collect(),
        region: if province { region.map(|r| r.code).unwrap_or_default() } else { String::new() },
        show_region: province,
        counts,
        rows: lines.iter().map(InspectionRow::of).collect(),
        pager: Pager::new(page, lines.first().map_or(0, |l| l.total), query),
        may_log: actor.region.as_ref().is_some_and(|r| may_log(&actor, r)),
    })
}

/// The region an actor logs in: their own, if they may.
fn logging_region(actor: &Actor) -> Result<Region, AppError> {
    actor.region.clone().filter(|r| may_log(actor, r)).ok_or(AppError::Forbidden)
}

/// A partner officer's inspections are led by their own department.
fn fixed_lead(actor: &Actor) -> Option<DepartmentKind> {
    match actor.role {
        Role::PartnerOfficer => actor.department,
        _ => None,
    }
}

fn edit_page(
    chrome: &Chrome,
    actor: &Actor,
    reference: &Reference,
    existing: Option<&JointInspection>,
    form: InspectionForm,
    errors: FieldErrors,
) -> Result<Response, AppError> {
    let departments = department_choices(&departments_on(reference, time::today()));
    let fixed = fixed_lead(actor).map(|d| Choice::new(d.as_str(), d.label()));
    render(EditPage::new(chrome, existing, form, errors, departments, fixed))
}

#[derive(Debug, Default, Deserialize)]
pub struct NewQuery {
    /// The employer to inspect (from its page).
    #[serde(default)]
    pub employer: Option<String>,
}

async fn new_inspection(
    State(state): State<AppState>,
    actor: Actor,
    Ref(reference): Ref,
    chrome: Chrome,
    Query(q): Query<NewQuery>,
) -> Result<Response, AppError> {
    let region = logging_region(&actor)?;
    let mut form = InspectionForm {
        inspected_on: time::today().to_string(),
        lead_department: fixed_lead(&actor).unwrap_or(DepartmentKind::Hrss).as_str().into(),
        ..InspectionForm::default()
    };
    if let Some(id) = q.employer.as_deref().and_then(|e| e.trim().parse::<i64>().ok()) {
        let mut tx = db::begin(&state.pool, actor.db()).await?;
        let found = crate::employers::store::find(&mut tx, EmployerId(id)).await?;
        tx.commit().await?;
        if let Some(e) = found.filter(|e| e.region.id == region.id) {
            form.employer = e.credit_code;
        }
    }
    edit_page(&chrome, &actor, &reference, None, form, FieldErrors::default())
}

/// The form checked, and its employer found in the region.
async fn parse_inspection(
    state: &AppState,
    actor: &Actor,
    reference: &Reference,
    region: &Region,
    form: &InspectionForm,
) -> Result<Result<(model::InspectionInput, crate::values::Version, i64), FieldErrors>, AppError> {
    let day = Date::parse(&form.inspected_on).map(|d| d.0).unwrap_or_else(|_| time::today());
    let (input, version) = match form.parse(&departments_on(reference, day), fixed_lead(actor), time::today()) {
        Ok(parsed) => parsed,
        Err(errors) => return Ok(Err(errors)),
    };
    let mut tx = db::begin(&state.pool, actor.db()).await?;
    let employer = store::employer_by_code(&mut tx, region.id, &input.employer).await?;
    tx.commit().await?;
    match employer {
        Some((id, _)) => Ok(Ok((input, version, id))),
        None => {
            let mut errors = FieldErrors::default();
            errors.add("employer", "本地区没有登记该统一社会信用代码的用人单位，请先在用人单位中登记。");
            Ok(Err(errors))
        }
    }
}

async fn create(
    State(state): State<AppState>,
    actor: Actor,
    Ref(reference): Ref,
    chrome: Chrome,
    audit: AuditContext,
    Form(form): Form<InspectionForm>,
) -> Result<Response, AppError> {
    let region = logging_region(&actor)?;
    let token = form.form_token.parse()?;
    let (input, _, employer) = match parse_inspection(&state, &actor, &reference, &region, &form).await? {
        Ok(parsed) => parsed,
        Err(errors) => return edit_page(&chrome, &actor, &reference, None, form, errors),
    };
    let by = By { account: actor.account_id, name: &actor.display_name };
    let mut tx = db::begin(&state.pool, actor.db()).await?;
    let done = once::run(&mut tx, actor.account_id, &token, async |tx| {
        let id = store::create_inspection(tx, &audit, region.id, employer, &input, &by).await?;
        Ok::<_, AppError>(format!("/inspections/{id}"))
    })
    .await?;
    tx.commit().await?;
    Ok(flash::after(done, Flash::InspectionSaved))
}

/// An inspection in the actor's scope, with its region.
async fn load(
    state: &AppState,
    actor: &Actor,
    reference: &Reference,
    id: InspectionId,
) -> Result<(JointInspection, Region), AppError> {
    let mut tx = db::begin(&state.pool, actor.db()).await?;
    let inspection = store::find_inspection(&mut tx, id).await?.ok_or(AppError::NotFound)?;
    tx.commit().await?;
    let region = reference.regions.iter().find(|r| r.id == inspection.region).cloned().ok_or(AppError::NotFound)?;
    Ok((inspection, region))
}

async fn detail_page(
    state: &AppState,
    actor: &Actor,
    reference: &Reference,
    chrome: &Chrome,
    id: InspectionId,
    feedback: Feedback,
) -> Result<Response, AppError> {
    let mut tx = db::begin(&state.pool, actor.db()).await?;
    let inspection = store::find_inspection(&mut tx, id).await?.ok_or(AppError::NotFound)?;
    let findings = store::findings_of(&mut tx, &inspection).await?;
    let files = attachments::store::list(&mut tx, &inspection.owner()).await?;
    tx.commit().await?;
    let region = reference.regions.iter().find(|r| r.id == inspection.region).cloned().ok_or(AppError::NotFound)?;
    let parts = DetailParts {
        editable: may_edit(actor, &region, &inspection),
        may_add: may_log(actor, &region),
        departments: department_choices(&departments_on(reference, inspection.inspected_on)),
        region: region.name,
        inspection,
        findings,
        files,
    };
    render(DetailPage::new(chrome, parts, feedback, state.settings.attachment_max_bytes))
}

async fn detail(
    State(state): State<AppState>,
    actor: Actor,
    Ref(reference): Ref,
    chrome: Chrome,
    Path(id): Path<InspectionId>,
) -> Result<Response, AppError> {
    detail_page(&state, &actor, &reference, &chrome, id, Feedback::default()).await
}

/// An inspection its editors change (anyone else: 403; another region's: 404).
async fn load_editable(
    state: &AppState,
    actor: &Actor,
    reference: &Reference,
    id: InspectionId,
) -> Result<(JointInspection, Region), AppError> {
    let (inspection, region) = load(state, actor, reference, id).await?;
    if !may_edit(actor, &region, &inspection) {
        return Err(AppError::Forbidden);
    }
    Ok((inspection, region))
}

async fn edit(
    State(state): State<AppState>,
    actor: Actor,
    Ref(reference): Ref,
    chrome: Chrome,
    Path(id): Path<InspectionId>,
) -> Result<Response, AppError> {
    let (inspection, _) = load_editable(&state, &actor, &reference, id).await?;
    edit_page(&chrome, &actor, &reference, Some(&inspection), InspectionForm::of(&inspection), FieldErrors::default())
}

async fn save(
    State(state): State<AppState>,
    actor: Actor,
    Ref(reference): Ref,
    chrome: Chrome,
    audit: AuditContext,
    Path(id): Path<InspectionId>,
    Form(form): Form<InspectionForm>,
) -> Result<Response, AppError> {
    let (inspection, region) = load_editable(&state, &actor, &reference, id).await?;
    let (input, version, employer) = match parse_inspection(&state, &actor, &reference, &region, &form).await? {
        Ok(parsed) => parsed,
        Err(errors) => return edit_page(&chrome, &actor, &reference, Some(&inspection), form, errors),
    };
    let mut tx = db::begin(&state.pool, actor.db()).await?;
    store::update_inspection(&mut tx, &audit, &inspection, version, employer, &input).await?;
    tx.commit().await?;
    Ok(flash::redirect_with(&format!("/inspections/{id}"), Flash::InspectionSaved))
}

/// 登记问题: a finding of the inspection, by the region's loggers.
async fn add_finding(
    State(state): State<AppState>,
    actor: Actor,
    Ref(reference): Ref,
    chrome: Chrome,
    audit: AuditContext,
    Path(id): Path<InspectionId>,
    Form(form): Form<FindingForm>,
) -> Result<Response, AppError> {
    let (inspection, region) = load(&state, &actor, &reference, id).await?;
    if !may_log(&actor, &region) {
        return Err(AppError::Forbidden);
    }
    let token = form.form_token.parse()?;
    let input = match form.parse(&departments_on(&reference, inspection.inspected_on), inspection.inspected_on) {
        Ok(input) => input,
        Err(errors) => {
            let feedback = Feedback { finding: form, finding_errors: errors, ..Feedback::default() };
            return detail_page(&state, &actor, &reference, &chrome, id, feedback).await;
        }
    };
    let by = By { account: actor.account_id, name: &actor.display_name };
    let mut tx = db::begin(&state.pool, actor.db()).await?;
    let done = once::run(&mut tx, actor.account_id, &token, async |tx| {
        let finding = store::add_finding(tx, &audit, &inspection, &input, &by).await?;
        Ok::<_, AppError>(format!("/findings/{finding}"))
    })
    .await?;
    tx.commit().await?;
    Ok(flash::after(done, Flash::FindingAdded))
}

/// An inspection's records: added and removed by its editors, read by whoever sees it.
impl attachments::pages::Holder for JointInspection {
    type Id = InspectionId;
    const KINDS: &'static [attachments::AttachmentKind] = ATTACHMENT_KINDS;

    fn page(id: InspectionId) -> String {
        format!("/inspections/{id}")
    }

    fn owner(&self) -> attachments::Owner {
        JointInspection::owner(self)
    }

    fn stage(&self) -> &'static str {
        "recorded"
    }

    fn title(&self) -> String {
        "检查记录".into()
    }

    fn crumb() -> Crumb {
        views::crumb()
    }

    async fn find(tx: &mut sqlx::PgConnection, id: InspectionId, _lock: bool) -> sqlx::Result<Option<JointInspection>> {
        // Who may change an inspection's files does not change with the record: no lock needed.
        store::find_inspection(tx, id).await
    }

    fn readable(&self, _: &Actor, _: &Reference) -> Result<(), AppError> {
        Ok(())
    }

    fn changeable(&self, actor: &Actor, reference: &Reference) -> Result<(), AppError> {
        let region = reference.regions.iter().find(|r| r.id == self.region).ok_or(AppError::NotFound)?;
        if may_edit(actor, region, self) { Ok(()) } else { Err(AppError::Forbidden) }
    }

    async fn with_problem(
        state: &AppState,
        actor: &Actor,
        reference: &Reference,
        chrome: &Chrome,
        id: InspectionId,
        problem: String,
    ) -> Result<Response, AppError> {
        let feedback = Feedback { upload: Some(problem), ..Feedback::default() };
        detail_page(state, actor, reference, chrome, id, feedback).await
    }
}

#[derive(Debug, Default, Deserialize)]
pub struct FindingsQuery {
    #[serde(default)]
    pub region: Option<String>,
    #[serde(default)]
    pub status: Option<String>,
    #[serde(default)]
    pub department: Option<String>,
    #[serde(default)]
    pub division: Option<String>,
    #[serde(default)]
    pub employer: Option<String>,
    #[serde(default)]
    pub hazard: Option<String>,
    #[serde(default)]
    pub from: Option<String>,
    #[serde(default)]
    pub to: Option<String>,
    /// The year of the inspections the findings were made at.
    #[serde(default, deserialize_with = "lenient_u32")]
    pub year: Option<u32>,
    /// `1`: only findings not yet rectified (whatever their deadline).
    #[serde(default)]
    pub open: Option<String>,
    #[serde(default, deserialize_with = "lenient_u32")]
    pub page: Option<u32>,
}

/// The filter asked for (values that do not parse are dropped), what the page shows as chosen,
/// and the query string. A partner officer's list opens on their own department's findings.
fn findings_asked(actor: &Actor, reference: &Reference, q: &FindingsQuery) -> (FindingFilter, Chosen, String) {
    let region = region_asked(actor, reference, &q.region);
    let department = match given(&q.department) {
        Some(d) if d == "all" => None,
        Some(d) => DepartmentKind::parse(&d),
        None if actor.role == Role::PartnerOfficer => actor.department,
        None => None,
    };
    let day = |v: &Option<String>| given(v).and_then(|d| Date::parse(&d).ok()).map(|d| d.0);
    let filter = FindingFilter {
        region: region.as_ref().map(|r| r.id),
        status: given(&q.status).and_then(|s| FindingStatus::parse(&s)),
        department,
        division: given(&q.division).filter(|d| reference.division(d).is_some()),
        employer: given(&q.employer).and_then(|e| e.parse::<i64>().ok()),
        hazard: given(&q.hazard).and_then(|h| HazardLevel::parse(&h)),
        from: day(&q.from),
        to: day(&q.to),
        year: q.year.map(|y| y as i32).filter(|y| (2000..=2100).contains(y)),
        open_only: given(&q.open).is_some_and(|o| o == "1"),
    };
    let chosen = Chosen {
        region: if actor.db().scope == Scope::Province {
            region.map(|r| r.code).unwrap_or_default()
        } else {
            String::new()
        },
        status: filter.status.map(|s| s.as_str().to_string()).unwrap_or_default(),
        department: filter.department.map(|d| d.as_str().to_string()).unwrap_or_else(|| "all".into()),
        division: filter.division.clone().unwrap_or_default(),
        employer: filter.employer.map(|e| e.to_string()).unwrap_or_default(),
        hazard: filter.hazard.map(|h| h.as_str().to_string()).unwrap_or_default(),
        from: filter.from.map(|d| d.to_string()).unwrap_or_default(),
        to: filter.to.map(|d| d.to_string()).unwrap_or_default(),
        year: filter.year.map(|y| y.to_string()).unwrap_or_default(),
        open: if filter.open_only { "1".into() } else { String::new() },
    };
    let mut query = form_urlencoded::Serializer::new(String::new());
    for (key, value) in [
        ("region", &chosen.region),
        ("status", &chosen.status),
        ("department", &chosen.department),
        ("division", &chosen.division),
        ("employer", &chosen.employer),
        ("hazard", &chosen.hazard),
        ("from", &chosen.from),
        ("to", &chosen.to),
        ("year", &chosen.year),
        ("open", &chosen.open),
    ] {
        if !value.is_empty() {
            query.append_pair(key, value);
        }
    }
    (filter, chosen, query.finish())
}

/// 限期整改: the findings, the nearest deadline first, filtered, 50 a page.
async fn findings(
    State(state): State<AppState>,
    actor: Actor,
    Ref(reference): Ref,
    chrome: Chrome,
    Query(q): Query<FindingsQuery>,
) -> Result<Response, AppError> {
    let (filter, chosen, query) = findings_asked(&actor, &reference, &q);
    let today = time::today();
    let page = Page::new(q.page, PAGE_SIZE);
    let mut tx = db::begin(&state.pool, actor.db()).await?;
    let lines = store::findings(&mut tx, &filter, today, page.limit(), page.offset()).await?;
    tx.commit().await?;
    let mut departments = vec![Choice::new("all", "全部")];
    departments.extend(department_choices(&departments_on(&reference, today)));
    render(FindingsPage {
        layout: chrome.layout("限期整改", vec![Crumb::here("限期整改")]),
        rows: lines.iter().map(|l| LineRow::of(l, today)).collect(),
        pager: Pager::new(page, lines.first().map_or(0, |l| l.total), query.clone()),
        chosen,
        show_region: actor.db().scope == Scope::Province,
        regions: reference.regions.iter().map(|r| Choice::new(r.code.clone(), r.name.clone())).collect(),
        statuses: FindingsPage::statuses(),
        departments,
        hazard_levels: crate::web::form::choices::<HazardLevel>(),
        query,
    })
}

const COLUMNS: &[Column] = &[
    Column::new("地区", Kind::Text, 10.0),
    Column::new("检查日期", Kind::Date, 12.0),
    Column::new("用人单位", Kind::Text, 30.0),
    Column::new("行业代码", Kind::Text, 8.0),
    Column::new("问题类别", Kind::Text, 20.0),
    Column::new("隐患等级", Kind::Text, 10.0),
    Column::new("问题描述", Kind::Text, 40.0),
    Column::new("整改期限", Kind::Date, 12.0),
    Column::new("延期次数", Kind::Integer, 8.0),
    Column::new("责任部门", Kind::Text, 14.0),
    Column::new("状态", Kind::Text, 14.0),
];

async fn export_findings(
    State(state): State<AppState>,
    actor: Actor,
    Ref(reference): Ref,
    audit: AuditContext,
    Query(q): Query<FindingsQuery>,
) -> Result<Response, AppError> {
    let (filter, chosen, query) = findings_asked(&actor, &reference, &q);
    let today = time::today();
    let job = ExportJob {
        title: "限期整改事项",
        filters: vec![
            ("状态", filter.status.map_or("全部".to_string(), |s| s.label().to_string())),
            ("责任部门", filter.department.map_or("全部".to_string(), |d| d.label().to_string())),
            ("整改期限", format!("{} 至 {}", chosen.from, chosen.to)),
        ],
        columns: COLUMNS,
        action: Action::ExportFindings,
        described: query,
        unmasked: false,
    };
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
                let rows = store::findings(&mut tx, &filter, today, export::BATCH, offset).await?;
                tx.commit().await?;
                Ok(rows.into_iter().enumerate().map(|(i, r)| (offset + i as i64 + 1, r)).collect())
            }
        },
        |(n, _): &(i64, FindingLine)| *n,
        move |(_, l)| {
            let status = l.status(today).label();
            vec![
                l.region_name.into(),
                Cell::Date(l.inspected_on),
                l.employer_name.into(),
                l.division_code.into(),
                l.category.label().into(),
                l.hazard_level.map_or("", |h| h.label()).into(),
                l.description.into(),
                Cell::Date(l.deadline),
                Cell::Integer(i64::from(l.extensions)),
                l.responsible_department.label().into(),
                status.into(),
            ]
        },
    )
    .await
}

/// A finding in the actor's scope, with its region.
async fn load_finding(
    state: &AppState,
    actor: &Actor,
    reference: &Reference,
    id: FindingId,
) -> Result<(Finding, Region), AppError> {
    let mut tx = db::begin(&state.pool, actor.db()).await?;
    let finding = store::find_finding(&mut tx, id, false).await?.ok_or(AppError::NotFound)?;
    tx.commit().await?;
    let region = reference.regions.iter().find(|r| r.id == finding.region).cloned().ok_or(AppError::NotFound)?;
    Ok((finding, region))
}

async fn finding_page(
    state: &AppState,
    actor: &Actor,
    reference: &Reference,
    chrome: &Chrome,
    id: FindingId,
    feedback: FindingFeedback,
) -> Result<Response, AppError> {
    let mut tx = db::begin(&state.pool, actor.db()).await?;
    let finding = store::find_finding(&mut tx, id, false).await?.ok_or(AppError::NotFound)?;
    let entries = history::of(&mut tx, FINDING_KIND, id.0).await?;
    let files = attachments::store::list(&mut tx, &finding.owner()).await?;
    tx.commit().await?;
    let region = reference.regions.iter().find(|r| r.id == finding.region).cloned().ok_or(AppError::NotFound)?;
    let acts = may_act(actor, &region, &finding);
    let limits = (state.settings.attachment_max_bytes, state.settings.rectification_max_extensions);
    let lines = timeline::<Stage, FollowUp>(&entries);
    render(FindingPage::new(chrome, finding, region.name, acts, lines, &files, feedback, limits))
}

async fn finding(
    State(state): State<AppState>,
    actor: Actor,
    Ref(reference): Ref,
    chrome: Chrome,
    Path(id): Path<FindingId>,
) -> Result<Response, AppError> {
    finding_page(&state, &actor, &reference, &chrome, id, FindingFeedback::default()).await
}

/// A finding its actors act on (anyone else: 403; another region's: 404).
async fn load_actionable(
    state: &AppState,
    actor: &Actor,
    reference: &Reference,
    id: FindingId,
) -> Result<(Finding, Region), AppError> {
    let (finding, region) = load_finding(state, actor, reference, id).await?;
    if !may_act(actor, &region, &finding) {
        return Err(AppError::Forbidden);
    }
    Ok((finding, region))
}

/// 登记整改 / 核验销号 / 核验不通过 / 延长整改期限 / 移交处罚.
async fn follow_up(
    State(state): State<AppState>,
    actor: Actor,
    Ref(reference): Ref,
    chrome: Chrome,
    audit: AuditContext,
    Path(id): Path<FindingId>,
    Form(form): Form<FollowUpForm>,
) -> Result<Response, AppError> {
    load_actionable(&state, &actor, &reference, id).await?;
    let token = FormToken::parse(&form.form_token)?;
    let action = FollowUp::parse(form.action.trim()).ok_or(AppError::Refused("请选择要办理的事项。".into()))?;
    let today = time::today();
    let input = match form.parse(action, today) {
        Ok(input) => input,
        Err(errors) => {
            let feedback = FindingFeedback { form, errors, ..FindingFeedback::default() };
            return finding_page(&state, &actor, &reference, &chrome, id, feedback).await;
        }
    };
    let request = FollowUpRequest {
        action,
        comment: &form.comment,
        input: &input,
        today,
        max_extensions: state.settings.rectification_max_extensions,
    };
    let by = By { account: actor.account_id, name: &actor.display_name };
    let mut tx = db::begin(&state.pool, actor.db()).await?;
    let result = store::follow_up(&mut tx, &audit, &by, actor.role, &token, id, &request).await;
    match outcome(result)? {
        Ok(Done::Now(url)) => {
            tx.commit().await?;
            Ok(flash::redirect_with(&url, Flash::FindingFollowedUp))
        }
        Ok(Done::Before(url)) => Ok(flash::redirect_with(&url, Flash::FindingFollowedUp)),
        Err(problems) => {
            drop(tx);
            let feedback = FindingFeedback {
                form,
                problems: problems.into_iter().map(|p| p.message).collect(),
                ..FindingFeedback::default()
            };
            finding_page(&state, &actor, &reference, &chrome, id, feedback).await
        }
    }
}

/// A finding's photos and documents: added and removed by those who act on it, read by whoever
/// sees it; each change filed under the finding's stage.
impl attachments::pages::Holder for Finding {
    type Id = FindingId;
    const KINDS: &'static [attachments::AttachmentKind] = FINDING_ATTACHMENT_KINDS;

    fn page(id: FindingId) -> String {
        format!("/findings/{id}")
    }

    fn owner(&self) -> attachments::Owner {
        Finding::owner(self)
    }

    fn stage(&self) -> &'static str {
        Finding::stage(self).as_str()
    }

    fn title(&self) -> String {
        "整改事项".into()
    }

    fn crumb() -> Crumb {
        views::findings_crumb()
    }

    async fn find(tx: &mut sqlx::PgConnection, id: FindingId, lock: bool) -> sqlx::Result<Option<Finding>> {
        store::find_finding(tx, id, lock).await
    }

    fn readable(&self, _: &Actor, _: &Reference) -> Result<(), AppError> {
        Ok(())
    }

    fn changeable(&self, actor: &Actor, reference: &Reference) -> Result<(), AppError> {
        let region = reference.regions.iter().find(|r| r.id == self.region).ok_or(AppError::NotFound)?;
        if may_act(actor, region, self) { Ok(()) } else { Err(AppError::Forbidden) }
    }

    async fn with_problem(
        state: &AppState,
        actor: &Actor,
        reference: &Reference,
        chrome: &Chrome,
        id: FindingId,
        problem: String,
    ) -> Result<Response, AppError> {
        let feedback = FindingFeedback { upload: Some(problem), ..FindingFeedback::default() };
        finding_page(state, actor, reference, chrome, id, feedback).await
    }
}

/// An employer's inspections and findings (another region's employer: 404).
async fn employer(
    State(state): State<AppState>,
    actor: Actor,
    chrome: Chrome,
    Path(id): Path<EmployerId>,
) -> Result<Response, AppError> {
    let today = time::today();
    let mut tx = db::begin(&state.pool, actor.db()).await?;
    let found = crate::employers::store::find(&mut tx, id).await?.ok_or(AppError::NotFound)?;
    let (inspections, findings) = store::of_employer(&mut tx, found.region.id, id.0).await?;
    tx.commit().await?;
    let here = format!("/employers/{id}");
    render(EmployerPage {
        layout: chrome.layout(
            format!("{}：联合检查与整改", found.name),
            vec![
                Crumb::link("用人单位", "/employers"),
                Crumb::link(found.name.clone(), here),
                Crumb::here("联合检查与整改"),
            ],
        ),
        employer_id: id.0,
        employer: found.name,
        inspections: inspections.iter().map(InspectionRow::of).collect(),
        findings: findings.iter().map(|f| FindingRow::of(f, today)).collect(),
    })
}
