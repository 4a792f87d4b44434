//! Accounts of every region and role (N times a province's staff), the departments' contacts,
//! and the sessions of the people online now.

use chrono::{Duration, Utc};
use sqlx::PgPool;

use super::{Counted, Rng, person_name};
use crate::auth::password;
use crate::db::{self, DbActor, Scope};
use crate::org::{DepartmentKind, RegionLevel, Role};

/// A generated account, as the later parts pick their actors.
#[derive(Clone, Debug)]
pub struct Person {
    pub id: i64,
    pub username: String,
    pub role: Role,
    pub region_id: Option<i64>,
    pub region_code: Option<String>,
    pub department: Option<crate::org::DepartmentKind>,
    pub display_name: String,
}

/// Everyone generated.
pub struct People {
    pub all: Vec<Person>,
}

impl People {
    /// The accounts of a role in a region (`None`: the unplaced administrators).
    pub fn of(&self, role: Role, region_code: Option<&str>) -> Vec<&Person> {
        self.all.iter().filter(|p| p.role == role && p.region_code.as_deref() == region_code).collect()
    }
}

impl Counted for People {
    fn count(&self) -> u64 {
        self.all.len() as u64
    }
}

/// A region as the generator needs it.
pub struct RegionRow {
    pub id: i64,
    pub code: String,
    pub level: RegionLevel,
}

pub async fn regions(owner: &PgPool) -> Result<Vec<RegionRow>, sqlx::Error> {
    sqlx::query_as!(RegionRow, r#"SELECT id, code, level AS "level: RegionLevel" FROM regions ORDER BY sort_order, id"#)
        .fetch_all(owner)
        .await
}

/// The short name in usernames (pinyin initials), e.g. 沈阳 → sy.
fn abbreviation(code: &str) -> &'static str {
    match code {
        "210000" => "ln",
        "210100" => "sy",
        "210200" => "dl",
        "210300" => "as",
        "210400" => "fs",
        "210500" => "bx",
        "210600" => "dd",
        "210700" => "jz",
        "210800" => "yk",
        "210900" => "fx",
        "211000" => "ly",
        "211100" => "pj",
        "211200" => "tl",
        "211300" => "cy",
        "211400" => "hld",
        _ => "rg",
    }
}

/// How many accounts of each kind a region has at N = 1.
/// (A partner officer's count is per partner department.)
fn staff(level: RegionLevel) -> [(Role, u32); 4] {
    match level {
        RegionLevel::Province => {
            [(Role::ProvinceOfficer, 8), (Role::PartnerOfficer, 1), (Role::AgencyOfficer, 3), (Role::Expert, 30)]
        }
        RegionLevel::City => {
            [(Role::CityOfficer, 3), (Role::PartnerOfficer, 1), (Role::AgencyOfficer, 2), (Role::Expert, 6)]
        }
    }
}

/// One account to insert.
struct NewRow {
    username: String,
    name: String,
    role: Role,
    region_id: Option<i64>,
    region_code: Option<String>,
    department: Option<DepartmentKind>,
}

pub async fn generate(owner: &PgPool, n: u32, rng: &mut Rng) -> anyhow::Result<People> {
    let mut rows: Vec<NewRow> = Vec::new();
    for region in regions(owner).await? {
        let abbr = abbreviation(&region.code);
        for (role, per_n) in staff(region.level) {
            let count = per_n * n;
            let departments: Vec<Option<DepartmentKind>> = match role {
                Role::PartnerOfficer => {
                    DepartmentKind::ALL.iter().copied().filter(|k| k.is_partner()).map(Some).collect()
                }
                Role::AgencyOfficer => vec![Some(DepartmentKind::SocialInsurance)],
                Role::ProvinceOfficer | Role::CityOfficer => vec![Some(DepartmentKind::Hrss)],
                _ => vec![None],
            };
            for department in departments {
                let tag = match (role, department) {
                    (Role::PartnerOfficer, Some(kind)) => kind.as_str(),
                    (Role::ProvinceOfficer, _) => "prov",
                    (Role::CityOfficer, _) => "city",
                    (Role::AgencyOfficer, _) => "agency",
                    _ => "expert",
                };
                for i in 1..=count {
                    rows.push(NewRow {
                        username: format!("{abbr}_{tag}_{i:03}"),
                        name: person_name(rng),
                        role,
                        region_id: Some(region.id),
                        region_code: Some(region.code.clone()),
                        department,
                    });
                }
            }
        }
    }
    for (role, tag, count) in
        [(Role::SysAdmin, "sysadmin", 2), (Role::SecurityAdmin, "secadmin", 1), (Role::Auditor, "auditor", 2)]
    {
        for i in 1..=count {
            rows.push(NewRow {
                username: format!("{tag}_{i}"),
                name: person_name(rng),
                role,
                region_id: None,
                region_code: None,
                department: None,
            });
        }
    }
    // Nobody knows this password: generated accounts are data, not ways in.
    let secret: String = (0..4).map(|_| format!("{:016x}", rng.next_u64())).collect();
    let hash = password::hash(secret).await?;
    let now = Utc::now();
    let mut people = Vec::with_capacity(rows.len());
    let mut tx = owner.begin().await?;
    for batch in rows.chunks(2000) {
        let mut created = Vec::with_capacity(batch.len());
        let mut last_login = Vec::with_capacity(batch.len());
        let mut disabled = Vec::with_capacity(batch.len());
        for _ in batch {
            let age_days = 30 + rng.below(5 * 365) as i64;
            created.push(now - Duration::days(age_days));
            // Most sign in every few days; some never did (dormant), a few left (disabled).
            last_login.push((!rng.chance(5)).then(|| now - Duration::minutes(rng.below(60 * 24 * 60) as i64)));
            disabled.push(rng.chance(3).then(|| now - Duration::days(rng.below(300) as i64)));
        }
        let ids = sqlx::query_scalar!(
            r#"INSERT INTO accounts (username, display_name, role, region_id, department_kind, password_hash,
                                     must_change_password, password_changed_at, created_at, updated_at, last_login_at,
                                     disabled_at)
               SELECT u, d, r, g, k, $6, false, c, c, c, l, x
               FROM UNNEST($1::text[], $2::text[], $3::text[], $4::bigint[], $5::text[], $7::timestamptz[],
                           $8::timestamptz[], $9::timestamptz[]) AS t(u, d, r, g, k, c, l, x)
               RETURNING id"#,
            &batch.iter().map(|r| r.username.clone()).collect::<Vec<_>>(),
            &batch.iter().map(|r| r.name.clone()).collect::<Vec<_>>(),
            &batch.iter().map(|r| r.role.as_str().to_string()).collect::<Vec<_>>(),
            &batch.iter().map(|r| r.region_id).collect::<Vec<_>>() as &[Option<i64>],
            &batch.iter().map(|r| r.department.map(|d| d.as_str().to_string())).collect::<Vec<_>>()
                as &[Option<String>],
            hash,
            &created,
            &last_login as &[Option<chrono::DateTime<Utc>>],
            &disabled as &[Option<chrono::DateTime<Utc>>],
        )
        .fetch_all(&mut *tx)
        .await?;
        for (id, row) in ids.into_iter().zip(batch) {
            people.push(Person {
                id,
                username: row.username.clone(),
                role: row.role,
                region_id: row.region_id,
                region_code: row.region_code.clone(),
                department: row.department,
                display_name: row.name.clone(),
            });
        }
    }
    tx.commit().await?;
    Ok(People { all: people })
}

/// Every department's contact person, phone and address.
pub async fn department_contacts(owner: &PgPool, rng: &mut Rng) -> anyhow::Result<u64> {
    let mut tx = db::begin(owner, DbActor::new(Scope::Province, None)).await?;
    let rows = sqlx::query!(
        "SELECT d.id, r.code, r.name FROM departments d JOIN regions r ON r.id = d.region_id ORDER BY d.id"
    )
    .fetch_all(&mut *tx)
    .await?;
    let (mut ids, mut people, mut phones, mut addresses) = (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    for row in &rows {
        let (_, phone, address) = crate::demo::demo_contact(&row.code, &row.name, rng.below(10_000) as usize);
        ids.push(row.id);
        people.push(person_name(rng));
        phones.push(if rng.chance(30) { format!("13{:09}", rng.below(1_000_000_000)) } else { phone });
        addresses.push(address);
    }
    sqlx::query!(
        "UPDATE departments d SET contact_person = t.p, contact_phone = t.t, address = t.a
         FROM UNNEST($1::bigint[], $2::text[], $3::text[], $4::text[]) AS t(id, p, t, a) WHERE d.id = t.id",
        &ids,
        &people,
        &phones,
        &addresses
    )
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(rows.len() as u64)
}

/// The people online now: a session each, seen within the last twenty minutes.
pub async fn sessions(owner: &PgPool, n: u32, people: &People, rng: &mut Rng) -> anyhow::Result<u64> {
    let officers: Vec<&Person> = people.all.iter().filter(|p| !p.role.is_administrator()).collect();
    let count = (40 * n) as usize;
    let now = Utc::now();
    let (mut hashes, mut accounts, mut tokens, mut addrs, mut created, mut seen, mut expires) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new(), Vec::new(), Vec::new(), Vec::new());
    for _ in 0..count {
        let person = rng.pick(&officers);
        let hash: Vec<u8> = (0..4).flat_map(|_| rng.next_u64().to_le_bytes()).collect();
        let began = now - Duration::minutes(rng.below(240) as i64);
        hashes.push(hash);
        accounts.push(person.id);
        tokens.push(format!(
            "{:016x}{:016x}{:016x}{:016x}",
            rng.next_u64(),
            rng.next_u64(),
            rng.next_u64(),
            rng.next_u64()
        ));
        addrs.push(format!("10.{}.{}.{}", rng.below(50), rng.below(250), 1 + rng.below(250)));
        created.push(began);
        seen.push(now - Duration::seconds(rng.below(1200) as i64));
        expires.push(began + Duration::hours(8));
    }
    sqlx::query!(
        "INSERT INTO sessions (id_hash, account_id, csrf_token, client_addr, user_agent, created_at, last_seen_at, expires_at)
         SELECT h, a, t, c, 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) Chrome/120.0', cr, s, e
         FROM UNNEST($1::bytea[], $2::bigint[], $3::text[], $4::text[], $5::timestamptz[], $6::timestamptz[], $7::timestamptz[])
              AS t(h, a, t, c, cr, s, e)",
        &hashes,
        &accounts,
        &tokens,
        &addrs,
        &created,
        &seen,
        &expires
    )
    .execute(owner)
    .await?;
    Ok(count as u64)
}
