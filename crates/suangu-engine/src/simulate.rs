//! Run the twin over a period into the store.

use crate::kpi::{PeriodKpis, period_kpis};
use crate::raw::RackRecorder;
use jiff::Timestamp;
use std::time::{Duration, Instant};
use suangu_core::interval::{INTERVAL_SECONDS, IntervalAccumulator, IntervalRecord};
use suangu_sim::Twin;
use suangu_store::{Store, StoreError};

/// Intervals written per transaction (one week of 15-minute intervals).
const FLUSH_INTERVALS: usize = 7 * 96;

#[derive(Debug, Clone, Copy)]
pub struct Plan {
    pub start: Timestamp,
    pub end: Timestamp,
    pub step_s: i64,
    /// Simulated seconds per real second; None runs as fast as it can.
    pub speed: Option<f64>,
}

#[derive(Debug, thiserror::Error)]
pub enum PlanError {
    #[error("--step {0}s must be positive and divide 15 minutes (e.g. 1m, 5m, 15m)")]
    Step(i64),
    #[error("--start {0} is not on a 15-minute boundary")]
    Start(Timestamp),
    #[error("the period is empty: it must end after it starts")]
    Empty,
    #[error("--duration must be a whole number of 15-minute intervals")]
    Duration,
    #[error("--speed {0} must be a positive number")]
    Speed(f64),
}

impl Plan {
    pub fn check(&self) -> Result<(), PlanError> {
        if self.step_s <= 0 || INTERVAL_SECONDS % self.step_s != 0 {
            return Err(PlanError::Step(self.step_s));
        }
        if self.start.as_second() % INTERVAL_SECONDS != 0 || self.start.subsec_nanosecond() != 0 {
            return Err(PlanError::Start(self.start));
        }
        let span = self.end.as_second() - self.start.as_second();
        if span <= 0 {
            return Err(PlanError::Empty);
        }
        if span % INTERVAL_SECONDS != 0 {
            return Err(PlanError::Duration);
        }
        if let Some(speed) = self.speed
            && !(speed.is_finite() && speed > 0.0)
        {
            return Err(PlanError::Speed(speed));
        }
        Ok(())
    }

    pub fn steps(&self) -> i64 {
        (self.end.as_second() - self.start.as_second()) / self.step_s
    }
}

/// Progress as (steps done, steps in all).
pub trait Progress {
    fn advance(&mut self, done: u64, total: u64);
}

impl<F: FnMut(u64, u64)> Progress for F {
    fn advance(&mut self, done: u64, total: u64) {
        self(done, total)
    }
}

/// Simulate `plan` with `twin` into `store`, then read the period back and compute its KPIs.
/// With `racks`, every rack's raw telemetry is recorded at each step too (the caller closes the
/// recorder).
pub async fn run<S: Store, R: Store>(
    twin: &Twin,
    store: &S,
    plan: Plan,
    mut racks: Option<&mut RackRecorder<R>>,
    progress: &mut impl Progress,
) -> Result<PeriodKpis, StoreError> {
    let park = twin.park();
    let mut acc = IntervalAccumulator::new(park);
    let total = u64::try_from(plan.steps()).unwrap_or(0);
    let hours = plan.step_s as f64 / 3600.0;
    let mut pending: Vec<IntervalRecord> = Vec::with_capacity(FLUSH_INTERVALS);
    let began = Instant::now();
    for k in 0..plan.steps() {
        let at =
            Timestamp::from_second(plan.start.as_second() + k * plan.step_s).unwrap_or(plan.start);
        pending.extend(acc.push(&twin.sample(at).power, hours));
        if let Some(racks) = racks.as_deref_mut() {
            racks.record(twin, at).await?;
            // Raw runs are slow enough per step to report each interval.
            if (k + 1) * plan.step_s % INTERVAL_SECONDS == 0 {
                progress.advance(u64::try_from(k + 1).unwrap_or(0), total);
            }
        }
        if pending.len() >= FLUSH_INTERVALS {
            store.write_intervals(park, &pending).await?;
            pending.clear();
            progress.advance(u64::try_from(k + 1).unwrap_or(0), total);
        }
        if let Some(speed) = plan.speed {
            let due = Duration::from_secs_f64(((k + 1) * plan.step_s) as f64 / speed);
            let elapsed = began.elapsed();
            if due > elapsed {
                tokio::time::sleep(due - elapsed).await;
                // Paced runs write each interval as it closes, so a viewer sees it live.
                if !pending.is_empty() {
                    store.write_intervals(park, &pending).await?;
                    pending.clear();
                    progress.advance(u64::try_from(k + 1).unwrap_or(0), total);
                }
            }
        }
    }
    pending.extend(acc.finish());
    store.write_intervals(park, &pending).await?;
    progress.advance(total, total);
    period_kpis(store, park, plan.start, plan.end).await
}
