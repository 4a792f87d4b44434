//! The five-year cycles through HTTP: every officer reads them, of any region; only province
//! officers edit them; administrators reach neither.

use prevention::org::Role;
use reqwest::StatusCode;

use crate::support::TestApp;

#[tokio::test]
async fn officers_of_every_region_read_the_cycles_and_only_the_province_edits_them() {
    let app = TestApp::spawn().await;
    for (role, region) in
        [(Role::CityOfficer, "210100"), (Role::CityOfficer, "210200"), (Role::PartnerOfficer, "210100")]
    {
        let user = app.login_as(role, region).await;
        let page = user.get("/cycles/2026").await;
        assert_eq!(page.status(), StatusCode::OK, "{role:?} {region}");
        assert!(page.text().await.unwrap().contains("2026"));
        assert_eq!(user.get("/cycles/2026/edit").await.status(), StatusCode::FORBIDDEN, "{role:?} {region}");
        assert_eq!(user.post_form("/cycles/2026/edit", &[("name", "改名")]).await.status(), StatusCode::FORBIDDEN);
    }
    let province = app.login_as(Role::ProvinceOfficer, "210000").await;
    assert_eq!(province.get("/cycles/2026/edit").await.status(), StatusCode::OK);
    let res = province.post_form("/cycles/2026/edit", &[("name", ""), ("version", "1")]).await;
    assert_eq!(res.status(), StatusCode::OK, "an empty name comes back with its message");
    assert!(res.text().await.unwrap().contains("此项为必填项"));
    let sysadmin = app.login_as(Role::SysAdmin, "").await;
    assert_eq!(sysadmin.get("/cycles").await.status(), StatusCode::FORBIDDEN);
}
