//! The pages every import shares: the upload page (the template, what each column wants, the
//! region's recent imports) and a job's page (progress while it runs, which survives a reload
//! and any instance answers; then the counts, or every bad row with a download of the file
//! marked).

use askama::Template;

use super::{Outcome, RowError, Spec};
use crate::jobs::{Job, JobStatus};
use crate::values::time;
use crate::web::layout::{Chrome, Crumb, Layout};

/// A column as the upload page explains it.
pub struct ColumnHelp {
    pub header: &'static str,
    pub required: bool,
    pub help: &'static str,
}

/// A past import as the upload page lists it.
pub struct JobLine {
    pub link: String,
    pub when: String,
    pub who: String,
    pub status: JobStatus,
    pub summary: String,
}

fn summary(job: &Job) -> String {
    match job.status {
        JobStatus::Queued | JobStatus::Running => format!("{}%", job.percent()),
        JobStatus::Failed => job.error.clone(),
        JobStatus::Done => match job.result.clone().and_then(|r| serde_json::from_value::<Outcome>(r).ok()) {
            Some(Outcome::Imported { rows, added, updated, unchanged }) => {
                format!("共 {rows} 行：新增 {added}，更新 {updated}，未变 {unchanged}")
            }
            Some(Outcome::Rejected { errors, .. }) => format!("有 {} 处错误，未导入", errors.len()),
            Some(Outcome::Unreadable { message }) => message,
            None => String::new(),
        },
    }
}

#[derive(Template)]
#[template(path = "import/upload.html")]
pub struct UploadPage {
    pub layout: Layout,
    pub title: &'static str,
    pub updates: &'static str,
    /// The feature's import URL (`/employers/import`): the form posts there, the template is
    /// under it.
    pub base: String,
    pub columns: Vec<ColumnHelp>,
    pub jobs: Vec<JobLine>,
    pub error: Option<String>,
    pub max_size: String,
}

impl UploadPage {
    pub fn new(
        chrome: &Chrome,
        spec: &Spec,
        back: Crumb,
        base: &str,
        jobs: &[Job],
        error: Option<String>,
        max: usize,
    ) -> UploadPage {
        UploadPage {
            layout: chrome.layout(format!("导入{}", spec.title), vec![back, Crumb::here("导入")]),
            title: spec.title,
            updates: spec.updates,
            base: base.to_string(),
            columns: spec
                .columns
                .iter()
                .map(|c| ColumnHelp { header: c.header, required: c.required, help: c.help })
                .collect(),
            jobs: jobs
                .iter()
                .map(|j| JobLine {
                    link: format!("{base}/{}", j.id),
                    when: time::minutes(&j.created_at),
                    who: j.account_name.clone(),
                    status: j.status,
                    summary: summary(j),
                })
                .collect(),
            error,
            max_size: crate::attachments::human_size(max as i64),
        }
    }
}

/// How many bad rows the page lists (the download has them all).
const SHOWN: usize = 200;

#[derive(Template)]
#[template(path = "import/job.html")]
pub struct JobPage {
    pub layout: Layout,
    pub title: &'static str,
    pub unit: &'static str,
    pub base: String,
    pub job: Job,
    pub file_name: String,
    pub imported: Option<(usize, u64, u64, u64)>,
    pub rejected_rows: Option<usize>,
    pub error_count: usize,
    pub unreadable: Option<String>,
    pub errors: Vec<RowError>,
    pub more_errors: usize,
    pub errors_link: String,
}

impl JobPage {
    pub fn new(chrome: &Chrome, spec: &Spec, back: Crumb, base: &str, job: Job, file_name: String) -> JobPage {
        let outcome = job.result.clone().and_then(|r| serde_json::from_value::<Outcome>(r).ok());
        let (errors, more, count) = match &outcome {
            Some(Outcome::Rejected { errors, .. }) => {
                (errors.iter().take(SHOWN).cloned().collect(), errors.len().saturating_sub(SHOWN), errors.len())
            }
            _ => (Vec::new(), 0, 0),
        };
        let imported = match &outcome {
            Some(Outcome::Imported { rows, added, updated, unchanged }) => Some((*rows, *added, *updated, *unchanged)),
            _ => None,
        };
        let rejected_rows = match &outcome {
            Some(Outcome::Rejected { rows, .. }) => Some(*rows),
            _ => None,
        };
        let unreadable = match outcome {
            Some(Outcome::Unreadable { message }) => Some(message),
            _ => None,
        };
        JobPage {
            layout: chrome.layout(
                format!("导入{}：{}", spec.title, file_name),
                vec![back, Crumb::link("导入", base.to_string()), Crumb::here(format!("第 {} 号任务", job.id))],
            ),
            title: spec.title,
            unit: spec.unit,
            base: base.to_string(),
            errors_link: format!("{base}/{}/errors", job.id),
            job,
            file_name,
            imported,
            rejected_rows,
            error_count: count,
            unreadable,
            errors,
            more_errors: more,
        }
    }

    fn when(&self) -> String {
        time::minutes(&self.job.created_at)
    }
}
