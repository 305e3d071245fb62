//! The quality of a measured point, OPC UA style: good, uncertain (with a reason) or bad (with a
//! reason), and when a series counts as stale. Pure: the value, its range and the time since the
//! last point are passed in.

use std::fmt;
use std::time::Duration;

/// A series is stale when nothing has arrived for this many expected intervals.
pub const STALE_AFTER_INTERVALS: f64 = 2.5;

/// Why a point is bad: it carries no usable value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum BadReason {
    /// NaN or an infinity.
    NotFinite,
}

/// Why a point is uncertain: it has a value, to be used with care.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum UncertainReason {
    /// Outside the series' engineering range (kept: a real excursion is worth seeing).
    OutOfRange,
    /// The source answered with warnings (e.g. a Prometheus query's).
    SourceWarning,
}

/// A point's quality.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Quality {
    Good,
    Uncertain(UncertainReason),
    Bad(BadReason),
}

impl fmt::Display for Quality {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Quality::Good => f.write_str("good"),
            Quality::Uncertain(UncertainReason::OutOfRange) => {
                f.write_str("uncertain: out of range")
            }
            Quality::Uncertain(UncertainReason::SourceWarning) => {
                f.write_str("uncertain: the source warned")
            }
            Quality::Bad(BadReason::NotFinite) => f.write_str("bad: not a finite number"),
        }
    }
}

/// An engineering range, both ends included.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Range {
    pub lo: f64,
    pub hi: f64,
}

/// The quality of `value` for a series with `range`: NaN and infinities are bad, values outside
/// the range uncertain, the rest good.
pub fn classify(value: f64, range: Option<Range>) -> Quality {
    if !value.is_finite() {
        Quality::Bad(BadReason::NotFinite)
    } else if range.is_some_and(|r| value < r.lo || value > r.hi) {
        Quality::Uncertain(UncertainReason::OutOfRange)
    } else {
        Quality::Good
    }
}

/// Whether a series expected every `interval` is stale after `silent` without a point (measured
/// on a monotonic clock by the caller).
pub fn is_stale(interval: Duration, silent: Duration) -> bool {
    silent.as_secs_f64() > interval.as_secs_f64() * STALE_AFTER_INTERVALS
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const R: Option<Range> = Some(Range { lo: 0.0, hi: 100.0 });

    #[test]
    fn bad_uncertain_good() {
        assert_eq!(classify(f64::NAN, R), Quality::Bad(BadReason::NotFinite));
        assert_eq!(
            classify(f64::INFINITY, None),
            Quality::Bad(BadReason::NotFinite)
        );
        assert_eq!(
            classify(f64::NEG_INFINITY, R),
            Quality::Bad(BadReason::NotFinite)
        );
        assert_eq!(
            classify(100.5, R),
            Quality::Uncertain(UncertainReason::OutOfRange)
        );
        assert_eq!(
            classify(-0.1, R),
            Quality::Uncertain(UncertainReason::OutOfRange)
        );
        assert_eq!(classify(0.0, R), Quality::Good);
        assert_eq!(classify(100.0, R), Quality::Good);
        assert_eq!(classify(1e300, None), Quality::Good);
    }

    #[test]
    fn stale_after_two_and_a_half_intervals() {
        let s = Duration::from_secs;
        assert!(!is_stale(s(10), s(25)));
        assert!(is_stale(s(10), Duration::from_millis(25_001)));
        assert!(!is_stale(
            Duration::from_millis(1000),
            Duration::from_millis(2400)
        ));
    }

    proptest! {
        #[test]
        fn a_finite_value_inside_its_range_is_good(lo in -1e9f64..1e9, span in 0f64..1e9, at in 0f64..=1.0) {
            let r = Range { lo, hi: lo + span };
            let v = (lo + span * at).clamp(r.lo, r.hi);
            prop_assert_eq!(classify(v, Some(r)), Quality::Good);
        }

        #[test]
        fn only_non_finite_values_are_bad(v in proptest::num::f64::ANY) {
            let bad = matches!(classify(v, R), Quality::Bad(_));
            prop_assert_eq!(bad, !v.is_finite());
        }
    }
}
