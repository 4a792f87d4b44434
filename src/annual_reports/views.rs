//! Page structs of the annual reports: a region's list, the province's overview of a year, the
//! report with its figures and narrative, the edit form, and the A4 print.

use askama::Template;
use chrono::{NaiveDate, Utc};

use super::Loaded;
use super::figures::{Drift, Figure, Group, LinkContext, Value, drift, link};
use super::model::{
    ReportAction, ReportForm, ReportStatus, SECTION_FIELDS, Standing, due_on, may_edit, may_write, submission_problems,
    transitions,
};
use super::store::{Records, ReportLine};
use crate::auth::Actor;
use crate::cycles::Cycle;
use crate::db::Scope;
use crate::org::{Region, RegionLevel};
use crate::values::time;
use crate::web::deadline;
use crate::web::form::{Choice, FieldErrors};
use crate::web::layout::{Chrome, Crumb, Layout};
use crate::web::once;
use crate::web::print::{PrintDoc, official_date};
use crate::workflow::history::TimelineLine;
use crate::workflow::{available, needs_comment};

fn reports_crumb() -> Crumb {
    Crumb::link("年度报告", "/annual-reports")
}

/// The report's title, as its page and print give it.
pub fn title(region: &Region, year: i32) -> String {
    format!("{}{}年度工伤预防工作计划落实情况报告", region.name, year)
}

/// The due day as pages write it, with where it stands for a report not yet submitted.
fn due_label(cycle: &Cycle, year: i32, submitted: bool) -> String {
    match due_on(cycle, year) {
        None => String::new(),
        Some(due) if submitted => format!("{due} 前报送"),
        Some(due) => format!("{due} 前报送（{}）", deadline::due_status(due, Utc::now()).label()),
    }
}

/// The links of a report's figures for this viewer.
pub fn link_context<'a>(
    actor: &Actor,
    region: &'a Region,
    year: i32,
    cycle: &Cycle,
    records: Records,
) -> LinkContext<'a> {
    LinkContext {
        region_code: &region.code,
        year,
        cycle_first_year: cycle.first_year,
        province_view: actor.db().scope == Scope::Province,
        own_region: actor.region.as_ref().is_some_and(|r| r.id == region.id),
        plan: records.plan,
        roster: records.roster,
    }
}

/// A figure as the report page lists it.
pub struct FigureRow {
    pub key: String,
    pub label: String,
    pub value: String,
    pub link: Option<String>,
    /// The live value when it now differs from the frozen one.
    pub now: Option<String>,
}

/// The figures of one group.
pub struct FigureGroup {
    pub label: &'static str,
    pub rows: Vec<FigureRow>,
}

/// The figures grouped for a page, each with its list and any drift since submission.
pub fn grouped(figures: &[Figure], links: &LinkContext<'_>, drifts: &[Drift]) -> Vec<FigureGroup> {
    Group::ALL
        .iter()
        .filter_map(|g| {
            let rows: Vec<FigureRow> = figures
                .iter()
                .filter(|f| f.group == *g)
                .map(|f| FigureRow {
                    key: f.key.clone(),
                    label: f.label.clone(),
                    value: f.value.shown(),
                    link: link(&f.key, links),
                    now: drifts.iter().find(|d| d.key == f.key).map(|d| d.live.clone()),
                })
                .collect();
            (!rows.is_empty()).then_some(FigureGroup { label: g.label(), rows })
        })
        .collect()
}

#[derive(Template)]
#[template(path = "annual_reports/index.html")]
pub struct IndexPage {
    pub layout: Layout,
    pub region: Region,
    pub lines: Vec<IndexLine>,
    /// Years the region may start a report of (none yet, in a cycle).
    pub years: Vec<Choice>,
    pub form_token: String,
}

pub struct IndexLine {
    pub id: String,
    pub year: i32,
    pub status: ReportStatus,
    pub late: bool,
    pub submitted: String,
    pub due: String,
}

impl IndexPage {
    pub fn new(
        chrome: &Chrome,
        actor: &Actor,
        region: Region,
        lines: Vec<ReportLine>,
        cycles: &[Cycle],
        today: NaiveDate,
    ) -> IndexPage {
        use chrono::Datelike;
        let this_year = today.year();
        let years = if may_write(actor, &region) {
            [this_year, this_year - 1]
                .into_iter()
                .filter(|y| !lines.iter().any(|l| l.year == *y))
                .filter(|y| cycles.iter().any(|c| c.contains_year(*y)))
                .map(|y| Choice::new(y.to_string(), format!("{y}年度")))
                .collect()
        } else {
            Vec::new()
        };
        let lines = lines
            .into_iter()
            .map(|l| IndexLine {
                id: l.id.to_string(),
                year: l.year,
                status: l.status,
                late: l.late,
                submitted: l.last_submitted_at.as_ref().map(time::minutes).unwrap_or_default(),
                due: super::model::cycle_of(cycles, l.year)
                    .map(|c| due_label(c, l.year, l.last_submitted_at.is_some()))
                    .unwrap_or_default(),
            })
            .collect();
        IndexPage {
            layout: chrome.layout("年度报告", vec![Crumb::here("年度报告")]),
            region,
            lines,
            years,
            form_token: once::new_token(),
        }
    }
}

/// A region's line on the province's overview of a year.
pub struct StandingLine {
    pub region: String,
    pub standing: Standing,
    pub late: bool,
    pub submitted: String,
    pub decided: String,
    pub link: Option<String>,
}

/// The summary of every region's figures: the columns (union of the regions' figures, in the
/// report's order) and a row per region.
pub struct Summary {
    pub headers: Vec<(String, String)>,
    pub rows: Vec<SummaryRow>,
}

pub struct SummaryRow {
    pub region: String,
    /// The figures are the report's as submitted (else live from the records).
    pub frozen: bool,
    pub cells: Vec<Option<Value>>,
}

/// One region's place on the overview: its report (if any) and its figures (frozen or live).
pub struct RegionYear {
    pub region: Region,
    pub report: Option<ReportLine>,
    pub figures: Vec<Figure>,
    pub frozen: bool,
}

impl Summary {
    pub fn of(regions: &[RegionYear]) -> Summary {
        let headers = super::figures::union_keys(regions.iter().map(|r| r.figures.as_slice()));
        let rows = regions
            .iter()
            .map(|r| SummaryRow {
                region: r.region.name.clone(),
                frozen: r.frozen,
                cells: headers
                    .iter()
                    .map(|(key, _)| r.figures.iter().find(|f| &f.key == key).map(|f| f.value.clone()))
                    .collect(),
            })
            .collect();
        Summary { headers, rows }
    }
}

#[derive(Template)]
#[template(path = "annual_reports/overview.html")]
pub struct OverviewPage {
    pub layout: Layout,
    pub year: String,
    pub years: Vec<Choice>,
    pub due: String,
    pub lines: Vec<StandingLine>,
    /// Per standing: (label, count).
    pub counts: Vec<(&'static str, usize)>,
    pub late_count: usize,
    pub summary: Summary,
    /// 省本级 has no report of the year yet and the viewer may start it.
    pub may_start_own: bool,
    pub form_token: String,
}

impl OverviewPage {
    pub fn new(chrome: &Chrome, actor: &Actor, year: i32, cycle: &Cycle, regions: Vec<RegionYear>) -> OverviewPage {
        use chrono::Datelike;
        let lines: Vec<StandingLine> = regions
            .iter()
            .map(|r| {
                let standing = r.report.as_ref().map_or(Standing::NotStarted, |l| Standing::At(l.status));
                StandingLine {
                    region: r.region.name.clone(),
                    standing,
                    late: r.report.as_ref().is_some_and(|l| l.late),
                    submitted: r
                        .report
                        .as_ref()
                        .and_then(|l| l.last_submitted_at)
                        .as_ref()
                        .map(time::minutes)
                        .unwrap_or_default(),
                    decided: r
                        .report
                        .as_ref()
                        .filter(|l| l.status == ReportStatus::Accepted)
                        .and_then(|l| l.decided_at)
                        .as_ref()
                        .map(time::minutes)
                        .unwrap_or_default(),
                    link: r.report.as_ref().map(|l| format!("/annual-reports/{}", l.id)),
                }
            })
            .collect();
        let all = [
            Standing::NotStarted,
            Standing::At(ReportStatus::Draft),
            Standing::At(ReportStatus::Submitted),
            Standing::At(ReportStatus::Returned),
            Standing::At(ReportStatus::Accepted),
        ];
        let counts = all.iter().map(|s| (s.label(), lines.iter().filter(|l| l.standing == *s).count())).collect();
        let late_count = lines.iter().filter(|l| l.late).count();
        let own = regions.iter().find(|r| r.region.level == RegionLevel::Province);
        let may_start_own = own.is_some_and(|r| r.report.is_none() && may_write(actor, &r.region));
        let this_year = time::today().year();
        OverviewPage {
            layout: chrome.layout(format!("{year}年度报告报送情况"), vec![Crumb::here("年度报告")]),
            year: year.to_string(),
            years: (2021..=this_year).rev().map(|y| Choice::new(y.to_string(), format!("{y}年度"))).collect(),
            due: due_on(cycle, year).map(|d| d.to_string()).unwrap_or_default(),
            counts,
            late_count,
            summary: Summary::of(&regions),
            lines,
            may_start_own,
            form_token: once::new_token(),
        }
    }
}

/// An action the viewer may take on the report.
pub struct ActionButton {
    pub action: &'static str,
    pub label: &'static str,
    pub danger: bool,
}

/// What the detail page shows after an action that did not go through.
#[derive(Default)]
pub struct Feedback {
    pub problems: Vec<String>,
    pub comment: String,
}

/// A narrative section as the pages show it.
pub struct Section {
    pub field: &'static str,
    pub title: String,
    pub text: String,
}

fn sections(l: &Loaded) -> Vec<Section> {
    l.cycle
        .tasks
        .iter()
        .enumerate()
        .map(|(i, t)| Section {
            field: SECTION_FIELDS.get(i).copied().unwrap_or("sections"),
            title: t.title.clone(),
            text: l.report.sections.get(&t.key).cloned().unwrap_or_default(),
        })
        .collect()
}

#[derive(Template)]
#[template(path = "annual_reports/detail.html")]
pub struct DetailPage {
    pub layout: Layout,
    pub id: String,
    pub status: ReportStatus,
    pub late: bool,
    pub due: String,
    /// The figures are the frozen copy (submitted): say when, and what now differs.
    pub frozen_at: Option<String>,
    pub drifted: usize,
    pub groups: Vec<FigureGroup>,
    pub document_number: String,
    pub sections: Vec<Section>,
    pub problems_met: String,
    pub next_year: String,
    pub editable: bool,
    pub actions: Vec<ActionButton>,
    pub asks_comment: bool,
    pub problems: Vec<String>,
    pub timeline: Vec<TimelineLine>,
    pub versions: Vec<(i32, String, String)>,
    pub comment: String,
    pub form_token: String,
}

impl DetailPage {
    pub fn new(chrome: &Chrome, actor: &Actor, l: Loaded, feedback: Feedback) -> DetailPage {
        let report = &l.report;
        let editable = may_edit(actor, report);
        let problems = if !feedback.problems.is_empty() {
            feedback.problems
        } else if editable {
            submission_problems(report, &l.cycle).into_iter().map(|p| p.message).collect()
        } else {
            Vec::new()
        };
        let table = transitions(report.region.level);
        let offered: Vec<ReportAction> = available(table, report.status, actor.role)
            .into_iter()
            .filter(|a| *a != ReportAction::Submit || may_write(actor, &report.region))
            .collect();
        let asks_comment = offered.iter().any(|a| needs_comment(table, *a));
        let actions = offered
            .into_iter()
            .map(|a| ActionButton { action: a.as_str(), label: a.label(), danger: a == ReportAction::Return })
            .collect();
        let links = link_context(actor, &report.region, report.year, &l.cycle, l.records);
        let (shown, drifts) = match &report.figures {
            Some(frozen) if !report.status.is_open() => (frozen.clone(), drift(frozen, &l.live)),
            _ => (l.live.clone(), Vec::new()),
        };
        let frozen_at = (!report.status.is_open()).then(|| report.figures_at.as_ref().map(time::minutes)).flatten();
        let title = title(&report.region, report.year);
        DetailPage {
            layout: chrome.layout(
                title,
                vec![reports_crumb(), Crumb::here(format!("{} {}年度", report.region.name, report.year))],
            ),
            id: report.id.to_string(),
            status: report.status,
            late: report.late,
            due: due_label(&l.cycle, report.year, report.first_submitted_at.is_some()),
            drifted: drifts.len(),
            groups: grouped(&shown, &links, &drifts),
            frozen_at,
            document_number: report.document_number.clone(),
            sections: sections(&l),
            problems_met: report.problems.clone(),
            next_year: report.next_year.clone(),
            editable,
            actions,
            asks_comment,
            problems,
            timeline: l.timeline,
            versions: l
                .versions
                .into_iter()
                .map(|v| (v.version_no, v.account_name, time::minutes(&v.frozen_at)))
                .collect(),
            comment: feedback.comment,
            form_token: once::new_token(),
        }
    }
}

/// A section of the edit form.
pub struct SectionInput {
    pub field: &'static str,
    pub key: String,
    pub title: String,
    pub summary: String,
    pub text: String,
}

#[derive(Template)]
#[template(path = "annual_reports/edit.html")]
pub struct EditPage {
    pub layout: Layout,
    pub id: String,
    pub form: ReportForm,
    pub sections: Vec<SectionInput>,
    pub errors: FieldErrors,
}

impl EditPage {
    pub fn new(chrome: &Chrome, l: &Loaded, form: ReportForm, errors: FieldErrors) -> EditPage {
        let report = &l.report;
        let sections = l
            .cycle
            .tasks
            .iter()
            .enumerate()
            .map(|(i, t)| SectionInput {
                field: SECTION_FIELDS.get(i).copied().unwrap_or("sections"),
                key: t.key.clone(),
                title: t.title.clone(),
                summary: t.summary.clone(),
                text: form.section_of(&t.key).to_string(),
            })
            .collect();
        EditPage {
            layout: chrome.layout(
                format!("编写{}", title(&report.region, report.year)),
                vec![
                    reports_crumb(),
                    Crumb::link(
                        format!("{} {}年度", report.region.name, report.year),
                        format!("/annual-reports/{}", report.id),
                    ),
                    Crumb::here("编写"),
                ],
            ),
            id: report.id.to_string(),
            form,
            sections,
            errors,
        }
    }
}

#[derive(Template)]
#[template(path = "annual_reports/print.html")]
pub struct PrintPage {
    pub doc: PrintDoc,
    pub groups: Vec<FigureGroup>,
    pub frozen: bool,
    pub sections: Vec<Section>,
    pub problems_met: String,
    pub next_year: String,
}

impl PrintPage {
    pub fn new(actor: &Actor, l: &Loaded) -> PrintPage {
        let report = &l.report;
        let issuer = match report.region.level {
            RegionLevel::Province => format!("{}人力资源和社会保障厅", report.region.name),
            RegionLevel::City => format!("{}人力资源和社会保障局", report.region.name),
        };
        let frozen = !report.status.is_open() && report.figures.is_some();
        let figures = if frozen { report.figures.clone().unwrap_or_default() } else { l.live.clone() };
        let links = link_context(actor, &report.region, report.year, &l.cycle, l.records);
        let mark = match report.status {
            ReportStatus::Draft => "草稿",
            ReportStatus::Returned => "退回修改稿",
            ReportStatus::Submitted | ReportStatus::Accepted => "",
        };
        PrintPage {
            doc: PrintDoc {
                mark: mark.to_string(),
                label: String::new(),
                title: title(&report.region, report.year),
                document_number: report.document_number.clone(),
                issuer: issuer.clone(),
                date: report
                    .last_submitted_at
                    .map(|at| official_date(at.with_timezone(&time::shanghai()).date_naive()))
                    .unwrap_or_default(),
                back: format!("/annual-reports/{}", report.id),
                seals: vec![format!("{issuer}（盖章）")],
            },
            groups: grouped(&figures, &links, &[]),
            frozen,
            sections: sections(l),
            problems_met: report.problems.clone(),
            next_year: report.next_year.clone(),
        }
    }
}
