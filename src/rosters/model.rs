//! Leading-group rosters (领导小组组成人员): their types, their workflow as data, the rules a
//! roster is checked against on every save, who may do what, the member form, and the frozen
//! snapshot.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use crate::auth::Actor;
use crate::cycles::{Cycle, CycleId};
use crate::org::{DepartmentKind, GroupRole, Region, RegionLevel, Role};
use crate::values::{Date, Phone, Text, Version, mask};
use crate::web::deadline;
use crate::web::form::{FieldErrors, FormParser};
use crate::workflow::Transition;
use crate::workflow::versions::{Row, Snapshot};

id_type!(
    /// The leading-group roster of one region and cycle.
    pub RosterId
);

id_type!(
    /// One membership: a person in one role from one date to another.
    pub MemberId
);

/// The record kind in the shared history and versions.
pub const KIND: &str = "roster";

labelled_enum! {
    pub enum RosterStatus {
        Draft => ("draft", "草稿"),
        Submitted => ("submitted", "已报送"),
        Returned => ("returned", "已退回"),
        Filed => ("filed", "已备案"),
    }
}

labelled_enum! {
    pub enum RosterAction {
        Submit => ("submit", "报送"),
        File => ("file", "备案"),
        Return => ("return", "退回"),
    }
}

use crate::web::once::TokenField;
use RosterAction as A;
use RosterStatus as S;

/// A city's roster: the city bureau reports it (报送); the province files it or returns it with
/// a reason. A filed roster that changed is reported again.
pub const CITY_TRANSITIONS: &[Transition<RosterStatus, RosterAction>] = &[
    Transition {
        from: &[S::Draft, S::Returned, S::Filed],
        action: A::Submit,
        to: S::Submitted,
        roles: &[Role::CityOfficer],
        comment_required: false,
        not_by_whoever_took: None,
    },
    Transition {
        from: &[S::Submitted],
        action: A::File,
        to: S::Filed,
        roles: &[Role::ProvinceOfficer],
        comment_required: false,
        not_by_whoever_took: None,
    },
    Transition {
        from: &[S::Submitted],
        action: A::Return,
        to: S::Returned,
        roles: &[Role::ProvinceOfficer],
        comment_required: true,
        not_by_whoever_took: None,
    },
];

/// The province's own roster: kept and reported by a province officer, filed or returned by a
/// second one (four eyes), since the province does not file with itself.
pub const PROVINCE_TRANSITIONS: &[Transition<RosterStatus, RosterAction>] = &[
    Transition {
        from: &[S::Draft, S::Returned, S::Filed],
        action: A::Submit,
        to: S::Submitted,
        roles: &[Role::ProvinceOfficer],
        comment_required: false,
        not_by_whoever_took: None,
    },
    Transition {
        from: &[S::Submitted],
        action: A::File,
        to: S::Filed,
        roles: &[Role::ProvinceOfficer],
        comment_required: false,
        not_by_whoever_took: Some(A::Submit),
    },
    Transition {
        from: &[S::Submitted],
        action: A::Return,
        to: S::Returned,
        roles: &[Role::ProvinceOfficer],
        comment_required: true,
        not_by_whoever_took: Some(A::Submit),
    },
];

/// The transitions of a roster of a region of `level`.
pub fn transitions(level: RegionLevel) -> &'static [Transition<RosterStatus, RosterAction>] {
    match level {
        RegionLevel::City => CITY_TRANSITIONS,
        RegionLevel::Province => PROVINCE_TRANSITIONS,
    }
}

impl RosterStatus {
    /// The members may change: anything but a roster awaiting the province's decision. A filed
    /// roster stays open, since people change posts; the change is reported again.
    pub fn is_open(self) -> bool {
        self != S::Submitted
    }
}

/// A roster with every membership it ever had.
#[derive(Clone, Debug)]
pub struct Roster {
    pub id: RosterId,
    pub region: Region,
    pub cycle_id: CycleId,
    pub status: RosterStatus,
    pub complete: bool,
    pub changed_since_filing: bool,
    pub first_submitted_at: Option<DateTime<Utc>>,
    pub decided_at: Option<DateTime<Utc>>,
    pub version: i32,
    pub updated_at: DateTime<Utc>,
    /// Oldest first.
    pub members: Vec<Member>,
    /// The region's departments by kind, with their names (沈阳市应急管理局).
    pub departments: Vec<DepartmentName>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DepartmentName {
    pub kind: DepartmentKind,
    pub name: String,
}

impl Roster {
    /// The roster as the owner of its history and versions.
    pub fn owner(&self) -> crate::attachments::Owner {
        crate::attachments::Owner { kind: KIND, id: self.id.0, region: self.region.id }
    }

    /// The name of the region's department of a kind (its kind's label when the region has none).
    pub fn department_name(&self, kind: DepartmentKind) -> String {
        self.departments.iter().find(|d| d.kind == kind).map_or_else(|| kind.label().to_string(), |d| d.name.clone())
    }

    pub fn member(&self, id: MemberId) -> Option<&Member> {
        self.members.iter().find(|m| m.id == id)
    }

    /// The members on `date`, in the order of the official table.
    pub fn as_of(&self, date: NaiveDate, roles: &[GroupRole], cycle: &Cycle) -> Vec<&Member> {
        let mut members: Vec<&Member> = self.members.iter().filter(|m| m.serves_on(date)).collect();
        sort_for_table(&mut members, roles, cycle);
        members
    }
}

/// One membership.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Member {
    pub id: MemberId,
    pub name: String,
    pub department: DepartmentKind,
    pub post: String,
    /// A key of the group roles.
    pub group_role: String,
    pub office_phone: String,
    pub mobile: String,
    pub remarks: String,
    pub began_on: NaiveDate,
    pub ended_on: Option<NaiveDate>,
    pub replaced_by: Option<MemberId>,
}

impl Member {
    /// Whether the person is a member on `date` (the first and the last day included).
    pub fn serves_on(&self, date: NaiveDate) -> bool {
        self.began_on <= date && self.ended_on.is_none_or(|end| date <= end)
    }

    /// As lists and exports show the mobile.
    pub fn masked_mobile(&self) -> String {
        mask::phone(&self.mobile)
    }
}

/// The official order: by the role's place in the list, then the cycle's order of departments,
/// then who joined first.
pub fn sort_for_table(members: &mut [&Member], roles: &[GroupRole], cycle: &Cycle) {
    let role_place = |key: &str| roles.iter().position(|r| r.key == key).unwrap_or(usize::MAX);
    let department_place = |d: DepartmentKind| cycle.departments.iter().position(|c| *c == d).unwrap_or(usize::MAX);
    members.sort_by_key(|m| (role_place(&m.group_role), department_place(m.department), m.began_on, m.id));
}

/// What the roster breaks of the rules, as of `today`, one message per rule (empty when every
/// rule holds): exactly one 组长; every department of the cycle with at least one member; at
/// least one 联络员; no person twice in one role; no membership ending before it began.
pub fn problems(members: &[Member], cycle: &Cycle, roles: &[GroupRole], today: NaiveDate) -> Vec<String> {
    let current: Vec<&Member> = members.iter().filter(|m| m.ended_on.is_none_or(|end| end >= today)).collect();
    let role_name = |key: &str| roles.iter().find(|r| r.key == key).map_or(key.to_string(), |r| r.name.clone());
    let mut problems = Vec::new();
    let leaders: Vec<&str> =
        current.iter().filter(|m| m.group_role == GroupRole::LEADER).map(|m| m.name.as_str()).collect();
    match leaders.len() {
        0 => problems.push(format!("尚未确定{}", role_name(GroupRole::LEADER))),
        1 => {}
        n => {
            problems.push(format!("{}只能有一名，现有 {n} 名（{}）", role_name(GroupRole::LEADER), leaders.join("、")))
        }
    }
    let uncovered: Vec<&str> =
        cycle.departments.iter().filter(|d| !current.iter().any(|m| m.department == **d)).map(|d| d.label()).collect();
    if !uncovered.is_empty() {
        problems.push(format!("以下成员单位尚无组成人员：{}", uncovered.join("、")));
    }
    if !current.iter().any(|m| m.group_role == GroupRole::LIAISON) {
        problems.push(format!("尚未确定{}", role_name(GroupRole::LIAISON)));
    }
    // Named as first entered; said once however often repeated.
    let mut twice: Vec<(String, String)> = Vec::new();
    for (i, m) in current.iter().enumerate() {
        let first = current[..i].iter().find(|o| o.group_role == m.group_role && same_person(&o.name, &m.name));
        let said = twice.iter().any(|(name, role)| same_person(name, &m.name) && *role == m.group_role);
        if let (Some(first), false) = (first, said) {
            twice.push((first.name.clone(), m.group_role.clone()));
        }
    }
    for (name, role) in twice {
        problems.push(format!("{name}在「{}」中重复出现", role_name(&role)));
    }
    for m in members {
        if let Some(message) = m.ended_on.and_then(|end| dates_problem(m.began_on, Some(end))) {
            problems.push(format!("{}：{message}", m.name));
        }
    }
    problems
}

/// Names compared as people type them: spaces (full-width too) do not count.
fn same_person(a: &str, b: &str) -> bool {
    let bare = |s: &str| s.chars().filter(|c| !c.is_whitespace()).collect::<String>();
    bare(a) == bare(b)
}

/// Why a membership's dates cannot be, if they cannot.
pub fn dates_problem(began_on: NaiveDate, ended_on: Option<NaiveDate>) -> Option<String> {
    ended_on.filter(|end| *end < began_on).map(|_| "任职结束日期不能早于开始日期".to_string())
}

/// What a roster lacks before it may be reported: every rule, and for a filed roster a change
/// since filing.
pub fn submission_problems(roster: &Roster, cycle: &Cycle, roles: &[GroupRole], today: NaiveDate) -> Vec<String> {
    let mut out = Vec::new();
    if roster.status == S::Filed && !roster.changed_since_filing {
        out.push("名单备案后没有变更，无需重新报送".to_string());
    }
    out.extend(problems(&roster.members, cycle, roles, today));
    out
}

/// Whether the first report came after the filing deadline of the cycle's plans (the roster is
/// the plan's 附件1 and is due with it).
pub fn is_late(first_submitted: Option<DateTime<Utc>>, cycle: &Cycle) -> bool {
    first_submitted.is_some_and(|at| deadline::is_late(cycle.plan_filing_due, at))
}

/// Who keeps a region's roster: its city bureau for a city, a province officer for 省本级.
pub fn may_write(actor: &Actor, region: &Region) -> bool {
    let own = actor.region.as_ref().is_some_and(|r| r.id == region.id);
    match (actor.role, region.level) {
        (Role::CityOfficer, RegionLevel::City) => own,
        (Role::ProvinceOfficer, RegionLevel::Province) => own,
        _ => false,
    }
}

/// Whether the actor may change the members now.
pub fn may_edit(actor: &Actor, roster: &Roster) -> bool {
    roster.status.is_open() && may_write(actor, &roster.region)
}

/// Who needs the members' mobiles in full (an explicit, audited action): those who keep the
/// roster and the province, which calls the groups together. Partner and agency officers read
/// the roster with mobiles masked.
pub fn may_unmask(actor: &Actor, region: &Region) -> bool {
    may_write(actor, region) || actor.role == Role::ProvinceOfficer
}

/// Where a region stands with its roster of a cycle, as the province's overview shows it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Standing {
    NotStarted,
    At(RosterStatus),
}

impl Standing {
    pub fn label(self) -> &'static str {
        match self {
            Standing::NotStarted => "未建立",
            Standing::At(status) => status.label(),
        }
    }

    pub fn key(self) -> &'static str {
        match self {
            Standing::NotStarted => "not_started",
            Standing::At(status) => status.as_str(),
        }
    }

    pub fn parse(key: &str) -> Option<Standing> {
        match key {
            "not_started" => Some(Standing::NotStarted),
            other => RosterStatus::parse(other).map(Standing::At),
        }
    }

    pub const ALL: [Standing; 5] = [
        Standing::NotStarted,
        Standing::At(S::Draft),
        Standing::At(S::Submitted),
        Standing::At(S::Returned),
        Standing::At(S::Filed),
    ];
}

/// The snapshot frozen at each report (schema 1): the members serving on `today`, mobiles
/// masked as in every copy that is not the keeper's own.
pub fn snapshot(roster: &Roster, cycle: &Cycle, roles: &[GroupRole], today: NaiveDate) -> Snapshot {
    let role_name = |key: &str| roles.iter().find(|r| r.key == key).map_or(key.to_string(), |r| r.name.clone());
    Snapshot::new(1).table(
        "members",
        "领导小组组成人员",
        &["姓名", "单位", "职务", "小组职务", "办公电话", "手机", "任职起始"],
        roster
            .as_of(today, roles, cycle)
            .into_iter()
            .map(|m| Row {
                key: m.id.to_string(),
                cells: vec![
                    m.name.clone(),
                    roster.department_name(m.department),
                    m.post.clone(),
                    role_name(&m.group_role),
                    m.office_phone.clone(),
                    m.masked_mobile(),
                    m.began_on.to_string(),
                ],
            })
            .collect(),
    )
}

/// The member form as submitted: adding a member, correcting one, or naming a successor.
#[derive(Clone, Debug, Default, Deserialize)]
pub struct MemberForm {
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub department: String,
    #[serde(default)]
    pub post: String,
    #[serde(default)]
    pub group_role: String,
    #[serde(default)]
    pub office_phone: String,
    #[serde(default)]
    pub mobile: String,
    #[serde(default)]
    pub remarks: String,
    #[serde(default)]
    pub began_on: String,
    #[serde(default)]
    pub ended_on: String,
    /// The roster's version the form was read at.
    #[serde(default)]
    pub version: String,
    #[serde(default = "TokenField::missing")]
    pub form_token: TokenField,
}

impl MemberForm {
    /// The form for a new member: the start date today.
    pub fn blank(roster: &Roster, today: NaiveDate) -> MemberForm {
        MemberForm { began_on: today.to_string(), version: roster.version.to_string(), ..MemberForm::default() }
    }

    /// The form to correct a member's record.
    pub fn of(member: &Member, roster: &Roster) -> MemberForm {
        MemberForm {
            name: member.name.clone(),
            department: member.department.as_str().to_string(),
            post: member.post.clone(),
            group_role: member.group_role.clone(),
            office_phone: member.office_phone.clone(),
            mobile: member.mobile.clone(),
            remarks: member.remarks.clone(),
            began_on: member.began_on.to_string(),
            ended_on: member.ended_on.map(|d| d.to_string()).unwrap_or_default(),
            version: roster.version.to_string(),
            form_token: TokenField::default(),
        }
    }

    /// The form for a successor: the same seat (department and role), a new person from today.
    pub fn successor(member: &Member, roster: &Roster, today: NaiveDate) -> MemberForm {
        MemberForm {
            department: member.department.as_str().to_string(),
            group_role: member.group_role.clone(),
            began_on: today.to_string(),
            version: roster.version.to_string(),
            ..MemberForm::default()
        }
    }

    /// Checks the form against the cycle's departments and the group roles.
    pub fn parse(&self, cycle: &Cycle, roles: &[GroupRole]) -> Result<(MemberInput, Version), FieldErrors> {
        let mut p = FormParser::default();
        let name = p.required::<Text<50>>("name", &self.name);
        let department = DepartmentKind::parse(self.department.trim()).filter(|d| cycle.departments.contains(d));
        p.check("department", department.is_some(), "请从本周期的成员单位中选择");
        let post = p.required::<Text<50>>("post", &self.post);
        let group_role = roles.iter().find(|r| r.key == self.group_role.trim()).map(|r| r.key.clone());
        p.check("group_role", group_role.is_some(), "请选择小组职务");
        let office_phone = p.optional::<Phone>("office_phone", &self.office_phone);
        let mobile = p.optional::<Phone>("mobile", &self.mobile);
        if let Some(Some(m)) = &mobile {
            p.check("mobile", is_mobile(m.as_str()), "请填写 11 位手机号码");
        }
        let remarks = p.value::<Text<200>>("remarks", &self.remarks);
        let began_on = p.required::<Date>("began_on", &self.began_on);
        let ended_on = p.optional::<Date>("ended_on", &self.ended_on);
        if let (Some(began), Some(Some(ended))) = (began_on, ended_on) {
            if let Some(message) = dates_problem(began.0, Some(ended.0)) {
                p.check("ended_on", false, message);
            }
        }
        let version = p.value::<Version>("version", &self.version);
        p.finish(|| {
            Some((
                MemberInput {
                    name: name?,
                    department: department?,
                    post: post?,
                    group_role: group_role?,
                    office_phone: office_phone?.map(|p| p.as_str().to_string()).unwrap_or_default(),
                    mobile: mobile?.map(|p| p.as_str().to_string()).unwrap_or_default(),
                    remarks: remarks?,
                    began_on: began_on?.0,
                    ended_on: ended_on?.map(|d| d.0),
                },
                version?,
            ))
        })
    }
}

fn is_mobile(phone: &str) -> bool {
    phone.len() == 11 && phone.starts_with('1')
}

/// A checked member.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct MemberInput {
    pub name: Text<50>,
    pub department: DepartmentKind,
    pub post: Text<50>,
    pub group_role: String,
    pub office_phone: String,
    pub mobile: String,
    pub remarks: Text<200>,
    pub began_on: NaiveDate,
    pub ended_on: Option<NaiveDate>,
}

/// Why a successor cannot take over on `from`: the predecessor's last day is the day before,
/// which must not come before their first.
pub fn succession_problem(predecessor: &Member, from: NaiveDate) -> Option<String> {
    if predecessor.ended_on.is_some() {
        return Some("该成员已离任，不能再被接替".to_string());
    }
    (from <= predecessor.began_on).then(|| format!("接任日期须晚于原成员的任职开始日期（{}）", predecessor.began_on))
}

/// The end form: the membership's last day.
#[derive(Clone, Debug, Default, Deserialize)]
pub struct EndForm {
    #[serde(default)]
    pub ended_on: String,
    #[serde(default)]
    pub version: String,
}

impl EndForm {
    pub fn parse(&self, member: &Member) -> Result<(NaiveDate, Version), FieldErrors> {
        let mut p = FormParser::default();
        let ended_on = p.required::<Date>("ended_on", &self.ended_on);
        if let Some(end) = ended_on {
            if let Some(message) = dates_problem(member.began_on, Some(end.0)) {
                p.check("ended_on", false, message);
            }
        }
        p.check("ended_on", member.ended_on.is_none(), "该成员已离任");
        let version = p.value::<Version>("version", &self.version);
        p.finish(|| Some((ended_on?.0, version?)))
    }
}

#[cfg(test)]
mod tests {
    use rust_decimal::Decimal;

    use super::*;
    use crate::cycles::model::MonthDay;
    use crate::org::{AccountId, RegionId};
    use crate::workflow::{PastStep, Refusal, decide};

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    fn cycle() -> Cycle {
        Cycle {
            id: CycleId(2),
            first_year: 2026,
            last_year: 2030,
            name: "周期".into(),
            national_document: String::new(),
            provincial_document: String::new(),
            headline_target: String::new(),
            accident_rate_reduction_percent: Decimal::from(20),
            training_target: String::new(),
            training_coverage_due: day(2030, 12, 31),
            key_positions: Vec::new(),
            platform_positions: Vec::new(),
            coverage_target_percent: rust_decimal::Decimal::from(100),
            plan_filing_due: day(2026, 6, 30),
            annual_report_due: MonthDay { month: 12, day: 15 },
            departments: vec![DepartmentKind::Hrss, DepartmentKind::Emergency, DepartmentKind::Health],
            tasks: Vec::new(),
            version: 1,
        }
    }

    fn roles() -> Vec<GroupRole> {
        [("leader", "组长"), ("deputy_leader", "副组长"), ("member", "成员"), ("liaison", "联络员")]
            .iter()
            .map(|(k, n)| GroupRole { key: k.to_string(), name: n.to_string() })
            .collect()
    }

    fn member(id: i64, name: &str, department: DepartmentKind, role: &str) -> Member {
        Member {
            id: MemberId(id),
            name: name.into(),
            department,
            post: "局长".into(),
            group_role: role.into(),
            office_phone: String::new(),
            mobile: "13812345678".into(),
            remarks: String::new(),
            began_on: day(2026, 3, 1),
            ended_on: None,
            replaced_by: None,
        }
    }

    fn complete() -> Vec<Member> {
        vec![
            member(1, "王建国", DepartmentKind::Hrss, "leader"),
            member(2, "李卫东", DepartmentKind::Emergency, "member"),
            member(3, "赵红梅", DepartmentKind::Health, "member"),
            member(4, "陈晓", DepartmentKind::Hrss, "liaison"),
        ]
    }

    const TODAY: fn() -> NaiveDate = || NaiveDate::from_ymd_opt(2026, 11, 30).unwrap();

    #[test]
    fn a_complete_roster_breaks_no_rule() {
        assert_eq!(problems(&complete(), &cycle(), &roles(), TODAY()), Vec::<String>::new());
    }

    #[test]
    fn each_rule_broken_alone_gives_its_own_message() {
        let check = |members: Vec<Member>| problems(&members, &cycle(), &roles(), TODAY());

        let mut no_leader = complete();
        no_leader[0].group_role = "deputy_leader".into();
        assert_eq!(check(no_leader), ["尚未确定组长"]);

        let mut two_leaders = complete();
        two_leaders.push(member(5, "孙立", DepartmentKind::Hrss, "leader"));
        assert_eq!(check(two_leaders), ["组长只能有一名，现有 2 名（王建国、孙立）"]);

        let mut uncovered = complete();
        uncovered.remove(2);
        assert_eq!(check(uncovered), ["以下成员单位尚无组成人员：卫生健康"]);

        let mut no_liaison = complete();
        no_liaison.pop();
        assert_eq!(check(no_liaison), ["尚未确定联络员"]);

        let mut twice = complete();
        twice.push(member(6, "李 卫东", DepartmentKind::Health, "member"));
        assert_eq!(check(twice), ["李卫东在「成员」中重复出现"]);

        let mut backwards = complete();
        backwards
            .push(Member { ended_on: Some(day(2026, 2, 1)), ..member(7, "钱进", DepartmentKind::Health, "member") });
        assert_eq!(check(backwards), ["钱进：任职结束日期不能早于开始日期"]);
    }

    #[test]
    fn members_who_left_count_for_nothing() {
        let mut members = complete();
        members[3].ended_on = Some(day(2026, 10, 31));
        assert_eq!(problems(&members, &cycle(), &roles(), TODAY()), ["尚未确定联络员"]);
        members[3].ended_on = Some(day(2026, 11, 30));
        assert!(problems(&members, &cycle(), &roles(), TODAY()).is_empty(), "the last day still counts");
    }

    #[test]
    fn a_membership_serves_from_its_first_to_its_last_day() {
        let m = Member { ended_on: Some(day(2026, 6, 30)), ..member(1, "王建国", DepartmentKind::Hrss, "leader") };
        assert!(!m.serves_on(day(2026, 2, 28)));
        assert!(m.serves_on(day(2026, 3, 1)));
        assert!(m.serves_on(day(2026, 6, 30)));
        assert!(!m.serves_on(day(2026, 7, 1)));
    }

    #[test]
    fn a_successor_takes_over_after_the_predecessor_began() {
        let m = member(1, "王建国", DepartmentKind::Hrss, "leader");
        assert!(succession_problem(&m, day(2026, 3, 1)).is_some());
        assert_eq!(succession_problem(&m, day(2026, 3, 2)), None);
        let gone = Member { ended_on: Some(day(2026, 5, 1)), ..m };
        assert_eq!(succession_problem(&gone, day(2026, 6, 1)).as_deref(), Some("该成员已离任，不能再被接替"));
    }

    #[test]
    fn the_table_lists_the_leader_first_and_departments_in_the_cycles_order() {
        let members = complete();
        let mut refs: Vec<&Member> = members.iter().rev().collect();
        sort_for_table(&mut refs, &roles(), &cycle());
        let names: Vec<&str> = refs.iter().map(|m| m.name.as_str()).collect();
        assert_eq!(names, ["王建国", "李卫东", "赵红梅", "陈晓"]);
    }

    #[test]
    fn the_form_checks_every_field() {
        let form = MemberForm {
            name: "王建国".into(),
            department: "health".into(),
            post: "副局长".into(),
            group_role: "member".into(),
            office_phone: "024-23456789".into(),
            mobile: "13912345678".into(),
            began_on: "2026-03-01".into(),
            version: "3".into(),
            ..MemberForm::default()
        };
        let (input, version) = form.parse(&cycle(), &roles()).unwrap();
        assert_eq!(version, Version(3));
        assert_eq!(input.department, DepartmentKind::Health);
        let bad = MemberForm {
            name: " ".into(),
            department: "market_regulation".into(),
            group_role: "chief".into(),
            mobile: "024-23456789".into(),
            ended_on: "2026-02-01".into(),
            ..form
        };
        let errors = bad.parse(&cycle(), &roles()).unwrap_err();
        assert_eq!(errors.get("name"), Some("此项为必填项"));
        assert!(errors.get("department").is_some(), "market regulation is not in this cycle");
        assert!(errors.get("group_role").is_some());
        assert_eq!(errors.get("mobile"), Some("请填写 11 位手机号码"));
        assert_eq!(errors.get("ended_on"), Some("任职结束日期不能早于开始日期"));
    }

    fn region(level: RegionLevel) -> Region {
        let id = if level == RegionLevel::Province { 1 } else { 2 };
        Region { id: RegionId(id), code: String::new(), name: String::new(), level }
    }

    fn actor(role: Role, level: RegionLevel) -> Actor {
        Actor {
            account_id: AccountId(5),
            username: String::new(),
            display_name: String::new(),
            role,
            region: Some(region(level)),
            department: None,
        }
    }

    #[test]
    fn who_keeps_reads_and_unmasks_which_roster() {
        let city = region(RegionLevel::City);
        assert!(may_write(&actor(Role::CityOfficer, RegionLevel::City), &city));
        assert!(!may_write(&actor(Role::ProvinceOfficer, RegionLevel::Province), &city), "the province reviews");
        assert!(!may_write(&actor(Role::PartnerOfficer, RegionLevel::City), &city));
        assert!(may_write(&actor(Role::ProvinceOfficer, RegionLevel::Province), &region(RegionLevel::Province)));
        assert!(may_unmask(&actor(Role::ProvinceOfficer, RegionLevel::Province), &city));
        assert!(may_unmask(&actor(Role::CityOfficer, RegionLevel::City), &city));
        assert!(!may_unmask(&actor(Role::PartnerOfficer, RegionLevel::City), &city));
        assert!(!may_unmask(&actor(Role::AgencyOfficer, RegionLevel::City), &city));
    }

    #[test]
    fn transitions_per_role_and_state() {
        let me = AccountId(5);
        let city = |status, action, role| decide(CITY_TRANSITIONS, status, action, role, me, "理由", &[]);
        assert_eq!(city(S::Draft, A::Submit, Role::CityOfficer), Ok(S::Submitted));
        assert_eq!(city(S::Filed, A::Submit, Role::CityOfficer), Ok(S::Submitted), "a changed roster goes again");
        assert_eq!(city(S::Submitted, A::Submit, Role::CityOfficer), Err(Refusal::State));
        assert_eq!(city(S::Submitted, A::File, Role::ProvinceOfficer), Ok(S::Filed));
        assert_eq!(city(S::Submitted, A::Return, Role::ProvinceOfficer), Ok(S::Returned));
        assert_eq!(city(S::Submitted, A::File, Role::CityOfficer), Err(Refusal::Role));
        for role in [Role::PartnerOfficer, Role::AgencyOfficer, Role::Expert, Role::SysAdmin, Role::Auditor] {
            for action in RosterAction::ALL {
                for status in RosterStatus::ALL {
                    assert_eq!(decide(CITY_TRANSITIONS, *status, *action, role, me, "x", &[]), Err(Refusal::Role));
                }
            }
        }
        let past = [PastStep { action: A::Submit, by: me }];
        assert_eq!(
            decide(PROVINCE_TRANSITIONS, S::Submitted, A::File, Role::ProvinceOfficer, me, "", &past),
            Err(Refusal::SameActor)
        );
        assert_eq!(
            decide(PROVINCE_TRANSITIONS, S::Submitted, A::File, Role::ProvinceOfficer, AccountId(6), "", &past),
            Ok(S::Filed)
        );
    }

    #[test]
    fn a_filed_roster_is_reported_again_only_after_a_change() {
        let roster = Roster {
            id: RosterId(1),
            region: region(RegionLevel::City),
            cycle_id: CycleId(2),
            status: S::Filed,
            complete: true,
            changed_since_filing: false,
            first_submitted_at: None,
            decided_at: None,
            version: 4,
            updated_at: Utc::now(),
            members: complete(),
            departments: Vec::new(),
        };
        assert_eq!(submission_problems(&roster, &cycle(), &roles(), TODAY()), ["名单备案后没有变更，无需重新报送"]);
        let changed = Roster { changed_since_filing: true, ..roster };
        assert!(submission_problems(&changed, &cycle(), &roles(), TODAY()).is_empty());
        let s = snapshot(&changed, &cycle(), &roles(), TODAY());
        assert_eq!(s.tables[0].rows[0].cells[5], "138****5678", "versions keep mobiles masked");
    }
}
