//! A filed project's agreement through HTTP: recorded within the approved amount, signed only
//! with its signed copy uploaded, then the project is under way and the agreement fixed; the
//! print gives the key terms with the amount in 大写; other cities and roles refused.

use chrono::Duration;
use prevention::org::Role;
use prevention::values::time;
use reqwest::StatusCode;

use crate::support::TestApp;
use crate::support::accounts::id_of;
use crate::support::projects::{applicant, draft, fill, round};

#[tokio::test]
async fn an_agreement_within_the_approved_amount_is_signed_with_its_signed_copy() {
    let app = TestApp::spawn().await;
    let city = app.login_as(Role::CityOfficer, "210100").await;
    let by = id_of(&app.db.app_pool().await, &city.username).await;
    let today = time::today();
    let r = round(&app.db, "210100", today, today + Duration::days(9), by).await;
    let org = applicant(&app.db, "210100", "51210100MJ0UUUU01", "沈阳市建筑施工安全协会", by).await;
    let id = draft(&app.db, r, org, by).await;
    fill(&app.db, id, today + Duration::days(30)).await;
    let pool = app.db.superuser_pool().await;
    sqlx::query("UPDATE projects SET status = 'filed', approved_amount = requested_amount - 100 WHERE id = $1")
        .bind(id.0)
        .execute(&pool)
        .await
        .unwrap();
    let approved: String = sqlx::query_scalar("SELECT approved_amount::text FROM projects WHERE id = $1")
        .bind(id.0)
        .fetch_one(&pool)
        .await
        .unwrap();
    let page = format!("/projects/{id}/agreement");
    let body = city.get(&page).await.text().await.unwrap();
    assert!(
        body.contains("沈阳市建筑施工安全协会") && body.contains("沈阳市人力资源和社会保障局"),
        "the parties filled in"
    );

    let above = format!("{}", approved.parse::<rust_decimal::Decimal>().unwrap() + rust_decimal::Decimal::ONE);
    let fields = |amount: &str, number: &str| {
        vec![
            ("version".to_string(), "0".to_string()),
            ("number".into(), number.into()),
            ("signed_on".into(), today.to_string()),
            ("party_a".into(), "沈阳市人力资源和社会保障局".into()),
            ("party_b".into(), "沈阳市建筑施工安全协会".into()),
            ("amount".into(), amount.into()),
            ("starts_on".into(), (today + Duration::days(30)).to_string()),
            ("ends_on".into(), (today + Duration::days(390)).to_string()),
        ]
    };
    let post = |fields: Vec<(String, String)>| {
        let city = &city;
        let page = page.clone();
        async move {
            let pairs: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
            city.post_form(&page, &pairs).await
        }
    };
    let res = post(fields(&above, "沈人社预协〔2026〕7号")).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert!(res.text().await.unwrap().contains("超过核定金额"));
    assert_eq!(post(fields(&approved, "沈人社预协〔2026〕7号")).await.status(), StatusCode::SEE_OTHER);

    // Not signed without the signed copy.
    let sign = format!("{page}/sign");
    let token = prevention::web::once::new_token();
    let res = city.post_form(&sign, &[("form_token", token.as_str())]).await;
    assert!(res.text().await.unwrap().contains("请先上传签字盖章的协议扫描件"));
    let pdf = prevention::attachments::samples::pdf(2048);
    let res = city.upload(&format!("{page}/attachments"), "signed_agreement", "协议.pdf", pdf).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let token = prevention::web::once::new_token();
    assert_eq!(city.post_form(&sign, &[("form_token", token.as_str())]).await.status(), StatusCode::SEE_OTHER);
    let status: String =
        sqlx::query_scalar("SELECT status FROM projects WHERE id = $1").bind(id.0).fetch_one(&pool).await.unwrap();
    assert_eq!(status, "in_progress");
    let detail = city.get(&format!("/projects/{id}")).await.text().await.unwrap();
    assert!(detail.contains("实施中") && detail.contains("签订协议") && detail.contains("协议.pdf"));
    // Fixed once signed.
    let res = post(fields(&approved, "沈人社预协〔2026〕8号")).await;
    assert!(res.text().await.unwrap().contains("协议不能再修改"));
    let print = city.get(&format!("{page}/print")).await.text().await.unwrap();
    assert!(print.contains("沈人社预协〔2026〕7号") && print.contains("大写：") && print.contains("甲方："));

    // Another city, the province, a partner.
    let dalian = app.login_as(Role::CityOfficer, "210200").await;
    assert_eq!(dalian.get(&page).await.status(), StatusCode::NOT_FOUND);
    let province = app.login_as(Role::ProvinceOfficer, "210000").await;
    assert_eq!(province.get(&page).await.status(), StatusCode::OK);
    assert_eq!(province.post_form(&page, &[("version", "1")]).await.status(), StatusCode::FORBIDDEN);
    // Partner departments read their region's approved projects, and change nothing.
    let partner = app.login_as(Role::PartnerOfficer, "210100").await;
    assert_eq!(partner.get(&page).await.status(), StatusCode::OK);
    assert_eq!(partner.post_form(&page, &[("version", "1")]).await.status(), StatusCode::FORBIDDEN);
}
