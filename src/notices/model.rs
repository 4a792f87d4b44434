//! Notices (通知公告) and typical-accident notices (典型事故通报): who issues to whom, who reads,
//! the accident's grade by the regulation's thresholds, the form, the receipts table and the
//! divisions whose employers an accident notice proposes for a joint inspection. Pure: no clock,
//! no SQL.

use chrono::{DateTime, NaiveDate, Utc};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::attachments::{ANY_TYPE, AttachmentKind, Owner};
use crate::auth::Actor;
use crate::key_industries::model::KeyIndustry;
use crate::org::{DepartmentKind, Region, RegionId, RegionLevel, Role};
use crate::values::{Count, CreditCode, Date, Money, MoneyInWan, Text, Version};
use crate::web::form::{FieldErrors, FormParser};

id_type!(
    /// A notice.
    pub NoticeId
);

pub const KIND: &str = "notice";

pub const ATTACHMENT_KINDS: &[AttachmentKind] = &[
    AttachmentKind { key: "document", label: "正文及附件", required: false, types: ANY_TYPE },
    AttachmentKind { key: "other", label: "其他材料", required: false, types: ANY_TYPE },
];

labelled_enum! {
    pub enum NoticeKind {
        Guidance => ("guidance", "通知公告"),
        Accident => ("accident", "典型事故通报"),
    }
}

labelled_enum! {
    /// 《生产安全事故报告和调查处理条例》 article 3.
    pub enum AccidentGrade {
        General => ("general", "一般事故"),
        Larger => ("larger", "较大事故"),
        Major => ("major", "重大事故"),
        EspeciallyMajor => ("especially_major", "特别重大事故"),
    }
}

/// The grade the casualties and the loss make an accident: the highest any of the three
/// reaches (deaths 3 / 10 / 30; serious injuries 10 / 50 / 100; direct loss 1,000 万 / 5,000 万 /
/// 1 亿元, each threshold belonging to the higher grade).
pub fn grade_of(deaths: i32, serious_injuries: i32, direct_loss: Money) -> AccidentGrade {
    let wan = |n: i64| Decimal::from(n * 10_000);
    let loss = direct_loss.yuan();
    let by_deaths = match deaths {
        30.. => 3,
        10..=29 => 2,
        3..=9 => 1,
        _ => 0,
    };
    let by_injuries = match serious_injuries {
        100.. => 3,
        50..=99 => 2,
        10..=49 => 1,
        _ => 0,
    };
    let by_loss = if loss >= wan(10_000) {
        3
    } else if loss >= wan(5_000) {
        2
    } else if loss >= wan(1_000) {
        1
    } else {
        0
    };
    match by_deaths.max(by_injuries).max(by_loss) {
        3 => AccidentGrade::EspeciallyMajor,
        2 => AccidentGrade::Major,
        1 => AccidentGrade::Larger,
        _ => AccidentGrade::General,
    }
}

/// What an accident notice records besides its text.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Accident {
    pub occurred_on: NaiveDate,
    pub region: RegionId,
    pub employer: Option<i64>,
    pub employer_name: String,
    pub division: String,
    pub what_happened: String,
    pub grade: AccidentGrade,
    pub deaths: i32,
    pub serious_injuries: i32,
    pub minor_injuries: i32,
    pub direct_loss: Money,
    pub causes: String,
    pub lessons: String,
    pub measures: String,
}

/// A notice as its page shows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Notice {
    pub id: NoticeId,
    /// The issuer's region.
    pub region: RegionId,
    pub kind: NoticeKind,
    pub title: String,
    pub document_number: String,
    pub body: String,
    pub recipients: Vec<RegionId>,
    pub issued_on: Option<NaiveDate>,
    pub issued_by_name: String,
    pub accident: Option<Accident>,
    pub created_by_name: String,
    pub version: i32,
    pub updated_at: DateTime<Utc>,
}

impl Notice {
    pub fn owner(&self) -> Owner {
        Owner { kind: KIND, id: self.id.0, region: self.region }
    }

    pub fn issued(&self) -> bool {
        self.issued_on.is_some()
    }

    /// Whether the notice is addressed to `region`.
    pub fn addressed_to(&self, region: RegionId) -> bool {
        self.recipients.contains(&region)
    }
}

/// Who may write and issue notices from `region`: province officers from the province's own
/// region (to any region), a city's officers from their city (to their own region).
pub fn may_issue(actor: &Actor, region: &Region) -> bool {
    let own = actor.region.as_ref().is_some_and(|r| r.id == region.id);
    match actor.role {
        Role::ProvinceOfficer => own && region.level == RegionLevel::Province,
        Role::CityOfficer => own && region.level == RegionLevel::City,
        _ => false,
    }
}

/// Who sees a notice the database let through: a draft only its issuers; an issued one
/// everyone in scope (the province, the issuer's region, the regions it is addressed to).
pub fn may_see(actor: &Actor, issuer: &Region, notice: &Notice) -> bool {
    notice.issued() || may_issue(actor, issuer)
}

/// Who marks a notice read: an officer of a region it is addressed to, once issued.
pub fn may_mark_read(actor: &Actor, notice: &Notice) -> bool {
    matches!(actor.role, Role::ProvinceOfficer | Role::CityOfficer | Role::PartnerOfficer | Role::AgencyOfficer)
        && notice.issued()
        && actor.region.as_ref().is_some_and(|r| notice.addressed_to(r.id))
}

/// The divisions whose employers an accident in `division` proposes for a joint inspection in
/// a region: every division of the region's key industries that include it, or the division
/// alone when none does.
pub fn candidate_divisions(industries: &[KeyIndustry], division: &str) -> Vec<String> {
    let mut divisions: Vec<String> =
        industries.iter().filter(|k| k.covers(division)).flat_map(|k| k.divisions.iter().cloned()).collect();
    if divisions.is_empty() {
        divisions.push(division.to_string());
    }
    divisions.sort();
    divisions.dedup();
    divisions
}

/// An officer of a recipient region and when (if) they read the notice.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Reader {
    pub region: RegionId,
    pub department: DepartmentKind,
    pub name: String,
    pub read_at: Option<DateTime<Utc>>,
}

/// One department of one recipient region in the receipts table.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DepartmentReceipt {
    pub region: String,
    pub department: DepartmentKind,
    pub read: Vec<(String, DateTime<Utc>)>,
    pub unread: Vec<String>,
}

impl DepartmentReceipt {
    /// A department has read the notice once any of its officers has.
    pub fn has_read(&self) -> bool {
        !self.read.is_empty()
    }
}

/// The receipts: per recipient region (in the order given) and department (in
/// `DepartmentKind::ALL` order), who has read and who has not. A department with no officer
/// account does not appear: nobody there could read it.
pub fn receipts(recipients: &[Region], readers: &[Reader]) -> Vec<DepartmentReceipt> {
    let mut table = Vec::new();
    for region in recipients {
        for department in DepartmentKind::ALL {
            let of = readers.iter().filter(|r| r.region == region.id && r.department == *department);
            let mut line = DepartmentReceipt {
                region: region.name.clone(),
                department: *department,
                read: Vec::new(),
                unread: Vec::new(),
            };
            for reader in of {
                match reader.read_at {
                    Some(at) => line.read.push((reader.name.clone(), at)),
                    None => line.unread.push(reader.name.clone()),
                }
            }
            if !line.read.is_empty() || !line.unread.is_empty() {
                table.push(line);
            }
        }
    }
    table
}

/// The notice form as submitted.
#[derive(Clone, Debug, Default, Deserialize)]
pub struct NoticeForm {
    #[serde(default)]
    pub kind: String,
    #[serde(default)]
    pub title: String,
    #[serde(default)]
    pub document_number: String,
    #[serde(default)]
    pub body: String,
    /// Region codes (a city's own region only, whatever is posted).
    #[serde(default)]
    pub recipients: Vec<String>,
    #[serde(default)]
    pub occurred_on: String,
    /// Region code of where it happened (a city: its own).
    #[serde(default)]
    pub accident_region: String,
    /// The employer's credit code when it is in the registry.
    #[serde(default)]
    pub employer: String,
    #[serde(default)]
    pub employer_name: String,
    #[serde(default)]
    pub division: String,
    #[serde(default)]
    pub what_happened: String,
    /// Empty: the grade the figures make it.
    #[serde(default)]
    pub grade: String,
    #[serde(default)]
    pub deaths: String,
    #[serde(default)]
    pub serious_injuries: String,
    #[serde(default)]
    pub minor_injuries: String,
    /// 万元.
    #[serde(default)]
    pub direct_loss: String,
    #[serde(default)]
    pub causes: String,
    #[serde(default)]
    pub lessons: String,
    #[serde(default)]
    pub measures: String,
    #[serde(default)]
    pub version: String,
    /// The one-time token of a new notice's form.
    #[serde(default)]
    pub form_token: String,
}

/// The accident's particulars as checked, the employer still a credit code to look up.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct AccidentInput {
    pub occurred_on: NaiveDate,
    pub region: RegionId,
    pub employer_code: Option<String>,
    pub employer_name: String,
    pub division: String,
    pub what_happened: String,
    pub grade: AccidentGrade,
    pub deaths: i32,
    pub serious_injuries: i32,
    pub minor_injuries: i32,
    pub direct_loss: Money,
    pub causes: String,
    pub lessons: String,
    pub measures: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct NoticeInput {
    pub kind: NoticeKind,
    pub title: String,
    pub document_number: String,
    pub body: String,
    pub recipients: Vec<RegionId>,
    pub accident: Option<AccidentInput>,
}

/// What the form may name: the regions it may address and where an accident may have
/// happened (a city: only itself), and the divisions that exist.
pub struct Allowed<'a> {
    pub recipients: &'a [Region],
    pub accident_regions: &'a [Region],
    pub division_exists: &'a (dyn Fn(&str) -> bool + Sync),
}

fn region_of<'a>(regions: &'a [Region], code: &str) -> Option<&'a Region> {
    regions.iter().find(|r| r.code == code.trim())
}

impl NoticeForm {
    pub fn of(n: &Notice, regions: &[Region]) -> NoticeForm {
        let code = |id: RegionId| regions.iter().find(|r| r.id == id).map(|r| r.code.clone()).unwrap_or_default();
        let mut form = NoticeForm {
            kind: n.kind.as_str().into(),
            title: n.title.clone(),
            document_number: n.document_number.clone(),
            body: n.body.clone(),
            recipients: n.recipients.iter().map(|r| code(*r)).collect(),
            version: n.version.to_string(),
            ..NoticeForm::default()
        };
        if let Some(a) = &n.accident {
            form.occurred_on = a.occurred_on.to_string();
            form.accident_region = code(a.region);
            form.employer_name = a.employer_name.clone();
            form.division = a.division.clone();
            form.what_happened = a.what_happened.clone();
            form.grade = a.grade.as_str().into();
            form.deaths = a.deaths.to_string();
            form.serious_injuries = a.serious_injuries.to_string();
            form.minor_injuries = a.minor_injuries.to_string();
            form.direct_loss = a.direct_loss.show_wan();
            form.causes = a.causes.clone();
            form.lessons = a.lessons.clone();
            form.measures = a.measures.clone();
        }
        form
    }

    /// Every field checked. An accident happens on or before `today`; a grade left empty is the
    /// one the figures make it, and a grade given must be that one.
    pub fn parse(&self, allowed: &Allowed<'_>, today: NaiveDate) -> Result<(NoticeInput, Version), FieldErrors> {
        let mut p = FormParser::default();
        let kind = p.required::<NoticeKind>("kind", &self.kind);
        let title = p.required::<Text<200>>("title", &self.title);
        let document_number = p.value::<Text<100>>("document_number", &self.document_number);
        let body = p.value::<Text<20000>>("body", &self.body);
        let recipients = self.parse_recipients(&mut p, allowed.recipients);
        let accident = match kind {
            Some(NoticeKind::Accident) => self.parse_accident(&mut p, allowed, today).map(Some),
            _ => Some(None),
        };
        let version = if self.version.trim().is_empty() {
            Some(Version(1))
        } else {
            p.value::<Version>("version", &self.version)
        };
        p.finish(|| {
            Some((
                NoticeInput {
                    kind: kind?,
                    title: title?.into_string(),
                    document_number: document_number?.into_string(),
                    body: body?.into_string(),
                    recipients: recipients?,
                    accident: accident?,
                },
                version?,
            ))
        })
    }

    /// The recipients: one region offered is chosen for the writer; several must be picked.
    fn parse_recipients(&self, p: &mut FormParser, offered: &[Region]) -> Option<Vec<RegionId>> {
        if let [only] = offered {
            return Some(vec![only.id]);
        }
        let mut chosen = Vec::new();
        for code in self.recipients.iter().filter(|c| !c.trim().is_empty()) {
            match region_of(offered, code) {
                Some(r) if !chosen.contains(&r.id) => chosen.push(r.id),
                Some(_) => {}
                None => {
                    p.check("recipients", false, "请从列表中选择接收地区");
                    return None;
                }
            }
        }
        p.check("recipients", !chosen.is_empty(), "请至少选择一个接收地区");
        (!chosen.is_empty()).then_some(chosen)
    }

    fn parse_accident(&self, p: &mut FormParser, allowed: &Allowed<'_>, today: NaiveDate) -> Option<AccidentInput> {
        let occurred = p.required::<Date>("occurred_on", &self.occurred_on).map(|d| d.0);
        if let Some(d) = occurred {
            p.check("occurred_on", d <= today, "事故发生日期不能晚于今天");
        }
        let region = match allowed.accident_regions {
            [only] => Some(only.id),
            regions => {
                let found = region_of(regions, &self.accident_region).map(|r| r.id);
                p.check("accident_region", found.is_some(), "请选择事故发生地区");
                found
            }
        };
        let employer_code = p.optional::<CreditCode>("employer", &self.employer).map(|c| c.map(|c| c.as_str().into()));
        let employer_name = p.value::<Text<100>>("employer_name", &self.employer_name);
        if let (Some(None), Some(name)) = (&employer_code, &employer_name) {
            p.check(
                "employer_name",
                !name.as_str().is_empty(),
                "请填写事故单位名称，或填写已登记单位的统一社会信用代码",
            );
        }
        let division = self.division.trim().to_uppercase();
        p.check("division", (allowed.division_exists)(&division), "请填写 GB/T 4754-2017 行业大类代码，如 C26");
        let what_happened = p.required::<Text<5000>>("what_happened", &self.what_happened);
        let deaths = p.required::<Count>("deaths", &self.deaths);
        let serious = p.required::<Count>("serious_injuries", &self.serious_injuries);
        let minor = p.required::<Count>("minor_injuries", &self.minor_injuries);
        let loss = p.required::<MoneyInWan>("direct_loss", &self.direct_loss).map(|m| m.0);
        let implied = match (deaths, serious, loss) {
            (Some(d), Some(s), Some(l)) => Some(grade_of(d.0, s.0, l)),
            _ => None,
        };
        let grade = match (self.grade.trim(), implied) {
            ("", implied) => implied,
            (raw, implied) => {
                let given = p.value::<AccidentGrade>("grade", raw);
                if let (Some(g), Some(i)) = (given, implied) {
                    p.check(
                        "grade",
                        g == i,
                        format!(
                            "按死亡、重伤人数和直接经济损失，应为{}（《生产安全事故报告和调查处理条例》第三条）",
                            i.label()
                        ),
                    );
                }
                given
            }
        };
        let causes = p.required::<Text<5000>>("causes", &self.causes);
        let lessons = p.value::<Text<5000>>("lessons", &self.lessons);
        let measures = p.required::<Text<5000>>("measures", &self.measures);
        Some(AccidentInput {
            occurred_on: occurred?,
            region: region?,
            employer_code: employer_code?,
            employer_name: employer_name?.into_string(),
            division: (allowed.division_exists)(&division).then_some(division)?,
            what_happened: what_happened?.into_string(),
            grade: grade?,
            deaths: deaths?.0,
            serious_injuries: serious?.0,
            minor_injuries: minor?.0,
            direct_loss: loss?,
            causes: causes?.into_string(),
            lessons: lessons?.into_string(),
            measures: measures?.into_string(),
        })
    }
}

#[cfg(test)]
mod tests;
