//! Joint meetings and their action items for every region, from the first cycle's first year to
//! today: at N = 1 four to eight meetings a region a year (a plenary each spring, topic
//! meetings after), two to five items each, most done by their due date, some late, the recent
//! ones open; N multiplies the meetings. Written with batched UNNEST inserts in one transaction
//! per region (meetings then items), since tens of thousands through the store would take
//! minutes.

use chrono::{Datelike, Duration, NaiveDate};
use sqlx::PgPool;

use super::Rng;
use super::accounts::{People, regions};
use crate::cycles;
use crate::cycles::model::departments_on;
use crate::db::{self, DbActor, Scope};
use crate::org::{DepartmentKind, Role};

const PROVINCE: DbActor = DbActor { scope: Scope::Province, account_id: None };

const TOPICS: &[&str] = &[
    "部署年度工伤预防重点工作",
    "重点行业企业联合检查工作安排",
    "典型工伤事故通报及同类企业排查",
    "工伤预防培训进度调度",
    "工伤预防项目实施情况通报",
    "职业病防治与工伤预防协同推进",
    "建筑施工领域工伤预防专题",
    "危险化学品企业工伤预防专题",
];

const ITEMS: &[&str] = &[
    "开展重点行业企业联合检查并形成问题清单",
    "组织重点岗位职工工伤预防培训",
    "通报典型事故案例，督促同类企业自查自改",
    "开展工伤预防宣传进企业活动",
    "共享工伤事故和职业病数据",
    "督促整改检查发现的隐患",
    "落实工伤预防项目资金",
    "报送阶段性工作总结",
];

const NOTES: &[&str] =
    &["已按要求完成。", "已完成，形成书面报告报市人社局。", "检查发现问题均已整改到位。", "超期完成，已说明原因。"];

/// Meetings and items per region, rows counted.
pub struct Written {
    pub meetings: u64,
    pub items: u64,
}

impl super::Counted for Written {
    fn count(&self) -> u64 {
        self.meetings + self.items
    }
}

pub async fn generate(owner: &PgPool, n: u32, people: &People, rng: &mut Rng) -> anyhow::Result<Written> {
    let cycles = cycles::store::list(owner).await?;
    let today = crate::values::time::today();
    let first_year = cycles.iter().map(|c| c.first_year).min().unwrap_or(today.year());
    let mut written = Written { meetings: 0, items: 0 };
    for region in regions(owner).await? {
        let keeper = match region.level {
            crate::org::RegionLevel::Province => people.of(Role::ProvinceOfficer, Some("210000")).first().map(|p| p.id),
            crate::org::RegionLevel::City => people.of(Role::CityOfficer, Some(&region.code)).first().map(|p| p.id),
        };
        let Some(keeper) = keeper else { continue };
        let closers: Vec<(DepartmentKind, i64, String)> = people
            .all
            .iter()
            .filter(|p| p.role == Role::PartnerOfficer && p.region_code.as_deref() == Some(region.code.as_str()))
            .filter_map(|p| p.department.map(|d| (d, p.id, p.display_name.clone())))
            .collect();
        let keeper_name =
            people.all.iter().find(|p| p.id == keeper).map(|p| p.display_name.clone()).unwrap_or_default();
        let mut m = Meetings::default();
        for year in first_year..=today.year() {
            let count = (4 + rng.below(5)) * u64::from(n);
            for k in 0..count {
                // Spread over the year, the first a plenary in March; none in the future.
                let offset = if k == 0 { 60 + rng.below(20) } else { rng.below(365) };
                let held = NaiveDate::from_ymd_opt(year, 1, 1).unwrap_or(today) + Duration::days(offset as i64);
                if held > today {
                    continue;
                }
                let departments = departments_on(&cycles, held);
                let attending: Vec<DepartmentKind> = if k == 0 {
                    departments.clone()
                } else {
                    departments.iter().copied().filter(|d| *d == DepartmentKind::Hrss || rng.chance(45)).collect()
                };
                let partners: Vec<DepartmentKind> = attending.iter().copied().filter(|d| d.is_partner()).collect();
                m.push_meeting(held, k == 0, &attending, *rng.pick(TOPICS), keeper);
                for _ in 0..2 + rng.below(4) {
                    let owner_kind =
                        if partners.is_empty() || rng.chance(25) { DepartmentKind::Hrss } else { *rng.pick(&partners) };
                    let due = held + Duration::days(30 + rng.below(240) as i64);
                    // Most done around the due date; the recent ones still open.
                    let done_on = due + Duration::days(rng.below(40) as i64 - 30);
                    let closed = (done_on < today && rng.chance(85)).then_some(done_on.max(held));
                    let closer = closers.iter().find(|(d, _, _)| *d == owner_kind && rng.chance(60));
                    let (by, by_name) = match (closed, closer) {
                        (Some(_), Some((_, id, name))) => (Some(*id), name.clone()),
                        (Some(_), None) => (Some(keeper), keeper_name.clone()),
                        (None, _) => (None, String::new()),
                    };
                    m.push_item(
                        *rng.pick(ITEMS),
                        owner_kind,
                        due,
                        closed,
                        if closed.is_some() { *rng.pick(NOTES) } else { "" },
                        by,
                        by_name,
                    );
                }
            }
        }
        let (meetings, items) = m.write(owner, region.id).await?;
        written.meetings += meetings;
        written.items += items;
    }
    Ok(written)
}

/// One region's meetings and items as columns, the items pointing at their meeting by index.
#[derive(Default)]
struct Meetings {
    held_on: Vec<NaiveDate>,
    kind: Vec<&'static str>,
    attending: Vec<String>,
    topics: Vec<String>,
    created_by: Vec<i64>,
    item_meeting: Vec<usize>,
    what: Vec<String>,
    owner: Vec<&'static str>,
    due_on: Vec<NaiveDate>,
    closed_on: Vec<Option<NaiveDate>>,
    note: Vec<String>,
    closed_by: Vec<Option<i64>>,
    closed_by_name: Vec<String>,
}

impl Meetings {
    fn push_meeting(&mut self, held: NaiveDate, plenary: bool, attending: &[DepartmentKind], topic: &str, by: i64) {
        self.held_on.push(held);
        self.kind.push(if plenary { "plenary" } else { "special" });
        // A text[] literal: the kinds are plain identifiers.
        self.attending.push(format!("{{{}}}", attending.iter().map(|d| d.as_str()).collect::<Vec<_>>().join(",")));
        self.topics.push(topic.to_string());
        self.created_by.push(by);
    }

    #[allow(clippy::too_many_arguments)]
    fn push_item(
        &mut self,
        what: &str,
        owner: DepartmentKind,
        due: NaiveDate,
        closed: Option<NaiveDate>,
        note: &str,
        by: Option<i64>,
        by_name: String,
    ) {
        self.item_meeting.push(self.held_on.len() - 1);
        self.what.push(what.to_string());
        self.owner.push(owner.as_str());
        self.due_on.push(due);
        self.closed_on.push(closed);
        self.note.push(note.to_string());
        self.closed_by.push(by);
        self.closed_by_name.push(by_name);
    }

    async fn write(self, owner: &PgPool, region: i64) -> anyhow::Result<(u64, u64)> {
        let mut tx = db::begin(owner, PROVINCE).await?;
        let ids: Vec<i64> = sqlx::query_scalar!(
            r#"INSERT INTO meetings (region_id, held_on, kind, attending, topics, created_by, created_at, updated_at)
               SELECT $1, h, k, a::text[], t, b, h + time '17:00', h + time '17:00'
               FROM unnest($2::date[], $3::text[], $4::text[], $5::text[], $6::bigint[]) WITH ORDINALITY AS u(h, k, a, t, b, n)
               ORDER BY n
               RETURNING id"#,
            region,
            &self.held_on,
            &self.kind.iter().map(|k| k.to_string()).collect::<Vec<_>>(),
            &self.attending,
            &self.topics,
            &self.created_by
        )
        .fetch_all(&mut *tx)
        .await?;
        anyhow::ensure!(ids.len() == self.held_on.len(), "会议写入数目不符");
        // Identity values follow the insertion order (ORDER BY n), whatever order RETURNING uses.
        let mut ids = ids;
        ids.sort_unstable();
        let meeting_ids: Vec<i64> = self.item_meeting.iter().map(|i| ids[*i]).collect();
        let closed_at: Vec<Option<chrono::DateTime<chrono::Utc>>> =
            self.closed_on.iter().map(|d| d.map(crate::values::time::day_start)).collect();
        sqlx::query!(
            r#"INSERT INTO meeting_action_items (region_id, meeting_id, what, owner, due_on, closed_on, closed_note,
                                                 closed_by, closed_by_name, closed_at)
               SELECT $1, m, w, o, d, c, nt, b, bn, ca
               FROM unnest($2::bigint[], $3::text[], $4::text[], $5::date[], $6::date[], $7::text[], $8::bigint[],
                           $9::text[], $10::timestamptz[]) AS u(m, w, o, d, c, nt, b, bn, ca)"#,
            region,
            &meeting_ids,
            &self.what,
            &self.owner.iter().map(|o| o.to_string()).collect::<Vec<_>>(),
            &self.due_on,
            &self.closed_on as &[Option<NaiveDate>],
            &self.note,
            &self.closed_by as &[Option<i64>],
            &self.closed_by_name,
            &closed_at as &[Option<chrono::DateTime<chrono::Utc>>]
        )
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok((ids.len() as u64, meeting_ids.len() as u64))
    }
}
