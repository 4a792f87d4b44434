//! Small but well-formed files of every accepted type, built byte by byte, for the tests, the
//! upload benchmark, and the demo's documents ([`document`]: a one-page PDF that opens and shows
//! its Chinese text). Nothing here is used to serve requests.

use super::detect::FileType;

/// A file of type `t`.
pub fn of(t: FileType) -> Vec<u8> {
    match t {
        FileType::Pdf => pdf(1024),
        FileType::Jpeg => {
            let mut b = vec![
                0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10, b'J', b'F', b'I', b'F', 0x00, 0x01, 0x01, 0x00, 0x00, 0x01, 0x00,
                0x01, 0x00, 0x00,
            ];
            b.extend([0xFF, 0xD9]);
            b
        }
        FileType::Png => {
            let mut b = vec![0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A];
            b.extend([0, 0, 0, 13]);
            b.extend(b"IHDR");
            b.extend([0, 0, 0, 1, 0, 0, 0, 1, 8, 2, 0, 0, 0]);
            b.extend([0x90, 0x77, 0x53, 0xDE]);
            b.extend([0, 0, 0, 0]);
            b.extend(b"IEND");
            b.extend([0xAE, 0x42, 0x60, 0x82]);
            b
        }
        FileType::Docx => {
            zip(&[("[Content_Types].xml", b"<Types/>".as_slice()), ("word/document.xml", b"<w:document/>".as_slice())])
        }
        FileType::Xlsx => {
            zip(&[("[Content_Types].xml", b"<Types/>".as_slice()), ("xl/workbook.xml", b"<workbook/>".as_slice())])
        }
        FileType::Ofd => {
            zip(&[("OFD.xml", b"<ofd:OFD/>".as_slice()), ("Doc_0/Document.xml", b"<ofd:Document/>".as_slice())])
        }
        FileType::Doc => ole("WordDocument"),
        FileType::Xls => ole("Workbook"),
    }
}

/// A PDF of about `size` bytes (a header, filler, the end marker).
pub fn pdf(size: usize) -> Vec<u8> {
    let mut b = b"%PDF-1.4\n%\xE2\xE3\xCF\xD3\n".to_vec();
    let mut x: u32 = 2463534242;
    while b.len() + 6 < size {
        // A simple xorshift: filler that does not compress, like a scanned document.
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        b.push((x & 0xFF) as u8);
    }
    b.extend(b"%%EOF\n");
    b
}

/// A ZIP archive of stored (uncompressed) entries.
pub fn zip(entries: &[(&str, &[u8])]) -> Vec<u8> {
    let mut out = Vec::new();
    let mut central = Vec::new();
    for (name, data) in entries {
        let offset = out.len() as u32;
        let crc = crc32(data);
        let local = |b: &mut Vec<u8>| {
            b.extend([0x0A, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00]);
            b.extend(crc.to_le_bytes());
            b.extend((data.len() as u32).to_le_bytes());
            b.extend((data.len() as u32).to_le_bytes());
            b.extend((name.len() as u16).to_le_bytes());
            b.extend(0u16.to_le_bytes());
        };
        out.extend(b"PK\x03\x04");
        local(&mut out);
        out.extend(name.as_bytes());
        out.extend(*data);
        central.extend(b"PK\x01\x02");
        central.extend([0x14, 0x00]);
        local(&mut central);
        // Comment length, disk number, internal attributes; external attributes.
        central.extend([0u8; 6]);
        central.extend(0u32.to_le_bytes());
        central.extend(offset.to_le_bytes());
        central.extend(name.as_bytes());
    }
    let dir_offset = out.len() as u32;
    out.extend(&central);
    out.extend(b"PK\x05\x06");
    out.extend([0u8; 4]);
    out.extend((entries.len() as u16).to_le_bytes());
    out.extend((entries.len() as u16).to_le_bytes());
    out.extend((central.len() as u32).to_le_bytes());
    out.extend(dir_offset.to_le_bytes());
    out.extend(0u16.to_le_bytes());
    out
}

fn crc32(data: &[u8]) -> u32 {
    let mut crc = 0xFFFF_FFFFu32;
    for byte in data {
        crc ^= u32::from(*byte);
        for _ in 0..8 {
            crc = if crc & 1 == 1 { (crc >> 1) ^ 0xEDB8_8320 } else { crc >> 1 };
        }
    }
    !crc
}

/// An OLE compound file (512-byte sectors) whose directory holds one stream named `stream`.
pub fn ole(stream: &str) -> Vec<u8> {
    let mut header = vec![0u8; 512];
    header[..8].copy_from_slice(&[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]);
    header[24..26].copy_from_slice(&0x3Eu16.to_le_bytes());
    header[26..28].copy_from_slice(&3u16.to_le_bytes());
    header[28..30].copy_from_slice(&0xFFFEu16.to_le_bytes());
    header[30..32].copy_from_slice(&9u16.to_le_bytes());
    header[32..34].copy_from_slice(&6u16.to_le_bytes());
    header[44..48].copy_from_slice(&1u32.to_le_bytes());
    header[48..52].copy_from_slice(&1u32.to_le_bytes());
    header[56..60].copy_from_slice(&4096u32.to_le_bytes());
    header[60..64].copy_from_slice(&0xFFFF_FFFEu32.to_le_bytes());
    header[68..72].copy_from_slice(&0xFFFF_FFFEu32.to_le_bytes());
    header[76..80].copy_from_slice(&0u32.to_le_bytes());
    for i in 1..109 {
        header[76 + 4 * i..80 + 4 * i].copy_from_slice(&0xFFFF_FFFFu32.to_le_bytes());
    }
    // Sector 0: the FAT (itself, then the directory's one-sector chain).
    let mut fat = vec![0xFFu8; 512];
    fat[..4].copy_from_slice(&0xFFFF_FFFDu32.to_le_bytes());
    fat[4..8].copy_from_slice(&0xFFFF_FFFEu32.to_le_bytes());
    // Sector 1: the directory.
    let mut dir = vec![0u8; 512];
    let mut entry = |index: usize, name: &str, kind: u8| {
        let e = &mut dir[index * 128..(index + 1) * 128];
        let units: Vec<u16> = name.encode_utf16().collect();
        for (i, u) in units.iter().enumerate() {
            e[2 * i..2 * i + 2].copy_from_slice(&u.to_le_bytes());
        }
        e[64..66].copy_from_slice(&(((units.len() + 1) * 2) as u16).to_le_bytes());
        e[66] = kind;
    };
    entry(0, "Root Entry", 5);
    entry(1, stream, 2);
    let mut out = header;
    out.extend(fat);
    out.extend(dir);
    out
}

/// A one-page A4 PDF showing `lines` (Chinese included) in STSong-Light, one of the CJK fonts
/// every PDF reader supplies itself, so nothing is embedded.
pub fn document(lines: &[&str]) -> Vec<u8> {
    let mut content = String::from("BT\n");
    for (i, line) in lines.iter().enumerate() {
        let size = if i == 0 { 20 } else { 14 };
        let y = 760 - 36 * i as i32;
        let hex: String = line.encode_utf16().map(|u| format!("{u:04X}")).collect();
        content.push_str(&format!("/F1 {size} Tf 1 0 0 1 72 {y} Tm <{hex}> Tj\n"));
    }
    content.push_str("ET\n");
    let objects = [
        "<< /Type /Catalog /Pages 2 0 R >>".to_string(),
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_string(),
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>"
            .to_string(),
        format!("<< /Length {} >>\nstream\n{content}endstream", content.len()),
        "<< /Type /Font /Subtype /Type0 /BaseFont /STSong-Light /Encoding /UniGB-UCS2-H /DescendantFonts [6 0 R] >>"
            .to_string(),
        "<< /Type /Font /Subtype /CIDFontType0 /BaseFont /STSong-Light /CIDSystemInfo << /Registry (Adobe) /Ordering (GB1) /Supplement 2 >> /FontDescriptor 7 0 R >>".to_string(),
        "<< /Type /FontDescriptor /FontName /STSong-Light /Flags 6 /FontBBox [-25 -254 1000 880] /ItalicAngle 0 /Ascent 880 /Descent -120 /CapHeight 880 /StemV 93 >>".to_string(),
    ];
    let mut out = b"%PDF-1.4\n%\xE2\xE3\xCF\xD3\n".to_vec();
    let mut offsets = Vec::new();
    for (i, body) in objects.iter().enumerate() {
        offsets.push(out.len());
        out.extend(format!("{} 0 obj\n{body}\nendobj\n", i + 1).as_bytes());
    }
    let xref = out.len();
    out.extend(format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1).as_bytes());
    for offset in offsets {
        out.extend(format!("{offset:010} 00000 n \n").as_bytes());
    }
    out.extend(
        format!("trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n", objects.len() + 1).as_bytes(),
    );
    out
}

/// A zip archive with one deflated entry holding `data`, its headers claiming `claimed`
/// bytes inflated (a bomb's may lie).
pub fn deflated(name: &str, data: &[u8], claimed: u32) -> Vec<u8> {
    let mut encoder = flate2::write::DeflateEncoder::new(Vec::new(), flate2::Compression::best());
    std::io::Write::write_all(&mut encoder, data).expect("deflate into memory");
    let packed = encoder.finish().expect("deflate into memory");
    let header = |b: &mut Vec<u8>| {
        b.extend([0x14, 0x00, 0x00, 0x00, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00]);
        b.extend(0u32.to_le_bytes());
        b.extend((packed.len() as u32).to_le_bytes());
        b.extend(claimed.to_le_bytes());
        b.extend((name.len() as u16).to_le_bytes());
        b.extend(0u16.to_le_bytes());
    };
    let mut out = b"PK\x03\x04".to_vec();
    header(&mut out);
    out.extend(name.as_bytes());
    out.extend(&packed);
    let directory = out.len() as u32;
    out.extend(b"PK\x01\x02\x14\x00");
    header(&mut out);
    out.extend([0u8; 10]);
    out.extend(0u32.to_le_bytes());
    out.extend(name.as_bytes());
    let size = out.len() as u32 - directory;
    out.extend(b"PK\x05\x06\x00\x00\x00\x00\x01\x00\x01\x00");
    out.extend(size.to_le_bytes());
    out.extend(directory.to_le_bytes());
    out.extend(0u16.to_le_bytes());
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_demo_document_is_a_pdf_with_a_cross_reference_table_that_points_at_its_objects() {
        let pdf = document(&["沈阳市工伤预防实施方案", "演示文件"]);
        assert!(pdf.starts_with(b"%PDF-1.4"));
        let find = |needle: &[u8]| pdf.windows(needle.len()).rposition(|w| w == needle).unwrap();
        let after = find(b"startxref\n") + b"startxref\n".len();
        let digits: Vec<u8> = pdf[after..].iter().copied().take_while(u8::is_ascii_digit).collect();
        let xref: usize = String::from_utf8(digits).unwrap().parse().unwrap();
        assert!(pdf[xref..].starts_with(b"xref"));
        // Each entry's offset is where its object starts.
        let table = String::from_utf8_lossy(&pdf[xref..]).into_owned();
        for (i, line) in table.lines().skip(3).take(7).enumerate() {
            let at: usize = line[..10].parse().unwrap();
            assert!(pdf[at..].starts_with(format!("{} 0 obj", i + 1).as_bytes()), "object {}", i + 1);
        }
        let text = String::from_utf8_lossy(&pdf);
        assert!(text.contains("<6C889633"), "沈阳 in UCS-2");
    }
}
