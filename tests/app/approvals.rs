//! A project's approval through HTTP: the decision (approved amounts never above the requested,
//! the publicity's dates), objections (an upheld one reverses the approval), the publicity's
//! close (not before its end, never with an objection open), and the province's filing or return
//! (never by whoever approved it); other cities and roles refused.

use chrono::Duration;
use prevention::org::Role;
use prevention::projects::model::ProjectId;
use prevention::values::time;
use reqwest::StatusCode;
use sqlx::PgPool;

use crate::support::accounts::id_of;
use crate::support::projects::{applicant, draft, fill, round};
use crate::support::{TestApp, TestUser};

/// A 沈阳 application with its cost lines, waiting for the decision.
async fn reviewed(app: &TestApp, city: &TestUser, body: &str) -> (ProjectId, PgPool) {
    let by = id_of(&app.db.app_pool().await, &city.username).await;
    let today = time::today();
    let r = round(&app.db, "210100", today, today + Duration::days(9), by).await;
    let org = applicant(&app.db, "210100", body, "沈阳市化工行业协会", by).await;
    let id = draft(&app.db, r, org, by).await;
    fill(&app.db, id, today + Duration::days(30)).await;
    let pool = app.db.superuser_pool().await;
    sqlx::query("UPDATE projects SET status = 'reviewed' WHERE id = $1").bind(id.0).execute(&pool).await.unwrap();
    // The year's approved budget the decision takes from.
    crate::support::fee::approved_budget(&app.db, "210100", 2026, "1000000", "1000000").await;
    (id, pool)
}

async fn status_of(pool: &PgPool, id: ProjectId) -> String {
    sqlx::query_scalar("SELECT status FROM projects WHERE id = $1").bind(id.0).fetch_one(pool).await.unwrap()
}

/// The requested amount of each project year, as the decision form lists them.
async fn requested(pool: &PgPool, id: ProjectId) -> Vec<(i16, String)> {
    sqlx::query_as(
        "SELECT project_year, sum(amount)::text FROM project_budget_lines WHERE project_id = $1 GROUP BY 1 ORDER BY 1",
    )
    .bind(id.0)
    .fetch_all(pool)
    .await
    .unwrap()
}

async fn post(user: &TestUser, path: &str, fields: &[(&str, &str)]) -> reqwest::Response {
    let token = prevention::web::once::new_token();
    let mut all = vec![("form_token", token.as_str())];
    all.extend_from_slice(fields);
    user.post_form(path, &all).await
}

/// Posts 同意立项 with `amounts` (one per project year) and the publicity from `starts` to `ends`.
async fn approve(
    user: &TestUser,
    id: ProjectId,
    years: &[(i16, String)],
    amounts: &[String],
    window: (String, String),
) -> reqwest::Response {
    let year_fields: Vec<String> = years.iter().map(|(y, _)| y.to_string()).collect();
    let mut fields: Vec<(&str, &str)> = vec![
        ("intent", "approve"),
        ("version", "0"),
        ("publicity_starts_on", window.0.as_str()),
        ("publicity_ends_on", window.1.as_str()),
        ("comment", "经市人社局、市财政局研究，同意立项。"),
    ];
    for (year, amount) in year_fields.iter().zip(amounts) {
        fields.push(("year", year));
        fields.push(("amount", amount));
    }
    post(user, &format!("/projects/{id}/approval/decide"), &fields).await
}

#[tokio::test]
async fn a_decision_goes_to_publicity_and_an_upheld_objection_reverses_it() {
    let app = TestApp::spawn().await;
    let city = app.login_as(Role::CityOfficer, "210100").await;
    let (id, pool) = reviewed(&app, &city, "51210100MJ0QQQQ01").await;
    let years = requested(&pool, id).await;
    let page = city.get(&format!("/projects/{id}/approval")).await.text().await.unwrap();
    assert!(page.contains("同意立项并公示") && page.contains("公示期不少于 5 个工作日"));

    let today = time::today();
    let window = (today.to_string(), (today + Duration::days(30)).to_string());
    // One cent above a year's request: refused beside the amounts, nothing saved.
    let mut above: Vec<String> = years.iter().map(|(_, a)| a.clone()).collect();
    above[0] = format!("{}", above[0].parse::<rust_decimal::Decimal>().unwrap() + rust_decimal::Decimal::new(1, 2));
    let res = approve(&city, id, &years, &above, window.clone()).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert!(res.text().await.unwrap().contains("超过申请金额"));
    assert_eq!(status_of(&pool, id).await, "reviewed");
    // Too short a publicity: refused beside the end date.
    let short = (today.to_string(), today.to_string());
    let amounts: Vec<String> = years.iter().map(|(_, a)| a.clone()).collect();
    let res = approve(&city, id, &years, &amounts, short).await;
    assert!(res.text().await.unwrap().contains("公示期不少于 5 个工作日"));

    // The requested amounts, approved: in publicity, the amounts and history kept.
    assert_eq!(approve(&city, id, &years, &amounts, window).await.status(), StatusCode::SEE_OTHER);
    assert_eq!(status_of(&pool, id).await, "in_publicity");
    let (approved, requested_total): (String, String) =
        sqlx::query_as("SELECT approved_amount::text, requested_amount::text FROM projects WHERE id = $1")
            .bind(id.0)
            .fetch_one(&pool)
            .await
            .unwrap();
    assert_eq!(approved, requested_total);

    // An objection, received today, upheld: the approval is reversed.
    let objections = format!("/projects/{id}/approval/objections");
    let res =
        post(&city, &objections, &[("received_on", &today.to_string()), ("objector", "匿名"), ("content", "")]).await;
    assert!(res.text().await.unwrap().contains("请填写异议内容"));
    let fields = [
        ("received_on", today.to_string()),
        ("objector", "匿名".into()),
        ("content", "该协会去年同类项目未按期完成".into()),
    ];
    let fields: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
    assert_eq!(post(&city, &objections, &fields).await.status(), StatusCode::SEE_OTHER);
    let objection: i64 = sqlx::query_scalar("SELECT id FROM project_objections WHERE project_id = $1")
        .bind(id.0)
        .fetch_one(&pool)
        .await
        .unwrap();
    let answer = format!("/projects/{id}/approval/objections/{objection}/answer");
    let res = post(&city, &answer, &[("answer", "经核查属实")]).await;
    assert!(res.text().await.unwrap().contains("请选择异议是否成立"));
    let res = post(&city, &answer, &[("answer", "经核查属实，该协会2025年项目逾期未结项"), ("upheld", "yes")]).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(status_of(&pool, id).await, "rejected");
    let last: String = sqlx::query_scalar(
        "SELECT action FROM workflow_history WHERE record_kind = 'project' AND record_id = $1 ORDER BY id DESC LIMIT 1",
    )
    .bind(id.0)
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(last, "uphold_objection");

    // Another city, and a role without the right.
    let dalian = app.login_as(Role::CityOfficer, "210200").await;
    assert_eq!(dalian.get(&format!("/projects/{id}/approval")).await.status(), StatusCode::NOT_FOUND);
    let partner = app.login_as(Role::PartnerOfficer, "210100").await;
    assert_eq!(partner.get(&format!("/projects/{id}/approval")).await.status(), StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn the_publicity_closes_after_its_end_and_the_province_files_or_returns() {
    let app = TestApp::spawn().await;
    let city = app.login_as(Role::CityOfficer, "210100").await;
    let (id, pool) = reviewed(&app, &city, "51210100MJ0TTTT01").await;
    let years = requested(&pool, id).await;
    let amounts: Vec<String> = years.iter().map(|(_, a)| a.clone()).collect();
    let today = time::today();
    let window = (today.to_string(), (today + Duration::days(20)).to_string());
    assert_eq!(approve(&city, id, &years, &amounts, window).await.status(), StatusCode::SEE_OTHER);
    let close = format!("/projects/{id}/approval/close");
    // Not before the last day has passed.
    let res = post(&city, &close, &[]).await;
    assert!(res.text().await.unwrap().contains("期满后才能办理"));
    // The period over, but an objection unanswered.
    sqlx::query(
        "UPDATE projects SET publicity_starts_on = current_date - 20, publicity_ends_on = current_date - 1 WHERE id = $1;",
    )
    .bind(id.0)
    .execute(&pool)
    .await
    .unwrap();
    sqlx::query(
        "INSERT INTO project_objections (region_id, project_id, received_on, objector, content, recorded_by, recorded_by_name)
         SELECT region_id, id, current_date - 3, '某企业', '对预算有疑问', created_by, '测试' FROM projects WHERE id = $1",
    )
    .bind(id.0)
    .execute(&pool)
    .await
    .unwrap();
    let res = post(&city, &close, &[]).await;
    assert!(res.text().await.unwrap().contains("还有 1 条异议尚未答复"));
    let objection: i64 = sqlx::query_scalar("SELECT id FROM project_objections").fetch_one(&pool).await.unwrap();
    let answer = format!("/projects/{id}/approval/objections/{objection}/answer");
    let res = post(&city, &answer, &[("answer", "预算按政府采购限价测算，异议不成立"), ("upheld", "no")]).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(post(&city, &close, &[]).await.status(), StatusCode::SEE_OTHER);
    assert_eq!(status_of(&pool, id).await, "awaiting_filing");

    // The city does not file; the province returns with a reason, the city decides again.
    let filing = format!("/projects/{id}/approval/filing");
    assert_eq!(post(&city, &filing, &[("action", "file")]).await.status(), StatusCode::FORBIDDEN);
    let province = app.login_as(Role::ProvinceOfficer, "210000").await;
    let page = province.get(&format!("/projects/{id}/approval")).await.text().await.unwrap();
    assert!(page.contains("省级备案") && page.contains("退回重新审定"));
    let res = post(&province, &filing, &[("action", "return_filing"), ("comment", " ")]).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(status_of(&pool, id).await, "awaiting_filing", "a return needs its reason");
    let res =
        post(&province, &filing, &[("action", "return_filing"), ("comment", "核定金额与年度预算不符，请重新审定")])
            .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(status_of(&pool, id).await, "reviewed");
    // Decided again and through the publicity once more; then filed.
    let window = (today.to_string(), (today + Duration::days(20)).to_string());
    assert_eq!(approve(&city, id, &years, &amounts, window).await.status(), StatusCode::SEE_OTHER);
    sqlx::query("UPDATE projects SET publicity_starts_on = current_date - 20, publicity_ends_on = current_date - 1 WHERE id = $1")
        .bind(id.0)
        .execute(&pool)
        .await
        .unwrap();
    assert_eq!(post(&city, &close, &[]).await.status(), StatusCode::SEE_OTHER);
    assert_eq!(post(&province, &filing, &[("action", "file")]).await.status(), StatusCode::SEE_OTHER);
    assert_eq!(status_of(&pool, id).await, "filed");
    let detail = city.get(&format!("/projects/{id}")).await.text().await.unwrap();
    assert!(detail.contains("已备案") && detail.contains("立项审定"));
    let years_kept: i64 = sqlx::query_scalar("SELECT count(*) FROM project_approved_years WHERE project_id = $1")
        .bind(id.0)
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(years_kept, years.len() as i64, "decided twice, one set of approved amounts");
}
