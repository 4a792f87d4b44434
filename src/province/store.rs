//! Seeding the province file. Each key is seeded once, recorded in `seed_log`: an officer's
//! later edit or deletion is never undone, and a key added to the file later is added at the
//! next start. Runs as the owner, in one transaction, in the province scope.

use std::collections::HashSet;

use rust_decimal::Decimal;
use sqlx::{PgConnection, PgPool};

use super::model::{ClassedDivision, Cycle, KeyIndustry, Province, RiskClass};
use crate::org::RegionId;

/// What one seeding added, as `entity:key` strings (for the start-up log).
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct SeedReport {
    pub added: Vec<String>,
}

/// Seeds what the seed log lacks. Concurrent instances starting together serialise on an
/// advisory lock, so a key is never seeded twice.
pub async fn seed(owner: &PgPool, province: &Province) -> Result<SeedReport, sqlx::Error> {
    let mut tx = owner.begin().await?;
    sqlx::query("SELECT pg_advisory_xact_lock(7310001)").execute(&mut *tx).await?;
    // Departments are a region table with forced row-level security; seeding acts province-wide.
    sqlx::query("SELECT set_config('app.scope', 'province', true)").execute(&mut *tx).await?;

    let mut seeder = Seeder {
        seeded: sqlx::query!("SELECT entity, key FROM seed_log")
            .fetch_all(&mut *tx)
            .await?
            .into_iter()
            .map(|r| format!("{}:{}", r.entity, r.key))
            .collect(),
        report: SeedReport::default(),
    };

    seeder.regions(&mut tx, province).await?;
    seeder.departments(&mut tx, province).await?;
    for (order, industry) in province.key_industries.iter().enumerate() {
        seeder.key_industry(&mut tx, industry, order as i32).await?;
    }
    for cycle in &province.cycles {
        seeder.cycle(&mut tx, cycle).await?;
        seeder.cycle_tasks(&mut tx, cycle).await?;
    }
    for class in &province.risk_classes {
        seeder.risk_class(&mut tx, class).await?;
    }
    for division in &province.divisions {
        seeder.division(&mut tx, division).await?;
    }
    tx.commit().await?;
    Ok(seeder.report)
}

struct Seeder {
    seeded: HashSet<String>,
    report: SeedReport,
}

impl Seeder {
    async fn risk_class(&mut self, db: &mut PgConnection, c: &RiskClass) -> Result<(), sqlx::Error> {
        if self.claim(db, "risk_class", &c.class.to_string()).await? {
            sqlx::query!(
                "INSERT INTO risk_classes (class, base_rate_percent, grades) VALUES ($1, $2, $3)
                 ON CONFLICT (class) DO NOTHING",
                c.class,
                c.base_rate_percent,
                &c.grades
            )
            .execute(&mut *db)
            .await?;
        }
        Ok(())
    }

    async fn division(&mut self, db: &mut PgConnection, d: &ClassedDivision) -> Result<(), sqlx::Error> {
        if self.claim(db, "division", &d.code).await? {
            sqlx::query!(
                "INSERT INTO industry_divisions (code, name, risk_class, class_note) VALUES ($1, $2, $3, $4)
                 ON CONFLICT (code) DO NOTHING",
                d.code,
                d.name,
                d.risk_class,
                d.class_note
            )
            .execute(&mut *db)
            .await?;
        }
        Ok(())
    }

    /// Whether `entity:key` still needs seeding; if so it is logged as seeded now.
    async fn claim(&mut self, db: &mut PgConnection, entity: &str, key: &str) -> Result<bool, sqlx::Error> {
        let tag = format!("{entity}:{key}");
        if self.seeded.contains(&tag) {
            return Ok(false);
        }
        sqlx::query!("INSERT INTO seed_log (entity, key) VALUES ($1, $2)", entity, key).execute(db).await?;
        self.seeded.insert(tag.clone());
        self.report.added.push(tag);
        Ok(true)
    }

    async fn regions(&mut self, db: &mut PgConnection, p: &Province) -> Result<(), sqlx::Error> {
        if self.claim(db, "region", &p.code).await? {
            sqlx::query!(
                "INSERT INTO regions (code, name, level, sort_order) VALUES ($1, $2, 'province', 0)
                 ON CONFLICT (code) DO NOTHING",
                p.code,
                p.level_name
            )
            .execute(&mut *db)
            .await?;
        }
        for (order, city) in p.cities.iter().enumerate() {
            if self.claim(db, "region", &city.code).await? {
                // A city hangs under the province row, if the province row still exists.
                sqlx::query!(
                    "INSERT INTO regions (code, name, level, parent_id, sort_order)
                     SELECT $1, $2, 'city', id, $3 FROM regions WHERE code = $4
                     ON CONFLICT (code) DO NOTHING",
                    city.code,
                    city.name,
                    order as i32 + 1,
                    p.code
                )
                .execute(&mut *db)
                .await?;
            }
        }
        Ok(())
    }

    async fn departments(&mut self, db: &mut PgConnection, p: &Province) -> Result<(), sqlx::Error> {
        let regions = std::iter::once((p.code.as_str(), None))
            .chain(p.cities.iter().map(|c| (c.code.as_str(), Some(c.name.as_str()))));
        for (code, city) in regions {
            let Some(region_id) = region_id(db, code).await? else {
                continue;
            };
            for names in &p.departments {
                let key = format!("{code}:{}", names.kind.as_str());
                if !self.claim(db, "department", &key).await? {
                    continue;
                }
                let name = match city {
                    None => names.province_name.clone(),
                    Some(city) => names.name_in_city(city),
                };
                sqlx::query!(
                    "INSERT INTO departments (region_id, kind, name) VALUES ($1, $2, $3)
                     ON CONFLICT (region_id, kind) DO NOTHING",
                    region_id.0,
                    names.kind.as_str(),
                    name
                )
                .execute(&mut *db)
                .await?;
            }
        }
        Ok(())
    }

    async fn key_industry(&mut self, db: &mut PgConnection, k: &KeyIndustry, order: i32) -> Result<(), sqlx::Error> {
        if !self.claim(db, "key_industry", &k.key).await? {
            return Ok(());
        }
        let Some(id) = sqlx::query_scalar!(
            "INSERT INTO key_industries (key, name, sort_order) VALUES ($1, $2, $3)
             ON CONFLICT (key) DO NOTHING RETURNING id",
            k.key,
            k.name,
            order
        )
        .fetch_optional(&mut *db)
        .await?
        else {
            return Ok(());
        };
        for d in &k.divisions {
            sqlx::query!(
                "INSERT INTO key_industry_divisions (key_industry_id, code, name) VALUES ($1, $2, $3)",
                id,
                d.code,
                d.name
            )
            .execute(&mut *db)
            .await?;
        }
        Ok(())
    }

    async fn cycle(&mut self, db: &mut PgConnection, c: &Cycle) -> Result<(), sqlx::Error> {
        if !self.claim(db, "cycle", &c.first_year.to_string()).await? {
            return Ok(());
        }
        let Some(id) = sqlx::query_scalar!(
            "INSERT INTO cycles (first_year, last_year, name, national_document, provincial_document,
                                 headline_target, accident_rate_reduction_percent, training_target,
                                 training_coverage_due, key_positions, plan_filing_due,
                                 annual_report_due_month, annual_report_due_day, platform_positions)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)
             ON CONFLICT (first_year) DO NOTHING RETURNING id",
            c.first_year,
            c.last_year,
            c.name,
            c.national_document,
            c.provincial_document,
            c.headline_target,
            Decimal::from(c.accident_rate_reduction_percent),
            c.training_target,
            c.training_coverage_due,
            &c.key_positions,
            c.plan_filing_due,
            c.annual_report_due.month as i16,
            c.annual_report_due.day as i16,
            &c.platform_positions,
        )
        .fetch_optional(&mut *db)
        .await?
        else {
            return Ok(());
        };
        for kind in &c.departments {
            sqlx::query!("INSERT INTO cycle_departments (cycle_id, kind) VALUES ($1, $2)", id, kind.as_str())
                .execute(&mut *db)
                .await?;
        }
        Ok(())
    }
}

impl Seeder {
    /// A cycle's tasks, seeded once under their own key (so a database seeded before tasks
    /// existed gets them at the next start).
    async fn cycle_tasks(&mut self, db: &mut PgConnection, c: &Cycle) -> Result<(), sqlx::Error> {
        if c.tasks.is_empty() || !self.claim(db, "cycle_tasks", &c.first_year.to_string()).await? {
            return Ok(());
        }
        for (position, t) in c.tasks.iter().enumerate() {
            sqlx::query!(
                "INSERT INTO cycle_tasks (cycle_id, key, position, title, summary)
                 SELECT id, $2, $3, $4, $5 FROM cycles WHERE first_year = $1
                 ON CONFLICT (cycle_id, key) DO NOTHING",
                c.first_year,
                t.key,
                position as i32 + 1,
                t.title,
                t.summary
            )
            .execute(&mut *db)
            .await?;
        }
        Ok(())
    }
}

async fn region_id(db: &mut PgConnection, code: &str) -> Result<Option<RegionId>, sqlx::Error> {
    sqlx::query_scalar!(r#"SELECT id AS "id: RegionId" FROM regions WHERE code = $1"#, code).fetch_optional(db).await
}
