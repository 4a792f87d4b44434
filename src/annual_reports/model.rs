//! The annual progress report (年度计划落实情况报告): its statuses and workflow as data, who may do
//! what, the narrative form, the due day and the late mark, where a region stands on the
//! province's overview, and the frozen snapshot. Pure: no clock, no SQL.

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDate, Utc};
use serde::Deserialize;

use super::figures::Figure;
use crate::auth::Actor;
use crate::cycles::Cycle;
use crate::org::{Region, RegionLevel, Role};
use crate::values::{Text, Version};
use crate::web::deadline;
use crate::web::form::{FieldErrors, FormParser};
use crate::workflow::versions::{Row, Snapshot};
use crate::workflow::{Problem, Transition};

id_type!(
    /// A region's annual report of one year.
    pub ReportId
);

/// The record kind in the shared history and versions.
pub const KIND: &str = "annual_report";

/// The longest narrative section, in characters.
pub const SECTION_MAX: usize = 5000;

labelled_enum! {
    pub enum ReportStatus {
        Draft => ("draft", "草稿"),
        Submitted => ("submitted", "已报送"),
        Returned => ("returned", "已退回"),
        Accepted => ("accepted", "已审核通过"),
    }
}

labelled_enum! {
    pub enum ReportAction {
        Submit => ("submit", "报送"),
        Accept => ("accept", "审核通过"),
        Return => ("return", "退回"),
    }
}

use ReportAction as A;
use ReportStatus as S;

/// A city's report: the city bureau submits it; a province officer accepts it or returns it
/// with comments, and a returned report is revised and submitted again.
pub const CITY_TRANSITIONS: &[Transition<ReportStatus, ReportAction>] = &[
    Transition {
        from: &[S::Draft, S::Returned],
        action: A::Submit,
        to: S::Submitted,
        roles: &[Role::CityOfficer],
        comment_required: false,
        not_by_whoever_took: None,
    },
    Transition {
        from: &[S::Submitted],
        action: A::Accept,
        to: S::Accepted,
        roles: &[Role::ProvinceOfficer],
        comment_required: false,
        not_by_whoever_took: None,
    },
    Transition {
        from: &[S::Submitted],
        action: A::Return,
        to: S::Returned,
        roles: &[Role::ProvinceOfficer],
        comment_required: true,
        not_by_whoever_took: None,
    },
];

/// 省本级's report: written and submitted by one province officer, accepted or returned by
/// another (four eyes).
pub const PROVINCE_TRANSITIONS: &[Transition<ReportStatus, ReportAction>] = &[
    Transition {
        from: &[S::Draft, S::Returned],
        action: A::Submit,
        to: S::Submitted,
        roles: &[Role::ProvinceOfficer],
        comment_required: false,
        not_by_whoever_took: None,
    },
    Transition {
        from: &[S::Submitted],
        action: A::Accept,
        to: S::Accepted,
        roles: &[Role::ProvinceOfficer],
        comment_required: false,
        not_by_whoever_took: Some(A::Submit),
    },
    Transition {
        from: &[S::Submitted],
        action: A::Return,
        to: S::Returned,
        roles: &[Role::ProvinceOfficer],
        comment_required: true,
        not_by_whoever_took: Some(A::Submit),
    },
];

/// The transitions of a report of a region of `level`.
pub fn transitions(level: RegionLevel) -> &'static [Transition<ReportStatus, ReportAction>] {
    match level {
        RegionLevel::City => CITY_TRANSITIONS,
        RegionLevel::Province => PROVINCE_TRANSITIONS,
    }
}

impl ReportStatus {
    /// The report may still be edited, and its figures are live.
    pub fn is_open(self) -> bool {
        matches!(self, S::Draft | S::Returned)
    }
}

/// A report with its narrative and, once submitted, its frozen figures.
#[derive(Clone, Debug)]
pub struct Report {
    pub id: ReportId,
    pub region: Region,
    pub year: i32,
    pub status: ReportStatus,
    pub document_number: String,
    /// Task key → text.
    pub sections: BTreeMap<String, String>,
    pub problems: String,
    pub next_year: String,
    pub figures: Option<Vec<Figure>>,
    pub figures_at: Option<DateTime<Utc>>,
    pub first_submitted_at: Option<DateTime<Utc>>,
    pub last_submitted_at: Option<DateTime<Utc>>,
    pub late: bool,
    pub decided_at: Option<DateTime<Utc>>,
    pub version: i32,
    pub updated_at: DateTime<Utc>,
}

/// The day a year's report is due: the cycle's annual day in that year (12-15).
pub fn due_on(cycle: &Cycle, year: i32) -> Option<NaiveDate> {
    cycle.annual_report_due.in_year(year)
}

/// Whether a submission at `at` is late: after the due day has ended in Asia/Shanghai (before
/// 16 December 00:00 is in time). A resubmission after a return keeps the first one's mark.
pub fn is_late(cycle: &Cycle, year: i32, at: DateTime<Utc>) -> bool {
    due_on(cycle, year).is_some_and(|due| deadline::is_late(due, at))
}

/// The cycle a report year belongs to.
pub fn cycle_of(cycles: &[Cycle], year: i32) -> Option<&Cycle> {
    cycles.iter().find(|c| c.contains_year(year))
}

/// Who writes a region's report: its city bureau for a city, a province officer for 省本级.
pub fn may_write(actor: &Actor, region: &Region) -> bool {
    let own = actor.region.as_ref().is_some_and(|r| r.id == region.id);
    match (actor.role, region.level) {
        (Role::CityOfficer, RegionLevel::City) => own,
        (Role::ProvinceOfficer, RegionLevel::Province) => own,
        _ => false,
    }
}

/// Whether the actor may edit this report now.
pub fn may_edit(actor: &Actor, report: &Report) -> bool {
    report.status.is_open() && may_write(actor, &report.region)
}

/// Whether the actor may read this report (found in their scope): the region's writers and
/// the province always; partner and agency officers once it has been submitted (a returned
/// report is back with its writers).
pub fn may_read(actor: &Actor, report: &Report) -> bool {
    match actor.role {
        Role::ProvinceOfficer | Role::CityOfficer => true,
        Role::PartnerOfficer | Role::AgencyOfficer => matches!(report.status, S::Submitted | S::Accepted),
        _ => false,
    }
}

/// Where a region stands with its report of a year, as the province's overview shows it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Standing {
    NotStarted,
    At(ReportStatus),
}

impl Standing {
    pub fn label(self) -> &'static str {
        match self {
            Standing::NotStarted => "未开始",
            Standing::At(s) => s.label(),
        }
    }

    /// The filter value the overview uses.
    pub fn key(self) -> &'static str {
        match self {
            Standing::NotStarted => "not_started",
            Standing::At(s) => s.as_str(),
        }
    }
}

/// The narrative form: the document number, one section per task of the cycle (posted as
/// `task` keys beside `section` texts, in the cycle's order), problems and next year's work.
#[derive(Clone, Debug, Default, Deserialize)]
pub struct ReportForm {
    #[serde(default)]
    pub document_number: String,
    #[serde(default)]
    pub task: Vec<String>,
    #[serde(default)]
    pub section: Vec<String>,
    #[serde(default)]
    pub problems: String,
    #[serde(default)]
    pub next_year: String,
    #[serde(default)]
    pub version: String,
}

/// The narrative as saved.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReportInput {
    pub document_number: String,
    pub sections: BTreeMap<String, String>,
    pub problems: String,
    pub next_year: String,
}

/// The field name of the section of the cycle's `i`-th task (the page's anchors and messages).
pub const SECTION_FIELDS: [&str; 20] = [
    "section_0",
    "section_1",
    "section_2",
    "section_3",
    "section_4",
    "section_5",
    "section_6",
    "section_7",
    "section_8",
    "section_9",
    "section_10",
    "section_11",
    "section_12",
    "section_13",
    "section_14",
    "section_15",
    "section_16",
    "section_17",
    "section_18",
    "section_19",
];

impl ReportForm {
    /// The form as a saved report shows it.
    pub fn of(report: &Report, cycle: &Cycle) -> ReportForm {
        ReportForm {
            document_number: report.document_number.clone(),
            task: cycle.tasks.iter().map(|t| t.key.clone()).collect(),
            section: cycle.tasks.iter().map(|t| report.sections.get(&t.key).cloned().unwrap_or_default()).collect(),
            problems: report.problems.clone(),
            next_year: report.next_year.clone(),
            version: report.version.to_string(),
        }
    }

    /// The text posted for a task (empty if none).
    pub fn section_of(&self, key: &str) -> &str {
        self.task.iter().position(|k| k == key).and_then(|i| self.section.get(i)).map_or("", String::as_str)
    }

    /// Checks the form against the cycle's tasks: every section at most 5,000 characters; a
    /// section for a task the cycle lacks is dropped. Drafts may leave sections empty.
    pub fn parse(&self, cycle: &Cycle) -> Result<(ReportInput, Version), FieldErrors> {
        let mut p = FormParser::default();
        let document_number = p.value::<Text<100>>("document_number", &self.document_number);
        let mut sections = BTreeMap::new();
        for (i, task) in cycle.tasks.iter().enumerate() {
            let text = self.section_of(&task.key).trim();
            let field = SECTION_FIELDS.get(i).copied().unwrap_or("sections");
            if text.chars().count() > SECTION_MAX {
                p.check(field, false, format!("「{}」不能超过 {SECTION_MAX} 个字符", task.title));
            } else if !text.is_empty() {
                sections.insert(task.key.clone(), text.to_string());
            }
        }
        let problems = p.value::<Text<5000>>("problems", &self.problems);
        let next_year = p.value::<Text<5000>>("next_year", &self.next_year);
        let version = p.value::<Version>("version", &self.version);
        p.finish(|| {
            Some((
                ReportInput {
                    document_number: document_number?.into_string(),
                    sections,
                    problems: problems?.into_string(),
                    next_year: next_year?.into_string(),
                },
                version?,
            ))
        })
    }
}

/// What a submission lacks: a section for every task of the cycle, problems met and next
/// year's work.
pub fn submission_problems(report: &Report, cycle: &Cycle) -> Vec<Problem> {
    let mut problems = Vec::new();
    for (i, task) in cycle.tasks.iter().enumerate() {
        if report.sections.get(&task.key).is_none_or(|t| t.trim().is_empty()) {
            let field = SECTION_FIELDS.get(i).copied().unwrap_or("sections");
            problems.push(Problem::at(field, format!("请填写「{}」的落实情况", task.title)));
        }
    }
    if report.problems.trim().is_empty() {
        problems.push(Problem::at("problems", "请填写存在的问题"));
    }
    if report.next_year.trim().is_empty() {
        problems.push(Problem::at("next_year", "请填写下一年度工作打算"));
    }
    problems
}

/// The report as frozen at a submission: its narrative by task, and its figures.
pub fn snapshot(report: &Report, cycle: &Cycle, figures: &[Figure]) -> Snapshot {
    let mut s = Snapshot::new(1).field("document_number", "文号", &report.document_number);
    for task in &cycle.tasks {
        let text = report.sections.get(&task.key).map_or("", String::as_str);
        s = s.field(&format!("section.{}", task.key), &task.title, text);
    }
    s = s.field("problems", "存在的问题", &report.problems).field("next_year", "下一年度工作打算", &report.next_year);
    let rows = figures
        .iter()
        .map(|f| Row { key: f.key.clone(), cells: vec![f.group.label().to_string(), f.label.clone(), f.value.shown()] })
        .collect();
    s.table("figures", "数据", &["类别", "指标", "数值"], rows)
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;
    use crate::cycles::model::sample_cycle;
    use crate::workflow::{PastStep, Refusal, decide};

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn due_on_the_cycles_annual_day_and_late_from_the_next_midnight_in_shanghai() {
        let cycle = sample_cycle();
        assert_eq!(due_on(&cycle, 2026), Some(day(2026, 12, 15)));
        // 2026-12-15 23:59:59 in Shanghai is 15:59:59 UTC; 16 December 00:00 is 16:00 UTC.
        let last_second = Utc.with_ymd_and_hms(2026, 12, 15, 15, 59, 59).unwrap();
        let midnight = Utc.with_ymd_and_hms(2026, 12, 15, 16, 0, 0).unwrap();
        assert!(!is_late(&cycle, 2026, last_second));
        assert!(is_late(&cycle, 2026, midnight));
        assert!(!is_late(&cycle, 2026, Utc.with_ymd_and_hms(2026, 3, 1, 0, 0, 0).unwrap()));
    }

    #[test]
    fn a_city_submits_and_the_province_accepts_or_returns_with_a_reason() {
        let me = crate::org::AccountId(1);
        let t = CITY_TRANSITIONS;
        assert_eq!(decide(t, S::Draft, A::Submit, Role::CityOfficer, me, "", &[]), Ok(S::Submitted));
        assert_eq!(decide(t, S::Returned, A::Submit, Role::CityOfficer, me, "", &[]), Ok(S::Submitted));
        assert_eq!(decide(t, S::Draft, A::Submit, Role::PartnerOfficer, me, "", &[]), Err(Refusal::Role));
        assert_eq!(decide(t, S::Submitted, A::Accept, Role::CityOfficer, me, "", &[]), Err(Refusal::Role));
        assert_eq!(decide(t, S::Submitted, A::Accept, Role::ProvinceOfficer, me, "", &[]), Ok(S::Accepted));
        assert_eq!(
            decide(t, S::Submitted, A::Return, Role::ProvinceOfficer, me, " ", &[]),
            Err(Refusal::CommentRequired)
        );
        assert_eq!(decide(t, S::Submitted, A::Return, Role::ProvinceOfficer, me, "补充数据", &[]), Ok(S::Returned));
        assert_eq!(decide(t, S::Accepted, A::Return, Role::ProvinceOfficer, me, "补充", &[]), Err(Refusal::State));
    }

    #[test]
    fn the_provinces_own_report_is_accepted_by_another_officer() {
        let (writer, other) = (crate::org::AccountId(1), crate::org::AccountId(2));
        let past = [PastStep { action: A::Submit, by: writer }];
        let t = PROVINCE_TRANSITIONS;
        assert_eq!(
            decide(t, S::Submitted, A::Accept, Role::ProvinceOfficer, writer, "", &past),
            Err(Refusal::SameActor)
        );
        assert_eq!(
            decide(t, S::Submitted, A::Return, Role::ProvinceOfficer, writer, "改", &past),
            Err(Refusal::SameActor)
        );
        assert_eq!(decide(t, S::Submitted, A::Accept, Role::ProvinceOfficer, other, "", &past), Ok(S::Accepted));
    }

    fn report(cycle: &Cycle) -> Report {
        Report {
            id: ReportId(1),
            region: Region {
                id: crate::org::RegionId(2),
                code: "210100".into(),
                name: "沈阳市".into(),
                level: RegionLevel::City,
            },
            year: 2026,
            status: S::Draft,
            document_number: String::new(),
            sections: cycle.tasks.iter().map(|t| (t.key.clone(), "已落实".to_string())).collect(),
            problems: "无".into(),
            next_year: "继续".into(),
            figures: None,
            figures_at: None,
            first_submitted_at: None,
            last_submitted_at: None,
            late: false,
            decided_at: None,
            version: 1,
            updated_at: Utc::now(),
        }
    }

    #[test]
    fn a_submission_needs_every_tasks_section_problems_and_next_years_work() {
        let cycle = sample_cycle();
        assert!(!cycle.tasks.is_empty(), "the sample cycle has tasks");
        let mut r = report(&cycle);
        assert!(submission_problems(&r, &cycle).is_empty());
        r.sections.remove(&cycle.tasks[0].key);
        r.problems = "  ".into();
        let problems = submission_problems(&r, &cycle);
        assert_eq!(problems.len(), 2);
        assert_eq!(problems[0].field, Some("section_0"));
        assert!(problems[0].message.contains(&cycle.tasks[0].title));
        assert_eq!(problems[1].field, Some("problems"));
    }

    #[test]
    fn the_form_keeps_sections_of_the_cycles_tasks_within_their_length() {
        let cycle = sample_cycle();
        let first = cycle.tasks[0].key.clone();
        let form = ReportForm {
            task: vec![first.clone(), "no_such_task".into()],
            section: vec!["  做了  ".into(), "丢弃".into()],
            version: "3".into(),
            ..Default::default()
        };
        let (input, version) = form.parse(&cycle).unwrap();
        assert_eq!(version, Version(3));
        assert_eq!(input.sections.len(), 1);
        assert_eq!(input.sections.get(&first).map(String::as_str), Some("做了"));
        let long = ReportForm {
            task: vec![first],
            section: vec!["字".repeat(SECTION_MAX + 1)],
            version: "1".into(),
            ..Default::default()
        };
        let errors = long.parse(&cycle).unwrap_err();
        assert!(errors.get("section_0").is_some_and(|m| m.contains("5000")));
    }

    #[test]
    fn partners_and_the_agency_read_a_report_only_once_submitted() {
        let cycle = sample_cycle();
        let mut r = report(&cycle);
        let actor = |role| Actor {
            account_id: crate::org::AccountId(5),
            username: String::new(),
            display_name: String::new(),
            role,
            region: Some(r.region.clone()),
            department: None,
        };
        let (partner, city) = (actor(Role::PartnerOfficer), actor(Role::CityOfficer));
        assert!(!may_read(&partner, &r));
        assert!(may_read(&city, &r));
        r.status = S::Submitted;
        assert!(may_read(&partner, &r));
        r.status = S::Returned;
        assert!(!may_read(&partner, &r));
        assert!(may_edit(&city, &r));
        assert!(!may_edit(&partner, &r));
    }
}
