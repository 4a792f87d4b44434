//! No page offers a role a link that role is then refused (403): links to routes a role may
//! not use are left out (`Layout::offers`). Found by the hostile-input crawl (issue 28): partner
//! and agency officers were offered a project's print views, panel, review and approval and
//! the list's export (and the acceptance page its panel); the agency 登记联合检查; the
//! administrators the plan cycles.

use prevention::org::{DepartmentKind, Role};
use reqwest::StatusCode;

use crate::support::{TestApp, TestUser};

/// The site's own links of a page (`href="/…"`), sign-out aside.
fn links(html: &str) -> Vec<String> {
    let mut found: Vec<String> = html
        .split("href=\"")
        .skip(1)
        .filter_map(|rest| rest.split('"').next())
        .filter(|href| href.starts_with('/') && !href.starts_with("//") && !href.starts_with("/static/"))
        .map(|href| href.replace("&amp;", "&"))
        .filter(|href| href != "/logout")
        .collect();
    found.sort();
    found.dedup();
    found
}

/// Opens `page` as `user` and follows every link it offers; returns the links refused.
async fn refused_from(user: &TestUser, page: &str) -> Vec<String> {
    let res = user.get(page).await;
    assert_eq!(res.status(), StatusCode::OK, "{page}");
    let html = res.text().await.unwrap();
    let mut refused = Vec::new();
    for link in links(&html) {
        if user.get(&link).await.status() == StatusCode::FORBIDDEN {
            refused.push(format!("{page} → {link}"));
        }
    }
    refused
}

/// The links of `page` that start with `prefix` and continue with a number: its records.
async fn records(user: &TestUser, page: &str, prefix: &str) -> Vec<String> {
    let html = user.get(page).await.text().await.unwrap();
    let found: Vec<String> = links(&html)
        .into_iter()
        .filter(|l| l.strip_prefix(prefix).is_some_and(|id| !id.is_empty() && id.bytes().all(|b| b.is_ascii_digit())))
        .collect();
    assert!(!found.is_empty(), "{page} links a record under {prefix}");
    found
}

#[tokio::test]
async fn no_page_offers_a_link_its_role_is_refused() {
    let app = TestApp::spawn_demo().await;
    let mut refused = Vec::new();

    // Partner and agency officers read the approved projects: every one, and its pages.
    let partner = app.login_as_department(Role::PartnerOfficer, "210100", Some(DepartmentKind::Emergency)).await;
    let agency = app.login_as(Role::AgencyOfficer, "210100").await;
    let projects = records(&partner, "/projects", "/projects/").await;
    assert!(projects.len() >= 3, "approved projects of the demo in Shenyang: {projects:?}");
    for reader in [&partner, &agency] {
        refused.extend(refused_from(reader, "/projects").await);
        for project in &projects {
            refused.extend(refused_from(reader, project).await);
            for stage in ["agreement", "progress", "acceptance"] {
                let page = format!("{project}/{stage}");
                if reader.get(&page).await.status() == StatusCode::OK {
                    refused.extend(refused_from(reader, &page).await);
                }
            }
        }
    }

    let employer = records(&agency, "/employers", "/employers/").await.remove(0);
    refused.extend(refused_from(&agency, &format!("{employer}/inspections")).await);

    let province = app.login_as(Role::ProvinceOfficer, "210000").await;
    refused.extend(refused_from(&province, &format!("{employer}/inspections")).await);

    for role in [Role::SysAdmin, Role::SecurityAdmin, Role::Auditor] {
        let admin = app.login_as(role, "").await;
        refused.extend(refused_from(&admin, "/").await);
    }
    assert!(refused.is_empty(), "links offered and refused: {refused:#?}");
}
