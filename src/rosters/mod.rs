//! The leading-group roster (工伤预防联防联控机制领导小组组成人员, 附件1), task 2 of DOMAIN.md:
//! per region and cycle, the members of the group with their department, post, role in the
//! group and contacts, each membership with the dates it began and ended, so replacing a member
//! ends a record instead of overwriting it and the roster on any past date can be shown. The
//! rules are checked on every save and listed as what is missing; a roster that keeps them all
//! is reported (报送) to the province through the shared workflow and filed or returned. A
//! change to a filed roster is reported again; the province sees every region's standing.

pub mod model;
pub mod store;
pub mod views;

use axum::Router;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use axum::routing::{get, post};
use axum_extra::extract::Form;
use chrono::NaiveDate;
use serde::Deserialize;

use self::model::{
    EndForm, Member, MemberForm, MemberId, Roster, RosterAction, RosterId, RosterStatus, Standing, may_edit,
    may_unmask, may_write, succession_problem,
};
use self::store::{By, Done, OverviewLine, Rules};
use self::views::{
    DetailPage, EndPage, Feedback, IndexPage, MemberMode, MemberPage, OverviewFilter, OverviewPage, PrintPage,
};
use crate::audit::export::{self, ExportJob};
use crate::audit::{self, Action, AuditContext, Event};
use crate::auth::Actor;
use crate::cycles::{self, Cycle};
use crate::db::{self, Scope};
use crate::error::AppError;
use crate::reference::{Ref, Reference};
use crate::state::AppState;
use crate::trail::{self, Trail};
use crate::values::{Date, time};
use crate::web::export::{Cell, Column, Kind};
use crate::web::flash::{self, Flash};
use crate::web::form::FieldErrors;
use crate::web::layout::Chrome;
use crate::web::once::{self, FormToken};
use crate::web::pagination::lenient_u32;
use crate::web::render;
use crate::workflow::compare::ComparePage;
use crate::workflow::{history, step, versions};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/rosters", get(index))
        .route("/rosters/new", post(create))
        .route("/rosters/overview/export", get(export_overview))
        .route("/rosters/{id}", get(detail))
        .route("/rosters/{id}/unmask", post(unmask))
        .route("/rosters/{id}/export", get(export_roster))
        .route("/rosters/{id}/print", get(print))
        .route("/rosters/{id}/transition", post(transition))
        .route("/rosters/{id}/compare", get(compare))
        .route("/rosters/{id}/members/new", get(new_member).post(add_member))
        .route("/rosters/{id}/members/{member}/edit", get(edit_member).post(save_member))
        .route("/rosters/{id}/members/{member}/replace", get(successor).post(replace_member))
        .route("/rosters/{id}/members/{member}/end", get(confirm_end).post(end_member))
}

#[derive(Debug, Default, Deserialize)]
pub struct IndexQuery {
    #[serde(default, deserialize_with = "lenient_u32")]
    pub cycle: Option<u32>,
    /// Overview filters: a standing (`not_started`, `draft` …), completeness (`yes`, `no`) and
    /// whether the roster changed since filing (`yes`).
    #[serde(default)]
    pub status: Option<String>,
    #[serde(default)]
    pub complete: Option<String>,
    #[serde(default)]
    pub changed: Option<String>,
}

/// The cycles, and the one asked for (else today's).
fn pick(reference: &Reference, asked: Option<u32>) -> Result<(&[Cycle], Cycle), AppError> {
    let cycles = &reference.cycles;
    let cycle =
        cycles::model::pick(cycles, asked.map(|y| y as i32), time::today()).cloned().ok_or(AppError::NotFound)?;
    Ok((cycles, cycle))
}

/// 领导小组: for a region's officers their roster of the cycle; for province officers the
/// overview of every region.
async fn index(
    State(state): State<AppState>,
    actor: Actor,
    Ref(reference): Ref,
    chrome: Chrome,
    Query(query): Query<IndexQuery>,
) -> Result<Response, AppError> {
    let (cycles, cycle) = pick(&reference, query.cycle)?;
    let today = time::today();
    let mut tx = db::begin(&state.pool, actor.db()).await?;
    if actor.db().scope == Scope::Province {
        let lines = store::overview(&mut tx, cycle.id, today).await?;
        tx.commit().await?;
        return render(OverviewPage::new(&chrome, cycles, &cycle, lines, &query));
    }
    let region = actor.region.clone().ok_or(AppError::Forbidden)?;
    let roster = store::of_region(&mut tx, region.id, cycle.id, today).await?;
    tx.commit().await?;
    render(IndexPage::new(&chrome, cycles, &cycle, region.clone(), roster, may_write(&actor, &region)))
}

#[derive(Deserialize)]
struct CreateForm {
    #[serde(default)]
    cycle: String,
    #[serde(default)]
    form_token: String,
}

/// Starts the actor's region's roster for a cycle (a double click makes one).
async fn create(
    State(state): State<AppState>,
    actor: Actor,
    Ref(reference): Ref,
    audit: AuditContext,
    Form(form): Form<CreateForm>,
) -> Result<Response, AppError> {
    let token = FormToken::parse(&form.form_token)?;
    let region = actor.region.clone().ok_or(AppError::Forbidden)?;
    if !may_write(&actor, &region) {
        return Err(AppError::Forbidden);
    }
    let cycle =
        reference.cycles.iter().find(|c| c.first_year.to_string() == form.cycle.trim()).ok_or(AppError::NotFound)?;
    let mut tx = db::begin(&state.pool, actor.db()).await?;
    let by = By { account: actor.account_id, name: &actor.display_name };
    let done = store::create(&mut tx, &audit, &by, &token, &region, cycle).await?;
    tx.commit().await?;
    Ok(match done {
        Done::Now(url) => flash::redirect_with(&url, Flash::RosterCreated),
        Done::Before(url) => flash::redirect(&url),
    })
}

/// A roster with what its pages need beside it: its cycle and, for its own page, its trail.
pub struct Loaded {
    pub roster: Roster,
    pub cycle: Cycle,
    pub timeline: Vec<history::TimelineLine>,
    pub versions: Vec<versions::Version>,
}

/// The roster in one transaction of the actor's scope (another region's roster is not found),
/// with its history and versions when `with_trail`.
async fn load(
    state: &AppState,
    actor: &Actor,
    reference: &Reference,
    id: RosterId,
    with_trail: bool,
) -> Result<Loaded, AppError> {
    let mut tx = db::begin(&state.pool, actor.db()).await?;
    let roster = store::find(&mut tx, id, false).await?.ok_or(AppError::NotFound)?;
    let trail = if with_trail { trail::load(&mut tx, &roster.owner()).await? } else { Trail::default() };
    tx.commit().await?;
    let cycle = reference.cycles.iter().find(|c| c.id == roster.cycle_id).cloned().ok_or(AppError::NotFound)?;
    let timeline = history::timeline::<RosterStatus, RosterAction>(&trail.history);
    Ok(Loaded { roster, cycle, timeline, versions: trail.versions })
}

/// The roster for a change of its members: found, the actor its keeper, and open.
async fn load_editable(
    state: &AppState,
    actor: &Actor,
    reference: &Reference,
    id: RosterId,
) -> Result<Loaded, AppError> {
    let l = load(state, actor, reference, id, false).await?;
    if !may_write(actor, &l.roster.region) {
        return Err(AppError::Forbidden);
    }
    if !may_edit(actor, &l.roster) {
        return Err(AppError::Refused("名单已报送，等待省厅办理期间不能修改。".into()));
    }
    Ok(l)
}

fn rules<'a>(reference: &'a Reference, cycle: &'a Cycle) -> Rules<'a> {
    Rules { cycle, roles: &reference.group_roles, today: time::today() }
}

#[derive(Debug, Default, Deserialize)]
pub struct AsOfQuery {
    #[serde(default)]
    pub as_of: Option<String>,
}

/// The date the roster is shown as of: the one asked for if it reads as a date, else today,
/// with a message for one that did not.
fn as_of(asked: Option<&str>) -> (NaiveDate, Option<String>) {
    match asked.map(str::trim).filter(|s| !s.is_empty()) {
        None => (time::today(), None),
        Some(raw) => match Date::parse(raw) {
            Ok(date) => (date.0, None),
            Err(e) => (time::today(), Some(e.0.into_owned())),
        },
    }
}

async fn detail(
    State(state): State<AppState>,
    actor: Actor,
    Ref(reference): Ref,
    chrome: Chrome,
    Path(id): Path<RosterId>,
    Query(q): Query<AsOfQuery>,
) -> Result<Response, AppError> {
    let l = load(&state, &actor, &reference, id, true).await?;
    let (date, date_error) = as_of(q.as_of.as_deref());
    let feedback = Feedback { date_error, ..Feedback::default() };
    render(DetailPage::new(&chrome, &actor, &reference, l, date, feedback, false))
}

#[derive(Deserialize)]
struct UnmaskForm {
    #[serde(default)]
    as_of: Option<String>,
}

/// The roster page with mobiles in full: an explicit, audited action, for the roster's keepers
/// and the province. A POST, so the numbers never sit in a URL.
async fn unmask(
    State(state): State<AppState>,
    actor: Actor,
    Ref(reference): Ref,
    chrome: Chrome,
    audit: AuditContext,
    Path(id): Path<RosterId>,
    Form(form): Form<UnmaskForm>,
) -> Result<Response, AppError> {
    let l = load(&state, &actor, &reference, id, true).await?;
    if !may_unmask(&actor, &l.roster.region) {
        return Err(AppError::Forbidden);
    }
    let event = Event::new(Action::Unmask).object(model::KIND, id).detail("领导小组组成人员手机号码");
    audit::record_alone(&state.pool, &audit, event).await?;
    let (date, date_error) = as_of(form.as_of.as_deref());
    let feedback = Feedback { date_error, ..Feedback::default() };
    render(DetailPage::new(&chrome, &actor, &reference, l, date, feedback, true))
}

async fn new_member(
    State(state): State<AppState>,
    actor: Actor,
    Ref(reference): Ref,
    chrome: Chrome,
    Path(id): Path<RosterId>,
) -> Result<Response, AppError> {
    let l = load_editable(&state, &actor, &reference, id).await?;
    let form = MemberForm::blank(&l.roster, time::today());
    render(MemberPage::new(&chrome, &reference, &l, MemberMode::Add, form, FieldErrors::default()))
}

async fn add_member(
    State(state): State<AppState>,
    actor: Actor,
    Ref(reference): Ref,
    chrome: Chrome,
    audit: AuditContext,
    Path(id): Path<RosterId>,
    Form(form): Form<MemberForm>,
) -> Result<Response, AppError> {
    let l = load_editable(&state, &actor, &reference, id).await?;
    let token = form.form_token.parse()?;
    let (input, version) = match form.parse(&l.cycle, &reference.group_roles) {
        Ok(parsed) => parsed,
        Err(errors) => return render(MemberPage::new(&chrome, &reference, &l, MemberMode::Add, form, errors)),
    };
    let mut tx = db::begin(&state.pool, actor.db()).await?;
    let done = once::run(&mut tx, actor.account_id, &token, async |tx| {
        store::add_member(tx, &audit, &l.roster, version, &input, &rules(&reference, &l.cycle)).await?;
        Ok::<_, AppError>(format!("/rosters/{id}"))
    })
    .await?;
    tx.commit().await?;
    Ok(flash::after(done, Flash::RosterMemberAdded))
}

/// The roster (open, the actor its keeper) and one of its members.
async fn member_of(
    state: &AppState,
    actor: &Actor,
    reference: &Reference,
    id: RosterId,
    member: MemberId,
) -> Result<(Loaded, Member), AppError> {
    let l = load_editable(state, actor, reference, id).await?;
    let m = l.roster.member(member).cloned().ok_or(AppError::NotFound)?;
    Ok((l, m))
}

async fn edit_member(
    State(state): State<AppState>,
    actor: Actor,
    Ref(reference): Ref,
    chrome: Chrome,
    Path((id, member)): Path<(RosterId, MemberId)>,
) -> Result<Response, AppError> {
    let (l, m) = member_of(&state, &actor, &reference, id, member).await?;
    let form = MemberForm::of(&m, &l.roster);
    render(MemberPage::new(&chrome, &reference, &l, MemberMode::Edit(m), form, FieldErrors::default()))
}

async fn save_member(
    State(state): State<AppState>,
    actor: Actor,
    Ref(reference): Ref,
    chrome: Chrome,
    audit: AuditContext,
    Path((id, member)): Path<(RosterId, MemberId)>,
    Form(form): Form<MemberForm>,
) -> Result<Response, AppError> {
    let (l, m) = member_of(&state, &actor, &reference, id, member).await?;
    let (input, version) = match form.parse(&l.cycle, &reference.group_roles) {
        Ok(parsed) => parsed,
        Err(errors) => return render(MemberPage::new(&chrome, &reference, &l, MemberMode::Edit(m), form, errors)),
    };
    let mut tx = db::begin(&state.pool, actor.db()).await?;
    store::update_member(&mut tx, &audit, &l.roster, &m, version, &input, &rules(&reference, &l.cycle)).await?;
    tx.commit().await?;
    Ok(flash::redirect_with(&format!("/rosters/{id}"), Flash::RosterMemberSaved))
}

/// The form naming a successor to a member who leaves the group.
async fn successor(
    State(state): State<AppState>,
    actor: Actor,
    Ref(reference): Ref,
    chrome: Chrome,
    Path((id, member)): Path<(RosterId, MemberId)>,
) -> Result<Response, AppError> {
    let (l, m) = member_of(&state, &actor, &reference, id, member).await?;
    if m.ended_on.is_some() {
        return Err(AppError::Refused("该成员已离任，不能再被接替。".into()));
    }
    let form = MemberForm::successor(&m, &l.roster, time::today());
    render(MemberPage::new(&chrome, &reference, &l, MemberMode::Replace(m), form, FieldErrors::default()))
}

async fn replace_member(
    State(state): State<AppState>,
    actor: Actor,
    Ref(reference): Ref,
    chrome: Chrome,
    audit: AuditContext,
    Path((id, member)): Path<(RosterId, MemberId)>,
    Form(form): Form<MemberForm>,
) -> Result<Response, AppError> {
    let (l, m) = member_of(&state, &actor, &reference, id, member).await?;
    let parsed = form.parse(&l.cycle, &reference.group_roles).and_then(|(input, version)| {
        match succession_problem(&m, input.began_on) {
            Some(message) => {
                let mut errors = FieldErrors::default();
                errors.add_owned("began_on", message);
                Err(errors)
            }
            None => Ok((input, version)),
        }
    });
    let (input, version) = match parsed {
        Ok(parsed) => parsed,
        Err(errors) => return render(MemberPage::new(&chrome, &reference, &l, MemberMode::Replace(m), form, errors)),
    };
    let mut tx = db::begin(&state.pool, actor.db()).await?;
    store::replace_member(&mut tx, &audit, &l.roster, &m, version, &input, &rules(&reference, &l.cycle)).await?;
    tx.commit().await?;
    Ok(flash::redirect_with(&format!("/rosters/{id}"), Flash::RosterMemberReplaced))
}

/// Asks for the last day before a member leaves without a successor.
async fn confirm_end(
    State(state): State<AppState>,
    actor: Actor,
    Ref(reference): Ref,
    chrome: Chrome,
    Path((id, member)): Path<(RosterId, MemberId)>,
) -> Result<Response, AppError> {
    let (l, m) = member_of(&state, &actor, &reference, id, member).await?;
    if m.ended_on.is_some() {
        return Err(AppError::Refused("该成员已离任。".into()));
    }
    let form = EndForm { ended_on: time::today().to_string(), version: l.roster.version.to_string() };
    render(EndPage::new(&chrome, &reference, &l, &m, form, FieldErrors::default()))
}

async fn end_member(
    State(state): State<AppState>,
    actor: Actor,
    Ref(reference): Ref,
    chrome: Chrome,
    audit: AuditContext,
    Path((id, member)): Path<(RosterId, MemberId)>,
    Form(form): Form<EndForm>,
) -> Result<Response, AppError> {
    let (l, m) = member_of(&state, &actor, &reference, id, member).await?;
    let (ended_on, version) = match form.parse(&m) {
        Ok(parsed) => parsed,
        Err(errors) => return render(EndPage::new(&chrome, &reference, &l, &m, form, errors)),
    };
    let mut tx = db::begin(&state.pool, actor.db()).await?;
    store::end_member(&mut tx, &audit, &l.roster, &m, version, ended_on, &rules(&reference, &l.cycle)).await?;
    tx.commit().await?;
    Ok(flash::redirect_with(&format!("/rosters/{id}"), Flash::RosterMemberEnded))
}

async fn transition(
    State(state): State<AppState>,
    actor: Actor,
    Ref(reference): Ref,
    chrome: Chrome,
    audit: AuditContext,
    Path(id): Path<RosterId>,
    Form(form): Form<step::TransitionForm>,
) -> Result<Response, AppError> {
    let (action, token) = form.parse::<RosterAction>()?;
    let l = load(&state, &actor, &reference, id, true).await?;
    // Reporting a region's roster is its keepers' business; the province decides.
    if action == RosterAction::Submit && !may_write(&actor, &l.roster.region) {
        return Err(AppError::Forbidden);
    }
    let mut tx = db::begin(&state.pool, actor.db()).await?;
    let by = By { account: actor.account_id, name: &actor.display_name };
    let outcome = store::transition(
        &mut tx,
        &audit,
        &by,
        actor.role,
        &token,
        id,
        action,
        &form.comment,
        &rules(&reference, &l.cycle),
    )
    .await;
    let problems = match step::outcome(outcome)? {
        Ok(done) => {
            tx.commit().await?;
            return Ok(match done {
                Done::Now(url) => flash::redirect_with(&url, flash_of(action)),
                Done::Before(url) => flash::redirect(&url),
            });
        }
        Err(problems) => problems.into_iter().map(|p| p.message).collect(),
    };
    tx.rollback().await?;
    let feedback = Feedback { problems, comment: form.comment, date_error: None };
    render(DetailPage::new(&chrome, &actor, &reference, l, time::today(), feedback, false))
}

fn flash_of(action: RosterAction) -> Flash {
    match action {
        RosterAction::Submit => Flash::RosterSubmitted,
        RosterAction::File => Flash::RosterFiled,
        RosterAction::Return => Flash::RosterReturned,
    }
}

/// The roster on A4 as the official 附件1 table, as of a date (today by default).
async fn print(
    State(state): State<AppState>,
    actor: Actor,
    Ref(reference): Ref,
    Path(id): Path<RosterId>,
    Query(q): Query<AsOfQuery>,
) -> Result<Response, AppError> {
    let l = load(&state, &actor, &reference, id, false).await?;
    let (date, _) = as_of(q.as_of.as_deref());
    render(PrintPage::new(&reference, &l, date))
}

#[derive(Deserialize)]
struct CompareQuery {
    #[serde(default, deserialize_with = "lenient_u32")]
    a: Option<u32>,
    #[serde(default, deserialize_with = "lenient_u32")]
    b: Option<u32>,
}

/// Two reported versions side by side (by default the last two): what changed since filing.
async fn compare(
    State(state): State<AppState>,
    actor: Actor,
    Ref(reference): Ref,
    chrome: Chrome,
    Path(id): Path<RosterId>,
    Query(q): Query<CompareQuery>,
) -> Result<Response, AppError> {
    let mut tx = db::begin(&state.pool, actor.db()).await?;
    let roster = store::find(&mut tx, id, false).await?.ok_or(AppError::NotFound)?;
    let (a, b) = (q.a.map(|v| v as i32), q.b.map(|v| v as i32));
    let pair = versions::pair(&mut tx, roster.region.id, model::KIND, id.0, a, b).await?.ok_or(AppError::NotFound)?;
    tx.commit().await?;
    let cycle = reference.cycles.iter().find(|c| c.id == roster.cycle_id).cloned().ok_or(AppError::NotFound)?;
    let comparison = versions::compare(&pair.before, &pair.after);
    let crumbs = views::compare_crumbs(&roster, &cycle);
    let base = format!("/rosters/{id}");
    render(ComparePage::new(&chrome, crumbs, base, "返回领导小组名单", &pair.versions, (pair.a, pair.b), comparison))
}

const ROSTER_COLUMNS: &[Column] = &[
    Column::new("序号", Kind::Integer, 6.0),
    Column::new("姓名", Kind::Text, 10.0),
    Column::new("单位", Kind::Text, 28.0),
    Column::new("职务", Kind::Text, 16.0),
    Column::new("小组职务", Kind::Text, 16.0),
    Column::new("电话", Kind::Text, 16.0),
    Column::new("手机", Kind::Text, 14.0),
    Column::new("任职起始", Kind::Text, 12.0),
    Column::new("备注", Kind::Text, 20.0),
];

/// The roster as Excel in the columns of 附件1, as of a date; mobiles masked.
async fn export_roster(
    State(state): State<AppState>,
    actor: Actor,
    Ref(reference): Ref,
    audit: AuditContext,
    Path(id): Path<RosterId>,
    Query(q): Query<AsOfQuery>,
) -> Result<Response, AppError> {
    let l = load(&state, &actor, &reference, id, false).await?;
    let (date, _) = as_of(q.as_of.as_deref());
    let title = format!("{}领导小组组成人员", l.roster.region.name);
    let job = ExportJob {
        title: &title,
        filters: vec![("周期", l.cycle.years()), ("日期", date.to_string())],
        columns: ROSTER_COLUMNS,
        action: Action::ExportRoster,
        described: format!("roster={id}&as_of={date}"),
        unmasked: false,
    };
    let members: Vec<Member> = l.roster.as_of(date, &reference.group_roles, &l.cycle).into_iter().cloned().collect();
    let roster = &l.roster;
    let rows: Vec<(usize, Member)> = members.into_iter().enumerate().map(|(i, m)| (i + 1, m)).collect();
    export::export_pages(
        &state.pool,
        &audit,
        job,
        {
            let mut rows = Some(rows);
            move |_after: Option<usize>| {
                let page = rows.take().unwrap_or_default();
                async move { Ok(page) }
            }
        },
        |(n, _): &(usize, Member)| *n,
        |(n, m)| {
            vec![
                Cell::Integer(n as i64),
                m.name.clone().into(),
                roster.department_name(m.department).into(),
                m.post.clone().into(),
                reference.group_role_name(&m.group_role).to_string().into(),
                m.office_phone.clone().into(),
                m.masked_mobile().into(),
                m.began_on.to_string().into(),
                m.remarks.clone().into(),
            ]
        },
    )
    .await
}

const OVERVIEW_COLUMNS: &[Column] = &[
    Column::new("地区", Kind::Text, 12.0),
    Column::new("状态", Kind::Text, 10.0),
    Column::new("规则检查", Kind::Text, 12.0),
    Column::new("备案后变更", Kind::Text, 12.0),
    Column::new("现有成员", Kind::Integer, 10.0),
    Column::new("首次报送时间", Kind::DateTime, 20.0),
    Column::new("最近变更时间", Kind::DateTime, 20.0),
];

/// The overview as Excel, with its filters.
async fn export_overview(
    State(state): State<AppState>,
    actor: Actor,
    Ref(reference): Ref,
    audit: AuditContext,
    Query(query): Query<IndexQuery>,
) -> Result<Response, AppError> {
    let (_, cycle) = pick(&reference, query.cycle)?;
    let filter = OverviewFilter::from_query(&query);
    let job = ExportJob {
        title: "领导小组名单报送情况",
        filters: filter.describe(&cycle),
        columns: OVERVIEW_COLUMNS,
        action: Action::ExportRosters,
        described: filter.to_query_string(&cycle),
        unmasked: false,
    };
    let mut tx = db::begin(&state.pool, actor.db()).await?;
    let lines = store::overview(&mut tx, cycle.id, time::today()).await?;
    tx.commit().await?;
    // Fifteen regions: one page; the shared helper still audits and streams it.
    let mut lines: Option<Vec<OverviewLine>> = Some(lines.into_iter().filter(|l| filter.keeps(l)).collect());
    export::export_pages(
        &state.pool,
        &audit,
        job,
        move |_after: Option<usize>| {
            let page = lines.take().unwrap_or_default();
            async move { Ok(page) }
        },
        |_: &OverviewLine| 0usize,
        |l| {
            let standing = l.roster.as_ref().map_or(Standing::NotStarted, |r| Standing::At(r.status));
            let r = l.roster.as_ref();
            vec![
                l.region.name.clone().into(),
                standing.label().into(),
                match r {
                    None => "",
                    Some(r) if r.complete => "符合",
                    Some(_) => "不完整",
                }
                .into(),
                if r.is_some_and(|r| r.changed_since_filing) { "有变更" } else { "" }.into(),
                Cell::Integer(r.map_or(0, |r| r.members)),
                r.and_then(|r| r.first_submitted_at).map(Cell::DateTime).unwrap_or(Cell::Empty),
                r.map(|r| Cell::DateTime(r.updated_at)).unwrap_or(Cell::Empty),
            ]
        },
    )
    .await
}
