//! The three administrators (三员), each with their own pages and nothing else:
//! the system administrator (accounts, dormant accounts, login log, sessions), the security
//! administrator (roles, policy) and the auditor (the audit log).

pub mod model;
pub mod store;
pub mod views;

use askama::Template;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{get, post};
use axum_extra::extract::Form;
use serde::Deserialize;

use self::model::{
    AccountForm, AccountQuery, AuditQuery, PolicyForm, check_role_assignment, parse_account, parse_policy,
};
use self::store::SaveOutcome;
use self::views::*;
use crate::access::Role;
use crate::accounts::{self, AccountId, NewAccount, commands};
use crate::audit::{self, AuditContext, Event};
use crate::auth::policy::SecurityPolicy;
use crate::auth::{Actor, password, store as auth_store};
use crate::departments::DepartmentKind;
use crate::error::AppError;
use crate::regions::{self, Region};
use crate::state::AppState;
use crate::web::export::{Cell, Column, Export, Kind};
use crate::web::flash::{self, Flash};
use crate::web::form::FieldErrors;
use crate::web::layout::{Chrome, Crumb};
use crate::web::pagination::{Page, PageQuery, Pager};

const PAGE_SIZE: u32 = 20;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/admin/accounts", get(accounts_list))
        .route("/admin/accounts/new", get(new_account).post(create_account))
        .route("/admin/accounts/{id}", get(account_detail))
        .route("/admin/accounts/{id}/edit", get(edit_account).post(save_account))
        .route("/admin/accounts/{id}/disable", get(confirm_disable).post(disable_account))
        .route("/admin/accounts/{id}/unlock", post(unlock_account))
        .route("/admin/accounts/{id}/reset-password", get(confirm_reset).post(reset_password))
        .route("/admin/dormant", get(dormant))
        .route("/admin/login-log", get(login_log))
        .route("/admin/sessions", get(sessions))
        .route("/admin/sessions/{handle}/end", post(end_session))
        .route("/security/roles", get(roles_list))
        .route("/security/roles/{id}", get(role_form).post(assign_role))
        .route("/security/policy", get(policy_form).post(save_policy))
        .route("/audit", get(audit_log))
        .route("/audit/export", get(audit_export))
        .route("/audit/history", get(audit_history))
        .route("/admin/accounts/export", get(accounts_export))
        .route("/admin/login-log/export", get(login_log_export))
}

fn html(page: impl Template) -> Result<Response, AppError> {
    Ok(Html(page.render()?).into_response())
}

async fn find(state: &AppState, id: i64) -> Result<store::AccountRow, AppError> {
    store::account(&state.pool, AccountId(id)).await?.ok_or(AppError::NotFound)
}

async fn regions(state: &AppState) -> Result<Vec<Region>, AppError> {
    Ok(regions::store::list(&state.pool).await?)
}

async fn region_id(state: &AppState, code: Option<&str>, errors: &mut FieldErrors) -> Result<Option<Region>, AppError> {
    let Some(code) = code else { return Ok(None) };
    let region = regions::store::find_by_code(&state.pool, code).await?;
    if region.is_none() {
        errors.add("region", "请选择有效的地区");
    }
    Ok(region)
}

// ---- the system administrator -------------------------------------------------------------

/// One page of accounts for either administrator's list: lines, pager, the search text.
async fn account_listing(
    state: &AppState,
    query: &AccountQuery,
) -> Result<(Vec<AccountLine>, Pager, String), AppError> {
    let page = Page::new(query.page, PAGE_SIZE);
    let search = query.search();
    let (rows, total) = store::list_accounts(&state.pool, search.as_deref(), page).await?;
    let lines = rows.iter().map(AccountLine::from).collect();
    Ok((lines, Pager::new(page, total, query.to_query_string()), search.unwrap_or_default()))
}

async fn accounts_list(
    State(state): State<AppState>,
    chrome: Chrome,
    Query(query): Query<AccountQuery>,
) -> Result<Response, AppError> {
    let (rows, pager, search) = account_listing(&state, &query).await?;
    html(AccountsPage { layout: chrome.layout("账号管理", vec![Crumb::here("账号管理")]), rows, pager, search })
}

async fn new_account(State(state): State<AppState>, chrome: Chrome) -> Result<Response, AppError> {
    html(AccountFormPage::new(&chrome, None, AccountForm::default(), FieldErrors::default(), regions(&state).await?))
}

async fn create_account(
    State(state): State<AppState>,
    chrome: Chrome,
    audit: AuditContext,
    Form(form): Form<AccountForm>,
) -> Result<Response, AppError> {
    let back = |errors, regions| html(AccountFormPage::new(&chrome, None, form.clone(), errors, regions));
    let input = match parse_account(&form, true) {
        Ok(input) => input,
        Err(errors) => return back(errors, regions(&state).await?),
    };
    let mut errors = FieldErrors::default();
    region_id(&state, input.region_code.as_deref(), &mut errors).await?;
    let Some(username) = input.username.clone().filter(|_| errors.is_empty()) else {
        return back(errors, regions(&state).await?);
    };
    let one_time = password::generate_one_time_password();
    let account = NewAccount {
        username,
        display_name: input.display_name.clone(),
        role: None,
        region_id: None,
        department: input.department,
        password_hash: password::hash(one_time.clone()).await.map_err(|e| AppError::Internal(e.into()))?,
        must_change_password: true,
    };
    match commands::create(&state.pool, &audit, account, input.region_code.as_deref()).await {
        Ok((id, _)) => html(OneTimePasswordPage::new(&chrome, id, &input.display_name, one_time, "账号已创建")),
        Err(e)
            if e.downcast_ref::<accounts::store::CreateAccountError>()
                .is_some_and(|e| matches!(e, accounts::store::CreateAccountError::UsernameTaken(_))) =>
        {
            let mut errors = FieldErrors::default();
            errors.add("username", "该用户名已被使用");
            back(errors, regions(&state).await?)
        }
        Err(e) => Err(AppError::Internal(e)),
    }
}

async fn account_detail(
    State(state): State<AppState>,
    chrome: Chrome,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    let account = find(&state, id).await?;
    html(AccountDetailPage {
        layout: chrome.layout(
            account.display_name.clone(),
            vec![Crumb::link("账号管理", "/admin/accounts"), Crumb::here(account.username.clone())],
        ),
        line: AccountLine::from(&account),
        account,
    })
}

async fn edit_account(
    State(state): State<AppState>,
    chrome: Chrome,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    let account = find(&state, id).await?;
    let form = AccountForm {
        username: account.username.clone(),
        display_name: account.display_name.clone(),
        region: account.region_code.clone().unwrap_or_default(),
        department: account.department.map(|d| d.as_str().to_string()).unwrap_or_default(),
        version: account.version.to_string(),
    };
    html(AccountFormPage::new(&chrome, Some(&account), form, FieldErrors::default(), regions(&state).await?))
}

async fn save_account(
    State(state): State<AppState>,
    actor: Actor,
    chrome: Chrome,
    audit: AuditContext,
    Path(id): Path<i64>,
    Form(form): Form<AccountForm>,
) -> Result<Response, AppError> {
    let account = find(&state, id).await?;
    let mut errors = FieldErrors::default();
    let input = parse_account(&form, false);
    let region = match &input {
        Ok(input) => region_id(&state, input.region_code.as_deref(), &mut errors).await?,
        Err(_) => None,
    };
    // Region and department decide what a role-holder may see: changing them is a role
    // assignment, the security administrator's (三员), checked against the role table there.
    if let (Ok(input), Some(role)) = (&input, account.role)
        && (input.region_code != account.region_code || input.department != account.department)
    {
        errors.add_owned(
            "region",
            format!("该账号已分配角色「{}」,其地区和部门只能由安全管理员在分配角色时调整", role.label()),
        );
    }
    let input = match input {
        Ok(input) if errors.is_empty() => input,
        Ok(_) => return html(AccountFormPage::new(&chrome, Some(&account), form, errors, regions(&state).await?)),
        Err(errors) => {
            return html(AccountFormPage::new(&chrome, Some(&account), form, errors, regions(&state).await?));
        }
    };
    let outcome = store::update_account(
        &state.pool,
        &actor,
        &audit,
        account.id,
        input.version.unwrap_or_default(),
        &input.display_name,
        region.map(|r| r.id),
        input.department,
    )
    .await?;
    match outcome {
        SaveOutcome::Saved => Ok(flash::redirect_with(&format!("/admin/accounts/{id}"), Flash::AccountSaved)),
        SaveOutcome::Stale => Err(AppError::Conflict),
        SaveOutcome::Missing => Err(AppError::NotFound),
    }
}

async fn confirm_disable(
    State(state): State<AppState>,
    chrome: Chrome,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    let account = find(&state, id).await?;
    html(ConfirmPage::new(
        &chrome,
        &account,
        "停用账号",
        format!("停用后,{}({})将无法登录,其所有会话立即结束。确定停用吗?", account.display_name, account.username),
        format!("/admin/accounts/{id}/disable"),
        "确定停用",
    ))
}

async fn disable_account(
    State(state): State<AppState>,
    audit: AuditContext,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    let account = find(&state, id).await?;
    if !account.disabled {
        commands::disable(&state.pool, &audit, &account.username).await.map_err(AppError::Internal)?;
    }
    Ok(flash::redirect_with(&format!("/admin/accounts/{id}"), Flash::AccountDisabled))
}

async fn unlock_account(
    State(state): State<AppState>,
    audit: AuditContext,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    let account = find(&state, id).await?;
    commands::unlock(&state.pool, &audit, &account.username).await.map_err(AppError::Internal)?;
    Ok(flash::redirect_with(&format!("/admin/accounts/{id}"), Flash::AccountUnlocked))
}

async fn confirm_reset(
    State(state): State<AppState>,
    chrome: Chrome,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    let account = find(&state, id).await?;
    html(ConfirmPage::new(
        &chrome,
        &account,
        "重置密码",
        format!(
            "将为{}({})生成新的一次性密码,原密码失效,其所有会话立即结束。确定重置吗?",
            account.display_name, account.username
        ),
        format!("/admin/accounts/{id}/reset-password"),
        "确定重置",
    ))
}

async fn reset_password(
    State(state): State<AppState>,
    chrome: Chrome,
    audit: AuditContext,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    let account = find(&state, id).await?;
    let policy = auth_store::load_policy(&state.pool, &state.settings).await?;
    let one_time = commands::reset_password(&state.pool, &audit, &account.username, policy.password_history)
        .await
        .map_err(AppError::Internal)?;
    // Shown on this answer only; the database keeps only its hash.
    html(OneTimePasswordPage::new(&chrome, account.id, &account.display_name, one_time, "密码已重置"))
}

async fn dormant(State(state): State<AppState>, chrome: Chrome) -> Result<Response, AppError> {
    let rows = store::dormant_accounts(&state.pool).await?;
    html(DormantPage {
        layout: chrome.layout("休眠账号", vec![Crumb::here("休眠账号")]),
        rows: rows.iter().map(AccountLine::from).collect(),
    })
}

async fn login_log(
    State(state): State<AppState>,
    chrome: Chrome,
    Query(query): Query<PageQuery>,
) -> Result<Response, AppError> {
    let page = Page::new(query.page, 50);
    let (rows, total) = store::login_log(&state.pool, page).await?;
    html(LoginLogPage {
        layout: chrome.layout("登录日志", vec![Crumb::here("登录日志")]),
        rows: rows.into_iter().map(LoginLogLine::from).collect(),
        pager: Pager::new(page, total, String::new()),
    })
}

async fn sessions(State(state): State<AppState>, chrome: Chrome) -> Result<Response, AppError> {
    let policy = auth_store::load_policy(&state.pool, &state.settings).await?;
    let rows = store::online_sessions(&state.pool, policy.session_idle_timeout_secs).await?;
    html(SessionsPage {
        layout: chrome.layout("在线会话", vec![Crumb::here("在线会话")]),
        rows: rows.into_iter().map(SessionLine::from).collect(),
    })
}

async fn end_session(
    State(state): State<AppState>,
    actor: Actor,
    audit: AuditContext,
    Path(handle): Path<String>,
) -> Result<Response, AppError> {
    store::end_session(&state.pool, &actor, &audit, &handle).await?.ok_or(AppError::NotFound)?;
    Ok(flash::redirect_with("/admin/sessions", Flash::SessionEndedByAdmin))
}

/// A dated workbook for one of the administrators' lists.
fn start_export(title: &str, filters: &[(&str, String)], columns: &[Column]) -> Result<Export, AppError> {
    let today = crate::web::time::today().format("%Y%m%d");
    Ok(Export::new(title, &format!("{title}-{today}"), filters, columns, false)?)
}

/// Records the export (one audit row each) and streams the workbook.
async fn finish_export(
    state: &AppState,
    ctx: &AuditContext,
    export: Export,
    action: &'static str,
    filters: String,
) -> Result<Response, AppError> {
    let detail = if filters.is_empty() {
        format!("共 {} 行", export.rows())
    } else {
        format!("{filters} 共 {} 行", export.rows())
    };
    audit::record_alone(&state.pool, ctx, Event::new(action).detail(detail)).await?;
    Ok(export.into_response().await?)
}

const ACCOUNT_EXPORT_COLUMNS: &[Column] = &[
    Column::new("用户名", Kind::Text, 18.0),
    Column::new("姓名", Kind::Text, 12.0),
    Column::new("角色", Kind::Text, 18.0),
    Column::new("地区", Kind::Text, 10.0),
    Column::new("部门", Kind::Text, 16.0),
    Column::new("状态", Kind::Text, 12.0),
    Column::new("双因素认证", Kind::Text, 10.0),
    Column::new("最近登录", Kind::DateTime, 20.0),
    Column::new("创建时间", Kind::DateTime, 20.0),
];

async fn accounts_export(
    State(state): State<AppState>,
    audit: AuditContext,
    Query(query): Query<AccountQuery>,
) -> Result<Response, AppError> {
    let search = query.search();
    let filters = vec![("用户名或姓名", search.clone().unwrap_or_else(|| "全部".to_string()))];
    let mut export = start_export("账号列表", &filters, ACCOUNT_EXPORT_COLUMNS)?;
    let (rows, _) = store::list_accounts(&state.pool, search.as_deref(), Page::new(Some(1), u32::MAX / 2)).await?;
    for a in &rows {
        let line = AccountLine::from(a);
        export.push(vec![
            line.username.into(),
            line.display_name.into(),
            line.role.into(),
            line.region.into(),
            line.department.into(),
            line.status.into(),
            line.totp.into(),
            a.last_login_at.map(Cell::DateTime).unwrap_or(Cell::Empty),
            Cell::DateTime(a.created_at),
        ])?;
    }
    finish_export(&state, &audit, export, "export.accounts", search.map(|q| format!("q={q}")).unwrap_or_default()).await
}

async fn login_log_export(State(state): State<AppState>, audit: AuditContext) -> Result<Response, AppError> {
    let columns = [
        Column::new("时间", Kind::DateTime, 20.0),
        Column::new("用户名", Kind::Text, 18.0),
        Column::new("事件", Kind::Text, 10.0),
        Column::new("结果", Kind::Text, 6.0),
        Column::new("原因", Kind::Text, 24.0),
        Column::new("来源地址", Kind::Text, 16.0),
    ];
    let mut export = start_export("登录日志", &[("范围", "全部登录记录".to_string())], &columns)?;
    let filter = model::AuditFilter::default();
    store::audit_for_each(&state.pool, &filter, |r| {
        if !matches!(r.action.as_str(), "login.success" | "login.failure" | "account.lock" | "session.logout") {
            return Ok(());
        }
        export.push(vec![
            Cell::DateTime(r.occurred_at),
            r.username.into(),
            audit::action_label(&r.action).into(),
            if r.success { "成功" } else { "失败" }.into(),
            r.detail.into(),
            r.client_addr.into(),
        ])
    })
    .await?;
    finish_export(&state, &audit, export, "export.login_log", String::new()).await
}

// ---- the security administrator -----------------------------------------------------------

async fn roles_list(
    State(state): State<AppState>,
    chrome: Chrome,
    Query(query): Query<AccountQuery>,
) -> Result<Response, AppError> {
    let (rows, pager, search) = account_listing(&state, &query).await?;
    html(RolesPage { layout: chrome.layout("角色分配", vec![Crumb::here("角色分配")]), rows, pager, search })
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

async fn role_form(State(state): State<AppState>, chrome: Chrome, Path(id): Path<i64>) -> Result<Response, AppError> {
    let account = find(&state, id).await?;
    html(RoleFormPage::new(&chrome, &account, regions(&state).await?, None))
}

async fn assign_role(
    State(state): State<AppState>,
    actor: Actor,
    chrome: Chrome,
    audit: AuditContext,
    Path(id): Path<i64>,
    Form(form): Form<RoleForm>,
) -> Result<Response, AppError> {
    let account = find(&state, id).await?;
    let refuse = |message: String, regions| html(RoleFormPage::new(&chrome, &account, regions, Some(message)));
    let Some(role) = Role::parse(form.role.trim()) else {
        return refuse("请选择角色".to_string(), regions(&state).await?);
    };
    let region = match form.region.as_deref().map(str::trim) {
        None => account.region_code.clone(),
        Some("") => None,
        Some(code) => Some(code.to_string()),
    };
    let region = match region {
        None => None,
        Some(code) => match regions::store::find_by_code(&state.pool, &code).await? {
            Some(region) => Some(region),
            None => return refuse("请选择有效的地区".to_string(), regions(&state).await?),
        },
    };
    let department = match form.department.as_deref().map(str::trim) {
        None => account.department,
        Some("") => None,
        Some(kind) => match DepartmentKind::parse(kind) {
            Some(kind) => Some(kind),
            None => return refuse("请选择有效的部门".to_string(), regions(&state).await?),
        },
    };
    let department =
        match check_role_assignment(actor.account_id, account.id, role, region.as_ref().map(|r| r.level), department) {
            Ok(department) => department,
            Err(refusal) => return refuse(refusal.to_string(), regions(&state).await?),
        };
    let region_code = region.as_ref().map(|r| r.code.as_str());
    commands::set_role(&state.pool, &audit, &account.username, role, region_code, department)
        .await
        .map_err(AppError::Internal)?;
    Ok(flash::redirect_with("/security/roles", Flash::RoleAssigned))
}

async fn policy_form(State(state): State<AppState>, chrome: Chrome) -> Result<Response, AppError> {
    let (overrides, version) = store::policy_overrides(&state.pool).await?;
    let effective = SecurityPolicy::from_settings(&state.settings).with(overrides);
    html(PolicyPage::new(&chrome, PolicyForm::from_policy(&effective), version, FieldErrors::default()))
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
        Err(errors) => return html(PolicyPage::new(&chrome, submit.form, version, errors)),
    };
    if !store::save_policy(&state.pool, &actor, &audit, version, &overrides).await? {
        return Err(AppError::Conflict);
    }
    Ok(flash::redirect_with("/security/policy", Flash::PolicySaved))
}

// ---- the auditor ---------------------------------------------------------------------------

async fn audit_log(
    State(state): State<AppState>,
    chrome: Chrome,
    audit: AuditContext,
    Query(query): Query<AuditQuery>,
) -> Result<Response, AppError> {
    let filter = query.filter();
    let page = Page::new(query.page, 50);
    let (rows, total) = store::audit_search(&state.pool, &filter, page).await?;
    // Searching the audit log is itself audited.
    if !filter.is_empty() {
        let event = Event::new("audit.search").detail(format!("{} 共 {total} 条", filter.to_query_string()));
        audit::record_alone(&state.pool, &audit, event).await?;
    }
    html(AuditPage {
        layout: chrome.layout("审计日志", vec![Crumb::here("审计日志")]),
        rows: rows.into_iter().map(AuditLine::from).collect(),
        pager: Pager::new(page, total, filter.to_query_string()),
        export_query: filter.to_query_string(),
        regions: regions(&state).await?,
        filter,
    })
}

const AUDIT_EXPORT_COLUMNS: &[Column] = &[
    Column::new("编号", Kind::Integer, 10.0),
    Column::new("时间", Kind::DateTime, 20.0),
    Column::new("用户", Kind::Text, 16.0),
    Column::new("角色", Kind::Text, 16.0),
    Column::new("操作", Kind::Text, 16.0),
    Column::new("对象类型", Kind::Text, 12.0),
    Column::new("对象编号", Kind::Text, 12.0),
    Column::new("结果", Kind::Text, 6.0),
    Column::new("说明", Kind::Text, 30.0),
    Column::new("修改前", Kind::Text, 40.0),
    Column::new("修改后", Kind::Text, 40.0),
    Column::new("来源地址", Kind::Text, 16.0),
    Column::new("请求编号", Kind::Text, 38.0),
];

async fn audit_export(
    State(state): State<AppState>,
    audit: AuditContext,
    Query(query): Query<AuditQuery>,
) -> Result<Response, AppError> {
    let filter = query.filter();
    let mut export = start_export("审计日志", &filter.describe(), AUDIT_EXPORT_COLUMNS)?;
    store::audit_for_each(&state.pool, &filter, |r| {
        export.push(vec![
            Cell::Integer(r.id),
            Cell::DateTime(r.occurred_at),
            r.username.into(),
            r.role.as_deref().and_then(Role::parse).map(Role::label).into(),
            audit::action_label(&r.action).into(),
            r.object_type.into(),
            r.object_id.into(),
            if r.success { "成功" } else { "失败" }.into(),
            r.detail.into(),
            r.before.map(|v| v.to_string()).into(),
            r.after.map(|v| v.to_string()).into(),
            r.client_addr.into(),
            r.request_id.into(),
        ])
    })
    .await?;
    finish_export(&state, &audit, export, "export.audit_log", filter.to_query_string()).await
}

#[derive(Deserialize)]
struct HistoryQuery {
    #[serde(default)]
    object_type: String,
    #[serde(default)]
    object_id: String,
}

async fn audit_history(
    State(state): State<AppState>,
    chrome: Chrome,
    Query(q): Query<HistoryQuery>,
) -> Result<Response, AppError> {
    let (object_type, object_id) = (q.object_type.trim(), q.object_id.trim());
    if object_type.is_empty() || object_id.is_empty() || object_type.len() > 64 || object_id.len() > 64 {
        return Err(AppError::NotFound);
    }
    let rows = store::object_history(&state.pool, object_type, object_id).await?;
    let title = format!("{object_type} {object_id} 的变更历史");
    html(HistoryPage {
        layout: chrome.layout(title.clone(), vec![Crumb::link("审计日志", "/audit"), Crumb::here(title.clone())]),
        title,
        entries: rows.into_iter().map(HistoryEntry::from).collect(),
    })
}
