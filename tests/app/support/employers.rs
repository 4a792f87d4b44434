//! Employers for tests, registered through the store in the province's scope.

use prevention::audit::AuditContext;
use prevention::db::{self, DbActor, Scope};
use prevention::employers::model::{EmployerForm, EmployerId};
use prevention::employers::store;

use super::TestDb;

const PROVINCE: DbActor = DbActor { scope: Scope::Province, account_id: None };

/// A small employer of the region `code` with this credit code, name and division.
pub async fn employer(db: &TestDb, code: &str, credit_code: &str, name: &str, division: &str) -> EmployerId {
    let pool = db.app_pool().await;
    let region = prevention::regions::store::find_by_code(&pool, code).await.expect("query").expect("region");
    let mut conn = pool.acquire().await.expect("connection");
    let divisions = prevention::industries::store::divisions(&mut conn).await.expect("divisions");
    drop(conn);
    let form = EmployerForm {
        credit_code: credit_code.into(),
        name: name.into(),
        division: division.into(),
        size: "small".into(),
        insured_headcount: "45".into(),
        contact_person: "张伟".into(),
        contact_phone: "13812345678".into(),
        ..EmployerForm::default()
    };
    let (input, _) = form.parse(&divisions).expect("a valid employer");
    let mut tx = db::begin(&pool, PROVINCE).await.expect("begin");
    let id = store::create(&mut tx, &AuditContext::default(), &region, &input).await.expect("create");
    tx.commit().await.expect("commit");
    id
}

/// A valid credit code ending a 17-character body.
pub fn credit_code(body: &str) -> String {
    prevention::values::CreditCode::completing(body).expect("a body of 17 characters").as_str().to_string()
}
