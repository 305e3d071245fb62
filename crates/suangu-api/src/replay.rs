//! Replay: the whole live picture at any past instant, from the store — the park's series as
//! recorded raw at every tick, and what was tripped then (drills and faults from the event
//! log, through the same supply graph the twin uses). For incident review; nothing is
//! simulated again.

use crate::dto::{ApiError, CentreLive, LiveFrame, Quality, ReplayArgs, SubstationLive};
use crate::live::{Live, store_error};
use crate::map::supply_dto;
use jiff::Timestamp;
use suangu_engine::raw::park_series;
use suangu_store::{Event, Store, window_start};

/// A recorded value older than this at the instant asked is shown as stale.
const STALE_AFTER_MS: i64 = 5_000;
/// How far back a trip can have started and still be active (the longest drill is a day).
const LONGEST_TRIP_S: i64 = 86_400;

/// The assets tripped at `at` by the recorded `events` (`trip` events, active from their
/// instant until the `until` in their detail, or for good without one).
pub fn trips_at(events: &[Event], at: Timestamp) -> Vec<String> {
    let mut out: Vec<String> = events
        .iter()
        .filter(|e| e.kind == "trip" && e.at <= at)
        .filter(|e| until(&e.detail).is_none_or(|until| at < until))
        .map(|e| e.target.clone())
        .collect();
    out.sort();
    out.dedup();
    out
}

fn until(detail: &str) -> Option<Timestamp> {
    let value: serde_json::Value = serde_json::from_str(detail).ok()?;
    value.get("until")?.as_str()?.parse().ok()
}

impl<S: Store + 'static> Live<S> {
    /// The live frame as it was at `args.at_s`, from the store.
    pub async fn replay(&self, args: ReplayArgs) -> Result<LiveFrame, ApiError> {
        let bad = |message: String| ApiError {
            code: crate::dto::ErrorCode::BadArguments,
            message: format!("park_replay: {message}"),
            details: Vec::new(),
        };
        let engine = self.engine();
        let park = engine.park();
        let at = Timestamp::from_second(i64::from(args.at_s))
            .map_err(|e| bad(format!("at_s {}: {e}", args.at_s)))?;
        if at > engine.now() {
            return Err(bad(format!(
                "at_s {}: later than the park's now ({})",
                args.at_s,
                engine.now()
            )));
        }
        let park_id = park.scenario().park.id.as_str();
        let names: Vec<String> = park_series(park).into_iter().map(|s| s.name).collect();
        let ids = self
            .store()
            .series_ids(park_id, &names)
            .await
            .map_err(store_error)?;
        let known: Vec<i64> = ids.iter().flatten().copied().collect();
        let mut points = self
            .store()
            .raw_snapshot(&known, at)
            .await
            .map_err(store_error)?;
        // A series with nothing in the chunk window holding `at` (a sample late, a slow source):
        // its newest point of the window before, shown stale since then.
        if points.iter().any(Option::is_none) {
            let window_ms = window_start(at.as_millisecond()) * 1000;
            if let Ok(before) = Timestamp::from_millisecond(window_ms - 1) {
                let earlier = self
                    .store()
                    .raw_snapshot(&known, before)
                    .await
                    .map_err(store_error)?;
                for (point, earlier) in points.iter_mut().zip(earlier) {
                    if point.is_none() {
                        *point = earlier;
                    }
                }
            }
        }
        // Back in series order; a series never recorded, or with nothing then, is NaN (bad),
        // never a zero.
        let mut recorded = points.into_iter();
        let values: Vec<Option<suangu_store::chunk::Point>> = ids
            .iter()
            .map(|id| id.and_then(|_| recorded.next().flatten()))
            .collect();
        // The picture is as old as its oldest value.
        let oldest = values.iter().flatten().map(|p| p.source_ms).min();
        let Some(oldest) = oldest else {
            return Err(bad(format!("nothing recorded at {at}")));
        };
        let value = |i: usize| {
            values
                .get(i)
                .copied()
                .flatten()
                .filter(|p| p.quality != suangu_store::chunk::Quality::Bad)
                .map_or(f64::NAN, |p| p.value)
        };
        let mw = |i: usize| value(i) / 1000.0;
        let (quality, stale_since) = if at.as_millisecond() - oldest > STALE_AFTER_MS {
            let since = Timestamp::from_millisecond(oldest).unwrap_or(at);
            (Quality::Stale, Some(since.to_string()))
        } else {
            (Quality::Live, None)
        };

        let from = Timestamp::from_second(at.as_second() - LONGEST_TRIP_S).unwrap_or(at);
        let to = Timestamp::from_second(at.as_second() + 1).unwrap_or(at);
        let events = self
            .store()
            .events(park_id, from, to)
            .await
            .map_err(store_error)?;
        let trips = trips_at(&events, at);
        let outages: Vec<&str> = trips.iter().map(String::as_str).collect();
        let s = park.scenario();
        let stations_down = s
            .substations
            .iter()
            .zip(park.energised_substations(&outages))
            .filter(|(st, live)| st.status.in_service() && !live)
            .map(|(st, _)| st.id.to_string())
            .collect();
        let feeders_down = s
            .feeders
            .iter()
            .zip(park.energised_feeders(&outages))
            .filter(|(f, live)| f.status.in_service() && !live)
            .map(|(f, _)| f.id.to_string())
            .collect();
        let supply = park.supply_with_outages(&outages);
        // Series order (see `park_series`): eight park totals, each centre, each substation.
        let centres_at = 8;
        let stations_at = centres_at + s.centres.len();
        Ok(LiveFrame {
            seq: 0,
            at: at.to_string(),
            at_s: args.at_s,
            quality,
            // Every value of a replayed frame takes its quality.
            stale_since: stale_since.clone(),
            it_mw: mw(0),
            facility_mw: mw(1),
            green_mw: mw(2),
            wind_mw: mw(3),
            pv_mw: mw(4),
            green_share_now: value(5),
            pue: value(6),
            outdoor_c: value(7),
            centres: s
                .centres
                .iter()
                .zip(&supply)
                .enumerate()
                .map(|(i, (c, sup))| CentreLive {
                    id: c.id.to_string(),
                    it_mw: mw(centres_at + i),
                    // Not recorded raw: unknown, never a made-up number.
                    facility_mw: f64::NAN,
                    utilisation: f64::NAN,
                    supply: supply_dto(sup.state),
                    shed_mw: f64::NAN,
                    rack_it_mw: mw(centres_at + i),
                    quality,
                    stale_since: stale_since.clone(),
                })
                .collect(),
            zones: Vec::new(),
            substations: s
                .substations
                .iter()
                .enumerate()
                .map(|(i, st)| SubstationLive {
                    id: st.id.to_string(),
                    load_mw: mw(stations_at + i),
                    quality,
                    stale_since: stale_since.clone(),
                })
                .collect(),
            series: Vec::new(),
            links_down: Vec::new(),
            stations_down,
            feeders_down,
            // Alarms of the past are in the event time line (alarm_raised, ...), not redrawn here.
            alarms: Vec::new(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event(at: &str, kind: &str, target: &str, detail: &str) -> Event {
        Event {
            at: at.parse().expect("ts"),
            kind: kind.to_owned(),
            target: target.to_owned(),
            detail: detail.to_owned(),
        }
    }

    #[test]
    fn a_trip_is_active_from_its_instant_until_its_end() {
        let events = [
            event(
                "2026-05-01T10:00:00Z",
                "trip",
                "SS-110-2",
                r#"{"until":"2026-05-01T10:15:00Z"}"#,
            ),
            event("2026-05-01T10:05:00Z", "trip", "F-201", "{}"),
            event("2026-05-01T10:06:00Z", "wind_lull", "park", "{}"),
        ];
        let at = |t: &str| trips_at(&events, t.parse().expect("ts"));
        assert!(at("2026-05-01T09:59:59Z").is_empty());
        assert_eq!(at("2026-05-01T10:00:00Z"), ["SS-110-2"]);
        assert_eq!(at("2026-05-01T10:10:00Z"), ["F-201", "SS-110-2"]);
        // Ended at its `until`; the open-ended trip stays.
        assert_eq!(at("2026-05-01T10:15:00Z"), ["F-201"]);
    }
}
