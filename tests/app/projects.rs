//! Prevention project applications through HTTP: rounds and their scoring sheets, applicants
//! (small firms refused, credit codes unique, linked to the employers registry), a whole
//! application entered, refused while incomplete with every problem listed, submitted once
//! under a double click, pre-reviewed by a second officer (never the one who entered it),
//! returned with comments and resubmitted, the versions compared, the round's dates at their
//! boundaries, the lists with counts and their export, the print views' figures.

use std::io::Cursor;

use calamine::{Reader, Xlsx};
use chrono::{Duration, NaiveDate};
use prevention::org::Role;
use prevention::values::time;
use reqwest::StatusCode;

use crate::support::projects::{applicant, complete_form, draft, fill, round};
use crate::support::{TestApp, TestUser, province_values};

fn today() -> NaiveDate {
    time::today()
}

async fn account_id(app: &TestApp, user: &TestUser) -> prevention::org::AccountId {
    crate::support::accounts::id_of(&app.db.app_pool().await, &user.username).await
}

fn location(res: &reqwest::Response) -> String {
    res.headers()["location"].to_str().unwrap().to_string()
}

async fn post_pairs(user: &TestUser, path: &str, pairs: &[(String, String)]) -> reqwest::Response {
    let fields: Vec<(&str, &str)> = pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    user.post_form(path, &fields).await
}

async fn transition(user: &TestUser, id: i64, action: &str, comment: &str) -> reqwest::Response {
    let token = prevention::web::once::new_token();
    user.post_form(
        &format!("/projects/{id}/transition"),
        &[("action", action), ("comment", comment), ("form_token", token.as_str())],
    )
    .await
}

async fn status_of(app: &TestApp, id: i64) -> String {
    let pool = app.db.superuser_pool().await;
    sqlx::query_scalar("SELECT status FROM projects WHERE id = $1").bind(id).fetch_one(&pool).await.unwrap()
}

const REQUIRED: [&str; 4] = ["feasibility_report", "implementation_plan", "cost_note", "legal_person"];

#[tokio::test]
async fn an_application_is_entered_submitted_returned_resubmitted_and_passed_by_a_second_officer() {
    let app = TestApp::spawn().await;
    let entering = app.login_as(Role::CityOfficer, "210100").await;
    let reviewer = app.login_as(Role::CityOfficer, "210100").await;
    let by = account_id(&app, &entering).await;
    let open = round(&app.db, "210100", today() - Duration::days(3), today() + Duration::days(10), by).await;
    let association = applicant(&app.db, "210100", "51210100MJ0AAAA01", "沈阳市矿业协会", by).await;

    // Entering: the new page offers the applicant; one double-clicked create makes one draft.
    let res = entering.get(&format!("/projects/new?round={open}")).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert!(res.text().await.unwrap().contains("沈阳市矿业协会"));
    let token = prevention::web::once::new_token();
    let fields = [
        ("round", open.to_string()),
        ("applicant_kind", "organization".to_string()),
        ("applicant", association.to_string()),
        ("form_token", token.clone()),
    ];
    let fields: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let first = entering.post_form("/projects/new", &fields).await;
    let second = entering.post_form("/projects/new", &fields).await;
    assert_eq!(first.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&first), location(&second), "the second post leads where the first did");
    let id: i64 = location(&first).trim_start_matches("/projects/").trim_end_matches("/edit").parse().unwrap();
    let pool = app.db.superuser_pool().await;
    let count: i64 = sqlx::query_scalar("SELECT count(*) FROM projects").fetch_one(&pool).await.unwrap();
    assert_eq!(count, 1);

    // An empty draft cannot be submitted: every problem at once, each linking to its field.
    let res = transition(&entering, id, "submit", "").await;
    assert_eq!(res.status(), StatusCode::OK);
    let body = res.text().await.unwrap();
    for message in [
        "请填写项目名称",
        "请选择项目类型（宣传或培训）",
        "请填写费用测算（至少一行）",
        "绩效目标至少需要一项产出指标",
        "绩效目标至少需要一项效益指标",
        "请填写进度安排（至少一个时间节点）",
        "请上传可行性研究报告",
        "请上传法人证明",
    ] {
        assert!(body.contains(message), "{message} missing");
    }
    assert!(body.contains(&format!("href=\"/projects/{id}/edit#name\"")));
    assert!(body.contains(&format!("href=\"/projects/{id}/edit#budget\"")));
    assert_eq!(status_of(&app, id).await, "draft");

    // Saved as a draft, partly: a line without its price is kept, without an amount.
    let res = post_pairs(
        &entering,
        &format!("/projects/{id}/edit"),
        &[
            ("version".into(), "1".into()),
            ("name".into(), "矿山企业班组长培训".into()),
            ("line_id".into(), String::new()),
            ("line_year".into(), "1".into()),
            ("line_item".into(), "培训教材".into()),
            ("line_unit".into(), "册".into()),
            ("line_price".into(), String::new()),
            ("line_quantity".into(), "600".into()),
        ],
    )
    .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    // Then whole: the amounts are the server's (45.50 × 600 + 3,000 × 12).
    let res =
        post_pairs(&entering, &format!("/projects/{id}/edit"), &complete_form(today() + Duration::days(30), 2)).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let amount: rust_decimal::Decimal = sqlx::query_scalar("SELECT requested_amount FROM projects WHERE id = $1")
        .bind(id)
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(amount.to_string(), "63300.00");
    let pdf = prevention::attachments::samples::pdf(2048);
    for kind in REQUIRED {
        let res = entering.upload(&format!("/projects/{id}/attachments"), kind, "材料.pdf", pdf.clone()).await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER, "{kind}");
    }
    let res = transition(&entering, id, "submit", "").await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(status_of(&app, id).await, "submitted");

    // The one who entered it is not offered the pre-review, and cannot take it by posting.
    let page = entering.get(&format!("/projects/{id}")).await.text().await.unwrap();
    assert!(!page.contains("value=\"pass\"") && page.contains("初审须由本单位另一位工作人员办理"));
    let page = reviewer.get(&format!("/projects/{id}")).await.text().await.unwrap();
    assert!(page.contains("value=\"pass\"") && page.contains("value=\"reject\""));
    let res = transition(&entering, id, "pass", "").await;
    assert_eq!(res.status(), StatusCode::OK);
    assert!(res.text().await.unwrap().contains("初审须由录入、提交该申报以外的另一位工作人员办理"));
    assert_eq!(status_of(&app, id).await, "submitted");

    // A second officer returns it with comments (required), which the form then shows on top.
    let res = transition(&reviewer, id, "return", " ").await;
    assert!(res.text().await.unwrap().contains("请填写理由"));
    let res = transition(&reviewer, id, "return", "费用测算缺少师资费标准依据").await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(status_of(&app, id).await, "returned");
    let edit = entering.get(&format!("/projects/{id}/edit")).await.text().await.unwrap();
    assert!(edit.contains("初审退回修改意见") && edit.contains("费用测算缺少师资费标准依据"));
    let mut fixed = complete_form(today() + Duration::days(30), 5);
    for pair in fixed.iter_mut().filter(|(k, v)| k == "line_price" && v == "3,000") {
        pair.1 = "2800".into();
    }
    let res = post_pairs(&entering, &format!("/projects/{id}/edit"), &fixed).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER, "{}", res.text().await.unwrap_or_default());
    assert_eq!(transition(&entering, id, "submit", "").await.status(), StatusCode::SEE_OTHER);
    assert_eq!(transition(&reviewer, id, "pass", "材料齐全，同意报专家评审").await.status(), StatusCode::SEE_OTHER);
    assert_eq!(status_of(&app, id).await, "expert_review");

    // Two frozen versions, compared; the timeline has every step with its comment.
    let versions: Vec<i64> = province_values(
        &pool,
        "SELECT version_no::bigint FROM record_versions WHERE record_kind = 'project' AND record_id = $1",
        id,
    )
    .await;
    assert_eq!(versions, [1, 2]);
    let compare = entering.get(&format!("/projects/{id}/compare")).await;
    assert_eq!(compare.status(), StatusCode::OK);
    let compare = compare.text().await.unwrap();
    assert!(compare.contains("36,000.00") && compare.contains("33,600.00"), "the changed line shows both amounts");
    let page = reviewer.get(&format!("/projects/{id}")).await.text().await.unwrap();
    for step in ["提交申报", "退回修改", "初审通过", "材料齐全，同意报专家评审"] {
        assert!(page.contains(step), "{step}");
    }
    assert!(!page.contains("name=\"action\""), "nothing more to do here before the expert review");
    // The counts the status tabs read followed every step.
    let drift: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM (SELECT region_id, year, round_id, status, count(*) AS live FROM projects GROUP BY 1, 2, 3, 4) p
         FULL JOIN (SELECT * FROM project_status_counts WHERE n > 0) c USING (region_id, year, round_id, status)
         WHERE p.live IS DISTINCT FROM c.n",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(drift, 0);
    let list = reviewer.get("/projects").await.text().await.unwrap();
    assert!(list.contains("待专家评审 <span class=\"badge bg-secondary\">1</span>"));
    assert!(list.contains("草稿 <span class=\"badge bg-secondary\">0</span>"));
}

#[tokio::test]
async fn the_round_takes_submissions_from_its_first_to_its_last_day_only() {
    let app = TestApp::spawn().await;
    let city = app.login_as(Role::CityOfficer, "210100").await;
    let by = account_id(&app, &city).await;
    let pdf = prevention::attachments::samples::pdf(1024);
    let org = applicant(&app.db, "210100", "51210100MJ0AAAA02", "沈阳市建筑业协会", by).await;
    // Closing today (still open), opening tomorrow, closed yesterday.
    let cases = [
        (today() - Duration::days(5), today(), true),
        (today() + Duration::days(1), today() + Duration::days(9), false),
        (today() - Duration::days(9), today() - Duration::days(1), false),
    ];
    for (opens, closes, accepted) in cases {
        let r = round(&app.db, "210100", opens, closes, by).await;
        let id = draft(&app.db, r, org, by).await;
        fill(&app.db, id, today() + Duration::days(30)).await;
        for kind in REQUIRED {
            let res = city.upload(&format!("/projects/{}/attachments", id.0), kind, "材料.pdf", pdf.clone()).await;
            assert_eq!(res.status(), StatusCode::SEE_OTHER);
        }
        let res = transition(&city, id.0, "submit", "").await;
        if accepted {
            assert_eq!(res.status(), StatusCode::SEE_OTHER, "open {opens}–{closes}");
        } else {
            assert_eq!(res.status(), StatusCode::OK);
            let body = res.text().await.unwrap();
            assert!(body.contains(&format!("本批次申报时间为 {opens} 至 {closes}")), "{opens}–{closes}");
            assert_eq!(status_of(&app, id.0).await, "draft");
        }
    }
    // A closed round takes no new application either.
    let closed = round(&app.db, "210100", today() - Duration::days(9), today() - Duration::days(1), by).await;
    let res = city.get(&format!("/projects/new?round={closed}")).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
}

#[tokio::test]
async fn another_city_cannot_see_use_or_review_the_citys_applications() {
    let app = TestApp::spawn().await;
    let shenyang = app.login_as(Role::CityOfficer, "210100").await;
    let dalian = app.login_as(Role::CityOfficer, "210200").await;
    let province = app.login_as(Role::ProvinceOfficer, "210000").await;
    let by = account_id(&app, &shenyang).await;
    let r = round(&app.db, "210100", today() - Duration::days(1), today() + Duration::days(9), by).await;
    let org = applicant(&app.db, "210100", "51210100MJ0AAAA03", "沈阳市危化品协会", by).await;
    let id = draft(&app.db, r, org, by).await;
    assert_eq!(dalian.get(&format!("/projects/{id}")).await.status(), StatusCode::NOT_FOUND);
    assert_eq!(dalian.get(&format!("/applicants/{org}")).await.status(), StatusCode::NOT_FOUND);
    assert_eq!(transition(&dalian, id.0, "submit", "").await.status(), StatusCode::NOT_FOUND);
    // 大连 cannot start an application in 沈阳's round, nor 沈阳 with 大连's applicant.
    let dalian_org = applicant(&app.db, "210200", "51210200MJ0AAAA03", "大连市港口协会", by).await;
    assert_eq!(dalian.get(&format!("/projects/new?round={r}")).await.status(), StatusCode::NOT_FOUND);
    let token = prevention::web::once::new_token();
    let (round_id, org_id) = (r.to_string(), dalian_org.to_string());
    let res = shenyang
        .post_form(
            "/projects/new",
            &[("round", &round_id), ("applicant_kind", "organization"), ("applicant", &org_id), ("form_token", &token)],
        )
        .await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    // The province reads every region's applications but does not pre-review a city's.
    let page = province.get(&format!("/projects/{id}")).await;
    assert_eq!(page.status(), StatusCode::OK);
    assert_eq!(transition(&province, id.0, "submit", "").await.status(), StatusCode::FORBIDDEN);
    let list = province.get("/projects").await.text().await.unwrap();
    assert!(list.contains("沈阳市危化品协会"));
    assert!(!dalian.get("/projects").await.text().await.unwrap().contains("沈阳市危化品协会"));
}

#[tokio::test]
async fn a_row_is_added_without_a_script_and_nothing_is_saved() {
    let app = TestApp::spawn().await;
    let city = app.login_as(Role::CityOfficer, "210100").await;
    let by = account_id(&app, &city).await;
    let r = round(&app.db, "210100", today(), today() + Duration::days(9), by).await;
    let org = applicant(&app.db, "210100", "51210100MJ0AAAA04", "沈阳市冶金协会", by).await;
    let id = draft(&app.db, r, org, by).await;
    let inputs = |html: &str| html.matches("name=\"line_item\"").count();
    let page = city.get(&format!("/projects/{id}/edit")).await.text().await.unwrap();
    assert_eq!(inputs(&page), 1, "one blank row to start with");
    assert!(page.contains("/static/js/rows.js"));
    let mut pairs = complete_form(today() + Duration::days(30), 1);
    pairs.push(("add_row".into(), "budget".into()));
    let res = post_pairs(&city, &format!("/projects/{id}/edit"), &pairs).await;
    assert_eq!(res.status(), StatusCode::OK);
    let page = res.text().await.unwrap();
    assert_eq!(inputs(&page), 4, "the two posted rows and two blank ones");
    assert!(page.contains("value=\"师资费\""), "what was typed stays");
    let pool = app.db.superuser_pool().await;
    let name: String =
        sqlx::query_scalar("SELECT name FROM projects WHERE id = $1").bind(id.0).fetch_one(&pool).await.unwrap();
    assert_eq!(name, "", "nothing saved");
}

#[tokio::test]
async fn the_print_views_carry_the_figures_and_the_amount_in_capitals() {
    let app = TestApp::spawn().await;
    let city = app.login_as(Role::CityOfficer, "210100").await;
    let by = account_id(&app, &city).await;
    let r = round(&app.db, "210100", today(), today() + Duration::days(9), by).await;
    let org = applicant(&app.db, "210100", "51210100MJ0AAAA05", "沈阳市煤炭行业协会", by).await;
    let id = draft(&app.db, r, org, by).await;
    fill(&app.db, id, today() + Duration::days(30)).await;
    let form = city.get(&format!("/projects/{id}/print")).await.text().await.unwrap();
    for expected in [
        "工伤预防项目申报表",
        "附件2",
        "沈阳市煤炭行业协会",
        "63,300.00",
        "6.33",
        "陆万叁仟叁佰元整",
        "法定代表人（签字）",
        "申报单位（盖章）",
        "沈阳市人力资源社会保障局初审意见",
        "省级审核意见",
        "年　　月　　日",
        "27,300.00",
        "草稿",
    ] {
        assert!(form.contains(expected), "申报表 lacks {expected}");
    }
    let text = city.get(&format!("/projects/{id}/print/text")).await.text().await.unwrap();
    for expected in [
        "附件3",
        "一、申报单位基本情况",
        "近三年本市矿山企业工伤事故多发。",
        "分 12 期开展线下集中培训。",
        "陆万叁仟叁佰元整",
    ] {
        assert!(text.contains(expected), "申报书 lacks {expected}");
    }
}

#[tokio::test]
async fn the_list_counts_per_status_filters_and_exports() {
    let app = TestApp::spawn().await;
    let city = app.login_as(Role::CityOfficer, "210100").await;
    let by = account_id(&app, &city).await;
    let r = round(&app.db, "210100", today(), today() + Duration::days(9), by).await;
    let org = applicant(&app.db, "210100", "51210100MJ0AAAA06", "沈阳市交通运输协会", by).await;
    let a = draft(&app.db, r, org, by).await;
    fill(&app.db, a, today() + Duration::days(30)).await;
    let _b = draft(&app.db, r, org, by).await;
    let pool = app.db.superuser_pool().await;
    sqlx::query("UPDATE projects SET status = 'submitted' WHERE id = $1").bind(a.0).execute(&pool).await.unwrap();
    let page = city.get("/projects").await.text().await.unwrap();
    assert!(page.contains("待初审 <span class=\"badge bg-secondary\">1</span>"));
    assert!(page.contains("草稿 <span class=\"badge bg-secondary\">1</span>"));
    assert!(page.contains("全部 <span class=\"badge bg-secondary\">2</span>"));
    let filtered = city.get("/projects?status=submitted&q=班组长").await.text().await.unwrap();
    assert!(
        filtered.contains("矿山企业一线班组长工伤预防培训")
            && filtered.contains("共 <span id=\"list-total\">1</span> 个")
    );
    // The province's list names the key industries too (by the province file's names).
    let province = app.login_as(Role::ProvinceOfficer, "210000").await;
    let all = province.get("/projects").await.text().await.unwrap();
    assert!(all.contains("<td class=\"small\">矿山</td>") && !all.contains("province:mining</td>"));
    // And a city's own key industry by the city's name for it.
    let own = crate::support::plans::region_key_industry(&app.db, "210100", 2026, "粉尘涉爆", by).await;
    sqlx::query("UPDATE projects SET key_industry = $2 WHERE id = $1")
        .bind(a.0)
        .bind(format!("region:{own}"))
        .execute(&pool)
        .await
        .unwrap();
    let all = province.get("/projects").await.text().await.unwrap();
    assert!(all.contains("<td class=\"small\">沈阳市：粉尘涉爆</td>"), "{all}");
    let none = city.get("/projects?project_type=publicity").await.text().await.unwrap();
    assert!(none.contains("没有符合条件的项目申报"));
    let res = city.get("/projects/export?status=submitted").await;
    assert_eq!(res.status(), StatusCode::OK);
    let bytes = res.bytes().await.unwrap();
    let mut book: Xlsx<_> = Xlsx::new(Cursor::new(bytes.to_vec())).unwrap();
    let sheet = book.worksheet_range_at(0).unwrap().unwrap();
    let text: Vec<String> = sheet.rows().flat_map(|r| r.iter().map(|c| c.to_string())).collect();
    assert!(text.iter().any(|c| c == "矿山企业一线班组长工伤预防培训"));
    assert!(text.iter().any(|c| c == "63300"), "the amount in yuan: {text:?}");
    assert!(!text.iter().any(|c| c == "草稿"), "only the filtered status");
}
