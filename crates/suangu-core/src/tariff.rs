//! Time-of-use tariff periods, by local hour. Gansu 2021 (DOMAIN-DATA.md, public): peak 07-09 and
//! 18-24 (+50 %), valley 02-04 and 11-17 (-50 %), flat otherwise. Hours are local to the park's
//! time zone (Asia/Shanghai); the caller converts.

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Period {
    Peak,
    Flat,
    Valley,
}

/// The tariff period of a local hour (0..=23; other values are taken modulo 24).
pub fn gansu_period(local_hour: u8) -> Period {
    match local_hour % 24 {
        7 | 8 | 18..=23 => Period::Peak,
        2 | 3 | 11..=16 => Period::Valley,
        _ => Period::Flat,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gansu_hours() {
        let periods: Vec<Period> = (0..24).map(gansu_period).collect();
        let count = |p| periods.iter().filter(|x| **x == p).count();
        assert_eq!(count(Period::Peak), 8);
        assert_eq!(count(Period::Valley), 8);
        assert_eq!(count(Period::Flat), 8);
        assert_eq!(gansu_period(13), Period::Valley); // cheap and green at midday
        assert_eq!(gansu_period(19), Period::Peak);
        assert_eq!(gansu_period(0), Period::Flat);
    }
}
