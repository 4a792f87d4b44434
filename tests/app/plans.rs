//! Implementation plans through the shared workflow: write, submit, return with a reason,
//! resubmit, file; the province's own plan issued by a second officer; the late mark; versions
//! compared; concurrent edits; double submits; the overview and its export.

use std::io::Cursor;

use calamine::{Reader, Xlsx};
use prevention::db::{DbActor, Scope};
use prevention::org::{DepartmentKind, Role};
use reqwest::StatusCode;
use sqlx::PgPool;

use crate::support::{TestApp, TestUser, csrf_token_in, province_rows, province_values};

const PROVINCE: DbActor = DbActor { scope: Scope::Province, account_id: None };

/// The plan id a redirect to `/plans/{id}` names.
fn plan_in(res: &reqwest::Response) -> i64 {
    res.headers()["location"].to_str().unwrap().trim_start_matches("/plans/").parse().unwrap()
}

/// The one-time form token of the first form on a page that carries one.
fn form_token_in(html: &str) -> String {
    let start = html.find(r#"name="form_token" value=""#).expect("a form token") + r#"name="form_token" value=""#.len();
    html[start..start + 32].to_string()
}

/// Starts the actor's region's plan for the 2021–2025 cycle from the plans page.
pub async fn start_plan(user: &TestUser) -> i64 {
    let page = user.get("/plans?cycle=2021").await.text().await.unwrap();
    assert!(page.contains("编制实施方案") || page.contains("编制省本级实施方案"), "offered to start one");
    let res = user.post_form("/plans/new", &[("cycle", "2021"), ("form_token", &form_token_in(&page))]).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    plan_in(&res)
}

/// (task row id, cycle task id) of a plan, in order.
async fn task_rows(pool: &PgPool, plan: i64) -> Vec<(i64, i64)> {
    province_rows(pool, "SELECT id, cycle_task_id FROM plan_tasks WHERE plan_id = $1 ORDER BY position", plan).await
}

async fn signed_documents(pool: &PgPool, plan: i64) -> usize {
    let sql = "SELECT id FROM attachments WHERE record_kind = 'plan' AND record_id = $1 AND kind = 'signed_document'";
    province_values::<i64>(pool, sql, plan).await.len()
}

async fn plan_version(pool: &PgPool, plan: i64) -> i32 {
    province_values(pool, "SELECT version FROM plans WHERE id = $1", plan).await[0]
}

/// The plan's workflow steps (files attached and removed left out).
pub async fn history_rows(pool: &PgPool, plan: i64) -> Vec<(String, String, String)> {
    let sql = "SELECT action, to_status, comment FROM workflow_history
               WHERE record_kind = 'plan' AND record_id = $1 AND action NOT IN ('attach', 'detach') ORDER BY id";
    province_rows(pool, sql, plan).await
}

/// Uploads the signed plan document (a PDF) from the plan's page.
pub async fn attach_signed_document(user: &TestUser, plan: i64) -> reqwest::Response {
    let pdf = prevention::attachments::samples::pdf(4096);
    user.upload(&format!("/plans/{plan}/attachments"), "signed_document", "实施方案（盖章）.pdf", pdf).await
}

/// Fills every section and attaches the signed document once: a plan ready to submit.
pub async fn fill(app: &TestApp, user: &TestUser, plan: i64, deadline: &str, department: &str) -> reqwest::Response {
    if signed_documents(&app.db.app_pool().await, plan).await == 0 {
        assert_eq!(attach_signed_document(user, plan).await.status(), StatusCode::SEE_OTHER, "the signed document");
    }
    fill_sections(app, user, plan, deadline, department).await
}

/// Fills every section; `deadline` goes to the first task row (so versions can differ there).
pub async fn fill_sections(
    app: &TestApp,
    user: &TestUser,
    plan: i64,
    deadline: &str,
    department: &str,
) -> reqwest::Response {
    let pool = app.db.app_pool().await;
    let rows = task_rows(&pool, plan).await;
    let version = plan_version(&pool, plan).await.to_string();
    // The indicator row the form shows again, as a browser posts it back.
    let indicator: Option<i64> =
        province_values(&pool, "SELECT id FROM plan_indicators WHERE plan_id = $1", plan).await.first().copied();
    let mut fields: Vec<(String, String)> = vec![
        ("guiding_ideas".into(), "以人民为中心，把工伤预防作为工伤保险优先事项。".into()),
        ("accident_rate_reduction_percent".into(), "20".into()),
        ("training_coverage_percent".into(), "100".into()),
        ("training_coverage_due".into(), "2025-12-31".into()),
        ("indicator_id".into(), indicator.map(|i| i.to_string()).unwrap_or_default()),
        ("indicator_name".into(), "培训人次".into()),
        ("indicator_target".into(), "≥ 5000".into()),
        ("indicator_unit".into(), "人次".into()),
        ("industry".into(), "province:mining".into()),
        ("industry".into(), "province:construction".into()),
        ("safeguards".into(), "加强组织领导，严格基金监管。".into()),
        ("document_number".into(), "沈人社发〔2021〕8号".into()),
        ("issued_on".into(), "2021-06-01".into()),
        ("version".into(), version),
    ];
    for (i, (id, task)) in rows.iter().enumerate() {
        fields.push(("task_id".into(), id.to_string()));
        fields.push(("task_cycle_task".into(), task.to_string()));
        fields.push(("task_department".into(), if i == 1 { department.into() } else { "hrss".into() }));
        fields.push(("task_measures".into(), format!("第 {} 项任务的措施", i + 1)));
        fields.push(("task_deadline".into(), if i == 0 { deadline.into() } else { "2025-12-31".into() }));
    }
    let refs: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    user.post_form(&format!("/plans/{plan}/edit"), &refs).await
}

/// Posts a workflow action from the plan's page (with its one-time token).
pub async fn act(user: &TestUser, plan: i64, action: &str, comment: &str) -> reqwest::Response {
    let page = user.get(&format!("/plans/{plan}")).await.text().await.unwrap();
    let token = form_token_in(&page);
    user.post_form(
        &format!("/plans/{plan}/transition"),
        &[("action", action), ("comment", comment), ("form_token", &token)],
    )
    .await
}

#[tokio::test]
async fn a_city_plan_is_written_submitted_returned_resubmitted_and_filed() {
    let app = TestApp::spawn().await;
    let city = app.login_as(Role::CityOfficer, "210100").await;
    let province = app.login_as(Role::ProvinceOfficer, "210000").await;
    let pool = app.db.app_pool().await;
    let plan = start_plan(&city).await;

    // An empty draft cannot be submitted; the page says what is missing.
    let res = act(&city, plan, "submit", "").await;
    assert_eq!(res.status(), StatusCode::OK);
    let body = res.text().await.unwrap();
    assert!(body.contains("请填写指导思想") && body.contains("请填写印发文件的文号和印发日期"), "what is missing");
    assert!(history_rows(&pool, plan).await.is_empty(), "nothing happened");

    assert_eq!(fill(&app, &city, plan, "2021-12-31", "emergency").await.status(), StatusCode::SEE_OTHER);
    let res = act(&city, plan, "submit", "").await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert!(city.get(&format!("/plans/{plan}")).await.text().await.unwrap().contains("实施方案已提交"));
    assert_eq!(city.get(&format!("/plans/{plan}/edit")).await.status(), StatusCode::FORBIDDEN, "frozen once submitted");

    // A return needs its reason.
    let res = act(&province, plan, "return", "  ").await;
    assert!(res.text().await.unwrap().contains("请填写理由"));
    let res = act(&province, plan, "return", "任务分工不够具体，请细化应急管理部门的措施。").await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let page = city.get(&format!("/plans/{plan}")).await.text().await.unwrap();
    assert!(page.contains("已退回") && page.contains("请细化应急管理部门的措施"), "the reason is on the timeline");

    // Edited and resubmitted: a second version, which the province files.
    assert_eq!(fill(&app, &city, plan, "2022-03-31", "emergency").await.status(), StatusCode::SEE_OTHER);
    assert_eq!(act(&city, plan, "submit", "").await.status(), StatusCode::SEE_OTHER);
    assert_eq!(act(&province, plan, "file", "").await.status(), StatusCode::SEE_OTHER);
    let page = province.get(&format!("/plans/{plan}")).await.text().await.unwrap();
    assert!(page.contains("已备案"));

    let history = history_rows(&pool, plan).await;
    let actions: Vec<&str> = history.iter().map(|(a, _, _)| a.as_str()).collect();
    assert_eq!(actions, ["submit", "return", "submit", "file"]);
    assert_eq!(history[1].2, "任务分工不够具体，请细化应急管理部门的措施。");
    let audited: i64 = sqlx::query_scalar("SELECT count(*) FROM audit_log WHERE action = 'plan.transition'")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(audited, 4, "each transition with its audit record");

    // The two versions differ in exactly one cell: the first task's deadline.
    let compare = city.get(&format!("/plans/{plan}/compare")).await.text().await.unwrap();
    assert!(compare.contains("共 1 处不同"), "{}", compare.split("共").nth(1).unwrap_or(""));
    assert!(compare.contains("2021-12-31") && compare.contains("2022-03-31"));
    assert_eq!(compare.matches(r#" changed""#).count(), 2, "the cell marked on both sides");
}

#[tokio::test]
async fn the_provinces_own_plan_is_issued_by_a_second_officer() {
    let app = TestApp::spawn().await;
    let drafter = app.login_as(Role::ProvinceOfficer, "210000").await;
    let second = app.login_as(Role::ProvinceOfficer, "210000").await;
    let page = drafter.get("/plans?cycle=2021").await.text().await.unwrap();
    let res = drafter.post_form("/plans/new", &[("cycle", "2021"), ("form_token", &form_token_in(&page))]).await;
    let plan = plan_in(&res);
    assert_eq!(fill(&app, &drafter, plan, "2021-12-31", "finance").await.status(), StatusCode::SEE_OTHER);
    assert_eq!(act(&drafter, plan, "submit", "").await.status(), StatusCode::SEE_OTHER);

    let res = act(&drafter, plan, "issue", "").await;
    assert_eq!(res.status(), StatusCode::OK);
    assert!(res.text().await.unwrap().contains("须由另一位工作人员办理"), "four eyes");
    let res = act(&drafter, plan, "file", "").await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN, "the province does not file with itself");
    assert_eq!(act(&second, plan, "issue", "").await.status(), StatusCode::SEE_OTHER);
    assert!(second.get(&format!("/plans/{plan}")).await.text().await.unwrap().contains("已印发"));
    let history = history_rows(&app.db.app_pool().await, plan).await;
    assert_eq!(history.iter().map(|(a, _, _)| a.as_str()).collect::<Vec<_>>(), ["submit", "issue"]);
}

#[tokio::test]
async fn a_double_submit_makes_one_record_and_one_history_row() {
    let app = TestApp::spawn().await;
    let city = app.login_as(Role::CityOfficer, "210100").await;
    let pool = app.db.app_pool().await;

    // Creating: the same form posted twice, at once.
    let page = city.get("/plans?cycle=2021").await.text().await.unwrap();
    let token = form_token_in(&page);
    let fields = [("cycle", "2021"), ("form_token", token.as_str())];
    let (a, b) = tokio::join!(city.post_form("/plans/new", &fields), city.post_form("/plans/new", &fields));
    assert_eq!((a.status(), b.status()), (StatusCode::SEE_OTHER, StatusCode::SEE_OTHER));
    assert_eq!(plan_in(&a), plan_in(&b), "both land on the one plan");
    let plans: i64 = {
        let mut tx = prevention::db::begin(&pool, PROVINCE).await.unwrap();
        let n = sqlx::query_scalar("SELECT count(*) FROM plans").fetch_one(&mut *tx).await.unwrap();
        tx.commit().await.unwrap();
        n
    };
    assert_eq!(plans, 1);
    let plan = plan_in(&a);

    // Submitting: clicked twice, then twice at once with a fresh token.
    fill(&app, &city, plan, "2021-12-31", "emergency").await;
    let page = city.get(&format!("/plans/{plan}")).await.text().await.unwrap();
    let token = form_token_in(&page);
    let fields = [("action", "submit"), ("comment", ""), ("form_token", token.as_str())];
    let path = format!("/plans/{plan}/transition");
    let (a, b) = tokio::join!(city.post_form(&path, &fields), city.post_form(&path, &fields));
    assert_eq!((a.status(), b.status()), (StatusCode::SEE_OTHER, StatusCode::SEE_OTHER));
    let again = city.post_form(&path, &fields).await;
    assert_eq!(again.status(), StatusCode::SEE_OTHER, "a late third click lands on the plan too");
    assert_eq!(history_rows(&pool, plan).await.len(), 1, "one history row");
    let mut tx = prevention::db::begin(&pool, PROVINCE).await.unwrap();
    let versions: i64 = sqlx::query_scalar("SELECT count(*) FROM record_versions").fetch_one(&mut *tx).await.unwrap();
    tx.commit().await.unwrap();
    assert_eq!(versions, 1, "one frozen version");
}

#[tokio::test]
async fn a_second_editor_gets_the_conflict_page_and_nothing_is_lost() {
    let app = TestApp::spawn().await;
    let first = app.login_as(Role::CityOfficer, "210100").await;
    let second = app.login_as(Role::CityOfficer, "210100").await;
    let plan = start_plan(&first).await;
    let pool = app.db.app_pool().await;
    let version = plan_version(&pool, plan).await.to_string();
    let res = first
        .post_form(&format!("/plans/{plan}/edit"), &[("guiding_ideas", "第一位的内容"), ("version", &version)])
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    // The second editor opened the form before the first saved.
    let res = second
        .post_form(&format!("/plans/{plan}/edit"), &[("guiding_ideas", "第二位的内容"), ("version", &version)])
        .await;
    assert_eq!(res.status(), StatusCode::CONFLICT);
    assert!(res.text().await.unwrap().contains("已被他人修改"));
    let page = first.get(&format!("/plans/{plan}")).await.text().await.unwrap();
    assert!(page.contains("第一位的内容") && !page.contains("第二位的内容"), "the first edit is kept");
}

#[tokio::test]
async fn partners_read_their_regions_plan_with_their_tasks_marked() {
    let app = TestApp::spawn().await;
    let city = app.login_as(Role::CityOfficer, "210100").await;
    let plan = start_plan(&city).await;
    fill(&app, &city, plan, "2021-12-31", "emergency").await;
    let partner = app.login_as_department(Role::PartnerOfficer, "210100", Some(DepartmentKind::Emergency)).await;
    let page = partner.get(&format!("/plans/{plan}")).await.text().await.unwrap();
    assert_eq!(page.matches("本单位</span>").count(), 1, "the one emergency task is marked");
    assert!(!page.contains("/edit\""), "no edit button");
    assert!(!page.contains("name=\"action\""), "no actions");
    let other = app.login_as_department(Role::PartnerOfficer, "210200", Some(DepartmentKind::Emergency)).await;
    assert_eq!(other.get(&format!("/plans/{plan}")).await.status(), StatusCode::NOT_FOUND);
    let expert = app.login_as(Role::Expert, "210100").await;
    assert_eq!(expert.get(&format!("/plans/{plan}")).await.status(), StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn the_overview_marks_late_filings_and_exports_them() {
    let app = TestApp::spawn().await;
    let owner = app.db.owner_pool().await;
    let by = crate::support::accounts::create(&owner, "plan_writer", Role::CityOfficer, "210100", None).await;
    let on_time = crate::support::plans::draft(&app.db, "210100", 2021, by).await;
    let late = crate::support::plans::draft(&app.db, "210200", 2021, by).await;
    crate::support::plans::draft(&app.db, "210300", 2021, by).await;
    let mut tx = prevention::db::begin(&owner, PROVINCE).await.unwrap();
    // 30 June 23:59:59 and 1 July 00:00:00 in Shanghai.
    for (plan, at) in [(on_time.0, "2021-06-30 15:59:59+00"), (late.0, "2021-06-30 16:00:00+00")] {
        sqlx::query("UPDATE plans SET status = 'submitted', first_submitted_at = $2::timestamptz WHERE id = $1")
            .bind(plan)
            .bind(at)
            .execute(&mut *tx)
            .await
            .unwrap();
    }
    tx.commit().await.unwrap();

    let province = app.login_as(Role::ProvinceOfficer, "210000").await;
    let page = province.get("/plans?cycle=2021").await.text().await.unwrap();
    assert!(page.contains("逾期 1"), "one late");
    let row = |name: &str| page.split(name).nth(1).unwrap().split("</tr>").next().unwrap().to_string();
    assert!(row("沈阳市").contains("按期"));
    assert!(row("大连市").contains("逾期"));
    assert!(row("鞍山市").contains("草稿"));
    assert!(row("抚顺市").contains("未编制"));
    let late_only = province.get("/plans?cycle=2021&timing=late").await.text().await.unwrap();
    assert!(late_only.contains("大连市") && !late_only.contains("沈阳市</td>"));

    let res = province.get("/plans/overview/export?cycle=2021&timing=late").await;
    assert_eq!(res.status(), StatusCode::OK);
    let mut book: Xlsx<_> = Xlsx::new(Cursor::new(res.bytes().await.unwrap().to_vec())).unwrap();
    let sheet = book.worksheet_range("数据").unwrap();
    let cells: Vec<Vec<String>> = sheet.rows().map(|r| r.iter().map(|c| c.to_string()).collect()).collect();
    assert!(cells.iter().any(|r| r[0] == "报备时间：逾期"));
    let header = cells.iter().position(|r| r[0] == "地区").unwrap();
    assert_eq!(cells[header + 1..].len(), 1);
    assert_eq!(cells[header + 1][0], "大连市");
    let audited: i64 = sqlx::query_scalar("SELECT count(*) FROM audit_log WHERE action = 'export.plans'")
        .fetch_one(&app.db.app_pool().await)
        .await
        .unwrap();
    assert_eq!(audited, 1);
}

#[tokio::test]
async fn region_key_industries_join_the_plans_choices() {
    let app = TestApp::spawn().await;
    let city = app.login_as(Role::CityOfficer, "210100").await;
    let page = city.get("/key-industries?cycle=2021").await.text().await.unwrap();
    assert!(page.contains("矿山") && page.contains("B06"), "the province's list applies");
    let add = |name: &'static str, divisions: &'static str| async {
        city.post_form("/key-industries", &[("cycle", "2021"), ("name", name), ("divisions", divisions)]).await
    };
    let res = add("粉尘涉爆", "C3").await;
    assert!(res.text().await.unwrap().contains("应为门类字母加两位数字"));
    assert_eq!(add("粉尘涉爆", "C30, C31, C32").await.status(), StatusCode::SEE_OTHER);
    assert!(add("粉尘涉爆", "C30").await.text().await.unwrap().contains("本周期已有同名的重点行业"));
    let plan = start_plan(&city).await;
    let edit = city.get(&format!("/plans/{plan}/edit")).await.text().await.unwrap();
    assert!(edit.contains("粉尘涉爆（C30、C31、C32）"), "offered in the plan");
    let other = app.login_as(Role::CityOfficer, "210200").await;
    let theirs = other.get("/key-industries?cycle=2021").await.text().await.unwrap();
    assert!(!theirs.contains("粉尘涉爆"), "another city's list is its own");
}

#[tokio::test]
async fn province_officers_edit_cycles_and_keep_the_calendar() {
    let app = TestApp::spawn().await;
    let province = app.login_as(Role::ProvinceOfficer, "210000").await;
    let form = province.get("/cycles/2026/edit").await.text().await.unwrap();
    let version = form.split(r#"name="version" value=""#).nth(1).unwrap().split('"').next().unwrap().to_string();
    let csrf = csrf_token_in(&form).unwrap();
    assert!(!csrf.is_empty());
    let mut fields: Vec<(&str, String)> = vec![
        ("name", "辽宁省工伤预防五年行动计划（2026—2030年）".into()),
        ("national_document", "人社部发〔2026〕18号".into()),
        ("provincial_document", "辽人社〔2026〕30号".into()),
        ("headline_target", "重点行业工伤事故发生率5年降低10%左右".into()),
        ("accident_rate_reduction_percent", "10".into()),
        ("training_target", "全覆盖".into()),
        ("training_coverage_due", "2030-12-31".into()),
        ("key_positions", "主要负责人\n一线班组长".into()),
        ("platform_positions", "即时配送等新就业形态劳动者".into()),
        ("coverage_target_percent", "95".into()),
        ("plan_filing_due", "2026-09-30".into()),
        ("annual_report_due", "12-15".into()),
        ("department", "emergency".into()),
        ("department", "market_regulation".into()),
        ("task_id", String::new()),
        ("task_title", "制定工伤预防实施方案".into()),
        ("task_summary", String::new()),
        ("version", version),
    ];
    let res = province
        .post_form("/cycles/2026/edit", &fields.iter().map(|(k, v)| (*k, v.as_str())).collect::<Vec<_>>())
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let page = province.get("/cycles/2026").await.text().await.unwrap();
    assert!(page.contains("辽人社〔2026〕30号") && page.contains("2026-09-30") && page.contains("（3 个）"));
    assert!(
        page.contains("平台企业另计：即时配送等新就业形态劳动者") && page.contains("95%（2030-12-31 前）"),
        "{page}"
    );
    let audited: i64 = sqlx::query_scalar("SELECT count(*) FROM audit_log WHERE action = 'cycle.update'")
        .fetch_one(&app.db.app_pool().await)
        .await
        .unwrap();
    assert_eq!(audited, 1);
    // A stale save does not overwrite.
    fields.retain(|(k, _)| *k != "version");
    fields.push(("version", "1".into()));
    let stale = province
        .post_form("/cycles/2026/edit", &fields.iter().map(|(k, v)| (*k, v.as_str())).collect::<Vec<_>>())
        .await;
    assert_eq!(stale.status(), StatusCode::CONFLICT);

    // The calendar: a holiday and a swapped day, entered a line each.
    let res = province
        .post_form(
            "/calendar/2025/edit",
            &[
                ("document", "国办发明电〔2024〕12号"),
                ("holidays", "2025-10-01 国庆节\n2025-10-02 国庆节"),
                ("workdays", "2025-09-28 调休"),
                ("version", "0"),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let city = app.login_as(Role::CityOfficer, "210100").await;
    let year = city.get("/calendar?year=2025").await.text().await.unwrap();
    assert!(year.contains("2025-09-28") && year.contains("调休上班") && year.contains("国庆节"));
    let empty = city.get("/calendar?year=2030").await.text().await.unwrap();
    assert!(empty.contains("尚未录入，目前只按周末计算工作日"));
    let pool = app.db.app_pool().await;
    let calendar = prevention::calendar::store::between(
        &pool,
        chrono::NaiveDate::from_ymd_opt(2025, 9, 1).unwrap(),
        chrono::NaiveDate::from_ymd_opt(2025, 10, 31).unwrap(),
    )
    .await
    .unwrap();
    let friday = chrono::NaiveDate::from_ymd_opt(2025, 9, 26).unwrap();
    // Sunday 28 September is worked; 1–2 October are off; 3 October (Friday) is not entered here.
    assert_eq!(calendar.add_working_days(friday, 3), chrono::NaiveDate::from_ymd_opt(2025, 9, 30).unwrap());
    assert_eq!(calendar.add_working_days(friday, 4), chrono::NaiveDate::from_ymd_opt(2025, 10, 3).unwrap());
}

#[tokio::test]
async fn a_change_to_reference_data_shows_at_once_whichever_instance_made_it() {
    let app = TestApp::spawn().await;
    let province = app.login_as(Role::ProvinceOfficer, "210000").await;
    let before = province.get("/plans?cycle=2026").await.text().await.unwrap();
    assert!(before.contains("2026-06-30"), "the province file's deadline");
    // Another instance (here: the database directly) moves the deadline; this instance holds
    // the cycles in memory and must notice.
    crate::support::exec(
        &app.db.owner_pool().await,
        "UPDATE cycles SET plan_filing_due = '2026-10-15' WHERE first_year = 2026",
    )
    .await;
    let after = province.get("/plans?cycle=2026").await.text().await.unwrap();
    assert!(after.contains("2026-10-15") && !after.contains("2026-06-30"), "the new deadline at once");
}
