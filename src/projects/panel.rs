//! A project's expert panels (评审专家, 验收专家): drawn at random once the city's pre-review has
//! passed the application to the expert review, and again for each acceptance once the project
//! is completed (or rectified), by the round's mix, from the region's pool without the
//! applicant's own experts, declared conflicts and those away; every draw recorded (seed, frozen
//! candidates, picks) and checked again on the panel page by drawing anew from the record. A
//! member is replaced, with a written reason, by a further recorded draw of one expert of the
//! same specialty who has never sat on this panel. The handlers; the rules are in `model.rs`
//! and `experts::draw`, the SQL in `store.rs`, the page in `views.rs`.

use axum::extract::{Path, Query, State};
use axum::response::Response;
use axum_extra::extract::Form;
use serde::Deserialize;
use sqlx::PgConnection;

use super::model::{Panel, PanelStage, Project, ProjectId, may_write};
use super::store::{self, NewDraw};
use super::views::PanelPage;
use crate::audit::AuditContext;
use crate::auth::Actor;
use crate::db;
use crate::error::AppError;
use crate::experts::draw::{self, Need, TooFew};
use crate::project_rounds::store as rounds;
use crate::state::AppState;
use crate::values::time;
use crate::web::flash::{self, Flash};
use crate::web::layout::Chrome;
use crate::web::once::{self, Claim, FormToken};
use crate::web::render;
use crate::workflow::By;

/// The project's panel of `stage` (by default the one it is drawn for now, else the review's),
/// in the actor's scope.
async fn load(state: &AppState, actor: &Actor, id: ProjectId, stage: Option<PanelStage>) -> Result<Panel, AppError> {
    let mut tx = db::begin(&state.pool, actor.db()).await?;
    let project = store::find(&mut tx, id, false).await?.ok_or(AppError::NotFound)?;
    let stage = stage.or(PanelStage::of(project.status)).unwrap_or(PanelStage::Review);
    let round = rounds::find(&mut tx, project.round_id).await?.ok_or(AppError::NotFound)?;
    let members = store::members_of(&mut tx, project.region.id, id, stage).await?;
    let draws = store::draws_of(&mut tx, project.region.id, id, stage).await?;
    tx.commit().await?;
    Ok(Panel { project, stage, mix: round.panel_mix, members, draws })
}

#[derive(Deserialize)]
pub struct StageQuery {
    #[serde(default)]
    stage: String,
}

/// 评审专家 / 验收专家: the panel of a stage, every draw with its record and whether it reproduces.
pub async fn show(
    State(state): State<AppState>,
    actor: Actor,
    chrome: Chrome,
    Path(id): Path<ProjectId>,
    Query(q): Query<StageQuery>,
) -> Result<Response, AppError> {
    let loaded = load(&state, &actor, id, PanelStage::parse(&q.stage)).await?;
    render(PanelPage::new(&chrome, &actor, loaded, None))
}

#[derive(Deserialize)]
pub struct DrawForm {
    #[serde(default)]
    form_token: String,
    #[serde(default)]
    reason: String,
}

/// The stage whose panel may be drawn or changed now, or why none may.
fn drawable(actor: &Actor, project: &Project) -> Result<PanelStage, AppError> {
    if !may_write(actor, &project.region) {
        return Err(AppError::Forbidden);
    }
    PanelStage::of(project.status).ok_or_else(|| {
        AppError::Refused(
            format!("项目{}，只有待专家评审、待验收或待复验的项目才能抽取专家。", project.status.label()).into(),
        )
    })
}

/// Draws or replaces under the project's row lock, so two officers at once make one panel.
async fn draw_now(
    state: &AppState,
    actor: &Actor,
    audit: &AuditContext,
    id: ProjectId,
    token: &FormToken,
    replace: Option<(i64, &str)>,
) -> Result<Result<(), TooFew>, AppError> {
    let mut tx = db::begin(&state.pool, actor.db()).await?;
    if let Claim::Used(_) = once::claim(&mut tx, actor.account_id, token).await? {
        return Ok(Ok(()));
    }
    let project = store::find(&mut tx, id, true).await?.ok_or(AppError::NotFound)?;
    let stage = drawable(actor, &project)?;
    let by = By { account: actor.account_id, name: &actor.display_name };
    if let Err(too_few) = draw_for(&mut tx, audit, &project, stage, &by, replace, time::today()).await? {
        return Ok(Err(too_few));
    }
    once::finish(&mut tx, actor.account_id, token, &format!("/projects/{id}/panel")).await?;
    tx.commit().await?;
    Ok(Ok(()))
}

/// Draws the `stage` panel of `project` (locked by the caller), or replaces one member (with
/// the reason), on `today`: the round's mix (a replacement: one of the member's specialty), from
/// the region's pool less everyone who has sat on this panel. Records the draw; too few
/// candidates records nothing.
pub async fn draw_for(
    tx: &mut PgConnection,
    audit: &AuditContext,
    project: &Project,
    stage: PanelStage,
    by: &By<'_>,
    replace: Option<(i64, &str)>,
    today: chrono::NaiveDate,
) -> Result<Result<(), TooFew>, AppError> {
    let round = rounds::find(tx, project.round_id).await?.ok_or(AppError::NotFound)?;
    let members = store::members_of(tx, project.region.id, project.id, stage).await?;
    let pool = store::pool_of(tx, project.region.id).await?;
    let ever: Vec<i64> = members.iter().map(|m| m.expert_id).collect();
    let mix = match replace {
        None if !members.is_empty() => {
            return Err(AppError::Refused(format!("本项目已抽取{}专家。", stage.label()).into()));
        }
        None => round.panel_mix.clone(),
        Some((expert, _)) => {
            let member =
                members.iter().find(|m| m.expert_id == expert && m.replaced_by.is_none()).ok_or(AppError::NotFound)?;
            vec![Need { specialty: member.specialty, count: 1 }]
        }
    };
    let candidates = draw::candidates(&pool, &project.applicant_for_draw(), today, &ever);
    let seed = draw::fresh_seed();
    let picks = match draw::draw(seed, &candidates, &mix) {
        Ok(picks) => picks,
        Err(too_few) => return Ok(Err(too_few)),
    };
    let new = NewDraw { stage, seed, candidates: &candidates, mix: &mix, picks: &picks, replaced: replace };
    store::record_draw(tx, audit, project, &new, by).await?;
    Ok(Ok(()))
}

/// 抽取专家.
pub async fn draw_panel(
    State(state): State<AppState>,
    actor: Actor,
    chrome: Chrome,
    audit: AuditContext,
    Path(id): Path<ProjectId>,
    Form(form): Form<DrawForm>,
) -> Result<Response, AppError> {
    let token = FormToken::parse(&form.form_token)?;
    match draw_now(&state, &actor, &audit, id, &token, None).await? {
        Ok(()) => Ok(flash::redirect_with(&format!("/projects/{id}/panel"), Flash::PanelDrawn)),
        Err(too_few) => {
            let loaded = load(&state, &actor, id, None).await?;
            render(PanelPage::new(&chrome, &actor, loaded, Some(too_few.message())))
        }
    }
}

/// 替换: one member replaced, with a reason, by a further draw of their specialty.
pub async fn replace(
    State(state): State<AppState>,
    actor: Actor,
    chrome: Chrome,
    audit: AuditContext,
    Path((id, expert)): Path<(ProjectId, i64)>,
    Form(form): Form<DrawForm>,
) -> Result<Response, AppError> {
    let token = FormToken::parse(&form.form_token)?;
    let reason = form.reason.trim();
    let problem = if reason.is_empty() {
        Some("请填写替换理由。".to_string())
    } else if reason.chars().count() > 500 {
        Some("替换理由不能超过 500 个字符。".to_string())
    } else {
        match draw_now(&state, &actor, &audit, id, &token, Some((expert, reason))).await? {
            Ok(()) => return Ok(flash::redirect_with(&format!("/projects/{id}/panel"), Flash::PanelMemberReplaced)),
            Err(too_few) => Some(too_few.message()),
        }
    };
    let loaded = load(&state, &actor, id, None).await?;
    drawable(&actor, &loaded.project)?;
    render(PanelPage::new(&chrome, &actor, loaded, problem))
}
