//! The progress page: where the project stands (share done, milestones, people trained,
//! spending per cost line against the plan and the agreement), the reports made, and the form.

use askama::Template;

use super::model::{Report, ReportForm};
use crate::projects::model::Project;
use crate::values::{Money, time};
use crate::web::form::FieldErrors;
use crate::web::layout::{Chrome, Crumb, Layout};
use crate::web::once;

fn yuan(d: rust_decimal::Decimal) -> String {
    Money::from_yuan(d).unwrap_or_default().show_yuan()
}

pub struct LineRow {
    pub id: i64,
    pub year: i16,
    pub item: String,
    pub planned: String,
    pub spent: String,
    pub typed: String,
}

pub struct MilestoneRow {
    pub id: i64,
    pub due: String,
    pub description: String,
    pub done: bool,
    pub checked: bool,
}

pub struct ReportRow {
    pub day: String,
    pub percent: i16,
    pub trained: i32,
    pub sessions: i32,
    pub spent: String,
    pub note: String,
    pub by: String,
}

#[derive(Template)]
#[template(path = "progress/progress.html")]
pub struct ProgressPage {
    pub layout: Layout,
    pub project: Project,
    pub agreement_amount: String,
    pub percent: i16,
    pub trained: i32,
    pub planned: String,
    pub sessions: i32,
    pub spent: String,
    pub lines: Vec<LineRow>,
    pub milestones: Vec<MilestoneRow>,
    pub reports: Vec<ReportRow>,
    pub may_report: bool,
    pub form: ReportForm,
    pub errors: FieldErrors,
    pub form_token: String,
}

impl ProgressPage {
    pub fn new(
        chrome: &Chrome,
        project: Project,
        agreement_amount: Money,
        reports: &[Report],
        may_report: bool,
        posted: Option<(ReportForm, FieldErrors)>,
    ) -> ProgressPage {
        let last = reports.last();
        let (form, errors) =
            posted.unwrap_or_else(|| (ReportForm::after(last, &project.lines, time::today()), FieldErrors::default()));
        let lines = project
            .lines
            .iter()
            .map(|l| LineRow {
                id: l.id,
                year: l.project_year,
                item: l.item.clone(),
                planned: l.amount.map(yuan).unwrap_or_default(),
                spent: last
                    .and_then(|r| r.spending.iter().find(|s| s.line == l.id))
                    .map(|s| yuan(s.amount))
                    .unwrap_or_else(|| "0.00".into()),
                typed: form.typed(l.id).to_string(),
            })
            .collect();
        let milestones = project
            .milestones
            .iter()
            .map(|m| MilestoneRow {
                id: m.id,
                due: m.due_on.map(|d| d.to_string()).unwrap_or_default(),
                description: m.description.clone(),
                done: last.is_some_and(|r| r.milestones_done.contains(&m.id)),
                checked: form.done(m.id),
            })
            .collect();
        let title = project.title();
        ProgressPage {
            layout: chrome.layout(
                "实施进度",
                vec![
                    Crumb::link("项目申报", "/projects"),
                    Crumb::link(title, format!("/projects/{}", project.id)),
                    Crumb::here("实施进度"),
                ],
            ),
            agreement_amount: agreement_amount.show_yuan(),
            percent: last.map_or(0, |r| r.percent),
            trained: last.map_or(0, |r| r.trained),
            planned: project.planned_count.map(|n| n.to_string()).unwrap_or_else(|| "—".into()),
            sessions: last.map_or(0, |r| r.sessions),
            spent: last.map(|r| yuan(r.spent)).unwrap_or_else(|| "0.00".into()),
            lines,
            milestones,
            reports: reports
                .iter()
                .rev()
                .map(|r| ReportRow {
                    day: r.reported_on.to_string(),
                    percent: r.percent,
                    trained: r.trained,
                    sessions: r.sessions,
                    spent: yuan(r.spent),
                    note: r.note.clone(),
                    by: format!("{} · {}", r.created_by_name, time::minutes(&r.created_at)),
                })
                .collect(),
            may_report,
            form,
            errors,
            form_token: once::new_token(),
            project,
        }
    }
}
