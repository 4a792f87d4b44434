//! SQL of joint meetings and action items. Every function works in a transaction opened for the
//! actor's scope (row-level security first); writes record their audit event in it. Whether an
//! open item is overdue is asked with `today` (Asia/Shanghai, from the shared deadline rule):
//! `due_on < today`.

use chrono::{DateTime, NaiveDate, Utc};
use sqlx::types::Json;
use sqlx::{PgConnection, Postgres, QueryBuilder};

use super::model::{
    ActionItem, ActionItemId, ItemInput, ItemStatus, KIND, Meeting, MeetingId, MeetingInput, MeetingKind,
};
use crate::audit::{self, Action, AuditContext, Event};
use crate::error::WriteError;
use crate::org::{AccountId, DepartmentKind, Region, RegionId, RegionLevel};
use crate::values::Version;

/// The meeting with its items in one statement, if the transaction's scope sees it. `lock`
/// takes the row for an update.
pub async fn find(tx: &mut PgConnection, id: MeetingId, lock: bool) -> Result<Option<Meeting>, sqlx::Error> {
    if lock {
        sqlx::query!("SELECT id FROM meetings WHERE id = $1 FOR UPDATE", id.0).fetch_optional(&mut *tx).await?;
    }
    let row = sqlx::query!(
        r#"SELECT m.id AS "id: MeetingId", r.id AS "region_id: RegionId", r.code AS region_code, r.name AS region_name,
                  r.level AS "region_level: RegionLevel", m.held_on, m.kind AS "kind: MeetingKind",
                  m.convenor AS "convenor: DepartmentKind", m.attending AS "attending: Vec<DepartmentKind>",
                  m.attendees, m.topics, m.minutes, m.version, m.updated_at,
                  (SELECT coalesce(json_agg(json_build_object(
                              'id', i.id, 'what', i.what, 'owner', i.owner, 'due_on', i.due_on, 'closed_on', i.closed_on,
                              'closed_note', i.closed_note, 'closed_by_name', i.closed_by_name, 'version', i.version)
                              ORDER BY i.id), '[]')
                   FROM meeting_action_items i WHERE i.region_id = m.region_id AND i.meeting_id = m.id)
                      AS "items!: Json<Vec<ActionItem>>"
           FROM meetings m JOIN regions r ON r.id = m.region_id
           WHERE m.id = $1"#,
        id.0
    )
    .fetch_optional(&mut *tx)
    .await?;
    Ok(row.map(|r| Meeting {
        id: r.id,
        region: Region { id: r.region_id, code: r.region_code, name: r.region_name, level: r.region_level },
        held_on: r.held_on,
        kind: r.kind,
        convenor: r.convenor,
        attending: r.attending,
        attendees: r.attendees,
        topics: r.topics,
        minutes: r.minutes,
        version: r.version,
        updated_at: r.updated_at,
        items: r.items.0,
    }))
}

/// A meeting as lists show it, with its items counted.
#[derive(Clone, Debug)]
pub struct MeetingLine {
    pub id: MeetingId,
    pub region_name: String,
    pub held_on: NaiveDate,
    pub kind: MeetingKind,
    pub topics: String,
    pub attending: Vec<DepartmentKind>,
    pub items: i64,
    pub open: i64,
    pub overdue: i64,
}

/// The meetings of a region held in `year`, newest first.
pub async fn of_region(
    tx: &mut PgConnection,
    region: RegionId,
    year: i32,
    today: NaiveDate,
) -> Result<Vec<MeetingLine>, sqlx::Error> {
    sqlx::query_as!(
        MeetingLine,
        r#"SELECT m.id AS "id: MeetingId", r.name AS region_name, m.held_on, m.kind AS "kind: MeetingKind", m.topics,
                  m.attending AS "attending: Vec<DepartmentKind>",
                  count(i.id) AS "items!",
                  count(i.id) FILTER (WHERE i.closed_on IS NULL) AS "open!",
                  count(i.id) FILTER (WHERE i.closed_on IS NULL AND i.due_on < $3) AS "overdue!"
           FROM meetings m JOIN regions r ON r.id = m.region_id
           LEFT JOIN meeting_action_items i ON i.region_id = m.region_id AND i.meeting_id = m.id
           WHERE m.region_id = $1 AND m.held_on >= make_date($2, 1, 1) AND m.held_on < make_date($2 + 1, 1, 1)
           GROUP BY m.id, r.name, m.held_on, m.kind, m.topics, m.attending
           ORDER BY m.held_on DESC, m.id DESC"#,
        region.0,
        year,
        today
    )
    .fetch_all(tx)
    .await
}

/// The region's meetings held from `since` on, newest first (at most 50): those a decision of
/// the region may name as the one that decided.
pub async fn recent(
    tx: &mut PgConnection,
    region: RegionId,
    since: NaiveDate,
) -> Result<Vec<(MeetingId, NaiveDate, String)>, sqlx::Error> {
    let rows = sqlx::query!(
        r#"SELECT id AS "id: MeetingId", held_on, topics FROM meetings
           WHERE region_id = $1 AND held_on >= $2 ORDER BY held_on DESC, id DESC LIMIT 50"#,
        region.0,
        since
    )
    .fetch_all(tx)
    .await?;
    Ok(rows.into_iter().map(|r| (r.id, r.held_on, r.topics)).collect())
}

/// A line of the province's overview: a region's meetings of a year and its items.
#[derive(Clone, Debug)]
pub struct RegionYear {
    pub region: Region,
    pub meetings: i64,
    pub items: i64,
    pub open: i64,
    pub overdue: i64,
}

/// Every region (the province first) with its meetings held in `year` and their items.
pub async fn overview(tx: &mut PgConnection, year: i32, today: NaiveDate) -> Result<Vec<RegionYear>, sqlx::Error> {
    let rows = sqlx::query!(
        r#"SELECT r.id AS "region_id: RegionId", r.code, r.name, r.level AS "level: RegionLevel",
                  (SELECT count(*) FROM meetings m
                   WHERE m.region_id = r.id AND m.held_on >= make_date($1, 1, 1) AND m.held_on < make_date($1 + 1, 1, 1))
                      AS "meetings!",
                  i.items AS "items!", i.open AS "open!", i.overdue AS "overdue!"
           FROM regions r
           CROSS JOIN LATERAL (
               SELECT count(*) AS items, count(*) FILTER (WHERE a.closed_on IS NULL) AS open,
                      count(*) FILTER (WHERE a.closed_on IS NULL AND a.due_on < $2) AS overdue
               FROM meeting_action_items a JOIN meetings m ON m.region_id = a.region_id AND m.id = a.meeting_id
               WHERE a.region_id = r.id AND m.held_on >= make_date($1, 1, 1) AND m.held_on < make_date($1 + 1, 1, 1)) i
           ORDER BY r.level = 'city', r.sort_order, r.code"#,
        year,
        today
    )
    .fetch_all(tx)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| RegionYear {
            region: Region { id: r.region_id, code: r.code, name: r.name, level: r.level },
            meetings: r.meetings,
            items: r.items,
            open: r.open,
            overdue: r.overdue,
        })
        .collect())
}

/// Which action items a list wants.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ItemFilter {
    /// `None`: every region the scope sees.
    pub region: Option<RegionId>,
    pub year: Option<i32>,
    pub owner: Option<DepartmentKind>,
    pub status: Option<super::model::ItemStatus>,
}

/// An action item as lists show it.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct ItemLine {
    pub id: ActionItemId,
    pub meeting_id: MeetingId,
    pub region_name: String,
    pub held_on: NaiveDate,
    pub what: String,
    pub owner: DepartmentKind,
    pub due_on: NaiveDate,
    pub closed_on: Option<NaiveDate>,
    pub closed_note: String,
    pub closed_by_name: String,
}

fn push_item_filter(qb: &mut QueryBuilder<Postgres>, filter: &ItemFilter, today: NaiveDate) {
    qb.push(" WHERE true");
    if let Some(region) = filter.region {
        qb.push(" AND i.region_id = ").push_bind(region.0);
    }
    if let Some(year) = filter.year {
        qb.push(" AND m.held_on >= make_date(").push_bind(year).push(", 1, 1)");
        qb.push(" AND m.held_on < make_date(").push_bind(year + 1).push(", 1, 1)");
    }
    if let Some(owner) = filter.owner {
        qb.push(" AND i.owner = ").push_bind(owner.as_str());
    }
    match filter.status {
        Some(ItemStatus::Open) => {
            qb.push(" AND i.closed_on IS NULL");
        }
        Some(ItemStatus::Overdue) => {
            qb.push(" AND i.closed_on IS NULL AND i.due_on < ").push_bind(today);
        }
        Some(ItemStatus::Done) => {
            qb.push(" AND i.closed_on IS NOT NULL");
        }
        None => {}
    }
}

/// The items `filter` wants, by due date then id, after `after` (keyset, for exports) and past
/// `offset`, at most `limit`. Built with only the filters asked for, so the open items' index
/// by due date serves the province's overdue list.
pub async fn items(
    tx: &mut PgConnection,
    filter: &ItemFilter,
    today: NaiveDate,
    after: Option<(NaiveDate, i64)>,
    offset: i64,
    limit: i64,
) -> Result<Vec<ItemLine>, sqlx::Error> {
    let mut qb = QueryBuilder::new(
        "SELECT i.id, m.id AS meeting_id, r.name AS region_name, m.held_on, i.what, i.owner, i.due_on, i.closed_on,
                i.closed_note, i.closed_by_name
         FROM meeting_action_items i
         JOIN meetings m ON m.region_id = i.region_id AND m.id = i.meeting_id
         JOIN regions r ON r.id = i.region_id",
    );
    push_item_filter(&mut qb, filter, today);
    if let Some((due, id)) = after {
        qb.push(" AND (i.due_on, i.id) > (").push_bind(due).push(", ").push_bind(id).push(")");
    }
    qb.push(" ORDER BY i.due_on, i.id LIMIT ").push_bind(limit).push(" OFFSET ").push_bind(offset);
    qb.build_query_as().fetch_all(tx).await
}

/// How many items `filter` wants; the meeting is joined only for a year.
pub async fn count_items(tx: &mut PgConnection, filter: &ItemFilter, today: NaiveDate) -> Result<i64, sqlx::Error> {
    let mut qb = QueryBuilder::new(if filter.year.is_some() {
        "SELECT count(*) FROM meeting_action_items i JOIN meetings m ON m.region_id = i.region_id AND m.id = i.meeting_id"
    } else {
        "SELECT count(*) FROM meeting_action_items i"
    });
    push_item_filter(&mut qb, filter, today);
    qb.build_query_scalar().fetch_one(tx).await
}

/// A meeting as the audit log keeps it.
#[derive(serde::Serialize)]
struct MeetingRecord<'a> {
    held_on: String,
    kind: &'static str,
    convenor: &'static str,
    attending: Vec<&'static str>,
    attendees: &'a str,
    topics: &'a str,
    minutes: &'a str,
}

impl<'a> MeetingRecord<'a> {
    fn of_input(m: &'a MeetingInput) -> Self {
        MeetingRecord {
            held_on: m.held_on.to_string(),
            kind: m.kind.label(),
            convenor: m.convenor.label(),
            attending: m.attending.iter().map(|d| d.label()).collect(),
            attendees: m.attendees.as_str(),
            topics: m.topics.as_str(),
            minutes: m.minutes.as_str(),
        }
    }

    fn of(m: &'a Meeting) -> Self {
        MeetingRecord {
            held_on: m.held_on.to_string(),
            kind: m.kind.label(),
            convenor: m.convenor.label(),
            attending: m.attending.iter().map(|d| d.label()).collect(),
            attendees: &m.attendees,
            topics: &m.topics,
            minutes: &m.minutes,
        }
    }
}

fn kinds(departments: &[DepartmentKind]) -> Vec<String> {
    departments.iter().map(|d| d.as_str().to_string()).collect()
}

/// Records a meeting of `region`; its id.
pub async fn create(
    tx: &mut PgConnection,
    ctx: &AuditContext,
    region: &Region,
    by: AccountId,
    input: &MeetingInput,
) -> Result<MeetingId, WriteError> {
    let id = sqlx::query_scalar!(
        r#"INSERT INTO meetings (region_id, held_on, kind, convenor, attending, attendees, topics, minutes, created_by)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id AS "id: MeetingId""#,
        region.id.0,
        input.held_on,
        input.kind.as_str(),
        input.convenor.as_str(),
        &kinds(&input.attending),
        input.attendees.as_str(),
        input.topics.as_str(),
        input.minutes.as_str(),
        by.0
    )
    .fetch_one(&mut *tx)
    .await?;
    let event = Event::new(Action::MeetingCreate)
        .object(KIND, id)
        .detail(format!("{} {} {}", region.name, input.held_on, input.kind.label()))
        .created(&MeetingRecord::of_input(input));
    audit::record(tx, ctx, event).await?;
    Ok(id)
}

/// Saves an edit of a meeting if it is still at `version`.
pub async fn update(
    tx: &mut PgConnection,
    ctx: &AuditContext,
    before: &Meeting,
    version: Version,
    input: &MeetingInput,
) -> Result<(), WriteError> {
    let updated = sqlx::query!(
        "UPDATE meetings SET held_on = $3, kind = $4, convenor = $5, attending = $6, attendees = $7, topics = $8,
                             minutes = $9, version = version + 1, updated_at = now()
         WHERE id = $1 AND version = $2",
        before.id.0,
        version.0,
        input.held_on,
        input.kind.as_str(),
        input.convenor.as_str(),
        &kinds(&input.attending),
        input.attendees.as_str(),
        input.topics.as_str(),
        input.minutes.as_str()
    )
    .execute(&mut *tx)
    .await?;
    if updated.rows_affected() == 0 {
        return Err(WriteError::Stale);
    }
    let event = Event::new(Action::MeetingUpdate)
        .object(KIND, before.id)
        .change(&MeetingRecord::of(before), &MeetingRecord::of_input(input));
    audit::record(tx, ctx, event).await?;
    Ok(())
}

/// Adds an action item to a meeting; its id.
pub async fn add_item(
    tx: &mut PgConnection,
    ctx: &AuditContext,
    meeting: &Meeting,
    input: &ItemInput,
) -> Result<ActionItemId, WriteError> {
    let id = sqlx::query_scalar!(
        r#"INSERT INTO meeting_action_items (region_id, meeting_id, what, owner, due_on)
           VALUES ($1, $2, $3, $4, $5) RETURNING id AS "id: ActionItemId""#,
        meeting.region.id.0,
        meeting.id.0,
        input.what.as_str(),
        input.owner.as_str(),
        input.due_on
    )
    .fetch_one(&mut *tx)
    .await?;
    let event = Event::new(Action::ActionItemAdd)
        .object(KIND, meeting.id)
        .detail(format!("{}：{}（{} 前）", input.owner.label(), input.what.as_str(), input.due_on))
        .created(input);
    audit::record(tx, ctx, event).await?;
    Ok(id)
}

/// Corrects an open item; a closed one is not changed (`Stale`).
pub async fn update_item(
    tx: &mut PgConnection,
    ctx: &AuditContext,
    meeting: &Meeting,
    before: &ActionItem,
    version: Version,
    input: &ItemInput,
) -> Result<(), WriteError> {
    let updated = sqlx::query!(
        "UPDATE meeting_action_items SET what = $3, owner = $4, due_on = $5, version = version + 1
         WHERE region_id = $1 AND id = $2 AND closed_on IS NULL AND version = $6",
        meeting.region.id.0,
        before.id.0,
        input.what.as_str(),
        input.owner.as_str(),
        input.due_on,
        version.0
    )
    .execute(&mut *tx)
    .await?;
    if updated.rows_affected() == 0 {
        return Err(WriteError::Stale);
    }
    #[derive(serde::Serialize)]
    struct Item<'a> {
        what: &'a str,
        owner: &'static str,
        due_on: String,
    }
    let event = Event::new(Action::ActionItemUpdate).object(KIND, meeting.id).change(
        &Item { what: &before.what, owner: before.owner.label(), due_on: before.due_on.to_string() },
        &Item { what: input.what.as_str(), owner: input.owner.label(), due_on: input.due_on.to_string() },
    );
    audit::record(tx, ctx, event).await?;
    Ok(())
}

/// What a closing came to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Closed {
    Now,
    /// Someone closed it first (two at once: the first wins, the second changes nothing).
    Already {
        by: String,
        at: Option<DateTime<Utc>>,
    },
}

/// Closes an open item with its day and note, once: the update is conditional on the item
/// still being open, so two closings at once record one.
#[allow(clippy::too_many_arguments)]
pub async fn close_item(
    tx: &mut PgConnection,
    ctx: &AuditContext,
    meeting: &Meeting,
    item: &ActionItem,
    closed_on: NaiveDate,
    note: &str,
    by: AccountId,
    by_name: &str,
) -> Result<Closed, WriteError> {
    let closed = sqlx::query!(
        "UPDATE meeting_action_items SET closed_on = $3, closed_note = $4, closed_by = $5, closed_by_name = $6,
                                         closed_at = now()
         WHERE region_id = $1 AND id = $2 AND closed_on IS NULL",
        meeting.region.id.0,
        item.id.0,
        closed_on,
        note,
        by.0,
        by_name
    )
    .execute(&mut *tx)
    .await?;
    if closed.rows_affected() == 0 {
        let first = sqlx::query!(
            "SELECT closed_by_name, closed_at FROM meeting_action_items WHERE region_id = $1 AND id = $2",
            meeting.region.id.0,
            item.id.0
        )
        .fetch_optional(&mut *tx)
        .await?
        .ok_or(WriteError::NotFound)?;
        return Ok(Closed::Already { by: first.closed_by_name, at: first.closed_at });
    }
    let event = Event::new(Action::ActionItemClose).object(KIND, meeting.id).detail(format!(
        "{}：{}；完成于 {closed_on}：{note}",
        item.owner.label(),
        item.what
    ));
    audit::record(tx, ctx, event).await?;
    Ok(Closed::Now)
}
