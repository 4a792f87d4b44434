//! Departments for tests, found through the departments store in the province's scope.

use prevention::db::{DbActor, Scope};
use prevention::departments::{DepartmentId, store};
use prevention::org::DepartmentKind;

use super::TestDb;

const PROVINCE: DbActor = DbActor { scope: Scope::Province, account_id: None };

/// The id of the department of `kind` (its stored name, e.g. "health") in the region `code`.
pub async fn department_id(db: &TestDb, code: &str, kind: &str) -> i64 {
    let pool = db.app_pool().await;
    let kind = DepartmentKind::parse(kind).expect("a department kind");
    let id = store::id_of(&pool, PROVINCE, code, kind).await.expect("query").expect("the department exists");
    pool.close().await;
    id.0
}

/// The department's current version (what an edit form carries).
pub async fn department_version(db: &TestDb, id: i64) -> i32 {
    let pool = db.app_pool().await;
    let department = store::find(&pool, PROVINCE, DepartmentId(id)).await.expect("query").expect("found");
    pool.close().await;
    department.version
}
