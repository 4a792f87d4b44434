use rust_decimal::Decimal;

use super::*;

fn d(n: i64) -> Decimal {
    Decimal::from(n)
}

fn range(id: i64, factor: Factor, from: Option<i64>, below: Option<i64>, moves: i16) -> Rule {
    Rule {
        id: RuleId(id),
        factor,
        band: Band::Range { from: from.map(d), below: below.map(d) },
        moves,
        note: String::new(),
    }
}

fn category(id: i64, factor: Factor, value: &str, moves: i16) -> Rule {
    Rule { id: RuleId(id), factor, band: Band::Category(value.into()), moves, note: String::new() }
}

/// The default set as migration 0054 ships it.
pub(super) fn default_rules() -> Vec<Rule> {
    use Factor::*;
    vec![
        range(1, FundUse, None, Some(20), -2),
        range(2, FundUse, Some(20), Some(50), -1),
        range(3, FundUse, Some(50), Some(100), 0),
        range(4, FundUse, Some(100), Some(150), 1),
        range(5, FundUse, Some(150), None, 2),
        range(6, AccidentRate, None, Some(50), -1),
        range(7, AccidentRate, Some(50), Some(150), 0),
        range(8, AccidentRate, Some(150), Some(300), 1),
        range(9, AccidentRate, Some(300), None, 2),
        category(10, Hazard, "none", 0),
        category(11, Hazard, "general", 0),
        category(12, Hazard, "serious", 1),
        range(13, TrainingCoverage, Some(100), None, -1),
        range(14, TrainingCoverage, Some(60), Some(100), 0),
        range(15, TrainingCoverage, None, Some(60), 1),
        range(16, Rectification, Some(100), None, 0),
        range(17, Rectification, Some(80), Some(100), 0),
        range(18, Rectification, None, Some(80), 1),
        category(19, Standardisation, "level1", -1),
        category(20, Standardisation, "level2", 0),
        category(21, Standardisation, "level3", 0),
        category(22, Standardisation, "none", 1),
    ]
}

/// Facts that move nothing under the default set.
fn neutral() -> Facts {
    Facts {
        fund_use: FactValue::Percent(d(60)),
        accident_rate: FactValue::Percent(d(100)),
        hazard: HazardLevel::General,
        training_coverage: FactValue::Percent(d(80)),
        rectification: FactValue::Percent(d(100)),
        standardisation: Standardisation::Level2,
    }
}

fn moves_of(facts: &Facts, factor: Factor) -> i16 {
    outcomes(facts, &default_rules()).into_iter().find(|o| o.factor == factor).unwrap().moves
}

#[test]
fn every_threshold_of_the_default_set_belongs_to_the_band_above_it() {
    // (factor, value in %, move): each threshold, and a hair below it.
    let hair = Decimal::new(1, 2);
    let cases: &[(Factor, i64, i16, i16)] = &[
        // value, move at the value, move a hair below
        (Factor::FundUse, 20, -1, -2),
        (Factor::FundUse, 50, 0, -1),
        (Factor::FundUse, 100, 1, 0),
        (Factor::FundUse, 150, 2, 1),
        (Factor::AccidentRate, 50, 0, -1),
        (Factor::AccidentRate, 150, 1, 0),
        (Factor::AccidentRate, 300, 2, 1),
        (Factor::TrainingCoverage, 60, 0, 1),
        (Factor::TrainingCoverage, 100, -1, 0),
        (Factor::Rectification, 80, 0, 1),
        (Factor::Rectification, 100, 0, 0),
    ];
    for (factor, value, at, below) in cases {
        for (v, expected) in [(d(*value), *at), (d(*value) - hair, *below)] {
            let mut facts = neutral();
            match factor {
                Factor::FundUse => facts.fund_use = FactValue::Percent(v),
                Factor::AccidentRate => facts.accident_rate = FactValue::Percent(v),
                Factor::TrainingCoverage => facts.training_coverage = FactValue::Percent(v),
                _ => facts.rectification = FactValue::Percent(v),
            }
            assert_eq!(moves_of(&facts, *factor), expected, "{factor:?} at {v}%");
        }
    }
    // Open ends: nothing at all, and far beyond.
    let mut facts = neutral();
    facts.fund_use = FactValue::Percent(Decimal::ZERO);
    assert_eq!(moves_of(&facts, Factor::FundUse), -2);
    facts.fund_use = FactValue::Percent(d(1_000));
    assert_eq!(moves_of(&facts, Factor::FundUse), 2);
    // Categories.
    for (hazard, expected) in [(HazardLevel::None, 0), (HazardLevel::General, 0), (HazardLevel::Serious, 1)] {
        let facts = Facts { hazard, ..neutral() };
        assert_eq!(moves_of(&facts, Factor::Hazard), expected, "{hazard:?}");
    }
    for (grade, expected) in [
        (Standardisation::Level1, -1),
        (Standardisation::Level2, 0),
        (Standardisation::Level3, 0),
        (Standardisation::None, 1),
    ] {
        let facts = Facts { standardisation: grade, ..neutral() };
        assert_eq!(moves_of(&facts, Factor::Standardisation), expected, "{grade:?}");
    }
    // Nothing to measure: no move, and no row named.
    let facts =
        Facts { rectification: FactValue::Missing("评估期内无到期的检查发现问题".into()), ..neutral() };
    let outcome = outcomes(&facts, &default_rules()).into_iter().find(|o| o.factor == Factor::Rectification).unwrap();
    assert_eq!((outcome.moves, outcome.rule), (0, None));
}

fn class(class: i16) -> ClassRates {
    let base = [2, 4, 7, 9, 11, 13, 16, 19][class as usize - 1];
    let grades = if class == 1 { vec![100, 120, 150] } else { vec![50, 80, 100, 120, 150] };
    ClassRates { class, base_rate: Decimal::new(base, 1), grades }
}

#[test]
fn the_grade_moves_along_the_class_grades_and_stops_at_their_ends() {
    for c in 2..=8 {
        let rates = class(c);
        // From the base: each step, and past both ends.
        let expected = [
            (-3, 50, true),
            (-2, 50, false),
            (-1, 80, false),
            (0, 100, false),
            (1, 120, false),
            (2, 150, false),
            (3, 150, true),
            (9, 150, true),
        ];
        for (total, grade, clamped) in expected {
            assert_eq!(step(&rates, 100, total), (grade, clamped), "class {c}, {total:+} from 100");
        }
        // From the ends.
        assert_eq!(step(&rates, 50, -1), (50, true), "class {c}");
        assert_eq!(step(&rates, 150, 1), (150, true), "class {c}");
        assert_eq!(step(&rates, 150, -4), (50, false), "class {c}");
    }
    // A current grade the class no longer allows starts from the nearest allowed one.
    assert_eq!(step(&class(4), 110, 1), (120, false));
}

#[test]
fn class_one_never_floats_down() {
    let rates = class(1);
    for total in -6..=0 {
        assert_eq!(step(&rates, 100, total).0, 100, "{total}");
    }
    assert_eq!(step(&rates, 150, -1), (120, false));
    assert_eq!(step(&rates, 150, -5), (100, true));
    assert_eq!(step(&rates, 100, 2), (150, false));
    // Even a table edited to allow 80% for class 1 keeps it at its base.
    let edited = ClassRates { grades: vec![80, 100, 120, 150], ..class(1) };
    assert_eq!(step(&edited, 100, -1), (100, true));
    let facts = Facts {
        fund_use: FactValue::Percent(Decimal::ZERO),
        accident_rate: FactValue::Percent(Decimal::ZERO),
        training_coverage: FactValue::Percent(d(100)),
        standardisation: Standardisation::Level1,
        ..neutral()
    };
    let proposal = propose(&facts, &default_rules(), &rates, None);
    assert_eq!((proposal.total, proposal.grade, proposal.clamped), (-5, 100, true));
    assert_eq!(proposal.rate, Decimal::new(2, 1), "class 1 stays at 0.2%");
}

#[test]
fn the_moves_are_summed_first_and_then_clamped_once() {
    // +2 (fund use 160%) +2 (accidents 3×) +1 (serious hazard) −1 (full training) −1 (level 1)
    // = +3 from 80%: 80 → 100 → 120 → 150, exactly the top; the same from 120 is clamped.
    let facts = Facts {
        fund_use: FactValue::Percent(d(160)),
        accident_rate: FactValue::Percent(d(300)),
        hazard: HazardLevel::Serious,
        training_coverage: FactValue::Percent(d(100)),
        rectification: FactValue::Percent(d(90)),
        standardisation: Standardisation::Level1,
    };
    let rates = class(6);
    let proposal = propose(&facts, &default_rules(), &rates, Some(80));
    let moves: Vec<i16> = proposal.outcomes.iter().map(|o| o.moves).collect();
    assert_eq!(moves, vec![2, 2, 1, -1, 0, -1]);
    assert_eq!((proposal.total, proposal.current_grade, proposal.grade, proposal.clamped), (3, 80, 150, false));
    assert_eq!(proposal.rate, Decimal::new(195, 2), "1.3% × 150% = 1.95%");
    let from_top = propose(&facts, &default_rules(), &rates, Some(120));
    assert_eq!((from_top.grade, from_top.clamped), (150, true));
    // Clamping factor by factor would differ: from 50%, −2 would stop at 50% and +2 then rise
    // to 100%; summed first they cancel, and 50% stays.
    let mixed = Facts { fund_use: FactValue::Percent(d(10)), accident_rate: FactValue::Percent(d(400)), ..neutral() };
    let proposal = propose(&mixed, &default_rules(), &rates, Some(50));
    assert_eq!((proposal.total, proposal.grade), (0, 50));
    // The explanation names the value, the row met and the move.
    let fund = &propose(&facts, &default_rules(), &rates, None).outcomes[0];
    assert_eq!(fund.value.shown(Factor::FundUse), "160%");
    assert_eq!(fund.rule.as_deref(), Some("≥ 150%"));
}

#[test]
fn facts_come_from_the_inputs_and_the_records() {
    let inputs = Inputs {
        premiums: [d(100_000), d(100_000), d(100_000)],
        benefits: [d(30_000), d(60_000), d(60_000)],
        wage_bill: d(10_000_000),
        injuries: 6,
        hazard: HazardLevel::General,
        standardisation: Standardisation::Level3,
    };
    let records = Records {
        insured: 200,
        industry_injuries: 300,
        industry_insured: 50_000,
        required: 40,
        trained: 30,
        findings_due: 4,
        rectified_on_time: 3,
    };
    let facts = facts(&inputs, &records);
    assert_eq!(facts.fund_use, FactValue::Percent(d(50)), "150,000 ÷ 300,000");
    // Own: 6 ÷ (200 × 3) = 1%; industry: 300 ÷ 50,000 = 0.6%; 1 ÷ 0.6 = 166.67%.
    let FactValue::Percent(ratio) = &facts.accident_rate else { panic!("{:?}", facts.accident_rate) };
    assert_eq!(ratio.round_dp(2), Decimal::new(16_667, 2));
    assert_eq!(facts.training_coverage, FactValue::Percent(d(75)));
    assert_eq!(facts.rectification, FactValue::Percent(d(75)));
    let none = facts_of_nothing();
    assert!(matches!(none.fund_use, FactValue::Missing(_)));
    assert!(matches!(none.accident_rate, FactValue::Missing(_)));
    assert!(matches!(none.training_coverage, FactValue::Missing(_)));
    assert!(matches!(none.rectification, FactValue::Missing(_)));
}

fn facts_of_nothing() -> Facts {
    let inputs = Inputs {
        premiums: [Decimal::ZERO; 3],
        benefits: [Decimal::ZERO; 3],
        wage_bill: Decimal::ZERO,
        injuries: 0,
        hazard: HazardLevel::None,
        standardisation: Standardisation::None,
    };
    facts(&inputs, &Records::default())
}
