//! What each source is doing: its link, its counters, and which of its series are stale. The
//! connector updates it; the CLI and the window read a snapshot.

use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};
use suangu_core::quality::is_stale;

/// The link to a source.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "state")]
pub enum Link {
    Connecting,
    Up,
    /// Lost; the next try is after a capped, jittered wait.
    BackingOff {
        attempt: u32,
        retry_in_ms: u64,
        error: String,
    },
    /// It will not work until the configuration changes (not retried).
    Misconfigured {
        reason: String,
    },
    Stopped,
}

/// A snapshot of one source's health.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SourceHealth {
    pub id: String,
    pub link: Link,
    /// Points stored (good, uncertain and bad).
    pub points: u64,
    pub uncertain: u64,
    pub bad: u64,
    /// Messages refused, by reason (`not_json`, `oversized`, ...).
    pub rejected: BTreeMap<String, u64>,
    /// Points repeating a series' newest source time (stored once).
    pub duplicates: u64,
    /// Points older than their series' newest (accepted, merged in time order).
    pub older: u64,
    pub reconnects: u64,
    /// The series silent for more than 2.5 expected intervals, or never heard from.
    pub stale: Vec<String>,
}

struct State {
    health: SourceHealth,
    interval: Duration,
    started: Instant,
    /// Per series: the newest source time and when the last point arrived (monotonic).
    series: HashMap<String, (i64, Option<Instant>)>,
}

/// The shared, updatable health of one source.
#[derive(Clone)]
pub struct Health(Arc<Mutex<State>>);

impl Health {
    pub fn new(id: &str, series: &[String], interval: Duration, now: Instant) -> Self {
        Self(Arc::new(Mutex::new(State {
            health: SourceHealth {
                id: id.to_owned(),
                link: Link::Connecting,
                points: 0,
                uncertain: 0,
                bad: 0,
                rejected: BTreeMap::new(),
                duplicates: 0,
                older: 0,
                reconnects: 0,
                stale: Vec::new(),
            },
            interval,
            started: now,
            series: series
                .iter()
                .map(|s| (s.clone(), (i64::MIN, None)))
                .collect(),
        })))
    }

    fn with<R>(&self, f: impl FnOnce(&mut State) -> R) -> R {
        f(&mut self.0.lock().unwrap_or_else(PoisonError::into_inner))
    }

    pub fn link(&self, link: Link) {
        self.with(|s| {
            if link == Link::Up && matches!(s.health.link, Link::BackingOff { .. }) {
                s.health.reconnects += 1;
            }
            s.health.link = link;
        });
    }

    pub fn reject(&self, reason: &str) {
        self.reject_many(reason, 1);
    }

    /// `count` points refused (or left out) for `reason`.
    pub fn reject_many(&self, reason: &str, count: u64) {
        self.with(|s| *s.health.rejected.entry(reason.to_owned()).or_default() += count);
    }

    /// A point of `series` stored, with its source time and quality, arrived at `now`.
    pub fn stored(
        &self,
        series: &str,
        source_ms: i64,
        quality: suangu_core::quality::Quality,
        now: Instant,
    ) {
        use suangu_core::quality::Quality;
        self.with(|s| {
            s.health.points += 1;
            match quality {
                Quality::Good => {}
                Quality::Uncertain(_) => s.health.uncertain += 1,
                Quality::Bad(_) => s.health.bad += 1,
            }
            let (newest, arrived) = s
                .series
                .entry(series.to_owned())
                .or_insert((i64::MIN, None));
            // Only a newer point makes a series fresh: a source repeating its last value's time
            // (a frozen API, a redelivery) must still go stale.
            match source_ms.cmp(newest) {
                std::cmp::Ordering::Equal => s.health.duplicates += 1,
                std::cmp::Ordering::Less => s.health.older += 1,
                std::cmp::Ordering::Greater => {
                    *newest = source_ms;
                    *arrived = Some(now);
                }
            }
        });
    }

    /// The health at `now`: stale series are those silent for over 2.5 intervals (counted from
    /// the start for a series never heard from).
    pub fn snapshot(&self, now: Instant) -> SourceHealth {
        self.with(|s| {
            let mut out = s.health.clone();
            out.stale = s
                .series
                .iter()
                .filter(|(_, (_, arrived))| {
                    is_stale(
                        s.interval,
                        now.saturating_duration_since(arrived.unwrap_or(s.started)),
                    )
                })
                .map(|(name, _)| name.clone())
                .collect();
            out.stale.sort();
            out
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use suangu_core::quality::{Quality, UncertainReason};

    #[test]
    fn counts_orders_and_staleness() {
        let t0 = Instant::now();
        let s = Duration::from_secs;
        let series = ["a/it_kw".to_owned(), "b/it_kw".to_owned()];
        let h = Health::new("meters", &series, s(1), t0);
        h.stored("a/it_kw", 2000, Quality::Good, t0 + s(1));
        // Repeats and older points do not make it fresh.
        h.stored("a/it_kw", 2000, Quality::Good, t0 + s(3));
        h.stored(
            "a/it_kw",
            1000,
            Quality::Uncertain(UncertainReason::OutOfRange),
            t0 + s(1),
        );
        h.reject("not_json");
        let at = h.snapshot(t0 + s(2));
        assert_eq!(
            (at.points, at.duplicates, at.older, at.uncertain),
            (3, 1, 1, 1)
        );
        assert_eq!(at.rejected.get("not_json"), Some(&1));
        assert!(at.stale.is_empty());
        // b never spoke: stale 2.5 s after the start; a 2.5 s after its last point.
        assert_eq!(
            h.snapshot(t0 + Duration::from_millis(2600)).stale,
            ["b/it_kw"]
        );
        assert_eq!(h.snapshot(t0 + s(4)).stale, ["a/it_kw", "b/it_kw"]);
        h.link(Link::BackingOff {
            attempt: 0,
            retry_in_ms: 10,
            error: "refused".into(),
        });
        h.link(Link::Up);
        assert_eq!(h.snapshot(t0).reconnects, 1);
    }
}
