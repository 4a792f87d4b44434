//! SQL of publicity events and warning-education bases, in the caller's transaction opened for
//! the actor's scope.

use chrono::NaiveDate;
use sqlx::PgConnection;

use super::model::{BASE_KIND, BaseId, BaseInput, Event, EventId, EventInput, EventKind, KIND, WarningBase};
use crate::audit::{self, Action, AuditContext, Event as AuditEvent};
use crate::error::WriteError;
use crate::org::{DepartmentKind, RegionId};
use crate::values::Version;
use crate::workflow::By;

pub async fn find(tx: &mut PgConnection, id: EventId, lock: bool) -> Result<Option<Event>, sqlx::Error> {
    if lock {
        sqlx::query_scalar!("SELECT 1 AS one FROM publicity_events WHERE id = $1 FOR UPDATE", id.0)
            .fetch_optional(&mut *tx)
            .await?;
    }
    sqlx::query_as!(
        Event,
        r#"SELECT e.id AS "id: EventId", e.region_id AS "region: RegionId", e.held_on, e.ends_on,
                  e.kind AS "kind: EventKind", e.title, e.department AS "department: DepartmentKind", e.audience,
                  e.project_id AS project, p.name AS "project_name?", e.summary, e.created_by_name, e.version,
                  e.updated_at
           FROM publicity_events e LEFT JOIN projects p ON p.region_id = e.region_id AND p.id = e.project_id
           WHERE e.id = $1"#,
        id.0
    )
    .fetch_optional(tx)
    .await
}

/// An event as the list shows it.
#[derive(Clone, Debug)]
pub struct EventLine {
    pub id: EventId,
    pub region_name: String,
    pub held_on: NaiveDate,
    pub ends_on: NaiveDate,
    pub kind: EventKind,
    pub title: String,
    pub department: DepartmentKind,
    pub audience: i32,
    pub funded: bool,
    pub total: i64,
}

/// A page of a year's events (one region's or every region's in scope), newest first. A region
/// logs tens of events a year: counted with the page.
pub async fn list(
    tx: &mut PgConnection,
    year: i32,
    region: Option<RegionId>,
    kind: Option<EventKind>,
    limit: i64,
    offset: i64,
) -> Result<Vec<EventLine>, sqlx::Error> {
    let from = NaiveDate::from_ymd_opt(year, 1, 1).unwrap_or_default();
    let until = NaiveDate::from_ymd_opt(year + 1, 1, 1).unwrap_or_default();
    sqlx::query_as!(
        EventLine,
        r#"SELECT e.id AS "id: EventId", g.name AS region_name, e.held_on, e.ends_on, e.kind AS "kind: EventKind",
                  e.title, e.department AS "department: DepartmentKind", e.audience, e.project_id IS NOT NULL AS "funded!",
                  count(*) OVER () AS "total!"
           FROM publicity_events e JOIN regions g ON g.id = e.region_id
           WHERE e.held_on >= $1 AND e.held_on < $2 AND ($3::bigint IS NULL OR e.region_id = $3)
             AND ($4::text IS NULL OR e.kind = $4)
           ORDER BY e.held_on DESC, e.id DESC LIMIT $5 OFFSET $6"#,
        from,
        until,
        region.map(|r| r.0),
        kind.map(|k| k.as_str()),
        limit,
        offset
    )
    .fetch_all(tx)
    .await
}

/// A year's events in scope grouped by region and kind: (region, kind, events, audience).
pub async fn counts(tx: &mut PgConnection, year: i32) -> Result<Vec<(RegionId, EventKind, i64, i64)>, sqlx::Error> {
    let from = NaiveDate::from_ymd_opt(year, 1, 1).unwrap_or_default();
    let until = NaiveDate::from_ymd_opt(year + 1, 1, 1).unwrap_or_default();
    let rows = sqlx::query!(
        r#"SELECT region_id AS "region: RegionId", kind AS "kind: EventKind", count(*) AS "events!",
                  coalesce(sum(audience), 0)::bigint AS "audience!"
           FROM publicity_events WHERE held_on >= $1 AND held_on < $2 GROUP BY region_id, kind"#,
        from,
        until
    )
    .fetch_all(tx)
    .await?;
    Ok(rows.into_iter().map(|r| (r.region, r.kind, r.events, r.audience)).collect())
}

/// The region's projects an event may name as its funder (past the draft, newest first).
pub async fn funding_projects(tx: &mut PgConnection, region: RegionId) -> Result<Vec<(i64, String, i16)>, sqlx::Error> {
    let rows = sqlx::query!(
        "SELECT id, name, year FROM projects
         WHERE region_id = $1 AND status IN ('filed', 'in_progress', 'awaiting_acceptance', 'rectifying',
                                             'awaiting_reacceptance', 'accepted', 'settled')
         ORDER BY year DESC, id DESC LIMIT 200",
        region.0
    )
    .fetch_all(tx)
    .await?;
    Ok(rows.into_iter().map(|r| (r.id, r.name, r.year)).collect())
}

pub async fn create(
    tx: &mut PgConnection,
    ctx: &AuditContext,
    region: RegionId,
    input: &EventInput,
    by: &By<'_>,
) -> Result<EventId, WriteError> {
    let id = sqlx::query_scalar!(
        r#"INSERT INTO publicity_events (region_id, held_on, ends_on, kind, title, department, audience, project_id,
                                         summary, created_by, created_by_name)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id AS "id: EventId""#,
        region.0,
        input.held_on,
        input.ends_on,
        input.kind.as_str(),
        input.title,
        input.department.as_str(),
        input.audience,
        input.project,
        input.summary,
        by.account.0,
        by.name
    )
    .fetch_one(&mut *tx)
    .await?;
    let event = AuditEvent::new(Action::PublicityCreate)
        .object(KIND, id)
        .detail(format!("{} {}", input.held_on, input.title))
        .created(input);
    audit::record(tx, ctx, event).await?;
    Ok(id)
}

pub async fn update(
    tx: &mut PgConnection,
    ctx: &AuditContext,
    before: &Event,
    version: Version,
    input: &EventInput,
) -> Result<(), WriteError> {
    let updated = sqlx::query!(
        "UPDATE publicity_events SET held_on = $3, ends_on = $4, kind = $5, title = $6, department = $7, audience = $8,
                project_id = $9, summary = $10, version = version + 1, updated_at = now()
         WHERE id = $1 AND version = $2",
        before.id.0,
        version.0,
        input.held_on,
        input.ends_on,
        input.kind.as_str(),
        input.title,
        input.department.as_str(),
        input.audience,
        input.project,
        input.summary
    )
    .execute(&mut *tx)
    .await?;
    if updated.rows_affected() == 0 {
        return Err(WriteError::Stale);
    }
    let event = AuditEvent::new(Action::PublicityUpdate)
        .object(KIND, before.id)
        .detail(format!("{} {}", input.held_on, input.title))
        .change(before, input);
    audit::record(tx, ctx, event).await?;
    Ok(())
}

/// Removes an event without files (`Refused` while it has some: they are removed one by one,
/// each audited).
pub async fn delete(tx: &mut PgConnection, ctx: &AuditContext, e: &Event) -> Result<(), WriteError> {
    let deleted = sqlx::query!(
        "DELETE FROM publicity_events WHERE id = $1 AND NOT EXISTS
            (SELECT FROM attachments a WHERE a.region_id = $2 AND a.record_kind = $3 AND a.record_id = $1)",
        e.id.0,
        e.region.0,
        KIND
    )
    .execute(&mut *tx)
    .await?;
    if deleted.rows_affected() == 0 {
        return Err(WriteError::Refused("该活动还有附件，请先删除附件后再删除活动。".into()));
    }
    let event = AuditEvent::new(Action::PublicityDelete)
        .object(KIND, e.id)
        .detail(format!("{} {}", e.held_on, e.title))
        .change(e, &serde_json::Value::Null);
    audit::record(tx, ctx, event).await?;
    Ok(())
}

pub async fn find_base(tx: &mut PgConnection, id: BaseId) -> Result<Option<WarningBase>, sqlx::Error> {
    sqlx::query_as!(
        WarningBase,
        r#"SELECT id AS "id: BaseId", region_id AS "region: RegionId", name, place, operator, visitors_per_year, version
           FROM warning_bases WHERE id = $1"#,
        id.0
    )
    .fetch_optional(tx)
    .await
}

/// A base as the list shows it.
#[derive(Clone, Debug)]
pub struct BaseLine {
    pub id: BaseId,
    pub region_name: String,
    pub name: String,
    pub place: String,
    pub operator: String,
    pub visitors_per_year: i32,
}

/// Every base in scope (a few per region), by region and name.
pub async fn bases(tx: &mut PgConnection) -> Result<Vec<BaseLine>, sqlx::Error> {
    sqlx::query_as!(
        BaseLine,
        r#"SELECT b.id AS "id: BaseId", g.name AS region_name, b.name, b.place, b.operator, b.visitors_per_year
           FROM warning_bases b JOIN regions g ON g.id = b.region_id
           ORDER BY g.sort_order, g.id, b.name LIMIT 1000"#
    )
    .fetch_all(tx)
    .await
}

pub async fn create_base(
    tx: &mut PgConnection,
    ctx: &AuditContext,
    region: RegionId,
    input: &BaseInput,
) -> Result<BaseId, WriteError> {
    let id = sqlx::query_scalar!(
        r#"INSERT INTO warning_bases (region_id, name, place, operator, visitors_per_year)
           VALUES ($1, $2, $3, $4, $5) RETURNING id AS "id: BaseId""#,
        region.0,
        input.name,
        input.place,
        input.operator,
        input.visitors_per_year
    )
    .fetch_one(&mut *tx)
    .await?;
    let event =
        AuditEvent::new(Action::WarningBaseCreate).object(BASE_KIND, id).detail(input.name.clone()).created(input);
    audit::record(tx, ctx, event).await?;
    Ok(id)
}

pub async fn update_base(
    tx: &mut PgConnection,
    ctx: &AuditContext,
    before: &WarningBase,
    version: Version,
    input: &BaseInput,
) -> Result<(), WriteError> {
    let updated = sqlx::query!(
        "UPDATE warning_bases SET name = $3, place = $4, operator = $5, visitors_per_year = $6,
                version = version + 1, updated_at = now()
         WHERE id = $1 AND version = $2",
        before.id.0,
        version.0,
        input.name,
        input.place,
        input.operator,
        input.visitors_per_year
    )
    .execute(&mut *tx)
    .await?;
    if updated.rows_affected() == 0 {
        return Err(WriteError::Stale);
    }
    let event = AuditEvent::new(Action::WarningBaseUpdate)
        .object(BASE_KIND, before.id)
        .detail(input.name.clone())
        .change(before, input);
    audit::record(tx, ctx, event).await?;
    Ok(())
}
