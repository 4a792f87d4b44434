//! Payments (拨付) of the fee to a project by the region's agency (经办机构依据经费批复执行):
//! advances and interim payments while it is under way, the final payment after its acceptance
//! passed, which settles and archives it (结算归档) and releases what it held beyond what was
//! paid. The sum paid never exceeds what the project holds of the budgets; the project's row is
//! locked while a payment is recorded. Each payment prints as 工伤预防项目资金拨付单 with its
//! amount in 大写.

use askama::Template;
use axum::Router;
use axum::extract::{Path, State};
use axum::response::Response;
use axum::routing::get;
use axum_extra::extract::Form;
use rust_decimal::Decimal;
use sqlx::PgConnection;

use super::model::{PaymentContext, PaymentForm, PaymentStage};
use super::store::{self, Payment};
use crate::audit::AuditContext;
use crate::auth::Actor;
use crate::db;
use crate::error::AppError;
use crate::org::Role;
use crate::projects::model::{Project, ProjectAction, ProjectId, ProjectStatus, readable};
use crate::projects::store::{self as projects, Step};
use crate::state::AppState;
use crate::values::{Money, time};
use crate::web::flash::{self, Flash};
use crate::web::form::{Choice, FieldErrors};
use crate::web::layout::{Chrome, Crumb, Layout};
use crate::web::once::{self, Claim, FormToken};
use crate::web::print::{PrintDoc, official_date};
use crate::web::render;
use crate::workflow::{By, Done, step};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/projects/{id}/payments", get(show).post(pay))
        .route("/projects/{id}/payments/{payment}/print", get(print))
}

/// A project's money as its payments page reads it.
pub struct Paid {
    pub project: Project,
    pub held: Decimal,
    pub payments: Vec<Payment>,
}

impl Paid {
    pub fn paid(&self) -> Decimal {
        self.payments.iter().map(|p| p.amount).sum()
    }

    pub fn settled(&self) -> bool {
        self.payments.iter().any(|p| p.stage == PaymentStage::Final)
    }
}

/// The signed project (partner departments: approved ones, which these all are), what it
/// holds of the budgets and its payments.
async fn read(tx: &mut PgConnection, actor: &Actor, id: ProjectId, lock: bool) -> Result<Paid, AppError> {
    let project = projects::find(tx, id, lock).await?.filter(|p| readable(actor, p)).ok_or(AppError::NotFound)?;
    if !project.status.after_signing() {
        return Err(AppError::Refused(format!("项目{}，签订协议后才拨付资金。", project.status.label()).into()));
    }
    let held = store::held_by(tx, project.region.id, id).await?.iter().map(|h| h.3).sum();
    let payments = store::payments_of(tx, project.region.id, id).await?;
    Ok(Paid { project, held, payments })
}

fn may_pay(actor: &Actor, project: &Project) -> bool {
    actor.role == Role::AgencyOfficer && actor.region.as_ref().is_some_and(|r| r.id == project.region.id)
}

fn yuan(d: Decimal) -> String {
    Money::from_yuan(d).map(Money::show_yuan).unwrap_or_else(|_| d.to_string())
}

pub struct PaymentRow {
    pub id: i64,
    pub paid_on: String,
    pub stage: &'static str,
    pub amount: String,
    pub voucher: String,
    pub by: String,
}

#[derive(Template)]
#[template(path = "fee/payments.html")]
pub struct PaymentsPage {
    pub layout: Layout,
    pub project: Project,
    pub held: String,
    pub paid: String,
    pub left: String,
    pub rows: Vec<PaymentRow>,
    pub may_pay: bool,
    pub stages: Vec<Choice>,
    pub form: PaymentForm,
    pub errors: FieldErrors,
    pub form_token: String,
}

impl PaymentsPage {
    fn new(chrome: &Chrome, actor: &Actor, p: Paid, form: Option<PaymentForm>, errors: FieldErrors) -> PaymentsPage {
        let (held, paid) = (p.held, p.paid());
        let may = may_pay(actor, &p.project) && !p.settled();
        PaymentsPage {
            layout: chrome.layout(
                "资金拨付",
                vec![
                    Crumb::link("项目申报", "/projects"),
                    Crumb::link(p.project.title(), format!("/projects/{}", p.project.id)),
                    Crumb::here("资金拨付"),
                ],
            ),
            held: yuan(held),
            paid: yuan(paid),
            left: yuan(held - paid),
            rows: p
                .payments
                .iter()
                .map(|x| PaymentRow {
                    id: x.id,
                    paid_on: x.paid_on.to_string(),
                    stage: x.stage.label(),
                    amount: yuan(x.amount),
                    voucher: x.voucher.clone(),
                    by: format!("{} {}", x.recorded_by_name, time::minutes(&x.recorded_at)),
                })
                .collect(),
            may_pay: may,
            stages: PaymentStage::ALL.iter().map(|s| Choice::new(s.as_str(), s.label())).collect(),
            form: form.unwrap_or_else(|| PaymentForm { paid_on: time::today().to_string(), ..PaymentForm::default() }),
            errors,
            form_token: once::new_token(),
            project: p.project,
        }
    }
}

/// 资金拨付.
async fn show(
    State(state): State<AppState>,
    actor: Actor,
    chrome: Chrome,
    Path(id): Path<ProjectId>,
) -> Result<Response, AppError> {
    let mut tx = db::begin(&state.pool, actor.db()).await?;
    let paid = read(&mut tx, &actor, id, false).await?;
    tx.commit().await?;
    render(PaymentsPage::new(&chrome, &actor, paid, None, FieldErrors::default()))
}

/// 记录拨付: under the project's lock; the final payment settles the project and releases what
/// it held beyond what was paid, in the same transaction.
async fn pay(
    State(state): State<AppState>,
    actor: Actor,
    chrome: Chrome,
    audit: AuditContext,
    Path(id): Path<ProjectId>,
    Form(form): Form<PaymentForm>,
) -> Result<Response, AppError> {
    let token = FormToken::parse(&form.form_token)?;
    let mut tx = db::begin(&state.pool, actor.db()).await?;
    if let Claim::Used(url) = once::claim(&mut tx, actor.account_id, &token).await? {
        return Ok(flash::redirect(&url));
    }
    let paid = read(&mut tx, &actor, id, true).await?;
    if !may_pay(&actor, &paid.project) {
        return Err(AppError::Forbidden);
    }
    let context = PaymentContext {
        status: paid.project.status,
        held: paid.held,
        paid: paid.paid(),
        settled: paid.settled(),
        today: time::today(),
    };
    let input = match form.parse(&context) {
        Ok(input) => input,
        Err(errors) => {
            tx.rollback().await?;
            return render(PaymentsPage::new(&chrome, &actor, paid, Some(form), errors));
        }
    };
    let by = By { account: actor.account_id, name: &actor.display_name };
    match store::record_payment(&mut tx, &audit, paid.project.region.id, id, &input, &by).await {
        Ok(_) => {}
        Err(e) if e.is_duplicate("fee_payments_voucher_key") => {
            tx.rollback().await?;
            let mut errors = FieldErrors::default();
            errors.add("voucher", "本地区已有相同凭证号的拨付记录，请核对凭证号。");
            return render(PaymentsPage::new(&chrome, &actor, paid, Some(form), errors));
        }
        Err(e) => return Err(e.into()),
    }
    let url = format!("/projects/{id}/payments");
    if input.stage != PaymentStage::Final {
        once::finish(&mut tx, actor.account_id, &token, &url).await?;
        tx.commit().await?;
        return Ok(flash::redirect_with(&url, Flash::PaymentRecorded));
    }
    let comment = format!("尾款 {} 元，累计拨付 {} 元", yuan(input.amount), yuan(paid.paid() + input.amount));
    let step = Step { by, token: &token, action: ProjectAction::Settle, comment: &comment, url };
    match step::outcome(projects::take_locked(&mut tx, &audit, &paid.project, actor.role, &step).await)? {
        Ok(done) => {
            let by = By { account: actor.account_id, name: &actor.display_name };
            super::release(&mut tx, &paid.project, "结算：核定安排未拨付部分", &by).await?;
            tx.commit().await?;
            Ok(match done {
                Done::Now(url) => flash::redirect_with(&url, Flash::ProjectSettled),
                Done::Before(url) => flash::redirect(&url),
            })
        }
        Err(problems) => {
            tx.rollback().await?;
            let mut errors = FieldErrors::default();
            errors.add_owned("stage", problems.into_iter().map(|p| p.message).collect::<Vec<_>>().join("；"));
            let mut tx = db::begin(&state.pool, actor.db()).await?;
            let paid = read(&mut tx, &actor, id, false).await?;
            tx.commit().await?;
            render(PaymentsPage::new(&chrome, &actor, paid, Some(form), errors))
        }
    }
}

/// 工伤预防项目资金拨付单.
#[derive(Template)]
#[template(path = "fee/payment_print.html")]
pub struct PrintPage {
    pub doc: PrintDoc,
    pub project: Project,
    pub applicant: String,
    pub payment: PaymentRow,
    pub capitals: String,
    pub paid: String,
    pub held: String,
}

async fn print(
    State(state): State<AppState>,
    actor: Actor,
    Path((id, payment)): Path<(ProjectId, i64)>,
) -> Result<Response, AppError> {
    let mut tx = db::begin(&state.pool, actor.db()).await?;
    let paid = read(&mut tx, &actor, id, false).await?;
    tx.commit().await?;
    let p = paid.payments.iter().find(|p| p.id == payment).ok_or(AppError::NotFound)?;
    let so_far: Decimal =
        paid.payments.iter().take_while(|x| x.id != payment).map(|x| x.amount).sum::<Decimal>() + p.amount;
    let project = paid.project.clone();
    render(PrintPage {
        doc: PrintDoc {
            title: "工伤预防项目资金拨付单".into(),
            document_number: p.voucher.clone(),
            back: format!("/projects/{id}/payments"),
            date: official_date(p.paid_on),
            issuer: format!("{}社会保险经办机构", project.region.name),
            seals: vec!["经办人签字".into(), "复核人签字".into(), "经办机构（盖章）".into()],
            mark: if project.status == ProjectStatus::Terminated { "项目已终止".into() } else { String::new() },
            ..PrintDoc::default()
        },
        applicant: project.applicant_name(),
        capitals: Money::from_yuan(p.amount).map(Money::capitals).unwrap_or_default(),
        paid: yuan(so_far),
        held: yuan(paid.held),
        payment: PaymentRow {
            id: p.id,
            paid_on: p.paid_on.to_string(),
            stage: p.stage.label(),
            amount: yuan(p.amount),
            voucher: p.voucher.clone(),
            by: p.recorded_by_name.clone(),
        },
        project,
    })
}
