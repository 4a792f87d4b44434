//! The organisation vocabulary every layer speaks: regions (the tenants), department kinds,
//! roles and account ids (DOMAIN.md "Who uses the system"). It sits below everything and imports
//! nothing of ours.

id_type!(
    /// Surrogate key of a region; the six-digit code is the business key.
    pub RegionId
);

id_type!(
    /// An account (a person who signs in).
    pub AccountId
);

labelled_enum! {
    /// 省本级 or 地级市.
    pub enum RegionLevel {
        Province => ("province", "省本级"),
        City => ("city", "地级市"),
    }
}

/// A region as every page names it.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Region {
    pub id: RegionId,
    pub code: String,
    pub name: String,
    pub level: RegionLevel,
}

/// A role in a region's leading group (组长, 联络员 …): reference data with a default list
/// (migration 0025), held in memory with the other reference data.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GroupRole {
    pub key: String,
    pub name: String,
}

impl GroupRole {
    /// The role the group has exactly one of (组长).
    pub const LEADER: &'static str = "leader";
    /// The role the group needs at least one of (联络员).
    pub const LIAISON: &'static str = "liaison";
}

labelled_enum! {
    /// The kinds of department. HRSS convenes the joint mechanism; the partner kinds are its
    /// members; the social insurance agency runs the fund and is not a member.
    pub enum DepartmentKind {
        Hrss => ("hrss", "人力资源社会保障"),
        IndustryIt => ("industry_it", "工业和信息化"),
        Finance => ("finance", "财政"),
        Housing => ("housing", "住房城乡建设"),
        Transport => ("transport", "交通运输"),
        Health => ("health", "卫生健康"),
        Emergency => ("emergency", "应急管理"),
        Union => ("union", "总工会"),
        MarketRegulation => ("market_regulation", "市场监督管理"),
        SocialInsurance => ("social_insurance", "社会保险经办机构"),
    }
}

impl DepartmentKind {
    /// A partner department of the joint prevention mechanism (not HRSS, not the agency).
    pub fn is_partner(self) -> bool {
        !matches!(self, DepartmentKind::Hrss | DepartmentKind::SocialInsurance)
    }
}

labelled_enum! {
    /// What an account does in the system; at most one per account.
    pub enum Role {
        ProvinceOfficer => ("province_officer", "省级工伤保险处"),
        CityOfficer => ("city_officer", "市人力资源社会保障局"),
        PartnerOfficer => ("partner_officer", "成员单位"),
        AgencyOfficer => ("agency_officer", "社会保险经办机构"),
        Expert => ("expert", "专家"),
        SysAdmin => ("sys_admin", "系统管理员"),
        SecurityAdmin => ("security_admin", "安全管理员"),
        Auditor => ("auditor", "审计员"),
    }
}

impl Role {
    /// The three separated administrators (三员), who use no business page.
    pub fn is_administrator(self) -> bool {
        matches!(self, Role::SysAdmin | Role::SecurityAdmin | Role::Auditor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_and_unknown_ones_are_refused() {
        for kind in DepartmentKind::ALL {
            assert_eq!(DepartmentKind::parse(kind.as_str()), Some(*kind));
        }
        for role in Role::ALL {
            assert_eq!(role.as_str().parse::<Role>(), Ok(*role));
        }
        assert_eq!(DepartmentKind::parse("police"), None);
        assert_eq!(RegionLevel::parse("county"), None);
        assert_eq!(Role::CityOfficer.to_string(), "市人力资源社会保障局", "shown by its label");
        assert_eq!(serde_json::to_value(Role::Auditor).unwrap(), serde_json::json!("auditor"));
    }

    #[test]
    fn partners_exclude_hrss_and_the_agency() {
        let partners: Vec<_> = DepartmentKind::ALL.iter().filter(|k| k.is_partner()).collect();
        assert_eq!(partners.len(), 8);
        assert!(!DepartmentKind::Hrss.is_partner());
        assert!(!DepartmentKind::SocialInsurance.is_partner());
    }
}
