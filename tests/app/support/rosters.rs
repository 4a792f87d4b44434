//! Leading-group rosters for tests, made through their stores in the province's scope.

use chrono::NaiveDate;
use prevention::audit::AuditContext;
use prevention::db::{self, DbActor, Scope};
use prevention::org::{AccountId, DepartmentKind, GroupRole};
use prevention::rosters::model::{MemberForm, MemberId, RosterId};
use prevention::rosters::store::{self, By, Done, Rules};
use prevention::values::{Version, time};
use prevention::web::once::{FormToken, new_token};

use super::TestDb;
use super::plans::cycle;

const PROVINCE: DbActor = DbActor { scope: Scope::Province, account_id: None };

async fn roles(db: &TestDb) -> Vec<GroupRole> {
    prevention::reference::group_roles(&db.app_pool().await).await.expect("group roles")
}

/// An empty draft roster of the region `code` for the cycle starting in `first_year`.
pub async fn roster(db: &TestDb, code: &str, first_year: i32, by: AccountId) -> RosterId {
    let pool = db.app_pool().await;
    let region = prevention::regions::store::find_by_code(&pool, code).await.expect("query").expect("region");
    let cycle = cycle(db, first_year).await;
    let mut tx = db::begin(&pool, PROVINCE).await.expect("begin");
    let token = FormToken::parse(&new_token()).expect("token");
    let done =
        store::create(&mut tx, &AuditContext::default(), &By { account: by, name: "测试" }, &token, &region, &cycle)
            .await
            .expect("create the roster");
    tx.commit().await.expect("commit");
    let Done::Now(url) = done else { panic!("a new roster") };
    RosterId(url.trim_start_matches("/rosters/").parse().expect("id"))
}

/// Adds a member (mobile 13912345678, from `began`) to a roster; its id.
pub async fn member(
    db: &TestDb,
    roster: RosterId,
    first_year: i32,
    name: &str,
    department: DepartmentKind,
    role: &str,
    began: NaiveDate,
) -> MemberId {
    let pool = db.app_pool().await;
    let cycle = cycle(db, first_year).await;
    let roles = roles(db).await;
    let mut tx = db::begin(&pool, PROVINCE).await.expect("begin");
    let found = store::find(&mut tx, roster, true).await.expect("find").expect("the roster");
    let form = MemberForm {
        name: name.into(),
        department: department.as_str().into(),
        post: "副局长".into(),
        group_role: role.into(),
        office_phone: "024-23456789".into(),
        mobile: "13912345678".into(),
        began_on: began.to_string(),
        version: found.version.to_string(),
        ..MemberForm::default()
    };
    let (input, _) = form.parse(&cycle, &roles).expect("a valid member");
    let rules = Rules { cycle: &cycle, roles: &roles, today: time::today() };
    let id = store::add_member(&mut tx, &AuditContext::default(), &found, Version(found.version), &input, &rules)
        .await
        .expect("add");
    tx.commit().await.expect("commit");
    id
}

/// Fills a roster so that every rule holds: a leader, a member from every partner department
/// of the cycle, and a liaison, all from `began`. The leader's id.
pub async fn complete(db: &TestDb, roster: RosterId, first_year: i32, began: NaiveDate) -> MemberId {
    let leader = member(db, roster, first_year, "王建国", DepartmentKind::Hrss, "leader", began).await;
    let cycle = cycle(db, first_year).await;
    for (i, department) in cycle.departments.iter().filter(|d| d.is_partner()).enumerate() {
        member(db, roster, first_year, &format!("成员{}", i + 1), *department, "member", began).await;
    }
    member(db, roster, first_year, "陈晓", DepartmentKind::Hrss, "liaison", began).await;
    leader
}

/// Freezes `n` versions of a roster (as if reported `n` times).
pub async fn versions(db: &TestDb, code: &str, roster: RosterId, n: i32, by: AccountId) {
    use prevention::workflow::versions::{self, Snapshot};
    let pool = db.app_pool().await;
    let region = prevention::regions::store::find_by_code(&pool, code).await.expect("query").expect("region");
    let mut tx = db::begin(&pool, PROVINCE).await.expect("begin");
    for i in 1..=n {
        let s = Snapshot::new(1).field("note", "说明", format!("第 {i} 版"));
        versions::freeze(&mut tx, region.id, "roster", roster.0, &s, by, "测试").await.expect("freeze");
    }
    tx.commit().await.expect("commit");
}
