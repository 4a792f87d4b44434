//! Sign-in and sign-out. The login form's CSRF token is signed from a pre-login cookie
//! (`prelogin`); a successful sign-in starts a new session (new id, new token), conditional on the
//! account not being locked at that moment.

use std::net::IpAddr;
use std::time::Instant;

use askama::Template;
use axum::extract::{FromRequestParts, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, header};
use axum::response::{Html, IntoResponse, Response};
use axum_extra::extract::Form;
use chrono::Utc;
use serde::Deserialize;
use sqlx::PgConnection;

use super::policy::SecurityPolicy;
use super::session::{self, CurrentSession};
use super::{password, prelogin, store};
use crate::audit::{self, Action, AuditContext, Event};
use crate::error::AppError;
use crate::org::AccountId;
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
pub struct LoginFields {
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
        let ip = crate::request::ClientIp::from_extensions(&parts.extensions);
        Ok(Client {
            ip,
            addr: ip.map(|ip| ip.to_string()),
            user_agent: parts.headers.get(header::USER_AGENT).and_then(|v| v.to_str().ok()).map(str::to_string),
        })
    }
}

/// The login page. Its CSRF token is signed from the pre-login cookie (`prelogin`), so showing
/// the page writes nothing to the database however often it is asked for.
pub async fn show(
    State(state): State<AppState>,
    chrome: Chrome,
    session: CurrentSession,
    headers: HeaderMap,
) -> Result<Response, AppError> {
    if session.account().is_some() {
        return Ok(flash::redirect("/"));
    }
    let form = LoginForm::for_request(&state, &headers);
    let page = LoginPage { layout: form.layout(&chrome), username: String::new(), error: None };
    let mut response = Html(page.render()?).into_response();
    if form.fresh {
        let cookie = prelogin::set_cookie(&state.settings, &form.cookie, form.max_age);
        response.headers_mut().append(header::SET_COOKIE, cookie);
    }
    Ok(response)
}

/// The pre-login cookie of the login form and the token that goes with it.
struct LoginForm {
    cookie: String,
    token: String,
    max_age: i64,
    /// A new cookie, to be set on the answer.
    fresh: bool,
}

impl LoginForm {
    /// Keeps the browser's cookie while it has more than half its life left, so two open login
    /// tabs do not invalidate each other; otherwise issues a new one.
    fn for_request(state: &AppState, headers: &HeaderMap) -> LoginForm {
        let now = Utc::now().timestamp();
        let max_age = state.settings.session_idle_timeout_secs as i64;
        let key = &state.prelogin_key;
        let kept = prelogin::cookie_from(headers, &state.settings)
            .and_then(|c| prelogin::token_for(key, &c, now - max_age / 2, max_age).map(|_| c))
            .and_then(|c| prelogin::token_for(key, &c, now, max_age).map(|t| (c, t)));
        match kept {
            Some((cookie, token)) => LoginForm { cookie, token, max_age, fresh: false },
            None => {
                let cookie = prelogin::new_cookie_value(now);
                let token = prelogin::token_for(key, &cookie, now, max_age).unwrap_or_default();
                LoginForm { cookie, token, max_age, fresh: true }
            }
        }
    }

    fn layout(&self, chrome: &Chrome) -> Layout {
        let mut layout = chrome.layout("登录", Vec::new());
        layout.csrf = self.token.clone();
        layout
    }
}

pub async fn submit(
    State(state): State<AppState>,
    chrome: Chrome,
    session: CurrentSession,
    client: Client,
    audit: AuditContext,
    headers: HeaderMap,
    Form(form): Form<LoginFields>,
) -> Result<Response, AppError> {
    if let Some(ip) = client.ip
        && !state.login_limiter.allow(ip, state.settings.login_rate_limit_per_minute, Instant::now())
    {
        tracing::warn!(%ip, "sign-in rate limit reached");
        return Err(AppError::TooManyRequests);
    }
    let login_form = LoginForm::for_request(&state, &headers);
    let refuse = |username: String, refusal: LoginRefusal| refuse(&chrome, &login_form, username, refusal);
    let policy = store::load_policy(&state.pool, &state.settings).await?;
    let username: String = form.username.trim().chars().take(64).collect();
    let candidate = store::find_login(&state.pool, &username).await?;
    // Verified for unknown and locked accounts too, so every path costs the same.
    let stored = candidate.as_ref().map(|c| c.password_hash.clone());
    let matches = password::verify_login(form.password, stored).await.map_err(|e| AppError::Internal(e.into()))?;

    let Some(account) = candidate else {
        let ctx = AuditContext { username: Some(username.clone()), ..audit };
        audit::record_alone(&state.pool, &ctx, Event::new(Action::LoginFailure).failed().detail("用户名不存在"))
            .await?;
        return refuse(username, LoginRefusal::Wrong);
    };
    let ctx = audit.as_account(account.id, &account.username, account.role, account.region_id);
    if account.disabled {
        audit::record_alone(&state.pool, &ctx, Event::new(Action::LoginFailure).failed().detail("账号已停用")).await?;
        return refuse(username, LoginRefusal::Wrong);
    }
    if account.demo && !state.demo {
        let event = Event::new(Action::LoginFailure).failed().detail("演示账号只能在演示模式下使用");
        audit::record_alone(&state.pool, &ctx, event).await?;
        return refuse(username, LoginRefusal::Wrong);
    }
    if let Some(minutes) = account.locked_minutes {
        audit::record_alone(&state.pool, &ctx, Event::new(Action::LoginFailure).failed().detail("账号已锁定")).await?;
        return refuse(username, LoginRefusal::Locked(minutes));
    }
    if !matches {
        let locked = record_failure(&state, &ctx, account.id, &policy, "密码错误").await?;
        return refuse(username, locked.map_or(LoginRefusal::Wrong, LoginRefusal::Locked));
    }

    // The password is right. Rotate: a new id and token. With a second factor enrolled, the new
    // session reaches only the code page until the code comes.
    let pending = account.totp_enabled;
    let mut tx = state.pool.begin().await?;
    if !store::admit_sign_in(&mut tx, account.id, !pending).await? {
        // Locked by a parallel attempt since the first look: refused, nothing written.
        tx.rollback().await?;
        let minutes = store::locked_minutes(&state.pool, account.id).await?.unwrap_or(1);
        audit::record_alone(&state.pool, &ctx, Event::new(Action::LoginFailure).failed().detail("账号已锁定")).await?;
        return refuse(username, LoginRefusal::Locked(minutes));
    }
    if let Some(old) = &session.0 {
        store::delete_session(&mut *tx, &old.id_hash).await?;
    }
    let raw = start_session(&mut tx, account.id, pending, &policy, &client).await?;
    if !pending {
        audit::record(&mut tx, &ctx, Event::new(Action::LoginSuccess)).await?;
    }
    tx.commit().await?;
    tracing::info!(account = %account.id, pending, "password accepted");
    let mut response = flash::redirect(if pending { "/login/totp" } else { "/" });
    response.headers_mut().append(header::SET_COOKIE, session::session_cookie(&state.settings, &raw));
    response.headers_mut().append(header::SET_COOKIE, prelogin::clear_cookie(&state.settings));
    Ok(response)
}

/// Counts a failed sign-in step (a wrong password, code or current password) with its audit
/// record; at the threshold the account locks, which is audited too and ends the account's
/// sign-ins that still owe a code. Returns the lock's minutes when this failure locked it.
pub async fn record_failure(
    state: &AppState,
    ctx: &AuditContext,
    account: AccountId,
    policy: &SecurityPolicy,
    why: &'static str,
) -> Result<Option<i64>, AppError> {
    let mut tx = state.pool.begin().await?;
    let locked = store::record_failed_login(&mut tx, account, policy).await?;
    audit::record(&mut tx, ctx, Event::new(Action::LoginFailure).failed().detail(why)).await?;
    if locked {
        let detail = format!("连续 {} 次登录失败，锁定 {} 分钟", policy.lockout_threshold, policy.lockout_minutes);
        audit::record(&mut tx, ctx, Event::new(Action::AccountLock).object("account", account).detail(detail)).await?;
        store::end_pending_sessions(&mut tx, account).await?;
    }
    tx.commit().await?;
    Ok(locked.then_some(i64::from(policy.lockout_minutes)))
}

/// Stores a new signed-in session (a new id and CSRF token) and returns the raw id for the
/// cookie. Sign-in, the second factor and a password change each start one, so the id changes
/// whenever the session gains or changes its standing.
pub async fn start_session(
    tx: &mut PgConnection,
    account: AccountId,
    second_factor_pending: bool,
    policy: &SecurityPolicy,
    client: &Client,
) -> Result<String, sqlx::Error> {
    let (raw, id_hash) = session::new_session_id();
    store::create_session(
        tx,
        &id_hash,
        Some(account),
        second_factor_pending,
        &session::new_csrf_token(),
        policy.session_absolute_timeout_secs,
        client.addr.as_deref(),
        client.user_agent.as_deref(),
    )
    .await?;
    Ok(raw)
}

enum LoginRefusal {
    Wrong,
    Locked(i64),
}

fn refuse(chrome: &Chrome, form: &LoginForm, username: String, refusal: LoginRefusal) -> Result<Response, AppError> {
    tracing::info!("sign-in refused");
    let error = match refusal {
        LoginRefusal::Wrong => "用户名或密码错误".to_string(),
        LoginRefusal::Locked(minutes) => locked_message(minutes),
    };
    let page = LoginPage { layout: form.layout(chrome), username, error: Some(error) };
    Ok(Html(page.render()?).into_response())
}

/// What a locked account is told, wherever it is refused.
pub fn locked_message(minutes: i64) -> String {
    format!("连续登录失败次数过多，账号已锁定，请 {minutes} 分钟后再试或联系系统管理员解锁")
}

pub async fn logout(
    State(state): State<AppState>,
    session: CurrentSession,
    audit: AuditContext,
) -> Result<Response, AppError> {
    if let Some(current) = &session.0 {
        let mut tx = state.pool.begin().await?;
        store::delete_session(&mut *tx, &current.id_hash).await?;
        audit::record(&mut tx, &audit, Event::new(Action::Logout)).await?;
        tx.commit().await?;
        tracing::info!("signed out");
    }
    let mut response = flash::redirect_with("/login", Flash::SignedOut);
    response.headers_mut().append(header::SET_COOKIE, session::clear_session_cookie(&state.settings));
    Ok(response)
}
