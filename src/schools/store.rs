//! SQL of technical schools, in the caller's transaction opened for the actor's scope.

use rust_decimal::Decimal;
use sqlx::PgConnection;

use super::model::{KIND, School, SchoolId, SchoolInput, Share};
use crate::audit::{self, Action, AuditContext, Event};
use crate::error::WriteError;
use crate::org::RegionId;
use crate::values::Version;

pub async fn find(tx: &mut PgConnection, id: SchoolId) -> Result<Option<School>, sqlx::Error> {
    sqlx::query_as!(
        School,
        r#"SELECT id AS "id: SchoolId", region_id AS "region: RegionId", year, name, runs_course, course_hours,
                  students_per_year, version
           FROM technical_schools WHERE id = $1"#,
        id.0
    )
    .fetch_optional(tx)
    .await
}

/// A school as the list shows it.
#[derive(Clone, Debug)]
pub struct SchoolLine {
    pub id: SchoolId,
    pub region_name: String,
    pub name: String,
    pub runs_course: bool,
    pub course_hours: Decimal,
    pub students_per_year: i32,
    pub total: i64,
}

/// A page of a year's schools (one region's, or every region's in scope), by region then name.
pub async fn list(
    tx: &mut PgConnection,
    year: i32,
    region: Option<RegionId>,
    limit: i64,
    offset: i64,
) -> Result<Vec<SchoolLine>, sqlx::Error> {
    sqlx::query_as!(
        SchoolLine,
        r#"SELECT s.id AS "id: SchoolId", g.name AS region_name, s.name, s.runs_course, s.course_hours,
                  s.students_per_year, count(*) OVER () AS "total!"
           FROM technical_schools s JOIN regions g ON g.id = s.region_id
           WHERE s.year = $1 AND ($2::bigint IS NULL OR s.region_id = $2)
           ORDER BY g.sort_order, g.id, s.name, s.id LIMIT $3 OFFSET $4"#,
        year,
        region.map(|r| r.0),
        limit,
        offset
    )
    .fetch_all(tx)
    .await
}

/// A region's schools of a year, counted.
#[derive(Clone, Debug)]
pub struct RegionShare {
    pub region: RegionId,
    pub share: Share,
    pub students: i64,
}

/// The share per region in scope for `year` (regions without schools are absent).
pub async fn shares(tx: &mut PgConnection, year: i32) -> Result<Vec<RegionShare>, sqlx::Error> {
    let rows = sqlx::query!(
        r#"SELECT region_id AS "region: RegionId", count(*) FILTER (WHERE runs_course) AS "running!",
                  count(*) AS "total!", coalesce(sum(students_per_year), 0)::bigint AS "students!"
           FROM technical_schools WHERE year = $1 GROUP BY region_id"#,
        year
    )
    .fetch_all(tx)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| RegionShare {
            region: r.region,
            share: Share { running: r.running, total: r.total },
            students: r.students,
        })
        .collect())
}

/// Registers a school of `region`; the same name twice in a year answers `Duplicate`
/// (`technical_schools_name_key`).
pub async fn create(
    tx: &mut PgConnection,
    ctx: &AuditContext,
    region: RegionId,
    input: &SchoolInput,
) -> Result<SchoolId, WriteError> {
    let id = sqlx::query_scalar!(
        r#"INSERT INTO technical_schools (region_id, year, name, runs_course, course_hours, students_per_year)
           VALUES ($1, $2, $3, $4, $5, $6) RETURNING id AS "id: SchoolId""#,
        region.0,
        input.year,
        input.name,
        input.runs_course,
        input.course_hours,
        input.students_per_year
    )
    .fetch_one(&mut *tx)
    .await?;
    let event = Event::new(Action::SchoolCreate)
        .object(KIND, id)
        .detail(format!("{}年 {}", input.year, input.name))
        .created(input);
    audit::record(tx, ctx, event).await?;
    Ok(id)
}

pub async fn update(
    tx: &mut PgConnection,
    ctx: &AuditContext,
    before: &School,
    version: Version,
    input: &SchoolInput,
) -> Result<(), WriteError> {
    let updated = sqlx::query!(
        "UPDATE technical_schools SET year = $3, name = $4, runs_course = $5, course_hours = $6, students_per_year = $7,
                version = version + 1, updated_at = now()
         WHERE id = $1 AND version = $2",
        before.id.0,
        version.0,
        input.year,
        input.name,
        input.runs_course,
        input.course_hours,
        input.students_per_year
    )
    .execute(&mut *tx)
    .await?;
    if updated.rows_affected() == 0 {
        return Err(WriteError::Stale);
    }
    let event = Event::new(Action::SchoolUpdate)
        .object(KIND, before.id)
        .detail(format!("{}年 {}", input.year, input.name))
        .change(before, input);
    audit::record(tx, ctx, event).await?;
    Ok(())
}

pub async fn delete(tx: &mut PgConnection, ctx: &AuditContext, school: &School) -> Result<(), WriteError> {
    let deleted = sqlx::query!("DELETE FROM technical_schools WHERE id = $1", school.id.0).execute(&mut *tx).await?;
    if deleted.rows_affected() == 0 {
        return Err(WriteError::NotFound);
    }
    let event = Event::new(Action::SchoolDelete)
        .object(KIND, school.id)
        .detail(format!("{}年 {}", school.year, school.name))
        .change(school, &serde_json::Value::Null);
    audit::record(tx, ctx, event).await?;
    Ok(())
}
