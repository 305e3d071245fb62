//! The one writer of a park's raw series: every connector hands it samples and gets an answer
//! only once they are durable (in the synced log), so a connector acknowledges a message to its
//! source only after its points are safe.

use std::path::Path;
use std::sync::Arc;
use suangu_store::ingest::{IngestStats, RawIngest, Recovered, Sample};
use suangu_store::{SeriesSpec, Store, StoreError};
use tokio::sync::{mpsc, oneshot};
use tokio::task::JoinHandle;

/// How often the open chunks are written so readers see the newest points before their
/// 5-minute window closes.
pub use suangu_store::ingest::PUBLISH_OPEN_EVERY as PUBLISH_EVERY;

type Request = (Vec<Sample>, oneshot::Sender<Result<(), String>>);

/// A handle to the writer task; cheap to clone.
#[derive(Clone)]
pub struct Writer {
    tx: mpsc::Sender<Request>,
}

/// Why a write did not happen.
#[derive(Debug, thiserror::Error)]
pub enum WriteError {
    #[error("the raw writer has stopped")]
    Stopped,
    #[error("storing points: {0}")]
    Store(String),
}

impl Writer {
    /// Register `series` for `park`, open its raw log in `log_dir` (replaying what a previous
    /// run left) and start the writer task; it ends when every handle is dropped, flushing.
    pub async fn start<S: Store + 'static>(
        store: Arc<S>,
        park: &str,
        log_dir: &Path,
        series: &[SeriesSpec],
    ) -> Result<
        (
            Writer,
            Recovered,
            JoinHandle<Result<IngestStats, StoreError>>,
        ),
        StoreError,
    > {
        let (mut ingest, recovered) = RawIngest::open(store, park, log_dir, series).await?;
        let (tx, mut rx) = mpsc::channel::<Request>(64);
        let count = series.len();
        let task = tokio::spawn(async move {
            let mut publish = tokio::time::interval(PUBLISH_EVERY);
            publish.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            loop {
                tokio::select! {
                    request = rx.recv() => {
                        let Some((samples, reply)) = request else { break };
                        let now_ms = jiff::Timestamp::now().as_millisecond();
                        let result = ingest.append(now_ms, &samples).await.map_err(|e| e.to_string());
                        if let Err(e) = &result {
                            tracing::error!("raw writer: {e}");
                        }
                        let _ = reply.send(result);
                    }
                    _ = publish.tick() => {
                        if let Err(e) = ingest.write_open(0..count).await {
                            tracing::warn!("raw writer: writing the open chunks: {e}");
                        }
                    }
                }
            }
            ingest.close().await
        });
        Ok((Writer { tx }, recovered, task))
    }

    /// Store `samples`; Ok once they are durable.
    pub async fn write(&self, samples: Vec<Sample>) -> Result<(), WriteError> {
        let (reply, answer) = oneshot::channel();
        self.tx
            .send((samples, reply))
            .await
            .map_err(|_| WriteError::Stopped)?;
        answer
            .await
            .map_err(|_| WriteError::Stopped)?
            .map_err(WriteError::Store)
    }
}
