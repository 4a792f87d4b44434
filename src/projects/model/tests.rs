use chrono::Utc;

use super::fixtures::{complete, day, indicator, line, round};
use super::*;
use crate::workflow::{PastStep, decide};

fn feasibility() -> Attachment {
    Attachment {
        id: crate::attachments::AttachmentId(1),
        kind: "feasibility_report".into(),
        file_name: "可行性研究报告.pdf".into(),
        file_type: crate::attachments::FileType::Pdf,
        size_bytes: 1000,
        sha256: vec![0; 32],
        uploader_name: "王芳".into(),
        uploaded_at: Utc::now(),
    }
}

const OPEN_DAY: (i32, u32, u32) = (2026, 3, 15);

fn problems(p: &Project) -> Vec<Problem> {
    let (y, m, d) = OPEN_DAY;
    submission_problems(p, &round(), &[feasibility()], day(y, m, d))
}

#[test]
fn every_transition_allowed_and_refused_by_role_and_state() {
    let me = AccountId(5);
    let other = AccountId(6);
    let submitted_by_me = [PastStep { action: A::Submit, by: me }];
    for (table, role) in [(CITY_TRANSITIONS, Role::CityOfficer), (PROVINCE_TRANSITIONS, Role::ProvinceOfficer)] {
        let t = |status, action, by, comment| decide(table, status, action, role, by, comment, &submitted_by_me);
        assert_eq!(t(S::Draft, A::Submit, me, ""), Ok(S::Submitted));
        assert_eq!(t(S::Returned, A::Submit, me, ""), Ok(S::Submitted));
        assert_eq!(t(S::Submitted, A::Submit, me, ""), Err(Refusal::State));
        assert_eq!(t(S::Submitted, A::Pass, other, ""), Ok(S::ExpertReview));
        assert_eq!(t(S::Submitted, A::Return, other, "请补充费用测算依据"), Ok(S::Returned));
        assert_eq!(t(S::Submitted, A::Reject, other, "不属于重点领域"), Ok(S::Rejected));
        assert_eq!(t(S::Submitted, A::Return, other, " "), Err(Refusal::CommentRequired));
        assert_eq!(t(S::Submitted, A::Reject, other, ""), Err(Refusal::CommentRequired));
        assert_eq!(t(S::Submitted, A::Pass, me, ""), Err(Refusal::SameActor), "the submitter does not pre-review");
        for status in [S::Draft, S::Returned, S::Rejected, S::ExpertReview] {
            for action in [A::Pass, A::Return, A::Reject] {
                assert_eq!(t(status, action, other, "理由"), Err(Refusal::State), "{status:?} {action:?}");
            }
        }
        assert_eq!(t(S::Rejected, A::Submit, me, ""), Err(Refusal::State), "a rejection is final");
        assert_eq!(t(S::ExpertReview, A::Submit, me, ""), Err(Refusal::State));
        // The review's end is the experts' step, never an officer's.
        assert_eq!(t(S::ExpertReview, A::Conclude, me, ""), Err(Refusal::Role));
        // It is the panel's last expert's, from the expert review only.
        let e = |status| decide(table, status, A::Conclude, Role::Expert, me, "", &[]);
        assert_eq!(e(S::ExpertReview), Ok(S::Reviewed));
        for status in [S::Draft, S::Submitted, S::Returned, S::Rejected, S::Reviewed] {
            assert_eq!(e(status), Err(Refusal::State), "{status:?}");
        }
        for action in [A::Submit, A::Pass, A::Return, A::Reject] {
            assert_eq!(decide(table, S::Submitted, action, Role::Expert, me, "x", &[]), Err(Refusal::Role));
        }
    }
    // A city's applications are not the province's to handle, nor the other way round; other
    // roles never act on them.
    assert_eq!(decide(CITY_TRANSITIONS, S::Submitted, A::Pass, Role::ProvinceOfficer, me, "", &[]), Err(Refusal::Role));
    assert_eq!(decide(PROVINCE_TRANSITIONS, S::Draft, A::Submit, Role::CityOfficer, me, "", &[]), Err(Refusal::Role));
    for role in [Role::PartnerOfficer, Role::AgencyOfficer, Role::SysAdmin, Role::SecurityAdmin, Role::Auditor] {
        for action in ProjectAction::ALL {
            // The agency's one step: the final payment settles an accepted project.
            if role == Role::AgencyOfficer && *action == A::Settle {
                continue;
            }
            for status in ProjectStatus::ALL {
                assert_eq!(decide(CITY_TRANSITIONS, *status, *action, role, me, "x", &[]), Err(Refusal::Role));
            }
        }
    }
    for table in [CITY_TRANSITIONS, PROVINCE_TRANSITIONS] {
        assert_eq!(decide(table, S::Accepted, A::Settle, Role::AgencyOfficer, me, "", &[]), Ok(S::Settled));
        for status in [S::InProgress, S::AwaitingAcceptance, S::Rectifying, S::AcceptanceFailed, S::Settled] {
            assert_eq!(decide(table, status, A::Settle, Role::AgencyOfficer, me, "", &[]), Err(Refusal::State));
        }
        for role in [Role::CityOfficer, Role::ProvinceOfficer, Role::PartnerOfficer, Role::Expert] {
            assert_eq!(decide(table, S::Accepted, A::Settle, role, me, "", &[]), Err(Refusal::Role));
        }
    }
}

#[test]
fn the_entering_officer_cannot_pre_review() {
    let (entered_by, second) = (AccountId(1), AccountId(2));
    assert_eq!(pre_review_refusal(A::Pass, entered_by, entered_by), Some(Refusal::SameActor));
    assert_eq!(pre_review_refusal(A::Return, entered_by, entered_by), Some(Refusal::SameActor));
    assert_eq!(pre_review_refusal(A::Pass, second, entered_by), None);
    assert_eq!(pre_review_refusal(A::Submit, entered_by, entered_by), None, "they submit it themselves");
    // The page offers the buttons to neither the one who entered it nor the one who submitted it.
    let third = AccountId(3);
    let submitted_by_second = [PastStep { action: A::Submit, by: second }];
    assert!(!may_pre_review(entered_by, entered_by, &submitted_by_second));
    assert!(!may_pre_review(second, entered_by, &submitted_by_second));
    assert!(may_pre_review(third, entered_by, &submitted_by_second));
}

#[test]
fn a_period_of_one_year_ends_the_day_before_its_anniversary() {
    let start = day(2026, 3, 1);
    assert_eq!(period(start, day(2026, 3, 1)), Some(Period::OneYear));
    assert_eq!(period(start, day(2027, 2, 28)), Some(Period::OneYear));
    assert_eq!(period(start, day(2027, 3, 1)), Some(Period::TwoYears));
    assert_eq!(period(start, day(2028, 2, 29)), Some(Period::TwoYears));
    assert_eq!(period(start, day(2028, 3, 1)), Some(Period::TooLong));
    assert_eq!(period(start, day(2026, 2, 28)), None);
}

#[test]
fn a_line_amount_is_rounded_half_up_to_the_fen() {
    let d = |s: &str| s.parse::<Decimal>().unwrap();
    assert_eq!(line_amount(d("0.05"), d("0.5")), Some(d("0.03")));
    assert_eq!(line_amount(d("0.05"), d("0.1")), Some(d("0.01")), "0.005 rounds up");
    assert_eq!(line_amount(d("0.01"), d("0.4")), Some(d("0.00")));
    assert_eq!(line_amount(d("45.50"), d("600")), Some(d("27300.00")));
}

/// SplitMix64: a small deterministic generator, so a failing case can be replayed by its seed.
struct Mix(u64);

impl Mix {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

/// Property: for any number of lines with any prices and quantities (to the fen and the
/// hundredth), every line amount equals the exact product rounded half-up in integer fen, the
/// yearly totals add up to the overall total, and the total is the sum of the lines: no drift.
#[test]
fn amounts_and_totals_never_drift_for_any_number_of_lines() {
    for seed in 0..500_u64 {
        let mut rng = Mix(seed);
        let count = rng.below(80) as usize;
        let mut expected_total_fen: i128 = 0;
        let mut pairs = Vec::new();
        for _ in 0..count {
            let price_fen = rng.below(100_000_000) as i128; // up to 1,000,000.00 yuan
            let quantity_hundredths = 1 + rng.below(1_000_000) as i128; // up to 10,000.00
            let year = 1 + rng.below(2) as i16;
            // The oracle, in integers: fen × hundredths = 1/10000 yuan; half-up to the fen.
            let exact = price_fen * quantity_hundredths;
            let fen = (exact + 50) / 100;
            let price = Decimal::from_i128_with_scale(price_fen, 2);
            let quantity = Decimal::from_i128_with_scale(quantity_hundredths, 2);
            let amount = line_amount(price, quantity).unwrap();
            assert_eq!(amount, Decimal::from_i128_with_scale(fen, 2), "seed {seed}");
            expected_total_fen += fen;
            pairs.push((year, amount));
        }
        let t = totals(pairs.into_iter());
        assert_eq!(t.total.yuan(), Decimal::from_i128_with_scale(expected_total_fen, 2), "seed {seed}");
        let by_year: Decimal = t.by_year.iter().map(|(_, m)| m.yuan()).sum();
        assert_eq!(by_year, t.total.yuan(), "seed {seed}");
        assert!(t.by_year.windows(2).all(|w| w[0].0 < w[1].0));
    }
}

#[test]
fn a_complete_application_in_an_open_round_has_no_problems() {
    let p = complete();
    assert_eq!(problems(&p), Vec::<Problem>::new());
    assert_eq!(p.totals().total.show_yuan(), "63,300.00");
}

#[test]
fn a_submission_lists_every_missing_item_at_once_each_with_its_field() {
    let mut p = complete();
    p.name.clear();
    p.project_type = None;
    p.key_industry = None;
    p.implementation_mode = None;
    p.starts_on = None;
    p.target_group.clear();
    p.planned_count = None;
    p.background.clear();
    p.content.clear();
    p.safeguards.clear();
    p.lines.clear();
    p.indicators.retain(|i| i.level2 == Some(Level2::Quantity));
    p.milestones.clear();
    let found = submission_problems(&p, &round(), &[], day(2026, 3, 15));
    let fields: Vec<&str> = found.iter().filter_map(|p| p.field).collect();
    for field in [
        "name",
        "project_type",
        "key_industry",
        "implementation_mode",
        "starts_on",
        "target_group",
        "planned_count",
        "background",
        "content",
        "safeguards",
        "budget",
        "indicators",
        "milestones",
        "attachments",
    ] {
        assert!(fields.contains(&field), "{field} missing from {found:?}");
    }
    assert!(found.iter().any(|p| p.message == "绩效目标至少需要一项效益指标"));
    assert!(found.iter().any(|p| p.message == "请上传可行性研究报告"));
}

#[test]
fn a_period_over_one_year_needs_a_budget_and_targets_for_each_year() {
    let mut p = complete();
    p.ends_on = Some(day(2027, 6, 30));
    let found = problems(&p);
    let messages: Vec<&str> = found.iter().map(|p| p.message.as_str()).collect();
    assert!(messages.contains(&"实施周期超过 1 年，须分年度编制费用测算：第 2 年度尚无费用"), "{messages:?}");
    assert!(messages.contains(&"实施周期超过 1 年，须分年度设定绩效目标：第 2 年度尚无指标"), "{messages:?}");
    p.lines.push(line(3, 2, "3000", "6"));
    p.indicators.push(indicator(3, 2, Level2::Quantity));
    assert_eq!(problems(&p), Vec::<Problem>::new());
    // A one-year project has no second year.
    p.ends_on = Some(day(2026, 12, 31));
    assert!(problems(&p).iter().any(|p| p.message == "费用测算第 3 行：实施周期不超过 1 年，只有第 1 年度"));
    p.ends_on = Some(day(2028, 5, 1));
    assert!(problems(&p).iter().any(|p| p.message == "实施周期最长 2 年"));
}

#[test]
fn submissions_are_taken_from_the_first_to_the_last_day_of_the_round() {
    let p = complete();
    let at = |d| submission_problems(&p, &round(), &[feasibility()], d);
    assert!(at(day(2026, 3, 1)).is_empty());
    assert!(at(day(2026, 3, 31)).is_empty());
    assert_eq!(
        at(day(2026, 2, 28))[0].message,
        "本批次申报时间为 2026-03-01 至 2026-03-31，今天（2026-02-28）尚未开始受理"
    );
    assert_eq!(
        at(day(2026, 4, 1))[0].message,
        "本批次申报时间为 2026-03-01 至 2026-03-31，今天（2026-04-01）已截止受理"
    );
}

#[test]
fn a_department_project_is_procured() {
    let mut p = complete();
    p.applicant_kind = ApplicantKind::Department;
    p.department = Some(DepartmentKind::Emergency);
    assert!(problems(&p).iter().any(|p| p.message == "部门申报的项目须通过政府采购实施"));
    p.implementation_mode = Some(ImplementationMode::Procurement);
    assert!(problems(&p).is_empty());
    assert_eq!(p.applicant_name(), "沈阳市应急管理");
}

#[test]
fn the_form_computes_amounts_itself_keeps_drafts_incomplete_and_names_bad_rows() {
    let form = ProjectForm {
        name: "培训".into(),
        line_id: vec!["4".into(), String::new(), String::new()],
        line_year: vec!["1".into(), "2".into(), "1".into()],
        line_item: vec!["教材".into(), "场地".into(), String::new()],
        line_unit: vec!["册".into(), String::new(), String::new()],
        line_price: vec!["12.34".into(), String::new(), String::new()],
        line_quantity: vec!["3".into(), "2".into(), String::new()],
        indicator_kind: vec!["outcome.social".into()],
        indicator_name: vec!["事故率下降".into()],
        indicator_comparison: vec!["ge".into()],
        indicator_value: vec!["10%".into()],
        indicator_unit: vec!["%".into()],
        milestone_due: vec![String::new()],
        milestone_description: vec!["启动".into()],
        version: "3".into(),
        ..ProjectForm::default()
    };
    let (input, version) = form.parse(&[]).unwrap();
    assert_eq!(version, Version(3));
    assert_eq!(input.lines.len(), 2, "the blank row is dropped");
    assert_eq!(input.lines[0].id, Some(4));
    assert_eq!(input.lines[0].amount, Some("37.02".parse().unwrap()));
    assert_eq!(input.lines[1].amount, None, "a draft line without a price has no amount yet");
    assert_eq!(input.requested_amount().show_yuan(), "37.02");
    assert_eq!(input.indicators[0].level2, Some(Level2::Social));
    assert_eq!(input.indicators[0].target_value, Some(Decimal::from(10)));
    assert_eq!(input.milestones[0].due_on, None);

    let bad = ProjectForm {
        line_price: vec!["十二元".into(), String::new(), String::new()],
        line_year: vec!["3".into(), "2".into(), "1".into()],
        indicator_kind: vec!["output.social".into()],
        starts_on: "2026-01-01".into(),
        ends_on: "2028-06-01".into(),
        planned_count: "-5".into(),
        ..form
    };
    let errors = bad.parse(&[]).unwrap_err();
    assert!(errors.get("budget").unwrap().starts_with("费用测算第 1 行："));
    assert_eq!(errors.get("indicators"), Some("绩效目标第 1 行：请从列表中选择指标类别"));
    assert_eq!(errors.get("ends_on"), Some("实施周期最长 2 年"));
    assert_eq!(errors.get("planned_count"), Some("计划服务人数应为正整数"));
}

#[test]
fn indicator_kinds_pair_each_level_two_with_its_level_one() {
    for level2 in Level2::ALL {
        assert_eq!(Level2::from_key(&level2.key()), Some(*level2));
    }
    assert_eq!(Level2::from_key("satisfaction.quantity"), None);
    assert_eq!(indicator(1, 1, Level2::Quality).target(), "≥ 500人次");
}

#[test]
fn the_approval_by_role_and_state() {
    let (approver, other) = (AccountId(1), AccountId(2));
    let approved_by_approver = [PastStep { action: A::Approve, by: approver }];
    for (table, keeper) in [(CITY_TRANSITIONS, Role::CityOfficer), (PROVINCE_TRANSITIONS, Role::ProvinceOfficer)] {
        let t =
            |status, action, role, by, comment| decide(table, status, action, role, by, comment, &approved_by_approver);
        // 审定 by the region's keepers, from 待立项审定 only.
        assert_eq!(t(S::Reviewed, A::Approve, keeper, approver, ""), Ok(S::InPublicity));
        assert_eq!(t(S::Reviewed, A::Reject, keeper, approver, ""), Err(Refusal::CommentRequired));
        assert_eq!(t(S::Reviewed, A::Reject, keeper, approver, "不符合重点领域"), Ok(S::Rejected));
        for status in [S::Draft, S::Submitted, S::ExpertReview, S::InPublicity, S::AwaitingFiling, S::Filed] {
            assert_eq!(t(status, A::Approve, keeper, approver, ""), Err(Refusal::State), "{status:?}");
        }
        // 公示: an upheld objection (its answer the reason) or the period's close.
        assert_eq!(t(S::InPublicity, A::UpholdObjection, keeper, approver, "属实"), Ok(S::Rejected));
        assert_eq!(t(S::InPublicity, A::UpholdObjection, keeper, approver, ""), Err(Refusal::CommentRequired));
        assert_eq!(t(S::InPublicity, A::ClosePublicity, keeper, approver, ""), Ok(S::AwaitingFiling));
        assert_eq!(t(S::Reviewed, A::ClosePublicity, keeper, approver, ""), Err(Refusal::State));
        // 备案 by the province, never by whoever approved.
        assert_eq!(t(S::AwaitingFiling, A::File, Role::ProvinceOfficer, other, ""), Ok(S::Filed));
        assert_eq!(t(S::AwaitingFiling, A::File, Role::ProvinceOfficer, approver, ""), Err(Refusal::SameActor));
        assert_eq!(
            t(S::AwaitingFiling, A::ReturnFiling, Role::ProvinceOfficer, other, ""),
            Err(Refusal::CommentRequired)
        );
        assert_eq!(t(S::AwaitingFiling, A::ReturnFiling, Role::ProvinceOfficer, other, "金额不符"), Ok(S::Reviewed));
        assert_eq!(t(S::InPublicity, A::File, Role::ProvinceOfficer, other, ""), Err(Refusal::State));
        for role in [Role::PartnerOfficer, Role::AgencyOfficer, Role::Expert, Role::SysAdmin, Role::Auditor] {
            for action in [A::Approve, A::UpholdObjection, A::ClosePublicity, A::File, A::ReturnFiling] {
                assert_eq!(t(S::Reviewed, action, role, other, "x"), Err(Refusal::Role), "{role:?} {action:?}");
            }
        }
    }
    // A city does not file its own.
    assert_eq!(
        decide(CITY_TRANSITIONS, S::AwaitingFiling, A::File, Role::CityOfficer, AccountId(9), "", &[]),
        Err(Refusal::Role)
    );
    // The pre-review's box takes none of these steps.
    assert!(S::Draft.before_expert_review() && S::Submitted.before_expert_review());
    assert!(!S::Reviewed.before_expert_review() && !S::InPublicity.before_expert_review());
}

#[test]
fn completion_acceptance_and_termination_by_role_and_state() {
    let me = AccountId(3);
    for (table, keeper) in [(CITY_TRANSITIONS, Role::CityOfficer), (PROVINCE_TRANSITIONS, Role::ProvinceOfficer)] {
        let t = |status, action, role, comment| decide(table, status, action, role, me, comment, &[]);
        // 结项 from 实施中 only.
        assert_eq!(t(S::InProgress, A::Complete, keeper, ""), Ok(S::AwaitingAcceptance));
        for status in [S::Filed, S::AwaitingAcceptance, S::Rectifying, S::Accepted] {
            assert_eq!(t(status, A::Complete, keeper, ""), Err(Refusal::State), "{status:?}");
        }
        // 验收: passed from either acceptance; a first failure to rectification, a second ends it.
        assert_eq!(t(S::AwaitingAcceptance, A::Accept, keeper, ""), Ok(S::Accepted));
        assert_eq!(t(S::AwaitingReacceptance, A::Accept, keeper, ""), Ok(S::Accepted));
        assert_eq!(t(S::AwaitingAcceptance, A::FailAcceptance, keeper, ""), Err(Refusal::CommentRequired));
        assert_eq!(t(S::AwaitingAcceptance, A::FailAcceptance, keeper, "补齐签到表"), Ok(S::Rectifying));
        assert_eq!(t(S::AwaitingReacceptance, A::FailAcceptance, keeper, "复验不通过"), Ok(S::AcceptanceFailed));
        assert_eq!(t(S::InProgress, A::Accept, keeper, ""), Err(Refusal::State));
        assert_eq!(t(S::Rectifying, A::SubmitRectification, keeper, ""), Ok(S::AwaitingReacceptance));
        assert_eq!(t(S::AwaitingAcceptance, A::SubmitRectification, keeper, ""), Err(Refusal::State));
        // 终止 with reasons, while it runs.
        for status in [S::Filed, S::InProgress, S::AwaitingAcceptance, S::Rectifying, S::AwaitingReacceptance] {
            assert!(status.is_running());
            assert_eq!(t(status, A::Terminate, keeper, "承担单位注销"), Ok(S::Terminated), "{status:?}");
            assert_eq!(t(status, A::Terminate, keeper, ""), Err(Refusal::CommentRequired), "{status:?}");
        }
        for status in [S::Draft, S::Reviewed, S::AwaitingFiling, S::Accepted, S::AcceptanceFailed, S::Terminated] {
            assert_eq!(t(status, A::Terminate, keeper, "x"), Err(Refusal::State), "{status:?}");
        }
        for role in [Role::PartnerOfficer, Role::AgencyOfficer, Role::Expert, Role::SysAdmin, Role::Auditor] {
            for action in [A::Complete, A::Accept, A::FailAcceptance, A::SubmitRectification, A::Terminate] {
                assert_eq!(t(S::InProgress, action, role, "x"), Err(Refusal::Role), "{role:?} {action:?}");
            }
        }
    }
    // The panel each status draws, and the stages a project has shown.
    assert_eq!(PanelStage::of(S::ExpertReview), Some(PanelStage::Review));
    assert_eq!(PanelStage::of(S::AwaitingAcceptance), Some(PanelStage::Acceptance));
    assert_eq!(PanelStage::of(S::AwaitingReacceptance), Some(PanelStage::Reacceptance));
    assert_eq!(PanelStage::of(S::Rectifying), None);
    assert_eq!(PanelStage::Reacceptance.attempt(), Some(2));
    assert_eq!(PanelStage::shown_for(S::InProgress), vec![PanelStage::Review]);
    assert_eq!(PanelStage::shown_for(S::Accepted).len(), 3);
}
