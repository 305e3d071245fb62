//! The flags every subcommand takes, and the exit-code convention.

use crate::i18n::{Key, Lang};
use clap::Args;
use std::path::PathBuf;
use suangu_api::Api;
use suangu_api::dto::{ApiError, ErrorCode};
use suangu_store::Location;

/// Exit codes: 0 ok, 1 failure, 2 bad input.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExitCode {
    Ok = 0,
    Failure = 1,
    BadInput = 2,
}

impl From<ExitCode> for std::process::ExitCode {
    fn from(code: ExitCode) -> Self {
        std::process::ExitCode::from(code as u8)
    }
}

#[derive(Args, Debug)]
pub struct Common {
    /// Scenario file (TOML). Default: the built-in Qingyang park.
    #[arg(long, global = true, value_name = "FILE")]
    pub scenario: Option<PathBuf>,
    /// Store URL: sqlite://<path> or postgres://... Default: SQLite in the OS data directory.
    #[arg(long, global = true, value_name = "URL")]
    pub db: Option<String>,
    /// Seed of the digital twin and every random choice.
    #[arg(long, global = true, default_value_t = 1)]
    pub seed: u64,
    /// Machine-readable output (JSON on stdout).
    #[arg(long, global = true)]
    pub json: bool,
    /// Language of human-readable output: zh-CN or en (default: from LANG).
    #[arg(long, global = true, value_name = "LANG")]
    pub lang: Option<String>,
    /// Also write the log as JSON lines into this folder: a file a day, two weeks kept.
    #[arg(long, global = true, value_name = "DIR", env = "SUANGU_LOG_DIR")]
    pub log_dir: Option<PathBuf>,
}

/// The resolved common flags.
pub struct Context {
    pub scenario: Option<PathBuf>,
    pub db: Location,
    pub seed: u64,
}

impl Common {
    pub fn resolve(&self, lang: Lang) -> Result<Context, ExitCode> {
        let db = match &self.db {
            None => Location::default_location(),
            Some(url) => Location::parse(url).map_err(|e| {
                eprintln!("{}: {e}", lang.text(Key::BadInput));
                ExitCode::BadInput
            })?,
        };
        Ok(Context {
            scenario: self.scenario.clone(),
            db,
            seed: self.seed,
        })
    }
}

impl Context {
    /// Open the scenario; a bad or unreadable file is bad input (exit 2), reported on stderr
    /// (and as JSON on stdout with `--json`).
    pub fn open_park(&self, json: bool) -> Result<Api, ExitCode> {
        Api::open(self.scenario.as_deref()).map_err(|e| report(&e, json))
    }
}

pub fn report(error: &ApiError, json: bool) -> ExitCode {
    if json {
        crate::print_json(error);
    }
    if error.details.is_empty() {
        eprintln!("{}", error.message);
    } else {
        for d in &error.details {
            eprintln!(
                "{}:{}:{}: {}: {} ({})",
                d.file, d.line, d.column, d.field, d.message, d.kind
            );
        }
    }
    match error.code {
        ErrorCode::ScenarioUnreadable | ErrorCode::ScenarioInvalid => ExitCode::BadInput,
        ErrorCode::UnknownCommand
        | ErrorCode::StoreUnavailable
        | ErrorCode::NotReady
        | ErrorCode::ReadOnly
        | ErrorCode::Forbidden
        | ErrorCode::Throttled
        | ErrorCode::NoData => ExitCode::Failure,
        ErrorCode::BadArguments => ExitCode::BadInput,
    }
}
