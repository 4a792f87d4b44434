//! Key-position training at scale: every key-industry employer's required people per category
//! of the current cycle, sessions in every region through the year, and 200,000 trainee
//! records per unit of N (2,000,000 at N = 10): people trained once, most of them again in
//! later sessions, some failing an exam; each region's share of its required people trained
//! differs, so coverage runs from about a third to complete. Written set-wise; the trained
//! people, the tallies and the rollups follow as the pages would have left them (the tallies
//! and rollups by the database's own triggers).

use sqlx::PgPool;

use crate::db::{self, DbActor, Scope};

const PROVINCE: DbActor = DbActor { scope: Scope::Province, account_id: None };

/// Trainee records per unit of N.
pub const PER_N: u64 = 200_000;

/// Writes `rows` trainee records with everything they hang on.
pub async fn generate(owner: &PgPool, rows: u64) -> anyhow::Result<u64> {
    let mut tx = db::begin(owner, PROVINCE).await?;
    sqlx::raw_sql(SETUP).execute(&mut *tx).await?;
    let rows = i64::try_from(rows)?;
    let written = sqlx::query(TRAINEES).bind(rows).execute(&mut *tx).await?.rows_affected();
    sqlx::raw_sql(COUNTED).execute(&mut *tx).await?;
    tx.commit().await?;
    Ok(written)
}

/// The current cycle, the key-industry employers, their required people, the people trained
/// (some beyond the required, to be capped) and the sessions.
const SETUP: &str = r#"
CREATE FUNCTION pg_temp.gb11643(body text) RETURNS text LANGUAGE sql IMMUTABLE AS $$
    SELECT body || substr('10X98765432', (
        substr(body, 1, 1)::int * 7 + substr(body, 2, 1)::int * 9 + substr(body, 3, 1)::int * 10
        + substr(body, 4, 1)::int * 5 + substr(body, 5, 1)::int * 8 + substr(body, 6, 1)::int * 4
        + substr(body, 7, 1)::int * 2 + substr(body, 8, 1)::int * 1 + substr(body, 9, 1)::int * 6
        + substr(body, 10, 1)::int * 3 + substr(body, 11, 1)::int * 7 + substr(body, 12, 1)::int * 9
        + substr(body, 13, 1)::int * 10 + substr(body, 14, 1)::int * 5 + substr(body, 15, 1)::int * 8
        + substr(body, 16, 1)::int * 4 + substr(body, 17, 1)::int * 2) % 11 + 1, 1)
$$;
CREATE TEMPORARY TABLE scale_cycle ON COMMIT DROP AS
    SELECT id, key_positions FROM cycles
    WHERE first_year <= extract(year FROM current_date) AND last_year >= extract(year FROM current_date);
CREATE TEMPORARY TABLE scale_keeper ON COMMIT DROP AS
    SELECT r.id AS region_id, r.code, r.sort_order,
           (SELECT a.id FROM accounts a WHERE a.region_id = r.id ORDER BY a.id LIMIT 1) AS by
    FROM regions r;
DELETE FROM scale_keeper WHERE by IS NULL;
INSERT INTO training_tallies (region_id, cycle_id, employer_id, category, required)
    SELECT e.region_id, c.id, e.id, c.key_positions[i], q.required
    FROM employers e
    JOIN scale_keeper k ON k.region_id = e.region_id
    CROSS JOIN scale_cycle c
    CROSS JOIN LATERAL generate_series(1, cardinality(c.key_positions)) AS i
    CROSS JOIN LATERAL (SELECT CASE
                            WHEN i = cardinality(c.key_positions) THEN least(40, greatest(1, e.insured_headcount / 25))
                            WHEN i = 2 THEN 1 + (e.id % 2)::int
                            WHEN i = 4 THEN (e.id % 3 = 0)::int
                            ELSE 1 END AS required) q
    WHERE e.division_code IN (SELECT code FROM key_industry_divisions) AND q.required > 0;
-- Each region trains its own share of the required: 大连 every one, the others from a third up.
CREATE TEMPORARY TABLE scale_people ON COMMIT DROP AS
    SELECT t.region_id, t.employer_id, t.category, k.code,
           row_number() OVER (ORDER BY t.region_id, t.employer_id, t.category, p) AS k,
           -- Where the person stands in their region's list, in millionths: a cut at any count
           -- takes the same share of every region.
           row_number() OVER (PARTITION BY t.region_id ORDER BY t.employer_id, t.category, p) * 1000000
               / count(*) OVER (PARTITION BY t.region_id) AS place
    FROM training_tallies t
    JOIN scale_keeper k ON k.region_id = t.region_id
    CROSS JOIN LATERAL generate_series(1,
        floor(t.required * CASE WHEN k.code = '210200' THEN 1.0 ELSE 0.35 + (k.sort_order * 37 % 60) / 100.0 END)::int
        + (t.employer_id % 20 = 0)::int) AS p;
CREATE TEMPORARY TABLE scale_region_sessions ON COMMIT DROP AS
    SELECT region_id, greatest(4, count(*) * 2 / 80)::int AS sessions FROM scale_people GROUP BY region_id;
INSERT INTO training_sessions (region_id, cycle_id, provider_name, delivery, starts_on, ends_on, hours, topic, place,
                               has_exam, created_by, created_by_name)
    SELECT r.region_id, c.id,
           (ARRAY['辽宁省安全科学研究院', '沈阳工伤预防培训中心', '大连安全生产培训学校', '辽宁工程职业学院',
                  '东北安全技术培训中心', '辽宁省劳动保护教育中心'])[s % 6 + 1],
           CASE WHEN s % 4 = 0 THEN 'online' ELSE 'offline' END,
           date '2026-01-05' + (s * 7 % 315), date '2026-01-05' + (s * 7 % 315) + s % 3,
           8 + (s % 3) * 8,
           (ARRAY['一线班组长工伤预防能力提升培训', '企业主要负责人工伤预防专题培训', '安全管理人员工伤预防实务培训',
                  '职业卫生管理人员培训', '分管负责人工伤预防责任培训'])[s % 5 + 1] || '（第 ' || s || ' 期）',
           CASE WHEN s % 4 = 0 THEN '线上平台' ELSE '培训中心' END,
           s % 3 = 0, k.by, '规模数据'
    FROM scale_region_sessions r
    JOIN scale_keeper k ON k.region_id = r.region_id
    CROSS JOIN scale_cycle c
    CROSS JOIN LATERAL generate_series(1, r.sessions) AS s;
CREATE TEMPORARY TABLE scale_sessions ON COMMIT DROP AS
    SELECT region_id, id, has_exam, (row_number() OVER (PARTITION BY region_id ORDER BY id) - 1)::int AS n
    FROM training_sessions WHERE created_by_name = '规模数据';
"#;

/// Everyone once, then again in a later session, until there are `$1` records (fewer than
/// everyone once: the same share of every region); each person's attendances at different
/// sessions of their region; one in ten fails an exam.
const TRAINEES: &str = r#"
INSERT INTO trainees (region_id, session_id, name, id_number, employer_id, category, exam_passed, certificate_no,
                      created_by)
SELECT a.region_id, s.id,
       (ARRAY['王', '李', '张', '刘', '陈', '杨', '赵', '黄', '周', '吴', '徐', '孙', '马', '朱', '胡', '郭', '何',
              '林', '高', '罗'])[a.k % 20 + 1]
       || (ARRAY['伟', '芳', '娜', '敏', '静', '强', '磊', '军', '洋', '勇', '艳', '杰', '涛', '明', '超', '秀英',
                 '华', '平', '刚', '桂兰', '建国', '海燕', '志强', '丽', '鹏', '红', '宇', '浩', '婷', '东'])[a.k / 20 % 30 + 1],
       pg_temp.gb11643(left(a.code, 4) || lpad((a.k % 90 + 1)::text, 2, '0')
                       || to_char(date '1966-01-01' + (a.k / 90 % 12000)::int, 'YYYYMMDD')
                       || lpad((a.k / 1080000 % 1000)::text, 3, '0')),
       a.employer_id, a.category,
       CASE WHEN s.has_exam THEN (a.k + a.attempt) % 10 <> 0 END,
       CASE WHEN s.has_exam AND (a.k + a.attempt) % 10 <> 0 THEN 'GSYF-' || s.id || '-' || a.k ELSE '' END,
       k.by
FROM (SELECT p.*, attempt FROM scale_people p CROSS JOIN generate_series(0, 3) AS attempt
      ORDER BY attempt, p.place, p.k LIMIT $1) a
JOIN scale_keeper k ON k.region_id = a.region_id
JOIN scale_region_sessions r ON r.region_id = a.region_id
JOIN scale_sessions s ON s.region_id = a.region_id AND s.n = ((a.k * 7 + a.attempt) % r.sessions)::int
"#;

/// The sessions' counts, and the trained people (whose triggers fill the tallies and rollups).
const COUNTED: &str = r#"
UPDATE training_sessions s SET trainees = c.n
FROM (SELECT region_id, session_id, count(*)::int AS n FROM trainees GROUP BY region_id, session_id) c
WHERE s.region_id = c.region_id AND s.id = c.session_id;
INSERT INTO trained_people (region_id, cycle_id, employer_id, category, id_number)
SELECT DISTINCT t.region_id, s.cycle_id, t.employer_id, t.category, t.id_number
FROM trainees t JOIN training_sessions s ON s.region_id = t.region_id AND s.id = t.session_id
WHERE NOT s.has_exam OR t.exam_passed
ON CONFLICT DO NOTHING;
"#;
