//! Publicity (宣传, task 9): a region's campaigns and events (date, kind, audience, the
//! department that held it, the project that paid for it, materials as attachments), the
//! warning-education bases (警示教育基地), and the counts per region and year with their Excel
//! export. The 《职业病防治法》 week and the work-safety month are suggested by the date
//! (`model::suggested_kind`). City officers keep their region's; partner officers read them and
//! log their own department's events; province officers read every region's.

pub mod model;
pub mod store;
pub mod views;

use axum::Router;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use axum::routing::get;
use axum_extra::extract::Form;
use chrono::Datelike;
use serde::Deserialize;

use self::model::{
    ATTACHMENT_KINDS, BaseForm, BaseId, Event, EventForm, EventId, EventKind, count_table, may_edit, may_keep_bases,
    may_log,
};
use self::views::{BaseEditPage, BaseRow, BasesPage, CountsPage, DetailPage, EditPage, EventChoices, ListPage, Row};
use crate::attachments;
use crate::audit::export::{self, ExportJob};
use crate::audit::{Action, AuditContext};
use crate::auth::Actor;
use crate::db::{self, Scope};
use crate::error::{AppError, WriteError};
use crate::org::{DepartmentKind, Region, Role};
use crate::reference::{Ref, Reference};
use crate::state::AppState;
use crate::values::time;
use crate::web::confirm::ConfirmPage;
use crate::web::export::{Cell, Column, Kind};
use crate::web::flash::{self, Flash};
use crate::web::form::{Choice, FieldErrors, year_asked, year_choices};
use crate::web::layout::{Chrome, Crumb};
use crate::web::once;
use crate::web::pagination::{Page, Pager, lenient_u32};
use crate::web::render;
use crate::workflow::By;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/publicity", get(list))
        .route("/publicity/counts", get(counts))
        .route("/publicity/counts/export", get(export_counts))
        .route("/publicity/new", get(new_event).post(create))
        .route("/publicity/{id}", get(detail))
        .route("/publicity/{id}/edit", get(edit).post(save))
        .route("/publicity/{id}/delete", get(confirm_delete).post(delete))
        .merge(attachments::pages::routes::<Event>("/publicity/{id}"))
        .route("/warning-bases", get(bases))
        .route("/warning-bases/new", get(new_base).post(create_base))
        .route("/warning-bases/{id}/edit", get(edit_base).post(save_base))
}

const PAGE_SIZE: u32 = 50;

#[derive(Debug, Default, Deserialize)]
pub struct ListQuery {
    #[serde(default, deserialize_with = "lenient_u32")]
    pub year: Option<u32>,
    #[serde(default)]
    pub kind: Option<String>,
    #[serde(default)]
    pub region: Option<String>,
    #[serde(default, deserialize_with = "lenient_u32")]
    pub page: Option<u32>,
}

fn year_of(asked: Option<u32>) -> i32 {
    year_asked(asked, time::today().year())
}

fn years() -> Vec<Choice> {
    year_choices(time::today().year())
}

/// 宣传活动: a year's events, newest first, 50 a page.
async fn list(
    State(state): State<AppState>,
    actor: Actor,
    Ref(reference): Ref,
    chrome: Chrome,
    Query(q): Query<ListQuery>,
) -> Result<Response, AppError> {
    let year = year_of(q.year);
    let province = actor.db().scope == Scope::Province;
    let region = match province {
        true => q.region.as_deref().and_then(|c| reference.region_by_code(c.trim())).cloned(),
        false => actor.region.clone(),
    };
    let kind = q.kind.as_deref().and_then(|k| EventKind::parse(k.trim()));
    let page = Page::new(q.page, PAGE_SIZE);
    let mut tx = db::begin(&state.pool, actor.db()).await?;
    let lines = store::list(&mut tx, year, region.as_ref().map(|r| r.id), kind, page.limit(), page.offset()).await?;
    tx.commit().await?;
    let mut query = format!("year={year}");
    if let Some(k) = kind {
        query.push_str(&format!("&kind={}", k.as_str()));
    }
    if let (true, Some(r)) = (province, &region) {
        query.push_str(&format!("&region={}", r.code));
    }
    render(ListPage {
        layout: chrome.layout("宣传活动", vec![Crumb::here("宣传活动")]),
        years: years(),
        year: year.to_string(),
        kinds: ListPage::kinds(),
        kind: kind.map(|k| k.as_str().to_string()).unwrap_or_default(),
        regions: reference.regions.iter().map(|r| Choice::new(r.code.clone(), r.name.clone())).collect(),
        region: if province { region.map(|r| r.code).unwrap_or_default() } else { String::new() },
        show_region: province,
        rows: lines.iter().map(Row::of).collect(),
        pager: Pager::new(page, lines.first().map_or(0, |l| l.total), query),
        may_log: actor.region.as_ref().is_some_and(|r| may_log(&actor, r)),
    })
}

#[derive(Debug, Default, Deserialize)]
pub struct YearQuery {
    #[serde(default, deserialize_with = "lenient_u32")]
    pub year: Option<u32>,
}

/// The count table of a year for the regions in scope.
async fn count_lines(
    state: &AppState,
    actor: &Actor,
    reference: &Reference,
    year: i32,
) -> Result<Vec<model::CountLine>, AppError> {
    let mut tx = db::begin(&state.pool, actor.db()).await?;
    let found = store::counts(&mut tx, year).await?;
    tx.commit().await?;
    let regions = reference.regions_visible_to(actor.db().scope, actor.region.as_ref());
    Ok(count_table(&regions, &found))
}

/// 宣传活动统计: events per region and kind with the audience, for a year.
async fn counts(
    State(state): State<AppState>,
    actor: Actor,
    Ref(reference): Ref,
    chrome: Chrome,
    Query(q): Query<YearQuery>,
) -> Result<Response, AppError> {
    let year = year_of(q.year);
    let lines = count_lines(&state, &actor, &reference, year).await?;
    render(CountsPage {
        layout: chrome.layout("宣传活动统计", vec![views::crumb(), Crumb::here("统计")]),
        years: years(),
        year: year.to_string(),
        kinds: EventKind::ALL.iter().map(|k| k.label()).collect(),
        lines,
    })
}

const COUNT_COLUMNS: &[Column] = &[
    Column::new("地区", Kind::Text, 12.0),
    Column::new("《职业病防治法》宣传周", Kind::Integer, 14.0),
    Column::new("安全生产月", Kind::Integer, 12.0),
    Column::new("警示教育", Kind::Integer, 10.0),
    Column::new("媒体宣传", Kind::Integer, 10.0),
    Column::new("线上宣传", Kind::Integer, 10.0),
    Column::new("其他", Kind::Integer, 8.0),
    Column::new("活动合计（次）", Kind::Integer, 12.0),
    Column::new("受众（人次）", Kind::Integer, 14.0),
];

async fn export_counts(
    State(state): State<AppState>,
    actor: Actor,
    Ref(reference): Ref,
    audit: AuditContext,
    Query(q): Query<YearQuery>,
) -> Result<Response, AppError> {
    let year = year_of(q.year);
    let lines = count_lines(&state, &actor, &reference, year).await?;
    let job = ExportJob {
        title: "宣传活动统计",
        filters: vec![("年度", format!("{year} 年"))],
        columns: COUNT_COLUMNS,
        action: Action::ExportPublicity,
        described: format!("year={year}"),
        unmasked: false,
    };
    let mut pending = Some(lines);
    export::export_pages(
        &state.pool,
        &audit,
        job,
        move |_after: Option<usize>| {
            let page = pending.take().unwrap_or_default();
            async move { Ok(page) }
        },
        |_: &model::CountLine| 0usize,
        |l| {
            let mut cells: Vec<Cell> = vec![l.region.into()];
            cells.extend(l.by_kind.into_iter().map(Cell::Integer));
            cells.push(Cell::Integer(l.events));
            cells.push(Cell::Integer(l.audience));
            cells
        },
    )
    .await
}

/// The region a person logs events in: their own, if they may.
fn logging_region(actor: &Actor) -> Result<Region, AppError> {
    actor.region.clone().filter(|r| may_log(actor, r)).ok_or(AppError::Forbidden)
}

/// The departments `actor` may name on an event on `day`: a partner officer their own; a city
/// officer any of the cycle's.
fn departments_for(actor: &Actor, reference: &Reference, day: chrono::NaiveDate) -> Vec<DepartmentKind> {
    match (actor.role, actor.department) {
        (Role::PartnerOfficer, Some(own)) => vec![own],
        _ => crate::cycles::model::departments_on(&reference.cycles, day),
    }
}

async fn event_choices(
    state: &AppState,
    actor: &Actor,
    reference: &Reference,
    region: &Region,
) -> Result<EventChoices, AppError> {
    let mut tx = db::begin(&state.pool, actor.db()).await?;
    let projects = store::funding_projects(&mut tx, region.id).await?;
    tx.commit().await?;
    Ok(EventChoices {
        departments: departments_for(actor, reference, time::today())
            .into_iter()
            .map(|d| Choice::new(d.as_str(), d.label()))
            .collect(),
        projects: projects
            .into_iter()
            .map(|(id, name, year)| Choice::new(id.to_string(), format!("{year}年 {name}")))
            .collect(),
    })
}

/// Parses the form; the department list is the one of the event's own day.
fn parse(
    actor: &Actor,
    reference: &Reference,
    form: &EventForm,
    offered: &EventChoices,
) -> Result<(model::EventInput, crate::values::Version), FieldErrors> {
    let day = crate::values::Date::parse(&form.held_on).map(|d| d.0).unwrap_or_else(|_| time::today());
    let (input, version) = form.parse(&departments_for(actor, reference, day), time::today())?;
    if let Some(p) = input.project
        && !offered.projects.iter().any(|c| c.value == p.to_string())
    {
        let mut errors = FieldErrors::default();
        errors.add("project", "请从本地区的项目中选择");
        return Err(errors);
    }
    Ok((input, version))
}

async fn new_event(
    State(state): State<AppState>,
    actor: Actor,
    Ref(reference): Ref,
    chrome: Chrome,
) -> Result<Response, AppError> {
    let region = logging_region(&actor)?;
    let offered = event_choices(&state, &actor, &reference, &region).await?;
    let form = EventForm {
        department: actor.department.map(|d| d.as_str().to_string()).unwrap_or_else(|| "hrss".into()),
        ..EventForm::default()
    };
    render(EditPage::new(&chrome, None, form, FieldErrors::default(), offered))
}

async fn create(
    State(state): State<AppState>,
    actor: Actor,
    Ref(reference): Ref,
    chrome: Chrome,
    audit: AuditContext,
    Form(form): Form<EventForm>,
) -> Result<Response, AppError> {
    let region = logging_region(&actor)?;
    let token = form.form_token.parse()?;
    let offered = event_choices(&state, &actor, &reference, &region).await?;
    let (input, _) = match parse(&actor, &reference, &form, &offered) {
        Ok(parsed) => parsed,
        Err(errors) => return render(EditPage::new(&chrome, None, form, errors, offered)),
    };
    let by = By { account: actor.account_id, name: &actor.display_name };
    let mut tx = db::begin(&state.pool, actor.db()).await?;
    let done = once::run(&mut tx, actor.account_id, &token, async |tx| {
        let id = store::create(tx, &audit, region.id, &input, &by).await?;
        Ok::<_, AppError>(format!("/publicity/{id}"))
    })
    .await?;
    tx.commit().await?;
    Ok(flash::after(done, Flash::PublicitySaved))
}

/// An event in the actor's scope, with its region.
async fn load(
    state: &AppState,
    actor: &Actor,
    reference: &Reference,
    id: EventId,
) -> Result<(Event, Region), AppError> {
    let mut tx = db::begin(&state.pool, actor.db()).await?;
    let event = store::find(&mut tx, id, false).await?.ok_or(AppError::NotFound)?;
    tx.commit().await?;
    let region = reference.regions.iter().find(|r| r.id == event.region).cloned().ok_or(AppError::NotFound)?;
    Ok((event, region))
}

/// An event its editors change (anyone else: 403; another region's: 404).
async fn load_editable(
    state: &AppState,
    actor: &Actor,
    reference: &Reference,
    id: EventId,
) -> Result<(Event, Region), AppError> {
    let (event, region) = load(state, actor, reference, id).await?;
    if !may_edit(actor, &region, &event) {
        return Err(AppError::Forbidden);
    }
    Ok((event, region))
}

async fn detail_page(
    state: &AppState,
    actor: &Actor,
    chrome: &Chrome,
    (event, region): (Event, Region),
    upload_error: Option<String>,
) -> Result<Response, AppError> {
    let mut tx = db::begin(&state.pool, actor.db()).await?;
    let files = attachments::store::list(&mut tx, &event.owner()).await?;
    tx.commit().await?;
    let editable = may_edit(actor, &region, &event);
    let max = state.settings.attachment_max_bytes;
    render(DetailPage::new(chrome, event, region.name, editable, &files, upload_error, max))
}

async fn detail(
    State(state): State<AppState>,
    actor: Actor,
    Ref(reference): Ref,
    chrome: Chrome,
    Path(id): Path<EventId>,
) -> Result<Response, AppError> {
    let loaded = load(&state, &actor, &reference, id).await?;
    detail_page(&state, &actor, &chrome, loaded, None).await
}

async fn edit(
    State(state): State<AppState>,
    actor: Actor,
    Ref(reference): Ref,
    chrome: Chrome,
    Path(id): Path<EventId>,
) -> Result<Response, AppError> {
    let (event, region) = load_editable(&state, &actor, &reference, id).await?;
    let offered = event_choices(&state, &actor, &reference, &region).await?;
    render(EditPage::new(&chrome, Some(&event), EventForm::of(&event), FieldErrors::default(), offered))
}

async fn save(
    State(state): State<AppState>,
    actor: Actor,
    Ref(reference): Ref,
    chrome: Chrome,
    audit: AuditContext,
    Path(id): Path<EventId>,
    Form(form): Form<EventForm>,
) -> Result<Response, AppError> {
    let (event, region) = load_editable(&state, &actor, &reference, id).await?;
    let offered = event_choices(&state, &actor, &reference, &region).await?;
    let (input, version) = match parse(&actor, &reference, &form, &offered) {
        Ok(parsed) => parsed,
        Err(errors) => return render(EditPage::new(&chrome, Some(&event), form, errors, offered)),
    };
    let mut tx = db::begin(&state.pool, actor.db()).await?;
    store::update(&mut tx, &audit, &event, version, &input).await?;
    tx.commit().await?;
    Ok(flash::redirect_with(&format!("/publicity/{id}"), Flash::PublicitySaved))
}

async fn confirm_delete(
    State(state): State<AppState>,
    actor: Actor,
    Ref(reference): Ref,
    chrome: Chrome,
    Path(id): Path<EventId>,
) -> Result<Response, AppError> {
    let (event, _) = load_editable(&state, &actor, &reference, id).await?;
    let here = format!("/publicity/{id}");
    render(ConfirmPage::new(
        &chrome,
        vec![views::crumb(), Crumb::link(event.title.clone(), here.clone())],
        "删除宣传活动",
        format!("确定删除 {} 的“{}”吗？删除后不能恢复，删除记录保留在审计日志中。", event.held_on, event.title),
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
    Path(id): Path<EventId>,
) -> Result<Response, AppError> {
    let (event, _) = load_editable(&state, &actor, &reference, id).await?;
    let mut tx = db::begin(&state.pool, actor.db()).await?;
    store::delete(&mut tx, &audit, &event).await?;
    tx.commit().await?;
    Ok(flash::redirect_with(&format!("/publicity?year={}", event.held_on.year()), Flash::PublicityDeleted))
}

/// An event's materials and photos: added and removed by its editors, read by whoever sees
/// the event.
impl attachments::pages::Holder for Event {
    type Id = EventId;
    const KINDS: &'static [attachments::AttachmentKind] = ATTACHMENT_KINDS;

    fn page(id: EventId) -> String {
        format!("/publicity/{id}")
    }

    fn owner(&self) -> attachments::Owner {
        Event::owner(self)
    }

    fn stage(&self) -> &'static str {
        "recorded"
    }

    fn title(&self) -> String {
        self.title.clone()
    }

    fn crumb() -> Crumb {
        views::crumb()
    }

    async fn find(tx: &mut sqlx::PgConnection, id: EventId, lock: bool) -> sqlx::Result<Option<Event>> {
        store::find(tx, id, lock).await
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
        id: EventId,
        problem: String,
    ) -> Result<Response, AppError> {
        let loaded = load(state, actor, reference, id).await?;
        detail_page(state, actor, chrome, loaded, Some(problem)).await
    }
}

/// 警示教育基地: every base in scope.
async fn bases(State(state): State<AppState>, actor: Actor, chrome: Chrome) -> Result<Response, AppError> {
    let mut tx = db::begin(&state.pool, actor.db()).await?;
    let lines = store::bases(&mut tx).await?;
    tx.commit().await?;
    render(BasesPage {
        layout: chrome.layout("警示教育基地", vec![views::crumb(), Crumb::here("警示教育基地")]),
        rows: lines.iter().map(BaseRow::of).collect(),
        show_region: actor.db().scope == Scope::Province,
        may_keep: actor.region.as_ref().is_some_and(|r| may_keep_bases(&actor, r)),
    })
}

fn bases_region(actor: &Actor) -> Result<Region, AppError> {
    actor.region.clone().filter(|r| may_keep_bases(actor, r)).ok_or(AppError::Forbidden)
}

async fn new_base(actor: Actor, chrome: Chrome) -> Result<Response, AppError> {
    bases_region(&actor)?;
    render(BaseEditPage::new(&chrome, None, BaseForm::default(), FieldErrors::default()))
}

const DUPLICATE_BASE: &str = "本地区已登记同名的警示教育基地";

async fn create_base(
    State(state): State<AppState>,
    actor: Actor,
    chrome: Chrome,
    audit: AuditContext,
    Form(form): Form<BaseForm>,
) -> Result<Response, AppError> {
    let region = bases_region(&actor)?;
    let token = form.form_token.parse()?;
    let (input, _) = match form.parse() {
        Ok(parsed) => parsed,
        Err(errors) => return render(BaseEditPage::new(&chrome, None, form, errors)),
    };
    let mut tx = db::begin(&state.pool, actor.db()).await?;
    let done = once::run(&mut tx, actor.account_id, &token, async |tx| {
        store::create_base(tx, &audit, region.id, &input).await?;
        Ok::<_, WriteError>("/warning-bases".to_string())
    })
    .await;
    let done = match done {
        Ok(done) => done,
        Err(e) if e.is_duplicate("warning_bases_name_key") => {
            let mut errors = FieldErrors::default();
            errors.add("name", DUPLICATE_BASE);
            return render(BaseEditPage::new(&chrome, None, form, errors));
        }
        Err(e) => return Err(e.into()),
    };
    tx.commit().await?;
    Ok(flash::after(done, Flash::WarningBaseSaved))
}

async fn kept_base(
    state: &AppState,
    actor: &Actor,
    reference: &Reference,
    id: BaseId,
) -> Result<model::WarningBase, AppError> {
    let mut tx = db::begin(&state.pool, actor.db()).await?;
    let base = store::find_base(&mut tx, id).await?.ok_or(AppError::NotFound)?;
    tx.commit().await?;
    let region = reference.regions.iter().find(|r| r.id == base.region).ok_or(AppError::NotFound)?;
    if !may_keep_bases(actor, region) {
        return Err(AppError::Forbidden);
    }
    Ok(base)
}

async fn edit_base(
    State(state): State<AppState>,
    actor: Actor,
    Ref(reference): Ref,
    chrome: Chrome,
    Path(id): Path<BaseId>,
) -> Result<Response, AppError> {
    let base = kept_base(&state, &actor, &reference, id).await?;
    render(BaseEditPage::new(&chrome, Some(&base), BaseForm::of(&base), FieldErrors::default()))
}

async fn save_base(
    State(state): State<AppState>,
    actor: Actor,
    Ref(reference): Ref,
    chrome: Chrome,
    audit: AuditContext,
    Path(id): Path<BaseId>,
    Form(form): Form<BaseForm>,
) -> Result<Response, AppError> {
    let base = kept_base(&state, &actor, &reference, id).await?;
    let (input, version) = match form.parse() {
        Ok(parsed) => parsed,
        Err(errors) => return render(BaseEditPage::new(&chrome, Some(&base), form, errors)),
    };
    let mut tx = db::begin(&state.pool, actor.db()).await?;
    match store::update_base(&mut tx, &audit, &base, version, &input).await {
        Ok(()) => {}
        Err(e) if e.is_duplicate("warning_bases_name_key") => {
            let mut errors = FieldErrors::default();
            errors.add("name", DUPLICATE_BASE);
            return render(BaseEditPage::new(&chrome, Some(&base), form, errors));
        }
        Err(e) => return Err(e.into()),
    }
    tx.commit().await?;
    Ok(flash::redirect_with("/warning-bases", Flash::WarningBaseSaved))
}
