//! Compressed chunks of one series: the raw telemetry layout (issue 4).
//!
//! A chunk holds the points of one series in time order. Each point has a source timestamp,
//! an ingest timestamp, a value and an OPC UA-style quality. Columns are encoded apart:
//! - source timestamps as delta-of-delta (regular sampling gives zeros);
//! - values quantised to the series' resolution (e.g. 0.1 kW) and delta-encoded;
//! - ingest delay (ingest - source) delta-encoded;
//! - qualities as runs.
//!
//! Each number is a zigzag varint, and a zero is followed by how many more zeros come, so a
//! steady series costs a few bytes per run rather than per point. A CRC-32 closes the chunk.
//! Bad points carry no value (they decode as NaN). Pure: no I/O.

use std::fmt;

const MAGIC: &[u8; 4] = b"SGC1";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Quality {
    Good = 0,
    Uncertain = 1,
    Bad = 2,
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Point {
    /// When the source measured it, ms since the Unix epoch (UTC).
    pub source_ms: i64,
    /// When we received it, ms since the Unix epoch (UTC).
    pub ingest_ms: i64,
    /// The value; NaN for bad points.
    pub value: f64,
    pub quality: Quality,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ChunkError {
    /// Timestamps must increase strictly (a point is unique by series and source time).
    NotIncreasing { index: usize },
    /// A good or uncertain point without a finite value.
    NotFinite { index: usize },
    /// The resolution must be a positive, finite number.
    Resolution,
    /// A value too large for the resolution.
    OutOfRange { index: usize },
    /// Not a chunk, a truncated one, or one whose checksum does not match.
    Corrupt(&'static str),
}

impl fmt::Display for ChunkError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ChunkError::NotIncreasing { index } => {
                write!(f, "point {index}: source time does not increase")
            }
            ChunkError::NotFinite { index } => write!(
                f,
                "point {index}: a good or uncertain point needs a finite value"
            ),
            ChunkError::Resolution => f.write_str("resolution must be positive and finite"),
            ChunkError::OutOfRange { index } => {
                write!(f, "point {index}: value out of range for the resolution")
            }
            ChunkError::Corrupt(what) => write!(f, "corrupt chunk: {what}"),
        }
    }
}

impl std::error::Error for ChunkError {}

/// Encode `points` (strictly increasing source time) with values quantised to `resolution`.
pub fn encode(points: &[Point], resolution: f64) -> Result<Vec<u8>, ChunkError> {
    if !(resolution.is_finite() && resolution > 0.0) {
        return Err(ChunkError::Resolution);
    }
    let mut out = Vec::with_capacity(16 + points.len() * 2);
    out.extend_from_slice(MAGIC);
    out.extend_from_slice(&resolution.to_le_bytes());
    put_uvarint(&mut out, points.len() as u64);

    let mut times = Column::default();
    let mut values = Column::default();
    let mut delays = Column::default();
    let (mut prev_t, mut prev_dt, mut prev_q, mut prev_delay) = (0i64, 0i64, 0i64, 0i64);
    let mut qualities: Vec<(Quality, u64)> = Vec::new();
    for (i, p) in points.iter().enumerate() {
        if i > 0 && p.source_ms <= prev_t {
            return Err(ChunkError::NotIncreasing { index: i });
        }
        if i == 0 {
            times.push(p.source_ms);
        } else {
            let dt = p.source_ms.wrapping_sub(prev_t);
            times.push(dt.wrapping_sub(prev_dt));
            prev_dt = dt;
        }
        prev_t = p.source_ms;

        let q = if p.quality == Quality::Bad {
            prev_q
        } else {
            if !p.value.is_finite() {
                return Err(ChunkError::NotFinite { index: i });
            }
            let scaled = (p.value / resolution).round();
            if scaled.abs() > 9.0e15 {
                return Err(ChunkError::OutOfRange { index: i });
            }
            scaled as i64
        };
        values.push(q.wrapping_sub(prev_q));
        prev_q = q;

        let delay = p.ingest_ms.wrapping_sub(p.source_ms);
        delays.push(delay.wrapping_sub(prev_delay));
        prev_delay = delay;

        match qualities.last_mut() {
            Some((quality, run)) if *quality == p.quality => *run += 1,
            _ => qualities.push((p.quality, 1)),
        }
    }
    for column in [times, values, delays] {
        let bytes = column.finish();
        put_uvarint(&mut out, bytes.len() as u64);
        out.extend_from_slice(&bytes);
    }
    put_uvarint(&mut out, qualities.len() as u64);
    for (quality, run) in qualities {
        out.push(quality as u8);
        put_uvarint(&mut out, run);
    }
    let crc = crc32fast::hash(&out);
    out.extend_from_slice(&crc.to_le_bytes());
    Ok(out)
}

/// Decode a chunk; any damage is an error, never a panic.
pub fn decode(bytes: &[u8]) -> Result<Vec<Point>, ChunkError> {
    if bytes.len() < MAGIC.len() + 8 + 1 + 4 {
        return Err(ChunkError::Corrupt("too short"));
    }
    let (body, crc) = bytes.split_at(bytes.len() - 4);
    let crc = u32::from_le_bytes([crc[0], crc[1], crc[2], crc[3]]);
    if crc32fast::hash(body) != crc {
        return Err(ChunkError::Corrupt("checksum mismatch"));
    }
    if &body[..4] != MAGIC {
        return Err(ChunkError::Corrupt("not a chunk"));
    }
    let mut r = Reader { bytes: body, at: 4 };
    let resolution = f64::from_le_bytes(
        r.take(8)?
            .try_into()
            .map_err(|_| ChunkError::Corrupt("resolution"))?,
    );
    if !(resolution.is_finite() && resolution > 0.0) {
        return Err(ChunkError::Corrupt("resolution"));
    }
    let n = usize::try_from(r.uvarint()?).map_err(|_| ChunkError::Corrupt("count"))?;
    if n > body.len().saturating_mul(64) {
        return Err(ChunkError::Corrupt("count"));
    }
    let mut columns = Vec::with_capacity(3);
    for _ in 0..3 {
        let len =
            usize::try_from(r.uvarint()?).map_err(|_| ChunkError::Corrupt("column length"))?;
        columns.push(expand(r.take(len)?, n)?);
    }
    let runs = r.uvarint()?;
    let mut qualities = Vec::with_capacity(n);
    for _ in 0..runs {
        let quality = match r.take(1)?[0] {
            0 => Quality::Good,
            1 => Quality::Uncertain,
            2 => Quality::Bad,
            _ => return Err(ChunkError::Corrupt("quality")),
        };
        let run = r.uvarint()?;
        if qualities.len() as u64 + run > n as u64 {
            return Err(ChunkError::Corrupt("quality runs"));
        }
        qualities.extend(std::iter::repeat_n(quality, run as usize));
    }
    if qualities.len() != n || r.at != body.len() {
        return Err(ChunkError::Corrupt("length"));
    }
    let (times, values, delays) = (&columns[0], &columns[1], &columns[2]);
    let mut points = Vec::with_capacity(n);
    let (mut t, mut dt, mut q, mut delay) = (0i64, 0i64, 0i64, 0i64);
    for i in 0..n {
        if i == 0 {
            t = times[0];
        } else {
            dt = dt.wrapping_add(times[i]);
            t = t.wrapping_add(dt);
        }
        q = q.wrapping_add(values[i]);
        delay = delay.wrapping_add(delays[i]);
        let quality = qualities[i];
        points.push(Point {
            source_ms: t,
            ingest_ms: t.wrapping_add(delay),
            value: if quality == Quality::Bad {
                f64::NAN
            } else {
                q as f64 * resolution
            },
            quality,
        });
    }
    Ok(points)
}

/// A column of signed numbers, written as zigzag varints with zero runs.
#[derive(Default)]
struct Column {
    out: Vec<u8>,
    zeros: u64,
}

impl Column {
    fn push(&mut self, v: i64) {
        if v == 0 {
            self.zeros += 1;
            return;
        }
        self.flush();
        put_uvarint(&mut self.out, zigzag(v));
    }

    fn flush(&mut self) {
        if self.zeros > 0 {
            self.out.push(0);
            put_uvarint(&mut self.out, self.zeros - 1);
            self.zeros = 0;
        }
    }

    fn finish(mut self) -> Vec<u8> {
        self.flush();
        self.out
    }
}

fn expand(bytes: &[u8], n: usize) -> Result<Vec<i64>, ChunkError> {
    let mut r = Reader { bytes, at: 0 };
    let mut out = Vec::with_capacity(n);
    while r.at < bytes.len() {
        let v = r.uvarint()?;
        if v == 0 {
            let more = r.uvarint()?;
            if out.len() as u64 + 1 + more > n as u64 {
                return Err(ChunkError::Corrupt("zero run"));
            }
            out.extend(std::iter::repeat_n(0, more as usize + 1));
        } else {
            if out.len() >= n {
                return Err(ChunkError::Corrupt("column too long"));
            }
            out.push(unzigzag(v));
        }
    }
    if out.len() != n {
        return Err(ChunkError::Corrupt("column length"));
    }
    Ok(out)
}

fn zigzag(v: i64) -> u64 {
    ((v << 1) ^ (v >> 63)) as u64
}

fn unzigzag(v: u64) -> i64 {
    ((v >> 1) as i64) ^ -((v & 1) as i64)
}

fn put_uvarint(out: &mut Vec<u8>, mut v: u64) {
    while v >= 0x80 {
        out.push((v as u8) | 0x80);
        v >>= 7;
    }
    out.push(v as u8);
}

struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Result<&'a [u8], ChunkError> {
        let end = self
            .at
            .checked_add(n)
            .filter(|e| *e <= self.bytes.len())
            .ok_or(ChunkError::Corrupt("truncated"))?;
        let slice = &self.bytes[self.at..end];
        self.at = end;
        Ok(slice)
    }

    fn uvarint(&mut self) -> Result<u64, ChunkError> {
        let mut v = 0u64;
        for shift in (0..64).step_by(7) {
            let byte = self.take(1)?[0];
            v |= u64::from(byte & 0x7f) << shift;
            if byte & 0x80 == 0 {
                return Ok(v);
            }
        }
        Err(ChunkError::Corrupt("varint"))
    }
}
