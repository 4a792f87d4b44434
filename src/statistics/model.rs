//! Injury statistics (信息交换) and the work-injury accident rate against the cycle's target: the
//! arithmetic, on exact decimals. Pure: no clock, no SQL.

use rust_decimal::{Decimal, RoundingStrategy};

/// The work-injury accident rate in ‰: recognised work injuries ÷ workers insured × 1000, exact;
/// none without insured workers.
pub fn accident_rate(injuries: i64, insured: i64) -> Option<Decimal> {
    (insured > 0).then(|| Decimal::from(injuries) * Decimal::from(1000) / Decimal::from(insured))
}

/// The rate as pages show it: two decimals, half up (`1.76‰`), or `—`.
pub fn shown(rate: Option<Decimal>) -> String {
    rate.map_or_else(
        || "—".to_string(),
        |r| format!("{:.2}‰", r.round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero)),
    )
}

/// The highest rate year `base + k` may have: rate(b) × (1 − t/100 × k/5), for a reduction of
/// `t` percent over the five years of the cycle; `k` outside 1..=5 has no target.
pub fn target(base_rate: Decimal, reduction_percent: Decimal, k: i32) -> Option<Decimal> {
    (1..=5).contains(&k).then(|| {
        base_rate * (Decimal::ONE - reduction_percent / Decimal::from(100) * Decimal::from(k) / Decimal::from(5))
    })
}

/// Whether year `base + k` is on track: its rate at most the target (compared exactly).
pub fn on_track(rate: Decimal, base_rate: Decimal, reduction_percent: Decimal, k: i32) -> Option<bool> {
    target(base_rate, reduction_percent, k).map(|t| rate <= t)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_rate_and_the_on_track_rule_at_its_boundary() {
        // 2020 (the base of 2021–2025): 1,000 recognised injuries of 500,000 insured: 2.00‰.
        let base = accident_rate(1_000, 500_000).unwrap();
        assert_eq!(shown(Some(base)), "2.00‰");
        // 20% over five years; 2023 is k = 3: 2.00 × (1 − 0.20 × 3/5) = 1.76‰.
        let t = Decimal::from(20);
        assert_eq!(target(base, t, 3), Some(Decimal::new(176, 2)));
        // 880 of 500,000 is exactly 1.76‰: on track; 881 (1.762‰) is not, though both show 1.76‰.
        assert_eq!(on_track(accident_rate(880, 500_000).unwrap(), base, t, 3), Some(true));
        let over = accident_rate(881, 500_000).unwrap();
        assert_eq!(shown(Some(over)), "1.76‰");
        assert_eq!(on_track(over, base, t, 3), Some(false));
        assert_eq!(target(base, t, 5), Some(Decimal::new(16, 1)), "the cycle's last year: 1.60‰");
        assert_eq!(target(base, t, 0), None);
        assert_eq!(accident_rate(3, 0), None);
        assert_eq!(shown(None), "—");
    }
}
