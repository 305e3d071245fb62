//! The store a `--db` URL names, whichever backend it is.

use crate::chunk::Point;
use crate::rows::{AggregateRow, Event, LedgerRow, Level, Scope};
use crate::{
    ChunkRow, Pruned, Quarantined, RawBucket, RawRange, ScreenCredentials, ScreenToken, SeriesSpec,
    User,
};
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

    async fn put_source_health(
        &self,
        park_id: &str,
        source: &str,
        at: Timestamp,
        report: &str,
    ) -> Result<()> {
        match self {
            AnyStore::Sqlite(s) => s.put_source_health(park_id, source, at, report).await,
            AnyStore::Postgres(s) => s.put_source_health(park_id, source, at, report).await,
        }
    }

    async fn source_health(&self, park_id: &str) -> Result<Vec<crate::SourceReport>> {
        match self {
            AnyStore::Sqlite(s) => s.source_health(park_id).await,
            AnyStore::Postgres(s) => s.source_health(park_id).await,
        }
    }

    async fn register_series(&self, park_id: &str, series: &[SeriesSpec]) -> Result<Vec<i64>> {
        match self {
            AnyStore::Sqlite(s) => s.register_series(park_id, series).await,
            AnyStore::Postgres(s) => s.register_series(park_id, series).await,
        }
    }

    async fn series(&self, park_id: &str, name: &str) -> Result<Option<(i64, f64)>> {
        match self {
            AnyStore::Sqlite(s) => s.series(park_id, name).await,
            AnyStore::Postgres(s) => s.series(park_id, name).await,
        }
    }

    async fn series_ids(&self, park_id: &str, names: &[String]) -> Result<Vec<Option<i64>>> {
        match self {
            AnyStore::Sqlite(s) => s.series_ids(park_id, names).await,
            AnyStore::Postgres(s) => s.series_ids(park_id, names).await,
        }
    }

    async fn raw_snapshot(&self, series_ids: &[i64], at: Timestamp) -> Result<Vec<Option<Point>>> {
        match self {
            AnyStore::Sqlite(s) => s.raw_snapshot(series_ids, at).await,
            AnyStore::Postgres(s) => s.raw_snapshot(series_ids, at).await,
        }
    }

    async fn raw_newest(&self, series_id: i64) -> Result<Option<Point>> {
        match self {
            AnyStore::Sqlite(s) => s.raw_newest(series_id).await,
            AnyStore::Postgres(s) => s.raw_newest(series_id).await,
        }
    }

    async fn raw_high_water(&self, park_id: &str) -> Result<Option<i64>> {
        match self {
            AnyStore::Sqlite(s) => s.raw_high_water(park_id).await,
            AnyStore::Postgres(s) => s.raw_high_water(park_id).await,
        }
    }

    async fn insert_chunks(&self, park_id: &str, writer: &str, chunks: &[ChunkRow]) -> Result<()> {
        match self {
            AnyStore::Sqlite(s) => s.insert_chunks(park_id, writer, chunks).await,
            AnyStore::Postgres(s) => s.insert_chunks(park_id, writer, chunks).await,
        }
    }

    async fn write_raw(
        &self,
        park_id: &str,
        writer: &str,
        series_id: i64,
        resolution: f64,
        points: &[Point],
    ) -> Result<Vec<Quarantined>> {
        match self {
            AnyStore::Sqlite(s) => {
                s.write_raw(park_id, writer, series_id, resolution, points)
                    .await
            }
            AnyStore::Postgres(s) => {
                s.write_raw(park_id, writer, series_id, resolution, points)
                    .await
            }
        }
    }

    async fn raw_range(&self, series_id: i64, from: Timestamp, to: Timestamp) -> Result<RawRange> {
        match self {
            AnyStore::Sqlite(s) => s.raw_range(series_id, from, to).await,
            AnyStore::Postgres(s) => s.raw_range(series_id, from, to).await,
        }
    }

    async fn raw_buckets(
        &self,
        series_id: i64,
        from: Timestamp,
        to: Timestamp,
    ) -> Result<Vec<RawBucket>> {
        match self {
            AnyStore::Sqlite(s) => s.raw_buckets(series_id, from, to).await,
            AnyStore::Postgres(s) => s.raw_buckets(series_id, from, to).await,
        }
    }

    async fn prune_raw(
        &self,
        park_id: &str,
        raw_before: Timestamp,
        rollups_before: Timestamp,
    ) -> Result<Pruned> {
        match self {
            AnyStore::Sqlite(s) => s.prune_raw(park_id, raw_before, rollups_before).await,
            AnyStore::Postgres(s) => s.prune_raw(park_id, raw_before, rollups_before).await,
        }
    }

    async fn add_screen_token(
        &self,
        park_id: &str,
        screen: &str,
        token_sha256: &str,
        link_sha256: &str,
        at: Timestamp,
    ) -> Result<Option<i64>> {
        match self {
            AnyStore::Sqlite(s) => {
                s.add_screen_token(park_id, screen, token_sha256, link_sha256, at)
                    .await
            }
            AnyStore::Postgres(s) => {
                s.add_screen_token(park_id, screen, token_sha256, link_sha256, at)
                    .await
            }
        }
    }

    async fn screen_tokens(&self, park_id: &str) -> Result<Vec<ScreenToken>> {
        match self {
            AnyStore::Sqlite(s) => s.screen_tokens(park_id).await,
            AnyStore::Postgres(s) => s.screen_tokens(park_id).await,
        }
    }

    async fn revoke_screen_token(
        &self,
        park_id: &str,
        screen: &str,
        at: Timestamp,
    ) -> Result<bool> {
        match self {
            AnyStore::Sqlite(s) => s.revoke_screen_token(park_id, screen, at).await,
            AnyStore::Postgres(s) => s.revoke_screen_token(park_id, screen, at).await,
        }
    }

    async fn redeem_screen_link(
        &self,
        park_id: &str,
        link_sha256: &str,
        session_sha256: &str,
        at: Timestamp,
    ) -> Result<Option<i64>> {
        match self {
            AnyStore::Sqlite(s) => {
                s.redeem_screen_link(park_id, link_sha256, session_sha256, at)
                    .await
            }
            AnyStore::Postgres(s) => {
                s.redeem_screen_link(park_id, link_sha256, session_sha256, at)
                    .await
            }
        }
    }

    async fn screen_credentials(&self, park_id: &str) -> Result<ScreenCredentials> {
        match self {
            AnyStore::Sqlite(s) => s.screen_credentials(park_id).await,
            AnyStore::Postgres(s) => s.screen_credentials(park_id).await,
        }
    }

    async fn touch_screen_tokens(&self, ids: &[i64], at: Timestamp) -> Result<()> {
        match self {
            AnyStore::Sqlite(s) => s.touch_screen_tokens(ids, at).await,
            AnyStore::Postgres(s) => s.touch_screen_tokens(ids, at).await,
        }
    }

    async fn append_audit(
        &self,
        park_id: &str,
        entry: &crate::audit::AuditEntry,
        key: &crate::audit::AuditKey,
    ) -> Result<i64> {
        match self {
            AnyStore::Sqlite(s) => s.append_audit(park_id, entry, key).await,
            AnyStore::Postgres(s) => s.append_audit(park_id, entry, key).await,
        }
    }

    async fn audit_log(&self, park_id: &str) -> Result<Vec<crate::audit::AuditRow>> {
        match self {
            AnyStore::Sqlite(s) => s.audit_log(park_id).await,
            AnyStore::Postgres(s) => s.audit_log(park_id).await,
        }
    }

    async fn audit_outcomes(
        &self,
        park_id: &str,
        action: &str,
        target: &str,
        since: Timestamp,
    ) -> Result<Vec<(Timestamp, String)>> {
        match self {
            AnyStore::Sqlite(s) => s.audit_outcomes(park_id, action, target, since).await,
            AnyStore::Postgres(s) => s.audit_outcomes(park_id, action, target, since).await,
        }
    }

    async fn add_user(&self, user: &User) -> Result<()> {
        match self {
            AnyStore::Sqlite(s) => s.add_user(user).await,
            AnyStore::Postgres(s) => s.add_user(user).await,
        }
    }

    async fn user(&self, name: &str) -> Result<Option<User>> {
        match self {
            AnyStore::Sqlite(s) => s.user(name).await,
            AnyStore::Postgres(s) => s.user(name).await,
        }
    }

    async fn users(&self) -> Result<Vec<User>> {
        match self {
            AnyStore::Sqlite(s) => s.users().await,
            AnyStore::Postgres(s) => s.users().await,
        }
    }

    async fn set_user_password(&self, name: &str, password_phc: &str, at: Timestamp) -> Result<()> {
        match self {
            AnyStore::Sqlite(s) => s.set_user_password(name, password_phc, at).await,
            AnyStore::Postgres(s) => s.set_user_password(name, password_phc, at).await,
        }
    }

    async fn set_user_disabled(&self, name: &str, disabled: bool, at: Timestamp) -> Result<()> {
        match self {
            AnyStore::Sqlite(s) => s.set_user_disabled(name, disabled, at).await,
            AnyStore::Postgres(s) => s.set_user_disabled(name, disabled, at).await,
        }
    }

    async fn set_user_role(&self, name: &str, role: &str, at: Timestamp) -> Result<()> {
        match self {
            AnyStore::Sqlite(s) => s.set_user_role(name, role, at).await,
            AnyStore::Postgres(s) => s.set_user_role(name, role, at).await,
        }
    }
}
