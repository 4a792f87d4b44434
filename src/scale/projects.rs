//! Application rounds, applicants and project applications for every region, one round a year
//! from the first cycle's first year to next year's (entered this autumn): at N = 1 ten
//! applicants and five applications a round per region, N multiplying both. The past years'
//! applications are decided (most passed to the expert review, some rejected or left returned),
//! next year's are in every state. Each carries its cost lines (amounts computed by the rule
//! the forms use), indicators and milestones; the submitted ones their history and a frozen
//! version. Written with batched UNNEST inserts in one transaction per region.

use chrono::{Datelike, Duration, NaiveDate, Utc};
use rust_decimal::Decimal;
use sqlx::PgPool;

use super::Rng;
use super::accounts::{People, regions};
use crate::cycles;
use crate::db::{self, DbActor, Scope};
use crate::org::{RegionLevel, Role};
use crate::project_rounds::model::{DEFAULT_CRITERIA, DEFAULT_REQUIRED};
use crate::projects::model::{Level2, line_amount, totals};
use crate::values::CreditCode;
use crate::workflow::versions::Snapshot;

const PROVINCE: DbActor = DbActor { scope: Scope::Province, account_id: None };

const ORG_KINDS: &[(&str, &str, &str)] =
    &[("association", "51", "协会"), ("large", "91", "集团有限公司"), ("medium", "91", "股份有限公司")];
const ORG_FIELDS: &[(&str, &str)] = &[
    ("安全生产", "S95"),
    ("建筑业", "E47"),
    ("矿业", "B09"),
    ("化工", "C26"),
    ("重型机械", "C35"),
    ("交通运输", "G54"),
    ("港口物流", "G59"),
    ("冶金", "C31"),
];
const INDUSTRIES: &[&str] = &[
    "province:mining",
    "province:hazardous_chemicals",
    "province:construction",
    "province:transport",
    "province:machinery",
];
const PROJECT_NAMES: &[(&str, &str)] = &[
    ("training", "一线班组长工伤预防能力提升培训"),
    ("training", "重点岗位职工安全技能实训"),
    ("training", "企业主要负责人工伤预防专题培训"),
    ("training", "新入职员工工伤预防“第一课”培训"),
    ("publicity", "工伤预防知识进企业宣传活动"),
    ("publicity", "典型事故警示教育宣传"),
    ("publicity", "工伤预防短视频制作与推广"),
];
const LINES: &[(&str, &str, i64)] = &[
    ("师资费", "学时", 800),
    ("培训教材及资料", "套", 45),
    ("场地租赁费", "天", 1500),
    ("宣传手册印制", "册", 7),
    ("短视频制作", "部", 15000),
    ("考核及证书制作", "人", 20),
    ("实训耗材", "批", 20000),
];
const RETURNS: &[&str] = &[
    "费用测算依据不足，请补充询价材料后重新提交。",
    "绩效目标缺少效益指标的量化值，请补充。",
    "实施方案中培训对象人数与计划服务人数不一致，请核实。",
];
const REJECTIONS: &[&str] = &["项目内容不属于工伤预防宣传培训范围。", "申报单位近两年无同类项目实施经历，且材料不全。"];

/// Rows written, counted.
#[derive(Default)]
pub struct Written {
    pub rounds: u64,
    pub applicants: u64,
    pub projects: u64,
    pub rows: u64,
}

impl super::Counted for Written {
    fn count(&self) -> u64 {
        self.rounds + self.applicants + self.projects + self.rows
    }
}

/// Where an application of a round stands, drawn by the round's age.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Fate {
    Draft,
    Submitted,
    Returned,
    Rejected,
    Passed,
}

impl Fate {
    fn draw(rng: &mut Rng, open: bool) -> Fate {
        let roll = rng.below(100);
        let table: [(u64, Fate); 5] = if open {
            [(35, Fate::Draft), (65, Fate::Submitted), (75, Fate::Returned), (80, Fate::Rejected), (100, Fate::Passed)]
        } else {
            [(8, Fate::Draft), (10, Fate::Submitted), (20, Fate::Returned), (35, Fate::Rejected), (100, Fate::Passed)]
        };
        table.iter().find(|(limit, _)| roll < *limit).map_or(Fate::Passed, |(_, f)| *f)
    }

    fn status(self) -> &'static str {
        match self {
            Fate::Draft => "draft",
            Fate::Submitted => "submitted",
            Fate::Returned => "returned",
            Fate::Rejected => "rejected",
            Fate::Passed => "expert_review",
        }
    }
}

pub async fn generate(owner: &PgPool, n: u32, people: &People, rng: &mut Rng) -> anyhow::Result<Written> {
    let cycles = cycles::store::list(owner).await?;
    let today = crate::values::time::today();
    let first_year = cycles.iter().map(|c| c.first_year).min().unwrap_or(today.year());
    let mut written = Written::default();
    for region in regions(owner).await? {
        let (role, code) = match region.level {
            RegionLevel::Province => (Role::ProvinceOfficer, "210000"),
            RegionLevel::City => (Role::CityOfficer, region.code.as_str()),
        };
        let officers = people.of(role, Some(code));
        let (Some(keeper), Some(reviewer)) = (officers.first(), officers.get(1).or(officers.first())) else {
            continue;
        };
        let mut g = Region::default();
        for k in 0..10 * u64::from(n) {
            g.push_applicant(&region.code, k, rng);
        }
        for year in first_year..=today.year() + 1 {
            let opens = NaiveDate::from_ymd_opt(year - 1, 11, 1).unwrap_or(today);
            let closes = NaiveDate::from_ymd_opt(year - 1, 12, 31).unwrap_or(today);
            if opens > today {
                continue;
            }
            let round = g.push_round(year, opens, closes, keeper.id);
            let open = closes >= today;
            for _ in 0..5 * u64::from(n) {
                let fate = Fate::draw(rng, open);
                g.push_project(
                    round,
                    year,
                    fate,
                    (keeper.id, &keeper.display_name),
                    (reviewer.id, &reviewer.display_name),
                    rng,
                );
            }
        }
        let w = g.write(owner, region.id).await?;
        written.rounds += w.rounds;
        written.applicants += w.applicants;
        written.projects += w.projects;
        written.rows += w.rows;
    }
    Ok(written)
}

/// One region's rows as columns; children point at their parent by index.
#[derive(Default)]
struct Region {
    // rounds
    round_year: Vec<i16>,
    round_title: Vec<String>,
    opens_on: Vec<NaiveDate>,
    closes_on: Vec<NaiveDate>,
    round_by: Vec<i64>,
    // applicants
    credit_code: Vec<String>,
    org_name: Vec<String>,
    unit_type: Vec<String>,
    division: Vec<String>,
    legal: Vec<String>,
    contact: Vec<String>,
    phone: Vec<String>,
    // projects
    p_round: Vec<usize>,
    p_year: Vec<i16>,
    p_applicant: Vec<usize>,
    p_status: Vec<String>,
    p_name: Vec<String>,
    p_type: Vec<String>,
    p_industry: Vec<String>,
    p_starts: Vec<NaiveDate>,
    p_ends: Vec<NaiveDate>,
    p_planned: Vec<i32>,
    p_amount: Vec<Decimal>,
    p_submitted: Vec<Option<chrono::DateTime<Utc>>>,
    p_decided: Vec<Option<chrono::DateTime<Utc>>>,
    p_by: Vec<i64>,
    // children
    l_project: Vec<usize>,
    l_item: Vec<String>,
    l_unit: Vec<String>,
    l_price: Vec<Decimal>,
    l_quantity: Vec<Decimal>,
    l_amount: Vec<Decimal>,
    i_project: Vec<usize>,
    i_level1: Vec<String>,
    i_level2: Vec<String>,
    i_name: Vec<String>,
    i_value: Vec<Decimal>,
    i_unit: Vec<String>,
    m_project: Vec<usize>,
    m_due: Vec<NaiveDate>,
    m_what: Vec<String>,
    // history and versions
    h_project: Vec<usize>,
    h_from: Vec<String>,
    h_to: Vec<String>,
    h_action: Vec<String>,
    h_comment: Vec<String>,
    h_by: Vec<i64>,
    h_name: Vec<String>,
    h_at: Vec<chrono::DateTime<Utc>>,
    v_project: Vec<usize>,
    v_snapshot: Vec<serde_json::Value>,
    v_by: Vec<i64>,
    v_name: Vec<String>,
    v_at: Vec<chrono::DateTime<Utc>>,
}

fn at(day: NaiveDate, rng: &mut Rng) -> chrono::DateTime<Utc> {
    crate::values::time::day_start(day) + Duration::minutes(60 * 9 + rng.below(480) as i64)
}

impl Region {
    fn push_applicant(&mut self, region_code: &str, k: u64, rng: &mut Rng) {
        let (unit, prefix, suffix) = *rng.pick(ORG_KINDS);
        let (field, division) = *rng.pick(ORG_FIELDS);
        let body = format!("{prefix}{region_code}{}{k:07}", if prefix == "51" { "MJ" } else { "MA" });
        let code = CreditCode::completing(&body).map(|c| c.as_str().to_string()).unwrap_or_default();
        self.credit_code.push(code);
        self.org_name.push(format!("{}{field}{suffix}（{}）", crate::demo::SURNAMES[(k % 20) as usize], k + 1));
        self.unit_type.push(unit.to_string());
        self.division.push(division.to_string());
        self.legal.push(super::person_name(rng));
        self.contact.push(super::person_name(rng));
        self.phone.push(format!("13{:09}", rng.below(1_000_000_000)));
    }

    fn push_round(&mut self, year: i32, opens: NaiveDate, closes: NaiveDate, by: i64) -> usize {
        self.round_year.push(year as i16);
        self.round_title.push(format!("{year}年度工伤预防项目申报"));
        self.opens_on.push(opens);
        self.closes_on.push(closes);
        self.round_by.push(by);
        self.round_year.len() - 1
    }

    fn push_project(
        &mut self,
        round: usize,
        year: i32,
        fate: Fate,
        keeper: (i64, &str),
        reviewer: (i64, &str),
        rng: &mut Rng,
    ) {
        let index = self.p_name.len();
        let (kind, name) = *rng.pick(PROJECT_NAMES);
        let industry = *rng.pick(INDUSTRIES);
        let starts = NaiveDate::from_ymd_opt(year, 3 + rng.below(3) as u32, 1).unwrap_or(self.opens_on[round]);
        let ends = NaiveDate::from_ymd_opt(year, 12, 15).unwrap_or(starts);
        let mut amounts = Vec::new();
        for _ in 0..2 + rng.below(4) {
            let (item, unit, base) = *rng.pick(LINES);
            let price = Decimal::from(base) + Decimal::new(rng.below(2) as i64 * 50, 2);
            let quantity = Decimal::from(1 + rng.below(if base > 5000 { 4 } else { 1500 }));
            let amount = line_amount(price, quantity).unwrap_or_default();
            amounts.push((1_i16, amount));
            self.l_project.push(index);
            self.l_item.push(item.to_string());
            self.l_unit.push(unit.to_string());
            self.l_price.push(price);
            self.l_quantity.push(quantity);
            self.l_amount.push(amount);
        }
        let planned = 100 * (1 + rng.below(30)) as i32;
        let indicators: [(Level2, &str, Decimal, &str); 3] = [
            (Level2::Quantity, "服务人次", Decimal::from(planned), "人次"),
            (Level2::Social, "参训企业工伤事故发生率下降", Decimal::from(5 + rng.below(10)), "%"),
            (Level2::Satisfaction, "服务对象满意度", Decimal::from(85), "%"),
        ];
        for (level2, what, value, unit) in indicators {
            self.i_project.push(index);
            self.i_level1.push(level2.parent().as_str().to_string());
            self.i_level2.push(level2.as_str().to_string());
            self.i_name.push(what.to_string());
            self.i_value.push(value);
            self.i_unit.push(unit.to_string());
        }
        for (months, what) in [(3, "完成实施方案细化和准备工作"), (6, "完成过半任务"), (9, "完成全部任务并总结")]
        {
            self.m_project.push(index);
            self.m_due.push(starts.checked_add_months(chrono::Months::new(months)).unwrap_or(ends).min(ends));
            self.m_what.push(what.to_string());
        }
        let total = totals(amounts.into_iter()).total;
        let submitted =
            (fate != Fate::Draft).then(|| at(self.opens_on[round] + Duration::days(rng.below(40) as i64), rng));
        let decided =
            submitted.filter(|_| fate != Fate::Submitted).map(|s| s + Duration::days(3 + rng.below(10) as i64));
        if let Some(when) = submitted {
            self.history(index, ("draft", "submitted", "submit", ""), keeper, when);
            self.v_project.push(index);
            let snapshot = Snapshot::new(1).field("name", "项目名称", name).field(
                "requested_amount",
                "申请金额（元）",
                total.show_yuan(),
            );
            self.v_snapshot.push(serde_json::to_value(&snapshot).unwrap_or_default());
            self.v_by.push(keeper.0);
            self.v_name.push(keeper.1.to_string());
            self.v_at.push(when);
        }
        if let Some(when) = decided {
            let step = match fate {
                Fate::Returned => ("submitted", "returned", "return", *rng.pick(RETURNS)),
                Fate::Rejected => ("submitted", "rejected", "reject", *rng.pick(REJECTIONS)),
                _ => ("submitted", "expert_review", "pass", "材料齐全，同意提交专家评审。"),
            };
            self.history(index, step, reviewer, when);
        }
        self.p_round.push(round);
        self.p_year.push(year as i16);
        self.p_applicant.push(rng.below(self.credit_code.len() as u64) as usize);
        self.p_status.push(fate.status().to_string());
        self.p_name.push(name.to_string());
        self.p_type.push(kind.to_string());
        self.p_industry.push(industry.to_string());
        self.p_starts.push(starts);
        self.p_ends.push(ends);
        self.p_planned.push(planned);
        self.p_amount.push(total.yuan());
        self.p_submitted.push(submitted);
        self.p_decided.push(decided);
        self.p_by.push(keeper.0);
    }

    fn history(
        &mut self,
        index: usize,
        (from, to, action, comment): (&str, &str, &str, &str),
        by: (i64, &str),
        when: chrono::DateTime<Utc>,
    ) {
        self.h_project.push(index);
        self.h_from.push(from.to_string());
        self.h_to.push(to.to_string());
        self.h_action.push(action.to_string());
        self.h_comment.push(comment.to_string());
        self.h_by.push(by.0);
        self.h_name.push(by.1.to_string());
        self.h_at.push(when);
    }

    async fn write(self, owner: &PgPool, region: i64) -> anyhow::Result<Written> {
        let mut tx = db::begin(owner, PROVINCE).await?;
        let required: Vec<String> = DEFAULT_REQUIRED.iter().map(|k| k.to_string()).collect();
        let mut round_ids: Vec<i64> = sqlx::query_scalar!(
            r#"INSERT INTO project_rounds (region_id, year, title, key_industries, opens_on, closes_on, required_kinds,
                                           created_by, created_at, updated_at)
               SELECT $1, y, t, $2::text[], o, c, $3::text[], b, o + time '09:00', o + time '09:00'
               FROM unnest($4::smallint[], $5::text[], $6::date[], $7::date[], $8::bigint[]) WITH ORDINALITY AS u(y, t, o, c, b, n)
               ORDER BY n
               RETURNING id"#,
            region,
            &INDUSTRIES.iter().map(|s| s.to_string()).collect::<Vec<_>>(),
            &required,
            &self.round_year,
            &self.round_title,
            &self.opens_on,
            &self.closes_on,
            &self.round_by
        )
        .fetch_all(&mut *tx)
        .await?;
        // Identity values follow the insertion order (ORDER BY n), whatever order RETURNING uses.
        round_ids.sort_unstable();
        let names: Vec<String> = DEFAULT_CRITERIA.iter().map(|(n, _)| n.to_string()).collect();
        let weights: Vec<i16> = DEFAULT_CRITERIA.iter().map(|(_, w)| *w).collect();
        sqlx::query!(
            "INSERT INTO round_criteria (region_id, round_id, position, name, weight)
             SELECT $1, r, c.n, c.name, c.weight
             FROM unnest($2::bigint[]) AS r
             CROSS JOIN unnest($3::text[], $4::smallint[]) WITH ORDINALITY AS c(name, weight, n)",
            region,
            &round_ids,
            &names,
            &weights
        )
        .execute(&mut *tx)
        .await?;
        let mut applicant_ids: Vec<i64> = sqlx::query_scalar!(
            r#"INSERT INTO applicants (region_id, credit_code, name, unit_type, division_code, legal_representative,
                                       contact_person, contact_phone)
               SELECT $1, c, nm, u, d, l, p, ph
               FROM unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[])
                    WITH ORDINALITY AS x(c, nm, u, d, l, p, ph, n)
               ORDER BY n
               RETURNING id"#,
            region,
            &self.credit_code,
            &self.org_name,
            &self.unit_type,
            &self.division,
            &self.legal,
            &self.contact,
            &self.phone
        )
        .fetch_all(&mut *tx)
        .await?;
        applicant_ids.sort_unstable();
        let p_round: Vec<i64> = self.p_round.iter().map(|i| round_ids[*i]).collect();
        let p_applicant: Vec<i64> = self.p_applicant.iter().map(|i| applicant_ids[*i]).collect();
        let mut project_ids: Vec<i64> = sqlx::query_scalar!(
            r#"INSERT INTO projects (region_id, round_id, year, applicant_kind, applicant_id, status, name, project_type,
                                     key_industry, implementation_mode, starts_on, ends_on, target_group, planned_count,
                                     background, content, safeguards, requested_amount, first_submitted_at,
                                     last_submitted_at, decided_at, created_by, created_at, updated_at)
               SELECT $1, r, y, 'organization', a, s, nm, t, k, 'own', st, en, '重点行业企业一线职工', pl,
                      '近三年本地区重点行业工伤事故多发。', '分期开展集中培训和宣传活动。', '成立项目组，按季度报送进度。',
                      am, su, su, de, b, coalesce(su, now()) - interval '2 days', coalesce(de, su, now())
               FROM unnest($2::bigint[], $3::smallint[], $4::bigint[], $5::text[], $6::text[], $7::text[], $8::text[],
                           $9::date[], $10::date[], $11::int[], $12::numeric[], $13::timestamptz[], $14::timestamptz[],
                           $15::bigint[]) WITH ORDINALITY AS x(r, y, a, s, nm, t, k, st, en, pl, am, su, de, b, n)
               ORDER BY n
               RETURNING id"#,
            region,
            &p_round,
            &self.p_year,
            &p_applicant,
            &self.p_status,
            &self.p_name,
            &self.p_type,
            &self.p_industry,
            &self.p_starts,
            &self.p_ends,
            &self.p_planned,
            &self.p_amount,
            &self.p_submitted as &[Option<chrono::DateTime<Utc>>],
            &self.p_decided as &[Option<chrono::DateTime<Utc>>],
            &self.p_by
        )
        .fetch_all(&mut *tx)
        .await?;
        project_ids.sort_unstable();
        let ids = |of: &[usize]| -> Vec<i64> { of.iter().map(|i| project_ids[*i]).collect() };
        sqlx::query!(
            "INSERT INTO project_budget_lines (region_id, project_id, position, project_year, item, unit, unit_price,
                                               quantity, amount)
             SELECT $1, p, n, 1, i, u, pr, q, a
             FROM unnest($2::bigint[], $3::text[], $4::text[], $5::numeric[], $6::numeric[], $7::numeric[])
                  WITH ORDINALITY AS x(p, i, u, pr, q, a, n)",
            region,
            &ids(&self.l_project),
            &self.l_item,
            &self.l_unit,
            &self.l_price,
            &self.l_quantity,
            &self.l_amount
        )
        .execute(&mut *tx)
        .await?;
        sqlx::query!(
            "INSERT INTO project_indicators (region_id, project_id, position, project_year, level1, level2, name,
                                             comparison, target_value, unit)
             SELECT $1, p, n, 1, l1, l2, nm, 'ge', v, u
             FROM unnest($2::bigint[], $3::text[], $4::text[], $5::text[], $6::numeric[], $7::text[])
                  WITH ORDINALITY AS x(p, l1, l2, nm, v, u, n)",
            region,
            &ids(&self.i_project),
            &self.i_level1,
            &self.i_level2,
            &self.i_name,
            &self.i_value,
            &self.i_unit
        )
        .execute(&mut *tx)
        .await?;
        sqlx::query!(
            "INSERT INTO project_milestones (region_id, project_id, position, due_on, description)
             SELECT $1, p, n, d, w FROM unnest($2::bigint[], $3::date[], $4::text[]) WITH ORDINALITY AS x(p, d, w, n)",
            region,
            &ids(&self.m_project),
            &self.m_due,
            &self.m_what
        )
        .execute(&mut *tx)
        .await?;
        sqlx::query!(
            "INSERT INTO workflow_history (region_id, record_kind, record_id, from_status, to_status, action, comment,
                                           account_id, account_name, occurred_at)
             SELECT $1, 'project', p, f, t, a, c, b, nm, o
             FROM unnest($2::bigint[], $3::text[], $4::text[], $5::text[], $6::text[], $7::bigint[], $8::text[],
                         $9::timestamptz[]) AS x(p, f, t, a, c, b, nm, o)",
            region,
            &ids(&self.h_project),
            &self.h_from,
            &self.h_to,
            &self.h_action,
            &self.h_comment,
            &self.h_by,
            &self.h_name,
            &self.h_at
        )
        .execute(&mut *tx)
        .await?;
        sqlx::query!(
            "INSERT INTO record_versions (region_id, record_kind, record_id, version_no, schema_version, snapshot,
                                          account_id, account_name, frozen_at)
             SELECT $1, 'project', p, 1, 1, s, b, nm, o
             FROM unnest($2::bigint[], $3::jsonb[], $4::bigint[], $5::text[], $6::timestamptz[]) AS x(p, s, b, nm, o)",
            region,
            &ids(&self.v_project),
            &self.v_snapshot,
            &self.v_by,
            &self.v_name,
            &self.v_at
        )
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        let rows = (self.l_project.len() + self.i_project.len() + self.m_project.len() + self.h_project.len()) as u64;
        Ok(Written {
            rounds: round_ids.len() as u64,
            applicants: applicant_ids.len() as u64,
            projects: project_ids.len() as u64,
            rows: rows + self.v_project.len() as u64,
        })
    }
}
