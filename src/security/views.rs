//! Page structs of the security administrator's pages.

use askama::Template;

use super::model::PolicyForm;
use crate::accounts::Account;
use crate::accounts::views::AccountLine;
use crate::org::{DepartmentKind, Region, Role};
use crate::web::form::{Choice, FieldErrors, choices};
use crate::web::layout::{Chrome, Crumb, Layout};
use crate::web::pagination::Pager;

#[derive(Template)]
#[template(path = "security/roles.html")]
pub struct RolesPage {
    pub layout: Layout,
    pub rows: Vec<AccountLine>,
    pub pager: Pager,
    pub search: String,
}

#[derive(Template)]
#[template(path = "security/role_form.html")]
pub struct RoleFormPage {
    pub layout: Layout,
    pub line: AccountLine,
    pub roles: Vec<Choice>,
    pub regions: Vec<Choice>,
    pub kinds: Vec<Choice>,
    pub role: String,
    pub region: String,
    pub department: String,
    pub error: Option<String>,
    /// The assignment's message is one for the whole form, shown above it.
    pub errors: FieldErrors,
}

impl RoleFormPage {
    pub fn new(chrome: &Chrome, a: &Account, regions: Vec<Region>, error: Option<String>) -> Self {
        RoleFormPage {
            layout: chrome.layout(
                format!("分配角色 {}", a.username),
                vec![Crumb::link("角色分配", "/security/roles"), Crumb::here(a.username.clone())],
            ),
            line: AccountLine::from(a),
            roles: choices::<Role>(),
            regions: regions.into_iter().map(|r| Choice::new(r.code, r.name)).collect(),
            kinds: choices::<DepartmentKind>(),
            role: a.role.map(|r| r.as_str().to_string()).unwrap_or_default(),
            region: a.region_code().unwrap_or_default().to_string(),
            department: a.department.map(|d| d.as_str().to_string()).unwrap_or_default(),
            error,
            errors: FieldErrors::default(),
        }
    }
}

/// One numeric field of the policy form.
pub struct PolicyField {
    pub name: &'static str,
    pub label: &'static str,
    pub value: String,
}

#[derive(Template)]
#[template(path = "security/policy.html")]
pub struct PolicyPage {
    pub layout: Layout,
    pub fields: Vec<PolicyField>,
    pub totp_required_for_all: bool,
    pub version: i32,
    pub errors: FieldErrors,
}

impl PolicyPage {
    pub fn new(chrome: &Chrome, form: PolicyForm, version: i32, errors: FieldErrors) -> Self {
        let field = |name, label, value: &String| PolicyField { name, label, value: value.clone() };
        let fields = vec![
            field("password_min_length", "密码最小长度（字符）", &form.password_min_length),
            field("password_max_age_days", "密码有效期（天）", &form.password_max_age_days),
            field("password_history", "不得重复使用的历史密码数", &form.password_history),
            field("lockout_threshold", "连续登录失败锁定阈值（次）", &form.lockout_threshold),
            field("lockout_minutes", "锁定时长（分钟）", &form.lockout_minutes),
            field("session_idle_timeout_minutes", "会话空闲超时（分钟）", &form.session_idle_timeout_minutes),
            field("session_absolute_timeout_hours", "会话最长时间（小时）", &form.session_absolute_timeout_hours),
        ];
        PolicyPage {
            layout: chrome.layout("安全策略", vec![Crumb::here("安全策略")]),
            fields,
            totp_required_for_all: form.totp_required_for_all.is_some(),
            version,
            errors,
        }
    }
}
