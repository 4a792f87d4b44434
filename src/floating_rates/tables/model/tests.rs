use rust_decimal::Decimal;

use super::*;

fn d(n: i64) -> Decimal {
    Decimal::from(n)
}

fn range(from: Option<i64>, below: Option<i64>) -> Band {
    Band::Range { from: from.map(d), below: below.map(d) }
}

fn rule(id: i64, factor: Factor, band: Band) -> Rule {
    Rule { id: RuleId(id), factor, band, moves: 0, note: String::new() }
}

/// The fund-use rows of the shipped default set: < 20, 20–50, 50–100, 100–150, ≥ 150.
fn fund_use() -> Vec<Rule> {
    vec![
        rule(1, Factor::FundUse, range(None, Some(20))),
        rule(2, Factor::FundUse, range(Some(20), Some(50))),
        rule(3, Factor::FundUse, range(Some(50), Some(100))),
        rule(4, Factor::FundUse, range(Some(100), Some(150))),
        rule(5, Factor::FundUse, range(Some(150), None)),
    ]
}

#[test]
fn bands_that_touch_do_not_overlap_and_open_ends_reach_as_far_as_they_go() {
    let set = fund_use();
    for r in &set {
        assert_eq!(overlapping(r.factor, &r.band, &set, Some(r.id)), None, "the shipped rows are disjoint: {r:?}");
    }
    // [150, 200) touches [100, 150) and starts inside [150, ∞).
    assert_eq!(overlapping(Factor::FundUse, &range(Some(150), Some(200)), &set, None).map(|r| r.id), Some(RuleId(5)));
    // Below 10 lies inside "below 20".
    assert_eq!(overlapping(Factor::FundUse, &range(None, Some(10)), &set, None).map(|r| r.id), Some(RuleId(1)));
    // Another factor's rows never collide.
    assert_eq!(overlapping(Factor::AccidentRate, &range(None, Some(10)), &set, None), None);
    // Edited in place, a row may keep its own band, or widen into a free gap.
    let gap: Vec<Rule> = set.iter().filter(|r| r.id != RuleId(3)).cloned().collect();
    assert_eq!(overlapping(Factor::FundUse, &range(Some(50), Some(100)), &gap, None), None);
    assert_eq!(overlapping(Factor::FundUse, &range(Some(49), Some(100)), &gap, None).map(|r| r.id), Some(RuleId(2)));
    assert!(bands_overlap(&range(None, None), &range(Some(5), Some(6))));
    assert!(!bands_overlap(&range(Some(0), Some(5)), &range(Some(5), None)), "below is exclusive");
}

#[test]
fn categories_overlap_only_with_the_same_value() {
    let set = vec![
        rule(1, Factor::Hazard, Band::Category("none".into())),
        rule(2, Factor::Hazard, Band::Category("serious".into())),
    ];
    let general = Band::Category("general".into());
    assert_eq!(overlapping(Factor::Hazard, &general, &set, None), None);
    let serious = Band::Category("serious".into());
    let found = overlapping(Factor::Hazard, &serious, &set, None);
    assert_eq!(found.map(|r| r.id), Some(RuleId(2)));
    assert_eq!(overlap_message(&set[1]), "已有「严重」的规则，请修改那一条");
    assert_eq!(overlap_message(&fund_use()[1]), "与已有规则「≥ 20% 且 < 50%」的区间重叠");
}

fn rule_form(factor: &str, from: &str, below: &str, category: &str, moves: &str) -> RuleForm {
    RuleForm {
        factor: factor.into(),
        from_value: from.into(),
        below_value: below.into(),
        category: category.into(),
        moves: moves.into(),
        note: "说明".into(),
        version: String::new(),
        form_token: crate::web::once::TokenField::default(),
    }
}

#[test]
fn a_rule_form_takes_a_band_for_numbers_and_a_value_for_categories() {
    let (input, version) = rule_form("fund_use", "150", "200%", "", "+2").parse().unwrap();
    assert_eq!(input.band, range(Some(150), Some(200)));
    assert_eq!((input.moves, version), (2, Version(1)));
    let (input, _) = rule_form("accident_rate", "", "50.5", "", "−1").parse().unwrap();
    assert_eq!(input.band, Band::Range { from: None, below: Some(Decimal::new(505, 1)) });
    assert_eq!(input.moves, -1);
    let (input, _) = rule_form("standardisation", "", "", "level1", "-1").parse().unwrap();
    assert_eq!(input.band, Band::Category("level1".into()));

    let errors = rule_form("fund_use", "", "", "", "0").parse().unwrap_err();
    assert_eq!(errors.get("from_value"), Some("请至少填写下限或上限"));
    let errors = rule_form("fund_use", "100", "100", "", "4").parse().unwrap_err();
    assert_eq!(errors.get("below_value"), Some("上限须大于下限"));
    assert!(errors.get("moves").is_some(), "moves are −3…3");
    let errors = rule_form("fund_use", "-1", "1.234", "", "1").parse().unwrap_err();
    assert!(errors.get("from_value").is_some() && errors.get("below_value").is_some());
    let errors = rule_form("hazard", "", "", "level1", "1").parse().unwrap_err();
    assert_eq!(errors.get("category"), Some("请从列表中选择"), "a standardisation grade is no hazard level");
    assert!(rule_form("", "1", "", "", "1").parse().unwrap_err().get("factor").is_some());
}

#[test]
fn moves_and_sets_read_as_the_page_shows_them() {
    assert_eq!(move_shown(1), "上浮1档");
    assert_eq!(move_shown(-2), "下浮2档");
    assert_eq!(move_shown(0), "不浮动");
    let at = chrono::DateTime::<chrono::Utc>::UNIX_EPOCH;
    let record = |id: i64, factor: Factor, band: Band| RuleRecord {
        rule: rule(id, factor, band),
        region: None,
        version: 1,
        updated_by_name: String::new(),
        updated_at: at,
    };
    let mut set = vec![
        record(1, Factor::Standardisation, Band::Category("none".into())),
        record(2, Factor::FundUse, range(Some(50), None)),
        record(3, Factor::Standardisation, Band::Category("level1".into())),
        record(4, Factor::FundUse, range(None, Some(50))),
        record(5, Factor::Hazard, Band::Category("general".into())),
    ];
    shown_order(&mut set);
    let ids: Vec<i64> = set.iter().map(|r| r.rule.id.0).collect();
    assert_eq!(ids, [4, 2, 5, 3, 1], "fund use before hazard before standardisation; open lower ends first");
}

fn table_form() -> TableForm {
    let classes = [(1, "0.2", "100, 120, 150"), (2, "0.4", "50,80,100,120,150")]
        .into_iter()
        .chain((3..=8).map(|c| (c, "1.1", "50, 80, 100, 120, 150")))
        .map(|(class, base, grades)| ClassRates {
            class,
            base_rate: base.parse().unwrap(),
            grades: parse_grades(grades).unwrap(),
        })
        .collect::<Vec<_>>();
    TableForm {
        effective_from: "2027-01-01".into(),
        document_number: "沈人社发〔2026〕8号".into(),
        document_date: "2026-11-20".into(),
        ..TableForm::prefilled(&classes)
    }
}

#[test]
fn a_table_takes_eight_classes_with_class_one_floating_up_only() {
    let input = table_form().parse().unwrap();
    assert_eq!(input.classes.len(), 8);
    assert_eq!(input.classes[0].grades, [100, 120, 150]);
    assert_eq!(input.classes[1].base_rate, Decimal::new(4, 1));
    assert_eq!(input.effective_from, NaiveDate::from_ymd_opt(2027, 1, 1).unwrap());

    let mut form = table_form();
    form.grades_1 = "80, 100, 120".into();
    form.grades_3 = "50, 80, 120".into();
    form.base_4 = "10".into();
    form.base_5 = "0.12345".into();
    form.grades_6 = "150, 120, 100, 80".into();
    form.document_number = " ".into();
    form.effective_from = "2027-02-30".into();
    let errors = form.parse().unwrap_err();
    assert_eq!(errors.get("grades_1"), Some(CLASS_ONE_MESSAGE));
    assert_eq!(errors.get("grades_3"), Some(GRADES_MESSAGE), "100 is missing");
    assert_eq!(errors.get("base_4"), Some(BASE_RATE_MESSAGE));
    assert_eq!(errors.get("base_5"), Some(BASE_RATE_MESSAGE));
    assert_eq!(errors.get("grades_6"), None, "any order, sorted");
    assert_eq!(errors.get("document_number"), Some("此项为必填项"));
    assert!(errors.get("effective_from").is_some());
}

#[test]
fn the_table_in_force_is_the_latest_effective_by_the_day() {
    let day = |m: u32, dd: u32| NaiveDate::from_ymd_opt(2027, m, dd).unwrap();
    let head = |id: i64, from: NaiveDate| TableHead {
        id: RateTableId(id),
        region: RegionId(2),
        effective_from: from,
        document_number: String::new(),
        document_date: from,
        recorded_by_name: String::new(),
        recorded_at: chrono::DateTime::<chrono::Utc>::UNIX_EPOCH,
    };
    let heads = [head(2, day(7, 1)), head(1, day(1, 1))];
    assert_eq!(in_force(&heads, day(1, 1) - chrono::Duration::days(1)), None);
    assert_eq!(in_force(&heads, day(1, 1)).map(|h| h.id), Some(RateTableId(1)));
    assert_eq!(in_force(&heads, day(6, 30)).map(|h| h.id), Some(RateTableId(1)));
    assert_eq!(in_force(&heads, day(7, 1)).map(|h| h.id), Some(RateTableId(2)));
    assert_eq!(standing(&heads[0], &heads, day(3, 1)), Standing::Pending);
    assert_eq!(standing(&heads[1], &heads, day(3, 1)), Standing::InForce);
    assert_eq!(standing(&heads[1], &heads, day(8, 1)), Standing::Superseded);
}
