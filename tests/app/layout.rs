//! The page frame: top bar, the role's menu, error pages inside the frame, assets, no inline
//! script or style.

use prevention::org::Role;
use reqwest::StatusCode;

use crate::support::TestApp;

#[tokio::test]
async fn the_frame_shows_the_user_role_region_and_the_roles_menu() {
    let app = TestApp::spawn().await;
    let officer = app.login_as(Role::CityOfficer, "210100").await;
    let body = officer.get("/").await.text().await.unwrap();
    assert!(body.contains("工伤预防管理平台"));
    assert!(body.contains("测试市人力资源社会保障局"), "the user's name");
    assert!(body.contains("<span class=\"topbar-role\">市人力资源社会保障局</span>"));
    assert!(body.contains("<span class=\"topbar-region\">沈阳市</span>"));
    assert!(body.contains("href=\"/departments\""));
    assert!(!body.contains("演示环境"));

    let admin = app.login_as(Role::SysAdmin, "").await;
    let body = admin.get("/").await.text().await.unwrap();
    assert!(body.contains("系统管理员"));
    assert!(!body.contains("href=\"/departments\""), "no business pages in an administrator's menu");
}

#[tokio::test]
async fn error_pages_keep_the_frame_and_show_only_the_request_id() {
    let app = TestApp::spawn().await;
    let expert = app.login_as(Role::Expert, "210100").await;
    let res = expert.get("/departments").await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    let id = res.headers()["x-request-id"].to_str().unwrap().to_string();
    let body = res.text().await.unwrap();
    assert!(body.contains("无权访问"));
    assert!(body.contains("topbar-role"), "inside the frame");
    assert!(body.contains(&id));

    let res = expert.get("/no/such/page").await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    assert!(res.text().await.unwrap().contains("topbar-role"));
}

#[tokio::test]
async fn pages_carry_no_inline_script_or_style() {
    let app = TestApp::spawn().await;
    let user = app.login_as(Role::ProvinceOfficer, "210000").await;
    for path in ["/", "/departments", "/login", "/no/such/page"] {
        let body = user.get(path).await.text().await.unwrap();
        // Scripts only from our own files, data only as non-executed JSON elements.
        for script in body.split("<script").skip(1) {
            assert!(
                script.starts_with(" src=\"/static/") || script.starts_with(" type=\"application/json\""),
                "{path}: <script{}",
                &script[..script.len().min(60)]
            );
        }
        assert!(!body.contains("style="), "{path}");
        assert!(!body.contains("<style"), "{path}");
        assert!(!body.contains("http://") && !body.contains("https://"), "{path}: no outside assets");
    }
}

/// Every template, not only the pages above: the Content-Security-Policy refuses inline style
/// attributes and event handlers, and the browser tests once found 56 such attributes.
#[test]
fn no_template_carries_an_inline_style_or_event_handler() {
    fn walk(dir: &std::path::Path, found: &mut Vec<String>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                walk(&path, found);
                continue;
            }
            let text = std::fs::read_to_string(&path).unwrap();
            for (n, line) in text.lines().enumerate() {
                let lower = line.to_lowercase();
                let handler = lower.split_whitespace().any(|word| word.starts_with("on") && word.contains("=\""));
                if lower.contains(" style=") || lower.contains("<style") || handler {
                    found.push(format!("{}:{}: {}", path.display(), n + 1, line.trim()));
                }
            }
        }
    }
    let mut found = Vec::new();
    walk(std::path::Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/templates")), &mut found);
    assert!(found.is_empty(), "inline style or handler:\n{}", found.join("\n"));
}

#[tokio::test]
async fn assets_are_served_with_cache_rules() {
    let app = TestApp::spawn().await;
    let res = app.get("/static/vendor/bootstrap-5.3.8/css/bootstrap.min.css").await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.headers()["cache-control"], "public, max-age=31536000, immutable");
    assert!(res.headers()["content-type"].to_str().unwrap().starts_with("text/css"));
    let css = res.text().await.unwrap();
    assert!(!css.contains("data:"), "the CSP refuses data: images; the vendored CSS must not use them");
    let icon = css.split("url(\"../img/").nth(1).and_then(|s| s.split('"').next()).unwrap();
    let res = app.get(&format!("/static/vendor/bootstrap-5.3.8/img/{icon}")).await;
    assert_eq!(res.status(), StatusCode::OK, "{icon}");
    let res = app.get("/static/css/app.css").await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.headers()["cache-control"], "no-cache");
    assert!(res.text().await.unwrap().contains("@media print"));
    assert_eq!(app.get("/static/nothing.css").await.status(), StatusCode::NOT_FOUND);
    assert_eq!(app.get("/static/../Cargo.toml").await.status(), StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn the_login_page_has_its_form_and_no_menu() {
    let app = TestApp::spawn().await;
    let body = app.get("/login").await.text().await.unwrap();
    assert!(body.contains("用户登录"));
    assert!(body.contains("name=\"csrf\""));
    assert!(!body.contains("class=\"sidebar\""));
}
