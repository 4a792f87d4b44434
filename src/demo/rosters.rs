//! Demo leading-group rosters: 沈阳's 2021–2025 roster filed, its leader replaced mid-cycle and
//! filed again; 大连's filed and then changed since filing (a liaison replaced, not yet reported
//! again); 鞍山's incomplete (no liaison, two departments without a member); the province's own
//! filed by a second officer; 沈阳's 2026–2030 roster submitted and awaiting the province. Each
//! made through the rosters' own store functions, then dated back to when it would have happened.

use anyhow::Context;
use chrono::NaiveDate;
use sqlx::PgPool;

use super::demo_context;
use super::plans::{account, shanghai, token};
use crate::cycles::{self, Cycle};
use crate::db::{self, DbActor, Scope};
use crate::org::{DepartmentKind, GroupRole, Region, Role};
use crate::regions;
use crate::rosters::model::{MemberForm, RosterAction, RosterId};
use crate::rosters::store::{self, By, Done, Rules, TransitionError};
use crate::values::time;

const PROVINCE: DbActor = DbActor { scope: Scope::Province, account_id: None };

/// One step of a roster's story, dated in Asia/Shanghai (`2021-06-21 10:12`).
pub(crate) enum Step<'a> {
    Act {
        action: RosterAction,
        by: &'a str,
        when: &'a str,
        comment: &'a str,
    },
    /// The seat of `department` in `role` changes hands: the successor serves from `from`.
    Replace {
        department: DepartmentKind,
        role: &'a str,
        name: String,
        post: &'a str,
        from: NaiveDate,
    },
}

/// A roster's story: its region and cycle, who keeps it, which seats stay empty, and its steps.
pub(crate) struct Story<'a> {
    pub region: &'a str,
    pub writer: &'a str,
    /// Partner departments left without a member (an incomplete roster).
    pub leave_out: &'a [DepartmentKind],
    /// Whether a liaison is named.
    pub liaison: bool,
    pub steps: Vec<Step<'a>>,
}

const SURNAMES: &[&str] =
    &["王", "李", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴", "徐", "孙", "马", "朱", "胡", "郭"];
const GIVEN: &[&str] =
    &["建国", "志强", "丽华", "海燕", "国庆", "秀英", "晓东", "红梅", "立新", "春生", "玉兰", "文博", "德明", "淑珍"];

/// A deterministic name for the `n`th person of a region.
pub(crate) fn person(region_index: usize, n: usize) -> String {
    let i = region_index * 7 + n * 3;
    format!("{}{}", SURNAMES[i % SURNAMES.len()], GIVEN[(i / SURNAMES.len() + n) % GIVEN.len()])
}

fn day(s: &str) -> anyhow::Result<NaiveDate> {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").context("演示日期")
}

pub async fn seed(owner: &PgPool) -> anyhow::Result<()> {
    let cycles = cycles::store::list(owner).await?;
    let first = cycles.iter().find(|c| c.first_year == 2021).context("演示周期不存在")?;
    let current = cycles.iter().find(|c| c.first_year == 2026).context("演示周期不存在")?;
    let file = |by, when| Step::Act { action: RosterAction::File, by, when, comment: "" };
    let submit = |by, when| Step::Act { action: RosterAction::Submit, by, when, comment: "" };
    let stories = [
        (
            first,
            Story {
                region: "210100",
                writer: "demo_sy_hrss",
                leave_out: &[],
                liaison: true,
                steps: vec![
                    submit("demo_sy_hrss", "2021-06-21 10:20"),
                    file("demo_province", "2021-06-28 15:45"),
                    Step::Replace {
                        department: DepartmentKind::Hrss,
                        role: GroupRole::LEADER,
                        name: "韩振宇".into(),
                        post: "局长",
                        from: day("2023-03-01")?,
                    },
                    submit("demo_sy_hrss", "2023-03-06 09:30"),
                    file("demo_province", "2023-03-10 14:00"),
                ],
            },
        ),
        (
            first,
            Story {
                region: "210200",
                writer: "demo_dl_hrss",
                leave_out: &[],
                liaison: true,
                steps: vec![
                    submit("demo_dl_hrss", "2021-06-25 16:40"),
                    file("demo_province", "2021-07-02 09:30"),
                    Step::Replace {
                        department: DepartmentKind::Hrss,
                        role: GroupRole::LIAISON,
                        name: "宋佳怡".into(),
                        post: "工伤保险科科长",
                        from: day("2025-09-01")?,
                    },
                ],
            },
        ),
        (
            first,
            Story {
                region: "210300",
                writer: "demo_as_hrss",
                leave_out: &[DepartmentKind::Transport, DepartmentKind::Union],
                liaison: false,
                steps: Vec::new(),
            },
        ),
        (
            first,
            Story {
                region: "210000",
                writer: "demo_province",
                leave_out: &[],
                liaison: true,
                steps: vec![submit("demo_province", "2021-05-20 09:10"), file("demo_province_2", "2021-05-28 16:10")],
            },
        ),
        (
            current,
            Story {
                region: "210100",
                writer: "demo_sy_hrss",
                leave_out: &[],
                liaison: true,
                steps: vec![submit("demo_sy_hrss", "2026-06-18 10:00")],
            },
        ),
    ];
    for (cycle, story) in &stories {
        play(owner, cycle, story).await?;
    }
    let mut tx = owner.begin().await?;
    sqlx::query!("INSERT INTO seed_log (entity, key) VALUES ('demo', 'rosters')").execute(&mut *tx).await?;
    tx.commit().await?;
    Ok(())
}

/// Builds the roster of a story: the HRSS leader, deputy and office director, one member per
/// partner department of the cycle (but those left out), a liaison if named; then its steps.
/// Returns the roster, or `None` when the region had one already.
pub(crate) async fn play(owner: &PgPool, cycle: &Cycle, story: &Story<'_>) -> anyhow::Result<Option<RosterId>> {
    let ctx = demo_context();
    let region = regions::store::find_by_code(owner, story.region).await?.context("演示地区不存在")?;
    let writer = account(owner, story.writer).await?;
    let roles = crate::reference::group_roles(owner).await?;
    let today = time::today();
    let rules = Rules { cycle, roles: &roles, today };
    let mut tx = db::begin(owner, PROVINCE).await?;
    let done =
        store::create(&mut tx, &ctx, &By { account: writer.0, name: &writer.1 }, &token()?, &region, cycle).await?;
    tx.commit().await?;
    let Done::Now(url) = done else { return Ok(None) };
    let id = RosterId(url.trim_start_matches("/rosters/").parse().context("roster id")?);
    let began = NaiveDate::from_ymd_opt(cycle.first_year, 4, 15).context("演示日期")?;
    let index = region.code[2..4].parse::<usize>().unwrap_or(0);
    for (n, (department, role, post)) in seats(cycle, &region, story).into_iter().enumerate() {
        let form = member_form(department, role, &person(index, n), &post, began, n);
        let mut tx = db::begin(owner, PROVINCE).await?;
        let roster = store::find(&mut tx, id, true).await?.context("演示名单")?;
        let (input, _) = MemberForm { version: roster.version.to_string(), ..form }
            .parse(cycle, &roles)
            .map_err(|e| anyhow::anyhow!("演示成员无效：{e:?}"))?;
        store::add_member(&mut tx, &ctx, &roster, crate::values::Version(roster.version), &input, &rules).await?;
        tx.commit().await?;
    }
    for step in &story.steps {
        let mut tx = db::begin(owner, PROVINCE).await?;
        let roster = store::find(&mut tx, id, true).await?.context("演示名单")?;
        match step {
            Step::Act { action, by, when, comment } => {
                let by = account(owner, by).await?;
                let role = if region.code == "210000" || *action != RosterAction::Submit {
                    Role::ProvinceOfficer
                } else {
                    Role::CityOfficer
                };
                let by_ref = By { account: by.0, name: &by.1 };
                store::transition(&mut tx, &ctx, &by_ref, role, &token()?, id, *action, comment, &rules)
                    .await
                    .map_err(|e| match e {
                        TransitionError::Refused(r) => anyhow::anyhow!("演示流转被拒绝：{}", r.message()),
                        TransitionError::Incomplete(p) => anyhow::anyhow!(
                            "演示名单不完整：{}",
                            p.into_iter().map(|p| p.message).collect::<Vec<_>>().join("；")
                        ),
                        TransitionError::Write(e) => anyhow::anyhow!(e),
                    })?;
                tx.commit().await?;
                backdate(owner, id, *action, when).await?;
            }
            Step::Replace { department, role, name, post, from } => {
                let leaving = roster
                    .members
                    .iter()
                    .find(|m| m.department == *department && m.group_role == *role && m.ended_on.is_none())
                    .cloned()
                    .context("演示名单中没有要接替的成员")?;
                let form = MemberForm {
                    version: roster.version.to_string(),
                    ..member_form(*department, role, name, post, *from, 99)
                };
                let (input, version) = form.parse(cycle, &roles).map_err(|e| anyhow::anyhow!("演示成员无效：{e:?}"))?;
                store::replace_member(&mut tx, &ctx, &roster, &leaving, version, &input, &rules).await?;
                tx.commit().await?;
            }
        }
    }
    Ok(Some(id))
}

/// The seats of a roster: (department, group role, post).
fn seats(cycle: &Cycle, region: &Region, story: &Story<'_>) -> Vec<(DepartmentKind, &'static str, String)> {
    let hrss_head = if region.code == "210000" { "厅长" } else { "局长" };
    let mut seats = vec![
        (DepartmentKind::Hrss, GroupRole::LEADER, hrss_head.to_string()),
        (DepartmentKind::Hrss, "deputy_leader", format!("副{hrss_head}")),
        (DepartmentKind::Hrss, "office_director", "工伤保险处处长".to_string()),
    ];
    for department in cycle.departments.iter().filter(|d| d.is_partner() && !story.leave_out.contains(d)) {
        seats.push((*department, "member", "副局长".to_string()));
    }
    if story.liaison {
        seats.push((DepartmentKind::Hrss, GroupRole::LIAISON, "工伤保险科科长".to_string()));
    }
    seats
}

fn member_form(
    department: DepartmentKind,
    role: &str,
    name: &str,
    post: &str,
    began: NaiveDate,
    n: usize,
) -> MemberForm {
    MemberForm {
        name: name.to_string(),
        department: department.as_str().to_string(),
        post: post.to_string(),
        group_role: role.to_string(),
        office_phone: format!("024-2{:03}{:04}", 380 + n % 7, 1000 + n * 37 % 9000),
        mobile: format!("139{:08}", 24_000_000 + n * 7_919 % 1_000_000),
        remarks: String::new(),
        began_on: began.to_string(),
        ended_on: String::new(),
        version: String::new(),
        form_token: crate::web::once::TokenField::default(),
    }
}

/// Dates the last transition of the roster (and what it set) to `when` in Asia/Shanghai.
async fn backdate(owner: &PgPool, id: RosterId, action: RosterAction, when: &str) -> anyhow::Result<()> {
    let at = shanghai(when)?;
    let mut tx = db::begin(owner, PROVINCE).await?;
    sqlx::query!(
        "UPDATE workflow_history SET occurred_at = $3
         WHERE id = (SELECT max(id) FROM workflow_history WHERE record_kind = 'roster' AND record_id = $1 AND action = $2)",
        id.0,
        action.as_str(),
        at
    )
    .execute(&mut *tx)
    .await?;
    if action == RosterAction::Submit {
        sqlx::query!(
            "UPDATE rosters SET first_submitted_at = CASE WHEN (SELECT count(*) FROM workflow_history
                                                                WHERE record_kind = 'roster' AND record_id = $1 AND action = 'submit') = 1
                                                          THEN $2 ELSE first_submitted_at END,
                                last_submitted_at = $2, updated_at = $2
             WHERE id = $1",
            id.0,
            at
        )
        .execute(&mut *tx)
        .await?;
        sqlx::query!(
            "UPDATE record_versions SET frozen_at = $2
             WHERE record_kind = 'roster' AND record_id = $1
               AND version_no = (SELECT max(version_no) FROM record_versions WHERE record_kind = 'roster' AND record_id = $1)",
            id.0,
            at
        )
        .execute(&mut *tx)
        .await?;
    } else {
        sqlx::query!("UPDATE rosters SET decided_at = $2 WHERE id = $1", id.0, at).execute(&mut *tx).await?;
    }
    tx.commit().await?;
    Ok(())
}
