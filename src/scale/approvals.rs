//! Approvals for the applications the experts finished: of every three, one still waits for the
//! decision, one is in its publicity (decided a few days ago at the requested amounts), one is
//! filed with the province (decided, published and filed over the past weeks), each with its
//! history. Written set-wise, as the decision would have left them.

use sqlx::PgPool;

use crate::db::{self, DbActor, Scope};

const PROVINCE: DbActor = DbActor { scope: Scope::Province, account_id: None };

pub async fn generate(owner: &PgPool) -> anyhow::Result<u64> {
    let mut tx = db::begin(owner, PROVINCE).await?;
    let moved = sqlx::raw_sql(
        "CREATE TEMPORARY TABLE scale_decided ON COMMIT DROP AS
             SELECT id, region_id, created_by, row_number() OVER (ORDER BY id) % 3 AS fate
             FROM projects WHERE status = 'reviewed';
         DELETE FROM scale_decided WHERE fate = 0;
         UPDATE projects p
            SET status = CASE d.fate WHEN 1 THEN 'in_publicity' ELSE 'filed' END,
                approved_amount = p.requested_amount,
                publicity_starts_on = CASE d.fate WHEN 1 THEN current_date - 2 ELSE current_date - 40 END,
                publicity_ends_on = CASE d.fate WHEN 1 THEN current_date + 5 ELSE current_date - 30 END,
                decided_at = now() - CASE d.fate WHEN 1 THEN interval '3 days' ELSE interval '41 days' END,
                version = p.version + 1
           FROM scale_decided d WHERE p.region_id = d.region_id AND p.id = d.id;
         INSERT INTO project_approved_years (region_id, project_id, project_year, amount)
             SELECT l.region_id, l.project_id, l.project_year, sum(l.amount)
             FROM project_budget_lines l JOIN scale_decided d ON d.region_id = l.region_id AND d.id = l.project_id
             WHERE l.amount IS NOT NULL GROUP BY 1, 2, 3;
         INSERT INTO workflow_history (region_id, record_kind, record_id, from_status, to_status, action, comment,
                                       account_id, account_name, occurred_at)
             SELECT d.region_id, 'project', d.id, s.f, s.t, s.a, s.c, d.created_by, '规模数据', now() - s.ago
             FROM scale_decided d
             JOIN (VALUES (1, 'reviewed', 'in_publicity', 'approve', '同意立项。', interval '3 days'),
                          (2, 'reviewed', 'in_publicity', 'approve', '同意立项。', interval '41 days'),
                          (2, 'in_publicity', 'awaiting_filing', 'close_publicity', '', interval '29 days'),
                          (2, 'awaiting_filing', 'filed', 'file', '', interval '25 days'))
                  AS s(fate, f, t, a, c, ago) ON s.fate = d.fate;",
    )
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(moved.rows_affected())
}
