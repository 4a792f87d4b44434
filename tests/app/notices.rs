//! Notices over HTTP: a province notice to chosen regions, read receipts per reader and
//! department, the unread notice on the home page, files that travel with the notice, a
//! city's accident notice with its grade from the figures and the candidates for inspection,
//! and other regions and roles refused.

use prevention::org::{DepartmentKind, Role};
use reqwest::StatusCode;

use crate::support::employers;
use crate::support::{TestApp, TestUser};

fn guidance<'a>(title: &'a str, recipients: &[&'a str], token: &'a str) -> Vec<(&'a str, &'a str)> {
    let mut fields = vec![
        ("kind", "guidance"),
        ("title", title),
        ("document_number", "辽人社〔2026〕31号"),
        ("body", "请各地按照申报指南组织工伤预防项目申报。"),
        ("version", ""),
        ("form_token", token),
    ];
    fields.extend(recipients.iter().map(|r| ("recipients", *r)));
    fields
}

fn id_of(res: &reqwest::Response) -> i64 {
    res.headers()["location"].to_str().unwrap().trim_start_matches("/notices/").parse().unwrap()
}

async fn issue(user: &TestUser, id: i64, token: &str) -> reqwest::Response {
    user.post_form(&format!("/notices/{id}/issue"), &[("form_token", token)]).await
}

async fn audit_count(app: &TestApp, action: &str) -> i64 {
    let pool = app.db.app_pool().await;
    sqlx::query_scalar("SELECT count(*) FROM audit_log WHERE action = $1").bind(action).fetch_one(&pool).await.unwrap()
}

#[tokio::test]
async fn a_notice_to_chosen_regions_is_read_there_only_and_its_receipts_are_per_department() {
    let app = TestApp::spawn().await;
    let province = app.login_as(Role::ProvinceOfficer, "210000").await;
    let title = "关于做好2027年度工伤预防项目申报工作的通知";
    let token = prevention::web::once::new_token();
    let res = province.post_form("/notices/new", &guidance(title, &["210100", "210300"], &token)).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER, "{}", res.text().await.unwrap());
    let id = id_of(&res);
    let pdf = prevention::attachments::samples::pdf(2048);
    let res = province.upload(&format!("/notices/{id}/attachments"), "document", "申报指南.pdf", pdf).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let page = province.get(&format!("/notices/{id}")).await.text().await.unwrap();
    let file =
        page.split(&format!("/notices/{id}/attachments/")).nth(1).unwrap().split('"').next().unwrap().to_string();

    // A draft is the issuer's alone.
    let city = app.login_as(Role::CityOfficer, "210100").await;
    let partner = app.login_as_department(Role::PartnerOfficer, "210100", Some(DepartmentKind::Emergency)).await;
    let agency = app.login_as(Role::AgencyOfficer, "210100").await;
    assert_eq!(partner.get(&format!("/notices/{id}")).await.status(), StatusCode::NOT_FOUND);
    assert!(!city.get("/").await.text().await.unwrap().contains(title));

    // Issued (a second post of the same form does nothing more), it waits on the readers' home page.
    let token = prevention::web::once::new_token();
    assert_eq!(issue(&province, id, &token).await.status(), StatusCode::SEE_OTHER);
    assert_eq!(issue(&province, id, &token).await.status(), StatusCode::SEE_OTHER);
    assert_eq!(audit_count(&app, "notice.issue").await, 1);
    for reader in [&city, &partner, &agency] {
        let home = reader.get("/").await.text().await.unwrap();
        assert!(home.contains("待阅通知通报") && home.contains(title), "{home}");
    }
    let res = province.post_form(&format!("/notices/{id}/edit"), &guidance(title, &["210100"], "")).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY, "an issued notice is fixed");

    // The partner reads it: off their home page, not off the others'; the file travels with it.
    let res = partner.post_form(&format!("/notices/{id}/read"), &[]).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(partner.post_form(&format!("/notices/{id}/read"), &[]).await.status(), StatusCode::SEE_OTHER);
    assert!(!partner.get("/").await.text().await.unwrap().contains(title));
    assert!(partner.get(&format!("/notices/{id}")).await.text().await.unwrap().contains("标记为已读。"));
    assert!(city.get("/").await.text().await.unwrap().contains(title));
    let res = partner.get(&format!("/notices/{id}/attachments/{file}")).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert!(res.bytes().await.unwrap().starts_with(b"%PDF"));
    let received = partner.get("/notices").await.text().await.unwrap();
    assert!(received.contains(title) && !received.contains("未读"), "{received}");

    // Receipts: per region and department, for the issuer; readers may not see them.
    let receipts = province.get(&format!("/notices/{id}/receipts")).await.text().await.unwrap();
    let row = |dept: &str| {
        receipts
            .split("<tr>")
            .find(|r| r.contains("沈阳市") && r.contains(&format!("<td>{dept}</td>")))
            .unwrap_or_else(|| panic!("{dept} in {receipts}"))
            .to_string()
    };
    assert!(row("应急管理").contains("已读"), "{receipts}");
    assert!(row("人力资源社会保障").contains("未读"));
    assert!(row("社会保险经办机构").contains("未读"));
    assert!(receipts.contains("已读 1 人"), "{receipts}");
    assert!(receipts.contains("鞍山市") || receipts.contains("接收人员"));
    assert_eq!(city.get(&format!("/notices/{id}/receipts")).await.status(), StatusCode::FORBIDDEN);
    assert_eq!(partner.get(&format!("/notices/{id}/receipts")).await.status(), StatusCode::FORBIDDEN);

    // 大连 was not chosen: the notice, its file and its read button are not there at all.
    let dalian = app.login_as(Role::CityOfficer, "210200").await;
    assert_eq!(dalian.get(&format!("/notices/{id}")).await.status(), StatusCode::NOT_FOUND);
    assert_eq!(dalian.get(&format!("/notices/{id}/attachments/{file}")).await.status(), StatusCode::NOT_FOUND);
    assert_eq!(dalian.post_form(&format!("/notices/{id}/read"), &[]).await.status(), StatusCode::NOT_FOUND);
    assert!(!dalian.get("/notices").await.text().await.unwrap().contains(title));
    assert!(!dalian.get("/").await.text().await.unwrap().contains(title));
    // Experts and administrators have no notices.
    let expert = app.login_as(Role::Expert, "210100").await;
    assert_eq!(expert.get("/notices").await.status(), StatusCode::FORBIDDEN);
    let admin = app.login_as(Role::SysAdmin, "").await;
    assert_eq!(admin.get(&format!("/notices/{id}")).await.status(), StatusCode::FORBIDDEN);
}

fn accident<'a>(grade: &'a str, deaths: &'a str, token: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("kind", "accident"),
        ("title", "关于某化工企业中毒事故的通报"),
        ("document_number", ""),
        ("body", "现将事故情况通报如下。"),
        // A city's notice goes to its own region, whatever is posted.
        ("recipients", "210200"),
        ("occurred_on", "2026-10-12"),
        ("accident_region", "210200"),
        ("employer", ""),
        ("employer_name", "沈阳某化工有限公司"),
        ("division", "C26"),
        ("what_happened", "检修作业中发生硫化氢中毒。"),
        ("grade", grade),
        ("deaths", deaths),
        ("serious_injuries", "2"),
        ("minor_injuries", "5"),
        ("direct_loss", "860.5"),
        ("causes", "未执行受限空间作业审批。"),
        ("lessons", "作业前必须检测。"),
        ("measures", "开展受限空间作业专项检查。"),
        ("version", ""),
        ("form_token", token),
    ]
}

#[tokio::test]
async fn a_city_accident_notice_is_graded_by_its_figures_and_proposes_employers_of_the_same_key_industry() {
    let app = TestApp::spawn().await;
    let chem =
        employers::employer(&app.db, "210100", &employers::credit_code("91210100MA0CCCC01"), "沈阳甲化工", "C26").await;
    let pharma =
        employers::employer(&app.db, "210100", &employers::credit_code("91210100MA0CCCC02"), "沈阳乙制药", "C27").await;
    employers::employer(&app.db, "210100", &employers::credit_code("91210100MA0CCCC03"), "沈阳丙机械", "C34").await;
    employers::employer(&app.db, "210200", &employers::credit_code("91210200MA0CCCC01"), "大连丁化工", "C26").await;
    let city = app.login_as(Role::CityOfficer, "210100").await;

    let token = prevention::web::once::new_token();
    let res = city.post_form("/notices/new", &accident("general", "3", &token)).await;
    assert_eq!(res.status(), StatusCode::OK);
    let page = res.text().await.unwrap();
    assert!(page.contains("应为较大事故"), "three deaths make it 较大：{page}");
    let res = city.post_form("/notices/new", &accident("", "3", &token)).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER, "{}", res.text().await.unwrap());
    let id = id_of(&res);
    let page = city.get(&format!("/notices/{id}")).await.text().await.unwrap();
    assert!(page.contains("较大事故") && page.contains("860.50 万元") && page.contains("沈阳市"), "{page}");
    assert!(!page.contains("大连市"), "a city addresses its own region: {page}");
    assert_eq!(issue(&city, id, &prevention::web::once::new_token()).await.status(), StatusCode::SEE_OTHER);

    // The partner of 沈阳 sees the chemical and pharmaceutical employers (危险化学品 is C25–C28),
    // not the machinery maker nor 大连's, with a way to log the inspection.
    let partner = app.login_as_department(Role::PartnerOfficer, "210100", Some(DepartmentKind::Emergency)).await;
    let page = partner.get(&format!("/notices/{id}")).await.text().await.unwrap();
    let candidates = page.split("id=\"candidates\"").nth(1).expect("candidates").split("</section>").next().unwrap();
    assert!(candidates.contains("沈阳甲化工") && candidates.contains("沈阳乙制药"), "{candidates}");
    assert!(!candidates.contains("沈阳丙机械") && !candidates.contains("大连丁化工"), "{candidates}");
    assert!(candidates.contains(&format!("/inspections/new?employer={}", chem.0)));
    assert!(candidates.contains(&format!("/employers/{}", pharma.0)));
    let agency = app.login_as(Role::AgencyOfficer, "210100").await;
    let page = agency.get(&format!("/notices/{id}")).await.text().await.unwrap();
    assert!(page.contains("沈阳甲化工") && !page.contains("登记联合检查"), "the agency does not inspect");

    // Another city, and the partner trying to write, are refused.
    let dalian = app.login_as(Role::CityOfficer, "210200").await;
    assert_eq!(dalian.get(&format!("/notices/{id}")).await.status(), StatusCode::NOT_FOUND);
    assert_eq!(partner.get("/notices/new").await.status(), StatusCode::FORBIDDEN);
    // The province reads every region's issued notices, but is not a reader of this one.
    let province = app.login_as(Role::ProvinceOfficer, "210000").await;
    let page = province.get(&format!("/notices/{id}")).await.text().await.unwrap();
    assert!(page.contains("较大事故") && !page.contains("标记为已读</button>"));
    assert!(province.get("/notices?folder=all").await.text().await.unwrap().contains("关于某化工企业中毒事故的通报"));
    assert_eq!(province.post_form(&format!("/notices/{id}/read"), &[]).await.status(), StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn a_draft_is_edited_with_its_version_and_removed_with_confirmation() {
    let app = TestApp::spawn().await;
    let city = app.login_as(Role::CityOfficer, "210100").await;
    let token = prevention::web::once::new_token();
    let res = city.post_form("/notices/new", &guidance("关于开展安全生产月活动的通知", &[], &token)).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let id = id_of(&res);
    let mut fields = guidance("关于开展2026年安全生产月活动的通知", &[], "");
    fields.retain(|(k, _)| *k != "version");
    fields.push(("version", "1"));
    assert_eq!(city.post_form(&format!("/notices/{id}/edit"), &fields).await.status(), StatusCode::SEE_OTHER);
    let res = city.post_form(&format!("/notices/{id}/edit"), &fields).await;
    assert_eq!(res.status(), StatusCode::CONFLICT, "the second save started from version 1");
    assert!(city.get(&format!("/notices/{id}")).await.text().await.unwrap().contains("2026年安全生产月"));
    let other = app.login_as(Role::CityOfficer, "210200").await;
    assert_eq!(other.post_form(&format!("/notices/{id}/delete"), &[]).await.status(), StatusCode::NOT_FOUND);
    assert!(city.get(&format!("/notices/{id}/delete")).await.text().await.unwrap().contains("确定删除草稿"));
    assert_eq!(city.post_form(&format!("/notices/{id}/delete"), &[]).await.status(), StatusCode::SEE_OTHER);
    assert_eq!(city.get(&format!("/notices/{id}")).await.status(), StatusCode::NOT_FOUND);
    assert_eq!(audit_count(&app, "notice.delete").await, 1);
}
