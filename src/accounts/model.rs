use std::fmt;

use serde::Serialize;

use crate::access::Role;
use crate::departments::DepartmentKind;
use crate::regions::RegionId;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, sqlx::Type)]
#[sqlx(transparent)]
pub struct AccountId(pub i64);

impl fmt::Display for AccountId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

/// A login name: 3–32 of `A–Z a–z 0–9 _ . -`, unique regardless of case.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Username(String);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum UsernameError {
    #[error("用户名长度须为 3 至 32 个字符")]
    Length,
    #[error("用户名只能包含英文字母、数字、下划线、点和连字符")]
    Characters,
}

impl Username {
    pub fn parse(raw: &str) -> Result<Username, UsernameError> {
        let name = raw.trim();
        if !(3..=32).contains(&name.chars().count()) {
            return Err(UsernameError::Length);
        }
        if !name.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'.' | b'-')) {
            return Err(UsernameError::Characters);
        }
        Ok(Username(name.to_string()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Username {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A display name (姓名): 1–50 characters after trimming.
pub fn parse_display_name(raw: &str) -> Result<String, &'static str> {
    let name = raw.trim();
    match name.chars().count() {
        0 => Err("姓名不能为空"),
        1..=50 => Ok(name.to_string()),
        _ => Err("姓名不能超过 50 个字符"),
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn usernames_are_checked() {
        assert_eq!(Username::parse(" sy_city01 ").unwrap().as_str(), "sy_city01");
        assert_eq!(Username::parse("ab"), Err(UsernameError::Length));
        assert_eq!(Username::parse(&"a".repeat(33)), Err(UsernameError::Length));
        assert_eq!(Username::parse("张三丰"), Err(UsernameError::Characters));
        assert_eq!(Username::parse("a b c"), Err(UsernameError::Characters));
    }

    #[test]
    fn display_names_are_checked() {
        assert_eq!(parse_display_name(" 王芳 "), Ok("王芳".to_string()));
        assert!(parse_display_name("  ").is_err());
        assert!(parse_display_name(&"名".repeat(51)).is_err());
    }
}
