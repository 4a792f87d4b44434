//! The auditor's search and a record's history: filters and the field-by-field comparison.

use serde::Deserialize;

use super::Action;
use crate::org::Role;
use crate::values::RegionCode;
use crate::web::pagination::{Cursor, lenient_i64};

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
    /// Keyset pages: older than this record, or newer.
    #[serde(default, deserialize_with = "lenient_i64")]
    pub before: Option<i64>,
    #[serde(default, deserialize_with = "lenient_i64")]
    pub after: Option<i64>,
}

impl AuditQuery {
    pub fn cursor(&self) -> Cursor {
        Cursor::from_query(self.before, self.after)
    }
}

/// The checked search. Values that do not parse are dropped rather than refused.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct AuditFilter {
    pub from: Option<chrono::NaiveDate>,
    pub to: Option<chrono::NaiveDate>,
    pub account: Option<String>,
    pub role: Option<Role>,
    pub region_code: Option<String>,
    pub action: Option<Action>,
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
            region_code: clean(&self.region, 6).filter(|c| RegionCode::parse(c).is_ok()),
            action: clean(&self.action, 64).and_then(|a| Action::parse(&a)),
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
        add("action", self.action.map(|a| a.as_str().to_string()));
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
        if let Some(a) = self.action {
            out.push(("操作", a.label().to_string()));
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
mod tests {
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
