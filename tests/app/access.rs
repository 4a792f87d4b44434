//! The access matrix: every route × every role × own and other region, with the answer each
//! must get written out here by hand (not derived from the code under test).

use std::collections::HashSet;

use prevention::access::ROUTES;
use prevention::db::{DbActor, Scope};
use prevention::org::Role;
use reqwest::StatusCode;

use crate::support::departments::{department_id, department_version};
use crate::support::employers;
use crate::support::meetings;
use crate::support::plans;
use crate::support::projects;
use crate::support::rosters;
use crate::support::{TestApp, TestUser};

/// The expectation columns follow this order.
const ROLES: &[Role] = Role::ALL;

/// Where each role's account lives. Partner officers are of the emergency department.
fn home_region(role: Role) -> &'static str {
    match role {
        Role::ProvinceOfficer => "210000",
        Role::CityOfficer | Role::PartnerOfficer | Role::AgencyOfficer | Role::Expert => "210100",
        _ => "",
    }
}

/// A floating-rate job of `code` (a run, or an import of `file`), queued and run to its end.
async fn rate_job(
    db: &crate::support::TestDb,
    code: &str,
    kind: &'static str,
    file: Option<&str>,
    by: prevention::org::AccountId,
) -> prevention::jobs::JobId {
    let pool = db.app_pool().await;
    let region = prevention::regions::store::find_by_code(&pool, code).await.unwrap().unwrap();
    let job = prevention::jobs::NewJob {
        region: region.id,
        kind,
        payload: serde_json::json!({ "period": 2023, "file_name": "评估.csv" }),
        account: by,
        account_name: "测试",
        file: file.map(|f| ("评估.csv", f.as_bytes())),
    };
    let scope = DbActor::new(Scope::Province, None);
    let mut tx = prevention::db::begin(&pool, scope).await.unwrap();
    let id = prevention::jobs::enqueue(&mut tx, &job).await.unwrap();
    tx.commit().await.unwrap();
    assert!(prevention::jobs::run_once(&pool, "matrix", prevention::server::JOB_RUNNERS).await.unwrap());
    id
}

/// One probe: method, the route's pattern (to check coverage), the concrete path, and the
/// status for each role in `ROLES` order.
struct Probe {
    method: &'static str,
    pattern: &'static str,
    path: String,
    expect: [u16; 8],
}

async fn send(app: &TestApp, user: &TestUser, probe: &Probe) -> u16 {
    match probe.method {
        "GET" => user.get(&probe.path).await.status().as_u16(),
        "POST" if probe.pattern == "/login" => user
            .post_form("/login", &[("username", "nobody_here"), ("password", "Wrong#Passw0rd")])
            .await
            .status()
            .as_u16(),
        "POST" if probe.pattern == "/departments/{id}/edit" => {
            let id: i64 = probe.path.split('/').nth(2).unwrap().parse().unwrap();
            let version = department_version(&app.db, id).await.to_string();
            let fields = [
                ("contact_person", "矩阵测试"),
                ("contact_phone", "024-23456789"),
                ("address", ""),
                ("version", version.as_str()),
            ];
            user.post_form(&probe.path, &fields).await.status().as_u16()
        }
        "POST" if probe.pattern == "/account/password" || probe.pattern == "/account/totp/start" => {
            let fields = [("current_password", "Wrong#Passw0rd"), ("new_password", "x"), ("confirm_password", "x")];
            user.post_form(probe.pattern, &fields).await.status().as_u16()
        }
        "POST" if probe.pattern == "/account/totp" || probe.pattern == "/login/totp" => {
            user.post_form(&probe.path, &[("code", "000000")]).await.status().as_u16()
        }
        "POST" if probe.pattern == "/key-industries" => {
            user.post_form(&probe.path, &[("cycle", "2026"), ("name", ""), ("divisions", "")]).await.status().as_u16()
        }
        "POST" if probe.pattern == "/annual-reports/new" => {
            let token = prevention::web::once::new_token();
            user.post_form(&probe.path, &[("year", "2026"), ("form_token", token.as_str())]).await.status().as_u16()
        }
        "POST" if probe.pattern == "/annual-reports/{id}/transition" => {
            let token = prevention::web::once::new_token();
            user.post_form(&probe.path, &[("action", "submit"), ("form_token", token.as_str())]).await.status().as_u16()
        }
        "POST" if probe.pattern == "/plans/new" => {
            let token = prevention::web::once::new_token();
            user.post_form(&probe.path, &[("cycle", "2026"), ("form_token", token.as_str())]).await.status().as_u16()
        }
        "POST" if probe.pattern == "/rosters/new" => {
            let token = prevention::web::once::new_token();
            user.post_form(&probe.path, &[("cycle", "2026"), ("form_token", token.as_str())]).await.status().as_u16()
        }
        "POST" if probe.pattern == "/rosters/{id}/transition" => {
            let token = prevention::web::once::new_token();
            user.post_form(&probe.path, &[("action", "submit"), ("form_token", token.as_str())]).await.status().as_u16()
        }
        "POST" if probe.pattern == "/plans/{id}/transition" => {
            let token = prevention::web::once::new_token();
            user.post_form(&probe.path, &[("action", "submit"), ("form_token", token.as_str())]).await.status().as_u16()
        }
        // Not a PDF: an officer who may upload gets the page back with the reason.
        "POST"
            if probe.pattern == "/employers/import"
                || probe.pattern == "/statistics/import"
                || probe.pattern == "/rates/import"
                || probe.pattern == "/training/sessions/{id}/import"
                || probe.pattern == "/training/required/import" =>
        {
            let pdf = prevention::attachments::samples::pdf(1024);
            user.upload(&probe.path, "", "用人单位.xlsx", pdf).await.status().as_u16()
        }
        // A suspension without its reason: the keeper gets the page back with the problem.
        "POST" if probe.pattern == "/organisations/{id}/listing" => {
            let token = prevention::web::once::new_token();
            user.post_form(&probe.path, &[("action", "suspend"), ("form_token", token.as_str())])
                .await
                .status()
                .as_u16()
        }
        // A verification of an open finding: the actors get the page back with the reason.
        "POST" if probe.pattern == "/findings/{id}/follow-up" => {
            let token = prevention::web::once::new_token();
            user.post_form(&probe.path, &[("action", "verify"), ("form_token", token.as_str())]).await.status().as_u16()
        }
        "POST" if probe.pattern == "/inspections/{id}/attachments" => {
            user.upload(&probe.path, "record", "检查记录.pdf", b"plain text".to_vec()).await.status().as_u16()
        }
        "POST" if probe.pattern == "/findings/{id}/attachments" => {
            user.upload(&probe.path, "photo", "照片.pdf", b"plain text".to_vec()).await.status().as_u16()
        }
        "POST" if probe.pattern == "/notices/{id}/attachments" => {
            user.upload(&probe.path, "document", "通知.pdf", b"plain text".to_vec()).await.status().as_u16()
        }
        // A new rate table without its fields: the province gets the form back with the messages.
        "POST" if probe.pattern == "/rates/tables/{code}/new" => {
            let token = prevention::web::once::new_token();
            user.post_form(&probe.path, &[("form_token", token.as_str())]).await.status().as_u16()
        }
        "POST" if probe.pattern == "/publicity/{id}/attachments" => {
            user.upload(&probe.path, "material", "宣传册.pdf", b"plain text".to_vec()).await.status().as_u16()
        }
        "POST" if probe.pattern == "/meetings/{id}/attachments" => {
            user.upload(&probe.path, "minutes", "纪要.pdf", b"plain text".to_vec()).await.status().as_u16()
        }
        "POST" if probe.pattern == "/project-rounds/new" || probe.pattern == "/applicants/new" => {
            let token = prevention::web::once::new_token();
            user.post_form(&probe.path, &[("form_token", token.as_str())]).await.status().as_u16()
        }
        // `path` carries the round and the applicant as a query: /projects/new?round=…&applicant=…
        "POST" if probe.pattern == "/projects/new" => {
            let token = prevention::web::once::new_token();
            let (path, query) = probe.path.split_once('?').expect("round and applicant");
            let mut fields: Vec<(&str, &str)> = query.split('&').filter_map(|p| p.split_once('=')).collect();
            fields.extend([("applicant_kind", "organization"), ("form_token", token.as_str())]);
            user.post_form(path, &fields).await.status().as_u16()
        }
        "POST" if probe.pattern == "/projects/{id}/transition" => {
            let token = prevention::web::once::new_token();
            user.post_form(&probe.path, &[("action", "submit"), ("form_token", token.as_str())]).await.status().as_u16()
        }
        // A draft: the draw and the replacement are refused with the reason (a rule, 422).
        "POST"
            if probe.pattern == "/projects/{id}/panel/draw"
                || probe.pattern == "/projects/{id}/panel/{expert}/replace" =>
        {
            let token = prevention::web::once::new_token();
            user.post_form(&probe.path, &[("form_token", token.as_str()), ("reason", "回避")]).await.status().as_u16()
        }
        // The agreement's forms on a draft: refused with the reason (the page is not there yet).
        "POST" if probe.pattern == "/projects/{id}/agreement/attachments" => {
            user.upload(&probe.path, "signed_agreement", "协议.pdf", b"plain text".to_vec()).await.status().as_u16()
        }
        "POST" if probe.pattern.starts_with("/projects/{id}/agreement") => {
            let token = prevention::web::once::new_token();
            user.post_form(&probe.path, &[("form_token", token.as_str()), ("version", "0")]).await.status().as_u16()
        }
        "POST" if probe.pattern == "/projects/{id}/payments" => {
            let token = prevention::web::once::new_token();
            user.post_form(&probe.path, &[("form_token", token.as_str())]).await.status().as_u16()
        }
        "POST" if probe.pattern == "/projects/{id}/progress" => {
            let token = prevention::web::once::new_token();
            user.post_form(&probe.path, &[("form_token", token.as_str())]).await.status().as_u16()
        }
        "POST" if probe.pattern == "/projects/{id}/acceptance/attachments" => user
            .upload(&probe.path, "completion_report", "结项报告.pdf", b"plain text".to_vec())
            .await
            .status()
            .as_u16(),
        // The fee's forms, empty but for the region the path's query names and a submission.
        "POST" if probe.pattern.starts_with("/fee/") => {
            let token = prevention::web::once::new_token();
            let region = probe.path.split_once("region=").map_or("", |(_, r)| r);
            let path = probe.path.split('?').next().unwrap_or_default();
            let fields = [("form_token", token.as_str()), ("region", region), ("year", "2026"), ("action", "submit")];
            user.post_form(path, &fields).await.status().as_u16()
        }
        "POST"
            if probe.pattern.starts_with("/projects/{id}/acceptance")
                || probe.pattern == "/projects/{id}/termination" =>
        {
            let token = prevention::web::once::new_token();
            user.post_form(&probe.path, &[("form_token", token.as_str()), ("reason", "矩阵测试")])
                .await
                .status()
                .as_u16()
        }
        // The approval's steps on a draft: the keepers get the page back with the reason.
        "POST" if probe.pattern.starts_with("/projects/{id}/approval/") => {
            let token = prevention::web::once::new_token();
            let fields = [("form_token", token.as_str()), ("action", "file"), ("answer", "答复"), ("upheld", "no")];
            user.post_form(&probe.path, &fields).await.status().as_u16()
        }
        // An expert's sheet, posted whole as a draft: an expert not on the panel is not found.
        "POST" if probe.pattern == "/reviews/{id}" => {
            let token = prevention::web::once::new_token();
            user.post_form(&probe.path, &[("form_token", token.as_str()), ("version", "0"), ("intent", "save")])
                .await
                .status()
                .as_u16()
        }
        "POST" if probe.pattern == "/projects/{id}/attachments" => {
            user.upload(&probe.path, "feasibility_report", "报告.pdf", b"plain text".to_vec()).await.status().as_u16()
        }
        "POST" if probe.pattern == "/plans/{id}/attachments" => {
            user.upload(&probe.path, "signed_document", "说明.pdf", b"plain text".to_vec()).await.status().as_u16()
        }
        // An empty form, without its one-time token where it has one: refused before any work.
        "POST" => user.post_form(&probe.path, &[("form_token", "")]).await.status().as_u16(),
        other => panic!("no probe for {other}"),
    }
}

#[tokio::test]
async fn every_route_every_role_own_and_other_region() {
    let app = TestApp::spawn().await;
    // "Own" is a department the role's account may edit where any may be edited at all;
    // "other" lies in another region (大连) — for the province, a city's department.
    let sy_emergency = department_id(&app.db, "210100", "emergency").await;
    let province_finance = department_id(&app.db, "210000", "finance").await;
    let dl_emergency = department_id(&app.db, "210200", "emergency").await;
    let own = |role: Role| if role == Role::ProvinceOfficer { province_finance } else { sy_emergency };
    // The account the administrators' pages act on.
    let target_name = app.create_account(Role::CityOfficer, "210100", None).await;
    let target: i64 = sqlx::query_scalar("SELECT id FROM accounts WHERE username = $1")
        .bind(&target_name)
        .fetch_one(&app.db.app_pool().await)
        .await
        .unwrap();
    // A 沈阳 key industry and plan ("own" for 沈阳's officers), and 大连's ("other").
    let target_id = crate::support::accounts::id_of(&app.db.app_pool().await, &target_name).await;
    let sy_industry = plans::region_key_industry(&app.db, "210100", 2026, "粉尘涉爆", target_id).await;
    let dl_industry = plans::region_key_industry(&app.db, "210200", 2026, "粉尘涉爆", target_id).await;
    let sy_plan = plans::draft(&app.db, "210100", 2021, target_id).await;
    plans::versions(&app.db, "210100", sy_plan, 2, target_id).await;
    let dl_plan = plans::draft(&app.db, "210200", 2021, target_id).await;
    let pdf = prevention::attachments::samples::pdf(2048);
    let sy_file = plans::attachment(&app.db, "210100", sy_plan, "signed_document", &pdf, target_id).await;
    let sy_doomed = plans::attachment(&app.db, "210100", sy_plan, "other", &pdf, target_id).await;
    let dl_file = plans::attachment(&app.db, "210200", dl_plan, "signed_document", &pdf, target_id).await;
    // A 沈阳 roster of 2021–2025 with a member and two versions ("own"), and 大连's ("other").
    let began = chrono::NaiveDate::from_ymd_opt(2021, 4, 1).unwrap();
    let sy_roster = rosters::roster(&app.db, "210100", 2021, target_id).await;
    let sy_member =
        rosters::member(&app.db, sy_roster, 2021, "王建国", prevention::org::DepartmentKind::Hrss, "leader", began)
            .await;
    rosters::versions(&app.db, "210100", sy_roster, 2, target_id).await;
    let dl_roster = rosters::roster(&app.db, "210200", 2021, target_id).await;
    let dl_member =
        rosters::member(&app.db, dl_roster, 2021, "李卫东", prevention::org::DepartmentKind::Hrss, "leader", began)
            .await;
    // 沈阳 meetings with an emergency item (the partner's own) and a health item; 大连's.
    let held = prevention::values::time::today() - chrono::Duration::days(5);
    let due = prevention::values::time::today() + chrono::Duration::days(5);
    let both = [prevention::org::DepartmentKind::Emergency, prevention::org::DepartmentKind::Health];
    let sy_meeting = meetings::meeting(&app.db, "210100", held, &both, target_id).await;
    let sy_item =
        meetings::item(&app.db, sy_meeting, "联合检查", prevention::org::DepartmentKind::Emergency, due).await;
    let sy_health = meetings::item(&app.db, sy_meeting, "宣传", prevention::org::DepartmentKind::Health, due).await;
    let dl_meeting = meetings::meeting(&app.db, "210200", held, &both, target_id).await;
    let dl_item =
        meetings::item(&app.db, dl_meeting, "联合检查", prevention::org::DepartmentKind::Emergency, due).await;
    let sy_minutes = plans::attachment_of(&app.db, "210100", "meeting", sy_meeting.0, "minutes", &pdf, target_id).await;
    let sy_scrap = plans::attachment_of(&app.db, "210100", "meeting", sy_meeting.0, "other", &pdf, target_id).await;
    let dl_minutes = plans::attachment_of(&app.db, "210200", "meeting", dl_meeting.0, "minutes", &pdf, target_id).await;
    let sy_employer =
        employers::employer(&app.db, "210100", &employers::credit_code("91210100MA0AAAA01"), "沈阳甲公司", "C26").await;
    let dl_employer =
        employers::employer(&app.db, "210200", &employers::credit_code("91210200MA0AAAA01"), "大连甲公司", "C26").await;
    let (sy_session, sy_trainee) =
        crate::support::training::session_with_trainee(&app.db, "210100", sy_employer, "110101199003074514").await;
    let (dl_session, dl_trainee) =
        crate::support::training::session_with_trainee(&app.db, "210200", dl_employer, "11010519491231002X").await;
    // A listed organisation serving 沈阳 with a qualification, and an unlisted one serving 大连 only;
    // schools, publicity events (沈阳's held by HRSS, so not the emergency partner's) with files,
    // and warning-education bases of each city.
    use crate::support::publicity as fx;
    let sy_org =
        fx::organisation(&app.db, &employers::credit_code("91210100MA0BBBB01"), "沈阳培训中心", "210100", true).await;
    let dl_org =
        fx::organisation(&app.db, &employers::credit_code("91210200MA0BBBB01"), "大连咨询所", "210200", false).await;
    let sy_qualification = fx::qualification(&app.db, sy_org, "安全培训机构资质").await;
    let sy_school = fx::school(&app.db, "210100", "沈阳市技师学院").await;
    let dl_school = fx::school(&app.db, "210200", "大连市技师学院").await;
    let sy_event = fx::event(&app.db, "210100", "沈阳安全生产月", "hrss").await;
    let dl_event = fx::event(&app.db, "210200", "大连安全生产月", "hrss").await;
    let sy_material =
        plans::attachment_of(&app.db, "210100", "publicity_event", sy_event, "material", &pdf, target_id).await;
    let sy_photo = plans::attachment_of(&app.db, "210100", "publicity_event", sy_event, "photo", &pdf, target_id).await;
    let dl_material =
        plans::attachment_of(&app.db, "210200", "publicity_event", dl_event, "material", &pdf, target_id).await;
    let sy_base = fx::base(&app.db, "210100", "沈阳警示教育基地").await;
    let dl_base = fx::base(&app.db, "210200", "大连警示教育基地").await;
    // Inspections of 沈阳 (led by, and a finding of, the emergency partner's department) and
    // 大连, with files.
    let (sy_inspection, sy_finding) = fx::inspection(&app.db, "210100", sy_employer.0, "emergency", "emergency").await;
    let (dl_inspection, dl_finding) = fx::inspection(&app.db, "210200", dl_employer.0, "emergency", "emergency").await;
    let sy_record =
        plans::attachment_of(&app.db, "210100", "joint_inspection", sy_inspection, "record", &pdf, target_id).await;
    let sy_record_scrap =
        plans::attachment_of(&app.db, "210100", "joint_inspection", sy_inspection, "other", &pdf, target_id).await;
    let dl_record =
        plans::attachment_of(&app.db, "210200", "joint_inspection", dl_inspection, "record", &pdf, target_id).await;
    let sy_photo_file = plans::attachment_of(&app.db, "210100", "finding", sy_finding, "photo", &pdf, target_id).await;
    let sy_photo_scrap =
        plans::attachment_of(&app.db, "210100", "finding", sy_finding, "notice", &pdf, target_id).await;
    let dl_photo_file = plans::attachment_of(&app.db, "210200", "finding", dl_finding, "photo", &pdf, target_id).await;
    // Notices: the province's to 沈阳 and to 大连 (issued, with files); 沈阳's issued notice; the
    // drafts of 沈阳 (with two files) and 大连 (with one).
    let pv_notice = fx::notice(&app.db, "210000", &["210100"], "发往沈阳的通知", true).await;
    let pv_dl_notice = fx::notice(&app.db, "210000", &["210200"], "发往大连的通知", true).await;
    let sy_issued = fx::notice(&app.db, "210100", &["210100"], "沈阳已发布的通知", true).await;
    let sy_draft = fx::notice(&app.db, "210100", &["210100"], "沈阳的通知草稿", false).await;
    let dl_draft = fx::notice(&app.db, "210200", &["210200"], "大连的通知草稿", false).await;
    let pv_file = plans::attachment_of(&app.db, "210000", "notice", pv_notice, "document", &pdf, target_id).await;
    let pv_dl_file = plans::attachment_of(&app.db, "210000", "notice", pv_dl_notice, "document", &pdf, target_id).await;
    let sy_draft_file = plans::attachment_of(&app.db, "210100", "notice", sy_draft, "document", &pdf, target_id).await;
    let sy_draft_scrap = plans::attachment_of(&app.db, "210100", "notice", sy_draft, "other", &pdf, target_id).await;
    let dl_draft_file = plans::attachment_of(&app.db, "210200", "notice", dl_draft, "document", &pdf, target_id).await;
    // Annual reports: 沈阳's 2026 draft and 2025 submitted one (with two versions), 大连's 2026
    // draft and 2025 submitted one.
    use crate::support::annual_reports as reports;
    let sy_report_draft = reports::report(&app.db, "210100", 2026, "draft").await;
    let sy_report_sent = reports::report(&app.db, "210100", 2025, "submitted").await;
    let dl_report_draft = reports::report(&app.db, "210200", 2026, "draft").await;
    let dl_report_sent = reports::report(&app.db, "210200", 2025, "submitted").await;
    plans::versions_of(&app.db, "210100", "annual_report", sy_report_sent, 2, target_id).await;
    plans::versions_of(&app.db, "210200", "annual_report", dl_report_sent, 2, target_id).await;
    // An employer import of 沈阳 rejected for a bad row (so its marked file exists), and 大连's.
    let import_job = |code: &'static str| {
        let db = &app.db;
        async move {
            let pool = db.app_pool().await;
            let region = prevention::regions::store::find_by_code(&pool, code).await.unwrap().unwrap();
            // Joined, so the CSV's commas stay ASCII commas.
            let lines = [["统一社会信用代码", "单位名称", "行业大类代码", "规模"], ["坏代码", "甲", "C26", "小型"]];
            let text = lines.iter().map(|l| l.join(",")).collect::<Vec<_>>().join("\n");
            let csv = text.as_bytes();
            let job = prevention::jobs::NewJob {
                region: region.id,
                kind: prevention::employers::import::KIND,
                payload: serde_json::json!({ "file_name": "甲.csv" }),
                account: target_id,
                account_name: "测试",
                file: Some(("甲.csv", csv)),
            };
            let scope = DbActor::new(Scope::Province, None);
            let mut tx = prevention::db::begin(&pool, scope).await.unwrap();
            let id = prevention::jobs::enqueue(&mut tx, &job).await.unwrap();
            tx.commit().await.unwrap();
            assert!(prevention::jobs::run_once(&pool, "matrix", prevention::server::JOB_RUNNERS).await.unwrap());
            id
        }
    };
    // 沈阳's round, applicant and draft application with two versions and files; 大连's.
    let opens = prevention::values::time::today() - chrono::Duration::days(1);
    let closes = prevention::values::time::today() + chrono::Duration::days(30);
    let sy_round = projects::round(&app.db, "210100", opens, closes, target_id).await;
    let dl_round = projects::round(&app.db, "210200", opens, closes, target_id).await;
    let sy_applicant =
        projects::applicant(&app.db, "210100", "51210100MJ0CCCC01", "沈阳市安全生产协会", target_id).await;
    let dl_applicant =
        projects::applicant(&app.db, "210200", "51210200MJ0CCCC01", "大连市安全生产协会", target_id).await;
    let sy_project = projects::draft(&app.db, sy_round, sy_applicant, target_id).await;
    let dl_project = projects::draft(&app.db, dl_round, dl_applicant, target_id).await;
    plans::versions_of(&app.db, "210100", "project", sy_project.0, 2, target_id).await;
    plans::versions_of(&app.db, "210200", "project", dl_project.0, 2, target_id).await;
    let sy_budget = crate::support::fee::approved_budget(&app.db, "210100", 2026, "100000", "100000").await;
    let dl_budget = crate::support::fee::approved_budget(&app.db, "210200", 2026, "100000", "100000").await;
    plans::versions_of(&app.db, "210100", "fee_budget", sy_budget, 2, target_id).await;
    plans::versions_of(&app.db, "210200", "fee_budget", dl_budget, 2, target_id).await;
    let project_file = |code: &'static str, id: i64, kind: &'static str| {
        let (db, pdf) = (&app.db, pdf.clone());
        async move { plans::attachment_of(db, code, "project", id, kind, &pdf, target_id).await }
    };
    let sy_report = project_file("210100", sy_project.0, "feasibility_report").await;
    let sy_scrap_report = project_file("210100", sy_project.0, "other").await;
    let dl_report = project_file("210200", dl_project.0, "feasibility_report").await;
    let sy_expert = crate::support::experts::expert(&app.db, "210100", "郑海涛", "work_safety").await;
    let dl_expert = crate::support::experts::expert(&app.db, "210200", "孙立新", "finance").await;
    let sy_job = import_job("210100").await;
    let dl_job = import_job("210200").await;
    // An injury-statistics import of 沈阳 rejected for an unknown industry (so its marked file
    // exists), and 大连's.
    let statistics_job = |code: &'static str| {
        let db = &app.db;
        async move {
            let pool = db.app_pool().await;
            let region = prevention::regions::store::find_by_code(&pool, code).await.unwrap().unwrap();
            let lines = [
                ["年度", "重点行业", "参保人数", "认定工伤人数", "工亡人数", "职业病病例数"],
                ["2025", "粉尘涉爆", "1", "0", "0", "0"],
            ];
            let text = lines.iter().map(|l| l.join(",")).collect::<Vec<_>>().join("\n");
            let job = prevention::jobs::NewJob {
                region: region.id,
                kind: prevention::statistics::import::KIND,
                payload: serde_json::json!({ "file_name": "统计.csv" }),
                account: target_id,
                account_name: "测试",
                file: Some(("统计.csv", text.as_bytes())),
            };
            let scope = DbActor::new(Scope::Province, None);
            let mut tx = prevention::db::begin(&pool, scope).await.unwrap();
            let id = prevention::jobs::enqueue(&mut tx, &job).await.unwrap();
            tx.commit().await.unwrap();
            assert!(prevention::jobs::run_once(&pool, "matrix", prevention::server::JOB_RUNNERS).await.unwrap());
            id
        }
    };
    let sy_statistics_job = statistics_job("210100").await;
    let dl_statistics_job = statistics_job("210200").await;
    // Rate tables of 沈阳 and 大连; 沈阳 keeps its own rule set (大连 uses the default one).
    use crate::support::rate_tables as rates;
    rates::table(&app.db, "210100", "2026-01-01").await;
    rates::table(&app.db, "210200", "2026-01-01").await;
    rates::own_rules(&app.db, "210100").await;
    let default_rule = rates::rule(&app.db, None, "fund_use", Some(50)).await;
    let doomed_rule = rates::rule(&app.db, None, "fund_use", None).await;
    let sy_rule = rates::rule(&app.db, Some("210100"), "fund_use", Some(50)).await;
    // Floating-rate evaluations of 沈阳 and 大连 (entered), each region's run done (沈阳's
    // evaluation then proposed), and an inputs import of each rejected for an unknown employer.
    let evaluation = |code: &'static str, employer: i64| {
        let db = &app.db;
        async move {
            let su = db.superuser_pool().await;
            sqlx::query_scalar::<_, i64>(
                "INSERT INTO rate_evaluations (region_id, employer_id, period_start, premiums, benefits, wage_bill,
                                               injuries, hazard_level, standardisation, entered_by, entered_by_name)
                 SELECT r.id, $2, 2023, '{1000,1000,1000}', '{0,0,0}', 90000, 0, 'none', 'level2', $3, '测试'
                 FROM regions r WHERE r.code = $1 RETURNING id",
            )
            .bind(code)
            .bind(employer)
            .bind(target_id.0)
            .fetch_one(&su)
            .await
            .unwrap()
        }
    };
    let sy_evaluation = evaluation("210100", sy_employer.0).await;
    let dl_evaluation = evaluation("210200", dl_employer.0).await;
    let run_kind = prevention::floating_rates::run::KIND;
    let sy_run = rate_job(&app.db, "210100", run_kind, None, target_id).await;
    let dl_run = rate_job(&app.db, "210200", run_kind, None, target_id).await;
    // Joined, so the CSV's commas stay ASCII commas.
    let bad_inputs = [
        prevention::floating_rates::import::SPEC.columns.iter().map(|c| c.header).collect::<Vec<_>>(),
        vec!["9144030071526726XG", "2023", "1", "1", "1", "0", "0", "0", "1", "0", "一般", "三级"],
    ]
    .iter()
    .map(|l| l.join(","))
    .collect::<Vec<_>>()
    .join("\n");
    let import_kind = prevention::floating_rates::import::KIND;
    let sy_rate_import = rate_job(&app.db, "210100", import_kind, Some(&bad_inputs), target_id).await;
    let dl_rate_import = rate_job(&app.db, "210200", import_kind, Some(&bad_inputs), target_id).await;
    let agency_only = [403, 403, 403, 200, 403, 403, 403, 403];
    let agency_other = [403, 403, 403, 404, 403, 403, 403, 403];
    let rates_view = [200, 200, 403, 200, 403, 403, 403, 403];
    let rates_other = [200, 404, 403, 404, 403, 403, 403, 403];
    let officers = [200, 200, 200, 200, 403, 403, 403, 403];
    let province_only = [200, 403, 403, 403, 403, 403, 403, 403];
    let city_only = [403, 200, 403, 403, 403, 403, 403, 403];
    let city_other = [403, 404, 403, 403, 403, 403, 403, 403];
    let projects_view = [200, 200, 403, 403, 403, 403, 403, 403];
    let approved_view = [200, 200, 200, 200, 403, 403, 403, 403];
    // A draft of 沈阳: its officers and the province read it; partners and the agency (who read
    // approved projects only) do not find it.
    let draft_unseen = [200, 200, 404, 404, 403, 403, 403, 403];
    // Not yet signed: the region's keepers are told why (422); the province may not keep it.
    let keep_unsigned = [403, 422, 403, 403, 403, 403, 403, 403];
    let read_unsigned = [422, 422, 404, 404, 403, 403, 403, 403];
    let expert_only = [403, 403, 403, 403, 200, 403, 403, 403];
    let expert_not_assigned = [403, 403, 403, 403, 404, 403, 403, 403];
    let sys = [403, 403, 403, 403, 403, 200, 403, 403];
    let sys_redirect = [403, 403, 403, 403, 403, 303, 403, 403];
    let sec = [403, 403, 403, 403, 403, 403, 200, 403];
    let aud = [403, 403, 403, 403, 403, 403, 403, 200];
    let admin = |method: &'static str, pattern: &'static str, path: String, expect: [u16; 8]| Probe {
        method,
        pattern,
        path,
        expect,
    };

    // Roles:                        prov city part agcy expt sys  sec  aud
    let probes = |role: Role| {
        vec![
            Probe { method: "GET", pattern: "/healthz", path: "/healthz".into(), expect: [200; 8] },
            Probe { method: "GET", pattern: "/readyz", path: "/readyz".into(), expect: [200; 8] },
            Probe { method: "GET", pattern: "/login", path: "/login".into(), expect: [303; 8] },
            Probe { method: "POST", pattern: "/login", path: "/login".into(), expect: [200; 8] },
            Probe { method: "GET", pattern: "/", path: "/".into(), expect: [200; 8] },
            Probe { method: "GET", pattern: "/account/password", path: "/account/password".into(), expect: [200; 8] },
            Probe { method: "POST", pattern: "/account/password", path: "/account/password".into(), expect: [200; 8] },
            Probe { method: "GET", pattern: "/account/totp", path: "/account/totp".into(), expect: [200; 8] },
            // No enrolment is under way: a code is sent back to the page.
            Probe { method: "POST", pattern: "/account/totp", path: "/account/totp".into(), expect: [303; 8] },
            // A wrong current password re-renders the form.
            Probe {
                method: "POST",
                pattern: "/account/totp/start",
                path: "/account/totp/start".into(),
                expect: [200; 8],
            },
            // Nobody here owes a code: both send the user on.
            Probe { method: "GET", pattern: "/login/totp", path: "/login/totp".into(), expect: [303; 8] },
            Probe { method: "POST", pattern: "/login/totp", path: "/login/totp".into(), expect: [303; 8] },
            Probe {
                method: "GET",
                pattern: "/departments",
                path: "/departments".into(),
                expect: [200, 200, 200, 200, 403, 403, 403, 403],
            },
            Probe {
                method: "GET",
                pattern: "/departments/{id}",
                path: format!("/departments/{}", own(role)),
                expect: [200, 200, 200, 200, 403, 403, 403, 403],
            },
            Probe {
                method: "GET",
                pattern: "/departments/{id}",
                path: format!("/departments/{dl_emergency}"),
                expect: [200, 404, 404, 404, 403, 403, 403, 403],
            },
            Probe {
                method: "GET",
                pattern: "/departments/{id}/edit",
                path: format!("/departments/{}/edit", own(role)),
                expect: [200, 200, 200, 403, 403, 403, 403, 403],
            },
            Probe {
                method: "GET",
                pattern: "/departments/{id}/edit",
                path: format!("/departments/{dl_emergency}/edit"),
                expect: [403, 404, 404, 404, 403, 403, 403, 403],
            },
            Probe {
                method: "POST",
                pattern: "/departments/{id}/edit",
                path: format!("/departments/{}/edit", own(role)),
                expect: [303, 303, 303, 403, 403, 403, 403, 403],
            },
            Probe {
                method: "POST",
                pattern: "/departments/{id}/edit",
                path: format!("/departments/{dl_emergency}/edit"),
                expect: [403, 404, 404, 404, 403, 403, 403, 403],
            },
            Probe {
                method: "POST",
                pattern: "/departments/{id}/unmask",
                path: format!("/departments/{}/unmask", own(role)),
                expect: [200, 200, 200, 200, 403, 403, 403, 403],
            },
            Probe {
                method: "POST",
                pattern: "/departments/{id}/unmask",
                path: format!("/departments/{dl_emergency}/unmask"),
                expect: [200, 404, 404, 404, 403, 403, 403, 403],
            },
            Probe { method: "GET", pattern: "/cycles", path: "/cycles".into(), expect: officers },
            Probe { method: "GET", pattern: "/cycles/{year}", path: "/cycles/2021".into(), expect: officers },
            Probe {
                method: "GET",
                pattern: "/cycles/{year}/edit",
                path: "/cycles/2021/edit".into(),
                expect: province_only,
            },
            Probe {
                method: "POST",
                pattern: "/cycles/{year}/edit",
                path: "/cycles/2021/edit".into(),
                expect: province_only,
            },
            Probe { method: "GET", pattern: "/calendar", path: "/calendar?year=2026".into(), expect: officers },
            Probe {
                method: "GET",
                pattern: "/calendar/{year}/edit",
                path: "/calendar/2026/edit".into(),
                expect: province_only,
            },
            Probe {
                method: "POST",
                pattern: "/calendar/{year}/edit",
                path: "/calendar/2026/edit".into(),
                expect: province_only,
            },
            Probe { method: "GET", pattern: "/key-industries", path: "/key-industries".into(), expect: officers },
            Probe { method: "POST", pattern: "/key-industries", path: "/key-industries".into(), expect: city_only },
            Probe {
                method: "GET",
                pattern: "/key-industries/{id}/delete",
                path: format!("/key-industries/{sy_industry}/delete"),
                expect: city_only,
            },
            Probe {
                method: "GET",
                pattern: "/key-industries/{id}/delete",
                path: format!("/key-industries/{dl_industry}/delete"),
                expect: city_other,
            },
            Probe {
                method: "POST",
                pattern: "/key-industries/{id}/delete",
                path: format!("/key-industries/{dl_industry}/delete"),
                expect: city_other,
            },
            Probe {
                method: "POST",
                pattern: "/key-industries/{id}/delete",
                path: format!("/key-industries/{sy_industry}/delete"),
                expect: [403, 303, 403, 403, 403, 403, 403, 403],
            },
            Probe { method: "GET", pattern: "/plans", path: "/plans".into(), expect: officers },
            Probe { method: "GET", pattern: "/plans/{id}", path: format!("/plans/{sy_plan}"), expect: officers },
            Probe {
                method: "GET",
                pattern: "/plans/{id}",
                path: format!("/plans/{dl_plan}"),
                expect: [200, 404, 404, 404, 403, 403, 403, 403],
            },
            Probe {
                method: "GET",
                pattern: "/plans/{id}/edit",
                path: format!("/plans/{sy_plan}/edit"),
                expect: city_only,
            },
            Probe {
                method: "GET",
                pattern: "/plans/{id}/edit",
                path: format!("/plans/{dl_plan}/edit"),
                expect: city_other,
            },
            Probe {
                method: "POST",
                pattern: "/plans/{id}/edit",
                path: format!("/plans/{sy_plan}/edit"),
                expect: city_only,
            },
            Probe {
                method: "POST",
                pattern: "/plans/{id}/edit",
                path: format!("/plans/{dl_plan}/edit"),
                expect: city_other,
            },
            Probe {
                method: "POST",
                pattern: "/plans/{id}/transition",
                path: format!("/plans/{sy_plan}/transition"),
                expect: city_only,
            },
            Probe {
                method: "POST",
                pattern: "/plans/{id}/transition",
                path: format!("/plans/{dl_plan}/transition"),
                expect: city_other,
            },
            Probe {
                method: "GET",
                pattern: "/plans/{id}/compare",
                path: format!("/plans/{sy_plan}/compare"),
                expect: officers,
            },
            Probe {
                method: "GET",
                pattern: "/plans/{id}/compare",
                path: format!("/plans/{dl_plan}/compare"),
                expect: [404, 404, 404, 404, 403, 403, 403, 403],
            },
            Probe {
                method: "GET",
                pattern: "/plans/{id}/print",
                path: format!("/plans/{sy_plan}/print"),
                expect: officers,
            },
            Probe {
                method: "GET",
                pattern: "/plans/{id}/print",
                path: format!("/plans/{dl_plan}/print"),
                expect: [200, 404, 404, 404, 403, 403, 403, 403],
            },
            Probe {
                method: "POST",
                pattern: "/plans/{id}/attachments",
                path: format!("/plans/{sy_plan}/attachments"),
                expect: city_only,
            },
            Probe {
                method: "POST",
                pattern: "/plans/{id}/attachments",
                path: format!("/plans/{dl_plan}/attachments"),
                expect: city_other,
            },
            Probe {
                method: "GET",
                pattern: "/plans/{id}/attachments/{file}",
                path: format!("/plans/{sy_plan}/attachments/{sy_file}"),
                expect: officers,
            },
            Probe {
                method: "GET",
                pattern: "/plans/{id}/attachments/{file}",
                path: format!("/plans/{dl_plan}/attachments/{dl_file}"),
                expect: [200, 404, 404, 404, 403, 403, 403, 403],
            },
            Probe {
                method: "GET",
                pattern: "/plans/{id}/attachments/{file}",
                path: format!("/plans/{sy_plan}/attachments/{dl_file}"),
                expect: [404, 404, 404, 404, 403, 403, 403, 403],
            },
            Probe {
                method: "GET",
                pattern: "/plans/{id}/attachments/{file}/delete",
                path: format!("/plans/{sy_plan}/attachments/{sy_file}/delete"),
                expect: city_only,
            },
            Probe {
                method: "GET",
                pattern: "/plans/{id}/attachments/{file}/delete",
                path: format!("/plans/{dl_plan}/attachments/{dl_file}/delete"),
                expect: city_other,
            },
            Probe {
                method: "POST",
                pattern: "/plans/{id}/attachments/{file}/delete",
                path: format!("/plans/{dl_plan}/attachments/{dl_file}/delete"),
                expect: city_other,
            },
            Probe {
                method: "POST",
                pattern: "/plans/{id}/attachments/{file}/delete",
                path: format!("/plans/{sy_plan}/attachments/{sy_doomed}/delete"),
                expect: [403, 303, 403, 403, 403, 403, 403, 403],
            },
            Probe {
                method: "GET",
                pattern: "/plans/overview/export",
                path: "/plans/overview/export".into(),
                expect: province_only,
            },
            Probe {
                method: "POST",
                pattern: "/plans/new",
                path: "/plans/new".into(),
                expect: [303, 303, 403, 403, 403, 403, 403, 403],
            },
            Probe { method: "GET", pattern: "/rosters", path: "/rosters".into(), expect: officers },
            Probe {
                method: "POST",
                pattern: "/rosters/new",
                path: "/rosters/new".into(),
                expect: [303, 303, 403, 403, 403, 403, 403, 403],
            },
            Probe {
                method: "GET",
                pattern: "/rosters/overview/export",
                path: "/rosters/overview/export".into(),
                expect: province_only,
            },
            Probe { method: "GET", pattern: "/rosters/{id}", path: format!("/rosters/{sy_roster}"), expect: officers },
            Probe {
                method: "GET",
                pattern: "/rosters/{id}",
                path: format!("/rosters/{dl_roster}"),
                expect: [200, 404, 404, 404, 403, 403, 403, 403],
            },
            Probe {
                method: "POST",
                pattern: "/rosters/{id}/unmask",
                path: format!("/rosters/{sy_roster}/unmask"),
                expect: [200, 200, 403, 403, 403, 403, 403, 403],
            },
            Probe {
                method: "POST",
                pattern: "/rosters/{id}/unmask",
                path: format!("/rosters/{dl_roster}/unmask"),
                expect: [200, 404, 403, 403, 403, 403, 403, 403],
            },
            Probe {
                method: "GET",
                pattern: "/rosters/{id}/export",
                path: format!("/rosters/{sy_roster}/export"),
                expect: officers,
            },
            Probe {
                method: "GET",
                pattern: "/rosters/{id}/export",
                path: format!("/rosters/{dl_roster}/export"),
                expect: [200, 404, 404, 404, 403, 403, 403, 403],
            },
            Probe {
                method: "GET",
                pattern: "/rosters/{id}/print",
                path: format!("/rosters/{sy_roster}/print"),
                expect: officers,
            },
            Probe {
                method: "GET",
                pattern: "/rosters/{id}/print",
                path: format!("/rosters/{dl_roster}/print"),
                expect: [200, 404, 404, 404, 403, 403, 403, 403],
            },
            // Incomplete: the city gets its page back with what is missing; the province may
            // not report a city's roster.
            Probe {
                method: "POST",
                pattern: "/rosters/{id}/transition",
                path: format!("/rosters/{sy_roster}/transition"),
                expect: city_only,
            },
            Probe {
                method: "POST",
                pattern: "/rosters/{id}/transition",
                path: format!("/rosters/{dl_roster}/transition"),
                expect: city_other,
            },
            Probe {
                method: "GET",
                pattern: "/rosters/{id}/compare",
                path: format!("/rosters/{sy_roster}/compare"),
                expect: officers,
            },
            Probe {
                method: "GET",
                pattern: "/rosters/{id}/compare",
                path: format!("/rosters/{dl_roster}/compare"),
                expect: [404, 404, 404, 404, 403, 403, 403, 403],
            },
            Probe {
                method: "GET",
                pattern: "/rosters/{id}/members/new",
                path: format!("/rosters/{sy_roster}/members/new"),
                expect: city_only,
            },
            Probe {
                method: "GET",
                pattern: "/rosters/{id}/members/new",
                path: format!("/rosters/{dl_roster}/members/new"),
                expect: city_other,
            },
            // Empty forms: the keeper gets the form back with its messages.
            Probe {
                method: "POST",
                pattern: "/rosters/{id}/members/new",
                path: format!("/rosters/{sy_roster}/members/new"),
                expect: city_only.map(|s| if s == 200 { 422 } else { s }),
            },
            Probe {
                method: "POST",
                pattern: "/rosters/{id}/members/new",
                path: format!("/rosters/{dl_roster}/members/new"),
                expect: city_other.map(|s| if s == 200 { 422 } else { s }),
            },
            Probe {
                method: "GET",
                pattern: "/rosters/{id}/members/{member}/edit",
                path: format!("/rosters/{sy_roster}/members/{sy_member}/edit"),
                expect: city_only,
            },
            Probe {
                method: "GET",
                pattern: "/rosters/{id}/members/{member}/edit",
                path: format!("/rosters/{dl_roster}/members/{dl_member}/edit"),
                expect: city_other,
            },
            Probe {
                method: "GET",
                pattern: "/rosters/{id}/members/{member}/edit",
                path: format!("/rosters/{sy_roster}/members/{dl_member}/edit"),
                expect: city_other,
            },
            Probe {
                method: "POST",
                pattern: "/rosters/{id}/members/{member}/edit",
                path: format!("/rosters/{sy_roster}/members/{sy_member}/edit"),
                expect: city_only,
            },
            Probe {
                method: "POST",
                pattern: "/rosters/{id}/members/{member}/edit",
                path: format!("/rosters/{dl_roster}/members/{dl_member}/edit"),
                expect: city_other,
            },
            Probe {
                method: "GET",
                pattern: "/rosters/{id}/members/{member}/replace",
                path: format!("/rosters/{sy_roster}/members/{sy_member}/replace"),
                expect: city_only,
            },
            Probe {
                method: "GET",
                pattern: "/rosters/{id}/members/{member}/replace",
                path: format!("/rosters/{dl_roster}/members/{dl_member}/replace"),
                expect: city_other,
            },
            Probe {
                method: "POST",
                pattern: "/rosters/{id}/members/{member}/replace",
                path: format!("/rosters/{sy_roster}/members/{sy_member}/replace"),
                expect: city_only,
            },
            Probe {
                method: "POST",
                pattern: "/rosters/{id}/members/{member}/replace",
                path: format!("/rosters/{dl_roster}/members/{dl_member}/replace"),
                expect: city_other,
            },
            Probe {
                method: "GET",
                pattern: "/rosters/{id}/members/{member}/end",
                path: format!("/rosters/{sy_roster}/members/{sy_member}/end"),
                expect: city_only,
            },
            Probe {
                method: "GET",
                pattern: "/rosters/{id}/members/{member}/end",
                path: format!("/rosters/{dl_roster}/members/{dl_member}/end"),
                expect: city_other,
            },
            Probe {
                method: "POST",
                pattern: "/rosters/{id}/members/{member}/end",
                path: format!("/rosters/{sy_roster}/members/{sy_member}/end"),
                expect: city_only,
            },
            Probe {
                method: "POST",
                pattern: "/rosters/{id}/members/{member}/end",
                path: format!("/rosters/{dl_roster}/members/{dl_member}/end"),
                expect: city_other,
            },
            Probe { method: "GET", pattern: "/meetings", path: "/meetings".into(), expect: officers },
            Probe { method: "GET", pattern: "/meetings/export", path: "/meetings/export".into(), expect: officers },
            Probe { method: "GET", pattern: "/action-items", path: "/action-items".into(), expect: officers },
            Probe {
                method: "GET",
                pattern: "/action-items/export",
                path: "/action-items/export".into(),
                expect: officers,
            },
            // The province keeps 省本级's meetings; an empty form comes back with its messages.
            Probe {
                method: "GET",
                pattern: "/meetings/new",
                path: "/meetings/new".into(),
                expect: [200, 200, 403, 403, 403, 403, 403, 403],
            },
            Probe {
                method: "POST",
                pattern: "/meetings/new",
                path: "/meetings/new".into(),
                expect: [422, 422, 403, 403, 403, 403, 403, 403],
            },
            Probe {
                method: "GET",
                pattern: "/meetings/{id}",
                path: format!("/meetings/{sy_meeting}"),
                expect: officers,
            },
            Probe {
                method: "GET",
                pattern: "/meetings/{id}",
                path: format!("/meetings/{dl_meeting}"),
                expect: [200, 404, 404, 404, 403, 403, 403, 403],
            },
            Probe {
                method: "GET",
                pattern: "/meetings/{id}/edit",
                path: format!("/meetings/{sy_meeting}/edit"),
                expect: city_only,
            },
            Probe {
                method: "GET",
                pattern: "/meetings/{id}/edit",
                path: format!("/meetings/{dl_meeting}/edit"),
                expect: city_other,
            },
            Probe {
                method: "POST",
                pattern: "/meetings/{id}/edit",
                path: format!("/meetings/{sy_meeting}/edit"),
                expect: city_only,
            },
            Probe {
                method: "POST",
                pattern: "/meetings/{id}/edit",
                path: format!("/meetings/{dl_meeting}/edit"),
                expect: city_other,
            },
            Probe {
                method: "POST",
                pattern: "/meetings/{id}/items",
                path: format!("/meetings/{sy_meeting}/items"),
                expect: city_only.map(|s| if s == 200 { 422 } else { s }),
            },
            Probe {
                method: "POST",
                pattern: "/meetings/{id}/items",
                path: format!("/meetings/{dl_meeting}/items"),
                expect: city_other.map(|s| if s == 200 { 422 } else { s }),
            },
            Probe {
                method: "GET",
                pattern: "/meetings/{id}/items/{item}/edit",
                path: format!("/meetings/{sy_meeting}/items/{sy_item}/edit"),
                expect: city_only,
            },
            Probe {
                method: "GET",
                pattern: "/meetings/{id}/items/{item}/edit",
                path: format!("/meetings/{dl_meeting}/items/{dl_item}/edit"),
                expect: city_other,
            },
            Probe {
                method: "GET",
                pattern: "/meetings/{id}/items/{item}/edit",
                path: format!("/meetings/{sy_meeting}/items/{dl_item}/edit"),
                expect: [404, 404, 403, 403, 403, 403, 403, 403],
            },
            Probe {
                method: "POST",
                pattern: "/meetings/{id}/items/{item}/edit",
                path: format!("/meetings/{sy_meeting}/items/{sy_item}/edit"),
                expect: city_only,
            },
            Probe {
                method: "POST",
                pattern: "/meetings/{id}/items/{item}/edit",
                path: format!("/meetings/{dl_meeting}/items/{dl_item}/edit"),
                expect: city_other,
            },
            // The emergency partner closes the emergency item, not the health one.
            Probe {
                method: "GET",
                pattern: "/meetings/{id}/items/{item}/close",
                path: format!("/meetings/{sy_meeting}/items/{sy_item}/close"),
                expect: [403, 200, 200, 403, 403, 403, 403, 403],
            },
            Probe {
                method: "GET",
                pattern: "/meetings/{id}/items/{item}/close",
                path: format!("/meetings/{sy_meeting}/items/{sy_health}/close"),
                expect: [403, 200, 403, 403, 403, 403, 403, 403],
            },
            Probe {
                method: "GET",
                pattern: "/meetings/{id}/items/{item}/close",
                path: format!("/meetings/{dl_meeting}/items/{dl_item}/close"),
                expect: [403, 404, 404, 403, 403, 403, 403, 403],
            },
            Probe {
                method: "POST",
                pattern: "/meetings/{id}/items/{item}/close",
                path: format!("/meetings/{sy_meeting}/items/{sy_item}/close"),
                expect: [403, 200, 200, 403, 403, 403, 403, 403],
            },
            Probe {
                method: "POST",
                pattern: "/meetings/{id}/items/{item}/close",
                path: format!("/meetings/{dl_meeting}/items/{dl_item}/close"),
                expect: [403, 404, 404, 403, 403, 403, 403, 403],
            },
            Probe {
                method: "POST",
                pattern: "/meetings/{id}/attachments",
                path: format!("/meetings/{sy_meeting}/attachments"),
                expect: city_only,
            },
            Probe {
                method: "POST",
                pattern: "/meetings/{id}/attachments",
                path: format!("/meetings/{dl_meeting}/attachments"),
                expect: city_other,
            },
            Probe {
                method: "GET",
                pattern: "/meetings/{id}/attachments/{file}",
                path: format!("/meetings/{sy_meeting}/attachments/{sy_minutes}"),
                expect: officers,
            },
            Probe {
                method: "GET",
                pattern: "/meetings/{id}/attachments/{file}",
                path: format!("/meetings/{dl_meeting}/attachments/{dl_minutes}"),
                expect: [200, 404, 404, 404, 403, 403, 403, 403],
            },
            Probe {
                method: "GET",
                pattern: "/meetings/{id}/attachments/{file}",
                path: format!("/meetings/{sy_meeting}/attachments/{dl_minutes}"),
                expect: [404, 404, 404, 404, 403, 403, 403, 403],
            },
            Probe {
                method: "GET",
                pattern: "/meetings/{id}/attachments/{file}/delete",
                path: format!("/meetings/{sy_meeting}/attachments/{sy_minutes}/delete"),
                expect: city_only,
            },
            Probe {
                method: "GET",
                pattern: "/meetings/{id}/attachments/{file}/delete",
                path: format!("/meetings/{dl_meeting}/attachments/{dl_minutes}/delete"),
                expect: city_other,
            },
            Probe {
                method: "POST",
                pattern: "/meetings/{id}/attachments/{file}/delete",
                path: format!("/meetings/{dl_meeting}/attachments/{dl_minutes}/delete"),
                expect: city_other,
            },
            Probe {
                method: "POST",
                pattern: "/meetings/{id}/attachments/{file}/delete",
                path: format!("/meetings/{sy_meeting}/attachments/{sy_scrap}/delete"),
                expect: [403, 303, 403, 403, 403, 403, 403, 403],
            },
            Probe { method: "GET", pattern: "/industries", path: "/industries".into(), expect: officers },
            Probe {
                method: "GET",
                pattern: "/industries/{code}/edit",
                path: "/industries/C26/edit".into(),
                expect: province_only,
            },
            Probe {
                method: "POST",
                pattern: "/industries/{code}/edit",
                path: "/industries/C26/edit".into(),
                expect: province_only,
            },
            Probe {
                method: "GET",
                pattern: "/risk-classes/{class}/edit",
                path: "/risk-classes/3/edit".into(),
                expect: province_only,
            },
            Probe {
                method: "POST",
                pattern: "/risk-classes/{class}/edit",
                path: "/risk-classes/3/edit".into(),
                expect: province_only,
            },
            Probe { method: "GET", pattern: "/employers", path: "/employers".into(), expect: officers },
            Probe { method: "GET", pattern: "/employers/export", path: "/employers/export".into(), expect: officers },
            Probe {
                method: "GET",
                pattern: "/employers/new",
                path: "/employers/new".into(),
                expect: [403, 200, 403, 200, 403, 403, 403, 403],
            },
            Probe {
                method: "POST",
                pattern: "/employers/new",
                path: "/employers/new".into(),
                expect: [403, 422, 403, 422, 403, 403, 403, 403],
            },
            Probe {
                method: "GET",
                pattern: "/employers/{id}",
                path: format!("/employers/{sy_employer}"),
                expect: officers,
            },
            Probe {
                method: "GET",
                pattern: "/employers/{id}",
                path: format!("/employers/{dl_employer}"),
                expect: [200, 404, 404, 404, 403, 403, 403, 403],
            },
            Probe {
                method: "GET",
                pattern: "/employers/{id}/edit",
                path: format!("/employers/{sy_employer}/edit"),
                expect: [403, 200, 403, 200, 403, 403, 403, 403],
            },
            Probe {
                method: "GET",
                pattern: "/employers/{id}/edit",
                path: format!("/employers/{dl_employer}/edit"),
                expect: [403, 404, 403, 404, 403, 403, 403, 403],
            },
            Probe {
                method: "POST",
                pattern: "/employers/{id}/edit",
                path: format!("/employers/{sy_employer}/edit"),
                expect: [403, 200, 403, 200, 403, 403, 403, 403],
            },
            Probe {
                method: "POST",
                pattern: "/employers/{id}/edit",
                path: format!("/employers/{dl_employer}/edit"),
                expect: [403, 404, 403, 404, 403, 403, 403, 403],
            },
            Probe {
                method: "POST",
                pattern: "/employers/{id}/unmask",
                path: format!("/employers/{sy_employer}/unmask"),
                expect: [200, 200, 200, 200, 403, 403, 403, 403],
            },
            Probe {
                method: "POST",
                pattern: "/employers/{id}/unmask",
                path: format!("/employers/{dl_employer}/unmask"),
                expect: [200, 404, 404, 404, 403, 403, 403, 403],
            },
            Probe {
                method: "GET",
                pattern: "/employers/import",
                path: "/employers/import".into(),
                expect: [403, 200, 403, 200, 403, 403, 403, 403],
            },
            // A PDF: the keepers get the page back with the reason; nothing is queued.
            Probe {
                method: "POST",
                pattern: "/employers/import",
                path: "/employers/import".into(),
                expect: [403, 200, 403, 200, 403, 403, 403, 403],
            },
            Probe {
                method: "GET",
                pattern: "/employers/import/template",
                path: "/employers/import/template".into(),
                expect: [403, 200, 403, 200, 403, 403, 403, 403],
            },
            Probe {
                method: "GET",
                pattern: "/employers/import/{job}",
                path: format!("/employers/import/{sy_job}"),
                expect: [403, 200, 403, 200, 403, 403, 403, 403],
            },
            Probe {
                method: "GET",
                pattern: "/employers/import/{job}",
                path: format!("/employers/import/{dl_job}"),
                expect: [403, 404, 403, 404, 403, 403, 403, 403],
            },
            Probe {
                method: "GET",
                pattern: "/employers/import/{job}/errors",
                path: format!("/employers/import/{sy_job}/errors"),
                expect: [403, 200, 403, 200, 403, 403, 403, 403],
            },
            Probe {
                method: "GET",
                pattern: "/employers/import/{job}/errors",
                path: format!("/employers/import/{dl_job}/errors"),
                expect: [403, 404, 403, 404, 403, 403, 403, 403],
            },
            Probe { method: "GET", pattern: "/project-rounds", path: "/project-rounds".into(), expect: projects_view },
            Probe {
                method: "GET",
                pattern: "/project-rounds/new",
                path: "/project-rounds/new".into(),
                expect: projects_view,
            },
            // An empty round comes back with its messages (the province keeps 省本级's rounds).
            Probe {
                method: "POST",
                pattern: "/project-rounds/new",
                path: "/project-rounds/new".into(),
                expect: projects_view,
            },
            Probe {
                method: "GET",
                pattern: "/project-rounds/{id}",
                path: format!("/project-rounds/{sy_round}"),
                expect: projects_view,
            },
            Probe {
                method: "GET",
                pattern: "/project-rounds/{id}",
                path: format!("/project-rounds/{dl_round}"),
                expect: [200, 404, 403, 403, 403, 403, 403, 403],
            },
            Probe {
                method: "GET",
                pattern: "/project-rounds/{id}/edit",
                path: format!("/project-rounds/{sy_round}/edit"),
                expect: city_only,
            },
            Probe {
                method: "GET",
                pattern: "/project-rounds/{id}/edit",
                path: format!("/project-rounds/{dl_round}/edit"),
                expect: city_other,
            },
            Probe {
                method: "POST",
                pattern: "/project-rounds/{id}/edit",
                path: format!("/project-rounds/{sy_round}/edit"),
                expect: city_only,
            },
            Probe {
                method: "POST",
                pattern: "/project-rounds/{id}/edit",
                path: format!("/project-rounds/{dl_round}/edit"),
                expect: city_other,
            },
            Probe { method: "GET", pattern: "/applicants", path: "/applicants".into(), expect: projects_view },
            Probe { method: "GET", pattern: "/applicants/new", path: "/applicants/new".into(), expect: projects_view },
            Probe { method: "POST", pattern: "/applicants/new", path: "/applicants/new".into(), expect: projects_view },
            Probe {
                method: "GET",
                pattern: "/applicants/{id}",
                path: format!("/applicants/{sy_applicant}"),
                expect: projects_view,
            },
            Probe {
                method: "GET",
                pattern: "/applicants/{id}",
                path: format!("/applicants/{dl_applicant}"),
                expect: [200, 404, 403, 403, 403, 403, 403, 403],
            },
            Probe {
                method: "GET",
                pattern: "/applicants/{id}/edit",
                path: format!("/applicants/{sy_applicant}/edit"),
                expect: city_only,
            },
            Probe {
                method: "GET",
                pattern: "/applicants/{id}/edit",
                path: format!("/applicants/{dl_applicant}/edit"),
                expect: city_other,
            },
            Probe {
                method: "POST",
                pattern: "/applicants/{id}/edit",
                path: format!("/applicants/{sy_applicant}/edit"),
                expect: city_only,
            },
            Probe {
                method: "POST",
                pattern: "/applicants/{id}/edit",
                path: format!("/applicants/{dl_applicant}/edit"),
                expect: city_other,
            },
            // Partner departments and the agency list their region's approved projects only.
            Probe { method: "GET", pattern: "/projects", path: "/projects".into(), expect: approved_view },
            Probe {
                method: "GET",
                pattern: "/projects/export",
                path: "/projects/export".into(),
                expect: projects_view,
            },
            Probe {
                method: "GET",
                pattern: "/projects/new",
                path: format!("/projects/new?round={sy_round}"),
                expect: city_only,
            },
            Probe {
                method: "GET",
                pattern: "/projects/new",
                path: format!("/projects/new?round={dl_round}"),
                expect: city_other,
            },
            Probe {
                method: "POST",
                pattern: "/projects/new",
                path: format!("/projects/new?round={sy_round}&applicant={sy_applicant}"),
                expect: [403, 303, 403, 403, 403, 403, 403, 403],
            },
            Probe {
                method: "POST",
                pattern: "/projects/new",
                path: format!("/projects/new?round={sy_round}&applicant={dl_applicant}"),
                expect: [403, 404, 403, 403, 403, 403, 403, 403],
            },
            Probe {
                method: "GET",
                pattern: "/projects/{id}",
                path: format!("/projects/{sy_project}"),
                expect: draft_unseen,
            },
            Probe {
                method: "GET",
                pattern: "/projects/{id}",
                path: format!("/projects/{dl_project}"),
                expect: [200, 404, 404, 404, 403, 403, 403, 403],
            },
            Probe {
                method: "GET",
                pattern: "/projects/{id}/edit",
                path: format!("/projects/{sy_project}/edit"),
                expect: city_only,
            },
            Probe {
                method: "GET",
                pattern: "/projects/{id}/edit",
                path: format!("/projects/{dl_project}/edit"),
                expect: city_other,
            },
            // Without a version the form comes back with its message.
            Probe {
                method: "POST",
                pattern: "/projects/{id}/edit",
                path: format!("/projects/{sy_project}/edit"),
                expect: city_only,
            },
            Probe {
                method: "POST",
                pattern: "/projects/{id}/edit",
                path: format!("/projects/{dl_project}/edit"),
                expect: city_other,
            },
            // An empty draft: the page comes back listing what it lacks.
            Probe {
                method: "POST",
                pattern: "/projects/{id}/transition",
                path: format!("/projects/{sy_project}/transition"),
                expect: city_only,
            },
            Probe {
                method: "POST",
                pattern: "/projects/{id}/transition",
                path: format!("/projects/{dl_project}/transition"),
                expect: city_other,
            },
            Probe {
                method: "GET",
                pattern: "/projects/{id}/compare",
                path: format!("/projects/{sy_project}/compare"),
                expect: projects_view,
            },
            Probe {
                method: "GET",
                pattern: "/projects/{id}/compare",
                path: format!("/projects/{dl_project}/compare"),
                expect: [200, 404, 403, 403, 403, 403, 403, 403],
            },
            Probe {
                method: "GET",
                pattern: "/projects/{id}/print",
                path: format!("/projects/{sy_project}/print"),
                expect: projects_view,
            },
            Probe {
                method: "GET",
                pattern: "/projects/{id}/print",
                path: format!("/projects/{dl_project}/print"),
                expect: [200, 404, 403, 403, 403, 403, 403, 403],
            },
            Probe {
                method: "GET",
                pattern: "/projects/{id}/print/text",
                path: format!("/projects/{sy_project}/print/text"),
                expect: projects_view,
            },
            Probe {
                method: "GET",
                pattern: "/projects/{id}/print/text",
                path: format!("/projects/{dl_project}/print/text"),
                expect: [200, 404, 403, 403, 403, 403, 403, 403],
            },
            // Not a PDF: the keepers get the page back with the reason.
            Probe {
                method: "POST",
                pattern: "/projects/{id}/attachments",
                path: format!("/projects/{sy_project}/attachments"),
                expect: city_only,
            },
            Probe {
                method: "POST",
                pattern: "/projects/{id}/attachments",
                path: format!("/projects/{dl_project}/attachments"),
                expect: city_other,
            },
            Probe {
                method: "GET",
                pattern: "/projects/{id}/attachments/{file}",
                path: format!("/projects/{sy_project}/attachments/{sy_report}"),
                expect: draft_unseen,
            },
            Probe {
                method: "GET",
                pattern: "/projects/{id}/attachments/{file}",
                path: format!("/projects/{dl_project}/attachments/{dl_report}"),
                expect: [200, 404, 404, 404, 403, 403, 403, 403],
            },
            Probe {
                method: "GET",
                pattern: "/projects/{id}/attachments/{file}",
                path: format!("/projects/{sy_project}/attachments/{dl_report}"),
                expect: [404, 404, 404, 404, 403, 403, 403, 403],
            },
            Probe {
                method: "GET",
                pattern: "/projects/{id}/attachments/{file}/delete",
                path: format!("/projects/{sy_project}/attachments/{sy_report}/delete"),
                expect: city_only,
            },
            Probe {
                method: "GET",
                pattern: "/projects/{id}/attachments/{file}/delete",
                path: format!("/projects/{dl_project}/attachments/{dl_report}/delete"),
                expect: city_other,
            },
            Probe {
                method: "POST",
                pattern: "/projects/{id}/attachments/{file}/delete",
                path: format!("/projects/{dl_project}/attachments/{dl_report}/delete"),
                expect: city_other,
            },
            Probe {
                method: "POST",
                pattern: "/projects/{id}/attachments/{file}/delete",
                path: format!("/projects/{sy_project}/attachments/{sy_scrap_report}/delete"),
                expect: [403, 303, 403, 403, 403, 403, 403, 403],
            },
            Probe { method: "GET", pattern: "/experts", path: "/experts".into(), expect: projects_view },
            Probe { method: "GET", pattern: "/experts/new", path: "/experts/new".into(), expect: projects_view },
            // An empty form without its one-time token: refused as an old page.
            Probe {
                method: "POST",
                pattern: "/experts/new",
                path: "/experts/new".into(),
                expect: projects_view.map(|s| if s == 200 { 422 } else { s }),
            },
            Probe {
                method: "GET",
                pattern: "/experts/{id}",
                path: format!("/experts/{sy_expert}"),
                expect: projects_view,
            },
            Probe {
                method: "GET",
                pattern: "/experts/{id}",
                path: format!("/experts/{dl_expert}"),
                expect: [200, 404, 403, 403, 403, 403, 403, 403],
            },
            Probe {
                method: "GET",
                pattern: "/experts/{id}/edit",
                path: format!("/experts/{sy_expert}/edit"),
                expect: projects_view,
            },
            Probe {
                method: "GET",
                pattern: "/experts/{id}/edit",
                path: format!("/experts/{dl_expert}/edit"),
                expect: [200, 404, 403, 403, 403, 403, 403, 403],
            },
            Probe {
                method: "POST",
                pattern: "/experts/{id}/edit",
                path: format!("/experts/{sy_expert}/edit"),
                expect: projects_view,
            },
            Probe {
                method: "POST",
                pattern: "/experts/{id}/edit",
                path: format!("/experts/{dl_expert}/edit"),
                expect: [200, 404, 403, 403, 403, 403, 403, 403],
            },
            Probe {
                method: "POST",
                pattern: "/experts/{id}/request-account",
                path: format!("/experts/{sy_expert}/request-account"),
                expect: [303, 303, 403, 403, 403, 403, 403, 403],
            },
            Probe {
                method: "POST",
                pattern: "/experts/{id}/request-account",
                path: format!("/experts/{dl_expert}/request-account"),
                expect: [303, 404, 403, 403, 403, 403, 403, 403],
            },
            Probe {
                method: "GET",
                pattern: "/projects/{id}/panel",
                path: format!("/projects/{sy_project}/panel"),
                expect: projects_view,
            },
            Probe {
                method: "GET",
                pattern: "/projects/{id}/panel",
                path: format!("/projects/{dl_project}/panel"),
                expect: [200, 404, 403, 403, 403, 403, 403, 403],
            },
            Probe {
                method: "POST",
                pattern: "/projects/{id}/panel/draw",
                path: format!("/projects/{sy_project}/panel/draw"),
                expect: [403, 422, 403, 403, 403, 403, 403, 403],
            },
            Probe {
                method: "POST",
                pattern: "/projects/{id}/panel/draw",
                path: format!("/projects/{dl_project}/panel/draw"),
                expect: city_other,
            },
            Probe {
                method: "POST",
                pattern: "/projects/{id}/panel/{expert}/replace",
                path: format!("/projects/{sy_project}/panel/{sy_expert}/replace"),
                expect: [403, 422, 403, 403, 403, 403, 403, 403],
            },
            Probe {
                method: "POST",
                pattern: "/projects/{id}/panel/{expert}/replace",
                path: format!("/projects/{dl_project}/panel/{dl_expert}/replace"),
                expect: city_other,
            },
            // The panel's sheets: officers of the region and the province; experts read only the
            // projects whose panel they sit on (the matrix's expert sits on none: 404).
            Probe {
                method: "GET",
                pattern: "/projects/{id}/review",
                path: format!("/projects/{sy_project}/review"),
                expect: projects_view,
            },
            Probe {
                method: "GET",
                pattern: "/projects/{id}/review",
                path: format!("/projects/{dl_project}/review"),
                expect: [200, 404, 403, 403, 403, 403, 403, 403],
            },
            Probe {
                method: "GET",
                pattern: "/projects/{id}/review/print",
                path: format!("/projects/{sy_project}/review/print"),
                expect: projects_view,
            },
            Probe {
                method: "GET",
                pattern: "/projects/{id}/review/print",
                path: format!("/projects/{dl_project}/review/print"),
                expect: [200, 404, 403, 403, 403, 403, 403, 403],
            },
            Probe { method: "GET", pattern: "/reviews", path: "/reviews".into(), expect: expert_only },
            // Progress: once the agreement is signed (a draft: 422 before anything else).
            Probe {
                method: "GET",
                pattern: "/projects/{id}/progress",
                path: format!("/projects/{sy_project}/progress"),
                expect: [422, 422, 404, 404, 403, 403, 403, 403],
            },
            Probe {
                method: "GET",
                pattern: "/projects/{id}/progress",
                path: format!("/projects/{dl_project}/progress"),
                expect: [422, 404, 404, 404, 403, 403, 403, 403],
            },
            Probe {
                method: "POST",
                pattern: "/projects/{id}/progress",
                path: format!("/projects/{sy_project}/progress"),
                expect: [403, 422, 403, 403, 403, 403, 403, 403],
            },
            Probe {
                method: "POST",
                pattern: "/projects/{id}/progress",
                path: format!("/projects/{dl_project}/progress"),
                expect: city_other,
            },
            // Completion and acceptance: read by officers and (approved projects) partners and
            // the agency; kept by the region's city officers; a draft is refused with the reason.
            Probe {
                method: "GET",
                pattern: "/projects/{id}/acceptance",
                path: format!("/projects/{sy_project}/acceptance"),
                expect: read_unsigned,
            },
            Probe {
                method: "GET",
                pattern: "/projects/{id}/acceptance",
                path: format!("/projects/{dl_project}/acceptance"),
                expect: [422, 404, 404, 404, 403, 403, 403, 403],
            },
            Probe {
                method: "GET",
                pattern: "/projects/{id}/acceptance/print",
                path: format!("/projects/{sy_project}/acceptance/print"),
                expect: read_unsigned,
            },
            Probe {
                method: "POST",
                pattern: "/projects/{id}/acceptance/complete",
                path: format!("/projects/{sy_project}/acceptance/complete"),
                expect: keep_unsigned,
            },
            Probe {
                method: "POST",
                pattern: "/projects/{id}/acceptance/complete",
                path: format!("/projects/{dl_project}/acceptance/complete"),
                expect: city_other,
            },
            Probe {
                method: "POST",
                pattern: "/projects/{id}/acceptance/rectification",
                path: format!("/projects/{sy_project}/acceptance/rectification"),
                expect: keep_unsigned,
            },
            Probe {
                method: "POST",
                pattern: "/projects/{id}/acceptance/rectification",
                path: format!("/projects/{dl_project}/acceptance/rectification"),
                expect: city_other,
            },
            Probe {
                method: "POST",
                pattern: "/projects/{id}/acceptance/conclude",
                path: format!("/projects/{sy_project}/acceptance/conclude"),
                expect: keep_unsigned,
            },
            Probe {
                method: "POST",
                pattern: "/projects/{id}/acceptance/conclude",
                path: format!("/projects/{dl_project}/acceptance/conclude"),
                expect: city_other,
            },
            Probe {
                method: "POST",
                pattern: "/projects/{id}/acceptance/attachments",
                path: format!("/projects/{sy_project}/acceptance/attachments"),
                expect: keep_unsigned,
            },
            Probe {
                method: "POST",
                pattern: "/projects/{id}/acceptance/attachments",
                path: format!("/projects/{dl_project}/acceptance/attachments"),
                expect: city_other,
            },
            Probe {
                method: "GET",
                pattern: "/projects/{id}/acceptance/attachments/{file}",
                path: format!("/projects/{sy_project}/acceptance/attachments/{sy_report}"),
                expect: [404, 404, 404, 404, 403, 403, 403, 403],
            },
            Probe {
                method: "GET",
                pattern: "/projects/{id}/acceptance/attachments/{file}/delete",
                path: format!("/projects/{sy_project}/acceptance/attachments/{sy_report}/delete"),
                expect: keep_unsigned,
            },
            Probe {
                method: "POST",
                pattern: "/projects/{id}/acceptance/attachments/{file}/delete",
                path: format!("/projects/{sy_project}/acceptance/attachments/{sy_report}/delete"),
                expect: keep_unsigned,
            },
            // Termination: the region's keepers; a draft does not run (the page says so).
            Probe {
                method: "GET",
                pattern: "/projects/{id}/termination",
                path: format!("/projects/{sy_project}/termination"),
                expect: [403, 200, 403, 403, 403, 403, 403, 403],
            },
            Probe {
                method: "GET",
                pattern: "/projects/{id}/termination",
                path: format!("/projects/{dl_project}/termination"),
                expect: city_other,
            },
            Probe {
                method: "POST",
                pattern: "/projects/{id}/termination",
                path: format!("/projects/{sy_project}/termination"),
                expect: [403, 200, 403, 403, 403, 403, 403, 403],
            },
            Probe {
                method: "POST",
                pattern: "/projects/{id}/termination",
                path: format!("/projects/{dl_project}/termination"),
                expect: city_other,
            },
            // The fee: read by province, city, agency and partner officers (each their region's);
            // the income by city and agency officers (the province's for 省本级); budgets kept by
            // city officers (省本级's by province officers), approved and raised rates by the province.
            Probe {
                method: "GET",
                pattern: "/fee",
                path: "/fee".into(),
                expect: [200, 200, 200, 200, 403, 403, 403, 403],
            },
            Probe {
                method: "POST",
                pattern: "/fee/income",
                path: "/fee/income".into(),
                expect: [200, 200, 403, 200, 403, 403, 403, 403],
            },
            Probe {
                method: "POST",
                pattern: "/fee/income",
                path: "/fee/income?region=210200".into(),
                expect: [403, 200, 403, 200, 403, 403, 403, 403],
            },
            Probe {
                method: "POST",
                pattern: "/fee/rate",
                path: "/fee/rate?region=210200".into(),
                expect: [200, 403, 403, 403, 403, 403, 403, 403],
            },
            Probe {
                method: "POST",
                pattern: "/fee/budget",
                path: "/fee/budget".into(),
                expect: [200, 200, 403, 403, 403, 403, 403, 403],
            },
            Probe {
                method: "POST",
                pattern: "/fee/budget",
                path: "/fee/budget?region=210200".into(),
                expect: [403, 200, 403, 403, 403, 403, 403, 403],
            },
            Probe {
                method: "POST",
                pattern: "/fee/budget/transition",
                path: "/fee/budget/transition?region=210200".into(),
                // A city asking for another region's budget acts on its own (approved: the
                // province's step alone, so the page refuses it).
                expect: [403, 200, 403, 403, 403, 403, 403, 403],
            },
            Probe {
                method: "GET",
                pattern: "/fee/overview",
                path: "/fee/overview".into(),
                expect: [200, 200, 200, 200, 403, 403, 403, 403],
            },
            Probe {
                method: "GET",
                pattern: "/fee/overview/export",
                path: "/fee/overview/export".into(),
                expect: [200, 200, 200, 200, 403, 403, 403, 403],
            },
            Probe {
                method: "GET",
                pattern: "/fee/trend",
                path: "/fee/trend?region=210200".into(),
                expect: [200, 200, 200, 200, 403, 403, 403, 403],
            },
            Probe {
                method: "GET",
                pattern: "/fee/trend/export",
                path: "/fee/trend/export?region=210200".into(),
                expect: [200, 200, 200, 200, 403, 403, 403, 403],
            },
            // A budget's address and its versions: those who read the fee, their region's.
            Probe {
                method: "GET",
                pattern: "/fee/budgets/{id}",
                path: format!("/fee/budgets/{sy_budget}"),
                expect: [303, 303, 303, 303, 403, 403, 403, 403],
            },
            Probe {
                method: "GET",
                pattern: "/fee/budgets/{id}",
                path: format!("/fee/budgets/{dl_budget}"),
                expect: [303, 404, 404, 404, 403, 403, 403, 403],
            },
            Probe {
                method: "GET",
                pattern: "/fee/budgets/{id}/compare",
                path: format!("/fee/budgets/{sy_budget}/compare"),
                expect: [200, 200, 200, 200, 403, 403, 403, 403],
            },
            Probe {
                method: "GET",
                pattern: "/fee/budgets/{id}/compare",
                path: format!("/fee/budgets/{dl_budget}/compare?a=1&b=2"),
                expect: [200, 404, 404, 404, 403, 403, 403, 403],
            },
            // The records behind the figures: another region asked for reads one's own.
            Probe {
                method: "GET",
                pattern: "/fee/records",
                path: "/fee/records?region=210200&kind=payment".into(),
                expect: [200, 200, 200, 200, 403, 403, 403, 403],
            },
            Probe {
                method: "GET",
                pattern: "/fee/records/export",
                path: "/fee/records/export?region=210200".into(),
                expect: [200, 200, 200, 200, 403, 403, 403, 403],
            },
            // Training: read by province, city, agency and partner officers (their region's),
            // kept by city and agency officers; ID numbers unmasked by the region's city officers.
            Probe {
                method: "GET",
                pattern: "/training",
                path: "/training".into(),
                expect: [200, 200, 200, 200, 403, 403, 403, 403],
            },
            Probe {
                method: "GET",
                pattern: "/training/new",
                path: "/training/new".into(),
                expect: [403, 200, 403, 200, 403, 403, 403, 403],
            },
            Probe {
                method: "POST",
                pattern: "/training/new",
                path: "/training/new".into(),
                expect: [403, 422, 403, 422, 403, 403, 403, 403],
            },
            Probe {
                method: "GET",
                pattern: "/training/sessions/{id}",
                path: format!("/training/sessions/{sy_session}"),
                expect: [200, 200, 200, 200, 403, 403, 403, 403],
            },
            Probe {
                method: "GET",
                pattern: "/training/sessions/{id}",
                path: format!("/training/sessions/{dl_session}"),
                expect: [200, 404, 404, 404, 403, 403, 403, 403],
            },
            Probe {
                method: "GET",
                pattern: "/training/sessions/{id}/edit",
                path: format!("/training/sessions/{sy_session}/edit"),
                expect: [403, 200, 403, 200, 403, 403, 403, 403],
            },
            Probe {
                method: "GET",
                pattern: "/training/sessions/{id}/edit",
                path: format!("/training/sessions/{dl_session}/edit"),
                expect: [403, 404, 403, 404, 403, 403, 403, 403],
            },
            Probe {
                method: "POST",
                pattern: "/training/sessions/{id}/edit",
                path: format!("/training/sessions/{sy_session}/edit"),
                expect: [403, 200, 403, 200, 403, 403, 403, 403],
            },
            Probe {
                method: "POST",
                pattern: "/training/sessions/{id}/edit",
                path: format!("/training/sessions/{dl_session}/edit"),
                expect: [403, 404, 403, 404, 403, 403, 403, 403],
            },
            Probe {
                method: "GET",
                pattern: "/training/sessions/{id}/delete",
                path: format!("/training/sessions/{sy_session}/delete"),
                expect: [403, 200, 403, 200, 403, 403, 403, 403],
            },
            Probe {
                method: "POST",
                pattern: "/training/sessions/{id}/delete",
                path: format!("/training/sessions/{sy_session}/delete"),
                expect: [403, 422, 403, 422, 403, 403, 403, 403],
            },
            Probe {
                method: "POST",
                pattern: "/training/sessions/{id}/delete",
                path: format!("/training/sessions/{dl_session}/delete"),
                expect: [403, 404, 403, 404, 403, 403, 403, 403],
            },
            Probe {
                method: "POST",
                pattern: "/training/sessions/{id}/trainees",
                path: format!("/training/sessions/{sy_session}/trainees"),
                expect: [403, 422, 403, 422, 403, 403, 403, 403],
            },
            Probe {
                method: "POST",
                pattern: "/training/sessions/{id}/trainees",
                path: format!("/training/sessions/{dl_session}/trainees"),
                expect: [403, 404, 403, 404, 403, 403, 403, 403],
            },
            Probe {
                method: "GET",
                pattern: "/training/sessions/{id}/trainees/{trainee}",
                path: format!("/training/sessions/{sy_session}/trainees/{sy_trainee}"),
                expect: [200, 200, 200, 200, 403, 403, 403, 403],
            },
            Probe {
                method: "GET",
                pattern: "/training/sessions/{id}/trainees/{trainee}",
                path: format!("/training/sessions/{dl_session}/trainees/{dl_trainee}"),
                expect: [200, 404, 404, 404, 403, 403, 403, 403],
            },
            Probe {
                method: "POST",
                pattern: "/training/sessions/{id}/trainees/{trainee}/result",
                path: format!("/training/sessions/{sy_session}/trainees/{sy_trainee}/result"),
                expect: [403, 303, 403, 303, 403, 403, 403, 403],
            },
            Probe {
                method: "POST",
                pattern: "/training/sessions/{id}/trainees/{trainee}/result",
                path: format!("/training/sessions/{dl_session}/trainees/{dl_trainee}/result"),
                expect: [403, 404, 403, 404, 403, 403, 403, 403],
            },
            Probe {
                method: "GET",
                pattern: "/training/sessions/{id}/trainees/{trainee}/remove",
                path: format!("/training/sessions/{sy_session}/trainees/{sy_trainee}/remove"),
                expect: [403, 200, 403, 200, 403, 403, 403, 403],
            },
            Probe {
                method: "POST",
                pattern: "/training/sessions/{id}/trainees/{trainee}/remove",
                path: format!("/training/sessions/{sy_session}/trainees/999999/remove"),
                expect: [403, 404, 403, 404, 403, 403, 403, 403],
            },
            Probe {
                method: "POST",
                pattern: "/training/sessions/{id}/trainees/{trainee}/remove",
                path: format!("/training/sessions/{dl_session}/trainees/{dl_trainee}/remove"),
                expect: [403, 404, 403, 404, 403, 403, 403, 403],
            },
            Probe {
                method: "POST",
                pattern: "/training/sessions/{id}/trainees/{trainee}/unmask",
                path: format!("/training/sessions/{sy_session}/trainees/{sy_trainee}/unmask"),
                expect: [403, 200, 403, 403, 403, 403, 403, 403],
            },
            Probe {
                method: "POST",
                pattern: "/training/sessions/{id}/trainees/{trainee}/unmask",
                path: format!("/training/sessions/{dl_session}/trainees/{dl_trainee}/unmask"),
                expect: [403, 404, 403, 404, 403, 403, 403, 403],
            },
            Probe {
                method: "GET",
                pattern: "/training/sessions/{id}/import",
                path: format!("/training/sessions/{sy_session}/import"),
                expect: [403, 200, 403, 200, 403, 403, 403, 403],
            },
            Probe {
                method: "GET",
                pattern: "/training/sessions/{id}/import",
                path: format!("/training/sessions/{dl_session}/import"),
                expect: [403, 404, 403, 404, 403, 403, 403, 403],
            },
            Probe {
                method: "POST",
                pattern: "/training/sessions/{id}/import",
                path: format!("/training/sessions/{sy_session}/import"),
                expect: [403, 200, 403, 200, 403, 403, 403, 403],
            },
            Probe {
                method: "POST",
                pattern: "/training/sessions/{id}/import",
                path: format!("/training/sessions/{dl_session}/import"),
                expect: [403, 404, 403, 404, 403, 403, 403, 403],
            },
            Probe {
                method: "GET",
                pattern: "/training/sessions/{id}/import/template",
                path: format!("/training/sessions/{sy_session}/import/template"),
                expect: [403, 200, 403, 200, 403, 403, 403, 403],
            },
            Probe {
                method: "GET",
                pattern: "/training/sessions/{id}/import/{job}",
                path: format!("/training/sessions/{sy_session}/import/999999"),
                expect: [403, 404, 403, 404, 403, 403, 403, 403],
            },
            Probe {
                method: "GET",
                pattern: "/training/sessions/{id}/import/{job}/errors",
                path: format!("/training/sessions/{sy_session}/import/999999/errors"),
                expect: [403, 404, 403, 404, 403, 403, 403, 403],
            },
            Probe {
                method: "GET",
                pattern: "/training/required/import",
                path: "/training/required/import".into(),
                expect: [403, 200, 403, 200, 403, 403, 403, 403],
            },
            Probe {
                method: "POST",
                pattern: "/training/required/import",
                path: "/training/required/import".into(),
                expect: [403, 200, 403, 200, 403, 403, 403, 403],
            },
            Probe {
                method: "GET",
                pattern: "/training/required/import/template",
                path: "/training/required/import/template".into(),
                expect: [403, 200, 403, 200, 403, 403, 403, 403],
            },
            Probe {
                method: "GET",
                pattern: "/training/required/import/{job}",
                path: "/training/required/import/999999".into(),
                expect: [403, 404, 403, 404, 403, 403, 403, 403],
            },
            Probe {
                method: "GET",
                pattern: "/training/required/import/{job}/errors",
                path: "/training/required/import/999999/errors".into(),
                expect: [403, 404, 403, 404, 403, 403, 403, 403],
            },
            Probe {
                method: "GET",
                pattern: "/training/coverage",
                path: "/training/coverage".into(),
                expect: [200, 200, 200, 200, 403, 403, 403, 403],
            },
            Probe {
                method: "GET",
                pattern: "/training/coverage",
                path: "/training/coverage?region=210200".into(),
                expect: [200, 200, 200, 200, 403, 403, 403, 403],
            },
            Probe {
                method: "GET",
                pattern: "/training/coverage/export",
                path: "/training/coverage/export".into(),
                expect: [200, 200, 200, 200, 403, 403, 403, 403],
            },
            Probe {
                method: "GET",
                pattern: "/training/coverage/below",
                path: "/training/coverage/below".into(),
                expect: [200, 200, 200, 200, 403, 403, 403, 403],
            },
            Probe {
                method: "GET",
                pattern: "/training/coverage/below/export",
                path: "/training/coverage/below/export".into(),
                expect: [200, 200, 200, 200, 403, 403, 403, 403],
            },
            // Inspections and findings: read by every officer, logged by city and partner officers
            // (a partner acts on its own department's: 沈阳's are the emergency department's).
            Probe {
                method: "GET",
                pattern: "/inspections",
                path: "/inspections".into(),
                expect: [200, 200, 200, 200, 403, 403, 403, 403],
            },
            Probe {
                method: "GET",
                pattern: "/inspections/new",
                path: "/inspections/new".into(),
                expect: [403, 200, 200, 403, 403, 403, 403, 403],
            },
            Probe {
                method: "POST",
                pattern: "/inspections/new",
                path: "/inspections/new".into(),
                expect: [403, 422, 422, 403, 403, 403, 403, 403],
            },
            Probe {
                method: "GET",
                pattern: "/inspections/{id}",
                path: format!("/inspections/{sy_inspection}"),
                expect: [200, 200, 200, 200, 403, 403, 403, 403],
            },
            Probe {
                method: "GET",
                pattern: "/inspections/{id}",
                path: format!("/inspections/{dl_inspection}"),
                expect: [200, 404, 404, 404, 403, 403, 403, 403],
            },
            Probe {
                method: "GET",
                pattern: "/inspections/{id}/edit",
                path: format!("/inspections/{sy_inspection}/edit"),
                expect: [403, 200, 200, 403, 403, 403, 403, 403],
            },
            Probe {
                method: "GET",
                pattern: "/inspections/{id}/edit",
                path: format!("/inspections/{dl_inspection}/edit"),
                expect: [403, 404, 404, 403, 403, 403, 403, 403],
            },
            Probe {
                method: "POST",
                pattern: "/inspections/{id}/edit",
                path: format!("/inspections/{sy_inspection}/edit"),
                expect: [403, 200, 200, 403, 403, 403, 403, 403],
            },
            Probe {
                method: "POST",
                pattern: "/inspections/{id}/edit",
                path: format!("/inspections/{dl_inspection}/edit"),
                expect: [403, 404, 404, 403, 403, 403, 403, 403],
            },
            Probe {
                method: "POST",
                pattern: "/inspections/{id}/findings",
                path: format!("/inspections/{sy_inspection}/findings"),
                expect: [403, 422, 422, 403, 403, 403, 403, 403],
            },
            Probe {
                method: "POST",
                pattern: "/inspections/{id}/findings",
                path: format!("/inspections/{dl_inspection}/findings"),
                expect: [403, 404, 404, 403, 403, 403, 403, 403],
            },
            Probe {
                method: "POST",
                pattern: "/inspections/{id}/attachments",
                path: format!("/inspections/{sy_inspection}/attachments"),
                expect: [403, 200, 200, 403, 403, 403, 403, 403],
            },
            Probe {
                method: "POST",
                pattern: "/inspections/{id}/attachments",
                path: format!("/inspections/{dl_inspection}/attachments"),
                expect: [403, 404, 404, 403, 403, 403, 403, 403],
            },
            Probe {
                method: "GET",
                pattern: "/inspections/{id}/attachments/{file}",
                path: format!("/inspections/{sy_inspection}/attachments/{sy_record}"),
                expect: [200, 200, 200, 200, 403, 403, 403, 403],
            },
            Probe {
                method: "GET",
                pattern: "/inspections/{id}/attachments/{file}",
                path: format!("/inspections/{dl_inspection}/attachments/{dl_record}"),
                expect: [200, 404, 404, 404, 403, 403, 403, 403],
            },
            Probe {
                method: "GET",
                pattern: "/inspections/{id}/attachments/{file}/delete",
                path: format!("/inspections/{sy_inspection}/attachments/{sy_record}/delete"),
                expect: [403, 200, 200, 403, 403, 403, 403, 403],
            },
            Probe {
                method: "POST",
                pattern: "/inspections/{id}/attachments/{file}/delete",
                path: format!("/inspections/{dl_inspection}/attachments/{dl_record}/delete"),
                expect: [403, 404, 404, 403, 403, 403, 403, 403],
            },
            Probe {
                method: "POST",
                pattern: "/inspections/{id}/attachments/{file}/delete",
                path: format!("/inspections/{sy_inspection}/attachments/{sy_record_scrap}/delete"),
                expect: [403, 303, 404, 403, 403, 403, 403, 403],
            },
            Probe {
                method: "GET",
                pattern: "/findings",
                path: "/findings".into(),
                expect: [200, 200, 200, 200, 403, 403, 403, 403],
            },
            Probe {
                method: "GET",
                pattern: "/findings/export",
                path: "/findings/export".into(),
                expect: [200, 200, 200, 200, 403, 403, 403, 403],
            },
            Probe {
                method: "GET",
                pattern: "/findings/{id}",
                path: format!("/findings/{sy_finding}"),
                expect: [200, 200, 200, 200, 403, 403, 403, 403],
            },
            Probe {
                method: "GET",
                pattern: "/findings/{id}",
                path: format!("/findings/{dl_finding}"),
                expect: [200, 404, 404, 404, 403, 403, 403, 403],
            },
            Probe {
                method: "POST",
                pattern: "/findings/{id}/follow-up",
                path: format!("/findings/{sy_finding}/follow-up"),
                expect: [403, 200, 200, 403, 403, 403, 403, 403],
            },
            Probe {
                method: "POST",
                pattern: "/findings/{id}/follow-up",
                path: format!("/findings/{dl_finding}/follow-up"),
                expect: [403, 404, 404, 403, 403, 403, 403, 403],
            },
            Probe {
                method: "POST",
                pattern: "/findings/{id}/attachments",
                path: format!("/findings/{sy_finding}/attachments"),
                expect: [403, 200, 200, 403, 403, 403, 403, 403],
            },
            Probe {
                method: "POST",
                pattern: "/findings/{id}/attachments",
                path: format!("/findings/{dl_finding}/attachments"),
                expect: [403, 404, 404, 403, 403, 403, 403, 403],
            },
            Probe {
                method: "GET",
                pattern: "/findings/{id}/attachments/{file}",
                path: format!("/findings/{sy_finding}/attachments/{sy_photo_file}"),
                expect: [200, 200, 200, 200, 403, 403, 403, 403],
            },
            Probe {
                method: "GET",
                pattern: "/findings/{id}/attachments/{file}",
                path: format!("/findings/{dl_finding}/attachments/{dl_photo_file}"),
                expect: [200, 404, 404, 404, 403, 403, 403, 403],
            },
            Probe {
                method: "GET",
                pattern: "/findings/{id}/attachments/{file}/delete",
                path: format!("/findings/{sy_finding}/attachments/{sy_photo_file}/delete"),
                expect: [403, 200, 200, 403, 403, 403, 403, 403],
            },
            Probe {
                method: "POST",
                pattern: "/findings/{id}/attachments/{file}/delete",
                path: format!("/findings/{dl_finding}/attachments/{dl_photo_file}/delete"),
                expect: [403, 404, 404, 403, 403, 403, 403, 403],
            },
            Probe {
                method: "POST",
                pattern: "/findings/{id}/attachments/{file}/delete",
                path: format!("/findings/{sy_finding}/attachments/{sy_photo_scrap}/delete"),
                expect: [403, 303, 404, 403, 403, 403, 403, 403],
            },
            Probe {
                method: "GET",
                pattern: "/employers/{id}/inspections",
                path: format!("/employers/{sy_employer}/inspections"),
                expect: [200, 200, 200, 200, 403, 403, 403, 403],
            },
            Probe {
                method: "GET",
                pattern: "/employers/{id}/inspections",
                path: format!("/employers/{dl_employer}/inspections"),
                expect: [200, 404, 404, 404, 403, 403, 403, 403],
            },
            // Service organisations: read by every officer (a city: listed or serving it), kept by
            // the province.
            Probe {
                method: "GET",
                pattern: "/organisations",
                path: "/organisations".into(),
                expect: [200, 200, 200, 200, 403, 403, 403, 403],
            },
            Probe {
                method: "GET",
                pattern: "/organisations/export",
                path: "/organisations/export".into(),
                expect: [200, 200, 200, 200, 403, 403, 403, 403],
            },
            Probe {
                method: "GET",
                pattern: "/organisations/new",
                path: "/organisations/new".into(),
                expect: [200, 403, 403, 403, 403, 403, 403, 403],
            },
            Probe {
                method: "POST",
                pattern: "/organisations/new",
                path: "/organisations/new".into(),
                expect: [422, 403, 403, 403, 403, 403, 403, 403],
            },
            Probe {
                method: "GET",
                pattern: "/organisations/{id}",
                path: format!("/organisations/{sy_org}"),
                expect: [200, 200, 200, 200, 403, 403, 403, 403],
            },
            Probe {
                method: "GET",
                pattern: "/organisations/{id}",
                path: format!("/organisations/{dl_org}"),
                expect: [200, 404, 404, 404, 403, 403, 403, 403],
            },
            Probe {
                method: "GET",
                pattern: "/organisations/{id}/edit",
                path: format!("/organisations/{sy_org}/edit"),
                expect: [200, 403, 403, 403, 403, 403, 403, 403],
            },
            Probe {
                method: "POST",
                pattern: "/organisations/{id}/edit",
                path: format!("/organisations/{sy_org}/edit"),
                expect: [200, 403, 403, 403, 403, 403, 403, 403],
            },
            Probe {
                method: "POST",
                pattern: "/organisations/{id}/listing",
                path: format!("/organisations/{sy_org}/listing"),
                expect: [200, 403, 403, 403, 403, 403, 403, 403],
            },
            Probe {
                method: "POST",
                pattern: "/organisations/{id}/qualifications",
                path: format!("/organisations/{sy_org}/qualifications"),
                expect: [200, 403, 403, 403, 403, 403, 403, 403],
            },
            Probe {
                method: "GET",
                pattern: "/organisations/{id}/qualifications/{qualification}/delete",
                path: format!("/organisations/{sy_org}/qualifications/{sy_qualification}/delete"),
                expect: [200, 403, 403, 403, 403, 403, 403, 403],
            },
            Probe {
                method: "POST",
                pattern: "/organisations/{id}/qualifications/{qualification}/delete",
                path: format!("/organisations/{sy_org}/qualifications/{sy_qualification}/delete"),
                expect: [303, 403, 403, 403, 403, 403, 403, 403],
            },
            // Injury statistics: read by every officer (the province every city's and the
            // province-wide sums), kept by the region's city officers; the entry of a year and
            // the import are theirs alone. An empty entry form comes back with its message (200).
            Probe { method: "GET", pattern: "/statistics", path: "/statistics".into(), expect: officers },
            Probe { method: "GET", pattern: "/statistics/export", path: "/statistics/export".into(), expect: officers },
            Probe {
                method: "GET",
                pattern: "/statistics/province",
                path: "/statistics/province".into(),
                expect: province_only,
            },
            Probe {
                method: "GET",
                pattern: "/statistics/regions/{code}",
                path: "/statistics/regions/210100".into(),
                expect: officers,
            },
            Probe {
                method: "GET",
                pattern: "/statistics/regions/{code}",
                path: "/statistics/regions/210200".into(),
                expect: [200, 404, 404, 404, 403, 403, 403, 403],
            },
            Probe {
                method: "GET",
                pattern: "/statistics/regions/{code}/{year}/edit",
                path: "/statistics/regions/210100/2025/edit".into(),
                expect: city_only,
            },
            Probe {
                method: "GET",
                pattern: "/statistics/regions/{code}/{year}/edit",
                path: "/statistics/regions/210200/2025/edit".into(),
                expect: city_other,
            },
            Probe {
                method: "POST",
                pattern: "/statistics/regions/{code}/{year}/edit",
                path: "/statistics/regions/210100/2025/edit".into(),
                expect: city_only,
            },
            Probe {
                method: "POST",
                pattern: "/statistics/regions/{code}/{year}/edit",
                path: "/statistics/regions/210200/2025/edit".into(),
                expect: city_other,
            },
            Probe {
                method: "GET",
                pattern: "/statistics/import",
                path: "/statistics/import".into(),
                expect: city_only,
            },
            // A PDF: the keepers get the page back with the reason; nothing is queued.
            Probe {
                method: "POST",
                pattern: "/statistics/import",
                path: "/statistics/import".into(),
                expect: city_only,
            },
            Probe {
                method: "GET",
                pattern: "/statistics/import/template",
                path: "/statistics/import/template".into(),
                expect: city_only,
            },
            Probe {
                method: "GET",
                pattern: "/statistics/import/{job}",
                path: format!("/statistics/import/{sy_statistics_job}"),
                expect: city_only,
            },
            Probe {
                method: "GET",
                pattern: "/statistics/import/{job}",
                path: format!("/statistics/import/{dl_statistics_job}"),
                expect: city_other,
            },
            Probe {
                method: "GET",
                pattern: "/statistics/import/{job}/errors",
                path: format!("/statistics/import/{sy_statistics_job}/errors"),
                expect: city_only,
            },
            Probe {
                method: "GET",
                pattern: "/statistics/import/{job}/errors",
                path: format!("/statistics/import/{dl_statistics_job}/errors"),
                expect: city_other,
            },
            // Floating-rate evaluations: read by province, city and agency officers (another
            // region's: 404), kept by the region's agency; empty forms come back with their messages.
            Probe { method: "GET", pattern: "/rates", path: "/rates".into(), expect: rates_view },
            Probe {
                method: "GET",
                pattern: "/rates/export",
                path: "/rates/export?period=2023".into(),
                expect: rates_view,
            },
            Probe {
                method: "POST",
                pattern: "/rates/run",
                path: "/rates/run".into(),
                expect: [403, 403, 403, 422, 403, 403, 403, 403],
            },
            Probe {
                method: "GET",
                pattern: "/rates/runs/{job}",
                path: format!("/rates/runs/{sy_run}"),
                expect: rates_view,
            },
            Probe {
                method: "GET",
                pattern: "/rates/runs/{job}",
                path: format!("/rates/runs/{dl_run}"),
                expect: rates_other,
            },
            Probe {
                method: "GET",
                pattern: "/rates/evaluations/new",
                path: "/rates/evaluations/new".into(),
                expect: agency_only,
            },
            Probe {
                method: "POST",
                pattern: "/rates/evaluations/new",
                path: "/rates/evaluations/new".into(),
                expect: [403, 403, 403, 422, 403, 403, 403, 403],
            },
            Probe {
                method: "GET",
                pattern: "/rates/evaluations/{id}",
                path: format!("/rates/evaluations/{sy_evaluation}"),
                expect: rates_view,
            },
            Probe {
                method: "GET",
                pattern: "/rates/evaluations/{id}",
                path: format!("/rates/evaluations/{dl_evaluation}"),
                expect: rates_other,
            },
            Probe {
                method: "GET",
                pattern: "/rates/evaluations/{id}/edit",
                path: format!("/rates/evaluations/{sy_evaluation}/edit"),
                expect: agency_only,
            },
            Probe {
                method: "GET",
                pattern: "/rates/evaluations/{id}/edit",
                path: format!("/rates/evaluations/{dl_evaluation}/edit"),
                expect: agency_other,
            },
            Probe {
                method: "POST",
                pattern: "/rates/evaluations/{id}/edit",
                path: format!("/rates/evaluations/{sy_evaluation}/edit"),
                expect: agency_only,
            },
            Probe {
                method: "POST",
                pattern: "/rates/evaluations/{id}/edit",
                path: format!("/rates/evaluations/{dl_evaluation}/edit"),
                expect: agency_other,
            },
            Probe {
                method: "POST",
                pattern: "/rates/evaluations/{id}/decide",
                path: format!("/rates/evaluations/{sy_evaluation}/decide"),
                expect: [403, 403, 403, 422, 403, 403, 403, 403],
            },
            Probe {
                method: "POST",
                pattern: "/rates/evaluations/{id}/decide",
                path: format!("/rates/evaluations/{dl_evaluation}/decide"),
                expect: agency_other,
            },
            Probe {
                method: "POST",
                pattern: "/rates/evaluations/{id}/evaluate",
                path: format!("/rates/evaluations/{dl_evaluation}/evaluate"),
                expect: agency_other,
            },
            Probe {
                method: "POST",
                pattern: "/rates/evaluations/{id}/evaluate",
                path: format!("/rates/evaluations/{sy_evaluation}/evaluate"),
                expect: [403, 403, 403, 303, 403, 403, 403, 403],
            },
            Probe { method: "GET", pattern: "/rates/import", path: "/rates/import".into(), expect: agency_only },
            Probe { method: "POST", pattern: "/rates/import", path: "/rates/import".into(), expect: agency_only },
            Probe {
                method: "GET",
                pattern: "/rates/import/template",
                path: "/rates/import/template".into(),
                expect: agency_only,
            },
            Probe {
                method: "GET",
                pattern: "/rates/import/{job}",
                path: format!("/rates/import/{sy_rate_import}"),
                expect: agency_only,
            },
            Probe {
                method: "GET",
                pattern: "/rates/import/{job}",
                path: format!("/rates/import/{dl_rate_import}"),
                expect: agency_other,
            },
            Probe {
                method: "GET",
                pattern: "/rates/import/{job}/errors",
                path: format!("/rates/import/{sy_rate_import}/errors"),
                expect: agency_only,
            },
            Probe {
                method: "GET",
                pattern: "/rates/import/{job}/errors",
                path: format!("/rates/import/{dl_rate_import}/errors"),
                expect: agency_other,
            },
            Probe {
                method: "GET",
                pattern: "/employers/{id}/rates",
                path: format!("/employers/{sy_employer}/rates"),
                expect: rates_view,
            },
            Probe {
                method: "GET",
                pattern: "/employers/{id}/rates",
                path: format!("/employers/{dl_employer}/rates"),
                expect: rates_other,
            },
            // Rate tables and rule sets: read by province, city and agency officers (the city and
            // the agency their own region's and the default set), kept by the province. Empty forms
            // come back with their messages (200); the province copies the default set into 大连's
            // own, removes a row of the default set and drops 沈阳's own set, once each.
            Probe {
                method: "GET",
                pattern: "/rates/tables",
                path: "/rates/tables".into(),
                expect: [200, 200, 403, 200, 403, 403, 403, 403],
            },
            Probe {
                method: "GET",
                pattern: "/rates/tables/{code}",
                path: "/rates/tables/210100".into(),
                expect: [200, 200, 403, 200, 403, 403, 403, 403],
            },
            Probe {
                method: "GET",
                pattern: "/rates/tables/{code}",
                path: "/rates/tables/210200".into(),
                expect: [200, 404, 403, 404, 403, 403, 403, 403],
            },
            Probe {
                method: "GET",
                pattern: "/rates/tables/{code}/new",
                path: "/rates/tables/210100/new".into(),
                expect: province_only,
            },
            Probe {
                method: "POST",
                pattern: "/rates/tables/{code}/new",
                path: "/rates/tables/210200/new".into(),
                expect: province_only,
            },
            Probe {
                method: "GET",
                pattern: "/rates/rules",
                path: "/rates/rules".into(),
                expect: [200, 200, 403, 200, 403, 403, 403, 403],
            },
            Probe {
                method: "GET",
                pattern: "/rates/rules",
                path: "/rates/rules?region=210100".into(),
                expect: [200, 200, 403, 200, 403, 403, 403, 403],
            },
            Probe {
                method: "GET",
                pattern: "/rates/rules",
                path: "/rates/rules?region=210200".into(),
                expect: [200, 404, 403, 404, 403, 403, 403, 403],
            },
            Probe {
                method: "GET",
                pattern: "/rates/rules/new",
                path: "/rates/rules/new?region=210100&factor=hazard".into(),
                expect: province_only,
            },
            Probe {
                method: "POST",
                pattern: "/rates/rules/new",
                path: "/rates/rules/new".into(),
                expect: province_only.map(|s| if s == 200 { 422 } else { s }),
            },
            Probe {
                method: "GET",
                pattern: "/rates/rules/{id}/edit",
                path: format!("/rates/rules/{default_rule}/edit"),
                expect: province_only,
            },
            Probe {
                method: "GET",
                pattern: "/rates/rules/{id}/edit",
                path: format!("/rates/rules/{sy_rule}/edit"),
                expect: province_only,
            },
            Probe {
                method: "POST",
                pattern: "/rates/rules/{id}/edit",
                path: format!("/rates/rules/{sy_rule}/edit"),
                expect: province_only,
            },
            Probe {
                method: "GET",
                pattern: "/rates/rules/{id}/delete",
                path: format!("/rates/rules/{doomed_rule}/delete"),
                expect: province_only,
            },
            Probe {
                method: "POST",
                pattern: "/rates/rules/{id}/delete",
                path: format!("/rates/rules/{doomed_rule}/delete"),
                expect: [303, 403, 403, 403, 403, 403, 403, 403],
            },
            Probe {
                method: "POST",
                pattern: "/rates/rules/copy",
                path: "/rates/rules/copy?region=210200".into(),
                expect: [303, 403, 403, 403, 403, 403, 403, 403],
            },
            Probe {
                method: "GET",
                pattern: "/rates/rules/reset",
                path: "/rates/rules/reset?region=210100".into(),
                expect: province_only,
            },
            Probe {
                method: "POST",
                pattern: "/rates/rules/reset",
                path: "/rates/rules/reset?region=210100".into(),
                expect: [303, 403, 403, 403, 403, 403, 403, 403],
            },
            // Technical schools: read by every officer, kept by the region's city officers.
            Probe {
                method: "GET",
                pattern: "/schools",
                path: "/schools".into(),
                expect: [200, 200, 200, 200, 403, 403, 403, 403],
            },
            Probe {
                method: "GET",
                pattern: "/schools/export",
                path: "/schools/export".into(),
                expect: [200, 200, 200, 200, 403, 403, 403, 403],
            },
            Probe {
                method: "GET",
                pattern: "/schools/new",
                path: "/schools/new".into(),
                expect: [403, 200, 403, 403, 403, 403, 403, 403],
            },
            Probe {
                method: "POST",
                pattern: "/schools/new",
                path: "/schools/new".into(),
                expect: [403, 422, 403, 403, 403, 403, 403, 403],
            },
            Probe {
                method: "GET",
                pattern: "/schools/{id}/edit",
                path: format!("/schools/{sy_school}/edit"),
                expect: [403, 200, 403, 403, 403, 403, 403, 403],
            },
            Probe {
                method: "GET",
                pattern: "/schools/{id}/edit",
                path: format!("/schools/{dl_school}/edit"),
                expect: [403, 404, 403, 403, 403, 403, 403, 403],
            },
            Probe {
                method: "POST",
                pattern: "/schools/{id}/edit",
                path: format!("/schools/{sy_school}/edit"),
                expect: [403, 200, 403, 403, 403, 403, 403, 403],
            },
            Probe {
                method: "POST",
                pattern: "/schools/{id}/edit",
                path: format!("/schools/{dl_school}/edit"),
                expect: [403, 404, 403, 403, 403, 403, 403, 403],
            },
            Probe {
                method: "GET",
                pattern: "/schools/{id}/delete",
                path: format!("/schools/{sy_school}/delete"),
                expect: [403, 200, 403, 403, 403, 403, 403, 403],
            },
            Probe {
                method: "POST",
                pattern: "/schools/{id}/delete",
                path: format!("/schools/{dl_school}/delete"),
                expect: [403, 404, 403, 403, 403, 403, 403, 403],
            },
            Probe {
                method: "POST",
                pattern: "/schools/{id}/delete",
                path: format!("/schools/{sy_school}/delete"),
                expect: [403, 303, 403, 403, 403, 403, 403, 403],
            },
            // Publicity: read by every officer, logged by city officers and partner officers (their
            // own department's events only: 沈阳's event is HRSS's); bases kept by city officers.
            Probe {
                method: "GET",
                pattern: "/publicity",
                path: "/publicity".into(),
                expect: [200, 200, 200, 200, 403, 403, 403, 403],
            },
            Probe {
                method: "GET",
                pattern: "/publicity/counts",
                path: "/publicity/counts".into(),
                expect: [200, 200, 200, 200, 403, 403, 403, 403],
            },
            Probe {
                method: "GET",
                pattern: "/publicity/counts/export",
                path: "/publicity/counts/export".into(),
                expect: [200, 200, 200, 200, 403, 403, 403, 403],
            },
            Probe {
                method: "GET",
                pattern: "/publicity/new",
                path: "/publicity/new".into(),
                expect: [403, 200, 200, 403, 403, 403, 403, 403],
            },
            Probe {
                method: "POST",
                pattern: "/publicity/new",
                path: "/publicity/new".into(),
                expect: [403, 422, 422, 403, 403, 403, 403, 403],
            },
            Probe {
                method: "GET",
                pattern: "/publicity/{id}",
                path: format!("/publicity/{sy_event}"),
                expect: [200, 200, 200, 200, 403, 403, 403, 403],
            },
            Probe {
                method: "GET",
                pattern: "/publicity/{id}",
                path: format!("/publicity/{dl_event}"),
                expect: [200, 404, 404, 404, 403, 403, 403, 403],
            },
            Probe {
                method: "GET",
                pattern: "/publicity/{id}/edit",
                path: format!("/publicity/{sy_event}/edit"),
                expect: [403, 200, 403, 403, 403, 403, 403, 403],
            },
            Probe {
                method: "GET",
                pattern: "/publicity/{id}/edit",
                path: format!("/publicity/{dl_event}/edit"),
                expect: [403, 404, 404, 403, 403, 403, 403, 403],
            },
            Probe {
                method: "POST",
                pattern: "/publicity/{id}/edit",
                path: format!("/publicity/{sy_event}/edit"),
                expect: [403, 200, 403, 403, 403, 403, 403, 403],
            },
            Probe {
                method: "POST",
                pattern: "/publicity/{id}/edit",
                path: format!("/publicity/{dl_event}/edit"),
                expect: [403, 404, 404, 403, 403, 403, 403, 403],
            },
            Probe {
                method: "GET",
                pattern: "/publicity/{id}/delete",
                path: format!("/publicity/{sy_event}/delete"),
                expect: [403, 200, 403, 403, 403, 403, 403, 403],
            },
            Probe {
                method: "POST",
                pattern: "/publicity/{id}/delete",
                path: format!("/publicity/{sy_event}/delete"),
                expect: [403, 422, 403, 403, 403, 403, 403, 403],
            },
            Probe {
                method: "POST",
                pattern: "/publicity/{id}/delete",
                path: format!("/publicity/{dl_event}/delete"),
                expect: [403, 404, 404, 403, 403, 403, 403, 403],
            },
            Probe {
                method: "POST",
                pattern: "/publicity/{id}/attachments",
                path: format!("/publicity/{sy_event}/attachments"),
                expect: [403, 200, 403, 403, 403, 403, 403, 403],
            },
            Probe {
                method: "POST",
                pattern: "/publicity/{id}/attachments",
                path: format!("/publicity/{dl_event}/attachments"),
                expect: [403, 404, 404, 403, 403, 403, 403, 403],
            },
            Probe {
                method: "GET",
                pattern: "/publicity/{id}/attachments/{file}",
                path: format!("/publicity/{sy_event}/attachments/{sy_material}"),
                expect: [200, 200, 200, 200, 403, 403, 403, 403],
            },
            Probe {
                method: "GET",
                pattern: "/publicity/{id}/attachments/{file}",
                path: format!("/publicity/{dl_event}/attachments/{dl_material}"),
                expect: [200, 404, 404, 404, 403, 403, 403, 403],
            },
            Probe {
                method: "GET",
                pattern: "/publicity/{id}/attachments/{file}/delete",
                path: format!("/publicity/{sy_event}/attachments/{sy_photo}/delete"),
                expect: [403, 200, 403, 403, 403, 403, 403, 403],
            },
            Probe {
                method: "POST",
                pattern: "/publicity/{id}/attachments/{file}/delete",
                path: format!("/publicity/{dl_event}/attachments/{dl_material}/delete"),
                expect: [403, 404, 404, 403, 403, 403, 403, 403],
            },
            Probe {
                method: "POST",
                pattern: "/publicity/{id}/attachments/{file}/delete",
                path: format!("/publicity/{sy_event}/attachments/{sy_photo}/delete"),
                expect: [403, 303, 403, 403, 403, 403, 403, 403],
            },
            Probe {
                method: "GET",
                pattern: "/warning-bases",
                path: "/warning-bases".into(),
                expect: [200, 200, 200, 200, 403, 403, 403, 403],
            },
            Probe {
                method: "GET",
                pattern: "/warning-bases/new",
                path: "/warning-bases/new".into(),
                expect: [403, 200, 403, 403, 403, 403, 403, 403],
            },
            Probe {
                method: "POST",
                pattern: "/warning-bases/new",
                path: "/warning-bases/new".into(),
                expect: [403, 422, 403, 403, 403, 403, 403, 403],
            },
            Probe {
                method: "GET",
                pattern: "/warning-bases/{id}/edit",
                path: format!("/warning-bases/{sy_base}/edit"),
                expect: [403, 200, 403, 403, 403, 403, 403, 403],
            },
            Probe {
                method: "GET",
                pattern: "/warning-bases/{id}/edit",
                path: format!("/warning-bases/{dl_base}/edit"),
                expect: [403, 404, 403, 403, 403, 403, 403, 403],
            },
            Probe {
                method: "POST",
                pattern: "/warning-bases/{id}/edit",
                path: format!("/warning-bases/{sy_base}/edit"),
                expect: [403, 200, 403, 403, 403, 403, 403, 403],
            },
            Probe {
                method: "POST",
                pattern: "/warning-bases/{id}/edit",
                path: format!("/warning-bases/{dl_base}/edit"),
                expect: [403, 404, 403, 403, 403, 403, 403, 403],
            },
            // Annual reports: a region's own officers write theirs, the province reads every one and
            // reviews; partner and agency officers read their region's once submitted.
            Probe {
                method: "GET",
                pattern: "/annual-reports",
                path: "/annual-reports".into(),
                expect: [200, 200, 200, 200, 403, 403, 403, 403],
            },
            Probe {
                method: "POST",
                pattern: "/annual-reports/new",
                path: "/annual-reports/new".into(),
                expect: [303, 303, 403, 403, 403, 403, 403, 403],
            },
            Probe {
                method: "GET",
                pattern: "/annual-reports/overview/export",
                path: "/annual-reports/overview/export?year=2026".into(),
                expect: [200, 403, 403, 403, 403, 403, 403, 403],
            },
            Probe {
                method: "GET",
                pattern: "/annual-reports/{id}",
                path: format!("/annual-reports/{sy_report_draft}"),
                expect: [200, 200, 404, 404, 403, 403, 403, 403],
            },
            Probe {
                method: "GET",
                pattern: "/annual-reports/{id}",
                path: format!("/annual-reports/{sy_report_sent}"),
                expect: [200, 200, 200, 200, 403, 403, 403, 403],
            },
            Probe {
                method: "GET",
                pattern: "/annual-reports/{id}",
                path: format!("/annual-reports/{dl_report_sent}"),
                expect: [200, 404, 404, 404, 403, 403, 403, 403],
            },
            Probe {
                method: "GET",
                pattern: "/annual-reports/{id}/edit",
                path: format!("/annual-reports/{sy_report_draft}/edit"),
                expect: [403, 200, 403, 403, 403, 403, 403, 403],
            },
            Probe {
                method: "GET",
                pattern: "/annual-reports/{id}/edit",
                path: format!("/annual-reports/{dl_report_draft}/edit"),
                expect: [403, 404, 403, 403, 403, 403, 403, 403],
            },
            Probe {
                method: "GET",
                pattern: "/annual-reports/{id}/edit",
                path: format!("/annual-reports/{sy_report_sent}/edit"),
                expect: [403, 403, 403, 403, 403, 403, 403, 403],
            },
            Probe {
                method: "POST",
                pattern: "/annual-reports/{id}/edit",
                path: format!("/annual-reports/{sy_report_draft}/edit"),
                expect: [403, 200, 403, 403, 403, 403, 403, 403],
            },
            Probe {
                method: "POST",
                pattern: "/annual-reports/{id}/edit",
                path: format!("/annual-reports/{dl_report_draft}/edit"),
                expect: [403, 404, 403, 403, 403, 403, 403, 403],
            },
            Probe {
                method: "POST",
                pattern: "/annual-reports/{id}/transition",
                path: format!("/annual-reports/{sy_report_draft}/transition"),
                expect: [403, 200, 403, 403, 403, 403, 403, 403],
            },
            Probe {
                method: "POST",
                pattern: "/annual-reports/{id}/transition",
                path: format!("/annual-reports/{dl_report_draft}/transition"),
                expect: [403, 404, 403, 403, 403, 403, 403, 403],
            },
            Probe {
                method: "GET",
                pattern: "/annual-reports/{id}/compare",
                path: format!("/annual-reports/{sy_report_sent}/compare"),
                expect: [200, 200, 200, 200, 403, 403, 403, 403],
            },
            Probe {
                method: "GET",
                pattern: "/annual-reports/{id}/compare",
                path: format!("/annual-reports/{dl_report_sent}/compare"),
                expect: [200, 404, 404, 404, 403, 403, 403, 403],
            },
            Probe {
                method: "GET",
                pattern: "/annual-reports/{id}/print",
                path: format!("/annual-reports/{sy_report_draft}/print"),
                expect: [200, 200, 404, 404, 403, 403, 403, 403],
            },
            Probe {
                method: "GET",
                pattern: "/annual-reports/{id}/print",
                path: format!("/annual-reports/{dl_report_draft}/print"),
                expect: [200, 404, 404, 404, 403, 403, 403, 403],
            },
            Probe {
                method: "GET",
                pattern: "/annual-reports/{id}/export",
                path: format!("/annual-reports/{sy_report_sent}/export"),
                expect: [200, 200, 200, 200, 403, 403, 403, 403],
            },
            Probe {
                method: "GET",
                pattern: "/annual-reports/{id}/export",
                path: format!("/annual-reports/{dl_report_draft}/export"),
                expect: [200, 404, 404, 404, 403, 403, 403, 403],
            },
            // Notices: read by the officers of the regions addressed (the province every issued one),
            // drafts and receipts the issuer's; the partner is of 沈阳's emergency department.
            Probe {
                method: "GET",
                pattern: "/notices",
                path: "/notices".into(),
                expect: [200, 200, 200, 200, 403, 403, 403, 403],
            },
            Probe {
                method: "GET",
                pattern: "/notices/new",
                path: "/notices/new".into(),
                expect: [200, 200, 403, 403, 403, 403, 403, 403],
            },
            Probe {
                method: "POST",
                pattern: "/notices/new",
                path: "/notices/new".into(),
                expect: [422, 422, 403, 403, 403, 403, 403, 403],
            },
            Probe {
                method: "GET",
                pattern: "/notices/{id}",
                path: format!("/notices/{pv_notice}"),
                expect: [200, 200, 200, 200, 403, 403, 403, 403],
            },
            Probe {
                method: "GET",
                pattern: "/notices/{id}",
                path: format!("/notices/{pv_dl_notice}"),
                expect: [200, 404, 404, 404, 403, 403, 403, 403],
            },
            Probe {
                method: "GET",
                pattern: "/notices/{id}",
                path: format!("/notices/{sy_draft}"),
                expect: [404, 200, 404, 404, 403, 403, 403, 403],
            },
            Probe {
                method: "GET",
                pattern: "/notices/{id}",
                path: format!("/notices/{dl_draft}"),
                expect: [404, 404, 404, 404, 403, 403, 403, 403],
            },
            Probe {
                method: "GET",
                pattern: "/notices/{id}/edit",
                path: format!("/notices/{sy_draft}/edit"),
                expect: [404, 200, 403, 403, 403, 403, 403, 403],
            },
            Probe {
                method: "GET",
                pattern: "/notices/{id}/edit",
                path: format!("/notices/{dl_draft}/edit"),
                expect: [404, 404, 403, 403, 403, 403, 403, 403],
            },
            Probe {
                method: "GET",
                pattern: "/notices/{id}/edit",
                path: format!("/notices/{pv_notice}/edit"),
                expect: [422, 403, 403, 403, 403, 403, 403, 403],
            },
            Probe {
                method: "POST",
                pattern: "/notices/{id}/edit",
                path: format!("/notices/{sy_draft}/edit"),
                expect: [404, 200, 403, 403, 403, 403, 403, 403],
            },
            Probe {
                method: "POST",
                pattern: "/notices/{id}/edit",
                path: format!("/notices/{dl_draft}/edit"),
                expect: [404, 404, 403, 403, 403, 403, 403, 403],
            },
            Probe {
                method: "POST",
                pattern: "/notices/{id}/issue",
                path: format!("/notices/{sy_draft}/issue"),
                expect: [404, 422, 403, 403, 403, 403, 403, 403],
            },
            Probe {
                method: "POST",
                pattern: "/notices/{id}/issue",
                path: format!("/notices/{dl_draft}/issue"),
                expect: [404, 404, 403, 403, 403, 403, 403, 403],
            },
            Probe {
                method: "GET",
                pattern: "/notices/{id}/delete",
                path: format!("/notices/{sy_draft}/delete"),
                expect: [404, 200, 403, 403, 403, 403, 403, 403],
            },
            Probe {
                method: "POST",
                pattern: "/notices/{id}/delete",
                path: format!("/notices/{dl_draft}/delete"),
                expect: [404, 404, 403, 403, 403, 403, 403, 403],
            },
            Probe {
                method: "POST",
                pattern: "/notices/{id}/delete",
                path: format!("/notices/{sy_draft}/delete"),
                expect: [404, 422, 403, 403, 403, 403, 403, 403],
            },
            Probe {
                method: "POST",
                pattern: "/notices/{id}/read",
                path: format!("/notices/{pv_notice}/read"),
                expect: [403, 303, 303, 303, 403, 403, 403, 403],
            },
            Probe {
                method: "POST",
                pattern: "/notices/{id}/read",
                path: format!("/notices/{pv_dl_notice}/read"),
                expect: [403, 404, 404, 404, 403, 403, 403, 403],
            },
            Probe {
                method: "GET",
                pattern: "/notices/{id}/receipts",
                path: format!("/notices/{pv_notice}/receipts"),
                expect: [200, 403, 403, 403, 403, 403, 403, 403],
            },
            Probe {
                method: "GET",
                pattern: "/notices/{id}/receipts",
                path: format!("/notices/{sy_issued}/receipts"),
                expect: [200, 200, 403, 403, 403, 403, 403, 403],
            },
            Probe {
                method: "GET",
                pattern: "/notices/{id}/receipts",
                path: format!("/notices/{pv_dl_notice}/receipts"),
                expect: [200, 404, 403, 403, 403, 403, 403, 403],
            },
            Probe {
                method: "POST",
                pattern: "/notices/{id}/attachments",
                path: format!("/notices/{sy_draft}/attachments"),
                expect: [404, 200, 403, 403, 403, 403, 403, 403],
            },
            Probe {
                method: "POST",
                pattern: "/notices/{id}/attachments",
                path: format!("/notices/{dl_draft}/attachments"),
                expect: [404, 404, 403, 403, 403, 403, 403, 403],
            },
            Probe {
                method: "GET",
                pattern: "/notices/{id}/attachments/{file}",
                path: format!("/notices/{pv_notice}/attachments/{pv_file}"),
                expect: [200, 200, 200, 200, 403, 403, 403, 403],
            },
            Probe {
                method: "GET",
                pattern: "/notices/{id}/attachments/{file}",
                path: format!("/notices/{pv_dl_notice}/attachments/{pv_dl_file}"),
                expect: [200, 404, 404, 404, 403, 403, 403, 403],
            },
            Probe {
                method: "GET",
                pattern: "/notices/{id}/attachments/{file}",
                path: format!("/notices/{sy_draft}/attachments/{sy_draft_file}"),
                expect: [404, 200, 404, 404, 403, 403, 403, 403],
            },
            Probe {
                method: "GET",
                pattern: "/notices/{id}/attachments/{file}/delete",
                path: format!("/notices/{sy_draft}/attachments/{sy_draft_scrap}/delete"),
                expect: [404, 200, 403, 403, 403, 403, 403, 403],
            },
            Probe {
                method: "POST",
                pattern: "/notices/{id}/attachments/{file}/delete",
                path: format!("/notices/{dl_draft}/attachments/{dl_draft_file}/delete"),
                expect: [404, 404, 403, 403, 403, 403, 403, 403],
            },
            Probe {
                method: "POST",
                pattern: "/notices/{id}/attachments/{file}/delete",
                path: format!("/notices/{sy_draft}/attachments/{sy_draft_scrap}/delete"),
                expect: [404, 303, 403, 403, 403, 403, 403, 403],
            },
            Probe {
                method: "GET",
                pattern: "/employers/{id}/training",
                path: format!("/employers/{sy_employer}/training"),
                expect: [200, 200, 200, 200, 403, 403, 403, 403],
            },
            Probe {
                method: "GET",
                pattern: "/employers/{id}/training",
                path: format!("/employers/{dl_employer}/training"),
                expect: [200, 404, 404, 404, 403, 403, 403, 403],
            },
            Probe {
                method: "POST",
                pattern: "/employers/{id}/training/required",
                path: format!("/employers/{sy_employer}/training/required"),
                expect: [403, 303, 403, 303, 403, 403, 403, 403],
            },
            Probe {
                method: "POST",
                pattern: "/employers/{id}/training/required",
                path: format!("/employers/{dl_employer}/training/required"),
                expect: [403, 404, 403, 404, 403, 403, 403, 403],
            },
            // Payments: read by those who read the fee (a draft: 422 for officers, unseen by
            // partners and the agency); recorded by the agency.
            Probe {
                method: "GET",
                pattern: "/projects/{id}/payments",
                path: format!("/projects/{sy_project}/payments"),
                expect: [422, 422, 404, 404, 403, 403, 403, 403],
            },
            Probe {
                method: "POST",
                pattern: "/projects/{id}/payments",
                path: format!("/projects/{sy_project}/payments"),
                expect: [403, 403, 403, 404, 403, 403, 403, 403],
            },
            Probe {
                method: "GET",
                pattern: "/projects/{id}/payments/{payment}/print",
                path: format!("/projects/{dl_project}/payments/1/print"),
                expect: [422, 404, 404, 404, 403, 403, 403, 403],
            },
            // Supervision: the officers who view projects (each their own scope's).
            Probe { method: "GET", pattern: "/supervision", path: "/supervision".into(), expect: projects_view },
            Probe {
                method: "GET",
                pattern: "/supervision/export",
                path: "/supervision/export".into(),
                expect: projects_view,
            },
            // The agreement: read by province and city officers once filed (a draft: 422); the
            // region's city officers keep it (another's: 403 for the province, 404 for a city).
            Probe {
                method: "GET",
                pattern: "/projects/{id}/agreement",
                path: format!("/projects/{sy_project}/agreement"),
                expect: [422, 422, 404, 404, 403, 403, 403, 403],
            },
            Probe {
                method: "GET",
                pattern: "/projects/{id}/agreement",
                path: format!("/projects/{dl_project}/agreement"),
                expect: [422, 404, 404, 404, 403, 403, 403, 403],
            },
            Probe {
                method: "POST",
                pattern: "/projects/{id}/agreement",
                path: format!("/projects/{sy_project}/agreement"),
                expect: [403, 422, 403, 403, 403, 403, 403, 403],
            },
            Probe {
                method: "POST",
                pattern: "/projects/{id}/agreement",
                path: format!("/projects/{dl_project}/agreement"),
                expect: city_other,
            },
            Probe {
                method: "POST",
                pattern: "/projects/{id}/agreement/attachments",
                path: format!("/projects/{sy_project}/agreement/attachments"),
                expect: [403, 422, 403, 403, 403, 403, 403, 403],
            },
            Probe {
                method: "POST",
                pattern: "/projects/{id}/agreement/attachments",
                path: format!("/projects/{dl_project}/agreement/attachments"),
                expect: city_other,
            },
            Probe {
                method: "GET",
                pattern: "/projects/{id}/agreement/attachments/{file}",
                path: format!("/projects/{sy_project}/agreement/attachments/{sy_report}"),
                expect: [404, 404, 404, 404, 403, 403, 403, 403],
            },
            Probe {
                method: "GET",
                pattern: "/projects/{id}/agreement/attachments/{file}/delete",
                path: format!("/projects/{sy_project}/agreement/attachments/{sy_report}/delete"),
                expect: [422, 422, 403, 403, 403, 403, 403, 403],
            },
            Probe {
                method: "POST",
                pattern: "/projects/{id}/agreement/attachments/{file}/delete",
                path: format!("/projects/{sy_project}/agreement/attachments/{sy_report}/delete"),
                expect: [422, 422, 403, 403, 403, 403, 403, 403],
            },
            Probe {
                method: "POST",
                pattern: "/projects/{id}/agreement/sign",
                path: format!("/projects/{sy_project}/agreement/sign"),
                expect: [403, 422, 403, 403, 403, 403, 403, 403],
            },
            Probe {
                method: "POST",
                pattern: "/projects/{id}/agreement/sign",
                path: format!("/projects/{dl_project}/agreement/sign"),
                expect: city_other,
            },
            Probe {
                method: "GET",
                pattern: "/projects/{id}/agreement/print",
                path: format!("/projects/{sy_project}/agreement/print"),
                expect: [422, 422, 404, 404, 403, 403, 403, 403],
            },
            // The approval: read by province and city officers (a draft has none yet: 422); the
            // region's city officers decide and keep the publicity (on a draft: the page with
            // the reason); the province files (on a draft: the page with the reason).
            Probe {
                method: "GET",
                pattern: "/projects/{id}/approval",
                path: format!("/projects/{sy_project}/approval"),
                expect: [422, 422, 403, 403, 403, 403, 403, 403],
            },
            Probe {
                method: "GET",
                pattern: "/projects/{id}/approval",
                path: format!("/projects/{dl_project}/approval"),
                expect: [422, 404, 403, 403, 403, 403, 403, 403],
            },
            Probe {
                method: "POST",
                pattern: "/projects/{id}/approval/decide",
                path: format!("/projects/{sy_project}/approval/decide"),
                expect: [403, 200, 403, 403, 403, 403, 403, 403],
            },
            Probe {
                method: "POST",
                pattern: "/projects/{id}/approval/decide",
                path: format!("/projects/{dl_project}/approval/decide"),
                expect: city_other,
            },
            Probe {
                method: "POST",
                pattern: "/projects/{id}/approval/objections",
                path: format!("/projects/{sy_project}/approval/objections"),
                expect: [403, 200, 403, 403, 403, 403, 403, 403],
            },
            Probe {
                method: "POST",
                pattern: "/projects/{id}/approval/objections",
                path: format!("/projects/{dl_project}/approval/objections"),
                expect: city_other,
            },
            Probe {
                method: "POST",
                pattern: "/projects/{id}/approval/objections/{objection}/answer",
                path: format!("/projects/{sy_project}/approval/objections/1/answer"),
                expect: [403, 200, 403, 403, 403, 403, 403, 403],
            },
            Probe {
                method: "POST",
                pattern: "/projects/{id}/approval/objections/{objection}/answer",
                path: format!("/projects/{dl_project}/approval/objections/1/answer"),
                expect: city_other,
            },
            Probe {
                method: "POST",
                pattern: "/projects/{id}/approval/close",
                path: format!("/projects/{sy_project}/approval/close"),
                expect: [403, 200, 403, 403, 403, 403, 403, 403],
            },
            Probe {
                method: "POST",
                pattern: "/projects/{id}/approval/close",
                path: format!("/projects/{dl_project}/approval/close"),
                expect: city_other,
            },
            Probe {
                method: "POST",
                pattern: "/projects/{id}/approval/filing",
                path: format!("/projects/{sy_project}/approval/filing"),
                expect: [200, 403, 403, 403, 403, 403, 403, 403],
            },
            Probe {
                method: "POST",
                pattern: "/projects/{id}/approval/filing",
                path: format!("/projects/{dl_project}/approval/filing"),
                expect: [200, 403, 403, 403, 403, 403, 403, 403],
            },
            Probe {
                method: "GET",
                pattern: "/reviews/{id}",
                path: format!("/reviews/{sy_project}"),
                expect: expert_not_assigned,
            },
            Probe {
                method: "POST",
                pattern: "/reviews/{id}",
                path: format!("/reviews/{sy_project}"),
                expect: expert_not_assigned,
            },
            Probe {
                method: "GET",
                pattern: "/reviews/{id}/print",
                path: format!("/reviews/{dl_project}/print"),
                expect: expert_not_assigned,
            },
            Probe {
                method: "GET",
                pattern: "/reviews/{id}/attachments/{file}",
                path: format!("/reviews/{sy_project}/attachments/{sy_report}"),
                expect: expert_not_assigned,
            },
            admin("GET", "/admin/account-requests", "/admin/account-requests".into(), sys),
            admin("GET", "/admin/accounts", "/admin/accounts".into(), sys),
            admin("GET", "/admin/accounts/new", "/admin/accounts/new".into(), sys),
            admin("POST", "/admin/accounts/new", "/admin/accounts/new".into(), sys),
            admin("GET", "/admin/accounts/{id}", format!("/admin/accounts/{target}"), sys),
            admin("GET", "/admin/accounts/{id}/edit", format!("/admin/accounts/{target}/edit"), sys),
            admin("POST", "/admin/accounts/{id}/edit", format!("/admin/accounts/{target}/edit"), sys),
            admin(
                "GET",
                "/admin/accounts/{id}/reset-password",
                format!("/admin/accounts/{target}/reset-password"),
                sys,
            ),
            admin(
                "POST",
                "/admin/accounts/{id}/reset-password",
                format!("/admin/accounts/{target}/reset-password"),
                sys,
            ),
            admin("POST", "/admin/accounts/{id}/unlock", format!("/admin/accounts/{target}/unlock"), sys_redirect),
            admin("GET", "/admin/accounts/{id}/disable", format!("/admin/accounts/{target}/disable"), sys),
            admin("POST", "/admin/accounts/{id}/disable", format!("/admin/accounts/{target}/disable"), sys_redirect),
            admin("GET", "/admin/dormant", "/admin/dormant".into(), sys),
            admin("GET", "/admin/login-log", "/admin/login-log".into(), sys),
            admin("GET", "/admin/sessions", "/admin/sessions".into(), sys),
            admin(
                "POST",
                "/admin/sessions/{handle}/end",
                format!("/admin/sessions/{}/end", "0".repeat(32)),
                [403, 403, 403, 403, 403, 404, 403, 403],
            ),
            admin("GET", "/security/roles", "/security/roles".into(), sec),
            admin("GET", "/security/roles/{id}", format!("/security/roles/{target}"), sec),
            admin("POST", "/security/roles/{id}", format!("/security/roles/{target}"), sec),
            admin("GET", "/security/policy", "/security/policy".into(), sec),
            admin("POST", "/security/policy", "/security/policy".into(), sec),
            admin("GET", "/audit", "/audit".into(), aud),
            admin("GET", "/audit/export", "/audit/export".into(), aud),
            admin("GET", "/audit/history", "/audit/history?object_type=account&object_id=1".into(), aud),
            admin("GET", "/admin/accounts/export", "/admin/accounts/export".into(), sys),
            admin("GET", "/admin/login-log/export", "/admin/login-log/export".into(), sys),
            // Last: it ends the session.
            Probe { method: "POST", pattern: "/logout", path: "/logout".into(), expect: [303; 8] },
        ]
    };

    let mut covered = HashSet::new();
    let mut failures = Vec::new();
    for (index, role) in ROLES.iter().copied().enumerate() {
        let user = app.login_as(role, home_region(role)).await;
        for probe in probes(role) {
            covered.insert((probe.method, probe.pattern));
            let got = send(&app, &user, &probe).await;
            if got != probe.expect[index] {
                failures.push(format!(
                    "{role:?} {} {}: expected {}, got {got}",
                    probe.method, probe.path, probe.expect[index]
                ));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));

    let declared: HashSet<_> = ROUTES.iter().map(|r| (r.method, r.path)).collect();
    let missing: Vec<_> = declared.difference(&covered).collect();
    assert!(missing.is_empty(), "routes not in the access matrix: {missing:?}");

    // The edits that were allowed really happened, the refused ones did not.
    let owner = app.db.owner_pool().await;
    let mut tx = prevention::db::begin(&owner, DbActor::new(Scope::Province, None)).await.unwrap();
    let person =
        |id: i64| sqlx::query_scalar::<_, String>("SELECT contact_person FROM departments WHERE id = $1").bind(id);
    assert_eq!(person(sy_emergency).fetch_one(&mut *tx).await.unwrap(), "矩阵测试");
    assert_eq!(person(province_finance).fetch_one(&mut *tx).await.unwrap(), "矩阵测试");
    assert_eq!(person(dl_emergency).fetch_one(&mut *tx).await.unwrap(), "");
    let files: Vec<i64> =
        sqlx::query_scalar("SELECT id FROM attachments ORDER BY id").fetch_all(&mut *tx).await.unwrap();
    assert_eq!(
        files,
        [
            sy_file,
            dl_file,
            sy_minutes,
            dl_minutes,
            sy_material,
            dl_material,
            sy_record,
            dl_record,
            sy_photo_file,
            dl_photo_file,
            pv_file,
            pv_dl_file,
            sy_draft_file,
            dl_draft_file,
            sy_report,
            dl_report
        ],
        "only 沈阳's officer removed a file (of a plan, a meeting, an application, an event and a notice draft), and only 沈阳's"
    );
    let applications: Vec<i64> =
        sqlx::query_scalar("SELECT count(*) FROM projects GROUP BY region_id ORDER BY region_id")
            .fetch_all(&mut *tx)
            .await
            .unwrap();
    assert_eq!(applications, [2, 1], "沈阳's officer started one application in 沈阳's round; nobody else did");
    let asked: Vec<i64> = sqlx::query_scalar("SELECT subject_id FROM account_requests ORDER BY subject_id")
        .fetch_all(&mut *tx)
        .await
        .unwrap();
    assert_eq!(asked, [sy_expert.0, dl_expert.0], "each expert's account asked for once, by those who keep them");
    drop(tx);
    assert_eq!(rates::counts(&app.db, "210100").await, (21, 0), "a default row removed, 沈阳's set dropped");
    assert_eq!(rates::counts(&app.db, "210200").await.1, 21, "大连's own set copied once, after the removal");
}

#[tokio::test]
async fn anonymous_visitors_are_sent_to_sign_in() {
    let app = TestApp::spawn().await;
    let id = department_id(&app.db, "210100", "hrss").await;
    for path in
        ["/".to_string(), "/departments".into(), format!("/departments/{id}"), format!("/departments/{id}/edit")]
    {
        let res = app.get(&path).await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER, "{path}");
        assert_eq!(res.headers()["location"], "/login", "{path}");
    }
    assert_eq!(app.get("/login").await.status(), StatusCode::OK);
    assert_eq!(app.get("/healthz").await.status(), StatusCode::OK);
    // An unsafe request without a session fails the CSRF check before anything else.
    let res =
        app.client.post(app.url(&format!("/departments/{id}/edit"))).form(&[("version", "1")]).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn a_method_a_route_does_not_declare_is_refused() {
    let app = TestApp::spawn().await;
    let user = app.login_as(Role::CityOfficer, "210100").await;
    assert_eq!(user.get("/logout").await.status(), StatusCode::METHOD_NOT_ALLOWED);
    let res = user.post_form("/departments", &[]).await;
    assert_eq!(res.status(), StatusCode::METHOD_NOT_ALLOWED);
}
