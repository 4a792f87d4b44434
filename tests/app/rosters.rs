//! Leading-group rosters: the rules listed as what is missing and holding back the report; a
//! replacement that ends the old membership, seen on a past date; a change after filing that
//! makes a new version the province sees; mobiles masked in lists and exports; the print view.

use std::io::Cursor;

use calamine::{Reader, Xlsx};
use chrono::NaiveDate;
use prevention::org::{DepartmentKind, Role};
use reqwest::StatusCode;
use sqlx::PgPool;

use crate::support::rosters::{complete, member, roster};
use crate::support::{TestApp, TestUser, province_rows, province_values};

fn day(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

/// The one-time form token of the first form on a page that carries one.
fn form_token_in(html: &str) -> String {
    let start = html.find(r#"name="form_token" value=""#).expect("a form token") + r#"name="form_token" value=""#.len();
    html[start..start + 32].to_string()
}

/// The hidden version field of a form page.
fn version_in(html: &str) -> String {
    let start = html.find(r#"name="version" value=""#).expect("a version") + r#"name="version" value=""#.len();
    html[start..].split('"').next().unwrap().to_string()
}

/// Posts a workflow action from the roster's page (with its one-time token).
async fn act(user: &TestUser, roster: i64, action: &str, comment: &str) -> reqwest::Response {
    let page = user.get(&format!("/rosters/{roster}")).await.text().await.unwrap();
    let token = form_token_in(&page);
    user.post_form(
        &format!("/rosters/{roster}/transition"),
        &[("action", action), ("comment", comment), ("form_token", &token)],
    )
    .await
}

/// Fills and posts a member form at `path` (read first for its version).
async fn post_member(user: &TestUser, path: &str, fields: &[(&str, &str)]) -> reqwest::Response {
    let page = user.get(path).await.text().await.unwrap();
    let version = version_in(&page);
    let mut all: Vec<(&str, &str)> = fields.to_vec();
    all.push(("version", &version));
    user.post_form(path, &all).await
}

async fn members(pool: &PgPool, roster: i64) -> Vec<(String, Option<NaiveDate>)> {
    province_rows(pool, "SELECT name, ended_on FROM roster_members WHERE roster_id = $1 ORDER BY id", roster).await
}

async fn account_id(app: &TestApp, user: &TestUser) -> prevention::org::AccountId {
    crate::support::accounts::id_of(&app.db.app_pool().await, &user.username).await
}

#[tokio::test]
async fn the_rules_are_listed_and_hold_back_the_report_until_all_hold() {
    let app = TestApp::spawn().await;
    let city = app.login_as(Role::CityOfficer, "210100").await;
    let pool = app.db.app_pool().await;

    // Started from the page, empty: every rule that fails is listed.
    let page = city.get("/rosters?cycle=2026").await.text().await.unwrap();
    assert!(page.contains("建立领导小组名单"));
    let res = city.post_form("/rosters/new", &[("cycle", "2026"), ("form_token", &form_token_in(&page))]).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let id: i64 = res.headers()["location"].to_str().unwrap().trim_start_matches("/rosters/").parse().unwrap();
    let page = city.get(&format!("/rosters/{id}")).await.text().await.unwrap();
    for message in ["尚未确定组长", "以下成员单位尚无组成人员", "尚未确定联络员"] {
        assert!(page.contains(message), "{message} listed");
    }

    // Bad input: each field's message beside it, nothing saved.
    let path = format!("/rosters/{id}/members/new");
    let res = post_member(
        &city,
        &path,
        &[
            ("name", ""),
            ("department", "market_regulation_x"),
            ("post", "局长"),
            ("group_role", "leader"),
            ("mobile", "024-23456789"),
            ("began_on", "2026-03-01"),
        ],
    )
    .await;
    assert_eq!(res.status(), StatusCode::OK);
    let body = res.text().await.unwrap();
    assert!(body.contains("此项为必填项") && body.contains("请从本周期的成员单位中选择"));
    assert!(body.contains("请填写 11 位手机号码"));
    assert!(members(&pool, id).await.is_empty(), "nothing half-saved");

    // A leader added through the form; saved although the roster is still incomplete.
    let leader = [
        ("name", "王建国"),
        ("department", "hrss"),
        ("post", "局长"),
        ("group_role", "leader"),
        ("office_phone", "024-22345678"),
        ("mobile", "13912345678"),
        ("began_on", "2026-03-01"),
    ];
    assert_eq!(post_member(&city, &path, &leader).await.status(), StatusCode::SEE_OTHER);
    let page = city.get(&format!("/rosters/{id}")).await.text().await.unwrap();
    assert!(page.contains("组成人员已添加") && !page.contains("尚未确定组长"));

    // A second leader breaks "exactly one", with its own message; the report is refused.
    let second = [("name", "孙立"), ("mobile", ""), ("office_phone", ""), ("department", "hrss")];
    let mut fields: Vec<(&str, &str)> =
        leader.iter().filter(|(k, _)| !second.iter().any(|(s, _)| s == k)).copied().collect();
    fields.extend(second);
    assert_eq!(post_member(&city, &path, &fields).await.status(), StatusCode::SEE_OTHER);
    let res = act(&city, id, "submit", "").await;
    assert_eq!(res.status(), StatusCode::OK);
    let body = res.text().await.unwrap();
    assert!(
        body.contains("未能办理") && body.contains("组长只能有一名，现有 2 名（王建国、孙立）"),
        "refused with why"
    );
    let history: Vec<String> = province_values(
        &pool,
        "SELECT action FROM workflow_history WHERE record_id = $1 AND record_kind = 'roster'",
        id,
    )
    .await;
    assert!(history.is_empty(), "nothing happened");
    let complete_mark: Vec<bool> = province_values(&pool, "SELECT complete FROM rosters WHERE id = $1", id).await;
    assert_eq!(complete_mark, [false]);

    // The second leader leaves; the rest filled: every rule holds and the report goes through.
    let sun: i64 =
        province_values(&pool, "SELECT id FROM roster_members WHERE roster_id = $1 AND name = '孙立'", id).await[0];
    let end = format!("/rosters/{id}/members/{sun}/end");
    let res = post_member(&city, &end, &[("ended_on", "2026-02-01")]).await;
    assert!(res.text().await.unwrap().contains("任职结束日期不能早于开始日期"), "an end before the start refused");
    assert_eq!(post_member(&city, &end, &[("ended_on", "2026-03-01")]).await.status(), StatusCode::SEE_OTHER);
    let roster = prevention::rosters::model::RosterId(id);
    let cycle_departments = crate::support::plans::cycle(&app.db, 2026).await.departments;
    for (i, d) in cycle_departments.iter().filter(|d| d.is_partner()).enumerate() {
        member(&app.db, roster, 2026, &format!("成员{i}"), *d, "member", day("2026-03-01")).await;
    }
    member(&app.db, roster, 2026, "陈晓", DepartmentKind::Hrss, "liaison", day("2026-03-01")).await;
    assert!(!city.get(&format!("/rosters/{id}")).await.text().await.unwrap().contains("名单尚不符合"));
    assert_eq!(act(&city, id, "submit", "").await.status(), StatusCode::SEE_OTHER);
    let status: Vec<String> = province_values(&pool, "SELECT status FROM rosters WHERE id = $1", id).await;
    assert_eq!(status, ["submitted"]);
    // Frozen while the province decides.
    assert_eq!(city.get(&format!("/rosters/{id}/members/new")).await.status(), StatusCode::UNPROCESSABLE_ENTITY);
}

#[tokio::test]
async fn the_roster_on_a_past_date_shows_the_member_later_replaced() {
    let app = TestApp::spawn().await;
    let city = app.login_as(Role::CityOfficer, "210100").await;
    let by = account_id(&app, &city).await;
    let id = roster(&app.db, "210100", 2026, by).await;
    let leader = complete(&app.db, id, 2026, day("2026-03-01")).await;
    let path = format!("/rosters/{id}/members/{leader}/replace");

    // The successor cannot take over before the predecessor began.
    let successor = |from: &'static str| {
        [
            ("name", "韩振宇"),
            ("department", "hrss"),
            ("post", "局长"),
            ("group_role", "leader"),
            ("mobile", "13800001111"),
            ("began_on", from),
        ]
    };
    let res = post_member(&city, &path, &successor("2026-02-01")).await;
    assert!(res.text().await.unwrap().contains("接任日期须晚于原成员的任职开始日期（2026-03-01）"));
    assert_eq!(post_member(&city, &path, &successor("2026-09-01")).await.status(), StatusCode::SEE_OTHER);

    // The old record ended the day before, kept, not overwritten.
    let pool = app.db.app_pool().await;
    let rows = members(&pool, id.0).await;
    assert!(rows.contains(&("王建国".to_string(), Some(day("2026-08-31")))));
    assert!(rows.contains(&("韩振宇".to_string(), None)));

    let leader_cell = |page: &str| -> String {
        let table = page.split("class=\"table table-sm table-bordered align-middle members\"").nth(1).unwrap();
        let table = table.split("</table>").next().unwrap();
        table.split("<tr>").find(|r| r.contains("<td>组长</td>")).map(|r| r.to_string()).unwrap_or_default()
    };
    let before = city.get(&format!("/rosters/{id}?as_of=2026-05-01")).await.text().await.unwrap();
    assert!(leader_cell(&before).contains("王建国"), "the leader as of May");
    assert!(before.contains("2026-05-01 的组成人员"));
    let now = city.get(&format!("/rosters/{id}")).await.text().await.unwrap();
    assert!(leader_cell(&now).contains("韩振宇") && !leader_cell(&now).contains("王建国"));
    let last_day = city.get(&format!("/rosters/{id}?as_of=2026-08-31")).await.text().await.unwrap();
    assert!(leader_cell(&last_day).contains("王建国"), "the last day is still his");
    let bad = city.get(&format!("/rosters/{id}?as_of=2026-13-45")).await;
    assert_eq!(bad.status(), StatusCode::OK);
    assert!(bad.text().await.unwrap().contains("is-invalid"), "a date that does not read is marked");

    // The print view of that past date lists every member then serving.
    let print = city.get(&format!("/rosters/{id}/print?as_of=2026-05-01")).await.text().await.unwrap();
    assert!(print.contains("王建国") && !print.contains("韩振宇"));
    let serving: Vec<String> = province_values(
        &pool,
        "SELECT name FROM roster_members WHERE roster_id = $1 AND began_on <= '2026-05-01' AND (ended_on IS NULL OR ended_on >= '2026-05-01')",
        id.0,
    )
    .await;
    for name in &serving {
        assert!(print.contains(&format!("<td class=\"nowrap\">{name}</td>")), "{name} printed");
    }
    assert!(print.contains("024-23456789"), "the office phone printed");
    assert!(!print.contains("13912345678") && !print.contains("139****5678"), "no mobile on paper");
    assert!(print.contains("附件1") && print.contains("/static/css/print.css"));
    assert!(print.contains("年&emsp;月&emsp;日"), "the seal box's date line");
}

#[tokio::test]
async fn a_change_after_filing_makes_a_new_version_the_province_sees() {
    let app = TestApp::spawn().await;
    let city = app.login_as(Role::CityOfficer, "210100").await;
    let province = app.login_as(Role::ProvinceOfficer, "210000").await;
    let by = account_id(&app, &city).await;
    let id = roster(&app.db, "210100", 2026, by).await;
    complete(&app.db, id, 2026, day("2026-03-01")).await;
    assert_eq!(act(&city, id.0, "submit", "").await.status(), StatusCode::SEE_OTHER);
    // Returned needs its reason; filed by the province.
    assert!(act(&province, id.0, "return", " ").await.text().await.unwrap().contains("请填写理由"));
    assert_eq!(act(&province, id.0, "file", "").await.status(), StatusCode::SEE_OTHER);
    // Nothing changed: nothing to report again.
    let page = city.get(&format!("/rosters/{id}")).await.text().await.unwrap();
    assert!(page.contains("已备案") && !page.contains(r#"value="submit""#));

    // The liaison replaced after filing.
    let pool = app.db.app_pool().await;
    let liaison: i64 =
        province_values(&pool, "SELECT id FROM roster_members WHERE roster_id = $1 AND group_role = 'liaison'", id.0)
            .await[0];
    let res = post_member(
        &city,
        &format!("/rosters/{id}/members/{liaison}/replace"),
        &[
            ("name", "宋佳怡"),
            ("department", "hrss"),
            ("post", "科长"),
            ("group_role", "liaison"),
            ("began_on", "2026-10-08"),
        ],
    )
    .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);

    // The province sees it among the changed ones, and not the unchanged.
    let overview = province.get("/rosters?cycle=2026&changed=yes").await.text().await.unwrap();
    assert!(overview.contains("沈阳市") && overview.contains("有变更"));
    assert!(!overview.contains("大连市"), "only changed rosters");
    let export = province.get("/rosters/overview/export?cycle=2026").await;
    assert_eq!(export.status(), StatusCode::OK);
    let mut book = Xlsx::new(Cursor::new(export.bytes().await.unwrap().to_vec())).unwrap();
    let sheet = book.worksheet_range_at(0).unwrap().unwrap();
    let shenyang = sheet.rows().find(|r| r.first().is_some_and(|c| c.to_string() == "沈阳市")).expect("沈阳 exported");
    assert_eq!(shenyang[1].to_string(), "已备案");
    assert_eq!(shenyang[3].to_string(), "有变更");

    // Reported again: a second version, whose comparison shows the liaison who came and went.
    assert_eq!(act(&city, id.0, "submit", "").await.status(), StatusCode::SEE_OTHER);
    let compare = province.get(&format!("/rosters/{id}/compare")).await.text().await.unwrap();
    assert!(compare.contains("陈晓") && compare.contains("宋佳怡"));
    assert_eq!(act(&province, id.0, "file", "").await.status(), StatusCode::SEE_OTHER);
    let changed: Vec<bool> =
        province_values(&pool, "SELECT changed_since_filing FROM rosters WHERE id = $1", id.0).await;
    assert_eq!(changed, [false], "filing again clears the mark");
    let versions: Vec<i32> = province_values(
        &pool,
        "SELECT version_no FROM record_versions WHERE record_kind = 'roster' AND record_id = $1",
        id.0,
    )
    .await;
    assert_eq!(versions, [1, 2]);
}

#[tokio::test]
async fn mobiles_are_masked_in_lists_and_exports() {
    let app = TestApp::spawn().await;
    let city = app.login_as(Role::CityOfficer, "210100").await;
    let partner = app.login_as_department(Role::PartnerOfficer, "210100", Some(DepartmentKind::Emergency)).await;
    let province = app.login_as(Role::ProvinceOfficer, "210000").await;
    let by = account_id(&app, &city).await;
    let id = roster(&app.db, "210100", 2026, by).await;
    complete(&app.db, id, 2026, day("2026-03-01")).await;

    for user in [&city, &partner, &province] {
        let page = user.get(&format!("/rosters/{id}")).await.text().await.unwrap();
        assert!(page.contains("139****5678") && !page.contains("13912345678"), "masked for {}", user.username);
    }
    // Shown in full on request, for those who keep or review it, and audited.
    let res = city.post_form(&format!("/rosters/{id}/unmask"), &[]).await;
    assert!(res.text().await.unwrap().contains("13912345678"));
    assert_eq!(partner.post_form(&format!("/rosters/{id}/unmask"), &[]).await.status(), StatusCode::FORBIDDEN);
    let audited: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM audit_log WHERE action = 'personal_data.unmask' AND object_type = 'roster' AND success",
    )
    .fetch_one(&app.db.app_pool().await)
    .await
    .unwrap();
    assert_eq!(audited, 1);

    let res = partner.get(&format!("/rosters/{id}/export")).await;
    assert_eq!(res.status(), StatusCode::OK);
    let mut book = Xlsx::new(Cursor::new(res.bytes().await.unwrap().to_vec())).unwrap();
    let sheet = book.worksheet_range_at(0).unwrap().unwrap();
    let cells: Vec<String> = sheet.rows().flat_map(|r| r.iter().map(|c| c.to_string())).collect();
    assert!(cells.iter().any(|c| c == "139****5678"));
    assert!(!cells.iter().any(|c| c.contains("13912345678")), "no full mobile in the export");
    assert!(cells.iter().any(|c| c == "王建国") && cells.iter().any(|c| c == "组长"));
}

#[tokio::test]
async fn another_citys_roster_and_its_members_are_out_of_reach() {
    let app = TestApp::spawn().await;
    let city = app.login_as(Role::CityOfficer, "210100").await;
    let dalian = app.login_as(Role::CityOfficer, "210200").await;
    let by = account_id(&app, &city).await;
    let id = roster(&app.db, "210100", 2026, by).await;
    let leader = complete(&app.db, id, 2026, day("2026-03-01")).await;
    for path in [
        format!("/rosters/{id}"),
        format!("/rosters/{id}/print"),
        format!("/rosters/{id}/export"),
        format!("/rosters/{id}/members/{leader}/edit"),
    ] {
        assert_eq!(dalian.get(&path).await.status(), StatusCode::NOT_FOUND, "{path}");
    }
    let res = dalian
        .post_form(&format!("/rosters/{id}/members/{leader}/end"), &[("ended_on", "2026-10-01"), ("version", "1")])
        .await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    let rows = members(&app.db.app_pool().await, id.0).await;
    assert!(rows.iter().all(|(_, ended)| ended.is_none()), "nothing ended");
}
