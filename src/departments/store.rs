//! SQL of departments. Every function works for a `DbActor`: its transaction runs in the
//! actor's row-level-security scope, and the queries filter by the scope's region as well.

use sqlx::PgPool;

use super::model::{Contact, ContactRecord, Department, DepartmentId, ListFilter};
use crate::audit::{self, Action, AuditContext, Event};
use crate::db::{self, DbActor};
use crate::error::WriteError;
use crate::org::{DepartmentKind, RegionId, RegionLevel};
use crate::values::Version;
use crate::web::pagination::Page;

/// A row as the queries below return it.
struct Row {
    id: DepartmentId,
    region_id: RegionId,
    region_code: String,
    region_name: String,
    region_level: RegionLevel,
    kind: DepartmentKind,
    name: String,
    contact_person: String,
    contact_phone: String,
    address: String,
    version: i32,
    updated_at: chrono::DateTime<chrono::Utc>,
}

impl From<Row> for Department {
    fn from(r: Row) -> Self {
        Department {
            id: r.id,
            region_id: r.region_id,
            region_code: r.region_code,
            region_name: r.region_name,
            region_level: r.region_level,
            kind: r.kind,
            name: r.name,
            contact: ContactRecord {
                contact_person: r.contact_person,
                contact_phone: r.contact_phone,
                address: r.address,
            },
            version: r.version,
            updated_at: r.updated_at,
        }
    }
}

/// One page of the departments the actor may see, and how many there are in all.
pub async fn list(
    pool: &PgPool,
    actor: DbActor,
    filter: &ListFilter,
    page: Page,
) -> Result<(Vec<Department>, i64), sqlx::Error> {
    let Some(scope) = actor.scope.region_filter() else { return Ok((Vec::new(), 0)) };
    let code = filter.region_code.as_ref().map(|c| c.as_str());
    let kind = filter.kind.map(|k| k.as_str());
    let mut tx = db::begin(pool, actor).await?;
    // The count rides along with the page (one statement); a page past the end counts apart.
    let rows = sqlx::query!(
        r#"SELECT d.id AS "id: DepartmentId", d.region_id AS "region_id: RegionId", r.code AS region_code,
                  r.name AS region_name, r.level AS "region_level: RegionLevel", d.kind AS "kind: DepartmentKind",
                  d.name, d.contact_person, d.contact_phone, d.address, d.version, d.updated_at,
                  count(*) OVER () AS "total!"
           FROM departments d JOIN regions r ON r.id = d.region_id
           WHERE ($1::bigint IS NULL OR d.region_id = $1)
             AND ($2::text IS NULL OR r.code = $2)
             AND ($3::text IS NULL OR d.kind = $3)
           ORDER BY r.sort_order, r.code, d.id
           LIMIT $4 OFFSET $5"#,
        scope,
        code,
        kind,
        page.limit(),
        page.offset()
    )
    .fetch_all(&mut *tx)
    .await?;
    let total = match rows.first() {
        Some(row) => row.total,
        None if page.offset() > 0 => {
            sqlx::query_scalar!(
                r#"SELECT count(*) AS "count!" FROM departments d JOIN regions r ON r.id = d.region_id
               WHERE ($1::bigint IS NULL OR d.region_id = $1)
                 AND ($2::text IS NULL OR r.code = $2)
                 AND ($3::text IS NULL OR d.kind = $3)"#,
                scope,
                code,
                kind
            )
            .fetch_one(&mut *tx)
            .await?
        }
        None => 0,
    };
    tx.commit().await?;
    let departments = rows
        .into_iter()
        .map(|r| {
            Department::from(Row {
                id: r.id,
                region_id: r.region_id,
                region_code: r.region_code,
                region_name: r.region_name,
                region_level: r.region_level,
                kind: r.kind,
                name: r.name,
                contact_person: r.contact_person,
                contact_phone: r.contact_phone,
                address: r.address,
                version: r.version,
                updated_at: r.updated_at,
            })
        })
        .collect();
    Ok((departments, total))
}

/// The department, if it exists in the actor's scope (otherwise the same `None`).
pub async fn find(pool: &PgPool, actor: DbActor, id: DepartmentId) -> Result<Option<Department>, sqlx::Error> {
    let Some(scope) = actor.scope.region_filter() else { return Ok(None) };
    let mut tx = db::begin(pool, actor).await?;
    let row = sqlx::query_as!(
        Row,
        r#"SELECT d.id AS "id: DepartmentId", d.region_id AS "region_id: RegionId", r.code AS region_code,
                  r.name AS region_name, r.level AS "region_level: RegionLevel", d.kind AS "kind: DepartmentKind",
                  d.name, d.contact_person, d.contact_phone, d.address, d.version, d.updated_at
           FROM departments d JOIN regions r ON r.id = d.region_id
           WHERE d.id = $1 AND ($2::bigint IS NULL OR d.region_id = $2)"#,
        id.0,
        scope
    )
    .fetch_optional(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(row.map(Department::from))
}

/// The id of a region's department of a kind, if the actor may see it.
pub async fn id_of(
    pool: &PgPool,
    actor: DbActor,
    region_code: &str,
    kind: DepartmentKind,
) -> Result<Option<DepartmentId>, sqlx::Error> {
    let mut tx = db::begin(pool, actor).await?;
    let id = sqlx::query_scalar!(
        r#"SELECT d.id AS "id: DepartmentId" FROM departments d JOIN regions r ON r.id = d.region_id
           WHERE r.code = $1 AND d.kind = $2"#,
        region_code,
        kind.as_str()
    )
    .fetch_optional(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(id)
}

/// Saves the contact details if the row is still at `version` (optimistic locking), with its
/// audit record in the same transaction.
pub async fn update_contact(
    pool: &PgPool,
    actor: DbActor,
    ctx: &AuditContext,
    id: DepartmentId,
    version: Version,
    contact: &Contact,
) -> Result<(), WriteError> {
    let Some(scope) = actor.scope.region_filter() else { return Err(WriteError::NotFound) };
    let mut tx = db::begin(pool, actor).await?;
    let before = sqlx::query!(
        "SELECT contact_person, contact_phone, address, version FROM departments
         WHERE id = $1 AND ($2::bigint IS NULL OR region_id = $2) FOR UPDATE",
        id.0,
        scope
    )
    .fetch_optional(&mut *tx)
    .await?
    .ok_or(WriteError::NotFound)?;
    if before.version != version.0 {
        return Err(WriteError::Stale);
    }
    let after = ContactRecord::from(contact);
    sqlx::query!(
        "UPDATE departments
         SET contact_person = $2, contact_phone = $3, address = $4, version = version + 1, updated_at = now()
         WHERE id = $1",
        id.0,
        after.contact_person,
        after.contact_phone,
        after.address
    )
    .execute(&mut *tx)
    .await?;
    let before = ContactRecord {
        contact_person: before.contact_person,
        contact_phone: before.contact_phone,
        address: before.address,
    };
    let event = Event::new(Action::DepartmentUpdate).object("department", id).change(&before, &after);
    audit::record(&mut tx, ctx, event).await?;
    tx.commit().await?;
    Ok(())
}
