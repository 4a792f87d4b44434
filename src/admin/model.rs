//! Rules of the three administrators' pages (三员): account forms, role assignment, policy.

use serde::Deserialize;

use crate::access::{AssignmentError, Role, resolve_assignment};
use crate::accounts::{AccountId, Username};
use crate::auth::policy::PolicyOverrides;
use crate::departments::DepartmentKind;
use crate::regions::RegionLevel;
use crate::web::form::FieldErrors;
use crate::web::pagination::lenient_u32;

/// Accounts without a sign-in for this long are listed as dormant.
pub const DORMANT_DAYS: i64 = 90;

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
}

/// A checked account form. The region is a code to look up; the department a kind.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AccountInput {
    pub username: Option<Username>,
    pub display_name: String,
    pub region_code: Option<String>,
    pub department: Option<DepartmentKind>,
    pub version: Option<i32>,
}

/// Checks the form; `creating` decides whether a username is expected.
pub fn parse_account(form: &AccountForm, creating: bool) -> Result<AccountInput, FieldErrors> {
    let mut errors = FieldErrors::default();
    let username = if creating {
        match Username::parse(&form.username) {
            Ok(u) => Some(u),
            Err(e) => {
                errors.add_owned("username", e.to_string());
                None
            }
        }
    } else {
        None
    };
    let display_name = match crate::accounts::model::parse_display_name(&form.display_name) {
        Ok(n) => n,
        Err(message) => {
            errors.add("display_name", message);
            String::new()
        }
    };
    let region_code = match form.region.trim() {
        "" => None,
        code if crate::regions::model::is_valid_region_code(code) => Some(code.to_string()),
        _ => {
            errors.add("region", "请选择有效的地区");
            None
        }
    };
    let department = match form.department.trim() {
        "" => None,
        kind => match DepartmentKind::parse(kind) {
            Some(k) => Some(k),
            None => {
                errors.add("department", "请选择有效的部门");
                None
            }
        },
    };
    let version = if creating {
        None
    } else {
        match form.version.trim().parse() {
            Ok(v) => Some(v),
            Err(_) => {
                errors.add("version", "表单已损坏,请重新打开编辑页面");
                None
            }
        }
    };
    if errors.is_empty() {
        Ok(AccountInput { username, display_name, region_code, department, version })
    } else {
        Err(errors)
    }
}

/// Why the security administrator may not give this role.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RoleRefusal {
    #[error("不能给自己的账号分配管理员角色")]
    OwnAdministratorRole,
    #[error("{0}。账号的地区或部门与该角色不符,请先请系统管理员调整账号信息。")]
    Assignment(AssignmentError),
}

/// Checks a role assignment against DOMAIN.md's table and the separation of duties. Returns the
/// department the account will hold.
pub fn check_role_assignment(
    actor: AccountId,
    target: AccountId,
    role: Role,
    region: Option<RegionLevel>,
    department: Option<DepartmentKind>,
) -> Result<Option<DepartmentKind>, RoleRefusal> {
    if actor == target && role.is_administrator() {
        return Err(RoleRefusal::OwnAdministratorRole);
    }
    // Only a partner officer's department is the account's own choice; the other roles imply
    // theirs (HRSS, the agency) or hold none.
    let department = if role == Role::PartnerOfficer { department } else { None };
    resolve_assignment(role, region, department).map_err(RoleRefusal::Assignment)
}

/// The security administrator's policy form.
#[derive(Clone, Debug, Default, Deserialize)]
pub struct PolicyForm {
    #[serde(default)]
    pub password_min_length: String,
    #[serde(default)]
    pub password_max_age_days: String,
    #[serde(default)]
    pub password_history: String,
    #[serde(default)]
    pub lockout_threshold: String,
    #[serde(default)]
    pub lockout_minutes: String,
    #[serde(default)]
    pub session_idle_timeout_minutes: String,
    #[serde(default)]
    pub session_absolute_timeout_hours: String,
    #[serde(default)]
    pub totp_required_for_all: Option<String>,
}

/// Checks the policy form against the ranges SECURITY.md allows.
pub fn parse_policy(form: &PolicyForm) -> Result<PolicyOverrides, FieldErrors> {
    let mut errors = FieldErrors::default();
    let mut number =
        |field: &'static str, raw: &str, range: std::ops::RangeInclusive<i32>, message: &'static str| match raw
            .trim()
            .parse::<i32>(
        ) {
            Ok(v) if range.contains(&v) => Some(v),
            _ => {
                errors.add(field, message);
                None
            }
        };
    let overrides = PolicyOverrides {
        password_min_length: number(
            "password_min_length",
            &form.password_min_length,
            10..=64,
            "密码最小长度须在 10 至 64 之间",
        ),
        password_max_age_days: number(
            "password_max_age_days",
            &form.password_max_age_days,
            1..=365,
            "密码有效期须在 1 至 365 天之间",
        ),
        password_history: number("password_history", &form.password_history, 1..=24, "历史密码数须在 1 至 24 之间"),
        lockout_threshold: number("lockout_threshold", &form.lockout_threshold, 3..=10, "锁定阈值须在 3 至 10 次之间"),
        lockout_minutes: number("lockout_minutes", &form.lockout_minutes, 1..=1440, "锁定时长须在 1 至 1440 分钟之间"),
        session_idle_timeout_secs: number(
            "session_idle_timeout_minutes",
            &form.session_idle_timeout_minutes,
            1..=1440,
            "空闲超时须在 1 至 1440 分钟之间",
        )
        .map(|m| m * 60),
        session_absolute_timeout_secs: number(
            "session_absolute_timeout_hours",
            &form.session_absolute_timeout_hours,
            1..=24,
            "会话最长时间须在 1 至 24 小时之间",
        )
        .map(|h| h * 3600),
        totp_required_for_all: Some(form.totp_required_for_all.is_some()),
    };
    if errors.is_empty() { Ok(overrides) } else { Err(errors) }
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

/// The auditor's search: every filter optional, all combined.
#[derive(Debug, Default, Deserialize)]
pub struct AuditQuery {
    /// Calendar dates (Asia/Shanghai), inclusive.
    #[serde(default)]
    pub from: Option<String>,
    #[serde(default)]
    pub to: Option<String>,
    #[serde(default)]
    pub account: Option<String>,
    #[serde(default)]
    pub role: Option<String>,
    #[serde(default)]
    pub region: Option<String>,
    #[serde(default)]
    pub action: Option<String>,
    #[serde(default)]
    pub object_type: Option<String>,
    #[serde(default)]
    pub object_id: Option<String>,
    /// "yes", "no" or empty.
    #[serde(default)]
    pub success: Option<String>,
    #[serde(default, deserialize_with = "lenient_u32")]
    pub page: Option<u32>,
}

/// The checked search. Values that do not parse are dropped rather than refused.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct AuditFilter {
    pub from: Option<chrono::NaiveDate>,
    pub to: Option<chrono::NaiveDate>,
    pub account: Option<String>,
    pub role: Option<Role>,
    pub region_code: Option<String>,
    pub action: Option<String>,
    pub object_type: Option<String>,
    pub object_id: Option<String>,
    pub success: Option<bool>,
}

fn clean(v: &Option<String>, max: usize) -> Option<String> {
    v.as_deref().map(str::trim).filter(|s| !s.is_empty()).map(|s| s.chars().take(max).collect())
}

impl AuditQuery {
    pub fn filter(&self) -> AuditFilter {
        let date =
            |v: &Option<String>| clean(v, 10).and_then(|s| chrono::NaiveDate::parse_from_str(&s, "%Y-%m-%d").ok());
        AuditFilter {
            from: date(&self.from),
            to: date(&self.to),
            account: clean(&self.account, 64),
            role: clean(&self.role, 32).and_then(|r| Role::parse(&r)),
            region_code: clean(&self.region, 6).filter(|c| crate::regions::model::is_valid_region_code(c)),
            action: clean(&self.action, 64)
                .filter(|a| a.bytes().all(|b| b.is_ascii_lowercase() || b == b'.' || b == b'_')),
            object_type: clean(&self.object_type, 64),
            object_id: clean(&self.object_id, 64),
            success: match clean(&self.success, 3).as_deref() {
                Some("yes") => Some(true),
                Some("no") => Some(false),
                _ => None,
            },
        }
    }
}

impl AuditFilter {
    pub fn is_empty(&self) -> bool {
        *self == AuditFilter::default()
    }

    /// The filters as a query string (for the pager, the export link, the audit record).
    pub fn to_query_string(&self) -> String {
        let mut out = form_urlencoded::Serializer::new(String::new());
        for (key, value) in self.pairs() {
            out.append_pair(key, &value);
        }
        out.finish()
    }

    fn pairs(&self) -> Vec<(&'static str, String)> {
        let mut pairs = Vec::new();
        let mut add = |k: &'static str, v: Option<String>| {
            if let Some(v) = v {
                pairs.push((k, v));
            }
        };
        add("from", self.from.map(|d| d.to_string()));
        add("to", self.to.map(|d| d.to_string()));
        add("account", self.account.clone());
        add("role", self.role.map(|r| r.as_str().to_string()));
        add("region", self.region_code.clone());
        add("action", self.action.clone());
        add("object_type", self.object_type.clone());
        add("object_id", self.object_id.clone());
        add("success", self.success.map(|s| if s { "yes" } else { "no" }.to_string()));
        pairs
    }

    /// The filters in Chinese, for the top of an export.
    pub fn describe(&self) -> Vec<(&'static str, String)> {
        let mut out = Vec::new();
        if let Some(d) = self.from {
            out.push(("起始日期", d.to_string()));
        }
        if let Some(d) = self.to {
            out.push(("截止日期", d.to_string()));
        }
        if let Some(a) = &self.account {
            out.push(("账号", a.clone()));
        }
        if let Some(r) = self.role {
            out.push(("角色", r.label().to_string()));
        }
        if let Some(c) = &self.region_code {
            out.push(("地区代码", c.clone()));
        }
        if let Some(a) = &self.action {
            out.push(("操作", a.clone()));
        }
        if let Some(t) = &self.object_type {
            out.push(("对象类型", t.clone()));
        }
        if let Some(i) = &self.object_id {
            out.push(("对象编号", i.clone()));
        }
        if let Some(s) = self.success {
            out.push(("结果", if s { "成功" } else { "失败" }.to_string()));
        }
        if out.is_empty() {
            out.push(("筛选条件", "全部".to_string()));
        }
        out
    }
}

/// One field of a before/after pair.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FieldChange {
    pub field: String,
    pub before: String,
    pub after: String,
    pub changed: bool,
}

/// The before/after copies of an audit record compared field by field (top-level keys, sorted).
pub fn field_changes(before: Option<&serde_json::Value>, after: Option<&serde_json::Value>) -> Vec<FieldChange> {
    let empty = serde_json::Map::new();
    let as_map = |v: Option<&serde_json::Value>| match v {
        Some(serde_json::Value::Object(m)) => m.clone(),
        _ => empty.clone(),
    };
    let (before, after) = (as_map(before), as_map(after));
    let mut fields: Vec<&String> = before.keys().chain(after.keys()).collect();
    fields.sort();
    fields.dedup();
    let show = |v: Option<&serde_json::Value>| match v {
        None | Some(serde_json::Value::Null) => String::new(),
        Some(serde_json::Value::String(s)) => s.clone(),
        Some(other) => other.to_string(),
    };
    fields
        .into_iter()
        .map(|f| {
            let (b, a) = (before.get(f), after.get(f));
            FieldChange { field: f.clone(), before: show(b), after: show(a), changed: b != a }
        })
        .collect()
}

#[cfg(test)]
mod audit_tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn searches_keep_only_well_formed_filters() {
        let q = AuditQuery {
            from: Some("2026-11-01".into()),
            to: Some("not a date".into()),
            role: Some("auditor".into()),
            region: Some("21".into()),
            action: Some("login.failure".into()),
            success: Some("no".into()),
            ..Default::default()
        };
        let f = q.filter();
        assert_eq!(f.from, chrono::NaiveDate::from_ymd_opt(2026, 11, 1));
        assert_eq!(f.to, None);
        assert_eq!(f.role, Some(Role::Auditor));
        assert_eq!(f.region_code, None);
        assert_eq!(f.success, Some(false));
        assert_eq!(f.to_query_string(), "from=2026-11-01&role=auditor&action=login.failure&success=no");
        assert!(f.describe().iter().any(|(k, v)| *k == "结果" && v == "失败"));
        assert!(AuditQuery::default().filter().is_empty());
        let injected = AuditQuery { action: Some("x' OR 1=1".into()), ..Default::default() };
        assert_eq!(injected.filter().action, None);
    }

    #[test]
    fn changes_are_shown_field_by_field() {
        let before = json!({"contact_person": "", "contact_phone": "138****5678", "address": "沈阳"});
        let after = json!({"contact_person": "李建国", "contact_phone": "138****5678", "version": 2});
        let changes = field_changes(Some(&before), Some(&after));
        let by = |f: &str| changes.iter().find(|c| c.field == f).unwrap().clone();
        assert_eq!(
            changes.iter().map(|c| c.field.as_str()).collect::<Vec<_>>(),
            ["address", "contact_person", "contact_phone", "version"]
        );
        assert!(by("contact_person").changed && by("contact_person").after == "李建国");
        assert!(!by("contact_phone").changed);
        assert_eq!((by("address").before.as_str(), by("address").after.as_str()), ("沈阳", ""));
        assert_eq!(by("version").after, "2");
        assert!(field_changes(None, None).is_empty());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_account_form_is_checked_field_by_field() {
        let form = AccountForm {
            username: "ln_wang".into(),
            display_name: "王芳".into(),
            region: "210100".into(),
            department: "hrss".into(),
            version: String::new(),
        };
        let input = parse_account(&form, true).unwrap();
        assert_eq!(input.username.unwrap().as_str(), "ln_wang");
        assert_eq!(input.region_code.as_deref(), Some("210100"));
        let bad = AccountForm {
            username: "王".into(),
            display_name: " ".into(),
            region: "x".into(),
            department: "police".into(),
            ..form
        };
        let errors = parse_account(&bad, true).unwrap_err();
        for field in ["username", "display_name", "region", "department"] {
            assert!(errors.get(field).is_some(), "{field}");
        }
        assert!(
            parse_account(&AccountForm { display_name: "王芳".into(), ..Default::default() }, false).is_err(),
            "an edit needs its version"
        );
    }

    #[test]
    fn no_administrator_role_for_ones_own_account() {
        let me = AccountId(1);
        assert_eq!(check_role_assignment(me, me, Role::SysAdmin, None, None), Err(RoleRefusal::OwnAdministratorRole));
        assert_eq!(check_role_assignment(me, AccountId(2), Role::SysAdmin, None, None), Ok(None));
        assert_eq!(
            check_role_assignment(
                me,
                AccountId(2),
                Role::CityOfficer,
                Some(RegionLevel::City),
                Some(DepartmentKind::Hrss)
            ),
            Ok(Some(DepartmentKind::Hrss))
        );
        assert!(matches!(
            check_role_assignment(me, AccountId(2), Role::CityOfficer, Some(RegionLevel::Province), None),
            Err(RoleRefusal::Assignment(_))
        ));
        assert!(matches!(
            check_role_assignment(
                me,
                AccountId(2),
                Role::PartnerOfficer,
                Some(RegionLevel::City),
                Some(DepartmentKind::Hrss)
            ),
            Err(RoleRefusal::Assignment(_))
        ));
        assert_eq!(
            check_role_assignment(
                me,
                AccountId(2),
                Role::Expert,
                Some(RegionLevel::City),
                Some(DepartmentKind::Health)
            ),
            Ok(None),
            "an expert holds no department"
        );
    }

    #[test]
    fn policy_values_stay_in_range() {
        let form = PolicyForm {
            password_min_length: "12".into(),
            password_max_age_days: "90".into(),
            password_history: "5".into(),
            lockout_threshold: "5".into(),
            lockout_minutes: "30".into(),
            session_idle_timeout_minutes: "15".into(),
            session_absolute_timeout_hours: "8".into(),
            totp_required_for_all: Some("on".into()),
        };
        let p = parse_policy(&form).unwrap();
        assert_eq!(p.session_idle_timeout_secs, Some(900));
        assert_eq!(p.totp_required_for_all, Some(true));
        let bad = PolicyForm { password_min_length: "8".into(), lockout_threshold: "50".into(), ..form };
        let errors = parse_policy(&bad).unwrap_err();
        assert!(errors.get("password_min_length").is_some());
        assert!(errors.get("lockout_threshold").is_some());
    }
}
