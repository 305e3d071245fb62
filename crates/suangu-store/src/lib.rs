//! The store: 15-minute and hourly aggregates per park, zone and centre, the green ledger and
//! events, in SQL through sqlx. SQLite (WAL) embedded by default; the [`Store`] trait is what the
//! engine and the CLI use, so PostgreSQL and the raw telemetry store slot in beside it.
//!
//! Architecture invariant: no park logic here. Rows are shaped from the core's
//! `IntervalRecord`; what the numbers mean is defined in the core. A database written by a newer
//! version is refused, never migrated down or half-migrated.

mod any;
pub mod audit;
pub mod chunk;
pub mod ingest;
mod location;
pub mod log;
mod postgres;
mod raw;
mod rows;
mod sql;
mod sqlite;

pub use any::AnyStore;
pub use location::Location;
pub use postgres::PgStore;
pub use raw::{
    CHUNK_SECONDS, ChunkRow, Pruned, Quarantined, RawBucket, RawRange, SeriesSpec, window_start,
};
pub use rows::{
    AggregateRow, Event, LedgerRow, Level, Scope, ScreenCredentials, ScreenToken, SourceReport,
    User,
};
pub use sqlite::SqliteStore;

use jiff::Timestamp;
use std::future::Future;
use suangu_core::Park;
use suangu_core::interval::IntervalRecord;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("cannot open database {url}: {message}")]
    Open { url: String, message: String },
    #[error(
        "database {url} was written by a newer version of Suangu (schema {found}, this version knows up to {supported}); use a newer Suangu or another --db"
    )]
    NewerSchema {
        url: String,
        found: i64,
        supported: i64,
    },
    #[error("cannot migrate database {url}: {message}")]
    Migrate { url: String, message: String },
    #[error(
        "database {url}: raw chunk of series {series} at {start} in table raw_chunks: {problem}"
    )]
    Chunk {
        url: String,
        series: String,
        start: Timestamp,
        problem: chunk::ChunkError,
    },
    /// `add_user` with a name already taken (disabled accounts keep theirs).
    #[error("user {name:?} already exists")]
    UserExists { name: String },
    /// A change to an account that does not exist.
    #[error("no user {name:?}")]
    NoSuchUser { name: String },
    /// Another process writes raw data through this append-log folder: one writer per folder.
    #[error(
        "raw log folder {dir}: another process (pid {holder}) is writing this store's raw data \
         through it; one writer per folder: stop that one, or give this one a store of its own"
    )]
    LogInUse { dir: String, holder: String },
    #[error("database {url}: {what}: {message}")]
    Query {
        url: String,
        what: &'static str,
        message: String,
    },
}

pub type Result<T> = std::result::Result<T, StoreError>;

/// What the rest of Suangu asks of a store. Implemented by [`SqliteStore`] and [`PgStore`].
pub trait Store: Send + Sync {
    /// Write finished intervals (idempotent: writing an interval again replaces it), and the
    /// hourly aggregates they complete, in one transaction.
    fn write_intervals(
        &self,
        park: &Park,
        records: &[IntervalRecord],
    ) -> impl Future<Output = Result<()>> + Send;

    /// The green ledger of `park_id` for intervals starting in `[from, to)`, in time order.
    fn ledger(
        &self,
        park_id: &str,
        from: Timestamp,
        to: Timestamp,
    ) -> impl Future<Output = Result<Vec<LedgerRow>>> + Send;

    /// Aggregates of one scope for intervals starting in `[from, to)`, in time order.
    fn aggregates(
        &self,
        park_id: &str,
        level: Level,
        scope: Scope,
        scope_id: &str,
        from: Timestamp,
        to: Timestamp,
    ) -> impl Future<Output = Result<Vec<AggregateRow>>> + Send;

    /// Record an event; returns its id.
    fn add_event(&self, park_id: &str, event: &Event) -> impl Future<Output = Result<i64>> + Send;

    /// Events of `park_id` in `[from, to)`, in time order.
    fn events(
        &self,
        park_id: &str,
        from: Timestamp,
        to: Timestamp,
    ) -> impl Future<Output = Result<Vec<Event>>> + Send;

    /// Keep `report` (JSON) as the newest health report of data source `source`, made at `at`.
    fn put_source_health(
        &self,
        park_id: &str,
        source: &str,
        at: Timestamp,
        report: &str,
    ) -> impl Future<Output = Result<()>> + Send;

    /// The newest health report of each data source of `park_id`, by source id.
    fn source_health(
        &self,
        park_id: &str,
    ) -> impl Future<Output = Result<Vec<SourceReport>>> + Send;

    /// Register raw series of `park_id` (idempotent: a known name keeps its id and takes the
    /// new resolution); their ids, in the order given.
    fn register_series(
        &self,
        park_id: &str,
        series: &[SeriesSpec],
    ) -> impl Future<Output = Result<Vec<i64>>> + Send;

    /// The id and resolution of the series `name` of `park_id`, if registered.
    fn series(
        &self,
        park_id: &str,
        name: &str,
    ) -> impl Future<Output = Result<Option<(i64, f64)>>> + Send;

    /// The ids of the series `names` of `park_id`, in the same order (None: not registered).
    fn series_ids(
        &self,
        park_id: &str,
        names: &[String],
    ) -> impl Future<Output = Result<Vec<Option<i64>>>> + Send;

    /// Each series' newest point at or before `at` within the chunk window holding `at` (None
    /// when it has none there): what a screen showed at that instant. Every writer's chunk of the
    /// window counts (see [`Store::raw_range`] for the point kept where they overlap).
    fn raw_snapshot(
        &self,
        series_ids: &[i64],
        at: Timestamp,
    ) -> impl Future<Output = Result<Vec<Option<chunk::Point>>>> + Send;

    /// The newest stored point of one series, however old (None: none). Reads only its newest
    /// window (every writer's chunk of it, merged); a damaged chunk there shows as no data (range
    /// reads quarantine and report it).
    fn raw_newest(
        &self,
        series_id: i64,
    ) -> impl Future<Output = Result<Option<chunk::Point>>> + Send;

    /// The newest chunk window start (Unix seconds) written for `park_id`: windows after it hold
    /// no chunk yet.
    fn raw_high_water(&self, park_id: &str) -> impl Future<Output = Result<Option<i64>>> + Send;

    /// Write `writer`'s chunks of windows after [`Store::raw_high_water`] (as `writer` saw it),
    /// durably (on disk when this returns, power loss included), in one transaction, without
    /// reading. Each writer has its own chunk of a window: a chunk of `writer` already there for
    /// the same window can only be an earlier, partial write of the same open chunk
    /// ([`ingest::RawIngest::write_open`]) and is replaced by the fuller one; other writers'
    /// chunks of it are left alone.
    fn insert_chunks(
        &self,
        park_id: &str,
        writer: &str,
        chunks: &[ChunkRow],
    ) -> impl Future<Output = Result<()>> + Send;

    /// Store raw points of one series as `writer`, in any order and any window: `writer`'s chunk
    /// of each window is read, merged (a point already stored for the same source time is
    /// replaced, so writing twice does not grow the store) and written back, durably; other
    /// writers' chunks are left alone (readers merge them). A stored chunk that fails its
    /// checksum is quarantined (moved to `raw_quarantine`) and reported; the new points are
    /// still stored.
    fn write_raw(
        &self,
        park_id: &str,
        writer: &str,
        series_id: i64,
        resolution: f64,
        points: &[chunk::Point],
    ) -> impl Future<Output = Result<Vec<Quarantined>>> + Send;

    /// Raw points of one series with source time in `[from, to)`, in time order, each source time
    /// once: the chunks several writers hold of a window are merged, and where two hold the same
    /// source time the point received last wins (on equal ingest times, the writer whose id
    /// sorts last). Chunks that fail their checksum are quarantined and reported beside the
    /// points, never silently dropped.
    fn raw_range(
        &self,
        series_id: i64,
        from: Timestamp,
        to: Timestamp,
    ) -> impl Future<Output = Result<RawRange>> + Send;

    /// The rollups of one series over `[from, to)`: one per 5-minute window while the chunks are
    /// kept, one per hour after retention removed them; in time order. Only the windows several
    /// writers hold are decoded (merged as [`Store::raw_range`] does, so a point is counted
    /// once); the others are answered from their chunk's rollup.
    fn raw_buckets(
        &self,
        series_id: i64,
        from: Timestamp,
        to: Timestamp,
    ) -> impl Future<Output = Result<Vec<RawBucket>>> + Send;

    /// Retention: fold the chunks of `park_id` older than `raw_before` into hourly rollups and
    /// delete them (several writers' chunks of a window merged first, a point counted once);
    /// delete hourly rollups older than `rollups_before`. One transaction.
    fn prune_raw(
        &self,
        park_id: &str,
        raw_before: Timestamp,
        rollups_before: Timestamp,
    ) -> impl Future<Output = Result<Pruned>> + Send;

    /// Add an access token for wall screen `screen` of `park_id`, by the SHA-256 hashes (hex) of
    /// the token and of its one-time link code; its id, or None when a token not revoked already
    /// has that screen name.
    fn add_screen_token(
        &self,
        park_id: &str,
        screen: &str,
        token_sha256: &str,
        link_sha256: &str,
        at: Timestamp,
    ) -> impl Future<Output = Result<Option<i64>>> + Send;

    /// Every access token of `park_id`, revoked ones too, oldest first.
    fn screen_tokens(&self, park_id: &str)
    -> impl Future<Output = Result<Vec<ScreenToken>>> + Send;

    /// Revoke the active token of `screen` (its link and sessions end with it); false when
    /// there is none.
    fn revoke_screen_token(
        &self,
        park_id: &str,
        screen: &str,
        at: Timestamp,
    ) -> impl Future<Output = Result<bool>> + Send;

    /// Spend a one-time link code (by hash): open a session (by hash) bound to its token, whose
    /// id is returned; None when no active token has that code (unknown, used or revoked). Once
    /// only, even when two requests race.
    fn redeem_screen_link(
        &self,
        park_id: &str,
        link_sha256: &str,
        session_sha256: &str,
        at: Timestamp,
    ) -> impl Future<Output = Result<Option<i64>>> + Send;

    /// The hashes of the active tokens of `park_id` and of their sessions.
    fn screen_credentials(
        &self,
        park_id: &str,
    ) -> impl Future<Output = Result<ScreenCredentials>> + Send;

    /// Record that tokens `ids` were used at `at`.
    fn touch_screen_tokens(
        &self,
        ids: &[i64],
        at: Timestamp,
    ) -> impl Future<Output = Result<()>> + Send;

    /// Append `entry` to the audit log of `park_id`, chained to the newest row by its MAC under
    /// `key`; its id. Writers racing for the same head: the loser retries on the new one.
    fn append_audit(
        &self,
        park_id: &str,
        entry: &audit::AuditEntry,
        key: &audit::AuditKey,
    ) -> impl Future<Output = Result<i64>> + Send;

    /// The audit log of `park_id`, oldest first (check it with [`audit::verify`]).
    fn audit_log(&self, park_id: &str)
    -> impl Future<Output = Result<Vec<audit::AuditRow>>> + Send;

    /// When and with what outcome `action` was done to `target` in the audit log of `park_id`
    /// at or after `since`, in the order they were written (e.g. a name's recent sign-ins).
    fn audit_outcomes(
        &self,
        park_id: &str,
        action: &str,
        target: &str,
        since: Timestamp,
    ) -> impl Future<Output = Result<Vec<(Timestamp, String)>>> + Send;

    /// Add the account `user.name` (its `created` and `updated` are stored as given);
    /// [`StoreError::UserExists`] when the name is taken, disabled accounts included.
    fn add_user(&self, user: &User) -> impl Future<Output = Result<()>> + Send;

    /// The account `name`, if there is one (disabled or not).
    fn user(&self, name: &str) -> impl Future<Output = Result<Option<User>>> + Send;

    /// Every account, by name.
    fn users(&self) -> impl Future<Output = Result<Vec<User>>> + Send;

    /// Replace the password hash (PHC string) of `name`; [`StoreError::NoSuchUser`] when there
    /// is no such account.
    fn set_user_password(
        &self,
        name: &str,
        password_phc: &str,
        at: Timestamp,
    ) -> impl Future<Output = Result<()>> + Send;

    /// Disable (or enable again) `name`; [`StoreError::NoSuchUser`] when there is no such
    /// account.
    fn set_user_disabled(
        &self,
        name: &str,
        disabled: bool,
        at: Timestamp,
    ) -> impl Future<Output = Result<()>> + Send;

    /// Give `name` another role (`viewer`, `operator` or `admin`); [`StoreError::NoSuchUser`]
    /// when there is no such account.
    fn set_user_role(
        &self,
        name: &str,
        role: &str,
        at: Timestamp,
    ) -> impl Future<Output = Result<()>> + Send;
}
