//! Identity to 等保 level 3: password rules and history, first-login change, lockout, rate
//! limit, session expiry, and the audit record of every such event.

use std::sync::atomic::Ordering;

use prevention::auth::password::DUMMY_VERIFICATIONS;
use prevention::org::Role;
use reqwest::StatusCode;
use sqlx::PgPool;

use crate::support::{TEST_PASSWORD, TestApp, TestUser, csrf_token_in, new_client};

async fn audit_count(pool: &PgPool, action: &str) -> i64 {
    sqlx::query_scalar("SELECT count(*) FROM audit_log WHERE action = $1").bind(action).fetch_one(pool).await.unwrap()
}

async fn exec(pool: &PgPool, sql: &'static str, username: &str) {
    sqlx::query(sql).bind(username).execute(pool).await.unwrap();
}

/// Posts the login form from a fresh browser; returns the answer's status and body.
async fn try_login(app: &TestApp, username: &str, password: &str) -> (u16, String) {
    let (_, res) = app.post_login(username, password).await;
    (res.status().as_u16(), res.text().await.unwrap_or_default())
}

async fn change_password(user: &TestUser, current: &str, new: &str, confirm: &str) -> reqwest::Response {
    user.post_form(
        "/account/password",
        &[("current_password", current), ("new_password", new), ("confirm_password", confirm)],
    )
    .await
}

#[tokio::test]
async fn each_password_rule_is_refused_with_its_message() {
    let app = TestApp::spawn().await;
    let user = app.login_as(Role::CityOfficer, "210100").await;
    let with_name = format!("X#{}9", user.username);
    let cases = [
        ("Wrong#Passw0rd", "Gongshang#Yufang7", "Gongshang#Yufang7", "当前密码不正确"),
        (TEST_PASSWORD, "Ab1#xyz", "Ab1#xyz", "密码至少 10 个字符"),
        (TEST_PASSWORD, "abcdefghijk1", "abcdefghijk1", "至少三类"),
        (TEST_PASSWORD, with_name.as_str(), with_name.as_str(), "密码不能包含用户名"),
        (TEST_PASSWORD, "Password123!", "Password123!", "密码过于常见"),
        (TEST_PASSWORD, "Gongshang#Yufang7", "Gongshang#Yufang8", "两次输入的新密码不一致"),
        (TEST_PASSWORD, TEST_PASSWORD, TEST_PASSWORD, "不能使用最近 5 次用过的密码"),
    ];
    for (current, new, confirm, message) in cases {
        let res = change_password(&user, current, new, confirm).await;
        assert_eq!(res.status(), StatusCode::OK, "{message}");
        let body = res.text().await.unwrap();
        assert!(body.contains(message), "expected {message}");
        assert!(body.contains("invalid-feedback"));
    }
    assert_eq!(audit_count(&app.db.app_pool().await, "password.change").await, 0);
}

#[tokio::test]
async fn a_changed_password_joins_the_history_and_ends_other_sessions() {
    let app = TestApp::spawn().await;
    let username = app.create_account(Role::CityOfficer, "210100", None).await;
    let first = app.login(&username, TEST_PASSWORD).await.unwrap();
    let second = app.login(&username, TEST_PASSWORD).await.unwrap();

    let res = change_password(&first, TEST_PASSWORD, "Gongshang#Yufang7", "Gongshang#Yufang7").await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let rotated =
        res.headers().get_all("set-cookie").iter().any(|c| c.to_str().unwrap().starts_with("prevention_session="));
    assert!(rotated, "the current session gets a new id");
    assert_eq!(second.get("/").await.status(), StatusCode::SEE_OTHER, "the other session ended");
    let home = first.get("/").await;
    assert_eq!(home.status(), StatusCode::OK, "this one goes on");
    assert!(home.text().await.unwrap().contains("密码已修改"));

    // The old password is remembered and refused; the new one signs in.
    let again = app.login(&username, "Gongshang#Yufang7").await.unwrap();
    let res = change_password(&again, "Gongshang#Yufang7", TEST_PASSWORD, TEST_PASSWORD).await;
    assert!(res.text().await.unwrap().contains("不能使用最近 5 次用过的密码"));
    assert_eq!(audit_count(&app.db.app_pool().await, "password.change").await, 1);
}

#[tokio::test]
async fn a_first_login_must_change_the_password_before_anything_else() {
    let app = TestApp::spawn().await;
    let username = app.create_account(Role::CityOfficer, "210100", None).await;
    let pool = app.db.app_pool().await;
    exec(&pool, "UPDATE accounts SET must_change_password = true WHERE username = $1", &username).await;
    let user = app.login(&username, TEST_PASSWORD).await.unwrap();

    for path in ["/", "/departments"] {
        let res = user.get(path).await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER, "{path}");
        assert_eq!(res.headers()["location"], "/account/password");
    }
    let res = user.post_form("/departments/1/edit", &[("version", "1")]).await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    let page = user.get("/account/password").await.text().await.unwrap();
    assert!(page.contains("请先设置新密码"));

    let res = change_password(&user, TEST_PASSWORD, "Gongshang#Yufang7", "Gongshang#Yufang7").await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(user.get("/departments").await.status(), StatusCode::OK);
}

#[tokio::test]
async fn an_old_password_expires_and_warns_before() {
    let app = TestApp::spawn().await;
    let user = app.login_as(Role::CityOfficer, "210100").await;
    let pool = app.db.app_pool().await;
    exec(
        &pool,
        "UPDATE accounts SET password_changed_at = now() - interval '85 days' WHERE username = $1",
        &user.username,
    )
    .await;
    let home = user.get("/").await.text().await.unwrap();
    assert!(
        home.contains("您的密码将在 4 天后过期") || home.contains("您的密码将在 5 天后过期"),
        "warned a week ahead"
    );

    exec(
        &pool,
        "UPDATE accounts SET password_changed_at = now() - interval '91 days' WHERE username = $1",
        &user.username,
    )
    .await;
    let res = user.get("/").await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(res.headers()["location"], "/account/password");
}

#[tokio::test]
async fn an_account_without_a_role_reaches_only_its_password_page() {
    let app = TestApp::spawn().await;
    let user = app.login_as(Role::CityOfficer, "210100").await;
    let pool = app.db.app_pool().await;
    exec(
        &pool,
        "UPDATE accounts SET role = NULL, region_id = NULL, department_kind = NULL WHERE username = $1",
        &user.username,
    )
    .await;
    assert_eq!(user.get("/").await.status(), StatusCode::FORBIDDEN);
    assert_eq!(user.get("/departments").await.status(), StatusCode::FORBIDDEN);
    let page = user.get("/account/password").await.text().await.unwrap();
    assert!(page.contains("尚未分配角色"));
}

#[tokio::test]
async fn an_unknown_username_verifies_the_dummy_hash() {
    let app = TestApp::spawn().await;
    let before = DUMMY_VERIFICATIONS.load(Ordering::SeqCst);
    let (status, body) = try_login(&app, "nobody_at_all", TEST_PASSWORD).await;
    assert_eq!(status, 200);
    assert!(body.contains("用户名或密码错误"));
    assert!(DUMMY_VERIFICATIONS.load(Ordering::SeqCst) > before, "the dummy hash was verified");
}

#[tokio::test]
async fn five_failures_lock_even_against_the_right_password() {
    let app = TestApp::spawn().await;
    let username = app.create_account(Role::CityOfficer, "210100", None).await;
    for attempt in 1..=4 {
        let (_, body) = try_login(&app, &username, "Wrong#Passw0rd").await;
        assert!(body.contains("用户名或密码错误"), "attempt {attempt}");
    }
    let (_, body) = try_login(&app, &username, "Wrong#Passw0rd").await;
    assert!(body.contains("账号已锁定，请 30 分钟后再试"), "the fifth failure locks");
    let (_, body) = try_login(&app, &username, TEST_PASSWORD).await;
    assert!(body.contains("账号已锁定"), "still locked with the right password");
    assert!(app.login(&username, TEST_PASSWORD).await.is_err());

    let pool = app.db.app_pool().await;
    assert_eq!(audit_count(&pool, "account.lock").await, 1);
    assert_eq!(audit_count(&pool, "login.failure").await, 7, "4 wrong, the locking one, 2 while locked");

    // The lock ends by itself.
    exec(&pool, "UPDATE accounts SET locked_until = now() - interval '1 second' WHERE username = $1", &username).await;
    assert!(app.login(&username, TEST_PASSWORD).await.is_ok());
    let failures: i32 = sqlx::query_scalar("SELECT failed_logins FROM accounts WHERE username = $1")
        .bind(&username)
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(failures, 0, "a success starts the count again");
}

#[tokio::test]
async fn the_rate_limit_answers_429_only_past_its_threshold() {
    let app = TestApp::spawn_with(axum::Router::new(), |s| s.login_rate_limit_per_minute = 3).await;
    for attempt in 1..=3 {
        let (status, _) = try_login(&app, "nobody_here", "Wrong#Passw0rd").await;
        assert_eq!(status, 200, "attempt {attempt}");
    }
    let (status, body) = try_login(&app, "nobody_here", "Wrong#Passw0rd").await;
    assert_eq!(status, 429);
    assert!(body.contains("登录尝试过于频繁"));
}

#[tokio::test]
async fn idle_and_absolute_timeouts_end_sessions() {
    let app = TestApp::spawn().await;
    let idle = app.login_as(Role::CityOfficer, "210100").await;
    let absolute = app.login_as(Role::CityOfficer, "210100").await;
    let pool = app.db.app_pool().await;
    let set = |sql: &'static str, user: &TestUser| {
        let pool = pool.clone();
        let username = user.username.clone();
        async move {
            sqlx::query(sql).bind(username).execute(&pool).await.unwrap();
        }
    };
    set(
        "UPDATE sessions SET last_seen_at = now() - interval '31 minutes'
         WHERE account_id = (SELECT id FROM accounts WHERE username = $1)",
        &idle,
    )
    .await;
    set(
        "UPDATE sessions SET expires_at = now() - interval '1 second'
         WHERE account_id = (SELECT id FROM accounts WHERE username = $1)",
        &absolute,
    )
    .await;
    for user in [&idle, &absolute] {
        let res = user.get("/departments").await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER);
        assert_eq!(res.headers()["location"], "/login");
    }
    let page = idle.get("/login").await.text().await.unwrap();
    assert!(page.contains("登录已过期"), "the sign-in page says why");

    // A shorter idle timeout set by the security administrator applies at once.
    let third = app.login_as(Role::CityOfficer, "210100").await;
    sqlx::query("INSERT INTO security_policy (session_idle_timeout_secs) VALUES (120)").execute(&pool).await.unwrap();
    set(
        "UPDATE sessions SET last_seen_at = now() - interval '3 minutes'
         WHERE account_id = (SELECT id FROM accounts WHERE username = $1)",
        &third,
    )
    .await;
    assert_eq!(third.get("/").await.status(), StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn each_event_writes_exactly_one_audit_row() {
    let app = TestApp::spawn().await;
    let pool = app.db.app_pool().await;
    let user = app.login_as(Role::CityOfficer, "210100").await;
    assert_eq!(audit_count(&pool, "login.success").await, 1);

    try_login(&app, &user.username, "Wrong#Passw0rd").await;
    assert_eq!(audit_count(&pool, "login.failure").await, 1);

    let expert = app.login_as(Role::Expert, "210100").await;
    assert_eq!(expert.get("/departments").await.status(), StatusCode::FORBIDDEN);
    assert_eq!(audit_count(&pool, "access.denied").await, 1);
    let (route, detail): (String, String) =
        sqlx::query_as("SELECT object_id, detail FROM audit_log WHERE action = 'access.denied'")
            .fetch_one(&pool)
            .await
            .unwrap();
    assert_eq!((route.as_str(), detail.as_str()), ("/departments", "GET /departments"));

    let id = crate::support::departments::department_id(&app.db, "210100", "finance").await;
    let res = user
        .post_form(
            &format!("/departments/{id}/edit"),
            &[("contact_person", "钱财"), ("contact_phone", "13812345678"), ("address", ""), ("version", "1")],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(audit_count(&pool, "department.update").await, 1);
    let (before, after, object): (serde_json::Value, serde_json::Value, String) =
        sqlx::query_as("SELECT before, after, object_id FROM audit_log WHERE action = 'department.update'")
            .fetch_one(&pool)
            .await
            .unwrap();
    assert_eq!(object, id.to_string());
    assert_eq!(before["contact_person"], "");
    assert_eq!(after["contact_person"], "钱财");
    assert_eq!(after["contact_phone"], "138****5678", "personal data masked in the copy");

    let res = change_password(&user, TEST_PASSWORD, "Gongshang#Yufang7", "Gongshang#Yufang7").await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(audit_count(&pool, "password.change").await, 1);

    // The change rotated the session and its token.
    let fresh = csrf_token_in(&user.get("/account/password").await.text().await.unwrap()).unwrap();
    let res = user.client.post(user.url("/logout")).form(&[("csrf", fresh.as_str())]).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(audit_count(&pool, "session.logout").await, 1);

    // Who, from where, in which request.
    let (username, role, client, request): (String, String, String, String) = sqlx::query_as(
        "SELECT username, role, client_addr, request_id FROM audit_log WHERE action = 'department.update'",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(
        (username.as_str(), role.as_str(), client.as_str()),
        (user.username.as_str(), "city_officer", "127.0.0.1")
    );
    assert_eq!(request.len(), 36);
}

#[tokio::test]
async fn the_runtime_role_cannot_rewrite_the_audit_log() {
    let app = TestApp::spawn().await;
    app.login_as(Role::CityOfficer, "210100").await;
    let pool = app.db.app_pool().await;
    for sql in ["UPDATE audit_log SET success = false", "DELETE FROM audit_log", "TRUNCATE audit_log"] {
        let err = sqlx::query(sql).execute(&pool).await.unwrap_err();
        assert_eq!(err.as_database_error().and_then(|e| e.code()).as_deref(), Some("42501"), "{sql}: {err}");
    }
    assert_eq!(audit_count(&pool, "login.success").await, 1);
}

#[tokio::test]
async fn a_failing_audit_write_rolls_the_change_back() {
    let app = TestApp::spawn().await;
    let pool = app.db.app_pool().await;
    let region = prevention::regions::store::find_by_code(&pool, "210100").await.unwrap().unwrap();
    let actor = prevention::auth::Actor {
        account_id: prevention::org::AccountId(1),
        username: "x".into(),
        display_name: "x".into(),
        role: Role::CityOfficer,
        region: Some(region),
        department: None,
    };
    let id = crate::support::departments::department_id(&app.db, "210100", "health").await;
    // The audit table refuses the runtime role's insert (in this test's database only).
    crate::support::exec(&app.db.owner_pool().await, "REVOKE INSERT ON audit_log FROM prevention_app").await;
    let audit = prevention::audit::AuditContext::default();
    let form = prevention::departments::model::ContactForm {
        contact_person: "不应保存".into(),
        version: "1".into(),
        ..Default::default()
    };
    let (contact, version) = form.parse().unwrap();
    let result = prevention::departments::store::update_contact(
        &pool,
        actor.db(),
        &audit,
        prevention::departments::DepartmentId(id),
        version,
        &contact,
    )
    .await;
    assert!(result.is_err());
    assert_eq!(crate::support::departments::department_version(&app.db, id).await, 1, "the change was rolled back");
}

#[tokio::test]
async fn last_seen_is_written_at_most_once_a_minute() {
    let app = TestApp::spawn().await;
    let user = app.login_as(Role::CityOfficer, "210100").await;
    let pool = app.db.app_pool().await;
    let last_seen = || {
        let pool = pool.clone();
        let username = user.username.clone();
        async move {
            sqlx::query_scalar::<_, chrono::DateTime<chrono::Utc>>(
                "SELECT last_seen_at FROM sessions WHERE account_id = (SELECT id FROM accounts WHERE username = $1)",
            )
            .bind(username)
            .fetch_one(&pool)
            .await
            .unwrap()
        }
    };
    let first = last_seen().await;
    user.get("/").await;
    user.get("/departments").await;
    assert_eq!(last_seen().await, first, "fresh: not written again");

    sqlx::query(
        "UPDATE sessions SET last_seen_at = now() - interval '61 seconds'
         WHERE account_id = (SELECT id FROM accounts WHERE username = $1)",
    )
    .bind(&user.username)
    .execute(&pool)
    .await
    .unwrap();
    let stale = last_seen().await;
    user.get("/").await;
    assert!(last_seen().await > stale, "older than a minute: refreshed");
}

#[tokio::test]
async fn behind_a_trusted_proxy_the_forwarded_client_counts() {
    let app = TestApp::spawn_with(axum::Router::new(), |s| {
        s.trust_forwarded_for = true;
        s.login_rate_limit_per_minute = 2;
    })
    .await;
    let attempt = |ip: &'static str| {
        let app_url = app.url("/login");
        async move {
            let client = new_client();
            let page = client.get(&app_url).header("x-forwarded-for", ip).send().await.unwrap().text().await.unwrap();
            let token = csrf_token_in(&page).unwrap();
            client
                .post(&app_url)
                .header("x-forwarded-for", format!("198.51.100.1, {ip}"))
                .form(&[("csrf", token.as_str()), ("username", "nobody_here"), ("password", "Wrong#Passw0rd")])
                .send()
                .await
                .unwrap()
                .status()
        }
    };
    assert_eq!(attempt("203.0.113.7").await, StatusCode::OK);
    assert_eq!(attempt("203.0.113.7").await, StatusCode::OK);
    assert_eq!(attempt("203.0.113.7").await, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(attempt("203.0.113.8").await, StatusCode::OK, "another client behind the same proxy is not blocked");
    let addr: String =
        sqlx::query_scalar("SELECT client_addr FROM audit_log WHERE action = 'login.failure' ORDER BY id LIMIT 1")
            .fetch_one(&app.db.app_pool().await)
            .await
            .unwrap();
    assert_eq!(addr, "203.0.113.7", "the rightmost entry, the one the proxy wrote");
}

/// The lock is set by another attempt while this sign-in's password is being checked: the
/// right password must not get through, nor clear the lock. The test holds the account's row
/// so the sign-in waits exactly between its first look and its success, then locks it.
#[tokio::test]
async fn a_lock_set_during_a_right_sign_in_still_refuses_it() {
    let app = TestApp::spawn().await;
    let username = app.create_account(Role::CityOfficer, "210100", None).await;
    let pool = app.db.app_pool().await;
    let client = new_client();
    let page = client.get(app.url("/login")).send().await.unwrap().text().await.unwrap();
    let token = csrf_token_in(&page).unwrap();

    let mut hold = pool.begin().await.unwrap();
    sqlx::query("SELECT id FROM accounts WHERE username = $1 FOR UPDATE")
        .bind(&username)
        .execute(&mut *hold)
        .await
        .unwrap();
    let url = app.url("/login");
    let name = username.clone();
    let sign_in = tokio::spawn(async move {
        let res = client
            .post(url)
            .form(&[("csrf", token.as_str()), ("username", name.as_str()), ("password", TEST_PASSWORD)])
            .send()
            .await
            .unwrap();
        (res.status().as_u16(), res.text().await.unwrap())
    });
    // Wait until the sign-in is blocked on the row, i.e. past its lookup and password check.
    let mut waited = 0;
    loop {
        let blocked: i64 = sqlx::query_scalar(
            "SELECT count(*) FROM pg_stat_activity
             WHERE datname = current_database() AND wait_event_type = 'Lock' AND query LIKE '%UPDATE accounts%'",
        )
        .fetch_one(&pool)
        .await
        .unwrap();
        if blocked > 0 {
            break;
        }
        waited += 1;
        assert!(waited < 500, "the sign-in never reached its success update");
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    sqlx::query(
        "UPDATE accounts SET failed_logins = 5, locked_until = now() + interval '30 minutes' WHERE username = $1",
    )
    .bind(&username)
    .execute(&mut *hold)
    .await
    .unwrap();
    hold.commit().await.unwrap();

    let (status, body) = sign_in.await.unwrap();
    assert_eq!(status, 200);
    assert!(body.contains("账号已锁定"), "the lock message is shown");
    let (sessions, locked): (i64, bool) = sqlx::query_as(
        "SELECT (SELECT count(*) FROM sessions s WHERE s.account_id = a.id), locked_until > now()
         FROM accounts a WHERE username = $1",
    )
    .bind(&username)
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!((sessions, locked), (0, true), "no session was created and the lock stands");
    assert_eq!(audit_count(&pool, "login.success").await, 0);
}

#[tokio::test]
async fn twenty_parallel_wrong_guesses_lock_out_the_right_password() {
    let app = TestApp::spawn().await;
    let username = app.create_account(Role::CityOfficer, "210100", None).await;
    let guesses = (0..20).map(|_| try_login(&app, &username, "Wrong#Passw0rd"));
    let answers = futures_join_all(guesses).await;
    assert!(answers.iter().all(|(status, _)| *status == 200));
    let (status, body) = try_login(&app, &username, TEST_PASSWORD).await;
    assert_eq!(status, 200);
    assert!(body.contains("账号已锁定"), "the right password after the flood is refused");
    let pool = app.db.app_pool().await;
    let (failures, locked): (i32, bool) =
        sqlx::query_as("SELECT failed_logins, locked_until > now() FROM accounts WHERE username = $1")
            .bind(&username)
            .fetch_one(&pool)
            .await
            .unwrap();
    assert!(locked);
    assert!(failures >= 5, "every failure counted: {failures}");
    assert_eq!(audit_count(&pool, "login.success").await, 0);
}

/// Runs futures concurrently on this task (no extra dependency for `join_all`).
async fn futures_join_all<F: std::future::Future>(futures: impl Iterator<Item = F>) -> Vec<F::Output> {
    let mut set = Vec::new();
    for f in futures {
        set.push(Box::pin(f));
    }
    let mut out: Vec<Option<F::Output>> = (0..set.len()).map(|_| None).collect();
    std::future::poll_fn(|cx| {
        let mut pending = false;
        for (i, f) in set.iter_mut().enumerate() {
            if out[i].is_none() {
                match f.as_mut().poll(cx) {
                    std::task::Poll::Ready(v) => out[i] = Some(v),
                    std::task::Poll::Pending => pending = true,
                }
            }
        }
        if pending { std::task::Poll::Pending } else { std::task::Poll::Ready(()) }
    })
    .await;
    out.into_iter().map(|o| o.expect("every future finished")).collect()
}

#[tokio::test]
async fn wrong_current_passwords_count_towards_the_lockout() {
    let app = TestApp::spawn().await;
    let user = app.login_as(Role::CityOfficer, "210100").await;
    let other = app.login(&user.username, TEST_PASSWORD).await.unwrap();
    for attempt in 1..=4 {
        let res = change_password(&user, "Wrong#Passw0rd", "Gongshang#Yufang7", "Gongshang#Yufang7").await;
        assert!(res.text().await.unwrap().contains("当前密码不正确"), "attempt {attempt}");
    }
    let res = change_password(&user, "Wrong#Passw0rd", "Gongshang#Yufang7", "Gongshang#Yufang7").await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(res.headers()["location"], "/login");
    let pool = app.db.app_pool().await;
    assert_eq!(audit_count(&pool, "login.failure").await, 5);
    assert_eq!(audit_count(&pool, "account.lock").await, 1);
    assert_eq!(user.get("/").await.headers()["location"], "/login", "this session ended");
    assert_eq!(other.get("/").await.headers()["location"], "/login", "and every other");
    let (status, body) = try_login(&app, &user.username, TEST_PASSWORD).await;
    assert_eq!(status, 200);
    assert!(body.contains("账号已锁定"));
}

#[tokio::test]
async fn a_shortened_absolute_timeout_ends_existing_sessions_and_the_purge_uses_it() {
    let app = TestApp::spawn().await;
    let user = app.login_as(Role::CityOfficer, "210100").await;
    let pool = app.db.app_pool().await;
    exec(
        &pool,
        "UPDATE sessions SET created_at = now() - interval '2 hours'
         WHERE account_id = (SELECT id FROM accounts WHERE username = $1)",
        &user.username,
    )
    .await;
    assert_eq!(user.get("/").await.status(), StatusCode::OK, "within the 8 hours configured");
    sqlx::query("INSERT INTO security_policy (session_absolute_timeout_secs) VALUES (3600)")
        .execute(&pool)
        .await
        .unwrap();
    let res = user.get("/").await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER, "past the shortened absolute timeout");
    let configured = prevention::auth::policy::SecurityPolicy::from_settings(&prevention::config::Settings::default());
    let removed = prevention::auth::store::purge_expired_sessions(&pool, &configured).await.unwrap();
    assert_eq!(removed, 1, "the purge reads the policy in force");
}
