//! `suangu check --config` and `suangu run --config`: the data-source file checked against the
//! scenario, and the sources run headless into the store (a server beside the park's broker).

use crate::common::{Context, ExitCode};
use crate::i18n::{Key, Lang};
use clap::Args;
use serde::Serialize;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};
use suangu_api::Api;
use suangu_core::sources::{Link, SourcesConfig, load_config};
use suangu_sources::files::{Files, Outcome};
use suangu_sources::health::Health;
use suangu_sources::health::SourceHealth;
use suangu_sources::writer::Writer;
use suangu_sources::{Failpoints, Sources};
use suangu_store::{AnyStore, Store};

#[derive(Args, Debug)]
pub struct RunArgs {
    /// The data-source file (see assets/config/suangu.toml).
    #[arg(long, value_name = "FILE")]
    config: PathBuf,
    /// Milliseconds between health lines (100 to 3,600,000).
    #[arg(long, default_value_t = 10_000, value_name = "MS")]
    report_ms: u64,
}

#[derive(Args, Debug)]
pub struct SourcesArgs {
    /// The data-source file (its park, and the sources expected to report).
    #[arg(long, value_name = "FILE")]
    config: PathBuf,
}

#[derive(Args, Debug)]
pub struct ImportArgs {
    /// The data-source file whose files source maps the columns.
    #[arg(long, value_name = "FILE")]
    config: PathBuf,
    /// The files source to import as (needed when the file has several).
    #[arg(long, value_name = "ID")]
    source: Option<String>,
    /// CSV or JSON files, as a files source reads them. They are not moved.
    #[arg(required = true, value_name = "FILES")]
    files: Vec<PathBuf>,
}

/// Bad input, said on stderr: exit 2.
fn bad_input(lang: Lang, message: String) -> ExitCode {
    eprintln!("{}: {message}", lang.text(Key::BadInput));
    ExitCode::BadInput
}

/// A failure, said on stderr: exit 1.
fn failed(lang: Lang, message: String) -> ExitCode {
    eprintln!("{}: {message}", lang.text(Key::Failure));
    ExitCode::Failure
}

/// Read and check `path` against the park; errors name line and field (exit 2).
pub fn load(path: &Path, api: &Api, json: bool) -> Result<SourcesConfig, ExitCode> {
    let name = path.display().to_string();
    let text = std::fs::read_to_string(path).map_err(|e| {
        eprintln!("{name}: {e}");
        ExitCode::BadInput
    })?;
    let park = api.park();
    let series: Vec<String> = suangu_engine::raw::park_series(park)
        .into_iter()
        .map(|s| s.name)
        .collect();
    load_config(&text, &name, &park.scenario().park.id, &series).map_err(|errors| {
        if json {
            crate::print_json(&errors.0);
        }
        for e in &errors.0 {
            eprintln!("{e}");
        }
        ExitCode::BadInput
    })
}

#[derive(Serialize)]
struct ConfigSummary<'a> {
    file: String,
    park: &'a str,
    sources: Vec<SourceSummary<'a>>,
}

#[derive(Serialize)]
struct SourceSummary<'a> {
    id: &'a str,
    kind: &'static str,
    address: String,
    points: usize,
    expected_interval_s: f64,
}

/// `suangu check --config FILE`.
pub fn check(path: &Path, api: &Api, json: bool, lang: Lang) -> Result<(), ExitCode> {
    let config = load(path, api, json)?;
    let summary = ConfigSummary {
        file: path.display().to_string(),
        park: &config.park,
        sources: config
            .sources
            .iter()
            .map(|s| SourceSummary {
                id: &s.id,
                kind: match s.link() {
                    Some(Link::Mqtt(_)) => "mqtt",
                    Some(Link::Prometheus(_)) => "prometheus",
                    Some(Link::Files(_)) => "files",
                    Some(Link::Http(_)) => "http",
                    None => "none",
                },
                address: match s.link() {
                    Some(Link::Mqtt(m)) => format!(
                        "{}{}:{}",
                        if m.tls { "mqtts://" } else { "" },
                        m.host,
                        m.port()
                    ),
                    Some(Link::Prometheus(p)) => p.url.clone(),
                    Some(Link::Files(f)) => f.dir.clone(),
                    Some(Link::Http(h)) => h.url.clone(),
                    None => String::new(),
                },
                points: s.points.len(),
                expected_interval_s: s.expected_interval_s,
            })
            .collect(),
    };
    if json {
        crate::print_json(&summary);
    } else {
        println!(
            "{}: {} · {}",
            summary.file,
            lang.text(Key::ConfigOk),
            summary.park
        );
        for s in &summary.sources {
            println!(
                "  {} ({} {}): {} {}, {} {} s",
                s.id,
                s.kind,
                s.address,
                s.points,
                lang.text(Key::Points),
                lang.text(Key::Every),
                s.expected_interval_s
            );
        }
    }
    Ok(())
}

/// Test hooks from `SUANGU_FAILPOINT` (`mqtt_abort_before_ack=N`); anything else is refused.
fn failpoints() -> Result<Failpoints, String> {
    let Ok(spec) = std::env::var("SUANGU_FAILPOINT") else {
        return Ok(Failpoints::default());
    };
    let n = spec
        .strip_prefix("mqtt_abort_before_ack=")
        .and_then(|n| n.parse::<u64>().ok())
        .filter(|n| *n > 0)
        .ok_or_else(|| {
            format!(
                "SUANGU_FAILPOINT={spec}: the only failpoint is mqtt_abort_before_ack=N (N >= 1)"
            )
        })?;
    Ok(Failpoints {
        abort_before_ack_after_batches: Some(n),
    })
}

/// `suangu run --config FILE`: the sources into the store until Ctrl-C or SIGTERM, with a health
/// line per source every `--report-ms`.
pub fn run(args: RunArgs, context: &Context, json: bool, lang: Lang) -> Result<(), ExitCode> {
    let bad = |message: String| bad_input(lang, message);
    let failure = |message: String| failed(lang, message);
    if !(100..=3_600_000).contains(&args.report_ms) {
        return Err(bad(format!(
            "--report-ms {}: 100 to 3600000",
            args.report_ms
        )));
    }
    let failpoints = failpoints().map_err(bad)?;
    let api = context.open_park(json)?;
    let config = load(&args.config, &api, json)?;
    // Beside the twin's raw log, not in it: a run of the twin and a run of real sources each
    // replay only their own.
    let mut log_dir = context.db.raw_log_dir(&config.park).into_os_string();
    log_dir.push("-sources");
    let log_dir = PathBuf::from(log_dir);
    let runtime = tokio::runtime::Runtime::new().map_err(|e| failure(e.to_string()))?;
    runtime.block_on(async {
        let store = Arc::new(
            AnyStore::open(&context.db)
                .await
                .map_err(|e| failure(e.to_string()))?,
        );
        let sources = Sources::start(&config, store.clone(), &log_dir, failpoints)
            .await
            .map_err(|e| failure(e.to_string()))?;
        if sources.recovered.points > 0 {
            tracing::info!(
                points = sources.recovered.points,
                "stored what the previous run had logged"
            );
        }
        println!(
            "{} {} · {} {}",
            lang.text(Key::Running),
            args.config.display(),
            config.sources.len(),
            lang.text(Key::SourcesWord)
        );
        let mut every = tokio::time::interval(Duration::from_millis(args.report_ms));
        every.tick().await;
        let stop = crate::serve::shutdown_signal();
        tokio::pin!(stop);
        loop {
            tokio::select! {
                () = &mut stop => break,
                _ = every.tick() => {
                    let health = sources.health(Instant::now());
                    report(&health, json, lang);
                    publish(store.as_ref(), &config.park, &health, args.report_ms).await;
                }
            }
        }
        let (stats, last) = sources.stop().await.map_err(|e| failure(e.to_string()))?;
        report(&last, json, lang);
        publish(store.as_ref(), &config.park, &last, args.report_ms).await;
        tracing::info!(
            points = stats.points,
            chunks = stats.chunks_written,
            "stopped; every open chunk written"
        );
        Ok(())
    })
}

#[derive(Serialize)]
struct Imported {
    file: String,
    imported: bool,
    points: usize,
    problems: Vec<String>,
}

/// `suangu import --config FILE [--source ID] FILES...`: what a files source does with a dropped
/// file, by hand: each file all or nothing, durably. Exit 2 when any file is refused.
pub fn import(args: ImportArgs, context: &Context, json: bool, lang: Lang) -> Result<(), ExitCode> {
    let bad = |message: String| bad_input(lang, message);
    let failure = |message: String| failed(lang, message);
    let api = context.open_park(json)?;
    let config = load(&args.config, &api, json)?;
    let candidates: Vec<_> = config
        .sources
        .iter()
        .filter(|s| matches!(s.link(), Some(Link::Files(_))))
        .filter(|s| args.source.as_ref().is_none_or(|id| &s.id == id))
        .collect();
    let source = match candidates.as_slice() {
        [one] => (*one).clone(),
        [] => {
            return Err(bad(format!(
                "{}: no files source{}",
                args.config.display(),
                args.source
                    .map(|id| format!(" with id {id:?}"))
                    .unwrap_or_default()
            )));
        }
        _ => {
            return Err(bad(
                "several files sources: choose one with --source ID".to_owned()
            ));
        }
    };
    let Some(Link::Files(link)) = source.link() else {
        return Err(bad("no files link".to_owned()));
    };
    let link = link.clone();
    let specs: Vec<suangu_store::SeriesSpec> = source
        .points
        .iter()
        .map(|p| suangu_store::SeriesSpec {
            name: p.series.clone(),
            resolution: p.resolution,
        })
        .collect();
    let mut log_dir = context.db.raw_log_dir(&config.park).into_os_string();
    log_dir.push("-import");
    let runtime = tokio::runtime::Runtime::new().map_err(|e| failure(e.to_string()))?;
    let results = runtime.block_on(async {
        let store = Arc::new(
            AnyStore::open(&context.db)
                .await
                .map_err(|e| failure(e.to_string()))?,
        );
        let (writer, _, task) = Writer::start(store, &config.park, &PathBuf::from(log_dir), &specs)
            .await
            .map_err(|e| failure(e.to_string()))?;
        let names: Vec<String> = source.points.iter().map(|p| p.series.clone()).collect();
        let health = Health::new(
            &source.id,
            &names,
            source.expected_interval(),
            Instant::now(),
        );
        let index = |name: &str| {
            names
                .iter()
                .position(|n| n == name)
                .and_then(|i| u32::try_from(i).ok())
        };
        let routes = suangu_sources::route::routes(&source, index)
            .ok_or_else(|| failure("a point's series is not registered".to_owned()))?;
        let files = Files::new(source.clone(), link, routes, writer, health);
        let mut results = Vec::new();
        for path in &args.files {
            let file = path.display().to_string();
            let name = path
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            let outcome = match std::fs::read(path) {
                Ok(bytes) => files
                    .import(&name, &bytes)
                    .await
                    .map_err(|e| failure(e.to_string()))?,
                Err(e) => Outcome::Rejected {
                    problems: vec![e.to_string()],
                },
            };
            results.push(match outcome {
                Outcome::Imported { points } => Imported {
                    file,
                    imported: true,
                    points,
                    problems: Vec::new(),
                },
                Outcome::Rejected { problems } => Imported {
                    file,
                    imported: false,
                    points: 0,
                    problems,
                },
            });
        }
        drop(files);
        task.await
            .map_err(|e| failure(e.to_string()))?
            .map_err(|e| failure(e.to_string()))?;
        Ok::<_, ExitCode>(results)
    })?;
    if json {
        crate::print_json(&results);
    }
    for r in &results {
        if r.imported {
            if !json {
                println!("{}: {} {}", r.file, r.points, lang.text(Key::Points));
            }
        } else {
            for p in &r.problems {
                eprintln!("{}: {p}", r.file);
            }
        }
    }
    if results.iter().all(|r| r.imported) {
        Ok(())
    } else {
        Err(ExitCode::BadInput)
    }
}

/// `suangu sources --config FILE`: each configured source's health as `suangu run` last reported
/// it to the store (`--db`), with the age of that report; a source that never reported says so.
/// Exit 1 when a source is down, misconfigured, silent (no report for three of the ingest's
/// report intervals, at least a minute) or has stale series.
pub fn sources(
    args: SourcesArgs,
    context: &Context,
    json: bool,
    lang: Lang,
) -> Result<(), ExitCode> {
    let failure = |message: String| failed(lang, message);
    let api = context.open_park(json)?;
    let config = load(&args.config, &api, json)?;
    let runtime = tokio::runtime::Runtime::new().map_err(|e| failure(e.to_string()))?;
    let reports = runtime.block_on(async {
        let store = AnyStore::open(&context.db)
            .await
            .map_err(|e| failure(e.to_string()))?;
        store
            .source_health(&config.park)
            .await
            .map_err(|e| failure(e.to_string()))
    })?;
    let now = jiff::Timestamp::now();
    let mut healthy = true;
    let mut out = Vec::new();
    for source in &config.sources {
        let report = reports.iter().find(|r| r.source == source.id);
        let health = report.and_then(|r| serde_json::from_str::<SourceHealth>(&r.report).ok());
        let age_s = report.map(|r| (now.as_second() - r.at.as_second()).max(0));
        // Silent: no report for three of its intervals (at least a minute).
        let every_s = report
            .and_then(|r| serde_json::from_str::<serde_json::Value>(&r.report).ok())
            .and_then(|v| v["report_every_ms"].as_i64())
            .map_or(10, |ms| ms / 1000);
        let silent_after_s = (3 * every_s).max(60);
        let fine = health
            .as_ref()
            .is_some_and(|h| h.link == suangu_sources::health::Link::Up && h.stale.is_empty())
            && age_s.is_some_and(|a| a <= silent_after_s);
        healthy &= fine;
        if json {
            out.push(
                serde_json::json!({ "id": source.id, "health": health, "report_age_s": age_s }),
            );
            continue;
        }
        match (&health, age_s) {
            (Some(h), Some(age)) => {
                report_one(h, lang);
                println!("  {} {age} s", lang.text(Key::ReportAge));
            }
            _ => println!("{}: {}", source.id, lang.text(Key::NeverReported)),
        }
    }
    if json {
        crate::print_json(&out);
    }
    if healthy {
        Ok(())
    } else {
        Err(ExitCode::Failure)
    }
}

/// Keep each source's health in the store, where every console reads it. A failure is logged:
/// the sources carry on.
async fn publish(store: &AnyStore, park: &str, health: &[SourceHealth], every_ms: u64) {
    let now = jiff::Timestamp::now();
    for h in health {
        // With how often reports come, so a reader can tell a silent ingest from a slow one.
        let report = serde_json::to_value(h).map(|mut v| {
            v["report_every_ms"] = every_ms.into();
            v.to_string()
        });
        let written = match report {
            Ok(report) => store
                .put_source_health(park, &h.id, now, &report)
                .await
                .map_err(|e| e.to_string()),
            Err(e) => Err(e.to_string()),
        };
        if let Err(e) = written {
            tracing::warn!(source = %h.id, "recording its health: {e}");
        }
    }
}

fn report(health: &[SourceHealth], json: bool, lang: Lang) {
    for h in health {
        if json {
            match serde_json::to_string(h) {
                Ok(line) => println!("{line}"),
                Err(e) => eprintln!("{e}"),
            }
        } else {
            report_one(h, lang);
        }
    }
}

/// One source's health on one line.
fn report_one(h: &SourceHealth, lang: Lang) {
    let link = match &h.link {
        suangu_sources::health::Link::Connecting => lang.text(Key::Connecting).to_owned(),
        suangu_sources::health::Link::Up => lang.text(Key::Up).to_owned(),
        suangu_sources::health::Link::BackingOff {
            attempt,
            retry_in_ms,
            error,
        } => format!(
            "{} #{attempt} ({retry_in_ms} ms): {error}",
            lang.text(Key::BackingOff)
        ),
        suangu_sources::health::Link::Misconfigured { reason } => {
            format!("{}: {reason}", lang.text(Key::Misconfigured))
        }
        suangu_sources::health::Link::Stopped => lang.text(Key::Stopped).to_owned(),
    };
    let rejected: u64 = h.rejected.values().sum();
    println!(
        "{}: {link} · {} {} · {} {} · {} {} · {} {}",
        h.id,
        h.points,
        lang.text(Key::Points),
        rejected,
        lang.text(Key::Rejected),
        h.duplicates,
        lang.text(Key::Duplicates),
        h.stale.len(),
        lang.text(Key::StaleSeries),
    );
}
