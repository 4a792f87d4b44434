//! Departments: their types, who may do what with them, and the contact form.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::auth::Actor;
use crate::org::{DepartmentKind, RegionId, RegionLevel, Role};
use crate::values::{Phone, RegionCode, Text, Version};
use crate::web::form::{FieldErrors, FormParser};
use crate::web::pagination::lenient_u32;

id_type!(
    /// A department (成员单位) of one region.
    pub DepartmentId
);

/// A department as its pages show it.
#[derive(Clone, Debug)]
pub struct Department {
    pub id: DepartmentId,
    pub region_id: RegionId,
    pub region_code: String,
    pub region_name: String,
    pub region_level: RegionLevel,
    pub kind: DepartmentKind,
    pub name: String,
    pub contact: ContactRecord,
    pub version: i32,
    pub updated_at: DateTime<Utc>,
}

/// The contact details as stored, and as the audit log copies them before and after a change.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct ContactRecord {
    pub contact_person: String,
    pub contact_phone: String,
    pub address: String,
}

/// Checked contact details.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Contact {
    pub person: Text<50>,
    pub phone: Option<Phone>,
    pub address: Text<200>,
}

impl From<&Contact> for ContactRecord {
    fn from(c: &Contact) -> Self {
        ContactRecord {
            contact_person: c.person.to_string(),
            contact_phone: c.phone.as_ref().map(|p| p.as_str().to_string()).unwrap_or_default(),
            address: c.address.to_string(),
        }
    }
}

/// Who may change a department's contact details: the city bureau any department of its city;
/// a partner department or the agency only its own; the province only provincial departments
/// (in a city's rows it makes review decisions, nothing else).
pub fn may_edit(actor: &Actor, department: &Department) -> bool {
    let own_region = actor.region.as_ref().is_some_and(|r| r.id == department.region_id);
    match actor.role {
        Role::ProvinceOfficer => department.region_level == RegionLevel::Province,
        Role::CityOfficer => own_region,
        Role::PartnerOfficer | Role::AgencyOfficer => own_region && actor.department == Some(department.kind),
        _ => false,
    }
}

/// Who may see a department's phone number unmasked (an explicit, audited action): officers of
/// the department's own region, and province officers (SECURITY.md "Personal data").
pub fn may_unmask(actor: &Actor, department: &Department) -> bool {
    let own_region = actor.region.as_ref().is_some_and(|r| r.id == department.region_id);
    match actor.role {
        Role::ProvinceOfficer => true,
        Role::CityOfficer | Role::PartnerOfficer | Role::AgencyOfficer => own_region,
        _ => false,
    }
}

/// The list's filters, as they come in the query string.
#[derive(Debug, Default, Deserialize)]
pub struct ListQuery {
    #[serde(default)]
    pub region: Option<String>,
    #[serde(default)]
    pub kind: Option<String>,
    #[serde(default, deserialize_with = "lenient_u32")]
    pub page: Option<u32>,
}

/// The checked filters. A region here only narrows the actor's scope, never widens it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ListFilter {
    pub region_code: Option<RegionCode>,
    pub kind: Option<DepartmentKind>,
}

impl ListQuery {
    /// Filters that do not parse are dropped: a shared link with an odd value still opens.
    pub fn filter(&self) -> ListFilter {
        ListFilter {
            region_code: self.region.as_deref().and_then(|c| RegionCode::parse(c).ok()),
            kind: self.kind.as_deref().and_then(|k| DepartmentKind::parse(k.trim())),
        }
    }
}

impl ListFilter {
    /// The filters again, for the pager's links.
    pub fn to_query_string(&self) -> String {
        let mut out = form_urlencoded::Serializer::new(String::new());
        if let Some(code) = &self.region_code {
            out.append_pair("region", code.as_str());
        }
        if let Some(kind) = self.kind {
            out.append_pair("kind", kind.as_str());
        }
        out.finish()
    }
}

/// The edit form as submitted (all text, so it can come back unchanged with its messages).
#[derive(Clone, Debug, Default, Deserialize)]
pub struct ContactForm {
    #[serde(default)]
    pub contact_person: String,
    #[serde(default)]
    pub contact_phone: String,
    #[serde(default)]
    pub address: String,
    #[serde(default)]
    pub version: String,
}

impl From<&Department> for ContactForm {
    fn from(d: &Department) -> Self {
        ContactForm {
            contact_person: d.contact.contact_person.clone(),
            contact_phone: d.contact.contact_phone.clone(),
            address: d.contact.address.clone(),
            version: d.version.to_string(),
        }
    }
}

impl ContactForm {
    /// The checked contact details and the version the edit started from.
    pub fn parse(&self) -> Result<(Contact, Version), FieldErrors> {
        let mut p = FormParser::default();
        let person = p.value::<Text<50>>("contact_person", &self.contact_person);
        let phone = p.optional::<Phone>("contact_phone", &self.contact_phone);
        let address = p.value::<Text<200>>("address", &self.address);
        let version = p.value::<Version>("version", &self.version);
        p.finish(|| Some((Contact { person: person?, phone: phone?, address: address? }, version?)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::org::{AccountId, Region};

    fn department(region: i64, level: RegionLevel, kind: DepartmentKind) -> Department {
        Department {
            id: DepartmentId(1),
            region_id: RegionId(region),
            region_code: String::new(),
            region_name: String::new(),
            region_level: level,
            kind,
            name: String::new(),
            contact: ContactRecord::default(),
            version: 1,
            updated_at: Utc::now(),
        }
    }

    fn actor(role: Role, region: i64, level: RegionLevel, department: Option<DepartmentKind>) -> Actor {
        Actor {
            account_id: AccountId(1),
            username: String::new(),
            display_name: String::new(),
            role,
            region: Some(Region { id: RegionId(region), code: String::new(), name: String::new(), level }),
            department,
        }
    }

    #[test]
    fn who_may_edit_which_department() {
        use DepartmentKind::*;
        use RegionLevel::{City, Province};
        let city_health = department(2, City, Health);
        let province_finance = department(1, Province, Finance);
        assert!(may_edit(&actor(Role::CityOfficer, 2, City, Some(Hrss)), &city_health));
        assert!(!may_edit(&actor(Role::CityOfficer, 3, City, Some(Hrss)), &city_health));
        assert!(may_edit(&actor(Role::PartnerOfficer, 2, City, Some(Health)), &city_health));
        assert!(!may_edit(&actor(Role::PartnerOfficer, 2, City, Some(Emergency)), &city_health));
        assert!(!may_edit(&actor(Role::AgencyOfficer, 2, City, Some(SocialInsurance)), &city_health));
        assert!(may_edit(&actor(Role::ProvinceOfficer, 1, Province, Some(Hrss)), &province_finance));
        assert!(!may_edit(&actor(Role::ProvinceOfficer, 1, Province, Some(Hrss)), &city_health));
        assert!(!may_edit(&actor(Role::Expert, 2, City, None), &city_health));
    }

    #[test]
    fn who_may_unmask_a_phone_number() {
        use DepartmentKind::*;
        use RegionLevel::{City, Province};
        let city_health = department(2, City, Health);
        assert!(may_unmask(&actor(Role::CityOfficer, 2, City, Some(Hrss)), &city_health));
        assert!(may_unmask(&actor(Role::PartnerOfficer, 2, City, Some(Emergency)), &city_health));
        assert!(may_unmask(&actor(Role::ProvinceOfficer, 1, Province, Some(Hrss)), &city_health));
        assert!(!may_unmask(&actor(Role::CityOfficer, 3, City, Some(Hrss)), &city_health));
        assert!(!may_unmask(&actor(Role::Expert, 2, City, None), &city_health));
    }

    #[test]
    fn the_contact_form_is_checked_field_by_field() {
        let form = ContactForm {
            contact_person: " 李建国 ".into(),
            contact_phone: "13812345678".into(),
            address: "沈阳市和平区".into(),
            version: "3".into(),
        };
        let (contact, version) = form.parse().unwrap();
        assert_eq!((contact.person.as_str(), version), ("李建国", Version(3)));
        assert_eq!(ContactRecord::from(&contact).contact_phone, "13812345678");

        let bad = ContactForm { contact_phone: "123".into(), address: "地".repeat(201), version: "x".into(), ..form };
        let errors = bad.parse().unwrap_err();
        assert!(errors.get("contact_phone").is_some());
        assert!(errors.get("address").is_some());
        assert!(errors.get("version").is_some());
        assert!(errors.get("contact_person").is_none());
    }

    #[test]
    fn filters_only_take_well_formed_values() {
        let q = ListQuery { region: Some("210100".into()), kind: Some("health".into()), page: None };
        let f = q.filter();
        assert_eq!(f.kind, Some(DepartmentKind::Health));
        assert_eq!(f.to_query_string(), "region=210100&kind=health");
        let q = ListQuery { region: Some("x' or 1=1".into()), kind: Some("nope".into()), page: None };
        assert_eq!(q.filter(), ListFilter::default());
    }
}
