//! Evaluating a region's open evaluations of a period: the rule set and the rates in force, the
//! region's injury statistics of the period per key industry, then batch by batch the employers'
//! own records (key-position training of the cycle, findings due in the period and whether each
//! was rectified by its deadline, the grade last decided) are read set-wise, the engine proposes,
//! and the proposals are written back in one statement per batch. One evaluation from its page
//! goes the same way as a batch of one; a whole region runs as a background job with progress.

use std::collections::HashMap;

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use sqlx::{PgConnection, PgPool};

use super::model::{ClassRates, EvaluationId, Inputs, PERIOD_YEARS, Proposal, Records, Rule, facts, propose};
use super::store;
use crate::audit::{self, Action, AuditContext, Event};
use crate::cycles::Cycle;
use crate::db::{self, DbActor, Scope};
use crate::industries::model::Division;
use crate::jobs::{self, Job, JobError};
use crate::org::RegionId;
use crate::reference::Reference;

/// The job kind of a region's run.
pub const KIND: &str = "rates.evaluate";

/// Evaluations per batch: read, proposed and written together.
const BATCH: i64 = 2_000;

/// What a run reports.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RunOutcome {
    pub evaluated: usize,
    pub up: usize,
    pub same: usize,
    pub down: usize,
    /// Proposals the class's grades stopped short of the moves asked.
    pub clamped: usize,
}

impl RunOutcome {
    fn add(&mut self, p: &Proposal) {
        self.evaluated += 1;
        match p.grade.cmp(&p.current_grade) {
            std::cmp::Ordering::Greater => self.up += 1,
            std::cmp::Ordering::Equal => self.same += 1,
            std::cmp::Ordering::Less => self.down += 1,
        }
        self.clamped += usize::from(p.clamped);
    }
}

/// What every evaluation of the run shares.
pub struct Setting {
    pub region: RegionId,
    pub period: i32,
    rules: Vec<Rule>,
    classes: Vec<ClassRates>,
    /// A division's key industry (its key), for the industry's statistics.
    industry_of: HashMap<String, String>,
    /// Per key industry, and under "" for all of them: injuries and insured over the period.
    figures: HashMap<String, (i64, i64)>,
    divisions: Vec<Division>,
    cycle: Option<crate::cycles::CycleId>,
}

impl Setting {
    /// The rates and rules in force on `day` (the run's day), the statistics of the period.
    pub async fn read(
        tx: &mut PgConnection,
        reference: &Reference,
        region: RegionId,
        period: i32,
        day: NaiveDate,
    ) -> Result<Setting, sqlx::Error> {
        let (rules, _) = store::rules_of(tx, region).await?;
        let classes = store::class_rates(tx, region, day, &reference.risk_classes).await?;
        let industry_of = sqlx::query!(
            r#"SELECT d.code, k.key FROM key_industry_divisions d JOIN key_industries k ON k.id = d.key_industry_id"#
        )
        .fetch_all(&mut *tx)
        .await?
        .into_iter()
        .map(|r| (r.code, r.key))
        .collect();
        let rows = sqlx::query!(
            r#"SELECT industry, sum(injuries)::bigint AS "injuries!", sum(insured)::bigint AS "insured!"
               FROM injury_statistics WHERE region_id = $1 AND year BETWEEN $2 AND $3 GROUP BY industry"#,
            region.0,
            i16::try_from(period).unwrap_or_default(),
            i16::try_from(period + PERIOD_YEARS - 1).unwrap_or_default()
        )
        .fetch_all(&mut *tx)
        .await?;
        let mut figures: HashMap<String, (i64, i64)> = HashMap::new();
        for r in rows {
            let all = figures.entry(String::new()).or_default();
            *all = (all.0 + r.injuries, all.1 + r.insured);
            figures.insert(r.industry, (r.injuries, r.insured));
        }
        let cycle = cycle_of(&reference.cycles, period + PERIOD_YEARS - 1).map(|c| c.id);
        Ok(Setting {
            region,
            period,
            rules,
            classes,
            industry_of,
            figures,
            divisions: reference.divisions.clone(),
            cycle,
        })
    }

    /// The industry figures an employer of `division` is compared with: its key industry's, or
    /// the region's over every key industry when the division is in none.
    fn industry(&self, division: &str) -> (i64, i64) {
        let key = self.industry_of.get(division).map_or("", String::as_str);
        self.figures.get(key).or_else(|| self.figures.get("")).copied().unwrap_or_default()
    }

    fn class(&self, division: &str, override_class: Option<i16>) -> Option<&ClassRates> {
        let division = self.divisions.iter().find(|d| d.code == division);
        let class = crate::employers::model::risk_class(division, override_class)?;
        self.classes.iter().find(|c| c.class == class)
    }
}

/// The cycle whose years hold `year`.
fn cycle_of(cycles: &[Cycle], year: i32) -> Option<&Cycle> {
    cycles.iter().find(|c| c.contains_year(year))
}

struct Pending {
    id: EvaluationId,
    employer_id: i64,
    division_code: String,
    risk_class_override: Option<i16>,
    insured_headcount: i32,
    premiums: Vec<Decimal>,
    benefits: Vec<Decimal>,
    wage_bill: Decimal,
    injuries: i32,
    hazard: super::model::HazardLevel,
    standardisation: super::model::Standardisation,
}

impl Pending {
    fn inputs(&self) -> Inputs {
        let three = |v: &[Decimal]| [0, 1, 2].map(|i| v.get(i).copied().unwrap_or_default());
        Inputs {
            premiums: three(&self.premiums),
            benefits: three(&self.benefits),
            wage_bill: self.wage_bill,
            injuries: self.injuries,
            hazard: self.hazard,
            standardisation: self.standardisation,
        }
    }
}

/// The next batch of open evaluations after `after` (by id), or the one asked for.
async fn pending(
    tx: &mut PgConnection,
    s: &Setting,
    only: Option<EvaluationId>,
    after: i64,
) -> Result<Vec<Pending>, sqlx::Error> {
    sqlx::query_as!(
        Pending,
        r#"SELECT v.id AS "id: EvaluationId", v.employer_id, e.division_code, e.risk_class_override,
                  e.insured_headcount, v.premiums AS "premiums: Vec<Decimal>", v.benefits AS "benefits: Vec<Decimal>", v.wage_bill, v.injuries,
                  v.hazard_level AS "hazard: super::model::HazardLevel",
                  v.standardisation AS "standardisation: super::model::Standardisation"
           FROM rate_evaluations v JOIN employers e ON e.region_id = v.region_id AND e.id = v.employer_id
           WHERE v.region_id = $1 AND v.period_start = $2 AND v.status IN ('entered', 'proposed')
             AND ($3::bigint IS NULL OR v.id = $3) AND v.id > $4
           ORDER BY v.id LIMIT $5"#,
        s.region.0,
        i16::try_from(s.period).unwrap_or_default(),
        only.map(|o| o.0),
        after,
        BATCH
    )
    .fetch_all(tx)
    .await
}

/// The batch's employers' own records: training of the cycle, findings due in the period, and
/// the grade last decided before it.
async fn records(
    tx: &mut PgConnection,
    s: &Setting,
    employers: &[i64],
) -> Result<(HashMap<i64, Records>, HashMap<i64, i16>), sqlx::Error> {
    let mut found: HashMap<i64, Records> = HashMap::new();
    if let Some(cycle) = s.cycle {
        let rows = sqlx::query!(
            "SELECT employer_id, required, capped FROM training_employer_totals
             WHERE region_id = $1 AND cycle_id = $2 AND employer_id = ANY($3)",
            s.region.0,
            cycle.0,
            employers
        )
        .fetch_all(&mut *tx)
        .await?;
        for r in rows {
            let e = found.entry(r.employer_id).or_default();
            (e.required, e.trained) = (r.required, r.capped);
        }
    }
    let from = NaiveDate::from_ymd_opt(s.period, 1, 1).unwrap_or_default();
    let until = NaiveDate::from_ymd_opt(s.period + PERIOD_YEARS, 1, 1).unwrap_or_default();
    let rows = sqlx::query!(
        r#"SELECT employer_id, count(*) AS "due!",
                  count(*) FILTER (WHERE rectified_on IS NOT NULL AND rectified_on <= deadline) AS "on_time!"
           FROM findings WHERE region_id = $1 AND employer_id = ANY($2) AND deadline >= $3 AND deadline < $4
           GROUP BY employer_id"#,
        s.region.0,
        employers,
        from,
        until
    )
    .fetch_all(&mut *tx)
    .await?;
    for r in rows {
        let e = found.entry(r.employer_id).or_default();
        (e.findings_due, e.rectified_on_time) = (r.due, r.on_time);
    }
    let rows = sqlx::query!(
        r#"SELECT DISTINCT ON (employer_id) employer_id, final_grade AS "grade!"
           FROM rate_evaluations
           WHERE region_id = $1 AND employer_id = ANY($2) AND period_start < $3 AND final_grade IS NOT NULL
           ORDER BY employer_id, period_start DESC"#,
        s.region.0,
        employers,
        i16::try_from(s.period).unwrap_or_default()
    )
    .fetch_all(&mut *tx)
    .await?;
    let current = rows.into_iter().map(|r| (r.employer_id, r.grade)).collect();
    Ok((found, current))
}

/// Proposes and writes one batch; how many it had.
async fn batch(
    tx: &mut PgConnection,
    s: &Setting,
    only: Option<EvaluationId>,
    after: i64,
    outcome: &mut RunOutcome,
) -> Result<(usize, i64), sqlx::Error> {
    let rows = pending(tx, s, only, after).await?;
    let Some(last) = rows.last().map(|r| r.id.0) else {
        return Ok((0, after));
    };
    let employers: Vec<i64> = rows.iter().map(|r| r.employer_id).collect();
    let (own, current) = records(tx, s, &employers).await?;
    let mut written = Written::default();
    for r in &rows {
        // An employer whose division has no class in the table cannot be rated: left entered.
        let Some(class) = s.class(&r.division_code, r.risk_class_override) else { continue };
        let (industry_injuries, industry_insured) = s.industry(&r.division_code);
        let records = Records {
            insured: i64::from(r.insured_headcount),
            industry_injuries,
            industry_insured,
            ..own.get(&r.employer_id).cloned().unwrap_or_default()
        };
        let proposal = propose(&facts(&r.inputs(), &records), &s.rules, class, current.get(&r.employer_id).copied());
        outcome.add(&proposal);
        written.push(r.id, class, &proposal);
    }
    written.save(tx).await?;
    Ok((rows.len(), last))
}

/// The columns of a batch's proposals, written in one statement.
#[derive(Default)]
struct Written {
    ids: Vec<i64>,
    classes: Vec<i16>,
    base_rates: Vec<Decimal>,
    current: Vec<i16>,
    grades: Vec<i16>,
    rates: Vec<Decimal>,
    explanations: Vec<serde_json::Value>,
}

impl Written {
    fn push(&mut self, id: EvaluationId, class: &ClassRates, p: &Proposal) {
        self.ids.push(id.0);
        self.classes.push(class.class);
        self.base_rates.push(class.base_rate);
        self.current.push(p.current_grade);
        self.grades.push(p.grade);
        self.rates.push(p.rate);
        self.explanations.push(serde_json::to_value(p).unwrap_or(serde_json::Value::Null));
    }

    async fn save(self, tx: &mut PgConnection) -> Result<(), sqlx::Error> {
        if self.ids.is_empty() {
            return Ok(());
        }
        sqlx::query!(
            "UPDATE rate_evaluations v SET risk_class = n.class, base_rate_percent = n.base_rate,
                    current_grade = n.current, proposed_grade = n.grade, proposed_rate_percent = n.rate,
                    explanation = n.explanation, evaluated_at = now(), status = 'proposed', version = v.version + 1,
                    updated_at = now()
             FROM unnest($1::bigint[], $2::smallint[], $3::numeric[], $4::smallint[], $5::smallint[], $6::numeric[],
                         $7::jsonb[]) AS n (id, class, base_rate, current, grade, rate, explanation)
             WHERE v.id = n.id AND v.status IN ('entered', 'proposed')",
            &self.ids,
            &self.classes,
            &self.base_rates,
            &self.current,
            &self.grades,
            &self.rates,
            &self.explanations
        )
        .execute(tx)
        .await?;
        Ok(())
    }
}

/// Evaluates one open evaluation in the caller's transaction (its page's 重新测算).
pub async fn evaluate_one(
    tx: &mut PgConnection,
    reference: &Reference,
    region: RegionId,
    period: i32,
    id: EvaluationId,
    day: NaiveDate,
) -> Result<RunOutcome, sqlx::Error> {
    let setting = Setting::read(tx, reference, region, period, day).await?;
    let mut outcome = RunOutcome::default();
    batch(tx, &setting, Some(id), 0, &mut outcome).await?;
    Ok(outcome)
}

/// Evaluates every open evaluation of a region's period in the caller's transaction (the demo;
/// a region's run from the page goes through the job, committing batch by batch).
pub async fn evaluate_open(
    tx: &mut PgConnection,
    reference: &Reference,
    region: RegionId,
    period: i32,
    day: NaiveDate,
) -> Result<RunOutcome, sqlx::Error> {
    let setting = Setting::read(tx, reference, region, period, day).await?;
    let mut outcome = RunOutcome::default();
    let mut after = 0;
    loop {
        let (n, last) = batch(tx, &setting, None, after, &mut outcome).await?;
        if n == 0 {
            return Ok(outcome);
        }
        after = last;
    }
}

/// What a run is asked to do.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct RunPayload {
    pub period: i32,
}

const WORKER: DbActor = DbActor { scope: Scope::Province, account_id: None };

/// The runner of `rates.evaluate` jobs: the region's open evaluations of the period, batch by
/// batch, each batch committed with the job's progress.
pub fn run(
    pool: PgPool,
    job: Job,
) -> std::pin::Pin<Box<dyn std::future::Future<Output = Result<(), JobError>> + Send>> {
    Box::pin(async move { run_region(&pool, &job).await })
}

async fn run_region(pool: &PgPool, job: &Job) -> Result<(), JobError> {
    let payload: RunPayload =
        serde_json::from_value(job.payload.clone()).map_err(|e| JobError::Other(format!("任务参数无效：{e}")))?;
    let reference = crate::reference::load(pool).await?;
    let mut tx = db::begin(pool, WORKER).await?;
    let setting =
        Setting::read(&mut tx, &reference, job.region_id, payload.period, crate::values::time::today()).await?;
    let total = sqlx::query_scalar!(
        r#"SELECT count(*) AS "n!" FROM rate_evaluations WHERE region_id = $1 AND period_start = $2
             AND status IN ('entered', 'proposed')"#,
        job.region_id.0,
        i16::try_from(payload.period).unwrap_or_default()
    )
    .fetch_one(&mut *tx)
    .await?;
    tx.commit().await?;
    let mut outcome = RunOutcome::default();
    let (mut after, mut done) = (0_i64, 0_i64);
    loop {
        let mut tx = db::begin(pool, WORKER).await?;
        let (n, last) = batch(&mut tx, &setting, None, after, &mut outcome).await?;
        tx.commit().await?;
        if n == 0 {
            break;
        }
        (after, done) = (last, done + n as i64);
        if !jobs::progress(pool, job, done.min(total), total).await? {
            return Err(JobError::LeaseLost);
        }
    }
    let mut tx = db::begin(pool, WORKER).await?;
    let ctx = AuditContext::for_job(job.account_id, &job.account_name, job.region_id);
    let detail = format!(
        "{} 浮动费率测算：{} 家，上浮 {}，不变 {}，下浮 {}",
        super::model::period_label(payload.period),
        outcome.evaluated,
        outcome.up,
        outcome.same,
        outcome.down
    );
    audit::record(&mut tx, &ctx, Event::new(Action::RateRun).object("job", job.id).detail(detail)).await?;
    let value = serde_json::to_value(&outcome).map_err(|e| JobError::Other(e.to_string()))?;
    jobs::finish(&mut tx, job, &value).await?;
    tx.commit().await?;
    Ok(())
}
