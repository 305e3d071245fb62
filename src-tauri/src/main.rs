//! The Suangu window. A thin shell: it parses the app's flags, opens the park and its live engine
//! through `suangu-api`, and exposes each API command as a one-line Tauri command. No logic
//! lives here.

#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

mod args;

use args::Args;
use clap::Parser;
use std::path::PathBuf;
use std::sync::Arc;
use suangu_api::accounts::{Account, Person};
use suangu_api::audit::{Action, Auditor, Role};
use suangu_api::console::Console;
use suangu_api::dto::{
    AccountDto, AlarmArgs, AlarmChangeDto, ApiError, Approval, ApproveArgs, BriefingArgs,
    BriefingExport, Capacity, CapacityArgs, CentreArgs, CentreDetail, DemoArgs, DemoStatus, Drill,
    DrillArgs, ErrorCode, EventDto, Events, EventsArgs, Heatmap, HeatmapArgs, History, HistoryArgs,
    Incidents, LedgerArgs, LedgerDay, LiveFrame, N1, NoArgs, NoteArgs, ParkMap, ParkSummary,
    RackMetricName, ReplayArgs, Schedule, SignInArgs, Sources, StepArgs, Trend, TrendArgs,
};
use suangu_api::live::{
    Live, LiveArgs, live_config, live_frame, observed_feeds, store_error, twin_error,
};
use suangu_api::{Api, Session};
use suangu_engine::live::{EngineError, LiveConfig};
use suangu_engine::observed::Feed;
use suangu_store::ingest::PUBLISH_OPEN_EVERY;
use suangu_store::{AnyStore, Location};
use tauri::ipc::{Channel, InvokeResponseBody};
use tauri::{Manager, State};

#[derive(Parser, Clone)]
#[command(
    name = "suangu-app",
    version,
    about = "Suangu (算谷) park command centre"
)]
struct Flags {
    /// Scenario file (TOML). Default: the built-in Qingyang park.
    #[arg(long, value_name = "FILE")]
    scenario: Option<PathBuf>,
    /// Store URL (sqlite://<path> or postgres://...). Default: SQLite in the OS data directory.
    #[arg(long, value_name = "URL")]
    db: Option<String>,
    /// Seed of the digital twin.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Where the log goes, as JSON lines (a file a day, two weeks kept). Default: `logs` in
    /// Suangu's data folder (e.g. ~/.local/share/suangu/logs).
    #[arg(long, value_name = "DIR", env = "SUANGU_LOG_DIR")]
    log_dir: Option<PathBuf>,
    /// Also open the wall window (full screen): a playlist of screens such as
    /// `kpis:20,map:30,green:20,capacity:20,centre/CM-N02:15` (screen[/arg][:seconds]), or the
    /// default playlist when none is given.
    #[arg(long, value_name = "PLAYLIST", num_args = 0..=1, default_missing_value = "")]
    wall: Option<String>,
    /// Show the park as its data sources measure it instead of running the digital twin: the
    /// data-source file `suangu run --config` reads into the same --db (checked at start). Each
    /// value is its series' newest stored point, greyed "stale since" when its feed goes
    /// silent; drills, demo packs, N-1 and the scheduler need the twin and say so.
    #[arg(
        long,
        value_name = "FILE",
        conflicts_with_all = ["speed", "demo", "record_racks", "tick_ms"]
    )]
    config: Option<PathBuf>,
    #[command(flatten)]
    live: LiveArgs,
}

/// The wall playlist as it goes into the wall window's address: only the characters the format
/// uses (the UI parses it and names any entry it cannot play).
fn wall_address(playlist: &str) -> Result<String, String> {
    let allowed = |c: char| c.is_ascii_alphanumeric() || "/:,_~-".contains(c);
    match playlist.chars().find(|c| !allowed(*c)) {
        Some(c) => Err(format!(
            "--wall {playlist}: '{c}' is not part of a playlist (screen[/arg][:seconds], comma-separated)"
        )),
        None => Ok(format!("index.html?wall={playlist}")),
    }
}

/// The park the window shows, or why it could not be opened (shown in the window). Opened
/// off the UI thread (the twin backfills the store first), restarted when a demo is played;
/// commands wait for it.
struct Shell {
    console: Console<AnyStore>,
    /// The window's heatmap stream, if one runs.
    heatmap: std::sync::Mutex<Option<(u64, tauri::async_runtime::JoinHandle<()>)>>,
    /// The store's location, as briefings name their source.
    store: String,
    /// The window's identity in the audit log (the operating-system user), or why it has none:
    /// then the commands that change something are refused, since they could not be accounted
    /// for.
    auditor: Result<Auditor, ApiError>,
    /// The account signed in at the window, if any (`account_sign_in`).
    signed_in: tokio::sync::RwLock<Option<Account>>,
    /// The park is observed from its data sources (`--config`), not run by the twin.
    observing: bool,
}

impl Shell {
    async fn session(&self) -> Result<Arc<Session<AnyStore>>, ApiError> {
        self.console.session().await
    }

    /// Who acts at the window now: the account signed in, or the operating-system user (an
    /// operator on a store without accounts, a viewer on one with them).
    async fn person(&self) -> Result<Person, ApiError> {
        let auditor = self.auditor.as_ref().map_err(Clone::clone)?;
        let signed_in = self.signed_in.read().await.clone();
        self.session()
            .await?
            .live()?
            .person(signed_in.as_ref(), auditor.who())
            .await
    }

    /// Run a command that changes something as the person at the window (`run` is given their
    /// name), and log it with its outcome. Refused, and the refusal logged, when their role is
    /// below `needed`; refused when it could not be logged.
    async fn audited<T, F>(
        &self,
        action: &str,
        needed: Role,
        target: String,
        detail: String,
        run: impl FnOnce(String) -> F,
    ) -> Result<T, ApiError>
    where
        F: std::future::Future<Output = Result<T, ApiError>>,
    {
        let person = self.person().await?;
        let auditor = self
            .auditor
            .as_ref()
            .map_err(Clone::clone)?
            .acting_as(&person.name, person.role);
        if !person.role.allows(needed) {
            let refusal = ApiError {
                code: ErrorCode::Forbidden,
                message: format!(
                    "{action}: needs the {needed} role; {} is a {} here{}",
                    person.name,
                    person.role,
                    if person.signed_in {
                        ""
                    } else {
                        " (sign in under Settings)"
                    }
                ),
                details: Vec::new(),
            };
            let action = Action {
                action: action.to_owned(),
                target,
                after: detail,
                outcome: format!("refused: needs the {needed} role"),
                ..Action::default()
            };
            self.session()
                .await?
                .live()?
                .audit(&auditor, jiff::Timestamp::now(), action)
                .await?;
            return Err(refusal);
        }
        let result = run(person.name).await;
        let outcome = match &result {
            Ok(_) => "ok".to_owned(),
            Err(e) => format!("failed: {}", e.message),
        };
        let action = Action {
            action: action.to_owned(),
            target,
            after: detail,
            outcome,
            ..Action::default()
        };
        // After a restart (a demo played) the session is the new one: log into its store.
        self.session()
            .await?
            .live()?
            .audit(&auditor, jiff::Timestamp::now(), action)
            .await?;
        result
    }
}

fn account_dto(person: Person) -> AccountDto {
    AccountDto {
        name: person.name,
        role: person.role.as_str().to_owned(),
        signed_in: person.signed_in,
        accounts: person.accounts,
    }
}

/// Who acts at the window now.
#[tauri::command]
async fn account_whoami(shell: State<'_, Shell>, _: Args<NoArgs>) -> Result<AccountDto, ApiError> {
    shell.person().await.map(account_dto)
}

/// Sign in with a local account (`suangu user add`); the attempt is in the audit log. A
/// refusal says the same whatever was wrong.
#[tauri::command]
async fn account_sign_in(
    shell: State<'_, Shell>,
    Args(args): Args<SignInArgs>,
) -> Result<AccountDto, ApiError> {
    // The attempt is logged as the person at the window before it (a viewer, or whoever was
    // signed in).
    let person = shell.person().await?;
    let auditor = shell
        .auditor
        .as_ref()
        .map_err(Clone::clone)?
        .acting_as(&person.name, person.role);
    let session = shell.session().await?;
    let account = session
        .live()?
        .sign_in(&auditor, jiff::Timestamp::now(), &args.name, &args.password)
        .await?;
    *shell.signed_in.write().await = Some(account);
    shell.person().await.map(account_dto)
}

/// Sign out: the window acts for the operating-system user again (logged).
#[tauri::command]
async fn account_sign_out(
    shell: State<'_, Shell>,
    _: Args<NoArgs>,
) -> Result<AccountDto, ApiError> {
    let person = shell.person().await?;
    if shell.signed_in.write().await.take().is_some() {
        let auditor = shell
            .auditor
            .as_ref()
            .map_err(Clone::clone)?
            .acting_as(&person.name, person.role);
        let action = Action {
            action: "sign_out".to_owned(),
            target: person.name.clone(),
            outcome: "ok".to_owned(),
            ..Action::default()
        };
        shell
            .session()
            .await?
            .live()?
            .audit(&auditor, jiff::Timestamp::now(), action)
            .await?;
    }
    shell.person().await.map(account_dto)
}

#[tauri::command]
async fn park_summary(shell: State<'_, Shell>, _: Args<NoArgs>) -> Result<ParkSummary, ApiError> {
    shell.session().await.map(|s| s.api.park_summary())
}

#[tauri::command]
async fn park_map(shell: State<'_, Shell>, _: Args<NoArgs>) -> Result<ParkMap, ApiError> {
    shell.session().await.map(|s| s.api.park_map())
}

// Each command takes its whole argument object as one typed value (`args.rs`): the wire's
// snake_case names (`until_s`), like the HTTP host; unknown fields and oversized arguments refused.
#[tauri::command]
async fn park_trend(
    shell: State<'_, Shell>,
    Args(args): Args<TrendArgs>,
) -> Result<Trend, ApiError> {
    shell.session().await?.live()?.park_trend(args).await
}

#[tauri::command]
async fn series_history(
    shell: State<'_, Shell>,
    Args(args): Args<HistoryArgs>,
) -> Result<History, ApiError> {
    shell.session().await?.live()?.series_history(args).await
}

#[tauri::command]
async fn rack_heatmap(
    shell: State<'_, Shell>,
    Args(args): Args<HeatmapArgs>,
) -> Result<Heatmap, ApiError> {
    shell.session().await?.live()?.rack_heatmap(args).await
}

#[tauri::command]
async fn park_capacity(
    shell: State<'_, Shell>,
    Args(args): Args<CapacityArgs>,
) -> Result<Capacity, ApiError> {
    shell.session().await?.live()?.capacity(args).await
}

#[tauri::command]
async fn park_n1(shell: State<'_, Shell>, _: Args<NoArgs>) -> Result<N1, ApiError> {
    shell.session().await?.live()?.n1().await
}

#[tauri::command]
async fn park_ledger(
    shell: State<'_, Shell>,
    Args(args): Args<LedgerArgs>,
) -> Result<LedgerDay, ApiError> {
    shell.session().await?.live()?.ledger(args).await
}

#[tauri::command]
async fn drill(shell: State<'_, Shell>, Args(args): Args<DrillArgs>) -> Result<Drill, ApiError> {
    let session = shell.session().await?;
    let detail = serde_json::json!({ "minutes": args.minutes }).to_string();
    shell
        .audited(
            "drill",
            Role::Operator,
            args.asset.clone(),
            detail,
            |_| async move { session.live()?.drill(args).await },
        )
        .await
}

#[tauri::command]
async fn centre_detail(
    shell: State<'_, Shell>,
    Args(args): Args<CentreArgs>,
) -> Result<CentreDetail, ApiError> {
    shell.session().await?.live()?.centre_detail(args).await
}

#[tauri::command]
async fn demo_status(shell: State<'_, Shell>, _: Args<NoArgs>) -> Result<DemoStatus, ApiError> {
    Ok(shell.session().await?.live()?.demo_status())
}

#[tauri::command]
async fn park_replay(
    shell: State<'_, Shell>,
    Args(args): Args<ReplayArgs>,
) -> Result<LiveFrame, ApiError> {
    shell.session().await?.live()?.replay(args).await
}

#[tauri::command]
async fn demo_play(
    shell: State<'_, Shell>,
    Args(args): Args<DemoArgs>,
) -> Result<DemoStatus, ApiError> {
    let target = args.pack.clone().unwrap_or_else(|| "live".to_owned());
    shell
        .audited(
            "demo_play",
            Role::Operator,
            target,
            String::new(),
            |_| async {
                // A pack plays the twin: an observed park has none to play.
                if shell.observing {
                    return Err(twin_error("demo_play", EngineError::Observed));
                }
                shell.console.play(args).await
            },
        )
        .await
}

#[tauri::command]
async fn park_schedule(shell: State<'_, Shell>, _: Args<NoArgs>) -> Result<Schedule, ApiError> {
    shell.session().await?.live()?.schedule().await
}

#[tauri::command]
async fn park_events(
    shell: State<'_, Shell>,
    Args(args): Args<EventsArgs>,
) -> Result<Events, ApiError> {
    shell.session().await?.live()?.events(args).await
}

#[tauri::command]
async fn park_sources(shell: State<'_, Shell>, _: Args<NoArgs>) -> Result<Sources, ApiError> {
    shell.session().await?.live()?.sources().await
}

#[tauri::command]
async fn park_incidents(shell: State<'_, Shell>, _: Args<NoArgs>) -> Result<Incidents, ApiError> {
    shell.session().await?.live()?.incidents().await
}

/// Stream live frames into the window's channel until the window goes away.
#[tauri::command]
async fn live_subscribe(
    shell: State<'_, Shell>,
    on_frame: Channel<LiveFrame>,
) -> Result<(), ApiError> {
    let mut frames = shell.session().await?.live()?.frames();
    tauri::async_runtime::spawn(async move {
        loop {
            let frame = frames.borrow_and_update().clone();
            if let Some(frame) = frame
                && on_frame.send(live_frame(&frame)).is_err()
            {
                return;
            }
            if frames.changed().await.is_err() {
                return; // the engine stopped
            }
        }
    });
    Ok(())
}

/// Stream the live rack heatmap into the window's channel as binary frames (ArrayBuffers), one
/// at every new sample of the racks, each stamped as it leaves. One heatmap stream per window:
/// a new one (another metric) replaces the last. Returns the stream's id, to stop it.
#[tauri::command(rename_all = "snake_case")]
async fn rack_heatmap_subscribe(
    shell: State<'_, Shell>,
    metric: RackMetricName,
    on_frame: Channel<InvokeResponseBody>,
) -> Result<u64, ApiError> {
    let session = shell.session().await?;
    session.live()?;
    let task = tauri::async_runtime::spawn(async move {
        let Ok(live) = session.live() else {
            return;
        };
        let mut feed = live.heatmap_feed(metric);
        while let Some(Ok(mut frame)) = feed.next().await {
            let now = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0.0, |d| d.as_secs_f64() * 1000.0);
            suangu_api::heatmap::frame::stamp_sent(&mut frame, now);
            if on_frame.send(InvokeResponseBody::Raw(frame)).is_err() {
                return;
            }
        }
    });
    let mut current = shell.heatmap.lock().map_err(|_| poisoned())?;
    let id = current.as_ref().map_or(1, |(id, _)| id + 1);
    if let Some((_, last)) = current.replace((id, task)) {
        last.abort();
    }
    Ok(id)
}

/// The arguments of `rack_heatmap_unsubscribe`.
#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct StreamId {
    id: u64,
}

/// Stop the window's heatmap stream `id` (it left the heatmap); a newer stream is left alone.
#[tauri::command]
fn rack_heatmap_unsubscribe(
    shell: State<'_, Shell>,
    Args(StreamId { id }): Args<StreamId>,
) -> Result<(), ApiError> {
    let mut current = shell.heatmap.lock().map_err(|_| poisoned())?;
    if current.as_ref().is_some_and(|(running, _)| *running == id)
        && let Some((_, task)) = current.take()
    {
        task.abort();
    }
    Ok(())
}

fn poisoned() -> ApiError {
    ApiError {
        code: ErrorCode::NotReady,
        message: "the heatmap stream's state is damaged; restart the app".to_owned(),
        details: Vec::new(),
    }
}

/// Acknowledge an alarm, as the window's operator (logged).
#[tauri::command]
async fn alarm_ack(
    shell: State<'_, Shell>,
    Args(args): Args<AlarmArgs>,
) -> Result<AlarmChangeDto, ApiError> {
    let session = shell.session().await?;
    let target = format!("{} {}", args.rule, args.target);
    shell
        .audited(
            "alarm_ack",
            Role::Operator,
            target,
            String::new(),
            |by| async move { session.live()?.alarm_ack(args, &by).await },
        )
        .await
}

/// Shelve an alarm for some minutes, as the window's operator (logged).
#[tauri::command]
async fn alarm_shelve(
    shell: State<'_, Shell>,
    Args(args): Args<AlarmArgs>,
) -> Result<AlarmChangeDto, ApiError> {
    let session = shell.session().await?;
    let detail = serde_json::json!({ "minutes": args.minutes }).to_string();
    let target = format!("{} {}", args.rule, args.target);
    shell
        .audited(
            "alarm_shelve",
            Role::Operator,
            target,
            detail,
            |by| async move { session.live()?.alarm_shelve(args, &by).await },
        )
        .await
}

/// Add a note to an open incident's time line, as the person at the window (logged).
#[tauri::command]
async fn incident_note(
    shell: State<'_, Shell>,
    Args(args): Args<NoteArgs>,
) -> Result<EventDto, ApiError> {
    let session = shell.session().await?;
    let target = args.incident.clone();
    let detail = serde_json::json!({ "text": args.text }).to_string();
    shell
        .audited(
            "incident_note",
            Role::Operator,
            target,
            detail,
            |by| async move { session.live()?.incident_note(args, &by).await },
        )
        .await
}

/// Tick off a step of an incident's checklist, as the person at the window (logged).
#[tauri::command]
async fn incident_step(
    shell: State<'_, Shell>,
    Args(args): Args<StepArgs>,
) -> Result<EventDto, ApiError> {
    let session = shell.session().await?;
    let target = args.incident.clone();
    let detail = serde_json::json!({ "kind": args.kind, "step": args.step }).to_string();
    shell
        .audited(
            "incident_step",
            Role::Operator,
            target,
            detail,
            |by| async move { session.live()?.incident_step(args, &by).await },
        )
        .await
}

/// Approve the running drill's evacuation plan, as the person at the window (logged).
#[tauri::command]
async fn evacuation_approve(
    shell: State<'_, Shell>,
    Args(args): Args<ApproveArgs>,
) -> Result<Approval, ApiError> {
    let session = shell.session().await?;
    let target = args.asset.clone();
    shell
        .audited(
            "evacuation_approve",
            Role::Operator,
            target,
            String::new(),
            |by| async move { session.live()?.evacuation_approve(args, &by).await },
        )
        .await
}

/// Write a briefing into the desktop's downloads (a `Suangu` folder there), or the app's data
/// folder where the desktop has no downloads folder.
#[tauri::command]
async fn export_briefing(
    app: tauri::AppHandle,
    shell: State<'_, Shell>,
    Args(args): Args<BriefingArgs>,
) -> Result<BriefingExport, ApiError> {
    let paths = app.path();
    let folder = paths
        .download_dir()
        .or_else(|_| paths.app_data_dir())
        .map_err(|e| ApiError {
            code: ErrorCode::NotReady,
            message: format!("export_briefing: no folder to write into: {e}"),
            details: Vec::new(),
        })?
        .join("Suangu");
    let session = shell.session().await?;
    let target = format!("{} {}", args.period, args.date);
    let detail = serde_json::json!({ "lang": args.lang, "folder": folder }).to_string();
    let source = &shell.store;
    shell
        .audited(
            "export_briefing",
            Role::Operator,
            target,
            detail,
            |_| async move {
                let live = session.live()?;
                live.export_briefing(args, &folder, source, jiff::Timestamp::now())
                    .await
            },
        )
        .await
}

/// Open the wall window (or bring it to the front) on `playlist` (the default when empty), from
/// Settings: the same as starting with `--wall`.
/// The arguments of `wall_open`.
#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct WallArgs {
    #[serde(default)]
    playlist: Option<String>,
}

#[tauri::command]
fn wall_open(
    app: tauri::AppHandle,
    Args(WallArgs { playlist }): Args<WallArgs>,
) -> Result<(), ApiError> {
    let address = wall_address(playlist.as_deref().unwrap_or("")).map_err(|message| ApiError {
        code: ErrorCode::BadArguments,
        message,
        details: Vec::new(),
    })?;
    if let Some(wall) = app.get_webview_window("wall") {
        return wall.set_focus().map_err(window_error);
    }
    open_wall(&app, address).map_err(window_error)
}

fn open_wall<M: Manager<tauri::Wry>>(manager: &M, address: String) -> tauri::Result<()> {
    // Its own label (its own permissions), full screen, kiosk-like.
    tauri::WebviewWindowBuilder::new(manager, "wall", tauri::WebviewUrl::App(address.into()))
        .title("算谷 Suangu · Wall")
        .fullscreen(true)
        .decorations(false)
        .build()
        .map(|_| ())
}

fn window_error(e: tauri::Error) -> ApiError {
    ApiError {
        code: ErrorCode::NotReady,
        message: format!("the wall window: {e}"),
        details: Vec::new(),
    }
}

// Registers the commands and lists their names, from the one list `build.rs` gives Tauri's app
// manifest (`app_commands.rs`).
include!("app_commands.rs");

macro_rules! commands {
    (api: [$($api:ident),* $(,)?], window: [$($window:ident),* $(,)?]) => {
        /// The commands of `suangu_api::COMMANDS`.
        #[cfg(test)]
        const COMMAND_NAMES: &[&str] = &[$(stringify!($api)),*];
        /// The window's own: the streams and opening the wall.
        #[cfg(test)]
        const WINDOW_COMMANDS: &[&str] = &[$(stringify!($window)),*];
        fn handler() -> impl Fn(tauri::ipc::Invoke) -> bool + Send + Sync + 'static {
            tauri::generate_handler![$($api),*, $($window),*]
        }
    };
}

app_commands!(commands);

/// What the window opens: the scenario, the store and the seed of its flags, with `live` flags
/// (the command line's, or a demo pack's when one is played from the window).
#[derive(Clone)]
struct Opening {
    scenario: Option<PathBuf>,
    db: Option<String>,
    seed: u64,
    /// The series the data-source file of `--config` feeds: the park observed, no twin.
    observed: Option<Vec<Feed>>,
}

async fn open(opening: Opening, live_args: LiveArgs) -> Result<Session<AnyStore>, ApiError> {
    let (api, config) = live_config(Api::open(opening.scenario.as_deref())?, &live_args)?;
    let location = match &opening.db {
        None => Location::default_location(),
        Some(url) => Location::parse(url).map_err(|message| ApiError {
            code: ErrorCode::BadArguments,
            message,
            details: Vec::new(),
        })?,
    };
    let live = match (AnyStore::open(&location).await, opening.observed) {
        (Ok(store), Some(feeds)) => Ok(Live::observe(
            api.park().clone(),
            Arc::new(store),
            feeds,
            PUBLISH_OPEN_EVERY,
            config.alarms,
        )),
        (Ok(store), None) => {
            let config = LiveConfig {
                raw_log: Some(location.raw_log_dir(&api.park().scenario().park.id)),
                ..config
            };
            Live::start(api.park().clone(), opening.seed, Arc::new(store), config).await
        }
        (Err(e), _) => Err(store_error(e)),
    };
    if let Err(e) = &live {
        tracing::error!("live data unavailable: {}", e.message);
    }
    Ok(Session { api, live })
}

fn main() -> std::process::ExitCode {
    let args = Flags::parse();
    if let Err(message) = args.live.check() {
        eprintln!("suangu-app: {message}");
        return std::process::ExitCode::from(2);
    }
    let wall = match args.wall.as_deref().map(wall_address).transpose() {
        Ok(wall) => wall,
        Err(message) => {
            eprintln!("suangu-app: {message}");
            return std::process::ExitCode::from(2);
        }
    };
    // A data-source file is checked before anything opens: bad input is exit 2, each problem
    // with its line and field.
    let observed = match &args.config {
        None => None,
        Some(file) => {
            match Api::open(args.scenario.as_deref())
                .map_err(|e| vec![e.message])
                .and_then(|api| observed_feeds(&api, file))
            {
                Ok(feeds) => Some(feeds),
                Err(problems) => {
                    for problem in problems {
                        eprintln!("suangu-app: {problem}");
                    }
                    return std::process::ExitCode::from(2);
                }
            }
        }
    };
    let observing = observed.is_some();
    let log_dir = args
        .log_dir
        .clone()
        .unwrap_or_else(suangu_api::logs::default_dir);
    // Dropped when the app exits: the log file is written out then.
    let mut logs = match suangu_api::logs::init("suangu-app", Some(&log_dir)) {
        Ok(logs) => Some(logs),
        Err(e) => {
            eprintln!("suangu-app: --log-dir: {e}");
            return std::process::ExitCode::from(2);
        }
    };
    let app = tauri::Builder::default()
        .manage({
            let store = match &args.db {
                Some(url) => url.clone(),
                None => Location::default_location().to_string(),
            };
            let opening = Opening {
                scenario: args.scenario,
                db: args.db,
                seed: args.seed,
                observed,
            };
            Shell {
                console: Console::new(
                    args.live,
                    Box::new(move |live| Box::pin(open(opening.clone(), live))),
                ),
                heatmap: std::sync::Mutex::new(None),
                store,
                auditor: Auditor::open(Role::Operator, "window"),
                signed_in: tokio::sync::RwLock::new(None),
                observing,
            }
        })
        .setup(move |app| {
            // The wall window: its own label (its own permissions), full screen, kiosk-like.
            if let Some(address) = wall {
                tauri::WebviewWindowBuilder::new(
                    app,
                    "wall",
                    tauri::WebviewUrl::App(address.into()),
                )
                .title("算谷 Suangu · Wall")
                .fullscreen(true)
                .decorations(false)
                .build()?;
            }
            let handle = app.handle().clone();
            tauri::async_runtime::spawn(async move {
                if let Err(e) = handle.state::<Shell>().session().await {
                    // The window shows the same error; the log is for whoever launched it.
                    tracing::error!("{}", e.message);
                }
            });
            Ok(())
        })
        .invoke_handler(handler())
        .build(tauri::generate_context!());
    let app = match app {
        Ok(app) => app,
        Err(e) => {
            tracing::error!("the window could not start: {e}");
            return std::process::ExitCode::FAILURE;
        }
    };
    app.run(move |handle, event| {
        if let tauri::RunEvent::Exit = event {
            // Write what the engine holds before the process ends, then the log.
            tauri::async_runtime::block_on(handle.state::<Shell>().console.shutdown());
            drop(logs.take());
        }
    });
    std::process::ExitCode::SUCCESS
}

#[cfg(test)]
mod tests {
    use super::{COMMAND_NAMES, WINDOW_COMMANDS};
    use std::collections::BTreeSet;

    /// The window's stream commands: read-only, so the wall may call them.
    const STREAM_COMMANDS: &[&str] = &[
        "live_subscribe",
        "rack_heatmap_subscribe",
        "rack_heatmap_unsubscribe",
    ];

    /// The app permissions a capability file grants (`allow-park-summary`), as command names
    /// (`park_summary`); `core:` permissions apart.
    fn allowed(capability: &str, window: &str) -> BTreeSet<String> {
        let json: serde_json::Value = serde_json::from_str(capability).expect("capability JSON");
        assert_eq!(json["windows"], serde_json::json!([window]));
        let permissions = json["permissions"].as_array().expect("a permissions list");
        let mut commands = BTreeSet::new();
        for permission in permissions {
            let permission = permission.as_str().expect("permissions by name");
            if permission == "core:default" {
                continue;
            }
            let command = permission
                .strip_prefix("allow-")
                .unwrap_or_else(|| panic!("{window}: {permission} is not an allow- permission"));
            assert!(
                commands.insert(command.replace('-', "_")),
                "{window}: {permission} twice"
            );
        }
        commands
    }

    fn set(names: impl IntoIterator<Item = impl ToString>) -> BTreeSet<String> {
        names.into_iter().map(|n| n.to_string()).collect()
    }

    #[test]
    fn a_wall_playlist_goes_into_the_address_only_as_a_playlist() {
        assert_eq!(
            super::wall_address("kpis:20,centre/CM-N02:15").as_deref(),
            Ok("index.html?wall=kpis:20,centre/CM-N02:15")
        );
        assert_eq!(super::wall_address("").as_deref(), Ok("index.html?wall="));
        let refused = super::wall_address("map&pin=x").expect_err("not a playlist");
        assert!(refused.contains("'&'"), "{refused}");
    }

    #[test]
    fn the_window_exposes_exactly_the_api_commands() {
        let api: Vec<&str> = suangu_api::COMMANDS.iter().map(|c| c.name).collect();
        assert_eq!(COMMAND_NAMES, api.as_slice());
    }

    #[test]
    fn the_window_commands_are_the_streams_wall_open_and_the_accounts() {
        // A new window command must be sorted here: a stream the wall may use, or not.
        let mut expected = STREAM_COMMANDS.to_vec();
        expected.extend([
            "wall_open",
            "account_whoami",
            "account_sign_in",
            "account_sign_out",
        ]);
        assert_eq!(WINDOW_COMMANDS, expected.as_slice());
        for stream in suangu_api::STREAMS {
            let subscribe = format!("{}_subscribe", stream.name);
            assert!(STREAM_COMMANDS.contains(&subscribe.as_str()), "{subscribe}");
        }
    }

    #[test]
    fn the_main_window_may_call_every_command() {
        let main = allowed(include_str!("../capabilities/default.json"), "main");
        let every = set(COMMAND_NAMES.iter().chain(WINDOW_COMMANDS));
        assert_eq!(main, every);
    }

    /// The wall is viewer-only by construction: its capability allows exactly the commands that
    /// change nothing, and the streams. (The manifest in build.rs lists every command of the
    /// handler: both take `app_commands.rs`, so Tauri refuses the rest.)
    #[test]
    fn the_wall_window_may_call_only_what_changes_nothing() {
        let wall = allowed(include_str!("../capabilities/wall.json"), "wall");
        let reads = suangu_api::COMMANDS
            .iter()
            .filter(|c| !c.mutating)
            .map(|c| c.name);
        assert_eq!(wall, set(reads.chain(STREAM_COMMANDS.iter().copied())));
        for command in &wall {
            assert!(!suangu_api::is_mutating(command), "{command}");
        }
        for command in [
            "drill",
            "demo_play",
            "export_briefing",
            "wall_open",
            "account_sign_in",
            "account_sign_out",
        ] {
            assert!(!wall.contains(command), "the wall may call {command}");
        }
    }
}
