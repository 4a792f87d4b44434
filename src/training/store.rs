//! SQL of key-position training, in the caller's transaction opened for the actor's scope. The
//! set of trained people (`trained_people`) is written here, beside the trainees it follows
//! from; the tallies and rollups follow from it by the database's triggers.

use chrono::{DateTime, NaiveDate, Utc};
use rust_decimal::Decimal;
use sqlx::PgConnection;

use super::model::{Delivery, SESSION_KIND, SessionId, SessionInput, TraineeId, TraineeInput};
use crate::audit::{self, Action, AuditContext, Event};
use crate::cycles::CycleId;
use crate::employers::model::EmployerId;
use crate::error::WriteError;
use crate::key_industries::model::KeyIndustry;
use crate::org::{AccountId, RegionId};
use crate::values::{Version, mask};
use crate::workflow::By;

/// A session as its page shows it.
#[derive(Clone, Debug)]
pub struct Session {
    pub id: SessionId,
    pub region: RegionId,
    pub cycle: CycleId,
    pub provider: Option<i64>,
    pub provider_name: String,
    pub provider_listed: bool,
    pub delivery: Delivery,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
    pub hours: Decimal,
    pub topic: String,
    pub place: String,
    pub has_exam: bool,
    pub project: Option<i64>,
    pub project_name: Option<String>,
    pub trainees: i32,
    pub created_by_name: String,
    pub created_at: DateTime<Utc>,
    pub version: i32,
}

pub async fn find_session(tx: &mut PgConnection, id: SessionId) -> Result<Option<Session>, sqlx::Error> {
    sqlx::query_as!(
        Session,
        r#"SELECT s.id AS "id: SessionId", s.region_id AS "region: RegionId", s.cycle_id AS "cycle: CycleId",
                  s.provider_id AS provider, s.provider_name, s.provider_id IS NOT NULL AS "provider_listed!",
                  s.delivery AS "delivery: Delivery", s.starts_on, s.ends_on, s.hours, s.topic, s.place, s.has_exam, s.project_id AS project,
                  p.name AS "project_name?", s.trainees, s.created_by_name, s.created_at, s.version
           FROM training_sessions s LEFT JOIN projects p ON p.region_id = s.region_id AND p.id = s.project_id
           WHERE s.id = $1"#,
        id.0
    )
    .fetch_optional(tx)
    .await
}

/// Locks a session while its trainees change (its count and the exam setting stay as read).
pub async fn lock_session(tx: &mut PgConnection, id: SessionId) -> Result<bool, sqlx::Error> {
    Ok(sqlx::query_scalar!("SELECT 1 AS one FROM training_sessions WHERE id = $1 FOR UPDATE", id.0)
        .fetch_optional(tx)
        .await?
        .is_some())
}

/// A session as the list shows it.
#[derive(Clone, Debug)]
pub struct SessionLine {
    pub id: SessionId,
    pub region_name: String,
    pub provider_name: String,
    pub provider_listed: bool,
    pub delivery: Delivery,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
    pub hours: Decimal,
    pub topic: String,
    pub has_exam: bool,
    pub trainees: i32,
    pub total: i64,
}

/// The sessions of a cycle, of one region or of every region in scope, the latest first (each
/// its own statement, so each reads its index: by region, or by cycle).
pub async fn sessions(
    tx: &mut PgConnection,
    cycle: CycleId,
    region: Option<RegionId>,
    limit: i64,
    offset: i64,
) -> Result<Vec<SessionLine>, sqlx::Error> {
    match region {
        Some(region) => {
            sqlx::query_as!(
                SessionLine,
                r#"SELECT s.id AS "id: SessionId", g.name AS region_name, s.provider_name,
                          s.provider_id IS NOT NULL AS "provider_listed!", s.delivery AS "delivery: Delivery",
                          s.starts_on, s.ends_on, s.hours, s.topic, s.has_exam, s.trainees, count(*) OVER () AS "total!"
                   FROM training_sessions s JOIN regions g ON g.id = s.region_id
                   WHERE s.region_id = $2 AND s.cycle_id = $1
                   ORDER BY s.starts_on DESC, s.id DESC LIMIT $3 OFFSET $4"#,
                cycle.0,
                region.0,
                limit,
                offset
            )
            .fetch_all(tx)
            .await
        }
        None => {
            sqlx::query_as!(
                SessionLine,
                r#"SELECT s.id AS "id: SessionId", g.name AS region_name, s.provider_name,
                          s.provider_id IS NOT NULL AS "provider_listed!", s.delivery AS "delivery: Delivery",
                          s.starts_on, s.ends_on, s.hours, s.topic, s.has_exam, s.trainees, count(*) OVER () AS "total!"
                   FROM training_sessions s JOIN regions g ON g.id = s.region_id
                   WHERE s.cycle_id = $1
                   ORDER BY s.starts_on DESC, s.id DESC LIMIT $2 OFFSET $3"#,
                cycle.0,
                limit,
                offset
            )
            .fetch_all(tx)
            .await
        }
    }
}

/// A session as the audit log keeps it.
#[derive(serde::Serialize)]
struct SessionRecord<'a> {
    provider: Option<i64>,
    provider_name: &'a str,
    delivery: &'static str,
    starts_on: NaiveDate,
    ends_on: NaiveDate,
    hours: String,
    topic: &'a str,
    place: &'a str,
    has_exam: bool,
    project: Option<i64>,
}

impl<'a> SessionRecord<'a> {
    fn of_input(i: &'a SessionInput) -> Self {
        SessionRecord {
            provider: i.provider,
            provider_name: &i.provider_name,
            delivery: i.delivery.label(),
            starts_on: i.starts_on,
            ends_on: i.ends_on,
            hours: i.hours.to_string(),
            topic: &i.topic,
            place: &i.place,
            has_exam: i.has_exam,
            project: i.project,
        }
    }

    fn of(s: &'a Session) -> Self {
        SessionRecord {
            provider: s.provider,
            provider_name: &s.provider_name,
            delivery: s.delivery.label(),
            starts_on: s.starts_on,
            ends_on: s.ends_on,
            hours: s.hours.to_string(),
            topic: &s.topic,
            place: &s.place,
            has_exam: s.has_exam,
            project: s.project,
        }
    }
}

/// Records a session of `region` in `cycle`.
pub async fn create_session(
    tx: &mut PgConnection,
    ctx: &AuditContext,
    region: RegionId,
    cycle: CycleId,
    input: &SessionInput,
    by: &By<'_>,
) -> Result<SessionId, WriteError> {
    let id = sqlx::query_scalar!(
        r#"INSERT INTO training_sessions (region_id, cycle_id, provider_name, delivery, starts_on, ends_on, hours, topic,
                                          place, has_exam, project_id, created_by, created_by_name, provider_id)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14) RETURNING id AS "id: SessionId""#,
        region.0,
        cycle.0,
        input.provider_name,
        input.delivery.as_str(),
        input.starts_on,
        input.ends_on,
        input.hours,
        input.topic,
        input.place,
        input.has_exam,
        input.project,
        by.account.0,
        by.name,
        input.provider
    )
    .fetch_one(&mut *tx)
    .await?;
    let event = Event::new(Action::TrainingSessionCreate)
        .object(SESSION_KIND, id)
        .detail(format!("{} {}", input.starts_on, input.topic))
        .created(&SessionRecord::of_input(input));
    audit::record(tx, ctx, event).await?;
    Ok(id)
}

/// Saves an edit if the session is still at `version`. Its cycle and exam setting decide who
/// counts as trained: once it has trainees they stay (the caller refuses the change).
pub async fn update_session(
    tx: &mut PgConnection,
    ctx: &AuditContext,
    before: &Session,
    version: Version,
    cycle: CycleId,
    input: &SessionInput,
) -> Result<(), WriteError> {
    let updated = sqlx::query!(
        "UPDATE training_sessions SET cycle_id = $3, provider_name = $4, delivery = $5, starts_on = $6, ends_on = $7,
                                      hours = $8, topic = $9, place = $10, has_exam = $11, project_id = $12,
                                      provider_id = $13, version = version + 1, updated_at = now()
         WHERE id = $1 AND version = $2",
        before.id.0,
        version.0,
        cycle.0,
        input.provider_name,
        input.delivery.as_str(),
        input.starts_on,
        input.ends_on,
        input.hours,
        input.topic,
        input.place,
        input.has_exam,
        input.project,
        input.provider
    )
    .execute(&mut *tx)
    .await?;
    if updated.rows_affected() == 0 {
        return Err(WriteError::Stale);
    }
    let event = Event::new(Action::TrainingSessionUpdate)
        .object(SESSION_KIND, before.id)
        .detail(format!("{} {}", input.starts_on, input.topic))
        .change(&SessionRecord::of(before), &SessionRecord::of_input(input));
    audit::record(tx, ctx, event).await?;
    Ok(())
}

/// Removes a session without trainees (`Refused` otherwise).
pub async fn delete_session(tx: &mut PgConnection, ctx: &AuditContext, session: &Session) -> Result<(), WriteError> {
    let deleted = sqlx::query!("DELETE FROM training_sessions WHERE id = $1 AND trainees = 0", session.id.0)
        .execute(&mut *tx)
        .await?;
    if deleted.rows_affected() == 0 {
        return Err(WriteError::Refused("本次培训已有学员，不能删除；请先移除学员。".into()));
    }
    let event = Event::new(Action::TrainingSessionDelete)
        .object(SESSION_KIND, session.id)
        .detail(format!("{} {}", session.starts_on, session.topic));
    audit::record(tx, ctx, event).await?;
    Ok(())
}

/// A trainee as lists show them: the ID-card number masked unless asked for in full.
#[derive(Clone, Debug)]
pub struct TraineeLine {
    pub id: TraineeId,
    pub session: SessionId,
    pub name: String,
    pub id_number: String,
    pub employer: EmployerId,
    pub employer_name: String,
    pub category: String,
    pub exam_passed: Option<bool>,
    pub certificate_no: String,
    pub starts_on: NaiveDate,
    pub topic: String,
    pub has_exam: bool,
    pub total: i64,
}

impl TraineeLine {
    pub fn masked_id(&self) -> String {
        mask::id_number(&self.id_number)
    }
}

/// A session's trainees, in the order they were entered.
pub async fn trainees_of_session(
    tx: &mut PgConnection,
    region: RegionId,
    session: SessionId,
    limit: i64,
    offset: i64,
) -> Result<Vec<TraineeLine>, sqlx::Error> {
    sqlx::query_as!(
        TraineeLine,
        r#"SELECT t.id AS "id: TraineeId", t.session_id AS "session: SessionId", t.name, t.id_number,
                  t.employer_id AS "employer: EmployerId", e.name AS employer_name, t.category, t.exam_passed,
                  t.certificate_no, s.starts_on, s.topic, s.has_exam, count(*) OVER () AS "total!"
           FROM trainees t
           JOIN training_sessions s ON s.region_id = t.region_id AND s.id = t.session_id
           JOIN employers e ON e.region_id = t.region_id AND e.id = t.employer_id
           WHERE t.region_id = $1 AND t.session_id = $2 ORDER BY t.id LIMIT $3 OFFSET $4"#,
        region.0,
        session.0,
        limit,
        offset
    )
    .fetch_all(tx)
    .await
}

/// An employer's trainees of a cycle, the latest sessions first.
pub async fn trainees_of_employer(
    tx: &mut PgConnection,
    region: RegionId,
    employer: EmployerId,
    cycle: CycleId,
    limit: i64,
    offset: i64,
) -> Result<Vec<TraineeLine>, sqlx::Error> {
    sqlx::query_as!(
        TraineeLine,
        r#"SELECT t.id AS "id: TraineeId", t.session_id AS "session: SessionId", t.name, t.id_number,
                  t.employer_id AS "employer: EmployerId", e.name AS employer_name, t.category, t.exam_passed,
                  t.certificate_no, s.starts_on, s.topic, s.has_exam, count(*) OVER () AS "total!"
           FROM trainees t
           JOIN training_sessions s ON s.region_id = t.region_id AND s.id = t.session_id
           JOIN employers e ON e.region_id = t.region_id AND e.id = t.employer_id
           WHERE t.region_id = $1 AND t.employer_id = $2 AND s.cycle_id = $3
           ORDER BY s.starts_on DESC, t.id DESC LIMIT $4 OFFSET $5"#,
        region.0,
        employer.0,
        cycle.0,
        limit,
        offset
    )
    .fetch_all(tx)
    .await
}

/// One trainee of a session.
pub async fn find_trainee(
    tx: &mut PgConnection,
    region: RegionId,
    session: SessionId,
    id: TraineeId,
) -> Result<Option<TraineeLine>, sqlx::Error> {
    sqlx::query_as!(
        TraineeLine,
        r#"SELECT t.id AS "id: TraineeId", t.session_id AS "session: SessionId", t.name, t.id_number,
                  t.employer_id AS "employer: EmployerId", e.name AS employer_name, t.category, t.exam_passed,
                  t.certificate_no, s.starts_on, s.topic, s.has_exam, 1::bigint AS "total!"
           FROM trainees t
           JOIN training_sessions s ON s.region_id = t.region_id AND s.id = t.session_id
           JOIN employers e ON e.region_id = t.region_id AND e.id = t.employer_id
           WHERE t.region_id = $1 AND t.session_id = $2 AND t.id = $3"#,
        region.0,
        session.0,
        id.0
    )
    .fetch_optional(tx)
    .await
}

/// The ID-card numbers a session already has (an import refuses them again).
pub async fn id_numbers_of_session(
    tx: &mut PgConnection,
    region: RegionId,
    session: SessionId,
) -> Result<Vec<String>, sqlx::Error> {
    sqlx::query_scalar!("SELECT id_number FROM trainees WHERE region_id = $1 AND session_id = $2", region.0, session.0)
        .fetch_all(tx)
        .await
}

/// A trainee ready to write: checked, with its employer found.
pub struct NewTrainee<'a> {
    pub input: &'a TraineeInput,
    pub employer: EmployerId,
}

/// Writes trainees of `session` (locked by the caller) in one statement, adds those who now
/// count to the trained people (once each), and keeps the session's count. `Duplicate` on
/// `trainees_session_person_key` when a person is already on the list.
pub async fn add_trainees(
    tx: &mut PgConnection,
    session: &Session,
    rows: &[NewTrainee<'_>],
    by: AccountId,
) -> Result<u64, WriteError> {
    if rows.is_empty() {
        return Ok(0);
    }
    let col = |f: fn(&NewTrainee<'_>) -> String| rows.iter().map(f).collect::<Vec<_>>();
    let names = col(|r| r.input.name.clone());
    let numbers = col(|r| r.input.id_number.as_str().to_string());
    let categories = col(|r| r.input.category.clone());
    let certificates = col(|r| r.input.certificate_no.clone());
    let employers: Vec<i64> = rows.iter().map(|r| r.employer.0).collect();
    let passed: Vec<Option<bool>> = rows.iter().map(|r| r.input.exam_passed).collect();
    let added = sqlx::query!(
        "INSERT INTO trainees (region_id, session_id, name, id_number, employer_id, category, exam_passed,
                               certificate_no, created_by)
         SELECT $1, $2, n, i, e, c, p, k, $9
         FROM unnest($3::text[], $4::text[], $5::bigint[], $6::text[], $7::bool[], $8::text[]) AS u(n, i, e, c, p, k)",
        session.region.0,
        session.id.0,
        &names,
        &numbers,
        &employers,
        &categories,
        &passed as &[Option<bool>],
        &certificates,
        by.0
    )
    .execute(&mut *tx)
    .await?
    .rows_affected();
    sqlx::query!(
        "INSERT INTO trained_people (region_id, cycle_id, employer_id, category, id_number)
         SELECT DISTINCT $1::bigint, $2::bigint, e, c, i
         FROM unnest($3::bigint[], $4::text[], $5::text[], $6::bool[]) AS u(e, c, i, p)
         WHERE NOT $7 OR p
         ON CONFLICT DO NOTHING",
        session.region.0,
        session.cycle.0,
        &employers,
        &categories,
        &numbers,
        &passed as &[Option<bool>],
        session.has_exam
    )
    .execute(&mut *tx)
    .await?;
    sqlx::query!("UPDATE training_sessions SET trainees = trainees + $2 WHERE id = $1", session.id.0, added as i32)
        .execute(&mut *tx)
        .await?;
    Ok(added)
}

/// Whether `person` still counts as trained for the employer and category in the session's
/// cycle after a change to their records: the trained set gains or loses them accordingly.
async fn recount(
    tx: &mut PgConnection,
    session: &Session,
    employer: EmployerId,
    category: &str,
    person: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "WITH counted AS (
             SELECT EXISTS (SELECT 1 FROM trainees t
                            JOIN training_sessions s ON s.region_id = t.region_id AND s.id = t.session_id
                            WHERE t.region_id = $1 AND t.id_number = $5 AND t.employer_id = $3 AND t.category = $4
                              AND s.cycle_id = $2 AND (NOT s.has_exam OR t.exam_passed)) AS yes),
         gone AS (DELETE FROM trained_people
                  WHERE NOT (SELECT yes FROM counted) AND region_id = $1 AND cycle_id = $2 AND employer_id = $3
                    AND category = $4 AND id_number = $5)
         INSERT INTO trained_people (region_id, cycle_id, employer_id, category, id_number)
         SELECT $1, $2, $3, $4, $5 WHERE (SELECT yes FROM counted)
         ON CONFLICT DO NOTHING",
        session.region.0,
        session.cycle.0,
        employer.0,
        category,
        person
    )
    .execute(tx)
    .await?;
    Ok(())
}

/// A trainee as the audit log keeps them (the ID-card number masked).
#[derive(serde::Serialize)]
struct TraineeRecord<'a> {
    name: &'a str,
    id_number: String,
    employer: i64,
    category: &'a str,
    exam_passed: Option<bool>,
    certificate_no: &'a str,
}

impl<'a> TraineeRecord<'a> {
    fn of(t: &'a TraineeLine) -> Self {
        TraineeRecord {
            name: &t.name,
            id_number: t.masked_id(),
            employer: t.employer.0,
            category: &t.category,
            exam_passed: t.exam_passed,
            certificate_no: &t.certificate_no,
        }
    }
}

/// Records a trainee's exam result and certificate, and recounts them.
pub async fn set_result(
    tx: &mut PgConnection,
    ctx: &AuditContext,
    session: &Session,
    before: &TraineeLine,
    exam_passed: Option<bool>,
    certificate_no: &str,
) -> Result<(), WriteError> {
    sqlx::query!(
        "UPDATE trainees SET exam_passed = $3, certificate_no = $4 WHERE session_id = $1 AND id = $2",
        session.id.0,
        before.id.0,
        exam_passed,
        certificate_no
    )
    .execute(&mut *tx)
    .await?;
    recount(tx, session, before.employer, &before.category, &before.id_number).await?;
    let after = TraineeLine { exam_passed, certificate_no: certificate_no.to_string(), ..before.clone() };
    let event = Event::new(Action::TraineeUpdate)
        .object("trainee", before.id)
        .detail(format!("{} {}", before.name, before.masked_id()))
        .change(&TraineeRecord::of(before), &TraineeRecord::of(&after));
    audit::record(tx, ctx, event).await?;
    Ok(())
}

/// Removes a trainee from a session (locked by the caller) and recounts them.
pub async fn remove_trainee(
    tx: &mut PgConnection,
    ctx: &AuditContext,
    session: &Session,
    trainee: &TraineeLine,
) -> Result<(), WriteError> {
    let deleted = sqlx::query!("DELETE FROM trainees WHERE session_id = $1 AND id = $2", session.id.0, trainee.id.0)
        .execute(&mut *tx)
        .await?;
    if deleted.rows_affected() == 0 {
        return Err(WriteError::NotFound);
    }
    sqlx::query!("UPDATE training_sessions SET trainees = trainees - 1 WHERE id = $1", session.id.0)
        .execute(&mut *tx)
        .await?;
    recount(tx, session, trainee.employer, &trainee.category, &trainee.id_number).await?;
    let event = Event::new(Action::TraineeRemove)
        .object("trainee", trainee.id)
        .detail(format!("{} {}（{}）", trainee.name, trainee.masked_id(), session.topic))
        .created(&TraineeRecord::of(trainee));
    audit::record(tx, ctx, event).await?;
    Ok(())
}

/// The region's employers with these credit codes: (credit code, id, platform).
pub async fn employers_by_code(
    tx: &mut PgConnection,
    region: RegionId,
    codes: &[String],
) -> Result<Vec<(String, EmployerId, bool)>, sqlx::Error> {
    let rows = sqlx::query!(
        r#"SELECT credit_code, id AS "id: EmployerId", platform FROM employers
           WHERE region_id = $1 AND credit_code = ANY($2)"#,
        region.0,
        codes
    )
    .fetch_all(tx)
    .await?;
    Ok(rows.into_iter().map(|r| (r.credit_code, r.id, r.platform)).collect())
}

/// An employer's tally of one category: required and trained.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Tally {
    pub category: String,
    pub required: i32,
    pub trained: i32,
}

pub async fn tallies_of(
    tx: &mut PgConnection,
    region: RegionId,
    employer: EmployerId,
    cycle: CycleId,
) -> Result<Vec<Tally>, sqlx::Error> {
    sqlx::query_as!(
        Tally,
        "SELECT category, required, trained FROM training_tallies
         WHERE region_id = $1 AND employer_id = $2 AND cycle_id = $3",
        region.0,
        employer.0,
        cycle.0
    )
    .fetch_all(tx)
    .await
}

/// Sets an employer's required people per category of a cycle (the categories not given keep
/// theirs), with its audit record of before and after.
pub async fn set_required(
    tx: &mut PgConnection,
    ctx: &AuditContext,
    region: RegionId,
    employer: (EmployerId, &str),
    cycle: CycleId,
    counts: &[(String, i32)],
) -> Result<(), WriteError> {
    let before: Vec<(String, i32)> =
        tallies_of(tx, region, employer.0, cycle).await?.into_iter().map(|t| (t.category, t.required)).collect();
    let categories: Vec<String> = counts.iter().map(|(c, _)| c.clone()).collect();
    let required: Vec<i32> = counts.iter().map(|(_, n)| *n).collect();
    sqlx::query!(
        "INSERT INTO training_tallies AS t (region_id, cycle_id, employer_id, category, required)
         SELECT $1, $2, $3, c, n FROM unnest($4::text[], $5::int[]) AS u(c, n)
         ON CONFLICT (region_id, cycle_id, employer_id, category) DO UPDATE SET required = EXCLUDED.required
         WHERE t.required IS DISTINCT FROM EXCLUDED.required",
        region.0,
        cycle.0,
        employer.0.0,
        &categories,
        &required
    )
    .execute(&mut *tx)
    .await?;
    let shown =
        |pairs: &[(String, i32)]| -> std::collections::BTreeMap<String, i32> { pairs.iter().cloned().collect() };
    let event = Event::new(Action::TrainingRequiredUpdate)
        .object(crate::employers::model::KIND, employer.0)
        .detail(format!("{} 重点岗位应培训人数", employer.1))
        .change(&shown(&before), &shown(counts));
    audit::record(tx, ctx, event).await?;
    Ok(())
}

/// Required people per employer and category written in bulk (an import): `(employer,
/// category, required)` rows, in the caller's transaction; no audit record per row.
pub async fn set_required_rows(
    tx: &mut PgConnection,
    region: RegionId,
    cycle: CycleId,
    rows: &[(EmployerId, String, i32)],
) -> Result<u64, sqlx::Error> {
    let employers: Vec<i64> = rows.iter().map(|r| r.0.0).collect();
    let categories: Vec<String> = rows.iter().map(|r| r.1.clone()).collect();
    let required: Vec<i32> = rows.iter().map(|r| r.2).collect();
    let done = sqlx::query!(
        "INSERT INTO training_tallies AS t (region_id, cycle_id, employer_id, category, required)
         SELECT $1, $2, e, c, n FROM unnest($3::bigint[], $4::text[], $5::int[]) AS u(e, c, n)
         ON CONFLICT (region_id, cycle_id, employer_id, category) DO UPDATE SET required = EXCLUDED.required
         WHERE t.required IS DISTINCT FROM EXCLUDED.required",
        region.0,
        cycle.0,
        &employers,
        &categories,
        &required
    )
    .execute(tx)
    .await?;
    Ok(done.rows_affected())
}

/// A rollup row: one region's division and category in a cycle.
#[derive(Clone, Debug)]
pub struct Rollup {
    pub region: RegionId,
    pub division_code: String,
    pub category: String,
    pub required: i64,
    pub trained: i64,
    pub capped: i64,
}

/// The rollups of a cycle, of one region or of every region in scope.
pub async fn rollups(
    tx: &mut PgConnection,
    cycle: CycleId,
    region: Option<RegionId>,
) -> Result<Vec<Rollup>, sqlx::Error> {
    sqlx::query_as!(
        Rollup,
        r#"SELECT region_id AS "region: RegionId", division_code, category, required, trained, capped
           FROM training_rollups
           WHERE cycle_id = $1 AND ($2::bigint IS NULL OR region_id = $2) AND required > 0"#,
        cycle.0,
        region.map(|r| r.0)
    )
    .fetch_all(tx)
    .await
}

/// An employer below the target, with its contact.
#[derive(Clone, Debug)]
pub struct BelowLine {
    pub id: EmployerId,
    pub region_name: String,
    pub name: String,
    pub credit_code: String,
    pub division_code: String,
    pub contact_person: String,
    pub contact_phone: String,
    pub required: i64,
    pub capped: i64,
    /// The row's place in the whole list (from 1), the export's page key.
    pub ordinal: i64,
    pub total: i64,
}

/// The key-industry employers of one region (`divisions`: its key industries') whose coverage
/// in a cycle is below `target` percent, the lowest first: ranked on the employer totals, and
/// only the page's rows joined to their employers.
pub async fn below_in_region(
    tx: &mut PgConnection,
    cycle: CycleId,
    (region, divisions): (RegionId, &[String]),
    target: Decimal,
    limit: i64,
    offset: i64,
) -> Result<Vec<BelowLine>, sqlx::Error> {
    sqlx::query_as!(
        BelowLine,
        r#"WITH ranked AS (
               SELECT region_id, employer_id, required, capped,
                      row_number() OVER (ORDER BY capped::numeric / required, employer_id) AS ordinal,
                      count(*) OVER () AS total
               FROM training_employer_totals
               WHERE region_id = $2 AND cycle_id = $1 AND division_code = ANY($3)
                 AND required > 0 AND capped * 100 < $4::numeric * required
               ORDER BY ordinal LIMIT $5 OFFSET $6)
           SELECT e.id AS "id: EmployerId", g.name AS region_name, e.name, e.credit_code, e.division_code,
                  e.contact_person, e.contact_phone, r.required AS "required!", r.capped AS "capped!",
                  r.ordinal AS "ordinal!", r.total AS "total!"
           FROM ranked r
           JOIN employers e ON e.region_id = r.region_id AND e.id = r.employer_id
           JOIN regions g ON g.id = e.region_id
           ORDER BY r.ordinal"#,
        cycle.0,
        region.0,
        divisions,
        target,
        limit,
        offset
    )
    .fetch_all(tx)
    .await
}

/// The same for every region in scope: `key` pairs each region with its key-industry
/// divisions.
pub async fn below_everywhere(
    tx: &mut PgConnection,
    cycle: CycleId,
    key: &[(RegionId, String)],
    target: Decimal,
    limit: i64,
    offset: i64,
) -> Result<Vec<BelowLine>, sqlx::Error> {
    let regions: Vec<i64> = key.iter().map(|(r, _)| r.0).collect();
    let divisions: Vec<String> = key.iter().map(|(_, d)| d.clone()).collect();
    sqlx::query_as!(
        BelowLine,
        r#"WITH ranked AS (
               SELECT t.region_id, t.employer_id, t.required, t.capped,
                      row_number() OVER (ORDER BY t.capped::numeric / t.required, g.sort_order, t.employer_id)
                          AS ordinal,
                      count(*) OVER () AS total
               FROM training_employer_totals t
               JOIN regions g ON g.id = t.region_id
               JOIN unnest($2::bigint[], $3::text[]) AS k(region_id, code)
                 ON k.region_id = t.region_id AND k.code = t.division_code
               WHERE t.cycle_id = $1 AND t.required > 0 AND t.capped * 100 < $4::numeric * t.required
               ORDER BY ordinal LIMIT $5 OFFSET $6)
           SELECT e.id AS "id: EmployerId", g.name AS region_name, e.name, e.credit_code, e.division_code,
                  e.contact_person, e.contact_phone, r.required AS "required!", r.capped AS "capped!",
                  r.ordinal AS "ordinal!", r.total AS "total!"
           FROM ranked r
           JOIN employers e ON e.region_id = r.region_id AND e.id = r.employer_id
           JOIN regions g ON g.id = e.region_id
           ORDER BY r.ordinal"#,
        cycle.0,
        &regions,
        &divisions,
        target,
        limit,
        offset
    )
    .fetch_all(tx)
    .await
}

/// The key industries of a cycle: the province's, and each region's own with its region.
pub async fn key_industries(
    tx: &mut PgConnection,
    cycle: CycleId,
) -> Result<(Vec<KeyIndustry>, Vec<(RegionId, KeyIndustry)>), sqlx::Error> {
    let province = sqlx::query!(
        r#"SELECT 'province:' || k.key AS "reference!", k.name,
                  coalesce(array_agg(d.code ORDER BY d.code) FILTER (WHERE d.code IS NOT NULL), '{}') AS "divisions!"
           FROM key_industries k LEFT JOIN key_industry_divisions d ON d.key_industry_id = k.id
           GROUP BY k.id ORDER BY k.sort_order, k.id"#
    )
    .fetch_all(&mut *tx)
    .await?
    .into_iter()
    .map(|r| KeyIndustry { reference: r.reference, name: r.name, divisions: r.divisions, own: false })
    .collect();
    let own = sqlx::query!(
        r#"SELECT region_id AS "region: RegionId", 'region:' || id AS "reference!", name, divisions
           FROM region_key_industries WHERE cycle_id = $1 ORDER BY region_id, id"#,
        cycle.0
    )
    .fetch_all(&mut *tx)
    .await?
    .into_iter()
    .map(|r| (r.region, KeyIndustry { reference: r.reference, name: r.name, divisions: r.divisions, own: true }))
    .collect();
    Ok((province, own))
}

/// A region's training projects that may have paid for a session (approved and under way or
/// done): (id, name, year), the latest first.
pub async fn training_projects(
    tx: &mut PgConnection,
    region: RegionId,
) -> Result<Vec<(i64, String, i16)>, sqlx::Error> {
    let rows = sqlx::query!(
        "SELECT id, name, year FROM projects
         WHERE region_id = $1 AND project_type = 'training'
           AND status IN ('filed', 'in_progress', 'awaiting_acceptance', 'rectifying', 'awaiting_reacceptance',
                          'accepted', 'settled')
         ORDER BY year DESC, id DESC LIMIT 200",
        region.0
    )
    .fetch_all(tx)
    .await?;
    Ok(rows.into_iter().map(|r| (r.id, r.name, r.year)).collect())
}
