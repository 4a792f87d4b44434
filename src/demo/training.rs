//! Demo training of the current cycle: in every region up to 40 key-industry employers with
//! their required people per category, three sessions this autumn (the second with an exam,
//! where one in eight fails; 沈阳's first paid by its accepted training project), and trainees
//! covering each region's share of the required, from low to complete across the cities (大连
//! every one, 沈阳 most, 鞍山 more than half, some cities a fifth); some people attend twice, and
//! whoever failed the exam makes it up in the online session. 沈阳
//! has a platform employer (即时配送) with its riders partly trained online. Written through the
//! feature's store, as the pages would.

use anyhow::Context;
use chrono::NaiveDate;
use rust_decimal::Decimal;
use sqlx::PgPool;

use super::plans::account;
use crate::cycles::model::Cycle;
use crate::db::{self, DbActor, Scope};
use crate::employers::model::EmployerId;
use crate::org::{AccountId, RegionId};
use crate::training::model::{Delivery, SessionInput, TraineeInput, categories};
use crate::training::store::{self, NewTrainee};
use crate::values::{CreditCode, IdCardNumber};
use crate::workflow::By;

const PROVINCE: DbActor = DbActor { scope: Scope::Province, account_id: None };

/// The demo's platform employer of 沈阳.
const PLATFORM_CODE: &str = "91210100MA0PXD001";

const SURNAMES: &[&str] = &[
    "王", "李", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴", "徐", "孙", "马", "朱", "胡", "郭", "何", "高", "林",
    "罗",
];
const GIVEN: &[&str] = &[
    "伟", "芳", "娜", "敏", "静", "强", "磊", "军", "洋", "勇", "艳", "杰", "涛", "明", "超", "秀英", "华", "平", "刚",
    "桂兰", "建国", "海燕", "志强", "丽", "鹏", "红", "宇", "浩", "婷", "东",
];

/// The share of its required people a region has trained, in percent.
fn share(code: &str, order: i32) -> i64 {
    match code {
        "210200" => 100,
        "210100" => 82,
        "210300" => 61,
        _ => 20 + i64::from(order) * 37 % 55,
    }
}

/// The required people of an employer in category `i` of `n` (the last: 一线班组长).
fn required(i: usize, n: usize, employer: i64, headcount: i32) -> i32 {
    match i {
        _ if i + 1 == n => (headcount / 40).clamp(1, 12),
        1 => 1 + (employer % 2) as i32,
        3 => i32::from(employer % 3 == 0),
        _ => 1,
    }
}

/// A valid ID-card number of someone of region `code`, the `k`-th person of the demo.
fn person(code: &str, k: u32) -> anyhow::Result<IdCardNumber> {
    let born =
        NaiveDate::from_ymd_opt(1968, 1, 1).context("演示日期")? + chrono::Duration::days(i64::from(k * 37 % 11000));
    let digits = format!("{}{:02}{}{:03}", &code[..4], k % 12 + 1, born.format("%Y%m%d"), k / 12 % 1000);
    IdCardNumber::completing(&digits).context("演示身份证号码")
}

fn name(k: u32) -> String {
    format!("{}{}", SURNAMES[(k as usize) % SURNAMES.len()], GIVEN[(k as usize / SURNAMES.len()) % GIVEN.len()])
}

/// A session of this autumn.
fn session(
    topic: &str,
    provider: &str,
    (month, day): (u32, u32),
    has_exam: bool,
    project: Option<i64>,
) -> anyhow::Result<SessionInput> {
    let starts_on = NaiveDate::from_ymd_opt(2026, month, day).context("演示日期")?;
    Ok(SessionInput {
        provider: None,
        cycle_first_year: 2026,
        provider_name: provider.into(),
        delivery: if provider.contains("平台") { Delivery::Online } else { Delivery::Offline },
        starts_on,
        ends_on: starts_on + chrono::Duration::days(1),
        hours: Decimal::from(16),
        topic: topic.into(),
        place: if provider.contains("平台") { String::new() } else { "市工伤预防培训中心".into() },
        has_exam,
        project,
    })
}

struct Keyed {
    id: EmployerId,
    credit_code: String,
    headcount: i32,
    platform: bool,
}

pub async fn seed(owner: &PgPool) -> anyhow::Result<()> {
    let cycles = crate::cycles::store::list(owner).await?;
    let cycle = cycles.iter().find(|c| c.first_year == 2026).context("演示周期 2026—2030")?;
    let province = account(owner, "demo_province").await?;
    add_platform_employer(owner).await?;
    let regions: Vec<(i64, String, i32)> =
        sqlx::query_as("SELECT id, code, sort_order FROM regions ORDER BY sort_order, id").fetch_all(owner).await?;
    let mut k: u32 = 0;
    for (region, code, order) in regions {
        let keeper = match code.as_str() {
            "210100" => account(owner, "demo_sy_hrss").await?,
            "210200" => account(owner, "demo_dl_hrss").await?,
            "210300" => account(owner, "demo_as_hrss").await?,
            _ => province.clone(),
        };
        seed_region(owner, cycle, (RegionId(region), &code, order), &keeper, &mut k).await?;
    }
    sqlx::query!("INSERT INTO seed_log (entity, key) VALUES ('demo', 'training')").execute(owner).await?;
    Ok(())
}

async fn add_platform_employer(owner: &PgPool) -> anyhow::Result<()> {
    let code = CreditCode::completing(PLATFORM_CODE).context("演示信用代码")?;
    let mut tx = db::begin(owner, PROVINCE).await?;
    sqlx::query(
        "INSERT INTO employers (region_id, credit_code, name, division_code, size, insured_headcount, address,
                                contact_person, contact_phone, platform)
         SELECT id, $1, '沈阳速达即时配送服务有限公司', 'G54', 'medium', 420, '沈阳市浑南区创新路 99 号', '韩冰',
                '13904001234', true
         FROM regions WHERE code = '210100'",
    )
    .bind(code.as_str())
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(())
}

async fn seed_region(
    owner: &PgPool,
    cycle: &Cycle,
    (region, code, order): (RegionId, &str, i32),
    keeper: &(AccountId, String),
    k: &mut u32,
) -> anyhow::Result<()> {
    let mut tx = db::begin(owner, PROVINCE).await?;
    let employers: Vec<Keyed> = sqlx::query_as::<_, (i64, String, i32, bool)>(
        "SELECT id, credit_code, insured_headcount, platform FROM employers
         WHERE region_id = $1 AND division_code IN (SELECT code FROM key_industry_divisions)
         ORDER BY platform DESC, id LIMIT 40",
    )
    .bind(region.0)
    .fetch_all(&mut *tx)
    .await?
    .into_iter()
    .map(|(id, credit_code, headcount, platform)| Keyed { id: EmployerId(id), credit_code, headcount, platform })
    .collect();
    let mut rows = Vec::new();
    for e in &employers {
        let list = categories(cycle, e.platform);
        for (i, c) in list.iter().enumerate() {
            let n = if cycle.platform_positions.iter().any(|p| p == c) {
                30
            } else {
                required(i, cycle.key_positions.len(), e.id.0, e.headcount)
            };
            if n > 0 {
                rows.push((e.id, c.to_string(), n));
            }
        }
    }
    store::set_required_rows(&mut tx, region, cycle.id, &rows).await?;
    let funder: Option<i64> = sqlx::query_scalar(
        "SELECT id FROM projects WHERE region_id = $1 AND project_type = 'training'
           AND status IN ('accepted', 'settled') ORDER BY id LIMIT 1",
    )
    .bind(region.0)
    .fetch_optional(&mut *tx)
    .await?;
    let by = By { account: keeper.0, name: &keeper.1 };
    let ctx = super::demo_context();
    let inputs = [
        session("重点行业企业一线班组长工伤预防能力提升培训", "辽宁省安全科学研究院", (9, 15), false, funder)?,
        session("企业负责人和安全管理人员工伤预防专题培训（考核）", "辽宁省劳动保护教育中心", (10, 20), true, None)?,
        session("工伤预防知识线上培训", "辽宁工伤预防网络学习平台", (11, 10), false, None)?,
    ];
    let mut sessions = Vec::new();
    for input in &inputs {
        let id = store::create_session(&mut tx, &ctx, region, cycle.id, input, &by).await?;
        sessions.push(store::find_session(&mut tx, id).await?.context("演示培训")?);
    }
    // Who attends where: each person once (round the sessions), every fifth again online.
    let mut lists: Vec<Vec<TraineeInput>> = vec![Vec::new(), Vec::new(), Vec::new()];
    let percent = share(code, order);
    for (employer, category, n) in &rows {
        let Some(e) = employers.iter().find(|e| e.id == *employer) else { continue };
        let trained = (i64::from(*n) * percent + 50) / 100 + i64::from(employer.0 % 17 == 0);
        for _ in 0..trained {
            *k += 1;
            let platform_people = cycle.platform_positions.iter().any(|p| p == category);
            let at = if platform_people { 2 } else { (*k % 3) as usize };
            let session = &sessions[at];
            let failed = session.has_exam && *k % 8 == 0;
            let input = TraineeInput {
                name: name(*k),
                id_number: person(code, *k)?,
                employer: CreditCode::parse(&e.credit_code)?,
                category: category.clone(),
                exam_passed: session.has_exam.then_some(!failed),
                certificate_no: if session.has_exam && !failed {
                    format!("LNGSYF-2026-{:06}", *k)
                } else {
                    String::new()
                },
            };
            // Every fifth person again online, and whoever failed the exam makes it up there.
            if at != 2 && (*k % 5 == 0 || failed) {
                lists[2].push(TraineeInput { exam_passed: None, certificate_no: String::new(), ..input.clone() });
            }
            lists[at].push(input);
        }
    }
    for (session, list) in sessions.iter().zip(&lists) {
        let ready: Vec<NewTrainee<'_>> = list
            .iter()
            .filter_map(|t| {
                let e = employers.iter().find(|e| e.credit_code == t.employer.as_str())?;
                Some(NewTrainee { input: t, employer: e.id })
            })
            .collect();
        store::add_trainees(&mut tx, session, &ready, keeper.0).await?;
    }
    tx.commit().await?;
    Ok(())
}
