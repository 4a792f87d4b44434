//! One-shot messages after a redirect (POST → redirect → GET). The cookie carries only a key
//! from this fixed list, so nothing a visitor puts in it can reach the page.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

const COOKIE: &str = "prevention_flash";

labelled_enum! {
    /// A message shown once on the page a form's redirect leads to. Its name travels in the
    /// cookie; its label is the message.
    pub enum Flash {
        SignedOut => ("signed_out", "您已安全退出。"),
        SessionEnded => ("session_ended", "登录已过期，请重新登录。"),
        DepartmentSaved => ("department_saved", "成员单位信息已保存。"),
        PasswordChanged => ("password_changed", "密码已修改。您在其他设备上的登录已全部退出。"),
        AccountSaved => ("account_saved", "账号信息已保存。"),
        AccountDisabled => ("account_disabled", "账号已停用，其会话已全部结束。"),
        AccountUnlocked => ("account_unlocked", "账号已解除锁定。"),
        SessionEndedByAdmin => ("session_ended_by_admin", "会话已强制结束。"),
        RoleAssigned => ("role_assigned", "角色已分配。"),
        PolicySaved => ("policy_saved", "安全策略已保存，立即生效。"),
        AccountLocked => ("account_locked", "当前密码连续输入错误次数过多，账号已锁定，所有登录已退出。请稍后再试或联系系统管理员解锁。"),
        CycleSaved => ("cycle_saved", "周期信息已保存。"),
        CalendarSaved => ("calendar_saved", "工作日历已保存。"),
        KeyIndustryAdded => ("key_industry_added", "本地区重点行业已添加。"),
        KeyIndustryDeleted => ("key_industry_deleted", "本地区重点行业已删除。"),
        PlanCreated => ("plan_created", "实施方案草稿已创建，请逐节填写。"),
        PlanSaved => ("plan_saved", "实施方案已保存。"),
        PlanSubmitted => ("plan_submitted", "实施方案已提交。"),
        PlanFiled => ("plan_filed", "实施方案已备案。"),
        PlanReturned => ("plan_returned", "实施方案已退回，退回理由已通知编制单位。"),
        PlanIssued => ("plan_issued", "实施方案已印发。"),
        RosterCreated => ("roster_created", "领导小组名单已建立，请逐一添加组成人员。"),
        RosterMemberAdded => ("roster_member_added", "组成人员已添加。"),
        RosterMemberSaved => ("roster_member_saved", "组成人员信息已更正。"),
        RosterMemberReplaced => ("roster_member_replaced", "人员变更已保存，原成员的任职记录已保留。"),
        RosterMemberEnded => ("roster_member_ended", "已登记离任。"),
        RosterSubmitted => ("roster_submitted", "领导小组名单已报送。"),
        RosterFiled => ("roster_filed", "领导小组名单已备案。"),
        RosterReturned => ("roster_returned", "领导小组名单已退回，退回理由已通知报送单位。"),
        MeetingCreated => ("meeting_created", "联席会议已登记，请添加议定事项。"),
        MeetingSaved => ("meeting_saved", "联席会议已保存。"),
        ActionItemAdded => ("action_item_added", "议定事项已添加。"),
        ActionItemSaved => ("action_item_saved", "议定事项已修改。"),
        ActionItemClosed => ("action_item_closed", "议定事项已办结。"),
        IndustrySaved => ("industry_saved", "已保存，新的风险类别立即用于各用人单位。"),
        EmployerCreated => ("employer_created", "用人单位已登记。"),
        EmployerSaved => ("employer_saved", "用人单位已保存。"),
        RoundCreated => ("round_created", "申报批次已创建。"),
        RoundSaved => ("round_saved", "申报批次已保存。"),
        ApplicantCreated => ("applicant_created", "申报单位已登记。"),
        ApplicantSaved => ("applicant_saved", "申报单位已保存。"),
        ProjectCreated => ("project_created", "项目申报草稿已创建，可分多次填写，随时保存。"),
        ProjectSaved => ("project_saved", "项目申报已保存。"),
        ProjectSubmitted => ("project_submitted", "项目申报已提交，等待初审。"),
        ProjectPassed => ("project_passed", "初审已通过，转入专家评审。"),
        ProjectReturned => ("project_returned", "项目申报已退回修改，意见已显示在申报表上方。"),
        ProjectRejected => ("project_rejected", "已作不予立项处理。"),
        ExpertCreated => ("expert_created", "专家已登记。"),
        ExpertSaved => ("expert_saved", "专家信息已保存。"),
        PanelDrawn => ("panel_drawn", "已随机抽取评审专家，抽取记录已保存。"),
        PanelMemberReplaced => ("panel_member_replaced", "已替换评审专家，替换理由和抽取记录已保存。"),
        SheetSaved => ("sheet_saved", "评分表草稿已保存，提交前可继续修改。"),
        SheetSubmitted => ("sheet_submitted", "评分表已提交，不能再修改。"),
        ReviewConcluded => ("review_concluded", "评分表已提交。专家组全部提交，项目已转入立项审定。"),
        ProjectApproved => ("project_approved", "已同意立项，项目进入公示。"),
        ObjectionRecorded => ("objection_recorded", "异议已登记，请核查后答复。"),
        ObjectionAnswered => ("objection_answered", "异议已答复。"),
        ApprovalReversed => ("approval_reversed", "异议成立，已撤销立项。"),
        PublicityClosed => ("publicity_closed", "公示期满，已报省级备案。"),
        ProjectFiled => ("project_filed", "已备案。"),
        FilingReturned => ("filing_returned", "已退回，由市里重新审定。"),
        AgreementSaved => ("agreement_saved", "协议信息已保存。上传签字盖章的协议后即可办理签订。"),
        AgreementSigned => ("agreement_signed", "已签订协议，项目进入实施。"),
        ProgressReported => ("progress_reported", "实施进度已报告。"),
        CompletionSubmitted => ("completion_submitted", "已提交结项，请抽取验收专家。"),
        RectificationSubmitted => ("rectification_submitted", "已提交整改结果，请抽取复验专家。"),
        AcceptancePassed => ("acceptance_passed", "验收通过。"),
        AcceptanceFailed => ("acceptance_failed", "验收不通过，已记录整改要求和期限。"),
        ReacceptanceFailed => ("reacceptance_failed", "复验不通过。"),
        ProjectTerminated => ("project_terminated", "项目已终止。"),
        FeeIncomeSaved => ("fee_income_saved", "征缴收入已保存。"),
        FeeRateSaved => ("fee_rate_saved", "提取比例已记录。"),
        FeeBudgetSaved => ("fee_budget_saved", "预算已保存。"),
        FeeBudgetMoved => ("fee_budget_moved", "预算已办理。"),
        PaymentRecorded => ("payment_recorded", "拨付已记录。"),
        TrainingSessionSaved => ("training_session_saved", "培训已保存。"),
        TrainingSessionDeleted => ("training_session_deleted", "培训已删除。"),
        TraineeAdded => ("trainee_added", "学员已录入。"),
        TraineeSaved => ("trainee_saved", "考试结果已登记。"),
        TraineeRemoved => ("trainee_removed", "学员已移出名单。"),
        TrainingRequiredSaved => ("training_required_saved", "应培训人数已保存。"),
        OrganisationSaved => ("organisation_saved", "服务机构已保存。"),
        ListingChanged => ("listing_changed", "推荐清单已变更。"),
        QualificationAdded => ("qualification_added", "资质已登记。"),
        QualificationRemoved => ("qualification_removed", "资质已删除。"),
        SchoolSaved => ("school_saved", "技工院校已保存。"),
        SchoolDeleted => ("school_deleted", "技工院校已删除。"),
        PublicitySaved => ("publicity_saved", "宣传活动已保存。"),
        PublicityDeleted => ("publicity_deleted", "宣传活动已删除。"),
        WarningBaseSaved => ("warning_base_saved", "警示教育基地已保存。"),
        StatisticsSaved => ("statistics_saved", "工伤统计数据已保存。"),
        InspectionSaved => ("inspection_saved", "联合检查已保存。"),
        FindingAdded => ("finding_added", "问题已登记，请跟踪整改。"),
        FindingFollowedUp => ("finding_followed_up", "整改事项已办理。"),
        NoticeSaved => ("notice_saved", "通知已保存。"),
        NoticeIssued => ("notice_issued", "通知已发布，接收地区即可查看。"),
        NoticeDeleted => ("notice_deleted", "通知草稿已删除。"),
        NoticeRead => ("notice_read", "已标记为已读。"),
        AnnualReportCreated => ("annual_report_created", "年度报告已建立，数据已按系统记录自动生成，请填写各项任务的落实情况。"),
        AnnualReportSaved => ("annual_report_saved", "年度报告已保存。"),
        AnnualReportSubmitted => ("annual_report_submitted", "年度报告已报送，数据已于报送时固定。"),
        AnnualReportAccepted => ("annual_report_accepted", "年度报告已审核通过。"),
        AnnualReportReturned => ("annual_report_returned", "年度报告已退回。"),
        RateInputsSaved => ("rate_inputs_saved", "评估数据已保存，请重新测算。"),
        RateEvaluated => ("rate_evaluated", "已按浮动规则完成测算。"),
        RateDecided => ("rate_decided", "费率已确定。"),
        RateRunQueued => ("rate_run_queued", "已提交整体测算，稍后查看结果。"),
        RateTableSaved => ("rate_table_saved", "行业费率表已发布，自生效日期起用于测算。"),
        RateRuleSaved => ("rate_rule_saved", "浮动规则已保存。"),
        RateRuleDeleted => ("rate_rule_deleted", "浮动规则已删除。"),
        RateRulesCopied => ("rate_rules_copied", "已复制省级默认规则为本地区规则，可逐条调整。"),
        RateRulesReset => ("rate_rules_reset", "已恢复使用省级默认规则。"),
        ProjectSettled => ("project_settled", "尾款已拨付，项目已结算归档。"),
        AccountRequested => ("account_requested", "已提出开通账号申请，等待系统管理员开通。"),
        AttachmentAdded => ("attachment_added", "附件已上传。"),
        AttachmentRemoved => ("attachment_removed", "附件已删除。"),
    }
}

impl Flash {
    fn key(self) -> &'static str {
        self.as_str()
    }

    pub fn message(self) -> &'static str {
        self.label()
    }

    /// The Bootstrap alert style.
    pub fn level(self) -> &'static str {
        match self {
            Flash::SignedOut | Flash::SessionEnded => "info",
            Flash::AccountLocked => "danger",
            _ => "success",
        }
    }

    pub fn from_headers(headers: &axum::http::HeaderMap) -> Option<Flash> {
        super::cookies::get(headers, COOKIE).and_then(Flash::parse)
    }
}

/// 303 See Other to `location`, carrying `flash` to the next page.
pub fn redirect_with(location: &str, flash: Flash) -> Response {
    let cookie = format!("{COOKIE}={}; Path=/; HttpOnly; SameSite=Lax", flash.key());
    let mut response = redirect(location);
    if let Ok(value) = HeaderValue::from_str(&cookie) {
        response.headers_mut().append(header::SET_COOKIE, value);
    }
    response
}

/// Where a once-only form leads: with `flash` the first time, quietly for a repeat.
pub fn after(done: super::once::Done, flash: Flash) -> Response {
    match done {
        super::once::Done::Now(url) => redirect_with(&url, flash),
        super::once::Done::Before(url) => redirect(&url),
    }
}

/// 303 See Other to `location`.
pub fn redirect(location: &str) -> Response {
    let location = HeaderValue::from_str(location).unwrap_or_else(|_| HeaderValue::from_static("/"));
    (StatusCode::SEE_OTHER, [(header::LOCATION, location)]).into_response()
}

/// Whether a response sets the flash cookie itself.
pub fn sets_flash(response: &Response) -> bool {
    response.headers().get_all(header::SET_COOKIE).iter().any(|v| v.to_str().is_ok_and(|v| v.starts_with(COOKIE)))
}

pub fn clear_cookie() -> HeaderValue {
    HeaderValue::from_static("prevention_flash=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0")
}

#[cfg(test)]
mod tests {
    use axum::http::HeaderMap;

    use super::*;

    #[test]
    fn only_known_keys_are_read() {
        let mut headers = HeaderMap::new();
        headers.insert(header::COOKIE, HeaderValue::from_static("prevention_flash=department_saved"));
        assert_eq!(Flash::from_headers(&headers), Some(Flash::DepartmentSaved));
        headers.insert(header::COOKIE, HeaderValue::from_static("prevention_flash=<script>"));
        assert_eq!(Flash::from_headers(&headers), None);
    }

    #[test]
    fn a_redirect_carries_the_flash() {
        let response = redirect_with("/departments/1", Flash::DepartmentSaved);
        assert_eq!(response.status(), StatusCode::SEE_OTHER);
        assert!(sets_flash(&response));
        assert_eq!(response.headers()[header::LOCATION], "/departments/1");
    }
}
