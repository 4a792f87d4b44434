//! Money (DOMAIN.md "Money"): yuan with two decimals, exact, never negative. Entered and shown in
//! the unit the page names (元 on vouchers and cost lines, 万元 on budgets and overviews, rounded
//! half-up at display only), and in Chinese capitals (大写金额) on prints.

use std::str::FromStr;

use rust_decimal::{Decimal, RoundingStrategy};

use super::{FieldValue, ValueError};

/// An amount in yuan: NUMERIC(18,2) in PostgreSQL.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, sqlx::Type)]
#[sqlx(transparent)]
#[serde(transparent)]
pub struct Money(Decimal);

/// What NUMERIC(18,2) holds: below 10^16 yuan.
fn limit() -> Decimal {
    Decimal::from(10_000_000_000_000_000_i64)
}

impl Money {
    pub const ZERO: Money = Money(Decimal::ZERO);

    /// An amount already in yuan (from a calculation or a spreadsheet cell), checked.
    pub fn from_yuan(amount: Decimal) -> Result<Money, ValueError> {
        if amount.is_sign_negative() && !amount.is_zero() {
            return Err(ValueError::new("金额不能为负数"));
        }
        if amount.round_dp(2) != amount {
            return Err(ValueError::new("金额最多保留两位小数（到分）"));
        }
        if amount >= limit() {
            return Err(ValueError::new("金额过大"));
        }
        Ok(Money(amount))
    }

    /// Input in 元: `1234567.89`, `1,234,567.89`, `１２３` (full-width digits), with or without 元.
    pub fn parse_yuan(raw: &str) -> Result<Money, ValueError> {
        Self::from_yuan(parse_number(raw, "元")?)
    }

    /// Input in 万元 (up to six decimals, i.e. to the fen), stored in yuan.
    pub fn parse_wan(raw: &str) -> Result<Money, ValueError> {
        let wan = parse_number(raw, "万元")?;
        if wan.round_dp(6) != wan {
            return Err(ValueError::new("以万元填写时最多保留六位小数（到分）"));
        }
        Self::from_yuan(wan * Decimal::from(10_000))
    }

    pub fn yuan(self) -> Decimal {
        self.0
    }

    pub fn checked_add(self, other: Money) -> Option<Money> {
        self.0.checked_add(other.0).filter(|s| *s < limit()).map(Money)
    }

    /// `self − other`, if not negative.
    pub fn checked_sub(self, other: Money) -> Option<Money> {
        let d = self.0.checked_sub(other.0)?;
        (!d.is_sign_negative() || d.is_zero()).then_some(Money(d))
    }

    /// In 元 with thousands separators: `1,234,567.89`.
    pub fn show_yuan(self) -> String {
        group_thousands(self.0.round_dp(2), 2)
    }

    /// In 万元, two decimals, rounded half-up: `123.46`.
    pub fn show_wan(self) -> String {
        let wan = (self.0 / Decimal::from(10_000)).round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero);
        group_thousands(wan, 2)
    }

    /// 大写金额 as on cheques and agreements (《支付结算办法》): 壹拾贰万叁仟肆佰伍拾陆元柒角捌分.
    pub fn capitals(self) -> String {
        capitals(self.0)
    }
}

impl std::fmt::Display for Money {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.show_yuan())
    }
}

impl FieldValue for Money {
    fn parse_field(input: &str) -> Result<Self, ValueError> {
        Money::parse_yuan(input)
    }
}

/// A form field whose amount is typed in 万元.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct MoneyInWan(pub Money);

impl FieldValue for MoneyInWan {
    fn parse_field(input: &str) -> Result<Self, ValueError> {
        Money::parse_wan(input).map(MoneyInWan)
    }
}

/// A decimal number as people type it: separators, spaces, full-width digits and the unit
/// are tolerated; anything else is refused.
fn parse_number(raw: &str, unit: &str) -> Result<Decimal, ValueError> {
    let text: String = raw
        .trim()
        .trim_end_matches(unit)
        .chars()
        .filter(|c| !matches!(c, ',' | '\u{FF0C}' | ' ' | '\u{3000}'))
        .map(|c| match c {
            '０'..='９' => char::from(b'0' + (c as u32 - '０' as u32) as u8),
            '．' | '。' => '.',
            other => other,
        })
        .collect();
    let plain = !text.is_empty()
        && text.bytes().all(|b| b.is_ascii_digit() || b == b'.' || b == b'-')
        && text.matches('.').count() <= 1;
    match Decimal::from_str(&text) {
        Ok(d) if plain => Ok(d),
        _ => Err(ValueError::owned(format!("请填写金额（单位：{unit}），如 1234.56"))),
    }
}

/// `digits` decimals, the integer part grouped by thousands.
fn group_thousands(amount: Decimal, digits: u32) -> String {
    let text = format!("{:.*}", digits as usize, amount);
    let (sign, text) = text.strip_prefix('-').map_or(("", text.as_str()), |t| ("-", t));
    let (int, frac) = text.split_once('.').unwrap_or((text, ""));
    let mut grouped = String::with_capacity(int.len() + int.len() / 3);
    for (i, c) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(c);
    }
    if frac.is_empty() { format!("{sign}{grouped}") } else { format!("{sign}{grouped}.{frac}") }
}

const DIGITS: [char; 10] = ['零', '壹', '贰', '叁', '肆', '伍', '陆', '柒', '捌', '玖'];
/// Within a four-digit section, from the thousands down.
const PLACES: [&str; 4] = ["仟", "佰", "拾", ""];
/// Of the sections, from the lowest up.
const SECTIONS: [&str; 4] = ["", "万", "亿", "万亿"];

fn capitals(amount: Decimal) -> String {
    let fen_total = (amount.round_dp(2) * Decimal::from(100)).trunc();
    let fen_total: u128 = fen_total.to_string().parse().unwrap_or(0);
    let integer = fen_total / 100;
    let jiao = (fen_total / 10 % 10) as usize;
    let fen = (fen_total % 10) as usize;

    let mut out = integer_capitals(integer);
    if integer > 0 {
        out.push('元');
    }
    match (jiao, fen) {
        (0, 0) if integer == 0 => return "零元整".to_string(),
        (0, 0) => out.push('整'),
        (0, f) => {
            // 角 is zero and 分 is not: "零" after 元 (required by the rules).
            if integer > 0 {
                out.push('零');
            }
            out.push(DIGITS[f]);
            out.push('分');
        }
        (j, f) => {
            out.push(DIGITS[j]);
            out.push('角');
            if f > 0 {
                out.push(DIGITS[f]);
                out.push('分');
            }
        }
    }
    out
}

/// The integer part: sections of four digits (万, 亿, 万亿), one 零 for any run of zeros
/// between non-zero digits, none at the end.
fn integer_capitals(mut n: u128) -> String {
    let mut sections = Vec::new();
    while n > 0 {
        sections.push((n % 10_000) as u16);
        n /= 10_000;
    }
    let mut out = String::new();
    let mut zero_pending = false;
    for (index, section) in sections.iter().enumerate().rev() {
        if *section == 0 {
            zero_pending = !out.is_empty();
            continue;
        }
        if !out.is_empty() && (zero_pending || *section < 1000) {
            out.push('零');
        }
        out.push_str(&section_capitals(*section));
        out.push_str(SECTIONS.get(index).copied().unwrap_or(""));
        zero_pending = false;
    }
    out
}

fn section_capitals(section: u16) -> String {
    let digits = [section / 1000, section / 100 % 10, section / 10 % 10, section % 10];
    let mut out = String::new();
    let mut started = false;
    let mut zero = false;
    for (place, d) in digits.iter().enumerate() {
        if *d == 0 {
            zero = started;
            continue;
        }
        if zero {
            out.push('零');
            zero = false;
        }
        out.push(DIGITS[*d as usize]);
        out.push_str(PLACES[place]);
        started = true;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(s: &str) -> Money {
        Money::parse_yuan(s).unwrap()
    }

    #[test]
    fn capitals_follow_the_payment_rules() {
        let cases = [
            ("123456.78", "壹拾贰万叁仟肆佰伍拾陆元柒角捌分"),
            ("1409.50", "壹仟肆佰零玖元伍角"),
            ("6007.14", "陆仟零柒元壹角肆分"),
            ("1680.32", "壹仟陆佰捌拾元叁角贰分"),
            ("107000.53", "壹拾万柒仟元伍角叁分"),
            ("16409.02", "壹万陆仟肆佰零玖元零贰分"),
            ("325.04", "叁佰贰拾伍元零肆分"),
            ("100000001", "壹亿零壹元整"),
            ("10005", "壹万零伍元整"),
            ("200000", "贰拾万元整"),
            ("1000000000000", "壹万亿元整"),
            ("0.50", "伍角"),
            ("0.05", "伍分"),
            ("0", "零元整"),
            ("10", "壹拾元整"),
        ];
        for (amount, words) in cases {
            assert_eq!(m(amount).capitals(), words, "{amount}");
        }
    }

    #[test]
    fn input_in_yuan_and_in_wan() {
        assert_eq!(m("1,234,567.89").yuan(), Decimal::new(123456789, 2));
        assert_eq!(m("１２３．４").yuan(), Decimal::new(1234, 1));
        assert_eq!(m(" 88元").yuan(), Decimal::from(88));
        assert_eq!(Money::parse_wan("12.3456").unwrap().yuan(), Decimal::from(123456));
        assert_eq!(Money::parse_wan("0.000001").unwrap().yuan(), Decimal::new(1, 2));
        assert!(Money::parse_wan("0.0000001").unwrap_err().to_string().contains("六位小数"));
        assert!(Money::parse_yuan("1.234").unwrap_err().to_string().contains("两位小数"));
        assert!(Money::parse_yuan("-5").unwrap_err().to_string().contains("负数"));
        assert!(Money::parse_yuan("12a").unwrap_err().to_string().contains("请填写金额"));
        assert!(Money::parse_yuan("1e5").is_err());
        assert!(Money::parse_yuan("10000000000000000").unwrap_err().to_string().contains("过大"));
    }

    #[test]
    fn shown_in_yuan_and_in_wan_rounded_half_up() {
        assert_eq!(m("1234567.89").show_yuan(), "1,234,567.89");
        assert_eq!(m("5").show_yuan(), "5.00");
        assert_eq!(m("1234567.89").show_wan(), "123.46");
        assert_eq!(m("12345").show_wan(), "1.23", "1.2345 rounds down");
        assert_eq!(m("12350").show_wan(), "1.24", "a half rounds up");
        assert_eq!(m("0").show_wan(), "0.00");
    }

    #[test]
    fn sums_stay_exact() {
        let a = m("0.10");
        let b = m("0.20");
        assert_eq!(a.checked_add(b), Some(m("0.30")));
        assert_eq!(a.checked_sub(b), None, "never negative");
        assert_eq!(b.checked_sub(a), Some(m("0.10")));
    }
}
