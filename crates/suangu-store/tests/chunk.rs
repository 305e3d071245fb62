//! The raw chunk codec: exact round trips within the resolution, damage is an error not a panic,
//! and the size on the twin's own rack data.

use jiff::Timestamp;
use proptest::prelude::*;
use suangu_core::qingyang;
use suangu_sim::Twin;
use suangu_store::chunk::{ChunkError, Point, Quality, decode, encode};

fn quality() -> impl Strategy<Value = Quality> {
    prop_oneof![
        Just(Quality::Good),
        Just(Quality::Uncertain),
        Just(Quality::Bad)
    ]
}

fn points() -> impl Strategy<Value = Vec<Point>> {
    prop::collection::vec(
        (
            1i64..120_000,
            -50_000.0f64..50_000.0,
            0i64..5_000,
            quality(),
        ),
        0..300,
    )
    .prop_map(|steps| {
        let mut t = 1_767_225_600_000i64;
        steps
            .into_iter()
            .map(|(gap, value, delay, quality)| {
                t += gap;
                Point {
                    source_ms: t,
                    ingest_ms: t + delay,
                    value,
                    quality,
                }
            })
            .collect()
    })
}

proptest! {
    #[test]
    fn round_trips_within_half_a_resolution_step(points in points(), res in prop_oneof![Just(0.1), Just(0.01), Just(1.0)]) {
        let bytes = encode(&points, res).expect("encodes");
        let back = decode(&bytes).expect("decodes");
        prop_assert_eq!(back.len(), points.len());
        for (a, b) in points.iter().zip(&back) {
            prop_assert_eq!(a.source_ms, b.source_ms);
            prop_assert_eq!(a.ingest_ms, b.ingest_ms);
            prop_assert_eq!(a.quality, b.quality);
            if a.quality == Quality::Bad {
                prop_assert!(b.value.is_nan());
            } else {
                prop_assert!((a.value - b.value).abs() <= res / 2.0 + 1e-9, "{} vs {}", a.value, b.value);
            }
        }
    }

    #[test]
    fn any_damage_is_an_error_never_a_panic(points in points(), at in any::<prop::sample::Index>(), bit in 0u8..8) {
        let mut bytes = encode(&points, 0.1).expect("encodes");
        let i = at.index(bytes.len());
        bytes[i] ^= 1 << bit;
        prop_assert!(decode(&bytes).is_err());
    }

    #[test]
    fn random_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..200)) {
        let _ = decode(&bytes);
    }
}

#[test]
fn bad_input_is_refused() {
    let p = |t: i64, v: f64, q: Quality| Point {
        source_ms: t,
        ingest_ms: t,
        value: v,
        quality: q,
    };
    assert_eq!(
        encode(&[p(2, 1.0, Quality::Good), p(2, 1.0, Quality::Good)], 0.1),
        Err(ChunkError::NotIncreasing { index: 1 })
    );
    assert_eq!(
        encode(&[p(1, f64::NAN, Quality::Good)], 0.1),
        Err(ChunkError::NotFinite { index: 0 })
    );
    assert_eq!(
        encode(&[p(1, 1.0, Quality::Good)], 0.0),
        Err(ChunkError::Resolution)
    );
    // A bad point may carry no value.
    assert!(encode(&[p(1, f64::NAN, Quality::Bad)], 0.1).is_ok());
    assert_eq!(
        decode(b"not a chunk at all"),
        Err(ChunkError::Corrupt("checksum mismatch"))
    );
}

/// Bytes per point for one rack's power, from the twin: a day at 1-minute steps and an hour at
/// 1 Hz (ingest 20-60 ms after the source time). Printed, and held to an upper bound.
#[test]
fn twin_rack_series_compress() {
    let park = qingyang().expect("park");
    let twin = Twin::new(park, 1);
    let start = "2026-04-01T00:00:00Z"
        .parse::<Timestamp>()
        .expect("ts")
        .as_second();
    let mut racks = Vec::new();
    let mut series = |step_s: i64, n: i64, jitter: bool| -> Vec<Point> {
        (0..n)
            .map(|k| {
                let t = start + k * step_s;
                let at = Timestamp::from_second(t).expect("ts");
                let s = twin.sample(at);
                twin.racks(1, at, &s.centres[1], &s.weather, &mut racks);
                let delay = if jitter { 20 + (k * 7919 % 41) } else { 40 };
                Point {
                    source_ms: t * 1000,
                    ingest_ms: t * 1000 + delay,
                    value: f64::from(racks[17].power_kw),
                    quality: Quality::Good,
                }
            })
            .collect()
    };
    for (label, points) in [
        ("1-minute day", series(60, 1440, false)),
        ("1 Hz hour", series(1, 3600, true)),
    ] {
        let bytes = encode(&points, 0.1).expect("encodes");
        let per_point = bytes.len() as f64 / points.len() as f64;
        println!(
            "chunk size, one rack's power, {label}: {} points in {} bytes = {per_point:.2} bytes/point",
            points.len(),
            bytes.len()
        );
        assert!(per_point < 4.0, "{label}: {per_point}");
        assert_eq!(decode(&bytes).expect("decodes").len(), points.len());
    }
}
