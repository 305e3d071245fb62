//! SQLite in WAL mode through sqlx.

use crate::rows::{AggregateRow, Event, LedgerRow, Level, Scope, quarter_rows};
use crate::{ChunkRow, Pruned, Quarantined, RawBucket, RawRange, SeriesSpec};
use crate::{Result, Store, StoreError};
use jiff::Timestamp;
use sqlx::migrate::Migrator;
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous,
};
use sqlx::{QueryBuilder, Row, Sqlite};
use std::path::Path;
use std::time::Duration;
use suangu_core::Park;
use suangu_core::green::{IntervalLedger, StorageState};
use suangu_core::interval::IntervalRecord;
use suangu_core::units::{Mw, Mwh};

/// Raw chunks replace the append log they came from, so their transactions are synced to disk
/// (the rest of the store runs with `synchronous = NORMAL`, safe against a process crash).
const DURABLE: Option<(&str, &str)> =
    Some(("PRAGMA synchronous = FULL", "PRAGMA synchronous = NORMAL"));

static MIGRATOR: Migrator = sqlx::migrate!("./migrations/sqlite");

pub struct SqliteStore {
    pool: SqlitePool,
    url: String,
}

impl SqliteStore {
    /// Open (creating it and its folder if needed) and migrate the database at `path`.
    pub async fn open(path: &Path) -> Result<Self> {
        let url = format!("sqlite://{}", path.display());
        let fail = |message: String| StoreError::Open {
            url: url.clone(),
            message,
        };
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir)
                .map_err(|e| fail(format!("cannot create {}: {e}", dir.display())))?;
        }
        let options = SqliteConnectOptions::new()
            .filename(path)
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Normal)
            .busy_timeout(Duration::from_secs(10))
            .foreign_keys(true);
        let pool = SqlitePoolOptions::new()
            .max_connections(4)
            .connect_with(options)
            .await
            .map_err(|e| fail(e.to_string()))?;
        let store = Self { pool, url };
        store.migrate().await?;
        Ok(store)
    }
}

crate::sql::impl_store!(
    SqliteStore,
    Sqlite,
    MIGRATOR,
    "SELECT name FROM sqlite_master WHERE type = 'table' AND name = '_sqlx_migrations'",
    DURABLE
);
