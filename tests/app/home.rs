//! The home page of each role over HTTP: exactly the role's own items (fixtures of other roles,
//! departments and regions beside them must not show), due in 30 days at its boundary, and
//! every figure equal to the list it links to.

use chrono::Duration;
use prevention::org::{DepartmentKind, Role};
use prevention::values::time;
use reqwest::StatusCode;

use crate::support::publicity as fx;
use crate::support::{TestApp, TestDb, TestUser, employers, experts, meetings, plans, projects};

fn between<'a>(text: &'a str, start: &str, end: &str) -> Option<&'a str> {
    let from = text.find(start)? + start.len();
    let len = text[from..].find(end)?;
    Some(&text[from..from + len])
}

async fn exec(db: &TestDb, sql: &str) {
    let pool = db.superuser_pool().await;
    sqlx::raw_sql(sqlx::AssertSqlSafe(sql.to_string())).execute(&pool).await.unwrap_or_else(|e| panic!("{sql}: {e}"));
}

async fn home(user: &TestUser) -> String {
    let res = user.get("/").await;
    assert_eq!(res.status(), StatusCode::OK);
    res.text().await.unwrap()
}

async fn list_total(user: &TestUser, url: &str) -> String {
    let page = user.get(&url.replace("&#38;", "&").replace("&amp;", "&")).await.text().await.unwrap();
    between(&page, "id=\"list-total\">", "<").unwrap_or_else(|| panic!("{url} shows no total")).to_string()
}

/// A finding of `region`'s employer for `department`, due `days` from today; its description.
async fn finding(db: &TestDb, region: &str, employer: i64, department: &str, days: i64, what: &str) {
    let (_, id) = fx::inspection(db, region, employer, "emergency", department).await;
    exec(
        db,
        &format!(
            "UPDATE findings SET deadline = current_date + {days}, original_deadline = current_date + {days},
                                 description = '{what}' WHERE id = {id}"
        ),
    )
    .await;
}

#[tokio::test]
async fn a_city_sees_what_comes_due_in_thirty_days_what_was_returned_and_its_figures() {
    let app = TestApp::spawn().await;
    let city = app.login_as(Role::CityOfficer, "210100").await;
    let by = crate::support::accounts::id_of(&app.db.app_pool().await, &city.username).await;
    let db = &app.db;
    let sy = employers::employer(db, "210100", &employers::credit_code("91210100MA0HUME01"), "沈阳甲厂", "C26").await;
    let dl = employers::employer(db, "210200", &employers::credit_code("91210200MA0HUME01"), "大连甲厂", "C26").await;
    // Boundary: the 30th day is listed, the 31st is not; overdue stays; 大连's never shows.
    finding(db, "210100", sy.0, "emergency", 30, "第三十日到期").await;
    finding(db, "210100", sy.0, "emergency", 31, "第三十一日到期").await;
    finding(db, "210100", sy.0, "health", -2, "已逾期的问题").await;
    finding(db, "210200", dl.0, "emergency", 5, "大连的问题").await;
    let today = time::today();
    let held = today - Duration::days(20);
    let meeting = meetings::meeting(db, "210100", held, &[DepartmentKind::Emergency], by).await;
    meetings::item(db, meeting, "本月内完成的议定事项", DepartmentKind::Emergency, today + Duration::days(10)).await;
    meetings::item(db, meeting, "明年的议定事项", DepartmentKind::Emergency, today + Duration::days(60)).await;
    // A plan returned with the province's reason; 大连's returned plan is not 沈阳's business.
    let plan = plans::draft(db, "210100", 2026, by).await;
    let dl_plan = plans::draft(db, "210200", 2026, by).await;
    for (code, id, reason) in [("210100", plan.0, "请补充保障措施"), ("210200", dl_plan.0, "大连的退回理由")]
    {
        exec(
            db,
            &format!(
                "UPDATE plans SET status = 'returned', first_submitted_at = now() WHERE id = {id};
                 INSERT INTO workflow_history (region_id, record_kind, record_id, from_status, to_status, action, comment,
                                               account_id, account_name)
                 SELECT r.id, 'plan', {id}, 'submitted', 'returned', 'return', '{reason}', {}, '省厅审核人'
                 FROM regions r WHERE r.code = '{code}'",
                by.0
            ),
        )
        .await;
    }

    let page = home(&city).await;
    let due = between(&page, "id=\"due\"", "</section>").unwrap();
    assert!(
        due.contains("第三十日到期") && due.contains("已逾期的问题") && due.contains("本月内完成的议定事项"),
        "{due}"
    );
    assert!(!due.contains("第三十一日到期") && !due.contains("大连的问题") && !due.contains("明年的议定事项"), "{due}");
    assert!(due.contains("已逾期"), "the overdue one is marked: {due}");
    // This year's report is due on 15 December and not yet submitted.
    assert!(due.contains("年度工伤预防工作计划落实情况报告"), "{due}");
    let returned = between(&page, "id=\"returned\"", "</section>").unwrap();
    assert!(returned.contains("请补充保障措施") && returned.contains("省厅审核人"), "{returned}");
    assert!(!returned.contains("大连的退回理由"));
    assert!(returned.contains(&format!("/plans/{plan}")));

    // The figures equal the lists they link to.
    for key in ["findings_open", "findings_overdue_all"] {
        let card = between(&page, &format!("data-key=\"{key}\""), "</div></div>").unwrap();
        let href = between(card, "href=\"", "\"").unwrap();
        let value = between(card, "class=\"figure-value\">", "<").unwrap();
        assert_eq!(list_total(&city, href).await, value, "{key}: {href}");
    }
    let overdue = between(&page, "data-key=\"findings_overdue_all\"", "</div></div>").unwrap();
    assert!(overdue.contains(">1<"), "one overdue finding: {overdue}");
}

#[tokio::test]
async fn a_partner_sees_only_its_own_departments_rectifications_and_items() {
    let app = TestApp::spawn().await;
    let partner = app.login_as_department(Role::PartnerOfficer, "210100", Some(DepartmentKind::Emergency)).await;
    let city = app.login_as(Role::CityOfficer, "210100").await;
    let by = crate::support::accounts::id_of(&app.db.app_pool().await, &city.username).await;
    let db = &app.db;
    let sy = employers::employer(db, "210100", &employers::credit_code("91210100MA0HUME02"), "沈阳乙厂", "C26").await;
    finding(db, "210100", sy.0, "emergency", 3, "应急部门的问题").await;
    finding(db, "210100", sy.0, "health", 3, "卫健部门的问题").await;
    let today = time::today();
    let attending = [DepartmentKind::Emergency, DepartmentKind::Health];
    let meeting = meetings::meeting(db, "210100", today - Duration::days(3), &attending, by).await;
    meetings::item(db, meeting, "应急部门的事项", DepartmentKind::Emergency, today + Duration::days(5)).await;
    meetings::item(db, meeting, "卫健部门的事项", DepartmentKind::Health, today + Duration::days(5)).await;
    let page = home(&partner).await;
    assert!(page.contains("应急部门的问题") && page.contains("应急部门的事项"), "{page}");
    assert!(!page.contains("卫健部门的问题") && !page.contains("卫健部门的事项"), "{page}");
    assert!(
        !page.contains("id=\"returned\"") && !page.contains("id=\"region-table\""),
        "no city's or province's parts"
    );
}

#[tokio::test]
async fn the_agency_sees_money_to_pay_and_evaluations_waiting_which_equal_their_lists() {
    let app = TestApp::spawn().await;
    let agency = app.login_as(Role::AgencyOfficer, "210100").await;
    let city = app.login_as(Role::CityOfficer, "210100").await;
    let by = crate::support::accounts::id_of(&app.db.app_pool().await, &city.username).await;
    let db = &app.db;
    let today = time::today();
    let round = projects::round(db, "210100", today, today + Duration::days(30), by).await;
    let applicant = projects::applicant(db, "210100", "51210100MJ0HUME01", "沈阳市安全协会", by).await;
    let project = projects::draft(db, round, applicant, by).await;
    let paid_up = projects::draft(db, round, applicant, by).await;
    exec(
        db,
        &format!(
            "UPDATE projects SET status = 'in_progress', name = '待拨付的培训项目' WHERE id = {p};
             UPDATE projects SET status = 'in_progress', name = '已拨清的项目' WHERE id = {q};
             INSERT INTO fee_entries (region_id, project_id, budget_year, project_year, category, kind, amount, created_by, created_by_name)
             SELECT region_id, id, 2026, 1, 'training', 'allocation', 80000, {by}, '测试' FROM projects WHERE id IN ({p}, {q});
             INSERT INTO fee_payments (region_id, project_id, paid_on, amount, voucher, stage, recorded_by, recorded_by_name)
             SELECT region_id, id, current_date, CASE WHEN id = {p} THEN 30000 ELSE 80000 END, 'PZ-' || id, 'advance', {by}, '测试'
             FROM projects WHERE id IN ({p}, {q})",
            p = project.0,
            q = paid_up.0,
            by = by.0
        ),
    )
    .await;
    for (n, status) in [(1, "entered"), (2, "entered"), (3, "proposed")] {
        let e =
            employers::employer(db, "210100", &employers::credit_code(&format!("91210100MA0RATE0{n}")), "单位", "C26")
                .await;
        exec(
            db,
            &format!(
                "INSERT INTO rate_evaluations (region_id, employer_id, period_start, premiums, benefits, wage_bill, injuries,
                                               hazard_level, standardisation, status, entered_by, entered_by_name)
                 SELECT region_id, id, 2023, '{{1000,1000,1000}}', '{{0,0,0}}', 90000, 0, 'none', 'level2', 'entered', {by}, '测试'
                 FROM employers WHERE id = {e}",
                by = by.0,
                e = e.0
            ),
        )
        .await;
        if status == "proposed" {
            exec(db, &format!("UPDATE rate_evaluations SET status = 'proposed', proposed_grade = 100, explanation = '[]' WHERE employer_id = {}", e.0))
                .await;
        }
    }
    let page = home(&agency).await;
    let payments = between(&page, "id=\"payments\"", "</section>").unwrap();
    assert!(payments.contains("待拨付的培训项目") && payments.contains("50,000.00"), "{payments}");
    assert!(!payments.contains("已拨清的项目"), "{payments}");
    let evaluations = between(&page, "id=\"evaluations\"", "</section>").unwrap();
    for chunk in evaluations.split("<a href=\"").skip(1) {
        let href = chunk.split('"').next().unwrap();
        let count = between(chunk, ">", "<").unwrap();
        assert_eq!(list_total(&agency, href).await, count, "{href}");
    }
    assert!(evaluations.contains(">2<") && evaluations.contains(">1<"), "{evaluations}");
}

#[tokio::test]
async fn an_expert_sees_the_panels_waiting_with_their_due_day() {
    let app = TestApp::spawn().await;
    let city = app.login_as(Role::CityOfficer, "210100").await;
    let by = crate::support::accounts::id_of(&app.db.app_pool().await, &city.username).await;
    let db = &app.db;
    let today = time::today();
    let round = projects::round(db, "210100", today, today + Duration::days(9), by).await;
    let applicant = projects::applicant(db, "210100", "51210100MJ0HUME02", "沈阳市建筑业协会", by).await;
    let project = projects::draft(db, round, applicant, by).await;
    projects::fill(db, project, today + Duration::days(30)).await;
    exec(db, &format!("UPDATE projects SET status = 'expert_review', name = '待评审的项目' WHERE id = {project}"))
        .await;
    let mut pool = Vec::new();
    for (name, specialty) in [
        ("甲", "prevention"),
        ("乙", "prevention"),
        ("丙", "work_safety"),
        ("丁", "occupational_health"),
        ("戊", "finance"),
    ] {
        pool.push(experts::expert(db, "210100", name, specialty).await.0);
    }
    let token = prevention::web::once::new_token();
    let res = city.post_form(&format!("/projects/{project}/panel/draw"), &[("form_token", token.as_str())]).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let su = db.superuser_pool().await;
    let expert = experts::expert_account(&app, &su, pool[0], by).await;
    let page = home(&expert).await;
    let waiting = between(&page, "id=\"waiting\"", "</section>").unwrap();
    assert!(waiting.contains("待评审的项目"), "{waiting}");
    assert!(waiting.contains(&(today + Duration::days(10)).to_string()), "due ten days after the draw: {waiting}");
    // Another region's officer's home has none of it; the city's home is the city's.
    let dalian = app.login_as(Role::CityOfficer, "210200").await;
    assert!(!home(&dalian).await.contains("待评审的项目"));
}

#[tokio::test]
async fn the_province_sees_every_region_with_cells_that_equal_their_lists() {
    let app = TestApp::spawn().await;
    let province = app.login_as(Role::ProvinceOfficer, "210000").await;
    let db = &app.db;
    let sy = employers::employer(db, "210100", &employers::credit_code("91210100MA0HUME03"), "沈阳丙厂", "C26").await;
    let dl = employers::employer(db, "210200", &employers::credit_code("91210200MA0HUME03"), "大连丙厂", "C26").await;
    finding(db, "210100", sy.0, "emergency", -3, "沈阳逾期一").await;
    finding(db, "210100", sy.0, "health", -1, "沈阳逾期二").await;
    finding(db, "210200", dl.0, "emergency", 4, "大连未到期").await;
    crate::support::fee::approved_budget(db, "210100", 2026, "600000", "400000").await;
    let page = home(&province).await;
    assert!(page.contains("id=\"coverage-data\"") && page.contains("id=\"trend-data\""), "charts with their data");
    let rows: Vec<&str> = page.split("<tr data-region=\"").skip(1).collect();
    assert_eq!(rows.len(), 15, "the province and every city");
    let sy_row = rows.iter().find(|r| r.starts_with("210100")).unwrap();
    assert!(sy_row.contains("100.00 / 300.00"), "budget against cap: {sy_row}");
    // The overdue cell (the sixth) of 沈阳 and 大连 equals the findings list it links to.
    for code in ["210100", "210200"] {
        let row = rows.iter().find(|r| r.starts_with(code)).unwrap();
        let cell = row.split("<td").nth(7).unwrap();
        let href = between(cell, "href=\"", "\"").unwrap();
        let after = &cell[cell.find("href=").unwrap()..];
        let value = between(after, "\">", "<").unwrap();
        assert_eq!(list_total(&province, href).await, value, "{code}: {href}");
        assert_eq!(value, if code == "210100" { "2" } else { "0" });
    }
}

/// The cell of `code`'s row at `index` (`<td` pieces) on the province's home page: its value.
fn province_cell(page: &str, code: &str, index: usize) -> String {
    let row = page.split("<tr data-region=\"").find(|r| r.starts_with(code)).unwrap_or_else(|| panic!("{code}"));
    let cell = row.split("<td").nth(index).unwrap();
    let after = &cell[cell.find("href=").unwrap()..];
    between(after, "\">", "<").unwrap().to_string()
}

#[tokio::test]
async fn figures_kept_between_views_change_as_soon_as_a_record_does() {
    let (app, counter) = TestApp::spawn_counted().await;
    let province = app.login_as(Role::ProvinceOfficer, "210000").await;
    let city = app.login_as(Role::CityOfficer, "210100").await;
    let db = &app.db;
    let sy = employers::employer(db, "210100", &employers::credit_code("91210100MA0HUME04"), "沈阳丁厂", "C26").await;
    let overdue_of_city =
        |page: &str| between(page, "data-key=\"findings_overdue_all\"", "</div></div>").unwrap().to_string();
    assert_eq!(province_cell(&home(&province).await, "210100", 7), "0");
    assert!(overdue_of_city(&home(&city).await).contains(">0<"));

    // Views with nothing changed count nothing: the same statements each time.
    let before = counter.total();
    let _ = home(&province).await;
    let unchanged = counter.total() - before;

    // A finding written straight into the database (as another instance would): both pages
    // show it on their next view, and 大连's row keeps its figure.
    finding(db, "210100", sy.0, "emergency", -2, "沈阳新逾期").await;
    let before = counter.total();
    let page = home(&province).await;
    assert_eq!(counter.total() - before, unchanged + 1, "the moved region is counted, in one more statement");
    assert_eq!(province_cell(&page, "210100", 7), "1");
    assert_eq!(province_cell(&page, "210200", 7), "0");
    assert!(overdue_of_city(&home(&city).await).contains(">1<"));

    // Rectified: no longer overdue, at once.
    exec(
        db,
        "UPDATE findings SET rectified_on = current_date, rectified_by = recorded_by WHERE description = '沈阳新逾期'",
    )
    .await;
    assert_eq!(province_cell(&home(&province).await, "210100", 7), "0");
    assert!(overdue_of_city(&home(&city).await).contains(">0<"));

    // Deleted rows count too (the statement's old rows), and a rolled-back change leaves the
    // figures as they were.
    finding(db, "210100", sy.0, "health", -1, "沈阳又逾期").await;
    assert_eq!(province_cell(&home(&province).await, "210100", 7), "1");
    let pool = db.superuser_pool().await;
    let mut tx = pool.begin().await.unwrap();
    sqlx::query("UPDATE findings SET rectified_on = current_date, rectified_by = recorded_by")
        .execute(&mut *tx)
        .await
        .unwrap();
    tx.rollback().await.unwrap();
    assert_eq!(province_cell(&home(&province).await, "210100", 7), "1");
    exec(db, "DELETE FROM findings WHERE description = '沈阳又逾期'").await;
    assert_eq!(province_cell(&home(&province).await, "210100", 7), "0");
}
