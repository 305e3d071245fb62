//! Briefing render, issue 10's workload: the daily briefing of Qingyang (a whole day simulated
//! into SQLite at 1-minute steps, one drill), every chart as SVG and PNG plus the summary page,
//! read back from the store, timed from the loaded rows to the files on disk.
//! Baseline in the same run: the floor of the same twelve files, each a bare canvas of the same
//! size with only the park-load line drawn (no text, axes, areas or legends), encoded the same
//! way: what plotters and PNG encoding cost before any of our charts' content.

use crate::{median, ms};
use jiff::civil::date;
use jiff::{Timestamp, tz::TimeZone};
use plotters::prelude::*;
use std::path::Path;
use std::time::{Duration, Instant};
use suangu_engine::simulate::{Plan, run};
use suangu_report::briefing::{Briefing, load};
use suangu_report::charts::{Chart, SIZE};
use suangu_report::period::{Period, PeriodKind};
use suangu_report::words::Lang;
use suangu_sim::Twin;
use suangu_store::{Event, SqliteStore, Store};

type Error = Box<dyn std::error::Error>;

pub async fn render(smoke: bool) -> Result<(), Error> {
    let park = suangu_core::qingyang()?;
    let dir = std::env::temp_dir().join(format!("suangu-bench-briefing-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir)?;
    let store = SqliteStore::open(&dir.join("store.db")).await?;
    let tz = TimeZone::get(&park.scenario().park.time_zone)?;
    let period = Period::new(PeriodKind::Day, date(2026, 4, 1), tz)?;
    let plan = Plan {
        start: period.from,
        end: period.to,
        step_s: if smoke { 900 } else { 60 },
        speed: None,
    };
    run::<_, SqliteStore>(
        &Twin::new(park.clone(), 1),
        &store,
        plan,
        None,
        &mut |_, _| {},
    )
    .await?;
    store
        .add_event(
            &park.scenario().park.id,
            &Event {
                at: Timestamp::from_second(period.from.as_second() + 10 * 3600)?,
                kind: "drill".into(),
                target: "SS-330".into(),
                detail: r#"{"until":"2026-04-01T03:00:00Z"}"#.into(),
            },
        )
        .await?;
    let data = load(&store, &park, &period).await?;
    let briefing = Briefing::build(&park, period, &data);
    let runs = if smoke { 1 } else { 7 };
    let out = dir.join("out");
    std::fs::create_dir_all(&out)?;
    let mut ours = Vec::with_capacity(runs);
    let mut floor = Vec::with_capacity(runs);
    for _ in 0..runs {
        let began = Instant::now();
        suangu_report::write(
            &briefing,
            Lang::ZhCn,
            &out,
            "bench",
            Timestamp::UNIX_EPOCH,
            &mut |_, _, _| {},
        )?;
        ours.push(began.elapsed());
        floor.push(bare(&briefing, &out)?);
    }
    let (ours, floor) = (median(ours), median(floor));
    println!(
        "briefing render (day, {} intervals, {} charts as SVG + PNG {}x{} + page, median of {runs}): {:.0} ms (goal < 1000 ms: {}); baseline bare canvases with the load line only: {:.0} ms; ours/baseline = {:.2}x",
        briefing.stored(),
        Chart::ALL.len(),
        SIZE.0,
        SIZE.1,
        ms(ours),
        if ours < Duration::from_secs(1) {
            "met"
        } else {
            "MISSED"
        },
        ms(floor),
        ours.as_secs_f64() / floor.as_secs_f64().max(1e-9),
    );
    let _ = std::fs::remove_dir_all(&dir);
    Ok(())
}

/// The baseline: each chart's two files as a blank canvas with the load line.
fn bare(b: &Briefing, out: &Path) -> Result<Duration, Error> {
    let began = Instant::now();
    let line: Vec<(f64, f64)> = b
        .slots
        .iter()
        .enumerate()
        .filter_map(|(i, q)| Some((i as f64, q.as_ref()?.load_mw)))
        .collect();
    let top = line.iter().map(|p| p.1).fold(1.0, f64::max);
    let slots = b.slots.len() as f64;
    for chart in Chart::ALL {
        let mut svg = String::new();
        {
            let root = SVGBackend::with_string(&mut svg, SIZE).into_drawing_area();
            draw_bare(&root, &line, slots, top)?;
            root.present()?;
        }
        std::fs::write(out.join(format!("bare-{}.svg", chart.name())), svg)?;
        let path = out.join(format!("bare-{}.png", chart.name()));
        let root = BitMapBackend::new(&path, SIZE).into_drawing_area();
        draw_bare(&root, &line, slots, top)?;
        root.present()?;
    }
    Ok(began.elapsed())
}

fn draw_bare<DB: DrawingBackend>(
    root: &DrawingArea<DB, plotters::coord::Shift>,
    line: &[(f64, f64)],
    slots: f64,
    top: f64,
) -> Result<(), DrawingAreaErrorKind<DB::ErrorType>>
where
    DB::ErrorType: 'static,
{
    root.fill(&WHITE)?;
    let mut chart = ChartBuilder::on(root).build_cartesian_2d(0.0..slots, 0.0..top)?;
    chart.draw_series(LineSeries::new(line.iter().copied(), RED.stroke_width(3)))?;
    Ok(())
}
