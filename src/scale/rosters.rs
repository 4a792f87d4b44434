//! Every region's leading-group roster for every cycle that has begun, told as the demo tells
//! its few: the ended cycle's rosters filed, a third with a member replaced mid-cycle (some
//! reported again, some changed since filing); the current cycle's in every state, a few
//! incomplete. Rosters exist once per region and cycle, so N does not multiply them.

use chrono::{Duration, NaiveDate};
use sqlx::PgPool;

use super::Rng;
use super::accounts::{People, regions};
use crate::cycles;
use crate::demo::rosters::{Step, Story, play};
use crate::org::{DepartmentKind, GroupRole, RegionLevel, Role};
use crate::rosters::model::RosterAction;

/// A time on a day, as `2021-06-21 10:12` (Asia/Shanghai).
fn at(day: NaiveDate, rng: &mut Rng) -> String {
    format!("{} {:02}:{:02}", day, 9 + rng.below(8), rng.below(60))
}

pub async fn generate(owner: &PgPool, people: &People, rng: &mut Rng) -> anyhow::Result<u64> {
    use chrono::Datelike;
    let today = crate::values::time::today();
    let reviewers = people.of(Role::ProvinceOfficer, Some("210000"));
    anyhow::ensure!(reviewers.len() >= 2, "需要至少两名省级工作人员");
    let (first, second) = (reviewers[0].username.clone(), reviewers[1].username.clone());
    let mut made = 0u64;
    for cycle in cycles::store::list(owner).await? {
        if NaiveDate::from_ymd_opt(cycle.first_year, 1, 1).is_none_or(|d| d > today) {
            continue;
        }
        let ended = cycle.last_year < today.year();
        for region in regions(owner).await? {
            let writer = match region.level {
                RegionLevel::Province => first.clone(),
                RegionLevel::City => match people.of(Role::CityOfficer, Some(&region.code)).first() {
                    Some(p) => p.username.clone(),
                    None => continue,
                },
            };
            let decider = if region.level == RegionLevel::Province { second.clone() } else { first.clone() };
            let roll = rng.below(100);
            // The current cycle: a tenth not started, a tenth incomplete drafts, the rest reported.
            if !ended && roll < 10 && region.level == RegionLevel::City {
                continue;
            }
            let incomplete = !ended && roll < 20 && region.level == RegionLevel::City;
            let reported =
                (cycle.plan_filing_due - Duration::days(30 - rng.below(40) as i64)).min(today - Duration::days(3));
            let submit_at = at(reported, rng);
            let file_at = at((reported + Duration::days(4)).min(today - Duration::days(1)), rng);
            let filed = !incomplete && (ended || roll >= 35);
            let mut steps = Vec::new();
            if !incomplete {
                steps.push(Step::Act { action: RosterAction::Submit, by: &writer, when: &submit_at, comment: "" });
            }
            if filed {
                steps.push(Step::Act { action: RosterAction::File, by: &decider, when: &file_at, comment: "" });
            }
            // A third of filed rosters see their leader or liaison change hands later on.
            let last_day = if ended { NaiveDate::from_ymd_opt(cycle.last_year, 6, 30) } else { Some(today) };
            let changes = filed && rng.chance(33);
            if let (true, Some(last_day)) = (changes, last_day) {
                let span = (last_day - reported).num_days().max(2);
                let from = reported + Duration::days(1 + rng.below(span as u64 - 1) as i64);
                let role = if rng.chance(50) { GroupRole::LEADER } else { GroupRole::LIAISON };
                let post = if role == GroupRole::LEADER { "局长" } else { "工伤保险科科长" };
                let name = super::person_name(rng);
                steps.push(Step::Replace { department: DepartmentKind::Hrss, role, name, post, from });
            }
            let story = Story {
                region: &region.code,
                writer: &writer,
                leave_out: if incomplete { &[DepartmentKind::Union] } else { &[] },
                liaison: !incomplete || rng.chance(50),
                steps,
            };
            if play(owner, &cycle, &story).await?.is_some() {
                made += 1;
            }
        }
    }
    Ok(made)
}
