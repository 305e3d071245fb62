//! The Suangu window. A thin shell: it parses the app's flags, opens the park through
//! `suangu-api`, and exposes each API command as a one-line Tauri command. No logic lives here.

#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

use clap::Parser;
use std::path::PathBuf;
use suangu_api::Api;
use suangu_api::dto::{ApiError, ParkMap, ParkSummary};
use tauri::State;

#[derive(Parser)]
#[command(
    name = "suangu-app",
    version,
    about = "Suangu (算谷) park command centre"
)]
struct Args {
    /// Scenario file (TOML). Default: the built-in Qingyang park.
    #[arg(long, value_name = "FILE")]
    scenario: Option<PathBuf>,
}

/// The park the window shows, or why it could not be opened (shown in the window).
struct Shell(Result<Api, ApiError>);

impl Shell {
    fn api(&self) -> Result<&Api, ApiError> {
        self.0.as_ref().map_err(Clone::clone)
    }
}

#[tauri::command]
fn park_summary(shell: State<'_, Shell>) -> Result<ParkSummary, ApiError> {
    shell.api().map(Api::park_summary)
}

#[tauri::command]
fn park_map(shell: State<'_, Shell>) -> Result<ParkMap, ApiError> {
    shell.api().map(Api::park_map)
}

/// Registers the commands and lists their names, from one list.
macro_rules! commands {
    ($($name:ident),* $(,)?) => {
        #[cfg(test)]
        const COMMAND_NAMES: &[&str] = &[$(stringify!($name)),*];
        fn handler() -> impl Fn(tauri::ipc::Invoke) -> bool + Send + Sync + 'static {
            tauri::generate_handler![$($name),*]
        }
    };
}

commands!(park_summary, park_map);

fn main() -> std::process::ExitCode {
    let args = Args::parse();
    let shell = Shell(Api::open(args.scenario.as_deref()));
    if let Err(e) = &shell.0 {
        // The window shows the same error; stderr is for whoever launched it.
        eprintln!("{}", e.message);
    }
    let result = tauri::Builder::default()
        .manage(shell)
        .invoke_handler(handler())
        .run(tauri::generate_context!());
    match result {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("suangu-app: {e}");
            std::process::ExitCode::FAILURE
        }
    }
}

#[cfg(test)]
mod tests {
    use super::COMMAND_NAMES;

    #[test]
    fn the_window_exposes_exactly_the_api_commands() {
        let api: Vec<&str> = suangu_api::COMMANDS.iter().map(|c| c.name).collect();
        assert_eq!(COMMAND_NAMES, api.as_slice());
    }
}
