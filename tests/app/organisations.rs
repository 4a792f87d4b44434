//! Service organisations and the recommended list over HTTP: the province registers and lists
//! an organisation, suspends it with a reason (the history keeps every move, the audit log
//! too), a suspended provider cannot be chosen for a new session while a session that named it
//! keeps it, an unlisted provider is recorded and flagged, and other roles are refused.

use prevention::org::Role;
use reqwest::StatusCode;

use crate::support::employers::credit_code;
use crate::support::{TestApp, TestUser};

/// Registers an organisation serving `regions`; its id.
pub async fn register(province: &TestUser, name: &str, code: &str, regions: &[&str]) -> i64 {
    let mut fields = vec![
        ("name", name),
        ("credit_code", code),
        ("kind", "online_platform"),
        ("contact_person", "王芳"),
        ("contact_phone", "13812345678"),
        ("address", "沈阳市和平区"),
        ("version", ""),
    ];
    fields.extend(regions.iter().map(|r| ("regions", *r)));
    let res = province.post_form("/organisations/new", &fields).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER, "{}", res.text().await.unwrap());
    res.headers()["location"].to_str().unwrap().trim_start_matches("/organisations/").parse().unwrap()
}

/// Takes a listing action with a fresh one-time token.
pub async fn listing(province: &TestUser, id: i64, action: &str, comment: &str, from: &str) -> reqwest::Response {
    let token = prevention::web::once::new_token();
    let fields = [
        ("action", action),
        ("comment", comment),
        ("listed_from", from),
        ("listed_until", ""),
        ("form_token", token.as_str()),
    ];
    province.post_form(&format!("/organisations/{id}/listing"), &fields).await
}

async fn body(user: &TestUser, path: &str) -> String {
    let res = user.get(path).await;
    assert_eq!(res.status(), StatusCode::OK, "{path}");
    res.text().await.unwrap()
}

fn session_fields<'a>(provider: &'a str, provider_name: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("topic", "危险化学品企业一线班组长培训"),
        ("provider", provider),
        ("provider_name", provider_name),
        ("delivery", "online"),
        ("starts_on", "2026-09-01"),
        ("ends_on", "2026-09-01"),
        ("hours", "8"),
        ("place", ""),
        ("has_exam", ""),
        ("version", ""),
    ]
}

#[tokio::test]
async fn the_province_keeps_the_list_and_every_move_is_in_the_history() {
    let app = TestApp::spawn().await;
    let province = app.login_as(Role::ProvinceOfficer, "210000").await;
    let code = credit_code("91210100MA0P00001");

    // A bad credit code is refused beside its field; nothing is saved.
    let wrong_check = format!("{}{}", &code[..17], if code.ends_with('0') { '1' } else { '0' });
    let res = province
        .post_form(
            "/organisations/new",
            &[("name", "某机构"), ("credit_code", &wrong_check), ("kind", "training"), ("regions", "210100")],
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    assert!(res.text().await.unwrap().contains("校验"), "the credit code's check character");

    let id = register(&province, "辽宁安培在线培训平台", &code, &["210100", "210200"]).await;
    let dup = province
        .post_form(
            "/organisations/new",
            &[("name", "重名"), ("credit_code", &code), ("kind", "training"), ("regions", "210100")],
        )
        .await;
    assert!(dup.text().await.unwrap().contains("该统一社会信用代码已登记"));

    assert_eq!(listing(&province, id, "list", "", "2026-01-01").await.status(), StatusCode::SEE_OTHER);
    let page = body(&province, &format!("/organisations/{id}")).await;
    assert!(page.contains("已列入") && page.contains("2026-01-01 起"), "{page}");

    // A suspension needs a reason.
    let res = listing(&province, id, "suspend", "", "").await;
    assert_eq!(res.status(), StatusCode::OK);
    assert!(res.text().await.unwrap().contains("请填写理由"));
    assert_eq!(listing(&province, id, "suspend", "学员投诉经核实", "").await.status(), StatusCode::SEE_OTHER);
    assert_eq!(listing(&province, id, "reinstate", "整改到位", "").await.status(), StatusCode::SEE_OTHER);
    assert_eq!(listing(&province, id, "remove", "资质过期", "").await.status(), StatusCode::SEE_OTHER);

    let pool = app.db.superuser_pool().await;
    let moves: Vec<(String, String, String, String)> = sqlx::query_as(
        "SELECT from_status, to_status, action, comment FROM workflow_history
         WHERE record_kind = 'organisation' AND record_id = $1 ORDER BY id",
    )
    .bind(id)
    .fetch_all(&pool)
    .await
    .unwrap();
    let steps: Vec<(&str, &str, &str)> = moves.iter().map(|m| (m.0.as_str(), m.1.as_str(), m.2.as_str())).collect();
    assert_eq!(
        steps,
        vec![
            ("unlisted", "listed", "list"),
            ("listed", "suspended", "suspend"),
            ("suspended", "listed", "reinstate"),
            ("listed", "removed", "remove"),
        ]
    );
    assert_eq!(moves[1].3, "学员投诉经核实");
    let audited: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM audit_log WHERE action = 'organisation.listing' AND object_id = $1::text",
    )
    .bind(id)
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(audited, 4, "every move audited");
    let page = body(&province, &format!("/organisations/{id}")).await;
    assert!(page.contains("资质过期") && page.contains("已移出"), "the reason and the status on the page");

    // Only the province keeps the list.
    let city = app.login_as(Role::CityOfficer, "210100").await;
    assert_eq!(listing(&city, id, "list", "", "").await.status(), StatusCode::FORBIDDEN);
    assert_eq!(city.get("/organisations/new").await.status(), StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn a_suspended_provider_cannot_be_chosen_but_a_session_that_named_it_keeps_it() {
    let app = TestApp::spawn().await;
    let province = app.login_as(Role::ProvinceOfficer, "210000").await;
    let serving = register(&province, "辽宁安培在线培训平台", &credit_code("91210100MA0P00002"), &["210100"]).await;
    let elsewhere = register(&province, "大连海事安全培训中心", &credit_code("91210200MA0P00003"), &["210200"]).await;
    for id in [serving, elsewhere] {
        assert_eq!(listing(&province, id, "list", "", "2026-01-01").await.status(), StatusCode::SEE_OTHER);
    }
    let city = app.login_as(Role::CityOfficer, "210100").await;

    // The form offers the listed provider serving 沈阳, not 大连's.
    let form = body(&city, "/training/new").await;
    assert!(form.contains("辽宁安培在线培训平台") && !form.contains("大连海事安全培训中心"));

    let serving_id = serving.to_string();
    let res = city.post_form("/training/new", &session_fields(&serving_id, "")).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER, "{}", res.text().await.unwrap());
    let session: i64 =
        res.headers()["location"].to_str().unwrap().trim_start_matches("/training/sessions/").parse().unwrap();
    let page = body(&city, &format!("/training/sessions/{session}")).await;
    assert!(page.contains("辽宁安培在线培训平台") && !page.contains("未列入推荐目录"));

    let elsewhere_id = elsewhere.to_string();
    let res = city.post_form("/training/new", &session_fields(&elsewhere_id, "")).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert!(res.text().await.unwrap().contains("该机构的服务地区不含本地区"));

    assert_eq!(listing(&province, serving, "suspend", "教学质量不达标", "").await.status(), StatusCode::SEE_OTHER);
    let res = city.post_form("/training/new", &session_fields(&serving_id, "")).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert!(res.text().await.unwrap().contains("该机构已被暂停推荐，不能选为新培训的机构"));
    assert!(!body(&city, "/training/new").await.contains("辽宁安培在线培训平台"), "no longer offered");

    // The earlier session keeps its provider through an edit.
    let edit = body(&city, &format!("/training/sessions/{session}/edit")).await;
    assert!(edit.contains("现已不在推荐清单"));
    let mut fields = session_fields(&serving_id, "");
    fields.retain(|(k, _)| *k != "version");
    fields.push(("version", "1"));
    fields[0] = ("topic", "危险化学品企业一线班组长培训（补录）");
    let res = city.post_form(&format!("/training/sessions/{session}/edit"), &fields).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER, "{}", res.text().await.unwrap());

    // A provider outside the list is recorded by name and flagged.
    let res = city.post_form("/training/new", &session_fields("", "某区职业技能培训学校")).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let list = body(&city, "/training").await;
    assert!(list.contains("某区职业技能培训学校") && list.contains("未列入目录"));

    // The organisation's page shows the session it delivered.
    let page = body(&province, &format!("/organisations/{serving}")).await;
    assert!(page.contains("危险化学品企业一线班组长培训（补录）"), "{page}");
}

#[tokio::test]
async fn cities_see_the_list_and_the_organisations_serving_them_only() {
    let app = TestApp::spawn().await;
    let province = app.login_as(Role::ProvinceOfficer, "210000").await;
    let listed = register(&province, "全省在线平台", &credit_code("91210000MA0P00004"), &["210100", "210200"]).await;
    listing(&province, listed, "list", "", "2026-01-01").await;
    let serving = register(&province, "沈阳本地咨询评估所", &credit_code("91210100MA0P00005"), &["210100"]).await;
    let hidden = register(&province, "大连本地咨询评估所", &credit_code("91210200MA0P00006"), &["210200"]).await;

    let city = app.login_as(Role::CityOfficer, "210100").await;
    let list = body(&city, "/organisations").await;
    assert!(list.contains("全省在线平台") && list.contains("沈阳本地咨询评估所"));
    assert!(!list.contains("大连本地咨询评估所"), "neither listed nor serving 沈阳");
    assert_eq!(city.get(&format!("/organisations/{serving}")).await.status(), StatusCode::OK);
    assert_eq!(city.get(&format!("/organisations/{hidden}")).await.status(), StatusCode::NOT_FOUND);
    assert!(body(&province, "/organisations").await.contains("大连本地咨询评估所"));

    let export = city.get("/organisations/export").await;
    assert_eq!(export.status(), StatusCode::OK);
    let bytes = export.bytes().await.unwrap();
    assert!(bytes.starts_with(b"PK"), "an xlsx");

    let expert = app.login_as(Role::Expert, "210100").await;
    assert_eq!(expert.get("/organisations").await.status(), StatusCode::FORBIDDEN);
}
