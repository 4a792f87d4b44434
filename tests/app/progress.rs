//! Progress reports through HTTP: cumulative figures that never fall back, spending never above
//! the agreement, each report in the project's timeline; other cities and roles refused.

use chrono::Duration;
use prevention::org::Role;
use prevention::values::time;
use reqwest::StatusCode;

use crate::support::accounts::id_of;
use crate::support::projects::{applicant, draft, fill, round};
use crate::support::{TestApp, TestUser};

async fn report(user: &TestUser, path: &str, percent: &str, line: &str, amount: &str) -> reqwest::Response {
    let token = prevention::web::once::new_token();
    let today = time::today().to_string();
    let fields = [
        ("form_token", token.as_str()),
        ("reported_on", today.as_str()),
        ("percent", percent),
        ("trained", "150"),
        ("sessions", "3"),
        ("line", line),
        ("amount", amount),
        ("note", "第一期培训已开班"),
    ];
    user.post_form(path, &fields).await
}

#[tokio::test]
async fn progress_is_reported_cumulatively_within_the_agreement() {
    let app = TestApp::spawn().await;
    let city = app.login_as(Role::CityOfficer, "210100").await;
    let by = id_of(&app.db.app_pool().await, &city.username).await;
    let today = time::today();
    let r = round(&app.db, "210100", today, today + Duration::days(9), by).await;
    let org = applicant(&app.db, "210100", "51210100MJ0WWWW01", "沈阳市交通运输协会", by).await;
    let id = draft(&app.db, r, org, by).await;
    fill(&app.db, id, today + Duration::days(30)).await;
    let pool = app.db.superuser_pool().await;
    let page = format!("/projects/{id}/progress");
    assert_eq!(city.get(&page).await.status(), StatusCode::UNPROCESSABLE_ENTITY, "not before the agreement");
    sqlx::query("UPDATE projects SET status = 'in_progress', approved_amount = requested_amount WHERE id = $1;")
        .bind(id.0)
        .execute(&pool)
        .await
        .unwrap();
    sqlx::query(
        "INSERT INTO project_agreements (region_id, project_id, number, signed_on, party_a, party_b, amount, starts_on, ends_on, created_by)
         SELECT region_id, id, '沈人社预协〔2026〕9号', current_date - 10, '沈阳市人力资源和社会保障局', '沈阳市交通运输协会',
                10000, current_date - 10, current_date + 300, created_by FROM projects WHERE id = $1",
    )
    .bind(id.0)
    .execute(&pool)
    .await
    .unwrap();
    let line: i64 =
        sqlx::query_scalar("SELECT id FROM project_budget_lines WHERE project_id = $1 ORDER BY position LIMIT 1")
            .bind(id.0)
            .fetch_one(&pool)
            .await
            .unwrap();
    let line = line.to_string();
    assert!(city.get(&page).await.text().await.unwrap().contains("尚无进度报告"));

    // Above the agreement's 10,000 元: refused beside the spending.
    let res = report(&city, &page, "40", &line, "10000.01").await;
    assert_eq!(res.status(), StatusCode::OK);
    assert!(res.text().await.unwrap().contains("超过协议金额 10,000.00 元"));
    assert_eq!(report(&city, &page, "40", &line, "6000").await.status(), StatusCode::SEE_OTHER);
    let body = city.get(&page).await.text().await.unwrap();
    assert!(body.contains("<div class=\"fs-5\" id=\"percent\">40%</div>") && body.contains("6,000.00"));
    // Never below the last report.
    let res = report(&city, &page, "30", &line, "6000").await;
    assert!(res.text().await.unwrap().contains("完成进度不能低于上次报告的 40%"));
    let reports: i64 = sqlx::query_scalar("SELECT count(*) FROM project_progress").fetch_one(&pool).await.unwrap();
    assert_eq!(reports, 1);
    // In the project's timeline, with its figures.
    let detail = city.get(&format!("/projects/{id}")).await.text().await.unwrap();
    assert!(detail.contains("报告实施进度") && detail.contains("完成 40%；培训 150 人次、3 场；累计支出 6,000.00 元"));

    let dalian = app.login_as(Role::CityOfficer, "210200").await;
    assert_eq!(dalian.get(&page).await.status(), StatusCode::NOT_FOUND);
    // Partner departments read their region's approved projects, and report nothing.
    let partner = app.login_as(Role::PartnerOfficer, "210100").await;
    assert_eq!(partner.get(&page).await.status(), StatusCode::OK);
    assert_eq!(report(&partner, &page, "50", &line, "7000").await.status(), StatusCode::FORBIDDEN);
    let province = app.login_as(Role::ProvinceOfficer, "210000").await;
    assert_eq!(province.get(&page).await.status(), StatusCode::OK);
    assert_eq!(report(&province, &page, "50", &line, "7000").await.status(), StatusCode::FORBIDDEN);
}
