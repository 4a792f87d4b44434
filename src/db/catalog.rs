//! The start-up catalog check (SECURITY.md "Access"): the server refuses to serve when the
//! runtime connection could bypass row-level security, or when a region table is unprotected.

use sqlx::PgPool;

/// Tables with a `region_id` whose access the application governs itself: login must find an
/// account before any scope is known, and the logs are written for every region.
pub const SYSTEM_TABLES: &[&str] = &["accounts", "sessions", "login_log", "audit_log", "account_requests"];

#[derive(Debug, thiserror::Error)]
pub enum CatalogError {
    #[error("拒绝启动，数据库权限配置不安全：\n{}", .0.join("\n"))]
    Unsafe(Vec<String>),
    #[error("读取数据库目录失败：{0}")]
    Query(#[from] sqlx::Error),
}

/// Runs every check on the runtime connection and reports all problems at once.
pub async fn check(pool: &PgPool) -> Result<(), CatalogError> {
    let mut problems = Vec::new();

    let role = sqlx::query!(
        r#"SELECT rolname AS "name!", rolsuper AS "superuser!", rolbypassrls AS "bypass_rls!"
           FROM pg_roles WHERE rolname = current_user"#
    )
    .fetch_one(pool)
    .await?;
    if role.superuser {
        problems.push(format!("- 运行时角色 {} 是超级用户（superuser）", role.name));
    }
    if role.bypass_rls {
        problems.push(format!("- 运行时角色 {} 具有 BYPASSRLS 权限", role.name));
    }

    let owned = sqlx::query_scalar!(
        r#"SELECT n.nspname || '.' || c.relname AS "name!"
           FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
           WHERE c.relowner = (SELECT oid FROM pg_roles WHERE rolname = current_user)
             AND c.relkind IN ('r', 'p', 'v', 'm', 'f')
             AND n.nspname NOT IN ('pg_catalog', 'information_schema')
             AND n.nspname NOT LIKE 'pg_temp%' AND n.nspname NOT LIKE 'pg_toast%'
           ORDER BY 1"#
    )
    .fetch_all(pool)
    .await?;
    for table in owned {
        problems.push(format!("- 运行时角色 {} 拥有表 {table}", role.name));
    }

    // Membership of an owning role gives its powers (ownership bypasses row security unless
    // forced, and may alter or drop anything): the database owner and every table owner count.
    let owners = sqlx::query_scalar!(
        r#"SELECT DISTINCT r.rolname AS "name!"
           FROM pg_roles r
           WHERE r.rolname <> current_user
             AND pg_has_role(current_user, r.oid, 'MEMBER')
             AND (r.oid = (SELECT datdba FROM pg_database WHERE datname = current_database())
                  OR EXISTS (SELECT FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                             WHERE c.relowner = r.oid AND n.nspname NOT IN ('pg_catalog', 'information_schema')
                               AND n.nspname NOT LIKE 'pg_toast%'))
           ORDER BY 1"#
    )
    .fetch_all(pool)
    .await?;
    for owner in owners {
        problems.push(format!("- 运行时角色 {} 是属主角色 {owner} 的成员", role.name));
    }

    // The audit log is append-only for the runtime role (SECURITY.md "Audit").
    let audit = sqlx::query!(
        r#"SELECT has_table_privilege(current_user, 'audit_log', 'UPDATE') AS "update!",
                  has_table_privilege(current_user, 'audit_log', 'DELETE') AS "delete!",
                  has_table_privilege(current_user, 'audit_log', 'TRUNCATE') AS "truncate!""#
    )
    .fetch_one(pool)
    .await?;
    for (held, privilege) in [(audit.update, "UPDATE"), (audit.delete, "DELETE"), (audit.truncate, "TRUNCATE")] {
        if held {
            problems.push(format!("- 运行时角色 {} 对审计日志 audit_log 具有 {privilege} 权限", role.name));
        }
    }

    // Creating objects would let it own tables (and functions that policies call).
    let creatable = sqlx::query_scalar!(
        r#"SELECT nspname AS "name!" FROM pg_namespace
           WHERE nspname NOT IN ('pg_catalog', 'information_schema') AND nspname NOT LIKE 'pg\_%'
             AND has_schema_privilege(current_user, oid, 'CREATE')
           ORDER BY 1"#
    )
    .fetch_all(pool)
    .await?;
    for schema in creatable {
        problems.push(format!("- 运行时角色 {} 在模式 {schema} 中具有 CREATE 权限", role.name));
    }

    let unprotected = sqlx::query_scalar!(
        r#"SELECT c.relname AS "name!"
           FROM pg_class c
           JOIN pg_namespace n ON n.oid = c.relnamespace
           JOIN pg_attribute a ON a.attrelid = c.oid AND a.attname = 'region_id' AND NOT a.attisdropped
           WHERE c.relkind IN ('r', 'p')
             AND n.nspname NOT IN ('pg_catalog', 'information_schema')
             AND c.relname::text <> ALL($1::text[])
             AND NOT (c.relrowsecurity AND c.relforcerowsecurity
                      AND EXISTS (SELECT FROM pg_policy p WHERE p.polrelid = c.oid))
           ORDER BY 1"#,
        SYSTEM_TABLES as &[&str]
    )
    .fetch_all(pool)
    .await?;
    for table in unprotected {
        problems.push(format!("- 地区数据表 {table} 未启用并强制行级安全（RLS）或没有策略"));
    }

    if problems.is_empty() { Ok(()) } else { Err(CatalogError::Unsafe(problems)) }
}
