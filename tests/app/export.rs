//! The shared Excel export writes money as numbers, dates as dates, and masks personal data
//! unless told otherwise.

use std::io::Cursor;

use calamine::{Data, Reader, Xlsx};
use chrono::NaiveDate;
use prevention::web::export::{Cell, Column, Export, Kind};
use rust_decimal::Decimal;

async fn export(unmasked: bool) -> Vec<Vec<Data>> {
    let columns = [
        Column::new("单位", Kind::Text, 20.0),
        Column::new("金额（元）", Kind::Money, 14.0),
        Column::new("日期", Kind::Date, 12.0),
        Column::new("联系电话", Kind::Phone, 14.0),
        Column::new("身份证号", Kind::IdNumber, 20.0),
    ];
    let mut e = Export::new("测试", "测试", &[("年度", "2026".to_string())], &columns, unmasked).unwrap();
    e.push(vec![
        "沈阳市人社局".into(),
        Cell::Money(Decimal::new(123456789, 2)),
        Cell::Date(NaiveDate::from_ymd_opt(2026, 12, 15).unwrap()),
        "13812345678".into(),
        "110101199003074514".into(),
    ])
    .unwrap();
    let response = e.into_response().await.unwrap();
    let bytes = axum::body::to_bytes(response.into_body(), usize::MAX).await.unwrap();
    let mut book: Xlsx<_> = Xlsx::new(Cursor::new(bytes.to_vec())).unwrap();
    let range = book.worksheet_range("数据").unwrap();
    range.rows().map(|r| r.to_vec()).collect()
}

#[tokio::test]
async fn money_dates_and_personal_data_are_written_as_they_should_be() {
    let rows = export(false).await;
    assert_eq!(rows[1][0], Data::String("年度：2026".into()), "filters above the table");
    let data = rows.last().unwrap();
    assert_eq!(data[1], Data::Float(1234567.89), "money is a number");
    assert!(matches!(data[2], Data::DateTime(_)), "a date is a date: {:?}", data[2]);
    assert_eq!(data[3], Data::String("138****5678".into()));
    assert_eq!(data[4], Data::String("110101********4514".into()));

    let unmasked = export(true).await;
    assert_eq!(unmasked.last().unwrap()[3], Data::String("13812345678".into()));
}

#[tokio::test]
async fn the_work_files_have_no_name_and_live_in_a_private_folder() {
    use std::os::unix::fs::PermissionsExt;
    let dir = std::env::temp_dir().join(format!("prevention-export-test-{}", crate::support::random_suffix()));
    let columns = [Column::new("单位", Kind::Text, 20.0)];
    let mut e = Export::new_in(&dir, "测试", "测试", &[], &columns, false).unwrap();
    let mode = std::fs::metadata(&dir).unwrap().permissions().mode();
    assert_eq!(mode & 0o777, 0o700, "made private to the server's user");
    for i in 0..1000 {
        e.push(vec![format!("单位{i}").into()]).unwrap();
    }
    let response = e.into_response().await.unwrap();
    assert_eq!(std::fs::read_dir(&dir).unwrap().count(), 0, "no file with a name, at any moment");
    let bytes = axum::body::to_bytes(response.into_body(), usize::MAX).await.unwrap();
    assert!(bytes.starts_with(b"PK"), "and still streamed whole");
    std::fs::remove_dir(&dir).unwrap();
}

#[tokio::test]
async fn a_work_folder_open_to_others_or_a_link_is_refused() {
    use std::os::unix::fs::PermissionsExt;
    let columns = [Column::new("单位", Kind::Text, 20.0)];
    let open = std::env::temp_dir().join(format!("prevention-export-open-{}", crate::support::random_suffix()));
    std::fs::create_dir(&open).unwrap();
    std::fs::set_permissions(&open, std::fs::Permissions::from_mode(0o777)).unwrap();
    assert!(Export::new_in(&open, "测试", "测试", &[], &columns, false).is_err(), "world-writable");
    let link = std::env::temp_dir().join(format!("prevention-export-link-{}", crate::support::random_suffix()));
    std::os::unix::fs::symlink(&open, &link).unwrap();
    assert!(Export::new_in(&link, "测试", "测试", &[], &columns, false).is_err(), "a symlink");
    std::fs::remove_file(&link).unwrap();
    std::fs::remove_dir(&open).unwrap();
}

/// Exports take turns on the spare cores; one waiting for its turn is answered when its turn
/// comes, even past the ordinary request timeout (exports have their own, longer one).
#[tokio::test]
async fn an_export_waiting_for_its_turn_is_answered_not_timed_out() {
    use crate::support::TestApp;
    use prevention::org::Role;
    let app = TestApp::spawn_with(axum::Router::new(), |s| {
        s.request_timeout_secs = 1;
        s.export_timeout_secs = 30;
    })
    .await;
    let officer = app.login_as(Role::CityOfficer, "210100").await;
    let mut busy = Vec::new();
    for _ in 0..prevention::resources::heavy_work_slots() {
        busy.push(prevention::web::export::slot().await.unwrap());
    }
    let waiting = tokio::spawn(async move { officer.get("/employers/export").await });
    tokio::time::sleep(std::time::Duration::from_millis(2_500)).await;
    assert!(!waiting.is_finished(), "the export waits while every slot is taken");
    drop(busy);
    let res = waiting.await.unwrap();
    assert_eq!(res.status(), reqwest::StatusCode::OK, "answered, not 503, after 2.5 s in the queue");
    let bytes = res.bytes().await.unwrap();
    assert!(Xlsx::new(Cursor::new(bytes.to_vec())).is_ok(), "a workbook");

    // An ordinary page still has the short limit; the export route alone has the long one.
    assert!(prevention::web::middleware::is_export(&axum::http::Method::GET, "/employers/export"));
    assert!(!prevention::web::middleware::is_export(&axum::http::Method::POST, "/employers/export"));
    assert!(!prevention::web::middleware::is_export(&axum::http::Method::GET, "/employers/exports-help"));
}
