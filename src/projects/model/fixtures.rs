//! Fixtures of the projects' rules, shared by the tests of the modules that build on them.

use chrono::{NaiveDate, Utc};
use rust_decimal::Decimal;

use super::*;
use crate::org::RegionId;

pub fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

pub fn city() -> Region {
    Region { id: RegionId(2), code: "210100".into(), name: "沈阳市".into(), level: RegionLevel::City }
}

pub fn round() -> Round {
    Round {
        id: RoundId(1),
        region: city(),
        year: 2026,
        title: "2026年度工伤预防项目".into(),
        key_industries: vec!["province:mining".into()],
        target_groups: String::new(),
        guide: String::new(),
        opens_on: day(2026, 3, 1),
        closes_on: day(2026, 3, 31),
        required_kinds: vec!["feasibility_report".into()],
        criteria: Vec::new(),
        panel_mix: crate::project_rounds::model::default_mix(),
        spread_threshold: 20,
        publicity_days: 5,
        acceptance_criteria: Vec::new(),
        version: 1,
        updated_at: Utc::now(),
    }
}

pub fn line(id: i64, year: i16, price: &str, quantity: &str) -> BudgetLine {
    let (price, quantity): (Decimal, Decimal) = (price.parse().unwrap(), quantity.parse().unwrap());
    BudgetLine {
        id,
        project_year: year,
        item: "培训教材".into(),
        unit: "册".into(),
        unit_price: Some(price),
        quantity: Some(quantity),
        amount: line_amount(price, quantity),
    }
}

pub fn indicator(id: i64, year: i16, level2: Level2) -> Indicator {
    Indicator {
        id,
        project_year: year,
        level2: Some(level2),
        name: "培训人次".into(),
        comparison: Some(Comparison::AtLeast),
        target_value: Some(Decimal::from(500)),
        unit: "人次".into(),
    }
}

pub fn complete() -> Project {
    Project {
        id: ProjectId(7),
        region: city(),
        round_id: RoundId(1),
        round_title: "2026年度工伤预防项目".into(),
        year: 2026,
        applicant_kind: ApplicantKind::Organization,
        applicant: None,
        department: None,
        status: S::Draft,
        name: "矿山企业一线班组长工伤预防培训".into(),
        project_type: Some(ProjectType::Training),
        key_industry: Some("province:mining".into()),
        key_industry_name: None,
        implementation_mode: Some(ImplementationMode::Own),
        starts_on: Some(day(2026, 5, 1)),
        ends_on: Some(day(2026, 12, 31)),
        target_group: "矿山企业一线班组长".into(),
        planned_count: Some(600),
        background: "近三年矿山事故多发".into(),
        content: "分 12 期线下培训".into(),
        safeguards: "成立项目组".into(),
        requested_amount: Money::ZERO,
        first_submitted_at: None,
        last_submitted_at: None,
        decided_at: None,
        created_by: AccountId(1),
        version: 1,
        updated_at: Utc::now(),
        lines: vec![line(1, 1, "45.50", "600"), line(2, 1, "3000", "12")],
        indicators: vec![indicator(1, 1, Level2::Quantity), indicator(2, 1, Level2::Social)],
        milestones: vec![Milestone { id: 1, due_on: Some(day(2026, 6, 30)), description: "完成前 6 期".into() }],
        approved_amount: None,
        approved_years: Vec::new(),
        decision_meeting_id: None,
        decision_meeting: None,
        publicity_starts_on: None,
        publicity_ends_on: None,
        publicity_days: 5,
    }
}
