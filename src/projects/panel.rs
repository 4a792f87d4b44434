//! A project's expert panel (评审专家): drawn at random once the city's pre-review has passed the
//! application to the expert review, by the round's mix, from the region's pool without the
//! applicant's own experts, declared conflicts and those away; every draw recorded (seed, frozen
//! candidates, picks) and checked again on the panel page by drawing anew from the record. A
//! member is replaced, with a written reason, by a further recorded draw of one expert of the
//! same specialty who has never sat on this panel. The handlers; the rules are in `model.rs`
//! and `experts::draw`, the SQL in `store.rs`, the page in `views.rs`.

use axum::extract::{Path, State};
use axum::response::Response;
use axum_extra::extract::Form;
use serde::Deserialize;
use sqlx::PgConnection;

use super::model::{DrawRecord, Member, Project, ProjectId, ProjectStatus, may_write};
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

/// The project, its round's mix, its panel and draws, in the actor's scope.
async fn load(
    state: &AppState,
    actor: &Actor,
    id: ProjectId,
) -> Result<(Project, Vec<Need>, Vec<Member>, Vec<DrawRecord>), AppError> {
    let mut tx = db::begin(&state.pool, actor.db()).await?;
    let project = store::find(&mut tx, id, false).await?.ok_or(AppError::NotFound)?;
    let round = rounds::find(&mut tx, project.round_id).await?.ok_or(AppError::NotFound)?;
    let members = store::members_of(&mut tx, project.region.id, id).await?;
    let draws = store::draws_of(&mut tx, project.region.id, id).await?;
    tx.commit().await?;
    Ok((project, round.panel_mix, members, draws))
}

/// 评审专家: the panel, every draw with its record and whether it reproduces.
pub async fn show(
    State(state): State<AppState>,
    actor: Actor,
    chrome: Chrome,
    Path(id): Path<ProjectId>,
) -> Result<Response, AppError> {
    let (project, mix, members, draws) = load(&state, &actor, id).await?;
    render(PanelPage::new(&chrome, &actor, &project, &mix, (members, draws), None))
}

#[derive(Deserialize)]
pub struct DrawForm {
    #[serde(default)]
    form_token: String,
    #[serde(default)]
    reason: String,
}

/// Why the panel cannot be drawn or changed now, if it cannot.
fn refusal(actor: &Actor, project: &Project) -> Result<(), AppError> {
    if !may_write(actor, &project.region) {
        return Err(AppError::Forbidden);
    }
    if project.status != ProjectStatus::ExpertReview {
        return Err(AppError::Refused(
            format!("项目申报{}，只有初审通过、待专家评审的申报才能抽取专家。", project.status.label()).into(),
        ));
    }
    Ok(())
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
    refusal(actor, &project)?;
    let by = By { account: actor.account_id, name: &actor.display_name };
    if let Err(too_few) = draw_for(&mut tx, audit, &project, &by, replace, time::today()).await? {
        return Ok(Err(too_few));
    }
    once::finish(&mut tx, actor.account_id, token, &format!("/projects/{id}/panel")).await?;
    tx.commit().await?;
    Ok(Ok(()))
}

/// Draws the panel of `project` (locked by the caller), or replaces one member (with the
/// reason), on `today`: the round's mix (a replacement: one of the member's specialty), from
/// the region's pool less everyone who has sat on this panel. Records the draw; too few
/// candidates records nothing.
pub async fn draw_for(
    tx: &mut PgConnection,
    audit: &AuditContext,
    project: &Project,
    by: &By<'_>,
    replace: Option<(i64, &str)>,
    today: chrono::NaiveDate,
) -> Result<Result<(), TooFew>, AppError> {
    let round = rounds::find(tx, project.round_id).await?.ok_or(AppError::NotFound)?;
    let members = store::members_of(tx, project.region.id, project.id).await?;
    let pool = store::pool_of(tx, project.region.id).await?;
    let ever: Vec<i64> = members.iter().map(|m| m.expert_id).collect();
    let mix = match replace {
        None if !members.is_empty() => return Err(AppError::Refused("本项目已抽取评审专家。".into())),
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
    let new = NewDraw { seed, candidates: &candidates, mix: &mix, picks: &picks, replaced: replace };
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
            let (project, mix, members, draws) = load(&state, &actor, id).await?;
            render(PanelPage::new(&chrome, &actor, &project, &mix, (members, draws), Some(too_few.message())))
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
    let (project, mix, members, draws) = load(&state, &actor, id).await?;
    refusal(&actor, &project)?;
    render(PanelPage::new(&chrome, &actor, &project, &mix, (members, draws), problem))
}
