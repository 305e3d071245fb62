//! Suangu's data sources for real parks: connectors (MQTT, Prometheus, file drops, DCIM HTTP APIs) that feed the park's raw series in the store,
//! with every point's quality, each source's health, and nothing lost on the way.
//!
//! Invariants: connectors do I/O and read clocks (this is an edge); what a point means (its
//! quality, its unit, whether a series is stale) is decided by the pure core
//! (`suangu_core::quality`, `suangu_core::sources`). A source acknowledges nothing before its
//! points are durable. No park model logic here, and no UI.

pub mod backoff;
pub mod dcim;
pub mod files;
pub mod health;
pub mod http;
pub mod mqtt;
pub mod payload;
pub mod prometheus;
pub mod route;
pub mod secret;
pub mod writer;

use health::{Health, SourceHealth};
use std::collections::HashMap;
use std::path::Path;
use std::sync::Arc;
use std::time::Instant;
use suangu_core::sources::{Link, SourcesConfig};
use suangu_store::ingest::{IngestStats, Recovered};
use suangu_store::{SeriesSpec, Store, StoreError};
use tokio::sync::watch;
use tokio::task::JoinHandle;

pub use mqtt::Failpoints;

/// The configured sources, running.
pub struct Sources {
    health: Vec<Health>,
    stop: watch::Sender<bool>,
    connectors: Vec<JoinHandle<()>>,
    writer: JoinHandle<Result<IngestStats, StoreError>>,
    /// What the raw log of a previous run held, stored at start.
    pub recovered: Recovered,
}

impl Sources {
    /// Start every source of `config` for `park`, writing through one raw writer whose log is in
    /// `log_dir`. The series are registered with the resolutions the file gives.
    pub async fn start<S: Store + 'static>(
        config: &SourcesConfig,
        store: Arc<S>,
        log_dir: &Path,
        failpoints: Failpoints,
    ) -> Result<Self, StoreError> {
        let mut specs: Vec<SeriesSpec> = Vec::new();
        let mut index: HashMap<String, u32> = HashMap::new();
        for point in config.sources.iter().flat_map(|s| &s.points) {
            index.entry(point.series.clone()).or_insert_with(|| {
                specs.push(SeriesSpec {
                    name: point.series.clone(),
                    resolution: point.resolution,
                });
                u32::try_from(specs.len() - 1).unwrap_or(u32::MAX)
            });
        }
        let (writer, recovered, writer_task) =
            writer::Writer::start(store.clone(), &config.park, log_dir, &specs).await?;
        // Where each polled series stands in the store: a restart goes on from there, so the
        // time it was down is filled from the source's own history.
        let polled: Vec<String> = config
            .sources
            .iter()
            .filter(|s| s.prometheus.is_some())
            .flat_map(|s| s.points.iter().map(|p| p.series.clone()))
            .collect();
        let newest = newest_points(store.as_ref(), &config.park, &polled).await?;
        let (stop, stopped) = watch::channel(false);
        let now = Instant::now();
        let mut health = Vec::new();
        let mut connectors = Vec::new();
        for source in &config.sources {
            let series: Vec<String> = source.points.iter().map(|p| p.series.clone()).collect();
            let h = Health::new(&source.id, &series, source.expected_interval(), now);
            health.push(h.clone());
            let Some(routes) = route::routes(source, |name| index.get(name).copied()) else {
                // Every point's series was registered above; said, not hidden, if not.
                h.link(health::Link::Misconfigured {
                    reason: "a point's series is not registered".to_owned(),
                });
                continue;
            };
            let stop = stopped.clone();
            let w = writer.clone();
            let task = match source.link() {
                Some(Link::Mqtt(link)) => {
                    let c = mqtt::Mqtt::new(source.clone(), link.clone(), routes, w, h, failpoints);
                    tokio::spawn(c.run(stop))
                }
                Some(Link::Prometheus(link)) => {
                    let c = prometheus::Prometheus::new(
                        source.clone(),
                        link.clone(),
                        routes,
                        &newest,
                        w,
                        h,
                    );
                    tokio::spawn(c.run(stop))
                }
                Some(Link::Files(link)) => tokio::spawn(
                    files::Files::new(source.clone(), link.clone(), routes, w, h).run(stop),
                ),
                Some(Link::Http(link)) => tokio::spawn(
                    dcim::Dcim::new(source.clone(), link.clone(), routes, w, h).run(stop),
                ),
                // load_config refuses a source without exactly one link.
                None => {
                    h.link(health::Link::Misconfigured {
                        reason: "no link".to_owned(),
                    });
                    continue;
                }
            };
            connectors.push(task);
        }
        Ok(Self {
            health,
            stop,
            connectors,
            writer: writer_task,
            recovered,
        })
    }

    /// Every source's health at `now`.
    pub fn health(&self, now: Instant) -> Vec<SourceHealth> {
        self.health.iter().map(|h| h.snapshot(now)).collect()
    }

    /// Stop the connectors (each stores and acknowledges what it holds), then close the writer,
    /// which writes every open chunk. Returns its counts and each source's last health.
    pub async fn stop(self) -> Result<(IngestStats, Vec<SourceHealth>), StoreError> {
        let _ = self.stop.send(true);
        for c in self.connectors {
            let _ = c.await;
        }
        let last = self
            .health
            .iter()
            .map(|h| h.snapshot(Instant::now()))
            .collect();
        match self.writer.await {
            Ok(result) => result.map(|stats| (stats, last)),
            Err(e) => Err(StoreError::Query {
                url: String::new(),
                what: "closing the raw writer",
                message: e.to_string(),
            }),
        }
    }
}

/// The source time of the newest stored point of each of `names`, however old (a poll reaches
/// back [`prometheus::MAX_BACKFILL_MS`] from it at most, and says what it leaves out).
async fn newest_points<S: Store>(
    store: &S,
    park: &str,
    names: &[String],
) -> Result<HashMap<String, i64>, StoreError> {
    let mut newest = HashMap::new();
    if names.is_empty() {
        return Ok(newest);
    }
    let ids = store.series_ids(park, names).await?;
    for (name, id) in names.iter().zip(ids) {
        let Some(id) = id else { continue };
        if let Some(last) = store.raw_newest(id).await? {
            newest.insert(name.clone(), last.source_ms);
        }
    }
    Ok(newest)
}
