use serde::Serialize;

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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_round_trip_through_their_names() {
        for kind in DepartmentKind::ALL {
            assert_eq!(DepartmentKind::parse(kind.as_str()), Some(kind));
        }
        assert_eq!(DepartmentKind::parse("police"), None);
    }

    #[test]
    fn partners_exclude_hrss_and_the_agency() {
        let partners: Vec<_> = DepartmentKind::ALL
            .into_iter()
            .filter(|k| k.is_partner())
            .collect();
        assert_eq!(partners.len(), 8);
        assert!(!DepartmentKind::Hrss.is_partner());
        assert!(!DepartmentKind::SocialInsurance.is_partner());
    }
}
