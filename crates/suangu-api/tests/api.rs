//! The API over the built-in and fixture parks, and the generated TypeScript bindings.

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;
use suangu_api::console::Console;
use suangu_api::dto::{CentreStatus, ErrorCode, Supply};
use suangu_api::live::{Live, LiveArgs, live_config};
use suangu_api::{Api, COMMANDS, Session, bindings};
use suangu_engine::live::LiveConfig;
use suangu_store::SqliteStore;

fn repo(path: &str) -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .join(path)
}

#[test]
fn bindings_are_current() {
    let path = repo("ui/src/api/bindings.ts");
    let generated = bindings::typescript();
    if std::env::var_os("UPDATE_BINDINGS").is_some() {
        std::fs::write(&path, &generated).expect("write bindings");
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == generated,
        "ui/src/api/bindings.ts is stale: run `make bindings` and commit the result"
    );
    for command in COMMANDS {
        assert!(generated.contains(&format!("  {}: {{", command.name)));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_command_answers_through_a_session() {
    let api = Api::open(None).expect("built-in park");
    let db = std::env::temp_dir().join(format!("suangu-api-test-{}.db", std::process::id()));
    let _ = std::fs::remove_file(&db);
    let store = Arc::new(SqliteStore::open(&db).await.expect("store"));
    let config = LiveConfig {
        speed: 60.0,
        tick: Duration::from_millis(50),
        backfill: Duration::from_secs(6 * 3600),
        ..LiveConfig::real_time("2026-05-01T12:00:00Z".parse().expect("ts"))
    };
    let start: jiff::Timestamp = "2026-05-01T12:00:00Z".parse().expect("ts");
    let config = LiveConfig {
        raw_log: Some(db.with_extension("rawlog")),
        ..config
    };
    let live = Live::start(api.park().clone(), 1, store, config).await;
    let session = Session { api, live };
    let args = |hours: u32| serde_json::json!({ "hours": hours });
    let history = |series: &str, from_s: i64, to_s: i64| serde_json::json!({ "series": series, "from_s": from_s, "to_s": to_s });
    let from_s = start.as_second();
    tokio::time::sleep(Duration::from_millis(800)).await;
    for command in COMMANDS {
        if command.name == "demo_play" {
            // Restarting the park is a host's (the window's console), never a session's.
            let refused = session
                .call("demo_play", serde_json::json!({ "pack": "day-in-60s" }))
                .await
                .expect_err("a session cannot restart itself");
            assert_eq!(refused.code, ErrorCode::ReadOnly);
            continue;
        }
        if [
            "alarm_ack",
            "alarm_shelve",
            "incident_note",
            "incident_step",
            "evacuation_approve",
        ]
        .contains(&command.name)
        {
            // A person acts on an alarm: a session has none to name.
            let args = if command.name == "incident_note" {
                serde_json::json!({ "incident": "x", "text": "y" })
            } else if command.name == "incident_step" {
                serde_json::json!({ "incident": "x", "kind": "n1", "step": 0 })
            } else if command.name == "evacuation_approve" {
                serde_json::json!({ "asset": "SS-110-2" })
            } else {
                serde_json::json!({ "rule": "park-pue-high", "target": "park", "minutes": 10 })
            };
            let refused = session
                .call(command.name, args)
                .await
                .expect_err("no operator");
            assert_eq!(refused.code, ErrorCode::ReadOnly);
            continue;
        }
        if command.name == "export_briefing" {
            // Files are written by a desktop host into a folder it picks: a session refuses, the
            // live park writes them where it is told.
            let args = serde_json::json!({ "period": "day", "date": "2026-05-01", "lang": "en" });
            let refused = session
                .call("export_briefing", args)
                .await
                .expect_err("a session writes no files");
            assert_eq!(refused.code, ErrorCode::ReadOnly);
            let out = db.with_extension("briefing");
            let done = session
                .live()
                .expect("live")
                .export_briefing(
                    suangu_api::dto::BriefingArgs {
                        period: "day".into(),
                        date: "2026-05-01".into(),
                        lang: "en".into(),
                    },
                    &out,
                    "test",
                    jiff::Timestamp::now(),
                )
                .await
                .expect("briefing");
            assert!(
                done.intervals_stored > 0 && done.intervals_in_period == 96,
                "{done:?}"
            );
            assert!(
                std::fs::read_to_string(&done.html)
                    .expect("html")
                    .contains("Daily briefing 2026-05-01")
            );
            assert_eq!(done.files.len(), 14);
            let none = session
                .live()
                .expect("live")
                .export_briefing(
                    suangu_api::dto::BriefingArgs {
                        period: "week".into(),
                        date: "2001-01-01".into(),
                        lang: "zh-CN".into(),
                    },
                    &out,
                    "test",
                    jiff::Timestamp::now(),
                )
                .await
                .expect_err("no data");
            assert_eq!(none.code, ErrorCode::NoData);
            assert!(
                none.message.contains("there is data for: 2026-05-01"),
                "{}",
                none.message
            );
            let _ = std::fs::remove_dir_all(&out);
            continue;
        }
        let call_args = match command.name {
            "park_trend" => args(6),
            "series_history" => history("park/it_kw", from_s, from_s + 3600),
            "rack_heatmap" => serde_json::json!({ "metric": "utilisation_pct" }),
            "drill" => serde_json::json!({ "asset": "F-201", "minutes": 30 }),
            "park_events" => serde_json::json!({ "hours": 6 }),
            "centre_detail" => serde_json::json!({ "centre": "CM-N02" }),
            "park_replay" => serde_json::json!({ "at_s": from_s + 10 }),
            _ => serde_json::json!({}),
        };
        let value = session
            .call(command.name, call_args)
            .await
            .expect("command answers");
        assert!(value.is_object(), "{}", command.name);
    }
    // Replay: the drill of F-201 (in the loop above) is in the picture from its instant on,
    // not before; the values are the recorded ones.
    let now_s = session
        .call("demo_status", serde_json::json!({}))
        .await
        .expect("status")["now_s"]
        .as_i64()
        .expect("now");
    let events = session
        .call("park_events", serde_json::json!({ "hours": 6 }))
        .await
        .expect("events");
    let drilled_s = events["events"]
        .as_array()
        .expect("events")
        .iter()
        .find(|e| e["target"] == "F-201")
        .and_then(|e| e["at_s"].as_i64())
        .expect("the drill is recorded");
    let replay = |at_s: i64| session.call("park_replay", serde_json::json!({ "at_s": at_s }));
    let before = replay(drilled_s - 2).await.expect("before the drill");
    assert!(
        !before["feeders_down"].to_string().contains("F-201"),
        "{}",
        before["feeders_down"]
    );
    assert!(before["it_mw"].as_f64().expect("recorded") > 100.0);
    let during = replay(drilled_s + 1).await.expect("during the drill");
    assert!(
        during["feeders_down"].to_string().contains("F-201"),
        "{}",
        during["feeders_down"]
    );
    let future = replay(now_s + 3600).await.expect_err("not yet");
    assert_eq!(future.code, ErrorCode::BadArguments);
    let empty = replay(from_s - 86_400 * 30)
        .await
        .expect_err("nothing recorded");
    assert!(
        empty.message.contains("nothing recorded"),
        "{}",
        empty.message
    );
    // The park's series are recorded raw each tick: an hour comes back point by point, a day
    // as rollups, every value a real one (IT load in kW).
    let raw = session
        .call(
            "series_history",
            history("park/it_kw", from_s, from_s + 3600),
        )
        .await
        .expect("raw");
    assert_eq!(raw["level"], "raw");
    let points = raw["points"].as_array().expect("points");
    assert!(points.len() >= 5, "{} raw points", points.len());
    assert!(
        points
            .iter()
            .all(|p| p["mean"].as_f64().unwrap_or(0.0) > 100_000.0)
    );
    let rollup = session
        .call(
            "series_history",
            history("park/it_kw", from_s - 86_400, from_s + 3600),
        )
        .await
        .expect("rollup");
    assert_eq!(rollup["level"], "rollup");
    for bad_args in [
        history("park/no_such_kw", from_s, from_s + 60),
        history("park/it_kw", from_s, from_s),
        history("park/it_kw", 0, 500 * 86_400),
        serde_json::json!({ "series": "park/it_kw", "from_s": 1, "to_s": 2, "extra": true }),
    ] {
        let err = session
            .call("series_history", bad_args.clone())
            .await
            .expect_err("bad arguments");
        assert_eq!(err.code, ErrorCode::BadArguments, "{bad_args}");
    }
    // Capacity, N-1, the ledger, the drill and the events, from the live park.
    let capacity = session
        .call("park_capacity", serde_json::json!({}))
        .await
        .expect("capacity");
    assert_eq!(capacity["centres"].as_array().expect("centres").len(), 12);
    assert!(capacity["headroom_mw"].as_f64().expect("headroom") >= 0.0);
    let online = session
        .call("park_capacity", serde_json::json!({ "with": "CM-B01" }))
        .await
        .expect("with B01");
    assert!(online["racks_installed"].as_u64() > capacity["racks_installed"].as_u64());
    // Everything planned (B01, the 330 kV station, its transformers and feeders): B01 gets
    // supply and its 30 MW count as headroom.
    let all = session
        .call("park_capacity", serde_json::json!({ "with": "planned" }))
        .await
        .expect("all planned");
    assert!(
        all["headroom_mw"].as_f64().expect("mw")
            > capacity["headroom_mw"].as_f64().expect("mw") + 20.0,
        "{} vs {}",
        all["headroom_mw"],
        capacity["headroom_mw"]
    );
    let bad = session
        .call("park_capacity", serde_json::json!({ "with": "CM-N01" }))
        .await
        .expect_err("not planned");
    assert_eq!(bad.code, ErrorCode::BadArguments);
    let n1 = session
        .call("park_n1", serde_json::json!({}))
        .await
        .expect("n1");
    assert!(
        n1["contingencies"][0]["asset"]
            .as_str()
            .expect("asset")
            .starts_with("SS-110")
    );
    // The drill above tripped F-201 for 30 minutes: N-1 now starts from that state.
    assert!(
        n1["contingencies"]
            .as_array()
            .expect("list")
            .iter()
            .all(|c| c["asset"] != "F-201")
    );
    let ledger = session
        .call("park_ledger", serde_json::json!({}))
        .await
        .expect("ledger");
    assert!(ledger["day"]["intervals"].as_u64() > Some(0));
    assert_eq!(
        ledger["intervals"].as_array().expect("intervals").len() as u64,
        ledger["day"]["intervals"].as_u64().expect("n")
    );
    let unknown = session
        .call("drill", serde_json::json!({ "asset": "F-20" }))
        .await
        .expect_err("unknown asset");
    assert_eq!(unknown.code, ErrorCode::BadArguments);
    assert!(unknown.message.contains("F-201"), "{}", unknown.message);
    let too_long = session
        .call(
            "drill",
            serde_json::json!({ "asset": "F-202", "minutes": 0 }),
        )
        .await
        .expect_err("0 minutes");
    assert_eq!(too_long.code, ErrorCode::BadArguments);
    let events = session
        .call("park_events", serde_json::json!({ "hours": 6 }))
        .await
        .expect("events");
    let kinds: Vec<(String, String)> = events["events"]
        .as_array()
        .expect("events")
        .iter()
        .map(|e| {
            (
                e["kind"].as_str().unwrap_or("").to_owned(),
                e["target"].as_str().unwrap_or("").to_owned(),
            )
        })
        .collect();
    assert!(
        kinds.contains(&("drill".to_owned(), "F-201".to_owned())),
        "{kinds:?}"
    );
    assert!(
        kinds.contains(&("trip".to_owned(), "F-201".to_owned())),
        "{kinds:?}"
    );
    assert!(suangu_api::is_mutating("drill") && !suangu_api::is_mutating("park_n1"));

    // A substation drill: the planned jobs of the centres it darkens are evacuated.
    let big = session
        .call(
            "drill",
            serde_json::json!({ "asset": "SS-110-2", "minutes": 60 }),
        )
        .await
        .expect("substation drill");
    let moves = big["evacuation"].as_array().expect("evacuation");
    assert!(!moves.is_empty(), "{big}");
    let dark: Vec<&str> = big["impact"]["lost_supply"]
        .as_array()
        .expect("lost")
        .iter()
        .filter_map(|c| c.as_str())
        .collect();
    assert!(
        moves
            .iter()
            .all(|m| dark.contains(&m["from"].as_str().unwrap_or(""))),
        "{big}"
    );

    // A past period of the 15-minute trend.
    let past = session
        .call(
            "park_trend",
            serde_json::json!({ "hours": 2, "until_s": from_s - 3600 }),
        )
        .await
        .expect("past trend");
    assert_eq!(past["points"].as_array().expect("points").len(), 8);
    let trend = session.call("park_trend", args(6)).await.expect("trend");
    let points = trend["points"].as_array().expect("points");
    assert_eq!(points.len(), 24, "six backfilled hours of 15-minute points");
    assert!(points[0]["facility_mw"].as_f64().expect("mw") > 100.0);
    let bad = session
        .call("park_trend", args(0))
        .await
        .expect_err("0 hours");
    assert_eq!(bad.code, ErrorCode::BadArguments);
    let bad = session
        .call("park_trend", serde_json::json!({}))
        .await
        .expect_err("no hours");
    assert_eq!(bad.code, ErrorCode::BadArguments);
    let err = session
        .call("drop_tables", serde_json::json!({}))
        .await
        .expect_err("unknown");
    assert_eq!(err.code, ErrorCode::UnknownCommand);
    let frame = session.live().expect("live").frame();
    if let Some(frame) = frame {
        assert_eq!(frame.centres.len(), session.api.park().centres().count());
    }
    session.shutdown().await;
}

/// The rack heatmap of the mini park: now from the engine, and a past instant from the raw
/// store once the racks were recorded.
/// The window's console: a demo pack started from the window restarts the park on the pack's
/// story (its start, pace and steps); stopping it returns to the live park; a bad pack is
/// refused and leaves the running park alone.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_demo_pack_starts_and_stops_from_the_console() {
    let db = std::env::temp_dir().join(format!("suangu-console-test-{}.db", std::process::id()));
    let _ = std::fs::remove_file(&db);
    let store = Arc::new(SqliteStore::open(&db).await.expect("store"));
    let opened = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let counter = opened.clone();
    let console = Console::new(
        LiveArgs::default(),
        Box::new(move |flags: LiveArgs| {
            let store = store.clone();
            counter.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            Box::pin(async move {
                let (api, config) = live_config(Api::open(None)?, &flags)?;
                let config = LiveConfig {
                    backfill: Duration::from_secs(3600),
                    tick: Duration::from_millis(50),
                    ..config
                };
                let live = Live::start(api.park().clone(), 1, store, config).await;
                Ok(Session { api, live })
            })
        }),
    );
    let before = console
        .call("demo_status", serde_json::json!({}))
        .await
        .expect("status");
    assert_eq!(before["active"], false);
    assert_eq!(before["packs"].as_array().expect("packs").len(), 4);
    let playing = console
        .call("demo_play", serde_json::json!({ "pack": "trip-330kv" }))
        .await
        .expect("play");
    assert_eq!(playing["active"], true);
    assert_eq!(playing["id"], "trip-330kv");
    // The pack's story starts on the scenario's date, at its own pace.
    tokio::time::sleep(Duration::from_millis(400)).await;
    let status = console
        .call("demo_status", serde_json::json!({}))
        .await
        .expect("status");
    assert_eq!(status["id"], "trip-330kv");
    assert!(status["now_s"].as_u64() > status["start_s"].as_u64());
    let bad = console
        .call("demo_play", serde_json::json!({ "pack": "no-such-pack" }))
        .await
        .expect_err("unknown pack");
    assert_eq!(bad.code, ErrorCode::BadArguments);
    assert!(bad.message.contains("day-in-60s"), "{}", bad.message);
    let extra = console
        .call(
            "demo_play",
            serde_json::json!({ "pack": "trip-330kv", "x": 1 }),
        )
        .await
        .expect_err("unknown field");
    assert_eq!(extra.code, ErrorCode::BadArguments);
    // Still the same pack, not restarted by the refused calls.
    assert_eq!(opened.load(std::sync::atomic::Ordering::SeqCst), 2);
    let stopped = console
        .call("demo_play", serde_json::json!({}))
        .await
        .expect("back to live");
    assert_eq!(stopped["active"], false);
    assert_eq!(opened.load(std::sync::atomic::Ordering::SeqCst), 3);
    console.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rack_heatmap_now_and_in_the_past() {
    let api = Api::open(Some(&repo(
        "tests/fixtures/scenarios/valid/zhongwei-mini.toml",
    )))
    .expect("mini park");
    let db = std::env::temp_dir().join(format!("suangu-api-heatmap-{}.db", std::process::id()));
    let _ = std::fs::remove_file(&db);
    let store = Arc::new(SqliteStore::open(&db).await.expect("store"));
    let start: jiff::Timestamp = "2026-05-01T12:00:00Z".parse().expect("ts");
    let config = LiveConfig {
        speed: 600.0,
        tick: Duration::from_millis(100),
        backfill: Duration::ZERO,
        raw_log: Some(db.with_extension("rawlog")),
        record_racks: true,
        ..LiveConfig::real_time(start)
    };
    let live = Live::start(api.park().clone(), 1, store, config).await;
    let session = Session { api, live };
    tokio::time::sleep(Duration::from_millis(1500)).await;
    let now = session
        .call("rack_heatmap", serde_json::json!({ "metric": "power_kw" }))
        .await
        .expect("live heatmap");
    assert_eq!(now["source"], "live");
    // 400 + 300 operating racks report; the planned centre's 200 are drawn, without values.
    assert_eq!(now["racks"], 700);
    assert_eq!(now["racks_with_data"], 700);
    let (w, h) = (
        now["width"].as_u64().expect("w"),
        now["height"].as_u64().expect("h"),
    );
    let cells = now["cells"].as_array().expect("cells");
    assert_eq!(cells.len() as u64, w * h);
    assert_eq!(cells.iter().filter(|c| c.is_number()).count(), 700);
    assert!(
        cells
            .iter()
            .filter_map(|c| c.as_f64())
            .all(|kw| kw > 0.0 && kw < 100.0)
    );
    assert_eq!(now["blocks"].as_array().expect("blocks").len(), 3);
    let bad = session
        .call("rack_heatmap", serde_json::json!({ "metric": "smell" }))
        .await
        .expect_err("unknown metric");
    assert_eq!(bad.code, ErrorCode::BadArguments);
    session.shutdown().await;
    // Two minutes after the start, from the raw store (the engine wrote its open chunks at stop).
    let past = session
        .call(
            "rack_heatmap",
            serde_json::json!({ "metric": "inlet_c", "at_s": start.as_second() + 120 }),
        )
        .await
        .expect("past heatmap");
    assert_eq!(past["source"], "raw");
    assert_eq!(past["racks_with_data"], 700);
    let inlet: Vec<f64> = past["cells"]
        .as_array()
        .expect("cells")
        .iter()
        .filter_map(|c| c.as_f64())
        .collect();
    assert!(inlet.iter().all(|c| (15.0..40.0).contains(c)), "{inlet:?}");
    // Before anything was recorded: no data, said so, never zeros.
    let before = session
        .call(
            "rack_heatmap",
            serde_json::json!({ "metric": "power_kw", "at_s": start.as_second() - 86_400 }),
        )
        .await
        .expect("empty past");
    assert_eq!(before["racks_with_data"], 0);
    assert!(
        before["cells"]
            .as_array()
            .expect("cells")
            .iter()
            .all(|c| c.is_null())
    );
}

#[test]
fn summary_json_has_the_documented_keys() {
    let api = Api::open(None).expect("built-in park");
    let json = api.call("park_summary").expect("summary");
    for key in [
        "centres",
        "planned_centres",
        "physical_racks",
        "standard_racks",
        "it_capacity_mw",
        "pflops",
        "pflops_planned",
        "green_capacity_mw",
        "substations",
    ] {
        assert!(json.get(key).is_some(), "missing {key}");
    }
    let station = &json["substations"][0];
    for key in ["id", "kv", "mva", "in_service"] {
        assert!(station.get(key).is_some(), "substation missing {key}");
    }
    assert_eq!(json["centres"], 11);
    assert_eq!(json["planned_centres"], 1);
}

#[test]
fn map_carries_every_centre_with_its_supply() {
    let api = Api::open(None).expect("built-in park");
    let map = api.park_map();
    let park = api.park();
    assert_eq!(map.centres.len(), park.centres().count());
    let b01 = map
        .centres
        .iter()
        .find(|c| c.id == "CM-B01")
        .expect("B01 drawn");
    assert_eq!(b01.status, CentreStatus::Planned);
    assert_eq!(b01.supply, Supply::Lost);
    let n02 = map
        .centres
        .iter()
        .find(|c| c.id == "CM-N02")
        .expect("N02 drawn");
    assert_eq!(n02.supply, Supply::Redundant);
    assert_eq!(map.rings_ms, vec![1.0, 3.0, 7.0, 14.0]);
    let bth = map.regions.iter().find(|r| r.id == "BTH").expect("BTH");
    assert_eq!(bth.ring_ms, Some(14.0));
    let f201 = map.feeders.iter().find(|f| f.id == "F-201").expect("F-201");
    assert_eq!(f201.substation, "SS-110-2");
    assert!(f201.centres.contains(&"CM-N01".to_owned()));
}

#[test]
fn a_second_park_is_just_another_file() {
    let api = Api::open(Some(&repo(
        "tests/fixtures/scenarios/valid/zhongwei-mini.toml",
    )))
    .expect("fixture park");
    let summary = api.park_summary();
    assert_eq!(summary.id, "zhongwei-mini");
    assert_eq!(summary.centres, 2);
    let names: Vec<_> = api
        .park_map()
        .centres
        .into_iter()
        .map(|c| c.name.en)
        .collect();
    assert_eq!(
        names,
        [
            "Shapotou Building 1",
            "Shapotou Building 2",
            "Shapotou Building 3"
        ]
    );
}

#[test]
fn unreadable_and_invalid_files_are_clear_errors() {
    let missing = Api::open(Some(Path::new("/nonexistent/park.toml"))).expect_err("missing");
    assert_eq!(missing.code, ErrorCode::ScenarioUnreadable);
    assert!(missing.message.contains("/nonexistent/park.toml"));
    let bad = Api::open(Some(&repo(
        "tests/fixtures/scenarios/invalid/unknown_feeder.toml",
    )))
    .expect_err("invalid");
    assert_eq!(bad.code, ErrorCode::ScenarioInvalid);
    let issue = &bad.details[0];
    assert_eq!(issue.field, "centres[0].feeds[1].feeder");
    assert_eq!(issue.kind, "unknown_reference");
    assert!(issue.line > 0);
}

/// The "330 kV trip" demo: the park with B01 and the 330 kV station built; at 10:30 the 330 kV
/// grid trips for an hour, B01 (fed only from the 330 kV station) goes dark, the 110 kV stations
/// ride through on the 110 kV grid, and the demo reports its step done.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_330_kv_trip_demo_tells_its_story() {
    let args = suangu_api::live::LiveArgs {
        speed: Some(3600.0),
        demo: Some("trip-330kv".to_owned()),
        record_racks: false,
        tick_ms: Some(100),
        alarms: None,
    };
    assert!(
        suangu_api::live::LiveArgs {
            tick_ms: Some(0),
            ..args.clone()
        }
        .check()
        .is_err_and(|e| e.contains("--tick-ms 0")),
        "a tick of 0 ms is refused"
    );
    let (api, config) =
        suangu_api::live::live_config(Api::open(None).expect("park"), &args).expect("demo");
    assert_eq!(
        api.park_summary().planned_centres,
        0,
        "B01 is online in this story"
    );
    let db = std::env::temp_dir().join(format!("suangu-api-demo-{}.db", std::process::id()));
    let _ = std::fs::remove_file(&db);
    let store = Arc::new(SqliteStore::open(&db).await.expect("store"));
    assert_eq!(config.tick, Duration::from_millis(100));
    let config = LiveConfig {
        backfill: Duration::from_secs(3600),
        ..config
    };
    let live = Live::start(api.park().clone(), 1, store, config)
        .await
        .expect("live");
    let mut frames = live.frames();
    let mut saw_b01_dark = false;
    for _ in 0..200 {
        frames.changed().await.expect("frame");
        let f = frames.borrow().clone().expect("frame");
        let b01 = f.centres.iter().find(|c| c.id == "CM-B01").expect("B01");
        if f.stations_down.iter().any(|s| s == "SS-330") {
            assert_eq!(b01.supply, suangu_core::SupplyState::Lost);
            assert!(
                f.stations_down.iter().all(|s| s == "SS-330"),
                "{:?}",
                f.stations_down
            );
            saw_b01_dark = true;
            break;
        }
    }
    assert!(saw_b01_dark, "the trip never showed");
    let status = live.demo_status();
    assert!(status.active && status.steps[0].done);
    live.shutdown().await;
}

#[test]
fn a_sources_health_report_reads_as_the_wire_type() {
    use std::time::{Duration, Instant};
    use suangu_api::dto::{SourceHealthDto, SourceLink};
    use suangu_sources::health::{Health, Link};
    let now = Instant::now();
    let health = Health::new(
        "meters",
        &["CM-N01/it_kw".to_owned()],
        Duration::from_secs(1),
        now,
    );
    health.link(Link::BackingOff {
        attempt: 2,
        retry_in_ms: 500,
        error: "connection refused".to_owned(),
    });
    health.reject("not_json");
    let report =
        serde_json::to_string(&health.snapshot(now + Duration::from_secs(5))).expect("json");
    let read: SourceHealthDto =
        serde_json::from_str(&report).expect("the wire type reads the report");
    assert_eq!(read.id, "meters");
    assert_eq!(
        read.link,
        SourceLink::BackingOff {
            attempt: 2,
            retry_in_ms: 500,
            error: "connection refused".to_owned()
        }
    );
    assert_eq!(read.rejected.get("not_json"), Some(&1));
    assert_eq!(read.stale, ["CM-N01/it_kw"]);
}

/// A drill that trips the China Mobile 110 kV station raises its alarm, and the alarm is an
/// incident: the centres it feeds, their feeders and tenants, the drill and the alarm on its time
/// line, and the checklist of a threshold alarm.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_drill_becomes_an_incident_with_its_time_line_and_checklist() {
    let args = LiveArgs {
        speed: Some(60.0),
        demo: None,
        record_racks: false,
        tick_ms: Some(50),
        alarms: None,
    };
    let (api, config) = live_config(Api::open(None).expect("built-in park"), &args).expect("live");
    assert!(
        config.alarms.is_some(),
        "the built-in park has its alarm rules"
    );
    let db = std::env::temp_dir().join(format!("suangu-api-incident-{}.db", std::process::id()));
    let _ = std::fs::remove_file(&db);
    let store = Arc::new(SqliteStore::open(&db).await.expect("store"));
    let config = LiveConfig {
        backfill: Duration::from_secs(600),
        ..config
    };
    let live = Live::start(api.park().clone(), 1, store, config).await;
    let session = Session { api, live };
    let mut frames = session.live().expect("live").frames();
    frames
        .wait_for(Option::is_some)
        .await
        .expect("a first frame");
    // N-1 is watched every tick: losing the park's 110 kV station would shed load (the N-1
    // view's first line), so its alarm stands from the first frame.
    let first = frames.borrow().clone().expect("frame");
    let n1 = first
        .alarms
        .iter()
        .find(|a| a.key.rule == "n1-shed" && a.key.target == "SS-110-1")
        .unwrap_or_else(|| panic!("no N-1 alarm for SS-110-1: {:?}", first.alarms));
    assert!(
        n1.active && n1.last_value.is_some_and(|mw| mw > 50.0),
        "{n1:?}"
    );
    let none = session
        .call("park_incidents", serde_json::json!({}))
        .await
        .expect("incidents");
    let before = none["incidents"].as_array().expect("incidents").len();
    let refused = session
        .call("park_incidents", serde_json::json!({ "all": true }))
        .await
        .expect_err("takes no arguments");
    assert_eq!(refused.code, ErrorCode::BadArguments);
    session
        .call(
            "drill",
            serde_json::json!({ "asset": "SS-110-2", "minutes": 30 }),
        )
        .await
        .expect("drill");
    let mut raised = false;
    for _ in 0..200 {
        frames.changed().await.expect("frame");
        let frame = frames.borrow().clone().expect("frame");
        if frame
            .alarms
            .iter()
            .any(|a| a.key.rule == "ss-110-2-lost" && a.active)
        {
            raised = true;
            break;
        }
    }
    assert!(raised, "the station's alarm never rose");
    let answer = session
        .call("park_incidents", serde_json::json!({}))
        .await
        .expect("incidents");
    let incidents = answer["incidents"].as_array().expect("incidents");
    assert!(incidents.len() > before || before > 0, "{answer}");
    let incident = incidents
        .iter()
        .find(|i| {
            i["alarms"]
                .as_array()
                .is_some_and(|a| a.iter().any(|a| a["rule"] == "ss-110-2-lost"))
        })
        .unwrap_or_else(|| panic!("no incident holds the station's alarm: {answer}"));
    assert_eq!(incident["severity"], "critical");
    let strings = |key: &str| -> Vec<String> {
        incident[key]
            .as_array()
            .expect(key)
            .iter()
            .map(|v| v.as_str().unwrap_or_default().to_owned())
            .collect()
    };
    let centres = strings("centres");
    assert!(!centres.is_empty(), "{incident}");
    assert!(
        centres.iter().any(|c| c == "CM-N01"),
        "the centre it feeds: {centres:?}"
    );
    assert!(!strings("feeders").is_empty(), "{incident}");
    assert!(
        incident["racks"].as_u64().is_some_and(|r| r > 1000),
        "the racks of its centres: {incident}"
    );
    assert!(
        incident["tenants"]
            .as_array()
            .expect("tenants")
            .iter()
            .any(|t| t["en"].as_str().is_some_and(|n| n.contains("Mobile"))),
        "{incident}"
    );
    let timeline = incident["timeline"].as_array().expect("timeline");
    let has = |kind: &str| {
        timeline
            .iter()
            .any(|e| e["kind"] == kind && e["target"] == "SS-110-2")
    };
    assert!(has("drill"), "the drill is on the time line: {timeline:?}");
    assert!(
        has("alarm_raised"),
        "the alarm is on the time line: {timeline:?}"
    );
    let at: Vec<i64> = timeline
        .iter()
        .map(|e| e["at_s"].as_i64().expect("at"))
        .collect();
    assert!(at.windows(2).all(|w| w[0] <= w[1]), "in time order: {at:?}");
    let threshold = incident["procedures"]
        .as_array()
        .expect("procedures")
        .iter()
        .find(|p| p["kind"] == "threshold")
        .unwrap_or_else(|| panic!("a threshold checklist: {incident}"));
    assert!(
        threshold["rules"]
            .as_array()
            .expect("rules")
            .iter()
            .any(|r| r == "ss-110-2-lost")
    );
    assert_eq!(threshold["steps"].as_array().expect("steps").len(), 5);
    let live = session.live().expect("live");
    // The drill's evacuation plan, approved by an operator: on the time line, with its counts;
    // no drill on an asset, nothing to approve.
    let approval = live
        .evacuation_approve(
            suangu_api::dto::ApproveArgs {
                asset: "SS-110-2".to_owned(),
            },
            "wang",
        )
        .await
        .expect("approve");
    assert_eq!(
        (approval.asset.as_str(), approval.by.as_str()),
        ("SS-110-2", "wang")
    );
    let none = live
        .evacuation_approve(
            suangu_api::dto::ApproveArgs {
                asset: "F-201".to_owned(),
            },
            "wang",
        )
        .await
        .expect_err("no drill there");
    assert_eq!(none.code, ErrorCode::BadArguments);
    assert!(
        none.message.contains("no drill runs on \"F-201\""),
        "{}",
        none.message
    );
    // A note from the duty officer joins its time line; a bad one is refused, naming why.
    let id = incident["id"].as_str().expect("id").to_owned();
    let note = |incident: &str, text: &str| suangu_api::dto::NoteArgs {
        incident: incident.to_owned(),
        text: text.to_owned(),
    };
    let added = live
        .incident_note(
            note(
                &id,
                "  Called SS-110-2 on duty: breaker open, crew on site.\n",
            ),
            "wang",
        )
        .await
        .expect("note");
    assert_eq!(
        (added.kind.as_str(), added.target.as_str()),
        (
            "note",
            incident["alarms"][0]["target"]
                .as_str()
                .expect("first alarm")
        ),
        "on the incident's first alarm's target"
    );
    for (bad, why) in [
        (note(&id, "   "), "1 to 1000 characters, not 0"),
        (note(&id, &"x".repeat(1001)), "not 1001"),
        (note(&id, "bell\u{7}"), "control characters"),
        (
            note("no-such-incident", "text"),
            "no open incident \"no-such-incident\"",
        ),
    ] {
        let err = live.incident_note(bad, "wang").await.expect_err(why);
        assert_eq!(err.code, ErrorCode::BadArguments);
        assert!(
            err.message.starts_with("incident_note: ") && err.message.contains(why),
            "{}",
            err.message
        );
    }
    let again = session
        .call("park_incidents", serde_json::json!({}))
        .await
        .expect("incidents");
    let noted = again["incidents"]
        .as_array()
        .expect("incidents")
        .iter()
        .find(|i| i["id"] == id.as_str())
        .expect("still open");
    let notes: Vec<&serde_json::Value> = noted["timeline"]
        .as_array()
        .expect("timeline")
        .iter()
        .filter(|e| e["kind"] == "note")
        .collect();
    assert_eq!(notes.len(), 1, "{noted}");
    assert!(
        noted["timeline"]
            .as_array()
            .expect("timeline")
            .iter()
            .any(|e| e["kind"] == "evacuation_approved" && e["target"] == "SS-110-2"),
        "{noted}"
    );
    // The threshold checklist's first step ticked off: shown as done, by whom; not twice; a step
    // the checklist does not have is refused.
    let step = |step: u32| suangu_api::dto::StepArgs {
        incident: id.clone(),
        kind: "threshold".to_owned(),
        step,
    };
    live.incident_step(step(0), "wang").await.expect("step 0");
    let twice = live
        .incident_step(step(0), "li")
        .await
        .expect_err("done already");
    assert!(
        twice.message.contains("done already (by wang)"),
        "{}",
        twice.message
    );
    let beyond = live
        .incident_step(step(5), "wang")
        .await
        .expect_err("steps 0 to 4");
    assert!(
        beyond.message.contains("steps 0 to 4, not 5"),
        "{}",
        beyond.message
    );
    let ticked = session
        .call("park_incidents", serde_json::json!({}))
        .await
        .expect("incidents");
    let done = ticked["incidents"]
        .as_array()
        .expect("incidents")
        .iter()
        .find(|i| i["id"] == id.as_str())
        .and_then(|i| {
            i["procedures"]
                .as_array()?
                .iter()
                .find(|p| p["kind"] == "threshold")
                .map(|p| p["done"].clone())
        })
        .expect("the threshold checklist");
    assert_eq!(done[0]["step"], 0, "{done}");
    assert_eq!(done[0]["by"], "wang", "{done}");
    assert_eq!(done.as_array().map(Vec::len), Some(1), "{done}");
    let detail: serde_json::Value =
        serde_json::from_str(notes[0]["detail"].as_str().expect("detail")).expect("json");
    assert_eq!(detail["by"], "wang");
    assert_eq!(
        detail["text"],
        "Called SS-110-2 on duty: breaker open, crew on site."
    );
    session.live().expect("live").shutdown().await;
    let _ = std::fs::remove_file(&db);
}

/// `--alarms FILE`: a park's own rules replace the built-in ones; a file that cannot be read or
/// does not fit the park is refused before anything starts, each issue placed by line and field.
#[test]
fn alarm_rules_come_from_a_file_checked_against_the_park() {
    let dir = std::env::temp_dir().join(format!("suangu-api-alarms-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("dir");
    let built_in = std::fs::read_to_string(repo("assets/config/alarms.toml")).expect("rules");
    let args = |file: &Path| LiveArgs {
        alarms: Some(file.to_owned()),
        ..LiveArgs::default()
    };
    let open = |file: &Path| live_config(Api::open(None).expect("park"), &args(file));
    // One rule of the park's own, with its checklist.
    let own = dir.join("own.toml");
    std::fs::write(
        &own,
        r#"park = "qingyang"

[[rules]]
id = "it-high"
kind = "threshold"
severity = "major"
name = { zh = "IT负荷过高", en = "IT load high" }
series = "park/it_kw"
direction = "above"
set = 250000
clear = 240000

[procedures]
threshold = [{ zh = "核对负荷", en = "Check the load" }]
"#,
    )
    .expect("write");
    let (_, config) = open(&own).expect("a file of the park's own");
    let rules = config.alarms.expect("rules");
    assert!(rules.rule("it-high").is_some());
    assert!(
        rules.rule("ss-110-2-lost").is_none(),
        "not the built-in ones"
    );
    assert_eq!(rules.procedures.get("threshold").map(Vec::len), Some(1));
    // An asset the park does not have, placed by line and field.
    let broken = dir.join("broken.toml");
    std::fs::write(
        &broken,
        built_in.replace(
            "series = \"SS-110-2/load_kw\"",
            "series = \"SS-999/load_kw\"",
        ),
    )
    .expect("write");
    let err = open(&broken).expect_err("no such series");
    assert_eq!(err.code, ErrorCode::ScenarioInvalid, "{}", err.message);
    let issue = err.details.first().expect("an issue");
    assert!(issue.file.ends_with("broken.toml"), "{issue:?}");
    assert!(issue.line > 1, "{issue:?}");
    assert!(issue.field.contains("series"), "{issue:?}");
    let missing = open(&dir.join("none.toml")).expect_err("no file");
    assert_eq!(missing.code, ErrorCode::ScenarioUnreadable);
    assert!(
        missing.message.starts_with("--alarms "),
        "{}",
        missing.message
    );
    let _ = std::fs::remove_dir_all(&dir);
}
