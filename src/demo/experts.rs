//! The demo expert pool: thirty experts across the specialties in 省本级, 沈阳 and 大连 (one
//! away in December, one not taking part, some with declared conflicts); 郑海涛 of 沈阳 is the
//! demo expert account, linked through an answered request, and another expert's account waits
//! on the system administrator's list.

use anyhow::Context;
use sqlx::PgPool;

use super::demo_context;
use super::plans::account;
use crate::accounts::requests::{self, RequestKind};
use crate::db::{self, DbActor, Scope};
use crate::experts::model::ExpertForm;
use crate::regions;

const PROVINCE: DbActor = DbActor { scope: Scope::Province, account_id: None };

/// A specialty with the organizations and titles its experts come with.
const PROFILES: &[(&str, &[&str], &[&str])] = &[
    (
        "prevention",
        &["东北大学资源与土木工程学院", "沈阳建筑大学", "辽宁省工伤康复中心"],
        &["教授", "副教授", "研究员"],
    ),
    (
        "work_safety",
        &["辽宁省安全科学研究院", "大连理工大学化工学院", "大连海事大学"],
        &["注册安全工程师", "研究员", "高级工程师"],
    ),
    ("occupational_health", &["辽宁省职业病防治院", "中国医科大学公共卫生学院"], &["主任医师", "副主任医师", "教授"]),
    ("finance", &["辽宁中天会计师事务所", "大连华信会计师事务所"], &["注册会计师", "高级会计师"]),
];

pub async fn seed(owner: &PgPool) -> anyhow::Result<()> {
    let plan: [(&str, usize); 3] = [("210000", 8), ("210100", 12), ("210200", 10)];
    let mut n = 0usize;
    let mut tx = db::begin(owner, PROVINCE).await?;
    let mut zheng = None;
    let mut waiting = None;
    for (code, count) in plan {
        let region = regions::store::find_by_code(&mut *tx, code).await?.context("演示地区")?;
        for k in 0..count {
            let name = if code == "210100" && k == 0 {
                "郑海涛".to_string()
            } else {
                // Thirty distinct names: surname and given name stepped by numbers prime to 20.
                format!("{}{}", super::SURNAMES[(n * 7 + 3) % 20], super::GIVEN[(n * 3 + n / 20) % 20])
            };
            // 郑海涛 is 沈阳's one 安全生产 expert taking part, so every 沈阳 panel has him (the
            // demo expert has work to see); 沈阳's others of that turn are 工伤预防.
            let profile = match (code, k, n % PROFILES.len()) {
                ("210100", 0, _) => 1,
                ("210100", _, 1) => 0,
                (_, _, p) => p,
            };
            let (specialty, organizations, titles) = PROFILES[profile];
            let form = ExpertForm {
                name,
                specialty: specialty.into(),
                organization: organizations[n % organizations.len()].into(),
                title: titles[n % titles.len()].into(),
                phone: format!("139{:08}", 40_000_000 + n * 7_919),
                available: if n == 9 { "no" } else { "yes" }.into(),
                away_from: if n == 4 { "2026-12-01".into() } else { String::new() },
                away_until: if n == 4 { "2026-12-31".into() } else { String::new() },
                conflicts: if n % 5 == 2 { "沈阳市安全生产协会".into() } else { String::new() },
                ..ExpertForm::new_for(code)
            };
            let (input, _) = form.parse().map_err(|e| anyhow::anyhow!("演示专家无效：{e:?}"))?;
            let id = crate::experts::store::create(&mut tx, &demo_context(), region.id, &input).await?;
            if code == "210100" && k == 0 {
                zheng = Some((region.id, id, input.name.as_str().to_string()));
            }
            if code == "210200" && k == 1 {
                waiting = Some((region.id, id, input.name.as_str().to_string()));
            }
            n += 1;
        }
    }
    // 郑海涛's account is the demo expert's, asked for by 沈阳 and created earlier.
    let keeper = account(owner, "demo_sy_hrss").await?;
    let expert_account = account(owner, "demo_expert").await?;
    if let Some((region, id, name)) = zheng {
        requests::ask(&mut tx, &demo_context(), RequestKind::Expert, region, id.0, &name, keeper.0, &keeper.1).await?;
        let request: i64 = sqlx::query_scalar!(
            "SELECT id FROM account_requests WHERE kind = 'expert' AND region_id = $1 AND subject_id = $2",
            region.0,
            id.0
        )
        .fetch_one(&mut *tx)
        .await?;
        requests::link(&mut tx, requests::RequestId(request), expert_account.0).await?;
    }
    if let Some((region, id, name)) = waiting {
        let keeper = account(owner, "demo_dl_hrss").await?;
        requests::ask(&mut tx, &demo_context(), RequestKind::Expert, region, id.0, &name, keeper.0, &keeper.1).await?;
    }
    sqlx::query!("INSERT INTO seed_log (entity, key) VALUES ('demo', 'experts')").execute(&mut *tx).await?;
    tx.commit().await?;
    draw_demo_panels(owner).await
}

/// Panels for the applications the pre-review passed (drawn by the second officer on 27
/// November), and in 沈阳 one member replaced with a reason.
async fn draw_demo_panels(owner: &PgPool) -> anyhow::Result<()> {
    let when = super::plans::shanghai("2026-11-27 10:00")?;
    let day = when.with_timezone(&crate::values::time::shanghai()).date_naive();
    let mut tx = db::begin(owner, PROVINCE).await?;
    let waiting: Vec<(i64, String)> = sqlx::query_as(
        "SELECT p.id, r.code FROM projects p JOIN regions r ON r.id = p.region_id
         WHERE p.status = 'expert_review' ORDER BY p.id",
    )
    .fetch_all(&mut *tx)
    .await?;
    let mut replaced = false;
    for (id, code) in waiting {
        let officer = account(owner, if code == "210100" { "demo_sy_hrss_2" } else { "demo_dl_hrss_2" }).await?;
        let by = crate::workflow::By { account: officer.0, name: &officer.1 };
        let project = crate::projects::store::find(&mut tx, crate::projects::model::ProjectId(id), true)
            .await?
            .context("演示申报")?;
        crate::projects::panel::draw_for(
            &mut tx,
            &demo_context(),
            &project,
            crate::projects::model::PanelStage::Review,
            &by,
            None,
            day,
        )
        .await
        .map_err(|e| anyhow::anyhow!("演示抽取失败：{e:?}"))?
        .map_err(|e| anyhow::anyhow!("演示抽取失败：{}", e.message()))?;
        if code == "210100" && !replaced {
            // Its 职业卫生 member: 沈阳's pool has others of that specialty to draw from.
            let member: i64 = sqlx::query_scalar!(
                "SELECT m.expert_id FROM panel_members m JOIN experts e ON e.region_id = m.region_id AND e.id = m.expert_id
                 WHERE m.project_id = $1 AND e.specialty = 'occupational_health' ORDER BY m.expert_id LIMIT 1",
                id
            )
            .fetch_one(&mut *tx)
            .await?;
            let reason = "该专家近期为申报单位开展职业病危害因素检测，本人申请回避";
            crate::projects::panel::draw_for(
                &mut tx,
                &demo_context(),
                &project,
                crate::projects::model::PanelStage::Review,
                &by,
                Some((member, reason)),
                day,
            )
            .await
            .map_err(|e| anyhow::anyhow!("演示替换失败：{e:?}"))?
            .map_err(|e| anyhow::anyhow!("演示替换失败：{}", e.message()))?;
            replaced = true;
        }
    }
    sqlx::query!("UPDATE expert_draws SET drawn_at = $1", when).execute(&mut *tx).await?;
    tx.commit().await?;
    Ok(())
}
