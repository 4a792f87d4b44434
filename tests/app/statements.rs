//! Every main page sends a fixed, small number of statements to PostgreSQL (BEGIN, COMMIT and
//! set_config included), the same with 10 rows behind it as with 1,000: no statement per row,
//! no page that grows its round trips with the data. Counted on the wire (support/statements.rs).
//! The one-off load of the reference data into the instance's memory is left out.

use prevention::org::Role;
use reqwest::StatusCode;

use crate::support::plans;
use crate::support::{TestApp, TestUser, exec};

/// The most statements a page may send.
const MOST: u64 = 8;

async fn statements_of(counter: &crate::support::statements::StatementCounter, user: &TestUser, path: &str) -> u64 {
    let before = counter.total();
    let res = user.get(path).await;
    assert_eq!(res.status(), StatusCode::OK, "{path}");
    let _ = res.bytes().await;
    counter.total() - before
}

#[tokio::test]
async fn each_page_sends_the_same_few_statements_with_10_rows_or_1000() {
    let (app, counter) = TestApp::spawn_counted().await;
    let province = app.login_as(Role::ProvinceOfficer, "210000").await;
    let city = app.login_as(Role::CityOfficer, "210100").await;
    let sysadmin = app.login_as(Role::SysAdmin, "").await;
    let secadmin = app.login_as(Role::SecurityAdmin, "").await;
    let auditor = app.login_as(Role::Auditor, "").await;
    let partner = app.login_as(Role::PartnerOfficer, "210100").await;
    let agency = app.login_as(Role::AgencyOfficer, "210100").await;
    let by = crate::support::accounts::id_of(&app.db.app_pool().await, &city.username).await;
    let plan = plans::draft(&app.db, "210100", 2026, by).await;
    plans::versions(&app.db, "210100", plan, 2, by).await;
    let pdf = prevention::attachments::samples::pdf(1000);
    plans::attachment(&app.db, "210100", plan, "signed_document", &pdf, by).await;
    let department: i64 = crate::support::departments::department_id(&app.db, "210100", "emergency").await;
    let roster = crate::support::rosters::roster(&app.db, "210100", 2026, by).await;
    let began = chrono::NaiveDate::from_ymd_opt(2026, 3, 1).unwrap();
    crate::support::rosters::complete(&app.db, roster, 2026, began).await;
    crate::support::rosters::versions(&app.db, "210100", roster, 2, by).await;
    let held = prevention::values::time::today() - chrono::Duration::days(3);
    let emergency = [prevention::org::DepartmentKind::Emergency];
    let meeting = crate::support::meetings::meeting(&app.db, "210100", held, &emergency, by).await;
    crate::support::meetings::item(&app.db, meeting, "联合检查", emergency[0], held).await;
    let code = crate::support::employers::credit_code("91210100MA0AAAA01");
    let employer = crate::support::employers::employer(&app.db, "210100", &code, "沈阳甲公司", "C26").await;
    let opens = prevention::values::time::today();
    let round = crate::support::projects::round(&app.db, "210100", opens, opens + chrono::Duration::days(30), by).await;
    let applicant =
        crate::support::projects::applicant(&app.db, "210100", "51210100MJ0AAAA01", "沈阳市安全生产协会", by).await;
    let project = crate::support::projects::draft(&app.db, round, applicant, by).await;
    crate::support::projects::fill(&app.db, project, opens + chrono::Duration::days(30)).await;
    plans::versions_of(&app.db, "210100", "project", project.0, 2, by).await;
    let expert = crate::support::experts::expert(&app.db, "210100", "郑海涛", "work_safety").await;
    // An application waiting for the decision (the approval page with its form).
    let decided = crate::support::projects::draft(&app.db, round, applicant, by).await;
    crate::support::projects::fill(&app.db, decided, opens + chrono::Duration::days(30)).await;
    exec(&app.db.superuser_pool().await, &format!("UPDATE projects SET status = 'reviewed' WHERE id = {decided}"))
        .await;
    // 郑海涛 sits on the project's panel, with an account of his own.
    let scorer = app.login_as(Role::Expert, "210100").await;
    let scorer_id = crate::support::accounts::id_of(&app.db.app_pool().await, &scorer.username).await;
    exec(
        &app.db.owner_pool().await,
        &format!(
            "SELECT set_config('app.scope', 'province', false);
             WITH d AS (INSERT INTO expert_draws (region_id, project_id, seed, candidates, mix, picks, drawn_by, drawn_by_name)
                        SELECT region_id, id, sha256('seed'::bytea), '[]', '[]', ARRAY[{expert}]::bigint[], {by}, '测试'
                        FROM projects WHERE id = {project} RETURNING region_id, id)
             INSERT INTO panel_members (region_id, project_id, expert_id, draw_id) SELECT region_id, {project}, {expert}, id FROM d;
             INSERT INTO account_requests (kind, region_id, subject_id, display_name, requested_by, requested_by_name, account_id, handled_at)
             SELECT 'expert', region_id, {expert}, '郑海涛', {by}, '测试', {}, now() FROM projects WHERE id = {project};",
            scorer_id.0
        ),
    )
    .await;
    let sy_org = crate::support::publicity::organisation(
        &app.db,
        &crate::support::employers::credit_code("91210100MA0BBBB02"),
        "沈阳培训中心",
        "210100",
        true,
    )
    .await;
    crate::support::publicity::qualification(&app.db, sy_org, "安全培训机构资质").await;
    crate::support::publicity::event(&app.db, "210100", "沈阳安全生产月", "hrss").await;
    crate::support::publicity::school(&app.db, "210100", "沈阳市技师学院").await;
    let (inspection, finding) =
        crate::support::publicity::inspection(&app.db, "210100", employer.0, "emergency", "emergency").await;
    let notice = crate::support::publicity::notice(&app.db, "210000", &["210100", "210200"], "申报通知", true).await;
    let evaluation: i64 = sqlx::query_scalar(
        "INSERT INTO rate_evaluations (region_id, employer_id, period_start, premiums, benefits, wage_bill, injuries,
                                       hazard_level, standardisation, entered_by, entered_by_name)
         SELECT region_id, id, 2023, '{1000,1000,1000}', '{0,0,0}', 90000, 0, 'none', 'level2', $2, '测试'
         FROM employers WHERE id = $1 RETURNING id",
    )
    .bind(employer.0)
    .bind(by.0)
    .fetch_one(&app.db.superuser_pool().await)
    .await
    .unwrap();
    let report = crate::support::annual_reports::report(&app.db, "210100", 2026, "submitted").await;
    let draft_report = crate::support::annual_reports::report(&app.db, "210100", 2025, "draft").await;
    let pages: Vec<(&TestUser, String)> = vec![
        (&city, "/annual-reports".into()),
        (&province, "/annual-reports?year=2026".into()),
        (&city, format!("/annual-reports/{report}")),
        (&province, format!("/annual-reports/{report}")),
        (&city, format!("/annual-reports/{draft_report}")),
        (&city, format!("/annual-reports/{draft_report}/edit")),
        (&city, format!("/annual-reports/{report}/print")),
        (&city, "/notices".into()),
        (&city, "/rates?period=2023".into()),
        (&province, "/rates?period=2023".into()),
        (&city, format!("/rates/evaluations/{evaluation}")),
        (&city, format!("/employers/{employer}/rates")),
        (&province, "/rates/tables".into()),
        (&city, "/rates/tables/210100".into()),
        (&province, "/rates/rules".into()),
        (&city, "/rates/rules?region=210100".into()),
        (&province, "/notices".into()),
        (&province, "/notices?folder=issued".into()),
        (&city, format!("/notices/{notice}")),
        (&province, format!("/notices/{notice}/receipts")),
        (&province, "/inspections".into()),
        (&city, "/inspections".into()),
        (&city, format!("/inspections/{inspection}")),
        (&city, "/findings?status=overdue".into()),
        (&province, "/findings?region=210100&department=all".into()),
        (&city, format!("/findings/{finding}")),
        (&city, format!("/employers/{employer}/inspections")),
        (&province, "/organisations".into()),
        (&city, "/organisations?status=listed".into()),
        (&province, format!("/organisations/{sy_org}")),
        (&city, format!("/organisations/{sy_org}")),
        (&province, "/schools?year=2026".into()),
        (&city, "/schools?year=2026".into()),
        (&city, "/publicity?year=2026".into()),
        (&province, "/publicity?year=2026".into()),
        (&province, "/publicity/counts?year=2026".into()),
        (&province, "/statistics?cycle=2021".into()),
        (&city, "/statistics/regions/210100?cycle=2021".into()),
        (&province, "/statistics/province?cycle=2021".into()),
        (&city, "/statistics/regions/210100/2024/edit".into()),
        (&city, "/warning-bases".into()),
        (&province, "/".into()),
        (&city, "/".into()),
        (&partner, "/".into()),
        (&agency, "/".into()),
        (&scorer, "/".into()),
        (&province, "/departments".into()),
        (&province, "/departments?region=210100&kind=emergency".into()),
        (&city, "/departments".into()),
        (&city, format!("/departments/{department}")),
        (&province, "/plans?cycle=2026".into()),
        (&city, "/plans?cycle=2026".into()),
        (&city, format!("/plans/{plan}")),
        (&province, format!("/plans/{plan}")),
        (&city, format!("/plans/{plan}/edit")),
        (&city, format!("/plans/{plan}/print")),
        (&city, format!("/plans/{plan}/compare")),
        (&province, "/rosters?cycle=2026".into()),
        (&city, "/rosters?cycle=2026".into()),
        (&city, format!("/rosters/{roster}")),
        (&province, format!("/rosters/{roster}?as_of=2026-06-01")),
        (&city, format!("/rosters/{roster}/print")),
        (&city, format!("/rosters/{roster}/compare")),
        (&city, format!("/rosters/{roster}/members/new")),
        (&city, "/meetings".into()),
        (&province, "/meetings".into()),
        (&province, "/meetings?region=210100".into()),
        (&city, format!("/meetings/{meeting}")),
        (&city, "/action-items".into()),
        (&province, "/action-items?status=overdue".into()),
        (&province, "/industries".into()),
        (&city, "/employers".into()),
        (&city, "/employers?q=%E6%B2%88%E9%98%B3&risk_class=6".into()),
        (&province, "/employers?key_industry=province:hazardous_chemicals".into()),
        (&city, format!("/employers/{employer}")),
        (&city, "/project-rounds".into()),
        (&city, format!("/project-rounds/{round}")),
        (&city, "/applicants".into()),
        (&city, format!("/applicants/{applicant}")),
        (&city, "/projects".into()),
        (&city, "/projects?status=draft&q=%E5%9F%B9%E8%AE%AD&sort=amount".into()),
        (&province, "/projects".into()),
        (&province, "/projects?region=210100".into()),
        (&city, format!("/projects/new?round={round}")),
        (&city, format!("/projects/{project}")),
        (&province, format!("/projects/{project}")),
        (&city, format!("/projects/{project}/edit")),
        (&city, format!("/projects/{project}/print")),
        (&city, format!("/projects/{project}/print/text")),
        (&city, format!("/projects/{project}/compare")),
        (&city, format!("/projects/{project}/panel")),
        (&city, format!("/projects/{project}/review")),
        (&city, format!("/projects/{project}/review/print")),
        (&city, format!("/projects/{decided}/approval")),
        (&province, format!("/projects/{decided}/approval")),
        (&scorer, "/reviews".into()),
        (&scorer, format!("/reviews/{project}")),
        (&city, "/experts".into()),
        (&province, "/experts?specialty=work_safety&available=today".into()),
        (&city, format!("/experts/{expert}")),
        (&sysadmin, "/admin/account-requests".into()),
        (&province, "/cycles".into()),
        (&province, "/cycles/2026".into()),
        (&city, "/key-industries?cycle=2026".into()),
        (&province, "/calendar?year=2026".into()),
        (&sysadmin, "/admin/accounts".into()),
        (&sysadmin, format!("/admin/accounts/{by}")),
        (&sysadmin, "/admin/dormant".into()),
        (&sysadmin, "/admin/login-log".into()),
        (&sysadmin, "/admin/sessions".into()),
        (&secadmin, "/security/roles".into()),
        (&secadmin, "/security/policy".into()),
        (&auditor, "/audit".into()),
        (&auditor, format!("/audit/history?object_type=plan&object_id={plan}")),
    ];
    // The instance loads its reference data (regions, cycles) once, with the first page that
    // needs it, and again only after a change: not part of any page's cost.
    statements_of(&counter, &city, "/").await;
    let mut few = Vec::new();
    for (user, path) in &pages {
        few.push(statements_of(&counter, user, path).await);
    }

    // A thousand rows behind each page: accounts, sessions, audit records, the region's key
    // industries, and the plan's history, versions and files.
    let owner = app.db.owner_pool().await;
    let sy = "(SELECT id FROM regions WHERE code = '210100')";
    exec(
        &owner,
        &format!(
            "INSERT INTO accounts (username, display_name, role, region_id, department_kind, password_hash, must_change_password, last_login_at)
             SELECT 'bulk_' || g, '批量' || g, 'city_officer', {sy}, 'hrss', 'x', false, now() - (g || ' days')::interval
             FROM generate_series(1, 1000) g;
             INSERT INTO sessions (id_hash, account_id, csrf_token, expires_at)
             SELECT sha256(('s' || g)::bytea), a.id, 't', now() + interval '1 hour'
             FROM generate_series(1, 1000) g JOIN accounts a ON a.username = 'bulk_' || g;
             INSERT INTO audit_log (account_id, username, role, action, object_type, object_id, success, detail)
             SELECT {by}, 'bulk', 'city_officer', CASE WHEN g % 2 = 0 THEN 'login.success' ELSE 'plan.update' END, 'plan', '{plan}', true, ''
             FROM generate_series(1, 1000) g;"
        ),
    )
    .await;
    exec(
        &owner,
        &format!(
            "SELECT set_config('app.scope', 'province', false);
             INSERT INTO region_key_industries (region_id, cycle_id, name, divisions, created_by)
             SELECT {sy}, (SELECT id FROM cycles WHERE first_year = 2026), '行业' || g, '{{C30}}', {by}
             FROM generate_series(1, 1000) g;
             INSERT INTO workflow_history (region_id, record_kind, record_id, from_status, to_status, action, comment, account_id, account_name)
             SELECT {sy}, 'plan', {plan}, 'draft', 'draft', 'attach', '其他材料：' || g, {by}, '测试'
             FROM generate_series(1, 1000) g;
             INSERT INTO record_versions (region_id, record_kind, record_id, version_no, schema_version, snapshot, account_id, account_name)
             SELECT {sy}, 'plan', {plan}, g, 1, (SELECT snapshot FROM record_versions WHERE record_kind = 'plan' AND record_id = {plan} AND version_no = 1), {by}, '测试'
             FROM generate_series(3, 1000) g;
             INSERT INTO roster_members (region_id, roster_id, name, department_kind, post, group_role, began_on, ended_on)
             SELECT {sy}, {roster}, '历任' || g, 'health', '副局长', 'member', DATE '2021-01-01' + g, DATE '2021-01-01' + g
             FROM generate_series(1, 1000) g;
             INSERT INTO meeting_action_items (region_id, meeting_id, what, owner, due_on)
             SELECT {sy}, {meeting}, '事项' || g, 'emergency', current_date - (g % 30)
             FROM generate_series(1, 1000) g;
             INSERT INTO meetings (region_id, held_on, kind, convenor, attending, topics, created_by)
             SELECT {sy}, current_date - (g % 300), 'special', 'hrss', '{{hrss,emergency}}', '议题' || g, {by}
             FROM generate_series(1, 1000) g;
             INSERT INTO applicants (region_id, credit_code, name, unit_type, division_code, legal_representative,
                                     contact_person, contact_phone)
             SELECT {sy}, 'A' || lpad(g::text, 17, '0'), '批量协会' || g, 'association', 'S95', '张', '李', '13800000000'
             FROM generate_series(1, 1000) g;
             INSERT INTO projects (region_id, round_id, year, applicant_kind, applicant_id, name, created_by)
             SELECT {sy}, {round}, 2026, 'organization', {applicant}, '批量项目' || g, {by}
             FROM generate_series(1, 1000) g;
             INSERT INTO project_budget_lines (region_id, project_id, position, project_year, item, unit, unit_price, quantity, amount)
             SELECT {sy}, {project}, 10 + g, 1, '费用' || g, '项', 1.50, 2, 3.00 FROM generate_series(1, 1000) g;
             INSERT INTO project_indicators (region_id, project_id, position, project_year, level1, level2, name, comparison, target_value, unit)
             SELECT {sy}, {project}, 10 + g, 1, 'output', 'quantity', '指标' || g, 'ge', g, '人次' FROM generate_series(1, 1000) g;
             INSERT INTO project_milestones (region_id, project_id, position, due_on, description)
             SELECT {sy}, {project}, 10 + g, current_date, '节点' || g FROM generate_series(1, 1000) g;
             INSERT INTO workflow_history (region_id, record_kind, record_id, from_status, to_status, action, comment, account_id, account_name)
             SELECT {sy}, 'project', {project}, 'draft', 'draft', 'attach', '其他材料：' || g, {by}, '测试'
             FROM generate_series(1, 1000) g;
             INSERT INTO experts (region_id, name, specialty, organization, phone)
             SELECT {sy}, '专家' || g, 'prevention', '单位' || g, '13800000000' FROM generate_series(1, 1000) g;
             INSERT INTO account_requests (kind, region_id, subject_id, display_name, requested_by, requested_by_name)
             SELECT 'expert', {sy}, e.id, e.name, {by}, '测试' FROM experts e WHERE e.name LIKE '专家%';
             INSERT INTO technical_schools (region_id, year, name, runs_course)
             SELECT {sy}, 2026, '批量技校' || g, g % 2 = 0 FROM generate_series(1, 1000) g;
             INSERT INTO publicity_events (region_id, held_on, ends_on, kind, title, department, created_by, created_by_name)
             SELECT {sy}, DATE '2026-01-01' + (g % 300), DATE '2026-01-01' + (g % 300), 'media', '批量活动' || g, 'hrss', {by}, '测试'
             FROM generate_series(1, 1000) g;
             INSERT INTO warning_bases (region_id, name, place, operator) SELECT {sy}, '批量基地' || g, '市区', '运营' FROM generate_series(1, 1000) g;
             INSERT INTO service_organisations (region_id, credit_code, name, kind, listing_status, listed_from)
             SELECT (SELECT id FROM regions WHERE level = 'province'), 'B' || lpad(g::text, 17, '0'), '批量机构' || g, 'training', 'listed', DATE '2026-01-01'
             FROM generate_series(1, 1000) g;
             INSERT INTO organisation_regions (organisation_id, region_id) SELECT id, {sy} FROM service_organisations WHERE name LIKE '批量机构%';
             INSERT INTO organisation_qualifications (organisation_id, name, valid_from) SELECT {sy_org}, '资质' || g, DATE '2025-01-01' FROM generate_series(1, 1000) g;
             INSERT INTO joint_inspections (region_id, inspected_on, lead_department, inspectors, employer_id, created_by, created_by_name)
             SELECT {sy}, current_date - (g % 300), 'health', '检查组', {employer}, {by}, '测试' FROM generate_series(1, 1000) g;
             INSERT INTO findings (region_id, inspection_id, employer_id, category, description, advice, deadline, original_deadline,
                                   responsible_department, recorded_by, recorded_by_name)
             SELECT {sy}, {inspection}, {employer}, 'other', '批量问题' || g, '整改', current_date - (g % 30), current_date - (g % 30),
                    'emergency', {by}, '测试' FROM generate_series(1, 1000) g;
             INSERT INTO workflow_history (region_id, record_kind, record_id, from_status, to_status, action, comment, account_id, account_name)
             SELECT {sy}, 'finding', {finding}, 'open', 'open', 'extend', '延期' || g, {by}, '测试' FROM generate_series(1, 1000) g;
             INSERT INTO employers (region_id, credit_code, name, division_code, size)
             SELECT {sy}, lpad(g::text, 18, '0'), '沈阳批量' || g, 'C26', 'small'
             FROM generate_series(1, 1000) g;
             INSERT INTO rate_evaluations (region_id, employer_id, period_start, premiums, benefits, wage_bill, injuries,
                                           hazard_level, standardisation, entered_by, entered_by_name)
             SELECT {sy}, id, 2023, '{{1,1,1}}', '{{0,0,0}}', 1, 0, 'none', 'none', {by}, '测试'
             FROM employers WHERE name LIKE '沈阳批量%';
             INSERT INTO rate_evaluations (region_id, employer_id, period_start, premiums, benefits, wage_bill, injuries,
                                           hazard_level, standardisation, entered_by, entered_by_name)
             SELECT {sy}, {employer}, y, '{{1,1,1}}', '{{0,0,0}}', 1, 0, 'none', 'none', {by}, '测试'
             FROM generate_series(2000, 2020) y;
             INSERT INTO rate_rules (region_id, factor, from_value, below_value, moves)
             SELECT {sy}, 'fund_use', g, g + 1, 0 FROM generate_series(1, 1000) g;
             INSERT INTO injury_statistics (region_id, year, industry, insured, injuries, deaths, disease_cases)
             SELECT r.id, y, k.key, 100000 + y, 150 + y % 50, 2, 3
             FROM regions r CROSS JOIN key_industries k CROSS JOIN generate_series(2000, 2100) y;"
        ),
    )
    .await;
    let mut many = Vec::new();
    for (user, path) in &pages {
        many.push(statements_of(&counter, user, path).await);
    }
    let report: Vec<String> =
        pages.iter().zip(few.iter().zip(&many)).map(|((_, path), (a, b))| format!("{path}: {a} → {b}")).collect();
    for (((_, path), a), b) in pages.iter().zip(&few).zip(&many) {
        assert_eq!(a, b, "{path} grows with its rows:\n{}", report.join("\n"));
        assert!(*b <= MOST, "{path} sends {b} statements (at most {MOST}):\n{}", report.join("\n"));
        assert!(*b >= 1, "{path}: the proxy saw nothing");
    }
    if std::env::var_os("PREVENTION_PRINT_STATEMENTS").is_some() {
        eprintln!("{}", report.join("\n"));
    }
}
