//! The end every transition shares once its record kind has decided it and changed the record:
//! the history row, the audit record saying what moved and why, and the form token's outcome,
//! all in the caller's transaction; and, for the handler, what a refused transition shows.

use serde::Deserialize;
use sqlx::PgConnection;

use super::history::{self, Step};
use super::{By, Done, Problem, Refusal, TransitionError};
use crate::audit::{self, Action, AuditContext, Event};
use crate::error::{AppError, WriteError};
use crate::macros::Labelled;
use crate::org::RegionId;
use crate::web::once::{self, FormToken};

/// A transition taken: which record, from and to which status, by which action, why.
pub struct Taken<'a, S, A> {
    pub region: RegionId,
    pub kind: &'static str,
    pub id: i64,
    pub from: S,
    pub to: S,
    pub action: A,
    pub comment: &'a str,
}

/// Writes the history row and the audit record (`audit`, e.g. `PlanTransition`) of a transition
/// taken, and remembers `url` as where the form's token led.
pub async fn record<S: Labelled, A: Labelled>(
    tx: &mut PgConnection,
    ctx: &AuditContext,
    by: &By<'_>,
    token: &FormToken,
    taken: &Taken<'_, S, A>,
    audit: Action,
    url: String,
) -> Result<Done, sqlx::Error> {
    let step = Step {
        region_id: taken.region,
        record_kind: taken.kind,
        record_id: taken.id,
        from: taken.from.name(),
        to: taken.to.name(),
        action: taken.action.name(),
        comment: taken.comment,
        by: by.account,
        by_name: by.name,
    };
    history::record(tx, &step).await?;
    audit::record(tx, ctx, Event::new(audit).object(taken.kind, taken.id).detail(detail(taken))).await?;
    once::finish(tx, by.account, token, &url).await?;
    Ok(Done::Now(url))
}

/// `退回：已报备 → 已退回；理由：…` as the audit log reads a transition.
fn detail<S: Labelled, A: Labelled>(taken: &Taken<'_, S, A>) -> String {
    let comment = taken.comment.trim();
    format!(
        "{}：{} → {}{}",
        taken.action.text(),
        taken.from.text(),
        taken.to.text(),
        if comment.is_empty() { String::new() } else { format!("；理由：{comment}") }
    )
}

/// The form every record's 办理 box posts: the action, a reason or opinion, the one-time token.
#[derive(Debug, Default, Deserialize)]
pub struct TransitionForm {
    #[serde(default)]
    pub action: String,
    #[serde(default)]
    pub comment: String,
    #[serde(default)]
    pub form_token: String,
}

impl TransitionForm {
    /// The action asked for (one of `A`) and the form's token; a reason over 2,000 characters
    /// is refused before anything is read.
    pub fn parse<A: Labelled>(&self) -> Result<(A, FormToken), AppError> {
        let token = FormToken::parse(&self.form_token)?;
        let action = A::all()
            .iter()
            .copied()
            .find(|a| a.name() == self.action.trim())
            .ok_or(AppError::Refused("请选择要办理的操作。".into()))?;
        if self.comment.trim().chars().count() > 2000 {
            return Err(AppError::Refused("意见或理由不能超过 2000 个字符。".into()));
        }
        Ok((action, token))
    }
}

/// What a transition handler shows for the store's answer: the page it led to, or the problems
/// to list on the record's page (a state changed meanwhile, a missing reason, four eyes, an
/// incomplete submission). A role without the right, a record not found and a database error
/// become their error pages.
pub fn outcome(result: Result<Done, TransitionError>) -> Result<Result<Done, Vec<Problem>>, AppError> {
    match result {
        Ok(done) => Ok(Ok(done)),
        Err(TransitionError::Refused(Refusal::Role)) => Err(AppError::Forbidden),
        Err(TransitionError::Refused(refusal)) => Ok(Err(vec![refusal.message().to_string().into()])),
        Err(TransitionError::Incomplete(problems)) => Ok(Err(problems)),
        Err(TransitionError::Write(WriteError::NotFound)) => Err(AppError::NotFound),
        Err(TransitionError::Write(e)) => Err(e.into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    labelled_enum! {
        enum S {
            Sent => ("sent", "已报备"),
            Back => ("back", "已退回"),
        }
    }

    labelled_enum! {
        enum A {
            Return => ("return", "退回"),
        }
    }

    #[test]
    fn the_audit_detail_names_the_move_and_the_reason() {
        let taken = Taken {
            region: RegionId(1),
            kind: "plan",
            id: 3,
            from: S::Sent,
            to: S::Back,
            action: A::Return,
            comment: " 请细化 ",
        };
        assert_eq!(detail(&taken), "退回：已报备 → 已退回；理由：请细化");
        assert_eq!(detail(&Taken { comment: "", ..taken }), "退回：已报备 → 已退回");
    }

    #[test]
    fn the_form_names_one_of_the_kinds_actions_and_a_reason_of_reasonable_length() {
        let token = crate::web::once::new_token();
        let form = |action: &str, comment: String| TransitionForm {
            action: action.into(),
            comment,
            form_token: token.clone(),
        };
        assert_eq!(form(" return ", "请细化".into()).parse::<A>().map(|(a, _)| a).ok(), Some(A::Return));
        assert!(matches!(form("approve", String::new()).parse::<A>(), Err(AppError::Refused(_))));
        assert!(matches!(form("return", "长".repeat(2001)).parse::<A>(), Err(AppError::Refused(_))));
        let without_token = TransitionForm { action: "return".into(), ..TransitionForm::default() };
        assert!(without_token.parse::<A>().is_err(), "a post without its one-time token");
    }

    #[test]
    fn refusals_become_problems_or_error_pages() {
        let refused = |r| outcome(Err(TransitionError::Refused(r)));
        assert!(matches!(refused(Refusal::Role), Err(AppError::Forbidden)));
        assert_eq!(refused(Refusal::CommentRequired).ok().and_then(|o| o.err()).unwrap()[0].message, "请填写理由。");
        assert!(matches!(outcome(Err(TransitionError::Write(WriteError::NotFound))), Err(AppError::NotFound)));
        assert_eq!(outcome(Ok(Done::Now("/x".into()))).ok().and_then(|o| o.ok()), Some(Done::Now("/x".into())));
    }
}
