//! The pages of expert scoring: the expert's list and review page (the application, its files
//! and history, the sheet), the officers' summary of a panel's sheets, and both print views.

use askama::Template;
use rust_decimal::Decimal;

use super::model::{
    Figures, MemberSheet, Recommendation, Sheet, SheetErrors, SheetForm, SheetState, criterion_averages, figures,
    others_visible, state_of, when,
};
use super::store::{Assignment, Submission};
use crate::attachments::{self, KindGroup};
use crate::project_rounds::model::{Criterion, Round};
use crate::projects::model::{PanelStage, Project, ProjectStatus};
use crate::projects::views::{ApplicationParts, IndicatorResult, indicator_results};
use crate::trail::Trail;
use crate::values::time;
use crate::web::form::{Choice, FieldErrors};
use crate::web::layout::{Chrome, Crumb, Layout};
use crate::web::once;
use crate::web::print::{PrintDoc, official_date};
use crate::workflow::history::{self, TimelineLine};

/// `86.5` as a score or total is written.
fn score(d: Decimal) -> String {
    d.normalize().to_string()
}

pub fn average(d: Option<Decimal>) -> String {
    d.map(|d| format!("{:.2}", d)).unwrap_or_else(|| "—".into())
}

/// 专家一, 专家二 …: how experts see the others of their panel (never by name).
fn anonymous(n: usize) -> String {
    const DIGITS: [&str; 10] = ["一", "二", "三", "四", "五", "六", "七", "八", "九", "十"];
    format!("专家{}", DIGITS.get(n).copied().map_or_else(|| (n + 1).to_string(), str::to_string))
}

pub struct AssignmentRow {
    pub id: String,
    pub stage: PanelStage,
    pub name: String,
    pub applicant: String,
    pub region: String,
    pub round: String,
    pub amount: String,
    pub state: SheetState,
    pub status: ProjectStatus,
}

/// 我的评审: the projects whose panel the expert sits on.
#[derive(Template)]
#[template(path = "reviews/list.html")]
pub struct ListPage {
    pub layout: Layout,
    pub rows: Vec<AssignmentRow>,
    /// The account is linked to a pool entry (an account created otherwise has no assignments).
    pub linked: bool,
}

impl ListPage {
    pub fn new(chrome: &Chrome, linked: bool, assignments: Vec<Assignment>) -> ListPage {
        let rows = assignments
            .into_iter()
            .map(|a| AssignmentRow {
                id: a.project.to_string(),
                stage: a.stage,
                name: if a.name.is_empty() { "（未命名项目）".into() } else { a.name },
                applicant: a.applicant_name.unwrap_or_else(|| "部门政府采购项目".into()),
                region: a.region_name,
                round: format!("{}（{}年）", a.round_title, a.year),
                amount: a.requested_amount.show_yuan(),
                state: match (a.saved_at, a.submitted_at) {
                    (_, Some(_)) => SheetState::Submitted,
                    (Some(_), None) => SheetState::Draft,
                    (None, None) => SheetState::Pending,
                },
                status: a.status,
            })
            .collect();
        ListPage { layout: chrome.layout("我的评审", vec![Crumb::here("我的评审")]), rows, linked }
    }
}

pub struct CriterionRow {
    pub id: i64,
    pub name: String,
    pub weight: i16,
    pub value: String,
    pub error: Option<String>,
}

/// A sheet as read: its scores in the round's order, total, recommendation and opinion.
pub struct SheetView {
    pub who: String,
    pub scores: Vec<String>,
    pub total: String,
    pub recommendation: String,
    pub opinion: String,
    pub submitted: String,
}

impl SheetView {
    fn of(who: String, criteria: &[Criterion], sheet: &Sheet) -> SheetView {
        SheetView {
            who,
            scores: criteria.iter().map(|c| sheet.score_of(c.id).map(score).unwrap_or_else(|| "—".into())).collect(),
            total: score(sheet.total),
            recommendation: sheet.recommendation.map_or("", Recommendation::label).to_string(),
            opinion: sheet.opinion.clone(),
            submitted: sheet.submitted_at.as_ref().map(when).unwrap_or_default(),
        }
    }
}

/// The expert's page of one assigned project.
#[derive(Template)]
#[template(path = "reviews/review.html")]
pub struct ReviewPage {
    pub layout: Layout,
    pub project: Project,
    pub parts: ApplicationParts,
    pub timeline: Vec<TimelineLine>,
    pub files: Vec<KindGroup>,
    pub files_base: String,
    pub editable: bool,
    pub upload_kinds: Vec<Choice>,
    pub upload_error: Option<String>,
    pub max_size: String,
    pub criteria: Vec<CriterionRow>,
    pub recommendations: Vec<Choice>,
    pub form: SheetForm,
    pub errors: FieldErrors,
    pub has_errors: bool,
    pub form_token: String,
    pub state: SheetState,
    /// The sheet form is offered: the project is under review and the own sheet not submitted.
    pub may_score: bool,
    pub own: Option<SheetView>,
    /// The others' submitted sheets, once the own is submitted.
    pub others: Vec<SheetView>,
    pub stage: PanelStage,
    /// For an acceptance: what the region submitted, and the indicators planned against achieved.
    pub submission: Option<SubmissionView>,
    pub results: Vec<IndicatorResult>,
}

/// The region's completion (or rectification) as the acceptance panel reads it.
pub struct SubmissionView {
    pub summary: String,
    pub completed_on: String,
    pub by: String,
    pub at: String,
}

/// What the expert's page is built from.
pub struct Assigned {
    pub project: Project,
    pub round: Round,
    /// The panel the page is about.
    pub stage: PanelStage,
    /// An acceptance's submission by the region.
    pub submission: Option<Submission>,
    pub trail: Trail,
    pub sheets: Vec<Sheet>,
    /// The expert's own member id, once they have a sheet.
    pub me: Option<i64>,
}

impl ReviewPage {
    pub fn new(chrome: &Chrome, a: Assigned, form: Option<SheetForm>, errors: SheetErrors) -> ReviewPage {
        let criteria = a.stage.criteria(&a.round);
        let own = a.sheets.iter().find(|s| Some(s.expert_id) == a.me);
        let state = state_of(own);
        let may_score = PanelStage::of(a.project.status) == Some(a.stage) && state != SheetState::Submitted;
        let form = form.unwrap_or_else(|| SheetForm::of(criteria, own));
        let has_errors = !errors.is_empty();
        let rows = criteria
            .iter()
            .enumerate()
            .map(|(i, c)| CriterionRow {
                id: c.id,
                name: c.name.clone(),
                weight: c.weight,
                value: form.typed(c.id).to_string(),
                error: errors.rows.get(i).cloned().flatten(),
            })
            .collect();
        let others: Vec<SheetView> = match others_visible(own) {
            true => a
                .sheets
                .iter()
                .filter(|s| Some(s.expert_id) != a.me && s.is_submitted())
                .enumerate()
                .map(|(n, s)| SheetView::of(anonymous(n), criteria, s))
                .collect(),
            false => Vec::new(),
        };
        let title = a.project.title();
        ReviewPage {
            layout: chrome.layout(title.clone(), vec![Crumb::link("我的评审", "/reviews"), Crumb::here(title)]),
            parts: ApplicationParts::of(&a.project, &[], false),
            timeline: history::timeline::<ProjectStatus, crate::projects::model::ProjectAction>(&a.trail.history),
            files: attachments::group(&a.round.kinds(), &a.trail.files),
            files_base: format!("/reviews/{}", a.project.id),
            editable: false,
            upload_kinds: Vec::new(),
            upload_error: None,
            max_size: String::new(),
            criteria: rows,
            recommendations: Recommendation::ALL.iter().map(|r| Choice::new(r.as_str(), r.label())).collect(),
            form,
            errors: errors.fields,
            has_errors,
            form_token: once::new_token(),
            state,
            may_score,
            own: own.filter(|s| s.is_submitted()).map(|s| SheetView::of("本人".into(), criteria, s)),
            others,
            stage: a.stage,
            results: match &a.submission {
                Some(s) => indicator_results(&a.project, &s.achieved),
                None => Vec::new(),
            },
            submission: a.submission.map(|s| SubmissionView {
                summary: s.summary,
                completed_on: s.completed_on.to_string(),
                by: s.submitted_by_name,
                at: time::minutes(&s.submitted_at),
            }),
            project: a.project,
        }
    }
}

pub struct MemberRow {
    pub name: String,
    pub specialty: &'static str,
    pub organization: String,
    pub sitting: bool,
    pub state: SheetState,
    pub sheet: Option<SheetView>,
}

/// The figures as pages write them.
pub struct FigureView {
    pub sitting: usize,
    pub submitted: usize,
    pub average: String,
    pub spread: String,
    pub flagged: bool,
    pub threshold: i16,
    pub counts: Vec<(&'static str, usize)>,
    pub criterion_averages: Vec<String>,
}

/// The figures of `members`' sheets scored on `criteria`.
pub fn figure_view(round: &Round, criteria: &[Criterion], members: &[MemberSheet]) -> FigureView {
    let submitted: Vec<&Sheet> =
        members.iter().filter(|m| m.sitting).filter_map(|m| m.sheet.as_ref()).filter(|s| s.is_submitted()).collect();
    let totals: Vec<Decimal> = submitted.iter().map(|s| s.total).collect();
    let Figures { sitting, submitted: n, average: avg, spread, flagged } =
        figures(&totals, members.iter().filter(|m| m.sitting).count(), round.spread_threshold);
    FigureView {
        sitting,
        submitted: n,
        average: average(avg),
        spread: spread.map(score).unwrap_or_else(|| "—".into()),
        flagged,
        threshold: round.spread_threshold,
        counts: Recommendation::ALL
            .iter()
            .map(|r| (r.label(), submitted.iter().filter(|s| s.recommendation == Some(*r)).count()))
            .collect(),
        criterion_averages: criterion_averages(criteria, &submitted).into_iter().map(average).collect(),
    }
}

pub fn member_rows(criteria: &[Criterion], members: Vec<MemberSheet>) -> Vec<MemberRow> {
    members
        .into_iter()
        .map(|m| MemberRow {
            state: state_of(m.sheet.as_ref()),
            // A draft stays the expert's until submitted: officers see that it exists, not what it says.
            sheet: m.sheet.as_ref().filter(|s| s.is_submitted()).map(|s| SheetView::of(m.name.clone(), criteria, s)),
            name: m.name,
            specialty: m.specialty.label(),
            organization: m.organization,
            sitting: m.sitting,
        })
        .collect()
}

/// 评审结果: the panel's sheets, figures and flag, for officers.
#[derive(Template)]
#[template(path = "reviews/summary.html")]
pub struct SummaryPage {
    pub layout: Layout,
    pub id: String,
    pub title: String,
    pub status: ProjectStatus,
    pub criteria: Vec<(String, i16)>,
    pub members: Vec<MemberRow>,
    pub figures: FigureView,
}

impl SummaryPage {
    pub fn new(chrome: &Chrome, project: &Project, round: &Round, members: Vec<MemberSheet>) -> SummaryPage {
        SummaryPage {
            layout: chrome.layout(
                "评审结果",
                vec![
                    Crumb::link("项目申报", "/projects"),
                    Crumb::link(project.title(), format!("/projects/{}", project.id)),
                    Crumb::here("评审结果"),
                ],
            ),
            id: project.id.to_string(),
            title: project.title(),
            status: project.status,
            criteria: round.criteria.iter().map(|c| (c.name.clone(), c.weight)).collect(),
            figures: figure_view(round, &round.criteria, &members),
            members: member_rows(&round.criteria, members),
        }
    }
}

/// 专家评审意见汇总表, for the panel's signatures.
#[derive(Template)]
#[template(path = "reviews/print_summary.html")]
pub struct PrintSummaryPage {
    pub doc: PrintDoc,
    pub applicant: String,
    pub criteria: Vec<(String, i16)>,
    pub members: Vec<MemberRow>,
    pub figures: FigureView,
}

impl PrintSummaryPage {
    pub fn new(project: &Project, round: &Round, members: Vec<MemberSheet>) -> PrintSummaryPage {
        let members: Vec<MemberSheet> = members.into_iter().filter(|m| m.sitting).collect();
        PrintSummaryPage {
            doc: PrintDoc {
                mark: if project.status == ProjectStatus::ExpertReview { "评审中".into() } else { String::new() },
                title: format!("{}专家评审意见汇总表", project.title()),
                back: format!("/projects/{}/review", project.id),
                date: official_date(time::today()),
                issuer: format!("{}人力资源和社会保障局", project.region.name),
                seals: vec!["专家组组长签字".into(), "经办人签字".into()],
                ..PrintDoc::default()
            },
            applicant: project.applicant_name(),
            criteria: round.criteria.iter().map(|c| (c.name.clone(), c.weight)).collect(),
            figures: figure_view(round, &round.criteria, &members),
            members: member_rows(&round.criteria, members),
        }
    }
}

/// 专家评分表: an expert's own submitted sheet, for their signature.
#[derive(Template)]
#[template(path = "reviews/print_sheet.html")]
pub struct PrintSheetPage {
    pub doc: PrintDoc,
    pub project: Project,
    pub applicant: String,
    pub rows: Vec<(String, i16, String)>,
    pub sheet: SheetView,
}

impl PrintSheetPage {
    pub fn new(project: Project, round: &Round, stage: PanelStage, sheet: &Sheet) -> PrintSheetPage {
        let criteria = stage.criteria(round);
        let view = SheetView::of(String::new(), criteria, sheet);
        PrintSheetPage {
            doc: PrintDoc {
                title: match stage {
                    PanelStage::Review => "工伤预防项目专家评分表".into(),
                    _ => format!("工伤预防项目{}专家评分表", stage.label()),
                },
                back: format!("/reviews/{}?stage={}", project.id, stage.as_str()),
                seals: vec!["评审专家签字".into()],
                ..PrintDoc::default()
            },
            applicant: project.applicant_name(),
            rows: criteria.iter().zip(view.scores.iter()).map(|(c, s)| (c.name.clone(), c.weight, s.clone())).collect(),
            sheet: view,
            project,
        }
    }
}
