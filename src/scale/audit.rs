//! A year of the audit log (N × 300,000 records): sign-ins and sign-outs above all, then the
//! work of each role, in time order as they would have been written, through COPY.

use chrono::{DateTime, Datelike, Duration, Utc};
use sqlx::PgPool;

use super::Rng;
use super::accounts::{People, Person};
use crate::audit::Action;
use crate::org::Role;

/// Records per unit of N: a year of a province's log.
pub const PER_N: u64 = 300_000;
/// Rows per COPY message.
const BATCH: usize = 10_000;

/// (action, weight in ‰, the roles that do it, object type).
const MIX: &[(Action, u64, &[Role], Option<&str>)] = &[
    (Action::LoginSuccess, 430, &[], None),
    (Action::Logout, 200, &[], None),
    (Action::LoginFailure, 40, &[], None),
    (Action::PlanUpdate, 80, &[Role::CityOfficer, Role::ProvinceOfficer], Some("plan")),
    (Action::DepartmentUpdate, 30, &[Role::CityOfficer, Role::PartnerOfficer, Role::AgencyOfficer], Some("department")),
    (Action::AttachmentAdd, 20, &[Role::CityOfficer], Some("plan")),
    (Action::PlanTransition, 20, &[Role::CityOfficer, Role::ProvinceOfficer], Some("plan")),
    (Action::Unmask, 25, &[Role::CityOfficer, Role::ProvinceOfficer, Role::PartnerOfficer], Some("department")),
    (Action::AuditSearch, 40, &[Role::Auditor], None),
    (Action::AccessDenied, 25, &[], Some("route")),
    (Action::PasswordChange, 25, &[], Some("account")),
    (Action::ExportPlans, 15, &[Role::ProvinceOfficer], None),
    (Action::AccountUpdate, 15, &[Role::SysAdmin], Some("account")),
    (Action::RoleAssign, 10, &[Role::SecurityAdmin], Some("account")),
    (Action::KeyIndustryCreate, 5, &[Role::CityOfficer], Some("key_industry")),
    (Action::ExportAuditLog, 10, &[Role::Auditor], None),
    (Action::SessionEnd, 10, &[Role::SysAdmin], Some("session")),
];

pub async fn generate(owner: &PgPool, total: u64, people: &People, rng: &mut Rng) -> anyhow::Result<u64> {
    let now = Utc::now();
    let year_ago = now - Duration::days(365);
    // The times first, sorted: ids then follow time, as in a log that was written as it went.
    let mut times: Vec<DateTime<Utc>> = (0..total).map(|_| working_time(year_ago, now, rng)).collect();
    times.sort_unstable();
    let weights: u64 = MIX.iter().map(|m| m.1).sum();
    let by_role = |roles: &[Role]| -> Vec<&Person> {
        people.all.iter().filter(|p| roles.is_empty() || roles.contains(&p.role)).collect()
    };
    let actors: Vec<Vec<&Person>> = MIX.iter().map(|m| by_role(m.2)).collect();
    let mut conn = owner.acquire().await?;
    let mut copy = conn
        .copy_in_raw(
            "COPY audit_log (occurred_at, account_id, username, role, region_id, action, object_type, object_id,
                             success, detail, client_addr, request_id) FROM STDIN (FORMAT csv)",
        )
        .await?;
    let mut buffer = String::with_capacity(BATCH * 200);
    for (i, at) in times.iter().enumerate() {
        let index = weighted(rng.below(weights));
        let (action, _, _, object_type) = MIX[index];
        let Some(person) = (!actors[index].is_empty()).then(|| *rng.pick(&actors[index])) else { continue };
        let success = !matches!(action, Action::LoginFailure | Action::AccessDenied);
        let object_id = match object_type {
            Some("route") => "/plans/{id}".to_string(),
            Some("account") => person.id.to_string(),
            Some(_) => (1 + rng.below(150)).to_string(),
            None => String::new(),
        };
        let detail = match action {
            Action::LoginFailure => "密码错误",
            Action::AccessDenied => "GET /plans/7（记录不存在或不在本人权限范围内）",
            Action::AuditSearch => "检索条件：操作=登录成功",
            _ => "",
        };
        buffer.push_str(&format!(
            "{},{},{},{},{},{},{},{},{},{},10.{}.{}.{},{:016x}{:016x}\n",
            at.to_rfc3339(),
            person.id,
            person.username,
            person.role.as_str(),
            person.region_id.map(|r| r.to_string()).unwrap_or_default(),
            action.as_str(),
            object_type.unwrap_or_default(),
            object_id,
            success,
            detail,
            rng.below(50),
            rng.below(250),
            1 + rng.below(250),
            rng.next_u64(),
            rng.next_u64()
        ));
        if (i + 1) % BATCH == 0 {
            copy.send(std::mem::take(&mut buffer).into_bytes()).await?;
        }
    }
    if !buffer.is_empty() {
        copy.send(buffer.into_bytes()).await?;
    }
    Ok(copy.finish().await?)
}

/// The entry of MIX that a roll in 0..(sum of weights) falls on.
fn weighted(mut roll: u64) -> usize {
    for (i, m) in MIX.iter().enumerate() {
        if roll < m.1 {
            return i;
        }
        roll -= m.1;
    }
    0
}

/// A moment on a working day between 8:00 and 18:00 Beijing time (weekends mostly quiet).
fn working_time(from: DateTime<Utc>, to: DateTime<Utc>, rng: &mut Rng) -> DateTime<Utc> {
    let days = (to - from).num_days().max(1) as u64;
    loop {
        let day = from + Duration::days(rng.below(days) as i64);
        let weekday = (day + Duration::hours(8)).weekday().number_from_monday();
        if weekday > 5 && !rng.chance(5) {
            continue;
        }
        let start = day.date_naive().and_hms_opt(0, 0, 0).map(|d| d.and_utc()).unwrap_or(day);
        // 08:00–18:00 in Asia/Shanghai is 00:00–10:00 UTC.
        let at = start + Duration::seconds(rng.below(10 * 3600) as i64);
        if at < to {
            return at;
        }
    }
}
