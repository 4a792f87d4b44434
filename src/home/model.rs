//! What a home page counts as due, pure: the horizon of 30 days, the kinds of things that come
//! due, and where each leads. No clock: `today` is an argument.

use chrono::{Duration, NaiveDate};

use crate::projects::model::{PanelStage, ProjectStatus};
use crate::web::deadline::{self, DueStatus};

/// How far ahead a home page looks.
pub const HORIZON_DAYS: i64 = 30;

/// The last day a home page lists as due: today + 30 (inclusive). Anything overdue is listed too.
pub fn horizon(today: NaiveDate) -> NaiveDate {
    today + Duration::days(HORIZON_DAYS)
}

/// Whether something due on `due` belongs on the list on `today`: overdue, or due by the horizon.
pub fn is_listed(due: NaiveDate, today: NaiveDate) -> bool {
    due <= horizon(today)
}

labelled_enum! {
    /// What comes due.
    pub enum DueKind {
        AnnualReport => ("annual_report", "年度报告"),
        Plan => ("plan", "实施方案报备"),
        Finding => ("finding", "限期整改"),
        Milestone => ("milestone", "项目进度节点"),
        Publicity => ("publicity", "项目公示期满"),
        ActionItem => ("action_item", "联席会议议定事项"),
        Review => ("review", "项目评审"),
        Acceptance => ("acceptance", "评估验收"),
    }
}

/// Something due, as a home page lists it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DueItem {
    pub kind: DueKind,
    pub title: String,
    pub due_on: NaiveDate,
    pub link: String,
}

impl DueItem {
    pub fn status(&self, today: NaiveDate) -> DueStatus {
        deadline::due_status_on(self.due_on, today)
    }
}

/// Whether a panel still awaits its members' scores: the project is at that panel's stage now
/// (a sheet of an earlier stage left unsubmitted is no longer awaited).
pub fn awaits_scores(stage: PanelStage, status: ProjectStatus) -> bool {
    match stage {
        PanelStage::Review => status == ProjectStatus::ExpertReview,
        PanelStage::Acceptance => status == ProjectStatus::AwaitingAcceptance,
        PanelStage::Reacceptance => status == ProjectStatus::AwaitingReacceptance,
    }
}

/// Where a due item of `kind` about record `id` (in `year`, for a report) leads.
pub fn link(kind: DueKind, id: i64, year: i32) -> String {
    match kind {
        DueKind::AnnualReport if id > 0 => format!("/annual-reports/{id}"),
        DueKind::AnnualReport => format!("/annual-reports?year={year}"),
        DueKind::Plan if id > 0 => format!("/plans/{id}"),
        DueKind::Plan => "/plans".to_string(),
        DueKind::Finding => format!("/findings/{id}"),
        DueKind::Milestone => format!("/projects/{id}/progress"),
        DueKind::Publicity => format!("/projects/{id}/approval"),
        DueKind::ActionItem => format!("/meetings/{id}"),
        DueKind::Review | DueKind::Acceptance => format!("/reviews/{id}"),
    }
}

/// A returned record's page by its record kind (the shared history's).
pub fn returned_link(kind: &str, id: i64, year: i32) -> Option<String> {
    Some(match kind {
        "plan" => format!("/plans/{id}"),
        "roster" => format!("/rosters/{id}"),
        "project" => format!("/projects/{id}"),
        "fee_budget" => format!("/fee?year={year}"),
        "annual_report" => format!("/annual-reports/{id}"),
        _ => return None,
    })
}

/// What a returned record is called on the home page.
pub fn returned_label(kind: &str) -> &'static str {
    match kind {
        "plan" => "实施方案",
        "roster" => "领导小组名单",
        "project" => "项目申报",
        "fee_budget" => "工伤预防费预算",
        "annual_report" => "年度报告",
        _ => "记录",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn the_horizon_is_thirty_days_inclusive_and_overdue_stays() {
        let today = day(2026, 12, 1);
        assert_eq!(horizon(today), day(2026, 12, 31));
        assert!(is_listed(day(2026, 12, 31), today), "the 30th day is listed");
        assert!(!is_listed(day(2027, 1, 1), today), "the 31st is not");
        assert!(is_listed(day(2026, 11, 2), today), "overdue stays on the list");
    }

    #[test]
    fn a_panel_awaits_scores_only_at_its_own_stage() {
        assert!(awaits_scores(PanelStage::Review, ProjectStatus::ExpertReview));
        assert!(!awaits_scores(PanelStage::Review, ProjectStatus::Reviewed), "the review is over");
        assert!(awaits_scores(PanelStage::Acceptance, ProjectStatus::AwaitingAcceptance));
        assert!(!awaits_scores(PanelStage::Acceptance, ProjectStatus::AwaitingReacceptance));
    }

    #[test]
    fn each_kind_leads_to_its_page() {
        assert_eq!(link(DueKind::AnnualReport, 0, 2026), "/annual-reports?year=2026");
        assert_eq!(link(DueKind::AnnualReport, 7, 2026), "/annual-reports/7");
        assert_eq!(link(DueKind::Finding, 3, 2026), "/findings/3");
        assert_eq!(link(DueKind::ActionItem, 9, 2026), "/meetings/9");
        assert_eq!(returned_link("fee_budget", 4, 2027).as_deref(), Some("/fee?year=2027"));
        assert_eq!(returned_link("unknown", 4, 2027), None);
    }
}
