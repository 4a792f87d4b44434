//! Key industries (重点行业): the province's list (province file), which applies to every region,
//! and a region's own for a cycle. "Is this a key industry" is always asked for a region: the
//! province's list plus the region's own.

use serde::{Deserialize, Serialize};

use crate::values::{Text, ValueError};
use crate::web::form::{FieldErrors, FormParser};

id_type!(
    /// A key industry a region added for a cycle.
    pub RegionKeyIndustryId
);

/// One key industry as pages and plans name it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct KeyIndustry {
    /// `province:<key>` or `region:<id>`: what a plan stores.
    pub reference: String,
    pub name: String,
    /// GB/T 4754-2017 division codes, e.g. `C26`.
    pub divisions: Vec<String>,
    /// Added by the region (and so removable by its officers), not from the province file.
    pub own: bool,
}

impl KeyIndustry {
    /// The division codes as one line.
    pub fn division_list(&self) -> String {
        self.divisions.join("、")
    }

    /// Whether an employer in `division` (e.g. `C26`) belongs to this key industry.
    pub fn covers(&self, division: &str) -> bool {
        self.divisions.iter().any(|d| d == division)
    }
}

/// A GB/T 4754-2017 division code: 门类 letter A–T and a two-digit 大类.
pub fn parse_division(raw: &str) -> Result<String, ValueError> {
    let code = raw.trim().to_ascii_uppercase();
    let b = code.as_bytes();
    if b.len() == 3 && (b'A'..=b'T').contains(&b[0]) && b[1].is_ascii_digit() && b[2].is_ascii_digit() {
        Ok(code)
    } else {
        Err(ValueError::owned(format!("行业大类代码「{}」应为门类字母加两位数字，如 C26", raw.trim())))
    }
}

/// The form to add a region's own key industry.
#[derive(Clone, Debug, Default, Deserialize)]
pub struct KeyIndustryForm {
    #[serde(default)]
    pub name: String,
    /// Division codes separated by commas, spaces or 、.
    #[serde(default)]
    pub divisions: String,
    #[serde(default)]
    pub cycle: String,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KeyIndustryInput {
    pub name: Text<50>,
    pub divisions: Vec<String>,
}

impl KeyIndustryForm {
    pub fn parse(&self) -> Result<KeyIndustryInput, FieldErrors> {
        let mut p = FormParser::default();
        let name = p.required::<Text<50>>("name", &self.name);
        let mut divisions: Vec<String> = Vec::new();
        let mut bad = None;
        for raw in self.divisions.split(|c: char| c == ',' || c == '\u{FF0C}' || c == '、' || c.is_whitespace()) {
            if raw.trim().is_empty() {
                continue;
            }
            match parse_division(raw) {
                Ok(code) if !divisions.contains(&code) => divisions.push(code),
                Ok(_) => {}
                Err(e) => bad = bad.or(Some(e.0)),
            }
        }
        if let Some(message) = bad {
            p.check("divisions", false, message);
        } else {
            p.check("divisions", (1..=40).contains(&divisions.len()), "请填写 1 至 40 个行业大类代码，如 C30, C31");
        }
        p.finish(|| Some(KeyIndustryInput { name: name?, divisions }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn divisions_are_codes() {
        let form =
            KeyIndustryForm {
                name: " 粉尘涉爆 ".into(), divisions: "c30, C31、C32 C30".into(), cycle: "2026".into()
            };
        let input = form.parse().unwrap();
        assert_eq!(input.name.as_str(), "粉尘涉爆");
        assert_eq!(input.divisions, ["C30", "C31", "C32"]);
        // A Chinese keyboard types the full-width comma.
        let full_width = KeyIndustryForm { divisions: "C30\u{FF0C}C31".into(), ..form.clone() };
        assert_eq!(full_width.parse().unwrap().divisions, ["C30", "C31"]);
        let bad = KeyIndustryForm { divisions: "C3".into(), ..form.clone() };
        assert!(bad.parse().unwrap_err().get("divisions").unwrap().contains("「C3」"));
        let none = KeyIndustryForm { divisions: " ".into(), ..form };
        assert!(none.parse().is_err());
        assert!(parse_division("Z01").is_err(), "门类 stop at T");
    }

    #[test]
    fn an_industry_covers_its_divisions() {
        let k = KeyIndustry {
            reference: "province:mining".into(),
            name: "矿山".into(),
            divisions: vec!["B06".into()],
            own: false,
        };
        assert!(k.covers("B06"));
        assert!(!k.covers("C26"));
    }
}
