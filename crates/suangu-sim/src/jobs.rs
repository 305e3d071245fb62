//! A realistic stream of compute jobs for the scheduler, from a seed: training runs (large,
//! long, on GPUs, flexible by a day or more), inference services (small, short, tight deadlines
//! and a latency promise to an eastern region) and batch work (CPU, flexible within the day).
//! Origin of the mix and sizes: assumption.

use crate::Twin;
use crate::noise::white;
use jiff::Timestamp;
use suangu_core::jobs::{Job, JobKind};
use suangu_core::scenario::RegionKind;

const JOBS: u64 = 5_000_000;

impl Twin {
    fn job_noise(&self, k: u64, i: usize) -> f64 {
        // Uniform in [0, 1).
        0.5 + 0.5 * white(self.seed, JOBS + k, i as i64)
    }
}

/// `n` jobs arriving over the `hours` after `start`.
pub fn generate_jobs(twin: &Twin, start: Timestamp, hours: i64, n: usize) -> Vec<Job> {
    let s = twin.park().scenario();
    let regions: Vec<(String, f64)> = s
        .network
        .regions
        .iter()
        .filter(|r| r.kind == RegionKind::Demand)
        .map(|r| (r.id.to_string(), r.latency_ms.value.0))
        .collect();
    let span = hours.max(1) * 3600;
    (0..n)
        .map(|i| {
            let u = |k: u64| twin.job_noise(k, i);
            let arrive = start.as_second() + (u(0) * span as f64 * 0.75) as i64 / 900 * 900;
            let at = |secs: i64| Timestamp::from_second(secs).unwrap_or(start);
            let kind = match u(1) {
                x if x < 0.25 => JobKind::Training,
                x if x < 0.65 => JobKind::Inference,
                _ => JobKind::Batch,
            };
            let region = regions.get((u(2) * regions.len() as f64) as usize).cloned();
            let (kw, hours, slack_h, accelerators, ring) = match kind {
                JobKind::Training => (
                    400.0 + 1600.0 * u(3),
                    2.0 + (10.0 * u(4)).round(),
                    12.0 + 24.0 * u(5),
                    Some(("gpu_training".to_owned(), 32 * (1 + (u(6) * 8.0) as u32))),
                    None,
                ),
                JobKind::Inference => (
                    50.0 + 250.0 * u(3),
                    0.5 + (4.0 * u(4)).round() / 2.0,
                    0.5 + 2.0 * u(5),
                    Some(("gpu_inference".to_owned(), 8 * (1 + (u(6) * 4.0) as u32))),
                    region.as_ref().map(|(_, ms)| (ms + 1.5).ceil()),
                ),
                JobKind::Batch => (
                    100.0 + 500.0 * u(3),
                    1.0 + (5.0 * u(4)).round(),
                    6.0 + 12.0 * u(5),
                    None,
                    None,
                ),
            };
            let duration_s = (hours * 3600.0) as i64;
            Job {
                id: format!("{}-{i:05}", kind.as_str()),
                kind,
                origin: ring.and(region.as_ref().map(|(id, _)| id.clone())),
                accelerators,
                demand_kw: (kw / 10.0).round() * 10.0,
                duration_s,
                earliest: at(arrive),
                deadline: at(arrive + duration_s + (slack_h * 3600.0) as i64 / 900 * 900),
                ring_ms: ring,
                preemptible: kind != JobKind::Inference,
            }
        })
        .collect()
}
