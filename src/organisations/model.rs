//! Service organisations and the recommended list: their types, the listing's workflow as data,
//! the forms, and the rules a training session's provider must meet. Pure: no clock, no SQL.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use crate::auth::Actor;
use crate::org::{RegionId, Role};
use crate::values::{CreditCode, Date, Phone, Text, Version};
use crate::web::form::{FieldErrors, FormParser};
use crate::web::once::TokenField;
use crate::workflow::Transition;

id_type!(
    /// A service organisation.
    pub OrganisationId
);

id_type!(
    /// One qualification of an organisation.
    pub QualificationId
);

/// The record kind in the shared history and the audit log.
pub const KIND: &str = "organisation";

labelled_enum! {
    /// What an organisation does (第三方专业技术服务机构的类别).
    pub enum OrganisationKind {
        Training => ("training", "培训机构"),
        OnlinePlatform => ("online_platform", "在线培训平台"),
        Consulting => ("consulting", "咨询评估机构"),
        Other => ("other", "其他"),
    }
}

labelled_enum! {
    /// Where an organisation stands on the recommended list (推荐清单).
    pub enum ListingStatus {
        Unlisted => ("unlisted", "未列入"),
        Listed => ("listed", "已列入"),
        Suspended => ("suspended", "暂停推荐"),
        Removed => ("removed", "已移出"),
    }
}

labelled_enum! {
    pub enum ListingAction {
        List => ("list", "列入推荐清单"),
        Suspend => ("suspend", "暂停推荐"),
        Reinstate => ("reinstate", "恢复推荐"),
        Remove => ("remove", "移出推荐清单"),
    }
}

const PROVINCE: &[Role] = &[Role::ProvinceOfficer];

/// The recommended list's moves: province officers only; a suspension or a removal says why.
pub const TRANSITIONS: &[Transition<ListingStatus, ListingAction>] = &[
    Transition {
        from: &[ListingStatus::Unlisted, ListingStatus::Removed],
        action: ListingAction::List,
        to: ListingStatus::Listed,
        roles: PROVINCE,
        comment_required: false,
        not_by_whoever_took: None,
    },
    Transition {
        from: &[ListingStatus::Listed],
        action: ListingAction::Suspend,
        to: ListingStatus::Suspended,
        roles: PROVINCE,
        comment_required: true,
        not_by_whoever_took: None,
    },
    Transition {
        from: &[ListingStatus::Suspended],
        action: ListingAction::Reinstate,
        to: ListingStatus::Listed,
        roles: PROVINCE,
        comment_required: false,
        not_by_whoever_took: None,
    },
    Transition {
        from: &[ListingStatus::Listed, ListingStatus::Suspended],
        action: ListingAction::Remove,
        to: ListingStatus::Removed,
        roles: PROVINCE,
        comment_required: true,
        not_by_whoever_took: None,
    },
];

/// An organisation as its page shows it.
#[derive(Clone, Debug)]
pub struct Organisation {
    pub id: OrganisationId,
    pub keeper: RegionId,
    pub credit_code: String,
    pub name: String,
    pub kind: OrganisationKind,
    pub contact_person: String,
    pub contact_phone: String,
    pub address: String,
    pub status: ListingStatus,
    pub listed_from: Option<NaiveDate>,
    pub listed_until: Option<NaiveDate>,
    pub status_reason: String,
    pub status_changed_on: Option<NaiveDate>,
    /// The regions it serves, by id.
    pub regions: Vec<RegionId>,
    pub version: i32,
    pub updated_at: DateTime<Utc>,
}

impl Organisation {
    pub fn listing(&self) -> Listing {
        Listing { status: self.status, from: self.listed_from, until: self.listed_until }
    }

    pub fn serves(&self, region: RegionId) -> bool {
        self.regions.contains(&region)
    }
}

/// What decides whether an organisation may be chosen on a day.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Listing {
    pub status: ListingStatus,
    pub from: Option<NaiveDate>,
    pub until: Option<NaiveDate>,
}

impl Listing {
    /// On the list on `day`: listed, and `day` inside its period (both ends inclusive; open
    /// without an end).
    pub fn in_force_on(self, day: NaiveDate) -> bool {
        self.status == ListingStatus::Listed
            && self.from.is_some_and(|f| f <= day)
            && self.until.is_none_or(|u| day <= u)
    }

    /// The status as lists show it on `day`: a listing not yet begun or already ended says so.
    pub fn shown_on(self, day: NaiveDate) -> &'static str {
        match self.status {
            ListingStatus::Listed if self.from.is_some_and(|f| day < f) => "已列入（未到起始日）",
            ListingStatus::Listed if self.until.is_some_and(|u| u < day) => "推荐期已满",
            status => status.label(),
        }
    }
}

/// Why an organisation cannot be a session's provider, if it cannot. A session that already
/// names it keeps it (`kept`): a later suspension does not rewrite the past.
pub fn provider_refusal(listing: Listing, serves_region: bool, day: NaiveDate, kept: bool) -> Option<&'static str> {
    if kept {
        return None;
    }
    if !listing.in_force_on(day) {
        return Some(match listing.status {
            ListingStatus::Suspended => "该机构已被暂停推荐，不能选为新培训的机构",
            ListingStatus::Removed => "该机构已移出推荐清单，不能选为新培训的机构",
            _ => "该机构不在推荐清单的有效期内，不能选择",
        });
    }
    if !serves_region {
        return Some("该机构的服务地区不含本地区");
    }
    None
}

/// Who may read an organisation's page: the province every one; other officers one on the list
/// (whatever its status now) or serving their region.
pub fn may_read(actor: &Actor, org: &Organisation) -> bool {
    match actor.role {
        Role::ProvinceOfficer => true,
        Role::CityOfficer | Role::PartnerOfficer | Role::AgencyOfficer => {
            org.status != ListingStatus::Unlisted || actor.region.as_ref().is_some_and(|r| org.serves(r.id))
        }
        _ => false,
    }
}

/// The organisation form as submitted; `regions` is one value per region served (its code).
#[derive(Clone, Debug, Default, Deserialize)]
pub struct OrganisationForm {
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub credit_code: String,
    #[serde(default)]
    pub kind: String,
    #[serde(default)]
    pub contact_person: String,
    #[serde(default)]
    pub contact_phone: String,
    #[serde(default)]
    pub address: String,
    #[serde(default)]
    pub regions: Vec<String>,
    #[serde(default)]
    pub version: String,
    #[serde(default = "TokenField::missing")]
    pub form_token: TokenField,
}

/// A checked organisation; the regions as codes the caller resolves.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct OrganisationInput {
    pub name: String,
    pub credit_code: String,
    pub kind: OrganisationKind,
    pub contact_person: String,
    pub contact_phone: String,
    pub address: String,
    pub regions: Vec<RegionId>,
}

impl OrganisationForm {
    pub fn of(o: &Organisation, code_of: impl Fn(RegionId) -> Option<String>) -> OrganisationForm {
        OrganisationForm {
            name: o.name.clone(),
            credit_code: o.credit_code.clone(),
            kind: o.kind.as_str().into(),
            contact_person: o.contact_person.clone(),
            contact_phone: o.contact_phone.clone(),
            address: o.address.clone(),
            regions: o.regions.iter().filter_map(|r| code_of(*r)).collect(),
            version: o.version.to_string(),
            form_token: TokenField::default(),
        }
    }

    /// Every field checked; `region_of` resolves a posted region code (unknown codes are
    /// refused, not dropped).
    pub fn parse(
        &self,
        region_of: impl Fn(&str) -> Option<RegionId>,
    ) -> Result<(OrganisationInput, Version), FieldErrors> {
        let mut p = FormParser::default();
        let name = p.required::<Text<100>>("name", &self.name);
        let code = p.required::<CreditCode>("credit_code", &self.credit_code);
        let kind = p.required::<OrganisationKind>("kind", &self.kind);
        let person = p.value::<Text<50>>("contact_person", &self.contact_person);
        let phone = p.optional::<Phone>("contact_phone", &self.contact_phone);
        let address = p.value::<Text<200>>("address", &self.address);
        let mut regions = Vec::new();
        for raw in self.regions.iter().map(|r| r.trim()).filter(|r| !r.is_empty()) {
            match region_of(raw) {
                Some(id) if !regions.contains(&id) => regions.push(id),
                Some(_) => {}
                None => p.check("regions", false, "服务地区无效，请从列表中选择"),
            }
        }
        p.check("regions", !regions.is_empty(), "请至少选择一个服务地区");
        let version = if self.version.trim().is_empty() {
            Some(Version(1))
        } else {
            p.value::<Version>("version", &self.version)
        };
        p.finish(|| {
            Some((
                OrganisationInput {
                    name: name?.into_string(),
                    credit_code: code?.as_str().to_string(),
                    kind: kind?,
                    contact_person: person?.into_string(),
                    contact_phone: phone?.map(|p| p.as_str().to_string()).unwrap_or_default(),
                    address: address?.into_string(),
                    regions: regions.clone(),
                },
                version?,
            ))
        })
    }
}

/// A qualification as its table shows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Qualification {
    pub id: QualificationId,
    pub name: String,
    pub number: String,
    pub issuer: String,
    pub valid_from: NaiveDate,
    pub valid_until: Option<NaiveDate>,
}

impl Qualification {
    /// 有效, 已过期, or 未生效 on `day`.
    pub fn standing_on(&self, day: NaiveDate) -> &'static str {
        if day < self.valid_from {
            "未生效"
        } else if self.valid_until.is_some_and(|u| u < day) {
            "已过期"
        } else {
            "有效"
        }
    }
}

#[derive(Clone, Debug, Default, Deserialize)]
pub struct QualificationForm {
    #[serde(default, rename = "q_name")]
    pub name: String,
    #[serde(default, rename = "q_number")]
    pub number: String,
    #[serde(default, rename = "q_issuer")]
    pub issuer: String,
    #[serde(default, rename = "q_valid_from")]
    pub valid_from: String,
    #[serde(default, rename = "q_valid_until")]
    pub valid_until: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct QualificationInput {
    pub name: String,
    pub number: String,
    pub issuer: String,
    pub valid_from: NaiveDate,
    pub valid_until: Option<NaiveDate>,
}

impl QualificationForm {
    pub fn parse(&self) -> Result<QualificationInput, FieldErrors> {
        let mut p = FormParser::default();
        let name = p.required::<Text<100>>("q_name", &self.name);
        let number = p.value::<Text<50>>("q_number", &self.number);
        let issuer = p.value::<Text<100>>("q_issuer", &self.issuer);
        let from = p.required::<Date>("q_valid_from", &self.valid_from);
        let until = p.optional::<Date>("q_valid_until", &self.valid_until);
        if let (Some(f), Some(Some(u))) = (from, until) {
            p.check("q_valid_until", u.0 >= f.0, "有效期截止日不能早于起始日");
        }
        p.finish(|| {
            Some(QualificationInput {
                name: name?.into_string(),
                number: number?.into_string(),
                issuer: issuer?.into_string(),
                valid_from: from?.0,
                valid_until: until?.map(|d| d.0),
            })
        })
    }
}

/// The listing box's form: the action, the reason, the period (for 列入), the one-time token.
#[derive(Clone, Debug, Default, Deserialize)]
pub struct ListingForm {
    #[serde(default)]
    pub action: String,
    #[serde(default)]
    pub comment: String,
    #[serde(default)]
    pub listed_from: String,
    #[serde(default)]
    pub listed_until: String,
    #[serde(default)]
    pub form_token: String,
}

/// The period a listing runs (both days inclusive; open without an end).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Period {
    pub from: NaiveDate,
    pub until: Option<NaiveDate>,
}

impl ListingForm {
    /// The period asked for with 列入: from today unless given; an end, if any, not before it.
    pub fn period(&self, today: NaiveDate) -> Result<Period, &'static str> {
        let from = match self.listed_from.trim() {
            "" => today,
            raw => Date::parse(raw).map_err(|_| "推荐起始日期格式应为 2026-03-01")?.0,
        };
        let until = match self.listed_until.trim() {
            "" => None,
            raw => Some(Date::parse(raw).map_err(|_| "推荐截止日期格式应为 2026-12-31")?.0),
        };
        if until.is_some_and(|u| u < from) {
            return Err("推荐截止日期不能早于起始日期");
        }
        Ok(Period { from, until })
    }
}

#[cfg(test)]
mod tests;
