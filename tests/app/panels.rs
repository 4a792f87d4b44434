//! A project's expert panel through HTTP: drawn once the application is in the expert review, by
//! the round's mix, avoiding the applicant's own experts and the unavailable; every draw kept
//! and reproduced from its record (also after the pool grew); a member replaced with a reason by
//! a further draw; too few candidates refused with the reason; another city's panel not found.

use chrono::Duration;
use prevention::org::Role;
use prevention::values::time;
use reqwest::StatusCode;

use crate::support::experts::expert;
use crate::support::projects::{applicant, draft, fill, round};
use crate::support::{TestApp, TestUser};

async fn post(user: &TestUser, path: &str, reason: &str) -> reqwest::Response {
    let token = prevention::web::once::new_token();
    user.post_form(path, &[("form_token", token.as_str()), ("reason", reason)]).await
}

#[tokio::test]
async fn a_panel_is_drawn_reproduced_and_a_member_replaced_with_a_reason() {
    let app = TestApp::spawn().await;
    let city = app.login_as(Role::CityOfficer, "210100").await;
    let by = crate::support::accounts::id_of(&app.db.app_pool().await, &city.username).await;
    let today = time::today();
    let r = round(&app.db, "210100", today, today + Duration::days(9), by).await;
    let org = applicant(&app.db, "210100", "51210100MJ0PPPP01", "沈阳市矿业协会", by).await;
    let id = draft(&app.db, r, org, by).await;
    fill(&app.db, id, today + Duration::days(30)).await;
    // The pool: three 工伤预防 (one of the applicant itself), two 安全生产, one 职业卫生, two 财务
    // (one not taking part).
    for (name, specialty) in [
        ("甲", "prevention"),
        ("乙", "prevention"),
        ("丙", "prevention"),
        ("丁", "work_safety"),
        ("戊", "work_safety"),
        ("己", "occupational_health"),
        ("庚", "finance"),
        ("辛", "finance"),
    ] {
        expert(&app.db, "210100", name, specialty).await;
    }
    let pool = app.db.superuser_pool().await;
    sqlx::query("UPDATE experts SET organization = '沈阳市矿业协会' WHERE name = '甲'").execute(&pool).await.unwrap();
    sqlx::query("UPDATE experts SET available = false WHERE name = '辛'").execute(&pool).await.unwrap();
    let panel = format!("/projects/{id}/panel");

    // Not before the pre-review has passed it on.
    assert_eq!(post(&city, &format!("{panel}/draw"), "").await.status(), StatusCode::UNPROCESSABLE_ENTITY);
    sqlx::query("UPDATE projects SET status = 'expert_review' WHERE id = $1").bind(id.0).execute(&pool).await.unwrap();
    let page = city.get(&panel).await.text().await.unwrap();
    assert!(
        page.contains("随机抽取立项评审专家")
            && page.contains("工伤预防 2 名、安全生产 1 名、职业卫生 1 名、财务 1 名")
    );

    let res = post(&city, &format!("{panel}/draw"), "").await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let members: Vec<(String, String)> = sqlx::query_as(
        "SELECT e.name, e.specialty FROM panel_members m JOIN experts e ON e.region_id = m.region_id AND e.id = m.expert_id
         WHERE m.project_id = $1 AND m.replaced_by IS NULL ORDER BY e.specialty, e.name",
    )
    .bind(id.0)
    .fetch_all(&pool)
    .await
    .unwrap();
    let specialties: Vec<&str> = members.iter().map(|(_, s)| s.as_str()).collect();
    assert_eq!(specialties, ["finance", "occupational_health", "prevention", "prevention", "work_safety"]);
    assert!(members.iter().any(|(n, _)| n == "庚"), "the only 财务 taking part");
    assert!(!members.iter().any(|(n, _)| n == "甲"), "the applicant's own expert is avoided");
    let (seed, candidates): (Vec<u8>, serde_json::Value) =
        sqlx::query_as("SELECT seed, candidates FROM expert_draws WHERE project_id = $1")
            .bind(id.0)
            .fetch_one(&pool)
            .await
            .unwrap();
    assert_eq!(seed.len(), 32);
    assert_eq!(candidates.as_array().unwrap().len(), 6, "eight less the avoided and the unavailable");

    // The pool grows; the record still reproduces the draw.
    expert(&app.db, "210100", "壬", "prevention").await;
    let page = city.get(&panel).await.text().await.unwrap();
    assert!(page.contains("按记录复核一致") && !page.contains("按记录复核不一致"));
    // One panel: a second draw is refused.
    assert_eq!(post(&city, &format!("{panel}/draw"), "").await.status(), StatusCode::UNPROCESSABLE_ENTITY);

    // Replace the 安全生产 member: a reason first; then the other one is drawn.
    let (seated,): (i64,) = sqlx::query_as(
        "SELECT m.expert_id FROM panel_members m JOIN experts e ON e.region_id = m.region_id AND e.id = m.expert_id
         WHERE m.project_id = $1 AND e.specialty = 'work_safety'",
    )
    .bind(id.0)
    .fetch_one(&pool)
    .await
    .unwrap();
    let replace = format!("{panel}/{seated}/replace");
    let res = post(&city, &replace, " ").await;
    assert_eq!(res.status(), StatusCode::OK);
    assert!(res.text().await.unwrap().contains("请填写替换理由"));
    assert_eq!(post(&city, &replace, "与申报单位存在业务往来，申请回避").await.status(), StatusCode::SEE_OTHER);
    let (replaced_by, reason): (Option<i64>, String) = sqlx::query_as(
        "SELECT m.replaced_by, d.reason FROM panel_members m JOIN expert_draws d ON d.region_id = m.region_id AND d.id = m.replaced_by
         WHERE m.project_id = $1 AND m.expert_id = $2",
    )
    .bind(id.0)
    .bind(seated)
    .fetch_one(&pool)
    .await
    .unwrap();
    assert!(replaced_by.is_some() && reason == "与申报单位存在业务往来，申请回避");
    let page = city.get(&panel).await.text().await.unwrap();
    assert!(page.contains("已替换") && page.contains("第 2 次抽取") && !page.contains("按记录复核不一致"));
    // No 安全生产 expert is left who has not sat on this panel: nothing is drawn.
    let (other,): (i64,) = sqlx::query_as(
        "SELECT m.expert_id FROM panel_members m JOIN experts e ON e.region_id = m.region_id AND e.id = m.expert_id
         WHERE m.project_id = $1 AND e.specialty = 'work_safety' AND m.replaced_by IS NULL",
    )
    .bind(id.0)
    .fetch_one(&pool)
    .await
    .unwrap();
    let res = post(&city, &format!("{panel}/{other}/replace"), "身体原因").await;
    assert_eq!(res.status(), StatusCode::OK);
    assert!(res.text().await.unwrap().contains("「安全生产」专业可抽取的专家只有 0 名，需要 1 名"));
    let draws: i64 = sqlx::query_scalar("SELECT count(*) FROM expert_draws").fetch_one(&pool).await.unwrap();
    assert_eq!(draws, 2);

    // Another city does not see the panel; the province reads it but does not draw.
    let dalian = app.login_as(Role::CityOfficer, "210200").await;
    assert_eq!(dalian.get(&panel).await.status(), StatusCode::NOT_FOUND);
    let province = app.login_as(Role::ProvinceOfficer, "210000").await;
    assert_eq!(province.get(&panel).await.status(), StatusCode::OK);
    assert_eq!(post(&province, &format!("{panel}/{other}/replace"), "理由").await.status(), StatusCode::FORBIDDEN);
}
