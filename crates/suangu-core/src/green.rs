//! The green ledger: how each interval's load is met, with no netting across intervals.
//!
//! Definitions (also in ARCHITECTURE.md; `tests` below hold them on hand-built cases):
//! - facility load `L` = IT load x PUE (the caller passes `L`);
//! - own green generation `G` (behind-the-meter plus contract plants matched in the same interval)
//!   is split into delivered to load, charged into storage, exported (up to the export limit) and
//!   curtailed (the rest): `G = delivered + charged + exported + curtailed`;
//! - storage discharge counts as green only in proportion to the green energy it holds;
//! - grid import `I = L - delivered - green discharge`, never negative: `L = delivered + green
//!   discharge + I`;
//! - market-based green share = sum(delivered + green discharge) / sum(L);
//! - location-based green share = sum(behind-the-meter green delivered) / sum(L): energy through
//!   the public grid carries the grid's factor whatever the contract says;
//! - CO2 location = sum(L - behind-the-meter green delivered) x grid factor; CO2 market = sum(I) x
//!   the same factor (the residual mix is not published, so the average factor stands in for it).

use crate::units::{Mw, Mwh, Ratio};

/// A storage plant's limits.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct StorageSpec {
    pub power: Mw,
    pub capacity: Mwh,
    /// Round-trip efficiency, applied when charging.
    pub efficiency: Ratio,
}

/// What a storage plant holds: all of it, and how much of that is green.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct StorageState {
    pub energy: Mwh,
    pub green: Mwh,
}

impl StorageState {
    pub fn green_fraction(&self) -> f64 {
        if self.energy.0 > 0.0 {
            (self.green.0 / self.energy.0).clamp(0.0, 1.0)
        } else {
            0.0
        }
    }
}

/// One interval's energies, as the caller measured or simulated them.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct IntervalInput {
    /// Length of the interval in hours (0.25 for 15 minutes).
    pub hours: f64,
    /// Facility load `L`.
    pub load: Mwh,
    /// Green generation of plants behind the meter.
    pub gen_behind_meter: Mwh,
    /// Green generation of contract plants, matched to this interval.
    pub gen_contract: Mwh,
    /// Most surplus that may be exported, as power.
    pub export_limit: Mw,
    /// Energy the dispatch policy wants to charge from the grid this interval (e.g. in valley
    /// tariff hours); capped by what the storage can still take after green charging.
    pub grid_charge_request: Mwh,
}

/// Where the interval's energy went. Every field is energy over the interval.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct IntervalLedger {
    pub load: Mwh,
    pub gen_behind_meter: Mwh,
    pub gen_contract: Mwh,
    /// Green generation delivered straight to the load.
    pub delivered: Mwh,
    /// The behind-the-meter part of `delivered` (behind-the-meter plants serve the load first).
    pub delivered_behind_meter: Mwh,
    /// Green generation charged into storage.
    pub charged: Mwh,
    /// Grid energy charged into storage (not part of the load's import).
    pub grid_charged: Mwh,
    pub discharged: Mwh,
    /// The green part of `discharged`.
    pub green_discharged: Mwh,
    pub exported: Mwh,
    pub curtailed: Mwh,
    /// Grid import serving the load: `L - delivered - green discharge`.
    pub import: Mwh,
    /// Storage at the end of the interval.
    pub storage_end: StorageState,
}

impl IntervalLedger {
    pub fn generation(&self) -> Mwh {
        self.gen_behind_meter + self.gen_contract
    }

    /// The larger of the two balance residuals, relative to the load (0 when the load is 0 and
    /// the residuals are too): |G - (delivered + charged + exported + curtailed)| and
    /// |L - (delivered + green discharge + I)|.
    pub fn balance_error(&self) -> f64 {
        let generation = self.generation().0
            - (self.delivered.0 + self.charged.0 + self.exported.0 + self.curtailed.0);
        let load = self.load.0 - (self.delivered.0 + self.green_discharged.0 + self.import.0);
        let worst = generation.abs().max(load.abs());
        if self.load.0 > 0.0 {
            worst / self.load.0
        } else {
            worst
        }
    }
}

/// Settle one interval. `storage` is updated to the interval's end; `spec` is None for a park
/// without storage.
pub fn settle(
    input: &IntervalInput,
    storage: &mut StorageState,
    spec: Option<&StorageSpec>,
) -> IntervalLedger {
    let load = input.load.0.max(0.0);
    let btm = input.gen_behind_meter.0.max(0.0);
    let contract = input.gen_contract.0.max(0.0);
    let generation = btm + contract;

    let delivered = generation.min(load);
    let delivered_btm = btm.min(load);
    let mut surplus = generation - delivered;
    let deficit = load - delivered;

    let (power_limit, efficiency, capacity) = match spec {
        Some(s) => (
            s.power.0 * input.hours,
            s.efficiency.0.clamp(0.0, 1.0),
            s.capacity.0,
        ),
        None => (0.0, 1.0, 0.0),
    };

    // Discharge first when green falls short (a battery does not charge and discharge at once).
    let mut discharged = 0.0;
    let mut green_discharged = 0.0;
    if deficit > 0.0 && storage.energy.0 > 0.0 {
        discharged = deficit.min(power_limit).min(storage.energy.0);
        green_discharged = discharged * storage.green_fraction();
        storage.green = Mwh((storage.green.0 - green_discharged).max(0.0));
        storage.energy = Mwh((storage.energy.0 - discharged).max(0.0));
    }

    // Charge green surplus, then what the policy asks from the grid, within power and room.
    let mut charged = 0.0;
    let mut grid_charged = 0.0;
    if discharged == 0.0 && spec.is_some() && efficiency > 0.0 {
        let room_in = ((capacity - storage.energy.0).max(0.0)) / efficiency;
        charged = surplus.min(power_limit).min(room_in);
        surplus -= charged;
        let left_power = power_limit - charged;
        let left_room = room_in - charged;
        grid_charged = input
            .grid_charge_request
            .0
            .max(0.0)
            .min(left_power)
            .min(left_room);
        storage.energy = Mwh(storage.energy.0 + (charged + grid_charged) * efficiency);
        storage.green = Mwh(storage.green.0 + charged * efficiency);
    }

    let exported = surplus.min(input.export_limit.0.max(0.0) * input.hours);
    let curtailed = surplus - exported;
    let import = (load - delivered - green_discharged).max(0.0);

    IntervalLedger {
        load: Mwh(load),
        gen_behind_meter: Mwh(btm),
        gen_contract: Mwh(contract),
        delivered: Mwh(delivered),
        delivered_behind_meter: Mwh(delivered_btm),
        charged: Mwh(charged),
        grid_charged: Mwh(grid_charged),
        discharged: Mwh(discharged),
        green_discharged: Mwh(green_discharged),
        exported: Mwh(exported),
        curtailed: Mwh(curtailed),
        import: Mwh(import),
        storage_end: *storage,
    }
}

/// Green KPIs of a period, from its intervals.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct GreenKpis {
    pub intervals: usize,
    pub load: Mwh,
    /// Own green generation used by the load as it was produced.
    pub delivered: Mwh,
    /// Own green generation put into storage.
    pub stored: Mwh,
    pub green_share_market: Ratio,
    pub green_share_location: Ratio,
    pub curtailed: Mwh,
    pub exported: Mwh,
    pub import: Mwh,
    /// Tonnes of CO2 the own green power used avoided (its energy at the grid factor).
    pub co2_avoided_t: f64,
    /// Tonnes of CO2.
    pub co2_market_t: f64,
    pub co2_location_t: f64,
    pub max_balance_error: f64,
}

/// Sum a period. `grid_factor_t_per_mwh` is the regional grid's average emission factor.
pub fn summarize<'a>(
    intervals: impl IntoIterator<Item = &'a IntervalLedger>,
    grid_factor_t_per_mwh: f64,
) -> GreenKpis {
    let mut load = 0.0;
    let mut green_market = 0.0;
    let mut green_location = 0.0;
    let mut curtailed = 0.0;
    let mut exported = 0.0;
    let mut delivered = 0.0;
    let mut stored = 0.0;
    let mut count = 0;
    let mut import = 0.0;
    let mut max_balance_error: f64 = 0.0;
    for i in intervals {
        count += 1;
        delivered += i.delivered.0;
        stored += (i.charged.0 - i.grid_charged.0).max(0.0);
        load += i.load.0;
        green_market += i.delivered.0 + i.green_discharged.0;
        green_location += i.delivered_behind_meter.0;
        curtailed += i.curtailed.0;
        exported += i.exported.0;
        import += i.import.0;
        max_balance_error = max_balance_error.max(i.balance_error());
    }
    let share = |green: f64| Ratio(if load > 0.0 { green / load } else { 0.0 });
    GreenKpis {
        intervals: count,
        load: Mwh(load),
        delivered: Mwh(delivered),
        stored: Mwh(stored),
        green_share_market: share(green_market),
        green_share_location: share(green_location),
        curtailed: Mwh(curtailed),
        exported: Mwh(exported),
        import: Mwh(import),
        co2_avoided_t: green_market * grid_factor_t_per_mwh,
        co2_market_t: import * grid_factor_t_per_mwh,
        co2_location_t: (load - green_location) * grid_factor_t_per_mwh,
        max_balance_error,
    }
}

/// One interval's share, both ways.
#[derive(Debug, Clone, PartialEq)]
pub struct IntervalShare {
    pub start: jiff::Timestamp,
    pub share_market: Ratio,
    pub share_location: Ratio,
    pub import: Mwh,
}

/// The green ledger of a day, of its month to date and of its year to date (days in the park's
/// time zone), and the day's intervals that were not fully green (market-based), so "100 %
/// green" is shown honestly.
#[derive(Debug, Clone, PartialEq)]
pub struct LedgerPeriods {
    pub day: GreenKpis,
    pub month: GreenKpis,
    pub year: GreenKpis,
    pub not_green: Vec<IntervalShare>,
}

/// Split `rows` (interval start, ledger; any order, any span) into the periods ending with
/// `day`. Rows after `day` or before its year are ignored.
pub fn periods(
    rows: &[(jiff::Timestamp, IntervalLedger)],
    day: jiff::civil::Date,
    tz: &jiff::tz::TimeZone,
    grid_factor_t_per_mwh: f64,
) -> LedgerPeriods {
    let local = |t: &jiff::Timestamp| tz.to_datetime(*t).date();
    let in_day: Vec<&(jiff::Timestamp, IntervalLedger)> =
        rows.iter().filter(|(t, _)| local(t) == day).collect();
    let pick = |keep: &dyn Fn(jiff::civil::Date) -> bool| {
        summarize(
            rows.iter()
                .filter(|(t, _)| {
                    let d = local(t);
                    d <= day && d.year() == day.year() && keep(d)
                })
                .map(|(_, l)| l),
            grid_factor_t_per_mwh,
        )
    };
    let mut not_green: Vec<IntervalShare> = in_day
        .iter()
        .filter_map(|(t, l)| {
            let load = l.load.0;
            if load <= 0.0 {
                return None;
            }
            let market = (l.delivered.0 + l.green_discharged.0) / load;
            (market < 1.0 - 1e-9).then(|| IntervalShare {
                start: *t,
                share_market: Ratio(market),
                share_location: Ratio(l.delivered_behind_meter.0 / load),
                import: l.import,
            })
        })
        .collect();
    not_green.sort_by_key(|s| s.start);
    LedgerPeriods {
        day: summarize(in_day.iter().map(|(_, l)| l), grid_factor_t_per_mwh),
        month: pick(&|d| d.month() == day.month()),
        year: pick(&|_| true),
        not_green,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const QUARTER: f64 = 0.25;

    fn input(load: f64, btm: f64, contract: f64) -> IntervalInput {
        IntervalInput {
            hours: QUARTER,
            load: Mwh(load),
            gen_behind_meter: Mwh(btm),
            gen_contract: Mwh(contract),
            export_limit: Mw(20.0), // 5 MWh per quarter hour
            grid_charge_request: Mwh(0.0),
        }
    }

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() < 1e-9
    }

    #[test]
    fn a_noon_surplus_never_hides_a_night_deficit() {
        let mut none = StorageState::default();
        let noon = settle(&input(10.0, 0.0, 30.0), &mut none, None);
        let night = settle(&input(10.0, 0.0, 0.0), &mut none, None);
        assert!(close(noon.delivered.0, 10.0));
        assert!(close(noon.exported.0, 5.0));
        assert!(close(noon.curtailed.0, 15.0));
        assert!(close(night.import.0, 10.0));
        let k = summarize([&noon, &night], 0.5857);
        // 30 MWh of green against 20 MWh of load, and still only half green.
        assert!(close(k.green_share_market.0, 0.5), "{k:?}");
        assert!(close(k.co2_market_t, 10.0 * 0.5857));
        assert!(k.max_balance_error < 1e-12);
    }

    #[test]
    fn contract_green_counts_for_market_but_not_location() {
        let mut none = StorageState::default();
        let i = settle(&input(10.0, 2.0, 8.0), &mut none, None);
        let k = summarize([&i], 0.5857);
        assert!(close(k.green_share_market.0, 1.0));
        assert!(close(k.green_share_location.0, 0.2));
        assert!(close(k.co2_market_t, 0.0));
        assert!(close(k.co2_location_t, 8.0 * 0.5857));
    }

    #[test]
    fn storage_moves_green_from_noon_to_night_in_proportion() {
        let spec = StorageSpec {
            power: Mw(40.0),
            capacity: Mwh(100.0),
            efficiency: Ratio(0.9),
        };
        // Half of what it holds is green (charged earlier from the grid in a valley hour).
        let mut s = StorageState {
            energy: Mwh(20.0),
            green: Mwh(10.0),
        };
        let noon = settle(&input(10.0, 0.0, 20.0), &mut s, Some(&spec));
        // 10 MWh surplus, power limit 10 MWh per quarter: all charged, 9 MWh stored.
        assert!(close(noon.charged.0, 10.0));
        assert!(close(s.energy.0, 29.0) && close(s.green.0, 19.0));
        let night = settle(&input(10.0, 0.0, 0.0), &mut s, Some(&spec));
        assert!(close(night.discharged.0, 10.0));
        assert!(close(night.green_discharged.0, 10.0 * 19.0 / 29.0));
        assert!(close(night.import.0, 10.0 - 10.0 * 19.0 / 29.0));
        let k = summarize([&noon, &night], 0.5857);
        assert!(k.green_share_market.0 < 1.0);
        assert!(k.max_balance_error < 1e-12);
    }

    #[test]
    fn grid_charging_fills_only_the_room_left_and_is_not_green() {
        let spec = StorageSpec {
            power: Mw(40.0),
            capacity: Mwh(10.0),
            efficiency: Ratio(1.0),
        };
        let mut s = StorageState::default();
        let mut i = input(10.0, 0.0, 12.0);
        i.grid_charge_request = Mwh(100.0);
        let l = settle(&i, &mut s, Some(&spec));
        assert!(close(l.charged.0, 2.0));
        assert!(close(l.grid_charged.0, 8.0));
        assert!(close(s.energy.0, 10.0) && close(s.green.0, 2.0));
        assert!(close(s.green_fraction(), 0.2));
    }

    #[test]
    fn nothing_is_negative_even_for_bad_input() {
        let mut s = StorageState::default();
        let l = settle(&input(-5.0, -1.0, 3.0), &mut s, None);
        assert_eq!(l.load, Mwh(0.0));
        assert!(l.import.0 >= 0.0 && l.exported.0 >= 0.0 && l.curtailed.0 >= 0.0);
        assert!(summarize([], 0.5857).green_share_market.0 == 0.0);
    }

    #[test]
    fn periods_split_by_park_days_and_list_what_was_not_green() {
        let tz = jiff::tz::TimeZone::get("Asia/Shanghai").expect("tz");
        let at = |s: &str| s.parse::<jiff::Timestamp>().expect("ts");
        let mut none = StorageState::default();
        let rows = vec![
            // 23:45 on 31 March in Shanghai (15:45 UTC): the day before.
            (
                at("2026-03-31T15:45:00Z"),
                settle(&input(10.0, 0.0, 10.0), &mut none, None),
            ),
            // 00:00 on 1 April: 4 of 10 MWh green, 6 imported.
            (
                at("2026-03-31T16:00:00Z"),
                settle(&input(10.0, 0.0, 4.0), &mut none, None),
            ),
            (
                at("2026-04-01T04:00:00Z"),
                settle(&input(10.0, 0.0, 10.0), &mut none, None),
            ),
            // The next day: ignored.
            (
                at("2026-04-01T16:30:00Z"),
                settle(&input(10.0, 0.0, 0.0), &mut none, None),
            ),
        ];
        let day = jiff::civil::date(2026, 4, 1);
        let p = periods(&rows, day, &tz, 0.5);
        assert_eq!(p.day.intervals, 2);
        assert!(close(p.day.green_share_market.0, 0.7));
        assert_eq!(p.month.intervals, 2);
        assert_eq!(p.year.intervals, 3);
        assert!(close(p.year.green_share_market.0, 0.8));
        assert!(
            close(p.year.co2_market_t, 3.0),
            "6 MWh imported at 0.5 t/MWh"
        );
        assert_eq!(p.not_green.len(), 1);
        assert_eq!(p.not_green[0].start, at("2026-03-31T16:00:00Z"));
        assert!(close(p.not_green[0].share_market.0, 0.4));
        assert!(close(p.not_green[0].import.0, 6.0));
    }
}
