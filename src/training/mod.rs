//! Key-position training (重点岗位培训, task 6): training sessions with their trainees (a person
//! by ID-card number, masked everywhere but an audited unmasking), each employer's required
//! people per category of the cycle, and coverage (培训覆盖率): per employer, key industry,
//! category, region and province, against the cycle's target. City and agency officers keep
//! their region's; partner officers read their region's; province officers read every region's.
//! The rules are in `model.rs`, the SQL in `store.rs`; `employer.rs` is an employer's training
//! page, `coverage.rs` the coverage pages, `import.rs` the trainee and required-people imports.

pub mod coverage;
pub mod employer;
pub mod import;
pub mod model;
pub mod store;
pub mod views;

use axum::Router;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use axum::routing::get;
use axum_extra::extract::Form;
use serde::Deserialize;

use self::model::{
    ResultForm, SessionForm, SessionId, TraineeForm, TraineeId, all_categories, category_refusal, may_keep, may_unmask,
};
use self::store::{NewTrainee, Session};
use self::views::{SessionFormPage, SessionPage, SessionRow, SessionsPage, TraineePage, cycle_choices};
use crate::audit::{self, Action, AuditContext, Event};
use crate::auth::Actor;
use crate::cycles::model::{Cycle, pick};
use crate::db::{self, Scope};
use crate::error::{AppError, WriteError};
use crate::org::Region;
use crate::organisations;
use crate::reference::{Ref, Reference};
use crate::state::AppState;
use crate::values::time;
use crate::web::confirm::ConfirmPage;
use crate::web::flash::{self, Flash};
use crate::web::form::{Choice, FieldErrors};
use crate::web::layout::{Chrome, Crumb};
use crate::web::once::{self, Claim};
use crate::web::pagination::{Page, Pager, lenient_u32};
use crate::web::render;
use crate::workflow::By;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/training", get(list))
        .route("/training/new", get(new_session).post(create))
        .route("/training/sessions/{id}", get(show))
        .route("/training/sessions/{id}/edit", get(edit).post(save))
        .route("/training/sessions/{id}/delete", get(confirm_delete).post(delete))
        .route("/training/sessions/{id}/trainees", axum::routing::post(add_trainee))
        .route("/training/sessions/{id}/trainees/{trainee}", get(trainee))
        .route("/training/sessions/{id}/trainees/{trainee}/result", axum::routing::post(save_result))
        .route("/training/sessions/{id}/trainees/{trainee}/remove", get(confirm_remove).post(remove))
        .route("/training/sessions/{id}/trainees/{trainee}/unmask", axum::routing::post(unmask))
        .merge(import::routes())
        .merge(employer::routes())
        .merge(coverage::routes())
}

const PAGE_SIZE: u32 = 50;

/// The cycle asked for by its first year (the current one by default).
pub fn cycle_of<'a>(reference: &'a Reference, asked: Option<&str>) -> Result<&'a Cycle, AppError> {
    let asked = asked.and_then(|y| y.trim().parse::<i32>().ok());
    pick(&reference.cycles, asked, time::today()).ok_or(AppError::NotFound)
}

/// The region whose records a keeper writes: their own.
fn kept_region(actor: &Actor) -> Result<Region, AppError> {
    actor.region.clone().filter(|r| may_keep(actor, r)).ok_or(AppError::Forbidden)
}

#[derive(Debug, Default, Deserialize)]
pub struct ListQuery {
    #[serde(default)]
    pub cycle: Option<String>,
    #[serde(default)]
    pub region: Option<String>,
    #[serde(default, deserialize_with = "lenient_u32")]
    pub page: Option<u32>,
}

/// 重点岗位培训: the sessions of a cycle (the province's of every region, or one's).
async fn list(
    State(state): State<AppState>,
    actor: Actor,
    Ref(reference): Ref,
    chrome: Chrome,
    Query(q): Query<ListQuery>,
) -> Result<Response, AppError> {
    let cycle = cycle_of(&reference, q.cycle.as_deref())?;
    let province = matches!(actor.db().scope, Scope::Province);
    let region = match province {
        true => q.region.as_deref().and_then(|c| reference.region_by_code(c.trim())).cloned(),
        false => actor.region.clone(),
    };
    let page = Page::new(q.page, PAGE_SIZE);
    let mut tx = db::begin(&state.pool, actor.db()).await?;
    let lines = store::sessions(&mut tx, cycle.id, region.as_ref().map(|r| r.id), page.limit(), page.offset()).await?;
    tx.commit().await?;
    let mut query = format!("cycle={}", cycle.first_year);
    if let (true, Some(r)) = (province, &region) {
        query.push_str(&format!("&region={}", r.code));
    }
    render(SessionsPage {
        layout: chrome.layout("重点岗位培训", vec![Crumb::here("重点岗位培训")]),
        cycles: cycle_choices(&reference.cycles),
        cycle: cycle.first_year.to_string(),
        province,
        regions: reference.regions.iter().map(|r| Choice::new(r.code.clone(), r.name.clone())).collect(),
        region: region.map(|r| r.code).unwrap_or_default(),
        rows: lines.iter().map(SessionRow::of).collect(),
        pager: Pager::new(page, lines.first().map_or(0, |l| l.total), query),
        may_create: actor.region.as_ref().is_some_and(|r| may_keep(&actor, r)),
    })
}

/// What the session form offers: the region's training projects (as funders) and the providers
/// on the recommended list in force that serve the region.
pub struct SessionChoices {
    pub projects: Vec<Choice>,
    pub providers: Vec<Choice>,
    /// The providers' names by id, for the session to record.
    names: Vec<(i64, String)>,
}

async fn session_choices(
    state: &AppState,
    actor: &Actor,
    region: &Region,
    existing: Option<&Session>,
) -> Result<SessionChoices, AppError> {
    let mut tx = db::begin(&state.pool, actor.db()).await?;
    let projects = store::training_projects(&mut tx, region.id).await?;
    let listed = organisations::store::choosable(&mut tx, region.id, time::today()).await?;
    tx.commit().await?;
    let mut providers: Vec<Choice> =
        listed.iter().map(|p| Choice::new(p.id.to_string(), format!("{}（{}）", p.name, p.kind.label()))).collect();
    let mut names: Vec<(i64, String)> = listed.into_iter().map(|p| (p.id.0, p.name)).collect();
    // A session keeps a provider suspended or removed since it was recorded.
    if let Some(s) = existing
        && let Some(id) = s.provider
        && !names.iter().any(|(n, _)| *n == id)
    {
        providers.push(Choice::new(id.to_string(), format!("{}（现已不在推荐清单）", s.provider_name)));
        names.push((id, s.provider_name.clone()));
    }
    Ok(SessionChoices {
        projects: projects
            .into_iter()
            .map(|(id, name, year)| Choice::new(id.to_string(), format!("{year}年 {name}")))
            .collect(),
        providers,
        names,
    })
}

/// 录入培训.
async fn new_session(State(state): State<AppState>, actor: Actor, chrome: Chrome) -> Result<Response, AppError> {
    let region = kept_region(&actor)?;
    let choices = session_choices(&state, &actor, &region, None).await?;
    let form = SessionForm { delivery: "offline".into(), ..SessionForm::default() };
    render(SessionFormPage::new(&chrome, None, form, FieldErrors::default(), choices))
}

/// Why a provider not offered cannot be chosen (a suspended, removed or lapsed listing, another
/// region's), read from the list.
async fn provider_refused(state: &AppState, actor: &Actor, region: &Region, id: i64) -> Result<&'static str, AppError> {
    let mut tx = db::begin(&state.pool, actor.db()).await?;
    let org = organisations::store::find(&mut tx, organisations::model::OrganisationId(id), false).await?;
    tx.commit().await?;
    Ok(org
        .and_then(|o| organisations::model::provider_refusal(o.listing(), o.serves(region.id), time::today(), false))
        .unwrap_or("请从推荐清单中选择培训机构"))
}

/// Checks the session form, that a named project is the region's, and that a provider chosen
/// from the list may be chosen (one the session already names stays).
async fn parse_session(
    state: &AppState,
    actor: &Actor,
    reference: &Reference,
    region: &Region,
    form: &SessionForm,
    existing: Option<&Session>,
) -> Result<Result<(model::SessionInput, crate::values::Version, Cycle), (FieldErrors, SessionChoices)>, AppError> {
    let choices = session_choices(state, actor, region, existing).await?;
    let (mut input, version) = match form.parse(&reference.cycles, time::today()) {
        Ok(parsed) => parsed,
        Err(errors) => return Ok(Err((errors, choices))),
    };
    let mut errors = FieldErrors::default();
    if let Some(p) = input.project
        && !choices.projects.iter().any(|c| c.value == p.to_string())
    {
        errors.add("project", "请从本地区的培训项目中选择。");
    }
    if let Some(id) = input.provider {
        match choices.names.iter().find(|(n, _)| *n == id) {
            Some((_, name)) => input.provider_name = name.clone(),
            None => errors.add("provider", provider_refused(state, actor, region, id).await?),
        }
    }
    let cycle = reference.cycles.iter().find(|c| c.first_year == input.cycle_first_year).cloned();
    match (cycle, errors.is_empty()) {
        (Some(cycle), true) => Ok(Ok((input, version, cycle))),
        _ => Ok(Err((errors, choices))),
    }
}

async fn create(
    State(state): State<AppState>,
    actor: Actor,
    Ref(reference): Ref,
    chrome: Chrome,
    audit: AuditContext,
    Form(form): Form<SessionForm>,
) -> Result<Response, AppError> {
    let region = kept_region(&actor)?;
    let token = form.form_token.parse()?;
    let (input, _, cycle) = match parse_session(&state, &actor, &reference, &region, &form, None).await? {
        Ok(parsed) => parsed,
        Err((errors, choices)) => return render(SessionFormPage::new(&chrome, None, form, errors, choices)),
    };
    let by = By { account: actor.account_id, name: &actor.display_name };
    let mut tx = db::begin(&state.pool, actor.db()).await?;
    let done = once::run(&mut tx, actor.account_id, &token, async |tx| {
        let id = store::create_session(tx, &audit, region.id, cycle.id, &input, &by).await?;
        Ok::<_, AppError>(format!("/training/sessions/{id}"))
    })
    .await?;
    tx.commit().await?;
    Ok(flash::after(done, Flash::TrainingSessionSaved))
}

/// A session in the actor's scope, with its region.
async fn load(
    state: &AppState,
    actor: &Actor,
    reference: &Reference,
    id: SessionId,
) -> Result<(Session, Region), AppError> {
    let mut tx = db::begin(&state.pool, actor.db()).await?;
    let session = store::find_session(&mut tx, id).await?.ok_or(AppError::NotFound)?;
    tx.commit().await?;
    let region = reference.regions.iter().find(|r| r.id == session.region).cloned().ok_or(AppError::NotFound)?;
    Ok((session, region))
}

/// Refuses whoever does not keep `region`'s training.
fn kept(actor: &Actor, region: &Region) -> Result<(), AppError> {
    if may_keep(actor, region) { Ok(()) } else { Err(AppError::Forbidden) }
}

/// A session its region's keepers change (anyone else: 403; another region's: 404).
async fn load_kept(
    state: &AppState,
    actor: &Actor,
    reference: &Reference,
    id: SessionId,
) -> Result<(Session, Region), AppError> {
    let (session, region) = load(state, actor, reference, id).await?;
    kept(actor, &region)?;
    Ok((session, region))
}

/// The cycle a session counts in.
fn cycle_of_session<'a>(reference: &'a Reference, session: &Session) -> Result<&'a Cycle, AppError> {
    reference.cycles.iter().find(|c| c.id == session.cycle).ok_or(AppError::NotFound)
}

#[derive(Debug, Default, Deserialize)]
pub struct PageQuery {
    #[serde(default, deserialize_with = "lenient_u32")]
    pub page: Option<u32>,
}

async fn session_page(
    state: &AppState,
    actor: &Actor,
    reference: &Reference,
    chrome: &Chrome,
    (session, region): (Session, Region),
    page: Option<u32>,
    entry: (TraineeForm, FieldErrors),
) -> Result<Response, AppError> {
    let page = Page::new(page, PAGE_SIZE);
    let mut tx = db::begin(&state.pool, actor.db()).await?;
    let trainees = store::trainees_of_session(&mut tx, session.region, session.id, page.limit(), page.offset()).await?;
    tx.commit().await?;
    let cycle = cycle_of_session(reference, &session)?;
    let pager = Pager::new(page, trainees.first().map_or(0, |t| t.total), String::new());
    let keeps = may_keep(actor, &region);
    render(SessionPage::new(chrome, session, region.name, &trainees, pager, keeps, &all_categories(cycle), entry))
}

/// A session with its trainees (masked) and, for its keepers, the entry form.
async fn show(
    State(state): State<AppState>,
    actor: Actor,
    Ref(reference): Ref,
    chrome: Chrome,
    Path(id): Path<SessionId>,
    Query(q): Query<PageQuery>,
) -> Result<Response, AppError> {
    let loaded = load(&state, &actor, &reference, id).await?;
    session_page(&state, &actor, &reference, &chrome, loaded, q.page, Default::default()).await
}

fn form_of(s: &Session) -> SessionForm {
    SessionForm {
        provider: s.provider.map(|p| p.to_string()).unwrap_or_default(),
        provider_name: if s.provider.is_some() { String::new() } else { s.provider_name.clone() },
        delivery: s.delivery.as_str().into(),
        starts_on: s.starts_on.to_string(),
        ends_on: s.ends_on.to_string(),
        hours: s.hours.normalize().to_string(),
        topic: s.topic.clone(),
        place: s.place.clone(),
        has_exam: if s.has_exam { "yes".into() } else { String::new() },
        project: s.project.map(|p| p.to_string()).unwrap_or_default(),
        version: s.version.to_string(),
        form_token: crate::web::once::TokenField::default(),
    }
}

async fn edit(
    State(state): State<AppState>,
    actor: Actor,
    Ref(reference): Ref,
    chrome: Chrome,
    Path(id): Path<SessionId>,
) -> Result<Response, AppError> {
    let (session, region) = load_kept(&state, &actor, &reference, id).await?;
    let choices = session_choices(&state, &actor, &region, Some(&session)).await?;
    render(SessionFormPage::new(&chrome, Some(&session), form_of(&session), FieldErrors::default(), choices))
}

async fn save(
    State(state): State<AppState>,
    actor: Actor,
    Ref(reference): Ref,
    chrome: Chrome,
    audit: AuditContext,
    Path(id): Path<SessionId>,
    Form(form): Form<SessionForm>,
) -> Result<Response, AppError> {
    let (session, region) = load_kept(&state, &actor, &reference, id).await?;
    let (input, version, cycle) = match parse_session(&state, &actor, &reference, &region, &form, Some(&session))
        .await?
    {
        Ok(parsed) => parsed,
        Err((errors, choices)) => return render(SessionFormPage::new(&chrome, Some(&session), form, errors, choices)),
    };
    // With trainees recorded, who counts stays as it was: the cycle and the exam setting.
    let mut errors = FieldErrors::default();
    if session.trainees > 0 && input.has_exam != session.has_exam {
        errors.add("has_exam", "已录入学员，考试设置不能再改。");
    }
    if session.trainees > 0 && cycle.id != session.cycle {
        errors.add("starts_on", "已录入学员，开始日期不能改到另一个周期。");
    }
    if !errors.is_empty() {
        let choices = session_choices(&state, &actor, &region, Some(&session)).await?;
        return render(SessionFormPage::new(&chrome, Some(&session), form, errors, choices));
    }
    let mut tx = db::begin(&state.pool, actor.db()).await?;
    store::update_session(&mut tx, &audit, &session, version, cycle.id, &input).await?;
    tx.commit().await?;
    Ok(flash::redirect_with(&format!("/training/sessions/{id}"), Flash::TrainingSessionSaved))
}

async fn confirm_delete(
    State(state): State<AppState>,
    actor: Actor,
    Ref(reference): Ref,
    chrome: Chrome,
    Path(id): Path<SessionId>,
) -> Result<Response, AppError> {
    let (session, _) = load_kept(&state, &actor, &reference, id).await?;
    let here = format!("/training/sessions/{id}");
    let crumbs = vec![views::crumb(), Crumb::link(session.topic.clone(), here.clone())];
    render(ConfirmPage::new(
        &chrome,
        crumbs,
        "删除培训",
        format!("删除 {} 的培训“{}”？删除后不能恢复。", session.starts_on, session.topic),
        format!("{here}/delete"),
        "删除",
        here,
    ))
}

async fn delete(
    State(state): State<AppState>,
    actor: Actor,
    Ref(reference): Ref,
    audit: AuditContext,
    Path(id): Path<SessionId>,
) -> Result<Response, AppError> {
    let (session, _) = load_kept(&state, &actor, &reference, id).await?;
    let mut tx = db::begin(&state.pool, actor.db()).await?;
    store::delete_session(&mut tx, &audit, &session).await?;
    tx.commit().await?;
    Ok(flash::redirect_with("/training", Flash::TrainingSessionDeleted))
}

/// Finds each row's employer in the session's region and checks its category against the
/// employer's (platform positions only for platform employers): the problems by row index.
pub async fn resolve_employers<'a>(
    tx: &mut sqlx::PgConnection,
    session: &Session,
    cycle: &Cycle,
    rows: &'a [model::TraineeInput],
) -> Result<(Vec<NewTrainee<'a>>, Vec<(usize, &'static str, String)>), sqlx::Error> {
    let codes: Vec<String> = rows.iter().map(|r| r.employer.as_str().to_string()).collect();
    let found: std::collections::HashMap<String, (crate::employers::model::EmployerId, bool)> =
        store::employers_by_code(tx, session.region, &codes)
            .await?
            .into_iter()
            .map(|(c, id, p)| (c, (id, p)))
            .collect();
    let mut ready = Vec::with_capacity(rows.len());
    let mut problems = Vec::new();
    for (i, row) in rows.iter().enumerate() {
        match found.get(row.employer.as_str()) {
            None => {
                problems.push((i, "employer", "本地区没有登记该统一社会信用代码的用人单位，请先登记。".to_string()))
            }
            Some((id, platform)) => match category_refusal(cycle, *platform, &row.category) {
                Some(message) => problems.push((i, "category", message)),
                None => ready.push(NewTrainee { input: row, employer: *id }),
            },
        }
    }
    Ok((ready, problems))
}

/// 录入学员: one person onto the session's list.
async fn add_trainee(
    State(state): State<AppState>,
    actor: Actor,
    Ref(reference): Ref,
    chrome: Chrome,
    audit: AuditContext,
    Path(id): Path<SessionId>,
    Form(form): Form<TraineeForm>,
) -> Result<Response, AppError> {
    let (session, region) = load_kept(&state, &actor, &reference, id).await?;
    let cycle = cycle_of_session(&reference, &session)?;
    let token = form.form_token.parse()?;
    let input = match form.parse(&all_categories(cycle), session.has_exam) {
        Ok(input) => input,
        Err(errors) => {
            return session_page(&state, &actor, &reference, &chrome, (session, region), None, (form, errors)).await;
        }
    };
    let mut tx = db::begin(&state.pool, actor.db()).await?;
    if !store::lock_session(&mut tx, id).await? {
        return Err(AppError::NotFound);
    }
    let added = format!("/training/sessions/{id}#add-trainee");
    if let Claim::Used(outcome) = once::claim(&mut tx, actor.account_id, &token).await? {
        tx.commit().await?;
        return Ok(flash::redirect(&outcome));
    }
    let rows = [input];
    let (ready, problems) = resolve_employers(&mut tx, &session, cycle, &rows).await?;
    let written = match problems.first() {
        Some((_, field, message)) => Err((*field, message.clone())),
        None => match store::add_trainees(&mut tx, &session, &ready, actor.account_id).await {
            Ok(_) => Ok(()),
            Err(e) if e.is_duplicate("trainees_session_person_key") => {
                Err(("id_number", "此人已在本次培训的名单中。".to_string()))
            }
            Err(e) => return Err(e.into()),
        },
    };
    if let Err((field, message)) = written {
        tx.rollback().await?;
        let mut errors = FieldErrors::default();
        errors.add_owned(field, message);
        return session_page(&state, &actor, &reference, &chrome, (session, region), None, (form, errors)).await;
    }
    let [input] = rows;
    let detail = format!("{} {}（{}）", input.name, input.id_number.masked(), session.topic);
    audit::record(&mut tx, &audit, Event::new(Action::TraineeAdd).object(model::SESSION_KIND, id).detail(detail))
        .await?;
    once::finish(&mut tx, actor.account_id, &token, &added).await?;
    tx.commit().await?;
    Ok(flash::redirect_with(&added, Flash::TraineeAdded))
}

/// A trainee of a session in the actor's scope.
async fn load_trainee(
    state: &AppState,
    actor: &Actor,
    reference: &Reference,
    (id, trainee): (SessionId, TraineeId),
) -> Result<(Session, Region, store::TraineeLine), AppError> {
    let (session, region) = load(state, actor, reference, id).await?;
    let mut tx = db::begin(&state.pool, actor.db()).await?;
    let line = store::find_trainee(&mut tx, session.region, id, trainee).await?.ok_or(AppError::NotFound)?;
    tx.commit().await?;
    Ok((session, region, line))
}

fn exam_text(passed: Option<bool>) -> String {
    match passed {
        Some(true) => "yes".into(),
        Some(false) => "no".into(),
        None => String::new(),
    }
}

async fn trainee(
    State(state): State<AppState>,
    actor: Actor,
    Ref(reference): Ref,
    chrome: Chrome,
    Path(ids): Path<(SessionId, TraineeId)>,
) -> Result<Response, AppError> {
    let (session, region, line) = load_trainee(&state, &actor, &reference, ids).await?;
    let flags = (false, may_unmask(&actor, &region), may_keep(&actor, &region));
    let entry = (exam_text(line.exam_passed), line.certificate_no.clone(), FieldErrors::default());
    render(TraineePage::new(&chrome, session, &line, flags, entry))
}

/// 登记考试结果和证书: the trainee is recounted at once.
async fn save_result(
    State(state): State<AppState>,
    actor: Actor,
    Ref(reference): Ref,
    chrome: Chrome,
    audit: AuditContext,
    Path(ids): Path<(SessionId, TraineeId)>,
    Form(form): Form<ResultForm>,
) -> Result<Response, AppError> {
    let (session, region, line) = load_trainee(&state, &actor, &reference, ids).await?;
    kept(&actor, &region)?;
    let (exam, certificate) = match form.parse(session.has_exam) {
        Ok(checked) => checked,
        Err(errors) => {
            let flags = (false, may_unmask(&actor, &region), true);
            return render(TraineePage::new(
                &chrome,
                session,
                &line,
                flags,
                (form.exam_passed, form.certificate_no, errors),
            ));
        }
    };
    let mut tx = db::begin(&state.pool, actor.db()).await?;
    if !store::lock_session(&mut tx, session.id).await? {
        return Err(AppError::NotFound);
    }
    store::set_result(&mut tx, &audit, &session, &line, exam, &certificate).await?;
    tx.commit().await?;
    Ok(flash::redirect_with(&format!("/training/sessions/{}/trainees/{}", session.id, line.id), Flash::TraineeSaved))
}

async fn confirm_remove(
    State(state): State<AppState>,
    actor: Actor,
    Ref(reference): Ref,
    chrome: Chrome,
    Path(ids): Path<(SessionId, TraineeId)>,
) -> Result<Response, AppError> {
    let (session, region, line) = load_trainee(&state, &actor, &reference, ids).await?;
    kept(&actor, &region)?;
    let here = format!("/training/sessions/{}/trainees/{}", session.id, line.id);
    let crumbs = vec![views::crumb(), Crumb::link(session.topic.clone(), format!("/training/sessions/{}", session.id))];
    render(ConfirmPage::new(
        &chrome,
        crumbs,
        "移出学员",
        format!("把 {}（{}）移出“{}”的学员名单？其培训覆盖将重新计算。", line.name, line.masked_id(), session.topic),
        format!("{here}/remove"),
        "移出",
        here,
    ))
}

async fn remove(
    State(state): State<AppState>,
    actor: Actor,
    Ref(reference): Ref,
    audit: AuditContext,
    Path(ids): Path<(SessionId, TraineeId)>,
) -> Result<Response, AppError> {
    let (session, region, line) = load_trainee(&state, &actor, &reference, ids).await?;
    kept(&actor, &region)?;
    let mut tx = db::begin(&state.pool, actor.db()).await?;
    if !store::lock_session(&mut tx, session.id).await? {
        return Err(AppError::NotFound);
    }
    match store::remove_trainee(&mut tx, &audit, &session, &line).await {
        Ok(()) => {}
        Err(WriteError::NotFound) => return Ok(flash::redirect(&format!("/training/sessions/{}", session.id))),
        Err(e) => return Err(e.into()),
    }
    tx.commit().await?;
    Ok(flash::redirect_with(&format!("/training/sessions/{}", session.id), Flash::TraineeRemoved))
}

/// Shows a trainee's ID-card number in full to the region's city officers, audited.
async fn unmask(
    State(state): State<AppState>,
    actor: Actor,
    Ref(reference): Ref,
    chrome: Chrome,
    audit: AuditContext,
    Path(ids): Path<(SessionId, TraineeId)>,
) -> Result<Response, AppError> {
    let (session, region, line) = load_trainee(&state, &actor, &reference, ids).await?;
    if !may_unmask(&actor, &region) {
        return Err(AppError::Forbidden);
    }
    let event = Event::new(Action::Unmask).object("trainee", line.id).detail(format!("{} 身份证号码", line.name));
    audit::record_alone(&state.pool, &audit, event).await?;
    let entry = (exam_text(line.exam_passed), line.certificate_no.clone(), FieldErrors::default());
    render(TraineePage::new(&chrome, session, &line, (true, false, may_keep(&actor, &region)), entry))
}
