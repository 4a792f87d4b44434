//! Joint inspections and rectification over HTTP: a finding's status at every boundary of its
//! deadline, the overdue lists of the HRSS bureau and of the responsible department, the
//! extension limit, verification refused to whoever recorded the rectification, the referral,
//! the province's counts and the export, and partner officers kept to their own department and
//! region.

use chrono::Duration;
use prevention::org::{DepartmentKind, Role};
use reqwest::StatusCode;

use crate::support::employers::{credit_code, employer};
use crate::support::{TestApp, TestUser};

async fn inspect(user: &TestUser, employer_code: &str, day: &str) -> i64 {
    let fields = [
        ("inspected_on", day),
        ("employer", employer_code),
        ("lead_department", "hrss"),
        ("departments", "emergency"),
        ("departments", "health"),
        ("inspectors", "王芳、李建国"),
        ("summary", "检查生产现场和职业卫生管理"),
        ("version", ""),
    ];
    let res = user.post_form("/inspections/new", &fields).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER, "{}", res.text().await.unwrap());
    res.headers()["location"].to_str().unwrap().trim_start_matches("/inspections/").parse().unwrap()
}

async fn find(user: &TestUser, inspection: i64, deadline: &str, department: &str, description: &str) -> i64 {
    let fields = [
        ("category", "hazard"),
        ("hazard_level", "major"),
        ("description", description),
        ("legal_basis", "《安全生产法》第四十一条"),
        ("advice", "立即整改"),
        ("deadline", deadline),
        ("responsible_department", department),
    ];
    let res = user.post_form(&format!("/inspections/{inspection}/findings"), &fields).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER, "{}", res.text().await.unwrap());
    res.headers()["location"].to_str().unwrap().trim_start_matches("/findings/").parse().unwrap()
}

async fn follow(user: &TestUser, finding: i64, action: &str, day: &str, comment: &str) -> reqwest::Response {
    let token = prevention::web::once::new_token();
    let fields = [
        ("action", action),
        ("day", day),
        ("comment", comment),
        ("law", "work_safety"),
        ("referred_to", "沈阳市应急管理局"),
        ("number", "沈应急移〔2026〕12号"),
        ("form_token", token.as_str()),
    ];
    user.post_form(&format!("/findings/{finding}/follow-up"), &fields).await
}

async fn text(user: &TestUser, path: &str) -> String {
    let res = user.get(path).await;
    assert_eq!(res.status(), StatusCode::OK, "{path}");
    res.text().await.unwrap()
}

#[tokio::test]
async fn a_finding_s_status_follows_its_deadline_and_its_follow_ups() {
    let app = TestApp::spawn().await;
    let code = credit_code("91210100MA0AAAP01");
    let inspected = employer(&app.db, "210100", &code, "沈阳重工机械有限公司", "C34").await;
    let city = app.login_as(Role::CityOfficer, "210100").await;
    let today = prevention::values::time::today();
    let day = |n: i64| (today + Duration::days(n)).to_string();
    let inspection = inspect(&city, &code, &day(-30)).await;

    let yesterday = find(&city, inspection, &day(-1), "emergency", "配电箱未接地（昨日到期）").await;
    let due_today = find(&city, inspection, &day(0), "emergency", "消防通道堵塞（今日到期）").await;
    let in_seven = find(&city, inspection, &day(7), "health", "噪声超标（七日后到期）").await;
    let in_eight = find(&city, inspection, &day(8), "health", "未设警示标识（八日后到期）").await;

    let status = |id: i64| {
        let city = &city;
        async move {
            let page = text(city, &format!("/findings/{id}")).await;
            page.split("badge finding-").nth(1).unwrap().split(['"', ' ']).next().unwrap().to_string()
        }
    };
    assert_eq!(status(yesterday).await, "overdue");
    assert_eq!(status(due_today).await, "due_soon");
    assert_eq!(status(in_seven).await, "due_soon");
    assert_eq!(status(in_eight).await, "open");
    let overdue = text(&city, "/findings?status=overdue").await;
    assert!(overdue.contains("昨日到期") && !overdue.contains("今日到期"));
    let soon = text(&city, "/findings?status=due_soon").await;
    assert!(soon.contains("今日到期") && soon.contains("七日后到期") && !soon.contains("八日后到期"));

    // The overdue finding stays on the responsible department's list and the HRSS bureau's,
    // not on another department's.
    let emergency = app.login_as_department(Role::PartnerOfficer, "210100", Some(DepartmentKind::Emergency)).await;
    let health = app.login_as_department(Role::PartnerOfficer, "210100", Some(DepartmentKind::Health)).await;
    assert!(text(&emergency, "/findings?status=overdue").await.contains("昨日到期"));
    assert!(!text(&health, "/findings?status=overdue").await.contains("昨日到期"));

    // Extended twice at most (the default setting); each extension with its reason.
    assert!(follow(&emergency, in_eight, "extend", &day(30), "设备采购周期长").await.status() == StatusCode::FORBIDDEN);
    let res = follow(&emergency, yesterday, "extend", &day(20), "").await;
    assert!(res.text().await.unwrap().contains("请填写理由"));
    assert_eq!(follow(&emergency, yesterday, "extend", &day(20), "需停产检修").await.status(), StatusCode::SEE_OTHER);
    assert_eq!(status(yesterday).await, "open", "20 days out");
    let res = follow(&emergency, yesterday, "extend", &day(10), "再延").await;
    assert!(res.text().await.unwrap().contains("新的期限应晚于现有期限"));
    assert_eq!(follow(&emergency, yesterday, "extend", &day(40), "再延").await.status(), StatusCode::SEE_OTHER);
    let res = follow(&emergency, yesterday, "extend", &day(60), "三延").await;
    assert!(res.text().await.unwrap().contains("整改期限已延长 2 次，不能再延期"));

    // Rectified by one emergency officer; verified by the same refused, by another taken.
    assert_eq!(
        follow(&emergency, yesterday, "rectify", &day(0), "已重新接地并检测合格").await.status(),
        StatusCode::SEE_OTHER
    );
    assert_eq!(status(yesterday).await, "rectified");
    let res = follow(&emergency, yesterday, "verify", "", "").await;
    assert!(res.text().await.unwrap().contains("此步骤须由另一位工作人员办理"));
    assert_eq!(
        follow(&health, yesterday, "verify", "", "").await.status(),
        StatusCode::FORBIDDEN,
        "another department"
    );
    assert_eq!(follow(&city, yesterday, "verify", "", "现场复核合格").await.status(), StatusCode::SEE_OTHER);
    assert_eq!(status(yesterday).await, "closed");
    let page = text(&city, &format!("/findings/{yesterday}")).await;
    assert!(
        page.contains("需停产检修") && page.contains("已重新接地并检测合格") && page.contains("核验销号"),
        "the timeline"
    );

    // Referred for penalty.
    assert_eq!(follow(&emergency, due_today, "refer", "", "").await.status(), StatusCode::SEE_OTHER);
    assert_eq!(status(due_today).await, "referred");
    assert!(text(&city, &format!("/findings/{due_today}")).await.contains("沈应急移〔2026〕12号"));

    // Another city's officers find nothing; the province counts per city and exports.
    let dalian = app.login_as_department(Role::PartnerOfficer, "210200", Some(DepartmentKind::Emergency)).await;
    assert_eq!(dalian.get(&format!("/findings/{in_seven}")).await.status(), StatusCode::NOT_FOUND);
    assert_eq!(follow(&dalian, in_seven, "rectify", &day(0), "x").await.status(), StatusCode::NOT_FOUND);
    let province = app.login_as(Role::ProvinceOfficer, "210000").await;
    let overview = text(&province, "/inspections").await;
    let row = overview.split("沈阳市</a>").nth(1).unwrap().split("</tr>").next().unwrap().to_string();
    assert!(row.contains(">2</a>"), "two open (in 7 and in 8 days), none overdue, two major: {row}");
    let export = province.get("/findings/export?region=210100&department=all").await;
    assert_eq!(export.status(), StatusCode::OK);
    assert!(export.bytes().await.unwrap().starts_with(b"PK"));
    let history = text(&city, &format!("/employers/{}/inspections", inspected.0)).await;
    assert!(history.contains("八日后到期") && history.contains("已核验销号"), "the employer's findings");
}

#[tokio::test]
async fn an_inspection_needs_an_employer_of_the_region_and_partners_lead_their_own() {
    let app = TestApp::spawn().await;
    let sy = credit_code("91210100MA0AAAP02");
    let dl = credit_code("91210200MA0AAAP02");
    let sy_id = employer(&app.db, "210100", &sy, "沈阳化工有限公司", "C26").await;
    employer(&app.db, "210200", &dl, "大连化工有限公司", "C26").await;
    let partner = app.login_as_department(Role::PartnerOfficer, "210100", Some(DepartmentKind::Emergency)).await;
    let fields = [
        ("inspected_on", "2026-09-01"),
        ("employer", dl.as_str()),
        ("inspectors", "李建国"),
        ("lead_department", "hrss"),
        ("version", ""),
    ];
    let res = partner.post_form("/inspections/new", &fields).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert!(res.text().await.unwrap().contains("本地区没有登记该统一社会信用代码的用人单位"));
    let id = inspect(&partner, &sy, "2026-09-01").await;
    let page = text(&partner, &format!("/inspections/{id}")).await;
    assert!(page.contains("应急管理"), "led by the partner's own department whatever was posted");
    let form = text(&partner, &format!("/inspections/new?employer={}", sy_id.0)).await;
    assert!(form.contains(&sy), "prefilled from the employer's page");
    assert!(text(&partner, &format!("/employers/{}/inspections", sy_id.0)).await.contains("2026-09-01"));
    let health = app.login_as_department(Role::PartnerOfficer, "210100", Some(DepartmentKind::Health)).await;
    assert_eq!(health.get(&format!("/inspections/{id}/edit")).await.status(), StatusCode::FORBIDDEN);
    let agency = app.login_as(Role::AgencyOfficer, "210100").await;
    assert_eq!(agency.get(&format!("/inspections/{id}")).await.status(), StatusCode::OK);
    assert_eq!(agency.get("/inspections/new").await.status(), StatusCode::FORBIDDEN);
    let expert = app.login_as(Role::Expert, "210100").await;
    assert_eq!(expert.get("/findings").await.status(), StatusCode::FORBIDDEN);
}
