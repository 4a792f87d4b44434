//! Application rounds through HTTP: the default scoring sheet and panel, weights that must sum
//! to 100, who keeps rounds; another city's rounds neither seen nor edited.

use prevention::org::Role;
use reqwest::StatusCode;

use crate::support::{TestApp, TestUser};

fn location(res: &reqwest::Response) -> String {
    res.headers()["location"].to_str().unwrap().to_string()
}

async fn post_pairs(user: &TestUser, path: &str, pairs: &[(String, String)]) -> reqwest::Response {
    let fields: Vec<(&str, &str)> = pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    user.post_form(path, &fields).await
}

#[tokio::test]
async fn a_round_needs_weights_summing_to_one_hundred() {
    let app = TestApp::spawn().await;
    let city = app.login_as(Role::CityOfficer, "210100").await;
    let page = city.get("/project-rounds/new").await.text().await.unwrap();
    assert!(page.contains("预算合理性") && page.contains("申报单位能力"), "the default sheet");
    let mut fields: Vec<(String, String)> = [
        ("version", "1"),
        ("year", "2026"),
        ("title", "2026年度工伤预防项目（第一批）"),
        ("opens_on", "2026-03-01"),
        ("closes_on", "2026-03-31"),
        ("required", "feasibility_report"),
        ("criterion_name", "必要性"),
        ("criterion_weight", "60"),
        ("criterion_name", "可行性"),
        ("criterion_weight", "30"),
        ("panel_count", "2"),
        ("panel_count", "1"),
        ("panel_count", "1"),
        ("panel_count", "1"),
        ("panel_count", "0"),
        ("spread_threshold", "20"),
        ("publicity_days", "5"),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect();
    fields.push(("form_token".into(), prevention::web::once::new_token()));
    let res = post_pairs(&city, "/project-rounds/new", &fields).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert!(res.text().await.unwrap().contains("评分项权重之和应为 100，现为 90"));
    fields.push(("criterion_name".into(), "预期效果".into()));
    fields.push(("criterion_weight".into(), "10".into()));
    let res = post_pairs(&city, "/project-rounds/new", &fields).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let page = city.get(&location(&res)).await.text().await.unwrap();
    assert!(page.contains("2026-03-01 至 2026-03-31") && page.contains(">100<"));
    // A partner officer does not keep rounds.
    let partner = app.login_as(Role::PartnerOfficer, "210100").await;
    assert_eq!(partner.get("/project-rounds/new").await.status(), StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn another_city_neither_sees_nor_edits_the_citys_rounds() {
    let app = TestApp::spawn().await;
    let by = {
        let city = app.login_as(Role::CityOfficer, "210100").await;
        crate::support::accounts::id_of(&app.db.app_pool().await, &city.username).await
    };
    let today = prevention::values::time::today();
    let id = crate::support::projects::round(&app.db, "210100", today, today + chrono::Duration::days(9), by).await;
    let dalian = app.login_as(Role::CityOfficer, "210200").await;
    assert_eq!(dalian.get(&format!("/project-rounds/{id}")).await.status(), StatusCode::NOT_FOUND);
    assert_eq!(dalian.get(&format!("/project-rounds/{id}/edit")).await.status(), StatusCode::NOT_FOUND);
    assert_eq!(dalian.post_form(&format!("/project-rounds/{id}/edit"), &[]).await.status(), StatusCode::NOT_FOUND);
    assert!(!dalian.get("/project-rounds").await.text().await.unwrap().contains("工伤预防项目申报（第一批）"));
    let province = app.login_as(Role::ProvinceOfficer, "210000").await;
    assert!(
        province
            .get("/project-rounds?region=210100")
            .await
            .text()
            .await
            .unwrap()
            .contains("工伤预防项目申报（第一批）")
    );
    assert_eq!(province.get(&format!("/project-rounds/{id}/edit")).await.status(), StatusCode::FORBIDDEN);
}
