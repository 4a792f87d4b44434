//! Key-position training over HTTP: required people, sessions and trainees, coverage counted
//! once per person and capped before summing, the exam deciding where there is one, the
//! trainee import all or nothing, ID-card numbers masked on every page and export for whoever
//! may not unmask them, and other cities and roles refused.

use prevention::org::Role;
use reqwest::StatusCode;

use crate::support::employers::{credit_code, employer};
use crate::support::{TestApp, TestUser};

const WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];

/// A valid ID-card number of someone born on 1 January 1980 in 沈阳, the `n`-th of the day.
fn id(n: u32) -> String {
    let digits = format!("21010219800101{n:03}");
    let sum: u32 = digits.bytes().zip(WEIGHTS).map(|(b, w)| u32::from(b - b'0') * w).sum();
    format!("{digits}{}", b"10X98765432"[(sum % 11) as usize] as char)
}

const CATEGORIES: [&str; 5] =
    ["主要负责人", "分管负责人", "安全管理部门主要负责人", "职业卫生管理部门主要负责人", "一线班组长"];

async fn require(user: &TestUser, employer: i64, counts: [&str; 5]) -> reqwest::Response {
    let mut fields = vec![("cycle", "2026")];
    for (c, n) in CATEGORIES.iter().zip(counts) {
        fields.push(("category", c));
        fields.push(("required", n));
    }
    user.post_form(&format!("/employers/{employer}/training/required"), &fields).await
}

/// Records a session; its id.
async fn session(user: &TestUser, topic: &str, has_exam: bool) -> i64 {
    let fields = [
        ("topic", topic),
        ("provider_name", "辽宁省安全科学研究院"),
        ("delivery", "offline"),
        ("starts_on", "2026-09-01"),
        ("ends_on", "2026-09-02"),
        ("hours", "16"),
        ("place", "沈阳市和平区"),
        ("has_exam", if has_exam { "yes" } else { "" }),
        ("version", ""),
    ];
    let res = user.post_form("/training/new", &fields).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER, "{}", res.text().await.unwrap());
    res.headers()["location"].to_str().unwrap().trim_start_matches("/training/sessions/").parse().unwrap()
}

async fn trainee(
    user: &TestUser,
    session: i64,
    person: &str,
    employer: &str,
    category: &str,
    exam: &str,
) -> reqwest::Response {
    let fields = [
        ("name", "李强"),
        ("id_number", person),
        ("employer", employer),
        ("category", category),
        ("exam_passed", exam),
        ("certificate_no", ""),
    ];
    user.post_form(&format!("/training/sessions/{session}/trainees"), &fields).await
}

/// Every cell of a workbook's first sheet, one string.
fn xlsx_text(bytes: &[u8]) -> String {
    use calamine::Reader;
    let mut book = calamine::Xlsx::new(std::io::Cursor::new(bytes.to_vec())).unwrap();
    let sheet = book.worksheet_range_at(0).unwrap().unwrap();
    sheet.rows().flat_map(|r| r.iter().map(|c| c.to_string())).collect::<Vec<_>>().join("\n")
}

async fn body(user: &TestUser, path: &str) -> String {
    let res = user.get(path).await;
    assert_eq!(res.status(), StatusCode::OK, "{path}");
    res.text().await.unwrap()
}

#[tokio::test]
async fn coverage_counts_each_person_once_caps_each_category_and_follows_the_exam() {
    let app = TestApp::spawn().await;
    let city = app.login_as(Role::CityOfficer, "210100").await;
    let (a_code, b_code, c_code) =
        (credit_code("91210100MA0TRA001"), credit_code("91210100MA0TRA002"), credit_code("91210100MA0TRA003"));
    let a = employer(&app.db, "210100", &a_code, "沈阳甲化工有限公司", "C26").await.0;
    let b = employer(&app.db, "210100", &b_code, "沈阳乙矿业有限公司", "B06").await.0;
    // A wholesaler: not a key industry, so never counted.
    let c = employer(&app.db, "210100", &c_code, "沈阳丙商贸有限公司", "F51").await.0;

    // Required people: A 1 主要负责人 and 2 一线班组长, B 3 一线班组长, C 5.
    assert_eq!(require(&city, a, ["1", "0", "0", "0", "2"]).await.status(), StatusCode::SEE_OTHER);
    assert_eq!(require(&city, b, ["0", "0", "0", "0", "3"]).await.status(), StatusCode::SEE_OTHER);
    assert_eq!(require(&city, c, ["0", "0", "0", "0", "5"]).await.status(), StatusCode::SEE_OTHER);
    let text = require(&city, a, ["1", "-2", "0", "0", "2"]).await.text().await.unwrap();
    assert!(text.contains("分管负责人：应为 0 或正整数。"), "{text}");

    // A session without an exam: three of A's team leaders (one more than required).
    let open = session(&city, "危险化学品企业一线班组长工伤预防培训", false).await;
    for n in 1..=3 {
        assert_eq!(trainee(&city, open, &id(n), &a_code, "一线班组长", "").await.status(), StatusCode::SEE_OTHER);
    }
    let again = trainee(&city, open, &id(1), &a_code, "一线班组长", "").await.text().await.unwrap();
    assert!(again.contains("此人已在本次培训的名单中"), "{again}");
    let bad = trainee(&city, open, "210102198001010015", &a_code, "一线班组长", "").await.text().await.unwrap();
    assert!(bad.contains("身份证号码校验位不正确"), "{bad}");
    let unknown = credit_code("91210100MA0TRA009");
    let nowhere = trainee(&city, open, &id(9), &unknown, "一线班组长", "").await.text().await.unwrap();
    assert!(nowhere.contains("本地区没有登记该统一社会信用代码的用人单位"), "{nowhere}");
    let platform = trainee(&city, open, &id(9), &a_code, "即时配送等新就业形态劳动者", "").await.text().await.unwrap();
    assert!(platform.contains("仅统计平台企业的人员"), "{platform}");
    let exam = trainee(&city, open, &id(9), &a_code, "一线班组长", "yes").await.text().await.unwrap();
    assert!(exam.contains("本次培训没有考试，考试结果应留空"), "{exam}");

    // A session with an exam: person 1 again (still once), B's failed, pending and passed.
    let exam = session(&city, "矿山企业一线班组长考核培训", true).await;
    assert_eq!(trainee(&city, exam, &id(1), &a_code, "一线班组长", "yes").await.status(), StatusCode::SEE_OTHER);
    assert_eq!(trainee(&city, exam, &id(4), &b_code, "一线班组长", "no").await.status(), StatusCode::SEE_OTHER);
    assert_eq!(trainee(&city, exam, &id(5), &b_code, "一线班组长", "").await.status(), StatusCode::SEE_OTHER);
    assert_eq!(trainee(&city, exam, &id(6), &c_code, "一线班组长", "yes").await.status(), StatusCode::SEE_OTHER);

    // Required A 3 + B 3 = 6 (C is no key industry); counted: A's team leaders capped at 2,
    // B none yet: 2 of 6 = 33.3%, 4 people short of 100%.
    let page = body(&city, "/training/coverage").await;
    assert!(page.contains("应培训 <span id=\"coverage-required\">6</span> 人，计入覆盖 <span id=\"coverage-capped\">2</span> 人，覆盖率 <strong id=\"coverage-rate\">33.3%</strong>"), "{page}");
    assert!(page.contains("尚差 <strong>4</strong> 人"), "{page}");

    // B's pending trainee passes: 3 of 6.
    let pending: i64 = sqlx::query_scalar("SELECT id FROM trainees WHERE id_number = $1")
        .bind(id(5))
        .fetch_one(&app.db.superuser_pool().await)
        .await
        .unwrap();
    let path = format!("/training/sessions/{exam}/trainees/{pending}");
    let res = city.post_form(&format!("{path}/result"), &[("exam_passed", "yes"), ("certificate_no", "LN-001")]).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER, "{}", res.text().await.unwrap());
    let page = body(&city, "/training/coverage").await;
    assert!(page.contains("覆盖率 <strong id=\"coverage-rate\">50.0%</strong>"), "{page}");
    let employer_page = body(&city, &format!("/employers/{a}/training")).await;
    assert!(
        employer_page.contains("<td id=\"employer-rate\">66.7%</td>") || employer_page.contains(">66.7%</td>"),
        "{employer_page}"
    );
    assert!(employer_page.contains("危险化学品") && employer_page.contains("210102********"), "{employer_page}");

    // The province sees 沈阳 among every city; the employers below target with contacts.
    let province = app.login_as(Role::ProvinceOfficer, "210000").await;
    let all = body(&province, "/training/coverage").await;
    assert!(all.contains("大连市") && all.contains("50.0%") && all.contains("coverage-data"), "{all}");
    let below = body(&province, "/training/coverage/below?region=210100").await;
    assert!(below.contains("沈阳乙矿业有限公司") && below.contains("138****5678"), "{below}");
    assert!(below.contains("沈阳甲化工有限公司") && !below.contains("沈阳丙商贸有限公司"), "{below}");

    // Removing the passed trainee recounts: back to 2 of 6.
    assert_eq!(city.post_form(&format!("{path}/remove"), &[]).await.status(), StatusCode::SEE_OTHER);
    assert!(body(&city, "/training/coverage").await.contains("覆盖率 <strong id=\"coverage-rate\">33.3%</strong>"));

    // The rollups the pages read equal a count from the trainees themselves.
    let counted: i64 = sqlx::query_scalar(
        "SELECT coalesce(sum(capped), 0)::bigint FROM training_rollups WHERE division_code IN ('C26', 'B06')",
    )
    .fetch_one(&app.db.superuser_pool().await)
    .await
    .unwrap();
    assert_eq!(counted, 2);

    // The wholesaler turns out to make chemicals: its tallies follow it into a key industry, in
    // the rollups and the employer totals alike (5 more required, its 1 passed trainee counted).
    let pool = app.db.superuser_pool().await;
    sqlx::query("UPDATE employers SET division_code = 'C26' WHERE id = $1").bind(c).execute(&pool).await.unwrap();
    let page = body(&city, "/training/coverage").await;
    assert!(page.contains("应培训 <span id=\"coverage-required\">11</span> 人，计入覆盖 <span id=\"coverage-capped\">3</span> 人，覆盖率 <strong id=\"coverage-rate\">27.3%</strong>"), "{page}");
    let (rollups, totals, tallies): (i64, i64, i64) = sqlx::query_as(
        "SELECT (SELECT sum(capped)::bigint FROM training_rollups), (SELECT sum(capped)::bigint FROM training_employer_totals),
                (SELECT sum(least(trained, required))::bigint FROM training_tallies)",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!((rollups, totals), (tallies, tallies));
    let below = body(&city, "/training/coverage/below").await;
    assert!(below.contains("沈阳丙商贸有限公司"), "{below}");
}

#[tokio::test]
async fn id_card_numbers_stay_masked_unless_the_region_s_city_officer_unmasks_one() {
    let app = TestApp::spawn().await;
    let city = app.login_as(Role::CityOfficer, "210100").await;
    let code = credit_code("91210100MA0TRB001");
    let e = employer(&app.db, "210100", &code, "沈阳丁化工有限公司", "C26").await.0;
    assert_eq!(require(&city, e, ["1", "0", "0", "0", "2"]).await.status(), StatusCode::SEE_OTHER);
    let s = session(&city, "危险化学品企业主要负责人培训", false).await;
    assert_eq!(trainee(&city, s, &id(21), &code, "主要负责人", "").await.status(), StatusCode::SEE_OTHER);
    let t: i64 = sqlx::query_scalar("SELECT id FROM trainees").fetch_one(&app.db.superuser_pool().await).await.unwrap();
    let full = id(21);
    let agency = app.login_as(Role::AgencyOfficer, "210100").await;
    let partner = app.login_as(Role::PartnerOfficer, "210100").await;
    let province = app.login_as(Role::ProvinceOfficer, "210000").await;
    let pages = [
        format!("/training/sessions/{s}"),
        format!("/training/sessions/{s}/trainees/{t}"),
        format!("/employers/{e}/training"),
        "/training".to_string(),
        "/training/coverage".to_string(),
        "/training/coverage/below".to_string(),
    ];
    let exports = ["/training/coverage/export", "/training/coverage/below/export"];
    for user in [&city, &agency, &partner, &province] {
        for page in &pages {
            let res = user.get(page).await;
            assert_eq!(res.status(), StatusCode::OK, "{page}");
            assert!(!res.text().await.unwrap().contains(&full), "{page} shows the number in full");
        }
        for export in exports {
            let res = user.get(export).await;
            assert_eq!(res.status(), StatusCode::OK, "{export}");
            let bytes = res.bytes().await.unwrap();
            assert!(bytes.starts_with(b"PK") && !xlsx_text(&bytes).contains(&full), "{export}");
        }
    }
    // Only the region's city officer unmasks, and it is audited.
    let unmask = format!("/training/sessions/{s}/trainees/{t}/unmask");
    assert_eq!(agency.post_form(&unmask, &[]).await.status(), StatusCode::FORBIDDEN);
    let shown = city.post_form(&unmask, &[]).await.text().await.unwrap();
    assert!(shown.contains(&full), "{shown}");
    let audited: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM audit_log WHERE action = 'personal_data.unmask' AND object_type = 'trainee'",
    )
    .fetch_one(&app.db.superuser_pool().await)
    .await
    .unwrap();
    assert_eq!(audited, 1);

    // Another city finds nothing; an expert may not look.
    let dalian = app.login_as(Role::CityOfficer, "210200").await;
    assert_eq!(dalian.get(&format!("/training/sessions/{s}")).await.status(), StatusCode::NOT_FOUND);
    assert_eq!(dalian.get(&format!("/employers/{e}/training")).await.status(), StatusCode::NOT_FOUND);
    assert_eq!(trainee(&dalian, s, &id(22), &code, "主要负责人", "").await.status(), StatusCode::NOT_FOUND);
    assert_eq!(require(&dalian, e, ["1", "0", "0", "0", "0"]).await.status(), StatusCode::NOT_FOUND);
    let expert = app.login_as(Role::Expert, "210100").await;
    assert_eq!(expert.get("/training/coverage").await.status(), StatusCode::FORBIDDEN);
    // Partners read, never write.
    assert_eq!(trainee(&partner, s, &id(23), &code, "主要负责人", "").await.status(), StatusCode::FORBIDDEN);
}

fn csv(rows: &[[&str; 6]]) -> Vec<u8> {
    // Joined, so the CSV's commas stay ASCII commas.
    let header = ["姓名＊", "身份证号码＊", "用人单位统一社会信用代码＊", "人员类别＊", "考试是否通过", "证书编号"];
    let mut text = header.join(",") + "\r\n";
    for row in rows {
        text += &row.join(",");
        text += "\r\n";
    }
    text.into_bytes()
}

async fn run_jobs(app: &TestApp) {
    while prevention::jobs::run_once(&app.db.app_pool().await, "test-worker", prevention::server::JOB_RUNNERS)
        .await
        .unwrap()
    {}
}

#[tokio::test]
async fn a_trainee_list_imports_whole_or_not_at_all() {
    let app = TestApp::spawn().await;
    let city = app.login_as(Role::CityOfficer, "210100").await;
    let code = credit_code("91210100MA0TRC001");
    let e = employer(&app.db, "210100", &code, "沈阳戊化工有限公司", "C26").await.0;
    assert_eq!(require(&city, e, ["0", "0", "0", "0", "3"]).await.status(), StatusCode::SEE_OTHER);
    let s = session(&city, "一线班组长线上培训", true).await;
    let base = format!("/training/sessions/{s}/import");
    let (p1, p2, p3) = (id(31), id(32), id(33));
    // Row 3 repeats row 2's person; row 4's category is not the cycle's: nothing is written.
    let bad = csv(&[
        ["王一", &p1, &code, "一线班组长", "是", ""],
        ["王二", &p2, &code, "一线班组长", "是", ""],
        ["王二", &p2, &code, "一线班组长", "是", ""],
        ["王三", &p3, &code, "安全员", "否", ""],
    ]);
    let res = city.upload(&base, "", "名单.csv", bad).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let job = res.headers()["location"].to_str().unwrap().to_string();
    run_jobs(&app).await;
    let page = body(&city, &job).await;
    assert!(page.contains("与第 3 行重复") && page.contains("人员类别应为本周期的重点岗位之一"), "{page}");
    let written: i64 =
        sqlx::query_scalar("SELECT count(*) FROM trainees").fetch_one(&app.db.superuser_pool().await).await.unwrap();
    assert_eq!(written, 0);
    assert!(!page.contains(&p2), "the errors name the person masked: {page}");
    let marked = city.get(&format!("{job}/errors")).await;
    assert_eq!(marked.status(), StatusCode::OK);
    // The marked file holds the numbers as uploaded: only its uploader gets it back.
    let agency = app.login_as(Role::AgencyOfficer, "210100").await;
    assert_eq!(agency.get(&format!("{job}/errors")).await.status(), StatusCode::NOT_FOUND);

    let good = csv(&[
        ["王一", &p1, &code, "一线班组长", "是", "C-1"],
        ["王二", &p2, &code, "一线班组长", "是", "C-2"],
        ["王三", &p3, &code, "一线班组长", "否", ""],
    ]);
    let res = city.upload(&base, "", "名单.csv", good).await;
    let job = res.headers()["location"].to_str().unwrap().to_string();
    run_jobs(&app).await;
    assert!(body(&city, &job).await.contains("新增 3 人"), "imported");
    // Two passed of three required: 66.7%.
    assert!(body(&city, "/training/coverage").await.contains("覆盖率 <strong id=\"coverage-rate\">66.7%</strong>"));
    // Another city's officer does not reach the import.
    let dalian = app.login_as(Role::CityOfficer, "210200").await;
    assert_eq!(dalian.get(&base).await.status(), StatusCode::NOT_FOUND);
}
