//! `suangu ledger --date <YYYY-MM-DD>`: the green ledger of a day, its month to date and its year
//! to date (days in the park's time zone), read from the store, green share and CO2 both ways
//! side by side, and the day's intervals that were not fully green.

use crate::common::{Context, ExitCode};
use crate::i18n::{Key, Lang};
use clap::Args;
use serde::Serialize;
use suangu_api::dto::LedgerPeriod;
use suangu_api::ops::period;
use suangu_core::green::periods;
use suangu_store::{AnyStore, Store};

#[derive(Args, Debug)]
pub struct LedgerArgs {
    /// The day, in the park's time zone.
    #[arg(long)]
    date: String,
}

#[derive(Serialize)]
struct NotGreenOut {
    start: String,
    green_share_market: f64,
    green_share_location: f64,
    import_mwh: f64,
}

#[derive(Serialize)]
struct LedgerOut {
    park: String,
    date: String,
    day: LedgerPeriod,
    month_to_date: LedgerPeriod,
    year_to_date: LedgerPeriod,
    not_green: Vec<NotGreenOut>,
}

pub fn run(args: LedgerArgs, context: &Context, json: bool, lang: Lang) -> Result<(), ExitCode> {
    let bad = |message: String| {
        eprintln!("{}: {message}", lang.text(Key::BadInput));
        ExitCode::BadInput
    };
    let fail = |message: String| {
        eprintln!("{}: {message}", lang.text(Key::Failure));
        ExitCode::Failure
    };
    let api = context.open_park(json)?;
    let park = api.park().clone();
    let s = park.scenario();
    let day: jiff::civil::Date = args.date.parse().map_err(|e| {
        bad(format!(
            "--date {}: {e} (expected e.g. 2026-06-21)",
            args.date
        ))
    })?;
    let tz = jiff::tz::TimeZone::get(&s.park.time_zone).map_err(|e| bad(e.to_string()))?;
    let start_of =
        |d: jiff::civil::Date| tz.to_timestamp(d.to_datetime(jiff::civil::Time::midnight()));
    let from = start_of(jiff::civil::date(day.year(), 1, 1)).map_err(|e| bad(e.to_string()))?;
    let to = day
        .tomorrow()
        .map_err(|e| bad(e.to_string()))
        .and_then(|d| start_of(d).map_err(|e| bad(e.to_string())))?;
    let runtime = tokio::runtime::Runtime::new().map_err(|e| fail(e.to_string()))?;
    let rows = runtime
        .block_on(async {
            let store = AnyStore::open(&context.db).await?;
            store.ledger(&s.park.id, from, to).await
        })
        .map_err(|e| fail(e.to_string()))?;
    let rows: Vec<_> = rows.into_iter().map(|r| (r.start, r.ledger)).collect();
    let p = periods(&rows, day, &tz, s.green.grid_factor_t_per_mwh.value);
    if p.day.intervals == 0 {
        return Err(fail(format!(
            "{} {day} ({}): {}",
            lang.text(Key::NoLedger),
            context.db,
            lang.text(Key::SimulateFirst)
        )));
    }
    let out = LedgerOut {
        park: s.park.id.clone(),
        date: day.to_string(),
        day: period(&p.day),
        month_to_date: period(&p.month),
        year_to_date: period(&p.year),
        not_green: p
            .not_green
            .iter()
            .map(|i| NotGreenOut {
                start: i.start.to_string(),
                green_share_market: i.share_market.0,
                green_share_location: i.share_location.0,
                import_mwh: i.import.0,
            })
            .collect(),
    };
    if json {
        crate::print_json(&out);
        return Ok(());
    }
    println!("{} {} ({})", out.park, out.date, s.park.time_zone);
    for (key, k) in [
        (Key::Day, &out.day),
        (Key::MonthToDate, &out.month_to_date),
        (Key::YearToDate, &out.year_to_date),
    ] {
        println!(
            "  {:<6} {:>5} × 15 min · {}: {:.1} % ({}) / {:.1} % ({}) · CO2 {:.1} t / {:.1} t · {} {:.1} · {} {:.1} · {} {:.1} · {} {:.1} MWh",
            lang.text(key),
            k.intervals,
            lang.text(Key::GreenShare),
            k.green_share_market * 100.0,
            lang.text(Key::MarketBased),
            k.green_share_location * 100.0,
            lang.text(Key::LocationBased),
            k.co2_market_t,
            k.co2_location_t,
            lang.text(Key::Stored),
            k.stored_mwh,
            lang.text(Key::Exported),
            k.exported_mwh,
            lang.text(Key::Curtailed),
            k.curtailed_mwh,
            lang.text(Key::Imported),
            k.import_mwh
        );
    }
    println!("  {}: {}", lang.text(Key::NotGreen), out.not_green.len());
    for i in &out.not_green {
        let local = tz.to_datetime(i.start.parse().unwrap_or(jiff::Timestamp::UNIX_EPOCH));
        println!(
            "    {} {:.1} % / {:.1} % · {} {:.2} MWh",
            local.time(),
            i.green_share_market * 100.0,
            i.green_share_location * 100.0,
            lang.text(Key::Imported),
            i.import_mwh
        );
    }
    Ok(())
}
