//! Page structs of the project application pages.

use askama::Template;
use chrono::NaiveDate;
use rust_decimal::Decimal;

use super::model::{
    Comparison as Compare, ImplementationMode, Level2, Member, Panel, PanelStage, Project, ProjectAction, ProjectForm,
    ProjectStatus, ProjectType, RowTable, may_edit, may_write, submission_problems, transitions,
};
use super::store::{ProjectLine, Sort};
use crate::applicants::model::Applicant;
use crate::attachments::{self, Attachment, KindGroup};
use crate::auth::Actor;
use crate::key_industries::model::KeyIndustry;
use crate::project_rounds::model::Round;
use crate::reference::Reference;
use crate::values::{Money, time};
use crate::web::form::{Choice, FieldErrors, choices};
use crate::web::layout::{Chrome, Crumb, Layout};
use crate::web::once;
use crate::web::pagination::Pager;
use crate::web::print::{PrintDoc, official_date};
use crate::workflow::history::TimelineLine;
use crate::workflow::versions::Version;
use crate::workflow::{Problem, available, needs_comment};

fn crumb() -> Crumb {
    Crumb::link("项目申报", "/projects")
}

/// The name of a key-industry reference among `industries` (the reference itself if gone).
pub fn industry_name(industries: &[KeyIndustry], reference: Option<&str>) -> String {
    match reference {
        None => String::new(),
        Some(r) => industries.iter().find(|k| k.reference == r).map_or_else(|| r.to_string(), |k| k.name.clone()),
    }
}

fn decimal(d: Option<Decimal>) -> String {
    d.map(|d| d.normalize().to_string()).unwrap_or_default()
}

fn yuan(d: Option<Decimal>) -> String {
    d.map(|d| Money::from_yuan(d).unwrap_or_default().show_yuan()).unwrap_or_default()
}

/// An application as the lists show it.
pub struct Row {
    pub id: String,
    pub region: String,
    pub year: i16,
    pub round: String,
    pub applicant: String,
    pub name: String,
    pub project_type: &'static str,
    pub key_industry: String,
    pub status: ProjectStatus,
    pub amount_wan: String,
    pub submitted: String,
}

pub fn row(l: &ProjectLine, industries: &[KeyIndustry]) -> Row {
    Row {
        id: l.id.to_string(),
        region: l.region_name.clone(),
        year: l.year,
        round: l.round_title.clone(),
        applicant: line_applicant(l),
        name: if l.name.is_empty() { "（未命名）".to_string() } else { l.name.clone() },
        project_type: l.project_type.map(|t| t.label()).unwrap_or(""),
        key_industry: industry_name(industries, l.key_industry.as_deref()),
        status: l.status,
        amount_wan: l.requested_amount.show_wan(),
        submitted: l.last_submitted_at.map(|t| time::minutes(&t)).unwrap_or_default(),
    }
}

pub fn line_applicant(l: &ProjectLine) -> String {
    match (&l.applicant_name, l.department_kind) {
        (Some(name), _) => name.clone(),
        (None, Some(d)) => format!("{}{}（部门）", l.region_name, d.label()),
        _ => String::new(),
    }
}

/// The list's filter values as its form shows them.
#[derive(Default)]
pub struct Selected {
    pub region: String,
    pub year: String,
    pub round: String,
    pub status: String,
    pub project_type: String,
    pub key_industry: String,
    pub q: String,
    pub sort: String,
    pub applicant: String,
}

/// A status tab with its count and the link that filters by it.
pub struct StatusTab {
    pub label: &'static str,
    pub count: i64,
    pub href: String,
    pub active: bool,
}

#[derive(Template)]
#[template(path = "projects/list.html")]
pub struct ListPage {
    pub layout: Layout,
    pub rows: Vec<Row>,
    pub pager: Pager,
    pub tabs: Vec<StatusTab>,
    pub show_region: bool,
    pub regions: Vec<Choice>,
    pub years: Vec<Choice>,
    pub rounds: Vec<Choice>,
    pub types: Vec<Choice>,
    pub key_industries: Vec<Choice>,
    pub sorts: Vec<Choice>,
    pub selected: Selected,
    /// The list's query without the status, for the tabs and the export.
    pub export_query: String,
    pub may_create: bool,
}

pub struct ListParts {
    pub lines: Vec<ProjectLine>,
    pub pager: Pager,
    pub counts: Vec<(ProjectStatus, i64)>,
    pub rounds: Vec<Choice>,
    pub industries: Vec<KeyIndustry>,
    pub selected: Selected,
    /// The query string without the status (tabs add theirs).
    pub base_query: String,
}

impl ListPage {
    pub fn new(chrome: &Chrome, actor: &Actor, reference: &Reference, parts: ListParts) -> ListPage {
        let province = actor.role == crate::org::Role::ProvinceOfficer;
        let this_year = chrono::Datelike::year(&time::today());
        let join = |extra: &str| {
            let parts: Vec<&str> = [parts.base_query.as_str(), extra].into_iter().filter(|s| !s.is_empty()).collect();
            format!("/projects?{}", parts.join("&"))
        };
        let total: i64 = parts.counts.iter().map(|(_, n)| n).sum();
        let mut tabs =
            vec![StatusTab { label: "全部", count: total, href: join(""), active: parts.selected.status.is_empty() }];
        for status in ProjectStatus::ALL {
            tabs.push(StatusTab {
                label: status.label(),
                count: parts.counts.iter().find(|(s, _)| s == status).map_or(0, |(_, n)| *n),
                href: join(&format!("status={}", status.as_str())),
                active: parts.selected.status == status.as_str(),
            });
        }
        let export_query = if parts.selected.status.is_empty() {
            parts.base_query.clone()
        } else {
            format!("{}&status={}", parts.base_query, parts.selected.status).trim_start_matches('&').to_string()
        };
        ListPage {
            layout: chrome.layout("项目申报", vec![Crumb::here("项目申报")]),
            rows: parts.lines.iter().map(|l| row(l, &parts.industries)).collect(),
            pager: parts.pager,
            tabs,
            show_region: province,
            regions: if province {
                reference.regions.iter().map(|r| Choice::new(r.code.clone(), r.name.clone())).collect()
            } else {
                Vec::new()
            },
            years: (this_year - 5..=this_year + 1)
                .rev()
                .map(|y| Choice::new(y.to_string(), format!("{y}年")))
                .collect(),
            rounds: parts.rounds,
            types: choices::<ProjectType>(),
            key_industries: parts.industries.iter().map(|k| Choice::new(k.reference.clone(), k.name.clone())).collect(),
            sorts: choices::<Sort>(),
            selected: parts.selected,
            export_query,
            may_create: actor.region.as_ref().is_some_and(|r| may_write(actor, r)),
        }
    }
}

#[derive(Template)]
#[template(path = "projects/new.html")]
pub struct NewPage {
    pub layout: Layout,
    pub round: Round,
    pub window: &'static str,
    pub applicants: Vec<Choice>,
    pub applicant: String,
    pub credit_code: String,
    /// A credit code looked up and not found among the region's applicants.
    pub not_found: bool,
    pub departments: Vec<Choice>,
    pub form_token: String,
}

impl NewPage {
    pub fn new(
        chrome: &Chrome,
        round: Round,
        applicants: Vec<Choice>,
        applicant: String,
        credit_code: String,
        not_found: bool,
        departments: Vec<Choice>,
    ) -> NewPage {
        NewPage {
            layout: chrome.layout(
                "录入项目申报",
                vec![
                    crumb(),
                    Crumb::link(round.title.clone(), format!("/project-rounds/{}", round.id)),
                    Crumb::here("录入"),
                ],
            ),
            window: round.window(time::today()).label(),
            round,
            applicants,
            applicant,
            credit_code,
            not_found,
            departments,
            form_token: once::new_token(),
        }
    }
}

pub struct ActionButton {
    pub action: &'static str,
    pub label: &'static str,
    pub danger: bool,
}

/// What the detail page shows after an action that did not go through.
#[derive(Default)]
pub struct Feedback {
    pub problems: Vec<Problem>,
    pub comment: String,
    pub upload: Option<String>,
}

impl Feedback {
    pub fn upload(message: String) -> Feedback {
        Feedback { upload: Some(message), ..Feedback::default() }
    }
}

/// A problem as the page lists it: its message, and where on the form to fix it.
pub struct ProblemLine {
    pub message: String,
    pub href: String,
}

pub struct LineView {
    pub year: i16,
    pub item: String,
    pub unit: String,
    pub price: String,
    pub quantity: String,
    pub amount: String,
}

pub struct IndicatorView {
    pub year: i16,
    pub level1: &'static str,
    pub level2: &'static str,
    pub name: String,
    pub target: String,
}

/// The figures of the cost estimate: lines, totals by year and overall in 元 and 万元, 大写.
pub struct Figures {
    pub by_year: Vec<(i16, String, String)>,
    pub total_yuan: String,
    pub total_wan: String,
    pub capitals: String,
}

fn money_view(p: &Project) -> (Vec<LineView>, Figures) {
    let lines = p
        .lines
        .iter()
        .map(|l| LineView {
            year: l.project_year,
            item: l.item.clone(),
            unit: l.unit.clone(),
            price: yuan(l.unit_price),
            quantity: decimal(l.quantity),
            amount: yuan(l.amount),
        })
        .collect();
    let t = p.totals();
    let figures = Figures {
        by_year: t.by_year.iter().map(|(y, m)| (*y, m.show_yuan(), m.show_wan())).collect(),
        total_yuan: t.total.show_yuan(),
        total_wan: t.total.show_wan(),
        capitals: t.total.capitals(),
    };
    (lines, figures)
}

fn indicator_views(p: &Project) -> Vec<IndicatorView> {
    p.indicators
        .iter()
        .map(|i| IndicatorView {
            year: i.project_year,
            level1: i.level2.map(|l| l.parent().label()).unwrap_or(""),
            level2: i.level2.map(|l| l.label()).unwrap_or(""),
            name: i.name.clone(),
            target: i.target(),
        })
        .collect()
}

/// The comment of the last return, shown on top of the form and the page while it is open.
pub fn return_comment(project: &Project, timeline: &[TimelineLine]) -> Option<(String, String, String)> {
    if project.status != ProjectStatus::Returned {
        return None;
    }
    timeline
        .iter()
        .find(|t| t.moved && t.action == ProjectAction::Return.label())
        .map(|t| (t.comment.clone(), t.who.clone(), t.at.clone()))
}

/// The application as its pages read it (`templates/projects/application.html`).
pub struct ApplicationParts {
    pub applicant_name: String,
    pub key_industry: String,
    pub lines: Vec<LineView>,
    pub money: Figures,
    pub indicators: Vec<IndicatorView>,
    /// The applicant's contact and its page: officers only (experts judge the application, they
    /// do not call the applicant).
    pub show_contact: bool,
}

impl ApplicationParts {
    pub fn of(project: &Project, industries: &[KeyIndustry], show_contact: bool) -> ApplicationParts {
        let (lines, money) = money_view(project);
        ApplicationParts {
            applicant_name: project.applicant_name(),
            key_industry: project
                .key_industry_name
                .clone()
                .unwrap_or_else(|| industry_name(industries, project.key_industry.as_deref())),
            lines,
            money,
            indicators: indicator_views(project),
            show_contact,
        }
    }

    pub fn date(&self, d: &Option<NaiveDate>) -> String {
        d.map(|d| d.to_string()).unwrap_or_else(|| "未填写".into())
    }
}

/// Everything the application's page needs beside the record.
pub struct Context<'a> {
    pub round: &'a Round,
    pub industries: &'a [KeyIndustry],
    pub timeline: Vec<TimelineLine>,
    pub versions: Vec<Version>,
    pub files: Vec<Attachment>,
    pub max_upload: usize,
    /// The actor may take the pre-review's actions (someone else entered and submitted it).
    pub may_pre_review: bool,
}

#[derive(Template)]
#[template(path = "projects/detail.html")]
pub struct DetailPage {
    pub layout: Layout,
    pub project: Project,
    pub parts: ApplicationParts,
    pub returned: Option<(String, String, String)>,
    pub editable: bool,
    /// 终止项目 is offered: the region's keeper, the project under way.
    pub may_terminate: bool,
    pub actions: Vec<ActionButton>,
    pub asks_comment: bool,
    pub problems: Vec<ProblemLine>,
    pub problems_heading: &'static str,
    /// Why the pre-review's buttons are not offered to this officer.
    pub pre_review_note: bool,
    pub timeline: Vec<TimelineLine>,
    pub versions: Vec<(i32, String, String)>,
    pub comment: String,
    pub form_token: String,
    pub files: Vec<KindGroup>,
    pub files_base: String,
    pub upload_kinds: Vec<Choice>,
    pub upload_error: Option<String>,
    pub max_size: String,
}

impl DetailPage {
    /// The approval's page has something to show: the application reached the decision.
    pub fn after_review(&self) -> bool {
        self.project.status == ProjectStatus::Reviewed
            || self.project.status.is_approved()
            || self.project.approved_amount.is_some()
    }

    /// Progress is reported once the agreement is signed, and read after.
    pub fn under_way(&self) -> bool {
        self.project.status.after_signing()
    }

    /// The completion and acceptance page: from the signing on.
    pub fn accepting(&self) -> bool {
        self.project.status.after_signing()
    }

    /// The panel page: while an expert panel is drawn or scored, and after an acceptance's.
    pub fn has_panel(&self) -> bool {
        PanelStage::of(self.project.status).is_some()
            || self.project.status == ProjectStatus::Reviewed
            || PanelStage::shown_for(self.project.status).len() > 1
    }

    /// The agreement's page has something to show (or to fill in).
    pub fn has_agreement(&self) -> bool {
        self.project.status.after_filing()
    }

    pub fn new(chrome: &Chrome, actor: &Actor, project: Project, c: Context<'_>, feedback: Feedback) -> DetailPage {
        let editable = may_edit(actor, &project);
        let base = format!("/projects/{}", project.id);
        let (problems, problems_heading) = if !feedback.problems.is_empty() {
            (feedback.problems, "未能办理：")
        } else if editable {
            (submission_problems(&project, c.round, &c.files, time::today()), "提交前还需完成：")
        } else {
            (Vec::new(), "")
        };
        let problems = problems
            .into_iter()
            .map(|p| ProblemLine {
                href: match p.field {
                    Some("attachments") => format!("{base}#attachments"),
                    Some("round") | None => String::new(),
                    Some(field) if editable => format!("{base}/edit#{field}"),
                    Some(_) => String::new(),
                },
                message: p.message,
            })
            .collect();
        let table = transitions(project.region.level);
        let actions: Vec<ActionButton> = available(table, project.status, actor.role)
            .into_iter()
            .filter(|_| project.status.before_expert_review())
            .filter(|a| *a != ProjectAction::Submit || may_write(actor, &project.region))
            .filter(|a| *a == ProjectAction::Submit || c.may_pre_review)
            .map(|a| ActionButton {
                action: a.as_str(),
                label: a.label(),
                danger: matches!(a, ProjectAction::Return | ProjectAction::Reject),
            })
            .collect();
        let asks_comment =
            actions.iter().any(|a| ProjectAction::parse(a.action).is_some_and(|a| needs_comment(table, a)));
        let kinds = c.round.kinds();
        let pre_review_note =
            project.status == ProjectStatus::Submitted && !c.may_pre_review && may_write(actor, &project.region);
        DetailPage {
            pre_review_note,
            layout: chrome.layout(project.title(), vec![crumb(), Crumb::here(project.title())]),
            parts: ApplicationParts::of(&project, c.industries, true),
            returned: return_comment(&project, &c.timeline),
            editable,
            may_terminate: may_write(actor, &project.region) && project.status.is_running(),
            actions,
            asks_comment,
            problems,
            problems_heading,
            timeline: c.timeline,
            versions: c
                .versions
                .into_iter()
                .map(|v| (v.version_no, v.account_name, time::minutes(&v.frozen_at)))
                .collect(),
            comment: feedback.comment,
            form_token: once::new_token(),
            files: attachments::group(&kinds, &c.files),
            files_base: base,
            upload_kinds: kinds.iter().map(|k| Choice::new(k.key, k.label)).collect(),
            upload_error: feedback.upload,
            max_size: attachments::human_size(c.max_upload as i64),
            project,
        }
    }
}

pub struct LineRow {
    /// The amount the server computed when the row was last saved (empty for a new row).
    pub amount: String,
    pub id: String,
    pub year: String,
    pub item: String,
    pub unit: String,
    pub price: String,
    pub quantity: String,
}

pub struct IndicatorRow {
    pub id: String,
    pub year: String,
    pub kind: String,
    pub name: String,
    pub comparison: String,
    pub value: String,
    pub unit: String,
}

pub struct MilestoneRow {
    pub id: String,
    pub due: String,
    pub description: String,
}

#[derive(Template)]
#[template(path = "projects/edit.html")]
pub struct EditPage {
    pub layout: Layout,
    pub id: String,
    pub form: ProjectForm,
    pub errors: FieldErrors,
    pub returned: Option<(String, String, String)>,
    pub applicant_name: String,
    pub round_title: String,
    pub types: Vec<Choice>,
    pub modes: Vec<Choice>,
    pub industries: Vec<Choice>,
    pub kinds: Vec<Choice>,
    pub comparisons: Vec<Choice>,
    pub years: Vec<Choice>,
    pub lines: Vec<LineRow>,
    pub indicators: Vec<IndicatorRow>,
    pub milestones: Vec<MilestoneRow>,
    /// The saved totals (by year and overall), as the server computed them.
    pub money: Figures,
}

/// A saved line's amount by its id, in 元.
fn saved_amount(project: &Project, id: &str) -> String {
    project.lines.iter().find(|l| l.id.to_string() == id).map(|l| yuan(l.amount)).unwrap_or_default()
}

impl EditPage {
    pub fn new(
        chrome: &Chrome,
        project: &Project,
        industries: &[KeyIndustry],
        form: ProjectForm,
        errors: FieldErrors,
        returned: Option<(String, String, String)>,
    ) -> EditPage {
        let at = |v: &Vec<String>, i: usize| v.get(i).cloned().unwrap_or_default();
        let extra = form.row_to_add();
        let blank = |table: RowTable| if extra == Some(table) { 2 } else { 1 };
        let mut lines: Vec<LineRow> = (0..form.line_item.len())
            .map(|i| LineRow {
                amount: saved_amount(project, &at(&form.line_id, i)),
                id: at(&form.line_id, i),
                year: at(&form.line_year, i),
                item: at(&form.line_item, i),
                unit: at(&form.line_unit, i),
                price: at(&form.line_price, i),
                quantity: at(&form.line_quantity, i),
            })
            .collect();
        for _ in 0..blank(RowTable::Budget) {
            let year = lines.last().map(|l| l.year.clone()).unwrap_or_default();
            lines.push(LineRow {
                amount: String::new(),
                id: String::new(),
                year,
                item: String::new(),
                unit: String::new(),
                price: String::new(),
                quantity: String::new(),
            });
        }
        let mut indicators: Vec<IndicatorRow> = (0..form.indicator_name.len())
            .map(|i| IndicatorRow {
                id: at(&form.indicator_id, i),
                year: at(&form.indicator_year, i),
                kind: at(&form.indicator_kind, i),
                name: at(&form.indicator_name, i),
                comparison: at(&form.indicator_comparison, i),
                value: at(&form.indicator_value, i),
                unit: at(&form.indicator_unit, i),
            })
            .collect();
        for _ in 0..blank(RowTable::Indicators) {
            indicators.push(IndicatorRow {
                id: String::new(),
                year: String::new(),
                kind: String::new(),
                name: String::new(),
                comparison: "ge".into(),
                value: String::new(),
                unit: String::new(),
            });
        }
        let mut milestones: Vec<MilestoneRow> = (0..form.milestone_description.len())
            .map(|i| MilestoneRow {
                id: at(&form.milestone_id, i),
                due: at(&form.milestone_due, i),
                description: at(&form.milestone_description, i),
            })
            .collect();
        for _ in 0..blank(RowTable::Milestones) {
            milestones.push(MilestoneRow { id: String::new(), due: String::new(), description: String::new() });
        }
        EditPage {
            layout: chrome.layout(
                format!("填写申报书：{}", project.title()),
                vec![crumb(), Crumb::link(project.title(), format!("/projects/{}", project.id)), Crumb::here("填写")],
            ),
            id: project.id.to_string(),
            returned,
            applicant_name: project.applicant_name(),
            round_title: project.round_title.clone(),
            types: choices::<ProjectType>(),
            modes: choices::<ImplementationMode>(),
            industries: industries.iter().map(|k| Choice::new(k.reference.clone(), k.name.clone())).collect(),
            kinds: Level2::ALL
                .iter()
                .map(|l| Choice::new(l.key(), format!("{}—{}", l.parent().label(), l.label())))
                .collect(),
            comparisons: choices::<Compare>(),
            years: vec![Choice::new("1", "第 1 年度"), Choice::new("2", "第 2 年度")],
            lines,
            indicators,
            milestones,
            money: money_view(project).1,
            form,
            errors,
        }
    }
}

/// What a print says about a record not yet through its pre-review.
fn mark(status: ProjectStatus) -> &'static str {
    match status {
        ProjectStatus::Draft | ProjectStatus::Returned => "草稿",
        ProjectStatus::Submitted => "待初审",
        ProjectStatus::Rejected => "不予立项",
        ProjectStatus::ExpertReview
        | ProjectStatus::Reviewed
        | ProjectStatus::InPublicity
        | ProjectStatus::AwaitingFiling
        | ProjectStatus::Filed
        | ProjectStatus::InProgress
        | ProjectStatus::AwaitingAcceptance
        | ProjectStatus::Rectifying
        | ProjectStatus::AwaitingReacceptance
        | ProjectStatus::Accepted
        | ProjectStatus::AcceptanceFailed
        | ProjectStatus::Terminated
        | ProjectStatus::Settled => "",
    }
}

/// 附件2 申报表, on one or two A4 pages.
#[derive(Template)]
#[template(path = "projects/print_form.html")]
pub struct PrintFormPage {
    pub doc: PrintDoc,
    pub project: Project,
    pub applicant_name: String,
    pub unit_type: &'static str,
    pub division: String,
    pub key_industry: String,
    pub period: String,
    pub lines: Vec<LineView>,
    pub money: Figures,
    pub indicators: Vec<IndicatorView>,
    pub milestones: Vec<(String, String)>,
    pub city_review_label: String,
}

impl PrintFormPage {
    pub fn new(project: Project, reference: &Reference, industries: &[KeyIndustry]) -> PrintFormPage {
        let (lines, money) = money_view(&project);
        let division = project
            .applicant
            .as_ref()
            .and_then(|a| reference.division(&a.division_code))
            .map(|d| d.label())
            .unwrap_or_default();
        let city_review_label = match project.region.level {
            crate::org::RegionLevel::City => format!("{}人力资源社会保障局初审意见", project.region.name),
            crate::org::RegionLevel::Province => "省人力资源社会保障厅工伤保险处初审意见".to_string(),
        };
        PrintFormPage {
            doc: PrintDoc {
                mark: mark(project.status).to_string(),
                label: "附件2".into(),
                title: "工伤预防项目申报表".into(),
                back: format!("/projects/{}", project.id),
                ..PrintDoc::default()
            },
            applicant_name: project.applicant_name(),
            unit_type: project.applicant.as_ref().map(|a| a.unit_type.label()).unwrap_or("部门（政府采购）"),
            division,
            key_industry: industry_name(industries, project.key_industry.as_deref()),
            period: period_text(&project),
            lines,
            money,
            indicators: indicator_views(&project),
            milestones: project
                .milestones
                .iter()
                .map(|m| (m.due_on.map(official_date).unwrap_or_default(), m.description.clone()))
                .collect(),
            city_review_label,
            project,
        }
    }
}

fn period_text(p: &Project) -> String {
    match (p.starts_on, p.ends_on) {
        (Some(s), Some(e)) => format!("{} 至 {}", official_date(s), official_date(e)),
        _ => "（未填写）".into(),
    }
}

/// 附件3 申报格式文本: the application's full narrative.
#[derive(Template)]
#[template(path = "projects/print_text.html")]
pub struct PrintTextPage {
    pub doc: PrintDoc,
    pub project: Project,
    pub applicant_name: String,
    pub key_industry: String,
    pub period: String,
    pub lines: Vec<LineView>,
    pub money: Figures,
    pub indicators: Vec<IndicatorView>,
    pub milestones: Vec<(String, String)>,
}

impl PrintTextPage {
    pub fn new(project: Project, industries: &[KeyIndustry]) -> PrintTextPage {
        let (lines, money) = money_view(&project);
        PrintTextPage {
            doc: PrintDoc {
                mark: mark(project.status).to_string(),
                label: "附件3".into(),
                title: format!("{}申报书", project.title()),
                issuer: format!("{}（盖章）", project.applicant_name()),
                back: format!("/projects/{}", project.id),
                ..PrintDoc::default()
            },
            applicant_name: project.applicant_name(),
            key_industry: industry_name(industries, project.key_industry.as_deref()),
            period: period_text(&project),
            lines,
            money,
            indicators: indicator_views(&project),
            milestones: project
                .milestones
                .iter()
                .map(|m| (m.due_on.map(official_date).unwrap_or_default(), m.description.clone()))
                .collect(),
            project,
        }
    }
}

/// An applicant's own page: who it is, and its applications.
#[derive(Template)]
#[template(path = "projects/applicant.html")]
pub struct ApplicantPage {
    pub layout: Layout,
    pub applicant: Applicant,
    pub unit_type: &'static str,
    pub division: String,
    pub rows: Vec<Row>,
    pub may_edit: bool,
}

impl ApplicantPage {
    pub fn new(
        chrome: &Chrome,
        reference: &Reference,
        applicant: Applicant,
        lines: &[ProjectLine],
        industries: &[KeyIndustry],
        may_edit: bool,
    ) -> ApplicantPage {
        ApplicantPage {
            layout: chrome.layout(
                applicant.name.clone(),
                vec![Crumb::link("申报单位", "/applicants"), Crumb::here(applicant.name.clone())],
            ),
            unit_type: applicant.unit_type.label(),
            division: reference.division(&applicant.division_code).map(|d| d.label()).unwrap_or_default(),
            rows: lines.iter().map(|l| row(l, industries)).collect(),
            may_edit,
            applicant,
        }
    }
}

pub struct DrawView {
    pub number: usize,
    pub at: String,
    pub by: String,
    pub seed: String,
    pub candidates: Vec<String>,
    pub picks: Vec<String>,
    pub replaced: String,
    pub reason: String,
    pub reproduces: bool,
}

#[derive(Template)]
#[template(path = "projects/panel.html")]
pub struct PanelPage {
    pub layout: Layout,
    pub id: String,
    pub title: String,
    pub status: ProjectStatus,
    pub stage: PanelStage,
    /// The stages a project of this status has had panels for, as tabs.
    pub stages: Vec<PanelStage>,
    /// The page of the panel's sheets: the review's result or the acceptance.
    pub results_url: String,
    pub members: Vec<Member>,
    pub draws: Vec<DrawView>,
    pub mix: String,
    pub may_draw: bool,
    pub may_replace: bool,
    pub message: Option<String>,
    pub form_token: String,
}

impl PanelPage {
    pub fn new(chrome: &Chrome, actor: &Actor, loaded: Panel, message: Option<String>) -> PanelPage {
        let Panel { project, stage, mix, members, draws } = loaded;
        let name = |id: &i64| {
            draws.iter().find_map(|d| d.names.get(&id.to_string()).cloned()).unwrap_or_else(|| id.to_string())
        };
        let keeps = may_write(actor, &project.region) && PanelStage::of(project.status) == Some(stage);
        let heading = format!("{}专家", stage.label());
        let stages = PanelStage::shown_for(project.status);
        PanelPage {
            layout: chrome.layout(
                &heading,
                vec![
                    Crumb::link("项目申报", "/projects"),
                    Crumb::link(project.title(), format!("/projects/{}", project.id)),
                    Crumb::here(heading.clone()),
                ],
            ),
            id: project.id.to_string(),
            title: project.title(),
            status: project.status,
            stage,
            stages,
            results_url: match stage {
                PanelStage::Review => format!("/projects/{}/review", project.id),
                _ => format!("/projects/{}/acceptance", project.id),
            },
            may_draw: keeps && members.is_empty(),
            may_replace: keeps && !members.is_empty(),
            mix: mix.iter().map(|n| format!("{} {} 名", n.specialty.label(), n.count)).collect::<Vec<_>>().join("、"),
            draws: draws
                .iter()
                .enumerate()
                .map(|(i, d)| DrawView {
                    number: i + 1,
                    at: time::seconds(&d.drawn_at),
                    by: d.drawn_by_name.clone(),
                    seed: hex::encode(&d.seed),
                    candidates: d
                        .candidates
                        .iter()
                        .map(|c| format!("{}（{}）", name(&c.id), c.specialty.label()))
                        .collect(),
                    picks: d.picks.iter().map(name).collect(),
                    replaced: d.replaced_expert.as_ref().map(name).unwrap_or_default(),
                    reason: d.reason.clone(),
                    reproduces: d.reproduces(),
                })
                .collect(),
            members,
            message,
            form_token: once::new_token(),
        }
    }
}

/// A performance indicator planned against achieved, as the acceptance pages show it.
pub struct IndicatorResult {
    pub year: i16,
    pub name: String,
    pub target: String,
    pub achieved: String,
    /// 达到 / 未达到, unknown without a target or a value.
    pub met: Option<bool>,
}

/// The project's indicators with the values `achieved` reports, in the application's order.
pub fn indicator_results(project: &Project, achieved: &[super::model::Achieved]) -> Vec<IndicatorResult> {
    project
        .indicators
        .iter()
        .map(|i| {
            let value = achieved.iter().find(|a| a.indicator == i.id).map(|a| a.value);
            IndicatorResult {
                year: i.project_year,
                name: i.name.clone(),
                target: i.target(),
                achieved: value.map(|v| format!("{}{}", v.normalize(), i.unit)).unwrap_or_else(|| "—".into()),
                met: value.and_then(|v| i.met_by(v)),
            }
        })
        .collect()
}

/// The project's whole life on one timeline (newest first): every step with its comment (the
/// review's and the acceptances' figures and the agreement's amount are their steps'), every
/// document attached or removed, every progress report, and beside the steps that set them the
/// amounts applied for and approved.
pub fn life(entries: &[crate::workflow::history::Entry], project: &Project) -> Vec<TimelineLine> {
    let mut lines = crate::workflow::history::timeline::<ProjectStatus, ProjectAction>(entries);
    let last_approval = entries.iter().rposition(|e| e.action == ProjectAction::Approve.as_str());
    for (line, (at, entry)) in lines.iter_mut().zip(entries.iter().enumerate().rev()) {
        line.figure = match ProjectAction::parse(&entry.action) {
            Some(ProjectAction::Submit) => format!("申请金额 {} 元", project.requested_amount.show_yuan()),
            // The approved amount is the latest decision's (an approval reversed or returned is
            // decided again).
            Some(ProjectAction::Approve) if Some(at) == last_approval => project
                .approved_amount
                .map(|m| format!("核定金额 {} 元（{} 万元）", m.show_yuan(), m.show_wan()))
                .unwrap_or_default(),
            _ => String::new(),
        };
    }
    lines
}
