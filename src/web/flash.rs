//! One-shot messages after a redirect (POST → redirect → GET). The cookie carries only a key
//! from this fixed list, so nothing a visitor puts in it can reach the page.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

const COOKIE: &str = "prevention_flash";

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Flash {
    SignedOut,
    SessionEnded,
    DepartmentSaved,
    PasswordChanged,
    AccountSaved,
    AccountDisabled,
    AccountUnlocked,
    SessionEndedByAdmin,
    RoleAssigned,
    PolicySaved,
    AccountLocked,
}

impl Flash {
    const ALL: [Flash; 11] = [
        Flash::SignedOut,
        Flash::SessionEnded,
        Flash::DepartmentSaved,
        Flash::PasswordChanged,
        Flash::AccountSaved,
        Flash::AccountDisabled,
        Flash::AccountUnlocked,
        Flash::SessionEndedByAdmin,
        Flash::RoleAssigned,
        Flash::PolicySaved,
        Flash::AccountLocked,
    ];

    fn key(self) -> &'static str {
        match self {
            Flash::SignedOut => "signed_out",
            Flash::SessionEnded => "session_ended",
            Flash::DepartmentSaved => "department_saved",
            Flash::PasswordChanged => "password_changed",
            Flash::AccountSaved => "account_saved",
            Flash::AccountDisabled => "account_disabled",
            Flash::AccountUnlocked => "account_unlocked",
            Flash::SessionEndedByAdmin => "session_ended_by_admin",
            Flash::RoleAssigned => "role_assigned",
            Flash::PolicySaved => "policy_saved",
            Flash::AccountLocked => "account_locked",
        }
    }

    pub fn message(self) -> &'static str {
        match self {
            Flash::SignedOut => "您已安全退出。",
            Flash::SessionEnded => "登录已过期,请重新登录。",
            Flash::DepartmentSaved => "成员单位信息已保存。",
            Flash::PasswordChanged => "密码已修改。您在其他设备上的登录已全部退出。",
            Flash::AccountSaved => "账号信息已保存。",
            Flash::AccountDisabled => "账号已停用,其会话已全部结束。",
            Flash::AccountUnlocked => "账号已解除锁定。",
            Flash::SessionEndedByAdmin => "会话已强制结束。",
            Flash::RoleAssigned => "角色已分配。",
            Flash::PolicySaved => "安全策略已保存,立即生效。",
            Flash::AccountLocked => {
                "当前密码连续输入错误次数过多,账号已锁定,所有登录已退出。请稍后再试或联系系统管理员解锁。"
            }
        }
    }

    /// The Bootstrap alert style.
    pub fn level(self) -> &'static str {
        match self {
            Flash::SignedOut | Flash::SessionEnded => "info",
            Flash::AccountLocked => "danger",
            _ => "success",
        }
    }

    pub fn from_headers(headers: &axum::http::HeaderMap) -> Option<Flash> {
        let value = super::cookies::get(headers, COOKIE)?;
        Self::ALL.into_iter().find(|f| f.key() == value)
    }
}

/// 303 See Other to `location`, carrying `flash` to the next page.
pub fn redirect_with(location: &str, flash: Flash) -> Response {
    let cookie = format!("{COOKIE}={}; Path=/; HttpOnly; SameSite=Lax", flash.key());
    let mut response = redirect(location);
    if let Ok(value) = HeaderValue::from_str(&cookie) {
        response.headers_mut().append(header::SET_COOKIE, value);
    }
    response
}

/// 303 See Other to `location`.
pub fn redirect(location: &str) -> Response {
    let location = HeaderValue::from_str(location).unwrap_or_else(|_| HeaderValue::from_static("/"));
    (StatusCode::SEE_OTHER, [(header::LOCATION, location)]).into_response()
}

/// Whether a response sets the flash cookie itself.
pub fn sets_flash(response: &Response) -> bool {
    response.headers().get_all(header::SET_COOKIE).iter().any(|v| v.to_str().is_ok_and(|v| v.starts_with(COOKIE)))
}

pub fn clear_cookie() -> HeaderValue {
    HeaderValue::from_static("prevention_flash=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0")
}

#[cfg(test)]
mod tests {
    use axum::http::HeaderMap;

    use super::*;

    #[test]
    fn only_known_keys_are_read() {
        let mut headers = HeaderMap::new();
        headers.insert(header::COOKIE, HeaderValue::from_static("prevention_flash=department_saved"));
        assert_eq!(Flash::from_headers(&headers), Some(Flash::DepartmentSaved));
        headers.insert(header::COOKIE, HeaderValue::from_static("prevention_flash=<script>"));
        assert_eq!(Flash::from_headers(&headers), None);
    }

    #[test]
    fn a_redirect_carries_the_flash() {
        let response = redirect_with("/departments/1", Flash::DepartmentSaved);
        assert_eq!(response.status(), StatusCode::SEE_OTHER);
        assert!(sets_flash(&response));
        assert_eq!(response.headers()[header::LOCATION], "/departments/1");
    }
}
