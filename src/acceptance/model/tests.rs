use chrono::Utc;

use super::*;
use crate::projects::model::fixtures::{complete, day};
use crate::projects::model::{Comparison, Indicator};
use crate::reviews::model::{Score, SheetId};

fn sheet(expert: i64, scores: &[(i64, &str)], recommendation: Recommendation) -> Sheet {
    let scores: Vec<Score> =
        scores.iter().map(|(c, s)| Score { criterion: *c, score: Decimal::from_str(s).unwrap() }).collect();
    Sheet {
        id: SheetId(expert),
        expert_id: expert,
        total: scores.iter().map(|s| s.score).sum(),
        scores,
        recommendation: Some(recommendation),
        opinion: "意见".into(),
        version: 2,
        saved_at: Utc::now(),
        submitted_at: Some(Utc::now()),
    }
}

fn dec(s: &str) -> Decimal {
    Decimal::from_str(s).unwrap()
}

/// A panel of three on the default acceptance criteria (目标完成情况 40, 资金使用 30, 档案资料 15,
/// 社会效益 15), computed by hand:
/// expert 1: 35 + 26.5 + 12 + 13 = 86.5, 同意;
/// expert 2: 30 + 20 + 10 + 11.5 = 71.5, 修改后同意;
/// expert 3: 20 + 15 + 8 + 9 = 52, 不同意.
/// Average (86.5 + 71.5 + 52) / 3 = 210 / 3 = 70.00; one of three against: passed.
#[test]
fn a_hand_computed_panel_passes_with_one_against() {
    let a = sheet(1, &[(1, "35"), (2, "26.5"), (3, "12"), (4, "13")], Recommendation::Approve);
    let b = sheet(2, &[(1, "30"), (2, "20"), (3, "10"), (4, "11.5")], Recommendation::Revise);
    let c = sheet(3, &[(1, "20"), (2, "15"), (3, "8"), (4, "9")], Recommendation::Disapprove);
    assert_eq!(a.total, dec("86.5"));
    assert_eq!(b.total, dec("71.5"));
    assert_eq!(c.total, dec("52"));
    let v = verdict(&[&a, &b, &c]).unwrap();
    assert_eq!(v.average, dec("70.00"));
    assert_eq!((v.sheets, v.disapprovals), (3, 1));
    assert!(v.passed);
}

#[test]
fn an_average_below_sixty_fails_and_exactly_sixty_passes() {
    // (60.5 + 59.5 + 60) / 3 = 60.00: passes at the mark.
    let at = [
        sheet(1, &[(1, "60.5")], Recommendation::Approve),
        sheet(2, &[(1, "59.5")], Recommendation::Revise),
        sheet(3, &[(1, "60")], Recommendation::Approve),
    ];
    assert!(verdict(&at.iter().collect::<Vec<_>>()).unwrap().passed);
    // (60 + 59.9 + 60) / 3 = 59.966… rounds to 59.97: below the mark.
    let below = [
        sheet(1, &[(1, "60")], Recommendation::Approve),
        sheet(2, &[(1, "59.9")], Recommendation::Approve),
        sheet(3, &[(1, "60")], Recommendation::Approve),
    ];
    let v = verdict(&below.iter().collect::<Vec<_>>()).unwrap();
    assert_eq!(v.average, dec("59.97"));
    assert!(!v.passed);
}

#[test]
fn half_the_panel_against_fails_whatever_the_average() {
    let sheets = [
        sheet(1, &[(1, "95")], Recommendation::Approve),
        sheet(2, &[(1, "90")], Recommendation::Approve),
        sheet(3, &[(1, "70")], Recommendation::Disapprove),
        sheet(4, &[(1, "65")], Recommendation::Disapprove),
    ];
    let v = verdict(&sheets.iter().collect::<Vec<_>>()).unwrap();
    assert_eq!(v.average, dec("80.00"));
    assert_eq!(v.disapprovals, 2);
    assert!(!v.passed, "two of four against is not fewer than half");
    assert_eq!(verdict(&[]), None);
}

#[test]
fn indicators_are_met_by_their_comparison() {
    let mut i = Indicator {
        id: 1,
        project_year: 1,
        level2: None,
        name: "考核合格率".into(),
        comparison: Some(Comparison::AtLeast),
        target_value: Some(dec("90")),
        unit: "%".into(),
    };
    assert_eq!(i.met_by(dec("90")), Some(true));
    assert_eq!(i.met_by(dec("89.9")), Some(false));
    i.comparison = Some(Comparison::AtMost);
    assert_eq!(i.met_by(dec("89.9")), Some(true));
    assert_eq!(i.met_by(dec("90.1")), Some(false));
    i.comparison = Some(Comparison::Equal);
    assert_eq!(i.met_by(dec("90.0")), Some(true));
    i.target_value = None;
    assert_eq!(i.met_by(dec("90")), None, "no target, no judgement");
}

fn completion(values: &[&str]) -> CompletionForm {
    CompletionForm {
        completed_on: "2026-11-20".into(),
        summary: "12 期培训全部完成，培训 612 人次。".into(),
        indicator: vec!["1".into(), "2".into()],
        achieved: values.iter().map(|v| v.to_string()).collect(),
        form_token: String::new(),
    }
}

#[test]
fn a_completion_needs_every_indicator_as_a_number() {
    let project = complete();
    let today = day(2026, 11, 30);
    let input = completion(&["612", "95.5"]).parse(&project, today).unwrap();
    assert_eq!(input.completed_on, day(2026, 11, 20));
    assert_eq!(
        input.achieved,
        vec![Achieved { indicator: 1, value: dec("612") }, Achieved { indicator: 2, value: dec("95.5") }]
    );
    let errors = completion(&["612", ""]).parse(&project, today).unwrap_err();
    assert_eq!(errors.rows, vec![None, Some("请填写“培训人次”的完成值。".into())]);
    let errors = completion(&["六百", "95"]).parse(&project, today).unwrap_err();
    assert_eq!(errors.rows[0].as_deref(), Some("“培训人次”的完成值应为数字。"));
}

#[test]
fn a_completion_is_dated_between_the_start_and_today() {
    let project = complete();
    let mut form = completion(&["612", "95"]);
    form.completed_on = "2026-12-01".into();
    let errors = form.parse(&project, day(2026, 11, 30)).unwrap_err();
    assert_eq!(errors.fields.get("completed_on"), Some("完成日期不能晚于今天。"));
    form.completed_on = "2026-04-30".into();
    let errors = form.parse(&project, day(2026, 11, 30)).unwrap_err();
    assert_eq!(errors.fields.get("completed_on"), Some("完成日期不能早于项目开始日期。"));
    form.completed_on = "2026-05-01".into();
    form.summary = "  ".into();
    let errors = form.parse(&project, day(2026, 11, 30)).unwrap_err();
    assert_eq!(errors.fields.get("summary"), Some("请填写完成情况说明。"));
}

#[test]
fn a_first_failure_names_what_to_rectify_and_a_deadline_within_six_months() {
    let today = day(2026, 11, 30);
    let form = |what: &str, by: &str| ConclusionForm {
        rectification: what.into(),
        rectify_by: by.into(),
        form_token: String::new(),
    };
    assert_eq!(form("", "").parse(false, today), Ok(None), "a pass or a second failure asks nothing");
    let errors = form("", "2026-11-30").parse(true, today).unwrap_err();
    assert_eq!(errors.get("rectification"), Some("请写明整改要求。"));
    assert_eq!(errors.get("rectify_by"), Some("整改期限应晚于今天。"));
    let errors = form("补齐培训签到表", "2027-05-31").parse(true, today).unwrap_err();
    assert_eq!(errors.get("rectify_by"), Some("整改期限不能超过 6 个月。"));
    assert_eq!(
        form("补齐培训签到表", "2027-05-30").parse(true, today),
        Ok(Some(Rectification { what: "补齐培训签到表".into(), by: day(2027, 5, 30) }))
    );
}

#[test]
fn the_conclusion_waits_for_every_sheet_and_the_report() {
    assert_eq!(conclusion_problems(0, 0, true), vec!["请先抽取验收专家。".to_string()]);
    assert_eq!(
        conclusion_problems(5, 4, true),
        vec!["验收专家组 5 人，已提交评分表 4 人，全部提交后才能办理验收结论。".to_string()]
    );
    assert_eq!(conclusion_problems(5, 5, false), vec!["请先上传验收报告（专家组签字）。".to_string()]);
    assert!(conclusion_problems(5, 5, true).is_empty());
}

#[test]
fn each_step_takes_its_own_report() {
    assert_eq!(report_for(ProjectStatus::InProgress), Some(COMPLETION_REPORT));
    assert_eq!(report_for(ProjectStatus::AwaitingAcceptance), Some(ACCEPTANCE_REPORT));
    assert_eq!(report_for(ProjectStatus::AwaitingReacceptance), Some(ACCEPTANCE_REPORT));
    assert_eq!(report_for(ProjectStatus::Rectifying), Some(RECTIFICATION_REPORT));
    assert_eq!(report_for(ProjectStatus::Accepted), None);
    assert_eq!(report_for(ProjectStatus::Filed), None);
}

#[test]
fn termination_needs_its_reasons() {
    let form = |r: &str| TerminationForm { reason: r.into(), form_token: String::new() };
    assert_eq!(form(" ").parse().unwrap_err().get("reason"), Some("请写明终止项目的原因。"));
    assert_eq!(form("实施单位注销").parse(), Ok("实施单位注销".to_string()));
}

#[test]
fn a_report_counts_for_the_step_it_was_uploaded_in() {
    let at = |minutes: i64| Utc::now() - chrono::Duration::minutes(minutes);
    let file = |kind: &str, uploaded_at| Attachment {
        id: crate::attachments::AttachmentId(1),
        kind: kind.into(),
        file_name: "验收报告.pdf".into(),
        file_type: crate::attachments::FileType::Pdf,
        size_bytes: 100,
        sha256: vec![0; 32],
        uploader_name: "王芳".into(),
        uploaded_at,
    };
    let first = [file("acceptance_report", at(60))];
    assert!(has_report(&first, ACCEPTANCE_REPORT, Some(at(90))));
    assert!(!has_report(&first, ACCEPTANCE_REPORT, Some(at(30))), "the first acceptance's report is not the second's");
    assert!(!has_report(&first, COMPLETION_REPORT, None));
    let acceptance = Acceptance {
        attempt: 1,
        summary: "完成".into(),
        achieved: Vec::new(),
        completed_on: day(2026, 11, 1),
        submitted_by_name: "王芳".into(),
        submitted_at: at(90),
        passed: Some(false),
        average: Some(dec("55")),
        rectification: "补齐".into(),
        rectify_by: Some(day(2027, 1, 31)),
        concluded_by_name: Some("李强".into()),
        concluded_at: Some(at(30)),
    };
    assert_eq!(step_opened(ProjectStatus::AwaitingAcceptance, &[&acceptance]), Some(acceptance.submitted_at));
    assert_eq!(step_opened(ProjectStatus::Rectifying, &[&acceptance]), acceptance.concluded_at);
    assert_eq!(step_opened(ProjectStatus::InProgress, &[]), None);
}
