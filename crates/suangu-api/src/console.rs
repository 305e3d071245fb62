//! The desktop host's park: a [`Session`] that can be restarted with other live flags, so a
//! presenter can start (or stop) a demo pack from the window. Opening is the host's (it knows
//! where the store is); this type only decides when, and makes sure one session runs at a time.

use crate::dto::{ApiError, DemoArgs, DemoStatus, ErrorCode};
use crate::live::LiveArgs;
use crate::{Session, parse};
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use suangu_store::Store;

/// Opens a session for some live flags (the host's store, scenario and seed).
pub type Opener<S> = Box<
    dyn Fn(LiveArgs) -> Pin<Box<dyn Future<Output = Result<Session<S>, ApiError>> + Send>>
        + Send
        + Sync,
>;

type Current<S> = Option<Result<Arc<Session<S>>, ApiError>>;

pub struct Console<S: Store + 'static> {
    open: Opener<S>,
    /// The flags the host was started with; a stopped demo returns to them (without the demo).
    base: LiveArgs,
    current: tokio::sync::RwLock<Current<S>>,
}

impl<S: Store + 'static> Console<S> {
    pub fn new(base: LiveArgs, open: Opener<S>) -> Self {
        Self {
            open,
            base,
            current: tokio::sync::RwLock::new(None),
        }
    }

    /// The running session, opened on first use with the host's flags.
    pub async fn session(&self) -> Result<Arc<Session<S>>, ApiError> {
        if let Some(current) = self.current.read().await.as_ref() {
            return current.clone();
        }
        let mut current = self.current.write().await;
        if current.is_none() {
            *current = Some((self.open)(self.base.clone()).await.map(Arc::new));
        }
        current.clone().unwrap_or_else(|| Err(not_ready()))
    }

    /// Start a demo pack (or, without one, go back to the live park in real time): the running
    /// engine writes what it holds and stops, then the park restarts with the pack's start,
    /// pace and assets. Subscribers of the old engine see their stream end.
    pub async fn play(&self, args: DemoArgs) -> Result<DemoStatus, ApiError> {
        let playing = args.pack.is_some();
        let flags = LiveArgs {
            demo: args.pack,
            // A pack plays at its own pace; back to live, at the host's.
            speed: if playing { None } else { self.base.speed },
            ..self.base.clone()
        };
        flags.check().map_err(|message| ApiError {
            code: ErrorCode::BadArguments,
            message: format!("demo_play: {message}"),
            details: Vec::new(),
        })?;
        let mut current = self.current.write().await;
        if let Some(Ok(old)) = current.take() {
            old.shutdown().await;
        }
        let opened = (self.open)(flags).await.map(Arc::new);
        *current = Some(opened.clone());
        drop(current);
        Ok(opened?.live()?.demo_status())
    }

    /// Answer any command by name, `demo_play` included.
    pub async fn call(
        &self,
        command: &str,
        args: serde_json::Value,
    ) -> Result<serde_json::Value, ApiError> {
        if command == "demo_play" {
            let status = self.play(parse("demo_play", args)?).await?;
            return Ok(serde_json::to_value(status).unwrap_or(serde_json::Value::Null));
        }
        self.session().await?.call(command, args).await
    }

    /// Stop the running engine after writing what it holds.
    pub async fn shutdown(&self) {
        if let Some(Ok(session)) = self.current.read().await.as_ref() {
            session.shutdown().await;
        }
    }
}

fn not_ready() -> ApiError {
    ApiError {
        code: ErrorCode::NotReady,
        message: "the park is not open yet".to_owned(),
        details: Vec::new(),
    }
}
