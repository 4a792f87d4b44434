//! The working-day calendar through HTTP: every officer reads it, of any region; only province
//! officers enter a year, and a date that does not belong to the year is refused beside it.

use prevention::org::Role;
use reqwest::StatusCode;

use crate::support::TestApp;

#[tokio::test]
async fn officers_read_the_calendar_and_only_the_province_enters_it() {
    let app = TestApp::spawn().await;
    for region in ["210100", "210200"] {
        let city = app.login_as(Role::CityOfficer, region).await;
        assert!(
            city.get("/calendar?year=2030").await.text().await.unwrap().contains("尚未录入，目前只按周末计算工作日")
        );
        assert_eq!(city.get("/calendar/2030/edit").await.status(), StatusCode::FORBIDDEN);
        let res = city.post_form("/calendar/2030/edit", &[("holidays", "2030-10-01 国庆节"), ("version", "0")]).await;
        assert_eq!(res.status(), StatusCode::FORBIDDEN);
    }
    let province = app.login_as(Role::ProvinceOfficer, "210000").await;
    let res = province
        .post_form(
            "/calendar/2030/edit",
            &[("document", "国办发明电"), ("holidays", "2029-10-01 国庆节"), ("version", "0")],
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK, "a date of another year comes back with its message");
    let res = province
        .post_form(
            "/calendar/2030/edit",
            &[("document", "国办发明电"), ("holidays", "2030-10-01 国庆节"), ("version", "0")],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let city = app.login_as(Role::CityOfficer, "210200").await;
    assert!(city.get("/calendar?year=2030").await.text().await.unwrap().contains("国庆节"));
}
