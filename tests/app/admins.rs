//! The three administrators' pages: the system administrator's accounts, dormant accounts,
//! login log and sessions; the security administrator's roles and policy; the auditor's log.

use prevention::org::DepartmentKind;
use prevention::org::Role;
use reqwest::StatusCode;
use sqlx::PgPool;

use crate::support::{TestApp, csrf_token_in, new_client};

async fn audit_count(pool: &PgPool, action: &str) -> i64 {
    sqlx::query_scalar("SELECT count(*) FROM audit_log WHERE action = $1").bind(action).fetch_one(pool).await.unwrap()
}

async fn account_id(pool: &PgPool, username: &str) -> i64 {
    crate::support::accounts::id_of(pool, username).await.0
}

#[tokio::test]
async fn the_system_administrator_creates_an_account_without_a_role() {
    let app = TestApp::spawn().await;
    let admin = app.login_as(Role::SysAdmin, "").await;
    let res = admin
        .post_form(
            "/admin/accounts/new",
            &[("username", "sy_newcomer"), ("display_name", "新同事"), ("region", "210100"), ("department", "hrss")],
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    let body = res.text().await.unwrap();
    let password = body.split("one-time-password\">").nth(1).unwrap().split('<').next().unwrap().to_string();
    assert_eq!(password.chars().count(), 16);

    let pool = app.db.app_pool().await;
    let (role, must_change, region): (Option<String>, bool, String) = sqlx::query_as(
        "SELECT a.role, a.must_change_password, r.code FROM accounts a JOIN regions r ON r.id = a.region_id WHERE username = 'sy_newcomer'",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!((role, must_change, region.as_str()), (None, true, "210100"));
    assert_eq!(audit_count(&pool, "account.create").await, 1);

    // The newcomer must change the one-time password and then has nothing but that page.
    let user = app.login("sy_newcomer", &password).await.unwrap();
    assert_eq!(user.get("/").await.headers()["location"], "/account/password");

    // A taken username comes back as a field error.
    let res = admin.post_form("/admin/accounts/new", &[("username", "SY_NEWCOMER"), ("display_name", "重复")]).await;
    assert!(res.text().await.unwrap().contains("该用户名已被使用"));
}

#[tokio::test]
async fn the_system_administrator_edits_disables_unlocks_and_resets() {
    let app = TestApp::spawn().await;
    let admin = app.login_as(Role::SysAdmin, "").await;
    let target = app.login_as(Role::CityOfficer, "210100").await;
    let pool = app.db.app_pool().await;
    let id = account_id(&pool, &target.username).await;

    let res = admin
        .post_form(
            &format!("/admin/accounts/{id}/edit"),
            &[("display_name", "王芳芳"), ("region", "210100"), ("department", "hrss"), ("version", "1")],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let stale = admin
        .post_form(
            &format!("/admin/accounts/{id}/edit"),
            &[("display_name", "旧版本"), ("region", "210100"), ("department", "hrss"), ("version", "1")],
        )
        .await;
    assert_eq!(stale.status(), StatusCode::CONFLICT);
    assert!(admin.get(&format!("/admin/accounts/{id}")).await.text().await.unwrap().contains("王芳芳"));

    sqlx::query("UPDATE accounts SET locked_until = now() + interval '1 hour', failed_logins = 5 WHERE id = $1")
        .bind(id)
        .execute(&pool)
        .await
        .unwrap();
    assert!(admin.get(&format!("/admin/accounts/{id}")).await.text().await.unwrap().contains("解除锁定"));
    assert_eq!(admin.post_form(&format!("/admin/accounts/{id}/unlock"), &[]).await.status(), StatusCode::SEE_OTHER);
    assert_eq!(audit_count(&pool, "account.unlock").await, 1);

    let confirm = admin.get(&format!("/admin/accounts/{id}/reset-password")).await.text().await.unwrap();
    assert!(confirm.contains("确定重置"), "a destructive action asks first");
    let page = admin.post_form(&format!("/admin/accounts/{id}/reset-password"), &[]).await.text().await.unwrap();
    let password = page.split("one-time-password\">").nth(1).unwrap().split('<').next().unwrap().to_string();
    assert_eq!(target.get("/").await.status(), StatusCode::SEE_OTHER, "the reset ended the session");
    let again = app.login(&target.username, &password).await.unwrap();
    assert_eq!(again.get("/").await.headers()["location"], "/account/password");

    assert!(admin.get(&format!("/admin/accounts/{id}/disable")).await.text().await.unwrap().contains("确定停用"));
    assert_eq!(admin.post_form(&format!("/admin/accounts/{id}/disable"), &[]).await.status(), StatusCode::SEE_OTHER);
    assert_eq!(again.get("/account/password").await.status(), StatusCode::SEE_OTHER, "disabling ended the session");
    assert_eq!(audit_count(&pool, "account.disable").await, 1);
    assert_eq!(audit_count(&pool, "account.update").await, 1);
    assert_eq!(audit_count(&pool, "password.reset").await, 1);
}

#[tokio::test]
async fn dormant_accounts_login_log_and_forced_logout() {
    let app = TestApp::spawn().await;
    let admin = app.login_as(Role::SysAdmin, "").await;
    let user = app.login_as(Role::CityOfficer, "210100").await;
    let pool = app.db.app_pool().await;
    let sleeper = app.create_account(Role::CityOfficer, "210200", None).await;
    sqlx::query("UPDATE accounts SET created_at = now() - interval '200 days', last_login_at = now() - interval '100 days' WHERE username = $1")
        .bind(&sleeper)
        .execute(&pool)
        .await
        .unwrap();
    let dormant = admin.get("/admin/dormant").await.text().await.unwrap();
    assert!(dormant.contains(&sleeper));
    assert!(!dormant.contains(&user.username));

    // A failed sign-in shows in the login log with its reason and address.
    let client = new_client();
    let token = csrf_token_in(&client.get(app.url("/login")).send().await.unwrap().text().await.unwrap()).unwrap();
    client
        .post(app.url("/login"))
        .form(&[("csrf", token.as_str()), ("username", user.username.as_str()), ("password", "Wrong#Passw0rd")])
        .send()
        .await
        .unwrap();
    let log = admin.get("/admin/login-log").await.text().await.unwrap();
    assert!(log.contains("登录失败") && log.contains("密码错误") && log.contains("127.0.0.1"));

    let sessions = admin.get("/admin/sessions").await.text().await.unwrap();
    assert!(sessions.contains(&user.username));
    let handle = sessions
        .split("/admin/sessions/")
        .skip(1)
        .find(|chunk| chunk.len() > 32)
        .map(|chunk| chunk[..32].to_string())
        .unwrap();
    // End every listed session of the user (the admin's own is listed too; find the user's).
    let user_handle = sessions
        .split("<tr>")
        .find(|row| row.contains(&user.username))
        .and_then(|row| row.split("/admin/sessions/").nth(1))
        .map(|chunk| chunk[..32].to_string())
        .unwrap_or(handle);
    let res = admin.post_form(&format!("/admin/sessions/{user_handle}/end"), &[]).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(user.get("/").await.status(), StatusCode::SEE_OTHER, "forced out");
    assert_eq!(audit_count(&pool, "session.end").await, 1);
}

#[tokio::test]
async fn the_auditor_reads_the_log_newest_first() {
    let app = TestApp::spawn().await;
    let officer = app.login_as(Role::CityOfficer, "210100").await;
    officer.post_form("/logout", &[]).await;
    let auditor = app.login_as(Role::Auditor, "").await;
    let page = auditor.get("/audit").await.text().await.unwrap();
    let logout = page.find("session.logout").unwrap();
    let first_login = page.rfind("login.success").unwrap();
    assert!(logout < first_login, "newest first");
    assert!(!page.contains("<form method=\"post\" action=\"/audit"), "read only");
}

#[tokio::test]
async fn the_system_administrator_cannot_move_a_role_holder() {
    let app = TestApp::spawn().await;
    let admin = app.login_as(Role::SysAdmin, "").await;
    let officer = app.create_account(Role::CityOfficer, "210100", None).await;
    let partner = app.create_account(Role::PartnerOfficer, "210100", Some(DepartmentKind::Emergency)).await;
    let pool = app.db.app_pool().await;
    let snapshot = |id: i64| {
        let pool = pool.clone();
        async move {
            sqlx::query_as::<_, (Option<i64>, Option<String>, i32)>(
                "SELECT region_id, department_kind, version FROM accounts WHERE id = $1",
            )
            .bind(id)
            .fetch_one(&pool)
            .await
            .unwrap()
        }
    };
    for (username, fields) in [
        (&officer, [("region", "210200"), ("department", "hrss")]),
        (&partner, [("region", "210100"), ("department", "hrss")]),
    ] {
        let id = account_id(&pool, username).await;
        let before = snapshot(id).await;
        let mut form = vec![("display_name", "改动"), ("version", "1")];
        form.extend(fields);
        let res = admin.post_form(&format!("/admin/accounts/{id}/edit"), &form).await;
        assert_eq!(res.status(), StatusCode::OK, "{username}");
        let body = res.text().await.unwrap();
        assert!(body.contains("只能由安全管理员在分配角色时调整"), "{username}");
        assert!(body.contains("invalid-feedback"), "the message sits beside the field");
        assert_eq!(snapshot(id).await, before, "nothing changed");
    }
    assert_eq!(audit_count(&pool, "account.update").await, 0);

    // The security administrator moves the officer, within the role table.
    let security = app.login_as(Role::SecurityAdmin, "").await;
    let id = account_id(&pool, &officer).await;
    let res = security
        .post_form(
            &format!("/security/roles/{id}"),
            &[("role", "city_officer"), ("region", "210000"), ("department", "")],
        )
        .await;
    assert!(res.text().await.unwrap().contains("只能属于地级市"));
    let res = security
        .post_form(
            &format!("/security/roles/{id}"),
            &[("role", "city_officer"), ("region", "210200"), ("department", "")],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let code: String =
        sqlx::query_scalar("SELECT r.code FROM accounts a JOIN regions r ON r.id = a.region_id WHERE a.id = $1")
            .bind(id)
            .fetch_one(&pool)
            .await
            .unwrap();
    assert_eq!(code, "210200");
}
