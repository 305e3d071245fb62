//! `suangu serve`: the same UI and read-only API the window uses, over HTTP for browser walls.
//! Loopback only until access tokens exist (a later issue).

use crate::common::{Context, ExitCode};
use crate::i18n::{Key, Lang};
use axum::extract::{Path, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use clap::Args;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use suangu_api::Api;
use suangu_api::dto::{ApiError, ErrorCode};
use tower_http::services::ServeDir;
use tower_http::set_header::SetResponseHeaderLayer;

#[derive(Args, Debug)]
pub struct ServeArgs {
    /// Address to listen on (loopback only for now; port 0 picks a free port).
    #[arg(long, default_value = "127.0.0.1:8080")]
    bind: SocketAddr,
    /// The built UI (default: $SUANGU_UI_DIR, else ui/dist of this source tree).
    #[arg(long, value_name = "DIR")]
    ui_dir: Option<PathBuf>,
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
    if !args.bind.ip().is_loopback() {
        return Err(bad(format!(
            "--bind {}: only loopback addresses (127.0.0.1, ::1) are served until access tokens exist",
            args.bind
        )));
    }
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
    let api = Arc::new(context.open_park(false)?);

    let runtime = tokio::runtime::Runtime::new().map_err(|e| {
        eprintln!("{}: {e}", lang.text(Key::Failure));
        ExitCode::Failure
    })?;
    runtime.block_on(async move {
        let listener = tokio::net::TcpListener::bind(args.bind)
            .await
            .map_err(|e| {
                eprintln!("{}: --bind {}: {e}", lang.text(Key::Failure), args.bind);
                ExitCode::Failure
            })?;
        let local = listener.local_addr().map_err(|_| ExitCode::Failure)?;
        // One line on stdout, for people and for tests that pass port 0.
        println!("{} http://{local}/", lang.text(Key::Serving));
        tracing::info!(%local, ui = %ui_dir.display(), "serving");
        axum::serve(listener, router(api, ui_dir))
            .with_graceful_shutdown(shutdown())
            .await
            .map_err(|e| {
                eprintln!("{}: {e}", lang.text(Key::Failure));
                ExitCode::Failure
            })
    })?;
    Ok(())
}

fn router(api: Arc<Api>, ui_dir: PathBuf) -> Router {
    let header =
        |name, value| SetResponseHeaderLayer::overriding(name, HeaderValue::from_static(value));
    Router::new()
        .route("/api/{command}", get(command))
        .with_state(api)
        .fallback_service(ServeDir::new(ui_dir))
        .layer(header(header::CONTENT_SECURITY_POLICY, CSP))
        .layer(header(header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
        .layer(header(header::X_FRAME_OPTIONS, "DENY"))
        .layer(header(header::REFERRER_POLICY, "no-referrer"))
}

async fn command(State(api): State<Arc<Api>>, Path(name): Path<String>) -> Response {
    match api.call(&name) {
        Ok(value) => Json(value).into_response(),
        Err(error) => error_response(error),
    }
}

fn error_response(error: ApiError) -> Response {
    let status = match error.code {
        ErrorCode::UnknownCommand => StatusCode::NOT_FOUND,
        ErrorCode::ScenarioInvalid | ErrorCode::ScenarioUnreadable => {
            StatusCode::UNPROCESSABLE_ENTITY
        }
    };
    (status, Json(error)).into_response()
}

async fn shutdown() {
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
