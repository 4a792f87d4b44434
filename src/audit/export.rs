//! The one way lists are exported: an Excel file (`web::export`) filled from the store's keyset
//! pages, with one audit record per export.

use axum::response::Response;

use super::{Action, AuditContext, Event, record_alone};
use crate::error::AppError;
use crate::values::time;
use crate::web::export::{Cell, Column, Export};

/// How many rows an export reads from the store at a time.
pub const BATCH: i64 = 2_000;

/// An audited export: the sheet's title (also the file name, with the date), its filters in
/// Chinese, its columns, the action the audit log records, and the filters as the record
/// describes them.
pub struct ExportJob<'a> {
    pub title: &'a str,
    pub filters: Vec<(&'static str, String)>,
    pub columns: &'a [Column],
    pub action: Action,
    pub described: String,
    pub unmasked: bool,
}

/// The one way lists are exported: reads the store's keyset pages (`page(after)` gives at most
/// [`BATCH`] rows following the key `after`, from the start without it; `key` names a row's
/// key), writes each row (in the background, `Export::push_all`), records the export with its row count, and streams the workbook.
/// No more than one page is ever held in memory.
pub async fn export_pages<R, K, P, Fut>(
    pool: &sqlx::PgPool,
    ctx: &AuditContext,
    job: ExportJob<'_>,
    mut page: P,
    key: impl Fn(&R) -> K,
    cells: impl Fn(R) -> Vec<Cell>,
) -> Result<Response, AppError>
where
    P: FnMut(Option<K>) -> Fut,
    Fut: std::future::Future<Output = Result<Vec<R>, sqlx::Error>>,
{
    let _slot = crate::web::export::slot().await?;
    let filename = format!("{}-{}", job.title, time::today().format("%Y%m%d"));
    let mut export = Export::new(job.title, &filename, &job.filters, job.columns, job.unmasked)?;
    let mut after = None;
    loop {
        let rows = page(after.take()).await?;
        let more = rows.len() as i64 >= BATCH;
        let last = rows.last().map(&key);
        export = export.push_all(rows.into_iter().map(&cells).collect()).await?;
        match last {
            Some(last) if more => after = Some(last),
            _ => break,
        }
    }
    let detail = if job.described.is_empty() {
        format!("共 {} 行", export.rows())
    } else {
        format!("{} 共 {} 行", job.described, export.rows())
    };
    record_alone(pool, ctx, Event::new(job.action).detail(detail)).await?;
    Ok(export.into_response().await?)
}
