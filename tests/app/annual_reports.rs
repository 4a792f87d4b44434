//! Annual reports over HTTP: every figure equals what its records say and the count (or sum)
//! of the list it links to, for the city and for the province; the figures are frozen at
//! submission and the page says what has changed since; the province's overview and export;
//! 省本级's report accepted by another officer; readers of other regions and roles refused.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use prevention::org::{DepartmentKind, Role};
use prevention::values::Money;
use reqwest::StatusCode;

use crate::support::publicity as fx;
use crate::support::{TestApp, TestDb, TestUser};
use crate::support::{annual_reports, employers, fee, meetings, plans, projects, rosters};

/// A figure as the report page shows it: its value and the list it links to.
#[derive(Debug, Clone)]
struct Shown {
    value: String,
    link: Option<String>,
    drift: Option<String>,
}

fn between<'a>(text: &'a str, start: &str, end: &str) -> Option<&'a str> {
    let from = text.find(start)? + start.len();
    let len = text[from..].find(end)?;
    Some(&text[from..from + len])
}

/// The figures of a report page by key.
fn figures_of(page: &str) -> BTreeMap<String, Shown> {
    let mut out = BTreeMap::new();
    for chunk in page.split("<tr data-key=\"").skip(1) {
        let key = chunk.split('"').next().unwrap().to_string();
        let cell = between(chunk, "class=\"figure-value\">", "</span>").unwrap();
        let (value, link) = match cell.strip_prefix("<a href=\"") {
            Some(rest) => {
                let (href, text) = rest.split_once("\">").unwrap();
                (text.trim_end_matches("</a>").to_string(), Some(href.replace("&amp;", "&").replace("&#38;", "&")))
            }
            None => (cell.to_string(), None),
        };
        let drift = between(chunk, "drift\">现为 ", "</span>").map(str::to_string);
        out.insert(key, Shown { value, link, drift });
    }
    out
}

/// The row count a list shows.
async fn list_total(user: &TestUser, url: &str) -> String {
    let res = user.get(url).await;
    assert_eq!(res.status(), StatusCode::OK, "{url}");
    let page = res.text().await.unwrap();
    between(&page, "id=\"list-total\">", "<").unwrap_or_else(|| panic!("{url} shows no total")).to_string()
}

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

fn wan(yuan: i64) -> String {
    Money::from_yuan(yuan.into()).unwrap().show_wan()
}

async fn exec(db: &TestDb, sql: &str) {
    let pool = db.superuser_pool().await;
    sqlx::raw_sql(sqlx::AssertSqlSafe(sql.to_string())).execute(&pool).await.unwrap_or_else(|e| panic!("{sql}: {e}"));
}

/// Records of 沈阳 in 2026 in every feature the report counts, with records of 2025 and of 大连
/// beside them that must not count.
async fn records_of_a_year(app: &TestApp, by: prevention::org::AccountId) {
    let db = &app.db;
    plans::draft(db, "210100", 2026, by).await;
    rosters::roster(db, "210100", 2026, by).await;
    // Meetings: two in 2026 (items: one closed, one overdue, one open), one in 2025, 大连's.
    let emergency = DepartmentKind::Emergency;
    let first = meetings::meeting(db, "210100", day(2026, 3, 2), &[emergency], by).await;
    let second = meetings::meeting(db, "210100", day(2026, 9, 1), &[emergency], by).await;
    let done = meetings::item(db, first, "组织联合检查", emergency, day(2026, 5, 1)).await;
    meetings::item(db, first, "开展宣传", emergency, day(2026, 10, 1)).await;
    meetings::item(db, second, "年底总结", emergency, day(2027, 1, 31)).await;
    exec(
        db,
        &format!(
            "UPDATE meeting_action_items SET closed_on = '2026-04-28', closed_at = now(), closed_by = {}
             WHERE id = {}",
            by.0, done.0
        ),
    )
    .await;
    meetings::meeting(db, "210100", day(2025, 6, 1), &[emergency], by).await;
    meetings::meeting(db, "210200", day(2026, 6, 1), &[emergency], by).await;
    // Inspections: one in 2026 with four findings (verified, rectified, overdue, open), 大连's.
    let employer =
        employers::employer(db, "210100", &employers::credit_code("91210100MA0RPTA01"), "沈阳化工", "C26").await;
    let (inspection, open) = fx::inspection(db, "210100", employer.0, "emergency", "emergency").await;
    for (n, extra) in [
        (
            1,
            "rectified_on = current_date - 2, rectified_by = created_by_of, verified_on = current_date - 1, verified_by = (SELECT min(id) FROM accounts WHERE id <> created_by_of)",
        ),
        (2, "rectified_on = current_date - 2, rectified_by = created_by_of"),
        (3, "deadline = current_date - 3, original_deadline = current_date - 3"),
    ] {
        let extra = extra.replace("created_by_of", &by.0.to_string());
        exec(
            db,
            &format!(
                "INSERT INTO findings (region_id, inspection_id, employer_id, category, description, advice, deadline,
                                       original_deadline, responsible_department, recorded_by, recorded_by_name)
                 SELECT region_id, inspection_id, employer_id, category, '问题{n}', advice, deadline, original_deadline,
                        responsible_department, recorded_by, recorded_by_name FROM findings WHERE id = {open};
                 UPDATE findings SET {extra} WHERE id = (SELECT max(id) FROM findings)"
            ),
        )
        .await;
    }
    let _ = inspection;
    let dl_employer =
        employers::employer(db, "210200", &employers::credit_code("91210200MA0RPTA01"), "大连化工", "C26").await;
    fx::inspection(db, "210200", dl_employer.0, "emergency", "emergency").await;
    // Notices: one issued by 沈阳, one draft, one of the province.
    fx::notice(db, "210100", &["210100"], "沈阳的通知", true).await;
    fx::notice(db, "210100", &["210100"], "沈阳的草稿", false).await;
    fx::notice(db, "210000", &["210100"], "省里的通知", true).await;
    // The fee: income 100,000,000 (cap 3,000,000), budget 1,000,000; a filed project allocated
    // 300,000 and paid 120,000 in 2026 (and 50,000 in 2025).
    fee::approved_budget(db, "210100", 2026, "600000", "400000").await;
    let round = projects::round(db, "210100", day(2026, 3, 1), day(2026, 4, 30), by).await;
    let applicant = projects::applicant(db, "210100", "51210100MJ0RPTA01", "沈阳市安全生产协会", by).await;
    let project = projects::draft(db, round, applicant, by).await;
    projects::draft(db, round, applicant, by).await; // a draft: not counted
    let second = projects::draft(db, round, applicant, by).await;
    exec(db, &format!("UPDATE projects SET status = 'filed', project_type = 'training' WHERE id = {}", project.0))
        .await;
    exec(db, &format!("UPDATE projects SET status = 'submitted' WHERE id = {}", second.0)).await;
    exec(
        db,
        &format!(
            "INSERT INTO fee_entries (region_id, project_id, budget_year, project_year, category, kind, amount,
                                      created_by, created_by_name)
             SELECT region_id, id, 2026, 1, 'training', 'allocation', 300000, {by}, '测试' FROM projects WHERE id = {p};
             INSERT INTO fee_payments (region_id, project_id, paid_on, amount, voucher, stage, recorded_by,
                                       recorded_by_name)
             SELECT region_id, id, '2026-10-09', 120000, 'PZ-2026-1', 'advance', {by}, '测试' FROM projects WHERE id = {p};
             INSERT INTO fee_payments (region_id, project_id, paid_on, amount, voucher, stage, recorded_by,
                                       recorded_by_name)
             SELECT region_id, id, '2025-12-30', 50000, 'PZ-2025-1', 'advance', {by}, '测试' FROM projects WHERE id = {p}",
            by = by.0,
            p = project.0
        ),
    )
    .await;
    // Publicity and schools of 2026 (and a 2025 event), statistics of 2025 and 2026.
    fx::event(db, "210100", "沈阳安全生产月", "hrss").await;
    exec(db, "UPDATE publicity_events SET held_on = '2025-06-10', ends_on = '2025-06-10' WHERE title = '沈阳安全生产月' AND id = (SELECT min(id) FROM publicity_events)").await;
    fx::event(db, "210100", "沈阳职业病防治法宣传周", "health").await;
    fx::school(db, "210100", "沈阳市技师学院").await;
    exec(
        db,
        "INSERT INTO injury_statistics (region_id, year, industry, insured, injuries, deaths, disease_cases)
         SELECT id, 2025, 'mining', 100000, 200, 1, 0 FROM regions WHERE code = '210100';
         INSERT INTO injury_statistics (region_id, year, industry, insured, injuries, deaths, disease_cases)
         SELECT id, 2026, 'mining', 60000, 90, 0, 0 FROM regions WHERE code = '210100';
         INSERT INTO injury_statistics (region_id, year, industry, insured, injuries, deaths, disease_cases)
         SELECT id, 2026, 'hazardous_chemicals', 40000, 60, 0, 1 FROM regions WHERE code = '210100'",
    )
    .await;
    // Training: two team leaders required at the chemical works, one trained.
    let city = app.login_as(Role::CityOfficer, "210100").await;
    let res = city
        .post_form(
            &format!("/employers/{}/training/required", employer.0),
            &[("cycle", "2026"), ("category", "一线班组长"), ("required", "2")],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER, "{}", res.text().await.unwrap());
    crate::support::training::session_with_trainee(db, "210100", employer, "110101199003074514").await;
}

async fn start(user: &TestUser, year: &str) -> i64 {
    let token = prevention::web::once::new_token();
    let res = user.post_form("/annual-reports/new", &[("year", year), ("form_token", token.as_str())]).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER, "{}", res.text().await.unwrap());
    res.headers()["location"].to_str().unwrap().trim_start_matches("/annual-reports/").parse().unwrap()
}

/// Writes every section of the report (the cycle's tasks read off the edit form).
async fn write(user: &TestUser, id: i64) {
    let form = user.get(&format!("/annual-reports/{id}/edit")).await.text().await.unwrap();
    let version = between(&form, "name=\"version\" value=\"", "\"").unwrap().to_string();
    let tasks: Vec<String> =
        form.split("name=\"task\" value=\"").skip(1).map(|c| c.split('"').next().unwrap().to_string()).collect();
    assert!(!tasks.is_empty(), "the cycle's tasks are offered");
    let mut fields: Vec<(&str, &str)> = vec![("version", version.as_str()), ("document_number", "沈人社报〔2026〕9号")];
    for t in &tasks {
        fields.push(("task", t.as_str()));
        fields.push(("section", "已按方案落实，情况良好。"));
    }
    fields.extend([("problems", "基层人手不足"), ("next_year", "扩大培训覆盖面")]);
    let res = user.post_form(&format!("/annual-reports/{id}/edit"), &fields).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER, "{}", res.text().await.unwrap());
}

async fn act(user: &TestUser, id: i64, action: &str, comment: &str) -> reqwest::Response {
    let token = prevention::web::once::new_token();
    user.post_form(
        &format!("/annual-reports/{id}/transition"),
        &[("action", action), ("comment", comment), ("form_token", token.as_str())],
    )
    .await
}

#[tokio::test]
async fn every_figure_equals_its_records_and_the_list_it_links_to() {
    let app = TestApp::spawn().await;
    let city = app.login_as(Role::CityOfficer, "210100").await;
    let province = app.login_as(Role::ProvinceOfficer, "210000").await;
    let by = crate::support::accounts::id_of(&app.db.app_pool().await, &city.username).await;
    records_of_a_year(&app, by).await;
    let id = start(&city, "2026").await;
    let page = city.get(&format!("/annual-reports/{id}")).await.text().await.unwrap();
    let f = figures_of(&page);

    let expected: &[(&str, String)] = &[
        ("plan_status", "草稿".into()),
        ("roster", "草稿，组成不完整".into()),
        ("meetings", "2".into()),
        ("items_done", "1".into()),
        ("items_overdue", "1".into()),
        ("inspections", "1".into()),
        ("findings", "4".into()),
        ("findings_closed", "1".into()),
        ("findings_rectified", "1".into()),
        ("findings_overdue", "1".into()),
        ("notices", "1".into()),
        ("fee_income", wan(100_000_000)),
        ("fee_cap", wan(3_000_000)),
        ("fee_budget", wan(1_000_000)),
        ("fee_allocated", wan(300_000)),
        ("fee_paid", wan(120_000)),
        ("fee_execution", "12.0%".into()),
        ("projects.filed", "1".into()),
        ("projects.submitted", "1".into()),
        ("training.一线班组长.capped", "1".into()),
        ("training.一线班组长.rate", "50.0%".into()),
        ("training.required", "2".into()),
        ("training.capped", "1".into()),
        ("publicity", "1".into()),
        ("schools", "1".into()),
        ("schools_running", "1".into()),
        // 150 of 100,000 against 200 of 100,000 in 2025: target 2.00 × (1 − 10% × 1/5) = 1.96.
        ("accident_rate", "1.50‰".into()),
        ("accident_target", "1.96‰".into()),
        ("accident_on_track", "达到目标".into()),
    ];
    for (key, value) in expected {
        let shown = f.get(*key).unwrap_or_else(|| panic!("no figure {key} in {f:?}"));
        assert_eq!(&shown.value, value, "{key}");
    }
    assert!(!f.contains_key("projects.draft"), "drafts are not applications yet");

    // Each count equals the rows of the list it links to, for the city and for the province
    // (whose lists are filtered to the region).
    let counts = [
        "meetings",
        "items_done",
        "items_overdue",
        "inspections",
        "findings",
        "findings_closed",
        "findings_rectified",
        "findings_overdue",
        "notices",
        "projects.filed",
        "projects.submitted",
        "publicity",
        "schools",
    ];
    let province_page = province.get(&format!("/annual-reports/{id}")).await.text().await.unwrap();
    let pf = figures_of(&province_page);
    for key in counts {
        let city_link = f[key].link.clone().unwrap_or_else(|| panic!("{key} links to its list"));
        assert_eq!(list_total(&city, &city_link).await, f[key].value, "{key}: {city_link}");
        let province_link = pf[key].link.clone().unwrap();
        assert!(province_link.contains("region=210100"), "{province_link}");
        assert_eq!(pf[key].value, f[key].value);
        assert_eq!(list_total(&province, &province_link).await, f[key].value, "{key}: {province_link}");
    }
    // Sums: the fee's records list adds up to the allocation and the payments.
    for (key, yuan) in [("fee_allocated", "300,000.00 元"), ("fee_paid", "120,000.00 元")] {
        let link = f[key].link.clone().unwrap();
        let list = city.get(&link).await.text().await.unwrap();
        assert_eq!(between(&list, "id=\"records-sum\">", "<"), Some(yuan), "{key}: {link}");
        assert_eq!(between(&list, "id=\"list-total\">", "<"), Some("1"));
    }
    // Coverage: the page the training figures link to shows the same people.
    let coverage = city.get(f["training.capped"].link.as_deref().unwrap()).await.text().await.unwrap();
    assert_eq!(between(&coverage, "id=\"coverage-required\">", "<"), Some("2"));
    assert_eq!(between(&coverage, "id=\"coverage-capped\">", "<"), Some("1"));
    let category = city.get(f["training.一线班组长.capped"].link.as_deref().unwrap()).await.text().await.unwrap();
    assert_eq!(between(&category, "id=\"coverage-capped\">", "<"), Some("1"));

    // The Excel export of the figures and the print view.
    let res = city.get(&format!("/annual-reports/{id}/export")).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert!(res.headers()["content-type"].to_str().unwrap().contains("spreadsheetml"));
    let print = city.get(&format!("/annual-reports/{id}/print")).await.text().await.unwrap();
    assert!(print.contains("沈阳市2026年度工伤预防工作计划落实情况报告") && print.contains("草稿"), "{print}");
}

#[tokio::test]
async fn figures_are_frozen_at_submission_and_the_page_says_what_changed_since() {
    let app = TestApp::spawn().await;
    let city = app.login_as(Role::CityOfficer, "210100").await;
    let province = app.login_as(Role::ProvinceOfficer, "210000").await;
    let partner = app.login_as_department(Role::PartnerOfficer, "210100", Some(DepartmentKind::Emergency)).await;
    let by = crate::support::accounts::id_of(&app.db.app_pool().await, &city.username).await;
    meetings::meeting(&app.db, "210100", day(2026, 3, 2), &[DepartmentKind::Emergency], by).await;
    let id = start(&city, "2026").await;

    // Not yet written: the submission lists what it lacks and nothing moves.
    let res = act(&city, id, "submit", "").await;
    assert_eq!(res.status(), StatusCode::OK);
    assert!(res.text().await.unwrap().contains("请填写存在的问题"));
    assert_eq!(partner.get(&format!("/annual-reports/{id}")).await.status(), StatusCode::NOT_FOUND, "a draft");

    write(&city, id).await;
    assert_eq!(act(&city, id, "submit", "").await.status(), StatusCode::SEE_OTHER);
    let page = city.get(&format!("/annual-reports/{id}")).await.text().await.unwrap();
    assert!(page.contains("id=\"frozen-note\""), "{page}");
    assert_eq!(figures_of(&page)["meetings"].value, "1");
    assert!(!page.contains("逾期报送"), "submitted before 16 December");

    // A meeting recorded afterwards: the report keeps 1, and says the records now hold 2.
    meetings::meeting(&app.db, "210100", day(2026, 11, 20), &[DepartmentKind::Emergency], by).await;
    let f = figures_of(&city.get(&format!("/annual-reports/{id}")).await.text().await.unwrap());
    assert_eq!(f["meetings"].value, "1");
    assert_eq!(f["meetings"].drift.as_deref(), Some("2"));
    // The partner reads it now, frozen too; the province's summary takes the frozen figure.
    let f = figures_of(&partner.get(&format!("/annual-reports/{id}")).await.text().await.unwrap());
    assert_eq!(f["meetings"].value, "1");
    let overview = province.get("/annual-reports?year=2026").await.text().await.unwrap();
    let row = overview.split("<td class=\"text-nowrap\">沈阳市</td>").nth(1).unwrap();
    assert!(row.trim_start().starts_with("<td class=\"text-nowrap\">报送</td>"), "{row}");
    assert!(overview.contains("data-standing=\"submitted\""));

    // Returned with a comment, the report is live again; resubmitted, the new figures freeze.
    let res = act(&province, id, "return", "").await;
    assert!(res.text().await.unwrap().contains("请填写理由"));
    assert_eq!(act(&province, id, "return", "请补充培训数据").await.status(), StatusCode::SEE_OTHER);
    let page = city.get(&format!("/annual-reports/{id}")).await.text().await.unwrap();
    assert!(page.contains("请补充培训数据") && page.contains("已退回"));
    assert_eq!(figures_of(&page)["meetings"].value, "2");
    assert_eq!(partner.get(&format!("/annual-reports/{id}")).await.status(), StatusCode::NOT_FOUND, "back with 沈阳");
    assert_eq!(act(&city, id, "submit", "").await.status(), StatusCode::SEE_OTHER);
    assert_eq!(act(&province, id, "accept", "").await.status(), StatusCode::SEE_OTHER);
    let page = city.get(&format!("/annual-reports/{id}")).await.text().await.unwrap();
    assert!(page.contains("已审核通过"));
    assert_eq!(figures_of(&page)["meetings"].value, "2");
    // Two submissions, two versions to compare.
    assert_eq!(city.get(&format!("/annual-reports/{id}/compare")).await.status(), StatusCode::OK);

    // The year's export: a sheet of statuses and one of figures.
    let res = province.get("/annual-reports/overview/export?year=2026").await;
    assert_eq!(res.status(), StatusCode::OK);
    let bytes = res.bytes().await.unwrap();
    let mut book: calamine::Xlsx<_> = calamine::open_workbook_from_rs(std::io::Cursor::new(bytes.to_vec())).unwrap();
    use calamine::Reader;
    assert_eq!(book.sheet_names(), vec!["报送情况".to_string(), "数据".to_string()]);
    let statuses = book.worksheet_range("报送情况").unwrap();
    let sy = statuses.rows().find(|r| r[0].to_string() == "沈阳市").unwrap();
    assert_eq!(sy[1].to_string(), "已审核通过");
    let data = book.worksheet_range("数据").unwrap();
    let header: Vec<String> = data.rows().nth(2).unwrap().iter().map(|c| c.to_string()).collect();
    let column = header.iter().position(|h| h == "召开联席会议（次）").unwrap();
    let sy = data.rows().find(|r| r[0].to_string() == "沈阳市").unwrap();
    assert_eq!(sy[1].to_string(), "报送时固定");
    assert_eq!(sy[column].to_string(), "2");
}

#[tokio::test]
async fn the_provinces_own_report_is_accepted_by_another_officer() {
    let app = TestApp::spawn().await;
    let writer = app.login_as(Role::ProvinceOfficer, "210000").await;
    let other = app.login_as(Role::ProvinceOfficer, "210000").await;
    let city = app.login_as(Role::CityOfficer, "210100").await;
    let overview = writer.get("/annual-reports?year=2026").await.text().await.unwrap();
    assert!(overview.contains("编写省本级2026年度报告"));
    let id = start(&writer, "2026").await;
    write(&writer, id).await;
    assert_eq!(act(&writer, id, "submit", "").await.status(), StatusCode::SEE_OTHER);
    let res = act(&writer, id, "accept", "").await;
    assert_eq!(res.status(), StatusCode::OK);
    assert!(res.text().await.unwrap().contains("不能由提交人本人办理"));
    assert_eq!(act(&other, id, "accept", "").await.status(), StatusCode::SEE_OTHER);
    assert!(writer.get(&format!("/annual-reports/{id}")).await.text().await.unwrap().contains("已审核通过"));
    // A city neither reads nor accepts the province's report.
    assert_eq!(city.get(&format!("/annual-reports/{id}")).await.status(), StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn another_citys_officers_and_roles_without_the_right_are_refused() {
    let app = TestApp::spawn().await;
    let dalian = app.login_as(Role::CityOfficer, "210200").await;
    let sy = annual_reports::report(&app.db, "210100", 2025, "submitted").await;
    let dl_partner = app.login_as_department(Role::PartnerOfficer, "210200", Some(DepartmentKind::Emergency)).await;
    let expert = app.login_as(Role::Expert, "210100").await;
    let auditor = app.login_as(Role::Auditor, "").await;
    for path in ["", "/print", "/export", "/edit"] {
        let url = format!("/annual-reports/{sy}{path}");
        assert_eq!(dalian.get(&url).await.status(), StatusCode::NOT_FOUND, "{url}");
        assert_ne!(dl_partner.get(&url).await.status(), StatusCode::OK, "{url}");
        assert_eq!(expert.get(&url).await.status(), StatusCode::FORBIDDEN, "{url}");
        assert_eq!(auditor.get(&url).await.status(), StatusCode::FORBIDDEN, "{url}");
    }
    assert_eq!(act(&dalian, sy, "submit", "").await.status(), StatusCode::NOT_FOUND);
    assert_eq!(act(&dl_partner, sy, "accept", "").await.status(), StatusCode::FORBIDDEN);
    assert!(!dalian.get("/annual-reports").await.text().await.unwrap().contains(&format!("/annual-reports/{sy}\"")));
    // A year outside every cycle, or still to come, cannot be started.
    let token = prevention::web::once::new_token();
    let res = dalian.post_form("/annual-reports/new", &[("year", "2031"), ("form_token", token.as_str())]).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
}
