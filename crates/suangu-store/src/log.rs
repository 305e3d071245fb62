//! The durable append log in front of the raw store. `append` writes a batch of points and
//! fsyncs before it returns: a point the engine reports stored is on disk even if the process
//! is killed the next instant. `compact` moves everything logged into hourly chunks in the
//! database (one transaction) and only then empties the log. On open, a log left by a crash is
//! read back; a torn last batch (the process died while writing it, before it was acknowledged)
//! is dropped by its checksum.
//!
//! Guarantee: what `append` acknowledged survives a process crash (SIGKILL) and, with the disk's
//! write cache honouring fsync, a power loss. Nothing is acknowledged before its fsync.

use crate::chunk::{Point, Quality};
use crate::{Result, Store, StoreError};
use std::collections::BTreeMap;
use std::fs::{File, OpenOptions};
use std::io::{BufReader, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

/// One logged point of one series.
#[derive(Debug, Clone, PartialEq)]
pub struct Logged {
    pub series: String,
    pub point: Point,
    /// The series' resolution, for its chunk.
    pub resolution: f64,
}

pub struct AppendLog {
    path: PathBuf,
    file: File,
}

fn io<'a>(path: &'a Path, what: &'static str) -> impl Fn(std::io::Error) -> StoreError + 'a {
    move |e| StoreError::Query {
        url: path.display().to_string(),
        what,
        message: e.to_string(),
    }
}

impl AppendLog {
    /// Open (creating) the log at `path`, keeping what an earlier run logged.
    pub fn open(path: &Path) -> Result<Self> {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(io(path, "creating the log's folder"))?;
        }
        let file = OpenOptions::new()
            .create(true)
            .read(true)
            .append(true)
            .open(path)
            .map_err(io(path, "opening the append log"))?;
        Ok(Self {
            path: path.to_owned(),
            file,
        })
    }

    /// Write a batch and fsync it. When this returns Ok, the batch is durable.
    pub fn append(&mut self, batch: &[Logged]) -> Result<()> {
        let mut payload = Vec::with_capacity(batch.len() * 48);
        for l in batch {
            let series = l.series.as_bytes();
            payload.extend_from_slice(&(series.len() as u32).to_le_bytes());
            payload.extend_from_slice(series);
            payload.extend_from_slice(&l.point.source_ms.to_le_bytes());
            payload.extend_from_slice(&l.point.ingest_ms.to_le_bytes());
            payload.extend_from_slice(&l.point.value.to_le_bytes());
            payload.push(l.point.quality as u8);
            payload.extend_from_slice(&l.resolution.to_le_bytes());
        }
        let mut frame = Vec::with_capacity(payload.len() + 8);
        frame.extend_from_slice(&(payload.len() as u32).to_le_bytes());
        frame.extend_from_slice(&crc32fast::hash(&payload).to_le_bytes());
        frame.extend_from_slice(&payload);
        let path = self.path.clone();
        self.file
            .write_all(&frame)
            .map_err(io(&path, "appending to the log"))?;
        self.file.sync_data().map_err(io(&path, "syncing the log"))
    }

    /// Everything in the log, in the order it was appended. A torn or damaged tail ends it.
    pub fn read_all(&mut self) -> Result<Vec<Logged>> {
        let path = self.path.clone();
        self.file
            .seek(SeekFrom::Start(0))
            .map_err(io(&path, "reading the log"))?;
        let mut bytes = Vec::new();
        BufReader::new(&self.file)
            .read_to_end(&mut bytes)
            .map_err(io(&path, "reading the log"))?;
        let mut out = Vec::new();
        let mut at = 0usize;
        while at + 8 <= bytes.len() {
            let len = u32::from_le_bytes([bytes[at], bytes[at + 1], bytes[at + 2], bytes[at + 3]])
                as usize;
            let crc =
                u32::from_le_bytes([bytes[at + 4], bytes[at + 5], bytes[at + 6], bytes[at + 7]]);
            let Some(payload) = bytes.get(at + 8..at + 8 + len) else {
                break;
            };
            if crc32fast::hash(payload) != crc {
                break;
            }
            match parse(payload) {
                Some(batch) => out.extend(batch),
                None => break,
            }
            at += 8 + len;
        }
        Ok(out)
    }

    /// Move everything logged into the store's hourly chunks, then empty the log. If the store
    /// write fails, the log is kept and nothing is lost.
    pub async fn compact<S: Store>(&mut self, store: &S, park_id: &str) -> Result<usize> {
        let logged = self.read_all()?;
        let mut by_series: BTreeMap<(String, u64), Vec<Point>> = BTreeMap::new();
        for l in &logged {
            by_series
                .entry((l.series.clone(), l.resolution.to_bits()))
                .or_default()
                .push(l.point);
        }
        for ((series, resolution), points) in &by_series {
            store
                .write_raw(park_id, series, points, f64::from_bits(*resolution))
                .await?;
        }
        let path = self.path.clone();
        self.file
            .set_len(0)
            .map_err(io(&path, "emptying the log"))?;
        self.file.sync_all().map_err(io(&path, "syncing the log"))?;
        Ok(logged.len())
    }
}

fn parse(mut p: &[u8]) -> Option<Vec<Logged>> {
    fn take<'a>(p: &mut &'a [u8], n: usize) -> Option<&'a [u8]> {
        let (head, tail) = p.split_at_checked(n)?;
        *p = tail;
        Some(head)
    }
    let mut out = Vec::new();
    while !p.is_empty() {
        let len = u32::from_le_bytes(take(&mut p, 4)?.try_into().ok()?) as usize;
        let series = String::from_utf8(take(&mut p, len)?.to_vec()).ok()?;
        let source_ms = i64::from_le_bytes(take(&mut p, 8)?.try_into().ok()?);
        let ingest_ms = i64::from_le_bytes(take(&mut p, 8)?.try_into().ok()?);
        let value = f64::from_le_bytes(take(&mut p, 8)?.try_into().ok()?);
        let quality = match take(&mut p, 1)?[0] {
            0 => Quality::Good,
            1 => Quality::Uncertain,
            2 => Quality::Bad,
            _ => return None,
        };
        let resolution = f64::from_le_bytes(take(&mut p, 8)?.try_into().ok()?);
        out.push(Logged {
            series,
            point: Point {
                source_ms,
                ingest_ms,
                value,
                quality,
            },
            resolution,
        });
    }
    Some(out)
}
