//! Rules of the security administrator's pages: role assignment within the role table and the
//! separation of duties, and the policy form.

use serde::Deserialize;

use crate::access::{AssignmentError, resolve_assignment};
use crate::auth::policy::{PolicyOverrides, SecurityPolicy};
use crate::org::{AccountId, DepartmentKind, RegionLevel, Role};
use crate::web::form::FieldErrors;

/// Why the security administrator may not give this role.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RoleRefusal {
    #[error("不能给自己的账号分配管理员角色")]
    OwnAdministratorRole,
    #[error("{0}。账号的地区或部门与该角色不符，请先请系统管理员调整账号信息。")]
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

#[cfg(test)]
mod tests {
    use super::*;

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
