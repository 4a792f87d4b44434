//! What every record's page shows beside the record: its history (the timeline), its frozen
//! versions, and its files, read together in one statement by the record's region so the
//! indexes lead. Every detail page of every feature needs all three; a round trip each would be
//! paid on every view. (Folding this into the record's own query measured no faster: the JSON
//! is the cost, not the round trip; a SQL function for it was slower still, planned per call.)

use chrono::{DateTime, Utc};
use serde::Deserialize;
use sqlx::PgConnection;

use crate::attachments::{Attachment, AttachmentId, FileType, Owner};
use crate::org::AccountId;
use crate::workflow::history::Entry;
use crate::workflow::versions::Version;

/// A record's history, versions and files, oldest first.
#[derive(Clone, Debug, Default)]
pub struct Trail {
    pub history: Vec<Entry>,
    pub versions: Vec<Version>,
    pub files: Vec<Attachment>,
}

#[derive(Deserialize)]
struct HistoryRow {
    from_status: String,
    to_status: String,
    action: String,
    comment: String,
    account_id: i64,
    account_name: String,
    occurred_at: DateTime<Utc>,
}

#[derive(Deserialize)]
struct VersionRow {
    version_no: i32,
    account_name: String,
    frozen_at: DateTime<Utc>,
}

#[derive(Deserialize)]
struct FileRow {
    id: i64,
    kind: String,
    file_name: String,
    file_type: String,
    size_bytes: i64,
    sha256: String,
    uploader_name: String,
    uploaded_at: DateTime<Utc>,
}

fn rows<T: for<'de> Deserialize<'de>>(value: &mut serde_json::Value, key: &str) -> Result<Vec<T>, sqlx::Error> {
    serde_json::from_value(value.get_mut(key).map(serde_json::Value::take).unwrap_or_default())
        .map_err(|e| sqlx::Error::Decode(Box::new(e)))
}

/// The trail of `owner`, as far as the transaction's scope may see it.
pub async fn load(tx: &mut PgConnection, owner: &Owner) -> Result<Trail, sqlx::Error> {
    let trail = sqlx::query_scalar!(
        r#"SELECT json_build_object(
             'history', (SELECT coalesce(json_agg(h ORDER BY h.id), '[]') FROM (
                 SELECT id, from_status, to_status, action, comment, account_id, account_name, occurred_at
                 FROM workflow_history WHERE region_id = $1 AND record_kind = $2 AND record_id = $3) h),
             'versions', (SELECT coalesce(json_agg(v ORDER BY v.version_no), '[]') FROM (
                 SELECT version_no, account_name, frozen_at
                 FROM record_versions WHERE region_id = $1 AND record_kind = $2 AND record_id = $3) v),
             'files', (SELECT coalesce(json_agg(f ORDER BY f.id), '[]') FROM (
                 SELECT id, kind, file_name, file_type, size_bytes, encode(sha256, 'hex') AS sha256, uploader_name,
                        uploaded_at
                 FROM attachments WHERE region_id = $1 AND record_kind = $2 AND record_id = $3) f))::jsonb AS "trail!""#,
        owner.region.0,
        owner.kind,
        owner.id
    )
    .fetch_one(tx)
    .await?;
    decode(trail)
}

/// The trail from the JSON object `load` reads.
fn decode(mut value: serde_json::Value) -> Result<Trail, sqlx::Error> {
    let history = rows::<HistoryRow>(&mut value, "history")?
        .into_iter()
        .map(|h| Entry {
            from_status: h.from_status,
            to_status: h.to_status,
            action: h.action,
            comment: h.comment,
            account_id: AccountId(h.account_id),
            account_name: h.account_name,
            occurred_at: h.occurred_at,
        })
        .collect();
    let versions = rows::<VersionRow>(&mut value, "versions")?
        .into_iter()
        .map(|v| Version { version_no: v.version_no, account_name: v.account_name, frozen_at: v.frozen_at })
        .collect();
    let mut files = Vec::new();
    for f in rows::<FileRow>(&mut value, "files")? {
        let file_type = FileType::parse(&f.file_type)
            .ok_or_else(|| sqlx::Error::Decode(format!("unknown file type {}", f.file_type).into()))?;
        let sha256 = hex::decode(&f.sha256).map_err(|e| sqlx::Error::Decode(Box::new(e)))?;
        files.push(Attachment {
            id: AttachmentId(f.id),
            kind: f.kind,
            file_name: f.file_name,
            file_type,
            size_bytes: f.size_bytes,
            sha256,
            uploader_name: f.uploader_name,
            uploaded_at: f.uploaded_at,
        });
    }
    Ok(Trail { history, versions, files })
}
