//! The durable append log in front of the raw store: a folder of numbered segment files.
//!
//! [`SegmentLog::append`] writes a batch as one checksummed frame and fsyncs before it returns,
//! so a point reported stored is on disk even if the process is killed the next instant. After
//! the ingest has written chunks to the database it appends a *flush mark* ("every point logged
//! before this mark whose window starts at or before W is in the database"), starts a new
//! segment and deletes the segments it no longer needs. On open, the segments left by a crash
//! are read back; a torn last frame (the process died while writing it, before it was
//! acknowledged) is dropped by its checksum.
//!
//! A frame is `[payload length u32][crc32 u32][payload]`. A batch payload is `0`, the ingest time
//! and the points: series id, source time (each as a zigzag varint delta from the previous point),
//! and the value quantised to the series' resolution with the quality in its two low bits. A
//! mark payload is `1` and the window start. About 4 bytes per point.
//!
//! The folder also keeps its writer id ([`writer_id`], file `writer`): the name the chunks of
//! its ingest carry in the database. One process at a time owns a folder: [`SegmentLog::open`]
//! takes an exclusive lock on its file `lock` (released when the process ends, however it ends),
//! because two writers would delete each other's segments and write chunks under one id.

use crate::chunk::{Quality, get_varint, put_varint, unzigzag, zigzag};
use crate::{Result, StoreError};
use std::fs::{File, OpenOptions};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

/// One logged point: series by database id, value already quantised.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LoggedPoint {
    pub series: i64,
    pub source_ms: i64,
    /// The value in resolution steps (0 for bad points).
    pub q: i64,
    pub quality: Quality,
}

/// A frame read back from the log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Frame {
    Batch {
        ingest_ms: i64,
        points: Vec<LoggedPoint>,
    },
    /// Every point logged before this whose window starts at or before `through_s` is stored.
    Flushed { through_s: i64 },
}

#[derive(Debug)]
struct Segment {
    seq: u64,
    path: PathBuf,
    /// Newest source time logged in it (None while empty).
    max_source_ms: Option<i64>,
}

pub struct SegmentLog {
    dir: PathBuf,
    /// Held for the log's life: the folder's exclusive lock.
    _lock: File,
    active: File,
    segments: Vec<Segment>,
    buf: Vec<u8>,
}

/// What opening found of a previous run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Found {
    pub segments: usize,
    pub bytes: u64,
}

fn io<'a>(path: &'a Path, what: &'static str) -> impl Fn(std::io::Error) -> StoreError + 'a {
    move |e| StoreError::Query {
        url: path.display().to_string(),
        what,
        message: e.to_string(),
    }
}

impl SegmentLog {
    /// Open the log folder `dir` (creating it), keeping the segments an earlier run left, and
    /// start a new segment for this run's appends. Read the old ones with [`Self::replay`].
    ///
    /// Refused while another process has the folder open.
    pub fn open(dir: &Path) -> Result<(Self, Found)> {
        std::fs::create_dir_all(dir).map_err(io(dir, "creating the log folder"))?;
        let lock = lock(dir)?;
        let mut segments = Vec::new();
        let mut found = Found::default();
        for entry in std::fs::read_dir(dir).map_err(io(dir, "listing the log folder"))? {
            let entry = entry.map_err(io(dir, "listing the log folder"))?;
            let name = entry.file_name();
            let Some(seq) = name
                .to_str()
                .and_then(|n| n.strip_prefix("raw-"))
                .and_then(|n| n.strip_suffix(".log"))
                .and_then(|n| n.parse::<u64>().ok())
            else {
                continue;
            };
            found.segments += 1;
            found.bytes += entry.metadata().map(|m| m.len()).unwrap_or(0);
            segments.push(Segment {
                seq,
                path: entry.path(),
                max_source_ms: None,
            });
        }
        segments.sort_by_key(|s| s.seq);
        let next = segments.last().map_or(0, |s| s.seq + 1);
        let (active, segment) = create_segment(dir, next)?;
        segments.push(segment);
        Ok((
            Self {
                dir: dir.to_owned(),
                _lock: lock,
                active,
                segments,
                buf: Vec::new(),
            },
            found,
        ))
    }

    /// Read every frame of the segments found at open, in order, noting each segment's newest
    /// source time. A damaged frame ends its segment (its points were never acknowledged).
    pub fn replay(&mut self, mut each: impl FnMut(Frame) -> Result<()>) -> Result<()> {
        let old = self.segments.len() - 1;
        for segment in &mut self.segments[..old] {
            let mut bytes = Vec::new();
            File::open(&segment.path)
                .and_then(|mut f| f.read_to_end(&mut bytes))
                .map_err(io(&segment.path, "reading a log segment"))?;
            let mut at = 0usize;
            while let Some((frame, next)) = read_frame(&bytes, at) {
                if let Frame::Batch { points, .. } = &frame {
                    let newest = points.iter().map(|p| p.source_ms).max();
                    segment.max_source_ms = segment.max_source_ms.max(newest);
                }
                each(frame)?;
                at = next;
            }
        }
        Ok(())
    }

    /// Write a batch and fsync it. When this returns Ok, the batch is durable.
    pub fn append(&mut self, ingest_ms: i64, points: &[LoggedPoint]) -> Result<()> {
        self.buf.clear();
        self.buf.extend_from_slice(&[0; 8]);
        self.buf.push(0);
        put_varint(&mut self.buf, zigzag(ingest_ms));
        put_varint(&mut self.buf, points.len() as u64);
        let (mut series, mut source) = (0i64, 0i64);
        for p in points {
            put_varint(&mut self.buf, zigzag(p.series.wrapping_sub(series)));
            put_varint(&mut self.buf, zigzag(p.source_ms.wrapping_sub(source)));
            put_varint(&mut self.buf, (zigzag(p.q) << 2) | p.quality as u64);
            series = p.series;
            source = p.source_ms;
        }
        if let (Some(newest), Some(active)) = (
            points.iter().map(|p| p.source_ms).max(),
            self.segments.last_mut(),
        ) {
            active.max_source_ms = active.max_source_ms.max(Some(newest));
        }
        self.write_frame()
    }

    /// Record that every point logged so far whose window starts at or before `through_s` is in
    /// the database, then start a new segment.
    pub fn mark_flushed(&mut self, through_s: i64) -> Result<()> {
        self.buf.clear();
        self.buf.extend_from_slice(&[0; 8]);
        self.buf.push(1);
        put_varint(&mut self.buf, zigzag(through_s));
        self.write_frame()?;
        let next = self.segments.last().map_or(0, |s| s.seq + 1);
        let (active, segment) = create_segment(&self.dir, next)?;
        self.active = active;
        self.segments.push(segment);
        Ok(())
    }

    /// Delete the old segments (not the active one) whose points all have source times before
    /// `keep_from_ms`: their points are in the database. None deletes every old segment.
    pub fn trim(&mut self, keep_from_ms: Option<i64>) -> Result<usize> {
        let old = self.segments.len() - 1;
        let mut removed = 0;
        let mut kept = Vec::with_capacity(self.segments.len());
        for (i, segment) in self.segments.drain(..).enumerate() {
            let done = i < old
                && match (keep_from_ms, segment.max_source_ms) {
                    (None, _) | (_, None) => true,
                    (Some(keep), Some(newest)) => newest < keep,
                };
            if done {
                std::fs::remove_file(&segment.path)
                    .map_err(io(&segment.path, "deleting a log segment"))?;
                removed += 1;
            } else {
                kept.push(segment);
            }
        }
        self.segments = kept;
        if removed > 0 {
            sync_dir(&self.dir)?;
        }
        Ok(removed)
    }

    /// Bytes in the segments on disk.
    pub fn bytes(&self) -> u64 {
        self.segments
            .iter()
            .filter_map(|s| std::fs::metadata(&s.path).ok())
            .map(|m| m.len())
            .sum()
    }

    fn write_frame(&mut self) -> Result<()> {
        let len = u32::try_from(self.buf.len() - 8).map_err(|_| StoreError::Query {
            url: self.dir.display().to_string(),
            what: "appending to the log",
            message: "batch larger than 4 GiB".to_owned(),
        })?;
        let crc = crc32fast::hash(&self.buf[8..]);
        self.buf[..4].copy_from_slice(&len.to_le_bytes());
        self.buf[4..8].copy_from_slice(&crc.to_le_bytes());
        let path = self
            .segments
            .last()
            .map_or_else(|| self.dir.clone(), |s| s.path.clone());
        let written = self
            .active
            .write_all(&self.buf)
            .map_err(io(&path, "appending to the log"))
            .and_then(|()| {
                self.active
                    .sync_data()
                    .map_err(io(&path, "syncing the log"))
            });
        if written.is_err() {
            // The frame may be torn (a full disk, an I/O error). A replay ends a segment at its
            // first damaged frame, so later frames go to a new segment, where it reads them.
            let next = self.segments.last().map_or(0, |s| s.seq + 1);
            if let Ok((active, segment)) = create_segment(&self.dir, next) {
                self.active = active;
                self.segments.push(segment);
            }
        }
        written
    }
}

/// The writer id of the log folder `dir`: 32 hex digits in its file `writer`, made (random) at
/// first use and kept, so the ingest of this log writes under the same name after a restart and a
/// replay rewrites its own chunks instead of adding a second copy. Another log folder (another
/// process, another host) has another id, so its chunks never replace this one's.
pub fn writer_id(dir: &Path) -> Result<String> {
    let path = dir.join("writer");
    let what = "reading the raw log's writer id";
    match std::fs::read_to_string(&path) {
        Ok(text) => {
            let id = text.trim();
            if id.len() == 32 && id.bytes().all(|b| b.is_ascii_hexdigit()) {
                Ok(id.to_ascii_lowercase())
            } else {
                Err(StoreError::Query {
                    url: path.display().to_string(),
                    what,
                    message: format!(
                        "expected 32 hex digits, found {} bytes of something else; remove the \
                         file to start a new writer id (chunks already stored keep the old one, \
                         and readers merge both)",
                        text.len()
                    ),
                })
            }
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            let mut bytes = [0u8; 16];
            getrandom::fill(&mut bytes).map_err(|e| StoreError::Query {
                url: path.display().to_string(),
                what: "making the raw log's writer id",
                message: e.to_string(),
            })?;
            let id: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
            // Written whole or not at all: a crash leaves no half id behind.
            let tmp = dir.join("writer.tmp");
            File::create(&tmp)
                .and_then(|mut f| {
                    f.write_all(id.as_bytes())?;
                    f.sync_all()
                })
                .and_then(|()| std::fs::rename(&tmp, &path))
                .map_err(io(&path, "making the raw log's writer id"))?;
            sync_dir(dir)?;
            Ok(id)
        }
        Err(e) => Err(io(&path, what)(e)),
    }
}

/// The exclusive lock of the log folder `dir`, its holder's process id written in it.
fn lock(dir: &Path) -> Result<File> {
    let path = dir.join("lock");
    let mut file = OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .open(&path)
        .map_err(io(&path, "opening the raw log's lock"))?;
    match file.try_lock() {
        Ok(()) => {
            file.set_len(0)
                .and_then(|()| file.write_all(std::process::id().to_string().as_bytes()))
                .map_err(io(&path, "writing the raw log's lock"))?;
            Ok(file)
        }
        Err(std::fs::TryLockError::WouldBlock) => {
            let mut holder = String::new();
            let _ = file.read_to_string(&mut holder);
            Err(StoreError::LogInUse {
                dir: dir.display().to_string(),
                holder: holder.trim().to_owned(),
            })
        }
        Err(std::fs::TryLockError::Error(e)) => Err(io(&path, "locking the raw log folder")(e)),
    }
}

fn create_segment(dir: &Path, seq: u64) -> Result<(File, Segment)> {
    let path = dir.join(format!("raw-{seq:010}.log"));
    let file = OpenOptions::new()
        .create(true)
        .append(true)
        .open(&path)
        .map_err(io(&path, "creating a log segment"))?;
    // The new file's name must survive a power loss too.
    sync_dir(dir)?;
    Ok((
        file,
        Segment {
            seq,
            path,
            max_source_ms: None,
        },
    ))
}

fn sync_dir(dir: &Path) -> Result<()> {
    File::open(dir)
        .and_then(|d| d.sync_all())
        .map_err(io(dir, "syncing the log folder"))
}

/// The frame at `at` and where the next one starts; None at the end or at a damaged frame.
fn read_frame(bytes: &[u8], at: usize) -> Option<(Frame, usize)> {
    let header = bytes.get(at..at + 8)?;
    let len = u32::from_le_bytes(header[..4].try_into().ok()?) as usize;
    let crc = u32::from_le_bytes(header[4..].try_into().ok()?);
    let payload = bytes.get(at + 8..at + 8 + len)?;
    if crc32fast::hash(payload) != crc {
        return None;
    }
    Some((parse(payload)?, at + 8 + len))
}

fn parse(p: &[u8]) -> Option<Frame> {
    let mut at = 1usize;
    let frame = match *p.first()? {
        0 => {
            let ingest_ms = unzigzag(get_varint(p, &mut at).ok()?);
            let n = usize::try_from(get_varint(p, &mut at).ok()?).ok()?;
            if n > p.len() {
                return None;
            }
            let mut points = Vec::with_capacity(n);
            let (mut series, mut source) = (0i64, 0i64);
            for _ in 0..n {
                series = series.wrapping_add(unzigzag(get_varint(p, &mut at).ok()?));
                source = source.wrapping_add(unzigzag(get_varint(p, &mut at).ok()?));
                let packed = get_varint(p, &mut at).ok()?;
                points.push(LoggedPoint {
                    series,
                    source_ms: source,
                    q: unzigzag(packed >> 2),
                    quality: Quality::from_code(packed & 3)?,
                });
            }
            Frame::Batch { ingest_ms, points }
        }
        1 => Frame::Flushed {
            through_s: unzigzag(get_varint(p, &mut at).ok()?),
        },
        _ => return None,
    };
    (at == p.len()).then_some(frame)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn point(source_ms: i64) -> LoggedPoint {
        LoggedPoint {
            series: 1,
            source_ms,
            q: 7,
            quality: Quality::Good,
        }
    }

    /// The source times of every point `log` replays.
    fn replayed(log: &mut SegmentLog) -> Vec<i64> {
        let mut seen = Vec::new();
        log.replay(|frame| {
            if let Frame::Batch { points, .. } = frame {
                seen.extend(points.iter().map(|p| p.source_ms));
            }
            Ok(())
        })
        .expect("replay");
        seen
    }

    #[test]
    fn one_writer_at_a_time_owns_a_log_folder() {
        let dir = std::env::temp_dir().join(format!("suangu-log-lock-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let (mut first, _) = SegmentLog::open(&dir).expect("open");
        first.append(1, &[point(1000)]).expect("append");
        let refused = SegmentLog::open(&dir).err().expect("refused while held");
        let message = refused.to_string();
        assert!(
            message.contains(&format!("pid {}", std::process::id()))
                && message.contains(&dir.display().to_string()),
            "{message}"
        );
        // The refused open touched nothing: the holder's segment is still there and whole.
        drop(first);
        let (mut again, found) = SegmentLog::open(&dir).expect("open once released");
        assert_eq!(found.segments, 1);
        let seen = replayed(&mut again);
        assert_eq!(seen, [1000]);
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn a_failed_append_moves_on_to_a_new_segment_and_later_frames_replay() {
        let dir = std::env::temp_dir().join(format!("suangu-log-test-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let (mut log, _) = SegmentLog::open(&dir).expect("open");
        log.append(1, &[point(1000)]).expect("first");
        // The disk refuses the next write: a handle that cannot write stands in for it.
        let active = log.segments.last().expect("active").path.clone();
        log.active = File::open(&active).expect("read-only handle");
        assert!(log.append(2, &[point(2000)]).is_err());
        log.append(3, &[point(3000)])
            .expect("written to the next segment");
        drop(log);

        let (mut again, found) = SegmentLog::open(&dir).expect("reopen");
        assert_eq!(found.segments, 2);
        let seen = replayed(&mut again);
        assert_eq!(seen, [1000, 3000], "the acknowledged frames, and only they");
        let _ = std::fs::remove_dir_all(&dir);
    }
}
