//! SQL of the working-day calendar (province data, no region rows).

use chrono::{Datelike, NaiveDate};
use sqlx::PgPool;

use super::model::{CalendarDay, CalendarInput, CalendarYear};
use crate::audit::{self, Action, AuditContext, Event};
use crate::error::WriteError;
use crate::values::Version;
use crate::web::deadline::Calendar;

/// A year as entered (or an empty one at version 0).
pub async fn year(pool: &PgPool, year: i32) -> Result<CalendarYear, sqlx::Error> {
    let head =
        sqlx::query!("SELECT document, version FROM calendar_years WHERE year = $1", year).fetch_optional(pool).await?;
    let days = sqlx::query_as!(
        CalendarDay,
        r#"SELECT day, kind = 'holiday' AS "holiday!", name FROM calendar_days
           WHERE day >= make_date($1, 1, 1) AND day < make_date($1 + 1, 1, 1) ORDER BY day"#,
        year
    )
    .fetch_all(pool)
    .await?;
    Ok(match head {
        Some(h) => CalendarYear { year, entered: true, document: h.document, days, version: h.version },
        None => CalendarYear { year, entered: false, document: String::new(), days, version: 0 },
    })
}

/// The calendar from `from` to `to` (for counting working days across them).
pub async fn between(pool: &PgPool, from: NaiveDate, to: NaiveDate) -> Result<Calendar, sqlx::Error> {
    let days = sqlx::query_as!(
        CalendarDay,
        r#"SELECT day, kind = 'holiday' AS "holiday!", name FROM calendar_days WHERE day BETWEEN $1 AND $2"#,
        from,
        to
    )
    .fetch_all(pool)
    .await?;
    Ok(Calendar::new(days.iter().map(|d| (d.day, d.kind()))))
}

/// Replaces a year's days if the year is still at `version` (0: never entered), audited.
pub async fn save(
    pool: &PgPool,
    ctx: &AuditContext,
    before: &CalendarYear,
    version: Version,
    input: &CalendarInput,
) -> Result<(), WriteError> {
    let mut tx = pool.begin().await?;
    let saved = sqlx::query!(
        "INSERT INTO calendar_years AS y (year, document) VALUES ($1, $2)
         ON CONFLICT (year) DO UPDATE SET document = EXCLUDED.document, version = y.version + 1, updated_at = now()
         WHERE y.version = $3",
        before.year,
        input.document.as_str(),
        version.0
    )
    .execute(&mut *tx)
    .await?;
    // A first save inserts (version 0 expected); a later one updates at the right version.
    if saved.rows_affected() == 0 || (!before.entered && version.0 != 0) {
        return Err(WriteError::Stale);
    }
    sqlx::query!(
        "DELETE FROM calendar_days WHERE day >= make_date($1, 1, 1) AND day < make_date($1 + 1, 1, 1)",
        before.year
    )
    .execute(&mut *tx)
    .await?;
    for d in &input.days {
        debug_assert_eq!(d.day.year(), before.year);
        sqlx::query!(
            "INSERT INTO calendar_days (day, kind, name) VALUES ($1, $2, $3)",
            d.day,
            if d.holiday { "holiday" } else { "workday" },
            d.name
        )
        .execute(&mut *tx)
        .await?;
    }
    let event = Event::new(Action::CalendarUpdate).object("calendar", before.year).change(&before.days, &input.days);
    audit::record(&mut tx, ctx, event).await?;
    tx.commit().await?;
    Ok(())
}
