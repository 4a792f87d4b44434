//! SQL of departments. Every function takes the actor: its transaction runs in the actor's
//! row-level-security scope, and the queries filter by the scope's region as well.

use serde_json::json;
use sqlx::PgPool;

use super::model::{Contact, Department, DepartmentId, DepartmentKind, ListFilter};
use crate::audit::{self, AuditContext, Event};
use crate::auth::Actor;
use crate::db::{self, Scope};
use crate::regions::{Region, RegionId, RegionLevel};
use crate::web::pagination::Page;

/// The scope as a filter: `Some(region)` for one region, `None` for every region, and no
/// answer at all for a scope that may see no region.
fn scope_region(actor: &Actor) -> Option<Option<i64>> {
    match actor.db().scope {
        Scope::Region(id) => Some(Some(id.0)),
        Scope::Province => Some(None),
        Scope::Nothing => None,
    }
}

struct Row {
    id: DepartmentId,
    region_id: RegionId,
    region_code: String,
    region_name: String,
    region_level: String,
    kind: String,
    name: String,
    contact_person: String,
    contact_phone: String,
    address: String,
    version: i32,
    updated_at: chrono::DateTime<chrono::Utc>,
}

impl Row {
    fn into_department(self) -> Option<Department> {
        Some(Department {
            id: self.id,
            region_id: self.region_id,
            region_code: self.region_code,
            region_name: self.region_name,
            region_level: RegionLevel::parse(&self.region_level)?,
            kind: DepartmentKind::parse(&self.kind)?,
            name: self.name,
            contact_person: self.contact_person,
            contact_phone: self.contact_phone,
            address: self.address,
            version: self.version,
            updated_at: self.updated_at,
        })
    }
}

/// One page of the departments the actor may see, and how many there are in all.
pub async fn list(
    pool: &PgPool,
    actor: &Actor,
    filter: &ListFilter,
    page: Page,
) -> Result<(Vec<Department>, i64), sqlx::Error> {
    let Some(scope) = scope_region(actor) else { return Ok((Vec::new(), 0)) };
    let mut tx = db::begin(pool, actor.db()).await?;
    let kind = filter.kind.map(|k| k.as_str());
    let total = sqlx::query_scalar!(
        r#"SELECT count(*) AS "count!" FROM departments d JOIN regions r ON r.id = d.region_id
           WHERE ($1::bigint IS NULL OR d.region_id = $1)
             AND ($2::text IS NULL OR r.code = $2)
             AND ($3::text IS NULL OR d.kind = $3)"#,
        scope,
        filter.region_code,
        kind
    )
    .fetch_one(&mut *tx)
    .await?;
    let rows = sqlx::query_as!(
        Row,
        r#"SELECT d.id AS "id: DepartmentId", d.region_id AS "region_id: RegionId", r.code AS region_code,
                  r.name AS region_name, r.level AS region_level, d.kind, d.name, d.contact_person,
                  d.contact_phone, d.address, d.version, d.updated_at
           FROM departments d JOIN regions r ON r.id = d.region_id
           WHERE ($1::bigint IS NULL OR d.region_id = $1)
             AND ($2::text IS NULL OR r.code = $2)
             AND ($3::text IS NULL OR d.kind = $3)
           ORDER BY r.sort_order, r.code, d.id
           LIMIT $4 OFFSET $5"#,
        scope,
        filter.region_code,
        kind,
        page.limit(),
        page.offset()
    )
    .fetch_all(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok((rows.into_iter().filter_map(Row::into_department).collect(), total))
}

/// The department, if it exists in the actor's scope (otherwise the same `None`).
pub async fn find(pool: &PgPool, actor: &Actor, id: DepartmentId) -> Result<Option<Department>, sqlx::Error> {
    let Some(scope) = scope_region(actor) else { return Ok(None) };
    let mut tx = db::begin(pool, actor.db()).await?;
    let row = sqlx::query_as!(
        Row,
        r#"SELECT d.id AS "id: DepartmentId", d.region_id AS "region_id: RegionId", r.code AS region_code,
                  r.name AS region_name, r.level AS region_level, d.kind, d.name, d.contact_person,
                  d.contact_phone, d.address, d.version, d.updated_at
           FROM departments d JOIN regions r ON r.id = d.region_id
           WHERE d.id = $1 AND ($2::bigint IS NULL OR d.region_id = $2)"#,
        id.0,
        scope
    )
    .fetch_optional(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(row.and_then(Row::into_department))
}

pub enum SaveOutcome {
    Saved,
    /// Someone saved in between: the version no longer matches.
    Stale,
    Missing,
}

/// Saves the contact details if the row is still at `version` (optimistic locking), with its
/// audit record in the same transaction.
pub async fn update_contact(
    pool: &PgPool,
    actor: &Actor,
    audit: &AuditContext,
    id: DepartmentId,
    version: i32,
    contact: &Contact,
) -> Result<SaveOutcome, sqlx::Error> {
    let Some(scope) = scope_region(actor) else { return Ok(SaveOutcome::Missing) };
    let mut tx = db::begin(pool, actor.db()).await?;
    let before = sqlx::query!(
        "SELECT contact_person, contact_phone, address, version FROM departments
         WHERE id = $1 AND ($2::bigint IS NULL OR region_id = $2) FOR UPDATE",
        id.0,
        scope
    )
    .fetch_optional(&mut *tx)
    .await?;
    let Some(before) = before else { return Ok(SaveOutcome::Missing) };
    if before.version != version {
        return Ok(SaveOutcome::Stale);
    }
    sqlx::query!(
        "UPDATE departments
         SET contact_person = $2, contact_phone = $3, address = $4, version = version + 1, updated_at = now()
         WHERE id = $1",
        id.0,
        contact.person,
        contact.phone,
        contact.address
    )
    .execute(&mut *tx)
    .await?;
    let event = Event::new("department.update").object("department", id.0).change(
        json!({"contact_person": before.contact_person, "contact_phone": before.contact_phone, "address": before.address}),
        json!({"contact_person": contact.person, "contact_phone": contact.phone, "address": contact.address}),
    );
    audit::record(&mut tx, audit, event).await?;
    tx.commit().await?;
    Ok(SaveOutcome::Saved)
}

/// The regions the actor may filter by: every region for the province, else their own.
pub async fn regions_in_scope(pool: &PgPool, actor: &Actor) -> Result<Vec<Region>, sqlx::Error> {
    Ok(match actor.db().scope {
        Scope::Province => crate::regions::store::list(pool).await?,
        Scope::Region(_) => actor.region.iter().cloned().collect(),
        Scope::Nothing => Vec::new(),
    })
}
