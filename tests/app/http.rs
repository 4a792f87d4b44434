//! The HTTP basics every page relies on: health endpoints, security headers, error pages.

use std::time::Duration;

use axum::Router;
use axum::routing::get;
use prevention::AppError;
use reqwest::StatusCode;
use reqwest::header::HeaderMap;

use prevention::org::Role;

use crate::support::{TestApp, exec};

fn assert_security_headers(headers: &HeaderMap) {
    let get = |name: &str| headers.get(name).and_then(|v| v.to_str().ok()).unwrap_or_default().to_string();
    assert_eq!(
        get("content-security-policy"),
        "default-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"
    );
    assert_eq!(get("x-content-type-options"), "nosniff");
    assert_eq!(get("x-frame-options"), "DENY");
    assert_eq!(get("referrer-policy"), "same-origin");
    assert_eq!(get("permissions-policy"), "camera=(), microphone=(), geolocation=()");
    assert_eq!(get("cache-control"), "no-store");
    assert!(!get("x-request-id").is_empty());
}

fn request_id(headers: &HeaderMap) -> String {
    headers["x-request-id"].to_str().unwrap().to_string()
}

/// Routes that fail on purpose, the way real handlers can.
fn failing_routes() -> Router<prevention::AppState> {
    Router::new()
        .route(
            "/test/database-error",
            get(|| async {
                Err::<(), _>(AppError::Database(sqlx::Error::Protocol(
                    "relation \"secret_table\" does not exist at /srv/prevention/src/store.rs".into(),
                )))
            }),
        )
        .route(
            "/test/panic",
            get(|| async {
                let v: Vec<u8> = Vec::new();
                // An out-of-bounds index, as a bug would cause.
                #[allow(clippy::useless_vec)]
                let x = v[usize::from(v.is_empty())];
                x.to_string()
            }),
        )
        .route(
            "/test/slow",
            get(|| async {
                tokio::time::sleep(Duration::from_secs(5)).await;
                "late"
            }),
        )
}

#[tokio::test]
async fn healthz_answers_with_security_headers() {
    let app = TestApp::spawn().await;
    let res = app.get("/healthz").await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_security_headers(res.headers());
    assert_eq!(res.text().await.unwrap(), "ok");
}

#[tokio::test]
async fn readyz_reports_the_database() {
    let app = TestApp::spawn().await;
    let res = app.get("/readyz").await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.text().await.unwrap(), "ready");

    // Take this test's own database away: the app must say it is not ready.
    let su = app.db.cluster.superuser_pool().await.unwrap();
    let name = app.db.name.clone();
    exec(&su, &format!("ALTER DATABASE \"{name}\" ALLOW_CONNECTIONS false")).await;
    exec(&su, &format!("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{name}'")).await;
    let res = app.get("/readyz").await;
    assert_eq!(res.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert_security_headers(res.headers());
    assert_eq!(res.text().await.unwrap(), "database unavailable");
    exec(&su, &format!("ALTER DATABASE \"{name}\" ALLOW_CONNECTIONS true")).await;
}

#[tokio::test]
async fn the_home_page_shows_the_plan_cycles() {
    let app = TestApp::spawn().await;
    // The administrators' home page; officers' show their work (tests/app/home.rs).
    let user = app.login_as(Role::Auditor, "").await;
    let res = user.get("/").await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_security_headers(res.headers());
    let body = res.text().await.unwrap();
    assert!(body.contains("工作台"));
    assert!(body.contains("当前周期：2026—2030年"));
    assert!(body.contains("辽宁省工伤预防五年行动计划（2021—2025年）"));
}

#[tokio::test]
async fn an_unknown_page_is_a_chinese_404_with_headers() {
    let app = TestApp::spawn().await;
    let res = app.get("/no/such/page").await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    assert_security_headers(res.headers());
    let id = request_id(res.headers());
    let body = res.text().await.unwrap();
    assert!(body.contains("页面不存在"));
    assert!(body.contains(&id), "the page shows the request id");
}

#[tokio::test]
async fn a_server_error_shows_no_internals() {
    let app = TestApp::spawn_with(failing_routes(), |_| {}).await;
    let res = app.get("/test/database-error").await;
    assert_eq!(res.status(), StatusCode::INTERNAL_SERVER_ERROR);
    assert_security_headers(res.headers());
    let id = request_id(res.headers());
    let body = res.text().await.unwrap();
    assert!(body.contains("系统错误"));
    assert!(body.contains(&id));
    for secret in ["secret_table", "relation", "/srv/", "store.rs", "Protocol"] {
        assert!(!body.contains(secret), "500 page leaks {secret}");
    }
}

#[tokio::test]
async fn a_panic_becomes_the_500_page() {
    let app = TestApp::spawn_with(failing_routes(), |_| {}).await;
    let res = app.get("/test/panic").await;
    assert_eq!(res.status(), StatusCode::INTERNAL_SERVER_ERROR);
    assert_security_headers(res.headers());
    let body = res.text().await.unwrap();
    assert!(body.contains("系统错误"));
    assert!(!body.contains("index out of bounds"));
}

#[tokio::test]
async fn a_slow_request_times_out_with_a_page() {
    let app = TestApp::spawn_with(failing_routes(), |s| s.request_timeout_secs = 1).await;
    let res = app.get("/test/slow").await;
    assert_eq!(res.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert_security_headers(res.headers());
    assert!(res.text().await.unwrap().contains("服务暂时不可用"));
}

#[tokio::test]
async fn bodies_over_the_limit_are_refused() {
    let app = TestApp::spawn_with(Router::new(), |s| s.body_limit_bytes = 1024).await;
    let res = app.client.post(app.url("/")).body(vec![b'x'; 4096]).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::PAYLOAD_TOO_LARGE);
    assert_security_headers(res.headers());
    assert!(res.text().await.unwrap().contains("提交内容过大"));
    // Without a declared length (chunked), the body is cut off where it is read.
    let chunks: Vec<Result<Vec<u8>, std::io::Error>> = (0..8).map(|_| Ok(vec![b'x'; 512])).collect();
    let res = app
        .client
        .post(app.url("/login"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(reqwest::Body::wrap_stream(futures_util::stream::iter(chunks)))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::PAYLOAD_TOO_LARGE);
}

#[tokio::test]
async fn a_wrong_method_gets_a_page() {
    let app = TestApp::spawn().await;
    let res = app.client.post(app.url("/healthz")).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::METHOD_NOT_ALLOWED);
    assert_security_headers(res.headers());
    assert!(res.text().await.unwrap().contains("请求方式不支持"));
}

#[tokio::test]
async fn request_ids_from_a_client_are_replaced() {
    let app = TestApp::spawn().await;
    let res = app.client.get(app.url("/healthz")).header("x-request-id", "chosen-by-client").send().await.unwrap();
    let id = request_id(res.headers());
    assert_ne!(id, "chosen-by-client", "no trusted proxy: the server makes its own");
    assert_eq!(id.len(), 36);
}

#[tokio::test]
async fn request_ids_from_a_proxy_are_kept_only_when_sane() {
    let app = TestApp::spawn_with(Router::new(), |s| s.trust_forwarded_for = true).await;
    let res = app.client.get(app.url("/healthz")).header("x-request-id", "lb-7f3a9c").send().await.unwrap();
    assert_eq!(request_id(res.headers()), "lb-7f3a9c");
    let res = app.client.get(app.url("/healthz")).header("x-request-id", "evil id\"<script>").send().await.unwrap();
    let id = request_id(res.headers());
    assert_ne!(id, "evil id\"<script>");
    assert_eq!(id.len(), 36, "replaced by a fresh uuid");
}

#[tokio::test]
async fn hsts_only_when_the_site_is_https() {
    let plain = TestApp::spawn().await;
    assert!(plain.get("/healthz").await.headers().get("strict-transport-security").is_none());
    let https = TestApp::spawn_with(Router::new(), |s| s.public_url = "https://gsyf.example.cn".into()).await;
    let res = https.get("/healthz").await;
    assert!(res.headers()["strict-transport-security"].to_str().unwrap().starts_with("max-age="));
}

/// A NUL character (found by sqlmap and wapiti: PostgreSQL refuses it in text, so it ended as a
/// 500) is refused with a 400 page that says why, in a search, a form and the sign-in alike;
/// nothing is saved.
#[tokio::test]
async fn a_nul_character_anywhere_is_refused_with_a_message_not_an_error() {
    let app = TestApp::spawn().await;
    let city = app.login_as(Role::CityOfficer, "210100").await;
    let res = city.get("/employers?q=ab%00").await;
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    assert!(res.text().await.unwrap().contains("无法保存的控制字符"));
    assert_eq!(city.get("/employers?q=ab%2500").await.status(), StatusCode::OK, "a literal %00 typed is text");

    let res = city.post_form("/meetings/new", &[("topics", "议题\0")]).await;
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    assert!(res.text().await.unwrap().contains("无法保存的控制字符"));
    let pool = app.db.superuser_pool().await;
    let meetings: i64 = sqlx::query_scalar("SELECT count(*) FROM meetings").fetch_one(&pool).await.unwrap();
    assert_eq!(meetings, 0);

    let (_, res) = app.post_login("nobody\0x", "Wrong#Passw0rd").await;
    assert_eq!(res.status(), StatusCode::BAD_REQUEST, "before sign-in too");
}
