//! Receiving an upload: a multipart form (csrf, form_token, kind, file, in that order, as our
//! forms send them) read field by field; the file streamed into an anonymous private temporary file while
//! its size is counted and its SHA-256 computed, refused as soon as it passes the limit, then
//! typed by its content. Nothing is written to the database here, so a slow upload holds no
//! connection.

use axum::extract::{DefaultBodyLimit, Multipart};
use axum::handler::Handler;
use axum::routing::{MethodRouter, post};
use sha2::{Digest, Sha256};
use tokio::io::AsyncWriteExt;

use super::AttachmentKind;
use super::detect::{self, FileType};
use crate::auth::session::tokens_equal;
use crate::state::AppState;
use crate::web::once::FormToken;
use crate::web::workdir;

/// The route of a record's uploads (`/…/{id}/attachments`, POST). The route's own body limit
/// is lifted: [`receive`] counts the file against `attachment_max_bytes` as it streams and stops
/// at the limit, and `web::middleware::body_limit` caps the whole request at
/// `Settings::upload_body_limit` (every other route keeps the small `body_limit_bytes`).
pub fn route<H, T>(handler: H) -> MethodRouter<AppState>
where
    H: Handler<T, AppState>,
    T: 'static,
{
    post(handler).layer(DefaultBodyLimit::disable())
}

/// A received file, ready to be stored.
#[derive(Debug)]
pub struct Received {
    pub kind: AttachmentKind,
    pub file_name: String,
    pub file_type: FileType,
    pub size: u64,
    pub sha256: [u8; 32],
    /// The content, in an anonymous temporary file.
    pub file: std::fs::File,
}

impl Received {
    /// A file made on the server (the demo, `seed --scale`), checked as an upload would be.
    pub fn from_bytes(kind: AttachmentKind, file_name: &str, content: &[u8]) -> Result<Received, UploadError> {
        use std::io::Write;
        if content.is_empty() {
            return Err(UploadError::NoFile);
        }
        let mut file = workdir::anonymous_file()?;
        file.write_all(content)?;
        let file_type = detect::detect(&mut file, content.len() as u64)?
            .filter(|t| kind.types.contains(t))
            .ok_or_else(|| UploadError::WrongType(detect::names(kind.types)))?;
        Ok(Received {
            kind,
            file_name: with_extension(clean_file_name(file_name), file_type),
            file_type,
            size: content.len() as u64,
            sha256: Sha256::digest(content).into(),
            file,
        })
    }
}

/// Why an upload was refused; the message is shown beside the upload form.
#[derive(Debug, thiserror::Error)]
pub enum UploadError {
    /// The form's CSRF token is missing or wrong: 403.
    #[error("csrf")]
    Csrf,
    /// No one-time token before the file: an old page (or not our form).
    #[error("页面已过期，请刷新页面后重新上传")]
    Expired,
    #[error("请选择附件类别")]
    UnknownKind,
    #[error("请选择要上传的文件")]
    NoFile,
    #[error("文件超过 {0} 的上限，未保存")]
    TooLarge(String),
    #[error("只接受 {0} 文件（按文件内容判断，不看扩展名），这个文件不是，未保存")]
    WrongType(String),
    /// The request passed the upload routes' body limit before the file was counted.
    #[error("上传的内容超过了允许的大小，未保存")]
    BodyTooLarge,
    #[error("上传中断或表单有误，请重新上传")]
    Broken,
    #[error("服务器暂存文件失败")]
    Io(#[from] std::io::Error),
}

impl From<workdir::WorkDirError> for UploadError {
    fn from(e: workdir::WorkDirError) -> Self {
        UploadError::Io(std::io::Error::other(e.to_string()))
    }
}

/// Reads the form: its CSRF token first (checked against the session's, as the middleware does
/// for ordinary forms), then its one-time token (`web::once`: a double-clicked upload stores
/// the file once), then the kind (one of `kinds`), then the file (at most `max` bytes, of one
/// of the kind's types).
pub async fn receive(
    mut form: Multipart,
    session_token: &str,
    kinds: &[AttachmentKind],
    max: u64,
) -> Result<(FormToken, Received), UploadError> {
    let mut token_ok = false;
    let mut once: Option<FormToken> = None;
    let mut kind: Option<AttachmentKind> = None;
    while let Some(mut field) = form.next_field().await.map_err(|_| UploadError::Broken)? {
        match field.name() {
            Some("csrf") => {
                let value = field.text().await.map_err(|_| UploadError::Broken)?;
                token_ok = tokens_equal(value.trim(), session_token);
            }
            // Nothing past this point is read for a form that did not prove where it came from.
            _ if !token_ok => return Err(UploadError::Csrf),
            Some("form_token") => {
                let value = field.text().await.map_err(|_| UploadError::Broken)?;
                once = FormToken::parse(&value).ok();
            }
            Some("kind") => {
                let value = field.text().await.map_err(|_| UploadError::Broken)?;
                kind = kinds.iter().find(|k| k.key == value.trim()).copied();
            }
            Some("file") => {
                let once = once.ok_or(UploadError::Expired)?;
                let kind = kind.ok_or(UploadError::UnknownKind)?;
                // A form sent with no file chosen still has the field, with an empty name.
                if field.file_name().is_none_or(|n| n.is_empty()) {
                    return Err(UploadError::NoFile);
                }
                let file_name = clean_file_name(field.file_name().unwrap_or_default());
                let mut hasher = Sha256::new();
                let mut size: u64 = 0;
                let mut file = tokio::fs::File::from_std(workdir::anonymous_file()?);
                while let Some(chunk) = field.chunk().await.map_err(broken)? {
                    size += chunk.len() as u64;
                    if size > max {
                        return Err(UploadError::TooLarge(super::human_size(max as i64)));
                    }
                    hasher.update(&chunk);
                    file.write_all(&chunk).await?;
                }
                if size == 0 {
                    return Err(UploadError::NoFile);
                }
                file.flush().await?;
                let mut file = file.into_std().await;
                let detected = tokio::task::spawn_blocking(move || {
                    let found = detect::detect(&mut file, size);
                    (found, file)
                })
                .await
                .map_err(|e| std::io::Error::other(e.to_string()))?;
                let (found, file) = detected;
                let file_type = found?
                    .filter(|t| kind.types.contains(t))
                    .ok_or_else(|| UploadError::WrongType(detect::names(kind.types)))?;
                let file_name = with_extension(file_name, file_type);
                let received = Received { kind, file_name, file_type, size, sha256: hasher.finalize().into(), file };
                return Ok((once, received));
            }
            _ => {}
        }
    }
    if token_ok { Err(UploadError::NoFile) } else { Err(UploadError::Csrf) }
}

/// A multipart error: the body passed the request's limit, or it broke off.
fn broken(e: axum::extract::multipart::MultipartError) -> UploadError {
    if e.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE {
        UploadError::BodyTooLarge
    } else {
        UploadError::Broken
    }
}

/// The name as shown and downloaded: the last part of what the browser sent (some send a whole
/// path), without control characters, at most 100 characters.
pub fn clean_file_name(raw: &str) -> String {
    let base = raw.rsplit(['/', '\\']).next().unwrap_or_default();
    let cleaned: String =
        base.chars().filter(|c| !c.is_control() && !matches!(c, '"' | '<' | '>' | '|' | ':' | '*' | '?')).collect();
    let cleaned = cleaned.trim();
    let count = cleaned.chars().count();
    if count <= 100 {
        cleaned.to_string()
    } else {
        // Keep the end, where the extension is.
        cleaned.chars().skip(count - 100).collect()
    }
}

/// Gives the name the extension of what the file is when its own says otherwise (a PDF named
/// `.doc` downloads as `.doc.pdf`), so a download opens in the right program.
fn with_extension(name: String, t: FileType) -> String {
    let fits = |ext: &str| match t {
        FileType::Jpeg => ext.eq_ignore_ascii_case("jpg") || ext.eq_ignore_ascii_case("jpeg"),
        other => ext.eq_ignore_ascii_case(other.extension()),
    };
    let name = if name.is_empty() { "附件".to_string() } else { name };
    match name.rsplit_once('.') {
        Some((_, ext)) if fits(ext) => name,
        _ => format!("{name}.{}", t.extension()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_cleaned_and_fit_their_content() {
        assert_eq!(clean_file_name("C:\\fakepath\\沈阳市实施方案.pdf"), "沈阳市实施方案.pdf");
        assert_eq!(clean_file_name("../../etc/passwd"), "passwd");
        assert_eq!(clean_file_name("a\"b<c>.pdf\u{0}"), "abc.pdf");
        assert_eq!(clean_file_name(&format!("{}.pdf", "长".repeat(150))).chars().count(), 100);
        assert_eq!(with_extension("方案.PDF".into(), FileType::Pdf), "方案.PDF");
        assert_eq!(with_extension("方案.doc".into(), FileType::Pdf), "方案.doc.pdf");
        assert_eq!(with_extension("照片.jpeg".into(), FileType::Jpeg), "照片.jpeg");
        assert_eq!(with_extension(String::new(), FileType::Ofd), "附件.ofd");
    }
}
