//! The expert pool through HTTP: officers keep their region's experts (the province every
//! region's), phones masked in the list, availability and conflicts kept for the draw; an
//! expert's account follows the 三员 rule: an officer asks, the system administrator creates
//! it linked to the request, the security administrator gives the role, and the pool shows
//! each step. Officers never create accounts; another city's expert is not found.

use prevention::org::Role;
use reqwest::StatusCode;

use crate::support::TestApp;

fn location(res: &reqwest::Response) -> String {
    res.headers()["location"].to_str().unwrap().to_string()
}

const EXPERT: &[(&str, &str)] = &[
    ("version", "1"),
    ("name", "郑海涛"),
    ("specialty", "work_safety"),
    ("organization", "东北大学资源与土木工程学院"),
    ("title", "教授"),
    ("phone", "13912345678"),
    ("available", "yes"),
    ("away_from", "2099-12-01"),
    ("away_until", "2099-12-20"),
    ("conflicts", "沈阳市矿业协会\n沈阳金岭矿业有限公司"),
];

#[tokio::test]
async fn an_expert_is_kept_by_officers_and_gets_an_account_through_the_three_administrators() {
    let app = TestApp::spawn().await;
    let city = app.login_as(Role::CityOfficer, "210100").await;
    let res = city.post_form("/experts/new", &[("version", "1"), ("name", ""), ("phone", "12")]).await;
    assert_eq!(res.status(), StatusCode::OK);
    let body = res.text().await.unwrap();
    assert!(body.contains("此项为必填项"), "every missing field is named");
    let res = city.post_form("/experts/new", EXPERT).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let page = location(&res);
    let id: i64 = page.trim_start_matches("/experts/").parse().unwrap();
    let list = city.get("/experts").await.text().await.unwrap();
    assert!(list.contains("郑海涛") && list.contains("139****5678") && !list.contains("13912345678"));
    assert!(list.contains("2099-12-01 至 2099-12-20 不能参加"));
    let detail = city.get(&page).await.text().await.unwrap();
    assert!(detail.contains("沈阳金岭矿业有限公司") && detail.contains("未开通"));

    // Officers ask; they cannot create the account themselves.
    assert_eq!(city.get("/admin/accounts/new").await.status(), StatusCode::FORBIDDEN);
    let asked = city.post_form(&format!("/experts/{id}/request-account"), &[]).await;
    assert_eq!(asked.status(), StatusCode::SEE_OTHER);
    city.post_form(&format!("/experts/{id}/request-account"), &[]).await;
    let pool = app.db.superuser_pool().await;
    let requests: i64 = sqlx::query_scalar("SELECT count(*) FROM account_requests").fetch_one(&pool).await.unwrap();
    assert_eq!(requests, 1, "asked once");
    assert!(city.get(&page).await.text().await.unwrap().contains("已申请，待系统管理员开通"));

    // The system administrator sees it and creates the account, linked.
    let sysadmin = app.login_as(Role::SysAdmin, "").await;
    let list = sysadmin.get("/admin/account-requests").await.text().await.unwrap();
    assert!(list.contains("郑海涛") && list.contains("开通账号"));
    let request: i64 = sqlx::query_scalar("SELECT id FROM account_requests").fetch_one(&pool).await.unwrap();
    let form = sysadmin.get(&format!("/admin/accounts/new?request={request}")).await.text().await.unwrap();
    assert!(form.contains("value=\"郑海涛\"") && form.contains("为专家库中的专家开通账号"));
    let request_field = request.to_string();
    let res = sysadmin
        .post_form(
            "/admin/accounts/new",
            &[("username", "zheng_ht"), ("display_name", "郑海涛"), ("region", "210100"), ("request", &request_field)],
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK, "the one-time password page");
    let linked: Option<i64> = sqlx::query_scalar("SELECT account_id FROM account_requests WHERE id = $1")
        .bind(request)
        .fetch_one(&pool)
        .await
        .unwrap();
    let account = linked.expect("the request is linked to the new account");
    assert!(city.get(&page).await.text().await.unwrap().contains("已开通，待安全管理员分配角色"));
    // Answering the same request again is refused, and creates nothing.
    let again = sysadmin
        .post_form(
            "/admin/accounts/new",
            &[("username", "zheng_ht2"), ("display_name", "郑海涛"), ("region", "210100"), ("request", &request_field)],
        )
        .await;
    assert_eq!(again.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let accounts: i64 = sqlx::query_scalar("SELECT count(*) FROM accounts WHERE username LIKE 'zheng_ht%'")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(accounts, 1);

    // The security administrator gives the role.
    let security = app.login_as(Role::SecurityAdmin, "").await;
    let res = security.post_form(&format!("/security/roles/{account}"), &[("role", "expert")]).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert!(city.get(&page).await.text().await.unwrap().contains(">已开通<"));

    // Another city does not see the expert; a partner officer has no pool.
    let dalian = app.login_as(Role::CityOfficer, "210200").await;
    assert_eq!(dalian.get(&page).await.status(), StatusCode::NOT_FOUND);
    assert!(!dalian.get("/experts").await.text().await.unwrap().contains("郑海涛"));
    let partner = app.login_as(Role::PartnerOfficer, "210100").await;
    assert_eq!(partner.get("/experts").await.status(), StatusCode::FORBIDDEN);
    // The province keeps every region's, and sees this one.
    let province = app.login_as(Role::ProvinceOfficer, "210000").await;
    assert!(
        province.get("/experts?region=210100&specialty=work_safety").await.text().await.unwrap().contains("郑海涛")
    );
    assert_eq!(province.get(&format!("{page}/edit")).await.status(), StatusCode::OK);
}

#[tokio::test]
async fn the_list_filters_by_who_can_take_part_today() {
    let app = TestApp::spawn().await;
    let city = app.login_as(Role::CityOfficer, "210100").await;
    let today = prevention::values::time::today();
    let away = [("away_from", today.to_string()), ("away_until", today.to_string())];
    let mut fields: Vec<(&str, String)> = EXPERT.iter().map(|(k, v)| (*k, v.to_string())).collect();
    fields.retain(|(k, _)| *k != "away_from" && *k != "away_until");
    fields.extend(away.iter().cloned());
    fields.retain(|(k, _)| *k != "name");
    fields.push(("name", "今天不在".into()));
    let pairs: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
    assert_eq!(city.post_form("/experts/new", &pairs).await.status(), StatusCode::SEE_OTHER);
    assert_eq!(city.post_form("/experts/new", EXPERT).await.status(), StatusCode::SEE_OTHER);
    let all = city.get("/experts").await.text().await.unwrap();
    assert!(all.contains("今天不在") && all.contains("郑海涛"));
    let today_only = city.get("/experts?available=today").await.text().await.unwrap();
    assert!(!today_only.contains("今天不在") && today_only.contains("郑海涛") && today_only.contains("共 1 名"));
}
