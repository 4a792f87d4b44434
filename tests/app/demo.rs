//! Demo mode: demo accounts for every role, contact details, the banner; never on a configured
//! database.

use std::process::Command;

use prevention::db::{APP_ROLE, OWNER_ROLE};
use prevention::demo::{ACCOUNTS, DEMO_PASSWORD};
use reqwest::StatusCode;

use crate::support::{TestApp, TestDb, manifest_dir};

#[tokio::test]
async fn demo_accounts_sign_in_and_see_the_banner() {
    let app = TestApp::spawn_demo().await;
    for account in ACCOUNTS {
        let user =
            app.login(account.username, DEMO_PASSWORD).await.unwrap_or_else(|s| panic!("{}: {s}", account.username));
        let body = user.get("/").await.text().await.unwrap();
        assert!(body.contains("演示环境"), "{}", account.username);
        assert!(body.contains(account.name));
        assert!(body.contains(account.role.label()));
    }
    // Seeding again changes nothing.
    let owner = app.db.owner_pool().await;
    prevention::demo::seed(&owner).await.unwrap();
    // The listed accounts, and the accounts of the experts who scored (demo_sy_expert_<id>).
    let count: i64 = sqlx::query_scalar("SELECT count(*) FROM accounts").fetch_one(&owner).await.unwrap();
    let scorers: i64 = sqlx::query_scalar("SELECT count(*) FROM accounts WHERE username LIKE 'demo\\_sy\\_expert\\_%'")
        .fetch_one(&owner)
        .await
        .unwrap();
    let linked: i64 = sqlx::query_scalar("SELECT count(*) FROM account_requests WHERE account_id IS NOT NULL")
        .fetch_one(&owner)
        .await
        .unwrap();
    // The 2027 panels' sheets by others than the demo expert (who may sit on both) and the 2026
    // round's panels (review and acceptance) each have a scorer's account.
    assert!(scorers >= 4 && scorers == linked - 1, "{scorers} scorers, {linked} linked");
    assert_eq!(count, ACCOUNTS.len() as i64 + scorers);
    // The demo's own changes are in the audit log, so the auditor's pages are alive too.
    let created: i64 =
        sqlx::query_scalar("SELECT count(*) FROM audit_log WHERE action = 'account.create' AND username = '演示数据'")
            .fetch_one(&owner)
            .await
            .unwrap();
    assert_eq!(created, ACCOUNTS.len() as i64 + scorers, "and seeding again wrote no second set");
}

#[tokio::test]
async fn the_demo_has_department_contacts() {
    let app = TestApp::spawn_demo().await;
    let user = app.login("demo_dl_hrss", DEMO_PASSWORD).await.unwrap();
    let body = user.get("/departments").await.text().await.unwrap();
    assert!(!body.contains("未填写"), "every 大连 department has a contact");
    assert!(body.contains("041****"), "masked 大连 numbers");
    let province = app.login("demo_province", DEMO_PASSWORD).await.unwrap();
    let body = province.get("/departments?kind=hrss").await.text().await.unwrap();
    assert!(!body.contains("未填写"), "every HRSS bureau has a contact");
    assert_eq!(province.get("/departments").await.status(), StatusCode::OK);
}

#[tokio::test]
async fn demo_refuses_a_configured_database() {
    let db = TestDb::create().await;
    let out = Command::new(env!("CARGO_BIN_EXE_prevention"))
        .args(["serve", "--demo", "--bind", "127.0.0.1:0"])
        .current_dir(manifest_dir())
        .env("PREVENTION_DATABASE_URL", db.url(APP_ROLE))
        .env("PREVENTION_OWNER_DATABASE_URL", db.url(OWNER_ROLE))
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("--demo 只能在本地私有数据库上运行"));
    let accounts: i64 =
        sqlx::query_scalar("SELECT count(*) FROM accounts").fetch_one(&db.app_pool().await).await.unwrap();
    assert_eq!(accounts, 0, "nothing was written");
}

#[tokio::test]
async fn demo_accounts_do_not_outlive_demo_mode() {
    let app = TestApp::spawn_after_demo().await;
    for username in ["demo_sy_hrss", "demo_province", "demo_sysadmin"] {
        assert_eq!(app.login(username, DEMO_PASSWORD).await.err(), Some(200), "{username} is refused");
    }
    let pool = app.db.app_pool().await;
    let refusals: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM audit_log WHERE action = 'login.failure' AND detail = '演示账号只能在演示模式下使用'",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(refusals, 3);

    // A session opened in demo mode stops working once the server runs without it.
    let demo = TestApp::spawn_demo().await;
    let user = demo.login("demo_sy_hrss", DEMO_PASSWORD).await.unwrap();
    assert_eq!(user.get("/").await.status(), StatusCode::OK);
    let owner = demo.db.owner_pool().await;
    let settings = prevention::config::Settings {
        static_dir: crate::support::manifest_dir().join("static"),
        ..Default::default()
    };
    let pool = prevention::server::connect_checked(&settings, demo.db.options(APP_ROLE)).await.unwrap();
    let state = prevention::state::AppState::load(pool, settings, crate::support::province(), false).await.unwrap();
    let plain = prevention::router(state);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move {
        let _ = axum::serve(listener, plain.into_make_service_with_connect_info::<std::net::SocketAddr>()).await;
    });
    let res = user.client.get(format!("{base}/")).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(res.headers()["location"], "/login");
    owner.close().await;
}

#[tokio::test]
async fn the_demo_has_plans_in_every_state() {
    let app = TestApp::spawn_demo().await;
    let province = app.login("demo_province", DEMO_PASSWORD).await.unwrap();
    let overview = province.get("/plans?cycle=2021").await.text().await.unwrap();
    let row = |name: &str| {
        overview.split(&format!("<td>{name}</td>")).nth(1).unwrap().split("</tr>").next().unwrap().to_string()
    };
    assert!(row("沈阳市").contains("已备案") && row("沈阳市").contains("按期"));
    assert!(row("大连市").contains("已报备"), "returned, then resubmitted");
    assert!(row("鞍山市").contains("逾期"));
    assert!(row("省本级").contains("已印发"));
    assert!(row("抚顺市").contains("未编制"));
    let drafts = province.get("/plans?cycle=2026").await.text().await.unwrap();
    assert_eq!(drafts.matches("status-draft").count(), 2, "沈阳 and 大连 drafting 2026–2030");

    let dalian = app.login("demo_dl_hrss", DEMO_PASSWORD).await.unwrap();
    let page = dalian.get("/plans?cycle=2021").await.text().await.unwrap();
    let link = page.split("href=\"/plans/").nth(1).unwrap().split('"').next().unwrap().to_string();
    let plan = dalian.get(&format!("/plans/{link}")).await.text().await.unwrap();
    assert!(plan.contains("请细化并明确完成时限"), "the return's reason");
    assert!(plan.contains("第 2 版"));
    let compare = dalian.get(&format!("/plans/{link}/compare")).await.text().await.unwrap();
    assert!(compare.contains("处不同") && !compare.contains("共 0 处不同"));
    // Its signed document, a PDF that names the plan, downloads.
    let file = plan.split(&format!("href=\"/plans/{link}/attachments/")).nth(1).unwrap().split('"').next().unwrap();
    let res = dalian.get(&format!("/plans/{link}/attachments/{file}")).await;
    assert_eq!(res.headers()["content-type"], "application/pdf");
    let pdf = res.bytes().await.unwrap();
    assert!(pdf.starts_with(b"%PDF-") && pdf.ends_with(b"%%EOF\n"));
    let drafting = dalian.get("/plans?cycle=2026").await.text().await.unwrap();
    let draft = drafting.split("href=\"/plans/").nth(1).unwrap().split('"').next().unwrap().to_string();
    let draft = dalian.get(&format!("/plans/{draft}")).await.text().await.unwrap();
    assert!(draft.contains("缺少，须上传") && draft.contains("请上传正式印发文件"), "a draft shows what it lacks");
    let industries = app.login("demo_sy_hrss", DEMO_PASSWORD).await.unwrap().get("/key-industries?cycle=2026").await;
    assert!(industries.text().await.unwrap().contains("粉尘涉爆"));
    let calendar = province.get("/calendar?year=2025").await.text().await.unwrap();
    assert!(calendar.contains("国庆节、中秋节") && calendar.contains("2025-10-11"));
}

#[tokio::test]
async fn the_demo_has_rosters_filed_changed_and_incomplete() {
    let app = TestApp::spawn_demo().await;
    let province = app.login("demo_province", DEMO_PASSWORD).await.unwrap();
    let overview = province.get("/rosters?cycle=2021").await.text().await.unwrap();
    let row = |name: &str| {
        overview.split(&format!("<td>{name}</td>")).nth(1).unwrap().split("</tr>").next().unwrap().to_string()
    };
    assert!(row("沈阳市").contains("已备案") && !row("沈阳市").contains("有变更"), "replaced and filed again");
    assert!(row("大连市").contains("已备案") && row("大连市").contains("有变更"), "changed since filing");
    assert!(row("鞍山市").contains("草稿") && row("鞍山市").contains("不完整"));
    assert!(row("省本级").contains("已备案"));
    assert!(row("抚顺市").contains("未建立"));
    let current = province.get("/rosters?cycle=2026").await.text().await.unwrap();
    assert!(current.contains("status-submitted"), "沈阳's 2026–2030 roster waits for the province");

    // 沈阳's leader before and after the replacement of March 2023; two reported versions.
    let shenyang = app.login("demo_sy_hrss", DEMO_PASSWORD).await.unwrap();
    let page = shenyang.get("/rosters?cycle=2021").await.text().await.unwrap();
    let link = page.split("href=\"/rosters/").nth(1).unwrap().split('"').next().unwrap().to_string();
    let now = shenyang.get(&format!("/rosters/{link}")).await.text().await.unwrap();
    let then = shenyang.get(&format!("/rosters/{link}?as_of=2022-01-01")).await.text().await.unwrap();
    assert!(now.contains("韩振宇") && now.contains("第 2 版"));
    let members = |page: &str| page.split("</table>").next().unwrap_or_default().to_string();
    assert!(members(&then).contains("<td>组长</td>"), "the leader of 2022 is listed");
    assert!(!members(&then).contains("韩振宇"), "not yet a member in 2022");
    let compare = shenyang.get(&format!("/rosters/{link}/compare")).await.text().await.unwrap();
    assert!(compare.contains("韩振宇"));
}

#[tokio::test]
async fn the_demo_has_meetings_with_items_done_open_and_overdue() {
    let app = TestApp::spawn_demo().await;
    let shenyang = app.login("demo_sy_hrss", DEMO_PASSWORD).await.unwrap();
    let meetings = shenyang.get("/meetings?year=2025").await.text().await.unwrap();
    assert!(meetings.contains("总结 2024 年工伤预防工作"));
    let items = shenyang.get("/action-items?status=all&year=2025").await.text().await.unwrap();
    assert!(items.contains("status-done") && items.contains("status-overdue"), "done and overdue in 2025");
    assert!(items.contains("检查企业 46 家"), "closed by the emergency department's officer");
    let pool = app.db.app_pool().await;
    let scope = prevention::db::DbActor::new(prevention::db::Scope::Province, None);
    let mut tx = prevention::db::begin(&pool, scope).await.unwrap();
    let closers: Vec<String> = sqlx::query_scalar(
        "SELECT DISTINCT a.username FROM meeting_action_items i JOIN accounts a ON a.id = i.closed_by ORDER BY 1",
    )
    .fetch_all(&mut *tx)
    .await
    .unwrap();
    tx.commit().await.unwrap();
    assert!(
        closers.iter().any(|u| u == "demo_sy_emergency") && closers.iter().any(|u| u == "demo_dl_health"),
        "partner officers closed their own: {closers:?}"
    );
    let province = app.login("demo_province", DEMO_PASSWORD).await.unwrap();
    let overview = province.get("/meetings?year=2025").await.text().await.unwrap();
    let row = overview.split("<td>鞍山市</td>").nth(1).unwrap().split("</tr>").next().unwrap().to_string();
    assert!(row.contains("<span class=\"text-danger\">2</span>"), "鞍山's two items overdue: {row}");
}

#[tokio::test]
async fn the_demo_has_applications_in_every_state_up_to_the_pre_review() {
    let app = TestApp::spawn_demo().await;
    let shenyang = app.login("demo_sy_hrss", DEMO_PASSWORD).await.unwrap();
    let list = shenyang.get("/projects?year=2027").await.text().await.unwrap();
    for (status, count) in
        [("全部", 8), ("草稿", 2), ("待初审", 2), ("退回修改", 1), ("不予立项", 1), ("待专家评审", 1), ("公示中", 1)]
    {
        assert!(
            list.contains(&format!("{status} <span class=\"badge bg-secondary\">{count}</span>")),
            "{status} {count}"
        );
    }
    // The machinery project was returned, repriced and resubmitted: two versions that differ.
    let row = list.split("重型装备制造企业机械伤害预防专项培训").next().unwrap();
    let id = row.rsplit("href=\"/projects/").next().unwrap().split('"').next().unwrap().to_string();
    let page = shenyang.get(&format!("/projects/{id}")).await.text().await.unwrap();
    assert!(page.contains("实训设备耗材单价过高") && page.contains("第 2 版"));
    let compare = shenyang.get(&format!("/projects/{id}/compare")).await.text().await.unwrap();
    assert!(compare.contains("66,000.00") && compare.contains("84,000.00"), "the repriced line, before and after");
    // The province sees both cities' applications.
    let province = app.login("demo_province", DEMO_PASSWORD).await.unwrap();
    let all = province.get("/projects?year=2027").await.text().await.unwrap();
    assert!(all.contains("全部 <span class=\"badge bg-secondary\">12</span>"));
    assert!(
        all.contains("港口装卸作业人员工伤预防培训") && all.contains("金属非金属矿山一线班组长工伤预防能力提升培训")
    );
    // The second officer of 大连 sees the application waiting for the pre-review and may act on it.
    let reviewer = app.login("demo_dl_hrss_2", DEMO_PASSWORD).await.unwrap();
    let waiting = reviewer.get("/projects?status=submitted").await.text().await.unwrap();
    let rows = waiting.split("<tbody>").nth(1).unwrap();
    let id = rows.split("href=\"/projects/").nth(1).unwrap().split('"').next().unwrap().to_string();
    let page = reviewer.get(&format!("/projects/{id}")).await.text().await.unwrap();
    assert!(page.contains("value=\"pass\"") && page.contains("value=\"return\""));
}

#[tokio::test]
async fn the_demo_has_an_expert_pool_with_an_account_and_a_request_waiting() {
    let app = TestApp::spawn_demo().await;
    let province = app.login("demo_province", DEMO_PASSWORD).await.unwrap();
    let pool = province.get("/experts").await.text().await.unwrap();
    assert!(pool.contains("共 30 名"), "thirty experts across 省本级，沈阳 and 大连");
    for specialty in ["工伤预防", "安全生产", "职业卫生", "财务"] {
        assert!(pool.contains(&format!("<td>{specialty}</td>")), "{specialty}");
    }
    let shenyang = app.login("demo_sy_hrss", DEMO_PASSWORD).await.unwrap();
    let list = shenyang.get("/experts?q=%E9%83%91%E6%B5%B7%E6%B6%9B").await.text().await.unwrap();
    assert!(list.contains("郑海涛") && list.contains(">已开通<"), "the demo expert's account");
    assert!(list.contains("共 1 名"));
    let requests: i64 = sqlx::query_scalar("SELECT count(*) FROM account_requests WHERE account_id IS NULL")
        .fetch_one(&app.db.superuser_pool().await)
        .await
        .unwrap();
    assert_eq!(requests, 1, "one waits on the system administrator's list");
    // The applications the pre-review passed have their panels, drawn and reproducible; in 沈阳
    // one member was replaced with a reason.
    let reviewer = app.login("demo_sy_hrss_2", DEMO_PASSWORD).await.unwrap();
    let passed = reviewer.get("/projects?status=expert_review").await.text().await.unwrap();
    let rows = passed.split("<tbody>").nth(1).unwrap();
    let id = rows.split("href=\"/projects/").nth(1).unwrap().split('"').next().unwrap().to_string();
    let panel = reviewer.get(&format!("/projects/{id}/panel")).await.text().await.unwrap();
    assert!(panel.contains("按记录复核一致") && !panel.contains("按记录复核不一致"));
    let (draws, replacements): (i64, i64) = sqlx::query_as(
        "SELECT count(*), count(*) FILTER (WHERE d.replaced_expert IS NOT NULL) FROM expert_draws d
             JOIN projects p ON p.region_id = d.region_id AND p.id = d.project_id WHERE p.year = 2027",
    )
    .fetch_one(&app.db.superuser_pool().await)
    .await
    .unwrap();
    assert_eq!((draws, replacements), (4, 1), "three panels and one replacement");
}

#[tokio::test]
async fn the_demo_expert_has_a_panel_scored_in_full_and_one_under_way() {
    let app = TestApp::spawn_demo().await;
    let expert = app.login("demo_expert", DEMO_PASSWORD).await.unwrap();
    let list = expert.get("/reviews").await.text().await.unwrap();
    assert!(list.contains("已提交") && list.contains("草稿"), "one sheet submitted, one a draft");
    let sheets: Vec<(String, i64, i64)> = sqlx::query_as(
        "SELECT p.status, count(*) FILTER (WHERE s.submitted_at IS NOT NULL), count(*) FILTER (WHERE s.submitted_at IS NULL)
         FROM review_sheets s JOIN projects p ON p.region_id = s.region_id AND p.id = s.project_id
         WHERE p.year = 2027 GROUP BY p.id, p.status ORDER BY p.id",
    )
    .fetch_all(&app.db.superuser_pool().await)
    .await
    .unwrap();
    assert_eq!(
        sheets,
        [("in_publicity".to_string(), 5, 0), ("expert_review".to_string(), 3, 1)],
        "the first panel scored in full moved on (and was decided since); the second has three sheets in and a draft"
    );
    // The second's spread (87 − 57 = 30) is above the round's 20: flagged for the officers.
    let officer = app.login("demo_sy_hrss", DEMO_PASSWORD).await.unwrap();
    let waiting = officer.get("/projects?status=expert_review").await.text().await.unwrap();
    let rows = waiting.split("<tbody>").nth(1).unwrap();
    let id = rows.split("href=\"/projects/").nth(1).unwrap().split('"').next().unwrap().to_string();
    let summary = officer.get(&format!("/projects/{id}/review")).await.text().await.unwrap();
    assert!(summary.contains("id=\"spread-flag\"") && summary.contains("相差 30 分"));
    // The members who scored sign in as experts of their own.
    assert!(app.login(&format!("demo_sy_expert_{}", first_member(&app, &id).await), DEMO_PASSWORD).await.is_ok());
}

/// A sitting member of project `id`'s panel other than the demo expert.
async fn first_member(app: &TestApp, id: &str) -> i64 {
    sqlx::query_scalar(
        "SELECT m.expert_id FROM panel_members m JOIN experts e ON e.region_id = m.region_id AND e.id = m.expert_id
         WHERE m.project_id = $1::bigint AND m.replaced_by IS NULL AND e.name <> '郑海涛' ORDER BY m.expert_id LIMIT 1",
    )
    .bind(id)
    .fetch_one(&app.db.superuser_pool().await)
    .await
    .unwrap()
}

#[tokio::test]
async fn the_demo_has_an_application_in_publicity_with_an_objection_answered() {
    let app = TestApp::spawn_demo().await;
    let officer = app.login("demo_sy_hrss", DEMO_PASSWORD).await.unwrap();
    let list = officer.get("/projects?status=in_publicity").await.text().await.unwrap();
    let rows = list.split("<tbody>").nth(1).unwrap();
    let id = rows.split("href=\"/projects/").nth(1).unwrap().split('"').next().unwrap().to_string();
    let page = officer.get(&format!("/projects/{id}/approval")).await.text().await.unwrap();
    assert!(page.contains("审定结果") && page.contains("联席会议") && page.contains("不成立"), "{page}");
    let (approved, requested, objections): (rust_decimal::Decimal, rust_decimal::Decimal, i64) = sqlx::query_as(
        "SELECT p.approved_amount, p.requested_amount, (SELECT count(*) FROM project_objections o WHERE o.project_id = p.id)
         FROM projects p WHERE p.id = $1::bigint",
    )
    .bind(&id)
    .fetch_one(&app.db.superuser_pool().await)
    .await
    .unwrap();
    assert!(
        approved <= requested && approved > requested - rust_decimal::Decimal::from(1000),
        "{approved} of {requested}"
    );
    assert_eq!(objections, 1);
}

#[tokio::test]
async fn the_demo_carries_projects_through_their_whole_life() {
    let app = TestApp::spawn_demo().await;
    let pool = app.db.superuser_pool().await;
    let lives: Vec<(i64, String, String)> = sqlx::query_as(
        "SELECT p.id, p.name, p.status FROM projects p JOIN project_rounds w ON w.id = p.round_id
         WHERE w.year = 2026 ORDER BY p.id",
    )
    .fetch_all(&pool)
    .await
    .unwrap();
    let statuses: Vec<&str> = lives.iter().map(|(_, _, s)| s.as_str()).collect();
    assert_eq!(statuses, ["settled", "rectifying", "in_progress", "filed"]);
    let officer = app.login("demo_sy_hrss", DEMO_PASSWORD).await.unwrap();
    // The accepted one: its acceptance, its whole life on the timeline, steps on their days.
    let accepted = lives[0].0;
    let page = officer.get(&format!("/projects/{accepted}/acceptance")).await.text().await.unwrap();
    assert!(page.contains("通过（专家组平均分 85.60）") && page.contains("达到"), "{page}");
    let detail = officer.get(&format!("/projects/{accepted}")).await.text().await.unwrap();
    for step in ["专家评审完成", "同意立项", "备案", "协议金额", "报告实施进度", "提交结项", "验收通过"]
    {
        assert!(detail.contains(step), "{step}");
    }
    let first: chrono::DateTime<chrono::Utc> = sqlx::query_scalar(
        "SELECT min(occurred_at) FROM workflow_history WHERE record_kind = 'project' AND record_id = $1",
    )
    .bind(accepted)
    .fetch_one(&pool)
    .await
    .unwrap();
    assert!(first < chrono::Utc::now() - chrono::Duration::days(200), "dated back to March: {first}");
    // The failed one rectifies by January; the one under way is overdue; both are supervised.
    let rectifying = officer.get(&format!("/projects/{}/acceptance", lives[1].0)).await.text().await.unwrap();
    assert!(rectifying.contains("不通过（专家组平均分 58.20）") && rectifying.contains("2027-01-15"));
    let list = officer.get("/supervision").await.text().await.unwrap();
    assert!(list.contains(&lives[1].1) && list.contains(&lives[2].1), "{list}");
    assert!(list.contains("进度节点逾期") && list.contains("验收不通过"));
    // The filed one has its agreement entered, not signed.
    let agreement = officer.get(&format!("/projects/{}/agreement", lives[3].0)).await.text().await.unwrap();
    assert!(agreement.contains("沈人社预协〔2026〕") && agreement.contains("办理签订"));
    // The demo's partner department reads them; the experts who accepted see their panels.
    // Paid in three stages and settled, the rest released; the fee's page shows it.
    let stages: Vec<String> =
        sqlx::query_scalar("SELECT stage FROM fee_payments WHERE project_id = $1 ORDER BY paid_on")
            .bind(accepted)
            .fetch_all(&pool)
            .await
            .unwrap();
    assert_eq!(stages, ["advance", "interim", "final"]);
    let fee = officer.get("/fee?year=2026").await.text().await.unwrap();
    assert!(fee.contains("释放") && fee.contains("结算：核定安排未拨付部分"), "{fee}");
    // 沈阳's 2026 budget was adjusted: its two versions differ in the training line and the total.
    assert!(fee.contains("第 2 版") && fee.contains("比较最近两版"), "{fee}");
    let budget: i64 = sqlx::query_scalar(
        "SELECT b.id FROM fee_budgets b JOIN regions r ON r.id = b.region_id WHERE r.code = '210100' AND budget_year = 2026",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    let compare = officer.get(&format!("/fee/budgets/{budget}/compare")).await.text().await.unwrap();
    assert!(compare.contains("共 2 处不同"), "{compare}");
    let partner = app.login("demo_sy_emergency", DEMO_PASSWORD).await.unwrap();
    assert_eq!(partner.get(&format!("/projects/{accepted}/acceptance")).await.status(), reqwest::StatusCode::OK);
}

#[tokio::test]
async fn the_demo_has_training_from_low_to_complete_coverage() {
    let app = TestApp::spawn_demo().await;
    let province = app.login("demo_province", DEMO_PASSWORD).await.unwrap();
    let page = province.get("/training/coverage").await.text().await.unwrap();
    // 大连 trained every one of its required people; some city far fewer.
    let dalian = page.split("大连市</a></td>").nth(1).unwrap_or_default();
    assert!(dalian.split("</tr>").next().unwrap_or_default().contains(">100.0%<"), "{page}");
    assert!(page.contains("table-warning"), "some region below the target: {page}");
    // 沈阳's platform employer counts its riders apart, partly trained online.
    let officer = app.login("demo_sy_hrss", DEMO_PASSWORD).await.unwrap();
    let own = officer.get("/training/coverage").await.text().await.unwrap();
    assert!(own.contains("即时配送等新就业形态劳动者") && own.contains("危险化学品"), "{own}");
    let sessions = officer.get("/training").await.text().await.unwrap();
    assert!(sessions.contains("（考核）") && sessions.contains("线上"), "{sessions}");
    let below = officer.get("/training/coverage/below").await.text().await.unwrap();
    assert!(below.contains("沈阳速达即时配送服务有限公司"), "{below}");
}

#[tokio::test]
async fn the_demo_has_organisations_some_suspended_schools_everywhere_and_both_campaigns_of_two_years() {
    let app = TestApp::spawn_demo().await;
    let pool = app.db.app_pool().await;
    let scope = prevention::db::DbActor::new(prevention::db::Scope::Province, None);
    let mut tx = prevention::db::begin(&pool, scope).await.unwrap();
    let statuses: Vec<(String, i64)> =
        sqlx::query_as("SELECT listing_status, count(*) FROM service_organisations GROUP BY 1 ORDER BY 1")
            .fetch_all(&mut *tx)
            .await
            .unwrap();
    let moves: i64 = sqlx::query_scalar("SELECT count(*) FROM workflow_history WHERE record_kind = 'organisation'")
        .fetch_one(&mut *tx)
        .await
        .unwrap();
    let school_cities: i64 = sqlx::query_scalar("SELECT count(DISTINCT region_id) FROM technical_schools")
        .fetch_one(&mut *tx)
        .await
        .unwrap();
    let campaigns: Vec<(i32, String, i64)> = sqlx::query_as(
        "SELECT extract(year FROM held_on)::int, kind, count(DISTINCT region_id) FROM publicity_events
         WHERE kind IN ('disease_law_week', 'safety_month') GROUP BY 1, 2 ORDER BY 1, 2",
    )
    .fetch_all(&mut *tx)
    .await
    .unwrap();
    tx.commit().await.unwrap();
    let count = |s: &str| statuses.iter().find(|(k, _)| k == s).map_or(0, |(_, n)| *n);
    assert_eq!(statuses.iter().map(|(_, n)| n).sum::<i64>(), 20);
    assert_eq!((count("listed"), count("suspended"), count("removed"), count("unlisted")), (14, 3, 1, 2));
    assert_eq!(moves, 14 + 3 * 2 + 2, "every listing move in the history");
    assert_eq!(school_cities, 14);
    let year = chrono::Datelike::year(&prevention::values::time::today());
    for y in [year - 1, year] {
        for kind in ["disease_law_week", "safety_month"] {
            assert!(campaigns.contains(&(y, kind.to_string(), 14)), "{y} {kind}: {campaigns:?}");
        }
    }
    // A city sees the organisations serving it; its online session names a listed platform.
    let shenyang = app.login("demo_sy_hrss", DEMO_PASSWORD).await.unwrap();
    let list = shenyang.get("/organisations").await.text().await.unwrap();
    assert!(list.contains("辽宁安培在线培训平台") && list.contains("暂停推荐"));
    let training = shenyang.get("/training").await.text().await.unwrap();
    assert!(training.contains("辽宁安培在线培训平台"));
}

#[tokio::test]
async fn the_demo_has_injury_statistics_of_every_city_some_on_track_and_some_not() {
    let app = TestApp::spawn_demo().await;
    let pool = app.db.app_pool().await;
    let scope = prevention::db::DbActor::new(prevention::db::Scope::Province, None);
    let mut tx = prevention::db::begin(&pool, scope).await.unwrap();
    let (cities, years, rows): (i64, i64, i64) =
        sqlx::query_as("SELECT count(DISTINCT region_id), count(DISTINCT year), count(*) FROM injury_statistics")
            .fetch_one(&mut *tx)
            .await
            .unwrap();
    tx.commit().await.unwrap();
    assert_eq!((cities, years, rows), (14, 6, 14 * 6 * 5), "2020–2025, every city and key industry");
    let province = app.login("demo_province", DEMO_PASSWORD).await.unwrap();
    let page = province.get("/statistics?cycle=2021").await.text().await.unwrap();
    assert!(page.contains(">达标<") && page.contains(">未达标<"), "{page}");
    let next = province.get("/statistics/province?cycle=2026").await.text().await.unwrap();
    assert!(next.contains("2025（基准年）") && next.contains("‰"), "2025 is the next cycle's base: {next}");
}

#[tokio::test]
async fn the_demo_has_inspections_with_findings_in_every_status() {
    let app = TestApp::spawn_demo().await;
    let pool = app.db.app_pool().await;
    let scope = prevention::db::DbActor::new(prevention::db::Scope::Province, None);
    let mut tx = prevention::db::begin(&pool, scope).await.unwrap();
    let (cities, overdue, extended, rectified, verified, referred): (i64, i64, i64, i64, i64, i64) = sqlx::query_as(
        "SELECT count(DISTINCT region_id),
                count(*) FILTER (WHERE rectified_on IS NULL AND verified_on IS NULL AND referred_on IS NULL
                                   AND deadline < current_date - 1),
                count(*) FILTER (WHERE extensions = 2),
                count(*) FILTER (WHERE rectified_on IS NOT NULL AND verified_on IS NULL AND referred_on IS NULL),
                count(*) FILTER (WHERE verified_on IS NOT NULL),
                count(*) FILTER (WHERE referred_on IS NOT NULL)
         FROM findings",
    )
    .fetch_one(&mut *tx)
    .await
    .unwrap();
    assert_eq!(cities, 3);
    assert!(
        overdue >= 3 && extended >= 3 && rectified >= 2 && verified >= 2 && referred >= 3,
        "{overdue} {extended} {rectified} {verified} {referred}"
    );
    let verified_by_another: bool =
        sqlx::query_scalar("SELECT bool_and(verified_by <> rectified_by) FROM findings WHERE verified_on IS NOT NULL")
            .fetch_one(&mut *tx)
            .await
            .unwrap();
    tx.commit().await.unwrap();
    assert!(verified_by_another);
    let partner = app.login("demo_sy_emergency", DEMO_PASSWORD).await.unwrap();
    let list = partner.get("/findings?status=overdue").await.text().await.unwrap();
    assert!(list.contains("配电柜未可靠接地"), "the emergency department's overdue finding on its list");
}

#[tokio::test]
async fn the_demo_has_notices_read_by_some_and_waiting_for_others() {
    let app = TestApp::spawn_demo().await;
    let city = app.login("demo_sy_hrss", DEMO_PASSWORD).await.unwrap();
    let home = city.get("/").await.text().await.unwrap();
    assert!(home.contains("关于做好2027年度工伤预防项目申报工作的通知") && home.contains("较大中毒事故"), "{home}");
    let partner = app.login("demo_sy_emergency", DEMO_PASSWORD).await.unwrap();
    let home = partner.get("/").await.text().await.unwrap();
    assert!(!home.contains("项目申报工作的通知") && home.contains("较大中毒事故"), "read, and not yet read: {home}");
    let received = partner.get("/notices").await.text().await.unwrap();
    let accident = received.split("/notices/").find(|s| s.contains("较大中毒事故")).unwrap();
    let id: String = accident.chars().take_while(|c| c.is_ascii_digit()).collect();
    let page = partner.get(&format!("/notices/{id}")).await.text().await.unwrap();
    assert!(page.contains("较大事故") && page.contains("登记联合检查"), "candidates for inspection: {page}");
    let province = app.login("demo_province", DEMO_PASSWORD).await.unwrap();
    let receipts = province.get(&format!("/notices/{id}/receipts")).await.text().await.unwrap();
    assert!(receipts.contains("已读") && receipts.contains("未读") && receipts.contains("赵丽娟"), "{receipts}");
    let issued = province.get("/notices?folder=issued").await.text().await.unwrap();
    assert!(issued.contains("草稿") && issued.contains("人已读"), "{issued}");
}

#[tokio::test]
async fn the_demo_has_rate_evaluations_with_every_kind_of_move_and_two_overrides() {
    let app = TestApp::spawn_demo().await;
    let pool = app.db.superuser_pool().await;
    let (up, down, same, overridden, waiting, entered): (i64, i64, i64, i64, i64, i64) = sqlx::query_as(
        "SELECT count(*) FILTER (WHERE proposed_grade > current_grade),
                count(*) FILTER (WHERE proposed_grade < current_grade),
                count(*) FILTER (WHERE proposed_grade = current_grade),
                count(*) FILTER (WHERE status = 'overridden'),
                count(*) FILTER (WHERE status = 'proposed'),
                count(*) FILTER (WHERE status = 'entered')
         FROM rate_evaluations WHERE period_start = 2023",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    assert!(up > 0 && down > 0 && same > 0, "{up} up, {down} down, {same} unchanged");
    assert!(
        overridden >= 2 && waiting > 0 && entered > 0,
        "{overridden} overridden, {waiting} waiting, {entered} entered"
    );
    let agency = app.login("demo_sy_agency", DEMO_PASSWORD).await.unwrap();
    let list = agency.get("/rates?period=2023").await.text().await.unwrap();
    assert!(list.contains("已调整确认") && list.contains("已测算待确认") && list.contains("已录入待评估"), "{list}");
}

#[tokio::test]
async fn the_demo_has_2025_reports_in_every_state_one_late_and_a_2026_draft() {
    let app = TestApp::spawn_demo().await;
    let province = app.login("demo_province", DEMO_PASSWORD).await.unwrap();
    let overview = province.get("/annual-reports?year=2025").await.text().await.unwrap();
    for standing in ["not_started", "draft", "submitted", "returned", "accepted"] {
        assert!(overview.contains(&format!("data-standing=\"{standing}\"")), "{standing}: {overview}");
    }
    assert!(overview.contains("逾期"), "鞍山's came after 15 December");
    let city = app.login("demo_sy_hrss", DEMO_PASSWORD).await.unwrap();
    let list = city.get("/annual-reports").await.text().await.unwrap();
    assert!(list.contains("2026年度") && list.contains("草稿") && list.contains("已审核通过"), "{list}");
    let dalian = app.login("demo_dl_hrss", DEMO_PASSWORD).await.unwrap();
    let list = dalian.get("/annual-reports").await.text().await.unwrap();
    let link = list.split("href=\"/annual-reports/").nth(1).unwrap();
    let id: String = link.chars().take_while(|c| c.is_ascii_digit()).collect();
    let page = dalian.get(&format!("/annual-reports/{id}")).await.text().await.unwrap();
    assert!(page.contains("已退回") && page.contains("请补充重点岗位培训覆盖率未达标单位的整改措施"), "{page}");
}
