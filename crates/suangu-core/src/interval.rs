//! From instantaneous samples of the park (any source) to 15-minute intervals: energies per
//! centre, peaks, and the settled green ledger. Time is passed in; the clock is never read.

use crate::green::{IntervalInput, IntervalLedger, StorageSpec, StorageState, settle};
use crate::park::Park;
use crate::scenario::{Connection, PlantKind};
use crate::tariff::{Period, gansu_period};
use crate::units::{Mw, Mwh, Ratio};
use jiff::Timestamp;
use jiff::tz::TimeZone;

/// Interval length for aggregates and the green ledger.
pub const INTERVAL_SECONDS: i64 = 15 * 60;

/// One centre's power at an instant.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct CentrePower {
    pub it: Mw,
    pub facility: Mw,
}

/// The park at an instant, index-aligned with `park.scenario().centres`.
#[derive(Debug, Clone, PartialEq)]
pub struct PowerSample {
    pub at: Timestamp,
    pub centres: Vec<CentrePower>,
    pub gen_behind_meter: Mw,
    pub gen_contract: Mw,
}

impl PowerSample {
    pub fn it(&self) -> Mw {
        self.centres.iter().map(|c| c.it).sum()
    }

    pub fn facility(&self) -> Mw {
        self.centres.iter().map(|c| c.facility).sum()
    }

    /// Green share right now (no storage, no netting): min(green, load) / load.
    pub fn green_share_now(&self) -> Ratio {
        let load = self.facility().0;
        let green = (self.gen_behind_meter + self.gen_contract).0;
        Ratio(if load > 0.0 {
            green.min(load) / load
        } else {
            0.0
        })
    }
}

/// A centre's energies over one interval.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct CentreInterval {
    pub it: Mwh,
    pub facility: Mwh,
    pub peak_it: Mw,
}

/// One finished 15-minute interval.
#[derive(Debug, Clone, PartialEq)]
pub struct IntervalRecord {
    pub start: Timestamp,
    pub hours: f64,
    pub centres: Vec<CentreInterval>,
    /// Park IT peak within the interval (highest sample).
    pub peak_it: Mw,
    /// Each zone's IT peak within the interval, index-aligned with the scenario's zones.
    pub zone_peak_it: Vec<Mw>,
    pub ledger: IntervalLedger,
}

impl IntervalRecord {
    pub fn it(&self) -> Mwh {
        self.centres.iter().map(|c| c.it).sum()
    }

    pub fn facility(&self) -> Mwh {
        self.centres.iter().map(|c| c.facility).sum()
    }
}

/// Start of the 15-minute interval that holds `t`.
pub fn interval_start(t: Timestamp) -> Timestamp {
    let s = t.as_second().div_euclid(INTERVAL_SECONDS) * INTERVAL_SECONDS;
    Timestamp::from_second(s).unwrap_or(t)
}

/// Integrates samples into intervals and settles each interval's green ledger, carrying the
/// storage state from one interval to the next.
pub struct IntervalAccumulator {
    tz: TimeZone,
    /// Zone index of each centre.
    zone_of: Vec<usize>,
    zones: usize,
    storage_spec: Option<StorageSpec>,
    storage: StorageState,
    export_limit: Mw,
    current: Option<Open>,
}

struct Open {
    start: Timestamp,
    centres: Vec<CentreInterval>,
    peak_it: Mw,
    zone_peak_it: Vec<Mw>,
    gen_btm: f64,
    gen_contract: f64,
    covered_hours: f64,
}

impl IntervalAccumulator {
    pub fn new(park: &Park) -> Self {
        let s = park.scenario();
        let storage: Vec<_> = s
            .green_plants
            .iter()
            .filter(|p| p.status.in_service() && p.kind == PlantKind::Storage)
            .filter(|p| p.connection == Connection::BehindMeter)
            .collect();
        let storage_spec = (!storage.is_empty()).then(|| StorageSpec {
            power: storage.iter().map(|p| p.capacity_mw.value).sum(),
            capacity: storage
                .iter()
                .filter_map(|p| p.energy_mwh.as_ref().map(|e| e.value))
                .sum(),
            efficiency: Ratio(
                storage
                    .iter()
                    .filter_map(|p| p.round_trip_efficiency.as_ref().map(|e| e.value.0))
                    .fold(1.0, f64::min),
            ),
        });
        let zone_of = s
            .centres
            .iter()
            .map(|c| s.zones.iter().position(|z| z.id == c.zone).unwrap_or(0))
            .collect();
        Self {
            tz: TimeZone::get(&s.park.time_zone).unwrap_or(TimeZone::UTC),
            zone_of,
            zones: s.zones.len(),
            storage_spec,
            storage: StorageState::default(),
            export_limit: s.green.export_limit_mw.value,
            current: None,
        }
    }

    /// Add a sample that holds for `hours` from its timestamp. Returns the interval it closed,
    /// if the sample starts a new one. A sample must not straddle an interval boundary: use a
    /// step that divides 15 minutes.
    pub fn push(&mut self, sample: &PowerSample, hours: f64) -> Option<IntervalRecord> {
        let start = interval_start(sample.at);
        let closed = match &self.current {
            Some(open) if open.start != start => self.close(),
            _ => None,
        };
        let n = sample.centres.len();
        let open = self.current.get_or_insert_with(|| Open {
            start,
            centres: vec![CentreInterval::default(); n],
            peak_it: Mw::ZERO,
            zone_peak_it: vec![Mw::ZERO; self.zones],
            gen_btm: 0.0,
            gen_contract: 0.0,
            covered_hours: 0.0,
        });
        for (acc, c) in open.centres.iter_mut().zip(&sample.centres) {
            acc.it = acc.it + Mwh(c.it.0 * hours);
            acc.facility = acc.facility + Mwh(c.facility.0 * hours);
            if c.it > acc.peak_it {
                acc.peak_it = c.it;
            }
        }
        let it = sample.it();
        if it > open.peak_it {
            open.peak_it = it;
        }
        let mut zone_it = vec![Mw::ZERO; self.zones];
        for (c, zone) in sample.centres.iter().zip(&self.zone_of) {
            if let Some(z) = zone_it.get_mut(*zone) {
                *z = *z + c.it;
            }
        }
        for (peak, now) in open.zone_peak_it.iter_mut().zip(zone_it) {
            if now > *peak {
                *peak = now;
            }
        }
        open.gen_btm += sample.gen_behind_meter.0 * hours;
        open.gen_contract += sample.gen_contract.0 * hours;
        open.covered_hours += hours;
        closed
    }

    /// Close the interval in progress (at the end of a run).
    pub fn finish(&mut self) -> Option<IntervalRecord> {
        self.close()
    }

    fn close(&mut self) -> Option<IntervalRecord> {
        let open = self.current.take()?;
        let load: Mwh = open.centres.iter().map(|c| c.facility).sum();
        let hours = INTERVAL_SECONDS as f64 / 3600.0;
        // Storage policy: top up from the grid in the night valley (02-04 local) while below
        // half full, so the green fraction of what it holds is honestly below 1.
        let local_hour = self.tz.to_datetime(open.start).hour();
        let night_valley =
            gansu_period(u8::try_from(local_hour).unwrap_or(0)) == Period::Valley && local_hour < 6;
        let grid_charge_request = match &self.storage_spec {
            Some(spec) if night_valley && self.storage.energy.0 < spec.capacity.0 * 0.5 => {
                Mwh(spec.power.0 * hours)
            }
            _ => Mwh::ZERO,
        };
        let input = IntervalInput {
            hours,
            load,
            gen_behind_meter: Mwh(open.gen_btm),
            gen_contract: Mwh(open.gen_contract),
            export_limit: self.export_limit,
            grid_charge_request,
        };
        let ledger = settle(&input, &mut self.storage, self.storage_spec.as_ref());
        Some(IntervalRecord {
            start: open.start,
            hours: open.covered_hours,
            centres: open.centres,
            peak_it: open.peak_it,
            zone_peak_it: open.zone_peak_it,
            ledger,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample(at: &str, it: f64, green: f64) -> PowerSample {
        PowerSample {
            at: at.parse().expect("timestamp"),
            centres: vec![CentrePower {
                it: Mw(it),
                facility: Mw(it * 1.2),
            }],
            gen_behind_meter: Mw(0.0),
            gen_contract: Mw(green),
        }
    }

    #[test]
    fn integrates_samples_into_quarter_hours() {
        let park = crate::qingyang().expect("park");
        let mut acc = IntervalAccumulator::new(&park);
        let mut closed = Vec::new();
        // 1-minute samples over 30 minutes: two intervals.
        for m in 0..30 {
            let s = sample(
                &format!("2026-01-01T04:{m:02}:00Z"),
                10.0 + f64::from(m),
                6.0,
            );
            closed.extend(acc.push(&s, 1.0 / 60.0));
        }
        closed.extend(acc.finish());
        assert_eq!(closed.len(), 2);
        let first = &closed[0];
        assert_eq!(
            first.start,
            "2026-01-01T04:00:00Z".parse::<Timestamp>().expect("ts")
        );
        // mean of 10..=24 MW over 15 minutes = 17 MW x 0.25 h
        assert!((first.it().0 - 17.0 * 0.25).abs() < 1e-9);
        assert!((first.facility().0 - 17.0 * 1.2 * 0.25).abs() < 1e-9);
        assert_eq!(first.peak_it, Mw(24.0));
        assert!((first.ledger.gen_contract.0 - 1.5).abs() < 1e-9);
        assert!(first.ledger.balance_error() < 1e-12);
    }

    #[test]
    fn interval_start_rounds_down() {
        let t: Timestamp = "2026-03-01T10:44:59Z".parse().expect("ts");
        assert_eq!(
            interval_start(t),
            "2026-03-01T10:30:00Z".parse::<Timestamp>().expect("ts")
        );
    }
}
