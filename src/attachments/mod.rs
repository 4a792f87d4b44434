//! Attachments, built once for every record kind (signed plans, feasibility reports, minutes,
//! rectification photos, evidence): stored in PostgreSQL in 256 KiB chunks (one backup holds
//! everything; any instance serves them), typed by their content, received and served through a
//! private temporary file so neither an upload nor a download sits in memory whole, and reached
//! only through the owning record's access check.
//!
//! A feature declares the kinds of document its records take ([`AttachmentKind`]) and routes
//! `/…/{id}/attachments` to its own handlers, which check the record and then call [`upload`]
//! and [`store`].

pub mod detect;
pub mod pages;
pub mod samples;
pub mod store;
pub mod upload;
pub(crate) mod zip;

use chrono::{DateTime, Utc};

pub use detect::FileType;

use crate::org::RegionId;
use crate::values::time;
use crate::workflow::versions::{Row, Snapshot};

id_type!(
    /// A stored attachment.
    pub AttachmentId
);

/// The size of a stored chunk.
pub const CHUNK_BYTES: usize = 256 * 1024;

/// A kind of document a record takes, e.g. 正式文件.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct AttachmentKind {
    pub key: &'static str,
    pub label: &'static str,
    /// Needed before the record may be submitted.
    pub required: bool,
    /// The types accepted for it.
    pub types: &'static [FileType],
}

/// Every accepted type (for kinds that take any document or picture).
pub const ANY_TYPE: &[FileType] = &[
    FileType::Pdf,
    FileType::Ofd,
    FileType::Docx,
    FileType::Doc,
    FileType::Xlsx,
    FileType::Xls,
    FileType::Jpeg,
    FileType::Png,
];

/// Signed official documents: PDF, OFD or DOCX.
pub const SIGNED_DOCUMENT_TYPES: &[FileType] = &[FileType::Pdf, FileType::Ofd, FileType::Docx];

/// The record an attachment belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Owner {
    pub kind: &'static str,
    pub id: i64,
    pub region: RegionId,
}

/// An attachment as a record's page lists it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Attachment {
    pub id: AttachmentId,
    pub kind: String,
    pub file_name: String,
    pub file_type: FileType,
    pub size_bytes: i64,
    pub sha256: Vec<u8>,
    pub uploader_name: String,
    pub uploaded_at: DateTime<Utc>,
}

impl Attachment {
    /// `1.2 MB`, `350 KB`.
    pub fn size(&self) -> String {
        human_size(self.size_bytes)
    }

    pub fn uploaded(&self) -> String {
        time::minutes(&self.uploaded_at)
    }

    pub fn sha256_hex(&self) -> String {
        hex::encode(&self.sha256)
    }

    /// The first 16 hex digits, enough to tell files apart on a page.
    pub fn sha256_short(&self) -> String {
        self.sha256_hex().chars().take(16).collect()
    }
}

pub fn human_size(bytes: i64) -> String {
    match bytes {
        b if b >= 1_000_000 => format!("{:.1} MB", b as f64 / 1_000_000.0),
        b if b >= 1_000 => format!("{} KB", b / 1_000),
        b => format!("{b} 字节"),
    }
}

/// A record's attachments by kind, for its page: each kind with its files, and whether a
/// required one is still missing.
pub struct KindGroup {
    pub kind: AttachmentKind,
    pub items: Vec<Attachment>,
    pub missing: bool,
    pub accepts: String,
}

pub fn group(kinds: &[AttachmentKind], items: &[Attachment]) -> Vec<KindGroup> {
    kinds
        .iter()
        .map(|k| {
            let mine: Vec<Attachment> = items.iter().filter(|a| a.kind == k.key).cloned().collect();
            KindGroup { missing: k.required && mine.is_empty(), items: mine, kind: *k, accepts: detect::names(k.types) }
        })
        .collect()
}

/// The required kinds with no file yet (what a submission still needs).
pub fn missing_required(kinds: &[AttachmentKind], items: &[Attachment]) -> Vec<&'static str> {
    kinds.iter().filter(|k| k.required && !items.iter().any(|a| a.kind == k.key)).map(|k| k.label).collect()
}

/// A kind's label, or the key itself for a kind no longer declared.
pub fn kind_label(kinds: &[AttachmentKind], key: &str) -> String {
    kinds.iter().find(|k| k.key == key).map_or_else(|| key.to_string(), |k| k.label.to_string())
}

/// Adds the record's files to the version frozen at a submission, so a comparison shows which
/// document was submitted each time (by its SHA-256, not only its name).
pub fn in_version(snapshot: Snapshot, kinds: &[AttachmentKind], items: &[Attachment]) -> Snapshot {
    let rows = items
        .iter()
        .map(|a| Row {
            key: a.id.to_string(),
            cells: vec![kind_label(kinds, &a.kind), a.file_name.clone(), a.size(), a.sha256_hex()],
        })
        .collect();
    snapshot.table("attachments", "附件", &["类别", "文件名", "大小", "SHA-256"], rows)
}

#[cfg(test)]
mod tests {
    use super::*;

    const KINDS: &[AttachmentKind] = &[
        AttachmentKind { key: "signed", label: "正式文件", required: true, types: SIGNED_DOCUMENT_TYPES },
        AttachmentKind { key: "other", label: "其他材料", required: false, types: ANY_TYPE },
    ];

    fn attachment(kind: &str) -> Attachment {
        Attachment {
            id: AttachmentId(1),
            kind: kind.into(),
            file_name: "方案.pdf".into(),
            file_type: FileType::Pdf,
            size_bytes: 1_234_567,
            sha256: vec![0; 32],
            uploader_name: "王芳".into(),
            uploaded_at: Utc::now(),
        }
    }

    #[test]
    fn required_kinds_without_a_file_are_missing() {
        assert_eq!(missing_required(KINDS, &[]), ["正式文件"]);
        assert_eq!(missing_required(KINDS, &[attachment("other")]), ["正式文件"]);
        assert!(missing_required(KINDS, &[attachment("signed")]).is_empty());
        let groups = group(KINDS, &[attachment("other")]);
        assert!(groups[0].missing && !groups[1].missing);
        assert_eq!(groups[1].items.len(), 1);
        assert_eq!(groups[0].accepts, "PDF、OFD、Word(DOCX)");
        assert_eq!(attachment("x").size(), "1.2 MB");
        assert_eq!(kind_label(KINDS, "signed"), "正式文件");
        assert_eq!(kind_label(KINDS, "gone"), "gone");
        let frozen = in_version(Snapshot::new(1), KINDS, &[attachment("signed")]);
        assert_eq!(frozen.tables[0].rows[0].cells[..2], ["正式文件".to_string(), "方案.pdf".to_string()]);
        assert_eq!(frozen.tables[0].rows[0].key, "1");
    }
}
