use chrono::{NaiveDate, TimeZone};

use super::*;
use crate::org::AccountId;

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

fn yuan(n: i64) -> Money {
    Money::from_yuan(Decimal::from(n)).unwrap()
}

#[test]
fn the_grade_is_the_highest_any_figure_reaches_each_threshold_belonging_to_the_higher_grade() {
    use AccidentGrade::*;
    let wan = |n: i64| yuan(n * 10_000);
    assert_eq!(grade_of(0, 0, Money::ZERO), General);
    assert_eq!(grade_of(2, 9, yuan(9_999_999)), General);
    // Deaths: 3, 10, 30.
    assert_eq!(grade_of(3, 0, Money::ZERO), Larger);
    assert_eq!(grade_of(9, 0, Money::ZERO), Larger);
    assert_eq!(grade_of(10, 0, Money::ZERO), Major);
    assert_eq!(grade_of(29, 0, Money::ZERO), Major);
    assert_eq!(grade_of(30, 0, Money::ZERO), EspeciallyMajor);
    // Serious injuries: 10, 50, 100.
    assert_eq!(grade_of(0, 10, Money::ZERO), Larger);
    assert_eq!(grade_of(0, 49, Money::ZERO), Larger);
    assert_eq!(grade_of(0, 50, Money::ZERO), Major);
    assert_eq!(grade_of(0, 99, Money::ZERO), Major);
    assert_eq!(grade_of(0, 100, Money::ZERO), EspeciallyMajor);
    // Direct loss: 1,000 万, 5,000 万, 1 亿 (a fen below stays below).
    assert_eq!(grade_of(0, 0, Money::from_yuan(Decimal::new(999_999_999, 2)).unwrap()), General);
    assert_eq!(grade_of(0, 0, wan(1_000)), Larger);
    assert_eq!(grade_of(0, 0, wan(5_000)), Major);
    assert_eq!(grade_of(0, 0, wan(10_000)), EspeciallyMajor);
    // The highest wins: one death but 60 seriously injured is 重大.
    assert_eq!(grade_of(1, 60, wan(100)), Major);
}

fn industry(name: &str, divisions: &[&str]) -> KeyIndustry {
    KeyIndustry {
        reference: format!("province:{name}"),
        name: name.into(),
        divisions: divisions.iter().map(|d| d.to_string()).collect(),
        own: false,
    }
}

#[test]
fn candidates_come_from_every_key_industry_holding_the_division_or_the_division_alone() {
    let industries = [
        industry("危险化学品", &["C25", "C26", "C27", "C28"]),
        industry("机械制造", &["C33", "C34"]),
        industry("本市精细化工", &["C26", "C29"]),
    ];
    assert_eq!(candidate_divisions(&industries, "C26"), vec!["C25", "C26", "C27", "C28", "C29"]);
    assert_eq!(candidate_divisions(&industries, "C34"), vec!["C33", "C34"]);
    assert_eq!(candidate_divisions(&industries, "H62"), vec!["H62"], "not a key industry: its own division");
}

fn region(id: i64, code: &str, name: &str, level: RegionLevel) -> Region {
    Region { id: RegionId(id), code: code.into(), name: name.into(), level }
}

#[test]
fn receipts_are_per_region_and_department_and_departments_without_officers_are_left_out() {
    let shenyang = region(2, "210100", "沈阳市", RegionLevel::City);
    let dalian = region(3, "210200", "大连市", RegionLevel::City);
    let at = Utc.with_ymd_and_hms(2026, 11, 30, 2, 0, 0).unwrap();
    let reader = |region: &Region, department, name: &str, read: bool| Reader {
        region: region.id,
        department,
        name: name.into(),
        read_at: read.then_some(at),
    };
    let readers = [
        reader(&dalian, DepartmentKind::Emergency, "大连应急甲", false),
        reader(&shenyang, DepartmentKind::Emergency, "沈阳应急甲", true),
        reader(&shenyang, DepartmentKind::Emergency, "沈阳应急乙", false),
        reader(&shenyang, DepartmentKind::Hrss, "沈阳人社", false),
    ];
    let table = receipts(&[shenyang.clone(), dalian.clone()], &readers);
    let summary: Vec<_> =
        table.iter().map(|l| (l.region.as_str(), l.department, l.read.len(), l.unread.clone(), l.has_read())).collect();
    assert_eq!(
        summary,
        vec![
            ("沈阳市", DepartmentKind::Hrss, 0, vec!["沈阳人社".to_string()], false),
            ("沈阳市", DepartmentKind::Emergency, 1, vec!["沈阳应急乙".to_string()], true),
            ("大连市", DepartmentKind::Emergency, 0, vec!["大连应急甲".to_string()], false),
        ]
    );
    assert_eq!(table[1].read, vec![("沈阳应急甲".to_string(), at)]);
}

fn actor(role: Role, region: &Region) -> Actor {
    Actor {
        account_id: AccountId(7),
        username: "someone".into(),
        display_name: "某人".into(),
        role,
        region: Some(region.clone()),
        department: Some(DepartmentKind::Hrss),
    }
}

fn notice(issuer: &Region, recipients: &[&Region], issued: bool) -> Notice {
    Notice {
        id: NoticeId(1),
        region: issuer.id,
        kind: NoticeKind::Guidance,
        title: "关于做好工伤预防项目申报工作的通知".into(),
        document_number: String::new(),
        body: String::new(),
        recipients: recipients.iter().map(|r| r.id).collect(),
        issued_on: issued.then(|| day(2026, 11, 2)),
        issued_by_name: String::new(),
        accident: None,
        created_by_name: "某人".into(),
        version: 1,
        updated_at: Utc.with_ymd_and_hms(2026, 11, 2, 0, 0, 0).unwrap(),
    }
}

#[test]
fn the_province_issues_from_its_own_region_a_city_from_its_own_and_drafts_are_the_issuers() {
    let province = region(1, "210000", "省本级", RegionLevel::Province);
    let shenyang = region(2, "210100", "沈阳市", RegionLevel::City);
    let dalian = region(3, "210200", "大连市", RegionLevel::City);
    assert!(may_issue(&actor(Role::ProvinceOfficer, &province), &province));
    assert!(!may_issue(&actor(Role::ProvinceOfficer, &province), &shenyang), "not on a city's behalf");
    assert!(may_issue(&actor(Role::CityOfficer, &shenyang), &shenyang));
    assert!(!may_issue(&actor(Role::CityOfficer, &shenyang), &dalian));
    assert!(!may_issue(&actor(Role::PartnerOfficer, &shenyang), &shenyang));
    assert!(!may_issue(&actor(Role::AgencyOfficer, &shenyang), &shenyang));

    let draft = notice(&shenyang, &[&shenyang], false);
    assert!(may_see(&actor(Role::CityOfficer, &shenyang), &shenyang, &draft));
    assert!(!may_see(&actor(Role::PartnerOfficer, &shenyang), &shenyang, &draft), "a draft is the issuer's");
    assert!(!may_mark_read(&actor(Role::PartnerOfficer, &shenyang), &draft));
    let issued = notice(&province, &[&shenyang], true);
    assert!(may_see(&actor(Role::PartnerOfficer, &shenyang), &province, &issued));
    assert!(may_mark_read(&actor(Role::PartnerOfficer, &shenyang), &issued));
    assert!(may_mark_read(&actor(Role::CityOfficer, &shenyang), &issued));
    assert!(!may_mark_read(&actor(Role::CityOfficer, &dalian), &issued), "not addressed to 大连");
    assert!(!may_mark_read(&actor(Role::ProvinceOfficer, &province), &issued), "not addressed to 省本级");
    assert!(!may_mark_read(&actor(Role::Expert, &shenyang), &issued));
}

fn accident_form() -> NoticeForm {
    NoticeForm {
        kind: "accident".into(),
        title: "关于某化工企业较大中毒事故的通报".into(),
        recipients: vec!["210100".into(), "210200".into()],
        occurred_on: "2026-10-12".into(),
        accident_region: "210200".into(),
        employer_name: "大连某化工有限公司".into(),
        division: "c26".into(),
        what_happened: "检修作业中硫化氢中毒。".into(),
        deaths: "3".into(),
        serious_injuries: "2".into(),
        minor_injuries: "5".into(),
        direct_loss: "860.5".into(),
        causes: "未执行受限空间作业审批。".into(),
        measures: "开展受限空间作业专项检查。".into(),
        ..NoticeForm::default()
    }
}

#[test]
fn an_accident_notice_takes_its_grade_from_the_figures_and_refuses_another() {
    let shenyang = region(2, "210100", "沈阳市", RegionLevel::City);
    let dalian = region(3, "210200", "大连市", RegionLevel::City);
    let regions = [shenyang.clone(), dalian.clone()];
    let exists = |d: &str| d == "C26";
    let allowed = Allowed { recipients: &regions, accident_regions: &regions, division_exists: &exists };
    let today = day(2026, 11, 30);

    let (input, version) = accident_form().parse(&allowed, today).unwrap();
    assert_eq!(version, Version(1));
    assert_eq!(input.recipients, vec![shenyang.id, dalian.id]);
    let accident = input.accident.unwrap();
    assert_eq!(
        (accident.grade, accident.region, accident.division.as_str()),
        (AccidentGrade::Larger, dalian.id, "C26")
    );
    assert_eq!(accident.direct_loss, yuan(8_605_000), "万元 in, yuan kept");

    let errors = NoticeForm { grade: "general".into(), ..accident_form() }.parse(&allowed, today).unwrap_err();
    assert_eq!(
        errors.get("grade"),
        Some("按死亡、重伤人数和直接经济损失，应为较大事故（《生产安全事故报告和调查处理条例》第三条）")
    );
    let errors = NoticeForm {
        occurred_on: "2026-12-01".into(),
        employer_name: String::new(),
        division: "Z99".into(),
        recipients: Vec::new(),
        ..accident_form()
    }
    .parse(&allowed, today)
    .unwrap_err();
    assert_eq!(errors.get("occurred_on"), Some("事故发生日期不能晚于今天"));
    assert_eq!(errors.get("employer_name"), Some("请填写事故单位名称，或填写已登记单位的统一社会信用代码"));
    assert_eq!(errors.get("division"), Some("请填写 GB/T 4754-2017 行业大类代码，如 C26"));
    assert_eq!(errors.get("recipients"), Some("请至少选择一个接收地区"));
}

#[test]
fn a_city_addresses_its_own_region_whatever_is_posted_and_guidance_has_no_particulars() {
    let shenyang = region(2, "210100", "沈阳市", RegionLevel::City);
    let own = [shenyang.clone()];
    let exists = |_: &str| true;
    let allowed = Allowed { recipients: &own, accident_regions: &own, division_exists: &exists };
    let form = NoticeForm {
        kind: "guidance".into(),
        title: "关于开展安全生产月活动的通知".into(),
        recipients: vec!["210200".into()],
        deaths: "not read".into(),
        ..NoticeForm::default()
    };
    let (input, _) = form.parse(&allowed, day(2026, 11, 30)).unwrap();
    assert_eq!((input.recipients, input.accident), (vec![shenyang.id], None));
}
