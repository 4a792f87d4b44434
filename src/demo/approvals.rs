//! Demo approval: 沈阳's application that the experts scored in full is decided by 王芳 (the
//! 沈阳 joint meeting named, the first year's amount cut to the nearest thousand 元 below the
//! request), in its publicity from the day the demo is made, with one objection received and
//! answered as not upheld.

use anyhow::Context as _;
use chrono::Duration;
use rust_decimal::Decimal;
use sqlx::PgPool;

use super::demo_context;
use super::plans::account;
use crate::approvals::model::{Approval, NewObjection, earliest_end};
use crate::approvals::store;
use crate::db::{self, DbActor, Scope};
use crate::org::Role;
use crate::projects::model::{ProjectAction, ProjectId};
use crate::projects::store::Step;
use crate::values::time;
use crate::web::once::{FormToken, new_token};
use crate::workflow::By;

const PROVINCE: DbActor = DbActor { scope: Scope::Province, account_id: None };

pub async fn seed(owner: &PgPool) -> anyhow::Result<()> {
    let officer = account(owner, "demo_sy_hrss").await?;
    let by = By { account: officer.0, name: &officer.1 };
    let today = time::today();
    let calendar = crate::calendar::store::between(owner, today, today + Duration::days(60)).await?;
    let mut tx = db::begin(owner, PROVINCE).await?;
    let reviewed: Option<i64> = sqlx::query_scalar(
        "SELECT p.id FROM projects p JOIN regions r ON r.id = p.region_id
         WHERE r.code = '210100' AND p.status = 'reviewed' ORDER BY p.id LIMIT 1",
    )
    .fetch_optional(&mut *tx)
    .await?;
    if let Some(id) = reviewed.map(ProjectId) {
        let project = crate::projects::store::find(&mut tx, id, false).await?.context("演示申报")?;
        let round = crate::project_rounds::store::find(&mut tx, project.round_id).await?.context("演示批次")?;
        let meeting: Option<i64> = sqlx::query_scalar(
            "SELECT id FROM meetings WHERE region_id = $1 AND held_on <= $2 ORDER BY held_on DESC LIMIT 1",
        )
        .bind(project.region.id.0)
        .bind(today)
        .fetch_optional(&mut *tx)
        .await?;
        let years: Vec<(i16, Decimal)> = project
            .totals()
            .by_year
            .iter()
            .enumerate()
            .map(|(k, (year, m))| {
                let thousand = Decimal::from(1000);
                let amount = if k == 0 { (m.yuan() / thousand).floor() * thousand } else { m.yuan() };
                (*year, amount)
            })
            .collect();
        let approval = Approval {
            total: years.iter().map(|(_, a)| *a).sum(),
            years,
            starts_on: today,
            ends_on: earliest_end(&calendar, today, round.publicity_days),
            meeting,
            comment: "经市工伤预防联席会议研究，同意立项；第一年度费用按千元取整核定。".into(),
        };
        let token = FormToken::parse(&new_token())?;
        let step = Step {
            by: by.clone(),
            token: &token,
            action: ProjectAction::Approve,
            comment: &approval.comment,
            url: format!("/projects/{id}/approval"),
        };
        store::approve(&mut tx, &demo_context(), id, Role::CityOfficer, &approval, &step)
            .await
            .map_err(|e| anyhow::anyhow!("演示立项失败：{e:?}"))?;
        let project = crate::projects::store::find(&mut tx, id, true).await?.context("演示申报")?;
        let objection = NewObjection {
            received_on: today,
            objector: "沈阳某安全培训机构".into(),
            content: "申报单位的培训师资中有两人不具备注册安全工程师资格，请核查。".into(),
        };
        let objection = store::record_objection(&mut tx, &demo_context(), &project, &objection, &by).await?;
        let answer = "经核查，两名教师持有安全培训教师资格证，培训方案中的实操课程由注册安全工程师讲授，异议不成立。";
        store::answer_objection(&mut tx, &demo_context(), &project, objection, (answer, false), &by).await?;
    }
    sqlx::query!("INSERT INTO seed_log (entity, key) VALUES ('demo', 'approvals')").execute(&mut *tx).await?;
    tx.commit().await?;
    Ok(())
}
