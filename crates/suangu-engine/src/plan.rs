//! The scheduler's inputs from the park and the twin: every operating centre as a site (its
//! capacity headroom, PUE, free accelerators and latency to each region at the start) and every
//! slot of the horizon (own green generation as forecast at the start, the park's load without
//! the jobs, the time-of-use price). `actual` gives the same slots as they happen, to judge plans.

use jiff::Timestamp;
use suangu_core::capacity::capacity;
use suangu_core::jobs::Job;
use suangu_core::scenario::Status;
use suangu_core::schedule::{
    FLAT_CNY_PER_MWH, Metrics, Placement, Plan, Problem, Site, SlotSupply, Strategy, Unplaced,
    evaluate, plan_around, tou_price,
};
use suangu_sim::Twin;

pub const SLOT_S: i64 = 900;

/// Jobs the twin generates for the live plan's 48 h window, and the window in slots.
pub const LIVE_JOBS: usize = 240;
pub const HORIZON_SLOTS: usize = 192;

/// The live plan's problem at `now`: the twin's job stream for the next 48 h from the slot
/// holding `now`, on the twin's forecast and the centres as they are.
pub fn live_problem(twin: &Twin, now: Timestamp) -> Problem {
    let start = Timestamp::from_second(now.as_second().div_euclid(SLOT_S) * SLOT_S).unwrap_or(now);
    let jobs = suangu_sim::generate_jobs(twin, start, 48, LIVE_JOBS);
    problem(twin, start, HORIZON_SLOTS, jobs)
}

/// The live plan at `now`, placed greenest first.
pub fn live_plan(twin: &Twin, now: Timestamp) -> (Problem, Plan) {
    let p = live_problem(twin, now);
    let out = suangu_core::schedule::plan(&p, Strategy::Green);
    (p, out)
}

/// A plan beside both baselines, each judged on the forecast it was made with.
#[derive(Debug, Clone, PartialEq)]
pub struct Outcome {
    pub jobs: usize,
    pub ours: Metrics,
    pub fcfs: Metrics,
    pub greedy: Metrics,
}

/// Plan `p` three ways (no twin needed: the caller may run it off the twin's lock).
pub fn outcome(p: &Problem) -> Outcome {
    let judge = |strategy| evaluate(p, &suangu_core::schedule::plan(p, strategy), &p.supply);
    Outcome {
        jobs: p.jobs.len(),
        ours: judge(Strategy::Green),
        fcfs: judge(Strategy::FirstComeFirstServed),
        greedy: judge(Strategy::Greedy),
    }
}

/// The problem of placing `jobs` over `slots` 15-minute slots from `start`.
pub fn problem(twin: &Twin, start: Timestamp, slots: usize, jobs: Vec<Job>) -> Problem {
    problem_at(twin, start, start, slots, jobs)
}

/// The same, with the centres as they are at `state_at` (e.g. just after a trip inside the
/// first slot).
pub fn problem_at(
    twin: &Twin,
    start: Timestamp,
    state_at: Timestamp,
    slots: usize,
    jobs: Vec<Job>,
) -> Problem {
    let park = twin.park();
    let s = park.scenario();
    let now = twin.sample(state_at);
    let (trips, cooling) = twin.outages(state_at);
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

/// Run a scheduler the way a park would: every `every_h` hours, plan the jobs not yet started
/// over the next 48 h on the twin's forecast at that moment, keep what has started, and start
/// what falls before the next re-plan. Judged at the end against what the twin generated.
pub fn rolling(
    twin: &Twin,
    start: Timestamp,
    days: i64,
    every_h: i64,
    jobs: &[Job],
    strategy: Strategy,
) -> Metrics {
    let step_s = every_h * 3600;
    let steps = days * 24 / every_h;
    let mut committed: Vec<Placement> = Vec::new();
    let mut pending: Vec<Job> = jobs.to_vec();
    let mut missed: Vec<String> = Vec::new();
    for k in 0..steps {
        let now = Timestamp::from_second(start.as_second() + k * step_s).unwrap_or(start);
        let next = now.as_second() + step_s;
        // Work whose deadline can no longer be met is missed; the rest waits from now on.
        let (open, late): (Vec<Job>, Vec<Job>) = pending
            .drain(..)
            .map(|mut j| {
                if j.earliest < now {
                    j.earliest = now;
                }
                j
            })
            .partition(|j| j.deadline.as_second() - j.earliest.as_second() >= j.duration_s);
        missed.extend(late.into_iter().map(|j| j.id));
        let visible: Vec<Job> = open
            .iter()
            .filter(|j| j.earliest.as_second() < now.as_second() + 48 * 3600)
            .cloned()
            .collect();
        let running: Vec<Placement> = committed.iter().filter(|p| p.end > now).cloned().collect();
        let mut all = visible.clone();
        all.extend(
            running
                .iter()
                .filter_map(|p| jobs.iter().find(|j| j.id == p.job).cloned()),
        );
        let p = problem(twin, now, 192, all);
        let out = plan_around(&p, strategy, &running, &visible);
        let starting: Vec<&Placement> = out
            .placements
            .iter()
            .filter(|x| x.start.as_second() < next)
            .collect();
        committed.extend(starting.iter().map(|x| (*x).clone()));
        pending = open
            .into_iter()
            .filter(|j| !starting.iter().any(|x| x.job == j.id))
            .collect();
    }
    missed.extend(pending.into_iter().map(|j| j.id));
    let slots = usize::try_from(days * 96 + 192).unwrap_or(0);
    let whole = Problem {
        start,
        slot_s: SLOT_S,
        supply: Vec::new(),
        sites: problem(twin, start, 1, Vec::new()).sites,
        jobs: jobs.to_vec(),
        grid_factor_t_per_mwh: twin.park().scenario().green.grid_factor_t_per_mwh.value,
    };
    let plan = Plan {
        placements: committed,
        unplaced: missed
            .into_iter()
            .map(|id| (id, Unplaced::NoCapacity))
            .collect(),
    };
    evaluate(&whole, &plan, &actual(twin, start, slots))
}
