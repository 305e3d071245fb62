//! `suangu simulate`: the twin over a period into the store, then the period's KPIs.

use crate::common::{Context, ExitCode};
use crate::i18n::{Key, Lang};
use clap::Args;
use indicatif::{ProgressBar, ProgressStyle};
use jiff::{SignedDuration, Span, Timestamp};
use serde::Serialize;
use std::sync::Arc;
use suangu_engine::kpi::PeriodKpis;
use suangu_engine::raw::RackRecorder;
use suangu_engine::simulate::{Plan, run};
use suangu_sim::Twin;
use suangu_store::AnyStore;

#[derive(Args, Debug)]
pub struct SimulateArgs {
    /// First instant, RFC 3339 (e.g. 2026-01-01T00:00:00+08:00), on a 15-minute boundary.
    #[arg(long)]
    start: String,
    /// How long: 24h, 7d, 1y, 90m ...
    #[arg(long)]
    duration: String,
    /// Time between twin samples: 1m, 5m, 15m ... (must divide 15 minutes).
    #[arg(long, default_value = "1m")]
    step: String,
    /// Pace: simulated seconds per real second (default: as fast as possible).
    #[arg(long)]
    speed: Option<f64>,
    /// Also record every rack's eight metrics at each step into the raw store (use --step 1s
    /// for 1 Hz).
    #[arg(long)]
    raw: bool,
}

/// What `--raw` recorded.
#[derive(Serialize)]
struct RawOutput {
    series: usize,
    points: u64,
    chunks_written: u64,
}

/// The JSON `suangu simulate --json` prints.
#[derive(Serialize)]
struct Output {
    park: String,
    seed: u64,
    start: String,
    end: String,
    step_s: i64,
    intervals: usize,
    it_energy_mwh: f64,
    facility_energy_mwh: f64,
    peak_it_mw: f64,
    avg_pue: f64,
    green_share_market: f64,
    green_share_location: f64,
    curtailed_mwh: f64,
    exported_mwh: f64,
    import_mwh: f64,
    co2_market_t: f64,
    co2_location_t: f64,
    max_balance_error: f64,
    #[serde(skip_serializing_if = "Option::is_none")]
    raw: Option<RawOutput>,
}

pub fn run_command(
    args: SimulateArgs,
    context: &Context,
    json: bool,
    lang: Lang,
) -> Result<(), ExitCode> {
    let bad = |message: String| {
        eprintln!("{}: {message}", lang.text(Key::BadInput));
        ExitCode::BadInput
    };
    let api = context.open_park(json)?;
    let park = api.park().clone();
    let tz =
        jiff::tz::TimeZone::get(&park.scenario().park.time_zone).map_err(|e| bad(e.to_string()))?;
    let start: Timestamp = args.start.parse().map_err(|e| {
        bad(format!(
            "--start {}: {e} (expected RFC 3339, e.g. 2026-01-01T00:00:00+08:00)",
            args.start
        ))
    })?;
    let span: Span = args.duration.parse().map_err(|e| {
        bad(format!(
            "--duration {}: {e} (expected e.g. 24h, 7d, 1y)",
            args.duration
        ))
    })?;
    let end = start
        .to_zoned_datetime(tz)
        .checked_add(span)
        .map_err(|e| bad(format!("--duration {}: {e}", args.duration)))?
        .timestamp();
    let step: SignedDuration = args.step.parse().map_err(|e| {
        bad(format!(
            "--step {}: {e} (expected e.g. 1m, 5m, 15m)",
            args.step
        ))
    })?;
    let plan = Plan {
        start,
        end,
        step_s: step.as_secs(),
        speed: args.speed,
    };
    plan.check().map_err(|e| bad(e.to_string()))?;

    let twin = Twin::new(park.clone(), context.seed);
    let runtime = tokio::runtime::Runtime::new().map_err(|e| {
        eprintln!("{}: {e}", lang.text(Key::Failure));
        ExitCode::Failure
    })?;
    let kpis = runtime.block_on(async {
        let store = Arc::new(AnyStore::open(&context.db).await?);
        let mut racks = if args.raw {
            let dir = context.db.raw_log_dir(&park.scenario().park.id);
            Some(RackRecorder::open(store.clone(), &park, &dir).await?.0)
        } else {
            None
        };
        let bar = ProgressBar::new(u64::try_from(plan.steps()).unwrap_or(0));
        bar.set_style(
            ProgressStyle::with_template("{msg} [{bar:40}] {percent}% {eta}")
                .unwrap_or_else(|_| ProgressStyle::default_bar())
                .progress_chars("=> "),
        );
        bar.set_message(lang.text(Key::Simulating));
        let mut progress = |done: u64, _total: u64| bar.set_position(done);
        let kpis = run(&twin, store.as_ref(), plan, racks.as_mut(), &mut progress).await?;
        bar.finish_and_clear();
        let raw = match racks {
            Some(racks) => {
                let series = racks.ingest.series_count();
                let stats = racks.close().await?;
                Some(RawOutput {
                    series,
                    points: stats.points,
                    chunks_written: stats.chunks_written,
                })
            }
            None => None,
        };
        Ok::<_, suangu_store::StoreError>((kpis, raw))
    });
    let (kpis, raw) = kpis.map_err(|e| {
        eprintln!("{}: {e}", lang.text(Key::Failure));
        ExitCode::Failure
    })?;
    let mut out = output(&park, context.seed, &plan, &kpis);
    out.raw = raw;
    if json {
        crate::print_json(&out);
    } else {
        print_human(&out, lang);
    }
    Ok(())
}

fn output(park: &suangu_core::Park, seed: u64, plan: &Plan, k: &PeriodKpis) -> Output {
    Output {
        park: park.scenario().park.id.clone(),
        seed,
        start: plan.start.to_string(),
        end: plan.end.to_string(),
        step_s: plan.step_s,
        intervals: k.intervals,
        it_energy_mwh: k.it_energy_mwh,
        facility_energy_mwh: k.facility_energy_mwh,
        peak_it_mw: k.peak_it_mw,
        avg_pue: k.avg_pue,
        green_share_market: k.green_share_market,
        green_share_location: k.green_share_location,
        curtailed_mwh: k.curtailed_mwh,
        exported_mwh: k.exported_mwh,
        import_mwh: k.import_mwh,
        co2_market_t: k.co2_market_t,
        co2_location_t: k.co2_location_t,
        max_balance_error: k.max_balance_error,
        raw: None,
    }
}

fn print_human(o: &Output, lang: Lang) {
    use Key::*;
    let t = |k| lang.text(k);
    println!(
        "{} {} → {} ({} × 15 min, seed {})",
        o.park, o.start, o.end, o.intervals, o.seed
    );
    println!(
        "  {}: {:.1} MWh, {}: {:.1} MWh, PUE {:.3}",
        t(ItEnergy),
        o.it_energy_mwh,
        t(FacilityEnergy),
        o.facility_energy_mwh,
        o.avg_pue
    );
    println!("  {}: {:.1} MW", t(PeakIt), o.peak_it_mw);
    println!(
        "  {}: {:.1} % ({}) / {:.1} % ({})",
        t(GreenShare),
        o.green_share_market * 100.0,
        t(MarketBased),
        o.green_share_location * 100.0,
        t(LocationBased)
    );
    println!(
        "  {}: {:.1} MWh, {}: {:.1} MWh, {}: {:.1} MWh",
        t(Curtailed),
        o.curtailed_mwh,
        t(Exported),
        o.exported_mwh,
        t(Imported),
        o.import_mwh
    );
    println!(
        "  CO2: {:.1} t ({}) / {:.1} t ({})",
        o.co2_market_t,
        t(MarketBased),
        o.co2_location_t,
        t(LocationBased)
    );
    println!("  {}", t(ResidualMixNote));
    println!("  {}: {:.2e}", t(BalanceError), o.max_balance_error);
    if let Some(raw) = &o.raw {
        println!(
            "  {}: {} × {}, {} {}",
            t(RawRecorded),
            raw.series,
            raw.points / (raw.series.max(1) as u64),
            raw.chunks_written,
            t(RawChunks)
        );
    }
}
