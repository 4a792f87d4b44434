//! The prevention fee (工伤预防费): each region's premium income of the prior year with its
//! evidence, the rate (3%, or higher with the province's approving document), the cap of a
//! budget year, the budget split into publicity and training through the shared workflow, and
//! the ledger of what project decisions take from it: allocations, commitments on later years,
//! releases when a project gives its money back. A decision calls [`check_approval`] in the
//! transaction that approves; a reversal, a returned filing or a termination calls [`release`].
//! The rules are in `model.rs`, the SQL in `store.rs`, the page in `views.rs`.

pub mod model;
pub mod overview;
pub mod payments;
pub mod records;
pub mod store;
pub mod views;

use axum::Router;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum_extra::extract::Form;
use chrono::Datelike;
use rust_decimal::Decimal;
use serde::Deserialize;
use sqlx::PgConnection;

use self::model::{
    BUDGET_TRANSITIONS, BudgetAction, BudgetContext, BudgetForm, BudgetStatus, Category, EntryKind, Take, YearBudget,
};
use self::store::{BUDGET, NewEntry, used_in};
use self::views::{FeeFeedback, FeePage, Year};
use crate::audit::{Action, AuditContext};
use crate::auth::Actor;
use crate::db::{self, Scope};
use crate::error::AppError;
use crate::org::{Region, Role};
use crate::projects::model::Project;
use crate::reference::{Ref, Reference};
use crate::state::AppState;
use crate::values::{Money, Version, time};
use crate::web::flash::{self, Flash};
use crate::web::form::FieldErrors;
use crate::web::layout::{Chrome, Crumb};
use crate::web::once::{self, Claim, FormToken};
use crate::web::pagination::lenient_u32;
use crate::web::render;
use crate::workflow::compare::ComparePage;
use crate::workflow::step::{self, Taken};
use crate::workflow::{self, By, Done, history, versions};

/// Takes each approved year's amount of `project` from its budget year, in the category of the
/// project's type, with the budget rows locked: an allocation from an approved budget with
/// enough left, a commitment on a later year whose budget is not approved yet, or the reason
/// (with the figures) why not. Called by the decision after its step is decided, in its
/// transaction: a refusal rolls back whatever an earlier year took.
pub async fn check_approval(
    tx: &mut PgConnection,
    project: &Project,
    years: &[(i16, Decimal)],
    by: &By<'_>,
) -> Result<Result<(), String>, sqlx::Error> {
    let Some(project_type) = project.project_type else {
        return Ok(Err("项目类型未填写，不能确定工伤预防费的使用类别。".into()));
    };
    let category = Category::of(project_type);
    let region = project.region.id;
    let decided_year = i16::try_from(time::today().year()).unwrap_or(i16::MAX);
    // Earlier budget years first, always in the same order: two decisions never wait on each other.
    let mut years: Vec<(i16, Decimal)> = years.iter().copied().filter(|(_, a)| *a > Decimal::ZERO).collect();
    years.sort_by_key(|(y, _)| *y);
    for (project_year, amount) in years {
        let budget_year = project.year + project_year - 1;
        let budget = store::budget_of(tx, region, budget_year, true).await?;
        let used = used_in(&store::used_of(tx, region, budget_year).await?, category);
        let year_budget = match &budget {
            None => YearBudget::None,
            Some(b) if b.status == BudgetStatus::Approved => YearBudget::Approved(b.amount(category)),
            Some(b) => YearBudget::Pending(b.status),
        };
        let kind = match model::take(budget_year, decided_year, category, amount, year_budget, used) {
            Take::Allocate => EntryKind::Allocation,
            Take::Commit => EntryKind::Commitment,
            Take::Refuse(message) => return Ok(Err(message)),
        };
        let note = format!("第 {project_year} 年度核定");
        let entry = NewEntry { project: project.id, budget_year, project_year, category, kind, amount, note: &note };
        store::record_entry(tx, region, &entry, by).await?;
    }
    Ok(Ok(()))
}

/// Gives back what `project` holds of every budget year and was not paid (payments covering
/// the earliest years first), as release entries noting `why`: its approval reversed in
/// publicity, its filing returned, the project terminated or settled below its allocation.
pub async fn release(tx: &mut PgConnection, project: &Project, why: &str, by: &By<'_>) -> Result<(), sqlx::Error> {
    let holdings = store::held_by(tx, project.region.id, project.id).await?;
    let paid: Decimal = store::payments_of(tx, project.region.id, project.id).await?.iter().map(|p| p.amount).sum();
    for (budget_year, project_year, category, amount) in model::unpaid(&holdings, paid) {
        let entry = NewEntry {
            project: project.id,
            budget_year,
            project_year,
            category,
            kind: EntryKind::Release,
            amount,
            note: why,
        };
        store::record_entry(tx, project.region.id, &entry, by).await?;
    }
    Ok(())
}

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/fee", get(show))
        .route("/fee/income", post(save_income))
        .route("/fee/rate", post(save_rate))
        .route("/fee/budget", post(save_budget))
        .route("/fee/budget/transition", post(transition))
        .route("/fee/budgets/{id}", get(budget_page))
        .route("/fee/budgets/{id}/compare", get(compare))
        .merge(payments::routes())
        .merge(overview::routes())
        .merge(records::routes())
}

#[derive(Debug, Default, Deserialize)]
pub struct FeeQuery {
    #[serde(default)]
    pub region: Option<String>,
    #[serde(default)]
    pub year: Option<String>,
}

/// The region a page is about: the province's choice (its own by default), else the actor's own.
fn region_of(actor: &Actor, reference: &Reference, asked: Option<&str>) -> Result<Region, AppError> {
    let own = actor.region.clone().ok_or(AppError::Forbidden)?;
    match actor.db().scope {
        Scope::Province => match asked.map(str::trim).filter(|c| !c.is_empty()) {
            Some(code) => reference.region_by_code(code).cloned().ok_or(AppError::NotFound),
            None => Ok(own),
        },
        _ => Ok(own),
    }
}

/// The budget year asked for (this year by default; 2000–2100).
fn year_of(asked: Option<&str>) -> i16 {
    let this = i16::try_from(time::today().year()).unwrap_or(2026);
    asked.and_then(|y| y.trim().parse::<i16>().ok()).filter(|y| (2000..=2100).contains(y)).unwrap_or(this)
}

/// Everything the page shows for `region`'s budget year `year`, read in the actor's scope.
async fn read(tx: &mut PgConnection, region: Region, year: i16) -> Result<Year, AppError> {
    let income = store::income_of(tx, region.id, year - 1).await?;
    let rate = store::rate_of(tx, region.id, year).await?;
    let budget = store::budget_of(tx, region.id, year, false).await?;
    let used = store::used_of(tx, region.id, year).await?;
    let entries = store::entries_of(tx, region.id, year).await?;
    let timeline = match &budget {
        Some(b) => {
            let owner = crate::attachments::Owner { kind: BUDGET, id: b.id, region: region.id };
            let trail = crate::trail::load(tx, &owner).await?;
            history::timeline::<BudgetStatus, BudgetAction>(&trail.history)
        }
        None => Vec::new(),
    };
    let versions = match &budget {
        Some(b) => versions::list(tx, BUDGET, b.id).await?,
        None => Vec::new(),
    };
    Ok(Year { region, year, income, rate, budget, used, entries, timeline, versions })
}

async fn load(state: &AppState, actor: &Actor, region: Region, year: i16) -> Result<Year, AppError> {
    let mut tx = db::begin(&state.pool, actor.db()).await?;
    let loaded = read(&mut tx, region, year).await?;
    tx.commit().await?;
    Ok(loaded)
}

/// 工伤预防费.
async fn show(
    State(state): State<AppState>,
    actor: Actor,
    Ref(reference): Ref,
    chrome: Chrome,
    Query(q): Query<FeeQuery>,
) -> Result<Response, AppError> {
    let region = region_of(&actor, &reference, q.region.as_deref())?;
    let year = load(&state, &actor, region, year_of(q.year.as_deref())).await?;
    render(FeePage::new(&chrome, &actor, &reference, year, FeeFeedback::default()))
}

/// The region's own officers enter its income: city officers of a city, the agency's of theirs.
fn may_enter_income(actor: &Actor, region: &Region) -> bool {
    actor.region.as_ref().is_some_and(|r| r.id == region.id)
        && matches!(actor.role, Role::CityOfficer | Role::AgencyOfficer | Role::ProvinceOfficer)
        && (actor.role != Role::ProvinceOfficer || region.level == crate::org::RegionLevel::Province)
}

#[derive(Debug, Default, Deserialize)]
pub struct IncomeForm {
    #[serde(default)]
    pub region: String,
    #[serde(default)]
    pub year: String,
    #[serde(default)]
    pub amount: String,
    #[serde(default)]
    pub evidence: String,
    #[serde(default)]
    pub version: String,
}

/// 录入上年度征缴收入.
async fn save_income(
    State(state): State<AppState>,
    actor: Actor,
    Ref(reference): Ref,
    chrome: Chrome,
    audit: AuditContext,
    Form(form): Form<IncomeForm>,
) -> Result<Response, AppError> {
    let region = region_of(&actor, &reference, Some(&form.region))?;
    if !may_enter_income(&actor, &region) {
        return Err(AppError::Forbidden);
    }
    let year = year_of(Some(&form.year));
    let mut errors = FieldErrors::default();
    let amount = match Money::parse_yuan(&form.amount) {
        Ok(m) if m.yuan() > Decimal::ZERO => Some(m.yuan()),
        Ok(_) => {
            errors.add("amount", "征缴收入应大于 0。");
            None
        }
        Err(e) => {
            errors.add_owned("amount", e.to_string());
            None
        }
    };
    let evidence = form.evidence.trim().to_string();
    if evidence.is_empty() || evidence.chars().count() > 200 {
        errors.add("evidence", "请填写依据材料（如决算报表名称和文号），不超过 200 个字符。");
    }
    let version = Version::parse(&form.version).map_err(|e| errors.add_owned("version", e.to_string())).ok();
    let (Some(amount), Some(version), true) = (amount, version, errors.is_empty()) else {
        let loaded = load(&state, &actor, region, year).await?;
        let feedback = FeeFeedback { income: Some(form), income_errors: errors, ..FeeFeedback::default() };
        return render(FeePage::new(&chrome, &actor, &reference, loaded, feedback));
    };
    let by = By { account: actor.account_id, name: &actor.display_name };
    let mut tx = db::begin(&state.pool, actor.db()).await?;
    store::save_income(&mut tx, &audit, region.id, (year - 1, amount, &evidence), version, &by).await?;
    tx.commit().await?;
    Ok(flash::redirect_with(&format!("/fee?region={}&year={year}", region.code), Flash::FeeIncomeSaved))
}

#[derive(Debug, Default, Deserialize)]
pub struct RateForm {
    #[serde(default)]
    pub region: String,
    #[serde(default)]
    pub year: String,
    /// In percent, e.g. 3.5.
    #[serde(default)]
    pub rate: String,
    #[serde(default)]
    pub document_number: String,
    #[serde(default)]
    pub document_date: String,
    #[serde(default)]
    pub approvers: String,
}

impl RateForm {
    /// A rate above 3% (at most 20%, four decimal places of a percent at most) with its
    /// approving document: number, date (not after today) and the approving departments.
    pub fn parse(&self, today: chrono::NaiveDate) -> Result<store::Rate, FieldErrors> {
        let mut errors = FieldErrors::default();
        let rate = match self.rate.trim().trim_end_matches('%').parse::<Decimal>() {
            Ok(p) if p > Decimal::from(3) && p <= Decimal::from(20) && p.normalize().scale() <= 3 => {
                Some(p / Decimal::from(100))
            }
            _ => {
                errors.add("rate", "提高后的提取比例应大于 3%、不超过 20%，最多三位小数（如 3.5）。");
                None
            }
        };
        let text = |errors: &mut FieldErrors, field: &'static str, raw: &str, max: usize, message: &'static str| {
            let v = raw.trim().to_string();
            if v.is_empty() || v.chars().count() > max {
                errors.add(field, message);
            }
            v
        };
        let document_number = text(&mut errors, "document_number", &self.document_number, 100, "请填写批准文件文号。");
        let approvers =
            text(&mut errors, "approvers", &self.approvers, 200, "请填写批准部门（省人力资源社会保障厅、省财政厅）。");
        let document_date = chrono::NaiveDate::parse_from_str(self.document_date.trim(), "%Y-%m-%d").ok();
        match document_date {
            None => errors.add("document_date", "请填写批准文件日期（如 2026-03-01）。"),
            Some(d) if d > today => errors.add("document_date", "批准文件日期不能晚于今天。"),
            _ => {}
        }
        match (rate, document_date) {
            (Some(rate), Some(document_date)) if errors.is_empty() => {
                Ok(store::Rate { rate, document_number, document_date, approvers, recorded_by_name: String::new() })
            }
            _ => Err(errors),
        }
    }
}

/// 记录提高的提取比例 (province officers).
async fn save_rate(
    State(state): State<AppState>,
    actor: Actor,
    Ref(reference): Ref,
    chrome: Chrome,
    audit: AuditContext,
    Form(form): Form<RateForm>,
) -> Result<Response, AppError> {
    let region = region_of(&actor, &reference, Some(&form.region))?;
    let year = year_of(Some(&form.year));
    let rate = match form.parse(time::today()) {
        Ok(rate) => rate,
        Err(errors) => {
            let loaded = load(&state, &actor, region, year).await?;
            let feedback = FeeFeedback { rate: Some(form), rate_errors: errors, ..FeeFeedback::default() };
            return render(FeePage::new(&chrome, &actor, &reference, loaded, feedback));
        }
    };
    let by = By { account: actor.account_id, name: &actor.display_name };
    let mut tx = db::begin(&state.pool, actor.db()).await?;
    store::save_rate(&mut tx, &audit, region.id, year, &rate, &by).await?;
    tx.commit().await?;
    Ok(flash::redirect_with(&format!("/fee?region={}&year={year}", region.code), Flash::FeeRateSaved))
}

#[derive(Debug, Default, Deserialize)]
pub struct BudgetPost {
    #[serde(default)]
    pub region: String,
    #[serde(default)]
    pub year: String,
    #[serde(default)]
    pub publicity: String,
    #[serde(default)]
    pub training: String,
    #[serde(default)]
    pub note: String,
    #[serde(default)]
    pub version: String,
    /// Why an approved budget is adjusted (required then).
    #[serde(default)]
    pub comment: String,
    #[serde(default)]
    pub form_token: String,
}

impl BudgetPost {
    fn form(&self) -> BudgetForm {
        BudgetForm {
            publicity: self.publicity.clone(),
            training: self.training.clone(),
            note: self.note.clone(),
            version: self.version.clone(),
        }
    }
}

/// The budget's figures against the cap and the year's ledger.
fn context_of(year: &Year) -> BudgetContext {
    BudgetContext {
        income: year.income.as_ref().map(|i| i.amount),
        rate: year.rate.as_ref().map_or_else(model::default_rate, |r| r.rate),
        publicity_used: used_in(&year.used, Category::Publicity).taken(),
        training_used: used_in(&year.used, Category::Training).taken(),
    }
}

/// Freezes `budget` as it is now submitted (for approval or as an adjustment) with the figures
/// it is weighed against, so every version stays comparable with the others.
async fn freeze(
    tx: &mut PgConnection,
    budget: &store::Budget,
    input: &model::BudgetInput,
    by: &By<'_>,
) -> Result<(), sqlx::Error> {
    let (region, year) = (budget.region, budget.budget_year);
    let income = store::income_of(tx, region, year - 1).await?;
    let rate = store::rate_of(tx, region, year).await?;
    let used = store::used_of(tx, region, year).await?;
    let context = BudgetContext {
        income: income.map(|i| i.amount),
        rate: rate.map_or_else(model::default_rate, |r| r.rate),
        publicity_used: used_in(&used, Category::Publicity).taken(),
        training_used: used_in(&used, Category::Training).taken(),
    };
    let snapshot = model::budget_snapshot(year, input, &context);
    versions::freeze(tx, region, BUDGET, budget.id, &snapshot, by.account, by.name).await?;
    Ok(())
}

/// 保存预算: the region's keepers, while the budget is a draft, returned, or approved (an
/// adjustment, submitted with its amounts).
async fn save_budget(
    State(state): State<AppState>,
    actor: Actor,
    Ref(reference): Ref,
    chrome: Chrome,
    audit: AuditContext,
    Form(post): Form<BudgetPost>,
) -> Result<Response, AppError> {
    let region = region_of(&actor, &reference, Some(&post.region))?;
    if !crate::project_rounds::model::may_keep(&actor, &region) {
        return Err(AppError::Forbidden);
    }
    let year = year_of(Some(&post.year));
    let mut tx = db::begin(&state.pool, actor.db()).await?;
    let loaded = read(&mut tx, region.clone(), year).await?;
    // The row locked for the change, as decisions lock it to take from it.
    let budget = store::budget_of(&mut tx, region.id, year, true).await?;
    let refusal = match &budget {
        Some(b) if !b.status.is_editable() => Some(format!("预算{}，不能修改。", b.status.label())),
        _ => None,
    };
    let form = post.form();
    let parsed = form.parse(&context_of(&loaded));
    let version = Version::parse(&form.version);
    let (input, version) = match (refusal, parsed, version) {
        (None, Ok(input), Ok(version)) => (input, version),
        (refusal, parsed, version) => {
            tx.rollback().await?;
            let mut errors = parsed.err().unwrap_or_default();
            if let Err(e) = version {
                errors.add_owned("version", e.to_string());
            }
            let feedback =
                FeeFeedback { budget: Some(form), budget_errors: errors, problem: refusal, ..FeeFeedback::default() };
            return render(FeePage::new(&chrome, &actor, &reference, loaded, feedback));
        }
    };
    let by = By { account: actor.account_id, name: &actor.display_name };
    let url = format!("/fee?region={}&year={year}", region.code);
    match budget {
        None => {
            store::create_budget(&mut tx, &audit, region.id, year, &input, &by).await?;
        }
        // An approved budget's new amounts are an adjustment: submitted for approval with its
        // reasons in the same transaction (decisions wait for the province meanwhile).
        Some(b) if b.status == BudgetStatus::Approved => {
            let comment = post.comment.trim();
            if comment.is_empty() || comment.chars().count() > 2000 {
                tx.rollback().await?;
                let mut errors = FieldErrors::default();
                errors.add("comment", "请写明调整预算的理由（不超过 2000 个字符）。");
                let feedback = FeeFeedback { budget: Some(form), budget_errors: errors, ..FeeFeedback::default() };
                return render(FeePage::new(&chrome, &actor, &reference, loaded, feedback));
            }
            let token = FormToken::parse(&post.form_token)?;
            if let Claim::Used(url) = once::claim(&mut tx, actor.account_id, &token).await? {
                return Ok(flash::redirect(&url));
            }
            store::update_budget(&mut tx, &audit, &b, version, &input).await?;
            freeze(&mut tx, &b, &input, &by).await?;
            let to = workflow::decide(
                BUDGET_TRANSITIONS,
                b.status,
                BudgetAction::Adjust,
                actor.role,
                actor.account_id,
                comment,
                &[],
            )
            .map_err(|_| AppError::Forbidden)?;
            store::set_status(&mut tx, &b, to).await?;
            let taken = Taken {
                region: region.id,
                kind: BUDGET,
                id: b.id,
                from: b.status,
                to,
                action: BudgetAction::Adjust,
                comment,
            };
            step::record(&mut tx, &audit, &by, &token, &taken, Action::FeeBudgetTransition, url.clone()).await?;
        }
        Some(b) => store::update_budget(&mut tx, &audit, &b, version, &input).await?,
    }
    tx.commit().await?;
    Ok(flash::redirect_with(&url, Flash::FeeBudgetSaved))
}

#[derive(Debug, Default, Deserialize)]
pub struct BudgetTransitionForm {
    #[serde(default)]
    pub region: String,
    #[serde(default)]
    pub year: String,
    #[serde(default)]
    pub action: String,
    #[serde(default)]
    pub comment: String,
    #[serde(default)]
    pub form_token: String,
}

/// 提交批准, 提交调整, 批准, 退回修改: the shared workflow on the budget, its history and audit
/// with the change. Approval is refused below what the year's ledger holds.
async fn transition(
    State(state): State<AppState>,
    actor: Actor,
    Ref(reference): Ref,
    chrome: Chrome,
    audit: AuditContext,
    Form(form): Form<BudgetTransitionForm>,
) -> Result<Response, AppError> {
    let token = FormToken::parse(&form.form_token)?;
    let region = region_of(&actor, &reference, Some(&form.region))?;
    let year = year_of(Some(&form.year));
    let action = BudgetAction::parse(form.action.trim()).ok_or(AppError::Refused("未知的办理操作。".into()))?;
    let keeps = crate::project_rounds::model::may_keep(&actor, &region);
    if matches!(action, BudgetAction::Submit | BudgetAction::Adjust) && !keeps {
        return Err(AppError::Forbidden);
    }
    let mut tx = db::begin(&state.pool, actor.db()).await?;
    if let Claim::Used(url) = once::claim(&mut tx, actor.account_id, &token).await? {
        return Ok(flash::redirect(&url));
    }
    let budget = store::budget_of(&mut tx, region.id, year, true).await?.ok_or(AppError::NotFound)?;
    let owner = crate::attachments::Owner { kind: BUDGET, id: budget.id, region: region.id };
    let past = history::of(&mut tx, BUDGET, budget.id).await?;
    let comment = form.comment.trim();
    let decided = workflow::decide(
        BUDGET_TRANSITIONS,
        budget.status,
        action,
        actor.role,
        actor.account_id,
        comment,
        &history::past_steps::<BudgetAction>(&past),
    );
    let problem = match decided {
        Err(workflow::Refusal::Role) => return Err(AppError::Forbidden),
        Err(refusal) => Some(refusal.message().to_string()),
        Ok(_) if action == BudgetAction::Approve => {
            let used = store::used_of(&mut tx, region.id, year).await?;
            let held = (used_in(&used, Category::Publicity).taken(), used_in(&used, Category::Training).taken());
            model::approval_problem(budget.publicity, budget.training, held)
        }
        Ok(_) => None,
    };
    let to = match (problem, decided) {
        (None, Ok(to)) => to,
        (problem, _) => {
            tx.rollback().await?;
            let loaded = load(&state, &actor, region, year).await?;
            let feedback = FeeFeedback { problem, comment: form.comment, ..FeeFeedback::default() };
            return render(FeePage::new(&chrome, &actor, &reference, loaded, feedback));
        }
    };
    store::set_status(&mut tx, &budget, to).await?;
    let by = By { account: actor.account_id, name: &actor.display_name };
    if action == BudgetAction::Submit {
        let input =
            model::BudgetInput { publicity: budget.publicity, training: budget.training, note: budget.note.clone() };
        freeze(&mut tx, &budget, &input, &by).await?;
    }
    let taken = Taken { region: region.id, kind: BUDGET, id: owner.id, from: budget.status, to, action, comment };
    let url = format!("/fee?region={}&year={year}", region.code);
    let done = step::record(&mut tx, &audit, &by, &token, &taken, Action::FeeBudgetTransition, url).await?;
    tx.commit().await?;
    Ok(match done {
        Done::Now(url) => flash::redirect_with(&url, Flash::FeeBudgetMoved),
        Done::Before(url) => flash::redirect(&url),
    })
}

/// A budget's own address: its budget year on the fee page.
async fn budget_page(
    State(state): State<AppState>,
    actor: Actor,
    Ref(reference): Ref,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    let mut tx = db::begin(&state.pool, actor.db()).await?;
    let (region, year) = store::budget_place(&mut tx, id).await?.ok_or(AppError::NotFound)?;
    tx.commit().await?;
    let region = reference.regions.iter().find(|r| r.id == region).ok_or(AppError::NotFound)?;
    Ok(axum::response::Redirect::to(&format!("/fee?region={}&year={year}#budget", region.code)).into_response())
}

#[derive(Debug, Default, Deserialize)]
pub struct CompareQuery {
    #[serde(default, deserialize_with = "lenient_u32")]
    pub a: Option<u32>,
    #[serde(default, deserialize_with = "lenient_u32")]
    pub b: Option<u32>,
}

/// Two frozen versions of a budget side by side (by default the last two).
async fn compare(
    State(state): State<AppState>,
    actor: Actor,
    Ref(reference): Ref,
    chrome: Chrome,
    Path(id): Path<i64>,
    Query(q): Query<CompareQuery>,
) -> Result<Response, AppError> {
    let mut tx = db::begin(&state.pool, actor.db()).await?;
    let (region, year) = store::budget_place(&mut tx, id).await?.ok_or(AppError::NotFound)?;
    let (a, b) = (q.a.and_then(|v| i32::try_from(v).ok()), q.b.and_then(|v| i32::try_from(v).ok()));
    let pair = versions::pair(&mut tx, region, BUDGET, id, a, b).await?.ok_or(AppError::NotFound)?;
    tx.commit().await?;
    let region = reference.regions.iter().find(|r| r.id == region).ok_or(AppError::NotFound)?;
    let comparison = versions::compare(&pair.before, &pair.after);
    let back = format!("/fee?region={}&year={year}", region.code);
    let crumbs = vec![
        Crumb::link("工伤预防费", back),
        Crumb::link(format!("{}{year}年度预算", region.name), format!("/fee/budgets/{id}")),
    ];
    let base = format!("/fee/budgets/{id}");
    render(ComparePage::new(&chrome, crumbs, base, "返回预算", &pair.versions, (pair.a, pair.b), comparison))
}
