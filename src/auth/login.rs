//! Sign-in and sign-out. The login form gets its CSRF token from a pre-login session; a
//! successful sign-in replaces that session with a new one (new id, new token).

use std::net::IpAddr;
use std::time::Instant;

use askama::Template;
use axum::extract::{FromRequestParts, State};
use axum::http::header;
use axum::http::request::Parts;
use axum::response::{Html, IntoResponse, Response};
use axum_extra::extract::Form;
use serde::Deserialize;

use super::session::{self, CurrentSession, Session};
use super::{password, store};
use crate::audit::{self, AuditContext, Event};
use crate::error::AppError;
use crate::state::AppState;
use crate::web::flash::{self, Flash};
use crate::web::layout::{Chrome, Layout};

#[derive(Template)]
#[template(path = "auth/login.html")]
struct LoginPage {
    layout: Layout,
    username: String,
    error: Option<String>,
}

#[derive(Deserialize)]
pub struct LoginForm {
    #[serde(default)]
    username: String,
    #[serde(default)]
    password: String,
}

/// The client's address and browser, recorded with each session.
pub struct Client {
    pub ip: Option<IpAddr>,
    pub addr: Option<String>,
    pub user_agent: Option<String>,
}

impl<S: Send + Sync> FromRequestParts<S> for Client {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        let ip = crate::web::client::from_extensions(&parts.extensions);
        Ok(Client {
            ip,
            addr: ip.map(|ip| ip.to_string()),
            user_agent: parts.headers.get(header::USER_AGENT).and_then(|v| v.to_str().ok()).map(str::to_string),
        })
    }
}

pub async fn show(State(state): State<AppState>, mut chrome: Chrome, client: Client) -> Result<Response, AppError> {
    if chrome.session.account().is_some() {
        return Ok(flash::redirect("/"));
    }
    let mut cookie = None;
    if chrome.session.0.is_none() {
        let (raw, id_hash) = session::new_session_id();
        let csrf_token = session::new_csrf_token();
        // A pre-login session lives only as long as an idle session would.
        store::create_session(
            &state.pool,
            &id_hash,
            None,
            false,
            &csrf_token,
            state.settings.session_idle_timeout_secs,
            client.addr.as_deref(),
            client.user_agent.as_deref(),
        )
        .await?;
        chrome.session = CurrentSession(Some(std::sync::Arc::new(Session { id_hash, csrf_token, account: None })));
        cookie = Some(session::session_cookie(&state.settings, &raw));
    }
    let page = LoginPage { layout: chrome.layout("登录", Vec::new()), username: String::new(), error: None };
    let mut response = Html(page.render()?).into_response();
    if let Some(cookie) = cookie {
        response.headers_mut().append(header::SET_COOKIE, cookie);
    }
    Ok(response)
}

pub async fn submit(
    State(state): State<AppState>,
    chrome: Chrome,
    client: Client,
    audit: AuditContext,
    Form(form): Form<LoginForm>,
) -> Result<Response, AppError> {
    if let Some(ip) = client.ip
        && !state.login_limiter.allow(ip, state.settings.login_rate_limit_per_minute, Instant::now())
    {
        tracing::warn!(%ip, "sign-in rate limit reached");
        return Err(AppError::TooManyRequests);
    }
    let policy = store::load_policy(&state.pool, &state.settings).await?;
    let username: String = form.username.trim().chars().take(64).collect();
    let candidate = store::find_login(&state.pool, &username).await?;
    // Verified for unknown and locked accounts too, so every path costs the same.
    let stored = candidate.as_ref().map(|c| c.password_hash.clone());
    let matches = password::verify_login(form.password, stored).await.map_err(|e| AppError::Internal(e.into()))?;

    let Some(account) = candidate else {
        let ctx = AuditContext { username: Some(username.clone()), ..audit };
        audit::record_alone(&state.pool, &ctx, Event::new("login.failure").failed().detail("用户名不存在")).await?;
        return refuse(&chrome, username, LoginRefusal::Wrong);
    };
    let ctx = audit.as_account(account.id, &account.username, account.role, account.region_id);
    if account.disabled {
        audit::record_alone(&state.pool, &ctx, Event::new("login.failure").failed().detail("账号已停用")).await?;
        return refuse(&chrome, username, LoginRefusal::Wrong);
    }
    if let Some(minutes) = account.locked_minutes {
        audit::record_alone(&state.pool, &ctx, Event::new("login.failure").failed().detail("账号已锁定")).await?;
        return refuse(&chrome, username, LoginRefusal::Locked(minutes));
    }
    if !matches {
        let mut tx = state.pool.begin().await?;
        let locked = store::record_failed_login(&mut tx, account.id, &policy).await?;
        audit::record(&mut tx, &ctx, Event::new("login.failure").failed().detail("密码错误")).await?;
        if locked {
            let detail = format!("连续 {} 次登录失败,锁定 {} 分钟", policy.lockout_threshold, policy.lockout_minutes);
            audit::record(&mut tx, &ctx, Event::new("account.lock").object("account", account.id).detail(detail))
                .await?;
        }
        tx.commit().await?;
        let refusal =
            if locked { LoginRefusal::Locked(i64::from(policy.lockout_minutes)) } else { LoginRefusal::Wrong };
        return refuse(&chrome, username, refusal);
    }

    // The password is right. Rotate: the pre-login session goes, a new id and token come. With a
    // second factor enrolled, the new session reaches only the code page until the code comes.
    let pending = account.totp_enabled;
    let (raw, id_hash) = session::new_session_id();
    let mut tx = state.pool.begin().await?;
    if let Some(old) = &chrome.session.0 {
        store::delete_session(&mut *tx, &old.id_hash).await?;
    }
    store::create_session(
        &mut *tx,
        &id_hash,
        Some(account.id),
        pending,
        &session::new_csrf_token(),
        policy.session_absolute_timeout_secs,
        client.addr.as_deref(),
        client.user_agent.as_deref(),
    )
    .await?;
    if !pending {
        store::record_successful_login(&mut tx, account.id).await?;
        audit::record(&mut tx, &ctx, Event::new("login.success")).await?;
    }
    tx.commit().await?;
    tracing::info!(account = %account.id, pending, "password accepted");
    let mut response = flash::redirect(if pending { "/login/totp" } else { "/" });
    response.headers_mut().append(header::SET_COOKIE, session::session_cookie(&state.settings, &raw));
    Ok(response)
}

enum LoginRefusal {
    Wrong,
    Locked(i64),
}

fn refuse(chrome: &Chrome, username: String, refusal: LoginRefusal) -> Result<Response, AppError> {
    tracing::info!("sign-in refused");
    let error = match refusal {
        LoginRefusal::Wrong => "用户名或密码错误".to_string(),
        LoginRefusal::Locked(minutes) => {
            format!("连续登录失败次数过多,账号已锁定,请 {minutes} 分钟后再试或联系系统管理员解锁")
        }
    };
    let page = LoginPage { layout: chrome.layout("登录", Vec::new()), username, error: Some(error) };
    Ok(Html(page.render()?).into_response())
}

pub async fn logout(State(state): State<AppState>, chrome: Chrome, audit: AuditContext) -> Result<Response, AppError> {
    if let Some(current) = &chrome.session.0 {
        let mut tx = state.pool.begin().await?;
        store::delete_session(&mut *tx, &current.id_hash).await?;
        audit::record(&mut tx, &audit, Event::new("session.logout")).await?;
        tx.commit().await?;
        tracing::info!("signed out");
    }
    let mut response = flash::redirect_with("/login", Flash::SignedOut);
    response.headers_mut().append(header::SET_COOKIE, session::clear_session_cookie(&state.settings));
    Ok(response)
}
