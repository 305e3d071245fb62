//! File drops: `suangu run --config` watching a real folder (files written whole, written in two
//! goes, half-named `.part`, broken, dropped twice), and `suangu import` by hand. The points are
//! read back from the store.

#[allow(dead_code)] // the broker tests use all of it; this one needs no port
mod common;

use common::{Run, points, stored, temp_dir, up};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};
use suangu_store::chunk::Quality;

fn config(dir: &Path, drop: &Path) -> PathBuf {
    let path = dir.join("suangu.toml");
    std::fs::write(
        &path,
        format!(
            r#"park = "qingyang"

[[sources]]
id = "grid-transfer"
expected_interval_s = 900
files = {{ dir = "{}", settle_s = 0.5 }}

[[sources.points]]
column = "n01_it_mw"
series = "CM-N01/it_kw"
unit = "MW"
resolution = 1
range = [0, 80]

[[sources.points]]
column = "outdoor_c"
series = "park/outdoor_c"
unit = "degC"
resolution = 0.1
"#,
            drop.display()
        ),
    )
    .expect("config");
    path
}

const GOOD: &str = "ts,n01_it_mw,outdoor_c\n\
                    2026-04-01T10:00:00+08:00,31.2,4.5\n\
                    2026-04-01T10:15:00+08:00,31.4,4.7\n\
                    2026-04-01T10:30:00+08:00,95,4.9\n";

fn names(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .map(|d| {
            d.filter_map(Result::ok)
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default();
    names.sort();
    names
}

fn wait_for(what: &str, within: Duration, ok: impl Fn() -> bool) {
    let until = Instant::now() + within;
    while !ok() {
        assert!(Instant::now() < until, "not within {within:?}: {what}");
        std::thread::sleep(Duration::from_millis(100));
    }
}

#[test]
fn a_watched_folder_imports_each_settled_file_whole_and_moves_it() {
    let dir = temp_dir("files");
    let drop = dir.join("in");
    std::fs::create_dir_all(&drop).expect("drop dir");
    let db = dir.join("store.db");
    let run = Run::start(&config(&dir, &drop), &db, None);
    run.until("the folder watched", Duration::from_secs(20), up);

    std::fs::write(drop.join("a-good.csv"), GOOD).expect("write");
    // Written in two goes, as a slow transfer does: never read half.
    let slow = GOOD.replace("T10:", "T11:");
    let (head, tail) = slow.split_at(60);
    std::fs::write(drop.join("b-slow.csv"), head).expect("write");
    std::thread::sleep(Duration::from_millis(200));
    std::fs::write(drop.join("b-slow.csv"), format!("{head}{tail}")).expect("write");
    // Still being transferred under a temporary name: left alone.
    std::fs::write(drop.join("c.csv.part"), "ts,n01_it_mw\n").expect("write");
    // Broken: a value that is not a number, a time that is not a time.
    std::fs::write(
        drop.join("d-bad.csv"),
        "ts,n01_it_mw,outdoor_c\n2026-04-01T12:00:00+08:00,31,warm\nnoon,1,2\n",
    )
    .expect("write");
    // The same readings dropped again: stored once.
    std::fs::write(
        drop.join("e-again.json"),
        r#"[{"ts": "2026-04-01T10:00:00+08:00", "n01_it_mw": 31.2, "outdoor_c": 4.5}]"#,
    )
    .expect("write");

    wait_for("every file moved", Duration::from_secs(30), || {
        names(&drop.join("done")).len() == 3 && names(&drop.join("rejected")).len() == 2
    });
    assert_eq!(
        names(&drop.join("done")),
        ["a-good.csv", "b-slow.csv", "e-again.json"]
    );
    assert_eq!(
        names(&drop.join("rejected")),
        ["d-bad.csv", "d-bad.csv.reason.txt"]
    );
    assert_eq!(names(&drop), ["c.csv.part", "done", "rejected"]);
    let reason =
        std::fs::read_to_string(drop.join("rejected/d-bad.csv.reason.txt")).expect("reason");
    assert!(
        reason.contains("line 2, column \"outdoor_c\": \"warm\" is not a number"),
        "{reason}"
    );
    assert!(reason.contains("line 3: ts \"noon\""), "{reason}");
    let health = run.until("the counts", Duration::from_secs(10), |v| points(v) >= 14);
    assert_eq!(
        health["rejected"],
        serde_json::json!({ "bad_file": 1 }),
        "{health}"
    );
    run.stop();

    // Six readings of IT (one out of range: uncertain), the repeat not doubled; none of d-bad.
    let it = stored(&db, "CM-N01/it_kw");
    let got: Vec<(f64, Quality)> = it.iter().map(|p| (p.value, p.quality)).collect();
    assert_eq!(
        got,
        [
            (31_200.0, Quality::Good),
            (31_400.0, Quality::Good),
            (95_000.0, Quality::Uncertain),
            (31_200.0, Quality::Good),
            (31_400.0, Quality::Good),
            (95_000.0, Quality::Uncertain),
        ]
    );
    let outdoor = stored(&db, "park/outdoor_c");
    assert_eq!(outdoor.len(), 6);
    assert!((outdoor[0].value - 4.5).abs() < 1e-9);
}

#[test]
fn import_by_hand_takes_good_files_and_names_the_bad_lines() {
    let dir = temp_dir("import");
    let drop = dir.join("in");
    let db = dir.join("store.db");
    let config = config(&dir, &drop);
    let good = dir.join("good.csv");
    let bad = dir.join("bad.csv");
    std::fs::write(&good, GOOD).expect("write");
    std::fs::write(
        &bad,
        "ts,n01_it_mw,outdoor_c\n2026-04-01T12:00:00+08:00,x,1\n",
    )
    .expect("write");
    let import = |files: &[&Path]| {
        Command::new(env!("CARGO_BIN_EXE_suangu"))
            .env("LANG", "en_US.UTF-8")
            .args(["import", "--config"])
            .arg(&config)
            .arg("--db")
            .arg(format!("sqlite://{}", db.display()))
            .args(files)
            .output()
            .expect("runs")
    };
    let out = import(&[&good]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("good.csv: 6 points"));
    // Again, with a bad file beside it: the good one is stored once, the bad one not at all.
    let out = import(&[&good, &bad]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("bad.csv: line 2, column \"n01_it_mw\": \"x\" is not a number"),
        "{stderr}"
    );
    assert_eq!(stored(&db, "CM-N01/it_kw").len(), 3);
    assert!(
        good.exists() && bad.exists(),
        "files given by hand stay where they are"
    );
}
