//! `suangu report --period day|week --date <YYYY-MM-DD> --out <dir>`: the briefing of a park day
//! or ISO week from the store, every chart as PNG and SVG and a one-page HTML summary, in the
//! language of `--lang`, with a progress bar. A period without data says which days have some.

use crate::common::{Context, ExitCode};
use crate::i18n::{Key, Lang};
use clap::Args;
use indicatif::{ProgressBar, ProgressStyle};
use serde::Serialize;
use std::path::PathBuf;
use std::time::Instant;
use suangu_report::briefing::{Briefing, days_with_data, load};
use suangu_report::period::{Period, PeriodKind, runs_text};
use suangu_report::words;
use suangu_store::AnyStore;

#[derive(Args, Debug)]
pub struct ReportArgs {
    /// day or week (an ISO week, Monday to Sunday, holding --date).
    #[arg(long, default_value = "day")]
    period: String,
    /// A day of the period, in the park's time zone.
    #[arg(long)]
    date: String,
    /// The folder to write into (made if missing).
    #[arg(long, value_name = "DIR")]
    out: PathBuf,
}

#[derive(Serialize)]
struct ReportOut {
    park: String,
    period: &'static str,
    first_day: String,
    last_day: String,
    lang: &'static str,
    intervals_stored: usize,
    intervals_in_period: usize,
    html: PathBuf,
    charts: Vec<PathBuf>,
    render_ms: u64,
}

pub fn run(args: ReportArgs, context: &Context, json: bool, lang: Lang) -> Result<(), ExitCode> {
    let bad = |message: String| {
        eprintln!("{}: {message}", lang.text(Key::BadInput));
        ExitCode::BadInput
    };
    let fail = |message: String| {
        eprintln!("{}: {message}", lang.text(Key::Failure));
        ExitCode::Failure
    };
    let kind = PeriodKind::parse(&args.period)
        .ok_or_else(|| bad(format!("--period {}: expected day or week", args.period)))?;
    let date: jiff::civil::Date = args.date.parse().map_err(|e| {
        bad(format!(
            "--date {}: {e} (expected e.g. 2026-04-01)",
            args.date
        ))
    })?;
    let api = context.open_park(json)?;
    let park = api.park().clone();
    let s = park.scenario();
    let tz = jiff::tz::TimeZone::get(&s.park.time_zone)
        .map_err(|e| bad(format!("time zone {}: {e}", s.park.time_zone)))?;
    let period = Period::new(kind, date, tz.clone()).map_err(|e| bad(e.to_string()))?;
    std::fs::create_dir_all(&args.out)
        .map_err(|e| fail(format!("--out {}: {e}", args.out.display())))?;

    let runtime = tokio::runtime::Runtime::new().map_err(|e| fail(e.to_string()))?;
    let (data, days) = runtime
        .block_on(async {
            let store = AnyStore::open(&context.db).await?;
            let data = load(&store, &park, &period).await?;
            // Only when there is nothing to show: which days do have data.
            let days = if data.ledger.is_empty() {
                days_with_data(&store, &park, &tz).await?
            } else {
                Vec::new()
            };
            Ok::<_, suangu_store::StoreError>((data, days))
        })
        .map_err(|e| fail(e.to_string()))?;
    let briefing = Briefing::build(&park, period, &data);
    if briefing.stored() == 0 {
        let runs = runs_text(days);
        let has = if runs.is_empty() {
            format!(
                "{} ({})",
                lang.text(Key::StoreEmpty),
                lang.text(Key::SimulateFirst)
            )
        } else {
            format!("{}: {}", lang.text(Key::DataFor), runs)
        };
        let (first, last) = (briefing.period.first, briefing.period.last);
        let period = if first == last {
            first.to_string()
        } else {
            format!("{first} – {last}")
        };
        return Err(fail(format!(
            "{} {period} ({}); {has}",
            lang.text(Key::NoLedger),
            context.db,
        )));
    }

    let words = match lang {
        Lang::Zh => words::Lang::ZhCn,
        Lang::En => words::Lang::En,
    };
    let bar = if json {
        ProgressBar::hidden()
    } else {
        ProgressBar::new(suangu_report::STEPS as u64)
    };
    bar.set_style(
        ProgressStyle::with_template("{msg} [{bar:40}] {pos}/{len} {wide_msg}")
            .unwrap_or_else(|_| ProgressStyle::default_bar())
            .progress_chars("=> "),
    );
    bar.set_message(lang.text(Key::Rendering));
    let began = Instant::now();
    let written = suangu_report::write(
        &briefing,
        words,
        &args.out,
        &context.db.to_string(),
        jiff::Timestamp::now(),
        &mut |done, _, _| bar.set_position(done as u64),
    )
    .map_err(|e| fail(e.to_string()))?;
    let render_ms = u64::try_from(began.elapsed().as_millis()).unwrap_or(u64::MAX);
    bar.finish_and_clear();
    let out = ReportOut {
        park: briefing.park_id.clone(),
        period: kind.as_str(),
        first_day: briefing.period.first.to_string(),
        last_day: briefing.period.last.to_string(),
        lang: words.tag(),
        intervals_stored: briefing.stored(),
        intervals_in_period: briefing.slots.len(),
        html: written.html,
        charts: written.charts,
        render_ms,
    };
    if json {
        crate::print_json(&out);
        return Ok(());
    }
    println!("{}", suangu_report::html::title(&briefing, words));
    for line in suangu_report::html::sentences(&briefing, words) {
        println!("  {line}");
    }
    println!(
        "{} {} ({} {} PNG + SVG, {render_ms} ms)",
        lang.text(Key::Written),
        out.html.display(),
        out.charts.len() / 2,
        lang.text(Key::Charts),
    );
    Ok(())
}
