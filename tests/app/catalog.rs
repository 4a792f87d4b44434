//! The start-up catalog check refuses connections and schemas that would bypass row-level
//! security.

use prevention::db::catalog::{self, CatalogError};
use prevention::db::local::SUPERUSER;
use sqlx::PgPool;

use crate::support::{TestDb, exec, random_suffix};

async fn problems(pool: &PgPool) -> Vec<String> {
    match catalog::check(pool).await {
        Ok(()) => Vec::new(),
        Err(CatalogError::Unsafe(problems)) => problems,
        Err(e) => panic!("the check itself failed: {e}"),
    }
}

/// A throwaway login role, dropped (with what it owns in the test database) at the end.
struct TempRole {
    name: String,
    su: PgPool,
}

impl TempRole {
    async fn create(db: &TestDb, attributes: &str) -> TempRole {
        let su = db.superuser_pool().await;
        let name = format!("t_role_{}", random_suffix());
        exec(&su, &format!("CREATE ROLE {name} LOGIN {attributes}")).await;
        TempRole { name, su }
    }

    async fn drop(self, db: &TestDb) {
        let owner_db = db.superuser_pool().await;
        exec(&owner_db, &format!("DROP OWNED BY {}", self.name)).await;
        owner_db.close().await;
        exec(&self.su, &format!("DROP ROLE {}", self.name)).await;
    }
}

#[tokio::test]
async fn the_runtime_role_passes() {
    let db = TestDb::create().await;
    assert_eq!(problems(&db.app_pool().await).await, Vec::<String>::new());
}

#[tokio::test]
async fn a_superuser_connection_is_refused() {
    let db = TestDb::create().await;
    let found = problems(&db.pool_as(SUPERUSER).await).await;
    assert!(found.iter().any(|p| p.contains("超级用户")), "{found:?}");
}

#[tokio::test]
async fn a_bypassrls_connection_is_refused() {
    let db = TestDb::create().await;
    let role = TempRole::create(&db, "BYPASSRLS").await;
    let pool = db.pool_as(&role.name).await;
    let found = problems(&pool).await;
    pool.close().await;
    role.drop(&db).await;
    assert!(found.iter().any(|p| p.contains("BYPASSRLS")), "{found:?}");
}

#[tokio::test]
async fn a_connection_owning_a_table_is_refused() {
    let db = TestDb::create().await;
    let role = TempRole::create(&db, "").await;
    let su = db.superuser_pool().await;
    exec(&su, &format!("CREATE TABLE notes (id int); ALTER TABLE notes OWNER TO {}", role.name)).await;
    let pool = db.pool_as(&role.name).await;
    let found = problems(&pool).await;
    pool.close().await;
    su.close().await;
    role.drop(&db).await;
    assert!(found.iter().any(|p| p.contains("拥有表 public.notes")), "{found:?}");
}

#[tokio::test]
async fn a_region_table_without_forced_rls_and_a_policy_is_refused() {
    let db = TestDb::create().await;
    let owner = db.owner_pool().await;
    let app = db.app_pool().await;

    exec(&owner, "CREATE TABLE widgets (region_id bigint NOT NULL, label text)").await;
    let found = problems(&app).await;
    assert!(found.iter().any(|p| p.contains("widgets")), "no RLS: {found:?}");

    exec(&owner, "ALTER TABLE widgets ENABLE ROW LEVEL SECURITY").await;
    assert!(problems(&app).await.iter().any(|p| p.contains("widgets")), "enabled, not forced, no policy");

    exec(&owner, "ALTER TABLE widgets FORCE ROW LEVEL SECURITY").await;
    assert!(problems(&app).await.iter().any(|p| p.contains("widgets")), "forced, no policy");

    exec(&owner, "CREATE POLICY widgets_in_scope ON widgets USING (app_region_visible(region_id))").await;
    assert_eq!(problems(&app).await, Vec::<String>::new(), "forced with a policy passes");
}

#[tokio::test]
async fn system_tables_are_exempt_by_name_only() {
    let db = TestDb::create().await;
    let owner = db.owner_pool().await;
    // accounts has region_id without RLS and passes; the same shape under another name does not.
    exec(&owner, "CREATE TABLE accounts_copy (region_id bigint)").await;
    let found = problems(&db.app_pool().await).await;
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(found[0].contains("accounts_copy"));
}

/// A login role with what the runtime role has, plus `extra` (run as the superuser in the test
/// database); returns the problems the check finds for it.
async fn problems_with_grant(extra: &str) -> Vec<String> {
    let db = TestDb::create().await;
    let role = TempRole::create(&db, "").await;
    let su = db.superuser_pool().await;
    exec(&su, &format!("GRANT prevention_app TO {name}; {}", extra.replace("{name}", &role.name), name = role.name))
        .await;
    su.close().await;
    let pool = db.pool_as(&role.name).await;
    let found = problems(&pool).await;
    pool.close().await;
    role.drop(&db).await;
    found
}

#[tokio::test]
async fn a_role_with_just_the_runtime_grants_passes() {
    assert_eq!(problems_with_grant("SELECT 1").await, Vec::<String>::new());
}

#[tokio::test]
async fn membership_of_the_owner_role_is_refused() {
    let found = problems_with_grant("GRANT prevention_owner TO {name}").await;
    assert!(found.iter().any(|p| p.contains("是属主角色 prevention_owner 的成员")), "{found:?}");
}

#[tokio::test]
async fn rewriting_the_audit_log_is_refused() {
    for privilege in ["UPDATE", "DELETE", "TRUNCATE"] {
        let found = problems_with_grant(&format!("GRANT {privilege} ON audit_log TO {{name}}")).await;
        assert!(
            found.iter().any(|p| p.contains(&format!("audit_log 具有 {privilege} 权限"))),
            "{privilege}: {found:?}"
        );
        assert_eq!(found.len(), 1, "{found:?}");
    }
}

#[tokio::test]
async fn create_on_the_schema_is_refused() {
    let found = problems_with_grant("GRANT CREATE ON SCHEMA public TO {name}").await;
    assert!(found.iter().any(|p| p.contains("在模式 public 中具有 CREATE 权限")), "{found:?}");
}
