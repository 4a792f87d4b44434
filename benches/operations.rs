//! Figures for the operations issue, printed, never asserted:
//! - the audit writer's cost on a write (department contact saves per second, with the audit
//!   record in the same transaction, against the same UPDATE without it, same run);
//! - an Excel export of 100,000 audit rows: time and the process's peak memory.
//!
//!     cargo bench --bench operations
//!
//! Runs on a throwaway private cluster under /tmp (removed afterwards).

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Instant;

use prevention::audit::AuditContext;
use prevention::auth::Actor;
use prevention::config::Settings;
use prevention::db::local::{Durability, LocalCluster};
use prevention::db::{self, APP_ROLE, OWNER_ROLE};
use prevention::departments::DepartmentId;
use prevention::departments::model::ContactForm;
use prevention::org::AccountId;
use prevention::values::Version;
use prevention::web::export::{Cell, Column, Export, Kind};

const WRITES: usize = 4000;
const WORKERS: usize = 8;
const EXPORT_ROWS: i64 = 100_000;

fn peak_rss_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| s.lines().find(|l| l.starts_with("VmHWM:")).map(|l| l.to_string()))
        .and_then(|l| l.split_whitespace().nth(1).and_then(|n| n.parse().ok()))
        .unwrap_or(0)
}

fn main() -> anyhow::Result<()> {
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build()?;
    let dir = PathBuf::from(format!("/tmp/pv-bench-{}", std::process::id()));
    let cluster = LocalCluster::locate(&dir, Durability::Durable)?;
    cluster.start()?;
    let outcome = runtime.block_on(run(&cluster));
    let _ = cluster.stop();
    let _ = std::fs::remove_dir_all(&dir);
    outcome
}

async fn run(cluster: &LocalCluster) -> anyhow::Result<()> {
    cluster.ensure_database("prevention").await?;
    let province = prevention::province::load(&PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("config/liaoning.toml"))?;
    prevention::server::migrate_and_seed(cluster.connect_options(OWNER_ROLE, "prevention"), &province).await?;
    let settings = Settings { pool_size: WORKERS as u32, ..Settings::default() };
    let pool = db::connect_app(cluster.connect_options(APP_ROLE, "prevention"), &settings).await?;
    let region =
        prevention::regions::store::find_by_code(&pool, "210100").await?.ok_or_else(|| anyhow::anyhow!("no 沈阳"))?;
    let actor = Arc::new(Actor {
        account_id: AccountId(1),
        username: "bench".into(),
        display_name: "bench".into(),
        role: prevention::org::Role::CityOfficer,
        region: Some(region),
        department: None,
    });
    let ids: Vec<i64> = {
        let mut tx = db::begin(&pool, actor.db()).await?;
        sqlx::query_scalar("SELECT id FROM departments ORDER BY id").fetch_all(&mut *tx).await?
    };
    println!("audit writer overhead: {WRITES} contact saves, {WORKERS} at a time, departments of one city");
    for round in 0..2 {
        let with_audit = saves(&pool, &actor, &ids, true).await?;
        let without = saves(&pool, &actor, &ids, false).await?;
        println!(
            "  round {}: with audit {:.0} saves/s, without {:.0} saves/s, overhead {:.1}%",
            round + 1,
            with_audit,
            without,
            (without / with_audit - 1.0) * 100.0
        );
    }

    // 100,000 audit rows to export.
    let owner = db::connect_owner(cluster.connect_options(OWNER_ROLE, "prevention")).await?;
    sqlx::query(
        "INSERT INTO audit_log (occurred_at, username, role, action, object_type, object_id, success, detail, before, after, client_addr, request_id)
         SELECT now() - make_interval(secs => g), 'sy_officer' || (g % 50), 'city_officer', 'department.update', 'department',
                (g % 150)::text, true, '联系人变更',
                jsonb_build_object('contact_person', '李建国', 'contact_phone', '138****5678'),
                jsonb_build_object('contact_person', '王芳', 'contact_phone', '139****4321'),
                '10.1.2.' || (g % 250), md5(g::text)
         FROM generate_series(1, $1) g",
    )
    .bind(EXPORT_ROWS)
    .execute(&owner)
    .await?;
    let before_kib = peak_rss_kib();
    let started = Instant::now();
    let columns = [
        Column::new("编号", Kind::Integer, 10.0),
        Column::new("时间", Kind::DateTime, 20.0),
        Column::new("用户", Kind::Text, 16.0),
        Column::new("操作", Kind::Text, 16.0),
        Column::new("对象编号", Kind::Text, 12.0),
        Column::new("说明", Kind::Text, 30.0),
        Column::new("修改前", Kind::Text, 40.0),
        Column::new("修改后", Kind::Text, 40.0),
        Column::new("来源地址", Kind::Text, 16.0),
        Column::new("请求编号", Kind::Text, 38.0),
    ];
    let mut export = Export::new("审计日志", "审计日志-基准", &[("筛选条件", "全部".to_string())], &columns, false)?;
    // The same keyset pages the audit export reads.
    let filter = prevention::audit::model::AuditFilter::default();
    let mut below = None;
    loop {
        let batch = prevention::audit::store::batch(&pool, &filter, below, prevention::audit::export::BATCH).await?;
        let more = batch.len() as i64 >= prevention::audit::export::BATCH;
        below = batch.last().map(|r| r.id);
        for r in batch {
            export.push(vec![
                Cell::Integer(r.id),
                Cell::DateTime(r.occurred_at),
                r.username.into(),
                r.action.into(),
                r.object_id.into(),
                r.detail.into(),
                r.before.map(|v| v.to_string()).into(),
                r.after.map(|v| v.to_string()).into(),
                r.client_addr.into(),
                r.request_id.into(),
            ])?;
        }
        if !more {
            break;
        }
    }
    let rows = export.rows();
    let response = export.into_response().await?;
    let body = axum::body::to_bytes(response.into_body(), usize::MAX).await?;
    let elapsed = started.elapsed();
    println!(
        "export: {rows} rows, {:.1} MB of .xlsx in {:.2} s; peak resident memory {} MiB before, {} MiB after (the response body itself is {:.1} MB of that)",
        body.len() as f64 / 1e6,
        elapsed.as_secs_f64(),
        before_kib / 1024,
        peak_rss_kib() / 1024,
        body.len() as f64 / 1e6
    );
    Ok(())
}

/// Contact saves per second, with or without the audit record.
async fn saves(pool: &sqlx::PgPool, actor: &Arc<Actor>, ids: &[i64], audit: bool) -> anyhow::Result<f64> {
    let started = Instant::now();
    let mut workers = Vec::new();
    for w in 0..WORKERS {
        let (pool, actor) = (pool.clone(), actor.clone());
        let mine: Vec<i64> = ids.iter().copied().filter(|id| (*id as usize) % WORKERS == w).collect();
        workers.push(tokio::spawn(async move {
            let ctx = AuditContext { request_id: Some("bench".into()), ..Default::default() };
            for i in 0..WRITES / WORKERS {
                let id = mine[i % mine.len()];
                let form = ContactForm {
                    contact_person: format!("联系人{i}"),
                    contact_phone: "13812345678".into(),
                    address: String::new(),
                    version: "0".into(),
                };
                let (contact, _) = form.parse().map_err(|e| anyhow::anyhow!("{e:?}"))?;
                // Both variants read the version first, as the edit form does.
                let version: i32 = {
                    let mut tx = db::begin(&pool, actor.db()).await?;
                    sqlx::query_scalar("SELECT version FROM departments WHERE id = $1").bind(id).fetch_one(&mut *tx).await?
                };
                if audit {
                    prevention::departments::store::update_contact(
                        &pool,
                        actor.db(),
                        &ctx,
                        DepartmentId(id),
                        Version(version),
                        &contact,
                    )
                    .await?;
                } else {
                    let mut tx = db::begin(&pool, actor.db()).await?;
                    let current: i32 = sqlx::query_scalar("SELECT version FROM departments WHERE id = $1 FOR UPDATE")
                        .bind(id)
                        .fetch_one(&mut *tx)
                        .await?;
                    anyhow::ensure!(current == version, "stale");
                    sqlx::query("UPDATE departments SET contact_person = $2, contact_phone = $3, version = version + 1 WHERE id = $1")
                        .bind(id)
                        .bind(contact.person.as_str())
                        .bind(contact.phone.as_ref().map(|p| p.as_str()))
                        .execute(&mut *tx)
                        .await?;
                    tx.commit().await?;
                }
            }
            anyhow::Ok(())
        }));
    }
    for w in workers {
        w.await??;
    }
    Ok(WRITES as f64 / started.elapsed().as_secs_f64())
}
