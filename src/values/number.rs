//! Numbers with a meaning: a record's version, a percentage.

use std::str::FromStr;

use rust_decimal::Decimal;

use super::{FieldValue, ValueError};

/// The version of a record an edit started from (optimistic locking), carried in a hidden field.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
#[serde(transparent)]
pub struct Version(pub i32);

impl Version {
    pub fn parse(raw: &str) -> Result<Version, ValueError> {
        match raw.trim().parse::<i32>() {
            Ok(v) if v >= 0 => Ok(Version(v)),
            _ => Err(ValueError::new("表单已损坏，请重新打开编辑页面")),
        }
    }
}

impl FieldValue for Version {
    fn parse_field(input: &str) -> Result<Self, ValueError> {
        Version::parse(input)
    }
}

impl std::fmt::Display for Version {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}

/// A count of people or things entered by hand (an audience, students a year, visitors): a
/// whole number from 0 to 100 million, as the columns' CHECKs allow.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
#[serde(transparent)]
pub struct Count(pub i32);

impl Count {
    pub const MAX: i32 = 100_000_000;

    pub fn parse(raw: &str) -> Result<Count, ValueError> {
        match raw.trim().replace([',', '，'], "").parse::<i32>() {
            Ok(n) if (0..=Count::MAX).contains(&n) => Ok(Count(n)),
            _ => Err(ValueError::new("请填写 0 到 1 亿之间的整数")),
        }
    }
}

impl FieldValue for Count {
    fn parse_field(input: &str) -> Result<Self, ValueError> {
        Count::parse(input)
    }
}

/// A percentage from 0 to 100 with at most two decimals, e.g. a reduction target of 10.5 %.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, serde::Serialize, sqlx::Type)]
#[sqlx(transparent)]
#[serde(transparent)]
pub struct Percent(Decimal);

impl Percent {
    pub fn parse(raw: &str) -> Result<Percent, ValueError> {
        let text = raw.trim().trim_end_matches(['%', '%']).trim();
        let plain = !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit() || b == b'.');
        let value = Decimal::from_str(text).ok().filter(|_| plain);
        match value {
            None => Err(ValueError::new("请填写百分比数值，如 20 或 12.5")),
            Some(v) if v > Decimal::from(100) => Err(ValueError::new("百分比不能超过 100")),
            Some(v) if v.round_dp(2) != v => Err(ValueError::new("百分比最多保留两位小数")),
            Some(v) => Ok(Percent(v)),
        }
    }

    pub fn from_decimal(value: Decimal) -> Result<Percent, ValueError> {
        Self::parse(&value.to_string())
    }

    pub fn value(self) -> Decimal {
        self.0
    }
}

impl FieldValue for Percent {
    fn parse_field(input: &str) -> Result<Self, ValueError> {
        Percent::parse(input)
    }
}

impl std::fmt::Display for Percent {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.0.normalize())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_are_whole_numbers_within_bounds() {
        assert_eq!(Count::parse(" 1,200 "), Ok(Count(1200)));
        assert_eq!(Count::parse("0"), Ok(Count(0)));
        assert!(Count::parse("-1").is_err());
        assert!(Count::parse("2.5").is_err());
        assert!(Count::parse("100000001").is_err());
        assert!(Count::parse("").is_err());
    }

    #[test]
    fn versions_and_percentages() {
        assert_eq!(Version::parse(" 3 "), Ok(Version(3)));
        assert!(Version::parse("x").is_err());
        assert!(Version::parse("-1").is_err());
        assert_eq!(Percent::parse("12.5%").unwrap().value(), Decimal::new(125, 1));
        assert_eq!(Percent::parse("20").unwrap().to_string(), "20");
        assert!(Percent::parse("100.01").unwrap_err().to_string().contains("不能超过 100"));
        assert!(Percent::parse("-3").is_err());
        assert!(Percent::parse("1.234").unwrap_err().to_string().contains("两位小数"));
    }
}
