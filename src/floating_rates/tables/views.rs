//! Page structs of the rate tables and rule sets.

use askama::Template;
use chrono::NaiveDate;

use super::model::{ClassFields, RuleForm, RuleRecord, TableForm, TableHead, category_choices, move_shown, standing};
use crate::floating_rates::model::{ClassRates, Factor};
use crate::industries::model::class_label;
use crate::org::Region;
use crate::values::time;
use crate::web::form::{Choice, FieldErrors};
use crate::web::layout::{Chrome, Crumb, Layout};

pub fn rates_crumb() -> Crumb {
    Crumb::link("浮动费率", "/rates")
}

pub fn tables_crumb() -> Crumb {
    Crumb::link("行业费率表", "/rates/tables")
}

pub fn rules_crumb() -> Crumb {
    Crumb::link("浮动规则", "/rates/rules")
}

/// What a region without a table of its own applies.
pub const REFERENCE: &str = "省级参考费率";

/// The name of the province's default rule set.
pub const DEFAULT_SET: &str = "省级默认规则";

/// A class as the tables show it: base rate, grades, and the rate of each grade.
pub struct ClassRow {
    pub label: String,
    pub base: String,
    pub grades: String,
    pub rates: String,
}

impl ClassRow {
    pub fn of(c: &ClassRates) -> ClassRow {
        ClassRow {
            label: class_label(c.class),
            base: c.base_rate.normalize().to_string(),
            grades: c.grades.iter().map(|g| format!("{g}%")).collect::<Vec<_>>().join("、"),
            rates: c.grades.iter().map(|g| format!("{}%", c.rate(*g).normalize())).collect::<Vec<_>>().join("、"),
        }
    }
}

/// A region's line of the overview: the table in force today, and the next one if scheduled.
pub struct RegionLine {
    pub name: String,
    pub href: String,
    pub new_href: String,
    pub in_force: Option<HeadView>,
    pub next: Option<String>,
}

pub struct HeadView {
    pub effective_from: String,
    pub document_number: String,
    pub document_date: String,
}

impl HeadView {
    fn of(h: &TableHead) -> HeadView {
        HeadView {
            effective_from: h.effective_from.to_string(),
            document_number: h.document_number.clone(),
            document_date: h.document_date.to_string(),
        }
    }
}

impl RegionLine {
    /// `heads`: the region's tables.
    pub fn of(region: &Region, heads: &[TableHead], today: NaiveDate) -> RegionLine {
        let next = heads.iter().filter(|h| h.effective_from > today).map(|h| h.effective_from).min();
        RegionLine {
            name: region.name.clone(),
            href: format!("/rates/tables/{}", region.code),
            new_href: format!("/rates/tables/{}/new", region.code),
            in_force: super::model::in_force(heads, today).map(HeadView::of),
            next: next.map(|d| d.to_string()),
        }
    }
}

#[derive(Template)]
#[template(path = "floating_rates/tables_index.html")]
pub struct TablesPage {
    pub layout: Layout,
    pub regions: Vec<RegionLine>,
    pub may_keep: bool,
    pub today: String,
}

impl TablesPage {
    pub fn new(chrome: &Chrome, regions: Vec<RegionLine>, may_keep: bool, today: NaiveDate) -> TablesPage {
        TablesPage {
            layout: chrome.layout("行业费率表", vec![rates_crumb(), Crumb::here("行业费率表")]),
            regions,
            may_keep,
            today: today.to_string(),
        }
    }
}

/// One of a region's tables.
pub struct TableView {
    pub head: HeadView,
    pub standing: &'static str,
    pub current: bool,
    pub recorded_by: String,
    pub recorded_at: String,
    pub classes: Vec<ClassRow>,
}

impl TableView {
    pub fn of(head: &TableHead, heads: &[TableHead], classes: &[ClassRates], today: NaiveDate) -> TableView {
        let standing = standing(head, heads, today);
        TableView {
            head: HeadView::of(head),
            standing: standing.label(),
            current: standing == super::model::Standing::InForce,
            recorded_by: head.recorded_by_name.clone(),
            recorded_at: time::minutes(&head.recorded_at),
            classes: classes.iter().map(ClassRow::of).collect(),
        }
    }
}

#[derive(Template)]
#[template(path = "floating_rates/tables_region.html")]
pub struct RegionPage {
    pub layout: Layout,
    pub region: String,
    pub new_href: String,
    pub tables: Vec<TableView>,
    /// Whether no table of the region is in force today (the reference classes apply).
    pub on_reference: bool,
    pub reference: Vec<ClassRow>,
    pub may_keep: bool,
}

impl RegionPage {
    pub fn new(
        chrome: &Chrome,
        region: &Region,
        tables: Vec<TableView>,
        reference: &[ClassRates],
        may_keep: bool,
    ) -> RegionPage {
        let title = format!("{}行业费率表", region.name);
        RegionPage {
            layout: chrome.layout(title.clone(), vec![rates_crumb(), tables_crumb(), Crumb::here(region.name.clone())]),
            region: region.name.clone(),
            new_href: format!("/rates/tables/{}/new", region.code),
            on_reference: !tables.iter().any(|t| t.current),
            tables,
            reference: reference.iter().map(ClassRow::of).collect(),
            may_keep,
        }
    }
}

#[derive(Template)]
#[template(path = "floating_rates/tables_new.html")]
pub struct NewTablePage {
    pub layout: Layout,
    pub action: String,
    pub back: String,
    /// What the form was filled in from (a new form only).
    pub basis: &'static str,
    pub form: TableForm,
    pub classes: Vec<ClassView>,
    pub errors: FieldErrors,
}

/// A class's fields with its label.
pub struct ClassView {
    pub label: String,
    pub fields: ClassFields,
}

impl NewTablePage {
    /// `on_table`: a new form, filled in from the region's table in force (true) or the reference
    /// classes (false); none when a posted form comes back.
    pub fn new(
        chrome: &Chrome,
        region: &Region,
        on_table: Option<bool>,
        form: TableForm,
        errors: FieldErrors,
    ) -> NewTablePage {
        let title = format!("发布{}行业费率表", region.name);
        let back = format!("/rates/tables/{}", region.code);
        let classes =
            form.classes().into_iter().map(|f| ClassView { label: class_label(f.class), fields: f }).collect();
        NewTablePage {
            layout: chrome.layout(
                title.clone(),
                vec![
                    rates_crumb(),
                    tables_crumb(),
                    Crumb::link(region.name.clone(), back.clone()),
                    Crumb::here("发布"),
                ],
            ),
            action: format!("/rates/tables/{}/new", region.code),
            back,
            basis: match on_table {
                Some(true) => "已按现行费率表填入，请按新文件修改。",
                Some(false) => "本地区尚无现行费率表，已按省级参考费率填入。",
                None => "",
            },
            form,
            classes,
            errors,
        }
    }
}

// ---- Rule sets ---------------------------------------------------------------------------------

/// The query naming a set: a region's code, or empty for the default set.
pub fn set_query(region: Option<&Region>) -> String {
    region.map(|r| format!("?region={}", r.code)).unwrap_or_default()
}

pub struct RuleLine {
    pub edit_href: String,
    pub delete_href: String,
    pub band: String,
    pub moves: String,
    pub note: String,
    pub updated: String,
}

pub struct FactorGroup {
    pub label: &'static str,
    pub unit: &'static str,
    pub rows: Vec<RuleLine>,
    /// Where a row of this factor is added.
    pub new_href: String,
}

/// The rows of a set grouped by factor in the engine's order (factors without rows too).
fn groups(rules: &[RuleRecord], query: &str) -> Vec<FactorGroup> {
    let joiner = if query.is_empty() { "?" } else { "&" };
    Factor::ALL
        .iter()
        .map(|f| FactorGroup {
            label: f.label(),
            unit: f.unit(),
            new_href: format!("/rates/rules/new{query}{joiner}factor={}", f.as_str()),
            rows: rules
                .iter()
                .filter(|r| r.rule.factor == *f)
                .map(|r| RuleLine {
                    edit_href: format!("/rates/rules/{}/edit", r.rule.id),
                    delete_href: format!("/rates/rules/{}/delete", r.rule.id),
                    band: r.rule.band.shown(*f),
                    moves: move_shown(r.rule.moves),
                    note: r.rule.note.clone(),
                    updated: if r.updated_by_name.is_empty() {
                        "随系统发布".to_string()
                    } else {
                        format!("{} {}", r.updated_by_name, time::minutes(&r.updated_at))
                    },
                })
                .collect(),
        })
        .collect()
}

#[derive(Template)]
#[template(path = "floating_rates/rules_list.html")]
pub struct RulesPage {
    pub layout: Layout,
    /// The set shown: 省级默认规则, 沈阳市规则.
    pub set_name: String,
    /// A region using the default set: its name.
    pub uses_default: Option<String>,
    pub regions: Vec<Choice>,
    pub region: String,
    pub groups: Vec<FactorGroup>,
    /// The province keeps this set's rows here (the default set, or a region's own).
    pub may_edit_rows: bool,
    /// The province may copy the default set into the region's own.
    pub may_copy: bool,
    /// The province may drop the region's own set.
    pub may_reset: bool,
    pub query: String,
}

/// What the rules page shows.
pub struct RulesShown<'a> {
    pub region: Option<&'a Region>,
    /// Whether the region keeps its own set (the rows are then its own).
    pub own: bool,
    pub rules: &'a [RuleRecord],
    pub regions: Vec<Choice>,
    pub may_keep: bool,
}

impl RulesPage {
    pub fn new(chrome: &Chrome, shown: RulesShown<'_>) -> RulesPage {
        let query = set_query(shown.region);
        let set_name = match shown.region {
            Some(r) if shown.own => format!("{}规则", r.name),
            _ => DEFAULT_SET.to_string(),
        };
        let uses_default = shown.region.filter(|_| !shown.own).map(|r| r.name.clone());
        let edits_here = shown.region.is_none() || shown.own;
        RulesPage {
            layout: chrome.layout("浮动规则", vec![rates_crumb(), Crumb::here("浮动规则")]),
            set_name,
            uses_default,
            regions: shown.regions,
            region: shown.region.map(|r| r.code.clone()).unwrap_or_default(),
            groups: groups(shown.rules, &query),
            may_edit_rows: shown.may_keep && edits_here,
            may_copy: shown.may_keep && shown.region.is_some() && !shown.own,
            may_reset: shown.may_keep && shown.region.is_some() && shown.own,
            query,
        }
    }
}

#[derive(Template)]
#[template(path = "floating_rates/rules_edit.html")]
pub struct RuleEditPage {
    pub layout: Layout,
    pub action: String,
    pub back: String,
    pub set_name: String,
    /// The factor of the row; none: the page offers the factors to choose from.
    pub factor: Option<FactorView>,
    pub factors: Vec<Choice>,
    /// The values of a categorical factor.
    pub categories: Vec<Choice>,
    /// A factor's link of the picker, without the factor's name.
    pub factor_href: String,
    pub form: RuleForm,
    pub errors: FieldErrors,
}

pub struct FactorView {
    pub name: &'static str,
    pub label: &'static str,
    pub unit: &'static str,
    pub categorical: bool,
}

impl FactorView {
    fn of(f: Factor) -> FactorView {
        FactorView { name: f.as_str(), label: f.label(), unit: f.unit(), categorical: f.is_categorical() }
    }
}

impl RuleEditPage {
    /// `existing`: the row edited (else a new row of the set of `region`).
    pub fn new(
        chrome: &Chrome,
        region: Option<&Region>,
        existing: Option<&RuleRecord>,
        form: RuleForm,
        errors: FieldErrors,
    ) -> RuleEditPage {
        let query = set_query(region);
        let set_name = region.map_or_else(|| DEFAULT_SET.to_string(), |r| format!("{}规则", r.name));
        let (title, action) = match existing {
            Some(r) => (format!("修改浮动规则：{}", r.rule.factor.label()), format!("/rates/rules/{}/edit", r.rule.id)),
            None => ("新增浮动规则".to_string(), format!("/rates/rules/new{query}")),
        };
        let back = format!("/rates/rules{query}");
        let factor_href = format!("/rates/rules/new{query}{}factor=", if query.is_empty() { "?" } else { "&" });
        let factor = existing.map(|r| r.rule.factor).or_else(|| form.factor());
        let factors = Factor::ALL.iter().map(|f| Choice::new(f.as_str(), f.label())).collect();
        RuleEditPage {
            layout: chrome
                .layout(title.clone(), vec![rates_crumb(), Crumb::link("浮动规则", back.clone()), Crumb::here(title)]),
            action,
            back,
            set_name,
            factor: factor.map(FactorView::of),
            categories: factor.map(category_choices).unwrap_or_default(),
            factors,
            factor_href,
            form,
            errors,
        }
    }
}

/// The band of a row as the confirmation asks about it.
pub fn band_words(r: &RuleRecord) -> String {
    format!("{} {}（{}）", r.rule.factor.label(), r.rule.band.shown(r.rule.factor), move_shown(r.rule.moves))
}

/// The regions whose sets the actor may open: 省级默认规则 first (value empty).
pub fn set_choices(regions: &[Region]) -> Vec<Choice> {
    regions.iter().map(|r| Choice::new(r.code.clone(), r.name.clone())).collect()
}
