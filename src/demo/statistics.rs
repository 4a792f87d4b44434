//! Demo injury statistics: every city's figures for 2020–2025 in every province key industry,
//! computed deterministically. Against the 2021–2025 target (down 20%: 4% of the base a year)
//! a third of the cities fall 6% of the base a year (on track every year), a third 2% (never),
//! and a third 5% until 2023 and then hold (on track to 2023, not after). 2025's rows are also
//! the base year of 2026–2030. Written through the feature's store, as an import would.

use sqlx::PgPool;

use super::demo_context;
use super::plans::account;
use crate::audit::{self, Action, Event};
use crate::db::{self, DbActor, Scope};
use crate::org::RegionLevel;
use crate::regions;
use crate::statistics::model::Figures;
use crate::statistics::store::{self, ImportRow};

const PROVINCE: DbActor = DbActor { scope: Scope::Province, account_id: None };

/// The rate of year 2020 + k as a percentage of the base year's, by the city's pattern.
fn factor_percent(pattern: usize, k: i64) -> i64 {
    match pattern {
        0 => 100 - 6 * k,
        1 => 100 - 2 * k,
        _ => 100 - 5 * k.min(3),
    }
}

/// City `n`'s figures in industry `j` for 2020 + k.
fn figures(n: usize, j: usize, k: i64) -> Figures {
    let (n64, j64) = (n as i64, j as i64);
    // 40,000 to 94,000 insured an industry, growing 1% a year.
    let insured = (40_000 + 9_000 * ((n64 * 3 + j64 * 5) % 7)) * (100 + k) / 100;
    // A base rate of 1.600‰ to 2.000‰, in thousandths of a per mille.
    let base = 1_600 + 100 * ((n64 + j64) % 5);
    let scaled = insured * base * factor_percent(n % 3, k);
    // ÷ 1000 (‰) ÷ 1000 (thousandths) ÷ 100 (percent), rounded half up.
    let injuries = (scaled + 50_000_000) / 100_000_000;
    Figures { insured, injuries, deaths: injuries / 45, disease_cases: insured / 25_000 + (n64 + k) % 3 }
}

pub async fn seed(owner: &PgPool) -> anyhow::Result<()> {
    let (province_id, _) = account(owner, "demo_province").await?;
    let ctx = demo_context();
    let mut tx = db::begin(owner, PROVINCE).await?;
    let industries = store::industries(&mut tx).await?;
    let cities = regions::store::list(&mut *tx).await?.into_iter().filter(|r| r.level == RegionLevel::City);
    for (n, city) in cities.enumerate() {
        let rows: Vec<ImportRow> = (0..=5)
            .flat_map(|k| {
                industries.iter().enumerate().map(move |(j, industry)| ImportRow {
                    year: 2020 + k as i32,
                    industry: industry.key.clone(),
                    figures: figures(n, j, k),
                })
            })
            .collect();
        let counts = store::upsert(&mut tx, city.id, &rows, province_id, "演示数据").await?;
        let detail = format!("{}：2020—2025年工伤统计数据 {} 行", city.name, counts.added);
        audit::record(&mut tx, &ctx, Event::new(Action::ImportStatistics).detail(detail)).await?;
    }
    sqlx::query("INSERT INTO seed_log (entity, key) VALUES ('demo', 'statistics')").execute(&mut *tx).await?;
    tx.commit().await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use rust_decimal::Decimal;

    use super::*;
    use crate::statistics::model::{Goal, by_year, trend};

    fn city(n: usize) -> BTreeMap<i32, Figures> {
        by_year((0..=5).flat_map(|k| (0..5).map(move |j| (2020 + k as i32, figures(n, j, k)))))
    }

    #[test]
    fn the_patterns_are_on_track_off_track_and_slipping() {
        let goal = Goal { base_year: 2020, last_year: 2025, reduction_percent: Decimal::from(20) };
        let marks = |n: usize| trend(&goal, &city(n)).iter().skip(1).map(|l| l.on_track).collect::<Vec<_>>();
        for n in 0..14 {
            let expected = match n % 3 {
                0 => vec![Some(true); 5],
                1 => vec![Some(false); 5],
                _ => vec![Some(true), Some(true), Some(true), Some(false), Some(false)],
            };
            assert_eq!(marks(n), expected, "city {n}");
        }
    }
}
