//! Progress of a project under way (实施进度): the region's officers report, as often as they
//! need, the share done, the milestones done, the people trained and sessions held so far and the
//! spending so far per cost line in 元; figures never fall below the previous report's and the
//! spending never exceeds the agreement. Each report is a step in the project's history (its
//! status unchanged), so the project's timeline shows the money as it goes.

pub mod model;
pub mod store;
pub mod views;

use axum::Router;
use axum::extract::{Path, State};
use axum::response::Response;
use axum::routing::get;
use axum_extra::extract::Form;

use self::model::{Context, ReportForm};
use self::views::ProgressPage;
use crate::audit::AuditContext;
use crate::auth::Actor;
use crate::db;
use crate::error::AppError;
use crate::projects::model::{Project, ProjectId, ProjectStatus, may_write};
use crate::projects::store as projects;
use crate::state::AppState;
use crate::values::{Money, time};
use crate::web::flash::{self, Flash};
use crate::web::form::FieldErrors;
use crate::web::layout::Chrome;
use crate::web::once::{self, Claim, FormToken};
use crate::web::render;
use crate::workflow::By;

pub fn routes() -> Router<AppState> {
    Router::new().route("/projects/{id}/progress", get(show).post(report))
}

/// The project under way (found by the caller), its agreement's amount and signing day, and its
/// reports.
async fn under_way(
    tx: &mut sqlx::PgConnection,
    project: Project,
) -> Result<(Project, (Money, chrono::NaiveDate), Vec<model::Report>), AppError> {
    let refused = || AppError::Refused(format!("项目{}，签订协议后才报告实施进度。", project.status.label()).into());
    if !project.status.after_signing() {
        return Err(refused());
    }
    // A project terminated before it was signed has no agreement and no progress.
    let agreement = crate::agreements::store::of(tx, &project).await?.ok_or_else(refused)?;
    let reports = store::of(tx, &project).await?;
    Ok((project, (agreement.amount, agreement.signed_on), reports))
}

/// 实施进度.
async fn show(
    State(state): State<AppState>,
    actor: Actor,
    chrome: Chrome,
    Path(id): Path<ProjectId>,
) -> Result<Response, AppError> {
    let mut tx = db::begin(&state.pool, actor.db()).await?;
    let project = projects::find(&mut tx, id, false)
        .await?
        .filter(|p| crate::projects::model::readable(&actor, p))
        .ok_or(AppError::NotFound)?;
    let (project, agreement, reports) = under_way(&mut tx, project).await?;
    tx.commit().await?;
    let may_report = may_write(&actor, &project.region) && project.status == ProjectStatus::InProgress;
    render(ProgressPage::new(&chrome, project, agreement.0, &reports, may_report, None))
}

/// 报告进度.
async fn report(
    State(state): State<AppState>,
    actor: Actor,
    chrome: Chrome,
    audit: AuditContext,
    Path(id): Path<ProjectId>,
    Form(form): Form<ReportForm>,
) -> Result<Response, AppError> {
    let token = FormToken::parse(&form.form_token)?;
    let mut tx = db::begin(&state.pool, actor.db()).await?;
    if let Claim::Used(url) = once::claim(&mut tx, actor.account_id, &token).await? {
        return Ok(flash::redirect(&url));
    }
    let project = projects::find(&mut tx, id, true).await?.ok_or(AppError::NotFound)?;
    if !may_write(&actor, &project.region) {
        return Err(AppError::Forbidden);
    }
    let (project, agreement, reports) = under_way(&mut tx, project).await?;
    if project.status != ProjectStatus::InProgress {
        return Err(AppError::Refused(format!("项目{}，不能再报告实施进度。", project.status.label()).into()));
    }
    let context = Context {
        lines: &project.lines,
        milestones: &project.milestones,
        previous: reports.last(),
        agreement,
        today: time::today(),
    };
    let new = match form.parse(&context) {
        Ok(new) => new,
        Err(errors) => {
            tx.rollback().await?;
            let posted: Option<(ReportForm, FieldErrors)> = Some((form, errors));
            return render(ProgressPage::new(&chrome, project, agreement.0, &reports, true, posted));
        }
    };
    let by = By { account: actor.account_id, name: &actor.display_name };
    store::record(&mut tx, &audit, &project, &new, &by).await?;
    let url = format!("/projects/{id}/progress");
    once::finish(&mut tx, actor.account_id, &token, &url).await?;
    tx.commit().await?;
    Ok(flash::redirect_with(&url, Flash::ProgressReported))
}
