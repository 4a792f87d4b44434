//! Telephone numbers: a mainland mobile, or a landline with its area code.

use super::{FieldValue, ValueError, mask};

#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(transparent)]
pub struct Phone(String);

impl Phone {
    /// A mobile number (11 digits from 13–19), or a landline with area code and an optional
    /// extension: 024-23456789, 041182345678, 024-23456789-8012.
    pub fn parse(raw: &str) -> Result<Phone, ValueError> {
        let phone = raw.trim();
        if is_valid(phone) {
            Ok(Phone(phone.to_string()))
        } else {
            Err(ValueError::new("请填写有效的电话号码，如 13812345678 或 024-23456789"))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// As lists and exports show it: `138****5678`.
    pub fn masked(&self) -> String {
        mask::phone(&self.0)
    }
}

impl FieldValue for Phone {
    fn parse_field(input: &str) -> Result<Self, ValueError> {
        Phone::parse(input)
    }
}

fn is_valid(phone: &str) -> bool {
    let digits = |s: &str, range: std::ops::RangeInclusive<usize>| {
        range.contains(&s.len()) && s.bytes().all(|b| b.is_ascii_digit())
    };
    let b = phone.as_bytes();
    if b.len() == 11 && b[0] == b'1' && (b'3'..=b'9').contains(&b[1]) && digits(phone, 11..=11) {
        return true;
    }
    let mut parts = phone.split('-');
    match (parts.next(), parts.next(), parts.next(), parts.next()) {
        (Some(area), Some(number), extension, None) => {
            area.starts_with('0')
                && digits(area, 3..=4)
                && digits(number, 7..=8)
                && extension.is_none_or(|e| digits(e, 1..=6))
        }
        (Some(whole), None, None, None) => whole.starts_with('0') && digits(whole, 10..=12),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phone_numbers() {
        for ok in ["13812345678", "024-23456789", "0411-82345678", "024-23456789-8012", "02423456789"] {
            assert!(Phone::parse(ok).is_ok(), "{ok}");
        }
        for bad in ["12812345678", "1381234567", "24-23456789", "024-2345", "电话", "024-23456789-", "138 1234 5678"]
        {
            assert!(Phone::parse(bad).is_err(), "{bad}");
        }
        assert_eq!(Phone::parse(" 13812345678 ").unwrap().masked(), "138****5678");
    }
}
