//! Every region's implementation plans for both cycles, told as the demo tells its few: the
//! ended 2021–2025 cycle filed everywhere (some late, some returned once), the current one in
//! every state, with the regions' own key industries. Plans exist once per region and cycle,
//! so N does not multiply them.

use chrono::{Duration, NaiveDate, Utc};
use sqlx::PgPool;

use super::Rng;
use super::accounts::{People, regions};
use crate::audit::AuditContext;
use crate::cycles::{self, Cycle};
use crate::db::{DbActor, Scope};
use crate::demo::plans::{Step, play};
use crate::key_industries::{self, model::KeyIndustryForm};
use crate::org::{RegionLevel, Role};
use crate::plans::model::PlanAction;

/// Key industries a city adds for itself (name, GB/T 4754 divisions).
const OWN_INDUSTRIES: &[(&str, &str)] = &[
    ("粉尘涉爆", "C30, C31, C32"),
    ("涉氨制冷", "C13, C14"),
    ("有限空间作业", "D46, N77"),
    ("港口装卸和仓储", "G55, G59"),
    ("城镇燃气", "D45"),
    ("冶金", "C31, C32"),
    ("石油化工", "C25, C26"),
    ("电力生产", "D44"),
];

const RETURN_REASONS: &[&str] = &[
    "任务分工中各成员单位的工作措施过于笼统，请细化并明确完成时限后重新报备。",
    "重点行业与本地区产业结构不符，请结合实际补充后重新报备。",
    "保障措施缺少经费保障内容，请补充工伤预防费使用安排。",
];

/// A time on a working day, as `2021-06-21 10:12` (Asia/Shanghai).
fn at(day: NaiveDate, rng: &mut Rng) -> String {
    use chrono::Datelike;
    let mut day = day;
    while day.weekday().number_from_monday() > 5 {
        day += Duration::days(1);
    }
    format!("{} {:02}:{:02}", day, 9 + rng.below(8), rng.below(60))
}

pub async fn generate(owner: &PgPool, people: &People, rng: &mut Rng) -> anyhow::Result<u64> {
    let cycles = cycles::store::list(owner).await?;
    let today = crate::values::time::today();
    let reviewers = people.of(Role::ProvinceOfficer, Some("210000"));
    anyhow::ensure!(reviewers.len() >= 2, "需要至少两名省级工作人员");
    let mut plans = 0u64;
    for cycle in &cycles {
        // Only cycles that have begun have plans.
        if NaiveDate::from_ymd_opt(cycle.first_year, 1, 1).is_none_or(|d| d > today) {
            continue;
        }
        for region in regions(owner).await? {
            let writers = match region.level {
                RegionLevel::Province => reviewers.clone(),
                RegionLevel::City => people.of(Role::CityOfficer, Some(&region.code)),
            };
            let Some(writer) = writers.first() else { continue };
            if region.level == RegionLevel::City {
                own_industries(owner, cycle, region.id, writer.id, rng).await?;
            }
            let story = story(cycle, region.level, today, &writer.username, &reviewers, rng);
            let Some(story) = story else { continue };
            let steps: Vec<Step> =
                story.iter().map(|(action, by, when, comment)| Step { action: *action, by, when, comment }).collect();
            if play(owner, cycle, &region.code, &writer.username, &steps).await?.is_some() {
                plans += 1;
            }
        }
    }
    Ok(plans)
}

/// What happened to one plan: `None` when the region has not started it.
fn story(
    cycle: &Cycle,
    level: RegionLevel,
    today: NaiveDate,
    writer: &str,
    reviewers: &[&super::accounts::Person],
    rng: &mut Rng,
) -> Option<Vec<(PlanAction, String, String, String)>> {
    use chrono::Datelike;
    let due = cycle.plan_filing_due;
    // A cycle that is over has every plan filed; the current one has stragglers at every step.
    let ended = cycle.last_year < today.year();
    let roll = rng.below(100);
    if !ended && roll < 5 && level == RegionLevel::City {
        return None;
    }
    // Submitted from five weeks before the deadline to three weeks after (some late); the
    // stragglers of the current cycle lately, and still waiting or returned.
    let straggler = !ended && roll < 30;
    let submitted = if straggler {
        today - Duration::days(8 + rng.below(30) as i64)
    } else {
        due - Duration::days(35) + Duration::days(rng.below(56) as i64)
    };
    let submitted = submitted.min(today - Duration::days(2));
    let mut steps = Vec::new();
    if !ended && roll < 12 && level == RegionLevel::City {
        return Some(steps); // a draft
    }
    let first = reviewers[0].username.clone();
    let second = reviewers[1].username.clone();
    steps.push((PlanAction::Submit, writer.to_string(), at(submitted, rng), String::new()));
    if level == RegionLevel::Province {
        steps.push((PlanAction::Issue, second, at(submitted + Duration::days(5), rng), String::new()));
        return Some(steps);
    }
    let decided = (submitted + Duration::days(3 + rng.below(8) as i64)).min(today - Duration::days(1));
    if !ended && roll < 22 {
        return Some(steps); // waiting for the province
    }
    if rng.chance(20) || (!ended && roll < 30) {
        let reason = rng.pick(RETURN_REASONS).to_string();
        steps.push((PlanAction::Return, first.clone(), at(decided, rng), reason));
        if !ended && roll < 30 {
            return Some(steps); // returned, not yet resubmitted
        }
        let again = decided + Duration::days(5 + rng.below(10) as i64);
        steps.push((PlanAction::Submit, writer.to_string(), at(again, rng), String::new()));
        steps.push((PlanAction::File, first, at(again + Duration::days(4), rng), String::new()));
    } else {
        steps.push((PlanAction::File, first, at(decided, rng), String::new()));
    }
    // Nothing in the future.
    let now = Utc::now().naive_utc().date();
    steps.retain(|(_, _, when, _)| when.get(..10).and_then(|d| d.parse::<NaiveDate>().ok()).is_some_and(|d| d <= now));
    Some(steps)
}

/// One to three key industries of the region's own for the cycle.
async fn own_industries(owner: &PgPool, cycle: &Cycle, region: i64, by: i64, rng: &mut Rng) -> anyhow::Result<()> {
    let count = 1 + rng.below(3) as usize;
    let start = rng.below(OWN_INDUSTRIES.len() as u64) as usize;
    for i in 0..count {
        let (name, divisions) = OWN_INDUSTRIES[(start + i) % OWN_INDUSTRIES.len()];
        let form =
            KeyIndustryForm { name: name.into(), divisions: divisions.into(), cycle: cycle.first_year.to_string() };
        let input = form.parse().map_err(|e| anyhow::anyhow!("重点行业无效：{e:?}"))?;
        key_industries::store::create(
            owner,
            DbActor::new(Scope::Province, None),
            &AuditContext::system("规模数据"),
            crate::org::RegionId(region),
            cycle.id,
            crate::org::AccountId(by),
            &input,
        )
        .await?;
    }
    Ok(())
}
