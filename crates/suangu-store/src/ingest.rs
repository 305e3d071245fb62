//! Raw ingest: points go to the durable log, then into one open chunk per series, compressed as
//! they arrive; a chunk is written to the database when its 5-minute window has closed (the
//! newest source time is [`GRACE_MS`] past its end), all due chunks in one durable transaction,
//! without reading anything back. Then a flush mark is logged and the log segments whose points
//! are all in the database are deleted.
//!
//! Out-of-order points: inside the open window they are kept beside the chunk and merged when it
//! is written; points for a window already written are merged into its stored chunk (read,
//! merge, write) at the next flush. A point is unique by series and source time: a repeat
//! replaces the earlier value and does not grow the store.
//!
//! Several ingests may write the same series at once (a `suangu run` and a `suangu import`, each
//! with its own log folder): each writes its chunks under its own writer id (kept in its log
//! folder, [`crate::log::writer_id`]), so the database holds one chunk per series, window and
//! writer and no ingest replaces another's points; readers merge a window's chunks (see
//! [`Store::raw_range`] for the point kept when two writers hold the same source time). A restart
//! on the same log folder keeps the id, so a replay rewrites its own chunks. One ingest per log
//! folder at a time.
//!
//! Guarantee: what [`RawIngest::append`] acknowledged survives a process crash and, with a disk
//! that honours fsync, a power loss: it is in a synced log segment until a synced database
//! transaction holds it.

use crate::chunk::{ChunkBuilder, Point, Quality, decode, quantise};
use crate::log::{Frame, LoggedPoint, SegmentLog};
use crate::{
    CHUNK_SECONDS, ChunkRow, Quarantined, Result, SeriesSpec, Store, StoreError, window_start,
};
use std::collections::{BTreeMap, HashMap};
use std::path::Path;
use std::sync::Arc;

/// How long after a window's end its chunk stays open for stragglers.
pub const GRACE_MS: i64 = 10_000;

/// One point to ingest, for the series at `series` in the list given to [`RawIngest::open`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Sample {
    pub series: u32,
    pub source_ms: i64,
    /// NaN or infinite values are stored as bad points.
    pub value: f64,
    pub quality: Quality,
}

/// Counts since open.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct IngestStats {
    pub points: u64,
    /// Points older than their series' open chunk (merged into stored chunks).
    pub late: u64,
    /// Points out of order inside the open chunk (or repeats of a source time).
    pub out_of_order: u64,
    /// Points stored as bad because their value was not a finite number in range.
    pub made_bad: u64,
    pub chunks_written: u64,
    pub flushes: u64,
    /// Damaged chunks met while merging late points.
    pub quarantined: Vec<Quarantined>,
}

/// What open found in the log of a previous run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Recovered {
    pub segments: usize,
    pub bytes: u64,
    /// Points replayed into open chunks or merged.
    pub points: u64,
    /// Points skipped because a flush mark says they are already stored.
    pub already_stored: u64,
}

struct Open {
    start_s: i64,
    builder: ChunkBuilder,
    /// Points that came out of order; merged when the chunk is written.
    stragglers: Vec<Point>,
    /// It holds points that [`RawIngest::write_open`] has not written yet.
    unpublished: bool,
}

struct Slot {
    id: i64,
    /// An empty chunk of the series' resolution, cloned for each window.
    empty: ChunkBuilder,
    open: Option<Open>,
}

/// The open chunks and what waits to be written.
struct Chunks {
    slots: Vec<Slot>,
    /// Windows at or before this may already hold a chunk in the database.
    stored_high_s: Option<i64>,
    newest_ms: i64,
    /// When the newest source time passes this, some open chunk is due.
    next_flush_ms: i64,
    /// Chunks finished because their series moved on to a later window.
    ready: Vec<(u32, Open)>,
    /// Points for windows already written (or possibly written), by series slot.
    late: BTreeMap<u32, Vec<Point>>,
    /// Finished chunks not yet in the database (kept when a write fails, retried next flush).
    unwritten: Vec<ChunkRow>,
    stats: IngestStats,
}

impl Chunks {
    fn apply(&mut self, slot: u32, source_ms: i64, ingest_ms: i64, q: i64, quality: Quality) {
        self.stats.points += 1;
        self.newest_ms = self.newest_ms.max(source_ms);
        let start_s = window_start(source_ms);
        let s = &mut self.slots[slot as usize];
        let point = |resolution: f64| Point {
            source_ms,
            ingest_ms,
            value: if quality == Quality::Bad {
                f64::NAN
            } else {
                q as f64 * resolution
            },
            quality,
        };
        match &mut s.open {
            Some(open) if open.start_s == start_s => {
                open.unpublished = true;
                if open
                    .builder
                    .push_quantised(source_ms, ingest_ms, q, quality)
                    .is_err()
                {
                    self.stats.out_of_order += 1;
                    open.stragglers.push(point(s.empty.resolution()));
                }
            }
            Some(open) if open.start_s > start_s => {
                self.stats.late += 1;
                self.late
                    .entry(slot)
                    .or_default()
                    .push(point(s.empty.resolution()));
            }
            _ if self.stored_high_s.is_some_and(|high| start_s <= high) => {
                self.stats.late += 1;
                self.late
                    .entry(slot)
                    .or_default()
                    .push(point(s.empty.resolution()));
            }
            _ => {
                let mut builder = s.empty.clone();
                // An empty chunk takes any first point.
                let _ = builder.push_quantised(source_ms, ingest_ms, q, quality);
                let fresh = Open {
                    start_s,
                    builder,
                    stragglers: Vec::new(),
                    unpublished: true,
                };
                if let Some(done) = s.open.replace(fresh) {
                    self.ready.push((slot, done));
                }
                let due = (start_s + CHUNK_SECONDS) * 1000 + GRACE_MS;
                self.next_flush_ms = self.next_flush_ms.min(due);
            }
        }
    }
}

/// How often a live writer of raw series (`suangu run`'s) writes its open chunks, so readers
/// see the newest points before their 5-minute window closes: how far behind the newest stored
/// point may be (an observed live picture allows for it before calling a series stale).
pub const PUBLISH_OPEN_EVERY: std::time::Duration = std::time::Duration::from_secs(1);

pub struct RawIngest<S> {
    store: Arc<S>,
    park: String,
    /// The name this ingest's chunks carry in the database (its log folder's).
    writer: String,
    log: SegmentLog,
    chunks: Chunks,
    logged: Vec<LoggedPoint>,
}

impl<S: Store> RawIngest<S> {
    /// Register `series` for `park`, open the log in `log_dir` and replay what a previous run
    /// left there (into open chunks, or merged into stored ones).
    pub async fn open(
        store: Arc<S>,
        park: &str,
        log_dir: &Path,
        series: &[SeriesSpec],
    ) -> Result<(Self, Recovered)> {
        let mut slots = Vec::with_capacity(series.len());
        for spec in series {
            let empty =
                ChunkBuilder::new(spec.resolution).map_err(|problem| StoreError::Chunk {
                    url: log_dir.display().to_string(),
                    series: spec.name.clone(),
                    start: jiff::Timestamp::UNIX_EPOCH,
                    problem,
                })?;
            slots.push(Slot {
                id: 0,
                empty,
                open: None,
            });
        }
        let ids = store.register_series(park, series).await?;
        for (slot, id) in slots.iter_mut().zip(&ids) {
            slot.id = *id;
        }
        let stored_high_s = store.raw_high_water(park).await?;
        let (log, found) = SegmentLog::open(log_dir)?;
        let writer = crate::log::writer_id(log_dir)?;
        let mut ingest = Self {
            store,
            park: park.to_owned(),
            writer,
            log,
            chunks: Chunks {
                slots,
                stored_high_s,
                newest_ms: i64::MIN,
                next_flush_ms: i64::MAX,
                ready: Vec::new(),
                late: BTreeMap::new(),
                unwritten: Vec::new(),
                stats: IngestStats::default(),
            },
            logged: Vec::new(),
        };
        let mut recovered = Recovered {
            segments: found.segments,
            bytes: found.bytes,
            ..Recovered::default()
        };
        if found.segments > 0 {
            ingest.replay(&ids, &mut recovered)?;
            // Whatever closed while the process was down is written now.
            ingest.flush(false).await?;
        }
        Ok((ingest, recovered))
    }

    fn replay(&mut self, ids: &[i64], recovered: &mut Recovered) -> Result<()> {
        // First pass: the last flush mark and how many batches came before it.
        let (mut batches, mut marked) = (0u64, None::<(u64, i64)>);
        self.log.replay(|frame| {
            match frame {
                Frame::Batch { .. } => batches += 1,
                Frame::Flushed { through_s } => marked = Some((batches, through_s)),
            }
            Ok(())
        })?;
        let slot_of: HashMap<i64, u32> = ids
            .iter()
            .enumerate()
            .map(|(i, id)| (*id, i as u32))
            .collect();
        let chunks = &mut self.chunks;
        let mut batch = 0u64;
        self.log.replay(|frame| {
            let Frame::Batch { ingest_ms, points } = frame else {
                return Ok(());
            };
            let stored_through = marked
                .filter(|(before, _)| batch < *before)
                .map(|(_, through)| through);
            batch += 1;
            for p in points {
                if stored_through.is_some_and(|t| window_start(p.source_ms) <= t) {
                    recovered.already_stored += 1;
                    continue;
                }
                let Some(slot) = slot_of.get(&p.series) else {
                    return Err(StoreError::Query {
                        url: self.park.clone(),
                        what: "replaying the raw log",
                        message: format!(
                            "the log holds points of series id {} that this run does not ingest; \
                             restart with the previous scenario to store them first",
                            p.series
                        ),
                    });
                };
                recovered.points += 1;
                chunks.apply(*slot, p.source_ms, ingest_ms, p.q, p.quality);
            }
            Ok(())
        })
    }

    /// Log `samples` (received at `ingest_ms`), fsync, and add them to their chunks; write the
    /// chunks whose window has closed. When this returns Ok the points are durable.
    pub async fn append(&mut self, ingest_ms: i64, samples: &[Sample]) -> Result<()> {
        self.logged.clear();
        self.logged.reserve(samples.len());
        for s in samples {
            let slot =
                self.chunks
                    .slots
                    .get(s.series as usize)
                    .ok_or_else(|| StoreError::Query {
                        url: self.park.clone(),
                        what: "ingesting raw points",
                        message: format!(
                            "series #{} is not one of the {} registered",
                            s.series,
                            self.chunks.slots.len()
                        ),
                    })?;
            let (q, quality) = if s.quality == Quality::Bad {
                (0, Quality::Bad)
            } else {
                match quantise(s.value, slot.empty.resolution()) {
                    Some(q) => (q, s.quality),
                    None => {
                        self.chunks.stats.made_bad += 1;
                        (0, Quality::Bad)
                    }
                }
            };
            self.logged.push(LoggedPoint {
                series: slot.id,
                source_ms: s.source_ms,
                q,
                quality,
            });
        }
        self.log.append(ingest_ms, &self.logged)?;
        for (s, l) in samples.iter().zip(&self.logged) {
            self.chunks
                .apply(s.series, l.source_ms, ingest_ms, l.q, l.quality);
        }
        if self.chunks.newest_ms >= self.chunks.next_flush_ms {
            self.flush(false).await?;
        }
        Ok(())
    }

    /// Write what the open chunks of the series `series` (indexes in the list given to open)
    /// hold so far, so readers see the newest points before their window closes: those that
    /// took a point since the last call. The chunks stay open (the log too); when the window
    /// closes, the full chunk replaces this one. Each call re-encodes those chunks whole: cheap
    /// for the sources' few dozen series each second, not meant for a park of racks. Returns how
    /// many chunks it wrote.
    pub async fn write_open(&mut self, series: std::ops::Range<usize>) -> Result<usize> {
        let mut rows = Vec::new();
        let slots = self.chunks.slots.get(series.clone()).unwrap_or_default();
        for slot in slots {
            let Some(open) = slot.open.as_ref().filter(|o| o.unpublished) else {
                continue;
            };
            let copy = Open {
                start_s: open.start_s,
                builder: open.builder.clone(),
                stragglers: open.stragglers.clone(),
                unpublished: false,
            };
            let (bytes, stats) = finish(copy, slot).map_err(|problem| StoreError::Chunk {
                url: self.park.clone(),
                series: slot.id.to_string(),
                start: crate::sql::ts(open.start_s),
                problem,
            })?;
            rows.push(ChunkRow {
                series: slot.id,
                start_s: open.start_s,
                stats,
                bytes,
            });
        }
        if rows.is_empty() {
            return Ok(0);
        }
        self.store
            .insert_chunks(&self.park, &self.writer, &rows)
            .await?;
        let slots = self.chunks.slots.get_mut(series).unwrap_or_default();
        for open in slots.iter_mut().filter_map(|s| s.open.as_mut()) {
            open.unpublished = false;
        }
        Ok(rows.len())
    }

    /// Write every open chunk (partial ones too), empty the log and return the counts.
    pub async fn close(mut self) -> Result<IngestStats> {
        self.flush(true).await?;
        Ok(self.chunks.stats)
    }

    /// The writer id this ingest's chunks carry (its log folder's, the same after a restart).
    pub fn writer(&self) -> &str {
        &self.writer
    }

    /// How many series this ingest writes.
    pub fn series_count(&self) -> usize {
        self.chunks.slots.len()
    }

    pub fn stats(&self) -> &IngestStats {
        &self.chunks.stats
    }

    /// Bytes in the log's segments now.
    pub fn log_bytes(&self) -> u64 {
        self.log.bytes()
    }

    /// Write the due chunks (all open ones when `all`) and the late points, log the flush mark,
    /// and delete the segments no longer needed.
    async fn flush(&mut self, all: bool) -> Result<()> {
        let c = &mut self.chunks;
        let cutoff_s = c.newest_ms.saturating_sub(GRACE_MS).div_euclid(1000);
        let mut due: Vec<(u32, Open)> = std::mem::take(&mut c.ready);
        let mut oldest_open_ms = None::<i64>;
        let mut next_flush_ms = i64::MAX;
        for (i, slot) in c.slots.iter_mut().enumerate() {
            let Some(open) = &slot.open else { continue };
            if all || open.start_s + CHUNK_SECONDS <= cutoff_s {
                if let Some(open) = slot.open.take() {
                    due.push((i as u32, open));
                }
            } else {
                oldest_open_ms = Some(
                    oldest_open_ms.map_or(open.start_s * 1000, |o: i64| o.min(open.start_s * 1000)),
                );
                next_flush_ms = next_flush_ms.min((open.start_s + CHUNK_SECONDS) * 1000 + GRACE_MS);
            }
        }
        c.next_flush_ms = next_flush_ms;
        let mut rows = std::mem::take(&mut c.unwritten);
        rows.reserve(due.len());
        let mut through_s = rows.iter().map(|r| r.start_s).max();
        for (slot, open) in due {
            let id = c.slots[slot as usize].id;
            let start_s = open.start_s;
            through_s = through_s.max(Some(start_s));
            let (bytes, stats) =
                finish(open, &c.slots[slot as usize]).map_err(|problem| StoreError::Chunk {
                    url: self.park.clone(),
                    series: id.to_string(),
                    start: crate::sql::ts(start_s),
                    problem,
                })?;
            rows.push(ChunkRow {
                series: id,
                start_s,
                stats,
                bytes,
            });
        }
        // A failed write keeps everything in memory (and the log untouched) for the next try.
        if let Err(e) = self
            .store
            .insert_chunks(&self.park, &self.writer, &rows)
            .await
        {
            // Later points of these windows must merge with them, not race them.
            c.stored_high_s = c.stored_high_s.max(through_s);
            c.unwritten = rows;
            return Err(e);
        }
        c.stats.chunks_written += rows.len() as u64;
        while let Some((slot, points)) = c.late.pop_first() {
            let s = &c.slots[slot as usize];
            match self
                .store
                .write_raw(
                    &self.park,
                    &self.writer,
                    s.id,
                    s.empty.resolution(),
                    &points,
                )
                .await
            {
                Ok(quarantined) => c.stats.quarantined.extend(quarantined),
                Err(e) => {
                    c.late.insert(slot, points);
                    return Err(e);
                }
            }
            through_s = through_s.max(points.iter().map(|p| window_start(p.source_ms)).max());
        }
        if let Some(through) = through_s {
            c.stored_high_s = c.stored_high_s.max(Some(through));
        }
        c.stats.flushes += 1;
        // Everything logged so far in a window that is not open any more is stored now.
        let stored_through = if all {
            i64::MAX / 2
        } else {
            oldest_open_ms.map_or(i64::MAX / 2, |o| o / 1000 - CHUNK_SECONDS)
        };
        self.log.mark_flushed(stored_through)?;
        self.log.trim(if all { None } else { oldest_open_ms })?;
        Ok(())
    }
}

/// The finished chunk of `open`, its out-of-order points merged in (a repeat replaces the
/// earlier value).
fn finish(
    open: Open,
    slot: &Slot,
) -> std::result::Result<(Vec<u8>, crate::chunk::ChunkStats), crate::chunk::ChunkError> {
    if open.stragglers.is_empty() {
        return Ok(open.builder.finish());
    }
    let (bytes, _) = open.builder.finish();
    let mut points: BTreeMap<i64, Point> = decode(&bytes)?
        .into_iter()
        .map(|p| (p.source_ms, p))
        .collect();
    points.extend(open.stragglers.into_iter().map(|p| (p.source_ms, p)));
    let mut merged = slot.empty.clone();
    for p in points.values() {
        merged.push(p)?;
    }
    Ok(merged.finish())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{SqliteStore, Store};

    fn unpublished<S>(ingest: &RawIngest<S>) -> Vec<bool> {
        let slots = &ingest.chunks.slots;
        slots
            .iter()
            .map(|s| s.open.as_ref().is_some_and(|o| o.unpublished))
            .collect()
    }

    #[tokio::test]
    async fn open_chunks_are_written_again_only_once_they_took_a_point() {
        let dir = std::env::temp_dir().join(format!("suangu-publish-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("dir");
        let store = Arc::new(SqliteStore::open(&dir.join("s.db")).await.expect("store"));
        let series = ["a/power_kw", "b/power_kw"].map(|name| SeriesSpec {
            name: name.to_owned(),
            resolution: 0.1,
        });
        let (mut ingest, _) = RawIngest::open(store.clone(), "qingyang", &dir.join("log"), &series)
            .await
            .expect("open");
        let t = 1_775_000_000_000;
        let sample = |series: u32, source_ms: i64, value: f64| Sample {
            series,
            source_ms,
            value,
            quality: Quality::Good,
        };
        ingest
            .append(t, &[sample(0, t, 1.0), sample(1, t, 2.0)])
            .await
            .expect("append");
        assert_eq!(unpublished(&ingest), [true, true]);
        assert_eq!(ingest.write_open(0..2).await.expect("publish"), 2);
        assert_eq!(unpublished(&ingest), [false, false]);
        assert_eq!(ingest.write_open(0..2).await.expect("nothing new"), 0);

        // Only the series that took a point is written again, and readers see its point.
        ingest
            .append(t + 1000, &[sample(0, t + 1000, 3.0)])
            .await
            .expect("append");
        assert_eq!(unpublished(&ingest), [true, false]);
        assert_eq!(ingest.write_open(0..2).await.expect("publish"), 1);
        assert_eq!(unpublished(&ingest), [false, false]);
        let ids = store
            .series_ids("qingyang", &series.map(|s| s.name))
            .await
            .expect("ids");
        let newest = |k: usize| {
            let store = store.clone();
            let id = ids[k].expect("registered");
            async move { store.raw_newest(id).await.expect("newest").map(|p| p.value) }
        };
        assert_eq!(newest(0).await, Some(3.0));
        assert_eq!(newest(1).await, Some(2.0));
        ingest.close().await.expect("close");
        let _ = std::fs::remove_dir_all(&dir);
    }
}
