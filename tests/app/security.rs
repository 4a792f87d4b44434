//! The security administrator's pages through HTTP: roles assigned within DOMAIN.md's table
//! (never an administrator role to one's own account), the policy set at runtime; nobody else
//! reaches them.

use prevention::org::Role;
use reqwest::StatusCode;
use sqlx::PgPool;

use crate::support::{TEST_PASSWORD, TestApp, csrf_token_in, new_client};

async fn audit_count(pool: &PgPool, action: &str) -> i64 {
    sqlx::query_scalar("SELECT count(*) FROM audit_log WHERE action = $1").bind(action).fetch_one(pool).await.unwrap()
}

async fn account_id(pool: &PgPool, username: &str) -> i64 {
    crate::support::accounts::id_of(pool, username).await.0
}

#[tokio::test]
async fn only_the_security_administrator_reaches_roles_and_policy() {
    let app = TestApp::spawn().await;
    for (role, region) in
        [(Role::SysAdmin, ""), (Role::Auditor, ""), (Role::ProvinceOfficer, "210000"), (Role::CityOfficer, "210100")]
    {
        let user = app.login_as(role, region).await;
        assert_eq!(user.get("/security/roles").await.status(), StatusCode::FORBIDDEN, "{role:?}");
        assert_eq!(user.get("/security/policy").await.status(), StatusCode::FORBIDDEN, "{role:?}");
    }
}

#[tokio::test]
async fn the_security_administrator_assigns_roles_within_the_table() {
    let app = TestApp::spawn().await;
    let security = app.login_as(Role::SecurityAdmin, "").await;
    let pool = app.db.app_pool().await;
    let own = account_id(&pool, &security.username).await;
    let newcomer = app.create_account(Role::CityOfficer, "210100", None).await;
    sqlx::query("UPDATE accounts SET role = NULL, department_kind = NULL WHERE username = $1")
        .bind(&newcomer)
        .execute(&pool)
        .await
        .unwrap();
    let id = account_id(&pool, &newcomer).await;

    let res = security.post_form(&format!("/security/roles/{id}"), &[("role", "province_officer")]).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert!(res.text().await.unwrap().contains("只能属于省本级"));
    let res = security.post_form(&format!("/security/roles/{own}"), &[("role", "sys_admin")]).await;
    assert!(res.text().await.unwrap().contains("不能给自己的账号分配管理员角色"));

    let res = security.post_form(&format!("/security/roles/{id}"), &[("role", "city_officer")]).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let (role, department): (String, String) =
        sqlx::query_as("SELECT role, department_kind FROM accounts WHERE id = $1")
            .bind(id)
            .fetch_one(&pool)
            .await
            .unwrap();
    assert_eq!((role.as_str(), department.as_str()), ("city_officer", "hrss"));
    assert_eq!(audit_count(&pool, "role.assign").await, 1);
    let user = app.login(&newcomer, TEST_PASSWORD).await.unwrap();
    assert_eq!(user.get("/departments").await.status(), StatusCode::OK, "the role takes effect");
}

#[tokio::test]
async fn the_security_policy_is_set_at_runtime_and_wins_over_the_file() {
    let app = TestApp::spawn().await;
    let security = app.login_as(Role::SecurityAdmin, "").await;
    let page = security.get("/security/policy").await.text().await.unwrap();
    assert!(
        page.contains("name=\"lockout_threshold\" class=\"form-control\" value=\"5\""),
        "the file's value shows first"
    );
    let fields = [
        ("password_min_length", "12"),
        ("password_max_age_days", "90"),
        ("password_history", "5"),
        ("lockout_threshold", "3"),
        ("lockout_minutes", "30"),
        ("session_idle_timeout_minutes", "30"),
        ("session_absolute_timeout_hours", "8"),
        ("version", "0"),
    ];
    let bad = security.post_form("/security/policy", &[("lockout_threshold", "99"), ("version", "0")]).await;
    assert!(bad.text().await.unwrap().contains("锁定阈值须在 3 至 10 次之间"));
    let res = security.post_form("/security/policy", &fields).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let stale = security.post_form("/security/policy", &fields).await;
    assert_eq!(stale.status(), StatusCode::CONFLICT, "a second save from the old form");

    // Three failures now lock.
    let victim = app.create_account(Role::CityOfficer, "210100", None).await;
    for _ in 0..3 {
        let client = new_client();
        let token = csrf_token_in(&client.get(app.url("/login")).send().await.unwrap().text().await.unwrap()).unwrap();
        client
            .post(app.url("/login"))
            .form(&[("csrf", token.as_str()), ("username", victim.as_str()), ("password", "Wrong#Passw0rd")])
            .send()
            .await
            .unwrap();
    }
    assert!(app.login(&victim, TEST_PASSWORD).await.is_err());
    let pool = app.db.app_pool().await;
    assert_eq!(audit_count(&pool, "policy.change").await, 1);
}
