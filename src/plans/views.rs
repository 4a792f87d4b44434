//! Page structs of the plan pages.

use askama::Template;
use chrono::Utc;

use super::model::{
    ATTACHMENT_KINDS, Plan, PlanAction, PlanForm, PlanStatus, Standing, is_late, may_edit, may_write,
    submission_problems, transitions,
};
use super::store::{OverviewLine, PlanLine};
use super::{IndexQuery, Loaded};
use crate::attachments::{self, KindGroup};
use crate::auth::Actor;
use crate::cycles::Cycle;
use crate::key_industries::model::KeyIndustry;
use crate::org::{DepartmentKind, Region, RegionLevel};
use crate::values::time;
use crate::web::deadline::{self, DueStatus};
use crate::web::form::{Choice, FieldErrors};
use crate::web::layout::{Chrome, Crumb, Layout};
use crate::web::once;
use crate::web::print::{PrintDoc, official_date};
use crate::workflow::history::TimelineLine;

use crate::workflow::{available, needs_comment};

fn cycle_choices(cycles: &[Cycle]) -> Vec<Choice> {
    cycles.iter().map(|c| Choice::new(c.first_year.to_string(), c.years())).collect()
}

fn plans_crumb() -> Crumb {
    Crumb::link("实施方案", "/plans")
}

/// The filing deadline's standing for a plan not yet submitted.
fn filing_due(cycle: &Cycle) -> DueStatus {
    deadline::due_status(cycle.plan_filing_due, Utc::now())
}

#[derive(Template)]
#[template(path = "plans/index.html")]
pub struct IndexPage {
    pub layout: Layout,
    pub cycles: Vec<Choice>,
    pub cycle_year: String,
    pub cycle_label: String,
    pub filing_due: String,
    pub region: Region,
    pub plan: Option<PlanLine>,
    pub late: bool,
    /// Not submitted yet: where the filing deadline stands.
    pub due: Option<String>,
    pub may_create: bool,
    pub form_token: String,
}

impl IndexPage {
    pub fn new(
        chrome: &Chrome,
        cycles: &[Cycle],
        cycle: &Cycle,
        region: Region,
        plan: Option<PlanLine>,
        may_write: bool,
    ) -> IndexPage {
        let submitted = plan.as_ref().and_then(|p| p.first_submitted_at);
        IndexPage {
            layout: chrome.layout("实施方案", vec![Crumb::here("实施方案")]),
            cycles: cycle_choices(cycles),
            cycle_year: cycle.first_year.to_string(),
            cycle_label: cycle.years(),
            filing_due: cycle.plan_filing_due.to_string(),
            late: is_late(submitted, cycle),
            due: submitted.is_none().then(|| filing_due(cycle).label()),
            may_create: may_write && plan.is_none(),
            plan,
            region,
            form_token: once::new_token(),
        }
    }
}

/// The overview's filters.
#[derive(Clone, Debug, Default)]
pub struct OverviewFilter {
    pub standing: Option<Standing>,
    /// `Some(true)`: only late; `Some(false)`: only on time.
    pub late: Option<bool>,
}

impl OverviewFilter {
    pub fn from_query(q: &IndexQuery) -> OverviewFilter {
        OverviewFilter {
            standing: q.status.as_deref().and_then(|s| Standing::parse(s.trim())),
            late: match q.timing.as_deref().map(str::trim) {
                Some("late") => Some(true),
                Some("on_time") => Some(false),
                _ => None,
            },
        }
    }

    pub fn keeps(&self, line: &OverviewLine, cycle: &Cycle) -> bool {
        let standing = line.plan.as_ref().map_or(Standing::NotStarted, |p| Standing::At(p.status));
        let late = line.plan.as_ref().is_some_and(|p| is_late(p.first_submitted_at, cycle));
        let submitted = line.plan.as_ref().is_some_and(|p| p.first_submitted_at.is_some());
        self.standing.is_none_or(|s| s == standing)
            && match self.late {
                None => true,
                Some(true) => late,
                Some(false) => submitted && !late,
            }
    }

    pub fn to_query_string(&self, cycle: &Cycle) -> String {
        let mut out = form_urlencoded::Serializer::new(String::new());
        out.append_pair("cycle", &cycle.first_year.to_string());
        if let Some(s) = self.standing {
            out.append_pair("status", s.key());
        }
        if let Some(late) = self.late {
            out.append_pair("timing", if late { "late" } else { "on_time" });
        }
        out.finish()
    }

    pub fn describe(&self, cycle: &Cycle) -> Vec<(&'static str, String)> {
        vec![
            ("周期", cycle.years()),
            ("状态", self.standing.map_or("全部".to_string(), |s| s.label().to_string())),
            (
                "报备时间",
                match self.late {
                    None => "全部".to_string(),
                    Some(true) => "逾期".to_string(),
                    Some(false) => "按期".to_string(),
                },
            ),
        ]
    }
}

/// A line of the overview.
pub struct OverviewRow {
    pub region_name: String,
    pub standing: &'static str,
    pub standing_key: &'static str,
    pub late: bool,
    pub submitted: String,
    pub decided: String,
    pub link: Option<String>,
}

#[derive(Template)]
#[template(path = "plans/overview.html")]
pub struct OverviewPage {
    pub layout: Layout,
    pub cycles: Vec<Choice>,
    pub cycle_year: String,
    pub cycle_label: String,
    pub filing_due: String,
    pub rows: Vec<OverviewRow>,
    /// (label, count) of every standing, for the summary above the table.
    pub counts: Vec<(&'static str, usize)>,
    pub late_count: usize,
    pub standings: Vec<Choice>,
    pub standing: String,
    pub timing: String,
    pub export_query: String,
    /// The province's own plan, to write or to see.
    pub own: Option<String>,
    pub form_token: String,
}

impl OverviewPage {
    pub fn new(
        chrome: &Chrome,
        cycles: &[Cycle],
        cycle: &Cycle,
        lines: Vec<OverviewLine>,
        q: &IndexQuery,
    ) -> OverviewPage {
        let filter = OverviewFilter::from_query(q);
        let standing_of = |l: &OverviewLine| l.plan.as_ref().map_or(Standing::NotStarted, |p| Standing::At(p.status));
        let counts =
            Standing::ALL.iter().map(|s| (s.label(), lines.iter().filter(|l| standing_of(l) == *s).count())).collect();
        let late_count =
            lines.iter().filter(|l| l.plan.as_ref().is_some_and(|p| is_late(p.first_submitted_at, cycle))).count();
        let own = lines
            .iter()
            .find(|l| l.region.level == crate::org::RegionLevel::Province)
            .and_then(|l| l.plan.as_ref())
            .map(|p| format!("/plans/{}", p.id));
        let rows = lines
            .iter()
            .filter(|l| filter.keeps(l, cycle))
            .map(|l| {
                let standing = standing_of(l);
                OverviewRow {
                    region_name: l.region.name.clone(),
                    standing: standing.label(),
                    standing_key: standing.key(),
                    late: l.plan.as_ref().is_some_and(|p| is_late(p.first_submitted_at, cycle)),
                    submitted: l
                        .plan
                        .as_ref()
                        .and_then(|p| p.first_submitted_at)
                        .as_ref()
                        .map(time::minutes)
                        .unwrap_or_default(),
                    decided: l
                        .plan
                        .as_ref()
                        .filter(|p| p.status.is_final())
                        .and_then(|p| p.decided_at)
                        .as_ref()
                        .map(time::minutes)
                        .unwrap_or_default(),
                    link: l.plan.as_ref().map(|p| format!("/plans/{}", p.id)),
                }
            })
            .collect();
        OverviewPage {
            layout: chrome.layout("实施方案报备情况", vec![Crumb::here("实施方案")]),
            cycles: cycle_choices(cycles),
            cycle_year: cycle.first_year.to_string(),
            cycle_label: cycle.years(),
            filing_due: cycle.plan_filing_due.to_string(),
            rows,
            counts,
            late_count,
            standings: Standing::ALL.iter().map(|s| Choice::new(s.key(), s.label())).collect(),
            standing: filter.standing.map(|s| s.key().to_string()).unwrap_or_default(),
            timing: match filter.late {
                None => String::new(),
                Some(true) => "late".into(),
                Some(false) => "on_time".into(),
            },
            export_query: filter.to_query_string(cycle),
            own,
            form_token: once::new_token(),
        }
    }
}

/// A task row as the plan page shows it.
pub struct TaskLine {
    pub task: String,
    pub department: &'static str,
    pub measures: String,
    pub deadline: String,
    /// The viewer's own department's task (partner and agency officers see theirs marked).
    pub mine: bool,
}

/// An action the viewer may take, with whether it asks for a reason.
pub struct ActionButton {
    pub action: &'static str,
    pub label: &'static str,
    pub needs_comment: bool,
    pub danger: bool,
}

/// What the detail page shows after an action that did not go through.
#[derive(Default)]
pub struct Feedback {
    /// Why a transition failed (else the page lists what a submission still needs).
    pub problems: Vec<String>,
    /// The reason typed, kept for another try.
    pub comment: String,
    /// Why an upload was refused, shown beside the upload form.
    pub upload: Option<String>,
}

impl Feedback {
    pub fn upload(message: String) -> Feedback {
        Feedback { upload: Some(message), ..Feedback::default() }
    }
}

#[derive(Template)]
#[template(path = "plans/detail.html")]
pub struct DetailPage {
    pub layout: Layout,
    pub plan: Plan,
    pub cycle_label: String,
    pub filing_due: String,
    pub late: bool,
    pub due: Option<String>,
    pub industries: Vec<String>,
    pub tasks: Vec<TaskLine>,
    pub editable: bool,
    pub actions: Vec<ActionButton>,
    /// One of the actions asks for a reason: the form shows the box.
    pub asks_comment: bool,
    /// What a submission still needs (shown to the plan's writers while it is open), or why an
    /// action just failed.
    pub problems: Vec<String>,
    pub timeline: Vec<TimelineLine>,
    pub versions: Vec<(i32, String, String)>,
    pub comment: String,
    pub form_token: String,
    pub files: Vec<KindGroup>,
    /// The plan's URL, under which its files are.
    pub files_base: String,
    pub upload_kinds: Vec<Choice>,
    pub upload_error: Option<String>,
    pub max_size: String,
}

impl DetailPage {
    /// `max_upload`: the attachment size limit, named beside the upload form.
    pub fn new(chrome: &Chrome, actor: &Actor, l: Loaded, feedback: Feedback, max_upload: usize) -> DetailPage {
        let Loaded { plan, cycle, timeline, versions, attachments, .. } = l;
        let title = format!("{}工伤预防实施方案（{}）", plan.region.name, cycle.years());
        let editable = may_edit(actor, &plan);
        let problems = if !feedback.problems.is_empty() {
            feedback.problems
        } else if editable {
            submission_problems(&plan, &cycle, &attachments)
        } else {
            Vec::new()
        };
        let actions: Vec<ActionButton> = available(transitions(plan.region.level), plan.status, actor.role)
            .into_iter()
            .filter(|a| *a != PlanAction::Submit || may_write(actor, &plan.region))
            .map(|a| ActionButton {
                action: a.as_str(),
                label: a.label(),
                needs_comment: needs_comment(transitions(plan.region.level), a),
                danger: a == PlanAction::Return,
            })
            .collect();
        let asks_comment = actions.iter().any(|a| a.needs_comment);
        DetailPage {
            asks_comment,
            layout: chrome.layout(
                title.clone(),
                vec![plans_crumb(), Crumb::here(format!("{} {}", plan.region.name, cycle.years()))],
            ),
            cycle_label: cycle.years(),
            filing_due: cycle.plan_filing_due.to_string(),
            late: is_late(plan.first_submitted_at, &cycle),
            due: plan.first_submitted_at.is_none().then(|| filing_due(&cycle).label()),
            industries: plan.industry_names.clone(),
            tasks: task_lines(&plan, &cycle, actor),
            editable,
            actions,
            problems,
            timeline,
            versions: versions
                .into_iter()
                .map(|v| (v.version_no, v.account_name, time::minutes(&v.frozen_at)))
                .collect(),
            comment: feedback.comment,
            form_token: once::new_token(),
            files: attachments::group(ATTACHMENT_KINDS, &attachments),
            files_base: format!("/plans/{}", plan.id),
            upload_kinds: ATTACHMENT_KINDS
                .iter()
                .map(|k| Choice::new(k.key, format!("{}（{}）", k.label, attachments::detect::names(k.types))))
                .collect(),
            upload_error: feedback.upload,
            max_size: attachments::human_size(max_upload as i64),
            plan,
        }
    }

    fn percent(&self, value: &Option<rust_decimal::Decimal>) -> String {
        percent(value)
    }

    fn date(&self, value: &Option<chrono::NaiveDate>) -> String {
        date(value)
    }
}

fn percent(value: &Option<rust_decimal::Decimal>) -> String {
    value.map(|v| format!("{}%", v.normalize())).unwrap_or_else(|| "未填写".into())
}

fn date(value: &Option<chrono::NaiveDate>) -> String {
    value.map(|d| d.to_string()).unwrap_or_else(|| "未填写".into())
}

/// The plan's tasks as its pages show them, the viewer's own department's marked.
fn task_lines(plan: &Plan, cycle: &Cycle, actor: &Actor) -> Vec<TaskLine> {
    let mine = |d: DepartmentKind| {
        matches!(actor.role, crate::org::Role::PartnerOfficer | crate::org::Role::AgencyOfficer)
            && actor.department == Some(d)
    };
    plan.tasks
        .iter()
        .map(|t| TaskLine {
            task: cycle.task(t.cycle_task_id).map(|c| c.title.clone()).unwrap_or_default(),
            department: t.department.label(),
            measures: t.measures.clone(),
            deadline: t.deadline.map(|d| d.to_string()).unwrap_or_default(),
            mine: mine(t.department),
        })
        .collect()
}

/// The plan on A4: the whole plan as an official document, its tasks as a table.
#[derive(Template)]
#[template(path = "plans/print.html")]
pub struct PrintPage {
    pub doc: PrintDoc,
    pub plan: Plan,
    pub cycle_label: String,
    pub accident_rate: String,
    pub training_coverage: String,
    pub training_due: String,
    pub industries: Vec<String>,
    pub tasks: Vec<TaskLine>,
}

impl PrintPage {
    pub fn new(actor: &Actor, plan: &Plan, cycle: &Cycle) -> PrintPage {
        let issuer = issuing_body(&plan.region);
        let reviewer = match plan.region.level {
            RegionLevel::Province => Vec::new(),
            _ => vec!["省人力资源社会保障厅备案意见（盖章）".to_string()],
        };
        let mut seals = vec![format!("{issuer}（盖章）")];
        seals.extend(reviewer);
        PrintPage {
            doc: PrintDoc {
                mark: draft_mark(plan.status).to_string(),
                label: String::new(),
                title: format!("{}工伤预防实施方案（{}）", plan.region.name, cycle.years()),
                document_number: plan.document_number.clone(),
                issuer,
                date: plan.issued_on.map(official_date).unwrap_or_default(),
                back: format!("/plans/{}", plan.id),
                seals,
            },
            cycle_label: cycle.years(),
            accident_rate: percent(&plan.accident_rate_reduction_percent),
            training_coverage: percent(&plan.training_coverage_percent),
            training_due: plan.training_coverage_due.map(official_date).unwrap_or_else(|| "未填写".into()),
            industries: plan.industry_names.clone(),
            tasks: task_lines(plan, cycle, actor),
            plan: plan.clone(),
        }
    }
}

/// What a printed plan says it is not yet.
fn draft_mark(status: PlanStatus) -> &'static str {
    match status {
        PlanStatus::Draft => "草稿",
        PlanStatus::Returned => "退回修改稿",
        PlanStatus::Submitted => "报备稿（未备案）",
        PlanStatus::Filed | PlanStatus::Issued => "",
    }
}

/// Who issues a region's plan: the province's department, or a city's bureau.
fn issuing_body(region: &Region) -> String {
    match region.level {
        RegionLevel::Province => format!("{}人力资源和社会保障厅", region.name),
        _ => format!("{}人力资源和社会保障局", region.name),
    }
}

/// An indicator row of the edit form.
pub struct IndicatorRow {
    pub id: String,
    pub name: String,
    pub target: String,
    pub unit: String,
}

/// A task row of the edit form.
pub struct TaskRow {
    pub id: String,
    pub task: String,
    pub department: String,
    pub measures: String,
    pub deadline: String,
}

/// Blank rows offered below the existing ones.
const BLANK_ROWS: usize = 3;

#[derive(Template)]
#[template(path = "plans/edit.html")]
pub struct EditPage {
    pub layout: Layout,
    pub id: String,
    pub form: PlanForm,
    pub errors: FieldErrors,
    pub tasks_of_cycle: Vec<Choice>,
    pub departments: Vec<Choice>,
    pub industries: Vec<(Choice, bool)>,
    pub indicators: Vec<IndicatorRow>,
    pub tasks: Vec<TaskRow>,
}

impl EditPage {
    pub fn new(
        chrome: &Chrome,
        plan: &Plan,
        cycle: &Cycle,
        industries: &[KeyIndustry],
        form: PlanForm,
        errors: FieldErrors,
    ) -> EditPage {
        let at = |v: &Vec<String>, i: usize| v.get(i).cloned().unwrap_or_default();
        let mut indicators: Vec<IndicatorRow> = (0..form.indicator_name.len())
            .map(|i| IndicatorRow {
                id: at(&form.indicator_id, i),
                name: at(&form.indicator_name, i),
                target: at(&form.indicator_target, i),
                unit: at(&form.indicator_unit, i),
            })
            .collect();
        indicators.extend((0..BLANK_ROWS).map(|_| IndicatorRow {
            id: String::new(),
            name: String::new(),
            target: String::new(),
            unit: String::new(),
        }));
        let mut tasks: Vec<TaskRow> = (0..form.task_cycle_task.len())
            .map(|i| TaskRow {
                id: at(&form.task_id, i),
                task: at(&form.task_cycle_task, i),
                department: at(&form.task_department, i),
                measures: at(&form.task_measures, i),
                deadline: at(&form.task_deadline, i),
            })
            .collect();
        tasks.extend((0..BLANK_ROWS).map(|_| TaskRow {
            id: String::new(),
            task: String::new(),
            department: String::new(),
            measures: String::new(),
            deadline: String::new(),
        }));
        let title = format!("编辑实施方案：{} {}", plan.region.name, cycle.years());
        EditPage {
            layout: chrome.layout(
                title,
                vec![
                    plans_crumb(),
                    Crumb::link(format!("{} {}", plan.region.name, cycle.years()), format!("/plans/{}", plan.id)),
                    Crumb::here("编辑"),
                ],
            ),
            id: plan.id.to_string(),
            tasks_of_cycle: cycle.tasks.iter().map(|t| Choice::new(t.id.to_string(), t.title.clone())).collect(),
            departments: cycle.departments.iter().map(|d| Choice::new(d.as_str(), d.label())).collect(),
            industries: industries
                .iter()
                .map(|k| {
                    (
                        Choice::new(k.reference.clone(), format!("{}（{}）", k.name, k.division_list())),
                        form.industry.contains(&k.reference),
                    )
                })
                .collect(),
            indicators,
            tasks,
            form,
            errors,
        }
    }
}

/// Where the comparison page of a plan sits.
pub fn compare_crumbs(plan: &Plan, cycle: &Cycle) -> Vec<Crumb> {
    vec![plans_crumb(), Crumb::link(format!("{} {}", plan.region.name, cycle.years()), format!("/plans/{}", plan.id))]
}
