//! The `suangu` binary as a user runs it: exit codes, JSON, errors, and `serve` over real HTTP.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

mod http;
use http::get;

fn suangu() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_suangu"));
    cmd.env("LANG", "en_US.UTF-8").env_remove("LC_ALL");
    cmd
}

fn repo(path: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .join(path)
}

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("suangu-cli-test-{}-{name}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir
}

/// `suangu check --alarms FILE` loads a rules file as the window and `serve --alarms` would:
/// the built-in one passes with its rules and procedures; a copy naming a station the park does
/// not have is bad input, placed by file, line and field, in one line per issue.
#[test]
fn check_alarms_checks_a_rules_file_against_the_park() {
    let rules = repo("assets/config/alarms.toml");
    let out = suangu()
        .args(["check", "--json", "--alarms"])
        .arg(&rules)
        .output()
        .expect("runs");
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON on stdout");
    assert_eq!(json["rules"], 12);
    assert_eq!(
        json["procedures"],
        serde_json::json!([
            "green_share",
            "headroom",
            "n1",
            "rate",
            "stale",
            "threshold"
        ])
    );
    let broken = temp_dir("check-alarms").join("broken.toml");
    let text = std::fs::read_to_string(&rules).expect("rules");
    std::fs::write(
        &broken,
        text.replacen(
            "series = \"SS-110-2/load_kw\"",
            "series = \"SS-999/load_kw\"",
            1,
        ),
    )
    .expect("write");
    let out = suangu()
        .args(["--lang", "en", "check", "--alarms"])
        .arg(&broken)
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("broken.toml:46:"), "{stderr}");
    assert!(stderr.contains("SS-999"), "{stderr}");
    let out = suangu()
        .args(["check", "--alarms", "/proc/none/alarms.toml"])
        .output()
        .expect("runs");
    assert_eq!(
        out.status.code(),
        Some(2),
        "an unreadable file is bad input"
    );
}

#[test]
fn check_json_prints_the_seed_totals() {
    let out = suangu().args(["check", "--json"]).output().expect("runs");
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON on stdout");
    assert_eq!(json["centres"], 11);
    assert_eq!(json["planned_centres"], 1);
    let std_racks = json["standard_racks"].as_f64().expect("number");
    assert!(
        (95_000.0..=100_000.0).contains(&std_racks),
        "nearly 100,000: {std_racks}"
    );
    assert!(json["pflops_planned"].as_f64().expect("number") > 30_000.0);
    assert_eq!(json["green_capacity_mw"], 1000.0);
    assert!(json["physical_racks"].as_u64().expect("number") > 0);
    assert!(json["it_capacity_mw"].as_f64().expect("number") > 200.0);
    assert!(json["pflops"].as_f64().expect("number") > 66_000.0);
    let stations = json["substations"].as_array().expect("list");
    let s330 = stations
        .iter()
        .find(|s| s["kv"] == 330.0)
        .expect("330 kV station");
    assert_eq!(s330["in_service"], false);
    assert!(s330["mva"].as_f64().expect("mva") > 0.0);
    assert!(
        stations
            .iter()
            .any(|s| s["kv"] == 110.0 && s["in_service"] == true)
    );
}

#[test]
fn a_broken_copy_exits_2_naming_file_line_and_field() {
    let text = std::fs::read_to_string(repo("assets/scenarios/qingyang.toml")).expect("scenario");
    let broken = text.replacen(
        "{ feeder = \"F-203\", side = \"B\" }",
        "{ feeder = \"F-999\", side = \"B\" }",
        1,
    );
    assert_ne!(text, broken);
    let line = broken
        .lines()
        .position(|l| l.contains("F-999"))
        .expect("edited line")
        + 1;
    let file = temp_dir("broken").join("qingyang-broken.toml");
    std::fs::write(&file, broken).expect("write copy");

    let out = suangu()
        .args(["check", "--scenario"])
        .arg(&file)
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    let expected = format!("{}:{line}:", file.display());
    assert!(stderr.contains(&expected), "{stderr} lacks {expected}");
    assert!(stderr.contains("centres[0].feeds[1].feeder"), "{stderr}");
    assert!(stderr.contains("F-999"), "{stderr}");

    // --json puts the same error on stdout, machine-readable.
    let out = suangu()
        .args(["check", "--json", "--scenario"])
        .arg(&file)
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(2));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON error");
    assert_eq!(json["code"], "scenario_invalid");
    assert_eq!(json["details"][0]["line"], line);
    assert_eq!(json["details"][0]["field"], "centres[0].feeds[1].feeder");
}

#[test]
fn bad_flags_and_missing_files_are_bad_input() {
    let code = |args: &[&str]| suangu().args(args).output().expect("runs").status.code();
    assert_eq!(
        code(&["check", "--scenario", "/nonexistent/park.toml"]),
        Some(2)
    );
    assert_eq!(code(&["check", "--db", "mysql://nope"]), Some(2));
    assert_eq!(code(&["check", "--seed", "minus-one"]), Some(2));
    assert_eq!(code(&["no-such-command"]), Some(2));
    // Off loopback with no screen token in the store: nothing is served.
    let dir = temp_dir("no-tokens");
    std::fs::write(dir.join("index.html"), "<!doctype html>").expect("index");
    let out = suangu()
        .args(["serve", "--bind", "0.0.0.0:0", "--ui-dir"])
        .arg(&dir)
        .arg("--db")
        .arg(format!("sqlite://{}", dir.join("empty.db").display()))
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("suangu token add"), "{err}");
}

#[test]
fn check_speaks_both_languages() {
    let zh = suangu()
        .args(["check", "--lang", "zh-CN"])
        .output()
        .expect("runs");
    let en = suangu()
        .args(["check", "--lang", "en"])
        .output()
        .expect("runs");
    assert!(String::from_utf8_lossy(&zh.stdout).contains("标准机架"));
    assert!(String::from_utf8_lossy(&en.stdout).contains("standard racks"));
}

struct Server(Child, String);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn serve(ui_dir: &Path, extra: &[&str]) -> Server {
    let db = temp_dir("serve").join(format!("{}.db", extra.len()));
    serve_on(ui_dir, &db, extra)
}

#[test]
fn serve_answers_the_api_and_the_ui_read_only() {
    let ui = temp_dir("ui");
    std::fs::write(ui.join("index.html"), "<!doctype html><title>ui</title>").expect("index");
    let server = serve(
        &ui,
        &[
            "--scenario",
            &repo("tests/fixtures/scenarios/valid/zhongwei-mini.toml")
                .display()
                .to_string(),
        ],
    );

    let (status, head, body) = get(&server.1, "/api/park_summary", &[]);
    assert_eq!(status, 200, "{head}");
    assert!(body.contains("\"zhongwei-mini\""), "{body}");
    assert!(
        head.to_ascii_lowercase()
            .contains("content-security-policy"),
        "{head}"
    );

    let (status, _, body) = get(&server.1, "/api/park_map", &[]);
    assert_eq!(status, 200);
    assert!(body.contains("Shapotou Building 3"));

    let (status, _, body) = get(&server.1, "/api/drop_everything", &[]);
    assert_eq!(status, 404);
    assert!(body.contains("unknown_command"));

    // Read-only: a drill (which changes the park) is refused, whatever its arguments.
    let (status, _, body) = get(&server.1, "/api/drill?asset=F1", &[]);
    assert_eq!(status, 403, "{body}");
    assert!(body.contains("read_only"), "{body}");

    let (status, _, body) = get(&server.1, "/", &[]);
    assert_eq!(status, 200);
    assert!(body.contains("<title>ui</title>"));

    // The 24 h trend comes from the store (backfilled by the twin before going live).
    let (status, _, body) = get(&server.1, "/api/park_trend?hours=24", &[]);
    assert_eq!(status, 200, "{body}");
    let trend: serde_json::Value = serde_json::from_str(&body).expect("json");
    assert_eq!(trend["points"].as_array().map(Vec::len), Some(96), "{body}");
    let (status, _, body) = get(&server.1, "/api/park_trend?hours=0", &[]);
    assert_eq!(status, 422, "{body}");
    // Arguments a command does not take, and oversized ones, are refused and named.
    let (status, _, body) = get(&server.1, "/api/park_trend?hours=24&as_admin=1", &[]);
    assert_eq!(status, 422, "{body}");
    assert!(
        body.contains("bad_arguments") && body.contains("as_admin"),
        "{body}"
    );
    let (status, _, body) = get(&server.1, "/api/park_summary?x=1", &[]);
    assert_eq!(status, 422, "{body}");
    let long = format!("/api/centre_detail?centre={}", "C".repeat(5000));
    let (status, _, body) = get(&server.1, &long, &[]);
    assert_eq!(status, 422, "{body}");
    assert!(body.contains("at most 4096"), "{body}");

    // Live frames as server-sent events: the current one at once.
    let frame = first_frame(&server.1);
    assert_eq!(frame["quality"], "live");
    assert!(frame["facility_mw"].as_f64().expect("mw") > 0.0);

    // Read-only: no route accepts a write.
    let mut stream = TcpStream::connect(&server.1).expect("connect");
    write!(stream, "POST /api/park_summary HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\nConnection: close\r\n\r\n").expect("send");
    let mut response = String::new();
    stream.read_to_string(&mut response).expect("read");
    assert!(response.starts_with("HTTP/1.1 405"), "{response}");
}

fn simulate(db: &Path, extra: &[&str]) -> std::process::Output {
    suangu()
        .args(["simulate", "--json", "--db"])
        .arg(format!("sqlite://{}", db.display()))
        .args(extra)
        .output()
        .expect("runs")
}

#[test]
fn simulate_is_deterministic_byte_for_byte() {
    let dir = temp_dir("simulate-twice");
    let args = [
        "--start",
        "2026-06-21T00:00:00+08:00",
        "--duration",
        "2d",
        "--step",
        "5m",
    ];
    let a = simulate(&dir.join("a.db"), &args);
    let b = simulate(&dir.join("b.db"), &args);
    assert_eq!(
        a.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&a.stderr)
    );
    assert_eq!(a.stdout, b.stdout, "same seed, same bytes");
    let json: serde_json::Value = serde_json::from_slice(&a.stdout).expect("JSON");
    for key in [
        "it_energy_mwh",
        "facility_energy_mwh",
        "peak_it_mw",
        "avg_pue",
        "green_share_market",
        "green_share_location",
        "curtailed_mwh",
        "exported_mwh",
        "co2_market_t",
        "co2_location_t",
        "max_balance_error",
    ] {
        assert!(json[key].is_number(), "{key} missing in {json}");
    }
    assert_eq!(json["intervals"], 192);
    let pue = json["avg_pue"].as_f64().expect("pue");
    assert!((1.05..1.35).contains(&pue), "{pue}");
    // Another seed, other weather.
    let c = simulate(&dir.join("c.db"), &[&args[..], &["--seed", "2"]].concat());
    assert_ne!(a.stdout, c.stdout);
}

#[test]
fn a_simulated_year_balances_and_is_not_green_at_night() {
    let dir = temp_dir("simulate-year");
    let out = simulate(
        &dir.join("year.db"),
        &[
            "--start",
            "2026-01-01T00:00:00+08:00",
            "--duration",
            "1y",
            "--step",
            "15m",
        ],
    );
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert_eq!(json["intervals"], 35_040);
    let err = json["max_balance_error"].as_f64().expect("number");
    assert!(err <= 0.001, "max_balance_error {err}");
    // 1 GW of wind and PV against ~200 MW of load, and still not 100 % green interval by
    // interval: calm nights are met from the grid, and the ledger says so.
    let market = json["green_share_market"].as_f64().expect("number");
    assert!(market > 0.5 && market < 1.0, "{market}");
    assert!(
        json["curtailed_mwh"].as_f64().expect("number")
            + json["exported_mwh"].as_f64().expect("number")
            > 0.0
    );
    // Contract green travels through the public grid: location-based can only be lower.
    assert!(json["green_share_location"].as_f64().expect("number") <= market);
    assert!(
        json["co2_location_t"].as_f64().expect("number")
            >= json["co2_market_t"].as_f64().expect("number")
    );
}

#[test]
fn simulate_raw_records_every_rack_at_1_hz_and_leaves_no_log_behind() {
    let dir = temp_dir("simulate-raw");
    let db = dir.join("raw.db");
    let scenario = repo("tests/fixtures/scenarios/valid/zhongwei-mini.toml");
    let out = suangu()
        .args(["--scenario"])
        .arg(&scenario)
        .args(["simulate", "--json", "--raw", "--db"])
        .arg(format!("sqlite://{}", db.display()))
        .args([
            "--start",
            "2026-06-21T00:00:00Z",
            "--duration",
            "15m",
            "--step",
            "1s",
        ])
        .output()
        .expect("runs");
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    // Two operating centres of 400 and 300 racks (the planned one reports nothing), eight
    // metrics each, every second for 15 minutes.
    let series = (400 + 300) * 8;
    assert_eq!(json["raw"]["series"], series);
    assert_eq!(json["raw"]["points"], series * 900);
    assert_eq!(json["raw"]["chunks_written"], series * 3);
    // Everything is in the database: the log folder holds no points.
    let log = dir.join("raw.zhongwei-mini.rawlog");
    let logged: u64 = std::fs::read_dir(&log)
        .expect("log dir")
        .map(|e| e.expect("entry").metadata().expect("meta").len())
        .sum();
    assert!(logged < 64, "{logged} bytes left in {}", log.display());
}

#[test]
fn simulate_rejects_bad_input_with_one_line_and_exit_2() {
    let db = temp_dir("simulate-bad").join("x.db");
    for args in [
        &["--start", "yesterday", "--duration", "1h"][..],
        &["--start", "2026-01-01T00:00:00Z", "--duration", "a while"],
        &[
            "--start",
            "2026-01-01T00:00:00Z",
            "--duration",
            "1h",
            "--step",
            "7m",
        ],
        &["--start", "2026-01-01T00:07:00Z", "--duration", "1h"],
        &["--start", "2026-01-01T00:00:00Z", "--duration", "-1h"],
        &[
            "--start",
            "2026-01-01T00:00:00Z",
            "--duration",
            "1h",
            "--speed",
            "0",
        ],
        &[
            "--start",
            "2026-01-01T00:00:00Z",
            "--duration",
            "1h",
            "--frobnicate",
        ],
    ] {
        let out = simulate(&db, args);
        assert_eq!(
            out.status.code(),
            Some(2),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(!stderr.trim().is_empty(), "{args:?}");
        assert!(!stderr.contains("panicked"), "{stderr}");
    }
}

#[test]
fn simulate_into_an_unopenable_database_fails_with_exit_1() {
    let out = suangu()
        .args([
            "simulate",
            "--start",
            "2026-01-01T00:00:00Z",
            "--duration",
            "1h",
            "--db",
            "sqlite:///proc/none/x.db",
        ])
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("/proc/none/x.db"), "{stderr}");
    assert_eq!(stderr.trim().lines().count(), 1, "one clear line: {stderr}");
}

#[test]
fn simulate_gives_the_same_numbers_on_sqlite_and_postgresql() {
    let pg = fresh_pg_database("simulate");
    let args = [
        "simulate",
        "--json",
        "--start",
        "2026-07-01T00:00:00+08:00",
        "--duration",
        "1d",
        "--step",
        "5m",
    ];
    let sqlite = simulate(&temp_dir("simulate-pg").join("same.db"), &args[2..]);
    let postgres = suangu()
        .args(args)
        .args(["--db", &pg])
        .output()
        .expect("runs");
    assert_eq!(
        postgres.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&postgres.stderr)
    );
    assert_eq!(
        sqlite.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&sqlite.stderr)
    );
    assert_eq!(
        sqlite.stdout, postgres.stdout,
        "the same KPIs, byte for byte, from either store"
    );
}

/// A database of its own on the test server, made empty now: the server outlives runs (and
/// versions of Suangu), so a test never writes into one a previous run left behind.
fn fresh_pg_database(name: &str) -> String {
    let base = std::env::var("SUANGU_TEST_PG").unwrap_or_else(|_| {
        panic!("SUANGU_TEST_PG is not set: run through `make test` (it starts PostgreSQL with scripts/test-postgres.sh)")
    });
    let (server, _) = base.rsplit_once('/').expect("a postgres:// URL");
    let database = format!("suangu_cli_{}_{name}", std::process::id());
    tokio::runtime::Runtime::new()
        .expect("a runtime")
        .block_on(async {
            let admin = sqlx::PgPool::connect(&base)
                .await
                .expect("connect to the test server");
            for sql in [
                format!("DROP DATABASE IF EXISTS {database}"),
                format!("CREATE DATABASE {database}"),
            ] {
                sqlx::query(sqlx::AssertSqlSafe(sql))
                    .execute(&admin)
                    .await
                    .expect("make the test database");
            }
            admin.close().await;
        });
    format!("{server}/{database}")
}

fn mini_cmd(dir: &Path, args: &[&str]) -> std::process::Output {
    suangu()
        .arg("--scenario")
        .arg(repo("tests/fixtures/scenarios/valid/zhongwei-mini.toml"))
        .arg("--db")
        .arg(format!("sqlite://{}", dir.join("drills.db").display()))
        .args(args)
        .output()
        .expect("runs")
}

fn json_of(out: &std::process::Output) -> serde_json::Value {
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("JSON")
}

#[test]
fn n1_ranks_every_loss_of_the_mini_park_worst_first() {
    let dir = temp_dir("n1");
    let json = json_of(&mini_cmd(
        &dir,
        &["--json", "n1", "--at", "2026-06-30T12:00:00+08:00"],
    ));
    let all = json["contingencies"].as_array().expect("contingencies");
    // 1 substation, 2 transformers, 2 feeders, the 2 operating centres' cooling plants.
    assert_eq!(all.len(), 7);
    assert_eq!(all[0]["asset"], "S1");
    assert_eq!(
        all[0]["affected_centres"],
        serde_json::json!(["ZW-1", "ZW-2"])
    );
    let it = json["it_mw"].as_f64().expect("it");
    assert!((all[0]["lost_it_mw"].as_f64().expect("lost") - it).abs() < 1e-9);
    let shed: Vec<f64> = all
        .iter()
        .map(|c| c["shed_mw"].as_f64().expect("shed"))
        .collect();
    assert!(shed.windows(2).all(|w| w[0] >= w[1]), "{shed:?}");
    for c in all {
        for key in [
            "asset",
            "kind",
            "shed_mw",
            "lost_it_mw",
            "capped_it_mw",
            "racks_lost",
            "affected_centres",
            "lost_supply",
            "lost_redundancy",
            "overloads",
        ] {
            assert!(c.get(key).is_some(), "missing {key}");
        }
    }
    // Text: the same ranking, readable.
    let text = mini_cmd(
        &dir,
        &[
            "--lang",
            "en",
            "n1",
            "--at",
            "2026-06-30T12:00:00+08:00",
            "--top",
            "3",
        ],
    );
    let text = String::from_utf8_lossy(&text.stdout);
    assert!(text.contains("1. S1 (substation)"), "{text}");
    assert!(text.contains("lose supply: ZW-1, ZW-2"), "{text}");
}

#[test]
fn drills_trip_in_the_twin_agree_with_n1_and_are_recorded() {
    let dir = temp_dir("drill");
    let at = "2026-06-30T12:00:00+08:00";
    // The substation: every operating centre goes dark, in the twin as in the analysis.
    let s1 = json_of(&mini_cmd(
        &dir,
        &["--json", "drill", "--trip", "S1", "--at", at],
    ));
    assert_eq!(s1["asset"], "S1");
    assert_eq!(s1["affected_centres"], serde_json::json!(["ZW-1", "ZW-2"]));
    assert_eq!(s1["it_after_mw"].as_f64(), Some(0.0));
    assert!(
        (s1["lost_it_mw"].as_f64().expect("lost") - s1["it_before_mw"].as_f64().expect("before"))
            .abs()
            < 1e-9
    );
    // F2: single-fed ZW-2 goes dark, dual-fed ZW-1 rides through on F1.
    let f2 = json_of(&mini_cmd(
        &dir,
        &["--json", "drill", "--trip", "F2", "--at", at],
    ));
    assert_eq!(f2["lost_supply"], serde_json::json!(["ZW-2"]));
    assert_eq!(f2["lost_redundancy"], serde_json::json!(["ZW-1"]));
    let twin_drop =
        f2["it_before_mw"].as_f64().expect("before") - f2["it_after_mw"].as_f64().expect("after");
    assert!(
        (twin_drop - f2["shed_mw"].as_f64().expect("shed")).abs() < 1e-9,
        "{f2}"
    );
    // Each drill is an event in the store.
    assert!(f2["event_id"].as_i64() > s1["event_id"].as_i64());
    // --at defaults to the scenario's start, never the wall clock: the same output twice.
    let a = mini_cmd(&dir, &["--json", "n1"]);
    let b = mini_cmd(&dir, &["--json", "n1"]);
    assert_eq!(a.stdout, b.stdout);
    assert_eq!(json_of(&a)["at"], "2026-06-29T16:00:00Z");
}

#[test]
fn drill_of_an_unknown_asset_is_exit_2_with_the_closest_ids() {
    let dir = temp_dir("drill-unknown");
    let out = mini_cmd(&dir, &["--lang", "en", "drill", "--trip", "S1-T3"]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("no such asset") && err.contains("S1-T1") && err.contains("S1-T2"),
        "{err}"
    );
    assert_eq!(err.lines().count(), 1, "{err}");
    let out = mini_cmd(&dir, &["drill", "--trip", "F1", "--at", "tomorrow"]);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn ledger_shows_day_month_and_year_both_ways_and_lists_what_was_not_green() {
    let dir = temp_dir("ledger");
    let db = dir.join("ledger.db");
    let sim = simulate(
        &db,
        &[
            "--start",
            "2026-06-21T00:00:00+08:00",
            "--duration",
            "2d",
            "--step",
            "5m",
        ],
    );
    assert_eq!(
        sim.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&sim.stderr)
    );
    let ledger = |args: &[&str]| {
        suangu()
            .args(["--db"])
            .arg(format!("sqlite://{}", db.display()))
            .args(args)
            .output()
            .expect("runs")
    };
    let out = ledger(&["--json", "ledger", "--date", "2026-06-22"]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert_eq!(json["day"]["intervals"], 96);
    assert_eq!(json["month_to_date"]["intervals"], 192);
    assert_eq!(json["year_to_date"]["intervals"], 192);
    for key in [
        "green_share_market",
        "green_share_location",
        "co2_market_t",
        "co2_location_t",
        "delivered_mwh",
        "stored_mwh",
        "exported_mwh",
        "curtailed_mwh",
        "import_mwh",
    ] {
        assert!(json["day"].get(key).is_some(), "missing {key}");
    }
    let day_share = json["day"]["green_share_market"].as_f64().expect("share");
    let not_green = json["not_green"].as_array().expect("list");
    // Honest "100 %": the day is fully green exactly when no interval is listed.
    assert_eq!(
        not_green.is_empty(),
        day_share >= 1.0 - 1e-9,
        "{day_share} with {} listed",
        not_green.len()
    );
    for i in not_green {
        assert!(i["green_share_market"].as_f64().expect("share") < 1.0);
        assert!(i["import_mwh"].as_f64().expect("import") >= 0.0);
    }
    let none = ledger(&["ledger", "--date", "2026-08-01"]);
    assert_eq!(none.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&none.stderr).contains("2026-08-01"));
    assert_eq!(
        ledger(&["ledger", "--date", "someday"]).status.code(),
        Some(2)
    );
}

#[test]
fn schedule_prints_the_plan_beside_both_baselines_deterministically() {
    let dir = temp_dir("schedule");
    let run = |args: &[&str]| {
        suangu()
            .args(["--db"])
            .arg(format!("sqlite://{}", dir.join("s.db").display()))
            .args(args)
            .output()
            .expect("runs")
    };
    let file = repo("assets/jobs/example.csv");
    let args = [
        "--json",
        "schedule",
        "--jobs",
        file.to_str().expect("utf-8"),
        "--start",
        "2026-07-01T00:00:00+08:00",
        "--horizon",
        "48h",
    ];
    let a = run(&args);
    assert_eq!(
        a.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&a.stderr)
    );
    assert_eq!(a.stdout, run(&args).stdout, "deterministic");
    let json: serde_json::Value = serde_json::from_slice(&a.stdout).expect("JSON");
    for m in [
        &json["metrics"],
        &json["baselines"]["fcfs"],
        &json["baselines"]["greedy"],
    ] {
        for key in [
            "green_energy_mwh",
            "green_share_market",
            "cost_cny",
            "missed_deadlines",
            "co2_market_t",
            "co2_location_t",
        ] {
            assert!(m.get(key).is_some(), "missing {key}");
        }
    }
    let placements = json["placements"].as_array().expect("placements");
    assert_eq!(
        placements.len() + json["unplaced"].as_array().expect("unplaced").len(),
        6
    );
    for p in placements {
        for key in ["job", "centre", "start", "reason"] {
            assert!(p.get(key).is_some(), "missing {key}");
        }
    }
    // The inference job promised 14 ms to the Yangtze River Delta says so in its reason.
    let chat = placements
        .iter()
        .find(|p| p["job"] == "chat-east")
        .expect("chat-east placed");
    assert!(
        chat["reason"].as_str().expect("reason").contains("ms"),
        "{chat}"
    );
    // Twin-generated jobs: our plan uses more green energy than first-come-first-served.
    let generated = run(&[
        "--json",
        "schedule",
        "--generate",
        "200",
        "--start",
        "2026-07-01T00:00:00+08:00",
    ]);
    let g: serde_json::Value = serde_json::from_slice(&generated.stdout).expect("JSON");
    assert!(
        g["metrics"]["green_energy_mwh"].as_f64()
            > g["baselines"]["fcfs"]["green_energy_mwh"].as_f64(),
        "{}",
        g["metrics"]
    );
    // A bad row: exit 2 with row and field.
    let bad = dir.join("bad.csv");
    std::fs::write(
        &bad,
        std::fs::read_to_string(&file)
            .expect("example")
            .replace("chat-east,inference", "chat-east,mining"),
    )
    .expect("write");
    let out = run(&[
        "schedule",
        "--jobs",
        bad.to_str().expect("utf-8"),
        "--start",
        "2026-07-01T00:00:00+08:00",
    ]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("row 3") && err.contains("kind"), "{err}");
}

#[test]
fn drill_with_jobs_prints_an_evacuation_plan() {
    let dir = temp_dir("drill-jobs");
    let out = suangu()
        .args(["--json", "--db"])
        .arg(format!("sqlite://{}", dir.join("d.db").display()))
        .args([
            "drill",
            "--trip",
            "SS-110-2",
            "--at",
            "2026-07-01T00:00:00+08:00",
            "--jobs",
        ])
        .arg(repo("assets/jobs/example.csv"))
        .output()
        .expect("runs");
    let json = json_of(&out);
    let dark: Vec<&str> = json["lost_supply"]
        .as_array()
        .expect("lost")
        .iter()
        .filter_map(|c| c.as_str())
        .collect();
    let moves = json["evacuation"].as_array().expect("evacuation");
    assert!(!moves.is_empty(), "{json}");
    for m in moves {
        let from = m["from"].as_str().expect("from");
        assert!(dark.contains(&from), "{from} did not lose supply");
        let to = m.get("to").and_then(|t| t.as_str());
        assert!(
            to.is_some() || m["paused"] == true || m["lost"] == true,
            "{m}"
        );
        if let Some(to) = to {
            assert!(!dark.contains(&to), "moved into a dark centre: {m}");
        }
    }
}

#[test]
fn an_unknown_demo_pack_is_exit_2_naming_the_packs() {
    let ui = temp_dir("ui-demo");
    std::fs::write(ui.join("index.html"), "<!doctype html>").expect("index");
    let out = suangu()
        .args(["--lang", "en", "serve", "--bind", "127.0.0.1:0", "--ui-dir"])
        .arg(&ui)
        .args(["--demo", "moon-landing"])
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("moon-landing")
            && err.contains("wind-lull-dusk")
            && err.contains("day-in-60s"),
        "{err}"
    );
}

#[test]
fn check_config_accepts_the_example_and_places_each_mistake() {
    let example = repo("assets/config/suangu.toml");
    let out = suangu()
        .args(["check", "--json", "--config"])
        .arg(&example)
        .output()
        .expect("runs");
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let summary: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(summary["park"], "qingyang");
    assert_eq!(summary["sources"][0]["points"], 5);

    let text = std::fs::read_to_string(&example).expect("example");
    let broken = temp_dir("config").join("suangu.toml");
    std::fs::write(
        &broken,
        text.replacen("series = \"CM-N02/it_kw\"", "series = \"CM-N99/it_kw\"", 1)
            .replacen(
                "password_env = \"SUANGU_MQTT_PASSWORD\"",
                "password = \"secret\"",
                1,
            ),
    )
    .expect("write");
    let out = suangu()
        .args(["check", "--config"])
        .arg(&broken)
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_placed(
        &stderr,
        &text,
        "password_env",
        "sources[0].mqtt.password: credentials are never kept",
    );
    assert!(
        stderr.contains("sources[0].points[3].series: no series \"CM-N99/it_kw\""),
        "{stderr}"
    );
    assert!(
        !stderr.contains("secret"),
        "the password must not be echoed: {stderr}"
    );
}

/// `stderr` names the issue `what` at column 1 of the line of `text` that starts with `starts`.
fn assert_placed(stderr: &str, text: &str, starts: &str, what: &str) {
    let line = 1 + text
        .lines()
        .position(|l| l.starts_with(starts))
        .unwrap_or_else(|| panic!("no line starting {starts:?}"));
    let placed = format!(":{line}:1: {what}");
    assert!(stderr.contains(&placed), "{placed}: {stderr}");
}

#[test]
fn report_writes_the_briefing_both_ways_and_names_the_days_that_have_data() {
    let dir = temp_dir("report");
    let db = dir.join("report.db");
    let _ = std::fs::remove_file(&db);
    let url = format!("sqlite://{}", db.display());
    let out = simulate(
        &db,
        &[
            "--start",
            "2026-04-01T00:00:00+08:00",
            "--duration",
            "24h",
            "--step",
            "5m",
        ],
    );
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let charts = dir.join("briefing");
    let _ = std::fs::remove_dir_all(&charts);
    for lang in ["en", "zh-CN"] {
        let out = suangu()
            .args([
                "report",
                "--json",
                "--db",
                &url,
                "--date",
                "2026-04-01",
                "--lang",
                lang,
            ])
            .arg("--out")
            .arg(&charts)
            .output()
            .expect("runs");
        assert_eq!(
            out.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let json = json_of(&out);
        assert_eq!(json["intervals_stored"], 96);
        assert_eq!(json["lang"], lang);
        let html =
            std::fs::read_to_string(json["html"].as_str().expect("html path")).expect("html");
        assert_eq!(html.matches("<svg").count(), 7, "seven charts inline");
        assert!(html.contains(&format!("<html lang=\"{lang}\">")));
        let files = json["charts"].as_array().expect("charts");
        assert_eq!(files.len(), 14, "seven charts as SVG and PNG");
        for f in files {
            let path = f.as_str().expect("path");
            assert!(
                std::fs::metadata(path).is_ok_and(|m| m.len() > 200),
                "{path} written"
            );
        }
    }
    // Human output: the KPIs in words, then where the page is.
    let out = suangu()
        .args([
            "report",
            "--db",
            &url,
            "--date",
            "2026-04-01",
            "--lang",
            "en",
        ])
        .arg("--out")
        .arg(&charts)
        .output()
        .expect("runs");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("Daily briefing 2026-04-01") && text.contains("Park energy"),
        "{text}"
    );

    // A day without data fails (exit 1) and says which days have some.
    let out = suangu()
        .args(["report", "--db", &url, "--date", "2026-05-01", "--out"])
        .arg(&charts)
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("2026-05-01") && err.contains("there is data for: 2026-04-01"),
        "{err}"
    );
    // Bad input is exit 2 and names the flag.
    for (flag, value) in [("--period", "month"), ("--date", "2026-13-01")] {
        let out = suangu()
            .args([
                "report",
                "--db",
                &url,
                "--date",
                "2026-04-01",
                flag,
                value,
                "--out",
            ])
            .arg(&charts)
            .output()
            .expect("runs");
        assert_eq!(out.status.code(), Some(2), "{flag} {value}");
        assert!(String::from_utf8_lossy(&out.stderr).contains(flag));
    }
    let _ = std::fs::remove_dir_all(&dir);
}

/// `suangu serve --config`: the park as its sources measure it. A file that does not fit the
/// scenario is bad input (exit 2) placed by line and field, before anything starts. With a good
/// file, a centre's load imported into the store (stamped now) is what the live frame shows,
/// live; every series no source feeds is not measured (null: no number, never the twin's); the
/// commands that need the twin answer not_ready saying the park is observed.
#[test]
fn serve_config_shows_the_park_as_its_sources_measure_it() {
    let dir = temp_dir("observed");
    let config = dir.join("suangu.toml");
    let text = format!(
        r#"park = "qingyang"

[[sources]]
id = "grid-transfer"
expected_interval_s = 60
files = {{ dir = "{}", settle_s = 0.5 }}

[[sources.points]]
column = "n01_it_mw"
series = "CM-N01/it_kw"
unit = "MW"
resolution = 1
"#,
        dir.join("in").display()
    );
    std::fs::write(&config, text.replace("CM-N01/it_kw", "CM-N99/it_kw")).expect("config");
    let ui = temp_dir("ui-observed");
    std::fs::write(ui.join("index.html"), "<!doctype html>").expect("index");
    let out = suangu()
        .args(["serve", "--bind", "127.0.0.1:0", "--ui-dir"])
        .arg(&ui)
        .arg("--config")
        .arg(&config)
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    // Placed at the field, as `check --config` places it.
    assert_placed(
        &err,
        &text,
        "series = ",
        "sources[0].points[0].series: no series \"CM-N99",
    );

    std::fs::write(&config, &text).expect("config");
    let db = dir.join("store.db");
    let _ = std::fs::remove_file(&db);
    let url = format!("sqlite://{}", db.display());
    let csv = dir.join("n01.csv");
    std::fs::write(
        &csv,
        format!("ts,n01_it_mw\n{},23.4\n", jiff::Timestamp::now()),
    )
    .expect("csv");
    let out = suangu()
        .args(["import", "--db", &url, "--config"])
        .arg(&config)
        .arg(&csv)
        .output()
        .expect("runs");
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let server = serve_on(&ui, &db, &["--config", &config.display().to_string()]);
    let frame = first_frame(&server.1);
    let centre = |id: &str| {
        frame["centres"]
            .as_array()
            .and_then(|c| c.iter().find(|c| c["id"] == id))
            .unwrap_or_else(|| panic!("no {id} in {frame}"))
            .clone()
    };
    let n01 = centre("CM-N01");
    assert_eq!(n01["it_mw"], 23.4, "{n01}");
    assert_eq!(n01["quality"], "live", "{n01}");
    let n02 = centre("CM-N02");
    assert_eq!(n02["quality"], "not_measured", "{n02}");
    assert!(n02["it_mw"].is_null(), "{n02}");
    assert!(frame["it_mw"].is_null(), "{frame}");
    let series = frame["series"].as_array().expect("series");
    assert!(
        series
            .iter()
            .any(|s| s["series"] == "park/it_kw" && s["quality"] == "not_measured")
    );
    assert!(!series.iter().any(|s| s["series"] == "CM-N01/it_kw"));
    for command in ["park_n1", "park_capacity", "park_schedule"] {
        let (status, _, body) = get(&server.1, &format!("/api/{command}"), &[]);
        assert_eq!(status, 503, "{command}: {body}");
        assert!(
            body.contains("not_ready") && body.contains("observed from its data sources"),
            "{command}: {body}"
        );
    }
    let (status, _, body) = get(&server.1, "/api/centre_detail?centre=CM-N01", &[]);
    assert_eq!(status, 503, "{body}");
}

/// `serve` on a given store file.
fn serve_on(ui_dir: &Path, db: &Path, extra: &[&str]) -> Server {
    let mut child = suangu()
        .args(["serve", "--bind", "127.0.0.1:0", "--ui-dir"])
        .arg(ui_dir)
        .arg("--db")
        .arg(format!("sqlite://{}", db.display()))
        .args(extra)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn serve");
    let mut line = String::new();
    BufReader::new(child.stdout.take().expect("stdout"))
        .read_line(&mut line)
        .expect("serve prints its address");
    let addr = line
        .split("http://")
        .nth(1)
        .and_then(|rest| rest.trim().strip_suffix('/'))
        .unwrap_or_else(|| panic!("no address in {line:?}"))
        .to_owned();
    Server(child, addr)
}

/// The first frame of `/api/live` (server-sent events: the current one at once).
fn first_frame(addr: &str) -> serde_json::Value {
    let mut stream = TcpStream::connect(addr).expect("connect");
    stream
        .set_read_timeout(Some(std::time::Duration::from_secs(20)))
        .expect("timeout");
    write!(
        stream,
        "GET /api/live HTTP/1.1\r\nHost: x\r\nAccept: text/event-stream\r\n\r\n"
    )
    .expect("send");
    let mut reader = BufReader::new(stream);
    let mut seen = String::new();
    while !seen.lines().any(|l| l.starts_with("data:")) {
        let mut line = String::new();
        if reader.read_line(&mut line).expect("read") == 0 {
            break;
        }
        seen.push_str(&line);
    }
    assert!(seen.contains("text/event-stream"), "{seen}");
    let data = seen
        .lines()
        .find_map(|l| l.strip_prefix("data:"))
        .unwrap_or_else(|| panic!("no frame in {seen:?}"));
    serde_json::from_str(data.trim()).expect("frame json")
}
