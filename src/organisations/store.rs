//! SQL of service organisations and the recommended list, in the caller's transaction opened for
//! the actor's scope: every officer reads them, only the province scope writes (row-level
//! security says so too). A listing change is a step of the shared workflow history.

use chrono::NaiveDate;
use serde::Serialize;
use sqlx::{PgConnection, QueryBuilder};

use super::model::{
    KIND, ListingAction, ListingStatus, Organisation, OrganisationId, OrganisationInput, OrganisationKind, Period,
    Qualification, QualificationId, QualificationInput, TRANSITIONS,
};
use crate::audit::{self, Action, AuditContext, Event};
use crate::error::WriteError;
use crate::org::{RegionId, Role};
use crate::projects::model::ProjectStatus;
use crate::values::Version;
use crate::web::once::{self, Claim, FormToken};
use crate::workflow::step::{self, Taken};
use crate::workflow::{self, By, Done, TransitionError, history};

pub async fn find(tx: &mut PgConnection, id: OrganisationId, lock: bool) -> Result<Option<Organisation>, sqlx::Error> {
    if lock {
        sqlx::query_scalar!("SELECT 1 AS one FROM service_organisations WHERE id = $1 FOR UPDATE", id.0)
            .fetch_optional(&mut *tx)
            .await?;
    }
    sqlx::query_as!(
        Organisation,
        r#"SELECT o.id AS "id: OrganisationId", o.region_id AS "keeper: RegionId", o.credit_code, o.name,
                  o.kind AS "kind: OrganisationKind", o.contact_person, o.contact_phone, o.address,
                  o.listing_status AS "status: ListingStatus", o.listed_from, o.listed_until, o.status_reason,
                  o.status_changed_on,
                  ARRAY(SELECT r.region_id FROM organisation_regions r WHERE r.organisation_id = o.id
                        ORDER BY r.region_id) AS "regions!: Vec<RegionId>",
                  o.version, o.updated_at
           FROM service_organisations o WHERE o.id = $1"#,
        id.0
    )
    .fetch_optional(tx)
    .await
}

pub async fn qualifications(tx: &mut PgConnection, id: OrganisationId) -> Result<Vec<Qualification>, sqlx::Error> {
    sqlx::query_as!(
        Qualification,
        r#"SELECT id AS "id: QualificationId", name, number, issuer, valid_from, valid_until
           FROM organisation_qualifications WHERE organisation_id = $1 ORDER BY valid_from, id"#,
        id.0
    )
    .fetch_all(tx)
    .await
}

/// What the list asks for.
#[derive(Clone, Debug, Default)]
pub struct ListFilter {
    pub status: Option<ListingStatus>,
    pub kind: Option<OrganisationKind>,
    /// Serving this region.
    pub serving: Option<RegionId>,
    /// Lowercased: matched against the name and the credit code.
    pub text: Option<String>,
    /// Only organisations that are or were on the list (what other officers than the
    /// province's see, beside those serving them).
    pub listed_or_serving: Option<RegionId>,
}

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct OrganisationLine {
    pub id: OrganisationId,
    pub name: String,
    pub credit_code: String,
    pub kind: OrganisationKind,
    pub status: ListingStatus,
    pub listed_from: Option<NaiveDate>,
    pub listed_until: Option<NaiveDate>,
    pub status_reason: String,
    pub status_changed_on: Option<NaiveDate>,
    pub contact_person: String,
    pub contact_phone: String,
    /// The names of the regions served, in the province file's order.
    pub regions: Vec<String>,
    pub sessions: i64,
    pub total: i64,
}

fn push_filter(qb: &mut QueryBuilder<sqlx::Postgres>, f: &ListFilter) {
    qb.push(" WHERE true");
    if let Some(s) = f.status {
        qb.push(" AND o.listing_status = ").push_bind(s.as_str());
    }
    if let Some(k) = f.kind {
        qb.push(" AND o.kind = ").push_bind(k.as_str());
    }
    if let Some(r) = f.serving {
        qb.push(" AND EXISTS (SELECT FROM organisation_regions s WHERE s.organisation_id = o.id AND s.region_id = ")
            .push_bind(r.0)
            .push(")");
    }
    if let Some(r) = f.listed_or_serving {
        qb.push(" AND (o.listing_status <> 'unlisted' OR EXISTS (SELECT FROM organisation_regions s")
            .push(" WHERE s.organisation_id = o.id AND s.region_id = ")
            .push_bind(r.0)
            .push("))");
    }
    if let Some(text) = &f.text {
        let pattern = format!("%{}%", text.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_"));
        qb.push(" AND o.search_key LIKE ").push_bind(pattern);
    }
}

/// A page of the list (a few hundred organisations at most: counted with the page). The
/// sessions count is what the actor's scope sees.
pub async fn list(
    tx: &mut PgConnection,
    f: &ListFilter,
    limit: i64,
    offset: i64,
) -> Result<Vec<OrganisationLine>, sqlx::Error> {
    // The page is chosen first; the cities served and the sessions delivered are read for its
    // rows only (in the select list of the inner query they were computed for every match).
    let mut qb = QueryBuilder::new(
        "SELECT o.id, o.name, o.credit_code, o.kind, o.listing_status AS status, o.listed_from, o.listed_until,
                o.status_reason, o.status_changed_on, o.contact_person, o.contact_phone,
                ARRAY(SELECT g.name FROM organisation_regions s JOIN regions g ON g.id = s.region_id
                      WHERE s.organisation_id = o.id ORDER BY g.sort_order, g.id) AS regions,
                (SELECT count(*) FROM training_sessions t WHERE t.provider_id = o.id) AS sessions,
                p.total
         FROM (SELECT o.id, count(*) OVER () AS total,
                      CASE o.listing_status WHEN 'listed' THEN 0 WHEN 'suspended' THEN 1 WHEN 'unlisted' THEN 2 ELSE 3 END
                          AS rank, o.name
               FROM service_organisations o",
    );
    push_filter(&mut qb, f);
    qb.push(" ORDER BY rank, o.name, o.id LIMIT ").push_bind(limit).push(" OFFSET ").push_bind(offset);
    qb.push(") p JOIN service_organisations o ON o.id = p.id ORDER BY p.rank, p.name, p.id");
    qb.build_query_as::<OrganisationLine>().fetch_all(tx).await
}

/// What the audit log keeps of an organisation.
#[derive(Serialize)]
struct Record<'a> {
    name: &'a str,
    credit_code: &'a str,
    kind: &'static str,
    contact_person: &'a str,
    contact_phone: &'a str,
    address: &'a str,
    regions: &'a [RegionId],
}

impl<'a> Record<'a> {
    fn of_input(i: &'a OrganisationInput) -> Record<'a> {
        Record {
            name: &i.name,
            credit_code: &i.credit_code,
            kind: i.kind.label(),
            contact_person: &i.contact_person,
            contact_phone: &i.contact_phone,
            address: &i.address,
            regions: &i.regions,
        }
    }

    fn of(o: &'a Organisation) -> Record<'a> {
        Record {
            name: &o.name,
            credit_code: &o.credit_code,
            kind: o.kind.label(),
            contact_person: &o.contact_person,
            contact_phone: &o.contact_phone,
            address: &o.address,
            regions: &o.regions,
        }
    }
}

async fn set_regions(tx: &mut PgConnection, id: OrganisationId, regions: &[RegionId]) -> Result<(), sqlx::Error> {
    sqlx::query!("DELETE FROM organisation_regions WHERE organisation_id = $1", id.0).execute(&mut *tx).await?;
    let ids: Vec<i64> = regions.iter().map(|r| r.0).collect();
    sqlx::query!(
        "INSERT INTO organisation_regions (organisation_id, region_id) SELECT $1, unnest($2::bigint[])",
        id.0,
        &ids
    )
    .execute(&mut *tx)
    .await?;
    Ok(())
}

/// Registers an organisation (not yet on the list), kept by the province region `keeper`.
/// A credit code already registered answers `Duplicate` (`service_organisations_credit_code_key`).
pub async fn create(
    tx: &mut PgConnection,
    ctx: &AuditContext,
    keeper: RegionId,
    input: &OrganisationInput,
) -> Result<OrganisationId, WriteError> {
    let id = sqlx::query_scalar!(
        r#"INSERT INTO service_organisations (region_id, credit_code, name, kind, contact_person, contact_phone, address)
           VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id AS "id: OrganisationId""#,
        keeper.0,
        input.credit_code,
        input.name,
        input.kind.as_str(),
        input.contact_person,
        input.contact_phone,
        input.address
    )
    .fetch_one(&mut *tx)
    .await?;
    set_regions(tx, id, &input.regions).await?;
    let event = Event::new(Action::OrganisationCreate)
        .object(KIND, id)
        .detail(input.name.clone())
        .created(&Record::of_input(input));
    audit::record(tx, ctx, event).await?;
    Ok(id)
}

/// Saves an edit if the organisation is still at `version`.
pub async fn update(
    tx: &mut PgConnection,
    ctx: &AuditContext,
    before: &Organisation,
    version: Version,
    input: &OrganisationInput,
) -> Result<(), WriteError> {
    let updated = sqlx::query!(
        "UPDATE service_organisations SET credit_code = $3, name = $4, kind = $5, contact_person = $6,
                contact_phone = $7, address = $8, version = version + 1, updated_at = now()
         WHERE id = $1 AND version = $2",
        before.id.0,
        version.0,
        input.credit_code,
        input.name,
        input.kind.as_str(),
        input.contact_person,
        input.contact_phone,
        input.address
    )
    .execute(&mut *tx)
    .await?;
    if updated.rows_affected() == 0 {
        return Err(WriteError::Stale);
    }
    set_regions(tx, before.id, &input.regions).await?;
    let event = Event::new(Action::OrganisationUpdate)
        .object(KIND, before.id)
        .detail(input.name.clone())
        .change(&Record::of(before), &Record::of_input(input));
    audit::record(tx, ctx, event).await?;
    Ok(())
}

/// Moves an organisation on the recommended list: 列入 sets the period, 暂停 and 移出 keep the
/// reason and the day; the history row and the audit record follow (`workflow::step`).
#[allow(clippy::too_many_arguments)]
pub async fn transition(
    tx: &mut PgConnection,
    ctx: &AuditContext,
    by: &By<'_>,
    role: Role,
    token: &FormToken,
    id: OrganisationId,
    action: ListingAction,
    comment: &str,
    period: Period,
    today: NaiveDate,
) -> Result<Done, TransitionError> {
    if let Claim::Used(outcome) = once::claim(tx, by.account, token).await? {
        return Ok(Done::Before(outcome));
    }
    let org = find(tx, id, true).await?.ok_or(WriteError::NotFound)?;
    let past = history::of(tx, KIND, id.0).await?;
    let to = workflow::decide(
        TRANSITIONS,
        org.status,
        action,
        role,
        by.account,
        comment,
        &history::past_steps::<ListingAction>(&past),
    )
    .map_err(TransitionError::Refused)?;
    let comment = comment.trim();
    let note = match action {
        ListingAction::List => {
            let until = period.until.map_or_else(|| "长期".to_string(), |u| u.to_string());
            let mut note = format!("推荐期 {} 至 {until}", period.from);
            if !comment.is_empty() {
                note.push_str(&format!("；{comment}"));
            }
            sqlx::query!(
                "UPDATE service_organisations SET listing_status = $2, listed_from = $3, listed_until = $4,
                        status_reason = '', status_changed_on = $5, version = version + 1, updated_at = now()
                 WHERE id = $1",
                id.0,
                to.as_str(),
                period.from,
                period.until,
                today
            )
            .execute(&mut *tx)
            .await?;
            note
        }
        _ => {
            sqlx::query!(
                "UPDATE service_organisations SET listing_status = $2, status_reason = $3, status_changed_on = $4,
                        version = version + 1, updated_at = now()
                 WHERE id = $1",
                id.0,
                to.as_str(),
                comment,
                today
            )
            .execute(&mut *tx)
            .await?;
            comment.to_string()
        }
    };
    let taken = Taken { region: org.keeper, kind: KIND, id: id.0, from: org.status, to, action, comment: &note };
    Ok(step::record(tx, ctx, by, token, &taken, Action::OrganisationListing, format!("/organisations/{id}")).await?)
}

pub async fn add_qualification(
    tx: &mut PgConnection,
    ctx: &AuditContext,
    org: &Organisation,
    input: &QualificationInput,
) -> Result<(), WriteError> {
    let id = sqlx::query_scalar!(
        "INSERT INTO organisation_qualifications (organisation_id, name, number, issuer, valid_from, valid_until)
         VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
        org.id.0,
        input.name,
        input.number,
        input.issuer,
        input.valid_from,
        input.valid_until
    )
    .fetch_one(&mut *tx)
    .await?;
    let event = Event::new(Action::QualificationAdd)
        .object(KIND, org.id)
        .detail(format!("{}：{}（资质 {id}）", org.name, input.name))
        .created(input);
    audit::record(tx, ctx, event).await?;
    Ok(())
}

pub async fn remove_qualification(
    tx: &mut PgConnection,
    ctx: &AuditContext,
    org: &Organisation,
    q: &Qualification,
) -> Result<(), WriteError> {
    let deleted = sqlx::query!(
        "DELETE FROM organisation_qualifications WHERE id = $1 AND organisation_id = $2",
        q.id.0,
        org.id.0
    )
    .execute(&mut *tx)
    .await?;
    if deleted.rows_affected() == 0 {
        return Err(WriteError::NotFound);
    }
    let event = Event::new(Action::QualificationRemove)
        .object(KIND, org.id)
        .detail(format!("{}：{}", org.name, q.name))
        .change(q, &serde_json::Value::Null);
    audit::record(tx, ctx, event).await?;
    Ok(())
}

/// A session the organisation delivered (of the regions the actor's scope sees).
#[derive(Clone, Debug)]
pub struct DeliveredSession {
    pub id: i64,
    pub region_name: String,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
    pub topic: String,
    pub trainees: i32,
}

/// A project the organisation applied for as the applicant (same credit code), past its draft.
#[derive(Clone, Debug)]
pub struct DeliveredProject {
    pub id: i64,
    pub region_name: String,
    pub year: i32,
    pub name: String,
    pub status: ProjectStatus,
}

/// What the organisation delivered, newest first, at most `limit` of each: its sessions and
/// the projects it applied for, read in one statement (the page's budget is eight).
pub async fn delivered(
    tx: &mut PgConnection,
    id: OrganisationId,
    credit_code: &str,
    limit: i64,
) -> Result<(Vec<DeliveredSession>, Vec<DeliveredProject>), sqlx::Error> {
    let rows = sqlx::query!(
        r#"(SELECT 'session' AS "kind!", s.id AS "id!", g.name AS "region_name!", s.starts_on AS "starts_on!",
                   s.ends_on AS "ends_on!", s.topic AS "title!", s.trainees AS "trainees!", '' AS "status!"
            FROM training_sessions s JOIN regions g ON g.id = s.region_id
            WHERE s.provider_id = $1 ORDER BY s.starts_on DESC, s.id DESC LIMIT $3)
           UNION ALL
           (SELECT 'project', p.id, g.name, make_date(p.year, 1, 1), make_date(p.year, 1, 1), p.name, 0, p.status
            FROM applicants a
            JOIN projects p ON p.region_id = a.region_id AND p.applicant_kind = 'organization' AND p.applicant_id = a.id
            JOIN regions g ON g.id = p.region_id
            WHERE a.credit_code = $2 AND p.status <> 'draft'
            ORDER BY p.year DESC, p.id DESC LIMIT $3)"#,
        id.0,
        credit_code,
        limit
    )
    .fetch_all(tx)
    .await?;
    let mut sessions = Vec::new();
    let mut projects = Vec::new();
    for r in rows {
        if r.kind == "session" {
            sessions.push(DeliveredSession {
                id: r.id,
                region_name: r.region_name,
                starts_on: r.starts_on,
                ends_on: r.ends_on,
                topic: r.title,
                trainees: r.trainees,
            });
        } else if let Some(status) = ProjectStatus::parse(&r.status) {
            projects.push(DeliveredProject {
                id: r.id,
                region_name: r.region_name,
                year: chrono::Datelike::year(&r.starts_on),
                name: r.title,
                status,
            });
        }
    }
    Ok((sessions, projects))
}

/// A provider a session form offers.
#[derive(Clone, Debug)]
pub struct Provider {
    pub id: OrganisationId,
    pub name: String,
    pub kind: OrganisationKind,
}

/// The organisations a session of `region` may choose on `day`: on the list in force, serving
/// the region (`model::provider_refusal` says the same of one).
pub async fn choosable(tx: &mut PgConnection, region: RegionId, day: NaiveDate) -> Result<Vec<Provider>, sqlx::Error> {
    sqlx::query_as!(
        Provider,
        r#"SELECT o.id AS "id: OrganisationId", o.name, o.kind AS "kind: OrganisationKind"
           FROM service_organisations o JOIN organisation_regions s ON s.organisation_id = o.id AND s.region_id = $1
           WHERE o.listing_status = 'listed' AND o.listed_from <= $2 AND (o.listed_until IS NULL OR o.listed_until >= $2)
           ORDER BY o.name, o.id"#,
        region.0,
        day
    )
    .fetch_all(tx)
    .await
}
