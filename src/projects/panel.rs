//! A project's expert panel (评审专家): drawn at random once the city's pre-review has passed the
//! application to the expert review, by the round's mix, from the region's pool without the
//! applicant's own experts, declared conflicts and those away; every draw recorded (seed, frozen
//! candidates, picks) and checked again on the panel page by drawing anew from the record. A
//! member is replaced, with a written reason, by a further recorded draw of one expert of the
//! same specialty who has never sat on this panel.

use askama::Template;
use axum::extract::{Path, State};
use axum::response::Response;
use axum_extra::extract::Form;
use chrono::{DateTime, Utc};
use serde::Deserialize;
use sqlx::PgConnection;
use sqlx::types::Json;

use super::model::{Project, ProjectId, ProjectStatus, may_write};
use super::store;
use crate::audit::{self, Action, AuditContext, Event};
use crate::auth::Actor;
use crate::db;
use crate::error::{AppError, WriteError};
use crate::experts::Specialty;
use crate::experts::draw::{self, Applicant, Candidate, Need, PoolEntry, TooFew};
use crate::org::RegionId;
use crate::project_rounds::store as rounds;
use crate::state::AppState;
use crate::values::time;
use crate::web::flash::{self, Flash};
use crate::web::layout::{Chrome, Crumb, Layout};
use crate::web::once::{self, Claim, FormToken};
use crate::web::render;
use crate::workflow::By;

/// A draw as recorded.
#[derive(Clone, Debug)]
pub struct DrawRecord {
    pub id: i64,
    pub seed: Vec<u8>,
    pub candidates: Vec<Candidate>,
    pub mix: Vec<Need>,
    pub picks: Vec<i64>,
    pub replaced_expert: Option<i64>,
    pub reason: String,
    pub drawn_by_name: String,
    pub drawn_at: DateTime<Utc>,
    /// The names of the candidates (so of the picks), as the pool has them now.
    pub names: std::collections::HashMap<String, String>,
}

impl DrawRecord {
    /// Whether drawing again from the record gives the recorded picks.
    pub fn reproduces(&self) -> bool {
        let Ok(seed) = <[u8; 32]>::try_from(self.seed.as_slice()) else { return false };
        draw::draw(seed, &self.candidates, &self.mix).is_ok_and(|picks| picks == self.picks)
    }
}

/// A member of the panel, with the draw that put them there and the one that replaced them.
#[derive(Clone, Debug)]
pub struct Member {
    pub expert_id: i64,
    pub name: String,
    pub specialty: Specialty,
    pub organization: String,
    pub title: String,
    pub draw_id: i64,
    pub replaced_by: Option<i64>,
}

async fn draws_of(tx: &mut PgConnection, region: RegionId, project: ProjectId) -> Result<Vec<DrawRecord>, sqlx::Error> {
    let rows = sqlx::query!(
        r#"SELECT d.id, d.seed, d.candidates AS "candidates: Json<Vec<Candidate>>", d.mix AS "mix: Json<Vec<Need>>",
                  d.picks, d.replaced_expert, d.reason, d.drawn_by_name, d.drawn_at,
                  (SELECT coalesce(jsonb_object_agg(e.id::text, e.name), '{}') FROM experts e
                   WHERE e.region_id = d.region_id
                     AND e.id IN (SELECT (c ->> 'id')::bigint FROM jsonb_array_elements(d.candidates) c)
                  ) AS "names!: Json<std::collections::HashMap<String, String>>"
           FROM expert_draws d WHERE d.region_id = $1 AND d.project_id = $2 ORDER BY d.id"#,
        region.0,
        project.0
    )
    .fetch_all(tx)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| DrawRecord {
            id: r.id,
            seed: r.seed,
            candidates: r.candidates.0,
            mix: r.mix.0,
            picks: r.picks,
            replaced_expert: r.replaced_expert,
            reason: r.reason,
            drawn_by_name: r.drawn_by_name,
            drawn_at: r.drawn_at,
            names: r.names.0,
        })
        .collect())
}

async fn members_of(tx: &mut PgConnection, region: RegionId, project: ProjectId) -> Result<Vec<Member>, sqlx::Error> {
    sqlx::query_as!(
        Member,
        r#"SELECT m.expert_id, e.name, e.specialty AS "specialty: Specialty", e.organization, e.title, m.draw_id,
                  m.replaced_by
           FROM panel_members m JOIN experts e ON e.region_id = m.region_id AND e.id = m.expert_id
           WHERE m.region_id = $1 AND m.project_id = $2 ORDER BY m.replaced_by IS NOT NULL, m.draw_id, e.specialty, e.id"#,
        region.0,
        project.0
    )
    .fetch_all(tx)
    .await
}

/// The region's pool as the draw reads it.
async fn pool_of(tx: &mut PgConnection, region: RegionId) -> Result<Vec<PoolEntry>, sqlx::Error> {
    let rows = sqlx::query!(
        r#"SELECT id, specialty AS "specialty: Specialty", organization, organization_code, available, away_from,
                  away_until, conflicts
           FROM experts WHERE region_id = $1 ORDER BY id"#,
        region.0
    )
    .fetch_all(tx)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| PoolEntry {
            id: r.id,
            specialty: r.specialty,
            organization: r.organization,
            organization_code: r.organization_code,
            available: r.available,
            away_from: r.away_from,
            away_until: r.away_until,
            conflicts: r.conflicts,
        })
        .collect())
}

/// Who the draw avoids: the organization that applies (or the department's name).
fn applicant_of(project: &Project) -> Applicant {
    Applicant { name: project.applicant_name(), credit_code: project.applicant.as_ref().map(|a| a.credit_code.clone()) }
}

/// A draw to record.
struct NewDraw<'a> {
    seed: [u8; 32],
    candidates: &'a [Candidate],
    mix: &'a [Need],
    picks: &'a [i64],
    replaced: Option<(i64, &'a str)>,
}

async fn record(
    tx: &mut PgConnection,
    ctx: &AuditContext,
    project: &Project,
    d: &NewDraw<'_>,
    by: &By<'_>,
) -> Result<(), WriteError> {
    let (region, id) = (project.region.id.0, project.id.0);
    let draw_id = sqlx::query_scalar!(
        "INSERT INTO expert_draws (region_id, project_id, seed, candidates, mix, picks, replaced_expert, reason, drawn_by,
                                   drawn_by_name)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id",
        region,
        id,
        &d.seed[..],
        Json(d.candidates) as _,
        Json(d.mix) as _,
        d.picks,
        d.replaced.map(|(e, _)| e),
        d.replaced.map_or("", |(_, r)| r),
        by.account.0,
        by.name
    )
    .fetch_one(&mut *tx)
    .await?;
    if let Some((expert, _)) = d.replaced {
        let replaced = sqlx::query!(
            "UPDATE panel_members SET replaced_by = $4
             WHERE region_id = $1 AND project_id = $2 AND expert_id = $3 AND replaced_by IS NULL",
            region,
            id,
            expert,
            draw_id
        )
        .execute(&mut *tx)
        .await?;
        if replaced.rows_affected() == 0 {
            return Err(WriteError::Stale);
        }
    }
    sqlx::query!(
        "INSERT INTO panel_members (region_id, project_id, expert_id, draw_id) SELECT $1, $2, unnest($3::bigint[]), $4",
        region,
        id,
        d.picks,
        draw_id
    )
    .execute(&mut *tx)
    .await?;
    let detail = match d.replaced {
        None => format!("抽取 {} 名（候选 {} 名）：{:?}", d.picks.len(), d.candidates.len(), d.picks),
        Some((expert, reason)) => {
            format!("替换 {expert}，理由：{reason}；抽取：{:?}（候选 {} 名）", d.picks, d.candidates.len())
        }
    };
    let action = if d.replaced.is_some() { Action::ExpertReplace } else { Action::ExpertDraw };
    audit::record(tx, ctx, Event::new(action).object(super::model::KIND, project.id).detail(detail)).await?;
    Ok(())
}

pub struct DrawView {
    pub number: usize,
    pub at: String,
    pub by: String,
    pub seed: String,
    pub candidates: Vec<String>,
    pub picks: Vec<String>,
    pub replaced: String,
    pub reason: String,
    pub reproduces: bool,
}

#[derive(Template)]
#[template(path = "projects/panel.html")]
pub struct PanelPage {
    pub layout: Layout,
    pub id: String,
    pub title: String,
    pub status: ProjectStatus,
    pub members: Vec<Member>,
    pub draws: Vec<DrawView>,
    pub mix: String,
    pub may_draw: bool,
    pub may_replace: bool,
    pub message: Option<String>,
    pub form_token: String,
}

fn page(
    chrome: &Chrome,
    actor: &Actor,
    project: &Project,
    mix: &[Need],
    (members, draws): (Vec<Member>, Vec<DrawRecord>),
    message: Option<String>,
) -> Result<Response, AppError> {
    let name =
        |id: &i64| draws.iter().find_map(|d| d.names.get(&id.to_string()).cloned()).unwrap_or_else(|| id.to_string());
    let keeps = may_write(actor, &project.region) && project.status == ProjectStatus::ExpertReview;
    render(PanelPage {
        layout: chrome.layout(
            "评审专家",
            vec![
                Crumb::link("项目申报", "/projects"),
                Crumb::link(project.title(), format!("/projects/{}", project.id)),
                Crumb::here("评审专家"),
            ],
        ),
        id: project.id.to_string(),
        title: project.title(),
        status: project.status,
        may_draw: keeps && members.is_empty(),
        may_replace: keeps && !members.is_empty(),
        mix: mix.iter().map(|n| format!("{} {} 名", n.specialty.label(), n.count)).collect::<Vec<_>>().join("、"),
        draws: draws
            .iter()
            .enumerate()
            .map(|(i, d)| DrawView {
                number: i + 1,
                at: time::seconds(&d.drawn_at),
                by: d.drawn_by_name.clone(),
                seed: hex::encode(&d.seed),
                candidates: d
                    .candidates
                    .iter()
                    .map(|c| format!("{}（{}）", name(&c.id), c.specialty.label()))
                    .collect(),
                picks: d.picks.iter().map(name).collect(),
                replaced: d.replaced_expert.as_ref().map(name).unwrap_or_default(),
                reason: d.reason.clone(),
                reproduces: d.reproduces(),
            })
            .collect(),
        members,
        message,
        form_token: once::new_token(),
    })
}

/// The project, its round's mix, its panel and draws, in the actor's scope.
async fn load(
    state: &AppState,
    actor: &Actor,
    id: ProjectId,
) -> Result<(Project, Vec<Need>, Vec<Member>, Vec<DrawRecord>), AppError> {
    let mut tx = db::begin(&state.pool, actor.db()).await?;
    let project = store::find(&mut tx, id, false).await?.ok_or(AppError::NotFound)?;
    let round = rounds::find(&mut tx, project.round_id).await?.ok_or(AppError::NotFound)?;
    let members = members_of(&mut tx, project.region.id, id).await?;
    let draws = draws_of(&mut tx, project.region.id, id).await?;
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
    page(&chrome, &actor, &project, &mix, (members, draws), None)
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
    let members = members_of(tx, project.region.id, project.id).await?;
    let pool = pool_of(tx, project.region.id).await?;
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
    let candidates = draw::candidates(&pool, &applicant_of(project), today, &ever);
    let seed = draw::fresh_seed();
    let picks = match draw::draw(seed, &candidates, &mix) {
        Ok(picks) => picks,
        Err(too_few) => return Ok(Err(too_few)),
    };
    let new = NewDraw { seed, candidates: &candidates, mix: &mix, picks: &picks, replaced: replace };
    record(tx, audit, project, &new, by).await?;
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
            page(&chrome, &actor, &project, &mix, (members, draws), Some(too_few.message()))
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
    page(&chrome, &actor, &project, &mix, (members, draws), problem)
}
