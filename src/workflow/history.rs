//! The shared history of status changes: one table (`workflow_history`, region-scoped with
//! row-level security) for every record kind, written in the same transaction as the change
//! and its audit record, and shown as a timeline (`templates/partials/timeline.html`).

use chrono::{DateTime, Utc};
use sqlx::PgConnection;

use super::PastStep;
use crate::macros::Labelled;
use crate::org::{AccountId, RegionId};
use crate::values::time;

/// One transition as it is written.
#[derive(Clone, Debug)]
pub struct Step<'a> {
    pub region_id: RegionId,
    pub record_kind: &'static str,
    pub record_id: i64,
    pub from: &'static str,
    pub to: &'static str,
    pub action: &'static str,
    pub comment: &'a str,
    pub by: AccountId,
    pub by_name: &'a str,
}

/// Writes a transition, inside the caller's transaction (opened for the actor's scope).
pub async fn record(tx: &mut PgConnection, step: &Step<'_>) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "INSERT INTO workflow_history (region_id, record_kind, record_id, from_status, to_status, action, comment,
                                       account_id, account_name)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        step.region_id.0,
        step.record_kind,
        step.record_id,
        step.from,
        step.to,
        step.action,
        step.comment.trim(),
        step.by.0,
        step.by_name,
    )
    .execute(tx)
    .await?;
    Ok(())
}

/// A transition as it was written.
#[derive(Clone, Debug)]
pub struct Entry {
    pub from_status: String,
    pub to_status: String,
    pub action: String,
    pub comment: String,
    pub account_id: AccountId,
    pub account_name: String,
    pub occurred_at: DateTime<Utc>,
}

/// A record's transitions, oldest first, as far as the transaction's scope may see them.
pub async fn of(tx: &mut PgConnection, record_kind: &str, record_id: i64) -> Result<Vec<Entry>, sqlx::Error> {
    sqlx::query_as!(
        Entry,
        r#"SELECT from_status, to_status, action, comment, account_id AS "account_id: AccountId", account_name,
                  occurred_at
           FROM workflow_history WHERE record_kind = $1 AND record_id = $2 ORDER BY id"#,
        record_kind,
        record_id
    )
    .fetch_all(tx)
    .await
}

/// Who took which action, for the four-eyes rule (entries with an action this kind no longer
/// knows are left out).
pub fn past_steps<A: Labelled + PartialEq>(entries: &[Entry]) -> Vec<PastStep<A>> {
    entries
        .iter()
        .filter_map(|e| {
            A::all().iter().copied().find(|a| a.name() == e.action).map(|action| PastStep { action, by: e.account_id })
        })
        .collect()
}

/// A line of the timeline partial.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TimelineLine {
    pub at: String,
    pub who: String,
    pub action: String,
    pub from: String,
    pub to: String,
    /// The status changed (an attached file leaves it as it was).
    pub moved: bool,
    pub comment: String,
    /// What the comment is: a reason, or the file attached or removed.
    pub comment_label: &'static str,
    /// Money or scores the step decided (核定金额, 平均分 …), where a record's page adds them.
    pub figure: String,
}

/// Steps the shared mechanisms write into a record's history beside its own actions (the
/// status stays what it was).
pub const ATTACH: &str = "attach";
pub const DETACH: &str = "detach";
/// A report on a record that changes no status (a project's progress), with its figures as the
/// comment.
pub const REPORT: &str = "report";

/// The timeline of a record whose statuses are `S` and actions `A`, newest first.
pub fn timeline<S: Labelled, A: Labelled>(entries: &[Entry]) -> Vec<TimelineLine> {
    fn label<T: Labelled>(name: &str) -> String {
        match name {
            ATTACH => "上传附件".to_string(),
            DETACH => "删除附件".to_string(),
            REPORT => "报告实施进度".to_string(),
            _ => T::all()
                .iter()
                .find(|v| v.name() == name)
                .map(|v| v.text().to_string())
                .unwrap_or_else(|| name.to_string()),
        }
    }
    entries
        .iter()
        .rev()
        .map(|e| TimelineLine {
            at: time::minutes(&e.occurred_at),
            who: e.account_name.clone(),
            action: label::<A>(&e.action),
            from: label::<S>(&e.from_status),
            to: label::<S>(&e.to_status),
            moved: e.from_status != e.to_status,
            comment: e.comment.clone(),
            comment_label: match e.action.as_str() {
                ATTACH | DETACH => "文件",
                REPORT => "进度",
                _ => "理由",
            },
            figure: String::new(),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    labelled_enum! {
        enum S { Draft => ("draft", "草稿"), Sent => ("sent", "已报备") }
    }
    labelled_enum! {
        enum A { Send => ("send", "报备") }
    }

    fn entry(action: &str, by: i64) -> Entry {
        Entry {
            from_status: "draft".into(),
            to_status: "sent".into(),
            action: action.into(),
            comment: String::new(),
            account_id: AccountId(by),
            account_name: "王芳".into(),
            occurred_at: Utc::now(),
        }
    }

    #[test]
    fn the_timeline_speaks_chinese_newest_first() {
        let mut old = entry("send", 1);
        old.comment = "第一次".into();
        let lines = timeline::<S, A>(&[old, entry("send", 2)]);
        assert_eq!(
            (lines[0].action.as_str(), lines[0].from.as_str(), lines[0].to.as_str()),
            ("报备", "草稿", "已报备")
        );
        assert_eq!(lines[1].comment, "第一次");
        assert!(lines[0].moved && lines[1].comment_label == "理由");
        let mut attached = entry(ATTACH, 1);
        attached.to_status = "draft".into();
        let line = &timeline::<S, A>(&[attached])[0];
        assert_eq!((line.action.as_str(), line.moved, line.comment_label), ("上传附件", false, "文件"));
        assert_eq!(
            past_steps::<A>(&[entry("send", 1), entry("gone", 2)]),
            vec![PastStep { action: A::Send, by: AccountId(1) }]
        );
    }
}
