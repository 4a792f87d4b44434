//! Background jobs: long work queued in PostgreSQL and run by whichever instance claims it
//! (`FOR UPDATE SKIP LOCKED`) under a lease it renews while it works. Any instance shows a
//! job's progress, since it lives in the table. A job's work and its result commit in one
//! transaction (`finish`, conditional on the lease still being this worker's), so when an
//! instance dies mid-job nothing of it is written: the lease runs out, another instance claims
//! it again and does it whole, or marks it failed after too many tries. One job of a kind per
//! region at a time (a unique index). Kinds are run by the functions the top of the crate
//! registers (`server::job_runners`).

use std::future::Future;
use std::pin::Pin;
use std::time::Duration;

use chrono::{DateTime, Utc};
use sqlx::{PgConnection, PgPool};

use crate::db::{self, DbActor, Scope};
use crate::error::WriteError;
use crate::org::{AccountId, RegionId};

id_type!(
    /// A background job.
    pub JobId
);

labelled_enum! {
    pub enum JobStatus {
        Queued => ("queued", "排队中"),
        Running => ("running", "处理中"),
        Done => ("done", "已完成"),
        Failed => ("failed", "失败"),
    }
}

/// How long a claim holds without renewal.
pub const LEASE: Duration = Duration::from_secs(30);
/// Claims after which a job that never finished is failed instead of tried again.
pub const MAX_ATTEMPTS: i32 = 3;

/// Workers act across regions.
const WORKER: DbActor = DbActor { scope: Scope::Province, account_id: None };

#[derive(Clone, Debug)]
pub struct Job {
    pub id: JobId,
    pub region_id: RegionId,
    pub kind: String,
    pub status: JobStatus,
    pub payload: serde_json::Value,
    pub account_id: AccountId,
    pub account_name: String,
    pub attempts: i32,
    pub worker: String,
    pub progress_done: i64,
    pub progress_total: i64,
    pub result: Option<serde_json::Value>,
    pub error: String,
    pub created_at: DateTime<Utc>,
    pub finished_at: Option<DateTime<Utc>>,
}

impl Job {
    pub fn is_active(&self) -> bool {
        matches!(self.status, JobStatus::Queued | JobStatus::Running)
    }

    /// Progress as a whole percentage (0 before the total is known).
    pub fn percent(&self) -> i64 {
        if self.progress_total > 0 { (self.progress_done * 100 / self.progress_total).clamp(0, 100) } else { 0 }
    }
}

/// A job to queue, with the file it works on.
pub struct NewJob<'a> {
    pub region: RegionId,
    pub kind: &'a str,
    pub payload: serde_json::Value,
    pub account: AccountId,
    pub account_name: &'a str,
    pub file: Option<(&'a str, &'a [u8])>,
}

/// Queues a job in the caller's transaction; `Duplicate("jobs_one_active_idx")` when the region
/// has one of the kind queued or running.
pub async fn enqueue(tx: &mut PgConnection, job: &NewJob<'_>) -> Result<JobId, WriteError> {
    let id = sqlx::query_scalar!(
        r#"INSERT INTO jobs (region_id, kind, payload, account_id, account_name) VALUES ($1, $2, $3, $4, $5)
           RETURNING id AS "id: JobId""#,
        job.region.0,
        job.kind,
        job.payload,
        job.account.0,
        job.account_name
    )
    .fetch_one(&mut *tx)
    .await?;
    if let Some((name, content)) = job.file {
        sqlx::query!(
            "INSERT INTO job_files (region_id, job_id, file_name, content) VALUES ($1, $2, $3, $4)",
            job.region.0,
            id.0,
            name,
            content
        )
        .execute(&mut *tx)
        .await?;
    }
    Ok(id)
}

/// A job, if the transaction's scope sees it.
pub async fn find(tx: &mut PgConnection, id: JobId) -> Result<Option<Job>, sqlx::Error> {
    sqlx::query_as!(
        Job,
        r#"SELECT id AS "id: JobId", region_id AS "region_id: RegionId", kind, status AS "status: JobStatus", payload,
                  account_id AS "account_id: AccountId", account_name, attempts, worker, progress_done, progress_total,
                  result, error, created_at, finished_at
           FROM jobs WHERE id = $1"#,
        id.0
    )
    .fetch_optional(tx)
    .await
}

/// The latest jobs of a kind of a region, newest first.
pub async fn recent(tx: &mut PgConnection, region: RegionId, kind: &str, limit: i64) -> Result<Vec<Job>, sqlx::Error> {
    sqlx::query_as!(
        Job,
        r#"SELECT id AS "id: JobId", region_id AS "region_id: RegionId", kind, status AS "status: JobStatus", payload,
                  account_id AS "account_id: AccountId", account_name, attempts, worker, progress_done, progress_total,
                  result, error, created_at, finished_at
           FROM jobs WHERE region_id = $1 AND kind = $2 ORDER BY id DESC LIMIT $3"#,
        region.0,
        kind,
        limit
    )
    .fetch_all(tx)
    .await
}

/// The job's file: its name and content.
pub async fn file(tx: &mut PgConnection, job: &Job) -> Result<Option<(String, Vec<u8>)>, sqlx::Error> {
    let row = sqlx::query!(
        "SELECT file_name, content FROM job_files WHERE region_id = $1 AND job_id = $2",
        job.region_id.0,
        job.id.0
    )
    .fetch_optional(tx)
    .await?;
    Ok(row.map(|r| (r.file_name, r.content)))
}

/// Claims the oldest job that is queued, or running under a lease that ran out (its instance
/// died), for `worker`. A job claimed too often is failed instead, with nothing of it written.
pub async fn claim(pool: &PgPool, worker: &str, lease: Duration) -> Result<Option<Job>, sqlx::Error> {
    let mut tx = db::begin(pool, WORKER).await?;
    let seconds = lease.as_secs_f64();
    let job = sqlx::query_as!(
        Job,
        r#"UPDATE jobs SET status = 'running', attempts = attempts + 1, worker = $1,
                          lease_until = now() + make_interval(secs => $2), started_at = coalesce(started_at, now())
           WHERE id = (SELECT id FROM jobs
                       WHERE status = 'queued' OR (status = 'running' AND lease_until < now())
                       ORDER BY id LIMIT 1 FOR UPDATE SKIP LOCKED)
           RETURNING id AS "id: JobId", region_id AS "region_id: RegionId", kind, status AS "status: JobStatus", payload,
                     account_id AS "account_id: AccountId", account_name, attempts, worker, progress_done,
                     progress_total, result, error, created_at, finished_at"#,
        worker,
        seconds
    )
    .fetch_optional(&mut *tx)
    .await?;
    let Some(job) = job else {
        tx.commit().await?;
        return Ok(None);
    };
    if job.attempts > MAX_ATTEMPTS {
        sqlx::query!(
            "UPDATE jobs SET status = 'failed', finished_at = now(), lease_until = NULL,
                             error = '多次处理未能完成（处理该任务的服务器可能中断），未写入任何数据，请重新提交'
             WHERE id = $1",
            job.id.0
        )
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        tracing::warn!(job = job.id.0, kind = %job.kind, "job failed after too many claims");
        return Ok(None);
    }
    tx.commit().await?;
    Ok(Some(job))
}

/// Records progress and renews the lease, if the job is still this worker's; `false` when it
/// is not (its lease ran out and another took it), and the worker should stop.
pub async fn progress(pool: &PgPool, job: &Job, done: i64, total: i64) -> Result<bool, sqlx::Error> {
    let mut tx = db::begin(pool, WORKER).await?;
    let renewed = sqlx::query!(
        "UPDATE jobs SET progress_done = $3, progress_total = $4, lease_until = now() + make_interval(secs => $5)
         WHERE id = $1 AND worker = $2 AND status = 'running'",
        job.id.0,
        job.worker,
        done,
        total,
        LEASE.as_secs_f64()
    )
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(renewed.rows_affected() == 1)
}

/// Why a job's work did not commit.
#[derive(Debug, thiserror::Error)]
pub enum JobError {
    #[error("database: {0}")]
    Database(#[from] sqlx::Error),
    #[error("{0}")]
    Write(#[from] WriteError),
    /// Another worker holds the job now: this one's work must not commit.
    #[error("the lease was lost")]
    LeaseLost,
    #[error("{0}")]
    Other(String),
}

/// Marks the job done with `result` in the caller's transaction, the one that holds its work,
/// if it is still this worker's; `LeaseLost` otherwise (the caller rolls back).
pub async fn finish(tx: &mut PgConnection, job: &Job, result: &serde_json::Value) -> Result<(), JobError> {
    let done = sqlx::query!(
        "UPDATE jobs SET status = 'done', result = $3, finished_at = now(), lease_until = NULL,
                         progress_done = progress_total
         WHERE id = $1 AND worker = $2 AND status = 'running'",
        job.id.0,
        job.worker,
        result
    )
    .execute(&mut *tx)
    .await?;
    if done.rows_affected() == 1 { Ok(()) } else { Err(JobError::LeaseLost) }
}

/// Marks the job failed with a message for the page, if it is still this worker's.
pub async fn fail(pool: &PgPool, job: &Job, message: &str) -> Result<(), sqlx::Error> {
    let mut tx = db::begin(pool, WORKER).await?;
    sqlx::query!(
        "UPDATE jobs SET status = 'failed', error = $3, finished_at = now(), lease_until = NULL
         WHERE id = $1 AND worker = $2 AND status = 'running'",
        job.id.0,
        job.worker,
        message
    )
    .execute(&mut *tx)
    .await?;
    tx.commit().await
}

/// What runs a kind of job: given the pool and the claimed job, does the work and calls
/// `finish` in the transaction that writes it.
pub type Runner = fn(PgPool, Job) -> Pin<Box<dyn Future<Output = Result<(), JobError>> + Send>>;

/// Claims one job and runs it; whether there was one. A runner's error fails the job (its
/// transaction rolled back, nothing written), except a lost lease, which leaves the job to
/// whoever holds it now.
pub async fn run_once(pool: &PgPool, worker: &str, runners: &[(&str, Runner)]) -> Result<bool, sqlx::Error> {
    let Some(job) = claim(pool, worker, LEASE).await? else { return Ok(false) };
    let Some((_, run)) = runners.iter().find(|(kind, _)| *kind == job.kind) else {
        fail(pool, &job, "未知的任务类型").await?;
        return Ok(true);
    };
    tracing::info!(job = job.id.0, kind = %job.kind, attempt = job.attempts, "job started");
    match run(pool.clone(), job.clone()).await {
        Ok(()) => tracing::info!(job = job.id.0, "job done"),
        Err(JobError::LeaseLost) => tracing::warn!(job = job.id.0, "job lease lost; its work was rolled back"),
        Err(e) => {
            tracing::error!(job = job.id.0, error = %e, "job failed");
            fail(pool, &job, "处理时出错，未写入任何数据，请稍后重新提交").await?;
        }
    }
    // A job may have held a large file: give the memory back rather than keep it for pages.
    crate::resources::give_back();
    Ok(true)
}

/// The worker every instance runs: a job when there is one, else a look every second. Once
/// `stopping` is cancelled it finishes the job under way and takes no other.
pub fn spawn_worker(
    pool: PgPool,
    runners: &'static [(&'static str, Runner)],
    stopping: tokio_util::sync::CancellationToken,
) -> tokio::task::JoinHandle<()> {
    let worker = format!("{}-{}", std::process::id(), uuid::Uuid::new_v4().simple());
    tokio::spawn(async move {
        while !stopping.is_cancelled() {
            let pause = match run_once(&pool, &worker, runners).await {
                Ok(true) => continue,
                Ok(false) => Duration::from_secs(1),
                Err(e) => {
                    tracing::warn!(error = %e, "job worker: the database is unreachable");
                    Duration::from_secs(5)
                }
            };
            tokio::select! {
                () = stopping.cancelled() => {}
                () = tokio::time::sleep(pause) => {}
            }
        }
        tracing::info!("job worker stopped");
    })
}
