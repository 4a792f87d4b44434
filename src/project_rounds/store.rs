//! SQL of application rounds, in the caller's transaction (opened for the actor's scope); writes
//! record their audit event in that same transaction.

use chrono::NaiveDate;
use serde::Serialize;
use sqlx::PgConnection;
use sqlx::types::Json;

use super::model::{Criterion, KIND, Round, RoundId, RoundInput};
use crate::audit::{self, Action, AuditContext, Event};
use crate::error::WriteError;
use crate::experts::draw::Need;
use crate::org::{Region, RegionId, RegionLevel};
use crate::values::Version;
use crate::web::once::{self, Claim, FormToken};
use crate::workflow::{By, Done};

/// One round, if the scope sees it.
pub async fn find(tx: &mut PgConnection, id: RoundId) -> Result<Option<Round>, sqlx::Error> {
    let row = sqlx::query!(
        r#"SELECT p.id AS "id: RoundId", r.id AS "region_id: RegionId", r.code AS region_code, r.name AS region_name,
                  r.level AS "region_level: RegionLevel", p.year, p.title, p.key_industries, p.target_groups, p.guide,
                  p.opens_on, p.closes_on, p.required_kinds, p.version, p.updated_at,
                  p.panel_mix AS "panel_mix: Json<Vec<Need>>", p.spread_threshold, p.publicity_days,
                  p.acceptance_criteria AS "acceptance_criteria: Json<Vec<Criterion>>",
                  (SELECT coalesce(json_agg(json_build_object('id', c.id, 'name', c.name, 'weight', c.weight)
                                            ORDER BY c.position), '[]')
                   FROM round_criteria c WHERE c.region_id = p.region_id AND c.round_id = p.id) AS "criteria!: Json<Vec<Criterion>>"
           FROM project_rounds p JOIN regions r ON r.id = p.region_id
           WHERE p.id = $1"#,
        id.0
    )
    .fetch_optional(tx)
    .await?;
    Ok(row.map(|r| Round {
        id: r.id,
        region: Region { id: r.region_id, code: r.region_code, name: r.region_name, level: r.region_level },
        year: r.year,
        title: r.title,
        key_industries: r.key_industries,
        target_groups: r.target_groups,
        guide: r.guide,
        opens_on: r.opens_on,
        closes_on: r.closes_on,
        required_kinds: r.required_kinds,
        criteria: r.criteria.0,
        panel_mix: r.panel_mix.0,
        spread_threshold: r.spread_threshold,
        publicity_days: r.publicity_days,
        acceptance_criteria: r.acceptance_criteria.0,
        version: r.version,
        updated_at: r.updated_at,
    }))
}

/// A round as lists show it, with how many applications it has and how many were submitted.
#[derive(Clone, Debug)]
pub struct RoundLine {
    pub id: RoundId,
    pub region_name: String,
    pub year: i16,
    pub title: String,
    pub opens_on: NaiveDate,
    pub closes_on: NaiveDate,
    pub applications: i64,
    pub submitted: i64,
}

/// The rounds the scope sees, newest first, of one region and year if asked.
pub async fn list(
    tx: &mut PgConnection,
    region: Option<RegionId>,
    year: Option<i16>,
) -> Result<Vec<RoundLine>, sqlx::Error> {
    sqlx::query_as!(
        RoundLine,
        r#"SELECT p.id AS "id: RoundId", r.name AS region_name, p.year, p.title, p.opens_on, p.closes_on,
                  (SELECT count(*) FROM projects a WHERE a.region_id = p.region_id AND a.round_id = p.id) AS "applications!",
                  (SELECT count(*) FROM projects a WHERE a.region_id = p.region_id AND a.round_id = p.id
                                                      AND a.status <> 'draft') AS "submitted!"
           FROM project_rounds p JOIN regions r ON r.id = p.region_id
           WHERE ($1::bigint IS NULL OR p.region_id = $1) AND ($2::smallint IS NULL OR p.year = $2)
           ORDER BY p.year DESC, p.opens_on DESC, p.id DESC
           LIMIT 200"#,
        region.map(|r| r.0),
        year
    )
    .fetch_all(tx)
    .await
}

/// The rounds of a region that have not closed by `today`: where a new application may go.
pub async fn not_closed(
    tx: &mut PgConnection,
    region: RegionId,
    today: NaiveDate,
) -> Result<Vec<RoundLine>, sqlx::Error> {
    Ok(list(tx, Some(region), None).await?.into_iter().filter(|r| r.closes_on >= today).collect())
}

/// A round as the audit log keeps it.
#[derive(Serialize)]
struct Record<'a> {
    year: i16,
    title: &'a str,
    key_industries: &'a [String],
    target_groups: &'a str,
    opens_on: NaiveDate,
    closes_on: NaiveDate,
    required_kinds: &'a [String],
    criteria: Vec<(String, i16)>,
    panel: String,
    spread_threshold: i16,
    publicity_days: i16,
}

/// `工伤预防 2、安全生产 1` as the audit log keeps a panel's mix.
fn mix_text(mix: &[Need]) -> String {
    mix.iter().map(|n| format!("{} {}", n.specialty.label(), n.count)).collect::<Vec<_>>().join("、")
}

impl<'a> Record<'a> {
    fn of_input(i: &'a RoundInput) -> Self {
        Record {
            year: i.year,
            title: i.title.as_str(),
            key_industries: &i.key_industries,
            target_groups: i.target_groups.as_str(),
            opens_on: i.opens_on,
            closes_on: i.closes_on,
            required_kinds: &i.required_kinds,
            criteria: i.criteria.iter().map(|c| (c.name.as_str().to_string(), c.weight)).collect(),
            panel: mix_text(&i.panel_mix),
            spread_threshold: i.spread_threshold,
            publicity_days: i.publicity_days,
        }
    }

    fn of(r: &'a Round) -> Self {
        Record {
            year: r.year,
            title: &r.title,
            key_industries: &r.key_industries,
            target_groups: &r.target_groups,
            opens_on: r.opens_on,
            closes_on: r.closes_on,
            required_kinds: &r.required_kinds,
            criteria: r.criteria.iter().map(|c| (c.name.clone(), c.weight)).collect(),
            panel: mix_text(&r.panel_mix),
            spread_threshold: r.spread_threshold,
            publicity_days: r.publicity_days,
        }
    }
}

/// Creates a round of `region` (a double post makes one).
pub async fn create(
    tx: &mut PgConnection,
    ctx: &AuditContext,
    by: &By<'_>,
    token: &FormToken,
    region: &Region,
    input: &RoundInput,
) -> Result<Done, WriteError> {
    if let Claim::Used(outcome) = once::claim(tx, by.account, token).await? {
        return Ok(Done::Before(outcome));
    }
    let id = sqlx::query_scalar!(
        r#"INSERT INTO project_rounds (region_id, year, title, key_industries, target_groups, guide, opens_on, closes_on,
                                       required_kinds, created_by, panel_mix, spread_threshold, publicity_days)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) RETURNING id AS "id: RoundId""#,
        region.id.0,
        input.year,
        input.title.as_str(),
        &input.key_industries,
        input.target_groups.as_str(),
        input.guide.as_str(),
        input.opens_on,
        input.closes_on,
        &input.required_kinds,
        by.account.0,
        Json(&input.panel_mix) as _,
        input.spread_threshold,
        input.publicity_days
    )
    .fetch_one(&mut *tx)
    .await?;
    save_criteria(tx, region.id, id, input).await?;
    audit::record(tx, ctx, Event::new(Action::RoundCreate).object(KIND, id).created(&Record::of_input(input))).await?;
    let url = format!("/project-rounds/{id}");
    once::finish(tx, by.account, token, &url).await?;
    Ok(Done::Now(url))
}

/// Saves an edit if the round is still at `version`.
/// Whether a panel has been drawn for any application of the round: its experts score against
/// the round's criteria from then on.
pub async fn scoring_started(tx: &mut PgConnection, round: &Round) -> Result<bool, sqlx::Error> {
    sqlx::query_scalar!(
        r#"SELECT EXISTS (SELECT 1 FROM expert_draws d JOIN projects p ON p.region_id = d.region_id AND p.id = d.project_id
                          WHERE p.region_id = $1 AND p.round_id = $2) AS "started!""#,
        round.region.id.0,
        round.id.0
    )
    .fetch_one(tx)
    .await
}

pub async fn update(
    tx: &mut PgConnection,
    ctx: &AuditContext,
    before: &Round,
    version: Version,
    input: &RoundInput,
) -> Result<(), WriteError> {
    let updated = sqlx::query!(
        "UPDATE project_rounds SET year = $3, title = $4, key_industries = $5, target_groups = $6, guide = $7,
                                   opens_on = $8, closes_on = $9, required_kinds = $10, panel_mix = $11,
                                   spread_threshold = $12, publicity_days = $13, version = version + 1, updated_at = now()
         WHERE id = $1 AND version = $2",
        before.id.0,
        version.0,
        input.year,
        input.title.as_str(),
        &input.key_industries,
        input.target_groups.as_str(),
        input.guide.as_str(),
        input.opens_on,
        input.closes_on,
        &input.required_kinds,
        Json(&input.panel_mix) as _,
        input.spread_threshold,
        input.publicity_days
    )
    .execute(&mut *tx)
    .await?;
    if updated.rows_affected() == 0 {
        return Err(WriteError::Stale);
    }
    save_criteria(tx, before.region.id, before.id, input).await?;
    // The year is copied onto the round's applications for their lists' index.
    sqlx::query!(
        "UPDATE projects SET year = $3 WHERE region_id = $1 AND round_id = $2 AND year <> $3",
        before.region.id.0,
        before.id.0,
        input.year
    )
    .execute(&mut *tx)
    .await?;
    let event =
        Event::new(Action::RoundUpdate).object(KIND, before.id).change(&Record::of(before), &Record::of_input(input));
    audit::record(tx, ctx, event).await?;
    Ok(())
}

/// Criteria rows: kept rows updated in place (the experts' scores will hang on their ids), new
/// rows added, the rest removed.
async fn save_criteria(
    tx: &mut PgConnection,
    region: RegionId,
    round: RoundId,
    input: &RoundInput,
) -> Result<(), WriteError> {
    let kept: Vec<i64> = input.criteria.iter().filter_map(|c| c.id).collect();
    sqlx::query!(
        "DELETE FROM round_criteria WHERE region_id = $1 AND round_id = $2 AND NOT (id = ANY($3))",
        region.0,
        round.0,
        &kept
    )
    .execute(&mut *tx)
    .await?;
    for (position, c) in input.criteria.iter().enumerate() {
        let position = position as i32 + 1;
        let saved = match c.id {
            Some(id) => sqlx::query!(
                "UPDATE round_criteria SET position = $4, name = $5, weight = $6
                 WHERE region_id = $1 AND round_id = $2 AND id = $3",
                region.0,
                round.0,
                id,
                position,
                c.name.as_str(),
                c.weight
            )
            .execute(&mut *tx)
            .await?
            .rows_affected(),
            None => sqlx::query!(
                "INSERT INTO round_criteria (region_id, round_id, position, name, weight) VALUES ($1, $2, $3, $4, $5)",
                region.0,
                round.0,
                position,
                c.name.as_str(),
                c.weight
            )
            .execute(&mut *tx)
            .await?
            .rows_affected(),
        };
        if saved == 0 {
            return Err(WriteError::Stale);
        }
    }
    Ok(())
}
