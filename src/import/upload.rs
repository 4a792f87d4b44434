//! Receiving the spreadsheet of an import: the multipart form's CSRF token first (checked as
//! the session layer checks ordinary forms), then the file, at most `max` bytes, held in memory
//! (it is stored with its job in the database).

use axum::extract::Multipart;

use crate::auth::session::tokens_equal;

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum UploadError {
    #[error("表单已失效，请刷新页面后重试")]
    Csrf,
    #[error("请选择要导入的文件")]
    NoFile,
    #[error("文件超过 {0}，请分批导入")]
    TooLarge(String),
    #[error("上传中断，请重试")]
    Broken,
}

/// The file's name and content.
pub async fn receive(mut form: Multipart, session_token: &str, max: usize) -> Result<(String, Vec<u8>), UploadError> {
    let mut token_ok = false;
    while let Some(mut field) = form.next_field().await.map_err(|_| UploadError::Broken)? {
        match field.name() {
            Some("csrf") => {
                let value = field.text().await.map_err(|_| UploadError::Broken)?;
                token_ok = tokens_equal(value.trim(), session_token);
            }
            _ if !token_ok => return Err(UploadError::Csrf),
            Some("file") => {
                let name = field.file_name().unwrap_or_default().trim().to_string();
                if name.is_empty() {
                    return Err(UploadError::NoFile);
                }
                let mut content = Vec::new();
                while let Some(chunk) = field.chunk().await.map_err(|_| UploadError::Broken)? {
                    if content.len() + chunk.len() > max {
                        return Err(UploadError::TooLarge(crate::attachments::human_size(max as i64)));
                    }
                    content.extend_from_slice(&chunk);
                }
                if content.is_empty() {
                    return Err(UploadError::NoFile);
                }
                let name: String =
                    name.chars().filter(|c| !c.is_control() && !matches!(c, '/' | '\\')).take(200).collect();
                return Ok((name, content));
            }
            _ => {}
        }
    }
    if token_ok { Err(UploadError::NoFile) } else { Err(UploadError::Csrf) }
}
