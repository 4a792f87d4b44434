//! The one way officials' spreadsheets come in, built once as the export was: an import kind is
//! described once (its columns: Chinese header, field, required or not, help, example; its
//! natural key), and from that description come the template to download, the reading of a
//! file (.xlsx, .xls, or .csv in UTF-8 or GBK/GB18030, told apart by content), the checking of
//! every row before anything is written (each problem with its row, column, value and message;
//! duplicates of the key inside the file), and the same file back with an error column.
//! Writing is the feature's: all rows in one transaction, or none (see `jobs`).

pub mod csv;
mod inflate;
pub mod job;
pub mod pages;
pub mod upload;
pub mod views;

use std::collections::HashMap;
use std::io::Cursor;

use calamine::{Data, Reader};
use rust_xlsxwriter::{Format, Workbook, XlsxError};
use serde::{Deserialize, Serialize};

/// One column of an import kind.
#[derive(Clone, Copy, Debug)]
pub struct Column {
    /// As the template's first row has it (a trailing ＊ marks required ones there).
    pub header: &'static str,
    pub field: &'static str,
    pub required: bool,
    pub help: &'static str,
    pub example: &'static str,
}

/// An import kind: what it is called, its columns, and the field that identifies a row.
#[derive(Clone, Copy, Debug)]
pub struct Spec {
    pub title: &'static str,
    /// What a row counts as in the outcome (家, 人, 条).
    pub unit: &'static str,
    pub columns: &'static [Column],
    pub key: &'static str,
    /// What a row already there becomes, as the upload page says it (e.g. 已登记的单位按统一社会信用代码更新).
    pub updates: &'static str,
}

impl Spec {
    pub fn column(&self, field: &str) -> Option<&Column> {
        self.columns.iter().find(|c| c.field == field)
    }
}

/// Why a file could not be read at all.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum ReadError {
    #[error("文件类型不符：请上传 Excel（.xlsx、.xls）或 CSV 文件")]
    WrongType,
    #[error("文件无法读取，可能已损坏：{0}")]
    Broken(String),
    #[error("文件中没有数据")]
    Empty,
    #[error("缺少必填列：{0}（请使用下载的模板）")]
    MissingColumns(String),
    #[error("文件解压后超过 {0} MB，不像正常的 Excel 文件，未导入（请只保留要导入的工作表后重新保存）")]
    InflatesTooMuch(u64),
}

/// What a file's content says it is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FileKind {
    Xlsx,
    Xls,
    Csv,
}

/// Tells the kind by the first bytes: a zip (xlsx), an OLE compound file (xls), or text with
/// no NUL in its first 8 KiB (CSV). Anything else, whatever its name says, is refused.
pub fn sniff(bytes: &[u8]) -> Result<FileKind, ReadError> {
    if bytes.starts_with(b"PK\x03\x04") {
        Ok(FileKind::Xlsx)
    } else if bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]) {
        Ok(FileKind::Xls)
    } else if bytes.is_empty() {
        Err(ReadError::Empty)
    } else if bytes.starts_with(b"%PDF") || bytes[..bytes.len().min(8192)].contains(&0) {
        Err(ReadError::WrongType)
    } else {
        Ok(FileKind::Csv)
    }
}

/// The text of a CSV: UTF-8 (its BOM dropped) if it is valid UTF-8, else GB18030 (which
/// covers GBK, as Excel and WPS in China save it).
pub fn decode_text(bytes: &[u8]) -> Result<String, ReadError> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    if let Ok(text) = std::str::from_utf8(bytes) {
        return Ok(text.to_string());
    }
    let (text, _, had_errors) = encoding_rs::GB18030.decode(bytes);
    if had_errors {
        return Err(ReadError::Broken("文字编码既不是 UTF-8 也不是 GBK".into()));
    }
    Ok(text.into_owned())
}

/// The most an .xlsx may inflate to: 100,000 rows of a wide template come to about 60 MB of XML.
const MOST_INFLATED_BYTES: u64 = 256 * 1024 * 1024;

/// The first sheet (or the CSV) as rows of text cells.
pub fn read_table(bytes: &[u8]) -> Result<Vec<Vec<String>>, ReadError> {
    read_table_within(bytes, MOST_INFLATED_BYTES)
}

fn read_table_within(bytes: &[u8], most_inflated: u64) -> Result<Vec<Vec<String>>, ReadError> {
    let table = match sniff(bytes)? {
        FileKind::Csv => csv::parse(&decode_text(bytes)?),
        FileKind::Xlsx => {
            match inflate::within(bytes, most_inflated) {
                Ok(()) => {}
                Err(inflate::Refusal::TooLarge) => {
                    return Err(ReadError::InflatesTooMuch(most_inflated / (1024 * 1024)));
                }
                Err(inflate::Refusal::Unreadable) => return Err(ReadError::WrongType),
            }
            let mut book = calamine::Xlsx::new(Cursor::new(bytes)).map_err(|_| ReadError::WrongType)?;
            sheet(&mut book)?
        }
        FileKind::Xls => {
            let mut book = calamine::Xls::new(Cursor::new(bytes)).map_err(|_| ReadError::WrongType)?;
            sheet(&mut book)?
        }
    };
    Ok(table)
}

fn sheet<RS, R>(book: &mut R) -> Result<Vec<Vec<String>>, ReadError>
where
    RS: std::io::Read + std::io::Seek,
    R: Reader<RS>,
    R::Error: std::fmt::Display,
{
    let range = book.worksheet_range_at(0).ok_or(ReadError::Empty)?.map_err(|e| ReadError::Broken(e.to_string()))?;
    Ok(range.rows().map(|r| r.iter().map(cell_text).collect()).collect())
}

/// A cell as the text a form field would hold: integers without `.0`, dates as 2026-03-01.
fn cell_text(cell: &Data) -> String {
    match cell {
        Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{}", *f as i64),
        Data::DateTime(d) => d.as_datetime().map(|t| t.date().to_string()).unwrap_or_else(|| d.to_string()),
        other => other.to_string().trim().to_string(),
    }
}

/// A data row: its row number in the sheet (the header is row 1) and its cells as read, with
/// where each field's column is (shared by every row, so a file of 100,000 rows is held once).
#[derive(Clone, Debug)]
pub struct Row {
    pub number: usize,
    pub raw: Vec<String>,
    columns: std::sync::Arc<[(&'static str, usize)]>,
}

impl Row {
    /// The cell of `field`, trimmed ("" when the file has no such column or cell).
    pub fn get(&self, field: &str) -> &str {
        self.columns.iter().find(|(f, _)| *f == field).and_then(|(_, i)| self.raw.get(*i)).map_or("", |c| c.trim())
    }
}

/// The data rows of a table under `spec`: the header row names the columns (in any order,
/// with or without the template's ＊); a required column missing is an error; blank rows are
/// skipped. The cells are moved, not copied.
pub fn rows(spec: &Spec, table: Vec<Vec<String>>) -> Result<(Vec<String>, Vec<Row>), ReadError> {
    let mut table = table.into_iter();
    let header = table.next().ok_or(ReadError::Empty)?;
    let clean = |h: &str| h.trim().trim_end_matches(['*', '＊']).trim().to_string();
    let mut at: Vec<(&'static str, usize)> = Vec::new();
    let mut missing = Vec::new();
    for c in spec.columns {
        match header.iter().position(|h| clean(h) == c.header) {
            Some(i) => at.push((c.field, i)),
            None if c.required => missing.push(c.header),
            None => {}
        }
    }
    if !missing.is_empty() {
        return Err(ReadError::MissingColumns(missing.join("、")));
    }
    let columns: std::sync::Arc<[(&'static str, usize)]> = at.into();
    let rows = table
        .enumerate()
        .filter(|(_, cells)| cells.iter().any(|c| !c.trim().is_empty()))
        .map(|(i, cells)| Row { number: i + 2, raw: cells, columns: columns.clone() })
        .collect::<Vec<_>>();
    if rows.is_empty() {
        return Err(ReadError::Empty);
    }
    Ok((header, rows))
}

/// A problem with one cell (or one row, when `column` is empty).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RowError {
    pub row: usize,
    pub column: String,
    pub value: String,
    pub message: String,
}

/// The field errors of a parsed row as row errors, by the spec's column headers.
pub fn row_errors(spec: &Spec, row: &Row, errors: &crate::web::form::FieldErrors) -> Vec<RowError> {
    spec.columns
        .iter()
        .filter_map(|c| {
            errors.get(c.field).map(|m| RowError {
                row: row.number,
                column: c.header.to_string(),
                value: row.get(c.field).to_string(),
                message: m.to_string(),
            })
        })
        .collect()
}

/// Finds rows whose key repeats an earlier row's, one row at a time (so a file need not be held
/// whole to be checked).
pub struct Keys<'a, F: Fn(&str) -> String> {
    spec: &'a Spec,
    normalise: F,
    first: HashMap<String, usize>,
}

impl<'a, F: Fn(&str) -> String> Keys<'a, F> {
    pub fn new(spec: &'a Spec, normalise: F) -> Self {
        Keys { spec, normalise, first: HashMap::new() }
    }

    /// The error if `row`'s key was seen in an earlier row (compared as `normalise` makes it).
    pub fn see(&mut self, row: &Row) -> Option<RowError> {
        let key = (self.normalise)(row.get(self.spec.key));
        self.see_key(row, key)
    }

    /// The same for a key the caller made (of several cells: a year and an industry, say),
    /// reported on the spec's key column; an empty key is not compared.
    pub fn see_key(&mut self, row: &Row, key: String) -> Option<RowError> {
        if key.is_empty() {
            return None;
        }
        match self.first.get(&key) {
            Some(n) => Some(RowError {
                row: row.number,
                column: self.spec.column(self.spec.key).map_or("", |c| c.header).to_string(),
                value: row.get(self.spec.key).to_string(),
                message: format!("与第 {n} 行重复"),
            }),
            None => {
                self.first.insert(key, row.number);
                None
            }
        }
    }
}

/// Rows whose key repeats an earlier row's (compared as `normalise` makes it).
pub fn duplicates(spec: &Spec, rows: &[Row], normalise: impl Fn(&str) -> String) -> Vec<RowError> {
    let mut keys = Keys::new(spec, normalise);
    rows.iter().filter_map(|r| keys.see(r)).collect()
}

/// The template: the headers (required ones marked ＊), an example row, and a sheet 填写说明
/// explaining each column.
pub fn template(spec: &Spec) -> Result<Vec<u8>, XlsxError> {
    let mut book = Workbook::new();
    let bold = Format::new().set_bold();
    let sheet = book.add_worksheet().set_name(spec.title)?;
    for (i, c) in spec.columns.iter().enumerate() {
        let col = i as u16;
        let header = if c.required { format!("{}＊", c.header) } else { c.header.to_string() };
        sheet.write_string_with_format(0, col, header, &bold)?;
        sheet.write_string(1, col, c.example)?;
        sheet.set_column_width(col, (c.header.chars().count() as f64 * 2.2).max(14.0))?;
    }
    let help = book.add_worksheet().set_name("填写说明")?;
    for (col, title) in ["列名", "是否必填", "填写要求", "示例"].iter().enumerate() {
        help.write_string_with_format(0, col as u16, *title, &bold)?;
    }
    for (i, c) in spec.columns.iter().enumerate() {
        let row = i as u32 + 1;
        help.write_string(row, 0, c.header)?;
        help.write_string(row, 1, if c.required { "必填" } else { "选填" })?;
        help.write_string(row, 2, c.help)?;
        help.write_string(row, 3, c.example)?;
    }
    help.set_column_width(2, 60)?;
    help.write_string(spec.columns.len() as u32 + 2, 0, "第一个工作表的第 1 行为列名，第 2 行为示例，导入前请删除示例行；整个文件检查无误后才会全部导入，有任何错误则全部不导入。")?;
    book.save_to_buffer()
}

/// The file as read, every row kept, with an error column added (empty for good rows).
pub fn with_errors(header: &[String], rows: &[Row], errors: &[RowError]) -> Result<Vec<u8>, XlsxError> {
    let mut book = Workbook::new();
    let bold = Format::new().set_bold();
    let red = Format::new().set_font_color(rust_xlsxwriter::Color::Red);
    let sheet = book.add_worksheet().set_name("错误说明")?;
    for (i, h) in header.iter().enumerate() {
        sheet.write_string_with_format(0, i as u16, h, &bold)?;
    }
    let error_col = header.len() as u16;
    sheet.write_string_with_format(0, error_col, "错误说明", &bold)?;
    sheet.set_column_width(error_col, 60)?;
    let mut by_row: HashMap<usize, Vec<String>> = HashMap::new();
    for e in errors {
        let text = if e.column.is_empty() { e.message.clone() } else { format!("{}：{}", e.column, e.message) };
        by_row.entry(e.row).or_default().push(text);
    }
    for (i, r) in rows.iter().enumerate() {
        let out = i as u32 + 1;
        for (col, cell) in r.raw.iter().enumerate() {
            sheet.write_string(out, col as u16, cell)?;
        }
        if let Some(messages) = by_row.get(&r.number) {
            sheet.write_string_with_format(
                out,
                error_col,
                format!("第 {} 行：{}", r.number, messages.join("；")),
                &red,
            )?;
        }
    }
    book.save_to_buffer()
}

/// What an import came to, as its job's result keeps it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum Outcome {
    /// Every row was written.
    Imported { rows: usize, added: u64, updated: u64, unchanged: u64 },
    /// Some rows were wrong: nothing was written.
    Rejected { rows: usize, errors: Vec<RowError> },
    /// The file could not be read.
    Unreadable { message: String },
}

#[cfg(test)]
mod tests {
    use super::*;

    const SPEC: Spec = Spec {
        title: "测试",
        unit: "条",
        key: "code",
        updates: "",
        columns: &[
            Column { header: "代码", field: "code", required: true, help: "", example: "A1" },
            Column { header: "名称", field: "name", required: true, help: "", example: "甲" },
            Column { header: "备注", field: "note", required: false, help: "", example: "" },
        ],
    };

    fn table(rows: &[&[&str]]) -> Vec<Vec<String>> {
        rows.iter().map(|r| r.iter().map(|c| c.to_string()).collect()).collect()
    }

    #[test]
    fn a_workbook_that_inflates_past_the_limit_is_refused_unread() {
        let zeros = vec![0u8; 2 * 1024 * 1024];
        let bomb = crate::attachments::samples::deflated("xl/worksheets/sheet1.xml", &zeros, 100);
        let refused = read_table_within(&bomb, 1024 * 1024).unwrap_err();
        assert!(matches!(refused, ReadError::InflatesTooMuch(1)));
        assert!(refused.to_string().contains("解压后超过 1 MB"), "{refused}");
    }

    #[test]
    fn files_are_told_apart_by_content() {
        assert_eq!(sniff(b"PK\x03\x04rest"), Ok(FileKind::Xlsx));
        assert_eq!(sniff(&[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1, 0]), Ok(FileKind::Xls));
        assert_eq!(sniff("代码，名称\n".as_bytes()), Ok(FileKind::Csv));
        assert_eq!(sniff(b"%PDF-1.7"), Err(ReadError::WrongType));
        assert_eq!(sniff(b"\x89PNG\r\n\x1a\n\0\0"), Err(ReadError::WrongType));
    }

    #[test]
    fn gbk_text_is_read_as_gbk() {
        let (gbk, _, _) = encoding_rs::GBK.encode("代码，名称\nA1，沈阳化工\n");
        assert_eq!(decode_text(&gbk).unwrap(), "代码，名称\nA1，沈阳化工\n");
        assert_eq!(decode_text("\u{FEFF}代码".as_bytes()).unwrap(), "代码");
    }

    #[test]
    fn columns_are_found_by_header_in_any_order() {
        let (_, rows) = rows(&SPEC, table(&[&["名称＊", " 代码 "], &["甲", "A1"], &["", ""], &["乙", "A2"]])).unwrap();
        assert_eq!(rows.len(), 2, "the blank row skipped");
        assert_eq!((rows[1].number, rows[1].get("code"), rows[1].get("name")), (4, "A2", "乙"));
        assert_eq!(
            super::rows(&SPEC, table(&[&["名称"], &["甲"]])).unwrap_err(),
            ReadError::MissingColumns("代码".into())
        );
    }

    #[test]
    fn a_repeated_key_is_an_error_naming_the_first_row() {
        let (_, rows) = rows(&SPEC, table(&[&["代码", "名称"], &["a1", "甲"], &["A2", "乙"], &["A1", "丙"]])).unwrap();
        let errors = duplicates(&SPEC, &rows, |k| k.trim().to_uppercase());
        assert_eq!(
            errors,
            [RowError { row: 4, column: "代码".into(), value: "A1".into(), message: "与第 2 行重复".into() }]
        );
    }

    #[test]
    fn the_template_and_the_error_file_read_back() {
        let bytes = template(&SPEC).unwrap();
        let t = read_table(&bytes).unwrap();
        assert_eq!(t[0], ["代码＊", "名称＊", "备注"]);
        assert_eq!(t[1][0], "A1");
        let (header, rows) = rows(&SPEC, table(&[&["代码", "名称"], &["A1", ""], &["A2", "乙"]])).unwrap();
        let errors =
            [RowError { row: 2, column: "名称".into(), value: String::new(), message: "此项为必填项".into() }];
        let back = read_table(&with_errors(&header, &rows, &errors).unwrap()).unwrap();
        assert_eq!(back[0], ["代码", "名称", "错误说明"]);
        assert_eq!(back[1], ["A1", "", "第 2 行：名称：此项为必填项"]);
        assert_eq!(back[2], ["A2", "乙", ""], "a good row has no error");
    }
}
