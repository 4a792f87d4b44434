use super::*;

fn d(s: &str) -> Decimal {
    Decimal::from_str(s).unwrap()
}

fn criteria() -> Vec<Criterion> {
    vec![
        Criterion { id: 11, name: "必要性".into(), weight: 20 },
        Criterion { id: 12, name: "可行性".into(), weight: 30 },
        Criterion { id: 13, name: "预算合理性".into(), weight: 50 },
    ]
}

fn form(scores: &[&str], intent: &str) -> SheetForm {
    SheetForm {
        stage: String::new(),
        criterion: vec!["11".into(), "12".into(), "13".into()],
        score: scores.iter().map(|s| s.to_string()).collect(),
        recommendation: "revise".into(),
        opinion: "内容翔实，预算需细化。".into(),
        version: "2".into(),
        intent: intent.into(),
        final_confirmed: "yes".into(),
        form_token: String::new(),
    }
}

#[test]
fn the_panel_figures_match_a_hand_computed_fixture() {
    // 86.5 + 62 + 84 + 90 + 77.5 = 400, over 5 = 80.00; 90 − 62 = 28, above 20.
    let totals = [d("86.5"), d("62"), d("84"), d("90"), d("77.5")];
    let f = figures(&totals, 5, 20);
    assert_eq!(f.average, Some(d("80.00")));
    assert_eq!(f.spread, Some(d("28")));
    assert!(f.flagged);
    assert_eq!((f.sitting, f.submitted), (5, 5));
    // 88 + 85 + 90 = 263, over 3 = 87.666… → 87.67; spread 5.
    let f = figures(&[d("88"), d("85"), d("90")], 5, 20);
    assert_eq!(f.average, Some(d("87.67")));
    assert_eq!(f.spread, Some(d("5")));
    assert!(!f.flagged);
    assert_eq!(f.submitted, 3);
}

#[test]
fn a_spread_at_the_threshold_is_not_flagged_one_tenth_above_is() {
    assert!(!figures(&[d("70"), d("90")], 2, 20).flagged);
    assert!(figures(&[d("69.9"), d("90")], 2, 20).flagged);
    assert!(figures(&[d("80"), d("91")], 2, 10).flagged);
}

#[test]
fn no_submitted_sheet_has_no_figures() {
    let f = figures(&[], 5, 20);
    assert_eq!((f.average, f.spread, f.flagged), (None, None, false));
}

#[test]
fn criterion_averages_follow_the_round_order() {
    let sheet = |a: &str, b: &str| Sheet {
        id: SheetId(1),
        expert_id: 1,
        scores: vec![Score { criterion: 12, score: d(a) }, Score { criterion: 11, score: d(b) }],
        total: d(a) + d(b),
        recommendation: None,
        opinion: String::new(),
        version: 1,
        saved_at: Utc::now(),
        submitted_at: None,
    };
    let (x, y) = (sheet("25", "18"), sheet("20", "15.5"));
    let averages = criterion_averages(&criteria(), &[&x, &y]);
    assert_eq!(averages, vec![Some(d("16.75")), Some(d("22.5")), None]);
}

#[test]
fn a_whole_sheet_submits_with_its_total() {
    let (input, version) = form(&["18", "25.5", "40"], "submit").parse(&criteria()).unwrap();
    assert!(input.submit);
    assert_eq!(input.total, d("83.5"));
    assert_eq!(input.scores.len(), 3);
    assert_eq!(input.recommendation, Some(Recommendation::Revise));
    assert_eq!(version, Version(2));
}

#[test]
fn a_draft_may_leave_scores_out_a_submission_may_not() {
    let (draft, _) = form(&["18", "", ""], "save").parse(&criteria()).unwrap();
    assert!(!draft.submit);
    assert_eq!(draft.scores, vec![Score { criterion: 11, score: d("18") }]);
    assert_eq!(draft.total, d("18"));
    let errors = form(&["18", "", ""], "submit").parse(&criteria()).unwrap_err();
    assert_eq!(errors.rows, vec![None, Some("请为“可行性”打分。".into()), Some("请为“预算合理性”打分。".into())]);
}

#[test]
fn scores_stay_within_their_weight_with_one_decimal_place() {
    let errors = form(&["21", "-1", "12.25"], "save").parse(&criteria()).unwrap_err();
    assert_eq!(
        errors.rows,
        vec![
            Some("“必要性”的得分应在 0 至 20 分之间。".into()),
            Some("“可行性”的得分应在 0 至 30 分之间。".into()),
            Some("“预算合理性”的得分最多保留一位小数。".into()),
        ]
    );
    assert!(form(&["20", "0", "12.50"], "save").parse(&criteria()).is_ok());
    let errors = form(&["二十", "", ""], "save").parse(&criteria()).unwrap_err();
    assert_eq!(errors.rows[0].as_deref(), Some("“必要性”的得分应为数字。"));
}

#[test]
fn a_submission_needs_recommendation_opinion_and_the_tick() {
    let mut f = form(&["18", "25", "40"], "submit");
    f.recommendation = String::new();
    f.opinion = "  ".into();
    f.final_confirmed = String::new();
    let errors = f.parse(&criteria()).unwrap_err();
    assert!(errors.fields.get("recommendation").is_some());
    assert_eq!(errors.fields.get("opinion"), Some("请填写评审意见。"));
    assert!(errors.fields.get("final_confirmed").is_some());
    // A draft needs none of them.
    f.intent = "save".into();
    assert!(f.parse(&criteria()).is_ok());
    f.recommendation = "maybe".into();
    assert_eq!(f.parse(&criteria()).unwrap_err().fields.get("recommendation"), Some("请选择评审建议。"));
}

#[test]
fn others_are_hidden_until_ones_own_sheet_is_submitted() {
    let mut own = Sheet {
        id: SheetId(1),
        expert_id: 1,
        scores: Vec::new(),
        total: Decimal::ZERO,
        recommendation: None,
        opinion: String::new(),
        version: 1,
        saved_at: Utc::now(),
        submitted_at: None,
    };
    assert!(!others_visible(None));
    assert!(!others_visible(Some(&own)));
    assert_eq!(state_of(Some(&own)), SheetState::Draft);
    own.submitted_at = Some(Utc::now());
    assert!(others_visible(Some(&own)));
    assert_eq!(state_of(Some(&own)), SheetState::Submitted);
    assert_eq!(state_of(None), SheetState::Pending);
}

#[test]
fn the_form_is_filled_from_a_saved_sheet() {
    let sheet = Sheet {
        id: SheetId(1),
        expert_id: 1,
        scores: vec![Score { criterion: 12, score: d("25.5") }],
        total: d("25.5"),
        recommendation: Some(Recommendation::Approve),
        opinion: "同意".into(),
        version: 3,
        saved_at: Utc::now(),
        submitted_at: None,
    };
    let f = SheetForm::of(&criteria(), Some(&sheet));
    assert_eq!(f.score, vec!["", "25.5", ""]);
    assert_eq!((f.recommendation.as_str(), f.version.as_str()), ("approve", "3"));
    assert_eq!(f.typed(12), "25.5");
    assert_eq!(SheetForm::of(&criteria(), None).version, "0");
}
