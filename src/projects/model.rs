//! Prevention project applications (附件2 申报表, 附件3 申报格式文本): their types, the workflow up
//! to the city's pre-review as data, the cost estimate in exact decimals, the performance
//! targets, what a submission needs, the frozen snapshot, and the edit form.

use chrono::{DateTime, Months, NaiveDate, Utc};
use rust_decimal::{Decimal, RoundingStrategy};
use serde::{Deserialize, Serialize};

use crate::applicants::model::{ApplicantId, UnitType};
use crate::attachments::{Attachment, missing_required};
use crate::auth::Actor;
use crate::experts::Specialty;
use crate::experts::draw::{self, Candidate, Need};
use crate::org::{AccountId, DepartmentKind, Region, RegionLevel, Role};
use crate::project_rounds::model::{Round, RoundId, Window};
use crate::values::{Date, Money, Text, ValueError, Version};
use crate::web::form::{FieldErrors, FormParser};
use crate::workflow::versions::{Row, Snapshot};
use crate::workflow::{Problem, Refusal, Transition};

id_type!(
    /// A project application (and, later, the project it becomes) of one region.
    pub ProjectId
);

/// The record kind in the shared history, versions and attachments.
pub const KIND: &str = "project";

labelled_enum! {
    pub enum ProjectStatus {
        Draft => ("draft", "草稿"),
        Submitted => ("submitted", "待初审"),
        Returned => ("returned", "退回修改"),
        Rejected => ("rejected", "不予立项"),
        ExpertReview => ("expert_review", "待专家评审"),
        Reviewed => ("reviewed", "待立项审定"),
        InPublicity => ("in_publicity", "公示中"),
        AwaitingFiling => ("awaiting_filing", "待省级备案"),
        Filed => ("filed", "已备案"),
        InProgress => ("in_progress", "实施中"),
        AwaitingAcceptance => ("awaiting_acceptance", "已结项待验收"),
        Rectifying => ("rectifying", "验收不通过，整改中"),
        AwaitingReacceptance => ("awaiting_reacceptance", "整改完成待复验"),
        Accepted => ("accepted", "已验收"),
        AcceptanceFailed => ("acceptance_failed", "复验不通过"),
        Terminated => ("terminated", "已终止"),
        Settled => ("settled", "已结算归档"),
    }
}

labelled_enum! {
    pub enum ProjectAction {
        Submit => ("submit", "提交申报"),
        Pass => ("pass", "初审通过"),
        Return => ("return", "退回修改"),
        Reject => ("reject", "不予立项"),
        Conclude => ("conclude", "专家评审完成"),
        Approve => ("approve", "同意立项"),
        UpholdObjection => ("uphold_objection", "异议成立，撤销立项"),
        ClosePublicity => ("close_publicity", "公示期满"),
        File => ("file", "备案"),
        ReturnFiling => ("return_filing", "退回重新审定"),
        Sign => ("sign", "签订协议"),
        Complete => ("complete", "提交结项"),
        Accept => ("accept", "验收通过"),
        FailAcceptance => ("fail_acceptance", "验收不通过"),
        SubmitRectification => ("submit_rectification", "提交整改结果"),
        Terminate => ("terminate", "终止项目"),
        Settle => ("settle", "尾款拨付，结算归档"),
    }
}

labelled_enum! {
    /// Which panel: the application's review (立项评审), the acceptance (评估验收), or the second
    /// acceptance after rectification (复验). Draws, members and sheets are each of one stage.
    pub enum PanelStage {
        Review => ("review", "立项评审"),
        Acceptance => ("acceptance", "评估验收"),
        Reacceptance => ("reacceptance", "整改复验"),
    }
}

impl PanelStage {
    /// The panel a project in `status` is drawn and scored for, if one is.
    pub fn of(status: ProjectStatus) -> Option<PanelStage> {
        match status {
            ProjectStatus::ExpertReview => Some(PanelStage::Review),
            ProjectStatus::AwaitingAcceptance => Some(PanelStage::Acceptance),
            ProjectStatus::AwaitingReacceptance => Some(PanelStage::Reacceptance),
            _ => None,
        }
    }

    /// Which acceptance (1 or 2) an acceptance stage is; the review is none.
    pub fn attempt(self) -> Option<i16> {
        match self {
            PanelStage::Review => None,
            PanelStage::Acceptance => Some(1),
            PanelStage::Reacceptance => Some(2),
        }
    }

    /// The stages whose panels a project in `status` may have had: the review's, and from the
    /// completion on the acceptances'.
    pub fn shown_for(status: ProjectStatus) -> Vec<PanelStage> {
        use ProjectStatus as S;
        match status {
            S::AwaitingAcceptance
            | S::Rectifying
            | S::AwaitingReacceptance
            | S::Accepted
            | S::AcceptanceFailed
            | S::Terminated
            | S::Settled => PanelStage::ALL.to_vec(),
            _ => vec![PanelStage::Review],
        }
    }

    /// The criteria a sheet of this stage is scored on: the round's review criteria, or its
    /// acceptance criteria.
    pub fn criteria(self, round: &Round) -> &[crate::project_rounds::model::Criterion] {
        match self {
            PanelStage::Review => &round.criteria,
            PanelStage::Acceptance | PanelStage::Reacceptance => &round.acceptance_criteria,
        }
    }

    pub fn for_attempt(attempt: i16) -> PanelStage {
        if attempt >= 2 { PanelStage::Reacceptance } else { PanelStage::Acceptance }
    }
}

labelled_enum! {
    /// Who applies: an organization, or a department for its own government-procurement project.
    pub enum ApplicantKind {
        Organization => ("organization", "单位申报"),
        Department => ("department", "部门政府采购项目"),
    }
}

labelled_enum! {
    pub enum ProjectType {
        Publicity => ("publicity", "宣传"),
        Training => ("training", "培训"),
    }
}

labelled_enum! {
    pub enum ImplementationMode {
        Own => ("own", "自行实施"),
        Commissioned => ("commissioned", "委托实施"),
        Procurement => ("procurement", "政府采购"),
    }
}

labelled_enum! {
    /// 一级指标.
    pub enum Level1 {
        Output => ("output", "产出指标"),
        Outcome => ("outcome", "效益指标"),
        Satisfaction => ("satisfaction", "满意度指标"),
    }
}

labelled_enum! {
    /// 二级指标.
    pub enum Level2 {
        Quantity => ("quantity", "数量指标"),
        Quality => ("quality", "质量指标"),
        Timeliness => ("timeliness", "时效指标"),
        Cost => ("cost", "成本指标"),
        Social => ("social", "社会效益指标"),
        Economic => ("economic", "经济效益指标"),
        Sustainability => ("sustainability", "可持续影响指标"),
        Satisfaction => ("satisfaction", "服务对象满意度指标"),
    }
}

impl Level2 {
    /// The level-1 indicator a level-2 one belongs to.
    pub fn parent(self) -> Level1 {
        match self {
            Level2::Quantity | Level2::Quality | Level2::Timeliness | Level2::Cost => Level1::Output,
            Level2::Social | Level2::Economic | Level2::Sustainability => Level1::Outcome,
            Level2::Satisfaction => Level1::Satisfaction,
        }
    }

    /// `output.quantity`: the one select of the form.
    pub fn key(self) -> String {
        format!("{}.{}", self.parent().as_str(), self.as_str())
    }

    pub fn from_key(key: &str) -> Option<Level2> {
        let (_, level2) = key.split_once('.')?;
        Level2::parse(level2).filter(|l| l.key() == key)
    }
}

labelled_enum! {
    pub enum Comparison {
        AtLeast => ("ge", "≥"),
        AtMost => ("le", "≤"),
        Equal => ("eq", "="),
    }
}

use ProjectAction as A;
use ProjectStatus as S;

/// A city's applications: its officers enter and submit them; another of its officers
/// pre-reviews (初审): passes to the expert review, returns for revision, or rejects.
pub const CITY_TRANSITIONS: &[Transition<ProjectStatus, ProjectAction>] = &transitions_for(&[Role::CityOfficer]);
/// 省本级's own applications, the same way among province officers.
pub const PROVINCE_TRANSITIONS: &[Transition<ProjectStatus, ProjectAction>] =
    &transitions_for(&[Role::ProvinceOfficer]);

/// Who files a region's approved projects: the province.
const FILERS: &[Role] = &[Role::ProvinceOfficer];
/// Who pays the fee to projects: the region's social insurance agency (经办机构).
const PAYERS: &[Role] = &[Role::AgencyOfficer];

const fn transitions_for(roles: &'static [Role]) -> [Transition<ProjectStatus, ProjectAction>; 19] {
    [
        Transition {
            from: &[S::Draft, S::Returned],
            action: A::Submit,
            to: S::Submitted,
            roles,
            comment_required: false,
            not_by_whoever_took: None,
        },
        Transition {
            from: &[S::Submitted],
            action: A::Pass,
            to: S::ExpertReview,
            roles,
            comment_required: false,
            not_by_whoever_took: Some(A::Submit),
        },
        Transition {
            from: &[S::Submitted],
            action: A::Return,
            to: S::Returned,
            roles,
            comment_required: true,
            not_by_whoever_took: Some(A::Submit),
        },
        Transition {
            from: &[S::Submitted],
            action: A::Reject,
            to: S::Rejected,
            roles,
            comment_required: true,
            not_by_whoever_took: Some(A::Submit),
        },
        // Taken by the panel's last expert to submit a sheet, when every sitting member has.
        Transition {
            from: &[S::ExpertReview],
            action: A::Conclude,
            to: S::Reviewed,
            roles: &[Role::Expert],
            comment_required: false,
            not_by_whoever_took: None,
        },
        // 审定: the region decides with the approved amounts and the publicity's dates.
        Transition {
            from: &[S::Reviewed],
            action: A::Approve,
            to: S::InPublicity,
            roles,
            comment_required: false,
            not_by_whoever_took: None,
        },
        Transition {
            from: &[S::Reviewed],
            action: A::Reject,
            to: S::Rejected,
            roles,
            comment_required: true,
            not_by_whoever_took: None,
        },
        // 公示: an objection upheld reverses the approval; otherwise it stands once the period ends.
        Transition {
            from: &[S::InPublicity],
            action: A::UpholdObjection,
            to: S::Rejected,
            roles,
            comment_required: true,
            not_by_whoever_took: None,
        },
        Transition {
            from: &[S::InPublicity],
            action: A::ClosePublicity,
            to: S::AwaitingFiling,
            roles,
            comment_required: false,
            not_by_whoever_took: None,
        },
        // 备案: the province files it, or returns it to be decided again (never the one who approved it).
        Transition {
            from: &[S::AwaitingFiling],
            action: A::File,
            to: S::Filed,
            roles: FILERS,
            comment_required: false,
            not_by_whoever_took: Some(A::Approve),
        },
        Transition {
            from: &[S::AwaitingFiling],
            action: A::ReturnFiling,
            to: S::Reviewed,
            roles: FILERS,
            comment_required: true,
            not_by_whoever_took: Some(A::Approve),
        },
        // 签订协议: the agreement and its signed copy recorded, the project is under way.
        Transition {
            from: &[S::Filed],
            action: A::Sign,
            to: S::InProgress,
            roles,
            comment_required: false,
            not_by_whoever_took: None,
        },
        // 结项: the region submits the completion with its report and the indicators achieved.
        Transition {
            from: &[S::InProgress],
            action: A::Complete,
            to: S::AwaitingAcceptance,
            roles,
            comment_required: false,
            not_by_whoever_took: None,
        },
        // 评估验收: concluded by the region once every sitting member's sheet is in, with the
        // panel's result (the panel is the independent judge); a first failure leads to
        // rectification and a second acceptance, a second failure ends it.
        Transition {
            from: &[S::AwaitingAcceptance, S::AwaitingReacceptance],
            action: A::Accept,
            to: S::Accepted,
            roles,
            comment_required: false,
            not_by_whoever_took: None,
        },
        Transition {
            from: &[S::AwaitingAcceptance],
            action: A::FailAcceptance,
            to: S::Rectifying,
            roles,
            comment_required: true,
            not_by_whoever_took: None,
        },
        Transition {
            from: &[S::AwaitingReacceptance],
            action: A::FailAcceptance,
            to: S::AcceptanceFailed,
            roles,
            comment_required: true,
            not_by_whoever_took: None,
        },
        Transition {
            from: &[S::Rectifying],
            action: A::SubmitRectification,
            to: S::AwaitingReacceptance,
            roles,
            comment_required: false,
            not_by_whoever_took: None,
        },
        // 终止: a project under way (from its filing to a failed second acceptance) is ended, with reasons.
        Transition {
            from: &[S::Filed, S::InProgress, S::AwaitingAcceptance, S::Rectifying, S::AwaitingReacceptance],
            action: A::Terminate,
            to: S::Terminated,
            roles,
            comment_required: true,
            not_by_whoever_took: None,
        },
        // 结算: the agency's final payment after the acceptance passed settles and archives it.
        Transition {
            from: &[S::Accepted],
            action: A::Settle,
            to: S::Settled,
            roles: PAYERS,
            comment_required: false,
            not_by_whoever_took: None,
        },
    ]
}

pub fn transitions(level: RegionLevel) -> &'static [Transition<ProjectStatus, ProjectAction>] {
    match level {
        RegionLevel::City => CITY_TRANSITIONS,
        RegionLevel::Province => PROVINCE_TRANSITIONS,
    }
}

impl ProjectStatus {
    /// The application may be edited (and its files changed).
    pub fn is_open(self) -> bool {
        matches!(self, S::Draft | S::Returned)
    }

    /// Up to the pre-review: the record page's own 办理 box takes its actions; later steps have
    /// pages of their own (the panel, the approval).
    pub fn before_expert_review(self) -> bool {
        matches!(self, S::Draft | S::Returned | S::Submitted)
    }

    /// Approved by the region (from its publicity on): what partner departments and the agency
    /// read, and what the timeline shows money for.
    pub fn is_approved(self) -> bool {
        matches!(
            self,
            S::InPublicity
                | S::AwaitingFiling
                | S::Filed
                | S::InProgress
                | S::AwaitingAcceptance
                | S::Rectifying
                | S::AwaitingReacceptance
                | S::Accepted
                | S::AcceptanceFailed
                | S::Terminated
                | S::Settled
        )
    }

    /// Filed by the province (and possibly signed, completed, accepted or ended since): the
    /// agreement's page has something to show.
    pub fn after_filing(self) -> bool {
        self == S::Filed || self.after_signing()
    }

    /// Signed and under way, or past it: progress, completion and acceptance have something to show.
    pub fn after_signing(self) -> bool {
        matches!(
            self,
            S::InProgress
                | S::AwaitingAcceptance
                | S::Rectifying
                | S::AwaitingReacceptance
                | S::Accepted
                | S::AcceptanceFailed
                | S::Terminated
                | S::Settled
        )
    }

    /// Filed and not yet ended: what the supervision list watches and termination may end.
    pub fn is_running(self) -> bool {
        matches!(self, S::Filed | S::InProgress | S::AwaitingAcceptance | S::Rectifying | S::AwaitingReacceptance)
    }
}

/// The pre-review is by an officer other than the one who entered the application (the
/// workflow table already refuses the one who submitted it).
pub fn pre_review_refusal(action: ProjectAction, actor: AccountId, entered_by: AccountId) -> Option<Refusal> {
    (action != A::Submit && actor == entered_by).then_some(Refusal::SameActor)
}

/// Whether `actor` may take the pre-review's actions: neither the one who entered the
/// application nor the one who last submitted it (for the buttons a page offers; the store
/// checks the same through the workflow table and [`pre_review_refusal`]).
pub fn may_pre_review(
    actor: AccountId,
    entered_by: AccountId,
    past: &[crate::workflow::PastStep<ProjectAction>],
) -> bool {
    let submitter = past.iter().rev().find(|s| s.action == A::Submit).map(|s| s.by);
    actor != entered_by && submitter != Some(actor)
}

/// The applicant as the application's pages and prints show it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ApplicantSummary {
    pub id: ApplicantId,
    pub credit_code: String,
    pub name: String,
    pub unit_type: UnitType,
    pub division_code: String,
    pub address: String,
    pub legal_representative: String,
    pub contact_person: String,
    pub contact_phone: String,
}

/// A cost-estimate line (费用测算). A draft's line may lack its price or quantity.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BudgetLine {
    pub id: i64,
    pub project_year: i16,
    pub item: String,
    pub unit: String,
    pub unit_price: Option<Decimal>,
    pub quantity: Option<Decimal>,
    pub amount: Option<Decimal>,
}

/// A performance-target row (绩效目标).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Indicator {
    pub id: i64,
    pub project_year: i16,
    pub level2: Option<Level2>,
    pub name: String,
    pub comparison: Option<Comparison>,
    pub target_value: Option<Decimal>,
    pub unit: String,
}

impl Indicator {
    /// `≥ 90 %` as the form and the print read it.
    pub fn target(&self) -> String {
        let value = self.target_value.map(|v| v.normalize().to_string()).unwrap_or_default();
        format!("{} {}{}", self.comparison.map(|c| c.label()).unwrap_or(""), value, self.unit).trim().to_string()
    }

    /// Whether `achieved` meets the target (≥, ≤ or = its value); unknown without either.
    pub fn met_by(&self, achieved: Decimal) -> Option<bool> {
        let target = self.target_value?;
        Some(match self.comparison? {
            Comparison::AtLeast => achieved >= target,
            Comparison::AtMost => achieved <= target,
            Comparison::Equal => achieved == target,
        })
    }
}

/// An indicator's achieved value, as the completion (or the rectification) reports it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Achieved {
    pub indicator: i64,
    pub value: Decimal,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Milestone {
    pub id: i64,
    pub due_on: Option<NaiveDate>,
    pub description: String,
}

/// An application with its rows.
#[derive(Clone, Debug)]
pub struct Project {
    pub id: ProjectId,
    pub region: Region,
    pub round_id: RoundId,
    pub round_title: String,
    pub year: i16,
    pub applicant_kind: ApplicantKind,
    pub applicant: Option<ApplicantSummary>,
    pub department: Option<DepartmentKind>,
    pub status: ProjectStatus,
    pub name: String,
    pub project_type: Option<ProjectType>,
    pub key_industry: Option<String>,
    /// The key industry's name, read with the application (pages that read no list of them).
    pub key_industry_name: Option<String>,
    pub implementation_mode: Option<ImplementationMode>,
    pub starts_on: Option<NaiveDate>,
    pub ends_on: Option<NaiveDate>,
    pub target_group: String,
    pub planned_count: Option<i32>,
    pub background: String,
    pub content: String,
    pub safeguards: String,
    pub requested_amount: Money,
    pub first_submitted_at: Option<DateTime<Utc>>,
    pub last_submitted_at: Option<DateTime<Utc>>,
    pub decided_at: Option<DateTime<Utc>>,
    pub created_by: AccountId,
    pub version: i32,
    pub updated_at: DateTime<Utc>,
    pub lines: Vec<BudgetLine>,
    pub indicators: Vec<Indicator>,
    pub milestones: Vec<Milestone>,
    /// The decision (审定): the approved amount in all and per project year, the joint meeting
    /// that decided (if any), and the publicity's first and last days.
    pub approved_amount: Option<Money>,
    pub approved_years: Vec<ApprovedYear>,
    pub decision_meeting_id: Option<i64>,
    /// `2026-11-20 联席会议：…` as the decision names its meeting.
    pub decision_meeting: Option<String>,
    pub publicity_starts_on: Option<NaiveDate>,
    pub publicity_ends_on: Option<NaiveDate>,
    /// The round's least number of working days of publicity.
    pub publicity_days: i16,
}

/// The amount approved for one project year.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApprovedYear {
    pub project_year: i16,
    pub amount: Decimal,
}

impl Project {
    pub fn owner(&self) -> crate::attachments::Owner {
        crate::attachments::Owner { kind: KIND, id: self.id.0, region: self.region.id }
    }

    /// Who applies, as lists and prints name them.
    pub fn applicant_name(&self) -> String {
        match (&self.applicant, self.department) {
            (Some(a), _) => a.name.clone(),
            (None, Some(d)) => format!("{}{}", self.region.name, d.label()),
            (None, None) => String::new(),
        }
    }

    /// The name shown for an application without one yet.
    pub fn title(&self) -> String {
        if self.name.trim().is_empty() { format!("（未命名项目 {}）", self.id) } else { self.name.clone() }
    }

    pub fn period(&self) -> Option<Period> {
        period(self.starts_on?, self.ends_on?)
    }

    pub fn totals(&self) -> Totals {
        totals(self.lines.iter().filter_map(|l| l.amount.map(|a| (l.project_year, a))))
    }
}

/// Who may write (enter, edit, submit) a region's applications: the keepers of its rounds.
pub fn may_write(actor: &Actor, region: &Region) -> bool {
    crate::project_rounds::model::may_keep(actor, region)
}

/// Partner departments and the agency read a region's approved projects only; officers who
/// view projects read every one of their scope.
pub fn reads_approved_only(actor: &Actor) -> bool {
    !actor.role.may(crate::access::Permission::ViewProjects)
}

/// Whether `actor` may read `project` (row-level security already kept it in their region).
pub fn readable(actor: &Actor, project: &Project) -> bool {
    !reads_approved_only(actor) || project.status.is_approved()
}

pub fn may_edit(actor: &Actor, project: &Project) -> bool {
    project.status.is_open() && may_write(actor, &project.region)
}

/// How long a project runs: one year at most, two at most, or longer (refused).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Period {
    OneYear,
    TwoYears,
    TooLong,
}

impl Period {
    /// The project years (第 1 年度, 第 2 年度) it has.
    pub fn years(self) -> &'static [i16] {
        match self {
            Period::OneYear => &[1],
            Period::TwoYears | Period::TooLong => &[1, 2],
        }
    }
}

/// The period from `starts_on` to `ends_on` inclusive (None when it ends before it starts). A
/// year from 1 March runs to the last day of February.
pub fn period(starts_on: NaiveDate, ends_on: NaiveDate) -> Option<Period> {
    if ends_on < starts_on {
        return None;
    }
    let within = |months: u32| starts_on.checked_add_months(Months::new(months)).is_some_and(|end| ends_on < end);
    Some(if within(12) {
        Period::OneYear
    } else if within(24) {
        Period::TwoYears
    } else {
        Period::TooLong
    })
}

/// A line's amount: unit price × quantity, rounded half-up to the fen (as PostgreSQL's
/// `round(numeric, 2)`, which the table's check repeats).
pub fn line_amount(unit_price: Decimal, quantity: Decimal) -> Option<Decimal> {
    unit_price.checked_mul(quantity).map(|a| a.round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero))
}

/// The totals of a cost estimate: by project year and overall, in yuan.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Totals {
    pub by_year: Vec<(i16, Money)>,
    pub total: Money,
}

/// Sums `(project year, amount)` pairs exactly.
pub fn totals(amounts: impl Iterator<Item = (i16, Decimal)>) -> Totals {
    let mut by_year: Vec<(i16, Decimal)> = Vec::new();
    let mut total = Decimal::ZERO;
    for (year, amount) in amounts {
        total += amount;
        match by_year.iter_mut().find(|(y, _)| *y == year) {
            Some((_, sum)) => *sum += amount,
            None => by_year.push((year, amount)),
        }
    }
    by_year.sort_by_key(|(y, _)| *y);
    let money = |d: Decimal| Money::from_yuan(d).unwrap_or_default();
    Totals { by_year: by_year.into_iter().map(|(y, d)| (y, money(d))).collect(), total: money(total) }
}

/// The largest line amount accepted (1 万亿 yuan is no prevention project).
fn line_limit() -> Decimal {
    Decimal::from(1_000_000_000_000_i64)
}

/// Everything a submission lacks or has wrong, each pointing at its field of the form.
pub fn submission_problems(project: &Project, round: &Round, files: &[Attachment], today: NaiveDate) -> Vec<Problem> {
    let mut out = Vec::new();
    let mut need = |field: &'static str, ok: bool, message: &str| {
        if !ok {
            out.push(Problem::at(field, message));
        }
    };
    need("name", !project.name.trim().is_empty(), "请填写项目名称");
    need("project_type", project.project_type.is_some(), "请选择项目类型（宣传或培训）");
    need("key_industry", project.key_industry.is_some(), "请选择服务的重点领域");
    if let Some(k) = &project.key_industry {
        need(
            "key_industry",
            round.key_industries.is_empty() || round.key_industries.contains(k),
            "所选重点领域不在本批次的重点领域内",
        );
    }
    need("implementation_mode", project.implementation_mode.is_some(), "请选择实施方式");
    if project.applicant_kind == ApplicantKind::Department {
        need(
            "implementation_mode",
            project.implementation_mode == Some(ImplementationMode::Procurement),
            "部门申报的项目须通过政府采购实施",
        );
    }
    need("starts_on", project.starts_on.is_some() && project.ends_on.is_some(), "请填写实施周期的起止日期");
    let period = project.period();
    if project.starts_on.is_some() && project.ends_on.is_some() {
        need("ends_on", period.is_some(), "实施周期的结束日期不能早于开始日期");
        need("ends_on", period != Some(Period::TooLong), "实施周期最长 2 年");
    }
    need("target_group", !project.target_group.trim().is_empty(), "请填写服务对象");
    need("planned_count", project.planned_count.is_some(), "请填写计划服务人数（人次）");
    need("background", !project.background.trim().is_empty(), "请填写项目背景及必要性");
    need("content", !project.content.trim().is_empty(), "请填写项目内容及实施方式");
    need("safeguards", !project.safeguards.trim().is_empty(), "请填写组织实施保障");
    budget_problems(project, period, &mut out);
    indicator_problems(project, period, &mut out);
    milestone_problems(project, &mut out);
    for label in missing_required(&round.kinds(), files) {
        out.push(Problem::at("attachments", format!("请上传{label}")));
    }
    if round.window(today) != Window::Open {
        out.push(Problem::at(
            "round",
            format!(
                "本批次申报时间为 {} 至 {}，今天（{today}）{}",
                round.opens_on,
                round.closes_on,
                if today < round.opens_on { "尚未开始受理" } else { "已截止受理" }
            ),
        ));
    }
    out
}

fn year_label(year: i16) -> String {
    format!("第 {year} 年度")
}

fn budget_problems(project: &Project, period: Option<Period>, out: &mut Vec<Problem>) {
    if project.lines.is_empty() {
        out.push(Problem::at("budget", "请填写费用测算（至少一行）"));
        return;
    }
    for (i, line) in project.lines.iter().enumerate() {
        if line.item.trim().is_empty() || line.unit_price.is_none() || line.quantity.is_none() {
            out.push(Problem::at("budget", format!("费用测算第 {} 行：请填写费用项目、单价和数量", i + 1)));
        }
    }
    if let Some(p) = period {
        for (i, line) in project.lines.iter().enumerate() {
            if !p.years().contains(&line.project_year) {
                out.push(Problem::at("budget", format!("费用测算第 {} 行：实施周期不超过 1 年，只有第 1 年度", i + 1)));
            }
        }
        for year in p.years() {
            if p != Period::OneYear && !project.lines.iter().any(|l| l.project_year == *year) {
                out.push(Problem::at(
                    "budget",
                    format!("实施周期超过 1 年，须分年度编制费用测算：{}尚无费用", year_label(*year)),
                ));
            }
        }
    }
    if project.lines.iter().all(|l| l.amount.is_some()) && project.totals().total == Money::ZERO {
        out.push(Problem::at("budget", "申请金额不能为 0"));
    }
}

fn indicator_problems(project: &Project, period: Option<Period>, out: &mut Vec<Problem>) {
    for (i, ind) in project.indicators.iter().enumerate() {
        if ind.level2.is_none() || ind.name.trim().is_empty() || ind.comparison.is_none() || ind.target_value.is_none()
        {
            out.push(Problem::at(
                "indicators",
                format!("绩效目标第 {} 行：请选择指标类别并填写指标名称、比较方式和目标值", i + 1),
            ));
        }
    }
    let has = |level: Level1| project.indicators.iter().any(|i| i.level2.map(Level2::parent) == Some(level));
    if !has(Level1::Output) {
        out.push(Problem::at("indicators", "绩效目标至少需要一项产出指标"));
    }
    if !has(Level1::Outcome) {
        out.push(Problem::at("indicators", "绩效目标至少需要一项效益指标"));
    }
    if let Some(p) = period.filter(|p| *p != Period::OneYear) {
        for year in p.years() {
            if !project.indicators.iter().any(|i| i.project_year == *year) {
                out.push(Problem::at(
                    "indicators",
                    format!("实施周期超过 1 年，须分年度设定绩效目标：{}尚无指标", year_label(*year)),
                ));
            }
        }
    }
}

fn milestone_problems(project: &Project, out: &mut Vec<Problem>) {
    if project.milestones.is_empty() {
        out.push(Problem::at("milestones", "请填写进度安排（至少一个时间节点）"));
    }
    for (i, m) in project.milestones.iter().enumerate() {
        match m.due_on {
            None => out.push(Problem::at("milestones", format!("进度安排第 {} 行：请填写日期", i + 1))),
            Some(d) => {
                let outside = project.starts_on.is_some_and(|s| d < s) || project.ends_on.is_some_and(|e| d > e);
                if outside {
                    out.push(Problem::at("milestones", format!("进度安排第 {} 行：日期应在实施周期内", i + 1)));
                }
            }
        }
        if m.description.trim().is_empty() {
            out.push(Problem::at("milestones", format!("进度安排第 {} 行：请填写工作内容", i + 1)));
        }
    }
}

/// The snapshot frozen at each submission (schema 1).
pub fn snapshot(project: &Project, key_industry_name: &str) -> Snapshot {
    let date = |d: Option<NaiveDate>| d.map(|d| d.to_string()).unwrap_or_default();
    let decimal = |d: Option<Decimal>| d.map(|d| d.normalize().to_string()).unwrap_or_default();
    let totals = project.totals();
    Snapshot::new(1)
        .field("applicant", "申报单位", project.applicant_name())
        .field(
            "credit_code",
            "统一社会信用代码",
            project.applicant.as_ref().map(|a| a.credit_code.clone()).unwrap_or_default(),
        )
        .field("name", "项目名称", &project.name)
        .field("project_type", "项目类型", project.project_type.map(|t| t.label()).unwrap_or(""))
        .field("key_industry", "重点领域", key_industry_name)
        .field("implementation_mode", "实施方式", project.implementation_mode.map(|m| m.label()).unwrap_or(""))
        .field("starts_on", "开始日期", date(project.starts_on))
        .field("ends_on", "结束日期", date(project.ends_on))
        .field("target_group", "服务对象", &project.target_group)
        .field("planned_count", "计划服务人数", project.planned_count.map(|c| c.to_string()).unwrap_or_default())
        .field("background", "项目背景及必要性", &project.background)
        .field("content", "项目内容及实施方式", &project.content)
        .field("safeguards", "组织实施保障", &project.safeguards)
        .field("requested_amount", "申请金额（元）", totals.total.show_yuan())
        .table(
            "budget",
            "费用测算",
            &["年度", "费用项目", "单位", "单价（元）", "数量", "金额（元）"],
            project
                .lines
                .iter()
                .map(|l| Row {
                    key: l.id.to_string(),
                    cells: vec![
                        year_label(l.project_year),
                        l.item.clone(),
                        l.unit.clone(),
                        decimal(l.unit_price),
                        decimal(l.quantity),
                        l.amount.map(|a| Money::from_yuan(a).unwrap_or_default().show_yuan()).unwrap_or_default(),
                    ],
                })
                .collect(),
        )
        .table(
            "indicators",
            "绩效目标",
            &["年度", "一级指标", "二级指标", "指标", "目标值"],
            project
                .indicators
                .iter()
                .map(|i| Row {
                    key: i.id.to_string(),
                    cells: vec![
                        year_label(i.project_year),
                        i.level2.map(|l| l.parent().label()).unwrap_or("").to_string(),
                        i.level2.map(|l| l.label()).unwrap_or("").to_string(),
                        i.name.clone(),
                        i.target(),
                    ],
                })
                .collect(),
        )
        .table(
            "milestones",
            "进度安排",
            &["日期", "工作内容"],
            project
                .milestones
                .iter()
                .map(|m| Row { key: m.id.to_string(), cells: vec![date(m.due_on), m.description.clone()] })
                .collect(),
        )
}

/// Which table a 添加一行 button (without a script) asks one more row for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RowTable {
    Budget,
    Indicators,
    Milestones,
}

/// The edit form as submitted. Rows are repeated fields; a row's id is empty for a new row and
/// a row left blank is removed.
#[derive(Clone, Debug, Default, Deserialize)]
pub struct ProjectForm {
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub project_type: String,
    #[serde(default)]
    pub key_industry: String,
    #[serde(default)]
    pub implementation_mode: String,
    #[serde(default)]
    pub starts_on: String,
    #[serde(default)]
    pub ends_on: String,
    #[serde(default)]
    pub target_group: String,
    #[serde(default)]
    pub planned_count: String,
    #[serde(default)]
    pub background: String,
    #[serde(default)]
    pub content: String,
    #[serde(default)]
    pub safeguards: String,
    #[serde(default)]
    pub line_id: Vec<String>,
    #[serde(default)]
    pub line_year: Vec<String>,
    #[serde(default)]
    pub line_item: Vec<String>,
    #[serde(default)]
    pub line_unit: Vec<String>,
    #[serde(default)]
    pub line_price: Vec<String>,
    #[serde(default)]
    pub line_quantity: Vec<String>,
    #[serde(default)]
    pub indicator_id: Vec<String>,
    #[serde(default)]
    pub indicator_year: Vec<String>,
    #[serde(default)]
    pub indicator_kind: Vec<String>,
    #[serde(default)]
    pub indicator_name: Vec<String>,
    #[serde(default)]
    pub indicator_comparison: Vec<String>,
    #[serde(default)]
    pub indicator_value: Vec<String>,
    #[serde(default)]
    pub indicator_unit: Vec<String>,
    #[serde(default)]
    pub milestone_id: Vec<String>,
    #[serde(default)]
    pub milestone_due: Vec<String>,
    #[serde(default)]
    pub milestone_description: Vec<String>,
    #[serde(default)]
    pub version: String,
    /// Set by a 添加一行 button: show the form again with one more row, saving nothing.
    #[serde(default)]
    pub add_row: String,
}

impl ProjectForm {
    pub fn of(p: &Project) -> ProjectForm {
        let date = |d: Option<NaiveDate>| d.map(|d| d.to_string()).unwrap_or_default();
        let decimal = |d: Option<Decimal>| d.map(|d| d.normalize().to_string()).unwrap_or_default();
        ProjectForm {
            name: p.name.clone(),
            project_type: p.project_type.map(|t| t.as_str().to_string()).unwrap_or_default(),
            key_industry: p.key_industry.clone().unwrap_or_default(),
            implementation_mode: p.implementation_mode.map(|m| m.as_str().to_string()).unwrap_or_default(),
            starts_on: date(p.starts_on),
            ends_on: date(p.ends_on),
            target_group: p.target_group.clone(),
            planned_count: p.planned_count.map(|c| c.to_string()).unwrap_or_default(),
            background: p.background.clone(),
            content: p.content.clone(),
            safeguards: p.safeguards.clone(),
            line_id: p.lines.iter().map(|l| l.id.to_string()).collect(),
            line_year: p.lines.iter().map(|l| l.project_year.to_string()).collect(),
            line_item: p.lines.iter().map(|l| l.item.clone()).collect(),
            line_unit: p.lines.iter().map(|l| l.unit.clone()).collect(),
            line_price: p.lines.iter().map(|l| decimal(l.unit_price)).collect(),
            line_quantity: p.lines.iter().map(|l| decimal(l.quantity)).collect(),
            indicator_id: p.indicators.iter().map(|i| i.id.to_string()).collect(),
            indicator_year: p.indicators.iter().map(|i| i.project_year.to_string()).collect(),
            indicator_kind: p.indicators.iter().map(|i| i.level2.map(Level2::key).unwrap_or_default()).collect(),
            indicator_name: p.indicators.iter().map(|i| i.name.clone()).collect(),
            indicator_comparison: p
                .indicators
                .iter()
                .map(|i| i.comparison.map(|c| c.as_str().to_string()).unwrap_or_default())
                .collect(),
            indicator_value: p.indicators.iter().map(|i| decimal(i.target_value)).collect(),
            indicator_unit: p.indicators.iter().map(|i| i.unit.clone()).collect(),
            milestone_id: p.milestones.iter().map(|m| m.id.to_string()).collect(),
            milestone_due: p.milestones.iter().map(|m| date(m.due_on)).collect(),
            milestone_description: p.milestones.iter().map(|m| m.description.clone()).collect(),
            version: p.version.to_string(),
            add_row: String::new(),
        }
    }

    /// The table a 添加一行 button asked for, if one did.
    pub fn row_to_add(&self) -> Option<RowTable> {
        match self.add_row.trim() {
            "budget" => Some(RowTable::Budget),
            "indicators" => Some(RowTable::Indicators),
            "milestones" => Some(RowTable::Milestones),
            _ => None,
        }
    }

    /// Checks what is filled in. A draft may be incomplete (what a submission needs is
    /// [`submission_problems`]); what is filled in must be well-formed. `industries` are the
    /// key-industry references the region may choose.
    pub fn parse(&self, industries: &[String]) -> Result<(ProjectInput, Version), FieldErrors> {
        let mut p = FormParser::default();
        let name = p.value::<Text<100>>("name", &self.name);
        let project_type = p.optional::<ProjectType>("project_type", &self.project_type);
        let key_industry = match self.key_industry.trim() {
            "" => Some(None),
            k if industries.iter().any(|i| i == k) => Some(Some(k.to_string())),
            _ => {
                p.check("key_industry", false, "请从本地区的重点行业中选择");
                None
            }
        };
        let mode = p.optional::<ImplementationMode>("implementation_mode", &self.implementation_mode);
        let starts_on = p.optional::<Date>("starts_on", &self.starts_on);
        let ends_on = p.optional::<Date>("ends_on", &self.ends_on);
        if let (Some(Some(s)), Some(Some(e))) = (starts_on, ends_on) {
            p.check("ends_on", e.0 >= s.0, "结束日期不能早于开始日期");
            p.check("ends_on", period(s.0, e.0) != Some(Period::TooLong), "实施周期最长 2 年");
        }
        let target_group = p.value::<Text<500>>("target_group", &self.target_group);
        let planned_count = match self.planned_count.trim().replace([',', '，'], "").as_str() {
            "" => Some(None),
            raw => match raw.parse::<i32>() {
                Ok(n) if (1..=10_000_000).contains(&n) => Some(Some(n)),
                _ => {
                    p.check("planned_count", false, "计划服务人数应为正整数");
                    None
                }
            },
        };
        let background = p.value::<Text<5000>>("background", &self.background);
        let content = p.value::<Text<10000>>("content", &self.content);
        let safeguards = p.value::<Text<5000>>("safeguards", &self.safeguards);
        let lines = self.parse_lines(&mut p);
        let indicators = self.parse_indicators(&mut p);
        let milestones = self.parse_milestones(&mut p);
        let version = p.value::<Version>("version", &self.version);
        p.finish(|| {
            Some((
                ProjectInput {
                    name: name?,
                    project_type: project_type?,
                    key_industry: key_industry?,
                    implementation_mode: mode?,
                    starts_on: starts_on?.map(|d| d.0),
                    ends_on: ends_on?.map(|d| d.0),
                    target_group: target_group?,
                    planned_count: planned_count?,
                    background: background?,
                    content: content?,
                    safeguards: safeguards?,
                    lines: lines?,
                    indicators: indicators?,
                    milestones: milestones?,
                },
                version?,
            ))
        })
    }

    fn parse_lines(&self, p: &mut FormParser) -> Option<Vec<LineInput>> {
        let mut rows = Vec::new();
        let mut ok = true;
        let at = |v: &Vec<String>, i: usize| v.get(i).map(|s| s.trim().to_string()).unwrap_or_default();
        for i in 0..self.line_item.len() {
            let (item, unit, price, quantity) =
                (at(&self.line_item, i), at(&self.line_unit, i), at(&self.line_price, i), at(&self.line_quantity, i));
            if item.is_empty() && unit.is_empty() && price.is_empty() && quantity.is_empty() {
                continue;
            }
            let parsed = (|| -> Result<LineInput, ValueError> {
                let unit_price = if price.is_empty() { None } else { Some(Money::parse_yuan(&price)?) };
                let quantity = if quantity.is_empty() { None } else { Some(parse_quantity(&quantity)?) };
                let amount = match (unit_price, quantity) {
                    (Some(p), Some(q)) => {
                        let a = line_amount(p.yuan(), q).filter(|a| *a < line_limit());
                        Some(a.ok_or(ValueError::new("金额过大"))?)
                    }
                    _ => None,
                };
                Ok(LineInput {
                    id: row_id(self.line_id.get(i)),
                    project_year: project_year(self.line_year.get(i))?,
                    item: Text::parse(&item)?,
                    unit: Text::parse(&unit)?,
                    unit_price,
                    quantity,
                    amount,
                })
            })();
            match parsed {
                Ok(row) => rows.push(row),
                Err(e) => {
                    p.check("budget", false, format!("费用测算第 {} 行：{}", i + 1, e.0));
                    ok = false;
                }
            }
        }
        ok.then_some(rows)
    }

    fn parse_indicators(&self, p: &mut FormParser) -> Option<Vec<IndicatorInput>> {
        let mut rows = Vec::new();
        let mut ok = true;
        let at = |v: &Vec<String>, i: usize| v.get(i).map(|s| s.trim().to_string()).unwrap_or_default();
        for i in 0..self.indicator_name.len() {
            let (kind, name, comparison, value, unit) = (
                at(&self.indicator_kind, i),
                at(&self.indicator_name, i),
                at(&self.indicator_comparison, i),
                at(&self.indicator_value, i),
                at(&self.indicator_unit, i),
            );
            if kind.is_empty() && name.is_empty() && value.is_empty() && unit.is_empty() {
                continue;
            }
            let parsed = (|| -> Result<IndicatorInput, ValueError> {
                let level2 = if kind.is_empty() {
                    None
                } else {
                    Some(Level2::from_key(&kind).ok_or(ValueError::new("请从列表中选择指标类别"))?)
                };
                let comparison = if comparison.is_empty() {
                    None
                } else {
                    Some(Comparison::parse(&comparison).ok_or(ValueError::new("请选择 ≥、≤ 或 ="))?)
                };
                let target_value = if value.is_empty() { None } else { Some(parse_target(&value)?) };
                Ok(IndicatorInput {
                    id: row_id(self.indicator_id.get(i)),
                    project_year: project_year(self.indicator_year.get(i))?,
                    level2,
                    name: Text::parse(&name)?,
                    comparison,
                    target_value,
                    unit: Text::parse(&unit)?,
                })
            })();
            match parsed {
                Ok(row) => rows.push(row),
                Err(e) => {
                    p.check("indicators", false, format!("绩效目标第 {} 行：{}", i + 1, e.0));
                    ok = false;
                }
            }
        }
        ok.then_some(rows)
    }

    fn parse_milestones(&self, p: &mut FormParser) -> Option<Vec<MilestoneInput>> {
        let mut rows = Vec::new();
        let mut ok = true;
        for (i, description) in self.milestone_description.iter().enumerate() {
            let due = self.milestone_due.get(i).map(|s| s.trim()).unwrap_or("");
            if description.trim().is_empty() && due.is_empty() {
                continue;
            }
            let due_on = if due.is_empty() { Ok(None) } else { Date::parse(due).map(|d| Some(d.0)) };
            match (due_on, Text::<200>::parse(description)) {
                (Ok(due_on), Ok(description)) => {
                    rows.push(MilestoneInput { id: row_id(self.milestone_id.get(i)), due_on, description })
                }
                (Err(e), _) | (_, Err(e)) => {
                    p.check("milestones", false, format!("进度安排第 {} 行：{}", i + 1, e.0));
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

fn project_year(raw: Option<&String>) -> Result<i16, ValueError> {
    match raw.map(|s| s.trim()).unwrap_or("") {
        "" | "1" => Ok(1),
        "2" => Ok(2),
        _ => Err(ValueError::new("年度应为第 1 或第 2 年度")),
    }
}

/// A quantity: positive, at most two decimals, below 10^12.
pub fn parse_quantity(raw: &str) -> Result<Decimal, ValueError> {
    let text: String = raw.trim().chars().filter(|c| !matches!(c, ',' | '，' | ' ')).collect();
    let plain =
        !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit() || b == b'.') && text.matches('.').count() <= 1;
    match text.parse::<Decimal>() {
        Ok(q) if plain && q > Decimal::ZERO && q.round_dp(2) == q && q < line_limit() => Ok(q),
        _ => Err(ValueError::new("数量应为大于 0 的数，最多两位小数")),
    }
}

/// A target value: a number (negative allowed, e.g. a change), at most four decimals.
fn parse_target(raw: &str) -> Result<Decimal, ValueError> {
    let text: String =
        raw.trim().trim_end_matches(['%', '％']).chars().filter(|c| !matches!(c, ',' | '，' | ' ')).collect();
    match text.parse::<Decimal>() {
        Ok(v) if v.round_dp(4) == v && v.abs() < Decimal::from(100_000_000_000_000_i64) => Ok(v),
        _ => Err(ValueError::new("目标值应为数值，如 500 或 90")),
    }
}

/// A checked edit. Row ids are `None` for new rows.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProjectInput {
    pub name: Text<100>,
    pub project_type: Option<ProjectType>,
    pub key_industry: Option<String>,
    pub implementation_mode: Option<ImplementationMode>,
    pub starts_on: Option<NaiveDate>,
    pub ends_on: Option<NaiveDate>,
    pub target_group: Text<500>,
    pub planned_count: Option<i32>,
    pub background: Text<5000>,
    pub content: Text<10000>,
    pub safeguards: Text<5000>,
    pub lines: Vec<LineInput>,
    pub indicators: Vec<IndicatorInput>,
    pub milestones: Vec<MilestoneInput>,
}

impl ProjectInput {
    /// The requested amount: the sum of the lines that have one.
    pub fn requested_amount(&self) -> Money {
        totals(self.lines.iter().filter_map(|l| l.amount.map(|a| (l.project_year, a)))).total
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LineInput {
    pub id: Option<i64>,
    pub project_year: i16,
    pub item: Text<100>,
    pub unit: Text<20>,
    pub unit_price: Option<Money>,
    pub quantity: Option<Decimal>,
    pub amount: Option<Decimal>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IndicatorInput {
    pub id: Option<i64>,
    pub project_year: i16,
    pub level2: Option<Level2>,
    pub name: Text<100>,
    pub comparison: Option<Comparison>,
    pub target_value: Option<Decimal>,
    pub unit: Text<20>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MilestoneInput {
    pub id: Option<i64>,
    pub due_on: Option<NaiveDate>,
    pub description: Text<200>,
}

/// A draw as recorded.
#[derive(Clone, Debug)]
pub struct DrawRecord {
    pub id: i64,
    pub seed: Vec<u8>,
    pub candidates: Vec<Candidate>,
    pub mix: Vec<Need>,
    pub picks: Vec<i64>,
    pub replaced_expert: Option<i64>,
    pub reason: String,
    pub drawn_by_name: String,
    pub drawn_at: DateTime<Utc>,
    /// The names of the candidates (so of the picks), as the pool has them now.
    pub names: std::collections::HashMap<String, String>,
}

impl DrawRecord {
    /// Whether drawing again from the record gives the recorded picks.
    pub fn reproduces(&self) -> bool {
        let Ok(seed) = <[u8; 32]>::try_from(self.seed.as_slice()) else { return false };
        draw::draw(seed, &self.candidates, &self.mix).is_ok_and(|picks| picks == self.picks)
    }
}

/// A panel as its page shows it: the project, the stage, its round's mix, its members and draws.
pub struct Panel {
    pub project: Project,
    pub stage: PanelStage,
    pub mix: Vec<Need>,
    pub members: Vec<Member>,
    pub draws: Vec<DrawRecord>,
}

/// A member of the panel, with the draw that put them there and the one that replaced them.
#[derive(Clone, Debug)]
pub struct Member {
    pub expert_id: i64,
    pub name: String,
    pub specialty: Specialty,
    pub organization: String,
    pub title: String,
    pub draw_id: i64,
    pub replaced_by: Option<i64>,
}

impl Project {
    /// Who a draw for this project avoids: the organization that applies (or the department).
    pub fn applicant_for_draw(&self) -> crate::experts::draw::Applicant {
        crate::experts::draw::Applicant {
            name: self.applicant_name(),
            credit_code: self.applicant.as_ref().map(|a| a.credit_code.clone()),
        }
    }
}

#[cfg(test)]
pub mod fixtures;
#[cfg(test)]
mod tests;
