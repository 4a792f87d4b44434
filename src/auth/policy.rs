//! The password, lockout and session policy: defaults from the configuration file, overridden
//! field by field by the security administrator's values in the database.

use crate::config::Settings;

/// Days before expiry from which signed-in users are warned.
pub const EXPIRY_WARNING_DAYS: i64 = 7;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SecurityPolicy {
    pub password_min_length: u32,
    pub password_max_age_days: u32,
    pub password_history: u32,
    pub lockout_threshold: u32,
    pub lockout_minutes: u32,
    pub session_idle_timeout_secs: u64,
    pub session_absolute_timeout_secs: u64,
    /// A second factor for every account, not only the administrators.
    pub totp_required_for_all: bool,
}

/// The database's overrides; `None` keeps the configured value.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct PolicyOverrides {
    pub password_min_length: Option<i32>,
    pub password_max_age_days: Option<i32>,
    pub password_history: Option<i32>,
    pub lockout_threshold: Option<i32>,
    pub lockout_minutes: Option<i32>,
    pub session_idle_timeout_secs: Option<i32>,
    pub session_absolute_timeout_secs: Option<i32>,
    pub totp_required_for_all: Option<bool>,
}

impl SecurityPolicy {
    pub fn from_settings(s: &Settings) -> SecurityPolicy {
        SecurityPolicy {
            password_min_length: s.password_min_length.max(10),
            password_max_age_days: s.password_max_age_days,
            password_history: s.password_history,
            lockout_threshold: s.lockout_threshold,
            lockout_minutes: s.lockout_minutes,
            session_idle_timeout_secs: s.session_idle_timeout_secs,
            session_absolute_timeout_secs: s.session_absolute_timeout_secs,
            totp_required_for_all: s.totp_required_for_all,
        }
    }

    /// The configured policy with the database's values put over it.
    pub fn with(self, o: PolicyOverrides) -> SecurityPolicy {
        let u32_or = |v: Option<i32>, d: u32| v.and_then(|v| u32::try_from(v).ok()).unwrap_or(d);
        let u64_or = |v: Option<i32>, d: u64| v.and_then(|v| u64::try_from(v).ok()).unwrap_or(d);
        SecurityPolicy {
            password_min_length: u32_or(o.password_min_length, self.password_min_length),
            password_max_age_days: u32_or(o.password_max_age_days, self.password_max_age_days),
            password_history: u32_or(o.password_history, self.password_history),
            lockout_threshold: u32_or(o.lockout_threshold, self.lockout_threshold),
            lockout_minutes: u32_or(o.lockout_minutes, self.lockout_minutes),
            session_idle_timeout_secs: u64_or(o.session_idle_timeout_secs, self.session_idle_timeout_secs),
            session_absolute_timeout_secs: u64_or(o.session_absolute_timeout_secs, self.session_absolute_timeout_secs),
            totp_required_for_all: o.totp_required_for_all.unwrap_or(self.totp_required_for_all),
        }
    }

    /// Checks a new password against the rules of SECURITY.md: length, three of four character
    /// classes, not containing the username, not a common password.
    pub fn check_new_password(&self, username: &str, password: &str) -> Result<(), String> {
        let length = password.chars().count();
        if length < self.password_min_length as usize {
            return Err(format!("密码至少 {} 个字符", self.password_min_length));
        }
        super::password::check_strength(password).map_err(str::to_string)?;
        if !username.is_empty() && password.to_lowercase().contains(&username.to_lowercase()) {
            return Err("密码不能包含用户名".to_string());
        }
        if is_common_password(password, username) {
            return Err("密码过于常见，容易被猜中，请换一个".to_string());
        }
        Ok(())
    }
}

/// A password found in (or barely different from) the common-password lists that ship with
/// the zxcvbn crate.
pub fn is_common_password(password: &str, username: &str) -> bool {
    use zxcvbn::feedback::Warning;
    let estimate = zxcvbn::zxcvbn(password, &[username]);
    matches!(
        estimate.feedback().and_then(|f| f.warning()),
        Some(
            Warning::ThisIsATop10Password
                | Warning::ThisIsATop100Password
                | Warning::ThisIsACommonPassword
                | Warning::ThisIsSimilarToACommonlyUsedPassword
        )
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn policy() -> SecurityPolicy {
        SecurityPolicy::from_settings(&Settings::default())
    }

    #[test]
    fn each_rule_has_its_message() {
        let p = policy();
        assert_eq!(p.check_new_password("wangfang", "Ab1#xyz"), Err("密码至少 10 个字符".to_string()));
        assert_eq!(
            p.check_new_password("wangfang", "abcdefghijk1"),
            Err("密码须包含大写字母、小写字母、数字、其他字符中的至少三类".to_string())
        );
        assert_eq!(p.check_new_password("wangfang", "WangFang#2026x"), Err("密码不能包含用户名".to_string()));
        assert_eq!(
            p.check_new_password("wangfang", "Password123!"),
            Err("密码过于常见，容易被猜中，请换一个".to_string())
        );
        assert_eq!(p.check_new_password("wangfang", "Gongshang#Yufang7"), Ok(()));
        assert!(p.check_new_password("wangfang", &"Aa1#".repeat(33)).is_err(), "over 128 characters");
    }

    #[test]
    fn database_values_win_field_by_field() {
        let p = policy().with(PolicyOverrides {
            lockout_threshold: Some(3),
            password_min_length: Some(12),
            ..Default::default()
        });
        assert_eq!(p.lockout_threshold, 3);
        assert_eq!(p.password_min_length, 12);
        assert_eq!(p.lockout_minutes, 30);
        assert_eq!(p.check_new_password("u", "Gongshang#1"), Err("密码至少 12 个字符".to_string()));
    }
}
