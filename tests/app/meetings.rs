//! Joint meetings and action items: recorded by the city bureau; closed by the owning partner
//! department (and no other, and not from another region); overdue at the deadline's boundary;
//! a double closing recorded once; the lists, the province's overview and the exports.

use std::io::Cursor;

use calamine::{Reader, Xlsx};
use chrono::{Duration, NaiveDate};
use prevention::org::{DepartmentKind, Role};
use prevention::values::time;
use reqwest::StatusCode;

use crate::support::meetings::{item, meeting};
use crate::support::{TestApp, TestUser, province_rows, province_values};

async fn account_id(app: &TestApp, user: &TestUser) -> prevention::org::AccountId {
    crate::support::accounts::id_of(&app.db.app_pool().await, &user.username).await
}

fn today() -> NaiveDate {
    time::today()
}

async fn close(user: &TestUser, meeting: i64, item: i64, note: &str) -> reqwest::Response {
    let on = today().to_string();
    user.post_form(&format!("/meetings/{meeting}/items/{item}/close"), &[("closed_on", &on), ("note", note)]).await
}

#[tokio::test]
async fn the_city_records_a_meeting_and_its_items_with_messages_for_bad_input() {
    let app = TestApp::spawn().await;
    let city = app.login_as(Role::CityOfficer, "210100").await;
    let pool = app.db.app_pool().await;
    let tomorrow = (today() + Duration::days(1)).to_string();
    let res = city
        .post_form(
            "/meetings/new",
            &[("held_on", &tomorrow), ("kind", "plenary"), ("convenor", "hrss"), ("topics", ""), ("version", "1")],
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    let body = res.text().await.unwrap();
    assert!(body.contains("会议日期不能晚于今天") && body.contains("请勾选参会单位") && body.contains("此项为必填项"));
    let held = (today() - Duration::days(20)).to_string();
    let res = city
        .post_form(
            "/meetings/new",
            &[
                ("held_on", &held),
                ("kind", "special"),
                ("convenor", "hrss"),
                ("attending", "hrss"),
                ("attending", "emergency"),
                ("attending", "health"),
                ("attendees", "王建国（市人社局局长）"),
                ("topics", "粉尘涉爆企业专项整治"),
                ("version", "1"),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let id: i64 = res.headers()["location"].to_str().unwrap().trim_start_matches("/meetings/").parse().unwrap();

    // An item for a department that did not attend, or due before the meeting: messages.
    let before = (today() - Duration::days(30)).to_string();
    let res = city
        .post_form(
            &format!("/meetings/{id}/items"),
            &[("what", "开展联合检查"), ("owner", "transport"), ("due_on", &before)],
        )
        .await;
    let body = res.text().await.unwrap();
    assert!(body.contains("请从参会单位中选择责任单位") && body.contains("完成时限不能早于会议日期"));
    let due = (today() + Duration::days(30)).to_string();
    let res = city
        .post_form(
            &format!("/meetings/{id}/items"),
            &[("what", "开展联合检查"), ("owner", "emergency"), ("due_on", &due)],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let items: Vec<String> =
        province_values(&pool, "SELECT what FROM meeting_action_items WHERE meeting_id = $1", id).await;
    assert_eq!(items, ["开展联合检查"], "one item, the bad one not saved");

    // An attending department with an item cannot be dropped.
    let res = city
        .post_form(
            &format!("/meetings/{id}/edit"),
            &[
                ("held_on", &held),
                ("kind", "special"),
                ("convenor", "hrss"),
                ("attending", "hrss"),
                ("attending", "health"),
                ("topics", "粉尘涉爆企业专项整治"),
                ("version", "1"),
            ],
        )
        .await;
    assert!(res.text().await.unwrap().contains("应急管理负有议定事项，不能从参会单位中去掉"));

    // The year's list and its export.
    let year = held[..4].to_string();
    let list = city.get(&format!("/meetings?year={year}")).await.text().await.unwrap();
    assert!(list.contains("粉尘涉爆企业专项整治") && list.contains("专题会议"));
    let res = city.get(&format!("/meetings/export?year={year}")).await;
    assert_eq!(res.status(), StatusCode::OK);
    let mut book = Xlsx::new(Cursor::new(res.bytes().await.unwrap().to_vec())).unwrap();
    let sheet = book.worksheet_range_at(0).unwrap().unwrap();
    let cells: Vec<String> = sheet.rows().flat_map(|r| r.iter().map(|c| c.to_string())).collect();
    assert!(cells.iter().any(|c| c == "粉尘涉爆企业专项整治"));
    assert!(cells.iter().any(|c| c == "人力资源社会保障、应急管理、卫生健康"));
}

#[tokio::test]
async fn a_partner_closes_their_own_departments_item_and_no_other() {
    let app = TestApp::spawn().await;
    let city = app.login_as(Role::CityOfficer, "210100").await;
    let emergency = app.login_as_department(Role::PartnerOfficer, "210100", Some(DepartmentKind::Emergency)).await;
    let dalian = app.login_as_department(Role::PartnerOfficer, "210200", Some(DepartmentKind::Emergency)).await;
    let by = account_id(&app, &city).await;
    let held = today() - Duration::days(10);
    let m = meeting(&app.db, "210100", held, &[DepartmentKind::Emergency, DepartmentKind::Health], by).await;
    let own = item(&app.db, m, "粉尘涉爆企业联合检查", DepartmentKind::Emergency, today() + Duration::days(5)).await;
    let other = item(&app.db, m, "职业病防治宣传", DepartmentKind::Health, today() + Duration::days(5)).await;

    let page = emergency.get(&format!("/meetings/{m}")).await.text().await.unwrap();
    assert!(page.contains(&format!("/meetings/{m}/items/{own}/close")), "offered their own");
    assert!(!page.contains(&format!("/meetings/{m}/items/{other}/close")), "not another department's");
    assert_eq!(emergency.get(&format!("/meetings/{m}/items/{other}/close")).await.status(), StatusCode::FORBIDDEN);
    assert_eq!(close(&emergency, m.0, other.0, "已完成").await.status(), StatusCode::FORBIDDEN);
    assert_eq!(close(&dalian, m.0, own.0, "已完成").await.status(), StatusCode::NOT_FOUND, "another region's");
    assert_eq!(emergency.get(&format!("/meetings/{m}/edit")).await.status(), StatusCode::FORBIDDEN);

    // A closing needs its note.
    let res = close(&emergency, m.0, own.0, " ").await;
    assert!(res.text().await.unwrap().contains("此项为必填项"));
    assert_eq!(
        close(&emergency, m.0, own.0, "检查企业 12 家，发现隐患 30 处，已全部整改").await.status(),
        StatusCode::SEE_OTHER
    );
    let pool = app.db.app_pool().await;
    let closed: Vec<(Option<NaiveDate>, String, String)> = province_rows(
        &pool,
        "SELECT closed_on, closed_note, closed_by_name FROM meeting_action_items WHERE id = $1",
        own.0,
    )
    .await;
    assert_eq!(closed[0].0, Some(today()));
    assert!(closed[0].1.starts_with("检查企业 12 家"));
    let untouched: Vec<Option<NaiveDate>> =
        province_values(&pool, "SELECT closed_on FROM meeting_action_items WHERE id = $1", other.0).await;
    assert_eq!(untouched, [None]);
    let page = city.get(&format!("/meetings/{m}")).await.text().await.unwrap();
    assert!(page.contains("已完成") && page.contains("检查企业 12 家"));
    // Closed: no second closing, no correction.
    assert_eq!(close(&city, m.0, own.0, "再次").await.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(city.get(&format!("/meetings/{m}/items/{own}/edit")).await.status(), StatusCode::UNPROCESSABLE_ENTITY);
}

#[tokio::test]
async fn due_today_is_not_overdue_and_due_yesterday_is() {
    let app = TestApp::spawn().await;
    let city = app.login_as(Role::CityOfficer, "210100").await;
    let province = app.login_as(Role::ProvinceOfficer, "210000").await;
    let by = account_id(&app, &city).await;
    let held = today() - Duration::days(10);
    let m = meeting(&app.db, "210100", held, &[DepartmentKind::Emergency], by).await;
    item(&app.db, m, "今天到期的事项", DepartmentKind::Emergency, today()).await;
    item(&app.db, m, "昨天到期的事项", DepartmentKind::Emergency, today() - Duration::days(1)).await;

    let overdue = city.get("/action-items?status=overdue").await.text().await.unwrap();
    assert!(overdue.contains("昨天到期的事项") && !overdue.contains("今天到期的事项"));
    let open = city.get("/action-items").await.text().await.unwrap();
    assert!(open.contains("昨天到期的事项") && open.contains("今天到期的事项"), "open includes overdue");
    assert!(open.contains("今天到期") && open.contains("已逾期 1 天"));

    // The province's overview counts the one overdue item for 沈阳 in the meeting's year.
    let year = held.format("%Y").to_string();
    let overview = province.get(&format!("/meetings?year={year}")).await.text().await.unwrap();
    let row = overview.split("<td>沈阳市</td>").nth(1).unwrap().split("</tr>").next().unwrap();
    let numbers: Vec<&str> = row.split("text-end\">").skip(1).map(|c| c.split('<').next().unwrap()).collect();
    assert_eq!(numbers[..3], ["1", "2", "2"], "meetings, items, open: {row}");
    assert!(row.contains("<span class=\"text-danger\">1</span>"), "one overdue: {row}");

    // Exported with the filter.
    let res = city.get("/action-items/export?status=overdue").await;
    let mut book = Xlsx::new(Cursor::new(res.bytes().await.unwrap().to_vec())).unwrap();
    let sheet = book.worksheet_range_at(0).unwrap().unwrap();
    let cells: Vec<String> = sheet.rows().flat_map(|r| r.iter().map(|c| c.to_string())).collect();
    assert!(cells.iter().any(|c| c == "昨天到期的事项") && !cells.iter().any(|c| c == "今天到期的事项"));
    assert!(cells.iter().any(|c| c == "已逾期"));
}

#[tokio::test]
async fn closing_twice_at_once_records_one_closure() {
    let app = TestApp::spawn().await;
    let city = app.login_as(Role::CityOfficer, "210100").await;
    let emergency = app.login_as_department(Role::PartnerOfficer, "210100", Some(DepartmentKind::Emergency)).await;
    let by = account_id(&app, &city).await;
    let m = meeting(&app.db, "210100", today() - Duration::days(3), &[DepartmentKind::Emergency], by).await;
    let i = item(&app.db, m, "联合检查", DepartmentKind::Emergency, today() + Duration::days(3)).await;
    let (a, b) = tokio::join!(close(&city, m.0, i.0, "市人社局办结"), close(&emergency, m.0, i.0, "应急局办结"));
    let mut statuses = [a.status().as_u16(), b.status().as_u16()];
    statuses.sort();
    assert_eq!(statuses, [303, 422], "one closes, the other is told it is closed");
    let pool = app.db.app_pool().await;
    let closures: i64 = sqlx::query_scalar("SELECT count(*) FROM audit_log WHERE action = 'action_item.close'")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(closures, 1);
    let notes: Vec<String> =
        province_values(&pool, "SELECT closed_note FROM meeting_action_items WHERE id = $1", i.0).await;
    assert!(notes[0] == "市人社局办结" || notes[0] == "应急局办结");
}
