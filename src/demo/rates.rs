//! Demo floating-rate evaluations: for 沈阳 and 大连, employers' inputs of 2020–2022 decided
//! (so the next period starts from their grades) and of 2023–2025 with every kind of move: up,
//! down, unchanged, stopped at a class's end, class 1 held at its base; most confirmed, two
//! overridden with their reasons, some waiting for confirmation, two not yet evaluated. Written
//! through the feature's store and engine, as the pages would; the default rule set is the
//! migration's.

use anyhow::Context;
use rust_decimal::Decimal;
use sqlx::PgPool;

use super::demo_context;
use super::plans::account;
use crate::db::{self, DbActor, Scope};
use crate::floating_rates::model::{
    Decision, DecisionInput, EvaluationStatus, HazardLevel, Inputs, InputsInput, Standardisation,
};
use crate::floating_rates::{run, store};
use crate::org::RegionId;
use crate::values::time;
use crate::web::once::{FormToken, new_token};
use crate::workflow::By;

const PROVINCE: DbActor = DbActor { scope: Scope::Province, account_id: None };

/// Benefits paid as a share of premiums (%), cycling through every band of the default set.
const FUND_USE: [i64; 5] = [10, 40, 70, 120, 180];
const INJURIES: [i32; 4] = [0, 1, 3, 8];
const HAZARDS: [HazardLevel; 3] = [HazardLevel::None, HazardLevel::General, HazardLevel::Serious];
const GRADES: [Standardisation; 4] =
    [Standardisation::Level1, Standardisation::Level2, Standardisation::Level3, Standardisation::None];

/// The inputs of the `n`th employer for a period (`shift` varies one period from the next).
fn inputs(n: usize, shift: usize, headcount: i32) -> Inputs {
    let premium = Decimal::from(i64::from(headcount.max(10)) * 1_800);
    let benefit = premium * Decimal::from(FUND_USE[(n + shift) % FUND_USE.len()]) / Decimal::ONE_HUNDRED;
    Inputs {
        premiums: [premium, premium * Decimal::new(105, 2), premium * Decimal::new(110, 2)].map(|p| p.round_dp(2)),
        benefits: [benefit, Decimal::ZERO, benefit * Decimal::from(2)].map(|b| b.round_dp(2)),
        wage_bill: premium * Decimal::from(90),
        injuries: INJURIES[(n + shift) % INJURIES.len()],
        hazard: HAZARDS[n % HAZARDS.len()],
        standardisation: GRADES[(n + shift) % GRADES.len()],
    }
}

const OVERRIDES: [(usize, i16, &str); 2] = [
    (3, 100, "企业已完成安全生产标准化二级复评，证书待下发，经办机构复核后维持基准费率"),
    (7, 80, "待遇支出含一起2019年工伤的一次性伤残补助金，不反映评估期风险，按下浮一档确定"),
];

pub async fn seed(owner: &PgPool) -> anyhow::Result<()> {
    let reference = crate::reference::load(owner).await?;
    for (code, agency, count) in [("210100", "demo_sy_agency", 16_usize), ("210200", "demo_dl_agency", 10)] {
        let region = crate::regions::store::find_by_code(owner, code).await?.context("演示地区")?.id;
        let officer = account(owner, agency).await?;
        let by = By { account: officer.0, name: &officer.1 };
        let employers: Vec<(i64, i32)> = {
            let mut tx = db::begin(owner, PROVINCE).await?;
            let rows = sqlx::query!(
                "SELECT id, insured_headcount FROM employers WHERE region_id = $1 ORDER BY id LIMIT $2",
                region.0,
                count as i64
            )
            .fetch_all(&mut *tx)
            .await?;
            tx.commit().await?;
            rows.into_iter().map(|r| (r.id, r.insured_headcount)).collect()
        };
        // The earlier period, decided, for the first half.
        let earlier: Vec<_> = employers.iter().take(count / 2).collect();
        period(owner, &reference, region, 2020, &earlier, 1, &by).await?;
        decide_all(owner, region, 2020, &by, &[]).await?;
        let all: Vec<_> = employers.iter().collect();
        period(owner, &reference, region, 2023, &all[..count - 2], 0, &by).await?;
        decide_all(owner, region, 2023, &by, &OVERRIDES).await?;
        // The last two: entered, not yet evaluated.
        enter(owner, region, 2023, &all[count - 2..], 0, &by).await?;
    }
    sqlx::query("INSERT INTO seed_log (entity, key) VALUES ('demo', 'rates')").execute(owner).await?;
    Ok(())
}

async fn enter(
    owner: &PgPool,
    region: RegionId,
    start: i32,
    employers: &[&(i64, i32)],
    shift: usize,
    by: &By<'_>,
) -> anyhow::Result<()> {
    let ctx = demo_context();
    let mut tx = db::begin(owner, PROVINCE).await?;
    for (n, (employer, headcount)) in employers.iter().enumerate() {
        let input = InputsInput { employer: None, period_start: start, inputs: inputs(n, shift, *headcount) };
        let token = FormToken::parse(&new_token())?;
        store::create(&mut tx, &ctx, region, *employer, &input, by, &token).await?;
    }
    tx.commit().await?;
    Ok(())
}

/// Enters the employers' inputs of a period and evaluates them.
async fn period(
    owner: &PgPool,
    reference: &crate::reference::Reference,
    region: RegionId,
    start: i32,
    employers: &[&(i64, i32)],
    shift: usize,
    by: &By<'_>,
) -> anyhow::Result<()> {
    enter(owner, region, start, employers, shift, by).await?;
    let mut tx = db::begin(owner, PROVINCE).await?;
    run::evaluate_open(&mut tx, reference, region, start, time::today()).await?;
    tx.commit().await?;
    Ok(())
}

/// Confirms the period's proposals, overriding those listed (by position) with their reasons;
/// in the later period every third is left waiting.
async fn decide_all(
    owner: &PgPool,
    region: RegionId,
    start: i32,
    by: &By<'_>,
    overrides: &[(usize, i16, &str)],
) -> anyhow::Result<()> {
    let ctx = demo_context();
    let mut tx = db::begin(owner, PROVINCE).await?;
    let ids: Vec<i64> = sqlx::query_scalar!(
        "SELECT id FROM rate_evaluations WHERE region_id = $1 AND period_start = $2 AND status = 'proposed' ORDER BY id",
        region.0,
        i16::try_from(start)?
    )
    .fetch_all(&mut *tx)
    .await?;
    for (n, id) in ids.into_iter().enumerate() {
        let overridden = overrides.iter().find(|(at, _, _)| *at == n);
        if overridden.is_none() && !overrides.is_empty() && n % 3 == 2 {
            continue;
        }
        let evaluation =
            store::find(&mut tx, crate::floating_rates::model::EvaluationId(id), true).await?.context("演示评估")?;
        let (Some(proposal), Some(base)) = (&evaluation.proposal, evaluation.base_rate) else { continue };
        if evaluation.status != EvaluationStatus::Proposed {
            continue;
        }
        let decision = match overridden {
            Some((_, grade, reason)) if *grade != proposal.grade => {
                DecisionInput { decision: Decision::Override, grade: *grade, reason: reason.to_string() }
            }
            _ => DecisionInput { decision: Decision::Confirm, grade: proposal.grade, reason: String::new() },
        };
        let rate = base * Decimal::from(decision.grade) / Decimal::ONE_HUNDRED;
        let token = FormToken::parse(&new_token())?;
        let version = crate::values::Version(evaluation.version);
        store::decide(&mut tx, &ctx, &evaluation, version, &decision, rate, by, &token).await?;
    }
    tx.commit().await?;
    Ok(())
}
