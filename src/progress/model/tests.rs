use super::*;

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

fn lines() -> Vec<BudgetLine> {
    let line = |id: i64, item: &str| BudgetLine {
        id,
        project_year: 1,
        item: item.into(),
        unit: "项".into(),
        unit_price: None,
        quantity: None,
        amount: Some(Decimal::from(50_000)),
    };
    vec![line(1, "师资费"), line(2, "场地费")]
}

fn milestones() -> Vec<Milestone> {
    vec![
        Milestone { id: 7, due_on: Some(d(2027, 3, 31)), description: "完成招生".into() },
        Milestone { id: 8, due_on: Some(d(2027, 6, 30)), description: "完成第一期培训".into() },
    ]
}

fn form(percent: &str, trained: &str, amounts: [&str; 2]) -> ReportForm {
    ReportForm {
        reported_on: "2027-04-10".into(),
        percent: percent.into(),
        milestone: vec!["7".into(), "99".into()],
        trained: trained.into(),
        sessions: "4".into(),
        line: vec!["1".into(), "2".into()],
        amount: amounts.iter().map(|a| a.to_string()).collect(),
        note: " 第一期开班 ".into(),
        form_token: String::new(),
    }
}

fn previous() -> Report {
    Report {
        id: ReportId(1),
        reported_on: d(2027, 3, 1),
        percent: 30,
        milestones_done: vec![],
        trained: 120,
        sessions: 3,
        spending: vec![Spent { line: 1, amount: Decimal::from(10_000) }],
        spent: Decimal::from(10_000),
        note: String::new(),
        created_by_name: "王芳".into(),
        created_at: Utc::now(),
    }
}

#[test]
fn a_report_adds_up_its_spending_and_keeps_only_the_projects_milestones() {
    let (lines, milestones) = (lines(), milestones());
    let c = Context {
        lines: &lines,
        milestones: &milestones,
        previous: None,
        agreement: (Money::from_yuan(Decimal::from(90_000)).unwrap(), d(2027, 1, 5)),
        today: d(2027, 4, 12),
    };
    let r = form("45", "200", ["12000.50", "8000"]).parse(&c).unwrap();
    assert_eq!(r.spent, Decimal::from_str_exact("20000.50").unwrap());
    assert_eq!(r.milestones_done, vec![7], "a milestone of another project is ignored");
    assert_eq!(r.note, "第一期开班");
    assert_eq!(r.summary(), "完成 45%；培训 200 人次、4 场；累计支出 20,000.50 元；第一期开班");
}

#[test]
fn figures_never_fall_below_the_previous_report_nor_spending_above_the_agreement() {
    let (lines, milestones, prev) = (lines(), milestones(), previous());
    let c = Context {
        lines: &lines,
        milestones: &milestones,
        previous: Some(&prev),
        agreement: (Money::from_yuan(Decimal::from(90_000)).unwrap(), d(2027, 1, 5)),
        today: d(2027, 4, 12),
    };
    let errors = form("25", "100", ["10000", "0"]).parse(&c).unwrap_err();
    assert_eq!(errors.get("percent"), Some("完成进度不能低于上次报告的 30%。"));
    assert_eq!(errors.get("trained"), Some("累计培训人次不能少于上次报告的 120。"));
    let errors = form("50", "150", ["60000", "30000.01"]).parse(&c).unwrap_err();
    assert_eq!(errors.get("spending"), Some("累计支出 90,000.01 元超过协议金额 90,000.00 元。"));
    let errors = form("50", "150", ["abc", "0"]).parse(&c).unwrap_err();
    assert!(errors.get("spending").unwrap().contains("“师资费”的支出"));
}

#[test]
fn the_day_lies_between_the_agreement_and_today_and_after_the_last_report() {
    let (lines, milestones, prev) = (lines(), milestones(), previous());
    let c = Context {
        lines: &lines,
        milestones: &milestones,
        previous: Some(&prev),
        agreement: (Money::from_yuan(Decimal::from(90_000)).unwrap(), d(2027, 1, 5)),
        today: d(2027, 4, 9),
    };
    assert_eq!(form("50", "150", ["0", "0"]).parse(&c).unwrap_err().get("reported_on"), Some("报告日期不能晚于今天。"));
    let early = ReportForm { reported_on: "2027-02-01".into(), ..form("50", "150", ["0", "0"]) };
    assert_eq!(early.parse(&c).unwrap_err().get("reported_on"), Some("报告日期不能早于上次报告。"));
    let before = Context { previous: None, ..c };
    let earliest = ReportForm { reported_on: "2027-01-04".into(), ..form("50", "150", ["0", "0"]) };
    assert!(earliest.parse(&before).unwrap_err().get("reported_on").unwrap().contains("协议签订日期"));
}

#[test]
fn the_next_form_starts_from_the_last_report() {
    let (lines, prev) = (lines(), previous());
    let f = ReportForm::after(Some(&prev), &lines, d(2027, 4, 12));
    assert_eq!((f.percent.as_str(), f.trained.as_str(), f.typed(1), f.typed(2)), ("30", "120", "10000", "0"));
    let first = ReportForm::after(None, &lines, d(2027, 4, 12));
    assert_eq!((first.percent.as_str(), first.trained.as_str()), ("", "0"));
}
