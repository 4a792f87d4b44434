//! A project's end through HTTP: the completion with its report and achieved values, the
//! acceptance panel drawn and scoring on the acceptance criteria (a hand-computed failure), the
//! conclusion with what to rectify and by when, the rectification and the second acceptance
//! (passed), the whole-life timeline; termination with reasons; partner departments reading an
//! approved project; other cities and roles refused. The supervision list is tested in
//! `supervision.rs` on projects made the same way.

use chrono::Duration;
use prevention::org::Role;
use prevention::projects::model::ProjectId;
use prevention::values::time;
use reqwest::StatusCode;
use sqlx::PgPool;

use crate::support::accounts::id_of;
use crate::support::experts::{expert, expert_account};
use crate::support::projects::{applicant, draft, fill, round};
use crate::support::{TestApp, TestUser};

/// A 沈阳 project under way: started 100 days ago, approved at its requested amount, its
/// agreement signed 90 days ago.
pub(crate) async fn under_way(app: &TestApp, city: &TestUser, code: &str) -> (ProjectId, PgPool) {
    let by = id_of(&app.db.app_pool().await, &city.username).await;
    let today = time::today();
    let r = round(&app.db, "210100", today, today + Duration::days(9), by).await;
    let org = applicant(&app.db, "210100", code, "沈阳市安全生产协会", by).await;
    let id = draft(&app.db, r, org, by).await;
    fill(&app.db, id, today + Duration::days(30)).await;
    let pool = app.db.superuser_pool().await;
    sqlx::query(
        "UPDATE projects SET status = 'in_progress', approved_amount = requested_amount,
                starts_on = current_date - 100, ends_on = current_date + 100 WHERE id = $1",
    )
    .bind(id.0)
    .execute(&pool)
    .await
    .unwrap();
    sqlx::query(
        "INSERT INTO project_agreements (region_id, project_id, number, signed_on, party_a, party_b, amount, starts_on, ends_on, created_by)
         SELECT region_id, id, '沈人社预协〔2026〕' || id || '号', current_date - 90, '沈阳市人力资源和社会保障局',
                '沈阳市安全生产协会', 10000, current_date - 90, current_date + 100, created_by FROM projects WHERE id = $1",
    )
    .bind(id.0)
    .execute(&pool)
    .await
    .unwrap();
    (id, pool)
}

fn token() -> String {
    prevention::web::once::new_token()
}

async fn status_of(pool: &PgPool, id: ProjectId) -> String {
    sqlx::query_scalar("SELECT status FROM projects WHERE id = $1").bind(id.0).fetch_one(pool).await.unwrap()
}

async fn indicators(pool: &PgPool, id: ProjectId) -> Vec<i64> {
    sqlx::query_scalar("SELECT id FROM project_indicators WHERE project_id = $1 ORDER BY position")
        .bind(id.0)
        .fetch_all(pool)
        .await
        .unwrap()
}

/// Posts the completion (or the rectification) with `values` for the indicators in order.
async fn submit(user: &TestUser, path: &str, ids: &[i64], values: &[&str]) -> reqwest::Response {
    let (t, today) = (token(), time::today().to_string());
    let ids: Vec<String> = ids.iter().map(i64::to_string).collect();
    let mut fields = vec![
        ("form_token", t.as_str()),
        ("completed_on", today.as_str()),
        ("summary", "12 期培训全部完成，培训 612 人次，资金按预算使用。"),
    ];
    for (id, v) in ids.iter().zip(values) {
        fields.push(("indicator", id.as_str()));
        fields.push(("achieved", v));
    }
    user.post_form(path, &fields).await
}

/// Concludes the acceptance on `page`: what to rectify and by when (for a first failure).
async fn conclude(city: &TestUser, page: &str, rectification: &str, by: String) -> reqwest::Response {
    let t = token();
    let fields = [("form_token", t.as_str()), ("rectification", rectification), ("rectify_by", by.as_str())];
    city.post_form(&format!("{page}/conclude"), &fields).await
}

/// Posts an acceptance sheet on the four default criteria (40, 30, 15, 15).
async fn score(user: &TestUser, id: ProjectId, stage: &str, scores: [&str; 4], recommendation: &str) -> StatusCode {
    let t = token();
    let mut fields = vec![
        ("form_token", t.as_str()),
        ("version", "0"),
        ("stage", stage),
        ("recommendation", recommendation),
        ("opinion", "培训档案基本齐全。"),
        ("intent", "submit"),
        ("final_confirmed", "yes"),
    ];
    for (criterion, s) in ["1", "2", "3", "4"].into_iter().zip(scores) {
        fields.push(("criterion", criterion));
        fields.push(("score", s));
    }
    user.post_form(&format!("/reviews/{id}?stage={stage}"), &fields).await.status()
}

#[tokio::test]
async fn a_failed_acceptance_is_rectified_and_passes_the_second_time() {
    let app = TestApp::spawn().await;
    let city = app.login_as(Role::CityOfficer, "210100").await;
    let by = id_of(&app.db.app_pool().await, &city.username).await;
    let (id, pool) = under_way(&app, &city, "51210100MJ0AAAA11").await;
    let page = format!("/projects/{id}/acceptance");
    let ids = indicators(&pool, id).await;
    assert_eq!(ids.len(), 2);

    // The completion: its report first, every indicator's value, then submitted whole.
    let body = city.get(&page).await.text().await.unwrap();
    assert!(body.contains("提交结项") && body.contains("培训人次"));
    let res = submit(&city, &format!("{page}/complete"), &ids, &["612", "12"]).await;
    assert!(res.text().await.unwrap().contains("请先上传结项报告。"));
    let pdf = prevention::attachments::samples::pdf(2048);
    let res = city.upload(&format!("{page}/attachments"), "completion_report", "结项报告.pdf", pdf.clone()).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let res = submit(&city, &format!("{page}/complete"), &ids, &["612", ""]).await;
    assert!(res.text().await.unwrap().contains("请填写“参训企业工伤事故发生率下降”的完成值。"));
    assert_eq!(status_of(&pool, id).await, "in_progress", "nothing half-saved");
    let res = submit(&city, &format!("{page}/complete"), &ids, &["612", "8"]).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(status_of(&pool, id).await, "awaiting_acceptance");

    // The acceptance panel: drawn like the review's, on its own stage.
    let mut experts = Vec::new();
    for (name, specialty) in [
        ("甲", "prevention"),
        ("乙", "prevention"),
        ("丙", "work_safety"),
        ("丁", "occupational_health"),
        ("戊", "finance"),
    ] {
        experts.push(expert(&app.db, "210100", name, specialty).await.0);
    }
    let res = city.post_form(&format!("/projects/{id}/panel/draw"), &[("form_token", token().as_str())]).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let panel = city.get(&format!("/projects/{id}/panel")).await.text().await.unwrap();
    assert!(panel.contains("评估验收专家") && panel.contains("甲"));
    let mut members = Vec::new();
    for e in &experts {
        members.push(expert_account(&app, &pool, *e, by).await);
    }
    let conclude = |rectification: &'static str, by: String| conclude(&city, &page, rectification, by);
    let res = conclude("", String::new()).await;
    assert!(res.text().await.unwrap().contains("已提交评分表 0 人"));

    // The expert's page: the completion, each indicator planned against achieved, the sheet.
    let review = members[0].get(&format!("/reviews/{id}")).await.text().await.unwrap();
    assert!(review.contains("评估验收评分表") && review.contains("结项情况") && review.contains("目标完成情况"));
    assert!(review.contains("612人次") && review.contains("未达到"), "8 % against ≥ 10 %: not met");
    // Hand-computed: 70 + 56 + 50 + 60 + 45 = 281; 281 / 5 = 56.20, below 60: not passed.
    let sheets = [
        (["30", "20", "10", "10"], "approve"),
        (["25", "15", "8", "8"], "revise"),
        (["20", "15", "8", "7"], "disapprove"),
        (["24", "18", "9", "9"], "revise"),
        (["20", "12", "7", "6"], "disapprove"),
    ];
    for (member, (scores, recommendation)) in members.iter().zip(sheets) {
        assert_eq!(score(member, id, "acceptance", scores, recommendation).await, StatusCode::SEE_OTHER);
    }
    assert_eq!(status_of(&pool, id).await, "awaiting_acceptance", "the region concludes, not the last sheet");
    let body = city.get(&page).await.text().await.unwrap();
    assert!(body.contains("平均分 56.20，不同意 2 人（共 5 人）：不通过"), "{body}");
    let res = conclude("", String::new()).await;
    assert!(res.text().await.unwrap().contains("请先上传验收报告（专家组签字）。"));
    let res = city.upload(&format!("{page}/attachments"), "acceptance_report", "验收报告.pdf", pdf.clone()).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let res = conclude("", String::new()).await.text().await.unwrap();
    assert!(res.contains("请写明整改要求。") && res.contains("请填写整改期限"));
    let deadline = (time::today() + Duration::days(60)).to_string();
    assert_eq!(conclude("补齐 3 期培训的签到表和影像资料", deadline).await.status(), StatusCode::SEE_OTHER);
    assert_eq!(status_of(&pool, id).await, "rectifying");

    // The supervision list shows it (the city's and the province's).
    let list = city.get("/supervision?kind=验收不通过").await.text().await.unwrap();
    assert!(list.contains("矿山企业一线班组长工伤预防培训") && list.contains("整改中，整改期限"));
    let province = app.login_as(Role::ProvinceOfficer, "210000").await;
    assert!(province.get("/supervision").await.text().await.unwrap().contains("整改中"));

    // The rectification, its own report, and the second acceptance by a panel of its own.
    let res = submit(&city, &format!("{page}/rectification"), &ids, &["612", "12"]).await;
    assert!(res.text().await.unwrap().contains("请先上传整改报告。"));
    let res = city.upload(&format!("{page}/attachments"), "rectification_report", "整改报告.pdf", pdf.clone()).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        submit(&city, &format!("{page}/rectification"), &ids, &["612", "12"]).await.status(),
        StatusCode::SEE_OTHER
    );
    assert_eq!(status_of(&pool, id).await, "awaiting_reacceptance");
    let res = city.post_form(&format!("/projects/{id}/panel/draw"), &[("form_token", token().as_str())]).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    for member in &members {
        assert_eq!(score(member, id, "reacceptance", ["36", "26", "13", "13"], "approve").await, StatusCode::SEE_OTHER);
    }
    // The first acceptance's report is not the second's.
    assert!(conclude("", String::new()).await.text().await.unwrap().contains("请先上传验收报告（专家组签字）。"));
    let res = city.upload(&format!("{page}/attachments"), "acceptance_report", "复验报告.pdf", pdf).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(conclude("", String::new()).await.status(), StatusCode::SEE_OTHER);
    assert_eq!(status_of(&pool, id).await, "accepted");
    let rows: Vec<(i16, bool, String)> = sqlx::query_as(
        "SELECT attempt, passed, average::text FROM project_acceptances WHERE project_id = $1 ORDER BY attempt",
    )
    .bind(id.0)
    .fetch_all(&pool)
    .await
    .unwrap();
    assert_eq!(rows, vec![(1, false, "56.20".to_string()), (2, true, "88.00".to_string())]);

    // The whole life on the project's page; the experts' list names both panels.
    let detail = city.get(&format!("/projects/{id}")).await.text().await.unwrap();
    for step in ["提交结项", "验收不通过", "提交整改结果", "验收通过", "专家组平均分 88.00", "补齐 3 期培训的签到表"]
    {
        assert!(detail.contains(step), "{step}");
    }
    let mine = members[0].get("/reviews").await.text().await.unwrap();
    assert!(mine.contains("评估验收") && mine.contains("整改复验"));
    let print = city.get(&format!("{page}/print")).await.text().await.unwrap();
    assert!(print.contains("整改复验意见表") && print.contains("验收专家组组长签字"));

    // Partner departments read the region's approved project; other cities do not find it.
    let partner = app.login_as(Role::PartnerOfficer, "210100").await;
    assert_eq!(partner.get(&page).await.status(), StatusCode::OK);
    assert_eq!(partner.get(&format!("/projects/{id}")).await.status(), StatusCode::OK);
    assert!(partner.get("/projects").await.text().await.unwrap().contains("矿山企业一线班组长工伤预防培训"));
    let dalian = app.login_as(Role::CityOfficer, "210200").await;
    assert_eq!(dalian.get(&page).await.status(), StatusCode::NOT_FOUND);
    assert_eq!(province.get(&page).await.status(), StatusCode::OK);
    let res = province.post_form(&format!("{page}/conclude"), &[("form_token", token().as_str())]).await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn a_running_project_is_terminated_with_its_reasons_and_drafts_stay_unseen_by_partners() {
    let app = TestApp::spawn().await;
    let city = app.login_as(Role::CityOfficer, "210100").await;
    let (id, pool) = under_way(&app, &city, "51210100MJ0BBBB12").await;
    let page = format!("/projects/{id}/termination");
    assert!(city.get(&format!("/projects/{id}")).await.text().await.unwrap().contains("终止项目"));
    let res = city.post_form(&page, &[("form_token", token().as_str()), ("reason", " ")]).await;
    assert!(res.text().await.unwrap().contains("请写明终止项目的原因。"));
    assert_eq!(status_of(&pool, id).await, "in_progress");
    let res =
        city.post_form(&page, &[("form_token", token().as_str()), ("reason", "承担单位注销，无法继续实施")]).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(status_of(&pool, id).await, "terminated");
    let detail = city.get(&format!("/projects/{id}")).await.text().await.unwrap();
    assert!(detail.contains("终止项目") && detail.contains("承担单位注销，无法继续实施"));
    // Once ended it cannot be ended again, nor reported on.
    let res = city.post_form(&page, &[("form_token", token().as_str()), ("reason", "再次")]).await;
    assert!(res.text().await.unwrap().contains("只有备案后、验收结束前的项目才能终止"));
    let dalian = app.login_as(Role::CityOfficer, "210200").await;
    assert_eq!(dalian.get(&page).await.status(), StatusCode::NOT_FOUND);
    let agency = app.login_as(Role::AgencyOfficer, "210100").await;
    assert_eq!(agency.get(&page).await.status(), StatusCode::FORBIDDEN);
    assert_eq!(agency.get(&format!("/projects/{id}")).await.status(), StatusCode::OK, "approved: read");
    sqlx::query("UPDATE projects SET status = 'draft' WHERE id = $1").bind(id.0).execute(&pool).await.unwrap();
    assert_eq!(agency.get(&format!("/projects/{id}")).await.status(), StatusCode::NOT_FOUND, "a draft: unseen");
    assert!(!agency.get("/projects").await.text().await.unwrap().contains("矿山企业一线班组长工伤预防培训"));
}
