//! The prevention fee through HTTP and against the real database: the income and the cap, a
//! budget above it refused with every figure, the budget's workflow, a raised rate only with its
//! approving document, the decision refused without a budget and allocating from one, releases,
//! commitments on a later year, and concurrent decisions never taking more than a budget holds.

use chrono::Duration;
use prevention::org::Role;
use prevention::projects::model::ProjectId;
use prevention::values::time;
use reqwest::StatusCode;
use rust_decimal::Decimal;
use sqlx::PgPool;

use crate::support::accounts::id_of;
use crate::support::projects::{applicant, draft, fill, round};
use crate::support::{TestApp, TestUser};

fn token() -> String {
    prevention::web::once::new_token()
}

async fn post(user: &TestUser, path: &str, fields: &[(&str, &str)]) -> reqwest::Response {
    user.post_form(path, fields).await
}

#[tokio::test]
async fn the_budget_stays_under_the_cap_and_goes_through_its_workflow() {
    let app = TestApp::spawn().await;
    let city = app.login_as(Role::CityOfficer, "210100").await;
    let agency = app.login_as(Role::AgencyOfficer, "210100").await;
    let province = app.login_as(Role::ProvinceOfficer, "210000").await;
    let page = "/fee?year=2026";
    assert!(city.get(page).await.text().await.unwrap().contains("录入上年度征缴收入后计算"));

    // The agency enters the income of 2025: the 2026 cap is 3%.
    let res =
        post(&agency, "/fee/income", &[("year", "2026"), ("amount", "0"), ("evidence", "决算"), ("version", "0")])
            .await;
    assert!(res.text().await.unwrap().contains("征缴收入应大于 0。"));
    let fields = [
        ("year", "2026"),
        ("amount", "123,456,789.50"),
        ("evidence", "2025年度工伤保险基金决算报表"),
        ("version", "0"),
    ];
    assert_eq!(post(&agency, "/fee/income", &fields).await.status(), StatusCode::SEE_OTHER);
    let body = city.get(page).await.text().await.unwrap();
    // 123,456,789.50 × 3% = 3,703,703.685 → 3,703,703.69.
    assert!(body.contains("3,703,703.69 元"), "{body}");

    // A budget above the cap: every figure named; nothing saved.
    let over = [("year", "2026"), ("publicity", "1,000,000"), ("training", "2,703,703.70"), ("version", "0")];
    let body = post(&city, "/fee/budget", &over).await.text().await.unwrap();
    assert!(body.contains("预算 3,703,703.70 元超过提取上限：上年度工伤保险基金征缴收入 123,456,789.50 元 × 3% = 3,703,703.69 元，超出 0.01 元。"));
    let fields = [("year", "2026"), ("publicity", "1,000,000"), ("training", "2,000,000"), ("version", "0")];
    assert_eq!(post(&city, "/fee/budget", &fields).await.status(), StatusCode::SEE_OTHER);

    // The workflow: the city submits, never approves; the province returns with reasons or approves.
    let t = token();
    let approve = [("year", "2026"), ("action", "approve"), ("form_token", t.as_str())];
    assert_eq!(post(&city, "/fee/budget/transition", &approve).await.status(), StatusCode::FORBIDDEN);
    let t = token();
    let submit = [("year", "2026"), ("action", "submit"), ("form_token", t.as_str())];
    assert_eq!(post(&city, "/fee/budget/transition", &submit).await.status(), StatusCode::SEE_OTHER);
    let t = token();
    let ret = [("region", "210100"), ("year", "2026"), ("action", "return"), ("form_token", t.as_str())];
    assert!(post(&province, "/fee/budget/transition", &ret).await.text().await.unwrap().contains("请填写理由"));
    let t = token();
    let ret = [
        ("region", "210100"),
        ("year", "2026"),
        ("action", "return"),
        ("comment", "培训预算偏高"),
        ("form_token", t.as_str()),
    ];
    assert_eq!(post(&province, "/fee/budget/transition", &ret).await.status(), StatusCode::SEE_OTHER);
    let t = token();
    let submit = [("year", "2026"), ("action", "submit"), ("form_token", t.as_str())];
    assert_eq!(post(&city, "/fee/budget/transition", &submit).await.status(), StatusCode::SEE_OTHER);
    let t = token();
    let approve = [("region", "210100"), ("year", "2026"), ("action", "approve"), ("form_token", t.as_str())];
    assert_eq!(post(&province, "/fee/budget/transition", &approve).await.status(), StatusCode::SEE_OTHER);
    let body = city.get(page).await.text().await.unwrap();
    assert!(body.contains("已批准") && body.contains("培训预算偏高") && body.contains("300.00"), "{body}");

    // An adjustment of the approved budget needs its reasons and goes back for approval (the
    // budget at version 5: made, submitted, returned, submitted, approved).
    let adjust = [("year", "2026"), ("publicity", "1,000,000"), ("training", "2,500,000"), ("version", "5")];
    assert!(post(&city, "/fee/budget", &adjust).await.text().await.unwrap().contains("请写明调整预算的理由"));
    let t = token();
    let adjust = [
        ("year", "2026"),
        ("publicity", "1,000,000"),
        ("training", "2,500,000"),
        ("version", "5"),
        ("comment", "追加新就业形态劳动者培训"),
        ("form_token", t.as_str()),
    ];
    assert_eq!(post(&city, "/fee/budget", &adjust).await.status(), StatusCode::SEE_OTHER);
    let body = city.get(page).await.text().await.unwrap();
    assert!(
        body.contains("待批准") && body.contains("追加新就业形态劳动者培训") && body.contains("2,500,000.00"),
        "{body}"
    );
    let t = token();
    let approve = [("region", "210100"), ("year", "2026"), ("action", "approve"), ("form_token", t.as_str())];
    assert_eq!(post(&province, "/fee/budget/transition", &approve).await.status(), StatusCode::SEE_OTHER);

    // Every submission froze a version: the adjustment compares with what was approved.
    let budget: i64 = sqlx::query_scalar("SELECT id FROM fee_budgets WHERE budget_year = 2026")
        .fetch_one(&app.db.superuser_pool().await)
        .await
        .unwrap();
    assert!(city.get(page).await.text().await.unwrap().contains("第 3 版"));
    let compare = format!("/fee/budgets/{budget}/compare");
    let body = province.get(&compare).await.text().await.unwrap();
    assert!(body.contains("共 2 处不同") && body.contains("2,000,000.00") && body.contains("2,500,000.00"), "{body}");
    let body = city.get(&format!("{compare}?a=1&b=2")).await.text().await.unwrap();
    assert!(body.contains("共 0 处不同"), "submitted twice unchanged: {body}");
    let res = city.get(&format!("/fee/budgets/{budget}")).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(res.headers()["location"], "/fee?region=210100&year=2026#budget");
    assert_eq!(app.login_as(Role::CityOfficer, "210200").await.get(&compare).await.status(), StatusCode::NOT_FOUND);
    assert_eq!(app.login_as(Role::Expert, "210100").await.get(&compare).await.status(), StatusCode::FORBIDDEN);

    // A raised rate needs its approving document.
    let rate = [
        ("region", "210100"),
        ("year", "2026"),
        ("rate", "3.5"),
        ("document_number", ""),
        ("document_date", "2026-01-05"),
        ("approvers", "省人力资源社会保障厅、省财政厅"),
    ];
    assert!(post(&province, "/fee/rate", &rate).await.text().await.unwrap().contains("请填写批准文件文号。"));
    let rate = [
        ("region", "210100"),
        ("year", "2026"),
        ("rate", "3.5"),
        ("document_number", "辽人社〔2026〕3号"),
        ("document_date", "2026-01-05"),
        ("approvers", "省人力资源社会保障厅、省财政厅"),
    ];
    assert_eq!(post(&province, "/fee/rate", &rate).await.status(), StatusCode::SEE_OTHER);
    // 123,456,789.50 × 3.5% = 4,320,987.63325 → 4,320,987.63.
    assert!(city.get(page).await.text().await.unwrap().contains("4,320,987.63 元"));
    assert_eq!(post(&city, "/fee/rate", &rate).await.status(), StatusCode::FORBIDDEN);

    // Another city sees its own; partners read; experts nothing.
    let dalian = app.login_as(Role::CityOfficer, "210200").await;
    assert!(dalian.get("/fee?region=210100&year=2026").await.text().await.unwrap().contains("大连市"));
    let partner = app.login_as(Role::PartnerOfficer, "210100").await;
    assert!(partner.get(page).await.text().await.unwrap().contains("已批准"));
    let expert = app.login_as(Role::Expert, "210100").await;
    assert_eq!(expert.get(page).await.status(), StatusCode::FORBIDDEN);
}

/// A 沈阳 training application of 2026 waiting for the decision (63,300 元 requested).
async fn reviewed(app: &TestApp, city: &TestUser, body: &str) -> (ProjectId, PgPool) {
    let by = id_of(&app.db.app_pool().await, &city.username).await;
    let today = time::today();
    let r = round(&app.db, "210100", today, today + Duration::days(9), by).await;
    let org = applicant(&app.db, "210100", body, "沈阳市化工行业协会", by).await;
    let id = draft(&app.db, r, org, by).await;
    fill(&app.db, id, today + Duration::days(30)).await;
    let pool = app.db.superuser_pool().await;
    sqlx::query("UPDATE projects SET status = 'reviewed' WHERE id = $1").bind(id.0).execute(&pool).await.unwrap();
    (id, pool)
}

async fn decide(city: &TestUser, id: ProjectId, amount: &str) -> reqwest::Response {
    let (t, today) = (token(), time::today());
    let ends = (today + Duration::days(14)).to_string();
    let starts = today.to_string();
    let fields = [
        ("form_token", t.as_str()),
        ("intent", "approve"),
        ("year", "1"),
        ("amount", amount),
        ("publicity_starts_on", starts.as_str()),
        ("publicity_ends_on", ends.as_str()),
        ("version", "0"),
    ];
    city.post_form(&format!("/projects/{id}/approval/decide"), &fields).await
}

async fn ledger(pool: &PgPool, id: ProjectId) -> Vec<(String, String)> {
    sqlx::query_as("SELECT kind, amount::text FROM fee_entries WHERE project_id = $1 ORDER BY id")
        .bind(id.0)
        .fetch_all(pool)
        .await
        .unwrap()
}

#[tokio::test]
async fn a_decision_takes_from_the_budget_and_a_reversal_gives_it_back() {
    let app = TestApp::spawn().await;
    let city = app.login_as(Role::CityOfficer, "210100").await;
    let (id, pool) = reviewed(&app, &city, "51210100MJ0FEEA01").await;
    // No budget: refused with the reason, nothing approved.
    let body = decide(&city, id, "60000").await.text().await.unwrap();
    assert!(body.contains("2026年度工伤预防费预算尚未编制"), "{body}");
    assert!(ledger(&pool, id).await.is_empty());
    // Too little left in training: refused with the figures.
    crate::support::fee::approved_budget(&app.db, "210100", 2026, "500000", "50000").await;
    let body = decide(&city, id, "60000").await.text().await.unwrap();
    assert!(body.contains("2026年度工伤预防费培训预算 50,000.00 元，已安排和承诺 0.00 元，剩余 50,000.00 元，不足本项目核定的 60,000.00 元。"), "{body}");
    // Enough: allocated with the approval, in the training category.
    crate::support::fee::approved_budget(&app.db, "210100", 2026, "500000", "100000").await;
    assert_eq!(decide(&city, id, "60000").await.status(), StatusCode::SEE_OTHER);
    assert_eq!(ledger(&pool, id).await, [("allocation".to_string(), "60000.00".to_string())]);
    let body = city.get("/fee?year=2026").await.text().await.unwrap();
    assert!(body.contains("矿山企业一线班组长工伤预防培训") && body.contains("4.00"), "remaining 4.00 万元：{body}");
    // An upheld objection reverses the approval and releases what it took.
    let t = token();
    let today = time::today().to_string();
    let fields = [
        ("form_token", t.as_str()),
        ("received_on", today.as_str()),
        ("objector", "某培训机构"),
        ("content", "师资不实"),
    ];
    assert_eq!(
        city.post_form(&format!("/projects/{id}/approval/objections"), &fields).await.status(),
        StatusCode::SEE_OTHER
    );
    let objection: i64 = sqlx::query_scalar("SELECT id FROM project_objections WHERE project_id = $1")
        .bind(id.0)
        .fetch_one(&pool)
        .await
        .unwrap();
    let t = token();
    let fields = [("form_token", t.as_str()), ("answer", "经核查属实"), ("upheld", "yes")];
    let res = city.post_form(&format!("/projects/{id}/approval/objections/{objection}/answer"), &fields).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        ledger(&pool, id).await,
        [("allocation".to_string(), "60000.00".to_string()), ("release".to_string(), "60000.00".to_string())]
    );
}

#[tokio::test]
async fn a_later_year_is_committed_and_its_budget_must_cover_it() {
    let app = TestApp::spawn().await;
    let city = app.login_as(Role::CityOfficer, "210100").await;
    let (id, pool) = reviewed(&app, &city, "51210100MJ0FEEB02").await;
    // The round is of next year: its budget does not exist yet, so the decision commits.
    sqlx::query("UPDATE projects SET year = year + 1 WHERE id = $1").bind(id.0).execute(&pool).await.unwrap();
    assert_eq!(decide(&city, id, "60000").await.status(), StatusCode::SEE_OTHER);
    assert_eq!(ledger(&pool, id).await, [("commitment".to_string(), "60000.00".to_string())]);
    // Next year's budget may not be approved below it.
    let year = (chrono::Datelike::year(&time::today()) + 1).to_string();
    crate::support::fee::approved_budget(
        &app.db,
        "210100",
        i16::try_from(chrono::Datelike::year(&time::today())).unwrap() + 1,
        "0",
        "1",
    )
    .await;
    sqlx::query("UPDATE fee_budgets SET status = 'submitted' WHERE budget_year = $1::smallint")
        .bind(&year)
        .execute(&pool)
        .await
        .unwrap();
    let province = app.login_as(Role::ProvinceOfficer, "210000").await;
    let t = token();
    let approve = [("region", "210100"), ("year", year.as_str()), ("action", "approve"), ("form_token", t.as_str())];
    let body = post(&province, "/fee/budget/transition", &approve).await.text().await.unwrap();
    assert!(body.contains("培训预算 1.00 元低于已安排和承诺的 60,000.00 元，不能批准。"), "{body}");
}

#[tokio::test]
async fn fifty_concurrent_decisions_never_take_more_than_the_budget_holds() {
    let app = TestApp::spawn().await;
    let city = app.login_as(Role::CityOfficer, "210100").await;
    let by = id_of(&app.db.app_pool().await, &city.username).await;
    let today = time::today();
    let r = round(&app.db, "210100", today, today + Duration::days(9), by).await;
    let org = applicant(&app.db, "210100", "51210100MJ0FEEC03", "沈阳市化工行业协会", by).await;
    let mut ids = Vec::new();
    for _ in 0..50 {
        ids.push(draft(&app.db, r, org, by).await);
    }
    let owner = app.db.superuser_pool().await;
    sqlx::query("UPDATE projects SET project_type = 'training' WHERE id = ANY($1)")
        .bind(ids.iter().map(|i| i.0).collect::<Vec<_>>())
        .execute(&owner)
        .await
        .unwrap();
    let year = i16::try_from(chrono::Datelike::year(&today)).unwrap();
    // 1,000,000 元 of training: 33 decisions of 30,000 fit, the 34th does not.
    crate::support::fee::approved_budget(&app.db, "210100", year, "0", "1000000").await;
    let pool = app.db.app_pool().await;
    for repetition in 0..20 {
        sqlx::query("DELETE FROM fee_entries").execute(&owner).await.unwrap();
        let mut tasks = Vec::new();
        for id in ids.clone() {
            let pool = pool.clone();
            tasks.push(tokio::spawn(async move {
                let actor = prevention::db::DbActor { scope: prevention::db::Scope::Province, account_id: None };
                let mut tx = prevention::db::begin(&pool, actor).await.unwrap();
                let project = prevention::projects::store::find(&mut tx, id, false).await.unwrap().unwrap();
                let by = prevention::workflow::By { account: by, name: "测试" };
                let years = [(1_i16, Decimal::from(30_000))];
                let taken = prevention::fee::check_approval(&mut tx, &project, &years, &by).await.unwrap();
                if taken.is_ok() {
                    tx.commit().await.unwrap();
                } else {
                    tx.rollback().await.unwrap();
                }
                taken.is_ok()
            }));
        }
        let mut allowed = 0;
        for t in tasks {
            if t.await.unwrap() {
                allowed += 1;
            }
        }
        let (n, sum): (i64, Decimal) =
            sqlx::query_as("SELECT count(*), coalesce(sum(amount), 0) FROM fee_entries WHERE kind = 'allocation'")
                .fetch_one(&owner)
                .await
                .unwrap();
        assert_eq!(allowed, 33, "repetition {repetition}");
        assert_eq!(
            (n, sum),
            (33, Decimal::from(990_000)),
            "repetition {repetition}: the sum of the accepted allocations"
        );
    }
}

async fn pay(user: &TestUser, id: ProjectId, stage: &str, amount: &str, voucher: &str) -> reqwest::Response {
    let (t, today) = (token(), time::today().to_string());
    let fields = [
        ("form_token", t.as_str()),
        ("paid_on", today.as_str()),
        ("amount", amount),
        ("voucher", voucher),
        ("stage", stage),
    ];
    user.post_form(&format!("/projects/{id}/payments"), &fields).await
}

async fn set_status(pool: &PgPool, id: ProjectId, status: &str) {
    sqlx::query("UPDATE projects SET status = $2 WHERE id = $1").bind(id.0).bind(status).execute(pool).await.unwrap();
}

#[tokio::test]
async fn payments_stay_within_the_allocation_and_the_final_one_settles_the_project() {
    let app = TestApp::spawn().await;
    let city = app.login_as(Role::CityOfficer, "210100").await;
    let agency = app.login_as(Role::AgencyOfficer, "210100").await;
    let (id, pool) = reviewed(&app, &city, "51210100MJ0FEED04").await;
    crate::support::fee::approved_budget(&app.db, "210100", 2026, "500000", "500000").await;
    assert_eq!(decide(&city, id, "60000").await.status(), StatusCode::SEE_OTHER);
    let page = format!("/projects/{id}/payments");
    assert_eq!(agency.get(&page).await.status(), StatusCode::UNPROCESSABLE_ENTITY, "not before the agreement");
    set_status(&pool, id, "in_progress").await;

    assert_eq!(pay(&agency, id, "advance", "30,000", "沈经拨〔2026〕101号").await.status(), StatusCode::SEE_OTHER);
    assert_eq!(pay(&city, id, "interim", "1", "X1").await.status(), StatusCode::FORBIDDEN, "the agency pays");
    let body = pay(&agency, id, "interim", "40,000", "沈经拨〔2026〕102号").await.text().await.unwrap();
    assert!(
        body.contains(
            "已拨付 30,000.00 元，本次 40,000.00 元，合计将超过安排的 60,000.00 元（最多还可拨付 30,000.00 元）。"
        ),
        "{body}"
    );
    let body = pay(&agency, id, "interim", "10,000", "沈经拨〔2026〕101号").await.text().await.unwrap();
    assert!(body.contains("本地区已有相同凭证号的拨付记录"));
    let body = pay(&agency, id, "final", "10,000", "沈经拨〔2026〕103号").await.text().await.unwrap();
    assert!(body.contains("验收通过后才能拨付尾款"));

    // Accepted: the final payment settles it and gives back what was not paid.
    set_status(&pool, id, "accepted").await;
    assert_eq!(pay(&agency, id, "final", "20,000", "沈经拨〔2026〕104号").await.status(), StatusCode::SEE_OTHER);
    assert_eq!(status_of(&pool, id).await, "settled");
    // Archived: the list's 已结算归档 tab holds it.
    let archive = city.get("/projects?status=settled").await.text().await.unwrap();
    assert!(archive.contains(&format!("/projects/{id}\"")) && archive.contains("已结算归档"), "{archive}");
    let entries: Vec<(String, String)> =
        sqlx::query_as("SELECT kind, amount::text FROM fee_entries WHERE project_id = $1 ORDER BY id")
            .bind(id.0)
            .fetch_all(&pool)
            .await
            .unwrap();
    assert_eq!(entries, [("allocation".into(), "60000.00".into()), ("release".into(), "10000.00".into())]);
    let body = pay(&agency, id, "interim", "1", "沈经拨〔2026〕105号").await.text().await.unwrap();
    assert!(!body.contains("记录拨付</button>"), "settled: no more payments");
    let payment: i64 =
        sqlx::query_scalar("SELECT id FROM fee_payments WHERE stage = 'final'").fetch_one(&pool).await.unwrap();
    let print = city.get(&format!("{page}/{payment}/print")).await.text().await.unwrap();
    assert!(
        print.contains("贰万元整") && print.contains("沈经拨〔2026〕104号") && print.contains("50,000.00"),
        "{print}"
    );

    // Partners read; other cities do not find it; experts nothing.
    let partner = app.login_as(Role::PartnerOfficer, "210100").await;
    assert_eq!(partner.get(&page).await.status(), StatusCode::OK);
    let dalian = app.login_as(Role::AgencyOfficer, "210200").await;
    assert_eq!(dalian.get(&page).await.status(), StatusCode::NOT_FOUND);
    assert_eq!(pay(&dalian, id, "advance", "1", "X2").await.status(), StatusCode::NOT_FOUND);

    // The execution table, its chart's figures, the trend, and both as Excel.
    let province = app.login_as(Role::ProvinceOfficer, "210000").await;
    let body = province.get("/fee/overview?year=2026").await.text().await.unwrap();
    assert!(body.contains("沈阳市") && body.contains("大连市") && body.contains("execution-data"), "{body}");
    // Budget 100 万元, 5.00 万元 paid this year: 5.0%.
    assert!(body.contains("5.0%"), "{body}");
    let own = city.get("/fee/overview?year=2026").await.text().await.unwrap();
    assert!(own.contains("沈阳市") && !own.contains("大连市"), "a city sees its own row");
    assert!(province.get("/fee/trend?region=210100").await.text().await.unwrap().contains("2026"));
    // Each figure leads to the records behind it.
    assert!(body.contains("/fee/records?region=210100&amp;year=2026&amp;kind=payment"), "{body}");
    let records = "/fee/records?year=2026&kind=payment";
    let body = agency.get(records).await.text().await.unwrap();
    assert!(
        body.contains("沈经拨〔2026〕101号") && body.contains("拨付（尾款）") && body.contains("50,000.00 元"),
        "{body}"
    );
    let body = province.get("/fee/records?region=210100&year=2026&kind=release").await.text().await.unwrap();
    assert!(body.contains("−10,000.00") && !body.contains("沈经拨"), "{body}");
    let body = dalian.get("/fee/records?region=210100&year=2026&kind=payment").await.text().await.unwrap();
    assert!(body.contains("大连市") && !body.contains("沈经拨"), "another city reads its own: {body}");
    assert_eq!(partner.get(records).await.status(), StatusCode::OK);
    let expert = app.login_as(Role::Expert, "210100").await;
    assert_eq!(expert.get(records).await.status(), StatusCode::FORBIDDEN);
    for path in ["/fee/overview/export?year=2026", "/fee/trend/export?region=210100", "/fee/records/export?year=2026"] {
        let res = province.get(path).await;
        assert_eq!(res.status(), StatusCode::OK, "{path}");
        assert!(res.bytes().await.unwrap().starts_with(b"PK"), "{path}");
    }
}

#[tokio::test]
async fn a_returned_filing_and_a_termination_release_what_was_not_paid() {
    let app = TestApp::spawn().await;
    let city = app.login_as(Role::CityOfficer, "210100").await;
    let agency = app.login_as(Role::AgencyOfficer, "210100").await;
    let province = app.login_as(Role::ProvinceOfficer, "210000").await;
    crate::support::fee::approved_budget(&app.db, "210100", 2026, "500000", "500000").await;
    // Returned by the province: everything goes back.
    let (returned, pool) = reviewed(&app, &city, "51210100MJ0FEEE05").await;
    assert_eq!(decide(&city, returned, "60000").await.status(), StatusCode::SEE_OTHER);
    set_status(&pool, returned, "awaiting_filing").await;
    let t = token();
    let fields = [("form_token", t.as_str()), ("action", "return_filing"), ("comment", "核定金额依据不足")];
    let res = province.post_form(&format!("/projects/{returned}/approval/filing"), &fields).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(ledger(&pool, returned).await.last().cloned(), Some(("release".to_string(), "60000.00".to_string())));
    // Terminated after an advance: the rest goes back.
    let (ended, _) = reviewed(&app, &city, "51210100MJ0FEEF06").await;
    assert_eq!(decide(&city, ended, "60000").await.status(), StatusCode::SEE_OTHER);
    set_status(&pool, ended, "in_progress").await;
    assert_eq!(pay(&agency, ended, "advance", "10,000", "沈经拨〔2026〕201号").await.status(), StatusCode::SEE_OTHER);
    let t = token();
    let fields = [("form_token", t.as_str()), ("reason", "承担单位注销")];
    assert_eq!(
        city.post_form(&format!("/projects/{ended}/termination"), &fields).await.status(),
        StatusCode::SEE_OTHER
    );
    assert_eq!(ledger(&pool, ended).await.last().cloned(), Some(("release".to_string(), "50000.00".to_string())));
}

async fn status_of(pool: &PgPool, id: ProjectId) -> String {
    sqlx::query_scalar("SELECT status FROM projects WHERE id = $1").bind(id.0).fetch_one(pool).await.unwrap()
}
