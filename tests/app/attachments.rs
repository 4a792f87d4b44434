//! Attachments and print views, on implementation plans: files typed by their content and
//! refused with a message, the size limit, a 20 MB round trip, another region's file, removal
//! only while the plan is open, the signed document required for submission, and the A4 print
//! view.

use prevention::attachments::FileType;
use prevention::attachments::samples;
use prevention::org::Role;
use reqwest::StatusCode;
use sha2::{Digest, Sha256};
use sqlx::PgPool;

use crate::plans::{act, fill, fill_sections, history_rows, start_plan};
use crate::support::{TestApp, TestUser, province_rows, province_values};

/// (kind, file type, size, file name) of a plan's files, oldest first.
async fn files_of(pool: &PgPool, plan: i64) -> Vec<(String, String, i64, String)> {
    let sql = "SELECT kind, file_type, size_bytes, file_name FROM attachments
               WHERE record_kind = 'plan' AND record_id = $1 ORDER BY id";
    province_rows(pool, sql, plan).await
}

async fn file_ids(pool: &PgPool, plan: i64) -> Vec<i64> {
    let sql = "SELECT id FROM attachments WHERE record_kind = 'plan' AND record_id = $1 ORDER BY id";
    province_values(pool, sql, plan).await
}

async fn upload(user: &TestUser, plan: i64, kind: &str, name: &str, content: Vec<u8>) -> reqwest::Response {
    user.upload(&format!("/plans/{plan}/attachments"), kind, name, content).await
}

/// The page a refused upload comes back with, and the message beside the form.
async fn refusal(res: reqwest::Response) -> String {
    assert_eq!(res.status(), StatusCode::OK, "the page again, with the reason");
    let page = res.text().await.unwrap();
    let start = page.find(r#"id="attachment-error""#).expect("a message beside the upload form");
    let message = &page[start..];
    message[message.find('>').unwrap() + 1..message.find("</div>").unwrap()].to_string()
}

#[tokio::test]
async fn files_are_typed_by_their_content_and_others_refused_with_a_message() {
    let app = TestApp::spawn().await;
    let city = app.login_as(Role::CityOfficer, "210100").await;
    let pool = app.db.app_pool().await;
    let plan = start_plan(&city).await;

    // An executable renamed to .pdf, a text file called .pdf, a Word 97 file as the signed
    // document (which takes PDF, OFD or DOCX only), an empty file: each refused by its content.
    let mut exe = b"MZ\x90\x00\x03\x00\x00\x00".to_vec();
    exe.extend(vec![0u8; 4096]);
    let message = refusal(upload(&city, plan, "signed_document", "实施方案.pdf", exe).await).await;
    assert!(message.contains("只接受 PDF、OFD、Word(DOCX) 文件"), "{message}");
    let text = "这是一份文本文件，不是 PDF。".as_bytes().to_vec();
    let message = refusal(upload(&city, plan, "other", "说明.pdf", text).await).await;
    assert!(message.contains("PDF") && message.contains("PNG") && message.contains("不看扩展名"), "{message}");
    let doc = samples::of(FileType::Doc);
    let message = refusal(upload(&city, plan, "signed_document", "方案.doc", doc).await).await;
    assert!(message.contains("只接受 PDF、OFD、Word(DOCX) 文件"), "{message}");
    let message = refusal(upload(&city, plan, "other", "空.pdf", Vec::new()).await).await;
    assert_eq!(message, "请选择要上传的文件");
    let message = refusal(upload(&city, plan, "minutes", "a.pdf", samples::pdf(100)).await).await;
    assert_eq!(message, "请选择附件类别");
    assert!(files_of(&pool, plan).await.is_empty(), "nothing refused was saved");

    // Every accepted type is recognised, whatever its name says.
    let types = [
        (FileType::Pdf, "pdf"),
        (FileType::Ofd, "ofd"),
        (FileType::Docx, "docx"),
        (FileType::Xlsx, "xlsx"),
        (FileType::Doc, "doc"),
        (FileType::Xls, "xls"),
        (FileType::Jpeg, "jpeg"),
        (FileType::Png, "png"),
    ];
    for (t, _) in types {
        let res = upload(&city, plan, "other", "附件", samples::of(t)).await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER, "{t:?} accepted");
    }
    let stored = files_of(&pool, plan).await;
    let got: Vec<&str> = stored.iter().map(|(_, t, _, _)| t.as_str()).collect();
    assert_eq!(got, types.map(|(_, key)| key), "each type as detected");
    assert_eq!(stored[0].3, "附件.pdf", "a name without extension gets the detected one");
    // A PDF named .docx is a PDF, and downloads as one.
    let res = upload(&city, plan, "signed_document", "方案.docx", samples::pdf(2000)).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let last = files_of(&pool, plan).await.pop().unwrap();
    assert_eq!((last.1.as_str(), last.3.as_str()), ("pdf", "方案.docx.pdf"));

    // The page lists them by kind, the required kind no longer missing.
    let page = city.get(&format!("/plans/{plan}")).await.text().await.unwrap();
    assert!(page.contains("正式印发文件（盖章扫描件）") && page.contains("方案.docx.pdf"));
    assert!(!page.contains("缺少，须上传"), "the signed document is there");
}

#[tokio::test]
async fn a_file_over_the_limit_is_refused_with_a_message() {
    let app = TestApp::spawn_with(axum::Router::new(), |s| s.attachment_max_bytes = 100_000).await;
    let city = app.login_as(Role::CityOfficer, "210100").await;
    let pool = app.db.app_pool().await;
    let plan = start_plan(&city).await;

    let res = upload(&city, plan, "signed_document", "方案.pdf", samples::pdf(100_000)).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER, "exactly the limit is allowed");
    let message = refusal(upload(&city, plan, "signed_document", "方案.pdf", samples::pdf(100_001)).await).await;
    assert_eq!(message, "文件超过 100 KB 的上限，未保存");
    // Far beyond the upload routes' body limit: refused before it is read, with the error page.
    let res = upload(&city, plan, "other", "大.pdf", samples::pdf(3_000_000)).await;
    assert_eq!(res.status(), StatusCode::PAYLOAD_TOO_LARGE);
    assert!(res.text().await.unwrap().contains("提交内容过大"));
    assert_eq!(files_of(&pool, plan).await.len(), 1, "only the file within the limit");
    // Other forms keep their small limit.
    let big = "长".repeat(1_000_000);
    let res = city.post_form(&format!("/plans/{plan}/edit"), &[("guiding_ideas", big.as_str())]).await;
    assert_eq!(res.status(), StatusCode::PAYLOAD_TOO_LARGE);
}

/// A double-clicked upload (the same form posted twice at once) stores the file once, with
/// one audit row, and both answers lead to the plan's files; a form without its one-time token
/// (an old page) is sent back with a message.
#[tokio::test]
async fn the_same_upload_posted_twice_at_once_stores_one_file() {
    let app = TestApp::spawn().await;
    let city = app.login_as(Role::CityOfficer, "210100").await;
    let pool = app.db.app_pool().await;
    let plan = start_plan(&city).await;
    let page = city.get(&format!("/plans/{plan}")).await.text().await.unwrap();
    let form = &page[page.find(&format!("action=\"/plans/{plan}/attachments\"")).expect("the upload form")..];
    let token = form.split("name=\"form_token\" value=\"").nth(1).and_then(|v| v.split('"').next()).unwrap();
    let superuser = app.db.superuser_pool().await;
    let uploads_audited = async || -> i64 {
        sqlx::query_scalar("SELECT count(*) FROM audit_log WHERE action = 'attachment.add'")
            .fetch_one(&superuser)
            .await
            .unwrap()
    };
    let audit_before = uploads_audited().await;

    let path = format!("/plans/{plan}/attachments");
    let (first, second) = tokio::join!(
        city.upload_once(&path, token, "signed_document", "方案.pdf", samples::pdf(50_000)),
        city.upload_once(&path, token, "signed_document", "方案.pdf", samples::pdf(50_000)),
    );
    for res in [&first, &second] {
        assert_eq!(res.status(), StatusCode::SEE_OTHER);
        assert_eq!(res.headers()["location"], format!("/plans/{plan}#attachments").as_str());
    }
    assert_eq!(files_of(&pool, plan).await.len(), 1, "one file stored");
    assert_eq!(uploads_audited().await - audit_before, 1, "one audit row");

    let part = reqwest::multipart::Part::bytes(samples::pdf(1_000)).file_name("旧.pdf");
    let old_page =
        reqwest::multipart::Form::new().text("csrf", city.csrf.clone()).text("kind", "other").part("file", part);
    let res = city.client.post(city.url(&path)).multipart(old_page).send().await.unwrap();
    assert_eq!(refusal(res).await, "页面已过期，请刷新页面后重新上传");
    assert_eq!(files_of(&pool, plan).await.len(), 1, "nothing stored from an old page");
}

#[tokio::test]
async fn a_20_mb_file_comes_back_byte_for_byte() {
    let app = TestApp::spawn().await;
    let city = app.login_as(Role::CityOfficer, "210100").await;
    let pool = app.db.app_pool().await;
    let plan = start_plan(&city).await;
    let content = samples::pdf(20 * 1024 * 1024);
    let sent = Sha256::digest(&content);
    let res = upload(&city, plan, "signed_document", "沈阳市工伤预防实施方案（盖章）.pdf", content).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let id = file_ids(&pool, plan).await[0];
    let chunks: Vec<i64> =
        province_values(&pool, "SELECT count(*) FROM attachment_chunks WHERE attachment_id = $1", id).await;
    assert_eq!(chunks, [80], "stored in 256 KiB chunks");

    let res = city.get(&format!("/plans/{plan}/attachments/{id}")).await;
    assert_eq!(res.status(), StatusCode::OK);
    let headers = res.headers().clone();
    assert_eq!(headers["content-type"], "application/pdf");
    assert_eq!(headers["content-length"], (20 * 1024 * 1024).to_string().as_str());
    assert_eq!(headers["x-content-type-options"], "nosniff");
    let disposition = headers["content-disposition"].to_str().unwrap();
    assert!(disposition.starts_with("attachment;"), "{disposition}");
    assert!(
        disposition.contains("filename*=UTF-8''%E6%B2%88%E9%98%B3%E5%B8%82"),
        "the Chinese name, RFC 5987: {disposition}"
    );
    let received = res.bytes().await.unwrap();
    assert_eq!(Sha256::digest(&received), sent, "the same SHA-256");
    // The page shows the same digest that was computed on the way in.
    let page = city.get(&format!("/plans/{plan}")).await.text().await.unwrap();
    assert!(page.contains(&hex::encode(sent)));
}

#[tokio::test]
async fn another_regions_file_is_not_found_and_the_attempt_audited() {
    let app = TestApp::spawn().await;
    let shenyang = app.login_as(Role::CityOfficer, "210100").await;
    let dalian = app.login_as(Role::CityOfficer, "210200").await;
    let pool = app.db.app_pool().await;
    let plan = start_plan(&shenyang).await;
    let own_plan = start_plan(&dalian).await;
    assert_eq!(upload(&shenyang, plan, "other", "名单.xlsx", samples::of(FileType::Xlsx)).await.status(), 303);
    let id = file_ids(&pool, plan).await[0];

    let path = format!("/plans/{plan}/attachments/{id}");
    assert_eq!(dalian.get(&path).await.status(), StatusCode::NOT_FOUND);
    // Through 大连's own plan the file is not there either.
    assert_eq!(dalian.get(&format!("/plans/{own_plan}/attachments/{id}")).await.status(), StatusCode::NOT_FOUND);
    assert_eq!(dalian.get(&format!("{path}/delete")).await.status(), StatusCode::NOT_FOUND);
    assert_eq!(dalian.post_form(&format!("{path}/delete"), &[]).await.status(), StatusCode::NOT_FOUND);
    let res = upload(&dalian, plan, "other", "x.pdf", samples::pdf(500)).await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    assert_eq!(file_ids(&pool, plan).await, [id], "the file is untouched and nothing was added");

    let denials: Vec<String> =
        sqlx::query_scalar("SELECT detail FROM audit_log WHERE action = 'access.denied' AND username = $1 ORDER BY id")
            .bind(&dalian.username)
            .fetch_all(&pool)
            .await
            .unwrap();
    assert!(denials.iter().any(|d| d.contains(&format!("GET {path}"))), "{denials:?}");
    assert_eq!(denials.len(), 5, "each attempt: {denials:?}");
    // A province officer reads it.
    let province = app.login_as(Role::ProvinceOfficer, "210000").await;
    assert_eq!(province.get(&path).await.status(), StatusCode::OK);
}

#[tokio::test]
async fn files_are_removed_only_while_the_plan_is_open_and_removals_are_kept() {
    let app = TestApp::spawn().await;
    let city = app.login_as(Role::CityOfficer, "210100").await;
    let pool = app.db.app_pool().await;
    let plan = start_plan(&city).await;
    assert_eq!(upload(&city, plan, "other", "照片.png", samples::of(FileType::Png)).await.status(), 303);
    let photo = file_ids(&pool, plan).await[0];

    // Asked first; removed; kept in the plan's history and the audit log.
    let confirm = city.get(&format!("/plans/{plan}/attachments/{photo}/delete")).await.text().await.unwrap();
    assert!(confirm.contains("确定删除附件「照片.png」"));
    let res = city.post_form(&format!("/plans/{plan}/attachments/{photo}/delete"), &[]).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert!(file_ids(&pool, plan).await.is_empty());
    let sql = "SELECT action, comment FROM workflow_history WHERE record_kind = 'plan' AND record_id = $1 ORDER BY id";
    let steps: Vec<(String, String)> = province_rows(&pool, sql, plan).await;
    assert_eq!(steps[0].0, "attach");
    assert_eq!(steps[1], ("detach".to_string(), "其他材料：照片.png".to_string()));
    let audited: Vec<String> =
        sqlx::query_scalar("SELECT action FROM audit_log WHERE action LIKE 'attachment.%' ORDER BY id")
            .fetch_all(&pool)
            .await
            .unwrap();
    assert_eq!(audited, ["attachment.add", "attachment.remove"]);
    let page = city.get(&format!("/plans/{plan}")).await.text().await.unwrap();
    assert!(page.contains("删除附件") && page.contains("其他材料：照片.png"), "on the timeline");

    // Without the signed document the plan cannot be submitted.
    assert_eq!(upload(&city, plan, "other", "x.pdf", samples::pdf(600)).await.status(), 303);
    let filled = fill_sections(&app, &city, plan, "2021-12-31", "emergency").await;
    assert_eq!(filled.status(), StatusCode::SEE_OTHER);
    let res = act(&city, plan, "submit", "").await;
    assert!(res.text().await.unwrap().contains("请上传正式印发文件（盖章扫描件）"));
    assert!(history_rows(&pool, plan).await.is_empty(), "not submitted");

    // With it, submitted: the version holds the files, and they can no longer change.
    assert_eq!(fill(&app, &city, plan, "2021-12-31", "emergency").await.status(), StatusCode::SEE_OTHER);
    assert_eq!(act(&city, plan, "submit", "").await.status(), StatusCode::SEE_OTHER);
    let ids = file_ids(&pool, plan).await;
    let doomed = format!("/plans/{plan}/attachments/{}/delete", ids[0]);
    let res = city.post_form(&doomed, &[]).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.text().await.unwrap().contains("实施方案已报备，附件不能再增删"));
    assert_eq!(city.get(&doomed).await.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let message = refusal(upload(&city, plan, "other", "补充.pdf", samples::pdf(700)).await).await;
    assert_eq!(message, "实施方案已报备，附件不能再增删。");
    assert_eq!(file_ids(&pool, plan).await, ids, "nothing changed after submission");
    let page = city.get(&format!("/plans/{plan}")).await.text().await.unwrap();
    assert!(!page.contains("enctype=\"multipart/form-data\""), "no upload form on a submitted plan");
    let sql = "SELECT snapshot::text FROM record_versions WHERE record_kind = 'plan' AND record_id = $1";
    let frozen = province_values::<String>(&pool, sql, plan).await.concat();
    assert!(frozen.contains("实施方案（盖章）.pdf") && frozen.contains("\"attachments\""), "{frozen}");
}

#[tokio::test]
async fn uploads_prove_their_origin_like_every_form() {
    let app = TestApp::spawn().await;
    let city = app.login_as(Role::CityOfficer, "210100").await;
    let pool = app.db.app_pool().await;
    let plan = start_plan(&city).await;
    let send = |form: reqwest::multipart::Form, path: String| {
        let request = city.client.post(city.url(&path)).multipart(form);
        async move { request.send().await.unwrap().status() }
    };
    let file = || reqwest::multipart::Part::bytes(samples::pdf(800)).file_name("a.pdf");
    // No token, a wrong token, or the file before the token: refused, nothing read.
    let no_token = reqwest::multipart::Form::new().text("kind", "other").part("file", file());
    assert_eq!(send(no_token, format!("/plans/{plan}/attachments")).await, StatusCode::FORBIDDEN);
    let wrong = reqwest::multipart::Form::new().text("csrf", "0".repeat(64)).text("kind", "other").part("file", file());
    assert_eq!(send(wrong, format!("/plans/{plan}/attachments")).await, StatusCode::FORBIDDEN);
    let late =
        reqwest::multipart::Form::new().text("kind", "other").part("file", file()).text("csrf", city.csrf.clone());
    assert_eq!(send(late, format!("/plans/{plan}/attachments")).await, StatusCode::FORBIDDEN);
    // A multipart body anywhere but an upload route is refused.
    let elsewhere = reqwest::multipart::Form::new().text("csrf", city.csrf.clone()).text("guiding_ideas", "x");
    assert_eq!(send(elsewhere, format!("/plans/{plan}/edit")).await, StatusCode::FORBIDDEN);
    assert!(file_ids(&pool, plan).await.is_empty());
}

#[tokio::test]
async fn the_print_view_is_the_plan_on_a4_without_the_menu() {
    let app = TestApp::spawn().await;
    let city = app.login_as(Role::CityOfficer, "210100").await;
    let plan = start_plan(&city).await;
    assert_eq!(fill(&app, &city, plan, "2021-12-31", "emergency").await.status(), StatusCode::SEE_OTHER);

    let detail = city.get(&format!("/plans/{plan}")).await.text().await.unwrap();
    assert!(detail.contains(&format!(r#"href="/plans/{plan}/print">打印</a>"#)), "a 打印 button");
    let res = city.get(&format!("/plans/{plan}/print")).await;
    assert_eq!(res.status(), StatusCode::OK);
    let page = res.text().await.unwrap();
    assert!(!page.contains("class=\"sidebar") && !page.contains("/logout"), "no menu");
    assert!(page.contains(r#"class="print-toolbar no-print""#), "the toolbar does not print");
    assert!(page.contains("<h1 class=\"doc-title\">沈阳市工伤预防实施方案（"), "the title");
    assert!(page.contains("沈人社发〔2021〕8号"), "the document number");
    assert!(page.contains("2021年6月1日"), "the date as documents write it");
    assert!(page.contains("降低20%") && page.contains("达到100%"), "the plan's figures");
    assert!(page.contains("第 1 项任务的措施") && page.contains("应急管理"), "its tasks as a table");
    assert!(page.contains("沈阳市人力资源和社会保障局（盖章）") && page.contains("备案意见（盖章）"), "seal boxes");
    assert!(page.contains(r#"<p class="doc-mark">草稿</p>"#), "a draft says so");
    assert!(page.contains(r#"href="/static/css/print.css""#));
    let css = city.get("/static/css/print.css").await.text().await.unwrap();
    assert!(css.contains("size: A4 portrait") && css.contains("@media print") && css.contains("counter(page)"));
    // Another city's plan does not print for 大连.
    let dalian = app.login_as(Role::CityOfficer, "210200").await;
    assert_eq!(dalian.get(&format!("/plans/{plan}/print")).await.status(), StatusCode::NOT_FOUND);
}

/// Hostile uploads (issue 28): each is refused, or stored as an inert file that downloads as an
/// attachment of its detected type and is never opened by the server.
#[tokio::test]
async fn a_polyglot_a_zip_bomb_and_a_crafted_name_are_neutralised() {
    let app = TestApp::spawn().await;
    let city = app.login_as(Role::CityOfficer, "210100").await;
    let pool = app.db.app_pool().await;
    let plan = start_plan(&city).await;
    let download = async |id: i64| {
        let res = city.get(&format!("/plans/{plan}/attachments/{id}")).await;
        assert_eq!(res.status(), StatusCode::OK);
        let headers = res.headers().clone();
        (headers, res.bytes().await.unwrap().to_vec())
    };

    // A PDF that is also an HTML page with a script: kept as a PDF, served as one, never as a
    // page (nosniff, attachment), its bytes untouched.
    let mut polyglot = samples::pdf(2000);
    polyglot.extend(b"\n<html><body><script>alert(1)</script></body></html>\n");
    let res = upload(&city, plan, "other", "page.html", polyglot.clone()).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let (kind, file_type, _, name) = files_of(&pool, plan).await.pop().unwrap();
    assert_eq!((kind.as_str(), file_type.as_str(), name.as_str()), ("other", "pdf", "page.html.pdf"));
    let id = *file_ids(&pool, plan).await.last().unwrap();
    let (headers, body) = download(id).await;
    assert_eq!(headers["content-type"], "application/pdf");
    assert_eq!(headers["x-content-type-options"], "nosniff");
    assert!(headers["content-disposition"].to_str().unwrap().starts_with("attachment;"));
    let csp = headers["content-security-policy"].to_str().unwrap();
    assert!(csp.contains("default-src 'self'") && !csp.contains("unsafe-inline"), "no inline script runs: {csp}");
    assert_eq!(body, polyglot);

    // A zip bomb named .docx (20 MB of zeros in 20 KB): its central directory is read for the
    // type, nothing is inflated; it is kept and given back as the same 20 KB.
    let bomb = samples::deflated("word/document.xml", &vec![0u8; 20 * 1024 * 1024], u32::MAX);
    assert!(bomb.len() < 100_000, "a bomb: {} bytes", bomb.len());
    let res = upload(&city, plan, "other", "方案.docx", bomb.clone()).await;
    if res.status() == StatusCode::SEE_OTHER {
        let id = *file_ids(&pool, plan).await.last().unwrap();
        let (_, size): (String, i64) = {
            let row = files_of(&pool, plan).await.pop().unwrap();
            (row.1, row.2)
        };
        assert_eq!(size as usize, bomb.len(), "stored as sent, not inflated");
        let (headers, body) = download(id).await;
        assert!(headers["content-disposition"].to_str().unwrap().starts_with("attachment;"));
        assert_eq!(body, bomb);
    } else {
        let message = refusal(res).await;
        assert!(message.contains("不看扩展名"), "refused by its content: {message}");
    }

    // Path separators, control characters and markup in the name: only the last segment is
    // kept, without them; the download header carries it encoded, on one line.
    // Raw line breaks or control characters break the part's header: the upload is refused
    // whole (a browser escapes them), or, where they get through, dropped from the name.
    for raw in ["pass\r\nSet-Cookie: x=1.pdf", "a\u{1}\u{7}\u{1b}[31m报告.pdf"] {
        let stored = file_ids(&pool, plan).await.len();
        let res = upload(&city, plan, "other", raw, samples::pdf(1000)).await;
        if res.status() == StatusCode::SEE_OTHER {
            let (_, _, _, name) = files_of(&pool, plan).await.pop().unwrap();
            assert!(!name.chars().any(char::is_control), "{name:?}");
        } else {
            assert_eq!(refusal(res).await, "上传中断或表单有误，请重新上传");
            assert_eq!(file_ids(&pool, plan).await.len(), stored, "nothing kept of it");
        }
    }
    // As a browser sends such a name: path separators and markup, line breaks escaped.
    let crafted = "..\\..\\windows/system32\\..//etc/pass%0D%0ASet-Cookie: x=1<b>%22报告%22.pdf";
    let res = upload(&city, plan, "other", crafted, samples::pdf(1000)).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let (_, _, _, name) = files_of(&pool, plan).await.pop().unwrap();
    assert!(!name.contains(['/', '\\', '<', '>', '"']), "{name:?}");
    assert!(
        name.starts_with("pass") && name.contains("报告") && name.ends_with(".pdf"),
        "the last segment only: {name:?}"
    );
    let id = *file_ids(&pool, plan).await.last().unwrap();
    let (headers, _) = download(id).await;
    assert!(
        headers.get_all("set-cookie").iter().all(|c| !c.to_str().unwrap_or("").starts_with("x=")),
        "nothing injected into the headers"
    );
    let disposition = headers["content-disposition"].to_str().unwrap();
    assert!(!disposition.contains(['\r', '\n', '\\', '/']), "{disposition}");
    assert!(disposition.contains("%E6%8A%A5%E5%91%8A"), "{disposition}");
    let page = city.get(&format!("/plans/{plan}")).await.text().await.unwrap();
    assert!(!page.contains("<b>") && page.contains("报告"), "the name shown as text");
}
