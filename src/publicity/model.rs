//! Publicity (宣传): events and campaigns of a region, warning-education bases, and the counts
//! per region and year. The rules: which kind a date suggests, who may log and change an event,
//! the forms, and the count table. Pure: no clock, no SQL.

use chrono::{DateTime, Datelike, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use crate::attachments::{ANY_TYPE, AttachmentKind, Owner};
use crate::auth::Actor;
use crate::org::{DepartmentKind, Region, RegionId, RegionLevel, Role};
use crate::values::{Count, Date, Text, Version};
use crate::web::form::{FieldErrors, FormParser};
use crate::web::once::TokenField;

id_type!(
    /// A publicity event or campaign.
    pub EventId
);

id_type!(
    /// A warning-education base.
    pub BaseId
);

pub const KIND: &str = "publicity_event";
pub const BASE_KIND: &str = "warning_base";

pub const ATTACHMENT_KINDS: &[AttachmentKind] = &[
    AttachmentKind { key: "material", label: "宣传材料", required: false, types: ANY_TYPE },
    AttachmentKind { key: "photo", label: "活动照片", required: false, types: ANY_TYPE },
    AttachmentKind { key: "other", label: "其他材料", required: false, types: ANY_TYPE },
];

labelled_enum! {
    pub enum EventKind {
        DiseaseLawWeek => ("disease_law_week", "《职业病防治法》宣传周"),
        SafetyMonth => ("safety_month", "安全生产月"),
        WarningEducation => ("warning_education", "警示教育"),
        Media => ("media", "媒体宣传"),
        Online => ("online", "线上宣传"),
        Other => ("other", "其他"),
    }
}

/// The campaign a date falls in: the 《职业病防治法》 publicity week (25 April – 1 May) or the
/// work-safety month (June); other days suggest nothing.
pub fn suggested_kind(day: NaiveDate) -> Option<EventKind> {
    match (day.month(), day.day()) {
        (4, 25..=30) | (5, 1) => Some(EventKind::DiseaseLawWeek),
        (6, _) => Some(EventKind::SafetyMonth),
        _ => None,
    }
}

/// An event as its page shows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Event {
    pub id: EventId,
    pub region: RegionId,
    pub held_on: NaiveDate,
    pub ends_on: NaiveDate,
    pub kind: EventKind,
    pub title: String,
    pub department: DepartmentKind,
    pub audience: i32,
    pub project: Option<i64>,
    pub project_name: Option<String>,
    pub summary: String,
    pub created_by_name: String,
    pub version: i32,
    pub updated_at: DateTime<Utc>,
}

impl Event {
    pub fn owner(&self) -> Owner {
        Owner { kind: KIND, id: self.id.0, region: self.region }
    }
}

fn own_city(actor: &Actor, region: &Region) -> bool {
    region.level == RegionLevel::City && actor.region.as_ref().is_some_and(|r| r.id == region.id)
}

/// Who may log events in `region`: its city officers, and its partner officers (for their own
/// department).
pub fn may_log(actor: &Actor, region: &Region) -> bool {
    match actor.role {
        Role::CityOfficer => own_city(actor, region),
        Role::PartnerOfficer => own_city(actor, region) && actor.department.is_some(),
        _ => false,
    }
}

/// Who may change or remove an event: the region's city officers any; a partner officer their
/// own department's.
pub fn may_edit(actor: &Actor, region: &Region, event: &Event) -> bool {
    match actor.role {
        Role::CityOfficer => own_city(actor, region),
        Role::PartnerOfficer => own_city(actor, region) && actor.department == Some(event.department),
        _ => false,
    }
}

/// Who keeps a region's warning-education bases: its city officers.
pub fn may_keep_bases(actor: &Actor, region: &Region) -> bool {
    actor.role == Role::CityOfficer && own_city(actor, region)
}

/// The event form as submitted.
#[derive(Clone, Debug, Default, Deserialize)]
pub struct EventForm {
    #[serde(default)]
    pub held_on: String,
    #[serde(default)]
    pub ends_on: String,
    /// Empty: the kind the first day suggests.
    #[serde(default)]
    pub kind: String,
    #[serde(default)]
    pub title: String,
    #[serde(default)]
    pub department: String,
    #[serde(default)]
    pub audience: String,
    #[serde(default)]
    pub project: String,
    #[serde(default)]
    pub summary: String,
    #[serde(default)]
    pub version: String,
    #[serde(default = "TokenField::missing")]
    pub form_token: TokenField,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct EventInput {
    pub held_on: NaiveDate,
    pub ends_on: NaiveDate,
    pub kind: EventKind,
    pub title: String,
    pub department: DepartmentKind,
    pub audience: i32,
    pub project: Option<i64>,
    pub summary: String,
}

impl EventForm {
    pub fn of(e: &Event) -> EventForm {
        EventForm {
            held_on: e.held_on.to_string(),
            ends_on: e.ends_on.to_string(),
            kind: e.kind.as_str().into(),
            title: e.title.clone(),
            department: e.department.as_str().into(),
            audience: e.audience.to_string(),
            project: e.project.map(|p| p.to_string()).unwrap_or_default(),
            summary: e.summary.clone(),
            version: e.version.to_string(),
            form_token: TokenField::default(),
        }
    }

    /// Every field checked. `departments`: those the actor may name (a partner officer only
    /// their own); the end defaults to the first day; a kind left empty is the one the first
    /// day suggests, and a day that suggests none asks for one. Events are logged once held.
    pub fn parse(
        &self,
        departments: &[DepartmentKind],
        today: NaiveDate,
    ) -> Result<(EventInput, Version), FieldErrors> {
        let mut p = FormParser::default();
        let held = p.required::<Date>("held_on", &self.held_on).map(|d| d.0);
        let ends = match self.ends_on.trim() {
            "" => held,
            raw => p.value::<Date>("ends_on", raw).map(|d| d.0),
        };
        if let (Some(h), Some(e)) = (held, ends) {
            p.check("ends_on", e >= h, "结束日期不能早于开始日期");
        }
        if let Some(h) = held {
            p.check("held_on", h <= today, "活动开始后再登记（开始日期不能晚于今天）");
        }
        let kind = match self.kind.trim() {
            "" => match held.and_then(suggested_kind) {
                Some(k) => Some(k),
                None => {
                    p.check("kind", held.is_none(), "请选择活动类型（该日期不在宣传周或安全生产月内）");
                    None
                }
            },
            raw => p.value::<EventKind>("kind", raw),
        };
        let title = p.required::<Text<200>>("title", &self.title);
        let department = match departments {
            [only] => Some(*only),
            _ => {
                let d = p.required::<DepartmentKind>("department", &self.department);
                if let Some(d) = d {
                    p.check("department", departments.contains(&d), "请从本周期的成员单位中选择");
                }
                d
            }
        };
        let audience = p.required::<Count>("audience", &self.audience);
        let project = match self.project.trim() {
            "" => Some(None),
            raw => match raw.parse::<i64>() {
                Ok(id) if id > 0 => Some(Some(id)),
                _ => {
                    p.check("project", false, "请从本地区的项目中选择");
                    None
                }
            },
        };
        let summary = p.value::<Text<2000>>("summary", &self.summary);
        let version = if self.version.trim().is_empty() {
            Some(Version(1))
        } else {
            p.value::<Version>("version", &self.version)
        };
        p.finish(|| {
            Some((
                EventInput {
                    held_on: held?,
                    ends_on: ends?,
                    kind: kind?,
                    title: title?.into_string(),
                    department: department?,
                    audience: audience?.0,
                    project: project?,
                    summary: summary?.into_string(),
                },
                version?,
            ))
        })
    }
}

/// A warning-education base.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct WarningBase {
    pub id: BaseId,
    pub region: RegionId,
    pub name: String,
    pub place: String,
    pub operator: String,
    pub visitors_per_year: i32,
    pub version: i32,
}

#[derive(Clone, Debug, Default, Deserialize)]
pub struct BaseForm {
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub place: String,
    #[serde(default)]
    pub operator: String,
    #[serde(default)]
    pub visitors_per_year: String,
    #[serde(default)]
    pub version: String,
    #[serde(default = "TokenField::missing")]
    pub form_token: TokenField,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct BaseInput {
    pub name: String,
    pub place: String,
    pub operator: String,
    pub visitors_per_year: i32,
}

impl BaseForm {
    pub fn of(b: &WarningBase) -> BaseForm {
        BaseForm {
            name: b.name.clone(),
            place: b.place.clone(),
            operator: b.operator.clone(),
            visitors_per_year: b.visitors_per_year.to_string(),
            version: b.version.to_string(),
            form_token: TokenField::default(),
        }
    }

    pub fn parse(&self) -> Result<(BaseInput, Version), FieldErrors> {
        let mut p = FormParser::default();
        let name = p.required::<Text<100>>("name", &self.name);
        let place = p.required::<Text<200>>("place", &self.place);
        let operator = p.required::<Text<100>>("operator", &self.operator);
        let visitors = p.required::<Count>("visitors_per_year", &self.visitors_per_year);
        let version = if self.version.trim().is_empty() {
            Some(Version(1))
        } else {
            p.value::<Version>("version", &self.version)
        };
        p.finish(|| {
            Some((
                BaseInput {
                    name: name?.into_string(),
                    place: place?.into_string(),
                    operator: operator?.into_string(),
                    visitors_per_year: visitors?.0,
                },
                version?,
            ))
        })
    }
}

/// One region's events of a year counted by kind, with the audience reached.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CountLine {
    pub region: String,
    /// In `EventKind::ALL` order.
    pub by_kind: Vec<i64>,
    pub events: i64,
    pub audience: i64,
}

/// The count table: one line per region (in the order given, regions without events at zero)
/// and, for more than one region, the province line summing them. `found` holds (region, kind,
/// events, audience) as the database grouped them.
pub fn count_table(regions: &[Region], found: &[(RegionId, EventKind, i64, i64)]) -> Vec<CountLine> {
    let kinds = EventKind::ALL;
    let mut lines: Vec<CountLine> = regions
        .iter()
        .map(|r| {
            let mut line = CountLine { region: r.name.clone(), by_kind: vec![0; kinds.len()], ..CountLine::default() };
            for (_, kind, events, audience) in found.iter().filter(|f| f.0 == r.id) {
                if let Some(i) = kinds.iter().position(|k| k == kind) {
                    line.by_kind[i] += events;
                }
                line.events += events;
                line.audience += audience;
            }
            line
        })
        .collect();
    if lines.len() > 1 {
        let mut total = CountLine { region: "全省".into(), by_kind: vec![0; kinds.len()], ..CountLine::default() };
        for l in &lines {
            for (t, n) in total.by_kind.iter_mut().zip(&l.by_kind) {
                *t += n;
            }
            total.events += l.events;
            total.audience += l.audience;
        }
        lines.push(total);
    }
    lines
}

#[cfg(test)]
mod tests;
