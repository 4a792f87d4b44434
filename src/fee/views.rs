//! The fee's page: a region's budget year (the income of the year before, the rate, the cap,
//! the budget and its workflow, the ledger) with the forms its officers may use.

use askama::Template;
use rust_decimal::Decimal;

use super::model::{BudgetAction, BudgetForm, BudgetStatus, Category, EntryKind, Used, cap, default_rate, percent};
use super::store::{Budget, EntryLine, Income, Rate, used_in};
use super::{IncomeForm, RateForm};
use crate::auth::Actor;
use crate::org::{Region, Role};
use crate::reference::Reference;
use crate::values::{Money, time};
use crate::web::form::{Choice, FieldErrors};
use crate::web::layout::{Chrome, Crumb, Layout};
use crate::web::once;
use crate::workflow::history::TimelineLine;
use crate::workflow::versions::Version;

/// A region's budget year as read.
pub struct Year {
    pub region: Region,
    pub year: i16,
    /// The income of the year before.
    pub income: Option<Income>,
    pub rate: Option<Rate>,
    pub budget: Option<Budget>,
    pub used: Vec<(Category, Used)>,
    pub entries: Vec<EntryLine>,
    pub timeline: Vec<TimelineLine>,
    /// The budget's frozen versions, oldest first.
    pub versions: Vec<Version>,
}

/// What a post left on the page.
#[derive(Debug, Default)]
pub struct FeeFeedback {
    pub income: Option<IncomeForm>,
    pub income_errors: FieldErrors,
    pub rate: Option<RateForm>,
    pub rate_errors: FieldErrors,
    pub budget: Option<BudgetForm>,
    pub budget_errors: FieldErrors,
    pub problem: Option<String>,
    pub comment: String,
}

fn yuan(d: Decimal) -> String {
    Money::from_yuan(d).map(Money::show_yuan).unwrap_or_else(|_| d.to_string())
}

fn wan(d: Decimal) -> String {
    Money::from_yuan(d).map(Money::show_wan).unwrap_or_else(|_| d.to_string())
}

/// One category's row of the execution table, in 万元.
pub struct CategoryRow {
    pub category: &'static str,
    pub label: &'static str,
    pub budget: String,
    pub allocated: String,
    pub committed: String,
    pub released: String,
    pub remaining: String,
}

pub struct EntryRow {
    pub project: String,
    pub project_name: String,
    pub project_year: i16,
    pub category: &'static str,
    pub kind: EntryKind,
    pub amount: String,
    pub note: String,
    pub who: String,
}

#[derive(Template)]
#[template(path = "fee/page.html")]
pub struct FeePage {
    pub layout: Layout,
    pub region: Region,
    pub year: i16,
    pub regions: Vec<Choice>,
    pub province: bool,
    pub income: Option<Income>,
    pub income_text: String,
    pub rate_text: String,
    pub rate: Option<Rate>,
    pub cap_text: String,
    pub budget: Option<Budget>,
    pub status: Option<BudgetStatus>,
    pub total_text: String,
    pub publicity_text: String,
    pub training_text: String,
    /// The budget is approved: saving new amounts submits them as an adjustment.
    pub adjusting: bool,
    pub rows: Vec<CategoryRow>,
    pub entries: Vec<EntryRow>,
    pub timeline: Vec<TimelineLine>,
    /// (number, who, when) of each frozen version.
    pub versions: Vec<(i32, String, String)>,
    pub may_income: bool,
    pub may_rate: bool,
    pub may_budget: bool,
    pub actions: Vec<(BudgetAction, bool)>,
    pub income_form: IncomeForm,
    pub income_errors: FieldErrors,
    pub rate_form: RateForm,
    pub rate_errors: FieldErrors,
    pub budget_form: BudgetForm,
    pub budget_errors: FieldErrors,
    pub problem: Option<String>,
    pub comment: String,
    pub form_token: String,
}

impl FeePage {
    pub fn new(chrome: &Chrome, actor: &Actor, reference: &Reference, y: Year, f: FeeFeedback) -> FeePage {
        let rate = y.rate.as_ref().map_or_else(default_rate, |r| r.rate);
        let keeps = crate::project_rounds::model::may_keep(actor, &y.region);
        let status = y.budget.as_ref().map(|b| b.status);
        let rows = Category::ALL
            .iter()
            .map(|c| {
                let used = used_in(&y.used, *c);
                let budget = y.budget.as_ref().filter(|b| b.status == BudgetStatus::Approved).map(|b| b.amount(*c));
                CategoryRow {
                    category: c.as_str(),
                    label: c.label(),
                    budget: budget.map(wan).unwrap_or_else(|| "—".into()),
                    allocated: wan(used.allocated),
                    committed: wan(used.committed),
                    released: wan(used.released),
                    remaining: budget.map(|b| wan(b - used.taken())).unwrap_or_else(|| "—".into()),
                }
            })
            .collect();
        let actions = BudgetAction::ALL
            .iter()
            .filter(|a| {
                super::model::BUDGET_TRANSITIONS.iter().any(|t| {
                    t.action == **a && status.is_some_and(|s| t.from.contains(&s)) && t.roles.contains(&actor.role)
                })
            })
            .filter(|a| actor.role == Role::ProvinceOfficer || keeps || !matches!(a, BudgetAction::Submit))
            .filter(|a| keeps || !matches!(a, BudgetAction::Submit | BudgetAction::Adjust))
            // An adjustment is submitted with its amounts, from the budget's form.
            .filter(|a| **a != BudgetAction::Adjust)
            .map(|a| (*a, super::model::BUDGET_TRANSITIONS.iter().any(|t| t.action == *a && t.comment_required)))
            .collect();
        let code = y.region.code.clone();
        let year_text = y.year.to_string();
        let income_form = f.income.unwrap_or_else(|| IncomeForm {
            region: code.clone(),
            year: year_text.clone(),
            amount: y.income.as_ref().map(|i| i.amount.to_string()).unwrap_or_default(),
            evidence: y.income.as_ref().map(|i| i.evidence.clone()).unwrap_or_default(),
            version: y.income.as_ref().map_or(0, |i| i.version).to_string(),
        });
        let rate_form = f.rate.unwrap_or_else(|| RateForm {
            region: code.clone(),
            year: year_text.clone(),
            approvers: "省人力资源社会保障厅、省财政厅".into(),
            ..RateForm::default()
        });
        let budget_form = f.budget.unwrap_or_else(|| BudgetForm {
            publicity: y.budget.as_ref().map(|b| b.publicity.to_string()).unwrap_or_default(),
            training: y.budget.as_ref().map(|b| b.training.to_string()).unwrap_or_default(),
            note: y.budget.as_ref().map(|b| b.note.clone()).unwrap_or_default(),
            version: y.budget.as_ref().map_or(0, |b| b.version).to_string(),
        });
        let title = format!("{}{}年度工伤预防费", y.region.name, y.year);
        FeePage {
            layout: chrome.layout(title, vec![Crumb::here("工伤预防费")]),
            regions: reference.regions.iter().map(|r| Choice::new(r.code.clone(), r.name.clone())).collect(),
            province: actor.role == Role::ProvinceOfficer,
            income_text: y
                .income
                .as_ref()
                .map(|i| format!("{} 元（{} 万元）", yuan(i.amount), wan(i.amount)))
                .unwrap_or_else(|| "尚未录入".into()),
            rate_text: match &y.rate {
                Some(r) => format!(
                    "{}（{}，{}，{}批准）",
                    percent(r.rate),
                    r.document_number,
                    crate::web::print::official_date(r.document_date),
                    r.approvers
                ),
                None => percent(default_rate()),
            },
            cap_text: y
                .income
                .as_ref()
                .map(|i| {
                    let c = cap(i.amount, rate);
                    format!("{} 元（{} 万元）", yuan(c), wan(c))
                })
                .unwrap_or_else(|| "录入上年度征缴收入后计算".into()),
            total_text: y.budget.as_ref().map(|b| format!("{} 万元", wan(b.total()))).unwrap_or_default(),
            publicity_text: y.budget.as_ref().map(|b| yuan(b.publicity)).unwrap_or_default(),
            training_text: y.budget.as_ref().map(|b| yuan(b.training)).unwrap_or_default(),
            adjusting: status == Some(BudgetStatus::Approved),
            status,
            rows,
            entries: y
                .entries
                .into_iter()
                .map(|e| EntryRow {
                    project: e.project.to_string(),
                    project_name: e.project_name,
                    project_year: e.project_year,
                    category: e.category.label(),
                    kind: e.kind,
                    amount: yuan(e.amount),
                    note: e.note,
                    who: format!("{} {}", e.created_by_name, time::minutes(&e.created_at)),
                })
                .collect(),
            timeline: y.timeline,
            versions: y
                .versions
                .iter()
                .map(|v| (v.version_no, v.account_name.clone(), time::minutes(&v.frozen_at)))
                .collect(),
            may_income: super::may_enter_income(actor, &y.region),
            may_rate: actor.role == Role::ProvinceOfficer,
            may_budget: keeps && status.is_none_or(BudgetStatus::is_editable),
            actions,
            income_form,
            income_errors: f.income_errors,
            rate_form,
            rate_errors: f.rate_errors,
            budget_form,
            budget_errors: f.budget_errors,
            problem: f.problem,
            comment: f.comment,
            form_token: once::new_token(),
            income: y.income,
            rate: y.rate,
            budget: y.budget,
            region: y.region,
            year: y.year,
        }
    }
}
