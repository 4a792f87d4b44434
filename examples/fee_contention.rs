//! The fee under contention, for `scripts/bench`: `CLIENTS` (32) concurrent clients decide
//! projects against one budget, each decision taking 1,000 元 of training through
//! `fee::check_approval` in its own transaction (the budget row locked), until every project
//! was tried; the budget holds half of them. Prints decisions per second and checks that the
//! allocated sum equals the accepted decisions' sum and stays within the budget.
//!
//!     fee_contention <owner database URL> <application database URL>

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};
use std::time::Instant;

use anyhow::{Context, bail};
use prevention::db::{self, DbActor, Scope};
use prevention::projects::model::ProjectId;
use prevention::workflow::By;
use rust_decimal::Decimal;
use sqlx::postgres::PgPoolOptions;

const REGION: &str = "210100";

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let mut args = std::env::args().skip(1);
    let (owner_url, app_url) = (args.next().context("owner URL")?, args.next().context("application URL")?);
    let clients: usize = std::env::var("CLIENTS").ok().and_then(|c| c.parse().ok()).unwrap_or(32);
    let province = DbActor { scope: Scope::Province, account_id: None };

    // The fixture, as the owner: 沈阳's training projects of their most common year, that
    // year's ledger emptied and its budget approved for half of them.
    let owner = PgPoolOptions::new().max_connections(2).connect(&owner_url).await?;
    let mut tx = db::begin(&owner, province).await?;
    let (region, year): (i64, i16) = sqlx::query_as(
        "SELECT p.region_id, p.year FROM projects p JOIN regions r ON r.id = p.region_id
         WHERE r.code = $1 AND p.project_type = 'training' GROUP BY 1, 2 ORDER BY count(*) DESC LIMIT 1",
    )
    .bind(REGION)
    .fetch_one(&mut *tx)
    .await
    .context("沈阳's training projects (seed --scale first)")?;
    let ids: Vec<i64> = sqlx::query_scalar(
        "SELECT id FROM projects WHERE region_id = $1 AND year = $2 AND project_type = 'training' ORDER BY id",
    )
    .bind(region)
    .bind(year)
    .fetch_all(&mut *tx)
    .await?;
    let by: i64 = sqlx::query_scalar("SELECT id FROM accounts WHERE region_id = $1 ORDER BY id LIMIT 1")
        .bind(region)
        .fetch_one(&mut *tx)
        .await?;
    let budget = Decimal::from(1000 * (ids.len() as i64 / 2));
    sqlx::query("DELETE FROM fee_entries WHERE region_id = $1 AND budget_year = $2")
        .bind(region)
        .bind(year)
        .execute(&mut *tx)
        .await?;
    sqlx::query(
        "INSERT INTO fee_budgets (region_id, budget_year, status, publicity, training, created_by)
         VALUES ($1, $2, 'approved', 0, $3, $4)
         ON CONFLICT (region_id, budget_year) DO UPDATE SET status = 'approved', training = EXCLUDED.training",
    )
    .bind(region)
    .bind(year)
    .bind(budget)
    .bind(by)
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;

    // The run, as the application: every project tried once, by whichever client is free.
    let app = PgPoolOptions::new().max_connections(clients as u32).connect(&app_url).await?;
    let queue = Arc::new(Mutex::new(ids.iter().copied().map(ProjectId).collect::<VecDeque<_>>()));
    let started = Instant::now();
    let mut workers = Vec::new();
    for _ in 0..clients {
        let (app, queue) = (app.clone(), queue.clone());
        workers.push(tokio::spawn(async move {
            let (mut accepted, mut refused) = (0_u64, 0_u64);
            loop {
                let Some(id) = queue.lock().ok().and_then(|mut q| q.pop_front()) else { break };
                let mut tx = db::begin(&app, province).await?;
                let project = prevention::projects::store::find(&mut tx, id, false).await?.context("project")?;
                let who = By { account: prevention::org::AccountId(by), name: "规模测试" };
                match prevention::fee::check_approval(&mut tx, &project, &[(1, Decimal::from(1000))], &who).await? {
                    Ok(()) => {
                        tx.commit().await?;
                        accepted += 1;
                    }
                    Err(_) => {
                        tx.rollback().await?;
                        refused += 1;
                    }
                }
            }
            anyhow::Ok((accepted, refused))
        }));
    }
    let (mut accepted, mut refused) = (0, 0);
    for w in workers {
        let (a, r) = w.await??;
        accepted += a;
        refused += r;
    }
    let elapsed = started.elapsed().as_secs_f64();
    let mut tx = db::begin(&owner, province).await?;
    let allocated: Decimal = sqlx::query_scalar(
        "SELECT coalesce(sum(amount), 0) FROM fee_entries WHERE region_id = $1 AND budget_year = $2 AND kind = 'allocation'",
    )
    .bind(region)
    .bind(year)
    .fetch_one(&mut *tx)
    .await?;
    tx.commit().await?;
    println!(
        "fee contention: {} decisions by {clients} clients in {elapsed:.2} s = {:.0} decisions/s; {accepted} accepted, {refused} refused",
        accepted + refused,
        (accepted + refused) as f64 / elapsed
    );
    println!("allocated {allocated} 元 = {accepted} × 1,000 元; budget {budget} 元");
    if allocated != Decimal::from(accepted * 1000) || allocated > budget {
        bail!("the allocated sum is not the accepted decisions' sum within the budget");
    }
    Ok(())
}
