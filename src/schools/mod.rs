//! Technical schools (技工院校, task 8): per region and year, each school, whether it runs a
//! work-injury prevention course (工伤预防课程), its hours and the students taught a year; the
//! share of schools running one per region and province-wide (`model::Share`), with its Excel
//! export. City officers keep their region's; partner and agency officers read them; province
//! officers read every region's.

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

use self::model::{School, SchoolForm, SchoolId, Share, may_keep, province_share};
use self::views::{EditPage, ListPage, Row, ShareRow};
use crate::audit::export::{self, ExportJob};
use crate::audit::{Action, AuditContext};
use crate::auth::Actor;
use crate::db::{self, Scope};
use crate::error::{AppError, WriteError};
use crate::org::Region;
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

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/schools", get(list))
        .route("/schools/export", get(export_shares))
        .route("/schools/new", get(new_school).post(create))
        .route("/schools/{id}/edit", get(edit).post(save))
        .route("/schools/{id}/delete", get(confirm_delete).post(delete))
}

const PAGE_SIZE: u32 = 50;

#[derive(Debug, Default, Deserialize)]
pub struct ListQuery {
    #[serde(default, deserialize_with = "lenient_u32")]
    pub year: Option<u32>,
    /// The province's list of one region's schools (its code).
    #[serde(default)]
    pub region: Option<String>,
    #[serde(default, deserialize_with = "lenient_u32")]
    pub page: Option<u32>,
}

/// The year asked for (the current one by default), within the years a list offers.
fn year_of(q: &ListQuery) -> i32 {
    year_asked(q.year, time::today().year())
}

fn years() -> Vec<Choice> {
    year_choices(time::today().year())
}

/// Every region in scope with its share (regions without schools show none), and the
/// province-wide line for the province.
fn share_rows(actor: &Actor, reference: &Reference, found: &[store::RegionShare]) -> (Vec<ShareRow>, Option<ShareRow>) {
    let regions = reference.regions_visible_to(actor.db().scope, actor.region.as_ref());
    let rows: Vec<(Share, i64, String)> = regions
        .iter()
        .map(|r| {
            let f = found.iter().find(|f| f.region == r.id);
            (f.map_or(Share::default(), |f| f.share), f.map_or(0, |f| f.students), r.name.clone())
        })
        .collect();
    let province = (actor.db().scope == Scope::Province).then(|| {
        let shares: Vec<Share> = rows.iter().map(|(s, _, _)| *s).collect();
        ShareRow::of("全省".into(), province_share(&shares), rows.iter().map(|(_, n, _)| n).sum())
    });
    (rows.into_iter().map(|(s, n, name)| ShareRow::of(name, s, n)).collect(), province)
}

/// 技工院校: the shares of the year, then the schools, 50 a page.
async fn list(
    State(state): State<AppState>,
    actor: Actor,
    Ref(reference): Ref,
    chrome: Chrome,
    Query(q): Query<ListQuery>,
) -> Result<Response, AppError> {
    let year = year_of(&q);
    let page = Page::new(q.page, PAGE_SIZE);
    let asked = q.region.as_deref().and_then(|c| reference.region_by_code(c.trim())).cloned();
    let own = match actor.db().scope {
        Scope::Province => asked.as_ref().map(|r| r.id),
        _ => actor.region.as_ref().map(|r| r.id),
    };
    let mut tx = db::begin(&state.pool, actor.db()).await?;
    let found = store::shares(&mut tx, year).await?;
    let lines = store::list(&mut tx, year, own, page.limit(), page.offset()).await?;
    tx.commit().await?;
    let (shares, province) = share_rows(&actor, &reference, &found);
    render(ListPage {
        layout: chrome.layout("技工院校", vec![Crumb::here("技工院校")]),
        years: years(),
        year: year.to_string(),
        shares,
        show_region: province.is_some(),
        province,
        rows: lines.iter().map(Row::of).collect(),
        pager: Pager::new(
            page,
            lines.first().map_or(0, |l| l.total),
            match (actor.db().scope, &asked) {
                (Scope::Province, Some(r)) => format!("year={year}&region={}", r.code),
                _ => format!("year={year}"),
            },
        ),
        may_keep: actor.region.as_ref().is_some_and(|r| may_keep(&actor, r)),
    })
}

const COLUMNS: &[Column] = &[
    Column::new("地区", Kind::Text, 14.0),
    Column::new("技工院校（所）", Kind::Integer, 14.0),
    Column::new("开设工伤预防课程（所）", Kind::Integer, 20.0),
    Column::new("开课比例", Kind::Text, 12.0),
    Column::new("每年受教学生（人）", Kind::Integer, 18.0),
];

/// The year's shares per region (and province-wide), to Excel.
async fn export_shares(
    State(state): State<AppState>,
    actor: Actor,
    Ref(reference): Ref,
    audit: AuditContext,
    Query(q): Query<ListQuery>,
) -> Result<Response, AppError> {
    let year = year_of(&q);
    let mut tx = db::begin(&state.pool, actor.db()).await?;
    let found = store::shares(&mut tx, year).await?;
    tx.commit().await?;
    let (mut rows, province) = share_rows(&actor, &reference, &found);
    rows.extend(province);
    let job = ExportJob {
        title: "技工院校开设工伤预防课程情况",
        filters: vec![("年度", format!("{year} 年"))],
        columns: COLUMNS,
        action: Action::ExportSchools,
        described: format!("year={year}"),
        unmasked: false,
    };
    let mut pending = Some(rows);
    export::export_pages(
        &state.pool,
        &audit,
        job,
        move |_after: Option<usize>| {
            let page = pending.take().unwrap_or_default();
            async move { Ok(page) }
        },
        |_: &ShareRow| 0usize,
        |r| {
            vec![
                r.region.into(),
                Cell::Integer(r.total),
                Cell::Integer(r.running),
                r.share.into(),
                Cell::Integer(r.students),
            ]
        },
    )
    .await
}

/// The region whose schools a keeper writes: their own.
fn kept_region(actor: &Actor) -> Result<Region, AppError> {
    actor.region.clone().filter(|r| may_keep(actor, r)).ok_or(AppError::Forbidden)
}

async fn new_school(actor: Actor, chrome: Chrome) -> Result<Response, AppError> {
    kept_region(&actor)?;
    render(EditPage::new(&chrome, None, SchoolForm::new_for(time::today().year()), FieldErrors::default()))
}

const DUPLICATE: &str = "本地区该年度已登记同名院校";

async fn create(
    State(state): State<AppState>,
    actor: Actor,
    chrome: Chrome,
    audit: AuditContext,
    Form(form): Form<SchoolForm>,
) -> Result<Response, AppError> {
    let region = kept_region(&actor)?;
    let token = form.form_token.parse()?;
    let (input, _) = match form.parse(time::today()) {
        Ok(parsed) => parsed,
        Err(errors) => return render(EditPage::new(&chrome, None, form, errors)),
    };
    let mut tx = db::begin(&state.pool, actor.db()).await?;
    let done = once::run(&mut tx, actor.account_id, &token, async |tx| {
        store::create(tx, &audit, region.id, &input).await?;
        Ok::<_, WriteError>(format!("/schools?year={}", input.year))
    })
    .await;
    let done = match done {
        Ok(done) => done,
        Err(e) if e.is_duplicate("technical_schools_name_key") => {
            let mut errors = FieldErrors::default();
            errors.add("name", DUPLICATE);
            return render(EditPage::new(&chrome, None, form, errors));
        }
        Err(e) => return Err(e.into()),
    };
    tx.commit().await?;
    Ok(flash::after(done, Flash::SchoolSaved))
}

/// A school its region's keepers change (anyone else: 403; another region's: 404).
async fn kept_school(state: &AppState, actor: &Actor, reference: &Reference, id: SchoolId) -> Result<School, AppError> {
    let mut tx = db::begin(&state.pool, actor.db()).await?;
    let school = store::find(&mut tx, id).await?.ok_or(AppError::NotFound)?;
    tx.commit().await?;
    let region = reference.regions.iter().find(|r| r.id == school.region).ok_or(AppError::NotFound)?;
    if !may_keep(actor, region) {
        return Err(AppError::Forbidden);
    }
    Ok(school)
}

async fn edit(
    State(state): State<AppState>,
    actor: Actor,
    Ref(reference): Ref,
    chrome: Chrome,
    Path(id): Path<SchoolId>,
) -> Result<Response, AppError> {
    let school = kept_school(&state, &actor, &reference, id).await?;
    render(EditPage::new(&chrome, Some(&school), SchoolForm::of(&school), FieldErrors::default()))
}

async fn save(
    State(state): State<AppState>,
    actor: Actor,
    Ref(reference): Ref,
    chrome: Chrome,
    audit: AuditContext,
    Path(id): Path<SchoolId>,
    Form(form): Form<SchoolForm>,
) -> Result<Response, AppError> {
    let school = kept_school(&state, &actor, &reference, id).await?;
    let (input, version) = match form.parse(time::today()) {
        Ok(parsed) => parsed,
        Err(errors) => return render(EditPage::new(&chrome, Some(&school), form, errors)),
    };
    let mut tx = db::begin(&state.pool, actor.db()).await?;
    match store::update(&mut tx, &audit, &school, version, &input).await {
        Ok(()) => {}
        Err(e) if e.is_duplicate("technical_schools_name_key") => {
            let mut errors = FieldErrors::default();
            errors.add("name", DUPLICATE);
            return render(EditPage::new(&chrome, Some(&school), form, errors));
        }
        Err(e) => return Err(e.into()),
    }
    tx.commit().await?;
    Ok(flash::redirect_with(&format!("/schools?year={}", input.year), Flash::SchoolSaved))
}

async fn confirm_delete(
    State(state): State<AppState>,
    actor: Actor,
    Ref(reference): Ref,
    chrome: Chrome,
    Path(id): Path<SchoolId>,
) -> Result<Response, AppError> {
    let school = kept_school(&state, &actor, &reference, id).await?;
    render(ConfirmPage::new(
        &chrome,
        vec![views::crumb()],
        "删除技工院校",
        format!("确定删除 {} 年的“{}”吗？删除记录保留在审计日志中。", school.year, school.name),
        format!("/schools/{id}/delete"),
        "删除",
        format!("/schools?year={}", school.year),
    ))
}

async fn delete(
    State(state): State<AppState>,
    actor: Actor,
    Ref(reference): Ref,
    audit: AuditContext,
    Path(id): Path<SchoolId>,
) -> Result<Response, AppError> {
    let school = kept_school(&state, &actor, &reference, id).await?;
    let mut tx = db::begin(&state.pool, actor.db()).await?;
    store::delete(&mut tx, &audit, &school).await?;
    tx.commit().await?;
    Ok(flash::redirect_with(&format!("/schools?year={}", school.year), Flash::SchoolDeleted))
}
