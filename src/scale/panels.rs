//! Panels for every application waiting for the expert review: drawn by the round's default
//! mix from the region's generated pool with the real draw (`experts::draw`), seeded from the
//! generator so the data repeats for the same seed, and recorded as the panel page reads them.
//! Applications whose region lacks experts of a specialty keep no panel, as a real draw would.

use sqlx::PgPool;
use sqlx::types::Json;

use super::Rng;
use super::accounts::regions;
use crate::db::{self, DbActor, Scope};
use crate::experts::draw::{self, Applicant};
use crate::project_rounds::model::default_mix;

const PROVINCE: DbActor = DbActor { scope: Scope::Province, account_id: None };

pub async fn generate(owner: &PgPool, rng: &mut Rng) -> anyhow::Result<u64> {
    let today = crate::values::time::today();
    let mix = default_mix();
    let mut written = 0u64;
    for region in regions(owner).await? {
        let mut tx = db::begin(owner, PROVINCE).await?;
        let pool = crate::projects::store::pool_of(&mut tx, crate::org::RegionId(region.id)).await?;
        let waiting = sqlx::query!(
            r#"SELECT p.id, p.created_by, coalesce(a.name, '') AS "name!", a.credit_code AS "credit_code?"
               FROM projects p LEFT JOIN applicants a ON a.region_id = p.region_id AND a.id = p.applicant_id
               WHERE p.region_id = $1 AND p.status = 'expert_review' ORDER BY p.id"#,
            region.id
        )
        .fetch_all(&mut *tx)
        .await?;
        for project in waiting {
            let applicant = Applicant { name: project.name, credit_code: project.credit_code };
            let candidates = draw::candidates(&pool, &applicant, today, &[]);
            let mut seed = [0u8; 32];
            for chunk in seed.chunks_mut(8) {
                chunk.copy_from_slice(&rng.next_u64().to_le_bytes());
            }
            let Ok(picks) = draw::draw(seed, &candidates, &mix) else { continue };
            let draw_id: i64 = sqlx::query_scalar!(
                "INSERT INTO expert_draws (region_id, project_id, seed, candidates, mix, picks, drawn_by, drawn_by_name)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, '规模数据') RETURNING id",
                region.id,
                project.id,
                &seed[..],
                Json(&candidates) as _,
                Json(&mix) as _,
                &picks,
                project.created_by
            )
            .fetch_one(&mut *tx)
            .await?;
            sqlx::query!(
                "INSERT INTO panel_members (region_id, project_id, expert_id, draw_id) SELECT $1, $2, unnest($3::bigint[]), $4",
                region.id,
                project.id,
                &picks,
                draw_id
            )
            .execute(&mut *tx)
            .await?;
            written += 1 + picks.len() as u64;
        }
        tx.commit().await?;
    }
    Ok(written)
}
