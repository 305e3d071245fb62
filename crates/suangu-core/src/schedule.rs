//! The green- and latency-aware scheduler: places jobs on centres and 15-minute slots over a
//! horizon so they use the park's own green power (as forecast) that the rest of the park leaves,
//! then the cheapest time-of-use hours, within every centre's headroom and free accelerators and
//! each job's latency promise. Two baselines in the same code: first-come-first-served (earliest
//! start, first centre that fits) and a greedy "run when green" (arrival order, the greenest
//! start). Pure and deterministic: the forecast, the sites and the jobs are passed in.

use crate::jobs::Job;
use crate::tariff::{Period, gansu_period};
use jiff::Timestamp;

/// One slot of the horizon, as forecast (for planning) or as it happened (for evaluation).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SlotSupply {
    /// Own green generation (wind + PV), MW.
    pub green_mw: f64,
    /// Of which behind the meter (counts for location-based accounting).
    pub green_behind_meter_mw: f64,
    /// The park's facility load without the scheduled jobs, MW.
    pub base_load_mw: f64,
    /// Energy price in the slot, CNY/MWh (time of use).
    pub price_cny_per_mwh: f64,
    /// Tariff period of the slot.
    pub period: Period,
}

/// A centre jobs can run on.
#[derive(Debug, Clone, PartialEq)]
pub struct Site {
    pub id: String,
    /// IT load it can add (its capacity headroom), MW.
    pub headroom_mw: f64,
    pub pue: f64,
    /// Free accelerators by class.
    pub accelerators: Vec<(String, u32)>,
    /// One-way latency to each region, ms.
    pub latency_ms: Vec<(String, f64)>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Problem {
    pub start: Timestamp,
    pub slot_s: i64,
    pub supply: Vec<SlotSupply>,
    pub sites: Vec<Site>,
    pub jobs: Vec<Job>,
    /// Regional grid factor, t CO2 per MWh.
    pub grid_factor_t_per_mwh: f64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Strategy {
    /// Ours: least flexible jobs first, each at the greenest, then cheapest, then earliest start.
    Green,
    /// Arrival order, earliest start, first centre that fits.
    FirstComeFirstServed,
    /// Arrival order, the greenest start (ties: earliest); prices ignored.
    Greedy,
}

/// Why a job is where it is, in numbers (the hosts put it in words).
#[derive(Debug, Clone, PartialEq)]
pub struct Reason {
    /// How long after its earliest start it starts.
    pub deferred_s: i64,
    /// Share of its energy planned on green power (forecast).
    pub green_fraction: f64,
    /// Tariff period at its start.
    pub period: Period,
    /// Its latency promise and what the centre gives.
    pub ring_ms: Option<f64>,
    pub latency_ms: Option<f64>,
    /// Time left between its end and its deadline.
    pub slack_s: i64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Placement {
    pub job: String,
    pub site: String,
    pub start: Timestamp,
    pub end: Timestamp,
    pub reason: Reason,
}

/// Why a job found no place.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unplaced {
    /// No centre keeps its latency promise or has its accelerator class.
    NoSite,
    /// Its window lies (partly) beyond the horizon; it is planned in a later run.
    BeyondHorizon,
    /// No centre has the room in its window.
    NoCapacity,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Plan {
    pub placements: Vec<Placement>,
    pub unplaced: Vec<(String, Unplaced)>,
}

/// What a plan achieves against a supply (the actual one, to judge it fairly).
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Metrics {
    pub job_energy_mwh: f64,
    pub green_energy_mwh: f64,
    pub green_share_market: f64,
    pub green_share_location: f64,
    pub cost_cny: f64,
    pub missed_deadlines: usize,
    pub co2_market_t: f64,
    pub co2_location_t: f64,
}

impl Problem {
    fn slots_of(&self, seconds: i64) -> i64 {
        seconds.div_euclid(self.slot_s)
    }

    fn latency(site: &Site, origin: Option<&str>) -> Option<f64> {
        origin.and_then(|o| {
            site.latency_ms
                .iter()
                .find(|(r, _)| r == o)
                .map(|(_, ms)| *ms)
        })
    }

    fn fits_site(site: &Site, job: &Job) -> bool {
        let ring = match (job.ring_ms, job.origin.as_deref()) {
            (Some(ring), Some(origin)) => {
                Self::latency(site, Some(origin)).is_some_and(|ms| ms <= ring)
            }
            _ => true,
        };
        let accelerators = job.accelerators.as_ref().is_none_or(|(class, n)| {
            site.accelerators
                .iter()
                .any(|(c, free)| c == class && free >= n)
        });
        ring && accelerators && job.demand_kw / 1000.0 <= site.headroom_mw + 1e-9
    }
}

/// Plan `problem` with `strategy`.
pub fn plan(problem: &Problem, strategy: Strategy) -> Plan {
    plan_around(problem, strategy, &[], &problem.jobs)
}

/// Plan `jobs` in `problem` around `reserved` placements (of `problem.jobs`), which keep their
/// room, accelerators and green power.
fn plan_around(
    problem: &Problem,
    strategy: Strategy,
    reserved: &[Placement],
    jobs: &[Job],
) -> Plan {
    let n = problem.supply.len();
    let hours = problem.slot_s as f64 / 3600.0;
    // Residual room per site and slot (IT MW), free accelerators per site, class and slot, and
    // green left for jobs per slot (facility MW).
    let mut room: Vec<Vec<f64>> = problem
        .sites
        .iter()
        .map(|s| vec![s.headroom_mw; n])
        .collect();
    let mut free: Vec<Vec<(String, Vec<u32>)>> = problem
        .sites
        .iter()
        .map(|s| {
            s.accelerators
                .iter()
                .map(|(c, k)| (c.clone(), vec![*k; n]))
                .collect()
        })
        .collect();
    let mut green: Vec<f64> = problem
        .supply
        .iter()
        .map(|s| (s.green_mw - s.base_load_mw).max(0.0))
        .collect();

    for r in reserved {
        let (Some(job), Some(s)) = (
            problem.jobs.iter().find(|j| j.id == r.job),
            problem.sites.iter().position(|x| x.id == r.site),
        ) else {
            continue;
        };
        let from = problem
            .slots_of(r.start.as_second() - problem.start.as_second())
            .max(0) as usize;
        let to = (problem
            .slots_of(r.end.as_second() - problem.start.as_second())
            .max(0) as usize)
            .min(n);
        let it_mw = job.demand_kw / 1000.0;
        for t in from..to {
            room[s][t] -= it_mw;
            green[t] = (green[t] - it_mw * problem.sites[s].pue).max(0.0);
            if let Some((c, k)) = &job.accelerators
                && let Some(i) = free[s].iter().position(|(fc, _)| fc == c)
            {
                free[s][i].1[t] = free[s][i].1[t].saturating_sub(*k);
            }
        }
    }

    let mut order: Vec<usize> = (0..jobs.len()).collect();
    let slack = |j: &Job| j.deadline.as_second() - j.earliest.as_second() - j.duration_s;
    match strategy {
        Strategy::Green => order.sort_by(|a, b| {
            let (ja, jb) = (&jobs[*a], &jobs[*b]);
            slack(ja)
                .cmp(&slack(jb))
                .then(jb.demand_kw.total_cmp(&ja.demand_kw))
                .then(ja.id.cmp(&jb.id))
        }),
        Strategy::FirstComeFirstServed | Strategy::Greedy => order.sort_by(|a, b| {
            let (ja, jb) = (&jobs[*a], &jobs[*b]);
            ja.earliest.cmp(&jb.earliest).then(ja.id.cmp(&jb.id))
        }),
    }

    let mut placements = Vec::new();
    let mut unplaced = Vec::new();
    let origin = problem.start.as_second();
    for j in order {
        let job = &jobs[j];
        let dur = usize::try_from((job.duration_s + problem.slot_s - 1) / problem.slot_s)
            .unwrap_or(usize::MAX)
            .max(1);
        let first = problem
            .slots_of(job.earliest.as_second() - origin + problem.slot_s - 1)
            .max(0);
        let last_end = problem.slots_of(job.deadline.as_second() - origin);
        let sites: Vec<usize> = (0..problem.sites.len())
            .filter(|s| Problem::fits_site(&problem.sites[*s], job))
            .collect();
        if sites.is_empty() {
            unplaced.push((job.id.clone(), Unplaced::NoSite));
            continue;
        }
        let last_start = (last_end - dur as i64).min(n as i64 - dur as i64);
        if last_start < first {
            let why = if last_end > n as i64 {
                Unplaced::BeyondHorizon
            } else {
                Unplaced::NoCapacity
            };
            unplaced.push((job.id.clone(), why));
            continue;
        }
        let it_mw = job.demand_kw / 1000.0;
        // (green MWh, cost CNY, start, site)
        let mut best: Option<(f64, f64, usize, usize)> = None;
        for &s in &sites {
            let facility = it_mw * problem.sites[s].pue;
            let class = job
                .accelerators
                .as_ref()
                .and_then(|(c, k)| free[s].iter().position(|(fc, _)| fc == c).map(|i| (i, *k)));
            for start in first as usize..=last_start as usize {
                let window = start..start + dur;
                if window.clone().any(|t| room[s][t] + 1e-9 < it_mw) {
                    continue;
                }
                if let Some((i, k)) = class
                    && window.clone().any(|t| free[s][i].1[t] < k)
                {
                    continue;
                }
                let g: f64 = window.clone().map(|t| facility.min(green[t]) * hours).sum();
                let cost: f64 = window
                    .map(|t| facility * hours * problem.supply[t].price_cny_per_mwh)
                    .sum();
                let better = match (strategy, best) {
                    (_, None) => true,
                    (Strategy::FirstComeFirstServed, Some(_)) => false,
                    (Strategy::Greedy, Some((bg, _, _, _))) => g > bg + 1e-9,
                    (Strategy::Green, Some((bg, bc, _, _))) => {
                        g > bg + 1e-9 || ((g - bg).abs() <= 1e-9 && cost < bc - 1e-9)
                    }
                };
                if better {
                    best = Some((g, cost, start, s));
                }
                if strategy == Strategy::FirstComeFirstServed && best.is_some() {
                    break;
                }
            }
            if strategy == Strategy::FirstComeFirstServed && best.is_some() {
                break;
            }
        }
        let Some((g, _, start, s)) = best else {
            unplaced.push((job.id.clone(), Unplaced::NoCapacity));
            continue;
        };
        let facility = it_mw * problem.sites[s].pue;
        for t in start..start + dur {
            room[s][t] -= it_mw;
            green[t] = (green[t] - facility).max(0.0);
            if let Some((c, k)) = &job.accelerators
                && let Some(i) = free[s].iter().position(|(fc, _)| fc == c)
            {
                free[s][i].1[t] -= k;
            }
        }
        let at = |slot: usize| {
            Timestamp::from_second(origin + slot as i64 * problem.slot_s).unwrap_or(problem.start)
        };
        let (begin, end) = (at(start), at(start + dur));
        let energy = facility * hours * dur as f64;
        placements.push(Placement {
            job: job.id.clone(),
            site: problem.sites[s].id.clone(),
            start: begin,
            end,
            reason: Reason {
                deferred_s: (begin.as_second() - job.earliest.as_second()).max(0),
                green_fraction: if energy > 0.0 { g / energy } else { 0.0 },
                period: problem.supply[start].period,
                ring_ms: job.ring_ms,
                latency_ms: Problem::latency(&problem.sites[s], job.origin.as_deref()),
                slack_s: job.deadline.as_second() - end.as_second(),
            },
        });
    }
    placements.sort_by(|a, b| a.start.cmp(&b.start).then(a.job.cmp(&b.job)));
    Plan {
        placements,
        unplaced,
    }
}

/// What happens to one job when capacity is lost.
#[derive(Debug, Clone, PartialEq)]
pub struct Evacuation {
    pub job: String,
    pub from: String,
    pub action: Move,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Move {
    /// Re-placed on another centre (or later on the same one) within its deadline.
    To { site: String, start: Timestamp },
    /// Preemptible: paused, to be planned again when capacity returns.
    Paused,
    /// Not preemptible and no room left before its deadline.
    Lost,
}

/// The evacuation plan at `at` when the sites' headroom drops to what `after` says (a trip):
/// jobs of `plan` running or due on a site that can no longer hold them (those that are not
/// preemptible keep their place first) move to the capacity left, pause (preemptible) or are
/// lost. Jobs that still fit stay where they are.
pub fn evacuate(after: &Problem, plan: &Plan, at: Timestamp) -> Vec<Evacuation> {
    let n = after.supply.len();
    let mut kept: Vec<Placement> = Vec::new();
    let mut evicted: Vec<&Placement> = Vec::new();
    let job_of = |id: &str| after.jobs.iter().find(|j| j.id == id);
    for site in &after.sites {
        let mut load = vec![0.0; n];
        let mut here: Vec<&Placement> = plan
            .placements
            .iter()
            .filter(|p| p.site == site.id && p.end > at)
            .collect();
        // Work that cannot pause keeps its place first, then the earliest.
        here.sort_by_key(|p| (job_of(&p.job).is_some_and(|j| j.preemptible), p.start));
        for p in here {
            let Some(job) = job_of(&p.job) else { continue };
            let from = after
                .slots_of(p.start.as_second() - after.start.as_second())
                .max(0) as usize;
            let to = (after
                .slots_of(p.end.as_second() - after.start.as_second())
                .max(0) as usize)
                .min(n);
            let it_mw = job.demand_kw / 1000.0;
            if (from..to).all(|t| load[t] + it_mw <= site.headroom_mw + 1e-9) {
                for slot in &mut load[from..to] {
                    *slot += it_mw;
                }
                kept.push(p.clone());
            } else {
                evicted.push(p);
            }
        }
    }
    // Placements on sites that no longer exist in `after` are evicted too.
    for p in &plan.placements {
        if p.end > at && !after.sites.iter().any(|s| s.id == p.site) {
            evicted.push(p);
        }
    }
    kept.extend(plan.placements.iter().filter(|p| p.end <= at).cloned());
    // What remains of each evicted job, from `at` on.
    let remaining: Vec<Job> = evicted
        .iter()
        .filter_map(|p| {
            let job = job_of(&p.job)?;
            let done = (at.as_second() - p.start.as_second()).clamp(0, job.duration_s);
            let mut rest = job.clone();
            rest.duration_s = job.duration_s - done;
            rest.earliest = rest.earliest.max(at);
            Some(rest)
        })
        .collect();
    let moved = plan_around(after, Strategy::Green, &kept, &remaining);
    let mut out: Vec<Evacuation> = evicted
        .iter()
        .map(|p| {
            let action = match moved.placements.iter().find(|m| m.job == p.job) {
                Some(m) => Move::To {
                    site: m.site.clone(),
                    start: m.start,
                },
                None if job_of(&p.job).is_some_and(|j| j.preemptible) => Move::Paused,
                None => Move::Lost,
            };
            Evacuation {
                job: p.job.clone(),
                from: p.site.clone(),
                action,
            }
        })
        .collect();
    out.sort_by(|a, b| a.job.cmp(&b.job));
    out
}

/// Judge `plan` against `supply` (what actually happened): the green power the rest of the park
/// left is shared by the running jobs; the rest of their energy comes from the grid.
pub fn evaluate(problem: &Problem, plan: &Plan, supply: &[SlotSupply]) -> Metrics {
    let n = supply.len();
    let hours = problem.slot_s as f64 / 3600.0;
    let mut load = vec![0.0; n];
    let mut cost = 0.0;
    for p in &plan.placements {
        let Some(job) = problem.jobs.iter().find(|j| j.id == p.job) else {
            continue;
        };
        let pue = problem
            .sites
            .iter()
            .find(|s| s.id == p.site)
            .map_or(1.0, |s| s.pue);
        let facility = job.demand_kw / 1000.0 * pue;
        let from = (p.start.as_second() - problem.start.as_second()).div_euclid(problem.slot_s);
        let to = (p.end.as_second() - problem.start.as_second()).div_euclid(problem.slot_s);
        for t in from.max(0)..to.min(n as i64) {
            let t = t as usize;
            load[t] += facility;
            cost += facility * hours * supply[t].price_cny_per_mwh;
        }
    }
    let mut m = Metrics {
        cost_cny: cost,
        ..Metrics::default()
    };
    let mut green_location = 0.0;
    for (t, s) in supply.iter().enumerate() {
        let left = (s.green_mw - s.base_load_mw).max(0.0);
        let used = load[t].min(left);
        m.job_energy_mwh += load[t] * hours;
        m.green_energy_mwh += used * hours;
        if s.green_mw > 0.0 {
            green_location += used * (s.green_behind_meter_mw / s.green_mw) * hours;
        }
    }
    let missed = plan
        .unplaced
        .iter()
        .filter(|(_, why)| *why != Unplaced::BeyondHorizon);
    m.missed_deadlines = missed.count();
    if m.job_energy_mwh > 0.0 {
        m.green_share_market = m.green_energy_mwh / m.job_energy_mwh;
        m.green_share_location = green_location / m.job_energy_mwh;
    }
    m.co2_market_t = (m.job_energy_mwh - m.green_energy_mwh) * problem.grid_factor_t_per_mwh;
    m.co2_location_t = (m.job_energy_mwh - green_location) * problem.grid_factor_t_per_mwh;
    m
}

/// The Gansu time-of-use price at local hour `hour`, from a flat price: peak +50 %, valley -50 %.
pub fn tou_price(flat_cny_per_mwh: f64, local_hour: u8) -> (f64, Period) {
    let period = gansu_period(local_hour);
    let factor = match period {
        Period::Peak => 1.5,
        Period::Flat => 1.0,
        Period::Valley => 0.5,
    };
    (flat_cny_per_mwh * factor, period)
}

/// Flat industrial energy price in Gansu, CNY/MWh. Origin: assumption (large industrial users
/// pay about 0.4-0.5 CNY/kWh in north-west China).
pub const FLAT_CNY_PER_MWH: f64 = 450.0;
