use chrono::NaiveDate;

use super::*;
use crate::org::{AccountId, Region, RegionLevel};
use crate::workflow::{PastStep, Refusal, decide};

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

fn listed(from: NaiveDate, until: Option<NaiveDate>) -> Listing {
    Listing { status: ListingStatus::Listed, from: Some(from), until }
}

#[test]
fn a_listing_is_in_force_inside_its_period_both_ends_included() {
    let l = listed(day(2026, 3, 1), Some(day(2026, 12, 31)));
    assert!(!l.in_force_on(day(2026, 2, 28)));
    assert!(l.in_force_on(day(2026, 3, 1)));
    assert!(l.in_force_on(day(2026, 12, 31)));
    assert!(!l.in_force_on(day(2027, 1, 1)));
    assert!(listed(day(2026, 3, 1), None).in_force_on(day(2030, 1, 1)), "open-ended");
    let suspended = Listing { status: ListingStatus::Suspended, ..l };
    assert!(!suspended.in_force_on(day(2026, 6, 1)));
    assert_eq!(l.shown_on(day(2026, 2, 1)), "已列入（未到起始日）");
    assert_eq!(l.shown_on(day(2027, 1, 1)), "推荐期已满");
    assert_eq!(suspended.shown_on(day(2026, 6, 1)), "暂停推荐");
}

#[test]
fn a_suspended_or_removed_provider_cannot_be_chosen_for_a_new_session_but_stays_on_an_old_one() {
    let today = day(2026, 6, 1);
    let ok = listed(day(2026, 1, 1), None);
    assert_eq!(provider_refusal(ok, true, today, false), None);
    assert_eq!(provider_refusal(ok, false, today, false), Some("该机构的服务地区不含本地区"));
    let suspended = Listing { status: ListingStatus::Suspended, ..ok };
    assert_eq!(provider_refusal(suspended, true, today, false), Some("该机构已被暂停推荐，不能选为新培训的机构"));
    let removed = Listing { status: ListingStatus::Removed, ..ok };
    assert_eq!(provider_refusal(removed, true, today, false), Some("该机构已移出推荐清单，不能选为新培训的机构"));
    let lapsed = listed(day(2025, 1, 1), Some(day(2025, 12, 31)));
    assert_eq!(provider_refusal(lapsed, true, today, false), Some("该机构不在推荐清单的有效期内，不能选择"));
    assert_eq!(provider_refusal(suspended, true, today, true), None, "a session that already names it");
}

#[test]
fn the_listing_moves_as_its_table_says_and_only_the_province_moves_it() {
    let province = AccountId(1);
    let none: &[PastStep<ListingAction>] = &[];
    let go = |from, action, role, comment| decide(TRANSITIONS, from, action, role, province, comment, none);
    assert_eq!(go(ListingStatus::Unlisted, ListingAction::List, Role::ProvinceOfficer, ""), Ok(ListingStatus::Listed));
    assert_eq!(go(ListingStatus::Removed, ListingAction::List, Role::ProvinceOfficer, ""), Ok(ListingStatus::Listed));
    assert_eq!(
        go(ListingStatus::Listed, ListingAction::Suspend, Role::ProvinceOfficer, ""),
        Err(Refusal::CommentRequired)
    );
    assert_eq!(
        go(ListingStatus::Listed, ListingAction::Suspend, Role::ProvinceOfficer, "投诉核实"),
        Ok(ListingStatus::Suspended)
    );
    assert_eq!(
        go(ListingStatus::Suspended, ListingAction::Reinstate, Role::ProvinceOfficer, ""),
        Ok(ListingStatus::Listed)
    );
    assert_eq!(
        go(ListingStatus::Suspended, ListingAction::Remove, Role::ProvinceOfficer, "资质过期"),
        Ok(ListingStatus::Removed)
    );
    assert_eq!(go(ListingStatus::Listed, ListingAction::Reinstate, Role::ProvinceOfficer, ""), Err(Refusal::State));
    assert_eq!(go(ListingStatus::Unlisted, ListingAction::List, Role::CityOfficer, ""), Err(Refusal::Role));
}

#[test]
fn the_listing_period_defaults_to_today_and_must_not_end_before_it_begins() {
    let today = day(2026, 6, 1);
    let form = |from: &str, until: &str| ListingForm {
        listed_from: from.into(),
        listed_until: until.into(),
        ..ListingForm::default()
    };
    assert_eq!(form("", "").period(today), Ok(Period { from: today, until: None }));
    assert_eq!(
        form("2026-07-01", "2028-06-30").period(today),
        Ok(Period { from: day(2026, 7, 1), until: Some(day(2028, 6, 30)) })
    );
    assert_eq!(form("2026-07-01", "2026-06-30").period(today), Err("推荐截止日期不能早于起始日期"));
    assert!(form("明天", "").period(today).is_err());
}

fn region(id: i64, code: &str) -> Region {
    Region { id: RegionId(id), code: code.into(), name: code.into(), level: RegionLevel::City }
}

#[test]
fn the_form_checks_the_credit_code_and_resolves_every_region_served() {
    let region_of =
        |code: &str| [region(2, "210100"), region(3, "210200")].into_iter().find(|r| r.code == code).map(|r| r.id);
    let code = crate::values::CreditCode::completing("91210100MA0XXXXX0").unwrap();
    let wrong_check = format!("{}{}", &code.as_str()[..17], if code.as_str().ends_with('0') { '1' } else { '0' });
    let form = OrganisationForm {
        name: " 辽宁安培在线培训平台 ".into(),
        credit_code: wrong_check,
        kind: "online_platform".into(),
        contact_person: "王芳".into(),
        contact_phone: "024-23456789".into(),
        address: String::new(),
        regions: vec!["210100".into(), "210200".into(), "210100".into()],
        version: String::new(),
        form_token: crate::web::once::TokenField::default(),
    };
    let errors = form.parse(region_of).unwrap_err();
    assert!(errors.get("credit_code").is_some(), "a code whose check character is wrong");
    let good = OrganisationForm { credit_code: code.as_str().into(), ..form.clone() };
    let (input, version) = good.parse(region_of).unwrap();
    assert_eq!(input.name, "辽宁安培在线培训平台");
    assert_eq!(input.regions, vec![RegionId(2), RegionId(3)], "each region once");
    assert_eq!(version, Version(1));
    let unknown = OrganisationForm { regions: vec!["999999".into()], ..good.clone() };
    assert_eq!(unknown.parse(region_of).unwrap_err().get("regions"), Some("服务地区无效，请从列表中选择"));
    let none = OrganisationForm { regions: Vec::new(), ..good };
    assert_eq!(none.parse(region_of).unwrap_err().get("regions"), Some("请至少选择一个服务地区"));
}

#[test]
fn a_qualification_is_valid_inside_its_period() {
    let q = Qualification {
        id: QualificationId(1),
        name: "安全培训机构资质".into(),
        number: "LN-AQ-2024-018".into(),
        issuer: "辽宁省应急管理厅".into(),
        valid_from: day(2024, 3, 1),
        valid_until: Some(day(2027, 2, 28)),
    };
    assert_eq!(q.standing_on(day(2024, 2, 29)), "未生效");
    assert_eq!(q.standing_on(day(2027, 2, 28)), "有效");
    assert_eq!(q.standing_on(day(2027, 3, 1)), "已过期");
    let form = QualificationForm {
        name: "资质".into(),
        valid_from: "2026-03-01".into(),
        valid_until: "2026-02-01".into(),
        ..QualificationForm::default()
    };
    assert_eq!(form.parse().unwrap_err().get("q_valid_until"), Some("有效期截止日不能早于起始日"));
}
