use chrono::NaiveDate;

use super::*;

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

#[test]
fn the_week_and_the_month_are_suggested_by_the_date() {
    assert_eq!(suggested_kind(day(2026, 4, 24)), None);
    assert_eq!(suggested_kind(day(2026, 4, 25)), Some(EventKind::DiseaseLawWeek));
    assert_eq!(suggested_kind(day(2026, 4, 30)), Some(EventKind::DiseaseLawWeek));
    assert_eq!(suggested_kind(day(2026, 5, 1)), Some(EventKind::DiseaseLawWeek));
    assert_eq!(suggested_kind(day(2026, 5, 2)), None);
    assert_eq!(suggested_kind(day(2026, 5, 31)), None);
    assert_eq!(suggested_kind(day(2026, 6, 1)), Some(EventKind::SafetyMonth));
    assert_eq!(suggested_kind(day(2026, 6, 30)), Some(EventKind::SafetyMonth));
    assert_eq!(suggested_kind(day(2026, 7, 1)), None);
}

fn form(held_on: &str, kind: &str) -> EventForm {
    EventForm {
        held_on: held_on.into(),
        kind: kind.into(),
        title: "安全生产月咨询日".into(),
        department: "emergency".into(),
        audience: "3,000".into(),
        ..EventForm::default()
    }
}

#[test]
fn a_kind_left_empty_is_the_one_the_date_suggests_else_asked_for() {
    let today = day(2026, 11, 30);
    let departments = [DepartmentKind::Hrss, DepartmentKind::Emergency];
    let (input, _) = form("2026-06-16", "").parse(&departments, today).unwrap();
    assert_eq!((input.kind, input.ends_on, input.audience), (EventKind::SafetyMonth, day(2026, 6, 16), 3000));
    let (input, _) = form("2026-06-16", "media").parse(&departments, today).unwrap();
    assert_eq!(input.kind, EventKind::Media, "a kind chosen stays");
    let errors = form("2026-09-10", "").parse(&departments, today).unwrap_err();
    assert_eq!(errors.get("kind"), Some("请选择活动类型（该日期不在宣传周或安全生产月内）"));
    let errors = form("2026-12-01", "other").parse(&departments, today).unwrap_err();
    assert!(errors.get("held_on").is_some(), "not before it is held");
}

#[test]
fn a_partner_officer_logs_for_their_own_department_only() {
    let today = day(2026, 11, 30);
    let own = [DepartmentKind::Emergency];
    let health = EventForm { department: "health".into(), ..form("2026-04-28", "") };
    let (input, _) = health.parse(&own, today).unwrap();
    assert_eq!(input.department, DepartmentKind::Emergency, "the partner's department, whatever was posted");
    let city = [DepartmentKind::Hrss, DepartmentKind::Emergency];
    assert_eq!(health.parse(&city, today).unwrap_err().get("department"), Some("请从本周期的成员单位中选择"));
}

#[test]
fn the_count_table_has_every_region_and_the_province_sums_them() {
    let region = |id: i64, name: &str| Region {
        id: RegionId(id),
        code: format!("2101{id:02}"),
        name: name.into(),
        level: RegionLevel::City,
    };
    let regions = [region(2, "沈阳市"), region(3, "大连市"), region(4, "鞍山市")];
    let found = [
        (RegionId(2), EventKind::SafetyMonth, 3, 12_000),
        (RegionId(2), EventKind::DiseaseLawWeek, 2, 5_000),
        (RegionId(3), EventKind::SafetyMonth, 1, 800),
    ];
    let table = count_table(&regions, &found);
    assert_eq!(table.len(), 4);
    assert_eq!((table[0].events, table[0].audience), (5, 17_000));
    assert_eq!(table[0].by_kind[0], 2, "the week is the first kind");
    assert_eq!(table[0].by_kind[1], 3);
    assert_eq!((table[2].region.as_str(), table[2].events), ("鞍山市", 0));
    assert_eq!(table[3].region, "全省");
    assert_eq!((table[3].events, table[3].audience, table[3].by_kind[1]), (6, 17_800, 4));
    assert_eq!(count_table(&regions[..1], &found).len(), 1, "one region: no province line");
}
