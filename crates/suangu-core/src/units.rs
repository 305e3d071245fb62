//! SI-style unit newtypes. A bare `f64` never crosses a public API of the core: a value says what
//! it measures. Conversions are explicit methods (`Kw::to_mw`), never `as`.

use serde::{Deserialize, Serialize};
use std::iter::Sum;
use std::ops::{Add, Mul, Sub};

macro_rules! unit {
    ($(#[$doc:meta])* $name:ident, $symbol:literal) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, PartialOrd, Default, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(pub f64);

        impl $name {
            pub const ZERO: Self = Self(0.0);
            /// The unit's symbol, for messages.
            pub const SYMBOL: &'static str = $symbol;

            pub fn value(self) -> f64 {
                self.0
            }
        }

        impl Add for $name {
            type Output = Self;
            fn add(self, rhs: Self) -> Self {
                Self(self.0 + rhs.0)
            }
        }

        impl Sub for $name {
            type Output = Self;
            fn sub(self, rhs: Self) -> Self {
                Self(self.0 - rhs.0)
            }
        }

        impl Mul<f64> for $name {
            type Output = Self;
            fn mul(self, rhs: f64) -> Self {
                Self(self.0 * rhs)
            }
        }

        impl Sum for $name {
            fn sum<I: Iterator<Item = Self>>(iter: I) -> Self {
                // Start from +0.0: an empty sum is 0, not the IEEE -0.0 of `f64::sum`.
                Self(iter.fold(0.0, |total, v| total + v.0))
            }
        }

        impl crate::figure::Quantity for $name {
            fn magnitude(&self) -> f64 {
                self.0
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                write!(f, "{} {}", self.0, $symbol)
            }
        }
    };
}

unit!(/// Power in kilowatts.
    Kw, "kW");
unit!(/// Power in megawatts.
    Mw, "MW");
unit!(/// Energy in megawatt-hours.
    Mwh, "MWh");
unit!(/// Apparent power in megavolt-amperes (transformer ratings).
    Mva, "MVA");
unit!(/// Voltage in kilovolts.
    Kv, "kV");
unit!(/// Compute in PFLOPS (peta floating-point operations per second, as the operators quote them).
    Pflops, "PFLOPS");
unit!(/// Length in metres (park geometry: x east, y north, origin at the south-west corner).
    Metres, "m");
unit!(/// Distance in kilometres (off-site plants, links).
    Km, "km");
unit!(/// One-way network latency in milliseconds.
    Millis, "ms");
unit!(/// Area in mu (亩), the Chinese land unit: 1 mu = 10,000/15 m².
    Mu, "mu");
unit!(/// Power usage effectiveness: facility power over IT power, >= 1.
    Pue, "");
unit!(/// A dimensionless share, 0..=1.
    Ratio, "");
unit!(/// A compass bearing in degrees, clockwise from north.
    Degrees, "°");

/// Power of one "standard rack" in Chinese statistics (2.5 kW). Origin: MIIT definition,
/// quoted in DOMAIN-DATA.md.
pub const STANDARD_RACK: Kw = Kw(2.5);

impl Kw {
    pub fn to_mw(self) -> Mw {
        Mw(self.0 / 1000.0)
    }
}

impl Mw {
    pub fn to_kw(self) -> Kw {
        Kw(self.0 * 1000.0)
    }
}

impl Mu {
    pub fn to_square_metres(self) -> f64 {
        self.0 * 10_000.0 / 15.0
    }
}

impl Pue {
    /// Facility power drawn for a given IT power.
    pub fn facility(self, it: Mw) -> Mw {
        Mw(it.0 * self.0)
    }
}

/// Standard-rack equivalents of an IT power (power / 2.5 kW).
pub fn standard_racks(it: Kw) -> f64 {
    it.0 / STANDARD_RACK.0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn conversions_round_trip() {
        assert_eq!(Kw(21_600.0).to_mw(), Mw(21.6));
        assert_eq!(Mw(21.6).to_kw(), Kw(21_600.0));
        assert_eq!(standard_racks(Kw(2_500.0)), 1000.0);
        assert!((Mu(17_000.0).to_square_metres() - 11_333_333.3).abs() < 1.0);
        assert_eq!(Pue(1.2).facility(Mw(100.0)), Mw(120.0));
    }

    #[test]
    fn sums_and_arithmetic() {
        let total: Mw = [Mw(1.0), Mw(2.5), Mw(3.0)].into_iter().sum();
        assert_eq!(total, Mw(6.5));
        let empty: Mw = std::iter::empty().sum();
        assert!(empty.0.is_sign_positive());
        assert_eq!(Mw(5.0) - Mw(2.0), Mw(3.0));
        assert_eq!(Kw(2.0) * 3.0, Kw(6.0));
    }
}
