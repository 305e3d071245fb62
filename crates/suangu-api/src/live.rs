//! The live side of the API: the running engine's frames and trends from the store.

use crate::dto::{
    ApiError, CentreLive, ErrorCode, History, HistoryArgs, HistoryLevel, HistoryPoint, LiveFrame,
    PointQuality, Quality, SubstationLive, Trend, TrendArgs, TrendPoint, ZoneLive,
};
use crate::map::supply_dto;
use jiff::Timestamp;
use std::sync::Arc;
use suangu_core::Park;
use suangu_core::interval::interval_start;
use suangu_engine::live::{self, Engine, Frame, LiveConfig};
use suangu_sim::Twin;
use suangu_store::{Level, Scope, Store, chunk};

/// Periods up to this long come back as raw points; longer ones as rollups.
pub const RAW_SPAN_S: i64 = 2 * 3600;
use tokio::sync::watch;

/// A live park: its engine and its store.
pub struct Live<S: Store + 'static> {
    engine: Engine,
    store: Arc<S>,
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
        let engine = Engine::start(Twin::new(park, seed), store.clone(), config)
            .await
            .map_err(store_error)?;
        Ok(Self { engine, store })
    }

    /// The newest frame, as the wire sees it.
    pub fn frame(&self) -> Option<LiveFrame> {
        self.engine.latest().map(|f| live_frame(&f))
    }

    /// Every new frame, newest first (a new subscriber gets the current one at once).
    pub fn frames(&self) -> watch::Receiver<Option<Arc<Frame>>> {
        self.engine.subscribe()
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

    pub async fn shutdown(&self) {
        self.engine.shutdown().await;
    }
}

/// The wire form of an engine frame.
pub fn live_frame(f: &Frame) -> LiveFrame {
    let (quality, stale_since) = match f.quality {
        live::Quality::Live => (Quality::Live, None),
        live::Quality::Stale { since } => (Quality::Stale, Some(since.to_string())),
    };
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
            .map(|c| CentreLive {
                id: c.id.clone(),
                it_mw: c.it_mw,
                facility_mw: c.facility_mw,
                utilisation: c.utilisation,
                supply: supply_dto(c.supply),
                shed_mw: c.shed_mw,
                rack_it_mw: c.rack_it_mw,
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
            .map(|st| SubstationLive {
                id: st.id.clone(),
                load_mw: st.load_mw,
            })
            .collect(),
        links_down: f.links_down.clone(),
    }
}
