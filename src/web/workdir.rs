//! The server's own folder for work files (exports being written, uploads being received,
//! downloads being served): `<temp>/prevention-<uid>`, mode 0700. A shared temporary folder lets
//! anyone create that name first, so an existing folder is used only if it is a real folder of
//! this user closed to others.

use std::path::{Path, PathBuf};

#[derive(Debug, thiserror::Error)]
pub enum WorkDirError {
    #[error("work folder: {0}")]
    Io(#[from] std::io::Error),
    #[error("work folder {0} is not private to this server (a link, another user's, or open to others)")]
    Unsafe(PathBuf),
}

/// `<temp>/prevention-<uid>`.
pub fn default_dir() -> PathBuf {
    // SAFETY: geteuid has no preconditions and cannot fail.
    let uid = unsafe { libc::geteuid() };
    std::env::temp_dir().join(format!("prevention-{uid}"))
}

/// Makes `dir` (mode 0700) if missing; refuses it if it is a link, not a folder, someone
/// else's, or open to group or others.
pub fn ensure_private(dir: &Path) -> Result<(), WorkDirError> {
    use std::os::unix::fs::{DirBuilderExt, MetadataExt};
    match std::fs::symlink_metadata(dir) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            std::fs::DirBuilder::new().mode(0o700).create(dir)?;
        }
        Err(e) => return Err(e.into()),
        Ok(meta) => {
            // SAFETY: geteuid has no preconditions and cannot fail.
            let uid = unsafe { libc::geteuid() };
            if meta.file_type().is_symlink() || !meta.is_dir() || meta.uid() != uid || meta.mode() & 0o077 != 0 {
                return Err(WorkDirError::Unsafe(dir.to_path_buf()));
            }
        }
    }
    Ok(())
}

/// An anonymous file (it never has a name) in the private work folder.
pub fn anonymous_file() -> Result<std::fs::File, WorkDirError> {
    let dir = default_dir();
    ensure_private(&dir)?;
    Ok(tempfile::tempfile_in(&dir)?)
}
