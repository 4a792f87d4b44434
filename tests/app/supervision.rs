//! The supervision list through HTTP at its boundaries: the 59th and 60th day without a
//! progress report, a milestone due yesterday, another city's list, the province's and its export.

use prevention::org::Role;
use prevention::projects::model::ProjectId;
use reqwest::StatusCode;

use crate::acceptance::under_way;
use crate::support::TestApp;

#[tokio::test]
async fn the_supervision_list_at_its_boundaries() {
    let app = TestApp::spawn().await;
    let city = app.login_as(Role::CityOfficer, "210100").await;
    // The application's today (Asia/Shanghai), not the database's (UTC): they differ after
    // 16:00 UTC, when a day counted from the database's date would be off by one.
    let today = prevention::values::time::today();
    let (quiet, pool) = under_way(&app, &city, "51210100MJ0CCCC13").await;
    let (reported, _) = under_way(&app, &city, "51210100MJ0DDDD14").await;
    let name = |id: ProjectId, n: &str| {
        let pool = pool.clone();
        let n = n.to_string();
        async move {
            sqlx::query("UPDATE projects SET name = $2 WHERE id = $1").bind(id.0).bind(n).execute(&pool).await.unwrap();
        }
    };
    name(quiet, "甲项目（协议签订后 60 日未报告）").await;
    name(reported, "乙项目（59 日前报告）").await;
    // The milestones are due in the future: only the reports' days count here.
    sqlx::query("UPDATE project_milestones SET due_on = $2::date + 10 WHERE project_id = ANY($1)")
        .bind(vec![quiet.0, reported.0])
        .bind(today)
        .execute(&pool)
        .await
        .unwrap();
    sqlx::query("UPDATE project_agreements SET signed_on = $2::date - 60 WHERE project_id = $1")
        .bind(quiet.0)
        .bind(today)
        .execute(&pool)
        .await
        .unwrap();
    sqlx::query(
        "INSERT INTO project_progress (region_id, project_id, reported_on, percent, trained, sessions, spent, created_by,
                                       created_by_name)
         SELECT region_id, id, $2::date - 59, 30, 100, 2, 1000, created_by, '王芳' FROM projects WHERE id = $1",
    )
    .bind(reported.0)
    .bind(today)
    .execute(&pool)
    .await
    .unwrap();
    let list = city.get("/supervision").await.text().await.unwrap();
    assert!(list.contains("甲项目") && list.contains("后 60 日未报告进度"), "the 60th day lists it");
    assert!(!list.contains("乙项目"), "the 59th day does not");
    // A day later the other is listed too; a milestone due yesterday and not done as well.
    sqlx::query("UPDATE project_progress SET reported_on = $2::date - 60 WHERE project_id = $1")
        .bind(reported.0)
        .bind(today)
        .execute(&pool)
        .await
        .unwrap();
    sqlx::query("UPDATE project_milestones SET due_on = $2::date - 1 WHERE project_id = $1")
        .bind(reported.0)
        .bind(today)
        .execute(&pool)
        .await
        .unwrap();
    let list = city.get("/supervision?kind=进度节点逾期").await.text().await.unwrap();
    assert!(list.contains("乙项目") && list.contains("已逾期 1 日") && !list.contains("甲项目"));
    // Another city's list does not show them; the province's does, and exports them.
    let dalian = app.login_as(Role::CityOfficer, "210200").await;
    assert!(!dalian.get("/supervision").await.text().await.unwrap().contains("甲项目"));
    let province = app.login_as(Role::ProvinceOfficer, "210000").await;
    let all = province.get("/supervision?region=210100").await.text().await.unwrap();
    assert!(all.contains("甲项目") && all.contains("乙项目"));
    let export = province.get("/supervision/export").await;
    assert_eq!(export.status(), StatusCode::OK);
    assert!(export.headers()["content-type"].to_str().unwrap().contains("spreadsheetml"));
    assert!(export.bytes().await.unwrap().starts_with(b"PK"));
}
