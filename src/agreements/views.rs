//! The agreement's page (its form until signed, its record after) and its print.

use askama::Template;

use super::model::{Agreement, AgreementForm, SIGNED_AGREEMENT};
use crate::attachments::{self, Attachment, KindGroup};
use crate::projects::model::Project;
use crate::values::Money;
use crate::web::form::{Choice, FieldErrors};
use crate::web::layout::{Chrome, Crumb, Layout};
use crate::web::once;
use crate::web::print::{PrintDoc, official_date};

/// What the actor may do on the page now.
#[derive(Clone, Copy, Debug, Default)]
pub struct Offers {
    /// Record or correct the agreement and its signed copy, and sign: the region's keepers
    /// while the project is filed.
    pub keep: bool,
}

#[derive(Template)]
#[template(path = "agreements/agreement.html")]
pub struct AgreementPage {
    pub layout: Layout,
    pub project: Project,
    pub agreement: Option<Agreement>,
    pub approved: String,
    pub form: AgreementForm,
    pub errors: FieldErrors,
    pub problem: Option<String>,
    pub offers: Offers,
    pub files: Vec<KindGroup>,
    pub files_base: String,
    pub editable: bool,
    pub upload_kinds: Vec<Choice>,
    pub upload_error: Option<String>,
    pub max_size: String,
    pub form_token: String,
}

/// What a post left on the page.
#[derive(Debug, Default)]
pub struct Feedback {
    pub form: Option<AgreementForm>,
    pub errors: FieldErrors,
    pub problem: Option<String>,
    pub upload: Option<String>,
}

impl AgreementPage {
    pub fn new(
        chrome: &Chrome,
        project: Project,
        agreement: Option<Agreement>,
        files: &[Attachment],
        offers: Offers,
        feedback: Feedback,
        max_upload: usize,
    ) -> AgreementPage {
        let form = feedback.form.unwrap_or_else(|| match &agreement {
            Some(a) => AgreementForm::of(a),
            None => AgreementForm::first(
                format!("{}人力资源和社会保障局", project.region.name),
                project.applicant_name(),
                project.approved_amount,
                (project.starts_on, project.ends_on),
            ),
        });
        AgreementPage {
            layout: chrome.layout(
                "项目协议",
                vec![
                    Crumb::link("项目申报", "/projects"),
                    Crumb::link(project.title(), format!("/projects/{}", project.id)),
                    Crumb::here("项目协议"),
                ],
            ),
            approved: project.approved_amount.map(Money::show_yuan).unwrap_or_default(),
            form,
            errors: feedback.errors,
            problem: feedback.problem,
            offers,
            files: attachments::group(&[SIGNED_AGREEMENT], files),
            files_base: format!("/projects/{}/agreement", project.id),
            editable: offers.keep,
            upload_kinds: vec![Choice::new(SIGNED_AGREEMENT.key, SIGNED_AGREEMENT.label)],
            upload_error: feedback.upload,
            max_size: attachments::human_size(max_upload as i64),
            form_token: once::new_token(),
            agreement,
            project,
        }
    }

    pub fn signed(&self) -> bool {
        self.project.status.after_signing()
    }

    pub fn amount_text(&self) -> String {
        self.agreement
            .as_ref()
            .map(|a| {
                format!("{} 元（{} 万元；大写：{}）", a.amount.show_yuan(), a.amount.show_wan(), a.amount.capitals())
            })
            .unwrap_or_default()
    }
}

/// 项目协议主要条款, for the file and the signatures.
#[derive(Template)]
#[template(path = "agreements/print.html")]
pub struct PrintPage {
    pub doc: PrintDoc,
    pub project: Project,
    pub agreement: Agreement,
    pub applicant: String,
}

impl PrintPage {
    pub fn new(project: Project, agreement: Agreement) -> PrintPage {
        PrintPage {
            doc: PrintDoc {
                mark: if project.status.after_signing() { String::new() } else { "未签订".into() },
                title: "工伤预防项目协议主要条款".into(),
                document_number: agreement.number.clone(),
                back: format!("/projects/{}/agreement", project.id),
                date: official_date(agreement.signed_on),
                seals: vec![
                    format!("甲方：{}（盖章）", agreement.party_a),
                    format!("乙方：{}（盖章）", agreement.party_b),
                ],
                ..PrintDoc::default()
            },
            applicant: project.applicant_name(),
            project,
            agreement,
        }
    }

    pub fn amount(&self) -> String {
        let a = &self.agreement.amount;
        format!("{} 元（大写：{}）", a.show_yuan(), a.capitals())
    }
}
