//! Plans and key industries for tests, made through their stores in the province's scope.

use prevention::audit::AuditContext;
use prevention::cycles::{self, Cycle};
use prevention::db::{self, DbActor, Scope};
use prevention::key_industries::model::KeyIndustryForm;
use prevention::org::AccountId;
use prevention::plans::model::PlanId;
use prevention::plans::store::{self, By, Done};
use prevention::web::once::{FormToken, new_token};
use prevention::workflow::versions::{self, Snapshot};

use super::TestDb;

const PROVINCE: DbActor = DbActor { scope: Scope::Province, account_id: None };

pub async fn cycle(db: &TestDb, first_year: i32) -> Cycle {
    let pool = db.app_pool().await;
    let cycles = cycles::store::list(&pool).await.expect("cycles");
    cycles.into_iter().find(|c| c.first_year == first_year).expect("the cycle exists")
}

/// A draft plan of the region `code` for the cycle starting in `first_year`, made by `by`.
pub async fn draft(db: &TestDb, code: &str, first_year: i32, by: AccountId) -> PlanId {
    let pool = db.app_pool().await;
    let region = prevention::regions::store::find_by_code(&pool, code).await.expect("query").expect("region");
    let cycle = cycle(db, first_year).await;
    let mut tx = db::begin(&pool, PROVINCE).await.expect("begin");
    let token = FormToken::parse(&new_token()).expect("token");
    let done =
        store::create(&mut tx, &AuditContext::default(), &By { account: by, name: "测试" }, &token, &region, &cycle)
            .await
            .expect("create the plan");
    tx.commit().await.expect("commit");
    let Done::Now(url) = done else { panic!("a new plan") };
    PlanId(url.trim_start_matches("/plans/").parse().expect("id"))
}

/// Freezes `n` versions of a plan (as if submitted `n` times), each with one changed field.
pub async fn versions(db: &TestDb, code: &str, plan: PlanId, n: i32, by: AccountId) {
    versions_of(db, code, "plan", plan.0, n, by).await;
}

/// `n` frozen versions of any record.
pub async fn versions_of(db: &TestDb, code: &str, kind: &str, id: i64, n: i32, by: AccountId) {
    let pool = db.app_pool().await;
    let region = prevention::regions::store::find_by_code(&pool, code).await.expect("query").expect("region");
    let mut tx = db::begin(&pool, PROVINCE).await.expect("begin");
    for i in 1..=n {
        let s = Snapshot::new(1).field("guiding_ideas", "指导思想", format!("第 {i} 稿"));
        versions::freeze(&mut tx, region.id, kind, id, &s, by, "测试").await.expect("freeze");
    }
    tx.commit().await.expect("commit");
}

/// A key industry of the region `code` for the cycle starting in `first_year`; its id.
pub async fn region_key_industry(db: &TestDb, code: &str, first_year: i32, name: &str, by: AccountId) -> i64 {
    let pool = db.app_pool().await;
    let region = prevention::regions::store::find_by_code(&pool, code).await.expect("query").expect("region");
    let cycle = cycle(db, first_year).await;
    let form = KeyIndustryForm { name: name.into(), divisions: "C30, C31".into(), cycle: first_year.to_string() };
    let input = form.parse().expect("a valid industry");
    let id = prevention::key_industries::store::create(
        &pool,
        PROVINCE,
        &AuditContext::default(),
        region.id,
        cycle.id,
        by,
        &input,
    )
    .await
    .expect("create");
    id.0
}

/// A file attached to a plan through the store (as an upload would), of the given kind; its id.
pub async fn attachment(db: &TestDb, code: &str, plan: PlanId, kind: &str, content: &[u8], by: AccountId) -> i64 {
    attachment_of(db, code, "plan", plan.0, kind, content, by).await
}

/// A file attached to any record (`plan`, `meeting`) through the store, of one of that record
/// kind's kinds; its id.
pub async fn attachment_of(
    db: &TestDb,
    code: &str,
    record_kind: &'static str,
    record_id: i64,
    kind: &str,
    content: &[u8],
    by: AccountId,
) -> i64 {
    use prevention::attachments::{self, Owner, upload::Received};
    use sha2::Digest;
    use std::io::Write;
    let pool = db.app_pool().await;
    let region = prevention::regions::store::find_by_code(&pool, code).await.expect("query").expect("region");
    let kinds = match record_kind {
        "plan" => prevention::plans::model::ATTACHMENT_KINDS,
        "meeting" => prevention::meetings::model::ATTACHMENT_KINDS,
        "project" => prevention::project_rounds::model::DOCUMENT_KINDS,
        "publicity_event" => prevention::publicity::model::ATTACHMENT_KINDS,
        "joint_inspection" => prevention::inspections::model::ATTACHMENT_KINDS,
        "finding" => prevention::inspections::model::FINDING_ATTACHMENT_KINDS,
        "notice" => prevention::notices::model::ATTACHMENT_KINDS,
        other => panic!("no attachment kinds for {other}"),
    };
    let kind = kinds.iter().find(|k| k.key == kind).copied().expect("a kind of the record");
    let mut file = tempfile::tempfile().expect("temporary file");
    file.write_all(content).expect("write");
    let file_type = attachments::detect::detect(&mut file, content.len() as u64).expect("read").expect("a known type");
    let received = Received {
        kind,
        file_name: format!("测试附件.{}", file_type.extension()),
        file_type,
        size: content.len() as u64,
        sha256: sha2::Sha256::digest(content).into(),
        file,
    };
    let owner = Owner { kind: record_kind, id: record_id, region: region.id };
    let ctx = AuditContext::default();
    let actor = attachments::store::Actor { ctx: &ctx, account: by, name: "测试" };
    let mut tx = db::begin(&pool, PROVINCE).await.expect("begin");
    let id = attachments::store::attach(&mut tx, &owner, "draft", received, &actor).await.expect("attach");
    tx.commit().await.expect("commit");
    id.0
}
