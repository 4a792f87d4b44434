//! The TOTP second factor: the code page of a sign-in that owes it, and enrolment.

use std::time::{SystemTime, UNIX_EPOCH};

use askama::Template;
use axum::extract::State;
use axum::http::header;
use axum::response::{Html, IntoResponse, Response};
use axum_extra::extract::Form;
use serde::Deserialize;

use super::{session, store, totp};
use crate::audit::{self, AuditContext, Event};
use crate::error::AppError;
use crate::state::AppState;
use crate::web::flash;
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

pub async fn show_code(chrome: Chrome) -> Result<Response, AppError> {
    let account = chrome.session.account().ok_or(AppError::SignInRequired)?;
    if !account.second_factor_pending {
        return Ok(flash::redirect("/"));
    }
    code_page(&chrome, None, false)
}

pub async fn check_code(
    State(state): State<AppState>,
    chrome: Chrome,
    audit: AuditContext,
    Form(form): Form<CodeForm>,
) -> Result<Response, AppError> {
    let account = chrome.session.account().ok_or(AppError::SignInRequired)?.clone();
    let session = chrome.session.0.clone().ok_or(AppError::SignInRequired)?;
    if !account.second_factor_pending {
        return Ok(flash::redirect("/"));
    }
    let policy = store::load_policy(&state.pool, &state.settings).await?;
    let totp_state = store::totp_state(&state.pool, account.id).await?;
    let mut tx = state.pool.begin().await?;
    let accepted = if !form.recovery_code.trim().is_empty() {
        store::use_recovery_code(&mut tx, account.id, &totp::hash_recovery_code(&form.recovery_code)).await?
    } else {
        match totp_state.secret.as_deref().and_then(|s| totp::verify(s, &form.code, now_unix(), totp_state.last_step)) {
            Some(step) => store::take_totp_step(&mut tx, account.id, step).await?,
            None => false,
        }
    };
    let method = if form.recovery_code.trim().is_empty() { "动态口令" } else { "恢复码" };
    if accepted {
        store::complete_second_factor(&mut tx, &session.id_hash).await?;
        store::record_successful_login(&mut tx, account.id).await?;
        audit::record(&mut tx, &audit, Event::new("login.success").detail(format!("密码 + {method}"))).await?;
        tx.commit().await?;
        tracing::info!(account = %account.id, "second factor accepted");
        return Ok(flash::redirect("/"));
    }
    // A wrong code counts towards the lockout like a wrong password.
    let locked = store::record_failed_login(&mut tx, account.id, &policy).await?;
    audit::record(&mut tx, &audit, Event::new("login.failure").failed().detail(format!("{method}错误"))).await?;
    if locked {
        let detail = format!("连续 {} 次登录失败,锁定 {} 分钟", policy.lockout_threshold, policy.lockout_minutes);
        audit::record(&mut tx, &audit, Event::new("account.lock").object("account", account.id).detail(detail)).await?;
        store::delete_session(&mut *tx, &session.id_hash).await?;
    }
    tx.commit().await?;
    let message = if locked {
        "连续验证失败次数过多,账号已锁定"
    } else {
        "动态口令或恢复码不正确,或已使用过"
    };
    let mut response = code_page(&chrome, Some(message.to_string()), locked)?;
    if locked {
        response.headers_mut().append(header::SET_COOKIE, session::clear_session_cookie(&state.settings));
    }
    Ok(response)
}

#[derive(Template)]
#[template(path = "auth/totp_enrol.html")]
struct EnrolPage {
    layout: Layout,
    enabled: bool,
    required: bool,
    secret: String,
    uri: String,
    error: Option<&'static str>,
    /// Shown once, right after enrolment.
    recovery_codes: Vec<String>,
}

#[derive(Deserialize)]
pub struct EnrolForm {
    #[serde(default)]
    code: String,
}

pub async fn show_enrolment(State(state): State<AppState>, chrome: Chrome) -> Result<Response, AppError> {
    let account = chrome.session.account().ok_or(AppError::SignInRequired)?.clone();
    let current = store::totp_state(&state.pool, account.id).await?;
    let enabled = current.secret.is_some();
    let secret = match (enabled, current.pending_secret) {
        (true, _) => String::new(),
        (false, Some(pending)) => pending,
        (false, None) => {
            let secret = totp::generate_secret();
            store::set_pending_totp_secret(&state.pool, account.id, &secret).await?;
            secret
        }
    };
    enrol_page(&chrome, &account.username, enabled, account.totp_required, secret, None, Vec::new())
}

fn enrol_page(
    chrome: &Chrome,
    username: &str,
    enabled: bool,
    required: bool,
    secret: String,
    error: Option<&'static str>,
    recovery_codes: Vec<String>,
) -> Result<Response, AppError> {
    let uri = if secret.is_empty() { String::new() } else { totp::otpauth_uri(ISSUER, username, &secret) };
    let page = EnrolPage {
        layout: chrome.layout("双因素认证", vec![Crumb::here("双因素认证")]),
        enabled,
        required,
        secret,
        uri,
        error,
        recovery_codes,
    };
    Ok(Html(page.render()?).into_response())
}

pub async fn enrol(
    State(state): State<AppState>,
    chrome: Chrome,
    audit: AuditContext,
    Form(form): Form<EnrolForm>,
) -> Result<Response, AppError> {
    let account = chrome.session.account().ok_or(AppError::SignInRequired)?.clone();
    let current = store::totp_state(&state.pool, account.id).await?;
    let Some(pending) = current.pending_secret.filter(|_| current.secret.is_none()) else {
        return Ok(flash::redirect("/account/totp"));
    };
    let Some(step) = totp::verify(&pending, &form.code, now_unix(), None) else {
        let error = Some("动态口令不正确,请核对手机时间后重新输入");
        return enrol_page(&chrome, &account.username, false, account.totp_required, pending, error, Vec::new());
    };
    let codes = totp::generate_recovery_codes();
    let hashes: Vec<[u8; 32]> = codes.iter().map(|c| totp::hash_recovery_code(c)).collect();
    let mut tx = state.pool.begin().await?;
    store::enable_totp(&mut tx, account.id, step, &hashes).await?;
    audit::record(&mut tx, &audit, Event::new("totp.enroll").object("account", account.id)).await?;
    tx.commit().await?;
    tracing::info!(account = %account.id, "second factor enrolled");
    // The recovery codes are shown on this answer and never again.
    enrol_page(&chrome, &account.username, true, account.totp_required, String::new(), None, codes)
}
