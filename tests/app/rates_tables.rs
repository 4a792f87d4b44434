//! Rate tables and rule sets over HTTP: the province publishes a region's table, which the
//! engine reads from its effective date on; bad tables are refused beside their fields; rules
//! are edited without overlaps, copied into a region and reset; the default set ships as the
//! migration lists it; city and agency officers read, others are refused.

use chrono::NaiveDate;
use prevention::db::{DbActor, Scope};
use prevention::floating_rates::model::{Band, Factor};
use prevention::floating_rates::store;
use prevention::org::{RegionId, Role};
use reqwest::StatusCode;
use rust_decimal::Decimal;

use crate::support::{TestApp, TestUser};

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

/// A table's fields: classes 1–8 at `bases`, class 1 floating up, the others both ways.
fn table_fields(effective: &str, document: &str, bases: [&str; 8]) -> Vec<(String, String)> {
    let mut fields = vec![
        ("effective_from".to_string(), effective.to_string()),
        ("document_number".to_string(), document.to_string()),
        ("document_date".to_string(), "2025-12-01".to_string()),
        ("form_token".to_string(), prevention::web::once::new_token()),
    ];
    for (i, base) in bases.iter().enumerate() {
        let class = i + 1;
        let grades = if class == 1 { "100, 120, 150" } else { "150, 120, 100, 80, 50" };
        fields.push((format!("base_{class}"), base.to_string()));
        fields.push((format!("grades_{class}"), grades.to_string()));
    }
    fields
}

async fn post(user: &TestUser, path: &str, fields: &[(String, String)]) -> reqwest::Response {
    let pairs: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    user.post_form(path, &pairs).await
}

fn set(fields: &mut [(String, String)], name: &str, value: &str) {
    if let Some(f) = fields.iter_mut().find(|(k, _)| k == name) {
        f.1 = value.to_string();
    }
}

const SHENYANG_BASES: [&str; 8] = ["0.25", "0.5", "0.75", "1", "1.2", "1.4", "1.7", "2"];

async fn region_id(app: &TestApp, code: &str) -> RegionId {
    let pool = app.db.app_pool().await;
    prevention::regions::store::find_by_code(&pool, code).await.unwrap().unwrap().id
}

/// The classes the engine reads for `region` on `on`, as (class, base, grades).
async fn engine_classes(app: &TestApp, region: RegionId, on: NaiveDate) -> Vec<(i16, Decimal, Vec<i16>)> {
    let pool = app.db.app_pool().await;
    let mut tx = prevention::db::begin(&pool, DbActor::new(Scope::Province, None)).await.unwrap();
    let reference = prevention::industries::store::risk_classes(&mut tx).await.unwrap();
    let classes = store::class_rates(&mut tx, region, on, &reference).await.unwrap();
    tx.commit().await.unwrap();
    classes.into_iter().map(|c| (c.class, c.base_rate, c.grades)).collect()
}

async fn count(app: &TestApp, sql: &'static str) -> i64 {
    sqlx::query_scalar(sql).fetch_one(&app.db.superuser_pool().await).await.unwrap()
}

#[tokio::test]
async fn a_new_table_takes_effect_on_its_date_and_every_table_is_kept() {
    let app = TestApp::spawn().await;
    let province = app.login_as(Role::ProvinceOfficer, "210000").await;
    let shenyang = region_id(&app, "210100").await;

    let form = province.get("/rates/tables/210100/new").await;
    assert_eq!(form.status(), StatusCode::OK);
    let form = form.text().await.unwrap();
    assert!(
        form.contains("已按省级参考费率填入") && form.contains(r#"name="base_3" class="form-control" value="0.7""#)
    );

    let fields = table_fields("2026-01-01", "沈人社发〔2025〕30号", SHENYANG_BASES);
    let res = post(&province, "/rates/tables/210100/new", &fields).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER, "{}", res.text().await.unwrap());
    assert_eq!(res.headers()["location"], "/rates/tables/210100");
    // The same form posted again records nothing more and lands where the first did.
    let again = post(&province, "/rates/tables/210100/new", &fields).await;
    assert_eq!(again.status(), StatusCode::SEE_OTHER);
    assert_eq!(again.headers()["location"], "/rates/tables/210100");
    assert_eq!(count(&app, "SELECT count(*) FROM rate_tables").await, 1);
    assert_eq!(count(&app, "SELECT count(*) FROM rate_table_classes").await, 8);
    assert_eq!(count(&app, "SELECT count(*) FROM audit_log WHERE action = 'rate_table.create'").await, 1);

    // The engine: the reference classes the day before, the table's from its date.
    let before = engine_classes(&app, shenyang, day(2025, 12, 31)).await;
    assert_eq!(before[0], (1, Decimal::new(2, 1), vec![100, 120, 150]), "the reference class 1");
    let after = engine_classes(&app, shenyang, day(2026, 1, 1)).await;
    assert_eq!(after.len(), 8);
    assert_eq!(after[0], (1, Decimal::new(25, 2), vec![100, 120, 150]));
    assert_eq!(after[1], (2, Decimal::new(5, 1), vec![50, 80, 100, 120, 150]), "grades sorted");
    let dalian = engine_classes(&app, region_id(&app, "210200").await, day(2026, 6, 1)).await;
    assert_eq!(dalian[1].1, Decimal::new(4, 1), "大连 keeps the reference classes");

    // A later table is kept beside the first and waits for its date.
    let next = table_fields("2099-01-01", "沈人社发〔2098〕1号", ["0.3", "0.6", "0.8", "1", "1.2", "1.4", "1.7", "2"]);
    assert_eq!(post(&province, "/rates/tables/210100/new", &next).await.status(), StatusCode::SEE_OTHER);
    let page = province.get("/rates/tables/210100").await.text().await.unwrap();
    assert!(page.contains("沈人社发〔2025〕30号") && page.contains("沈人社发〔2098〕1号"));
    assert!(page.contains("现行") && page.contains("待生效"));
    assert!(page.contains("0.25%、0.4%、0.5%、0.6%、0.75%"), "class 2's rates: 0.5 × each grade: {page}");
    assert!(page.find("2099-01-01").unwrap() < page.find("2026-01-01").unwrap(), "newest first");
    let index = province.get("/rates/tables").await.text().await.unwrap();
    assert!(index.contains("2099-01-01 起") && index.contains("省级参考费率") && index.contains("大连市"));

    // 沈阳's city and agency officers read 沈阳's, not 大连's; the overview lists their own.
    for role in [Role::CityOfficer, Role::AgencyOfficer] {
        let user = app.login_as(role, "210100").await;
        assert_eq!(user.get("/rates/tables/210100").await.status(), StatusCode::OK);
        assert_eq!(user.get("/rates/tables/210200").await.status(), StatusCode::NOT_FOUND);
        let index = user.get("/rates/tables").await.text().await.unwrap();
        assert!(index.contains("沈阳市") && !index.contains("大连市"), "{role:?}");
        assert!(!index.contains("发布新费率表"));
        assert_eq!(user.get("/rates/tables/210100/new").await.status(), StatusCode::FORBIDDEN);
        assert_eq!(post(&user, "/rates/tables/210100/new", &next).await.status(), StatusCode::FORBIDDEN);
    }
    assert_eq!(province.get("/rates/tables/999999").await.status(), StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn a_table_is_refused_beside_its_fields() {
    let app = TestApp::spawn().await;
    let province = app.login_as(Role::ProvinceOfficer, "210000").await;
    let mut fields = table_fields("2026-01-01", "沈人社发〔2025〕30号", SHENYANG_BASES);
    set(&mut fields, "grades_2", "50, 80, 120, 150");
    set(&mut fields, "grades_1", "80, 100, 120");
    set(&mut fields, "base_3", "0.1234");
    set(&mut fields, "document_number", "");
    let res = post(&province, "/rates/tables/210100/new", &fields).await;
    assert_eq!(res.status(), StatusCode::OK);
    let page = res.text().await.unwrap();
    assert!(page.contains("须含 100"), "grades without 100");
    assert!(page.contains("类别一只能上浮"));
    assert!(page.contains("最多三位小数"));
    assert!(page.contains("此项为必填项"));
    assert!(page.contains("80, 100, 120"), "the values typed stay");
    assert_eq!(count(&app, "SELECT count(*) FROM rate_tables").await, 0);

    let first = table_fields("2026-01-01", "沈人社发〔2025〕30号", SHENYANG_BASES);
    assert_eq!(post(&province, "/rates/tables/210100/new", &first).await.status(), StatusCode::SEE_OTHER);
    // Another form (a new token) for the same day.
    let same_day = table_fields("2026-01-01", "沈人社发〔2025〕31号", SHENYANG_BASES);
    let res = post(&province, "/rates/tables/210100/new", &same_day).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert!(res.text().await.unwrap().contains("该地区已有自这一天起执行的费率表"));
    assert_eq!(count(&app, "SELECT count(*) FROM rate_tables").await, 1);
    // The same day in another region is another table.
    assert_eq!(post(&province, "/rates/tables/210200/new", &same_day).await.status(), StatusCode::SEE_OTHER);
}

/// The rows migration 0054 ships, as (factor, from, below, category, moves).
#[allow(clippy::type_complexity)]
const SHIPPED: &[(&str, Option<i64>, Option<i64>, Option<&str>, i16)] = &[
    ("fund_use", None, Some(20), None, -2),
    ("fund_use", Some(20), Some(50), None, -1),
    ("fund_use", Some(50), Some(100), None, 0),
    ("fund_use", Some(100), Some(150), None, 1),
    ("fund_use", Some(150), None, None, 2),
    ("accident_rate", None, Some(50), None, -1),
    ("accident_rate", Some(50), Some(150), None, 0),
    ("accident_rate", Some(150), Some(300), None, 1),
    ("accident_rate", Some(300), None, None, 2),
    ("hazard", None, None, Some("none"), 0),
    ("hazard", None, None, Some("general"), 0),
    ("hazard", None, None, Some("serious"), 1),
    ("training_coverage", Some(100), None, None, -1),
    ("training_coverage", Some(60), Some(100), None, 0),
    ("training_coverage", None, Some(60), None, 1),
    ("rectification", Some(100), None, None, 0),
    ("rectification", Some(80), Some(100), None, 0),
    ("rectification", None, Some(80), None, 1),
    ("standardisation", None, None, Some("level1"), -1),
    ("standardisation", None, None, Some("level2"), 0),
    ("standardisation", None, None, Some("level3"), 0),
    ("standardisation", None, None, Some("none"), 1),
];

type Row = (Factor, Band, i16);

fn shipped() -> Vec<Row> {
    let mut rows: Vec<Row> = SHIPPED
        .iter()
        .map(|(factor, from, below, category, moves)| {
            let band = match category {
                Some(c) => Band::Category(c.to_string()),
                None => Band::Range { from: from.map(Decimal::from), below: below.map(Decimal::from) },
            };
            (Factor::parse(factor).unwrap(), band, *moves)
        })
        .collect();
    rows.sort_by_key(|r| format!("{:?}", r));
    rows
}

/// The rows of a set as the engine reads them, in a stable order, and whether it is the
/// region's own (for a region).
async fn engine_rules(app: &TestApp, region: Option<RegionId>) -> (Vec<Row>, bool) {
    let pool = app.db.app_pool().await;
    let mut tx = prevention::db::begin(&pool, DbActor::new(Scope::Province, None)).await.unwrap();
    let (rules, own) = match region {
        Some(r) => store::rules_of(&mut tx, r).await.unwrap(),
        None => (store::rule_set(&mut tx, None).await.unwrap(), false),
    };
    tx.commit().await.unwrap();
    let mut rows: Vec<Row> = rules.into_iter().map(|r| (r.factor, r.band, r.moves)).collect();
    rows.sort_by_key(|r| format!("{:?}", r));
    (rows, own)
}

async fn rule_id(app: &TestApp, region: Option<&str>, factor: &str, from: Option<i64>) -> i64 {
    crate::support::rate_tables::rule(&app.db, region, factor, from).await
}

fn rule_fields<'a>(from: &'a str, below: &'a str, moves: &'a str, version: &'a str) -> [(&'a str, &'a str); 6] {
    [
        ("factor", "fund_use"),
        ("from_value", from),
        ("below_value", below),
        ("moves", moves),
        ("note", "按本地实际调整"),
        ("version", version),
    ]
}

#[tokio::test]
async fn the_default_set_ships_as_the_migration_lists_it() {
    let app = TestApp::spawn().await;
    let (rows, _) = engine_rules(&app, None).await;
    assert_eq!(rows.len(), 22);
    assert_eq!(rows, shipped());
    let shenyang = region_id(&app, "210100").await;
    assert_eq!(engine_rules(&app, Some(shenyang)).await, (shipped(), false), "a region without rows uses it");

    let agency = app.login_as(Role::AgencyOfficer, "210100").await;
    let page = agency.get("/rates/rules").await.text().await.unwrap();
    assert!(page.contains("省级默认规则") && page.contains("71号"), "the default set is a starting point");
    assert!(page.contains("≥ 150%") && page.contains("上浮2档") && page.contains("下浮1档") && page.contains("不浮动"));
    assert!(page.contains("安全生产标准化等级") && page.contains("未达标"));
    assert!(!page.contains("新增规则"), "agency officers only read");
}

#[tokio::test]
async fn rules_are_edited_without_overlaps_copied_into_a_region_and_reset() {
    let app = TestApp::spawn().await;
    let province = app.login_as(Role::ProvinceOfficer, "210000").await;
    let shenyang = region_id(&app, "210100").await;

    // An edit of the default set, then the same version again: a conflict.
    let id = rule_id(&app, None, "fund_use", Some(50)).await;
    assert_eq!(province.get(&format!("/rates/rules/{id}/edit")).await.status(), StatusCode::OK);
    let res = province.post_form(&format!("/rates/rules/{id}/edit"), &rule_fields("50", "100", "+1", "1")).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(res.headers()["location"], "/rates/rules");
    let res = province.post_form(&format!("/rates/rules/{id}/edit"), &rule_fields("50", "100", "0", "1")).await;
    assert_eq!(res.status(), StatusCode::CONFLICT);
    let (rows, _) = engine_rules(&app, None).await;
    let range = |f: i64, b: i64| Band::Range { from: Some(Decimal::from(f)), below: Some(Decimal::from(b)) };
    assert!(rows.contains(&(Factor::FundUse, range(50, 100), 1)));

    // A band overlapping another row of the factor is refused beside its field.
    let res = province.post_form("/rates/rules/new", &rule_fields("40", "60", "0", "")).await;
    assert_eq!(res.status(), StatusCode::OK);
    let page = res.text().await.unwrap();
    assert!(page.contains("与已有规则「≥ 20% 且 &#60; 50%」的区间重叠"), "{page}");
    let res = province.post_form(&format!("/rates/rules/{id}/edit"), &rule_fields("50", "120", "1", "2")).await;
    assert!(res.text().await.unwrap().contains("与已有规则「≥ 100% 且 &#60; 150%」的区间重叠"));
    let res = province
        .post_form("/rates/rules/new", &[("factor", "hazard"), ("category", "serious"), ("moves", "2"), ("note", "")])
        .await;
    assert!(res.text().await.unwrap().contains("已有「严重」的规则"));
    assert_eq!(engine_rules(&app, None).await.0.len(), 22);

    // A region without its own set copies the default first; a row for it before is refused.
    let res = province.post_form("/rates/rules/new?region=210100", &rule_fields("500", "", "3", "")).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = province.get("/rates/rules?region=210100").await.text().await.unwrap();
    assert!(page.contains("沈阳市没有本地区规则") && page.contains("复制默认规则为本地区规则"));
    let res = province.post_form("/rates/rules/copy?region=210100", &[]).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(res.headers()["location"], "/rates/rules?region=210100");
    assert_eq!(
        province.post_form("/rates/rules/copy?region=210100", &[]).await.status(),
        StatusCode::UNPROCESSABLE_ENTITY
    );
    let (own, is_own) = engine_rules(&app, Some(shenyang)).await;
    assert!(is_own);
    assert_eq!(own, engine_rules(&app, None).await.0, "a copy of the default set as it is now");
    let res = province.post_form("/rates/rules/new?region=210100", &rule_fields("", "", "3", "")).await;
    assert!(res.text().await.unwrap().contains("请至少填写下限或上限"));
    // 沈阳's top band split in two: the old row narrowed, a new one above it.
    let top = rule_id(&app, Some("210100"), "fund_use", Some(150)).await;
    let res = province.post_form(&format!("/rates/rules/{top}/edit"), &rule_fields("150", "300", "2", "1")).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(res.headers()["location"], "/rates/rules?region=210100");
    let res = province.post_form("/rates/rules/new?region=210100", &rule_fields("300", "", "3", "")).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let (own, _) = engine_rules(&app, Some(shenyang)).await;
    assert_eq!(own.len(), 23);
    let open_above = Band::Range { from: Some(Decimal::from(300)), below: None };
    assert!(own.contains(&(Factor::FundUse, open_above, 3)));
    assert_eq!(engine_rules(&app, None).await.0.len(), 22, "the default set is untouched");
    let page = province.get("/rates/rules?region=210100").await.text().await.unwrap();
    assert!(page.contains("沈阳市规则") && page.contains("上浮3档") && page.contains("恢复使用省级默认规则"));

    // A row of the default set removed after its confirmation.
    let lowest = rule_id(&app, None, "fund_use", None).await;
    let confirm = province.get(&format!("/rates/rules/{lowest}/delete")).await.text().await.unwrap();
    assert!(confirm.contains("基金支缴率 &#60; 20%（下浮2档）"), "{confirm}");
    let res = province.post_form(&format!("/rates/rules/{lowest}/delete"), &[]).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(engine_rules(&app, None).await.0.len(), 21);

    // 沈阳 back on the default set.
    assert_eq!(province.get("/rates/rules/reset?region=210100").await.status(), StatusCode::OK);
    let res = province.post_form("/rates/rules/reset?region=210100", &[]).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let (rows, own) = engine_rules(&app, Some(shenyang)).await;
    assert!(!own);
    assert_eq!(rows.len(), 21);
    assert_eq!(
        province.post_form("/rates/rules/reset?region=210100", &[]).await.status(),
        StatusCode::UNPROCESSABLE_ENTITY
    );
    assert_eq!(province.post_form("/rates/rules/copy", &[]).await.status(), StatusCode::NOT_FOUND, "no region");

    let actions: Vec<String> =
        sqlx::query_scalar("SELECT action FROM audit_log WHERE action LIKE 'rate_rule.%' AND success ORDER BY id")
            .fetch_all(&app.db.superuser_pool().await)
            .await
            .unwrap();
    assert_eq!(
        actions,
        [
            "rate_rule.update",
            "rate_rule.copy",
            "rate_rule.update",
            "rate_rule.create",
            "rate_rule.delete",
            "rate_rule.reset"
        ]
    );
}

#[tokio::test]
async fn city_and_agency_officers_read_their_own_and_others_are_refused() {
    let app = TestApp::spawn().await;
    let id = rule_id(&app, None, "fund_use", Some(50)).await;
    for role in [Role::CityOfficer, Role::AgencyOfficer] {
        let user = app.login_as(role, "210100").await;
        assert_eq!(user.get("/rates/rules").await.status(), StatusCode::OK, "{role:?}");
        assert_eq!(user.get("/rates/rules?region=210100").await.status(), StatusCode::OK);
        assert_eq!(user.get("/rates/rules?region=210200").await.status(), StatusCode::NOT_FOUND);
        assert_eq!(user.get("/rates/tables").await.status(), StatusCode::OK);
        for path in ["/rates/rules/new", "/rates/rules/reset?region=210100", "/rates/tables/210100/new"] {
            assert_eq!(user.get(path).await.status(), StatusCode::FORBIDDEN, "{role:?} {path}");
        }
        assert_eq!(user.get(&format!("/rates/rules/{id}/edit")).await.status(), StatusCode::FORBIDDEN);
        let res = user.post_form(&format!("/rates/rules/{id}/edit"), &rule_fields("50", "100", "3", "1")).await;
        assert_eq!(res.status(), StatusCode::FORBIDDEN);
        assert_eq!(user.post_form("/rates/rules/copy?region=210100", &[]).await.status(), StatusCode::FORBIDDEN);
        assert_eq!(user.post_form(&format!("/rates/rules/{id}/delete"), &[]).await.status(), StatusCode::FORBIDDEN);
    }
    for role in [Role::PartnerOfficer, Role::Expert, Role::SysAdmin, Role::SecurityAdmin, Role::Auditor] {
        let region = if role.is_administrator() { "" } else { "210100" };
        let user = app.login_as(role, region).await;
        for path in ["/rates/tables", "/rates/tables/210100", "/rates/rules"] {
            assert_eq!(user.get(path).await.status(), StatusCode::FORBIDDEN, "{role:?} {path}");
        }
    }
    assert_eq!(engine_rules(&app, None).await.0, shipped(), "nothing was changed");
}
