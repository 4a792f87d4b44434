//! The audit log (SECURITY.md "Audit"): the writer every change calls, and the auditor's pages
//! (`pages`: search, a record's history, export).
//!
//! Every change is recorded in the same transaction as the change itself, so no change commits
//! without its record and a failed record undoes the change. Personal data in before/after
//! copies is masked here, once for everyone.

pub mod export;
pub mod model;
pub mod pages;
pub mod store;
mod views;

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use serde::Serialize;
use serde_json::Value;
use sqlx::PgConnection;

use crate::org::{AccountId, RegionId, Role};
use crate::request::{ClientIp, RequestId, Viewer};
use crate::values::mask;

labelled_enum! {
    /// Everything the system records. The name is what the log stores; the label what the
    /// auditor reads.
    pub enum Action {
        LoginSuccess => ("login.success", "登录成功"),
        LoginFailure => ("login.failure", "登录失败"),
        Logout => ("session.logout", "退出登录"),
        SessionEnd => ("session.end", "强制下线"),
        AccountLock => ("account.lock", "账号锁定"),
        AccountUnlock => ("account.unlock", "解除锁定"),
        AccountCreate => ("account.create", "创建账号"),
        AccountUpdate => ("account.update", "修改账号"),
        AccountDisable => ("account.disable", "停用账号"),
        AccountRequest => ("account.request", "申请开通账号"),
        PasswordChange => ("password.change", "修改密码"),
        PasswordReset => ("password.reset", "重置密码"),
        RoleAssign => ("role.assign", "分配角色"),
        PolicyChange => ("policy.change", "修改安全策略"),
        TotpEnroll => ("totp.enroll", "启用双因素认证"),
        TotpReplace => ("totp.replace", "更换双因素认证"),
        AccessDenied => ("access.denied", "拒绝访问"),
        DepartmentUpdate => ("department.update", "修改成员单位"),
        CycleUpdate => ("cycle.update", "修改五年行动计划周期"),
        CalendarUpdate => ("calendar.update", "修改工作日历"),
        KeyIndustryCreate => ("key_industry.create", "新增本地区重点行业"),
        KeyIndustryDelete => ("key_industry.delete", "删除本地区重点行业"),
        PlanCreate => ("plan.create", "新建实施方案"),
        PlanUpdate => ("plan.update", "修改实施方案"),
        PlanTransition => ("plan.transition", "实施方案流转"),
        ExportPlans => ("export.plans", "导出实施方案报备情况"),
        ExportSupervision => ("export.supervision", "导出项目监管清单"),
        ExportFee => ("export.fee", "导出工伤预防费执行情况"),
        ExportFeeRecords => ("export.fee_records", "导出工伤预防费资金明细"),
        ExportTrainingCoverage => ("export.training_coverage", "导出培训覆盖率"),
        ExportTrainingBelow => ("export.training_below", "导出培训覆盖率未达标单位"),
        TrainingSessionCreate => ("training_session.create", "录入培训"),
        TrainingSessionUpdate => ("training_session.update", "修改培训"),
        TrainingSessionDelete => ("training_session.delete", "删除培训"),
        TraineeAdd => ("trainee.add", "录入学员"),
        TraineeUpdate => ("trainee.update", "登记学员考试结果"),
        TraineeRemove => ("trainee.remove", "移出学员"),
        ImportTrainees => ("import.trainees", "导入学员名单"),
        TrainingRequiredUpdate => ("training_required.update", "修改重点岗位应培训人数"),
        ImportTrainingRequired => ("import.training_required", "导入重点岗位应培训人数"),
        OrganisationCreate => ("organisation.create", "登记服务机构"),
        OrganisationUpdate => ("organisation.update", "修改服务机构"),
        OrganisationListing => ("organisation.listing", "推荐清单变更"),
        QualificationAdd => ("qualification.add", "登记服务机构资质"),
        QualificationRemove => ("qualification.remove", "删除服务机构资质"),
        ExportOrganisations => ("export.organisations", "导出服务机构推荐清单"),
        SchoolCreate => ("school.create", "登记技工院校"),
        SchoolUpdate => ("school.update", "修改技工院校"),
        SchoolDelete => ("school.delete", "删除技工院校"),
        ExportSchools => ("export.schools", "导出技工院校开课情况"),
        PublicityCreate => ("publicity.create", "登记宣传活动"),
        PublicityUpdate => ("publicity.update", "修改宣传活动"),
        PublicityDelete => ("publicity.delete", "删除宣传活动"),
        WarningBaseCreate => ("warning_base.create", "登记警示教育基地"),
        WarningBaseUpdate => ("warning_base.update", "修改警示教育基地"),
        ExportPublicity => ("export.publicity", "导出宣传活动统计"),
        StatisticsUpdate => ("injury_statistics.update", "修改工伤统计数据"),
        ImportStatistics => ("import.injury_statistics", "导入工伤统计数据"),
        ExportStatistics => ("export.injury_statistics", "导出工伤事故率"),
        InspectionCreate => ("inspection.create", "登记联合检查"),
        InspectionUpdate => ("inspection.update", "修改联合检查"),
        FindingCreate => ("finding.create", "登记检查发现的问题"),
        FindingFollowUp => ("finding.follow_up", "整改事项办理"),
        ExportFindings => ("export.findings", "导出限期整改事项"),
        NoticeCreate => ("notice.create", "起草通知"),
        RateInputsCreate => ("rate.inputs_create", "录入浮动费率评估数据"),
        RateInputsUpdate => ("rate.inputs_update", "修改浮动费率评估数据"),
        RateRun => ("rate.run", "浮动费率测算"),
        RateConfirm => ("rate.confirm", "确认浮动费率"),
        RateOverride => ("rate.override", "调整浮动费率"),
        ExportRates => ("export.rates", "导出浮动费率评估结果"),
        ImportRateInputs => ("import.rate_inputs", "导入浮动费率评估数据"),
        RateTableCreate => ("rate_table.create", "发布行业费率表"),
        RateRuleCreate => ("rate_rule.create", "新增浮动规则"),
        RateRuleUpdate => ("rate_rule.update", "修改浮动规则"),
        RateRuleDelete => ("rate_rule.delete", "删除浮动规则"),
        RateRuleCopy => ("rate_rule.copy", "复制省级默认规则为地区规则"),
        RateRuleReset => ("rate_rule.reset", "恢复使用省级默认规则"),
        NoticeUpdate => ("notice.update", "修改通知草稿"),
        NoticeIssue => ("notice.issue", "发布通知"),
        NoticeDelete => ("notice.delete", "删除通知草稿"),
        AnnualReportCreate => ("annual_report.create", "开始编写年度报告"),
        AnnualReportUpdate => ("annual_report.update", "修改年度报告"),
        AnnualReportTransition => ("annual_report.transition", "年度报告流转"),
        ExportAnnualReport => ("export.annual_report", "导出年度报告数据"),
        ExportAnnualReports => ("export.annual_reports", "导出年度报告汇总"),
        RosterCreate => ("roster.create", "建立领导小组名单"),
        RosterMemberAdd => ("roster.member_add", "新增领导小组组成人员"),
        RosterMemberUpdate => ("roster.member_update", "更正领导小组组成人员"),
        RosterMemberReplace => ("roster.member_replace", "变更领导小组组成人员"),
        RosterMemberEnd => ("roster.member_end", "领导小组组成人员离任"),
        RosterTransition => ("roster.transition", "领导小组名单流转"),
        ExportRoster => ("export.roster", "导出领导小组名单"),
        ExportRosters => ("export.rosters", "导出领导小组名单报送情况"),
        MeetingCreate => ("meeting.create", "登记联席会议"),
        MeetingUpdate => ("meeting.update", "修改联席会议"),
        ActionItemAdd => ("action_item.add", "新增议定事项"),
        ActionItemUpdate => ("action_item.update", "修改议定事项"),
        ActionItemClose => ("action_item.close", "办结议定事项"),
        ExportMeetings => ("export.meetings", "导出联席会议"),
        ExportActionItems => ("export.action_items", "导出议定事项"),
        DivisionUpdate => ("industry.division_update", "修改行业大类风险类别"),
        RiskClassUpdate => ("industry.risk_class_update", "修改风险类别基准费率"),
        EmployerCreate => ("employer.create", "登记用人单位"),
        EmployerUpdate => ("employer.update", "修改用人单位"),
        EmployerRiskOverride => ("employer.risk_override", "调整用人单位风险类别"),
        ExportEmployers => ("export.employers", "导出用人单位"),
        ImportEmployers => ("import.employers", "导入用人单位"),
        ImportQueued => ("import.queued", "提交导入"),
        RoundCreate => ("project_round.create", "新建项目申报批次"),
        RoundUpdate => ("project_round.update", "修改项目申报批次"),
        ApplicantCreate => ("applicant.create", "登记申报单位"),
        ApplicantUpdate => ("applicant.update", "修改申报单位"),
        ProjectCreate => ("project.create", "新建项目申报"),
        ProjectUpdate => ("project.update", "修改项目申报"),
        ProjectTransition => ("project.transition", "项目申报流转"),
        ExportProjects => ("export.projects", "导出项目申报"),
        ExpertCreate => ("expert.create", "登记专家"),
        ExpertUpdate => ("expert.update", "修改专家信息"),
        ExpertDraw => ("expert.draw", "随机抽取评审专家"),
        ExpertReplace => ("expert.replace", "替换评审专家"),
        ReviewSheetSave => ("review_sheet.save", "保存评分表草稿"),
        ReviewSheetSubmit => ("review_sheet.submit", "提交评分表"),
        ObjectionRecord => ("objection.record", "登记公示异议"),
        ObjectionAnswer => ("objection.answer", "答复公示异议"),
        AgreementSave => ("agreement.save", "保存项目协议"),
        ProgressReport => ("progress.report", "报告实施进度"),
        AcceptanceSubmit => ("acceptance.submit", "提交结项或整改"),
        AcceptanceConclude => ("acceptance.conclude", "办理验收结论"),
        FeeIncomeSave => ("fee.income", "录入工伤保险基金征缴收入"),
        FeeRateSave => ("fee.rate", "记录提高的提取比例"),
        FeeBudgetSave => ("fee.budget", "编制工伤预防费预算"),
        FeeBudgetTransition => ("fee.budget_transition", "工伤预防费预算流转"),
        FeePayment => ("fee.payment", "拨付工伤预防费"),
        AttachmentAdd => ("attachment.add", "上传附件"),
        AttachmentRemove => ("attachment.remove", "删除附件"),
        Unmask => ("personal_data.unmask", "查看完整个人信息"),
        AuditSearch => ("audit.search", "检索审计日志"),
        ExportAuditLog => ("export.audit_log", "导出审计日志"),
        ExportLoginLog => ("export.login_log", "导出登录日志"),
        ExportAccounts => ("export.accounts", "导出账号列表"),
        AuditPurge => ("audit.purge", "清理审计日志"),
    }
}

impl Action {
    /// The events of the login log.
    pub const LOGIN_LOG: &'static [Action] =
        &[Action::LoginSuccess, Action::LoginFailure, Action::AccountLock, Action::Logout];
}

/// The Chinese name of a stored action name, or the name itself (an action of an older version).
pub fn action_label(action: &str) -> &str {
    Action::parse(action).map(Action::label).unwrap_or(action)
}

/// Who acted, from where, in which request: what every record of one request shares.
#[derive(Clone, Debug, Default)]
pub struct AuditContext {
    pub account_id: Option<AccountId>,
    pub username: Option<String>,
    pub role: Option<Role>,
    pub region_id: Option<RegionId>,
    pub client_addr: Option<String>,
    pub request_id: Option<String>,
}

impl AuditContext {
    /// The operator's command line: no session, no request.
    pub fn command_line() -> AuditContext {
        AuditContext {
            username: Some("命令行".to_string()),
            client_addr: Some("local".to_string()),
            ..Default::default()
        }
    }

    /// Work done by the system itself under a name (the demo seeder, say).
    pub fn system(name: &str) -> AuditContext {
        AuditContext { username: Some(name.to_string()), client_addr: Some("local".to_string()), ..Default::default() }
    }

    /// A background job, on behalf of the account that queued it in its region.
    pub fn for_job(account: AccountId, account_name: &str, region: RegionId) -> AuditContext {
        AuditContext {
            account_id: Some(account),
            username: Some(format!("后台任务（{account_name}）")),
            region_id: Some(region),
            client_addr: Some("local".to_string()),
            ..Default::default()
        }
    }

    /// The same request, acting as (or about) another account, e.g. a sign-in before the session exists.
    pub fn as_account(
        &self,
        id: AccountId,
        username: &str,
        role: Option<Role>,
        region_id: Option<RegionId>,
    ) -> AuditContext {
        AuditContext {
            account_id: Some(id),
            username: Some(username.to_string()),
            role,
            region_id,
            client_addr: self.client_addr.clone(),
            request_id: self.request_id.clone(),
        }
    }

    /// The context of a request, from what the outer layers put into it.
    pub fn from_parts(parts: &Parts) -> AuditContext {
        let viewer = Viewer::from_extensions(&parts.extensions);
        let person = viewer.person.as_ref();
        AuditContext {
            account_id: person.map(|p| p.id),
            username: person.map(|p| p.username.clone()),
            role: person.and_then(|p| p.role),
            region_id: person.and_then(|p| p.region_id()),
            client_addr: ClientIp::from_extensions(&parts.extensions).map(|ip| ip.to_string()),
            request_id: RequestId::from_extensions(&parts.extensions),
        }
    }
}

impl<S: Send + Sync> FromRequestParts<S> for AuditContext {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(AuditContext::from_parts(parts))
    }
}

/// One event.
#[derive(Clone, Debug)]
pub struct Event {
    pub action: Action,
    pub object_type: Option<&'static str>,
    pub object_id: Option<String>,
    pub success: bool,
    pub detail: Option<String>,
    pub before: Option<Value>,
    pub after: Option<Value>,
}

impl Event {
    pub fn new(action: Action) -> Event {
        Event { action, object_type: None, object_id: None, success: true, detail: None, before: None, after: None }
    }

    pub fn failed(mut self) -> Event {
        self.success = false;
        self
    }

    pub fn object(mut self, object_type: &'static str, id: impl ToString) -> Event {
        self.object_type = Some(object_type);
        self.object_id = Some(id.to_string());
        self
    }

    pub fn detail(mut self, detail: impl Into<String>) -> Event {
        self.detail = Some(detail.into());
        self
    }

    /// A change, from the record's typed value before and after: both serialized the same way,
    /// so the history compares like with like field by field.
    pub fn change(mut self, before: &impl Serialize, after: &impl Serialize) -> Event {
        self.before = Some(snapshot(before));
        self.after = Some(snapshot(after));
        self
    }

    /// A new record: nothing before.
    pub fn created(mut self, after: &impl Serialize) -> Event {
        self.after = Some(snapshot(after));
        self
    }
}

/// A value as the log keeps it. Our snapshot types are plain structs that always serialize; a
/// failure would leave the copy empty rather than lose the record.
fn snapshot(value: &impl Serialize) -> Value {
    serde_json::to_value(value).unwrap_or(Value::Null)
}

/// Writes one record, inside the caller's transaction.
pub async fn record(db: &mut PgConnection, ctx: &AuditContext, event: Event) -> Result<(), sqlx::Error> {
    let before = event.before.map(mask_personal_data);
    let after = event.after.map(mask_personal_data);
    // What a request brings (a long path, an odd username) is cut to the columns' limits, so
    // the record is written whatever the request looked like.
    let username = ctx.username.as_deref().map(|s| clip(s, 64));
    let object_id = event.object_id.as_deref().map(|s| clip(s, 64));
    let detail = event.detail.as_deref().map(|s| clip(s, 500));
    let client_addr = ctx.client_addr.as_deref().map(|s| clip(s, 64));
    let request_id = ctx.request_id.as_deref().map(|s| clip(s, 64));
    sqlx::query!(
        "INSERT INTO audit_log (account_id, username, role, region_id, action, object_type, object_id,
                                success, detail, before, after, client_addr, request_id)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)",
        ctx.account_id.map(|a| a.0),
        username,
        ctx.role.map(|r| r.as_str()),
        ctx.region_id.map(|r| r.0),
        event.action.as_str(),
        event.object_type,
        object_id,
        event.success,
        detail,
        before,
        after,
        client_addr,
        request_id,
    )
    .execute(db)
    .await?;
    Ok(())
}

/// Writes one record in a transaction of its own, for events that change nothing else (a
/// refused sign-in, an access denial, a search, an export).
pub async fn record_alone(pool: &sqlx::PgPool, ctx: &AuditContext, event: Event) -> Result<(), sqlx::Error> {
    let mut tx = pool.begin().await?;
    record(&mut tx, ctx, event).await?;
    tx.commit().await
}

/// At most `max` characters of `s`, marked with … when cut.
fn clip(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        s.to_string()
    } else {
        let mut cut: String = s.chars().take(max - 1).collect();
        cut.push('…');
        cut
    }
}

/// SECURITY.md: the audit log is kept at least this long.
pub const MIN_RETENTION_DAYS: u32 = 184;

/// Deletes records older than `days` (at least [`MIN_RETENTION_DAYS`]), as the owner, and
/// records the purge itself. Returns how many went.
pub async fn purge(owner: &sqlx::PgPool, ctx: &AuditContext, days: u32) -> Result<u64, PurgeError> {
    if days < MIN_RETENTION_DAYS {
        return Err(PurgeError::TooYoung(days));
    }
    let mut tx = owner.begin().await?;
    let deleted = store::delete_older_than(&mut tx, days).await?;
    let event = Event::new(Action::AuditPurge).detail(format!("删除 {days} 天以前的记录 {deleted} 条"));
    record(&mut tx, ctx, event).await?;
    tx.commit().await?;
    Ok(deleted)
}

#[derive(Debug, thiserror::Error)]
pub enum PurgeError {
    #[error("审计日志至少保留 {MIN_RETENTION_DAYS} 天，不能清理 {0} 天以内的记录")]
    TooYoung(u32),
    #[error(transparent)]
    Database(#[from] sqlx::Error),
}

/// Fields whose values are personal data, masked wherever they appear in a copy.
const PHONE_FIELDS: &[&str] = &["contact_phone", "phone", "mobile"];
const ID_NUMBER_FIELDS: &[&str] = &["id_number", "id_card_number"];
const SECRET_FIELDS: &[&str] = &["password", "password_hash", "totp_secret", "csrf_token"];

/// Masks phone and ID-card numbers, and removes secrets, at any depth of a JSON copy.
pub fn mask_personal_data(value: Value) -> Value {
    match value {
        Value::Object(map) => Value::Object(
            map.into_iter()
                .filter(|(k, _)| !SECRET_FIELDS.contains(&k.as_str()))
                .map(|(k, v)| {
                    let v = match (&v, k.as_str()) {
                        (Value::String(s), key) if PHONE_FIELDS.contains(&key) => Value::String(mask::phone(s)),
                        (Value::String(s), key) if ID_NUMBER_FIELDS.contains(&key) => Value::String(mask::id_number(s)),
                        _ => mask_personal_data(v),
                    };
                    (k, v)
                })
                .collect(),
        ),
        Value::Array(items) => Value::Array(items.into_iter().map(mask_personal_data).collect()),
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn personal_data_is_masked_and_secrets_dropped() {
        let copy = json!({
            "contact_person": "李建国",
            "contact_phone": "13812345678",
            "password_hash": "$argon2id$...",
            "members": [{"id_number": "110101199003074514", "mobile": "024-23456789"}]
        });
        assert_eq!(
            mask_personal_data(copy),
            json!({
                "contact_person": "李建国",
                "contact_phone": "138****5678",
                "members": [{"id_number": "110101********4514", "mobile": "024****6789"}]
            })
        );
    }

    #[test]
    fn long_values_are_cut_to_the_column() {
        assert_eq!(clip("abc", 3), "abc");
        let cut = clip(&"路".repeat(600), 500);
        assert_eq!(cut.chars().count(), 500);
        assert!(cut.ends_with('…'));
    }

    #[test]
    fn changes_are_recorded_from_typed_values() {
        #[derive(Serialize)]
        struct Contact<'a> {
            contact_person: &'a str,
            contact_phone: &'a str,
        }
        let e = Event::new(Action::DepartmentUpdate).object("department", 7).change(
            &Contact { contact_person: "", contact_phone: "" },
            &Contact { contact_person: "李建国", contact_phone: "13812345678" },
        );
        assert_eq!(e.action.as_str(), "department.update");
        assert_eq!(e.after, Some(json!({"contact_person": "李建国", "contact_phone": "13812345678"})));
        assert_eq!(e.before.unwrap()["contact_person"], "");
    }

    #[test]
    fn every_action_has_a_stored_name_the_log_accepts() {
        for action in Action::ALL {
            let name = action.as_str();
            let mut parts = name.split('.');
            let ok = name.len() <= 64
                && parts.clone().count() >= 2
                && parts.all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_lowercase() || b == b'_'));
            assert!(ok, "{name} matches the table's CHECK");
        }
        assert_eq!(action_label("login.failure"), "登录失败");
        assert_eq!(action_label("old.action"), "old.action");
    }
}
