//! `prevention seed --scale N [--seed S]`: a province's worth of believable, deterministic data
//! for every feature that has landed, so pages are measured and tried against a real load, not
//! the demo's handful of rows. N = 1 is about Liaoning's size; N = 10 ten times the volume
//! (records that exist once per region and cycle, such as plans and departments, stay once).
//!
//! Each feature adds its part here, in a file of its own, called from [`run`] in order; volume
//! tables are written with COPY or batched UNNEST inserts, one transaction per part, with its
//! figures shown as it goes. The same N and S give the same data.

mod accounts;
mod annual_reports;
mod approvals;
mod audit;
mod employers;
mod experts;
mod fee;
mod inspections;
mod meetings;
mod notices;
mod panels;
mod plans;
mod projects;
mod rates;
mod rosters;
mod services;
mod statistics;
mod training;

use std::time::Instant;

use anyhow::{Context, bail};
use sqlx::PgPool;

/// What to generate.
#[derive(Clone, Copy, Debug)]
pub struct Options {
    /// 1 ≈ one province (Liaoning); 10 = ten times the volume.
    pub n: u32,
    /// Picks the data: the same seed, the same data.
    pub seed: u64,
    /// Audit records per unit of N: a year of a province's log by default; the tests ask for
    /// fewer.
    pub audit_per_n: u64,
    /// Trainee records per unit of N (200,000; the tests ask for fewer).
    pub trainees_per_n: u64,
}

impl Options {
    pub fn new(n: u32, seed: u64) -> Options {
        Options { n, seed, audit_per_n: audit::PER_N, trainees_per_n: training::PER_N }
    }
}

/// The seed-log key that marks a database as generated (it is generated once).
const SEED_ENTITY: &str = "scale";

/// Generates the data into an empty (migrated, province-file seeded) database, as the owner.
/// `say` shows progress.
pub async fn run(owner: &PgPool, options: Options, say: &dyn Fn(String)) -> anyhow::Result<()> {
    if options.n == 0 || options.n > 100 {
        bail!("--scale 应为 1 至 100");
    }
    let done: Option<String> =
        sqlx::query_scalar!("SELECT key FROM seed_log WHERE entity = $1", SEED_ENTITY).fetch_optional(owner).await?;
    if let Some(key) = done {
        bail!("该数据库已生成过规模数据（{key}），不再重复生成");
    }
    let began = Instant::now();
    let mut rng = Rng::new(options.seed);
    let people = timed(say, "账号", accounts::generate(owner, options.n, &mut rng)).await?;
    timed(say, "成员单位联系人", accounts::department_contacts(owner, &mut rng)).await?;
    timed(say, "实施方案（含本地区重点行业、办理记录、版本、附件）", plans::generate(owner, &people, &mut rng)).await?;
    timed(say, "领导小组名单（含人员变更、办理记录、版本）", rosters::generate(owner, &people, &mut rng)).await?;
    timed(say, "联席会议及议定事项", meetings::generate(owner, options.n, &people, &mut rng)).await?;
    timed(say, "用人单位", employers::generate(owner, options.n, &mut rng)).await?;
    timed(say, "专家库", experts::generate(owner, options.n, &mut rng)).await?;
    timed(
        say,
        "项目申报（含批次、申报单位、费用测算、绩效目标、办理记录、版本）",
        projects::generate(owner, options.n, &people, &mut rng),
    )
    .await?;
    timed(say, "评审专家组（随机抽取记录、评分表）", panels::generate(owner, &mut rng)).await?;
    timed(say, "立项审定、公示、备案、协议和进度", approvals::generate(owner)).await?;
    timed(say, "工伤预防费（征缴收入、预算、安排、拨付）", fee::generate(owner)).await?;
    let trainees = options.trainees_per_n * u64::from(options.n);
    timed(say, "重点岗位培训（应培训人数、培训、学员）", training::generate(owner, trainees)).await?;
    timed(say, "服务机构与推荐清单、技工院校、宣传活动", services::generate(owner, options.n)).await?;
    timed(say, "联合检查及限期整改", inspections::generate(owner, options.n)).await?;
    timed(say, "通知通报（含阅读回执）", notices::generate(owner, options.n)).await?;
    timed(say, "浮动费率评估（上一评估期已确定，本评估期待测算）", rates::generate(owner)).await?;
    timed(say, "工伤统计数据", statistics::generate(owner)).await?;
    timed(say, "年度计划落实情况报告（以往年度已审核，本年度各种状态）", annual_reports::generate(owner)).await?;
    let audit_rows = options.audit_per_n * u64::from(options.n);
    timed(say, "审计日志（一年）", audit::generate(owner, audit_rows, &people, &mut rng)).await?;
    timed(say, "在线会话", accounts::sessions(owner, options.n, &people, &mut rng)).await?;
    let key = format!("n={},seed={}", options.n, options.seed);
    sqlx::query!("INSERT INTO seed_log (entity, key) VALUES ($1, $2)", SEED_ENTITY, key).execute(owner).await?;
    // Fresh statistics and visibility maps, as a database that has run for a while has.
    let analysed = Instant::now();
    let tables: Vec<String> =
        sqlx::query_scalar!(r#"SELECT tablename AS "name!" FROM pg_tables WHERE schemaname = 'public' ORDER BY 1"#)
            .fetch_all(owner)
            .await?;
    let list = tables.iter().map(|t| format!("\"{}\"", t.replace('"', "\"\""))).collect::<Vec<_>>().join(", ");
    sqlx::raw_sql(sqlx::AssertSqlSafe(format!("VACUUM (ANALYZE) {list}")))
        .execute(owner)
        .await
        .context("VACUUM ANALYZE")?;
    say(format!("统计信息已更新（{:.1} 秒）", analysed.elapsed().as_secs_f64()));
    say(format!(
        "规模数据已生成：N={}，种子 {}，共用时 {:.1} 秒",
        options.n,
        options.seed,
        began.elapsed().as_secs_f64()
    ));
    Ok(())
}

/// Runs one part and reports what it wrote and how long it took.
async fn timed<T: Counted>(
    say: &dyn Fn(String),
    what: &str,
    part: impl Future<Output = anyhow::Result<T>>,
) -> anyhow::Result<T> {
    let began = Instant::now();
    let out = part.await.with_context(|| format!("生成{what}失败"))?;
    say(format!("{what}：{} 条（{:.1} 秒）", thousands(out.count()), began.elapsed().as_secs_f64()));
    Ok(out)
}

/// What a part reports as written.
trait Counted {
    fn count(&self) -> u64;
}

impl Counted for u64 {
    fn count(&self) -> u64 {
        *self
    }
}

/// 1234567 → 1,234,567.
fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// SplitMix64: small, fast, and the same sequence on every machine and crate version, which a
/// seeded generator needs (a library's generator may change between releases).
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed ^ 0x9E37_79B9_7F4A_7C15)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (`n` > 0).
    pub fn below(&mut self, n: u64) -> u64 {
        self.next_u64() % n.max(1)
    }

    /// True with probability `percent` / 100.
    pub fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }

    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len() as u64) as usize]
    }
}

/// A person's name, as common in Liaoning.
fn person_name(rng: &mut Rng) -> String {
    const GIVEN_ONE: [&str; 24] = [
        "伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛", "明", "超", "秀",
        "霞", "平", "刚", "桂", "鑫", "博",
    ];
    let surname = rng.pick(&crate::demo::SURNAMES);
    if rng.chance(40) {
        format!("{surname}{}", rng.pick(&GIVEN_ONE))
    } else {
        format!("{surname}{}{}", rng.pick(&GIVEN_ONE), rng.pick(&GIVEN_ONE))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_generator_repeats_itself_for_the_same_seed() {
        let a: Vec<u64> = {
            let mut r = Rng::new(7);
            (0..5).map(|_| r.next_u64()).collect()
        };
        let mut r = Rng::new(7);
        assert_eq!(a, (0..5).map(|_| r.next_u64()).collect::<Vec<_>>());
        assert_ne!(a[0], Rng::new(8).next_u64());
        let mut r = Rng::new(1);
        assert!((0..1000).all(|_| r.below(6) < 6));
        let name = person_name(&mut r);
        assert!((2..=3).contains(&name.chars().count()), "{name}");
    }

    #[test]
    fn figures_are_grouped_by_thousands() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1_234_567), "1,234,567");
    }
}
