//! Industry reference data: GB/T 4754-2017 divisions with the risk class each carries, and the
//! risk classes of 人社部发〔2015〕71号 with their base rates and floating grades. Seeded from the
//! province file, edited by province officers.

use rust_decimal::Decimal;
use serde::Deserialize;

use crate::values::{Text, Version};
use crate::web::form::{FieldErrors, FormParser};

/// A division (大类) and its risk class.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Division {
    pub code: String,
    pub name: String,
    pub risk_class: i16,
    /// Where the mapping is uncertain.
    pub class_note: String,
    pub version: i32,
}

impl Division {
    /// As pickers show it: `C26 化学原料和化学制品制造业`.
    pub fn label(&self) -> String {
        format!("{} {}", self.code, self.name)
    }
}

/// A risk class with its base rate (% of the wage bill) and the floating grades allowed (% of
/// the base).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RiskClass {
    pub class: i16,
    pub base_rate_percent: Decimal,
    pub grades: Vec<i16>,
    pub version: i32,
}

impl RiskClass {
    /// The rate of each grade, % of the wage bill, lowest first: plain arithmetic on the base.
    pub fn graded_rates(&self) -> Vec<(i16, Decimal)> {
        let mut grades = self.grades.clone();
        grades.sort_unstable();
        grades
            .iter()
            .map(|g| (*g, (self.base_rate_percent * Decimal::from(*g) / Decimal::from(100)).normalize()))
            .collect()
    }
}

/// 一类 … 八类.
pub fn class_label(class: i16) -> String {
    const NAMES: [&str; 8] = ["一", "二", "三", "四", "五", "六", "七", "八"];
    usize::try_from(class - 1).ok().and_then(|i| NAMES.get(i)).map_or(format!("{class} 类"), |n| format!("{n}类"))
}

/// The division edit form: its class and the note on it.
#[derive(Clone, Debug, Default, Deserialize)]
pub struct DivisionForm {
    #[serde(default)]
    pub risk_class: String,
    #[serde(default)]
    pub class_note: String,
    #[serde(default)]
    pub version: String,
}

impl DivisionForm {
    pub fn of(d: &Division) -> DivisionForm {
        DivisionForm {
            risk_class: d.risk_class.to_string(),
            class_note: d.class_note.clone(),
            version: d.version.to_string(),
        }
    }

    pub fn parse(&self, classes: &[RiskClass]) -> Result<(i16, Text<300>, Version), FieldErrors> {
        let mut p = FormParser::default();
        let class = self.risk_class.trim().parse::<i16>().ok().filter(|c| classes.iter().any(|r| r.class == *c));
        p.check("risk_class", class.is_some(), "请选择风险类别");
        let note = p.value::<Text<300>>("class_note", &self.class_note);
        let version = p.value::<Version>("version", &self.version);
        p.finish(|| Some((class?, note?, version?)))
    }
}

/// The risk class edit form: the base rate and the grades allowed.
#[derive(Clone, Debug, Default, Deserialize)]
pub struct RiskClassForm {
    #[serde(default)]
    pub base_rate_percent: String,
    /// Percentages of the base, separated by commas or spaces: `50, 80, 100, 120, 150`.
    #[serde(default)]
    pub grades: String,
    #[serde(default)]
    pub version: String,
}

impl RiskClassForm {
    pub fn of(c: &RiskClass) -> RiskClassForm {
        RiskClassForm {
            base_rate_percent: c.base_rate_percent.normalize().to_string(),
            grades: c.grades.iter().map(|g| g.to_string()).collect::<Vec<_>>().join(", "),
            version: c.version.to_string(),
        }
    }

    pub fn parse(&self) -> Result<(Decimal, Vec<i16>, Version), FieldErrors> {
        let mut p = FormParser::default();
        let rate = parse_base_rate(&self.base_rate_percent);
        p.check("base_rate_percent", rate.is_some(), BASE_RATE_MESSAGE);
        let grades = parse_grades(&self.grades);
        p.check("grades", grades.is_some(), GRADES_MESSAGE);
        let version = p.value::<Version>("version", &self.version);
        p.finish(|| Some((rate?, grades?, version?)))
    }
}

/// What a base rate must be.
pub const BASE_RATE_MESSAGE: &str = "请填写大于 0、小于 10 的百分数，最多三位小数，如 0.7";

/// What a list of grades must be.
pub const GRADES_MESSAGE: &str = "浮动档次为基准费率的百分比（10–300），用逗号分隔，须含 100，最多 10 档";

/// A base rate as typed (% of the wage bill): above 0, below 10, at most three decimals. The
/// reference classes and the regions' rate tables (floating rates) take it alike.
pub fn parse_base_rate(raw: &str) -> Option<Decimal> {
    raw.trim().parse::<Decimal>().ok().filter(|d| *d > Decimal::ZERO && *d < Decimal::TEN && d.scale() <= 3)
}

/// The grades a class allows, as typed (% of the base, separated by commas, 、 or spaces):
/// each 10–300 and given once, 100 among them, at most 10; ascending.
pub fn parse_grades(raw: &str) -> Option<Vec<i16>> {
    let mut grades = Vec::new();
    for part in raw.split(|c: char| c == ',' || c == '\u{FF0C}' || c == '、' || c.is_whitespace()) {
        if part.trim().is_empty() {
            continue;
        }
        match part.trim().parse::<i16>() {
            Ok(g) if (10..=300).contains(&g) && !grades.contains(&g) => grades.push(g),
            _ => return None,
        }
    }
    grades.sort_unstable();
    (grades.contains(&100) && grades.len() <= 10).then_some(grades)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grades_are_plain_arithmetic_on_the_base() {
        let c = RiskClass {
            class: 3,
            base_rate_percent: Decimal::new(7, 1),
            grades: vec![150, 50, 100, 80, 120],
            version: 1,
        };
        let rates: Vec<String> = c.graded_rates().iter().map(|(g, r)| format!("{g}:{r}")).collect();
        assert_eq!(rates, ["50:0.35", "80:0.56", "100:0.7", "120:0.84", "150:1.05"]);
        assert_eq!(class_label(3), "三类");
        assert_eq!(class_label(8), "八类");
    }

    #[test]
    fn the_forms_check_their_fields() {
        let (rate, grades, _) =
            RiskClassForm { base_rate_percent: "0.45".into(), grades: "120，100 150".into(), version: "2".into() }
                .parse()
                .unwrap();
        assert_eq!((rate, grades), (Decimal::new(45, 2), vec![100, 120, 150]));
        let errors = RiskClassForm { base_rate_percent: "12".into(), grades: "80, 120".into(), version: "1".into() }
            .parse()
            .unwrap_err();
        assert!(errors.get("base_rate_percent").is_some() && errors.get("grades").is_some());
        assert_eq!(parse_grades("150、80 100,50，120"), Some(vec![50, 80, 100, 120, 150]));
        assert_eq!(parse_grades("100, 100"), None, "a grade given twice");
        assert_eq!(parse_grades("9, 100"), None);
        assert_eq!(parse_grades("10,20,30,40,50,60,70,80,90,100,110"), None, "eleven grades");
        assert_eq!(parse_base_rate("0.7"), Some(Decimal::new(7, 1)));
        assert_eq!(parse_base_rate("0.1234"), None);
        let classes = [RiskClass { class: 2, base_rate_percent: Decimal::new(4, 1), grades: vec![100], version: 1 }];
        assert!(DivisionForm { risk_class: "9".into(), ..Default::default() }.parse(&classes).is_err());
        let (class, _, _) = DivisionForm { risk_class: "2".into(), class_note: String::new(), version: "1".into() }
            .parse(&classes)
            .unwrap();
        assert_eq!(class, 2);
    }
}
