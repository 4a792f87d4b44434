//! Injury statistics over HTTP: a city officer enters a year per key industry, the trend shows
//! the hand-computed accident rate against the 2021–2025 target (on track at equality, not one
//! injury more), a stale save overwrites nothing, bad figures are refused beside their field;
//! the import refuses a file with any bad row and writes nothing, and upserts a good one; the
//! Excel export holds the figures; other regions and roles are refused.

use prevention::org::Role;
use reqwest::StatusCode;

use crate::support::{TestApp, TestUser};

/// The province's key industries' keys, in the form's order.
async fn industries(app: &TestApp) -> Vec<String> {
    let pool = app.db.app_pool().await;
    sqlx::query_scalar("SELECT key FROM key_industries ORDER BY sort_order, id").fetch_all(&pool).await.unwrap()
}

/// Posts a region's year: `rows` gives (key, [insured, injuries, deaths, disease cases],
/// version) for some industries; the others are posted blank at version 0.
async fn post_year(
    user: &TestUser,
    keys: &[String],
    path: &str,
    rows: &[(&str, [&str; 4], &str)],
) -> reqwest::Response {
    let mut fields: Vec<(&str, &str)> = Vec::new();
    for key in keys {
        let (figures, version) = rows.iter().find(|r| r.0 == key).map_or((["", "", "", ""], "0"), |(_, f, v)| (*f, *v));
        fields.push(("industry", key.as_str()));
        fields.push(("version", version));
        for (name, value) in ["insured", "injuries", "deaths", "disease_cases"].into_iter().zip(figures) {
            fields.push((name, value));
        }
    }
    user.post_form(path, &fields).await
}

async fn rows_of(app: &TestApp, code: &str) -> Vec<(i16, String, i64, i32, i32)> {
    let pool = app.db.superuser_pool().await;
    sqlx::query_as(
        "SELECT s.year, s.industry, s.insured, s.injuries, s.version FROM injury_statistics s
         JOIN regions r ON r.id = s.region_id WHERE r.code = $1 ORDER BY s.year, s.industry",
    )
    .bind(code)
    .fetch_all(&pool)
    .await
    .unwrap()
}

fn xlsx_text(bytes: &[u8]) -> String {
    use calamine::Reader;
    let mut book = calamine::Xlsx::new(std::io::Cursor::new(bytes.to_vec())).unwrap();
    let sheet = book.worksheet_range_at(0).unwrap().unwrap();
    sheet.rows().map(|r| r.iter().map(|c| c.to_string()).collect::<Vec<_>>().join("|")).collect::<Vec<_>>().join("\n")
}

#[tokio::test]
async fn entered_figures_give_the_rate_and_the_on_track_mark_at_its_boundary() {
    let app = TestApp::spawn().await;
    let keys = industries(&app).await;
    assert!(keys.contains(&"mining".to_string()) && keys.contains(&"construction".to_string()));
    let city = app.login_as(Role::CityOfficer, "210100").await;
    let page = city.get("/statistics/regions/210100/2020/edit").await.text().await.unwrap();
    assert!(page.contains("矿山") && page.contains("建筑施工"), "a row per key industry");

    // 2020, the base of 2021–2025: 600 of 300,000 and 400 of 200,000: 1,000 of 500,000 = 2.00‰.
    let res = post_year(
        &city,
        &keys,
        "/statistics/regions/210100/2020/edit",
        &[("mining", ["300000", "600", "5", "12"], "0"), ("construction", ["200,000", "400", "3", "0"], "0")],
    )
    .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    // 2023 (k = 3): 480 + 400 of 500,000 = 1.76‰, exactly 2.00 × (1 − 20% × 3/5).
    let path = "/statistics/regions/210100/2023/edit";
    let res = post_year(
        &city,
        &keys,
        path,
        &[("mining", ["250000", "480", "2", "1"], "0"), ("construction", ["250000", "400", "1", "0"], "0")],
    )
    .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(res.headers()["location"], "/statistics/regions/210100?cycle=2021");
    let trend = city.get("/statistics/regions/210100?cycle=2021").await.text().await.unwrap();
    assert!(trend.contains("2.00‰") && trend.contains("1.76‰"), "{trend}");
    assert!(trend.contains("达标") && !trend.contains("未达标"), "equal to the target is on track");
    assert!(trend.contains("trend-data") && trend.contains(r#""rates":["2.000",null,null,"1.760""#), "{trend}");

    // Bad figures: beside their field, nothing saved.
    let res = post_year(&city, &keys, path, &[("mining", ["250000", "-1", "", "1"], "1")]).await;
    assert_eq!(res.status(), StatusCode::OK);
    let text = res.text().await.unwrap();
    assert!(text.contains("请填写 0 到 1 亿之间的整数") && text.contains("四项全部留空表示该行业无数据"));
    assert_eq!(rows_of(&app, "210100").await.len(), 4);

    // One injury more in mining (481: 1.762‰, shown 1.76‰ too) is not on track.
    let more = [("mining", ["250000", "481", "2", "1"], "1"), ("construction", ["250000", "400", "1", "0"], "1")];
    assert_eq!(post_year(&city, &keys, path, &more).await.status(), StatusCode::SEE_OTHER);
    let trend = city.get("/statistics/regions/210100?cycle=2021").await.text().await.unwrap();
    assert!(trend.contains("未达标"), "{trend}");
    // The same form again is stale: the conflict page, nothing overwritten.
    let stale = [("mining", ["250000", "999", "2", "1"], "1"), ("construction", ["250000", "400", "1", "0"], "1")];
    assert_eq!(post_year(&city, &keys, path, &stale).await.status(), StatusCode::CONFLICT);
    // Blank removes the row.
    let cleared = [("mining", ["250000", "481", "2", "1"], "2"), ("construction", ["", "", "", ""], "1")];
    assert_eq!(post_year(&city, &keys, path, &cleared).await.status(), StatusCode::SEE_OTHER);
    let rows = rows_of(&app, "210100").await;
    assert_eq!(
        rows.iter().filter(|r| r.0 == 2023).map(|r| (r.1.as_str(), r.3, r.4)).collect::<Vec<_>>(),
        [("mining", 481, 2)]
    );
    let audited: i64 = sqlx::query_scalar("SELECT count(*) FROM audit_log WHERE action = 'injury_statistics.update'")
        .fetch_one(&app.db.superuser_pool().await)
        .await
        .unwrap();
    assert_eq!(audited, 4, "each save that changed something, once");

    // 大连 2020: 100 of 100,000; the province-wide base is 1,100 of 600,000 = 1.83‰.
    let dalian = app.login_as(Role::CityOfficer, "210200").await;
    let res = post_year(
        &dalian,
        &keys,
        "/statistics/regions/210200/2020/edit",
        &[("machinery", ["100000", "100", "0", "2"], "0")],
    )
    .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let province = app.login_as(Role::ProvinceOfficer, "210000").await;
    let overview = province.get("/statistics?cycle=2021").await.text().await.unwrap();
    assert!(overview.contains("沈阳市") && overview.contains("大连市") && overview.contains("全省"), "{overview}");
    assert!(overview.contains("1.83‰"), "the sums, not the mean of 2.00 and 1.00: {overview}");
    let whole = province.get("/statistics/province?cycle=2021").await;
    assert_eq!(whole.status(), StatusCode::OK);
    assert!(whole.text().await.unwrap().contains("1.83‰"));
    let city_overview = city.get("/statistics").await.text().await.unwrap();
    assert!(!city_overview.contains("大连市") && !city_overview.contains("/statistics/province"));

    let export = province.get("/statistics/export?cycle=2021").await;
    assert_eq!(export.status(), StatusCode::OK);
    assert_eq!(export.headers()["content-type"], "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
    let text = xlsx_text(&export.bytes().await.unwrap());
    assert!(text.contains("沈阳市|2020（基准年）|500000|1000|8|12|2.00‰|—|—"), "{text}");
    assert!(text.contains("沈阳市|2023|250000|481|2|1|1.92‰|1.76‰|未达标"), "{text}");
    assert!(text.contains("全省|2020（基准年）|600000|1100|8|14|1.83‰|—|—"), "{text}");
}

#[tokio::test]
async fn other_regions_and_roles_are_refused() {
    let app = TestApp::spawn().await;
    let dalian = app.login_as(Role::CityOfficer, "210200").await;
    assert_eq!(dalian.get("/statistics/regions/210100").await.status(), StatusCode::NOT_FOUND);
    assert_eq!(dalian.get("/statistics/regions/210100/2023/edit").await.status(), StatusCode::NOT_FOUND);
    assert_eq!(dalian.post_form("/statistics/regions/210100/2023/edit", &[]).await.status(), StatusCode::NOT_FOUND);
    assert_eq!(dalian.get("/statistics/province").await.status(), StatusCode::FORBIDDEN);
    assert_eq!(dalian.get("/statistics/regions/210200/2099/edit").await.status(), StatusCode::NOT_FOUND);
    assert_eq!(dalian.get("/statistics/regions/210200/2025/edit").await.status(), StatusCode::OK);
    for role in [Role::PartnerOfficer, Role::AgencyOfficer] {
        let reader = app.login_as(role, "210100").await;
        assert_eq!(reader.get("/statistics").await.status(), StatusCode::OK, "{role:?}");
        let page = reader.get("/statistics/regions/210100").await;
        assert_eq!(page.status(), StatusCode::OK, "{role:?}");
        assert!(!page.text().await.unwrap().contains("/edit"), "no entry links for readers");
        assert_eq!(reader.get("/statistics/regions/210200").await.status(), StatusCode::NOT_FOUND);
        assert_eq!(reader.get("/statistics/regions/210100/2023/edit").await.status(), StatusCode::FORBIDDEN);
        assert_eq!(reader.get("/statistics/import").await.status(), StatusCode::FORBIDDEN);
    }
    let province = app.login_as(Role::ProvinceOfficer, "210000").await;
    assert_eq!(province.get("/statistics/regions/210100").await.status(), StatusCode::OK);
    assert_eq!(province.get("/statistics/regions/210100/2023/edit").await.status(), StatusCode::FORBIDDEN);
    for role in [Role::Expert, Role::SysAdmin, Role::Auditor] {
        let region = if role == Role::Expert { "210100" } else { "" };
        let user = app.login_as(role, region).await;
        assert_eq!(user.get("/statistics").await.status(), StatusCode::FORBIDDEN, "{role:?}");
        assert_eq!(user.get("/statistics/regions/210100").await.status(), StatusCode::FORBIDDEN, "{role:?}");
    }
}

async fn run_jobs(app: &TestApp) {
    let pool = app.db.app_pool().await;
    while prevention::jobs::run_once(&pool, "test-worker", prevention::server::JOB_RUNNERS).await.unwrap() {}
}

/// A CSV of the import's columns; cells joined with ASCII commas.
fn csv(rows: &[[&str; 6]]) -> Vec<u8> {
    let header = ["年度", "重点行业", "参保人数", "认定工伤人数", "工亡人数", "职业病病例数"];
    let mut lines = vec![header.join(",")];
    lines.extend(rows.iter().map(|r| r.join(",")));
    lines.join("\r\n").into_bytes()
}

async fn import(app: &TestApp, user: &TestUser, content: Vec<u8>) -> String {
    let res = user.upload("/statistics/import", "", "统计.csv", content).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let job = res.headers()["location"].to_str().unwrap().to_string();
    run_jobs(app).await;
    user.get(&job).await.text().await.unwrap()
}

#[tokio::test]
async fn an_import_with_a_bad_row_writes_nothing_and_a_good_one_upserts() {
    let app = TestApp::spawn().await;
    let city = app.login_as(Role::CityOfficer, "210100").await;
    let next_year = (chrono::Datelike::year(&prevention::values::time::today()) + 1).to_string();
    let bad = csv(&[
        ["2024", "矿山", "300000", "600", "5", "12"],
        ["2024", "粉尘涉爆", "1000", "1", "0", "0"],
        ["2024", "建筑施工", "-5", "1", "0", "0"],
        ["2024", "mining", "300000", "600", "5", "12"],
        [&next_year, "交通运输", "1000", "1", "0", "0"],
    ]);
    let page = import(&app, &city, bad).await;
    assert!(page.contains("不是省定重点行业"), "{page}");
    assert!(page.contains("请填写 0 到 1 亿之间的整数"), "{page}");
    assert!(page.contains("与第 2 行重复"), "the same year and industry by its key: {page}");
    assert!(page.contains("不能填写将来的年度"), "{page}");
    assert!(rows_of(&app, "210100").await.is_empty(), "nothing written");

    let good = csv(&[["2025", "矿山", "300000", "600", "5", "12"], ["2025", "建筑施工", "200000", "400", "3", "0"]]);
    let page = import(&app, &city, good).await;
    assert!(page.contains("导入完成：共 2 行，新增 2 行，更新 0 行，未变 0 行"), "{page}");
    let again = csv(&[["2025", "矿山", "300000", "600", "5", "12"], ["2025", "建筑施工", "200000", "401", "3", "0"]]);
    let page = import(&app, &city, again).await;
    assert!(page.contains("导入完成：共 2 行，新增 0 行，更新 1 行，未变 1 行"), "{page}");
    let rows = rows_of(&app, "210100").await;
    assert_eq!(
        rows.iter().map(|r| (r.1.as_str(), r.3, r.4)).collect::<Vec<_>>(),
        [("construction", 401, 2), ("mining", 600, 1)],
        "the changed row updated (its version raised), the same one left alone"
    );
    let trend = city.get("/statistics/regions/210100?cycle=2026").await.text().await.unwrap();
    assert!(trend.contains("2.00‰"), "1,001 of 500,000 is 2.002‰: {trend}");
    let audited: Vec<String> =
        sqlx::query_scalar("SELECT detail FROM audit_log WHERE action = 'import.injury_statistics' ORDER BY id")
            .fetch_all(&app.db.superuser_pool().await)
            .await
            .unwrap();
    assert_eq!(
        audited,
        ["导入工伤统计数据：共 2 行，新增 2，更新 0，未变 0", "导入工伤统计数据：共 2 行，新增 0，更新 1，未变 1"]
    );
    // Another city's officer does not see the job.
    let dalian = app.login_as(Role::CityOfficer, "210200").await;
    let job: i64 =
        sqlx::query_scalar("SELECT max(id) FROM jobs").fetch_one(&app.db.superuser_pool().await).await.unwrap();
    assert_eq!(dalian.get(&format!("/statistics/import/{job}")).await.status(), StatusCode::NOT_FOUND);
}
