//! A project's approval after the expert review (审定 → 公示 → 备案): the region decides, with
//! an approved amount per project year never above the requested (checked against the fee's
//! budget), the joint meeting that decided and the publicity's dates (at least the round's
//! working days), or rejects with reasons; objections received during the publicity are recorded
//! and answered, an upheld one reversing the approval; once the publicity is over with every
//! objection answered the approval goes to the province, which files it or returns it to be
//! decided again. Every step is a transition of the application in the shared workflow.

pub mod model;
pub mod store;
pub mod views;

use axum::Router;
use axum::extract::{Path, State};
use axum::response::Response;
use axum::routing::{get, post};
use axum_extra::extract::Form;
use chrono::{Datelike, Duration};

use self::model::{AnswerForm, Context, Decision, DecisionForm, ObjectionForm, ObjectionId, close_refusal};
use self::views::{Approval, ApprovalPage, Feedback, Offers};
use crate::access::Permission;
use crate::audit::AuditContext;
use crate::auth::Actor;
use crate::db;
use crate::error::AppError;
use crate::projects::model::{Project, ProjectAction, ProjectId, ProjectStatus, may_write};
use crate::projects::store as projects;
use crate::projects::store::Step;
use crate::state::AppState;
use crate::values::time;
use crate::web::deadline::Calendar;
use crate::web::flash::{self, Flash};
use crate::web::layout::Chrome;
use crate::web::once::FormToken;
use crate::web::render;
use crate::workflow::{By, Done, Refusal, TransitionError, step};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/projects/{id}/approval", get(show))
        .route("/projects/{id}/approval/decide", post(decide))
        .route("/projects/{id}/approval/objections", post(object))
        .route("/projects/{id}/approval/objections/{objection}/answer", post(answer))
        .route("/projects/{id}/approval/close", post(close))
        .route("/projects/{id}/approval/filing", post(file))
}

/// What the actor may do on the page now.
fn offers(actor: &Actor, project: &Project) -> Offers {
    let keeps = may_write(actor, &project.region);
    Offers {
        decide: keeps && project.status == ProjectStatus::Reviewed,
        keep_publicity: keeps && project.status == ProjectStatus::InPublicity,
        file: actor.may(Permission::FileProjects) && project.status == ProjectStatus::AwaitingFiling,
    }
}

/// The calendar the publicity is counted with: from today for half a year.
async fn calendar(state: &AppState) -> Result<Calendar, AppError> {
    let today = time::today();
    Ok(crate::calendar::store::between(&state.pool, today, today + Duration::days(183)).await?)
}

/// The requested amount of each project year.
fn requested(project: &Project) -> Vec<(i16, crate::values::Money)> {
    project.totals().by_year
}

/// The page's record, in the actor's scope: the project, its objections, and while it waits
/// for the decision the region's recent joint meetings. (The history is on the project's page.)
async fn load(state: &AppState, actor: &Actor, id: ProjectId) -> Result<(Approval, Offers), AppError> {
    let mut tx = db::begin(&state.pool, actor.db()).await?;
    let project = projects::find(&mut tx, id, false).await?.ok_or(AppError::NotFound)?;
    let offers = offers(actor, &project);
    let objections = store::objections_of(&mut tx, project.region.id, id).await?;
    let meetings = match offers.decide {
        true => {
            let since = time::today().with_day(1).unwrap_or(time::today()) - Duration::days(730);
            crate::meetings::store::recent(&mut tx, project.region.id, since)
                .await?
                .into_iter()
                .map(|(id, day, topics)| (id.0, day.to_string(), topics))
                .collect()
        }
        false => Vec::new(),
    };
    tx.commit().await?;
    let approval = Approval { publicity_days: project.publicity_days, project, objections, meetings, first_form: None };
    Ok((approval, offers))
}

/// The decision's context for `approval` on today.
fn context<'a>(
    approval: &'a Approval,
    requested: &'a [(i16, crate::values::Money)],
    calendar: &'a Calendar,
    meetings: &'a [i64],
) -> Context<'a> {
    Context { requested, calendar, publicity_days: approval.publicity_days, today: time::today(), meetings }
}

async fn page(
    state: &AppState,
    chrome: &Chrome,
    actor: &Actor,
    id: ProjectId,
    feedback: Feedback,
) -> Result<Response, AppError> {
    let (approval, offers) = load(state, actor, id).await?;
    page_of(state, chrome, approval, offers, feedback).await
}

async fn page_of(
    state: &AppState,
    chrome: &Chrome,
    mut approval: Approval,
    offers: Offers,
    feedback: Feedback,
) -> Result<Response, AppError> {
    if offers.decide && feedback.decision.is_none() {
        let calendar = calendar(state).await?;
        let requested = requested(&approval.project);
        let ids: Vec<i64> = approval.meetings.iter().map(|(id, _, _)| *id).collect();
        let at = approval.project.version;
        approval.first_form = Some(DecisionForm::new(&context(&approval, &requested, &calendar, &ids), at));
    }
    render(ApprovalPage::new(chrome, approval, offers, feedback))
}

/// 立项审定.
async fn show(
    State(state): State<AppState>,
    actor: Actor,
    chrome: Chrome,
    Path(id): Path<ProjectId>,
) -> Result<Response, AppError> {
    let (approval, offers) = load(&state, &actor, id).await?;
    if approval.project.status.before_expert_review() || approval.project.status == ProjectStatus::ExpertReview {
        let status = approval.project.status.label();
        return Err(AppError::Refused(format!("项目申报{status}，尚未到立项审定。").into()));
    }
    page_of(&state, &chrome, approval, offers, Feedback::default()).await
}

/// What a refused step shows on the page; a role without the right and a missing record
/// become their error pages.
fn refused(result: Result<Done, TransitionError>) -> Result<Result<Done, String>, AppError> {
    Ok(match step::outcome(result)? {
        Ok(done) => Ok(done),
        Err(problems) => Err(problems.into_iter().map(|p| p.message).collect::<Vec<_>>().join("；")),
    })
}

fn redirect(done: Done, flash: Flash) -> Response {
    match done {
        Done::Now(url) => flash::redirect_with(&url, flash),
        Done::Before(url) => flash::redirect(&url),
    }
}

/// 同意立项 or 不予立项.
async fn decide(
    State(state): State<AppState>,
    actor: Actor,
    chrome: Chrome,
    audit: AuditContext,
    Path(id): Path<ProjectId>,
    Form(form): Form<DecisionForm>,
) -> Result<Response, AppError> {
    let token = FormToken::parse(&form.form_token)?;
    let (approval, offers) = load(&state, &actor, id).await?;
    if !may_write(&actor, &approval.project.region) {
        return Err(AppError::Forbidden);
    }
    if !offers.decide {
        let message = format!("项目申报{}，不在待立项审定状态。", approval.project.status.label());
        return page(&state, &chrome, &actor, id, Feedback { problem: Some(message), ..Feedback::default() }).await;
    }
    let calendar = calendar(&state).await?;
    let requested = requested(&approval.project);
    let ids: Vec<i64> = approval.meetings.iter().map(|(id, _, _)| *id).collect();
    let parsed = form.parse(&context(&approval, &requested, &calendar, &ids));
    let (decision, _version) = match parsed {
        Ok(parsed) => parsed,
        Err(errors) => {
            let feedback = Feedback { decision: Some(form), decision_errors: errors, ..Feedback::default() };
            return render(ApprovalPage::new(&chrome, approval, offers, feedback));
        }
    };
    let by = By { account: actor.account_id, name: &actor.display_name };
    let mut tx = db::begin(&state.pool, actor.db()).await?;
    let result = match &decision {
        Decision::Approve(a) => {
            // The fee's budget check runs inside the step, once the project is locked.
            let step = Step {
                by,
                token: &token,
                action: ProjectAction::Approve,
                comment: &a.comment,
                url: format!("/projects/{id}/approval"),
            };
            store::approve(&mut tx, &audit, id, actor.role, a, &step).await
        }
        Decision::Reject { reason } => {
            let step = Step {
                by,
                token: &token,
                action: ProjectAction::Reject,
                comment: reason,
                url: format!("/projects/{id}/approval"),
            };
            crate::projects::store::take(&mut tx, &audit, id, actor.role, &step).await
        }
    };
    match refused(result)? {
        Ok(done) => {
            tx.commit().await?;
            let flash =
                if matches!(decision, Decision::Approve(_)) { Flash::ProjectApproved } else { Flash::ProjectRejected };
            Ok(redirect(done, flash))
        }
        Err(problem) => {
            tx.rollback().await?;
            let feedback = Feedback { decision: Some(form), problem: Some(problem), ..Feedback::default() };
            page(&state, &chrome, &actor, id, feedback).await
        }
    }
}

/// How a publicity step opens.
enum Opened {
    /// The project, locked, its keeper acting, still in its publicity.
    Project(Project),
    /// The same form was posted before: where it led.
    Before(String),
    /// Why not now (the publicity is over, or never began).
    Refused(String),
}

/// Opens a publicity step (an objection, an answer, the close): the form's token claimed, the
/// project locked and checked. Another region's project is 404, another role's 403.
async fn publicity_step(
    tx: &mut sqlx::PgConnection,
    actor: &Actor,
    id: ProjectId,
    token: &FormToken,
) -> Result<Opened, AppError> {
    if let crate::web::once::Claim::Used(url) = crate::web::once::claim(tx, actor.account_id, token).await? {
        return Ok(Opened::Before(url));
    }
    let project = projects::find(tx, id, true).await?.ok_or(AppError::NotFound)?;
    if !may_write(actor, &project.region) {
        return Err(AppError::Forbidden);
    }
    if project.status != ProjectStatus::InPublicity {
        return Ok(Opened::Refused(format!("项目{}，不在公示期。", project.status.label())));
    }
    Ok(Opened::Project(project))
}

/// 登记异议.
async fn object(
    State(state): State<AppState>,
    actor: Actor,
    chrome: Chrome,
    audit: AuditContext,
    Path(id): Path<ProjectId>,
    Form(form): Form<ObjectionForm>,
) -> Result<Response, AppError> {
    let token = FormToken::parse(&form.form_token)?;
    let mut tx = db::begin(&state.pool, actor.db()).await?;
    let project = match publicity_step(&mut tx, &actor, id, &token).await? {
        Opened::Project(project) => project,
        Opened::Before(url) => return Ok(flash::redirect(&url)),
        Opened::Refused(problem) => {
            tx.rollback().await?;
            return page(&state, &chrome, &actor, id, Feedback { problem: Some(problem), ..Feedback::default() }).await;
        }
    };
    let window = (project.publicity_starts_on.unwrap_or_default(), project.publicity_ends_on.unwrap_or_default());
    let objection = match form.parse(window, time::today()) {
        Ok(objection) => objection,
        Err(errors) => {
            tx.rollback().await?;
            let feedback = Feedback { objection: Some(form), objection_errors: errors, ..Feedback::default() };
            return page(&state, &chrome, &actor, id, feedback).await;
        }
    };
    let by = By { account: actor.account_id, name: &actor.display_name };
    store::record_objection(&mut tx, &audit, &project, &objection, &by).await?;
    let url = format!("/projects/{id}/approval");
    crate::web::once::finish(&mut tx, actor.account_id, &token, &url).await?;
    tx.commit().await?;
    Ok(flash::redirect_with(&format!("{url}#objections"), Flash::ObjectionRecorded))
}

/// 答复异议: upheld, it reverses the approval in the same transaction.
async fn answer(
    State(state): State<AppState>,
    actor: Actor,
    chrome: Chrome,
    audit: AuditContext,
    Path((id, objection)): Path<(ProjectId, ObjectionId)>,
    Form(form): Form<AnswerForm>,
) -> Result<Response, AppError> {
    let token = FormToken::parse(&form.form_token)?;
    let mut tx = db::begin(&state.pool, actor.db()).await?;
    let project = match publicity_step(&mut tx, &actor, id, &token).await? {
        Opened::Project(project) => project,
        Opened::Before(url) => return Ok(flash::redirect(&url)),
        Opened::Refused(problem) => {
            tx.rollback().await?;
            return page(&state, &chrome, &actor, id, Feedback { problem: Some(problem), ..Feedback::default() }).await;
        }
    };
    let (answer, upheld) = match form.parse() {
        Ok(parsed) => parsed,
        Err(message) => {
            tx.rollback().await?;
            let feedback = Feedback { answer_error: Some((objection.to_string(), message)), ..Feedback::default() };
            return page(&state, &chrome, &actor, id, feedback).await;
        }
    };
    let by = By { account: actor.account_id, name: &actor.display_name };
    store::answer_objection(&mut tx, &audit, &project, objection, (&answer, upheld), &by).await?;
    if !upheld {
        let url = format!("/projects/{id}/approval");
        crate::web::once::finish(&mut tx, actor.account_id, &token, &url).await?;
        tx.commit().await?;
        return Ok(flash::redirect_with(&format!("{url}#objections"), Flash::ObjectionAnswered));
    }
    // The token was claimed above: the transition records its outcome with it.
    let step = Step {
        by,
        token: &token,
        action: ProjectAction::UpholdObjection,
        comment: &answer,
        url: format!("/projects/{id}/approval"),
    };
    let result = crate::projects::store::take_locked(&mut tx, &audit, &project, actor.role, &step).await;
    match refused(result)? {
        Ok(done) => {
            if matches!(done, Done::Now(_)) {
                let by = By { account: actor.account_id, name: &actor.display_name };
                crate::fee::release(&mut tx, &project, "异议成立，撤销立项", &by).await?;
            }
            tx.commit().await?;
            Ok(redirect(done, Flash::ApprovalReversed))
        }
        Err(problem) => {
            tx.rollback().await?;
            page(&state, &chrome, &actor, id, Feedback { problem: Some(problem), ..Feedback::default() }).await
        }
    }
}

/// 公示期满: after the last day, with every objection answered.
async fn close(
    State(state): State<AppState>,
    actor: Actor,
    chrome: Chrome,
    audit: AuditContext,
    Path(id): Path<ProjectId>,
    Form(form): Form<step::TransitionForm>,
) -> Result<Response, AppError> {
    let token = FormToken::parse(&form.form_token)?;
    let mut tx = db::begin(&state.pool, actor.db()).await?;
    let project = match publicity_step(&mut tx, &actor, id, &token).await? {
        Opened::Project(project) => project,
        Opened::Before(url) => return Ok(flash::redirect(&url)),
        Opened::Refused(problem) => {
            tx.rollback().await?;
            return page(&state, &chrome, &actor, id, Feedback { problem: Some(problem), ..Feedback::default() }).await;
        }
    };
    let open = store::objections_of(&mut tx, project.region.id, id).await?.iter().filter(|o| o.is_open()).count();
    let ends_on = project.publicity_ends_on.unwrap_or_default();
    if let Some(problem) = close_refusal(time::today(), ends_on, open) {
        tx.rollback().await?;
        return page(&state, &chrome, &actor, id, Feedback { problem: Some(problem), ..Feedback::default() }).await;
    }
    let by = By { account: actor.account_id, name: &actor.display_name };
    let step = Step {
        by,
        token: &token,
        action: ProjectAction::ClosePublicity,
        comment: "",
        url: format!("/projects/{id}/approval"),
    };
    match refused(crate::projects::store::take_locked(&mut tx, &audit, &project, actor.role, &step).await)? {
        Ok(done) => {
            tx.commit().await?;
            Ok(redirect(done, Flash::PublicityClosed))
        }
        Err(problem) => {
            tx.rollback().await?;
            page(&state, &chrome, &actor, id, Feedback { problem: Some(problem), ..Feedback::default() }).await
        }
    }
}

/// 备案 or 退回重新审定, by the province.
async fn file(
    State(state): State<AppState>,
    actor: Actor,
    chrome: Chrome,
    audit: AuditContext,
    Path(id): Path<ProjectId>,
    Form(form): Form<step::TransitionForm>,
) -> Result<Response, AppError> {
    let (action, token) = form.parse::<ProjectAction>()?;
    if !matches!(action, ProjectAction::File | ProjectAction::ReturnFiling) {
        return Err(AppError::Refused("请选择备案或退回重新审定。".into()));
    }
    let by = By { account: actor.account_id, name: &actor.display_name };
    let step =
        Step { by, token: &token, action, comment: form.comment.trim(), url: format!("/projects/{id}/approval") };
    let mut tx = db::begin(&state.pool, actor.db()).await?;
    let result = crate::projects::store::take(&mut tx, &audit, id, actor.role, &step).await.map_err(|e| match e {
        TransitionError::Refused(Refusal::SameActor) => {
            TransitionError::Incomplete(vec!["备案须由作出立项决定以外的另一位工作人员办理。".to_string().into()])
        }
        other => other,
    });
    match refused(result)? {
        Ok(done) => {
            if action == ProjectAction::ReturnFiling && matches!(done, Done::Now(_)) {
                let project = crate::projects::store::find(&mut tx, id, false).await?.ok_or(AppError::NotFound)?;
                let by = By { account: actor.account_id, name: &actor.display_name };
                crate::fee::release(&mut tx, &project, "省级退回重新审定", &by).await?;
            }
            tx.commit().await?;
            let flash = if action == ProjectAction::File { Flash::ProjectFiled } else { Flash::FilingReturned };
            Ok(redirect(done, flash))
        }
        Err(problem) => {
            tx.rollback().await?;
            page(&state, &chrome, &actor, id, Feedback { problem: Some(problem), ..Feedback::default() }).await
        }
    }
}
