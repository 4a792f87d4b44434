//! Technical schools over HTTP: a city officer registers its schools, the share per region and
//! province-wide follows (on the page and in the export), bad input is refused beside its field,
//! and other cities and roles are refused.

use prevention::org::Role;
use reqwest::StatusCode;

use crate::support::{TestApp, TestUser};

async fn school(user: &TestUser, name: &str, runs: bool, hours: &str, students: &str) -> reqwest::Response {
    let fields = [
        ("year", "2026"),
        ("name", name),
        ("runs_course", if runs { "yes" } else { "" }),
        ("course_hours", hours),
        ("students_per_year", students),
        ("version", ""),
    ];
    user.post_form("/schools/new", &fields).await
}

fn xlsx_text(bytes: &[u8]) -> String {
    use calamine::Reader;
    let mut book = calamine::Xlsx::new(std::io::Cursor::new(bytes.to_vec())).unwrap();
    let sheet = book.worksheet_range_at(0).unwrap().unwrap();
    sheet.rows().map(|r| r.iter().map(|c| c.to_string()).collect::<Vec<_>>().join("|")).collect::<Vec<_>>().join("\n")
}

#[tokio::test]
async fn the_share_of_schools_running_a_course_per_region_and_province_wide() {
    let app = TestApp::spawn().await;
    let shenyang = app.login_as(Role::CityOfficer, "210100").await;
    let dalian = app.login_as(Role::CityOfficer, "210200").await;
    for (name, runs) in [("沈阳市技师学院", true), ("沈阳市化工技工学校", true), ("沈阳市交通技工学校", false)]
    {
        let res = school(&shenyang, name, runs, if runs { "16" } else { "" }, if runs { "600" } else { "" }).await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER, "{}", res.text().await.unwrap());
    }
    assert_eq!(school(&dalian, "大连市技师学院", true, "24", "900").await.status(), StatusCode::SEE_OTHER);

    let res = school(&shenyang, "沈阳市技师学院", true, "8", "10").await;
    assert!(res.text().await.unwrap().contains("本地区该年度已登记同名院校"));
    let res = school(&shenyang, "沈阳市冶金技工学校", true, "", "100").await;
    assert!(res.text().await.unwrap().contains("开设课程的，请填写课时"));

    let city_page = shenyang.get("/schools?year=2026").await.text().await.unwrap();
    assert!(city_page.contains("66.7%"), "2 of 3 in 沈阳");
    assert!(!city_page.contains("大连市技师学院"));

    let province = app.login_as(Role::ProvinceOfficer, "210000").await;
    let page = province.get("/schools?year=2026").await.text().await.unwrap();
    assert!(page.contains("75.0%"), "3 of 4 province-wide: {page}");
    let export = province.get("/schools/export?year=2026").await;
    assert_eq!(export.status(), StatusCode::OK);
    let text = xlsx_text(&export.bytes().await.unwrap());
    assert!(text.contains("沈阳市|3|2|66.7%|1200"), "{text}");
    assert!(text.contains("全省|4|3|75.0%|2100"), "{text}");

    // Another city's school: 404; a partner officer reads but does not write.
    let pool = app.db.superuser_pool().await;
    let id: i64 = sqlx::query_scalar("SELECT id FROM technical_schools WHERE name = '大连市技师学院'")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(shenyang.get(&format!("/schools/{id}/edit")).await.status(), StatusCode::NOT_FOUND);
    let partner = app.login_as(Role::PartnerOfficer, "210100").await;
    assert_eq!(partner.get("/schools").await.status(), StatusCode::OK);
    assert_eq!(school(&partner, "某校", false, "", "").await.status(), StatusCode::FORBIDDEN);
    assert_eq!(province.get("/schools/new").await.status(), StatusCode::FORBIDDEN);
}
