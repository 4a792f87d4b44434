//! The rules of whole-life supervision (全过程监管): which running project gives cause for concern
//! on a day, and why: a milestone past its date and not reported done, no progress report for
//! 60 days (counted from the agreement's signing before the first), or an acceptance failed
//! (with its rectification's deadline, marked when passed).

use chrono::NaiveDate;

use crate::projects::model::ProjectStatus;

/// Days without a progress report after which a project under way is listed.
pub const QUIET_DAYS: i64 = 60;

/// Why a project is on the supervision list.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Concern {
    /// A milestone past its date and not reported done.
    OverdueMilestone { description: String, due_on: NaiveDate, days: i64 },
    /// No progress report for `days` days since `since` (the last report, or the signing).
    NoProgress { since: NaiveDate, days: i64, reported: bool },
    /// An acceptance failed: under rectification (`rectify_by`), or finally after the second.
    FailedAcceptance { rectify_by: Option<NaiveDate>, overdue: bool },
}

impl Concern {
    /// The column the list groups it under.
    pub fn kind(&self) -> &'static str {
        match self {
            Concern::OverdueMilestone { .. } => "进度节点逾期",
            Concern::NoProgress { .. } => "超过 60 日未报告进度",
            Concern::FailedAcceptance { .. } => "验收不通过",
        }
    }

    /// What the list says about it.
    pub fn describe(&self) -> String {
        match self {
            Concern::OverdueMilestone { description, due_on, days } => {
                format!("“{description}”应于 {due_on} 完成，已逾期 {days} 日")
            }
            Concern::NoProgress { since, days, reported: true } => {
                format!("最近一次进度报告为 {since}，已 {days} 日未报告")
            }
            Concern::NoProgress { since, days, reported: false } => {
                format!("协议 {since} 签订后 {days} 日未报告进度")
            }
            Concern::FailedAcceptance { rectify_by: Some(by), overdue: true } => {
                format!("整改期限 {by} 已过，尚未提交整改结果")
            }
            Concern::FailedAcceptance { rectify_by: Some(by), overdue: false } => {
                format!("整改中，整改期限 {by}")
            }
            Concern::FailedAcceptance { rectify_by: None, .. } => "复验不通过".to_string(),
        }
    }
}

/// A milestone as supervision reads it.
#[derive(Clone, Debug, PartialEq, Eq, serde::Deserialize)]
pub struct DueMilestone {
    pub id: i64,
    pub due_on: Option<NaiveDate>,
    pub description: String,
}

/// What supervision knows of one project.
#[derive(Clone, Debug)]
pub struct Watched {
    pub status: ProjectStatus,
    pub milestones: Vec<DueMilestone>,
    /// The milestones the latest progress report says are done.
    pub milestones_done: Vec<i64>,
    pub last_report: Option<NaiveDate>,
    pub signed_on: Option<NaiveDate>,
    /// The deadline of a first failed acceptance's rectification.
    pub rectify_by: Option<NaiveDate>,
}

/// Why `w` gives cause for concern on `today`, none if it does not. Milestones and progress are
/// watched while the project is under way (实施中); a failed acceptance while it is rectified
/// and after a failed second acceptance. A milestone is overdue the day after its date; the
/// 60th day without a report lists the project.
pub fn concerns(w: &Watched, today: NaiveDate) -> Vec<Concern> {
    let mut out = Vec::new();
    match w.status {
        ProjectStatus::InProgress => {
            for m in &w.milestones {
                if let Some(due_on) = m.due_on
                    && due_on < today
                    && !w.milestones_done.contains(&m.id)
                {
                    out.push(Concern::OverdueMilestone {
                        description: m.description.clone(),
                        due_on,
                        days: (today - due_on).num_days(),
                    });
                }
            }
            if let Some(since) = w.last_report.or(w.signed_on) {
                let days = (today - since).num_days();
                if days >= QUIET_DAYS {
                    out.push(Concern::NoProgress { since, days, reported: w.last_report.is_some() });
                }
            }
        }
        ProjectStatus::Rectifying => out.push(Concern::FailedAcceptance {
            rectify_by: w.rectify_by,
            overdue: w.rectify_by.is_some_and(|by| by < today),
        }),
        ProjectStatus::AcceptanceFailed => out.push(Concern::FailedAcceptance { rectify_by: None, overdue: false }),
        _ => {}
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, m, day).unwrap()
    }

    fn under_way() -> Watched {
        Watched {
            status: ProjectStatus::InProgress,
            milestones: vec![
                DueMilestone { id: 1, due_on: Some(d(6, 30)), description: "完成前 6 期培训".into() },
                DueMilestone { id: 2, due_on: Some(d(9, 30)), description: "完成全部培训".into() },
                DueMilestone { id: 3, due_on: None, description: "总结".into() },
            ],
            milestones_done: vec![1],
            last_report: Some(d(8, 1)),
            signed_on: Some(d(5, 1)),
            rectify_by: None,
        }
    }

    #[test]
    fn a_milestone_is_overdue_the_day_after_its_date_unless_reported_done() {
        let w = under_way();
        assert!(concerns(&w, d(9, 30)).iter().all(|c| !matches!(c, Concern::OverdueMilestone { .. })), "due today");
        let on_first = concerns(&w, d(10, 1));
        assert_eq!(
            on_first[0],
            Concern::OverdueMilestone { description: "完成全部培训".into(), due_on: d(9, 30), days: 1 }
        );
        assert_eq!(on_first.iter().filter(|c| matches!(c, Concern::OverdueMilestone { .. })).count(), 1);
        let done = Watched { milestones_done: vec![1, 2], ..under_way() };
        assert!(concerns(&done, d(10, 1)).iter().all(|c| !matches!(c, Concern::OverdueMilestone { .. })));
    }

    #[test]
    fn the_sixtieth_day_without_a_report_lists_the_project() {
        let w = Watched { milestones: Vec::new(), ..under_way() };
        // 1 August + 59 days = 29 September; + 60 = 30 September.
        assert!(concerns(&w, d(9, 29)).is_empty());
        assert_eq!(concerns(&w, d(9, 30)), vec![Concern::NoProgress { since: d(8, 1), days: 60, reported: true }]);
        // Never reported: counted from the signing.
        let silent = Watched { last_report: None, ..w };
        assert!(concerns(&silent, d(6, 29)).is_empty());
        assert_eq!(
            concerns(&silent, d(6, 30)),
            vec![Concern::NoProgress { since: d(5, 1), days: 60, reported: false }]
        );
    }

    #[test]
    fn a_failed_acceptance_is_listed_and_its_deadline_marked_once_passed() {
        let w = Watched { status: ProjectStatus::Rectifying, rectify_by: Some(d(12, 31)), ..under_way() };
        assert_eq!(
            concerns(&w, d(12, 31)),
            vec![Concern::FailedAcceptance { rectify_by: Some(d(12, 31)), overdue: false }]
        );
        let late = concerns(&w, NaiveDate::from_ymd_opt(2027, 1, 1).unwrap());
        assert_eq!(late, vec![Concern::FailedAcceptance { rectify_by: Some(d(12, 31)), overdue: true }]);
        assert_eq!(late[0].describe(), "整改期限 2026-12-31 已过，尚未提交整改结果");
        let finally = Watched { status: ProjectStatus::AcceptanceFailed, ..under_way() };
        assert_eq!(concerns(&finally, d(10, 1)), vec![Concern::FailedAcceptance { rectify_by: None, overdue: false }]);
    }

    #[test]
    fn projects_not_under_way_are_not_watched_for_progress() {
        for status in [
            ProjectStatus::Filed,
            ProjectStatus::AwaitingAcceptance,
            ProjectStatus::Accepted,
            ProjectStatus::Terminated,
        ] {
            let w = Watched { status, ..under_way() };
            assert!(concerns(&w, d(12, 1)).is_empty(), "{status:?}");
        }
    }
}
