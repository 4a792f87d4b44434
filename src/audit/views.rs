//! Page structs of the auditor's pages.

use askama::Template;

use super::model::{AuditFilter, FieldChange, field_changes};
use super::store::AuditRow;
use crate::org::Role;
use crate::values::time;
use crate::web::form::Choice;
use crate::web::layout::Layout;
use crate::web::pagination::Keyset;

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
            role: r.role.map(Role::label).unwrap_or(""),
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
#[template(path = "audit/search.html")]
pub struct AuditPage {
    pub layout: Layout,
    pub rows: Vec<AuditLine>,
    pub keyset: Keyset,
    pub filter: AuditFilter,
    pub export_query: String,
    pub regions: Vec<Choice>,
    pub roles: Vec<Choice>,
    pub actions: Vec<Choice>,
}

impl AuditPage {
    fn date(d: &Option<chrono::NaiveDate>) -> String {
        d.map(|d| d.to_string()).unwrap_or_default()
    }

    fn text(v: &Option<String>) -> &str {
        v.as_deref().unwrap_or("")
    }

    fn selected_role(&self) -> &'static str {
        self.filter.role.map(|r| r.as_str()).unwrap_or("")
    }

    fn selected_action(&self) -> &'static str {
        self.filter.action.map(|a| a.as_str()).unwrap_or("")
    }

    fn selected_region(&self) -> &str {
        self.filter.region_code.as_deref().unwrap_or("")
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
#[template(path = "audit/history.html")]
pub struct HistoryPage {
    pub layout: Layout,
    pub title: String,
    pub entries: Vec<HistoryEntry>,
}
