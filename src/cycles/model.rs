//! Five-year plan cycles: their types, which one a page shows, and the province officer's
//! edit form.

use chrono::{Datelike, NaiveDate};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::org::DepartmentKind;
use crate::values::{Date, Percent, Text, ValueError, Version};
use crate::web::form::{FieldErrors, FormParser};

id_type!(
    /// A five-year cycle (五年行动计划周期).
    pub CycleId
);

id_type!(
    /// One task of a cycle (the ten tasks of the seed).
    pub CycleTaskId
);

/// A cycle with everything pages show of it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Cycle {
    pub id: CycleId,
    pub first_year: i32,
    pub last_year: i32,
    pub name: String,
    pub national_document: String,
    pub provincial_document: String,
    pub headline_target: String,
    pub accident_rate_reduction_percent: Decimal,
    pub training_target: String,
    pub training_coverage_due: NaiveDate,
    pub key_positions: Vec<String>,
    /// The positions only platform employers (平台企业) count, such as 即时配送等新就业形态劳动者.
    pub platform_positions: Vec<String>,
    /// The training coverage the cycle aims at by `training_coverage_due` (100: 全覆盖).
    pub coverage_target_percent: Decimal,
    pub plan_filing_due: NaiveDate,
    pub annual_report_due: MonthDay,
    /// The departments of the joint mechanism, HRSS first.
    pub departments: Vec<DepartmentKind>,
    pub tasks: Vec<CycleTask>,
    pub version: i32,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct CycleTask {
    pub id: CycleTaskId,
    pub key: String,
    pub title: String,
    pub summary: String,
}

/// A yearly day (the annual report's 12-15).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct MonthDay {
    pub month: u32,
    pub day: u32,
}

impl MonthDay {
    pub fn parse(raw: &str) -> Result<MonthDay, ValueError> {
        let message = ValueError::new("请按 月-日 填写，如 12-15");
        let (m, d) = raw.trim().split_once('-').ok_or(message.clone())?;
        let (month, day) =
            (m.trim().parse().map_err(|_| message.clone())?, d.trim().parse().map_err(|_| message.clone())?);
        // 2024 is a leap year, so 02-29 is accepted.
        NaiveDate::from_ymd_opt(2024, month, day).ok_or(message)?;
        Ok(MonthDay { month, day })
    }

    /// The day in `year` (28 February for a 29 February deadline in a common year).
    pub fn in_year(self, year: i32) -> Option<NaiveDate> {
        NaiveDate::from_ymd_opt(year, self.month, self.day).or_else(|| NaiveDate::from_ymd_opt(year, self.month, 28))
    }
}

impl std::fmt::Display for MonthDay {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}月{}日", self.month, self.day)
    }
}

impl Cycle {
    pub fn contains_year(&self, year: i32) -> bool {
        (self.first_year..=self.last_year).contains(&year)
    }

    /// `2021—2025年`.
    pub fn years(&self) -> String {
        format!("{}—{}年", self.first_year, self.last_year)
    }

    pub fn task(&self, id: CycleTaskId) -> Option<&CycleTask> {
        self.tasks.iter().find(|t| t.id == id)
    }
}

/// The cycle running on `today` (Asia/Shanghai calendar date), if any.
pub fn current(cycles: &[Cycle], today: NaiveDate) -> Option<&Cycle> {
    cycles.iter().find(|c| c.contains_year(today.year()))
}

/// The departments of the joint mechanism on `day`: those of the cycle that day falls in (the
/// latest cycle's for a day outside every cycle). Meetings, inspections and publicity name
/// departments from it.
pub fn departments_on(cycles: &[Cycle], day: NaiveDate) -> Vec<DepartmentKind> {
    current(cycles, day)
        .or_else(|| cycles.iter().max_by_key(|c| c.first_year))
        .map(|c| c.departments.clone())
        .unwrap_or_default()
}

/// The cycle a page shows: the one asked for (by its first year) if it exists, else the one
/// running today, else the latest.
pub fn pick(cycles: &[Cycle], asked: Option<i32>, today: NaiveDate) -> Option<&Cycle> {
    asked
        .and_then(|year| cycles.iter().find(|c| c.first_year == year))
        .or_else(|| current(cycles, today))
        .or_else(|| cycles.last())
}

/// The province officer's edit of a cycle, as submitted. Tasks are repeated rows: a row's id is
/// empty for a new task; a row left without a title is removed.
#[derive(Clone, Debug, Default, Deserialize)]
pub struct CycleForm {
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub national_document: String,
    #[serde(default)]
    pub provincial_document: String,
    #[serde(default)]
    pub headline_target: String,
    #[serde(default)]
    pub accident_rate_reduction_percent: String,
    #[serde(default)]
    pub training_target: String,
    #[serde(default)]
    pub training_coverage_due: String,
    #[serde(default)]
    pub key_positions: String,
    #[serde(default)]
    pub platform_positions: String,
    #[serde(default)]
    pub coverage_target_percent: String,
    #[serde(default)]
    pub plan_filing_due: String,
    #[serde(default)]
    pub annual_report_due: String,
    #[serde(default)]
    pub department: Vec<String>,
    #[serde(default)]
    pub task_id: Vec<String>,
    #[serde(default)]
    pub task_title: Vec<String>,
    #[serde(default)]
    pub task_summary: Vec<String>,
    #[serde(default)]
    pub version: String,
}

/// The checked cycle edit.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct CycleInput {
    pub name: Text<100>,
    pub national_document: Text<100>,
    pub provincial_document: Text<100>,
    pub headline_target: Text<200>,
    pub accident_rate_reduction_percent: Percent,
    pub training_target: Text<200>,
    pub training_coverage_due: Date,
    pub key_positions: Vec<String>,
    pub platform_positions: Vec<String>,
    pub coverage_target_percent: Percent,
    pub plan_filing_due: Date,
    pub annual_report_due: MonthDay,
    pub departments: Vec<DepartmentKind>,
    pub tasks: Vec<TaskInput>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct TaskInput {
    /// An existing task, or a new one.
    pub id: Option<CycleTaskId>,
    pub title: Text<100>,
    pub summary: Text<1000>,
}

impl crate::values::FieldValue for MonthDay {
    fn parse_field(input: &str) -> Result<Self, ValueError> {
        MonthDay::parse(input)
    }
}

impl From<&Cycle> for CycleForm {
    fn from(c: &Cycle) -> Self {
        CycleForm {
            name: c.name.clone(),
            national_document: c.national_document.clone(),
            provincial_document: c.provincial_document.clone(),
            headline_target: c.headline_target.clone(),
            accident_rate_reduction_percent: c.accident_rate_reduction_percent.normalize().to_string(),
            training_target: c.training_target.clone(),
            training_coverage_due: c.training_coverage_due.to_string(),
            key_positions: c.key_positions.join("\n"),
            platform_positions: c.platform_positions.join("\n"),
            coverage_target_percent: c.coverage_target_percent.normalize().to_string(),
            plan_filing_due: c.plan_filing_due.to_string(),
            annual_report_due: format!("{:02}-{:02}", c.annual_report_due.month, c.annual_report_due.day),
            department: c.departments.iter().map(|d| d.as_str().to_string()).collect(),
            task_id: c.tasks.iter().map(|t| t.id.to_string()).collect(),
            task_title: c.tasks.iter().map(|t| t.title.clone()).collect(),
            task_summary: c.tasks.iter().map(|t| t.summary.clone()).collect(),
            version: c.version.to_string(),
        }
    }
}

impl CycleForm {
    pub fn parse(&self) -> Result<(CycleInput, Version), FieldErrors> {
        let mut p = FormParser::default();
        let name = p.required::<Text<100>>("name", &self.name);
        let national_document = p.value::<Text<100>>("national_document", &self.national_document);
        let provincial_document = p.value::<Text<100>>("provincial_document", &self.provincial_document);
        let headline_target = p.value::<Text<200>>("headline_target", &self.headline_target);
        let percent = p.required::<Percent>("accident_rate_reduction_percent", &self.accident_rate_reduction_percent);
        let training_target = p.value::<Text<200>>("training_target", &self.training_target);
        let training_coverage_due = p.required::<Date>("training_coverage_due", &self.training_coverage_due);
        let plan_filing_due = p.required::<Date>("plan_filing_due", &self.plan_filing_due);
        let annual_report_due = p.required::<MonthDay>("annual_report_due", &self.annual_report_due);
        let lines = |raw: &str| -> Vec<String> {
            raw.lines().map(|l| l.trim().to_string()).filter(|l| !l.is_empty()).collect()
        };
        let key_positions = lines(&self.key_positions);
        p.check(
            "key_positions",
            key_positions.iter().all(|k| k.chars().count() <= 50) && key_positions.len() <= 20,
            "每行一个岗位，每个不超过 50 个字符，最多 20 个",
        );
        let platform_positions = lines(&self.platform_positions);
        p.check(
            "platform_positions",
            platform_positions.iter().all(|k| k.chars().count() <= 50 && !key_positions.contains(k))
                && platform_positions.len() <= 5,
            "每行一个岗位，每个不超过 50 个字符，最多 5 个，不与重点岗位重复",
        );
        let coverage_target = p.required::<Percent>("coverage_target_percent", &self.coverage_target_percent);
        if let Some(t) = &coverage_target {
            p.check("coverage_target_percent", t.value() > Decimal::ZERO, "培训覆盖率目标应大于 0%");
        }
        let mut departments = vec![DepartmentKind::Hrss];
        for raw in &self.department {
            match DepartmentKind::parse(raw.trim()) {
                Some(kind) if kind.is_partner() && !departments.contains(&kind) => departments.push(kind),
                Some(_) => {}
                None => p.check("department", false, "请从列表中选择成员单位"),
            }
        }
        p.check("department", departments.len() > 1, "请至少选择一个成员单位");
        let tasks = parse_tasks(&mut p, &self.task_id, &self.task_title, &self.task_summary);
        let version = p.value::<Version>("version", &self.version);
        p.finish(|| {
            Some((
                CycleInput {
                    name: name?,
                    national_document: national_document?,
                    provincial_document: provincial_document?,
                    headline_target: headline_target?,
                    accident_rate_reduction_percent: percent?,
                    training_target: training_target?,
                    training_coverage_due: training_coverage_due?,
                    key_positions,
                    platform_positions,
                    coverage_target_percent: coverage_target?,
                    plan_filing_due: plan_filing_due?,
                    annual_report_due: annual_report_due?,
                    departments,
                    tasks: tasks?,
                },
                version?,
            ))
        })
    }
}

fn parse_tasks(p: &mut FormParser, ids: &[String], titles: &[String], summaries: &[String]) -> Option<Vec<TaskInput>> {
    let mut tasks = Vec::new();
    let mut ok = true;
    for (i, title) in titles.iter().enumerate() {
        let summary = summaries.get(i).map(String::as_str).unwrap_or("");
        if title.trim().is_empty() {
            // A row left without a title: removed (or never used).
            if !summary.trim().is_empty() {
                p.check("tasks", false, "填写了说明的任务必须有名称");
                ok = false;
            }
            continue;
        }
        let id = ids.get(i).map(|s| s.trim()).filter(|s| !s.is_empty()).map(|s| s.parse::<i64>().map(CycleTaskId));
        let id = match id {
            None => None,
            Some(Ok(id)) => Some(id),
            Some(Err(_)) => {
                p.check("tasks", false, "表单已损坏，请重新打开编辑页面");
                ok = false;
                continue;
            }
        };
        match (Text::<100>::parse(title), Text::<1000>::parse(summary)) {
            (Ok(title), Ok(summary)) => tasks.push(TaskInput { id, title, summary }),
            _ => {
                p.check("tasks", false, "任务名称不超过 100 个字符，说明不超过 1000 个字符");
                ok = false;
            }
        }
    }
    p.check("tasks", !tasks.is_empty(), "请至少填写一项任务");
    (ok && !tasks.is_empty()).then_some(tasks)
}

/// A cycle of 2026–2030 with two tasks and two key positions, for other modules' unit tests.
#[cfg(test)]
pub fn sample_cycle() -> Cycle {
    Cycle {
        id: CycleId(2),
        first_year: 2026,
        last_year: 2030,
        name: "2026—2030年".into(),
        national_document: String::new(),
        provincial_document: String::new(),
        headline_target: String::new(),
        accident_rate_reduction_percent: Decimal::from(10),
        training_target: String::new(),
        training_coverage_due: NaiveDate::from_ymd_opt(2030, 12, 31).unwrap_or_default(),
        key_positions: vec!["主要负责人".into(), "一线班组长".into()],
        platform_positions: Vec::new(),
        coverage_target_percent: Decimal::from(100),
        plan_filing_due: NaiveDate::from_ymd_opt(2026, 6, 30).unwrap_or_default(),
        annual_report_due: MonthDay { month: 12, day: 15 },
        departments: vec![DepartmentKind::Hrss],
        tasks: vec![
            CycleTask {
                id: CycleTaskId(21), key: "plan".into(), title: "制定实施方案".into(), summary: String::new()
            },
            CycleTask {
                id: CycleTaskId(22),
                key: "training".into(),
                title: "开展重点岗位培训".into(),
                summary: String::new(),
            },
        ],
        version: 1,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cycle(first: i32) -> Cycle {
        Cycle {
            id: CycleId(first as i64),
            first_year: first,
            last_year: first + 4,
            name: String::new(),
            national_document: String::new(),
            provincial_document: String::new(),
            headline_target: String::new(),
            accident_rate_reduction_percent: Decimal::from(20),
            training_target: String::new(),
            training_coverage_due: NaiveDate::from_ymd_opt(first + 4, 12, 31).unwrap(),
            key_positions: Vec::new(),
            platform_positions: Vec::new(),
            coverage_target_percent: rust_decimal::Decimal::from(100),
            plan_filing_due: NaiveDate::from_ymd_opt(first, 6, 30).unwrap(),
            annual_report_due: MonthDay { month: 12, day: 15 },
            departments: vec![DepartmentKind::Hrss],
            tasks: Vec::new(),
            version: 1,
        }
    }

    #[test]
    fn pages_default_to_the_cycle_of_today() {
        let cycles = [cycle(2021), cycle(2026)];
        let day = |y| NaiveDate::from_ymd_opt(y, 11, 29).unwrap();
        assert_eq!(current(&cycles, day(2025)).map(|c| c.first_year), Some(2021));
        assert_eq!(pick(&cycles, None, day(2026)).map(|c| c.first_year), Some(2026));
        assert_eq!(pick(&cycles, Some(2021), day(2026)).map(|c| c.first_year), Some(2021), "another on request");
        assert_eq!(pick(&cycles, Some(1999), day(2026)).map(|c| c.first_year), Some(2026), "unknown: today's");
        assert_eq!(pick(&cycles, None, day(2031)).map(|c| c.first_year), Some(2026), "after all: the latest");
        assert_eq!(current(&cycles, day(2031)), None);
    }

    #[test]
    fn month_days() {
        assert_eq!(MonthDay::parse("12-15").unwrap().to_string(), "12月15日");
        assert!(MonthDay::parse("02-30").is_err());
        assert_eq!(MonthDay { month: 2, day: 29 }.in_year(2026), NaiveDate::from_ymd_opt(2026, 2, 28));
    }

    #[test]
    fn the_edit_form_keeps_hrss_and_drops_empty_task_rows() {
        let form = CycleForm {
            name: "周期".into(),
            accident_rate_reduction_percent: "10".into(),
            training_coverage_due: "2030-12-31".into(),
            plan_filing_due: "2026-06-30".into(),
            annual_report_due: "12-15".into(),
            key_positions: "主要负责人\n\n一线班组长".into(),
            platform_positions: "即时配送等新就业形态劳动者".into(),
            coverage_target_percent: "100".into(),
            department: vec!["emergency".into(), "hrss".into(), "emergency".into()],
            task_id: vec!["7".into(), String::new(), String::new()],
            task_title: vec!["制定实施方案".into(), "新任务".into(), String::new()],
            task_summary: vec![String::new(), "说明".into(), String::new()],
            version: "1".into(),
            ..Default::default()
        };
        let (input, _) = form.parse().unwrap();
        assert_eq!(input.departments, [DepartmentKind::Hrss, DepartmentKind::Emergency]);
        assert_eq!(input.key_positions, ["主要负责人", "一线班组长"]);
        assert_eq!(input.platform_positions, ["即时配送等新就业形态劳动者"]);
        assert_eq!(input.tasks.len(), 2);
        assert_eq!(input.tasks[0].id, Some(CycleTaskId(7)));
        assert_eq!(input.tasks[1].id, None);

        let bad = CycleForm {
            department: vec![],
            task_title: vec![String::new()],
            task_summary: vec!["孤立说明".into()],
            ..form
        };
        let errors = bad.parse().unwrap_err();
        assert!(errors.get("department").is_some());
        assert!(errors.get("tasks").is_some());
    }
}

/// What the audit log copies of a cycle before and after an edit.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct CycleSnapshot {
    pub name: String,
    pub national_document: String,
    pub provincial_document: String,
    pub headline_target: String,
    pub accident_rate_reduction_percent: String,
    pub training_target: String,
    pub training_coverage_due: String,
    pub key_positions: Vec<String>,
    pub platform_positions: Vec<String>,
    pub coverage_target_percent: String,
    pub plan_filing_due: String,
    pub annual_report_due: String,
    pub departments: Vec<DepartmentKind>,
    pub tasks: Vec<String>,
}

impl From<&Cycle> for CycleSnapshot {
    fn from(c: &Cycle) -> Self {
        CycleSnapshot {
            name: c.name.clone(),
            national_document: c.national_document.clone(),
            provincial_document: c.provincial_document.clone(),
            headline_target: c.headline_target.clone(),
            accident_rate_reduction_percent: c.accident_rate_reduction_percent.normalize().to_string(),
            training_target: c.training_target.clone(),
            training_coverage_due: c.training_coverage_due.to_string(),
            key_positions: c.key_positions.clone(),
            platform_positions: c.platform_positions.clone(),
            coverage_target_percent: c.coverage_target_percent.normalize().to_string(),
            plan_filing_due: c.plan_filing_due.to_string(),
            annual_report_due: c.annual_report_due.to_string(),
            departments: c.departments.clone(),
            tasks: c.tasks.iter().map(|t| t.title.clone()).collect(),
        }
    }
}

impl From<&CycleInput> for CycleSnapshot {
    fn from(c: &CycleInput) -> Self {
        CycleSnapshot {
            name: c.name.to_string(),
            national_document: c.national_document.to_string(),
            provincial_document: c.provincial_document.to_string(),
            headline_target: c.headline_target.to_string(),
            accident_rate_reduction_percent: c.accident_rate_reduction_percent.to_string(),
            training_target: c.training_target.to_string(),
            training_coverage_due: c.training_coverage_due.0.to_string(),
            key_positions: c.key_positions.clone(),
            platform_positions: c.platform_positions.clone(),
            coverage_target_percent: c.coverage_target_percent.to_string(),
            plan_filing_due: c.plan_filing_due.0.to_string(),
            annual_report_due: c.annual_report_due.to_string(),
            departments: c.departments.clone(),
            tasks: c.tasks.iter().map(|t| t.title.to_string()).collect(),
        }
    }
}
