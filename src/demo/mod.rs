//! Demo data for `serve --demo`: an account for every role (in the province, 沈阳 and 大连
//! where the role belongs to a region) and contact details for the departments, so a person who
//! starts the demo sees the system alive. Seeded once, by key, like the province file: what a
//! visitor changes in the demo stays changed.

pub(crate) mod annual_reports;
mod approvals;
pub(crate) mod employers;
pub(crate) mod experts;
mod fee;
mod inspections;
mod lifecycle;
pub(crate) mod meetings;
mod notices;
pub(crate) mod plans;
pub(crate) mod projects;
mod rates;
pub(crate) mod reviews;
pub(crate) mod rosters;
mod services;
mod statistics;
mod training;

use std::collections::HashSet;

use anyhow::Context;
use sqlx::PgPool;

use crate::access::resolve_assignment;
use crate::accounts::{self, NewAccount, Username};
use crate::audit::{self, Action, AuditContext, Event};
use crate::auth::password;
use crate::departments::model::ContactRecord;
use crate::org::{DepartmentKind, Role};
use crate::regions;

/// The password of every demo account. Demo accounts need not change it at first sign-in.
pub const DEMO_PASSWORD: &str = "Demo#2026gsyf";

pub struct DemoAccount {
    pub username: &'static str,
    pub name: &'static str,
    pub role: Role,
    pub region: Option<&'static str>,
    pub department: Option<DepartmentKind>,
}

const fn account(
    username: &'static str,
    name: &'static str,
    role: Role,
    region: Option<&'static str>,
    department: Option<DepartmentKind>,
) -> DemoAccount {
    DemoAccount { username, name, role, region, department }
}

pub const ACCOUNTS: &[DemoAccount] = &[
    account("demo_province", "张晓梅", Role::ProvinceOfficer, Some("210000"), None),
    account("demo_province_2", "李明", Role::ProvinceOfficer, Some("210000"), None),
    account("demo_sy_hrss", "王芳", Role::CityOfficer, Some("210100"), None),
    account("demo_dl_hrss", "刘洋", Role::CityOfficer, Some("210200"), None),
    // A second city officer each, for the pre-review of applications (never by whoever entered them).
    account("demo_sy_hrss_2", "陈静", Role::CityOfficer, Some("210100"), None),
    account("demo_dl_hrss_2", "高磊", Role::CityOfficer, Some("210200"), None),
    account("demo_as_hrss", "杨光", Role::CityOfficer, Some("210300"), None),
    account("demo_prov_emergency", "陈志强", Role::PartnerOfficer, Some("210000"), Some(DepartmentKind::Emergency)),
    account("demo_sy_emergency", "李建国", Role::PartnerOfficer, Some("210100"), Some(DepartmentKind::Emergency)),
    account("demo_dl_health", "赵丽娟", Role::PartnerOfficer, Some("210200"), Some(DepartmentKind::Health)),
    account("demo_prov_agency", "孙伟", Role::AgencyOfficer, Some("210000"), None),
    account("demo_sy_agency", "周敏", Role::AgencyOfficer, Some("210100"), None),
    account("demo_dl_agency", "吴刚", Role::AgencyOfficer, Some("210200"), None),
    account("demo_expert", "郑海涛", Role::Expert, Some("210100"), None),
    account("demo_sysadmin", "钱立", Role::SysAdmin, None, None),
    account("demo_secadmin", "冯军", Role::SecurityAdmin, None, None),
    account("demo_auditor", "韩雪", Role::Auditor, None, None),
];

/// The seed key of the current list of demo accounts.
const ACCOUNTS_KEY: &str = "accounts:v3";

/// Who the demo's own changes are recorded as.
fn demo_context() -> AuditContext {
    AuditContext::system("演示数据")
}

/// Seeds what the demo lacks. Runs as the owner. Its changes are audited like any other.
pub async fn seed(owner: &PgPool) -> anyhow::Result<()> {
    let done: HashSet<String> = sqlx::query_scalar!("SELECT key FROM seed_log WHERE entity = 'demo'")
        .fetch_all(owner)
        .await?
        .into_iter()
        .collect();
    // The list grew (a second province officer, 鞍山): a demo seeded earlier gets the new ones.
    if !done.contains("accounts") || !done.contains(ACCOUNTS_KEY) {
        seed_accounts(owner).await?;
    }
    if !done.contains("department_contacts") {
        seed_department_contacts(owner).await?;
    }
    if !done.contains("calendar") {
        plans::seed_calendar(owner).await?;
    }
    if !done.contains("plans") {
        plans::seed(owner).await?;
    }
    if !done.contains("rosters") {
        rosters::seed(owner).await?;
    }
    if !done.contains("meetings") {
        meetings::seed(owner).await?;
    }
    if !done.contains("employers") {
        employers::seed(owner).await?;
    }
    if !done.contains("fee") {
        fee::seed(owner).await?;
    }
    if !done.contains("projects") {
        projects::seed(owner).await?;
    }
    if !done.contains("experts") {
        experts::seed(owner).await?;
    }
    if !done.contains("reviews") {
        reviews::seed(owner).await?;
    }
    if !done.contains("approvals") {
        approvals::seed(owner).await?;
    }
    if !done.contains("lifecycle") {
        lifecycle::seed(owner).await?;
    }
    if !done.contains("training") {
        training::seed(owner).await?;
    }
    if !done.contains("services") {
        services::seed(owner).await?;
    }
    if !done.contains("inspections") {
        inspections::seed(owner).await?;
    }
    if !done.contains("statistics") {
        statistics::seed(owner).await?;
    }
    if !done.contains("notices") {
        notices::seed(owner).await?;
    }
    if !done.contains("rates") {
        rates::seed(owner).await?;
    }
    if !done.contains("annual_reports") {
        annual_reports::seed(owner).await?;
    }
    Ok(())
}

async fn seed_accounts(owner: &PgPool) -> anyhow::Result<()> {
    let hash = password::hash(DEMO_PASSWORD.to_string()).await?;
    let mut tx = owner.begin().await?;
    for a in ACCOUNTS {
        let region = match a.region {
            Some(code) => Some(
                regions::store::find_by_code(&mut *tx, code)
                    .await?
                    .with_context(|| format!("演示地区 {code} 不存在"))?,
            ),
            None => None,
        };
        let department = resolve_assignment(a.role, region.as_ref().map(|r| r.level), a.department)?;
        let exists = sqlx::query_scalar!(
            r#"SELECT EXISTS (SELECT FROM accounts WHERE lower(username) = lower($1)) AS "exists!""#,
            a.username
        )
        .fetch_one(&mut *tx)
        .await?;
        if exists {
            continue;
        }
        let new = NewAccount {
            username: Username::parse(a.username)?,
            display_name: a.name.to_string(),
            role: Some(a.role),
            region_id: region.map(|r| r.id),
            department,
            password_hash: hash.clone(),
            must_change_password: false,
        };
        let id = accounts::store::create(&mut *tx, &new).await?;
        accounts::store::mark_demo(&mut tx, id).await?;
        let created = accounts::store::find(&mut *tx, id).await?.context("演示账号写入后未找到")?;
        let event = Event::new(Action::AccountCreate).object("account", id).created(&created.snapshot());
        audit::record(&mut tx, &demo_context(), event).await?;
        // The administrators must have a second factor; in the demo its secret is printed.
        if a.role.is_administrator() {
            sqlx::query!(
                "UPDATE accounts SET totp_secret = $2, totp_enabled_at = now() WHERE id = $1",
                id.0,
                demo_totp_secret(a.username)
            )
            .execute(&mut *tx)
            .await?;
        }
    }
    sqlx::query!(
        "INSERT INTO seed_log (entity, key) VALUES ('demo', 'accounts'), ('demo', $1) ON CONFLICT DO NOTHING",
        ACCOUNTS_KEY
    )
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(())
}

pub(crate) const SURNAMES: [&str; 20] = [
    "王", "李", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴", "徐", "孙", "胡", "朱", "高", "林", "何", "郭", "马",
    "罗",
];
pub(crate) const GIVEN: [&str; 20] = [
    "建国", "秀英", "志强", "丽娟", "海涛", "晓梅", "伟", "敏", "磊", "静", "军", "洋", "勇", "艳", "杰", "娟", "涛",
    "明", "超", "霞",
];

/// Telephone area codes of the regions, for believable landline numbers.
pub(crate) fn area_code(region_code: &str) -> &'static str {
    match region_code {
        "210200" => "0411",
        "210300" => "0412",
        "210600" => "0415",
        "210700" => "0416",
        "210800" => "0417",
        "210900" => "0418",
        "211000" => "0419",
        "211100" => "0427",
        "211300" => "0421",
        "211400" => "0429",
        _ => "024",
    }
}

/// A fictional contact, the same for the same department every time.
pub fn demo_contact(region_code: &str, region_name: &str, index: usize) -> (String, String, String) {
    let seed = region_code.bytes().fold(index * 7 + 3, |acc, b| acc * 31 + b as usize);
    let person = format!("{}{}", SURNAMES[seed % SURNAMES.len()], GIVEN[(seed / 7) % GIVEN.len()]);
    let phone = format!("{}-{}{:07}", area_code(region_code), 2 + seed % 7, seed % 10_000_000);
    let city = if region_code == "210000" { "沈阳市" } else { region_name };
    let address = format!("{city}{}路{}号", ["人民", "中山", "建设", "解放", "和平"][seed % 5], 10 + seed % 290);
    (person, phone, address)
}

async fn seed_department_contacts(owner: &PgPool) -> anyhow::Result<()> {
    let mut tx = owner.begin().await?;
    sqlx::query("SELECT set_config('app.scope', 'province', true)").execute(&mut *tx).await?;
    let rows = sqlx::query!(
        r#"SELECT d.id, d.kind, r.code, r.name FROM departments d JOIN regions r ON r.id = d.region_id
           WHERE d.contact_person = '' ORDER BY r.sort_order, d.id"#
    )
    .fetch_all(&mut *tx)
    .await?;
    for (index, row) in rows.iter().enumerate() {
        let Some(kind) = DepartmentKind::parse(&row.kind) else { continue };
        // Every HRSS bureau, and every department of the three demo regions.
        let demo_region = matches!(row.code.as_str(), "210000" | "210100" | "210200");
        if !(demo_region || kind == DepartmentKind::Hrss) {
            continue;
        }
        let (person, phone, address) = demo_contact(&row.code, &row.name, index);
        let after = ContactRecord { contact_person: person, contact_phone: phone, address };
        let event =
            Event::new(Action::DepartmentUpdate).object("department", row.id).change(&ContactRecord::default(), &after);
        audit::record(&mut tx, &demo_context(), event).await?;
        sqlx::query!(
            "UPDATE departments SET contact_person = $2, contact_phone = $3, address = $4 WHERE id = $1",
            row.id,
            after.contact_person,
            after.contact_phone,
            after.address
        )
        .execute(&mut *tx)
        .await?;
    }
    sqlx::query!("INSERT INTO seed_log (entity, key) VALUES ('demo', 'department_contacts')").execute(&mut *tx).await?;
    tx.commit().await?;
    Ok(())
}

/// The TOTP secret of a demo administrator: fixed, so it can be printed and typed into any
/// authenticator (or `oathtool --totp -b SECRET`).
pub fn demo_totp_secret(username: &str) -> String {
    use sha2::{Digest, Sha256};
    let digest = Sha256::digest(format!("prevention-demo-totp:{username}").as_bytes());
    crate::auth::totp::base32_encode(&digest[..20])
}

/// Prints the demo logins for the person who started the demo.
pub fn print_logins() {
    crate::say!();
    crate::say!("演示账号（密码均为 {DEMO_PASSWORD}）：");
    for a in ACCOUNTS {
        let region = a.region.map(|c| format!(" {c}")).unwrap_or_default();
        crate::say!("  {:<22} {}({}{region})", a.username, a.name, a.role.label());
    }
    crate::say!();
    crate::say!("三员账号还需动态口令（TOTP）。把下面的密钥加入任一身份验证器，或运行 oathtool --totp -b 密钥：");
    for a in ACCOUNTS.iter().filter(|a| a.role.is_administrator()) {
        crate::say!("  {:<22} {}", a.username, demo_totp_secret(a.username));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::values::Phone;

    #[test]
    fn every_demo_account_fits_the_role_table() {
        for a in ACCOUNTS {
            let level = a
                .region
                .map(|c| if c == "210000" { crate::org::RegionLevel::Province } else { crate::org::RegionLevel::City });
            assert!(resolve_assignment(a.role, level, a.department).is_ok(), "{}", a.username);
            assert!(Username::parse(a.username).is_ok());
        }
        for role in Role::ALL {
            assert!(ACCOUNTS.iter().any(|a| a.role == *role), "{role:?} has a demo account");
        }
        assert!(password::check_strength(DEMO_PASSWORD).is_ok());
    }

    #[test]
    fn demo_contacts_are_valid_and_stable() {
        let a = demo_contact("210200", "大连市", 4);
        assert_eq!(a, demo_contact("210200", "大连市", 4));
        assert!(Phone::parse(&a.1).is_ok(), "{}", a.1);
        assert!(a.1.starts_with("0411-"));
        assert!(a.2.starts_with("大连市"));
    }
}
