//! Demo annual reports: 2025's in every state across the regions (沈阳 accepted, 大连 returned
//! with the province's comments, 鞍山 submitted three days late, 省本级 still a draft, the other
//! cities not started) and 沈阳's 2026 draft. Written through the feature's store, with the
//! submissions dated as they happened, so the figures are frozen from the demo's own records.

use anyhow::Context;
use chrono::{DateTime, TimeZone, Utc};

use super::demo_context;
use super::plans::account;
use crate::annual_reports::model::{Report, ReportAction, ReportId, ReportInput};
use crate::annual_reports::store;
use crate::cycles::Cycle;
use crate::db::{self, DbActor, Scope};
use crate::org::{AccountId, Region, Role};
use crate::values::{Version, time};
use crate::web::once::{FormToken, new_token};
use crate::workflow::{By, Done};

const PROVINCE: DbActor = DbActor { scope: Scope::Province, account_id: None };

/// 沈阳's narrative of a year, one paragraph per task of the cycle.
fn narrative(region: &Region, cycle: &Cycle, year: i32, number: &str) -> ReportInput {
    let sections = cycle
        .tasks
        .iter()
        .map(|t| {
            let text = format!(
                "{year}年，{}围绕“{}”，按照实施方案明确的分工推进落实：市人社局牵头制定年度工作要点，\
                 各成员单位按季度报送进展，年中开展一次督导检查，对发现的问题建立台账、限期整改。",
                region.name, t.title
            );
            (t.key.clone(), text)
        })
        .collect();
    ReportInput {
        document_number: number.into(),
        sections,
        problems: "一是部分县区重点行业用人单位底数不清，应培训人数统计口径不一；\
                   二是工伤预防费预算执行进度偏慢，下半年拨付集中；三是联合检查发现问题的整改核验不够及时。"
            .into(),
        next_year: "一是完善重点行业用人单位名录和重点岗位人员台账；二是按季度调度预算执行和项目进度；\
                    三是建立整改事项销号制度，逾期未整改的移交相关部门依法处理。"
            .into(),
    }
}

/// A step of the demo's reports: who takes which action, when.
struct Step<'a> {
    by: &'a (AccountId, String),
    role: Role,
    action: ReportAction,
    comment: &'a str,
    at: DateTime<Utc>,
}

/// Starts `region`'s report of `year` as `writer`, writes it, and takes `steps` in order.
async fn report(
    owner: &sqlx::PgPool,
    region: &Region,
    year: i32,
    cycle: &Cycle,
    writer: &(AccountId, String),
    number: &str,
    steps: &[Step<'_>],
) -> anyhow::Result<ReportId> {
    let ctx = demo_context();
    let by = By { account: writer.0, name: &writer.1 };
    let mut tx = db::begin(owner, PROVINCE).await?;
    let token = FormToken::parse(&new_token())?;
    let (Done::Now(url) | Done::Before(url)) = store::create(&mut tx, &ctx, &by, &token, region, year).await?;
    let id = ReportId(url.trim_start_matches("/annual-reports/").parse()?);
    let before: Report = store::find(&mut tx, id, false).await?.context("演示年度报告")?;
    store::update(&mut tx, &ctx, &before, Version(before.version), &narrative(region, cycle, year, number), cycle)
        .await?;
    tx.commit().await?;
    for step in steps {
        let by = By { account: step.by.0, name: &step.by.1 };
        let mut tx = db::begin(owner, PROVINCE).await?;
        let token = FormToken::parse(&new_token())?;
        let today = step.at.with_timezone(&time::shanghai()).date_naive();
        store::transition(&mut tx, &ctx, &by, step.role, &token, id, step.action, step.comment, cycle, step.at, today)
            .await
            .map_err(|e| anyhow::anyhow!("演示年度报告流转：{e:?}"))?;
        tx.commit().await?;
    }
    Ok(id)
}

/// A moment in Asia/Shanghai.
fn at(y: i32, m: u32, d: u32, h: u32) -> anyhow::Result<DateTime<Utc>> {
    let local = time::shanghai().with_ymd_and_hms(y, m, d, h, 0, 0).single().context("演示时间")?;
    Ok(local.with_timezone(&Utc))
}

pub async fn seed(owner: &sqlx::PgPool) -> anyhow::Result<()> {
    let reference = crate::reference::load(owner).await?;
    let cycle_of = |year: i32| crate::annual_reports::model::cycle_of(&reference.cycles, year).cloned();
    let (Some(ended), Some(current)) = (cycle_of(2025), cycle_of(2026)) else {
        return Ok(());
    };
    let region = |code: &str| reference.region_by_code(code).cloned().context("演示地区");
    let province = account(owner, "demo_province").await?;
    let sy = account(owner, "demo_sy_hrss").await?;
    let dl = account(owner, "demo_dl_hrss").await?;
    let an = account(owner, "demo_as_hrss").await?;
    let city = Role::CityOfficer;
    let officer = Role::ProvinceOfficer;
    let step = |by, role, action, comment, at| Step { by, role, action, comment, at };
    use ReportAction::{Accept, Return, Submit};

    report(
        owner,
        &region("210100")?,
        2025,
        &ended,
        &sy,
        "沈人社报〔2025〕31号",
        &[
            step(&sy, city, Submit, "", at(2025, 12, 10, 10)?),
            step(&province, officer, Accept, "", at(2025, 12, 19, 15)?),
        ],
    )
    .await?;
    report(
        owner,
        &region("210200")?,
        2025,
        &ended,
        &dl,
        "大人社报〔2025〕27号",
        &[
            step(&dl, city, Submit, "", at(2025, 12, 12, 16)?),
            step(
                &province,
                officer,
                Return,
                "请补充重点岗位培训覆盖率未达标单位的整改措施，并说明预算执行率偏低的原因。",
                at(2025, 12, 22, 9)?,
            ),
        ],
    )
    .await?;
    // Submitted on 18 December, three days after the due day: marked late.
    report(
        owner,
        &region("210300")?,
        2025,
        &ended,
        &an,
        "鞍人社报〔2025〕40号",
        &[step(&an, city, Submit, "", at(2025, 12, 18, 11)?)],
    )
    .await?;
    report(owner, &region("210000")?, 2025, &ended, &province, "", &[]).await?;
    report(owner, &region("210100")?, 2026, &current, &sy, "", &[]).await?;

    sqlx::query("INSERT INTO seed_log (entity, key) VALUES ('demo', 'annual_reports')").execute(owner).await?;
    Ok(())
}
