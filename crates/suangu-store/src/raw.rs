//! The raw store's rows: what the [`crate::Store`] raw methods take and give.

use crate::chunk::{ChunkStats, Point};
use jiff::Timestamp;

/// Every chunk covers one fixed window of this many seconds (300 points of a 1 Hz series).
pub const CHUNK_SECONDS: i64 = 300;

/// The start (Unix seconds) of the chunk window holding `source_ms`.
pub fn window_start(source_ms: i64) -> i64 {
    source_ms.div_euclid(1000 * CHUNK_SECONDS) * CHUNK_SECONDS
}

/// A raw series to register.
#[derive(Debug, Clone, PartialEq)]
pub struct SeriesSpec {
    /// Unique within the park, e.g. `Q01.H1.R03.07/power_kw`.
    pub name: String,
    /// Values are kept to this step, in the series' unit (e.g. 0.1 kW).
    pub resolution: f64,
}

/// One finished chunk.
#[derive(Debug, Clone, PartialEq)]
pub struct ChunkRow {
    pub series: i64,
    /// Window start, Unix seconds.
    pub start_s: i64,
    pub stats: ChunkStats,
    pub bytes: Vec<u8>,
}

/// A chunk moved aside because it failed its checksum.
#[derive(Debug, Clone, PartialEq)]
pub struct Quarantined {
    pub series: i64,
    pub start: Timestamp,
    pub problem: String,
}

impl std::fmt::Display for Quarantined {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "chunk of series {} at {} moved from raw_chunks to raw_quarantine: {}",
            self.series, self.start, self.problem
        )
    }
}

/// What a raw range query found.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct RawRange {
    pub points: Vec<Point>,
    /// Damaged chunks met on the way (moved to `raw_quarantine`); their points are missing.
    pub quarantined: Vec<Quarantined>,
}

/// The rollup of one series over one window or hour.
#[derive(Debug, Clone, PartialEq)]
pub struct RawBucket {
    pub start: Timestamp,
    pub seconds: i64,
    pub points: u32,
    /// Points with a value (good or uncertain); min, max and mean are over these.
    pub valued: u32,
    pub min: Option<f64>,
    pub max: Option<f64>,
    pub mean: Option<f64>,
}

/// What retention removed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Pruned {
    pub chunks: u64,
    pub rollups: u64,
}
