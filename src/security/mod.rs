//! The security administrator's pages: roles (with their region and department, within the
//! role table of DOMAIN.md) and the password, lockout, session and second-factor policy.

pub mod model;
pub mod views;

use axum::Router;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use axum::routing::get;
use axum_extra::extract::Form;
use serde::Deserialize;

use self::model::{PolicyForm, check_role_assignment, parse_policy};
use self::views::{PolicyPage, RoleFormPage, RolesPage};
use crate::accounts::model::{AccountFilter, AccountQuery};
use crate::accounts::{self, Account, commands};
use crate::audit::{self, Action, AuditContext, Event};
use crate::auth::Actor;
use crate::auth::policy::SecurityPolicy;
use crate::auth::store as auth_store;
use crate::error::AppError;
use crate::org::{AccountId, DepartmentKind, Role};
use crate::state::AppState;
use crate::web::flash::{self, Flash};
use crate::web::form::FieldErrors;
use crate::web::layout::{Chrome, Crumb};
use crate::web::pagination::Page;
use crate::web::render;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/security/roles", get(roles))
        .route("/security/roles/{id}", get(role_form).post(assign_role))
        .route("/security/policy", get(policy_form).post(save_policy))
}

async fn find(state: &AppState, id: AccountId) -> Result<Account, AppError> {
    accounts::store::find(&state.pool, id).await?.ok_or(AppError::NotFound)
}

async fn roles(
    State(state): State<AppState>,
    chrome: Chrome,
    Query(query): Query<AccountQuery>,
) -> Result<Response, AppError> {
    let filter = AccountFilter { search: query.search(), ..Default::default() };
    let (rows, pager) = accounts::listing(&state, &filter, Page::new(query.page, 20), query.to_query_string()).await?;
    let layout = chrome.layout("角色分配", vec![Crumb::here("角色分配")]);
    render(RolesPage { layout, rows, pager, search: filter.search.unwrap_or_default() })
}

/// The security administrator's assignment: a role with the region and department it comes
/// with. A field left out keeps the account's current value; an empty one means none.
#[derive(Deserialize)]
struct RoleForm {
    #[serde(default)]
    role: String,
    region: Option<String>,
    department: Option<String>,
}

async fn role_form(
    State(state): State<AppState>,
    chrome: Chrome,
    Path(id): Path<AccountId>,
) -> Result<Response, AppError> {
    let account = find(&state, id).await?;
    render(RoleFormPage::new(&chrome, &account, crate::regions::store::list(&state.pool).await?, None))
}

async fn assign_role(
    State(state): State<AppState>,
    actor: Actor,
    chrome: Chrome,
    audit: AuditContext,
    Path(id): Path<AccountId>,
    Form(form): Form<RoleForm>,
) -> Result<Response, AppError> {
    let account = find(&state, id).await?;
    let regions = crate::regions::store::list(&state.pool).await?;
    let refuse = |message: String| render(RoleFormPage::new(&chrome, &account, regions.clone(), Some(message)));
    let Some(role) = Role::parse(form.role.trim()) else {
        return refuse("请选择角色".to_string());
    };
    let region = match form.region.as_deref().map(str::trim) {
        None => account.region.clone(),
        Some("") => None,
        Some(code) => match regions.iter().find(|r| r.code == code) {
            Some(region) => Some(region.clone()),
            None => return refuse("请选择有效的地区".to_string()),
        },
    };
    let department = match form.department.as_deref().map(str::trim) {
        None => account.department,
        Some("") => None,
        Some(kind) => match DepartmentKind::parse(kind) {
            Some(kind) => Some(kind),
            None => return refuse("请选择有效的部门".to_string()),
        },
    };
    let level = region.as_ref().map(|r| r.level);
    let department = match check_role_assignment(actor.account_id, account.id, role, level, department) {
        Ok(department) => department,
        Err(refusal) => return refuse(refusal.to_string()),
    };
    let region_code = region.as_ref().map(|r| r.code.as_str());
    commands::set_role(&state.pool, &audit, &account.username, role, region_code, department).await?;
    Ok(flash::redirect_with("/security/roles", Flash::RoleAssigned))
}

async fn policy_form(State(state): State<AppState>, chrome: Chrome) -> Result<Response, AppError> {
    let (overrides, version) = auth_store::policy_overrides(&state.pool).await?;
    let effective = SecurityPolicy::from_settings(&state.settings).with(overrides);
    render(PolicyPage::new(&chrome, PolicyForm::from_policy(&effective), version, FieldErrors::default()))
}

#[derive(Deserialize)]
struct PolicySubmit {
    #[serde(flatten)]
    form: PolicyForm,
    #[serde(default)]
    version: String,
}

async fn save_policy(
    State(state): State<AppState>,
    actor: Actor,
    chrome: Chrome,
    audit: AuditContext,
    Form(submit): Form<PolicySubmit>,
) -> Result<Response, AppError> {
    let version = submit.version.trim().parse().unwrap_or(-1);
    let overrides = match parse_policy(&submit.form) {
        Ok(o) => o,
        Err(errors) => return render(PolicyPage::new(&chrome, submit.form, version, errors)),
    };
    let (before, _) = auth_store::policy_overrides(&state.pool).await?;
    let mut tx = state.pool.begin().await?;
    auth_store::save_policy(&mut tx, actor.account_id, version, &overrides).await?;
    let event = Event::new(Action::PolicyChange).object("policy", "security").change(&before, &overrides);
    audit::record(&mut tx, &audit, event).await?;
    tx.commit().await?;
    Ok(flash::redirect_with("/security/policy", Flash::PolicySaved))
}
