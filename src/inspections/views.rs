//! Page structs of joint inspections and findings.

use askama::Template;
use chrono::NaiveDate;

use super::model::{
    ATTACHMENT_KINDS, FINDING_ATTACHMENT_KINDS, FOLLOW_UPS, Finding, FindingForm, FindingStatus, FollowUp,
    FollowUpForm, InspectionForm, JointInspection, ReferralLaw,
};
use super::store::{FindingLine, InspectionLine};
use crate::attachments::{self, Attachment, AttachmentKind, KindGroup};
use crate::values::time;
use crate::web::form::{Choice, FieldErrors, choices};
use crate::web::layout::{Chrome, Crumb, Layout};
use crate::web::once;
use crate::web::pagination::Pager;
use crate::workflow::history::TimelineLine;

pub fn crumb() -> Crumb {
    Crumb::link("联合检查", "/inspections")
}

pub fn findings_crumb() -> Crumb {
    Crumb::link("限期整改", "/findings")
}

pub struct InspectionRow {
    pub id: String,
    pub region: String,
    pub inspected_on: NaiveDate,
    pub lead: &'static str,
    pub employer: String,
    pub findings: i64,
    pub open: i64,
}

impl InspectionRow {
    pub fn of(l: &InspectionLine) -> InspectionRow {
        InspectionRow {
            id: l.id.to_string(),
            region: l.region_name.clone(),
            inspected_on: l.inspected_on,
            lead: l.lead_department.label(),
            employer: l.employer_name.clone(),
            findings: l.findings,
            open: l.open,
        }
    }
}

/// One city's line of the province's overview.
pub struct CountRow {
    pub code: String,
    pub region: String,
    pub open: i64,
    pub overdue: i64,
    pub major: i64,
}

#[derive(Template)]
#[template(path = "inspections/list.html")]
pub struct ListPage {
    pub layout: Layout,
    pub years: Vec<Choice>,
    pub year: String,
    pub regions: Vec<Choice>,
    pub region: String,
    pub show_region: bool,
    /// The province's overview (no region chosen).
    pub counts: Vec<CountRow>,
    pub rows: Vec<InspectionRow>,
    pub pager: Pager,
    pub may_log: bool,
}

fn upload_choices(kinds: &[AttachmentKind]) -> Vec<Choice> {
    kinds
        .iter()
        .map(|k| Choice::new(k.key, format!("{}（{}）", k.label, attachments::detect::names(k.types))))
        .collect()
}

pub struct FindingRow {
    pub id: String,
    pub category: &'static str,
    pub hazard: &'static str,
    pub description: String,
    pub deadline: NaiveDate,
    pub department: &'static str,
    pub status: &'static str,
    pub status_key: &'static str,
}

impl FindingRow {
    pub fn of(f: &Finding, today: NaiveDate) -> FindingRow {
        let status = f.status(today);
        FindingRow {
            id: f.id.to_string(),
            category: f.category.label(),
            hazard: f.hazard_level.map_or("", |h| h.label()),
            description: f.description.clone(),
            deadline: f.deadline,
            department: f.responsible_department.label(),
            status: status.label(),
            status_key: status.as_str(),
        }
    }
}

#[derive(Template)]
#[template(path = "inspections/detail.html")]
pub struct DetailPage {
    pub layout: Layout,
    pub inspection: JointInspection,
    pub region: String,
    pub lead: &'static str,
    pub departments: String,
    pub findings: Vec<FindingRow>,
    pub editable: bool,
    pub may_add: bool,
    pub finding: FindingForm,
    pub finding_errors: FieldErrors,
    pub categories: Vec<Choice>,
    pub hazard_levels: Vec<Choice>,
    pub department_choices: Vec<Choice>,
    pub files: Vec<KindGroup>,
    pub files_base: String,
    pub upload_kinds: Vec<Choice>,
    pub upload_error: Option<String>,
    pub max_size: String,
}

/// What a failed post shows on the inspection's page.
#[derive(Default)]
pub struct Feedback {
    pub finding: FindingForm,
    pub finding_errors: FieldErrors,
    pub upload: Option<String>,
}

pub struct DetailParts {
    pub inspection: JointInspection,
    pub region: String,
    pub findings: Vec<Finding>,
    pub files: Vec<Attachment>,
    pub editable: bool,
    pub may_add: bool,
    pub departments: Vec<Choice>,
}

impl DetailPage {
    pub fn new(chrome: &Chrome, parts: DetailParts, feedback: Feedback, max_upload: usize) -> DetailPage {
        let today = time::today();
        let i = parts.inspection;
        let title = format!("{} {}", i.inspected_on, i.employer_name);
        let departments = i
            .departments
            .iter()
            .filter_map(|d| crate::org::DepartmentKind::parse(d))
            .map(|d| d.label())
            .collect::<Vec<_>>()
            .join("、");
        DetailPage {
            layout: chrome.layout(format!("联合检查：{title}"), vec![crumb(), Crumb::here(title)]),
            region: parts.region,
            lead: i.lead_department.label(),
            departments,
            findings: parts.findings.iter().map(|f| FindingRow::of(f, today)).collect(),
            editable: parts.editable,
            may_add: parts.may_add,
            finding: feedback.finding,
            finding_errors: feedback.finding_errors,
            categories: choices::<super::model::FindingCategory>(),
            hazard_levels: choices::<super::model::HazardLevel>(),
            department_choices: parts.departments,
            files: attachments::group(ATTACHMENT_KINDS, &parts.files),
            files_base: format!("/inspections/{}", i.id),
            upload_kinds: upload_choices(ATTACHMENT_KINDS),
            upload_error: feedback.upload,
            max_size: attachments::human_size(max_upload as i64),
            inspection: i,
        }
    }
}

#[derive(Template)]
#[template(path = "inspections/edit.html")]
pub struct EditPage {
    pub layout: Layout,
    pub action: String,
    pub back: String,
    pub form: InspectionForm,
    pub errors: FieldErrors,
    /// The cycle's departments; a partner officer's own leads (`fixed_lead`).
    pub departments: Vec<Choice>,
    pub fixed_lead: Option<Choice>,
}

impl EditPage {
    pub fn new(
        chrome: &Chrome,
        existing: Option<&JointInspection>,
        form: InspectionForm,
        errors: FieldErrors,
        departments: Vec<Choice>,
        fixed_lead: Option<Choice>,
    ) -> EditPage {
        let (title, action, back, crumbs) = match existing {
            Some(i) => (
                "修改联合检查".to_string(),
                format!("/inspections/{}/edit", i.id),
                format!("/inspections/{}", i.id),
                vec![
                    crumb(),
                    Crumb::link(format!("{} {}", i.inspected_on, i.employer_name), format!("/inspections/{}", i.id)),
                    Crumb::here("修改"),
                ],
            ),
            None => (
                "登记联合检查".into(),
                "/inspections/new".into(),
                "/inspections".into(),
                vec![crumb(), Crumb::here("登记")],
            ),
        };
        EditPage { layout: chrome.layout(title, crumbs), action, back, form, errors, departments, fixed_lead }
    }
}

pub struct LineRow {
    pub id: String,
    pub region: String,
    pub employer_id: i64,
    pub employer: String,
    pub category: &'static str,
    pub hazard: &'static str,
    pub description: String,
    pub deadline: NaiveDate,
    pub extensions: i32,
    pub department: &'static str,
    pub status: &'static str,
    pub status_key: &'static str,
}

impl LineRow {
    pub fn of(l: &FindingLine, today: NaiveDate) -> LineRow {
        let status = l.status(today);
        LineRow {
            id: l.id.to_string(),
            region: l.region_name.clone(),
            employer_id: l.employer_id,
            employer: l.employer_name.clone(),
            category: l.category.label(),
            hazard: l.hazard_level.map_or("", |h| h.label()),
            description: l.description.clone(),
            deadline: l.deadline,
            extensions: l.extensions,
            department: l.responsible_department.label(),
            status: status.label(),
            status_key: status.as_str(),
        }
    }
}

/// The findings list's filters as chosen.
#[derive(Default)]
pub struct Chosen {
    pub region: String,
    pub status: String,
    pub department: String,
    pub division: String,
    pub employer: String,
    pub hazard: String,
    pub from: String,
    pub to: String,
    /// The inspections' year, as asked (empty: every year).
    pub year: String,
    /// `1`: only findings not yet rectified.
    pub open: String,
}

#[derive(Template)]
#[template(path = "inspections/findings.html")]
pub struct FindingsPage {
    pub layout: Layout,
    pub rows: Vec<LineRow>,
    pub pager: Pager,
    pub chosen: Chosen,
    pub show_region: bool,
    pub regions: Vec<Choice>,
    pub statuses: Vec<Choice>,
    pub departments: Vec<Choice>,
    pub hazard_levels: Vec<Choice>,
    pub query: String,
}

impl FindingsPage {
    pub fn statuses() -> Vec<Choice> {
        choices::<FindingStatus>()
    }
}

pub struct FollowUpButton {
    pub action: &'static str,
    pub label: &'static str,
}

#[derive(Template)]
#[template(path = "inspections/finding.html")]
pub struct FindingPage {
    pub layout: Layout,
    pub finding: Finding,
    pub region: String,
    pub status: &'static str,
    pub status_key: &'static str,
    pub may_act: bool,
    /// The follow-ups the finding's stage allows.
    pub actions: Vec<FollowUpButton>,
    pub form: FollowUpForm,
    pub errors: FieldErrors,
    pub problems: Vec<String>,
    pub laws: Vec<Choice>,
    pub form_token: String,
    pub today: String,
    pub max_extensions: u32,
    pub timeline: Vec<TimelineLine>,
    pub files: Vec<KindGroup>,
    pub files_base: String,
    pub editable: bool,
    pub upload_kinds: Vec<Choice>,
    pub upload_error: Option<String>,
    pub max_size: String,
}

/// What a failed post shows on the finding's page.
#[derive(Default)]
pub struct FindingFeedback {
    pub form: FollowUpForm,
    pub errors: FieldErrors,
    pub problems: Vec<String>,
    pub upload: Option<String>,
}

impl FindingPage {
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        chrome: &Chrome,
        finding: Finding,
        region: String,
        may_act: bool,
        timeline: Vec<TimelineLine>,
        files: &[Attachment],
        feedback: FindingFeedback,
        (max_upload, max_extensions): (usize, u32),
    ) -> FindingPage {
        let today = time::today();
        let status = finding.status(today);
        let actions = if may_act {
            FOLLOW_UPS
                .iter()
                .filter(|t| t.from.contains(&finding.stage()))
                .map(|t| t.action)
                .filter(|a| *a != FollowUp::Extend || finding.extensions < max_extensions as i32)
                .map(|a| FollowUpButton { action: a.as_str(), label: a.label() })
                .collect()
        } else {
            Vec::new()
        };
        let title = format!("{}：{}", finding.employer_name, finding.category.label());
        FindingPage {
            layout: chrome.layout(format!("整改事项 {title}"), vec![findings_crumb(), Crumb::here(title)]),
            region,
            status: status.label(),
            status_key: status.as_str(),
            may_act,
            actions,
            form: feedback.form,
            errors: feedback.errors,
            problems: feedback.problems,
            laws: choices::<ReferralLaw>(),
            form_token: once::new_token(),
            today: today.to_string(),
            max_extensions,
            timeline,
            files: attachments::group(FINDING_ATTACHMENT_KINDS, files),
            files_base: format!("/findings/{}", finding.id),
            editable: may_act,
            upload_kinds: upload_choices(FINDING_ATTACHMENT_KINDS),
            upload_error: feedback.upload,
            max_size: attachments::human_size(max_upload as i64),
            finding,
        }
    }
}

#[derive(Template)]
#[template(path = "inspections/employer.html")]
pub struct EmployerPage {
    pub layout: Layout,
    pub employer_id: i64,
    pub employer: String,
    pub inspections: Vec<InspectionRow>,
    pub findings: Vec<FindingRow>,
}
