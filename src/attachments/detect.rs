//! What a file is, from its content, never from its name: PDF and the images by their magic
//! bytes; OFD, DOCX and XLSX by the entries of their ZIP central directory; DOC and XLS by the
//! streams of their OLE compound file. Reads only what it needs (the first bytes, the end of a
//! ZIP, a few sectors of an OLE file), so a large file is never read whole.

use std::io::{Read, Seek, SeekFrom};

use super::zip::{self, u16_at, u32_at};

labelled_enum! {
    /// The types the system accepts.
    pub enum FileType {
        Pdf => ("pdf", "PDF"),
        Ofd => ("ofd", "OFD"),
        Docx => ("docx", "Word(DOCX)"),
        Xlsx => ("xlsx", "Excel(XLSX)"),
        Doc => ("doc", "Word(DOC)"),
        Xls => ("xls", "Excel(XLS)"),
        Jpeg => ("jpeg", "JPEG 图片"),
        Png => ("png", "PNG 图片"),
    }
}

impl FileType {
    /// The media type a download is served with.
    pub fn mime(self) -> &'static str {
        match self {
            FileType::Pdf => "application/pdf",
            FileType::Ofd => "application/ofd",
            FileType::Docx => "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            FileType::Xlsx => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            FileType::Doc => "application/msword",
            FileType::Xls => "application/vnd.ms-excel",
            FileType::Jpeg => "image/jpeg",
            FileType::Png => "image/png",
        }
    }

    /// The extension a download's name gets when its own does not fit the content.
    pub fn extension(self) -> &'static str {
        match self {
            FileType::Jpeg => "jpg",
            other => other.as_str(),
        }
    }
}

/// The accepted types as a person reads them: "PDF、OFD、Word(DOCX)".
pub fn names(types: &[FileType]) -> String {
    types.iter().map(|t| t.label()).collect::<Vec<_>>().join("、")
}

const ZIP_LOCAL: &[u8] = b"PK\x03\x04";
const OLE: &[u8] = &[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];

/// The type of the file `f` (of `len` bytes), or `None` when it is none of the accepted ones.
pub fn detect<F: Read + Seek>(f: &mut F, len: u64) -> std::io::Result<Option<FileType>> {
    let mut head = [0u8; 8];
    f.seek(SeekFrom::Start(0))?;
    let n = read_up_to(f, &mut head)?;
    let head = &head[..n];
    if head.starts_with(b"%PDF-") {
        return Ok(Some(FileType::Pdf));
    }
    if head.starts_with(&[0xFF, 0xD8, 0xFF]) {
        return Ok(Some(FileType::Jpeg));
    }
    if head.starts_with(&[0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A]) {
        return Ok(Some(FileType::Png));
    }
    if head.starts_with(ZIP_LOCAL) {
        let names = zip_entry_names(f, len)?;
        let has = |name: &str| names.iter().any(|n| n == name);
        return Ok(if has("word/document.xml") {
            Some(FileType::Docx)
        } else if has("xl/workbook.xml") {
            Some(FileType::Xlsx)
        } else if has("OFD.xml") {
            Some(FileType::Ofd)
        } else {
            None
        });
    }
    if head.starts_with(OLE) {
        let names = ole_stream_names(f, len)?;
        let has = |name: &str| names.iter().any(|n| n == name);
        return Ok(if has("WordDocument") {
            Some(FileType::Doc)
        } else if has("Workbook") || has("Book") {
            Some(FileType::Xls)
        } else {
            None
        });
    }
    Ok(None)
}

fn read_up_to<R: Read>(r: &mut R, buf: &mut [u8]) -> std::io::Result<usize> {
    let mut filled = 0;
    while filled < buf.len() {
        match r.read(&mut buf[filled..])? {
            0 => break,
            n => filled += n,
        }
    }
    Ok(filled)
}

/// The entry names of a ZIP's central directory (empty when the file is not a readable ZIP).
fn zip_entry_names<F: Read + Seek>(f: &mut F, len: u64) -> std::io::Result<Vec<String>> {
    let tail_len = len.min(zip::TAIL as u64);
    let mut tail = vec![0u8; tail_len as usize];
    f.seek(SeekFrom::Start(len - tail_len))?;
    let n = read_up_to(f, &mut tail)?;
    tail.truncate(n);
    let Some((count, size, offset)) = zip::end_record(&tail) else { return Ok(Vec::new()) };
    // A central directory larger than 4 MiB, or pointing past the file, is not one we read.
    if size > 4 << 20 || u64::from(offset) + u64::from(size) > len {
        return Ok(Vec::new());
    }
    let mut dir = vec![0u8; size as usize];
    f.seek(SeekFrom::Start(u64::from(offset)))?;
    let n = read_up_to(f, &mut dir)?;
    dir.truncate(n);
    Ok(zip::entries(&dir, count).iter().map(|e| String::from_utf8_lossy(e.name).into_owned()).collect())
}

/// The names in an OLE compound file's directory (empty when it cannot be read).
fn ole_stream_names<F: Read + Seek>(f: &mut F, len: u64) -> std::io::Result<Vec<String>> {
    let mut header = [0u8; 512];
    f.seek(SeekFrom::Start(0))?;
    if read_up_to(f, &mut header)? < 512 {
        return Ok(Vec::new());
    }
    let (Some(shift), Some(fat_sectors), Some(first_dir)) =
        (u16_at(&header, 30), u32_at(&header, 44), u32_at(&header, 48))
    else {
        return Ok(Vec::new());
    };
    if !(shift == 9 || shift == 12) {
        return Ok(Vec::new());
    }
    let sector = 1u64 << shift;
    let read_sector = |f: &mut F, id: u32| -> std::io::Result<Option<Vec<u8>>> {
        let at = (u64::from(id) + 1) * sector;
        if at + sector > len {
            return Ok(None);
        }
        let mut buf = vec![0u8; sector as usize];
        f.seek(SeekFrom::Start(at))?;
        read_up_to(f, &mut buf)?;
        Ok(Some(buf))
    };
    // The FAT, from the sectors the header lists (the first 109 are enough for our sizes).
    let mut fat: Vec<u32> = Vec::new();
    for i in 0..fat_sectors.min(109) as usize {
        let Some(id) = u32_at(&header, 76 + 4 * i) else { break };
        let Some(buf) = read_sector(f, id)? else { break };
        fat.extend(buf.chunks_exact(4).map(|c| u32::from_le_bytes([c[0], c[1], c[2], c[3]])));
    }
    let mut names = Vec::new();
    let mut id = first_dir;
    // Follow the directory's chain, at most 256 sectors (no loops).
    for _ in 0..256 {
        if id >= 0xFFFF_FFFA {
            break;
        }
        let Some(buf) = read_sector(f, id)? else { break };
        for entry in buf.chunks_exact(128) {
            let name_len = u16::from_le_bytes([entry[64], entry[65]]) as usize;
            if (2..=64).contains(&name_len) {
                let units: Vec<u16> =
                    entry[..name_len - 2].chunks_exact(2).map(|c| u16::from_le_bytes([c[0], c[1]])).collect();
                names.push(String::from_utf16_lossy(&units));
            }
        }
        id = match fat.get(id as usize) {
            Some(next) => *next,
            None => break,
        };
    }
    Ok(names)
}

#[cfg(test)]
mod tests {
    use std::io::Cursor;

    use super::*;
    use crate::attachments::samples;

    fn kind(bytes: Vec<u8>) -> Option<FileType> {
        let len = bytes.len() as u64;
        detect(&mut Cursor::new(bytes), len).unwrap()
    }

    #[test]
    fn each_accepted_type_is_recognised_by_its_content() {
        for t in FileType::ALL {
            assert_eq!(kind(samples::of(*t)), Some(*t), "{t:?}");
        }
    }

    #[test]
    fn anything_else_is_nothing() {
        assert_eq!(kind(b"MZ\x90\x00 a Windows program".to_vec()), None);
        assert_eq!(kind("这是一个文本文件，不是 PDF".as_bytes().to_vec()), None);
        assert_eq!(kind(samples::zip(&[("hello.txt", b"hi")])), None, "a plain zip");
        assert_eq!(kind(samples::ole("Something")), None, "an OLE file of another kind");
        assert_eq!(kind(Vec::new()), None);
        assert_eq!(kind(b"PK\x03\x04 broken".to_vec()), None, "a truncated zip");
    }

    #[test]
    fn accepted_types_read_as_a_list() {
        assert_eq!(names(&[FileType::Pdf, FileType::Ofd, FileType::Docx]), "PDF、OFD、Word(DOCX)");
    }
}
