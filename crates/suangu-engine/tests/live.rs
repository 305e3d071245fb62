//! The live engine end to end on a real SQLite file: frames flow, a fault shows at once and is
//! recorded, intervals reach the store, shutdown flushes.

use jiff::Timestamp;
use std::sync::Arc;
use std::time::Duration;
use suangu_core::{SupplyState, qingyang};
use suangu_engine::live::{Engine, LiveConfig, Quality};
use suangu_sim::{FaultKind, Twin};
use suangu_store::{SqliteStore, Store};

fn temp_db(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("suangu-engine-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("dir");
    let path = dir.join(format!("{name}.db"));
    let _ = std::fs::remove_file(&path);
    path
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn frames_flow_faults_show_and_intervals_are_stored() {
    let park = qingyang().expect("park");
    let db = temp_db("live");
    let store = Arc::new(SqliteStore::open(&db).await.expect("open"));
    let start: Timestamp = "2026-04-01T10:00:00+08:00".parse().expect("ts");
    let config = LiveConfig {
        start,
        speed: 600.0, // ten simulated minutes per real second
        tick: Duration::from_millis(100),
        backfill: Duration::from_secs(3600),
        stale_after_ticks: 5,
        raw_log: Some(db.with_extension("rawlog")),
        record_racks: false,
        retention: Default::default(),
        demo: None,
        alarms: None,
    };
    let engine = Engine::start(Twin::new(park.clone(), 1), store.clone(), config)
        .await
        .expect("start");

    // The backfilled hour is in the store before the first frame.
    let before = store
        .ledger(
            "qingyang",
            Timestamp::from_second(start.as_second() - 3600).expect("ts"),
            start,
        )
        .await
        .expect("ledger");
    assert_eq!(before.len(), 4);

    let mut frames = engine.subscribe();
    frames.changed().await.expect("a frame");
    let first = frames.borrow().clone().expect("frame");
    assert_eq!(first.quality, Quality::Live);
    assert!(first.it_mw > 100.0 && first.facility_mw > first.it_mw);
    assert!((0.0..=1.0).contains(&first.green_share_now));
    assert_eq!(first.centres.len(), park.centres().count());
    // Every rack rolled up: each centre's racks add up to its IT load, zones to the park.
    for c in &first.centres {
        if c.it_mw > 0.0 {
            assert!(
                (c.rack_it_mw - c.it_mw).abs() / c.it_mw < 0.1,
                "{}: {} vs {}",
                c.id,
                c.rack_it_mw,
                c.it_mw
            );
        }
    }
    let zones: f64 = first.zones.iter().map(|z| z.rack_it_mw).sum();
    let centres: f64 = first.centres.iter().map(|c| c.rack_it_mw).sum();
    assert!((zones - centres).abs() < 1e-6);
    // Substations carry the facility load of the centres they feed.
    let stations: f64 = first.substations.iter().map(|s| s.load_mw).sum();
    assert!(
        (stations - first.facility_mw).abs() < 1e-6,
        "{stations} vs {}",
        first.facility_mw
    );

    // Trip both feeds of N01: the next frames show it lost.
    let now = first.at;
    engine
        .inject(FaultKind::Trip("F-201".into()), now, None)
        .await
        .expect("inject");
    engine
        .inject(FaultKind::Trip("F-203".into()), now, None)
        .await
        .expect("inject");
    let unknown = engine
        .inject(FaultKind::Trip("F-404".into()), now, None)
        .await;
    assert!(unknown.is_err());
    let mut seen_lost = false;
    for _ in 0..20 {
        frames.changed().await.expect("frame");
        let f = frames.borrow().clone().expect("frame");
        let n01 = f.centres.iter().find(|c| c.id == "CM-N01").expect("N01");
        if n01.supply == SupplyState::Lost {
            assert_eq!(n01.it_mw, 0.0);
            assert!(n01.shed_mw > 0.0);
            seen_lost = true;
            break;
        }
    }
    assert!(seen_lost, "the trip never showed");

    // Telemetry lost: the screen must say "stale since", never repeat the last value as live.
    let lost_at = engine.latest().expect("frame").at;
    let back_at = lost_at + jiff::SignedDuration::from_secs(15 * 60);
    engine
        .inject(FaultKind::TelemetryLoss, lost_at, Some(back_at))
        .await
        .expect("inject");
    let mut stale_since = None;
    for _ in 0..60 {
        frames.changed().await.expect("frame");
        let f = frames.borrow().clone().expect("frame");
        if let Quality::Stale { since } = f.quality {
            stale_since = Some(since);
            break;
        }
    }
    let since = stale_since.expect("the data went stale");
    assert!(
        since <= lost_at + jiff::SignedDuration::from_secs(120),
        "stale since {since}, lost at {lost_at}"
    );
    // When telemetry returns, so does "live".
    let mut live_again = false;
    for _ in 0..60 {
        frames.changed().await.expect("frame");
        let f = frames.borrow().clone().expect("frame");
        if f.quality == Quality::Live && f.at >= back_at {
            live_again = true;
            break;
        }
    }
    assert!(live_again, "the data never came back");

    // Run past an interval boundary, then stop: the live intervals are in the store.
    tokio::time::sleep(Duration::from_millis(2500)).await;
    let last = engine.latest().expect("frame").at;
    engine.shutdown().await;
    let live = store
        .ledger(
            "qingyang",
            start,
            Timestamp::from_second(last.as_second() + 900).expect("ts"),
        )
        .await
        .expect("ledger");
    assert!(live.len() >= 2, "{} live intervals", live.len());
    let events = store
        .events(
            "qingyang",
            Timestamp::from_second(0).expect("ts"),
            Timestamp::from_second(last.as_second() + 1).expect("ts"),
        )
        .await
        .expect("events");
    let trips: Vec<&str> = events
        .iter()
        .filter(|e| e.kind == "trip")
        .map(|e| e.target.as_str())
        .collect();
    assert_eq!(
        trips,
        ["F-201", "F-203"],
        "only faults that were accepted are recorded"
    );

    // The park's own series were recorded raw at every live tick, and nothing while telemetry
    // was lost: a gap, never a repeated value.
    let (it, _) = store
        .series("qingyang", "park/it_kw")
        .await
        .expect("lookup")
        .expect("registered");
    let raw = store
        .raw_range(
            it,
            start,
            Timestamp::from_second(last.as_second() + 1).expect("ts"),
        )
        .await
        .expect("raw");
    assert!(raw.points.len() >= 20, "{} raw points", raw.points.len());
    assert!(
        raw.points.iter().all(|p| p.value > 100_000.0),
        "park IT in kW"
    );
    let during_loss = raw
        .points
        .iter()
        .filter(|p| {
            p.source_ms > lost_at.as_millisecond() + 60_000
                && p.source_ms < back_at.as_millisecond()
        })
        .count();
    assert_eq!(during_loss, 0, "values recorded while telemetry was lost");
    let (n01, _) = store
        .series("qingyang", "CM-N01/it_kw")
        .await
        .expect("lookup")
        .expect("registered");
    let n01 = store
        .raw_range(
            n01,
            now,
            Timestamp::from_second(last.as_second() + 1).expect("ts"),
        )
        .await
        .expect("raw");
    assert!(
        n01.points.iter().any(|p| p.value == 0.0),
        "the trip is in the raw history"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn backfill_never_overwrites_recorded_history() {
    let park = qingyang().expect("park");
    let store = Arc::new(SqliteStore::open(&temp_db("backfill")).await.expect("open"));
    let start: Timestamp = "2026-04-01T10:00:00+08:00".parse().expect("ts");
    let config = LiveConfig {
        start,
        speed: 600.0,
        tick: Duration::from_millis(100),
        backfill: Duration::from_secs(2 * 3600),
        stale_after_ticks: 5,
        raw_log: None,
        record_racks: false,
        retention: Default::default(),
        demo: None,
        alarms: None,
    };
    let window = Timestamp::from_second(start.as_second() - 2 * 3600).expect("ts");
    let first = Engine::start(Twin::new(park.clone(), 1), store.clone(), config.clone())
        .await
        .expect("start");
    first.shutdown().await;
    let before = store
        .ledger("qingyang", window, start)
        .await
        .expect("ledger");
    assert_eq!(before.len(), 8);
    // Another run over the same hours with other weather: what was recorded stays.
    let second = Engine::start(Twin::new(park, 2), store.clone(), config)
        .await
        .expect("start");
    second.shutdown().await;
    let after = store
        .ledger("qingyang", window, start)
        .await
        .expect("ledger");
    assert_eq!(before, after);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_second_console_on_one_store_runs_live_and_leaves_the_recording_to_the_first() {
    let park = qingyang().expect("park");
    let db = temp_db("two-consoles");
    let log = db.with_extension("rawlog");
    let _ = std::fs::remove_dir_all(&log);
    let store = Arc::new(SqliteStore::open(&db).await.expect("open"));
    let config = LiveConfig {
        start: "2026-04-01T10:00:00+08:00".parse().expect("ts"),
        speed: 600.0,
        tick: Duration::from_millis(100),
        backfill: Duration::from_secs(900),
        stale_after_ticks: 5,
        raw_log: Some(log.clone()),
        record_racks: false,
        retention: Default::default(),
        demo: None,
        alarms: None,
    };
    let first = Engine::start(Twin::new(park.clone(), 1), store.clone(), config.clone())
        .await
        .expect("the first console");
    // The log folder is the first one's: the second still starts, and its frames flow.
    let second = Engine::start(Twin::new(park, 2), store.clone(), config)
        .await
        .expect("the second console starts without recording");
    let mut frames = second.subscribe();
    frames.changed().await.expect("a frame");
    assert!(frames.borrow().is_some());
    second.shutdown().await;
    // The first kept its folder and records into it.
    let holder = std::fs::read_to_string(log.join("lock")).expect("the lock");
    assert_eq!(holder, std::process::id().to_string());
    let mut frames = first.subscribe();
    frames.changed().await.expect("a frame");
    first.shutdown().await;
    let (it, _) = store
        .series("qingyang", "park/it_kw")
        .await
        .expect("lookup")
        .expect("registered by the first console");
    let newest = store.raw_newest(it).await.expect("newest");
    assert!(newest.is_some(), "the first console recorded the park");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_demo_fault_is_recorded_when_the_park_reaches_it_not_before() {
    let park = qingyang().expect("park");
    let store = Arc::new(SqliteStore::open(&temp_db("demo")).await.expect("open"));
    let start: Timestamp = "2026-04-01T10:00:00+08:00".parse().expect("ts");
    // The 330 kV trip pack: the grid trips 30 minutes in, for an hour.
    let demo = suangu_sim::demo_pack("trip-330kv").expect("pack");
    let step = demo.steps[0].clone();
    let config = LiveConfig {
        start,
        speed: 3600.0, // an hour per real second
        tick: Duration::from_millis(100),
        backfill: Duration::ZERO,
        stale_after_ticks: 5,
        raw_log: None,
        record_racks: false,
        retention: Default::default(),
        demo: Some(demo),
        alarms: None,
    };
    let from = Timestamp::from_second(start.as_second() + step.at_s).expect("ts");
    let until = Timestamp::from_second(from.as_second() + step.for_s).expect("ts");
    let engine = Engine::start(Twin::new(park, 1), store.clone(), config)
        .await
        .expect("start");
    let mut frames = engine.subscribe();
    frames.changed().await.expect("a frame");
    let events = |to| store.events("qingyang", start, to);
    // Before its instant: nothing recorded.
    assert!(engine.latest().expect("frame").at < from);
    assert!(
        events(until)
            .await
            .expect("events")
            .iter()
            .all(|e| e.kind == "schedule")
    );
    // Once the park is past it: one trip event, at the step's instant, with its end.
    while engine.latest().expect("frame").at <= from {
        frames.changed().await.expect("frame");
    }
    engine.shutdown().await;
    // Faults only (the scheduler's hourly outcome is recorded beside them).
    let recorded: Vec<_> = events(until)
        .await
        .expect("events")
        .into_iter()
        .filter(|e| e.kind != "schedule")
        .collect();
    assert_eq!(recorded.len(), 1, "{recorded:?}");
    assert_eq!(recorded[0].kind, "trip");
    assert_eq!(recorded[0].target, "GRID-330");
    assert_eq!(recorded[0].at, from);
    assert!(recorded[0].detail.contains(&until.to_string()));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_trip_raises_its_alarm_in_the_same_frame_and_an_operator_acknowledges_it() {
    use suangu_core::alarms::{AlarmKey, DEFAULT_RULES, DEFAULT_RULES_NAME, load_rules};
    use suangu_engine::live::AlarmAction;
    use suangu_sim::FaultKind;
    let park = qingyang().expect("park");
    let series: Vec<String> = suangu_engine::raw::park_series(&park)
        .into_iter()
        .map(|s| s.name)
        .collect();
    let rules = load_rules(DEFAULT_RULES, DEFAULT_RULES_NAME, &park, &series).expect("rules");
    let store = Arc::new(SqliteStore::open(&temp_db("alarms")).await.expect("open"));
    let start: Timestamp = "2026-04-01T10:00:00+08:00".parse().expect("ts");
    let config = LiveConfig {
        speed: 60.0,
        tick: Duration::from_millis(50),
        backfill: Duration::ZERO,
        alarms: Some(rules),
        ..LiveConfig::real_time(start)
    };
    let engine = Engine::start(Twin::new(park, 1), store.clone(), config)
        .await
        .expect("start");
    let mut frames = engine.subscribe();
    frames.changed().await.expect("a frame");
    let key = AlarmKey::new("ss-110-2-lost", "SS-110-2");
    let listed = |f: &suangu_engine::live::Frame| f.alarms.iter().find(|a| a.key == key).cloned();
    assert!(
        listed(&engine.latest().expect("frame")).is_none(),
        "no alarm before the trip"
    );
    let tripped_at = engine.now();
    engine
        .inject(FaultKind::Trip("SS-110-2".into()), tripped_at, None)
        .await
        .expect("trip");
    // The first frame that shows the station down carries its alarm.
    let frame = loop {
        frames.changed().await.expect("frame");
        let frame = engine.latest().expect("frame");
        if frame.stations_down.iter().any(|s| s == "SS-110-2") {
            break frame;
        }
    };
    let alarm = listed(&frame).expect("raised with the trip");
    assert!(alarm.active && alarm.acknowledged.is_none());
    // An operator acknowledges: the list says who at once; a second acknowledgement is refused.
    let change = engine
        .alarm(AlarmAction::Acknowledge {
            key: key.clone(),
            by: "duty".into(),
        })
        .await
        .expect("acknowledged");
    assert_eq!(change.kind.as_str(), "acknowledged");
    let acked = listed(&engine.latest().expect("frame")).expect("still listed");
    assert_eq!(acked.acknowledged.map(|a| a.by).as_deref(), Some("duty"));
    assert!(
        engine
            .alarm(AlarmAction::Acknowledge {
                key: key.clone(),
                by: "duty".into()
            })
            .await
            .is_err()
    );
    engine.shutdown().await;
    let events = store
        .events("qingyang", tripped_at, Timestamp::MAX)
        .await
        .expect("events");
    let kinds: Vec<(&str, &str)> = events
        .iter()
        .map(|e| (e.kind.as_str(), e.target.as_str()))
        .collect();
    assert!(kinds.contains(&("alarm_raised", "SS-110-2")), "{kinds:?}");
    assert!(
        kinds.contains(&("alarm_acknowledged", "SS-110-2")),
        "{kinds:?}"
    );
    // The scheduler's outcome is recorded from the first live frame on (then every hour).
    let all = store
        .events("qingyang", start, Timestamp::MAX)
        .await
        .expect("events");
    let schedule = all
        .iter()
        .find(|e| e.kind == "schedule")
        .expect("a schedule outcome");
    let detail: serde_json::Value = serde_json::from_str(&schedule.detail).expect("json");
    for planner in ["ours", "fcfs", "greedy"] {
        let share = detail[planner]["green_share_market"]
            .as_f64()
            .expect("share");
        assert!((0.0..=1.0).contains(&share), "{planner}: {share}");
    }
    assert!(detail["jobs"].as_u64().expect("jobs") > 0);
}

/// An observed park (no twin): the rules run on each series' own reading. CM-N01's feed stops:
/// its `stale` alarm and its source's are raised 2.5 intervals after its last point, recorded,
/// acknowledged by an operator; a new point clears the series' alarm. Unfed series decide
/// nothing (no alarm on what no source measures).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_observed_feed_gone_silent_raises_its_stale_alarms_and_a_new_point_clears_them() {
    use suangu_core::alarms::{DEFAULT_RULES, DEFAULT_RULES_NAME, load_rules};
    use suangu_engine::live::AlarmAction;
    use suangu_engine::observed::Feed;
    use suangu_store::ingest::{RawIngest, Sample};
    use suangu_store::{SeriesSpec, chunk::Quality as PointQuality};
    let park = qingyang().expect("park");
    let series: Vec<String> = suangu_engine::raw::park_series(&park)
        .into_iter()
        .map(|s| s.name)
        .collect();
    // The park's own rules, and two on the fed series: no delay, so the test can time them.
    let text = format!(
        "{DEFAULT_RULES}\n[[rules]]\nid = \"n01-stale\"\nkind = \"stale\"\nseverity = \"major\"\n\
         name = {{ zh = \"移动N01数据中断\", en = \"CM-N01 data stale\" }}\nseries = \"CM-N01/it_kw\"\n\n\
         [[rules]]\nid = \"meters-silent\"\nkind = \"stale\"\nseverity = \"critical\"\n\
         name = {{ zh = \"电表数据源中断\", en = \"Meters silent\" }}\nsource = \"meters\"\n\n\
         [[rules]]\nid = \"it-rate\"\nkind = \"rate\"\nseverity = \"minor\"\n\
         name = {{ zh = \"园区负荷突变\", en = \"Park load step\" }}\nseries = \"park/it_kw\"\n\
         max_per_min = 6000\n"
    );
    let rules = load_rules(&text, DEFAULT_RULES_NAME, &park, &series).expect("rules");
    let db = temp_db("observed-alarms");
    let store = Arc::new(SqliteStore::open(&db).await.expect("open"));
    let log = db.with_extension("rawlog");
    let _ = std::fs::remove_dir_all(&log);
    let fed = ["CM-N01/it_kw", "park/it_kw"].map(|name| SeriesSpec {
        name: name.into(),
        resolution: 1.0,
    });
    let (mut ingest, _) = RawIngest::open(store.clone(), "qingyang", &log, &fed)
        .await
        .expect("ingest");
    let point = async |ingest: &mut RawIngest<SqliteStore>, series: u32, kw: f64| {
        let now = Timestamp::now().as_millisecond();
        let sample = Sample {
            series,
            source_ms: now,
            value: kw,
            quality: PointQuality::Good,
        };
        ingest.append(now, &[sample]).await.expect("append");
        ingest.write_open(0..2).await.expect("publish");
        Timestamp::from_millisecond(now).expect("ts")
    };
    let last = point(&mut ingest, 0, 17_400.0).await;
    point(&mut ingest, 1, 180_000.0).await;
    // CM-N01 from the meters every second; the park's load from the clusters every 10 s.
    let feed = |series: &str, source: &str, interval_s| Feed {
        series: series.into(),
        source: source.into(),
        interval: Duration::from_secs(interval_s),
        newest: None,
    };
    let feeds = vec![
        feed("CM-N01/it_kw", "meters", 1),
        feed("park/it_kw", "clusters", 10),
    ];
    let engine = Engine::observe(park, store.clone(), feeds, Duration::ZERO, Some(rules));
    let mut frames = engine.subscribe();
    let active = |rule: &str| {
        engine.latest().and_then(|f| {
            f.alarms
                .iter()
                .find(|a| a.key.rule == rule && a.active)
                .cloned()
        })
    };
    let raised = loop {
        frames.changed().await.expect("a frame");
        if let (Some(series), Some(source)) = (active("n01-stale"), active("meters-silent")) {
            break (series, source);
        }
        assert!(
            (Timestamp::now() - last).as_secs() < 10,
            "no stale alarms 10 s after the last point"
        );
    };
    let after = (raised.0.raised_at - last).as_secs_f64();
    assert!(
        (2.5..4.0).contains(&after),
        "raised {after:.2} s after the last point (interval 1 s: 2.5 intervals, read once a second)"
    );
    // Nothing else: no source measures the rest, so none of the park's rules decides on it.
    let listed: Vec<String> = engine
        .latest()
        .expect("frame")
        .alarms
        .iter()
        .map(|a| a.key.rule.clone())
        .collect();
    assert_eq!(listed.len(), 2, "{listed:?}");
    let change = engine
        .alarm(AlarmAction::Acknowledge {
            key: raised.0.key.clone(),
            by: "duty".into(),
        })
        .await
        .expect("acknowledged");
    assert_eq!(change.kind.as_str(), "acknowledged");
    // The park's load steps 200 kW over the 2.5 s or more since its last point (at most
    // 4,800 kW/min): a rate is over the time between points, not the second between two
    // readings (12,000 kW/min), so its rule stays quiet. CM-N01's feed is back: its alarm clears.
    point(&mut ingest, 1, 180_200.0).await;
    point(&mut ingest, 0, 17_500.0).await;
    loop {
        frames.changed().await.expect("a frame");
        if active("n01-stale").is_none() {
            break;
        }
        assert!((Timestamp::now() - last).as_secs() < 20, "not cleared");
    }
    for _ in 0..2 {
        frames.changed().await.expect("a frame");
    }
    let rates: Vec<_> = engine
        .latest()
        .expect("frame")
        .alarms
        .iter()
        .filter(|a| a.key.rule == "it-rate")
        .map(|a| a.last_value)
        .collect();
    assert!(
        rates.is_empty(),
        "a rate from readings, not points: {rates:?}"
    );
    engine.shutdown().await;
    ingest.close().await.expect("close");
    let events = store
        .events("qingyang", last, Timestamp::MAX)
        .await
        .expect("events");
    let kinds: Vec<(&str, &str)> = events
        .iter()
        .map(|e| (e.kind.as_str(), e.target.as_str()))
        .collect();
    let target = raised.0.key.target.as_str();
    for kind in ["alarm_raised", "alarm_acknowledged", "alarm_cleared"] {
        assert!(
            kinds.contains(&(kind, target)),
            "{kind} {target}: {kinds:?}"
        );
    }
}
