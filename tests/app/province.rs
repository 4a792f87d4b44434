//! Seeding the province file: once per key, never undoing an officer's edit, adding new keys.

use std::path::Path;
use std::process::Command;

use prevention::province::{self, store::seed};
use sqlx::PgPool;

use crate::support::{TestDb, manifest_dir, province, province_file};

async fn scalar(pool: &PgPool, sql: &'static str) -> i64 {
    sqlx::query_scalar(sql).fetch_one(pool).await.unwrap()
}

/// Region-table counts need the province scope, even for the owner (RLS is forced).
async fn department_count(owner: &PgPool) -> i64 {
    let mut tx = prevention::db::begin(owner, prevention::db::DbActor::new(prevention::db::Scope::Province, None))
        .await
        .unwrap();
    sqlx::query_scalar("SELECT count(*) FROM departments").fetch_one(&mut *tx).await.unwrap()
}

#[tokio::test]
async fn the_province_file_is_seeded_once() {
    let db = TestDb::create().await;
    let owner = db.owner_pool().await;
    // The template was seeded from the shipped file.
    assert_eq!(scalar(&owner, "SELECT count(*) FROM regions").await, 15);
    assert_eq!(department_count(&owner).await, 150);
    assert_eq!(scalar(&owner, "SELECT count(*) FROM key_industries").await, 5);
    assert_eq!(scalar(&owner, "SELECT count(*) FROM cycles").await, 2);
    assert_eq!(scalar(&owner, "SELECT count(*) FROM cycle_departments").await, 17);
    let logged = scalar(&owner, "SELECT count(*) FROM seed_log").await;

    let report = seed(&owner, &province()).await.unwrap();
    assert_eq!(report.added, Vec::<String>::new());
    assert_eq!(scalar(&owner, "SELECT count(*) FROM regions").await, 15);
    assert_eq!(department_count(&owner).await, 150);
    assert_eq!(scalar(&owner, "SELECT count(*) FROM seed_log").await, logged);
}

#[tokio::test]
async fn edits_and_deletions_survive_the_next_start() {
    let db = TestDb::create().await;
    let owner = db.owner_pool().await;
    let mut conn = owner.acquire().await.unwrap();
    sqlx::raw_sql(
        "SET app.scope = 'province';
         UPDATE departments SET name = '沈阳市人社局（已更名）'
           WHERE kind = 'hrss' AND region_id = (SELECT id FROM regions WHERE code = '210100');
         DELETE FROM departments
           WHERE kind = 'union' AND region_id = (SELECT id FROM regions WHERE code = '210200');
         DELETE FROM key_industries WHERE key = 'machinery';
         UPDATE cycles SET plan_filing_due = '2026-07-31' WHERE first_year = 2026;
         RESET app.scope;",
    )
    .execute(&mut *conn)
    .await
    .unwrap();
    drop(conn);

    let report = seed(&owner, &province()).await.unwrap();
    assert!(report.added.is_empty(), "{:?}", report.added);

    let mut tx = prevention::db::begin(&owner, prevention::db::DbActor::new(prevention::db::Scope::Province, None))
        .await
        .unwrap();
    let name: String = sqlx::query_scalar(
        "SELECT name FROM departments WHERE kind = 'hrss' AND region_id = (SELECT id FROM regions WHERE code = '210100')",
    )
    .fetch_one(&mut *tx)
    .await
    .unwrap();
    assert_eq!(name, "沈阳市人社局（已更名）");
    let unions: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM departments WHERE kind = 'union' AND region_id = (SELECT id FROM regions WHERE code = '210200')",
    )
    .fetch_one(&mut *tx)
    .await
    .unwrap();
    assert_eq!(unions, 0);
    tx.commit().await.unwrap();
    assert_eq!(scalar(&owner, "SELECT count(*) FROM key_industries WHERE key = 'machinery'").await, 0);
    let due: chrono::NaiveDate = sqlx::query_scalar("SELECT plan_filing_due FROM cycles WHERE first_year = 2026")
        .fetch_one(&owner)
        .await
        .unwrap();
    assert_eq!(due.to_string(), "2026-07-31");
}

#[tokio::test]
async fn keys_added_to_the_file_later_are_added() {
    let db = TestDb::create().await;
    let owner = db.owner_pool().await;
    let text = std::fs::read_to_string(province_file()).unwrap()
        + "\n[[cities]]\ncode = \"219900\"\nname = \"试点市\"\n\n[[cycles]]\nfirst_year = 2031\nlast_year = 2035\nname = \"第三个五年行动计划\"\ndepartments = [\"hrss\", \"finance\"]\naccident_rate_reduction_percent = 5\ntraining_coverage_due = \"2035-12-31\"\nplan_filing_due = \"2031-06-30\"\nannual_report_due = \"12-15\"\n";
    let extended = province::model::parse(&text, Path::new("extended.toml")).unwrap();

    let report = seed(&owner, &extended).await.unwrap();
    assert!(report.added.contains(&"region:219900".to_string()));
    assert!(report.added.contains(&"department:219900:hrss".to_string()));
    assert!(report.added.contains(&"cycle:2031".to_string()));
    assert_eq!(report.added.len(), 1 + 10 + 1, "{:?}", report.added);

    assert_eq!(scalar(&owner, "SELECT count(*) FROM regions").await, 16);
    assert_eq!(department_count(&owner).await, 160);
    let parent: String =
        sqlx::query_scalar("SELECT p.code FROM regions r JOIN regions p ON p.id = r.parent_id WHERE r.code = '219900'")
            .fetch_one(&owner)
            .await
            .unwrap();
    assert_eq!(parent, "210000");
    let name: String = sqlx::query_scalar(
        "SELECT d.name FROM departments d JOIN regions r ON r.id = d.region_id WHERE r.code = '219900' AND d.kind = 'emergency'",
    )
    .fetch_one(&mut *prevention::db::begin(&owner, prevention::db::DbActor::new(prevention::db::Scope::Province, None)).await.unwrap())
    .await
    .unwrap();
    assert_eq!(name, "试点市应急管理局");
}

#[test]
fn a_malformed_file_stops_start_up_naming_its_line() {
    let dir = std::env::temp_dir().join(format!("prevention-bad-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let bad = dir.join("broken.toml");
    let text = std::fs::read_to_string(province_file()).unwrap().replacen("code = \"210300\"", "code = \"2103\"", 1);
    let line = text.lines().position(|l| l.contains("\"2103\"")).unwrap() + 1;
    std::fs::write(&bad, text).unwrap();

    let out = Command::new(env!("CARGO_BIN_EXE_prevention"))
        .arg("serve")
        .current_dir(manifest_dir())
        .env("PREVENTION_PROVINCE_FILE", &bad)
        .env("PREVENTION_LOCAL_DB_DIR", dir.join("pg"))
        .output()
        .unwrap();
    let started_something = dir.join("pg").exists();
    std::fs::remove_dir_all(&dir).unwrap();
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains(&format!("broken.toml 第 {line} 行")), "{stderr}");
    assert!(stderr.contains("应为 6 位数字"), "{stderr}");
    assert!(!started_something, "nothing was started before the file was checked");
}
