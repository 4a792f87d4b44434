//! What every import's job runner does the same way: reading the uploaded file into rows off
//! the async threads, and recording an outcome that wrote nothing (a file unreadable or
//! rejected). The checking and the writing are the feature's.

use sqlx::PgPool;

use super::{Outcome, Row, Spec};
use crate::db::{self, DbActor, Scope};
use crate::jobs::{self, Job, JobError};

/// Workers act across regions.
const WORKER: DbActor = DbActor { scope: Scope::Province, account_id: None };

/// The file's data rows under `spec`, read on a blocking thread (it is CPU work), or the
/// outcome that says why the file could not be read.
pub async fn rows_of(content: Vec<u8>, spec: &'static Spec) -> Result<Result<Vec<Row>, Outcome>, JobError> {
    let read = tokio::task::spawn_blocking(move || -> Result<_, super::ReadError> {
        let table = super::read_table(&content)?;
        super::rows(spec, table)
    })
    .await
    .map_err(|e| JobError::Other(e.to_string()))?;
    Ok(read.map(|(_, rows)| rows).map_err(|e| Outcome::Unreadable { message: e.to_string() }))
}

/// Records an outcome that wrote nothing, and ends the job.
pub async fn finish_unwritten(pool: &PgPool, job: &Job, outcome: &Outcome) -> Result<(), JobError> {
    let mut tx = db::begin(pool, WORKER).await?;
    let value = serde_json::to_value(outcome).map_err(|e| JobError::Other(e.to_string()))?;
    jobs::finish(&mut tx, job, &value).await?;
    tx.commit().await?;
    Ok(())
}
