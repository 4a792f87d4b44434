//! Accounts: the one row type the account pages, the operator's commands and the demo share,
//! the account form, and the rules of usernames and names.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::org::{AccountId, DepartmentKind, Region, RegionId, Role};
use crate::values::{RegionCode, Text, ValueError, Version};
use crate::web::form::{FieldErrors, FormParser};
use crate::web::pagination::lenient_u32;

/// Accounts without a sign-in for this long are listed as dormant.
pub const DORMANT_DAYS: i64 = 90;

/// A login name: 3–32 of `A–Z a–z 0–9 _ . -`, unique regardless of case.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct Username(String);

impl Username {
    pub fn parse(raw: &str) -> Result<Username, ValueError> {
        let name = raw.trim();
        if !(3..=32).contains(&name.chars().count()) {
            return Err(ValueError::new("用户名长度须为 3 至 32 个字符"));
        }
        if !name.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'.' | b'-')) {
            return Err(ValueError::new("用户名只能包含英文字母、数字、下划线、点和连字符"));
        }
        Ok(Username(name.to_string()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl crate::values::FieldValue for Username {
    fn parse_field(input: &str) -> Result<Self, ValueError> {
        Username::parse(input)
    }
}

impl std::fmt::Display for Username {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// A display name (姓名): 1–50 characters after trimming.
pub fn parse_display_name(raw: &str) -> Result<Text<50>, ValueError> {
    let name = Text::<50>::parse(raw)?;
    if name.is_empty() { Err(ValueError::new("姓名不能为空")) } else { Ok(name) }
}

/// An account ready to be stored: the role assignment has been checked
/// ([`crate::access::resolve_assignment`]) and the password hashed.
#[derive(Clone, Debug)]
pub struct NewAccount {
    pub username: Username,
    pub display_name: String,
    pub role: Option<Role>,
    pub region_id: Option<RegionId>,
    pub department: Option<DepartmentKind>,
    pub password_hash: String,
    pub must_change_password: bool,
}

/// An account as the administrators' pages, the operator's commands and the audit log see it.
#[derive(Clone, Debug)]
pub struct Account {
    pub id: AccountId,
    pub username: String,
    pub display_name: String,
    pub role: Option<Role>,
    pub region: Option<Region>,
    pub department: Option<DepartmentKind>,
    pub disabled: bool,
    pub locked: bool,
    pub totp_enabled: bool,
    pub must_change_password: bool,
    pub last_login_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub version: i32,
}

/// What the audit log copies of an account before and after a change.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct AccountSnapshot {
    pub username: String,
    pub display_name: String,
    pub role: Option<Role>,
    pub region: Option<String>,
    pub department_kind: Option<DepartmentKind>,
    pub disabled: bool,
}

impl Account {
    pub fn snapshot(&self) -> AccountSnapshot {
        AccountSnapshot {
            username: self.username.clone(),
            display_name: self.display_name.clone(),
            role: self.role,
            region: self.region.as_ref().map(|r| r.code.clone()),
            department_kind: self.department,
            disabled: self.disabled,
        }
    }

    pub fn region_code(&self) -> Option<&str> {
        self.region.as_ref().map(|r| r.code.as_str())
    }

    /// How the lists describe its standing.
    pub fn status(&self) -> &'static str {
        if self.disabled {
            "已停用"
        } else if self.locked {
            "已锁定"
        } else if self.must_change_password {
            "待改初始密码"
        } else {
            "正常"
        }
    }
}

/// Which accounts a query wants; every part optional, all combined.
#[derive(Clone, Debug, Default)]
pub struct AccountFilter {
    pub id: Option<AccountId>,
    /// Exactly this username, regardless of case.
    pub username: Option<String>,
    /// Part of the username or name.
    pub search: Option<String>,
    /// Not disabled, and no sign-in for [`DORMANT_DAYS`].
    pub dormant: bool,
}

impl AccountFilter {
    /// The search as a LIKE pattern for lowercased columns, its wildcards escaped.
    pub fn search_pattern(&self) -> Option<String> {
        self.search
            .as_ref()
            .map(|q| format!("%{}%", q.to_lowercase().replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_")))
    }
}

/// The system administrator's account form (create and edit): no role here, by design.
#[derive(Clone, Debug, Default, Deserialize)]
pub struct AccountForm {
    #[serde(default)]
    pub username: String,
    #[serde(default)]
    pub display_name: String,
    #[serde(default)]
    pub region: String,
    #[serde(default)]
    pub department: String,
    #[serde(default)]
    pub version: String,
    /// The request (an expert's) this new account answers, if any.
    #[serde(default)]
    pub request: String,
}

impl From<&Account> for AccountForm {
    fn from(a: &Account) -> Self {
        AccountForm {
            username: a.username.clone(),
            display_name: a.display_name.clone(),
            region: a.region_code().unwrap_or_default().to_string(),
            department: a.department.map(|d| d.as_str().to_string()).unwrap_or_default(),
            version: a.version.to_string(),
            request: String::new(),
        }
    }
}

/// A checked account form. The region is a code to look up; the department a kind.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AccountInput {
    pub display_name: Text<50>,
    pub region_code: Option<RegionCode>,
    pub department: Option<DepartmentKind>,
}

impl AccountForm {
    fn parse_common(&self, p: &mut FormParser) -> Option<AccountInput> {
        let display_name = p.required::<Text<50>>("display_name", &self.display_name);
        let region_code = p.optional::<RegionCode>("region", &self.region);
        let department = p.optional::<DepartmentKind>("department", &self.department);
        Some(AccountInput { display_name: display_name?, region_code: region_code?, department: department? })
    }

    /// A new account's form: the username too.
    pub fn parse_new(&self) -> Result<(Username, AccountInput), FieldErrors> {
        let mut p = FormParser::default();
        let username = p.required::<Username>("username", &self.username);
        let input = self.parse_common(&mut p);
        p.finish(|| Some((username?, input?)))
    }

    /// An edit: the version it started from too.
    pub fn parse_edit(&self) -> Result<(AccountInput, Version), FieldErrors> {
        let mut p = FormParser::default();
        let input = self.parse_common(&mut p);
        let version = p.value::<Version>("version", &self.version);
        p.finish(|| Some((input?, version?)))
    }
}

/// The account list's filters.
#[derive(Debug, Default, Deserialize)]
pub struct AccountQuery {
    #[serde(default)]
    pub q: Option<String>,
    #[serde(default, deserialize_with = "lenient_u32")]
    pub page: Option<u32>,
}

impl AccountQuery {
    /// The search text, trimmed, at most 32 characters; empty means none.
    pub fn search(&self) -> Option<String> {
        self.q.as_deref().map(str::trim).filter(|q| !q.is_empty()).map(|q| q.chars().take(32).collect())
    }

    pub fn to_query_string(&self) -> String {
        let mut out = form_urlencoded::Serializer::new(String::new());
        if let Some(q) = self.search() {
            out.append_pair("q", &q);
        }
        out.finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn usernames_are_checked() {
        assert_eq!(Username::parse(" sy_city01 ").unwrap().as_str(), "sy_city01");
        assert!(Username::parse("ab").unwrap_err().to_string().contains("3 至 32"));
        assert!(Username::parse(&"a".repeat(33)).is_err());
        assert!(Username::parse("张三丰").unwrap_err().to_string().contains("只能包含"));
        assert!(Username::parse("a b c").is_err());
    }

    #[test]
    fn display_names_are_checked() {
        assert_eq!(parse_display_name(" 王芳 ").unwrap().as_str(), "王芳");
        assert!(parse_display_name("  ").is_err());
        assert!(parse_display_name(&"名".repeat(51)).is_err());
    }

    #[test]
    fn the_account_form_is_checked_field_by_field() {
        let form = AccountForm {
            username: "ln_wang".into(),
            display_name: "王芳".into(),
            region: "210100".into(),
            department: "hrss".into(),
            version: String::new(),
            request: String::new(),
        };
        let (username, input) = form.parse_new().unwrap();
        assert_eq!(username.as_str(), "ln_wang");
        assert_eq!(input.region_code.unwrap().as_str(), "210100");
        let bad = AccountForm {
            username: "王".into(),
            display_name: " ".into(),
            region: "x".into(),
            department: "police".into(),
            ..form
        };
        let errors = bad.parse_new().unwrap_err();
        for field in ["username", "display_name", "region", "department"] {
            assert!(errors.get(field).is_some(), "{field}");
        }
        let edit = AccountForm { display_name: "王芳".into(), ..Default::default() };
        assert!(edit.parse_edit().unwrap_err().get("version").is_some(), "an edit needs its version");
    }

    #[test]
    fn searches_escape_wildcards() {
        let f = AccountFilter { search: Some("a_%".into()), ..Default::default() };
        assert_eq!(f.search_pattern().as_deref(), Some("%a\\_\\%%"));
    }
}
