//! Joint inspections at scale: 30 inspections per unit of N in every city over the past year, of
//! its employers across the divisions, each with one to three findings whose deadlines run from
//! two months past to two months ahead and whose follow-ups cover every status (rectified,
//! verified by another officer, extended once or twice, referred). Written set-wise.

use sqlx::PgPool;

use crate::db::{self, DbActor, Scope};

const PROVINCE: DbActor = DbActor { scope: Scope::Province, account_id: None };

pub async fn generate(owner: &PgPool, n: u32) -> anyhow::Result<u64> {
    let n = i32::try_from(n)?;
    let mut tx = db::begin(owner, PROVINCE).await?;
    let inspections = sqlx::query(INSPECTIONS).bind(n).execute(&mut *tx).await?.rows_affected();
    let findings = sqlx::query(FINDINGS).execute(&mut *tx).await?.rows_affected();
    tx.commit().await?;
    Ok(inspections + findings)
}

const INSPECTIONS: &str = r#"
INSERT INTO joint_inspections (region_id, inspected_on, lead_department, departments, inspectors, employer_id, summary,
                               created_by, created_by_name)
SELECT r.id, current_date - (g * 11 % 360),
       (ARRAY['emergency', 'health', 'hrss', 'market_regulation'])[g % 4 + 1],
       ARRAY['hrss', 'union'],
       '检查组' || (g % 9 + 1) || '组',
       e.id, '检查安全生产主体责任、职业病危害防治和工伤预防培训落实情况',
       k.by, '规模数据'
FROM regions r
JOIN LATERAL (SELECT a.id AS by FROM accounts a WHERE a.region_id = r.id ORDER BY a.id LIMIT 1) k ON true
CROSS JOIN generate_series(1, 30 * $1) g
JOIN LATERAL (SELECT id FROM employers WHERE region_id = r.id ORDER BY id OFFSET (g * 37) % 500 LIMIT 1) e ON true
WHERE r.level = 'city'
"#;

const FINDINGS: &str = r#"
INSERT INTO findings (region_id, inspection_id, employer_id, category, hazard_level, description, legal_basis, advice,
                      deadline, original_deadline, extensions, responsible_department, recorded_by, recorded_by_name,
                      rectified_on, rectification, rectified_by, rectified_by_name, verified_on, verified_by,
                      verified_by_name, referred_on, referral_law, referred_to, referral_number)
SELECT i.region_id, i.id, i.employer_id, c.category,
       CASE WHEN c.category = 'hazard' THEN CASE WHEN (i.id + f) % 5 = 0 THEN 'major' ELSE 'general' END END,
       (ARRAY['配电设施未可靠接地', '作业场所粉尘浓度超标', '近期多次发生手部伤害', '未开展工伤预防培训',
              '安全警示标识缺失'])[c.k + 1],
       '《安全生产法》', '限期整改并报送整改情况',
       d.deadline, d.deadline - CASE WHEN s.state % 7 = 2 THEN 30 ELSE 0 END,
       CASE WHEN s.state % 7 = 2 THEN 2 ELSE 0 END,
       i.lead_department, i.created_by, '规模数据',
       CASE WHEN s.state % 7 IN (3, 4) THEN least(d.deadline, current_date) END,
       CASE WHEN s.state % 7 IN (3, 4) THEN '已整改' ELSE '' END,
       CASE WHEN s.state % 7 IN (3, 4) THEN i.created_by END,
       CASE WHEN s.state % 7 IN (3, 4) THEN '规模数据' ELSE '' END,
       CASE WHEN s.state % 7 = 4 THEN least(d.deadline, current_date) END,
       CASE WHEN s.state % 7 = 4 THEN v.by END,
       CASE WHEN s.state % 7 = 4 THEN '规模数据（核验）' ELSE '' END,
       CASE WHEN s.state % 7 = 5 THEN current_date END,
       CASE WHEN s.state % 7 = 5 THEN 'work_safety' END,
       CASE WHEN s.state % 7 = 5 THEN '市应急管理局' ELSE '' END,
       CASE WHEN s.state % 7 = 5 THEN '移字〔2026〕' || i.id || '号' ELSE '' END
FROM joint_inspections i
CROSS JOIN generate_series(1, 3) f
CROSS JOIN LATERAL (SELECT (i.id * 3 + f) AS state) s
CROSS JOIN LATERAL (SELECT (i.id + f) % 5 AS k,
                           (ARRAY['hazard', 'exposure_exceeded', 'accident_sign', 'responsibility', 'other'])[(i.id + f) % 5 + 1]
                               AS category) c
CROSS JOIN LATERAL (SELECT greatest(i.inspected_on, current_date - 60 + ((i.id * 13 + f * 7) % 120)::int) AS deadline) d
JOIN LATERAL (SELECT a.id AS by FROM accounts a WHERE a.region_id = i.region_id AND a.id <> i.created_by
              ORDER BY a.id LIMIT 1) v ON true
WHERE f <= 1 + i.id % 3 AND i.created_by_name = '规模数据'
"#;
