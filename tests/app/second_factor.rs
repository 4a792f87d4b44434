//! The TOTP second factor: enrolment, a correct code, a wrong one, a replayed one, recovery
//! codes, and a pending sign-in that reaches nothing else.

use prevention::access::Role;
use prevention::auth::totp;
use reqwest::StatusCode;

use crate::support::{TEST_PASSWORD, TestApp, csrf_token_in, new_client};

fn now() -> u64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs()
}

/// Signs in with the password only, leaving the session owing its code.
async fn password_only(app: &TestApp, username: &str) -> (reqwest::Client, String) {
    let client = new_client();
    let page = client.get(app.url("/login")).send().await.unwrap().text().await.unwrap();
    let token = csrf_token_in(&page).unwrap();
    let res = client
        .post(app.url("/login"))
        .form(&[("csrf", token.as_str()), ("username", username), ("password", TEST_PASSWORD)])
        .send()
        .await
        .unwrap();
    assert_eq!(res.headers()["location"], "/login/totp");
    let page = client.get(app.url("/login/totp")).send().await.unwrap().text().await.unwrap();
    (client, csrf_token_in(&page).unwrap())
}

async fn send_code(app: &TestApp, client: &reqwest::Client, csrf: &str, field: &str, code: &str) -> reqwest::Response {
    client.post(app.url("/login/totp")).form(&[("csrf", csrf), (field, code)]).send().await.unwrap()
}

#[tokio::test]
async fn an_administrator_enrols_before_anything_else() {
    let app = TestApp::spawn().await;
    let username = app.create_account(Role::SysAdmin, "", None).await;
    let pool = app.db.app_pool().await;
    sqlx::query("UPDATE accounts SET totp_secret = NULL, totp_enabled_at = NULL WHERE username = $1")
        .bind(&username)
        .execute(&pool)
        .await
        .unwrap();
    let user = app.login(&username, TEST_PASSWORD).await.unwrap();
    let res = user.get("/").await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(res.headers()["location"], "/account/totp");

    let page = user.get("/account/totp").await.text().await.unwrap();
    assert!(page.contains("您的角色必须启用双因素认证"));
    let secret = page.split("<code class=\"totp-secret\">").nth(1).unwrap().split('<').next().unwrap().to_string();
    assert_eq!(secret.len(), 32);
    assert!(page.contains(&format!("otpauth://totp/%E5%B7%A5%E4%BC%A4%E9%A2%84%E9%98%B2%E7%AE%A1%E7%90%86%E5%B9%B3%E5%8F%B0:{username}?secret={secret}")));

    let res = user.post_form("/account/totp", &[("code", "000000")]).await;
    assert!(res.text().await.unwrap().contains("动态口令不正确"));
    let code = totp::code_at(&secret, now()).unwrap();
    let res = user.post_form("/account/totp", &[("code", &code)]).await;
    assert_eq!(res.status(), StatusCode::OK);
    let body = res.text().await.unwrap();
    assert!(body.contains("恢复码(只显示这一次)"));
    let codes = body.split("recovery-codes").nth(1).unwrap().split("</ul>").next().unwrap();
    assert_eq!(codes.matches("<li>").count(), 10, "ten recovery codes");
    assert_eq!(user.get("/").await.status(), StatusCode::OK);
    let enrolments: i64 = sqlx::query_scalar("SELECT count(*) FROM audit_log WHERE action = 'totp.enroll'")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(enrolments, 1);
}

#[tokio::test]
async fn a_pending_sign_in_reaches_only_the_code_page() {
    let app = TestApp::spawn().await;
    let username = app.create_account(Role::Auditor, "", None).await;
    let (client, csrf) = password_only(&app, &username).await;
    for path in ["/", "/account/password", "/account/totp", "/departments"] {
        let res = client.get(app.url(path)).send().await.unwrap();
        assert_eq!(res.status(), StatusCode::SEE_OTHER, "{path}");
        assert_eq!(res.headers()["location"], "/login/totp", "{path}");
    }
    let res = client
        .post(app.url("/account/password"))
        .form(&[("csrf", csrf.as_str()), ("current_password", TEST_PASSWORD)])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    let pool = app.db.app_pool().await;
    let successes: i64 = sqlx::query_scalar("SELECT count(*) FROM audit_log WHERE action = 'login.success'")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(successes, 0, "not signed in until the code comes");
}

#[tokio::test]
async fn a_correct_code_signs_in_and_is_good_only_once() {
    let app = TestApp::spawn().await;
    let username = app.create_account(Role::SecurityAdmin, "", None).await;
    let (client, csrf) = password_only(&app, &username).await;
    let res = send_code(&app, &client, &csrf, "code", "123456").await;
    assert!(res.text().await.unwrap().contains("动态口令或恢复码不正确"), "a wrong code");

    let code = app.totp_code(&username).await;
    let res = send_code(&app, &client, &csrf, "code", &code).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(res.headers()["location"], "/");
    assert_eq!(client.get(app.url("/")).send().await.unwrap().status(), StatusCode::OK);

    // The same code again, in another sign-in: refused.
    let (other, csrf) = password_only(&app, &username).await;
    let res = send_code(&app, &other, &csrf, "code", &code).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert!(res.text().await.unwrap().contains("或已使用过"));
    assert_eq!(other.get(app.url("/")).send().await.unwrap().headers()["location"], "/login/totp");
}

#[tokio::test]
async fn a_recovery_code_works_once() {
    let app = TestApp::spawn().await;
    let username = app.create_account(Role::SysAdmin, "", None).await;
    let pool = app.db.app_pool().await;
    sqlx::query("INSERT INTO recovery_codes (account_id, code_hash) SELECT id, $2 FROM accounts WHERE username = $1")
        .bind(&username)
        .bind(&totp::hash_recovery_code("abcde-fghjk")[..])
        .execute(&pool)
        .await
        .unwrap();
    let (client, csrf) = password_only(&app, &username).await;
    let res = send_code(&app, &client, &csrf, "recovery_code", "ABCDE-FGHJK").await;
    assert_eq!(res.headers()["location"], "/");
    let (again, csrf) = password_only(&app, &username).await;
    let res = send_code(&app, &again, &csrf, "recovery_code", "abcde-fghjk").await;
    assert_eq!(res.status(), StatusCode::OK, "used up");
}

#[tokio::test]
async fn wrong_codes_count_towards_the_lockout() {
    let app = TestApp::spawn().await;
    let username = app.create_account(Role::Auditor, "", None).await;
    let (client, csrf) = password_only(&app, &username).await;
    for _ in 0..4 {
        send_code(&app, &client, &csrf, "code", "000000").await;
    }
    let res = send_code(&app, &client, &csrf, "code", "000000").await;
    assert!(res.text().await.unwrap().contains("账号已锁定"));
    assert_eq!(client.get(app.url("/")).send().await.unwrap().headers()["location"], "/login", "the session ended");
}

#[tokio::test]
async fn every_account_may_be_required_to_use_a_second_factor() {
    let app = TestApp::spawn().await;
    let user = app.login_as(Role::CityOfficer, "210100").await;
    assert_eq!(user.get("/").await.status(), StatusCode::OK);
    let pool = app.db.app_pool().await;
    sqlx::query("INSERT INTO security_policy (totp_required_for_all) VALUES (true)").execute(&pool).await.unwrap();
    let res = user.get("/").await;
    assert_eq!(res.headers()["location"], "/account/totp");
}
