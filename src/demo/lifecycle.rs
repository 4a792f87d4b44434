//! Demo whole life: 沈阳's 2026 round (opened in February) and four of its projects carried on
//! through the shared steps, each dated back to when it happened: scored by a drawn panel,
//! decided, publicised, filed by the province, then
//! - 危险化学品: signed, reported on, completed, accepted, paid in three stages by the agency and
//!   settled (已结算归档, what it held beyond the payments released);
//! - 机械伤害: signed, completed, failed its acceptance and rectifying by January (整改中);
//! - 矿山: signed and under way, its last report in August and a milestone overdue (on the
//!   supervision list);
//! - 小微企业宣传 (a procurement project): decided in November and filed, its agreement entered
//!   but not yet signed.

use anyhow::Context;
use chrono::{DateTime, NaiveDate, Utc};
use rust_decimal::Decimal;
use sqlx::{PgConnection, PgPool};

use super::demo_context;
use super::plans::{account, shanghai};
use super::projects::{APPLICATIONS, Application, ORGS, RoundStory, Step as AppStep, seed_application, seed_round};
use super::reviews::{COMPLETE, Story, member_account, sheet};
use crate::acceptance::model::{ACCEPTANCE_REPORT, COMPLETION_REPORT, CompletionInput, Rectification, verdict};
use crate::agreements::model::{AgreementInput, SIGNED_AGREEMENT};
use crate::applicants::model::ApplicantId;
use crate::approvals::model::Approval;
use crate::attachments::{AttachmentKind, samples, upload::Received};
use crate::auth::password;
use crate::db::{self, DbActor, Scope};
use crate::fee::model::{PaymentInput, PaymentStage};
use crate::org::{AccountId, Role};
use crate::progress::model::{NewReport, Spent};
use crate::projects::model::{Achieved, PanelStage, Project, ProjectAction, ProjectId};
use crate::projects::store::Step;
use crate::reviews::model::{Recommendation, Score, SheetInput};
use crate::reviews::store::{self as sheets, SheetKey};
use crate::values::Version;
use crate::web::once::{FormToken, new_token};
use crate::workflow::By;

const PROVINCE: DbActor = DbActor { scope: Scope::Province, account_id: None };

const ROUND: RoundStory = RoundStory {
    year: 2026,
    region: "210100",
    keeper: "demo_sy_hrss",
    title: "2026年度工伤预防项目申报",
    opens_on: "2026-02-16",
    closes_on: "2026-03-31",
    created: "2026-02-05 09:00",
    industries: &["province:mining", "province:hazardous_chemicals", "province:construction", "province:machinery"],
    target_groups: "重点行业企业主要负责人、安全管理人员、一线班组长",
    guide: "面向本市矿山、危险化学品、建筑施工、机械制造等重点行业企业开展的工伤预防宣传、培训项目，项目周期原则上为 1 年。",
};

/// What became of an application.
#[derive(Clone, Copy, PartialEq, Eq)]
enum End {
    Accepted,
    Rectifying,
    UnderWay,
    AgreementEntered,
}

/// One application's life: the 2027 application it resembles (an index into `APPLICATIONS`),
/// its own name and period, milestones, when it was entered, submitted and passed, the day the
/// decision opened and what became of it.
struct Life {
    like: usize,
    name: &'static str,
    milestones: &'static [(&'static str, &'static str)],
    entered: &'static str,
    /// Submitted by 王芳, passed by 陈静.
    steps: &'static [AppStep],
    /// The review's draw; sheets follow over the next days, the decision a week after.
    review_on: &'static str,
    end: End,
}

const LIVES: &[Life] = &[
    Life {
        like: 4,
        name: "2026年危险化学品企业一线员工工伤预防培训",
        milestones: &[("2026-07-31", "完成前 6 期培训"), ("2026-10-15", "完成全部培训并评估效果")],
        entered: "2026-03-02 09:30",
        steps: &[
            AppStep::Submit("demo_sy_hrss", "2026-03-10 15:00"),
            AppStep::Pass("demo_sy_hrss_2", "2026-03-16 10:20", "材料齐全，符合本批次重点领域，同意提交专家评审。"),
        ],
        review_on: "2026-04-08",
        end: End::Accepted,
    },
    Life {
        like: 1,
        name: "2026年机械制造企业机械伤害预防培训",
        milestones: &[("2026-07-31", "完成起重、冲压专题培训"), ("2026-10-15", "完成全部培训")],
        entered: "2026-03-04 14:00",
        steps: &[
            AppStep::Submit("demo_sy_hrss", "2026-03-12 11:30"),
            AppStep::Pass("demo_sy_hrss_2", "2026-03-17 09:40", "材料齐全，符合本批次重点领域，同意提交专家评审。"),
        ],
        review_on: "2026-04-09",
        end: End::Rectifying,
    },
    Life {
        like: 0,
        name: "2026年矿山井下作业人员工伤预防培训",
        milestones: &[("2026-08-31", "完成第一阶段培训"), ("2026-11-15", "完成全部培训")],
        entered: "2026-03-05 10:10",
        steps: &[
            AppStep::Submit("demo_sy_hrss", "2026-03-13 16:20"),
            AppStep::Pass("demo_sy_hrss_2", "2026-03-18 14:00", "材料齐全，符合本批次重点领域，同意提交专家评审。"),
        ],
        review_on: "2026-04-10",
        end: End::UnderWay,
    },
    Life {
        like: 5,
        name: "2026年小微企业工伤预防宣传进园区（政府采购）",
        milestones: &[("2027-01-31", "完成政府采购"), ("2027-04-15", "完成全部宣传活动")],
        entered: "2026-03-20 09:00",
        steps: &[
            AppStep::Submit("demo_sy_hrss", "2026-03-27 10:00"),
            AppStep::Pass("demo_sy_hrss_2", "2026-03-30 15:30", "材料齐全，符合本批次重点领域，同意提交专家评审。"),
        ],
        review_on: "2026-10-19",
        end: End::AgreementEntered,
    },
];

/// An acceptance sheet of the demo: four scores (目标完成情况 40, 资金使用 30, 档案资料 15, 社会效益 15).
struct Accepting {
    scores: [&'static str; 4],
    recommendation: Recommendation,
    opinion: &'static str,
}

const PASSING: [Accepting; 5] = [
    Accepting {
        scores: ["36", "26", "13", "13"],
        recommendation: Recommendation::Approve,
        opinion: "培训任务全部完成，资金使用规范，档案齐全，同意通过验收。",
    },
    Accepting {
        scores: ["35", "25", "12", "13"],
        recommendation: Recommendation::Approve,
        opinion: "绩效目标均已达到，参训企业反馈良好，同意通过验收。",
    },
    Accepting {
        scores: ["34", "27", "13", "12"],
        recommendation: Recommendation::Approve,
        opinion: "项目实施规范，建议总结经验在全市推广。",
    },
    Accepting {
        scores: ["33", "24", "12", "12"],
        recommendation: Recommendation::Revise,
        opinion: "个别培训班签到表不完整，建议补齐后归档。",
    },
    Accepting {
        scores: ["36", "25", "14", "13"], recommendation: Recommendation::Approve, opinion: "同意通过验收。"
    },
];

const FAILING: [Accepting; 5] = [
    Accepting {
        scores: ["26", "18", "8", "9"],
        recommendation: Recommendation::Revise,
        opinion: "培训人次未达到目标，部分培训班无影像资料，建议整改后复验。",
    },
    Accepting {
        scores: ["22", "16", "7", "8"],
        recommendation: Recommendation::Disapprove,
        opinion: "考核合格率低于目标值，资金支出中有两笔场地费缺少合同，不同意通过验收。",
    },
    Accepting {
        scores: ["25", "18", "9", "9"],
        recommendation: Recommendation::Revise,
        opinion: "完成情况基本属实，但档案资料不完整。",
    },
    Accepting {
        scores: ["21", "15", "7", "8"],
        recommendation: Recommendation::Disapprove,
        opinion: "绩效目标未完成，不同意通过验收。",
    },
    Accepting {
        scores: ["27", "19", "9", "10"],
        recommendation: Recommendation::Revise,
        opinion: "建议补充培训效果评估后复验。",
    },
];

fn at(text: &str) -> anyhow::Result<DateTime<Utc>> {
    shanghai(text)
}

fn day(text: &str) -> anyhow::Result<NaiveDate> {
    NaiveDate::parse_from_str(text, "%Y-%m-%d").context("演示日期")
}

fn token() -> anyhow::Result<FormToken> {
    Ok(FormToken::parse(&new_token())?)
}

pub async fn seed(owner: &PgPool) -> anyhow::Result<()> {
    let round = seed_round(owner, &ROUND).await?;
    let orgs = org_ids(owner).await?;
    for life in LIVES {
        let app = application(life)?;
        seed_application(owner, &app, &round, &ROUND, &orgs).await?;
        let mut tx = db::begin(owner, PROVINCE).await?;
        let id: i64 = sqlx::query_scalar("SELECT id FROM projects WHERE round_id = $1 AND name = $2")
            .bind(round.id.0)
            .bind(life.name)
            .fetch_one(&mut *tx)
            .await?;
        tx.commit().await?;
        live(owner, ProjectId(id), life).await.with_context(|| format!("演示项目“{}”", life.name))?;
    }
    sqlx::query!("INSERT INTO seed_log (entity, key) VALUES ('demo', 'lifecycle')").execute(owner).await?;
    Ok(())
}

/// The applicants of `ORGS`, in its order (seeded by the projects' demo).
async fn org_ids(owner: &PgPool) -> anyhow::Result<Vec<ApplicantId>> {
    let mut tx = db::begin(owner, PROVINCE).await?;
    let mut ids = Vec::new();
    for org in ORGS {
        let id: i64 = sqlx::query_scalar("SELECT id FROM applicants WHERE name = $1 ORDER BY id LIMIT 1")
            .bind(org.name)
            .fetch_one(&mut *tx)
            .await
            .context("演示申报单位")?;
        ids.push(ApplicantId(id));
    }
    tx.commit().await?;
    Ok(ids)
}

/// The 2027 application `life` resembles, as this earlier one: its name, a 2026 period, its
/// milestones, entered, submitted and passed in the 2026 round's window.
fn application(life: &Life) -> anyhow::Result<Application> {
    let like = *APPLICATIONS.get(life.like).context("演示申报")?;
    Ok(Application {
        name: life.name,
        entered: life.entered,
        starts_on: "2026-05-20",
        ends_on: if life.end == End::AgreementEntered { "2027-04-30" } else { "2026-12-31" },
        milestones: life.milestones,
        documents: true,
        steps: life.steps,
        ..like
    })
}

/// The city officers, the province's, in the province's scope for the demo.
struct Cast {
    city: (AccountId, String),
    province: (AccountId, String),
    hash: String,
}

async fn live(owner: &PgPool, id: ProjectId, life: &Life) -> anyhow::Result<()> {
    let cast = Cast {
        city: account(owner, "demo_sy_hrss").await?,
        province: account(owner, "demo_province").await?,
        hash: password::hash(super::DEMO_PASSWORD.to_string()).await?,
    };
    let review = day(life.review_on)?;
    review_panel(owner, &cast, id, review).await?;
    let decided = review + chrono::Duration::days(14);
    approve(owner, &cast, id, decided).await?;
    let closed = decided + chrono::Duration::days(7);
    take(owner, id, &cast.city, Role::CityOfficer, ProjectAction::ClosePublicity, "", closed).await?;
    let filed = closed + chrono::Duration::days(9);
    take(owner, id, &cast.province, Role::ProvinceOfficer, ProjectAction::File, "", filed).await?;
    let signed = filed + chrono::Duration::days(7);
    agreement(owner, &cast, id, signed, life.end != End::AgreementEntered).await?;
    if life.end != End::AgreementEntered {
        pay(owner, id, signed + chrono::Duration::days(10), 30, PaymentStage::Advance).await?;
    }
    match life.end {
        End::AgreementEntered => return Ok(()),
        End::UnderWay => {
            report(owner, &cast, id, "2026-06-30", 30, 1, "第一期至第三期培训已完成。").await?;
            report(owner, &cast, id, "2026-08-31", 55, 1, "第一阶段培训完成，第二阶段因井下检修推迟。").await?;
            return Ok(());
        }
        End::Accepted | End::Rectifying => {
            report(owner, &cast, id, "2026-06-30", 40, 0, "前三期培训已完成，参训 420 人次。").await?;
            report(owner, &cast, id, "2026-08-31", 75, 1, "前 6 期培训完成，开展效果问卷。").await?;
            report(owner, &cast, id, "2026-10-15", 100, 2, "全部培训完成，正在整理档案资料。").await?;
            pay(owner, id, day("2026-09-10")?, 40, PaymentStage::Interim).await?;
        }
    }
    let passed = life.end == End::Accepted;
    complete(owner, &cast, id, day(if passed { "2026-10-20" } else { "2026-10-22" })?, passed).await?;
    let stories = if passed { &PASSING } else { &FAILING };
    accept(owner, &cast, id, day(if passed { "2026-10-26" } else { "2026-10-28" })?, stories).await?;
    if passed {
        // The final payment a little below the rest: settled, the difference released.
        pay(owner, id, day("2026-11-18")?, 25, PaymentStage::Final).await?;
    }
    Ok(())
}

/// The agency's payment of `percent` of what the project holds, on `on` (voucher numbered by
/// project and stage); the final one settles the project and releases the rest, as the page does.
async fn pay(owner: &PgPool, id: ProjectId, on: NaiveDate, percent: i64, stage: PaymentStage) -> anyhow::Result<()> {
    let agency = account(owner, "demo_sy_agency").await?;
    let by = By { account: agency.0, name: &agency.1 };
    let mut tx = db::begin(owner, PROVINCE).await?;
    let project = crate::projects::store::find(&mut tx, id, true).await?.context("演示项目")?;
    let held: Decimal = crate::fee::store::held_by(&mut tx, project.region.id, id).await?.iter().map(|h| h.3).sum();
    let input = PaymentInput {
        paid_on: on,
        amount: (held * Decimal::from(percent) / Decimal::from(100)).round_dp(2),
        voucher: format!("沈经拨〔2026〕{}号", id.0 * 10 + stage as i64),
        stage,
    };
    crate::fee::store::record_payment(&mut tx, &demo_context(), project.region.id, id, &input, &by).await?;
    let when = at(&format!("{on} 14:00"))?;
    sqlx::query("UPDATE fee_payments SET recorded_at = $2 WHERE project_id = $1 AND stage = $3")
        .bind(id.0)
        .bind(when)
        .bind(stage.as_str())
        .execute(&mut *tx)
        .await?;
    if stage == PaymentStage::Final {
        let token = token()?;
        let comment = format!("尾款 {} 元", crate::values::Money::from_yuan(input.amount)?.show_yuan());
        let step = Step {
            by: by.clone(),
            token: &token,
            action: ProjectAction::Settle,
            comment: &comment,
            url: String::new(),
        };
        crate::projects::store::take_locked(&mut tx, &demo_context(), &project, Role::AgencyOfficer, &step)
            .await
            .map_err(failed)?;
        backdate(&mut tx, id, ProjectAction::Settle.as_str(), when).await?;
        crate::fee::release(&mut tx, &project, "结算：核定安排未拨付部分", &by).await?;
        sqlx::query("UPDATE fee_entries SET created_at = $2 WHERE project_id = $1 AND kind = 'release'")
            .bind(id.0)
            .bind(when)
            .execute(&mut *tx)
            .await?;
    }
    tx.commit().await?;
    Ok(())
}

/// Dates the latest history entry of `action` on `id` back to `when` (and the project's time).
async fn backdate(tx: &mut PgConnection, id: ProjectId, action: &str, when: DateTime<Utc>) -> anyhow::Result<()> {
    sqlx::query(
        "UPDATE workflow_history SET occurred_at = $3
         WHERE id = (SELECT max(id) FROM workflow_history WHERE record_kind = 'project' AND record_id = $1 AND action = $2)",
    )
    .bind(id.0)
    .bind(action)
    .bind(when)
    .execute(&mut *tx)
    .await?;
    sqlx::query("UPDATE projects SET updated_at = $2, decided_at = $2 WHERE id = $1")
        .bind(id.0)
        .bind(when)
        .execute(&mut *tx)
        .await?;
    Ok(())
}

/// A document of `kind` for `project`, uploaded by `by` at `when`.
async fn attach(
    tx: &mut PgConnection,
    project: &Project,
    kind: AttachmentKind,
    by: &(AccountId, String),
    when: DateTime<Utc>,
) -> anyhow::Result<()> {
    let ctx = demo_context();
    let uploader = crate::attachments::store::Actor { ctx: &ctx, account: by.0, name: &by.1 };
    let title = format!("{}—{}", project.title(), kind.label);
    let pdf = samples::document(&[title.as_str(), "（演示文件）"]);
    let file = Received::from_bytes(kind, &format!("{}.pdf", kind.label), &pdf).map_err(|e| anyhow::anyhow!("{e}"))?;
    let file =
        crate::attachments::store::attach(tx, &project.owner(), project.status.as_str(), file, &uploader).await?;
    sqlx::query("UPDATE attachments SET uploaded_at = $2 WHERE id = $1")
        .bind(file.0)
        .bind(when)
        .execute(&mut *tx)
        .await?;
    backdate_history_only(tx, project.id, "attach", when).await
}

async fn backdate_history_only(
    tx: &mut PgConnection,
    id: ProjectId,
    action: &str,
    when: DateTime<Utc>,
) -> anyhow::Result<()> {
    sqlx::query(
        "UPDATE workflow_history SET occurred_at = $3
         WHERE id = (SELECT max(id) FROM workflow_history WHERE record_kind = 'project' AND record_id = $1 AND action = $2)",
    )
    .bind(id.0)
    .bind(action)
    .bind(when)
    .execute(&mut *tx)
    .await?;
    Ok(())
}

fn failed(e: crate::workflow::TransitionError) -> anyhow::Error {
    anyhow::anyhow!("演示流转失败：{e:?}")
}

/// A step that needs nothing but its opinion, taken by `who` and dated to 10:00 on `on`.
async fn take(
    owner: &PgPool,
    id: ProjectId,
    who: &(AccountId, String),
    role: Role,
    action: ProjectAction,
    comment: &str,
    on: NaiveDate,
) -> anyhow::Result<()> {
    let mut tx = db::begin(owner, PROVINCE).await?;
    let token = token()?;
    let step = Step { by: By { account: who.0, name: &who.1 }, token: &token, action, comment, url: String::new() };
    crate::projects::store::take(&mut tx, &demo_context(), id, role, &step).await.map_err(failed)?;
    backdate(&mut tx, id, action.as_str(), at(&format!("{on} 10:00"))?).await?;
    tx.commit().await?;
    Ok(())
}

/// Draws the panel of `stage` on `on` and has its members submit `stories` over the next days
/// (sheets on the stage's criteria, in order); answers the sitting members.
async fn panel_scores(
    tx: &mut PgConnection,
    cast: &Cast,
    project: &Project,
    stage: PanelStage,
    on: NaiveDate,
    sheets_of: &dyn Fn(usize) -> anyhow::Result<SheetInput>,
) -> anyhow::Result<Vec<i64>> {
    let by = By { account: cast.city.0, name: &cast.city.1 };
    crate::projects::panel::draw_for(tx, &demo_context(), project, stage, &by, None, on)
        .await
        .map_err(|e| anyhow::anyhow!("演示抽取失败：{e:?}"))?
        .map_err(|too_few| anyhow::anyhow!("演示抽取失败：{}", too_few.message()))?;
    let drawn = at(&format!("{on} 09:30"))?;
    sqlx::query("UPDATE expert_draws SET drawn_at = $3 WHERE project_id = $1 AND stage = $2")
        .bind(project.id.0)
        .bind(stage.as_str())
        .bind(drawn)
        .execute(&mut *tx)
        .await?;
    let members: Vec<i64> = sqlx::query_scalar(
        "SELECT expert_id FROM panel_members WHERE project_id = $1 AND stage = $2 AND replaced_by IS NULL ORDER BY expert_id",
    )
    .bind(project.id.0)
    .bind(stage.as_str())
    .fetch_all(&mut *tx)
    .await?;
    let region = project.region.id;
    for (n, expert) in members.iter().enumerate() {
        let account = member_account(tx, region, *expert, &cast.hash).await?;
        let key = SheetKey { region, project: project.id, stage, expert: *expert };
        // Saved whole as a draft, then submitted on its day (a submitted sheet never changes,
        // so the day is set as it is submitted).
        let mut input = sheets_of(n)?;
        input.submit = false;
        sheets::save(tx, &demo_context(), key, Version(0), &input, account).await?;
        let when = drawn + chrono::Duration::days(2 + n as i64) + chrono::Duration::hours(n as i64);
        sqlx::query(
            "UPDATE review_sheets SET saved_at = $4, submitted_at = $4, submitted_by = $5, version = version + 1
             WHERE project_id = $1 AND stage = $2 AND expert_id = $3",
        )
        .bind(project.id.0)
        .bind(stage.as_str())
        .bind(*expert)
        .bind(when)
        .bind(account.0)
        .execute(&mut *tx)
        .await?;
    }
    Ok(members)
}

async fn review_panel(owner: &PgPool, cast: &Cast, id: ProjectId, on: NaiveDate) -> anyhow::Result<()> {
    let mut tx = db::begin(owner, PROVINCE).await?;
    let project = crate::projects::store::find(&mut tx, id, true).await?.context("演示项目")?;
    let criteria: Vec<i64> = sqlx::query_scalar("SELECT id FROM round_criteria WHERE round_id = $1 ORDER BY position")
        .bind(project.round_id.0)
        .fetch_all(&mut *tx)
        .await?;
    let stories: &[Story; 5] = &COMPLETE;
    let members = panel_scores(&mut tx, cast, &project, PanelStage::Review, on, &|n| {
        sheet(&criteria, &stories[n % stories.len()], true)
    })
    .await?;
    let last = *members.last().context("演示专家组")?;
    let account = member_account(&mut tx, project.region.id, last, &cast.hash).await?;
    let name: String = sqlx::query_scalar("SELECT display_name FROM accounts WHERE id = $1")
        .bind(account.0)
        .fetch_one(&mut *tx)
        .await?;
    let token = token()?;
    crate::projects::store::conclude_review(&mut tx, &demo_context(), id, &By { account, name: &name }, &token)
        .await
        .map_err(failed)?;
    let concluded = at(&format!("{} 17:00", on + chrono::Duration::days(2 + members.len() as i64)))?;
    backdate(&mut tx, id, ProjectAction::Conclude.as_str(), concluded).await?;
    tx.commit().await?;
    Ok(())
}

async fn approve(owner: &PgPool, cast: &Cast, id: ProjectId, on: NaiveDate) -> anyhow::Result<()> {
    let mut tx = db::begin(owner, PROVINCE).await?;
    let project = crate::projects::store::find(&mut tx, id, false).await?.context("演示项目")?;
    let years: Vec<(i16, Decimal)> = project.totals().by_year.iter().map(|(y, m)| (*y, m.yuan())).collect();
    let approval = Approval {
        total: years.iter().map(|(_, a)| *a).sum(),
        years,
        starts_on: on,
        ends_on: on + chrono::Duration::days(6),
        meeting: None,
        comment: "经局长办公会研究，按申请金额核定。".into(),
    };
    let token = token()?;
    let step = Step {
        by: By { account: cast.city.0, name: &cast.city.1 },
        token: &token,
        action: ProjectAction::Approve,
        comment: &approval.comment,
        url: String::new(),
    };
    crate::approvals::store::approve(&mut tx, &demo_context(), id, Role::CityOfficer, &approval, &step)
        .await
        .map_err(failed)?;
    let when = at(&format!("{on} 15:00"))?;
    backdate(&mut tx, id, ProjectAction::Approve.as_str(), when).await?;
    sqlx::query("UPDATE fee_entries SET created_at = $2 WHERE project_id = $1")
        .bind(id.0)
        .bind(when)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(())
}

async fn agreement(owner: &PgPool, cast: &Cast, id: ProjectId, on: NaiveDate, sign: bool) -> anyhow::Result<()> {
    let mut tx = db::begin(owner, PROVINCE).await?;
    let project = crate::projects::store::find(&mut tx, id, true).await?.context("演示项目")?;
    let input = AgreementInput {
        number: format!("沈人社预协〔2026〕{}号", 10 + id.0 % 90),
        signed_on: on,
        party_a: "沈阳市人力资源和社会保障局".into(),
        party_b: project.applicant_name(),
        amount: project.approved_amount.context("演示核定金额")?.yuan(),
        starts_on: project.starts_on.context("演示实施期")?,
        ends_on: project.ends_on.context("演示实施期")?,
    };
    crate::agreements::store::save(&mut tx, &demo_context(), &project, Version(0), &input, cast.city.0).await?;
    if sign {
        let when = at(&format!("{on} 11:00"))?;
        attach(&mut tx, &project, SIGNED_AGREEMENT, &cast.city, when).await?;
        let comment = format!(
            "协议金额 {} 元（协议编号 {}）",
            crate::values::Money::from_yuan(input.amount)?.show_yuan(),
            input.number
        );
        let token = token()?;
        let step = Step {
            by: By { account: cast.city.0, name: &cast.city.1 },
            token: &token,
            action: ProjectAction::Sign,
            comment: &comment,
            url: String::new(),
        };
        crate::projects::store::take_locked(&mut tx, &demo_context(), &project, Role::CityOfficer, &step)
            .await
            .map_err(failed)?;
        backdate(&mut tx, id, ProjectAction::Sign.as_str(), at(&format!("{on} 11:30"))?).await?;
    }
    tx.commit().await?;
    Ok(())
}

/// A progress report on `on`: `percent` done, the first `milestones` milestones done, spending
/// in proportion on every line.
async fn report(
    owner: &PgPool,
    cast: &Cast,
    id: ProjectId,
    on: &str,
    percent: i16,
    milestones: usize,
    note: &str,
) -> anyhow::Result<()> {
    let mut tx = db::begin(owner, PROVINCE).await?;
    let project = crate::projects::store::find(&mut tx, id, true).await?.context("演示项目")?;
    let share = Decimal::from(percent) / Decimal::from(100);
    let spending: Vec<Spent> = project
        .lines
        .iter()
        .filter_map(|l| l.amount.map(|a| Spent { line: l.id, amount: (a * share).round_dp(2) }))
        .collect();
    let planned = project.planned_count.unwrap_or(600);
    let report = NewReport {
        reported_on: day(on)?,
        percent,
        milestones_done: project.milestones.iter().take(milestones).map(|m| m.id).collect(),
        trained: planned * i32::from(percent) / 100,
        sessions: i32::from(percent) / 8,
        spent: spending.iter().map(|s| s.amount).sum(),
        spending,
        note: note.into(),
    };
    let by = By { account: cast.city.0, name: &cast.city.1 };
    crate::progress::store::record(&mut tx, &demo_context(), &project, &report, &by).await?;
    let when = at(&format!("{on} 16:00"))?;
    sqlx::query("UPDATE project_progress SET created_at = $3 WHERE project_id = $1 AND reported_on = $2")
        .bind(id.0)
        .bind(report.reported_on)
        .bind(when)
        .execute(&mut *tx)
        .await?;
    backdate_history_only(&mut tx, id, crate::workflow::history::REPORT, when).await?;
    tx.commit().await?;
    Ok(())
}

/// The completion on `on`: its report, what was done and each indicator's achieved value (all
/// met when it is to pass; the pass rate and the trainees short of their targets otherwise).
async fn complete(owner: &PgPool, cast: &Cast, id: ProjectId, on: NaiveDate, met: bool) -> anyhow::Result<()> {
    let mut tx = db::begin(owner, PROVINCE).await?;
    let project = crate::projects::store::find(&mut tx, id, true).await?.context("演示项目")?;
    let when = at(&format!("{on} 10:00"))?;
    attach(&mut tx, &project, COMPLETION_REPORT, &cast.city, when).await?;
    let achieved = project
        .indicators
        .iter()
        .filter_map(|i| {
            let target = i.target_value?;
            let value = if met { target + Decimal::from(2) } else { (target * Decimal::new(85, 2)).round_dp(1) };
            Some(Achieved { indicator: i.id, value })
        })
        .collect();
    let input = CompletionInput {
        completed_on: on,
        summary: if met {
            "按协议完成全部培训任务，培训人次、考核合格率和满意度均达到目标，资金按预算使用，档案资料已整理归档。"
                .into()
        } else {
            "培训基本完成，但第 9 至 12 期因企业停产检修参训人数不足，考核合格率未达目标，部分影像资料缺失。".into()
        },
        achieved,
    };
    let by = By { account: cast.city.0, name: &cast.city.1 };
    crate::acceptance::store::submit(&mut tx, &demo_context(), &project, 1, &input, &by).await?;
    sqlx::query("UPDATE project_acceptances SET submitted_at = $2 WHERE project_id = $1 AND attempt = 1")
        .bind(id.0)
        .bind(when + chrono::Duration::minutes(10))
        .execute(&mut *tx)
        .await?;
    let token = token()?;
    let step = Step { by, token: &token, action: ProjectAction::Complete, comment: "", url: String::new() };
    crate::projects::store::take_locked(&mut tx, &demo_context(), &project, Role::CityOfficer, &step)
        .await
        .map_err(failed)?;
    backdate(&mut tx, id, ProjectAction::Complete.as_str(), when + chrono::Duration::minutes(10)).await?;
    tx.commit().await?;
    Ok(())
}

/// The first acceptance: a panel drawn on `on` scoring `stories`, the signed report, and the
/// region's conclusion (a failure names what to rectify by the middle of January).
async fn accept(
    owner: &PgPool,
    cast: &Cast,
    id: ProjectId,
    on: NaiveDate,
    stories: &[Accepting; 5],
) -> anyhow::Result<()> {
    let mut tx = db::begin(owner, PROVINCE).await?;
    let project = crate::projects::store::find(&mut tx, id, true).await?.context("演示项目")?;
    let sheet_of = |n: usize| -> anyhow::Result<SheetInput> {
        let story = &stories[n % stories.len()];
        let scores = story
            .scores
            .iter()
            .enumerate()
            .map(|(c, s)| Ok(Score { criterion: c as i64 + 1, score: s.parse::<Decimal>()? }))
            .collect::<anyhow::Result<Vec<Score>>>()?;
        Ok(SheetInput {
            total: scores.iter().map(|s| s.score).sum(),
            scores,
            recommendation: Some(story.recommendation),
            opinion: story.opinion.into(),
            submit: true,
        })
    };
    panel_scores(&mut tx, cast, &project, PanelStage::Acceptance, on, &sheet_of).await?;
    let members = sheets::members_with_sheets(&mut tx, project.region.id, id, PanelStage::Acceptance).await?;
    let submitted: Vec<_> = members.iter().filter(|m| m.sitting).filter_map(|m| m.sheet.as_ref()).collect();
    let verdict = verdict(&submitted).context("演示验收评分")?;
    let concluded = on + chrono::Duration::days(14);
    let when = at(&format!("{concluded} 10:00"))?;
    attach(&mut tx, &project, ACCEPTANCE_REPORT, &cast.city, when).await?;
    let rectification = (!verdict.passed).then(|| Rectification {
        what: "补齐第 9 至 12 期培训的签到表和影像资料；对未参训的 86 名职工补训并组织考核；补充两笔场地费的租赁合同。"
            .into(),
        by: NaiveDate::from_ymd_opt(2027, 1, 15).unwrap_or(concluded),
    });
    let by = By { account: cast.city.0, name: &cast.city.1 };
    crate::acceptance::store::conclude(
        &mut tx,
        &demo_context(),
        &project,
        1,
        (verdict.passed, verdict.average),
        rectification.as_ref(),
        &by,
    )
    .await?;
    sqlx::query("UPDATE project_acceptances SET concluded_at = $2 WHERE project_id = $1 AND attempt = 1")
        .bind(id.0)
        .bind(when + chrono::Duration::minutes(20))
        .execute(&mut *tx)
        .await?;
    let average = format!("专家组平均分 {:.2}", verdict.average);
    let (action, comment) = match &rectification {
        None => (ProjectAction::Accept, average),
        Some(r) => (ProjectAction::FailAcceptance, format!("{average}。整改要求：{}；整改期限：{}", r.what, r.by)),
    };
    let token = token()?;
    let step = Step { by, token: &token, action, comment: &comment, url: String::new() };
    crate::projects::store::take_locked(&mut tx, &demo_context(), &project, Role::CityOfficer, &step)
        .await
        .map_err(failed)?;
    backdate(&mut tx, id, action.as_str(), when + chrono::Duration::minutes(20)).await?;
    tx.commit().await?;
    Ok(())
}
