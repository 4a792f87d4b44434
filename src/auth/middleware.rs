//! The session middleware (load the session, check CSRF on unsafe requests, pass the flash
//! message on) and the authorization middleware (every route's declared access).

use std::sync::Arc;

use axum::body::{Body, to_bytes};
use axum::extract::{MatchedPath, Request, State};
use axum::http::{HeaderMap, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use super::policy::SecurityPolicy;
use super::session::{self, CurrentSession, Session, tokens_equal};
use super::{prelogin, store};
use crate::access::{self, Access, Decision, Owed, Requester};
use crate::audit::{self, Action, AuditContext, Event};
use crate::error::AppError;
use crate::request::ClientIp;
use crate::state::AppState;
use crate::web::client;
use crate::web::flash::{self, Flash};
use crate::web::layout::IncomingFlash;

pub async fn sessions(State(state): State<AppState>, req: Request, next: Next) -> Response {
    // Assets and health checks need no session: spare them the database.
    let path = req.uri().path();
    if path.starts_with("/static/") || path == "/healthz" || path == "/readyz" {
        return next.run(req).await;
    }
    let had_cookie = session::session_id_from(req.headers(), &state.settings).is_some();
    let current = match load(&state, req.headers()).await {
        Ok(session) => CurrentSession(session.map(Arc::new)),
        Err(e) => return AppError::from(e).into_response(),
    };
    let session_ended = had_cookie && current.0.is_none();
    let mut req = if is_unsafe(req.method()) {
        match check_csrf(&state, req, &current).await {
            Ok(req) => req,
            Err(error) => return with_session(error.into_response(), current),
        }
    } else {
        req
    };
    let incoming = Flash::from_headers(req.headers());
    let peer = req.extensions().get::<axum::extract::ConnectInfo<std::net::SocketAddr>>().map(|c| c.0.ip());
    let ip = client::client_ip(req.headers(), peer, state.settings.trust_forwarded_for);
    req.extensions_mut().insert(ClientIp(ip));
    req.extensions_mut().insert(current.viewer());
    if let Some(session) = &current.0 {
        req.extensions_mut().insert(crate::request::ReferenceVersion(session.reference_version));
    }
    req.extensions_mut().insert(current.clone());
    req.extensions_mut().insert(IncomingFlash(incoming));
    let mut response = next.run(req).await;
    // A flash is shown once: the page that displayed it clears it.
    if incoming.is_some() && response.status().is_success() && !flash::sets_flash(&response) {
        response.headers_mut().append(header::SET_COOKIE, flash::clear_cookie());
    }
    // A session that timed out sends its owner to sign in again: say why.
    if session_ended && is_redirect_to_login(&response) {
        response = flash::redirect_with("/login", Flash::SessionEnded);
    }
    with_session(response, current)
}

/// The error-page middleware (further out) draws the frame for the viewer it finds here.
fn with_session(mut response: Response, current: CurrentSession) -> Response {
    response.extensions_mut().insert(current.viewer());
    response
}

async fn load(state: &AppState, headers: &HeaderMap) -> Result<Option<Session>, sqlx::Error> {
    let Some(raw) = session::session_id_from(headers, &state.settings) else {
        return Ok(None);
    };
    let policy = SecurityPolicy::from_settings(&state.settings);
    store::load_session(&state.pool, &session::hash_id(&raw), &policy, state.demo).await
}

fn is_redirect_to_login(response: &Response) -> bool {
    response.status().is_redirection() && response.headers().get(header::LOCATION).is_some_and(|l| l == "/login")
}

fn is_unsafe(method: &Method) -> bool {
    !matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS)
}

/// SECURITY.md "Forms and input": an Origin, if present, must be ours; without Origin a Referer,
/// if present, must be ours; and the synchronizer token of the session must come with the
/// request (form field `csrf`, or header `x-csrf-token`).
async fn check_csrf(state: &AppState, req: Request, current: &CurrentSession) -> Result<Request, AppError> {
    let expected_origin = our_origin(state, req.headers());
    let headers = req.headers();
    if let Some(origin) = headers.get(header::ORIGIN) {
        if !origin.to_str().is_ok_and(|o| o.eq_ignore_ascii_case(&expected_origin)) {
            tracing::warn!("refused: foreign Origin");
            return Err(AppError::CsrfRejected);
        }
    } else if let Some(referer) = headers.get(header::REFERER) {
        let ok = referer.to_str().is_ok_and(|r| r == expected_origin || r.starts_with(&format!("{expected_origin}/")));
        if !ok {
            tracing::warn!("refused: foreign Referer");
            return Err(AppError::CsrfRejected);
        }
    }
    // An upload is multipart: this layer cannot read its body, so the upload's handler checks
    // the form's token itself (attachments::upload::receive) before it reads anything else.
    // Only upload routes may be posted so; the Origin/Referer rule above still applied.
    if is_multipart(headers) {
        return if crate::web::middleware::is_upload(req.method(), req.uri().path()) && current.0.is_some() {
            Ok(req)
        } else {
            tracing::warn!("refused: multipart body outside an upload route");
            Err(AppError::CsrfRejected)
        };
    }
    let header_token = headers.get("x-csrf-token").and_then(|v| v.to_str().ok()).map(str::to_string);
    let (req, token) = match header_token {
        Some(token) => (req, Some(token)),
        None => form_token(req, state.settings.body_limit_bytes).await?,
    };
    let Some(token) = token else {
        tracing::warn!("refused: no CSRF token");
        return Err(AppError::CsrfRejected);
    };
    let valid = match &current.0 {
        Some(session) => tokens_equal(&token, &session.csrf_token),
        // Before sign-in only the login form may be posted, with the token signed from the
        // pre-login cookie.
        None => req.uri().path() == "/login" && prelogin_token_valid(state, req.headers(), &token),
    };
    if valid {
        Ok(req)
    } else {
        tracing::warn!("refused: wrong CSRF token, or an unsafe request without a session");
        Err(AppError::CsrfRejected)
    }
}

fn prelogin_token_valid(state: &AppState, headers: &HeaderMap, token: &str) -> bool {
    let Some(cookie) = prelogin::cookie_from(headers, &state.settings) else { return false };
    let max_age = state.settings.session_idle_timeout_secs as i64;
    prelogin::verify(&state.prelogin_key, &cookie, token, chrono::Utc::now().timestamp(), max_age)
}

fn is_multipart(headers: &HeaderMap) -> bool {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.trim_start().to_ascii_lowercase().starts_with("multipart/form-data"))
}

/// Reads the `csrf` field of a URL-encoded form and puts the body back for the handler.
async fn form_token(req: Request, limit: usize) -> Result<(Request, Option<String>), AppError> {
    if !crate::web::form::is_url_encoded(req.headers()) {
        return Ok((req, None));
    }
    let (parts, body) = req.into_parts();
    let bytes = to_bytes(body, limit).await.map_err(|_| AppError::PayloadTooLarge)?;
    let token = form_urlencoded::parse(&bytes).find(|(k, _)| k == "csrf").map(|(_, v)| v.into_owned());
    Ok((Request::from_parts(parts, Body::from(bytes)), token))
}

/// The configured public origin, or the request's own host over plain HTTP.
fn our_origin(state: &AppState, headers: &HeaderMap) -> String {
    match state.settings.public_origin() {
        Some(origin) => origin.to_string(),
        None => {
            let host = headers.get(header::HOST).and_then(|h| h.to_str().ok()).unwrap_or_default();
            format!("http://{host}")
        }
    }
}

/// Enforces the route's declaration in `access::ROUTES` (a route_layer, so the matched path is
/// known), and keeps an account that owes a password change on its password page. Undeclared
/// routes are refused; every refusal is audited.
pub async fn authorize(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let path = req.extensions().get::<MatchedPath>().map(|p| p.as_str().to_string()).unwrap_or_default();
    let Some(access) = access::rule_for(req.method().as_str(), &path) else {
        // A method the path is not declared for: answer as if it were not routed, so an
        // undeclared handler can never run.
        tracing::warn!(%path, method = %req.method(), "no access declaration for this method: refused");
        return AppError::MethodNotAllowed.into_response();
    };
    let account = req.extensions().get::<CurrentSession>().and_then(|s| s.account()).cloned();
    let requester = match &account {
        None => Requester::Anonymous,
        Some(account) => account.person.role.map(Requester::Role).unwrap_or(Requester::NoRole),
    };
    // An account that owes a second factor, a password change or an enrolment goes there first.
    if let Some(a) = account.as_ref().filter(|_| access != Access::Public) {
        let owed = Owed {
            second_factor: a.second_factor_pending,
            password_change: a.must_change_password && !(state.demo && a.demo),
            totp_enrolment: a.totp_required && !a.totp_enabled,
        };
        if let Some(target) = access::detour(owed, req.uri().path()) {
            return if req.method() == Method::GET {
                flash::redirect(target)
            } else {
                AppError::Forbidden.into_response()
            };
        }
    }
    let (parts, body) = req.into_parts();
    let audit = AuditContext::from_parts(&parts);
    let requested = format!("{} {}", parts.method, parts.uri.path());
    let req = Request::from_parts(parts, body);
    let response = match access::decide(access, requester) {
        Decision::Allow => next.run(req).await,
        Decision::SignIn => return AppError::SignInRequired.into_response(),
        Decision::Deny => {
            tracing::warn!(%path, ?requester, "refused: role lacks the function");
            AppError::Forbidden.into_response()
        }
    };
    // Refusals by this layer or by a handler's record-level rule alike; and a record route that
    // found nothing in the actor's scope (another region's record looks missing, by design, but
    // the attempt is kept). Only refused requests pay for the record.
    let refused = match response.status() {
        StatusCode::FORBIDDEN => Some(requested),
        StatusCode::NOT_FOUND if is_record_route(&path) && matches!(requester, Requester::Role(_)) => {
            Some(format!("{requested}（记录不存在或不在本人权限范围内）"))
        }
        _ => None,
    };
    if let Some(detail) = refused {
        let event = Event::new(Action::AccessDenied).failed().object("route", &path).detail(detail);
        if let Err(e) = audit::record_alone(&state.pool, &audit, event).await {
            tracing::error!(error = %e, "recording an access denial failed");
        }
    }
    response
}

/// A route that names one record in its path (`/departments/{id}`).
fn is_record_route(pattern: &str) -> bool {
    pattern.contains('{')
}
