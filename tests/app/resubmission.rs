//! Faults a browser causes (issue 28): the same create form posted twice at once, and two
//! editors saving the same record, in every feature, on the demo's data. Each form is read
//! from its page as a browser would submit it, with only the fields a person must type filled.

use prevention::org::Role;
use reqwest::StatusCode;

use crate::support::forms::{choose_first, form_fields, with};
use crate::support::{TestApp, TestUser};

/// A create form: who opens it where, what they type, and the table its record lands in.
struct Create {
    role: Role,
    region: &'static str,
    page: String,
    action: String,
    typed: Vec<(&'static str, String)>,
    chosen: Vec<&'static str>,
    table: &'static str,
    /// Where a natural key makes the second post fail instead (the message it gets).
    refused_again: Option<&'static str>,
}

impl Create {
    fn new(role: Role, region: &'static str, page: &str, action: &str, table: &'static str) -> Create {
        Create {
            role,
            region,
            page: page.into(),
            action: action.into(),
            typed: Vec::new(),
            chosen: Vec::new(),
            table,
            refused_again: None,
        }
    }

    /// The second post is refused by the record's natural key, with this message: the first
    /// post's answer cannot be given twice (an account's one-time password).
    fn refused_again(mut self, message: &'static str) -> Create {
        self.refused_again = Some(message);
        self
    }

    /// Picks the first real option of a select.
    fn choosing(mut self, name: &'static str) -> Create {
        self.chosen.push(name);
        self
    }

    fn typing(mut self, name: &'static str, value: impl Into<String>) -> Create {
        self.typed.push((name, value.into()));
        self
    }
}

async fn scalar(app: &TestApp, sql: &str) -> i64 {
    let pool = app.db.superuser_pool().await;
    let value: i64 = sqlx::query_scalar(sqlx::AssertSqlSafe(sql.to_string()))
        .fetch_one(&pool)
        .await
        .unwrap_or_else(|e| panic!("{sql}: {e}"));
    pool.close().await;
    value
}

/// The form of `page` whose action is `action`, as the browser would post it, with `typed`.
async fn filled(user: &TestUser, case: &Create) -> Result<Vec<(String, String)>, String> {
    let (page, action) = (case.page.as_str(), case.action.as_str());
    let res = user.get(page).await;
    if res.status() != StatusCode::OK {
        return Err(format!("{page}: {}", res.status()));
    }
    let html = res.text().await.unwrap_or_default();
    let fields = form_fields(&html, action).ok_or_else(|| format!("{page} has no post form to {action}"))?;
    let fields = choose_first(&html, action, fields, &case.chosen);
    let typed: Vec<(&str, &str)> = case.typed.iter().map(|(n, v)| (*n, v.as_str())).collect();
    Ok(with(fields, &typed))
}

/// The field messages of a page sent back, each with the field it is beside.
fn errors_in(html: &str) -> String {
    let mut out = Vec::new();
    for (i, part) in html.split("<div class=\"invalid-feedback\">").enumerate().skip(1) {
        let before = html.split("<div class=\"invalid-feedback\">").nth(i - 1).unwrap_or("");
        let field = before.rsplit(" name=\"").next().and_then(|n| n.split('"').next()).unwrap_or("?");
        out.push(format!("{field}: {}", part.split('<').next().unwrap_or("")));
    }
    if out.is_empty() {
        out.extend(html.split("role=\"alert\">").skip(1).map(|p| p.split('<').next().unwrap_or("").to_string()));
    }
    out.join(" | ")
}

async fn post(user: &TestUser, action: &str, fields: &[(String, String)]) -> (StatusCode, String) {
    let res = user.client.post(user.url(action)).form(fields).send().await.expect("request");
    let status = res.status();
    let location = res.headers().get("location").and_then(|l| l.to_str().ok()).unwrap_or("").to_string();
    if status == StatusCode::SEE_OTHER {
        (status, location)
    } else {
        (status, errors_in(&res.text().await.unwrap_or_default()))
    }
}

#[tokio::test]
async fn the_same_create_form_posted_twice_at_once_makes_one_record_and_one_audit_row() {
    let app = TestApp::spawn_demo().await;
    let sy_meeting = scalar(&app, "SELECT m.id FROM meetings m JOIN regions r ON r.id = m.region_id WHERE r.code = '210100' ORDER BY m.id LIMIT 1").await;
    let sy_inspection = scalar(&app, "SELECT i.id FROM joint_inspections i JOIN regions r ON r.id = i.region_id WHERE r.code = '210100' ORDER BY i.id LIMIT 1").await;
    // 沈阳's demo rosters are all reported; 鞍山 starts one.
    let someone = crate::support::accounts::id_of(&app.db.app_pool().await, "demo_sy_hrss").await;
    let as_roster = crate::support::rosters::roster(&app.db, "210300", 2026, someone).await.0;
    let sy_session = scalar(&app, "SELECT s.id FROM training_sessions s JOIN regions r ON r.id = s.region_id WHERE r.code = '210100' ORDER BY s.id LIMIT 1").await;
    let sy_employer: String = {
        let pool = app.db.superuser_pool().await;
        sqlx::query_scalar("SELECT e.credit_code FROM employers e JOIN regions r ON r.id = e.region_id WHERE r.code = '210100' ORDER BY e.id LIMIT 1").fetch_one(&pool).await.expect("an employer of 沈阳")
    };
    let sy_attending: String = {
        let pool = app.db.superuser_pool().await;
        sqlx::query_scalar(sqlx::AssertSqlSafe(format!("SELECT attending[1] FROM meetings WHERE id = {sy_meeting}")))
            .fetch_one(&pool)
            .await
            .expect("who attended")
    };
    // 沈阳 keeps its own rate rules, with no row yet for its standardisation grades.
    crate::support::rate_tables::own_rules(&app.db, "210100").await;
    crate::support::exec(&app.db.superuser_pool().await, "DELETE FROM rate_rules r USING regions g WHERE g.id = r.region_id AND g.code = '210100' AND r.factor = 'standardisation'").await;
    let cases = vec![
        Create::new(Role::CityOfficer, "210100", "/meetings/new", "/meetings/new", "meetings")
            .typing("topics", "研究年度工伤预防工作")
            .typing("attendees", "各成员单位分管负责人"),
        Create::new(
            Role::CityOfficer,
            "210100",
            &format!("/meetings/{sy_meeting}"),
            &format!("/meetings/{sy_meeting}/items"),
            "meeting_action_items",
        )
        .typing("what", "开展联合检查")
        .typing("owner", sy_attending.clone())
        .typing("due_on", "2026-12-31"),
        Create::new(Role::CityOfficer, "210100", "/schools/new", "/schools/new", "technical_schools")
            .typing("name", "沈阳市第一技工学校")
            .typing("course_hours", "16")
            .typing("students_per_year", "300"),
        Create::new(Role::CityOfficer, "210100", "/publicity/new", "/publicity/new", "publicity_events")
            .typing("title", "安全生产月宣传")
            .typing("held_on", "2026-06-16")
            .typing("place", "沈阳市和平区")
            .typing("audience", "500"),
        Create::new(Role::CityOfficer, "210100", "/warning-bases/new", "/warning-bases/new", "warning_bases")
            .typing("name", "沈阳市工伤预防警示教育基地")
            .typing("place", "沈阳市铁西区")
            .typing("operator", "沈阳市安全生产协会")
            .typing("visitors_per_year", "5000"),
        Create::new(Role::CityOfficer, "210100", "/training/new", "/training/new", "training_sessions")
            .typing("title", "危险化学品一线员工培训")
            .typing("starts_on", "2026-11-02")
            .typing("ends_on", "2026-11-03")
            .typing("topic", "危险化学品安全操作")
            .typing("provider_name", "沈阳市安全培训中心")
            .typing("hours", "8"),
        Create::new(
            Role::CityOfficer,
            "210100",
            &format!("/training/sessions/{sy_session}"),
            &format!("/training/sessions/{sy_session}/trainees"),
            "trained_people",
        )
        .typing("name", "张三")
        .typing("id_number", "210102199001011237")
        .typing("employer", sy_employer.clone()),
        Create::new(Role::CityOfficer, "210100", "/employers/new", "/employers/new", "employers")
            .typing("credit_code", crate::support::employers::credit_code("91210100MA1XY2K3H"))
            .typing("name", "沈阳重复提交测试有限公司")
            .typing("division", "C26")
            .typing("override_reason", ""),
        Create::new(Role::CityOfficer, "210100", "/experts/new", "/experts/new", "experts")
            .typing("name", "李重复")
            .choosing("specialty")
            .typing("organization", "沈阳工业大学")
            .typing("phone", "13912345678"),
        Create::new(Role::CityOfficer, "210100", "/inspections/new", "/inspections/new", "joint_inspections")
            .typing("inspected_on", "2026-11-20")
            .typing("inspectors", "张三、李四")
            .typing("employer", sy_employer.clone()),
        Create::new(
            Role::CityOfficer,
            "210100",
            &format!("/inspections/{sy_inspection}"),
            &format!("/inspections/{sy_inspection}/findings"),
            "findings",
        )
        .typing("description", "消防通道堵塞")
        .typing("deadline", "2026-12-20")
        .typing("advice", "立即清理")
        .choosing("category")
        .choosing("hazard_level")
        .choosing("responsible_department"),
        Create::new(
            Role::CityOfficer,
            "210300",
            &format!("/rosters/{as_roster}/members/new"),
            &format!("/rosters/{as_roster}/members/new"),
            "roster_members",
        )
        .typing("name", "赵委员")
        .typing("post", "副局长")
        .choosing("department")
        .choosing("group_role"),
        Create::new(Role::CityOfficer, "210100", "/applicants/new", "/applicants/new", "applicants")
            .typing("credit_code", crate::support::employers::credit_code("91210100MA1XY2K4J"))
            .typing("name", "沈阳重复申报单位")
            .choosing("unit_type")
            .typing("division", "C26")
            .typing("legal_representative", "钱法人")
            .typing("contact_person", "孙联系")
            .typing("contact_phone", "13912345678"),
        Create::new(
            Role::ProvinceOfficer,
            "210000",
            "/organisations/new",
            "/organisations/new",
            "service_organisations",
        )
        .typing("credit_code", crate::support::employers::credit_code("91210000MA1XY2K5L"))
        .typing("name", "辽宁重复提交安全咨询有限公司")
        .choosing("kind")
        .typing("contact_person", "周联系")
        .typing("contact_phone", "024-12345678")
        .typing("address", "沈阳市和平区")
        .typing("regions", "210100"),
        Create::new(Role::CityOfficer, "210100", "/notices/new", "/notices/new", "notices")
            .typing("title", "关于开展工伤预防培训的通知")
            .typing("body", "各成员单位：请按要求组织培训。"),
        Create::new(Role::CityOfficer, "210100", "/project-rounds/new", "/project-rounds/new", "project_rounds")
            .typing("title", "2027年度工伤预防项目申报")
            .typing("opens_on", "2027-01-04")
            .typing("closes_on", "2027-02-26"),
        Create::new(
            Role::ProvinceOfficer,
            "210000",
            "/rates/rules/new?region=210100&factor=standardisation",
            "/rates/rules/new?region=210100",
            "rate_rules",
        )
        .choosing("category")
        .typing("moves", "-1"),
        Create::new(Role::SysAdmin, "", "/admin/accounts/new", "/admin/accounts/new", "accounts")
            .typing("username", "sy_double_post")
            .typing("display_name", "重复提交")
            .typing("role", "city_officer")
            .typing("region", "210100")
            .refused_again("该用户名已被使用"),
        Create::new(Role::CityOfficer, "210100", "/key-industries", "/key-industries", "region_key_industries")
            .typing("name", "重复提交测试行业")
            .typing("divisions", "C26")
            .refused_again("本周期已有同名的重点行业"),
        Create::new(Role::CityOfficer, "210300", "/plans", "/plans/new", "plans"),
    ];
    let mut failures = Vec::new();
    for case in &cases {
        let user = app.login_as(case.role, case.region).await;
        let fields = match filled(&user, case).await {
            Ok(fields) => fields,
            Err(problem) => {
                failures.push(problem);
                continue;
            }
        };
        let records = scalar(&app, &format!("SELECT count(*) FROM {}", case.table)).await;
        let audit = scalar(&app, "SELECT coalesce(max(id), 0) FROM audit_log").await;
        let (first, second) = tokio::join!(post(&user, &case.action, &fields), post(&user, &case.action, &fields));
        let made = scalar(&app, &format!("SELECT count(*) FROM {}", case.table)).await - records;
        let rows = scalar(&app, &format!("SELECT count(*) FROM audit_log WHERE id > {audit}")).await;
        let answers_right = match case.refused_again {
            None => first.0 == StatusCode::SEE_OTHER && first == second,
            Some(message) => [&first, &second].iter().filter(|a| a.1.contains(message)).count() == 1,
        };
        if made != 1 || rows != 1 || !answers_right {
            failures
                .push(format!("{}: {made} records, {rows} audit rows, answers {first:?} and {second:?}", case.action));
        }
    }
    assert!(failures.is_empty(), "double posts:\n{}", failures.join("\n"));
}

/// An edit form: who keeps it, the field the two editors change, and the two values.
struct Edit {
    role: Role,
    region: &'static str,
    page: String,
    field: &'static str,
    values: (&'static str, &'static str),
}

fn edit(
    role: Role,
    region: &'static str,
    page: String,
    field: &'static str,
    values: (&'static str, &'static str),
) -> Edit {
    Edit { role, region, page, field, values }
}

/// The value a field shows on a page's form (its first occurrence).
fn shown(html: &str, action: &str, field: &str) -> Option<String> {
    form_fields(html, action)?.into_iter().find(|(n, _)| n == field).map(|(_, v)| v)
}

#[tokio::test]
async fn two_editors_saving_one_record_leave_the_first_change_and_show_the_second_the_conflict_page() {
    let app = TestApp::spawn_demo().await;
    let sy = "JOIN regions g ON g.id = t.region_id WHERE g.code = '210100'";
    let someone = crate::support::accounts::id_of(&app.db.app_pool().await, "demo_sy_hrss").await;
    let plan = crate::support::plans::draft(&app.db, "210300", 2026, someone).await.0;
    let roster = crate::support::rosters::roster(&app.db, "210300", 2026, someone).await;
    let began = chrono::NaiveDate::from_ymd_opt(2026, 1, 5).expect("date");
    let member = crate::support::rosters::complete(&app.db, roster, 2026, began).await.0;
    let employer = scalar(&app, &format!("SELECT t.id FROM employers t {sy} ORDER BY t.id LIMIT 1")).await;
    let project = scalar(
        &app,
        &format!("SELECT t.id FROM projects t {sy} AND t.status IN ('draft', 'returned') ORDER BY t.id LIMIT 1"),
    )
    .await;
    let session = scalar(&app, &format!("SELECT t.id FROM training_sessions t {sy} ORDER BY t.id LIMIT 1")).await;
    let meeting = scalar(&app, &format!("SELECT t.id FROM meetings t {sy} ORDER BY t.id LIMIT 1")).await;
    let item = scalar(&app, &format!("SELECT t.id FROM meeting_action_items t JOIN meetings m ON m.id = t.meeting_id JOIN regions g ON g.id = m.region_id WHERE g.code = '210100' AND t.closed_at IS NULL AND t.meeting_id = {meeting} ORDER BY t.id LIMIT 1")).await;
    let round = scalar(&app, &format!("SELECT t.id FROM project_rounds t {sy} ORDER BY t.year DESC LIMIT 1")).await;
    let applicant = scalar(&app, &format!("SELECT t.id FROM applicants t {sy} ORDER BY t.id LIMIT 1")).await;
    let expert = scalar(&app, &format!("SELECT t.id FROM experts t {sy} ORDER BY t.id LIMIT 1")).await;
    let inspection = scalar(&app, &format!("SELECT t.id FROM joint_inspections t {sy} ORDER BY t.id LIMIT 1")).await;
    let department = scalar(&app, &format!("SELECT t.id FROM departments t {sy} AND t.kind = 'transport'")).await;
    let school = scalar(&app, &format!("SELECT t.id FROM technical_schools t {sy} ORDER BY t.id LIMIT 1")).await;
    let event = scalar(&app, &format!("SELECT t.id FROM publicity_events t {sy} ORDER BY t.id LIMIT 1")).await;
    let base = scalar(&app, &format!("SELECT t.id FROM warning_bases t {sy} ORDER BY t.id LIMIT 1")).await;
    let notice = crate::support::publicity::notice(&app.db, "210300", &["210300"], "草稿通知", false).await;
    let report = crate::support::annual_reports::report(&app.db, "210300", 2026, "draft").await;
    let organisation = scalar(&app, "SELECT id FROM service_organisations ORDER BY id LIMIT 1").await;
    let account = scalar(&app, "SELECT id FROM accounts WHERE username = 'demo_dl_hrss_2'").await;
    let evaluation = scalar(
        &app,
        &format!(
            "SELECT t.id FROM rate_evaluations t {sy} AND t.status IN ('entered', 'proposed') ORDER BY t.id LIMIT 1"
        ),
    )
    .await;
    let rule =
        scalar(&app, "SELECT id FROM rate_rules WHERE region_id IS NULL AND factor = 'hazard' ORDER BY id LIMIT 1")
            .await;
    let agreed = scalar(&app, &format!("SELECT t.project_id FROM project_agreements t JOIN projects p ON p.id = t.project_id {sy} AND p.status = 'filed' ORDER BY t.project_id LIMIT 1")).await;
    let cases = vec![
        edit(
            Role::ProvinceOfficer,
            "210000",
            "/industries/C26/edit".into(),
            "class_note",
            ("先保存说明", "后保存说明"),
        ),
        edit(
            Role::ProvinceOfficer,
            "210000",
            format!("/rates/rules/{rule}/edit"),
            "note",
            ("先保存备注", "后保存备注"),
        ),
        edit(
            Role::CityOfficer,
            "210100",
            format!("/projects/{agreed}/agreement"),
            "party_b",
            ("先保存乙方", "后保存乙方"),
        ),
        edit(Role::CityOfficer, "210300", format!("/plans/{plan}/edit"), "training_coverage_percent", ("90", "95")),
        edit(
            Role::CityOfficer,
            "210300",
            format!("/rosters/{}/members/{member}/edit", roster.0),
            "post",
            ("副局长", "局长"),
        ),
        edit(
            Role::CityOfficer,
            "210100",
            format!("/employers/{employer}/edit"),
            "name",
            ("先保存有限公司", "后保存有限公司"),
        ),
        edit(Role::CityOfficer, "210100", format!("/projects/{project}/edit"), "name", ("先保存项目", "后保存项目")),
        edit(
            Role::CityOfficer,
            "210100",
            format!("/training/sessions/{session}/edit"),
            "topic",
            ("先保存主题", "后保存主题"),
        ),
        edit(Role::CityOfficer, "210100", format!("/meetings/{meeting}/edit"), "topics", ("先保存议题", "后保存议题")),
        edit(
            Role::CityOfficer,
            "210100",
            format!("/meetings/{meeting}/items/{item}/edit"),
            "what",
            ("先保存事项", "后保存事项"),
        ),
        edit(
            Role::CityOfficer,
            "210100",
            format!("/project-rounds/{round}/edit"),
            "title",
            ("先保存批次", "后保存批次"),
        ),
        edit(
            Role::CityOfficer,
            "210100",
            format!("/applicants/{applicant}/edit"),
            "address",
            ("先保存地址", "后保存地址"),
        ),
        edit(
            Role::CityOfficer,
            "210100",
            format!("/experts/{expert}/edit"),
            "organization",
            ("先保存单位", "后保存单位"),
        ),
        edit(
            Role::CityOfficer,
            "210100",
            format!("/inspections/{inspection}/edit"),
            "inspectors",
            ("先保存检查人", "后保存检查人"),
        ),
        edit(
            Role::CityOfficer,
            "210100",
            format!("/departments/{department}/edit"),
            "contact_person",
            ("先保存", "后保存"),
        ),
        edit(Role::CityOfficer, "210100", format!("/schools/{school}/edit"), "name", ("先保存技校", "后保存技校")),
        edit(Role::CityOfficer, "210100", format!("/publicity/{event}/edit"), "title", ("先保存活动", "后保存活动")),
        edit(
            Role::CityOfficer,
            "210100",
            format!("/warning-bases/{base}/edit"),
            "operator",
            ("先保存运营", "后保存运营"),
        ),
        edit(Role::CityOfficer, "210300", format!("/notices/{notice}/edit"), "title", ("先保存通知", "后保存通知")),
        edit(
            Role::CityOfficer,
            "210300",
            format!("/annual-reports/{report}/edit"),
            "problems",
            ("先保存问题", "后保存问题"),
        ),
        edit(
            Role::AgencyOfficer,
            "210100",
            format!("/rates/evaluations/{evaluation}/edit"),
            "wage_bill",
            ("1000000", "2000000"),
        ),
        edit(
            Role::ProvinceOfficer,
            "210000",
            format!("/organisations/{organisation}/edit"),
            "contact_person",
            ("先保存", "后保存"),
        ),
        edit(
            Role::ProvinceOfficer,
            "210000",
            "/cycles/2026/edit".into(),
            "provincial_document",
            ("辽人社〔2026〕1号", "辽人社〔2026〕2号"),
        ),
        edit(
            Role::ProvinceOfficer,
            "210000",
            "/calendar/2027/edit".into(),
            "document",
            ("国办发明电〔2026〕1号", "国办发明电〔2026〕2号"),
        ),
        edit(Role::SysAdmin, "", format!("/admin/accounts/{account}/edit"), "display_name", ("先保存", "后保存")),
    ];
    // Two editors per role and region, signed in once (sign-ins are rate limited per address).
    let mut editors: Vec<((Role, &str), (TestUser, TestUser))> = Vec::new();
    for case in &cases {
        if !editors.iter().any(|(k, _)| *k == (case.role, case.region)) {
            let pair = (app.login_as(case.role, case.region).await, app.login_as(case.role, case.region).await);
            editors.push(((case.role, case.region), pair));
        }
    }
    let mut failures = Vec::new();
    for case in &cases {
        let Some((_, (first, second))) = editors.iter().find(|(k, _)| *k == (case.role, case.region)) else { continue };
        let (a, b) = (first.get(&case.page).await, second.get(&case.page).await);
        if a.status() != StatusCode::OK || b.status() != StatusCode::OK {
            failures.push(format!("{}: {} and {}", case.page, a.status(), b.status()));
            continue;
        }
        let (a, b) = (a.text().await.unwrap_or_default(), b.text().await.unwrap_or_default());
        let (Some(a), Some(b)) = (form_fields(&a, &case.page), form_fields(&b, &case.page)) else {
            failures.push(format!("{}: no post form to itself", case.page));
            continue;
        };
        let a = with(a, &[(case.field, case.values.0)]);
        let b = with(b, &[(case.field, case.values.1)]);
        let saved = post(&first, &case.page, &a).await;
        let refused = second.client.post(second.url(&case.page)).form(&b).send().await.expect("request");
        let refused_status = refused.status();
        let body = refused.text().await.unwrap_or_default();
        let fresh = first.get(&case.page).await.text().await.unwrap_or_default();
        // Amounts come back formatted (1,000,000.00).
        let kept =
            shown(&fresh, &case.page, case.field).map(|v| v.replace(',', "").trim_end_matches(".00").to_string());
        if saved.0 != StatusCode::SEE_OTHER
            || refused_status != StatusCode::CONFLICT
            || !body.contains("数据已被修改")
            || kept.as_deref() != Some(case.values.0)
        {
            failures.push(format!("{}: first {saved:?}, second {refused_status}, kept {kept:?}", case.page));
        }
    }
    assert!(failures.is_empty(), "two editors:\n{}", failures.join("\n"));
}
