//! Employers (用人单位): their types, who may do what, the form, and what follows from the
//! division: the key industry (through the region's key industries) and the risk class (unless
//! overridden with a reason).

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::auth::Actor;
use crate::industries::model::Division;
use crate::key_industries::model::KeyIndustry;
use crate::org::{Region, Role};
use crate::values::{CreditCode, Phone, Text, Version};
use crate::web::form::{FieldErrors, FormParser};
use crate::web::once::TokenField;

id_type!(
    /// An employer of one region.
    pub EmployerId
);

/// The record kind in the audit log.
pub const KIND: &str = "employer";

labelled_enum! {
    pub enum EmployerSize {
        Large => ("large", "大型"),
        Medium => ("medium", "中型"),
        Small => ("small", "小型"),
        Micro => ("micro", "微型"),
    }
}

/// An employer as its page shows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Employer {
    pub id: EmployerId,
    #[serde(skip)]
    pub region: Region,
    pub credit_code: String,
    pub name: String,
    pub division_code: String,
    pub risk_class_override: Option<i16>,
    pub override_reason: String,
    pub size: EmployerSize,
    pub insured_headcount: i32,
    pub address: String,
    pub contact_person: String,
    pub contact_phone: String,
    /// A platform employer (平台企业): it also counts the cycle's platform positions.
    pub platform: bool,
    pub version: i32,
    #[serde(skip)]
    pub updated_at: DateTime<Utc>,
}

/// The risk class an employer carries: its override, else its division's.
pub fn risk_class(division: Option<&Division>, override_class: Option<i16>) -> Option<i16> {
    override_class.or(division.map(|d| d.risk_class))
}

/// The key industry an employer of `division` belongs to among the region's (the province's
/// first, then the region's own), if any.
pub fn key_industry<'a>(industries: &'a [KeyIndustry], division: &str) -> Option<&'a KeyIndustry> {
    industries.iter().find(|k| k.divisions.iter().any(|d| d == division))
}

/// Who keeps a region's employers: its city officers and its social insurance agency.
pub fn may_keep(actor: &Actor, region: &Region) -> bool {
    let own = actor.region.as_ref().is_some_and(|r| r.id == region.id);
    own && matches!(actor.role, Role::CityOfficer | Role::AgencyOfficer)
}

/// Who may see a contact phone in full (an explicit, audited action): the region's officers
/// and the province.
pub fn may_unmask(actor: &Actor, region: &Region) -> bool {
    let own = actor.region.as_ref().is_some_and(|r| r.id == region.id);
    actor.role == Role::ProvinceOfficer
        || (own && matches!(actor.role, Role::CityOfficer | Role::AgencyOfficer | Role::PartnerOfficer))
}

/// The employer form as submitted (and as an import row reads).
#[derive(Clone, Debug, Default, Deserialize)]
pub struct EmployerForm {
    #[serde(default)]
    pub credit_code: String,
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub division: String,
    #[serde(default)]
    pub risk_class_override: String,
    #[serde(default)]
    pub override_reason: String,
    #[serde(default)]
    pub size: String,
    #[serde(default)]
    pub insured_headcount: String,
    #[serde(default)]
    pub address: String,
    #[serde(default)]
    pub contact_person: String,
    #[serde(default)]
    pub contact_phone: String,
    /// `yes` for a platform employer.
    #[serde(default)]
    pub platform: String,
    #[serde(default)]
    pub version: String,
    #[serde(default = "TokenField::missing")]
    pub form_token: TokenField,
}

impl EmployerForm {
    pub fn of(e: &Employer) -> EmployerForm {
        EmployerForm {
            credit_code: e.credit_code.clone(),
            name: e.name.clone(),
            division: e.division_code.clone(),
            risk_class_override: e.risk_class_override.map(|c| c.to_string()).unwrap_or_default(),
            override_reason: e.override_reason.clone(),
            size: e.size.as_str().into(),
            insured_headcount: e.insured_headcount.to_string(),
            address: e.address.clone(),
            contact_person: e.contact_person.clone(),
            contact_phone: e.contact_phone.clone(),
            platform: if e.platform { "yes".into() } else { String::new() },
            version: e.version.to_string(),
            form_token: TokenField::default(),
        }
    }

    /// Checks every field; `divisions` are the known ones (a division is typed as its code, or
    /// picked as `C26 化学原料…`).
    pub fn parse(&self, divisions: &[Division]) -> Result<(EmployerInput, Version), FieldErrors> {
        let mut p = FormParser::default();
        let input = self.parse_fields(&mut p, divisions);
        let version = if self.version.trim().is_empty() {
            Some(Version(1))
        } else {
            p.value::<Version>("version", &self.version)
        };
        p.finish(|| Some((input?, version?)))
    }

    /// The fields without the version (an import row has none).
    pub fn parse_fields(&self, p: &mut FormParser, divisions: &[Division]) -> Option<EmployerInput> {
        let credit_code = p.required::<CreditCode>("credit_code", &self.credit_code);
        let name = p.required::<Text<100>>("name", &self.name);
        let code = self.division.trim().split_whitespace().next().unwrap_or("").to_uppercase();
        let division = divisions.iter().find(|d| d.code == code).map(|d| d.code.clone());
        p.check("division", division.is_some(), "请选择行业大类（GB/T 4754-2017，如 C26）");
        let override_class = match self.risk_class_override.trim() {
            "" => Some(None),
            raw => match raw.trim_end_matches('类').parse::<i16>() {
                Ok(c) if (1..=8).contains(&c) => Some(Some(c)),
                _ => {
                    p.check("risk_class_override", false, "风险类别应为 1–8");
                    None
                }
            },
        };
        let reason = p.value::<Text<300>>("override_reason", &self.override_reason);
        if let (Some(Some(_)), Some(reason)) = (override_class, &reason) {
            p.check("override_reason", !reason.is_empty(), "调整风险类别须说明理由");
        }
        let size = p.required::<EmployerSize>("size", &self.size);
        let headcount = match self.insured_headcount.trim() {
            "" => Some(0),
            raw => match raw.replace(',', "").parse::<i32>() {
                Ok(n) if (0..=10_000_000).contains(&n) => Some(n),
                _ => {
                    p.check("insured_headcount", false, "参保人数应为 0 或正整数");
                    None
                }
            },
        };
        let address = p.value::<Text<200>>("address", &self.address);
        let contact_person = p.value::<Text<50>>("contact_person", &self.contact_person);
        let contact_phone = p.optional::<Phone>("contact_phone", &self.contact_phone);
        let override_class = override_class?;
        Some(EmployerInput {
            credit_code: credit_code?,
            name: name?,
            division: division?,
            risk_class_override: override_class,
            // A reason without an override means nothing: dropped.
            override_reason: if override_class.is_some() { reason?.into_string() } else { String::new() },
            size: size?,
            insured_headcount: headcount?,
            address: address?,
            contact_person: contact_person?,
            contact_phone: contact_phone?.map(|p| p.as_str().to_string()).unwrap_or_default(),
            platform: self.platform == "yes",
        })
    }
}

/// A checked employer.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct EmployerInput {
    pub credit_code: CreditCode,
    pub name: Text<100>,
    pub division: String,
    pub risk_class_override: Option<i16>,
    pub override_reason: String,
    pub size: EmployerSize,
    pub insured_headcount: i32,
    pub address: Text<200>,
    pub contact_person: Text<50>,
    pub contact_phone: String,
    pub platform: bool,
}

impl EmployerInput {
    /// Whether saving this over `e` would change nothing (a re-import reports it unchanged).
    pub fn same_as(&self, e: &Employer) -> bool {
        self.name.as_str() == e.name
            && self.division == e.division_code
            && self.risk_class_override == e.risk_class_override
            && self.override_reason == e.override_reason
            && self.size == e.size
            && self.insured_headcount == e.insured_headcount
            && self.address.as_str() == e.address
            && self.contact_person.as_str() == e.contact_person
            && self.contact_phone == e.contact_phone
            && self.platform == e.platform
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn divisions() -> Vec<Division> {
        vec![
            Division {
                code: "C26".into(),
                name: "化学原料和化学制品制造业".into(),
                risk_class: 6,
                class_note: String::new(),
                version: 1,
            },
            Division {
                code: "G59".into(),
                name: "装卸搬运和仓储业".into(),
                risk_class: 5,
                class_note: "…".into(),
                version: 1,
            },
            Division {
                code: "I65".into(),
                name: "软件和信息技术服务业".into(),
                risk_class: 1,
                class_note: String::new(),
                version: 1,
            },
        ]
    }

    fn industries() -> Vec<KeyIndustry> {
        vec![
            KeyIndustry {
                reference: "province:hazardous_chemicals".into(),
                name: "危险化学品".into(),
                divisions: vec!["C25".into(), "C26".into()],
                own: false,
            },
            KeyIndustry {
                reference: "region:7".into(),
                name: "港口装卸和仓储".into(),
                divisions: vec!["G55".into(), "G59".into()],
                own: true,
            },
        ]
    }

    #[test]
    fn a_division_leads_to_a_key_industry_and_a_risk_class() {
        let (ds, ks) = (divisions(), industries());
        let chem = &ds[0];
        assert_eq!(key_industry(&ks, &chem.code).map(|k| k.name.as_str()), Some("危险化学品"));
        assert_eq!(risk_class(Some(chem), None), Some(6));
        // A city's own key industry counts.
        assert_eq!(key_industry(&ks, "G59").map(|k| k.name.as_str()), Some("港口装卸和仓储"));
        // The override wins.
        assert_eq!(risk_class(Some(&ds[1]), Some(2)), Some(2));
        assert_eq!(key_industry(&ks, "I65"), None);
        assert_eq!(risk_class(Some(&ds[2]), None), Some(1));
    }

    #[test]
    fn the_form_checks_the_credit_code_the_division_and_the_override() {
        let form = EmployerForm {
            credit_code: "9144030071526726XG".into(),
            name: "沈阳化工股份有限公司".into(),
            division: "C26 化学原料和化学制品制造业".into(),
            size: "large".into(),
            insured_headcount: "1,250".into(),
            contact_phone: "024-23456789".into(),
            ..EmployerForm::default()
        };
        let (input, _) = form.parse(&divisions()).unwrap();
        assert_eq!((input.division.as_str(), input.insured_headcount), ("C26", 1250));
        let bad = EmployerForm {
            credit_code: "9144030071526726XH".into(),
            division: "Z99".into(),
            risk_class_override: "3".into(),
            insured_headcount: "-1".into(),
            ..form.clone()
        };
        let errors = bad.parse(&divisions()).unwrap_err();
        assert!(errors.get("credit_code").is_some(), "the check character");
        assert!(errors.get("division").is_some());
        assert_eq!(errors.get("override_reason"), Some("调整风险类别须说明理由"));
        assert_eq!(errors.get("insured_headcount"), Some("参保人数应为 0 或正整数"));
        let overridden =
            EmployerForm { risk_class_override: "2".into(), override_reason: "以仓储为主".into(), ..form };
        assert_eq!(overridden.parse(&divisions()).unwrap().0.risk_class_override, Some(2));
    }
}
