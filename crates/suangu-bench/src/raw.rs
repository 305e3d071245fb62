//! Raw telemetry benchmarks, issue 4's workloads.
//!
//! Ingest: a park of 100,000 racks (Qingyang's operating centres re-divided into 100,000 racks
//! in proportion to their IT capacity) reporting 8 metrics each at 1 Hz from the twin, through
//! the engine's rack recorder (twin -> durable log -> chunks -> database), for six minutes of
//! source time (one 5-minute window closes on the way, the rest is written at close), into
//! SQLite and, when `SUANGU_BENCH_PG` names a server, PostgreSQL. Baseline in the same run:
//! sqlx, one INSERT per point in its own transaction.
//!
//! Size: bytes per stored point after the run. Query: a 24 h range of one rack's power and of
//! the park's IT load, beside the same query on a one-row-per-point table.

use crate::{median, ms};
use jiff::Timestamp;
use std::sync::Arc;
use std::time::{Duration, Instant};
use suangu_core::Park;
use suangu_engine::raw::RackRecorder;
use suangu_engine::simulate::{self, Plan};
use suangu_sim::Twin;
use suangu_store::chunk::Quality;
use suangu_store::ingest::{RawIngest, Sample};
use suangu_store::{Level, Scope, SeriesSpec, SqliteStore, Store};

type Error = Box<dyn std::error::Error>;

pub async fn ingest(smoke: bool) -> Result<(), Error> {
    let racks = if smoke { 500 } else { 100_000 };
    let seconds = if smoke { 20 } else { 360 };
    let park = park_of_racks(racks)?;
    let dir = std::env::temp_dir().join(format!("suangu-bench-raw-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir)?;

    let sqlite = Arc::new(SqliteStore::open(&dir.join("raw.db")).await?);
    let run = ingest_into(sqlite.clone(), &park, &dir.join("sqlite.rawlog"), seconds).await?;
    run.print("SQLite");
    let naive = naive_inserts(&dir, if smoke { 50 } else { 2_000 }).await?;
    println!(
        "raw ingest baseline: naive INSERT per point (own transaction, SQLite WAL, synchronous=FULL): {naive:.0} points/s; ours/naive = {:.0}x (goal 800,000 points/s on one core and >= 100x)",
        run.ingest_rate() / naive.max(1e-9)
    );
    let size = sqlite_size(&dir.join("raw.db")).await?;
    println!(
        "raw size: {:.3} bytes/point in chunks, {:.3} bytes/point for the whole database file ({} points, {:.1} MB) (goal <= 2)",
        size.chunk_bytes as f64 / size.points as f64,
        size.file_bytes as f64 / size.points as f64,
        size.points,
        size.file_bytes as f64 / 1e6
    );
    if let Ok(url) = std::env::var("SUANGU_BENCH_PG") {
        let pg = Arc::new(fresh_pg(&url).await?);
        let run = ingest_into(pg, &park, &dir.join("pg.rawlog"), seconds).await?;
        run.print("PostgreSQL");
    } else {
        println!("raw ingest PostgreSQL: skipped (SUANGU_BENCH_PG not set; `make bench` sets it)");
    }
    query(&dir, smoke).await?;
    let _ = std::fs::remove_dir_all(&dir);
    Ok(())
}

/// Qingyang with its operating centres' racks re-divided into `racks` racks, by IT capacity.
fn park_of_racks(racks: u32) -> Result<Park, Error> {
    let mut doc: toml::Table = suangu_core::QINGYANG.parse()?;
    let centres = doc
        .get_mut("centres")
        .and_then(|c| c.as_array_mut())
        .ok_or("scenario has no centres")?;
    let operating: Vec<usize> = centres
        .iter()
        .enumerate()
        .filter(|(_, c)| c.get("status").and_then(|s| s.as_str()) == Some("operating"))
        .map(|(i, _)| i)
        .collect();
    let capacity = |c: &toml::Value| {
        c.get("it_capacity_mw")
            .and_then(|f| f.get("value"))
            .and_then(|v| v.as_float().or_else(|| v.as_integer().map(|i| i as f64)))
            .unwrap_or(0.0)
    };
    let total: f64 = operating.iter().map(|i| capacity(&centres[*i])).sum();
    let mut left = racks;
    for (k, i) in operating.iter().enumerate() {
        let c = &mut centres[*i];
        let mw = capacity(c);
        let n = if k + 1 == operating.len() {
            left
        } else {
            ((f64::from(racks) * mw / total).round() as u32).min(left)
        };
        left -= n;
        let per_row = 25u32;
        let mut halls = toml::value::Array::new();
        let rows = n / per_row;
        for (h, chunk) in (0..rows).collect::<Vec<_>>().chunks(40).enumerate() {
            let mut hall = toml::Table::new();
            hall.insert("id".into(), format!("H{}", h + 1).into());
            hall.insert("rows".into(), i64::from(chunk.len() as u32).into());
            hall.insert("racks_per_row".into(), i64::from(per_row).into());
            halls.push(hall.into());
        }
        if n % per_row > 0 {
            let mut hall = toml::Table::new();
            hall.insert("id".into(), "HX".into());
            hall.insert("rows".into(), 1i64.into());
            hall.insert("racks_per_row".into(), i64::from(n % per_row).into());
            halls.push(hall.into());
        }
        let t = c.as_table_mut().ok_or("centre is not a table")?;
        t.insert("halls".into(), halls.into());
        let figure = |v: toml::Value| {
            let mut f = toml::Table::new();
            f.insert("value".into(), v);
            f.insert("origin".into(), "assumption".into());
            f.insert("note".into(), "benchmark: racks re-divided".into());
            toml::Value::from(f)
        };
        t.insert("physical_racks".into(), figure(i64::from(n).into()));
        t.insert(
            "kw_per_rack".into(),
            figure((mw * 1000.0 / f64::from(n.max(1))).into()),
        );
    }
    Ok(
        suangu_core::load_str(&toml::to_string(&doc)?, "bench-100k-racks")
            .map_err(|e| e.to_string())?,
    )
}

struct IngestRun {
    series: usize,
    points: u64,
    twin: Duration,
    append: Duration,
    close: Duration,
    cpu: Duration,
    log_peak_bytes: u64,
    chunks: u64,
}

impl IngestRun {
    /// Points per second of ingest (log, chunks, database), without the twin's own time.
    fn ingest_rate(&self) -> f64 {
        self.points as f64 / (self.append + self.close).as_secs_f64()
    }

    fn print(&self, backend: &str) {
        let all = self.twin + self.append + self.close;
        println!(
            "raw ingest {backend}: {} series x {} s = {} points; twin {:.1} s, log+chunks+flush {:.1} s, close {:.1} s -> ingest {:.0} points/s ({:.0} points/s with the twin, {:.0} points per CPU-second of the whole process); {} chunks; log peak {:.0} MB",
            self.series,
            self.points / self.series.max(1) as u64,
            self.points,
            self.twin.as_secs_f64(),
            self.append.as_secs_f64(),
            self.close.as_secs_f64(),
            self.ingest_rate(),
            self.points as f64 / all.as_secs_f64(),
            self.points as f64 / self.cpu.as_secs_f64().max(1e-9),
            self.chunks,
            self.log_peak_bytes as f64 / 1e6,
        );
    }
}

async fn ingest_into<S: Store>(
    store: Arc<S>,
    park: &Park,
    log: &std::path::Path,
    seconds: i64,
) -> Result<IngestRun, Error> {
    let twin = Twin::new(park.clone(), 1);
    let (mut recorder, _) = RackRecorder::open(store, park, log).await?;
    let series = recorder.ingest.series_count();
    let start: Timestamp = "2026-04-01T04:00:00Z".parse()?;
    let (mut twin_time, mut append) = (Duration::ZERO, Duration::ZERO);
    let mut log_peak = 0u64;
    let cpu0 = cpu_time();
    for s in 0..seconds {
        let at = Timestamp::from_second(start.as_second() + s)?;
        let t = Instant::now();
        let samples = recorder.feed.sample(&twin, at);
        twin_time += t.elapsed();
        let t = Instant::now();
        recorder
            .ingest
            .append(at.as_millisecond() + twin.delivery_delay_ms(at), samples)
            .await?;
        append += t.elapsed();
        if s % 30 == 29 {
            log_peak = log_peak.max(recorder.ingest.log_bytes());
        }
    }
    let t = Instant::now();
    let stats = recorder.close().await?;
    let close = t.elapsed();
    Ok(IngestRun {
        series,
        points: stats.points,
        twin: twin_time,
        append,
        close,
        cpu: cpu_time().saturating_sub(cpu0),
        log_peak_bytes: log_peak,
        chunks: stats.chunks_written,
    })
}

/// User + system CPU time of this process (all threads), from /proc.
fn cpu_time() -> Duration {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    // Fields after the command name (which may hold spaces): utime is the 12th, stime the 13th.
    let fields: Vec<&str> = stat
        .rsplit_once(')')
        .map(|(_, rest)| rest.split_whitespace().collect())
        .unwrap_or_default();
    let ticks: u64 = [11, 12]
        .iter()
        .filter_map(|i| fields.get(*i).and_then(|f| f.parse::<u64>().ok()))
        .sum();
    Duration::from_millis(ticks * 10) // USER_HZ is 100 on Linux
}

async fn naive_inserts(dir: &std::path::Path, n: usize) -> Result<f64, Error> {
    let pool = sqlx::sqlite::SqlitePoolOptions::new()
        .max_connections(1)
        .connect_with(
            sqlx::sqlite::SqliteConnectOptions::new()
                .filename(dir.join("naive.db"))
                .create_if_missing(true)
                .journal_mode(sqlx::sqlite::SqliteJournalMode::Wal)
                .synchronous(sqlx::sqlite::SqliteSynchronous::Full),
        )
        .await?;
    sqlx::query(
        "CREATE TABLE points (series INTEGER, source_ms INTEGER, ingest_ms INTEGER, value REAL, \
         quality INTEGER, PRIMARY KEY (series, source_ms))",
    )
    .execute(&pool)
    .await?;
    let base = 1_775_016_000_000i64;
    let t = Instant::now();
    for i in 0..n {
        sqlx::query("INSERT INTO points VALUES ($1, $2, $3, $4, $5)")
            .bind((i % 800_000) as i64)
            .bind(base + (i / 800_000) as i64 * 1000)
            .bind(base + 200)
            .bind(7.0 + (i % 13) as f64 * 0.1)
            .bind(0i64)
            .execute(&pool)
            .await?;
    }
    let rate = n as f64 / t.elapsed().as_secs_f64();
    pool.close().await;
    Ok(rate)
}

struct Size {
    points: i64,
    chunk_bytes: i64,
    file_bytes: u64,
}

async fn sqlite_size(path: &std::path::Path) -> Result<Size, Error> {
    let pool = sqlx::SqlitePool::connect(&format!("sqlite://{}", path.display())).await?;
    sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)")
        .execute(&pool)
        .await?;
    let (points, chunk_bytes): (i64, i64) =
        sqlx::query_as("SELECT SUM(points), SUM(LENGTH(bytes)) FROM raw_chunks")
            .fetch_one(&pool)
            .await?;
    pool.close().await;
    Ok(Size {
        points,
        chunk_bytes,
        file_bytes: std::fs::metadata(path)?.len(),
    })
}

async fn fresh_pg(url: &str) -> Result<suangu_store::PgStore, Error> {
    let (server, _) = url.rsplit_once('/').ok_or("SUANGU_BENCH_PG is not a URL")?;
    let database = format!("suangu_bench_{}", std::process::id());
    let admin = sqlx::PgPool::connect(&format!("{server}/postgres")).await?;
    sqlx::query(sqlx::AssertSqlSafe(format!(
        "DROP DATABASE IF EXISTS {database}"
    )))
    .execute(&admin)
    .await?;
    sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE {database}")))
        .execute(&admin)
        .await?;
    admin.close().await;
    Ok(suangu_store::PgStore::open(&format!("{server}/{database}")).await?)
}

/// 24 h of one Qingyang rack's eight metrics and the park's IT load at 1 Hz, then timed queries.
async fn query(dir: &std::path::Path, smoke: bool) -> Result<(), Error> {
    let park = suangu_core::qingyang().map_err(|e| e.to_string())?;
    let twin = Twin::new(park.clone(), 1);
    let store = Arc::new(SqliteStore::open(&dir.join("query.db")).await?);
    let hours = if smoke { 1 } else { 24 };
    let start: Timestamp = "2026-04-01T00:00:00Z".parse()?;
    let end = Timestamp::from_second(start.as_second() + hours * 3600)?;
    // The park's 15-minute aggregates for the same day.
    let plan = Plan {
        start,
        end,
        step_s: 60,
        speed: None,
    };
    simulate::run::<_, SqliteStore>(&twin, store.as_ref(), plan, None, &mut |_, _| {}).await?;

    let mut series: Vec<SeriesSpec> = suangu_sim::RACK_METRICS
        .iter()
        .map(|m| SeriesSpec {
            name: format!("rack/{}", m.name),
            resolution: m.resolution,
        })
        .collect();
    series.push(SeriesSpec {
        name: "park/it_kw".into(),
        resolution: 1.0,
    });
    let (mut ingest, _) = RawIngest::open(
        store.clone(),
        "qingyang",
        &dir.join("query.rawlog"),
        &series,
    )
    .await?;
    let (mut racks, mut values, mut batch) = (Vec::new(), Vec::new(), Vec::new());
    let mut naive_rows: Vec<(i64, f64)> = Vec::new();
    for s in 0..hours * 3600 {
        let at = Timestamp::from_second(start.as_second() + s)?;
        let sample = twin.sample(at);
        twin.racks(0, at, &sample.centres[0], &sample.weather, &mut racks);
        values.clear();
        twin.rack_telemetry(0, at, &racks[..1], &mut values);
        batch.clear();
        let source_ms = at.as_millisecond();
        batch.extend(values.iter().enumerate().map(|(i, v)| Sample {
            series: i as u32,
            source_ms,
            value: f64::from(*v),
            quality: Quality::Good,
        }));
        batch.push(Sample {
            series: 8,
            source_ms,
            value: sample.power.it().0 * 1000.0,
            quality: Quality::Good,
        });
        naive_rows.push((source_ms, f64::from(values[0])));
        ingest
            .append(source_ms + twin.delivery_delay_ms(at), &batch)
            .await?;
    }
    ingest.close().await?;
    let rack = store
        .series("qingyang", "rack/power_kw")
        .await?
        .ok_or("no rack series")?;
    let park_it = store
        .series("qingyang", "park/it_kw")
        .await?
        .ok_or("no park series")?;

    let runs = if smoke { 3 } else { 20 };
    let report = |label: &str, (took, n): (Duration, usize)| {
        println!(
            "raw query {hours} h of {label}: {n} values in {:.2} ms (median of {runs}) (goal < 50 ms)",
            ms(took)
        );
    };
    let s = store.as_ref();
    report(
        "one rack's power, raw points",
        timed(runs, async || {
            Ok(s.raw_range(rack.0, start, end).await?.points.len())
        })
        .await?,
    );
    report(
        "one rack's power, 5-minute rollups",
        timed(runs, async || {
            Ok(s.raw_buckets(rack.0, start, end).await?.len())
        })
        .await?,
    );
    report(
        "the park's IT load, raw points at 1 Hz",
        timed(runs, async || {
            Ok(s.raw_range(park_it.0, start, end).await?.points.len())
        })
        .await?,
    );
    report(
        "the park aggregate, 15-minute rows",
        timed(runs, async || {
            let rows = s
                .aggregates(
                    "qingyang",
                    Level::Quarter,
                    Scope::Park,
                    "qingyang",
                    start,
                    end,
                )
                .await?;
            Ok(rows.len())
        })
        .await?,
    );

    // Baseline: the same rack's power as one row per point, indexed by (series, time), among
    // the other eight series' rows.
    let pool = sqlx::SqlitePool::connect(&format!(
        "sqlite://{}?mode=rwc",
        dir.join("naive-query.db").display()
    ))
    .await?;
    sqlx::query("CREATE TABLE points (series INTEGER, source_ms INTEGER, value REAL, PRIMARY KEY (series, source_ms)) WITHOUT ROWID")
        .execute(&pool)
        .await?;
    let mut tx = pool.begin().await?;
    for series in 0..9i64 {
        for rows in naive_rows.chunks(10_000) {
            let mut q = sqlx::QueryBuilder::new("INSERT INTO points (series, source_ms, value) ");
            q.push_values(rows, |mut b, (t, v)| {
                b.push_bind(series).push_bind(*t).push_bind(*v);
            });
            q.build().execute(&mut *tx).await?;
        }
    }
    tx.commit().await?;
    let baseline = timed(runs, async || {
        let rows: Vec<(i64, f64)> = sqlx::query_as(
            "SELECT source_ms, value FROM points WHERE series = 0 AND source_ms >= $1 AND source_ms < $2 ORDER BY source_ms",
        )
        .bind(start.as_millisecond())
        .bind(end.as_millisecond())
        .fetch_all(&pool)
        .await?;
        Ok(rows.len())
    })
    .await?;
    report("one series from a row-per-point table (baseline)", baseline);
    pool.close().await;
    Ok(())
}

/// The median time of `runs` calls of `f`, and what the last one counted.
async fn timed(
    runs: usize,
    mut f: impl AsyncFnMut() -> Result<usize, Error>,
) -> Result<(Duration, usize), Error> {
    let mut times = Vec::with_capacity(runs);
    let mut n = 0;
    for _ in 0..runs {
        let t = Instant::now();
        n = f().await?;
        times.push(t.elapsed());
    }
    Ok((median(times), n))
}
