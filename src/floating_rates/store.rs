//! SQL the rule engine reads: the rule set a region uses and the rates of its classes on a day.
//! In the caller's transaction, opened for the actor's scope.

use chrono::{DateTime, NaiveDate, Utc};
use rust_decimal::Decimal;
use sqlx::PgConnection;

use super::model::{
    Band, ClassRates, Decision, DecisionInput, EvaluationId, EvaluationStatus, Factor, HazardLevel, Inputs,
    InputsInput, KIND, Proposal, Rule, RuleId, Standardisation, period_label,
};
use crate::audit::{self, Action, AuditContext, Event as AuditEvent};
use crate::error::WriteError;
use crate::industries::model::RiskClass;
use crate::org::RegionId;
use crate::values::Version;
use crate::web::once::{self, Claim, FormToken};
use crate::workflow::{By, Done};

struct RuleRow {
    id: RuleId,
    factor: Factor,
    from_value: Option<Decimal>,
    below_value: Option<Decimal>,
    category: Option<String>,
    moves: i16,
    note: String,
}

impl RuleRow {
    fn rule(self) -> Rule {
        let band = match self.category {
            Some(c) => Band::Category(c),
            None => Band::Range { from: self.from_value, below: self.below_value },
        };
        Rule { id: self.id, factor: self.factor, band, moves: self.moves, note: self.note }
    }
}

/// The rows of one set: a region's own (`Some`), or the province's default (`None`), in the
/// order they are matched (by factor, then the band's lower end, open ends first).
pub async fn rule_set(tx: &mut PgConnection, region: Option<RegionId>) -> Result<Vec<Rule>, sqlx::Error> {
    let rows = sqlx::query_as!(
        RuleRow,
        r#"SELECT id AS "id: RuleId", factor AS "factor: Factor", from_value, below_value, category,
                  moves, note
           FROM rate_rules
           WHERE region_id IS NOT DISTINCT FROM $1
           ORDER BY factor, from_value NULLS FIRST, category, id"#,
        region.map(|r| r.0)
    )
    .fetch_all(tx)
    .await?;
    Ok(rows.into_iter().map(RuleRow::rule).collect())
}

/// The set `region` uses, in one statement: its own when it keeps one, else the default; and
/// whether it is its own.
pub async fn rules_of(tx: &mut PgConnection, region: RegionId) -> Result<(Vec<Rule>, bool), sqlx::Error> {
    let rows = sqlx::query!(
        r#"SELECT id AS "id: RuleId", region_id, factor AS "factor: Factor", from_value, below_value, category, moves,
                  note
           FROM rate_rules
           WHERE region_id = $1
              OR (region_id IS NULL AND NOT EXISTS (SELECT FROM rate_rules o WHERE o.region_id = $1))
           ORDER BY factor, from_value NULLS FIRST, category, id"#,
        region.0
    )
    .fetch_all(tx)
    .await?;
    let own = rows.iter().any(|r| r.region_id.is_some());
    let rules = rows
        .into_iter()
        .map(|r| {
            RuleRow {
                id: r.id,
                factor: r.factor,
                from_value: r.from_value,
                below_value: r.below_value,
                category: r.category,
                moves: r.moves,
                note: r.note,
            }
            .rule()
        })
        .collect();
    Ok((rules, own))
}

/// The rate table in force in `region` on `day`: its latest own table effective by then, else
/// the province's reference classes (`reference`).
pub async fn class_rates(
    tx: &mut PgConnection,
    region: RegionId,
    day: NaiveDate,
    reference: &[RiskClass],
) -> Result<Vec<ClassRates>, sqlx::Error> {
    let rows = sqlx::query!(
        r#"SELECT c.class, c.base_rate_percent, c.grades
           FROM rate_table_classes c
           WHERE c.region_id = $1
             AND c.rate_table_id = (SELECT t.id FROM rate_tables t WHERE t.region_id = $1 AND t.effective_from <= $2
                                    ORDER BY t.effective_from DESC LIMIT 1)
           ORDER BY c.class"#,
        region.0,
        day
    )
    .fetch_all(tx)
    .await?;
    if rows.is_empty() {
        return Ok(reference.iter().map(reference_rates).collect());
    }
    Ok(rows
        .into_iter()
        .map(|r| ClassRates { class: r.class, base_rate: r.base_rate_percent, grades: ascending(r.grades) })
        .collect())
}

fn ascending(mut grades: Vec<i16>) -> Vec<i16> {
    grades.sort_unstable();
    grades.dedup();
    grades
}

/// A reference class as the engine reads it.
pub fn reference_rates(c: &RiskClass) -> ClassRates {
    ClassRates { class: c.class, base_rate: c.base_rate_percent, grades: ascending(c.grades.clone()) }
}

// ---- Evaluations ------------------------------------------------------------------------------

/// An evaluation as its page shows it.
#[derive(Clone, Debug)]
pub struct Evaluation {
    pub id: EvaluationId,
    pub region: RegionId,
    pub employer: i64,
    pub employer_name: String,
    pub credit_code: String,
    pub division_code: String,
    /// The employer's own risk class, where its division's does not fit it.
    pub override_class: Option<i16>,
    pub period_start: i32,
    pub inputs: Inputs,
    pub risk_class: Option<i16>,
    pub base_rate: Option<Decimal>,
    pub proposal: Option<Proposal>,
    pub status: EvaluationStatus,
    pub final_grade: Option<i16>,
    pub final_rate: Option<Decimal>,
    pub override_reason: String,
    pub decided_by_name: String,
    pub decided_at: Option<DateTime<Utc>>,
    pub evaluated_at: Option<DateTime<Utc>>,
    pub entered_by_name: String,
    pub version: i32,
    pub updated_at: DateTime<Utc>,
}

impl Evaluation {
    pub fn owner_id(&self) -> i64 {
        self.id.0
    }

    /// Inputs change, and proposals are recomputed, until the agency decides.
    pub fn open(&self) -> bool {
        matches!(self.status, EvaluationStatus::Entered | EvaluationStatus::Proposed)
    }
}

struct EvaluationRow {
    id: EvaluationId,
    region: RegionId,
    employer_id: i64,
    employer_name: String,
    credit_code: String,
    division_code: String,
    risk_class_override: Option<i16>,
    period_start: i16,
    premiums: Vec<Decimal>,
    benefits: Vec<Decimal>,
    wage_bill: Decimal,
    injuries: i32,
    hazard: HazardLevel,
    standardisation: Standardisation,
    risk_class: Option<i16>,
    base_rate_percent: Option<Decimal>,
    explanation: Option<serde_json::Value>,
    status: EvaluationStatus,
    final_grade: Option<i16>,
    final_rate_percent: Option<Decimal>,
    override_reason: String,
    decided_by_name: String,
    decided_at: Option<DateTime<Utc>>,
    evaluated_at: Option<DateTime<Utc>>,
    entered_by_name: String,
    version: i32,
    updated_at: DateTime<Utc>,
}

fn three(v: &[Decimal]) -> [Decimal; 3] {
    [0, 1, 2].map(|i| v.get(i).copied().unwrap_or_default())
}

impl EvaluationRow {
    fn evaluation(self) -> Evaluation {
        Evaluation {
            id: self.id,
            region: self.region,
            employer: self.employer_id,
            employer_name: self.employer_name,
            credit_code: self.credit_code,
            division_code: self.division_code,
            override_class: self.risk_class_override,
            period_start: i32::from(self.period_start),
            inputs: Inputs {
                premiums: three(&self.premiums),
                benefits: three(&self.benefits),
                wage_bill: self.wage_bill,
                injuries: self.injuries,
                hazard: self.hazard,
                standardisation: self.standardisation,
            },
            risk_class: self.risk_class,
            base_rate: self.base_rate_percent,
            // Written by `save_proposals` from the same type; a row that does not read back is
            // shown as not yet evaluated rather than failing the page.
            proposal: self.explanation.and_then(|e| serde_json::from_value(e).ok()),
            status: self.status,
            final_grade: self.final_grade,
            final_rate: self.final_rate_percent,
            override_reason: self.override_reason,
            decided_by_name: self.decided_by_name,
            decided_at: self.decided_at,
            evaluated_at: self.evaluated_at,
            entered_by_name: self.entered_by_name,
            version: self.version,
            updated_at: self.updated_at,
        }
    }
}

pub async fn find(tx: &mut PgConnection, id: EvaluationId, lock: bool) -> Result<Option<Evaluation>, sqlx::Error> {
    if lock {
        sqlx::query_scalar!("SELECT 1 AS one FROM rate_evaluations WHERE id = $1 FOR UPDATE", id.0)
            .fetch_optional(&mut *tx)
            .await?;
    }
    let row = sqlx::query_as!(
        EvaluationRow,
        r#"SELECT v.id AS "id: EvaluationId", v.region_id AS "region: RegionId", v.employer_id, e.name AS employer_name,
                  e.credit_code, e.division_code, e.risk_class_override, v.period_start, v.premiums AS "premiums: Vec<Decimal>", v.benefits AS "benefits: Vec<Decimal>", v.wage_bill, v.injuries,
                  v.hazard_level AS "hazard: HazardLevel", v.standardisation AS "standardisation: Standardisation",
                  v.risk_class, v.base_rate_percent, v.explanation, v.status AS "status: EvaluationStatus",
                  v.final_grade, v.final_rate_percent, v.override_reason, v.decided_by_name, v.decided_at,
                  v.evaluated_at, v.entered_by_name, v.version, v.updated_at
           FROM rate_evaluations v JOIN employers e ON e.region_id = v.region_id AND e.id = v.employer_id
           WHERE v.id = $1"#,
        id.0
    )
    .fetch_optional(tx)
    .await?;
    Ok(row.map(EvaluationRow::evaluation))
}

/// An evaluation as the list shows it.
#[derive(Clone, Debug)]
pub struct EvaluationLine {
    pub id: EvaluationId,
    pub region_name: String,
    pub employer_name: String,
    pub credit_code: String,
    pub risk_class: Option<i16>,
    pub base_rate: Option<Decimal>,
    pub current_grade: Option<i16>,
    pub proposed_grade: Option<i16>,
    pub proposed_rate: Option<Decimal>,
    pub final_grade: Option<i16>,
    pub final_rate: Option<Decimal>,
    pub status: EvaluationStatus,
    pub override_reason: String,
    pub total: i64,
}

/// A page of a period's evaluations (one region's or every region's in scope), by employer
/// name. The page is chosen on the evaluations' own index before the names are joined.
pub async fn list(
    tx: &mut PgConnection,
    period: i32,
    region: Option<RegionId>,
    status: Option<EvaluationStatus>,
    limit: i64,
    offset: i64,
) -> Result<Vec<EvaluationLine>, sqlx::Error> {
    sqlx::query_as!(
        EvaluationLine,
        r#"WITH page AS (
               SELECT v.region_id, v.id, v.employer_id, v.risk_class, v.base_rate_percent, v.current_grade,
                      v.proposed_grade, v.proposed_rate_percent, v.final_grade, v.final_rate_percent, v.status,
                      v.override_reason, count(*) OVER () AS total
               FROM rate_evaluations v
               WHERE v.period_start = $1 AND ($2::bigint IS NULL OR v.region_id = $2)
                 AND ($3::text IS NULL OR v.status = $3)
               ORDER BY v.region_id, v.id LIMIT $4 OFFSET $5)
           SELECT p.id AS "id: EvaluationId", g.name AS region_name, e.name AS employer_name, e.credit_code,
                  p.risk_class, p.base_rate_percent AS base_rate, p.current_grade, p.proposed_grade,
                  p.proposed_rate_percent AS proposed_rate, p.final_grade, p.final_rate_percent AS final_rate,
                  p.status AS "status: EvaluationStatus", p.override_reason, p.total AS "total!"
           FROM page p JOIN employers e ON e.region_id = p.region_id AND e.id = p.employer_id
           JOIN regions g ON g.id = p.region_id
           ORDER BY p.region_id, p.id"#,
        i16::try_from(period).unwrap_or_default(),
        region.map(|r| r.0),
        status.map(|s| s.as_str()),
        limit,
        offset
    )
    .fetch_all(tx)
    .await
}

/// A period's evaluations in scope counted by status.
pub async fn counts(
    tx: &mut PgConnection,
    period: i32,
    region: Option<RegionId>,
) -> Result<Vec<(EvaluationStatus, i64)>, sqlx::Error> {
    let rows = sqlx::query!(
        r#"SELECT status AS "status: EvaluationStatus", count(*) AS "n!" FROM rate_evaluations
           WHERE period_start = $1 AND ($2::bigint IS NULL OR region_id = $2) GROUP BY status"#,
        i16::try_from(period).unwrap_or_default(),
        region.map(|r| r.0)
    )
    .fetch_all(tx)
    .await?;
    Ok(rows.into_iter().map(|r| (r.status, r.n)).collect())
}

/// An employer of `region` by credit code: (id, name).
pub async fn employer(
    tx: &mut PgConnection,
    region: RegionId,
    code: &str,
) -> Result<Option<(i64, String)>, sqlx::Error> {
    let row = sqlx::query!("SELECT id, name FROM employers WHERE region_id = $1 AND credit_code = $2", region.0, code)
        .fetch_optional(tx)
        .await?;
    Ok(row.map(|r| (r.id, r.name)))
}

/// Records an employer's inputs for a period (`rate_evaluations_employer_key` when it has them).
pub async fn create(
    tx: &mut PgConnection,
    ctx: &AuditContext,
    region: RegionId,
    employer: i64,
    input: &InputsInput,
    by: &By<'_>,
    token: &FormToken,
) -> Result<Done, WriteError> {
    if let Claim::Used(outcome) = once::claim(tx, by.account, token).await? {
        return Ok(Done::Before(outcome));
    }
    let i = &input.inputs;
    let id = sqlx::query_scalar!(
        r#"INSERT INTO rate_evaluations (region_id, employer_id, period_start, premiums, benefits, wage_bill, injuries,
                                         hazard_level, standardisation, entered_by, entered_by_name)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id AS "id: EvaluationId""#,
        region.0,
        employer,
        i16::try_from(input.period_start).unwrap_or_default(),
        &i.premiums[..],
        &i.benefits[..],
        i.wage_bill,
        i.injuries,
        i.hazard.as_str(),
        i.standardisation.as_str(),
        by.account.0,
        by.name
    )
    .fetch_one(&mut *tx)
    .await?;
    let event = AuditEvent::new(Action::RateInputsCreate)
        .object(KIND, id)
        .detail(period_label(input.period_start))
        .created(input);
    audit::record(tx, ctx, event).await?;
    let url = format!("/rates/evaluations/{id}");
    once::finish(tx, by.account, token, &url).await?;
    Ok(Done::Now(url))
}

/// Changes the inputs of an open evaluation; its proposal is dropped until evaluated again.
pub async fn update(
    tx: &mut PgConnection,
    ctx: &AuditContext,
    before: &Evaluation,
    version: Version,
    inputs: &Inputs,
) -> Result<(), WriteError> {
    let updated = sqlx::query!(
        "UPDATE rate_evaluations SET premiums = $3, benefits = $4, wage_bill = $5, injuries = $6, hazard_level = $7,
                standardisation = $8, status = 'entered', risk_class = NULL, base_rate_percent = NULL,
                current_grade = NULL, proposed_grade = NULL, proposed_rate_percent = NULL, explanation = NULL,
                evaluated_at = NULL, version = version + 1, updated_at = now()
         WHERE id = $1 AND version = $2 AND status IN ('entered', 'proposed')",
        before.id.0,
        version.0,
        &inputs.premiums[..],
        &inputs.benefits[..],
        inputs.wage_bill,
        inputs.injuries,
        inputs.hazard.as_str(),
        inputs.standardisation.as_str()
    )
    .execute(&mut *tx)
    .await?;
    if updated.rows_affected() == 0 {
        return Err(WriteError::Stale);
    }
    let event = AuditEvent::new(Action::RateInputsUpdate)
        .object(KIND, before.id)
        .detail(format!("{} {}", before.employer_name, period_label(before.period_start)))
        .change(&before.inputs, inputs);
    audit::record(tx, ctx, event).await?;
    Ok(())
}

/// The agency's decision on a proposal (`Stale` when it changed meanwhile).
#[allow(clippy::too_many_arguments)]
pub async fn decide(
    tx: &mut PgConnection,
    ctx: &AuditContext,
    before: &Evaluation,
    version: Version,
    decision: &DecisionInput,
    rate: Decimal,
    by: &By<'_>,
    token: &FormToken,
) -> Result<Done, WriteError> {
    if let Claim::Used(outcome) = once::claim(tx, by.account, token).await? {
        return Ok(Done::Before(outcome));
    }
    let status = match decision.decision {
        Decision::Confirm => EvaluationStatus::Confirmed,
        Decision::Override => EvaluationStatus::Overridden,
    };
    let updated = sqlx::query!(
        "UPDATE rate_evaluations SET status = $3, final_grade = $4, final_rate_percent = $5, override_reason = $6,
                decided_by = $7, decided_by_name = $8, decided_at = now(), version = version + 1, updated_at = now()
         WHERE id = $1 AND version = $2 AND status = 'proposed'",
        before.id.0,
        version.0,
        status.as_str(),
        decision.grade,
        rate,
        decision.reason,
        by.account.0,
        by.name
    )
    .execute(&mut *tx)
    .await?;
    if updated.rows_affected() == 0 {
        return Err(WriteError::Stale);
    }
    let action = match decision.decision {
        Decision::Confirm => Action::RateConfirm,
        Decision::Override => Action::RateOverride,
    };
    let proposed = before.proposal.as_ref().map(|p| p.grade);
    let event = AuditEvent::new(action)
        .object(KIND, before.id)
        .detail(format!(
            "{} {}：测算 {}%，确定 {}%{}",
            before.employer_name,
            period_label(before.period_start),
            proposed.map_or("—".to_string(), |g| g.to_string()),
            decision.grade,
            if decision.reason.is_empty() { String::new() } else { format!("（{}）", decision.reason) }
        ))
        .created(decision);
    audit::record(tx, ctx, event).await?;
    let url = format!("/rates/evaluations/{}", before.id);
    once::finish(tx, by.account, token, &url).await?;
    Ok(Done::Now(url))
}

/// A line of an employer's rate history.
#[derive(Clone, Debug)]
pub struct HistoryLine {
    pub id: EvaluationId,
    pub period_start: i16,
    pub risk_class: Option<i16>,
    pub proposed_grade: Option<i16>,
    pub final_grade: Option<i16>,
    pub final_rate: Option<Decimal>,
    pub status: EvaluationStatus,
    pub override_reason: String,
    pub decided_at: Option<DateTime<Utc>>,
}

pub async fn history(tx: &mut PgConnection, region: RegionId, employer: i64) -> Result<Vec<HistoryLine>, sqlx::Error> {
    sqlx::query_as!(
        HistoryLine,
        r#"SELECT id AS "id: EvaluationId", period_start, risk_class, proposed_grade, final_grade,
                  final_rate_percent AS final_rate, status AS "status: EvaluationStatus", override_reason, decided_at
           FROM rate_evaluations WHERE region_id = $1 AND employer_id = $2 ORDER BY period_start DESC"#,
        region.0,
        employer
    )
    .fetch_all(tx)
    .await
}
