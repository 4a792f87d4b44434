//! Rate tables and rule sets as the province keeps them: the forms and their checks, which
//! table is in force on a day, and the rule across rows of a set (a band may not overlap
//! another of its factor, or the engine's first-match would hide one). Pure: no clock, no SQL.

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::floating_rates::model::{Band, ClassRates, Factor, HazardLevel, Rule, RuleId, Standardisation};
use crate::industries::model::{BASE_RATE_MESSAGE, GRADES_MESSAGE, parse_base_rate, parse_grades};
use crate::macros::Labelled;
use crate::org::RegionId;
use crate::values::{Date, Text, Version};
use crate::web::form::{Choice, FieldErrors, FormParser};
use crate::web::once::TokenField;

id_type!(
    /// A region's rate table (费率表) from its effective date.
    pub RateTableId
);

pub const TABLE_KIND: &str = "rate_table";
pub const RULE_KIND: &str = "rate_rule";

/// The risk classes every table lists.
pub const CLASSES: usize = 8;

/// A table as its pages show it, without its classes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TableHead {
    pub id: RateTableId,
    pub region: RegionId,
    pub effective_from: NaiveDate,
    pub document_number: String,
    pub document_date: NaiveDate,
    pub recorded_by_name: String,
    pub recorded_at: chrono::DateTime<chrono::Utc>,
}

/// Where a table stands on a day.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Standing {
    /// Takes effect later.
    Pending,
    /// The latest table effective by the day.
    InForce,
    /// Replaced by a later one.
    Superseded,
}

impl Standing {
    pub fn label(self) -> &'static str {
        match self {
            Standing::Pending => "待生效",
            Standing::InForce => "现行",
            Standing::Superseded => "已废止",
        }
    }
}

/// The table of `heads` (one region's) in force on `day`: the latest effective by then.
pub fn in_force(heads: &[TableHead], day: NaiveDate) -> Option<&TableHead> {
    heads.iter().filter(|h| h.effective_from <= day).max_by_key(|h| h.effective_from)
}

/// Where `head` stands on `day` among its region's `heads`.
pub fn standing(head: &TableHead, heads: &[TableHead], day: NaiveDate) -> Standing {
    if head.effective_from > day {
        Standing::Pending
    } else if in_force(heads, day).is_some_and(|h| h.id == head.id) {
        Standing::InForce
    } else {
        Standing::Superseded
    }
}

/// The class-1 rule of 71号: it floats up only.
pub const CLASS_ONE_MESSAGE: &str = "类别一只能上浮，浮动档次不能低于 100";

const BASE_FIELDS: [&str; CLASSES] = ["base_1", "base_2", "base_3", "base_4", "base_5", "base_6", "base_7", "base_8"];
const GRADE_FIELDS: [&str; CLASSES] =
    ["grades_1", "grades_2", "grades_3", "grades_4", "grades_5", "grades_6", "grades_7", "grades_8"];

/// The new-table form as submitted: the document, then per class its base rate (%) and grades.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct TableForm {
    pub effective_from: String,
    pub document_number: String,
    pub document_date: String,
    pub base_1: String,
    pub base_2: String,
    pub base_3: String,
    pub base_4: String,
    pub base_5: String,
    pub base_6: String,
    pub base_7: String,
    pub base_8: String,
    pub grades_1: String,
    pub grades_2: String,
    pub grades_3: String,
    pub grades_4: String,
    pub grades_5: String,
    pub grades_6: String,
    pub grades_7: String,
    pub grades_8: String,
    pub form_token: String,
}

/// A new table as checked.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct TableInput {
    pub effective_from: NaiveDate,
    pub document_number: String,
    pub document_date: NaiveDate,
    /// Classes 1–8 in order.
    pub classes: Vec<ClassRates>,
}

/// One class's fields of the form, for the page.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ClassFields {
    pub class: i16,
    pub base_field: &'static str,
    pub base: String,
    pub grades_field: &'static str,
    pub grades: String,
}

impl TableForm {
    /// A form for the next table, filled in with the classes in force (the table, or the
    /// province's reference classes).
    pub fn prefilled(classes: &[ClassRates]) -> TableForm {
        let mut form = TableForm::default();
        for c in classes {
            let grades = c.grades.iter().map(|g| g.to_string()).collect::<Vec<_>>().join(", ");
            if let Some((base, list)) = form.class_mut(c.class) {
                *base = c.base_rate.normalize().to_string();
                *list = grades;
            }
        }
        form
    }

    fn class_mut(&mut self, class: i16) -> Option<(&mut String, &mut String)> {
        Some(match class {
            1 => (&mut self.base_1, &mut self.grades_1),
            2 => (&mut self.base_2, &mut self.grades_2),
            3 => (&mut self.base_3, &mut self.grades_3),
            4 => (&mut self.base_4, &mut self.grades_4),
            5 => (&mut self.base_5, &mut self.grades_5),
            6 => (&mut self.base_6, &mut self.grades_6),
            7 => (&mut self.base_7, &mut self.grades_7),
            8 => (&mut self.base_8, &mut self.grades_8),
            _ => return None,
        })
    }

    fn bases(&self) -> [&str; CLASSES] {
        [&self.base_1, &self.base_2, &self.base_3, &self.base_4, &self.base_5, &self.base_6, &self.base_7, &self.base_8]
    }

    fn grade_lists(&self) -> [&str; CLASSES] {
        [
            &self.grades_1,
            &self.grades_2,
            &self.grades_3,
            &self.grades_4,
            &self.grades_5,
            &self.grades_6,
            &self.grades_7,
            &self.grades_8,
        ]
    }

    /// The eight classes' fields, for the page.
    pub fn classes(&self) -> Vec<ClassFields> {
        (0..CLASSES)
            .map(|i| ClassFields {
                class: class_number(i),
                base_field: BASE_FIELDS[i],
                base: self.bases()[i].to_string(),
                grades_field: GRADE_FIELDS[i],
                grades: self.grade_lists()[i].to_string(),
            })
            .collect()
    }

    /// Every field checked: the dates, the document number, and each class's base rate and
    /// grades (the rules of the reference classes; class 1 not below 100).
    pub fn parse(&self) -> Result<TableInput, FieldErrors> {
        let mut p = FormParser::default();
        let effective_from = p.required::<Date>("effective_from", &self.effective_from);
        let document_number = p.required::<Text<100>>("document_number", &self.document_number);
        let document_date = p.required::<Date>("document_date", &self.document_date);
        let classes: Vec<Option<ClassRates>> = (0..CLASSES).map(|i| self.parse_class(&mut p, i)).collect();
        p.finish(|| {
            Some(TableInput {
                effective_from: effective_from?.0,
                document_number: document_number?.into_string(),
                document_date: document_date?.0,
                classes: classes.into_iter().collect::<Option<Vec<_>>>()?,
            })
        })
    }

    fn parse_class(&self, p: &mut FormParser, i: usize) -> Option<ClassRates> {
        let class = class_number(i);
        let base = parse_base_rate(self.bases()[i]);
        p.check(BASE_FIELDS[i], base.is_some(), BASE_RATE_MESSAGE);
        let grades = parse_grades(self.grade_lists()[i]);
        p.check(GRADE_FIELDS[i], grades.is_some(), GRADES_MESSAGE);
        let grades = grades?;
        let floats_up_only = class != 1 || grades.iter().all(|g| *g >= 100);
        p.check(GRADE_FIELDS[i], floats_up_only, CLASS_ONE_MESSAGE);
        floats_up_only.then_some(ClassRates { class, base_rate: base?, grades })
    }
}

fn class_number(index: usize) -> i16 {
    i16::try_from(index + 1).unwrap_or(i16::MAX)
}

// ---- Rule sets ---------------------------------------------------------------------------------

/// A rule row as its page shows it: the engine's row with who changed it last.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RuleRecord {
    pub rule: Rule,
    /// None: the province's default set.
    pub region: Option<RegionId>,
    pub version: i32,
    pub updated_by_name: String,
    pub updated_at: chrono::DateTime<chrono::Utc>,
}

/// A move as the page says it: 上浮1档, 下浮2档, 不浮动.
pub fn move_shown(moves: i16) -> String {
    match moves {
        0 => "不浮动".to_string(),
        m if m > 0 => format!("上浮{m}档"),
        m => format!("下浮{}档", -m),
    }
}

/// The order a set is shown in: by factor as the engine lists them, then by the band (open
/// lower ends first, then ascending; categories in their enum's order).
pub fn shown_order(rules: &mut [RuleRecord]) {
    rules.sort_by_key(|r| {
        let factor = Factor::ALL.iter().position(|f| *f == r.rule.factor).unwrap_or(usize::MAX);
        let (lower, category) = match &r.rule.band {
            Band::Range { from, .. } => (from.map(|f| (1, f)).unwrap_or((0, Decimal::ZERO)), usize::MAX),
            Band::Category(c) => ((0, Decimal::ZERO), category_position(r.rule.factor, c)),
        };
        (factor, lower, category, r.rule.id)
    });
}

fn category_position(factor: Factor, value: &str) -> usize {
    category_choices(factor).iter().position(|c| c.value == value).unwrap_or(usize::MAX)
}

/// The values a categorical factor takes (none for a numeric one).
pub fn category_choices(factor: Factor) -> Vec<Choice> {
    fn of<T: Labelled>() -> Vec<Choice> {
        T::all().iter().map(|v| Choice::new(v.name(), v.text())).collect()
    }
    match factor {
        Factor::Hazard => of::<HazardLevel>(),
        Factor::Standardisation => of::<Standardisation>(),
        _ => Vec::new(),
    }
}

/// Whether two bands of one factor can hold the same value: ranges that intersect (open ends
/// reach as far as they go; `below` is exclusive), or the same category.
pub fn bands_overlap(a: &Band, b: &Band) -> bool {
    match (a, b) {
        (Band::Range { from: af, below: ab }, Band::Range { from: bf, below: bb }) => {
            let a_starts_before_b_ends = match (af, bb) {
                (Some(f), Some(b)) => f < b,
                _ => true,
            };
            let b_starts_before_a_ends = match (bf, ab) {
                (Some(f), Some(b)) => f < b,
                _ => true,
            };
            a_starts_before_b_ends && b_starts_before_a_ends
        }
        (Band::Category(x), Band::Category(y)) => x == y,
        _ => false,
    }
}

/// The first row of `set` (other than `except`, the row being edited) of the same factor whose
/// band overlaps `band`.
pub fn overlapping<'a>(factor: Factor, band: &Band, set: &'a [Rule], except: Option<RuleId>) -> Option<&'a Rule> {
    set.iter().find(|r| r.factor == factor && Some(r.id) != except && bands_overlap(&r.band, band))
}

/// The message beside the band's field when it overlaps `other`.
pub fn overlap_message(other: &Rule) -> String {
    let shown = other.band.shown(other.factor);
    match other.band {
        Band::Range { .. } => format!("与已有规则「{shown}」的区间重叠"),
        Band::Category(_) => format!("已有「{shown}」的规则，请修改那一条"),
    }
}

/// The rule form as submitted. The factor is chosen before the form (a new row) or fixed (an
/// edit); numeric factors take a band of percentages, categorical ones a value.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct RuleForm {
    pub factor: String,
    pub from_value: String,
    pub below_value: String,
    pub category: String,
    pub moves: String,
    pub note: String,
    pub version: String,
    #[serde(default = "TokenField::missing")]
    pub form_token: TokenField,
}

/// A rule row as checked.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct RuleInput {
    pub factor: Factor,
    pub band: Band,
    pub moves: i16,
    pub note: String,
}

/// The most a factor moves a grade, either way.
pub const MAX_MOVES: i16 = 3;

/// The largest end a band takes (the column is NUMERIC(9, 2)).
const MAX_END: i64 = 1_000_000;

impl RuleForm {
    pub fn for_factor(factor: Option<Factor>) -> RuleForm {
        RuleForm {
            factor: factor.map(|f| f.as_str().to_string()).unwrap_or_default(),
            moves: "0".into(),
            ..RuleForm::default()
        }
    }

    pub fn of(r: &RuleRecord) -> RuleForm {
        let (from_value, below_value, category) = match &r.rule.band {
            Band::Range { from, below } => (end_shown(*from), end_shown(*below), String::new()),
            Band::Category(c) => (String::new(), String::new(), c.clone()),
        };
        RuleForm {
            factor: r.rule.factor.as_str().to_string(),
            from_value,
            below_value,
            category,
            moves: r.rule.moves.to_string(),
            note: r.rule.note.clone(),
            version: r.version.to_string(),
            form_token: TokenField::default(),
        }
    }

    /// The factor the form is for, if it names one.
    pub fn factor(&self) -> Option<Factor> {
        Factor::parse(self.factor.trim())
    }

    /// Every field checked; the rows around it are `overlapping`'s business.
    pub fn parse(&self) -> Result<(RuleInput, Version), FieldErrors> {
        let mut p = FormParser::default();
        let factor = p.required::<Factor>("factor", &self.factor);
        let band = factor.and_then(|f| self.band(&mut p, f));
        let moves = self.moves(&mut p);
        let note = p.value::<Text<200>>("note", &self.note);
        let version = if self.version.trim().is_empty() {
            Some(Version(1))
        } else {
            p.value::<Version>("version", &self.version)
        };
        p.finish(|| {
            Some((RuleInput { factor: factor?, band: band?, moves: moves?, note: note?.into_string() }, version?))
        })
    }

    fn band(&self, p: &mut FormParser, factor: Factor) -> Option<Band> {
        if factor.is_categorical() {
            let value = self.category.trim();
            let known = category_choices(factor).iter().any(|c| c.value == value);
            p.check("category", known, "请从列表中选择");
            return known.then(|| Band::Category(value.to_string()));
        }
        let from = end(p, "from_value", &self.from_value);
        let below = end(p, "below_value", &self.below_value);
        let (from, below) = (from?, below?);
        match (from, below) {
            (None, None) => {
                p.check("from_value", false, "请至少填写下限或上限");
                None
            }
            (Some(f), Some(b)) if f >= b => {
                p.check("below_value", false, "上限须大于下限");
                None
            }
            _ => Some(Band::Range { from, below }),
        }
    }

    fn moves(&self, p: &mut FormParser) -> Option<i16> {
        // The Chinese minus sign and the full-width plus are what a pasted 71号 table holds.
        let raw = self.moves.trim().replace(['−', '－'], "-").replace('＋', "+");
        let moves = raw.parse::<i16>().ok().filter(|m| m.abs() <= MAX_MOVES);
        p.check("moves", moves.is_some(), "请填写 -3 至 3 的整数：正数上浮，负数下浮，0 不浮动");
        moves
    }
}

/// An end of a band as typed: empty (open), or a percentage from 0 with at most two decimals.
fn end(p: &mut FormParser, field: &'static str, raw: &str) -> Option<Option<Decimal>> {
    let text = raw.trim().trim_end_matches(['%', '％']).trim();
    if text.is_empty() {
        return Some(None);
    }
    let value = text
        .parse::<Decimal>()
        .ok()
        .filter(|d| *d >= Decimal::ZERO && *d < Decimal::from(MAX_END) && d.normalize().scale() <= 2);
    p.check(field, value.is_some(), "请填写 0 及以上的百分数，最多两位小数，如 150");
    value.map(Some)
}

fn end_shown(value: Option<Decimal>) -> String {
    value.map(|d| d.normalize().to_string()).unwrap_or_default()
}

#[cfg(test)]
mod tests;
