//! Running it: the database going away and coming back, the statement timeout, what the logs
//! say (and do not), and the backup-and-restore drill.

use std::io::{BufRead, BufReader, Read};
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use axum::Router;
use axum::extract::State;
use axum::routing::get;
use prevention::config::Settings;
use prevention::db::local::{Durability, LocalCluster};
use prevention::db::{APP_ROLE, OWNER_ROLE};
use prevention::org::Role;
use prevention::state::AppState;
use prevention::{AppError, accounts};
use reqwest::StatusCode;

use crate::support::{TEST_PASSWORD, TestApp, csrf_token_in, manifest_dir, new_client, province, random_suffix};

/// A cluster of this test's own, stopped and removed at the end.
struct OwnCluster {
    cluster: LocalCluster,
    dir: PathBuf,
}

impl Drop for OwnCluster {
    fn drop(&mut self) {
        let _ = self.cluster.stop();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

#[tokio::test]
async fn a_lost_database_gives_503_pages_and_the_app_recovers_by_itself() {
    let dir = PathBuf::from(format!("/tmp/pv-{}", random_suffix()));
    let own = OwnCluster { cluster: LocalCluster::locate(&dir, Durability::Throwaway).unwrap(), dir };
    own.cluster.start().unwrap();
    own.cluster.ensure_database("prevention").await.unwrap();
    prevention::server::migrate_and_seed(own.cluster.connect_options(OWNER_ROLE, "prevention"), &province())
        .await
        .unwrap();

    let settings =
        Settings { pool_acquire_timeout_secs: 2, static_dir: manifest_dir().join("static"), ..Settings::default() };
    let pool = prevention::server::connect_checked(&settings, own.cluster.connect_options(APP_ROLE, "prevention"))
        .await
        .unwrap();
    let region = prevention::regions::store::find_by_code(&pool, "210100").await.unwrap().unwrap();
    let account = accounts::NewAccount {
        username: accounts::Username::parse("ops_officer").unwrap(),
        display_name: "运维测试".into(),
        role: Some(Role::CityOfficer),
        region_id: Some(region.id),
        department: Some(prevention::org::DepartmentKind::Hrss),
        password_hash: prevention::auth::password::hash_blocking(TEST_PASSWORD).unwrap(),
        must_change_password: false,
    };
    accounts::store::create(&pool, &account).await.unwrap();
    let state = AppState::load(pool, settings, province(), false).await.unwrap();
    let app = prevention::router(state);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move {
        let _ = axum::serve(listener, app.into_make_service_with_connect_info::<std::net::SocketAddr>()).await;
    });

    let client = new_client();
    let token =
        csrf_token_in(&client.get(format!("{base}/login")).send().await.unwrap().text().await.unwrap()).unwrap();
    let res = client
        .post(format!("{base}/login"))
        .form(&[("csrf", token.as_str()), ("username", "ops_officer"), ("password", TEST_PASSWORD)])
        .send()
        .await
        .unwrap();
    assert_eq!(res.headers()["location"], "/");
    assert_eq!(client.get(format!("{base}/departments")).send().await.unwrap().status(), StatusCode::OK);

    // The database goes away.
    let c = own.cluster.clone();
    tokio::task::spawn_blocking(move || c.stop()).await.unwrap().unwrap();
    let started = Instant::now();
    let res = client.get(format!("{base}/departments")).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert!(started.elapsed() < Duration::from_secs(5), "fails fast: {:?}", started.elapsed());
    let body = res.text().await.unwrap();
    assert!(body.contains("服务暂时不可用"));
    assert!(!body.contains("Connection refused") && !body.contains("No such file"), "no internals");
    assert_eq!(client.get(format!("{base}/readyz")).send().await.unwrap().status(), StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(
        client.get(format!("{base}/healthz")).send().await.unwrap().status(),
        StatusCode::OK,
        "the process is up"
    );

    // It comes back; so does the app, with no restart.
    let c = own.cluster.clone();
    tokio::task::spawn_blocking(move || c.start()).await.unwrap().unwrap();
    let mut recovered = false;
    for _ in 0..20 {
        if client.get(format!("{base}/departments")).send().await.unwrap().status() == StatusCode::OK {
            recovered = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    assert!(recovered, "the app serves again by itself, and the session survived");
    assert_eq!(client.get(format!("{base}/readyz")).send().await.unwrap().status(), StatusCode::OK);
}

#[tokio::test]
async fn a_slow_query_is_cut_off_by_the_statement_timeout() {
    let slow = Router::new().route(
        "/test/slow-query",
        get(|State(state): State<AppState>| async move {
            sqlx::query("SELECT pg_sleep(5)").execute(&state.pool).await.map_err(AppError::from)?;
            Ok::<_, AppError>("done")
        }),
    );
    let app = TestApp::spawn_with(slow, |s| s.statement_timeout_secs = 1).await;
    let started = Instant::now();
    let res = app.get("/test/slow-query").await;
    assert_eq!(res.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert!(started.elapsed() < Duration::from_secs(4), "cut off after about a second: {:?}", started.elapsed());
    assert_eq!(app.get("/healthz").await.status(), StatusCode::OK);
}

#[test]
fn json_logs_carry_the_request_id_and_no_secret() {
    let dir = PathBuf::from(format!("/tmp/pv-{}", random_suffix()));
    let mut child = Command::new(env!("CARGO_BIN_EXE_prevention"))
        .args(["serve", "--demo", "--bind", "127.0.0.1:0"])
        .current_dir(manifest_dir())
        .env("PREVENTION_LOCAL_DB_DIR", &dir)
        .env("PREVENTION_LOG_FORMAT", "json")
        .env_remove("PREVENTION_DATABASE_URL")
        .env_remove("RUST_LOG")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    let mut line = String::new();
    stdout.read_line(&mut line).unwrap();
    let address = line.split("http://").nth(1).and_then(|s| s.split('/').next()).unwrap().to_string();
    // Keep reading what it prints, as a terminal would.
    std::thread::spawn(move || std::io::copy(&mut stdout, &mut std::io::sink()));

    let (cookie, csrf) = std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        rt.block_on(async move {
            let client = new_client();
            let base = format!("http://{address}");
            let token = csrf_token_in(&client.get(format!("{base}/login")).send().await.unwrap().text().await.unwrap())
                .unwrap();
            client
                .post(format!("{base}/login"))
                .form(&[("csrf", token.as_str()), ("username", "demo_sy_hrss"), ("password", "wrong-Passw0rd#")])
                .send()
                .await
                .unwrap();
            let res = client
                .post(format!("{base}/login"))
                .form(&[
                    ("csrf", token.as_str()),
                    ("username", "demo_sy_hrss"),
                    ("password", prevention::demo::DEMO_PASSWORD),
                ])
                .send()
                .await
                .unwrap();
            let cookie = res.headers()["set-cookie"]
                .to_str()
                .unwrap()
                .split(';')
                .next()
                .unwrap()
                .split('=')
                .nth(1)
                .unwrap()
                .to_string();
            let page = client.get(format!("{base}/departments")).send().await.unwrap().text().await.unwrap();
            (cookie, csrf_token_in(&page).unwrap())
        })
    })
    .join()
    .unwrap();

    // SAFETY: a signal to our own child.
    unsafe { libc::kill(child.id() as i32, libc::SIGTERM) };
    let mut logs = String::new();
    child.stderr.take().unwrap().read_to_string(&mut logs).unwrap();
    assert!(child.wait().unwrap().success());
    let _ = std::fs::remove_dir_all(&dir);

    let lines: Vec<&str> = logs.lines().filter(|l| !l.trim().is_empty()).collect();
    assert!(lines.len() > 5, "{logs}");
    let mut request_lines = 0;
    for l in &lines {
        let v: serde_json::Value = serde_json::from_str(l).unwrap_or_else(|e| panic!("not JSON ({e}): {l}"));
        if v.get("span").and_then(|s| s.get("path")).is_some() {
            request_lines += 1;
            let id = v["span"]["request_id"].as_str().unwrap_or_default();
            assert_eq!(id.len(), 36, "every request line carries its request id: {l}");
        }
    }
    assert!(request_lines >= 4);
    for secret in ["wrong-Passw0rd#", prevention::demo::DEMO_PASSWORD, cookie.as_str(), csrf.as_str()] {
        assert!(!logs.contains(secret), "the logs show a secret: {secret}");
    }
}

#[tokio::test]
async fn the_restore_drill_matches_row_counts_table_by_table() {
    let app = TestApp::spawn().await;
    // Some rows in an RLS table and the audit log, so the drill has something to miss.
    let user = app.login_as(Role::CityOfficer, "210100").await;
    user.get("/departments").await;
    let shared = crate::support::shared();
    let out = Command::new(manifest_dir().join("scripts/restore-drill"))
        .arg(shared.cluster.dir())
        .arg("5432")
        .arg(&app.db.name)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{stdout}\n{}", String::from_utf8_lossy(&out.stderr));
    assert!(stdout.contains("restore drill passed"), "{stdout}");
    assert!(stdout.contains("departments 150 150"), "{stdout}");
    assert!(stdout.contains("audit_log 1 1"), "{stdout}");
}
