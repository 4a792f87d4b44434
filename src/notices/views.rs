//! Page structs of the notices: the folders, a notice with its particulars, files, read button
//! and inspection candidates, the form, and the receipts.

use askama::Template;
use chrono::{DateTime, Utc};

use super::model::{ATTACHMENT_KINDS, AccidentGrade, DepartmentReceipt, Notice, NoticeForm, NoticeKind};
use super::store::{Candidate, NoticeLine, Unread};
use crate::attachments::{self, Attachment, KindGroup};
use crate::org::Region;
use crate::values::time;
use crate::web::form::{Choice, FieldErrors, choices};
use crate::web::layout::{Chrome, Crumb, Layout};
use crate::web::once;
use crate::web::pagination::Pager;

pub fn crumb() -> Crumb {
    Crumb::link("通知通报", "/notices")
}

/// A folder tab of the list.
pub struct Tab {
    pub label: &'static str,
    pub href: String,
    pub active: bool,
}

pub struct Row {
    pub id: String,
    pub issuer: String,
    pub kind: &'static str,
    pub title: String,
    pub document_number: String,
    pub issued_on: String,
    pub draft: bool,
    pub unread: bool,
    pub receipts: String,
}

impl Row {
    /// `receipts`: the read count is shown in the issuer's folders; `unread`: in the received.
    pub fn of(l: &NoticeLine, unread_marked: bool, receipts: bool) -> Row {
        Row {
            id: l.id.to_string(),
            issuer: l.issuer.clone(),
            kind: l.kind.label(),
            title: l.title.clone(),
            document_number: l.document_number.clone(),
            issued_on: l.issued_on.map(|d| d.to_string()).unwrap_or_default(),
            draft: l.issued_on.is_none(),
            unread: unread_marked && !l.read && l.issued_on.is_some(),
            receipts: if receipts && l.issued_on.is_some() {
                format!("{} 个地区，{} 人已读", l.recipients, l.reads)
            } else {
                String::new()
            },
        }
    }
}

#[derive(Template)]
#[template(path = "notices/list.html")]
pub struct ListPage {
    pub layout: Layout,
    pub tabs: Vec<Tab>,
    pub folder: String,
    pub years: Vec<Choice>,
    pub year: String,
    pub kinds: Vec<Choice>,
    pub kind: String,
    pub rows: Vec<Row>,
    pub pager: Pager,
    pub may_issue: bool,
    pub show_receipts: bool,
}

impl ListPage {
    pub fn kinds() -> Vec<Choice> {
        choices::<NoticeKind>()
    }
}

/// A line of the accident's particulars.
pub struct Particular {
    pub label: &'static str,
    pub value: String,
    pub prewrap: bool,
}

/// An employer proposed for a joint inspection, linked to the inspection form.
pub struct CandidateRow {
    pub id: i64,
    pub name: String,
    pub division: String,
}

/// The candidates of the reader's region for an accident notice.
pub struct Candidates {
    pub region: String,
    pub divisions: String,
    pub rows: Vec<CandidateRow>,
    pub total: i64,
    pub may_inspect: bool,
}

impl Candidates {
    pub fn new(region: &Region, divisions: &[String], found: Vec<Candidate>, may_inspect: bool) -> Candidates {
        Candidates {
            region: region.name.clone(),
            divisions: divisions.join("、"),
            total: found.first().map_or(0, |c| c.total),
            rows: found
                .into_iter()
                .map(|c| CandidateRow { id: c.id, name: c.name, division: c.division_code })
                .collect(),
            may_inspect,
        }
    }
}

#[derive(Template)]
#[template(path = "notices/detail.html")]
pub struct DetailPage {
    pub layout: Layout,
    pub notice: Notice,
    pub kind: &'static str,
    pub issuer: String,
    pub recipients: String,
    pub status: &'static str,
    pub particulars: Vec<Particular>,
    pub updated: String,
    /// The issuer's: a draft is edited, issued or removed, an issued notice's receipts seen.
    pub editable: bool,
    pub may_see_receipts: bool,
    pub may_mark_read: bool,
    pub read_at: Option<String>,
    pub candidates: Option<Candidates>,
    pub form_token: String,
    pub files: Vec<KindGroup>,
    pub files_base: String,
    pub upload_kinds: Vec<Choice>,
    pub upload_error: Option<String>,
    pub max_size: String,
}

/// What the detail page is told besides the notice.
pub struct DetailParts {
    pub issuer: String,
    pub recipients: String,
    pub accident_region: String,
    pub division: String,
    pub editable: bool,
    pub may_see_receipts: bool,
    pub may_mark_read: bool,
    pub read_at: Option<DateTime<Utc>>,
    pub candidates: Option<Candidates>,
}

fn particulars(notice: &Notice, parts: &DetailParts) -> Vec<Particular> {
    let Some(a) = &notice.accident else {
        return Vec::new();
    };
    let line = |label, value: String| Particular { label, value, prewrap: false };
    let text = |label, value: &String| Particular { label, value: value.clone(), prewrap: true };
    vec![
        line("发生日期", a.occurred_on.to_string()),
        line("发生地区", parts.accident_region.clone()),
        line("事故单位", a.employer_name.clone()),
        line("所属行业", parts.division.clone()),
        line("事故等级", a.grade.label().to_string()),
        line("伤亡情况", format!("死亡 {} 人，重伤 {} 人，轻伤 {} 人", a.deaths, a.serious_injuries, a.minor_injuries)),
        line("直接经济损失", format!("{} 万元", a.direct_loss.show_wan())),
        text("事故经过", &a.what_happened),
        text("事故原因", &a.causes),
        text("教训", &a.lessons),
        text("防范和整改措施要求", &a.measures),
    ]
}

impl DetailPage {
    pub fn new(
        chrome: &Chrome,
        notice: Notice,
        parts: DetailParts,
        files: &[Attachment],
        upload_error: Option<String>,
        max_upload: usize,
    ) -> DetailPage {
        DetailPage {
            layout: chrome.layout(notice.title.clone(), vec![crumb(), Crumb::here(notice.title.clone())]),
            kind: notice.kind.label(),
            status: if notice.issued() { "已发布" } else { "草稿" },
            particulars: particulars(&notice, &parts),
            updated: time::minutes(&notice.updated_at),
            issuer: parts.issuer,
            recipients: parts.recipients,
            editable: parts.editable,
            may_see_receipts: parts.may_see_receipts,
            may_mark_read: parts.may_mark_read,
            read_at: parts.read_at.as_ref().map(time::minutes),
            candidates: parts.candidates,
            form_token: once::new_token(),
            files: attachments::group(ATTACHMENT_KINDS, files),
            files_base: format!("/notices/{}", notice.id),
            upload_kinds: ATTACHMENT_KINDS
                .iter()
                .map(|k| Choice::new(k.key, format!("{}（{}）", k.label, attachments::detect::names(k.types))))
                .collect(),
            upload_error,
            max_size: attachments::human_size(max_upload as i64),
            notice,
        }
    }
}

/// The regions the form offers.
pub struct Offered {
    pub recipients: Vec<Choice>,
    pub accident_regions: Vec<Choice>,
}

#[derive(Template)]
#[template(path = "notices/edit.html")]
pub struct EditPage {
    pub layout: Layout,
    pub action: String,
    pub back: String,
    pub form: NoticeForm,
    pub errors: FieldErrors,
    pub kinds: Vec<Choice>,
    pub grades: Vec<Choice>,
    pub offered: Offered,
    pub form_token: String,
}

impl EditPage {
    pub fn new(
        chrome: &Chrome,
        notice: Option<&Notice>,
        mut form: NoticeForm,
        errors: FieldErrors,
        offered: Offered,
    ) -> EditPage {
        let (title, action, back) = match notice {
            Some(n) => ("修改通知", format!("/notices/{}/edit", n.id), format!("/notices/{}", n.id)),
            None => ("起草通知", "/notices/new".to_string(), "/notices?folder=issued".to_string()),
        };
        let mut crumbs = vec![crumb()];
        if let Some(n) = notice {
            crumbs.push(Crumb::link(n.title.clone(), back.clone()));
        }
        crumbs.push(Crumb::here(title));
        let form_token = if form.form_token.trim().is_empty() { once::new_token() } else { form.form_token.clone() };
        form.form_token = form_token.clone();
        EditPage {
            layout: chrome.layout(title, crumbs),
            action,
            back,
            form,
            errors,
            kinds: choices::<NoticeKind>(),
            grades: choices::<AccidentGrade>(),
            offered,
            form_token,
        }
    }

    pub fn recipient_chosen(&self, code: &str) -> bool {
        self.form.recipients.iter().any(|c| c == code)
    }
}

/// One department's line of the receipts.
pub struct ReceiptRow {
    pub region: String,
    pub department: &'static str,
    pub read: Vec<String>,
    pub unread: Vec<String>,
    pub has_read: bool,
}

impl ReceiptRow {
    pub fn of(l: &DepartmentReceipt) -> ReceiptRow {
        ReceiptRow {
            region: l.region.clone(),
            department: l.department.label(),
            read: l.read.iter().map(|(name, at)| format!("{name}（{}）", time::minutes(at))).collect(),
            unread: l.unread.clone(),
            has_read: l.has_read(),
        }
    }
}

#[derive(Template)]
#[template(path = "notices/receipts.html")]
pub struct ReceiptsPage {
    pub layout: Layout,
    pub notice_id: String,
    pub title: String,
    pub rows: Vec<ReceiptRow>,
    pub departments_read: usize,
    pub departments: usize,
    pub readers_read: usize,
    pub readers: usize,
}

/// The home page's waiting notices.
pub struct UnreadRow {
    pub id: String,
    pub issuer: String,
    pub kind: &'static str,
    pub title: String,
    pub issued_on: String,
}

impl UnreadRow {
    pub fn of(u: &Unread) -> UnreadRow {
        UnreadRow {
            id: u.id.to_string(),
            issuer: u.issuer.clone(),
            kind: u.kind.label(),
            title: u.title.clone(),
            issued_on: u.issued_on.map(|d| d.to_string()).unwrap_or_default(),
        }
    }
}
