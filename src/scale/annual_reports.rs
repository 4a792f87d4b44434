//! Annual reports at scale: every region's report of every past year of the cycles, accepted,
//! with its figures computed from the generated records and frozen as a submission would have
//! frozen them (one in seven submitted late); this year's reports in every state, a third not
//! started. Runs after every feature it reports on.

use chrono::{Datelike, TimeZone, Utc};
use sqlx::PgPool;
use sqlx::types::Json;

use crate::annual_reports::{figures, model, store};
use crate::db::{self, DbActor, Scope};
use crate::values::time;

const PROVINCE: DbActor = DbActor { scope: Scope::Province, account_id: None };

pub async fn generate(owner: &PgPool) -> anyhow::Result<u64> {
    let reference = crate::reference::load(owner).await?;
    let today = time::today();
    let this_year = today.year();
    let mut written = 0;
    let mut tx = db::begin(owner, PROVINCE).await?;
    let by: i64 = sqlx::query_scalar!(r#"SELECT min(id) AS "id!" FROM accounts WHERE role = 'province_officer'"#)
        .fetch_one(&mut *tx)
        .await?;
    let first = reference.cycles.iter().map(|c| c.first_year).min().unwrap_or(this_year);
    for year in first..=this_year {
        let Some(cycle) = model::cycle_of(&reference.cycles, year) else { continue };
        let sections: serde_json::Value = cycle
            .tasks
            .iter()
            .map(|t| (t.key.clone(), serde_json::Value::String(format!("{year}年围绕“{}”按分工推进落实。", t.title))))
            .collect::<serde_json::Map<_, _>>()
            .into();
        let raws = store::raw_figures(&mut tx, year, cycle, None, today).await?;
        for (i, store::RegionRaw { region, raw, .. }) in raws.iter().enumerate() {
            let status = match (year < this_year, i % 3) {
                (true, _) => model::ReportStatus::Accepted,
                (false, 0) => continue,
                (false, 1) => model::ReportStatus::Draft,
                (false, _) => model::ReportStatus::Submitted,
            };
            let frozen = (status != model::ReportStatus::Draft).then(|| Json(figures::compute(raw, year, cycle)));
            // Past years submitted on 10 December, or by one region in seven on the 18th (late);
            // this year's today.
            let late = year < this_year && i % 7 == 3;
            let local = |d: u32| time::shanghai().with_ymd_and_hms(year, 12, d, 10, 0, 0).single().map(|t| t.to_utc());
            let submitted = frozen.as_ref().and(if year < this_year {
                local(if late { 18 } else { 10 })
            } else {
                Some(Utc::now())
            });
            let decided = (status == model::ReportStatus::Accepted).then(|| local(28)).flatten();
            sqlx::query!(
                "INSERT INTO annual_reports (region_id, year, status, document_number, sections, problems, next_year,
                                             figures, figures_at, first_submitted_at, last_submitted_at, late,
                                             decided_at, created_by)
                 VALUES ($1, $2, $3, $4, $5, '部分用人单位底数不清。', '完善台账，按季度调度。', $6, $7, $7, $7, $8, $9, $10)",
                region.id.0,
                year,
                status.as_str(),
                format!("{}〔{year}〕{}号", region.code, 10 + i),
                sections,
                frozen as _,
                submitted,
                late,
                decided,
                by
            )
            .execute(&mut *tx)
            .await?;
            written += 1;
        }
    }
    tx.commit().await?;
    Ok(written)
}
