//! SQL of injury statistics, in the caller's transaction opened for the actor's scope (row-level
//! security decides which regions' rows it sees).

use std::collections::HashMap;

use serde::Serialize;
use sqlx::PgConnection;

use super::model::{Entry, Figures, Industry, KIND};
use crate::audit::{self, Action, AuditContext, Event};
use crate::error::WriteError;
use crate::org::{AccountId, Region, RegionId};
use crate::workflow::By;

/// A year as the table keeps it (smallint); years outside it have no rows.
fn year_of(year: i32) -> Result<i16, WriteError> {
    i16::try_from(year).map_err(|_| WriteError::NotFound)
}

fn figures(insured: i64, injuries: i64, deaths: i64, disease_cases: i64) -> Figures {
    Figures { insured, injuries, deaths, disease_cases }
}

/// The province's key industries, in the province file's order.
pub async fn industries(tx: &mut PgConnection) -> Result<Vec<Industry>, sqlx::Error> {
    sqlx::query_as!(Industry, "SELECT key, name FROM key_industries ORDER BY sort_order, id").fetch_all(tx).await
}

/// A region's sums of a year.
#[derive(Clone, Copy, Debug)]
pub struct RegionYear {
    pub region: RegionId,
    pub year: i32,
    pub figures: Figures,
}

/// Every region's sums per year from `from` to `to`, in the transaction's scope.
pub async fn by_region(tx: &mut PgConnection, from: i32, to: i32) -> Result<Vec<RegionYear>, sqlx::Error> {
    let rows = sqlx::query!(
        r#"SELECT region_id AS "region: RegionId", year::int AS "year!", sum(insured)::bigint AS "insured!",
                  sum(injuries)::bigint AS "injuries!", sum(deaths)::bigint AS "deaths!",
                  sum(disease_cases)::bigint AS "disease_cases!"
           FROM injury_statistics WHERE year BETWEEN $1::int AND $2::int GROUP BY region_id, year"#,
        from,
        to
    )
    .fetch_all(tx)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| RegionYear {
            region: r.region,
            year: r.year,
            figures: figures(r.insured, r.injuries, r.deaths, r.disease_cases),
        })
        .collect())
}

/// A key industry's figures of a year: one region's row, or the cities' sum.
#[derive(Clone, Debug)]
pub struct IndustryYear {
    pub year: i32,
    pub industry: String,
    pub figures: Figures,
}

/// Per year and key industry from `from` to `to`: `region`'s rows, or without one the sums
/// over every city (the province-wide figures).
pub async fn by_industry(
    tx: &mut PgConnection,
    region: Option<RegionId>,
    from: i32,
    to: i32,
) -> Result<Vec<IndustryYear>, sqlx::Error> {
    let rows = sqlx::query!(
        r#"SELECT s.year::int AS "year!", s.industry, sum(s.insured)::bigint AS "insured!",
                  sum(s.injuries)::bigint AS "injuries!", sum(s.deaths)::bigint AS "deaths!",
                  sum(s.disease_cases)::bigint AS "disease_cases!"
           FROM injury_statistics s JOIN regions g ON g.id = s.region_id
           WHERE s.year BETWEEN $2::int AND $3::int
             AND ($1::bigint IS NULL AND g.level = 'city' OR s.region_id = $1)
           GROUP BY s.year, s.industry ORDER BY s.year"#,
        region.map(|r| r.0),
        from,
        to
    )
    .fetch_all(tx)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| IndustryYear {
            year: r.year,
            industry: r.industry,
            figures: figures(r.insured, r.injuries, r.deaths, r.disease_cases),
        })
        .collect())
}

/// A region's rows of a year with their versions.
pub async fn entries(tx: &mut PgConnection, region: RegionId, year: i32) -> Result<Vec<Entry>, WriteError> {
    let rows = sqlx::query!(
        "SELECT industry, insured, injuries, deaths, disease_cases, version FROM injury_statistics
         WHERE region_id = $1 AND year = $2",
        region.0,
        year_of(year)?
    )
    .fetch_all(tx)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| Entry {
            industry: r.industry,
            figures: Some(figures(r.insured, i64::from(r.injuries), i64::from(r.deaths), i64::from(r.disease_cases))),
            version: r.version,
        })
        .collect())
}

/// The figures of every industry of a year, as the audit log keeps them (by industry key).
#[derive(Serialize)]
struct YearRecord(std::collections::BTreeMap<String, Figures>);

impl YearRecord {
    fn of<'a>(entries: impl Iterator<Item = &'a Entry>) -> YearRecord {
        YearRecord(entries.filter_map(|e| e.figures.map(|f| (e.industry.clone(), f))).collect())
    }
}

/// Columns of rows, as UNNEST takes them.
#[derive(Default)]
struct Columns {
    industry: Vec<String>,
    insured: Vec<i64>,
    injuries: Vec<i32>,
    deaths: Vec<i32>,
    disease_cases: Vec<i32>,
}

/// Counts were checked (`Count`: at most 100 million), so they fit the integer columns.
fn int(n: i64) -> Result<i32, WriteError> {
    i32::try_from(n).map_err(|_| WriteError::Refused("数字过大".into()))
}

impl Columns {
    fn push(&mut self, industry: &str, f: &Figures) -> Result<(), WriteError> {
        self.industry.push(industry.to_string());
        self.insured.push(f.insured);
        self.injuries.push(int(f.injuries)?);
        self.deaths.push(int(f.deaths)?);
        self.disease_cases.push(int(f.disease_cases)?);
        Ok(())
    }
}

/// Saves a region's year as the form left it: every row at the version it was opened at (or
/// still absent), else `Stale` and nothing is written; blank rows removed, changed rows updated,
/// new rows added; audited as one change of the year. Whether anything changed.
pub async fn save_year(
    tx: &mut PgConnection,
    ctx: &AuditContext,
    region: &Region,
    year: i32,
    form: &[Entry],
    by: &By<'_>,
) -> Result<bool, WriteError> {
    let y = year_of(year)?;
    // Locked, so the versions compared stay true until the writes below.
    let stored: HashMap<String, Entry> = sqlx::query!(
        "SELECT industry, insured, injuries, deaths, disease_cases, version FROM injury_statistics
         WHERE region_id = $1 AND year = $2 FOR UPDATE",
        region.id.0,
        y
    )
    .fetch_all(&mut *tx)
    .await?
    .into_iter()
    .map(|r| {
        let f = figures(r.insured, i64::from(r.injuries), i64::from(r.deaths), i64::from(r.disease_cases));
        (r.industry.clone(), Entry { industry: r.industry, figures: Some(f), version: r.version })
    })
    .collect();
    let (mut added, mut changed, mut removed) = (Columns::default(), Columns::default(), Vec::new());
    for entry in form {
        let before = stored.get(&entry.industry);
        if before.map_or(0, |b| b.version) != entry.version {
            return Err(WriteError::Stale);
        }
        match (before.and_then(|b| b.figures), entry.figures) {
            (None, Some(f)) => added.push(&entry.industry, &f)?,
            (Some(old), Some(f)) if old != f => changed.push(&entry.industry, &f)?,
            (Some(_), None) => removed.push(entry.industry.clone()),
            _ => {}
        }
    }
    if added.industry.is_empty() && changed.industry.is_empty() && removed.is_empty() {
        return Ok(false);
    }
    if !added.industry.is_empty() {
        let inserted = sqlx::query!(
            "INSERT INTO injury_statistics (region_id, year, industry, insured, injuries, deaths, disease_cases,
                                            updated_by, updated_by_name)
             SELECT $1, $2, i, n, j, d, c, $8, $9
             FROM unnest($3::text[], $4::bigint[], $5::int[], $6::int[], $7::int[]) AS u(i, n, j, d, c)
             ON CONFLICT (region_id, year, industry) DO NOTHING",
            region.id.0,
            y,
            &added.industry,
            &added.insured,
            &added.injuries,
            &added.deaths,
            &added.disease_cases,
            by.account.0,
            by.name
        )
        .execute(&mut *tx)
        .await?;
        // A row someone added since the form was opened: theirs stays, this save is stale.
        if inserted.rows_affected() != added.industry.len() as u64 {
            return Err(WriteError::Stale);
        }
    }
    if !changed.industry.is_empty() {
        sqlx::query!(
            "UPDATE injury_statistics s SET insured = u.n, injuries = u.j, deaths = u.d, disease_cases = u.c,
                    updated_by = $8, updated_by_name = $9, version = s.version + 1, updated_at = now()
             FROM unnest($3::text[], $4::bigint[], $5::int[], $6::int[], $7::int[]) AS u(i, n, j, d, c)
             WHERE s.region_id = $1 AND s.year = $2 AND s.industry = u.i",
            region.id.0,
            y,
            &changed.industry,
            &changed.insured,
            &changed.injuries,
            &changed.deaths,
            &changed.disease_cases,
            by.account.0,
            by.name
        )
        .execute(&mut *tx)
        .await?;
    }
    if !removed.is_empty() {
        sqlx::query!(
            "DELETE FROM injury_statistics WHERE region_id = $1 AND year = $2 AND industry = ANY($3)",
            region.id.0,
            y,
            &removed
        )
        .execute(&mut *tx)
        .await?;
    }
    let event = Event::new(Action::StatisticsUpdate)
        .object(KIND, format!("{}/{year}", region.code))
        .detail(format!("{} {year}年", region.name))
        .change(&YearRecord::of(stored.values()), &YearRecord::of(form.iter()));
    audit::record(tx, ctx, event).await?;
    Ok(true)
}

/// A row of an import: a year and key industry with its figures.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ImportRow {
    pub year: i32,
    pub industry: String,
    pub figures: Figures,
}

/// What an import did.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Counts {
    pub added: u64,
    pub updated: u64,
    pub unchanged: u64,
}

/// Writes an import's rows into `region`: new keys added, changed ones updated (their version
/// raised), the same figures left alone; rows the file does not name stay as they are.
pub async fn upsert(
    tx: &mut PgConnection,
    region: RegionId,
    rows: &[ImportRow],
    account: AccountId,
    account_name: &str,
) -> Result<Counts, WriteError> {
    let stored: HashMap<(i32, String), Figures> = sqlx::query!(
        "SELECT year::int AS \"year!\", industry, insured, injuries, deaths, disease_cases
         FROM injury_statistics WHERE region_id = $1 FOR UPDATE",
        region.0
    )
    .fetch_all(&mut *tx)
    .await?
    .into_iter()
    .map(|r| {
        let f = figures(r.insured, i64::from(r.injuries), i64::from(r.deaths), i64::from(r.disease_cases));
        ((r.year, r.industry), f)
    })
    .collect();
    let mut counts = Counts::default();
    let mut years = Vec::new();
    let mut written = Columns::default();
    for row in rows {
        match stored.get(&(row.year, row.industry.clone())) {
            Some(f) if *f == row.figures => {
                counts.unchanged += 1;
                continue;
            }
            Some(_) => counts.updated += 1,
            None => counts.added += 1,
        }
        years.push(year_of(row.year)?);
        written.push(&row.industry, &row.figures)?;
    }
    if years.is_empty() {
        return Ok(counts);
    }
    sqlx::query!(
        "INSERT INTO injury_statistics (region_id, year, industry, insured, injuries, deaths, disease_cases,
                                        updated_by, updated_by_name)
         SELECT $1, y, i, n, j, d, c, $8, $9
         FROM unnest($2::smallint[], $3::text[], $4::bigint[], $5::int[], $6::int[], $7::int[]) AS u(y, i, n, j, d, c)
         ON CONFLICT (region_id, year, industry) DO UPDATE
         SET insured = EXCLUDED.insured, injuries = EXCLUDED.injuries, deaths = EXCLUDED.deaths,
             disease_cases = EXCLUDED.disease_cases, updated_by = EXCLUDED.updated_by,
             updated_by_name = EXCLUDED.updated_by_name, version = injury_statistics.version + 1, updated_at = now()",
        region.0,
        &years,
        &written.industry,
        &written.insured,
        &written.injuries,
        &written.deaths,
        &written.disease_cases,
        account.0,
        account_name
    )
    .execute(&mut *tx)
    .await?;
    Ok(counts)
}
