//! Joint meetings (联席会议) and their action items: types, who may do what, the forms, and the
//! status of an item, computed from its due date with the shared deadline rule.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use crate::attachments::{ANY_TYPE, AttachmentKind, Owner, SIGNED_DOCUMENT_TYPES};
use crate::auth::Actor;
use crate::cycles::Cycle;
use crate::cycles::model::departments_on;
use crate::org::{DepartmentKind, Region, RegionLevel, Role};
use crate::values::{Date, Text, Version};
use crate::web::deadline;
use crate::web::form::{FieldErrors, FormParser};
use crate::web::once::TokenField;

id_type!(
    /// A joint meeting of one region.
    pub MeetingId
);

id_type!(
    /// An action item decided at a meeting.
    pub ActionItemId
);

/// The record kind in the shared attachments and audit log.
pub const KIND: &str = "meeting";

/// The documents a meeting takes: its minutes as signed (会议纪要), and anything else.
pub const ATTACHMENT_KINDS: &[AttachmentKind] = &[
    AttachmentKind { key: "minutes", label: "会议纪要", required: false, types: SIGNED_DOCUMENT_TYPES },
    AttachmentKind { key: "other", label: "其他材料", required: false, types: ANY_TYPE },
];

labelled_enum! {
    pub enum MeetingKind {
        Plenary => ("plenary", "全体会议"),
        Special => ("special", "专题会议"),
    }
}

labelled_enum! {
    /// Where an action item stands: never stored; `Overdue` follows from the due date.
    pub enum ItemStatus {
        Open => ("open", "未完成"),
        Overdue => ("overdue", "已逾期"),
        Done => ("done", "已完成"),
    }
}

/// A meeting with its action items.
#[derive(Clone, Debug)]
pub struct Meeting {
    pub id: MeetingId,
    pub region: Region,
    pub held_on: NaiveDate,
    pub kind: MeetingKind,
    pub convenor: DepartmentKind,
    pub attending: Vec<DepartmentKind>,
    pub attendees: String,
    pub topics: String,
    pub minutes: String,
    pub version: i32,
    pub updated_at: DateTime<Utc>,
    pub items: Vec<ActionItem>,
}

impl Meeting {
    /// The meeting as the owner of its files.
    pub fn owner(&self) -> Owner {
        Owner { kind: KIND, id: self.id.0, region: self.region.id }
    }

    pub fn item(&self, id: ActionItemId) -> Option<&ActionItem> {
        self.items.iter().find(|i| i.id == id)
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ActionItem {
    pub id: ActionItemId,
    pub what: String,
    pub owner: DepartmentKind,
    pub due_on: NaiveDate,
    pub closed_on: Option<NaiveDate>,
    pub closed_note: String,
    pub closed_by_name: String,
    pub version: i32,
}

impl ActionItem {
    pub fn status(&self, now: DateTime<Utc>) -> ItemStatus {
        status(self.due_on, self.closed_on, now)
    }
}

/// An item is done once closed; open items are overdue once their due day has ended in
/// Asia/Shanghai (due today is still in time).
pub fn status(due_on: NaiveDate, closed_on: Option<NaiveDate>, now: DateTime<Utc>) -> ItemStatus {
    match closed_on {
        Some(_) => ItemStatus::Done,
        None if deadline::is_late(due_on, now) => ItemStatus::Overdue,
        None => ItemStatus::Open,
    }
}

/// Who keeps a region's meetings and all their items: its city bureau for a city, a province
/// officer for 省本级.
pub fn may_keep(actor: &Actor, region: &Region) -> bool {
    let own = actor.region.as_ref().is_some_and(|r| r.id == region.id);
    match (actor.role, region.level) {
        (Role::CityOfficer, RegionLevel::City) => own,
        (Role::ProvinceOfficer, RegionLevel::Province) => own,
        _ => false,
    }
}

/// Who may close an item: the meeting's keepers, and a partner officer of the region for an
/// item their own department owns.
pub fn may_close(actor: &Actor, region: &Region, item: &ActionItem) -> bool {
    let own_region = actor.region.as_ref().is_some_and(|r| r.id == region.id);
    may_keep(actor, region)
        || (actor.role == Role::PartnerOfficer && own_region && actor.department == Some(item.owner))
}

/// The meeting form as submitted.
#[derive(Clone, Debug, Default, Deserialize)]
pub struct MeetingForm {
    #[serde(default)]
    pub held_on: String,
    #[serde(default)]
    pub kind: String,
    #[serde(default)]
    pub convenor: String,
    #[serde(default)]
    pub attending: Vec<String>,
    #[serde(default)]
    pub attendees: String,
    #[serde(default)]
    pub topics: String,
    #[serde(default)]
    pub minutes: String,
    #[serde(default)]
    pub version: String,
    #[serde(default = "TokenField::missing")]
    pub form_token: TokenField,
}

impl MeetingForm {
    /// A new meeting: today, convened by HRSS, every department attending.
    pub fn blank(today: NaiveDate, cycles: &[Cycle]) -> MeetingForm {
        MeetingForm {
            held_on: today.to_string(),
            kind: MeetingKind::Plenary.as_str().into(),
            convenor: DepartmentKind::Hrss.as_str().into(),
            attending: departments_on(cycles, today).iter().map(|d| d.as_str().to_string()).collect(),
            version: "1".into(),
            ..MeetingForm::default()
        }
    }

    pub fn of(m: &Meeting) -> MeetingForm {
        MeetingForm {
            held_on: m.held_on.to_string(),
            kind: m.kind.as_str().into(),
            convenor: m.convenor.as_str().into(),
            attending: m.attending.iter().map(|d| d.as_str().to_string()).collect(),
            attendees: m.attendees.clone(),
            topics: m.topics.clone(),
            minutes: m.minutes.clone(),
            version: m.version.to_string(),
            form_token: TokenField::default(),
        }
    }

    pub fn parse(&self, cycles: &[Cycle], today: NaiveDate) -> Result<(MeetingInput, Version), FieldErrors> {
        let mut p = FormParser::default();
        let held_on = p.required::<Date>("held_on", &self.held_on);
        if let Some(day) = held_on {
            p.check("held_on", day.0 <= today, "会议日期不能晚于今天，请在会后登记");
        }
        let departments = departments_on(cycles, held_on.map_or(today, |d| d.0));
        let kind = p.required::<MeetingKind>("kind", &self.kind);
        let convenor = DepartmentKind::parse(self.convenor.trim()).filter(|d| departments.contains(d));
        p.check("convenor", convenor.is_some(), "请从本周期的成员单位中选择召集单位");
        let mut attending = Vec::new();
        for raw in self.attending.iter().map(|s| s.trim()).filter(|s| !s.is_empty()) {
            match DepartmentKind::parse(raw).filter(|d| departments.contains(d)) {
                Some(d) if !attending.contains(&d) => attending.push(d),
                Some(_) => {}
                None => p.check("attending", false, "参会单位须为本周期的成员单位"),
            }
        }
        p.check("attending", !attending.is_empty(), "请勾选参会单位");
        attending.sort_by_key(|d| departments.iter().position(|c| c == d));
        let attendees = p.value::<Text<1000>>("attendees", &self.attendees);
        let topics = p.required::<Text<2000>>("topics", &self.topics);
        let minutes = p.value::<Text<10000>>("minutes", &self.minutes);
        let version = p.value::<Version>("version", &self.version);
        p.finish(|| {
            Some((
                MeetingInput {
                    held_on: held_on?.0,
                    kind: kind?,
                    convenor: convenor?,
                    attending,
                    attendees: attendees?,
                    topics: topics?,
                    minutes: minutes?,
                },
                version?,
            ))
        })
    }
}

/// A checked meeting.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct MeetingInput {
    pub held_on: NaiveDate,
    pub kind: MeetingKind,
    pub convenor: DepartmentKind,
    pub attending: Vec<DepartmentKind>,
    pub attendees: Text<1000>,
    pub topics: Text<2000>,
    pub minutes: Text<10000>,
}

/// The action item form (adding one, or correcting an open one).
#[derive(Clone, Debug, Default, Deserialize)]
pub struct ItemForm {
    #[serde(default)]
    pub what: String,
    #[serde(default)]
    pub owner: String,
    #[serde(default)]
    pub due_on: String,
    /// The item's version when its correction form was opened (empty on the add form).
    #[serde(default)]
    pub version: String,
    #[serde(default = "TokenField::missing")]
    pub form_token: TokenField,
}

impl ItemForm {
    pub fn of(item: &ActionItem) -> ItemForm {
        ItemForm {
            what: item.what.clone(),
            owner: item.owner.as_str().into(),
            due_on: item.due_on.to_string(),
            version: item.version.to_string(),
            ..ItemForm::default()
        }
    }

    /// Checked against the departments that attended (an item goes to a department present).
    pub fn parse(&self, meeting: &Meeting) -> Result<ItemInput, FieldErrors> {
        let mut p = FormParser::default();
        let what = p.required::<Text<500>>("what", &self.what);
        let owner = DepartmentKind::parse(self.owner.trim()).filter(|d| meeting.attending.contains(d));
        p.check("owner", owner.is_some(), "请从参会单位中选择责任单位");
        let due_on = p.required::<Date>("due_on", &self.due_on);
        if let Some(due) = due_on {
            p.check("due_on", due.0 >= meeting.held_on, "完成时限不能早于会议日期");
        }
        p.finish(|| Some(ItemInput { what: what?, owner: owner?, due_on: due_on?.0 }))
    }

    /// The version a correction started from; a form without one is broken.
    pub fn version(&self) -> Result<Version, FieldErrors> {
        let mut p = FormParser::default();
        let version = p.value::<Version>("version", &self.version);
        p.finish(|| version)
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ItemInput {
    pub what: Text<500>,
    pub owner: DepartmentKind,
    pub due_on: NaiveDate,
}

/// The closing form: the day it was done and what was done.
#[derive(Clone, Debug, Default, Deserialize)]
pub struct CloseForm {
    #[serde(default)]
    pub closed_on: String,
    #[serde(default)]
    pub note: String,
}

impl CloseForm {
    pub fn parse(&self, meeting: &Meeting, today: NaiveDate) -> Result<(NaiveDate, Text<1000>), FieldErrors> {
        let mut p = FormParser::default();
        let closed_on = p.required::<Date>("closed_on", &self.closed_on);
        if let Some(day) = closed_on {
            p.check("closed_on", day.0 <= today, "完成日期不能晚于今天");
            p.check("closed_on", day.0 >= meeting.held_on, "完成日期不能早于会议日期");
        }
        let note = p.required::<Text<1000>>("note", &self.note);
        p.finish(|| Some((closed_on?.0, note?)))
    }
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;
    use crate::org::{AccountId, RegionId};

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn an_item_due_today_is_not_overdue_one_due_yesterday_is() {
        // 2026-11-30 09:00 in Shanghai.
        let now = Utc.with_ymd_and_hms(2026, 11, 30, 1, 0, 0).unwrap();
        assert_eq!(status(day(2026, 11, 30), None, now), ItemStatus::Open);
        assert_eq!(status(day(2026, 11, 29), None, now), ItemStatus::Overdue);
        assert_eq!(status(day(2026, 11, 29), Some(day(2026, 11, 29)), now), ItemStatus::Done);
        // 23:59 and 00:00 in Shanghai on the due day's end.
        let last_minute = Utc.with_ymd_and_hms(2026, 11, 30, 15, 59, 0).unwrap();
        let midnight = Utc.with_ymd_and_hms(2026, 11, 30, 16, 0, 0).unwrap();
        assert_eq!(status(day(2026, 11, 30), None, last_minute), ItemStatus::Open);
        assert_eq!(status(day(2026, 11, 30), None, midnight), ItemStatus::Overdue);
    }

    fn region(level: RegionLevel, id: i64) -> Region {
        Region { id: RegionId(id), code: String::new(), name: String::new(), level }
    }

    fn actor(role: Role, region: Region, department: Option<DepartmentKind>) -> Actor {
        Actor {
            account_id: AccountId(5),
            username: String::new(),
            display_name: String::new(),
            role,
            region: Some(region),
            department,
        }
    }

    fn item(owner: DepartmentKind) -> ActionItem {
        ActionItem {
            id: ActionItemId(1),
            what: "开展联合检查".into(),
            owner,
            due_on: day(2026, 12, 31),
            closed_on: None,
            closed_note: String::new(),
            closed_by_name: String::new(),
            version: 1,
        }
    }

    #[test]
    fn partners_close_their_own_departments_items_only() {
        let city = region(RegionLevel::City, 2);
        let emergency = actor(Role::PartnerOfficer, city.clone(), Some(DepartmentKind::Emergency));
        assert!(may_close(&emergency, &city, &item(DepartmentKind::Emergency)));
        assert!(!may_close(&emergency, &city, &item(DepartmentKind::Health)), "another department's");
        let elsewhere = actor(Role::PartnerOfficer, region(RegionLevel::City, 3), Some(DepartmentKind::Emergency));
        assert!(!may_close(&elsewhere, &city, &item(DepartmentKind::Emergency)), "another region's");
        let bureau = actor(Role::CityOfficer, city.clone(), Some(DepartmentKind::Hrss));
        assert!(may_close(&bureau, &city, &item(DepartmentKind::Health)), "the keeper closes any");
        let province = actor(Role::ProvinceOfficer, region(RegionLevel::Province, 1), Some(DepartmentKind::Hrss));
        assert!(!may_keep(&province, &city), "the province reads a city's meetings");
        assert!(may_keep(&province, &region(RegionLevel::Province, 1)));
        let agency = actor(Role::AgencyOfficer, city.clone(), Some(DepartmentKind::SocialInsurance));
        assert!(!may_close(&agency, &city, &item(DepartmentKind::Emergency)));
    }

    fn meeting() -> Meeting {
        Meeting {
            id: MeetingId(1),
            region: region(RegionLevel::City, 2),
            held_on: day(2026, 3, 10),
            kind: MeetingKind::Plenary,
            convenor: DepartmentKind::Hrss,
            attending: vec![DepartmentKind::Hrss, DepartmentKind::Emergency],
            attendees: String::new(),
            topics: "部署年度工作".into(),
            minutes: String::new(),
            version: 1,
            updated_at: Utc::now(),
            items: vec![item(DepartmentKind::Emergency)],
        }
    }

    #[test]
    fn items_go_to_a_department_present_and_fall_due_after_the_meeting() {
        let m = meeting();
        let ok = ItemForm {
            what: "开展粉尘涉爆企业联合检查".into(),
            owner: "emergency".into(),
            due_on: "2026-06-30".into(),
            ..ItemForm::default()
        };
        assert_eq!(ok.parse(&m).unwrap().owner, DepartmentKind::Emergency);
        let bad =
            ItemForm { what: " ".into(), owner: "health".into(), due_on: "2026-03-01".into(), ..ItemForm::default() };
        let errors = bad.parse(&m).unwrap_err();
        assert_eq!(errors.get("what"), Some("此项为必填项"));
        assert_eq!(errors.get("owner"), Some("请从参会单位中选择责任单位"));
        assert_eq!(errors.get("due_on"), Some("完成时限不能早于会议日期"));
    }

    #[test]
    fn a_closure_needs_a_day_in_range_and_a_note() {
        let m = meeting();
        let today = day(2026, 11, 30);
        let errors = CloseForm { closed_on: "2026-12-01".into(), note: String::new() }.parse(&m, today).unwrap_err();
        assert_eq!(errors.get("closed_on"), Some("完成日期不能晚于今天"));
        assert_eq!(errors.get("note"), Some("此项为必填项"));
        let (on, note) =
            CloseForm { closed_on: "2026-11-20".into(), note: "已完成检查 12 家".into() }.parse(&m, today).unwrap();
        assert_eq!((on, note.as_str()), (day(2026, 11, 20), "已完成检查 12 家"));
    }
}
