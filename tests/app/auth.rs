//! Sign-in, sign-out and CSRF, through the real login form.

use prevention::org::Role;
use reqwest::StatusCode;
use reqwest::header::{COOKIE, SET_COOKIE};

use crate::support::{TEST_PASSWORD, TestApp, csrf_token_in};

/// The session cookie a response sets, as `name=value`.
fn session_cookie(res: &reqwest::Response) -> Option<String> {
    res.headers()
        .get_all(SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with("prevention_session=") && !v.contains("Max-Age=0"))
        .map(|v| v.split(';').next().unwrap_or_default().to_string())
}

/// A client without a cookie store, so the test decides what is sent.
fn bare_client() -> reqwest::Client {
    reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).no_proxy().build().unwrap()
}

/// The pre-login cookie a response sets, as `name=value`.
fn prelogin_cookie(res: &reqwest::Response) -> Option<String> {
    res.headers()
        .get_all(SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with("prevention_login=") && !v.contains("Max-Age=0"))
        .map(|v| v.split(';').next().unwrap_or_default().to_string())
}

async fn session_rows(app: &TestApp) -> i64 {
    sqlx::query_scalar("SELECT count(*) FROM sessions").fetch_one(&app.db.app_pool().await).await.unwrap()
}

#[tokio::test]
async fn login_rotates_the_session_and_logout_ends_it() {
    let app = TestApp::spawn().await;
    let username = app.create_account(Role::CityOfficer, "210100", None).await;
    let client = bare_client();

    let page = client.get(app.url("/login")).send().await.unwrap();
    let pre_login = prelogin_cookie(&page).expect("a pre-login cookie");
    assert!(session_cookie(&page).is_none(), "no session before sign-in");
    assert!(
        page.headers()[SET_COOKIE].to_str().unwrap().contains("HttpOnly; SameSite=Lax"),
        "{:?}",
        page.headers()[SET_COOKIE]
    );
    let token = csrf_token_in(&page.text().await.unwrap()).unwrap();

    // The token belongs to its cookie: with another browser's cookie it is refused.
    let other = prelogin_cookie(&client.get(app.url("/login")).send().await.unwrap()).unwrap();
    let res = client
        .post(app.url("/login"))
        .header(COOKIE, &other)
        .form(&[("csrf", token.as_str()), ("username", username.as_str()), ("password", TEST_PASSWORD)])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::FORBIDDEN);

    let res = client
        .post(app.url("/login"))
        .header(COOKIE, &pre_login)
        .form(&[("csrf", token.as_str()), ("username", username.as_str()), ("password", TEST_PASSWORD)])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(res.headers()["location"], "/");
    let signed_in = session_cookie(&res).expect("a new session");
    assert!(
        res.headers().get_all(SET_COOKIE).iter().any(|v| v.to_str().unwrap().starts_with("prevention_login=;")),
        "the pre-login cookie is cleared"
    );

    // The pre-login cookie reaches no page.
    let res = client.get(app.url("/")).header(COOKIE, &pre_login).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);

    let home = client.get(app.url("/")).header(COOKIE, &signed_in).send().await.unwrap();
    assert_eq!(home.status(), StatusCode::OK);
    let csrf = csrf_token_in(&home.text().await.unwrap()).unwrap();
    assert_ne!(csrf, token, "the CSRF token changes at sign-in");

    let res = client
        .post(app.url("/logout"))
        .header(COOKIE, &signed_in)
        .form(&[("csrf", csrf.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(res.headers()["location"], "/login");

    // Replaying the old cookie after logout fails.
    let res = client.get(app.url("/")).header(COOKIE, &signed_in).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(res.headers()["location"], "/login");
    let res = client.get(app.url("/departments")).header(COOKIE, &signed_in).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn a_wrong_password_or_unknown_user_gets_one_message() {
    let app = TestApp::spawn().await;
    let username = app.create_account(Role::CityOfficer, "210100", None).await;
    for (user, password) in [(username.as_str(), "Wrong#Passw0rd"), ("nobody_here", TEST_PASSWORD)] {
        let page = app.client.get(app.url("/login")).send().await.unwrap().text().await.unwrap();
        let token = csrf_token_in(&page).unwrap();
        let res = app
            .client
            .post(app.url("/login"))
            .form(&[("csrf", token.as_str()), ("username", user), ("password", password)])
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::OK);
        let body = res.text().await.unwrap();
        assert!(body.contains("用户名或密码错误"), "{user}");
        assert!(body.contains(&format!("value=\"{user}\"")), "the username is kept");
    }
    assert_eq!(app.get("/").await.status(), StatusCode::SEE_OTHER, "still signed out");
}

#[tokio::test]
async fn usernames_are_case_insensitive_and_disabled_accounts_cannot_sign_in() {
    let app = TestApp::spawn().await;
    let username = app.create_account(Role::CityOfficer, "210100", None).await;
    assert!(app.login(&username.to_uppercase(), TEST_PASSWORD).await.is_ok());

    let pool = app.db.app_pool().await;
    sqlx::query("UPDATE accounts SET disabled_at = now() WHERE username = $1")
        .bind(&username)
        .execute(&pool)
        .await
        .unwrap();
    assert_eq!(app.login(&username, TEST_PASSWORD).await.err(), Some(200));
}

#[tokio::test]
async fn disabling_an_account_ends_its_sessions() {
    let app = TestApp::spawn().await;
    let user = app.login_as(Role::CityOfficer, "210100").await;
    assert_eq!(user.get("/departments").await.status(), StatusCode::OK);
    let pool = app.db.app_pool().await;
    sqlx::query("UPDATE accounts SET disabled_at = now() WHERE username = $1")
        .bind(&user.username)
        .execute(&pool)
        .await
        .unwrap();
    assert_eq!(user.get("/departments").await.status(), StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn unsafe_requests_need_the_sessions_token_and_our_origin() {
    let app = TestApp::spawn().await;
    let user = app.login_as(Role::CityOfficer, "210100").await;
    let other = app.login_as(Role::CityOfficer, "210100").await;
    let logout = user.url("/logout");

    // No token.
    let res = user.client.post(&logout).form(&[("x", "1")]).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    assert!(res.text().await.unwrap().contains("页面已过期或请求来源不明"));
    // Another session's token.
    let res = user.client.post(&logout).form(&[("csrf", other.csrf.as_str())]).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    // The right token from a foreign page.
    let res = user
        .client
        .post(&logout)
        .header("origin", "http://evil.example")
        .form(&[("csrf", user.csrf.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    let res = user
        .client
        .post(&logout)
        .header("referer", "http://evil.example/page")
        .form(&[("csrf", user.csrf.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    // Still signed in after all that.
    assert_eq!(user.get("/").await.status(), StatusCode::OK);

    // Our own origin with the right token works.
    let origin = app.address.clone();
    let res =
        user.client.post(&logout).header("origin", origin).form(&[("csrf", user.csrf.as_str())]).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(user.get("/").await.status(), StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn the_token_may_come_as_a_header() {
    let app = TestApp::spawn().await;
    let user = app.login_as(Role::CityOfficer, "210100").await;
    let res = user.client.post(user.url("/logout")).header("x-csrf-token", &user.csrf).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn a_login_post_without_the_login_page_is_refused() {
    let app = TestApp::spawn().await;
    let username = app.create_account(Role::CityOfficer, "210100", None).await;
    let res = bare_client()
        .post(app.url("/login"))
        .form(&[("csrf", "0".repeat(64).as_str()), ("username", username.as_str()), ("password", TEST_PASSWORD)])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn a_signed_in_user_is_sent_home_from_the_login_page() {
    let app = TestApp::spawn().await;
    let user = app.login_as(Role::ProvinceOfficer, "210000").await;
    let res = user.get("/login").await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(res.headers()["location"], "/");
}

#[tokio::test]
async fn showing_the_login_page_writes_nothing() {
    let app = TestApp::spawn().await;
    let before = session_rows(&app).await;
    for _ in 0..20 {
        let res = bare_client().get(app.url("/login")).send().await.unwrap();
        assert_eq!(res.status(), StatusCode::OK);
        assert!(prelogin_cookie(&res).is_some());
    }
    assert_eq!(session_rows(&app).await, before, "no row per visit");
    let audit: i64 =
        sqlx::query_scalar("SELECT count(*) FROM audit_log").fetch_one(&app.db.app_pool().await).await.unwrap();
    assert_eq!(audit, 0);
}

#[tokio::test]
async fn a_forged_or_stale_pre_login_cookie_gets_no_token_through() {
    let app = TestApp::spawn().await;
    let username = app.create_account(Role::CityOfficer, "210100", None).await;
    let page = bare_client().get(app.url("/login")).send().await.unwrap();
    let cookie = prelogin_cookie(&page).unwrap();
    let token = csrf_token_in(&page.text().await.unwrap()).unwrap();
    // The same nonce issued two hours earlier: its token (even if one knew it) is expired.
    let (_, nonce) = cookie.split_once('.').unwrap();
    let issued: i64 = cookie.trim_start_matches("prevention_login=").split('.').next().unwrap().parse().unwrap();
    let stale = format!("prevention_login={}.{nonce}", issued - 7200);
    for forged in [stale, "prevention_login=garbage".to_string()] {
        let res = bare_client()
            .post(app.url("/login"))
            .header(COOKIE, &forged)
            .form(&[("csrf", token.as_str()), ("username", username.as_str()), ("password", TEST_PASSWORD)])
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::FORBIDDEN, "{forged}");
    }
}
