//! Employers and the industry reference data: credit codes checked; division → key industry
//! (the province's and a city's own) → risk class, overridden only with a reason; the list's
//! filters and search; phones masked; another region's employer 404.

use std::io::Cursor;

use calamine::{Reader, Xlsx};
use prevention::org::{DepartmentKind, Role};
use reqwest::StatusCode;

use crate::support::employers::{credit_code, employer};
use crate::support::{TestApp, TestUser};

fn employer_in(res: &reqwest::Response) -> String {
    res.headers()["location"].to_str().unwrap().trim_start_matches("/employers/").to_string()
}

async fn register(user: &TestUser, fields: &[(&str, &str)]) -> reqwest::Response {
    user.post_form("/employers/new", fields).await
}

#[tokio::test]
async fn credit_codes_are_checked_and_the_class_follows_the_division() {
    let app = TestApp::spawn().await;
    let city = app.login_as(Role::CityOfficer, "210100").await;
    let by = crate::support::accounts::id_of(&app.db.app_pool().await, &city.username).await;
    crate::support::plans::region_key_industry(&app.db, "210100", 2026, "粉尘涉爆", by).await;

    // The example of DOMAIN.md with its check character changed, an unknown division, an
    // override without its reason: each field's message, nothing saved.
    let res = register(
        &city,
        &[
            ("credit_code", "9144030071526726XH"),
            ("name", "沈阳化工股份有限公司"),
            ("division", "Z99"),
            ("risk_class_override", "3"),
            ("size", "large"),
        ],
    )
    .await;
    assert_eq!(res.status(), StatusCode::OK);
    let body = res.text().await.unwrap();
    assert!(body.contains("统一社会信用代码校验位不正确"));
    assert!(body.contains("请选择行业大类"));
    assert!(body.contains("调整风险类别须说明理由"));

    // The valid example: a chemical works, so 危险化学品 and class 六.
    let res = register(
        &city,
        &[
            ("credit_code", "9144030071526726XG"),
            ("name", "沈阳化工股份有限公司"),
            ("division", "C26 化学原料和化学制品制造业"),
            ("size", "large"),
            ("insured_headcount", "1250"),
            ("contact_phone", "13912345678"),
        ],
    )
    .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let chem = employer_in(&res);
    let page = city.get(&format!("/employers/{chem}")).await.text().await.unwrap();
    assert!(page.contains("危险化学品") && page.contains("六类") && page.contains("139****5678"));
    assert!(!page.contains("13912345678"), "masked until unmasked");

    // The same code again in the region: a message beside it.
    let again = register(
        &city,
        &[("credit_code", "9144030071526726xg"), ("name", "重复"), ("division", "C26"), ("size", "small")],
    )
    .await;
    assert!(again.text().await.unwrap().contains("本地区已登记该统一社会信用代码的单位"));

    // A steel mill: in the city's own key industry (粉尘涉爆: C30, C31), class 六.
    let steel = employer(&app.db, "210100", &credit_code("91210100MA0TEEL01"), "沈阳特钢有限公司", "C31").await;
    let page = city.get(&format!("/employers/{steel}")).await.text().await.unwrap();
    assert!(page.contains("粉尘涉爆") && page.contains("六类"));

    // A warehouse in G59 (class 五 by the map) overridden to 二 with a reason.
    let store = employer(&app.db, "210100", &credit_code("91210100MA0CANG01"), "沈阳冷链仓储有限公司", "G59").await;
    let form = city.get(&format!("/employers/{store}/edit")).await.text().await.unwrap();
    let version = form.split("name=\"version\" value=\"").nth(1).unwrap().split('"').next().unwrap().to_string();
    let res = city
        .post_form(
            &format!("/employers/{store}/edit"),
            &[
                ("name", "沈阳冷链仓储有限公司"),
                ("division", "G59"),
                ("risk_class_override", "2"),
                ("override_reason", "主营冷库仓储"),
                ("size", "small"),
                ("insured_headcount", "45"),
                ("version", &version),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let page = city.get(&format!("/employers/{store}")).await.text().await.unwrap();
    assert!(page.contains("二类") && page.contains("行业大类对应五类") && page.contains("主营冷库仓储"));
    let audited: i64 = sqlx::query_scalar("SELECT count(*) FROM audit_log WHERE action = 'employer.risk_override'")
        .fetch_one(&app.db.app_pool().await)
        .await
        .unwrap();
    assert_eq!(audited, 1, "the override is audited as such");

    // Filters: class 六 lists the chemical works and the steel mill, not the warehouse.
    let list = city.get("/employers?risk_class=6").await.text().await.unwrap();
    assert!(list.contains("沈阳化工股份有限公司") && list.contains("沈阳特钢有限公司"));
    assert!(!list.contains("沈阳冷链仓储有限公司"));
    let list = city.get("/employers?q=%E7%89%B9%E9%92%A2").await.text().await.unwrap();
    assert!(list.contains("沈阳特钢有限公司") && list.contains("共 1 家"), "searched by name");
    let list = city.get("/employers?q=9144030071526726").await.text().await.unwrap();
    assert!(list.contains("沈阳化工股份有限公司") && list.contains("共 1 家"), "searched by credit code");
}

#[tokio::test]
async fn another_regions_employer_is_404_and_partners_only_read() {
    let app = TestApp::spawn().await;
    let shenyang = employer(&app.db, "210100", &credit_code("91210100MA0AAAA01"), "沈阳甲公司", "E47").await;
    let dalian_code = credit_code("91210200MA0BBBB01");
    let dalian = employer(&app.db, "210200", &dalian_code, "大连乙公司", "E47").await;
    // The same credit code may be registered in another region.
    employer(&app.db, "210100", &dalian_code, "沈阳分公司", "E47").await;

    let city = app.login_as(Role::CityOfficer, "210100").await;
    assert_eq!(city.get(&format!("/employers/{dalian}")).await.status(), StatusCode::NOT_FOUND);
    assert_eq!(city.get(&format!("/employers/{dalian}/edit")).await.status(), StatusCode::NOT_FOUND);
    let list = city.get("/employers").await.text().await.unwrap();
    assert!(list.contains("沈阳甲公司") && !list.contains("大连乙公司"));
    assert!(list.contains("href=\"/employers/import\""), "the keepers are offered the import");

    let partner = app.login_as_department(Role::PartnerOfficer, "210100", Some(DepartmentKind::Emergency)).await;
    assert_eq!(partner.get(&format!("/employers/{shenyang}")).await.status(), StatusCode::OK);
    assert_eq!(partner.get(&format!("/employers/{shenyang}/edit")).await.status(), StatusCode::FORBIDDEN);
    assert!(!partner.get("/employers").await.text().await.unwrap().contains("/employers/import"), "readers are not");
    let agency = app.login_as(Role::AgencyOfficer, "210100").await;
    assert_eq!(
        agency.get(&format!("/employers/{shenyang}/edit")).await.status(),
        StatusCode::OK,
        "the agency keeps them"
    );

    // The province reads every region's and exports them with phones masked.
    let province = app.login_as(Role::ProvinceOfficer, "210000").await;
    let list = province.get("/employers").await.text().await.unwrap();
    assert!(list.contains("沈阳甲公司") && list.contains("大连乙公司"));
    let res = province.get("/employers/export?region=210200").await;
    assert_eq!(res.status(), StatusCode::OK);
    let mut book = Xlsx::new(Cursor::new(res.bytes().await.unwrap().to_vec())).unwrap();
    let sheet = book.worksheet_range_at(0).unwrap().unwrap();
    let cells: Vec<String> = sheet.rows().flat_map(|r| r.iter().map(|c| c.to_string())).collect();
    assert!(cells.iter().any(|c| c == "大连乙公司") && !cells.iter().any(|c| c == "沈阳甲公司"));
    assert!(cells.iter().any(|c| c == "138****5678") && !cells.iter().any(|c| c == "13812345678"));
}
