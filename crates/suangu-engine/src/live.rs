//! The live engine: a source task (the twin, paced by the clock) sends samples over a bounded
//! channel to the engine task, which owns the live state, publishes the newest frame to every
//! subscriber, closes 15-minute intervals and hands them to the store task. One wiring path, in
//! [`Engine::start`]; explicit shutdown in [`Engine::shutdown`].

use crate::raw::{RackFeed, park_samples, park_series};
use crate::simulate::{self, Plan};
use jiff::Timestamp;
use std::collections::{BTreeSet, HashMap};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;
use suangu_core::alarms::{
    ActionError, AlarmKey, AlarmView, Alarms, Change, ChangeKind, Headroom, Inputs, N1Loss, Rules,
    Sample as AlarmSample,
};
use suangu_core::contingency::{Network, State};
use suangu_core::interval::{
    CentrePower, INTERVAL_SECONDS, IntervalAccumulator, IntervalRecord, interval_start,
};
use suangu_core::rollup::{Hierarchy, Rollup};
use suangu_core::units::{Mw, Ratio};
use suangu_core::{Park, SupplyState};
use suangu_sim::{DemoPack, Fault, FaultKind, Twin, TwinSample};
use suangu_store::ingest::{RawIngest, Sample};
use suangu_store::{Event, Store};
use tokio::sync::{mpsc, oneshot, watch};
use tokio::task::JoinHandle;

/// How the live twin runs.
#[derive(Debug, Clone)]
pub struct LiveConfig {
    /// Simulated time at the start (the hosts pass the clock's now).
    pub start: Timestamp,
    /// Simulated seconds per real second (1 = real time).
    pub speed: f64,
    /// Real time between samples.
    pub tick: Duration,
    /// History simulated into the store before going live, so trends have data.
    pub backfill: Duration,
    /// After this many ticks without a sample, the data is marked stale.
    pub stale_after_ticks: u32,
    /// Where the raw ingest keeps its log: when set, the park's own series (load, green power,
    /// share, PUE, each centre and substation) are recorded raw at every tick.
    pub raw_log: Option<PathBuf>,
    /// Also record every operating rack's eight metrics at every tick (needs `raw_log`). About
    /// 1 byte per point: Qingyang's 18,904 operating racks take some 13 GB a day at real time.
    pub record_racks: bool,
    pub retention: Retention,
    /// A demo pack to play: its faults are scheduled from `start` (the host sets the start and
    /// the speed the pack asks for).
    pub demo: Option<DemoPack>,
    /// Alarm rules evaluated at every tick (none: no alarms).
    pub alarms: Option<Rules>,
}

/// How long raw data is kept, by level (applied as simulated days pass).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Retention {
    /// Raw chunks.
    pub raw: Duration,
    /// Hourly rollups of raw series (made when chunks expire).
    pub rollups: Duration,
}

impl Default for Retention {
    /// Raw for 14 days, rollups for 10 years. Origin: assumption (incident reviews look back
    /// days; planning looks back years).
    fn default() -> Self {
        Self {
            raw: Duration::from_secs(14 * 86_400),
            rollups: Duration::from_secs(3_650 * 86_400),
        }
    }
}

impl LiveConfig {
    pub fn real_time(start: Timestamp) -> Self {
        Self {
            start,
            speed: 1.0,
            tick: Duration::from_secs(1),
            backfill: Duration::from_secs(24 * 3600),
            stale_after_ticks: 3,
            raw_log: None,
            record_racks: false,
            retention: Retention::default(),
            demo: None,
            alarms: None,
        }
    }
}

/// Is the number on screen current?
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Quality {
    Live,
    /// No new data since this (simulated) instant.
    Stale {
        since: Timestamp,
    },
}

/// How one measured value stands (a centre's load, a park total): the twin's values take their
/// frame's quality; in observed mode each series has its own ([`crate::observed`]).
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Reading {
    Live,
    /// Its newest point is this old and nothing has come since.
    Stale {
        since: Timestamp,
    },
    /// No source feeds it: the value is NaN.
    NotMeasured,
    /// A source is configured to feed it and has sent nothing the store holds: the value is
    /// NaN, and it counts as stale (a meter dead since before it ever reported must not look
    /// like one nobody installed).
    NoData,
}

impl From<Quality> for Reading {
    fn from(quality: Quality) -> Self {
        match quality {
            Quality::Live => Reading::Live,
            Quality::Stale { since } => Reading::Stale { since },
        }
    }
}

/// What one centre is doing now.
#[derive(Debug, Clone, PartialEq)]
pub struct CentreNow {
    pub id: String,
    pub it_mw: f64,
    pub facility_mw: f64,
    pub utilisation: f64,
    pub supply: SupplyState,
    pub shed_mw: f64,
    /// Sum of the centre's rack power (rolled up rack -> row -> hall -> centre).
    pub rack_it_mw: f64,
    /// Its IT load's quality.
    pub quality: Reading,
}

/// One zone now, rolled up from its racks.
#[derive(Debug, Clone, PartialEq)]
pub struct ZoneNow {
    pub id: String,
    /// Sum of the zone's rack power.
    pub rack_it_mw: f64,
}

/// One substation now.
#[derive(Debug, Clone, PartialEq)]
pub struct SubstationNow {
    pub id: String,
    /// Load it carries (its feeders' share of the centres' facility load).
    pub load_mw: f64,
    pub quality: Reading,
}

/// The park now: what every live screen draws.
#[derive(Debug, Clone, PartialEq)]
pub struct Frame {
    pub seq: u64,
    pub at: Timestamp,
    pub quality: Quality,
    pub it_mw: f64,
    pub facility_mw: f64,
    pub green_mw: f64,
    pub wind_mw: f64,
    pub pv_mw: f64,
    pub green_share_now: f64,
    pub pue: f64,
    pub outdoor_c: f64,
    pub centres: Vec<CentreNow>,
    pub zones: Vec<ZoneNow>,
    pub substations: Vec<SubstationNow>,
    /// The park series (`park/it_kw`, `CM-N01/it_kw`, ...) whose value here is not live, and
    /// how each stands (observed mode; the twin's frames leave it empty: the frame's quality
    /// says it all).
    pub series: Vec<(String, Reading)>,
    pub links_down: Vec<String>,
    /// In-service substations and feeders not energised now.
    pub stations_down: Vec<String>,
    pub feeders_down: Vec<String>,
    /// The listed alarms (active, or cleared and not yet acknowledged), most severe first.
    pub alarms: Arc<Vec<AlarmView>>,
}

/// Every physical rack at one instant, in [`Hierarchy`] order (the scenario's centres, halls,
/// rows, racks; planned centres included).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct RackFrame {
    pub at: Timestamp,
    pub power_kw: Vec<f32>,
    pub inlet_c: Vec<f32>,
    pub utilisation: Vec<f32>,
}

/// What the source sends each tick: the park sample and every physical rack.
struct Tick {
    sample: TwinSample,
    racks: RackFrame,
}

pub(crate) enum Control {
    Inject(Fault, oneshot::Sender<Result<(), suangu_sim::FaultError>>),
    Alarm(AlarmAction, oneshot::Sender<Result<Change, AlarmError>>),
}

/// What an operator does to an alarm.
#[derive(Debug, Clone, PartialEq)]
pub enum AlarmAction {
    Acknowledge {
        key: AlarmKey,
        by: String,
    },
    /// Shelve for this long (simulated time, from the live park's now).
    Shelve {
        key: AlarmKey,
        by: String,
        for_s: i64,
    },
    Unshelve {
        key: AlarmKey,
        by: String,
    },
}

#[derive(Debug, thiserror::Error)]
pub enum AlarmError {
    #[error(transparent)]
    Action(#[from] ActionError),
    #[error("this park runs without alarm rules")]
    NoRules,
    #[error("shelving for {0} s: it must be between a minute and a week")]
    ShelfLength(i64),
    #[error("the engine has stopped")]
    Stopped,
}

/// A running engine. Cheap to share behind an `Arc`.
pub struct Engine {
    /// The twin; None when the park is observed from its data sources ([`Engine::observe`]).
    twin: Option<Arc<tokio::sync::RwLock<Twin>>>,
    /// The alarm rules evaluated at every tick (for their names and procedures).
    rules: Option<Rules>,
    demo: Option<DemoPack>,
    demo_start: Timestamp,
    frames: watch::Receiver<Option<Arc<Frame>>>,
    racks: watch::Receiver<Option<Arc<RackFrame>>>,
    control: mpsc::Sender<Control>,
    shutdown: std::sync::Mutex<Option<oneshot::Sender<()>>>,
    tasks: std::sync::Mutex<Vec<JoinHandle<()>>>,
    park: Park,
    start: Timestamp,
}

#[derive(Debug, thiserror::Error)]
pub enum EngineError {
    #[error(transparent)]
    Store(#[from] suangu_store::StoreError),
    #[error(transparent)]
    Fault(#[from] suangu_sim::FaultError),
    #[error("the engine has stopped")]
    Stopped,
    #[error(
        "the park is observed from its data sources, not run by the digital twin: this needs the twin"
    )]
    Observed,
}

impl Engine {
    /// The park as its data sources measure it (`feeds`: [`crate::observed::feeds`] of the
    /// data-source file; the store up to `lag` behind their writer): no twin, nothing written
    /// but alarm changes (events); a frame once a second from each series' newest point in
    /// `store` ([`crate::observed::task`]), with `rules` evaluated on it by each series' own
    /// reading (no N-1: trips and facility loads are not measured). Twin commands answer
    /// [`EngineError::Observed`].
    pub fn observe<S: Store + 'static>(
        park: Park,
        store: Arc<S>,
        feeds: Vec<crate::observed::Feed>,
        lag: Duration,
        rules: Option<Rules>,
    ) -> Self {
        let (frames_tx, frames_rx) = watch::channel(None);
        let (racks_tx, racks_rx) = watch::channel(None);
        let (control_tx, control_rx) = mpsc::channel::<Control>(16);
        let alarms = rules.clone().map(|r| LiveAlarms::new(&park, r, true));
        let (shutdown_tx, shutdown_rx) = oneshot::channel();
        let task = tokio::spawn(crate::observed::task(crate::observed::Task {
            store,
            park: park.clone(),
            feeds,
            lag,
            frames: frames_tx,
            _racks: racks_tx,
            alarms,
            control: control_rx,
            shutdown: shutdown_rx,
        }));
        Self {
            twin: None,
            rules,
            demo: None,
            demo_start: Timestamp::now(),
            frames: frames_rx,
            racks: racks_rx,
            control: control_tx,
            shutdown: std::sync::Mutex::new(Some(shutdown_tx)),
            tasks: std::sync::Mutex::new(vec![task]),
            park,
            start: Timestamp::now(),
        }
    }

    /// Whether the park is observed from its sources (no twin).
    pub fn observed(&self) -> bool {
        self.twin.is_none()
    }

    /// Backfill the store, then start the source, engine and store tasks.
    pub async fn start<S: Store + 'static>(
        mut twin: Twin,
        store: Arc<S>,
        config: LiveConfig,
    ) -> Result<Self, EngineError> {
        let park = twin.park().clone();
        let live_from = interval_start(config.start);
        // A demo's whole script goes in at once: the twin plays each fault at its time, and the
        // engine records each in the event log when the live park reaches it (not before: a run
        // stopped early has no event for what never happened).
        let mut scheduled = Vec::new();
        if let Some(demo) = &config.demo {
            for step in &demo.steps {
                let from = Timestamp::from_second(config.start.as_second() + step.at_s)
                    .unwrap_or(config.start);
                let until = Timestamp::from_second(from.as_second() + step.for_s).ok();
                let fault = Fault {
                    kind: step.fault.clone(),
                    from,
                    until,
                };
                scheduled.push(fault_event(&fault));
                twin.inject(fault)?;
            }
        }
        scheduled.sort_by_key(|e| std::cmp::Reverse(e.at));
        let backfill_s = i64::try_from(config.backfill.as_secs()).unwrap_or(0) / INTERVAL_SECONDS
            * INTERVAL_SECONDS;
        if backfill_s > 0 {
            // Only the gap after what the store already holds: recorded history (a run with
            // faults, real data) is never overwritten by simulated history.
            let window =
                Timestamp::from_second(live_from.as_second() - backfill_s).unwrap_or(live_from);
            let held = store
                .ledger(&park.scenario().park.id, window, live_from)
                .await?;
            let start = held
                .last()
                .and_then(|r| Timestamp::from_second(r.start.as_second() + INTERVAL_SECONDS).ok())
                .unwrap_or(window);
            if start < live_from {
                let plan = Plan {
                    start,
                    end: live_from,
                    step_s: 60,
                    speed: None,
                };
                simulate::run::<S, S>(&twin, store.as_ref(), plan, None, &mut |_, _| {}).await?;
            }
        }

        // The wiring: source -> samples -> engine -> frames (watch) + intervals -> store.
        let (samples_tx, samples_rx) = mpsc::channel::<Tick>(64);
        let (intervals_tx, intervals_rx) = mpsc::channel::<Vec<IntervalRecord>>(16);
        let (events_tx, events_rx) = mpsc::channel::<Event>(64);
        let (frames_tx, frames_rx) = watch::channel(None);
        let (racks_tx, racks_rx) = watch::channel(None);
        let (control_tx, control_rx) = mpsc::channel::<Control>(16);
        let (shutdown_tx, shutdown_rx) = oneshot::channel();

        let twin = Arc::new(tokio::sync::RwLock::new(twin));
        let mut tasks = Vec::new();
        let raw_tx = match &config.raw_log {
            Some(dir) => 'raw: {
                let mut series = park_series(&park);
                let park_series_len = series.len();
                let racks = config.record_racks.then(|| {
                    series.extend(RackFeed::series(&park));
                    RackFeed::new(&park).after(park_series_len)
                });
                let opened =
                    RawIngest::open(store.clone(), &park.scenario().park.id, dir, &series).await;
                let (ingest, recovered) = match opened {
                    Ok(opened) => opened,
                    // Another console records this store's twin already: this one shows its
                    // own twin live but leaves the raw series to that one (two writers on one
                    // log folder would delete each other's segments).
                    Err(e @ suangu_store::StoreError::LogInUse { .. }) => {
                        tracing::warn!("{e}: this console runs the twin without recording it");
                        break 'raw None;
                    }
                    Err(e) => return Err(e.into()),
                };
                if recovered.points > 0 {
                    tracing::info!(points = recovered.points, "raw log replayed after a crash");
                }
                let (tx, rx) = mpsc::channel::<RawBatch>(256);
                tasks.push(tokio::spawn(raw_task(RawTask {
                    ingest,
                    store: store.clone(),
                    park_id: park.scenario().park.id.clone(),
                    retention: config.retention,
                    park_series: park_series_len,
                    racks: racks.map(|feed| (feed, twin.clone())),
                    batches: rx,
                })));
                Some(tx)
            }
            None => None,
        };
        let source = tokio::spawn(source_task(
            twin.clone(),
            config.clone(),
            live_from,
            samples_tx,
        ));
        let (demo, demo_start) = (config.demo.clone(), config.start);
        let rules = config.alarms.clone();
        let alarms = config
            .alarms
            .clone()
            .map(|rules| LiveAlarms::new(&park, rules, false));
        let engine = tokio::spawn(engine_task(EngineTask {
            alarms,
            park: park.clone(),
            twin: twin.clone(),
            config,
            samples: samples_rx,
            control: control_rx,
            shutdown: shutdown_rx,
            frames: frames_tx,
            racks: racks_tx,
            intervals: intervals_tx,
            events: events_tx.clone(),
            scheduled,
            raw: raw_tx,
        }));
        let scheduler = tokio::spawn(schedule_task(twin.clone(), frames_rx.clone(), events_tx));
        let writer = tokio::spawn(store_task(store, park.clone(), intervals_rx, events_rx));
        Ok(Self {
            rules,
            demo,
            demo_start,
            twin: Some(twin.clone()),
            frames: frames_rx,
            racks: racks_rx,
            control: control_tx,
            shutdown: std::sync::Mutex::new(Some(shutdown_tx)),
            tasks: std::sync::Mutex::new({
                // The raw task ends when the engine task drops its sender.
                let mut all = vec![source, engine, scheduler, writer];
                all.append(&mut tasks);
                all
            }),
            park,
            start: live_from,
        })
    }

    pub fn park(&self) -> &Park {
        &self.park
    }

    /// The alarm rules, if the park has them.
    pub fn rules(&self) -> Option<&Rules> {
        self.rules.as_ref()
    }

    /// The demo pack being played, and when it started.
    pub fn demo(&self) -> Option<(&DemoPack, Timestamp)> {
        self.demo.as_ref().map(|d| (d, self.demo_start))
    }

    /// The simulated now: the newest frame's instant, or the start before the first frame.
    pub fn now(&self) -> Timestamp {
        self.latest().map_or(self.start, |f| f.at)
    }

    /// The newest frame (None until the first sample).
    pub fn latest(&self) -> Option<Arc<Frame>> {
        self.frames.borrow().clone()
    }

    /// What is out at `at`: tripped elements and lost cooling plants (faults and drills).
    /// Run `f` on the live twin (its faults and drills included).
    pub async fn with_twin<R>(&self, f: impl FnOnce(&Twin) -> R) -> Result<R, EngineError> {
        let twin = self.twin.as_ref().ok_or(EngineError::Observed)?;
        Ok(f(&*twin.read().await))
    }

    pub async fn outages(&self, at: Timestamp) -> Result<(Vec<String>, Vec<String>), EngineError> {
        self.with_twin(|twin| twin.outages(at)).await
    }

    /// Every physical rack at the newest sample (None until the first).
    pub fn racks(&self) -> Option<Arc<RackFrame>> {
        self.racks.borrow().clone()
    }

    /// A receiver that sees every new frame (the newest, never a backlog).
    pub fn subscribe(&self) -> watch::Receiver<Option<Arc<Frame>>> {
        self.frames.clone()
    }

    /// A receiver that sees every new sample of the racks (the newest, never a backlog).
    pub fn subscribe_racks(&self) -> watch::Receiver<Option<Arc<RackFrame>>> {
        self.racks.clone()
    }

    /// Inject a fault (a drill or a test); it is recorded as an event.
    pub async fn inject(
        &self,
        kind: FaultKind,
        from: Timestamp,
        until: Option<Timestamp>,
    ) -> Result<(), EngineError> {
        if self.observed() {
            return Err(EngineError::Observed);
        }
        let (tx, rx) = oneshot::channel();
        self.control
            .send(Control::Inject(Fault { kind, from, until }, tx))
            .await
            .map_err(|_| EngineError::Stopped)?;
        rx.await
            .map_err(|_| EngineError::Stopped)?
            .map_err(EngineError::from)
    }

    /// Act on an alarm (acknowledge, shelve, unshelve) at the live park's now; the change is
    /// recorded as an event.
    pub async fn alarm(&self, action: AlarmAction) -> Result<Change, AlarmError> {
        if self.rules.is_none() {
            return Err(AlarmError::NoRules);
        }
        let (tx, rx) = oneshot::channel();
        self.control
            .send(Control::Alarm(action, tx))
            .await
            .map_err(|_| AlarmError::Stopped)?;
        rx.await.map_err(|_| AlarmError::Stopped)?
    }

    /// Stop the source, let the engine close its interval, wait for the store to write it.
    /// Subscribers' streams end. Calling it again does nothing.
    pub async fn shutdown(&self) {
        let signal = self.shutdown.lock().ok().and_then(|mut s| s.take());
        if let Some(tx) = signal {
            let _ = tx.send(());
        }
        let tasks: Vec<JoinHandle<()>> = self
            .tasks
            .lock()
            .map(|mut t| t.drain(..).collect())
            .unwrap_or_default();
        for task in tasks {
            let _ = task.await;
        }
    }
}

async fn source_task(
    twin: Arc<tokio::sync::RwLock<Twin>>,
    config: LiveConfig,
    start: Timestamp,
    samples: mpsc::Sender<Tick>,
) {
    let mut racks = Vec::new();
    let mut ticker = tokio::time::interval(config.tick);
    ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let began = tokio::time::Instant::now();
    loop {
        ticker.tick().await;
        if samples.is_closed() {
            return; // the engine has stopped (checked here too: a silent source never sends)
        }
        let sim_s = (began.elapsed().as_secs_f64() * config.speed).floor() as i64;
        let at = Timestamp::from_second(start.as_second() + sim_s).unwrap_or(start);
        let tick = {
            let twin = twin.read().await;
            if twin.telemetry_lost(at) {
                continue; // nothing arrives; the engine will mark the data stale
            }
            let sample = twin.sample(at);
            let mut frame = RackFrame {
                at,
                ..RackFrame::default()
            };
            for (i, state) in sample.centres.iter().enumerate() {
                twin.racks(i, at, state, &sample.weather, &mut racks);
                frame.power_kw.extend(racks.iter().map(|r| r.power_kw));
                frame.inlet_c.extend(racks.iter().map(|r| r.inlet_c));
                frame
                    .utilisation
                    .extend(racks.iter().map(|r| r.utilisation));
            }
            Tick {
                sample,
                racks: frame,
            }
        };
        if samples.send(tick).await.is_err() {
            return; // the engine has stopped
        }
    }
}

struct EngineTask {
    alarms: Option<LiveAlarms>,
    park: Park,
    twin: Arc<tokio::sync::RwLock<Twin>>,
    config: LiveConfig,
    samples: mpsc::Receiver<Tick>,
    control: mpsc::Receiver<Control>,
    shutdown: oneshot::Receiver<()>,
    frames: watch::Sender<Option<Arc<Frame>>>,
    racks: watch::Sender<Option<Arc<RackFrame>>>,
    intervals: mpsc::Sender<Vec<IntervalRecord>>,
    events: mpsc::Sender<Event>,
    /// Faults scripted ahead (a demo's), latest first: recorded as events once reached.
    scheduled: Vec<Event>,
    raw: Option<mpsc::Sender<RawBatch>>,
}

/// One tick of the park's raw series: when it arrived and the values.
struct RawBatch {
    ingest_ms: i64,
    samples: Vec<Sample>,
}

async fn engine_task(mut t: EngineTask) {
    let mut acc = IntervalAccumulator::new(&t.park);
    let hierarchy = Hierarchy::from_park(&t.park);
    let mut rollup = Rollup::default();
    let mut seq = 0u64;
    let mut last: Option<TwinSample> = None;
    let stale_after = t.config.tick * t.config.stale_after_ticks.max(1);
    loop {
        tokio::select! {
            _ = &mut t.shutdown => break,
            Some(control) = t.control.recv() => match control {
                Control::Inject(fault, reply) => {
                    let event = fault_event(&fault);
                    let result = t.twin.write().await.inject(fault);
                    if result.is_ok() {
                        let _ = t.events.send(event).await;
                    }
                    let _ = reply.send(result);
                }
                Control::Alarm(action, reply) => {
                    let now = last.as_ref().map_or(t.config.start, |s| s.power.at);
                    let result = match &mut t.alarms {
                        Some(live) => live.act(action, now),
                        None => Err(AlarmError::NoRules),
                    };
                    if let Ok(change) = &result {
                        let _ = t.events.send(alarm_event(change)).await;
                        // The list on screen follows at once, not at the next tick.
                        // (The watch's read guard must be gone before it is written.)
                        let current = t.frames.borrow().clone();
                        if let (Some(live), Some(current)) = (&t.alarms, current) {
                            let mut frame = (*current).clone();
                            frame.alarms = Arc::new(live.alarms.active());
                            t.frames.send_replace(Some(Arc::new(frame)));
                        }
                    }
                    let _ = reply.send(result);
                }
            },
            received = tokio::time::timeout(stale_after, t.samples.recv()) => match received {
                Ok(Some(Tick { sample, racks })) => {
                    while t.scheduled.last().is_some_and(|e| e.at <= sample.power.at) {
                        if let Some(event) = t.scheduled.pop() {
                            let _ = t.events.send(event).await;
                        }
                    }
                    let hours = t.config.tick.as_secs_f64() * t.config.speed / 3600.0;
                    if let Some(closed) = acc.push(&sample.power, hours) {
                        let _ = t.intervals.send(vec![closed]).await;
                    }
                    hierarchy.roll_up(&racks.power_kw, &mut rollup);
                    t.racks.send_replace(Some(Arc::new(racks)));
                    seq += 1;
                    let mut frame = frame(&t.park, seq, &sample, &rollup, Quality::Live);
                    if let Some(live) = &mut t.alarms {
                        // The outages in force only where a rule watches N-1 (the twin's lock,
                        // every tick).
                        let outages = match live.network {
                            Some(_) => t.twin.read().await.outages(frame.at),
                            None => (Vec::new(), Vec::new()),
                        };
                        for change in live.evaluate(
                            &t.park,
                            &frame,
                            &outages,
                            BTreeSet::new(),
                            &HashMap::new(),
                        ) {
                            let _ = t.events.send(alarm_event(&change)).await;
                        }
                        frame.alarms = Arc::new(live.alarms.active());
                    }
                    if let Some(raw) = &t.raw {
                        let delay = t.twin.read().await.delivery_delay_ms(frame.at);
                        let batch = RawBatch {
                            ingest_ms: frame.at.as_millisecond() + delay,
                            samples: park_samples(&frame),
                        };
                        if raw.send(batch).await.is_err() {
                            tracing::error!("the raw task has stopped; raw recording ends");
                            t.raw = None;
                        }
                    }
                    t.frames.send_replace(Some(Arc::new(frame)));
                    last = Some(sample);
                }
                Ok(None) => break,
                Err(_) => {
                    // No sample in time: say so, never repeat the old value as if it were new.
                    if let Some(sample) = &last {
                        seq += 1;
                        let mut stale = frame(&t.park, seq, sample, &rollup, Quality::Stale { since: sample.power.at });
                        if let Some(live) = &mut t.alarms {
                            // Stale: nothing is decided from values, N-1 included.
                            for change in live.evaluate(
                                &t.park,
                                &stale,
                                &(Vec::new(), Vec::new()),
                                BTreeSet::new(),
                                &HashMap::new(),
                            ) {
                                let _ = t.events.send(alarm_event(&change)).await;
                            }
                            stale.alarms = Arc::new(live.alarms.active());
                        }
                        t.frames.send_replace(Some(Arc::new(stale)));
                    }
                }
            },
        }
    }
    if let Some(closed) = acc.finish() {
        let _ = t.intervals.send(vec![closed]).await;
    }
}

struct RawTask<S> {
    ingest: RawIngest<S>,
    store: Arc<S>,
    park_id: String,
    retention: Retention,
    /// How many of the ingest's series are the park's own (the racks' follow).
    park_series: usize,
    racks: Option<(RackFeed, Arc<tokio::sync::RwLock<Twin>>)>,
    batches: mpsc::Receiver<RawBatch>,
}

/// Appends the park's raw series (and the racks', when recorded) each tick; applies retention
/// once per simulated day; writes every open chunk when the engine stops.
async fn raw_task<S: Store>(mut t: RawTask<S>) {
    let mut pruned_day = None;
    let mut shown_until = i64::MIN;
    while let Some(mut batch) = t.batches.recv().await {
        let Some(newest) = batch.samples.first().map(|s| s.source_ms) else {
            continue;
        };
        if let Some((feed, twin)) = &mut t.racks
            && let Ok(at) = Timestamp::from_millisecond(newest)
        {
            let twin = twin.read().await;
            batch.samples.extend_from_slice(feed.sample(&twin, at));
        }
        if let Err(e) = t.ingest.append(batch.ingest_ms, &batch.samples).await {
            // The log keeps what was acknowledged; this batch is lost, and said so.
            tracing::error!(error = %e, "recording raw series");
            continue;
        }
        // History readers see the park's open window too, at most 10 s of data behind.
        if newest >= shown_until {
            shown_until = newest + 10_000;
            if let Err(e) = t.ingest.write_open(0..t.park_series).await {
                tracing::error!(error = %e, "writing the open raw chunks");
            }
        }
        let day = newest.div_euclid(86_400_000);
        if pruned_day != Some(day) {
            pruned_day = Some(day);
            let before = |keep: Duration| {
                Timestamp::from_millisecond(newest - keep.as_millis() as i64)
                    .unwrap_or(Timestamp::UNIX_EPOCH)
            };
            match t
                .store
                .prune_raw(
                    &t.park_id,
                    before(t.retention.raw),
                    before(t.retention.rollups),
                )
                .await
            {
                Ok(pruned) => {
                    for damaged in &pruned.quarantined {
                        tracing::warn!("applying raw retention: {damaged}");
                    }
                }
                Err(e) => tracing::error!(error = %e, "applying raw retention"),
            }
        }
    }
    if let Err(e) = t.ingest.close().await {
        tracing::error!(error = %e, "writing the last raw chunks (they stay in the log)");
    }
}

/// The scheduler's outcome, recorded as a `schedule` event at every simulated hour (at most every
/// 10 real seconds when the park runs fast): the live plan of the twin's job stream beside
/// first-come-first-served and greedy, so briefings can show how scheduling did. Ends with the
/// engine (its frames stop).
async fn schedule_task(
    twin: Arc<tokio::sync::RwLock<Twin>>,
    mut frames: watch::Receiver<Option<Arc<Frame>>>,
    events: mpsc::Sender<Event>,
) {
    const EVERY_S: i64 = 3600;
    let min_gap = Duration::from_secs(10);
    let mut next_hour = None;
    let mut last_run: Option<tokio::time::Instant> = None;
    while frames.changed().await.is_ok() {
        let Some(at) = frames
            .borrow_and_update()
            .as_ref()
            .filter(|f| f.quality == Quality::Live)
            .map(|f| f.at)
        else {
            continue;
        };
        let hour = at.as_second().div_euclid(EVERY_S);
        let due = next_hour.is_none_or(|next| hour >= next);
        if !due || last_run.is_some_and(|t: tokio::time::Instant| t.elapsed() < min_gap) {
            continue;
        }
        next_hour = Some(hour + 1);
        last_run = Some(tokio::time::Instant::now());
        // The twin only for the problem (brief); planning runs off the runtime and off the lock.
        let problem = crate::plan::live_problem(&*twin.read().await, at);
        let Ok(outcome) = tokio::task::spawn_blocking(move || crate::plan::outcome(&problem)).await
        else {
            return;
        };
        let m = |m: &suangu_core::schedule::Metrics| {
            serde_json::json!({
                "job_energy_mwh": m.job_energy_mwh,
                "green_share_market": m.green_share_market,
                "cost_cny": m.cost_cny,
                "missed_deadlines": m.missed_deadlines,
                "co2_market_t": m.co2_market_t,
            })
        };
        let detail = serde_json::json!({
            "jobs": outcome.jobs,
            "horizon_h": 48,
            "ours": m(&outcome.ours),
            "fcfs": m(&outcome.fcfs),
            "greedy": m(&outcome.greedy),
        });
        let event = Event {
            at,
            kind: "schedule".to_owned(),
            target: "park".to_owned(),
            detail: detail.to_string(),
        };
        if events.send(event).await.is_err() {
            return;
        }
    }
}

async fn store_task<S: Store>(
    store: Arc<S>,
    park: Park,
    mut intervals: mpsc::Receiver<Vec<IntervalRecord>>,
    mut events: mpsc::Receiver<Event>,
) {
    let id = park.scenario().park.id.clone();
    loop {
        tokio::select! {
            batch = intervals.recv() => match batch {
                Some(batch) => {
                    if let Err(e) = store.write_intervals(&park, &batch).await {
                        tracing::error!(error = %e, "writing live intervals");
                    }
                }
                None => break,
            },
            Some(event) = events.recv() => {
                if let Err(e) = store.add_event(&id, &event).await {
                    tracing::error!(error = %e, "recording an event");
                }
            }
        }
    }
    // The engine has stopped: what it sent last is recorded too, never dropped at shutdown.
    while let Some(event) = events.recv().await {
        if let Err(e) = store.add_event(&id, &event).await {
            tracing::error!(error = %e, "recording an event");
        }
    }
}

fn frame(park: &Park, seq: u64, s: &TwinSample, racks: &Rollup, quality: Quality) -> Frame {
    let it = s.power.it().0;
    let facility = s.power.facility().0;
    Frame {
        seq,
        at: s.power.at,
        quality,
        it_mw: it,
        facility_mw: facility,
        green_mw: (s.power.gen_behind_meter + s.power.gen_contract).0,
        wind_mw: s.wind.0,
        pv_mw: s.pv.0,
        green_share_now: s.power.green_share_now().0,
        pue: if it > 0.0 { facility / it } else { 0.0 },
        outdoor_c: s.weather.outdoor_c,
        centres: park
            .centres()
            .zip(&s.power.centres)
            .zip(&s.centres)
            .enumerate()
            .map(|(i, ((c, p), state))| CentreNow {
                id: c.id.to_string(),
                it_mw: p.it.0,
                facility_mw: p.facility.0,
                utilisation: state.utilisation,
                supply: state.supply,
                shed_mw: state.shed.0,
                rack_it_mw: racks.centres.get(i).copied().unwrap_or(0.0) / 1000.0,
                quality: quality.into(),
            })
            .collect(),
        zones: park
            .scenario()
            .zones
            .iter()
            .enumerate()
            .map(|(i, z)| ZoneNow {
                id: z.id.to_string(),
                rack_it_mw: racks.zones.get(i).copied().unwrap_or(0.0) / 1000.0,
            })
            .collect(),
        substations: park
            .scenario()
            .substations
            .iter()
            .zip(&s.loading.substations)
            .map(|(st, load)| SubstationNow {
                id: st.id.to_string(),
                load_mw: load.0,
                quality: quality.into(),
            })
            .collect(),
        series: Vec::new(),
        links_down: s.links_down.clone(),
        stations_down: s.stations_down.clone(),
        feeders_down: s.feeders_down.clone(),
        alarms: Arc::default(),
    }
}

/// Trips and cooling losses in force (element ids), as the twin gives them.
type Outages = (Vec<String>, Vec<String>);

/// The alarm rules at work in the live park, and the names of the series they read.
pub(crate) struct LiveAlarms {
    pub(crate) alarms: Alarms,
    /// The park's supply network, where a rule watches N-1 (built once; never for an observed
    /// park, whose trips and facility loads are not measured).
    network: Option<Network>,
    /// [`park_series`]'s names, in [`park_samples`]'s order.
    series: Vec<String>,
    /// Frames of an observed park: each series by its own reading, never the frame's.
    observed: bool,
}

impl LiveAlarms {
    pub(crate) fn new(park: &Park, rules: Rules, observed: bool) -> Self {
        let watches_n1 = rules.rules.iter().any(|r| r.condition.kind() == "n1");
        Self {
            network: (watches_n1 && !observed).then(|| Network::of(park)),
            alarms: Alarms::new(rules),
            series: park_series(park).into_iter().map(|s| s.name).collect(),
            observed,
        }
    }

    /// Evaluate the rules on a frame, with the trips and cooling losses in force then. A stale
    /// frame makes every series stale and decides no value-based alarm (they keep their state
    /// until data returns). Headroom is each operating centre's IT capacity less its IT load now
    /// (the capacity module's full check of feeders and cooling is not made per tick). N-1 is
    /// the contingency module's, on the frame's loads and the outages in force (0.03 ms on
    /// Qingyang, docs/benchmarks.md): each single loss that would shed IT, with how much.
    ///
    /// An observed park's frame says each series' own reading: a live one is a sample, a stale
    /// one is stale (and `stale_sources` the sources all of whose series are), one not measured
    /// decides nothing; headroom only for centres measured live, the green share only when it
    /// is. Its frame's own quality is never applied to every series. `measured_at`: each
    /// series' point's own time where it is not the frame's (an observed series' newest point:
    /// a rate is its change over the time between its points, not between readings).
    pub(crate) fn evaluate(
        &mut self,
        park: &Park,
        frame: &Frame,
        outages: &Outages,
        stale_sources: BTreeSet<String>,
        measured_at: &HashMap<String, Timestamp>,
    ) -> Vec<Change> {
        let mut inputs = Inputs {
            stale_sources,
            ..Inputs::default()
        };
        let readings: HashMap<&str, Reading> =
            frame.series.iter().map(|(n, r)| (n.as_str(), *r)).collect();
        match frame.quality {
            Quality::Stale { .. } if !self.observed => {
                inputs.stale_series = self.series.iter().cloned().collect();
            }
            _ => {
                for (name, s) in self.series.iter().zip(park_samples(frame)) {
                    match readings.get(name.as_str()) {
                        None | Some(Reading::Live) => {
                            let sample = AlarmSample {
                                at: measured_at.get(name).copied().unwrap_or(frame.at),
                                value: s.value,
                            };
                            inputs.samples.insert(name.clone(), sample);
                        }
                        Some(Reading::Stale { .. } | Reading::NoData) => {
                            inputs.stale_series.insert(name.clone());
                        }
                        Some(Reading::NotMeasured) => {}
                    }
                }
                let mut park_capacity = 0.0;
                let mut park_it = 0.0;
                let mut all_measured = true;
                for (c, now) in park.centres().zip(&frame.centres) {
                    if c.status != suangu_core::scenario::Status::Operating {
                        continue;
                    }
                    if now.quality != Reading::Live {
                        all_measured = false;
                        continue;
                    }
                    let capacity = c.it_capacity_mw.value.0;
                    park_capacity += capacity;
                    park_it += now.it_mw;
                    inputs.headroom.insert(
                        c.id.to_string(),
                        Headroom {
                            headroom: Mw(capacity - now.it_mw),
                            capacity: Mw(capacity),
                        },
                    );
                }
                // The park's headroom only from every operating centre measured.
                if all_measured {
                    inputs.headroom.insert(
                        suangu_core::alarms::PARK.to_owned(),
                        Headroom {
                            headroom: Mw(park_capacity - park_it),
                            capacity: Mw(park_capacity),
                        },
                    );
                }
                if !readings.contains_key("park/green_share") {
                    inputs.green_share = Some(Ratio(frame.green_share_now));
                }
                if let Some(network) = &self.network {
                    let power: Vec<CentrePower> = frame
                        .centres
                        .iter()
                        .map(|c| CentrePower {
                            it: Mw(c.it_mw),
                            facility: Mw(c.facility_mw),
                        })
                        .collect();
                    let trips: Vec<&str> = outages.0.iter().map(String::as_str).collect();
                    let cooling: Vec<&str> = outages.1.iter().map(String::as_str).collect();
                    let state = State {
                        power: &power,
                        outages: &trips,
                        cooling_lost: &cooling,
                    };
                    inputs.n1 = Some(
                        network
                            .n1(&state)
                            .iter()
                            .map(|impact| N1Loss {
                                element: impact.element.id.clone(),
                                shed: impact.shed(),
                            })
                            .collect(),
                    );
                }
            }
        }
        self.alarms.evaluate(&inputs, frame.at)
    }

    pub(crate) fn act(
        &mut self,
        action: AlarmAction,
        now: Timestamp,
    ) -> Result<Change, AlarmError> {
        Ok(match action {
            AlarmAction::Acknowledge { key, by } => self.alarms.acknowledge(&key, &by, now)?,
            AlarmAction::Shelve { key, by, for_s } => {
                if !(60..=7 * 86_400).contains(&for_s) {
                    return Err(AlarmError::ShelfLength(for_s));
                }
                let until = Timestamp::from_second(now.as_second() + for_s).unwrap_or(now);
                self.alarms.shelve(&key, until, &by, now)?
            }
            AlarmAction::Unshelve { key, by } => self.alarms.unshelve(&key, &by, now)?,
        })
    }
}

/// The event log's record of an alarm change (`alarm_raised`, `alarm_acknowledged`, ...): the
/// target is the asset, the detail names the rule, severity, value and who acted.
pub(crate) fn alarm_event(change: &Change) -> Event {
    let mut detail = serde_json::json!({
        "rule": change.key.rule,
        "severity": change.severity.as_str(),
        "value": change.value.filter(|v| v.is_finite()),
    });
    match &change.kind {
        ChangeKind::Acknowledged { by } | ChangeKind::Unshelved { by: Some(by) } => {
            detail["by"] = by.clone().into();
        }
        ChangeKind::Shelved { until, by } => {
            detail["by"] = by.clone().into();
            detail["until"] = until.to_string().into();
        }
        _ => {}
    }
    Event {
        at: change.at,
        kind: format!("alarm_{}", change.kind.as_str()),
        target: change.key.target.clone(),
        detail: detail.to_string(),
    }
}

/// The event log's record of a fault: its kind, target and instants.
fn fault_event(fault: &Fault) -> Event {
    Event {
        at: fault.from,
        kind: fault_kind_name(&fault.kind).to_owned(),
        target: fault_target(&fault.kind),
        detail: match fault.until {
            Some(until) => format!("{{\"until\":\"{until}\"}}"),
            None => "{}".to_owned(),
        },
    }
}

fn fault_kind_name(kind: &FaultKind) -> &'static str {
    match kind {
        FaultKind::Trip(_) => "trip",
        FaultKind::CoolingLoss(_) => "cooling_loss",
        FaultKind::WindLull { .. } => "wind_lull",
        FaultKind::LinkCut(_) => "link_cut",
        FaultKind::TelemetryLoss => "telemetry_loss",
    }
}

fn fault_target(kind: &FaultKind) -> String {
    match kind {
        FaultKind::Trip(id) | FaultKind::CoolingLoss(id) | FaultKind::LinkCut(id) => id.clone(),
        FaultKind::WindLull { factor } => format!("wind x{factor}"),
        FaultKind::TelemetryLoss => "telemetry".to_owned(),
    }
}
