//! SQL of the fee, in the caller's transaction opened for the actor's scope. A budget year's row
//! is locked (`FOR UPDATE`) before its ledger is read and written, so decisions of several
//! application instances at once take from it one after the other and never more than it holds.

use chrono::{DateTime, NaiveDate, Utc};
use rust_decimal::Decimal;
use sqlx::PgConnection;

use super::model::{BudgetInput, BudgetStatus, Category, EntryKind, Used};
use crate::audit::{self, Action, AuditContext, Event};
use crate::error::WriteError;
use crate::org::{AccountId, RegionId};
use crate::projects::model::ProjectId;
use crate::values::Version;
use crate::workflow::By;

/// The record kind of budgets in the shared history and versions.
pub const BUDGET: &str = "fee_budget";

#[derive(Clone, Debug)]
pub struct Income {
    pub year: i16,
    pub amount: Decimal,
    pub evidence: String,
    pub entered_by_name: String,
    pub entered_at: DateTime<Utc>,
    pub version: i32,
}

pub async fn income_of(tx: &mut PgConnection, region: RegionId, year: i16) -> Result<Option<Income>, sqlx::Error> {
    sqlx::query_as!(
        Income,
        "SELECT year, amount, evidence, entered_by_name, entered_at, version FROM fee_incomes
         WHERE region_id = $1 AND year = $2",
        region.0,
        year
    )
    .fetch_optional(tx)
    .await
}

/// Records the income of `year` (the form opened at version 0) or corrects it at the version
/// it was opened at. Audited.
pub async fn save_income(
    tx: &mut PgConnection,
    ctx: &AuditContext,
    region: RegionId,
    (year, amount, evidence): (i16, Decimal, &str),
    version: Version,
    by: &By<'_>,
) -> Result<(), WriteError> {
    let saved = if version.0 == 0 {
        sqlx::query!(
            "INSERT INTO fee_incomes (region_id, year, amount, evidence, entered_by, entered_by_name)
             VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING",
            region.0,
            year,
            amount,
            evidence,
            by.account.0,
            by.name
        )
        .execute(&mut *tx)
        .await?
    } else {
        sqlx::query!(
            "UPDATE fee_incomes SET amount = $4, evidence = $5, entered_by = $6, entered_by_name = $7, entered_at = now(),
                    version = version + 1
             WHERE region_id = $1 AND year = $2 AND version = $3",
            region.0,
            year,
            version.0,
            amount,
            evidence,
            by.account.0,
            by.name
        )
        .execute(&mut *tx)
        .await?
    };
    if saved.rows_affected() == 0 {
        return Err(WriteError::Stale);
    }
    let detail = format!("{year}年度工伤保险基金征缴收入 {amount} 元；依据：{evidence}");
    audit::record(tx, ctx, Event::new(Action::FeeIncomeSave).object("region", region.0).detail(detail)).await?;
    Ok(())
}

#[derive(Clone, Debug)]
pub struct Rate {
    pub rate: Decimal,
    pub document_number: String,
    pub document_date: NaiveDate,
    pub approvers: String,
    pub recorded_by_name: String,
}

/// The raised rate of `budget_year`, if the province recorded one.
pub async fn rate_of(tx: &mut PgConnection, region: RegionId, budget_year: i16) -> Result<Option<Rate>, sqlx::Error> {
    sqlx::query_as!(
        Rate,
        "SELECT rate, document_number, document_date, approvers, recorded_by_name FROM fee_rates
         WHERE region_id = $1 AND budget_year = $2",
        region.0,
        budget_year
    )
    .fetch_optional(tx)
    .await
}

pub async fn save_rate(
    tx: &mut PgConnection,
    ctx: &AuditContext,
    region: RegionId,
    budget_year: i16,
    rate: &Rate,
    by: &By<'_>,
) -> Result<(), WriteError> {
    sqlx::query!(
        "INSERT INTO fee_rates (region_id, budget_year, rate, document_number, document_date, approvers, recorded_by,
                                recorded_by_name)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
         ON CONFLICT (region_id, budget_year) DO UPDATE
            SET rate = EXCLUDED.rate, document_number = EXCLUDED.document_number,
                document_date = EXCLUDED.document_date, approvers = EXCLUDED.approvers,
                recorded_by = EXCLUDED.recorded_by, recorded_by_name = EXCLUDED.recorded_by_name, recorded_at = now()",
        region.0,
        budget_year,
        rate.rate,
        rate.document_number,
        rate.document_date,
        rate.approvers,
        by.account.0,
        by.name
    )
    .execute(&mut *tx)
    .await?;
    let detail = format!(
        "{budget_year}年度提取比例 {}；批准文件：{}（{}，{}）",
        super::model::percent(rate.rate),
        rate.document_number,
        rate.document_date,
        rate.approvers
    );
    audit::record(tx, ctx, Event::new(Action::FeeRateSave).object("region", region.0).detail(detail)).await?;
    Ok(())
}

#[derive(Clone, Debug)]
pub struct Budget {
    pub id: i64,
    pub region: RegionId,
    pub budget_year: i16,
    pub status: BudgetStatus,
    pub publicity: Decimal,
    pub training: Decimal,
    pub note: String,
    pub created_by: AccountId,
    pub version: i32,
    pub updated_at: DateTime<Utc>,
}

impl Budget {
    pub fn total(&self) -> Decimal {
        self.publicity + self.training
    }

    pub fn amount(&self, category: Category) -> Decimal {
        match category {
            Category::Publicity => self.publicity,
            Category::Training => self.training,
        }
    }
}

/// The budget of `budget_year`, locked for the transaction with `lock` (a decision taking from
/// it, or its own change).
/// A budget's region and budget year (none outside the actor's scope).
pub async fn budget_place(tx: &mut PgConnection, id: i64) -> Result<Option<(RegionId, i16)>, sqlx::Error> {
    let row =
        sqlx::query!("SELECT region_id, budget_year FROM fee_budgets WHERE id = $1", id).fetch_optional(tx).await?;
    Ok(row.map(|r| (RegionId(r.region_id), r.budget_year)))
}

pub async fn budget_of(
    tx: &mut PgConnection,
    region: RegionId,
    budget_year: i16,
    lock: bool,
) -> Result<Option<Budget>, sqlx::Error> {
    const READ: &str = "SELECT id, region_id, budget_year, status, publicity, training, note, created_by, version,
                               updated_at
                        FROM fee_budgets WHERE region_id = $1 AND budget_year = $2";
    const LOCK: &str = "SELECT id, region_id, budget_year, status, publicity, training, note, created_by, version,
                               updated_at
                        FROM fee_budgets WHERE region_id = $1 AND budget_year = $2 FOR UPDATE";
    let row: Option<(i64, i64, i16, BudgetStatus, Decimal, Decimal, String, i64, i32, DateTime<Utc>)> =
        sqlx::query_as(if lock { LOCK } else { READ }).bind(region.0).bind(budget_year).fetch_optional(tx).await?;
    Ok(row.map(|r| Budget {
        id: r.0,
        region: RegionId(r.1),
        budget_year: r.2,
        status: r.3,
        publicity: r.4,
        training: r.5,
        note: r.6,
        created_by: AccountId(r.7),
        version: r.8,
        updated_at: r.9,
    }))
}

/// What `budget_year`'s ledger holds, per category.
pub async fn used_of(
    tx: &mut PgConnection,
    region: RegionId,
    budget_year: i16,
) -> Result<Vec<(Category, Used)>, sqlx::Error> {
    let rows = sqlx::query!(
        r#"SELECT category AS "category: Category",
                  coalesce(sum(amount) FILTER (WHERE kind = 'allocation'), 0) AS "allocated!",
                  coalesce(sum(amount) FILTER (WHERE kind = 'commitment'), 0) AS "committed!",
                  coalesce(sum(amount) FILTER (WHERE kind = 'release'), 0) AS "released!"
           FROM fee_entries WHERE region_id = $1 AND budget_year = $2 GROUP BY category"#,
        region.0,
        budget_year
    )
    .fetch_all(tx)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| (r.category, Used { allocated: r.allocated, committed: r.committed, released: r.released }))
        .collect())
}

pub fn used_in(used: &[(Category, Used)], category: Category) -> Used {
    used.iter().find(|(c, _)| *c == category).map(|(_, u)| *u).unwrap_or_default()
}

/// Starts the budget of `budget_year` (a double post makes one).
pub async fn create_budget(
    tx: &mut PgConnection,
    ctx: &AuditContext,
    region: RegionId,
    budget_year: i16,
    input: &BudgetInput,
    by: &By<'_>,
) -> Result<i64, WriteError> {
    let id = sqlx::query_scalar!(
        "INSERT INTO fee_budgets (region_id, budget_year, publicity, training, note, created_by)
         VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
        region.0,
        budget_year,
        input.publicity,
        input.training,
        input.note,
        by.account.0
    )
    .fetch_one(&mut *tx)
    .await?;
    let detail = format!("{budget_year}年度预算：宣传 {} 元，培训 {} 元", input.publicity, input.training);
    audit::record(tx, ctx, Event::new(Action::FeeBudgetSave).object(BUDGET, id).detail(detail)).await?;
    Ok(id)
}

/// Changes the budget's amounts at the version its form was opened at (a draft, a returned
/// one, or an approved one being adjusted).
pub async fn update_budget(
    tx: &mut PgConnection,
    ctx: &AuditContext,
    budget: &Budget,
    version: Version,
    input: &BudgetInput,
) -> Result<(), WriteError> {
    let done = sqlx::query!(
        "UPDATE fee_budgets SET publicity = $3, training = $4, note = $5, version = version + 1, updated_at = now()
         WHERE region_id = $1 AND id = $2 AND version = $6",
        budget.region.0,
        budget.id,
        input.publicity,
        input.training,
        input.note,
        version.0
    )
    .execute(&mut *tx)
    .await?;
    if done.rows_affected() == 0 {
        return Err(WriteError::Stale);
    }
    let detail = format!(
        "{}年度预算：宣传 {} → {} 元，培训 {} → {} 元",
        budget.budget_year, budget.publicity, input.publicity, budget.training, input.training
    );
    audit::record(tx, ctx, Event::new(Action::FeeBudgetSave).object(BUDGET, budget.id).detail(detail)).await?;
    Ok(())
}

/// Moves the budget to `to` (its history and audit are the caller's step).
pub async fn set_status(tx: &mut PgConnection, budget: &Budget, to: BudgetStatus) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "UPDATE fee_budgets SET status = $3, version = version + 1, updated_at = now() WHERE region_id = $1 AND id = $2",
        budget.region.0,
        budget.id,
        to.as_str()
    )
    .execute(tx)
    .await?;
    Ok(())
}

/// One ledger entry.
pub struct NewEntry<'a> {
    pub project: ProjectId,
    pub budget_year: i16,
    pub project_year: i16,
    pub category: Category,
    pub kind: EntryKind,
    pub amount: Decimal,
    pub note: &'a str,
}

pub async fn record_entry(
    tx: &mut PgConnection,
    region: RegionId,
    e: &NewEntry<'_>,
    by: &By<'_>,
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "INSERT INTO fee_entries (region_id, project_id, budget_year, project_year, category, kind, amount, note, created_by,
                                  created_by_name)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
        region.0,
        e.project.0,
        e.budget_year,
        e.project_year,
        e.category.as_str(),
        e.kind.as_str(),
        e.amount,
        e.note,
        by.account.0,
        by.name
    )
    .execute(tx)
    .await?;
    Ok(())
}

/// What a project still holds per budget year, project year and category (taken less released).
pub async fn held_by(
    tx: &mut PgConnection,
    region: RegionId,
    project: ProjectId,
) -> Result<Vec<(i16, i16, Category, Decimal)>, sqlx::Error> {
    let rows = sqlx::query!(
        r#"SELECT budget_year, project_year, category AS "category: Category",
                  sum(CASE WHEN kind = 'release' THEN -amount ELSE amount END) AS "held!"
           FROM fee_entries WHERE region_id = $1 AND project_id = $2
           GROUP BY budget_year, project_year, category ORDER BY budget_year, project_year"#,
        region.0,
        project.0
    )
    .fetch_all(tx)
    .await?;
    Ok(rows.into_iter().map(|r| (r.budget_year, r.project_year, r.category, r.held)).collect())
}

/// A ledger entry as the budget's page lists it.
#[derive(Clone, Debug)]
pub struct EntryLine {
    pub project: ProjectId,
    pub project_name: String,
    pub project_year: i16,
    pub category: Category,
    pub kind: EntryKind,
    pub amount: Decimal,
    pub note: String,
    pub created_by_name: String,
    pub created_at: DateTime<Utc>,
}

/// The ledger of `budget_year`, newest first (at most 500 entries: a region's year has a few dozen).
pub async fn entries_of(
    tx: &mut PgConnection,
    region: RegionId,
    budget_year: i16,
) -> Result<Vec<EntryLine>, sqlx::Error> {
    sqlx::query_as!(
        EntryLine,
        r#"SELECT e.project_id AS "project: ProjectId", p.name AS project_name, e.project_year,
                  e.category AS "category: Category", e.kind AS "kind: EntryKind", e.amount, e.note, e.created_by_name,
                  e.created_at
           FROM fee_entries e JOIN projects p ON p.region_id = e.region_id AND p.id = e.project_id
           WHERE e.region_id = $1 AND e.budget_year = $2 ORDER BY e.id DESC LIMIT 500"#,
        region.0,
        budget_year
    )
    .fetch_all(tx)
    .await
}

/// A payment as recorded.
#[derive(Clone, Debug)]
pub struct Payment {
    pub id: i64,
    pub paid_on: NaiveDate,
    pub amount: Decimal,
    pub voucher: String,
    pub stage: super::model::PaymentStage,
    pub recorded_by_name: String,
    pub recorded_at: DateTime<Utc>,
}

/// The payments of `project`, the earliest first.
pub async fn payments_of(
    tx: &mut PgConnection,
    region: RegionId,
    project: ProjectId,
) -> Result<Vec<Payment>, sqlx::Error> {
    sqlx::query_as!(
        Payment,
        r#"SELECT id, paid_on, amount, voucher, stage AS "stage: super::model::PaymentStage", recorded_by_name, recorded_at
           FROM fee_payments WHERE region_id = $1 AND project_id = $2 ORDER BY paid_on, id"#,
        region.0,
        project.0
    )
    .fetch_all(tx)
    .await
}

/// Records a payment, audited. A voucher the region used before is refused as a duplicate.
pub async fn record_payment(
    tx: &mut PgConnection,
    ctx: &AuditContext,
    region: RegionId,
    project: ProjectId,
    p: &super::model::PaymentInput,
    by: &By<'_>,
) -> Result<i64, WriteError> {
    let id = sqlx::query_scalar!(
        "INSERT INTO fee_payments (region_id, project_id, paid_on, amount, voucher, stage, recorded_by, recorded_by_name)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
        region.0,
        project.0,
        p.paid_on,
        p.amount,
        p.voucher,
        p.stage.as_str(),
        by.account.0,
        by.name
    )
    .fetch_one(&mut *tx)
    .await?;
    let detail = format!("{}：{} 元，凭证 {}，{}", p.stage.label(), p.amount, p.voucher, p.paid_on);
    audit::record(tx, ctx, Event::new(Action::FeePayment).object(crate::projects::model::KIND, project).detail(detail))
        .await?;
    Ok(id)
}

/// A region's budget year in figures: what the execution table and trend show.
#[derive(Clone, Debug)]
pub struct Execution {
    pub region_id: RegionId,
    pub region_code: String,
    pub region_name: String,
    pub budget_year: i16,
    pub income: Option<Decimal>,
    pub rate: Decimal,
    pub status: Option<BudgetStatus>,
    pub publicity: Option<Decimal>,
    pub training: Option<Decimal>,
    pub allocated: Decimal,
    pub committed: Decimal,
    pub released: Decimal,
    /// Paid in the calendar year.
    pub paid: Decimal,
}

/// The figures of every region in scope (or `region`) for each budget year from `first` to
/// `last`, by region code then year, in one statement.
pub async fn execution(
    tx: &mut PgConnection,
    (first, last): (i16, i16),
    region: Option<RegionId>,
) -> Result<Vec<Execution>, sqlx::Error> {
    sqlx::query_as!(
        Execution,
        r#"SELECT r.id AS "region_id!: RegionId", r.code AS "region_code!", r.name AS "region_name!",
                  y.y::smallint AS "budget_year!",
                  i.amount AS "income?", coalesce(rt.rate, 0.03) AS "rate!",
                  b.status AS "status?: BudgetStatus", b.publicity AS "publicity?", b.training AS "training?",
                  coalesce(e.allocated, 0) AS "allocated!", coalesce(e.committed, 0) AS "committed!",
                  coalesce(e.released, 0) AS "released!", coalesce(p.paid, 0) AS "paid!"
           FROM regions r
           CROSS JOIN generate_series($1::int, $2::int) AS y(y)
           LEFT JOIN fee_incomes i ON i.region_id = r.id AND i.year = y.y - 1
           LEFT JOIN fee_rates rt ON rt.region_id = r.id AND rt.budget_year = y.y
           LEFT JOIN fee_budgets b ON b.region_id = r.id AND b.budget_year = y.y
           LEFT JOIN (SELECT region_id, budget_year,
                             sum(amount) FILTER (WHERE kind = 'allocation') AS allocated,
                             sum(amount) FILTER (WHERE kind = 'commitment') AS committed,
                             sum(amount) FILTER (WHERE kind = 'release') AS released
                      FROM fee_entries GROUP BY region_id, budget_year) e
                  ON e.region_id = r.id AND e.budget_year = y.y
           LEFT JOIN (SELECT region_id, extract(year FROM paid_on)::int AS y, sum(amount) AS paid
                      FROM fee_payments GROUP BY 1, 2) p ON p.region_id = r.id AND p.y = y.y
           WHERE ($3::bigint IS NULL OR r.id = $3)
           ORDER BY r.code, y.y"#,
        i32::from(first),
        i32::from(last),
        region.map(|r| r.0)
    )
    .fetch_all(tx)
    .await
}

/// One record behind a figure of a region's budget year: a ledger entry of that budget year or
/// a payment made in that calendar year, as the records page lists them.
#[derive(Clone, Debug)]
pub struct RecordLine {
    /// The row's place in the whole filtered list (from 1), the export's page key.
    pub ordinal: i64,
    pub project: ProjectId,
    pub project_name: String,
    pub on_day: NaiveDate,
    pub category: Option<Category>,
    /// An entry's kind (`allocation`, `commitment`, `release`) or `payment`.
    pub kind: String,
    pub stage: Option<super::model::PaymentStage>,
    pub amount: Decimal,
    pub detail: String,
    pub who: String,
    /// How many rows the filter has in all, and their amounts' sum.
    pub total: i64,
    pub sum: Decimal,
}

/// What a figure's records are filtered by.
#[derive(Clone, Copy, Debug)]
pub struct RecordFilter<'a> {
    pub region: RegionId,
    pub year: i16,
    /// `allocation`, `commitment`, `release`, `payment`, or every kind.
    pub kind: Option<&'a str>,
    pub category: Option<Category>,
}

/// The records under `filter`, the latest first, `limit` of them after the first `offset`.
pub async fn records(
    tx: &mut PgConnection,
    filter: RecordFilter<'_>,
    limit: i64,
    offset: i64,
) -> Result<Vec<RecordLine>, sqlx::Error> {
    sqlx::query_as!(
        RecordLine,
        r#"SELECT row_number() OVER (ORDER BY r.on_day DESC, r.source, r.id DESC) AS "ordinal!",
                  r.project_id AS "project!: ProjectId", p.name AS project_name, r.on_day AS "on_day!",
                  r.category AS "category: Category", r.kind AS "kind!", r.stage AS "stage: super::model::PaymentStage",
                  r.amount AS "amount!", r.detail AS "detail!", r.who AS "who!", count(*) OVER () AS "total!",
                  sum(r.amount) OVER () AS "sum!"
           FROM (SELECT e.project_id, (e.created_at AT TIME ZONE 'Asia/Shanghai')::date AS on_day, e.category,
                        e.kind, NULL::text AS stage, e.amount, e.note AS detail, e.created_by_name AS who,
                        1 AS source, e.id
                 FROM fee_entries e WHERE e.region_id = $1 AND e.budget_year = $2
                 UNION ALL
                 SELECT f.project_id, f.paid_on, q.project_type, 'payment', f.stage, f.amount,
                        '凭证 ' || f.voucher, f.recorded_by_name, 0, f.id
                 FROM fee_payments f JOIN projects q ON q.region_id = f.region_id AND q.id = f.project_id
                 WHERE f.region_id = $1 AND f.paid_on >= make_date($2, 1, 1) AND f.paid_on < make_date($2 + 1, 1, 1)) r
           JOIN projects p ON p.region_id = $1 AND p.id = r.project_id
           WHERE ($3::text IS NULL OR r.kind = $3) AND ($4::text IS NULL OR r.category = $4)
           ORDER BY r.on_day DESC, r.source, r.id DESC
           LIMIT $5 OFFSET $6"#,
        filter.region.0,
        filter.year,
        filter.kind,
        filter.category.map(Category::as_str),
        limit,
        offset
    )
    .fetch_all(tx)
    .await
}
