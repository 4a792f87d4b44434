//! The floating-rate rule engine (浮动费率, 人社部发〔2015〕71号), pure: the facts of an employer's
//! period are matched against the rule set's rows, factor by factor; the moves are summed, and the
//! grade moves that many steps from the current one along the grades the class allows, clamped at
//! both ends; class 1 never floats below its base. Each factor's value, the row it met and the
//! move it caused are kept as the explanation. No clock, no SQL.

use rust_decimal::{Decimal, RoundingStrategy};
use serde::{Deserialize, Serialize};

use crate::org::{Region, RegionLevel, Role};
use crate::values::{Count, CreditCode, Money, Text, Version};
use crate::web::form::{FieldErrors, FormParser};

id_type!(
    /// An employer's evaluation for a period.
    pub EvaluationId
);

id_type!(
    /// A row of a rule set.
    pub RuleId
);

pub const KIND: &str = "rate_evaluation";

/// How many years an evaluation period spans.
pub const PERIOD_YEARS: i32 = 3;

/// The grade of an employer never evaluated before: the base rate.
pub const BASE_GRADE: i16 = 100;

labelled_enum! {
    pub enum Factor {
        FundUse => ("fund_use", "基金支缴率"),
        AccidentRate => ("accident_rate", "工伤发生率（与本地区同行业相比）"),
        Hazard => ("hazard", "职业病危害程度"),
        TrainingCoverage => ("training_coverage", "重点岗位培训覆盖率"),
        Rectification => ("rectification", "检查发现问题按期整改率"),
        Standardisation => ("standardisation", "安全生产标准化等级"),
    }
}

impl Factor {
    /// Categorical factors match a value; the others a band of percentages.
    pub fn is_categorical(self) -> bool {
        matches!(self, Factor::Hazard | Factor::Standardisation)
    }

    /// What the factor's percentage is of, for the explanation.
    pub fn unit(self) -> &'static str {
        match self {
            Factor::FundUse => "待遇支出 ÷ 缴费",
            Factor::AccidentRate => "本单位工伤发生率 ÷ 同行业",
            Factor::TrainingCoverage => "已培训 ÷ 应培训",
            Factor::Rectification => "按期整改 ÷ 到期问题",
            Factor::Hazard | Factor::Standardisation => "",
        }
    }
}

labelled_enum! {
    pub enum HazardLevel {
        None => ("none", "无或轻微"),
        General => ("general", "一般"),
        Serious => ("serious", "严重"),
    }
}

labelled_enum! {
    pub enum Standardisation {
        Level1 => ("level1", "一级"),
        Level2 => ("level2", "二级"),
        Level3 => ("level3", "三级"),
        None => ("none", "未达标"),
    }
}

labelled_enum! {
    pub enum EvaluationStatus {
        Entered => ("entered", "已录入待评估"),
        Proposed => ("proposed", "已测算待确认"),
        Confirmed => ("confirmed", "已确认"),
        Overridden => ("overridden", "已调整确认"),
    }
}

/// What a rule row matches.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Band {
    /// from ≤ value < below, in %, either end open.
    Range { from: Option<Decimal>, below: Option<Decimal> },
    /// A categorical factor's value (`HazardLevel` or `Standardisation` name).
    Category(String),
}

impl Band {
    fn holds(&self, value: &FactValue) -> bool {
        match (self, value) {
            (Band::Range { from, below }, FactValue::Percent(v)) => {
                from.is_none_or(|f| *v >= f) && below.is_none_or(|b| *v < b)
            }
            (Band::Category(c), FactValue::Category(v)) => c == v,
            _ => false,
        }
    }

    /// The band as the explanation and the rule page show it: `≥ 50% 且 < 100%`, `一般`.
    pub fn shown(&self, factor: Factor) -> String {
        let pct = |d: &Decimal| format!("{}%", d.normalize());
        match self {
            Band::Range { from: Some(f), below: Some(b) } => format!("≥ {} 且 < {}", pct(f), pct(b)),
            Band::Range { from: Some(f), below: None } => format!("≥ {}", pct(f)),
            Band::Range { from: None, below: Some(b) } => format!("< {}", pct(b)),
            Band::Range { from: None, below: None } => "任意值".to_string(),
            Band::Category(c) => category_label(factor, c).to_string(),
        }
    }
}

/// The Chinese name of a categorical factor's value.
pub fn category_label(factor: Factor, value: &str) -> &'static str {
    match factor {
        Factor::Hazard => HazardLevel::parse(value).map_or("（未知）", |h| h.label()),
        Factor::Standardisation => Standardisation::parse(value).map_or("（未知）", |s| s.label()),
        _ => "（未知）",
    }
}

/// A row of a rule set.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Rule {
    pub id: RuleId,
    pub factor: Factor,
    pub band: Band,
    /// Grades up (+) or down (−).
    pub moves: i16,
    pub note: String,
}

/// A factor's value for one employer and period.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum FactValue {
    Percent(Decimal),
    Category(String),
    /// Nothing to measure (no premiums paid, nobody to train, no finding due): no move.
    Missing(String),
}

impl FactValue {
    pub fn shown(&self, factor: Factor) -> String {
        match self {
            FactValue::Percent(p) => {
                format!("{}%", p.round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero).normalize())
            }
            FactValue::Category(c) => category_label(factor, c).to_string(),
            FactValue::Missing(why) => why.clone(),
        }
    }
}

/// A percentage `part ÷ whole × 100`, exact, or missing (with the reason) when `whole` is zero.
pub fn percent(part: Decimal, whole: Decimal, missing: &str) -> FactValue {
    if whole.is_zero() {
        FactValue::Missing(missing.into())
    } else {
        FactValue::Percent(part * Decimal::ONE_HUNDRED / whole)
    }
}

/// What one factor came to.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Outcome {
    pub factor: Factor,
    pub value: FactValue,
    /// The band of the row met, as shown, with its note; none when no row matched.
    pub rule: Option<String>,
    pub moves: i16,
}

/// The facts of an employer's period, one per factor.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Facts {
    pub fund_use: FactValue,
    pub accident_rate: FactValue,
    pub hazard: HazardLevel,
    pub training_coverage: FactValue,
    pub rectification: FactValue,
    pub standardisation: Standardisation,
}

impl Facts {
    fn value(&self, factor: Factor) -> FactValue {
        match factor {
            Factor::FundUse => self.fund_use.clone(),
            Factor::AccidentRate => self.accident_rate.clone(),
            Factor::Hazard => FactValue::Category(self.hazard.as_str().into()),
            Factor::TrainingCoverage => self.training_coverage.clone(),
            Factor::Rectification => self.rectification.clone(),
            Factor::Standardisation => FactValue::Category(self.standardisation.as_str().into()),
        }
    }
}

/// A class's base rate and the grades it allows, from the rate table in force.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ClassRates {
    pub class: i16,
    /// % of the wage bill.
    pub base_rate: Decimal,
    /// % of the base rate, ascending, with 100 among them.
    pub grades: Vec<i16>,
}

impl ClassRates {
    /// The rate of a grade, % of the wage bill.
    pub fn rate(&self, grade: i16) -> Decimal {
        self.base_rate * Decimal::from(grade) / Decimal::ONE_HUNDRED
    }
}

/// The proposal for an employer's period.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Proposal {
    pub outcomes: Vec<Outcome>,
    /// The moves of every factor, summed.
    pub total: i16,
    pub current_grade: i16,
    pub grade: i16,
    /// % of the wage bill.
    pub rate: Decimal,
    /// The sum asked for more steps than the class's grades allow.
    pub clamped: bool,
}

/// Each factor against the first row of its set whose band holds its value.
pub fn outcomes(facts: &Facts, rules: &[Rule]) -> Vec<Outcome> {
    Factor::ALL
        .iter()
        .map(|factor| {
            let value = facts.value(*factor);
            let met = match value {
                FactValue::Missing(_) => None,
                _ => rules.iter().find(|r| r.factor == *factor && r.band.holds(&value)),
            };
            Outcome {
                factor: *factor,
                rule: met.map(|r| {
                    let band = r.band.shown(*factor);
                    if r.note.is_empty() { band } else { format!("{band}（{}）", r.note) }
                }),
                moves: met.map_or(0, |r| r.moves),
                value,
            }
        })
        .collect()
}

/// Moves `total` steps from `current` along `grades` (ascending), clamped to the ends; a
/// current grade the class does not allow starts from the allowed grade nearest to it. Class 1
/// never floats below its base. Returns the grade and whether the ends clamped it.
pub fn step(class: &ClassRates, current: i16, total: i16) -> (i16, bool) {
    let grades = &class.grades;
    let Some(start) = (0..grades.len()).min_by_key(|i| (grades[*i] - current).abs()) else {
        return (BASE_GRADE, false);
    };
    let wanted = start as i64 + i64::from(total);
    let last = grades.len() as i64 - 1;
    let at = wanted.clamp(0, last);
    let mut grade = grades[at as usize];
    let mut clamped = at != wanted;
    if class.class == 1 && grade < BASE_GRADE {
        grade = BASE_GRADE;
        clamped = true;
    }
    (grade, clamped)
}

/// The proposal: every factor's outcome, their sum, and the grade and rate it leads to from
/// `current` (the last decided grade, or the base at a first evaluation).
pub fn propose(facts: &Facts, rules: &[Rule], class: &ClassRates, current: Option<i16>) -> Proposal {
    let outcomes = outcomes(facts, rules);
    let total = outcomes.iter().map(|o| o.moves).sum();
    let current_grade = current.unwrap_or(BASE_GRADE);
    let (grade, clamped) = step(class, current_grade, total);
    Proposal { rate: class.rate(grade), outcomes, total, current_grade, grade, clamped }
}

/// The inputs of an evaluation that the rules read, beside the system's own records.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Inputs {
    /// Per year of the period, in yuan.
    pub premiums: [Decimal; 3],
    pub benefits: [Decimal; 3],
    pub wage_bill: Decimal,
    pub injuries: i32,
    pub hazard: HazardLevel,
    pub standardisation: Standardisation,
}

/// What the system's own records say of the employer over the period.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Records {
    /// Workers insured (the employer's registered headcount).
    pub insured: i64,
    /// The region's injuries and insured workers in the employer's key industry over the
    /// period (from the injury statistics).
    pub industry_injuries: i64,
    pub industry_insured: i64,
    /// Key-position training of the cycle: people required and trained (capped per category).
    pub required: i64,
    pub trained: i64,
    /// Findings due within the period, and those rectified by their deadline.
    pub findings_due: i64,
    pub rectified_on_time: i64,
}

/// The facts from the inputs and the records: fund use is benefits ÷ premiums over the period;
/// the accident rate is the employer's (injuries ÷ insured per year) against its industry's in
/// the region over the same years; training and rectification are shares of the records.
pub fn facts(inputs: &Inputs, records: &Records) -> Facts {
    let sum = |v: &[Decimal; 3]| v.iter().copied().sum::<Decimal>();
    let years = Decimal::from(PERIOD_YEARS);
    let accident_rate = if records.insured == 0 {
        FactValue::Missing("参保人数为零".into())
    } else if records.industry_insured == 0 || records.industry_injuries == 0 {
        FactValue::Missing("本地区同行业无统计数据".into())
    } else {
        let own = Decimal::from(inputs.injuries) / (Decimal::from(records.insured) * years);
        let industry = Decimal::from(records.industry_injuries) / Decimal::from(records.industry_insured);
        FactValue::Percent(own * Decimal::ONE_HUNDRED / industry)
    };
    Facts {
        fund_use: percent(sum(&inputs.benefits), sum(&inputs.premiums), "评估期内无缴费"),
        accident_rate,
        hazard: inputs.hazard,
        training_coverage: percent(
            Decimal::from(records.trained),
            Decimal::from(records.required),
            "无应培训的重点岗位人员",
        ),
        rectification: percent(
            Decimal::from(records.rectified_on_time),
            Decimal::from(records.findings_due),
            "评估期内无到期的检查发现问题",
        ),
        standardisation: inputs.standardisation,
    }
}

/// The years of the period starting in `start`: `2024—2026年`.
pub fn period_label(start: i32) -> String {
    format!("{start}—{}年", start + PERIOD_YEARS - 1)
}

/// The inputs form of an employer's period, as submitted (amounts in 元).
#[derive(Clone, Debug, Default, Deserialize)]
pub struct InputsForm {
    /// The employer's credit code (a new evaluation only).
    #[serde(default)]
    pub employer: String,
    #[serde(default)]
    pub period_start: String,
    #[serde(default)]
    pub premium_1: String,
    #[serde(default)]
    pub premium_2: String,
    #[serde(default)]
    pub premium_3: String,
    #[serde(default)]
    pub benefit_1: String,
    #[serde(default)]
    pub benefit_2: String,
    #[serde(default)]
    pub benefit_3: String,
    #[serde(default)]
    pub wage_bill: String,
    #[serde(default)]
    pub injuries: String,
    #[serde(default)]
    pub hazard: String,
    #[serde(default)]
    pub standardisation: String,
    #[serde(default)]
    pub version: String,
    #[serde(default)]
    pub form_token: String,
}

/// The inputs as checked.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct InputsInput {
    /// The credit code of a new evaluation's employer, to be found in the region.
    pub employer: Option<String>,
    pub period_start: i32,
    pub inputs: Inputs,
}

const PREMIUMS: [&str; 3] = ["premium_1", "premium_2", "premium_3"];
const BENEFITS: [&str; 3] = ["benefit_1", "benefit_2", "benefit_3"];

impl InputsForm {
    pub fn of(period_start: i32, i: &Inputs, version: i32) -> InputsForm {
        let yuan = |d: Decimal| Money::from_yuan(d).map(|m| m.show_yuan()).unwrap_or_else(|_| d.to_string());
        InputsForm {
            employer: String::new(),
            period_start: period_start.to_string(),
            premium_1: yuan(i.premiums[0]),
            premium_2: yuan(i.premiums[1]),
            premium_3: yuan(i.premiums[2]),
            benefit_1: yuan(i.benefits[0]),
            benefit_2: yuan(i.benefits[1]),
            benefit_3: yuan(i.benefits[2]),
            wage_bill: yuan(i.wage_bill),
            injuries: i.injuries.to_string(),
            hazard: i.hazard.as_str().into(),
            standardisation: i.standardisation.as_str().into(),
            version: version.to_string(),
            form_token: String::new(),
        }
    }

    fn premiums(&self) -> [&str; 3] {
        [&self.premium_1, &self.premium_2, &self.premium_3]
    }

    fn benefits(&self) -> [&str; 3] {
        [&self.benefit_1, &self.benefit_2, &self.benefit_3]
    }

    /// Every field checked. `new`: the employer is asked for; the period has ended by
    /// `this_year` at the latest (its last year may be this one).
    pub fn parse(&self, new: bool, this_year: i32) -> Result<(InputsInput, Version), FieldErrors> {
        let mut p = FormParser::default();
        let checked = self.parse_fields(&mut p, new, this_year);
        let version = if self.version.trim().is_empty() {
            Some(Version(1))
        } else {
            p.value::<Version>("version", &self.version)
        };
        p.finish(|| Some((checked?, version?)))
    }

    /// The fields without the version, into `p` (the import checks rows with it too).
    pub fn parse_fields(&self, p: &mut FormParser, new: bool, this_year: i32) -> Option<InputsInput> {
        let employer = match new {
            true => p.required::<CreditCode>("employer", &self.employer).map(|c| Some(c.as_str().to_string())),
            false => Some(None),
        };
        let period = p.required::<Count>("period_start", &self.period_start).map(|c| c.0);
        if let Some(start) = period {
            p.check(
                "period_start",
                (2000..=this_year - PERIOD_YEARS + 1).contains(&start),
                format!("评估期的最后一年不能晚于 {this_year} 年"),
            );
        }
        let premiums = amounts(p, &PREMIUMS, self.premiums());
        let benefits = amounts(p, &BENEFITS, self.benefits());
        let wage_bill = p.required::<Money>("wage_bill", &self.wage_bill);
        let injuries = p.required::<Count>("injuries", &self.injuries);
        let hazard = p.required::<HazardLevel>("hazard", &self.hazard);
        let standardisation = p.required::<Standardisation>("standardisation", &self.standardisation);
        Some(InputsInput {
            employer: employer?,
            period_start: period.filter(|s| (2000..=this_year - PERIOD_YEARS + 1).contains(s))?,
            inputs: Inputs {
                premiums: premiums?,
                benefits: benefits?,
                wage_bill: wage_bill?.yuan(),
                injuries: injuries?.0,
                hazard: hazard?,
                standardisation: standardisation?,
            },
        })
    }
}

/// Three yearly amounts in 元, each required.
fn amounts(p: &mut FormParser, fields: &[&'static str; 3], raw: [&str; 3]) -> Option<[Decimal; 3]> {
    let parsed: Vec<Option<Money>> = fields.iter().zip(raw).map(|(f, r)| p.required::<Money>(f, r)).collect();
    Some([parsed[0]?.yuan(), parsed[1]?.yuan(), parsed[2]?.yuan()])
}

labelled_enum! {
    pub enum Decision {
        Confirm => ("confirm", "确认测算结果"),
        Override => ("override", "调整后确认"),
    }
}

/// The decision form as submitted.
#[derive(Clone, Debug, Default, Deserialize)]
pub struct DecisionForm {
    #[serde(default)]
    pub action: String,
    #[serde(default)]
    pub grade: String,
    #[serde(default)]
    pub reason: String,
    #[serde(default)]
    pub version: String,
    #[serde(default)]
    pub form_token: String,
}

/// A decision as checked: the grade decided, and the reason when it overrides the proposal.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct DecisionInput {
    pub decision: Decision,
    pub grade: i16,
    pub reason: String,
}

impl DecisionForm {
    /// A confirmation takes the proposal; an override a grade the class allows other than the
    /// proposal, with its reason.
    pub fn parse(&self, proposed: i16, class: &ClassRates) -> Result<(DecisionInput, Version), FieldErrors> {
        let mut p = FormParser::default();
        let decision = p.required::<Decision>("action", &self.action);
        let (grade, reason) = match decision {
            Some(Decision::Override) => {
                let grade = p.required::<Count>("grade", &self.grade).map(|c| c.0);
                let allowed = grade.and_then(|g| i16::try_from(g).ok()).filter(|g| class.grades.contains(g));
                if grade.is_some() {
                    let list = class.grades.iter().map(|g| format!("{g}%")).collect::<Vec<_>>().join("、");
                    p.check("grade", allowed.is_some(), format!("请从本类别允许的档次中选择：{list}"));
                }
                if let Some(g) = allowed {
                    p.check("grade", g != proposed, "与测算结果相同，请直接确认");
                }
                let reason = p.required::<Text<500>>("reason", &self.reason);
                (allowed, reason.map(Text::into_string))
            }
            _ => (Some(proposed), Some(String::new())),
        };
        let version = p.value::<Version>("version", &self.version);
        p.finish(|| Some((DecisionInput { decision: decision?, grade: grade?, reason: reason? }, version?)))
    }
}

/// Who enters inputs, runs evaluations and decides: the region's agency officers.
pub fn may_evaluate(actor: &crate::auth::Actor, region: &Region) -> bool {
    actor.role == Role::AgencyOfficer && actor.region.as_ref().is_some_and(|r| r.id == region.id)
}

/// Who keeps rate tables and rule sets: province officers.
pub fn may_keep_rules(actor: &crate::auth::Actor) -> bool {
    actor.role == Role::ProvinceOfficer && actor.region.as_ref().is_some_and(|r| r.level == RegionLevel::Province)
}

#[cfg(test)]
mod tests;
