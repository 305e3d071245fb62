//! The scheduler's inputs from the park and the twin: every operating centre as a site (its
//! capacity headroom, PUE, free accelerators and latency to each region at the start) and every
//! slot of the horizon (own green generation as forecast at the start, the park's load without
//! the jobs, the time-of-use price). `actual` gives the same slots as they happen, to judge plans.

use jiff::Timestamp;
use suangu_core::capacity::capacity;
use suangu_core::jobs::Job;
use suangu_core::scenario::Status;
use suangu_core::schedule::{FLAT_CNY_PER_MWH, Problem, Site, SlotSupply, tou_price};
use suangu_sim::Twin;

pub const SLOT_S: i64 = 900;

/// The problem of placing `jobs` over `slots` 15-minute slots from `start`.
pub fn problem(twin: &Twin, start: Timestamp, slots: usize, jobs: Vec<Job>) -> Problem {
    let park = twin.park();
    let s = park.scenario();
    let now = twin.sample(start);
    let (trips, cooling) = twin.outages(start);
    let trips: Vec<&str> = trips.iter().map(String::as_str).collect();
    let cooling: Vec<&str> = cooling.iter().map(String::as_str).collect();
    let utilisation: Vec<f64> = now.centres.iter().map(|c| c.utilisation).collect();
    let cap = capacity(park, &now.power.centres, &utilisation, &trips, &cooling);
    let sites = s
        .centres
        .iter()
        .zip(&cap.centres)
        .zip(&now.power.centres)
        .filter(|((c, _), _)| c.status == Status::Operating)
        .map(|((c, headroom), p)| {
            let access = s
                .zones
                .iter()
                .find(|z| z.id == c.zone)
                .map_or(0.0, |z| z.access_latency_ms.value.0);
            Site {
                id: c.id.to_string(),
                headroom_mw: headroom.headroom.0,
                pue: if p.it.0 > 0.0 {
                    p.facility.0 / p.it.0
                } else {
                    c.design_pue.value.0
                },
                accelerators: headroom
                    .accelerators
                    .iter()
                    .map(|(class, n, used)| (class.clone(), (f64::from(*n) - used).max(0.0) as u32))
                    .collect(),
                latency_ms: s
                    .network
                    .regions
                    .iter()
                    .map(|r| (r.id.to_string(), r.latency_ms.value.0 + access))
                    .collect(),
            }
        })
        .collect();
    Problem {
        start,
        slot_s: SLOT_S,
        supply: supply(twin, start, slots, Some(start)),
        sites,
        jobs,
        grid_factor_t_per_mwh: s.green.grid_factor_t_per_mwh.value,
    }
}

/// The slots as they happen (green as generated), to judge a plan made on the forecast.
pub fn actual(twin: &Twin, start: Timestamp, slots: usize) -> Vec<SlotSupply> {
    supply(twin, start, slots, None)
}

fn supply(
    twin: &Twin,
    start: Timestamp,
    slots: usize,
    issued: Option<Timestamp>,
) -> Vec<SlotSupply> {
    let tz = jiff::tz::TimeZone::get(&twin.park().scenario().park.time_zone)
        .unwrap_or(jiff::tz::TimeZone::UTC);
    (0..slots)
        .map(|k| {
            let t = Timestamp::from_second(start.as_second() + k as i64 * SLOT_S).unwrap_or(start);
            let sample = twin.sample(t);
            let (green, btm) = match issued {
                Some(issued) => {
                    let (g, b) = twin.green_forecast(issued, t);
                    (g.0, b.0)
                }
                None => (
                    (sample.power.gen_behind_meter + sample.power.gen_contract).0,
                    sample.power.gen_behind_meter.0,
                ),
            };
            let (price, period) = tou_price(FLAT_CNY_PER_MWH, tz.to_datetime(t).hour() as u8);
            SlotSupply {
                green_mw: green,
                green_behind_meter_mw: btm,
                base_load_mw: sample.power.facility().0,
                price_cny_per_mwh: price,
                period,
            }
        })
        .collect()
}
