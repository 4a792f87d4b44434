//! Bringing the system up: settle the database (configured, or the private cluster), migrate
//! and seed as the owner, connect as the runtime role, check the catalog, serve, and shut down
//! cleanly.

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use anyhow::Context;
use sqlx::PgPool;
use sqlx::postgres::PgConnectOptions;
use tokio_util::sync::CancellationToken;

use crate::config::Settings;
use crate::db::local::{self, Durability, LocalCluster};
use crate::db::{self, APP_ROLE, OWNER_ROLE, Targets};
use crate::province::{self, Province};
use crate::state::AppState;

/// Where the database is, and the private cluster if this process started it.
pub struct Database {
    pub targets: Targets,
    pub cluster: Option<LocalCluster>,
    /// True when this process started the private cluster (and so stops it again).
    pub started_cluster: bool,
}

impl Database {
    /// The configured database, or the private cluster (started unless it already runs, with
    /// its roles and database created).
    pub async fn open(settings: &Settings) -> anyhow::Result<Database> {
        if !settings.uses_local_cluster() {
            let targets = Targets::from_settings(settings).context("数据库连接地址格式有误")?;
            return Ok(Database { targets, cluster: None, started_cluster: false });
        }
        if !settings.owner_database_url.trim().is_empty() {
            anyhow::bail!(
                "配置了 PREVENTION_OWNER_DATABASE_URL 却没有配置 PREVENTION_DATABASE_URL：请同时配置两者，或都不配置以使用本地私有数据库"
            );
        }
        let cluster = LocalCluster::locate(&settings.local_db_dir, Durability::Durable)?;
        let started_cluster = start_cluster(&cluster).await?;
        if let Err(e) = cluster.ensure_database(local::DATABASE).await {
            if started_cluster {
                stop_cluster(&cluster).await;
            }
            return Err(e.into());
        }
        let targets = Targets {
            app: cluster.connect_options(APP_ROLE, local::DATABASE),
            owner: Some(cluster.connect_options(OWNER_ROLE, local::DATABASE)),
        };
        Ok(Database { targets, cluster: Some(cluster), started_cluster })
    }

    /// Stops the private cluster if this process started it.
    pub async fn close(self) {
        if let (Some(cluster), true) = (&self.cluster, self.started_cluster) {
            stop_cluster(cluster).await;
        }
    }
}

pub async fn start_cluster(cluster: &LocalCluster) -> anyhow::Result<bool> {
    let c = cluster.clone();
    let started = tokio::task::spawn_blocking(move || c.start()).await??;
    if started {
        tracing::info!(folder = %cluster.dir().display(), "private PostgreSQL cluster started");
    } else {
        tracing::info!(folder = %cluster.dir().display(), "private PostgreSQL cluster already running, reused");
    }
    Ok(started)
}

pub async fn stop_cluster(cluster: &LocalCluster) {
    let c = cluster.clone();
    match tokio::task::spawn_blocking(move || c.stop()).await {
        Ok(Ok(_)) => tracing::info!("private PostgreSQL cluster stopped"),
        Ok(Err(e)) => tracing::error!(error = %e, "stopping the private PostgreSQL cluster failed"),
        Err(e) => tracing::error!(error = %e, "stopping the private PostgreSQL cluster failed"),
    }
}

/// Applies migrations and seeds the province file, as the owner.
pub async fn migrate_and_seed(owner: PgConnectOptions, province: &Province) -> anyhow::Result<()> {
    let pool = db::connect_owner(owner).await.context("以属主角色连接数据库失败")?;
    db::migrate(&pool).await.context("数据库迁移失败")?;
    let report = province::store::seed(&pool, province).await.context("导入省份配置文件失败")?;
    if !report.added.is_empty() {
        tracing::info!(count = report.added.len(), "province file: new keys seeded");
    }
    pool.close().await;
    Ok(())
}

/// The runtime pool, refused if the catalog check finds the connection unsafe.
pub async fn connect_checked(settings: &Settings, app: PgConnectOptions) -> anyhow::Result<PgPool> {
    let pool = db::connect_app(app, settings).await.context("以运行时角色连接数据库失败")?;
    db::catalog::check(&pool).await?;
    Ok(pool)
}

/// `prevention serve [--demo]`: runs until SIGINT or SIGTERM.
pub async fn serve(settings: Settings, demo: bool) -> anyhow::Result<()> {
    let began = Instant::now();
    if demo && !settings.uses_local_cluster() {
        anyhow::bail!(
            "--demo 只能在本地私有数据库上运行，不能连接已配置的数据库（PREVENTION_DATABASE_URL）：演示数据不得写入正式库"
        );
    }
    let province = province::load(&settings.province_file)?;
    let database = Database::open(&settings).await?;
    let outcome = run(&settings, province, &database.targets, demo, began).await;
    database.close().await;
    outcome
}

async fn run(
    settings: &Settings,
    province: Province,
    targets: &Targets,
    demo: bool,
    began: Instant,
) -> anyhow::Result<()> {
    match &targets.owner {
        Some(owner) => migrate_and_seed(owner.clone(), &province).await?,
        None => tracing::info!("no owner connection configured: migrations and seeding skipped"),
    }
    if demo {
        let owner = targets.owner.clone().context("演示模式需要属主连接")?;
        let pool = db::connect_owner(owner).await?;
        crate::demo::seed(&pool).await.context("写入演示数据失败")?;
        pool.close().await;
    }
    let pool = connect_checked(settings, targets.app.clone()).await?;
    let stopping = CancellationToken::new();
    let purge = spawn_session_purge(pool.clone(), crate::auth::policy::SecurityPolicy::from_settings(settings));
    let worker = crate::jobs::spawn_worker(pool.clone(), JOB_RUNNERS, stopping.clone());
    let state = AppState::load(pool.clone(), settings.clone(), province, demo).await?;
    let listener =
        tokio::net::TcpListener::bind(settings.bind).await.with_context(|| format!("无法监听 {}", settings.bind))?;
    let address = listener.local_addr()?;
    tracing::info!(%address, ready_ms = began.elapsed().as_millis() as u64, "ready");
    crate::say!("工伤预防管理平台已启动：http://{address}/（按 Ctrl-C 停止）");
    if demo {
        crate::demo::print_logins();
    }
    let signalled = stopping.clone();
    let server = axum::serve(listener, crate::router(state).into_make_service_with_connect_info::<SocketAddr>())
        .with_graceful_shutdown(async move {
            shutdown_signal().await;
            tracing::info!("shutdown signal: no new connections, finishing the requests in flight");
            signalled.cancel();
        });
    let grace = settings.shutdown_timeout();
    // Requests drain while the job worker finishes its job: both within `grace` of the signal.
    let drain = async {
        let outcome = tokio::select! {
            served = std::future::IntoFuture::into_future(server) => {
                if served.is_ok() {
                    tracing::info!("shutting down: in-flight requests finished");
                }
                served
            }
            () = after_signal(&stopping, grace) => {
                // A connection that never completes its request (a client holding half a
                // request head) or a request past its time would keep the server up for ever.
                tracing::warn!(seconds = grace.as_secs(), "shutting down: connections still open after the shutdown timeout are closed");
                Ok(())
            }
        };
        // A server that failed stops the worker too.
        stopping.cancel();
        outcome
    };
    let (outcome, ()) = tokio::join!(drain, stop_worker(worker, &stopping, grace));
    purge.abort();
    tracing::info!("closing the pool");
    if tokio::time::timeout(POOL_CLOSE, pool.close()).await.is_err() {
        tracing::warn!("the pool did not close in time: its connections end with the process");
    }
    Ok(outcome?)
}

/// How long closing the pool may take once the requests and the job worker are done with it.
const POOL_CLOSE: Duration = Duration::from_secs(5);

/// Resolves `grace` after `stopping` is cancelled.
async fn after_signal(stopping: &CancellationToken, grace: Duration) {
    stopping.cancelled().await;
    tokio::time::sleep(grace).await;
}

/// Once `stopping` is cancelled the job worker takes no new job; it is given `grace` to finish
/// the one it runs, then stopped. A job cut off commits nothing: its lease runs out and it is
/// run again, whole, by another instance or after the restart.
async fn stop_worker(mut worker: tokio::task::JoinHandle<()>, stopping: &CancellationToken, grace: Duration) {
    stopping.cancelled().await;
    if tokio::time::timeout(grace, &mut worker).await.is_err() {
        tracing::warn!("job worker: the job under way is cut off by the shutdown; it will be run again");
        worker.abort();
        let _ = worker.await;
    }
}

/// What runs each kind of background job (`jobs`): the features register theirs here, the one
/// place that knows them all.
pub static JOB_RUNNERS: &[(&str, crate::jobs::Runner)] = &[
    (crate::employers::import::KIND, crate::employers::import::run),
    (crate::training::import::TRAINEES, crate::training::import::run_trainees),
    (crate::training::import::REQUIRED, crate::training::import::run_required),
    (crate::statistics::import::KIND, crate::statistics::import::run),
    (crate::floating_rates::import::KIND, crate::floating_rates::import::run),
    (crate::floating_rates::run::KIND, crate::floating_rates::run::run),
];

/// Removes dead sessions (and day-old form tokens) every ten minutes. Every instance may run
/// it: the DELETE is idempotent.
fn spawn_session_purge(pool: PgPool, configured: crate::auth::policy::SecurityPolicy) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut every = tokio::time::interval(Duration::from_secs(600));
        loop {
            every.tick().await;
            match crate::auth::store::purge_expired_sessions(&pool, &configured).await {
                Ok(n) if n > 0 => tracing::info!(removed = n, "expired sessions removed"),
                Ok(_) => {}
                Err(e) => tracing::warn!(error = %e, "removing expired sessions failed"),
            }
            if let Err(e) = crate::web::once::purge(&pool).await {
                tracing::warn!(error = %e, "removing old form tokens failed");
            }
        }
    })
}

/// Resolves on SIGINT (Ctrl-C) or SIGTERM.
pub async fn shutdown_signal() {
    let interrupt = async {
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    };
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    tokio::select! {
        _ = interrupt => {},
        _ = terminate => {},
    }
}
