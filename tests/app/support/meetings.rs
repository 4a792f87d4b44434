//! Joint meetings and action items for tests, made through their stores in the province's scope.

use chrono::NaiveDate;
use prevention::audit::AuditContext;
use prevention::db::{self, DbActor, Scope};
use prevention::meetings::model::{ActionItemId, ItemForm, MeetingForm, MeetingId};
use prevention::meetings::store;
use prevention::org::{AccountId, DepartmentKind};

use super::TestDb;

const PROVINCE: DbActor = DbActor { scope: Scope::Province, account_id: None };

/// A plenary meeting of the region `code` held on `held_on`, attended by HRSS and `attending`.
pub async fn meeting(
    db: &TestDb,
    code: &str,
    held_on: NaiveDate,
    attending: &[DepartmentKind],
    by: AccountId,
) -> MeetingId {
    let pool = db.app_pool().await;
    let region = prevention::regions::store::find_by_code(&pool, code).await.expect("query").expect("region");
    let cycles = prevention::cycles::store::list(&pool).await.expect("cycles");
    let mut departments = vec!["hrss".to_string()];
    departments.extend(attending.iter().map(|d| d.as_str().to_string()));
    let form = MeetingForm {
        held_on: held_on.to_string(),
        kind: "plenary".into(),
        convenor: "hrss".into(),
        attending: departments,
        topics: "部署年度工伤预防工作".into(),
        version: "1".into(),
        ..MeetingForm::default()
    };
    let (input, _) = form.parse(&cycles, prevention::values::time::today()).expect("a valid meeting");
    let mut tx = db::begin(&pool, PROVINCE).await.expect("begin");
    let id = store::create(&mut tx, &AuditContext::default(), &region, by, &input).await.expect("create");
    tx.commit().await.expect("commit");
    id
}

/// An action item of a meeting for `owner`, due on `due_on`.
pub async fn item(
    db: &TestDb,
    meeting: MeetingId,
    what: &str,
    owner: DepartmentKind,
    due_on: NaiveDate,
) -> ActionItemId {
    let pool = db.app_pool().await;
    let mut tx = db::begin(&pool, PROVINCE).await.expect("begin");
    let found = store::find(&mut tx, meeting, true).await.expect("find").expect("the meeting");
    let form =
        ItemForm { what: what.into(), owner: owner.as_str().into(), due_on: due_on.to_string(), ..ItemForm::default() };
    let input = form.parse(&found).expect("a valid item");
    let id = store::add_item(&mut tx, &AuditContext::default(), &found, &input).await.expect("add");
    tx.commit().await.expect("commit");
    id
}
