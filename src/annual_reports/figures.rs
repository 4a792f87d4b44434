//! The figures of an annual report: what a region's records of a year come to, each with the
//! list of records behind it. Pure: the store reads one [`Raw`] per region in one statement;
//! [`compute`] turns it into figures with the features' own rules (the fee's cap and execution,
//! training coverage, the accident rate and its target), and [`link`] names each figure's list.

use std::collections::BTreeMap;

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::cycles::Cycle;
use crate::fee::model as fee;
use crate::plans::model::PlanStatus;
use crate::projects::model::ProjectStatus;
use crate::rosters::model::RosterStatus;
use crate::statistics::model::{self as statistics, Goal};
use crate::training::model::Coverage;
use crate::values::Money;

pub use super::raw::Raw;

labelled_enum! {
    /// The report's sections of figures, in the order the page shows them.
    pub enum Group {
        Mechanism => ("mechanism", "实施方案与联防联控机制"),
        Meetings => ("meetings", "联席会议"),
        Inspections => ("inspections", "联合检查与整改"),
        Notices => ("notices", "通知通报"),
        Fee => ("fee", "工伤预防费"),
        Projects => ("projects", "工伤预防项目"),
        Training => ("training", "重点岗位培训（本周期累计）"),
        Publicity => ("publicity", "宣传与技工院校"),
        Accidents => ("accidents", "工伤事故率"),
    }
}

/// A figure's value as the report keeps it. Money in 元, exact; shown in 万元.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "t", content = "v", rename_all = "snake_case")]
pub enum Value {
    Count(i64),
    Money(Decimal),
    /// Percent, one decimal.
    Percent(Decimal),
    /// Per mille, as computed (shown with two decimals).
    Permille(Decimal),
    Text(String),
    /// Not available (no income entered, nobody required, no statistics …).
    Missing,
}

impl Value {
    /// As pages and prints show it (without the unit the label carries).
    pub fn shown(&self) -> String {
        match self {
            Value::Count(n) => n.to_string(),
            Value::Money(d) => Money::from_yuan(*d).map(Money::show_wan).unwrap_or_else(|_| d.to_string()),
            Value::Percent(p) => format!("{p:.1}%"),
            Value::Permille(r) => statistics::shown(Some(*r)),
            Value::Text(t) => t.clone(),
            Value::Missing => "—".to_string(),
        }
    }
}

/// One figure of a report.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Figure {
    /// Stable: what the frozen copy and the live figures are matched by, and what names its list.
    pub key: String,
    pub group: Group,
    pub label: String,
    pub value: Value,
}

impl Figure {
    fn new(key: impl Into<String>, group: Group, label: impl Into<String>, value: Value) -> Figure {
        Figure { key: key.into(), group, label: label.into(), value }
    }
}

/// The figures of a region's year from what its records say. `cycle` is the cycle the year
/// belongs to (its key positions, its accident-rate target).
pub fn compute(raw: &Raw, year: i32, cycle: &Cycle) -> Vec<Figure> {
    let mut out = Vec::new();
    use Group as G;
    let plan = raw.plan.as_ref().and_then(|(_, s)| PlanStatus::parse(s)).map(|s| s.label()).unwrap_or("未编制");
    out.push(Figure::new("plan_status", G::Mechanism, "实施方案", Value::Text(plan.to_string())));
    let roster = match &raw.roster {
        None => "未建立".to_string(),
        Some((_, status, complete)) => format!(
            "{}，{}",
            RosterStatus::parse(status).map(|s| s.label()).unwrap_or("—"),
            if *complete { "组成完整" } else { "组成不完整" }
        ),
    };
    out.push(Figure::new("roster", G::Mechanism, "领导小组组成人员", Value::Text(roster)));

    out.push(Figure::new("meetings", G::Meetings, "召开联席会议（次）", Value::Count(raw.meetings)));
    out.push(Figure::new("items_done", G::Meetings, "议定事项已完成（项）", Value::Count(raw.items_done)));
    out.push(Figure::new("items_overdue", G::Meetings, "议定事项逾期未完成（项）", Value::Count(raw.items_overdue)));

    out.push(Figure::new("inspections", G::Inspections, "联合检查（次）", Value::Count(raw.inspections)));
    out.push(Figure::new("findings", G::Inspections, "发现问题（项）", Value::Count(raw.findings)));
    out.push(Figure::new("findings_closed", G::Inspections, "已整改核验销号（项）", Value::Count(raw.findings_closed)));
    out.push(Figure::new(
        "findings_rectified",
        G::Inspections,
        "已整改待核验（项）",
        Value::Count(raw.findings_rectified),
    ));
    out.push(Figure::new("findings_overdue", G::Inspections, "逾期未整改（项）", Value::Count(raw.findings_overdue)));

    out.push(Figure::new("notices", G::Notices, "发布通知通报（件）", Value::Count(raw.notices)));

    let used = fee::Used { allocated: raw.fee_allocated, committed: raw.fee_committed, released: raw.fee_released };
    let f = fee::figures(raw.fee_income, raw.fee_rate, raw.fee_budget, used, raw.fee_paid);
    let money = |d: Option<Decimal>| d.map_or(Value::Missing, Value::Money);
    out.push(Figure::new("fee_income", G::Fee, format!("{}年度征缴收入（万元）", year - 1), money(raw.fee_income)));
    out.push(Figure::new("fee_cap", G::Fee, "提取上限（万元）", money(f.cap)));
    out.push(Figure::new("fee_budget", G::Fee, "批准预算（万元）", money(f.budget)));
    out.push(Figure::new("fee_allocated", G::Fee, "安排项目资金（万元）", Value::Money(raw.fee_allocated)));
    out.push(Figure::new("fee_paid", G::Fee, "拨付（万元）", Value::Money(raw.fee_paid)));
    out.push(Figure::new("fee_execution", G::Fee, "预算执行率", f.execution.map_or(Value::Missing, Value::Percent)));

    for status in ProjectStatus::ALL.iter().filter(|s| **s != ProjectStatus::Draft) {
        let n = raw.projects.iter().find(|(s, _)| s == status.as_str()).map_or(0, |(_, n)| *n);
        if n > 0 {
            out.push(Figure::new(
                format!("projects.{}", status.as_str()),
                G::Projects,
                format!("{}（个）", status.label()),
                Value::Count(n),
            ));
        }
    }
    if !out.iter().any(|f| f.group == G::Projects) {
        out.push(Figure::new("projects.none", G::Projects, "本年度申报项目（个）", Value::Count(0)));
    }

    let mut total = Coverage::default();
    for category in crate::training::model::all_categories(cycle) {
        let c = raw.training.iter().find(|(k, ..)| k == category).map_or(
            Coverage::default(),
            |(_, required, trained, capped)| Coverage { required: *required, trained: *trained, capped: *capped },
        );
        total = total.plus(c);
        if c.required == 0 && c.trained == 0 {
            continue;
        }
        out.push(Figure::new(
            format!("training.{category}.capped"),
            G::Training,
            format!("{category}：计入覆盖（人）"),
            Value::Count(c.capped),
        ));
        out.push(Figure::new(
            format!("training.{category}.rate"),
            G::Training,
            format!("{category}：覆盖率"),
            c.rate().map_or(Value::Missing, Value::Percent),
        ));
    }
    out.push(Figure::new("training.required", G::Training, "应培训（人）", Value::Count(total.required)));
    out.push(Figure::new("training.capped", G::Training, "计入覆盖（人）", Value::Count(total.capped)));
    out.push(Figure::new("training.rate", G::Training, "覆盖率", total.rate().map_or(Value::Missing, Value::Percent)));

    out.push(Figure::new("publicity", G::Publicity, "宣传活动（次）", Value::Count(raw.publicity)));
    out.push(Figure::new("schools", G::Publicity, "技工院校（所）", Value::Count(raw.schools)));
    out.push(Figure::new("schools_running", G::Publicity, "开设工伤预防课程（所）", Value::Count(raw.schools_running)));

    let goal = Goal::of(cycle);
    let mut sums = BTreeMap::new();
    let as_figures = |(injuries, insured): (i64, i64)| statistics::Figures { insured, injuries, ..Default::default() };
    if let Some(s) = raw.statistics {
        sums.insert(year, as_figures(s));
    }
    if let Some(s) = raw.base_statistics {
        sums.insert(goal.base_year, as_figures(s));
    }
    let line = statistics::trend(&goal, &sums).into_iter().find(|l| l.year == year);
    let rate = line.and_then(|l| l.rate);
    let target = line.and_then(|l| l.target);
    out.push(Figure::new(
        "accident_rate",
        G::Accidents,
        "工伤事故率（‰）",
        rate.map_or(Value::Missing, Value::Permille),
    ));
    out.push(Figure::new(
        "accident_target",
        G::Accidents,
        "本年度目标（‰，不高于）",
        target.map_or(Value::Missing, Value::Permille),
    ));
    let on_track = match line.and_then(|l| l.on_track) {
        Some(true) => "达到目标",
        Some(false) => "未达到目标",
        None => "—",
    };
    out.push(Figure::new("accident_on_track", G::Accidents, "是否达到目标", Value::Text(on_track.to_string())));
    out
}

/// What the lists behind the figures are filtered by.
#[derive(Clone, Debug)]
pub struct LinkContext<'a> {
    pub region_code: &'a str,
    pub year: i32,
    pub cycle_first_year: i32,
    /// The viewer sees every region (lists then need the region); else only their own.
    pub province_view: bool,
    /// The viewer's own region is the report's (their "issued" notices are the region's).
    pub own_region: bool,
    pub plan: Option<i64>,
    pub roster: Option<i64>,
}

/// The list of the records behind figure `key`, whose row count (or sum) is the figure: none for
/// the figures that are computed from others (a rate, a target).
pub fn link(key: &str, c: &LinkContext<'_>) -> Option<String> {
    let (year, region, cycle) = (c.year, c.region_code, c.cycle_first_year);
    let r = if c.province_view { format!("&region={region}") } else { String::new() };
    let url = match key {
        "plan_status" => c.plan.map_or_else(|| format!("/plans?cycle={cycle}"), |id| format!("/plans/{id}")),
        "roster" => c.roster.map_or_else(|| format!("/rosters?cycle={cycle}"), |id| format!("/rosters/{id}")),
        "meetings" => format!("/meetings?year={year}{r}"),
        "items_done" => format!("/action-items?year={year}&status=done{r}"),
        "items_overdue" => format!("/action-items?year={year}&status=overdue{r}"),
        "inspections" => format!("/inspections?year={year}{r}"),
        "findings" => format!("/findings?year={year}{r}"),
        "findings_closed" => format!("/findings?year={year}&status=closed{r}"),
        "findings_rectified" => format!("/findings?year={year}&status=rectified{r}"),
        "findings_overdue" => format!("/findings?year={year}&status=overdue{r}"),
        "notices" if c.own_region => format!("/notices?folder=issued&state=issued&year={year}"),
        "notices" if c.province_view => format!("/notices?folder=all&year={year}&region={region}"),
        "fee_income" | "fee_cap" | "fee_budget" | "fee_execution" => format!("/fee?year={year}{r}"),
        "fee_allocated" => format!("/fee/records?year={year}&kind=allocation{r}"),
        "fee_paid" => format!("/fee/records?year={year}&kind=payment{r}"),
        "publicity" => format!("/publicity?year={year}{r}"),
        "schools" | "schools_running" => format!("/schools?year={year}{r}"),
        "training.required" | "training.capped" => format!("/training/coverage?cycle={cycle}{r}"),
        "accident_rate" | "accident_target" | "accident_on_track" => format!("/statistics?cycle={cycle}"),
        _ => {
            if let Some(status) = key.strip_prefix("projects.") {
                return Some(match ProjectStatus::parse(status) {
                    Some(s) => format!("/projects?year={year}&status={}{r}", s.as_str()),
                    None => format!("/projects?year={year}{r}"),
                });
            }
            let category = key.strip_prefix("training.")?.rsplit_once('.')?.0;
            let encoded: String = form_urlencoded::byte_serialize(category.as_bytes()).collect();
            format!("/training/coverage?cycle={cycle}&category={encoded}{r}")
        }
    };
    Some(url)
}

/// A frozen figure whose live value now differs, with that value as shown.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Drift {
    pub key: String,
    pub live: String,
}

/// The figures of `frozen` whose live value differs, and live figures the frozen copy lacks
/// (a status reached since), as the report page notes them. A key the live figures lack (a
/// status no application has any more) counts as zero, or as missing for a rate.
pub fn drift(frozen: &[Figure], live: &[Figure]) -> Vec<Drift> {
    let now: BTreeMap<&str, &Figure> = live.iter().map(|f| (f.key.as_str(), f)).collect();
    let then: BTreeMap<&str, &Figure> = frozen.iter().map(|f| (f.key.as_str(), f)).collect();
    let mut out = Vec::new();
    for f in frozen {
        let live_value = now.get(f.key.as_str()).map(|l| l.value.clone()).unwrap_or(match f.value {
            Value::Count(_) => Value::Count(0),
            _ => Value::Missing,
        });
        if live_value != f.value {
            out.push(Drift { key: f.key.clone(), live: live_value.shown() });
        }
    }
    for l in live.iter().filter(|l| !then.contains_key(l.key.as_str()) && l.value != Value::Count(0)) {
        out.push(Drift { key: l.key.clone(), live: l.value.shown() });
    }
    out
}

/// The keys and labels of several regions' figures together, in the report's order: by group,
/// projects by their status's place in the workflow, the rest as the lists give them (a key one
/// region lacks goes after the key it follows elsewhere).
pub fn union_keys<'a>(lists: impl IntoIterator<Item = &'a [Figure]>) -> Vec<(String, String)> {
    let mut out: Vec<&Figure> = Vec::new();
    for list in lists {
        let mut at = 0;
        for f in list {
            match out.iter().position(|o| o.key == f.key) {
                Some(i) => at = i + 1,
                None => {
                    out.insert(at, f);
                    at += 1;
                }
            }
        }
    }
    let rank = |f: &Figure| {
        let group = Group::ALL.iter().position(|g| *g == f.group).unwrap_or(usize::MAX);
        let status = f
            .key
            .strip_prefix("projects.")
            .and_then(ProjectStatus::parse)
            .and_then(|s| ProjectStatus::ALL.iter().position(|x| *x == s))
            .unwrap_or(0);
        (group, status)
    };
    out.sort_by_key(|f| rank(f));
    out.into_iter().map(|f| (f.key.clone(), f.label.clone())).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cycles::model::sample_cycle;

    fn value(figures: &[Figure], key: &str) -> Value {
        figures.iter().find(|f| f.key == key).map(|f| f.value.clone()).unwrap_or_else(|| panic!("no {key}"))
    }

    fn raw() -> Raw {
        Raw {
            fee_income: Some(Decimal::from(100_000_000)),
            fee_rate: Decimal::new(3, 2),
            fee_budget: Some(Decimal::from(1_000_000)),
            fee_allocated: Decimal::from(300_000),
            fee_paid: Decimal::from(125_000),
            projects: vec![("filed".into(), 2), ("accepted".into(), 1)],
            training: vec![("一线班组长".into(), 4, 5, 3)],
            statistics: Some((150, 100_000)),
            base_statistics: Some((200, 100_000)),
            ..Raw::default()
        }
    }

    #[test]
    fn the_fee_follows_the_fees_own_rules() {
        let f = compute(&raw(), 2026, &sample_cycle());
        assert_eq!(value(&f, "fee_cap"), Value::Money(Decimal::from(3_000_000)));
        assert_eq!(value(&f, "fee_budget"), Value::Money(Decimal::from(1_000_000)));
        assert_eq!(value(&f, "fee_execution").shown(), "12.5%");
        assert_eq!(value(&f, "fee_income").shown(), "10,000.00");
        let without = compute(&Raw { fee_income: None, fee_budget: None, ..raw() }, 2026, &sample_cycle());
        assert_eq!(value(&without, "fee_cap"), Value::Missing);
        assert_eq!(value(&without, "fee_execution").shown(), "—");
    }

    #[test]
    fn projects_by_status_leave_out_drafts_and_empty_statuses() {
        let f =
            compute(&Raw { projects: vec![("draft".into(), 3), ("filed".into(), 2)], ..raw() }, 2026, &sample_cycle());
        assert_eq!(value(&f, "projects.filed"), Value::Count(2));
        assert!(!f.iter().any(|x| x.key == "projects.draft" || x.key == "projects.accepted"));
        let none = compute(&Raw { projects: Vec::new(), ..raw() }, 2026, &sample_cycle());
        assert_eq!(value(&none, "projects.none"), Value::Count(0));
    }

    #[test]
    fn coverage_is_capped_per_category_and_summed() {
        let f = compute(&raw(), 2026, &sample_cycle());
        assert_eq!(value(&f, "training.一线班组长.capped"), Value::Count(3));
        assert_eq!(value(&f, "training.一线班组长.rate").shown(), "75.0%");
        assert_eq!(value(&f, "training.required"), Value::Count(4));
        assert!(!f.iter().any(|x| x.key.starts_with("training.主要负责人")), "a category nobody is required in");
    }

    #[test]
    fn the_accident_rate_against_the_cycles_target() {
        // 2026 is k = 1 of the 2026–2030 cycle (10%): 2.00‰ × 0.98 = 1.96‰.
        let f = compute(&raw(), 2026, &sample_cycle());
        assert_eq!(value(&f, "accident_rate").shown(), "1.50‰");
        assert_eq!(value(&f, "accident_target").shown(), "1.96‰");
        assert_eq!(value(&f, "accident_on_track"), Value::Text("达到目标".into()));
        let worse = compute(&Raw { statistics: Some((197, 100_000)), ..raw() }, 2026, &sample_cycle());
        assert_eq!(value(&worse, "accident_on_track"), Value::Text("未达到目标".into()));
        let unknown = compute(&Raw { base_statistics: None, ..raw() }, 2026, &sample_cycle());
        assert_eq!(value(&unknown, "accident_target"), Value::Missing);
    }

    #[test]
    fn drift_names_what_changed_and_what_appeared_since() {
        let frozen = compute(&raw(), 2026, &sample_cycle());
        assert!(drift(&frozen, &frozen).is_empty());
        let live = compute(
            &Raw { meetings: 4, projects: vec![("filed".into(), 2), ("in_progress".into(), 1)], ..raw() },
            2026,
            &sample_cycle(),
        );
        let d = drift(&frozen, &live);
        let keys: Vec<&str> = d.iter().map(|d| d.key.as_str()).collect();
        assert_eq!(keys, vec!["meetings", "projects.accepted", "projects.in_progress"]);
        assert_eq!(d[0].live, "4");
        assert_eq!(d[1].live, "0", "a status no application is in any more counts as none");
    }

    #[test]
    fn the_union_of_regions_keys_keeps_the_reports_order() {
        let a = compute(&Raw { projects: vec![("filed".into(), 1)], ..raw() }, 2026, &sample_cycle());
        let b = compute(&Raw { projects: vec![("submitted".into(), 1)], ..raw() }, 2026, &sample_cycle());
        let keys: Vec<String> = union_keys([a.as_slice(), b.as_slice()]).into_iter().map(|(k, _)| k).collect();
        let at = |k: &str| keys.iter().position(|x| x == k).unwrap();
        // 待初审 comes before 已备案 in the workflow, whichever region listed it first.
        assert!(at("fee_execution") < at("projects.submitted") && at("projects.submitted") < at("projects.filed"));
        assert!(at("projects.filed") < at("training.required"));
        assert_eq!(keys.len(), a.len() + 1);
    }

    #[test]
    fn links_name_the_region_for_the_province_and_the_own_folder_for_notices() {
        let mut c = LinkContext {
            region_code: "210100",
            year: 2026,
            cycle_first_year: 2026,
            province_view: false,
            own_region: true,
            plan: Some(7),
            roster: None,
        };
        assert_eq!(link("meetings", &c).as_deref(), Some("/meetings?year=2026"));
        assert_eq!(link("notices", &c).as_deref(), Some("/notices?folder=issued&state=issued&year=2026"));
        assert_eq!(link("plan_status", &c).as_deref(), Some("/plans/7"));
        assert_eq!(link("projects.filed", &c).as_deref(), Some("/projects?year=2026&status=filed"));
        c.province_view = true;
        c.own_region = false;
        assert_eq!(link("findings_overdue", &c).as_deref(), Some("/findings?year=2026&status=overdue&region=210100"));
        assert_eq!(link("notices", &c).as_deref(), Some("/notices?folder=all&year=2026&region=210100"));
        assert!(link("training.一线班组长.rate", &c).unwrap().contains("category=%E4%B8%80"));
        c.province_view = false;
        assert_eq!(link("notices", &c), None, "a partner has no folder of the region's notices");
    }
}
