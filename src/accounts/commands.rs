//! The operator's account commands (`prevention user …`), each one transaction with its audit
//! record. The administrators' pages will call the same operations.

use anyhow::{Context, bail};
use sqlx::PgPool;

use super::model::{AccountId, NewAccount};
use super::store::{self, AccountRecord};
use crate::access::{Role, resolve_assignment};
use crate::audit::{self, AuditContext, Event};
use crate::auth::{password, store as auth_store};
use crate::departments::DepartmentKind;
use crate::regions::{self, Region};

async fn account(pool: &PgPool, username: &str) -> anyhow::Result<AccountRecord> {
    store::find_by_username(pool, username).await?.with_context(|| format!("用户「{username}」不存在"))
}

async fn region(pool: &PgPool, code: Option<&str>) -> anyhow::Result<Option<Region>> {
    match code {
        None => Ok(None),
        Some(code) => Ok(Some(
            regions::store::find_by_code(pool, code).await?.with_context(|| format!("地区代码「{code}」不存在"))?,
        )),
    }
}

/// Creates an account with its role (checked against the role table).
pub async fn create(
    pool: &PgPool,
    ctx: &AuditContext,
    mut account: NewAccount,
    region_code: Option<&str>,
) -> anyhow::Result<(AccountId, Option<Region>)> {
    let region = region(pool, region_code).await?;
    if let Some(role) = account.role {
        account.department = resolve_assignment(role, region.as_ref().map(|r| r.level), account.department)?;
    }
    account.region_id = region.as_ref().map(|r| r.id);
    let mut tx = pool.begin().await?;
    let id = store::create(&mut *tx, &account).await?;
    let after = serde_json::json!({
        "username": account.username.as_str(),
        "display_name": account.display_name,
        "role": account.role.map(|r| r.as_str()),
        "region_id": account.region_id.map(|r| r.0),
        "department_kind": account.department.map(|d| d.as_str()),
    });
    let event = Event::new("account.create").object("account", id).change(serde_json::Value::Null, after);
    audit::record(&mut tx, ctx, event).await?;
    tx.commit().await?;
    Ok((id, region))
}

/// Sets a new one-time password that must be changed at the next sign-in; unlocks the account
/// and ends its sessions. Returns the password, to be shown once.
pub async fn reset_password(
    pool: &PgPool,
    ctx: &AuditContext,
    username: &str,
    keep_history: u32,
) -> anyhow::Result<String> {
    let account = account(pool, username).await?;
    let one_time = password::generate_one_time_password();
    let hash = password::hash(one_time.clone()).await?;
    let mut tx = pool.begin().await?;
    auth_store::set_password(&mut tx, account.id, &hash, true, keep_history).await?;
    auth_store::end_sessions(&mut tx, account.id, None).await?;
    audit::record(&mut tx, ctx, Event::new("password.reset").object("account", account.id)).await?;
    tx.commit().await?;
    Ok(one_time)
}

/// Disables an account and ends all its sessions at once.
pub async fn disable(pool: &PgPool, ctx: &AuditContext, username: &str) -> anyhow::Result<()> {
    let before = account(pool, username).await?;
    if before.disabled {
        bail!("用户「{username}」已是停用状态");
    }
    let mut tx = pool.begin().await?;
    store::disable(&mut tx, before.id).await?;
    let ended = auth_store::end_sessions(&mut tx, before.id, None).await?;
    let after = AccountRecord { disabled: true, ..before.clone() };
    let event = Event::new("account.disable")
        .object("account", before.id)
        .detail(format!("结束会话 {ended} 个"))
        .change(before.audit_copy(), after.audit_copy());
    audit::record(&mut tx, ctx, event).await?;
    tx.commit().await?;
    Ok(())
}

/// Lifts a lockout before its time.
pub async fn unlock(pool: &PgPool, ctx: &AuditContext, username: &str) -> anyhow::Result<()> {
    let account = account(pool, username).await?;
    let mut tx = pool.begin().await?;
    store::unlock(&mut tx, account.id).await?;
    audit::record(&mut tx, ctx, Event::new("account.unlock").object("account", account.id)).await?;
    tx.commit().await?;
    Ok(())
}

/// Assigns a role. The region and department default to the account's current ones.
pub async fn set_role(
    pool: &PgPool,
    ctx: &AuditContext,
    username: &str,
    role: Role,
    region_code: Option<&str>,
    department: Option<DepartmentKind>,
) -> anyhow::Result<AccountRecord> {
    let before = account(pool, username).await?;
    let region = match region_code {
        Some(code) => region(pool, Some(code)).await?,
        None if role.is_administrator() || role == Role::Expert => None,
        None => match before.region_id {
            Some(id) => regions::store::list(pool).await?.into_iter().find(|r| r.id == id),
            None => None,
        },
    };
    // A partner officer keeps their department unless another is named; the other roles imply
    // theirs (or have none).
    let department = match role {
        Role::PartnerOfficer => department.or(before.department.filter(|d| d.is_partner())),
        _ => department,
    };
    let department = resolve_assignment(role, region.as_ref().map(|r| r.level), department)?;
    let after =
        AccountRecord { role: Some(role), region_id: region.as_ref().map(|r| r.id), department, ..before.clone() };
    let mut tx = pool.begin().await?;
    store::set_role(&mut tx, before.id, after.role, after.region_id, after.department).await?;
    let event = Event::new("role.assign").object("account", before.id).change(before.audit_copy(), after.audit_copy());
    audit::record(&mut tx, ctx, event).await?;
    tx.commit().await?;
    Ok(after)
}
