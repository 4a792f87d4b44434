//! `prevention user create`: the operator creates an account with a role, checked against the
//! role table of DOMAIN.md.

use std::io::Write;
use std::process::{Command, Output, Stdio};

use prevention::db::{APP_ROLE, OWNER_ROLE};
use sqlx::Row;

use crate::support::{TestDb, manifest_dir};

/// Runs the binary against this test's own database, configured as an external one.
fn user_create(db: &TestDb, args: &[&str], stdin: Option<&str>) -> Output {
    let mut all = vec!["create"];
    all.extend_from_slice(args);
    user(db, &all, stdin)
}

fn user(db: &TestDb, args: &[&str], stdin: Option<&str>) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_prevention"));
    cmd.arg("user")
        .args(args)
        .current_dir(manifest_dir())
        .env("PREVENTION_DATABASE_URL", db.url(APP_ROLE))
        .env("PREVENTION_OWNER_DATABASE_URL", db.url(OWNER_ROLE))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = cmd.spawn().unwrap();
    if let Some(text) = stdin {
        child.stdin.take().unwrap().write_all(text.as_bytes()).unwrap();
    }
    drop(child.stdin.take());
    child.wait_with_output().unwrap()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[tokio::test]
async fn creates_a_city_officer_with_a_one_time_password() {
    let db = TestDb::create().await;
    let out =
        user_create(&db, &["sy_wangfang", "--role", "city_officer", "--region", "210100", "--name", "王芳"], None);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    assert!(stdout.contains("已创建账号 sy_wangfang（市人力资源社会保障局，沈阳市）"), "{stdout}");
    let password = stdout.lines().find_map(|l| l.strip_prefix("一次性密码：")).unwrap().trim().to_string();

    let pool = db.app_pool().await;
    let row = sqlx::query(
        "SELECT a.display_name, a.role, a.department_kind, r.code, a.must_change_password, a.password_hash
         FROM accounts a JOIN regions r ON r.id = a.region_id WHERE a.username = 'sy_wangfang'",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(row.get::<String, _>("display_name"), "王芳");
    assert_eq!(row.get::<String, _>("role"), "city_officer");
    assert_eq!(row.get::<String, _>("department_kind"), "hrss");
    assert_eq!(row.get::<String, _>("code"), "210100");
    assert!(row.get::<bool, _>("must_change_password"));
    let hash: String = row.get("password_hash");
    assert!(prevention::auth::password::verify(password, hash.clone()).await.unwrap());
    assert!(!prevention::auth::password::verify("wrong-Password1".into(), hash).await.unwrap());
}

#[tokio::test]
async fn takes_the_password_from_stdin() {
    let db = TestDb::create().await;
    let out = user_create(
        &db,
        &[
            "dl_emergency",
            "--role",
            "partner_officer",
            "--region",
            "210200",
            "--department",
            "emergency",
            "--password-stdin",
        ],
        Some("Yingji#Dalian2026\n"),
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(!text(&out.stdout).contains("一次性密码"));
    let hash: String = sqlx::query_scalar("SELECT password_hash FROM accounts WHERE username = 'dl_emergency'")
        .fetch_one(&db.app_pool().await)
        .await
        .unwrap();
    assert!(prevention::auth::password::verify("Yingji#Dalian2026".into(), hash).await.unwrap());

    let weak = user_create(&db, &["dl_weak", "--role", "auditor", "--password-stdin"], Some("short\n"));
    assert!(!weak.status.success());
    assert!(text(&weak.stderr).contains("密码至少 10 个字符"));
}

#[tokio::test]
async fn refuses_what_the_role_table_forbids() {
    let db = TestDb::create().await;
    let cases: &[(&[&str], &str)] = &[
        (&["a_city", "--role", "city_officer", "--region", "210000"], "只能属于地级市"),
        (&["a_prov", "--role", "province_officer", "--region", "210100"], "只能属于省本级"),
        (&["a_prov2", "--role", "province_officer"], "必须指定所属地区"),
        (&["a_part", "--role", "partner_officer", "--region", "210100"], "必须指定所属部门"),
        (
            &["a_part2", "--role", "partner_officer", "--region", "210100", "--department", "social_insurance"],
            "成员单位",
        ),
        (&["a_admin", "--role", "sys_admin", "--region", "210100"], "不属于任何地区"),
        (&["a_exp", "--role", "expert", "--department", "health"], "不属于任何部门"),
        (&["a_gone", "--role", "city_officer", "--region", "219999"], "地区代码「219999」不存在"),
        (&["张三丰", "--role", "auditor"], "用户名只能包含"),
    ];
    for (args, message) in cases {
        let out = user_create(&db, args, None);
        assert!(!out.status.success(), "{args:?} was accepted");
        assert!(text(&out.stderr).contains(message), "{args:?}: {}", text(&out.stderr));
    }
    let accounts: i64 =
        sqlx::query_scalar("SELECT count(*) FROM accounts").fetch_one(&db.app_pool().await).await.unwrap();
    assert_eq!(accounts, 0, "nothing half-saved");
}

#[tokio::test]
async fn refuses_bad_arguments_and_taken_usernames() {
    let db = TestDb::create().await;
    let bad_role = user_create(&db, &["x_user", "--role", "mayor"], None);
    assert_eq!(bad_role.status.code(), Some(2));
    assert!(text(&bad_role.stderr).contains("未知角色「mayor」"));

    assert!(user_create(&db, &["Li_Audit", "--role", "auditor"], None).status.success());
    let taken = user_create(&db, &["li_audit", "--role", "auditor"], None);
    assert!(!taken.status.success());
    assert!(text(&taken.stderr).contains("已被使用"), "usernames are unique regardless of case");
}

async fn audit_count(db: &TestDb, action: &str) -> i64 {
    sqlx::query_scalar("SELECT count(*) FROM audit_log WHERE action = $1 AND username = '命令行'")
        .bind(action)
        .fetch_one(&db.app_pool().await)
        .await
        .unwrap()
}

#[tokio::test]
async fn the_operators_account_commands_are_audited() {
    let db = TestDb::create().await;
    assert!(user_create(&db, &["op_target", "--role", "city_officer", "--region", "210100"], None).status.success());
    assert_eq!(audit_count(&db, "account.create").await, 1);
    let pool = db.app_pool().await;

    // Lock it, then unlock it.
    sqlx::query("UPDATE accounts SET failed_logins = 5, locked_until = now() + interval '30 minutes' WHERE username = 'op_target'")
        .execute(&pool)
        .await
        .unwrap();
    let out = user(&db, &["unlock", "op_target"], None);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let locked: bool = sqlx::query_scalar("SELECT locked_until IS NOT NULL FROM accounts WHERE username = 'op_target'")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert!(!locked);
    assert_eq!(audit_count(&db, "account.unlock").await, 1);

    // A reset prints a new one-time password that must be changed.
    let out = user(&db, &["reset-password", "op_target"], None);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let password = text(&out.stdout).lines().find_map(|l| l.strip_prefix("一次性密码：")).unwrap().trim().to_string();
    let (hash, must_change): (String, bool) =
        sqlx::query_as("SELECT password_hash, must_change_password FROM accounts WHERE username = 'op_target'")
            .fetch_one(&pool)
            .await
            .unwrap();
    assert!(must_change);
    assert!(prevention::auth::password::verify(password, hash).await.unwrap());
    assert_eq!(audit_count(&db, "password.reset").await, 1);

    // Roles change only within the role table.
    let out = user(&db, &["set-role", "op_target", "partner_officer", "--department", "health"], None);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let (role, department, region): (String, String, String) = sqlx::query_as(
        "SELECT a.role, a.department_kind, r.code FROM accounts a JOIN regions r ON r.id = a.region_id WHERE username = 'op_target'",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!((role.as_str(), department.as_str(), region.as_str()), ("partner_officer", "health", "210100"));
    let refused = user(&db, &["set-role", "op_target", "province_officer"], None);
    assert!(!refused.status.success());
    assert!(text(&refused.stderr).contains("只能属于省本级"));
    let refused = user(&db, &["set-role", "op_target", "auditor"], None);
    assert!(refused.status.success(), "an administrator role drops the region: {}", text(&refused.stderr));
    assert_eq!(audit_count(&db, "role.assign").await, 2);
    let (before, after): (serde_json::Value, serde_json::Value) =
        sqlx::query_as("SELECT before, after FROM audit_log WHERE action = 'role.assign' ORDER BY id LIMIT 1")
            .fetch_one(&pool)
            .await
            .unwrap();
    assert_eq!((before["role"].as_str(), after["role"].as_str()), (Some("city_officer"), Some("partner_officer")));

    // Disabling ends every session at once.
    sqlx::query(
        "INSERT INTO sessions (id_hash, account_id, csrf_token, expires_at)
         SELECT sha256('x'::bytea), id, 't', now() + interval '1 hour' FROM accounts WHERE username = 'op_target'",
    )
    .execute(&pool)
    .await
    .unwrap();
    let out = user(&db, &["disable", "op_target"], None);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let sessions: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM sessions WHERE account_id = (SELECT id FROM accounts WHERE username = 'op_target')",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(sessions, 0);
    assert_eq!(audit_count(&db, "account.disable").await, 1);
    assert!(!user(&db, &["disable", "op_target"], None).status.success(), "already disabled");
    let missing = user(&db, &["unlock", "no_such_user"], None);
    assert!(text(&missing.stderr).contains("用户「no_such_user」不存在"));
}

#[tokio::test]
async fn a_password_from_stdin_meets_the_whole_policy() {
    let db = TestDb::create().await;
    let cases = [
        ("Zhangsan#2026x", "zhangsan", "密码不能包含用户名"),
        ("Password123!", "wang_li", "密码过于常见"),
        ("short#A1", "wang_li", "密码至少 10 个字符"),
    ];
    for (password, username, message) in cases {
        let out = user_create(
            &db,
            &[username, "--role", "city_officer", "--region", "210100", "--password-stdin"],
            Some(&format!("{password}\n")),
        );
        assert!(!out.status.success(), "{password}");
        assert!(text(&out.stderr).contains(message), "{password}: {}", text(&out.stderr));
    }
    // The security administrator's stricter minimum applies too.
    sqlx::query("INSERT INTO security_policy (password_min_length) VALUES (20)")
        .execute(&db.app_pool().await)
        .await
        .unwrap();
    let out = user_create(
        &db,
        &["wang_li", "--role", "city_officer", "--region", "210100", "--password-stdin"],
        Some("Gongshang#Yufang7\n"),
    );
    assert!(text(&out.stderr).contains("密码至少 20 个字符"), "{}", text(&out.stderr));
    let accounts: i64 =
        sqlx::query_scalar("SELECT count(*) FROM accounts").fetch_one(&db.app_pool().await).await.unwrap();
    assert_eq!(accounts, 0, "nothing was created");
}
