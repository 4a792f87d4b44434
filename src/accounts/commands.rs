//! The account service shared by the system administrator's pages, the security
//! administrator's role assignment and the operator's command line (`prevention user …`). Each
//! operation is one transaction with its audit record.

use sqlx::PgPool;

use super::model::{Account, NewAccount};
use super::store;
use crate::access::resolve_assignment;
use crate::audit::{self, Action, AuditContext, Event};
use crate::auth::{password, store as auth_store};
use crate::error::WriteError;
use crate::org::{AccountId, DepartmentKind, Region, Role};
use crate::regions;

async fn account(pool: &PgPool, username: &str) -> Result<Account, WriteError> {
    store::find_by_username(pool, username)
        .await?
        .ok_or_else(|| WriteError::refused(format!("用户「{username}」不存在")))
}

async fn region(pool: &PgPool, code: Option<&str>) -> Result<Option<Region>, WriteError> {
    match code {
        None => Ok(None),
        Some(code) => regions::store::find_by_code(pool, code)
            .await?
            .map(Some)
            .ok_or_else(|| WriteError::refused(format!("地区代码「{code}」不存在"))),
    }
}

/// Creates an account with its role (checked against the role table). A taken username is
/// `WriteError::Duplicate("accounts_username_key")`.
pub async fn create(
    pool: &PgPool,
    ctx: &AuditContext,
    mut account: NewAccount,
    region_code: Option<&str>,
    request: Option<super::requests::RequestId>,
) -> Result<(AccountId, Option<Region>), WriteError> {
    let region = region(pool, region_code).await?;
    if let Some(role) = account.role {
        account.department = resolve_assignment(role, region.as_ref().map(|r| r.level), account.department)
            .map_err(|e| WriteError::refused(e.to_string()))?;
    }
    account.region_id = region.as_ref().map(|r| r.id);
    let mut tx = pool.begin().await?;
    let id = store::create(&mut *tx, &account).await?;
    // An account asked for (an expert's) is linked to its request, or not created at all.
    if let Some(request) = request {
        super::requests::link(&mut tx, request, id).await?;
    }
    let created = store::find(&mut *tx, id).await?.ok_or(WriteError::NotFound)?;
    audit::record(&mut tx, ctx, Event::new(Action::AccountCreate).object("account", id).created(&created.snapshot()))
        .await?;
    tx.commit().await?;
    Ok((id, region))
}

/// The system administrator's edit of an account's name, region and department. Region and
/// department decide what a role-holder may see: changing them is a role assignment, the
/// security administrator's (三员), so for a role-holder only the name may change here.
pub async fn update_profile(
    pool: &PgPool,
    ctx: &AuditContext,
    before: &Account,
    version: i32,
    display_name: &str,
    region_code: Option<&str>,
    department: Option<DepartmentKind>,
) -> Result<(), WriteError> {
    if let Some(role) = before.role
        && (region_code != before.region_code() || department != before.department)
    {
        return Err(WriteError::refused(format!(
            "该账号已分配角色「{}」，其地区和部门只能由安全管理员在分配角色时调整",
            role.label()
        )));
    }
    let region = region(pool, region_code).await?;
    let mut tx = pool.begin().await?;
    store::update_profile(&mut tx, before.id, version, display_name, region.as_ref().map(|r| r.id), department).await?;
    let after = store::find(&mut *tx, before.id).await?.ok_or(WriteError::NotFound)?;
    let event =
        Event::new(Action::AccountUpdate).object("account", before.id).change(&before.snapshot(), &after.snapshot());
    audit::record(&mut tx, ctx, event).await?;
    tx.commit().await?;
    Ok(())
}

/// Sets a new one-time password that must be changed at the next sign-in; unlocks the account
/// and ends its sessions. Returns the password, to be shown once.
pub async fn reset_password(
    pool: &PgPool,
    ctx: &AuditContext,
    username: &str,
    keep_history: u32,
) -> Result<String, WriteError> {
    let account = account(pool, username).await?;
    let one_time = password::generate_one_time_password();
    let hash = password::hash(one_time.clone()).await?;
    let mut tx = pool.begin().await?;
    auth_store::set_password(&mut tx, account.id, &hash, true, keep_history).await?;
    auth_store::end_sessions(&mut tx, account.id, None).await?;
    audit::record(&mut tx, ctx, Event::new(Action::PasswordReset).object("account", account.id)).await?;
    tx.commit().await?;
    Ok(one_time)
}

/// Disables an account and ends all its sessions at once.
pub async fn disable(pool: &PgPool, ctx: &AuditContext, username: &str) -> Result<(), WriteError> {
    let before = account(pool, username).await?;
    if before.disabled {
        return Err(WriteError::refused(format!("用户「{username}」已是停用状态")));
    }
    let mut tx = pool.begin().await?;
    store::disable(&mut tx, before.id).await?;
    let ended = auth_store::end_sessions(&mut tx, before.id, None).await?;
    let after = Account { disabled: true, ..before.clone() };
    let event = Event::new(Action::AccountDisable)
        .object("account", before.id)
        .detail(format!("结束会话 {ended} 个"))
        .change(&before.snapshot(), &after.snapshot());
    audit::record(&mut tx, ctx, event).await?;
    tx.commit().await?;
    Ok(())
}

/// Lifts a lockout before its time.
pub async fn unlock(pool: &PgPool, ctx: &AuditContext, username: &str) -> Result<(), WriteError> {
    let account = account(pool, username).await?;
    let mut tx = pool.begin().await?;
    store::unlock(&mut tx, account.id).await?;
    audit::record(&mut tx, ctx, Event::new(Action::AccountUnlock).object("account", account.id)).await?;
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
) -> Result<Account, WriteError> {
    let before = account(pool, username).await?;
    let region = match region_code {
        Some(code) => region(pool, Some(code)).await?,
        None if role.is_administrator() || role == Role::Expert => None,
        None => before.region.clone(),
    };
    // A partner officer keeps their department unless another is named; the other roles imply
    // theirs (or have none).
    let department = match role {
        Role::PartnerOfficer => department.or(before.department.filter(|d| d.is_partner())),
        _ => department,
    };
    let department = resolve_assignment(role, region.as_ref().map(|r| r.level), department)
        .map_err(|e| WriteError::refused(e.to_string()))?;
    let mut tx = pool.begin().await?;
    store::set_role(&mut tx, before.id, Some(role), region.as_ref().map(|r| r.id), department).await?;
    let after = store::find(&mut *tx, before.id).await?.ok_or(WriteError::NotFound)?;
    let event =
        Event::new(Action::RoleAssign).object("account", before.id).change(&before.snapshot(), &after.snapshot());
    audit::record(&mut tx, ctx, event).await?;
    tx.commit().await?;
    Ok(after)
}
