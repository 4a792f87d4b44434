//! The TOTP second factor: enrolment, a correct code, a wrong one, a replayed one, recovery
//! codes, and a pending sign-in that reaches nothing else.

use prevention::auth::totp;
use prevention::org::Role;
use reqwest::StatusCode;

use crate::support::{TEST_PASSWORD, TestApp, csrf_token_in};

fn now() -> u64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs()
}

/// Signs in with the password only, leaving the session owing its code.
async fn password_only(app: &TestApp, username: &str) -> (reqwest::Client, String) {
    let (client, res) = app.post_login(username, TEST_PASSWORD).await;
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
    assert!(!page.contains("totp-secret"), "showing the page starts nothing");
    let pending: Option<String> = sqlx::query_scalar("SELECT totp_pending_secret FROM accounts WHERE username = $1")
        .bind(&username)
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(pending, None, "a GET changes nothing");
    let res = user.post_form("/account/totp/start", &[("current_password", "Wrong#Passw0rd")]).await;
    assert!(res.text().await.unwrap().contains("当前密码不正确"));
    let res = user.post_form("/account/totp/start", &[("current_password", TEST_PASSWORD)]).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
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
    assert!(body.contains("恢复码（只显示这一次）"));
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

/// Two sign-ins owing their code; the first guesses until the account locks.
#[tokio::test]
async fn guessing_codes_locks_the_account_and_ends_every_pending_sign_in() {
    let app = TestApp::spawn().await;
    let username = app.create_account(Role::SysAdmin, "", None).await;
    let (a, csrf_a) = password_only(&app, &username).await;
    let (b, csrf_b) = password_only(&app, &username).await;
    let step_before: Option<i64> = sqlx::query_scalar("SELECT totp_last_step FROM accounts WHERE username = $1")
        .bind(&username)
        .fetch_one(&app.db.app_pool().await)
        .await
        .unwrap();
    for attempt in 1..=5 {
        let res = send_code(&app, &a, &csrf_a, "code", "000000").await;
        let body = res.text().await.unwrap();
        assert_eq!(body.contains("账号已锁定"), attempt == 5, "attempt {attempt}");
    }
    // A right code on the other sign-in is refused, and that sign-in is over.
    let code = app.totp_code(&username).await;
    let res = send_code(&app, &b, &csrf_b, "code", &code).await;
    assert_ne!(res.status(), StatusCode::SEE_OTHER);
    let res = b.get(app.url("/login/totp")).send().await.unwrap();
    assert_eq!(res.headers()["location"], "/login", "B no longer works");
    let pool = app.db.app_pool().await;
    let (sessions, locked): (i64, bool) = sqlx::query_as(
        "SELECT (SELECT count(*) FROM sessions s WHERE s.account_id = a.id), locked_until > now()
         FROM accounts a WHERE username = $1",
    )
    .bind(&username)
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!((sessions, locked), (0, true), "no session left, and the right code lifted no lock");
    let used: Option<i64> = sqlx::query_scalar("SELECT totp_last_step FROM accounts WHERE username = $1")
        .bind(&username)
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(used, step_before, "the refused code was not used up");
}

#[tokio::test]
async fn a_locked_account_is_refused_a_right_code() {
    let app = TestApp::spawn().await;
    let username = app.create_account(Role::Auditor, "", None).await;
    let (client, csrf) = password_only(&app, &username).await;
    let pool = app.db.app_pool().await;
    sqlx::query("UPDATE accounts SET locked_until = now() + interval '30 minutes' WHERE username = $1")
        .bind(&username)
        .execute(&pool)
        .await
        .unwrap();
    let code = app.totp_code(&username).await;
    let res = send_code(&app, &client, &csrf, "code", &code).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert!(res.text().await.unwrap().contains("账号已锁定"));
    assert_eq!(client.get(app.url("/")).send().await.unwrap().headers()["location"], "/login");
}

#[tokio::test]
async fn code_attempts_are_rate_limited_per_address() {
    let app = TestApp::spawn_with(axum::Router::new(), |s| s.login_rate_limit_per_minute = 3).await;
    let username = app.create_account(Role::Auditor, "", None).await;
    // The sign-in itself is the first attempt of the minute.
    let (client, csrf) = password_only(&app, &username).await;
    for _ in 0..2 {
        assert_eq!(send_code(&app, &client, &csrf, "code", "000000").await.status(), StatusCode::OK);
    }
    let code = app.totp_code(&username).await;
    assert_eq!(send_code(&app, &client, &csrf, "code", &code).await.status(), StatusCode::TOO_MANY_REQUESTS);
}

#[tokio::test]
async fn completing_the_second_factor_rotates_the_session() {
    let app = TestApp::spawn().await;
    let username = app.create_account(Role::SecurityAdmin, "", None).await;
    let (client, csrf) = password_only(&app, &username).await;
    let pool = app.db.app_pool().await;
    let pending: Vec<u8> = sqlx::query_scalar(
        "SELECT s.id_hash FROM sessions s JOIN accounts a ON a.id = s.account_id WHERE a.username = $1",
    )
    .bind(&username)
    .fetch_one(&pool)
    .await
    .unwrap();
    let code = app.totp_code(&username).await;
    let res = send_code(&app, &client, &csrf, "code", &code).await;
    assert_eq!(res.headers()["location"], "/");
    assert!(res.headers().get_all("set-cookie").iter().any(|c| c.to_str().unwrap().starts_with("prevention_session=")));
    let now: Vec<Vec<u8>> = sqlx::query_scalar(
        "SELECT s.id_hash FROM sessions s JOIN accounts a ON a.id = s.account_id WHERE a.username = $1",
    )
    .bind(&username)
    .fetch_all(&pool)
    .await
    .unwrap();
    assert_eq!(now.len(), 1);
    assert_ne!(now[0], pending, "a new session id");
    let home = client.get(app.url("/")).send().await.unwrap();
    assert_eq!(home.status(), StatusCode::OK);
    let token = csrf_token_in(&home.text().await.unwrap()).unwrap();
    assert_ne!(token, csrf, "and a new CSRF token");
}

#[tokio::test]
async fn replacing_a_second_factor_asks_for_the_password_and_keeps_the_old_one_until_confirmed() {
    let app = TestApp::spawn().await;
    let user = app.login_as(Role::Auditor, "").await;
    let pool = app.db.app_pool().await;
    let old: String = sqlx::query_scalar("SELECT totp_secret FROM accounts WHERE username = $1")
        .bind(&user.username)
        .fetch_one(&pool)
        .await
        .unwrap();
    let page = user.get("/account/totp").await.text().await.unwrap();
    assert!(page.contains("已启用双因素认证") && page.contains("更换身份验证器"));
    let res = user.post_form("/account/totp/start", &[("current_password", TEST_PASSWORD)]).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let page = user.get("/account/totp").await.text().await.unwrap();
    let secret = page.split("<code class=\"totp-secret\">").nth(1).unwrap().split('<').next().unwrap().to_string();
    assert_ne!(secret, old);
    let still: String = sqlx::query_scalar("SELECT totp_secret FROM accounts WHERE username = $1")
        .bind(&user.username)
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(still, old, "the old factor holds until the new one is confirmed");
    let res = user.post_form("/account/totp", &[("code", &totp::code_at(&secret, now()).unwrap())]).await;
    assert!(res.text().await.unwrap().contains("恢复码（只显示这一次）"));
    let replaced: String = sqlx::query_scalar("SELECT totp_secret FROM accounts WHERE username = $1")
        .bind(&user.username)
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(replaced, secret);
    let audited: i64 = sqlx::query_scalar("SELECT count(*) FROM audit_log WHERE action = 'totp.replace'")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(audited, 1);
}
