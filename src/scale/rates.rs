//! Floating-rate evaluations at scale: every employer's inputs of 2023–2025, entered and waiting
//! for the region's run (what `examples/rates_run` measures), and for every third employer the
//! period before, 2020–2022, decided (confirmed at a grade of its class, an override now and
//! then with its reason), so runs start from decided grades. Written set-wise.

use sqlx::PgPool;

use crate::db::{self, DbActor, Scope};

const PROVINCE: DbActor = DbActor { scope: Scope::Province, account_id: None };

pub async fn generate(owner: &PgPool) -> anyhow::Result<u64> {
    let mut tx = db::begin(owner, PROVINCE).await?;
    let decided = sqlx::query(DECIDED).execute(&mut *tx).await?.rows_affected();
    let entered = sqlx::query(ENTERED).execute(&mut *tx).await?.rows_affected();
    tx.commit().await?;
    Ok(decided + entered)
}

// Premiums come from the headcount; benefits are a share of them that varies by employer, so
// every band of the default rule set is met.
const DECIDED: &str = concat!(
    r#"
INSERT INTO rate_evaluations (region_id, employer_id, period_start, premiums, benefits, wage_bill, injuries,
                              hazard_level, standardisation, entered_by, entered_by_name, risk_class,
                              base_rate_percent, current_grade, proposed_grade, proposed_rate_percent, explanation,
                              evaluated_at, status, final_grade, final_rate_percent, override_reason, decided_by,
                              decided_by_name, decided_at)
SELECT e.region_id, e.id, 2020,"#,
    r#"
       ARRAY[p, round(p * 1.05, 2), round(p * 1.10, 2)],
       ARRAY[round(p * ((e.id % 9) * 0.25), 2), 0, round(p * ((e.id % 7) * 0.30), 2)],
       round(p * 90, 2), (e.id % 5)::int,
       (ARRAY['none', 'general', 'serious'])[e.id % 3 + 1],
       (ARRAY['level1', 'level2', 'level3', 'none'])[e.id % 4 + 1],
       k.by, '规模数据',
       c.class, c.base_rate_percent, 100, g.grade, c.base_rate_percent * g.grade / 100,
       jsonb_build_object('outcomes', '[]'::jsonb, 'total', 0, 'current_grade', 100, 'grade', g.grade,
                          'rate', (c.base_rate_percent * g.grade / 100)::text, 'clamped', false),
       timestamptz '2023-01-20 09:00+08',
       CASE WHEN e.id % 31 = 0 THEN 'overridden' ELSE 'confirmed' END,
       g.grade, c.base_rate_percent * g.grade / 100,
       CASE WHEN e.id % 31 = 0 THEN '经办机构复核，按企业申请调整' ELSE '' END,
       k.by, '规模数据', timestamptz '2023-02-10 09:00+08'
FROM employers e
JOIN industry_divisions d ON d.code = e.division_code
JOIN risk_classes c ON c.class = coalesce(e.risk_class_override, d.risk_class)
CROSS JOIN LATERAL (SELECT c.grades[1 + (e.id / 3) % cardinality(c.grades)] AS grade) g
CROSS JOIN LATERAL (SELECT greatest(e.insured_headcount, 10) * 1800.00 AS p) x
JOIN LATERAL (SELECT a.id AS by FROM accounts a WHERE a.region_id = e.region_id ORDER BY a.id LIMIT 1) k ON true
WHERE e.id % 3 = 0
"#
);

const ENTERED: &str = concat!(
    r#"
INSERT INTO rate_evaluations (region_id, employer_id, period_start, premiums, benefits, wage_bill, injuries,
                              hazard_level, standardisation, entered_by, entered_by_name)
SELECT e.region_id, e.id, 2023,"#,
    r#"
       ARRAY[p, round(p * 1.05, 2), round(p * 1.10, 2)],
       ARRAY[round(p * ((e.id % 9) * 0.25), 2), 0, round(p * ((e.id % 7) * 0.30), 2)],
       round(p * 90, 2), (e.id % 5)::int,
       (ARRAY['none', 'general', 'serious'])[e.id % 3 + 1],
       (ARRAY['level1', 'level2', 'level3', 'none'])[e.id % 4 + 1],
       k.by, '规模数据'
FROM employers e
CROSS JOIN LATERAL (SELECT greatest(e.insured_headcount, 10) * 1800.00 AS p) x
JOIN LATERAL (SELECT a.id AS by FROM accounts a WHERE a.region_id = e.region_id ORDER BY a.id LIMIT 1) k ON true
"#
);
