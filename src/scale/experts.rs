//! The expert pool of every region: at N = 1 ten experts a region across the specialties (N
//! multiplies them), some away for a period, some not taking part, some with declared
//! conflicts. Written with one UNNEST insert per region.

use chrono::Duration;
use sqlx::PgPool;

use super::Rng;
use super::accounts::regions;
use crate::db::{self, DbActor, Scope};
use crate::experts::Specialty;

const PROVINCE: DbActor = DbActor { scope: Scope::Province, account_id: None };

const ORGANIZATIONS: &[&str] = &[
    "东北大学",
    "辽宁省安全科学研究院",
    "中国医科大学",
    "辽宁省职业病防治院",
    "沈阳建筑大学",
    "大连理工大学",
    "会计师事务所",
    "市安全生产协会",
];
const TITLES: &[&str] = &["教授", "研究员", "高级工程师", "主任医师", "注册会计师", "注册安全工程师"];

pub async fn generate(owner: &PgPool, n: u32, rng: &mut Rng) -> anyhow::Result<u64> {
    let today = crate::values::time::today();
    let mut written = 0u64;
    for region in regions(owner).await? {
        let count = 10 * u64::from(n);
        let mut name = Vec::new();
        let mut specialty = Vec::new();
        let mut organization = Vec::new();
        let mut title = Vec::new();
        let mut phone = Vec::new();
        let mut available = Vec::new();
        let mut away_from = Vec::new();
        let mut away_until = Vec::new();
        // A panel's default mix in every five, so each region can seat panels.
        const CYCLE: [Specialty; 5] = [
            Specialty::Prevention,
            Specialty::Prevention,
            Specialty::WorkSafety,
            Specialty::OccupationalHealth,
            Specialty::Finance,
        ];
        for k in 0..count {
            name.push(super::person_name(rng));
            let s = if rng.chance(10) { *rng.pick(Specialty::ALL) } else { CYCLE[(k % 5) as usize] };
            specialty.push(s.as_str().to_string());
            organization.push(rng.pick(ORGANIZATIONS).to_string());
            title.push(rng.pick(TITLES).to_string());
            phone.push(format!("139{:08}", rng.below(100_000_000)));
            available.push(!rng.chance(5));
            let away = rng.chance(10).then(|| today + Duration::days(rng.below(60) as i64 - 20));
            away_from.push(away);
            away_until.push(away.map(|d| d + Duration::days(7 + rng.below(30) as i64)));
        }
        let mut tx = db::begin(owner, PROVINCE).await?;
        let rows = sqlx::query!(
            "INSERT INTO experts (region_id, name, specialty, organization, title, phone, available, away_from, away_until)
             SELECT $1, n, s, o, t, p, a, f, u
             FROM unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::bool[], $8::date[], $9::date[])
                  AS x(n, s, o, t, p, a, f, u)",
            region.id,
            &name,
            &specialty,
            &organization,
            &title,
            &phone,
            &available,
            &away_from as &[Option<chrono::NaiveDate>],
            &away_until as &[Option<chrono::NaiveDate>]
        )
        .execute(&mut *tx)
        .await?
        .rows_affected();
        tx.commit().await?;
        written += rows;
    }
    Ok(written)
}
