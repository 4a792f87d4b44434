//! Experts of the pool for tests, made through their store in the province's scope.

use prevention::audit::AuditContext;
use prevention::db::{self, DbActor, Scope};
use prevention::experts::model::{ExpertForm, ExpertId};

use super::TestDb;

const PROVINCE: DbActor = DbActor { scope: Scope::Province, account_id: None };

/// An expert of region `code`.
pub async fn expert(db: &TestDb, code: &str, name: &str, specialty: &str) -> ExpertId {
    let pool = db.app_pool().await;
    let region = prevention::regions::store::find_by_code(&pool, code).await.expect("query").expect("region");
    let form = ExpertForm {
        name: name.into(),
        specialty: specialty.into(),
        organization: "东北大学".into(),
        phone: "13912345678".into(),
        ..ExpertForm::new_for(code)
    };
    let (input, _) = form.parse().expect("a valid expert");
    let mut tx = db::begin(&pool, PROVINCE).await.expect("begin");
    let id =
        prevention::experts::store::create(&mut tx, &AuditContext::default(), region.id, &input).await.expect("create");
    tx.commit().await.expect("commit");
    id
}
