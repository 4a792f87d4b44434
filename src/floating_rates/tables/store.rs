//! SQL of rate tables and rule sets, in the caller's transaction opened for the actor's scope.
//! Row-level security lets every officer scope read the default set and its own region's rows,
//! and only the province scope write them.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use rust_decimal::Decimal;
use sqlx::PgConnection;

use super::model::{
    RULE_KIND, RateTableId, RuleInput, RuleRecord, TABLE_KIND, TableHead, TableInput, overlap_message, overlapping,
};
use crate::audit::{self, Action, AuditContext, Event};
use crate::error::WriteError;
use crate::floating_rates::model::{Band, ClassRates, Factor, Rule, RuleId};
use crate::org::{Region, RegionId};
use crate::values::Version;
use crate::web::once::{self, Claim, FormToken};
use crate::workflow::{By, Done};

// ---- Rate tables -------------------------------------------------------------------------------

/// Every table in scope (or `region`'s), by region, newest effective date first.
pub async fn heads(tx: &mut PgConnection, region: Option<RegionId>) -> Result<Vec<TableHead>, sqlx::Error> {
    sqlx::query_as!(
        TableHead,
        r#"SELECT id AS "id: RateTableId", region_id AS "region: RegionId", effective_from, document_number,
                  document_date, recorded_by_name, recorded_at
           FROM rate_tables WHERE ($1::bigint IS NULL OR region_id = $1)
           ORDER BY region_id, effective_from DESC"#,
        region.map(|r| r.0)
    )
    .fetch_all(tx)
    .await
}

/// The classes of each of `region`'s tables, by table.
pub async fn classes_of(
    tx: &mut PgConnection,
    region: RegionId,
) -> Result<HashMap<RateTableId, Vec<ClassRates>>, sqlx::Error> {
    let rows = sqlx::query!(
        r#"SELECT rate_table_id AS "table: RateTableId", class, base_rate_percent, grades
           FROM rate_table_classes WHERE region_id = $1 ORDER BY rate_table_id, class"#,
        region.0
    )
    .fetch_all(tx)
    .await?;
    let mut by_table: HashMap<RateTableId, Vec<ClassRates>> = HashMap::new();
    for r in rows {
        let mut grades = r.grades;
        grades.sort_unstable();
        by_table.entry(r.table).or_default().push(ClassRates {
            class: r.class,
            base_rate: r.base_rate_percent,
            grades,
        });
    }
    Ok(by_table)
}

/// Records a new table of `region` with its eight classes (`rate_tables_effective_key` when the
/// region has one from that day already). A form posted twice records it once.
pub async fn create_table(
    tx: &mut PgConnection,
    ctx: &AuditContext,
    region: &Region,
    input: &TableInput,
    by: &By<'_>,
    token: &FormToken,
) -> Result<Done, WriteError> {
    if let Claim::Used(outcome) = once::claim(tx, by.account, token).await? {
        return Ok(Done::Before(outcome));
    }
    let region_id = region.id;
    let id = sqlx::query_scalar!(
        r#"INSERT INTO rate_tables (region_id, effective_from, document_number, document_date, recorded_by,
                                    recorded_by_name)
           VALUES ($1, $2, $3, $4, $5, $6) RETURNING id AS "id: RateTableId""#,
        region_id.0,
        input.effective_from,
        input.document_number,
        input.document_date,
        by.account.0,
        by.name
    )
    .fetch_one(&mut *tx)
    .await?;
    let classes: Vec<i16> = input.classes.iter().map(|c| c.class).collect();
    let bases: Vec<Decimal> = input.classes.iter().map(|c| c.base_rate).collect();
    // One array literal per class ("{50,80,100}"), since PostgreSQL has no ragged arrays.
    let grades: Vec<String> = input
        .classes
        .iter()
        .map(|c| format!("{{{}}}", c.grades.iter().map(|g| g.to_string()).collect::<Vec<_>>().join(",")))
        .collect();
    sqlx::query!(
        "INSERT INTO rate_table_classes (region_id, rate_table_id, class, base_rate_percent, grades)
         SELECT $1, $2, c.class, c.base, c.grades::smallint[]
         FROM unnest($3::smallint[], $4::numeric[], $5::text[]) AS c (class, base, grades)",
        region_id.0,
        id.0,
        &classes,
        &bases,
        &grades
    )
    .execute(&mut *tx)
    .await?;
    let event = Event::new(Action::RateTableCreate)
        .object(TABLE_KIND, id)
        .detail(format!("{} {} 起执行（{}）", region.name, input.effective_from, input.document_number))
        .created(input);
    audit::record(tx, ctx, event).await?;
    let url = format!("/rates/tables/{}", region.code);
    once::finish(tx, by.account, token, &url).await?;
    Ok(Done::Now(url))
}

// ---- Rule sets ---------------------------------------------------------------------------------

struct RuleRow {
    id: RuleId,
    region: Option<RegionId>,
    factor: Factor,
    from_value: Option<Decimal>,
    below_value: Option<Decimal>,
    category: Option<String>,
    moves: i16,
    note: String,
    version: i32,
    updated_by_name: String,
    updated_at: DateTime<Utc>,
}

impl RuleRow {
    fn record(self) -> RuleRecord {
        let band = match self.category {
            Some(c) => Band::Category(c),
            None => Band::Range { from: self.from_value, below: self.below_value },
        };
        RuleRecord {
            rule: Rule { id: self.id, factor: self.factor, band, moves: self.moves, note: self.note },
            region: self.region,
            version: self.version,
            updated_by_name: self.updated_by_name,
            updated_at: self.updated_at,
        }
    }
}

/// The rows of one set: `region`'s own, or the default (`None`).
pub async fn records(tx: &mut PgConnection, region: Option<RegionId>) -> Result<Vec<RuleRecord>, sqlx::Error> {
    let rows = sqlx::query_as!(
        RuleRow,
        r#"SELECT id AS "id: RuleId", region_id AS "region: RegionId", factor AS "factor: Factor", from_value,
                  below_value, category, moves, note, version, updated_by_name, updated_at
           FROM rate_rules WHERE region_id IS NOT DISTINCT FROM $1 ORDER BY id"#,
        region.map(|r| r.0)
    )
    .fetch_all(tx)
    .await?;
    Ok(rows.into_iter().map(RuleRow::record).collect())
}

/// The set `region` uses, in one statement: its own rows when it keeps some, else the default
/// set's; and whether they are its own.
pub async fn records_in_use(tx: &mut PgConnection, region: RegionId) -> Result<(Vec<RuleRecord>, bool), sqlx::Error> {
    let rows = sqlx::query_as!(
        RuleRow,
        r#"SELECT id AS "id: RuleId", region_id AS "region: RegionId", factor AS "factor: Factor", from_value,
                  below_value, category, moves, note, version, updated_by_name, updated_at
           FROM rate_rules
           WHERE region_id = $1
              OR (region_id IS NULL AND NOT EXISTS (SELECT FROM rate_rules o WHERE o.region_id = $1))
           ORDER BY id"#,
        region.0
    )
    .fetch_all(tx)
    .await?;
    let own = rows.iter().any(|r| r.region.is_some());
    Ok((rows.into_iter().map(RuleRow::record).collect(), own))
}

/// A row by id, if the scope reads it.
pub async fn find(tx: &mut PgConnection, id: RuleId) -> Result<Option<RuleRecord>, sqlx::Error> {
    let row = sqlx::query_as!(
        RuleRow,
        r#"SELECT id AS "id: RuleId", region_id AS "region: RegionId", factor AS "factor: Factor", from_value,
                  below_value, category, moves, note, version, updated_by_name, updated_at
           FROM rate_rules WHERE id = $1"#,
        id.0
    )
    .fetch_optional(tx)
    .await?;
    Ok(row.map(RuleRow::record))
}

/// Holds the set of `region` (or the default) for the rest of the transaction, so two writers
/// never both find a band free, or both copy a set. The key: this migration's number in the
/// high half, the region (0 for the default set) in the low.
async fn lock_set(tx: &mut PgConnection, region: Option<RegionId>) -> Result<(), sqlx::Error> {
    let key = (54_i64 << 32) + region.map_or(0, |r| r.0);
    // Not the macro: the function returns `void`, which the macros have no type for.
    sqlx::query("SELECT pg_advisory_xact_lock($1)").bind(key).execute(tx).await?;
    Ok(())
}

/// The other rows of the set, as the engine reads them, for the overlap rule.
async fn locked_set(tx: &mut PgConnection, region: Option<RegionId>) -> Result<Vec<Rule>, sqlx::Error> {
    lock_set(tx, region).await?;
    Ok(records(tx, region).await?.into_iter().map(|r| r.rule).collect())
}

/// What saving a rule came to: saved, or its band overlaps a row already there (the message
/// for beside the band's field).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Saved {
    Done(RuleId),
    Overlaps(String),
}

fn band_columns(band: &Band) -> (Option<Decimal>, Option<Decimal>, Option<&str>) {
    match band {
        Band::Range { from, below } => (*from, *below, None),
        Band::Category(c) => (None, None, Some(c.as_str())),
    }
}

/// The set's name for the log: the region's, or 省级默认规则.
fn set_name(region: Option<&Region>) -> String {
    region.map_or_else(|| "省级默认规则".to_string(), |r| format!("{}规则", r.name))
}

/// Adds a row to the default set (`None`) or to a region's own set; a region that uses the
/// default set has nothing to add to (it copies the default first).
pub async fn create_rule(
    tx: &mut PgConnection,
    ctx: &AuditContext,
    region: Option<&Region>,
    input: &RuleInput,
    by_name: &str,
) -> Result<Saved, WriteError> {
    let region_id = region.map(|r| r.id);
    let set = locked_set(tx, region_id).await?;
    if region.is_some() && set.is_empty() {
        return Err(WriteError::refused("该地区使用省级默认规则。请先把默认规则复制为本地区规则，再增改。"));
    }
    if let Some(other) = overlapping(input.factor, &input.band, &set, None) {
        return Ok(Saved::Overlaps(overlap_message(other)));
    }
    let (from, below, category) = band_columns(&input.band);
    let id = sqlx::query_scalar!(
        r#"INSERT INTO rate_rules (region_id, factor, from_value, below_value, category, moves, note, updated_by_name)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id AS "id: RuleId""#,
        region_id.map(|r| r.0),
        input.factor.as_str(),
        from,
        below,
        category,
        input.moves,
        input.note,
        by_name
    )
    .fetch_one(&mut *tx)
    .await?;
    let event = Event::new(Action::RateRuleCreate)
        .object(RULE_KIND, id)
        .detail(format!("{}：{}", set_name(region), input.factor.label()))
        .created(input);
    audit::record(tx, ctx, event).await?;
    Ok(Saved::Done(id))
}

/// The row as its log snapshot has it.
fn input_of(rule: &Rule) -> RuleInput {
    RuleInput { factor: rule.factor, band: rule.band.clone(), moves: rule.moves, note: rule.note.clone() }
}

/// Changes a row if it is still at `version` (`Stale` otherwise); its factor stays.
pub async fn update_rule(
    tx: &mut PgConnection,
    ctx: &AuditContext,
    before: &RuleRecord,
    region: Option<&Region>,
    version: Version,
    input: &RuleInput,
    by_name: &str,
) -> Result<Saved, WriteError> {
    let set = locked_set(tx, before.region).await?;
    if let Some(other) = overlapping(before.rule.factor, &input.band, &set, Some(before.rule.id)) {
        return Ok(Saved::Overlaps(overlap_message(other)));
    }
    let (from, below, category) = band_columns(&input.band);
    let updated = sqlx::query!(
        "UPDATE rate_rules SET from_value = $3, below_value = $4, category = $5, moves = $6, note = $7,
                updated_by_name = $8, version = version + 1, updated_at = now()
         WHERE id = $1 AND version = $2 AND factor = $9",
        before.rule.id.0,
        version.0,
        from,
        below,
        category,
        input.moves,
        input.note,
        by_name,
        before.rule.factor.as_str()
    )
    .execute(&mut *tx)
    .await?;
    if updated.rows_affected() == 0 {
        return Err(WriteError::Stale);
    }
    let event = Event::new(Action::RateRuleUpdate)
        .object(RULE_KIND, before.rule.id)
        .detail(format!("{}：{}", set_name(region), before.rule.factor.label()))
        .change(&input_of(&before.rule), input);
    audit::record(tx, ctx, event).await?;
    Ok(Saved::Done(before.rule.id))
}

pub async fn delete_rule(
    tx: &mut PgConnection,
    ctx: &AuditContext,
    rule: &RuleRecord,
    region: Option<&Region>,
) -> Result<(), WriteError> {
    lock_set(tx, rule.region).await?;
    let deleted = sqlx::query!("DELETE FROM rate_rules WHERE id = $1", rule.rule.id.0).execute(&mut *tx).await?;
    if deleted.rows_affected() == 0 {
        return Err(WriteError::NotFound);
    }
    let event = Event::new(Action::RateRuleDelete)
        .object(RULE_KIND, rule.rule.id)
        .detail(format!(
            "{}：{} {}",
            set_name(region),
            rule.rule.factor.label(),
            rule.rule.band.shown(rule.rule.factor)
        ))
        .change(&input_of(&rule.rule), &serde_json::Value::Null);
    audit::record(tx, ctx, event).await?;
    Ok(())
}

/// Copies the default set into `region`'s own (refused when it keeps one already); the number
/// of rows copied.
pub async fn copy_default(
    tx: &mut PgConnection,
    ctx: &AuditContext,
    region: &Region,
    by_name: &str,
) -> Result<u64, WriteError> {
    let region_id = region.id;
    lock_set(tx, Some(region_id)).await?;
    if !records(tx, Some(region_id)).await?.is_empty() {
        return Err(WriteError::refused("该地区已有本地区规则，无需再复制。"));
    }
    let copied = sqlx::query!(
        "INSERT INTO rate_rules (region_id, factor, from_value, below_value, category, moves, note, updated_by_name)
         SELECT $1, factor, from_value, below_value, category, moves, note, $2
         FROM rate_rules WHERE region_id IS NULL ORDER BY id",
        region_id.0,
        by_name
    )
    .execute(&mut *tx)
    .await?
    .rows_affected();
    let rows: Vec<RuleInput> = records(tx, Some(region_id)).await?.iter().map(|r| input_of(&r.rule)).collect();
    let event = Event::new(Action::RateRuleCopy)
        .object("region", &region.code)
        .detail(format!("复制省级默认规则为{}规则（{copied} 条）", region.name))
        .created(&rows);
    audit::record(tx, ctx, event).await?;
    Ok(copied)
}

/// Removes `region`'s own set, so it uses the default again (refused when it has none).
pub async fn reset(tx: &mut PgConnection, ctx: &AuditContext, region: &Region) -> Result<u64, WriteError> {
    let region_id = region.id;
    lock_set(tx, Some(region_id)).await?;
    let before: Vec<RuleInput> = records(tx, Some(region_id)).await?.iter().map(|r| input_of(&r.rule)).collect();
    if before.is_empty() {
        return Err(WriteError::refused("该地区本就使用省级默认规则。"));
    }
    let removed = sqlx::query!("DELETE FROM rate_rules WHERE region_id = $1", region_id.0)
        .execute(&mut *tx)
        .await?
        .rows_affected();
    let event = Event::new(Action::RateRuleReset)
        .object("region", &region.code)
        .detail(format!("{}恢复使用省级默认规则（删除本地区规则 {removed} 条）", region.name))
        .change(&before, &serde_json::Value::Null);
    audit::record(tx, ctx, event).await?;
    Ok(removed)
}
