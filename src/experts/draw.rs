//! The random draw of experts for a project (随机抽取): who may be drawn (available on the day,
//! not of the applicant organization, without a declared conflict with it), and the draw itself,
//! reproducible and auditable: a named, pinned generator (ChaCha20, RFC 8439's block function as
//! `rand`'s `ChaCha20Rng`) seeded with 32 bytes the operating system chose, over a candidate list
//! frozen in a stable order (by id) at the moment of the draw. The seed, the frozen list and the
//! picks are recorded; drawing again from the record gives the same picks, whatever the pool
//! has become since.

use chrono::NaiveDate;
use rand::rngs::ChaCha20Rng;
use rand::{Rng, SeedableRng};
use serde::{Deserialize, Serialize};

use super::Specialty;

/// An expert of the pool as the draw needs them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PoolEntry {
    pub id: i64,
    pub specialty: Specialty,
    /// Their own organization's name and, when known, its credit code.
    pub organization: String,
    pub organization_code: Option<String>,
    /// Whether they take part at all, and a period they are away (both days inclusive).
    pub available: bool,
    pub away_from: Option<NaiveDate>,
    pub away_until: Option<NaiveDate>,
    /// Organizations (names or credit codes) they must not review, beside their own.
    pub conflicts: Vec<String>,
}

/// The organization whose application is reviewed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Applicant {
    pub name: String,
    pub credit_code: Option<String>,
}

/// Why an expert of the pool is not a candidate.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Excluded {
    Unavailable,
    OwnOrganization,
    Conflict,
}

impl Excluded {
    pub fn label(self) -> &'static str {
        match self {
            Excluded::Unavailable => "不可参加",
            Excluded::OwnOrganization => "申报单位本单位专家（回避）",
            Excluded::Conflict => "已申报利益冲突（回避）",
        }
    }
}

/// Names compare without spaces and brackets' width, as people type them differently.
fn same_organization(a: &str, b: &str) -> bool {
    let norm = |s: &str| -> String {
        s.chars()
            .filter(|c| !c.is_whitespace())
            .map(|c| match c {
                '(' => '（',
                ')' => '）',
                other => other,
            })
            .collect()
    };
    !a.trim().is_empty() && norm(a) == norm(b)
}

impl PoolEntry {
    /// Whether the expert is away on `day`.
    pub fn is_available_on(&self, day: NaiveDate) -> bool {
        let away = match (self.away_from, self.away_until) {
            (Some(from), Some(until)) => from <= day && day <= until,
            (Some(from), None) => from <= day,
            (None, Some(until)) => day <= until,
            (None, None) => false,
        };
        self.available && !away
    }

    /// Why the expert may not review `applicant` on `day`, if they may not.
    pub fn excluded(&self, applicant: &Applicant, day: NaiveDate) -> Option<Excluded> {
        let code_matches = |code: &str| applicant.credit_code.as_deref().is_some_and(|c| c.eq_ignore_ascii_case(code));
        if !self.is_available_on(day) {
            Some(Excluded::Unavailable)
        } else if same_organization(&self.organization, &applicant.name)
            || self.organization_code.as_deref().is_some_and(code_matches)
        {
            Some(Excluded::OwnOrganization)
        } else if self.conflicts.iter().any(|c| same_organization(c, &applicant.name) || code_matches(c.trim())) {
            Some(Excluded::Conflict)
        } else {
            None
        }
    }
}

/// A candidate as the draw's record freezes it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Candidate {
    pub id: i64,
    pub specialty: Specialty,
}

/// The candidates for `applicant` on `day`, in the stable order the draw reads them (by id),
/// leaving out `already` (a panel's members, when one of them is replaced).
pub fn candidates(pool: &[PoolEntry], applicant: &Applicant, day: NaiveDate, already: &[i64]) -> Vec<Candidate> {
    let mut list: Vec<Candidate> = pool
        .iter()
        .filter(|e| e.excluded(applicant, day).is_none() && !already.contains(&e.id))
        .map(|e| Candidate { id: e.id, specialty: e.specialty })
        .collect();
    list.sort_by_key(|c| c.id);
    list
}

/// How many experts of a specialty a panel needs.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Need {
    pub specialty: Specialty,
    pub count: u8,
}

/// Too few candidates of a specialty: nothing is drawn.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TooFew {
    pub specialty: Specialty,
    pub needed: u8,
    pub available: usize,
}

impl TooFew {
    pub fn message(&self) -> String {
        format!(
            "「{}」专业可抽取的专家只有 {} 名，需要 {} 名：未抽取。请补充专家库或调整专业构成后再抽取。",
            self.specialty.label(),
            self.available,
            self.needed
        )
    }
}

/// A number in `0..n` without modulo bias (rejection sampling over 64 bits), so every candidate
/// of a group is equally likely, as an audit of the draw would check.
fn uniform(rng: &mut ChaCha20Rng, n: usize) -> usize {
    let n = n as u64;
    // The largest multiple of n that fits in u64: draws at or above it are redrawn.
    let zone = u64::MAX - (u64::MAX % n);
    loop {
        let x = rng.next_u64();
        if x < zone {
            return (x % n) as usize;
        }
    }
}

/// Draws the panel: for each need in order, `count` of the candidates of its specialty (in
/// their frozen order), each pick uniform among those not yet picked. The same seed and list
/// give the same picks on every machine and version of this program.
pub fn draw(seed: [u8; 32], candidates: &[Candidate], mix: &[Need]) -> Result<Vec<i64>, TooFew> {
    for need in mix {
        let available = candidates.iter().filter(|c| c.specialty == need.specialty).count();
        if available < usize::from(need.count) {
            return Err(TooFew { specialty: need.specialty, needed: need.count, available });
        }
    }
    let mut rng = ChaCha20Rng::from_seed(seed);
    let mut picks = Vec::new();
    for need in mix {
        let mut group: Vec<i64> = candidates.iter().filter(|c| c.specialty == need.specialty).map(|c| c.id).collect();
        for _ in 0..need.count {
            let k = uniform(&mut rng, group.len());
            picks.push(group.remove(k));
        }
    }
    Ok(picks)
}

/// 32 bytes from the operating system's random source: the seed of a draw, never chosen by a
/// person.
pub fn fresh_seed() -> [u8; 32] {
    rand::random()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::experts::Specialty as S;

    fn day(m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, m, d).unwrap()
    }

    fn entry(id: i64, specialty: Specialty, organization: &str) -> PoolEntry {
        PoolEntry {
            id,
            specialty,
            organization: organization.into(),
            organization_code: None,
            available: true,
            away_from: None,
            away_until: None,
            conflicts: Vec::new(),
        }
    }

    /// A pool of 12: five 工伤预防, three 安全生产, two 职业卫生, two 财务.
    fn pool() -> Vec<PoolEntry> {
        let specialties = [
            S::Prevention,
            S::WorkSafety,
            S::Prevention,
            S::OccupationalHealth,
            S::Finance,
            S::Prevention,
            S::WorkSafety,
            S::Prevention,
            S::OccupationalHealth,
            S::Finance,
            S::WorkSafety,
            S::Prevention,
        ];
        specialties.iter().enumerate().map(|(i, s)| entry(101 + i as i64, *s, &format!("单位{}", i + 1))).collect()
    }

    fn mix() -> Vec<Need> {
        vec![
            Need { specialty: S::Prevention, count: 2 },
            Need { specialty: S::WorkSafety, count: 1 },
            Need { specialty: S::OccupationalHealth, count: 1 },
            Need { specialty: S::Finance, count: 1 },
        ]
    }

    fn applicant() -> Applicant {
        Applicant { name: "沈阳市矿业协会".into(), credit_code: Some("51210100MJ0AAAA01X".into()) }
    }

    #[test]
    fn the_generator_is_chacha20_as_rfc_8439_defines_it() {
        // RFC 8439 §2.3.2 / A.1 test vector 1: key and nonce zero, block 0 begins
        // 76 b8 e0 ad a0 f1 3d 90 …; the generator reads it as little-endian words.
        let mut rng = ChaCha20Rng::from_seed([0; 32]);
        assert_eq!(rng.next_u32(), 0xade0_b876);
        assert_eq!(rng.next_u32(), 0x903d_f1a0);
    }

    #[test]
    fn a_fixed_seed_and_pool_give_exactly_the_recorded_picks() {
        let seed: [u8; 32] = std::array::from_fn(|i| i as u8);
        let list = candidates(&pool(), &applicant(), day(11, 30), &[]);
        assert_eq!(list.len(), 12);
        let picks = draw(seed, &list, &mix()).unwrap();
        assert_eq!(picks, GOLDEN);
        let specialty = |id: &i64| pool().iter().find(|e| e.id == *id).map(|e| e.specialty);
        let drawn: Vec<Option<Specialty>> = picks.iter().map(specialty).collect();
        let wanted = [S::Prevention, S::Prevention, S::WorkSafety, S::OccupationalHealth, S::Finance];
        assert_eq!(drawn, wanted.map(Some), "the mix, need by need");
        // Again from the record: the same.
        assert_eq!(draw(seed, &list, &mix()).unwrap(), picks);
        // Another seed, another panel (of the same shape).
        let other = draw([9; 32], &list, &mix()).unwrap();
        assert_ne!(other, picks);
        assert_eq!(other.len(), 5);
    }

    /// The picks of the golden test, recorded when the draw was written: a change to the
    /// generator, the candidate order or the picking changes them, and must not happen silently.
    const GOLDEN: [i64; 5] = [108, 103, 111, 104, 110];

    #[test]
    fn the_frozen_list_decides_a_re_run_not_the_pool_as_it_is_now() {
        let seed = [3; 32];
        let frozen = candidates(&pool(), &applicant(), day(11, 30), &[]);
        let picks = draw(seed, &frozen, &mix()).unwrap();
        let mut grown = pool();
        grown.push(entry(50, S::Prevention, "新单位"));
        let now = candidates(&grown, &applicant(), day(11, 30), &[]);
        assert_ne!(now, frozen, "an expert added after the draw is a candidate now");
        assert_eq!(draw(seed, &frozen, &mix()).unwrap(), picks, "the re-run reads the record");
    }

    #[test]
    fn the_applicants_own_experts_declared_conflicts_and_the_unavailable_are_left_out() {
        let mut p = pool();
        p[0].organization = "沈阳市矿业协会".into();
        p[1].organization_code = Some("51210100mj0aaaa01x".into());
        p[2].conflicts = vec!["沈阳市 矿业协会".into()];
        p[3].available = false;
        p[4].away_from = Some(day(11, 1));
        p[4].away_until = Some(day(12, 15));
        p[5].away_until = Some(day(11, 29));
        let a = applicant();
        assert_eq!(p[0].excluded(&a, day(11, 30)), Some(Excluded::OwnOrganization));
        assert_eq!(p[1].excluded(&a, day(11, 30)), Some(Excluded::OwnOrganization), "by credit code");
        assert_eq!(p[2].excluded(&a, day(11, 30)), Some(Excluded::Conflict));
        assert_eq!(p[3].excluded(&a, day(11, 30)), Some(Excluded::Unavailable));
        assert_eq!(p[4].excluded(&a, day(11, 30)), Some(Excluded::Unavailable), "away on the day");
        assert_eq!(p[4].excluded(&a, day(12, 16)), None, "back after the period");
        assert_eq!(p[5].excluded(&a, day(11, 30)), None, "the period has ended");
        let ids: Vec<i64> = candidates(&p, &a, day(11, 30), &[110]).iter().map(|c| c.id).collect();
        assert_eq!(ids, [106, 107, 108, 109, 111, 112], "and the panel's member being replaced");
    }

    #[test]
    fn too_few_candidates_draws_nothing_and_says_which_specialty() {
        let mut p = pool();
        p[4].available = false; // one of the two 财务
        let list = candidates(&p, &applicant(), day(11, 30), &[]);
        let mut needs = mix();
        needs[3].count = 2;
        let err = draw([1; 32], &list, &needs).unwrap_err();
        assert_eq!(err, TooFew { specialty: S::Finance, needed: 2, available: 1 });
        assert!(err.message().contains("「财务」专业可抽取的专家只有 1 名，需要 2 名"));
    }

    #[test]
    fn each_candidate_of_a_group_is_drawn_about_equally_often() {
        let list: Vec<Candidate> = (1..=4).map(|id| Candidate { id, specialty: S::Finance }).collect();
        let need = [Need { specialty: S::Finance, count: 1 }];
        let mut seen = [0u32; 4];
        for s in 0..4000u32 {
            let mut seed = [0u8; 32];
            seed[..4].copy_from_slice(&s.to_le_bytes());
            let pick = draw(seed, &list, &need).unwrap()[0];
            seen[(pick - 1) as usize] += 1;
        }
        assert!(seen.iter().all(|n| (850..=1150).contains(n)), "{seen:?}");
    }
}
