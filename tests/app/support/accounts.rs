//! Accounts for tests, made through the accounts store as the operator's command would.

use std::sync::OnceLock;

use prevention::access::resolve_assignment;
use prevention::accounts::{NewAccount, Username};
use prevention::org::{AccountId, DepartmentKind, Role};
use sqlx::PgPool;

use super::{TestApp, random_suffix};

/// The password of every account the tests create.
pub const TEST_PASSWORD: &str = "Ceshi#Mima2026";

/// The hash of [`TEST_PASSWORD`], computed once per process (argon2 is deliberately slow).
fn test_password_hash() -> &'static str {
    static HASH: OnceLock<String> = OnceLock::new();
    HASH.get_or_init(|| prevention::auth::password::hash_blocking(TEST_PASSWORD).expect("hash"))
}

impl TestApp {
    /// Creates an account (password [`TEST_PASSWORD`], no change owed) of `role` in `region` (a
    /// code; empty for none) and returns its username.
    pub async fn create_account(&self, role: Role, region: &str, department: Option<DepartmentKind>) -> String {
        let pool = self.db.app_pool().await;
        let username = format!("t_{}", random_suffix());
        create(&pool, &username, role, region, department).await;
        pool.close().await;
        username
    }
}

/// Creates an account; administrators get a second factor, as if enrolled.
pub async fn create(
    pool: &PgPool,
    username: &str,
    role: Role,
    region: &str,
    department: Option<DepartmentKind>,
) -> AccountId {
    let region = match region {
        "" => None,
        code => Some(prevention::regions::store::find_by_code(pool, code).await.expect("query").expect("region")),
    };
    let department = resolve_assignment(role, region.as_ref().map(|r| r.level), department).expect("assignment");
    let account = NewAccount {
        username: Username::parse(username).expect("username"),
        display_name: format!("测试{}", role.label()),
        role: Some(role),
        region_id: region.map(|r| r.id),
        department,
        password_hash: test_password_hash().to_string(),
        must_change_password: false,
    };
    let id = prevention::accounts::store::create(pool, &account).await.expect("create account");
    if role.is_administrator() {
        let secret = prevention::auth::totp::generate_secret();
        prevention::auth::store::set_pending_totp_secret(pool, id, &secret).await.expect("enrol");
        let mut conn = pool.acquire().await.expect("connection");
        prevention::auth::store::enable_totp(&mut conn, id, 0, &[]).await.expect("enrol");
    }
    id
}

/// The id of an account by its username.
pub async fn id_of(pool: &PgPool, username: &str) -> AccountId {
    prevention::accounts::store::find_by_username(pool, username).await.expect("query").expect("account").id
}
