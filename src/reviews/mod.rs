//! Expert scoring (专家评审打分): the experts drawn for an application's panel read it (its
//! documents and history) in the `assigned` scope, which shows them nothing else, and fill the
//! round's scoring sheet: a score per criterion within its weight, a recommendation and an
//! opinion; saved as a draft, then submitted, after which it is final. Before their own is
//! submitted they see nothing of the others'. Officers see the panel's sheets, the average, the
//! spread and its flag above the round's threshold. The last sheet of the sitting members moves
//! the application on to the city's decision (立项审定).

pub mod model;
pub mod store;
pub mod views;

use axum::Router;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use axum::routing::get;
use axum_extra::extract::Form;
use sqlx::PgConnection;

use self::model::{SheetErrors, SheetForm};
use self::store::SheetKey;
use self::views::{Assigned, ListPage, PrintSheetPage, PrintSummaryPage, ReviewPage, SummaryPage};
use crate::accounts::requests::{self, RequestKind};
use crate::attachments::{self, AttachmentId};
use crate::audit::AuditContext;
use crate::auth::Actor;
use crate::db;
use crate::error::AppError;
use crate::org::RegionId;
use crate::project_rounds::store as rounds;
use crate::projects::model::{PanelStage, ProjectId};
use crate::projects::store as projects;
use crate::state::AppState;
use crate::trail;
use crate::web::flash::{self, Flash};
use crate::web::layout::Chrome;
use crate::web::once::{self, Claim, FormToken};
use crate::web::render;
use crate::workflow::{By, TransitionError};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/reviews", get(list))
        .route("/reviews/{id}", get(review).post(save))
        .route("/reviews/{id}/print", get(print_sheet))
        .route("/reviews/{id}/attachments/{file}", get(download))
        .route("/projects/{id}/review", get(summary))
        .route("/projects/{id}/review/print", get(print_summary))
}

/// The signed-in expert's pool entry: their region and expert id (an expert account is linked
/// to one through the request it was created for).
async fn me(tx: &mut PgConnection, actor: &Actor) -> Result<Option<(RegionId, i64)>, AppError> {
    Ok(requests::subject_of(&mut *tx, RequestKind::Expert, actor.account_id).await?)
}

/// 我的评审.
async fn list(State(state): State<AppState>, actor: Actor, chrome: Chrome) -> Result<Response, AppError> {
    let mut tx = db::begin(&state.pool, actor.db()).await?;
    let Some((region, expert)) = me(&mut tx, &actor).await? else {
        tx.commit().await?;
        return render(ListPage::new(&chrome, false, Vec::new()));
    };
    let assignments = store::assignments(&mut tx, region, expert).await?;
    tx.commit().await?;
    render(ListPage::new(&chrome, true, assignments))
}

/// Which panel of a project an expert's page is about: `?stage=`, else the one being scored now.
#[derive(Debug, Default, serde::Deserialize)]
pub struct StageQuery {
    #[serde(default)]
    stage: String,
}

/// The project an expert sits on, with what its page shows for the panel of `asked` (by
/// default the one the project is scored by now if they sit on it, else their latest), read in
/// the expert's scope: a project they do not sit on (or no longer) is not found.
async fn assigned(
    tx: &mut PgConnection,
    actor: &Actor,
    id: ProjectId,
    asked: Option<PanelStage>,
) -> Result<(Assigned, SheetKey), AppError> {
    let seated = store::seated(tx, id, actor.account_id).await?.ok_or(AppError::NotFound)?;
    let region = seated.region;
    let project = projects::find(tx, id, false).await?.filter(|p| p.region.id == region).ok_or(AppError::NotFound)?;
    let stage = match asked {
        Some(stage) => Some(stage).filter(|s| seated.stages.contains(s)),
        None => PanelStage::of(project.status).filter(|s| seated.stages.contains(s)).or(seated.stages.first().copied()),
    }
    .ok_or(AppError::NotFound)?;
    let round = rounds::find(tx, project.round_id).await?.ok_or(AppError::NotFound)?;
    let trail = trail::load(tx, &project.owner()).await?;
    let sheets = seated.sheets.into_iter().filter(|(s, _)| *s == stage).map(|(_, sheet)| sheet).collect();
    let submission = match stage.attempt() {
        Some(attempt) => store::submission(tx, region, id, attempt).await?,
        None => None,
    };
    let key = SheetKey { region, project: id, stage, expert: seated.expert };
    let me = Some(seated.expert);
    Ok((Assigned { project, round, stage, submission, trail, sheets, me }, key))
}

/// The expert's page of an assigned project: the application, its files and history, the sheet.
async fn review(
    State(state): State<AppState>,
    actor: Actor,
    chrome: Chrome,
    Path(id): Path<ProjectId>,
    Query(q): Query<StageQuery>,
) -> Result<Response, AppError> {
    let mut tx = db::begin(&state.pool, actor.db()).await?;
    let (page, _) = assigned(&mut tx, &actor, id, PanelStage::parse(&q.stage)).await?;
    tx.commit().await?;
    render(ReviewPage::new(&chrome, page, None, SheetErrors::default()))
}

/// Why the expert's sheet cannot be saved now, if it cannot.
fn refusal(page: &Assigned) -> Option<String> {
    if page.sheets.iter().any(|s| Some(s.expert_id) == page.me && s.is_submitted()) {
        return Some("您的评分表已提交，不能再修改。".into());
    }
    (PanelStage::of(page.project.status) != Some(page.stage))
        .then(|| format!("项目{}，{}评分表不能再填写。", page.project.status.label(), page.stage.label()))
}

/// 保存草稿 or 提交: the sheet checked against the round's criteria; a submission that completes
/// the panel moves the application on, in the same transaction.
async fn save(
    State(state): State<AppState>,
    actor: Actor,
    chrome: Chrome,
    audit: AuditContext,
    Path(id): Path<ProjectId>,
    Form(form): Form<SheetForm>,
) -> Result<Response, AppError> {
    let token = FormToken::parse(&form.form_token)?;
    let mut tx = db::begin(&state.pool, actor.db()).await?;
    if let Claim::Used(url) = once::claim(&mut tx, actor.account_id, &token).await? {
        return Ok(flash::redirect(&url));
    }
    let (page, key) = assigned(&mut tx, &actor, id, PanelStage::parse(&form.stage)).await?;
    if let Some(message) = refusal(&page) {
        return Err(AppError::Refused(message.into()));
    }
    let (input, version) = match form.parse(key.stage.criteria(&page.round)) {
        Ok(parsed) => parsed,
        Err(errors) => {
            tx.rollback().await?;
            return render(ReviewPage::new(&chrome, page, Some(form), errors));
        }
    };
    store::save(&mut tx, &audit, key, version, &input, actor.account_id).await?;
    let url = format!("/reviews/{id}?stage={}", key.stage.as_str());
    // The acceptance's conclusion is the region's (on the acceptance page), not the last sheet's.
    let flash = if input.submit && key.stage != PanelStage::Review {
        once::finish(&mut tx, actor.account_id, &token, &url).await?;
        Flash::SheetSubmitted
    } else if input.submit {
        // The panel's completion belongs to the region's books: see db::widen_to_region.
        db::widen_to_region(&mut tx, key.region).await?;
        let by = By { account: actor.account_id, name: &actor.display_name };
        match projects::conclude_review(&mut tx, &audit, id, &by, &token).await.map_err(concluded)? {
            Some(_) => Flash::ReviewConcluded,
            None => {
                once::finish(&mut tx, actor.account_id, &token, &url).await?;
                Flash::SheetSubmitted
            }
        }
    } else {
        once::finish(&mut tx, actor.account_id, &token, &url).await?;
        Flash::SheetSaved
    };
    tx.commit().await?;
    Ok(flash::redirect_with(&url, flash))
}

fn concluded(e: TransitionError) -> AppError {
    match e {
        TransitionError::Write(e) => e.into(),
        TransitionError::Refused(refusal) => AppError::Refused(refusal.message().into()),
        TransitionError::Incomplete(problems) => {
            AppError::Refused(problems.into_iter().map(|p| p.message).collect::<Vec<_>>().join("；").into())
        }
    }
}

/// 打印评分表: the expert's own submitted sheet, for their signature.
async fn print_sheet(
    State(state): State<AppState>,
    actor: Actor,
    Path(id): Path<ProjectId>,
    Query(q): Query<StageQuery>,
) -> Result<Response, AppError> {
    let mut tx = db::begin(&state.pool, actor.db()).await?;
    let (page, _) = assigned(&mut tx, &actor, id, PanelStage::parse(&q.stage)).await?;
    tx.commit().await?;
    let sheet = page
        .sheets
        .iter()
        .find(|s| Some(s.expert_id) == page.me && s.is_submitted())
        .ok_or(AppError::Refused("评分表提交后才能打印。".into()))?;
    render(PrintSheetPage::new(page.project.clone(), &page.round, page.stage, sheet))
}

/// A file of an assigned project.
async fn download(
    State(state): State<AppState>,
    actor: Actor,
    Path((id, file)): Path<(ProjectId, AttachmentId)>,
) -> Result<Response, AppError> {
    let mut tx = db::begin(&state.pool, actor.db()).await?;
    let (region, _) = me(&mut tx, &actor).await?.ok_or(AppError::NotFound)?;
    let project =
        projects::find(&mut tx, id, false).await?.filter(|p| p.region.id == region).ok_or(AppError::NotFound)?;
    attachments::store::serve(tx, &project.owner(), file).await
}

/// The panel's sheets for officers, in their scope.
async fn panel_sheets(
    state: &AppState,
    actor: &Actor,
    id: ProjectId,
) -> Result<(crate::projects::model::Project, crate::project_rounds::model::Round, Vec<model::MemberSheet>), AppError> {
    let mut tx = db::begin(&state.pool, actor.db()).await?;
    let project = projects::find(&mut tx, id, false).await?.ok_or(AppError::NotFound)?;
    let round = rounds::find(&mut tx, project.round_id).await?.ok_or(AppError::NotFound)?;
    let members = store::members_with_sheets(&mut tx, project.region.id, id, PanelStage::Review).await?;
    tx.commit().await?;
    Ok((project, round, members))
}

/// 评审结果.
async fn summary(
    State(state): State<AppState>,
    actor: Actor,
    chrome: Chrome,
    Path(id): Path<ProjectId>,
) -> Result<Response, AppError> {
    let (project, round, members) = panel_sheets(&state, &actor, id).await?;
    render(SummaryPage::new(&chrome, &project, &round, members))
}

/// 专家评审意见汇总表.
async fn print_summary(
    State(state): State<AppState>,
    actor: Actor,
    Path(id): Path<ProjectId>,
) -> Result<Response, AppError> {
    let (project, round, members) = panel_sheets(&state, &actor, id).await?;
    render(PrintSummaryPage::new(&project, &round, members))
}
