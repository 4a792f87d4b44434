//! The signed-in user's own account: changing the password. Reached even by an account that
//! must change its password first, or has no role yet.

use askama::Template;
use axum::extract::State;
use axum::http::header;
use axum::response::{Html, IntoResponse, Response};
use axum_extra::extract::Form;
use serde::Deserialize;

use super::login::{Client, record_failure, start_session};
use super::session::{CurrentSession, SessionAccount};
use super::{password, session, store};
use crate::audit::{self, Action, AuditContext, Event};
use crate::error::AppError;
use crate::org::AccountId;
use crate::state::AppState;
use crate::web::flash::{self, Flash};
use crate::web::form::FieldErrors;
use crate::web::layout::{Chrome, Crumb, Layout};

#[derive(Template)]
#[template(path = "auth/password.html")]
struct PasswordPage {
    layout: Layout,
    errors: FieldErrors,
    /// Why the user is here, when they must be.
    reason: Option<&'static str>,
    demo_exempt: bool,
    min_length: u32,
    history: u32,
}

impl PasswordPage {
    /// What a new password must be, beside its field.
    fn rules(&self) -> String {
        format!(
            "至少 {} 个字符，包含大写字母、小写字母、数字、其他字符中的至少三类；不能包含用户名，不能是常见密码，不能与最近 {} 次的密码相同。",
            self.min_length, self.history
        )
    }
}

#[derive(Deserialize)]
pub struct PasswordForm {
    #[serde(default)]
    current_password: String,
    #[serde(default)]
    new_password: String,
    #[serde(default)]
    confirm_password: String,
}

fn page(
    state: &AppState,
    chrome: &Chrome,
    session: &CurrentSession,
    errors: FieldErrors,
    min_length: u32,
    history: u32,
) -> Result<Response, AppError> {
    let account = session.account().ok_or(AppError::SignInRequired)?;
    let demo_exempt = state.demo && account.demo;
    let reason = if demo_exempt {
        None
    } else if account.person.role.is_none() {
        Some("您的账号尚未分配角色。请联系安全管理员分配角色；在此之前只能修改密码。")
    } else if account.must_change_password {
        Some("首次登录、密码被重置或密码已过期：请先设置新密码，然后才能使用其他功能。")
    } else {
        None
    };
    let page = PasswordPage {
        layout: chrome.layout("修改密码", vec![Crumb::here("修改密码")]),
        errors,
        reason,
        demo_exempt,
        min_length,
        history,
    };
    Ok(Html(page.render()?).into_response())
}

pub async fn show(
    State(state): State<AppState>,
    chrome: Chrome,
    session: CurrentSession,
) -> Result<Response, AppError> {
    let policy = store::load_policy(&state.pool, &state.settings).await?;
    page(&state, &chrome, &session, FieldErrors::default(), policy.password_min_length, policy.password_history)
}

pub async fn change(
    State(state): State<AppState>,
    chrome: Chrome,
    session: CurrentSession,
    client: Client,
    audit: AuditContext,
    Form(form): Form<PasswordForm>,
) -> Result<Response, AppError> {
    let account = session.account().ok_or(AppError::SignInRequired)?.clone();
    let policy = store::load_policy(&state.pool, &state.settings).await?;
    let back = |errors| page(&state, &chrome, &session, errors, policy.password_min_length, policy.password_history);

    let mut errors = FieldErrors::default();
    match check_current_password(&state, &audit, &account, form.current_password).await? {
        CurrentPassword::Right => {}
        CurrentPassword::Wrong => errors.add("current_password", "当前密码不正确"),
        CurrentPassword::Locked => return sign_out_everywhere(&state, account.person.id).await,
    }
    if let Err(message) = policy.check_new_password(&account.person.username, &form.new_password) {
        errors.add_owned("new_password", message);
    } else if form.new_password != form.confirm_password {
        errors.add_owned("confirm_password", "两次输入的新密码不一致".to_string());
    }
    if !errors.is_empty() {
        return back(errors);
    }
    let recent = store::recent_password_hashes(&state.pool, account.person.id, policy.password_history).await?;
    if password::matches_any(form.new_password.clone(), recent).await.map_err(|e| AppError::Internal(e.into()))? {
        errors.add_owned("new_password", format!("不能使用最近 {} 次用过的密码", policy.password_history));
        return back(errors);
    }

    let new_hash = password::hash(form.new_password).await.map_err(|e| AppError::Internal(e.into()))?;
    // Every other session ends; this one continues under a new id and token.
    let mut tx = state.pool.begin().await?;
    store::set_password(&mut tx, account.person.id, &new_hash, false, policy.password_history).await?;
    store::end_sessions(&mut tx, account.person.id, None).await?;
    let raw = start_session(&mut tx, account.person.id, false, &policy, &client).await?;
    audit::record(&mut tx, &audit, Event::new(Action::PasswordChange).object("account", account.person.id)).await?;
    tx.commit().await?;
    tracing::info!(account = %account.person.id, "password changed");
    let mut response = flash::redirect_with("/", Flash::PasswordChanged);
    response.headers_mut().append(header::SET_COOKIE, session::session_cookie(&state.settings, &raw));
    Ok(response)
}

/// The outcome of asking a signed-in user for their current password.
pub enum CurrentPassword {
    Right,
    Wrong,
    /// The account is locked (now, or by this wrong answer): its sessions must end.
    Locked,
}

/// Checks the current password before a sensitive change (a new password, a second factor).
/// A wrong one counts towards the lockout and is audited like a failed sign-in, so a stolen
/// session cannot be used to guess the password.
pub async fn check_current_password(
    state: &AppState,
    ctx: &AuditContext,
    account: &SessionAccount,
    given: String,
) -> Result<CurrentPassword, AppError> {
    if store::locked_minutes(&state.pool, account.person.id).await?.is_some() {
        return Ok(CurrentPassword::Locked);
    }
    let stored = store::find_login(&state.pool, &account.person.username).await?.map(|c| c.password_hash);
    if password::verify_login(given, stored).await.map_err(|e| AppError::Internal(e.into()))? {
        return Ok(CurrentPassword::Right);
    }
    let policy = store::load_policy(&state.pool, &state.settings).await?;
    Ok(match record_failure(state, ctx, account.person.id, &policy, "当前密码错误").await? {
        Some(_) => CurrentPassword::Locked,
        None => CurrentPassword::Wrong,
    })
}

/// Ends every session of a locked account and sends the browser to the sign-in page, saying why.
pub async fn sign_out_everywhere(state: &AppState, account: AccountId) -> Result<Response, AppError> {
    let mut tx = state.pool.begin().await?;
    store::end_sessions(&mut tx, account, None).await?;
    tx.commit().await?;
    let mut response = flash::redirect_with("/login", Flash::AccountLocked);
    response.headers_mut().append(header::SET_COOKIE, session::clear_session_cookie(&state.settings));
    Ok(response)
}
