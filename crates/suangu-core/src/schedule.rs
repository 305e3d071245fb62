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

/// Where a job runs: centre index, first slot, slots.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Spot {
    site: usize,
    start: usize,
    dur: usize,
}

/// What is left while planning: room (IT MW) and free accelerators per centre and slot, and the
/// jobs' facility load per slot against the green power the rest of the park leaves.
#[derive(Clone)]
struct State<'a> {
    p: &'a Problem,
    hours: f64,
    room: Vec<Vec<f64>>,
    free: Vec<Vec<(String, Vec<u32>)>>,
    load: Vec<f64>,
    left: Vec<f64>,
}

impl<'a> State<'a> {
    fn new(p: &'a Problem) -> Self {
        let n = p.supply.len();
        Self {
            p,
            hours: p.slot_s as f64 / 3600.0,
            room: p.sites.iter().map(|s| vec![s.headroom_mw; n]).collect(),
            free: p
                .sites
                .iter()
                .map(|s| {
                    s.accelerators
                        .iter()
                        .map(|(c, k)| (c.clone(), vec![*k; n]))
                        .collect()
                })
                .collect(),
            load: vec![0.0; n],
            left: p
                .supply
                .iter()
                .map(|s| (s.green_mw - s.base_load_mw).max(0.0))
                .collect(),
        }
    }

    fn class(&self, job: &Job, site: usize) -> Option<(usize, u32)> {
        job.accelerators.as_ref().and_then(|(c, k)| {
            self.free[site]
                .iter()
                .position(|(fc, _)| fc == c)
                .map(|i| (i, *k))
        })
    }

    fn facility(&self, job: &Job, site: usize) -> f64 {
        job.demand_kw / 1000.0 * self.p.sites[site].pue
    }

    fn fits(&self, job: &Job, at: Spot) -> bool {
        let it = job.demand_kw / 1000.0;
        let window = at.start..at.start + at.dur;
        if window.clone().any(|t| self.room[at.site][t] + 1e-9 < it) {
            return false;
        }
        match self.class(job, at.site) {
            Some((i, k)) => window.clone().all(|t| self.free[at.site][i].1[t] >= k),
            None => job.accelerators.is_none(),
        }
    }

    /// Add (`on`) or take away a job at a spot.
    fn apply(&mut self, job: &Job, at: Spot, on: bool) {
        let it = job.demand_kw / 1000.0;
        let facility = self.facility(job, at.site);
        let class = self.class(job, at.site);
        for t in at.start..at.start + at.dur {
            if on {
                self.room[at.site][t] -= it;
                self.load[t] += facility;
            } else {
                self.room[at.site][t] += it;
                self.load[t] -= facility;
            }
            if let Some((i, k)) = class {
                let f = &mut self.free[at.site][i].1[t];
                *f = if on { f.saturating_sub(k) } else { *f + k };
            }
        }
    }

    /// Green energy the job would use there (MWh), and its energy cost (CNY).
    fn value(&self, job: &Job, at: Spot) -> (f64, f64) {
        let facility = self.facility(job, at.site);
        let mut green = 0.0;
        let mut cost = 0.0;
        for t in at.start..at.start + at.dur {
            green += facility.min((self.left[t] - self.load[t]).max(0.0)) * self.hours;
            cost += facility * self.hours * self.p.supply[t].price_cny_per_mwh;
        }
        (green, cost)
    }

    /// Green energy all placed jobs use (MWh).
    fn green(&self) -> f64 {
        self.load
            .iter()
            .zip(&self.left)
            .map(|(l, g)| l.min(*g) * self.hours)
            .sum()
    }
}

/// Where every job went (or why not).
type Spots = Vec<Result<Spot, Unplaced>>;

/// A candidate plan: the state it leaves, its spots, and (placed, green MWh, cost CNY).
type Candidate<'a> = (State<'a>, Spots, (usize, f64, f64));

/// A job's slots and the starts its window allows, or why it has none.
fn window(p: &Problem, job: &Job) -> Result<(usize, usize, usize), Unplaced> {
    let n = p.supply.len() as i64;
    let dur = ((job.duration_s + p.slot_s - 1) / p.slot_s).max(1);
    let origin = p.start.as_second();
    let first = (job.earliest.as_second() - origin + p.slot_s - 1)
        .div_euclid(p.slot_s)
        .max(0);
    let last_end = (job.deadline.as_second() - origin).div_euclid(p.slot_s);
    let last_start = (last_end - dur).min(n - dur);
    if last_start < first {
        return Err(if last_end > n {
            Unplaced::BeyondHorizon
        } else {
            Unplaced::NoCapacity
        });
    }
    Ok((first as usize, last_start as usize, dur as usize))
}

/// The best spot for `job` in `state` by `strategy`, if any.
fn best_spot(
    state: &State,
    job: &Job,
    sites: &[usize],
    strategy: Strategy,
) -> Option<(Spot, f64, f64)> {
    let (first, last, dur) = window(state.p, job).ok()?;
    let mut best: Option<(Spot, f64, f64)> = None;
    for &site in sites {
        for start in first..=last {
            let at = Spot { site, start, dur };
            if !state.fits(job, at) {
                continue;
            }
            if strategy == Strategy::FirstComeFirstServed {
                return Some((at, 0.0, 0.0));
            }
            let (g, c) = state.value(job, at);
            let better = match best {
                None => true,
                Some((_, bg, bc)) => match strategy {
                    Strategy::Greedy => g > bg + 1e-9,
                    _ => g > bg + 1e-9 || ((g - bg).abs() <= 1e-9 && c < bc - 1e-9),
                },
            };
            if better {
                best = Some((at, g, c));
            }
        }
    }
    best
}

/// Place `jobs` in `order` into `state`; the spot of each (None: unplaced, with why).
fn greedy(
    state: &mut State,
    jobs: &[Job],
    sites: &[Vec<usize>],
    order: &[usize],
    strategy: Strategy,
) -> Spots {
    let mut spots: Spots = vec![Err(Unplaced::NoCapacity); jobs.len()];
    for &j in order {
        let job = &jobs[j];
        spots[j] = if sites[j].is_empty() {
            Err(Unplaced::NoSite)
        } else if let Err(why) = window(state.p, job) {
            Err(why)
        } else {
            match best_spot(state, job, &sites[j], strategy) {
                Some((at, _, _)) => {
                    state.apply(job, at, true);
                    Ok(at)
                }
                None => Err(Unplaced::NoCapacity),
            }
        };
    }
    spots
}

/// Local search: take each job out and put it back where it does best, and retry the jobs that
/// found no room, until a pass changes nothing (at most a few passes).
fn improve(
    state: &mut State,
    jobs: &[Job],
    sites: &[Vec<usize>],
    spots: &mut [Result<Spot, Unplaced>],
) {
    for _ in 0..6 {
        let mut changed = false;
        for j in 0..jobs.len() {
            let job = &jobs[j];
            match spots[j] {
                Ok(at) => {
                    let (g0, c0) = {
                        state.apply(job, at, false);
                        state.value(job, at)
                    };
                    match best_spot(state, job, &sites[j], Strategy::Green) {
                        Some((better, g, c))
                            if g > g0 + 1e-9 || ((g - g0).abs() <= 1e-9 && c < c0 - 1e-9) =>
                        {
                            state.apply(job, better, true);
                            spots[j] = Ok(better);
                            changed = true;
                        }
                        _ => state.apply(job, at, true),
                    }
                }
                Err(Unplaced::NoCapacity) if !sites[j].is_empty() => {
                    if let Some((at, _, _)) = best_spot(state, job, &sites[j], Strategy::Green) {
                        state.apply(job, at, true);
                        spots[j] = Ok(at);
                        changed = true;
                    }
                }
                Err(_) => {}
            }
        }
        if !changed {
            break;
        }
    }
}

/// Plan `jobs` in `problem` around `reserved` placements (of `problem.jobs`), which keep their
/// room, accelerators and load: a rolling re-plan keeps what has started.
pub fn plan_around(
    problem: &Problem,
    strategy: Strategy,
    reserved: &[Placement],
    jobs: &[Job],
) -> Plan {
    let mut base = State::new(problem);
    for r in reserved {
        let (Some(job), Some(site)) = (
            problem.jobs.iter().find(|j| j.id == r.job),
            problem.sites.iter().position(|x| x.id == r.site),
        ) else {
            continue;
        };
        let n = problem.supply.len();
        let from = problem
            .slots_of(r.start.as_second() - problem.start.as_second())
            .max(0) as usize;
        let to = (problem
            .slots_of(r.end.as_second() - problem.start.as_second())
            .max(0) as usize)
            .min(n);
        if to > from {
            base.apply(
                job,
                Spot {
                    site,
                    start: from,
                    dur: to - from,
                },
                true,
            );
        }
    }
    let sites: Vec<Vec<usize>> = jobs
        .iter()
        .map(|job| {
            (0..problem.sites.len())
                .filter(|s| Problem::fits_site(&problem.sites[*s], job))
                .collect()
        })
        .collect();
    let by = |key: &dyn Fn(&Job, &Job) -> std::cmp::Ordering| {
        let mut order: Vec<usize> = (0..jobs.len()).collect();
        order.sort_by(|a, b| key(&jobs[*a], &jobs[*b]).then(jobs[*a].id.cmp(&jobs[*b].id)));
        order
    };
    let slack = |j: &Job| j.deadline.as_second() - j.earliest.as_second() - j.duration_s;
    let energy = |j: &Job| j.demand_kw * j.duration_s as f64;
    let arrival = by(&|a, b| a.earliest.cmp(&b.earliest));
    let (state, spots) = match strategy {
        Strategy::FirstComeFirstServed | Strategy::Greedy => {
            let mut state = base.clone();
            let spots = greedy(&mut state, jobs, &sites, &arrival, strategy);
            (state, spots)
        }
        Strategy::Green => {
            // Several orders, each improved by local search; the plan that places the most work,
            // then uses the most green energy, then costs least.
            let orders = [
                by(&|a, b| {
                    slack(a)
                        .cmp(&slack(b))
                        .then(b.demand_kw.total_cmp(&a.demand_kw))
                }),
                by(&|a, b| energy(b).total_cmp(&energy(a))),
                by(&|a, b| a.deadline.cmp(&b.deadline)),
                by(&|a, b| b.demand_kw.total_cmp(&a.demand_kw)),
                arrival,
            ];
            let mut best: Option<Candidate> = None;
            for order in orders {
                let mut state = base.clone();
                let mut spots = greedy(&mut state, jobs, &sites, &order, strategy);
                improve(&mut state, jobs, &sites, &mut spots);
                let placed = spots.iter().filter(|s| s.is_ok()).count();
                let cost: f64 = spots
                    .iter()
                    .zip(jobs)
                    .filter_map(|(s, j)| s.as_ref().ok().map(|at| state.value(j, *at).1))
                    .sum();
                let score = (placed, state.green(), cost);
                let better = best.as_ref().is_none_or(|(_, _, b)| {
                    score.0 > b.0
                        || (score.0 == b.0 && score.1 > b.1 + 1e-9)
                        || (score.0 == b.0 && (score.1 - b.1).abs() <= 1e-9 && score.2 < b.2 - 1e-9)
                });
                if better {
                    best = Some((state, spots, score));
                }
            }
            match best {
                Some((state, spots, _)) => (state, spots),
                None => (base.clone(), Vec::new()),
            }
        }
    };

    let origin = problem.start.as_second();
    let at = |slot: usize| {
        Timestamp::from_second(origin + slot as i64 * problem.slot_s).unwrap_or(problem.start)
    };
    let mut placements = Vec::new();
    let mut unplaced = Vec::new();
    for (job, spot) in jobs.iter().zip(&spots) {
        match spot {
            Ok(s) => {
                let facility = state.facility(job, s.site);
                // The job's share of the green power in each of its slots.
                let green: f64 = (s.start..s.start + s.dur)
                    .map(|t| {
                        let l = state.load[t];
                        if l > 0.0 {
                            facility * state.left[t].min(l) / l * state.hours
                        } else {
                            0.0
                        }
                    })
                    .sum();
                let energy = facility * state.hours * s.dur as f64;
                let (begin, end) = (at(s.start), at(s.start + s.dur));
                placements.push(Placement {
                    job: job.id.clone(),
                    site: problem.sites[s.site].id.clone(),
                    start: begin,
                    end,
                    reason: Reason {
                        deferred_s: (begin.as_second() - job.earliest.as_second()).max(0),
                        green_fraction: if energy > 0.0 { green / energy } else { 0.0 },
                        period: problem.supply[s.start].period,
                        ring_ms: job.ring_ms,
                        latency_ms: Problem::latency(&problem.sites[s.site], job.origin.as_deref()),
                        slack_s: job.deadline.as_second() - end.as_second(),
                    },
                });
            }
            Err(why) => unplaced.push((job.id.clone(), *why)),
        }
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
