//! Application rounds (申报批次): their types, the documents an application may carry, the
//! scoring sheet, who keeps which round, when a round takes submissions, and the form.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use crate::attachments::{ANY_TYPE, AttachmentKind, SIGNED_DOCUMENT_TYPES};
use crate::auth::Actor;
use crate::experts::Specialty;
use crate::experts::draw::Need;
use crate::org::{Region, RegionLevel, Role};
use crate::values::{Date, Text, Version};
use crate::web::form::{FieldErrors, FormParser};

id_type!(
    /// An application round of one region and year.
    pub RoundId
);

/// The record kind in the audit log.
pub const KIND: &str = "project_round";

/// The documents an application may carry. A round says which of them are required; the
/// first four are by default.
pub const DOCUMENT_KINDS: &[AttachmentKind] = &[
    AttachmentKind { key: "feasibility_report", label: "可行性研究报告", required: false, types: ANY_TYPE },
    AttachmentKind { key: "implementation_plan", label: "实施方案", required: false, types: ANY_TYPE },
    AttachmentKind { key: "cost_note", label: "费用测算说明", required: false, types: ANY_TYPE },
    AttachmentKind { key: "legal_person", label: "法人证明", required: false, types: ANY_TYPE },
    AttachmentKind { key: "recent_contracts", label: "近两年合同", required: false, types: ANY_TYPE },
    AttachmentKind { key: "technical_staff", label: "专业技术人员情况", required: false, types: ANY_TYPE },
    AttachmentKind {
        key: "signed_form",
        label: "申报表（法定代表人签字、单位盖章扫描件）",
        required: false,
        types: SIGNED_DOCUMENT_TYPES,
    },
    AttachmentKind { key: "other", label: "其他材料", required: false, types: ANY_TYPE },
];

/// The kinds a new round requires unless its keeper says otherwise.
pub const DEFAULT_REQUIRED: &[&str] = &["feasibility_report", "implementation_plan", "cost_note", "legal_person"];

/// The scoring sheet a new round starts with (weights sum to 100).
pub const DEFAULT_CRITERIA: &[(&str, i16)] =
    &[("必要性", 20), ("可行性", 20), ("预算合理性", 20), ("预期效果", 25), ("申报单位能力", 15)];

/// The document kinds with `required` set as the round says.
pub fn document_kinds(required: &[String]) -> Vec<AttachmentKind> {
    DOCUMENT_KINDS.iter().map(|k| AttachmentKind { required: required.iter().any(|r| r == k.key), ..*k }).collect()
}

/// A round as its pages show it.
#[derive(Clone, Debug)]
pub struct Round {
    pub id: RoundId,
    pub region: Region,
    pub year: i16,
    pub title: String,
    pub key_industries: Vec<String>,
    pub target_groups: String,
    pub guide: String,
    pub opens_on: NaiveDate,
    pub closes_on: NaiveDate,
    pub required_kinds: Vec<String>,
    pub criteria: Vec<Criterion>,
    /// How many experts of each specialty a project's panel draws.
    pub panel_mix: Vec<Need>,
    /// The spread (highest − lowest total) above which the scores are flagged.
    pub spread_threshold: i16,
    /// The working days a publicity lasts at least.
    pub publicity_days: i16,
    /// The acceptance sheet's scored criteria (目标完成情况 40, 资金使用 30, 档案资料 15, 社会效益 15
    /// unless the round says otherwise).
    pub acceptance_criteria: Vec<Criterion>,
    pub version: i32,
    pub updated_at: DateTime<Utc>,
}

/// The panel a new round draws: 工伤预防 2, 安全生产 1, 职业卫生 1, 财务 1.
pub fn default_mix() -> Vec<Need> {
    vec![
        Need { specialty: Specialty::Prevention, count: 2 },
        Need { specialty: Specialty::WorkSafety, count: 1 },
        Need { specialty: Specialty::OccupationalHealth, count: 1 },
        Need { specialty: Specialty::Finance, count: 1 },
    ]
}

/// The fewest and the most experts a panel may have.
pub const PANEL_SIZE: std::ops::RangeInclusive<u32> = 3..=15;

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Criterion {
    pub id: i64,
    pub name: String,
    pub weight: i16,
}

/// Where a round stands on a day.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Window {
    NotYetOpen,
    Open,
    Closed,
}

impl Window {
    pub fn label(self) -> &'static str {
        match self {
            Window::NotYetOpen => "未开始",
            Window::Open => "申报中",
            Window::Closed => "已截止",
        }
    }
}

/// The window on `today` (a calendar date in Asia/Shanghai): both dates are inclusive.
pub fn window(opens_on: NaiveDate, closes_on: NaiveDate, today: NaiveDate) -> Window {
    if today < opens_on {
        Window::NotYetOpen
    } else if today > closes_on {
        Window::Closed
    } else {
        Window::Open
    }
}

impl Round {
    pub fn window(&self, today: NaiveDate) -> Window {
        window(self.opens_on, self.closes_on, today)
    }

    pub fn kinds(&self) -> Vec<AttachmentKind> {
        document_kinds(&self.required_kinds)
    }

    /// `2026年 沈阳市 第一批…` as lists name a round.
    pub fn full_title(&self) -> String {
        format!("{}（{}年）", self.title, self.year)
    }
}

/// Who keeps a region's rounds (and enters its applications): its city officers; the
/// province's own (省本级) by province officers.
pub fn may_keep(actor: &Actor, region: &Region) -> bool {
    let own = actor.region.as_ref().is_some_and(|r| r.id == region.id);
    own && matches!(
        (actor.role, region.level),
        (Role::CityOfficer, RegionLevel::City) | (Role::ProvinceOfficer, RegionLevel::Province)
    )
}

/// The round form as submitted; criteria are repeated rows (a blank row is removed).
#[derive(Clone, Debug, Default, Deserialize)]
pub struct RoundForm {
    #[serde(default)]
    pub year: String,
    #[serde(default)]
    pub title: String,
    #[serde(default)]
    pub key_industry: Vec<String>,
    #[serde(default)]
    pub target_groups: String,
    #[serde(default)]
    pub guide: String,
    #[serde(default)]
    pub opens_on: String,
    #[serde(default)]
    pub closes_on: String,
    #[serde(default)]
    pub required: Vec<String>,
    #[serde(default)]
    pub criterion_id: Vec<String>,
    #[serde(default)]
    pub criterion_name: Vec<String>,
    #[serde(default)]
    pub criterion_weight: Vec<String>,
    /// Experts a panel draws per specialty, in `Specialty::ALL` order.
    #[serde(default)]
    pub panel_count: Vec<String>,
    #[serde(default)]
    pub spread_threshold: String,
    #[serde(default)]
    pub publicity_days: String,
    #[serde(default)]
    pub version: String,
    /// A new round's one-time token (a double click makes one round).
    #[serde(default)]
    pub form_token: String,
}

impl RoundForm {
    /// A new round's form: this year, the default documents and scoring sheet.
    pub fn new_for(year: i32) -> RoundForm {
        RoundForm {
            year: year.to_string(),
            required: DEFAULT_REQUIRED.iter().map(|k| k.to_string()).collect(),
            criterion_id: DEFAULT_CRITERIA.iter().map(|_| String::new()).collect(),
            criterion_name: DEFAULT_CRITERIA.iter().map(|(n, _)| n.to_string()).collect(),
            criterion_weight: DEFAULT_CRITERIA.iter().map(|(_, w)| w.to_string()).collect(),
            panel_count: mix_counts(&default_mix()),
            spread_threshold: "20".into(),
            publicity_days: "5".into(),
            version: "1".into(),
            ..RoundForm::default()
        }
    }

    pub fn of(r: &Round) -> RoundForm {
        RoundForm {
            year: r.year.to_string(),
            title: r.title.clone(),
            key_industry: r.key_industries.clone(),
            target_groups: r.target_groups.clone(),
            guide: r.guide.clone(),
            opens_on: r.opens_on.to_string(),
            closes_on: r.closes_on.to_string(),
            required: r.required_kinds.clone(),
            criterion_id: r.criteria.iter().map(|c| c.id.to_string()).collect(),
            criterion_name: r.criteria.iter().map(|c| c.name.clone()).collect(),
            criterion_weight: r.criteria.iter().map(|c| c.weight.to_string()).collect(),
            panel_count: mix_counts(&r.panel_mix),
            spread_threshold: r.spread_threshold.to_string(),
            publicity_days: r.publicity_days.to_string(),
            version: r.version.to_string(),
            form_token: String::new(),
        }
    }

    /// Checks the form; `industries` are the key-industry references the region may choose.
    pub fn parse(&self, industries: &[String]) -> Result<(RoundInput, Version), FieldErrors> {
        let mut p = FormParser::default();
        let year = match self.year.trim().parse::<i16>() {
            Ok(y) if (2000..=2100).contains(&y) => Some(y),
            _ => {
                p.check("year", false, "请填写年度，如 2026");
                None
            }
        };
        let title = p.required::<Text<100>>("title", &self.title);
        let chosen = dedup(&self.key_industry);
        p.check("key_industry", chosen.iter().all(|c| industries.contains(c)), "请从本地区的重点行业中选择");
        let target_groups = p.value::<Text<500>>("target_groups", &self.target_groups);
        let guide = p.value::<Text<10000>>("guide", &self.guide);
        let opens_on = p.required::<Date>("opens_on", &self.opens_on);
        let closes_on = p.required::<Date>("closes_on", &self.closes_on);
        if let (Some(o), Some(c)) = (opens_on, closes_on) {
            p.check("closes_on", c.0 >= o.0, "截止日期不能早于开始日期");
        }
        let required = dedup(&self.required);
        p.check(
            "required",
            required.iter().all(|r| DOCUMENT_KINDS.iter().any(|k| k.key == r)),
            "请从列表中选择必须提交的材料",
        );
        let criteria = self.parse_criteria(&mut p);
        let panel_mix = self.parse_mix(&mut p);
        let spread = match self.spread_threshold.trim().parse::<i16>() {
            Ok(t) if (1..=100).contains(&t) => Some(t),
            _ => {
                p.check("spread_threshold", false, "分差提示阈值应为 1–100 分");
                None
            }
        };
        let publicity_days = match self.publicity_days.trim().parse::<i16>() {
            Ok(d) if (5..=30).contains(&d) => Some(d),
            _ => {
                p.check("publicity_days", false, "公示期应为 5–30 个工作日");
                None
            }
        };
        let version = p.value::<Version>("version", &self.version);
        p.finish(|| {
            Some((
                RoundInput {
                    year: year?,
                    title: title?,
                    key_industries: chosen,
                    target_groups: target_groups?,
                    guide: guide?,
                    opens_on: opens_on?.0,
                    closes_on: closes_on?.0,
                    required_kinds: required,
                    criteria: criteria?,
                    panel_mix: panel_mix?,
                    spread_threshold: spread?,
                    publicity_days: publicity_days?,
                },
                version?,
            ))
        })
    }

    fn parse_criteria(&self, p: &mut FormParser) -> Option<Vec<CriterionInput>> {
        let mut rows: Vec<CriterionInput> = Vec::new();
        let mut ok = true;
        for (i, name) in self.criterion_name.iter().enumerate() {
            let weight = self.criterion_weight.get(i).map(|w| w.trim()).unwrap_or("");
            if name.trim().is_empty() && weight.is_empty() {
                continue;
            }
            let name = Text::<50>::parse(name).ok().filter(|n| !n.is_empty());
            let weight = weight.parse::<i16>().ok().filter(|w| (1..=100).contains(w));
            match (name, weight) {
                (Some(name), Some(weight)) if !rows.iter().any(|r| r.name == name) => rows.push(CriterionInput {
                    id: self.criterion_id.get(i).and_then(|s| s.trim().parse().ok()),
                    name,
                    weight,
                }),
                _ => {
                    p.check("criteria", false, format!("第 {} 行评分项：须填写不重复的名称和 1–100 的权重", i + 1));
                    ok = false;
                }
            }
        }
        if ok {
            let sum = weights_sum(&rows);
            p.check("criteria", !rows.is_empty(), "请至少设置一个评分项");
            p.check("criteria", rows.is_empty() || sum == 100, format!("评分项权重之和应为 100，现为 {sum}"));
        }
        ok.then_some(rows)
    }
}

/// The mix as the form's counts, one per specialty in `Specialty::ALL` order.
fn mix_counts(mix: &[Need]) -> Vec<String> {
    Specialty::ALL.iter().map(|s| mix.iter().find(|n| n.specialty == *s).map_or(0, |n| n.count).to_string()).collect()
}

impl RoundForm {
    fn parse_mix(&self, p: &mut FormParser) -> Option<Vec<Need>> {
        let mut mix = Vec::new();
        for (i, specialty) in Specialty::ALL.iter().enumerate() {
            let raw = self.panel_count.get(i).map(|c| c.trim()).unwrap_or("");
            match if raw.is_empty() { Ok(0) } else { raw.parse::<u8>() } {
                Ok(0) => {}
                Ok(count) if count <= 10 => mix.push(Need { specialty: *specialty, count }),
                _ => {
                    p.check("panel", false, format!("「{}」的人数应为 0–10", specialty.label()));
                    return None;
                }
            }
        }
        let size: u32 = mix.iter().map(|n| u32::from(n.count)).sum();
        p.check(
            "panel",
            PANEL_SIZE.contains(&size),
            format!("每个项目抽取的专家人数应为 {}–{} 名，现为 {size} 名", PANEL_SIZE.start(), PANEL_SIZE.end()),
        );
        PANEL_SIZE.contains(&size).then_some(mix)
    }
}

fn weights_sum(rows: &[CriterionInput]) -> i32 {
    rows.iter().map(|r| i32::from(r.weight)).sum()
}

fn dedup(values: &[String]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for v in values.iter().map(|v| v.trim()).filter(|v| !v.is_empty()) {
        if !out.iter().any(|o| o == v) {
            out.push(v.to_string());
        }
    }
    out
}

/// A checked round.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RoundInput {
    pub year: i16,
    pub title: Text<100>,
    pub key_industries: Vec<String>,
    pub target_groups: Text<500>,
    pub guide: Text<10000>,
    pub opens_on: NaiveDate,
    pub closes_on: NaiveDate,
    pub required_kinds: Vec<String>,
    pub criteria: Vec<CriterionInput>,
    pub panel_mix: Vec<Need>,
    pub spread_threshold: i16,
    pub publicity_days: i16,
}

/// Whether `input` changes the round's scoring sheet (a criterion added, removed, renamed,
/// reweighted or moved): refused once panels are drawn, since experts score against it.
pub fn criteria_changed(before: &Round, input: &RoundInput) -> bool {
    before.criteria.len() != input.criteria.len()
        || before
            .criteria
            .iter()
            .zip(&input.criteria)
            .any(|(b, i)| i.id != Some(b.id) || i.name.as_str() != b.name || i.weight != b.weight)
}

/// Why the scoring sheet cannot change.
pub const CRITERIA_LOCKED: &str = "本批次已有项目抽取评审专家，评分表已锁定，评分项目和分值不能再修改。";

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CriterionInput {
    pub id: Option<i64>,
    pub name: Text<50>,
    pub weight: i16,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::org::{AccountId, RegionId};

    fn day(m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, m, d).unwrap()
    }

    #[test]
    fn a_round_is_open_from_its_first_to_its_last_day_inclusive() {
        let (opens, closes) = (day(3, 1), day(3, 31));
        assert_eq!(window(opens, closes, day(2, 28)), Window::NotYetOpen);
        assert_eq!(window(opens, closes, day(3, 1)), Window::Open);
        assert_eq!(window(opens, closes, day(3, 31)), Window::Open);
        assert_eq!(window(opens, closes, day(4, 1)), Window::Closed);
    }

    fn form() -> RoundForm {
        RoundForm {
            title: "2026年度工伤预防项目申报".into(),
            opens_on: "2026-03-01".into(),
            closes_on: "2026-03-31".into(),
            key_industry: vec!["province:mining".into()],
            ..RoundForm::new_for(2026)
        }
    }

    #[test]
    fn the_default_sheet_weighs_one_hundred_and_requires_four_documents() {
        let (input, _) = form().parse(&["province:mining".into()]).unwrap();
        assert_eq!(input.criteria.len(), 5);
        assert_eq!(weights_sum(&input.criteria), 100);
        let kinds = document_kinds(&input.required_kinds);
        let required: Vec<&str> = kinds.iter().filter(|k| k.required).map(|k| k.label).collect();
        assert_eq!(required, ["可行性研究报告", "实施方案", "费用测算说明", "法人证明"]);
    }

    #[test]
    fn only_a_change_of_criteria_locks_against_drawn_panels() {
        let (input, _) = form().parse(&["province:mining".into()]).unwrap();
        let saved: Vec<Criterion> = input
            .criteria
            .iter()
            .enumerate()
            .map(|(i, c)| Criterion { id: 10 + i as i64, name: c.name.as_str().to_string(), weight: c.weight })
            .collect();
        let round = Round {
            id: RoundId(1),
            region: Region {
                id: RegionId(2), code: "210100".into(), name: "沈阳市".into(), level: RegionLevel::City
            },
            year: 2026,
            title: String::new(),
            key_industries: Vec::new(),
            target_groups: String::new(),
            guide: String::new(),
            opens_on: day(3, 1),
            closes_on: day(3, 31),
            required_kinds: Vec::new(),
            criteria: saved.clone(),
            panel_mix: default_mix(),
            spread_threshold: 20,
            publicity_days: 5,
            acceptance_criteria: Vec::new(),
            version: 1,
            updated_at: Utc::now(),
        };
        let mut f = form();
        f.criterion_id = saved.iter().map(|c| c.id.to_string()).collect();
        f.title = "改了标题".into();
        let (same, _) = f.parse(&["province:mining".into()]).unwrap();
        assert!(!criteria_changed(&round, &same), "another field changed, not the sheet");
        f.criterion_weight[0] = "25".into();
        f.criterion_weight[1] = "15".into();
        let (reweighted, _) = f.parse(&["province:mining".into()]).unwrap();
        assert!(criteria_changed(&round, &reweighted));
        let mut g = form();
        g.criterion_id = saved.iter().map(|c| c.id.to_string()).collect();
        g.criterion_name[4] = "申报单位实力".into();
        assert!(criteria_changed(&round, &g.parse(&["province:mining".into()]).unwrap().0));
    }

    #[test]
    fn weights_must_sum_to_one_hundred_and_dates_run_forward() {
        let mut f = form();
        f.criterion_weight[0] = "30".into();
        f.closes_on = "2026-02-01".into();
        f.key_industry.push("region:99".into());
        let errors = f.parse(&["province:mining".into()]).unwrap_err();
        assert_eq!(errors.get("criteria"), Some("评分项权重之和应为 100，现为 110"));
        assert_eq!(errors.get("closes_on"), Some("截止日期不能早于开始日期"));
        assert!(errors.get("key_industry").is_some());
        let mut dup = form();
        dup.criterion_name[1] = "必要性".into();
        assert!(dup.parse(&[]).unwrap_err().get("criteria").unwrap().contains("第 2 行"));
    }

    #[test]
    fn a_panel_has_three_to_fifteen_experts_by_specialty() {
        let mining = ["province:mining".to_string()];
        let (input, _) = form().parse(&mining).unwrap();
        assert_eq!(input.panel_mix, default_mix());
        assert_eq!(input.spread_threshold, 20);
        let mut small = form();
        small.panel_count = vec!["1".into(), "1".into(), "0".into(), "0".into(), String::new()];
        assert_eq!(
            small.parse(&mining).unwrap_err().get("panel"),
            Some("每个项目抽取的专家人数应为 3–15 名，现为 2 名")
        );
        small.panel_count[4] = "x".into();
        assert_eq!(small.parse(&mining).unwrap_err().get("panel"), Some("「其他」的人数应为 0–10"));
        let mut three = form();
        three.panel_count = vec!["3".into()];
        assert_eq!(three.parse(&mining).unwrap().0.panel_mix, [Need { specialty: Specialty::Prevention, count: 3 }]);
    }

    #[test]
    fn cities_keep_their_own_rounds_and_the_province_its_own() {
        let city =
            Region { id: RegionId(2), code: "210100".into(), name: "沈阳市".into(), level: RegionLevel::City };
        let province =
            Region { id: RegionId(1), code: "210000".into(), name: "省本级".into(), level: RegionLevel::Province };
        let actor = |role, region: &Region| Actor {
            account_id: AccountId(1),
            username: String::new(),
            display_name: String::new(),
            role,
            region: Some(region.clone()),
            department: None,
        };
        assert!(may_keep(&actor(Role::CityOfficer, &city), &city));
        assert!(!may_keep(&actor(Role::PartnerOfficer, &city), &city));
        assert!(!may_keep(&actor(Role::ProvinceOfficer, &province), &city), "the province reads a city's");
        assert!(may_keep(&actor(Role::ProvinceOfficer, &province), &province));
    }
}
