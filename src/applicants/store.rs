//! SQL of applicant organizations, in the caller's transaction (opened for the actor's scope).

use serde::Serialize;
use sqlx::{PgConnection, QueryBuilder};

use super::model::{Applicant, ApplicantId, ApplicantInput, KIND, UnitType};
use crate::audit::{self, Action, AuditContext, Event};
use crate::employers::model::EmployerSize;
use crate::error::WriteError;
use crate::org::{Region, RegionId, RegionLevel};
use crate::values::{Version, mask};
use crate::web::once::{self, Claim, FormToken};
use crate::workflow::{By, Done};

pub async fn find(tx: &mut PgConnection, id: ApplicantId) -> Result<Option<Applicant>, sqlx::Error> {
    let row = sqlx::query!(
        r#"SELECT a.id AS "id: ApplicantId", r.id AS "region_id: RegionId", r.code AS region_code,
                  r.name AS region_name, r.level AS "region_level: RegionLevel", a.credit_code, a.name,
                  a.unit_type AS "unit_type: UnitType", a.division_code, a.address, a.legal_representative,
                  a.contact_person, a.contact_phone, a.employer_id, a.version, a.updated_at
           FROM applicants a JOIN regions r ON r.id = a.region_id WHERE a.id = $1"#,
        id.0
    )
    .fetch_optional(tx)
    .await?;
    Ok(row.map(|r| Applicant {
        id: r.id,
        region: Region { id: r.region_id, code: r.region_code, name: r.region_name, level: r.region_level },
        credit_code: r.credit_code,
        name: r.name,
        unit_type: r.unit_type,
        division_code: r.division_code,
        address: r.address,
        legal_representative: r.legal_representative,
        contact_person: r.contact_person,
        contact_phone: r.contact_phone,
        employer_id: r.employer_id,
        version: r.version,
        updated_at: r.updated_at,
    }))
}

/// The same organization in the employers registry of `region`: its id and size.
pub async fn registered(
    tx: &mut PgConnection,
    region: RegionId,
    credit_code: &str,
) -> Result<Option<(i64, EmployerSize)>, sqlx::Error> {
    let row = sqlx::query!(
        r#"SELECT id, size AS "size: EmployerSize" FROM employers WHERE region_id = $1 AND credit_code = $2"#,
        region.0,
        credit_code
    )
    .fetch_optional(tx)
    .await?;
    Ok(row.map(|r| (r.id, r.size)))
}

/// The applicant of `region` with this credit code, if entered before.
pub async fn by_credit_code(
    tx: &mut PgConnection,
    region: RegionId,
    credit_code: &str,
) -> Result<Option<ApplicantId>, sqlx::Error> {
    sqlx::query_scalar!(
        r#"SELECT id AS "id: ApplicantId" FROM applicants WHERE region_id = $1 AND credit_code = $2"#,
        region.0,
        credit_code
    )
    .fetch_optional(tx)
    .await
}

/// What the list asks for.
#[derive(Clone, Debug, Default)]
pub struct ApplicantFilter {
    pub region: Option<RegionId>,
    /// Lowercased; matched against the name and the credit code.
    pub text: Option<String>,
}

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct ApplicantLine {
    pub id: ApplicantId,
    pub region_name: String,
    pub credit_code: String,
    pub name: String,
    pub unit_type: UnitType,
    pub contact_person: String,
    pub contact_phone: String,
    pub applications: i64,
}

fn push_filter(qb: &mut QueryBuilder<sqlx::Postgres>, filter: &ApplicantFilter) {
    qb.push(" WHERE true");
    if let Some(region) = filter.region {
        qb.push(" AND a.region_id = ").push_bind(region.0);
    }
    if let Some(text) = &filter.text {
        let pattern = format!("%{}%", text.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_"));
        qb.push(" AND a.search_key LIKE ").push_bind(pattern);
    }
}

pub async fn list(
    tx: &mut PgConnection,
    filter: &ApplicantFilter,
    offset: i64,
    limit: i64,
) -> Result<Vec<ApplicantLine>, sqlx::Error> {
    let mut qb = QueryBuilder::new(
        "SELECT a.id, r.name AS region_name, a.credit_code, a.name, a.unit_type, a.contact_person, a.contact_phone,
                (SELECT count(*) FROM projects p WHERE p.region_id = a.region_id AND p.applicant_id = a.id) AS applications
         FROM applicants a JOIN regions r ON r.id = a.region_id",
    );
    push_filter(&mut qb, filter);
    qb.push(" ORDER BY a.region_id, a.name, a.id LIMIT ").push_bind(limit).push(" OFFSET ").push_bind(offset);
    qb.build_query_as().fetch_all(tx).await
}

pub async fn count_capped(tx: &mut PgConnection, filter: &ApplicantFilter, cap: i64) -> Result<i64, sqlx::Error> {
    let mut qb = QueryBuilder::new("SELECT count(*) FROM (SELECT 1 FROM applicants a");
    push_filter(&mut qb, filter);
    qb.push(" LIMIT ").push_bind(cap).push(") capped");
    qb.build_query_scalar().fetch_one(tx).await
}

/// An applicant as the audit log keeps it (the phone masked).
#[derive(Serialize)]
struct Record<'a> {
    credit_code: &'a str,
    name: &'a str,
    unit_type: &'static str,
    division: &'a str,
    address: &'a str,
    legal_representative: &'a str,
    contact_person: &'a str,
    contact_phone: String,
    employer_id: Option<i64>,
}

impl<'a> Record<'a> {
    fn of_input(i: &'a ApplicantInput, employer_id: Option<i64>) -> Self {
        Record {
            credit_code: i.credit_code.as_str(),
            name: i.name.as_str(),
            unit_type: i.unit_type.label(),
            division: &i.division,
            address: i.address.as_str(),
            legal_representative: i.legal_representative.as_str(),
            contact_person: i.contact_person.as_str(),
            contact_phone: mask::phone(&i.contact_phone),
            employer_id,
        }
    }

    fn of(a: &'a Applicant) -> Self {
        Record {
            credit_code: &a.credit_code,
            name: &a.name,
            unit_type: a.unit_type.label(),
            division: &a.division_code,
            address: &a.address,
            legal_representative: &a.legal_representative,
            contact_person: &a.contact_person,
            contact_phone: mask::phone(&a.contact_phone),
            employer_id: a.employer_id,
        }
    }
}

/// Enters an applicant of `region`, linked to the registry's employer of the same credit code.
/// A credit code already entered in the region answers `Duplicate` (the form says so beside it).
pub async fn create(
    tx: &mut PgConnection,
    ctx: &AuditContext,
    by: &By<'_>,
    token: &FormToken,
    region: &Region,
    input: &ApplicantInput,
    employer_id: Option<i64>,
) -> Result<Done, WriteError> {
    if let Claim::Used(outcome) = once::claim(tx, by.account, token).await? {
        return Ok(Done::Before(outcome));
    }
    let id = sqlx::query_scalar!(
        r#"INSERT INTO applicants (region_id, credit_code, name, unit_type, division_code, address, legal_representative,
                                   contact_person, contact_phone, employer_id)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id AS "id: ApplicantId""#,
        region.id.0,
        input.credit_code.as_str(),
        input.name.as_str(),
        input.unit_type.as_str(),
        &input.division,
        input.address.as_str(),
        input.legal_representative.as_str(),
        input.contact_person.as_str(),
        &input.contact_phone,
        employer_id
    )
    .fetch_one(&mut *tx)
    .await?;
    let event = Event::new(Action::ApplicantCreate).object(KIND, id).created(&Record::of_input(input, employer_id));
    audit::record(tx, ctx, event).await?;
    let url = format!("/applicants/{id}");
    once::finish(tx, by.account, token, &url).await?;
    Ok(Done::Now(url))
}

/// Saves an edit (the credit code stays) if the applicant is still at `version`, linked to the
/// registry's employer of its credit code if there is one now.
pub async fn update(
    tx: &mut PgConnection,
    ctx: &AuditContext,
    before: &Applicant,
    version: Version,
    input: &ApplicantInput,
    employer_id: Option<i64>,
) -> Result<(), WriteError> {
    let updated = sqlx::query!(
        "UPDATE applicants SET name = $3, unit_type = $4, division_code = $5, address = $6, legal_representative = $7,
                               contact_person = $8, contact_phone = $9, employer_id = $10, version = version + 1,
                               updated_at = now()
         WHERE id = $1 AND version = $2",
        before.id.0,
        version.0,
        input.name.as_str(),
        input.unit_type.as_str(),
        &input.division,
        input.address.as_str(),
        input.legal_representative.as_str(),
        input.contact_person.as_str(),
        &input.contact_phone,
        employer_id
    )
    .execute(&mut *tx)
    .await?;
    if updated.rows_affected() == 0 {
        return Err(WriteError::Stale);
    }
    let event = Event::new(Action::ApplicantUpdate)
        .object(KIND, before.id)
        .change(&Record::of(before), &Record::of_input(input, employer_id));
    audit::record(tx, ctx, event).await?;
    Ok(())
}
