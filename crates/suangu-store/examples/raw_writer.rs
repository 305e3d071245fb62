//! A writer for the crash test (`tests/kill.rs`): appends raw points through the durable log
//! and prints every key the moment `append` acknowledges it; it is killed mid-stream.
//!
//!   raw_writer write <dir> <round>   write until killed, compacting now and then
//!   raw_writer recover <dir>         move what the log holds into the store, then exit

use std::io::Write;
use std::path::Path;
use suangu_store::SqliteStore;
use suangu_store::chunk::{Point, Quality};
use suangu_store::log::{AppendLog, Logged};

const SERIES: u64 = 20;
const BATCH: u64 = 50;

fn main() -> std::process::ExitCode {
    let args: Vec<String> = std::env::args().collect();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let result = match (args.get(1).map(String::as_str), args.get(2)) {
        (Some("write"), Some(dir)) => {
            let round: u64 = args.get(3).and_then(|r| r.parse().ok()).unwrap_or(0);
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

async fn recover(dir: &Path) -> Result<(), suangu_store::StoreError> {
    let store = SqliteStore::open(&dir.join("raw.db")).await?;
    let mut log = AppendLog::open(&dir.join("raw.log"))?;
    log.compact(&store, "kill-test").await?;
    Ok(())
}

async fn write(dir: &Path, round: u64) -> Result<(), suangu_store::StoreError> {
    let store = SqliteStore::open(&dir.join("raw.db")).await?;
    let mut log = AppendLog::open(&dir.join("raw.log"))?;
    log.compact(&store, "kill-test").await?;
    let base = 1_767_225_600_000i64 + (round as i64) * 1_000_000_000;
    let stdout = std::io::stdout();
    for k in 0u64.. {
        let batch: Vec<Logged> = (0..BATCH)
            .map(|i| {
                let n = k * BATCH + i;
                let t = base + (n as i64) * 10;
                Logged {
                    series: format!("s{}", n % SERIES),
                    point: Point {
                        source_ms: t,
                        ingest_ms: t + 3,
                        value: (n % 1000) as f64 * 0.1,
                        quality: Quality::Good,
                    },
                    resolution: 0.1,
                }
            })
            .collect();
        log.append(&batch)?;
        // Acknowledged: durable now. Tell the test which keys.
        let mut out = stdout.lock();
        for l in &batch {
            let _ = writeln!(out, "{} {}", l.series, l.point.source_ms);
        }
        let _ = out.flush();
        drop(out);
        if k % 20 == 19 {
            log.compact(&store, "kill-test").await?;
        }
    }
    Ok(())
}
