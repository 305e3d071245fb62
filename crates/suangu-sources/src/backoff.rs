//! Capped exponential backoff with full jitter: retries spread out, never in lock step with the
//! other consoles reconnecting to the same broker.

use std::hash::{BuildHasher, RandomState};
use std::time::Duration;

/// The first retry waits up to this long.
pub const BASE: Duration = Duration::from_millis(250);
/// No retry waits longer than this.
pub const CAP: Duration = Duration::from_secs(30);

/// The wait before retry number `attempt` (0 = the first), given `unit` in [0, 1) drawn at
/// random: uniformly up to `min(CAP, BASE * 2^attempt)`. Pure.
pub fn delay(attempt: u32, unit: f64) -> Duration {
    let ceiling = BASE.saturating_mul(1u32 << attempt.min(16)).min(CAP);
    ceiling.mul_f64(unit.clamp(0.0, 1.0))
}

/// A number in [0, 1) from the process's random hash keys (no random-number crate needed for a
/// jitter).
pub fn random_unit() -> f64 {
    let bits = RandomState::new().hash_one(std::time::SystemTime::now());
    (bits >> 11) as f64 / (1u64 << 53) as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grows_to_its_cap_and_jitters_below_it() {
        assert_eq!(delay(0, 0.999_999), BASE.mul_f64(0.999_999));
        assert_eq!(delay(3, 0.5), Duration::from_millis(1000));
        assert_eq!(delay(40, 1.0), CAP);
        assert_eq!(delay(7, 0.0), Duration::ZERO);
        let draws: Vec<f64> = (0..100).map(|_| random_unit()).collect();
        assert!(draws.iter().all(|u| (0.0..1.0).contains(u)));
        assert!(
            draws.iter().any(|u| (u - draws[0]).abs() > 1e-9),
            "not random"
        );
    }
}
