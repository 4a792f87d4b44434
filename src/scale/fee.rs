//! The fee at scale: every region's premium income of the last three years and its approved
//! budgets (the whole cap, 40% publicity and 60% training), the decided projects'
//! allocations from their years' budgets, and the agency's payments: an advance to every signed
//! project and the final payment to the accepted ones. Written set-wise, as the pages would have
//! left them.

use sqlx::PgPool;

use crate::db::{self, DbActor, Scope};

const PROVINCE: DbActor = DbActor { scope: Scope::Province, account_id: None };

pub async fn generate(owner: &PgPool) -> anyhow::Result<u64> {
    let mut tx = db::begin(owner, PROVINCE).await?;
    let written = sqlx::raw_sql(
        "CREATE TEMPORARY TABLE scale_keeper ON COMMIT DROP AS
             SELECT r.id AS region_id, (SELECT a.id FROM accounts a WHERE a.region_id = r.id ORDER BY a.id LIMIT 1) AS by
             FROM regions r;
         DELETE FROM scale_keeper WHERE by IS NULL;
         INSERT INTO fee_incomes (region_id, year, amount, evidence, entered_by, entered_by_name)
             SELECT k.region_id, y, 80000000 + (k.region_id * 7919 % 900) * 1000000 + (y - 2023) * 3000000,
                    y || '年度工伤保险基金决算报表（规模数据）', k.by, '规模数据'
             FROM scale_keeper k CROSS JOIN generate_series(extract(year FROM current_date)::int - 3,
                                                            extract(year FROM current_date)::int - 1) AS y
         ON CONFLICT DO NOTHING;
         INSERT INTO fee_budgets (region_id, budget_year, status, publicity, training, created_by, version)
             SELECT i.region_id, i.year + 1, 'approved', floor(i.amount * 0.03 * 0.4 / 1000) * 1000,
                    floor(i.amount * 0.03 * 0.6 / 1000) * 1000, k.by, 3
             FROM fee_incomes i JOIN scale_keeper k ON k.region_id = i.region_id
         ON CONFLICT DO NOTHING;
         INSERT INTO fee_entries (region_id, project_id, budget_year, project_year, category, kind, amount, note, created_by,
                                  created_by_name)
             SELECT p.region_id, p.id, p.year + y.project_year - 1, y.project_year,
                    CASE p.project_type WHEN 'publicity' THEN 'publicity' ELSE 'training' END,
                    CASE WHEN p.year + y.project_year - 1 > extract(year FROM current_date) THEN 'commitment'
                         ELSE 'allocation' END,
                    y.amount, '第 ' || y.project_year || ' 年度核定（规模数据）', p.created_by, '规模数据'
             FROM projects p JOIN project_approved_years y ON y.region_id = p.region_id AND y.project_id = p.id
             WHERE y.amount > 0;
         INSERT INTO fee_payments (region_id, project_id, paid_on, amount, voucher, stage, recorded_by, recorded_by_name)
             SELECT p.region_id, p.id, current_date - 15, round(p.approved_amount * 0.3, 2),
                    'GSYF-P-' || p.region_id || '-' || p.id || '-1', 'advance', p.created_by, '规模数据'
             FROM projects p WHERE p.status IN ('in_progress', 'rectifying', 'accepted') AND p.approved_amount > 0;
         INSERT INTO fee_payments (region_id, project_id, paid_on, amount, voucher, stage, recorded_by, recorded_by_name)
             SELECT p.region_id, p.id, current_date - 1, p.approved_amount - round(p.approved_amount * 0.3, 2),
                    'GSYF-P-' || p.region_id || '-' || p.id || '-3', 'final', p.created_by, '规模数据'
             FROM projects p WHERE p.status = 'accepted' AND p.approved_amount > 0;
         UPDATE projects SET status = 'settled', version = version + 1 WHERE status = 'accepted' AND approved_amount > 0;",
    )
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(written.rows_affected())
}
