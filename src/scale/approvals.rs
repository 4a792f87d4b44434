//! Approvals for the applications the experts finished: of every three, one still waits for the
//! decision, one is in its publicity (decided a few days ago at the requested amounts), one is
//! filed with the province (decided, published and filed over the past weeks), each with its
//! history; half the filed have their agreement signed and a first progress report (a third of
//! each cost line spent); of those signed, one in eight was completed and accepted and one in
//! eight failed its first acceptance and is rectifying. Written set-wise, as the steps would have
//! left them.

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
                  AS s(fate, f, t, a, c, ago) ON s.fate = d.fate;
         CREATE TEMPORARY TABLE scale_signed ON COMMIT DROP AS
             SELECT d.id, d.region_id FROM scale_decided d JOIN projects p ON p.region_id = d.region_id AND p.id = d.id
             WHERE d.fate = 2 AND d.id % 2 = 0 AND p.approved_amount > 0;
         INSERT INTO project_agreements (region_id, project_id, number, signed_on, party_a, party_b, amount, starts_on,
                                         ends_on, created_by)
             SELECT p.region_id, p.id, 'GSYF-' || p.region_id || '-' || p.id, current_date - 20,
                    r.name || '人力资源和社会保障局', coalesce(a.name, r.name || '政府采购项目承担单位'), p.approved_amount,
                    current_date - 20, current_date + 345, p.created_by
             FROM scale_signed s JOIN projects p ON p.region_id = s.region_id AND p.id = s.id
             JOIN regions r ON r.id = p.region_id
             LEFT JOIN applicants a ON a.region_id = p.region_id AND a.id = p.applicant_id;
         UPDATE projects p SET status = 'in_progress', version = p.version + 1
             FROM scale_signed s WHERE p.region_id = s.region_id AND p.id = s.id;
         INSERT INTO project_progress (region_id, project_id, reported_on, percent, trained, sessions, spending, spent, note,
                                       created_by, created_by_name)
             SELECT p.region_id, p.id, current_date - 5, 35, coalesce(p.planned_count, 90) / 3, 2,
                    coalesce((SELECT jsonb_agg(jsonb_build_object('line', l.id, 'amount', round(l.amount / 3, 2)::text)
                                               ORDER BY l.position)
                              FROM project_budget_lines l
                              WHERE l.region_id = p.region_id AND l.project_id = p.id AND l.amount IS NOT NULL), '[]'),
                    coalesce((SELECT sum(round(l.amount / 3, 2)) FROM project_budget_lines l
                              WHERE l.region_id = p.region_id AND l.project_id = p.id AND l.amount IS NOT NULL), 0),
                    '第一阶段按计划推进。', p.created_by, '规模数据'
             FROM scale_signed s JOIN projects p ON p.region_id = s.region_id AND p.id = s.id;
         INSERT INTO workflow_history (region_id, record_kind, record_id, from_status, to_status, action, comment,
                                       account_id, account_name, occurred_at)
             SELECT p.region_id, 'project', p.id, x.f, x.t, x.a, x.c, p.created_by, '规模数据', now() - x.ago
             FROM scale_signed s JOIN projects p ON p.region_id = s.region_id AND p.id = s.id
             JOIN (VALUES ('filed', 'in_progress', 'sign', '', interval '20 days'),
                          ('in_progress', 'in_progress', 'report', '完成 35%（规模数据）', interval '5 days'))
                  AS x(f, t, a, c, ago) ON true;
         CREATE TEMPORARY TABLE scale_ended ON COMMIT DROP AS
             SELECT s.id, s.region_id, (s.id / 2) % 8 AS fate FROM scale_signed s;
         DELETE FROM scale_ended WHERE fate > 1;
         INSERT INTO project_acceptances (region_id, project_id, attempt, summary, completed_on, submitted_by,
                                          submitted_by_name, submitted_at, passed, average, rectification, rectify_by,
                                          concluded_by, concluded_by_name, concluded_at)
             SELECT p.region_id, p.id, 1, '按协议完成全部培训任务，资金按预算使用（规模数据）。', current_date - 4,
                    p.created_by, '规模数据', now() - interval '4 days', e.fate = 0,
                    CASE e.fate WHEN 0 THEN 86.40 ELSE 54.20 END,
                    CASE e.fate WHEN 1 THEN '补齐培训签到表和影像资料（规模数据）。' ELSE '' END,
                    CASE e.fate WHEN 1 THEN current_date + 60 END, p.created_by, '规模数据', now() - interval '1 day'
             FROM scale_ended e JOIN projects p ON p.region_id = e.region_id AND p.id = e.id;
         UPDATE projects p SET status = CASE e.fate WHEN 0 THEN 'accepted' ELSE 'rectifying' END, version = p.version + 1
             FROM scale_ended e WHERE p.region_id = e.region_id AND p.id = e.id;
         INSERT INTO workflow_history (region_id, record_kind, record_id, from_status, to_status, action, comment,
                                       account_id, account_name, occurred_at)
             SELECT p.region_id, 'project', p.id, x.f, x.t, x.a, x.c, p.created_by, '规模数据', now() - x.ago
             FROM scale_ended e JOIN projects p ON p.region_id = e.region_id AND p.id = e.id
             JOIN (VALUES (0, 'in_progress', 'awaiting_acceptance', 'complete', '', interval '4 days'),
                          (0, 'awaiting_acceptance', 'accepted', 'accept', '专家组平均分 86.40', interval '1 day'),
                          (1, 'in_progress', 'awaiting_acceptance', 'complete', '', interval '4 days'),
                          (1, 'awaiting_acceptance', 'rectifying', 'fail_acceptance',
                           '专家组平均分 54.20。整改要求：补齐培训签到表和影像资料（规模数据）。', interval '1 day'))
                  AS x(fate, f, t, a, c, ago) ON x.fate = e.fate;",
    )
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(moved.rows_affected())
}
