//! SQL of a project's approval. Every write locks the project, decides its transition with the
//! workflow table, and records history and audit in the caller's transaction.

use sqlx::PgConnection;

use super::model::{Approval, NewObjection, Objection, ObjectionId};
use crate::audit::{self, Action, AuditContext, Event};
use crate::error::WriteError;
use crate::org::{RegionId, Role};
use crate::projects::model::{KIND, Project, ProjectId};
use crate::projects::store::{self as projects, Step};
use crate::workflow::{By, Done, TransitionError};

/// A project's objections, oldest first.
pub async fn objections_of(
    tx: &mut PgConnection,
    region: RegionId,
    project: ProjectId,
) -> Result<Vec<Objection>, sqlx::Error> {
    sqlx::query_as!(
        Objection,
        r#"SELECT id AS "id: ObjectionId", received_on, objector, content, recorded_by_name, answer, upheld,
                  answered_by_name, answered_at
           FROM project_objections WHERE region_id = $1 AND project_id = $2 ORDER BY id"#,
        region.0,
        project.0
    )
    .fetch_all(tx)
    .await
}

/// 同意立项: the approved amounts (taken from the fee's budgets), the meeting, the publicity's
/// dates, and the move to 公示中, together.
pub async fn approve(
    tx: &mut PgConnection,
    ctx: &AuditContext,
    id: ProjectId,
    role: Role,
    approval: &Approval,
    step: &Step<'_>,
) -> Result<Done, TransitionError> {
    let (project, to) = match projects::begin_step(tx, id, role, step).await? {
        Ok(decided) => decided,
        Err(done) => return Ok(done),
    };
    // Each year's approved amount taken from that year's budget (the fee), or the reason why not.
    if let Err(message) = crate::fee::check_approval(tx, &project, &approval.years, &step.by).await? {
        return Err(TransitionError::Incomplete(vec![message.into()]));
    }
    let region = project.region.id.0;
    sqlx::query!("DELETE FROM project_approved_years WHERE region_id = $1 AND project_id = $2", region, id.0)
        .execute(&mut *tx)
        .await?;
    let (years, amounts): (Vec<i16>, Vec<rust_decimal::Decimal>) = approval.years.iter().copied().unzip();
    sqlx::query!(
        "INSERT INTO project_approved_years (region_id, project_id, project_year, amount)
         SELECT $1, $2, y, a FROM unnest($3::smallint[], $4::numeric[]) AS x(y, a)",
        region,
        id.0,
        &years,
        &amounts
    )
    .execute(&mut *tx)
    .await?;
    sqlx::query!(
        "UPDATE projects SET approved_amount = $2, decision_meeting_id = $3, publicity_starts_on = $4,
                             publicity_ends_on = $5, decided_at = now()
         WHERE id = $1",
        id.0,
        approval.total,
        approval.meeting,
        approval.starts_on,
        approval.ends_on
    )
    .execute(&mut *tx)
    .await?;
    projects::finish_step(tx, ctx, &project, to, step).await
}

/// Records an objection received during the publicity (the project locked, still in it).
pub async fn record_objection(
    tx: &mut PgConnection,
    ctx: &AuditContext,
    project: &Project,
    objection: &NewObjection,
    by: &By<'_>,
) -> Result<ObjectionId, WriteError> {
    let id = sqlx::query_scalar!(
        r#"INSERT INTO project_objections (region_id, project_id, received_on, objector, content, recorded_by,
                                           recorded_by_name)
           VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id AS "id: ObjectionId""#,
        project.region.id.0,
        project.id.0,
        objection.received_on,
        objection.objector,
        objection.content,
        by.account.0,
        by.name
    )
    .fetch_one(&mut *tx)
    .await?;
    let detail = format!("{} 收到 {} 的异议：{}", objection.received_on, objection.objector, objection.content);
    audit::record(tx, ctx, Event::new(Action::ObjectionRecord).object(KIND, project.id).detail(detail)).await?;
    Ok(id)
}

/// Answers an open objection; the caller reverses the approval when it is upheld.
pub async fn answer_objection(
    tx: &mut PgConnection,
    ctx: &AuditContext,
    project: &Project,
    objection: ObjectionId,
    (answer, upheld): (&str, bool),
    by: &By<'_>,
) -> Result<(), WriteError> {
    let answered = sqlx::query!(
        "UPDATE project_objections SET answer = $4, upheld = $5, answered_by = $6, answered_by_name = $7, answered_at = now()
         WHERE region_id = $1 AND project_id = $2 AND id = $3 AND upheld IS NULL",
        project.region.id.0,
        project.id.0,
        objection.0,
        answer,
        upheld,
        by.account.0,
        by.name
    )
    .execute(&mut *tx)
    .await?;
    if answered.rows_affected() == 0 {
        return Err(WriteError::Stale);
    }
    let detail = format!("异议 {objection}：{}；{answer}", if upheld { "成立" } else { "不成立" });
    audit::record(tx, ctx, Event::new(Action::ObjectionAnswer).object(KIND, project.id).detail(detail)).await?;
    Ok(())
}
