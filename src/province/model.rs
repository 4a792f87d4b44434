//! The province file (`config/liaoning.toml`): its format, and the checks that turn it into a
//! [`Province`] or an error naming the file, the line and the problem.

use std::collections::HashSet;
use std::fmt;
use std::ops::Range;
use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use serde::Deserialize;
use toml::Spanned;

use crate::org::DepartmentKind;
use crate::values::RegionCode;

/// The checked contents of a province file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Province {
    pub code: String,
    pub name: String,
    /// What the provincial level is called as a tenant, e.g. 省本级.
    pub level_name: String,
    pub cities: Vec<City>,
    pub departments: Vec<DepartmentNames>,
    pub key_industries: Vec<KeyIndustry>,
    pub cycles: Vec<Cycle>,
    /// The industry risk classes with their base rates and floating grades.
    pub risk_classes: Vec<RiskClass>,
    /// Every GB/T 4754-2017 division with its risk class.
    pub divisions: Vec<ClassedDivision>,
}

/// An industry risk class (行业风险类别) of 人社部发〔2015〕71号.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RiskClass {
    pub class: i16,
    /// The base rate, % of the wage bill.
    pub base_rate_percent: rust_decimal::Decimal,
    /// The floating grades allowed, as % of the base (100 = the base rate).
    pub grades: Vec<i16>,
}

/// A division with the risk class it carries, and a note where the mapping is uncertain.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ClassedDivision {
    pub code: String,
    pub name: String,
    pub risk_class: i16,
    pub class_note: String,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct City {
    pub code: String,
    pub name: String,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DepartmentNames {
    pub kind: DepartmentKind,
    pub province_name: String,
    /// With `{city}` standing for the city's name.
    pub city_name: String,
}

impl DepartmentNames {
    pub fn name_in_city(&self, city: &str) -> String {
        self.city_name.replace("{city}", city)
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KeyIndustry {
    pub key: String,
    pub name: String,
    pub divisions: Vec<Division>,
}

/// A GB/T 4754-2017 division (门类 letter + two-digit 大类).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Division {
    pub code: String,
    pub name: String,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Cycle {
    pub first_year: i32,
    pub last_year: i32,
    pub name: String,
    pub national_document: String,
    pub provincial_document: String,
    pub departments: Vec<DepartmentKind>,
    pub headline_target: String,
    pub accident_rate_reduction_percent: u32,
    pub training_target: String,
    pub training_coverage_due: NaiveDate,
    pub key_positions: Vec<String>,
    pub platform_positions: Vec<String>,
    pub plan_filing_due: NaiveDate,
    pub annual_report_due: MonthDay,
    /// The cycle's tasks, in order: plans assign them, the annual report answers them.
    pub tasks: Vec<CycleTask>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CycleTask {
    pub key: String,
    pub title: String,
    pub summary: String,
}

/// A yearly deadline such as 12-15.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct MonthDay {
    pub month: u32,
    pub day: u32,
}

impl MonthDay {
    fn parse(s: &str) -> Option<MonthDay> {
        let (m, d) = s.split_once('-')?;
        let (month, day) = (m.parse().ok()?, d.parse().ok()?);
        // 2024 is a leap year, so 02-29 is accepted.
        NaiveDate::from_ymd_opt(2024, month, day)?;
        Some(MonthDay { month, day })
    }
}

/// A problem in the province file, with where it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProvinceFileError {
    pub path: PathBuf,
    /// 1-based; 0 when the file could not be read at all.
    pub line: usize,
    pub message: String,
}

impl fmt::Display for ProvinceFileError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.line == 0 {
            write!(f, "省份配置文件 {}：{}", self.path.display(), self.message)
        } else {
            write!(f, "省份配置文件 {} 第 {} 行：{}", self.path.display(), self.line, self.message)
        }
    }
}

impl std::error::Error for ProvinceFileError {}

/// Reads and checks the province file at `path`.
pub fn load(path: &Path) -> Result<Province, ProvinceFileError> {
    let text = std::fs::read_to_string(path).map_err(|e| ProvinceFileError {
        path: path.to_path_buf(),
        line: 0,
        message: format!("无法读取：{e}"),
    })?;
    parse(&text, path)
}

/// Parses and checks the text of a province file; `path` only names it in errors.
pub fn parse(text: &str, path: &Path) -> Result<Province, ProvinceFileError> {
    let at = |span: Option<Range<usize>>, message: String| ProvinceFileError {
        path: path.to_path_buf(),
        line: span.map(|s| line_of(text, s.start)).unwrap_or(1),
        message,
    };
    let raw: RawFile = toml::from_str(text).map_err(|e| at(e.span(), e.message().to_string()))?;
    raw.check().map_err(|(span, message)| at(Some(span), message))
}

fn line_of(text: &str, offset: usize) -> usize {
    text.get(..offset).unwrap_or(text).matches('\n').count() + 1
}

type Problem = (Range<usize>, String);

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    province: RawProvince,
    #[serde(default)]
    cities: Vec<RawCity>,
    #[serde(default)]
    departments: Vec<RawDepartment>,
    #[serde(default)]
    key_industries: Vec<RawKeyIndustry>,
    #[serde(default)]
    cycles: Vec<RawCycle>,
    #[serde(default)]
    risk_classes: Vec<RawRiskClass>,
    #[serde(default)]
    divisions: Vec<RawClassedDivision>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRiskClass {
    class: Spanned<i16>,
    base_rate_percent: Spanned<String>,
    grades: Spanned<Vec<i16>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawClassedDivision {
    code: Spanned<String>,
    name: Spanned<String>,
    risk_class: Spanned<i16>,
    #[serde(default)]
    class_note: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawProvince {
    code: Spanned<String>,
    name: Spanned<String>,
    level_name: Spanned<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCity {
    code: Spanned<String>,
    name: Spanned<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawDepartment {
    kind: Spanned<String>,
    province_name: Spanned<String>,
    city_name: Spanned<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawKeyIndustry {
    key: Spanned<String>,
    name: Spanned<String>,
    divisions: Vec<RawDivision>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawDivision {
    code: Spanned<String>,
    name: Spanned<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCycle {
    first_year: Spanned<i32>,
    last_year: Spanned<i32>,
    name: Spanned<String>,
    #[serde(default)]
    national_document: String,
    #[serde(default)]
    provincial_document: String,
    departments: Vec<Spanned<String>>,
    #[serde(default)]
    headline_target: String,
    accident_rate_reduction_percent: Spanned<u32>,
    #[serde(default)]
    training_target: String,
    training_coverage_due: Spanned<String>,
    #[serde(default)]
    key_positions: Vec<String>,
    #[serde(default)]
    platform_positions: Vec<String>,
    plan_filing_due: Spanned<String>,
    annual_report_due: Spanned<String>,
    #[serde(default)]
    tasks: Vec<RawTask>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTask {
    key: Spanned<String>,
    title: Spanned<String>,
    #[serde(default)]
    summary: String,
}

fn text(value: &Spanned<String>, what: &str, max: usize) -> Result<String, Problem> {
    let trimmed = value.get_ref().trim();
    match trimmed.chars().count() {
        0 => Err((value.span(), format!("{what}不能为空"))),
        n if n > max => Err((value.span(), format!("{what}不能超过 {max} 个字符"))),
        _ => Ok(trimmed.to_string()),
    }
}

fn date(value: &Spanned<String>, what: &str) -> Result<NaiveDate, Problem> {
    NaiveDate::parse_from_str(value.get_ref(), "%Y-%m-%d")
        .map_err(|_| (value.span(), format!("{what}「{}」不是有效日期（格式 YYYY-MM-DD）", value.get_ref())))
}

fn unique<'a>(seen: &mut HashSet<&'a str>, value: &'a Spanned<String>, what: &str) -> Result<(), Problem> {
    if seen.insert(value.get_ref().as_str()) {
        Ok(())
    } else {
        Err((value.span(), format!("{what}「{}」重复", value.get_ref())))
    }
}

impl RawFile {
    fn check_risk_classes(&self) -> Result<Vec<RiskClass>, Problem> {
        let mut seen = HashSet::new();
        let mut out = Vec::with_capacity(self.risk_classes.len());
        for r in &self.risk_classes {
            let class = *r.class.get_ref();
            if !(1..=8).contains(&class) || !seen.insert(class) {
                return Err((r.class.span(), format!("风险类别「{class}」应为 1–8 且不重复")));
            }
            let rate = r.base_rate_percent.get_ref().trim().parse::<rust_decimal::Decimal>().ok();
            let Some(base_rate_percent) =
                rate.filter(|d| *d > rust_decimal::Decimal::ZERO && *d < rust_decimal::Decimal::TEN)
            else {
                return Err((
                    r.base_rate_percent.span(),
                    "基准费率应为大于 0、小于 10 的百分数，如 \"0.7\"".to_string(),
                ));
            };
            let grades = r.grades.get_ref().clone();
            if !grades.contains(&100) || grades.iter().any(|g| !(10..=300).contains(g)) {
                return Err((r.grades.span(), "浮动档次应为基准费率的百分比（10–300），且包含 100".to_string()));
            }
            out.push(RiskClass { class, base_rate_percent, grades });
        }
        Ok(out)
    }

    fn check_divisions(&self, classes: &[RiskClass]) -> Result<Vec<ClassedDivision>, Problem> {
        let mut seen = HashSet::new();
        let mut out = Vec::with_capacity(self.divisions.len());
        for d in &self.divisions {
            if !is_valid_division_code(d.code.get_ref()) {
                return Err((
                    d.code.span(),
                    format!("行业大类代码「{}」应为门类字母加两位数字，如 C26", d.code.get_ref()),
                ));
            }
            unique(&mut seen, &d.code, "行业大类代码")?;
            let class = *d.risk_class.get_ref();
            if !classes.iter().any(|c| c.class == class) {
                return Err((d.risk_class.span(), format!("风险类别「{class}」未在 risk_classes 中定义")));
            }
            out.push(ClassedDivision {
                code: d.code.get_ref().clone(),
                name: text(&d.name, "行业大类名称", 100)?,
                risk_class: class,
                class_note: d.class_note.trim().to_string(),
            });
        }
        Ok(out)
    }

    fn check(&self) -> Result<Province, Problem> {
        let p = &self.province;
        if RegionCode::parse(p.code.get_ref()).is_err() {
            return Err((p.code.span(), format!("地区代码「{}」应为 6 位数字", p.code.get_ref())));
        }
        let mut codes = HashSet::from([p.code.get_ref().as_str()]);
        let mut cities = Vec::with_capacity(self.cities.len());
        for c in &self.cities {
            if RegionCode::parse(c.code.get_ref()).is_err() {
                return Err((c.code.span(), format!("地区代码「{}」应为 6 位数字", c.code.get_ref())));
            }
            unique(&mut codes, &c.code, "地区代码")?;
            cities.push(City { code: c.code.get_ref().clone(), name: text(&c.name, "城市名称", 50)? });
        }

        let mut kinds = HashSet::new();
        let mut departments = Vec::with_capacity(self.departments.len());
        for d in &self.departments {
            let kind = department_kind(&d.kind)?;
            unique(&mut kinds, &d.kind, "部门类型")?;
            departments.push(DepartmentNames {
                kind,
                province_name: text(&d.province_name, "省级部门名称", 100)?,
                city_name: text(&d.city_name, "市级部门名称", 90)?,
            });
        }

        let mut keys = HashSet::new();
        let mut key_industries = Vec::with_capacity(self.key_industries.len());
        for k in &self.key_industries {
            if !is_valid_industry_key(k.key.get_ref()) {
                return Err((
                    k.key.span(),
                    format!("重点行业标识「{}」应为小写英文字母开头的 2–40 位字母、数字或下划线", k.key.get_ref()),
                ));
            }
            unique(&mut keys, &k.key, "重点行业标识")?;
            let mut division_codes = HashSet::new();
            let mut divisions = Vec::with_capacity(k.divisions.len());
            for d in &k.divisions {
                if !is_valid_division_code(d.code.get_ref()) {
                    return Err((
                        d.code.span(),
                        format!("行业大类代码「{}」应为门类字母加两位数字，如 C26", d.code.get_ref()),
                    ));
                }
                unique(&mut division_codes, &d.code, "行业大类代码")?;
                divisions
                    .push(Division { code: d.code.get_ref().clone(), name: text(&d.name, "行业大类名称", 100)? });
            }
            key_industries.push(KeyIndustry {
                key: k.key.get_ref().clone(),
                name: text(&k.name, "重点行业名称", 50)?,
                divisions,
            });
        }

        let mut first_years = HashSet::new();
        let mut cycles = Vec::with_capacity(self.cycles.len());
        for c in &self.cycles {
            cycles.push(c.check(&kinds)?);
            if !first_years.insert(*c.first_year.get_ref()) {
                return Err((c.first_year.span(), format!("周期起始年份 {} 重复", c.first_year.get_ref())));
            }
        }

        let risk_classes = self.check_risk_classes()?;
        let divisions = self.check_divisions(&risk_classes)?;

        Ok(Province {
            risk_classes,
            divisions,
            code: p.code.get_ref().clone(),
            name: text(&p.name, "省份名称", 50)?,
            level_name: text(&p.level_name, "省本级名称", 50)?,
            cities,
            departments,
            key_industries,
            cycles,
        })
    }
}

impl RawCycle {
    fn check(&self, defined_kinds: &HashSet<&str>) -> Result<Cycle, Problem> {
        let (first_year, last_year) = (*self.first_year.get_ref(), *self.last_year.get_ref());
        if !(2000..=2100).contains(&first_year) {
            return Err((self.first_year.span(), format!("周期起始年份 {first_year} 不在 2000–2100 之间")));
        }
        if last_year < first_year {
            return Err((self.last_year.span(), format!("周期结束年份 {last_year} 早于起始年份 {first_year}")));
        }
        let mut seen = HashSet::new();
        let mut departments = Vec::with_capacity(self.departments.len());
        for d in &self.departments {
            let kind = department_kind(d)?;
            if !(kind == DepartmentKind::Hrss || kind.is_partner()) {
                return Err((d.span(), format!("「{}」不是联防联控机制的成员单位", d.get_ref())));
            }
            if !defined_kinds.contains(d.get_ref().as_str()) {
                return Err((d.span(), format!("部门类型「{}」未在 [[departments]] 中定义", d.get_ref())));
            }
            unique(&mut seen, d, "成员单位")?;
            departments.push(kind);
        }
        if !departments.contains(&DepartmentKind::Hrss) {
            return Err((self.name.span(), "周期的成员单位必须包含人力资源社会保障部门（hrss）".to_string()));
        }
        let percent = *self.accident_rate_reduction_percent.get_ref();
        if percent > 100 {
            return Err((self.accident_rate_reduction_percent.span(), "事故发生率降低目标不能超过 100%".to_string()));
        }
        let annual_report_due = MonthDay::parse(self.annual_report_due.get_ref()).ok_or_else(|| {
            (
                self.annual_report_due.span(),
                format!("年度报告截止日「{}」应为 MM-DD 格式的有效日期", self.annual_report_due.get_ref()),
            )
        })?;
        let mut task_keys = HashSet::new();
        let mut tasks = Vec::with_capacity(self.tasks.len());
        for t in &self.tasks {
            if !is_valid_industry_key(t.key.get_ref()) {
                return Err((
                    t.key.span(),
                    format!("任务标识「{}」应为小写英文字母开头的 2–40 位字母、数字或下划线", t.key.get_ref()),
                ));
            }
            unique(&mut task_keys, &t.key, "任务标识")?;
            tasks.push(CycleTask {
                key: t.key.get_ref().clone(),
                title: text(&t.title, "任务名称", 100)?,
                summary: t.summary.trim().chars().take(1000).collect(),
            });
        }
        Ok(Cycle {
            first_year,
            last_year,
            name: text(&self.name, "周期名称", 100)?,
            national_document: self.national_document.trim().to_string(),
            provincial_document: self.provincial_document.trim().to_string(),
            departments,
            headline_target: self.headline_target.trim().to_string(),
            accident_rate_reduction_percent: percent,
            training_target: self.training_target.trim().to_string(),
            training_coverage_due: date(&self.training_coverage_due, "培训全覆盖期限")?,
            key_positions: self.key_positions.iter().map(|p| p.trim().to_string()).filter(|p| !p.is_empty()).collect(),
            platform_positions: self
                .platform_positions
                .iter()
                .map(|p| p.trim().to_string())
                .filter(|p| !p.is_empty())
                .collect(),
            plan_filing_due: date(&self.plan_filing_due, "实施方案备案期限")?,
            annual_report_due,
            tasks,
        })
    }
}

fn department_kind(value: &Spanned<String>) -> Result<DepartmentKind, Problem> {
    DepartmentKind::parse(value.get_ref())
        .ok_or_else(|| (value.span(), format!("未知的部门类型「{}」", value.get_ref())))
}

fn is_valid_industry_key(key: &str) -> bool {
    let bytes = key.as_bytes();
    (2..=40).contains(&bytes.len())
        && bytes[0].is_ascii_lowercase()
        && bytes.iter().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || *b == b'_')
}

/// GB/T 4754-2017: sections A–T, divisions two digits.
fn is_valid_division_code(code: &str) -> bool {
    let bytes = code.as_bytes();
    bytes.len() == 3 && (b'A'..=b'T').contains(&bytes[0]) && bytes[1..].iter().all(u8::is_ascii_digit)
}

#[cfg(test)]
mod tests {
    use super::*;

    const MINIMAL: &str = r#"
[province]
code = "210000"
name = "辽宁省"
level_name = "省本级"

[[cities]]
code = "210100"
name = "沈阳市"

[[departments]]
kind = "hrss"
province_name = "辽宁省人力资源和社会保障厅"
city_name = "{city}人力资源和社会保障局"

[[cycles]]
first_year = 2026
last_year = 2030
name = "五年行动计划"
departments = ["hrss"]
accident_rate_reduction_percent = 10
training_coverage_due = "2030-12-31"
plan_filing_due = "2026-06-30"
annual_report_due = "12-15"
"#;

    fn parse_str(text: &str) -> Result<Province, ProvinceFileError> {
        parse(text, Path::new("test.toml"))
    }

    #[test]
    fn the_shipped_file_is_valid() {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("config/liaoning.toml");
        let province = load(&path).unwrap();
        assert_eq!(province.code, "210000");
        assert_eq!(province.cities.len(), 14);
        assert_eq!(province.departments.len(), DepartmentKind::ALL.len());
        assert_eq!(province.cycles.len(), 2);
        assert_eq!(province.cycles[0].departments.len(), 8);
        assert_eq!(province.cycles[1].departments.len(), 9);
        assert_eq!(province.cycles[1].annual_report_due, MonthDay { month: 12, day: 15 });
        let mining = province.key_industries.iter().find(|k| k.name == "矿山").unwrap();
        assert_eq!(mining.divisions.first().map(|d| d.code.as_str()), Some("B06"));
    }

    #[test]
    fn a_minimal_file_parses() {
        let p = parse_str(MINIMAL).unwrap();
        assert_eq!(p.departments[0].name_in_city("沈阳市"), "沈阳市人力资源和社会保障局");
        assert_eq!(p.cycles[0].plan_filing_due, NaiveDate::from_ymd_opt(2026, 6, 30).unwrap());
    }

    #[test]
    fn syntax_errors_name_the_line() {
        let broken = MINIMAL.replace("name = \"沈阳市\"", "name = \"沈阳市");
        let err = parse_str(&broken).unwrap_err();
        assert_eq!(err.line, 9);
        assert!(err.to_string().starts_with("省份配置文件 test.toml 第 9 行"), "{err}");
    }

    #[test]
    fn semantic_errors_name_the_line_and_problem() {
        let cases = [
            (MINIMAL.replace("code = \"210100\"", "code = \"21010\""), 8, "应为 6 位数字"),
            (MINIMAL.replace("code = \"210100\"", "code = \"210000\""), 8, "重复"),
            (MINIMAL.replace("kind = \"hrss\"", "kind = \"police\""), 12, "未知的部门类型"),
            (MINIMAL.replace("\"2026-06-30\"", "\"2026-02-30\""), 23, "不是有效日期"),
            (MINIMAL.replace("\"12-15\"", "\"13-01\""), 24, "MM-DD"),
            (MINIMAL.replace("last_year = 2030", "last_year = 2020"), 18, "早于起始年份"),
            (
                MINIMAL.replace("departments = [\"hrss\"]", "departments = [\"social_insurance\"]"),
                20,
                "不是联防联控机制的成员单位",
            ),
            (MINIMAL.replace("level_name", "levelname"), 5, "unknown field"),
        ];
        for (text, line, needle) in cases {
            let err = parse_str(&text).unwrap_err();
            assert_eq!(err.line, line, "{err}");
            assert!(err.message.contains(needle), "{err}");
        }
    }

    #[test]
    fn month_days_are_real_days() {
        assert_eq!(MonthDay::parse("02-29"), Some(MonthDay { month: 2, day: 29 }));
        assert_eq!(MonthDay::parse("04-31"), None);
        assert_eq!(MonthDay::parse("1215"), None);
    }

    #[test]
    fn division_codes_follow_the_standard() {
        assert!(is_valid_division_code("C26"));
        assert!(!is_valid_division_code("Z26"));
        assert!(!is_valid_division_code("C2"));
    }
}
