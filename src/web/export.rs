//! The shared Excel export: every list's "导出 Excel". An `.xlsx` with the list's filters above
//! a table with Chinese headers; money as numbers formatted `#,##0.00`, dates as dates; personal
//! data masked unless the caller may and asks to unmask. Rows are written to a constant-memory
//! worksheet, the workbook to an anonymous temporary file (no name on disk, readable by this
//! process only) in the server's own private folder, and the response streams from that file:
//! a large export never sits in memory whole, and nobody else on the machine can read it.

use std::io::{Seek, SeekFrom};
use std::path::{Path, PathBuf};

use axum::body::Body;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, NaiveDate, Utc};
use rust_decimal::Decimal;
use rust_xlsxwriter::{Format, FormatAlign, Workbook, XlsxError};

use crate::error::AppError;
use crate::values::{mask, time};
use crate::web::workdir;

/// How a column's values are written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Text,
    Integer,
    /// Yuan, two decimals, `#,##0.00`.
    Money,
    Date,
    /// Shown in Asia/Shanghai.
    DateTime,
    /// Personal data: masked unless unmasked.
    Phone,
    IdNumber,
}

#[derive(Clone, Copy, Debug)]
pub struct Column {
    pub header: &'static str,
    pub kind: Kind,
    /// Width in characters.
    pub width: f64,
}

impl Column {
    pub const fn new(header: &'static str, kind: Kind, width: f64) -> Column {
        Column { header, kind, width }
    }
}

/// One cell's value.
#[derive(Clone, Debug, PartialEq)]
pub enum Cell {
    Empty,
    Text(String),
    Integer(i64),
    Money(Decimal),
    Date(NaiveDate),
    DateTime(DateTime<Utc>),
}

impl From<String> for Cell {
    fn from(s: String) -> Cell {
        Cell::Text(s)
    }
}

impl From<&str> for Cell {
    fn from(s: &str) -> Cell {
        Cell::Text(s.to_string())
    }
}

impl<T: Into<Cell>> From<Option<T>> for Cell {
    fn from(v: Option<T>) -> Cell {
        v.map(Into::into).unwrap_or(Cell::Empty)
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    #[error("Excel: {0}")]
    Xlsx(#[from] XlsxError),
    #[error("temporary file: {0}")]
    Io(#[from] std::io::Error),
    #[error("export work folder {0} is not private to this server (a link, another user's, or open to others)")]
    UnsafeDir(PathBuf),
}

/// An export being written.
pub struct Export {
    workbook: Workbook,
    /// The kinds of the current sheet's columns.
    kinds: Vec<Kind>,
    /// The sheet rows are written to (the last one started).
    sheet: usize,
    header: Format,
    unmasked: bool,
    next_row: u32,
    rows: u64,
    money: Format,
    date: Format,
    datetime: Format,
    filename: String,
    work_dir: PathBuf,
}

/// Exports building at once: the cores but one (at least one). An export takes a core for
/// seconds; more in parallel would only slow the pages and each other.
pub async fn slot() -> Result<tokio::sync::SemaphorePermit<'static>, ExportError> {
    static SLOTS: std::sync::LazyLock<tokio::sync::Semaphore> =
        std::sync::LazyLock::new(|| tokio::sync::Semaphore::new(crate::resources::heavy_work_slots()));
    SLOTS.acquire().await.map_err(|e| ExportError::Io(std::io::Error::other(e.to_string())))
}

impl Export {
    /// Starts a workbook: a title row, one row per filter (`名称: 值`), then the header row.
    /// `filename` is without extension, and may be Chinese.
    pub fn new(
        title: &str,
        filename: &str,
        filters: &[(&str, String)],
        columns: &[Column],
        unmasked: bool,
    ) -> Result<Export, ExportError> {
        Self::new_in(&workdir::default_dir(), title, filename, filters, columns, unmasked)
    }

    /// Like [`Export::new`], with the work files in `dir` (made private to this user if new;
    /// refused if it is anyone else's, a link, or open to others).
    pub fn new_in(
        dir: &Path,
        title: &str,
        filename: &str,
        filters: &[(&str, String)],
        columns: &[Column],
        unmasked: bool,
    ) -> Result<Export, ExportError> {
        workdir::ensure_private(dir).map_err(|e| match e {
            workdir::WorkDirError::Io(e) => ExportError::Io(e),
            workdir::WorkDirError::Unsafe(path) => ExportError::UnsafeDir(path),
        })?;
        let mut workbook = Workbook::new();
        workbook.set_tempdir(dir)?;
        let bold = Format::new().set_bold();
        let header = Format::new().set_bold().set_background_color("D9E1F2").set_align(FormatAlign::Center);
        let sheet = workbook.add_worksheet_with_constant_memory()?;
        sheet.set_name("数据")?;
        // Constant-memory sheets are written row by row, in order: everything above the table first.
        sheet.write_string_with_format(0, 0, title, &bold)?;
        let mut row = 1;
        for (name, value) in filters {
            sheet.write_string(row, 0, format!("{name}：{value}"))?;
            row += 1;
        }
        sheet.write_string(row, 0, format!("导出时间：{}", time::seconds(&Utc::now())))?;
        row += 2;
        for (i, c) in columns.iter().enumerate() {
            sheet.set_column_width(i as u16, c.width)?;
            sheet.write_string_with_format(row, i as u16, c.header, &header)?;
        }
        Ok(Export {
            workbook,
            kinds: columns.iter().map(|c| c.kind).collect(),
            sheet: 0,
            header,
            unmasked,
            next_row: row + 1,
            rows: 0,
            money: Format::new().set_num_format("#,##0.00"),
            date: Format::new().set_num_format("yyyy-mm-dd"),
            datetime: Format::new().set_num_format("yyyy-mm-dd hh:mm:ss"),
            filename: filename.to_string(),
            work_dir: dir.to_path_buf(),
        })
    }

    /// Names the sheet being written (the first is 数据 unless renamed).
    pub fn name_sheet(&mut self, name: &str) -> Result<(), ExportError> {
        self.workbook.worksheet_from_index(self.sheet)?.set_name(name)?;
        Ok(())
    }

    /// Starts another sheet named `name`: `title` on its first row, then a header row of
    /// `columns` (header, kind, width), whose headers may be made at run time. Rows pushed from
    /// now on go to it; the sheets before it are finished.
    pub fn next_sheet(&mut self, name: &str, title: &str, columns: &[(String, Kind, f64)]) -> Result<(), ExportError> {
        let bold = Format::new().set_bold();
        let sheet = self.workbook.add_worksheet_with_constant_memory()?;
        sheet.set_name(name)?;
        sheet.write_string_with_format(0, 0, title, &bold)?;
        for (i, (header, _, width)) in columns.iter().enumerate() {
            sheet.set_column_width(i as u16, *width)?;
            sheet.write_string_with_format(2, i as u16, header, &self.header)?;
        }
        self.sheet += 1;
        self.kinds = columns.iter().map(|(_, kind, _)| *kind).collect();
        self.next_row = 3;
        Ok(())
    }

    /// Appends a row to the current sheet; cells in column order.
    pub fn push(&mut self, cells: Vec<Cell>) -> Result<(), ExportError> {
        let row = self.next_row;
        let sheet = self.workbook.worksheet_from_index(self.sheet)?;
        for (i, (cell, kind)) in cells.into_iter().zip(self.kinds.iter()).enumerate() {
            let col = i as u16;
            match (cell, *kind) {
                (Cell::Empty, _) => {}
                (Cell::Text(s), Kind::Phone) => {
                    sheet.write_string(row, col, if self.unmasked { s } else { mask::phone(&s) })?;
                }
                (Cell::Text(s), Kind::IdNumber) => {
                    sheet.write_string(row, col, if self.unmasked { s } else { mask::id_number(&s) })?;
                }
                (Cell::Text(s), _) => {
                    sheet.write_string(row, col, s)?;
                }
                (Cell::Integer(n), _) => {
                    sheet.write_number(row, col, n as f64)?;
                }
                (Cell::Money(m), _) => {
                    sheet.write_with_format(row, col, m, &self.money)?;
                }
                (Cell::Date(d), _) => {
                    sheet.write_date_with_format(row, col, d, &self.date)?;
                }
                (Cell::DateTime(t), _) => {
                    let local = t.with_timezone(&time::shanghai()).naive_local();
                    sheet.write_datetime_with_format(row, col, local, &self.datetime)?;
                }
            }
        }
        self.next_row += 1;
        self.rows += 1;
        Ok(())
    }

    pub fn rows(&self) -> u64 {
        self.rows
    }

    /// Appends rows to the current sheet on a background thread (`resources::in_background`):
    /// a province's list is hundreds of thousands of rows, and writing them takes a core for
    /// seconds that the pages must not lose.
    pub async fn push_all(mut self, rows: Vec<Vec<Cell>>) -> Result<Export, ExportError> {
        crate::resources::in_background(move || {
            for cells in rows {
                self.push(cells)?;
            }
            Ok(self)
        })
        .await?
    }

    /// Writes the workbook to an anonymous temporary file and answers with a response that
    /// streams it. The file never has a name, so nothing is left behind whatever happens next.
    /// The workbook's memory goes back to the system before the response starts. Zipping a
    /// large workbook takes seconds of a core: it runs in the background like `push_all`.
    pub async fn into_response(mut self) -> Result<Response, ExportError> {
        let dir = self.work_dir.clone();
        let written = crate::resources::in_background(move || -> Result<(std::fs::File, String), ExportError> {
            let mut file = tempfile::tempfile_in(&dir)?;
            self.workbook.save_to_writer(&mut file)?;
            file.seek(SeekFrom::Start(0))?;
            let filename = self.filename.clone();
            drop(self);
            crate::resources::give_back();
            Ok((file, filename))
        })
        .await?;
        let (file, filename) = written?;
        let file = tokio::fs::File::from_std(file);
        let length = file.metadata().await?.len();
        let body = Body::from_stream(tokio_util::io::ReaderStream::new(file));
        let mut response = Response::new(body);
        *response.status_mut() = StatusCode::OK;
        let headers = response.headers_mut();
        headers.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        );
        headers.insert(header::CONTENT_LENGTH, HeaderValue::from(length));
        if let Ok(value) = HeaderValue::from_str(&content_disposition(&filename)) {
            headers.insert(header::CONTENT_DISPOSITION, value);
        }
        Ok(response)
    }
}

impl From<ExportError> for AppError {
    fn from(e: ExportError) -> Self {
        AppError::Internal(e.into())
    }
}

/// A workbook built in memory (a template, a file sent back with its errors) as a download.
pub fn workbook_download(bytes: Vec<u8>, filename: &str) -> Response {
    (
        [
            (header::CONTENT_TYPE, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet".to_string()),
            (header::CONTENT_DISPOSITION, content_disposition(filename)),
        ],
        bytes,
    )
        .into_response()
}

/// `attachment` for a workbook named `filename` (without extension).
pub fn content_disposition(filename: &str) -> String {
    attachment_disposition(&format!("{filename}.xlsx"), "export.xlsx")
}

/// `attachment` with an ASCII fallback name and the real (Chinese) one per RFC 6266/5987:
/// browsers that read `filename*` save `name` as it is; the others get the ASCII letters of it
/// (or `fallback` when it has none).
pub fn attachment_disposition(name: &str, fallback: &str) -> String {
    let (stem, ext) = name.rsplit_once('.').unwrap_or((name, ""));
    let ascii: String = stem.chars().filter(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_')).collect();
    let ascii = if ascii.is_empty() {
        fallback.to_string()
    } else if ext.is_empty() {
        ascii
    } else {
        format!("{ascii}.{}", ext.chars().filter(|c| c.is_ascii_alphanumeric()).collect::<String>())
    };
    let encoded: String = name
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect();
    format!("attachment; filename=\"{ascii}\"; filename*=UTF-8''{encoded}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chinese_file_names_are_encoded() {
        assert_eq!(
            content_disposition("审计日志-20261129"),
            "attachment; filename=\"-20261129.xlsx\"; filename*=UTF-8''%E5%AE%A1%E8%AE%A1%E6%97%A5%E5%BF%97-20261129.xlsx"
        );
        assert_eq!(
            content_disposition("预算"),
            "attachment; filename=\"export.xlsx\"; filename*=UTF-8''%E9%A2%84%E7%AE%97.xlsx"
        );
        assert_eq!(
            attachment_disposition("沈阳市实施方案（盖章）.pdf", "attachment.pdf"),
            "attachment; filename=\"attachment.pdf\"; filename*=UTF-8''%E6%B2%88%E9%98%B3%E5%B8%82%E5%AE%9E%E6%96%BD%E6%96%B9%E6%A1%88%EF%BC%88%E7%9B%96%E7%AB%A0%EF%BC%89.pdf"
        );
        assert_eq!(
            attachment_disposition("plan-v2.docx", "a.docx"),
            "attachment; filename=\"plan-v2.docx\"; filename*=UTF-8''plan-v2.docx"
        );
    }
}
