//! The rules of the prevention fee (人社部规〔2017〕13号): the cap of a budget year (the prior
//! year's premium income × the rate, 3% unless raised with an approving document, rounded half
//! up to the fen), a budget never above it and split into its only two uses (宣传, 培训), and
//! what a project's decision takes from a year's budget: an allocation from an approved budget
//! with enough left in its category, a commitment on a later year without a budget yet, or a
//! refusal with the figures.

use rust_decimal::{Decimal, RoundingStrategy};
use serde::Deserialize;

use crate::projects::model::ProjectType;
use crate::values::Money;
use crate::web::form::FieldErrors;
use crate::workflow::versions::{Row, Snapshot};

labelled_enum! {
    /// 宣传 or 培训: the fee's only two uses, a project's by its type.
    pub enum Category {
        Publicity => ("publicity", "宣传"),
        Training => ("training", "培训"),
    }
}

impl Category {
    pub fn of(project_type: ProjectType) -> Category {
        match project_type {
            ProjectType::Publicity => Category::Publicity,
            ProjectType::Training => Category::Training,
        }
    }
}

labelled_enum! {
    pub enum BudgetStatus {
        Draft => ("draft", "草稿"),
        Submitted => ("submitted", "待批准"),
        Approved => ("approved", "已批准"),
        Returned => ("returned", "退回修改"),
    }
}

labelled_enum! {
    pub enum BudgetAction {
        Submit => ("submit", "提交批准"),
        Approve => ("approve", "批准"),
        Return => ("return", "退回修改"),
        Adjust => ("adjust", "提交调整"),
    }
}

use crate::org::Role;
use crate::workflow::Transition;

/// A region's budget: its keepers (the city's officers; province officers for 省本级's) draft
/// and submit it, or submit an adjustment of the approved one; province officers approve it or
/// return it with reasons (never their own submission).
pub const BUDGET_TRANSITIONS: &[Transition<BudgetStatus, BudgetAction>] = &[
    Transition {
        from: &[BudgetStatus::Draft, BudgetStatus::Returned],
        action: BudgetAction::Submit,
        to: BudgetStatus::Submitted,
        roles: &[Role::CityOfficer, Role::ProvinceOfficer],
        comment_required: false,
        not_by_whoever_took: None,
    },
    Transition {
        from: &[BudgetStatus::Approved],
        action: BudgetAction::Adjust,
        to: BudgetStatus::Submitted,
        roles: &[Role::CityOfficer, Role::ProvinceOfficer],
        comment_required: true,
        not_by_whoever_took: None,
    },
    Transition {
        from: &[BudgetStatus::Submitted],
        action: BudgetAction::Approve,
        to: BudgetStatus::Approved,
        roles: &[Role::ProvinceOfficer],
        comment_required: false,
        not_by_whoever_took: Some(BudgetAction::Submit),
    },
    Transition {
        from: &[BudgetStatus::Submitted],
        action: BudgetAction::Return,
        to: BudgetStatus::Returned,
        roles: &[Role::ProvinceOfficer],
        comment_required: true,
        not_by_whoever_took: Some(BudgetAction::Submit),
    },
];

impl BudgetStatus {
    /// The amounts may be changed: a draft, a returned one, or an approved one being adjusted
    /// (the adjustment is submitted with its new amounts).
    pub fn is_editable(self) -> bool {
        matches!(self, BudgetStatus::Draft | BudgetStatus::Returned | BudgetStatus::Approved)
    }
}

/// Why a budget cannot be approved: a category below what its year's ledger holds.
pub fn approval_problem(publicity: Decimal, training: Decimal, used: (Decimal, Decimal)) -> Option<String> {
    let m = |d: Decimal| Money::from_yuan(d).map(Money::show_yuan).unwrap_or_default();
    if publicity < used.0 {
        return Some(format!("宣传预算 {} 元低于已安排和承诺的 {} 元，不能批准。", m(publicity), m(used.0)));
    }
    (training < used.1).then(|| format!("培训预算 {} 元低于已安排和承诺的 {} 元，不能批准。", m(training), m(used.1)))
}

labelled_enum! {
    /// What a ledger entry does to a budget year.
    pub enum EntryKind {
        Allocation => ("allocation", "安排"),
        Commitment => ("commitment", "跨年度承诺"),
        Release => ("release", "释放"),
    }
}

/// The rate a budget year spends without a raised one: 3%.
pub fn default_rate() -> Decimal {
    Decimal::new(3, 2)
}

/// income × rate, rounded half up to the fen. Exact: decimals only.
pub fn cap(income: Decimal, rate: Decimal) -> Decimal {
    (income * rate).round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero)
}

/// `3%` or `3.5%` as pages write a rate.
pub fn percent(rate: Decimal) -> String {
    format!("{}%", (rate * Decimal::from(100)).normalize())
}

/// Why a budget of `asked` is above the cap: the income, the rate, the cap, the amount asked and
/// the excess, in 元.
pub fn above_cap(income: Decimal, rate: Decimal, asked: Decimal) -> Option<String> {
    let cap = cap(income, rate);
    (asked > cap).then(|| {
        let m = |d: Decimal| Money::from_yuan(d).map(Money::show_yuan).unwrap_or_else(|_| d.to_string());
        format!(
            "预算 {} 元超过提取上限：上年度工伤保险基金征缴收入 {} 元 × {} = {} 元，超出 {} 元。",
            m(asked),
            m(income),
            percent(rate),
            m(cap),
            m(asked - cap)
        )
    })
}

/// What a budget year's ledger holds in one category.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Used {
    pub allocated: Decimal,
    pub committed: Decimal,
    pub released: Decimal,
}

impl Used {
    /// What stands taken: allocations and commitments less releases.
    pub fn taken(self) -> Decimal {
        self.allocated + self.committed - self.released
    }
}

/// A budget year as a decision finds it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum YearBudget {
    /// No budget for the year yet.
    None,
    /// A budget not approved (yet).
    Pending(BudgetStatus),
    /// An approved budget's amount in the category.
    Approved(Decimal),
}

/// What a decision does for one project year's approved amount.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Take {
    Allocate,
    Commit,
    Refuse(String),
}

/// The decision's take from `budget_year` of `amount` in `category`, the decision made in
/// `decided_year`: an approved budget with enough left allocates; a later year without a budget
/// takes a commitment (which that year's budget must cover); otherwise the reason, with figures.
pub fn take(
    budget_year: i16,
    decided_year: i16,
    category: Category,
    amount: Decimal,
    budget: YearBudget,
    used: Used,
) -> Take {
    let m = |d: Decimal| Money::from_yuan(d).map(Money::show_yuan).unwrap_or_else(|_| d.to_string());
    match budget {
        YearBudget::Approved(total) => {
            let left = total - used.taken();
            if amount <= left {
                Take::Allocate
            } else {
                Take::Refuse(format!(
                    "{budget_year}年度工伤预防费{}预算 {} 元，已安排和承诺 {} 元，剩余 {} 元，不足本项目核定的 {} 元。",
                    category.label(),
                    m(total),
                    m(used.taken()),
                    m(left),
                    m(amount)
                ))
            }
        }
        // A later year: its budget (none yet, or not yet approved) must cover it first.
        YearBudget::None | YearBudget::Pending(_) if budget_year > decided_year => Take::Commit,
        YearBudget::None => Take::Refuse(format!("{budget_year}年度工伤预防费预算尚未编制，不能安排项目资金。")),
        YearBudget::Pending(status) => {
            Take::Refuse(format!("{budget_year}年度工伤预防费预算{}，批准后才能安排项目资金。", status.label()))
        }
    }
}

/// The budget form: the two uses in 元 and a note.
#[derive(Clone, Debug, Default, Deserialize)]
pub struct BudgetForm {
    #[serde(default)]
    pub publicity: String,
    #[serde(default)]
    pub training: String,
    #[serde(default)]
    pub note: String,
    #[serde(default)]
    pub version: String,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BudgetInput {
    pub publicity: Decimal,
    pub training: Decimal,
    pub note: String,
}

impl BudgetInput {
    pub fn total(&self) -> Decimal {
        self.publicity + self.training
    }
}

/// What a budget is checked against: the cap's figures (none without the year's income) and
/// what its year's ledger already holds per category.
pub struct BudgetContext {
    pub income: Option<Decimal>,
    pub rate: Decimal,
    pub publicity_used: Decimal,
    pub training_used: Decimal,
}

impl BudgetForm {
    pub fn parse(&self, c: &BudgetContext) -> Result<BudgetInput, FieldErrors> {
        let mut errors = FieldErrors::default();
        let mut amount = |field: &'static str, raw: &str, label: &str| match Money::parse_yuan(raw) {
            Ok(m) => Some(m.yuan()),
            Err(e) => {
                errors.add_owned(field, format!("{label}：{e}"));
                None
            }
        };
        let publicity = amount("publicity", &self.publicity, "宣传");
        let training = amount("training", &self.training, "培训");
        let note = self.note.trim().to_string();
        if note.chars().count() > 2000 {
            errors.add("note", "编制说明不能超过 2000 个字符。");
        }
        if let (Some(p), Some(t)) = (publicity, training) {
            if p + t <= Decimal::ZERO {
                errors.add("training", "预算应大于 0。");
            }
            match c.income {
                None => errors.add("publicity", "请先录入上年度工伤保险基金征缴收入，预算不能超过其提取上限。"),
                Some(income) => {
                    if let Some(message) = above_cap(income, c.rate, p + t) {
                        errors.add_owned("publicity", message);
                    }
                }
            }
            let m = |d: Decimal| Money::from_yuan(d).map(Money::show_yuan).unwrap_or_default();
            if p < c.publicity_used {
                errors.add_owned("publicity", format!("宣传预算不能低于已安排和承诺的 {} 元。", m(c.publicity_used)));
            }
            if t < c.training_used {
                errors.add_owned("training", format!("培训预算不能低于已安排和承诺的 {} 元。", m(c.training_used)));
            }
        }
        match (publicity, training) {
            (Some(publicity), Some(training)) if errors.is_empty() => Ok(BudgetInput { publicity, training, note }),
            _ => Err(errors),
        }
    }
}

/// The snapshot format of a budget's frozen versions.
pub const BUDGET_SCHEMA: u32 = 1;

/// A budget as submitted (for approval or as an adjustment), frozen with the figures it was
/// weighed against: the income, rate and cap, and what the ledger already held per use.
pub fn budget_snapshot(year: i16, input: &BudgetInput, c: &BudgetContext) -> Snapshot {
    let yuan = |d: Decimal| Money::from_yuan(d).map(Money::show_yuan).unwrap_or_else(|_| d.to_string());
    let row = |key: &str, label: &str, budget: Decimal, used: Decimal| Row {
        key: key.into(),
        cells: vec![label.into(), yuan(budget), yuan(used)],
    };
    Snapshot::new(BUDGET_SCHEMA)
        .field("year", "预算年度", year)
        .field("income", "上年度征缴收入（元）", c.income.map(yuan).unwrap_or_else(|| "尚未录入".into()))
        .field("rate", "提取比例", percent(c.rate))
        .field("cap", "提取上限（元）", c.income.map(|i| yuan(cap(i, c.rate))).unwrap_or_else(|| "—".into()))
        .field("total", "预算合计（元）", yuan(input.total()))
        .field("note", "编制说明", &input.note)
        .table(
            "split",
            "预算分配",
            &["用途", "预算（元）", "已安排和承诺（元）"],
            vec![
                row(Category::Publicity.as_str(), Category::Publicity.label(), input.publicity, c.publicity_used),
                row(Category::Training.as_str(), Category::Training.label(), input.training, c.training_used),
            ],
        )
}

#[cfg(test)]
mod tests;

labelled_enum! {
    /// 拨付阶段.
    pub enum PaymentStage {
        Advance => ("advance", "预付"),
        Interim => ("interim", "中期"),
        Final => ("final", "尾款"),
    }
}

/// The payment form: the day, the amount in 元, the voucher number and the stage.
#[derive(Clone, Debug, Default, Deserialize)]
pub struct PaymentForm {
    #[serde(default)]
    pub paid_on: String,
    #[serde(default)]
    pub amount: String,
    #[serde(default)]
    pub voucher: String,
    #[serde(default)]
    pub stage: String,
    #[serde(default)]
    pub form_token: String,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PaymentInput {
    pub paid_on: chrono::NaiveDate,
    pub amount: Decimal,
    pub voucher: String,
    pub stage: PaymentStage,
}

/// What a payment is checked against: the project's status, what it holds of the budgets,
/// what was paid before, whether the final payment was made, and today.
pub struct PaymentContext {
    pub status: crate::projects::model::ProjectStatus,
    pub held: Decimal,
    pub paid: Decimal,
    pub settled: bool,
    pub today: chrono::NaiveDate,
}

impl PaymentForm {
    /// A payment never takes the total paid beyond what the project holds; advances and interim
    /// payments while it is under way (signed, not ended), the final one only after its
    /// acceptance passed, once.
    pub fn parse(&self, c: &PaymentContext) -> Result<PaymentInput, FieldErrors> {
        use crate::projects::model::ProjectStatus as S;
        let mut errors = FieldErrors::default();
        let paid_on = chrono::NaiveDate::parse_from_str(self.paid_on.trim(), "%Y-%m-%d").ok();
        match paid_on {
            None => errors.add("paid_on", "请填写拨付日期（如 2026-12-01）。"),
            Some(d) if d > c.today => errors.add("paid_on", "拨付日期不能晚于今天。"),
            _ => {}
        }
        let voucher = self.voucher.trim().to_string();
        if voucher.is_empty() || voucher.chars().count() > 50 {
            errors.add("voucher", "请填写凭证号，不超过 50 个字符。");
        }
        let stage = PaymentStage::parse(self.stage.trim());
        match stage {
            None => errors.add("stage", "请选择拨付阶段：预付、中期或尾款。"),
            Some(_) if c.settled => errors.add("stage", "项目已结算，不能再拨付。"),
            Some(PaymentStage::Final) if c.status != S::Accepted => {
                errors.add_owned("stage", format!("项目{}，验收通过后才能拨付尾款。", c.status.label()))
            }
            Some(PaymentStage::Advance | PaymentStage::Interim)
                if !matches!(
                    c.status,
                    S::InProgress | S::AwaitingAcceptance | S::Rectifying | S::AwaitingReacceptance | S::Accepted
                ) =>
            {
                errors.add_owned("stage", format!("项目{}，不能拨付。", c.status.label()))
            }
            _ => {}
        }
        let m = |d: Decimal| Money::from_yuan(d).map(Money::show_yuan).unwrap_or_default();
        let amount = match Money::parse_yuan(&self.amount) {
            Ok(a) if a.yuan() <= Decimal::ZERO => {
                errors.add("amount", "拨付金额应大于 0。");
                None
            }
            Ok(a) if c.paid + a.yuan() > c.held => {
                errors.add_owned(
                    "amount",
                    format!(
                        "已拨付 {} 元，本次 {} 元，合计将超过安排的 {} 元（最多还可拨付 {} 元）。",
                        m(c.paid),
                        m(a.yuan()),
                        m(c.held),
                        m(c.held - c.paid)
                    ),
                );
                None
            }
            Ok(a) => Some(a.yuan()),
            Err(e) => {
                errors.add_owned("amount", e.to_string());
                None
            }
        };
        match (paid_on, amount, stage) {
            (Some(paid_on), Some(amount), Some(stage)) if errors.is_empty() => {
                Ok(PaymentInput { paid_on, amount, voucher, stage })
            }
            _ => Err(errors),
        }
    }
}

/// What of each holding (budget year, project year, category, held; earliest first) goes back
/// to its budget when `paid` in all was paid: payments cover the earliest holdings first.
pub fn unpaid(holdings: &[(i16, i16, Category, Decimal)], paid: Decimal) -> Vec<(i16, i16, Category, Decimal)> {
    let mut left = paid;
    let mut out = Vec::new();
    for (budget_year, project_year, category, held) in holdings {
        if *held <= Decimal::ZERO {
            continue;
        }
        let covered = left.min(*held);
        left -= covered;
        if *held > covered {
            out.push((*budget_year, *project_year, *category, *held - covered));
        }
    }
    out
}

/// A budget year's execution figures, as the tables show them (元; rate in percent).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Figures {
    pub cap: Option<Decimal>,
    /// The approved budget (none until approved).
    pub budget: Option<Decimal>,
    pub taken: Decimal,
    pub remaining: Option<Decimal>,
    /// Paid ÷ budget, in percent with one decimal (rounded half up).
    pub execution: Option<Decimal>,
}

/// The figures of a budget year from its income, rate, approved budget, ledger and payments.
pub fn figures(income: Option<Decimal>, rate: Decimal, budget: Option<Decimal>, used: Used, paid: Decimal) -> Figures {
    let taken = used.taken();
    Figures {
        cap: income.map(|i| cap(i, rate)),
        budget,
        taken,
        remaining: budget.map(|b| b - taken),
        execution: budget
            .filter(|b| *b > Decimal::ZERO)
            .map(|b| (paid * Decimal::from(100) / b).round_dp_with_strategy(1, RoundingStrategy::MidpointAwayFromZero)),
    }
}
