//! Reading a ZIP archive's central directory from bytes in memory: what the type detection
//! (entry names) and the import's inflation check (methods, sizes, where each entry's data
//! starts) both need. Nothing here inflates anything.

/// A little-endian u16 at `at`, if the bytes reach that far.
pub(crate) fn u16_at(b: &[u8], at: usize) -> Option<u16> {
    b.get(at..at + 2).map(|s| u16::from_le_bytes([s[0], s[1]]))
}

/// A little-endian u32 at `at`, if the bytes reach that far.
pub(crate) fn u32_at(b: &[u8], at: usize) -> Option<u32> {
    b.get(at..at + 4).map(|s| u32::from_le_bytes([s[0], s[1], s[2], s[3]]))
}

/// The end-of-central-directory record found in `tail` (the archive's last bytes: 22 plus a
/// comment of at most 65,535): how many entries, and the directory's size and offset.
pub(crate) fn end_record(tail: &[u8]) -> Option<(u16, u32, u32)> {
    let eocd = tail.windows(4).rposition(|w| w == b"PK\x05\x06")?;
    Some((u16_at(tail, eocd + 10)?, u32_at(tail, eocd + 12)?, u32_at(tail, eocd + 16)?))
}

/// How many bytes of an archive's end hold its end record.
pub(crate) const TAIL: usize = 22 + 65_535;

/// An entry of the central directory.
pub(crate) struct Entry<'a> {
    pub name: &'a [u8],
    pub method: u16,
    pub compressed: u32,
    /// Where its local header starts in the archive.
    pub local: u32,
}

/// The entries of the central directory `dir`, at most `count`, stopping at the first one that
/// is not well formed (the caller compares the number with `count` when it must be whole).
pub(crate) fn entries(dir: &[u8], count: u16) -> Vec<Entry<'_>> {
    let mut out = Vec::new();
    let mut at = 0usize;
    for _ in 0..count {
        if dir.get(at..at + 4) != Some(b"PK\x01\x02") {
            break;
        }
        let fields = (
            u16_at(dir, at + 10),
            u32_at(dir, at + 20),
            u16_at(dir, at + 28),
            u16_at(dir, at + 30),
            u16_at(dir, at + 32),
            u32_at(dir, at + 42),
        );
        let (Some(method), Some(compressed), Some(name_len), Some(extra), Some(comment), Some(local)) = fields else {
            break;
        };
        let start = at + 46;
        let Some(name) = dir.get(start..start + usize::from(name_len)) else { break };
        out.push(Entry { name, method, compressed, local });
        at = start + usize::from(name_len) + usize::from(extra) + usize::from(comment);
    }
    out
}
