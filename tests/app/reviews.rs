//! Expert scoring through HTTP and under the `assigned` scope: experts see the projects whose
//! panel they sit on and nothing else (404), a sheet is saved as a draft and then submitted once,
//! others' scores stay hidden until one's own is in, the officers' figures match a hand-computed
//! fixture, the last sheet moves the application on, and the round's sheet is locked.

use chrono::Duration;
use prevention::db::{self, DbActor, Scope};
use prevention::org::Role;
use prevention::projects::model::ProjectId;
use prevention::values::time;
use reqwest::StatusCode;
use sqlx::PgPool;

use crate::support::accounts::id_of;
use crate::support::experts::{expert, expert_account};
use crate::support::projects::{applicant, draft, fill, round};
use crate::support::{TestApp, TestUser};

/// A project of 沈阳 in the expert review with its panel of five drawn (the pool is exactly the
/// round's mix), each member with an expert account; another project of the round in review
/// without a panel; the city's officer.
struct Panel {
    project: ProjectId,
    other: ProjectId,
    city: TestUser,
    members: Vec<(i64, TestUser)>,
    criteria: Vec<i64>,
    pool: PgPool,
}

async fn panel(app: &TestApp) -> Panel {
    let city = app.login_as(Role::CityOfficer, "210100").await;
    let by = id_of(&app.db.app_pool().await, &city.username).await;
    let today = time::today();
    let r = round(&app.db, "210100", today, today + Duration::days(9), by).await;
    let org = applicant(&app.db, "210100", "51210100MJ0RRRR01", "沈阳市建筑业协会", by).await;
    let project = draft(&app.db, r, org, by).await;
    fill(&app.db, project, today + Duration::days(30)).await;
    let other = draft(&app.db, r, org, by).await;
    let pool = app.db.superuser_pool().await;
    sqlx::query("UPDATE projects SET status = 'expert_review' WHERE id = ANY($1)")
        .bind(vec![project.0, other.0])
        .execute(&pool)
        .await
        .unwrap();
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
    let token = prevention::web::once::new_token();
    let res = city.post_form(&format!("/projects/{project}/panel/draw"), &[("form_token", token.as_str())]).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let mut members = Vec::new();
    for e in experts {
        members.push((e, expert_account(app, &pool, e, by).await));
    }
    let criteria: Vec<i64> = sqlx::query_scalar("SELECT id FROM round_criteria WHERE round_id = $1 ORDER BY position")
        .bind(r.0)
        .fetch_all(&pool)
        .await
        .unwrap();
    Panel { project, other, city, members, criteria, pool }
}

/// Posts a sheet: `scores` in the round's order (必要性 20, 可行性 20, 预算合理性 20, 预期效果 25,
/// 申报单位能力 15), `intent` save or submit, the tick given.
async fn post_sheet(
    user: &TestUser,
    p: &Panel,
    version: i32,
    scores: &[&str],
    opinion: &str,
    intent: &str,
) -> reqwest::Response {
    let token = prevention::web::once::new_token();
    let version = version.to_string();
    let ids: Vec<String> = p.criteria.iter().map(i64::to_string).collect();
    let mut fields: Vec<(&str, &str)> = vec![
        ("form_token", token.as_str()),
        ("version", version.as_str()),
        ("recommendation", "revise"),
        ("opinion", opinion),
        ("intent", intent),
        ("final_confirmed", "yes"),
    ];
    for (id, score) in ids.iter().zip(scores) {
        fields.push(("criterion", id.as_str()));
        fields.push(("score", score));
    }
    user.post_form(&format!("/reviews/{}", p.project), &fields).await
}

async fn page_of(user: &TestUser, p: &Panel) -> String {
    user.get(&format!("/reviews/{}", p.project)).await.text().await.unwrap()
}

async fn status_of(pool: &PgPool, id: ProjectId) -> String {
    sqlx::query_scalar("SELECT status FROM projects WHERE id = $1").bind(id.0).fetch_one(pool).await.unwrap()
}

#[tokio::test]
async fn experts_see_only_the_projects_they_sit_on() {
    let app = TestApp::spawn().await;
    let p = panel(&app).await;
    let (_, a) = &p.members[0];
    let list = a.get("/reviews").await.text().await.unwrap();
    assert!(list.contains(&format!("/reviews/{}", p.project)) && !list.contains(&format!("/reviews/{}\"", p.other)));
    let page = a.get(&format!("/reviews/{}", p.project)).await;
    assert_eq!(page.status(), StatusCode::OK);
    let page = page.text().await.unwrap();
    assert!(page.contains("沈阳市建筑业协会") && page.contains("费用测算") && page.contains("评分表"));
    assert!(!page.contains("13812345678"), "the applicant's contact is the officers'");
    // Another project of the same round, the officers' pages and summary: not theirs.
    assert_eq!(a.get(&format!("/reviews/{}", p.other)).await.status(), StatusCode::NOT_FOUND);
    assert_eq!(a.get(&format!("/projects/{}", p.project)).await.status(), StatusCode::FORBIDDEN);
    assert_eq!(a.get(&format!("/projects/{}/review", p.project)).await.status(), StatusCode::FORBIDDEN);
    assert_eq!(a.get("/experts").await.status(), StatusCode::FORBIDDEN);

    // Row-level security says the same without the stores' filters: one project, its rows, their
    // own pool entry and panel seat only.
    let account = id_of(&app.db.app_pool().await, &a.username).await;
    let app_pool = app.db.app_pool().await;
    let mut tx = db::begin(&app_pool, DbActor::new(Scope::Assigned, Some(account))).await.unwrap();
    let count = |table: &'static str| format!("SELECT count(*) FROM {table}");
    let mut seen = Vec::new();
    for table in ["projects", "experts", "panel_members", "applicants", "project_rounds", "expert_draws", "employers"] {
        let n: i64 = sqlx::query_scalar(sqlx::AssertSqlSafe(count(table))).fetch_one(&mut *tx).await.unwrap();
        seen.push((table, n));
    }
    tx.rollback().await.unwrap();
    assert_eq!(
        seen,
        [
            ("projects", 1),
            ("experts", 1),
            ("panel_members", 1),
            ("applicants", 1),
            ("project_rounds", 1),
            ("expert_draws", 0),
            ("employers", 0)
        ]
    );

    // A replaced member loses the project.
    let (seat, replaced) = &p.members[2];
    let token = prevention::web::once::new_token();
    expert(&app.db, "210100", "己", "work_safety").await;
    let res = p
        .city
        .post_form(
            &format!("/projects/{}/panel/{seat}/replace", p.project),
            &[("form_token", token.as_str()), ("reason", "与申报单位存在业务往来")],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(replaced.get(&format!("/reviews/{}", p.project)).await.status(), StatusCode::NOT_FOUND);
    assert!(!replaced.get("/reviews").await.text().await.unwrap().contains(&format!("/reviews/{}", p.project)));

    // An expert account not linked to the pool has nothing; other cities and roles are refused.
    let stray = app.login_as(Role::Expert, "210100").await;
    assert!(stray.get("/reviews").await.text().await.unwrap().contains("尚未与专家库中的专家信息关联"));
    assert_eq!(stray.get(&format!("/reviews/{}", p.project)).await.status(), StatusCode::NOT_FOUND);
    let dalian = app.login_as(Role::CityOfficer, "210200").await;
    assert_eq!(dalian.get(&format!("/projects/{}/review", p.project)).await.status(), StatusCode::NOT_FOUND);
    assert_eq!(dalian.get("/reviews").await.status(), StatusCode::FORBIDDEN);
    let partner = app.login_as(Role::PartnerOfficer, "210100").await;
    assert_eq!(partner.get(&format!("/projects/{}/review", p.project)).await.status(), StatusCode::FORBIDDEN);
    assert_eq!(p.city.get(&format!("/reviews/{}", p.project)).await.status(), StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn sheets_are_drafted_then_final_hidden_until_ones_own_is_in_and_the_last_moves_the_project_on() {
    let app = TestApp::spawn().await;
    let p = panel(&app).await;
    let (_, a) = &p.members[0];
    let (_, b) = &p.members[1];

    // A draft keeps what is given; a score above its weight is named beside it.
    assert_eq!(post_sheet(a, &p, 0, &["18", "", "", "", ""], "", "save").await.status(), StatusCode::SEE_OTHER);
    let res = post_sheet(a, &p, 1, &["21", "", "", "", ""], "", "save").await;
    assert_eq!(res.status(), StatusCode::OK);
    assert!(res.text().await.unwrap().contains("“必要性”的得分应在 0 至 20 分之间。"));
    // A submission needs every score.
    let res = post_sheet(a, &p, 1, &["18", "", "", "", ""], "较好", "submit").await;
    assert!(res.text().await.unwrap().contains("请为“可行性”打分。"));
    let state: (Option<String>, String) =
        sqlx::query_as("SELECT submitted_at::text, total::text FROM review_sheets").fetch_one(&p.pool).await.unwrap();
    assert_eq!(state, (None, "18.0".to_string()), "the draft as saved, nothing else");

    // A submits: 18 + 17 + 16.5 + 22 + 13 = 86.5.
    let res = post_sheet(a, &p, 1, &["18", "17", "16.5", "22", "13"], "甲专家意见：方案可行", "submit").await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    // B has not submitted: nothing of A's is on B's page.
    let before = page_of(b, &p).await;
    assert!(!before.contains("甲专家意见") && !before.contains("86.5") && !before.contains("专家组其他成员的评分"));
    // A's own is final: the form is gone, a further post refused, the database refuses too.
    let mine = page_of(a, &p).await;
    assert!(mine.contains("我的评分表（") && mine.contains("86.5") && !mine.contains("提交评分表</button>"));
    let again = post_sheet(a, &p, 2, &["20", "20", "20", "25", "15"], "改一下", "submit").await;
    assert_eq!(again.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(again.text().await.unwrap().contains("您的评分表已提交，不能再修改。"));
    let refused = sqlx::query("UPDATE review_sheets SET total = 100").execute(&p.pool).await;
    assert!(refused.is_err(), "a submitted sheet is final even for the database's owner");

    // B submits 12 + 12 + 11 + 17 + 10 = 62 and then sees A's, anonymised.
    let res = post_sheet(b, &p, 0, &["12", "12", "11", "17", "10"], "乙专家意见：预算偏高", "submit").await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let after = page_of(b, &p).await;
    assert!(after.contains("甲专家意见：方案可行") && after.contains("专家一"));
    assert!(!after.contains(">甲<"), "not by name");

    // Officers: the sheets, average (86.5 + 62) / 2 = 74.25, spread 24.5 above 20: flagged.
    let summary = p.city.get(&format!("/projects/{}/review", p.project)).await.text().await.unwrap();
    assert!(summary.contains("<div class=\"fs-5\" id=\"average\">74.25</div>"), "{summary}");
    assert!(summary.contains("<div class=\"fs-5\" id=\"spread\">24.5</div>"));
    assert!(summary.contains("id=\"spread-flag\"") && summary.contains("乙专家意见：预算偏高"));
    assert_eq!(status_of(&p.pool, p.project).await, "expert_review");
    let print = p.city.get(&format!("/projects/{}/review/print", p.project)).await.text().await.unwrap();
    assert!(print.contains("专家评审意见汇总表") && print.contains("74.25"));
    let own_print = a.get(&format!("/reviews/{}/print", p.project)).await.text().await.unwrap();
    assert!(own_print.contains("工伤预防项目专家评分表") && own_print.contains("86.5"));

    // The round's sheet is locked now that its panels are drawn.
    let edit = p.city.get(&format!("/project-rounds/{}/edit", round_of(&p).await)).await.text().await.unwrap();
    assert!(edit.contains("专家评分表"));
    let locked = lock_attempt(&p).await;
    assert!(locked.contains("评分表已锁定"), "{locked}");

    // The other three submit; the last one moves the application on to the decision.
    for (i, (_, e)) in p.members.iter().enumerate().skip(2) {
        let res = post_sheet(e, &p, 0, &["16", "16", "16", "20", "12"], "同意立项", "submit").await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER);
        let expected = if i == 4 { "reviewed" } else { "expert_review" };
        assert_eq!(status_of(&p.pool, p.project).await, expected, "after the sheet of member {i}");
    }
    let (action, counted): (String, i32) = sqlx::query_as(
        "SELECT h.action, c.n FROM workflow_history h
         JOIN project_status_counts c ON c.region_id = h.region_id AND c.status = 'reviewed'
         WHERE h.record_kind = 'project' AND h.record_id = $1 ORDER BY h.id DESC LIMIT 1",
    )
    .bind(p.project.0)
    .fetch_one(&p.pool)
    .await
    .unwrap();
    assert_eq!((action.as_str(), counted), ("conclude", 1));
    let waiting: i32 =
        sqlx::query_scalar("SELECT coalesce(sum(n), 0)::int FROM project_status_counts WHERE status = 'expert_review'")
            .fetch_one(&p.pool)
            .await
            .unwrap();
    assert_eq!(waiting, 1, "only the other project is still in review");
    let detail = p.city.get(&format!("/projects/{}", p.project)).await.text().await.unwrap();
    assert!(detail.contains("待立项审定") && detail.contains("专家评审完成"));
}

async fn round_of(p: &Panel) -> i64 {
    sqlx::query_scalar("SELECT round_id FROM projects WHERE id = $1")
        .bind(p.project.0)
        .fetch_one(&p.pool)
        .await
        .unwrap()
}

/// Posts the round's edit form with 必要性 reweighted (and 可行性 to keep the sum), as the page
/// would send it.
async fn lock_attempt(p: &Panel) -> String {
    let round = round_of(p).await;
    let (version, opens, closes): (i32, String, String) =
        sqlx::query_as("SELECT version, opens_on::text, closes_on::text FROM project_rounds WHERE id = $1")
            .bind(round)
            .fetch_one(&p.pool)
            .await
            .unwrap();
    let version = version.to_string();
    let ids: Vec<String> = p.criteria.iter().map(i64::to_string).collect();
    let mut fields: Vec<(&str, &str)> = vec![
        ("version", &version),
        ("year", "2026"),
        ("title", "工伤预防项目申报（第一批）"),
        ("opens_on", &opens),
        ("closes_on", &closes),
        ("key_industry", "province:mining"),
        ("spread_threshold", "20"),
        ("publicity_days", "5"),
    ];
    for kind in ["feasibility_report", "implementation_plan", "cost_note", "legal_person"] {
        fields.push(("required", kind));
    }
    // 工伤预防, 安全生产, 职业卫生, 财务, 其他.
    for count in ["2", "1", "1", "1", "0"] {
        fields.push(("panel_count", count));
    }
    for ((id, name), weight) in ids
        .iter()
        .zip(["必要性", "可行性", "预算合理性", "预期效果", "申报单位能力"])
        .zip(["25", "15", "20", "25", "15"])
    {
        fields.push(("criterion_id", id));
        fields.push(("criterion_name", name));
        fields.push(("criterion_weight", weight));
    }
    p.city.post_form(&format!("/project-rounds/{round}/edit"), &fields).await.text().await.unwrap()
}
