//! The same store suite on SQLite (real files) and on a real PostgreSQL server: migrations,
//! idempotent writes, hourly rollups, the ledger read back exactly, events, refusal of a newer
//! schema. PostgreSQL comes from `SUANGU_TEST_PG` (`make test` starts one with
//! scripts/test-postgres.sh).

use jiff::Timestamp;
use std::path::PathBuf;
use std::sync::Arc;
use suangu_core::interval::{IntervalAccumulator, IntervalRecord};
use suangu_core::{Park, qingyang};
use suangu_sim::Twin;
use suangu_store::audit::{self, AuditEntry, AuditKey};
use suangu_store::chunk::{DELAY_STEP_MS, Point, Quality};
use suangu_store::ingest::{RawIngest, Sample};
use suangu_store::{
    Event, Level, PgStore, Pruned, Scope, SeriesSpec, SqliteStore, Store, StoreError, User,
};

fn temp_db(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("suangu-store-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let path = dir.join(format!("{name}.db"));
    let _ = std::fs::remove_file(&path);
    path
}

fn at(s: &str) -> Timestamp {
    s.parse().expect("timestamp")
}

/// One simulated day of intervals, at 5-minute samples.
fn day(park: &Park) -> Vec<IntervalRecord> {
    let twin = Twin::new(park.clone(), 7);
    let mut acc = IntervalAccumulator::new(park);
    let start = at("2026-04-01T00:00:00Z").as_second();
    let mut out = Vec::new();
    for k in 0..(24 * 12) {
        let t = Timestamp::from_second(start + k * 300).expect("ts");
        out.extend(acc.push(&twin.sample(t).power, 5.0 / 60.0));
    }
    out.extend(acc.finish());
    out
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime")
}

async fn a_day_written_reads_back_exactly_and_rolls_up_to_hours<S: Store>(store: S) {
    {
        let park = qingyang().expect("park");
        let records = day(&park);
        assert_eq!(records.len(), 96);
        store.write_intervals(&park, &records).await.expect("write");

        let (from, to) = (at("2026-04-01T00:00:00Z"), at("2026-04-02T00:00:00Z"));
        let ledger = store.ledger("qingyang", from, to).await.expect("ledger");
        assert_eq!(ledger.len(), 96);
        for (row, record) in ledger.iter().zip(&records) {
            assert_eq!(row.start, record.start);
            assert_eq!(row.ledger, record.ledger, "REAL columns round-trip exactly");
        }

        let quarters = store
            .aggregates(
                "qingyang",
                Level::Quarter,
                Scope::Park,
                "qingyang",
                from,
                to,
            )
            .await
            .expect("15m");
        let hours = store
            .aggregates("qingyang", Level::Hour, Scope::Park, "qingyang", from, to)
            .await
            .expect("1h");
        assert_eq!(quarters.len(), 96);
        assert_eq!(hours.len(), 24);
        let sum = |rows: &[suangu_store::AggregateRow]| rows.iter().map(|r| r.it.0).sum::<f64>();
        assert!((sum(&quarters) - sum(&hours)).abs() < 1e-6);
        let peak_q = quarters.iter().map(|r| r.peak_it.0).fold(0.0, f64::max);
        let peak_h = hours.iter().map(|r| r.peak_it.0).fold(0.0, f64::max);
        assert_eq!(peak_q, peak_h);

        // Centres and zones add up to the park.
        let n02 = store
            .aggregates("qingyang", Level::Hour, Scope::Centre, "CM-N02", from, to)
            .await
            .expect("centre");
        assert_eq!(n02.len(), 24);
        let mut zones = 0.0;
        for z in &park.scenario().zones {
            let rows = store
                .aggregates(
                    "qingyang",
                    Level::Quarter,
                    Scope::Zone,
                    z.id.as_str(),
                    from,
                    to,
                )
                .await
                .expect("zone");
            zones += sum(&rows);
        }
        assert!((zones - sum(&quarters)).abs() < 1e-6);
    }
}

async fn writing_the_same_intervals_again_does_not_grow_the_store<S: Store>(store: S) {
    {
        let park = qingyang().expect("park");
        let records = day(&park);
        store.write_intervals(&park, &records).await.expect("write");
        store
            .write_intervals(&park, &records)
            .await
            .expect("write again");
        let (from, to) = (at("2026-01-01T00:00:00Z"), at("2027-01-01T00:00:00Z"));
        assert_eq!(
            store
                .ledger("qingyang", from, to)
                .await
                .expect("ledger")
                .len(),
            96
        );
        let q = store
            .aggregates(
                "qingyang",
                Level::Quarter,
                Scope::Park,
                "qingyang",
                from,
                to,
            )
            .await
            .expect("q");
        assert_eq!(q.len(), 96);
    }
}

async fn a_sources_newest_health_replaces_the_last<S: Store>(store: S) {
    let put = |source: &'static str, at_s: &'static str, report: &'static str| {
        let store = &store;
        async move {
            store
                .put_source_health("qingyang", source, at(at_s), report)
                .await
                .expect("put")
        }
    };
    put("meters", "2026-04-01T01:00:00Z", r#"{"points":1}"#).await;
    put("clusters", "2026-04-01T01:00:05Z", r#"{"points":7}"#).await;
    put("meters", "2026-04-01T01:00:10Z", r#"{"points":2}"#).await;
    store
        .put_source_health("other", "meters", at("2026-04-01T01:00:00Z"), "{}")
        .await
        .expect("put");
    let got = store.source_health("qingyang").await.expect("read");
    let got: Vec<(&str, Timestamp, &str)> = got
        .iter()
        .map(|r| (r.source.as_str(), r.at, r.report.as_str()))
        .collect();
    assert_eq!(
        got,
        [
            ("clusters", at("2026-04-01T01:00:05Z"), r#"{"points":7}"#),
            ("meters", at("2026-04-01T01:00:10Z"), r#"{"points":2}"#),
        ]
    );
}

async fn events_are_kept_in_order<S: Store>(store: S) {
    {
        let e = |at_s: &str, kind: &str, target: &str| Event {
            at: at(at_s),
            kind: kind.into(),
            target: target.into(),
            detail: "{}".into(),
        };
        store
            .add_event("qingyang", &e("2026-04-01T02:00:00Z", "clear", "SS-110-1"))
            .await
            .expect("add");
        store
            .add_event("qingyang", &e("2026-04-01T01:00:00Z", "trip", "SS-110-1"))
            .await
            .expect("add");
        store
            .add_event("other", &e("2026-04-01T01:30:00Z", "trip", "X"))
            .await
            .expect("add");
        let got = store
            .events(
                "qingyang",
                at("2026-04-01T00:00:00Z"),
                at("2026-04-02T00:00:00Z"),
            )
            .await
            .expect("events");
        let kinds: Vec<&str> = got.iter().map(|e| e.kind.as_str()).collect();
        assert_eq!(kinds, ["trip", "clear"]);
    }
}

#[test]
fn a_database_from_a_newer_version_is_refused_clearly() {
    runtime().block_on(async {
        let path = temp_db("newer");
        {
            let store = SqliteStore::open(&path).await.expect("open");
            drop(store);
        }
        // Pretend a newer Suangu added migration 9999.
        let pool = sqlx::SqlitePool::connect(&format!("sqlite://{}", path.display())).await.expect("raw");
        sqlx::query(
            "INSERT INTO _sqlx_migrations (version, description, success, checksum, execution_time) \
             VALUES (9999, 'from the future', 1, x'00', 0)",
        )
        .execute(&pool)
        .await
        .expect("insert");
        pool.close().await;
        let err = SqliteStore::open(&path).await.err().expect("refused");
        assert!(matches!(err, StoreError::NewerSchema { found: 9999, .. }), "{err}");
        let message = err.to_string();
        assert!(message.contains(&path.display().to_string()) && message.contains("newer"), "{message}");
    });
}

#[test]
fn an_unopenable_path_is_a_clear_error() {
    runtime().block_on(async {
        let err = SqliteStore::open(std::path::Path::new("/proc/no/such/suangu.db"))
            .await
            .err()
            .expect("fails");
        assert!(matches!(err, StoreError::Open { .. }), "{err}");
        assert!(err.to_string().contains("/proc/no/such/suangu.db"), "{err}");
    });
}

fn spec(name: &str) -> SeriesSpec {
    SeriesSpec {
        name: name.to_owned(),
        resolution: 0.1,
    }
}

/// One write of more rows than one SQL statement may carry parameters for (SQLite's 32,766):
/// the racks' chunks of a window (5,000 series, nine columns each) and three weeks of
/// intervals (2,016, the ledger's seventeen columns each) are stored whole.
async fn writes_larger_than_one_statement_are_stored_whole<S: Store + 'static>(store: S) {
    let store = Arc::new(store);
    let thread =
        format!("{:?}", std::thread::current().id()).replace(|c: char| !c.is_ascii_digit(), "");
    let dir = std::env::temp_dir().join(format!("suangu-wide-{}-{thread}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let series: Vec<SeriesSpec> = (0..5000).map(|k| spec(&format!("r{k}/power_kw"))).collect();
    let (mut ingest, _) = RawIngest::open(store.clone(), "qingyang", &dir, &series)
        .await
        .expect("open");
    let t = at("2026-04-01T00:00:00Z").as_millisecond();
    let samples: Vec<Sample> = (0..series.len())
        .map(|k| Sample {
            series: k as u32,
            source_ms: t,
            value: k as f64,
            quality: Quality::Good,
        })
        .collect();
    ingest.append(t, &samples).await.expect("append");
    ingest
        .write_open(0..series.len())
        .await
        .expect("one window of 5,000 chunks");
    let ids: Vec<i64> = store
        .series_ids(
            "qingyang",
            &series.iter().map(|s| s.name.clone()).collect::<Vec<_>>(),
        )
        .await
        .expect("ids")
        .into_iter()
        .map(|id| id.expect("registered"))
        .collect();
    let snapshot = store
        .raw_snapshot(&ids, Timestamp::from_millisecond(t).expect("t"))
        .await
        .expect("snapshot");
    let values: Vec<Option<f64>> = snapshot.iter().map(|p| p.map(|p| p.value)).collect();
    let expected: Vec<Option<f64>> = (0..series.len()).map(|k| Some(k as f64)).collect();
    assert_eq!(values, expected);
    ingest.close().await.expect("close");
    let _ = std::fs::remove_dir_all(&dir);

    let park = qingyang().expect("park");
    let one = day(&park);
    let weeks: Vec<IntervalRecord> = (0..21i64)
        .flat_map(|d| {
            one.iter().map(move |r| {
                let mut r = r.clone();
                r.start = Timestamp::from_second(r.start.as_second() + d * 86_400).expect("ts");
                r
            })
        })
        .collect();
    assert_eq!(weeks.len(), 2016);
    store
        .write_intervals(&park, &weeks)
        .await
        .expect("three weeks in one write");
    let (from, to) = (at("2026-01-01T00:00:00Z"), at("2027-01-01T00:00:00Z"));
    assert_eq!(
        store
            .ledger("qingyang", from, to)
            .await
            .expect("ledger")
            .len(),
        2016
    );
}

async fn raw_points_round_trip_and_duplicates_do_not_grow<S: Store>(store: S) {
    let start = at("2026-04-01T00:00:00Z").as_millisecond();
    let ids = store
        .register_series(
            "qingyang",
            &[
                spec("CM-N01.H1.R01.07/power_kw"),
                spec("CM-N01.H1.R01.08/power_kw"),
            ],
        )
        .await
        .expect("register");
    // Registering again keeps the ids.
    let again_ids = store
        .register_series("qingyang", &[spec("CM-N01.H1.R01.08/power_kw")])
        .await
        .expect("again");
    assert_eq!(again_ids, ids[1..]);
    assert_eq!(
        store
            .series("qingyang", "CM-N01.H1.R01.07/power_kw")
            .await
            .expect("lookup"),
        Some((ids[0], 0.1))
    );
    // Three hours of one rack's power at 10 s, with a bad point in the middle.
    let points: Vec<Point> = (0..1080)
        .map(|k| {
            let t = start + k * 10_000;
            let bad = k == 500;
            Point {
                source_ms: t,
                ingest_ms: t + 235,
                value: if bad {
                    f64::NAN
                } else {
                    12.0 + (k % 17) as f64 * 0.3
                },
                quality: if bad { Quality::Bad } else { Quality::Good },
            }
        })
        .collect();
    let quarantined = store
        .write_raw("qingyang", "test", ids[0], 0.1, &points)
        .await
        .expect("write");
    assert!(quarantined.is_empty());
    let (from, to) = (at("2026-04-01T00:30:00Z"), at("2026-04-01T02:30:00Z"));
    let got = store.raw_range(ids[0], from, to).await.expect("range");
    let want: Vec<&Point> = points
        .iter()
        .filter(|p| p.source_ms >= from.as_millisecond() && p.source_ms < to.as_millisecond())
        .collect();
    assert_eq!(got.points.len(), want.len());
    for (g, w) in got.points.iter().zip(want) {
        assert_eq!((g.source_ms, g.quality), (w.source_ms, w.quality));
        assert!((g.ingest_ms - w.ingest_ms).abs() <= DELAY_STEP_MS / 2);
        if w.quality == Quality::Bad {
            assert!(g.value.is_nan());
        } else {
            assert!((g.value - w.value).abs() <= 0.05 + 1e-9);
        }
    }
    // Written again, in another order, with overlap: nothing doubles.
    let mut again = points[300..900].to_vec();
    again.reverse();
    store
        .write_raw("qingyang", "test", ids[0], 0.1, &again)
        .await
        .expect("again");
    let all = store
        .raw_range(
            ids[0],
            at("2026-04-01T00:00:00Z"),
            at("2026-04-02T00:00:00Z"),
        )
        .await
        .expect("all");
    assert_eq!(all.points.len(), points.len());
    assert!(
        all.points
            .windows(2)
            .all(|w| w[0].source_ms < w[1].source_ms)
    );
    // Another series is another series.
    let none = store.raw_range(ids[1], from, to).await.expect("empty");
    assert!(none.points.is_empty());
    // Many series at one instant: each one's newest point at or before it.
    let names = vec!["CM-N01.H1.R01.07/power_kw".to_owned(), "nope".to_owned()];
    assert_eq!(
        store.series_ids("qingyang", &names).await.expect("ids"),
        vec![Some(ids[0]), None]
    );
    let snapshot = store
        .raw_snapshot(&ids, at("2026-04-01T00:00:35Z"))
        .await
        .expect("snapshot");
    assert_eq!(snapshot[0].map(|p| p.source_ms), Some(start + 30_000));
    assert!(snapshot[1].is_none());
    assert_eq!(
        store.raw_high_water("qingyang").await.expect("mark"),
        Some(start / 1000 + 3 * 3600 - 300)
    );
}

/// The ingest path end to end on one backend: an hour of two 1 Hz series with repeats,
/// out-of-order and late points and a NaN, then rollups, then retention.
async fn raw_ingest_writes_windows_rollups_and_retention<S: Store + 'static>(store: S) {
    let store = Arc::new(store);
    // Each backend's test runs on its own thread.
    let thread =
        format!("{:?}", std::thread::current().id()).replace(|c: char| !c.is_ascii_digit(), "");
    let dir = std::env::temp_dir().join(format!("suangu-ingest-{}-{thread}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let (mut ingest, recovered) = RawIngest::open(
        store.clone(),
        "qingyang",
        &dir,
        &[spec("a/power_kw"), spec("b/power_kw")],
    )
    .await
    .expect("open");
    assert_eq!(recovered.points, 0);
    let start = at("2026-04-01T00:00:00Z").as_millisecond();
    let value = |k: i64, series: u32| 5.0 + f64::from(series) + ((k * 7) % 13) as f64 * 0.1;
    let mut expected: std::collections::BTreeMap<(u32, i64), f64> = Default::default();
    for k in 0..3600i64 {
        let t = start + k * 1000;
        let mut batch = vec![
            Sample {
                series: 0,
                source_ms: t,
                value: value(k, 0),
                quality: Quality::Good,
            },
            Sample {
                series: 1,
                source_ms: t,
                value: value(k, 1),
                quality: Quality::Good,
            },
        ];
        if k % 100 == 50 {
            // A repeat with a new value (it replaces the first), and an out-of-order point.
            batch.push(Sample {
                series: 0,
                source_ms: t - 2000,
                value: 99.0,
                quality: Quality::Good,
            });
        }
        if k == 1000 {
            // Late: a window already written.
            batch.push(Sample {
                series: 1,
                source_ms: start + 10_500,
                value: 42.0,
                quality: Quality::Uncertain,
            });
        }
        if k == 2000 {
            batch[0].value = f64::NAN;
        }
        for s in &batch {
            expected.insert((s.series, s.source_ms), s.value);
        }
        ingest.append(t + 200, &batch).await.expect("append");
        if k == 150 {
            // Readers can see the open window before it closes; the full chunk replaces it.
            ingest.write_open(0..2).await.expect("write open");
            let (id, _) = store
                .series("qingyang", "b/power_kw")
                .await
                .expect("lookup")
                .expect("id");
            let so_far = store
                .raw_range(id, at("2026-04-01T00:00:00Z"), at("2026-04-01T01:00:00Z"))
                .await
                .expect("range");
            assert_eq!(so_far.points.len(), 151);
        }
    }
    let stats = ingest.close().await.expect("close");
    assert_eq!(stats.late, 1);
    assert_eq!(stats.made_bad, 1);
    assert!(stats.out_of_order >= 36, "{stats:?}");
    assert_eq!(stats.chunks_written, 24);
    let (from, to) = (at("2026-04-01T00:00:00Z"), at("2026-04-01T01:00:00Z"));
    for (series, name) in [(0u32, "a/power_kw"), (1, "b/power_kw")] {
        let (id, _) = store
            .series("qingyang", name)
            .await
            .expect("lookup")
            .expect("registered");
        let got = store.raw_range(id, from, to).await.expect("range");
        let want: Vec<(i64, f64)> = expected
            .iter()
            .filter(|((s, _), _)| *s == series)
            .map(|((_, t), v)| (*t, *v))
            .collect();
        assert_eq!(got.points.len(), want.len(), "series {series}");
        for (p, (t, v)) in got.points.iter().zip(&want) {
            assert_eq!(p.source_ms, *t);
            if v.is_nan() {
                assert_eq!(p.quality, Quality::Bad);
            } else {
                assert!((p.value - v).abs() < 0.051, "{t}: {} vs {v}", p.value);
            }
        }
        // Rollups: one per 5-minute chunk, agreeing with the points.
        let buckets = store.raw_buckets(id, from, to).await.expect("buckets");
        assert_eq!(buckets.len(), 12);
        assert_eq!(
            buckets.iter().map(|b| b.points).sum::<u32>() as usize,
            want.len()
        );
        let valued: Vec<f64> = got
            .points
            .iter()
            .filter(|p| p.quality != Quality::Bad)
            .map(|p| p.value)
            .collect();
        let max = valued.iter().copied().fold(f64::MIN, f64::max);
        assert!(
            (buckets
                .iter()
                .filter_map(|b| b.max)
                .fold(f64::MIN, f64::max)
                - max)
                .abs()
                < 1e-9
        );
        let sum: f64 = valued.iter().sum();
        let bucket_sum: f64 = buckets
            .iter()
            .filter_map(|b| b.mean.map(|m| m * f64::from(b.valued)))
            .sum();
        assert!(
            (sum - bucket_sum).abs() < 1e-6 * sum,
            "{sum} vs {bucket_sum}"
        );

        // Retention: chunks fold into an hourly rollup with the same totals.
        if series == 1 {
            let pruned = store
                .prune_raw(
                    "qingyang",
                    at("2026-04-01T01:00:00Z"),
                    at("2026-01-01T00:00:00Z"),
                )
                .await
                .expect("prune");
            assert_eq!(
                pruned,
                Pruned {
                    chunks: 24,
                    rollups: 0,
                    quarantined: Vec::new(),
                }
            );
            assert!(
                store
                    .raw_range(id, from, to)
                    .await
                    .expect("range")
                    .points
                    .is_empty()
            );
            let hourly = store.raw_buckets(id, from, to).await.expect("hourly");
            assert_eq!(hourly.len(), 1);
            assert_eq!(
                (hourly[0].seconds, hourly[0].points as usize),
                (3600, want.len())
            );
            assert!((hourly[0].max.unwrap_or(0.0) - max).abs() < 1e-9);
            let gone = store
                .prune_raw(
                    "qingyang",
                    at("2026-04-02T00:00:00Z"),
                    at("2026-04-02T00:00:00Z"),
                )
                .await
                .expect("prune rollups");
            assert_eq!(gone.rollups, 2);
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
}

/// Two ingests of one series at once (a `suangu run` and a `suangu import`, each with its own
/// log): their points of the same windows interleave, both publish their open chunks, one is
/// killed and replays its log, both flush. Every point of both is read back exactly once; where
/// both hold a source time, the point received last; rollups, snapshots and retention count each
/// point once.
async fn two_ingests_of_one_series_keep_each_others_points<S: Store + 'static>(store: S) {
    let store = Arc::new(store);
    let thread =
        format!("{:?}", std::thread::current().id()).replace(|c: char| !c.is_ascii_digit(), "");
    let dir = |who: &str| {
        std::env::temp_dir().join(format!(
            "suangu-writers-{}-{thread}-{who}",
            std::process::id()
        ))
    };
    for who in ["run", "import"] {
        let _ = std::fs::remove_dir_all(dir(who));
    }
    let series = [spec("a/power_kw")];
    let open = |who: &'static str| {
        let (store, dir, series) = (store.clone(), dir(who), series.clone());
        async move {
            RawIngest::open(store, "qingyang", &dir, &series)
                .await
                .expect("open")
        }
    };
    let (mut run, _) = open("run").await;
    let (mut import, _) = open("import").await;
    assert_ne!(run.writer(), import.writer());
    let (run_writer, import_writer) = (run.writer().to_owned(), import.writer().to_owned());
    let start = at("2026-04-01T00:00:00Z").as_millisecond();
    let sample = |source_ms: i64, value: f64| Sample {
        series: 0,
        source_ms,
        value,
        quality: Quality::Good,
    };
    // Two and a half windows at 1 Hz: the run has the even seconds, the import the odd ones, and
    // every 60th second both have it (the import 5 s later, with another value: it wins).
    let mut expected: std::collections::BTreeMap<i64, f64> = Default::default();
    for k in 0..750i64 {
        let t = start + k * 1000;
        let v = 10.0 + (k % 50) as f64 * 0.1;
        if k % 2 == 0 {
            run.append(t + 100, &[sample(t, v)]).await.expect("run");
            expected.insert(t, v);
        }
        if k % 2 == 1 || k % 60 == 0 {
            import
                .append(t + 5000, &[sample(t, v + 1.0)])
                .await
                .expect("import");
            expected.insert(t, v + 1.0);
        }
        if k % 97 == 0 {
            run.write_open(0..1).await.expect("run publishes");
            import.write_open(0..1).await.expect("import publishes");
        }
    }
    // Late to the run: a new source time in the first window, and a repeat of one of the
    // import's, received last (so it wins).
    run.append(
        start + 800_000,
        &[sample(start + 1500, 7.0), sample(start + 3000, 8.0)],
    )
    .await
    .expect("late");
    expected.insert(start + 1500, 7.0);
    expected.insert(start + 3000, 8.0);
    // The import dies with its last window in the log only; reopened, it replays it as itself.
    drop(import);
    let (import, recovered) = open("import").await;
    assert!(recovered.points > 0, "{recovered:?}");
    assert_eq!(
        import.writer(),
        import_writer,
        "a restart keeps the writer id"
    );
    import.close().await.expect("import close");
    run.close().await.expect("run close");
    let (reopened, _) = open("run").await;
    assert_eq!(reopened.writer(), run_writer);
    reopened.close().await.expect("close again");

    let (id, _) = store
        .series("qingyang", "a/power_kw")
        .await
        .expect("lookup")
        .expect("registered");
    let (from, to) = (at("2026-04-01T00:00:00Z"), at("2026-04-01T01:00:00Z"));
    let got = store.raw_range(id, from, to).await.expect("range");
    assert!(got.quarantined.is_empty());
    let times: Vec<i64> = got.points.iter().map(|p| p.source_ms).collect();
    assert!(times.windows(2).all(|w| w[0] < w[1]), "a point is doubled");
    let missing: Vec<&i64> = expected
        .keys()
        .filter(|t| times.binary_search(t).is_err())
        .take(5)
        .collect();
    assert!(missing.is_empty(), "lost: {missing:?} ...");
    assert_eq!(
        times.len(),
        expected.len(),
        "every point of both, once each"
    );
    for p in &got.points {
        let want = expected[&p.source_ms];
        assert!(
            (p.value - want).abs() < 0.051,
            "{}: {} vs {want}",
            p.source_ms,
            p.value
        );
    }
    let buckets = store.raw_buckets(id, from, to).await.expect("buckets");
    assert_eq!(buckets.len(), 3);
    assert_eq!(
        buckets.iter().map(|b| b.points as usize).sum::<usize>(),
        expected.len()
    );
    let sum: f64 = got.points.iter().map(|p| p.value).sum();
    let bucket_sum: f64 = buckets
        .iter()
        .filter_map(|b| b.mean.map(|m| m * f64::from(b.valued)))
        .sum();
    assert!(
        (sum - bucket_sum).abs() < 1e-6 * sum,
        "{sum} vs {bucket_sum}"
    );
    // At a second both hold, a screen shows the point received last.
    let shared = start + 120_000;
    let snapshot = store
        .raw_snapshot(&[id], Timestamp::from_millisecond(shared).expect("ts"))
        .await
        .expect("snapshot");
    let shown = snapshot[0].expect("a point");
    assert_eq!(shown.source_ms, shared);
    assert!((shown.value - expected[&shared]).abs() < 0.051, "{shown:?}");
    // The newest point, from the newest window only (both writers' chunks of it).
    let newest = store
        .raw_newest(id)
        .await
        .expect("newest")
        .map(|p| p.source_ms);
    assert_eq!(newest, expected.keys().next_back().copied());
    // Retention folds both writers' chunks of each window into one hour, each point once.
    let pruned = store
        .prune_raw("qingyang", to, at("2026-01-01T00:00:00Z"))
        .await
        .expect("prune");
    assert_eq!(
        (pruned.chunks, pruned.quarantined.len()),
        (6, 0),
        "{pruned:?}"
    );
    let hourly = store.raw_buckets(id, from, to).await.expect("hourly");
    assert_eq!(hourly.len(), 1);
    assert_eq!(
        (hourly[0].seconds, hourly[0].points as usize),
        (3600, expected.len())
    );
    let hourly_sum = hourly[0]
        .mean
        .map_or(0.0, |m| m * f64::from(hourly[0].valued));
    assert!(
        (sum - hourly_sum).abs() < 1e-6 * sum,
        "{sum} vs {hourly_sum}"
    );
    for who in ["run", "import"] {
        let _ = std::fs::remove_dir_all(dir(who));
    }
}

async fn screen_tokens_are_kept_hashed_spent_once_and_revoked<S: Store>(store: S) {
    let t0 = at("2026-04-01T00:00:00Z");
    let hash = |c: char| c.to_string().repeat(64);
    let hall = store
        .add_screen_token("qingyang", "hall-a", &hash('a'), &hash('1'), t0)
        .await
        .expect("add")
        .expect("new screen");
    // One active token per screen name and park; another park may use the name.
    let taken = store
        .add_screen_token("qingyang", "hall-a", &hash('b'), &hash('2'), t0)
        .await
        .expect("add");
    assert_eq!(taken, None);
    store
        .add_screen_token("other", "hall-a", &hash('c'), &hash('3'), t0)
        .await
        .expect("add")
        .expect("other park");
    let lobby = store
        .add_screen_token("qingyang", "lobby", &hash('d'), &hash('4'), t0)
        .await
        .expect("add")
        .expect("new screen");

    let creds = store.screen_credentials("qingyang").await.expect("creds");
    let mut tokens = creds.tokens.clone();
    tokens.sort();
    assert_eq!(tokens, [(hash('a'), hall), (hash('d'), lobby)]);
    assert!(creds.sessions.is_empty());

    // A link code opens one session, once; an unknown code none.
    let t1 = at("2026-04-01T00:01:00Z");
    let redeemed = store
        .redeem_screen_link("qingyang", &hash('1'), &hash('e'), t1)
        .await
        .expect("redeem");
    assert_eq!(redeemed, Some(hall));
    let again = store
        .redeem_screen_link("qingyang", &hash('1'), &hash('f'), t1)
        .await
        .expect("redeem");
    assert_eq!(again, None, "a link code is spent by its first use");
    let elsewhere = store
        .redeem_screen_link("other", &hash('4'), &hash('f'), t1)
        .await
        .expect("redeem");
    assert_eq!(
        elsewhere, None,
        "a code of one park opens nothing in another"
    );
    let creds = store.screen_credentials("qingyang").await.expect("creds");
    assert_eq!(creds.sessions, [(hash('e'), hall)]);

    store.touch_screen_tokens(&[hall], t1).await.expect("touch");
    let listed = store.screen_tokens("qingyang").await.expect("list");
    let view: Vec<(&str, Option<Timestamp>, Option<Timestamp>, bool)> = listed
        .iter()
        .map(|t| (t.screen.as_str(), t.revoked, t.last_seen, t.link_pending))
        .collect();
    assert_eq!(
        view,
        [
            ("hall-a", None, Some(t1), false),
            ("lobby", None, None, true)
        ]
    );

    // Revoking ends the token and its sessions; the name is free again; unknown is false.
    let t2 = at("2026-04-01T00:02:00Z");
    assert!(
        store
            .revoke_screen_token("qingyang", "hall-a", t2)
            .await
            .expect("revoke")
    );
    assert!(
        !store
            .revoke_screen_token("qingyang", "hall-a", t2)
            .await
            .expect("revoke")
    );
    assert!(
        !store
            .revoke_screen_token("qingyang", "nowhere", t2)
            .await
            .expect("revoke")
    );
    let creds = store.screen_credentials("qingyang").await.expect("creds");
    assert_eq!(creds.tokens, [(hash('d'), lobby)]);
    assert!(creds.sessions.is_empty());
    store
        .add_screen_token("qingyang", "hall-a", &hash('g'), &hash('5'), t2)
        .await
        .expect("add")
        .expect("the name is free after revocation");
    let listed = store.screen_tokens("qingyang").await.expect("list");
    assert_eq!(listed.len(), 3);
    assert_eq!(listed[0].revoked, Some(t2));
    assert_eq!(listed[0].created, t0);
    assert!(
        !listed[0].link_pending,
        "a revoked token's link is gone too"
    );
    assert_eq!(store.screen_tokens("other").await.expect("list").len(), 1);
}

fn audit_entry(i: usize) -> AuditEntry {
    AuditEntry {
        at: Timestamp::from_second(1_775_000_000 + i as i64).expect("ts"),
        who: format!("operator-{}", i % 3),
        role: "operator".into(),
        console: "window".into(),
        action: "drill".into(),
        target: "SS-110-2".into(),
        before: "{}".into(),
        after: format!("{{\"n\":{i}}}"),
        reason: String::new(),
        outcome: "ok".into(),
    }
}

async fn the_audit_log_chains_every_row_even_when_consoles_write_at_once<S: Store>(store: S) {
    let key = AuditKey::from_bytes([42; 32]);
    let first = store
        .append_audit("qingyang", &audit_entry(0), &key)
        .await
        .expect("append");
    // Twenty consoles at once: every row lands, on one unbroken chain.
    let writes = (1..=20).map(|i| {
        let (store, key) = (&store, &key);
        async move { store.append_audit("qingyang", &audit_entry(i), key).await }
    });
    for id in futures_join_all(writes).await {
        id.expect("append");
    }
    store
        .append_audit("other", &audit_entry(99), &key)
        .await
        .expect("other park");
    let rows = store.audit_log("qingyang").await.expect("read");
    assert_eq!(rows.len(), 21);
    assert_eq!((rows[0].id, rows[0].prev), (first, 0));
    assert_eq!(audit::verify("qingyang", &rows, &key), Ok(21));
    let mut written: Vec<String> = rows.iter().map(|r| r.entry.after.clone()).collect();
    written.sort();
    let mut expected: Vec<String> = (0..=20).map(|i| audit_entry(i).after).collect();
    expected.sort();
    assert_eq!(written, expected, "every entry, exactly once");
    assert_eq!(store.audit_log("other").await.expect("other").len(), 1);
    assert!(
        audit::verify("qingyang", &rows, &AuditKey::from_bytes([1; 32])).is_err(),
        "another key"
    );
    // A target's recent outcomes of one action, in the order written (the twenty raced), from
    // an instant on: this park's only, that action and target only.
    let mut sign_in = audit_entry(30);
    (sign_in.action, sign_in.target, sign_in.outcome) = (
        "sign_in".into(),
        "wang".into(),
        "refused: name or password wrong".into(),
    );
    store
        .append_audit("qingyang", &sign_in, &key)
        .await
        .expect("append");
    let mut recent = store
        .audit_outcomes("qingyang", "drill", "SS-110-2", audit_entry(18).at)
        .await
        .expect("outcomes");
    recent.sort();
    assert_eq!(
        recent,
        (18..=20)
            .map(|i| (audit_entry(i).at, "ok".to_owned()))
            .collect::<Vec<_>>()
    );
    assert_eq!(
        store
            .audit_outcomes("qingyang", "sign_in", "wang", audit_entry(0).at)
            .await
            .expect("outcomes"),
        [(sign_in.at, sign_in.outcome)]
    );
}

fn a_user(name: &str, role: &str, phc: &str, at: Timestamp) -> User {
    User {
        name: name.to_owned(),
        role: role.to_owned(),
        password_phc: phc.to_owned(),
        disabled: false,
        created: at,
        updated: at,
    }
}

async fn accounts_are_added_once_changed_and_listed_by_name<S: Store>(store: S) {
    let (t0, t1) = (at("2026-04-01T00:00:00Z"), at("2026-04-01T01:00:00Z"));
    let phc = |c: char| {
        format!(
            "$argon2id$v=19$m=19456,t=2,p=1${}",
            c.to_string().repeat(22)
        )
    };
    assert_eq!(store.users().await.expect("list"), Vec::new());
    assert_eq!(store.user("wang").await.expect("read"), None);

    store
        .add_user(&a_user("wang", "admin", &phc('a'), t0))
        .await
        .expect("add");
    store
        .add_user(&a_user("李娜", "operator", &phc('b'), t0))
        .await
        .expect("a name in Chinese");
    store
        .add_user(&a_user("ahmed", "viewer", &phc('c'), t0))
        .await
        .expect("add");

    // A taken name is refused with a typed error, and the first account is unchanged.
    let taken = store
        .add_user(&a_user("wang", "viewer", &phc('d'), t1))
        .await
        .expect_err("duplicate");
    assert!(
        matches!(&taken, StoreError::UserExists { name } if name == "wang"),
        "{taken}"
    );
    let wang = store.user("wang").await.expect("read").expect("wang");
    assert_eq!(wang, a_user("wang", "admin", &phc('a'), t0));
    // The hash is not in its debug form (what a log line would show).
    assert!(!format!("{wang:?}").contains(&phc('a')), "{wang:?}");

    // Roles outside the three are refused by the database itself.
    assert!(
        store
            .add_user(&a_user("root", "superuser", &phc('e'), t0))
            .await
            .is_err()
    );
    // So is a password column that is not an Argon2 PHC string.
    assert!(
        store
            .add_user(&a_user("plain", "viewer", "hunter2hunter2", t0))
            .await
            .is_err()
    );

    let names: Vec<(String, String)> = store
        .users()
        .await
        .expect("list")
        .into_iter()
        .map(|u| (u.name, u.role))
        .collect();
    assert_eq!(
        names,
        [("ahmed", "viewer"), ("wang", "admin"), ("李娜", "operator")]
            .map(|(n, r)| (n.to_owned(), r.to_owned()))
    );

    store
        .set_user_password("wang", &phc('f'), t1)
        .await
        .expect("passwd");
    store
        .set_user_disabled("ahmed", true, t1)
        .await
        .expect("disable");
    store
        .set_user_role("李娜", "admin", t1)
        .await
        .expect("role");
    let wang = store.user("wang").await.expect("read").expect("wang");
    assert_eq!(
        (wang.password_phc.as_str(), wang.created, wang.updated),
        (phc('f').as_str(), t0, t1)
    );
    let ahmed = store.user("ahmed").await.expect("read").expect("ahmed");
    assert!(ahmed.disabled);
    assert_eq!(ahmed.updated, t1);
    // A disabled account keeps its name.
    assert!(matches!(
        store
            .add_user(&a_user("ahmed", "viewer", &phc('g'), t1))
            .await,
        Err(StoreError::UserExists { .. })
    ));
    store
        .set_user_disabled("ahmed", false, t1)
        .await
        .expect("enable");
    assert!(
        !store
            .user("ahmed")
            .await
            .expect("read")
            .expect("ahmed")
            .disabled
    );
    assert_eq!(
        store.user("李娜").await.expect("read").expect("li").role,
        "admin"
    );

    // Changing an account that does not exist is a typed error, and creates nothing.
    for result in [
        store.set_user_password("nobody", &phc('h'), t1).await,
        store.set_user_disabled("nobody", true, t1).await,
        store.set_user_role("nobody", "admin", t1).await,
    ] {
        assert!(
            matches!(&result, Err(StoreError::NoSuchUser { name }) if name == "nobody"),
            "{result:?}"
        );
    }
    assert!(
        store.set_user_role("wang", "root", t1).await.is_err(),
        "the database refuses an unknown role on update too"
    );
    assert_eq!(store.users().await.expect("list").len(), 3);
}

/// Await every future (the store tests run on one thread: they interleave at each query).
async fn futures_join_all<F: std::future::Future>(
    futures: impl IntoIterator<Item = F>,
) -> Vec<F::Output> {
    let mut set = Vec::new();
    for f in futures {
        set.push(Box::pin(f));
    }
    let mut out: Vec<Option<F::Output>> = set.iter().map(|_| None).collect();
    std::future::poll_fn(|cx| {
        let mut pending = false;
        for (f, slot) in set.iter_mut().zip(out.iter_mut()) {
            if slot.is_none() {
                match f.as_mut().poll(cx) {
                    std::task::Poll::Ready(v) => *slot = Some(v),
                    std::task::Poll::Pending => pending = true,
                }
            }
        }
        if pending {
            std::task::Poll::Pending
        } else {
            std::task::Poll::Ready(())
        }
    })
    .await;
    out.into_iter().flatten().collect()
}

/// Runs every backend-agnostic test above on one backend, each on a fresh database
/// (`test = "database name"`).
macro_rules! suite {
    ($backend:ident, $open:ident: $($test:ident = $db:literal),* $(,)?) => {
        mod $backend {
            use super::*;
            $(
                #[test]
                fn $test() {
                    runtime().block_on(async { super::$test($open($db).await).await });
                }
            )*
        }
    };
}

async fn open_sqlite(name: &str) -> SqliteStore {
    SqliteStore::open(&temp_db(name))
        .await
        .expect("open sqlite")
}

/// The test server's URL with another database name.
fn pg_url(database: &str) -> String {
    let base = std::env::var("SUANGU_TEST_PG").unwrap_or_else(|_| {
        panic!("SUANGU_TEST_PG is not set: run the store tests through `make test` (it starts PostgreSQL with scripts/test-postgres.sh) or point it at a server")
    });
    let (server, _) = base.rsplit_once('/').expect("a postgres:// URL");
    format!("{server}/{database}")
}

async fn open_pg(name: &str) -> PgStore {
    PgStore::open(&fresh_pg(name).await)
        .await
        .expect("open postgres")
}

/// A new, empty database of the test server for this run; its URL.
async fn fresh_pg(name: &str) -> String {
    let database = format!("suangu_test_{}_{name}", std::process::id());
    let admin = sqlx::PgPool::connect(&pg_url("postgres"))
        .await
        .expect("connect to the test server");
    sqlx::query(sqlx::AssertSqlSafe(format!(
        "DROP DATABASE IF EXISTS {database}"
    )))
    .execute(&admin)
    .await
    .expect("drop");
    sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE {database}")))
        .execute(&admin)
        .await
        .expect("create");
    admin.close().await;
    pg_url(&database)
}

macro_rules! both_backends {
    ($($test:ident = $db:literal),* $(,)?) => {
        suite!(sqlite, open_sqlite: $($test = $db),*);
        suite!(postgres, open_pg: $($test = $db),*);
    };
}

both_backends!(
    a_day_written_reads_back_exactly_and_rolls_up_to_hours = "day",
    writing_the_same_intervals_again_does_not_grow_the_store = "idempotent",
    raw_points_round_trip_and_duplicates_do_not_grow = "raw",
    writes_larger_than_one_statement_are_stored_whole = "wide",
    raw_ingest_writes_windows_rollups_and_retention = "ingest",
    two_ingests_of_one_series_keep_each_others_points = "writers",
    events_are_kept_in_order = "events",
    a_sources_newest_health_replaces_the_last = "health",
    screen_tokens_are_kept_hashed_spent_once_and_revoked = "tokens",
    the_audit_log_chains_every_row_even_when_consoles_write_at_once = "audit",
    accounts_are_added_once_changed_and_listed_by_name = "accounts",
);

/// The database refuses to change or remove audit rows; one changed behind its back (the
/// trigger dropped, as a tamperer with the database's powers could) is found by the chain.
#[test]
fn sqlite_refuses_audit_edits_and_the_chain_finds_one_forced_through() {
    runtime().block_on(async {
        let path = temp_db("audit-tamper");
        let store = SqliteStore::open(&path).await.expect("open");
        let key = AuditKey::from_bytes([9; 32]);
        for i in 0..5 {
            store
                .append_audit("qingyang", &audit_entry(i), &key)
                .await
                .expect("append");
        }
        let pool = sqlx::SqlitePool::connect(&format!("sqlite://{}", path.display()))
            .await
            .expect("raw");
        for sql in [
            "UPDATE audit_log SET outcome = 'refused' WHERE id = 3",
            "DELETE FROM audit_log WHERE id = 5",
        ] {
            let err = sqlx::query(sql).execute(&pool).await.expect_err("refused");
            assert!(err.to_string().contains("append-only"), "{err}");
        }
        sqlx::query("DROP TRIGGER audit_log_no_update")
            .execute(&pool)
            .await
            .expect("drop trigger");
        sqlx::query("UPDATE audit_log SET outcome = 'refused' WHERE id = 3")
            .execute(&pool)
            .await
            .expect("forced");
        let rows = store.audit_log("qingyang").await.expect("read");
        let broken = audit::verify("qingyang", &rows, &key).expect_err("detected");
        assert_eq!(broken.id, 3, "{broken}");
    });
}

#[test]
fn postgres_refuses_audit_edits_and_the_chain_finds_one_forced_through() {
    runtime().block_on(async {
        let store = open_pg("audit_tamper").await;
        let url = pg_url(&format!("suangu_test_{}_audit_tamper", std::process::id()));
        let key = AuditKey::from_bytes([9; 32]);
        for i in 0..5 {
            store
                .append_audit("qingyang", &audit_entry(i), &key)
                .await
                .expect("append");
        }
        let pool = sqlx::PgPool::connect(&url).await.expect("raw");
        for sql in [
            "UPDATE audit_log SET outcome = 'refused' WHERE prev > 0",
            "DELETE FROM audit_log",
            "TRUNCATE audit_log",
        ] {
            let err = sqlx::query(sql).execute(&pool).await.expect_err("refused");
            assert!(err.to_string().contains("append-only"), "{sql}: {err}");
        }
        sqlx::query("ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_update_delete")
            .execute(&pool)
            .await
            .expect("disable");
        sqlx::query("DELETE FROM audit_log WHERE id = (SELECT MIN(id) + 1 FROM audit_log)")
            .execute(&pool)
            .await
            .expect("forced");
        let rows = store.audit_log("qingyang").await.expect("read");
        assert_eq!(rows.len(), 4);
        let broken = audit::verify("qingyang", &rows, &key).expect_err("detected");
        assert_eq!(
            broken.id, rows[1].id,
            "the row after the removed one: {broken}"
        );
        pool.close().await;
    });
}

#[test]
fn sqlite_runs_in_wal_mode() {
    runtime().block_on(async {
        let path = temp_db("wal");
        let store = SqliteStore::open(&path).await.expect("open");
        store
            .write_intervals(&qingyang().expect("park"), &day(&qingyang().expect("park")))
            .await
            .expect("write");
        let wal = path.with_extension("db-wal");
        assert!(wal.exists(), "{} missing", wal.display());
    });
}

#[test]
fn postgres_refuses_a_newer_schema_and_names_the_server_without_its_password() {
    runtime().block_on(async {
        let store = open_pg("newer").await;
        let url = pg_url(&format!("suangu_test_{}_newer", std::process::id()));
        drop(store);
        let pool = sqlx::PgPool::connect(&url).await.expect("raw");
        sqlx::query(
            "INSERT INTO _sqlx_migrations (version, description, success, checksum, execution_time) \
             VALUES (9999, 'from the future', true, '\\x00', 0)",
        )
        .execute(&pool)
        .await
        .expect("insert");
        pool.close().await;
        let err = PgStore::open(&url).await.err().expect("refused");
        assert!(matches!(err, StoreError::NewerSchema { found: 9999, .. }), "{err}");
        let bad = PgStore::open("postgres://someone:hunter2@127.0.0.1:1/nowhere").await.err().expect("no server");
        assert!(matches!(bad, StoreError::Open { .. }), "{bad}");
        assert!(!bad.to_string().contains("hunter2"), "{bad}");
    });
}

#[test]
fn a_corrupt_raw_chunk_is_quarantined_and_reported_never_dropped() {
    runtime().block_on(async {
        let path = temp_db("corrupt");
        let store = SqliteStore::open(&path).await.expect("open");
        let ids = store.register_series("qingyang", &[spec("s1")]).await.expect("register");
        let t = at("2026-04-01T00:00:00Z").as_millisecond();
        // Three windows, one point each.
        let points: Vec<Point> = (0..3)
            .map(|k| Point {
                source_ms: t + k * 300_000,
                ingest_ms: t + k * 300_000,
                value: 1.0 + k as f64,
                quality: Quality::Good,
            })
            .collect();
        store.write_raw("qingyang", "test", ids[0], 0.1, &points).await.expect("write");
        let raw = sqlx::SqlitePool::connect(&format!("sqlite://{}", path.display()))
            .await
            .expect("raw");
        let damage = |start_s: i64| {
            sqlx::query("UPDATE raw_chunks SET bytes = x'00112233445566778899aabbccddeeff00' WHERE start_s = $1")
                .bind(start_s)
        };
        damage(t / 1000).execute(&raw).await.expect("damage");
        let (from, to) = (at("2026-04-01T00:00:00Z"), at("2026-04-02T00:00:00Z"));
        let got = store.raw_range(ids[0], from, to).await.expect("range");
        assert_eq!(got.points.len(), 2, "the other windows still read");
        assert_eq!(got.quarantined.len(), 1);
        let report = got.quarantined[0].to_string();
        assert!(report.contains("raw_quarantine") && report.contains("checksum"), "{report}");
        let (kept,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM raw_quarantine WHERE length(bytes) = 17")
            .fetch_one(&raw)
            .await
            .expect("count");
        assert_eq!(kept, 1, "the damaged bytes are kept aside");

        // Merging into a damaged window quarantines it too, and stores the new point.
        damage(t / 1000 + 300).execute(&raw).await.expect("damage");
        let quarantined = store
            .write_raw("qingyang", "test", ids[0], 0.1, &points[1..2])
            .await
            .expect("write");
        assert_eq!(quarantined.len(), 1);
        let got = store.raw_range(ids[0], from, to).await.expect("range");
        assert_eq!(got.points.len(), 2);
        assert!(got.quarantined.is_empty());
        raw.close().await;
    });
}

/// The migrations of `backend` up to schema 8, before writers were told apart.
async fn schema_8(backend: &str) -> sqlx::migrate::Migrator {
    let from = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("migrations")
        .join(backend);
    let to = std::env::temp_dir().join(format!("suangu-schema8-{backend}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&to);
    std::fs::create_dir_all(&to).expect("dir");
    for entry in std::fs::read_dir(&from).expect("migrations") {
        let entry = entry.expect("entry");
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.as_str() < "0009" {
            std::fs::copy(entry.path(), to.join(&name)).expect("copy");
        }
    }
    sqlx::migrate::Migrator::new(to.as_path())
        .await
        .expect("schema 8")
}

/// Three points in one window, as a schema-8 store held them (one chunk per window).
fn legacy_points(start: i64) -> Vec<Point> {
    (0..3)
        .map(|k| Point {
            source_ms: start + k * 1000,
            ingest_ms: start + k * 1000,
            value: 1.0 + k as f64,
            quality: Quality::Good,
        })
        .collect()
}

/// Write a schema-8 series and its chunk through `$pool` (the same statements on both backends).
macro_rules! legacy_chunk {
    ($pool:expr, $start:expr) => {{
        let (id,): (i64,) = sqlx::query_as(
            "INSERT INTO raw_series (park, name, resolution) VALUES ('qingyang', 'old/power_kw', 0.1) RETURNING id",
        )
        .fetch_one(&$pool)
        .await
        .expect("series");
        let points = legacy_points($start);
        let stats = suangu_store::chunk::stats(&points);
        sqlx::query(
            "INSERT INTO raw_chunks (series, start_s, points, valued, min, max, sum, bytes) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(id)
        .bind($start / 1000)
        .bind(stats.points as i32)
        .bind(stats.valued as i32)
        .bind(stats.min)
        .bind(stats.max)
        .bind(stats.sum)
        .bind(suangu_store::chunk::encode(&points, 0.1).expect("encode"))
        .execute(&$pool)
        .await
        .expect("chunk");
    }};
}

/// After migration 0009 a schema-8 chunk still reads, and a writer's chunk of the same window
/// merges with it: the overlapping point received later wins, each point once.
async fn a_legacy_chunk_reads_and_merges<S: Store>(store: S, start: i64) {
    let (id, _) = store
        .series("qingyang", "old/power_kw")
        .await
        .expect("lookup")
        .expect("kept");
    let (from, to) = (at("2026-04-01T00:00:00Z"), at("2026-04-01T01:00:00Z"));
    let old = store.raw_range(id, from, to).await.expect("range");
    assert_eq!(old.points, legacy_points(start));
    let newer = [
        Point {
            source_ms: start + 1000,
            ingest_ms: start + 60_000,
            value: 9.0,
            quality: Quality::Good,
        },
        Point {
            source_ms: start + 3000,
            ingest_ms: start + 60_000,
            value: 4.0,
            quality: Quality::Good,
        },
    ];
    store
        .write_raw("qingyang", "b5f0", id, 0.1, &newer)
        .await
        .expect("write");
    let got = store.raw_range(id, from, to).await.expect("range");
    let values: Vec<(i64, f64)> = got
        .points
        .iter()
        .map(|p| (p.source_ms - start, p.value))
        .collect();
    assert_eq!(values, [(0, 1.0), (1000, 9.0), (2000, 3.0), (3000, 4.0)]);
    let buckets = store.raw_buckets(id, from, to).await.expect("buckets");
    assert_eq!(buckets.len(), 1);
    assert_eq!((buckets[0].points, buckets[0].max), (4, Some(9.0)));
}

#[test]
fn sqlite_keeps_chunks_from_before_writers_readable() {
    runtime().block_on(async {
        let path = temp_db("legacy");
        let start = at("2026-04-01T00:00:00Z").as_millisecond();
        let pool = sqlx::SqlitePool::connect_with(
            sqlx::sqlite::SqliteConnectOptions::new()
                .filename(&path)
                .create_if_missing(true),
        )
        .await
        .expect("raw");
        schema_8("sqlite").await.run(&pool).await.expect("schema 8");
        legacy_chunk!(pool, start);
        pool.close().await;
        let store = SqliteStore::open(&path).await.expect("migrated");
        a_legacy_chunk_reads_and_merges(store, start).await;
    });
}

#[test]
fn postgres_keeps_chunks_from_before_writers_readable() {
    runtime().block_on(async {
        let url = fresh_pg("legacy").await;
        let start = at("2026-04-01T00:00:00Z").as_millisecond();
        let pool = sqlx::PgPool::connect(&url).await.expect("raw");
        schema_8("postgres")
            .await
            .run(&pool)
            .await
            .expect("schema 8");
        legacy_chunk!(pool, start);
        pool.close().await;
        let store = PgStore::open(&url).await.expect("migrated");
        a_legacy_chunk_reads_and_merges(store, start).await;
    });
}
