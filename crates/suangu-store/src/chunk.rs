//! Compressed chunks of one series: the raw telemetry layout (issue 4).
//!
//! A chunk holds the points of one series in time order. Each point has a source timestamp,
//! an ingest timestamp, a value and an OPC UA-style quality. The first point is written in full;
//! every later one as a bit stream, the way Gorilla (Facebook) and Prometheus do for time series:
//! - the source timestamp as a delta-of-delta (regular sampling costs one bit);
//! - the ingest delay (ingest - source, kept to [`DELAY_STEP_MS`]) as a delta (one bit when the
//!   delay did not change);
//! - the quality as "same as before" (one bit) or a new 2-bit code;
//! - the value quantised to the series' resolution (e.g. 0.1 kW) as a delta from the previous
//!   value: one bit when unchanged, five bits for a step of up to four resolution units.
//!
//! Bad points carry no value (they decode as NaN). A CRC-32 closes the chunk. [`ChunkBuilder`]
//! encodes as points arrive, so an open chunk costs its compressed size in memory. Pure: no I/O.

use std::fmt;

const MAGIC: &[u8; 4] = b"SGC2";

/// The ingest delay is kept to this many milliseconds: enough to tell late data apart and to
/// replay what was known when, without paying for network jitter on every point.
pub const DELAY_STEP_MS: i64 = 100;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Quality {
    Good = 0,
    Uncertain = 1,
    Bad = 2,
}

impl Quality {
    pub fn from_code(code: u64) -> Option<Self> {
        match code {
            0 => Some(Quality::Good),
            1 => Some(Quality::Uncertain),
            2 => Some(Quality::Bad),
            _ => None,
        }
    }
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

/// What a chunk's good and uncertain values sum up to: the rollup kept beside it, so long ranges
/// are answered without decoding.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ChunkStats {
    /// All points, bad ones included.
    pub points: u32,
    /// Points with a value (good or uncertain).
    pub valued: u32,
    pub min: f64,
    pub max: f64,
    pub sum: f64,
}

impl Default for ChunkStats {
    fn default() -> Self {
        Self {
            points: 0,
            valued: 0,
            min: f64::INFINITY,
            max: f64::NEG_INFINITY,
            sum: 0.0,
        }
    }
}

impl ChunkStats {
    fn add(&mut self, value: Option<f64>) {
        self.points += 1;
        if let Some(v) = value {
            self.valued += 1;
            self.min = self.min.min(v);
            self.max = self.max.max(v);
            self.sum += v;
        }
    }
}

/// The largest quantised magnitude kept exactly (f64 holds integers to 2^53).
const MAX_QUANTISED: f64 = 9.0e15;

/// Quantise `value` to `resolution`; None when it does not fit.
pub fn quantise(value: f64, resolution: f64) -> Option<i64> {
    let scaled = (value / resolution).round();
    (scaled.is_finite() && scaled.abs() <= MAX_QUANTISED).then_some(scaled as i64)
}

/// Builds one chunk point by point, compressing as it goes.
#[derive(Debug, Clone)]
pub struct ChunkBuilder {
    resolution: f64,
    head: Vec<u8>,
    bits: BitWriter,
    stats: ChunkStats,
    last_t: i64,
    last_dt: i64,
    last_delay: i64,
    last_q: i64,
    last_quality: Quality,
}

impl ChunkBuilder {
    pub fn new(resolution: f64) -> Result<Self, ChunkError> {
        if !(resolution.is_finite() && resolution > 0.0) {
            return Err(ChunkError::Resolution);
        }
        Ok(Self {
            resolution,
            head: Vec::new(),
            bits: BitWriter::default(),
            stats: ChunkStats::default(),
            last_t: 0,
            last_dt: 0,
            last_delay: 0,
            last_q: 0,
            last_quality: Quality::Good,
        })
    }

    pub fn resolution(&self) -> f64 {
        self.resolution
    }

    pub fn len(&self) -> u32 {
        self.stats.points
    }

    pub fn is_empty(&self) -> bool {
        self.stats.points == 0
    }

    /// Source time of the newest point (meaningless while empty).
    pub fn last_source_ms(&self) -> i64 {
        self.last_t
    }

    /// Add a point after the newest one. A bad point's value is ignored.
    pub fn push(&mut self, p: &Point) -> Result<(), ChunkError> {
        let index = self.stats.points as usize;
        let q = if p.quality == Quality::Bad {
            0
        } else if !p.value.is_finite() {
            return Err(ChunkError::NotFinite { index });
        } else {
            quantise(p.value, self.resolution).ok_or(ChunkError::OutOfRange { index })?
        };
        self.push_quantised(p.source_ms, p.ingest_ms, q, p.quality)
    }

    /// Add a point whose value is already in resolution steps (see [`quantise`]); `q` of a bad
    /// point is ignored. Refused (and nothing added) unless it comes after the newest point.
    pub fn push_quantised(
        &mut self,
        source_ms: i64,
        ingest_ms: i64,
        q: i64,
        quality: Quality,
    ) -> Result<(), ChunkError> {
        let index = self.stats.points as usize;
        if index > 0 && source_ms <= self.last_t {
            return Err(ChunkError::NotIncreasing { index });
        }
        let q = if quality == Quality::Bad {
            self.last_q
        } else {
            q
        };
        let delay = div_round(ingest_ms.wrapping_sub(source_ms), DELAY_STEP_MS);
        if index == 0 {
            put_varint(&mut self.head, zigzag(source_ms));
            put_varint(&mut self.head, zigzag(delay));
            self.head.push(quality as u8);
            put_varint(&mut self.head, zigzag(q));
        } else {
            let dt = source_ms.wrapping_sub(self.last_t);
            self.bits.put_signed(dt.wrapping_sub(self.last_dt));
            self.last_dt = dt;
            self.bits.put_signed(delay.wrapping_sub(self.last_delay));
            if quality == self.last_quality {
                self.bits.put(0, 1);
            } else {
                self.bits.put(1, 1);
                self.bits.put(quality as u64, 2);
            }
            if quality != Quality::Bad {
                self.bits.put_signed(q.wrapping_sub(self.last_q));
            }
        }
        self.last_t = source_ms;
        self.last_delay = delay;
        self.last_q = q;
        self.last_quality = quality;
        self.stats
            .add((quality != Quality::Bad).then_some(q as f64 * self.resolution));
        Ok(())
    }

    /// The finished chunk and its rollup.
    pub fn finish(self) -> (Vec<u8>, ChunkStats) {
        let mut out = Vec::with_capacity(32 + self.head.len() + self.bits.bytes.len());
        out.extend_from_slice(MAGIC);
        out.extend_from_slice(&self.resolution.to_le_bytes());
        put_varint(&mut out, u64::from(self.stats.points));
        out.extend_from_slice(&self.head);
        self.bits.finish_into(&mut out);
        let crc = crc32fast::hash(&out);
        out.extend_from_slice(&crc.to_le_bytes());
        (out, self.stats)
    }
}

/// Encode `points` (strictly increasing source time) with values quantised to `resolution`.
pub fn encode(points: &[Point], resolution: f64) -> Result<Vec<u8>, ChunkError> {
    let mut builder = ChunkBuilder::new(resolution)?;
    for p in points {
        builder.push(p)?;
    }
    Ok(builder.finish().0)
}

/// The rollup of `points` as a chunk of them would carry it.
pub fn stats(points: &[Point]) -> ChunkStats {
    let mut s = ChunkStats::default();
    for p in points {
        s.add((p.quality != Quality::Bad).then_some(p.value));
    }
    s
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
    let resolution = f64::from_le_bytes(
        body[4..12]
            .try_into()
            .map_err(|_| ChunkError::Corrupt("resolution"))?,
    );
    if !(resolution.is_finite() && resolution > 0.0) {
        return Err(ChunkError::Corrupt("resolution"));
    }
    let mut at = 12usize;
    let n =
        usize::try_from(get_varint(body, &mut at)?).map_err(|_| ChunkError::Corrupt("count"))?;
    // Every point after the first takes at least three bits.
    if n > body.len().saturating_mul(3) + 1 {
        return Err(ChunkError::Corrupt("count"));
    }
    let mut points = Vec::with_capacity(n);
    if n == 0 {
        return if at == body.len() {
            Ok(points)
        } else {
            Err(ChunkError::Corrupt("length"))
        };
    }
    let mut t = unzigzag(get_varint(body, &mut at)?);
    let mut delay = unzigzag(get_varint(body, &mut at)?);
    let mut quality = Quality::from_code(u64::from(
        *body.get(at).ok_or(ChunkError::Corrupt("truncated"))?,
    ))
    .ok_or(ChunkError::Corrupt("quality"))?;
    at += 1;
    let mut q = unzigzag(get_varint(body, &mut at)?);
    let mut dt = 0i64;
    let mut r = BitReader {
        bytes: &body[at..],
        pos: 0,
    };
    let point = |t: i64, delay: i64, q: i64, quality: Quality| Point {
        source_ms: t,
        ingest_ms: t.wrapping_add(delay.wrapping_mul(DELAY_STEP_MS)),
        value: if quality == Quality::Bad {
            f64::NAN
        } else {
            q as f64 * resolution
        },
        quality,
    };
    points.push(point(t, delay, q, quality));
    for _ in 1..n {
        dt = dt.wrapping_add(r.get_signed()?);
        t = t.wrapping_add(dt);
        delay = delay.wrapping_add(r.get_signed()?);
        if r.get(1)? == 1 {
            quality = Quality::from_code(r.get(2)?).ok_or(ChunkError::Corrupt("quality"))?;
        }
        if quality != Quality::Bad {
            q = q.wrapping_add(r.get_signed()?);
        }
        points.push(point(t, delay, q, quality));
    }
    // Only the padding of the last byte may remain.
    if r.bytes.len() != r.pos.div_ceil(8) {
        return Err(ChunkError::Corrupt("length"));
    }
    Ok(points)
}

fn div_round(v: i64, step: i64) -> i64 {
    (v + v.signum() * step / 2) / step
}

/// Bits, most significant first.
#[derive(Debug, Clone, Default)]
struct BitWriter {
    bytes: Vec<u8>,
    acc: u64,
    used: u32,
}

impl BitWriter {
    /// Write the low `bits` bits of `value` (1..=64).
    fn put(&mut self, value: u64, bits: u32) {
        let mut left = bits;
        while left > 0 {
            let free = 64 - self.used;
            let take = left.min(free);
            let part = (value >> (left - take)) & mask(take);
            if take == 64 {
                self.acc = part;
            } else {
                self.acc |= part << (free - take);
            }
            self.used += take;
            left -= take;
            if self.used == 64 {
                self.bytes.extend_from_slice(&self.acc.to_be_bytes());
                self.acc = 0;
                self.used = 0;
            }
        }
    }

    /// A signed number in a prefix code: 1 bit for zero, 5 bits up to +-4, 10 bits up to
    /// +-68, 20 bits up to about +-32,000, 68 bits for anything else.
    fn put_signed(&mut self, v: i64) {
        if v == 0 {
            self.put(0, 1);
            return;
        }
        let z = zigzag(v) - 1;
        if z < 8 {
            self.put(0b10, 2);
            self.put(z, 3);
        } else if z < 136 {
            self.put(0b110, 3);
            self.put(z - 8, 7);
        } else if z < 136 + 65_536 {
            self.put(0b1110, 4);
            self.put(z - 136, 16);
        } else {
            self.put(0b1111, 4);
            self.put(zigzag(v), 64);
        }
    }

    fn finish_into(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(&self.bytes);
        let tail = self.used.div_ceil(8) as usize;
        out.extend_from_slice(&self.acc.to_be_bytes()[..tail]);
    }
}

fn mask(bits: u32) -> u64 {
    if bits >= 64 {
        u64::MAX
    } else {
        (1u64 << bits) - 1
    }
}

struct BitReader<'a> {
    bytes: &'a [u8],
    /// In bits.
    pos: usize,
}

impl BitReader<'_> {
    fn get(&mut self, bits: u32) -> Result<u64, ChunkError> {
        let mut v = 0u64;
        let mut left = bits;
        while left > 0 {
            let byte = *self
                .bytes
                .get(self.pos / 8)
                .ok_or(ChunkError::Corrupt("truncated bit stream"))?;
            let avail = 8 - (self.pos % 8) as u32;
            let take = left.min(avail);
            let part = (u64::from(byte) >> (avail - take)) & mask(take);
            v = if take == 64 { part } else { (v << take) | part };
            self.pos += take as usize;
            left -= take;
        }
        Ok(v)
    }

    fn get_signed(&mut self) -> Result<i64, ChunkError> {
        if self.get(1)? == 0 {
            return Ok(0);
        }
        if self.get(1)? == 0 {
            return Ok(unzigzag(self.get(3)? + 1));
        }
        if self.get(1)? == 0 {
            return Ok(unzigzag(self.get(7)? + 9));
        }
        if self.get(1)? == 0 {
            return Ok(unzigzag(self.get(16)? + 137));
        }
        Ok(unzigzag(self.get(64)?))
    }
}

pub(crate) fn zigzag(v: i64) -> u64 {
    ((v << 1) ^ (v >> 63)) as u64
}

pub(crate) fn unzigzag(v: u64) -> i64 {
    ((v >> 1) as i64) ^ -((v & 1) as i64)
}

pub(crate) fn put_varint(out: &mut Vec<u8>, mut v: u64) {
    while v >= 0x80 {
        out.push((v as u8) | 0x80);
        v >>= 7;
    }
    out.push(v as u8);
}

pub(crate) fn get_varint(bytes: &[u8], at: &mut usize) -> Result<u64, ChunkError> {
    let mut v = 0u64;
    for shift in (0..64).step_by(7) {
        let byte = *bytes.get(*at).ok_or(ChunkError::Corrupt("truncated"))?;
        *at += 1;
        v |= u64::from(byte & 0x7f) << shift;
        if byte & 0x80 == 0 {
            return Ok(v);
        }
    }
    Err(ChunkError::Corrupt("varint"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signed_code_round_trips_at_every_bucket_edge() {
        let values = [
            0i64,
            1,
            -1,
            4,
            -4,
            5,
            -5,
            68,
            -68,
            69,
            -69,
            32_836,
            -32_836,
            32_837,
            -32_837,
            i64::MAX,
            i64::MIN,
        ];
        let mut w = BitWriter::default();
        for v in values {
            w.put_signed(v);
        }
        let mut bytes = Vec::new();
        w.finish_into(&mut bytes);
        let mut r = BitReader {
            bytes: &bytes,
            pos: 0,
        };
        for v in values {
            assert_eq!(r.get_signed().expect("decodes"), v);
        }
    }

    #[test]
    fn delay_rounds_to_the_nearest_step() {
        assert_eq!(div_round(149, 100), 1);
        assert_eq!(div_round(150, 100), 2);
        assert_eq!(div_round(-150, 100), -2);
        assert_eq!(div_round(0, 100), 0);
    }
}
