use chrono::NaiveDate;
use rust_decimal::Decimal;

use super::*;
use crate::cycles::CycleId;

fn cycle() -> Cycle {
    Cycle {
        id: CycleId(2),
        first_year: 2026,
        last_year: 2030,
        name: "辽宁省工伤预防五年行动计划（2026—2030年）".into(),
        national_document: String::new(),
        provincial_document: String::new(),
        headline_target: String::new(),
        accident_rate_reduction_percent: Decimal::from(10),
        training_target: String::new(),
        training_coverage_due: NaiveDate::from_ymd_opt(2030, 12, 31).unwrap(),
        key_positions: vec!["主要负责人".into(), "一线班组长".into()],
        platform_positions: vec!["即时配送等新就业形态劳动者".into()],
        coverage_target_percent: Decimal::from(100),
        plan_filing_due: NaiveDate::from_ymd_opt(2026, 6, 30).unwrap(),
        annual_report_due: crate::cycles::model::MonthDay { month: 12, day: 15 },
        departments: Vec::new(),
        tasks: Vec::new(),
        version: 1,
    }
}

#[test]
fn categories_are_the_cycle_s_and_platform_positions_only_for_platform_employers() {
    let c = cycle();
    assert_eq!(categories(&c, false), ["主要负责人", "一线班组长"]);
    assert_eq!(categories(&c, true), ["主要负责人", "一线班组长", "即时配送等新就业形态劳动者"]);
}

fn attended<'a>(employer: i64, category: &'a str, id: &'a str, has_exam: bool, passed: Option<bool>) -> Attendance<'a> {
    Attendance { employer, category, id_number: id, has_exam, exam_passed: passed }
}

#[test]
fn a_person_counts_once_per_cycle_employer_and_category() {
    let a = "110101199003074514";
    let b = "11010519491231002X";
    let records = [
        // A attends three sessions as 一线班组长 of employer 1: once.
        attended(1, "一线班组长", a, false, None),
        attended(1, "一线班组长", a, true, Some(true)),
        attended(1, "一线班组长", a, false, None),
        // A also counts for employer 2 (a second job) and in another category.
        attended(2, "一线班组长", a, false, None),
        attended(1, "主要负责人", a, false, None),
        // B failed the only exam: not trained; with the exam not yet known, neither.
        attended(1, "一线班组长", b, true, Some(false)),
        attended(1, "主要负责人", b, true, None),
    ];
    let counts = trained(&records);
    assert_eq!(counts.get(&(1, "一线班组长".to_string())), Some(&1));
    assert_eq!(counts.get(&(2, "一线班组长".to_string())), Some(&1));
    assert_eq!(counts.get(&(1, "主要负责人".to_string())), Some(&1));
    assert_eq!(counts.values().sum::<usize>(), 3);
}

#[test]
fn each_category_is_capped_before_summing() {
    // Employer A: 10 required, 14 trained (capped at 10); employer B: 10 required, 4 trained.
    let c = capped_sum([(10, 14), (10, 4)]);
    assert_eq!(c, Coverage { required: 20, trained: 18, capped: 14 });
    // 14 ÷ 20 = 70%, not 18 ÷ 20 = 90%.
    assert_eq!(c.rate(), Some(Decimal::new(700, 1)));
    assert_eq!(c.gap(Decimal::from(100)), 6);
    assert_eq!(c.gap(Decimal::from(70)), 0);
    assert!(!c.meets(Decimal::from(100)) && c.meets(Decimal::from(70)));
    assert_eq!(Coverage::default().rate(), None);
    assert_eq!(Coverage::default().shown(), "—");
}

#[test]
fn coverage_rounds_half_up_and_the_gap_rounds_people_up() {
    // 2 ÷ 3 = 66.666…% → 66.7%; 1 ÷ 8 = 12.5%.
    assert_eq!(capped_sum([(3, 2)]).shown(), "66.7%");
    assert_eq!(capped_sum([(8, 1)]).shown(), "12.5%");
    // 95% of 7 people is 6.65: 7 people needed.
    assert_eq!(capped_sum([(7, 6)]).gap(Decimal::from(95)), 1);
}

#[test]
fn a_hand_computed_region() {
    // Three employers, two categories each: required / trained.
    let pairs = [(5, 5), (3, 1), (2, 4), (0, 3), (10, 7), (4, 0)];
    // Capped: 5 + 1 + 2 + 0 + 7 + 0 = 15 of 24 required: 62.5%, 9 people short of 100%.
    let c = capped_sum(pairs);
    assert_eq!((c.required, c.trained, c.capped), (24, 20, 15));
    assert_eq!(c.shown(), "62.5%");
    assert_eq!(c.gap(Decimal::from(100)), 9);
}

#[test]
fn the_exam_decides_where_there_is_one() {
    assert!(qualifies(false, None));
    assert!(qualifies(false, Some(false)), "no exam: attendance is enough");
    assert!(qualifies(true, Some(true)));
    assert!(!qualifies(true, Some(false)));
    assert!(!qualifies(true, None));
}

#[test]
fn a_trainee_is_checked_against_the_cycle_and_the_session() {
    let c = cycle();
    let all = all_categories(&c);
    let form = TraineeForm {
        name: "李强".into(),
        id_number: "110101199003074514".into(),
        employer: "9144030071526726XG".into(),
        category: "一线班组长".into(),
        exam_passed: "是".into(),
        certificate_no: "LN-2026-0001".into(),
        form_token: crate::web::once::TokenField::default(),
    };
    let input = form.parse(&all, true).unwrap();
    assert_eq!((input.exam_passed, input.category.as_str()), (Some(true), "一线班组长"));
    // No exam: a result is refused; an unknown category names the cycle's.
    let errors = form.parse(&all, false).unwrap_err();
    assert_eq!(errors.get("exam_passed"), Some("本次培训没有考试，考试结果应留空"));
    let wrong = TraineeForm { category: "安全员".into(), id_number: "110101199003074515".into(), ..form.clone() };
    let errors = wrong.parse(&all, true).unwrap_err();
    assert!(errors.get("category").unwrap().contains("主要负责人、一线班组长、即时配送等新就业形态劳动者"));
    assert!(errors.get("id_number").unwrap().contains("校验位"));
}

#[test]
fn a_session_falls_in_the_cycle_of_its_first_day() {
    let today = NaiveDate::from_ymd_opt(2026, 11, 30).unwrap();
    let form = SessionForm {
        provider_name: "辽宁省安全科学研究院".into(),
        delivery: "offline".into(),
        starts_on: "2026-09-01".into(),
        ends_on: "2026-09-03".into(),
        hours: "16".into(),
        topic: "危险化学品企业一线班组长工伤预防".into(),
        has_exam: "yes".into(),
        ..SessionForm::default()
    };
    let (input, _) = form.parse(&[cycle()], today).unwrap();
    assert_eq!((input.cycle_first_year, input.has_exam, input.hours), (2026, true, Decimal::from(16)));
    let early = SessionForm { starts_on: "2025-09-01".into(), ..form.clone() };
    assert_eq!(
        early.parse(&[cycle()], today).unwrap_err().get("starts_on"),
        Some("开始日期不在任何五年行动计划周期内")
    );
    let reversed = SessionForm { ends_on: "2026-08-31".into(), hours: "0".into(), ..form };
    let errors = reversed.parse(&[cycle()], today).unwrap_err();
    assert_eq!(errors.get("ends_on"), Some("结束日期不能早于开始日期"));
    assert!(errors.get("hours").is_some());
}

#[test]
fn required_counts_are_whole_numbers_of_the_employer_s_categories() {
    let form = RequiredForm {
        cycle: "2026".into(),
        category: vec!["主要负责人".into(), "一线班组长".into()],
        required: vec!["1".into(), "1,200".into()],
    };
    assert_eq!(
        form.parse(&["主要负责人", "一线班组长"]).unwrap(),
        [("主要负责人".to_string(), 1), ("一线班组长".to_string(), 1200)]
    );
    let bad = RequiredForm { required: vec!["-1".into(), "".into()], ..form.clone() };
    assert_eq!(
        bad.parse(&["主要负责人", "一线班组长"]).unwrap_err().get("required"),
        Some("主要负责人：应为 0 或正整数。")
    );
    let foreign = RequiredForm {
        category: vec!["主要负责人".into(), "即时配送等新就业形态劳动者".into()], ..form
    };
    assert!(foreign.parse(&["主要负责人", "一线班组长"]).unwrap_err().get("required").unwrap().contains("不是本单位"));
}
