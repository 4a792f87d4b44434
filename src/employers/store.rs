//! SQL of employers. Every function works in a transaction opened for the actor's scope
//! (row-level security first); writes record their audit event in it. Lists are built with
//! only the filters asked for, so each combination gets a plan that can use its index (the
//! trigram index for a text search over 200,000 employers).

use sqlx::{PgConnection, Postgres, QueryBuilder};

use super::model::{Employer, EmployerId, EmployerInput, EmployerSize, KIND};
use crate::audit::{self, Action, AuditContext, Event};
use crate::error::WriteError;
use crate::org::{Region, RegionId, RegionLevel};
use crate::values::{Version, mask};

pub async fn find(tx: &mut PgConnection, id: EmployerId) -> Result<Option<Employer>, sqlx::Error> {
    let row = sqlx::query!(
        r#"SELECT e.id AS "id: EmployerId", r.id AS "region_id: RegionId", r.code AS region_code, r.name AS region_name,
                  r.level AS "region_level: RegionLevel", e.credit_code, e.name, e.division_code, e.risk_class_override,
                  e.override_reason, e.size AS "size: EmployerSize", e.insured_headcount, e.address, e.contact_person,
                  e.contact_phone, e.platform, e.version, e.updated_at
           FROM employers e JOIN regions r ON r.id = e.region_id WHERE e.id = $1"#,
        id.0
    )
    .fetch_optional(tx)
    .await?;
    Ok(row.map(|r| Employer {
        id: r.id,
        region: Region { id: r.region_id, code: r.region_code, name: r.region_name, level: r.region_level },
        credit_code: r.credit_code,
        name: r.name,
        division_code: r.division_code,
        risk_class_override: r.risk_class_override,
        override_reason: r.override_reason,
        size: r.size,
        insured_headcount: r.insured_headcount,
        address: r.address,
        contact_person: r.contact_person,
        contact_phone: r.contact_phone,
        platform: r.platform,
        version: r.version,
        updated_at: r.updated_at,
    }))
}

/// Which employers a list wants.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct EmployerFilter {
    pub region: Option<RegionId>,
    /// The divisions of a key industry.
    pub divisions: Option<Vec<String>>,
    pub division: Option<String>,
    pub risk_class: Option<i16>,
    pub size: Option<EmployerSize>,
    /// Lowercased text to find in the name or the credit code.
    pub text: Option<String>,
}

/// An employer as lists show it.
#[cfg(test)]
mod tests {
    #[test]
    fn a_search_is_read_by_the_index_its_text_allows() {
        use super::{Search, search_of};
        assert!(matches!(search_of("9144030071526726xg"), Search::WholeCode(c) if c == "9144030071526726XG"));
        assert!(matches!(search_of("91440300"), Search::PartOfCode(p) if p == "%91440300%"));
        assert!(matches!(
            search_of("沈阳化工"),
            Search::Name { pair, pattern: Some(p) } if pair == "化工" && p == "%沈阳化工%"
        ));
        assert!(matches!(search_of("化工"), Search::Name { pair, pattern: None } if pair == "化工"));
        assert_eq!(super::like_pattern("50%_a"), "%50\\%\\_a%");
    }
}

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct EmployerLine {
    pub id: EmployerId,
    pub region_id: i64,
    pub region_name: String,
    pub credit_code: String,
    pub name: String,
    pub division_code: String,
    pub risk_class: i16,
    pub overridden: bool,
    pub size: EmployerSize,
    pub insured_headcount: i32,
    pub contact_person: String,
    pub contact_phone: String,
}

fn push_filter(qb: &mut QueryBuilder<Postgres>, f: &EmployerFilter) {
    qb.push(" WHERE true");
    if let Some(region) = f.region {
        qb.push(" AND e.region_id = ").push_bind(region.0);
    }
    if let Some(divisions) = &f.divisions {
        qb.push(" AND e.division_code = ANY(").push_bind(divisions.clone()).push(")");
    }
    if let Some(division) = &f.division {
        qb.push(" AND e.division_code = ").push_bind(division.clone());
    }
    if let Some(class) = f.risk_class {
        qb.push(" AND coalesce(e.risk_class_override, d.risk_class) = ").push_bind(class);
    }
    if let Some(size) = f.size {
        qb.push(" AND e.size = ").push_bind(size.as_str());
    }
    if let Some(text) = &f.text {
        push_text(qb, text);
    }
}

/// How a text search finds its rows. Under row-level security only equality can use an index
/// (migration 0030), so: a whole credit code by equality; part of a credit code, which pairs of
/// names cannot find, by LIKE on the codes in scope; part of a name by one of its character
/// pairs, read in (region, employer) order from `employer_name_pairs` (so a page stops after
/// its rows), with LIKE confirming the rest of the text on those rows only.
enum Search {
    WholeCode(String),
    PartOfCode(String),
    Name { pair: String, pattern: Option<String> },
}

fn search_of(text: &str) -> Search {
    let code_like = text.chars().all(|c| c.is_ascii_alphanumeric());
    if code_like && text.len() == 18 {
        Search::WholeCode(text.to_uppercase())
    } else if code_like {
        Search::PartOfCode(like_pattern(&text.to_uppercase()))
    } else {
        // Any pair narrows, and LIKE confirms the rest; names lead with their place (沈阳…), so
        // the text's last pair is the one likely to narrow most. Two characters are their own
        // pair: nothing to confirm.
        let chars: Vec<char> = text.chars().collect();
        let pair = chars[chars.len().saturating_sub(2)..].iter().collect();
        let pattern = (chars.len() > 2).then(|| like_pattern(text));
        Search::Name { pair, pattern }
    }
}

/// The rows a list reads: through the name's pairs when it searches a name.
fn push_from(qb: &mut QueryBuilder<Postgres>, f: &EmployerFilter, divisions_joined: bool) {
    let pair = match f.text.as_deref().map(search_of) {
        Some(Search::Name { pair, .. }) => Some(pair),
        _ => None,
    };
    match pair {
        Some(pair) => {
            qb.push(" FROM (SELECT p.region_id, p.employer_id FROM employer_name_pairs p WHERE p.pair = ")
                .push_bind(pair);
            if let Some(region) = f.region {
                qb.push(" AND p.region_id = ").push_bind(region.0);
            }
            qb.push(") s JOIN employers e ON e.region_id = s.region_id AND e.id = s.employer_id");
        }
        None => {
            qb.push(" FROM employers e");
        }
    }
    if divisions_joined {
        qb.push(" JOIN industry_divisions d ON d.code = e.division_code");
    }
}

fn push_text(qb: &mut QueryBuilder<Postgres>, text: &str) {
    match search_of(text) {
        Search::WholeCode(code) => {
            qb.push(" AND e.credit_code = ").push_bind(code);
        }
        Search::PartOfCode(pattern) => {
            qb.push(" AND e.credit_code LIKE ").push_bind(pattern);
        }
        Search::Name { pattern: Some(pattern), .. } => {
            qb.push(" AND e.search_key LIKE ").push_bind(pattern);
        }
        Search::Name { pattern: None, .. } => {}
    }
}

/// `%text%` with LIKE's own characters escaped.
fn like_pattern(text: &str) -> String {
    let escaped: String = text
        .chars()
        .flat_map(|c| match c {
            '%' | '_' | '\\' => vec!['\\', c],
            c => vec![c],
        })
        .collect();
    format!("%{escaped}%")
}

/// The employers `filter` wants in (region, id) order: after `after` (keyset, for exports) and
/// past `offset`, at most `limit`.
pub async fn list(
    tx: &mut PgConnection,
    filter: &EmployerFilter,
    after: Option<(i64, i64)>,
    offset: i64,
    limit: i64,
) -> Result<Vec<EmployerLine>, sqlx::Error> {
    let mut qb = QueryBuilder::new(
        "SELECT e.id, e.region_id, r.name AS region_name, e.credit_code, e.name, e.division_code,
                coalesce(e.risk_class_override, d.risk_class) AS risk_class,
                e.risk_class_override IS NOT NULL AS overridden, e.size, e.insured_headcount, e.contact_person,
                e.contact_phone",
    );
    push_from(&mut qb, filter, true);
    qb.push(" JOIN regions r ON r.id = e.region_id");
    push_filter(&mut qb, filter);
    if let Some((region, id)) = after {
        qb.push(" AND (e.region_id, e.id) > (").push_bind(region).push(", ").push_bind(id).push(")");
    }
    // Through the pairs, their index gives the order, and a page stops after its rows.
    let by_pairs = matches!(filter.text.as_deref().map(search_of), Some(Search::Name { .. }));
    let order = if by_pairs { " ORDER BY s.region_id, s.employer_id" } else { " ORDER BY e.region_id, e.id" };
    qb.push(order).push(" LIMIT ").push_bind(limit).push(" OFFSET ").push_bind(offset);
    qb.build_query_as().fetch_all(tx).await
}

/// How many employers `filter` wants, counted up to `cap` (a count over 200,000 rows on every
/// page view would cost more than the page).
pub async fn count_capped(tx: &mut PgConnection, filter: &EmployerFilter, cap: i64) -> Result<i64, sqlx::Error> {
    // A two-character name search and nothing else: the pairs' index alone answers.
    let only_pair =
        filter.divisions.is_none() && filter.division.is_none() && filter.risk_class.is_none() && filter.size.is_none();
    if let (true, Some(Search::Name { pair, pattern: None })) = (only_pair, filter.text.as_deref().map(search_of)) {
        let mut qb = QueryBuilder::new("SELECT count(*) FROM (SELECT 1 FROM employer_name_pairs p WHERE p.pair = ");
        qb.push_bind(pair);
        if let Some(region) = filter.region {
            qb.push(" AND p.region_id = ").push_bind(region.0);
        }
        qb.push(" LIMIT ").push_bind(cap).push(") capped");
        return qb.build_query_scalar().fetch_one(tx).await;
    }
    // The division is joined only when the class is asked for: the count reads the index alone.
    let mut qb = QueryBuilder::new("SELECT count(*) FROM (SELECT 1");
    push_from(&mut qb, filter, filter.risk_class.is_some());
    push_filter(&mut qb, filter);
    qb.push(" LIMIT ").push_bind(cap).push(") capped");
    qb.build_query_scalar().fetch_one(tx).await
}

/// An employer as the audit log keeps it (the phone masked).
#[derive(serde::Serialize)]
struct Record<'a> {
    credit_code: &'a str,
    name: &'a str,
    division: &'a str,
    risk_class_override: Option<i16>,
    override_reason: &'a str,
    size: &'static str,
    insured_headcount: i32,
    address: &'a str,
    contact_person: &'a str,
    contact_phone: String,
    platform: bool,
}

impl<'a> Record<'a> {
    fn of_input(i: &'a EmployerInput) -> Self {
        Record {
            credit_code: i.credit_code.as_str(),
            name: i.name.as_str(),
            division: &i.division,
            risk_class_override: i.risk_class_override,
            override_reason: &i.override_reason,
            size: i.size.label(),
            insured_headcount: i.insured_headcount,
            address: i.address.as_str(),
            contact_person: i.contact_person.as_str(),
            contact_phone: mask::phone(&i.contact_phone),
            platform: i.platform,
        }
    }

    fn of(e: &'a Employer) -> Self {
        Record {
            credit_code: &e.credit_code,
            name: &e.name,
            division: &e.division_code,
            risk_class_override: e.risk_class_override,
            override_reason: &e.override_reason,
            size: e.size.label(),
            insured_headcount: e.insured_headcount,
            address: &e.address,
            contact_person: &e.contact_person,
            contact_phone: mask::phone(&e.contact_phone),
            platform: e.platform,
        }
    }
}

/// Registers an employer of `region`; `Duplicate` on its credit code when the region has it.
pub async fn create(
    tx: &mut PgConnection,
    ctx: &AuditContext,
    region: &Region,
    input: &EmployerInput,
) -> Result<EmployerId, WriteError> {
    let id = insert(tx, region.id, input).await?;
    let event = Event::new(Action::EmployerCreate)
        .object(KIND, id)
        .detail(format!("{} {}", input.name.as_str(), input.credit_code.as_str()))
        .created(&Record::of_input(input));
    audit::record(tx, ctx, event).await?;
    Ok(id)
}

pub(crate) async fn insert(
    tx: &mut PgConnection,
    region: RegionId,
    input: &EmployerInput,
) -> Result<EmployerId, WriteError> {
    Ok(sqlx::query_scalar!(
        r#"INSERT INTO employers (region_id, credit_code, name, division_code, risk_class_override, override_reason, size,
                                  insured_headcount, address, contact_person, contact_phone, platform)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING id AS "id: EmployerId""#,
        region.0,
        input.credit_code.as_str(),
        input.name.as_str(),
        input.division,
        input.risk_class_override,
        input.override_reason,
        input.size.as_str(),
        input.insured_headcount,
        input.address.as_str(),
        input.contact_person.as_str(),
        input.contact_phone,
        input.platform
    )
    .fetch_one(&mut *tx)
    .await?)
}

/// Saves an edit if the employer is still at `version`; the credit code is its key and stays.
pub async fn update(
    tx: &mut PgConnection,
    ctx: &AuditContext,
    before: &Employer,
    version: Version,
    input: &EmployerInput,
) -> Result<(), WriteError> {
    let updated = sqlx::query!(
        "UPDATE employers SET name = $3, division_code = $4, risk_class_override = $5, override_reason = $6, size = $7,
                              insured_headcount = $8, address = $9, contact_person = $10, contact_phone = $11,
                              platform = $12, version = version + 1, updated_at = now()
         WHERE id = $1 AND version = $2",
        before.id.0,
        version.0,
        input.name.as_str(),
        input.division,
        input.risk_class_override,
        input.override_reason,
        input.size.as_str(),
        input.insured_headcount,
        input.address.as_str(),
        input.contact_person.as_str(),
        input.contact_phone,
        input.platform
    )
    .execute(&mut *tx)
    .await?;
    if updated.rows_affected() == 0 {
        return Err(WriteError::Stale);
    }
    let action = if before.risk_class_override != input.risk_class_override {
        Action::EmployerRiskOverride
    } else {
        Action::EmployerUpdate
    };
    let event = Event::new(action)
        .object(KIND, before.id)
        .detail(format!("{} {}", before.name, before.credit_code))
        .change(&Record::of(before), &Record::of_input(input));
    audit::record(tx, ctx, event).await?;
    Ok(())
}

/// Writes generated employers of a region in one statement (demo and `seed --scale`; no audit
/// record per row, as for any generated data).
pub async fn insert_samples(
    tx: &mut PgConnection,
    region: RegionId,
    rows: &[super::sample::SampleEmployer],
) -> Result<u64, sqlx::Error> {
    let col = |f: fn(&super::sample::SampleEmployer) -> String| rows.iter().map(f).collect::<Vec<_>>();
    let done = sqlx::query!(
        "INSERT INTO employers (region_id, credit_code, name, division_code, size, insured_headcount, address,
                                contact_person, contact_phone)
         SELECT $1, c, n, d, s, h, a, p, t
         FROM unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::int[], $7::text[], $8::text[], $9::text[])
              AS u(c, n, d, s, h, a, p, t)
         ON CONFLICT (region_id, credit_code) DO NOTHING",
        region.0,
        &col(|r| r.credit_code.clone()),
        &col(|r| r.name.clone()),
        &col(|r| r.division.clone()),
        &col(|r| r.size.as_str().to_string()),
        &rows.iter().map(|r| r.insured_headcount).collect::<Vec<_>>(),
        &col(|r| r.address.clone()),
        &col(|r| r.contact_person.clone()),
        &col(|r| r.contact_phone.clone()),
    )
    .execute(tx)
    .await?;
    Ok(done.rows_affected())
}

/// The region's employers with these credit codes.
pub async fn by_credit_codes(
    tx: &mut PgConnection,
    region: RegionId,
    codes: &[String],
) -> Result<Vec<Employer>, sqlx::Error> {
    let rows = sqlx::query!(
        r#"SELECT e.id AS "id: EmployerId", r.id AS "region_id: RegionId", r.code AS region_code, r.name AS region_name,
                  r.level AS "region_level: RegionLevel", e.credit_code, e.name, e.division_code, e.risk_class_override,
                  e.override_reason, e.size AS "size: EmployerSize", e.insured_headcount, e.address, e.contact_person,
                  e.contact_phone, e.platform, e.version, e.updated_at
           FROM employers e JOIN regions r ON r.id = e.region_id
           WHERE e.region_id = $1 AND e.credit_code = ANY($2)"#,
        region.0,
        codes
    )
    .fetch_all(tx)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| Employer {
            id: r.id,
            region: Region { id: r.region_id, code: r.region_code, name: r.region_name, level: r.region_level },
            credit_code: r.credit_code,
            name: r.name,
            division_code: r.division_code,
            risk_class_override: r.risk_class_override,
            override_reason: r.override_reason,
            size: r.size,
            insured_headcount: r.insured_headcount,
            address: r.address,
            contact_person: r.contact_person,
            contact_phone: r.contact_phone,
            platform: r.platform,
            version: r.version,
            updated_at: r.updated_at,
        })
        .collect())
}

/// Rows added, updated, unchanged by a write.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Counts {
    pub added: u64,
    pub updated: u64,
    pub unchanged: u64,
}

impl Counts {
    pub fn plus(self, other: Counts) -> Counts {
        Counts {
            added: self.added + other.added,
            updated: self.updated + other.updated,
            unchanged: self.unchanged + other.unchanged,
        }
    }
}

/// Writes checked rows by credit code in the caller's transaction: new ones inserted, changed
/// ones updated, the rest left; in batches of one statement each.
pub async fn upsert(tx: &mut PgConnection, region: RegionId, rows: &[EmployerInput]) -> Result<Counts, sqlx::Error> {
    let mut counts = Counts::default();
    for batch in rows.chunks(5_000) {
        let codes: Vec<String> = batch.iter().map(|r| r.credit_code.as_str().to_string()).collect();
        let existing: std::collections::HashMap<String, Employer> =
            by_credit_codes(tx, region, &codes).await?.into_iter().map(|e| (e.credit_code.clone(), e)).collect();
        let (mut new, mut changed): (Vec<&EmployerInput>, Vec<(i64, &EmployerInput)>) = (Vec::new(), Vec::new());
        for r in batch {
            match existing.get(r.credit_code.as_str()) {
                None => new.push(r),
                Some(e) if r.same_as(e) => counts.unchanged += 1,
                Some(e) => changed.push((e.id.0, r)),
            }
        }
        counts.added += write_rows(tx, region, &new).await?;
        counts.updated += update_rows(tx, region, &changed).await?;
    }
    Ok(counts)
}

/// The columns of rows, as UNNEST takes them.
struct Columns {
    name: Vec<String>,
    division: Vec<String>,
    class: Vec<Option<i16>>,
    reason: Vec<String>,
    size: Vec<String>,
    headcount: Vec<i32>,
    address: Vec<String>,
    person: Vec<String>,
    phone: Vec<String>,
    platform: Vec<bool>,
}

impl Columns {
    fn of<'a>(rows: impl Iterator<Item = &'a EmployerInput>) -> Columns {
        let mut c = Columns {
            name: Vec::new(),
            division: Vec::new(),
            class: Vec::new(),
            reason: Vec::new(),
            size: Vec::new(),
            headcount: Vec::new(),
            address: Vec::new(),
            person: Vec::new(),
            phone: Vec::new(),
            platform: Vec::new(),
        };
        for r in rows {
            c.name.push(r.name.as_str().to_string());
            c.division.push(r.division.clone());
            c.class.push(r.risk_class_override);
            c.reason.push(r.override_reason.clone());
            c.size.push(r.size.as_str().to_string());
            c.headcount.push(r.insured_headcount);
            c.address.push(r.address.as_str().to_string());
            c.person.push(r.contact_person.as_str().to_string());
            c.phone.push(r.contact_phone.clone());
            c.platform.push(r.platform);
        }
        c
    }
}

async fn write_rows(tx: &mut PgConnection, region: RegionId, rows: &[&EmployerInput]) -> Result<u64, sqlx::Error> {
    if rows.is_empty() {
        return Ok(0);
    }
    let codes: Vec<String> = rows.iter().map(|r| r.credit_code.as_str().to_string()).collect();
    let c = Columns::of(rows.iter().copied());
    let done = sqlx::query!(
        "INSERT INTO employers (region_id, credit_code, name, division_code, risk_class_override, override_reason, size,
                                insured_headcount, address, contact_person, contact_phone, platform)
         SELECT $1, cc, n, d, k, rs, s, h, a, p, t, f
         FROM unnest($2::text[], $3::text[], $4::text[], $5::smallint[], $6::text[], $7::text[], $8::int[], $9::text[],
                     $10::text[], $11::text[], $12::bool[]) AS u(cc, n, d, k, rs, s, h, a, p, t, f)",
        region.0,
        &codes,
        &c.name,
        &c.division,
        &c.class as &[Option<i16>],
        &c.reason,
        &c.size,
        &c.headcount,
        &c.address,
        &c.person,
        &c.phone,
        &c.platform
    )
    .execute(tx)
    .await?;
    Ok(done.rows_affected())
}

async fn update_rows(
    tx: &mut PgConnection,
    region: RegionId,
    rows: &[(i64, &EmployerInput)],
) -> Result<u64, sqlx::Error> {
    if rows.is_empty() {
        return Ok(0);
    }
    let ids: Vec<i64> = rows.iter().map(|(id, _)| *id).collect();
    let c = Columns::of(rows.iter().map(|(_, r)| *r));
    let done = sqlx::query!(
        "UPDATE employers e SET name = u.n, division_code = u.d, risk_class_override = u.k, override_reason = u.rs,
                                size = u.s, insured_headcount = u.h, address = u.a, contact_person = u.p,
                                contact_phone = u.t, platform = u.f, version = e.version + 1, updated_at = now()
         FROM unnest($2::bigint[], $3::text[], $4::text[], $5::smallint[], $6::text[], $7::text[], $8::int[], $9::text[],
                     $10::text[], $11::text[], $12::bool[]) AS u(id, n, d, k, rs, s, h, a, p, t, f)
         WHERE e.region_id = $1 AND e.id = u.id",
        region.0,
        &ids,
        &c.name,
        &c.division,
        &c.class as &[Option<i16>],
        &c.reason,
        &c.size,
        &c.headcount,
        &c.address,
        &c.person,
        &c.phone,
        &c.platform
    )
    .execute(tx)
    .await?;
    Ok(done.rows_affected())
}
