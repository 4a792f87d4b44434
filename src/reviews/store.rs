//! SQL of scoring sheets. Every function works in the caller's transaction, opened for the
//! actor's scope: an expert's (`assigned`) sees the projects whose panel they sit on and their
//! sheets, and writes only their own; officers see their region's (the province every one).

use std::str::FromStr;

use chrono::{DateTime, Utc};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use sqlx::PgConnection;
use sqlx::types::Json;

use super::model::{MemberSheet, Recommendation, Score, Sheet, SheetId, SheetInput};
use crate::audit::{self, Action, AuditContext, Event};
use crate::error::WriteError;
use crate::experts::Specialty;
use crate::org::{AccountId, RegionId};
use crate::projects::model::{PanelStage, ProjectId, ProjectStatus};
use crate::values::{Money, Version};

/// Which member's sheet on which project's panel.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SheetKey {
    pub region: RegionId,
    pub project: ProjectId,
    pub stage: PanelStage,
    pub expert: i64,
}

#[derive(Debug, Deserialize, Serialize)]
struct ScoreRow {
    criterion: i64,
    score: String,
}

fn scores_of(rows: Vec<ScoreRow>) -> Result<Vec<Score>, sqlx::Error> {
    rows.into_iter()
        .map(|r| {
            let score = Decimal::from_str(&r.score).map_err(|e| sqlx::Error::Decode(Box::new(e)))?;
            Ok(Score { criterion: r.criterion, score })
        })
        .collect()
}

fn rows_of(scores: &[Score]) -> Vec<ScoreRow> {
    scores.iter().map(|s| ScoreRow { criterion: s.criterion, score: s.score.to_string() }).collect()
}

struct SheetRow {
    id: SheetId,
    expert_id: i64,
    scores: Json<Vec<ScoreRow>>,
    total: Decimal,
    recommendation: Option<Recommendation>,
    opinion: String,
    version: i32,
    saved_at: DateTime<Utc>,
    submitted_at: Option<DateTime<Utc>>,
}

impl SheetRow {
    fn into_sheet(self) -> Result<Sheet, sqlx::Error> {
        Ok(Sheet {
            id: self.id,
            expert_id: self.expert_id,
            scores: scores_of(self.scores.0)?,
            total: self.total,
            recommendation: self.recommendation,
            opinion: self.opinion,
            version: self.version,
            saved_at: self.saved_at,
            submitted_at: self.submitted_at,
        })
    }
}

/// The sheets of a project's `stage` panel, in the order they were first saved (replaced members'
/// included: callers that count take the sitting members' only), and which member `viewer` is
/// if they have a sheet among them (an expert's own page finds theirs in the same statement).
pub async fn sheets_of(
    tx: &mut PgConnection,
    region: RegionId,
    project: ProjectId,
    stage: PanelStage,
    viewer: Option<AccountId>,
) -> Result<(Vec<Sheet>, Option<i64>), sqlx::Error> {
    let rows = sqlx::query!(
        r#"SELECT s.id AS "id: SheetId", s.expert_id, s.scores AS "scores: Json<Vec<ScoreRow>>", s.total,
                  s.recommendation AS "recommendation: Recommendation", s.opinion, s.version, s.saved_at, s.submitted_at,
                  q.account_id IS NOT NULL AS "own!"
           FROM review_sheets s
           LEFT JOIN account_requests q ON q.kind = 'expert' AND q.region_id = s.region_id AND q.subject_id = s.expert_id
                                       AND q.account_id = $3
           WHERE s.region_id = $1 AND s.project_id = $2 AND s.stage = $4 ORDER BY s.id"#,
        region.0,
        project.0,
        viewer.map(|a| a.0),
        stage.as_str()
    )
    .fetch_all(tx)
    .await?;
    let own = rows.iter().find(|r| r.own).map(|r| r.expert_id);
    let sheets = rows
        .into_iter()
        .map(|r| {
            SheetRow {
                id: r.id,
                expert_id: r.expert_id,
                scores: r.scores,
                total: r.total,
                recommendation: r.recommendation,
                opinion: r.opinion,
                version: r.version,
                saved_at: r.saved_at,
                submitted_at: r.submitted_at,
            }
            .into_sheet()
        })
        .collect::<Result<Vec<Sheet>, sqlx::Error>>()?;
    Ok((sheets, own))
}

/// The `stage` panel's members (sitting first) with their sheets, for officers.
pub async fn members_with_sheets(
    tx: &mut PgConnection,
    region: RegionId,
    project: ProjectId,
    stage: PanelStage,
) -> Result<Vec<MemberSheet>, sqlx::Error> {
    let (sheets, _) = sheets_of(tx, region, project, stage, None).await?;
    let members = sqlx::query!(
        r#"SELECT m.expert_id, e.name, e.specialty AS "specialty: Specialty", e.organization, m.replaced_by IS NULL AS "sitting!"
           FROM panel_members m JOIN experts e ON e.region_id = m.region_id AND e.id = m.expert_id
           WHERE m.region_id = $1 AND m.project_id = $2 AND m.stage = $3
           ORDER BY m.replaced_by IS NOT NULL, m.draw_id, e.specialty, e.id"#,
        region.0,
        project.0,
        stage.as_str()
    )
    .fetch_all(&mut *tx)
    .await?;
    Ok(members
        .into_iter()
        .map(|m| MemberSheet {
            sheet: sheets.iter().find(|s| s.expert_id == m.expert_id).cloned(),
            expert_id: m.expert_id,
            name: m.name,
            specialty: m.specialty,
            organization: m.organization,
            sitting: m.sitting,
        })
        .collect())
}

/// A project an expert sits on, as their list shows it.
#[derive(Clone, Debug)]
pub struct Assignment {
    pub project: ProjectId,
    pub stage: PanelStage,
    pub region_name: String,
    pub round_title: String,
    pub year: i16,
    pub applicant_name: Option<String>,
    pub name: String,
    pub status: ProjectStatus,
    pub requested_amount: Money,
    pub saved_at: Option<DateTime<Utc>>,
    pub submitted_at: Option<DateTime<Utc>>,
    /// The day the expert was seated on this panel (their scoring is due a set number of days on).
    pub seated_on: chrono::NaiveDate,
}

/// The panels `expert` of `region` sits on (a project's review and acceptances apart), the latest drawn first (at most 200:
/// an expert sits on a handful a year). Experts never read the draw records themselves.
pub async fn assignments(tx: &mut PgConnection, region: RegionId, expert: i64) -> Result<Vec<Assignment>, sqlx::Error> {
    sqlx::query_as!(
        Assignment,
        r#"SELECT p.id AS "project: ProjectId", m.stage AS "stage: PanelStage", g.name AS region_name, w.title AS round_title, p.year,
                  a.name AS "applicant_name?", p.name, p.status AS "status: ProjectStatus",
                  p.requested_amount AS "requested_amount: Money",
                  s.saved_at AS "saved_at?", s.submitted_at, m.seated_on
           FROM panel_members m
           JOIN projects p ON p.region_id = m.region_id AND p.id = m.project_id
           JOIN regions g ON g.id = p.region_id
           JOIN project_rounds w ON w.region_id = p.region_id AND w.id = p.round_id
           LEFT JOIN applicants a ON a.region_id = p.region_id AND a.id = p.applicant_id
           LEFT JOIN review_sheets s ON s.region_id = m.region_id AND s.project_id = m.project_id AND s.stage = m.stage
                                    AND s.expert_id = m.expert_id
           WHERE m.region_id = $1 AND m.expert_id = $2 AND m.replaced_by IS NULL
           ORDER BY m.draw_id DESC, p.id DESC LIMIT 200"#,
        region.0,
        expert
    )
    .fetch_all(tx)
    .await
}

/// Saves `key`'s sheet as a draft or submits it: the first save inserts it (the form opened at
/// version 0), later ones update it at the version the form was opened at. A sheet submitted
/// meanwhile, or changed in another window, is stale; the database refuses any change to a
/// submitted sheet in any case. Audited.
pub async fn save(
    tx: &mut PgConnection,
    ctx: &AuditContext,
    key: SheetKey,
    version: Version,
    input: &SheetInput,
    by: AccountId,
) -> Result<SheetId, WriteError> {
    let scores = Json(rows_of(&input.scores));
    let submitted_by = input.submit.then_some(by.0);
    let recommendation = input.recommendation.map(Recommendation::as_str);
    let id = if version.0 == 0 {
        sqlx::query_scalar!(
            r#"INSERT INTO review_sheets (region_id, project_id, expert_id, scores, total, recommendation, opinion,
                                          submitted_at, submitted_by, stage)
               VALUES ($1, $2, $3, $4, $5, $6, $7, CASE WHEN $8 THEN now() END, $9, $10)
               ON CONFLICT (region_id, project_id, stage, expert_id) DO NOTHING
               RETURNING id AS "id: SheetId""#,
            key.region.0,
            key.project.0,
            key.expert,
            scores as _,
            input.total,
            recommendation,
            input.opinion,
            input.submit,
            submitted_by,
            key.stage.as_str()
        )
        .fetch_optional(&mut *tx)
        .await?
    } else {
        sqlx::query_scalar!(
            r#"UPDATE review_sheets SET scores = $5, total = $6, recommendation = $7, opinion = $8,
                      submitted_at = CASE WHEN $9 THEN now() END, submitted_by = $10, version = version + 1,
                      saved_at = now()
               WHERE region_id = $1 AND project_id = $2 AND expert_id = $3 AND version = $4 AND submitted_at IS NULL
                 AND stage = $11
               RETURNING id AS "id: SheetId""#,
            key.region.0,
            key.project.0,
            key.expert,
            version.0,
            scores as _,
            input.total,
            recommendation,
            input.opinion,
            input.submit,
            submitted_by,
            key.stage.as_str()
        )
        .fetch_optional(&mut *tx)
        .await?
    };
    let id = id.ok_or(WriteError::Stale)?;
    #[derive(Serialize)]
    struct Saved<'a> {
        stage: &'a str,
        expert: i64,
        total: String,
        recommendation: Option<&'a str>,
        scores: &'a [ScoreRow],
    }
    let rows = rows_of(&input.scores);
    let action = if input.submit { Action::ReviewSheetSubmit } else { Action::ReviewSheetSave };
    let event = Event::new(action).object("review_sheet", id).created(&Saved {
        stage: key.stage.label(),
        expert: key.expert,
        total: input.total.to_string(),
        recommendation: input.recommendation.map(Recommendation::label),
        scores: &rows,
    });
    audit::record(tx, ctx, event).await?;
    Ok(id)
}

/// What an expert's page of `project` reads of its panels, in one statement: their seat (region
/// and pool entry) and the stages they sit on (not replaced), the latest first; and every
/// sheet of the project's panels (of each stage) the scope shows. No seat: not theirs.
pub struct Seated {
    pub region: RegionId,
    pub expert: i64,
    pub stages: Vec<PanelStage>,
    pub sheets: Vec<(PanelStage, Sheet)>,
}

pub async fn seated(
    tx: &mut PgConnection,
    project: ProjectId,
    account: AccountId,
) -> Result<Option<Seated>, sqlx::Error> {
    let rows = sqlx::query!(
        r#"WITH seat AS (
               SELECT m.region_id, m.expert_id, m.stage, m.draw_id FROM panel_members m
               JOIN account_requests q ON q.kind = 'expert' AND q.region_id = m.region_id AND q.subject_id = m.expert_id
               WHERE m.project_id = $1 AND m.replaced_by IS NULL AND q.account_id = $2)
           SELECT true AS "seat!", seat.region_id AS "region_id!", seat.expert_id AS "expert_id!",
                  seat.stage AS "stage!: PanelStage", seat.draw_id AS "order!", NULL::bigint AS "id: SheetId",
                  NULL::jsonb AS "scores: Json<Vec<ScoreRow>>", NULL::numeric AS total, NULL::text AS "recommendation: Recommendation",
                  NULL::text AS opinion, NULL::integer AS version, NULL::timestamptz AS saved_at, NULL::timestamptz AS submitted_at
           FROM seat
           UNION ALL
           SELECT false, s.region_id, s.expert_id, s.stage, s.id, s.id, s.scores, s.total, s.recommendation, s.opinion,
                  s.version, s.saved_at, s.submitted_at
           FROM review_sheets s
           WHERE s.project_id = $1 AND s.region_id = (SELECT region_id FROM seat LIMIT 1)
           ORDER BY 1 DESC, 5 DESC"#,
        project.0,
        account.0
    )
    .fetch_all(tx)
    .await?;
    let Some(first) = rows.first().filter(|r| r.seat) else { return Ok(None) };
    let (region, expert) = (RegionId(first.region_id), first.expert_id);
    let mut stages = Vec::new();
    let mut sheets = Vec::new();
    for r in rows {
        if r.seat {
            stages.push(r.stage);
            continue;
        }
        let sheet = SheetRow {
            id: r.id.ok_or_else(|| sqlx::Error::Decode("a sheet without its id".into()))?,
            expert_id: r.expert_id,
            scores: r.scores.unwrap_or(Json(Vec::new())),
            total: r.total.unwrap_or_default(),
            recommendation: r.recommendation,
            opinion: r.opinion.unwrap_or_default(),
            version: r.version.unwrap_or_default(),
            saved_at: r.saved_at.unwrap_or_default(),
            submitted_at: r.submitted_at,
        }
        .into_sheet()?;
        sheets.push((r.stage, sheet));
    }
    // The sheets in the order they were first saved, as the panel's pages list them.
    sheets.sort_by_key(|(_, s)| s.id.0);
    Ok(Some(Seated { region, expert, stages, sheets }))
}

/// What an acceptance panel accepts: the region's submission for `attempt` (the completion or
/// the rectification), with each indicator's achieved value.
#[derive(Clone, Debug)]
pub struct Submission {
    pub summary: String,
    pub completed_on: chrono::NaiveDate,
    pub achieved: Vec<crate::projects::model::Achieved>,
    pub submitted_by_name: String,
    pub submitted_at: DateTime<Utc>,
}

pub async fn submission(
    tx: &mut PgConnection,
    region: RegionId,
    project: ProjectId,
    attempt: i16,
) -> Result<Option<Submission>, sqlx::Error> {
    let row = sqlx::query!(
        r#"SELECT summary, completed_on, achieved AS "achieved: Json<Vec<crate::projects::model::Achieved>>",
                  submitted_by_name, submitted_at
           FROM project_acceptances WHERE region_id = $1 AND project_id = $2 AND attempt = $3"#,
        region.0,
        project.0,
        attempt
    )
    .fetch_optional(tx)
    .await?;
    Ok(row.map(|r| Submission {
        summary: r.summary,
        completed_on: r.completed_on,
        achieved: r.achieved.0,
        submitted_by_name: r.submitted_by_name,
        submitted_at: r.submitted_at,
    }))
}
