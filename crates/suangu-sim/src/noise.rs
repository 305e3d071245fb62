//! Deterministic noise addressed by (seed, stream, index): any instant can be computed on its
//! own, in any order, and gives the same value every time. No state, no RNG to advance.

/// SplitMix64 finaliser: a well-mixed 64-bit hash.
fn mix(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// Uniform in [-1, 1).
pub fn white(seed: u64, stream: u64, index: i64) -> f64 {
    let h = mix(seed ^ mix(stream ^ mix(index as u64)));
    (h >> 11) as f64 / (1u64 << 52) as f64 - 1.0
}

/// Smooth noise in about [-1, 1]: random values at knots `period_s` apart, joined by a cosine.
pub fn smooth(seed: u64, stream: u64, t_s: i64, period_s: i64) -> f64 {
    let period = period_s.max(1);
    let k = t_s.div_euclid(period);
    let frac = t_s.rem_euclid(period) as f64 / period as f64;
    let a = white(seed, stream, k);
    let b = white(seed, stream, k + 1);
    let w = (1.0 - (frac * std::f64::consts::PI).cos()) / 2.0;
    a + (b - a) * w
}

/// Sum of three octaves of smooth noise (periods p, p/3, p/9), about [-1, 1].
pub fn weather(seed: u64, stream: u64, t_s: i64, period_s: i64) -> f64 {
    0.6 * smooth(seed, stream, t_s, period_s)
        + 0.3 * smooth(seed, stream.wrapping_add(1), t_s, (period_s / 3).max(1))
        + 0.1 * smooth(seed, stream.wrapping_add(2), t_s, (period_s / 9).max(1))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_address_same_value_and_in_range() {
        for i in -1000..1000 {
            let v = white(7, 3, i);
            assert_eq!(v, white(7, 3, i));
            assert!((-1.0..1.0).contains(&v));
        }
        assert_ne!(white(7, 3, 1), white(8, 3, 1));
    }

    #[test]
    fn smooth_is_continuous_at_knots() {
        let p = 3600;
        for k in -5..5 {
            let at = k * p;
            let before = smooth(1, 2, at - 1, p);
            let after = smooth(1, 2, at, p);
            assert!((before - after).abs() < 1e-3, "{before} {after}");
        }
    }

    #[test]
    fn white_noise_is_roughly_centred() {
        let n = 100_000;
        let mean: f64 = (0..n).map(|i| white(42, 0, i)).sum::<f64>() / n as f64;
        assert!(mean.abs() < 0.01, "{mean}");
    }
}
