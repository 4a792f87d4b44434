//! A region's own key industries through HTTP: the province's list applies everywhere, a city
//! adds its own (divisions checked, names unique in the cycle) and removes them after a
//! confirmation; another city neither sees nor removes them, and other roles do not add.

use prevention::org::Role;
use reqwest::StatusCode;

use crate::support::TestApp;

#[tokio::test]
async fn a_city_keeps_its_own_key_industries_and_another_city_cannot_touch_them() {
    let app = TestApp::spawn().await;
    let city = app.login_as(Role::CityOfficer, "210100").await;
    let add = |name: &'static str, divisions: &'static str| {
        let city = &city;
        async move {
            city.post_form("/key-industries", &[("cycle", "2026"), ("name", name), ("divisions", divisions)]).await
        }
    };
    assert!(add("有限空间作业", "D4").await.text().await.unwrap().contains("应为门类字母加两位数字"));
    assert_eq!(add("有限空间作业", "D46, N77").await.status(), StatusCode::SEE_OTHER);
    let pool = app.db.superuser_pool().await;
    let id: i64 = sqlx::query_scalar("SELECT id FROM region_key_industries WHERE name = '有限空间作业'")
        .fetch_one(&pool)
        .await
        .unwrap();
    let page = city.get("/key-industries?cycle=2026").await.text().await.unwrap();
    assert!(page.contains("有限空间作业") && page.contains("矿山"));

    let dalian = app.login_as(Role::CityOfficer, "210200").await;
    assert!(!dalian.get("/key-industries?cycle=2026").await.text().await.unwrap().contains("有限空间作业"));
    assert_eq!(dalian.get(&format!("/key-industries/{id}/delete")).await.status(), StatusCode::NOT_FOUND);
    assert_eq!(dalian.post_form(&format!("/key-industries/{id}/delete"), &[]).await.status(), StatusCode::NOT_FOUND);
    let partner = app.login_as(Role::PartnerOfficer, "210100").await;
    let res = partner.post_form("/key-industries", &[("cycle", "2026"), ("name", "冶金"), ("divisions", "C31")]).await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);

    // Its own city removes it, after the confirmation page.
    let confirm = city.get(&format!("/key-industries/{id}/delete")).await;
    assert_eq!(confirm.status(), StatusCode::OK);
    assert_eq!(city.post_form(&format!("/key-industries/{id}/delete"), &[]).await.status(), StatusCode::SEE_OTHER);
    let left: i64 = sqlx::query_scalar("SELECT count(*) FROM region_key_industries").fetch_one(&pool).await.unwrap();
    assert_eq!(left, 0);
}
