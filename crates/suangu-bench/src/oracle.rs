//! The oracle: the most green energy any plan can use, as a mixed-integer programme (microlp,
//! branch and bound), for small scheduling instances. One binary per (job, centre, start) that
//! keeps the job's latency promise, accelerator class and window; per slot, the green used is at
//! most the green the rest of the park leaves and at most the jobs' facility load; every centre's
//! headroom and free accelerators hold in every slot. A tiny bonus per placed job breaks ties in
//! favour of placing work.

use microlp::{
    ComparisonOp, OptimizationDirection, Problem as Milp, SolutionStatus, SolveOutcome, Variable,
};
use std::time::{Duration, Instant};
use suangu_core::schedule::Problem;

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Oracle {
    pub green_mwh: f64,
    pub placed: usize,
    /// Proven optimal (not stopped by the time limit).
    pub optimal: bool,
    pub took: Duration,
}

pub fn solve(p: &Problem, limit: Duration) -> Result<Oracle, String> {
    let n = p.supply.len();
    let hours = p.slot_s as f64 / 3600.0;
    let mut milp = Milp::new(OptimizationDirection::Maximize);
    milp.set_time_limit(limit);
    // (job, site, start, slots, facility MW, IT MW)
    let mut x: Vec<(usize, usize, usize, usize, f64, f64, Variable)> = Vec::new();
    for (j, job) in p.jobs.iter().enumerate() {
        let dur = usize::try_from((job.duration_s + p.slot_s - 1) / p.slot_s)
            .unwrap_or(1)
            .max(1);
        let origin = p.start.as_second();
        let first =
            ((job.earliest.as_second() - origin + p.slot_s - 1).div_euclid(p.slot_s)).max(0);
        let last_end = (job.deadline.as_second() - origin).div_euclid(p.slot_s);
        let last_start = (last_end - dur as i64).min(n as i64 - dur as i64);
        for (s, site) in p.sites.iter().enumerate() {
            let ring_ok = match (job.ring_ms, job.origin.as_deref()) {
                (Some(ring), Some(o)) => {
                    site.latency_ms.iter().any(|(r, ms)| r == o && *ms <= ring)
                }
                _ => true,
            };
            let accel_ok = job.accelerators.as_ref().is_none_or(|(c, k)| {
                site.accelerators
                    .iter()
                    .any(|(sc, free)| sc == c && free >= k)
            });
            let it = job.demand_kw / 1000.0;
            if !ring_ok || !accel_ok || it > site.headroom_mw + 1e-9 {
                continue;
            }
            for start in first.max(0)..=last_start {
                let v = milp.add_binary_var(1e-3);
                x.push((j, s, start as usize, dur, it * site.pue, it, v));
            }
        }
    }
    // Each job at most once.
    for j in 0..p.jobs.len() {
        let terms: Vec<(Variable, f64)> =
            x.iter().filter(|e| e.0 == j).map(|e| (e.6, 1.0)).collect();
        if !terms.is_empty() {
            milp.add_constraint(terms, ComparisonOp::Le, 1.0);
        }
    }
    let covers =
        |e: &(usize, usize, usize, usize, f64, f64, Variable), u: usize| e.2 <= u && u < e.2 + e.3;
    for u in 0..n {
        for (s, site) in p.sites.iter().enumerate() {
            let terms: Vec<(Variable, f64)> = x
                .iter()
                .filter(|e| e.1 == s && covers(e, u))
                .map(|e| (e.6, e.5))
                .collect();
            if !terms.is_empty() {
                milp.add_constraint(terms, ComparisonOp::Le, site.headroom_mw);
            }
            for (class, free) in &site.accelerators {
                let terms: Vec<(Variable, f64)> = x
                    .iter()
                    .filter(|e| e.1 == s && covers(e, u))
                    .filter_map(|e| {
                        p.jobs[e.0]
                            .accelerators
                            .as_ref()
                            .filter(|(c, _)| c == class)
                            .map(|(_, k)| (e.6, f64::from(*k)))
                    })
                    .collect();
                if !terms.is_empty() {
                    milp.add_constraint(terms, ComparisonOp::Le, f64::from(*free));
                }
            }
        }
        let left = (p.supply[u].green_mw - p.supply[u].base_load_mw).max(0.0);
        let g = milp.add_var(hours, (0.0, left));
        let mut terms: Vec<(Variable, f64)> = vec![(g, 1.0)];
        terms.extend(x.iter().filter(|e| covers(e, u)).map(|e| (e.6, -e.4)));
        milp.add_constraint(terms, ComparisonOp::Le, 0.0);
    }
    let t = Instant::now();
    let outcome = milp.solve().map_err(|e| e.to_string())?;
    let took = t.elapsed();
    let SolveOutcome::Solution(solution) = outcome else {
        return Err("the oracle found no solution within its time limit".to_owned());
    };
    let placed = x.iter().filter(|e| solution.var_value(e.6) > 0.5).count();
    Ok(Oracle {
        green_mwh: solution.objective() - 1e-3 * placed as f64,
        placed,
        optimal: solution.status() == SolutionStatus::Optimal,
        took,
    })
}

/// A small instance from `seed`: 6 jobs on two centres over 24 slots (6 h); the green power left
/// for the jobs is one bump holding 30-70 % of their energy, and the centres' headroom binds.
pub fn small_instance(seed: u64) -> Problem {
    use jiff::Timestamp;
    use suangu_core::jobs::{Job, JobKind};
    use suangu_core::schedule::{Site, SlotSupply};
    use suangu_core::tariff::Period;
    let mut state = seed
        .wrapping_mul(6_364_136_223_846_793_005)
        .wrapping_add(1_442_695_040_888_963_407);
    let mut next = move || {
        state = state
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (state >> 33) as f64 / (1u64 << 31) as f64
    };
    let start = Timestamp::from_second(1_782_864_000).unwrap_or(Timestamp::UNIX_EPOCH);
    let at = |slot: i64| Timestamp::from_second(start.as_second() + slot * 900).unwrap_or(start);
    let slots = 24i64;
    let jobs: Vec<Job> = (0..6)
        .map(|i| {
            let dur = 4 + (next() * 9.0) as i64;
            let earliest = (next() * (slots - dur) as f64) as i64;
            let deadline = (earliest + dur + (next() * 12.0) as i64).min(slots);
            let gpu = next() < 0.5;
            let ring = next() < 0.3;
            Job {
                id: format!("S{i}"),
                kind: if gpu {
                    JobKind::Training
                } else {
                    JobKind::Batch
                },
                origin: ring.then(|| "YRD".to_owned()),
                accelerators: gpu.then(|| ("gpu".to_owned(), 16 * (1 + (next() * 2.0) as u32))),
                demand_kw: (300.0 + 600.0 * next()).round(),
                duration_s: dur * 900,
                earliest: at(earliest),
                deadline: at(deadline),
                ring_ms: ring.then_some(12.0),
                preemptible: true,
            }
        })
        .collect();
    let energy: f64 = jobs
        .iter()
        .map(|j| j.demand_kw / 1000.0 * 1.15 * j.duration_s as f64 / 3600.0)
        .sum();
    let share = 0.3 + 0.4 * next();
    let centre = next() * slots as f64;
    let bump: Vec<f64> = (0..slots)
        .map(|u| (-((u as f64 - centre) / 4.0).powi(2)).exp())
        .collect();
    let scale = share * energy / (bump.iter().sum::<f64>() * 0.25).max(1e-9);
    Problem {
        start,
        slot_s: 900,
        supply: bump
            .iter()
            .map(|b| SlotSupply {
                green_mw: b * scale,
                green_behind_meter_mw: 0.0,
                base_load_mw: 0.0,
                price_cny_per_mwh: 450.0,
                period: Period::Flat,
            })
            .collect(),
        sites: vec![
            Site {
                id: "A".into(),
                headroom_mw: 1.5,
                pue: 1.2,
                accelerators: vec![("gpu".into(), 48)],
                latency_ms: vec![("YRD".into(), 10.0)],
            },
            Site {
                id: "B".into(),
                headroom_mw: 1.0,
                pue: 1.1,
                accelerators: vec![("gpu".into(), 32)],
                latency_ms: vec![("YRD".into(), 14.0)],
            },
        ],
        jobs,
        grid_factor_t_per_mwh: 0.5857,
    }
}
