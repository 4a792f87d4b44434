//! The TOTP second factor: the code page of a sign-in that owes it, and enrolment.
//!
//! Code attempts count towards the lockout like passwords, are rate-limited per address like
//! sign-ins, are refused while the account is locked, and a lock ends every sign-in still owing
//! its code. A right code never lifts a lock. Enrolling or replacing a factor first asks for the
//! current password; no GET changes anything.

use std::time::{Instant, SystemTime, UNIX_EPOCH};

use askama::Template;
use axum::extract::State;
use axum::http::header;
use axum::response::{Html, IntoResponse, Response};
use axum_extra::extract::Form;
use serde::Deserialize;

use super::account::{CurrentPassword, check_current_password, sign_out_everywhere};
use super::login::{Client, locked_message, record_failure, start_session};
use super::session::{self, CurrentSession};
use super::{store, totp};
use crate::audit::{self, Action, AuditContext, Event};
use crate::error::AppError;
use crate::state::AppState;
use crate::web::flash;
use crate::web::form::FieldErrors;
use crate::web::layout::{Chrome, Crumb, Layout};

/// The issuer shown in authenticator apps.
pub const ISSUER: &str = "工伤预防管理平台";

fn now_unix() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0)
}

#[derive(Template)]
#[template(path = "auth/totp.html")]
struct CodePage {
    layout: Layout,
    error: Option<String>,
    locked: bool,
}

#[derive(Deserialize)]
pub struct CodeForm {
    #[serde(default)]
    code: String,
    #[serde(default)]
    recovery_code: String,
}

fn code_page(chrome: &Chrome, error: Option<String>, locked: bool) -> Result<Response, AppError> {
    let page = CodePage { layout: chrome.layout("动态口令验证", Vec::new()), error, locked };
    Ok(Html(page.render()?).into_response())
}

pub async fn show_code(chrome: Chrome, session: CurrentSession) -> Result<Response, AppError> {
    let account = session.account().ok_or(AppError::SignInRequired)?;
    if !account.second_factor_pending {
        return Ok(flash::redirect("/"));
    }
    code_page(&chrome, None, false)
}

/// The answer to a code attempt on a locked account: its pending sign-ins are over.
async fn refuse_locked(
    state: &AppState,
    chrome: &Chrome,
    session: &CurrentSession,
    minutes: i64,
) -> Result<Response, AppError> {
    if let Some(account) = session.account() {
        let mut tx = state.pool.begin().await?;
        store::end_pending_sessions(&mut tx, account.person.id).await?;
        tx.commit().await?;
    }
    let mut response = code_page(chrome, Some(locked_message(minutes)), true)?;
    response.headers_mut().append(header::SET_COOKIE, session::clear_session_cookie(&state.settings));
    Ok(response)
}

pub async fn check_code(
    State(state): State<AppState>,
    chrome: Chrome,
    session: CurrentSession,
    client: Client,
    audit: AuditContext,
    Form(form): Form<CodeForm>,
) -> Result<Response, AppError> {
    let account = session.account().ok_or(AppError::SignInRequired)?.clone();
    let current = session.0.clone().ok_or(AppError::SignInRequired)?;
    if !account.second_factor_pending {
        return Ok(flash::redirect("/"));
    }
    if let Some(ip) = client.ip
        && !state.login_limiter.allow(ip, state.settings.login_rate_limit_per_minute, Instant::now())
    {
        tracing::warn!(%ip, "second-factor rate limit reached");
        return Err(AppError::TooManyRequests);
    }
    if let Some(minutes) = store::locked_minutes(&state.pool, account.person.id).await? {
        audit::record_alone(&state.pool, &audit, Event::new(Action::LoginFailure).failed().detail("账号已锁定"))
            .await?;
        return refuse_locked(&state, &chrome, &session, minutes).await;
    }
    let policy = store::load_policy(&state.pool, &state.settings).await?;
    let totp_state = store::totp_state(&state.pool, account.person.id).await?;
    let by_recovery_code = !form.recovery_code.trim().is_empty();
    let method = if by_recovery_code { "恢复码" } else { "动态口令" };
    let mut tx = state.pool.begin().await?;
    let accepted = if by_recovery_code {
        store::use_recovery_code(&mut tx, account.person.id, &totp::hash_recovery_code(&form.recovery_code)).await?
    } else {
        match totp_state.secret.as_deref().and_then(|s| totp::verify(s, &form.code, now_unix(), totp_state.last_step)) {
            Some(step) => store::take_totp_step(&mut tx, account.person.id, step).await?,
            None => false,
        }
    };
    if !accepted {
        tx.rollback().await?;
        let why = if by_recovery_code { "恢复码错误" } else { "动态口令错误" };
        return match record_failure(&state, &audit, account.person.id, &policy, why).await? {
            Some(minutes) => refuse_locked(&state, &chrome, &session, minutes).await,
            None => code_page(&chrome, Some("动态口令或恢复码不正确，或已使用过".to_string()), false),
        };
    }
    if !store::admit_sign_in(&mut tx, account.person.id, true).await? {
        // Locked by a parallel attempt meanwhile: the code is not used up, the sign-in refused.
        tx.rollback().await?;
        let minutes = store::locked_minutes(&state.pool, account.person.id).await?.unwrap_or(1);
        return refuse_locked(&state, &chrome, &session, minutes).await;
    }
    // The sign-in is complete: it continues under a new session id and token.
    store::delete_session(&mut *tx, &current.id_hash).await?;
    let raw = start_session(&mut tx, account.person.id, false, &policy, &client).await?;
    audit::record(&mut tx, &audit, Event::new(Action::LoginSuccess).detail(format!("密码 + {method}"))).await?;
    tx.commit().await?;
    tracing::info!(account = %account.person.id, "second factor accepted");
    let mut response = flash::redirect("/");
    response.headers_mut().append(header::SET_COOKIE, session::session_cookie(&state.settings, &raw));
    Ok(response)
}

#[derive(Template)]
#[template(path = "auth/totp_enrol.html")]
struct EnrolPage {
    layout: Layout,
    enabled: bool,
    required: bool,
    /// The secret being enrolled (empty when no enrolment is under way).
    secret: String,
    uri: String,
    errors: FieldErrors,
    /// Shown once, right after enrolment.
    recovery_codes: Vec<String>,
}

#[derive(Deserialize)]
pub struct EnrolForm {
    #[serde(default)]
    code: String,
}

#[derive(Deserialize)]
pub struct StartForm {
    #[serde(default)]
    current_password: String,
}

/// The enrolment page: the factor's state, and the secret of an enrolment under way. Reading
/// it changes nothing; an enrolment starts with the current password (`start_enrolment`).
pub async fn show_enrolment(
    State(state): State<AppState>,
    chrome: Chrome,
    session: CurrentSession,
) -> Result<Response, AppError> {
    let account = session.account().ok_or(AppError::SignInRequired)?.clone();
    let current = store::totp_state(&state.pool, account.person.id).await?;
    let page = EnrolView {
        username: &account.person.username,
        enabled: current.secret.is_some(),
        required: account.totp_required,
        secret: current.pending_secret.unwrap_or_default(),
    };
    page.render(&chrome, FieldErrors::default(), Vec::new())
}

struct EnrolView<'a> {
    username: &'a str,
    enabled: bool,
    required: bool,
    secret: String,
}

impl EnrolView<'_> {
    fn render(self, chrome: &Chrome, errors: FieldErrors, recovery_codes: Vec<String>) -> Result<Response, AppError> {
        let uri =
            if self.secret.is_empty() { String::new() } else { totp::otpauth_uri(ISSUER, self.username, &self.secret) };
        let page = EnrolPage {
            layout: chrome.layout("双因素认证", vec![Crumb::here("双因素认证")]),
            enabled: self.enabled,
            required: self.required,
            secret: self.secret,
            uri,
            errors,
            recovery_codes,
        };
        Ok(Html(page.render()?).into_response())
    }
}

/// Starts (or restarts) an enrolment, or the replacement of an enrolled factor, once the
/// current password is given.
pub async fn start_enrolment(
    State(state): State<AppState>,
    chrome: Chrome,
    session: CurrentSession,
    audit: AuditContext,
    Form(form): Form<StartForm>,
) -> Result<Response, AppError> {
    let account = session.account().ok_or(AppError::SignInRequired)?.clone();
    let current = store::totp_state(&state.pool, account.person.id).await?;
    match check_current_password(&state, &audit, &account, form.current_password).await? {
        CurrentPassword::Right => {}
        CurrentPassword::Wrong => {
            let mut errors = FieldErrors::default();
            errors.add("current_password", "当前密码不正确");
            let view = EnrolView {
                username: &account.person.username,
                enabled: current.secret.is_some(),
                required: account.totp_required,
                secret: String::new(),
            };
            return view.render(&chrome, errors, Vec::new());
        }
        CurrentPassword::Locked => return sign_out_everywhere(&state, account.person.id).await,
    }
    store::set_pending_totp_secret(&state.pool, account.person.id, &totp::generate_secret()).await?;
    Ok(flash::redirect("/account/totp"))
}

/// Confirms the enrolment under way with a first code: the new secret replaces any old one,
/// with new recovery codes shown once.
pub async fn enrol(
    State(state): State<AppState>,
    chrome: Chrome,
    session: CurrentSession,
    audit: AuditContext,
    Form(form): Form<EnrolForm>,
) -> Result<Response, AppError> {
    let account = session.account().ok_or(AppError::SignInRequired)?.clone();
    let current = store::totp_state(&state.pool, account.person.id).await?;
    let replacing = current.secret.is_some();
    let Some(pending) = current.pending_secret else {
        return Ok(flash::redirect("/account/totp"));
    };
    let Some(step) = totp::verify(&pending, &form.code, now_unix(), None) else {
        let mut errors = FieldErrors::default();
        errors.add("code", "动态口令不正确，请核对手机时间后重新输入");
        let view = EnrolView {
            username: &account.person.username,
            enabled: replacing,
            required: account.totp_required,
            secret: pending,
        };
        return view.render(&chrome, errors, Vec::new());
    };
    let codes = totp::generate_recovery_codes();
    let hashes: Vec<[u8; 32]> = codes.iter().map(|c| totp::hash_recovery_code(c)).collect();
    let mut tx = state.pool.begin().await?;
    store::enable_totp(&mut tx, account.person.id, step, &hashes).await?;
    let action = if replacing { Action::TotpReplace } else { Action::TotpEnroll };
    audit::record(&mut tx, &audit, Event::new(action).object("account", account.person.id)).await?;
    tx.commit().await?;
    tracing::info!(account = %account.person.id, replacing, "second factor enrolled");
    // The recovery codes are shown on this answer and never again.
    let view = EnrolView {
        username: &account.person.username,
        enabled: true,
        required: account.totp_required,
        secret: String::new(),
    };
    view.render(&chrome, FieldErrors::default(), codes)
}
