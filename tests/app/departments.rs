//! The region's departments: list, detail, edit with optimistic locking.

use prevention::org::DepartmentKind;
use prevention::org::Role;
use reqwest::StatusCode;

use crate::support::TestApp;
use crate::support::departments::{department_id, department_version};

fn rows(html: &str) -> usize {
    html.matches("<td class=\"text-center\"><a href=\"/departments/").count()
}

#[tokio::test]
async fn a_city_lists_only_its_own_departments() {
    let app = TestApp::spawn().await;
    let user = app.login_as(Role::CityOfficer, "210100").await;
    let body = user.get("/departments").await.text().await.unwrap();
    assert_eq!(rows(&body), 10);
    assert!(body.contains("沈阳市应急管理局"));
    assert!(!body.contains("大连市"));
    assert!(!body.contains("name=\"region\""), "no region filter outside the province scope");

    // A region in the URL only narrows the scope, never widens it.
    let body = user.get("/departments?region=210200").await.text().await.unwrap();
    assert_eq!(rows(&body), 0);
    assert!(body.contains("没有符合条件的成员单位"));
}

#[tokio::test]
async fn the_province_filters_and_pages_through_every_region() {
    let app = TestApp::spawn().await;
    let user = app.login_as(Role::ProvinceOfficer, "210000").await;
    let body = user.get("/departments").await.text().await.unwrap();
    assert!(body.contains("共 150 个"));
    assert_eq!(rows(&body), 20);
    assert!(body.contains("第 1 / 8 页"));
    assert!(body.contains("href=\"?page=2\""));

    let body = user.get("/departments?region=210200&kind=health").await.text().await.unwrap();
    assert_eq!(rows(&body), 1);
    assert!(body.contains("大连市卫生健康委员会"));

    let body = user.get("/departments?kind=hrss&page=2").await.text().await.unwrap();
    assert!(body.contains("共 15 个"));
    assert!(body.contains("第 1 / 1 页") || !body.contains("第 2"), "a page past the end shows the last one");
    // Malformed filters are ignored, not an error.
    assert_eq!(user.get("/departments?page=abc&kind=%27").await.status(), StatusCode::OK);
}

#[tokio::test]
async fn lists_mask_phone_numbers_and_the_detail_shows_them() {
    let app = TestApp::spawn().await;
    let user = app.login_as(Role::CityOfficer, "210100").await;
    let id = department_id(&app.db, "210100", "health").await;
    let version = department_version(&app.db, id).await.to_string();
    let res = user
        .post_form(
            &format!("/departments/{id}/edit"),
            &[
                ("contact_person", "赵丽娟"),
                ("contact_phone", "13812345678"),
                ("address", "沈阳市和平区"),
                ("version", &version),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let list = user.get("/departments").await.text().await.unwrap();
    assert!(list.contains("138****5678"));
    assert!(!list.contains("13812345678"));
    let detail = user.get(&format!("/departments/{id}")).await.text().await.unwrap();
    assert!(detail.contains("138****5678") && !detail.contains("13812345678"), "masked on the detail page too");
    assert!(detail.contains("显示完整号码"));
    let pool = app.db.app_pool().await;
    let unmaskings = || {
        let pool = pool.clone();
        async move {
            sqlx::query_scalar::<_, i64>("SELECT count(*) FROM audit_log WHERE action = 'personal_data.unmask'")
                .fetch_one(&pool)
                .await
                .unwrap()
        }
    };
    assert_eq!(unmaskings().await, 0);
    let res = user.post_form(&format!("/departments/{id}/unmask"), &[]).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert!(res.text().await.unwrap().contains("13812345678"), "shown in full on request");
    assert_eq!(unmaskings().await, 1, "and the request is audited");

    // An expert has no need and gets no number; another city's officer does not find the record.
    let other = app.login_as(Role::CityOfficer, "210200").await;
    assert_eq!(other.post_form(&format!("/departments/{id}/unmask"), &[]).await.status(), StatusCode::NOT_FOUND);
    assert_eq!(unmaskings().await, 1);
}

#[tokio::test]
async fn an_edit_is_saved_with_a_flash_shown_once() {
    let app = TestApp::spawn().await;
    let user = app.login_as_department(Role::PartnerOfficer, "210100", Some(DepartmentKind::Emergency)).await;
    let id = department_id(&app.db, "210100", "emergency").await;
    let form = user.get(&format!("/departments/{id}/edit")).await.text().await.unwrap();
    assert!(form.contains("name=\"version\" value=\"1\""));

    let res = user
        .post_form(
            &format!("/departments/{id}/edit"),
            &[
                ("contact_person", " 李建国 "),
                ("contact_phone", "024-23456789-8012"),
                ("address", "沈阳市和平区中山路 1 号"),
                ("version", "1"),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(res.headers()["location"], format!("/departments/{id}").as_str());

    let detail = user.get(&format!("/departments/{id}")).await.text().await.unwrap();
    assert!(detail.contains("成员单位信息已保存"));
    assert!(detail.contains("<td>李建国</td>"), "trimmed");
    assert!(detail.contains("024****8012"), "masked until asked for");
    let edit = user.get(&format!("/departments/{id}/edit")).await.text().await.unwrap();
    assert!(edit.contains("value=\"024-23456789-8012\""), "the editor sees what they edit");
    let again = user.get(&format!("/departments/{id}")).await.text().await.unwrap();
    assert!(!again.contains("成员单位信息已保存"), "a flash is shown once");
    assert_eq!(department_version(&app.db, id).await, 2);
}

#[tokio::test]
async fn bad_input_comes_back_with_messages_and_nothing_saved() {
    let app = TestApp::spawn().await;
    let user = app.login_as(Role::CityOfficer, "210100").await;
    let id = department_id(&app.db, "210100", "finance").await;
    let long_address = "地".repeat(201);
    let res = user
        .post_form(
            &format!("/departments/{id}/edit"),
            &[("contact_person", "钱财"), ("contact_phone", "12345"), ("address", &long_address), ("version", "1")],
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    let body = res.text().await.unwrap();
    assert!(body.contains("请填写有效的电话号码"));
    assert!(body.contains("不能超过 200 个字符"));
    assert!(body.contains("value=\"钱财\""), "values are kept");
    assert!(body.contains("value=\"12345\""));
    assert!(body.contains("is-invalid"));
    assert_eq!(department_version(&app.db, id).await, 1, "nothing saved");
}

#[tokio::test]
async fn a_stale_edit_gets_the_conflict_page_and_the_first_edit_is_kept() {
    let app = TestApp::spawn().await;
    let first = app.login_as(Role::CityOfficer, "210100").await;
    let second = app.login_as(Role::CityOfficer, "210100").await;
    let id = department_id(&app.db, "210100", "transport").await;
    let path = format!("/departments/{id}/edit");
    // Both open the form at version 1.
    assert!(first.get(&path).await.text().await.unwrap().contains("name=\"version\" value=\"1\""));
    assert!(second.get(&path).await.text().await.unwrap().contains("name=\"version\" value=\"1\""));

    let res = first
        .post_form(&path, &[("contact_person", "先保存"), ("contact_phone", ""), ("address", ""), ("version", "1")])
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let res = second
        .post_form(&path, &[("contact_person", "后保存"), ("contact_phone", ""), ("address", ""), ("version", "1")])
        .await;
    assert_eq!(res.status(), StatusCode::CONFLICT);
    let body = res.text().await.unwrap();
    assert!(body.contains("数据已被修改"));
    assert!(body.contains(&format!("href=\"{path}\"")), "a way back to the fresh form");

    let detail = first.get(&format!("/departments/{id}")).await.text().await.unwrap();
    assert!(detail.contains("先保存"));
    assert!(!detail.contains("后保存"));
}

#[tokio::test]
async fn another_citys_department_is_not_found() {
    let app = TestApp::spawn().await;
    let user = app.login_as(Role::CityOfficer, "210100").await;
    let dalian = department_id(&app.db, "210200", "hrss").await;
    let res = user.get(&format!("/departments/{dalian}")).await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    assert!(res.text().await.unwrap().contains("页面不存在"));
    assert_eq!(user.get("/departments/999999").await.status(), StatusCode::NOT_FOUND, "same answer as a missing one");
    assert_eq!(user.get("/departments/abc").await.status(), StatusCode::BAD_REQUEST);
}

async fn denials(app: &TestApp) -> Vec<(String, String)> {
    sqlx::query_as("SELECT object_id, detail FROM audit_log WHERE action = 'access.denied' ORDER BY id")
        .fetch_all(&app.db.app_pool().await)
        .await
        .unwrap()
}

#[tokio::test]
async fn a_request_for_another_regions_record_leaves_one_denial_row() {
    let app = TestApp::spawn().await;
    let user = app.login_as(Role::CityOfficer, "210100").await;
    let own = department_id(&app.db, "210100", "hrss").await;
    let dalian = department_id(&app.db, "210200", "hrss").await;
    assert_eq!(user.get(&format!("/departments/{own}")).await.status(), StatusCode::OK);
    assert!(denials(&app).await.is_empty(), "the happy path writes nothing");
    assert_eq!(user.get(&format!("/departments/{dalian}")).await.status(), StatusCode::NOT_FOUND);
    let rows = denials(&app).await;
    assert_eq!(rows.len(), 1, "{rows:?}");
    assert_eq!(rows[0].0, "/departments/{id}");
    assert!(rows[0].1.starts_with(&format!("GET /departments/{dalian}")), "{}", rows[0].1);
}

#[tokio::test]
async fn a_600_character_path_still_writes_its_denial() {
    let app = TestApp::spawn().await;
    let user = app.login_as(Role::CityOfficer, "210100").await;
    let long = format!("/admin/accounts/{}", "9".repeat(600));
    assert_eq!(user.get(&long).await.status(), StatusCode::FORBIDDEN);
    let rows = denials(&app).await;
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].1.chars().count(), 500, "cut to the column");
    assert!(rows[0].1.starts_with("GET /admin/accounts/999"));
}
