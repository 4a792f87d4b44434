//! Implementation plans (实施方案): their types, their workflow as data, who may do what, the
//! edit form, what a submission needs, the late mark, and the frozen snapshot.

use chrono::{DateTime, NaiveDate, Utc};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::attachments::{ANY_TYPE, Attachment, AttachmentKind, Owner, SIGNED_DOCUMENT_TYPES, missing_required};
use crate::auth::Actor;
use crate::cycles::{Cycle, CycleId, CycleTaskId};
use crate::org::{DepartmentKind, Region, RegionLevel, Role};
use crate::values::{Date, Percent, Text, Version};
use crate::web::deadline;
use crate::web::form::{FieldErrors, FormParser};
use crate::workflow::Transition;
use crate::workflow::versions::{Row, Snapshot};

id_type!(
    /// An implementation plan (实施方案) of one region and cycle.
    pub PlanId
);

/// The record kind in the shared history, versions and attachments.
pub const KIND: &str = "plan";

/// The documents a plan takes: the signed and sealed plan as issued, required before it is
/// submitted, and anything else the region wants the province to see.
pub const ATTACHMENT_KINDS: &[AttachmentKind] = &[
    AttachmentKind {
        key: "signed_document",
        label: "正式印发文件（盖章扫描件）",
        required: true,
        types: SIGNED_DOCUMENT_TYPES,
    },
    AttachmentKind { key: "other", label: "其他材料", required: false, types: ANY_TYPE },
];

labelled_enum! {
    pub enum PlanStatus {
        Draft => ("draft", "草稿"),
        Submitted => ("submitted", "已报备"),
        Returned => ("returned", "已退回"),
        Filed => ("filed", "已备案"),
        Issued => ("issued", "已印发"),
    }
}

labelled_enum! {
    pub enum PlanAction {
        Submit => ("submit", "报备"),
        File => ("file", "备案"),
        Return => ("return", "退回"),
        Issue => ("issue", "印发"),
    }
}

use PlanAction as A;
use PlanStatus as S;

/// A city's plan: the city bureau submits it (报备); the province files it (备案) or returns it
/// with a reason, and a returned plan is edited and submitted again.
pub const CITY_TRANSITIONS: &[Transition<PlanStatus, PlanAction>] = &[
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
        action: A::File,
        to: S::Filed,
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

/// The province's own plan is not filed with itself: a province officer drafts and submits it,
/// and a second province officer issues it (印发) or returns it (four eyes).
pub const PROVINCE_TRANSITIONS: &[Transition<PlanStatus, PlanAction>] = &[
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
        action: A::Issue,
        to: S::Issued,
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

/// The transitions of a plan of a region of `level`.
pub fn transitions(level: RegionLevel) -> &'static [Transition<PlanStatus, PlanAction>] {
    match level {
        RegionLevel::City => CITY_TRANSITIONS,
        RegionLevel::Province => PROVINCE_TRANSITIONS,
    }
}

impl PlanStatus {
    /// The plan may still be edited.
    pub fn is_open(self) -> bool {
        matches!(self, S::Draft | S::Returned)
    }

    /// The plan is done: filed by the province, or (the province's own) issued.
    pub fn is_final(self) -> bool {
        matches!(self, S::Filed | S::Issued)
    }
}

/// A plan with its sections.
#[derive(Clone, Debug)]
pub struct Plan {
    pub id: PlanId,
    pub region: Region,
    pub cycle_id: CycleId,
    pub status: PlanStatus,
    pub guiding_ideas: String,
    pub accident_rate_reduction_percent: Option<Decimal>,
    pub training_coverage_percent: Option<Decimal>,
    pub training_coverage_due: Option<NaiveDate>,
    pub safeguards: String,
    pub document_number: String,
    pub issued_on: Option<NaiveDate>,
    pub first_submitted_at: Option<DateTime<Utc>>,
    pub last_submitted_at: Option<DateTime<Utc>>,
    pub decided_at: Option<DateTime<Utc>>,
    pub version: i32,
    pub updated_at: DateTime<Utc>,
    pub indicators: Vec<Indicator>,
    /// `province:<key>` or `region:<id>` (see `key_industries`).
    pub industries: Vec<String>,
    /// Their names, in the same order (a region's industry removed since: （已删除）).
    pub industry_names: Vec<String>,
    pub tasks: Vec<PlanTask>,
}

impl Plan {
    /// The name of one of the plan's key industries (its reference itself when unknown).
    pub fn industry_name(&self, reference: &str) -> String {
        self.industries
            .iter()
            .position(|r| r == reference)
            .and_then(|i| self.industry_names.get(i).cloned())
            .unwrap_or_else(|| reference.to_string())
    }

    /// The plan as the owner of its attachments.
    pub fn owner(&self) -> Owner {
        Owner { kind: KIND, id: self.id.0, region: self.region.id }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Indicator {
    pub id: i64,
    pub name: String,
    pub target: String,
    pub unit: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlanTask {
    pub id: i64,
    pub cycle_task_id: CycleTaskId,
    pub department: DepartmentKind,
    pub measures: String,
    pub deadline: Option<NaiveDate>,
}

/// Whether the first submission came after the cycle's filing deadline (逾期). A resubmission
/// after a return does not change it.
pub fn is_late(plan_first_submitted: Option<DateTime<Utc>>, cycle: &Cycle) -> bool {
    plan_first_submitted.is_some_and(|at| deadline::is_late(cycle.plan_filing_due, at))
}

/// Who may write (create, edit, submit) the plans of a region: its city bureau for a city, a
/// province officer for the province's own.
pub fn may_write(actor: &Actor, region: &Region) -> bool {
    let own = actor.region.as_ref().is_some_and(|r| r.id == region.id);
    match (actor.role, region.level) {
        (Role::CityOfficer, RegionLevel::City) => own,
        (Role::ProvinceOfficer, RegionLevel::Province) => own,
        _ => false,
    }
}

/// Whether the actor may edit this plan now.
pub fn may_edit(actor: &Actor, plan: &Plan) -> bool {
    plan.status.is_open() && may_write(actor, &plan.region)
}

/// Where a region stands with its plan of a cycle, as the province's overview shows it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Standing {
    NotStarted,
    At(PlanStatus),
}

impl Standing {
    pub fn label(self) -> &'static str {
        match self {
            Standing::NotStarted => "未编制",
            Standing::At(status) => status.label(),
        }
    }

    pub fn key(self) -> &'static str {
        match self {
            Standing::NotStarted => "not_started",
            Standing::At(status) => status.as_str(),
        }
    }

    pub fn parse(key: &str) -> Option<Standing> {
        match key {
            "not_started" => Some(Standing::NotStarted),
            other => PlanStatus::parse(other).map(Standing::At),
        }
    }

    pub const ALL: [Standing; 6] = [
        Standing::NotStarted,
        Standing::At(S::Draft),
        Standing::At(S::Submitted),
        Standing::At(S::Returned),
        Standing::At(S::Filed),
        Standing::At(S::Issued),
    ];
}

/// What a plan still lacks before it may be submitted (empty when complete).
pub fn submission_problems(plan: &Plan, cycle: &Cycle, attachments: &[Attachment]) -> Vec<String> {
    let mut problems = Vec::new();
    if plan.guiding_ideas.trim().is_empty() {
        problems.push("请填写指导思想".to_string());
    }
    if plan.accident_rate_reduction_percent.is_none() {
        problems.push("请填写工伤事故发生率降低目标".to_string());
    }
    if plan.training_coverage_percent.is_none() || plan.training_coverage_due.is_none() {
        problems.push("请填写培训覆盖率目标及完成时间".to_string());
    }
    if plan.industries.is_empty() {
        problems.push("请选择重点行业".to_string());
    }
    for task in &cycle.tasks {
        if !plan.tasks.iter().any(|t| t.cycle_task_id == task.id && !t.measures.trim().is_empty()) {
            problems.push(format!("任务「{}」尚未分工（至少一行，写明责任部门和措施）", task.title));
        }
    }
    if plan.safeguards.trim().is_empty() {
        problems.push("请填写保障措施".to_string());
    }
    if plan.document_number.trim().is_empty() || plan.issued_on.is_none() {
        problems.push("请填写印发文件的文号和印发日期".to_string());
    }
    for label in missing_required(ATTACHMENT_KINDS, attachments) {
        problems.push(format!("请上传{label}"));
    }
    problems
}

/// The snapshot frozen at each submission (schema 1).
pub fn snapshot(plan: &Plan, cycle: &Cycle, industry_names: &(dyn Fn(&str) -> String + Sync)) -> Snapshot {
    let percent = |p: Option<Decimal>| p.map(|p| p.normalize().to_string()).unwrap_or_default();
    let date = |d: Option<NaiveDate>| d.map(|d| d.to_string()).unwrap_or_default();
    let task_title = |id: CycleTaskId| cycle.task(id).map(|t| t.title.clone()).unwrap_or_default();
    Snapshot::new(1)
        .field("guiding_ideas", "指导思想", &plan.guiding_ideas)
        .field(
            "accident_rate_reduction_percent",
            "重点行业工伤事故发生率降低目标（%）",
            percent(plan.accident_rate_reduction_percent),
        )
        .field("training_coverage_percent", "重点岗位培训覆盖率目标（%）", percent(plan.training_coverage_percent))
        .field("training_coverage_due", "培训覆盖完成时间", date(plan.training_coverage_due))
        .field(
            "industries",
            "重点行业",
            plan.industries.iter().map(|r| industry_names(r)).collect::<Vec<_>>().join("、"),
        )
        .field("safeguards", "保障措施", &plan.safeguards)
        .field("document_number", "文号", &plan.document_number)
        .field("issued_on", "印发日期", date(plan.issued_on))
        .table(
            "indicators",
            "其他目标指标",
            &["指标", "目标值", "单位"],
            plan.indicators
                .iter()
                .map(|i| Row { key: i.id.to_string(), cells: vec![i.name.clone(), i.target.clone(), i.unit.clone()] })
                .collect(),
        )
        .table(
            "tasks",
            "任务分工",
            &["任务", "责任部门", "工作措施", "完成时限"],
            plan.tasks
                .iter()
                .map(|t| Row {
                    key: t.id.to_string(),
                    cells: vec![
                        task_title(t.cycle_task_id),
                        t.department.label().to_string(),
                        t.measures.clone(),
                        date(t.deadline),
                    ],
                })
                .collect(),
        )
}

/// The edit form as submitted: every section, with indicators and tasks as repeated rows (a
/// row's id is empty for a new row; a row left blank is removed).
#[derive(Clone, Debug, Default, Deserialize)]
pub struct PlanForm {
    #[serde(default)]
    pub guiding_ideas: String,
    #[serde(default)]
    pub accident_rate_reduction_percent: String,
    #[serde(default)]
    pub training_coverage_percent: String,
    #[serde(default)]
    pub training_coverage_due: String,
    #[serde(default)]
    pub indicator_id: Vec<String>,
    #[serde(default)]
    pub indicator_name: Vec<String>,
    #[serde(default)]
    pub indicator_target: Vec<String>,
    #[serde(default)]
    pub indicator_unit: Vec<String>,
    #[serde(default)]
    pub industry: Vec<String>,
    #[serde(default)]
    pub task_id: Vec<String>,
    #[serde(default)]
    pub task_cycle_task: Vec<String>,
    #[serde(default)]
    pub task_department: Vec<String>,
    #[serde(default)]
    pub task_measures: Vec<String>,
    #[serde(default)]
    pub task_deadline: Vec<String>,
    #[serde(default)]
    pub safeguards: String,
    #[serde(default)]
    pub document_number: String,
    #[serde(default)]
    pub issued_on: String,
    #[serde(default)]
    pub version: String,
}

impl From<&Plan> for PlanForm {
    fn from(p: &Plan) -> Self {
        let text = |d: Option<Decimal>| d.map(|d| d.normalize().to_string()).unwrap_or_default();
        let date = |d: Option<NaiveDate>| d.map(|d| d.to_string()).unwrap_or_default();
        PlanForm {
            guiding_ideas: p.guiding_ideas.clone(),
            accident_rate_reduction_percent: text(p.accident_rate_reduction_percent),
            training_coverage_percent: text(p.training_coverage_percent),
            training_coverage_due: date(p.training_coverage_due),
            indicator_id: p.indicators.iter().map(|i| i.id.to_string()).collect(),
            indicator_name: p.indicators.iter().map(|i| i.name.clone()).collect(),
            indicator_target: p.indicators.iter().map(|i| i.target.clone()).collect(),
            indicator_unit: p.indicators.iter().map(|i| i.unit.clone()).collect(),
            industry: p.industries.clone(),
            task_id: p.tasks.iter().map(|t| t.id.to_string()).collect(),
            task_cycle_task: p.tasks.iter().map(|t| t.cycle_task_id.to_string()).collect(),
            task_department: p.tasks.iter().map(|t| t.department.as_str().to_string()).collect(),
            task_measures: p.tasks.iter().map(|t| t.measures.clone()).collect(),
            task_deadline: p.tasks.iter().map(|t| date(t.deadline)).collect(),
            safeguards: p.safeguards.clone(),
            document_number: p.document_number.clone(),
            issued_on: date(p.issued_on),
            version: p.version.to_string(),
        }
    }
}

/// The checked edit. Row ids are `None` for new rows.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PlanInput {
    pub guiding_ideas: Text<5000>,
    pub accident_rate_reduction_percent: Option<Percent>,
    pub training_coverage_percent: Option<Percent>,
    pub training_coverage_due: Option<Date>,
    pub indicators: Vec<IndicatorInput>,
    pub industries: Vec<String>,
    pub tasks: Vec<TaskInput>,
    pub safeguards: Text<5000>,
    pub document_number: Text<50>,
    pub issued_on: Option<Date>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IndicatorInput {
    pub id: Option<i64>,
    pub name: Text<100>,
    pub target: Text<50>,
    pub unit: Text<20>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TaskInput {
    pub id: Option<i64>,
    pub cycle_task_id: CycleTaskId,
    pub department: DepartmentKind,
    pub measures: Text<2000>,
    pub deadline: Option<Date>,
}

impl PlanForm {
    /// Checks the form against the cycle (its tasks and departments) and the key industries the
    /// region may choose from.
    pub fn parse(&self, cycle: &Cycle, industries: &[String]) -> Result<(PlanInput, Version), FieldErrors> {
        let mut p = FormParser::default();
        let guiding_ideas = p.value::<Text<5000>>("guiding_ideas", &self.guiding_ideas);
        let accident = p.optional::<Percent>("accident_rate_reduction_percent", &self.accident_rate_reduction_percent);
        let coverage = p.optional::<Percent>("training_coverage_percent", &self.training_coverage_percent);
        let coverage_due = p.optional::<Date>("training_coverage_due", &self.training_coverage_due);
        let indicators = self.parse_indicators(&mut p);
        let chosen: Vec<String> =
            self.industry.iter().map(|i| i.trim().to_string()).filter(|i| !i.is_empty()).collect();
        p.check("industry", chosen.iter().all(|c| industries.contains(c)), "请从本地区的重点行业中选择");
        let tasks = self.parse_tasks(&mut p, cycle);
        let safeguards = p.value::<Text<5000>>("safeguards", &self.safeguards);
        let document_number = p.value::<Text<50>>("document_number", &self.document_number);
        let issued_on = p.optional::<Date>("issued_on", &self.issued_on);
        let version = p.value::<Version>("version", &self.version);
        let mut deduped = Vec::new();
        for c in chosen {
            if !deduped.contains(&c) {
                deduped.push(c);
            }
        }
        p.finish(|| {
            Some((
                PlanInput {
                    guiding_ideas: guiding_ideas?,
                    accident_rate_reduction_percent: accident?,
                    training_coverage_percent: coverage?,
                    training_coverage_due: coverage_due?,
                    indicators: indicators?,
                    industries: deduped,
                    tasks: tasks?,
                    safeguards: safeguards?,
                    document_number: document_number?,
                    issued_on: issued_on?,
                },
                version?,
            ))
        })
    }

    fn parse_indicators(&self, p: &mut FormParser) -> Option<Vec<IndicatorInput>> {
        let mut rows = Vec::new();
        let mut ok = true;
        for (i, name) in self.indicator_name.iter().enumerate() {
            let target = self.indicator_target.get(i).map(String::as_str).unwrap_or("");
            let unit = self.indicator_unit.get(i).map(String::as_str).unwrap_or("");
            if name.trim().is_empty() && target.trim().is_empty() && unit.trim().is_empty() {
                continue;
            }
            let parsed = (Text::<100>::parse(name), Text::<50>::parse(target), Text::<20>::parse(unit));
            match parsed {
                (Ok(name), Ok(target), Ok(unit)) if !name.is_empty() && !target.is_empty() => {
                    rows.push(IndicatorInput { id: row_id(self.indicator_id.get(i)), name, target, unit })
                }
                _ => {
                    p.check(
                        "indicators",
                        false,
                        format!("第 {} 行指标：须填写指标名称（100 字以内）和目标值（50 字以内）", i + 1),
                    );
                    ok = false;
                }
            }
        }
        ok.then_some(rows)
    }

    fn parse_tasks(&self, p: &mut FormParser, cycle: &Cycle) -> Option<Vec<TaskInput>> {
        let mut rows = Vec::new();
        let mut ok = true;
        for (i, raw_task) in self.task_cycle_task.iter().enumerate() {
            let department = self.task_department.get(i).map(|s| s.trim()).unwrap_or("");
            let measures = self.task_measures.get(i).map(String::as_str).unwrap_or("");
            let deadline = self.task_deadline.get(i).map(|s| s.trim()).unwrap_or("");
            if raw_task.trim().is_empty() && measures.trim().is_empty() && deadline.is_empty() {
                continue;
            }
            let task = raw_task.trim().parse::<i64>().ok().map(CycleTaskId).filter(|id| cycle.task(*id).is_some());
            let department = DepartmentKind::parse(department).filter(|d| cycle.departments.contains(d));
            let deadline = if deadline.is_empty() { Ok(None) } else { Date::parse(deadline).map(Some) };
            match (task, department, Text::<2000>::parse(measures), deadline) {
                (Some(cycle_task_id), Some(department), Ok(measures), Ok(deadline)) => rows.push(TaskInput {
                    id: row_id(self.task_id.get(i)),
                    cycle_task_id,
                    department,
                    measures,
                    deadline,
                }),
                _ => {
                    p.check(
                        "tasks",
                        false,
                        format!(
                            "第 {} 行分工：请选择任务和本周期的责任部门，措施不超过 2000 字，时限为有效日期",
                            i + 1
                        ),
                    );
                    ok = false;
                }
            }
        }
        ok.then_some(rows)
    }
}

fn row_id(raw: Option<&String>) -> Option<i64> {
    raw.and_then(|s| s.trim().parse().ok())
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;
    use crate::cycles::model::{CycleTask, MonthDay};
    use crate::org::{AccountId, RegionId};
    use crate::workflow::{Refusal, decide};

    fn cycle() -> Cycle {
        Cycle {
            id: CycleId(1),
            first_year: 2021,
            last_year: 2025,
            name: "周期".into(),
            national_document: String::new(),
            provincial_document: String::new(),
            headline_target: String::new(),
            accident_rate_reduction_percent: Decimal::from(20),
            training_target: String::new(),
            training_coverage_due: NaiveDate::from_ymd_opt(2025, 12, 31).unwrap(),
            key_positions: Vec::new(),
            platform_positions: Vec::new(),
            coverage_target_percent: rust_decimal::Decimal::from(100),
            plan_filing_due: NaiveDate::from_ymd_opt(2021, 6, 30).unwrap(),
            annual_report_due: MonthDay { month: 12, day: 15 },
            departments: vec![DepartmentKind::Hrss, DepartmentKind::Emergency],
            tasks: vec![
                CycleTask {
                    id: CycleTaskId(11),
                    key: "plan".into(),
                    title: "制定实施方案".into(),
                    summary: String::new(),
                },
                CycleTask {
                    id: CycleTaskId(12),
                    key: "training".into(),
                    title: "开展培训".into(),
                    summary: String::new(),
                },
            ],
            version: 1,
        }
    }

    fn region(level: RegionLevel) -> Region {
        let id = if level == RegionLevel::Province { 1 } else { 2 };
        Region { id: RegionId(id), code: String::new(), name: String::new(), level }
    }

    fn actor(role: Role, level: RegionLevel) -> Actor {
        Actor {
            account_id: AccountId(5),
            username: String::new(),
            display_name: String::new(),
            role,
            region: Some(region(level)),
            department: None,
        }
    }

    fn plan(status: PlanStatus) -> Plan {
        Plan {
            id: PlanId(1),
            region: region(RegionLevel::City),
            cycle_id: CycleId(1),
            status,
            guiding_ideas: "以人民为中心".into(),
            accident_rate_reduction_percent: Some(Decimal::from(20)),
            training_coverage_percent: Some(Decimal::from(100)),
            training_coverage_due: NaiveDate::from_ymd_opt(2025, 12, 31),
            safeguards: "加强组织领导".into(),
            document_number: "沈人社发〔2021〕8号".into(),
            issued_on: NaiveDate::from_ymd_opt(2021, 6, 1),
            first_submitted_at: None,
            last_submitted_at: None,
            decided_at: None,
            version: 1,
            updated_at: Utc::now(),
            indicators: Vec::new(),
            industries: vec!["province:mining".into()],
            industry_names: vec!["矿山".into()],
            tasks: vec![
                PlanTask {
                    id: 1,
                    cycle_task_id: CycleTaskId(11),
                    department: DepartmentKind::Hrss,
                    measures: "制定".into(),
                    deadline: None,
                },
                PlanTask {
                    id: 2,
                    cycle_task_id: CycleTaskId(12),
                    department: DepartmentKind::Emergency,
                    measures: "培训".into(),
                    deadline: None,
                },
            ],
        }
    }

    /// Every action by every role from every status, for a city's plan and the province's.
    #[test]
    fn transitions_allowed_and_refused_per_role_and_state() {
        let me = AccountId(5);
        let city = |status, action, role| decide(CITY_TRANSITIONS, status, action, role, me, "理由", &[]);
        assert_eq!(city(S::Draft, A::Submit, Role::CityOfficer), Ok(S::Submitted));
        assert_eq!(city(S::Returned, A::Submit, Role::CityOfficer), Ok(S::Submitted));
        assert_eq!(city(S::Submitted, A::Submit, Role::CityOfficer), Err(Refusal::State));
        assert_eq!(city(S::Filed, A::Submit, Role::CityOfficer), Err(Refusal::State));
        assert_eq!(city(S::Draft, A::Submit, Role::ProvinceOfficer), Err(Refusal::Role));
        assert_eq!(city(S::Submitted, A::File, Role::ProvinceOfficer), Ok(S::Filed));
        assert_eq!(city(S::Submitted, A::Return, Role::ProvinceOfficer), Ok(S::Returned));
        assert_eq!(city(S::Draft, A::File, Role::ProvinceOfficer), Err(Refusal::State));
        assert_eq!(city(S::Filed, A::Return, Role::ProvinceOfficer), Err(Refusal::State));
        assert_eq!(city(S::Submitted, A::File, Role::CityOfficer), Err(Refusal::Role));
        assert_eq!(city(S::Submitted, A::Issue, Role::ProvinceOfficer), Err(Refusal::Role), "cities' plans are filed");
        for role in [Role::PartnerOfficer, Role::AgencyOfficer, Role::Expert, Role::SysAdmin, Role::Auditor] {
            for action in PlanAction::ALL {
                for status in PlanStatus::ALL {
                    assert_eq!(decide(CITY_TRANSITIONS, *status, *action, role, me, "x", &[]), Err(Refusal::Role));
                }
            }
        }
        assert_eq!(
            decide(CITY_TRANSITIONS, S::Submitted, A::Return, Role::ProvinceOfficer, me, " ", &[]),
            Err(Refusal::CommentRequired)
        );
    }

    #[test]
    fn the_provinces_own_plan_is_issued_by_a_second_officer() {
        let drafter = AccountId(1);
        let second = AccountId(2);
        let past = [crate::workflow::PastStep { action: A::Submit, by: drafter }];
        let province = |action, by, comment| {
            decide(PROVINCE_TRANSITIONS, S::Submitted, action, Role::ProvinceOfficer, by, comment, &past)
        };
        assert_eq!(province(A::Issue, drafter, ""), Err(Refusal::SameActor));
        assert_eq!(province(A::Return, drafter, "再议"), Err(Refusal::SameActor));
        assert_eq!(province(A::Issue, second, ""), Ok(S::Issued));
        assert_eq!(province(A::File, second, ""), Err(Refusal::Role), "the province does not file with itself");
        assert_eq!(
            decide(PROVINCE_TRANSITIONS, S::Draft, A::Submit, Role::CityOfficer, drafter, "", &[]),
            Err(Refusal::Role)
        );
    }

    #[test]
    fn the_late_mark_is_decided_at_midnight_in_shanghai() {
        let c = cycle();
        assert!(!is_late(Some(Utc.with_ymd_and_hms(2021, 6, 30, 15, 59, 59).unwrap()), &c));
        assert!(is_late(Some(Utc.with_ymd_and_hms(2021, 6, 30, 16, 0, 0).unwrap()), &c));
        assert!(!is_late(None, &c), "not submitted is not late (yet)");
    }

    #[test]
    fn who_writes_which_plan() {
        let mut p = plan(S::Draft);
        assert!(may_edit(&actor(Role::CityOfficer, RegionLevel::City), &p));
        assert!(!may_edit(&actor(Role::PartnerOfficer, RegionLevel::City), &p));
        assert!(
            !may_edit(&actor(Role::ProvinceOfficer, RegionLevel::Province), &p),
            "the province reviews a city's plan"
        );
        p.status = S::Submitted;
        assert!(!may_edit(&actor(Role::CityOfficer, RegionLevel::City), &p), "submitted: frozen");
        p.status = S::Returned;
        assert!(may_edit(&actor(Role::CityOfficer, RegionLevel::City), &p));
        p.region = region(RegionLevel::Province);
        p.status = S::Draft;
        assert!(may_edit(&actor(Role::ProvinceOfficer, RegionLevel::Province), &p));
    }

    #[test]
    fn a_submission_needs_every_section_every_task_and_the_signed_document() {
        let c = cycle();
        let signed = signed_document();
        assert!(submission_problems(&plan(S::Draft), &c, std::slice::from_ref(&signed)).is_empty());
        let mut p = plan(S::Draft);
        p.tasks.pop();
        p.document_number.clear();
        let problems = submission_problems(&p, &c, std::slice::from_ref(&signed));
        assert_eq!(problems.len(), 2, "{problems:?}");
        assert!(problems[0].contains("开展培训"));
        let mut other = signed.clone();
        other.kind = "other".into();
        let problems = submission_problems(&plan(S::Draft), &c, &[other]);
        assert_eq!(problems, ["请上传正式印发文件（盖章扫描件）"]);
    }

    fn signed_document() -> Attachment {
        Attachment {
            id: crate::attachments::AttachmentId(1),
            kind: "signed_document".into(),
            file_name: "实施方案.pdf".into(),
            file_type: crate::attachments::FileType::Pdf,
            size_bytes: 1000,
            sha256: vec![0; 32],
            uploader_name: "王芳".into(),
            uploaded_at: Utc::now(),
        }
    }

    #[test]
    fn the_form_checks_rows_against_the_cycle() {
        let c = cycle();
        let industries = vec!["province:mining".to_string()];
        let form = PlanForm {
            accident_rate_reduction_percent: "20".into(),
            indicator_id: vec![String::new(), String::new()],
            indicator_name: vec!["培训人次".into(), String::new()],
            indicator_target: vec!["≥ 5000".into(), String::new()],
            indicator_unit: vec!["人次".into(), String::new()],
            industry: vec!["province:mining".into(), "province:mining".into()],
            task_id: vec!["3".into(), String::new()],
            task_cycle_task: vec!["12".into(), String::new()],
            task_department: vec!["emergency".into(), "hrss".into()],
            task_measures: vec!["线上线下培训".into(), String::new()],
            task_deadline: vec!["2025-12-31".into(), String::new()],
            version: "2".into(),
            ..Default::default()
        };
        let (input, version) = form.parse(&c, &industries).unwrap();
        assert_eq!(version, Version(2));
        assert_eq!(input.indicators.len(), 1);
        assert_eq!(input.industries, ["province:mining"]);
        assert_eq!(input.tasks.len(), 1, "the blank row is dropped");
        assert_eq!(input.tasks[0].id, Some(3));

        let bad = PlanForm {
            task_department: vec!["market_regulation".into(), String::new()],
            industry: vec!["region:999".into()],
            ..form
        };
        let errors = bad.parse(&c, &industries).unwrap_err();
        assert!(errors.get("tasks").unwrap().contains("第 1 行"), "market regulation is not in this cycle");
        assert!(errors.get("industry").is_some());
    }

    #[test]
    fn the_snapshot_keys_rows_by_their_ids() {
        let c = cycle();
        let s = snapshot(&plan(S::Draft), &c, &|r| r.to_string());
        let tasks = s.tables.iter().find(|t| t.key == "tasks").unwrap();
        assert_eq!(tasks.rows[1].key, "2");
        assert_eq!(tasks.rows[1].cells[0], "开展培训");
        assert_eq!(tasks.rows[1].cells[1], "应急管理");
    }
}
