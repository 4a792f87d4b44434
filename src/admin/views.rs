//! Page structs of the administrators' pages.

use askama::Template;

use super::model::{AccountForm, AuditFilter, FieldChange, PolicyForm, field_changes};
use super::store::{AccountRow, AuditRow, LoginLogRow, SessionRow};
use crate::access::Role;
use crate::accounts::AccountId;
use crate::auth::policy::SecurityPolicy;
use crate::departments::DepartmentKind;
use crate::regions::Region;
use crate::web::form::FieldErrors;
use crate::web::layout::{Chrome, Crumb, Layout};
use crate::web::pagination::Pager;
use crate::web::time;

/// An account as a list line.
pub struct AccountLine {
    pub id: i64,
    pub username: String,
    pub display_name: String,
    pub role: &'static str,
    pub region: String,
    pub department: &'static str,
    pub status: &'static str,
    pub locked: bool,
    pub totp: &'static str,
    pub last_login: String,
    pub created: String,
}

impl From<&AccountRow> for AccountLine {
    fn from(a: &AccountRow) -> Self {
        AccountLine {
            id: a.id.0,
            username: a.username.clone(),
            display_name: a.display_name.clone(),
            role: a.role.map(Role::label).unwrap_or("未分配"),
            region: a.region_name.clone().unwrap_or_default(),
            department: a.department.map(DepartmentKind::label).unwrap_or(""),
            status: if a.disabled {
                "已停用"
            } else if a.locked {
                "已锁定"
            } else if a.must_change_password {
                "待改初始密码"
            } else {
                "正常"
            },
            locked: a.locked,
            totp: if a.totp_enabled { "已启用" } else { "未启用" },
            last_login: a.last_login_at.as_ref().map(time::minutes).unwrap_or_else(|| "从未登录".to_string()),
            created: time::minutes(&a.created_at),
        }
    }
}

#[derive(Template)]
#[template(path = "admin/accounts.html")]
pub struct AccountsPage {
    pub layout: Layout,
    pub rows: Vec<AccountLine>,
    pub pager: Pager,
    pub search: String,
}

#[derive(Template)]
#[template(path = "admin/account_form.html")]
pub struct AccountFormPage {
    pub layout: Layout,
    /// None when creating.
    pub id: Option<i64>,
    pub form: AccountForm,
    pub errors: FieldErrors,
    pub regions: Vec<Region>,
    pub kinds: Vec<DepartmentKind>,
}

impl AccountFormPage {
    pub fn new(
        chrome: &Chrome,
        account: Option<&AccountRow>,
        form: AccountForm,
        errors: FieldErrors,
        regions: Vec<Region>,
    ) -> Self {
        let (title, crumbs) = match account {
            None => ("新建账号".to_string(), vec![Crumb::link("账号管理", "/admin/accounts"), Crumb::here("新建账号")]),
            Some(a) => (
                format!("编辑账号 {}", a.username),
                vec![
                    Crumb::link("账号管理", "/admin/accounts"),
                    Crumb::link(a.username.clone(), format!("/admin/accounts/{}", a.id.0)),
                    Crumb::here("编辑"),
                ],
            ),
        };
        AccountFormPage {
            layout: chrome.layout(title, crumbs),
            id: account.map(|a| a.id.0),
            form,
            errors,
            regions,
            kinds: DepartmentKind::ALL.to_vec(),
        }
    }

    fn region_selected(&self, code: &str) -> bool {
        self.form.region == code
    }

    fn kind_selected(&self, kind: &DepartmentKind) -> bool {
        self.form.department == kind.as_str()
    }
}

#[derive(Template)]
#[template(path = "admin/account.html")]
pub struct AccountDetailPage {
    pub layout: Layout,
    pub account: AccountRow,
    pub line: AccountLine,
}

#[derive(Template)]
#[template(path = "admin/one_time_password.html")]
pub struct OneTimePasswordPage {
    pub layout: Layout,
    pub id: i64,
    pub display_name: String,
    pub password: String,
    pub heading: &'static str,
}

impl OneTimePasswordPage {
    pub fn new(chrome: &Chrome, id: AccountId, display_name: &str, password: String, heading: &'static str) -> Self {
        OneTimePasswordPage {
            layout: chrome.layout(heading, vec![Crumb::link("账号管理", "/admin/accounts"), Crumb::here(heading)]),
            id: id.0,
            display_name: display_name.to_string(),
            password,
            heading,
        }
    }
}

#[derive(Template)]
#[template(path = "admin/confirm.html")]
pub struct ConfirmPage {
    pub layout: Layout,
    pub heading: &'static str,
    pub question: String,
    pub action: String,
    pub button: &'static str,
    pub back: String,
}

impl ConfirmPage {
    pub fn new(
        chrome: &Chrome,
        a: &AccountRow,
        heading: &'static str,
        question: String,
        action: String,
        button: &'static str,
    ) -> Self {
        let back = format!("/admin/accounts/{}", a.id.0);
        ConfirmPage {
            layout: chrome.layout(
                heading,
                vec![
                    Crumb::link("账号管理", "/admin/accounts"),
                    Crumb::link(a.username.clone(), back.clone()),
                    Crumb::here(heading),
                ],
            ),
            heading,
            question,
            action,
            button,
            back,
        }
    }
}

#[derive(Template)]
#[template(path = "admin/dormant.html")]
pub struct DormantPage {
    pub layout: Layout,
    pub rows: Vec<AccountLine>,
}

pub struct LoginLogLine {
    pub at: String,
    pub username: String,
    pub event: &'static str,
    pub success: bool,
    pub detail: String,
    pub client_addr: String,
}

impl From<LoginLogRow> for LoginLogLine {
    fn from(r: LoginLogRow) -> Self {
        LoginLogLine {
            at: time::seconds(&r.occurred_at),
            username: r.username.unwrap_or_default(),
            event: match r.action.as_str() {
                "login.success" => "登录成功",
                "login.failure" => "登录失败",
                "account.lock" => "账号锁定",
                "session.logout" => "退出",
                _ => "其他",
            },
            success: r.success,
            detail: r.detail.unwrap_or_default(),
            client_addr: r.client_addr.unwrap_or_default(),
        }
    }
}

#[derive(Template)]
#[template(path = "admin/login_log.html")]
pub struct LoginLogPage {
    pub layout: Layout,
    pub rows: Vec<LoginLogLine>,
    pub pager: Pager,
}

pub struct SessionLine {
    pub handle: String,
    pub username: String,
    pub display_name: String,
    pub client_addr: String,
    pub since: String,
    pub last_seen: String,
}

impl From<SessionRow> for SessionLine {
    fn from(s: SessionRow) -> Self {
        SessionLine {
            handle: s.handle,
            username: s.username,
            display_name: s.display_name,
            client_addr: s.client_addr.unwrap_or_default(),
            since: time::minutes(&s.created_at),
            last_seen: time::minutes(&s.last_seen_at),
        }
    }
}

#[derive(Template)]
#[template(path = "admin/sessions.html")]
pub struct SessionsPage {
    pub layout: Layout,
    pub rows: Vec<SessionLine>,
}

#[derive(Template)]
#[template(path = "admin/roles.html")]
pub struct RolesPage {
    pub layout: Layout,
    pub rows: Vec<AccountLine>,
    pub pager: Pager,
    pub search: String,
}

#[derive(Template)]
#[template(path = "admin/role_form.html")]
pub struct RoleFormPage {
    pub layout: Layout,
    pub line: AccountLine,
    pub current: Option<Role>,
    pub roles: Vec<Role>,
    pub regions: Vec<Region>,
    pub kinds: Vec<DepartmentKind>,
    pub region_code: Option<String>,
    pub department: Option<DepartmentKind>,
    pub error: Option<String>,
}

impl RoleFormPage {
    pub fn new(chrome: &Chrome, a: &AccountRow, regions: Vec<Region>, error: Option<String>) -> Self {
        RoleFormPage {
            layout: chrome.layout(
                format!("分配角色 {}", a.username),
                vec![Crumb::link("角色分配", "/security/roles"), Crumb::here(a.username.clone())],
            ),
            line: AccountLine::from(a),
            current: a.role,
            roles: Role::ALL.to_vec(),
            regions,
            kinds: DepartmentKind::ALL.to_vec(),
            region_code: a.region_code.clone(),
            department: a.department,
            error,
        }
    }

    fn is_current(&self, role: &Role) -> bool {
        self.current == Some(*role)
    }

    fn region_selected(&self, code: &str) -> bool {
        self.region_code.as_deref() == Some(code)
    }

    fn kind_selected(&self, kind: &DepartmentKind) -> bool {
        self.department == Some(*kind)
    }
}

impl PolicyForm {
    pub fn from_policy(p: &SecurityPolicy) -> PolicyForm {
        PolicyForm {
            password_min_length: p.password_min_length.to_string(),
            password_max_age_days: p.password_max_age_days.to_string(),
            password_history: p.password_history.to_string(),
            lockout_threshold: p.lockout_threshold.to_string(),
            lockout_minutes: p.lockout_minutes.to_string(),
            session_idle_timeout_minutes: (p.session_idle_timeout_secs / 60).to_string(),
            session_absolute_timeout_hours: (p.session_absolute_timeout_secs / 3600).to_string(),
            totp_required_for_all: p.totp_required_for_all.then(|| "on".to_string()),
        }
    }
}

#[derive(Template)]
#[template(path = "admin/policy.html")]
pub struct PolicyPage {
    pub layout: Layout,
    pub form: PolicyForm,
    pub version: i32,
    pub errors: FieldErrors,
}

impl PolicyPage {
    pub fn new(chrome: &Chrome, form: PolicyForm, version: i32, errors: FieldErrors) -> Self {
        PolicyPage { layout: chrome.layout("安全策略", vec![Crumb::here("安全策略")]), form, version, errors }
    }

    /// The numeric fields: name, label, value.
    fn fields(&self) -> Vec<(&'static str, &'static str, &str)> {
        let f = &self.form;
        vec![
            ("password_min_length", "密码最小长度(字符)", f.password_min_length.as_str()),
            ("password_max_age_days", "密码有效期(天)", f.password_max_age_days.as_str()),
            ("password_history", "不得重复使用的历史密码数", f.password_history.as_str()),
            ("lockout_threshold", "连续登录失败锁定阈值(次)", f.lockout_threshold.as_str()),
            ("lockout_minutes", "锁定时长(分钟)", f.lockout_minutes.as_str()),
            ("session_idle_timeout_minutes", "会话空闲超时(分钟)", f.session_idle_timeout_minutes.as_str()),
            ("session_absolute_timeout_hours", "会话最长时间(小时)", f.session_absolute_timeout_hours.as_str()),
        ]
    }
}

pub struct AuditLine {
    pub id: i64,
    pub at: String,
    pub username: String,
    pub role: &'static str,
    pub action: String,
    pub action_label: String,
    pub object: String,
    /// The query string of the object's history page, when the record names an object.
    pub history: Option<String>,
    pub success: bool,
    pub detail: String,
    pub client_addr: String,
    pub request_id: String,
}

impl From<AuditRow> for AuditLine {
    fn from(r: AuditRow) -> Self {
        AuditLine {
            id: r.id,
            at: time::seconds(&r.occurred_at),
            username: r.username.unwrap_or_default(),
            role: r.role.as_deref().and_then(Role::parse).map(Role::label).unwrap_or(""),
            action_label: crate::audit::action_label(&r.action).to_string(),
            action: r.action,
            history: match (&r.object_type, &r.object_id) {
                (Some(t), Some(id)) => Some(
                    form_urlencoded::Serializer::new(String::new())
                        .append_pair("object_type", t)
                        .append_pair("object_id", id)
                        .finish(),
                ),
                _ => None,
            },
            object: match (r.object_type, r.object_id) {
                (Some(t), Some(id)) => format!("{t} {id}"),
                (Some(t), None) => t,
                _ => String::new(),
            },
            success: r.success,
            detail: r.detail.unwrap_or_default(),
            client_addr: r.client_addr.unwrap_or_default(),
            request_id: r.request_id.unwrap_or_default(),
        }
    }
}

#[derive(Template)]
#[template(path = "admin/audit.html")]
pub struct AuditPage {
    pub layout: Layout,
    pub rows: Vec<AuditLine>,
    pub pager: Pager,
    pub filter: AuditFilter,
    pub export_query: String,
    pub regions: Vec<Region>,
}

impl AuditPage {
    fn actions(&self) -> &'static [(&'static str, &'static str)] {
        crate::audit::ACTIONS
    }

    fn roles(&self) -> [Role; 8] {
        Role::ALL
    }

    fn action_selected(&self, action: &str) -> bool {
        self.filter.action.as_deref() == Some(action)
    }

    fn role_selected(&self, role: &Role) -> bool {
        self.filter.role == Some(*role)
    }

    fn region_selected(&self, code: &str) -> bool {
        self.filter.region_code.as_deref() == Some(code)
    }

    fn date(d: &Option<chrono::NaiveDate>) -> String {
        d.map(|d| d.to_string()).unwrap_or_default()
    }

    fn text(v: &Option<String>) -> &str {
        v.as_deref().unwrap_or("")
    }
}

/// One event of a record's history, with its changes field by field.
pub struct HistoryEntry {
    pub line: AuditLine,
    pub changes: Vec<FieldChange>,
}

impl From<AuditRow> for HistoryEntry {
    fn from(r: AuditRow) -> Self {
        let changes = field_changes(r.before.as_ref(), r.after.as_ref());
        HistoryEntry { line: AuditLine::from(r), changes }
    }
}

#[derive(Template)]
#[template(path = "admin/history.html")]
pub struct HistoryPage {
    pub layout: Layout,
    pub title: String,
    pub entries: Vec<HistoryEntry>,
}
