//! Rate tables (行业费率表) and rule sets (浮动规则) of the floating rates: per region the eight
//! classes' base rates and grades from an effective date, every table kept with its document;
//! and the rows mapping each factor to a move of grades, the province's default set or a
//! region's own. Province officers keep both; city and agency officers read their region's and
//! the default set.

pub mod model;
pub mod store;
pub mod views;

use axum::Router;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use axum::routing::{get, post};
use axum_extra::extract::Form;
use serde::Deserialize;

use self::model::{RuleForm, RuleRecord, TableForm};
use self::store::Saved;
use self::views::{
    NewTablePage, RegionLine, RegionPage, RuleEditPage, RulesPage, RulesShown, TableView, TablesPage, band_words,
    rules_crumb, set_choices, set_query,
};
use super::model::{Factor, RuleId, may_keep_rules};
use super::store as engine;
use crate::audit::AuditContext;
use crate::auth::Actor;
use crate::db::{self, Scope};
use crate::error::AppError;
use crate::org::Region;
use crate::reference::{Ref, Reference};
use crate::state::AppState;
use crate::values::time;
use crate::web::confirm::ConfirmPage;
use crate::web::flash::{self, Flash};
use crate::web::form::FieldErrors;
use crate::web::layout::Chrome;
use crate::web::once::{self, Claim, FormToken};
use crate::web::render;
use crate::workflow::{By, Done};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/rates/tables", get(tables))
        .route("/rates/tables/{code}", get(region_tables))
        .route("/rates/tables/{code}/new", get(new_table).post(create_table))
        .route("/rates/rules", get(rules))
        .route("/rates/rules/new", get(new_rule).post(create_rule))
        .route("/rates/rules/copy", post(copy_default))
        .route("/rates/rules/reset", get(confirm_reset).post(reset))
        .route("/rates/rules/{id}/edit", get(edit_rule).post(save_rule))
        .route("/rates/rules/{id}/delete", get(confirm_delete).post(delete_rule))
}

/// A region the actor reads, by its code: any for the province, else their own (another
/// region's, or no such region: 404).
fn region_in_scope(actor: &Actor, reference: &Reference, code: &str) -> Result<Region, AppError> {
    let region = reference.region_by_code(code.trim()).ok_or(AppError::NotFound)?;
    match actor.db().scope {
        Scope::Province => Ok(region.clone()),
        Scope::Region(own) if own == region.id => Ok(region.clone()),
        _ => Err(AppError::NotFound),
    }
}

/// Only province officers write tables and rules (others: 403).
fn keeper(actor: &Actor) -> Result<(), AppError> {
    if may_keep_rules(actor) { Ok(()) } else { Err(AppError::Forbidden) }
}

fn by(actor: &Actor) -> By<'_> {
    By { account: actor.account_id, name: &actor.display_name }
}

// ---- Rate tables -------------------------------------------------------------------------------

/// 行业费率表: per region in scope the table in force today (or the reference classes).
async fn tables(
    State(state): State<AppState>,
    actor: Actor,
    Ref(reference): Ref,
    chrome: Chrome,
) -> Result<Response, AppError> {
    let mut tx = db::begin(&state.pool, actor.db()).await?;
    let heads = store::heads(&mut tx, None).await?;
    tx.commit().await?;
    let today = time::today();
    let lines = reference
        .regions_visible_to(actor.db().scope, actor.region.as_ref())
        .iter()
        .map(|r| {
            let own: Vec<_> = heads.iter().filter(|h| h.region == r.id).cloned().collect();
            RegionLine::of(r, &own, today)
        })
        .collect();
    render(TablesPage::new(&chrome, lines, may_keep_rules(&actor), today))
}

/// A region's tables, newest first, each with its classes.
async fn region_tables(
    State(state): State<AppState>,
    actor: Actor,
    Ref(reference): Ref,
    chrome: Chrome,
    Path(code): Path<String>,
) -> Result<Response, AppError> {
    let region = region_in_scope(&actor, &reference, &code)?;
    let mut tx = db::begin(&state.pool, actor.db()).await?;
    let heads = store::heads(&mut tx, Some(region.id)).await?;
    let classes = store::classes_of(&mut tx, region.id).await?;
    tx.commit().await?;
    let today = time::today();
    let tables =
        heads.iter().map(|h| TableView::of(h, &heads, classes.get(&h.id).map_or(&[][..], |c| &c[..]), today)).collect();
    let reference_rates: Vec<_> = reference.risk_classes.iter().map(engine::reference_rates).collect();
    render(RegionPage::new(&chrome, &region, tables, &reference_rates, may_keep_rules(&actor)))
}

/// The region a new table is for (province officers only).
fn table_region(actor: &Actor, reference: &Reference, code: &str) -> Result<Region, AppError> {
    keeper(actor)?;
    region_in_scope(actor, reference, code)
}

async fn new_table(
    State(state): State<AppState>,
    actor: Actor,
    Ref(reference): Ref,
    chrome: Chrome,
    Path(code): Path<String>,
) -> Result<Response, AppError> {
    let region = table_region(&actor, &reference, &code)?;
    let today = time::today();
    let mut tx = db::begin(&state.pool, actor.db()).await?;
    let classes = engine::class_rates(&mut tx, region.id, today, &reference.risk_classes).await?;
    let on_table = model::in_force(&store::heads(&mut tx, Some(region.id)).await?, today).is_some();
    tx.commit().await?;
    let form = TableForm { form_token: once::new_token(), ..TableForm::prefilled(&classes) };
    render(NewTablePage::new(&chrome, &region, Some(on_table), form, FieldErrors::default()))
}

const DUPLICATE_DAY: &str = "该地区已有自这一天起执行的费率表，请换一个生效日期";

async fn create_table(
    State(state): State<AppState>,
    actor: Actor,
    Ref(reference): Ref,
    chrome: Chrome,
    audit: AuditContext,
    Path(code): Path<String>,
    Form(form): Form<TableForm>,
) -> Result<Response, AppError> {
    let region = table_region(&actor, &reference, &code)?;
    let token = FormToken::parse(&form.form_token)?;
    let input = match form.parse() {
        Ok(input) => input,
        Err(errors) => return render(NewTablePage::new(&chrome, &region, None, form, errors)),
    };
    let mut tx = db::begin(&state.pool, actor.db()).await?;
    let done = match store::create_table(&mut tx, &audit, &region, &input, &by(&actor), &token).await {
        Ok(done) => done,
        Err(e) if e.is_duplicate("rate_tables_effective_key") => {
            let mut errors = FieldErrors::default();
            errors.add("effective_from", DUPLICATE_DAY);
            return render(NewTablePage::new(&chrome, &region, None, form, errors));
        }
        Err(e) => return Err(e.into()),
    };
    tx.commit().await?;
    Ok(match done {
        Done::Now(url) => flash::redirect_with(&url, Flash::RateTableSaved),
        Done::Before(url) => flash::redirect(&url),
    })
}

// ---- Rule sets ---------------------------------------------------------------------------------

/// The set a page is about: `region` names a region's (its code), empty the default set.
#[derive(Debug, Default, Deserialize)]
pub struct SetQuery {
    #[serde(default)]
    pub region: String,
    /// The factor a new row is for.
    #[serde(default)]
    pub factor: String,
}

/// The region of the set asked for (none: the default set), in the actor's scope.
fn set_region(actor: &Actor, reference: &Reference, q: &SetQuery) -> Result<Option<Region>, AppError> {
    if q.region.trim().is_empty() { Ok(None) } else { region_in_scope(actor, reference, &q.region).map(Some) }
}

fn rules_url(region: Option<&Region>) -> String {
    format!("/rates/rules{}", set_query(region))
}

/// 浮动规则: the set a region uses (its own or the default), or the default set itself.
async fn rules(
    State(state): State<AppState>,
    actor: Actor,
    Ref(reference): Ref,
    chrome: Chrome,
    Query(q): Query<SetQuery>,
) -> Result<Response, AppError> {
    let region = set_region(&actor, &reference, &q)?;
    let mut tx = db::begin(&state.pool, actor.db()).await?;
    let (mut rows, own) = match &region {
        Some(r) => store::records_in_use(&mut tx, r.id).await?,
        None => (store::records(&mut tx, None).await?, false),
    };
    tx.commit().await?;
    model::shown_order(&mut rows);
    let regions = set_choices(&reference.regions_visible_to(actor.db().scope, actor.region.as_ref()));
    let shown = RulesShown { region: region.as_ref(), own, rules: &rows, regions, may_keep: may_keep_rules(&actor) };
    render(RulesPage::new(&chrome, shown))
}

/// The region of a set the province writes (none: the default set).
fn kept_set(actor: &Actor, reference: &Reference, q: &SetQuery) -> Result<Option<Region>, AppError> {
    keeper(actor)?;
    set_region(actor, reference, q)
}

async fn new_rule(
    actor: Actor,
    Ref(reference): Ref,
    chrome: Chrome,
    Query(q): Query<SetQuery>,
) -> Result<Response, AppError> {
    let region = kept_set(&actor, &reference, &q)?;
    let form = RuleForm::for_factor(Factor::parse(q.factor.trim()));
    render(RuleEditPage::new(&chrome, region.as_ref(), None, form, FieldErrors::default()))
}

/// The overlap message beside the band's field: the value for a categorical factor, the lower
/// end for a numeric one.
fn overlap_errors(form: &RuleForm, message: String) -> FieldErrors {
    let mut errors = FieldErrors::default();
    let field = if form.factor().is_some_and(Factor::is_categorical) { "category" } else { "from_value" };
    errors.add_owned(field, message);
    errors
}

async fn create_rule(
    State(state): State<AppState>,
    actor: Actor,
    Ref(reference): Ref,
    chrome: Chrome,
    audit: AuditContext,
    Query(q): Query<SetQuery>,
    Form(form): Form<RuleForm>,
) -> Result<Response, AppError> {
    let region = kept_set(&actor, &reference, &q)?;
    let token = form.form_token.parse()?;
    let (input, _) = match form.parse() {
        Ok(parsed) => parsed,
        Err(errors) => return render(RuleEditPage::new(&chrome, region.as_ref(), None, form, errors)),
    };
    let mut tx = db::begin(&state.pool, actor.db()).await?;
    // Claimed first, so a second post of this form waits here and is sent where the first led.
    if let Claim::Used(outcome) = once::claim(&mut tx, actor.account_id, &token).await? {
        return Ok(flash::redirect(&outcome));
    }
    match store::create_rule(&mut tx, &audit, region.as_ref(), &input, &actor.display_name).await? {
        Saved::Done(_) => {}
        Saved::Overlaps(message) => {
            let errors = overlap_errors(&form, message);
            return render(RuleEditPage::new(&chrome, region.as_ref(), None, form, errors));
        }
    }
    let rules = rules_url(region.as_ref());
    once::finish(&mut tx, actor.account_id, &token, &rules).await?;
    tx.commit().await?;
    Ok(flash::redirect_with(&rules, Flash::RateRuleSaved))
}

/// A row the province writes, with the region of its set (none: the default set).
async fn kept_rule(
    state: &AppState,
    actor: &Actor,
    reference: &Reference,
    id: RuleId,
) -> Result<(RuleRecord, Option<Region>), AppError> {
    keeper(actor)?;
    let mut tx = db::begin(&state.pool, actor.db()).await?;
    let rule = store::find(&mut tx, id).await?.ok_or(AppError::NotFound)?;
    tx.commit().await?;
    let region = match rule.region {
        Some(id) => Some(reference.regions.iter().find(|r| r.id == id).cloned().ok_or(AppError::NotFound)?),
        None => None,
    };
    Ok((rule, region))
}

async fn edit_rule(
    State(state): State<AppState>,
    actor: Actor,
    Ref(reference): Ref,
    chrome: Chrome,
    Path(id): Path<RuleId>,
) -> Result<Response, AppError> {
    let (rule, region) = kept_rule(&state, &actor, &reference, id).await?;
    let form = RuleForm::of(&rule);
    render(RuleEditPage::new(&chrome, region.as_ref(), Some(&rule), form, FieldErrors::default()))
}

async fn save_rule(
    State(state): State<AppState>,
    actor: Actor,
    Ref(reference): Ref,
    chrome: Chrome,
    audit: AuditContext,
    Path(id): Path<RuleId>,
    Form(mut form): Form<RuleForm>,
) -> Result<Response, AppError> {
    let (rule, region) = kept_rule(&state, &actor, &reference, id).await?;
    // The factor of a row stays what it is, whatever the form says.
    form.factor = rule.rule.factor.as_str().to_string();
    let (input, version) = match form.parse() {
        Ok(parsed) => parsed,
        Err(errors) => return render(RuleEditPage::new(&chrome, region.as_ref(), Some(&rule), form, errors)),
    };
    let mut tx = db::begin(&state.pool, actor.db()).await?;
    match store::update_rule(&mut tx, &audit, &rule, region.as_ref(), version, &input, &actor.display_name).await? {
        Saved::Done(_) => {}
        Saved::Overlaps(message) => {
            let errors = overlap_errors(&form, message);
            return render(RuleEditPage::new(&chrome, region.as_ref(), Some(&rule), form, errors));
        }
    }
    tx.commit().await?;
    Ok(flash::redirect_with(&rules_url(region.as_ref()), Flash::RateRuleSaved))
}

async fn confirm_delete(
    State(state): State<AppState>,
    actor: Actor,
    Ref(reference): Ref,
    chrome: Chrome,
    Path(id): Path<RuleId>,
) -> Result<Response, AppError> {
    let (rule, region) = kept_rule(&state, &actor, &reference, id).await?;
    let set = region.as_ref().map_or_else(|| views::DEFAULT_SET.to_string(), |r| format!("{}规则", r.name));
    render(ConfirmPage::new(
        &chrome,
        vec![views::rates_crumb(), rules_crumb()],
        "删除浮动规则",
        format!("确定从{set}中删除“{}”吗？删除记录保留在审计日志中。", band_words(&rule)),
        format!("/rates/rules/{id}/delete"),
        "删除",
        rules_url(region.as_ref()),
    ))
}

async fn delete_rule(
    State(state): State<AppState>,
    actor: Actor,
    Ref(reference): Ref,
    audit: AuditContext,
    Path(id): Path<RuleId>,
) -> Result<Response, AppError> {
    let (rule, region) = kept_rule(&state, &actor, &reference, id).await?;
    let mut tx = db::begin(&state.pool, actor.db()).await?;
    store::delete_rule(&mut tx, &audit, &rule, region.as_ref()).await?;
    tx.commit().await?;
    Ok(flash::redirect_with(&rules_url(region.as_ref()), Flash::RateRuleDeleted))
}

/// The region whose own set is copied or dropped (the default set itself: 404).
fn own_set_region(actor: &Actor, reference: &Reference, q: &SetQuery) -> Result<Region, AppError> {
    kept_set(actor, reference, q)?.ok_or(AppError::NotFound)
}

async fn copy_default(
    State(state): State<AppState>,
    actor: Actor,
    Ref(reference): Ref,
    audit: AuditContext,
    Query(q): Query<SetQuery>,
) -> Result<Response, AppError> {
    let region = own_set_region(&actor, &reference, &q)?;
    let mut tx = db::begin(&state.pool, actor.db()).await?;
    store::copy_default(&mut tx, &audit, &region, &actor.display_name).await?;
    tx.commit().await?;
    Ok(flash::redirect_with(&rules_url(Some(&region)), Flash::RateRulesCopied))
}

async fn confirm_reset(
    actor: Actor,
    Ref(reference): Ref,
    chrome: Chrome,
    Query(q): Query<SetQuery>,
) -> Result<Response, AppError> {
    let region = own_set_region(&actor, &reference, &q)?;
    render(ConfirmPage::new(
        &chrome,
        vec![views::rates_crumb(), rules_crumb()],
        "恢复使用省级默认规则",
        format!("确定删除{}的全部浮动规则，恢复使用省级默认规则吗？删除记录保留在审计日志中。", region.name),
        format!("/rates/rules/reset{}", set_query(Some(&region))),
        "恢复默认规则",
        rules_url(Some(&region)),
    ))
}

async fn reset(
    State(state): State<AppState>,
    actor: Actor,
    Ref(reference): Ref,
    audit: AuditContext,
    Query(q): Query<SetQuery>,
) -> Result<Response, AppError> {
    let region = own_set_region(&actor, &reference, &q)?;
    let mut tx = db::begin(&state.pool, actor.db()).await?;
    store::reset(&mut tx, &audit, &region).await?;
    tx.commit().await?;
    Ok(flash::redirect_with(&rules_url(Some(&region)), Flash::RateRulesReset))
}
