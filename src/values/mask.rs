//! Masking personal data for lists and exports (SECURITY.md): `138****5678`.

/// Keeps the first three and last four characters of a phone number; shorter numbers are
/// hidden entirely. Separators such as `-` count as characters.
pub fn phone(value: &str) -> String {
    let chars: Vec<char> = value.trim().chars().collect();
    match chars.len() {
        0 => String::new(),
        n if n < 8 => "****".to_string(),
        n => chars[..3].iter().chain("****".chars().collect::<Vec<_>>().iter()).chain(chars[n - 4..].iter()).collect(),
    }
}

/// Keeps the first six and last four characters of an ID-card number (GB 11643: region code
/// and check digits), hiding the birth date and sequence.
pub fn id_number(value: &str) -> String {
    let chars: Vec<char> = value.trim().chars().collect();
    match chars.len() {
        0 => String::new(),
        n if n <= 10 => "*".repeat(n),
        n => chars[..6]
            .iter()
            .copied()
            .chain(std::iter::repeat_n('*', n - 10))
            .chain(chars[n - 4..].iter().copied())
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn id_numbers_are_masked() {
        assert_eq!(id_number("110101199003074514"), "110101********4514");
        assert_eq!(id_number("12345"), "*****");
    }

    #[test]
    fn phones_are_masked() {
        assert_eq!(phone("13812345678"), "138****5678");
        assert_eq!(phone("024-23456789"), "024****6789");
        assert_eq!(phone("12345"), "****");
        assert_eq!(phone(""), "");
    }
}
