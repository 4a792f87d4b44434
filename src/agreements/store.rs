//! SQL of project agreements, in the caller's transaction opened for the actor's scope.

use serde::Serialize;
use sqlx::PgConnection;

use super::model::{Agreement, AgreementId, AgreementInput};
use crate::audit::{self, Action, AuditContext, Event};
use crate::error::WriteError;
use crate::org::AccountId;
use crate::projects::model::{KIND, Project, ProjectId};
use crate::values::{Money, Version};

/// The agreement of `project`, if recorded.
pub async fn of(tx: &mut PgConnection, project: &Project) -> Result<Option<Agreement>, sqlx::Error> {
    sqlx::query_as!(
        Agreement,
        r#"SELECT id AS "id: AgreementId", number, signed_on, party_a, party_b, amount AS "amount: Money", starts_on,
                  ends_on, version, updated_at
           FROM project_agreements WHERE region_id = $1 AND project_id = $2"#,
        project.region.id.0,
        project.id.0
    )
    .fetch_optional(tx)
    .await
}

#[derive(Serialize)]
struct Record<'a> {
    number: &'a str,
    signed_on: chrono::NaiveDate,
    party_a: &'a str,
    party_b: &'a str,
    amount: String,
    starts_on: chrono::NaiveDate,
    ends_on: chrono::NaiveDate,
}

fn record(i: &AgreementInput) -> Record<'_> {
    Record {
        number: &i.number,
        signed_on: i.signed_on,
        party_a: &i.party_a,
        party_b: &i.party_b,
        amount: i.amount.to_string(),
        starts_on: i.starts_on,
        ends_on: i.ends_on,
    }
}

/// Records the agreement (the form opened at version 0) or corrects it at the version it was
/// opened at; a number the region used before is refused as a duplicate. Audited.
pub async fn save(
    tx: &mut PgConnection,
    ctx: &AuditContext,
    project: &Project,
    version: Version,
    input: &AgreementInput,
    by: AccountId,
) -> Result<AgreementId, WriteError> {
    let (region, id) = (project.region.id.0, project.id.0);
    let saved = if version.0 == 0 {
        sqlx::query_scalar!(
            r#"INSERT INTO project_agreements (region_id, project_id, number, signed_on, party_a, party_b, amount, starts_on,
                                               ends_on, created_by)
               VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
               ON CONFLICT (region_id, project_id) DO NOTHING
               RETURNING id AS "id: AgreementId""#,
            region,
            id,
            input.number,
            input.signed_on,
            input.party_a,
            input.party_b,
            input.amount,
            input.starts_on,
            input.ends_on,
            by.0
        )
        .fetch_optional(&mut *tx)
        .await?
    } else {
        sqlx::query_scalar!(
            r#"UPDATE project_agreements SET number = $4, signed_on = $5, party_a = $6, party_b = $7, amount = $8,
                      starts_on = $9, ends_on = $10, version = version + 1, updated_at = now()
               WHERE region_id = $1 AND project_id = $2 AND version = $3
               RETURNING id AS "id: AgreementId""#,
            region,
            id,
            version.0,
            input.number,
            input.signed_on,
            input.party_a,
            input.party_b,
            input.amount,
            input.starts_on,
            input.ends_on
        )
        .fetch_optional(&mut *tx)
        .await?
    };
    let agreement = saved.ok_or(WriteError::Stale)?;
    let event = Event::new(Action::AgreementSave).object(KIND, ProjectId(id)).created(&record(input));
    audit::record(tx, ctx, event).await?;
    Ok(agreement)
}
