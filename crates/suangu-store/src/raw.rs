//! The raw store's rows: what the [`crate::Store`] raw methods take and give.

use crate::chunk::{ChunkError, ChunkStats, Point, decode};
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
    /// The writer whose chunk it was (see [`crate::ingest::RawIngest::writer`]).
    pub writer: String,
    pub problem: String,
}

impl std::fmt::Display for Quarantined {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "chunk of series {} at {} by writer {} moved from raw_chunks to raw_quarantine: {}",
            self.series, self.start, self.writer, self.problem
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
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Pruned {
    pub chunks: u64,
    pub rollups: u64,
    /// Damaged chunks met while merging several writers' chunks of a window (moved to
    /// `raw_quarantine`); their points are not in the hourly rollup.
    pub quarantined: Vec<Quarantined>,
}

/// The points of one window of a series held by several writers' chunks (each in time order),
/// given in the order of their writer ids: one point per source time. Where two writers hold the
/// same source time, the point received last (ingest time) wins, and on equal ingest times the
/// writer whose id sorts last, so every reader picks the same point.
pub(crate) fn merge_writers(mut chunks: Vec<Vec<Point>>) -> Vec<Point> {
    if chunks.len() <= 1 {
        return chunks.pop().unwrap_or_default();
    }
    let mut merged: std::collections::BTreeMap<i64, Point> = std::collections::BTreeMap::new();
    for p in chunks.into_iter().flatten() {
        merged
            .entry(p.source_ms)
            .and_modify(|kept| {
                if p.ingest_ms >= kept.ingest_ms {
                    *kept = p;
                }
            })
            .or_insert(p);
    }
    merged.into_values().collect()
}

/// Decode the chunks `(writer, bytes)` of one window, in writer order, and merge them
/// ([`merge_writers`]); the damaged ones are left out and returned beside, by writer.
pub(crate) fn decode_window<'a>(
    chunks: impl IntoIterator<Item = (&'a str, &'a [u8])>,
) -> (Vec<Point>, Vec<(&'a str, ChunkError)>) {
    let (mut decoded, mut damaged) = (Vec::new(), Vec::new());
    for (writer, bytes) in chunks {
        match decode(bytes) {
            Ok(points) => decoded.push(points),
            Err(problem) => damaged.push((writer, problem)),
        }
    }
    (merge_writers(decoded), damaged)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::chunk::Quality;

    fn p(source_ms: i64, ingest_ms: i64, value: f64) -> Point {
        Point {
            source_ms,
            ingest_ms,
            value,
            quality: Quality::Good,
        }
    }

    #[test]
    fn writers_merge_each_source_time_once_the_latest_received_winning() {
        let a = vec![p(0, 10, 1.0), p(2, 50, 2.0), p(4, 60, 3.0)];
        let b = vec![p(1, 20, 7.0), p(2, 40, 8.0), p(4, 70, 9.0)];
        let c = vec![p(4, 70, 5.0)];
        let merged = merge_writers(vec![a, b, c]);
        let got: Vec<(i64, f64)> = merged.iter().map(|p| (p.source_ms, p.value)).collect();
        // 2: a received it last; 4: b and c at the same time, c's id sorts last.
        assert_eq!(got, [(0, 1.0), (1, 7.0), (2, 2.0), (4, 5.0)]);
        assert_eq!(merge_writers(Vec::new()), Vec::new());
        assert_eq!(merge_writers(vec![vec![p(3, 3, 3.0)]]), [p(3, 3, 3.0)]);
    }

    #[test]
    fn a_damaged_chunk_is_named_and_the_others_still_merge() {
        let good = crate::chunk::encode(&[p(0, 0, 1.0)], 0.1).expect("encode");
        let (points, damaged) = decode_window([
            ("a", good.as_slice()),
            ("b", b"not a chunk at all".as_slice()),
        ]);
        assert_eq!(points.len(), 1);
        assert_eq!(damaged.len(), 1);
        assert_eq!(damaged[0].0, "b");
    }
}
