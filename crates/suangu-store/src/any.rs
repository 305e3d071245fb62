//! The store a `--db` URL names, whichever backend it is.

use crate::rows::{AggregateRow, Event, LedgerRow, Level, Scope};
use crate::{Location, PgStore, Result, SqliteStore, Store};
use jiff::Timestamp;
use suangu_core::Park;
use suangu_core::interval::IntervalRecord;

pub enum AnyStore {
    Sqlite(SqliteStore),
    Postgres(PgStore),
}

impl AnyStore {
    /// Open (and migrate) the store at `location`.
    pub async fn open(location: &Location) -> Result<Self> {
        Ok(match location {
            Location::Sqlite(path) => AnyStore::Sqlite(SqliteStore::open(path).await?),
            Location::Postgres(url) => AnyStore::Postgres(PgStore::open(url).await?),
        })
    }

    pub fn url(&self) -> &str {
        match self {
            AnyStore::Sqlite(s) => s.url(),
            AnyStore::Postgres(s) => s.url(),
        }
    }
}

impl Store for AnyStore {
    async fn write_intervals(&self, park: &Park, records: &[IntervalRecord]) -> Result<()> {
        match self {
            AnyStore::Sqlite(s) => s.write_intervals(park, records).await,
            AnyStore::Postgres(s) => s.write_intervals(park, records).await,
        }
    }

    async fn ledger(
        &self,
        park_id: &str,
        from: Timestamp,
        to: Timestamp,
    ) -> Result<Vec<LedgerRow>> {
        match self {
            AnyStore::Sqlite(s) => s.ledger(park_id, from, to).await,
            AnyStore::Postgres(s) => s.ledger(park_id, from, to).await,
        }
    }

    async fn aggregates(
        &self,
        park_id: &str,
        level: Level,
        scope: Scope,
        scope_id: &str,
        from: Timestamp,
        to: Timestamp,
    ) -> Result<Vec<AggregateRow>> {
        match self {
            AnyStore::Sqlite(s) => {
                s.aggregates(park_id, level, scope, scope_id, from, to)
                    .await
            }
            AnyStore::Postgres(s) => {
                s.aggregates(park_id, level, scope, scope_id, from, to)
                    .await
            }
        }
    }

    async fn add_event(&self, park_id: &str, event: &Event) -> Result<i64> {
        match self {
            AnyStore::Sqlite(s) => s.add_event(park_id, event).await,
            AnyStore::Postgres(s) => s.add_event(park_id, event).await,
        }
    }

    async fn events(&self, park_id: &str, from: Timestamp, to: Timestamp) -> Result<Vec<Event>> {
        match self {
            AnyStore::Sqlite(s) => s.events(park_id, from, to).await,
            AnyStore::Postgres(s) => s.events(park_id, from, to).await,
        }
    }

    async fn write_raw(
        &self,
        park_id: &str,
        series: &str,
        points: &[crate::chunk::Point],
        resolution: f64,
    ) -> Result<()> {
        match self {
            AnyStore::Sqlite(s) => s.write_raw(park_id, series, points, resolution).await,
            AnyStore::Postgres(s) => s.write_raw(park_id, series, points, resolution).await,
        }
    }

    async fn raw_range(
        &self,
        park_id: &str,
        series: &str,
        from: Timestamp,
        to: Timestamp,
    ) -> Result<Vec<crate::chunk::Point>> {
        match self {
            AnyStore::Sqlite(s) => s.raw_range(park_id, series, from, to).await,
            AnyStore::Postgres(s) => s.raw_range(park_id, series, from, to).await,
        }
    }
}
