//! Fixtures of the service organisations, technical schools and publicity, written straight
//! into the database (the pages that write them are tested on their own).

use super::TestDb;

async fn one(db: &TestDb, sql: &'static str, binds: &[&str]) -> i64 {
    let pool = db.superuser_pool().await;
    let mut q = sqlx::query_scalar::<_, i64>(sql);
    for b in binds {
        q = q.bind(b.to_string());
    }
    q.fetch_one(&pool).await.expect("fixture")
}

/// An organisation serving `region`, on the list (`listed`) or not; its id.
pub async fn organisation(db: &TestDb, credit_code: &str, name: &str, region: &str, listed: bool) -> i64 {
    let status = if listed { "listed" } else { "unlisted" };
    let id = one(
        db,
        "INSERT INTO service_organisations (region_id, credit_code, name, kind, listing_status, listed_from)
         SELECT id, $1, $2, 'training', $3, CASE WHEN $3 = 'listed' THEN DATE '2026-01-01' END
         FROM regions WHERE level = 'province' RETURNING id",
        &[credit_code, name, status],
    )
    .await;
    one(
        db,
        "INSERT INTO organisation_regions (organisation_id, region_id) SELECT $1::text::bigint, id FROM regions
         WHERE code = $2 RETURNING organisation_id",
        &[&id.to_string(), region],
    )
    .await;
    id
}

pub async fn qualification(db: &TestDb, organisation: i64, name: &str) -> i64 {
    one(
        db,
        "INSERT INTO organisation_qualifications (organisation_id, name, valid_from)
         VALUES ($1::text::bigint, $2, '2025-01-01') RETURNING id",
        &[&organisation.to_string(), name],
    )
    .await
}

pub async fn school(db: &TestDb, region: &str, name: &str) -> i64 {
    one(
        db,
        "INSERT INTO technical_schools (region_id, year, name, runs_course, course_hours, students_per_year)
         SELECT id, 2026, $2, true, 16, 300 FROM regions WHERE code = $1 RETURNING id",
        &[region, name],
    )
    .await
}

/// An event of `region` held by `department`.
pub async fn event(db: &TestDb, region: &str, title: &str, department: &str) -> i64 {
    one(
        db,
        "INSERT INTO publicity_events (region_id, held_on, ends_on, kind, title, department, audience, created_by,
                                       created_by_name)
         SELECT r.id, '2026-06-10', '2026-06-10', 'safety_month', $2, $3, 500,
                (SELECT id FROM accounts ORDER BY id LIMIT 1), '测试'
         FROM regions r WHERE r.code = $1 RETURNING id",
        &[region, title, department],
    )
    .await
}

pub async fn base(db: &TestDb, region: &str, name: &str) -> i64 {
    one(
        db,
        "INSERT INTO warning_bases (region_id, name, place, operator, visitors_per_year)
         SELECT id, $2, '市区', '市应急管理局', 1000 FROM regions WHERE code = $1 RETURNING id",
        &[region, name],
    )
    .await
}

/// An inspection of `employer` in `region`, led by `lead`, with one finding of `department`
/// due in ten days: (inspection, finding).
pub async fn inspection(db: &TestDb, region: &str, employer: i64, lead: &str, department: &str) -> (i64, i64) {
    let inspection = one(
        db,
        "INSERT INTO joint_inspections (region_id, inspected_on, lead_department, inspectors, employer_id, created_by,
                                        created_by_name)
         SELECT r.id, current_date - 10, $3, '检查组', $2::text::bigint, (SELECT id FROM accounts ORDER BY id LIMIT 1), '测试'
         FROM regions r WHERE r.code = $1 RETURNING id",
        &[region, &employer.to_string(), lead],
    )
    .await;
    let finding = one(
        db,
        "INSERT INTO findings (region_id, inspection_id, employer_id, category, description, advice, deadline,
                               original_deadline, responsible_department, recorded_by, recorded_by_name)
         SELECT region_id, id, employer_id, 'other', '矩阵测试问题', '整改', current_date + 10, current_date + 10, $2,
                created_by, '测试'
         FROM joint_inspections WHERE id = $1::text::bigint RETURNING id",
        &[&inspection.to_string(), department],
    )
    .await;
    (inspection, finding)
}

/// A guidance notice of `issuer` addressed to `recipients` (region codes), issued or a draft.
pub async fn notice(db: &TestDb, issuer: &str, recipients: &[&str], title: &str, issued: bool) -> i64 {
    one(
        db,
        "INSERT INTO notices (region_id, kind, title, recipients, issued_on, issued_at, issued_by, issued_by_name,
                              created_by, created_by_name)
         SELECT r.id, 'guidance', $2, ARRAY(SELECT id FROM regions WHERE code = ANY(string_to_array($3, ','))),
                CASE WHEN $4 = 'yes' THEN current_date END, CASE WHEN $4 = 'yes' THEN now() END,
                CASE WHEN $4 = 'yes' THEN (SELECT id FROM accounts ORDER BY id LIMIT 1) END,
                '测试', (SELECT id FROM accounts ORDER BY id LIMIT 1), '测试'
         FROM regions r WHERE r.code = $1 RETURNING id",
        &[issuer, title, &recipients.join(","), if issued { "yes" } else { "no" }],
    )
    .await
}
