//! A writer for the crash test (`tests/kill.rs`): ingests raw points through the durable log
//! and prints every key the moment `append` acknowledges it; it is killed mid-stream.
//!
//!   raw_writer write <dir> <round>   write until killed (chunks are written as windows close)
//!   raw_writer recover <dir>         replay the log into the store, write everything, exit
//!
//! Each batch covers 20 s of source time, so 5-minute windows close every 15 batches; some
//! batches repeat an earlier key (a duplicate) or carry a point for a window already written
//! (a late point), so every path of the ingest is crossed by the kills.

use std::io::Write;
use std::path::Path;
use std::sync::Arc;
use suangu_store::chunk::Quality;
use suangu_store::ingest::{RawIngest, Sample};
use suangu_store::{SeriesSpec, SqliteStore};

const SERIES: u32 = 20;
const BATCH: i64 = 50;
const STEP_MS: i64 = 400;

fn main() -> std::process::ExitCode {
    let args: Vec<String> = std::env::args().collect();
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("raw_writer: {e}");
            return std::process::ExitCode::FAILURE;
        }
    };
    let result = match (args.get(1).map(String::as_str), args.get(2)) {
        (Some("write"), Some(dir)) => {
            let round: i64 = args.get(3).and_then(|r| r.parse().ok()).unwrap_or(0);
            runtime.block_on(write(Path::new(dir), round))
        }
        (Some("recover"), Some(dir)) => runtime.block_on(recover(Path::new(dir))),
        _ => {
            eprintln!("usage: raw_writer write <dir> <round> | recover <dir>");
            return std::process::ExitCode::from(2);
        }
    };
    match result {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("raw_writer: {e}");
            std::process::ExitCode::FAILURE
        }
    }
}

fn series() -> Vec<SeriesSpec> {
    (0..SERIES)
        .map(|i| SeriesSpec {
            name: format!("s{i}"),
            resolution: 0.1,
        })
        .collect()
}

async fn open(dir: &Path) -> Result<RawIngest<SqliteStore>, suangu_store::StoreError> {
    let store = Arc::new(SqliteStore::open(&dir.join("raw.db")).await?);
    let (ingest, _) = RawIngest::open(store, "kill-test", &dir.join("log"), &series()).await?;
    Ok(ingest)
}

async fn recover(dir: &Path) -> Result<(), suangu_store::StoreError> {
    open(dir).await?.close().await.map(|_| ())
}

async fn write(dir: &Path, round: i64) -> Result<(), suangu_store::StoreError> {
    let mut ingest = open(dir).await?;
    // Each round writes its own stretch of time, a day apart.
    let base = 1_767_225_600_000i64 + round * 86_400_000;
    let stdout = std::io::stdout();
    let mut batch = Vec::with_capacity(BATCH as usize + 2);
    for k in 0i64.. {
        batch.clear();
        let point = |n: i64| Sample {
            series: (n % i64::from(SERIES)) as u32,
            source_ms: base + n * STEP_MS,
            value: (n % 1000) as f64 * 0.1,
            quality: Quality::Good,
        };
        batch.extend((0..BATCH).map(|i| point(k * BATCH + i)));
        if k % 7 == 3 {
            batch.push(point((k - 2) * BATCH + 5)); // a repeat of an acknowledged key
        }
        if k % 11 == 10 {
            batch.push(point((k - 10) * BATCH + 3)); // a point for a window already written
        }
        ingest.append(base + k * BATCH * STEP_MS, &batch).await?;
        // Acknowledged: durable now. Tell the test which keys.
        let mut out = stdout.lock();
        for s in &batch {
            let _ = writeln!(out, "s{} {}", s.series, s.source_ms);
        }
        let _ = out.flush();
    }
    Ok(())
}
