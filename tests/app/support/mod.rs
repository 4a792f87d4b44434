//! The test harness: a private PostgreSQL cluster shared by every test process (started or
//! reused under a file lock), a migrated and seeded template database built once, a fresh
//! database per test cloned from it, and the real server over HTTP connected as the runtime
//! role `prevention_app`, exactly as in production. Each feature's fixtures sit beside this
//! file and are built through the feature's own store functions.

pub mod accounts;
pub mod annual_reports;
pub mod departments;
pub mod employers;
pub mod experts;
pub mod fee;
pub mod forms;
pub mod meetings;
pub mod plans;
pub mod projects;
pub mod publicity;
pub mod rate_tables;
pub mod rosters;
pub mod statements;
pub mod training;

use std::fs::OpenOptions;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use std::time::Duration;

use axum::Router;
use prevention::config::Settings;
use prevention::db::local::{self, Durability, LocalCluster};
use prevention::db::{APP_ROLE, MIGRATOR, OWNER_ROLE};
use prevention::org::{DepartmentKind, Role};
use prevention::province::{self, Province};
use prevention::state::AppState;
use rand::RngExt;
use sha2::{Digest, Sha256};
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::{AssertSqlSafe, PgPool};

pub fn manifest_dir() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

pub fn province_file() -> PathBuf {
    manifest_dir().join("config/liaoning.toml")
}

pub fn province() -> Province {
    province::load(&province_file()).expect("the shipped province file is valid")
}

/// The shared test cluster and the name of its template database.
#[derive(Clone)]
pub struct Shared {
    pub cluster: LocalCluster,
    pub template: String,
}

/// Starts (or reuses) the shared cluster and builds the template once per migration set. Runs
/// on a thread of its own so that it never depends on one test's runtime.
pub fn shared() -> &'static Shared {
    static SHARED: OnceLock<Shared> = OnceLock::new();
    SHARED.get_or_init(|| {
        std::thread::spawn(|| {
            let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("runtime");
            runtime.block_on(prepare_shared())
        })
        .join()
        .expect("preparing the test cluster panicked")
    })
}

async fn prepare_shared() -> Shared {
    let dir = std::env::var_os("PREVENTION_TEST_PG_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| manifest_dir().join("target/test-pg"));
    let cluster = LocalCluster::locate(&dir, Durability::Throwaway).expect("locate the test cluster");
    cluster.start().expect("start the test cluster");
    cluster.ensure_roles().await.expect("create the roles");
    let template = format!("tmpl_{}", schema_fingerprint());
    build_template(&cluster, &template).await;
    Shared { cluster, template }
}

/// Changes whenever a migration or the province file changes, so a stale template is never used.
fn schema_fingerprint() -> String {
    let mut hasher = Sha256::new();
    for migration in MIGRATOR.iter() {
        hasher.update(migration.version.to_le_bytes());
        hasher.update(&*migration.checksum);
    }
    hasher.update(std::fs::read(province_file()).expect("read the province file"));
    hasher.finalize().iter().take(6).map(|b| format!("{b:02x}")).collect()
}

async fn build_template(cluster: &LocalCluster, template: &str) {
    let lock = OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(cluster.dir().join("template.lock"))
        .expect("open the template lock");
    lock.lock().expect("take the template lock");
    let su = cluster.superuser_pool().await.expect("superuser pool");
    let exists: bool = sqlx::query_scalar("SELECT EXISTS (SELECT FROM pg_database WHERE datname = $1)")
        .bind(template)
        .fetch_one(&su)
        .await
        .expect("look for the template");
    if !exists {
        // Old templates of earlier schemas are of no further use.
        let old: Vec<String> = sqlx::query_scalar("SELECT datname FROM pg_database WHERE datname LIKE 'tmpl\\_%'")
            .fetch_all(&su)
            .await
            .expect("list old templates");
        for name in old {
            exec(&su, &format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)")).await;
        }
        let building = format!("{template}_build");
        exec(&su, &format!("CREATE DATABASE \"{building}\" OWNER {OWNER_ROLE}")).await;
        let owner = PgPoolOptions::new()
            .max_connections(1)
            .connect_with(cluster.connect_options(OWNER_ROLE, &building))
            .await
            .expect("owner pool on the template");
        prevention::db::migrate(&owner).await.expect("migrate the template");
        province::store::seed(&owner, &province()).await.expect("seed the template");
        owner.close().await;
        exec(&su, &format!("ALTER DATABASE \"{building}\" RENAME TO \"{template}\"")).await;
    }
    su.close().await;
}

pub async fn exec(pool: &PgPool, sql: &str) {
    sqlx::raw_sql(AssertSqlSafe(sql.to_string())).execute(pool).await.unwrap_or_else(|e| panic!("{sql}: {e}"));
}

const PROVINCE: prevention::db::DbActor =
    prevention::db::DbActor { scope: prevention::db::Scope::Province, account_id: None };

/// The rows of `sql` (one parameter, `$1`), read in the province's scope, where row-level
/// security shows every region.
pub async fn province_rows<T>(pool: &PgPool, sql: &'static str, id: i64) -> Vec<T>
where
    T: for<'r> sqlx::FromRow<'r, sqlx::postgres::PgRow> + Send + Unpin,
{
    let mut tx = prevention::db::begin(pool, PROVINCE).await.expect("begin");
    let rows = sqlx::query_as(sql).bind(id).fetch_all(&mut *tx).await.unwrap_or_else(|e| panic!("{sql}: {e}"));
    tx.commit().await.expect("commit");
    rows
}

/// The one-column rows of `sql` (one parameter, `$1`), read in the province's scope.
pub async fn province_values<T>(pool: &PgPool, sql: &'static str, id: i64) -> Vec<T>
where
    T: for<'r> sqlx::Decode<'r, sqlx::Postgres> + sqlx::Type<sqlx::Postgres> + Send + Unpin,
{
    let rows: Vec<(T,)> = province_rows(pool, sql, id).await;
    rows.into_iter().map(|(v,)| v).collect()
}

pub fn random_suffix() -> String {
    let mut rng = rand::rng();
    (0..12).map(|_| char::from(b"abcdefghijklmnopqrstuvwxyz0123456789"[rng.random_range(0..36)])).collect()
}

/// A fresh database of one test, cloned from the template; dropped when the value is.
pub struct TestDb {
    pub name: String,
    pub cluster: LocalCluster,
}

impl TestDb {
    pub async fn create() -> TestDb {
        let shared = shared();
        let name = format!("t_{}", random_suffix());
        let su = shared.cluster.superuser_pool().await.expect("superuser pool");
        exec(&su, &format!("CREATE DATABASE \"{name}\" OWNER {OWNER_ROLE} TEMPLATE \"{}\"", shared.template)).await;
        su.close().await;
        TestDb { name, cluster: shared.cluster.clone() }
    }

    pub fn options(&self, role: &str) -> PgConnectOptions {
        self.cluster.connect_options(role, &self.name)
    }

    pub fn url(&self, role: &str) -> String {
        self.cluster.url(role, &self.name)
    }

    /// A pool connected as `role`.
    pub async fn pool_as(&self, role: &str) -> PgPool {
        PgPoolOptions::new().max_connections(4).connect_with(self.options(role)).await.expect("connect")
    }

    pub async fn app_pool(&self) -> PgPool {
        self.pool_as(APP_ROLE).await
    }

    pub async fn owner_pool(&self) -> PgPool {
        self.pool_as(OWNER_ROLE).await
    }

    pub async fn superuser_pool(&self) -> PgPool {
        self.pool_as(local::SUPERUSER).await
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        let (cluster, name) = (self.cluster.clone(), self.name.clone());
        // Drop runs outside any runtime we may block, so the clean-up gets a thread of its own.
        let _ = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().ok()?;
            runtime.block_on(async {
                let su = cluster.superuser_pool().await.ok()?;
                let _ = sqlx::raw_sql(AssertSqlSafe(format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)")))
                    .execute(&su)
                    .await;
                su.close().await;
                Some(())
            })
        })
        .join();
    }
}

pub use accounts::TEST_PASSWORD;

/// The application under test, served over real HTTP on a loopback port.
pub struct TestApp {
    pub address: String,
    pub client: reqwest::Client,
    pub db: TestDb,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
}

pub fn new_client() -> reqwest::Client {
    reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .no_proxy()
        .timeout(Duration::from_secs(30))
        .build()
        .expect("client")
}

impl TestApp {
    pub async fn spawn() -> TestApp {
        Self::spawn_with(Router::new(), |_| {}).await
    }

    /// The app in demo mode, with the demo data seeded.
    pub async fn spawn_demo() -> TestApp {
        Self::start(Router::new(), |_| {}, true, true, None).await
    }

    /// The demo data seeded once, then a plain `serve` (no `--demo`) on the same database.
    pub async fn spawn_after_demo() -> TestApp {
        Self::start(Router::new(), |_| {}, true, false, None).await
    }

    /// Spawns the app with extra routes (e.g. ones that fail on purpose) and adjusted settings.
    pub async fn spawn_with(extra: Router<AppState>, configure: impl FnOnce(&mut Settings)) -> TestApp {
        Self::start(extra, configure, false, false, None).await
    }

    /// The app connected through a proxy that counts the statements it sends.
    pub async fn spawn_counted() -> (TestApp, statements::StatementCounter) {
        let counter =
            statements::StatementCounter::start(&shared().cluster.connect_options(APP_ROLE, "postgres")).await;
        (Self::start(Router::new(), |_| {}, false, false, Some(&counter)).await, counter)
    }

    async fn start(
        extra: Router<AppState>,
        configure: impl FnOnce(&mut Settings),
        seed_demo: bool,
        demo: bool,
        via: Option<&statements::StatementCounter>,
    ) -> TestApp {
        let db = TestDb::create().await;
        if seed_demo {
            let owner = db.owner_pool().await;
            prevention::demo::seed(&owner).await.expect("seed the demo");
            owner.close().await;
        }
        let mut settings =
            Settings { pool_acquire_timeout_secs: 2, static_dir: manifest_dir().join("static"), ..Settings::default() };
        configure(&mut settings);
        let options = match via {
            Some(counter) => counter.options(db.options(APP_ROLE)),
            None => db.options(APP_ROLE),
        };
        let pool = prevention::server::connect_checked(&settings, options)
            .await
            .expect("the app connects as prevention_app and passes the catalog check");
        let state = AppState::load(pool, settings, province(), demo).await.expect("the keys load");
        let app = prevention::with_middleware(prevention::routes(&state).merge(extra), state);
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let address = format!("http://{}", listener.local_addr().expect("address"));
        let (tx, rx) = tokio::sync::oneshot::channel::<()>();
        tokio::spawn(async move {
            let _ = axum::serve(listener, app.into_make_service_with_connect_info::<std::net::SocketAddr>())
                .with_graceful_shutdown(async {
                    let _ = rx.await;
                })
                .await;
        });
        TestApp { address, client: new_client(), db, shutdown: Some(tx) }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.address)
    }

    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.client.get(self.url(path)).send().await.expect("request")
    }

    /// Creates an account of `role` in `region` (a code; empty for none) with the department
    /// the role implies (partner officers: emergency) and signs it in.
    pub async fn login_as(&self, role: Role, region: &str) -> TestUser {
        let department = (role == Role::PartnerOfficer).then_some(DepartmentKind::Emergency);
        self.login_as_department(role, region, department).await
    }

    pub async fn login_as_department(&self, role: Role, region: &str, department: Option<DepartmentKind>) -> TestUser {
        let username = self.create_account(role, region, department).await;
        self.login(&username, TEST_PASSWORD).await.unwrap_or_else(|status| panic!("login of {username}: {status}"))
    }

    /// Posts the login form from a browser that just opened the login page; the browser keeps
    /// its cookies for what comes next.
    pub async fn post_login(&self, username: &str, password: &str) -> (reqwest::Client, reqwest::Response) {
        let client = new_client();
        let page = client.get(self.url("/login")).send().await.expect("login page").text().await.expect("body");
        let token = csrf_token_in(&page).expect("the login form has a CSRF token");
        let res = client
            .post(self.url("/login"))
            .form(&[("csrf", token.as_str()), ("username", username), ("password", password)])
            .send()
            .await
            .expect("login");
        (client, res)
    }

    /// Signs in through the login form, as a browser would. Err carries the answer's status.
    pub async fn login(&self, username: &str, password: &str) -> Result<TestUser, u16> {
        let (client, res) = self.post_login(username, password).await;
        if res.status() != 303 {
            return Err(res.status().as_u16());
        }
        if res.headers()["location"] == "/login/totp" {
            let page = client.get(self.url("/login/totp")).send().await.expect("code page").text().await.expect("body");
            let token = csrf_token_in(&page).expect("the code form has a CSRF token");
            let code = self.totp_code(username).await;
            let res = client
                .post(self.url("/login/totp"))
                .form(&[("csrf", token.as_str()), ("code", code.as_str())])
                .send()
                .await
                .expect("code");
            if res.status() != 303 || res.headers()["location"] != "/" {
                return Err(res.status().as_u16());
            }
        } else if res.headers()["location"] != "/" {
            return Err(res.status().as_u16());
        }
        // The password page is reached by every signed-in account, even one owing a change.
        let page = client.get(self.url("/account/password")).send().await.expect("page").text().await.expect("body");
        let csrf = csrf_token_in(&page).expect("signed-in pages carry the CSRF token");
        Ok(TestUser { client, base: self.address.clone(), username: username.to_string(), csrf })
    }
}

impl TestApp {
    /// The code an authenticator would show now for the account, computed from its secret as
    /// `oathtool` would; a step after the last one used, so two sign-ins in one step work.
    pub async fn totp_code(&self, username: &str) -> String {
        let pool = self.db.app_pool().await;
        let (secret, last): (String, Option<i64>) =
            sqlx::query_as("SELECT totp_secret, totp_last_step FROM accounts WHERE username = $1")
                .bind(username)
                .fetch_one(&pool)
                .await
                .expect("the account has a secret");
        pool.close().await;
        let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).expect("clock").as_secs();
        let step = prevention::auth::totp::step_at(now);
        let at = if last.is_some_and(|l| l as u64 >= step) { now + prevention::auth::totp::STEP_SECONDS } else { now };
        prevention::auth::totp::code_at(&secret, at).expect("code")
    }
}

/// The value of the first `csrf` hidden field in a page.
pub fn csrf_token_in(html: &str) -> Option<String> {
    let start = html.find(r#"name="csrf" value=""#)? + r#"name="csrf" value=""#.len();
    let len = html[start..].find('"')?;
    Some(html[start..start + len].to_string())
}

impl Drop for TestApp {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
    }
}

/// A signed-in browser.
pub struct TestUser {
    pub client: reqwest::Client,
    pub base: String,
    pub username: String,
    pub csrf: String,
}

impl TestUser {
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.client.get(self.url(path)).send().await.expect("request")
    }

    /// Posts a form with this session's CSRF token added, and a fresh one-time token when the
    /// fields carry none (as the form's page would have given one).
    pub async fn post_form(&self, path: &str, fields: &[(&str, &str)]) -> reqwest::Response {
        let fresh = prevention::web::once::new_token();
        let mut all: Vec<(&str, &str)> = vec![("csrf", self.csrf.as_str())];
        if !fields.iter().any(|(name, _)| *name == "form_token") {
            all.push(("form_token", fresh.as_str()));
        }
        all.extend_from_slice(fields);
        self.client.post(self.url(path)).form(&all).send().await.expect("request")
    }

    /// Uploads a file as our upload forms do: the CSRF token, a fresh one-time token, the kind,
    /// then the file.
    pub async fn upload(&self, path: &str, kind: &str, file_name: &str, content: Vec<u8>) -> reqwest::Response {
        self.upload_once(path, &prevention::web::once::new_token(), kind, file_name, content).await
    }

    /// [`TestUser::upload`] with the one-time token the form's page gave.
    pub async fn upload_once(
        &self,
        path: &str,
        token: &str,
        kind: &str,
        file_name: &str,
        content: Vec<u8>,
    ) -> reqwest::Response {
        let part = reqwest::multipart::Part::bytes(content).file_name(file_name.to_string());
        let form = reqwest::multipart::Form::new()
            .text("csrf", self.csrf.clone())
            .text("form_token", token.to_string())
            .text("kind", kind.to_string())
            .part("file", part);
        self.client.post(self.url(path)).multipart(form).send().await.expect("request")
    }
}
