//! Demo plans, key industries and the working-day calendar: plans in every state across several
//! cities and both cycles (沈阳 filed on time for 2021–2025, 大连 returned with a reason and
//! resubmitted, 鞍山 late, the province's own issued by a second officer, 2026–2030 drafts),
//! each made through the plans' own store functions, then dated back to when it would have
//! happened.

use anyhow::Context;
use chrono::NaiveDate;
use sqlx::PgPool;

use super::demo_context;
use crate::attachments::{self, samples, upload::Received};
use crate::cycles::{self, Cycle};
use crate::db::{self, DbActor, Scope};
use crate::key_industries::{self, model::KeyIndustryForm};
use crate::org::{AccountId, Region};
use crate::plans::model::{ATTACHMENT_KINDS, PlanAction, PlanForm, PlanId};
use crate::plans::store::{self, By, Done, TransitionError};
use crate::regions;
use crate::web::once::{FormToken, new_token};

const PROVINCE: DbActor = DbActor { scope: Scope::Province, account_id: None };

/// 2025's public holidays and swapped working days (国办发明电〔2024〕12号). 2026 is left for the
/// province to enter, so the demo also shows a year that counts weekends only.
pub async fn seed_calendar(owner: &PgPool) -> anyhow::Result<()> {
    let d = |m, day| NaiveDate::from_ymd_opt(2025, m, day).context("a real date");
    let mut days: Vec<(NaiveDate, &str, &str)> = vec![(d(1, 1)?, "holiday", "元旦")];
    for day in 28..=31 {
        days.push((d(1, day)?, "holiday", "春节"));
    }
    for day in 1..=4 {
        days.push((d(2, day)?, "holiday", "春节"));
    }
    days.extend([(d(1, 26)?, "workday", "春节调休"), (d(2, 8)?, "workday", "春节调休")]);
    for day in 4..=6 {
        days.push((d(4, day)?, "holiday", "清明节"));
    }
    for day in 1..=5 {
        days.push((d(5, day)?, "holiday", "劳动节"));
    }
    days.push((d(4, 27)?, "workday", "劳动节调休"));
    days.extend([(d(5, 31)?, "holiday", "端午节"), (d(6, 1)?, "holiday", "端午节"), (d(6, 2)?, "holiday", "端午节")]);
    for day in 1..=8 {
        days.push((d(10, day)?, "holiday", "国庆节、中秋节"));
    }
    days.extend([(d(9, 28)?, "workday", "国庆节调休"), (d(10, 11)?, "workday", "国庆节调休")]);
    let mut tx = owner.begin().await?;
    sqlx::query!(
        "INSERT INTO calendar_years (year, document) VALUES (2025, '国办发明电〔2024〕12号') ON CONFLICT DO NOTHING"
    )
    .execute(&mut *tx)
    .await?;
    for (day, kind, name) in days {
        sqlx::query!(
            "INSERT INTO calendar_days (day, kind, name) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING",
            day,
            kind,
            name
        )
        .execute(&mut *tx)
        .await?;
    }
    sqlx::query!("INSERT INTO seed_log (entity, key) VALUES ('demo', 'calendar')").execute(&mut *tx).await?;
    tx.commit().await?;
    Ok(())
}

/// What one demo plan goes through.
struct Story {
    region: &'static str,
    cycle: i32,
    writer: &'static str,
    steps: &'static [(PlanAction, &'static str, &'static str, &'static str)],
}

/// (action, by, when in Asia/Shanghai, comment). Each submission fills the plan first.
const STORIES: &[Story] = &[
    Story {
        region: "210100",
        cycle: 2021,
        writer: "demo_sy_hrss",
        steps: &[
            (PlanAction::Submit, "demo_sy_hrss", "2021-06-21 10:12", ""),
            (PlanAction::File, "demo_province", "2021-06-28 15:40", ""),
        ],
    },
    Story {
        region: "210200",
        cycle: 2021,
        writer: "demo_dl_hrss",
        steps: &[
            (PlanAction::Submit, "demo_dl_hrss", "2021-06-25 16:30", ""),
            (
                PlanAction::Return,
                "demo_province",
                "2021-07-02 09:20",
                "任务分工中应急管理、卫生健康部门的工作措施过于笼统，请细化并明确完成时限后重新报备。",
            ),
            (PlanAction::Submit, "demo_dl_hrss", "2021-07-09 14:05", ""),
        ],
    },
    Story {
        region: "210300",
        cycle: 2021,
        writer: "demo_as_hrss",
        steps: &[
            (PlanAction::Submit, "demo_as_hrss", "2021-07-16 11:00", ""),
            (PlanAction::File, "demo_province", "2021-07-23 10:30", ""),
        ],
    },
    Story {
        region: "210000",
        cycle: 2021,
        writer: "demo_province",
        steps: &[
            (PlanAction::Submit, "demo_province", "2021-05-20 09:00", ""),
            (PlanAction::Issue, "demo_province_2", "2021-05-28 16:00", ""),
        ],
    },
    Story { region: "210100", cycle: 2026, writer: "demo_sy_hrss", steps: &[] },
    Story { region: "210200", cycle: 2026, writer: "demo_dl_hrss", steps: &[] },
];

pub async fn seed(owner: &PgPool) -> anyhow::Result<()> {
    let cycles = cycles::store::list(owner).await?;
    seed_key_industries(owner, &cycles).await?;
    for story in STORIES {
        let cycle = cycles.iter().find(|c| c.first_year == story.cycle).context("演示周期不存在")?;
        let steps: Vec<Step> =
            story.steps.iter().map(|(action, by, when, comment)| Step { action: *action, by, when, comment }).collect();
        play(owner, cycle, story.region, story.writer, &steps).await?;
    }
    let mut tx = owner.begin().await?;
    sqlx::query!("INSERT INTO seed_log (entity, key) VALUES ('demo', 'plans')").execute(&mut *tx).await?;
    tx.commit().await?;
    Ok(())
}

/// One step of a plan's story: who did what, when (Asia/Shanghai, `2021-06-21 10:12`), and why.
pub(crate) struct Step<'a> {
    pub action: PlanAction,
    pub by: &'a str,
    pub when: &'a str,
    pub comment: &'a str,
}

/// Writes the plan of `region_code` for `cycle` as `writer` and takes it through `steps`, each
/// submission filling it first (the first with its signed document), each step dated back to
/// its time. Returns the plan, or `None` when the region had one already.
pub(crate) async fn play(
    owner: &PgPool,
    cycle: &Cycle,
    region_code: &str,
    writer: &str,
    steps: &[Step<'_>],
) -> anyhow::Result<Option<PlanId>> {
    let ctx = demo_context();
    let region = regions::store::find_by_code(owner, region_code).await?.context("演示地区不存在")?;
    let writer = account(owner, writer).await?;
    let mut tx = db::begin(owner, PROVINCE).await?;
    let done =
        store::create(&mut tx, &ctx, &By { account: writer.0, name: &writer.1 }, &token()?, &region, cycle).await?;
    tx.commit().await?;
    let Done::Now(url) = done else { return Ok(None) };
    let id = PlanId(url.trim_start_matches("/plans/").parse().context("plan id")?);
    fill(owner, id, cycle, &region, 0).await?;
    // Plans that go on to be submitted carry their signed document; the drafts show it missing.
    if let Some(first) = steps.first() {
        let before = shanghai(first.when)? - chrono::Duration::hours(2);
        attach_signed_document(owner, id, cycle, &region, &writer, before).await?;
    }
    for (round, step) in steps.iter().enumerate() {
        if step.action == PlanAction::Submit && round > 0 {
            fill(owner, id, cycle, &region, round).await?;
        }
        let by = account(owner, step.by).await?;
        let role = if region.code == "210000" || step.action != PlanAction::Submit {
            crate::org::Role::ProvinceOfficer
        } else {
            crate::org::Role::CityOfficer
        };
        let names = |r: &str| r.to_string();
        let mut tx = db::begin(owner, PROVINCE).await?;
        let by_ref = By { account: by.0, name: &by.1 };
        store::transition(&mut tx, &ctx, &by_ref, role, &token()?, id, step.action, step.comment, cycle, &names)
            .await
            .map_err(|e| match e {
                TransitionError::Refused(r) => anyhow::anyhow!("演示流转被拒绝：{}", r.message()),
                TransitionError::Incomplete(p) => anyhow::anyhow!(
                    "演示方案不完整：{}",
                    p.into_iter().map(|p| p.message).collect::<Vec<_>>().join("；")
                ),
                TransitionError::Write(e) => anyhow::anyhow!(e),
            })?;
        tx.commit().await?;
        backdate(owner, id, step.action, step.when).await?;
    }
    Ok(Some(id))
}

pub(super) fn token() -> anyhow::Result<FormToken> {
    FormToken::parse(&new_token()).map_err(|_| anyhow::anyhow!("form token"))
}

pub(super) async fn account(owner: &PgPool, username: &str) -> anyhow::Result<(AccountId, String)> {
    let a = crate::accounts::store::find_by_username(owner, username)
        .await?
        .with_context(|| format!("演示账号 {username} 不存在"))?;
    Ok((a.id, a.display_name))
}

/// The plan's sections, as its writers would fill them (a later round details the tasks more).
async fn fill(owner: &PgPool, id: PlanId, cycle: &Cycle, region: &Region, round: usize) -> anyhow::Result<()> {
    let mut tx = db::begin(owner, PROVINCE).await?;
    let plan = store::find(&mut tx, id, false).await?.context("演示方案")?;
    let industries = key_industries::store::of_region(&mut tx, region.id, cycle.id).await?;
    let city = if region.code == "210000" { "全省".to_string() } else { region.name.clone() };
    let partners: Vec<_> = cycle.departments.iter().filter(|d| d.is_partner()).collect();
    let mut form = PlanForm::from(&plan);
    form.guiding_ideas = format!(
        "坚持以人民为中心的发展思想，完善工伤保险“预防、补偿、康复”三位一体制度体系，把工伤预防作为工伤保险优先事项，结合{city}产业特点，切实降低工伤事故发生率。"
    );
    form.indicator_id = plan.indicators.iter().map(|i| i.id.to_string()).collect();
    if form.indicator_name.is_empty() {
        form.indicator_id = vec![String::new(), String::new()];
        form.indicator_name = vec!["重点岗位人员培训人次".into(), "培训考核合格率".into()];
        form.indicator_target = vec![if region.code == "210000" { "≥ 20000" } else { "≥ 5000" }.into(), "≥ 90".into()];
        form.indicator_unit = vec!["人次".into(), "%".into()];
    }
    form.industry = industries.iter().take(4).map(|k| k.reference.clone()).collect();
    for (i, task) in form.task_cycle_task.clone().iter().enumerate() {
        let title = task
            .parse::<i64>()
            .ok()
            .and_then(|t| cycle.task(crate::cycles::CycleTaskId(t)))
            .map(|t| t.title.clone())
            .unwrap_or_default();
        let department = if i == 0 { crate::org::DepartmentKind::Hrss } else { *partners[i % partners.len()] };
        form.task_department[i] = department.as_str().to_string();
        form.task_measures[i] = if round == 0 {
            format!("{}牵头，{}。", department.label(), title)
        } else {
            format!("{}牵头，{}；每季度调度一次进展，年底形成书面总结报送人社部门。", department.label(), title)
        };
        form.task_deadline[i] = format!("{}-12-31", cycle.first_year + (i as i32 % 5));
    }
    form.safeguards = "加强组织领导，建立部门联动工作机制；严格基金监管，确保工伤预防费依法合规使用；建立长效机制，推动工伤预防工作日常化、规范化。".into();
    form.document_number = match region.code.as_str() {
        "210000" => format!("辽人社〔{}〕12号", cycle.first_year),
        "210100" => format!("沈人社发〔{}〕8号", cycle.first_year),
        "210200" => format!("大人社发〔{}〕15号", cycle.first_year),
        _ => format!("鞍人社发〔{}〕6号", cycle.first_year),
    };
    form.issued_on = format!("{}-05-10", cycle.first_year);
    let references: Vec<String> = industries.iter().map(|k| k.reference.clone()).collect();
    let (input, version) = form.parse(cycle, &references).map_err(|e| anyhow::anyhow!("演示方案内容无效：{e:?}"))?;
    let names = |r: &str| r.to_string();
    store::update(&mut tx, &demo_context(), &plan, version, &input, cycle, &names).await?;
    tx.commit().await?;
    Ok(())
}

/// The signed plan as the city scanned it: a one-page PDF naming the plan and its number.
async fn attach_signed_document(
    owner: &PgPool,
    id: PlanId,
    cycle: &Cycle,
    region: &Region,
    writer: &(AccountId, String),
    when: chrono::DateTime<chrono::Utc>,
) -> anyhow::Result<()> {
    let mut tx = db::begin(owner, PROVINCE).await?;
    let plan = store::find(&mut tx, id, true).await?.context("演示方案")?;
    let title = format!("{}工伤预防实施方案（{}）", region.name, cycle.years());
    let pdf = samples::document(&[title.as_str(), plan.document_number.as_str(), "（演示文件：盖章扫描件）"]);
    let kind = ATTACHMENT_KINDS[0];
    let file = Received::from_bytes(kind, &format!("{title}（盖章）.pdf"), &pdf)
        .map_err(|e| anyhow::anyhow!("演示附件：{e}"))?;
    let ctx = demo_context();
    let by = attachments::store::Actor { ctx: &ctx, account: writer.0, name: &writer.1 };
    let file = attachments::store::attach(&mut tx, &plan.owner(), plan.status.as_str(), file, &by).await?;
    sqlx::query!("UPDATE attachments SET uploaded_at = $2 WHERE id = $1", file.0, when).execute(&mut *tx).await?;
    sqlx::query!(
        "UPDATE workflow_history SET occurred_at = $2 WHERE record_kind = 'plan' AND record_id = $1 AND action = 'attach'",
        id.0,
        when
    )
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(())
}

/// A demo time, written as in Asia/Shanghai.
pub(super) fn shanghai(when: &str) -> anyhow::Result<chrono::DateTime<chrono::Utc>> {
    let at = chrono::NaiveDateTime::parse_from_str(when, "%Y-%m-%d %H:%M").context("演示时间")?;
    Ok(chrono::DateTime::<chrono::Utc>::from_naive_utc_and_offset(at, chrono::Utc) - chrono::Duration::hours(8))
}

/// Dates the last transition of the plan (and what it set) to `when` in Asia/Shanghai.
async fn backdate(owner: &PgPool, id: PlanId, action: PlanAction, when: &str) -> anyhow::Result<()> {
    let at = shanghai(when)?;
    let mut tx = db::begin(owner, PROVINCE).await?;
    sqlx::query!(
        "UPDATE workflow_history SET occurred_at = $3
         WHERE id = (SELECT max(id) FROM workflow_history WHERE record_kind = 'plan' AND record_id = $1 AND action = $2)",
        id.0,
        action.as_str(),
        at
    )
    .execute(&mut *tx)
    .await?;
    if action == PlanAction::Submit {
        sqlx::query!(
            "UPDATE plans SET first_submitted_at = CASE WHEN (SELECT count(*) FROM workflow_history
                                                              WHERE record_kind = 'plan' AND record_id = $1 AND action = 'submit') = 1
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
             WHERE record_kind = 'plan' AND record_id = $1 AND version_no = (SELECT max(version_no) FROM record_versions WHERE record_kind = 'plan' AND record_id = $1)",
            id.0,
            at
        )
        .execute(&mut *tx)
        .await?;
    } else {
        sqlx::query!("UPDATE plans SET decided_at = $2, updated_at = $2 WHERE id = $1", id.0, at)
            .execute(&mut *tx)
            .await?;
    }
    tx.commit().await?;
    Ok(())
}

/// 沈阳 and 大连 add key industries of their own for 2026–2030.
async fn seed_key_industries(owner: &PgPool, cycles: &[Cycle]) -> anyhow::Result<()> {
    let Some(cycle) = cycles.iter().find(|c| c.first_year == 2026) else { return Ok(()) };
    let own = [
        ("210100", "demo_sy_hrss", "粉尘涉爆", "C30, C31, C32"),
        ("210200", "demo_dl_hrss", "港口装卸和仓储", "G55, G59"),
    ];
    for (code, username, name, divisions) in own {
        let region = regions::store::find_by_code(owner, code).await?.context("演示地区")?;
        let by = account(owner, username).await?;
        let form = KeyIndustryForm { name: name.into(), divisions: divisions.into(), cycle: "2026".into() };
        let input = form.parse().map_err(|e| anyhow::anyhow!("演示重点行业无效：{e:?}"))?;
        key_industries::store::create(owner, PROVINCE, &demo_context(), region.id, cycle.id, by.0, &input).await?;
    }
    Ok(())
}
