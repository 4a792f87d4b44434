//! Joint inspections and rectification: the records, a finding's status (computed from its
//! follow-ups and today with the shared deadline function, never stored), the follow-ups as a
//! workflow table, who may log and act, the extension limit, and the forms. Pure: no clock, no
//! SQL.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use crate::attachments::{ANY_TYPE, AttachmentKind, Owner};
use crate::auth::Actor;
use crate::org::{AccountId, DepartmentKind, Region, RegionId, RegionLevel, Role};
use crate::values::{CreditCode, Date, Text, Version};
use crate::web::deadline::{DueStatus, due_status_on};
use crate::web::form::{FieldErrors, FormParser};
use crate::web::once::TokenField;
use crate::workflow::Transition;

id_type!(
    /// A joint inspection (联合检查).
    pub InspectionId
);

id_type!(
    /// A finding of an inspection, with its rectification.
    pub FindingId
);

pub const KIND: &str = "joint_inspection";
pub const FINDING_KIND: &str = "finding";

/// How many days ahead a deadline counts as near (临期).
pub const DUE_SOON_DAYS: i64 = 7;

pub const ATTACHMENT_KINDS: &[AttachmentKind] = &[
    AttachmentKind { key: "record", label: "检查记录", required: false, types: ANY_TYPE },
    AttachmentKind { key: "other", label: "其他材料", required: false, types: ANY_TYPE },
];

pub const FINDING_ATTACHMENT_KINDS: &[AttachmentKind] = &[
    AttachmentKind { key: "photo", label: "现场照片", required: false, types: ANY_TYPE },
    AttachmentKind { key: "notice", label: "整改通知书等文书", required: false, types: ANY_TYPE },
    AttachmentKind { key: "evidence", label: "整改佐证材料", required: false, types: ANY_TYPE },
];

labelled_enum! {
    pub enum FindingCategory {
        Hazard => ("hazard", "安全隐患"),
        ExposureExceeded => ("exposure_exceeded", "职业病危害因素浓（强）度超标"),
        AccidentSign => ("accident_sign", "工伤事故苗头性问题"),
        Responsibility => ("responsibility", "未落实主体责任"),
        Other => ("other", "其他"),
    }
}

labelled_enum! {
    pub enum HazardLevel {
        General => ("general", "一般隐患"),
        Major => ("major", "重大隐患"),
    }
}

labelled_enum! {
    /// The law a finding is referred under for penalty.
    pub enum ReferralLaw {
        WorkSafety => ("work_safety", "《安全生产法》"),
        OccupationalDisease => ("occupational_disease", "《职业病防治法》"),
    }
}

labelled_enum! {
    /// Where a finding stands today, as lists filter and show it.
    pub enum FindingStatus {
        Open => ("open", "整改中"),
        DueSoon => ("due_soon", "7日内到期"),
        Overdue => ("overdue", "已逾期"),
        Rectified => ("rectified", "已整改待核验"),
        Closed => ("closed", "已核验销号"),
        Referred => ("referred", "已移交处罚"),
    }
}

labelled_enum! {
    /// The stage the follow-ups have reached (the workflow's status; the deadline refines
    /// `Open` into the statuses lists show).
    pub enum Stage {
        Open => ("open", "整改中"),
        Rectified => ("rectified", "已整改待核验"),
        Closed => ("closed", "已核验销号"),
        Referred => ("referred", "已移交处罚"),
    }
}

labelled_enum! {
    pub enum FollowUp {
        Rectify => ("rectify", "登记整改"),
        Verify => ("verify", "核验销号"),
        Reopen => ("reopen", "核验不通过"),
        Extend => ("extend", "延长整改期限"),
        Refer => ("refer", "移交处罚"),
    }
}

const OFFICERS: &[Role] = &[Role::CityOfficer, Role::PartnerOfficer];

/// The follow-ups of a finding. Verification (either way) is never by whoever recorded the
/// rectification; an extension and a failed verification say why.
pub const FOLLOW_UPS: &[Transition<Stage, FollowUp>] = &[
    Transition {
        from: &[Stage::Open],
        action: FollowUp::Rectify,
        to: Stage::Rectified,
        roles: OFFICERS,
        comment_required: true,
        not_by_whoever_took: None,
    },
    Transition {
        from: &[Stage::Rectified],
        action: FollowUp::Verify,
        to: Stage::Closed,
        roles: OFFICERS,
        comment_required: false,
        not_by_whoever_took: Some(FollowUp::Rectify),
    },
    Transition {
        from: &[Stage::Rectified],
        action: FollowUp::Reopen,
        to: Stage::Open,
        roles: OFFICERS,
        comment_required: true,
        not_by_whoever_took: Some(FollowUp::Rectify),
    },
    Transition {
        from: &[Stage::Open],
        action: FollowUp::Extend,
        to: Stage::Open,
        roles: OFFICERS,
        comment_required: true,
        not_by_whoever_took: None,
    },
    Transition {
        from: &[Stage::Open, Stage::Rectified],
        action: FollowUp::Refer,
        to: Stage::Referred,
        roles: OFFICERS,
        comment_required: false,
        not_by_whoever_took: None,
    },
];

/// A joint inspection as its page shows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct JointInspection {
    pub id: InspectionId,
    pub region: RegionId,
    pub inspected_on: NaiveDate,
    pub lead_department: DepartmentKind,
    pub departments: Vec<String>,
    pub inspectors: String,
    pub employer: i64,
    pub employer_name: String,
    pub employer_code: String,
    pub summary: String,
    pub created_by: AccountId,
    pub created_by_name: String,
    pub version: i32,
    pub updated_at: DateTime<Utc>,
}

impl JointInspection {
    pub fn owner(&self) -> Owner {
        Owner { kind: KIND, id: self.id.0, region: self.region }
    }
}

/// A finding with its follow-ups.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Finding {
    pub id: FindingId,
    pub region: RegionId,
    pub inspection: InspectionId,
    pub inspected_on: NaiveDate,
    pub employer: i64,
    pub employer_name: String,
    pub category: FindingCategory,
    pub hazard_level: Option<HazardLevel>,
    pub description: String,
    pub legal_basis: String,
    pub advice: String,
    pub deadline: NaiveDate,
    pub original_deadline: NaiveDate,
    pub extensions: i32,
    pub responsible_department: DepartmentKind,
    pub recorded_by_name: String,
    pub rectified_on: Option<NaiveDate>,
    pub rectification: String,
    pub rectified_by: Option<AccountId>,
    pub rectified_by_name: String,
    pub verified_on: Option<NaiveDate>,
    pub verified_by_name: String,
    pub referred_on: Option<NaiveDate>,
    pub referral_law: Option<ReferralLaw>,
    pub referred_to: String,
    pub referral_number: String,
    pub version: i32,
}

impl Finding {
    pub fn owner(&self) -> Owner {
        Owner { kind: FINDING_KIND, id: self.id.0, region: self.region }
    }

    pub fn stage(&self) -> Stage {
        stage(self.rectified_on, self.verified_on, self.referred_on)
    }

    pub fn status(&self, today: NaiveDate) -> FindingStatus {
        status(self.stage(), self.deadline, today)
    }
}

/// The stage the follow-ups recorded have reached.
pub fn stage(rectified: Option<NaiveDate>, verified: Option<NaiveDate>, referred: Option<NaiveDate>) -> Stage {
    match (rectified, verified, referred) {
        (_, _, Some(_)) => Stage::Referred,
        (_, Some(_), None) => Stage::Closed,
        (Some(_), None, None) => Stage::Rectified,
        (None, None, None) => Stage::Open,
    }
}

/// A finding's status on `today`: its stage, and while open where its deadline stands (due
/// today is still in time; due within seven days is near).
pub fn status(stage: Stage, deadline: NaiveDate, today: NaiveDate) -> FindingStatus {
    match stage {
        Stage::Referred => FindingStatus::Referred,
        Stage::Closed => FindingStatus::Closed,
        Stage::Rectified => FindingStatus::Rectified,
        Stage::Open => match due_status_on(deadline, today) {
            DueStatus::Overdue(_) => FindingStatus::Overdue,
            DueStatus::DueToday => FindingStatus::DueSoon,
            DueStatus::DueIn(days) if days <= DUE_SOON_DAYS => FindingStatus::DueSoon,
            DueStatus::DueIn(_) => FindingStatus::Open,
        },
    }
}

fn own_city(actor: &Actor, region: &Region) -> bool {
    region.level == RegionLevel::City && actor.region.as_ref().is_some_and(|r| r.id == region.id)
}

/// Who logs inspections and findings in `region`: its city officers and partner officers.
pub fn may_log(actor: &Actor, region: &Region) -> bool {
    match actor.role {
        Role::CityOfficer => own_city(actor, region),
        Role::PartnerOfficer => own_city(actor, region) && actor.department.is_some(),
        _ => false,
    }
}

/// Who changes an inspection: the region's city officers, and the partner officers of the
/// department that led it.
pub fn may_edit(actor: &Actor, region: &Region, inspection: &JointInspection) -> bool {
    match actor.role {
        Role::CityOfficer => own_city(actor, region),
        Role::PartnerOfficer => own_city(actor, region) && actor.department == Some(inspection.lead_department),
        _ => false,
    }
}

/// Who acts on a finding (its follow-ups, its files): the region's city officers (HRSS), and
/// the partner officers of its responsible department.
pub fn may_act(actor: &Actor, region: &Region, finding: &Finding) -> bool {
    match actor.role {
        Role::CityOfficer => own_city(actor, region),
        Role::PartnerOfficer => own_city(actor, region) && actor.department == Some(finding.responsible_department),
        _ => false,
    }
}

/// Why a deadline cannot move to `to` (after `max` extensions, none more).
pub fn extension_refusal(finding: &Finding, to: NaiveDate, max: u32) -> Option<String> {
    if finding.extensions >= max as i32 {
        return Some(format!("整改期限已延长 {max} 次，不能再延期；请督促整改或移交处罚"));
    }
    if to <= finding.deadline {
        return Some(format!("新的期限应晚于现有期限 {}", finding.deadline));
    }
    None
}

/// The inspection form as submitted; the employer by its credit code.
#[derive(Clone, Debug, Default, Deserialize)]
pub struct InspectionForm {
    #[serde(default)]
    pub inspected_on: String,
    #[serde(default)]
    pub lead_department: String,
    #[serde(default)]
    pub departments: Vec<String>,
    #[serde(default)]
    pub inspectors: String,
    #[serde(default)]
    pub employer: String,
    #[serde(default)]
    pub summary: String,
    #[serde(default)]
    pub version: String,
    #[serde(default = "TokenField::missing")]
    pub form_token: TokenField,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct InspectionInput {
    pub inspected_on: NaiveDate,
    pub lead_department: DepartmentKind,
    pub departments: Vec<DepartmentKind>,
    pub inspectors: String,
    /// The employer's credit code; the caller finds it in the region.
    pub employer: String,
    pub summary: String,
}

impl InspectionForm {
    pub fn of(i: &JointInspection) -> InspectionForm {
        InspectionForm {
            inspected_on: i.inspected_on.to_string(),
            lead_department: i.lead_department.as_str().into(),
            departments: i.departments.clone(),
            inspectors: i.inspectors.clone(),
            employer: i.employer_code.clone(),
            summary: i.summary.clone(),
            version: i.version.to_string(),
            form_token: TokenField::default(),
        }
    }

    /// Every field checked against the cycle's `departments` (a partner officer's inspection is
    /// led by their own, `fixed_lead`); not in the future.
    pub fn parse(
        &self,
        departments: &[DepartmentKind],
        fixed_lead: Option<DepartmentKind>,
        today: NaiveDate,
    ) -> Result<(InspectionInput, Version), FieldErrors> {
        let mut p = FormParser::default();
        let day = p.required::<Date>("inspected_on", &self.inspected_on).map(|d| d.0);
        if let Some(d) = day {
            p.check("inspected_on", d <= today, "检查日期不能晚于今天");
        }
        let lead = match fixed_lead {
            Some(own) => Some(own),
            None => {
                let lead = p.required::<DepartmentKind>("lead_department", &self.lead_department);
                if let Some(l) = lead {
                    p.check("lead_department", departments.contains(&l), "请从本周期的成员单位中选择");
                }
                lead
            }
        };
        let mut joined = Vec::new();
        for raw in self.departments.iter().map(|d| d.trim()).filter(|d| !d.is_empty()) {
            match DepartmentKind::parse(raw).filter(|d| departments.contains(d)) {
                Some(d) if Some(d) != lead && !joined.contains(&d) => joined.push(d),
                Some(_) => {}
                None => p.check("departments", false, "请从本周期的成员单位中选择"),
            }
        }
        joined.sort_by_key(|d| departments.iter().position(|c| c == d));
        let inspectors = p.required::<Text<200>>("inspectors", &self.inspectors);
        let employer = p.required::<CreditCode>("employer", &self.employer);
        let summary = p.value::<Text<2000>>("summary", &self.summary);
        let version = if self.version.trim().is_empty() {
            Some(Version(1))
        } else {
            p.value::<Version>("version", &self.version)
        };
        p.finish(|| {
            Some((
                InspectionInput {
                    inspected_on: day?,
                    lead_department: lead?,
                    departments: joined.clone(),
                    inspectors: inspectors?.into_string(),
                    employer: employer?.as_str().to_string(),
                    summary: summary?.into_string(),
                },
                version?,
            ))
        })
    }
}

/// The finding form as submitted (on the inspection's page).
#[derive(Clone, Debug, Default, Deserialize)]
pub struct FindingForm {
    #[serde(default)]
    pub category: String,
    #[serde(default)]
    pub hazard_level: String,
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub legal_basis: String,
    #[serde(default)]
    pub advice: String,
    #[serde(default)]
    pub deadline: String,
    #[serde(default)]
    pub responsible_department: String,
    #[serde(default = "TokenField::missing")]
    pub form_token: TokenField,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct FindingInput {
    pub category: FindingCategory,
    pub hazard_level: Option<HazardLevel>,
    pub description: String,
    pub legal_basis: String,
    pub advice: String,
    pub deadline: NaiveDate,
    pub responsible_department: DepartmentKind,
}

impl FindingForm {
    /// Checked; a hazard needs its level (and nothing else has one); the deadline not before
    /// the inspection; the responsible department one of the cycle's.
    pub fn parse(&self, departments: &[DepartmentKind], inspected_on: NaiveDate) -> Result<FindingInput, FieldErrors> {
        let mut p = FormParser::default();
        let category = p.required::<FindingCategory>("category", &self.category);
        let level = match category {
            Some(FindingCategory::Hazard) => p.required::<HazardLevel>("hazard_level", &self.hazard_level).map(Some),
            _ => Some(None),
        };
        let description = p.required::<Text<2000>>("description", &self.description);
        let basis = p.value::<Text<500>>("legal_basis", &self.legal_basis);
        let advice = p.required::<Text<2000>>("advice", &self.advice);
        let deadline = p.required::<Date>("deadline", &self.deadline).map(|d| d.0);
        if let Some(d) = deadline {
            p.check("deadline", d >= inspected_on, "整改期限不能早于检查日期");
        }
        let department = p.required::<DepartmentKind>("responsible_department", &self.responsible_department);
        if let Some(d) = department {
            p.check("responsible_department", departments.contains(&d), "请从本周期的成员单位中选择");
        }
        p.finish(|| {
            Some(FindingInput {
                category: category?,
                hazard_level: level?,
                description: description?.into_string(),
                legal_basis: basis?.into_string(),
                advice: advice?.into_string(),
                deadline: deadline?,
                responsible_department: department?,
            })
        })
    }
}

/// A follow-up as posted: the action, its note (what was done, why), its day (the
/// rectification's, or the new deadline), the referral's law, department and number.
#[derive(Clone, Debug, Default, Deserialize)]
pub struct FollowUpForm {
    #[serde(default)]
    pub action: String,
    #[serde(default)]
    pub comment: String,
    #[serde(default)]
    pub day: String,
    #[serde(default)]
    pub law: String,
    #[serde(default)]
    pub referred_to: String,
    #[serde(default)]
    pub number: String,
    #[serde(default)]
    pub form_token: String,
}

/// A follow-up checked.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FollowUpInput {
    Rectify { on: NaiveDate },
    Verify,
    Reopen,
    Extend { to: NaiveDate },
    Refer { law: ReferralLaw, to: String, number: String },
}

impl FollowUpForm {
    /// What `action` needs beyond its note: a day (not in the future for a rectification), or
    /// the referral's particulars.
    pub fn parse(&self, action: FollowUp, today: NaiveDate) -> Result<FollowUpInput, FieldErrors> {
        let mut p = FormParser::default();
        p.check("comment", self.comment.trim().chars().count() <= 2000, "不能超过 2000 个字符");
        let input = match action {
            FollowUp::Rectify => {
                let on = p.required::<Date>("day", &self.day).map(|d| d.0);
                if let Some(d) = on {
                    p.check("day", d <= today, "整改完成日期不能晚于今天");
                }
                on.map(|on| FollowUpInput::Rectify { on })
            }
            FollowUp::Verify => Some(FollowUpInput::Verify),
            FollowUp::Reopen => Some(FollowUpInput::Reopen),
            FollowUp::Extend => p.required::<Date>("day", &self.day).map(|d| FollowUpInput::Extend { to: d.0 }),
            FollowUp::Refer => {
                let law = p.required::<ReferralLaw>("law", &self.law);
                let to = p.required::<Text<100>>("referred_to", &self.referred_to);
                let number = p.required::<Text<100>>("number", &self.number);
                match (law, to, number) {
                    (Some(law), Some(to), Some(number)) => {
                        Some(FollowUpInput::Refer { law, to: to.into_string(), number: number.into_string() })
                    }
                    _ => None,
                }
            }
        };
        p.finish(|| input)
    }
}

#[cfg(test)]
mod tests;
