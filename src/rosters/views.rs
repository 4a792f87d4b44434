//! Page structs of the roster pages.

use askama::Template;
use chrono::{NaiveDate, Utc};

use super::model::{
    EndForm, Member, MemberForm, Roster, RosterAction, RosterStatus, Standing, is_late, may_edit, may_unmask,
    may_write, problems, submission_problems, transitions,
};
use super::store::{OverviewLine, RosterLine};
use super::{IndexQuery, Loaded};
use crate::auth::Actor;
use crate::cycles::Cycle;
use crate::org::{Region, RegionLevel};
use crate::reference::Reference;
use crate::values::time;
use crate::web::deadline;
use crate::web::form::{Choice, FieldErrors};
use crate::web::layout::{Chrome, Crumb, Layout};
use crate::web::once;
use crate::web::print::{PrintDoc, official_date};
use crate::workflow::history::TimelineLine;

use crate::workflow::{available, needs_comment};

fn cycle_choices(cycles: &[Cycle]) -> Vec<Choice> {
    cycles.iter().map(|c| Choice::new(c.first_year.to_string(), c.years())).collect()
}

fn rosters_crumb() -> Crumb {
    Crumb::link("领导小组", "/rosters")
}

fn roster_crumb(roster: &Roster, cycle: &Cycle) -> Crumb {
    Crumb::link(format!("{} {}", roster.region.name, cycle.years()), format!("/rosters/{}", roster.id))
}

fn title(region: &Region, cycle: &Cycle) -> String {
    format!("{}工伤预防联防联控机制领导小组组成人员（{}）", region.name, cycle.years())
}

#[derive(Template)]
#[template(path = "rosters/index.html")]
pub struct IndexPage {
    pub layout: Layout,
    pub cycles: Vec<Choice>,
    pub cycle_year: String,
    pub cycle_label: String,
    pub filing_due: String,
    pub region: Region,
    pub roster: Option<RosterLine>,
    pub late: bool,
    /// Not reported yet: where the deadline stands.
    pub due: Option<String>,
    pub may_create: bool,
    pub form_token: String,
}

impl IndexPage {
    pub fn new(
        chrome: &Chrome,
        cycles: &[Cycle],
        cycle: &Cycle,
        region: Region,
        roster: Option<RosterLine>,
        may_write: bool,
    ) -> IndexPage {
        let submitted = roster.as_ref().and_then(|r| r.first_submitted_at);
        IndexPage {
            layout: chrome.layout("领导小组", vec![Crumb::here("领导小组")]),
            cycles: cycle_choices(cycles),
            cycle_year: cycle.first_year.to_string(),
            cycle_label: cycle.years(),
            filing_due: cycle.plan_filing_due.to_string(),
            late: is_late(submitted, cycle),
            due: submitted.is_none().then(|| deadline::due_status(cycle.plan_filing_due, Utc::now()).label()),
            may_create: may_write && roster.is_none(),
            roster,
            region,
            form_token: once::new_token(),
        }
    }
}

/// The overview's filters.
#[derive(Clone, Debug, Default)]
pub struct OverviewFilter {
    pub standing: Option<Standing>,
    /// `Some(true)`: only rosters that keep every rule; `Some(false)`: only those that do not.
    pub complete: Option<bool>,
    /// Only rosters changed since they were filed.
    pub changed: bool,
}

impl OverviewFilter {
    pub fn from_query(q: &IndexQuery) -> OverviewFilter {
        OverviewFilter {
            standing: q.status.as_deref().and_then(|s| Standing::parse(s.trim())),
            complete: match q.complete.as_deref().map(str::trim) {
                Some("yes") => Some(true),
                Some("no") => Some(false),
                _ => None,
            },
            changed: q.changed.as_deref().map(str::trim) == Some("yes"),
        }
    }

    pub fn keeps(&self, line: &OverviewLine) -> bool {
        let standing = line.roster.as_ref().map_or(Standing::NotStarted, |r| Standing::At(r.status));
        let complete = line.roster.as_ref().is_some_and(|r| r.complete);
        let changed = line.roster.as_ref().is_some_and(|r| r.changed_since_filing);
        self.standing.is_none_or(|s| s == standing)
            && self.complete.is_none_or(|c| c == complete)
            && (!self.changed || changed)
    }

    pub fn to_query_string(&self, cycle: &Cycle) -> String {
        let mut out = form_urlencoded::Serializer::new(String::new());
        out.append_pair("cycle", &cycle.first_year.to_string());
        if let Some(s) = self.standing {
            out.append_pair("status", s.key());
        }
        if let Some(c) = self.complete {
            out.append_pair("complete", if c { "yes" } else { "no" });
        }
        if self.changed {
            out.append_pair("changed", "yes");
        }
        out.finish()
    }

    pub fn describe(&self, cycle: &Cycle) -> Vec<(&'static str, String)> {
        vec![
            ("周期", cycle.years()),
            ("状态", self.standing.map_or("全部".to_string(), |s| s.label().to_string())),
            (
                "规则检查",
                match self.complete {
                    None => "全部",
                    Some(true) => "符合",
                    Some(false) => "不完整",
                }
                .to_string(),
            ),
            ("备案后变更", if self.changed { "仅有变更的" } else { "全部" }.to_string()),
        ]
    }
}

/// A line of the overview.
pub struct OverviewRow {
    pub region_name: String,
    pub standing: &'static str,
    pub standing_key: &'static str,
    pub complete: Option<bool>,
    pub changed: bool,
    pub late: bool,
    pub members: i64,
    pub submitted: String,
    pub updated: String,
    pub link: Option<String>,
}

#[derive(Template)]
#[template(path = "rosters/overview.html")]
pub struct OverviewPage {
    pub layout: Layout,
    pub cycles: Vec<Choice>,
    pub cycle_year: String,
    pub cycle_label: String,
    pub rows: Vec<OverviewRow>,
    /// (label, count) of every standing, for the summary above the table.
    pub counts: Vec<(&'static str, usize)>,
    pub incomplete: usize,
    pub changed: usize,
    pub standings: Vec<Choice>,
    pub standing: String,
    pub complete_choices: Vec<Choice>,
    pub complete: String,
    pub changed_only: bool,
    pub export_query: String,
    /// The province's own roster, to keep or to see.
    pub own: Option<String>,
    pub form_token: String,
}

impl OverviewPage {
    pub fn new(
        chrome: &Chrome,
        cycles: &[Cycle],
        cycle: &Cycle,
        lines: Vec<OverviewLine>,
        q: &IndexQuery,
    ) -> OverviewPage {
        let filter = OverviewFilter::from_query(q);
        let standing_of = |l: &OverviewLine| l.roster.as_ref().map_or(Standing::NotStarted, |r| Standing::At(r.status));
        let counts =
            Standing::ALL.iter().map(|s| (s.label(), lines.iter().filter(|l| standing_of(l) == *s).count())).collect();
        let own = lines
            .iter()
            .find(|l| l.region.level == RegionLevel::Province)
            .and_then(|l| l.roster.as_ref())
            .map(|r| format!("/rosters/{}", r.id));
        let rows = lines
            .iter()
            .filter(|l| filter.keeps(l))
            .map(|l| {
                let standing = standing_of(l);
                let r = l.roster.as_ref();
                OverviewRow {
                    region_name: l.region.name.clone(),
                    standing: standing.label(),
                    standing_key: standing.key(),
                    complete: r.map(|r| r.complete),
                    changed: r.is_some_and(|r| r.changed_since_filing),
                    late: r.is_some_and(|r| is_late(r.first_submitted_at, cycle)),
                    members: r.map_or(0, |r| r.members),
                    submitted: r.and_then(|r| r.first_submitted_at).as_ref().map(time::minutes).unwrap_or_default(),
                    updated: r.map(|r| time::minutes(&r.updated_at)).unwrap_or_default(),
                    link: r.map(|r| format!("/rosters/{}", r.id)),
                }
            })
            .collect();
        OverviewPage {
            layout: chrome.layout("领导小组名单报送情况", vec![Crumb::here("领导小组")]),
            cycles: cycle_choices(cycles),
            cycle_year: cycle.first_year.to_string(),
            cycle_label: cycle.years(),
            rows,
            counts,
            incomplete: lines.iter().filter(|l| l.roster.as_ref().is_some_and(|r| !r.complete)).count(),
            changed: lines.iter().filter(|l| l.roster.as_ref().is_some_and(|r| r.changed_since_filing)).count(),
            standings: Standing::ALL.iter().map(|s| Choice::new(s.key(), s.label())).collect(),
            standing: filter.standing.map(|s| s.key().to_string()).unwrap_or_default(),
            complete_choices: vec![Choice::new("yes", "符合"), Choice::new("no", "不完整")],
            complete: match filter.complete {
                None => String::new(),
                Some(true) => "yes".into(),
                Some(false) => "no".into(),
            },
            changed_only: filter.changed,
            export_query: filter.to_query_string(cycle),
            own,
            form_token: once::new_token(),
        }
    }
}

/// A membership as the roster page shows it.
pub struct MemberLine {
    pub id: String,
    pub name: String,
    pub department: String,
    pub post: String,
    pub role: String,
    pub office_phone: String,
    pub mobile: String,
    pub remarks: String,
    pub began_on: String,
    pub ended_on: String,
    /// Who took over, when the member was replaced.
    pub successor: String,
    /// Still serving (may be replaced or ended).
    pub serving: bool,
}

fn member_line(m: &Member, roster: &Roster, reference: &Reference, unmasked: bool) -> MemberLine {
    MemberLine {
        id: m.id.to_string(),
        name: m.name.clone(),
        department: roster.department_name(m.department),
        post: m.post.clone(),
        role: reference.group_role_name(&m.group_role).to_string(),
        office_phone: m.office_phone.clone(),
        mobile: if unmasked { m.mobile.clone() } else { m.masked_mobile() },
        remarks: m.remarks.clone(),
        began_on: m.began_on.to_string(),
        ended_on: m.ended_on.map(|d| d.to_string()).unwrap_or_default(),
        successor: m.replaced_by.and_then(|id| roster.member(id)).map(|s| s.name.clone()).unwrap_or_default(),
        serving: m.ended_on.is_none(),
    }
}

/// An action the viewer may take, with whether it asks for a reason.
pub struct ActionButton {
    pub action: &'static str,
    pub label: &'static str,
    pub danger: bool,
}

/// What the roster page shows after an action that did not go through, or a date that did not
/// read.
#[derive(Default)]
pub struct Feedback {
    pub problems: Vec<String>,
    pub comment: String,
    pub date_error: Option<String>,
}

#[derive(Template)]
#[template(path = "rosters/detail.html")]
pub struct DetailPage {
    pub layout: Layout,
    pub id: String,
    pub status: RosterStatus,
    pub changed_since_filing: bool,
    pub complete: bool,
    pub cycle_label: String,
    pub filing_due: String,
    pub late: bool,
    pub due: Option<String>,
    pub as_of: String,
    pub as_of_today: bool,
    pub date_error: Option<String>,
    pub members: Vec<MemberLine>,
    /// Every membership the roster has had, oldest first.
    pub record: Vec<MemberLine>,
    pub editable: bool,
    pub actions: Vec<ActionButton>,
    pub asks_comment: bool,
    /// The rules the roster breaks (or why an action just failed).
    pub problems: Vec<String>,
    /// The problems are why an action failed, not the standing rule check.
    pub refused: bool,
    pub comment: String,
    pub form_token: String,
    pub timeline: Vec<TimelineLine>,
    pub versions: Vec<(i32, String, String)>,
    pub offer_unmask: bool,
    pub unmasked: bool,
}

impl DetailPage {
    pub fn new(
        chrome: &Chrome,
        actor: &Actor,
        reference: &Reference,
        l: Loaded,
        as_of: NaiveDate,
        feedback: Feedback,
        unmasked: bool,
    ) -> DetailPage {
        let Loaded { roster, cycle, timeline, versions } = l;
        let today = time::today();
        let editable = may_edit(actor, &roster);
        let refused = !feedback.problems.is_empty();
        let problems = if refused {
            feedback.problems
        } else if roster.status == RosterStatus::Filed {
            // Filed: the rules held when it was filed; a change since shows what it now lacks.
            problems(&roster.members, &cycle, &reference.group_roles, today)
        } else {
            submission_problems(&roster, &cycle, &reference.group_roles, today)
        };
        let level = roster.region.level;
        let chosen: Vec<RosterAction> = available(transitions(level), roster.status, actor.role)
            .into_iter()
            .filter(|a| *a != RosterAction::Submit || may_write(actor, &roster.region))
            .filter(|a| {
                *a != RosterAction::Submit || roster.status != RosterStatus::Filed || roster.changed_since_filing
            })
            .collect();
        let asks_comment = chosen.iter().any(|a| needs_comment(transitions(level), *a));
        let actions = chosen
            .into_iter()
            .map(|a| ActionButton { action: a.as_str(), label: a.label(), danger: a == RosterAction::Return })
            .collect();
        let members = roster
            .as_of(as_of, &reference.group_roles, &cycle)
            .into_iter()
            .map(|m| member_line(m, &roster, reference, unmasked))
            .collect();
        let record = roster.members.iter().map(|m| member_line(m, &roster, reference, unmasked)).collect();
        DetailPage {
            layout: chrome.layout(
                title(&roster.region, &cycle),
                vec![rosters_crumb(), Crumb::here(format!("{} {}", roster.region.name, cycle.years()))],
            ),
            id: roster.id.to_string(),
            status: roster.status,
            changed_since_filing: roster.changed_since_filing,
            complete: roster.complete,
            cycle_label: cycle.years(),
            filing_due: cycle.plan_filing_due.to_string(),
            late: is_late(roster.first_submitted_at, &cycle),
            due: roster
                .first_submitted_at
                .is_none()
                .then(|| deadline::due_status(cycle.plan_filing_due, Utc::now()).label()),
            as_of: as_of.to_string(),
            as_of_today: as_of == today,
            date_error: feedback.date_error,
            members,
            record,
            editable,
            asks_comment,
            actions,
            problems,
            refused,
            comment: feedback.comment,
            form_token: once::new_token(),
            timeline,
            versions: versions
                .into_iter()
                .map(|v| (v.version_no, v.account_name, time::minutes(&v.frozen_at)))
                .collect(),
            offer_unmask: !unmasked
                && may_unmask(actor, &roster.region)
                && roster.members.iter().any(|m| !m.mobile.is_empty()),
            unmasked,
        }
    }
}

/// Which member form: a new member, a correction, or a successor to a member.
pub enum MemberMode {
    Add,
    Edit(Member),
    Replace(Member),
}

#[derive(Template)]
#[template(path = "rosters/member.html")]
pub struct MemberPage {
    pub layout: Layout,
    pub action: String,
    pub back: String,
    /// Replacing: who leaves, and from when the successor serves.
    pub predecessor: Option<String>,
    pub replacing: bool,
    pub editing: bool,
    pub form: MemberForm,
    pub errors: FieldErrors,
    pub departments: Vec<Choice>,
    pub roles: Vec<Choice>,
}

impl MemberPage {
    pub fn new(
        chrome: &Chrome,
        reference: &Reference,
        l: &Loaded,
        mode: MemberMode,
        form: MemberForm,
        errors: FieldErrors,
    ) -> MemberPage {
        let base = format!("/rosters/{}", l.roster.id);
        let (heading, action, predecessor) = match &mode {
            MemberMode::Add => ("新增组成人员".to_string(), format!("{base}/members/new"), None),
            MemberMode::Edit(m) => (format!("修改组成人员：{}", m.name), format!("{base}/members/{}/edit", m.id), None),
            MemberMode::Replace(m) => (
                format!("人员变更：接替{}", m.name),
                format!("{base}/members/{}/replace", m.id),
                Some(format!(
                    "{}（{}，{}，{} 起任职）将于接任日期的前一天离任，其任职记录保留，可按日期查看历史名单。",
                    m.name,
                    l.roster.department_name(m.department),
                    reference.group_role_name(&m.group_role),
                    m.began_on
                )),
            ),
        };
        MemberPage {
            layout: chrome.layout(
                heading.clone(),
                vec![rosters_crumb(), roster_crumb(&l.roster, &l.cycle), Crumb::here(heading)],
            ),
            action,
            back: base,
            replacing: matches!(mode, MemberMode::Replace(_)),
            editing: matches!(mode, MemberMode::Edit(_)),
            predecessor,
            form,
            errors,
            departments: l
                .cycle
                .departments
                .iter()
                .map(|d| Choice::new(d.as_str(), l.roster.department_name(*d)))
                .collect(),
            roles: reference.group_roles.iter().map(|r| Choice::new(r.key.clone(), r.name.clone())).collect(),
        }
    }
}

#[derive(Template)]
#[template(path = "rosters/end.html")]
pub struct EndPage {
    pub layout: Layout,
    pub action: String,
    pub back: String,
    pub member: String,
    pub form: EndForm,
    pub errors: FieldErrors,
}

impl EndPage {
    pub fn new(
        chrome: &Chrome,
        reference: &Reference,
        l: &Loaded,
        m: &Member,
        form: EndForm,
        errors: FieldErrors,
    ) -> EndPage {
        let heading = format!("离任：{}", m.name);
        EndPage {
            layout: chrome.layout(
                heading.clone(),
                vec![rosters_crumb(), roster_crumb(&l.roster, &l.cycle), Crumb::here(heading)],
            ),
            action: format!("/rosters/{}/members/{}/end", l.roster.id, m.id),
            back: format!("/rosters/{}", l.roster.id),
            member: format!(
                "{}（{}，{}，{} 起任职）",
                m.name,
                l.roster.department_name(m.department),
                reference.group_role_name(&m.group_role),
                m.began_on
            ),
            form,
            errors,
        }
    }
}

/// A line of the printed table.
pub struct PrintLine {
    pub name: String,
    pub department: String,
    pub post: String,
    pub role: String,
    pub phone: String,
}

/// The roster on A4 as the official 附件1 table: 姓名, 单位, 职务, 小组职务, 电话.
#[derive(Template)]
#[template(path = "rosters/print.html")]
pub struct PrintPage {
    pub doc: PrintDoc,
    pub as_of: String,
    pub lines: Vec<PrintLine>,
}

impl PrintPage {
    pub fn new(reference: &Reference, l: &Loaded, as_of: NaiveDate) -> PrintPage {
        let roster = &l.roster;
        let issuer = match roster.region.level {
            RegionLevel::Province => format!("{}人力资源和社会保障厅", roster.region.name),
            RegionLevel::City => format!("{}人力资源和社会保障局", roster.region.name),
        };
        let mark = match roster.status {
            RosterStatus::Filed if !roster.changed_since_filing => "",
            RosterStatus::Filed => "备案后有变更（未重新报送）",
            RosterStatus::Submitted => "报送稿（未备案）",
            RosterStatus::Returned => "退回修改稿",
            RosterStatus::Draft => "草稿",
        };
        PrintPage {
            doc: PrintDoc {
                mark: mark.to_string(),
                label: "附件1".into(),
                title: format!("{}工伤预防联防联控机制领导小组组成人员名单", roster.region.name),
                document_number: String::new(),
                issuer: issuer.clone(),
                date: official_date(as_of),
                back: format!("/rosters/{}", roster.id),
                seals: vec![format!("{issuer}（盖章）")],
            },
            as_of: official_date(as_of),
            lines: roster
                .as_of(as_of, &reference.group_roles, &l.cycle)
                .into_iter()
                .map(|m| PrintLine {
                    name: m.name.clone(),
                    department: roster.department_name(m.department),
                    post: m.post.clone(),
                    role: reference.group_role_name(&m.group_role).to_string(),
                    phone: m.office_phone.clone(),
                })
                .collect(),
        }
    }
}

/// Where the comparison page of a roster sits.
pub fn compare_crumbs(roster: &Roster, cycle: &Cycle) -> Vec<Crumb> {
    vec![rosters_crumb(), roster_crumb(roster, cycle)]
}
