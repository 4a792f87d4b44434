//! Accounts: who may sign in, with which role, in which region and department; and the system
//! administrator's pages (accounts, dormant accounts, the login log, online sessions), which
//! create accounts without a role, edit, disable, unlock and reset them.

pub mod commands;
pub mod model;
pub mod requests;
pub mod store;
pub mod views;

use axum::Router;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use axum::routing::{get, post};
use axum_extra::extract::Form;
use serde::Deserialize;

pub use model::{Account, NewAccount, Username};

use self::model::{AccountFilter, AccountForm, AccountQuery};
use self::views::*;
use crate::audit::export::{self, ExportJob};
use crate::audit::{self, Action, AuditContext, Event};
use crate::auth::{password, store as auth_store};
use crate::error::{AppError, WriteError};
use crate::org::{AccountId, Region};
use crate::state::AppState;
use crate::web::confirm::ConfirmPage;
use crate::web::export::{Cell, Column, Kind};
use crate::web::flash::{self, Flash};
use crate::web::form::FieldErrors;
use crate::web::layout::{Chrome, Crumb};
use crate::web::pagination::{Cursor, Keyset, Page, PageQuery, Pager, lenient_i64};
use crate::web::render;

const PAGE_SIZE: u32 = 20;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/admin/accounts", get(list))
        .route("/admin/accounts/new", get(new).post(create))
        .route("/admin/accounts/export", get(export_accounts))
        .route("/admin/accounts/{id}", get(detail))
        .route("/admin/accounts/{id}/edit", get(edit).post(save))
        .route("/admin/accounts/{id}/disable", get(confirm_disable).post(disable))
        .route("/admin/accounts/{id}/unlock", post(unlock))
        .route("/admin/accounts/{id}/reset-password", get(confirm_reset).post(reset_password))
        .route("/admin/account-requests", get(account_requests))
        .route("/admin/dormant", get(dormant))
        .route("/admin/login-log", get(login_log))
        .route("/admin/login-log/export", get(export_login_log))
        .route("/admin/sessions", get(sessions))
        .route("/admin/sessions/{handle}/end", post(end_session))
}

async fn find(state: &AppState, id: AccountId) -> Result<Account, AppError> {
    store::find(&state.pool, id).await?.ok_or(AppError::NotFound)
}

async fn regions(state: &AppState) -> Result<Vec<Region>, AppError> {
    Ok(crate::regions::store::list(&state.pool).await?)
}

/// One page of the accounts `filter` wants, as lines, with the pager.
pub async fn listing(
    state: &AppState,
    filter: &AccountFilter,
    page: Page,
    query: String,
) -> Result<(Vec<AccountLine>, Pager), AppError> {
    let total = store::count(&state.pool, filter).await?;
    let rows = store::select(&state.pool, filter, None, page.offset(), page.limit()).await?;
    Ok((rows.iter().map(AccountLine::from).collect(), Pager::new(page, total, query)))
}

async fn list(
    State(state): State<AppState>,
    chrome: Chrome,
    Query(query): Query<AccountQuery>,
) -> Result<Response, AppError> {
    let filter = AccountFilter { search: query.search(), ..Default::default() };
    let page = Page::new(query.page, PAGE_SIZE);
    let (rows, pager) = listing(&state, &filter, page, query.to_query_string()).await?;
    let layout = chrome.layout("账号管理", vec![Crumb::here("账号管理")]);
    render(AccountsPage { layout, rows, pager, search: filter.search.unwrap_or_default() })
}

#[derive(Debug, Default, Deserialize)]
struct NewQuery {
    #[serde(default)]
    request: Option<String>,
}

/// The open request a new account answers, from the form's `request` field (empty: none).
async fn open_request(state: &AppState, raw: &str) -> Result<Option<requests::Request>, AppError> {
    let raw = raw.trim();
    if raw.is_empty() {
        return Ok(None);
    }
    let id = raw.parse::<i64>().map(requests::RequestId).map_err(|_| AppError::NotFound)?;
    let request = requests::find(&state.pool, id).await?.ok_or(AppError::NotFound)?;
    if request.account_id.is_some() {
        return Err(AppError::Refused("该申请已开通账号。".into()));
    }
    Ok(Some(request))
}

/// 新建账号, empty or answering a request (its name and region filled in).
async fn new(State(state): State<AppState>, chrome: Chrome, Query(q): Query<NewQuery>) -> Result<Response, AppError> {
    let form = match open_request(&state, q.request.as_deref().unwrap_or("")).await? {
        Some(r) => AccountForm {
            display_name: r.display_name,
            region: r.region_code,
            request: r.id.to_string(),
            ..AccountForm::default()
        },
        None => AccountForm::default(),
    };
    render(AccountFormPage::new(&chrome, None, form, FieldErrors::default(), regions(&state).await?))
}

/// 账号申请: what officers asked for, open ones first.
async fn account_requests(State(state): State<AppState>, chrome: Chrome) -> Result<Response, AppError> {
    let list = requests::list(&state.pool).await?;
    render(RequestsPage::new(&chrome, list))
}

async fn create(
    State(state): State<AppState>,
    chrome: Chrome,
    audit: AuditContext,
    Form(form): Form<AccountForm>,
) -> Result<Response, AppError> {
    let (username, input) = match form.parse_new() {
        Ok(parsed) => parsed,
        Err(errors) => return render(AccountFormPage::new(&chrome, None, form, errors, regions(&state).await?)),
    };
    let one_time = password::generate_one_time_password();
    let account = NewAccount {
        username,
        display_name: input.display_name.to_string(),
        role: None,
        region_id: None,
        department: input.department,
        password_hash: password::hash(one_time.clone()).await.map_err(WriteError::from)?,
        must_change_password: true,
    };
    let region_code = input.region_code.as_ref().map(|c| c.as_str());
    let request = open_request(&state, &form.request).await?.map(|r| r.id);
    match commands::create(&state.pool, &audit, account, region_code, request).await {
        Ok((id, _)) => {
            render(OneTimePasswordPage::new(&chrome, id, input.display_name.as_str(), one_time, "账号已创建"))
        }
        Err(e) if e.is_duplicate("accounts_username_key") => {
            let mut errors = FieldErrors::default();
            errors.add("username", "该用户名已被使用");
            render(AccountFormPage::new(&chrome, None, form, errors, regions(&state).await?))
        }
        Err(WriteError::Refused(message)) => {
            let mut errors = FieldErrors::default();
            errors.add("region", message);
            render(AccountFormPage::new(&chrome, None, form, errors, regions(&state).await?))
        }
        Err(e) => Err(e.into()),
    }
}

async fn detail(
    State(state): State<AppState>,
    chrome: Chrome,
    Path(id): Path<AccountId>,
) -> Result<Response, AppError> {
    let account = find(&state, id).await?;
    let mut crumbs = account_crumbs(&account);
    crumbs.pop();
    crumbs.push(Crumb::here(account.username.clone()));
    render(AccountDetailPage {
        layout: chrome.layout(account.display_name.clone(), crumbs),
        line: AccountLine::from(&account),
    })
}

async fn edit(State(state): State<AppState>, chrome: Chrome, Path(id): Path<AccountId>) -> Result<Response, AppError> {
    let account = find(&state, id).await?;
    let form = AccountForm::from(&account);
    render(AccountFormPage::new(&chrome, Some(&account), form, FieldErrors::default(), regions(&state).await?))
}

async fn save(
    State(state): State<AppState>,
    chrome: Chrome,
    audit: AuditContext,
    Path(id): Path<AccountId>,
    Form(form): Form<AccountForm>,
) -> Result<Response, AppError> {
    let account = find(&state, id).await?;
    let (input, version) = match form.parse_edit() {
        Ok(parsed) => parsed,
        Err(errors) => {
            return render(AccountFormPage::new(&chrome, Some(&account), form, errors, regions(&state).await?));
        }
    };
    let region_code = input.region_code.as_ref().map(|c| c.as_str());
    let saved = commands::update_profile(
        &state.pool,
        &audit,
        &account,
        version.0,
        input.display_name.as_str(),
        region_code,
        input.department,
    )
    .await;
    match saved {
        Ok(()) => Ok(flash::redirect_with(&format!("/admin/accounts/{id}"), Flash::AccountSaved)),
        // The region or department a rule refused: the message goes beside the region.
        Err(WriteError::Refused(message)) => {
            let mut errors = FieldErrors::default();
            errors.add("region", message);
            render(AccountFormPage::new(&chrome, Some(&account), form, errors, regions(&state).await?))
        }
        Err(e) => Err(e.into()),
    }
}

async fn confirm_disable(
    State(state): State<AppState>,
    chrome: Chrome,
    Path(id): Path<AccountId>,
) -> Result<Response, AppError> {
    let account = find(&state, id).await?;
    render(ConfirmPage::new(
        &chrome,
        account_crumbs(&account),
        "停用账号",
        format!("停用后，{}（{}）将无法登录，其所有会话立即结束。确定停用吗？", account.display_name, account.username),
        format!("/admin/accounts/{id}/disable"),
        "确定停用",
        format!("/admin/accounts/{id}"),
    ))
}

async fn disable(
    State(state): State<AppState>,
    audit: AuditContext,
    Path(id): Path<AccountId>,
) -> Result<Response, AppError> {
    let account = find(&state, id).await?;
    if !account.disabled {
        commands::disable(&state.pool, &audit, &account.username).await?;
    }
    Ok(flash::redirect_with(&format!("/admin/accounts/{id}"), Flash::AccountDisabled))
}

async fn unlock(
    State(state): State<AppState>,
    audit: AuditContext,
    Path(id): Path<AccountId>,
) -> Result<Response, AppError> {
    let account = find(&state, id).await?;
    commands::unlock(&state.pool, &audit, &account.username).await?;
    Ok(flash::redirect_with(&format!("/admin/accounts/{id}"), Flash::AccountUnlocked))
}

async fn confirm_reset(
    State(state): State<AppState>,
    chrome: Chrome,
    Path(id): Path<AccountId>,
) -> Result<Response, AppError> {
    let account = find(&state, id).await?;
    render(ConfirmPage::new(
        &chrome,
        account_crumbs(&account),
        "重置密码",
        format!(
            "将为{}（{}）生成新的一次性密码，原密码失效，其所有会话立即结束。确定重置吗？",
            account.display_name, account.username
        ),
        format!("/admin/accounts/{id}/reset-password"),
        "确定重置",
        format!("/admin/accounts/{id}"),
    ))
}

async fn reset_password(
    State(state): State<AppState>,
    chrome: Chrome,
    audit: AuditContext,
    Path(id): Path<AccountId>,
) -> Result<Response, AppError> {
    let account = find(&state, id).await?;
    let policy = auth_store::load_policy(&state.pool, &state.settings).await?;
    let one_time = commands::reset_password(&state.pool, &audit, &account.username, policy.password_history).await?;
    // Shown on this answer only; the database keeps only its hash.
    render(OneTimePasswordPage::new(&chrome, account.id, &account.display_name, one_time, "密码已重置"))
}

async fn dormant(
    State(state): State<AppState>,
    chrome: Chrome,
    Query(query): Query<PageQuery>,
) -> Result<Response, AppError> {
    let filter = AccountFilter { dormant: true, ..Default::default() };
    let (rows, pager) = listing(&state, &filter, Page::new(query.page, PAGE_SIZE), String::new()).await?;
    render(DormantPage { layout: chrome.layout("休眠账号", vec![Crumb::here("休眠账号")]), rows, pager })
}

#[derive(Deserialize)]
struct LogQuery {
    #[serde(default, deserialize_with = "lenient_i64")]
    before: Option<i64>,
    #[serde(default, deserialize_with = "lenient_i64")]
    after: Option<i64>,
}

/// The login log, newest first, in keyset pages (it grows without end).
async fn login_log(
    State(state): State<AppState>,
    chrome: Chrome,
    Query(query): Query<LogQuery>,
) -> Result<Response, AppError> {
    let cursor = Cursor::from_query(query.before, query.after);
    let rows = audit::store::login_events(&state.pool, cursor, LOG_PAGE_SIZE).await?;
    let (rows, keyset) = Keyset::page(cursor, rows, LOG_PAGE_SIZE, |r| r.id, "");
    render(LoginLogPage {
        layout: chrome.layout("登录日志", vec![Crumb::here("登录日志")]),
        rows: rows.into_iter().map(LoginLogLine::from).collect(),
        keyset,
    })
}

/// Lines of the login log a page shows.
const LOG_PAGE_SIZE: u32 = 50;

async fn sessions(
    State(state): State<AppState>,
    chrome: Chrome,
    Query(query): Query<PageQuery>,
) -> Result<Response, AppError> {
    let policy = auth_store::load_policy(&state.pool, &state.settings).await?;
    let page = Page::new(query.page, 50);
    let (rows, total) = auth_store::online_sessions(&state.pool, policy.session_idle_timeout_secs, page).await?;
    render(SessionsPage {
        layout: chrome.layout("在线会话", vec![Crumb::here("在线会话")]),
        rows: rows.into_iter().map(SessionLine::from).collect(),
        pager: Pager::new(page, total, String::new()),
    })
}

async fn end_session(
    State(state): State<AppState>,
    audit: AuditContext,
    Path(handle): Path<String>,
) -> Result<Response, AppError> {
    let mut tx = state.pool.begin().await?;
    let account = auth_store::end_session_by_handle(&mut tx, &handle).await?.ok_or(AppError::NotFound)?;
    let event = Event::new(Action::SessionEnd).object("account", account).detail("管理员强制下线");
    audit::record(&mut tx, &audit, event).await?;
    tx.commit().await?;
    Ok(flash::redirect_with("/admin/sessions", Flash::SessionEndedByAdmin))
}

const ACCOUNT_COLUMNS: &[Column] = &[
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

async fn export_accounts(
    State(state): State<AppState>,
    audit: AuditContext,
    Query(query): Query<AccountQuery>,
) -> Result<Response, AppError> {
    let filter = AccountFilter { search: query.search(), ..Default::default() };
    let job = ExportJob {
        title: "账号列表",
        filters: vec![("用户名或姓名", filter.search.clone().unwrap_or_else(|| "全部".to_string()))],
        columns: ACCOUNT_COLUMNS,
        action: Action::ExportAccounts,
        described: query.to_query_string(),
        unmasked: false,
    };
    let pool = state.pool.clone();
    export::export_pages(
        &state.pool,
        &audit,
        job,
        |after| {
            let (pool, filter) = (pool.clone(), filter.clone());
            async move { store::select(&pool, &filter, after, 0, export::BATCH).await }
        },
        |a: &Account| a.id,
        |a| {
            let line = AccountLine::from(&a);
            vec![
                line.username.into(),
                line.display_name.into(),
                line.role.into(),
                line.region.into(),
                line.department.into(),
                line.status.into(),
                line.totp.into(),
                a.last_login_at.map(Cell::DateTime).unwrap_or(Cell::Empty),
                Cell::DateTime(a.created_at),
            ]
        },
    )
    .await
}

const LOGIN_LOG_COLUMNS: &[Column] = &[
    Column::new("时间", Kind::DateTime, 20.0),
    Column::new("用户名", Kind::Text, 18.0),
    Column::new("事件", Kind::Text, 10.0),
    Column::new("结果", Kind::Text, 6.0),
    Column::new("原因", Kind::Text, 24.0),
    Column::new("来源地址", Kind::Text, 16.0),
];

async fn export_login_log(State(state): State<AppState>, audit: AuditContext) -> Result<Response, AppError> {
    let job = ExportJob {
        title: "登录日志",
        filters: vec![("范围", "全部登录记录".to_string())],
        columns: LOGIN_LOG_COLUMNS,
        action: Action::ExportLoginLog,
        described: String::new(),
        unmasked: false,
    };
    let pool = state.pool.clone();
    export::export_pages(
        &state.pool,
        &audit,
        job,
        |below| {
            let pool = pool.clone();
            async move { audit::store::login_events_batch(&pool, below, export::BATCH).await }
        },
        |e: &audit::store::LoginEvent| e.id,
        |e| {
            let at = e.occurred_at;
            let line = LoginLogLine::from(e);
            vec![
                Cell::DateTime(at),
                line.username.into(),
                line.event.into(),
                if line.success { "成功" } else { "失败" }.into(),
                line.detail.into(),
                line.client_addr.into(),
            ]
        },
    )
    .await
}
