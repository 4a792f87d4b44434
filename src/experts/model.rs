//! Experts of the pool: their types, who keeps them, the form, and where their account stands.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use super::Specialty;
use super::draw::PoolEntry;
use crate::auth::Actor;
use crate::org::{Region, RegionLevel, Role};
use crate::values::{CreditCode, Date, Phone, Text, Version};
use crate::web::form::{FieldErrors, FormParser};
use crate::web::once::TokenField;

id_type!(
    /// An expert of the pool.
    pub ExpertId
);

/// The record kind in the audit log (and in account requests).
pub const KIND: &str = "expert";

/// An expert as the pages show them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Expert {
    pub id: ExpertId,
    pub region: Region,
    pub name: String,
    pub specialty: Specialty,
    pub organization: String,
    pub organization_code: Option<String>,
    pub title: String,
    pub phone: String,
    pub available: bool,
    pub away_from: Option<NaiveDate>,
    pub away_until: Option<NaiveDate>,
    pub conflicts: Vec<String>,
    pub account: AccountState,
    pub version: i32,
    pub updated_at: DateTime<Utc>,
}

impl Expert {
    /// The expert as the draw reads them.
    pub fn pool_entry(&self) -> PoolEntry {
        PoolEntry {
            id: self.id.0,
            specialty: self.specialty,
            organization: self.organization.clone(),
            organization_code: self.organization_code.clone(),
            available: self.available,
            away_from: self.away_from,
            away_until: self.away_until,
            conflicts: self.conflicts.clone(),
        }
    }
}

/// Where an expert's account stands (三员: asked for by an officer, created by the system
/// administrator, given its role by the security administrator).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AccountState {
    None,
    Requested,
    AwaitingRole,
    Active,
    Disabled,
}

impl AccountState {
    /// From the request's account (if created), its role and whether it is disabled.
    pub fn of(requested: bool, account: Option<(Option<Role>, bool)>) -> AccountState {
        match (requested, account) {
            (false, _) => AccountState::None,
            (true, None) => AccountState::Requested,
            (true, Some((_, true))) => AccountState::Disabled,
            (true, Some((Some(Role::Expert), false))) => AccountState::Active,
            (true, Some((_, false))) => AccountState::AwaitingRole,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            AccountState::None => "未开通",
            AccountState::Requested => "已申请，待系统管理员开通",
            AccountState::AwaitingRole => "已开通，待安全管理员分配角色",
            AccountState::Active => "已开通",
            AccountState::Disabled => "已停用",
        }
    }

    pub fn key(self) -> &'static str {
        match self {
            AccountState::None => "none",
            AccountState::Requested => "requested",
            AccountState::AwaitingRole => "awaiting_role",
            AccountState::Active => "active",
            AccountState::Disabled => "disabled",
        }
    }
}

/// Who keeps a region's experts: province officers every region's, city officers their own.
pub fn may_keep(actor: &Actor, region: &Region) -> bool {
    let own = actor.region.as_ref().is_some_and(|r| r.id == region.id);
    match actor.role {
        Role::ProvinceOfficer => true,
        Role::CityOfficer => own && region.level == RegionLevel::City,
        _ => false,
    }
}

/// The expert form as submitted. Conflicts are one organization (name or credit code) a line.
#[derive(Clone, Debug, Default, Deserialize)]
pub struct ExpertForm {
    /// The region (province officers choose; a city officer's is their own).
    #[serde(default)]
    pub region: String,
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub specialty: String,
    #[serde(default)]
    pub organization: String,
    #[serde(default)]
    pub organization_code: String,
    #[serde(default)]
    pub title: String,
    #[serde(default)]
    pub phone: String,
    #[serde(default)]
    pub available: String,
    #[serde(default)]
    pub away_from: String,
    #[serde(default)]
    pub away_until: String,
    #[serde(default)]
    pub conflicts: String,
    #[serde(default)]
    pub version: String,
    #[serde(default = "TokenField::missing")]
    pub form_token: TokenField,
}

impl ExpertForm {
    pub fn new_for(region_code: &str) -> ExpertForm {
        ExpertForm { region: region_code.into(), available: "yes".into(), version: "1".into(), ..Default::default() }
    }

    pub fn of(e: &Expert) -> ExpertForm {
        let date = |d: Option<NaiveDate>| d.map(|d| d.to_string()).unwrap_or_default();
        ExpertForm {
            region: e.region.code.clone(),
            name: e.name.clone(),
            specialty: e.specialty.as_str().into(),
            organization: e.organization.clone(),
            organization_code: e.organization_code.clone().unwrap_or_default(),
            title: e.title.clone(),
            phone: e.phone.clone(),
            available: if e.available { "yes" } else { "no" }.into(),
            away_from: date(e.away_from),
            away_until: date(e.away_until),
            conflicts: e.conflicts.join("\n"),
            version: e.version.to_string(),
            form_token: TokenField::default(),
        }
    }

    pub fn parse(&self) -> Result<(ExpertInput, Version), FieldErrors> {
        let mut p = FormParser::default();
        let name = p.required::<Text<50>>("name", &self.name);
        let specialty = p.required::<Specialty>("specialty", &self.specialty);
        let organization = p.required::<Text<100>>("organization", &self.organization);
        let code = p.optional::<CreditCode>("organization_code", &self.organization_code);
        let title = p.value::<Text<50>>("title", &self.title);
        let phone = p.required::<Phone>("phone", &self.phone);
        let available = self.available.trim() != "no";
        let away_from = p.optional::<Date>("away_from", &self.away_from);
        let away_until = p.optional::<Date>("away_until", &self.away_until);
        if let (Some(Some(from)), Some(Some(until))) = (away_from, away_until) {
            p.check("away_until", until.0 >= from.0, "结束日期不能早于开始日期");
        }
        let mut conflicts: Vec<String> = Vec::new();
        for line in self.conflicts.lines().map(str::trim).filter(|l| !l.is_empty()) {
            if line.chars().count() > 100 {
                p.check("conflicts", false, "每行一个单位名称或统一社会信用代码，不超过 100 字");
            } else if !conflicts.iter().any(|c| c == line) {
                conflicts.push(line.to_string());
            }
        }
        p.check("conflicts", conflicts.len() <= 50, "回避单位不超过 50 个");
        let version = p.value::<Version>("version", &self.version);
        p.finish(|| {
            Some((
                ExpertInput {
                    name: name?,
                    specialty: specialty?,
                    organization: organization?,
                    organization_code: code?.map(|c| c.as_str().to_string()),
                    title: title?,
                    phone: phone?.as_str().to_string(),
                    available,
                    away_from: away_from?.map(|d| d.0),
                    away_until: away_until?.map(|d| d.0),
                    conflicts,
                },
                version?,
            ))
        })
    }
}

/// A checked expert.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ExpertInput {
    pub name: Text<50>,
    pub specialty: Specialty,
    pub organization: Text<100>,
    pub organization_code: Option<String>,
    pub title: Text<50>,
    pub phone: String,
    pub available: bool,
    pub away_from: Option<NaiveDate>,
    pub away_until: Option<NaiveDate>,
    pub conflicts: Vec<String>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::org::{AccountId, RegionId};

    #[test]
    fn an_accounts_state_follows_the_three_administrators_steps() {
        assert_eq!(AccountState::of(false, None), AccountState::None);
        assert_eq!(AccountState::of(true, None), AccountState::Requested);
        assert_eq!(AccountState::of(true, Some((None, false))), AccountState::AwaitingRole);
        assert_eq!(AccountState::of(true, Some((Some(Role::Expert), false))), AccountState::Active);
        assert_eq!(AccountState::of(true, Some((Some(Role::CityOfficer), false))), AccountState::AwaitingRole);
        assert_eq!(AccountState::of(true, Some((Some(Role::Expert), true))), AccountState::Disabled);
    }

    #[test]
    fn the_province_keeps_every_regions_experts_a_city_its_own() {
        let city =
            Region { id: RegionId(2), code: "210100".into(), name: "沈阳市".into(), level: RegionLevel::City };
        let other =
            Region { id: RegionId(3), code: "210200".into(), name: "大连市".into(), level: RegionLevel::City };
        let actor = |role, region: &Region| Actor {
            account_id: AccountId(1),
            username: String::new(),
            display_name: String::new(),
            role,
            region: Some(region.clone()),
            department: None,
        };
        assert!(may_keep(&actor(Role::CityOfficer, &city), &city));
        assert!(!may_keep(&actor(Role::CityOfficer, &city), &other));
        assert!(!may_keep(&actor(Role::PartnerOfficer, &city), &city));
        let province =
            Region { id: RegionId(1), code: "210000".into(), name: "省本级".into(), level: RegionLevel::Province };
        assert!(may_keep(&actor(Role::ProvinceOfficer, &province), &other));
    }

    #[test]
    fn the_form_checks_dates_codes_and_keeps_conflicts_one_a_line() {
        let form = ExpertForm {
            name: "郑海涛".into(),
            specialty: "work_safety".into(),
            organization: "东北大学".into(),
            phone: "13912345678".into(),
            conflicts: "沈阳市矿业协会\n\n  沈阳市矿业协会 \n9144030071526726XG".into(),
            away_from: "2026-12-01".into(),
            away_until: "2026-12-20".into(),
            ..ExpertForm::new_for("210100")
        };
        let (input, _) = form.parse().unwrap();
        assert_eq!(input.conflicts, ["沈阳市矿业协会", "9144030071526726XG"]);
        assert!(input.available);
        let bad = ExpertForm {
            organization_code: "123".into(),
            away_until: "2026-11-01".into(),
            specialty: "astrology".into(),
            available: "no".into(),
            ..form
        };
        let errors = bad.parse().unwrap_err();
        assert!(errors.get("organization_code").is_some());
        assert_eq!(errors.get("away_until"), Some("结束日期不能早于开始日期"));
        assert!(errors.get("specialty").is_some());
    }
}
