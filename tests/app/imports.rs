//! The shared import and the background jobs, through the employer import: all or nothing;
//! every error with its row and column, and the file sent back marked; GBK CSV and .xls;
//! re-import updates by credit code; a file of the wrong type refused; one import per region
//! at a time; a job whose instance dies is finished by another, or failed, never half done.

use std::io::Cursor;
use std::time::Duration;

use calamine::{Reader, Xlsx};
use prevention::org::Role;
use prevention::values::CreditCode;
use reqwest::StatusCode;
use rust_xlsxwriter::Workbook;

use crate::support::{TestApp, TestUser};

const HEADER: [&str; 6] = ["统一社会信用代码＊", "单位名称＊", "行业大类代码＊", "规模＊", "参保人数", "联系电话"];

fn code(n: usize) -> String {
    let body = format!("91210100MA{:07}", n);
    CreditCode::completing(&body).unwrap().as_str().to_string()
}

fn good_row(n: usize) -> Vec<String> {
    vec![code(n), format!("沈阳导入测试{n}有限公司"), "C26".into(), "小型".into(), "25".into(), "13812345678".into()]
}

fn xlsx(rows: &[Vec<String>]) -> Vec<u8> {
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    for (c, h) in HEADER.iter().enumerate() {
        sheet.write_string(0, c as u16, *h).unwrap();
    }
    for (r, row) in rows.iter().enumerate() {
        for (c, cell) in row.iter().enumerate() {
            sheet.write_string(r as u32 + 1, c as u16, cell).unwrap();
        }
    }
    book.save_to_buffer().unwrap()
}

fn csv_gbk(rows: &[Vec<String>]) -> Vec<u8> {
    let mut text = HEADER.join(",") + "\r\n";
    for row in rows {
        text += &row.join(",");
        text += "\r\n";
    }
    let (bytes, _, unmappable) = encoding_rs::GBK.encode(&text);
    assert!(!unmappable);
    bytes.into_owned()
}

/// Uploads a file to the employer import; the job's page it leads to.
async fn upload(user: &TestUser, name: &str, content: Vec<u8>) -> reqwest::Response {
    user.upload("/employers/import", "", name, content).await
}

fn job_of(res: &reqwest::Response) -> String {
    assert_eq!(res.status(), StatusCode::SEE_OTHER, "queued");
    res.headers()["location"].to_str().unwrap().trim_start_matches("/employers/import/").to_string()
}

async fn run_jobs(app: &TestApp, worker: &str) -> bool {
    prevention::jobs::run_once(&app.db.app_pool().await, worker, prevention::server::JOB_RUNNERS).await.unwrap()
}

async fn employers_of(app: &TestApp) -> i64 {
    let pool = app.db.app_pool().await;
    let scope = prevention::db::DbActor::new(prevention::db::Scope::Province, None);
    let mut tx = prevention::db::begin(&pool, scope).await.unwrap();
    let n = sqlx::query_scalar("SELECT count(*) FROM employers").fetch_one(&mut *tx).await.unwrap();
    tx.commit().await.unwrap();
    n
}

#[tokio::test]
async fn one_bad_row_in_1000_imports_nothing_and_reports_that_row() {
    let app = TestApp::spawn().await;
    let city = app.login_as(Role::CityOfficer, "210100").await;
    let mut rows: Vec<Vec<String>> = (0..1000).map(good_row).collect();
    rows[499][0] = "91210100MA000000I0".into(); // I is not in the alphabet; sheet row 501
    let job = job_of(&upload(&city, "用人单位.xlsx", xlsx(&rows)).await);
    let waiting = city.get(&format!("/employers/import/{job}")).await.text().await.unwrap();
    assert!(waiting.contains("排队中") && waiting.contains("http-equiv=\"refresh\""), "the page follows the job");
    assert!(run_jobs(&app, "worker-a").await);

    assert_eq!(employers_of(&app).await, 0, "nothing imported");
    let page = city.get(&format!("/employers/import/{job}")).await.text().await.unwrap();
    assert!(page.contains("文件共 1000 行，发现 1 处错误，全部未导入"), "{page}");
    assert!(page.contains("<td>501</td><td>统一社会信用代码</td><td>91210100MA000000I0</td>"));
    assert!(!page.contains("http-equiv=\"refresh\""), "finished: no more refreshing");

    // The file back, every row kept, the bad one marked.
    let res = city.get(&format!("/employers/import/{job}/errors")).await;
    assert_eq!(res.status(), StatusCode::OK);
    let mut book = Xlsx::new(Cursor::new(res.bytes().await.unwrap().to_vec())).unwrap();
    let sheet = book.worksheet_range_at(0).unwrap().unwrap();
    let all: Vec<Vec<String>> = sheet.rows().map(|r| r.iter().map(|c| c.to_string()).collect()).collect();
    assert_eq!(all.len(), 1001);
    assert_eq!(all[0].last().unwrap(), "错误说明");
    assert!(all[500].last().unwrap().starts_with("第 501 行：统一社会信用代码："), "{:?}", all[500]);
    assert_eq!(all[499].last().unwrap(), "", "good rows carry no error");

    // Corrected: all 1000 imported in one go.
    rows[499] = good_row(499);
    let job = job_of(&upload(&city, "用人单位.xlsx", xlsx(&rows)).await);
    assert!(run_jobs(&app, "worker-a").await);
    assert_eq!(employers_of(&app).await, 1000);
    let page = city.get(&format!("/employers/import/{job}")).await.text().await.unwrap();
    assert!(page.contains("导入完成：共 1000 行，新增 1000 家，更新 0 家，未变 0 家"));
    let audited: Vec<String> = sqlx::query_scalar("SELECT detail FROM audit_log WHERE action = 'import.employers'")
        .fetch_all(&app.db.app_pool().await)
        .await
        .unwrap();
    assert_eq!(audited, ["导入用人单位：共 1000 行，新增 1000，更新 0，未变 0"]);
}

#[tokio::test]
async fn every_error_is_reported_with_its_row_and_column_from_a_gbk_csv() {
    let app = TestApp::spawn().await;
    let city = app.login_as(Role::CityOfficer, "210100").await;
    let mut rows: Vec<Vec<String>> = (0..5).map(good_row).collect();
    rows[0][2] = "Z99".into(); // row 2: division
    rows[1][1] = String::new(); // row 3: name
    rows[2][3] = "巨型".into(); // row 4: size
    rows[4][0] = code(3); // row 6: the same code as row 5
    let job = job_of(&upload(&city, "用人单位.csv", csv_gbk(&rows)).await);
    assert!(run_jobs(&app, "worker-a").await);
    let page = city.get(&format!("/employers/import/{job}")).await.text().await.unwrap();
    for (row, column) in [(2, "行业大类代码"), (3, "单位名称"), (4, "规模"), (6, "统一社会信用代码")]
    {
        assert!(page.contains(&format!("<td>{row}</td><td>{column}</td>")), "row {row}, {column}: {page}");
    }
    assert!(page.contains("与第 5 行重复"));
    assert!(page.contains("发现 4 处错误"));
    assert_eq!(employers_of(&app).await, 0);
}

#[tokio::test]
async fn gbk_csv_and_xls_import_and_a_reimport_updates_by_credit_code() {
    let app = TestApp::spawn().await;
    let city = app.login_as(Role::CityOfficer, "210100").await;
    let rows: Vec<Vec<String>> = (0..3).map(good_row).collect();
    let job = job_of(&upload(&city, "第一批.csv", csv_gbk(&rows)).await);
    assert!(run_jobs(&app, "worker-a").await);
    let page = city.get(&format!("/employers/import/{job}")).await.text().await.unwrap();
    assert!(page.contains("新增 3 家，更新 0 家，未变 0 家"), "{page}");
    let list = city.get("/employers?q=%E5%AF%BC%E5%85%A5%E6%B5%8B%E8%AF%951").await.text().await.unwrap();
    assert!(list.contains("沈阳导入测试1有限公司"), "read as GBK: the names are whole");

    // Again: one renamed, one as it was, one new, one the same as before.
    let mut again = rows.clone();
    again[0][1] = "沈阳导入测试0（更名）有限公司".into();
    again.push(good_row(3));
    let job = job_of(&upload(&city, "第二批.xlsx", xlsx(&again)).await);
    assert!(run_jobs(&app, "worker-a").await);
    let page = city.get(&format!("/employers/import/{job}")).await.text().await.unwrap();
    assert!(page.contains("共 4 行，新增 1 家，更新 1 家，未变 2 家"), "{page}");
    assert_eq!(employers_of(&app).await, 4);

    // Excel 97-2003, as older WPS saves it.
    let xls = std::fs::read(crate::support::manifest_dir().join("tests/fixtures/employers.xls")).unwrap();
    let job = job_of(&upload(&city, "旧版.xls", xls).await);
    assert!(run_jobs(&app, "worker-a").await);
    let page = city.get(&format!("/employers/import/{job}")).await.text().await.unwrap();
    assert!(page.contains("新增 3 家"), "{page}");
    let list = city.get("/employers?q=%E6%97%A7%E8%A1%A8").await.text().await.unwrap();
    assert!(list.contains("沈阳旧表建筑工程有限公司") && list.contains("共 3 家"));
}

#[tokio::test]
async fn a_wrong_file_or_a_second_import_at_once_is_refused_and_the_template_reads_back() {
    let app = TestApp::spawn().await;
    let city = app.login_as(Role::CityOfficer, "210100").await;
    let pdf = prevention::attachments::samples::pdf(2048);
    let res = upload(&city, "用人单位.xlsx", pdf).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert!(res.text().await.unwrap().contains("文件类型不符"), "a PDF named .xlsx");
    let res = upload(&city, "空.csv", Vec::new()).await;
    assert!(res.text().await.unwrap().contains("请选择要导入的文件"));

    let rows: Vec<Vec<String>> = (0..3).map(good_row).collect();
    job_of(&upload(&city, "甲.xlsx", xlsx(&rows)).await);
    let res = upload(&city, "乙.xlsx", xlsx(&rows)).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert!(res.text().await.unwrap().contains("已有一个用人单位导入正在处理"));
    // Another region is not held up.
    let dalian = app.login_as(Role::CityOfficer, "210200").await;
    job_of(&upload(&dalian, "丙.xlsx", xlsx(&rows)).await);

    let res = city.get("/employers/import/template").await;
    assert_eq!(res.status(), StatusCode::OK);
    let mut book = Xlsx::new(Cursor::new(res.bytes().await.unwrap().to_vec())).unwrap();
    assert_eq!(book.sheet_names(), ["用人单位", "填写说明"]);
    let sheet = book.worksheet_range_at(0).unwrap().unwrap();
    let header: Vec<String> = sheet.rows().next().unwrap().iter().map(|c| c.to_string()).collect();
    assert_eq!(header[..4], ["统一社会信用代码＊", "单位名称＊", "行业大类代码＊", "规模＊"]);
}

#[tokio::test]
async fn a_job_whose_instance_dies_is_finished_by_another_never_half_done() {
    let app = TestApp::spawn().await;
    let city = app.login_as(Role::CityOfficer, "210100").await;
    let pool = app.db.app_pool().await;
    let rows: Vec<Vec<String>> = (0..300).map(good_row).collect();
    let job = job_of(&upload(&city, "用人单位.xlsx", xlsx(&rows)).await);

    // Instance A claims it and dies before finishing: nothing written, B finds nothing to do
    // while A's lease holds.
    let claimed = prevention::jobs::claim(&pool, "instance-a", Duration::from_millis(800)).await.unwrap().unwrap();
    assert_eq!(claimed.id.to_string(), job);
    assert!(!run_jobs(&app, "instance-b").await, "the lease holds");
    assert_eq!(employers_of(&app).await, 0);
    let page = city.get(&format!("/employers/import/{job}")).await.text().await.unwrap();
    assert!(page.contains("处理中"), "any instance shows where it stands");

    // The lease runs out: B takes it over and does it whole.
    tokio::time::sleep(Duration::from_millis(1200)).await;
    assert!(run_jobs(&app, "instance-b").await);
    assert_eq!(employers_of(&app).await, 300);
    let page = city.get(&format!("/employers/import/{job}")).await.text().await.unwrap();
    assert!(page.contains("导入完成：共 300 行，新增 300 家"));

    // A wakes up and tries to finish: refused, so nothing twice.
    let scope = prevention::db::DbActor::new(prevention::db::Scope::Province, None);
    let mut tx = prevention::db::begin(&pool, scope).await.unwrap();
    let late = prevention::jobs::finish(&mut tx, &claimed, &serde_json::json!({})).await;
    assert!(matches!(late, Err(prevention::jobs::JobError::LeaseLost)));
    tx.rollback().await.unwrap();

    // A job claimed again and again without finishing is failed, with nothing written.
    let more: Vec<Vec<String>> = (300..310).map(good_row).collect();
    let stuck = job_of(&upload(&city, "第二批.xlsx", xlsx(&more)).await);
    let owner = app.db.owner_pool().await;
    crate::support::exec(
        &owner,
        &format!(
            "SELECT set_config('app.scope', 'province', false);
             UPDATE jobs SET status = 'running', attempts = {}, worker = 'gone', lease_until = now() - interval '1 second'
             WHERE id = {stuck}",
            prevention::jobs::MAX_ATTEMPTS
        ),
    )
    .await;
    run_jobs(&app, "instance-b").await;
    let page = city.get(&format!("/employers/import/{stuck}")).await.text().await.unwrap();
    assert!(page.contains("失败") && page.contains("未写入任何数据"), "{page}");
    assert_eq!(employers_of(&app).await, 300);
}

#[tokio::test]
async fn another_regions_import_is_404() {
    let app = TestApp::spawn().await;
    let city = app.login_as(Role::CityOfficer, "210100").await;
    let dalian = app.login_as(Role::CityOfficer, "210200").await;
    let rows: Vec<Vec<String>> = (0..2).map(good_row).collect();
    let job = job_of(&upload(&city, "用人单位.xlsx", xlsx(&rows)).await);
    assert_eq!(dalian.get(&format!("/employers/import/{job}")).await.status(), StatusCode::NOT_FOUND);
    assert_eq!(dalian.get(&format!("/employers/import/{job}/errors")).await.status(), StatusCode::NOT_FOUND);
}
