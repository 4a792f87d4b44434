//! Page structs of the system administrator's pages.

use askama::Template;

use super::model::{Account, AccountForm};
use crate::audit::store::LoginEvent;
use crate::auth::store::OnlineSession;
use crate::org::{AccountId, DepartmentKind, Region};
use crate::values::time;
use crate::web::form::{Choice, FieldErrors, choices};
use crate::web::layout::{Chrome, Crumb, Layout};
use crate::web::pagination::{Keyset, Pager};

/// An account as a list line (also the role assignment's and the export's).
pub struct AccountLine {
    pub id: i64,
    pub username: String,
    pub display_name: String,
    pub role: &'static str,
    pub region: String,
    pub department: &'static str,
    pub status: &'static str,
    pub locked: bool,
    pub disabled: bool,
    pub totp: &'static str,
    pub last_login: String,
    pub created: String,
}

impl From<&Account> for AccountLine {
    fn from(a: &Account) -> Self {
        AccountLine {
            id: a.id.0,
            username: a.username.clone(),
            display_name: a.display_name.clone(),
            role: a.role.map(|r| r.label()).unwrap_or("未分配"),
            region: a.region.as_ref().map(|r| r.name.clone()).unwrap_or_default(),
            department: a.department.map(|d| d.label()).unwrap_or(""),
            status: a.status(),
            locked: a.locked,
            disabled: a.disabled,
            totp: if a.totp_enabled { "已启用" } else { "未启用" },
            last_login: a.last_login_at.as_ref().map(time::minutes).unwrap_or_else(|| "从未登录".to_string()),
            created: time::minutes(&a.created_at),
        }
    }
}

/// The breadcrumbs down to one account.
pub fn account_crumbs(a: &Account) -> Vec<Crumb> {
    vec![
        Crumb::link("账号管理", "/admin/accounts"),
        Crumb::link(a.username.clone(), format!("/admin/accounts/{}", a.id)),
    ]
}

#[derive(Template)]
#[template(path = "accounts/accounts.html")]
pub struct AccountsPage {
    pub layout: Layout,
    pub rows: Vec<AccountLine>,
    pub pager: Pager,
    pub search: String,
}

#[derive(Template)]
#[template(path = "accounts/account_form.html")]
pub struct AccountFormPage {
    pub layout: Layout,
    /// None when creating.
    pub id: Option<i64>,
    pub form: AccountForm,
    pub errors: FieldErrors,
    pub regions: Vec<Choice>,
    pub kinds: Vec<Choice>,
}

impl AccountFormPage {
    pub fn new(
        chrome: &Chrome,
        account: Option<&Account>,
        form: AccountForm,
        errors: FieldErrors,
        regions: Vec<Region>,
    ) -> Self {
        let (title, crumbs) = match account {
            None => ("新建账号".to_string(), vec![Crumb::link("账号管理", "/admin/accounts"), Crumb::here("新建账号")]),
            Some(a) => {
                let mut crumbs = account_crumbs(a);
                crumbs.push(Crumb::here("编辑"));
                (format!("编辑账号 {}", a.username), crumbs)
            }
        };
        AccountFormPage {
            layout: chrome.layout(title, crumbs),
            id: account.map(|a| a.id.0),
            form,
            errors,
            regions: regions.into_iter().map(|r| Choice::new(r.code, r.name)).collect(),
            kinds: choices::<DepartmentKind>(),
        }
    }
}

#[derive(Template)]
#[template(path = "accounts/account.html")]
pub struct AccountDetailPage {
    pub layout: Layout,
    pub line: AccountLine,
}

#[derive(Template)]
#[template(path = "accounts/one_time_password.html")]
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
#[template(path = "accounts/dormant.html")]
pub struct DormantPage {
    pub layout: Layout,
    pub rows: Vec<AccountLine>,
    pub pager: Pager,
}

pub struct LoginLogLine {
    pub at: String,
    pub username: String,
    pub event: &'static str,
    pub success: bool,
    pub detail: String,
    pub client_addr: String,
}

impl From<LoginEvent> for LoginLogLine {
    fn from(r: LoginEvent) -> Self {
        LoginLogLine {
            at: time::seconds(&r.occurred_at),
            username: r.username.unwrap_or_default(),
            event: crate::audit::Action::parse(&r.action).map(|a| a.label()).unwrap_or("其他"),
            success: r.success,
            detail: r.detail.unwrap_or_default(),
            client_addr: r.client_addr.unwrap_or_default(),
        }
    }
}

#[derive(Template)]
#[template(path = "accounts/login_log.html")]
pub struct LoginLogPage {
    pub layout: Layout,
    pub rows: Vec<LoginLogLine>,
    pub keyset: Keyset,
}

pub struct SessionLine {
    pub handle: String,
    pub username: String,
    pub display_name: String,
    pub client_addr: String,
    pub since: String,
    pub last_seen: String,
}

impl From<OnlineSession> for SessionLine {
    fn from(s: OnlineSession) -> Self {
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
#[template(path = "accounts/sessions.html")]
pub struct SessionsPage {
    pub layout: Layout,
    pub rows: Vec<SessionLine>,
    pub pager: Pager,
}

/// A request as the system administrator's list shows it.
pub struct RequestRow {
    pub id: i64,
    pub kind: &'static str,
    pub region: String,
    pub display_name: String,
    pub requested: String,
    pub account: Option<(i64, String)>,
}

#[derive(Template)]
#[template(path = "accounts/requests.html")]
pub struct RequestsPage {
    pub layout: Layout,
    pub rows: Vec<RequestRow>,
    pub open: usize,
}

impl RequestsPage {
    pub fn new(chrome: &Chrome, list: Vec<super::requests::Request>) -> Self {
        let rows: Vec<RequestRow> = list
            .into_iter()
            .map(|r| RequestRow {
                id: r.id.0,
                kind: r.kind.label(),
                region: r.region_name,
                display_name: r.display_name,
                requested: format!("{} · {}", r.requested_by_name, time::minutes(&r.requested_at)),
                account: r.account_id.map(|a| (a.0, r.username.unwrap_or_default())),
            })
            .collect();
        RequestsPage {
            layout: chrome.layout("账号申请", vec![Crumb::here("账号申请")]),
            open: rows.iter().filter(|r| r.account.is_none()).count(),
            rows,
        }
    }
}
