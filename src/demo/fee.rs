//! Demo fee: every region's premium income of 2024 and 2025 (the 2025 and 2026 caps), and its
//! approved budgets of 2025 and 2026 (about a quarter of the cap, split between publicity and
//! training), each submitted by the region and approved by `demo_province` on its day; 大连's
//! 2026 rate raised to 3.5% with the province's approving document. Projects' decisions then
//! take from these budgets through the fee's own check.

use anyhow::Context;
use rust_decimal::Decimal;
use sqlx::PgPool;

use super::plans::{account, shanghai};
use crate::db::{self, DbActor, Scope};
use crate::fee::model::{BudgetContext, BudgetInput, budget_snapshot, cap, default_rate};
use crate::fee::store::BUDGET;
use crate::org::{AccountId, RegionId};
use crate::workflow::versions::{self, Snapshot};

const PROVINCE: DbActor = DbActor { scope: Scope::Province, account_id: None };

/// Each region's premium income (元) of 2024 and 2025, and the city officer who keeps its budget.
const INCOMES: &[(&str, i64, i64, Option<&str>)] = &[
    ("210000", 412_650_000, 436_180_000, Some("demo_province_2")),
    ("210100", 1_186_400_000, 1_245_730_000, Some("demo_sy_hrss")),
    ("210200", 1_093_250_000, 1_152_960_000, Some("demo_dl_hrss")),
    ("210300", 318_760_000, 331_420_000, Some("demo_as_hrss")),
    ("210400", 156_930_000, 161_280_000, None),
    ("210500", 121_470_000, 125_060_000, None),
    ("210600", 134_820_000, 139_750_000, None),
    ("210700", 163_540_000, 170_110_000, None),
    ("210800", 207_390_000, 215_840_000, None),
    ("210900", 88_610_000, 91_230_000, None),
    ("211000", 109_280_000, 112_950_000, None),
    ("211100", 176_020_000, 183_460_000, None),
    ("211200", 97_350_000, 99_870_000, None),
    ("211300", 102_640_000, 106_190_000, None),
    ("211400", 118_910_000, 122_380_000, None),
];

/// The region and budget year whose approved budget was adjusted (training raised by the amount)
/// and approved again, so the demo has two versions to compare.
const ADJUSTED: (&str, i16, Decimal) = ("210100", 2026, Decimal::from_parts(200_000, 0, 0, false, 0));

type Account = (AccountId, String);

/// Freezes a version of a demo budget as submitted at `at`.
async fn freeze_at(
    tx: &mut sqlx::PgConnection,
    region: i64,
    id: i64,
    frozen: &Snapshot,
    by: &Account,
    at: chrono::DateTime<chrono::Utc>,
) -> anyhow::Result<()> {
    let no = versions::freeze(tx, RegionId(region), BUDGET, id, frozen, by.0, &by.1).await?;
    sqlx::query(
        "UPDATE record_versions SET frozen_at = $4 WHERE record_kind = $1 AND record_id = $2 AND version_no = $3",
    )
    .bind(BUDGET)
    .bind(id)
    .bind(no)
    .bind(at)
    .execute(&mut *tx)
    .await?;
    Ok(())
}

/// The adjustment of an approved demo budget: submitted with its reasons in June, approved a
/// week later, its amounts frozen as the second version.
async fn adjust(
    tx: &mut sqlx::PgConnection,
    region: i64,
    id: i64,
    keeper: &Account,
    province: &Account,
    (year, context, input): (i16, &BudgetContext, BudgetInput),
) -> anyhow::Result<()> {
    let submitted = shanghai(&format!("{year}-06-18 10:00"))?;
    let approved = shanghai(&format!("{year}-06-25 16:00"))?;
    freeze_at(tx, region, id, &budget_snapshot(year, &input, context), keeper, submitted).await?;
    sqlx::query(
        "INSERT INTO workflow_history (region_id, record_kind, record_id, from_status, to_status, action, comment,
                                       account_id, account_name, occurred_at)
         VALUES ($1, 'fee_budget', $2, 'approved', 'submitted', 'adjust', '追加新就业形态劳动者工伤预防培训。', $3, $4, $5),
                ($1, 'fee_budget', $2, 'submitted', 'approved', 'approve', '', $6, $7, $8)",
    )
    .bind(region)
    .bind(id)
    .bind(keeper.0.0)
    .bind(&keeper.1)
    .bind(submitted)
    .bind(province.0.0)
    .bind(&province.1)
    .bind(approved)
    .execute(&mut *tx)
    .await?;
    Ok(())
}

pub async fn seed(owner: &PgPool) -> anyhow::Result<()> {
    let province = account(owner, "demo_province").await?;
    let mut tx = db::begin(owner, PROVINCE).await?;
    for (code, income_2024, income_2025, keeper) in INCOMES {
        let region: i64 = sqlx::query_scalar("SELECT id FROM regions WHERE code = $1")
            .bind(code)
            .fetch_optional(&mut *tx)
            .await?
            .with_context(|| format!("演示地区 {code}"))?;
        let keeper = match keeper {
            Some(k) => account(owner, k).await?,
            None => province.clone(),
        };
        for (year, income) in [(2024_i16, *income_2024), (2025, *income_2025)] {
            let evidence = format!("{year}年度工伤保险基金决算报表（{code}）");
            sqlx::query(
                "INSERT INTO fee_incomes (region_id, year, amount, evidence, entered_by, entered_by_name, entered_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7)",
            )
            .bind(region)
            .bind(year)
            .bind(Decimal::from(income))
            .bind(&evidence)
            .bind(keeper.0.0)
            .bind(&keeper.1)
            .bind(shanghai(&format!("{}-03-15 10:00", year + 1))?)
            .execute(&mut *tx)
            .await?;
        }
        let mut rate = default_rate();
        if *code == "210200" {
            rate = Decimal::new(35, 3);
            sqlx::query(
                "INSERT INTO fee_rates (region_id, budget_year, rate, document_number, document_date, approvers, recorded_by,
                                        recorded_by_name, recorded_at)
                 VALUES ($1, 2026, $2, '辽人社〔2025〕168号', '2025-10-28', '省人力资源社会保障厅、省财政厅', $3, $4, $5)",
            )
            .bind(region)
            .bind(rate)
            .bind(province.0.0)
            .bind(&province.1)
            .bind(shanghai("2025-10-30 15:00")?)
            .execute(&mut *tx)
            .await?;
        }
        for (budget_year, income) in [(2025_i16, *income_2024), (2026, *income_2025)] {
            let the_rate = if budget_year == 2026 { rate } else { default_rate() };
            // A quarter of the cap, to the thousand yuan: 40% publicity, 60% training.
            let total = (cap(Decimal::from(income), the_rate) / Decimal::from(4000)).floor() * Decimal::from(1000);
            let publicity = (total * Decimal::new(4, 1) / Decimal::from(1000)).floor() * Decimal::from(1000);
            let training = total - publicity;
            let submitted = shanghai(&format!("{}-11-20 10:00", budget_year - 1))?;
            let approved = shanghai(&format!("{}-12-10 15:30", budget_year - 1))?;
            let adjusted = *code == ADJUSTED.0 && budget_year == ADJUSTED.1;
            let note = format!("根据{}年度预算执行情况和项目申报情况编制。", budget_year - 1);
            let id: i64 = sqlx::query_scalar(
                "INSERT INTO fee_budgets (region_id, budget_year, status, publicity, training, note, created_by, version,
                                          updated_at)
                 VALUES ($1, $2, 'approved', $3, $4, $5, $6, $7, $8) RETURNING id",
            )
            .bind(region)
            .bind(budget_year)
            .bind(publicity)
            .bind(training)
            .bind(&note)
            .bind(keeper.0.0)
            .bind(if adjusted { 5 } else { 3 })
            .bind(approved)
            .fetch_one(&mut *tx)
            .await?;
            let context = BudgetContext {
                income: Some(Decimal::from(income)),
                rate: the_rate,
                publicity_used: Decimal::ZERO,
                training_used: Decimal::ZERO,
            };
            // The adjusted budget was first approved with less for training.
            let first_training = if adjusted { training - ADJUSTED.2 } else { training };
            let first = BudgetInput { publicity, training: first_training, note: note.clone() };
            let frozen = budget_snapshot(budget_year, &first, &context);
            freeze_at(&mut tx, region, id, &frozen, &keeper, submitted).await?;
            sqlx::query(
                "INSERT INTO workflow_history (region_id, record_kind, record_id, from_status, to_status, action, comment,
                                               account_id, account_name, occurred_at)
                 VALUES ($1, 'fee_budget', $2, 'draft', 'submitted', 'submit', '', $3, $4, $5),
                        ($1, 'fee_budget', $2, 'submitted', 'approved', 'approve', '', $6, $7, $8)",
            )
            .bind(region)
            .bind(id)
            .bind(keeper.0.0)
            .bind(&keeper.1)
            .bind(submitted)
            .bind(province.0.0)
            .bind(&province.1)
            .bind(approved)
            .execute(&mut *tx)
            .await?;
            if adjusted {
                adjust(
                    &mut tx,
                    region,
                    id,
                    &keeper,
                    &province,
                    (budget_year, &context, BudgetInput { publicity, training, note }),
                )
                .await?;
            }
        }
    }
    sqlx::query!("INSERT INTO seed_log (entity, key) VALUES ('demo', 'fee')").execute(&mut *tx).await?;
    tx.commit().await?;
    Ok(())
}
