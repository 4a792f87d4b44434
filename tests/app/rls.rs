//! Row-level security, connected as prevention_app: the second layer of tenant isolation holds
//! even if a store function forgot its filter.

use prevention::db::{self, DbActor, Scope};
use prevention::org::AccountId;
use prevention::org::RegionId;
use prevention::regions;
use sqlx::PgPool;
use sqlx::postgres::PgPoolOptions;

use crate::support::TestDb;

async fn region(pool: &PgPool, code: &str) -> RegionId {
    regions::store::find_by_code(pool, code).await.unwrap().unwrap().id
}

fn city(id: RegionId) -> DbActor {
    DbActor::new(Scope::Region(id), Some(AccountId(1)))
}

async fn count(tx: &mut sqlx::PgConnection, sql: &'static str) -> i64 {
    sqlx::query_scalar(sql).fetch_one(tx).await.unwrap()
}

#[tokio::test]
async fn a_city_sees_only_its_own_rows() {
    let db = TestDb::create().await;
    let pool = db.app_pool().await;
    let (shenyang, dalian) = (region(&pool, "210100").await, region(&pool, "210200").await);

    let mut tx = db::begin(&pool, city(shenyang)).await.unwrap();
    assert_eq!(count(&mut tx, "SELECT count(*) FROM departments").await, 10);
    let foreign: i64 = sqlx::query_scalar("SELECT count(*) FROM departments WHERE region_id = $1")
        .bind(dalian.0)
        .fetch_one(&mut *tx)
        .await
        .unwrap();
    assert_eq!(foreign, 0);
    let distinct: Vec<i64> =
        sqlx::query_scalar("SELECT DISTINCT region_id FROM departments").fetch_all(&mut *tx).await.unwrap();
    assert_eq!(distinct, vec![shenyang.0]);
}

#[tokio::test]
async fn a_city_cannot_write_another_citys_rows() {
    let db = TestDb::create().await;
    let pool = db.app_pool().await;
    let (shenyang, dalian) = (region(&pool, "210100").await, region(&pool, "210200").await);

    // Insert into another city: refused by the policy's WITH CHECK.
    let mut tx = db::begin(&pool, city(shenyang)).await.unwrap();
    let insert = sqlx::query("INSERT INTO departments (region_id, kind, name) VALUES ($1, 'hrss', '冒充')")
        .bind(dalian.0)
        .execute(&mut *tx)
        .await;
    let err = insert.unwrap_err();
    assert_eq!(err.as_database_error().and_then(|e| e.code()).as_deref(), Some("42501"), "{err}");
    tx.rollback().await.unwrap();

    // Update and delete of another city's rows touch nothing.
    let mut tx = db::begin(&pool, city(shenyang)).await.unwrap();
    let updated = sqlx::query("UPDATE departments SET contact_person = '篡改' WHERE region_id = $1")
        .bind(dalian.0)
        .execute(&mut *tx)
        .await
        .unwrap();
    assert_eq!(updated.rows_affected(), 0);
    let deleted =
        sqlx::query("DELETE FROM departments WHERE region_id = $1").bind(dalian.0).execute(&mut *tx).await.unwrap();
    assert_eq!(deleted.rows_affected(), 0);
    // Moving an own row into another city is refused as well.
    let moved = sqlx::query("UPDATE departments SET region_id = $1 WHERE region_id = $2")
        .bind(dalian.0)
        .bind(shenyang.0)
        .execute(&mut *tx)
        .await;
    assert!(moved.is_err());
    tx.rollback().await.unwrap();

    // Dalian's rows are untouched, as the province sees them.
    let mut tx = db::begin(&pool, DbActor::new(Scope::Province, None)).await.unwrap();
    let intact: i64 =
        sqlx::query_scalar("SELECT count(*) FROM departments WHERE region_id = $1 AND contact_person = ''")
            .bind(dalian.0)
            .fetch_one(&mut *tx)
            .await
            .unwrap();
    assert_eq!(intact, 10);
}

#[tokio::test]
async fn no_scope_sees_nothing_and_writes_nothing() {
    let db = TestDb::create().await;
    let pool = db.app_pool().await;
    let shenyang = region(&pool, "210100").await;

    let mut tx = db::begin(&pool, DbActor::SYSTEM).await.unwrap();
    assert_eq!(count(&mut tx, "SELECT count(*) FROM departments").await, 0);
    let insert = sqlx::query("INSERT INTO departments (region_id, kind, name) VALUES ($1, 'hrss', 'x')")
        .bind(shenyang.0)
        .execute(&mut *tx)
        .await;
    assert!(insert.is_err());
    tx.rollback().await.unwrap();

    // Outside any transaction of ours, nothing either.
    let plain: i64 = sqlx::query_scalar("SELECT count(*) FROM departments").fetch_one(&pool).await.unwrap();
    assert_eq!(plain, 0);
}

#[tokio::test]
async fn the_province_sees_every_region() {
    let db = TestDb::create().await;
    let pool = db.app_pool().await;
    let mut tx = db::begin(&pool, DbActor::new(Scope::Province, Some(AccountId(1)))).await.unwrap();
    assert_eq!(count(&mut tx, "SELECT count(*) FROM departments").await, 150);
    assert_eq!(count(&mut tx, "SELECT count(DISTINCT region_id) FROM departments").await, 15);
}

#[tokio::test]
async fn a_pooled_connection_forgets_the_previous_scope() {
    let db = TestDb::create().await;
    // One connection, so the second transaction surely reuses the first one's connection.
    let pool =
        PgPoolOptions::new().max_connections(1).connect_with(db.options(prevention::db::APP_ROLE)).await.unwrap();
    let shenyang = region(&pool, "210100").await;

    let mut tx = db::begin(&pool, city(shenyang)).await.unwrap();
    assert_eq!(count(&mut tx, "SELECT count(*) FROM departments").await, 10);
    tx.commit().await.unwrap();

    let mut tx = pool.begin().await.unwrap();
    assert_eq!(count(&mut tx, "SELECT count(*) FROM departments").await, 0, "after commit");
    let scope: String =
        sqlx::query_scalar("SELECT current_setting('app.scope', true)").fetch_one(&mut *tx).await.unwrap();
    assert_eq!(scope, "");
    tx.commit().await.unwrap();

    // And after a rolled-back one.
    let mut tx = db::begin(&pool, DbActor::new(Scope::Province, None)).await.unwrap();
    assert_eq!(count(&mut tx, "SELECT count(*) FROM departments").await, 150);
    tx.rollback().await.unwrap();
    let plain: i64 = sqlx::query_scalar("SELECT count(*) FROM departments").fetch_one(&pool).await.unwrap();
    assert_eq!(plain, 0, "after rollback");
}

#[tokio::test]
async fn the_account_id_is_visible_to_the_transaction() {
    let db = TestDb::create().await;
    let pool = db.app_pool().await;
    let mut tx = db::begin(&pool, DbActor::new(Scope::Province, Some(AccountId(42)))).await.unwrap();
    let id: String = sqlx::query_scalar("SELECT current_setting('app.account_id')").fetch_one(&mut *tx).await.unwrap();
    assert_eq!(id, "42");
}
