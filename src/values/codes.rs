//! Codes with a fixed shape and, where the standard has one, a check character.

use chrono::NaiveDate;

use super::{FieldValue, ValueError, mask};

/// A region's six-digit administrative division code (GB/T 2260), e.g. 210100.
#[derive(Clone, Debug, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(transparent)]
pub struct RegionCode(String);

impl RegionCode {
    pub fn parse(raw: &str) -> Result<RegionCode, ValueError> {
        let code = raw.trim();
        if code.len() == 6 && code.bytes().all(|b| b.is_ascii_digit()) {
            Ok(RegionCode(code.to_string()))
        } else {
            Err(ValueError::new("地区代码应为 6 位数字"))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl FieldValue for RegionCode {
    fn parse_field(input: &str) -> Result<Self, ValueError> {
        RegionCode::parse(input)
    }
}

/// The characters of a unified social credit code (GB 32100-2015): no I, O, S, V, Z.
const CREDIT_ALPHABET: &[u8; 31] = b"0123456789ABCDEFGHJKLMNPQRTUWXY";
/// 3^i mod 31 for the first 17 positions.
const CREDIT_WEIGHTS: [u32; 17] = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];

/// 统一社会信用代码 (GB 32100-2015): 18 characters, the last a check character.
#[derive(Clone, Debug, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(transparent)]
pub struct CreditCode(String);

impl CreditCode {
    pub fn parse(raw: &str) -> Result<CreditCode, ValueError> {
        let code = raw.trim().to_ascii_uppercase();
        if code.chars().count() != 18 {
            return Err(ValueError::new("统一社会信用代码应为 18 位"));
        }
        let values: Option<Vec<u32>> =
            code.bytes().map(|b| CREDIT_ALPHABET.iter().position(|c| *c == b).map(|p| p as u32)).collect();
        let Some(values) = values else {
            return Err(ValueError::new("统一社会信用代码只能由数字和大写字母组成（不含 I、O、S、V、Z）"));
        };
        let sum: u32 = values[..17].iter().zip(CREDIT_WEIGHTS).map(|(v, w)| v * w).sum();
        let check = (31 - sum % 31) % 31;
        if values[17] != check {
            return Err(ValueError::new("统一社会信用代码校验位不正确，请核对"));
        }
        Ok(CreditCode(code))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The code whose first 17 characters are `body`, with its check character computed (for
    /// generated data and examples); `None` when `body` is not 17 characters of the alphabet.
    pub fn completing(body: &str) -> Option<CreditCode> {
        let values: Option<Vec<u32>> =
            body.bytes().map(|b| CREDIT_ALPHABET.iter().position(|c| *c == b).map(|p| p as u32)).collect();
        let values = values.filter(|v| v.len() == 17)?;
        let sum: u32 = values.iter().zip(CREDIT_WEIGHTS).map(|(v, w)| v * w).sum();
        let check = CREDIT_ALPHABET[((31 - sum % 31) % 31) as usize] as char;
        Some(CreditCode(format!("{body}{check}")))
    }
}

impl FieldValue for CreditCode {
    fn parse_field(input: &str) -> Result<Self, ValueError> {
        CreditCode::parse(input)
    }
}

const ID_WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const ID_CHECK: &[u8; 11] = b"10X98765432";

/// 居民身份证号码 (GB 11643-1999): region code, a real birth date, sequence, check character.
/// Stored in full; shown masked unless a permitted role unmasks it.
#[derive(Clone, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(transparent)]
pub struct IdCardNumber(String);

impl IdCardNumber {
    pub fn parse(raw: &str) -> Result<IdCardNumber, ValueError> {
        let number = raw.trim().to_ascii_uppercase();
        let bytes = number.as_bytes();
        let shaped = bytes.len() == 18
            && bytes[..17].iter().all(u8::is_ascii_digit)
            && (bytes[17].is_ascii_digit() || bytes[17] == b'X');
        if !shaped {
            return Err(ValueError::new("身份证号码应为 18 位，前 17 位为数字，最后一位为数字或 X"));
        }
        // A real date, not before 1900 and not after today (nobody is born tomorrow).
        let birth = NaiveDate::parse_from_str(&number[6..14], "%Y%m%d")
            .ok()
            .filter(|d| chrono::Datelike::year(d) >= 1900 && *d <= super::time::today());
        if birth.is_none() {
            return Err(ValueError::new("身份证号码中的出生日期无效"));
        }
        let sum: u32 = bytes[..17].iter().zip(ID_WEIGHTS).map(|(b, w)| u32::from(b - b'0') * w).sum();
        if ID_CHECK[(sum % 11) as usize] != bytes[17] {
            return Err(ValueError::new("身份证号码校验位不正确，请核对"));
        }
        Ok(IdCardNumber(number))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The number whose first 17 digits are `body`, with its check character (generated data);
    /// none unless `body` is 17 digits making a valid number.
    pub fn completing(body: &str) -> Option<IdCardNumber> {
        let digits = body.as_bytes();
        if digits.len() != 17 || !digits.iter().all(u8::is_ascii_digit) {
            return None;
        }
        let sum: u32 = digits.iter().zip(ID_WEIGHTS).map(|(b, w)| u32::from(b - b'0') * w).sum();
        IdCardNumber::parse(&format!("{body}{}", ID_CHECK[(sum % 11) as usize] as char)).ok()
    }

    /// The birth date the number carries (checked at parsing).
    pub fn birth_date(&self) -> Option<NaiveDate> {
        NaiveDate::parse_from_str(&self.0[6..14], "%Y%m%d").ok()
    }

    /// As lists and exports show it: the first 6 and last 4 characters.
    pub fn masked(&self) -> String {
        mask::id_number(&self.0)
    }
}

/// Never prints the whole number (logs, panics).
impl std::fmt::Debug for IdCardNumber {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "IdCardNumber({})", self.masked())
    }
}

impl FieldValue for IdCardNumber {
    fn parse_field(input: &str) -> Result<Self, ValueError> {
        IdCardNumber::parse(input)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_completed_credit_code_checks() {
        let code = CreditCode::completing("9144030071526726X").unwrap();
        assert_eq!(code.as_str(), "9144030071526726XG");
        assert!(CreditCode::parse(CreditCode::completing("91210100MA0000001").unwrap().as_str()).is_ok());
        assert!(CreditCode::completing("91210100MA000000").is_none(), "16 characters");
        assert!(CreditCode::completing("91210100MA000000I").is_none(), "I is not in the alphabet");
    }

    #[test]
    fn credit_codes_are_checked() {
        assert_eq!(CreditCode::parse(" 9144030071526726xg ").unwrap().as_str(), "9144030071526726XG");
        assert_eq!(
            CreditCode::parse("9144030071526726XH").unwrap_err().to_string(),
            "统一社会信用代码校验位不正确，请核对"
        );
        assert!(CreditCode::parse("9144030071526726X").unwrap_err().to_string().contains("18 位"));
        assert!(CreditCode::parse("9144030071526726IG").unwrap_err().to_string().contains("不含 I"));
        assert!(CreditCode::parse("91110000100000000R").is_ok());
    }

    /// The 17 digits with their GB 11643 check character.
    fn with_check(digits: &str) -> String {
        let sum: u32 = digits.bytes().zip(ID_WEIGHTS).map(|(b, w)| u32::from(b - b'0') * w).sum();
        format!("{digits}{}", ID_CHECK[(sum % 11) as usize] as char)
    }

    #[test]
    fn id_card_numbers_are_checked() {
        let n = IdCardNumber::parse("11010519491231002x").unwrap();
        assert_eq!(n.as_str(), "11010519491231002X");
        assert_eq!(n.birth_date(), NaiveDate::from_ymd_opt(1949, 12, 31));
        assert_eq!(n.masked(), "110105********002X");
        assert_eq!(format!("{n:?}"), "IdCardNumber(110105********002X)");
        assert!(IdCardNumber::parse("110101199003074514").is_ok());
        assert!(IdCardNumber::parse("110101199003074515").unwrap_err().to_string().contains("校验位"));
        assert!(IdCardNumber::parse("110101199002304512").unwrap_err().to_string().contains("出生日期"), "30 February");
        // Born in 2099: the check digit is right, the date impossible.
        assert!(IdCardNumber::parse(&with_check("11010120990101001")).unwrap_err().to_string().contains("出生日期"));
        assert!(IdCardNumber::parse(&with_check("11010118991231001")).unwrap_err().to_string().contains("出生日期"));
        assert!(IdCardNumber::parse(&with_check("11010120000229001")).is_ok(), "29 February 2000 was real");
        assert_eq!(
            IdCardNumber::completing("11010519491231002").map(|n| n.masked()),
            Some("110105********002X".into())
        );
        assert!(IdCardNumber::completing("11010120990101001").is_none(), "born in 2099");
        assert!(IdCardNumber::parse("11010119900307451").unwrap_err().to_string().contains("18 位"));
    }

    #[test]
    fn region_codes_are_six_digits() {
        assert!(RegionCode::parse("210100").is_ok());
        for bad in ["21010", "21010a", "2101000"] {
            assert!(RegionCode::parse(bad).is_err(), "{bad}");
        }
    }
}
