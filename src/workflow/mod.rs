//! Workflow, built once for every record kind that moves through statuses (plans, projects,
//! budgets, reports, rectifications …).
//!
//! A record kind declares its statuses and transitions as data in its `model.rs` (a
//! `&'static [Transition]`); [`decide`] checks a requested action against that table and
//! returns the new status or a [`Refusal`] that says why. `history` keeps every transition (who,
//! when, from, to, action, comment) in one shared table, written in the same transaction as the
//! change and its audit record; `versions` freezes what was submitted and compares any two
//! submissions.

pub mod compare;
pub mod history;
pub mod step;
pub mod versions;

use crate::error::WriteError;
use crate::org::{AccountId, Role};

/// One allowed move of a record kind.
#[derive(Clone, Copy, Debug)]
pub struct Transition<S: 'static, A: 'static> {
    /// The statuses the action may be taken from.
    pub from: &'static [S],
    pub action: A,
    pub to: S,
    /// Who may take it.
    pub roles: &'static [Role],
    /// A reason must be given (a return, a rejection).
    pub comment_required: bool,
    /// Four eyes: the actor must not be the one who last took this earlier action on the record.
    pub not_by_whoever_took: Option<A>,
}

/// Why an action was refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Refusal {
    /// The role may never take this action here: 403.
    Role,
    /// The record is not (or no longer) in a status the action applies to: it changed meanwhile.
    State,
    /// A reason is required and was not given.
    CommentRequired,
    /// The same person took the earlier step this one must be checked by someone else.
    SameActor,
}

impl Refusal {
    /// What the person is told.
    pub fn message(self) -> &'static str {
        match self {
            Refusal::Role => "您的角色不能执行此操作。",
            Refusal::State => "该记录的状态已经改变（可能已被他人处理），此操作未执行。请刷新后查看当前状态。",
            Refusal::CommentRequired => "请填写理由。",
            Refusal::SameActor => "此步骤须由另一位工作人员办理（不能由提交人本人办理）。",
        }
    }
}

/// Who did an action earlier on the record (from its history), for the four-eyes rule.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PastStep<A> {
    pub action: A,
    pub by: AccountId,
}

/// Checks `action` on a record in `current` by `actor` (of `role`): the new status, or why not.
/// `past` is the record's history, oldest first. A role that appears in no transition of the
/// action is refused as a role; a role that may take it, but not from here, as a changed state.
pub fn decide<S: Copy + Eq, A: Copy + Eq>(
    transitions: &[Transition<S, A>],
    current: S,
    action: A,
    role: Role,
    actor: AccountId,
    comment: &str,
    past: &[PastStep<A>],
) -> Result<S, Refusal> {
    let for_role: Vec<&Transition<S, A>> =
        transitions.iter().filter(|t| t.action == action && t.roles.contains(&role)).collect();
    if for_role.is_empty() {
        return Err(Refusal::Role);
    }
    let Some(t) = for_role.into_iter().find(|t| t.from.contains(&current)) else {
        return Err(Refusal::State);
    };
    if t.comment_required && comment.trim().is_empty() {
        return Err(Refusal::CommentRequired);
    }
    if let Some(earlier) = t.not_by_whoever_took
        && past.iter().rev().find(|s| s.action == earlier).is_some_and(|s| s.by == actor)
    {
        return Err(Refusal::SameActor);
    }
    Ok(t.to)
}

/// The actions `role` could take on a record in `current` (for the buttons a page offers).
pub fn available<S: Copy + Eq, A: Copy + Eq>(transitions: &[Transition<S, A>], current: S, role: Role) -> Vec<A> {
    let mut actions = Vec::new();
    for t in transitions.iter().filter(|t| t.from.contains(&current) && t.roles.contains(&role)) {
        if !actions.contains(&t.action) {
            actions.push(t.action);
        }
    }
    actions
}

/// Whether an action needs a reason (so the page can ask for one).
pub fn needs_comment<S, A: Copy + Eq>(transitions: &[Transition<S, A>], action: A) -> bool {
    transitions.iter().any(|t| t.action == action && t.comment_required)
}

/// Who acts, as the shared history and versions record them.
#[derive(Clone, Debug)]
pub struct By<'a> {
    pub account: AccountId,
    pub name: &'a str,
}

pub use crate::web::once::Done;

/// Something a submission lacks or has wrong, with the form field it concerns (so the page can
/// link to it) when there is one.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Problem {
    pub field: Option<&'static str>,
    pub message: String,
}

impl Problem {
    pub fn at(field: &'static str, message: impl Into<String>) -> Problem {
        Problem { field: Some(field), message: message.into() }
    }
}

impl From<String> for Problem {
    fn from(message: String) -> Problem {
        Problem { field: None, message }
    }
}

/// Why a transition did not happen.
#[derive(Debug)]
pub enum TransitionError {
    /// The workflow table said no.
    Refused(Refusal),
    /// A submission that lacks these.
    Incomplete(Vec<Problem>),
    Write(WriteError),
}

impl From<sqlx::Error> for TransitionError {
    fn from(e: sqlx::Error) -> Self {
        TransitionError::Write(e.into())
    }
}

impl From<WriteError> for TransitionError {
    fn from(e: WriteError) -> Self {
        TransitionError::Write(e)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    labelled_enum! {
        enum S {
            Draft => ("draft", "草稿"),
            Sent => ("sent", "已提交"),
            Done => ("done", "已办结"),
            Back => ("back", "已退回"),
        }
    }

    labelled_enum! {
        enum A {
            Send => ("send", "提交"),
            Approve => ("approve", "通过"),
            Return => ("return", "退回"),
        }
    }

    const T: &[Transition<S, A>] = &[
        Transition {
            from: &[S::Draft, S::Back],
            action: A::Send,
            to: S::Sent,
            roles: &[Role::CityOfficer, Role::ProvinceOfficer],
            comment_required: false,
            not_by_whoever_took: None,
        },
        Transition {
            from: &[S::Sent],
            action: A::Approve,
            to: S::Done,
            roles: &[Role::ProvinceOfficer],
            comment_required: false,
            not_by_whoever_took: Some(A::Send),
        },
        Transition {
            from: &[S::Sent],
            action: A::Return,
            to: S::Back,
            roles: &[Role::ProvinceOfficer],
            comment_required: true,
            not_by_whoever_took: None,
        },
    ];

    const ME: AccountId = AccountId(1);
    const OTHER: AccountId = AccountId(2);

    #[test]
    fn the_table_decides() {
        assert_eq!(decide(T, S::Draft, A::Send, Role::CityOfficer, ME, "", &[]), Ok(S::Sent));
        assert_eq!(decide(T, S::Back, A::Send, Role::CityOfficer, ME, "", &[]), Ok(S::Sent), "a resubmission");
        assert_eq!(decide(T, S::Sent, A::Send, Role::CityOfficer, ME, "", &[]), Err(Refusal::State), "sent twice");
        assert_eq!(decide(T, S::Sent, A::Approve, Role::CityOfficer, ME, "", &[]), Err(Refusal::Role));
        assert_eq!(decide(T, S::Sent, A::Approve, Role::Expert, ME, "", &[]), Err(Refusal::Role));
        assert_eq!(decide(T, S::Done, A::Return, Role::ProvinceOfficer, ME, "理由", &[]), Err(Refusal::State));
    }

    #[test]
    fn a_return_needs_its_reason() {
        assert_eq!(decide(T, S::Sent, A::Return, Role::ProvinceOfficer, ME, "  ", &[]), Err(Refusal::CommentRequired));
        assert_eq!(decide(T, S::Sent, A::Return, Role::ProvinceOfficer, ME, "缺少附件", &[]), Ok(S::Back));
    }

    #[test]
    fn four_eyes_look_at_the_last_time_the_step_was_taken() {
        let sent_by_me = [PastStep { action: A::Send, by: ME }];
        assert_eq!(decide(T, S::Sent, A::Approve, Role::ProvinceOfficer, ME, "", &sent_by_me), Err(Refusal::SameActor));
        assert_eq!(decide(T, S::Sent, A::Approve, Role::ProvinceOfficer, OTHER, "", &sent_by_me), Ok(S::Done));
        // Sent by me, returned, then sent again by someone else: I may approve the new one.
        let resent = [
            PastStep { action: A::Send, by: ME },
            PastStep { action: A::Return, by: OTHER },
            PastStep { action: A::Send, by: OTHER },
        ];
        assert_eq!(decide(T, S::Sent, A::Approve, Role::ProvinceOfficer, ME, "", &resent), Ok(S::Done));
    }

    #[test]
    fn the_offered_actions_follow_status_and_role() {
        assert_eq!(available(T, S::Sent, Role::ProvinceOfficer), vec![A::Approve, A::Return]);
        assert_eq!(available(T, S::Sent, Role::CityOfficer), Vec::<A>::new());
        assert_eq!(available(T, S::Draft, Role::CityOfficer), vec![A::Send]);
        assert!(needs_comment(T, A::Return));
        assert!(!needs_comment(T, A::Send));
    }
}
