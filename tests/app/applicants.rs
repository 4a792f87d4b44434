//! Applicant organizations through HTTP: small firms refused (also when the registry holds them
//! as small), credit codes checked and unique in the region, the registry linked; another city's
//! applicants neither seen nor edited.

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
async fn applicants_small_firms_are_refused_codes_are_unique_and_the_registry_is_linked() {
    let app = TestApp::spawn().await;
    let city = app.login_as(Role::CityOfficer, "210100").await;
    let code = crate::support::employers::credit_code("91210100MA0BBBB01");
    crate::support::employers::employer(&app.db, "210100", &code, "沈阳重型机械有限公司", "C34").await;
    let fields = |unit_type: &'static str, code: &str| -> Vec<(String, String)> {
        [
            ("credit_code", code),
            ("name", "沈阳重型机械有限公司"),
            ("unit_type", unit_type),
            ("division", "C34 通用设备制造业"),
            ("legal_representative", "赵刚"),
            ("contact_person", "孙丽"),
            ("contact_phone", "024-23456789"),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .chain([("form_token".to_string(), prevention::web::once::new_token())])
        .collect()
    };
    let res = post_pairs(&city, "/applicants/new", &fields("small", &code)).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert!(res.text().await.unwrap().contains("小型、微型企业不能作为申报单位"));
    // The registry holds it as a small firm: declaring it large does not get past that.
    let res = post_pairs(&city, "/applicants/new", &fields("large", &code)).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert!(res.text().await.unwrap().contains("用人单位名录登记该单位规模为小型企业"));
    let pool = app.db.superuser_pool().await;
    sqlx::query("UPDATE employers SET size = 'large' WHERE credit_code = $1").bind(&code).execute(&pool).await.unwrap();
    let res = post_pairs(&city, "/applicants/new", &fields("large", &code)).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let page = city.get(&location(&res)).await.text().await.unwrap();
    assert!(page.contains("已关联（查看用人单位）"), "linked to the registry by its credit code");
    let res = post_pairs(&city, "/applicants/new", &fields("medium", &code)).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert!(res.text().await.unwrap().contains("本地区已登记该统一社会信用代码的申报单位"));
    let bad = format!("{}{}", &code[..17], if code.ends_with('0') { "1" } else { "0" });
    let res = post_pairs(&city, "/applicants/new", &fields("large", &bad)).await;
    assert_eq!(res.status(), StatusCode::OK);
    let list = city.get("/applicants?q=重型").await.text().await.unwrap();
    assert!(list.contains("沈阳重型机械有限公司") && list.contains("大型企业"));
}

#[tokio::test]
async fn another_city_neither_sees_nor_edits_the_citys_applicants() {
    let app = TestApp::spawn().await;
    let by = {
        let city = app.login_as(Role::CityOfficer, "210100").await;
        crate::support::accounts::id_of(&app.db.app_pool().await, &city.username).await
    };
    let id = crate::support::projects::applicant(&app.db, "210100", "51210100MJ0QQQQ01", "沈阳市冶金协会", by).await;
    let dalian = app.login_as(Role::CityOfficer, "210200").await;
    assert_eq!(dalian.get(&format!("/applicants/{id}")).await.status(), StatusCode::NOT_FOUND);
    assert_eq!(dalian.get(&format!("/applicants/{id}/edit")).await.status(), StatusCode::NOT_FOUND);
    let res = dalian.post_form(&format!("/applicants/{id}/edit"), &[("name", "改名"), ("version", "1")]).await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    assert!(!dalian.get("/applicants").await.text().await.unwrap().contains("沈阳市冶金协会"));
    // The province reads it but keeps only 省本级's applicants.
    let province = app.login_as(Role::ProvinceOfficer, "210000").await;
    assert_eq!(province.get(&format!("/applicants/{id}")).await.status(), StatusCode::OK);
    assert_eq!(province.get(&format!("/applicants/{id}/edit")).await.status(), StatusCode::FORBIDDEN);
    let partner = app.login_as(Role::PartnerOfficer, "210100").await;
    assert_eq!(partner.get("/applicants").await.status(), StatusCode::FORBIDDEN);
}
