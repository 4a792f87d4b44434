//! Notices (通知公告) and typical-accident notices (典型事故通报, task 2): the province issues
//! them to every region or to chosen ones, a city's HRSS bureau to its own region's departments.
//! Readers mark them read; the issuer sees the receipts per region and department; a notice
//! not yet read waits on the reader's home page; an accident notice lists the employers of the
//! reader's region in the same key industries as candidates for a joint inspection.

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
    ATTACHMENT_KINDS, Allowed, Notice, NoticeForm, NoticeId, NoticeInput, NoticeKind, candidate_divisions, may_issue,
    may_mark_read, may_see,
};
use self::store::{Folder, NamedEmployer, ReadBy};
use self::views::{
    Candidates, DetailPage, DetailParts, EditPage, ListPage, Offered, ReceiptRow, ReceiptsPage, Row, Tab,
};
use crate::access::Permission;
use crate::attachments;
use crate::audit::AuditContext;
use crate::auth::Actor;
use crate::db::{self, Scope};
use crate::error::AppError;
use crate::org::{Region, RegionLevel, Role};
use crate::reference::{Ref, Reference};
use crate::state::AppState;
use crate::values::time;
use crate::web::confirm::ConfirmPage;
use crate::web::flash::{self, Flash};
use crate::web::form::{Choice, FieldErrors, year_asked, year_choices};
use crate::web::layout::{Chrome, Crumb};
use crate::web::once::FormToken;
use crate::web::pagination::{Page, Pager, lenient_u32};
use crate::web::render;
use crate::workflow::{By, Done};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/notices", get(list))
        .route("/notices/new", get(new_notice).post(create))
        .route("/notices/{id}", get(detail))
        .route("/notices/{id}/edit", get(edit).post(save))
        .route("/notices/{id}/issue", post(issue))
        .route("/notices/{id}/delete", get(confirm_delete).post(delete))
        .route("/notices/{id}/read", post(mark_read))
        .route("/notices/{id}/receipts", get(receipts))
        .merge(attachments::pages::routes::<Notice>("/notices/{id}"))
}

const PAGE_SIZE: u32 = 30;

/// How many unread notices the home page lists.
pub const HOME_UNREAD: i64 = 10;

/// How many candidate employers an accident notice lists.
const CANDIDATES: i64 = 20;

#[derive(Debug, Default, Deserialize)]
pub struct ListQuery {
    #[serde(default)]
    pub folder: Option<String>,
    #[serde(default)]
    pub kind: Option<String>,
    #[serde(default, deserialize_with = "lenient_u32")]
    pub year: Option<u32>,
    /// `issued`: in the issuer's folder, leave the drafts out.
    #[serde(default)]
    pub state: Option<String>,
    /// In the province's folder of every region: one issuing region (its code).
    #[serde(default)]
    pub region: Option<String>,
    #[serde(default, deserialize_with = "lenient_u32")]
    pub page: Option<u32>,
}

/// The region the actor issues from, if any.
fn issuing_region(actor: &Actor) -> Option<Region> {
    actor.region.clone().filter(|r| may_issue(actor, r))
}

/// The folders the actor has, in tab order: (key, label).
fn folders(actor: &Actor) -> Vec<(&'static str, &'static str)> {
    let mut folders = vec![("received", "收到的")];
    if issuing_region(actor).is_some() {
        folders.push(("issued", "发出的"));
    }
    if actor.db().scope == Scope::Province {
        folders.push(("all", "各地区发布的"));
    }
    folders
}

/// 通知通报: a folder's notices of a year, 30 a page.
async fn list(
    State(state): State<AppState>,
    actor: Actor,
    Ref(reference): Ref,
    chrome: Chrome,
    Query(q): Query<ListQuery>,
) -> Result<Response, AppError> {
    let region = actor.region.clone().ok_or(AppError::Forbidden)?;
    let offered = folders(&actor);
    let default = if actor.db().scope == Scope::Province { "all" } else { "received" };
    let asked = q.folder.as_deref().map(str::trim).unwrap_or(default);
    let folder = offered.iter().map(|(k, _)| *k).find(|k| *k == asked).unwrap_or("received");
    let issued_only = q.state.as_deref().map(str::trim) == Some("issued");
    let issuer = q.region.as_deref().and_then(|c| reference.region_by_code(c.trim())).cloned();
    let shown = match (folder, &issuer) {
        ("issued", _) if issued_only => Folder::IssuedBy(region.id),
        ("issued", _) => Folder::Issued(region.id),
        ("all", Some(r)) => Folder::IssuedBy(r.id),
        ("all", None) => Folder::All,
        _ => Folder::Received(region.id),
    };
    let year = year_asked(q.year, time::today().year());
    let kind = q.kind.as_deref().and_then(|k| NoticeKind::parse(k.trim()));
    let page = Page::new(q.page, PAGE_SIZE);
    let mut tx = db::begin(&state.pool, actor.db()).await?;
    let lines = store::list(&mut tx, shown, actor.account_id, kind, year, page.limit(), page.offset()).await?;
    tx.commit().await?;
    let mut query = format!("folder={folder}&year={year}");
    if let Some(k) = kind {
        query.push_str(&format!("&kind={}", k.as_str()));
    }
    if issued_only && folder == "issued" {
        query.push_str("&state=issued");
    }
    if let (Some(r), "all") = (&issuer, folder) {
        query.push_str(&format!("&region={}", r.code));
    }
    let issuer_view = folder != "received";
    render(ListPage {
        layout: chrome.layout("通知通报", vec![Crumb::here("通知通报")]),
        tabs: offered
            .iter()
            .map(|(key, label)| Tab {
                label,
                href: format!("/notices?folder={key}&year={year}"),
                active: *key == folder,
            })
            .collect(),
        folder: folder.to_string(),
        years: year_choices(time::today().year()),
        year: year.to_string(),
        kinds: ListPage::kinds(),
        kind: kind.map(|k| k.as_str().to_string()).unwrap_or_default(),
        rows: lines.iter().map(|l| Row::of(l, !issuer_view, issuer_view)).collect(),
        pager: Pager::new(page, lines.first().map_or(0, |l| l.total), query),
        may_issue: issuing_region(&actor).is_some(),
        show_receipts: issuer_view,
    })
}

/// The regions a writer may address and where an accident may have happened: the province
/// every region, a city itself.
fn offered_regions(reference: &Reference, issuer: &Region) -> Vec<Region> {
    match issuer.level {
        RegionLevel::Province => reference.regions.clone(),
        RegionLevel::City => vec![issuer.clone()],
    }
}

fn offered(regions: &[Region]) -> Offered {
    let choices: Vec<Choice> = regions.iter().map(|r| Choice::new(r.code.clone(), r.name.clone())).collect();
    Offered { recipients: choices.clone(), accident_regions: choices }
}

/// The form checked, and the employer it names found in the accident's region.
async fn parse(
    state: &AppState,
    actor: &Actor,
    reference: &Reference,
    issuer: &Region,
    form: &NoticeForm,
) -> Result<Result<(NoticeInput, crate::values::Version, NamedEmployer), FieldErrors>, AppError> {
    let regions = offered_regions(reference, issuer);
    let exists = |code: &str| reference.division(code).is_some();
    let allowed = Allowed { recipients: &regions, accident_regions: &regions, division_exists: &exists };
    let (input, version) = match form.parse(&allowed, time::today()) {
        Ok(parsed) => parsed,
        Err(errors) => return Ok(Err(errors)),
    };
    let employer = match input.accident.as_ref().and_then(|a| a.employer_code.as_ref().map(|c| (a.region, c))) {
        None => None,
        Some((region, code)) => {
            let mut tx = db::begin(&state.pool, actor.db()).await?;
            let found = store::employer(&mut tx, region, code).await?;
            tx.commit().await?;
            if found.is_none() {
                let mut errors = FieldErrors::default();
                errors.add("employer", "事故发生地区未登记此统一社会信用代码的用人单位；未登记的单位请只填名称");
                return Ok(Err(errors));
            }
            found
        }
    };
    Ok(Ok((input, version, employer)))
}

async fn new_notice(actor: Actor, Ref(reference): Ref, chrome: Chrome) -> Result<Response, AppError> {
    let issuer = issuing_region(&actor).ok_or(AppError::Forbidden)?;
    let regions = offered_regions(&reference, &issuer);
    let form = NoticeForm {
        kind: NoticeKind::Guidance.as_str().into(),
        recipients: match issuer.level {
            RegionLevel::City => vec![issuer.code.clone()],
            RegionLevel::Province => Vec::new(),
        },
        accident_region: issuer.code.clone(),
        ..NoticeForm::default()
    };
    render(EditPage::new(&chrome, None, form, FieldErrors::default(), offered(&regions)))
}

async fn create(
    State(state): State<AppState>,
    actor: Actor,
    Ref(reference): Ref,
    chrome: Chrome,
    audit: AuditContext,
    Form(form): Form<NoticeForm>,
) -> Result<Response, AppError> {
    let issuer = issuing_region(&actor).ok_or(AppError::Forbidden)?;
    let token = FormToken::parse(&form.form_token)?;
    let (input, _, employer) = match parse(&state, &actor, &reference, &issuer, &form).await? {
        Ok(parsed) => parsed,
        Err(errors) => {
            let regions = offered_regions(&reference, &issuer);
            return render(EditPage::new(&chrome, None, form, errors, offered(&regions)));
        }
    };
    let by = By { account: actor.account_id, name: &actor.display_name };
    let mut tx = db::begin(&state.pool, actor.db()).await?;
    let done = store::create(&mut tx, &audit, issuer.id, &input, &employer, &by, &token).await?;
    tx.commit().await?;
    let (Done::Now(url) | Done::Before(url)) = done;
    Ok(flash::redirect_with(&url, Flash::NoticeSaved))
}

/// The issuer's region of a notice the database let through, if the actor may see it (a draft
/// of someone else's: 404).
fn seen(actor: &Actor, reference: &Reference, notice: &Notice) -> Result<Region, AppError> {
    let issuer = reference.regions.iter().find(|r| r.id == notice.region).cloned().ok_or(AppError::NotFound)?;
    if !may_see(actor, &issuer, notice) {
        return Err(AppError::NotFound);
    }
    Ok(issuer)
}

/// A notice the actor may see, with its issuer's region (one not addressed to the actor's
/// region: 404).
async fn load(
    state: &AppState,
    actor: &Actor,
    reference: &Reference,
    id: NoticeId,
) -> Result<(Notice, Region), AppError> {
    let mut tx = db::begin(&state.pool, actor.db()).await?;
    let notice = store::find(&mut tx, id, false).await?.ok_or(AppError::NotFound)?;
    tx.commit().await?;
    let issuer = seen(actor, reference, &notice)?;
    Ok((notice, issuer))
}

/// A draft its issuers change (anyone else: 403; issued: refused with the reason).
async fn load_draft(
    state: &AppState,
    actor: &Actor,
    reference: &Reference,
    id: NoticeId,
) -> Result<(Notice, Region), AppError> {
    let (notice, issuer) = load(state, actor, reference, id).await?;
    if !may_issue(actor, &issuer) {
        return Err(AppError::Forbidden);
    }
    if notice.issued() {
        return Err(AppError::Refused("通知已经发布，不能再修改。".into()));
    }
    Ok((notice, issuer))
}

fn region_names(reference: &Reference, ids: &[crate::org::RegionId]) -> String {
    let names: Vec<&str> = reference.regions.iter().filter(|r| ids.contains(&r.id)).map(|r| r.name.as_str()).collect();
    if names.len() == reference.regions.len() && names.len() > 1 {
        "全省各地区".to_string()
    } else {
        names.join("、")
    }
}

/// The employers of the reader's region an accident notice proposes for inspection.
async fn candidates_for(
    tx: &mut sqlx::PgConnection,
    actor: &Actor,
    reference: &Reference,
    notice: &Notice,
) -> Result<Option<Candidates>, AppError> {
    let (Some(accident), Some(region)) = (&notice.accident, &actor.region) else {
        return Ok(None);
    };
    if !notice.issued() || !notice.addressed_to(region.id) || region.level != RegionLevel::City {
        return Ok(None);
    }
    let Some(cycle) = crate::cycles::model::current(&reference.cycles, time::today()) else {
        return Ok(None);
    };
    let industries = crate::key_industries::store::of_region(tx, region.id, cycle.id).await?;
    let divisions = candidate_divisions(&industries, &accident.division);
    let found = store::candidates(tx, region.id, &divisions, CANDIDATES).await?;
    Ok(Some(Candidates::new(region, &divisions, found, actor.role.may(Permission::LogInspections))))
}

/// The notice's page, everything read in one transaction (a notice is read often: the home
/// page links every reader to it).
async fn detail_page(
    state: &AppState,
    actor: &Actor,
    reference: &Reference,
    chrome: &Chrome,
    id: NoticeId,
    upload_error: Option<String>,
) -> Result<Response, AppError> {
    let mut tx = db::begin(&state.pool, actor.db()).await?;
    let notice = store::find(&mut tx, id, false).await?.ok_or(AppError::NotFound)?;
    let issuer = seen(actor, reference, &notice)?;
    let addressed = actor.region.as_ref().is_some_and(|r| notice.addressed_to(r.id));
    let files = attachments::store::list(&mut tx, &notice.owner()).await?;
    let read_at = match addressed && notice.issued() {
        true => store::read_at(&mut tx, &notice, actor.account_id).await?,
        false => None,
    };
    let candidates = candidates_for(&mut tx, actor, reference, &notice).await?;
    tx.commit().await?;
    let issuing = may_issue(actor, &issuer);
    let parts = DetailParts {
        issuer: issuer.name.clone(),
        recipients: region_names(reference, &notice.recipients),
        accident_region: notice.accident.as_ref().map(|a| region_names(reference, &[a.region])).unwrap_or_default(),
        division: notice
            .accident
            .as_ref()
            .map(|a| match reference.division(&a.division) {
                Some(d) => format!("{} {}", d.code, d.name),
                None => a.division.clone(),
            })
            .unwrap_or_default(),
        editable: issuing && !notice.issued(),
        may_see_receipts: notice.issued() && (issuing || actor.role == Role::ProvinceOfficer),
        may_mark_read: may_mark_read(actor, &notice),
        read_at,
        candidates,
    };
    let max = state.settings.attachment_max_bytes;
    render(DetailPage::new(chrome, notice, parts, &files, upload_error, max))
}

async fn detail(
    State(state): State<AppState>,
    actor: Actor,
    Ref(reference): Ref,
    chrome: Chrome,
    Path(id): Path<NoticeId>,
) -> Result<Response, AppError> {
    detail_page(&state, &actor, &reference, &chrome, id, None).await
}

async fn edit(
    State(state): State<AppState>,
    actor: Actor,
    Ref(reference): Ref,
    chrome: Chrome,
    Path(id): Path<NoticeId>,
) -> Result<Response, AppError> {
    let (notice, issuer) = load_draft(&state, &actor, &reference, id).await?;
    let regions = offered_regions(&reference, &issuer);
    let mut form = NoticeForm::of(&notice, &reference.regions);
    if let Some(employer) = notice.accident.as_ref().and_then(|a| a.employer) {
        let mut tx = db::begin(&state.pool, actor.db()).await?;
        let found = crate::employers::store::find(&mut tx, crate::employers::model::EmployerId(employer)).await?;
        tx.commit().await?;
        form.employer = found.map(|e| e.credit_code).unwrap_or_default();
    }
    render(EditPage::new(&chrome, Some(&notice), form, FieldErrors::default(), offered(&regions)))
}

async fn save(
    State(state): State<AppState>,
    actor: Actor,
    Ref(reference): Ref,
    chrome: Chrome,
    audit: AuditContext,
    Path(id): Path<NoticeId>,
    Form(form): Form<NoticeForm>,
) -> Result<Response, AppError> {
    let (notice, issuer) = load_draft(&state, &actor, &reference, id).await?;
    let (input, version, employer) = match parse(&state, &actor, &reference, &issuer, &form).await? {
        Ok(parsed) => parsed,
        Err(errors) => {
            let regions = offered_regions(&reference, &issuer);
            return render(EditPage::new(&chrome, Some(&notice), form, errors, offered(&regions)));
        }
    };
    let mut tx = db::begin(&state.pool, actor.db()).await?;
    store::update(&mut tx, &audit, &notice, version, &input, &employer).await?;
    tx.commit().await?;
    Ok(flash::redirect_with(&format!("/notices/{id}"), Flash::NoticeSaved))
}

#[derive(Debug, Default, Deserialize)]
pub struct TokenForm {
    #[serde(default)]
    pub form_token: String,
}

/// 发布: the draft goes to its recipients and is fixed from now on.
async fn issue(
    State(state): State<AppState>,
    actor: Actor,
    Ref(reference): Ref,
    audit: AuditContext,
    Path(id): Path<NoticeId>,
    Form(form): Form<TokenForm>,
) -> Result<Response, AppError> {
    let (_, issuer) = load(&state, &actor, &reference, id).await?;
    if !may_issue(&actor, &issuer) {
        return Err(AppError::Forbidden);
    }
    let token = FormToken::parse(&form.form_token)?;
    let by = By { account: actor.account_id, name: &actor.display_name };
    let mut tx = db::begin(&state.pool, actor.db()).await?;
    let locked = store::find(&mut tx, id, true).await?.ok_or(AppError::NotFound)?;
    let done = store::issue(&mut tx, &audit, &locked, &by, &token, time::today()).await?;
    tx.commit().await?;
    let (Done::Now(url) | Done::Before(url)) = done;
    Ok(flash::redirect_with(&url, Flash::NoticeIssued))
}

async fn confirm_delete(
    State(state): State<AppState>,
    actor: Actor,
    Ref(reference): Ref,
    chrome: Chrome,
    Path(id): Path<NoticeId>,
) -> Result<Response, AppError> {
    let (notice, _) = load_draft(&state, &actor, &reference, id).await?;
    let here = format!("/notices/{id}");
    render(ConfirmPage::new(
        &chrome,
        vec![views::crumb(), Crumb::link(notice.title.clone(), here.clone())],
        "删除通知草稿",
        format!("确定删除草稿“{}”吗？删除后不能恢复，删除记录保留在审计日志中。", notice.title),
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
    Path(id): Path<NoticeId>,
) -> Result<Response, AppError> {
    let (notice, _) = load_draft(&state, &actor, &reference, id).await?;
    let mut tx = db::begin(&state.pool, actor.db()).await?;
    store::delete(&mut tx, &audit, &notice).await?;
    tx.commit().await?;
    Ok(flash::redirect_with("/notices?folder=issued", Flash::NoticeDeleted))
}

/// 标记已读: by an officer of a region the notice is addressed to.
async fn mark_read(
    State(state): State<AppState>,
    actor: Actor,
    Ref(reference): Ref,
    Path(id): Path<NoticeId>,
) -> Result<Response, AppError> {
    let (notice, _) = load(&state, &actor, &reference, id).await?;
    let (Some(region), Some(department)) = (&actor.region, actor.department) else {
        return Err(AppError::Forbidden);
    };
    if !may_mark_read(&actor, &notice) {
        return Err(AppError::Forbidden);
    }
    let by = ReadBy { region: region.id, account: actor.account_id, name: &actor.display_name, department };
    let mut tx = db::begin(&state.pool, actor.db()).await?;
    store::mark_read(&mut tx, &notice, &by).await?;
    tx.commit().await?;
    Ok(flash::redirect_with(&format!("/notices/{id}"), Flash::NoticeRead))
}

/// 阅读情况: who of the recipient regions' officers has read the notice, per department; for
/// its issuers and the province.
async fn receipts(
    State(state): State<AppState>,
    actor: Actor,
    Ref(reference): Ref,
    chrome: Chrome,
    Path(id): Path<NoticeId>,
) -> Result<Response, AppError> {
    let mut tx = db::begin(&state.pool, actor.db()).await?;
    let notice = store::find(&mut tx, id, false).await?.ok_or(AppError::NotFound)?;
    let issuer = seen(&actor, &reference, &notice)?;
    if !(may_issue(&actor, &issuer) || actor.role == Role::ProvinceOfficer) {
        return Err(AppError::Forbidden);
    }
    if !notice.issued() {
        return Err(AppError::Refused("通知尚未发布，还没有阅读情况。".into()));
    }
    let readers = store::readers(&mut tx, &notice).await?;
    tx.commit().await?;
    let recipients: Vec<Region> = reference.regions.iter().filter(|r| notice.addressed_to(r.id)).cloned().collect();
    let table = model::receipts(&recipients, &readers);
    let here = format!("/notices/{id}");
    render(ReceiptsPage {
        layout: chrome
            .layout("阅读情况", vec![views::crumb(), Crumb::link(notice.title.clone(), here), Crumb::here("阅读情况")]),
        notice_id: id.to_string(),
        title: notice.title.clone(),
        departments_read: table.iter().filter(|l| l.has_read()).count(),
        departments: table.len(),
        readers_read: readers.iter().filter(|r| r.read_at.is_some()).count(),
        readers: readers.len(),
        rows: table.iter().map(ReceiptRow::of).collect(),
    })
}

/// A notice's files: added and removed by its issuers while a draft, read wherever the
/// notice is.
impl attachments::pages::Holder for Notice {
    type Id = NoticeId;
    const KINDS: &'static [attachments::AttachmentKind] = ATTACHMENT_KINDS;

    fn page(id: NoticeId) -> String {
        format!("/notices/{id}")
    }

    fn owner(&self) -> attachments::Owner {
        Notice::owner(self)
    }

    fn stage(&self) -> &'static str {
        "draft"
    }

    fn title(&self) -> String {
        self.title.clone()
    }

    fn crumb() -> Crumb {
        views::crumb()
    }

    async fn find(tx: &mut sqlx::PgConnection, id: NoticeId, lock: bool) -> sqlx::Result<Option<Notice>> {
        store::find(tx, id, lock).await
    }

    fn readable(&self, actor: &Actor, reference: &Reference) -> Result<(), AppError> {
        seen(actor, reference, self).map(|_| ())
    }

    fn changeable(&self, actor: &Actor, reference: &Reference) -> Result<(), AppError> {
        let issuer = seen(actor, reference, self)?;
        if !may_issue(actor, &issuer) {
            return Err(AppError::Forbidden);
        }
        if self.issued() {
            return Err(AppError::Refused("通知已经发布，附件不能再更改。".into()));
        }
        Ok(())
    }

    async fn with_problem(
        state: &AppState,
        actor: &Actor,
        reference: &Reference,
        chrome: &Chrome,
        id: NoticeId,
        problem: String,
    ) -> Result<Response, AppError> {
        detail_page(state, actor, reference, chrome, id, Some(problem)).await
    }
}
