//! The industry reference data: every division with its risk class, the classes' base rates
//! and grades; province officers edit them (audited) and every employer follows at once;
//! other roles read and are refused the edits.

use prevention::org::Role;
use reqwest::StatusCode;

use crate::support::TestApp;
use crate::support::employers::{credit_code, employer};

#[tokio::test]
async fn the_province_changes_a_class_and_every_employer_of_it_follows() {
    let app = TestApp::spawn().await;
    let e = employer(&app.db, "210100", &credit_code("91210100MA0CCCC01"), "沈阳土地评估有限公司", "N79").await;
    let city = app.login_as(Role::CityOfficer, "210100").await;
    assert!(city.get(&format!("/employers/{e}")).await.text().await.unwrap().contains("二类"));
    assert_eq!(city.get("/industries/N79/edit").await.status(), StatusCode::FORBIDDEN);

    let province = app.login_as(Role::ProvinceOfficer, "210000").await;
    let page = province.get("/industries").await.text().await.unwrap();
    assert!(page.contains("N79") && page.contains("土地管理业") && page.contains("71 号文未列"));
    let res = province
        .post_form("/industries/N79/edit", &[("risk_class", "3"), ("class_note", "比照水利管理业"), ("version", "1")])
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert!(city.get(&format!("/employers/{e}")).await.text().await.unwrap().contains("三类"), "read anew everywhere");
    let res = province
        .post_form("/risk-classes/3/edit", &[("base_rate_percent", "0.75"), ("grades", "50, 80"), ("version", "1")])
        .await;
    assert!(res.text().await.unwrap().contains("须含 100"), "the grades must hold the base");
    let res = province
        .post_form(
            "/risk-classes/3/edit",
            &[("base_rate_percent", "0.75"), ("grades", "50, 80, 100, 120, 150"), ("version", "1")],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let page = province.get("/industries").await.text().await.unwrap();
    assert!(page.contains("0.75%") && page.contains("150%：1.125%"));
    let audited: i64 = sqlx::query_scalar("SELECT count(*) FROM audit_log WHERE action LIKE 'industry.%'")
        .fetch_one(&app.db.app_pool().await)
        .await
        .unwrap();
    assert_eq!(audited, 2);
}
