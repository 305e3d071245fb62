//! `suangu-bench [--smoke]`: each benchmark runs our code and a baseline on the same data in the
//! same run and prints both with their ratio. `--smoke` runs tiny sizes so `make test` keeps the
//! benchmarks compiling and running; its numbers mean nothing. Full runs: `make bench` (release).

mod briefing;
mod n1;
mod raw;
mod sched;

use jiff::Timestamp;
use std::time::{Duration, Instant};
use suangu_core::rollup::{Hierarchy, Rollup};
use suangu_sim::Twin;

fn main() -> std::process::ExitCode {
    let args: Vec<String> = std::env::args().collect();
    let smoke = args.iter().any(|a| a == "--smoke");
    // `--only <name>` runs one benchmark: rollup, twin, n1, schedule, raw or briefing.
    let only = args
        .iter()
        .position(|a| a == "--only")
        .and_then(|i| args.get(i + 1))
        .map(String::as_str);
    if let Some(name) =
        only.filter(|n| !["rollup", "twin", "n1", "schedule", "raw", "briefing"].contains(n))
    {
        eprintln!(
            "suangu-bench: --only {name}: expected rollup, twin, n1, schedule, raw or briefing"
        );
        return std::process::ExitCode::from(2);
    }
    // `--write-park N FILE`: Qingyang N times over, as a scenario file, for the browser
    // benchmarks (`tests/e2e/bench-heatmap.mjs` serves it).
    if let Some(i) = args.iter().position(|a| a == "--write-park") {
        let (Some(n), Some(file)) = (
            args.get(i + 1).and_then(|n| n.parse::<usize>().ok()),
            args.get(i + 2),
        ) else {
            eprintln!("suangu-bench: --write-park N FILE: N copies (a number) and a file");
            return std::process::ExitCode::from(2);
        };
        return match n1::copies_toml(n).map(|text| std::fs::write(file, text)) {
            Ok(Ok(())) => std::process::ExitCode::SUCCESS,
            Ok(Err(e)) => {
                eprintln!("suangu-bench: --write-park: {file}: {e}");
                std::process::ExitCode::FAILURE
            }
            Err(e) => {
                eprintln!("suangu-bench: --write-park: {e}");
                std::process::ExitCode::FAILURE
            }
        };
    }
    let wanted = |name: &str| only.is_none_or(|o| o == name);
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("suangu-bench: {e}");
            return std::process::ExitCode::FAILURE;
        }
    };
    println!(
        "# suangu-bench{}",
        if smoke {
            " --smoke (sizes too small to mean anything)"
        } else {
            ""
        }
    );
    if wanted("rollup")
        && let Err(e) = runtime.block_on(rollup(smoke))
    {
        eprintln!("suangu-bench: rollup baseline: {e}");
        return std::process::ExitCode::FAILURE;
    }
    if wanted("twin") {
        twin(smoke);
    }
    if wanted("n1")
        && let Err(e) = n1::run(smoke)
    {
        eprintln!("suangu-bench: n1: {e}");
        return std::process::ExitCode::FAILURE;
    }
    if wanted("schedule")
        && let Err(e) = sched::run(smoke)
    {
        eprintln!("suangu-bench: schedule: {e}");
        return std::process::ExitCode::FAILURE;
    }
    if wanted("raw")
        && let Err(e) = runtime.block_on(raw::ingest(smoke))
    {
        eprintln!("suangu-bench: raw ingest: {e}");
        return std::process::ExitCode::FAILURE;
    }
    if wanted("briefing")
        && let Err(e) = runtime.block_on(briefing::render(smoke))
    {
        eprintln!("suangu-bench: briefing: {e}");
        return std::process::ExitCode::FAILURE;
    }
    std::process::ExitCode::SUCCESS
}

pub(crate) fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v.get(v.len() / 2).copied().unwrap_or_default()
}

pub(crate) fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

/// A deterministic, non-constant rack power in kW (4-40 kW, changing every tick).
fn power(rack: usize, tick: u64) -> f32 {
    let mut z = (rack as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15)
        ^ tick.wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 31)).wrapping_mul(0x94D0_49BB_1331_11EB);
    let unit = (z >> 40) as f32 / (1u64 << 24) as f32;
    4.0 + 36.0 * unit
}

/// Live rollup of 100,000 racks (10 centres x 10 halls x 25 rows x 40 racks, 5 zones) to rows,
/// halls, centres, zones and the park, beside SQL GROUP BY of the same data in SQLite.
async fn rollup(smoke: bool) -> Result<(), sqlx::Error> {
    let (centres, halls, rows, racks) = if smoke {
        (2, 2, 5, 10)
    } else {
        (10, 10, 25, 40)
    };
    let layout: Vec<(usize, Vec<Vec<usize>>)> = (0..centres)
        .map(|c| (c % 5, vec![vec![racks; rows]; halls]))
        .collect();
    let h = Hierarchy::from_layout(&layout, 5);
    let n = h.racks;
    let ticks: u64 = if smoke { 3 } else { 200 };

    let mut values = vec![0f32; n];
    let mut out = Rollup::default();
    let mut ours = Vec::new();
    for tick in 0..ticks {
        for (i, v) in values.iter_mut().enumerate() {
            *v = power(i, tick);
        }
        let t = Instant::now();
        h.roll_up(&values, &mut out);
        ours.push(t.elapsed());
    }
    let ours_park = out.park;

    // Baseline: the same racks as rows of a table, and one GROUP BY per level.
    let pool = sqlx::sqlite::SqlitePoolOptions::new()
        .max_connections(1)
        .connect("sqlite::memory:")
        .await?;
    sqlx::query("CREATE TABLE racks (id INTEGER PRIMARY KEY, row INTEGER, hall INTEGER, centre INTEGER, zone INTEGER, power REAL)")
        .execute(&pool)
        .await?;
    let mut meta = Vec::with_capacity(n);
    for (c, halls) in h.centres.iter().enumerate() {
        for hall in halls.clone() {
            for row in h.halls[hall].clone() {
                for rack in h.rows[row].clone() {
                    meta.push((rack, row, hall, c, h.centre_zone[c]));
                }
            }
        }
    }
    let last_tick = ticks - 1;
    for chunk in meta.chunks(5_000) {
        let mut q: sqlx::QueryBuilder<sqlx::Sqlite> =
            sqlx::QueryBuilder::new("INSERT INTO racks (id, row, hall, centre, zone, power) ");
        q.push_values(chunk, |mut b, (rack, row, hall, centre, zone)| {
            b.push_bind(*rack as i64)
                .push_bind(*row as i64)
                .push_bind(*hall as i64)
                .push_bind(*centre as i64)
                .push_bind(*zone as i64)
                .push_bind(f64::from(power(*rack, last_tick)));
        });
        q.build().execute(&pool).await?;
    }
    let queries = [
        "SELECT row, SUM(power) FROM racks GROUP BY row",
        "SELECT hall, SUM(power) FROM racks GROUP BY hall",
        "SELECT centre, SUM(power) FROM racks GROUP BY centre",
        "SELECT zone, SUM(power) FROM racks GROUP BY zone",
    ];
    let mut sql = Vec::new();
    let mut sql_park = 0.0;
    for _ in 0..if smoke { 2 } else { 20 } {
        let t = Instant::now();
        for q in queries {
            let _: Vec<(i64, f64)> = sqlx::query_as(q).fetch_all(&pool).await?;
        }
        let (park,): (f64,) = sqlx::query_as("SELECT SUM(power) FROM racks")
            .fetch_one(&pool)
            .await?;
        sql.push(t.elapsed());
        sql_park = park;
    }
    let (o, s) = (median(ours), median(sql));
    println!(
        "rollup: {n} racks to rows/halls/centres/zones/park: ours {:.3} ms/tick, SQL GROUP BY {:.2} ms/tick, ratio {:.0}x (goal <= 2 ms and >= 100x); park totals agree: {}",
        ms(o),
        ms(s),
        s.as_secs_f64() / o.as_secs_f64().max(1e-9),
        ((ours_park - sql_park).abs() / sql_park.max(1.0)) < 1e-6,
    );
    Ok(())
}

/// The twin: a year at 15-minute steps at centre level (goal < 1 s), and every rack at
/// 1-minute steps, both against the real time they simulate.
fn twin(smoke: bool) {
    let Ok(park) = suangu_core::qingyang() else {
        eprintln!("suangu-bench: the built-in park does not load");
        return;
    };
    let twin = Twin::new(park, 1);
    let start = Timestamp::from_second(1_767_196_800).unwrap_or(Timestamp::UNIX_EPOCH); // 2026-01-01 UTC
    let steps: i64 = if smoke { 96 } else { 35_040 };
    let t = Instant::now();
    let mut checksum = 0.0;
    for k in 0..steps {
        let at = Timestamp::from_second(start.as_second() + k * 900).unwrap_or(start);
        checksum += twin.sample(at).power.facility().0;
    }
    let elapsed = t.elapsed();
    let simulated = Duration::from_secs((steps * 900) as u64);
    println!(
        "twin centre level: {steps} x 15 min ({:.0} days) in {:.3} s = {:.0}x real time (goal: a year < 1 s); checksum {checksum:.0}",
        simulated.as_secs_f64() / 86_400.0,
        elapsed.as_secs_f64(),
        simulated.as_secs_f64() / elapsed.as_secs_f64().max(1e-9),
    );

    let minutes: i64 = if smoke { 2 } else { 60 };
    let centres = twin.park().centres().count();
    let mut racks = Vec::new();
    let mut points = 0usize;
    let t = Instant::now();
    for k in 0..minutes {
        let at = Timestamp::from_second(start.as_second() + k * 60).unwrap_or(start);
        let sample = twin.sample(at);
        for (i, state) in sample.centres.iter().enumerate().take(centres) {
            twin.racks(i, at, state, &sample.weather, &mut racks);
            points += racks.len();
        }
    }
    let elapsed = t.elapsed();
    let per_s = points as f64 / elapsed.as_secs_f64().max(1e-9);
    println!(
        "twin rack level: {points} rack samples ({} racks x {minutes} min) in {:.3} s = {:.1} M racks/s; a year at 1-min steps would take {:.0} s ({:.0}x real time)",
        points / minutes as usize,
        elapsed.as_secs_f64(),
        per_s / 1e6,
        (points as f64 / minutes as f64) * 525_600.0 / per_s,
        (minutes as f64 * 60.0) / elapsed.as_secs_f64().max(1e-9),
    );
}
