//! SQL of the supervision list, in the caller's transaction opened for the actor's scope.

use sqlx::PgConnection;
use sqlx::types::Json;

use super::model::{DueMilestone, Watched};
use crate::org::{DepartmentKind, RegionId};
use crate::projects::model::{ProjectId, ProjectStatus};
use crate::values::Money;

/// A watched project with what the list shows of it.
#[derive(Clone, Debug)]
pub struct WatchedProject {
    pub id: ProjectId,
    pub region_name: String,
    pub name: String,
    pub applicant_name: Option<String>,
    pub department: Option<DepartmentKind>,
    pub approved_amount: Option<Money>,
    pub watched: Watched,
}

impl WatchedProject {
    pub fn applicant(&self) -> String {
        match (&self.applicant_name, self.department) {
            (Some(a), _) => a.clone(),
            (None, Some(d)) => format!("{}{}", self.region_name, d.label()),
            (None, None) => String::new(),
        }
    }
}

/// The projects that may give cause for concern (under way, rectifying, or failed a second
/// acceptance) of one region or every region in scope, by region and id, with their milestones,
/// latest progress report, signing day and rectification deadline. The rules pick from these.
pub async fn watched(tx: &mut PgConnection, region: Option<RegionId>) -> Result<Vec<WatchedProject>, sqlx::Error> {
    let rows = sqlx::query!(
        r#"SELECT p.id AS "id: ProjectId", g.name AS region_name, p.name, p.status AS "status: ProjectStatus",
                  a.name AS "applicant_name?", p.department_kind AS "department: DepartmentKind",
                  p.approved_amount AS "approved_amount: Money",
                  (SELECT coalesce(jsonb_agg(jsonb_build_object('id', m.id, 'due_on', m.due_on, 'description', m.description)
                                             ORDER BY m.due_on, m.id), '[]')
                   FROM project_milestones m WHERE m.region_id = p.region_id AND m.project_id = p.id)
                      AS "milestones!: Json<Vec<DueMilestone>>",
                  r.reported_on AS "last_report?", r.milestones_done AS "milestones_done?",
                  ag.signed_on AS "signed_on?",
                  (SELECT x.rectify_by FROM project_acceptances x
                   WHERE x.region_id = p.region_id AND x.project_id = p.id AND x.attempt = 1) AS "rectify_by?"
           FROM projects p
           JOIN regions g ON g.id = p.region_id
           LEFT JOIN applicants a ON a.region_id = p.region_id AND a.id = p.applicant_id
           LEFT JOIN project_agreements ag ON ag.region_id = p.region_id AND ag.project_id = p.id
           LEFT JOIN LATERAL (SELECT pr.reported_on, pr.milestones_done FROM project_progress pr
                              WHERE pr.region_id = p.region_id AND pr.project_id = p.id
                              ORDER BY pr.reported_on DESC, pr.id DESC LIMIT 1) r ON true
           WHERE p.status IN ('in_progress', 'rectifying', 'acceptance_failed')
             AND ($1::bigint IS NULL OR p.region_id = $1)
           ORDER BY p.region_id, p.id"#,
        region.map(|r| r.0)
    )
    .fetch_all(tx)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| WatchedProject {
            id: r.id,
            region_name: r.region_name,
            name: r.name,
            applicant_name: r.applicant_name,
            department: r.department,
            approved_amount: r.approved_amount,
            watched: Watched {
                status: r.status,
                milestones: r.milestones.0,
                milestones_done: r.milestones_done.unwrap_or_default(),
                last_report: r.last_report,
                signed_on: r.signed_on,
                rectify_by: r.rectify_by,
            },
        })
        .collect())
}
