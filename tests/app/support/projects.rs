//! Application rounds, applicants and project applications for tests, made through their
//! stores in the province's scope.

use chrono::NaiveDate;
use prevention::applicants::model::{ApplicantForm, ApplicantId};
use prevention::audit::AuditContext;
use prevention::db::{self, DbActor, Scope};
use prevention::org::AccountId;
use prevention::project_rounds::model::{RoundForm, RoundId};
use prevention::projects::model::{ProjectForm, ProjectId};
use prevention::web::once::{FormToken, new_token};
use prevention::workflow::{By, Done};

use super::TestDb;

const PROVINCE: DbActor = DbActor { scope: Scope::Province, account_id: None };

fn id_in(done: Done) -> i64 {
    let (Done::Now(url) | Done::Before(url)) = done;
    url.trim_end_matches("/edit").rsplit('/').next().and_then(|id| id.parse().ok()).expect("an id in the url")
}

fn token() -> FormToken {
    FormToken::parse(&new_token()).expect("a fresh token")
}

/// A round of region `code` open from `opens_on` to `closes_on`, with the default documents
/// (four required) and scoring sheet, serving the province's mining key industry.
pub async fn round(db: &TestDb, code: &str, opens_on: NaiveDate, closes_on: NaiveDate, by: AccountId) -> RoundId {
    let pool = db.app_pool().await;
    let region = prevention::regions::store::find_by_code(&pool, code).await.expect("query").expect("region");
    let form = RoundForm {
        title: "工伤预防项目申报（第一批）".into(),
        opens_on: opens_on.to_string(),
        closes_on: closes_on.to_string(),
        key_industry: vec!["province:mining".into()],
        ..RoundForm::new_for(2026)
    };
    let (input, _) = form.parse(&["province:mining".to_string()]).expect("a valid round");
    let mut tx = db::begin(&pool, PROVINCE).await.expect("begin");
    let by = By { account: by, name: "测试" };
    let done =
        prevention::project_rounds::store::create(&mut tx, &AuditContext::default(), &by, &token(), &region, &input)
            .await
            .expect("create");
    tx.commit().await.expect("commit");
    RoundId(id_in(done))
}

/// An association of region `code` with the credit code completing `body`.
pub async fn applicant(db: &TestDb, code: &str, body: &str, name: &str, by: AccountId) -> ApplicantId {
    let pool = db.app_pool().await;
    let region = prevention::regions::store::find_by_code(&pool, code).await.expect("query").expect("region");
    let reference =
        prevention::industries::store::divisions(&mut *pool.acquire().await.expect("conn")).await.expect("divisions");
    let form = ApplicantForm {
        credit_code: super::employers::credit_code(body),
        name: name.into(),
        unit_type: "association".into(),
        division: "B06".into(),
        address: "和平区南京北街 1 号".into(),
        legal_representative: "张伟".into(),
        contact_person: "李娜".into(),
        contact_phone: "13812345678".into(),
        ..ApplicantForm::default()
    };
    let (input, _) = form.parse(&reference, None).expect("a valid applicant");
    let mut tx = db::begin(&pool, PROVINCE).await.expect("begin");
    let by = By { account: by, name: "测试" };
    let done =
        prevention::applicants::store::create(&mut tx, &AuditContext::default(), &by, &token(), &region, &input, None)
            .await
            .expect("create");
    tx.commit().await.expect("commit");
    ApplicantId(id_in(done))
}

/// A draft application of `applicant` in `round`.
pub async fn draft(db: &TestDb, round: RoundId, applicant: ApplicantId, by: AccountId) -> ProjectId {
    let pool = db.app_pool().await;
    let mut tx = db::begin(&pool, PROVINCE).await.expect("begin");
    let round = prevention::project_rounds::store::find(&mut tx, round).await.expect("find").expect("the round");
    let by = By { account: by, name: "测试" };
    let done = prevention::projects::store::create(
        &mut tx,
        &AuditContext::default(),
        &by,
        &token(),
        &round,
        Some(applicant),
        None,
    )
    .await
    .expect("create");
    tx.commit().await.expect("commit");
    ProjectId(id_in(done))
}

/// A complete application form for a one-year training project starting `starts_on`:
/// 600 × 45.50 + 12 × 3,000 = 63,300.00 元.
pub fn complete_form(starts_on: NaiveDate, version: i32) -> Vec<(String, String)> {
    let ends_on = starts_on + chrono::Duration::days(200);
    let milestone = starts_on + chrono::Duration::days(60);
    let pairs: Vec<(&str, String)> = vec![
        ("version", version.to_string()),
        ("name", "矿山企业一线班组长工伤预防培训".into()),
        ("project_type", "training".into()),
        ("key_industry", "province:mining".into()),
        ("implementation_mode", "own".into()),
        ("starts_on", starts_on.to_string()),
        ("ends_on", ends_on.to_string()),
        ("target_group", "矿山企业一线班组长".into()),
        ("planned_count", "600".into()),
        ("background", "近三年本市矿山企业工伤事故多发。".into()),
        ("content", "分 12 期开展线下集中培训。".into()),
        ("safeguards", "成立项目领导小组。".into()),
        ("line_id", String::new()),
        ("line_year", "1".into()),
        ("line_item", "培训教材".into()),
        ("line_unit", "册".into()),
        ("line_price", "45.50".into()),
        ("line_quantity", "600".into()),
        ("line_id", String::new()),
        ("line_year", "1".into()),
        ("line_item", "师资费".into()),
        ("line_unit", "期".into()),
        ("line_price", "3,000".into()),
        ("line_quantity", "12".into()),
        ("indicator_id", String::new()),
        ("indicator_year", "1".into()),
        ("indicator_kind", "output.quantity".into()),
        ("indicator_name", "培训人次".into()),
        ("indicator_comparison", "ge".into()),
        ("indicator_value", "600".into()),
        ("indicator_unit", "人次".into()),
        ("indicator_id", String::new()),
        ("indicator_year", "1".into()),
        ("indicator_kind", "outcome.social".into()),
        ("indicator_name", "参训企业工伤事故发生率下降".into()),
        ("indicator_comparison", "ge".into()),
        ("indicator_value", "10".into()),
        ("indicator_unit", "%".into()),
        ("milestone_id", String::new()),
        ("milestone_due", milestone.to_string()),
        ("milestone_description", "完成前 6 期培训".into()),
    ];
    pairs.into_iter().map(|(k, v)| (k.to_string(), v)).collect()
}

/// Fills a draft in completely through the store (as the form would).
pub async fn fill(db: &TestDb, id: ProjectId, starts_on: NaiveDate) {
    let pool = db.app_pool().await;
    let mut tx = db::begin(&pool, PROVINCE).await.expect("begin");
    let project = prevention::projects::store::find(&mut tx, id, true).await.expect("find").expect("the project");
    let form = form_of(&complete_form(starts_on, project.version));
    let (input, version) = form.parse(&["province:mining".to_string()]).expect("a valid form");
    prevention::projects::store::update(&mut tx, &AuditContext::default(), &project, version, &input, &|_| {
        "矿山".into()
    })
    .await
    .expect("update");
    tx.commit().await.expect("commit");
}

/// The form the pairs post (repeated names become rows).
pub fn form_of(pairs: &[(String, String)]) -> ProjectForm {
    let mut f = ProjectForm::default();
    for (k, v) in pairs {
        let v = v.clone();
        match k.as_str() {
            "version" => f.version = v,
            "name" => f.name = v,
            "project_type" => f.project_type = v,
            "key_industry" => f.key_industry = v,
            "implementation_mode" => f.implementation_mode = v,
            "starts_on" => f.starts_on = v,
            "ends_on" => f.ends_on = v,
            "target_group" => f.target_group = v,
            "planned_count" => f.planned_count = v,
            "background" => f.background = v,
            "content" => f.content = v,
            "safeguards" => f.safeguards = v,
            "line_id" => f.line_id.push(v),
            "line_year" => f.line_year.push(v),
            "line_item" => f.line_item.push(v),
            "line_unit" => f.line_unit.push(v),
            "line_price" => f.line_price.push(v),
            "line_quantity" => f.line_quantity.push(v),
            "indicator_id" => f.indicator_id.push(v),
            "indicator_year" => f.indicator_year.push(v),
            "indicator_kind" => f.indicator_kind.push(v),
            "indicator_name" => f.indicator_name.push(v),
            "indicator_comparison" => f.indicator_comparison.push(v),
            "indicator_value" => f.indicator_value.push(v),
            "indicator_unit" => f.indicator_unit.push(v),
            "milestone_id" => f.milestone_id.push(v),
            "milestone_due" => f.milestone_due.push(v),
            "milestone_description" => f.milestone_description.push(v),
            other => panic!("no field {other}"),
        }
    }
    f
}
