//! The live side of the API: the running engine's frames and trends from the store.

use crate::Api;
use crate::dto::{
    ApiError, CentreLive, ErrorCode, Heatmap, HeatmapArgs, HeatmapSource, History, HistoryArgs,
    HistoryLevel, HistoryPoint, LiveFrame, PointQuality, Quality, RackMetricName, SeriesLive,
    SubstationLive, Trend, TrendArgs, TrendPoint, ZoneLive,
};
use crate::heatmap::{FrameHead, Layout};
use crate::map::supply_dto;
use jiff::Timestamp;
use std::collections::HashMap;
use std::sync::Arc;
use suangu_core::Park;
use suangu_core::interval::interval_start;
use suangu_engine::live::{self, Engine, Frame, LiveConfig, RackFrame};
use suangu_engine::raw::RackFeed;
use suangu_sim::Twin;
use suangu_store::{Level, Scope, Store, chunk};

/// Periods up to this long come back as raw points; longer ones as rollups.
pub const RAW_SPAN_S: i64 = 2 * 3600;
use tokio::sync::watch;

/// A live park: its engine and its store.
pub struct Live<S: Store + 'static> {
    engine: Engine,
    store: Arc<S>,
    layout: Layout,
    /// Raw series ids of every operating rack, per metric, once all are registered.
    rack_ids: tokio::sync::Mutex<HashMap<RackMetricName, Vec<i64>>>,
    /// The evacuation plan of the latest drill on each asset, as shown when it started: what an
    /// operator approves (`evacuation_approve`).
    pub(crate) drills: std::sync::Mutex<HashMap<String, crate::dto::Drill>>,
}

/// The live twin's flags, the same for the window and `suangu serve`.
#[derive(Debug, Clone, Default, clap::Args)]
pub struct LiveArgs {
    /// Pace of the live twin: simulated seconds per real second (default 1, or the demo's).
    #[arg(long)]
    pub speed: Option<f64>,
    /// Play a demo pack: day-in-60s, wind-lull-dusk, trip-330kv, b01-online.
    #[arg(long, value_name = "PACK")]
    pub demo: Option<String>,
    /// Record every operating rack's eight metrics each tick into the raw store, so the rack
    /// heatmap can show any past instant (about 1 byte per point: some 13 GB a day for
    /// Qingyang at real time).
    #[arg(long)]
    pub record_racks: bool,
    /// Real milliseconds between the twin's samples (default 1000). With `--speed`, a soak test
    /// delivers days of 1 Hz frames in minutes (`--speed 1000 --tick-ms 1`).
    #[arg(long, value_name = "MS")]
    pub tick_ms: Option<u64>,
    /// Alarm rules file (TOML, like assets/config/alarms.toml: rules, severities, procedures).
    /// Default: the built-in rules where they fit the park (Qingyang's); another park runs
    /// without alarms until it is given a file.
    #[arg(long, value_name = "FILE")]
    pub alarms: Option<std::path::PathBuf>,
}

impl LiveArgs {
    /// The flags on their own, before anything opens: a pace that is not a positive number, or
    /// a pack that does not exist (named with the packs there are).
    pub fn check(&self) -> Result<(), String> {
        if let Some(speed) = self.speed.filter(|v| !(v.is_finite() && *v > 0.0)) {
            return Err(format!("--speed {speed}: must be a positive number"));
        }
        if let Some(ms) = self.tick_ms.filter(|ms| !(1..=60_000).contains(ms)) {
            return Err(format!("--tick-ms {ms}: must be 1..=60000"));
        }
        if let Some(id) = self
            .demo
            .as_deref()
            .filter(|d| suangu_sim::demo_pack(d).is_none())
        {
            return Err(format!(
                "--demo {id}: no such demo pack (there are: {})",
                suangu_sim::demo_packs()
                    .iter()
                    .map(|p| p.id)
                    .collect::<Vec<_>>()
                    .join(", ")
            ));
        }
        Ok(())
    }
}

/// How the live twin runs for `args`: in real time from now, or for a demo pack from its start
/// (the scenario's date at its local hour, so a demo tells the same story every time) at its pace
/// unless `--speed` overrides it, with the park's planned assets online when the pack asks.
pub fn live_config(api: Api, args: &LiveArgs) -> Result<(Api, LiveConfig), ApiError> {
    args.check().map_err(|message| ApiError {
        code: ErrorCode::BadArguments,
        message,
        details: Vec::new(),
    })?;
    let speed = args.speed;
    let Some(id) = args.demo.as_deref() else {
        let config = LiveConfig {
            speed: speed.unwrap_or(1.0),
            record_racks: args.record_racks,
            tick: tick(args),
            alarms: alarm_rules(api.park(), args.alarms.as_deref())?,
            ..LiveConfig::real_time(Timestamp::now())
        };
        return Ok((api, config));
    };
    let pack = suangu_sim::demo_pack(id).ok_or_else(|| ApiError {
        code: ErrorCode::BadArguments,
        message: format!("--demo {id}: no such demo pack"),
        details: Vec::new(),
    })?;
    let api = if pack.planned_online {
        api.with_planned_online()
    } else {
        api
    };
    let s = api.park().scenario();
    let tz = jiff::tz::TimeZone::get(&s.park.time_zone).map_err(|e| ApiError {
        code: ErrorCode::ScenarioInvalid,
        message: e.to_string(),
        details: Vec::new(),
    })?;
    let local = s.park.date.to_datetime(
        jiff::civil::Time::new(i8::try_from(pack.start_local_h).unwrap_or(0), 0, 0, 0)
            .unwrap_or(jiff::civil::Time::midnight()),
    );
    let start = tz.to_timestamp(local).map_err(|e| ApiError {
        code: ErrorCode::ScenarioInvalid,
        message: e.to_string(),
        details: Vec::new(),
    })?;
    let config = LiveConfig {
        speed: speed.unwrap_or(pack.speed),
        record_racks: args.record_racks,
        tick: tick(args),
        demo: Some(pack),
        alarms: alarm_rules(api.park(), args.alarms.as_deref())?,
        ..LiveConfig::real_time(start)
    };
    Ok((api, config))
}

/// The alarm rules of `file`, checked against the park (an unreadable file is
/// `scenario_unreadable`, a bad one `scenario_invalid` with each issue's line and field); without
/// a file, the built-in rules where they are this park's (another park runs without alarms
/// until it is given a file; said once in the log).
pub fn alarm_rules(
    park: &suangu_core::Park,
    file: Option<&std::path::Path>,
) -> Result<Option<suangu_core::alarms::Rules>, ApiError> {
    use suangu_core::alarms::{DEFAULT_RULES, DEFAULT_RULES_NAME, load_rules};
    let series: Vec<String> = suangu_engine::raw::park_series(park)
        .into_iter()
        .map(|s| s.name)
        .collect();
    let Some(file) = file else {
        return Ok(
            match load_rules(DEFAULT_RULES, DEFAULT_RULES_NAME, park, &series) {
                Ok(rules) => Some(rules),
                Err(e) => {
                    tracing::warn!(park = %park.scenario().park.id, "no alarm rules for this park: {e}");
                    None
                }
            },
        );
    };
    let text = std::fs::read_to_string(file).map_err(|e| ApiError {
        code: ErrorCode::ScenarioUnreadable,
        message: format!("--alarms {}: {e}", file.display()),
        details: Vec::new(),
    })?;
    load_rules(&text, &file.display().to_string(), park, &series)
        .map(Some)
        .map_err(crate::invalid)
}

/// See [`Live::heatmap_feed`].
pub struct HeatmapFeed<'a, S: Store + 'static> {
    live: &'a Live<S>,
    updates: watch::Receiver<Option<Arc<RackFrame>>>,
    metric: RackMetricName,
}

impl<S: Store + 'static> HeatmapFeed<'_, S> {
    /// The next frame (see [`crate::heatmap::frame`]; the host stamps it as it sends it), or
    /// None once the engine has stopped.
    pub async fn next(&mut self) -> Option<Result<Vec<u8>, ApiError>> {
        loop {
            self.updates.changed().await.ok()?;
            if self.updates.borrow_and_update().is_some() {
                let args = HeatmapArgs {
                    metric: self.metric,
                    at_s: None,
                };
                return Some(self.live.rack_heatmap_frame(args).await);
            }
        }
    }
}

fn tick(args: &LiveArgs) -> std::time::Duration {
    std::time::Duration::from_millis(args.tick_ms.unwrap_or(1000))
}

/// An engine refusal as the wire reports it: in observed mode, `command` needs the twin.
pub fn twin_error(command: &str, e: suangu_engine::live::EngineError) -> ApiError {
    match e {
        suangu_engine::live::EngineError::Observed => ApiError {
            code: ErrorCode::NotReady,
            message: format!(
                "{command}: the park is observed from its data sources (--config), \
                 not run by the digital twin; {command} needs the twin's state"
            ),
            details: Vec::new(),
        },
        other => ApiError {
            code: ErrorCode::NotReady,
            message: format!("{command}: {other}"),
            details: Vec::new(),
        },
    }
}

/// A store failure as the wire reports it.
pub fn store_error(e: impl std::fmt::Display) -> ApiError {
    ApiError {
        code: ErrorCode::StoreUnavailable,
        message: e.to_string(),
        details: Vec::new(),
    }
}

impl<S: Store + 'static> Live<S> {
    /// Start the twin for `park` with `seed`, writing into `store`.
    pub async fn start(
        park: Park,
        seed: u64,
        store: Arc<S>,
        config: LiveConfig,
    ) -> Result<Self, ApiError> {
        let layout = Layout::of(&park);
        let engine = Engine::start(Twin::new(park, seed), store.clone(), config)
            .await
            .map_err(store_error)?;
        Ok(Self {
            engine,
            store,
            layout,
            rack_ids: tokio::sync::Mutex::new(HashMap::new()),
            drills: std::sync::Mutex::new(HashMap::new()),
        })
    }

    /// The park as its data sources measure it (`suangu serve --config`): frames from the
    /// store's newest points of `feeds` (see [`suangu_engine::observed`]), no twin; commands
    /// that need the twin answer `not_ready` saying so ([`twin_error`]). `lag`: how far the
    /// store may be behind the sources' writer. `rules` ([`alarm_rules`]) are evaluated on
    /// every frame: a feed gone silent raises its `stale` alarms.
    pub fn observe(
        park: Park,
        store: Arc<S>,
        feeds: Vec<suangu_engine::observed::Feed>,
        lag: std::time::Duration,
        rules: Option<suangu_core::alarms::Rules>,
    ) -> Self {
        let layout = Layout::of(&park);
        let engine = Engine::observe(park, store.clone(), feeds, lag, rules);
        Self {
            engine,
            store,
            layout,
            rack_ids: tokio::sync::Mutex::new(HashMap::new()),
            drills: std::sync::Mutex::new(HashMap::new()),
        }
    }

    /// The newest frame, as the wire sees it.
    pub fn frame(&self) -> Option<LiveFrame> {
        self.engine.latest().map(|f| live_frame(&f))
    }

    /// Every new frame, newest first (a new subscriber gets the current one at once).
    pub fn frames(&self) -> watch::Receiver<Option<Arc<Frame>>> {
        self.engine.subscribe()
    }

    /// The live heatmap of `metric` as a feed of binary frames: one at once, then one at every
    /// new sample of the racks (the newest, never a backlog).
    pub fn heatmap_feed(&self, metric: RackMetricName) -> HeatmapFeed<'_, S> {
        let mut updates = self.engine.subscribe_racks();
        updates.mark_changed();
        HeatmapFeed {
            live: self,
            updates,
            metric,
        }
    }

    /// Park load and green share per 15 minutes for the last `hours` before the newest frame.
    pub async fn park_trend(&self, args: TrendArgs) -> Result<Trend, ApiError> {
        if !(1..=168).contains(&args.hours) {
            return Err(ApiError {
                code: ErrorCode::BadArguments,
                message: format!("park_trend: hours must be 1..=168, not {}", args.hours),
                details: Vec::new(),
            });
        }
        let park = self.engine.park();
        let id = park.scenario().park.id.as_str();
        let now = match args.until_s {
            Some(until) => Timestamp::from_second(i64::from(until)).map_err(|e| ApiError {
                code: ErrorCode::BadArguments,
                message: format!("park_trend: until_s {until}: {e}"),
                details: Vec::new(),
            })?,
            None => self.engine.now(),
        };
        // Whole intervals: the last `hours` of finished intervals before the one in progress.
        let current = interval_start(now);
        let from = Timestamp::from_second(current.as_second() - i64::from(args.hours) * 3600)
            .unwrap_or(now);
        // Up to now (the interval in progress when it is stored), or up to a past instant.
        let to = match args.until_s {
            Some(_) => now,
            None => Timestamp::from_second(now.as_second() + 1).unwrap_or(now),
        };
        let aggregates = self
            .store
            .aggregates(id, Level::Quarter, Scope::Park, id, from, to)
            .await
            .map_err(store_error)?;
        let ledger = self.store.ledger(id, from, to).await.map_err(store_error)?;
        let points = aggregates
            .iter()
            .filter_map(|a| {
                let l = ledger.iter().find(|l| l.start == a.start)?;
                let hours = 0.25;
                let load = l.ledger.load.0;
                Some(TrendPoint {
                    start_s: u32::try_from(a.start.as_second()).unwrap_or(0),
                    it_mw: a.it.0 / hours,
                    facility_mw: a.facility.0 / hours,
                    green_mw: l.ledger.generation().0 / hours,
                    green_share_market: if load > 0.0 {
                        (l.ledger.delivered.0 + l.ledger.green_discharged.0) / load
                    } else {
                        0.0
                    },
                })
            })
            .collect();
        Ok(Trend { points })
    }

    /// One raw series over `[from_s, to_s)`: raw points up to [`RAW_SPAN_S`], rollups beyond.
    pub async fn series_history(&self, args: HistoryArgs) -> Result<History, ApiError> {
        let bad = |message: String| ApiError {
            code: ErrorCode::BadArguments,
            message: format!("series_history: {message}"),
            details: Vec::new(),
        };
        let span = i64::from(args.to_s) - i64::from(args.from_s);
        if span <= 0 || span > 400 * 86_400 {
            return Err(bad(format!(
                "from_s {} to to_s {} must be a period of up to 400 days",
                args.from_s, args.to_s
            )));
        }
        let park_id = self.engine.park().scenario().park.id.as_str();
        let (id, _) = self
            .store
            .series(park_id, &args.series)
            .await
            .map_err(store_error)?
            .ok_or_else(|| bad(format!("no raw series named {:?}", args.series)))?;
        let ts = |s: u32| Timestamp::from_second(i64::from(s)).unwrap_or(Timestamp::UNIX_EPOCH);
        let (from, to) = (ts(args.from_s), ts(args.to_s));
        let seconds = |t: Timestamp| u32::try_from(t.as_second()).unwrap_or(0);
        if span <= RAW_SPAN_S {
            let range = self
                .store
                .raw_range(id, from, to)
                .await
                .map_err(store_error)?;
            Ok(History {
                series: args.series,
                level: HistoryLevel::Raw,
                points: range
                    .points
                    .iter()
                    .map(|p| {
                        let value = (p.quality != chunk::Quality::Bad).then_some(p.value);
                        HistoryPoint {
                            t_s: u32::try_from(p.source_ms.div_euclid(1000)).unwrap_or(0),
                            seconds: 1,
                            mean: value,
                            min: value,
                            max: value,
                            quality: match p.quality {
                                chunk::Quality::Good => PointQuality::Good,
                                chunk::Quality::Uncertain => PointQuality::Uncertain,
                                chunk::Quality::Bad => PointQuality::Bad,
                            },
                        }
                    })
                    .collect(),
                quarantined: range.quarantined.iter().map(ToString::to_string).collect(),
            })
        } else {
            let buckets = self
                .store
                .raw_buckets(id, from, to)
                .await
                .map_err(store_error)?;
            Ok(History {
                series: args.series,
                level: HistoryLevel::Rollup,
                points: buckets
                    .iter()
                    .map(|b| HistoryPoint {
                        t_s: seconds(b.start),
                        seconds: u32::try_from(b.seconds).unwrap_or(0),
                        mean: b.mean,
                        min: b.min,
                        max: b.max,
                        quality: if b.valued == 0 {
                            PointQuality::Bad
                        } else if b.valued < b.points {
                            PointQuality::Uncertain
                        } else {
                            PointQuality::Good
                        },
                    })
                    .collect(),
                quarantined: Vec::new(),
            })
        }
    }

    /// Every rack's value of `args.metric` in rack order (None: no data), its source and
    /// instant: now from the engine, or at a past instant from the raw store (racks recorded
    /// with `--record-racks` or `suangu simulate --raw`).
    async fn rack_values(
        &self,
        args: &HeatmapArgs,
    ) -> Result<(Vec<Option<f64>>, HeatmapSource, Option<Timestamp>), ApiError> {
        let layout = &self.layout;
        let mut values: Vec<Option<f64>> = vec![None; layout.cells.len()];
        let operating = || {
            layout
                .operating
                .iter()
                .flat_map(|(start, n)| *start..start + n)
        };
        let (source, at) = match args.at_s {
            None => match self.engine.racks() {
                Some(frame) => {
                    let column: Vec<f64> = match args.metric {
                        RackMetricName::PowerKw => {
                            frame.power_kw.iter().map(|v| f64::from(*v)).collect()
                        }
                        RackMetricName::InletC => {
                            frame.inlet_c.iter().map(|v| f64::from(*v)).collect()
                        }
                        RackMetricName::UtilisationPct => frame
                            .utilisation
                            .iter()
                            .map(|v| f64::from(*v) * 100.0)
                            .collect(),
                    };
                    for i in operating() {
                        values[i] = column.get(i).copied();
                    }
                    (HeatmapSource::Live, Some(frame.at))
                }
                None => (HeatmapSource::Live, None),
            },
            Some(at_s) => {
                let at = Timestamp::from_second(i64::from(at_s)).map_err(|e| ApiError {
                    code: ErrorCode::BadArguments,
                    message: format!("rack_heatmap: at_s {at_s}: {e}"),
                    details: Vec::new(),
                })?;
                let ids = self.rack_ids(args.metric).await?;
                let known: Vec<(usize, i64)> = operating()
                    .zip(&ids)
                    .filter_map(|(rack, id)| id.map(|id| (rack, id)))
                    .collect();
                let series: Vec<i64> = known.iter().map(|(_, id)| *id).collect();
                let points = self
                    .store
                    .raw_snapshot(&series, at)
                    .await
                    .map_err(store_error)?;
                for ((rack, _), point) in known.iter().zip(points) {
                    values[*rack] = point
                        .filter(|p| p.quality != chunk::Quality::Bad)
                        .map(|p| p.value);
                }
                (HeatmapSource::Raw, Some(at))
            }
        };
        Ok((values, source, at))
    }

    /// Racks of the operating centres, and how many of them have a value.
    fn rack_counts(&self, values: &[Option<f64>]) -> (u32, u32) {
        let operating = self
            .layout
            .operating
            .iter()
            .flat_map(|(start, n)| *start..start + n);
        let racks = operating.clone().count();
        let with_data = operating.filter(|i| values[*i].is_some()).count();
        (
            u32::try_from(racks).unwrap_or(0),
            u32::try_from(with_data).unwrap_or(0),
        )
    }

    /// The heatmap as a binary frame (see [`crate::heatmap::frame`]), for the live view's
    /// updates: the same values as [`Self::rack_heatmap`], without the layout.
    pub async fn rack_heatmap_frame(&self, args: HeatmapArgs) -> Result<Vec<u8>, ApiError> {
        let (values, source, at) = self.rack_values(&args).await?;
        let (racks, racks_with_data) = self.rack_counts(&values);
        Ok(self.layout.frame(
            FrameHead {
                metric: args.metric,
                source,
                at_s: at.map(|t| u32::try_from(t.as_second()).unwrap_or(0)),
                racks,
                racks_with_data,
            },
            &values,
        ))
    }

    /// Every physical rack coloured by `metric`, with the layout of its centres and halls.
    pub async fn rack_heatmap(&self, args: HeatmapArgs) -> Result<Heatmap, ApiError> {
        let (values, source, at) = self.rack_values(&args).await?;
        let (racks, racks_with_data) = self.rack_counts(&values);
        let layout = &self.layout;
        let (scale_lo, scale_hi) = crate::heatmap::scale(args.metric, &values);
        Ok(Heatmap {
            metric: args.metric,
            at_s: at.map(|t| u32::try_from(t.as_second()).unwrap_or(0)),
            source,
            width: layout.width,
            height: layout.height,
            cells: layout.grid(&values),
            scale_lo,
            scale_hi,
            blocks: layout.blocks.clone(),
            racks_with_data,
            racks,
        })
    }

    /// The raw series id of every operating rack's `metric`, in rack order (None: never
    /// recorded). Cached once every rack has one.
    async fn rack_ids(&self, metric: RackMetricName) -> Result<Vec<Option<i64>>, ApiError> {
        let mut cache = self.rack_ids.lock().await;
        if let Some(ids) = cache.get(&metric) {
            return Ok(ids.iter().copied().map(Some).collect());
        }
        let suffix = format!("/{}", metric.series_suffix());
        let names: Vec<String> = RackFeed::series(self.engine.park())
            .into_iter()
            .map(|s| s.name)
            .filter(|n| n.ends_with(&suffix))
            .collect();
        let park_id = self.engine.park().scenario().park.id.as_str();
        let ids = self
            .store
            .series_ids(park_id, &names)
            .await
            .map_err(store_error)?;
        if let Some(all) = ids.iter().copied().collect::<Option<Vec<i64>>>() {
            cache.insert(metric, all);
        }
        Ok(ids)
    }

    pub(crate) fn engine(&self) -> &Engine {
        &self.engine
    }

    pub(crate) fn store(&self) -> &S {
        &self.store
    }

    pub async fn shutdown(&self) {
        self.engine.shutdown().await;
    }
}

/// The wire form of an engine frame.
pub(crate) fn alarm_dto(a: &suangu_core::alarms::AlarmView) -> crate::dto::AlarmDto {
    let s = |t: Timestamp| u32::try_from(t.as_second()).unwrap_or(0);
    crate::dto::AlarmDto {
        rule: a.key.rule.clone(),
        target: a.key.target.clone(),
        severity: a.severity.as_str().to_owned(),
        name: crate::name(&a.name),
        active: a.active,
        raised_s: s(a.raised_at),
        cleared_s: a.cleared_at.map(s),
        acknowledged_by: a.acknowledged.as_ref().map(|ack| ack.by.clone()),
        acknowledged_s: a.acknowledged.as_ref().map(|ack| s(ack.at)),
        shelved_until_s: a.shelved_until.map(s),
        flapping: a.flapping,
        value: a.last_value.filter(|v| v.is_finite()),
        count: a.count,
    }
}

/// A value's quality on the wire, and since when it is stale.
fn reading(r: live::Reading) -> (Quality, Option<String>) {
    match r {
        live::Reading::Live => (Quality::Live, None),
        live::Reading::Stale { since } => (Quality::Stale, Some(since.to_string())),
        live::Reading::NotMeasured => (Quality::NotMeasured, None),
        live::Reading::NoData => (Quality::NoData, None),
    }
}

pub fn live_frame(f: &Frame) -> LiveFrame {
    let (quality, stale_since) = reading(f.quality.into());
    LiveFrame {
        seq: u32::try_from(f.seq % u64::from(u32::MAX)).unwrap_or(0),
        at: f.at.to_string(),
        at_s: u32::try_from(f.at.as_second()).unwrap_or(0),
        quality,
        stale_since,
        it_mw: f.it_mw,
        facility_mw: f.facility_mw,
        green_mw: f.green_mw,
        wind_mw: f.wind_mw,
        pv_mw: f.pv_mw,
        green_share_now: f.green_share_now,
        pue: f.pue,
        outdoor_c: f.outdoor_c,
        centres: f
            .centres
            .iter()
            .map(|c| {
                let (quality, stale_since) = reading(c.quality);
                CentreLive {
                    id: c.id.clone(),
                    it_mw: c.it_mw,
                    facility_mw: c.facility_mw,
                    utilisation: c.utilisation,
                    supply: supply_dto(c.supply),
                    shed_mw: c.shed_mw,
                    rack_it_mw: c.rack_it_mw,
                    quality,
                    stale_since,
                }
            })
            .collect(),
        zones: f
            .zones
            .iter()
            .map(|z| ZoneLive {
                id: z.id.clone(),
                rack_it_mw: z.rack_it_mw,
            })
            .collect(),
        substations: f
            .substations
            .iter()
            .map(|st| {
                let (quality, stale_since) = reading(st.quality);
                SubstationLive {
                    id: st.id.clone(),
                    load_mw: st.load_mw,
                    quality,
                    stale_since,
                }
            })
            .collect(),
        series: f
            .series
            .iter()
            .map(|(series, r)| {
                let (quality, stale_since) = reading(*r);
                SeriesLive {
                    series: series.clone(),
                    quality,
                    stale_since,
                }
            })
            .collect(),
        links_down: f.links_down.clone(),
        stations_down: f.stations_down.clone(),
        alarms: f.alarms.iter().map(alarm_dto).collect(),
        feeders_down: f.feeders_down.clone(),
    }
}

/// The series a data-source file feeds, for an observed live picture ([`Live::observe`]): the
/// file at `path` read and checked against `api`'s park (its series as
/// `suangu_engine::raw::park_series` names them). Errors are lines for a person: the file that
/// cannot be read, or each problem with its line and field.
pub fn observed_feeds(
    api: &Api,
    path: &std::path::Path,
) -> Result<Vec<suangu_engine::observed::Feed>, Vec<String>> {
    let name = path.display().to_string();
    let text = std::fs::read_to_string(path).map_err(|e| vec![format!("{name}: {e}")])?;
    let park = api.park();
    let series: Vec<String> = suangu_engine::raw::park_series(park)
        .into_iter()
        .map(|s| s.name)
        .collect();
    suangu_core::sources::load_config(&text, &name, &park.scenario().park.id, &series)
        .map(|config| suangu_engine::observed::feeds(&config))
        .map_err(|errors| errors.0.iter().map(ToString::to_string).collect())
}
