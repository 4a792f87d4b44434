//! Service organisations, technical schools and publicity at scale: 40 organisations per unit of
//! N on the province's list (one in eight suspended, one in twenty removed, a few never listed),
//! each serving a handful of cities with its qualifications; a third of the training sessions
//! delivered by one of them; per region and year (the last and this) eight schools per unit of N
//! (about two thirds running a prevention course) and forty publicity events per unit of N in
//! every kind, the week and the month among them; three warning-education bases per region.
//! Written set-wise, after the training part (whose sessions it links).

use sqlx::PgPool;

use crate::db::{self, DbActor, Scope};

const PROVINCE: DbActor = DbActor { scope: Scope::Province, account_id: None };

/// Writes the three features' records for `n`; how many rows.
pub async fn generate(owner: &PgPool, n: u32) -> anyhow::Result<u64> {
    let n = i32::try_from(n)?;
    let mut tx = db::begin(owner, PROVINCE).await?;
    let mut written = 0;
    for &statement in STATEMENTS {
        // Those that scale with N name it as $1.
        let query = sqlx::query(statement);
        let query = if statement.contains("$1") { query.bind(n) } else { query };
        written += query.execute(&mut *tx).await?.rows_affected();
    }
    tx.commit().await?;
    Ok(written)
}

const STATEMENTS: &[&str] = &[
    // Organisations: their credit codes pass the column's format check (the generator does not
    // compute check characters; the pages check codes typed in).
    r#"INSERT INTO service_organisations (region_id, credit_code, name, kind, contact_person, contact_phone, address,
                                          listing_status, listed_from, listed_until, status_reason, status_changed_on)
       SELECT p.id, '91210000' || lpad(g::text, 9, '0') || 'X',
              (ARRAY['辽宁', '沈阳', '大连', '东北', '北方', '渤海'])[g % 6 + 1]
                || (ARRAY['安培', '安信', '华安', '众安', '泰安', '康安', '宏安'])[g % 7 + 1]
                || (ARRAY['在线培训平台', '职业培训学校', '安全技术咨询有限公司', '工伤预防服务中心'])[g % 4 + 1]
                || '（' || g || '）',
              (ARRAY['online_platform', 'training', 'consulting', 'other'])[g % 4 + 1],
              (ARRAY['王', '李', '张', '刘', '陈'])[g % 5 + 1] || '经理', '138' || lpad((g * 7717 % 100000000)::text, 8, '0'),
              '辽宁省',
              CASE WHEN g % 25 = 0 THEN 'unlisted' WHEN g % 20 = 0 THEN 'removed' WHEN g % 8 = 0 THEN 'suspended'
                   ELSE 'listed' END,
              CASE WHEN g % 25 <> 0 THEN date '2025-01-01' + (g % 300) END,
              CASE WHEN g % 25 <> 0 AND g % 3 = 0 THEN date '2027-12-31' END,
              CASE WHEN g % 25 = 0 THEN '' WHEN g % 20 = 0 THEN '资质过期未续' WHEN g % 8 = 0 THEN '培训质量抽查不合格，限期整改'
                   ELSE '' END,
              CASE WHEN g % 25 <> 0 AND (g % 20 = 0 OR g % 8 = 0) THEN date '2026-06-01' + (g % 100) END
       FROM regions p CROSS JOIN generate_series(1, 40 * $1) g
       WHERE p.level = 'province'"#,
    r#"INSERT INTO organisation_regions (organisation_id, region_id)
       SELECT o.id, r.id FROM service_organisations o JOIN regions r ON r.level = 'city'
       WHERE (o.id + r.sort_order) % 4 = 0 OR o.id % 10 = 0"#,
    r#"INSERT INTO organisation_qualifications (organisation_id, name, number, issuer, valid_from, valid_until)
       SELECT o.id, (ARRAY['安全培训机构资质', '职业卫生技术服务机构资质', '安全评价机构资质'])[o.id % 3 + 1],
              'LN-' || o.id || '-' || q, '辽宁省应急管理厅', date '2023-01-01' + (o.id % 400)::int,
              date '2026-01-01' + (o.id % 900)::int
       FROM service_organisations o CROSS JOIN generate_series(1, 2) q"#,
    // A third of the sessions delivered by an organisation serving their region.
    r#"UPDATE training_sessions s SET provider_id = m.organisation_id, provider_name = o.name
       FROM (SELECT DISTINCT ON (region_id) region_id, organisation_id FROM organisation_regions
             ORDER BY region_id, organisation_id) m
       JOIN service_organisations o ON o.id = m.organisation_id
       WHERE s.region_id = m.region_id AND s.id % 3 = 0"#,
    r#"INSERT INTO technical_schools (region_id, year, name, runs_course, course_hours, students_per_year)
       SELECT r.id, y, r.name || (ARRAY['技师学院', '高级技工学校', '技工学校', '交通技工学校', '化工技工学校'])[g % 5 + 1]
                        || '（' || g || '）',
              (g + r.sort_order) % 3 <> 0,
              CASE WHEN (g + r.sort_order) % 3 <> 0 THEN 8 + (g % 4) * 4 ELSE 0 END,
              CASE WHEN (g + r.sort_order) % 3 <> 0 THEN 100 + (g * 37 % 900) ELSE 0 END
       FROM regions r CROSS JOIN generate_series(1, 8 * $1) g
       CROSS JOIN generate_series(extract(year FROM current_date)::int - 1, extract(year FROM current_date)::int) y
       WHERE r.level = 'city'"#,
    r#"INSERT INTO publicity_events (region_id, held_on, ends_on, kind, title, department, audience, summary,
                                     created_by, created_by_name)
       SELECT r.id, d, d + (g % 3),
              CASE WHEN d BETWEEN make_date(y, 4, 25) AND make_date(y, 5, 1) THEN 'disease_law_week'
                   WHEN extract(month FROM d) = 6 THEN 'safety_month'
                   ELSE (ARRAY['warning_education', 'media', 'online', 'other'])[g % 4 + 1] END,
              r.name || (ARRAY['工伤预防宣传进企业', '安全生产咨询日', '职业病防治知识讲座', '工伤预防线上知识竞赛',
                               '警示教育基地参观', '典型案例宣讲'])[g % 6 + 1] || '（' || g || '）',
              (ARRAY['hrss', 'emergency', 'health', 'union'])[g % 4 + 1],
              200 + (g * 131 % 20000), '',
              k.by, '规模数据'
       FROM regions r
       JOIN LATERAL (SELECT a.id AS by FROM accounts a WHERE a.region_id = r.id ORDER BY a.id LIMIT 1) k ON true
       CROSS JOIN generate_series(extract(year FROM current_date)::int - 1, extract(year FROM current_date)::int) y
       CROSS JOIN generate_series(1, 40 * $1) g
       CROSS JOIN LATERAL (SELECT CASE WHEN g % 5 = 0 THEN make_date(y, 4, 25) + (g % 7)
                                       WHEN g % 5 = 1 THEN make_date(y, 6, 1) + (g % 30)
                                       ELSE make_date(y, 1, 5) + (g * 11 % 320) END AS d) day
       WHERE d <= current_date"#,
    r#"INSERT INTO warning_bases (region_id, name, place, operator, visitors_per_year)
       SELECT r.id, r.name || (ARRAY['安全生产警示教育基地', '职业病防治警示教育馆', '工伤预防体验馆'])[g],
              r.name || '（基地 ' || g || '）', r.name || (ARRAY['应急管理局', '卫生健康委员会', '人力资源和社会保障局'])[g],
              3000 + g * 2500
       FROM regions r CROSS JOIN generate_series(1, 3) g WHERE r.level = 'city'"#,
];
