use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::access::Role;
use crate::auth::Actor;
use crate::regions::{RegionId, RegionLevel};
use crate::web::form::FieldErrors;
use crate::web::pagination::lenient_u32;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, sqlx::Type)]
#[sqlx(transparent)]
pub struct DepartmentId(pub i64);

/// The kinds of department. HRSS convenes the joint mechanism; the partner kinds are its
/// members; the social insurance agency runs the fund and is not a member.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
pub enum DepartmentKind {
    Hrss,
    IndustryIt,
    Finance,
    Housing,
    Transport,
    Health,
    Emergency,
    Union,
    MarketRegulation,
    SocialInsurance,
}

impl DepartmentKind {
    pub const ALL: [DepartmentKind; 10] = [
        DepartmentKind::Hrss,
        DepartmentKind::IndustryIt,
        DepartmentKind::Finance,
        DepartmentKind::Housing,
        DepartmentKind::Transport,
        DepartmentKind::Health,
        DepartmentKind::Emergency,
        DepartmentKind::Union,
        DepartmentKind::MarketRegulation,
        DepartmentKind::SocialInsurance,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            DepartmentKind::Hrss => "hrss",
            DepartmentKind::IndustryIt => "industry_it",
            DepartmentKind::Finance => "finance",
            DepartmentKind::Housing => "housing",
            DepartmentKind::Transport => "transport",
            DepartmentKind::Health => "health",
            DepartmentKind::Emergency => "emergency",
            DepartmentKind::Union => "union",
            DepartmentKind::MarketRegulation => "market_regulation",
            DepartmentKind::SocialInsurance => "social_insurance",
        }
    }

    pub fn parse(s: &str) -> Option<DepartmentKind> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }

    /// Short Chinese name of the kind, used in lists and messages.
    pub fn label(self) -> &'static str {
        match self {
            DepartmentKind::Hrss => "人力资源社会保障",
            DepartmentKind::IndustryIt => "工业和信息化",
            DepartmentKind::Finance => "财政",
            DepartmentKind::Housing => "住房城乡建设",
            DepartmentKind::Transport => "交通运输",
            DepartmentKind::Health => "卫生健康",
            DepartmentKind::Emergency => "应急管理",
            DepartmentKind::Union => "总工会",
            DepartmentKind::MarketRegulation => "市场监督管理",
            DepartmentKind::SocialInsurance => "社会保险经办机构",
        }
    }

    /// A partner department of the joint prevention mechanism (not HRSS, not the agency).
    pub fn is_partner(self) -> bool {
        !matches!(self, DepartmentKind::Hrss | DepartmentKind::SocialInsurance)
    }
}

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
    pub contact_person: String,
    pub contact_phone: String,
    pub address: String,
    pub version: i32,
    pub updated_at: DateTime<Utc>,
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
    pub region_code: Option<String>,
    pub kind: Option<DepartmentKind>,
}

impl ListQuery {
    pub fn filter(&self) -> ListFilter {
        ListFilter {
            region_code: self
                .region
                .as_deref()
                .map(str::trim)
                .filter(|c| crate::regions::model::is_valid_region_code(c))
                .map(str::to_string),
            kind: self.kind.as_deref().and_then(DepartmentKind::parse),
        }
    }

    /// The filters again, for the pager's links.
    pub fn to_query_string(&self) -> String {
        let filter = self.filter();
        let mut out = form_urlencoded::Serializer::new(String::new());
        if let Some(code) = &filter.region_code {
            out.append_pair("region", code);
        }
        if let Some(kind) = filter.kind {
            out.append_pair("kind", kind.as_str());
        }
        out.finish()
    }
}

/// The edit form as submitted (all text, so it can come back unchanged with its errors).
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
            contact_person: d.contact_person.clone(),
            contact_phone: d.contact_phone.clone(),
            address: d.address.clone(),
            version: d.version.to_string(),
        }
    }
}

/// Checked contact details.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Contact {
    pub person: String,
    pub phone: String,
    pub address: String,
}

/// Checks the form: the contact details, and the version the edit started from.
pub fn parse_contact(form: &ContactForm) -> Result<(Contact, i32), FieldErrors> {
    let mut errors = FieldErrors::default();
    let person = form.contact_person.trim();
    if person.chars().count() > 50 {
        errors.add("contact_person", "联系人不能超过 50 个字符");
    }
    let phone = form.contact_phone.trim();
    if !phone.is_empty() && !is_valid_phone(phone) {
        errors.add("contact_phone", "请填写有效的电话号码,如 13812345678 或 024-23456789");
    }
    let address = form.address.trim();
    if address.chars().count() > 200 {
        errors.add("address", "地址不能超过 200 个字符");
    }
    let version = form.version.trim().parse::<i32>();
    if version.is_err() {
        errors.add("version", "表单已损坏,请重新打开编辑页面");
    }
    match version {
        Ok(version) if errors.is_empty() => Ok((
            Contact { person: person.to_string(), phone: phone.to_string(), address: address.to_string() },
            version,
        )),
        _ => Err(errors),
    }
}

/// A mainland mobile number (11 digits from 13–19), or a landline with area code and an
/// optional extension: 024-23456789, 041182345678, 024-23456789-8012.
pub fn is_valid_phone(phone: &str) -> bool {
    let digits = |s: &str, range: std::ops::RangeInclusive<usize>| {
        range.contains(&s.len()) && s.bytes().all(|b| b.is_ascii_digit())
    };
    let b = phone.as_bytes();
    if b.len() == 11 && b[0] == b'1' && (b'3'..=b'9').contains(&b[1]) && digits(phone, 11..=11) {
        return true;
    }
    let mut parts = phone.split('-');
    match (parts.next(), parts.next(), parts.next(), parts.next()) {
        (Some(area), Some(number), extension, None) => {
            area.starts_with('0')
                && digits(area, 3..=4)
                && digits(number, 7..=8)
                && extension.is_none_or(|e| digits(e, 1..=6))
        }
        (Some(whole), None, None, None) => whole.starts_with('0') && digits(whole, 10..=12),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::regions::Region;

    fn department(region: i64, level: RegionLevel, kind: DepartmentKind) -> Department {
        Department {
            id: DepartmentId(1),
            region_id: RegionId(region),
            region_code: String::new(),
            region_name: String::new(),
            region_level: level,
            kind,
            name: String::new(),
            contact_person: String::new(),
            contact_phone: String::new(),
            address: String::new(),
            version: 1,
            updated_at: Utc::now(),
        }
    }

    fn actor(role: Role, region: i64, level: RegionLevel, department: Option<DepartmentKind>) -> Actor {
        Actor {
            account_id: crate::accounts::AccountId(1),
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
    fn phone_numbers() {
        for ok in ["13812345678", "024-23456789", "0411-82345678", "024-23456789-8012", "02423456789"] {
            assert!(is_valid_phone(ok), "{ok}");
        }
        for bad in ["12812345678", "1381234567", "24-23456789", "024-2345", "电话", "024-23456789-", "138 1234 5678"]
        {
            assert!(!is_valid_phone(bad), "{bad}");
        }
    }

    #[test]
    fn the_contact_form_is_checked_field_by_field() {
        let form = ContactForm {
            contact_person: " 李建国 ".into(),
            contact_phone: "13812345678".into(),
            address: "沈阳市和平区".into(),
            version: "3".into(),
        };
        let (contact, version) = parse_contact(&form).unwrap();
        assert_eq!((contact.person.as_str(), version), ("李建国", 3));

        let bad = ContactForm { contact_phone: "123".into(), address: "地".repeat(201), version: "x".into(), ..form };
        let errors = parse_contact(&bad).unwrap_err();
        assert!(errors.get("contact_phone").is_some());
        assert!(errors.get("address").is_some());
        assert!(errors.get("version").is_some());
        assert!(errors.get("contact_person").is_none());
    }

    #[test]
    fn filters_only_take_well_formed_values() {
        let q = ListQuery { region: Some("210100".into()), kind: Some("health".into()), page: None };
        assert_eq!(q.filter(), ListFilter { region_code: Some("210100".into()), kind: Some(DepartmentKind::Health) });
        assert_eq!(q.to_query_string(), "region=210100&kind=health");
        let q = ListQuery { region: Some("x' or 1=1".into()), kind: Some("nope".into()), page: None };
        assert_eq!(q.filter(), ListFilter::default());
    }

    #[test]
    fn kinds_round_trip_through_their_names() {
        for kind in DepartmentKind::ALL {
            assert_eq!(DepartmentKind::parse(kind.as_str()), Some(kind));
        }
        assert_eq!(DepartmentKind::parse("police"), None);
    }

    #[test]
    fn partners_exclude_hrss_and_the_agency() {
        let partners: Vec<_> = DepartmentKind::ALL.into_iter().filter(|k| k.is_partner()).collect();
        assert_eq!(partners.len(), 8);
        assert!(!DepartmentKind::Hrss.is_partner());
        assert!(!DepartmentKind::SocialInsurance.is_partner());
    }
}
