//! The auditor's search, a record's history, the Excel export, and retention.

use std::io::Cursor;
use std::process::Command;

use calamine::{Reader, Xlsx};
use prevention::db::{APP_ROLE, OWNER_ROLE};
use prevention::org::Role;
use reqwest::StatusCode;

use crate::support::departments::{department_id, department_version};
use crate::support::{TestApp, TestUser, manifest_dir};

async fn edit_department(user: &TestUser, app: &TestApp, id: i64, person: &str, phone: &str) {
    let version = department_version(&app.db, id).await.to_string();
    let fields = [("contact_person", person), ("contact_phone", phone), ("address", ""), ("version", version.as_str())];
    assert_eq!(user.post_form(&format!("/departments/{id}/edit"), &fields).await.status(), StatusCode::SEE_OTHER);
}

/// Data rows only: the "no records" row is a single cell spanning the table.
fn rows_in(html: &str) -> usize {
    html.split("<tbody>")
        .nth(1)
        .map(|b| b.split("</tbody>").next().unwrap_or_default().matches("<tr><td>").count())
        .unwrap_or(0)
}

#[tokio::test]
async fn the_auditors_filters_narrow_the_log() {
    let app = TestApp::spawn().await;
    let officer = app.login_as(Role::CityOfficer, "210100").await;
    assert!(app.login(&officer.username, "Wrong#Passw0rd").await.is_err());
    let auditor = app.login_as(Role::Auditor, "").await;

    let failures = auditor.get("/audit?action=login.failure").await.text().await.unwrap();
    assert_eq!(rows_in(&failures), 1);
    assert!(failures.contains(&officer.username));
    let by_account = auditor.get(&format!("/audit?account={}", officer.username)).await.text().await.unwrap();
    assert_eq!(rows_in(&by_account), 2, "one success, one failure");
    let failed = auditor.get("/audit?success=no").await.text().await.unwrap();
    assert!(failed.contains("login.failure") && !failed.contains(">登录成功 "));
    let by_role = auditor.get("/audit?role=auditor&action=login.success").await.text().await.unwrap();
    assert_eq!(rows_in(&by_role), 1);
    let by_region = auditor.get("/audit?region=210200").await.text().await.unwrap();
    assert_eq!(rows_in(&by_region), 0, "nobody of 大连 did anything");
    let future = auditor.get("/audit?from=2099-01-01").await.text().await.unwrap();
    assert!(future.contains("没有符合条件的记录"));
    let today = prevention::values::time::today();
    let today_page =
        auditor.get(&format!("/audit?from={today}&to={today}&action=login.failure")).await.text().await.unwrap();
    assert_eq!(rows_in(&today_page), 1, "inclusive calendar days in Asia/Shanghai");

    // Each filtered search was itself recorded.
    let searches: i64 = sqlx::query_scalar("SELECT count(*) FROM audit_log WHERE action = 'audit.search'")
        .fetch_one(&app.db.app_pool().await)
        .await
        .unwrap();
    assert_eq!(searches, 7);
}

#[tokio::test]
async fn a_records_history_shows_each_change_field_by_field() {
    let app = TestApp::spawn().await;
    let officer = app.login_as(Role::CityOfficer, "210100").await;
    let id = department_id(&app.db, "210100", "health").await;
    edit_department(&officer, &app, id, "赵丽娟", "13812345678").await;
    edit_department(&officer, &app, id, "钱敏", "13812345678").await;

    let auditor = app.login_as(Role::Auditor, "").await;
    let page =
        auditor.get(&format!("/audit/history?object_type=department&object_id={id}")).await.text().await.unwrap();
    assert_eq!(page.matches("card-header").count(), 2);
    assert!(
        page.contains(
            "<tr class=\"table-warning\"><td><code>contact_person</code></td><td>赵丽娟</td><td>钱敏</td></tr>"
        )
    );
    assert!(
        page.contains("<tr><td><code>contact_phone</code></td><td>138****5678</td><td>138****5678</td></tr>"),
        "unchanged and masked"
    );
    assert!(!page.contains("13812345678"));
    let list = auditor.get("/audit?action=department.update").await.text().await.unwrap();
    let link = list.split("/audit/history?").nth(1).unwrap().split('"').next().unwrap();
    assert!(
        link.contains("object_type") && link.contains(&format!("object_id&#61;{id}"))
            || link.contains(&format!("object_id={id}")),
        "{link}"
    );
}

#[tokio::test]
async fn an_export_holds_the_filtered_rows_masked_and_is_audited() {
    let app = TestApp::spawn().await;
    let officer = app.login_as(Role::CityOfficer, "210100").await;
    for kind in ["health", "finance", "transport"] {
        let id = department_id(&app.db, "210100", kind).await;
        edit_department(&officer, &app, id, "李建国", "13987654321").await;
    }
    let auditor = app.login_as(Role::Auditor, "").await;
    let res = auditor.get("/audit/export?action=department.update").await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.headers()["content-type"], "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
    assert!(res.headers()["content-disposition"].to_str().unwrap().contains("filename*=UTF-8''%E5%AE%A1%E8%AE%A1"));
    let bytes = res.bytes().await.unwrap();
    let mut workbook: Xlsx<_> = Xlsx::new(Cursor::new(bytes.to_vec())).unwrap();
    let sheet = workbook.worksheet_range("数据").unwrap();
    let cells: Vec<Vec<String>> = sheet.rows().map(|r| r.iter().map(|c| c.to_string()).collect()).collect();
    assert_eq!(cells[0][0], "审计日志");
    assert!(cells.iter().any(|r| r[0] == "操作：修改成员单位"), "the filters stand above the table, in words");
    let header = cells.iter().position(|r| r[0] == "编号").unwrap();
    let data = &cells[header + 1..];
    assert_eq!(data.len(), 3, "the same rows as the filtered list");
    assert!(data.iter().all(|r| r[4] == "修改成员单位"));
    let text = cells.concat().join(" ");
    assert!(text.contains("139****4321"));
    assert!(!text.contains("13987654321"), "personal data stays masked");

    let pool = app.db.app_pool().await;
    let detail: String = sqlx::query_scalar("SELECT detail FROM audit_log WHERE action = 'export.audit_log'")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(detail, "action=department.update 共 3 行");
    let list = auditor.get("/audit?action=department.update").await.text().await.unwrap();
    assert_eq!(rows_in(&list), 3);
}

#[tokio::test]
async fn the_system_administrator_exports_accounts_and_the_login_log() {
    let app = TestApp::spawn().await;
    let admin = app.login_as(Role::SysAdmin, "").await;
    for path in ["/admin/accounts/export", "/admin/login-log/export"] {
        let res = admin.get(path).await;
        assert_eq!(res.status(), StatusCode::OK, "{path}");
        let bytes = res.bytes().await.unwrap();
        let mut workbook: Xlsx<_> = Xlsx::new(Cursor::new(bytes.to_vec())).unwrap();
        let sheet = workbook.worksheet_range("数据").unwrap();
        let text: String = sheet.rows().flat_map(|r| r.iter().map(|c| c.to_string())).collect::<Vec<_>>().join(" ");
        assert!(text.contains(&admin.username), "{path}");
    }
    let auditor = app.login_as(Role::Auditor, "").await;
    assert_eq!(auditor.get("/admin/accounts/export").await.status(), StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn the_purge_keeps_at_least_184_days() {
    let app = TestApp::spawn().await;
    let owner = app.db.owner_pool().await;
    sqlx::query(
        "INSERT INTO audit_log (occurred_at, action, success) VALUES
         (now() - interval '200 days', 'login.success', true), (now() - interval '100 days', 'login.success', true)",
    )
    .execute(&owner)
    .await
    .unwrap();
    let purge = |days: &str| {
        Command::new(env!("CARGO_BIN_EXE_prevention"))
            .args(["audit", "purge", "--older-than", days])
            .current_dir(manifest_dir())
            .env("PREVENTION_DATABASE_URL", app.db.url(APP_ROLE))
            .env("PREVENTION_OWNER_DATABASE_URL", app.db.url(OWNER_ROLE))
            .output()
            .unwrap()
    };
    let refused = purge("100");
    assert!(!refused.status.success());
    assert!(String::from_utf8_lossy(&refused.stderr).contains("至少保留 184 天"));
    let done = purge("184");
    assert!(done.status.success(), "{}", String::from_utf8_lossy(&done.stderr));
    assert!(String::from_utf8_lossy(&done.stdout).contains("记录 1 条"));
    let left: i64 = sqlx::query_scalar("SELECT count(*) FROM audit_log WHERE action = 'login.success'")
        .fetch_one(&owner)
        .await
        .unwrap();
    assert_eq!(left, 1, "the 100-day-old record stays");
    let purges: i64 = sqlx::query_scalar("SELECT count(*) FROM audit_log WHERE action = 'audit.purge'")
        .fetch_one(&owner)
        .await
        .unwrap();
    assert_eq!(purges, 1);
}

/// The href of the link labelled `label` on a page.
fn link_labelled(html: &str, label: &str) -> Option<String> {
    let end = html.find(&format!("\">{label}</a>"))?;
    let start = html[..end].rfind("href=\"")? + "href=\"".len();
    Some(html[start..end].replace("&#38;", "&").replace("&amp;", "&"))
}

#[tokio::test]
async fn the_log_turns_its_pages_by_time_without_counting_it() {
    let app = TestApp::spawn().await;
    let auditor = app.login_as(Role::Auditor, "").await;
    let owner = app.db.owner_pool().await;
    crate::support::exec(
        &owner,
        "INSERT INTO audit_log (occurred_at, username, action, success, detail)
         SELECT now() - (g || ' minutes')::interval, 'pager', 'plan.update', true, 'n' || g
         FROM generate_series(1, 120) g",
    )
    .await;
    let first = auditor.get("/audit?action=plan.update").await.text().await.unwrap();
    assert_eq!(rows_in(&first), 50);
    assert!(first.contains(">n1<") && !first.contains(">n51<"), "newest first");
    assert!(link_labelled(&first, "← 较新").is_none(), "nothing newer than the newest");
    let older = link_labelled(&first, "较早 →").expect("an older page");
    assert!(older.starts_with("?action=plan.update&before="), "{older}");
    let second = auditor.get(&format!("/audit{older}")).await.text().await.unwrap();
    assert!(second.contains(">n51<") && second.contains(">n100<") && !second.contains(">n50<"));
    let last = auditor.get(&format!("/audit{}", link_labelled(&second, "较早 →").unwrap())).await.text().await.unwrap();
    assert_eq!(rows_in(&last), 20);
    assert!(link_labelled(&last, "较早 →").is_none(), "the oldest page");
    let back = auditor.get(&format!("/audit{}", link_labelled(&last, "← 较新").unwrap())).await.text().await.unwrap();
    assert!(back.contains(">n51<") && back.contains(">n100<") && !back.contains(">n101<"), "the same page again");
    // Turning pages is not a new search.
    let searches: i64 = sqlx::query_scalar("SELECT count(*) FROM audit_log WHERE action = 'audit.search'")
        .fetch_one(&app.db.app_pool().await)
        .await
        .unwrap();
    assert_eq!(searches, 1);
}
