//! SQL of the home pages: one statement for each list a role's page shows, in the caller's
//! transaction (the actor's scope), whatever the data size.

use chrono::{DateTime, NaiveDate, Utc};
use rust_decimal::Decimal;
use sqlx::PgConnection;

use super::model::{DueItem, DueKind, horizon, link};
use crate::org::{DepartmentKind, RegionId};

/// Whose due items a list wants: a city's (everything its bureau follows), or a partner
/// department's (its own rectifications and action items).
#[derive(Clone, Copy, Debug)]
pub struct DueFor {
    pub region: RegionId,
    pub department: Option<DepartmentKind>,
    /// The city bureau's own: plan filing, the annual report, project milestones and publicity.
    pub bureau: bool,
}

/// The region's items due by `today` + 30 days or overdue, the nearest first (at most 100).
pub async fn due(tx: &mut PgConnection, whose: DueFor, today: NaiveDate) -> Result<Vec<DueItem>, sqlx::Error> {
    let year = chrono::Datelike::year(&today);
    let rows = sqlx::query!(
        r#"SELECT kind AS "kind!", title AS "title!", due_on AS "due_on!", ref_id AS "ref_id!" FROM (
               SELECT 'finding' AS kind, e.name || '：' || left(f.description, 60) AS title, f.deadline AS due_on,
                      f.id AS ref_id
               FROM findings f JOIN employers e ON e.region_id = f.region_id AND e.id = f.employer_id
               WHERE f.region_id = $1 AND f.rectified_on IS NULL AND f.verified_on IS NULL AND f.referred_on IS NULL
                 AND f.deadline <= $2 AND ($3::text IS NULL OR f.responsible_department = $3)
               UNION ALL
               SELECT 'action_item', i.what, i.due_on, i.meeting_id FROM meeting_action_items i
               WHERE i.region_id = $1 AND i.closed_on IS NULL AND i.due_on <= $2
                 AND ($3::text IS NULL OR i.owner = $3)
               UNION ALL
               SELECT 'milestone', p.name || '：' || m.description, m.due_on, p.id
               FROM project_milestones m JOIN projects p ON p.region_id = m.region_id AND p.id = m.project_id
               WHERE $4 AND m.region_id = $1 AND p.status = 'in_progress' AND m.due_on BETWEEN $5 AND $2
               UNION ALL
               SELECT 'publicity', p.name, p.publicity_ends_on, p.id FROM projects p
               WHERE $4 AND p.region_id = $1 AND p.status = 'in_publicity' AND p.publicity_ends_on <= $2
               UNION ALL
               SELECT 'plan', c.name, c.plan_filing_due, coalesce(pl.id, 0)
               FROM cycles c LEFT JOIN plans pl ON pl.region_id = $1 AND pl.cycle_id = c.id
               WHERE $4 AND c.first_year <= $6::int AND c.last_year >= $6::int AND pl.first_submitted_at IS NULL
                 AND c.plan_filing_due <= $2
               UNION ALL
               SELECT 'annual_report', $6::int || '年度工伤预防工作计划落实情况报告',
                      make_date($6::int, c.annual_report_due_month, c.annual_report_due_day), coalesce(a.id, 0)
               FROM cycles c LEFT JOIN annual_reports a ON a.region_id = $1 AND a.year = $6::int
               WHERE $4 AND c.first_year <= $6::int AND c.last_year >= $6::int
                 AND (a.id IS NULL OR a.status IN ('draft', 'returned'))
                 AND make_date($6::int, c.annual_report_due_month, c.annual_report_due_day) <= $2) d
           ORDER BY due_on, kind, ref_id LIMIT 100"#,
        whose.region.0,
        horizon(today),
        whose.department.map(|d| d.as_str()),
        whose.bureau,
        today,
        year
    )
    .fetch_all(tx)
    .await?;
    Ok(rows
        .into_iter()
        .filter_map(|r| {
            let kind = DueKind::parse(&r.kind)?;
            Some(DueItem { kind, title: r.title, due_on: r.due_on, link: link(kind, r.ref_id, year) })
        })
        .collect())
}

/// A record sent back to the region, with the reason the last return gave.
#[derive(Clone, Debug)]
pub struct Returned {
    pub kind: String,
    pub id: i64,
    pub title: String,
    pub year: i32,
    pub comment: Option<String>,
    pub by: Option<String>,
    pub at: Option<DateTime<Utc>>,
}

/// The region's plans, rosters, applications, budgets and reports now returned, the latest
/// return first.
pub async fn returned(tx: &mut PgConnection, region: RegionId) -> Result<Vec<Returned>, sqlx::Error> {
    sqlx::query_as!(
        Returned,
        r#"SELECT x.kind AS "kind!", x.id AS "id!", x.title AS "title!", x.year AS "year!",
                  h.comment AS "comment?", h.account_name AS "by?", h.occurred_at AS "at?"
           FROM (SELECT 'plan' AS kind, p.id, p.region_id, c.name AS title, c.first_year AS year
                 FROM plans p JOIN cycles c ON c.id = p.cycle_id WHERE p.region_id = $1 AND p.status = 'returned'
                 UNION ALL
                 SELECT 'roster', r.id, r.region_id, c.name, c.first_year
                 FROM rosters r JOIN cycles c ON c.id = r.cycle_id WHERE r.region_id = $1 AND r.status = 'returned'
                 UNION ALL
                 SELECT 'project', id, region_id, name, year FROM projects WHERE region_id = $1 AND status = 'returned'
                 UNION ALL
                 SELECT 'fee_budget', id, region_id, budget_year || '年度', budget_year FROM fee_budgets
                 WHERE region_id = $1 AND status = 'returned'
                 UNION ALL
                 SELECT 'annual_report', id, region_id, year || '年度', year FROM annual_reports
                 WHERE region_id = $1 AND status = 'returned') x
           LEFT JOIN LATERAL (
               SELECT h.comment, h.account_name, h.occurred_at FROM workflow_history h
               WHERE h.region_id = x.region_id AND h.record_kind = x.kind AND h.record_id = x.id
                 AND h.to_status = 'returned'
               ORDER BY h.id DESC LIMIT 1) h ON true
           ORDER BY h.occurred_at DESC NULLS LAST, x.kind, x.id
           LIMIT 50"#,
        region.0
    )
    .fetch_all(tx)
    .await
}

/// What the agency has to do in its region: next year's budget, this year's income, projects
/// with money held but not yet paid, and floating-rate evaluations waiting.
#[derive(Clone, Debug)]
pub struct AgencyWork {
    /// Next year's budget's status, if one exists.
    pub next_budget: Option<String>,
    /// This year's premium income is entered (next year's cap needs it).
    pub income_entered: bool,
    pub unpaid: Vec<Unpaid>,
    /// (period, status, count) of the evaluations entered or proposed, the latest period first.
    pub evaluations: Vec<(i32, String, i64)>,
}

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct Unpaid {
    pub id: i64,
    pub name: String,
    pub held: Decimal,
    pub paid: Decimal,
}

pub async fn agency(tx: &mut PgConnection, region: RegionId, year: i32) -> Result<AgencyWork, sqlx::Error> {
    let row = sqlx::query!(
        r#"SELECT (SELECT status FROM fee_budgets WHERE region_id = $1 AND budget_year = $2::int + 1) AS "next_budget?",
                  EXISTS (SELECT FROM fee_incomes WHERE region_id = $1 AND year = $2::int) AS "income_entered!",
                  (SELECT coalesce(json_agg(json_build_array(u.id, u.name, u.held::text, u.paid::text) ORDER BY u.id), '[]')
                   FROM (SELECT p.id, p.name, e.held, coalesce(pay.paid, 0) AS paid
                         FROM projects p
                         CROSS JOIN LATERAL (
                             SELECT sum(CASE WHEN kind = 'release' THEN -amount ELSE amount END) AS held
                             FROM fee_entries WHERE region_id = p.region_id AND project_id = p.id) e
                         LEFT JOIN LATERAL (
                             SELECT sum(amount) AS paid FROM fee_payments
                             WHERE region_id = p.region_id AND project_id = p.id) pay ON true
                         WHERE p.region_id = $1
                           AND p.status IN ('filed', 'in_progress', 'awaiting_acceptance', 'rectifying',
                                            'awaiting_reacceptance', 'accepted')
                           AND e.held > coalesce(pay.paid, 0)
                         ORDER BY p.id LIMIT 50) u) AS "unpaid!: sqlx::types::Json<Vec<(i64, String, String, String)>>",
                  (SELECT coalesce(json_agg(json_build_array(v.period_start, v.status, v.n)
                                            ORDER BY v.period_start DESC, v.status), '[]')
                   FROM (SELECT period_start::int AS period_start, status, count(*) AS n FROM rate_evaluations
                         WHERE region_id = $1 AND status IN ('entered', 'proposed')
                         GROUP BY period_start, status) v) AS "evaluations!: sqlx::types::Json<Vec<(i32, String, i64)>>""#,
        region.0,
        year
    )
    .fetch_one(tx)
    .await?;
    // The amounts travel as numeric text, so nothing is lost on the way; text that is not a
    // number is a decoding error, never a silent zero.
    let decimal = |s: &str| s.parse::<Decimal>().map_err(|e| sqlx::Error::Decode(Box::new(e)));
    let unpaid = row
        .unpaid
        .0
        .into_iter()
        .map(|(id, name, held, paid)| Ok(Unpaid { id, name, held: decimal(&held)?, paid: decimal(&paid)? }))
        .collect::<Result<_, sqlx::Error>>()?;
    Ok(AgencyWork {
        next_budget: row.next_budget,
        income_entered: row.income_entered,
        unpaid,
        evaluations: row.evaluations.0,
    })
}
