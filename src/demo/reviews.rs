//! Demo scoring: in 沈阳 the first panel has scored in full (the application waits for the
//! city's decision; 郑海涛, the demo expert, submitted last) and the second is under way (three
//! sheets in, far apart enough to be flagged, 郑海涛's a draft, one not begun). Every member of
//! 沈阳's pool has an expert account linked to their pool entry (`demo_sy_expert_<id>`, the demo
//! password; 郑海涛's is `demo_expert`), as the system administrator would have made it. 大连's
//! panel has not begun.

use anyhow::Context;
use rust_decimal::Decimal;
use sqlx::{PgConnection, PgPool};

use super::demo_context;
use super::plans::account;
use crate::accounts::requests::{self, RequestKind};
use crate::accounts::{self, NewAccount, Username};
use crate::audit::{self, Action, Event};
use crate::auth::password;
use crate::db::{self, DbActor, Scope};
use crate::org::{AccountId, RegionId, Role};
use crate::projects::model::{PanelStage, ProjectId};
use crate::reviews::model::{Recommendation, Score, SheetInput};
use crate::reviews::store::{self as sheets, SheetKey};
use crate::values::Version;
use crate::web::once::{FormToken, new_token};
use crate::workflow::By;

const PROVINCE: DbActor = DbActor { scope: Scope::Province, account_id: None };

/// A sheet of the demo: five scores in the round's order, recommendation, opinion.
pub(super) struct Story {
    pub(super) scores: [&'static str; 5],
    pub(super) recommendation: Recommendation,
    pub(super) opinion: &'static str,
}

pub(super) const COMPLETE: [Story; 5] = [
    Story {
        scores: ["18", "17", "16", "21", "13"],
        recommendation: Recommendation::Approve,
        opinion: "项目聚焦矿山企业一线作业人员，培训内容与事故多发环节对应，实施方案可行，同意立项。",
    },
    Story {
        scores: ["17", "16", "17", "22", "12"],
        recommendation: Recommendation::Approve,
        opinion: "申报单位有同类培训经验，师资配置合理。建议增加实操演练课时。",
    },
    Story {
        scores: ["19", "18", "16", "23", "14"],
        recommendation: Recommendation::Approve,
        opinion: "必要性充分，绩效目标量化明确，进度安排合理，同意立项。",
    },
    Story {
        scores: ["16", "15", "15", "20", "12"],
        recommendation: Recommendation::Revise,
        opinion: "费用测算中场地租赁单价偏高，建议按政府采购限价重新测算后立项。",
    },
    Story {
        scores: ["18", "16", "17", "22", "13"],
        recommendation: Recommendation::Approve,
        opinion: "项目设计符合本批次重点领域要求，培训对象覆盖重点岗位，同意立项。",
    },
];

const UNDER_WAY: [Story; 3] = [
    Story {
        scores: ["18", "17", "17", "22", "13"],
        recommendation: Recommendation::Approve,
        opinion: "宣传形式贴近企业实际，覆盖面广，同意立项。",
    },
    Story {
        scores: ["12", "11", "10", "15", "9"],
        recommendation: Recommendation::Disapprove,
        opinion: "宣传内容与工伤预防关联不够紧密，预算中印刷品数量明显偏多，不同意立项。",
    },
    Story {
        scores: ["17", "16", "16", "21", "13"],
        recommendation: Recommendation::Approve,
        opinion: "方案完整，建议补充效果评估方式。",
    },
];

pub async fn seed(owner: &PgPool) -> anyhow::Result<()> {
    let zheng = account(owner, "demo_expert").await?;
    let mut tx = db::begin(owner, PROVINCE).await?;
    let (zheng_region, zheng_expert) =
        requests::subject_of(&mut *tx, RequestKind::Expert, zheng.0).await?.context("演示专家账号未关联专家库")?;
    let waiting: Vec<(i64, i64)> = sqlx::query_as(
        "SELECT p.id, p.round_id FROM projects p JOIN regions r ON r.id = p.region_id
         WHERE p.status = 'expert_review' AND r.code = '210100' AND p.year = 2027 ORDER BY p.id LIMIT 2",
    )
    .fetch_all(&mut *tx)
    .await?;
    let hash = password::hash(super::DEMO_PASSWORD.to_string()).await?;
    for (n, (project, round)) in waiting.into_iter().enumerate() {
        let criteria: Vec<i64> =
            sqlx::query_scalar("SELECT id FROM round_criteria WHERE round_id = $1 ORDER BY position")
                .bind(round)
                .fetch_all(&mut *tx)
                .await?;
        // Sitting members, the demo expert last.
        let mut members: Vec<i64> = sqlx::query_scalar(
            "SELECT expert_id FROM panel_members WHERE project_id = $1 AND replaced_by IS NULL ORDER BY expert_id",
        )
        .bind(project)
        .fetch_all(&mut *tx)
        .await?;
        members.sort_by_key(|e| (*e == zheng_expert, *e));
        let region = zheng_region;
        let key = |expert| SheetKey { region, project: ProjectId(project), stage: PanelStage::Review, expert };
        let stories: &[Story] = if n == 0 { &COMPLETE } else { &UNDER_WAY };
        for (expert, story) in members.iter().filter(|e| **e != zheng_expert).zip(stories) {
            let by = member_account(&mut tx, region, *expert, &hash).await?;
            let input = sheet(&criteria, story, true)?;
            sheets::save(&mut tx, &demo_context(), key(*expert), Version(0), &input, by).await?;
        }
        if members.contains(&zheng_expert) {
            let story = &stories[stories.len() - 1];
            if n == 0 {
                let input = sheet(&criteria, story, true)?;
                sheets::save(&mut tx, &demo_context(), key(zheng_expert), Version(0), &input, zheng.0).await?;
                let by = By { account: zheng.0, name: &zheng.1 };
                let token = FormToken::parse(&new_token())?;
                crate::projects::store::conclude_review(&mut tx, &demo_context(), ProjectId(project), &by, &token)
                    .await
                    .map_err(|e| anyhow::anyhow!("演示评审完成失败：{e:?}"))?;
            } else {
                // Two criteria scored so far, no recommendation yet.
                let mut input = sheet(&criteria, story, false)?;
                input.scores.truncate(2);
                input.total = input.scores.iter().map(|s| s.score).sum();
                input.recommendation = None;
                input.opinion = String::new();
                sheets::save(&mut tx, &demo_context(), key(zheng_expert), Version(0), &input, zheng.0).await?;
            }
        }
    }
    // The rest of 沈阳's pool too, so that whoever a new draw seats can sign in and score (the
    // browser journey of an application draws its own panel).
    let pool: Vec<i64> = sqlx::query_scalar("SELECT id FROM experts WHERE region_id = $1 ORDER BY id")
        .bind(zheng_region.0)
        .fetch_all(&mut *tx)
        .await?;
    for expert in pool {
        member_account(&mut tx, zheng_region, expert, &hash).await?;
    }
    sqlx::query!("INSERT INTO seed_log (entity, key) VALUES ('demo', 'reviews')").execute(&mut *tx).await?;
    tx.commit().await?;
    Ok(())
}

pub(super) fn sheet(criteria: &[i64], story: &Story, submit: bool) -> anyhow::Result<SheetInput> {
    let scores = criteria
        .iter()
        .zip(story.scores)
        .map(|(c, s)| Ok(Score { criterion: *c, score: s.parse::<Decimal>()? }))
        .collect::<anyhow::Result<Vec<Score>>>()?;
    Ok(SheetInput {
        total: scores.iter().map(|s| s.score).sum(),
        scores,
        recommendation: Some(story.recommendation),
        opinion: story.opinion.to_string(),
        submit,
    })
}

/// The expert account of pool entry `expert`, made and linked on first use.
pub(super) async fn member_account(
    tx: &mut PgConnection,
    region: RegionId,
    expert: i64,
    hash: &str,
) -> anyhow::Result<AccountId> {
    if let Some(linked) = sqlx::query_scalar!(
        "SELECT account_id FROM account_requests WHERE kind = 'expert' AND region_id = $1 AND subject_id = $2",
        region.0,
        expert
    )
    .fetch_optional(&mut *tx)
    .await?
    .flatten()
    {
        return Ok(AccountId(linked));
    }
    let name: String = sqlx::query_scalar("SELECT name FROM experts WHERE region_id = $1 AND id = $2")
        .bind(region.0)
        .bind(expert)
        .fetch_one(&mut *tx)
        .await?;
    let keeper = sqlx::query!("SELECT id, display_name FROM accounts WHERE username = 'demo_sy_hrss'")
        .fetch_one(&mut *tx)
        .await?;
    let new = NewAccount {
        username: Username::parse(&format!("demo_sy_expert_{expert}"))?,
        display_name: name.clone(),
        role: Some(Role::Expert),
        region_id: Some(region),
        department: None,
        password_hash: hash.to_string(),
        must_change_password: false,
    };
    let id = accounts::store::create(&mut *tx, &new).await?;
    accounts::store::mark_demo(tx, id).await?;
    let created = accounts::store::find(&mut *tx, id).await?.context("演示专家账号写入后未找到")?;
    let event = Event::new(Action::AccountCreate).object("account", id).created(&created.snapshot());
    audit::record(tx, &demo_context(), event).await?;
    let keeper_id = AccountId(keeper.id);
    requests::ask(tx, &demo_context(), RequestKind::Expert, region, expert, &name, keeper_id, &keeper.display_name)
        .await?;
    let request: i64 = sqlx::query_scalar!(
        "SELECT id FROM account_requests WHERE kind = 'expert' AND region_id = $1 AND subject_id = $2",
        region.0,
        expert
    )
    .fetch_one(&mut *tx)
    .await?;
    requests::link(tx, requests::RequestId(request), id).await?;
    Ok(id)
}
