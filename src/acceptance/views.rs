//! The acceptance page (the completion's form while under way; each acceptance with what was
//! submitted, the panel's sheets and verdict, and the conclusion; the rectification's form), its
//! print for the panel's signatures, and the termination's form.

use askama::Template;

use super::model::{
    Acceptance, CompletionErrors, CompletionForm, ConclusionForm, REPORT_KINDS, Verdict, pass_mark, report_for,
};
use crate::attachments::{self, Attachment, KindGroup};
use crate::project_rounds::model::Round;
use crate::projects::model::{PanelStage, Project, ProjectStatus};
use crate::projects::views::{IndicatorResult, indicator_results};
use crate::reviews::model::MemberSheet;
use crate::reviews::views::{FigureView, MemberRow, figure_view, member_rows};
use crate::values::time;
use crate::web::form::{Choice, FieldErrors};
use crate::web::layout::{Chrome, Crumb, Layout};
use crate::web::once;
use crate::web::print::{PrintDoc, official_date};

/// What the actor may do on the page now (the region's keepers, by the project's status).
#[derive(Clone, Copy, Debug, Default)]
pub struct Offers {
    pub complete: bool,
    pub conclude: bool,
    pub rectify: bool,
    pub terminate: bool,
    pub upload: bool,
}

impl Offers {
    pub fn of(keeps: bool, status: ProjectStatus) -> Offers {
        Offers {
            complete: keeps && status == ProjectStatus::InProgress,
            conclude: keeps && PanelStage::of(status).is_some_and(|s| s != PanelStage::Review),
            rectify: keeps && status == ProjectStatus::Rectifying,
            terminate: keeps && status.is_running(),
            upload: keeps && report_for(status).is_some(),
        }
    }
}

/// An acceptance's panel as the page shows it.
pub struct PanelView {
    pub criteria: Vec<(String, i16)>,
    pub members: Vec<MemberRow>,
    pub figures: FigureView,
    pub verdict: Option<Verdict>,
}

impl PanelView {
    pub fn of(round: &Round, members: Vec<MemberSheet>) -> PanelView {
        let criteria = &round.acceptance_criteria;
        let submitted: Vec<&crate::reviews::model::Sheet> = members
            .iter()
            .filter(|m| m.sitting)
            .filter_map(|m| m.sheet.as_ref())
            .filter(|s| s.is_submitted())
            .collect();
        let verdict = super::model::verdict(&submitted);
        PanelView {
            criteria: criteria.iter().map(|c| (c.name.clone(), c.weight)).collect(),
            figures: figure_view(round, criteria, &members),
            verdict,
            members: member_rows(criteria, members),
        }
    }

    pub fn verdict_text(&self) -> String {
        match &self.verdict {
            None => "尚无提交的评分表".into(),
            Some(v) => format!(
                "平均分 {:.2}，不同意 {} 人（共 {} 人）：{}",
                v.average,
                v.disapprovals,
                v.sheets,
                if v.passed { "通过" } else { "不通过" }
            ),
        }
    }
}

/// One acceptance as the page shows it.
pub struct AcceptanceView {
    pub attempt: i16,
    pub stage: PanelStage,
    pub summary: String,
    pub completed_on: String,
    pub submitted: String,
    pub results: Vec<IndicatorResult>,
    /// 通过 / 不通过 with the average, once concluded.
    pub conclusion: Option<String>,
    pub passed: Option<bool>,
    pub rectification: String,
    pub rectify_by: String,
    pub concluded: String,
    pub panel: PanelView,
}

impl AcceptanceView {
    pub fn of(project: &Project, round: &Round, a: &Acceptance, members: Vec<MemberSheet>) -> AcceptanceView {
        AcceptanceView {
            attempt: a.attempt,
            stage: a.stage(),
            summary: a.summary.clone(),
            completed_on: a.completed_on.to_string(),
            submitted: format!("{} {}", a.submitted_by_name, time::minutes(&a.submitted_at)),
            results: indicator_results(project, &a.achieved),
            conclusion: a.passed.map(|p| {
                format!(
                    "{}（专家组平均分 {}）",
                    if p { "通过" } else { "不通过" },
                    a.average.map(|d| format!("{d:.2}")).unwrap_or_default()
                )
            }),
            passed: a.passed,
            rectification: a.rectification.clone(),
            rectify_by: a.rectify_by.map(|d| d.to_string()).unwrap_or_default(),
            concluded: match (&a.concluded_by_name, &a.concluded_at) {
                (Some(by), Some(at)) => format!("{by} {}", time::minutes(at)),
                _ => String::new(),
            },
            panel: PanelView::of(round, members),
        }
    }
}

/// A row of the completion form: an indicator planned, and the value typed.
pub struct AchievedRow {
    pub id: i64,
    pub year: i16,
    pub name: String,
    pub target: String,
    pub value: String,
    pub error: Option<String>,
}

/// What a post left on the page.
#[derive(Debug, Default)]
pub struct Feedback {
    pub completion: Option<CompletionForm>,
    pub completion_errors: CompletionErrors,
    pub conclusion: Option<ConclusionForm>,
    pub conclusion_errors: FieldErrors,
    pub problem: Option<String>,
    pub upload: Option<String>,
}

#[derive(Template)]
#[template(path = "acceptance/page.html")]
pub struct AcceptancePage {
    pub layout: Layout,
    pub project: Project,
    pub offers: Offers,
    pub acceptances: Vec<AcceptanceView>,
    /// The completion's or the rectification's form rows.
    pub rows: Vec<AchievedRow>,
    pub completion: CompletionForm,
    pub completion_errors: FieldErrors,
    pub conclusion: ConclusionForm,
    pub conclusion_errors: FieldErrors,
    /// The acceptance being concluded needs what to rectify (a first failure).
    pub asks_rectification: bool,
    pub conclusion_problems: Vec<String>,
    pub problem: Option<String>,
    pub pass_mark: String,
    pub files: Vec<KindGroup>,
    pub files_base: String,
    pub editable: bool,
    pub upload_kinds: Vec<Choice>,
    pub upload_error: Option<String>,
    pub max_size: String,
    pub form_token: String,
}

/// What the page is built from.
pub struct Loaded {
    pub project: Project,
    pub round: Round,
    pub acceptances: Vec<(Acceptance, Vec<MemberSheet>)>,
    pub files: Vec<Attachment>,
}

impl AcceptancePage {
    pub fn new(
        chrome: &Chrome,
        keeps: bool,
        loaded: Loaded,
        feedback: Feedback,
        conclusion_problems: Vec<String>,
        max_upload: usize,
    ) -> AcceptancePage {
        let Loaded { project, round, acceptances, files } = loaded;
        let offers = Offers::of(keeps, project.status);
        let latest = acceptances.last().map(|(a, _)| a);
        let today = time::today();
        let completion = feedback.completion.unwrap_or_else(|| CompletionForm::first(today, &project, latest));
        let rows = project
            .indicators
            .iter()
            .enumerate()
            .map(|(n, i)| AchievedRow {
                id: i.id,
                year: i.project_year,
                name: i.name.clone(),
                target: i.target(),
                value: completion.typed(i.id).to_string(),
                error: feedback.completion_errors.rows.get(n).cloned().flatten(),
            })
            .collect();
        let views: Vec<AcceptanceView> =
            acceptances.into_iter().map(|(a, members)| AcceptanceView::of(&project, &round, &a, members)).collect();
        let asks_rectification = project.status == ProjectStatus::AwaitingAcceptance
            && views.last().and_then(|v| v.panel.verdict.as_ref()).is_some_and(|v| !v.passed);
        let upload = report_for(project.status);
        let shown: Vec<_> = REPORT_KINDS
            .iter()
            .filter(|k| Some(**k) == upload || files.iter().any(|f| f.kind == k.key))
            .map(|k| attachments::AttachmentKind { required: Some(*k) == upload, ..*k })
            .collect();
        let title = format!("结项验收：{}", project.title());
        AcceptancePage {
            layout: chrome.layout(
                title,
                vec![
                    Crumb::link("项目申报", "/projects"),
                    Crumb::link(project.title(), format!("/projects/{}", project.id)),
                    Crumb::here("结项验收"),
                ],
            ),
            offers,
            acceptances: views,
            rows,
            completion,
            completion_errors: feedback.completion_errors.fields,
            conclusion: feedback.conclusion.unwrap_or_default(),
            conclusion_errors: feedback.conclusion_errors,
            asks_rectification,
            conclusion_problems,
            problem: feedback.problem,
            pass_mark: pass_mark().to_string(),
            files: attachments::group(&shown, &files),
            files_base: format!("/projects/{}/acceptance", project.id),
            editable: offers.upload,
            upload_kinds: upload.iter().map(|k| Choice::new(k.key, k.label)).collect(),
            upload_error: feedback.upload,
            max_size: attachments::human_size(max_upload as i64),
            form_token: once::new_token(),
            project,
        }
    }
}

/// 项目验收意见表: an acceptance's panel, verdict and conclusion, for the panel's signatures.
#[derive(Template)]
#[template(path = "acceptance/print.html")]
pub struct PrintPage {
    pub doc: PrintDoc,
    pub project: Project,
    pub applicant: String,
    pub acceptance: AcceptanceView,
}

impl PrintPage {
    pub fn new(project: Project, acceptance: AcceptanceView) -> PrintPage {
        PrintPage {
            doc: PrintDoc {
                mark: if acceptance.passed.is_none() { "验收中".into() } else { String::new() },
                title: format!("工伤预防项目{}意见表", acceptance.stage.label()),
                back: format!("/projects/{}/acceptance", project.id),
                date: official_date(time::today()),
                issuer: format!("{}人力资源和社会保障局", project.region.name),
                seals: vec!["验收专家组组长签字".into(), "经办人签字".into()],
                ..PrintDoc::default()
            },
            applicant: project.applicant_name(),
            project,
            acceptance,
        }
    }
}

/// 终止项目: the reasons, confirmed.
#[derive(Template)]
#[template(path = "acceptance/terminate.html")]
pub struct TerminatePage {
    pub layout: Layout,
    pub project: Project,
    pub reason: String,
    pub errors: FieldErrors,
    pub problem: Option<String>,
    pub form_token: String,
}

impl TerminatePage {
    pub fn new(
        chrome: &Chrome,
        project: Project,
        reason: String,
        errors: FieldErrors,
        problem: Option<String>,
    ) -> Self {
        TerminatePage {
            layout: chrome.layout(
                "终止项目",
                vec![
                    Crumb::link("项目申报", "/projects"),
                    Crumb::link(project.title(), format!("/projects/{}", project.id)),
                    Crumb::here("终止项目"),
                ],
            ),
            project,
            reason,
            errors,
            problem,
            form_token: once::new_token(),
        }
    }
}
