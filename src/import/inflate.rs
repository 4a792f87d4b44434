//! What an .xlsx inflates to, counted before anything parses it. An upload is at most a few
//! megabytes, but deflate packs a thousand to one: a "zip bomb" posing as a workbook would
//! have the spreadsheet reader expand gigabytes of XML into memory. The entries are inflated
//! here into nothing, stopping at the limit, whatever sizes their headers claim.

use std::io::{Read, copy, sink};

use flate2::read::DeflateDecoder;

use crate::attachments::zip;

/// Why a workbook's archive is refused before it is read.
#[derive(Debug, PartialEq, Eq)]
pub enum Refusal {
    /// It inflates to more than the limit.
    TooLarge,
    /// Its archive is not one a spreadsheet program writes (broken, zip64, another method).
    Unreadable,
}

/// Inflates every entry of the zip archive `bytes` (through its central directory) into
/// nothing, refusing once the total passes `most` bytes.
pub fn within(bytes: &[u8], most: u64) -> Result<(), Refusal> {
    let tail = &bytes[bytes.len().saturating_sub(zip::TAIL)..];
    let (count, size, offset) = zip::end_record(tail).ok_or(Refusal::Unreadable)?;
    let (offset, size) = (offset as usize, size as usize);
    let dir = bytes.get(offset..offset + size).ok_or(Refusal::Unreadable)?;
    let entries = zip::entries(dir, count);
    if entries.len() != usize::from(count) {
        return Err(Refusal::Unreadable);
    }
    let mut total: u64 = 0;
    for entry in entries {
        // Zip64 marks its sizes 0xFFFFFFFF; no workbook of an upload's size needs it.
        if entry.compressed == u32::MAX || entry.local == u32::MAX {
            return Err(Refusal::Unreadable);
        }
        let local = entry.local as usize;
        if bytes.get(local..local + 4) != Some(b"PK\x03\x04") {
            return Err(Refusal::Unreadable);
        }
        let (name, extra) =
            zip::u16_at(bytes, local + 26).zip(zip::u16_at(bytes, local + 28)).ok_or(Refusal::Unreadable)?;
        let start = local + 30 + usize::from(name) + usize::from(extra);
        let data = bytes.get(start..start + entry.compressed as usize).ok_or(Refusal::Unreadable)?;
        let left = most.saturating_sub(total);
        let inflated = match entry.method {
            0 => data.len() as u64,
            8 => copy(&mut DeflateDecoder::new(data).take(left + 1), &mut sink()).map_err(|_| Refusal::Unreadable)?,
            _ => return Err(Refusal::Unreadable),
        };
        total += inflated;
        if total > most {
            return Err(Refusal::TooLarge);
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::attachments::samples::deflated;

    #[test]
    fn an_archive_that_inflates_past_the_limit_is_refused_whatever_it_claims() {
        let zeros = vec![0u8; 3 * 1024 * 1024];
        let honest = deflated("xl/worksheets/sheet1.xml", &zeros, zeros.len() as u32);
        assert!(honest.len() < 20_000, "three megabytes pack into {} bytes", honest.len());
        assert_eq!(within(&honest, 1024 * 1024), Err(Refusal::TooLarge));
        let lying = deflated("xl/worksheets/sheet1.xml", &zeros, 1000);
        assert_eq!(within(&lying, 1024 * 1024), Err(Refusal::TooLarge), "counted, not believed");
        assert_eq!(within(&honest, 4 * 1024 * 1024), Ok(()), "within a larger limit");
    }

    #[test]
    fn a_workbook_within_the_limit_passes_and_broken_archives_do_not() {
        let sheet = b"<worksheet><sheetData><row r=\"1\"><c r=\"A1\"><v>1</v></c></row></sheetData></worksheet>";
        assert_eq!(within(&deflated("xl/worksheets/sheet1.xml", sheet, sheet.len() as u32), 1024), Ok(()));
        let stored = crate::attachments::samples::of(crate::attachments::detect::FileType::Xlsx);
        assert_eq!(within(&stored, 1024 * 1024), Ok(()));
        assert_eq!(within(b"PK\x03\x04 broken", 1024), Err(Refusal::Unreadable));
        let mut cut = deflated("a.xml", sheet, sheet.len() as u32);
        cut.truncate(cut.len() - 30);
        assert_eq!(within(&cut, 1024), Err(Refusal::Unreadable));
    }
}
