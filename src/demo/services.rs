//! Demo service organisations, technical schools and publicity: twenty organisations on the
//! province's recommended list (three suspended, one removed, two never listed), each serving
//! some cities, with their qualifications, and 沈阳's and 大连's online sessions delivered by
//! listed platforms; technical schools in every city for last year and this; in every city the
//! 《职业病防治法》 week and the work-safety month of both years, with a warning-education base.
//! Written through the features' stores, as the pages would (the listing's moves in its
//! history and the audit log).

use anyhow::Context;
use chrono::{Datelike, NaiveDate};
use rust_decimal::Decimal;
use sqlx::PgPool;

use super::demo_context;
use super::plans::account;
use crate::db::{self, DbActor, Scope};
use crate::org::{AccountId, DepartmentKind, RegionId, Role};
use crate::organisations::model::{ListingAction, OrganisationInput, OrganisationKind, Period, QualificationInput};
use crate::publicity::model::{BaseInput, EventInput, EventKind};
use crate::schools::model::SchoolInput;
use crate::values::{CreditCode, time};
use crate::web::once::FormToken;
use crate::workflow::By;

const PROVINCE: DbActor = DbActor { scope: Scope::Province, account_id: None };

/// Name, kind, credit-code body, the cities served (codes; empty: every city), and what became
/// of its listing.
const ORGANISATIONS: &[(&str, OrganisationKind, &str, &[&str], Fate)] = &[
    ("辽宁安培在线培训平台", OrganisationKind::OnlinePlatform, "91210100MA0DEM001", &[], Fate::Listed),
    ("东北工伤预防网络学院", OrganisationKind::OnlinePlatform, "91210100MA0DEM002", &[], Fate::Listed),
    ("辽宁省安全科学研究院", OrganisationKind::Consulting, "12210000MB0DEM003", &[], Fate::Listed),
    (
        "沈阳工伤预防培训中心",
        OrganisationKind::Training,
        "52210100MJ0DEM004",
        &["210100", "210400", "210500"],
        Fate::Listed,
    ),
    ("大连安全生产培训学校", OrganisationKind::Training, "52210200MJ0DEM005", &["210200", "210800"], Fate::Listed),
    ("鞍山职业安全培训学校", OrganisationKind::Training, "52210300MJ0DEM006", &["210300", "210900"], Fate::Listed),
    (
        "辽宁工程职业学院培训部",
        OrganisationKind::Training,
        "12210000MB0DEM007",
        &["210100", "210300", "211200"],
        Fate::Listed,
    ),
    (
        "渤海安全技术咨询有限公司",
        OrganisationKind::Consulting,
        "91210200MA0DEM008",
        &["210200", "210700", "211400"],
        Fate::Listed,
    ),
    (
        "华安职业卫生技术服务有限公司",
        OrganisationKind::Consulting,
        "91210100MA0DEM009",
        &["210100", "210600"],
        Fate::Listed,
    ),
    ("辽宁众安云课堂", OrganisationKind::OnlinePlatform, "91210100MA0DEM010", &[], Fate::Listed),
    ("营口港安培训中心", OrganisationKind::Training, "52210800MJ0DEM011", &["210800"], Fate::Listed),
    ("锦州安全生产宣传教育中心", OrganisationKind::Other, "12210700MB0DEM012", &["210700", "211400"], Fate::Listed),
    ("抚顺石化安全培训学校", OrganisationKind::Training, "52210400MJ0DEM013", &["210400"], Fate::Listed),
    ("丹东安康职业培训学校", OrganisationKind::Training, "52210600MJ0DEM014", &["210600"], Fate::Listed),
    ("盘锦油田安全技术培训中心", OrganisationKind::Training, "52211100MJ0DEM015", &["211100"], Fate::Suspended),
    ("北方安信在线教育平台", OrganisationKind::OnlinePlatform, "91210100MA0DEM016", &[], Fate::Suspended),
    ("铁岭宏安技能培训学校", OrganisationKind::Training, "52211200MJ0DEM017", &["211200"], Fate::Suspended),
    ("本溪泰安安全咨询有限公司", OrganisationKind::Consulting, "91210500MA0DEM018", &["210500"], Fate::Removed),
    ("朝阳康安职业培训学校", OrganisationKind::Training, "52211300MJ0DEM019", &["211300"], Fate::Unlisted),
    ("葫芦岛渤海湾安全培训中心", OrganisationKind::Training, "52211400MJ0DEM020", &["211400"], Fate::Unlisted),
];

#[derive(Clone, Copy, PartialEq, Eq)]
enum Fate {
    Listed,
    Suspended,
    Removed,
    Unlisted,
}

pub async fn seed(owner: &PgPool) -> anyhow::Result<()> {
    let (province_id, province_name) = account(owner, "demo_province").await?;
    let ctx = demo_context();
    let by = By { account: province_id, name: &province_name };
    let regions: Vec<(i64, String, String, String)> =
        sqlx::query_as("SELECT id, code, name, level FROM regions ORDER BY sort_order, id").fetch_all(owner).await?;
    let keeper = regions.iter().find(|r| r.3 == "province").map(|r| RegionId(r.0)).context("省级地区")?;
    let cities: Vec<&(i64, String, String, String)> = regions.iter().filter(|r| r.3 == "city").collect();
    let listed_from = NaiveDate::from_ymd_opt(2025, 3, 1).context("日期")?;
    let today = time::today();

    let mut tx = db::begin(owner, PROVINCE).await?;
    for (i, (name, kind, body, serves, fate)) in ORGANISATIONS.iter().enumerate() {
        let code = CreditCode::completing(body).context("演示信用代码")?;
        let served: Vec<RegionId> = cities
            .iter()
            .filter(|c| serves.is_empty() || serves.contains(&c.1.as_str()))
            .map(|c| RegionId(c.0))
            .collect();
        let input = OrganisationInput {
            name: (*name).into(),
            credit_code: code.as_str().into(),
            kind: *kind,
            contact_person: ["王经理", "李老师", "张主任", "刘经理"][i % 4].into(),
            contact_phone: format!("024-2{:07}", 3_456_700 + i),
            address: "辽宁省".into(),
            regions: served,
        };
        let id = crate::organisations::store::create(&mut tx, &ctx, keeper, &input).await?;
        let qualification = QualificationInput {
            name: match kind {
                OrganisationKind::Consulting => "职业卫生技术服务机构资质（乙级）",
                OrganisationKind::OnlinePlatform => "网络安全等级保护备案（第三级）",
                _ => "安全生产培训机构备案",
            }
            .into(),
            number: format!("LN-{:04}-{}", 2024, 101 + i),
            issuer: "辽宁省应急管理厅".into(),
            valid_from: NaiveDate::from_ymd_opt(2024, 1 + (i % 12) as u32, 1).context("日期")?,
            valid_until: NaiveDate::from_ymd_opt(2027, 1 + (i % 12) as u32, 1),
        };
        let org = crate::organisations::store::find(&mut tx, id, false).await?.context("演示机构")?;
        crate::organisations::store::add_qualification(&mut tx, &ctx, &org, &qualification).await?;
        let moves: &[(ListingAction, &str)] = match fate {
            Fate::Unlisted => &[],
            Fate::Listed => &[(ListingAction::List, "")],
            Fate::Suspended => &[
                (ListingAction::List, ""),
                (ListingAction::Suspend, "学员投诉经核实，培训学时不足，暂停推荐并限期整改"),
            ],
            Fate::Removed => {
                &[(ListingAction::List, ""), (ListingAction::Remove, "资质有效期届满未续期，移出推荐清单")]
            }
        };
        for (action, reason) in moves {
            let token = FormToken::parse(&crate::web::once::new_token())?;
            let period = Period { from: listed_from, until: None };
            crate::organisations::store::transition(
                &mut tx,
                &ctx,
                &by,
                Role::ProvinceOfficer,
                &token,
                id,
                *action,
                reason,
                period,
                today,
            )
            .await
            .map_err(|e| anyhow::anyhow!("演示推荐清单：{e:?}"))?;
        }
    }
    // The demo's online sessions of 沈阳 and 大连 were delivered by the first listed platform.
    sqlx::query(
        "UPDATE training_sessions s SET provider_id = o.id, provider_name = o.name
         FROM service_organisations o
         WHERE o.name = '辽宁安培在线培训平台' AND s.delivery = 'online'
           AND s.region_id IN (SELECT id FROM regions WHERE code IN ('210100', '210200'))",
    )
    .execute(&mut *tx)
    .await?;

    let this_year = today.year();
    for (n, city) in cities.iter().enumerate() {
        let region = RegionId(city.0);
        let short = city.2.trim_end_matches('市');
        for year in [this_year - 1, this_year] {
            for (k, suffix) in ["技师学院", "高级技工学校", "交通技工学校", "化工技工学校"].iter().enumerate()
            {
                if k == 3 && n % 2 == 1 {
                    continue;
                }
                let runs = (k + n) % 4 != 3 || year == this_year && k == 3;
                let school = SchoolInput {
                    year,
                    name: format!("{short}市{suffix}"),
                    runs_course: runs,
                    course_hours: if runs { Decimal::from(8 + 4 * (k as i64 % 3)) } else { Decimal::ZERO },
                    students_per_year: if runs { 120 + 40 * (k as i32 + n as i32 % 5) } else { 0 },
                };
                crate::schools::store::create(&mut tx, &ctx, region, &school).await?;
            }
        }
        let recorder = By { account: AccountId(province_id.0), name: "演示数据" };
        for year in [this_year - 1, this_year] {
            let events = [
                (
                    NaiveDate::from_ymd_opt(year, 4, 25),
                    7,
                    EventKind::DiseaseLawWeek,
                    "《职业病防治法》宣传周主题活动",
                    DepartmentKind::Health,
                ),
                (
                    NaiveDate::from_ymd_opt(year, 6, 16),
                    1,
                    EventKind::SafetyMonth,
                    "安全生产月安全宣传咨询日",
                    DepartmentKind::Emergency,
                ),
                (
                    NaiveDate::from_ymd_opt(year, 6, 5),
                    1,
                    EventKind::SafetyMonth,
                    "工伤预防进企业宣讲",
                    DepartmentKind::Hrss,
                ),
                (
                    NaiveDate::from_ymd_opt(year, 9, 12),
                    1,
                    EventKind::WarningEducation,
                    "典型工伤事故警示教育",
                    DepartmentKind::Hrss,
                ),
                (
                    NaiveDate::from_ymd_opt(year, 11, 8),
                    30,
                    EventKind::Online,
                    "工伤预防线上知识竞赛",
                    DepartmentKind::Union,
                ),
            ];
            for (held, days, kind, title, department) in events {
                let held = held.context("日期")?;
                if held > today {
                    continue;
                }
                let event = EventInput {
                    held_on: held,
                    ends_on: (held + chrono::Duration::days(days - 1)).min(today),
                    kind,
                    title: format!("{}{}年{}", short, year, title),
                    department,
                    audience: 800 + 350 * ((n as i32 + year) % 9),
                    project: None,
                    summary: "设立咨询台，发放宣传手册和工伤预防知识读本，现场解答参保职工和企业提问。".into(),
                };
                crate::publicity::store::create(&mut tx, &ctx, region, &event, &recorder).await?;
            }
        }
        let base = BaseInput {
            name: format!("{short}市安全生产警示教育基地"),
            place: format!("{}经济技术开发区", city.2),
            operator: format!("{}应急管理局", city.2),
            visitors_per_year: 6_000 + 1_500 * (n as i32 % 6),
        };
        crate::publicity::store::create_base(&mut tx, &ctx, region, &base).await?;
    }
    sqlx::query("INSERT INTO seed_log (entity, key) VALUES ('demo', 'services')").execute(&mut *tx).await?;
    tx.commit().await?;
    Ok(())
}
