//! Raw telemetry from the twin: every physical rack of the operating centres reports its eight
//! metrics ([`suangu_sim::RACK_METRICS`]) each step, into the raw store's ingest.

use crate::live::Frame;
use jiff::Timestamp;
use std::sync::Arc;
use suangu_core::Park;
use suangu_core::scenario::Status;
use suangu_sim::{RACK_METRICS, RackSample, Twin};
use suangu_store::chunk::Quality;
use suangu_store::ingest::{IngestStats, RawIngest, Recovered, Sample};
use suangu_store::{SeriesSpec, Store, StoreError};

/// The rack series of a park and a reusable buffer of their samples.
pub struct RackFeed {
    /// Centre index (scenario order) of each operating centre fed.
    centres: Vec<usize>,
    /// Series index of the first rack's first metric in the ingest's list.
    first_series: u32,
    racks: Vec<RackSample>,
    values: Vec<f32>,
    samples: Vec<Sample>,
}

impl RackFeed {
    /// The series every operating centre's racks report, rack by rack (centres in scenario
    /// order, halls, rows, racks), metric by metric: `CM-N01.H1.R01.07/power_kw`.
    pub fn series(park: &Park) -> Vec<SeriesSpec> {
        let mut out = Vec::new();
        for c in park.centres().filter(|c| c.status == Status::Operating) {
            for h in &c.halls {
                for row in 1..=h.rows {
                    for rack in 1..=h.racks_per_row {
                        for m in &RACK_METRICS {
                            out.push(SeriesSpec {
                                name: format!("{}.{}.R{row:02}.{rack:02}/{}", c.id, h.id, m.name),
                                resolution: m.resolution,
                            });
                        }
                    }
                }
            }
        }
        out
    }

    pub fn new(park: &Park) -> Self {
        Self {
            centres: park
                .centres()
                .enumerate()
                .filter(|(_, c)| c.status == Status::Operating)
                .map(|(i, _)| i)
                .collect(),
            first_series: 0,
            racks: Vec::new(),
            values: Vec::new(),
            samples: Vec::new(),
        }
    }

    /// The same feed for an ingest whose list has other series before the racks'.
    pub fn after(mut self, series_before: usize) -> Self {
        self.first_series = u32::try_from(series_before).unwrap_or(u32::MAX);
        self
    }

    /// Every fed rack's metrics at `t`, in [`RackFeed::series`] order (empty while the twin's
    /// telemetry is lost).
    pub fn sample(&mut self, twin: &Twin, t: Timestamp) -> &[Sample] {
        self.samples.clear();
        if twin.telemetry_lost(t) {
            return &self.samples;
        }
        let park = twin.sample(t);
        self.values.clear();
        for &i in &self.centres {
            if let Some(state) = park.centres.get(i) {
                twin.racks(i, t, state, &park.weather, &mut self.racks);
                twin.rack_telemetry(i, t, &self.racks, &mut self.values);
            }
        }
        let (source_ms, first) = (t.as_millisecond(), self.first_series);
        self.samples
            .extend(self.values.iter().enumerate().map(|(s, v)| Sample {
                series: first + s as u32,
                source_ms,
                value: f64::from(*v),
                quality: Quality::Good,
            }));
        &self.samples
    }
}

/// The twin's racks recorded into the raw store.
pub struct RackRecorder<S> {
    pub feed: RackFeed,
    pub ingest: RawIngest<S>,
}

impl<S: Store> RackRecorder<S> {
    /// Register the park's rack series and open the ingest's log in `log_dir` (replaying what a
    /// previous run left there).
    pub async fn open(
        store: Arc<S>,
        park: &Park,
        log_dir: &std::path::Path,
    ) -> Result<(Self, Recovered), StoreError> {
        let (ingest, recovered) = RawIngest::open(
            store,
            &park.scenario().park.id,
            log_dir,
            &RackFeed::series(park),
        )
        .await?;
        Ok((
            Self {
                feed: RackFeed::new(park),
                ingest,
            },
            recovered,
        ))
    }

    /// Record every rack at `t`, received after the twin's delivery delay.
    pub async fn record(&mut self, twin: &Twin, t: Timestamp) -> Result<usize, StoreError> {
        let samples = self.feed.sample(twin, t);
        let n = samples.len();
        if n > 0 {
            let ingest_ms = t.as_millisecond() + twin.delivery_delay_ms(t);
            self.ingest.append(ingest_ms, samples).await?;
        }
        Ok(n)
    }

    /// Write every open chunk and empty the log.
    pub async fn close(self) -> Result<IngestStats, StoreError> {
        self.ingest.close().await
    }
}

/// The park's own raw series, recorded live at every tick: park totals, then each centre's IT
/// load, then each substation's load.
pub fn park_series(park: &Park) -> Vec<SeriesSpec> {
    let spec = |name: String, resolution: f64| SeriesSpec { name, resolution };
    let mut out: Vec<SeriesSpec> = PARK_SERIES
        .iter()
        .map(|(name, resolution)| spec(format!("park/{name}"), *resolution))
        .collect();
    out.extend(park.centres().map(|c| spec(format!("{}/it_kw", c.id), 1.0)));
    out.extend(
        park.scenario()
            .substations
            .iter()
            .map(|s| spec(format!("{}/load_kw", s.id), 1.0)),
    );
    out
}

/// Park totals recorded raw, with their resolutions.
const PARK_SERIES: [(&str, f64); 8] = [
    ("it_kw", 1.0),
    ("facility_kw", 1.0),
    ("green_kw", 1.0),
    ("wind_kw", 1.0),
    ("pv_kw", 1.0),
    ("green_share", 0.001),
    ("pue", 0.001),
    ("outdoor_c", 0.1),
];

/// A live frame as samples of [`park_series`], in the same order.
pub fn park_samples(frame: &Frame) -> Vec<Sample> {
    let kw = |mw: f64| mw * 1000.0;
    let totals = [
        kw(frame.it_mw),
        kw(frame.facility_mw),
        kw(frame.green_mw),
        kw(frame.wind_mw),
        kw(frame.pv_mw),
        frame.green_share_now,
        frame.pue,
        frame.outdoor_c,
    ];
    let source_ms = frame.at.as_millisecond();
    totals
        .into_iter()
        .chain(frame.centres.iter().map(|c| kw(c.it_mw)))
        .chain(frame.substations.iter().map(|s| kw(s.load_mw)))
        .enumerate()
        .map(|(i, value)| Sample {
            series: i as u32,
            source_ms,
            value,
            quality: Quality::Good,
        })
        .collect()
}
