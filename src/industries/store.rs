//! SQL of the industry reference data. Read whole into `reference::Reference`; edits raise the
//! reference version (a trigger), so every instance reloads.

use rust_decimal::Decimal;
use sqlx::PgConnection;

use super::model::{Division, RiskClass};
use crate::audit::{self, Action, AuditContext, Event};
use crate::error::WriteError;
use crate::values::Version;

pub async fn divisions(tx: &mut PgConnection) -> Result<Vec<Division>, sqlx::Error> {
    sqlx::query_as!(
        Division,
        "SELECT code, name, risk_class, class_note, version FROM industry_divisions ORDER BY code"
    )
    .fetch_all(tx)
    .await
}

pub async fn risk_classes(tx: &mut PgConnection) -> Result<Vec<RiskClass>, sqlx::Error> {
    sqlx::query_as!(RiskClass, "SELECT class, base_rate_percent, grades, version FROM risk_classes ORDER BY class")
        .fetch_all(tx)
        .await
}

#[derive(serde::Serialize)]
struct DivisionRecord<'a> {
    risk_class: i16,
    class_note: &'a str,
}

/// Changes a division's class if it is still at `version`.
pub async fn update_division(
    tx: &mut PgConnection,
    ctx: &AuditContext,
    before: &Division,
    version: Version,
    class: i16,
    note: &str,
) -> Result<(), WriteError> {
    let updated = sqlx::query!(
        "UPDATE industry_divisions SET risk_class = $3, class_note = $4, version = version + 1, updated_at = now()
         WHERE code = $1 AND version = $2",
        before.code,
        version.0,
        class,
        note
    )
    .execute(&mut *tx)
    .await?;
    if updated.rows_affected() == 0 {
        return Err(WriteError::Stale);
    }
    let event =
        Event::new(Action::DivisionUpdate).object("industry_division", &before.code).detail(before.label()).change(
            &DivisionRecord { risk_class: before.risk_class, class_note: &before.class_note },
            &DivisionRecord { risk_class: class, class_note: note },
        );
    audit::record(tx, ctx, event).await?;
    Ok(())
}

#[derive(serde::Serialize)]
struct ClassRecord {
    base_rate_percent: String,
    grades: Vec<i16>,
}

/// Changes a class's base rate and grades if it is still at `version`.
pub async fn update_class(
    tx: &mut PgConnection,
    ctx: &AuditContext,
    before: &RiskClass,
    version: Version,
    rate: Decimal,
    grades: &[i16],
) -> Result<(), WriteError> {
    let updated = sqlx::query!(
        "UPDATE risk_classes SET base_rate_percent = $3, grades = $4, version = version + 1, updated_at = now()
         WHERE class = $1 AND version = $2",
        before.class,
        version.0,
        rate,
        grades
    )
    .execute(&mut *tx)
    .await?;
    if updated.rows_affected() == 0 {
        return Err(WriteError::Stale);
    }
    let event = Event::new(Action::RiskClassUpdate).object("risk_class", before.class).change(
        &ClassRecord {
            base_rate_percent: before.base_rate_percent.normalize().to_string(),
            grades: before.grades.clone(),
        },
        &ClassRecord { base_rate_percent: rate.normalize().to_string(), grades: grades.to_vec() },
    );
    audit::record(tx, ctx, event).await?;
    Ok(())
}
