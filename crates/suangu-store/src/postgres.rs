//! PostgreSQL through sqlx, for a shared deployment with several consoles. Same statements as
//! SQLite (see `sql.rs`); its own migrations in `migrations/postgres/`.

use crate::rows::{AggregateRow, Event, LedgerRow, Level, Scope, quarter_rows};
use crate::{ChunkRow, Pruned, Quarantined, RawBucket, RawRange, SeriesSpec};
use crate::{Location, Result, Store, StoreError};
use jiff::Timestamp;
use sqlx::migrate::Migrator;
use sqlx::postgres::{PgPool, PgPoolOptions};
use sqlx::{Postgres, QueryBuilder, Row};
use std::time::Duration;
use suangu_core::Park;
use suangu_core::green::{IntervalLedger, StorageState};
use suangu_core::interval::IntervalRecord;
use suangu_core::units::{Mw, Mwh};

/// PostgreSQL commits are durable by default (`synchronous_commit = on`).
const DURABLE: Option<(&str, &str)> = None;

static MIGRATOR: Migrator = sqlx::migrate!("./migrations/postgres");

pub struct PgStore {
    pool: PgPool,
    /// Shown in messages, with any password masked.
    url: String,
}

impl PgStore {
    /// Connect to `url` (postgres://user[:password]@host[:port]/database) and migrate.
    pub async fn open(url: &str) -> Result<Self> {
        let shown = Location::Postgres(url.to_owned()).to_string();
        let pool = PgPoolOptions::new()
            .max_connections(4)
            .acquire_timeout(Duration::from_secs(10))
            .connect(url)
            .await
            .map_err(|e| StoreError::Open {
                url: shown.clone(),
                message: e.to_string(),
            })?;
        let store = Self { pool, url: shown };
        store.migrate().await?;
        Ok(store)
    }
}

crate::sql::impl_store!(
    PgStore,
    Postgres,
    MIGRATOR,
    "SELECT tablename::text FROM pg_tables WHERE tablename = '_sqlx_migrations'",
    DURABLE
);
