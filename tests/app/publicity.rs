//! Publicity over HTTP: events logged by a city officer and by a partner officer for their own
//! department, the kind suggested by the date, the counts per region and year with their export,
//! materials as attachments, warning-education bases, and other cities and roles refused.

use prevention::org::{DepartmentKind, Role};
use reqwest::StatusCode;

use crate::support::{TestApp, TestUser};

async fn log(
    user: &TestUser,
    held_on: &str,
    kind: &str,
    title: &str,
    department: &str,
    audience: &str,
) -> reqwest::Response {
    let fields = [
        ("held_on", held_on),
        ("ends_on", ""),
        ("kind", kind),
        ("title", title),
        ("department", department),
        ("audience", audience),
        ("project", ""),
        ("summary", "现场咨询、发放宣传册"),
        ("version", ""),
    ];
    user.post_form("/publicity/new", &fields).await
}

fn id_of(res: &reqwest::Response) -> i64 {
    res.headers()["location"].to_str().unwrap().trim_start_matches("/publicity/").parse().unwrap()
}

fn xlsx_text(bytes: &[u8]) -> String {
    use calamine::Reader;
    let mut book = calamine::Xlsx::new(std::io::Cursor::new(bytes.to_vec())).unwrap();
    let sheet = book.worksheet_range_at(0).unwrap().unwrap();
    sheet.rows().map(|r| r.iter().map(|c| c.to_string()).collect::<Vec<_>>().join("|")).collect::<Vec<_>>().join("\n")
}

#[tokio::test]
async fn events_are_logged_counted_and_exported_with_the_kind_the_date_suggests() {
    let app = TestApp::spawn().await;
    let city = app.login_as(Role::CityOfficer, "210100").await;
    let res = log(&city, "2026-04-28", "", "《职业病防治法》宣传周广场活动", "hrss", "5,000").await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER, "{}", res.text().await.unwrap());
    let week = id_of(&res);
    let page = city.get(&format!("/publicity/{week}")).await.text().await.unwrap();
    assert!(page.contains("《职业病防治法》宣传周") && page.contains("5000"), "{page}");
    assert_eq!(
        log(&city, "2026-06-16", "", "安全生产月咨询日", "emergency", "3000").await.status(),
        StatusCode::SEE_OTHER
    );
    let res = log(&city, "2026-09-10", "", "秋季宣传", "hrss", "100").await;
    assert!(res.text().await.unwrap().contains("请选择活动类型"));
    assert_eq!(
        log(&city, "2026-09-10", "online", "工伤预防线上知识竞赛", "hrss", "12000").await.status(),
        StatusCode::SEE_OTHER
    );

    // A partner officer logs for their own department, whatever the form says, and changes only those.
    let partner = app.login_as_department(Role::PartnerOfficer, "210100", Some(DepartmentKind::Health)).await;
    let res = log(&partner, "2026-04-26", "", "职业健康宣传进企业", "hrss", "800").await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER, "{}", res.text().await.unwrap());
    let own = id_of(&res);
    let page = partner.get(&format!("/publicity/{own}")).await.text().await.unwrap();
    assert!(page.contains("卫生健康"), "the partner's own department");
    assert_eq!(partner.get(&format!("/publicity/{own}/edit")).await.status(), StatusCode::OK);
    assert_eq!(partner.get(&format!("/publicity/{week}/edit")).await.status(), StatusCode::FORBIDDEN);

    // Materials as attachments.
    let pdf = prevention::attachments::samples::pdf(2048);
    let res = city.upload(&format!("/publicity/{week}/attachments"), "material", "宣传册.pdf", pdf).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert!(city.get(&format!("/publicity/{week}")).await.text().await.unwrap().contains("宣传册.pdf"));
    let res = city.post_form(&format!("/publicity/{week}/delete"), &[]).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY, "an event with files stays");

    // 大连 logs one too; the counts keep the regions apart and the province sums them.
    let dalian = app.login_as(Role::CityOfficer, "210200").await;
    assert_eq!(
        log(&dalian, "2026-06-05", "", "安全生产月启动仪式", "hrss", "2000").await.status(),
        StatusCode::SEE_OTHER
    );
    assert_eq!(dalian.get(&format!("/publicity/{week}")).await.status(), StatusCode::NOT_FOUND);

    let counts = city.get("/publicity/counts?year=2026").await.text().await.unwrap();
    assert!(counts.contains("20800"), "沈阳's audience 5000 + 3000 + 12000 + 800: {counts}");
    assert!(!counts.contains("全省"));
    let province = app.login_as(Role::ProvinceOfficer, "210000").await;
    let export = province.get("/publicity/counts/export?year=2026").await;
    assert_eq!(export.status(), StatusCode::OK);
    let text = xlsx_text(&export.bytes().await.unwrap());
    assert!(text.contains("沈阳市|2|1|0|0|1|0|4|20800"), "{text}");
    assert!(text.contains("大连市|0|1|0|0|0|0|1|2000"), "{text}");
    assert!(text.contains("全省|2|2|0|0|1|0|5|22800"), "{text}");
    assert_eq!(log(&province, "2026-06-05", "", "省级活动", "hrss", "1").await.status(), StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn warning_bases_are_kept_by_their_city() {
    let app = TestApp::spawn().await;
    let city = app.login_as(Role::CityOfficer, "210100").await;
    let fields = [
        ("name", "沈阳市安全生产警示教育基地"),
        ("place", "沈阳市于洪区"),
        ("operator", "沈阳市应急管理局"),
        ("visitors_per_year", "15000"),
        ("version", ""),
    ];
    assert_eq!(city.post_form("/warning-bases/new", &fields).await.status(), StatusCode::SEE_OTHER);
    let dup = city.post_form("/warning-bases/new", &fields).await;
    assert!(dup.text().await.unwrap().contains("本地区已登记同名的警示教育基地"));
    let province = app.login_as(Role::ProvinceOfficer, "210000").await;
    assert!(province.get("/warning-bases").await.text().await.unwrap().contains("沈阳市安全生产警示教育基地"));
    let dalian = app.login_as(Role::CityOfficer, "210200").await;
    assert!(!dalian.get("/warning-bases").await.text().await.unwrap().contains("沈阳市安全生产警示教育基地"));
    let pool = app.db.superuser_pool().await;
    let id: i64 = sqlx::query_scalar("SELECT id FROM warning_bases").fetch_one(&pool).await.unwrap();
    assert_eq!(dalian.get(&format!("/warning-bases/{id}/edit")).await.status(), StatusCode::NOT_FOUND);
    let partner = app.login_as(Role::PartnerOfficer, "210100").await;
    assert_eq!(partner.get(&format!("/warning-bases/{id}/edit")).await.status(), StatusCode::FORBIDDEN);
}
