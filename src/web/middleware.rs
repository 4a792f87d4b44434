//! The layers of our own that every response passes through: the request id, the security
//! headers, and the error pages. `crate::router` stacks them with the rest.

use std::borrow::Cow;

use askama::Template;
use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderName, HeaderValue, Response, StatusCode, header};
use axum::middleware::Next;
use axum::response::{Html, IntoResponse};

use crate::error::ErrorPage;
use crate::request::{RequestId, Viewer};
use crate::state::AppState;
use crate::web::layout::{Chrome, Crumb, Layout};

pub const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// The span every log line of a request carries: its id, method and path.
pub fn request_span(req: &Request) -> tracing::Span {
    let id = req.headers().get(REQUEST_ID).and_then(|v| v.to_str().ok()).unwrap_or("-");
    tracing::info_span!("request", request_id = %id, method = %req.method(), path = %req.uri().path())
}

/// A panic in a handler: logged, and answered like any internal error.
pub fn panic_response(_: Box<dyn std::any::Any + Send + 'static>) -> Response<Body> {
    tracing::error!("handler panicked");
    crate::error::AppError::Internal(anyhow::anyhow!("panic")).into_response()
}

/// Keeps a well-formed `x-request-id` from a trusted proxy (the deployment says one sits in
/// front: `trust_forwarded_for`), otherwise makes one, and echoes it on the response. A client
/// reaching the server directly cannot choose the id its requests are logged and audited under.
pub async fn assign_request_id(State(state): State<AppState>, mut req: Request, next: Next) -> Response<Body> {
    let incoming = req
        .headers()
        .get(REQUEST_ID)
        .and_then(|v| v.to_str().ok())
        .filter(|v| state.settings.trust_forwarded_for && is_sane_request_id(v));
    let id = match incoming {
        Some(id) => id.to_string(),
        None => uuid::Uuid::new_v4().to_string(),
    };
    let value = HeaderValue::from_str(&id).unwrap_or_else(|_| HeaderValue::from_static("-"));
    req.headers_mut().insert(REQUEST_ID, value.clone());
    req.extensions_mut().insert(RequestId(id));
    let mut response = next.run(req).await;
    response.headers_mut().insert(REQUEST_ID, value);
    response
}

fn is_sane_request_id(id: &str) -> bool {
    (1..=64).contains(&id.len()) && id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// Upload routes, by the convention every feature follows: a record's files are posted to
/// `/…/{id}/attachments`. They take a multipart body (its CSRF token checked by the handler),
/// a larger body and a longer time.
pub fn is_upload(method: &axum::http::Method, path: &str) -> bool {
    method == axum::http::Method::POST && (path.ends_with("/attachments") || path.ends_with("/import"))
}

/// Export routes, by the convention every list follows: `GET /…/export` answers an Excel file.
/// Exports take turns on the spare cores (`web::export::slot`), so they get a longer time.
pub fn is_export(method: &axum::http::Method, path: &str) -> bool {
    method == axum::http::Method::GET && path.ends_with("/export")
}

/// Answers 503 when a request takes longer than the settings allow (uploads and exports get
/// longer). Only the time until the response starts counts: a download streams on from its
/// spooled file.
pub async fn time_limit(State(state): State<AppState>, req: Request, next: Next) -> Response<Body> {
    let (method, path) = (req.method(), req.uri().path());
    let limit = if is_upload(method, path) {
        state.settings.upload_timeout()
    } else if is_export(method, path) {
        state.settings.export_timeout()
    } else {
        state.settings.request_timeout()
    };
    match tokio::time::timeout(limit, next.run(req)).await {
        Ok(response) => response,
        Err(_) => {
            tracing::warn!(seconds = limit.as_secs(), "request timed out");
            StatusCode::SERVICE_UNAVAILABLE.into_response()
        }
    }
}

/// Refuses a body over the limit (`body_limit_bytes`, or `upload_body_limit` on upload routes):
/// at once when its declared length says so, else where it is read, which then answers 413.
pub async fn body_limit(State(state): State<AppState>, req: Request, next: Next) -> Response<Body> {
    let limit = if is_upload(req.method(), req.uri().path()) {
        state.settings.upload_body_limit()
    } else {
        state.settings.body_limit_bytes
    };
    let declared =
        req.headers().get(header::CONTENT_LENGTH).and_then(|v| v.to_str().ok()).and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|n| n > limit as u64) {
        return StatusCode::PAYLOAD_TOO_LARGE.into_response();
    }
    let req = req.map(|body| Body::new(http_body_util::Limited::new(body, limit)));
    next.run(req).await
}

/// What a request that carries a NUL character is told: PostgreSQL cannot store one in text, so
/// it is refused here, before any handler binds it (it would otherwise end as a 500).
const NUL_REFUSED: &str = "提交的内容含有无法保存的控制字符（如 %00），未保存。请删除后重新提交。";

/// Whether form-encoded text holds an encoded NUL (`%00`).
fn holds_nul(encoded: &[u8]) -> bool {
    encoded.windows(3).any(|w| w == b"%00")
}

/// Refuses, with a 400 page, a query string or form body that holds a NUL character: every
/// page and form at once, signed in or not. Uploads are left to their own reader (a file's
/// bytes may hold NULs; its name is cleaned of control characters).
pub async fn refuse_nul(req: Request, next: Next) -> Response<Body> {
    if req.uri().query().is_some_and(|q| holds_nul(q.as_bytes())) {
        return nul_refused();
    }
    if !super::form::is_url_encoded(req.headers()) {
        return next.run(req).await;
    }
    let (parts, body) = req.into_parts();
    // Already bounded by `body_limit`: past it the read fails, and so does the request.
    let bytes = match axum::body::to_bytes(body, usize::MAX).await {
        Ok(bytes) => bytes,
        Err(_) => return StatusCode::PAYLOAD_TOO_LARGE.into_response(),
    };
    if holds_nul(&bytes) {
        return nul_refused();
    }
    next.run(Request::from_parts(parts, Body::from(bytes))).await
}

fn nul_refused() -> Response<Body> {
    tracing::info!("request refused: it holds a NUL character");
    let mut response = StatusCode::BAD_REQUEST.into_response();
    response.extensions_mut().insert(crate::error::ErrorPage { message: Some(Cow::Borrowed(NUL_REFUSED)) });
    response
}

const CSP: &str = "default-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'";

/// The headers of SECURITY.md "Responses", on every response, error pages included.
pub async fn security_headers(State(state): State<AppState>, req: Request, next: Next) -> Response<Body> {
    let mut response = next.run(req).await;
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static(CSP));
    headers.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    headers.insert(header::REFERRER_POLICY, HeaderValue::from_static("same-origin"));
    headers.insert(
        HeaderName::from_static("permissions-policy"),
        HeaderValue::from_static("camera=(), microphone=(), geolocation=()"),
    );
    if state.settings.is_https() {
        headers
            .insert(header::STRICT_TRANSPORT_SECURITY, HeaderValue::from_static("max-age=31536000; includeSubDomains"));
    }
    // Pages may carry personal data: nothing is cached unless a route says otherwise.
    if !headers.contains_key(header::CACHE_CONTROL) {
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    response
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorTemplate<'a> {
    layout: Layout,
    status: u16,
    title: &'a str,
    message: Cow<'a, str>,
    request_id: &'a str,
    /// For a conflict: the page to reopen (the edit form the stale save came from).
    retry: Option<String>,
}

/// Marks an error response whose own body is meant for machines (the health endpoints), so it
/// is not replaced by the error page.
#[derive(Clone, Copy, Debug)]
pub struct OwnBody;

/// Gives every error response without an HTML page of its own (our `AppError`s, axum's 404/405,
/// tower-http's 413 and timeouts, caught panics) the standard Chinese page with the request id.
pub async fn render_error_pages(State(state): State<AppState>, req: Request, next: Next) -> Response<Body> {
    let request_id = req.headers().get(REQUEST_ID).and_then(|v| v.to_str().ok()).unwrap_or("-").to_string();
    let path = req.uri().path().to_string();
    let response = next.run(req).await;
    let status = response.status();
    let is_html = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/html"));
    let wants_page = response.extensions().get::<ErrorPage>().is_some()
        || !(is_html || response.extensions().get::<OwnBody>().is_some());
    if !(status.is_client_error() || status.is_server_error()) || !wants_page {
        return response;
    }
    let (title, default_message) = describe(status);
    let message = response
        .extensions()
        .get::<ErrorPage>()
        .and_then(|p| p.message.clone())
        .unwrap_or(Cow::Borrowed(default_message));
    let chrome = Chrome {
        viewer: Viewer::from_extensions(response.extensions()),
        flash: None,
        demo: state.demo,
        path: path.clone(),
    };
    let retry = (status == StatusCode::CONFLICT).then_some(path);
    let page = ErrorTemplate {
        layout: chrome.layout(title, vec![Crumb::here(title)]),
        status: status.as_u16(),
        title,
        message,
        request_id: &request_id,
        retry,
    };
    let (mut parts, _) = response.into_parts();
    parts.headers.remove(header::CONTENT_LENGTH);
    let body = match page.render() {
        Ok(html) => Html(html).into_response(),
        Err(e) => {
            tracing::error!(error = %e, "error page failed to render");
            ([(header::CONTENT_TYPE, "text/plain; charset=utf-8")], format!("{title}（请求编号 {request_id}）"))
                .into_response()
        }
    };
    let (body_parts, body) = body.into_parts();
    parts.headers.extend(body_parts.headers);
    Response::from_parts(parts, body)
}

fn describe(status: StatusCode) -> (&'static str, &'static str) {
    match status {
        StatusCode::BAD_REQUEST => ("请求有误", "提交的内容无法处理，请检查后重试。"),
        StatusCode::FORBIDDEN => ("无权访问", "您没有执行此操作的权限。如需开通，请联系本单位的系统管理员。"),
        StatusCode::NOT_FOUND => ("页面不存在", "您访问的页面不存在，或已被删除。"),
        StatusCode::METHOD_NOT_ALLOWED => ("请求方式不支持", "该页面不支持此请求方式。"),
        StatusCode::CONFLICT => ("数据已被修改", "您提交的内容已被他人修改，请刷新后重试。"),
        StatusCode::UNPROCESSABLE_ENTITY => ("无法办理", "该操作不符合办理规则，未执行。"),
        StatusCode::PAYLOAD_TOO_LARGE => ("提交内容过大", "提交的内容超过了系统允许的大小。"),
        StatusCode::TOO_MANY_REQUESTS => ("请求过于频繁", "请稍候再试。"),
        StatusCode::SERVICE_UNAVAILABLE => ("服务暂时不可用", "系统繁忙或数据库暂时不可用，请稍后重试。"),
        s if s.is_server_error() => ("系统错误", "系统处理请求时出错，已记录日志。请将下方的请求编号告知系统管理员。"),
        _ => ("请求未能完成", "请返回上一页后重试。"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_encoded_nul_is_found_anywhere_in_form_text() {
        assert!(holds_nul(b"q=ab%00"));
        assert!(holds_nul(b"%00&x=1"));
        assert!(!holds_nul(b"q=%2500&x=100%25"), "an encoded percent sign followed by 00 is not a NUL");
        assert!(!holds_nul(b"amount=1000000"));
    }

    #[test]
    fn request_ids_from_outside_are_checked() {
        assert!(is_sane_request_id("3f2c-11aa_BB"));
        assert!(!is_sane_request_id(""));
        assert!(!is_sane_request_id("a b"));
        assert!(!is_sane_request_id("x\"; drop"));
        assert!(!is_sane_request_id(&"a".repeat(65)));
    }

    #[test]
    fn every_error_status_has_a_chinese_title() {
        for code in [400, 403, 404, 405, 409, 413, 422, 429, 500, 503, 418] {
            let (title, message) = describe(StatusCode::from_u16(code).unwrap());
            assert!(!title.is_empty() && !message.is_empty());
        }
    }
}
