//! The rules of a project's agreement (签订协议): what it records, how its form is checked (the
//! amount never above the approved, the term forward, signed not after today), and when it may be
//! signed (the signed copy uploaded).

use chrono::{DateTime, NaiveDate, Utc};
use rust_decimal::Decimal;
use serde::Deserialize;

use crate::attachments::{Attachment, AttachmentKind, SIGNED_DOCUMENT_TYPES};
use crate::values::{Money, Version};
use crate::web::form::FieldErrors;

id_type!(
    /// A project's agreement.
    pub AgreementId
);

/// The signed copy, an attachment of the project.
pub const SIGNED_AGREEMENT: AttachmentKind = AttachmentKind {
    key: "signed_agreement",
    label: "项目协议（签字盖章扫描件）",
    required: true,
    types: SIGNED_DOCUMENT_TYPES,
};

#[derive(Clone, Debug)]
pub struct Agreement {
    pub id: AgreementId,
    pub number: String,
    pub signed_on: NaiveDate,
    pub party_a: String,
    pub party_b: String,
    pub amount: Money,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
    pub version: i32,
    pub updated_at: DateTime<Utc>,
}

#[derive(Clone, Debug, Default, Deserialize)]
pub struct AgreementForm {
    #[serde(default)]
    pub number: String,
    #[serde(default)]
    pub signed_on: String,
    #[serde(default)]
    pub party_a: String,
    #[serde(default)]
    pub party_b: String,
    #[serde(default)]
    pub amount: String,
    #[serde(default)]
    pub starts_on: String,
    #[serde(default)]
    pub ends_on: String,
    #[serde(default)]
    pub version: String,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AgreementInput {
    pub number: String,
    pub signed_on: NaiveDate,
    pub party_a: String,
    pub party_b: String,
    pub amount: Decimal,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
}

fn date_of(raw: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(raw.trim(), "%Y-%m-%d").ok()
}

impl AgreementForm {
    /// A first form: the region's bureau and the applicant as the parties, the approved amount,
    /// the application's period.
    pub fn first(
        party_a: String,
        party_b: String,
        approved: Option<Money>,
        period: (Option<NaiveDate>, Option<NaiveDate>),
    ) -> AgreementForm {
        AgreementForm {
            party_a,
            party_b,
            amount: approved.map(|m| m.yuan().to_string()).unwrap_or_default(),
            starts_on: period.0.map(|d| d.to_string()).unwrap_or_default(),
            ends_on: period.1.map(|d| d.to_string()).unwrap_or_default(),
            version: "0".into(),
            ..AgreementForm::default()
        }
    }

    pub fn of(a: &Agreement) -> AgreementForm {
        AgreementForm {
            number: a.number.clone(),
            signed_on: a.signed_on.to_string(),
            party_a: a.party_a.clone(),
            party_b: a.party_b.clone(),
            amount: a.amount.yuan().to_string(),
            starts_on: a.starts_on.to_string(),
            ends_on: a.ends_on.to_string(),
            version: a.version.to_string(),
        }
    }

    /// Checked against the approved amount and today.
    pub fn parse(&self, approved: Money, today: NaiveDate) -> Result<(AgreementInput, Version), FieldErrors> {
        let mut errors = FieldErrors::default();
        let text = |errors: &mut FieldErrors, field: &'static str, raw: &str, max: usize, label: &str| {
            let value = raw.trim().to_string();
            if value.is_empty() || value.chars().count() > max {
                errors.add_owned(field, format!("请填写{label}，不超过 {max} 个字符。"));
            }
            value
        };
        let number = text(&mut errors, "number", &self.number, 50, "协议编号");
        let party_a = text(&mut errors, "party_a", &self.party_a, 100, "甲方");
        let party_b = text(&mut errors, "party_b", &self.party_b, 100, "乙方");
        let signed_on = date_of(&self.signed_on);
        match signed_on {
            None => errors.add("signed_on", "请填写签订日期（如 2026-12-01）。"),
            Some(d) if d > today => errors.add("signed_on", "签订日期不能晚于今天。"),
            _ => {}
        }
        let amount = match Money::parse_yuan(&self.amount) {
            Ok(m) if m.yuan() <= Decimal::ZERO => {
                errors.add("amount", "协议金额应大于 0。");
                None
            }
            Ok(m) if m.yuan() > approved.yuan() => {
                errors.add_owned(
                    "amount",
                    format!("协议金额 {} 元超过核定金额 {} 元。", m.show_yuan(), approved.show_yuan()),
                );
                None
            }
            Ok(m) => Some(m.yuan()),
            Err(e) => {
                errors.add_owned("amount", e.to_string());
                None
            }
        };
        let starts_on = date_of(&self.starts_on);
        let ends_on = date_of(&self.ends_on);
        if starts_on.is_none() {
            errors.add("starts_on", "请填写实施开始日期。");
        }
        match (starts_on, ends_on) {
            (_, None) => errors.add("ends_on", "请填写实施结束日期。"),
            (Some(s), Some(e)) if e < s => errors.add("ends_on", "结束日期不能早于开始日期。"),
            _ => {}
        }
        let version = Version::parse(&self.version);
        if let Err(e) = &version {
            errors.add_owned("version", e.to_string());
        }
        match (errors.is_empty(), signed_on, amount, starts_on, ends_on, version) {
            (true, Some(signed_on), Some(amount), Some(starts_on), Some(ends_on), Ok(version)) => {
                Ok((AgreementInput { number, signed_on, party_a, party_b, amount, starts_on, ends_on }, version))
            }
            _ => Err(errors),
        }
    }
}

/// Why the agreement cannot be signed yet, if it cannot: recorded, and its signed copy uploaded.
pub fn sign_refusal(agreement: Option<&Agreement>, files: &[Attachment]) -> Option<&'static str> {
    if agreement.is_none() {
        return Some("请先填写并保存协议信息。");
    }
    (!files.iter().any(|f| f.kind == SIGNED_AGREEMENT.key)).then_some("请先上传签字盖章的协议扫描件。")
}

#[cfg(test)]
mod tests;
