//! Experts of the pool for tests, made through their store in the province's scope.

use prevention::audit::AuditContext;
use prevention::db::{self, DbActor, Scope};
use prevention::experts::model::{ExpertForm, ExpertId};

use super::accounts::{TEST_PASSWORD, create};
use super::{TestApp, TestDb, TestUser, random_suffix};

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

/// A signed-in expert account for pool entry `expert` of 沈阳, linked as the system administrator
/// links it (the answered request `asked_by` made).
pub async fn expert_account(
    app: &TestApp,
    pool: &sqlx::PgPool,
    expert: i64,
    asked_by: prevention::org::AccountId,
) -> TestUser {
    let username = format!("t_{}", random_suffix());
    let account = create(&app.db.app_pool().await, &username, prevention::org::Role::Expert, "210100", None).await;
    sqlx::query(
        "INSERT INTO account_requests (kind, region_id, subject_id, display_name, requested_by, requested_by_name, account_id,
                                       handled_at)
         SELECT 'expert', id, $1, '专家', $2, '测试', $3, now() FROM regions WHERE code = '210100'",
    )
    .bind(expert)
    .bind(asked_by.0)
    .bind(account.0)
    .execute(pool)
    .await
    .unwrap();
    app.login(&username, TEST_PASSWORD).await.unwrap()
}
