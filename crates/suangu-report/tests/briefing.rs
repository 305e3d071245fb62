//! Golden checks: a day of the twin is simulated into a real SQLite store; the briefing's SVG
//! series and its numbers must be the store's, read back here independently of the report.

use jiff::Timestamp;
use jiff::civil::date;
use std::path::{Path, PathBuf};
use suangu_core::qingyang;
use suangu_engine::kpi::period_kpis;
use suangu_engine::simulate::{Plan, run};
use suangu_report::briefing::{Briefing, days_with_data, load};
use suangu_report::charts::{self, Chart};
use suangu_report::period::{Period, PeriodKind};
use suangu_report::words::Lang;
use suangu_sim::Twin;
use suangu_store::{Event, SqliteStore, Store};

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("suangu-report-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir
}

/// The first polyline drawn in `colour` with the most points: (x, y) in SVG units.
fn polyline(svg: &str, colour: &str) -> Vec<(f64, f64)> {
    svg.split("<polyline")
        .skip(1)
        .filter(|p| p.contains(&format!("stroke=\"{colour}\"")))
        .map(|p| {
            let points = p
                .split("points=\"")
                .nth(1)
                .and_then(|s| s.split('"').next())
                .unwrap_or("");
            points
                .split_whitespace()
                .filter_map(|xy| {
                    let (x, y) = xy.split_once(',')?;
                    Some((x.parse().ok()?, y.parse().ok()?))
                })
                .collect::<Vec<(f64, f64)>>()
        })
        // The first of the longest (max_by_key would keep the last).
        .fold(Vec::new(), |best, line| {
            if line.len() > best.len() { line } else { best }
        })
}

fn hex(c: plotters::style::RGBColor) -> String {
    format!("#{:02X}{:02X}{:02X}", c.0, c.1, c.2)
}

/// Width and height from a PNG's header.
fn png_size(path: &Path) -> (u32, u32) {
    let bytes = std::fs::read(path).expect("png");
    assert_eq!(
        &bytes[..8],
        b"\x89PNG\r\n\x1a\n",
        "{} is a PNG",
        path.display()
    );
    let be = |i: usize| u32::from_be_bytes(bytes[i..i + 4].try_into().expect("4 bytes"));
    (be(16), be(20))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_day_briefing_draws_the_stores_numbers() {
    let park = qingyang().expect("built-in park");
    let dir = temp_dir("day");
    let store = SqliteStore::open(&dir.join("store.db"))
        .await
        .expect("store");
    let tz = jiff::tz::TimeZone::get("Asia/Shanghai").expect("tz");
    let period = Period::new(PeriodKind::Day, date(2026, 4, 1), tz.clone()).expect("period");
    // The day and two hours of the next, so the period must cut at local midnight.
    let plan = Plan {
        start: period.from,
        end: Timestamp::from_second(period.to.as_second() + 7200).expect("end"),
        step_s: 300,
        speed: None,
    };
    run::<_, SqliteStore>(
        &Twin::new(park.clone(), 1),
        &store,
        plan,
        None,
        &mut |_, _| {},
    )
    .await
    .expect("simulate");
    let drill_at = Timestamp::from_second(period.from.as_second() + 10 * 3600).expect("10:00");
    store
        .add_event(
            "qingyang",
            &Event {
                at: drill_at,
                kind: "drill".into(),
                target: "SS-330".into(),
                detail: r#"{"until":"2026-04-01T03:30:00Z"}"#.into(),
            },
        )
        .await
        .expect("event");

    // The scheduler's outcome as the engine records it, three times in the day.
    let shares = [(9, 0.62, 0.41), (13, 0.97, 0.80), (21, 0.35, 0.22)];
    for (hour, ours, fcfs) in shares {
        let plan = |share: f64| serde_json::json!({ "green_share_market": share, "cost_cny": 1.0e6 * (2.0 - share), "missed_deadlines": 0 });
        store
            .add_event(
                "qingyang",
                &Event {
                    at: Timestamp::from_second(period.from.as_second() + hour * 3600).expect("ts"),
                    kind: "schedule".into(),
                    target: "park".into(),
                    detail: serde_json::json!({ "ours": plan(ours), "fcfs": plan(fcfs), "greedy": plan(fcfs) }).to_string(),
                },
            )
            .await
            .expect("schedule event");
    }
    let data = load(&store, &park, &period).await.expect("load");
    let b = Briefing::build(&park, period.clone(), &data);
    assert_eq!((b.stored(), b.slots.len()), (96, 96));

    // The load line: one point per interval, at its middle, each at the height of the load the
    // store holds for it (within the SVG's 1-unit rounding).
    let ledger = store
        .ledger("qingyang", period.from, period.to)
        .await
        .expect("ledger");
    assert_eq!(ledger.len(), 96);
    let svg = charts::svg(Chart::Supply, &b, Lang::En).expect("svg");
    let line = polyline(&svg, &hex(charts::LOAD));
    assert_eq!(line.len(), 96, "one load point per stored interval");
    let mw: Vec<f64> = ledger.iter().map(|r| r.ledger.load.0 / r.hours).collect();
    let (lo, hi) = (0..96).fold((0, 0), |(lo, hi), i| {
        (
            if mw[i] < mw[lo] { i } else { lo },
            if mw[i] > mw[hi] { i } else { hi },
        )
    });
    assert!(mw[hi] - mw[lo] > 1.0, "the twin's load varies over a day");
    let scale = (line[hi].1 - line[lo].1) / (mw[hi] - mw[lo]);
    assert!(scale < 0.0, "higher load is drawn higher");
    for (i, ((x, y), v)) in line.iter().zip(&mw).enumerate() {
        let expected = line[lo].1 + (v - mw[lo]) * scale;
        assert!(
            (y - expected).abs() <= 1.0,
            "interval {i}: y {y}, expected {expected} for {v} MW"
        );
        if i > 0 {
            let dx = x - line[i - 1].0;
            assert!(
                (dx - (line[1].0 - line[0].0)).abs() <= 1.0,
                "evenly spaced in time"
            );
        }
    }

    // The green shares: market-based as the store's ledger says, interval by interval.
    let svg = charts::svg(Chart::GreenShare, &b, Lang::En).expect("svg");
    let market = polyline(&svg, &hex(charts::MARKET));
    assert_eq!(market.len(), 96);

    // The schedule outcome: one point per record, at the height of its green share.
    let svg = charts::svg(Chart::Schedule, &b, Lang::En).expect("svg");
    let ours = polyline(&svg, &hex(charts::OURS));
    assert_eq!(ours.len(), 3);
    let scale = (ours[1].1 - ours[0].1) / (0.97 - 0.62);
    let expected = ours[0].1 + (0.35 - 0.62) * scale;
    assert!((ours[2].1 - expected).abs() <= 1.0, "{ours:?}");
    assert!(
        b.incidents.iter().all(|i| i.kind != "schedule"),
        "not a fault"
    );

    // The summary's numbers are the KPIs of the stored period.
    let kpis = period_kpis(&store, &park, period.from, period.to)
        .await
        .expect("kpis");
    let out = temp_dir("out");
    let mut steps = Vec::new();
    let written = suangu_report::write(
        &b,
        Lang::En,
        &out,
        "sqlite://test",
        drill_at,
        &mut |done, total, _| steps.push((done, total)),
    )
    .expect("write");
    assert_eq!(
        steps.last(),
        Some(&(suangu_report::STEPS, suangu_report::STEPS))
    );
    let html = std::fs::read_to_string(&written.html).expect("html");
    for number in [
        format!(
            "Park energy {:.1} MWh (IT {:.1} MWh)",
            kpis.facility_energy_mwh, kpis.it_energy_mwh
        ),
        format!("average PUE {:.3}", kpis.avg_pue),
        format!(
            "Green share {:.1} % market-based, {:.1} % location-based",
            kpis.green_share_market * 100.0,
            kpis.green_share_location * 100.0
        ),
        format!("Peak IT load {:.1} MW", kpis.peak_it_mw),
        format!("Curtailed {:.1} MWh", kpis.curtailed_mwh),
        "drill SS-330 2026-04-01 10:00–2026-04-01 11:30".to_owned(),
        "96 of 96".to_owned(),
        "energy was 64.7 % green on average (first come, first served: 47.7 %)".to_owned(),
    ] {
        assert!(html.contains(&number), "the summary says {number:?}");
    }
    assert_eq!(
        html.matches("<svg").count(),
        Chart::ALL.len(),
        "every chart inline"
    );
    for path in written
        .charts
        .iter()
        .filter(|p| p.extension().is_some_and(|e| e == "png"))
    {
        assert_eq!(png_size(path), charts::SIZE);
    }
    // The Chinese briefing: the same charts, Chinese words.
    let zh = suangu_report::write(
        &b,
        Lang::ZhCn,
        &out,
        "sqlite://test",
        drill_at,
        &mut |_, _, _| {},
    )
    .expect("write zh");
    let html = std::fs::read_to_string(&zh.html).expect("html");
    assert!(
        html.contains("园区用电") && html.contains("演练"),
        "Chinese summary"
    );
    assert!(
        std::fs::read_to_string(zh.html.with_file_name(format!(
            "{}-supply.svg",
            zh.html.file_stem().and_then(|s| s.to_str()).expect("stem")
        )))
        .expect("zh svg")
        .contains("园区负荷与供电来源")
    );

    // A day without data: nothing stored, and the days that have data are named.
    let empty = Period::new(PeriodKind::Day, date(2026, 5, 1), tz.clone()).expect("period");
    let b = Briefing::build(
        &park,
        empty.clone(),
        &load(&store, &park, &empty).await.expect("load"),
    );
    assert_eq!(b.stored(), 0);
    let days = days_with_data(&store, &park, &tz).await.expect("days");
    assert_eq!(days, vec![date(2026, 4, 1), date(2026, 4, 2)]);

    // A week holding that day: a gap before and after it, never a value.
    let week = Period::new(PeriodKind::Week, date(2026, 4, 1), tz).expect("week");
    let b = Briefing::build(
        &park,
        week.clone(),
        &load(&store, &park, &week).await.expect("load"),
    );
    assert_eq!((b.stored(), b.slots.len()), (104, 672));
    let svg = charts::svg(Chart::Supply, &b, Lang::En).expect("svg");
    assert_eq!(
        polyline(&svg, &hex(charts::LOAD)).len(),
        104,
        "one run: 1 April and two hours of the 2nd"
    );
    let _ = std::fs::remove_dir_all(&dir);
    let _ = std::fs::remove_dir_all(&out);
}
