//! Floating-rate evaluations over HTTP: an agency officer enters an employer's inputs, the
//! engine proposes from them and from the system's own records (the region's injury statistics,
//! key-position training, findings rectified on time), each factor explained; the officer
//! confirms or overrides with a reason; a whole region runs as a background job; the results
//! export; the inputs import all or nothing; other regions and roles are refused.

use prevention::org::Role;
use reqwest::StatusCode;

use crate::support::employers;
use crate::support::{TestApp, TestUser, exec};

async fn run_jobs(app: &TestApp) {
    let pool = app.db.app_pool().await;
    while prevention::jobs::run_once(&pool, "test-worker", prevention::server::JOB_RUNNERS).await.unwrap() {}
}

async fn audit_count(app: &TestApp, action: &str) -> i64 {
    let pool = app.db.app_pool().await;
    sqlx::query_scalar("SELECT count(*) FROM audit_log WHERE action = $1").bind(action).fetch_one(&pool).await.unwrap()
}

fn inputs<'a>(employer: &'a str, benefits: &'a str, hazard: &'a str, token: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("employer", employer),
        ("period_start", "2023"),
        ("premium_1", "100,000"),
        ("premium_2", "100000"),
        ("premium_3", "100000"),
        ("benefit_1", benefits),
        ("benefit_2", benefits),
        ("benefit_3", benefits),
        ("wage_bill", "12000000"),
        ("injuries", "3"),
        ("hazard", hazard),
        ("standardisation", "level1"),
        ("version", ""),
        ("form_token", token),
    ]
}

/// 沈阳's records the engine reads: 危险化学品's statistics over 2023–2025 (900 injuries of
/// 150,000 insured: 0.6%), the employer's training of 2021–2025 complete, and one finding due in
/// 2024 rectified late.
async fn records(app: &TestApp, employer: i64) -> i64 {
    let owner = app.db.superuser_pool().await;
    exec(
        &owner,
        &format!(
            "INSERT INTO injury_statistics (region_id, year, industry, insured, injuries, deaths, disease_cases)
             SELECT r.id, y, 'hazardous_chemicals', 50000, 300, 1, 0 FROM regions r, generate_series(2023, 2025) y
             WHERE r.code = '210100';
             INSERT INTO training_employer_totals (region_id, cycle_id, employer_id, division_code, required, capped)
             SELECT r.id, c.id, {employer}, 'C26', 10, 10 FROM regions r, cycles c
             WHERE r.code = '210100' AND c.first_year = 2021;
             INSERT INTO joint_inspections (region_id, inspected_on, lead_department, inspectors, employer_id,
                                            created_by, created_by_name)
             SELECT r.id, '2024-03-01', 'emergency', '检查组', {employer}, (SELECT min(id) FROM accounts), '测试'
             FROM regions r WHERE r.code = '210100';"
        ),
    )
    .await;
    let finding: i64 = sqlx::query_scalar(
        "INSERT INTO findings (region_id, inspection_id, employer_id, category, description, advice, deadline,
                               original_deadline, responsible_department, recorded_by, recorded_by_name,
                               rectified_on, rectified_by, rectified_by_name)
         SELECT region_id, id, employer_id, 'other', '问题', '整改', '2024-04-01', '2024-04-01', 'emergency',
                created_by, '测试', '2024-05-10', created_by, '测试'
         FROM joint_inspections WHERE employer_id = $1 RETURNING id",
    )
    .bind(employer)
    .fetch_one(&owner)
    .await
    .unwrap();
    finding
}

fn id_of(res: &reqwest::Response) -> String {
    res.headers()["location"].to_str().unwrap().trim_start_matches("/rates/evaluations/").to_string()
}

async fn evaluate(agency: &TestUser, id: &str) -> String {
    let res = agency.post_form(&format!("/rates/evaluations/{id}/evaluate"), &[]).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER, "{}", res.text().await.unwrap());
    agency.get(&format!("/rates/evaluations/{id}")).await.text().await.unwrap()
}

/// The explanation's row of a factor.
fn factor_row<'a>(page: &'a str, factor: &str) -> &'a str {
    page.split("<tr>").find(|r| r.contains(&format!("<td>{factor}</td>"))).unwrap_or_else(|| panic!("{factor}: {page}"))
}

#[tokio::test]
async fn an_evaluation_reads_the_system_s_records_explains_every_factor_and_is_decided_once() {
    let app = TestApp::spawn().await;
    let code = employers::credit_code("91210100MA0DDDD01");
    let employer = employers::employer(&app.db, "210100", &code, "沈阳甲化工", "C26").await;
    let agency = app.login_as(Role::AgencyOfficer, "210100").await;
    let finding = records(&app, employer.0).await;

    // Inputs with their checks.
    let token = prevention::web::once::new_token();
    let mut bad = inputs(&code, "-1", "serious", &token);
    bad[1] = ("period_start", "2025");
    let page = agency.post_form("/rates/evaluations/new", &bad).await.text().await.unwrap();
    assert!(page.contains("评估期的最后一年不能晚于") && page.contains("金额不能为负数"), "{page}");
    let res = agency.post_form("/rates/evaluations/new", &inputs(&code, "60000", "serious", &token)).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER, "{}", res.text().await.unwrap());
    let id = id_of(&res);
    let again = prevention::web::once::new_token();
    let page = agency.post_form("/rates/evaluations/new", &inputs(&code, "60000", "serious", &again)).await;
    assert!(page.text().await.unwrap().contains("该单位本评估期的数据已经录入"));

    // Fund use 60% (0), accidents 3 ÷ (45 × 3) against 0.6%: 370% (+2), serious hazard (+1),
    // training complete (−1), the one finding rectified late: 0% (+1), level 1 (−1): +2 from
    // 100% to 150% of class 6's 1.3%: 1.95%.
    let page = evaluate(&agency, &id).await;
    assert!(factor_row(&page, "基金支缴率").contains("60%") && factor_row(&page, "基金支缴率").contains("不浮动"));
    let accidents = factor_row(&page, "工伤发生率（与本地区同行业相比）");
    assert!(accidents.contains("370.37%") && accidents.contains("上浮2档"), "{accidents}");
    assert!(factor_row(&page, "重点岗位培训覆盖率").contains("下浮1档"));
    let rectification = factor_row(&page, "检查发现问题按期整改率");
    assert!(rectification.contains("0%") && rectification.contains("上浮1档"), "{rectification}");
    assert!(
        page.contains("上浮2档</th>") && page.contains("<strong>150%</strong>") && page.contains("1.95%"),
        "{page}"
    );

    // The finding's rectification recorded on time after all: the same evaluation now reads 100%.
    let owner = app.db.superuser_pool().await;
    exec(&owner, &format!("UPDATE findings SET rectified_on = '2024-03-20' WHERE id = {finding}")).await;
    let page = evaluate(&agency, &id).await;
    assert!(factor_row(&page, "检查发现问题按期整改率").contains("100%"));
    assert!(page.contains("<strong>120%</strong>") && page.contains("1.56%"), "{page}");

    // An override needs a grade the class allows, other than the proposal, and a reason.
    let version =
        |page: &str| page.split("name=\"version\" value=\"").nth(1).unwrap().split('"').next().unwrap().to_string();
    let v = version(&page);
    let token = prevention::web::once::new_token();
    let override_form = |grade: &'static str, reason: &'static str| {
        vec![
            ("action", "override"),
            ("grade", grade),
            ("reason", reason),
            ("version", v.as_str()),
            ("form_token", token.as_str()),
        ]
    };
    let path = format!("/rates/evaluations/{id}/decide");
    let page = agency.post_form(&path, &override_form("110", "")).await.text().await.unwrap();
    assert!(page.contains("请从本类别允许的档次中选择") && page.contains("此项为必填项"), "{page}");
    let res =
        agency.post_form(&path, &override_form("100", "去年已完成重大隐患治理，经办机构复核后维持基准费率")).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let res =
        agency.post_form(&path, &override_form("100", "去年已完成重大隐患治理，经办机构复核后维持基准费率")).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER, "the same form again lands where the first did");
    assert_eq!(audit_count(&app, "rate.override").await, 1);
    let page = agency.get(&format!("/rates/evaluations/{id}")).await.text().await.unwrap();
    assert!(page.contains("已调整确认") && page.contains("维持基准费率") && page.contains("1.3%"), "{page}");
    // Decided: the inputs and the proposal stay as they are.
    assert_eq!(agency.get(&format!("/rates/evaluations/{id}/edit")).await.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        agency.post_form(&format!("/rates/evaluations/{id}/evaluate"), &[]).await.status(),
        StatusCode::UNPROCESSABLE_ENTITY
    );
    let history = agency.get(&format!("/employers/{}/rates", employer.0)).await.text().await.unwrap();
    assert!(history.contains("2023—2025年") && history.contains("120%") && history.contains("100%"), "{history}");

    // Readers and the refused.
    let city = app.login_as(Role::CityOfficer, "210100").await;
    assert_eq!(city.get(&format!("/rates/evaluations/{id}")).await.status(), StatusCode::OK);
    assert_eq!(city.post_form(&format!("/rates/evaluations/{id}/evaluate"), &[]).await.status(), StatusCode::FORBIDDEN);
    let province = app.login_as(Role::ProvinceOfficer, "210000").await;
    assert!(province.get("/rates?period=2023").await.text().await.unwrap().contains("沈阳甲化工"));
    let dalian = app.login_as(Role::AgencyOfficer, "210200").await;
    assert_eq!(dalian.get(&format!("/rates/evaluations/{id}")).await.status(), StatusCode::NOT_FOUND);
    assert!(!dalian.get("/rates?period=2023").await.text().await.unwrap().contains("沈阳甲化工"));
    for role in [Role::PartnerOfficer, Role::Expert] {
        let user = app.login_as(role, "210100").await;
        assert_eq!(user.get("/rates").await.status(), StatusCode::FORBIDDEN, "{role:?}");
    }
}

#[tokio::test]
async fn a_region_is_evaluated_at_once_in_the_background_and_exported() {
    let app = TestApp::spawn().await;
    let agency = app.login_as(Role::AgencyOfficer, "210100").await;
    for (n, division) in [(1, "C26"), (2, "C34"), (3, "I65")] {
        let code = employers::credit_code(&format!("91210100MA0EEEE0{n}"));
        employers::employer(&app.db, "210100", &code, &format!("沈阳单位{n}"), division).await;
        let token = prevention::web::once::new_token();
        let res = agency.post_form("/rates/evaluations/new", &inputs(&code, "10000", "none", &token)).await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER);
    }
    let token = prevention::web::once::new_token();
    let res = agency.post_form("/rates/run", &[("period", "2023"), ("form_token", token.as_str())]).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let run = res.headers()["location"].to_str().unwrap().to_string();
    run_jobs(&app).await;
    let page = agency.get(&run).await.text().await.unwrap();
    // Fund use 10% (−2) and level 1 (−1), nothing else to measure: −3 from 100% stops at 50%
    // for C26 (class 6) and C34 (class 4); I65 (software, class 1) never floats down.
    assert!(page.contains("测算完成：共 3 家") && page.contains("下浮 2 家") && page.contains("不变 1 家"), "{page}");
    let list = agency.get("/rates?period=2023&status=proposed").await.text().await.unwrap();
    assert!(list.contains("已测算待确认 3"), "{list}");
    let res = agency.get("/rates/export?period=2023").await;
    assert_eq!(res.status(), StatusCode::OK);
    let bytes = res.bytes().await.unwrap();
    let text = {
        use calamine::Reader;
        let mut book = calamine::Xlsx::new(std::io::Cursor::new(bytes.to_vec())).unwrap();
        let sheet = book.worksheet_range_at(0).unwrap().unwrap();
        sheet
            .rows()
            .map(|r| r.iter().map(|c| c.to_string()).collect::<Vec<_>>().join("|"))
            .collect::<Vec<_>>()
            .join("\n")
    };
    assert!(text.contains("沈阳单位1") && text.contains("50%") && text.contains("0.65"), "{text}");
    assert_eq!(audit_count(&app, "rate.run").await, 1);
    // The job is the region's: another region's agency gets 404.
    let dalian = app.login_as(Role::AgencyOfficer, "210200").await;
    assert_eq!(dalian.get(&run).await.status(), StatusCode::NOT_FOUND);
    let city = app.login_as(Role::CityOfficer, "210100").await;
    let token = prevention::web::once::new_token();
    let res = city.post_form("/rates/run", &[("period", "2023"), ("form_token", token.as_str())]).await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
}

/// A CSV of the import's columns; cells joined with ASCII commas.
fn csv(rows: &[[&str; 12]]) -> Vec<u8> {
    let header = [
        "统一社会信用代码",
        "评估期起始年度",
        "第一年缴费（元）",
        "第二年缴费（元）",
        "第三年缴费（元）",
        "第一年待遇支出（元）",
        "第二年待遇支出（元）",
        "第三年待遇支出（元）",
        "工资总额（元）",
        "认定工伤人数",
        "职业病危害程度",
        "安全生产标准化等级",
    ];
    let mut lines = vec![header.join(",")];
    lines.extend(rows.iter().map(|r| r.join(",")));
    lines.join("\r\n").into_bytes()
}

async fn evaluations(app: &TestApp) -> i64 {
    let owner = app.db.superuser_pool().await;
    sqlx::query_scalar("SELECT count(*) FROM rate_evaluations").fetch_one(&owner).await.unwrap()
}

/// A row of an employer's 2023–2025 inputs.
fn row<'a>(code: &'a str, injuries: &'a str) -> [&'a str; 12] {
    [code, "2023", "1000", "1000", "1000", "0", "0", "0", "500000", injuries, "一般", "三级"]
}

#[tokio::test]
async fn the_inputs_import_all_or_nothing() {
    let app = TestApp::spawn().await;
    let a = employers::credit_code("91210100MA0FFFF01");
    let b = employers::credit_code("91210100MA0FFFF02");
    let other = employers::credit_code("91210200MA0FFFF01");
    employers::employer(&app.db, "210100", &a, "沈阳甲", "C26").await;
    employers::employer(&app.db, "210100", &b, "沈阳乙", "C34").await;
    employers::employer(&app.db, "210200", &other, "大连甲", "C26").await;
    let agency = app.login_as(Role::AgencyOfficer, "210100").await;
    let (a, b, other) = (a.as_str(), b.as_str(), other.as_str());
    let bad = csv(&[row(a, "1"), row(a, "2"), row(other, "0"), row(b, "x")]);
    let res = agency.upload("/rates/import", "", "评估.csv", bad).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let job = res.headers()["location"].to_str().unwrap().to_string();
    run_jobs(&app).await;
    let page = agency.get(&job).await.text().await.unwrap();
    assert!(
        page.contains("与第 2 行重复")
            && page.contains("本地区未登记此统一社会信用代码的用人单位")
            && page.contains("全部未导入"),
        "{page}"
    );
    assert_eq!(evaluations(&app).await, 0, "nothing of a bad file");
    let res = agency.upload("/rates/import", "", "评估.csv", csv(&[row(a, "1"), row(b, "0")])).await;
    let job = res.headers()["location"].to_str().unwrap().to_string();
    run_jobs(&app).await;
    assert!(agency.get(&job).await.text().await.unwrap().contains("新增 2"));
    assert_eq!(evaluations(&app).await, 2);
    let city = app.login_as(Role::CityOfficer, "210100").await;
    assert_eq!(city.get("/rates/import").await.status(), StatusCode::FORBIDDEN);
}
