//! Sign-in and sign-out. The login form gets its CSRF token from a pre-login session; a
//! successful sign-in replaces that session with a new one (new id, new token).

use std::net::SocketAddr;

use askama::Template;
use axum::extract::{ConnectInfo, FromRequestParts, State};
use axum::http::header;
use axum::http::request::Parts;
use axum::response::{Html, IntoResponse, Response};
use axum_extra::extract::Form;
use serde::Deserialize;

use super::session::{self, CurrentSession, Session};
use super::{password, store};
use crate::error::AppError;
use crate::state::AppState;
use crate::web::flash::{self, Flash};
use crate::web::layout::{Chrome, Layout};

#[derive(Template)]
#[template(path = "auth/login.html")]
struct LoginPage {
    layout: Layout,
    username: String,
    error: Option<&'static str>,
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
    pub addr: Option<String>,
    pub user_agent: Option<String>,
}

impl<S: Send + Sync> FromRequestParts<S> for Client {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(Client {
            addr: parts.extensions.get::<ConnectInfo<SocketAddr>>().map(|c| c.0.ip().to_string()),
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
    Form(form): Form<LoginForm>,
) -> Result<Response, AppError> {
    let username = form.username.trim().to_string();
    let candidate = store::find_login(&state.pool, &username).await?;
    let stored = candidate.as_ref().map(|c| c.password_hash.clone());
    let matches = password::verify_login(form.password, stored).await.map_err(|e| AppError::Internal(e.into()))?;
    let account = match candidate {
        Some(c) if matches && !c.disabled => c,
        _ => {
            tracing::info!("sign-in failed");
            let page =
                LoginPage {
                    layout: chrome.layout("登录", Vec::new()), username, error: Some("用户名或密码错误")
                };
            return Ok(Html(page.render()?).into_response());
        }
    };
    // Rotate: the pre-login session goes, a new id and token come.
    if let Some(old) = &chrome.session.0 {
        store::delete_session(&state.pool, &old.id_hash).await?;
    }
    let (raw, id_hash) = session::new_session_id();
    store::create_session(
        &state.pool,
        &id_hash,
        Some(account.id),
        &session::new_csrf_token(),
        state.settings.session_absolute_timeout_secs,
        client.addr.as_deref(),
        client.user_agent.as_deref(),
    )
    .await?;
    tracing::info!(account = %account.id, "signed in");
    let mut response = flash::redirect("/");
    response.headers_mut().append(header::SET_COOKIE, session::session_cookie(&state.settings, &raw));
    Ok(response)
}

pub async fn logout(State(state): State<AppState>, chrome: Chrome) -> Result<Response, AppError> {
    if let Some(current) = &chrome.session.0 {
        store::delete_session(&state.pool, &current.id_hash).await?;
        tracing::info!("signed out");
    }
    let mut response = flash::redirect_with("/login", Flash::SignedOut);
    response.headers_mut().append(header::SET_COOKIE, session::clear_session_cookie(&state.settings));
    Ok(response)
}
