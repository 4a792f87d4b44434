use chrono::NaiveDate;

use super::*;
use crate::workflow::{PastStep, Refusal, decide};

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

#[test]
fn an_open_finding_s_status_follows_its_deadline_at_every_boundary() {
    let today = day(2026, 11, 30);
    let open = |deadline| status(Stage::Open, deadline, today);
    assert_eq!(open(day(2026, 11, 29)), FindingStatus::Overdue, "yesterday");
    assert_eq!(open(day(2026, 11, 30)), FindingStatus::DueSoon, "today is still in time");
    assert_eq!(open(day(2026, 12, 7)), FindingStatus::DueSoon, "in 7 days");
    assert_eq!(open(day(2026, 12, 8)), FindingStatus::Open, "in 8 days");
    // Whatever the deadline, the follow-ups decide once recorded.
    assert_eq!(status(Stage::Rectified, day(2026, 1, 1), today), FindingStatus::Rectified);
    assert_eq!(status(Stage::Closed, day(2026, 1, 1), today), FindingStatus::Closed);
    assert_eq!(status(Stage::Referred, day(2027, 1, 1), today), FindingStatus::Referred);
    let d = Some(today);
    assert_eq!(stage(None, None, None), Stage::Open);
    assert_eq!(stage(d, None, None), Stage::Rectified);
    assert_eq!(stage(d, d, None), Stage::Closed);
    assert_eq!(stage(d, None, d), Stage::Referred);
}

#[test]
fn verification_is_never_by_whoever_recorded_the_rectification() {
    let (a, b) = (AccountId(1), AccountId(2));
    let past = [PastStep { action: FollowUp::Rectify, by: a }];
    let go =
        |stage, action, by, comment: &str| decide(FOLLOW_UPS, stage, action, Role::PartnerOfficer, by, comment, &past);
    assert_eq!(go(Stage::Rectified, FollowUp::Verify, a, ""), Err(Refusal::SameActor));
    assert_eq!(go(Stage::Rectified, FollowUp::Verify, b, ""), Ok(Stage::Closed));
    assert_eq!(go(Stage::Rectified, FollowUp::Reopen, b, ""), Err(Refusal::CommentRequired));
    assert_eq!(go(Stage::Rectified, FollowUp::Reopen, b, "佐证不足"), Ok(Stage::Open));
    assert_eq!(go(Stage::Open, FollowUp::Verify, b, ""), Err(Refusal::State));
    assert_eq!(go(Stage::Closed, FollowUp::Refer, b, ""), Err(Refusal::State));
    assert_eq!(go(Stage::Open, FollowUp::Extend, a, ""), Err(Refusal::CommentRequired));
    let agency = decide(FOLLOW_UPS, Stage::Open, FollowUp::Rectify, Role::AgencyOfficer, a, "已整改", &past);
    assert_eq!(agency, Err(Refusal::Role));
}

fn finding(deadline: NaiveDate, extensions: i32) -> Finding {
    Finding {
        id: FindingId(1),
        region: RegionId(2),
        inspection: InspectionId(1),
        inspected_on: day(2026, 9, 1),
        employer: 1,
        employer_name: "沈阳甲公司".into(),
        category: FindingCategory::Hazard,
        hazard_level: Some(HazardLevel::Major),
        description: "配电箱未接地".into(),
        legal_basis: String::new(),
        advice: "立即整改".into(),
        deadline,
        original_deadline: deadline,
        extensions,
        responsible_department: DepartmentKind::Emergency,
        recorded_by_name: "李建国".into(),
        rectified_on: None,
        rectification: String::new(),
        rectified_by: None,
        rectified_by_name: String::new(),
        verified_on: None,
        verified_by_name: String::new(),
        referred_on: None,
        referral_law: None,
        referred_to: String::new(),
        referral_number: String::new(),
        version: 1,
    }
}

#[test]
fn a_deadline_moves_later_at_most_the_set_number_of_times() {
    let f = finding(day(2026, 12, 1), 0);
    assert_eq!(extension_refusal(&f, day(2026, 12, 31), 2), None);
    assert!(extension_refusal(&f, day(2026, 12, 1), 2).is_some(), "not the same day");
    let twice = finding(day(2026, 12, 1), 2);
    assert_eq!(
        extension_refusal(&twice, day(2026, 12, 31), 2).as_deref(),
        Some("整改期限已延长 2 次，不能再延期；请督促整改或移交处罚")
    );
    assert_eq!(extension_refusal(&twice, day(2026, 12, 31), 3), None, "the limit is a setting");
}

#[test]
fn a_hazard_needs_its_level_and_the_deadline_follows_the_inspection() {
    let departments = [DepartmentKind::Hrss, DepartmentKind::Emergency, DepartmentKind::Health];
    let form = FindingForm {
        category: "hazard".into(),
        hazard_level: String::new(),
        description: "配电箱未接地".into(),
        legal_basis: "《安全生产法》第四十一条".into(),
        advice: "立即停用并整改".into(),
        deadline: "2026-08-31".into(),
        responsible_department: "emergency".into(),
        form_token: crate::web::once::TokenField::default(),
    };
    let errors = form.parse(&departments, day(2026, 9, 1)).unwrap_err();
    assert!(errors.get("hazard_level").is_some());
    assert_eq!(errors.get("deadline"), Some("整改期限不能早于检查日期"));
    let exposure = FindingForm {
        category: "exposure_exceeded".into(),
        hazard_level: "major".into(),
        deadline: "2026-09-30".into(),
        ..form.clone()
    };
    let input = exposure.parse(&departments, day(2026, 9, 1)).unwrap();
    assert_eq!(input.hazard_level, None, "only hazards carry a level");
    let transport = FindingForm {
        responsible_department: "transport".into(),
        deadline: "2026-09-30".into(),
        hazard_level: "general".into(),
        ..form
    };
    assert_eq!(
        transport.parse(&departments, day(2026, 9, 1)).unwrap_err().get("responsible_department"),
        Some("请从本周期的成员单位中选择")
    );
}

#[test]
fn a_partner_acts_on_its_own_department_s_findings_in_its_own_city() {
    let shenyang =
        Region { id: RegionId(2), code: "210100".into(), name: "沈阳市".into(), level: RegionLevel::City };
    let dalian = Region { id: RegionId(3), code: "210200".into(), name: "大连市".into(), level: RegionLevel::City };
    let actor = |role, department| Actor {
        account_id: AccountId(9),
        username: "x".into(),
        display_name: "x".into(),
        role,
        region: Some(shenyang.clone()),
        department,
    };
    let f = finding(day(2026, 12, 1), 0);
    assert!(may_act(&actor(Role::PartnerOfficer, Some(DepartmentKind::Emergency)), &shenyang, &f));
    assert!(!may_act(&actor(Role::PartnerOfficer, Some(DepartmentKind::Health)), &shenyang, &f));
    assert!(!may_act(&actor(Role::PartnerOfficer, Some(DepartmentKind::Emergency)), &dalian, &f));
    assert!(may_act(&actor(Role::CityOfficer, None), &shenyang, &f));
    assert!(!may_act(&actor(Role::AgencyOfficer, None), &shenyang, &f));
    assert!(!may_log(&actor(Role::ProvinceOfficer, None), &shenyang));
}
