//! Joint meetings (联席会议) and their action items, task 2 of DOMAIN.md: a region's meetings,
//! convened by HRSS and attended by the partner departments, with topics, minutes (text and a
//! file) and decisions as action items (what, which department, by when). The city bureau keeps
//! its region's meetings and all their items; a partner officer closes their own department's
//! items with a note; the province keeps 省本级's and sees every region's meetings held and items
//! overdue by year. Overdue is computed from the due date with the shared deadline rule.

pub mod model;
pub mod store;
pub mod views;

use axum::Router;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use axum::routing::{get, post};
use axum_extra::extract::Form;
use chrono::{Datelike, NaiveDate};
use serde::Deserialize;

use self::model::{
    ATTACHMENT_KINDS, ActionItem, ActionItemId, CloseForm, ItemForm, ItemStatus, Meeting, MeetingForm, MeetingId,
    may_close, may_keep,
};
use self::store::{Closed, ItemFilter, ItemLine, MeetingLine};
use self::views::{
    ClosePage, DetailPage, EditPage, Feedback, IndexPage, ItemPage, ItemsPage, OverviewPage, close_form, year_choices,
};
use crate::attachments::{self, Attachment};
use crate::audit::export::{self, ExportJob};
use crate::audit::{Action, AuditContext};
use crate::auth::Actor;
use crate::cycles::model::departments_on;
use crate::db::{self, Scope};
use crate::error::AppError;
use crate::org::{DepartmentKind, Region};
use crate::reference::{Ref, Reference};
use crate::state::AppState;
use crate::trail;
use crate::values::time;
use crate::web::export::{Cell, Column, Kind};
use crate::web::flash::{self, Flash};
use crate::web::form::{Choice, FieldErrors};
use crate::web::layout::{Chrome, Crumb};
use crate::web::once;
use crate::web::pagination::{Page, Pager, lenient_u32};
use crate::web::render;

pub fn routes() -> Router<AppState> {
    Router::new()
        .merge(attachments::pages::routes::<Meeting>("/meetings/{id}"))
        .route("/meetings", get(index))
        .route("/meetings/export", get(export_meetings))
        .route("/meetings/new", get(new_meeting).post(create))
        .route("/meetings/{id}", get(detail))
        .route("/meetings/{id}/edit", get(edit).post(save))
        .route("/meetings/{id}/items", post(add_item))
        .route("/meetings/{id}/items/{item}/edit", get(edit_item).post(save_item))
        .route("/meetings/{id}/items/{item}/close", get(confirm_close).post(close))
        .route("/action-items", get(items))
        .route("/action-items/export", get(export_items))
}

/// The year a list shows: the one asked for if it is within the cycles, else this year.
fn year_of(reference: &Reference, asked: Option<u32>) -> (i32, Vec<Choice>) {
    let this = time::today().year();
    let first = reference.cycles.iter().map(|c| c.first_year).min().unwrap_or(this);
    let year = asked.map(|y| y as i32).filter(|y| (first..=this).contains(y)).unwrap_or(this);
    (year, year_choices(first, this))
}

/// The region a list is about: a region's officers always their own; the province the one
/// asked for by code (`None`: the overview of every region).
fn region_of(actor: &Actor, reference: &Reference, asked: Option<&str>) -> Result<Option<Region>, AppError> {
    match actor.db().scope {
        Scope::Province => match asked.map(str::trim).filter(|c| !c.is_empty()) {
            Some(code) => reference.region_by_code(code).cloned().map(Some).ok_or(AppError::NotFound),
            None => Ok(None),
        },
        Scope::Region(_) => actor.region.clone().map(Some).ok_or(AppError::Forbidden),
        Scope::Assigned | Scope::Nothing => Err(AppError::Forbidden),
    }
}

#[derive(Debug, Default, Deserialize)]
pub struct ListQuery {
    #[serde(default)]
    pub region: Option<String>,
    #[serde(default, deserialize_with = "lenient_u32")]
    pub year: Option<u32>,
}

/// 联席会议: a region's meetings of a year; for province officers, every region's count of
/// meetings held and items overdue, each leading to that region's list.
async fn index(
    State(state): State<AppState>,
    actor: Actor,
    Ref(reference): Ref,
    chrome: Chrome,
    Query(q): Query<ListQuery>,
) -> Result<Response, AppError> {
    let (year, years) = year_of(&reference, q.year);
    let today = time::today();
    let region = region_of(&actor, &reference, q.region.as_deref())?;
    let mut tx = db::begin(&state.pool, actor.db()).await?;
    let Some(region) = region else {
        let rows = store::overview(&mut tx, year, today).await?;
        tx.commit().await?;
        return render(OverviewPage::new(&chrome, years, year, rows));
    };
    let lines = store::of_region(&mut tx, region.id, year, today).await?;
    tx.commit().await?;
    let from_overview = actor.db().scope == Scope::Province;
    render(IndexPage::new(&chrome, &actor, region, years, year, &lines, from_overview))
}

const MEETING_COLUMNS: &[Column] = &[
    Column::new("地区", Kind::Text, 12.0),
    Column::new("会议日期", Kind::Date, 12.0),
    Column::new("会议类型", Kind::Text, 10.0),
    Column::new("议题", Kind::Text, 40.0),
    Column::new("参会单位", Kind::Text, 40.0),
    Column::new("议定事项", Kind::Integer, 10.0),
    Column::new("未完成", Kind::Integer, 10.0),
    Column::new("已逾期", Kind::Integer, 10.0),
];

/// A region's meetings of a year as Excel (the province: one region's, or every region's).
async fn export_meetings(
    State(state): State<AppState>,
    actor: Actor,
    Ref(reference): Ref,
    audit: AuditContext,
    Query(q): Query<ListQuery>,
) -> Result<Response, AppError> {
    let (year, _) = year_of(&reference, q.year);
    let today = time::today();
    let region = region_of(&actor, &reference, q.region.as_deref())?;
    let regions: Vec<Region> = match &region {
        Some(r) => vec![r.clone()],
        None => reference.regions.clone(),
    };
    let job = ExportJob {
        title: "联席会议",
        filters: vec![
            ("地区", region.as_ref().map_or("全部".to_string(), |r| r.name.clone())),
            ("年度", format!("{year} 年")),
        ],
        columns: MEETING_COLUMNS,
        action: Action::ExportMeetings,
        described: format!("region={}&year={year}", region.as_ref().map_or("", |r| r.code.as_str())),
        unmasked: false,
    };
    let mut tx = db::begin(&state.pool, actor.db()).await?;
    let mut lines: Vec<MeetingLine> = Vec::new();
    for r in &regions {
        lines.extend(store::of_region(&mut tx, r.id, year, today).await?);
    }
    tx.commit().await?;
    let mut pending = Some(lines);
    export::export_pages(
        &state.pool,
        &audit,
        job,
        move |_after: Option<usize>| {
            let page = pending.take().unwrap_or_default();
            async move { Ok(page) }
        },
        |_: &MeetingLine| 0usize,
        |m| {
            vec![
                m.region_name.into(),
                Cell::Date(m.held_on),
                m.kind.label().into(),
                m.topics.into(),
                m.attending.iter().map(|d| d.label()).collect::<Vec<_>>().join("、").into(),
                Cell::Integer(m.items),
                Cell::Integer(m.open),
                Cell::Integer(m.overdue),
            ]
        },
    )
    .await
}

/// The actor's own region, which they must keep, for a new meeting.
fn own_kept_region(actor: &Actor) -> Result<Region, AppError> {
    let region = actor.region.clone().ok_or(AppError::Forbidden)?;
    if !may_keep(actor, &region) {
        return Err(AppError::Forbidden);
    }
    Ok(region)
}

async fn new_meeting(actor: Actor, Ref(reference): Ref, chrome: Chrome) -> Result<Response, AppError> {
    let region = own_kept_region(&actor)?;
    let today = time::today();
    let form = MeetingForm::blank(today, &reference.cycles);
    let departments = departments_on(&reference.cycles, today);
    render(EditPage::new(&chrome, &region, None, &departments, form, FieldErrors::default()))
}

async fn create(
    State(state): State<AppState>,
    actor: Actor,
    Ref(reference): Ref,
    chrome: Chrome,
    audit: AuditContext,
    Form(form): Form<MeetingForm>,
) -> Result<Response, AppError> {
    let region = own_kept_region(&actor)?;
    let token = form.form_token.parse()?;
    let today = time::today();
    let input = match form.parse(&reference.cycles, today) {
        Ok((input, _)) => input,
        Err(errors) => {
            let departments = departments_on(&reference.cycles, today);
            return render(EditPage::new(&chrome, &region, None, &departments, form, errors));
        }
    };
    let mut tx = db::begin(&state.pool, actor.db()).await?;
    let done = once::run(&mut tx, actor.account_id, &token, async |tx| {
        let id = store::create(tx, &audit, &region, actor.account_id, &input).await?;
        Ok::<_, AppError>(format!("/meetings/{id}"))
    })
    .await?;
    tx.commit().await?;
    Ok(flash::after(done, Flash::MeetingCreated))
}

/// The meeting and its files, in one transaction of the actor's scope (another region's
/// meeting is not found).
async fn load(state: &AppState, actor: &Actor, id: MeetingId) -> Result<(Meeting, Vec<Attachment>), AppError> {
    let mut tx = db::begin(&state.pool, actor.db()).await?;
    let meeting = store::find(&mut tx, id, false).await?.ok_or(AppError::NotFound)?;
    let trail = trail::load(&mut tx, &meeting.owner()).await?;
    tx.commit().await?;
    Ok((meeting, trail.files))
}

/// The meeting, for its keepers only.
async fn load_kept(state: &AppState, actor: &Actor, id: MeetingId) -> Result<(Meeting, Vec<Attachment>), AppError> {
    let (meeting, files) = load(state, actor, id).await?;
    if !may_keep(actor, &meeting.region) {
        return Err(AppError::Forbidden);
    }
    Ok((meeting, files))
}

async fn detail(
    State(state): State<AppState>,
    actor: Actor,
    chrome: Chrome,
    Path(id): Path<MeetingId>,
) -> Result<Response, AppError> {
    let (meeting, files) = load(&state, &actor, id).await?;
    render(DetailPage::new(&chrome, &actor, meeting, &files, Feedback::default(), state.settings.attachment_max_bytes))
}

async fn edit(
    State(state): State<AppState>,
    actor: Actor,
    Ref(reference): Ref,
    chrome: Chrome,
    Path(id): Path<MeetingId>,
) -> Result<Response, AppError> {
    let (meeting, _) = load_kept(&state, &actor, id).await?;
    let departments = departments_on(&reference.cycles, meeting.held_on);
    let form = MeetingForm::of(&meeting);
    render(EditPage::new(&chrome, &meeting.region, Some(&meeting), &departments, form, FieldErrors::default()))
}

async fn save(
    State(state): State<AppState>,
    actor: Actor,
    Ref(reference): Ref,
    chrome: Chrome,
    audit: AuditContext,
    Path(id): Path<MeetingId>,
    Form(form): Form<MeetingForm>,
) -> Result<Response, AppError> {
    let (meeting, _) = load_kept(&state, &actor, id).await?;
    let (input, version) = match form.parse(&reference.cycles, time::today()) {
        Ok(parsed) => parsed,
        Err(errors) => {
            let departments = departments_on(&reference.cycles, meeting.held_on);
            return render(EditPage::new(&chrome, &meeting.region, Some(&meeting), &departments, form, errors));
        }
    };
    // An owner department must stay among those attending.
    let orphaned: Vec<&str> =
        meeting.items.iter().filter(|i| !input.attending.contains(&i.owner)).map(|i| i.owner.label()).collect();
    if !orphaned.is_empty() {
        let mut errors = FieldErrors::default();
        errors.add_owned("attending", format!("{}负有议定事项，不能从参会单位中去掉", orphaned.join("、")));
        let departments = departments_on(&reference.cycles, meeting.held_on);
        return render(EditPage::new(&chrome, &meeting.region, Some(&meeting), &departments, form, errors));
    }
    let mut tx = db::begin(&state.pool, actor.db()).await?;
    store::update(&mut tx, &audit, &meeting, version, &input).await?;
    tx.commit().await?;
    Ok(flash::redirect_with(&format!("/meetings/{id}"), Flash::MeetingSaved))
}

/// Adds an action item from the form on the meeting's page; a bad one re-renders the page with
/// the messages beside the form.
async fn add_item(
    State(state): State<AppState>,
    actor: Actor,
    chrome: Chrome,
    audit: AuditContext,
    Path(id): Path<MeetingId>,
    Form(form): Form<ItemForm>,
) -> Result<Response, AppError> {
    let (meeting, files) = load_kept(&state, &actor, id).await?;
    let token = form.form_token.parse()?;
    let input = match form.parse(&meeting) {
        Ok(input) => input,
        Err(errors) => {
            let feedback = Feedback { item_form: form, item_errors: errors, upload: None };
            return render(DetailPage::new(
                &chrome,
                &actor,
                meeting,
                &files,
                feedback,
                state.settings.attachment_max_bytes,
            ));
        }
    };
    let mut tx = db::begin(&state.pool, actor.db()).await?;
    let done = once::run(&mut tx, actor.account_id, &token, async |tx| {
        store::add_item(tx, &audit, &meeting, &input).await?;
        Ok::<_, AppError>(format!("/meetings/{id}#items"))
    })
    .await?;
    tx.commit().await?;
    Ok(flash::after(done, Flash::ActionItemAdded))
}

/// The meeting and one of its items, found in the actor's scope.
async fn item_of(
    state: &AppState,
    actor: &Actor,
    id: MeetingId,
    item: ActionItemId,
) -> Result<(Meeting, ActionItem), AppError> {
    let (meeting, _) = load(state, actor, id).await?;
    let found = meeting.item(item).cloned().ok_or(AppError::NotFound)?;
    Ok((meeting, found))
}

fn refuse_if_done(item: &ActionItem) -> Result<(), AppError> {
    match item.closed_on {
        Some(on) => Err(AppError::Refused(format!("该事项已由{}于 {on} 办结。", item.closed_by_name).into())),
        None => Ok(()),
    }
}

async fn edit_item(
    State(state): State<AppState>,
    actor: Actor,
    chrome: Chrome,
    Path((id, item)): Path<(MeetingId, ActionItemId)>,
) -> Result<Response, AppError> {
    let (meeting, item) = item_of(&state, &actor, id, item).await?;
    if !may_keep(&actor, &meeting.region) {
        return Err(AppError::Forbidden);
    }
    refuse_if_done(&item)?;
    render(ItemPage::new(&chrome, &meeting, &item, ItemForm::of(&item), FieldErrors::default()))
}

async fn save_item(
    State(state): State<AppState>,
    actor: Actor,
    chrome: Chrome,
    audit: AuditContext,
    Path((id, item)): Path<(MeetingId, ActionItemId)>,
    Form(form): Form<ItemForm>,
) -> Result<Response, AppError> {
    let (meeting, item) = item_of(&state, &actor, id, item).await?;
    if !may_keep(&actor, &meeting.region) {
        return Err(AppError::Forbidden);
    }
    refuse_if_done(&item)?;
    let parsed = form.version().and_then(|version| Ok((version, form.parse(&meeting)?)));
    let (version, input) = match parsed {
        Ok(parsed) => parsed,
        Err(errors) => return render(ItemPage::new(&chrome, &meeting, &item, form, errors)),
    };
    let mut tx = db::begin(&state.pool, actor.db()).await?;
    store::update_item(&mut tx, &audit, &meeting, &item, version, &input).await?;
    tx.commit().await?;
    Ok(flash::redirect_with(&format!("/meetings/{id}#items"), Flash::ActionItemSaved))
}

/// The item for a closing: another region's is not found; another department's is refused.
async fn closable(
    state: &AppState,
    actor: &Actor,
    id: MeetingId,
    item: ActionItemId,
) -> Result<(Meeting, ActionItem), AppError> {
    let (meeting, item) = item_of(state, actor, id, item).await?;
    if !may_close(actor, &meeting.region, &item) {
        return Err(AppError::Forbidden);
    }
    refuse_if_done(&item)?;
    Ok((meeting, item))
}

async fn confirm_close(
    State(state): State<AppState>,
    actor: Actor,
    chrome: Chrome,
    Path((id, item)): Path<(MeetingId, ActionItemId)>,
) -> Result<Response, AppError> {
    let (meeting, item) = closable(&state, &actor, id, item).await?;
    render(ClosePage::new(&chrome, &meeting, &item, close_form(time::today()), FieldErrors::default()))
}

async fn close(
    State(state): State<AppState>,
    actor: Actor,
    chrome: Chrome,
    audit: AuditContext,
    Path((id, item)): Path<(MeetingId, ActionItemId)>,
    Form(form): Form<CloseForm>,
) -> Result<Response, AppError> {
    let (meeting, item) = closable(&state, &actor, id, item).await?;
    let (closed_on, note) = match form.parse(&meeting, time::today()) {
        Ok(parsed) => parsed,
        Err(errors) => return render(ClosePage::new(&chrome, &meeting, &item, form, errors)),
    };
    let mut tx = db::begin(&state.pool, actor.db()).await?;
    let closed = store::close_item(
        &mut tx,
        &audit,
        &meeting,
        &item,
        closed_on,
        note.as_str(),
        actor.account_id,
        &actor.display_name,
    )
    .await?;
    tx.commit().await?;
    match closed {
        Closed::Now => Ok(flash::redirect_with(&format!("/meetings/{id}#items"), Flash::ActionItemClosed)),
        Closed::Already { by, .. } => Err(AppError::Refused(format!("该事项已由{by}办结，不能重复办结。").into())),
    }
}

/// A meeting's minutes and other files: added and removed by its keepers, read by whoever
/// sees the meeting.
impl attachments::pages::Holder for Meeting {
    type Id = MeetingId;
    const KINDS: &'static [attachments::AttachmentKind] = ATTACHMENT_KINDS;

    fn page(id: MeetingId) -> String {
        format!("/meetings/{id}")
    }

    fn owner(&self) -> attachments::Owner {
        Meeting::owner(self)
    }

    fn stage(&self) -> &'static str {
        "recorded"
    }

    fn title(&self) -> String {
        format!("{} {}", self.region.name, self.held_on)
    }

    fn crumb() -> Crumb {
        Crumb::link("联席会议", "/meetings")
    }

    async fn find(tx: &mut sqlx::PgConnection, id: MeetingId, lock: bool) -> sqlx::Result<Option<Meeting>> {
        store::find(tx, id, lock).await
    }

    fn readable(&self, _: &Actor, _: &Reference) -> Result<(), AppError> {
        Ok(())
    }

    fn changeable(&self, actor: &Actor, _: &Reference) -> Result<(), AppError> {
        if may_keep(actor, &self.region) { Ok(()) } else { Err(AppError::Forbidden) }
    }

    async fn with_problem(
        state: &AppState,
        actor: &Actor,
        _: &Reference,
        chrome: &Chrome,
        id: MeetingId,
        problem: String,
    ) -> Result<Response, AppError> {
        let (meeting, files) = load(state, actor, id).await?;
        let feedback = Feedback { upload: Some(problem), ..Feedback::default() };
        render(DetailPage::new(chrome, actor, meeting, &files, feedback, state.settings.attachment_max_bytes))
    }
}

#[derive(Debug, Default, Deserialize)]
pub struct ItemsQuery {
    #[serde(default)]
    pub region: Option<String>,
    #[serde(default, deserialize_with = "lenient_u32")]
    pub year: Option<u32>,
    #[serde(default)]
    pub owner: Option<String>,
    /// `open` (the default: open and overdue), `overdue`, `done`, `all`.
    #[serde(default)]
    pub status: Option<String>,
    #[serde(default, deserialize_with = "lenient_u32")]
    pub page: Option<u32>,
}

/// The filter the query asks for, checked, and its values as the form shows them.
struct ItemsAsked {
    filter: ItemFilter,
    region_code: String,
    year: String,
    owner: String,
    status: String,
    query: String,
    described: Vec<(&'static str, String)>,
}

fn items_asked(actor: &Actor, reference: &Reference, q: &ItemsQuery) -> Result<ItemsAsked, AppError> {
    let region = region_of(actor, reference, q.region.as_deref())?;
    let (_, years) = year_of(reference, None);
    let year = q.year.map(|y| y as i32).filter(|y| years.iter().any(|c| c.value == y.to_string()));
    let owner = q
        .owner
        .as_deref()
        .and_then(|o| DepartmentKind::parse(o.trim()))
        .filter(|d| d.is_partner() || *d == DepartmentKind::Hrss);
    let status_key =
        q.status.as_deref().map(str::trim).filter(|s| ["open", "overdue", "done", "all"].contains(s)).unwrap_or("open");
    let status = match status_key {
        "open" => Some(ItemStatus::Open),
        "overdue" => Some(ItemStatus::Overdue),
        "done" => Some(ItemStatus::Done),
        _ => None,
    };
    let mut query = form_urlencoded::Serializer::new(String::new());
    if let Some(r) = region.as_ref().filter(|_| actor.db().scope == Scope::Province) {
        query.append_pair("region", &r.code);
    }
    if let Some(y) = year {
        query.append_pair("year", &y.to_string());
    }
    if let Some(o) = owner {
        query.append_pair("owner", o.as_str());
    }
    query.append_pair("status", status_key);
    let status_label = match status_key {
        "open" => "未完成（含逾期）",
        "overdue" => "已逾期",
        "done" => "已完成",
        _ => "全部",
    };
    Ok(ItemsAsked {
        described: vec![
            ("地区", region.as_ref().map_or("全部".to_string(), |r| r.name.clone())),
            ("年度", year.map_or("全部".to_string(), |y| format!("{y} 年"))),
            ("责任单位", owner.map_or("全部".to_string(), |o| o.label().to_string())),
            ("状态", status_label.to_string()),
        ],
        filter: ItemFilter { region: region.as_ref().map(|r| r.id), year, owner, status },
        region_code: region.map(|r| r.code).unwrap_or_default(),
        year: year.map(|y| y.to_string()).unwrap_or_default(),
        owner: owner.map(|o| o.as_str().to_string()).unwrap_or_default(),
        status: status_key.to_string(),
        query: query.finish(),
    })
}

const ITEMS_PAGE: u32 = 50;

/// 议定事项: the open and overdue action items (or done, or all) of the actor's region, or for
/// the province of every region, by due date; filtered by region, year, department, status.
async fn items(
    State(state): State<AppState>,
    actor: Actor,
    Ref(reference): Ref,
    chrome: Chrome,
    Query(q): Query<ItemsQuery>,
) -> Result<Response, AppError> {
    let asked = items_asked(&actor, &reference, &q)?;
    let page = Page::new(q.page, ITEMS_PAGE);
    let today = time::today();
    let mut tx = db::begin(&state.pool, actor.db()).await?;
    let lines = store::items(&mut tx, &asked.filter, today, None, page.offset(), page.limit()).await?;
    let total = store::count_items(&mut tx, &asked.filter, today).await?;
    tx.commit().await?;
    let province = actor.db().scope == Scope::Province;
    let regions = if province {
        reference.regions.iter().map(|r| Choice::new(r.code.clone(), r.name.clone())).collect()
    } else {
        Vec::new()
    };
    let (_, years) = year_of(&reference, None);
    let owners = departments_on(&reference.cycles, today);
    render(ItemsPage::new(
        &chrome,
        &lines,
        Pager::new(page, total, asked.query.clone()),
        regions,
        (&asked.region_code, &asked.year, &asked.owner, &asked.status),
        years,
        &owners,
        province,
    ))
}

const ITEM_COLUMNS: &[Column] = &[
    Column::new("地区", Kind::Text, 12.0),
    Column::new("会议日期", Kind::Date, 12.0),
    Column::new("议定事项", Kind::Text, 40.0),
    Column::new("责任单位", Kind::Text, 16.0),
    Column::new("完成时限", Kind::Date, 12.0),
    Column::new("状态", Kind::Text, 10.0),
    Column::new("完成日期", Kind::Date, 12.0),
    Column::new("完成情况", Kind::Text, 40.0),
    Column::new("办结人", Kind::Text, 10.0),
];

/// The items list as Excel, with its filters, read in keyset pages by due date.
async fn export_items(
    State(state): State<AppState>,
    actor: Actor,
    Ref(reference): Ref,
    audit: AuditContext,
    Query(q): Query<ItemsQuery>,
) -> Result<Response, AppError> {
    let asked = items_asked(&actor, &reference, &q)?;
    let job = ExportJob {
        title: "议定事项",
        filters: asked.described.clone(),
        columns: ITEM_COLUMNS,
        action: Action::ExportActionItems,
        described: asked.query.clone(),
        unmasked: false,
    };
    let (pool, db_actor, filter) = (state.pool.clone(), actor.db(), asked.filter.clone());
    let today = time::today();
    let now = chrono::Utc::now();
    export::export_pages(
        &state.pool,
        &audit,
        job,
        |after: Option<(NaiveDate, i64)>| {
            let (pool, filter) = (pool.clone(), filter.clone());
            async move {
                let mut tx = db::begin(&pool, db_actor).await?;
                let rows = store::items(&mut tx, &filter, today, after, 0, export::BATCH).await?;
                tx.commit().await?;
                Ok(rows)
            }
        },
        |l: &ItemLine| (l.due_on, l.id.0),
        |l| {
            let status = model::status(l.due_on, l.closed_on, now);
            vec![
                l.region_name.into(),
                Cell::Date(l.held_on),
                l.what.into(),
                l.owner.label().into(),
                Cell::Date(l.due_on),
                status.label().into(),
                l.closed_on.map(Cell::Date).unwrap_or(Cell::Empty),
                l.closed_note.into(),
                l.closed_by_name.into(),
            ]
        },
    )
    .await
}
