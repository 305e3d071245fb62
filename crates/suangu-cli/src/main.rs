//! `suangu`: the headless face of the core. Every subcommand takes the common flags
//! (`--scenario`, `--db`, `--seed`, `--json`) and exits 0 ok, 1 failure, 2 bad input.

mod audit;
mod auth;
mod common;
mod contingency;
mod i18n;
mod ledger;
mod report;
mod schedule;
mod secret;
mod serve;
mod simulate;
mod sources;
mod token;
mod user;

use clap::{Parser, Subcommand};
use common::{Common, ExitCode};
use i18n::Lang;
use suangu_api::dto::ParkSummary;

#[derive(Parser)]
#[command(
    name = "suangu",
    version,
    about = "Suangu (算谷) park command centre, headless"
)]
struct Cli {
    #[command(flatten)]
    common: Common,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Validate a scenario and print the park's totals; with --config, check a data-source file
    /// against it.
    Check(CheckArgs),
    /// Serve the UI and the read-only API over HTTP: open on loopback, a screen token on every
    /// request anywhere else.
    Serve(serve::ServeArgs),
    /// Wall screens' access tokens for `serve` off loopback: add (printed once), list, revoke.
    Token(token::TokenArgs),
    /// Local accounts (viewer, operator, admin; passwords hashed with Argon2id): add, list,
    /// passwd, disable, enable, role, check.
    User(user::UserArgs),
    /// Run the digital twin over a period into the store and print the period's KPIs.
    Simulate(simulate::SimulateArgs),
    /// The green ledger of a day, its month and its year to date, from the store.
    Ledger(ledger::LedgerArgs),
    /// The audit log: check its chain (verify) or write it as CSV (export).
    Audit(audit::AuditArgs),
    /// A day's or a week's briefing from the store: charts as PNG and SVG, a one-page HTML
    /// summary.
    Report(report::ReportArgs),
    /// Place jobs over a horizon (green first, then cheap hours), beside two baselines.
    Schedule(schedule::ScheduleArgs),
    /// N-1: lose every substation, transformer, feeder and cooling plant in turn; worst first.
    N1(contingency::N1Args),
    /// Trip one asset in the twin, print the impact and record the drill as an event.
    Drill(contingency::DrillArgs),
    /// Run the configured data sources (MQTT, Prometheus, file drops) into the store, headless,
    /// until stopped.
    Run(sources::RunArgs),
    /// Import CSV or JSON files by hand, as a files source would (each all or nothing).
    Import(sources::ImportArgs),
    /// Each configured source's health as `suangu run` last reported it (exit 1 if any is not
    /// up and fresh).
    Sources(sources::SourcesArgs),
    /// The data sources' credentials in the OS keyring (for password_keyring and
    /// token_keyring): set, delete. Never printed.
    Secret(secret::SecretArgs),
}

#[derive(clap::Args)]
struct CheckArgs {
    /// A data-source file (suangu.toml) to check against the scenario.
    #[arg(long, value_name = "FILE")]
    config: Option<std::path::PathBuf>,
    /// An alarm rules file (like assets/config/alarms.toml) to check against the scenario.
    #[arg(long, value_name = "FILE", conflicts_with = "config")]
    alarms: Option<std::path::PathBuf>,
}

fn main() -> std::process::ExitCode {
    let cli = Cli::parse();
    // Kept until the end of main: the log file is written out when it is dropped.
    let _logs = match suangu_api::logs::init("suangu", cli.common.log_dir.as_deref()) {
        Ok(logs) => logs,
        Err(e) => {
            eprintln!("suangu: --log-dir: {e}");
            return ExitCode::BadInput.into();
        }
    };
    let code = match run(cli) {
        Ok(()) => ExitCode::Ok,
        Err(code) => code,
    };
    code.into()
}

fn run(cli: Cli) -> Result<(), ExitCode> {
    let lang = Lang::from_env(cli.common.lang.as_deref());
    let context = cli.common.resolve(lang)?;
    match cli.command {
        Command::Check(CheckArgs {
            config: Some(path), ..
        }) => sources::check(
            &path,
            &context.open_park(cli.common.json)?,
            cli.common.json,
            lang,
        ),
        Command::Check(CheckArgs {
            alarms: Some(path), ..
        }) => check_alarms(&path, &cli.common, &context, lang),
        Command::Check(CheckArgs { .. }) => check(&cli.common, &context, lang),
        Command::Serve(args) => serve::run(args, &context, lang),
        Command::Token(args) => token::run(args, &context, cli.common.json, lang),
        Command::User(args) => user::run(args, &context, cli.common.json, lang),
        Command::Simulate(args) => simulate::run_command(args, &context, cli.common.json, lang),
        Command::Ledger(args) => ledger::run(args, &context, cli.common.json, lang),
        Command::Audit(args) => audit::run(args, &context, cli.common.json, lang),
        Command::Report(args) => report::run(args, &context, cli.common.json, lang),
        Command::Schedule(args) => schedule::run(args, &context, cli.common.json, lang),
        Command::N1(args) => contingency::n1(args, &context, cli.common.json, lang),
        Command::Drill(args) => contingency::drill(args, &context, cli.common.json, lang),
        Command::Run(args) => sources::run(args, &context, cli.common.json, lang),
        Command::Import(args) => sources::import(args, &context, cli.common.json, lang),
        Command::Sources(args) => sources::sources(args, &context, cli.common.json, lang),
        Command::Secret(args) => secret::run(args, cli.common.json, lang),
    }
}

fn check(common: &Common, context: &common::Context, lang: Lang) -> Result<(), ExitCode> {
    let api = context.open_park(common.json)?;
    let summary = api.park_summary();
    if common.json {
        print_json(&summary);
    } else {
        print_summary(&summary, context, lang);
    }
    Ok(())
}

/// `suangu check --alarms FILE`: the rules file against the scenario, as the window and
/// `suangu serve --alarms` would load it (each issue by line and field, exit 2).
fn check_alarms(
    path: &std::path::Path,
    common: &Common,
    context: &common::Context,
    lang: Lang,
) -> Result<(), ExitCode> {
    let api = context.open_park(common.json)?;
    let rules = suangu_api::live::alarm_rules(api.park(), Some(path))
        .map_err(|e| common::report(&e, common.json))?
        .ok_or(ExitCode::Failure)?;
    let kinds: Vec<&str> = rules.procedures.keys().copied().collect();
    if common.json {
        print_json(&serde_json::json!({
            "file": path.display().to_string(),
            "rules": rules.rules.len(),
            "procedures": kinds,
        }));
    } else {
        println!(
            "{}: {} {} {}",
            path.display(),
            rules.rules.len(),
            lang.text(i18n::Key::AlarmRulesOk),
            kinds.join(", ")
        );
    }
    Ok(())
}

fn print_json<T: serde::Serialize>(value: &T) {
    match serde_json::to_string_pretty(value) {
        Ok(text) => println!("{text}"),
        Err(e) => eprintln!("{e}"),
    }
}

fn print_summary(s: &ParkSummary, context: &common::Context, lang: Lang) {
    use i18n::Key::*;
    let t = |k| lang.text(k);
    let name = if lang == Lang::Zh {
        &s.name.zh
    } else {
        &s.name.en
    };
    println!("{name} ({}) — {} {}", s.id, t(AsOf), s.date);
    println!("  {}: {}", t(Source), s.source);
    println!(
        "  {}: {} (+{} {})",
        t(Centres),
        s.centres,
        s.planned_centres,
        t(Planned)
    );
    println!(
        "  {}: {} / {}: {:.0} (+{:.0} {})",
        t(PhysicalRacks),
        s.physical_racks,
        t(StandardRacks),
        s.standard_racks,
        s.standard_racks_planned,
        t(Planned)
    );
    println!(
        "  {}: {:.1} MW (+{:.1} MW {}), {}: {:.1} MW",
        t(ItCapacity),
        s.it_capacity_mw,
        s.it_capacity_planned_mw,
        t(Planned),
        t(FacilityCapacity),
        s.facility_capacity_mw
    );
    println!(
        "  {}: {:.0} PFLOPS (+{:.0} {})",
        t(Compute),
        s.pflops,
        s.pflops_planned,
        t(Planned)
    );
    println!(
        "  {}: {:.0} MW, {}: {:.0} MW / {:.0} MWh",
        t(GreenCapacity),
        s.green_capacity_mw,
        t(Storage),
        s.storage_mw,
        s.storage_mwh
    );
    for st in &s.substations {
        let state = if st.in_service {
            t(InService)
        } else {
            t(Planned)
        };
        println!(
            "  {} {}: {:.0} kV, {} x {:.0} MVA, {state}",
            t(Substation),
            st.id,
            st.kv,
            st.transformers,
            st.mva / f64::from(st.transformers.max(1)),
        );
    }
    for w in &s.warnings {
        println!("  {}: {w}", t(Warning));
    }
    println!(
        "  {}: {} / seed {}",
        t(RunContext),
        context.db,
        context.seed
    );
}
