//! A region's floating-rate run at scale, for `scripts/bench`: 沈阳's 2023–2025 evaluations
//! (from `seed --scale`) are set back to entered, `EMPLOYERS` (20,000) of them kept in the period
//! (any beyond are moved aside to 2017–2019), and the run is done by the job runner, as a worker
//! would, in this process. Prints the time, the rate, and the process's peak resident memory
//! before and after; checks that every one got its proposal.
//!
//!     rates_run <owner database URL> <application database URL>

use std::time::Instant;

use anyhow::{Context, bail};
use prevention::db::{self, DbActor, Scope};
use sqlx::postgres::PgPoolOptions;

const REGION: &str = "210100";
const PERIOD: i16 = 2023;

/// The process's resident memory now and at its peak (VmRSS, VmHWM), in MiB.
fn memory() -> (f64, f64) {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let field = |name: &str| {
        status
            .lines()
            .find(|l| l.starts_with(name))
            .and_then(|l| l.split_whitespace().nth(1))
            .and_then(|kb| kb.parse::<f64>().ok())
            .map_or(0.0, |kb| kb / 1024.0)
    };
    (field("VmRSS:"), field("VmHWM:"))
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let mut args = std::env::args().skip(1);
    let (owner_url, app_url) = (args.next().context("owner URL")?, args.next().context("application URL")?);
    let wanted: i64 = std::env::var("EMPLOYERS").ok().and_then(|c| c.parse().ok()).unwrap_or(20_000);
    let province = DbActor { scope: Scope::Province, account_id: None };

    let owner = PgPoolOptions::new().max_connections(2).connect(&owner_url).await?;
    let mut tx = db::begin(&owner, province).await?;
    let region: i64 =
        sqlx::query_scalar("SELECT id FROM regions WHERE code = $1").bind(REGION).fetch_one(&mut *tx).await?;
    // Back to entered, the period holding `wanted` of them.
    sqlx::query(
        "UPDATE rate_evaluations SET status = 'entered', risk_class = NULL, base_rate_percent = NULL,
                current_grade = NULL, proposed_grade = NULL, proposed_rate_percent = NULL, explanation = NULL,
                evaluated_at = NULL, final_grade = NULL, final_rate_percent = NULL, override_reason = '',
                decided_by = NULL, decided_by_name = '', decided_at = NULL
         WHERE region_id = $1 AND period_start IN ($2, 2017)",
    )
    .bind(region)
    .bind(PERIOD)
    .execute(&mut *tx)
    .await?;
    sqlx::query("UPDATE rate_evaluations SET period_start = $2 WHERE region_id = $1 AND period_start = 2017")
        .bind(region)
        .bind(PERIOD)
        .execute(&mut *tx)
        .await?;
    sqlx::query(
        "UPDATE rate_evaluations SET period_start = 2017 WHERE region_id = $1 AND period_start = $2
           AND id > (SELECT id FROM rate_evaluations WHERE region_id = $1 AND period_start = $2 ORDER BY id
                     OFFSET $3 - 1 LIMIT 1)",
    )
    .bind(region)
    .bind(PERIOD)
    .bind(wanted)
    .execute(&mut *tx)
    .await?;
    let count: i64 =
        sqlx::query_scalar("SELECT count(*) FROM rate_evaluations WHERE region_id = $1 AND period_start = $2")
            .bind(region)
            .bind(PERIOD)
            .fetch_one(&mut *tx)
            .await?;
    if count == 0 {
        bail!("沈阳 has no 2023–2025 evaluations: run `prevention seed --scale N` first");
    }
    let by: i64 = sqlx::query_scalar("SELECT id FROM accounts WHERE region_id = $1 ORDER BY id LIMIT 1")
        .bind(region)
        .fetch_one(&mut *tx)
        .await?;
    sqlx::query("DELETE FROM jobs WHERE region_id = $1 AND kind = $2 AND status IN ('queued', 'running')")
        .bind(region)
        .bind(prevention::floating_rates::run::KIND)
        .execute(&mut *tx)
        .await?;
    let job = prevention::jobs::NewJob {
        region: prevention::org::RegionId(region),
        kind: prevention::floating_rates::run::KIND,
        payload: serde_json::json!({ "period": PERIOD }),
        account: prevention::org::AccountId(by),
        account_name: "基准测试",
        file: None,
    };
    prevention::jobs::enqueue(&mut tx, &job).await.map_err(|e| anyhow::anyhow!("{e}"))?;
    tx.commit().await?;
    sqlx::query("VACUUM (ANALYZE) rate_evaluations").execute(&owner).await?;

    let app = PgPoolOptions::new().max_connections(4).connect(&app_url).await?;
    let (rss_before, peak_before) = memory();
    let started = Instant::now();
    let ran = prevention::jobs::run_once(&app, "rates-bench", prevention::server::JOB_RUNNERS).await?;
    let took = started.elapsed();
    let (_, peak_after) = memory();
    if !ran {
        bail!("the run was not claimed");
    }
    let mut tx = db::begin(&owner, province).await?;
    let proposed: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM rate_evaluations WHERE region_id = $1 AND period_start = $2 AND status = 'proposed'",
    )
    .bind(region)
    .bind(PERIOD)
    .fetch_one(&mut *tx)
    .await?;
    tx.commit().await?;
    if proposed != count {
        bail!("{proposed} of {count} evaluations proposed");
    }
    println!(
        "rates_run: {count} employers evaluated in {:.2} s ({:.0}/s); peak RSS {:.1} MiB (before the run {:.1} MiB, RSS {:.1} MiB)",
        took.as_secs_f64(),
        count as f64 / took.as_secs_f64(),
        peak_after,
        peak_before,
        rss_before
    );
    Ok(())
}
