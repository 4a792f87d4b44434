//! SQL of leading-group rosters. Every function works in a transaction opened for the actor's
//! scope (row-level security first); writes record their audit event (and for transitions
//! their history and version) in that same transaction, and recheck the rules, so the
//! roster's `complete` mark never disagrees with its members.

use chrono::{DateTime, NaiveDate, Utc};
use sqlx::PgConnection;
use sqlx::types::Json;

use super::model::{
    DepartmentName, KIND, Member, MemberId, MemberInput, Roster, RosterAction, RosterId, RosterStatus, problems,
    snapshot, submission_problems, transitions,
};
use crate::audit::{self, Action, AuditContext, Event};
use crate::cycles::{Cycle, CycleId};
use crate::error::WriteError;
use crate::org::{GroupRole, Region, RegionId, RegionLevel, Role};
use crate::values::{Version, mask};
use crate::web::once::{self, Claim, FormToken};
use crate::workflow;
use crate::workflow::history;
use crate::workflow::step::{self, Taken};
use crate::workflow::versions;
pub use crate::workflow::{By, Done, TransitionError};

/// The roster with every membership and the region's department names, in one statement, if
/// the transaction's scope sees it. `lock` takes the row for an update.
pub async fn find(tx: &mut PgConnection, id: RosterId, lock: bool) -> Result<Option<Roster>, sqlx::Error> {
    if lock {
        sqlx::query!("SELECT id FROM rosters WHERE id = $1 FOR UPDATE", id.0).fetch_optional(&mut *tx).await?;
    }
    let row = sqlx::query!(
        r#"SELECT s.id AS "id: RosterId", r.id AS "region_id: RegionId", r.code AS region_code, r.name AS region_name,
                  r.level AS "region_level: RegionLevel", s.cycle_id AS "cycle_id: CycleId",
                  s.status AS "status: RosterStatus", s.complete, s.changed_since_filing, s.first_submitted_at,
                  s.decided_at, s.version, s.updated_at,
                  (SELECT coalesce(json_agg(json_build_object(
                              'id', m.id, 'name', m.name, 'department', m.department_kind, 'post', m.post,
                              'group_role', m.group_role, 'office_phone', m.office_phone, 'mobile', m.mobile,
                              'remarks', m.remarks, 'began_on', m.began_on, 'ended_on', m.ended_on,
                              'replaced_by', m.replaced_by) ORDER BY m.id), '[]')
                   FROM roster_members m WHERE m.region_id = s.region_id AND m.roster_id = s.id)
                      AS "members!: Json<Vec<Member>>",
                  (SELECT coalesce(json_agg(json_build_object('kind', d.kind, 'name', d.name) ORDER BY d.kind), '[]')
                   FROM departments d WHERE d.region_id = s.region_id AND d.kind <> 'social_insurance')
                      AS "departments!: Json<Vec<DepartmentName>>"
           FROM rosters s JOIN regions r ON r.id = s.region_id
           WHERE s.id = $1"#,
        id.0
    )
    .fetch_optional(&mut *tx)
    .await?;
    Ok(row.map(|r| Roster {
        id: r.id,
        region: Region { id: r.region_id, code: r.region_code, name: r.region_name, level: r.region_level },
        cycle_id: r.cycle_id,
        status: r.status,
        complete: r.complete,
        changed_since_filing: r.changed_since_filing,
        first_submitted_at: r.first_submitted_at,
        decided_at: r.decided_at,
        version: r.version,
        updated_at: r.updated_at,
        members: r.members.0,
        departments: r.departments.0,
    }))
}

/// A roster as lists show it.
#[derive(Clone, Debug)]
pub struct RosterLine {
    pub id: RosterId,
    pub cycle_id: CycleId,
    pub status: RosterStatus,
    pub complete: bool,
    pub changed_since_filing: bool,
    pub first_submitted_at: Option<DateTime<Utc>>,
    pub decided_at: Option<DateTime<Utc>>,
    pub updated_at: DateTime<Utc>,
    /// Members serving today.
    pub members: i64,
}

/// The region's roster of a cycle, if it has one.
pub async fn of_region(
    tx: &mut PgConnection,
    region: RegionId,
    cycle: CycleId,
    today: NaiveDate,
) -> Result<Option<RosterLine>, sqlx::Error> {
    Ok(overview_rows(tx, cycle, Some(region), today).await?.into_iter().next().and_then(|l| l.roster))
}

/// A line of the province's overview: every region, with its roster of the cycle if any.
#[derive(Clone, Debug)]
pub struct OverviewLine {
    pub region: Region,
    pub roster: Option<RosterLine>,
}

/// Every region in order (the province first), with its roster of `cycle` if it has one.
pub async fn overview(
    tx: &mut PgConnection,
    cycle: CycleId,
    today: NaiveDate,
) -> Result<Vec<OverviewLine>, sqlx::Error> {
    overview_rows(tx, cycle, None, today).await
}

async fn overview_rows(
    tx: &mut PgConnection,
    cycle: CycleId,
    region: Option<RegionId>,
    today: NaiveDate,
) -> Result<Vec<OverviewLine>, sqlx::Error> {
    let rows = sqlx::query!(
        r#"SELECT r.id AS "region_id: RegionId", r.code, r.name, r.level AS "level: RegionLevel",
                  s.id AS "roster_id?: RosterId", s.status AS "status?: RosterStatus", s.complete AS "complete?",
                  s.changed_since_filing AS "changed?", s.first_submitted_at, s.decided_at,
                  s.updated_at AS "updated_at?",
                  (SELECT count(*) FROM roster_members m
                   WHERE m.region_id = s.region_id AND m.roster_id = s.id
                     AND m.began_on <= $3 AND (m.ended_on IS NULL OR m.ended_on >= $3)) AS "members!"
           FROM regions r LEFT JOIN rosters s ON s.region_id = r.id AND s.cycle_id = $1
           WHERE $2::bigint IS NULL OR r.id = $2
           ORDER BY r.level = 'city', r.sort_order, r.code"#,
        cycle.0,
        region.map(|r| r.0),
        today
    )
    .fetch_all(tx)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| OverviewLine {
            region: Region { id: r.region_id, code: r.code, name: r.name, level: r.level },
            roster: match (r.roster_id, r.status, r.complete, r.changed, r.updated_at) {
                (Some(id), Some(status), Some(complete), Some(changed), Some(updated_at)) => Some(RosterLine {
                    id,
                    cycle_id: cycle,
                    status,
                    complete,
                    changed_since_filing: changed,
                    first_submitted_at: r.first_submitted_at,
                    decided_at: r.decided_at,
                    updated_at,
                    members: r.members,
                }),
                _ => None,
            },
        })
        .collect())
}

/// Starts a region's roster for a cycle, empty, as a draft. A second post of the same form, or
/// a second roster for the region and cycle, makes none.
pub async fn create(
    tx: &mut PgConnection,
    ctx: &AuditContext,
    by: &By<'_>,
    token: &FormToken,
    region: &Region,
    cycle: &Cycle,
) -> Result<Done, WriteError> {
    if let Claim::Used(outcome) = once::claim(tx, by.account, token).await? {
        return Ok(Done::Before(outcome));
    }
    let existing = sqlx::query_scalar!(
        r#"SELECT id AS "id: RosterId" FROM rosters WHERE region_id = $1 AND cycle_id = $2"#,
        region.id.0,
        cycle.id.0
    )
    .fetch_optional(&mut *tx)
    .await?;
    if let Some(id) = existing {
        return Ok(Done::Before(format!("/rosters/{id}")));
    }
    let id = sqlx::query_scalar!(
        r#"INSERT INTO rosters (region_id, cycle_id, created_by) VALUES ($1, $2, $3) RETURNING id AS "id: RosterId""#,
        region.id.0,
        cycle.id.0,
        by.account.0
    )
    .fetch_one(&mut *tx)
    .await?;
    let event = Event::new(Action::RosterCreate).object(KIND, id).detail(format!(
        "{} {} 领导小组组成人员名单",
        region.name,
        cycle.years()
    ));
    audit::record(tx, ctx, event).await?;
    let url = format!("/rosters/{id}");
    once::finish(tx, by.account, token, &url).await?;
    Ok(Done::Now(url))
}

/// What every change to the members needs to know besides the change.
pub struct Rules<'a> {
    pub cycle: &'a Cycle,
    pub roles: &'a [GroupRole],
    pub today: NaiveDate,
}

/// Claims the roster for a change of its members if it is still at `version` and open: raises
/// its version, marks a filed roster changed, and stamps the change.
async fn claim_change(tx: &mut PgConnection, id: RosterId, version: Version) -> Result<(), WriteError> {
    let claimed = sqlx::query!(
        "UPDATE rosters SET version = version + 1, updated_at = now(),
                            changed_since_filing = changed_since_filing OR status = 'filed'
         WHERE id = $1 AND version = $2 AND status <> 'submitted'",
        id.0,
        version.0
    )
    .execute(&mut *tx)
    .await?;
    if claimed.rows_affected() == 0 {
        return Err(WriteError::Stale);
    }
    Ok(())
}

/// Rechecks the rules on the members as they now stand and records the outcome.
async fn recheck(tx: &mut PgConnection, id: RosterId, rules: &Rules<'_>) -> Result<Roster, WriteError> {
    let roster = find(tx, id, false).await?.ok_or(WriteError::NotFound)?;
    let complete = problems(&roster.members, rules.cycle, rules.roles, rules.today).is_empty();
    sqlx::query!("UPDATE rosters SET complete = $2 WHERE id = $1", id.0, complete).execute(&mut *tx).await?;
    Ok(roster)
}

/// A member as the audit log keeps it (the mobile masked by the writer).
#[derive(serde::Serialize)]
struct MemberRecord<'a> {
    name: &'a str,
    department: &'a str,
    post: &'a str,
    group_role: &'a str,
    office_phone: &'a str,
    mobile: String,
    remarks: &'a str,
    began_on: String,
    ended_on: String,
}

impl<'a> MemberRecord<'a> {
    fn of(m: &'a Member) -> Self {
        MemberRecord {
            name: &m.name,
            department: m.department.label(),
            post: &m.post,
            group_role: &m.group_role,
            office_phone: &m.office_phone,
            mobile: mask::phone(&m.mobile),
            remarks: &m.remarks,
            began_on: m.began_on.to_string(),
            ended_on: m.ended_on.map(|d| d.to_string()).unwrap_or_default(),
        }
    }
}

async fn insert_member(tx: &mut PgConnection, roster: &Roster, input: &MemberInput) -> Result<MemberId, sqlx::Error> {
    sqlx::query_scalar!(
        r#"INSERT INTO roster_members (region_id, roster_id, name, department_kind, post, group_role, office_phone,
                                       mobile, remarks, began_on, ended_on)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id AS "id: MemberId""#,
        roster.region.id.0,
        roster.id.0,
        input.name.as_str(),
        input.department.as_str(),
        input.post.as_str(),
        input.group_role,
        input.office_phone,
        input.mobile,
        input.remarks.as_str(),
        input.began_on,
        input.ended_on
    )
    .fetch_one(&mut *tx)
    .await
}

/// Adds a member to an open roster still at `version`.
pub async fn add_member(
    tx: &mut PgConnection,
    ctx: &AuditContext,
    roster: &Roster,
    version: Version,
    input: &MemberInput,
    rules: &Rules<'_>,
) -> Result<MemberId, WriteError> {
    claim_change(tx, roster.id, version).await?;
    let id = insert_member(tx, roster, input).await?;
    let after = recheck(tx, roster.id, rules).await?;
    let member = after.member(id).ok_or(WriteError::NotFound)?;
    let event = Event::new(Action::RosterMemberAdd)
        .object(KIND, roster.id)
        .detail(format!("新增组成人员 {}", member.name))
        .created(&MemberRecord::of(member));
    audit::record(tx, ctx, event).await?;
    Ok(id)
}

/// Corrects a member's record in place (a misspelt name, a new phone): not a replacement.
pub async fn update_member(
    tx: &mut PgConnection,
    ctx: &AuditContext,
    roster: &Roster,
    before: &Member,
    version: Version,
    input: &MemberInput,
    rules: &Rules<'_>,
) -> Result<(), WriteError> {
    claim_change(tx, roster.id, version).await?;
    let updated = sqlx::query!(
        "UPDATE roster_members SET name = $3, department_kind = $4, post = $5, group_role = $6, office_phone = $7,
                                   mobile = $8, remarks = $9, began_on = $10, ended_on = $11, updated_at = now()
         WHERE region_id = $1 AND id = $2",
        roster.region.id.0,
        before.id.0,
        input.name.as_str(),
        input.department.as_str(),
        input.post.as_str(),
        input.group_role,
        input.office_phone,
        input.mobile,
        input.remarks.as_str(),
        input.began_on,
        input.ended_on
    )
    .execute(&mut *tx)
    .await?;
    if updated.rows_affected() == 0 {
        return Err(WriteError::NotFound);
    }
    let after = recheck(tx, roster.id, rules).await?;
    let member = after.member(before.id).ok_or(WriteError::NotFound)?;
    let event = Event::new(Action::RosterMemberUpdate)
        .object(KIND, roster.id)
        .detail(format!("修改组成人员 {}", member.name))
        .change(&MemberRecord::of(before), &MemberRecord::of(member));
    audit::record(tx, ctx, event).await?;
    Ok(())
}

/// Replaces a member: the predecessor's membership ends the day before the successor's begins,
/// and stays on record, so the roster on any past date still shows who served.
pub async fn replace_member(
    tx: &mut PgConnection,
    ctx: &AuditContext,
    roster: &Roster,
    predecessor: &Member,
    version: Version,
    successor: &MemberInput,
    rules: &Rules<'_>,
) -> Result<MemberId, WriteError> {
    claim_change(tx, roster.id, version).await?;
    let id = insert_member(tx, roster, successor).await?;
    let ended = sqlx::query!(
        "UPDATE roster_members SET ended_on = $3::date - 1, replaced_by = $4, updated_at = now()
         WHERE region_id = $1 AND id = $2 AND ended_on IS NULL AND began_on < $3",
        roster.region.id.0,
        predecessor.id.0,
        successor.began_on,
        id.0
    )
    .execute(&mut *tx)
    .await?;
    if ended.rows_affected() == 0 {
        return Err(WriteError::Stale);
    }
    let after = recheck(tx, roster.id, rules).await?;
    let member = after.member(id).ok_or(WriteError::NotFound)?;
    let event = Event::new(Action::RosterMemberReplace)
        .object(KIND, roster.id)
        .detail(format!("{} 接替 {}（{} 起）", member.name, predecessor.name, member.began_on))
        .change(&MemberRecord::of(predecessor), &MemberRecord::of(member));
    audit::record(tx, ctx, event).await?;
    Ok(id)
}

/// Ends a membership on `ended_on` (its last day) without a successor.
pub async fn end_member(
    tx: &mut PgConnection,
    ctx: &AuditContext,
    roster: &Roster,
    member: &Member,
    version: Version,
    ended_on: NaiveDate,
    rules: &Rules<'_>,
) -> Result<(), WriteError> {
    claim_change(tx, roster.id, version).await?;
    let ended = sqlx::query!(
        "UPDATE roster_members SET ended_on = $3, updated_at = now()
         WHERE region_id = $1 AND id = $2 AND ended_on IS NULL AND began_on <= $3",
        roster.region.id.0,
        member.id.0,
        ended_on
    )
    .execute(&mut *tx)
    .await?;
    if ended.rows_affected() == 0 {
        return Err(WriteError::Stale);
    }
    recheck(tx, roster.id, rules).await?;
    let event = Event::new(Action::RosterMemberEnd)
        .object(KIND, roster.id)
        .detail(format!("{} 离任（任职至 {ended_on}）", member.name));
    audit::record(tx, ctx, event).await?;
    Ok(())
}

/// Takes `action` on a roster, checked by the workflow table against its status (under a row
/// lock), the actor's role and the roster's history (four eyes). A report must keep every rule
/// and freezes a version; filing clears the changed-since-filing mark. The history row, the
/// version and the audit event commit with the change, or nothing does.
#[allow(clippy::too_many_arguments)]
pub async fn transition(
    tx: &mut PgConnection,
    ctx: &AuditContext,
    by: &By<'_>,
    role: Role,
    token: &FormToken,
    id: RosterId,
    action: RosterAction,
    comment: &str,
    rules: &Rules<'_>,
) -> Result<Done, TransitionError> {
    if let Claim::Used(outcome) = once::claim(tx, by.account, token).await? {
        return Ok(Done::Before(outcome));
    }
    let roster = find(tx, id, true).await?.ok_or(WriteError::NotFound)?;
    let past = history::of(tx, KIND, id.0).await?;
    let to = workflow::decide(
        transitions(roster.region.level),
        roster.status,
        action,
        role,
        by.account,
        comment,
        &history::past_steps::<RosterAction>(&past),
    )
    .map_err(TransitionError::Refused)?;
    match action {
        RosterAction::Submit => {
            let problems = submission_problems(&roster, rules.cycle, rules.roles, rules.today);
            if !problems.is_empty() {
                return Err(TransitionError::Incomplete(problems.into_iter().map(Into::into).collect()));
            }
            let frozen = snapshot(&roster, rules.cycle, rules.roles, rules.today);
            versions::freeze(tx, roster.region.id, KIND, id.0, &frozen, by.account, by.name).await?;
            sqlx::query!(
                "UPDATE rosters SET status = $2, first_submitted_at = coalesce(first_submitted_at, now()),
                                    last_submitted_at = now(), version = version + 1, updated_at = now()
                 WHERE id = $1",
                id.0,
                to.as_str()
            )
            .execute(&mut *tx)
            .await?;
        }
        RosterAction::File => {
            sqlx::query!(
                "UPDATE rosters SET status = $2, changed_since_filing = false, decided_at = now(),
                                    version = version + 1
                 WHERE id = $1",
                id.0,
                to.as_str()
            )
            .execute(&mut *tx)
            .await?;
        }
        RosterAction::Return => {
            sqlx::query!(
                "UPDATE rosters SET status = $2, decided_at = now(), version = version + 1 WHERE id = $1",
                id.0,
                to.as_str()
            )
            .execute(&mut *tx)
            .await?;
        }
    }
    let taken = Taken { region: roster.region.id, kind: KIND, id: id.0, from: roster.status, to, action, comment };
    Ok(step::record(tx, ctx, by, token, &taken, Action::RosterTransition, format!("/rosters/{id}")).await?)
}
