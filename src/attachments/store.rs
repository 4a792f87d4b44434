//! SQL of attachments: a row per file and its content in 256 KiB chunk rows, both region tables
//! under row-level security. Every function runs in the caller's transaction, opened for the
//! actor's scope after the owning record was found in it.

use std::io::SeekFrom;

use axum::body::Body;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::Response;
use futures_util::TryStreamExt;
use sqlx::PgConnection;
use tokio::io::{AsyncReadExt, AsyncSeekExt, AsyncWriteExt};

use super::upload::Received;
use super::{Attachment, AttachmentId, CHUNK_BYTES, FileType, Owner};
use crate::audit::{self, Action, AuditContext, Event};
use crate::org::AccountId;
use crate::web::once::{self, Done, FormToken};
use crate::web::workdir;
use crate::workflow::history::{self, Step};

/// A record's attachments, oldest first.
pub async fn list(tx: &mut PgConnection, owner: &Owner) -> Result<Vec<Attachment>, sqlx::Error> {
    sqlx::query_as!(
        Attachment,
        r#"SELECT id AS "id: AttachmentId", kind, file_name, file_type AS "file_type: FileType", size_bytes, sha256,
                  uploader_name, uploaded_at
           FROM attachments WHERE record_kind = $1 AND record_id = $2 AND region_id = $3 ORDER BY id"#,
        owner.kind,
        owner.id,
        owner.region.0
    )
    .fetch_all(tx)
    .await
}

/// One of a record's attachments.
pub async fn find(tx: &mut PgConnection, owner: &Owner, id: AttachmentId) -> Result<Option<Attachment>, sqlx::Error> {
    sqlx::query_as!(
        Attachment,
        r#"SELECT id AS "id: AttachmentId", kind, file_name, file_type AS "file_type: FileType", size_bytes, sha256,
                  uploader_name, uploaded_at
           FROM attachments WHERE id = $1 AND record_kind = $2 AND record_id = $3 AND region_id = $4"#,
        id.0,
        owner.kind,
        owner.id,
        owner.region.0
    )
    .fetch_optional(tx)
    .await
}

/// Stores a received file for `owner`: its row, then its content in chunks read one at a time
/// from the temporary file.
pub async fn save(
    tx: &mut PgConnection,
    owner: &Owner,
    file: Received,
    by: AccountId,
    by_name: &str,
) -> Result<AttachmentId, sqlx::Error> {
    let id = sqlx::query_scalar!(
        r#"INSERT INTO attachments (region_id, record_kind, record_id, kind, file_name, file_type, size_bytes, sha256,
                                    uploaded_by, uploader_name)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id AS "id: AttachmentId""#,
        owner.region.0,
        owner.kind,
        owner.id,
        file.kind.key,
        file.file_name,
        file.file_type.as_str(),
        file.size as i64,
        &file.sha256[..],
        by.0,
        by_name
    )
    .fetch_one(&mut *tx)
    .await?;
    let mut content = tokio::fs::File::from_std(file.file);
    content.seek(SeekFrom::Start(0)).await.map_err(sqlx::Error::Io)?;
    let mut buffer = vec![0u8; CHUNK_BYTES];
    let mut seq = 0i32;
    loop {
        let n = read_full(&mut content, &mut buffer).await.map_err(sqlx::Error::Io)?;
        if n == 0 {
            break;
        }
        sqlx::query!(
            "INSERT INTO attachment_chunks (region_id, attachment_id, seq, data) VALUES ($1, $2, $3, $4)",
            owner.region.0,
            id.0,
            seq,
            &buffer[..n]
        )
        .execute(&mut *tx)
        .await?;
        seq += 1;
    }
    Ok(id)
}

async fn read_full(r: &mut tokio::fs::File, buf: &mut [u8]) -> std::io::Result<usize> {
    let mut filled = 0;
    while filled < buf.len() {
        match r.read(&mut buf[filled..]).await? {
            0 => break,
            n => filled += n,
        }
    }
    Ok(filled)
}

/// Removes an attachment (its chunks go with it).
pub async fn remove(tx: &mut PgConnection, owner: &Owner, id: AttachmentId) -> Result<bool, sqlx::Error> {
    let done = sqlx::query!(
        "DELETE FROM attachments WHERE id = $1 AND record_kind = $2 AND record_id = $3 AND region_id = $4",
        id.0,
        owner.kind,
        owner.id,
        owner.region.0
    )
    .execute(tx)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Copies an attachment's content, chunk row by chunk row, into an anonymous temporary file
/// (so the transaction, and its connection, end before the client has read a byte).
pub async fn spool(tx: &mut PgConnection, owner: &Owner, id: AttachmentId) -> Result<tokio::fs::File, sqlx::Error> {
    let file = workdir::anonymous_file().map_err(|e| sqlx::Error::Io(std::io::Error::other(e.to_string())))?;
    let mut file = tokio::fs::File::from_std(file);
    let mut rows = sqlx::query_scalar!(
        "SELECT data FROM attachment_chunks WHERE region_id = $1 AND attachment_id = $2 ORDER BY seq",
        owner.region.0,
        id.0
    )
    .fetch(&mut *tx);
    while let Some(chunk) = rows.try_next().await? {
        file.write_all(&chunk).await.map_err(sqlx::Error::Io)?;
    }
    drop(rows);
    file.flush().await.map_err(sqlx::Error::Io)?;
    file.seek(SeekFrom::Start(0)).await.map_err(sqlx::Error::Io)?;
    Ok(file)
}

/// The download: the stored type, `attachment` with the Chinese name (RFC 6266/5987), streamed
/// from the spooled file. (`nosniff` and `no-store` come with every response.)
pub fn download(attachment: &Attachment, file: tokio::fs::File) -> Response {
    let length = attachment.size_bytes.max(0) as u64;
    let body = Body::from_stream(tokio_util::io::ReaderStream::with_capacity(file, 64 * 1024));
    let mut response = Response::new(body);
    *response.status_mut() = StatusCode::OK;
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(attachment.file_type.mime()));
    headers.insert(header::CONTENT_LENGTH, HeaderValue::from(length));
    let fallback = format!("attachment.{}", attachment.file_type.extension());
    let disposition = crate::web::export::attachment_disposition(&attachment.file_name, &fallback);
    if let Ok(value) = HeaderValue::from_str(&disposition) {
        headers.insert(header::CONTENT_DISPOSITION, value);
    }
    response
}

/// Who attaches or removes, for the record's history and the audit log.
pub struct Actor<'a> {
    pub ctx: &'a AuditContext,
    pub account: AccountId,
    pub name: &'a str,
}

/// Stores a file for a record with what every record keeps of it: a step in the record's
/// history (its status unchanged) and an audit record, all in the caller's transaction.
pub async fn attach(
    tx: &mut PgConnection,
    owner: &Owner,
    status: &'static str,
    file: Received,
    by: &Actor<'_>,
) -> Result<AttachmentId, sqlx::Error> {
    let note = format!("{}：{}（{}）", file.kind.label, file.file_name, super::human_size(file.size as i64));
    let sha = hex::encode(file.sha256);
    let id = save(tx, owner, file, by.account, by.name).await?;
    in_history(tx, owner, status, history::ATTACH, &note, by).await?;
    let event = Event::new(Action::AttachmentAdd).object(owner.kind, owner.id).detail(format!("{note} SHA-256 {sha}"));
    audit::record(tx, by.ctx, event).await?;
    Ok(id)
}

/// [`attach`] once per upload form (`web::once`): a second post of the same form (a double
/// click, or two at once) stores nothing and is sent to `led_to`, where the first led.
pub async fn attach_once(
    tx: &mut PgConnection,
    token: &FormToken,
    owner: &Owner,
    status: &'static str,
    file: Received,
    by: &Actor<'_>,
    led_to: String,
) -> Result<Done, sqlx::Error> {
    once::run(tx, by.account, token, async |tx| {
        attach(tx, owner, status, file, by).await?;
        Ok::<_, sqlx::Error>(led_to)
    })
    .await
}

/// Removes a record's file, kept in its history and the audit log.
pub async fn detach(
    tx: &mut PgConnection,
    owner: &Owner,
    status: &'static str,
    kind_label: &str,
    attachment: &Attachment,
    by: &Actor<'_>,
) -> Result<bool, sqlx::Error> {
    if !remove(tx, owner, attachment.id).await? {
        return Ok(false);
    }
    let note = format!("{kind_label}：{}", attachment.file_name);
    in_history(tx, owner, status, history::DETACH, &note, by).await?;
    let event = Event::new(Action::AttachmentRemove)
        .object(owner.kind, owner.id)
        .detail(format!("{note} SHA-256 {}", attachment.sha256_hex()));
    audit::record(tx, by.ctx, event).await?;
    Ok(true)
}

/// The step a file leaves in its record's history (the record's status unchanged).
async fn in_history(
    tx: &mut PgConnection,
    owner: &Owner,
    status: &'static str,
    action: &'static str,
    note: &str,
    by: &Actor<'_>,
) -> Result<(), sqlx::Error> {
    let step = Step {
        region_id: owner.region,
        record_kind: owner.kind,
        record_id: owner.id,
        from: status,
        to: status,
        action,
        comment: note,
        by: by.account,
        by_name: by.name,
    };
    history::record(tx, &step).await
}

/// Serves a file of `owner` (a record the caller found in the actor's scope, in `tx`): the file
/// copied out of the database, the transaction ended, then streamed. A file of another record
/// answers 404.
pub async fn serve(
    mut tx: sqlx::Transaction<'static, sqlx::Postgres>,
    owner: &Owner,
    file: AttachmentId,
) -> Result<Response, crate::error::AppError> {
    let attachment = find(&mut tx, owner, file).await?.ok_or(crate::error::AppError::NotFound)?;
    let content = spool(&mut tx, owner, attachment.id).await?;
    tx.commit().await?;
    Ok(download(&attachment, content))
}
