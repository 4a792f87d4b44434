//! SQL of the expert pool, in the caller's transaction (opened for the actor's scope). An
//! expert's account state is read from the account requests and accounts (system tables).

use chrono::NaiveDate;
use serde::Serialize;
use sqlx::{PgConnection, QueryBuilder};

use super::Specialty;
use super::model::{AccountState, Expert, ExpertId, ExpertInput, KIND};
use crate::audit::{self, Action, AuditContext, Event};
use crate::error::WriteError;
use crate::org::{Region, RegionId, RegionLevel, Role};
use crate::values::{Version, mask};

pub async fn find(tx: &mut PgConnection, id: ExpertId) -> Result<Option<Expert>, sqlx::Error> {
    let row = sqlx::query!(
        r#"SELECT e.id AS "id: ExpertId", r.id AS "region_id: RegionId", r.code AS region_code, r.name AS region_name,
                  r.level AS "region_level: RegionLevel", e.name, e.specialty AS "specialty: Specialty", e.organization,
                  e.organization_code, e.title, e.phone, e.available, e.away_from, e.away_until, e.conflicts, e.version,
                  e.updated_at, q.id AS "request?", a.role AS "role?: Role", a.disabled_at AS "disabled_at?",
                  a.id AS "account?"
           FROM experts e JOIN regions r ON r.id = e.region_id
           LEFT JOIN account_requests q ON q.kind = 'expert' AND q.region_id = e.region_id AND q.subject_id = e.id
           LEFT JOIN accounts a ON a.id = q.account_id
           WHERE e.id = $1"#,
        id.0
    )
    .fetch_optional(tx)
    .await?;
    Ok(row.map(|r| Expert {
        id: r.id,
        region: Region { id: r.region_id, code: r.region_code, name: r.region_name, level: r.region_level },
        name: r.name,
        specialty: r.specialty,
        organization: r.organization,
        organization_code: r.organization_code,
        title: r.title,
        phone: r.phone,
        available: r.available,
        away_from: r.away_from,
        away_until: r.away_until,
        conflicts: r.conflicts,
        account: AccountState::of(r.request.is_some(), r.account.map(|_| (r.role, r.disabled_at.is_some()))),
        version: r.version,
        updated_at: r.updated_at,
    }))
}

/// What the pool's list asks for.
#[derive(Clone, Debug, Default)]
pub struct ExpertFilter {
    pub region: Option<RegionId>,
    pub specialty: Option<Specialty>,
    /// Available on this day (standing flag and away period).
    pub available_on: Option<NaiveDate>,
    /// Lowercased: matched against the name and the organization.
    pub text: Option<String>,
}

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct ExpertLine {
    pub id: ExpertId,
    pub region_name: String,
    pub name: String,
    pub specialty: Specialty,
    pub organization: String,
    pub title: String,
    pub phone: String,
    pub available: bool,
    pub away_from: Option<NaiveDate>,
    pub away_until: Option<NaiveDate>,
    pub requested: bool,
    pub has_account: bool,
    pub role: Option<Role>,
    pub disabled: bool,
}

impl ExpertLine {
    pub fn account(&self) -> AccountState {
        AccountState::of(self.requested, self.has_account.then_some((self.role, self.disabled)))
    }
}

fn push_filter(qb: &mut QueryBuilder<sqlx::Postgres>, f: &ExpertFilter) {
    qb.push(" WHERE true");
    if let Some(region) = f.region {
        qb.push(" AND e.region_id = ").push_bind(region.0);
    }
    if let Some(s) = f.specialty {
        qb.push(" AND e.specialty = ").push_bind(s.as_str());
    }
    if let Some(day) = f.available_on {
        // As `PoolEntry::is_available_on`: away when the day falls in the period (open ends allowed).
        qb.push(" AND e.available AND NOT ((e.away_from IS NOT NULL OR e.away_until IS NOT NULL)")
            .push(" AND coalesce(e.away_from, '-infinity'::date) <= ")
            .push_bind(day)
            .push(" AND coalesce(e.away_until, 'infinity'::date) >= ")
            .push_bind(day)
            .push(")");
    }
    if let Some(text) = &f.text {
        let pattern = format!("%{}%", text.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_"));
        qb.push(" AND e.search_key LIKE ").push_bind(pattern);
    }
}

pub async fn list(
    tx: &mut PgConnection,
    f: &ExpertFilter,
    offset: i64,
    limit: i64,
) -> Result<Vec<ExpertLine>, sqlx::Error> {
    let mut qb = QueryBuilder::new(
        "SELECT e.id, r.name AS region_name, e.name, e.specialty, e.organization, e.title, e.phone, e.available,
                e.away_from, e.away_until, q.id IS NOT NULL AS requested, a.id IS NOT NULL AS has_account, a.role,
                a.disabled_at IS NOT NULL AS disabled
         FROM experts e JOIN regions r ON r.id = e.region_id
         LEFT JOIN account_requests q ON q.kind = 'expert' AND q.region_id = e.region_id AND q.subject_id = e.id
         LEFT JOIN accounts a ON a.id = q.account_id",
    );
    push_filter(&mut qb, f);
    qb.push(" ORDER BY r.sort_order, e.specialty, e.name, e.id LIMIT ")
        .push_bind(limit)
        .push(" OFFSET ")
        .push_bind(offset);
    qb.build_query_as().fetch_all(tx).await
}

pub async fn count(tx: &mut PgConnection, f: &ExpertFilter) -> Result<i64, sqlx::Error> {
    let mut qb = QueryBuilder::new("SELECT count(*) FROM experts e");
    push_filter(&mut qb, f);
    qb.build_query_scalar().fetch_one(tx).await
}

/// An expert as the audit log keeps them (the phone masked).
#[derive(Serialize)]
struct Record<'a> {
    name: &'a str,
    specialty: &'static str,
    organization: &'a str,
    organization_code: Option<&'a str>,
    title: &'a str,
    phone: String,
    available: bool,
    away_from: Option<NaiveDate>,
    away_until: Option<NaiveDate>,
    conflicts: &'a [String],
}

impl<'a> Record<'a> {
    fn of_input(i: &'a ExpertInput) -> Self {
        Record {
            name: i.name.as_str(),
            specialty: i.specialty.label(),
            organization: i.organization.as_str(),
            organization_code: i.organization_code.as_deref(),
            title: i.title.as_str(),
            phone: mask::phone(&i.phone),
            available: i.available,
            away_from: i.away_from,
            away_until: i.away_until,
            conflicts: &i.conflicts,
        }
    }

    fn of(e: &'a Expert) -> Self {
        Record {
            name: &e.name,
            specialty: e.specialty.label(),
            organization: &e.organization,
            organization_code: e.organization_code.as_deref(),
            title: &e.title,
            phone: mask::phone(&e.phone),
            available: e.available,
            away_from: e.away_from,
            away_until: e.away_until,
            conflicts: &e.conflicts,
        }
    }
}

pub async fn create(
    tx: &mut PgConnection,
    ctx: &AuditContext,
    region: RegionId,
    input: &ExpertInput,
) -> Result<ExpertId, WriteError> {
    let id = sqlx::query_scalar!(
        r#"INSERT INTO experts (region_id, name, specialty, organization, organization_code, title, phone, available,
                                away_from, away_until, conflicts)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id AS "id: ExpertId""#,
        region.0,
        input.name.as_str(),
        input.specialty.as_str(),
        input.organization.as_str(),
        input.organization_code.as_deref(),
        input.title.as_str(),
        &input.phone,
        input.available,
        input.away_from,
        input.away_until,
        &input.conflicts
    )
    .fetch_one(&mut *tx)
    .await?;
    audit::record(tx, ctx, Event::new(Action::ExpertCreate).object(KIND, id).created(&Record::of_input(input))).await?;
    Ok(id)
}

pub async fn update(
    tx: &mut PgConnection,
    ctx: &AuditContext,
    before: &Expert,
    version: Version,
    input: &ExpertInput,
) -> Result<(), WriteError> {
    let updated = sqlx::query!(
        "UPDATE experts SET name = $3, specialty = $4, organization = $5, organization_code = $6, title = $7, phone = $8,
                            available = $9, away_from = $10, away_until = $11, conflicts = $12, version = version + 1,
                            updated_at = now()
         WHERE id = $1 AND version = $2",
        before.id.0,
        version.0,
        input.name.as_str(),
        input.specialty.as_str(),
        input.organization.as_str(),
        input.organization_code.as_deref(),
        input.title.as_str(),
        &input.phone,
        input.available,
        input.away_from,
        input.away_until,
        &input.conflicts
    )
    .execute(&mut *tx)
    .await?;
    if updated.rows_affected() == 0 {
        return Err(WriteError::Stale);
    }
    let event =
        Event::new(Action::ExpertUpdate).object(KIND, before.id).change(&Record::of(before), &Record::of_input(input));
    audit::record(tx, ctx, event).await?;
    Ok(())
}
