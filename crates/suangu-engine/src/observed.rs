//! Observed live mode: the park as its data sources measure it, read from the store — never a
//! twin number. [`frame`] (pure: `now` is an argument) makes a live [`Frame`] from each
//! configured park series' newest stored point; [`task`] reads those points once a second and
//! publishes the frame on the same watch channel the twin's engine uses.
//!
//! A series is *stale* when it has been silent for
//! [`suangu_core::quality::STALE_AFTER_INTERVALS`] expected intervals, stale since its newest
//! point's source time. The store shows a point only once its writer has published it (the
//! sources' writer publishes every second), so a healthy feed's newest *stored* point can be that
//! `lag` older than what the ingest has: silence is the point's age less `lag`. Without that, a
//! feed expected every second would show stale most of the time. A park series a source feeds
//! but of which the store holds no point yet has *no data* (counted as stale); one no source
//! feeds is *not measured*: both NaN, never a zero and never the twin's value.

use crate::live::{
    AlarmAction, AlarmError, CentreNow, Control, Frame, LiveAlarms, Quality, Reading,
    SubstationNow, ZoneNow, alarm_event,
};
use crate::raw::park_series;
use jiff::Timestamp;
use std::collections::{BTreeSet, HashMap};
use std::sync::Arc;
use std::time::Duration;
use suangu_core::Park;
use suangu_core::quality::is_stale;
use suangu_core::sources::SourcesConfig;
use suangu_store::{Store, chunk};
use tokio::sync::{mpsc, oneshot, watch};

/// One configured park series: how often its source is expected to send, and its newest stored
/// point (None: nothing stored yet).
#[derive(Debug, Clone, PartialEq)]
pub struct Feed {
    pub series: String,
    /// The data source (its id in the file) that sends it.
    pub source: String,
    pub interval: Duration,
    pub newest: Option<Newest>,
}

/// A series' newest stored point: its source time and value (NaN for a bad point).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Newest {
    pub at: Timestamp,
    pub value: f64,
}

impl Newest {
    /// The store's point (a bad point's value is NaN: no usable number).
    pub fn of(point: &chunk::Point) -> Option<Self> {
        Some(Self {
            at: Timestamp::from_millisecond(point.source_ms).ok()?,
            value: if point.quality == chunk::Quality::Bad {
                f64::NAN
            } else {
                point.value
            },
        })
    }
}

/// Every series the data-source file feeds, with its source's expected interval, nothing read
/// yet ([`suangu_core::sources::load_config`] has checked each is fed once and is the park's).
pub fn feeds(config: &SourcesConfig) -> Vec<Feed> {
    config
        .sources
        .iter()
        .flat_map(|source| {
            source.points.iter().map(|p| Feed {
                series: p.series.clone(),
                source: source.id.clone(),
                interval: source.expected_interval(),
                newest: None,
            })
        })
        .collect()
}

/// How a series stands at `now` with the store `lag` behind its writer, and its value (NaN
/// unless measured).
pub fn reading(feed: Option<&Feed>, now: Timestamp, lag: Duration) -> (f64, Reading) {
    let Some(feed) = feed else {
        return (f64::NAN, Reading::NotMeasured);
    };
    let Some(newest) = feed.newest else {
        return (f64::NAN, Reading::NoData);
    };
    let interval = feed.interval;
    // A point stamped ahead of `now` (a source's clock running fast) has been silent for 0 s.
    let age_ms = u64::try_from(
        now.as_millisecond()
            .saturating_sub(newest.at.as_millisecond()),
    )
    .unwrap_or(0);
    let silent = Duration::from_millis(age_ms).saturating_sub(lag);
    if is_stale(interval, silent) {
        (newest.value, Reading::Stale { since: newest.at })
    } else {
        (newest.value, Reading::Live)
    }
}

/// The park at `now` as `feeds` measured it, the store `lag` behind the writer. Each value is
/// its series' newest point, marked live, stale (since that point), no data (fed, nothing yet) or
/// not measured (NaN). The frame itself is live while some series is; else stale since the
/// newest point of all, or, when nothing was ever received, since `watching`: when the observer
/// started (a console showing only "—" does not say "live"). What the sources do not measure
/// (facility load per centre, utilisation, shed load, racks, trips) is NaN or empty, never
/// filled in.
pub fn frame(
    park: &Park,
    seq: u64,
    (now, watching): (Timestamp, Timestamp),
    lag: Duration,
    feeds: &[Feed],
) -> Frame {
    let by_name: HashMap<&str, &Feed> = feeds.iter().map(|f| (f.series.as_str(), f)).collect();
    let read = |name: &str| reading(by_name.get(name).copied(), now, lag);
    let mut series = Vec::new();
    let mut totals = [f64::NAN; 8];
    let names = park_series(park);
    for (i, spec) in names.iter().enumerate().take(totals.len()) {
        let (value, quality) = read(&spec.name);
        totals[i] = value;
        if quality != Reading::Live {
            series.push((spec.name.clone(), quality));
        }
    }
    let mw = |kw: f64| kw / 1000.0;
    let [it, facility, green, wind, pv, share, pue, outdoor] = totals;
    let centres = park
        .centres()
        .zip(park.supply_with_outages(&[]))
        .map(|(c, supply)| {
            let name = format!("{}/it_kw", c.id);
            let (kw, quality) = read(&name);
            if quality != Reading::Live {
                series.push((name, quality));
            }
            CentreNow {
                id: c.id.to_string(),
                it_mw: mw(kw),
                facility_mw: f64::NAN,
                utilisation: f64::NAN,
                supply: supply.state,
                shed_mw: f64::NAN,
                rack_it_mw: f64::NAN,
                quality,
            }
        })
        .collect();
    let substations = park
        .scenario()
        .substations
        .iter()
        .map(|st| {
            let name = format!("{}/load_kw", st.id);
            let (kw, quality) = read(&name);
            if quality != Reading::Live {
                series.push((name, quality));
            }
            SubstationNow {
                id: st.id.to_string(),
                load_mw: mw(kw),
                quality,
            }
        })
        .collect();
    let newest = feeds.iter().filter_map(|f| f.newest.map(|n| n.at)).max();
    let any_live = names.len() > series.len();
    let quality = if any_live {
        Quality::Live
    } else {
        Quality::Stale {
            since: newest.unwrap_or(watching),
        }
    };
    Frame {
        seq,
        at: now,
        quality,
        it_mw: mw(it),
        facility_mw: mw(facility),
        green_mw: mw(green),
        wind_mw: mw(wind),
        pv_mw: mw(pv),
        green_share_now: share,
        pue,
        outdoor_c: outdoor,
        centres,
        zones: park
            .scenario()
            .zones
            .iter()
            .map(|z| ZoneNow {
                id: z.id.to_string(),
                rack_it_mw: f64::NAN,
            })
            .collect(),
        substations,
        series,
        links_down: Vec::new(),
        stations_down: Vec::new(),
        feeders_down: Vec::new(),
        alarms: Arc::default(),
    }
}

/// What the observed task needs.
pub(crate) struct Task<S> {
    pub store: Arc<S>,
    pub park: Park,
    pub feeds: Vec<Feed>,
    /// How far the store may be behind the writer of these series.
    pub lag: Duration,
    pub frames: watch::Sender<Option<Arc<Frame>>>,
    /// Held, never sent: no source measures racks, and a heatmap stream waits rather than ends.
    pub _racks: watch::Sender<Option<Arc<crate::live::RackFrame>>>,
    /// The alarm rules evaluated on each frame (by each series' own reading), if any.
    pub alarms: Option<LiveAlarms>,
    /// Operators' actions on alarms.
    pub control: mpsc::Receiver<Control>,
    pub shutdown: oneshot::Receiver<()>,
}

/// The sources all of whose series are stale now (the `stale` rules that watch a source).
pub fn stale_sources(feeds: &[Feed], frame: &Frame) -> BTreeSet<String> {
    let stale: BTreeSet<&str> = frame
        .series
        .iter()
        .filter(|(_, r)| matches!(r, Reading::Stale { .. } | Reading::NoData))
        .map(|(n, _)| n.as_str())
        .collect();
    let mut by_source: HashMap<&str, bool> = HashMap::new();
    for f in feeds {
        let all = by_source.entry(f.source.as_str()).or_insert(true);
        *all &= stale.contains(f.series.as_str());
    }
    by_source
        .into_iter()
        .filter(|(_, all)| *all)
        .map(|(source, _)| source.to_owned())
        .collect()
}

/// Once a second (real time): each configured series' newest stored point, then the frame at the
/// clock's now, published. A series not registered yet (its source has sent nothing) is looked
/// up again every second; a store error keeps the points read before, so their age, and with it
/// their staleness, keeps growing: a failing store never freezes a value as live. A point shows
/// here up to `lag` (the sources' writer: 1 s) and a second after it was received.
pub(crate) async fn task<S: Store>(mut t: Task<S>) {
    let park_id = t.park.scenario().park.id.clone();
    let names: Vec<String> = t.feeds.iter().map(|f| f.series.clone()).collect();
    let mut ids: Vec<Option<i64>> = vec![None; names.len()];
    let mut ticker = tokio::time::interval(Duration::from_secs(1));
    ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let mut seq = 0u64;
    let watching = Timestamp::now();
    loop {
        tokio::select! {
            _ = &mut t.shutdown => return,
            _ = ticker.tick() => {}
            Some(control) = t.control.recv() => {
                // No twin: faults cannot be injected (the engine refuses before asking).
                if let Control::Alarm(action, reply) = control {
                    let _ = reply.send(act(&mut t, &park_id, action).await);
                }
                continue;
            }
        }
        if ids.iter().any(Option::is_none) {
            match t.store.series_ids(&park_id, &names).await {
                Ok(found) => ids = found,
                Err(e) => tracing::warn!(error = %e, "observed park: looking up its series"),
            }
        }
        for (feed, id) in t.feeds.iter_mut().zip(&ids) {
            let Some(id) = id else { continue };
            match t.store.raw_newest(*id).await {
                Ok(point) => feed.newest = point.as_ref().and_then(Newest::of),
                Err(e) => {
                    tracing::warn!(series = %feed.series, error = %e, "observed park: reading the newest point");
                }
            }
        }
        seq += 1;
        let now = Timestamp::now();
        let mut frame = frame(&t.park, seq, (now, watching), t.lag, &t.feeds);
        if let Some(alarms) = &mut t.alarms {
            let stale = stale_sources(&t.feeds, &frame);
            let measured_at: HashMap<String, Timestamp> = t
                .feeds
                .iter()
                .filter_map(|f| Some((f.series.clone(), f.newest?.at)))
                .collect();
            let changes = alarms.evaluate(
                &t.park,
                &frame,
                &(Vec::new(), Vec::new()),
                stale,
                &measured_at,
            );
            record(t.store.as_ref(), &park_id, &changes).await;
            frame.alarms = Arc::new(alarms.alarms.active());
        }
        t.frames.send_replace(Some(Arc::new(frame)));
    }
}

/// An operator's action on an alarm, at the clock's now; the list on screen follows at once.
async fn act<S: Store>(
    t: &mut Task<S>,
    park_id: &str,
    action: AlarmAction,
) -> Result<suangu_core::alarms::Change, AlarmError> {
    let Some(alarms) = &mut t.alarms else {
        return Err(AlarmError::NoRules);
    };
    let change = alarms.act(action, Timestamp::now())?;
    record(t.store.as_ref(), park_id, std::slice::from_ref(&change)).await;
    let current = t.frames.borrow().clone();
    if let Some(current) = current {
        let mut frame = (*current).clone();
        frame.alarms = Arc::new(alarms.alarms.active());
        t.frames.send_replace(Some(Arc::new(frame)));
    }
    Ok(change)
}

/// Alarm changes into the event log (the incident time line); a store error is logged, and the
/// alarm stands on screen regardless.
async fn record<S: Store>(store: &S, park_id: &str, changes: &[suangu_core::alarms::Change]) {
    for change in changes {
        if let Err(e) = store.add_event(park_id, &alarm_event(change)).await {
            tracing::error!(error = %e, "observed park: recording an alarm change");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn park() -> Park {
        suangu_core::load_str(suangu_core::QINGYANG, "qingyang").expect("built-in park")
    }

    fn ts(s: i64) -> Timestamp {
        Timestamp::from_second(s).expect("ts")
    }

    fn feed(series: &str, interval_s: u64, newest: Option<(i64, f64)>) -> Feed {
        Feed {
            series: series.to_owned(),
            source: "meters".to_owned(),
            interval: Duration::from_secs(interval_s),
            newest: newest.map(|(at, value)| Newest { at: ts(at), value }),
        }
    }

    const T0: i64 = 1_780_000_000;
    const NO_LAG: Duration = Duration::ZERO;
    /// When the observer started, an hour before T0.
    const WATCHING: Timestamp = Timestamp::constant(T0 - 3600, 0);

    #[test]
    fn measured_values_are_shown_and_the_rest_is_not_measured() {
        let park = park();
        let first = park.centres().next().expect("a centre").id.to_string();
        let feeds = [
            feed(&format!("{first}/it_kw"), 10, Some((T0 - 5, 12_345.0))),
            feed("park/pue", 10, Some((T0 - 3, 1.21))),
        ];
        let f = frame(&park, 7, (ts(T0), WATCHING), NO_LAG, &feeds);
        assert_eq!((f.seq, f.at, f.quality), (7, ts(T0), Quality::Live));
        let c = &f.centres[0];
        assert_eq!((c.it_mw, c.quality), (12.345, Reading::Live));
        assert!(c.facility_mw.is_nan() && c.utilisation.is_nan() && c.shed_mw.is_nan());
        assert_eq!(f.pue, 1.21);
        // Nothing feeds the park's IT load nor the other centres: NaN, never a number.
        assert!(f.it_mw.is_nan() && f.facility_mw.is_nan() && f.outdoor_c.is_nan());
        for other in &f.centres[1..] {
            assert!(other.it_mw.is_nan());
            assert_eq!(other.quality, Reading::NotMeasured);
        }
        assert!(f.substations.iter().all(|s| s.load_mw.is_nan()));
        // Every series not live is listed; the two measured ones are not.
        let listed: Vec<&str> = f.series.iter().map(|(n, _)| n.as_str()).collect();
        assert!(listed.contains(&"park/it_kw"));
        assert!(!listed.contains(&"park/pue"));
        assert!(!listed.contains(&format!("{first}/it_kw").as_str()));
        assert_eq!(listed.len(), park_series(&park).len() - 2);
    }

    #[test]
    fn a_fed_series_that_never_reported_is_no_data_and_its_source_stale() {
        let park = park();
        let first = park.centres().next().expect("a centre").id.to_string();
        let feeds = [
            feed(&format!("{first}/it_kw"), 10, None),
            feed("park/pue", 10, Some((T0, 1.2))),
        ];
        let f = frame(&park, 1, (ts(T0), WATCHING), NO_LAG, &feeds);
        // Configured but silent since before its first point: NaN, and not "not measured".
        assert_eq!(f.centres[0].quality, Reading::NoData);
        assert!(f.centres[0].it_mw.is_nan());
        assert_eq!(f.centres[1].quality, Reading::NotMeasured);
        // Its source is stale once every series of it is (the PUE comes from another source).
        let mut split = feeds.clone();
        split[1].source = "bms".to_owned();
        assert_eq!(
            stale_sources(&split, &f),
            BTreeSet::from(["meters".to_owned()])
        );
        assert!(stale_sources(&feeds, &f).is_empty());
    }

    #[test]
    fn a_series_is_stale_after_two_and_a_half_intervals_since_its_point() {
        let park = park();
        let first = park.centres().next().expect("a centre").id.to_string();
        let at = |age_s: i64| {
            let feeds = [
                feed(&format!("{first}/it_kw"), 10, Some((T0 - age_s, 5_000.0))),
                feed("park/pue", 10, Some((T0, 1.2))),
            ];
            frame(&park, 1, (ts(T0), WATCHING), NO_LAG, &feeds).centres[0].clone()
        };
        assert_eq!(at(25).quality, Reading::Live);
        let stale = at(26);
        assert_eq!(stale.quality, Reading::Stale { since: ts(T0 - 26) });
        // Stale keeps its last value, to be shown greyed with its time: never dropped to zero.
        assert_eq!(stale.it_mw, 5.0);
        // A point ahead of the clock is not stale.
        assert_eq!(at(-30).quality, Reading::Live);
    }

    #[test]
    fn the_stores_lag_is_not_silence() {
        let park = park();
        // Expected every second, the store (say) 5 s behind: a healthy feed's newest stored
        // point is up to 6 s old, and that is not 2.5 s of silence.
        let at = |age_ms: i64| {
            let feeds = [Feed {
                source: "meters".to_owned(),
                series: "park/pue".to_owned(),
                interval: Duration::from_secs(1),
                newest: Some(Newest {
                    at: Timestamp::from_millisecond(T0 * 1000 - age_ms).expect("ts"),
                    value: 1.2,
                }),
            }];
            let f = frame(&park, 1, (ts(T0), WATCHING), Duration::from_secs(5), &feeds);
            f.series
                .iter()
                .find(|(n, _)| n == "park/pue")
                .map(|(_, r)| *r)
        };
        assert_eq!(at(6_000), None); // live: not listed
        assert_eq!(at(7_500), None);
        assert!(matches!(at(7_501), Some(Reading::Stale { .. })));
    }

    #[test]
    fn the_frame_is_stale_when_nothing_measured_is_live() {
        let park = park();
        let feeds = [
            feed("park/it_kw", 10, Some((T0 - 100, 1.0))),
            feed("park/pue", 60, Some((T0 - 200, 1.2))),
            feed("park/wind_kw", 10, None),
        ];
        let f = frame(&park, 1, (ts(T0), WATCHING), NO_LAG, &feeds);
        assert_eq!(
            f.quality,
            Quality::Stale {
                since: ts(T0 - 100)
            }
        );
        // One live series: the frame is live, the stale ones say so themselves.
        let mut fresh = feeds.clone();
        fresh[1].newest = Some(Newest {
            at: ts(T0 - 10),
            value: 1.2,
        });
        assert_eq!(
            frame(&park, 1, (ts(T0), WATCHING), NO_LAG, &fresh).quality,
            Quality::Live
        );
        // Nothing received at all: not live, but stale since the observer started; no value is
        // a number.
        let f = frame(
            &park,
            1,
            (ts(T0), WATCHING),
            NO_LAG,
            &[feed("park/it_kw", 10, None)],
        );
        assert_eq!(f.quality, Quality::Stale { since: WATCHING });
        assert_eq!(f.series.len(), park_series(&park).len());
    }

    #[test]
    fn a_bad_point_is_nan_and_feeds_come_from_the_file() {
        let point = chunk::Point {
            source_ms: T0 * 1000,
            ingest_ms: T0 * 1000,
            value: 3.0,
            quality: chunk::Quality::Bad,
        };
        assert!(Newest::of(&point).expect("a time").value.is_nan());
        let text = r#"
park = "qingyang"
[[sources]]
id = "dcim"
expected_interval_s = 15
files = { dir = "/tmp/in" }
points = [
  { column = "n01", series = "CM-N01/it_kw", unit = "kW", resolution = 1 },
  { column = "pue", series = "park/pue", unit = "ratio", resolution = 0.001 },
]
"#;
        let park = park();
        let names: Vec<String> = park_series(&park).into_iter().map(|s| s.name).collect();
        let config =
            suangu_core::sources::load_config(text, "t", "qingyang", &names).expect("a valid file");
        assert_eq!(
            feeds(&config),
            ["CM-N01/it_kw", "park/pue"].map(|series| Feed {
                source: "dcim".to_owned(),
                ..feed(series, 15, None)
            })
        );
    }

    proptest! {
        /// Never panics, whatever the times and values; a fed series is stale exactly when its
        /// point is older than 2.5 intervals plus the store's lag, since that point; its value
        /// is the point's.
        #[test]
        fn stale_iff_older_than_two_and_a_half_intervals(
            interval_ms in 100u64..86_400_000,
            age_ms in -86_400_000i64..400_000_000,
            lag_ms in 0u64..10_000,
            value in proptest::num::f64::ANY,
            centre in 0usize..8,
        ) {
            let park = park();
            let ids: Vec<String> = park.centres().map(|c| c.id.to_string()).collect();
            let id = &ids[centre % ids.len()];
            let now = Timestamp::from_millisecond(T0 * 1000).expect("ts");
            let at = Timestamp::from_millisecond(T0 * 1000 - age_ms).expect("ts");
            let feeds = [Feed {
                source: "meters".to_owned(),
                series: format!("{id}/it_kw"),
                interval: Duration::from_millis(interval_ms),
                newest: Some(Newest { at, value }),
            }];
            let f = frame(&park, 1, (now, WATCHING), Duration::from_millis(lag_ms), &feeds);
            let c = f.centres.iter().find(|c| &c.id == id).expect("the centre");
            let stale = (age_ms - lag_ms as i64) as f64 > interval_ms as f64 * 2.5;
            let want = if stale { Reading::Stale { since: at } } else { Reading::Live };
            prop_assert_eq!(c.quality, want);
            prop_assert!(c.it_mw.to_bits() == (value / 1000.0).to_bits() || (c.it_mw.is_nan() && value.is_nan()));
            prop_assert_eq!(f.centres.len(), ids.len());
        }
    }
}
