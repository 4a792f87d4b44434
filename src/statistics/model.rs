//! Injury statistics (信息交换) and the work-injury accident rate against the cycle's target: the
//! arithmetic on exact decimals, the yearly trend against the target line, who keeps a region's
//! figures, and the entry form of a region's year. Pure: no clock, no SQL.

use std::collections::BTreeMap;

use rust_decimal::{Decimal, RoundingStrategy};
use serde::{Deserialize, Serialize};

use crate::auth::Actor;
use crate::cycles::model::Cycle;
use crate::org::{Region, RegionLevel, Role};
use crate::values::Count;
use crate::web::form::{FieldErrors, FormParser};

/// The work-injury accident rate in ‰: recognised work injuries ÷ workers insured × 1000, exact;
/// none without insured workers.
pub fn accident_rate(injuries: i64, insured: i64) -> Option<Decimal> {
    (insured > 0).then(|| Decimal::from(injuries) * Decimal::from(1000) / Decimal::from(insured))
}

/// The rate as pages show it: two decimals, half up (`1.76‰`), or `—`.
pub fn shown(rate: Option<Decimal>) -> String {
    rate.map_or_else(
        || "—".to_string(),
        |r| format!("{:.2}‰", r.round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero)),
    )
}

/// The highest rate year `base + k` may have: rate(b) × (1 − t/100 × k/5), for a reduction of
/// `t` percent over the five years of the cycle; `k` outside 1..=5 has no target.
pub fn target(base_rate: Decimal, reduction_percent: Decimal, k: i32) -> Option<Decimal> {
    (1..=5).contains(&k).then(|| {
        base_rate * (Decimal::ONE - reduction_percent / Decimal::from(100) * Decimal::from(k) / Decimal::from(5))
    })
}

/// Whether year `base + k` is on track: its rate at most the target (compared exactly).
pub fn on_track(rate: Decimal, base_rate: Decimal, reduction_percent: Decimal, k: i32) -> Option<bool> {
    target(base_rate, reduction_percent, k).map(|t| rate <= t)
}

/// The record kind the audit log names.
pub const KIND: &str = "injury_statistics";

/// A key industry of the province, as the statistics name it: by its key, stable across cycles.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Industry {
    pub key: String,
    pub name: String,
}

/// The four figures of a row, or their sums over rows.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Figures {
    /// 工伤保险参保人数.
    pub insured: i64,
    /// 认定工伤人数.
    pub injuries: i64,
    /// 工亡人数.
    pub deaths: i64,
    /// 职业病病例数.
    pub disease_cases: i64,
}

impl Figures {
    pub fn plus(self, other: Figures) -> Figures {
        Figures {
            insured: self.insured + other.insured,
            injuries: self.injuries + other.injuries,
            deaths: self.deaths + other.deaths,
            disease_cases: self.disease_cases + other.disease_cases,
        }
    }

    /// The accident rate of these figures (‰).
    pub fn rate(&self) -> Option<Decimal> {
        accident_rate(self.injuries, self.insured)
    }
}

/// Rows of (year, figures) summed per year: a region's key industries, or the cities of the
/// province (the rate is then Σinjuries ÷ Σinsured, never an average of the cities' rates).
pub fn by_year(rows: impl IntoIterator<Item = (i32, Figures)>) -> BTreeMap<i32, Figures> {
    let mut sums = BTreeMap::new();
    for (year, figures) in rows {
        let sum: &mut Figures = sums.entry(year).or_default();
        *sum = sum.plus(figures);
    }
    sums
}

/// What a cycle asks of the rate: the base year b (the year before the cycle), the years up to
/// the cycle's last, and the reduction t% over the five years.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Goal {
    pub base_year: i32,
    pub last_year: i32,
    pub reduction_percent: Decimal,
}

impl Goal {
    pub fn of(cycle: &Cycle) -> Goal {
        Goal {
            base_year: cycle.first_year - 1,
            last_year: cycle.last_year,
            reduction_percent: cycle.accident_rate_reduction_percent,
        }
    }

    /// The years a trend shows: the base year, then the cycle's.
    pub fn years(&self) -> std::ops::RangeInclusive<i32> {
        self.base_year..=self.last_year
    }
}

/// One year of a trend: its sums (none without rows), rate, target and whether it is on track
/// (none when the year, its base or its target has no rate).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct YearLine {
    pub year: i32,
    pub figures: Option<Figures>,
    pub rate: Option<Decimal>,
    pub target: Option<Decimal>,
    pub on_track: Option<bool>,
}

/// The trend of a region (or the province) over a cycle's years from yearly sums: year b + k
/// is on track when rate(b + k) ≤ rate(b) × (1 − t/100 × k/5), compared exactly.
pub fn trend(goal: &Goal, sums: &BTreeMap<i32, Figures>) -> Vec<YearLine> {
    let base_rate = sums.get(&goal.base_year).and_then(Figures::rate);
    goal.years()
        .map(|year| {
            let k = year - goal.base_year;
            let figures = sums.get(&year).copied();
            let rate = figures.as_ref().and_then(Figures::rate);
            let target = base_rate.and_then(|b| target(b, goal.reduction_percent, k));
            let on_track = rate.zip(base_rate).and_then(|(r, b)| on_track(r, b, goal.reduction_percent, k));
            YearLine { year, figures, rate, target, on_track }
        })
        .collect()
}

/// 达标, 未达标, or — when there is nothing to judge.
pub fn mark(on_track: Option<bool>) -> &'static str {
    match on_track {
        Some(true) => "达标",
        Some(false) => "未达标",
        None => "—",
    }
}

/// Who keeps a region's figures: its own city officers.
pub fn may_keep(actor: &Actor, region: &Region) -> bool {
    actor.role == Role::CityOfficer
        && region.level == RegionLevel::City
        && actor.region.as_ref().is_some_and(|r| r.id == region.id)
}

/// The years figures may be given for: from 2000 to this year (a year not yet begun has none).
pub fn year_allowed(year: i32, this_year: i32) -> bool {
    (2000..=this_year).contains(&year)
}

/// The four figures of a row as typed, into `p` under the fields `insured`, `injuries`,
/// `deaths` and `disease_cases`: `Some(None)` when all four are blank (no data), each a whole
/// number from 0; a row given in part names the blanks.
pub fn parse_figures(p: &mut FormParser, raw: [&str; 4]) -> Option<Option<Figures>> {
    if raw.iter().all(|r| r.trim().is_empty()) {
        return Some(None);
    }
    let mut values = [0i64; 4];
    let mut ok = true;
    for (i, field) in FIELDS.iter().enumerate() {
        if raw[i].trim().is_empty() {
            p.check(field, false, "请填写（四项全部留空表示该行业无数据）");
            ok = false;
            continue;
        }
        match p.value::<Count>(field, raw[i]) {
            Some(n) => values[i] = i64::from(n.0),
            None => ok = false,
        }
    }
    let [insured, injuries, deaths, disease_cases] = values;
    ok.then_some(Some(Figures { insured, injuries, deaths, disease_cases }))
}

/// The figures' form fields, in the order of [`parse_figures`].
pub const FIELDS: [&str; 4] = ["insured", "injuries", "deaths", "disease_cases"];

/// A key industry's row of a region's year as the store keeps it: its figures and version
/// (version 0: no row).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Entry {
    pub industry: String,
    pub figures: Option<Figures>,
    pub version: i32,
}

/// The entry form of a region's year, one row per province key industry, as repeated fields in
/// the industries' order; each row carries the version it was opened at (0: no row then).
#[derive(Clone, Debug, Default, Deserialize)]
pub struct YearForm {
    #[serde(default)]
    pub industry: Vec<String>,
    #[serde(default)]
    pub insured: Vec<String>,
    #[serde(default)]
    pub injuries: Vec<String>,
    #[serde(default)]
    pub deaths: Vec<String>,
    #[serde(default)]
    pub disease_cases: Vec<String>,
    #[serde(default)]
    pub version: Vec<String>,
}

/// Why a year's form was not saved: each industry's messages (in the form's order), or a form
/// that does not match the industries (tampered with, or the list changed meanwhile).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct YearErrors {
    pub rows: Vec<FieldErrors>,
    pub form: Option<&'static str>,
}

const BROKEN: &str = "表单已损坏或重点行业已变化，请重新打开编辑页面";

impl YearForm {
    /// The form of the stored rows: every industry, blank where there is no row.
    pub fn of(industries: &[Industry], stored: &[Entry]) -> YearForm {
        let mut form = YearForm::default();
        for industry in industries {
            let entry = stored.iter().find(|e| e.industry == industry.key);
            let figures = entry.and_then(|e| e.figures);
            let text = |f: fn(&Figures) -> i64| figures.as_ref().map(|x| f(x).to_string()).unwrap_or_default();
            form.industry.push(industry.key.clone());
            form.insured.push(text(|f| f.insured));
            form.injuries.push(text(|f| f.injuries));
            form.deaths.push(text(|f| f.deaths));
            form.disease_cases.push(text(|f| f.disease_cases));
            form.version.push(entry.map_or(0, |e| e.version).to_string());
        }
        form
    }

    fn cell(list: &[String], i: usize) -> &str {
        list.get(i).map_or("", String::as_str)
    }

    /// Row `i`'s four figures as typed.
    pub fn raw(&self, i: usize) -> [&str; 4] {
        [
            Self::cell(&self.insured, i),
            Self::cell(&self.injuries, i),
            Self::cell(&self.deaths, i),
            Self::cell(&self.disease_cases, i),
        ]
    }

    /// Every row checked: exactly the province's key industries in their order, each with its
    /// version and its figures (blank: no data).
    pub fn parse(&self, industries: &[Industry]) -> Result<Vec<Entry>, YearErrors> {
        let keys: Vec<&str> = self.industry.iter().map(|k| k.trim()).collect();
        let expected: Vec<&str> = industries.iter().map(|i| i.key.as_str()).collect();
        if keys != expected {
            return Err(YearErrors { rows: Vec::new(), form: Some(BROKEN) });
        }
        let mut entries = Vec::with_capacity(keys.len());
        let mut rows = Vec::with_capacity(keys.len());
        let mut broken = false;
        for (i, key) in keys.iter().enumerate() {
            let version = Self::cell(&self.version, i).trim().parse::<i32>().ok().filter(|v| *v >= 0);
            broken |= version.is_none();
            let mut p = FormParser::default();
            let figures = parse_figures(&mut p, self.raw(i));
            match p.finish(|| figures) {
                Ok(figures) => {
                    entries.push(Entry { industry: key.to_string(), figures, version: version.unwrap_or(0) });
                    rows.push(FieldErrors::default());
                }
                Err(errors) => rows.push(errors),
            }
        }
        if broken {
            return Err(YearErrors { rows, form: Some(BROKEN) });
        }
        if entries.len() < keys.len() {
            return Err(YearErrors { rows, form: None });
        }
        Ok(entries)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_rate_and_the_on_track_rule_at_its_boundary() {
        // 2020 (the base of 2021–2025): 1,000 recognised injuries of 500,000 insured: 2.00‰.
        let base = accident_rate(1_000, 500_000).unwrap();
        assert_eq!(shown(Some(base)), "2.00‰");
        // 20% over five years; 2023 is k = 3: 2.00 × (1 − 0.20 × 3/5) = 1.76‰.
        let t = Decimal::from(20);
        assert_eq!(target(base, t, 3), Some(Decimal::new(176, 2)));
        // 880 of 500,000 is exactly 1.76‰: on track; 881 (1.762‰) is not, though both show 1.76‰.
        assert_eq!(on_track(accident_rate(880, 500_000).unwrap(), base, t, 3), Some(true));
        let over = accident_rate(881, 500_000).unwrap();
        assert_eq!(shown(Some(over)), "1.76‰");
        assert_eq!(on_track(over, base, t, 3), Some(false));
        assert_eq!(target(base, t, 5), Some(Decimal::new(16, 1)), "the cycle's last year: 1.60‰");
        assert_eq!(target(base, t, 0), None);
        assert_eq!(accident_rate(3, 0), None);
        assert_eq!(shown(None), "—");
    }

    fn figures(insured: i64, injuries: i64) -> Figures {
        Figures { insured, injuries, deaths: injuries / 100, disease_cases: 1 }
    }

    /// 2020 (the base of 2021–2025) with two key industries: 300,000 + 200,000 insured and
    /// 600 + 400 injuries, 2.00‰; target t = 20%.
    fn fixture(injuries_2023: i64) -> BTreeMap<i32, Figures> {
        by_year([
            (2020, figures(300_000, 600)),
            (2020, figures(200_000, 400)),
            (2021, figures(500_000, 960)),
            // 2022: no rows at all.
            (2023, figures(250_000, injuries_2023 - 400)),
            (2023, figures(250_000, 400)),
            (2025, figures(0, 3)),
        ])
    }

    fn goal() -> Goal {
        Goal { base_year: 2020, last_year: 2025, reduction_percent: Decimal::from(20) }
    }

    #[test]
    fn the_trend_sums_the_industries_and_judges_each_year_against_its_target() {
        let lines = trend(&goal(), &fixture(880));
        assert_eq!(lines.iter().map(|l| l.year).collect::<Vec<_>>(), [2020, 2021, 2022, 2023, 2024, 2025]);
        let base = lines[0];
        assert_eq!(base.figures, Some(Figures { insured: 500_000, injuries: 1_000, deaths: 10, disease_cases: 2 }));
        assert_eq!(base.rate, Some(Decimal::from(2)));
        assert_eq!((base.target, base.on_track), (None, None), "the base year has no target");
        // 2021: 960 of 500,000 = 1.92‰ against 2.00 × (1 − 0.2 × 1/5) = 1.92‰: equal, on track.
        assert_eq!(lines[1].rate, Some(Decimal::new(192, 2)));
        assert_eq!(lines[1].target, Some(Decimal::new(192, 2)));
        assert_eq!(lines[1].on_track, Some(true));
        // 2022 has no rows: a target but nothing to judge.
        assert_eq!((lines[2].figures, lines[2].rate), (None, None));
        assert_eq!((lines[2].target, lines[2].on_track), (Some(Decimal::new(184, 2)), None));
        assert_eq!(mark(lines[2].on_track), "—");
        // 2023: 880 of 500,000 = 1.76‰ exactly the target: on track; one injury more is not.
        assert_eq!(lines[3].on_track, Some(true));
        assert_eq!(mark(lines[3].on_track), "达标");
        let over = trend(&goal(), &fixture(881));
        assert_eq!(shown(over[3].rate), "1.76‰", "shown alike");
        assert_eq!(over[3].on_track, Some(false));
        assert_eq!(mark(over[3].on_track), "未达标");
        // 2025: injuries without insured workers have no rate.
        assert_eq!((lines[5].rate, lines[5].target, lines[5].on_track), (None, Some(Decimal::new(16, 1)), None));
    }

    #[test]
    fn without_a_base_year_nothing_has_a_target() {
        let sums = by_year([(2021, figures(1_000, 1))]);
        let lines = trend(&goal(), &sums);
        assert!(lines.iter().all(|l| l.target.is_none() && l.on_track.is_none()));
        assert_eq!(lines[1].rate, Some(Decimal::ONE));
    }

    #[test]
    fn the_province_rate_is_the_sums_not_the_mean_of_the_cities() {
        // 沈阳 1,000 of 500,000 (2.00‰), 大连 100 of 100,000 (1.00‰): 1,100 of 600,000.
        let sums = by_year([(2020, figures(500_000, 1_000)), (2020, figures(100_000, 100))]);
        let rate = sums[&2020].rate();
        assert_eq!(sums[&2020].injuries, 1_100);
        assert_eq!(shown(rate), "1.83‰", "not 1.50‰");
    }

    fn industries() -> Vec<Industry> {
        vec![
            Industry { key: "mining".into(), name: "矿山".into() },
            Industry { key: "construction".into(), name: "建筑施工".into() },
        ]
    }

    fn form(rows: [[&str; 4]; 2], versions: [&str; 2]) -> YearForm {
        let column = |i: usize| rows.iter().map(|r| r[i].to_string()).collect();
        YearForm {
            industry: vec!["mining".into(), "construction".into()],
            insured: column(0),
            injuries: column(1),
            deaths: column(2),
            disease_cases: column(3),
            version: versions.iter().map(|v| v.to_string()).collect(),
        }
    }

    #[test]
    fn a_year_form_takes_blank_rows_as_no_data_and_names_each_bad_cell() {
        let good = form([["120,000", "240", "3", "0"], ["", "", "", ""]], ["2", "0"]);
        let entries = good.parse(&industries()).unwrap();
        assert_eq!(
            entries[0],
            Entry {
                industry: "mining".into(),
                figures: Some(Figures { insured: 120_000, injuries: 240, deaths: 3, disease_cases: 0 }),
                version: 2
            }
        );
        assert_eq!(entries[1], Entry { industry: "construction".into(), figures: None, version: 0 });

        let bad = form([["120000", "-1", "", "0"], ["abc", "1", "0", "0"]], ["2", "0"]);
        let errors = bad.parse(&industries()).unwrap_err();
        assert_eq!(errors.form, None);
        assert_eq!(errors.rows[0].get("injuries"), Some("请填写 0 到 1 亿之间的整数"));
        assert_eq!(errors.rows[0].get("deaths"), Some("请填写（四项全部留空表示该行业无数据）"));
        assert_eq!(errors.rows[0].get("insured"), None);
        assert!(errors.rows[1].get("insured").is_some());

        let swapped = YearForm { industry: vec!["construction".into(), "mining".into()], ..good.clone() };
        assert_eq!(swapped.parse(&industries()).unwrap_err().form, Some(BROKEN));
        let no_version = form([["1", "0", "0", "0"], ["", "", "", ""]], ["", "0"]);
        assert_eq!(no_version.parse(&industries()).unwrap_err().form, Some(BROKEN));
    }

    #[test]
    fn the_form_of_stored_rows_round_trips() {
        let stored = [Entry { industry: "construction".into(), figures: Some(figures(10, 1)), version: 4 }];
        let form = YearForm::of(&industries(), &stored);
        assert_eq!(form.version, ["0", "4"]);
        assert_eq!(form.raw(0), ["", "", "", ""]);
        let parsed = form.parse(&industries()).unwrap();
        assert_eq!(parsed[1], stored[0]);
        assert_eq!(parsed[0].figures, None);
    }
}
