use super::*;
use crate::web::deadline::DayKind;

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

fn money(s: &str) -> Money {
    Money::from_yuan(Decimal::from_str(s).unwrap()).unwrap()
}

/// National Day 2026 as a fixture: 1–7 October off, Saturday 10 October worked.
fn calendar() -> Calendar {
    let mut days: Vec<(NaiveDate, DayKind)> = (1..=7).map(|day| (d(2026, 10, day), DayKind::Holiday)).collect();
    days.push((d(2026, 10, 10), DayKind::Workday));
    Calendar::new(days)
}

fn form(amounts: &[&str], starts: &str, ends: &str) -> DecisionForm {
    DecisionForm {
        year: (1..=amounts.len()).map(|y| y.to_string()).collect(),
        amount: amounts.iter().map(|a| a.to_string()).collect(),
        publicity_starts_on: starts.into(),
        publicity_ends_on: ends.into(),
        meeting: String::new(),
        comment: String::new(),
        intent: "approve".into(),
        version: "3".into(),
        form_token: String::new(),
    }
}

#[test]
fn a_publicity_across_national_day_ends_on_its_fifth_working_day() {
    let c = calendar();
    // Tuesday 29 and Wednesday 30 September, then the holiday, then 8, 9 and Saturday 10 October.
    assert_eq!(earliest_end(&c, d(2026, 9, 29), 5), d(2026, 10, 10));
    // Starting on a holiday counts from the first working day after it.
    // 8, 9, Saturday 10, 12 and 13 October.
    assert_eq!(earliest_end(&c, d(2026, 10, 3), 5), d(2026, 10, 13));
    // Without a holiday: Monday to Friday.
    assert_eq!(earliest_end(&c, d(2026, 11, 2), 5), d(2026, 11, 6));
}

#[test]
fn the_approved_amount_never_exceeds_the_requested_year_by_year() {
    let requested = [(1, money("120000")), (2, money("80000"))];
    let c = Context {
        requested: &requested,
        calendar: &calendar(),
        publicity_days: 5,
        today: d(2026, 9, 28),
        meetings: &[11],
    };
    let (decision, version) = form(&["100000", "80000"], "2026-09-29", "2026-10-10").parse(&c).unwrap();
    assert_eq!(version, Version(3));
    let Decision::Approve(a) = decision else { panic!("an approval") };
    assert_eq!(a.total, Decimal::from(180_000));
    assert_eq!(a.years, vec![(1, Decimal::from(100_000)), (2, Decimal::from(80_000))]);
    // A year above its request is refused, naming both amounts; nothing approves.
    let errors = form(&["120000.01", "80000"], "2026-09-29", "2026-10-10").parse(&c).unwrap_err();
    assert_eq!(errors.get("amount"), Some("第 1 年度核定金额 120,000.01 元超过申请金额 120,000.00 元。"));
    // Cents at most; never below zero; never zero in all.
    assert!(form(&["1.001", "0"], "2026-09-29", "2026-10-10").parse(&c).unwrap_err().get("amount").is_some());
    assert!(form(&["-1", "0"], "2026-09-29", "2026-10-10").parse(&c).unwrap_err().get("amount").is_some());
    let zero = form(&["0", "0"], "2026-09-29", "2026-10-10").parse(&c).unwrap_err();
    assert!(zero.get("amount").unwrap().contains("合计应大于 0"));
}

#[test]
fn the_publicity_lasts_the_rounds_working_days_counted_with_the_calendar() {
    let requested = [(1, money("50000"))];
    let c = Context {
        requested: &requested,
        calendar: &calendar(),
        publicity_days: 5,
        today: d(2026, 9, 28),
        meetings: &[],
    };
    // Ending on Friday 9 October is four working days: refused, with the earliest end named.
    let errors = form(&["50000"], "2026-09-29", "2026-10-09").parse(&c).unwrap_err();
    assert_eq!(
        errors.get("publicity_ends_on"),
        Some("公示期不少于 5 个工作日：自 2026-09-29 起最早到 2026-10-10（按工作日历，节假日不计）。")
    );
    assert!(form(&["50000"], "2026-09-29", "2026-10-12").parse(&c).is_ok(), "longer is allowed");
    let past = form(&["50000"], "2026-09-27", "2026-10-12").parse(&c).unwrap_err();
    assert!(past.get("publicity_starts_on").is_some());
    let seven = Context { publicity_days: 7, ..c };
    assert!(form(&["50000"], "2026-09-29", "2026-10-10").parse(&seven).is_err());
}

#[test]
fn a_rejection_needs_its_reasons_and_a_named_meeting_must_be_offered() {
    let requested = [(1, money("50000"))];
    let c = Context {
        requested: &requested,
        calendar: &calendar(),
        publicity_days: 5,
        today: d(2026, 9, 28),
        meetings: &[11],
    };
    let mut f = form(&["50000"], "", "");
    f.intent = "reject".into();
    assert_eq!(f.parse(&c).unwrap_err().get("comment"), Some("不予立项须写明理由。"));
    f.comment = "与本年度重点领域不符".into();
    assert_eq!(f.parse(&c).unwrap().0, Decision::Reject { reason: "与本年度重点领域不符".into() });
    let mut g = form(&["50000"], "2026-09-29", "2026-10-10");
    g.meeting = "12".into();
    assert!(g.parse(&c).unwrap_err().get("meeting").is_some());
    g.meeting = "11".into();
    let Decision::Approve(a) = g.parse(&c).unwrap().0 else { panic!("an approval") };
    assert_eq!(a.meeting, Some(11));
}

#[test]
fn the_first_form_offers_the_requested_amounts_and_the_shortest_publicity() {
    let requested = [(1, money("50000")), (2, money("30000.50"))];
    let c = Context {
        requested: &requested,
        calendar: &calendar(),
        publicity_days: 5,
        today: d(2026, 9, 28),
        meetings: &[],
    };
    let mut f = DecisionForm::new(&c, 7);
    assert_eq!((f.typed(1), f.typed(2)), ("50000", "30000.50"));
    assert_eq!((f.publicity_starts_on.as_str(), f.publicity_ends_on.as_str()), ("2026-09-29", "2026-10-10"));
    // Approved as first shown, without a change (the browser journey found it refused once,
    // its version left empty).
    f.intent = "approve".into();
    let (decision, version) = f.parse(&c).unwrap();
    assert!(matches!(decision, Decision::Approve(_)));
    assert_eq!(version, Version(7));
}

#[test]
fn objections_arrive_within_the_publicity_and_answers_say_whether_upheld() {
    let window = (d(2026, 9, 29), d(2026, 10, 10));
    let f = ObjectionForm {
        received_on: "2026-10-08".into(),
        objector: "匿名".into(),
        content: "申报单位去年同类项目未完成".into(),
        form_token: String::new(),
    };
    assert_eq!(f.parse(window, d(2026, 10, 9)).unwrap().received_on, d(2026, 10, 8));
    assert!(f.parse(window, d(2026, 10, 7)).unwrap_err().get("received_on").is_some(), "not after today");
    let late = ObjectionForm { received_on: "2026-10-11".into(), ..f.clone() };
    assert!(late.parse(window, d(2026, 10, 12)).is_err());
    let upheld = AnswerForm { answer: "经核查属实".into(), upheld: "yes".into(), form_token: String::new() };
    assert_eq!(upheld.parse(), Ok(("经核查属实".to_string(), true)));
    assert!(AnswerForm { upheld: String::new(), ..upheld.clone() }.parse().is_err());
    assert!(AnswerForm { answer: " ".into(), ..upheld }.parse().is_err());
}

#[test]
fn the_publicity_closes_after_its_last_day_with_every_objection_answered() {
    let ends = d(2026, 10, 10);
    assert!(close_refusal(d(2026, 10, 10), ends, 0).unwrap().contains("期满后才能办理"));
    assert!(close_refusal(d(2026, 10, 11), ends, 1).unwrap().contains("还有 1 条异议"));
    assert_eq!(close_refusal(d(2026, 10, 11), ends, 0), None);
}
