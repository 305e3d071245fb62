//! Durability: a writer that prints every key the append log acknowledged is SIGKILLed at 20
//! seeded moments mid-stream and restarted; every printed key must be in the store, once, and
//! SQLite's integrity check must pass.

use std::collections::{BTreeMap, BTreeSet};
use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};
use suangu_store::{SqliteStore, Store};

fn writer() -> PathBuf {
    // Test binaries live in target/<profile>/deps; examples in target/<profile>/examples.
    let exe = std::env::current_exe().expect("test exe");
    let profile = exe.parent().and_then(|d| d.parent()).expect("target dir");
    profile.join("examples").join("raw_writer")
}

#[test]
fn every_acknowledged_point_survives_sigkill() {
    let writer = writer();
    assert!(
        writer.exists(),
        "{} not built (cargo test builds examples)",
        writer.display()
    );
    let dir = std::env::temp_dir().join(format!("suangu-kill-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("dir");

    let mut acknowledged: BTreeMap<String, BTreeSet<i64>> = BTreeMap::new();
    for round in 0..20u64 {
        // A seeded moment: after this many acknowledged keys (some before the first compaction,
        // some after several), and a seeded extra delay so the kill lands anywhere in a cycle.
        let wanted = 50 + (round * 7919 + 13) % 3000;
        let extra = Duration::from_micros((round * 104_729) % 20_000);
        let mut child = Command::new(&writer)
            .args(["write", dir.to_str().expect("utf-8"), &round.to_string()])
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("spawn writer");
        let mut lines = BufReader::new(child.stdout.take().expect("stdout")).lines();
        let mut seen = 0u64;
        let started = Instant::now();
        while seen < wanted {
            let Some(Ok(line)) = lines.next() else { break };
            let (series, t) = line.split_once(' ').expect("key line");
            acknowledged
                .entry(series.to_owned())
                .or_default()
                .insert(t.parse().expect("ts"));
            seen += 1;
            assert!(
                started.elapsed() < Duration::from_secs(60),
                "writer too slow"
            );
        }
        std::thread::sleep(extra);
        child.kill().expect("SIGKILL");
        let _ = child.wait();
        // Lines printed after `wanted` but before the kill were acknowledged too.
        for line in lines.map_while(Result::ok) {
            if let Some((series, t)) = line.split_once(' ') {
                acknowledged
                    .entry(series.to_owned())
                    .or_default()
                    .insert(t.parse().expect("ts"));
            }
        }
    }
    let status = Command::new(&writer)
        .args(["recover", dir.to_str().expect("utf-8")])
        .status()
        .expect("recover");
    assert!(status.success());

    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("rt");
    runtime.block_on(async {
        let store = SqliteStore::open(&dir.join("raw.db")).await.expect("open");
        let (from, to) = (
            jiff::Timestamp::UNIX_EPOCH,
            "2100-01-01T00:00:00Z".parse().expect("ts"),
        );
        let mut total = 0usize;
        for (series, keys) in &acknowledged {
            let (id, _) = store
                .series("kill-test", series)
                .await
                .expect("lookup")
                .expect("registered");
            let stored = store.raw_range(id, from, to).await.expect("range");
            assert!(stored.quarantined.is_empty());
            let times: Vec<i64> = stored.points.iter().map(|p| p.source_ms).collect();
            assert!(
                times.windows(2).all(|w| w[0] < w[1]),
                "{series}: a key is doubled"
            );
            let set: BTreeSet<i64> = times.into_iter().collect();
            let missing: Vec<&i64> = keys.difference(&set).take(5).collect();
            assert!(
                missing.is_empty(),
                "{series}: acknowledged but lost: {missing:?}"
            );
            total += keys.len();
        }
        assert!(
            total > 20_000,
            "only {total} keys acknowledged in 20 rounds"
        );
        let pool = sqlx::SqlitePool::connect(&format!("sqlite://{}", dir.join("raw.db").display()))
            .await
            .expect("raw");
        let (check,): (String,) = sqlx::query_as("PRAGMA integrity_check")
            .fetch_one(&pool)
            .await
            .expect("check");
        assert_eq!(check, "ok");
        println!("kill test: {total} acknowledged keys over 20 SIGKILLs, all present once");
    });
}
