use std::str::FromStr;

use super::*;
use crate::attachments::{AttachmentId, FileType};

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

fn money(s: &str) -> Money {
    Money::from_yuan(Decimal::from_str(s).unwrap()).unwrap()
}

fn form() -> AgreementForm {
    AgreementForm {
        number: "沈人社预协〔2026〕3号".into(),
        signed_on: "2026-12-01".into(),
        party_a: "沈阳市人力资源和社会保障局".into(),
        party_b: "沈阳市矿业协会".into(),
        amount: "394000".into(),
        starts_on: "2027-01-01".into(),
        ends_on: "2027-12-31".into(),
        version: "0".into(),
    }
}

#[test]
fn the_agreement_stays_within_the_approved_amount() {
    let approved = money("394000");
    let (input, version) = form().parse(approved, d(2026, 12, 2)).unwrap();
    assert_eq!((input.amount, version), (Decimal::from(394_000), Version(0)));
    let above = AgreementForm { amount: "394000.01".into(), ..form() };
    assert_eq!(
        above.parse(approved, d(2026, 12, 2)).unwrap_err().get("amount"),
        Some("协议金额 394,000.01 元超过核定金额 394,000.00 元。")
    );
    let zero = AgreementForm { amount: "0".into(), ..form() };
    assert_eq!(zero.parse(approved, d(2026, 12, 2)).unwrap_err().get("amount"), Some("协议金额应大于 0。"));
}

#[test]
fn signed_not_after_today_with_a_forward_term_and_every_party() {
    let approved = money("394000");
    assert!(form().parse(approved, d(2026, 11, 30)).unwrap_err().get("signed_on").is_some());
    let backwards = AgreementForm { ends_on: "2026-12-31".into(), ..form() };
    assert_eq!(
        backwards.parse(approved, d(2026, 12, 2)).unwrap_err().get("ends_on"),
        Some("结束日期不能早于开始日期。")
    );
    let nobody = AgreementForm { party_b: " ".into(), number: String::new(), ..form() };
    let errors = nobody.parse(approved, d(2026, 12, 2)).unwrap_err();
    assert!(errors.get("party_b").is_some() && errors.get("number").is_some());
}

#[test]
fn signing_needs_the_agreement_and_its_signed_copy() {
    let agreement = Agreement {
        id: AgreementId(1),
        number: "1".into(),
        signed_on: d(2026, 12, 1),
        party_a: "甲".into(),
        party_b: "乙".into(),
        amount: money("1000"),
        starts_on: d(2027, 1, 1),
        ends_on: d(2027, 12, 31),
        version: 1,
        updated_at: Utc::now(),
    };
    let file = |kind: &str| Attachment {
        id: AttachmentId(9),
        kind: kind.into(),
        file_name: "协议.pdf".into(),
        file_type: FileType::Pdf,
        size_bytes: 10,
        sha256: vec![0; 32],
        uploader_name: "王芳".into(),
        uploaded_at: Utc::now(),
    };
    assert_eq!(sign_refusal(None, &[]), Some("请先填写并保存协议信息。"));
    assert_eq!(sign_refusal(Some(&agreement), &[file("other")]), Some("请先上传签字盖章的协议扫描件。"));
    assert_eq!(sign_refusal(Some(&agreement), &[file("signed_agreement")]), None);
}
