//! Notices at scale: the province issues 5 per unit of N to every region (one in five a typical-
//! accident notice), each city 2 per unit of N to its own departments, over the past year; about
//! two in three of the recipient regions' officers have read each. Written set-wise.

use sqlx::PgPool;

use crate::db::{self, DbActor, Scope};

const PROVINCE: DbActor = DbActor { scope: Scope::Province, account_id: None };

pub async fn generate(owner: &PgPool, n: u32) -> anyhow::Result<u64> {
    let n = i32::try_from(n)?;
    let mut tx = db::begin(owner, PROVINCE).await?;
    let notices = sqlx::query(NOTICES).bind(n).execute(&mut *tx).await?.rows_affected();
    let reads = sqlx::query(READS).execute(&mut *tx).await?.rows_affected();
    tx.commit().await?;
    Ok(notices + reads)
}

const NOTICES: &str = r#"
INSERT INTO notices (region_id, kind, title, document_number, body, recipients, issued_on, issued_at, issued_by,
                     issued_by_name, occurred_on, accident_region_id, employer_name, division_code, what_happened,
                     grade, deaths, serious_injuries, minor_injuries, direct_loss, causes, lessons, measures,
                     created_by, created_by_name)
SELECT r.id, CASE WHEN accident THEN 'accident' ELSE 'guidance' END,
       CASE WHEN accident THEN '关于一起' || (ARRAY['中毒', '机械伤害', '高处坠落', '物体打击'])[g % 4 + 1] || '事故的通报（' || g || '）'
            ELSE '关于做好工伤预防有关工作的通知（' || g || '）' END,
       r.code || '〔' || extract(year FROM current_date)::int || '〕' || g || '号',
       '请各地认真贯彻落实，按时报送有关情况。',
       CASE WHEN r.level = 'province' THEN (SELECT array_agg(id ORDER BY id) FROM regions) ELSE ARRAY[r.id] END,
       current_date - (g * 7 % 360), now() - make_interval(days => g * 7 % 360), k.by, '规模数据',
       CASE WHEN accident THEN current_date - (g * 7 % 360) - 10 END,
       CASE WHEN accident THEN (SELECT id FROM regions WHERE level = 'city' ORDER BY code OFFSET g % 14 LIMIT 1) END,
       CASE WHEN accident THEN '某化工有限公司' ELSE '' END,
       CASE WHEN accident THEN (ARRAY['C26', 'C34', 'E47', 'B06'])[g % 4 + 1] END,
       CASE WHEN accident THEN '作业过程中发生事故。' ELSE '' END,
       CASE WHEN accident THEN 'general' END,
       CASE WHEN accident THEN g % 3 END, CASE WHEN accident THEN g % 5 END, CASE WHEN accident THEN g % 7 END,
       CASE WHEN accident THEN 120000 + g * 1000 END,
       CASE WHEN accident THEN '安全管理制度未落实。' ELSE '' END, '',
       CASE WHEN accident THEN '开展同类行业专项检查。' ELSE '' END,
       k.by, '规模数据'
FROM regions r
JOIN LATERAL (SELECT a.id AS by FROM accounts a WHERE a.region_id = r.id ORDER BY a.id LIMIT 1) k ON true
CROSS JOIN LATERAL generate_series(1, CASE WHEN r.level = 'province' THEN 5 * $1 ELSE 2 * $1 END) g
CROSS JOIN LATERAL (SELECT r.level = 'province' AND g % 5 = 0 AS accident) x
"#;

const READS: &str = r#"
INSERT INTO notice_reads (region_id, notice_region_id, notice_id, account_id, reader_name, department, read_at)
SELECT a.region_id, n.region_id, n.id, a.id, a.display_name, a.department_kind, n.issued_at + interval '1 day'
FROM notices n
JOIN accounts a ON a.region_id = ANY (n.recipients)
WHERE n.created_by_name = '规模数据' AND n.issued_at IS NOT NULL AND a.disabled_at IS NULL
  AND a.department_kind IS NOT NULL
  AND a.role IN ('province_officer', 'city_officer', 'partner_officer', 'agency_officer')
  AND (a.id + n.id) % 3 <> 0
"#;
