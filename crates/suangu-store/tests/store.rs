//! The same store suite on SQLite (real files) and on a real PostgreSQL server: migrations,
//! idempotent writes, hourly rollups, the ledger read back exactly, events, refusal of a newer
//! schema. PostgreSQL comes from `SUANGU_TEST_PG` (`make test` starts one with
//! scripts/test-postgres.sh).

use jiff::Timestamp;
use std::path::PathBuf;
use suangu_core::interval::{IntervalAccumulator, IntervalRecord};
use suangu_core::{Park, qingyang};
use suangu_sim::Twin;
use suangu_store::{Event, Level, PgStore, Scope, SqliteStore, Store, StoreError};

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

async fn raw_points_round_trip_and_duplicates_do_not_grow<S: Store>(store: S) {
    use suangu_store::chunk::{Point, Quality};
    let start = at("2026-04-01T00:00:00Z").as_millisecond();
    // Three hours of one rack's power at 10 s, with a bad point in the middle.
    let points: Vec<Point> = (0..1080)
        .map(|k| {
            let t = start + k * 10_000;
            let bad = k == 500;
            Point {
                source_ms: t,
                ingest_ms: t + 35,
                value: if bad {
                    f64::NAN
                } else {
                    12.0 + (k % 17) as f64 * 0.3
                },
                quality: if bad { Quality::Bad } else { Quality::Good },
            }
        })
        .collect();
    store
        .write_raw("qingyang", "rack/CM-N01/H1/R01/07/power_kw", &points, 0.1)
        .await
        .expect("write");
    let (from, to) = (at("2026-04-01T00:30:00Z"), at("2026-04-01T02:30:00Z"));
    let got = store
        .raw_range("qingyang", "rack/CM-N01/H1/R01/07/power_kw", from, to)
        .await
        .expect("range");
    let want: Vec<&Point> = points
        .iter()
        .filter(|p| p.source_ms >= from.as_millisecond() && p.source_ms < to.as_millisecond())
        .collect();
    assert_eq!(got.len(), want.len());
    for (g, w) in got.iter().zip(want) {
        assert_eq!(
            (g.source_ms, g.ingest_ms, g.quality),
            (w.source_ms, w.ingest_ms, w.quality)
        );
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
        .write_raw("qingyang", "rack/CM-N01/H1/R01/07/power_kw", &again, 0.1)
        .await
        .expect("again");
    let all = store
        .raw_range(
            "qingyang",
            "rack/CM-N01/H1/R01/07/power_kw",
            at("2026-04-01T00:00:00Z"),
            at("2026-04-02T00:00:00Z"),
        )
        .await
        .expect("all");
    assert_eq!(all.len(), points.len());
    assert!(all.windows(2).all(|w| w[0].source_ms < w[1].source_ms));
    // Another series is another series.
    let none = store
        .raw_range("qingyang", "rack/CM-N01/H1/R01/08/power_kw", from, to)
        .await
        .expect("empty");
    assert!(none.is_empty());
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
    PgStore::open(&pg_url(&database))
        .await
        .expect("open postgres")
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
    events_are_kept_in_order = "events",
);

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
fn a_corrupt_raw_chunk_is_reported_with_its_series_and_table() {
    runtime().block_on(async {
        use suangu_store::chunk::{Point, Quality};
        let path = temp_db("corrupt");
        let store = SqliteStore::open(&path).await.expect("open");
        let t = at("2026-04-01T00:00:00Z").as_millisecond();
        let points = [Point {
            source_ms: t,
            ingest_ms: t,
            value: 1.0,
            quality: Quality::Good,
        }];
        store
            .write_raw("qingyang", "s1", &points, 0.1)
            .await
            .expect("write");
        let raw = sqlx::SqlitePool::connect(&format!("sqlite://{}", path.display()))
            .await
            .expect("raw");
        sqlx::query("UPDATE raw_chunks SET bytes = x'00112233445566778899aabbccddeeff00'")
            .execute(&raw)
            .await
            .expect("damage");
        raw.close().await;
        let err = store
            .raw_range(
                "qingyang",
                "s1",
                at("2026-04-01T00:00:00Z"),
                at("2026-04-02T00:00:00Z"),
            )
            .await
            .expect_err("corrupt");
        let message = err.to_string();
        assert!(matches!(err, StoreError::Chunk { .. }), "{message}");
        assert!(
            message.contains("s1") && message.contains("raw_chunks"),
            "{message}"
        );
        // Writing into a damaged hour refuses rather than silently dropping what was there.
        assert!(
            store
                .write_raw("qingyang", "s1", &points, 0.1)
                .await
                .is_err()
        );
    });
}
