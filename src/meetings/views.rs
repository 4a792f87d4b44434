//! Page structs of the meeting and action-item pages.

use askama::Template;
use chrono::{DateTime, NaiveDate, Utc};

use super::model::{
    ATTACHMENT_KINDS, ActionItem, CloseForm, ItemForm, ItemStatus, Meeting, MeetingForm, MeetingKind, may_close,
    may_keep,
};
use super::store::{ItemLine, MeetingLine, RegionYear};
use crate::attachments::{self, Attachment, KindGroup};
use crate::auth::Actor;
use crate::org::{DepartmentKind, Region};
use crate::web::deadline;
use crate::web::form::{Choice, FieldErrors, choices};
use crate::web::layout::{Chrome, Crumb, Layout};
use crate::web::pagination::Pager;

fn meetings_crumb() -> Crumb {
    Crumb::link("联席会议", "/meetings")
}

fn meeting_crumb(m: &Meeting) -> Crumb {
    Crumb::link(format!("{} {}", m.region.name, m.held_on), format!("/meetings/{}", m.id))
}

fn department_labels(departments: &[DepartmentKind]) -> String {
    departments.iter().map(|d| d.label()).collect::<Vec<_>>().join("、")
}

/// The years a list may show: from the first cycle's to this one.
pub fn year_choices(first: i32, this: i32) -> Vec<Choice> {
    (first..=this).rev().map(|y| Choice::new(y.to_string(), format!("{y} 年"))).collect()
}

/// A meeting as the list shows it.
pub struct MeetingRow {
    pub id: String,
    pub held_on: String,
    pub kind: &'static str,
    pub topics: String,
    pub attending: String,
    pub items: i64,
    pub open: i64,
    pub overdue: i64,
}

impl From<&MeetingLine> for MeetingRow {
    fn from(m: &MeetingLine) -> Self {
        MeetingRow {
            id: m.id.to_string(),
            held_on: m.held_on.to_string(),
            kind: m.kind.label(),
            topics: m.topics.clone(),
            attending: department_labels(&m.attending),
            items: m.items,
            open: m.open,
            overdue: m.overdue,
        }
    }
}

#[derive(Template)]
#[template(path = "meetings/index.html")]
pub struct IndexPage {
    pub layout: Layout,
    pub region: Region,
    pub years: Vec<Choice>,
    pub year: String,
    pub rows: Vec<MeetingRow>,
    pub may_create: bool,
    /// The province looking at a region: the way back to the overview.
    pub from_overview: bool,
    pub query: String,
}

impl IndexPage {
    pub fn new(
        chrome: &Chrome,
        actor: &Actor,
        region: Region,
        years: Vec<Choice>,
        year: i32,
        lines: &[MeetingLine],
        from_overview: bool,
    ) -> IndexPage {
        let query = form_urlencoded::Serializer::new(String::new())
            .append_pair("region", &region.code)
            .append_pair("year", &year.to_string())
            .finish();
        IndexPage {
            layout: chrome.layout(format!("联席会议 · {}", region.name), vec![Crumb::here("联席会议")]),
            may_create: may_keep(actor, &region),
            region,
            years,
            year: year.to_string(),
            rows: lines.iter().map(MeetingRow::from).collect(),
            from_overview,
            query,
        }
    }
}

#[derive(Template)]
#[template(path = "meetings/overview.html")]
pub struct OverviewPage {
    pub layout: Layout,
    pub years: Vec<Choice>,
    pub year: String,
    pub rows: Vec<RegionYear>,
    pub meetings: i64,
    pub overdue: i64,
}

impl OverviewPage {
    pub fn new(chrome: &Chrome, years: Vec<Choice>, year: i32, rows: Vec<RegionYear>) -> OverviewPage {
        OverviewPage {
            layout: chrome.layout(format!("联席会议召开情况（{year} 年）"), vec![Crumb::here("联席会议")]),
            years,
            year: year.to_string(),
            meetings: rows.iter().map(|r| r.meetings).sum(),
            overdue: rows.iter().map(|r| r.overdue).sum(),
            rows,
        }
    }
}

/// An action item as the meeting page shows it, with what the viewer may do to it.
pub struct ItemRow {
    pub id: String,
    pub what: String,
    pub owner: &'static str,
    pub due_on: String,
    pub status: ItemStatus,
    pub due: String,
    pub closed: String,
    pub may_close: bool,
    pub may_edit: bool,
}

fn item_row(actor: &Actor, meeting: &Meeting, item: &ActionItem, now: DateTime<Utc>) -> ItemRow {
    let status = item.status(now);
    ItemRow {
        id: item.id.to_string(),
        what: item.what.clone(),
        owner: item.owner.label(),
        due_on: item.due_on.to_string(),
        status,
        due: if status == ItemStatus::Done { String::new() } else { deadline::due_status(item.due_on, now).label() },
        closed: item
            .closed_on
            .map(|on| format!("{on} {}：{}", item.closed_by_name, item.closed_note))
            .unwrap_or_default(),
        may_close: status != ItemStatus::Done && may_close(actor, &meeting.region, item),
        may_edit: status != ItemStatus::Done && may_keep(actor, &meeting.region),
    }
}

/// What the meeting page shows after an action that did not go through.
#[derive(Default)]
pub struct Feedback {
    pub item_form: ItemForm,
    pub item_errors: FieldErrors,
    pub upload: Option<String>,
}

#[derive(Template)]
#[template(path = "meetings/detail.html")]
pub struct DetailPage {
    pub layout: Layout,
    pub meeting: Meeting,
    pub kind: &'static str,
    pub convenor: &'static str,
    pub attending: String,
    pub items: Vec<ItemRow>,
    pub keeper: bool,
    pub owners: Vec<Choice>,
    pub item_form: ItemForm,
    pub item_errors: FieldErrors,
    pub files: Vec<KindGroup>,
    pub files_base: String,
    pub editable: bool,
    pub upload_kinds: Vec<Choice>,
    pub upload_error: Option<String>,
    pub max_size: String,
}

impl DetailPage {
    pub fn new(
        chrome: &Chrome,
        actor: &Actor,
        meeting: Meeting,
        files: &[Attachment],
        feedback: Feedback,
        max_upload: usize,
    ) -> DetailPage {
        let now = Utc::now();
        let keeper = may_keep(actor, &meeting.region);
        DetailPage {
            layout: chrome.layout(
                format!("{}联席会议（{}）", meeting.region.name, meeting.held_on),
                vec![meetings_crumb(), Crumb::here(format!("{} {}", meeting.region.name, meeting.held_on))],
            ),
            kind: meeting.kind.label(),
            convenor: meeting.convenor.label(),
            attending: department_labels(&meeting.attending),
            items: meeting.items.iter().map(|i| item_row(actor, &meeting, i, now)).collect(),
            keeper,
            owners: meeting.attending.iter().map(|d| Choice::new(d.as_str(), d.label())).collect(),
            item_form: feedback.item_form,
            item_errors: feedback.item_errors,
            files: attachments::group(ATTACHMENT_KINDS, files),
            files_base: format!("/meetings/{}", meeting.id),
            editable: keeper,
            upload_kinds: ATTACHMENT_KINDS
                .iter()
                .map(|k| Choice::new(k.key, format!("{}（{}）", k.label, attachments::detect::names(k.types))))
                .collect(),
            upload_error: feedback.upload,
            max_size: attachments::human_size(max_upload as i64),
            meeting,
        }
    }
}

#[derive(Template)]
#[template(path = "meetings/edit.html")]
pub struct EditPage {
    pub layout: Layout,
    pub action: String,
    pub back: String,
    pub form: MeetingForm,
    pub errors: FieldErrors,
    pub kinds: Vec<Choice>,
    pub departments: Vec<(Choice, bool)>,
    pub convenors: Vec<Choice>,
}

impl EditPage {
    /// `meeting`: the meeting edited, or `None` for a new one of `region`.
    pub fn new(
        chrome: &Chrome,
        region: &Region,
        meeting: Option<&Meeting>,
        departments: &[DepartmentKind],
        form: MeetingForm,
        errors: FieldErrors,
    ) -> EditPage {
        let (title, action, back, crumbs) = match meeting {
            Some(m) => (
                "编辑会议".to_string(),
                format!("/meetings/{}/edit", m.id),
                format!("/meetings/{}", m.id),
                vec![meetings_crumb(), meeting_crumb(m), Crumb::here("编辑")],
            ),
            None => (
                format!("登记联席会议 · {}", region.name),
                "/meetings/new".to_string(),
                "/meetings".to_string(),
                vec![meetings_crumb(), Crumb::here("登记会议")],
            ),
        };
        EditPage {
            layout: chrome.layout(title, crumbs),
            action,
            back,
            kinds: choices::<MeetingKind>(),
            departments: departments
                .iter()
                .map(|d| (Choice::new(d.as_str(), d.label()), form.attending.iter().any(|a| a == d.as_str())))
                .collect(),
            convenors: departments.iter().map(|d| Choice::new(d.as_str(), d.label())).collect(),
            form,
            errors,
        }
    }
}

#[derive(Template)]
#[template(path = "meetings/item.html")]
pub struct ItemPage {
    pub layout: Layout,
    pub action: String,
    pub back: String,
    pub form: ItemForm,
    pub errors: FieldErrors,
    pub owners: Vec<Choice>,
}

impl ItemPage {
    pub fn new(chrome: &Chrome, meeting: &Meeting, item: &ActionItem, form: ItemForm, errors: FieldErrors) -> ItemPage {
        ItemPage {
            layout: chrome
                .layout("修改议定事项", vec![meetings_crumb(), meeting_crumb(meeting), Crumb::here("修改议定事项")]),
            action: format!("/meetings/{}/items/{}/edit", meeting.id, item.id),
            back: format!("/meetings/{}", meeting.id),
            form,
            errors,
            owners: meeting.attending.iter().map(|d| Choice::new(d.as_str(), d.label())).collect(),
        }
    }
}

#[derive(Template)]
#[template(path = "meetings/close.html")]
pub struct ClosePage {
    pub layout: Layout,
    pub action: String,
    pub back: String,
    pub item: String,
    pub form: CloseForm,
    pub errors: FieldErrors,
}

impl ClosePage {
    pub fn new(
        chrome: &Chrome,
        meeting: &Meeting,
        item: &ActionItem,
        form: CloseForm,
        errors: FieldErrors,
    ) -> ClosePage {
        ClosePage {
            layout: chrome.layout("办结议定事项", vec![meetings_crumb(), meeting_crumb(meeting), Crumb::here("办结")]),
            action: format!("/meetings/{}/items/{}/close", meeting.id, item.id),
            back: format!("/meetings/{}", meeting.id),
            item: format!("{}（{}，{} 前完成）", item.what, item.owner.label(), item.due_on),
            form,
            errors,
        }
    }
}

/// An item as the list of items shows it.
pub struct ItemListRow {
    pub meeting: String,
    pub region_name: String,
    pub held_on: String,
    pub what: String,
    pub owner: &'static str,
    pub due_on: String,
    pub status: ItemStatus,
    pub due: String,
    pub closed: String,
}

impl ItemListRow {
    pub fn new(l: &ItemLine, now: DateTime<Utc>) -> ItemListRow {
        let status = super::model::status(l.due_on, l.closed_on, now);
        ItemListRow {
            meeting: format!("/meetings/{}", l.meeting_id),
            region_name: l.region_name.clone(),
            held_on: l.held_on.to_string(),
            what: l.what.clone(),
            owner: l.owner.label(),
            due_on: l.due_on.to_string(),
            status,
            due: if status == ItemStatus::Done { String::new() } else { deadline::due_status(l.due_on, now).label() },
            closed: l.closed_on.map(|on| format!("{on} {}：{}", l.closed_by_name, l.closed_note)).unwrap_or_default(),
        }
    }
}

#[derive(Template)]
#[template(path = "meetings/items.html")]
pub struct ItemsPage {
    pub layout: Layout,
    pub rows: Vec<ItemListRow>,
    pub pager: Pager,
    pub regions: Vec<Choice>,
    pub region: String,
    pub years: Vec<Choice>,
    pub year: String,
    pub owners: Vec<Choice>,
    pub owner: String,
    pub statuses: Vec<Choice>,
    pub status: String,
    pub export_query: String,
    pub show_region: bool,
}

impl ItemsPage {
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        chrome: &Chrome,
        lines: &[ItemLine],
        pager: Pager,
        regions: Vec<Choice>,
        selected: (&str, &str, &str, &str),
        years: Vec<Choice>,
        owners: &[DepartmentKind],
        show_region: bool,
    ) -> ItemsPage {
        let now = Utc::now();
        let (region, year, owner, status) = selected;
        ItemsPage {
            layout: chrome.layout("议定事项督办", vec![meetings_crumb(), Crumb::here("议定事项")]),
            rows: lines.iter().map(|l| ItemListRow::new(l, now)).collect(),
            export_query: pager.query.clone(),
            pager,
            regions,
            region: region.to_string(),
            years,
            year: year.to_string(),
            owners: owners.iter().map(|d| Choice::new(d.as_str(), d.label())).collect(),
            owner: owner.to_string(),
            statuses: vec![
                Choice::new("open", "未完成（含逾期）"),
                Choice::new("overdue", "已逾期"),
                Choice::new("done", "已完成"),
                Choice::new("all", "全部"),
            ],
            status: status.to_string(),
            show_region,
        }
    }
}

/// The day a closing form starts from: today.
pub fn close_form(today: NaiveDate) -> CloseForm {
    CloseForm { closed_on: today.to_string(), note: String::new() }
}
