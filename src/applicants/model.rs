//! Applicant organizations (申报单位): who may apply (行业协会, 大型企业, 中型企业; small and micro
//! firms may not: their projects are the departments' government procurement), the form, and
//! the link to the employers registry.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::employers::model::EmployerSize;
use crate::industries::model::Division;
use crate::org::Region;
use crate::values::{CreditCode, Phone, Text, Version};
use crate::web::form::{FieldErrors, FormParser};

id_type!(
    /// An applicant organization of one region.
    pub ApplicantId
);

/// The record kind in the audit log.
pub const KIND: &str = "applicant";

labelled_enum! {
    /// The unit types that may apply.
    pub enum UnitType {
        Association => ("association", "行业协会"),
        Large => ("large", "大型企业"),
        Medium => ("medium", "中型企业"),
    }
}

labelled_enum! {
    /// What the form offers: every type an organization may say it is, so that a small or
    /// micro firm is told why it cannot apply rather than not finding itself in the list.
    pub enum DeclaredType {
        Association => ("association", "行业协会"),
        Large => ("large", "大型企业"),
        Medium => ("medium", "中型企业"),
        Small => ("small", "小型企业"),
        Micro => ("micro", "微型企业"),
    }
}

/// Why small and micro firms are refused.
pub const SMALL_FIRMS_REFUSED: &str =
    "小型、微型企业不能作为申报单位；面向小微企业的工伤预防项目由相关部门通过政府采购组织实施";

/// The unit type an organization may apply as, or why it may not. `registered` is the size the
/// employers registry holds for the same credit code, if it holds it.
pub fn eligible(declared: DeclaredType, registered: Option<EmployerSize>) -> Result<UnitType, String> {
    let unit = match declared {
        DeclaredType::Association => UnitType::Association,
        DeclaredType::Large => UnitType::Large,
        DeclaredType::Medium => UnitType::Medium,
        DeclaredType::Small | DeclaredType::Micro => return Err(SMALL_FIRMS_REFUSED.to_string()),
    };
    match (unit, registered) {
        (UnitType::Large | UnitType::Medium, Some(size @ (EmployerSize::Small | EmployerSize::Micro))) => Err(format!(
            "用人单位名录登记该单位规模为{}企业；{SMALL_FIRMS_REFUSED}。如登记有误，请先更正用人单位信息",
            size.label()
        )),
        _ => Ok(unit),
    }
}

/// An applicant as its page shows it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Applicant {
    pub id: ApplicantId,
    pub region: Region,
    pub credit_code: String,
    pub name: String,
    pub unit_type: UnitType,
    pub division_code: String,
    pub address: String,
    pub legal_representative: String,
    pub contact_person: String,
    pub contact_phone: String,
    pub employer_id: Option<i64>,
    pub version: i32,
    pub updated_at: DateTime<Utc>,
}

/// The applicant form as submitted.
#[derive(Clone, Debug, Default, Deserialize)]
pub struct ApplicantForm {
    #[serde(default)]
    pub credit_code: String,
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub unit_type: String,
    #[serde(default)]
    pub division: String,
    #[serde(default)]
    pub address: String,
    #[serde(default)]
    pub legal_representative: String,
    #[serde(default)]
    pub contact_person: String,
    #[serde(default)]
    pub contact_phone: String,
    #[serde(default)]
    pub version: String,
    #[serde(default)]
    pub form_token: String,
    /// The round a new application waits in for this applicant (its id), if it came from there.
    #[serde(default)]
    pub then: String,
}

impl ApplicantForm {
    pub fn of(a: &Applicant) -> ApplicantForm {
        ApplicantForm {
            credit_code: a.credit_code.clone(),
            name: a.name.clone(),
            unit_type: a.unit_type.as_str().into(),
            division: a.division_code.clone(),
            address: a.address.clone(),
            legal_representative: a.legal_representative.clone(),
            contact_person: a.contact_person.clone(),
            contact_phone: a.contact_phone.clone(),
            version: a.version.to_string(),
            form_token: String::new(),
            then: String::new(),
        }
    }

    /// The credit code as typed, checked (the handler looks up the registry by it first).
    pub fn credit_code(&self) -> Option<CreditCode> {
        CreditCode::parse(&self.credit_code).ok()
    }

    /// Checks every field; `registered` is the registry's size for the credit code, if any.
    pub fn parse(
        &self,
        divisions: &[Division],
        registered: Option<EmployerSize>,
    ) -> Result<(ApplicantInput, Version), FieldErrors> {
        let mut p = FormParser::default();
        let credit_code = p.required::<CreditCode>("credit_code", &self.credit_code);
        let name = p.required::<Text<100>>("name", &self.name);
        let declared = p.required::<DeclaredType>("unit_type", &self.unit_type);
        let unit_type = match declared.map(|d| eligible(d, registered)) {
            Some(Ok(unit)) => Some(unit),
            Some(Err(why)) => {
                p.check("unit_type", false, why);
                None
            }
            None => None,
        };
        let code = self.division.split_whitespace().next().unwrap_or("").to_uppercase();
        let division = divisions.iter().find(|d| d.code == code).map(|d| d.code.clone());
        p.check("division", division.is_some(), "请选择所属行业（GB/T 4754-2017 行业大类，如 C26）");
        let address = p.value::<Text<200>>("address", &self.address);
        let legal = p.required::<Text<50>>("legal_representative", &self.legal_representative);
        let person = p.required::<Text<50>>("contact_person", &self.contact_person);
        let phone = p.required::<Phone>("contact_phone", &self.contact_phone);
        let version = if self.version.trim().is_empty() {
            Some(Version(1))
        } else {
            p.value::<Version>("version", &self.version)
        };
        p.finish(|| {
            Some((
                ApplicantInput {
                    credit_code: credit_code?,
                    name: name?,
                    unit_type: unit_type?,
                    division: division?,
                    address: address?,
                    legal_representative: legal?,
                    contact_person: person?,
                    contact_phone: phone?.as_str().to_string(),
                },
                version?,
            ))
        })
    }
}

/// A checked applicant.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ApplicantInput {
    pub credit_code: CreditCode,
    pub name: Text<100>,
    pub unit_type: UnitType,
    pub division: String,
    pub address: Text<200>,
    pub legal_representative: Text<50>,
    pub contact_person: Text<50>,
    pub contact_phone: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn associations_large_and_medium_firms_may_apply_small_and_micro_may_not() {
        assert_eq!(eligible(DeclaredType::Association, None), Ok(UnitType::Association));
        assert_eq!(eligible(DeclaredType::Large, Some(EmployerSize::Large)), Ok(UnitType::Large));
        assert_eq!(eligible(DeclaredType::Medium, None), Ok(UnitType::Medium));
        assert_eq!(eligible(DeclaredType::Small, None), Err(SMALL_FIRMS_REFUSED.to_string()));
        assert_eq!(eligible(DeclaredType::Micro, Some(EmployerSize::Micro)), Err(SMALL_FIRMS_REFUSED.to_string()));
        let registered_small = eligible(DeclaredType::Medium, Some(EmployerSize::Small)).unwrap_err();
        assert!(registered_small.contains("登记该单位规模为小型"), "{registered_small}");
        // An association is not sized by the registry's firm sizes.
        assert_eq!(eligible(DeclaredType::Association, Some(EmployerSize::Small)), Ok(UnitType::Association));
    }

    #[test]
    fn the_form_checks_the_credit_code_and_refuses_a_small_firm_beside_its_field() {
        let divisions = vec![Division {
            code: "C26".into(),
            name: "化学原料和化学制品制造业".into(),
            risk_class: 6,
            class_note: String::new(),
            version: 1,
        }];
        let form = ApplicantForm {
            credit_code: "9144030071526726XG".into(),
            name: "沈阳化工行业协会".into(),
            unit_type: "association".into(),
            division: "C26".into(),
            legal_representative: "张伟".into(),
            contact_person: "李娜".into(),
            contact_phone: "13812345678".into(),
            ..ApplicantForm::default()
        };
        let (input, version) = form.parse(&divisions, None).unwrap();
        assert_eq!((input.unit_type, version), (UnitType::Association, Version(1)));
        let bad = ApplicantForm { credit_code: "9144030071526726XH".into(), unit_type: "small".into(), ..form };
        let errors = bad.parse(&divisions, None).unwrap_err();
        assert!(errors.get("credit_code").is_some());
        assert_eq!(errors.get("unit_type"), Some(SMALL_FIRMS_REFUSED));
    }
}
