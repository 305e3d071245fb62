//! The hosts' logs: events for a person on stderr and, with a log folder, the same events as
//! JSON lines (one object per event: time in UTC, level, target, message, fields) in one file a
//! day, `<program>.<YYYY-MM-DD>.jsonl`, the newest [`KEEP_FILES`] kept. `RUST_LOG` filters both
//! (default `info`). Nothing that could be a secret is logged (see ARCHITECTURE.md: passwords
//! come from the environment and are never formatted; stores print as `postgres://***@host`).

use std::path::{Path, PathBuf};
use tracing_appender::non_blocking::{NonBlockingBuilder, WorkerGuard};
use tracing_appender::rolling::{RollingFileAppender, Rotation};
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::util::SubscriberInitExt;
use tracing_subscriber::{EnvFilter, Layer};

/// Daily files kept: two weeks, as long as the raw data (an incident is reviewed with both).
/// Origin: assumption.
pub const KEEP_FILES: usize = 14;

/// Keeps the log file's writer running; dropping it writes out what is buffered.
#[must_use = "the log file is written until this is dropped"]
pub struct Logs {
    _file: Option<WorkerGuard>,
    pub dir: Option<PathBuf>,
}

/// Why the log could not be set up.
#[derive(Debug, thiserror::Error)]
pub enum LogError {
    #[error("log folder {dir}: {source}")]
    Folder {
        dir: PathBuf,
        source: std::io::Error,
    },
    #[error("log folder {dir}: {source}")]
    File {
        dir: PathBuf,
        source: tracing_appender::rolling::InitError,
    },
    #[error("a logger is already installed")]
    Installed,
}

/// The app's default log folder: beside the default store (e.g. ~/.local/share/suangu/logs).
pub fn default_dir() -> PathBuf {
    suangu_store::Location::default_dir().join("logs")
}

/// Install the process's logger: stderr always, JSON lines into `dir` when given (created if
/// missing). Once per process.
pub fn init(program: &str, dir: Option<&Path>) -> Result<Logs, LogError> {
    let filter = || EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    let stderr = tracing_subscriber::fmt::layer()
        .with_writer(std::io::stderr)
        .with_filter(filter());
    let Some(dir) = dir else {
        tracing_subscriber::registry()
            .with(stderr)
            .try_init()
            .map_err(|_| LogError::Installed)?;
        return Ok(Logs {
            _file: None,
            dir: None,
        });
    };
    std::fs::create_dir_all(dir).map_err(|source| LogError::Folder {
        dir: dir.to_owned(),
        source,
    })?;
    let appender = RollingFileAppender::builder()
        .rotation(Rotation::DAILY)
        .filename_prefix(program)
        .filename_suffix("jsonl")
        .max_log_files(KEEP_FILES)
        .build(dir)
        .map_err(|source| LogError::File {
            dir: dir.to_owned(),
            source,
        })?;
    // Not lossy: a full buffer makes the logging thread wait rather than drop lines.
    let (writer, guard) = NonBlockingBuilder::default().lossy(false).finish(appender);
    let file = tracing_subscriber::fmt::layer()
        .json()
        .with_writer(writer)
        .with_filter(filter());
    tracing_subscriber::registry()
        .with(stderr)
        .with(file)
        .try_init()
        .map_err(|_| LogError::Installed)?;
    Ok(Logs {
        _file: Some(guard),
        dir: Some(dir.to_owned()),
    })
}
