//! Panels for every application waiting for the expert review: drawn by the round's default
//! mix from the region's generated pool with the real draw (`experts::draw`), seeded from the
//! generator so the data repeats for the same seed, and recorded as the panel page reads them.
//! Applications whose region lacks experts of a specialty keep no panel, as a real draw would.
//! Two panels in five have scored in full (the application waits for the decision, its history
//! says so), two are under way (sheets submitted and drafts), one has not begun. Scale data has
//! no expert accounts: a submitted sheet names the officer who entered the application.

use rust_decimal::Decimal;
use sqlx::types::Json;
use sqlx::{PgConnection, PgPool};

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
            r#"SELECT p.id, p.created_by, coalesce(a.name, '') AS "name!", a.credit_code AS "credit_code?",
                      (SELECT array_agg(c.weight::int ORDER BY c.position) FROM round_criteria c
                       WHERE c.region_id = p.region_id AND c.round_id = p.round_id) AS "weights!: Vec<i32>",
                      (SELECT array_agg(c.id ORDER BY c.position) FROM round_criteria c
                       WHERE c.region_id = p.region_id AND c.round_id = p.round_id) AS "criteria!: Vec<i64>"
               FROM projects p LEFT JOIN applicants a ON a.region_id = p.region_id AND a.id = p.applicant_id
               WHERE p.region_id = $1 AND p.status = 'expert_review' ORDER BY p.id"#,
            region.id
        )
        .fetch_all(&mut *tx)
        .await?;
        let mut sheets = Sheets::default();
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
            let fate = rng.below(5);
            for (k, expert) in picks.iter().enumerate() {
                // 0–1: every sheet in; 2–3: the first members' in, then a draft, then none; 4: none.
                let state = match fate {
                    0 | 1 => Some(true),
                    2 | 3 if k < 2 => Some(true),
                    2 | 3 if k == 2 => Some(false),
                    _ => None,
                };
                if let Some(submitted) = state {
                    sheets.push(
                        rng,
                        (project.id, *expert),
                        (&project.criteria, &project.weights),
                        submitted,
                        project.created_by,
                    );
                }
            }
            if fate <= 1 {
                sheets.concluded.push(project.id);
                sheets.concluded_by.push(project.created_by);
            }
        }
        written += sheets.write(&mut tx, region.id).await?;
        tx.commit().await?;
    }
    Ok(written)
}

/// Sheets of one region's panels, written in a statement each.
#[derive(Default)]
struct Sheets {
    project: Vec<i64>,
    expert: Vec<i64>,
    scores: Vec<serde_json::Value>,
    total: Vec<Decimal>,
    recommendation: Vec<Option<String>>,
    opinion: Vec<String>,
    submitted: Vec<bool>,
    by: Vec<i64>,
    concluded: Vec<i64>,
    concluded_by: Vec<i64>,
}

const OPINIONS: [(&str, &str); 3] = [
    ("approve", "项目必要性充分，实施方案可行，同意立项。"),
    ("revise", "费用测算部分单价偏高，建议核减后立项。"),
    ("disapprove", "项目内容与本批次重点领域关联不紧密，不同意立项。"),
];

impl Sheets {
    /// A sheet: each criterion scored at 60–100 % of its weight in halves; a draft scores the
    /// first two only and has no recommendation yet.
    fn push(
        &mut self,
        rng: &mut Rng,
        (project, expert): (i64, i64),
        (criteria, weights): (&[i64], &[i32]),
        submitted: bool,
        by: i64,
    ) {
        let mut scores = Vec::new();
        let mut total = Decimal::ZERO;
        for (k, (criterion, weight)) in criteria.iter().zip(weights).enumerate() {
            if !submitted && k >= 2 {
                break;
            }
            let halves = i64::from(*weight) * 2;
            let score =
                Decimal::new(halves * 6 / 10 + rng.below((halves * 4 / 10 + 1) as u64) as i64, 0) / Decimal::TWO;
            total += score;
            scores.push(serde_json::json!({ "criterion": criterion, "score": score.normalize().to_string() }));
        }
        let (recommendation, opinion) = *rng.pick(&OPINIONS);
        self.project.push(project);
        self.expert.push(expert);
        self.scores.push(serde_json::Value::Array(scores));
        self.total.push(total);
        self.recommendation.push(submitted.then(|| recommendation.to_string()));
        self.opinion.push(if submitted { opinion.to_string() } else { String::new() });
        self.submitted.push(submitted);
        self.by.push(by);
    }

    async fn write(&self, tx: &mut PgConnection, region: i64) -> anyhow::Result<u64> {
        sqlx::query!(
            "INSERT INTO review_sheets (region_id, project_id, expert_id, scores, total, recommendation, opinion,
                                        submitted_at, submitted_by)
             SELECT $1, p, e, sc, t, r, o, CASE WHEN s THEN now() END, CASE WHEN s THEN b END
             FROM unnest($2::bigint[], $3::bigint[], $4::jsonb[], $5::numeric[], $6::text[], $7::text[], $8::bool[],
                         $9::bigint[]) AS x(p, e, sc, t, r, o, s, b)",
            region,
            &self.project,
            &self.expert,
            &self.scores,
            &self.total,
            &self.recommendation as &[Option<String>],
            &self.opinion,
            &self.submitted,
            &self.by
        )
        .execute(&mut *tx)
        .await?;
        sqlx::query!(
            "UPDATE projects SET status = 'reviewed', version = version + 1 WHERE region_id = $1 AND id = ANY($2)",
            region,
            &self.concluded
        )
        .execute(&mut *tx)
        .await?;
        sqlx::query!(
            "INSERT INTO workflow_history (region_id, record_kind, record_id, from_status, to_status, action, account_id,
                                           account_name)
             SELECT $1, 'project', p, 'expert_review', 'reviewed', 'conclude', b, '规模数据'
             FROM unnest($2::bigint[], $3::bigint[]) AS x(p, b)",
            region,
            &self.concluded,
            &self.concluded_by
        )
        .execute(&mut *tx)
        .await?;
        Ok((self.project.len() + 2 * self.concluded.len()) as u64)
    }
}
