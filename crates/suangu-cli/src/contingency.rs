//! `suangu n1` (every single loss, worst first) and `suangu drill --trip` (one loss, in the twin,
//! recorded as an event). The state is the twin's at `--at`, which defaults to the scenario's
//! start (its date at 00:00 park time), never the wall clock.

use crate::common::{Context, ExitCode};
use crate::i18n::{Key, Lang};
use clap::Args;
use jiff::Timestamp;
use serde::Serialize;
use suangu_api::audit::Action;
use suangu_api::dto::Contingency;
use suangu_api::ops::contingency;
use suangu_core::Park;
use suangu_core::contingency::{ElementKind, Network, State};
use suangu_core::schedule::{Move, Strategy, evacuate, plan};
use suangu_engine::plan::{SLOT_S, problem, problem_at};
use suangu_sim::{Fault, FaultKind, Twin};
use suangu_store::{AnyStore, Event, Store};

#[derive(Args, Debug)]
pub struct N1Args {
    /// The instant whose state is analysed, RFC 3339 (default: the scenario's start).
    #[arg(long)]
    at: Option<String>,
    /// How many contingencies to print in text (JSON has them all).
    #[arg(long, default_value_t = 10)]
    top: usize,
}

#[derive(Args, Debug)]
pub struct DrillArgs {
    /// The asset to trip: a substation, transformer, feeder or cooling plant id.
    #[arg(long, value_name = "ASSET")]
    trip: String,
    /// When, RFC 3339 (default: the scenario's start).
    #[arg(long)]
    at: Option<String>,
    /// Jobs (CSV or JSON, as for `suangu schedule`) planned over 48 h from then: the output adds
    /// the evacuation plan.
    #[arg(long, value_name = "FILE")]
    jobs: Option<std::path::PathBuf>,
}

/// One job's move in an evacuation plan.
#[derive(Serialize)]
struct EvacuationOut {
    job: String,
    from: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    to: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    start: Option<String>,
    paused: bool,
    lost: bool,
}

#[derive(Serialize)]
struct N1Out {
    park: String,
    at: String,
    it_mw: f64,
    contingencies: Vec<Contingency>,
}

#[derive(Serialize)]
struct DrillOut {
    #[serde(flatten)]
    impact: Contingency,
    park: String,
    at: String,
    /// The park's IT load in the twin before and after the trip.
    it_before_mw: f64,
    it_after_mw: f64,
    /// The id of the event that records the drill.
    event_id: i64,
    #[serde(skip_serializing_if = "Option::is_none")]
    evacuation: Option<Vec<EvacuationOut>>,
}

fn bad(lang: Lang, message: String) -> ExitCode {
    eprintln!("{}: {message}", lang.text(Key::BadInput));
    ExitCode::BadInput
}

/// `--at`, or the scenario's start: its date at 00:00 in the park's time zone.
fn instant(park: &Park, at: Option<&str>, lang: Lang) -> Result<Timestamp, ExitCode> {
    match at {
        Some(text) => text.parse().map_err(|e| {
            bad(
                lang,
                format!("--at {text}: {e} (expected RFC 3339, e.g. 2026-01-01T12:00:00+08:00)"),
            )
        }),
        None => {
            let s = park.scenario();
            let tz = jiff::tz::TimeZone::get(&s.park.time_zone)
                .map_err(|e| bad(lang, format!("time zone {}: {e}", s.park.time_zone)))?;
            tz.to_timestamp(s.park.date.to_datetime(jiff::civil::Time::midnight()))
                .map_err(|e| bad(lang, format!("scenario date {}: {e}", s.park.date)))
        }
    }
}

pub fn n1(args: N1Args, context: &Context, json: bool, lang: Lang) -> Result<(), ExitCode> {
    let api = context.open_park(json)?;
    let park = api.park().clone();
    let at = instant(&park, args.at.as_deref(), lang)?;
    let twin = Twin::new(park.clone(), context.seed);
    let sample = twin.sample(at);
    let (trips, cooling) = twin.outages(at);
    let trips: Vec<&str> = trips.iter().map(String::as_str).collect();
    let cooling: Vec<&str> = cooling.iter().map(String::as_str).collect();
    let state = State {
        power: &sample.power.centres,
        outages: &trips,
        cooling_lost: &cooling,
    };
    let all = Network::of(&park).n1(&state);
    let out = N1Out {
        park: park.scenario().park.id.clone(),
        at: at.to_string(),
        it_mw: sample.power.it().0,
        contingencies: all.iter().map(|i| contingency(&park, i)).collect(),
    };
    if json {
        crate::print_json(&out);
    } else {
        println!(
            "{} {} · {}: {:.1} MW · {} {}",
            out.park,
            out.at,
            lang.text(Key::ItLoad),
            out.it_mw,
            out.contingencies.len(),
            lang.text(Key::Contingencies)
        );
        for (rank, c) in out.contingencies.iter().take(args.top).enumerate() {
            print_impact(rank + 1, c, lang);
        }
    }
    Ok(())
}

fn print_impact(rank: usize, c: &Contingency, lang: Lang) {
    let list = |v: &[String]| {
        if v.is_empty() {
            "-".to_owned()
        } else {
            v.join(", ")
        }
    };
    println!(
        "{rank:>3}. {} ({}): {} {:.1} MW ({} {:.1} MW, {} {:.1} MW, {} {})",
        c.asset,
        c.kind,
        lang.text(Key::Shed),
        c.shed_mw,
        lang.text(Key::LostIt),
        c.lost_it_mw,
        lang.text(Key::Capped),
        c.capped_it_mw,
        c.racks_lost,
        lang.text(Key::RacksLost),
    );
    println!(
        "     {}: {} · {}: {}",
        lang.text(Key::LostSupply),
        list(&c.lost_supply),
        lang.text(Key::LostRedundancy),
        list(&c.lost_redundancy)
    );
    for o in &c.overloads {
        println!(
            "     {}: {} {:.1} / {:.1} MW",
            lang.text(Key::Overload),
            o.element,
            o.load_mw,
            o.rating_mw
        );
    }
}

pub fn drill(args: DrillArgs, context: &Context, json: bool, lang: Lang) -> Result<(), ExitCode> {
    let api = context.open_park(json)?;
    let park = api.park().clone();
    let at = instant(&park, args.at.as_deref(), lang)?;
    let net = Network::of(&park);
    let Some(element) = net.element(&args.trip) else {
        let mut near: Vec<(f64, &str)> = net
            .ids()
            .map(|id| {
                let score =
                    strsim::normalized_levenshtein(&id.to_lowercase(), &args.trip.to_lowercase());
                (score, id)
            })
            .collect();
        near.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(b.1)));
        let closest: Vec<&str> = near.iter().take(3).map(|(_, id)| *id).collect();
        return Err(bad(
            lang,
            format!(
                "--trip {}: {} ({}: {})",
                args.trip,
                lang.text(Key::NoSuchAsset),
                lang.text(Key::Closest),
                closest.join(", ")
            ),
        ));
    };
    let jobs = match &args.jobs {
        Some(path) => {
            let text = std::fs::read_to_string(path)
                .map_err(|e| bad(lang, format!("--jobs {}: {e}", path.display())))?;
            let parsed = if path.extension().is_some_and(|x| x == "json") {
                suangu_core::jobs::from_json(&text)
            } else {
                suangu_core::jobs::from_csv(&text)
            };
            Some(parsed.map_err(|e| bad(lang, format!("{}: {e}", path.display())))?)
        }
        None => None,
    };
    let mut twin = Twin::new(park.clone(), context.seed);
    let before = twin.sample(at);
    // The jobs' plan before the trip, over 48 h from the slot holding `at`.
    let slot_start = Timestamp::from_second(at.as_second().div_euclid(SLOT_S) * SLOT_S)
        .map_err(|e| bad(lang, e.to_string()))?;
    let planned = jobs.map(|jobs| {
        let p = problem(&twin, slot_start, 192, jobs);
        let out = plan(&p, Strategy::Green);
        (p.jobs, out)
    });
    let (trips, cooling) = twin.outages(at);
    let trips: Vec<&str> = trips.iter().map(String::as_str).collect();
    let cooling: Vec<&str> = cooling.iter().map(String::as_str).collect();
    let state = State {
        power: &before.power.centres,
        outages: &trips,
        cooling_lost: &cooling,
    };
    let impact = net.impact(&state, element.clone());
    let kind = if element.kind == ElementKind::CoolingPlant {
        FaultKind::CoolingLoss(element.id.clone())
    } else {
        FaultKind::Trip(element.id.clone())
    };
    twin.inject(Fault {
        kind,
        from: at,
        until: None,
    })
    .map_err(|e| bad(lang, format!("--trip {}: {e}", args.trip)))?;
    let after = twin.sample(at);
    let out = contingency(&park, &impact);
    let evacuation = planned.map(|(jobs, before_plan)| {
        let after_problem = problem_at(&twin, slot_start, at, 192, jobs);
        evacuate(&after_problem, &before_plan, at)
            .into_iter()
            .map(|e| {
                let (to, start, paused, lost) = match e.action {
                    Move::To { site, start } => (Some(site), Some(start.to_string()), false, false),
                    Move::Paused => (None, None, true, false),
                    Move::Lost => (None, None, false, true),
                };
                EvacuationOut {
                    job: e.job,
                    from: e.from,
                    to,
                    start,
                    paused,
                    lost,
                }
            })
            .collect::<Vec<_>>()
    });

    // The drill is part of the record.
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| {
            eprintln!("{}: {e}", lang.text(Key::Failure));
            ExitCode::Failure
        })?;
    let detail = serde_json::json!({
        "kind": out.kind,
        "shed_mw": out.shed_mw,
        "lost_it_mw": out.lost_it_mw,
        "affected_centres": out.affected_centres,
    });
    let event_id = runtime.block_on(async {
        let failed = |e: String| {
            eprintln!("{}: {e}", lang.text(Key::Failure));
            ExitCode::Failure
        };
        let store = AnyStore::open(&context.db)
            .await
            .map_err(|e| failed(e.to_string()))?;
        let park_id = &park.scenario().park.id;
        let event = Event {
            at,
            kind: "drill".to_owned(),
            target: element.id.clone(),
            detail: detail.to_string(),
        };
        let id = store
            .add_event(park_id, &event)
            .await
            .map_err(|e| failed(e.to_string()))?;
        let action = Action {
            action: "drill".into(),
            target: element.id.clone(),
            after: detail.to_string(),
            reason: format!("at {at}"),
            outcome: "ok".into(),
            ..Action::default()
        };
        crate::audit::record(&store, park_id, action)
            .await
            .map_err(|e| failed(format!("{}: {}", lang.text(Key::NotLogged), e.message)))?;
        Ok(id)
    })?;
    let out = DrillOut {
        impact: out,
        park: park.scenario().park.id.clone(),
        at: at.to_string(),
        it_before_mw: before.power.it().0,
        it_after_mw: after.power.it().0,
        event_id,
        evacuation,
    };
    if json {
        crate::print_json(&out);
    } else {
        println!(
            "{} {} {} · {}: {:.1} → {:.1} MW",
            lang.text(Key::Drill),
            out.park,
            out.at,
            lang.text(Key::ItLoad),
            out.it_before_mw,
            out.it_after_mw
        );
        print_impact(1, &out.impact, lang);
        if let Some(moves) = &out.evacuation {
            println!("  {}: {}", lang.text(Key::Evacuation), moves.len());
            for m in moves {
                let what = match (&m.to, m.paused) {
                    (Some(to), _) => format!("→ {to} {}", m.start.as_deref().unwrap_or("")),
                    (None, true) => lang.text(Key::Paused).to_owned(),
                    (None, false) => lang.text(Key::JobLost).to_owned(),
                };
                println!("    {} ({}) {what}", m.job, m.from);
            }
        }
    }
    Ok(())
}
