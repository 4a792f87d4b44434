//! Demo notices: the province's guidance and typical-accident notices to every region or to
//! chosen ones, a city's notice to its own departments, a draft still being written, and read
//! receipts from some readers but not others (so the home pages and the receipts have both).
//! Written through the feature's store, as the pages would.

use anyhow::Context;
use chrono::Duration;
use rust_decimal::Decimal;
use sqlx::PgPool;

use super::demo_context;
use super::plans::account;
use crate::db::{self, DbActor, Scope};
use crate::notices::model::{AccidentInput, NoticeId, NoticeInput, NoticeKind, grade_of};
use crate::notices::store::{self, ReadBy};
use crate::org::{DepartmentKind, RegionId};
use crate::values::{Money, time};
use crate::web::once::{FormToken, new_token};
use crate::workflow::{By, Done};

const PROVINCE: DbActor = DbActor { scope: Scope::Province, account_id: None };

async fn region(owner: &PgPool, code: &str) -> anyhow::Result<RegionId> {
    Ok(crate::regions::store::find_by_code(owner, code).await?.context("演示地区")?.id)
}

fn guidance(title: &str, number: &str, body: &str, recipients: Vec<RegionId>) -> NoticeInput {
    NoticeInput {
        kind: NoticeKind::Guidance,
        title: title.into(),
        document_number: number.into(),
        body: body.into(),
        recipients,
        accident: None,
    }
}

fn accident_notice(recipients: Vec<RegionId>, dalian: RegionId) -> anyhow::Result<NoticeInput> {
    let loss = Money::from_yuan(Decimal::from(8_605_000))?;
    let occurred_on = time::today() - Duration::days(48);
    Ok(NoticeInput {
        kind: NoticeKind::Accident,
        title: "关于大连某化工企业“10·13”较大中毒事故的通报".into(),
        document_number: "辽人社明电〔2026〕9号".into(),
        body: "现将事故有关情况通报如下，请各地认真吸取事故教训，举一反三，组织同类重点行业用人单位开展联合检查。".into(),
        recipients,
        accident: Some(AccidentInput {
            occurred_on,
            region: dalian,
            employer_code: None,
            employer_name: "大连某石化有限公司".into(),
            division: "C26".into(),
            what_happened: "该公司在脱硫塔检修作业中，作业人员未经气体检测进入塔内，吸入硫化氢中毒，施救人员盲目施救导致伤亡扩大。"
                .into(),
            grade: grade_of(3, 2, loss),
            deaths: 3,
            serious_injuries: 2,
            minor_injuries: 5,
            direct_loss: loss,
            causes: "未执行受限空间作业审批制度，未进行气体检测和强制通风，未配备正压式空气呼吸器，应急处置不当。".into(),
            lessons: "受限空间作业“先通风、再检测、后作业”必须落实到每一次作业；盲目施救是伤亡扩大的主要原因。".into(),
            measures: "各地于30日内组织危险化学品等重点行业用人单位开展受限空间作业专项检查，将受限空间作业纳入重点岗位培训内容。"
                .into(),
        }),
    })
}

/// Writes a notice as `by` of `issuer` and, unless `draft`, issues it `days_ago`.
async fn write(
    owner: &PgPool,
    issuer: RegionId,
    by: &(crate::org::AccountId, String),
    input: &NoticeInput,
    issued_days_ago: Option<i64>,
) -> anyhow::Result<NoticeId> {
    let ctx = demo_context();
    let by = By { account: by.0, name: &by.1 };
    let mut tx = db::begin(owner, PROVINCE).await?;
    let token = FormToken::parse(&new_token())?;
    let (Done::Now(url) | Done::Before(url)) = store::create(&mut tx, &ctx, issuer, input, &None, &by, &token).await?;
    let id = NoticeId(url.trim_start_matches("/notices/").parse()?);
    if let Some(days) = issued_days_ago {
        let notice = store::find(&mut tx, id, true).await?.context("演示通知")?;
        let token = FormToken::parse(&new_token())?;
        store::issue(&mut tx, &ctx, &notice, &by, &token, time::today() - Duration::days(days)).await?;
    }
    tx.commit().await?;
    Ok(id)
}

/// Marks the notice read by each (username, region code, department).
async fn reads(owner: &PgPool, id: NoticeId, readers: &[(&str, &str, DepartmentKind)]) -> anyhow::Result<()> {
    let mut tx = db::begin(owner, PROVINCE).await?;
    let notice = store::find(&mut tx, id, false).await?.context("演示通知")?;
    tx.commit().await?;
    for (username, code, department) in readers {
        let (account, name) = account(owner, username).await?;
        let by = ReadBy { region: region(owner, code).await?, account, name: &name, department: *department };
        let mut tx = db::begin(owner, PROVINCE).await?;
        store::mark_read(&mut tx, &notice, &by).await?;
        tx.commit().await?;
    }
    Ok(())
}

pub async fn seed(owner: &PgPool) -> anyhow::Result<()> {
    let province = region(owner, "210000").await?;
    let shenyang = region(owner, "210100").await?;
    let dalian = region(owner, "210200").await?;
    let every: Vec<RegionId> =
        sqlx::query_scalar!(r#"SELECT id AS "id: RegionId" FROM regions ORDER BY code"#).fetch_all(owner).await?;
    let officer = account(owner, "demo_province").await?;

    let id = write(
        owner,
        province,
        &officer,
        &guidance(
            "关于做好2027年度工伤预防项目申报工作的通知",
            "辽人社〔2026〕45号",
            "各市人力资源社会保障局：\n现将《2027年度工伤预防项目申报指南》印发给你们，请于2027年3月31日前完成项目申报和初审工作。",
            every.clone(),
        ),
        Some(20),
    )
    .await?;
    use DepartmentKind::{Emergency, Health, Hrss, SocialInsurance};
    reads(
        owner,
        id,
        &[
            ("demo_sy_emergency", "210100", Emergency),
            ("demo_sy_agency", "210100", SocialInsurance),
            ("demo_dl_hrss", "210200", Hrss),
        ],
    )
    .await?;

    let id = write(owner, province, &officer, &accident_notice(every, dalian)?, Some(40)).await?;
    reads(owner, id, &[("demo_dl_hrss", "210200", Hrss), ("demo_dl_health", "210200", Health)]).await?;

    write(
        owner,
        province,
        &officer,
        &guidance(
            "关于开展危险化学品行业工伤预防联合检查的通知",
            "辽人社〔2026〕52号",
            "请沈阳、大连两市会同应急管理等部门，于12月底前对辖区危险化学品生产企业开展联合检查，检查结果随年度落实情况报告报送。",
            vec![shenyang, dalian],
        ),
        Some(6),
    )
    .await?;

    write(
        owner,
        province,
        &officer,
        &guidance(
            "关于报送2026年度工伤预防工作落实情况报告的通知",
            "",
            "各市于12月15日前报送本年度计划落实情况报告。（草稿，待核稿后发布）",
            vec![shenyang, dalian],
        ),
        None,
    )
    .await?;

    let city = account(owner, "demo_sy_hrss").await?;
    let id = write(
        owner,
        shenyang,
        &city,
        &guidance(
            "关于开展2026年度重点岗位工伤预防培训的通知",
            "沈人社〔2026〕18号",
            "市工伤预防联防联控机制各成员单位：请组织本行业重点岗位人员参加工伤预防培训，年底前培训覆盖率达到100%。",
            vec![shenyang],
        ),
        Some(12),
    )
    .await?;
    reads(owner, id, &[("demo_sy_emergency", "210100", Emergency)]).await?;

    sqlx::query("INSERT INTO seed_log (entity, key) VALUES ('demo', 'notices')").execute(owner).await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::notices::model::AccidentGrade;

    #[test]
    fn the_demo_accident_is_graded_as_its_figures_say() {
        let notice = accident_notice(vec![RegionId(1)], RegionId(2)).unwrap();
        assert_eq!(notice.accident.map(|a| a.grade), Some(AccidentGrade::Larger));
    }
}
