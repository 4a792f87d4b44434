use std::str::FromStr;

use rand::rngs::ChaCha20Rng;
use rand::{Rng, SeedableRng};

use super::*;

fn d(s: &str) -> Decimal {
    Decimal::from_str(s).unwrap()
}

/// The cap by integer arithmetic alone: income in fen × rate as a fraction (numerator over
/// 10^5), rounded half up to the fen.
fn cap_in_fen(income_fen: i128, rate_parts: i128) -> i128 {
    let scaled = income_fen * rate_parts; // fen × 10^5
    (scaled + 50_000) / 100_000
}

#[test]
fn the_cap_is_income_times_rate_rounded_half_up_to_the_fen_for_random_figures() {
    let mut rng = ChaCha20Rng::from_seed([7; 32]);
    for _ in 0..20_000 {
        // Incomes up to 100 亿 yuan in fen; rates from 3% to 20% in steps of 0.001%.
        let income_fen: i128 = i128::from(1 + rng.next_u64() % 1_000_000_000_000);
        let rate_parts: i128 = i128::from(3_000 + rng.next_u64() % 17_001);
        let income = Decimal::from_i128_with_scale(income_fen, 2);
        let rate = Decimal::from_i128_with_scale(rate_parts, 5);
        let got = cap(income, rate);
        assert_eq!(got, Decimal::from_i128_with_scale(cap_in_fen(income_fen, rate_parts), 2), "{income} × {rate}");
        assert!(got.scale() <= 2);
        // Never more than half a fen from the exact product.
        assert!((got - income * rate).abs() <= d("0.005"));
    }
}

#[test]
fn the_cap_at_its_rounding_boundary() {
    // 1,234,567.50 × 3% = 37,037.025 → 37,037.03 (half up), never 37,037.02.
    assert_eq!(cap(d("1234567.50"), default_rate()), d("37037.03"));
    assert_eq!(cap(d("1234567.49"), default_rate()), d("37037.02"));
    assert_eq!(percent(default_rate()), "3%");
    assert_eq!(percent(d("0.035")), "3.5%");
}

#[test]
fn a_budget_above_the_cap_names_every_figure() {
    let message = above_cap(d("100000000"), default_rate(), d("3000000.01")).unwrap();
    assert_eq!(
        message,
        "预算 3,000,000.01 元超过提取上限：上年度工伤保险基金征缴收入 100,000,000.00 元 × 3% = 3,000,000.00 元，超出 0.01 元。"
    );
    assert_eq!(above_cap(d("100000000"), default_rate(), d("3000000")), None);
}

fn context(income: Option<&str>) -> BudgetContext {
    BudgetContext {
        income: income.map(d),
        rate: default_rate(),
        publicity_used: d("200000"),
        training_used: d("500000"),
    }
}

fn form(publicity: &str, training: &str) -> BudgetForm {
    BudgetForm { publicity: publicity.into(), training: training.into(), note: String::new(), version: "0".into() }
}

#[test]
fn a_budget_stays_under_the_cap_and_above_what_it_already_holds() {
    let c = context(Some("100000000"));
    assert_eq!(
        form("1,000,000", "2,000,000").parse(&c),
        Ok(BudgetInput { publicity: d("1000000"), training: d("2000000"), note: String::new() })
    );
    let errors = form("1,000,000", "2,000,000.01").parse(&c).unwrap_err();
    assert!(errors.get("publicity").unwrap().contains("超出 0.01 元"));
    let errors = form("150,000", "2,000,000").parse(&c).unwrap_err();
    assert_eq!(errors.get("publicity"), Some("宣传预算不能低于已安排和承诺的 200,000.00 元。"));
    let errors = form("1", "2").parse(&context(None)).unwrap_err();
    assert!(errors.get("publicity").unwrap().starts_with("请先录入上年度"));
    assert!(form("abc", "1").parse(&c).unwrap_err().get("publicity").unwrap().starts_with("宣传："));
}

#[test]
fn a_decision_allocates_commits_or_is_refused_with_the_figures() {
    let used = Used { allocated: d("700000"), committed: d("100000"), released: d("50000") };
    assert_eq!(used.taken(), d("750000"));
    let approved = YearBudget::Approved(d("1000000"));
    assert_eq!(take(2026, 2026, Category::Training, d("250000"), approved, used), Take::Allocate);
    let Take::Refuse(message) = take(2026, 2026, Category::Training, d("250000.01"), approved, used) else {
        panic!("refused")
    };
    assert_eq!(
        message,
        "2026年度工伤预防费培训预算 1,000,000.00 元，已安排和承诺 750,000.00 元，剩余 250,000.00 元，不足本项目核定的 250,000.01 元。"
    );
    assert_eq!(take(2027, 2026, Category::Training, d("1"), YearBudget::None, Used::default()), Take::Commit);
    assert!(
        matches!(take(2026, 2026, Category::Training, d("1"), YearBudget::None, Used::default()), Take::Refuse(m) if m.contains("尚未编制"))
    );
    let pending = YearBudget::Pending(BudgetStatus::Submitted);
    assert!(
        matches!(take(2026, 2026, Category::Publicity, d("1"), pending, Used::default()), Take::Refuse(m) if m.contains("待批准"))
    );
    assert_eq!(take(2027, 2026, Category::Publicity, d("1"), pending, Used::default()), Take::Commit, "a later year");
}

#[test]
fn budgets_by_role_and_state() {
    use crate::org::{AccountId, Role};
    use crate::workflow::{PastStep, Refusal, decide};
    let (city, province) = (AccountId(1), AccountId(2));
    let t = |status, action, role, by, comment| decide(BUDGET_TRANSITIONS, status, action, role, by, comment, &[]);
    assert_eq!(t(BudgetStatus::Draft, BudgetAction::Submit, Role::CityOfficer, city, ""), Ok(BudgetStatus::Submitted));
    assert_eq!(
        t(BudgetStatus::Returned, BudgetAction::Submit, Role::CityOfficer, city, ""),
        Ok(BudgetStatus::Submitted)
    );
    assert_eq!(t(BudgetStatus::Submitted, BudgetAction::Approve, Role::CityOfficer, city, ""), Err(Refusal::Role));
    assert_eq!(
        t(BudgetStatus::Submitted, BudgetAction::Approve, Role::ProvinceOfficer, province, ""),
        Ok(BudgetStatus::Approved)
    );
    assert_eq!(
        t(BudgetStatus::Submitted, BudgetAction::Return, Role::ProvinceOfficer, province, ""),
        Err(Refusal::CommentRequired)
    );
    assert_eq!(
        t(BudgetStatus::Approved, BudgetAction::Adjust, Role::CityOfficer, city, "追加培训"),
        Ok(BudgetStatus::Submitted)
    );
    assert_eq!(t(BudgetStatus::Draft, BudgetAction::Approve, Role::ProvinceOfficer, province, ""), Err(Refusal::State));
    for role in [Role::PartnerOfficer, Role::AgencyOfficer, Role::Expert, Role::Auditor] {
        assert_eq!(t(BudgetStatus::Draft, BudgetAction::Submit, role, city, ""), Err(Refusal::Role));
    }
    // Province officers keep 省本级's budget, but never approve their own submission.
    let own = [PastStep { action: BudgetAction::Submit, by: province }];
    assert_eq!(
        decide(
            BUDGET_TRANSITIONS,
            BudgetStatus::Submitted,
            BudgetAction::Approve,
            Role::ProvinceOfficer,
            province,
            "",
            &own
        ),
        Err(Refusal::SameActor)
    );
    assert_eq!(approval_problem(d("100"), d("200"), (d("100"), d("200"))), None);
    assert_eq!(
        approval_problem(d("99.99"), d("200"), (d("100"), d("0"))),
        Some("宣传预算 99.99 元低于已安排和承诺的 100.00 元，不能批准。".into())
    );
}

#[test]
fn a_project_takes_from_its_type_s_category() {
    assert_eq!(Category::of(ProjectType::Training), Category::Training);
    assert_eq!(Category::of(ProjectType::Publicity), Category::Publicity);
}

fn payment(stage: &str, amount: &str) -> PaymentForm {
    PaymentForm {
        paid_on: "2026-11-20".into(),
        amount: amount.into(),
        voucher: "沈经拨〔2026〕101号".into(),
        stage: stage.into(),
        form_token: String::new(),
    }
}

fn paying(status: crate::projects::model::ProjectStatus, paid: &str) -> PaymentContext {
    PaymentContext {
        status,
        held: d("100000"),
        paid: d(paid),
        settled: false,
        today: NaiveDate::from_ymd_opt(2026, 11, 30).unwrap(),
    }
}

use chrono::NaiveDate;

#[test]
fn payments_never_exceed_the_allocation_and_the_final_one_waits_for_the_acceptance() {
    use crate::projects::model::ProjectStatus as S;
    let ok = payment("advance", "30,000").parse(&paying(S::InProgress, "0")).unwrap();
    assert_eq!((ok.amount, ok.stage), (d("30000"), PaymentStage::Advance));
    let errors = payment("interim", "70,000.01").parse(&paying(S::InProgress, "30000")).unwrap_err();
    assert_eq!(
        errors.get("amount"),
        Some("已拨付 30,000.00 元，本次 70,000.01 元，合计将超过安排的 100,000.00 元（最多还可拨付 70,000.00 元）。")
    );
    assert!(payment("interim", "70,000").parse(&paying(S::InProgress, "30000")).is_ok(), "up to the allocation");
    let errors = payment("final", "10,000").parse(&paying(S::AwaitingAcceptance, "60000")).unwrap_err();
    assert_eq!(errors.get("stage"), Some("项目已结项待验收，验收通过后才能拨付尾款。"));
    assert!(payment("final", "10,000").parse(&paying(S::Accepted, "60000")).is_ok());
    let errors = payment("advance", "1").parse(&paying(S::Terminated, "0")).unwrap_err();
    assert_eq!(errors.get("stage"), Some("项目已终止，不能拨付。"));
    let mut settled = paying(S::Settled, "100000");
    settled.settled = true;
    assert_eq!(payment("final", "1").parse(&settled).unwrap_err().get("stage"), Some("项目已结算，不能再拨付。"));
    let mut late = payment("advance", "1");
    late.paid_on = "2026-12-01".into();
    assert_eq!(late.parse(&paying(S::InProgress, "0")).unwrap_err().get("paid_on"), Some("拨付日期不能晚于今天。"));
}

#[test]
fn what_was_not_paid_goes_back_to_its_budgets_the_latest_first() {
    let holdings = [(2026, 1, Category::Training, d("60000")), (2027, 2, Category::Training, d("40000"))];
    // 70,000 paid: the first year's 60,000 and 10,000 of the second's; 30,000 of 2027 goes back.
    assert_eq!(unpaid(&holdings, d("70000")), vec![(2027, 2, Category::Training, d("30000"))]);
    assert_eq!(unpaid(&holdings, d("0")), holdings.to_vec(), "nothing paid: everything back");
    assert!(unpaid(&holdings, d("100000")).is_empty(), "all paid: nothing back");
}

#[test]
fn a_year_s_figures_add_up() {
    let used = Used { allocated: d("700000"), committed: d("100000"), released: d("50000") };
    let f = figures(Some(d("100000000")), default_rate(), Some(d("2000000")), used, d("333333.33"));
    assert_eq!(f.cap, Some(d("3000000.00")));
    assert_eq!(f.remaining, Some(d("1250000")));
    // 333,333.33 ÷ 2,000,000 = 16.6666…% → 16.7%.
    assert_eq!(f.execution, Some(d("16.7")));
    let none = figures(None, default_rate(), None, Used::default(), Decimal::ZERO);
    assert_eq!((none.cap, none.remaining, none.execution), (None, None, None));
}

#[test]
fn an_adjusted_budget_compares_with_what_was_approved_cell_by_cell() {
    let context = BudgetContext {
        income: Some(d("100000000")),
        rate: default_rate(),
        publicity_used: d("0"),
        training_used: d("600000"),
    };
    let first = BudgetInput { publicity: d("1000000"), training: d("1500000"), note: "首次编制".into() };
    let adjusted = BudgetInput { publicity: d("800000"), training: d("1500000"), note: "首次编制".into() };
    let before = budget_snapshot(2026, &first, &context);
    let after = budget_snapshot(2026, &adjusted, &context);
    assert!(before.fields.iter().any(|f| f.label == "提取上限（元）" && f.value == "3,000,000.00"), "{before:?}");
    let comparison = crate::workflow::versions::compare(&before, &after);
    // The total and the publicity line's amount changed; the cap, the note and training did not.
    let changed: Vec<&str> = comparison.fields.iter().filter(|f| f.changed).map(|f| f.label.as_str()).collect();
    assert_eq!(changed, vec!["预算合计（元）"]);
    let split = &comparison.tables[0];
    assert_eq!(split.rows[0].changed, vec![false, true, false]);
    assert_eq!(split.rows[0].after[1], "800,000.00");
    assert_eq!(split.rows[1].changed, vec![false, false, false]);
    assert_eq!(comparison.changed_cells(), 2);
}
