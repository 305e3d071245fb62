//! `suangu serve`: the same UI and read-only API the window uses, over HTTP for browser walls,
//! with the live park pushed as server-sent events. On loopback it is open (as the window is);
//! on any other address (or with `--require-token`) every request needs a screen token
//! (`auth.rs`, `suangu token`).

use crate::auth::{Access, Auth};
use crate::common::{Context, ExitCode};
use crate::i18n::{Key, Lang};
use axum::extract::ws::{CloseFrame, Message, WebSocket, WebSocketUpgrade, close_code};
use axum::extract::{Extension, Path, Query, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware;
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::serve::ListenerExt;
use axum::{Json, Router};
use clap::Args;
use std::collections::HashMap;
use std::convert::Infallible;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;
use suangu_api::Session;
use suangu_api::audit::{Action, Auditor, Role};
use suangu_api::dto::{ApiError, ErrorCode, HeatmapArgs, RackMetricName};
use suangu_api::live::{Live, live_frame};
use suangu_api::live::{LiveArgs, live_config};
use suangu_engine::live::LiveConfig;
use suangu_engine::observed::{Feed, feeds};
use suangu_store::AnyStore;
use tokio_stream::StreamExt;
use tokio_stream::wrappers::WatchStream;
use tower_http::services::ServeDir;
use tower_http::set_header::SetResponseHeaderLayer;

#[derive(Args, Debug)]
pub struct ServeArgs {
    /// Address to listen on (port 0 picks a free port). Off loopback (e.g. 0.0.0.0:8080) every
    /// request needs a screen token (`suangu token add`).
    #[arg(long, default_value = "127.0.0.1:8080")]
    bind: SocketAddr,
    /// Ask for a screen token on loopback too.
    #[arg(long)]
    require_token: bool,
    /// The built UI (default: $SUANGU_UI_DIR, else ui/dist of this source tree).
    #[arg(long, value_name = "DIR")]
    ui_dir: Option<PathBuf>,
    /// Show the park as its data sources measure it instead of running the digital twin: the
    /// data-source file `suangu run --config` reads into the same --db (checked against the
    /// scenario at start). Each value comes from its series' newest stored point (up to ~2 s
    /// behind), stale after 2.5 expected intervals; alarm rules (built-in, or --alarms) are
    /// evaluated on it; commands that need the twin (drills, N-1, capacity, the scheduler)
    /// answer not_ready.
    #[arg(
        long,
        value_name = "FILE",
        conflicts_with_all = ["speed", "demo", "record_racks", "tick_ms"]
    )]
    config: Option<PathBuf>,
    #[command(flatten)]
    live: LiveArgs,
}

type AppSession = Session<AnyStore>;

/// What drives the live picture: the twin, or the park's sources through the store.
enum Mode {
    Twin(Box<LiveConfig>),
    Observed(Vec<Feed>, Option<suangu_core::alarms::Rules>),
}

/// The content security policy of every response: nothing from elsewhere, no inline script.
const CSP: &str = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; \
                   img-src 'self' data:; font-src 'self'; connect-src 'self'; \
                   frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

pub fn run(args: ServeArgs, context: &Context, lang: Lang) -> Result<(), ExitCode> {
    let bad = |message: String| {
        eprintln!("{}: {message}", lang.text(Key::BadInput));
        ExitCode::BadInput
    };
    let network = !args.bind.ip().is_loopback();
    args.live.check().map_err(bad)?;
    let ui_dir = args
        .ui_dir
        .or_else(|| std::env::var_os("SUANGU_UI_DIR").map(PathBuf::from))
        .unwrap_or_else(|| PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../../ui/dist")));
    if !ui_dir.join("index.html").is_file() {
        return Err(bad(format!(
            "no built UI in {} (run `make ui`, or pass --ui-dir)",
            ui_dir.display()
        )));
    }
    let api = context.open_park(false)?;
    let (api, mode) = match &args.config {
        // A bad file is bad input (exit 2) with its line and field, as `check --config` says.
        Some(file) => {
            let feeds = feeds(&crate::sources::load(file, &api, false)?);
            // The built-in rules of the park, or --alarms FILE's (a bad one is exit 2).
            let rules = suangu_api::live::alarm_rules(api.park(), args.live.alarms.as_deref())
                .map_err(|e| bad(e.message))?;
            tracing::info!(file = %file.display(), series = feeds.len(), "observing the park from its sources");
            (api, Mode::Observed(feeds, rules))
        }
        None => {
            let (api, config) = live_config(api, &args.live).map_err(|e| bad(e.message))?;
            let config = LiveConfig {
                raw_log: Some(context.db.raw_log_dir(&api.park().scenario().park.id)),
                ..config
            };
            (api, Mode::Twin(Box::new(config)))
        }
    };

    let runtime = tokio::runtime::Runtime::new().map_err(|e| {
        eprintln!("{}: {e}", lang.text(Key::Failure));
        ExitCode::Failure
    })?;
    let park_id = api.park().scenario().park.id.clone();
    runtime.block_on(async move {
        let auth = if network || args.require_token {
            let store = AnyStore::open(&context.db).await.map_err(|e| {
                eprintln!("{}: {e}", lang.text(Key::Failure));
                ExitCode::Failure
            })?;
            let (auth, active) = Auth::open(store, park_id, lang).await.map_err(|e| {
                eprintln!("{}: {e}", lang.text(Key::Failure));
                ExitCode::Failure
            })?;
            if active == 0 {
                return Err(bad(format!(
                    "--bind {}: {}",
                    args.bind,
                    lang.text(Key::NoActiveTokens)
                )));
            }
            if network {
                eprintln!(
                    "{} ({}); {}: {active}",
                    lang.text(Key::NetworkWarning),
                    args.bind,
                    lang.text(Key::ActiveTokens)
                );
            }
            tokio::spawn(auth.clone().refresh());
            Some(auth)
        } else {
            None
        };
        let listener = tokio::net::TcpListener::bind(args.bind)
            .await
            .map_err(|e| {
                eprintln!("{}: --bind {}: {e}", lang.text(Key::Failure), args.bind);
                ExitCode::Failure
            })?;
        let local = listener.local_addr().map_err(|_| ExitCode::Failure)?;
        let live = start_live(&api, context, mode).await;
        if let Err(e) = &live {
            // The map and totals still work; live data and trends say why they do not.
            eprintln!("{}: {}", lang.text(Key::Failure), e.message);
        }
        let session = Arc::new(Session { api, live });
        // One line on stdout, for people and for tests that pass port 0.
        println!("{} http://{local}/", lang.text(Key::Serving));
        tracing::info!(%local, ui = %ui_dir.display(), db = %context.db, "serving");
        let stopping = session.clone();
        // Live pushes are small writes that must leave at once, not wait for an ACK (Nagle).
        let listener = listener.tap_io(|tcp| {
            if let Err(e) = tcp.set_nodelay(true) {
                tracing::debug!("TCP_NODELAY: {e}");
            }
        });
        let served = axum::serve(listener, router(session.clone(), ui_dir, auth))
            .with_graceful_shutdown(async move {
                shutdown_signal().await;
                // Ends the live streams, so open event streams do not hold the server up.
                stopping.shutdown().await;
            })
            .await;
        session.shutdown().await;
        served.map_err(|e| {
            eprintln!("{}: {e}", lang.text(Key::Failure));
            ExitCode::Failure
        })
    })?;
    Ok(())
}

async fn start_live(
    api: &suangu_api::Api,
    context: &Context,
    mode: Mode,
) -> Result<Live<AnyStore>, ApiError> {
    let store = Arc::new(
        AnyStore::open(&context.db)
            .await
            .map_err(suangu_api::live::store_error)?,
    );
    match mode {
        Mode::Twin(config) => Live::start(api.park().clone(), context.seed, store, *config).await,
        Mode::Observed(feeds, rules) => Ok(Live::observe(
            api.park().clone(),
            store,
            feeds,
            suangu_store::ingest::PUBLISH_OPEN_EVERY,
            rules,
        )),
    }
}

/// Every route; with `auth`, everything but `/login` behind a token. The security headers go
/// on every response, refusals included. `ServeDir` never lists a folder: a folder without an
/// index.html is 404.
fn router(session: Arc<AppSession>, ui_dir: PathBuf, auth: Option<Arc<Auth>>) -> Router {
    let header =
        |name, value| SetResponseHeaderLayer::overriding(name, HeaderValue::from_static(value));
    let app = Router::new()
        .route("/api/live", get(live))
        .route("/api/rack_heatmap.ws", get(heatmap_stream))
        .route("/api/{command}", get(command))
        .route_layer(header(header::CACHE_CONTROL, "no-store"))
        .layer(Extension(Arc::new(Auditor::open(Role::Viewer, "serve"))))
        .with_state(session)
        .fallback_service(ServeDir::new(ui_dir));
    let app = match auth {
        Some(auth) => app
            .layer(middleware::from_fn_with_state(
                auth.clone(),
                crate::auth::require_token,
            ))
            .merge(
                Router::new()
                    .route("/login", get(crate::auth::login))
                    .with_state(auth),
            ),
        None => app,
    };
    app.layer(header(header::CONTENT_SECURITY_POLICY, CSP))
        .layer(header(header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
        .layer(header(header::X_FRAME_OPTIONS, "DENY"))
        .layer(header(header::REFERRER_POLICY, "no-referrer"))
}

/// The live rack heatmap over a WebSocket: a binary frame (`suangu_api::heatmap::frame`) at once
/// and at every new sample of the racks, each stamped as it leaves. Pushed, not polled: a fetch
/// per frame costs a browser milliseconds of its network stack.
async fn heatmap_stream(
    State(session): State<Arc<AppSession>>,
    access: Option<Extension<Access>>,
    Query(query): Query<HashMap<String, String>>,
    ws: WebSocketUpgrade,
) -> Response {
    let args: HeatmapArgs = match suangu_api::parse("rack_heatmap.ws", query_args(query)) {
        Ok(args) => args,
        Err(error) => return error_response(error),
    };
    if args.at_s.is_some() {
        return error_response(ApiError {
            code: ErrorCode::BadArguments,
            message: "rack_heatmap.ws: live only; a past instant is a rack_heatmap question"
                .to_owned(),
            details: Vec::new(),
        });
    }
    if let Err(error) = session.live() {
        return error_response(error);
    }
    let access = access.map(|Extension(a)| a);
    ws.on_upgrade(move |socket| send_heatmap(socket, session, args.metric, access))
}

/// Sends until the client goes, the engine stops or the token it came with is revoked.
async fn send_heatmap(
    mut socket: WebSocket,
    session: Arc<AppSession>,
    metric: RackMetricName,
    access: Option<Access>,
) {
    let Ok(live) = session.live() else {
        return;
    };
    let mut feed = live.heatmap_feed(metric);
    loop {
        tokio::select! {
            next = feed.next() => match next {
                Some(Ok(_)) if access.as_ref().is_some_and(|a| !a.allowed()) => {
                    let _ = socket.send(Message::Close(Some(CloseFrame {
                        code: close_code::POLICY,
                        reason: "token revoked".into(),
                    }))).await;
                    return;
                }
                Some(Ok(mut frame)) => {
                    suangu_api::heatmap::frame::stamp_sent(&mut frame, unix_ms());
                    if socket.send(Message::Binary(frame.into())).await.is_err() {
                        return;
                    }
                }
                Some(Err(error)) => {
                    tracing::warn!(message = %error.message, "heatmap stream");
                    let _ = socket.send(Message::Close(Some(CloseFrame {
                        code: close_code::ERROR,
                        reason: error.message.into(),
                    }))).await;
                    return;
                }
                // The engine stopped (the server is shutting down).
                None => {
                    let _ = socket.send(Message::Close(Some(CloseFrame {
                        code: close_code::AWAY,
                        reason: "shutting down".into(),
                    }))).await;
                    return;
                }
            },
            // The client closed or went away; anything it sends is ignored.
            received = socket.recv() => if matches!(received, None | Some(Err(_)) | Some(Ok(Message::Close(_)))) {
                return;
            },
        }
    }
}

/// Now, unix milliseconds: the moment a frame leaves (read here, at the edge).
fn unix_ms() -> f64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0.0, |d| d.as_secs_f64() * 1000.0)
}

/// Query values are text; numbers become JSON numbers so typed arguments deserialize.
fn query_args(query: HashMap<String, String>) -> serde_json::Value {
    serde_json::Value::Object(
        query
            .into_iter()
            .map(|(k, v)| {
                let value = v
                    .parse::<u64>()
                    .map(serde_json::Value::from)
                    .unwrap_or(serde_json::Value::String(v));
                (k, value)
            })
            .collect(),
    )
}

async fn command(
    State(session): State<Arc<AppSession>>,
    Path(name): Path<String>,
    access: Option<Extension<Access>>,
    auditor: Extension<Arc<Result<Auditor, ApiError>>>,
    Query(query): Query<HashMap<String, String>>,
) -> Response {
    // The browser server is read-only: nothing it serves can change the park. A refusal is
    // logged (who tried, from which screen), and its answer says whether the log took it.
    if suangu_api::is_mutating(&name) {
        let refused = "refused: read-only server (viewer)";
        let logged = match (auditor.as_ref(), session.live()) {
            (Ok(auditor), Ok(live)) => {
                let who = access.map_or_else(
                    || "loopback".to_owned(),
                    |a| format!("screen token #{}", a.token_id()),
                );
                let action = Action {
                    action: name.clone(),
                    target: name.clone(),
                    outcome: refused.to_owned(),
                    ..Action::default()
                };
                live.audit(&auditor.acting_for(who), jiff::Timestamp::now(), action)
                    .await
                    .map(|_| ())
            }
            (Err(e), _) => Err(e.clone()),
            (_, Err(e)) => Err(e),
        };
        if let Err(e) = &logged {
            tracing::warn!(command = %name, "a refused command was not written to the audit log: {}", e.message);
        }
        return error_response(ApiError {
            code: ErrorCode::ReadOnly,
            message: format!("{name}: this server is read-only; drills run from the desktop app"),
            details: Vec::new(),
        });
    }
    match session.call(&name, query_args(query)).await {
        Ok(value) => Json(value).into_response(),
        Err(error) => error_response(error),
    }
}

/// Server-sent events: the current frame at once (a reconnecting client resumes from a
/// snapshot), then every new one; until the token the client came with is revoked.
async fn live(
    State(session): State<Arc<AppSession>>,
    access: Option<Extension<Access>>,
) -> Response {
    let live = match session.live() {
        Ok(live) => live,
        Err(error) => return error_response(error),
    };
    let stream = WatchStream::new(live.frames())
        .take_while(move |_| access.as_ref().is_none_or(|a| a.allowed()))
        .filter_map(|frame| {
            let frame = frame?;
            let event = Event::default()
                .event("frame")
                .json_data(live_frame(&frame))
                .ok()?;
            Some(Ok::<_, Infallible>(event))
        });
    Sse::new(stream)
        .keep_alive(KeepAlive::new().interval(Duration::from_secs(15)))
        .into_response()
}

fn error_response(error: ApiError) -> Response {
    let status = match error.code {
        ErrorCode::UnknownCommand | ErrorCode::NoData => StatusCode::NOT_FOUND,
        ErrorCode::BadArguments | ErrorCode::ScenarioInvalid | ErrorCode::ScenarioUnreadable => {
            StatusCode::UNPROCESSABLE_ENTITY
        }
        ErrorCode::StoreUnavailable | ErrorCode::NotReady => StatusCode::SERVICE_UNAVAILABLE,
        ErrorCode::ReadOnly | ErrorCode::Forbidden => StatusCode::FORBIDDEN,
        ErrorCode::Throttled => StatusCode::TOO_MANY_REQUESTS,
    };
    (status, Json(error)).into_response()
}

pub(crate) async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        if let Ok(mut s) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        {
            s.recv().await;
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
}
