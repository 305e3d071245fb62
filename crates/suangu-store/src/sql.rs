//! One implementation of [`crate::Store`] for every SQL backend: the statements are the same
//! text on SQLite and PostgreSQL (`$N` placeholders, `ON CONFLICT` upserts, `RETURNING`); only
//! the schema (per-backend migrations) and the connection differ.

/// Upsert tail of the ledger insert.
pub(crate) const LEDGER_UPSERT: &str = " ON CONFLICT (park, start_s) DO UPDATE SET \
    hours = excluded.hours, load_mwh = excluded.load_mwh, \
    gen_behind_meter_mwh = excluded.gen_behind_meter_mwh, gen_contract_mwh = excluded.gen_contract_mwh, \
    delivered_mwh = excluded.delivered_mwh, delivered_behind_meter_mwh = excluded.delivered_behind_meter_mwh, \
    charged_mwh = excluded.charged_mwh, grid_charged_mwh = excluded.grid_charged_mwh, \
    discharged_mwh = excluded.discharged_mwh, green_discharged_mwh = excluded.green_discharged_mwh, \
    exported_mwh = excluded.exported_mwh, curtailed_mwh = excluded.curtailed_mwh, \
    import_mwh = excluded.import_mwh, storage_mwh = excluded.storage_mwh, \
    storage_green_mwh = excluded.storage_green_mwh";

/// Bound parameters one statement may carry: SQLite's limit (PostgreSQL's is 65,535).
const MAX_PARAMETERS: usize = 32_766;

/// Rows per multi-row INSERT of `columns` columns, within [`MAX_PARAMETERS`].
pub(crate) const fn rows_per_insert(columns: usize) -> usize {
    MAX_PARAMETERS / columns
}

pub(crate) fn ts(seconds: i64) -> jiff::Timestamp {
    jiff::Timestamp::from_second(seconds).unwrap_or(jiff::Timestamp::UNIX_EPOCH)
}

/// Implements [`crate::Store`] for `$store` (fields `pool`, `url`) on the sqlx database `$db`,
/// and its migration: `$migrator`'s migrations, refusing a schema newer than it knows (`$exists`
/// is the query that names the migrations table when it exists).
macro_rules! impl_store {
    ($store:ident, $db:ty, $migrator:ident, $exists:expr, $durable:expr) => {
        impl $store {
            /// The URL this store was opened with (passwords never shown).
            pub fn url(&self) -> &str {
                &self.url
            }

            async fn migrate(&self) -> Result<()> {
                let supported = $migrator.iter().map(|m| m.version).max().unwrap_or(0);
                let has_table: Option<String> = sqlx::query_scalar($exists)
                    .fetch_optional(&self.pool)
                    .await
                    .map_err(|e| self.query_error("reading the schema version", e))?;
                if has_table.is_some() {
                    let found: Option<i64> =
                        sqlx::query_scalar("SELECT MAX(version) FROM _sqlx_migrations")
                            .fetch_one(&self.pool)
                            .await
                            .map_err(|e| self.query_error("reading the schema version", e))?;
                    if let Some(found) = found.filter(|v| *v > supported) {
                        return Err(StoreError::NewerSchema {
                            url: self.url.clone(),
                            found,
                            supported,
                        });
                    }
                }
                // Each migration runs in its own transaction: a failure leaves the previous version.
                $migrator.run(&self.pool).await.map_err(|e| StoreError::Migrate {
                    url: self.url.clone(),
                    message: e.to_string(),
                })
            }

            fn query_error(&self, what: &'static str, e: sqlx::Error) -> StoreError {
                StoreError::Query {
                    url: self.url.clone(),
                    what,
                    message: e.to_string(),
                }
            }
        }

impl Store for $store {
    async fn write_intervals(&self, park: &Park, records: &[IntervalRecord]) -> Result<()> {
        if records.is_empty() {
            return Ok(());
        }
        let park_id = park.scenario().park.id.as_str();
        let err = |e| self.query_error("writing intervals", e);
        let mut tx = self.pool.begin().await.map_err(err)?;

        let rows: Vec<AggregateRow> = records.iter().flat_map(|r| quarter_rows(park, r)).collect();
        for chunk in rows.chunks(crate::sql::rows_per_insert(8)) {
            let mut q: QueryBuilder<$db> = QueryBuilder::new(
                "INSERT INTO aggregates (park, level, scope, scope_id, start_s, it_mwh, facility_mwh, peak_it_mw) ",
            );
            q.push_values(chunk, |mut b, row| {
                b.push_bind(park_id)
                    .push_bind(Level::Quarter.as_str())
                    .push_bind(row.scope.as_str())
                    .push_bind(row.scope_id.as_str())
                    .push_bind(row.start.as_second())
                    .push_bind(row.it.0)
                    .push_bind(row.facility.0)
                    .push_bind(row.peak_it.0);
            });
            q.push(
                " ON CONFLICT (park, level, scope, scope_id, start_s) DO UPDATE SET \
                 it_mwh = excluded.it_mwh, facility_mwh = excluded.facility_mwh, peak_it_mw = excluded.peak_it_mw",
            );
            q.build().execute(&mut *tx).await.map_err(err)?;
        }

        for chunk in records.chunks(crate::sql::rows_per_insert(17)) {
            let mut q: QueryBuilder<$db> = QueryBuilder::new(
                "INSERT INTO green_ledger (park, start_s, hours, load_mwh, gen_behind_meter_mwh, \
                 gen_contract_mwh, delivered_mwh, delivered_behind_meter_mwh, charged_mwh, grid_charged_mwh, \
                 discharged_mwh, green_discharged_mwh, exported_mwh, curtailed_mwh, import_mwh, storage_mwh, \
                 storage_green_mwh) ",
            );
            q.push_values(chunk, |mut b, r| {
                let l = &r.ledger;
                b.push_bind(park_id)
                    .push_bind(r.start.as_second())
                    .push_bind(r.hours)
                    .push_bind(l.load.0)
                    .push_bind(l.gen_behind_meter.0)
                    .push_bind(l.gen_contract.0)
                    .push_bind(l.delivered.0)
                    .push_bind(l.delivered_behind_meter.0)
                    .push_bind(l.charged.0)
                    .push_bind(l.grid_charged.0)
                    .push_bind(l.discharged.0)
                    .push_bind(l.green_discharged.0)
                    .push_bind(l.exported.0)
                    .push_bind(l.curtailed.0)
                    .push_bind(l.import.0)
                    .push_bind(l.storage_end.energy.0)
                    .push_bind(l.storage_end.green.0);
            });
            q.push(crate::sql::LEDGER_UPSERT);
            q.build().execute(&mut *tx).await.map_err(err)?;
        }

        // Hourly aggregates of every hour these intervals touch, from the 15-minute rows.
        let first = records
            .iter()
            .map(|r| r.start.as_second())
            .min()
            .unwrap_or(0);
        let last = records
            .iter()
            .map(|r| r.start.as_second())
            .max()
            .unwrap_or(0);
        let from = first.div_euclid(3600) * 3600;
        let to = (last.div_euclid(3600) + 1) * 3600;
        sqlx::query(
            "INSERT INTO aggregates (park, level, scope, scope_id, start_s, it_mwh, facility_mwh, peak_it_mw) \
             SELECT park, '1h', scope, scope_id, (start_s / 3600) * 3600, SUM(it_mwh), SUM(facility_mwh), MAX(peak_it_mw) \
             FROM aggregates WHERE park = $1 AND level = '15m' AND start_s >= $2 AND start_s < $3 \
             GROUP BY park, scope, scope_id, (start_s / 3600) * 3600 \
             ON CONFLICT (park, level, scope, scope_id, start_s) DO UPDATE SET \
             it_mwh = excluded.it_mwh, facility_mwh = excluded.facility_mwh, peak_it_mw = excluded.peak_it_mw",
        )
        .bind(park_id)
        .bind(from)
        .bind(to)
        .execute(&mut *tx)
        .await
        .map_err(err)?;
        tx.commit().await.map_err(err)
    }

    async fn ledger(
        &self,
        park_id: &str,
        from: Timestamp,
        to: Timestamp,
    ) -> Result<Vec<LedgerRow>> {
        let rows = sqlx::query(
            "SELECT start_s, hours, load_mwh, gen_behind_meter_mwh, gen_contract_mwh, delivered_mwh, \
             delivered_behind_meter_mwh, charged_mwh, grid_charged_mwh, discharged_mwh, green_discharged_mwh, \
             exported_mwh, curtailed_mwh, import_mwh, storage_mwh, storage_green_mwh \
             FROM green_ledger WHERE park = $1 AND start_s >= $2 AND start_s < $3 ORDER BY start_s",
        )
        .bind(park_id)
        .bind(from.as_second())
        .bind(to.as_second())
        .fetch_all(&self.pool)
        .await
        .map_err(|e| self.query_error("reading the green ledger", e))?;
        rows.iter()
            .map(|row| {
                let f = |i: usize| row.try_get::<f64, _>(i).map(Mwh);
                Ok(LedgerRow {
                    start: crate::sql::ts(row.try_get(0)?),
                    hours: row.try_get(1)?,
                    ledger: IntervalLedger {
                        load: f(2)?,
                        gen_behind_meter: f(3)?,
                        gen_contract: f(4)?,
                        delivered: f(5)?,
                        delivered_behind_meter: f(6)?,
                        charged: f(7)?,
                        grid_charged: f(8)?,
                        discharged: f(9)?,
                        green_discharged: f(10)?,
                        exported: f(11)?,
                        curtailed: f(12)?,
                        import: f(13)?,
                        storage_end: StorageState {
                            energy: f(14)?,
                            green: f(15)?,
                        },
                    },
                })
            })
            .collect::<std::result::Result<_, sqlx::Error>>()
            .map_err(|e| self.query_error("reading the green ledger", e))
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
        let rows: Vec<(i64, f64, f64, f64)> = sqlx::query_as(
            "SELECT start_s, it_mwh, facility_mwh, peak_it_mw FROM aggregates \
             WHERE park = $1 AND level = $2 AND scope = $3 AND scope_id = $4 AND start_s >= $5 AND start_s < $6 \
             ORDER BY start_s",
        )
        .bind(park_id)
        .bind(level.as_str())
        .bind(scope.as_str())
        .bind(scope_id)
        .bind(from.as_second())
        .bind(to.as_second())
        .fetch_all(&self.pool)
        .await
        .map_err(|e| self.query_error("reading aggregates", e))?;
        Ok(rows
            .into_iter()
            .map(|(start, it, facility, peak)| AggregateRow {
                scope,
                scope_id: scope_id.to_owned(),
                start: crate::sql::ts(start),
                it: Mwh(it),
                facility: Mwh(facility),
                peak_it: Mw(peak),
            })
            .collect())
    }

    async fn add_event(&self, park_id: &str, event: &Event) -> Result<i64> {
        let (id,): (i64,) = sqlx::query_as(
            "INSERT INTO events (park, at_s, kind, target, detail) VALUES ($1, $2, $3, $4, $5) RETURNING id",
        )
        .bind(park_id)
        .bind(event.at.as_second())
        .bind(&event.kind)
        .bind(&event.target)
        .bind(&event.detail)
        .fetch_one(&self.pool)
        .await
        .map_err(|e| self.query_error("recording an event", e))?;
        Ok(id)
    }

    async fn put_source_health(&self, park_id: &str, source: &str, at: Timestamp, report: &str) -> Result<()> {
        sqlx::query(
            "INSERT INTO source_health (park, source, at_ms, report) VALUES ($1, $2, $3, $4) \
             ON CONFLICT (park, source) DO UPDATE SET at_ms = excluded.at_ms, report = excluded.report",
        )
        .bind(park_id)
        .bind(source)
        .bind(at.as_millisecond())
        .bind(report)
        .execute(&self.pool)
        .await
        .map_err(|e| self.query_error("recording a source's health", e))?;
        Ok(())
    }

    async fn source_health(&self, park_id: &str) -> Result<Vec<crate::SourceReport>> {
        let rows: Vec<(String, i64, String)> = sqlx::query_as(
            "SELECT source, at_ms, report FROM source_health WHERE park = $1 ORDER BY source",
        )
        .bind(park_id)
        .fetch_all(&self.pool)
        .await
        .map_err(|e| self.query_error("reading the sources' health", e))?;
        Ok(rows
            .into_iter()
            .map(|(source, at_ms, report)| crate::SourceReport {
                source,
                at: Timestamp::from_millisecond(at_ms).unwrap_or(Timestamp::UNIX_EPOCH),
                report,
            })
            .collect())
    }

    async fn events(&self, park_id: &str, from: Timestamp, to: Timestamp) -> Result<Vec<Event>> {
        let rows: Vec<(i64, String, String, String)> = sqlx::query_as(
            "SELECT at_s, kind, target, detail FROM events WHERE park = $1 AND at_s >= $2 AND at_s < $3 ORDER BY at_s, id",
        )
        .bind(park_id)
        .bind(from.as_second())
        .bind(to.as_second())
        .fetch_all(&self.pool)
        .await
        .map_err(|e| self.query_error("reading events", e))?;
        Ok(rows
            .into_iter()
            .map(|(at, kind, target, detail)| Event {
                at: crate::sql::ts(at),
                kind,
                target,
                detail,
            })
            .collect())
    }
    async fn register_series(&self, park_id: &str, series: &[SeriesSpec]) -> Result<Vec<i64>> {
        use std::collections::HashMap;
        let err = |e| self.query_error("registering raw series", e);
        let mut tx = self.pool.begin().await.map_err(err)?;
        for chunk in series.chunks(crate::sql::rows_per_insert(3)) {
            let mut q: QueryBuilder<$db> =
                QueryBuilder::new("INSERT INTO raw_series (park, name, resolution) ");
            q.push_values(chunk, |mut b, s| {
                b.push_bind(park_id).push_bind(s.name.as_str()).push_bind(s.resolution);
            });
            q.push(" ON CONFLICT (park, name) DO UPDATE SET resolution = excluded.resolution");
            q.build().execute(&mut *tx).await.map_err(err)?;
        }
        let known: HashMap<String, i64> =
            sqlx::query_as::<_, (i64, String)>("SELECT id, name FROM raw_series WHERE park = $1")
                .bind(park_id)
                .fetch_all(&mut *tx)
                .await
                .map_err(err)?
                .into_iter()
                .map(|(id, name)| (name, id))
                .collect();
        tx.commit().await.map_err(err)?;
        series
            .iter()
            .map(|s| {
                known.get(&s.name).copied().ok_or_else(|| StoreError::Query {
                    url: self.url.clone(),
                    what: "registering raw series",
                    message: format!("series {} missing after registration", s.name),
                })
            })
            .collect()
    }

    async fn series(&self, park_id: &str, name: &str) -> Result<Option<(i64, f64)>> {
        sqlx::query_as("SELECT id, resolution FROM raw_series WHERE park = $1 AND name = $2")
            .bind(park_id)
            .bind(name)
            .fetch_optional(&self.pool)
            .await
            .map_err(|e| self.query_error("looking up a raw series", e))
    }

    async fn series_ids(&self, park_id: &str, names: &[String]) -> Result<Vec<Option<i64>>> {
        use std::collections::HashMap;
        let known: HashMap<String, i64> =
            sqlx::query_as::<_, (i64, String)>("SELECT id, name FROM raw_series WHERE park = $1")
                .bind(park_id)
                .fetch_all(&self.pool)
                .await
                .map_err(|e| self.query_error("looking up raw series", e))?
                .into_iter()
                .map(|(id, name)| (name, id))
                .collect();
        Ok(names.iter().map(|n| known.get(n).copied()).collect())
    }

    async fn raw_snapshot(
        &self,
        series_ids: &[i64],
        at: Timestamp,
    ) -> Result<Vec<Option<crate::chunk::Point>>> {
        use std::collections::HashMap;
        let err = |e| self.query_error("reading a raw snapshot", e);
        let at_ms = at.as_millisecond();
        let window = crate::window_start(at_ms);
        let mut found: HashMap<i64, crate::chunk::Point> = HashMap::new();
        for ids in series_ids.chunks(crate::sql::rows_per_insert(1) - 1) {
            let mut q: QueryBuilder<$db> = QueryBuilder::new(
                "SELECT series, writer, bytes FROM raw_chunks WHERE start_s = ",
            );
            q.push_bind(window).push(" AND series IN (");
            let mut list = q.separated(", ");
            for id in ids {
                list.push_bind(*id);
            }
            q.push(") ORDER BY series, writer");
            let rows: Vec<(i64, String, Vec<u8>)> =
                q.build_query_as().fetch_all(&self.pool).await.map_err(err)?;
            for chunks in rows.chunk_by(|a, b| a.0 == b.0) {
                // A damaged chunk shows as no data here; range reads quarantine and report it.
                let (points, _) = crate::raw::decode_window(
                    chunks.iter().map(|(_, writer, bytes)| (writer.as_str(), bytes.as_slice())),
                );
                if let (Some((series, ..)), Some(p)) =
                    (chunks.first(), points.iter().rev().find(|p| p.source_ms <= at_ms))
                {
                    found.insert(*series, *p);
                }
            }
        }
        Ok(series_ids.iter().map(|id| found.get(id).copied()).collect())
    }

    async fn raw_newest(&self, series_id: i64) -> Result<Option<crate::chunk::Point>> {
        let rows: Vec<(String, Vec<u8>)> = sqlx::query_as(
            "SELECT writer, bytes FROM raw_chunks WHERE series = $1 \
             AND start_s = (SELECT MAX(start_s) FROM raw_chunks WHERE series = $1) ORDER BY writer",
        )
        .bind(series_id)
        .fetch_all(&self.pool)
        .await
        .map_err(|e| self.query_error("reading a series' newest point", e))?;
        let (points, _) = crate::raw::decode_window(
            rows.iter().map(|(writer, bytes)| (writer.as_str(), bytes.as_slice())),
        );
        Ok(points.last().copied())
    }

    async fn raw_high_water(&self, park_id: &str) -> Result<Option<i64>> {
        sqlx::query_scalar("SELECT high_s FROM raw_marks WHERE park = $1")
            .bind(park_id)
            .fetch_optional(&self.pool)
            .await
            .map_err(|e| self.query_error("reading the raw high-water mark", e))
    }

    async fn insert_chunks(&self, park_id: &str, writer: &str, chunks: &[ChunkRow]) -> Result<()> {
        let Some(high) = chunks.iter().map(|c| c.start_s).max() else {
            return Ok(());
        };
        let err = |e| self.query_error("inserting raw chunks", e);
        let mut conn = self.pool.acquire().await.map_err(err)?;
        if let Some((durable, _)) = $durable {
            sqlx::query(durable).execute(&mut *conn).await.map_err(err)?;
        }
        let mut tx = sqlx::Connection::begin(&mut *conn).await.map_err(err)?;
        for rows in chunks.chunks(crate::sql::rows_per_insert(9)) {
            let mut q: QueryBuilder<$db> = QueryBuilder::new(
                "INSERT INTO raw_chunks (series, start_s, writer, points, valued, min, max, sum, bytes) ",
            );
            q.push_values(rows, |mut b, c| {
                let (min, max) = crate::sql::min_max(&c.stats);
                b.push_bind(c.series)
                    .push_bind(c.start_s)
                    .push_bind(writer)
                    .push_bind(crate::sql::count(c.stats.points))
                    .push_bind(crate::sql::count(c.stats.valued))
                    .push_bind(min)
                    .push_bind(max)
                    .push_bind(c.stats.sum)
                    .push_bind(c.bytes.as_slice());
            });
            q.push(
                " ON CONFLICT (series, start_s, writer) DO UPDATE SET points = excluded.points, \
                 valued = excluded.valued, min = excluded.min, max = excluded.max, \
                 sum = excluded.sum, bytes = excluded.bytes",
            );
            q.build().execute(&mut *tx).await.map_err(err)?;
        }
        crate::sql::raise_mark!(tx, park_id, high, err);
        tx.commit().await.map_err(err)?;
        if let Some((_, normal)) = $durable {
            sqlx::query(normal).execute(&mut *conn).await.map_err(err)?;
        }
        Ok(())
    }

    async fn write_raw(
        &self,
        park_id: &str,
        writer: &str,
        series_id: i64,
        resolution: f64,
        points: &[crate::chunk::Point],
    ) -> Result<Vec<Quarantined>> {
        use crate::chunk::{ChunkBuilder, Point};
        use std::collections::BTreeMap;
        let err = |e| self.query_error("writing raw chunks", e);
        let chunk_err = |start_s: i64, problem| StoreError::Chunk {
            url: self.url.clone(),
            series: series_id.to_string(),
            start: crate::sql::ts(start_s),
            problem,
        };
        let mut windows: BTreeMap<i64, BTreeMap<i64, Point>> = BTreeMap::new();
        for p in points {
            windows
                .entry(crate::window_start(p.source_ms))
                .or_default()
                .insert(p.source_ms, *p);
        }
        let Some(high) = windows.keys().next_back().copied() else {
            return Ok(Vec::new());
        };
        let mut quarantined = Vec::new();
        let mut conn = self.pool.acquire().await.map_err(err)?;
        if let Some((durable, _)) = $durable {
            sqlx::query(durable).execute(&mut *conn).await.map_err(err)?;
        }
        let mut tx = sqlx::Connection::begin(&mut *conn).await.map_err(err)?;
        for (start_s, fresh) in windows {
            let old: Option<(Vec<u8>,)> = sqlx::query_as(
                "SELECT bytes FROM raw_chunks WHERE series = $1 AND start_s = $2 AND writer = $3",
            )
            .bind(series_id)
            .bind(start_s)
            .bind(writer)
            .fetch_optional(&mut *tx)
            .await
            .map_err(err)?;
            let mut merged: BTreeMap<i64, Point> = BTreeMap::new();
            if let Some((bytes,)) = old {
                match crate::chunk::decode(&bytes) {
                    Ok(stored) => merged.extend(stored.into_iter().map(|p| (p.source_ms, p))),
                    Err(problem) => {
                        crate::sql::quarantine!(tx, series_id, start_s, writer, problem, err);
                        quarantined.push(Quarantined {
                            series: series_id,
                            start: crate::sql::ts(start_s),
                            writer: writer.to_owned(),
                            problem: problem.to_string(),
                        });
                    }
                }
            }
            merged.extend(fresh);
            let mut builder = ChunkBuilder::new(resolution).map_err(|p| chunk_err(start_s, p))?;
            for p in merged.values() {
                builder.push(p).map_err(|p| chunk_err(start_s, p))?;
            }
            let (bytes, stats) = builder.finish();
            let (min, max) = crate::sql::min_max(&stats);
            sqlx::query(
                "INSERT INTO raw_chunks (series, start_s, writer, points, valued, min, max, sum, bytes) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) \
                 ON CONFLICT (series, start_s, writer) DO UPDATE SET \
                 points = excluded.points, valued = excluded.valued, min = excluded.min, \
                 max = excluded.max, sum = excluded.sum, bytes = excluded.bytes",
            )
            .bind(series_id)
            .bind(start_s)
            .bind(writer)
            .bind(crate::sql::count(stats.points))
            .bind(crate::sql::count(stats.valued))
            .bind(min)
            .bind(max)
            .bind(stats.sum)
            .bind(bytes)
            .execute(&mut *tx)
            .await
            .map_err(err)?;
        }
        crate::sql::raise_mark!(tx, park_id, high, err);
        tx.commit().await.map_err(err)?;
        if let Some((_, normal)) = $durable {
            sqlx::query(normal).execute(&mut *conn).await.map_err(err)?;
        }
        Ok(quarantined)
    }

    async fn raw_range(&self, series_id: i64, from: Timestamp, to: Timestamp) -> Result<RawRange> {
        let err = |e| self.query_error("reading raw chunks", e);
        let rows: Vec<(i64, String, Vec<u8>)> = sqlx::query_as(
            "SELECT start_s, writer, bytes FROM raw_chunks WHERE series = $1 \
             AND start_s >= $2 AND start_s < $3 ORDER BY start_s, writer",
        )
        .bind(series_id)
        .bind(crate::window_start(from.as_millisecond()))
        .bind(to.as_second())
        .fetch_all(&self.pool)
        .await
        .map_err(err)?;
        let (from_ms, to_ms) = (from.as_millisecond(), to.as_millisecond());
        let mut out = RawRange::default();
        for chunks in rows.chunk_by(|a, b| a.0 == b.0) {
            let Some(&(start_s, ..)) = chunks.first() else { continue };
            let (points, damaged) = crate::raw::decode_window(
                chunks.iter().map(|(_, writer, bytes)| (writer.as_str(), bytes.as_slice())),
            );
            out.points.extend(
                points
                    .into_iter()
                    .filter(|p| p.source_ms >= from_ms && p.source_ms < to_ms),
            );
            for (writer, problem) in damaged {
                let mut tx = self.pool.begin().await.map_err(err)?;
                crate::sql::quarantine!(tx, series_id, start_s, writer, problem, err);
                tx.commit().await.map_err(err)?;
                out.quarantined.push(Quarantined {
                    series: series_id,
                    start: crate::sql::ts(start_s),
                    writer: writer.to_owned(),
                    problem: problem.to_string(),
                });
            }
        }
        Ok(out)
    }

    async fn raw_buckets(
        &self,
        series_id: i64,
        from: Timestamp,
        to: Timestamp,
    ) -> Result<Vec<RawBucket>> {
        type Row = (i64, i64, String, i32, i32, Option<f64>, Option<f64>, f64, Option<Vec<u8>>);
        // A window only one writer holds is answered from its chunk's rollup, without decoding;
        // one several writers hold comes with its chunks, merged here (a shared point once).
        let rows: Vec<Row> = sqlx::query_as(
            "SELECT c.start_s, CAST(300 AS BIGINT) AS seconds, c.writer, c.points, c.valued, c.min, \
             c.max, c.sum, CASE WHEN EXISTS (SELECT 1 FROM raw_chunks d WHERE d.series = c.series \
             AND d.start_s = c.start_s AND d.writer <> c.writer) THEN c.bytes END AS bytes \
             FROM raw_chunks c WHERE c.series = $1 AND c.start_s >= $2 AND c.start_s < $3 \
             UNION ALL \
             SELECT start_s, CAST(3600 AS BIGINT) AS seconds, '' AS writer, points, valued, min, \
             max, sum, NULL AS bytes FROM raw_rollups \
             WHERE series = $1 AND start_s >= $4 AND start_s < $3 ORDER BY start_s, seconds, writer",
        )
        .bind(series_id)
        .bind(crate::window_start(from.as_millisecond()))
        .bind(to.as_second())
        .bind(from.as_second().div_euclid(3600) * 3600)
        .fetch_all(&self.pool)
        .await
        .map_err(|e| self.query_error("reading raw rollups", e))?;
        let mut out = Vec::with_capacity(rows.len());
        for group in rows.chunk_by(|a, b| (a.0, a.1, a.8.is_some()) == (b.0, b.1, b.8.is_some())) {
            let Some(&(start_s, seconds, ..)) = group.first() else { continue };
            let shared = group.iter().filter_map(|r| Some((r.2.as_str(), r.8.as_deref()?)));
            let (points, _) = crate::raw::decode_window(shared);
            if points.is_empty() {
                // Buckets of rollups; a damaged chunk of a shared window shows as no data here
                // (range reads quarantine and report it).
                out.extend(group.iter().filter(|r| r.8.is_none()).map(
                    |&(start_s, seconds, _, points, valued, min, max, sum, _)| {
                        let count = |n: i32| u32::try_from(n).unwrap_or(0);
                        crate::sql::bucket(start_s, seconds, count(points), count(valued), min, max, sum)
                    },
                ));
            } else {
                let stats = crate::chunk::stats(&points);
                let (min, max) = crate::sql::min_max(&stats);
                out.push(crate::sql::bucket(start_s, seconds, stats.points, stats.valued, min, max, stats.sum));
            }
        }
        Ok(out)
    }

    async fn prune_raw(
        &self,
        park_id: &str,
        raw_before: Timestamp,
        rollups_before: Timestamp,
    ) -> Result<Pruned> {
        let err = |e| self.query_error("applying raw retention", e);
        // Whole hours only, so an hour's rollup is made from all of its chunks at once.
        let raw_before = raw_before.as_second().div_euclid(3600) * 3600;
        let mut tx = self.pool.begin().await.map_err(err)?;
        // A window several writers hold is merged first, so a point they share is counted once:
        // its first sound chunk takes the merged rollup and the others go.
        let shared: Vec<(i64, i64, String, Vec<u8>)> = sqlx::query_as(
            "SELECT c.series, c.start_s, c.writer, c.bytes FROM raw_chunks c \
             JOIN raw_series s ON s.id = c.series WHERE s.park = $1 AND c.start_s < $2 \
             AND EXISTS (SELECT 1 FROM raw_chunks d WHERE d.series = c.series \
             AND d.start_s = c.start_s AND d.writer <> c.writer) \
             ORDER BY c.series, c.start_s, c.writer",
        )
        .bind(park_id)
        .bind(raw_before)
        .fetch_all(&mut *tx)
        .await
        .map_err(err)?;
        let (mut merged_away, mut quarantined) = (0u64, Vec::new());
        for window in shared.chunk_by(|a, b| (a.0, a.1) == (b.0, b.1)) {
            let Some(&(series, start_s, ..)) = window.first() else { continue };
            let (points, damaged) = crate::raw::decode_window(
                window.iter().map(|(_, _, writer, bytes)| (writer.as_str(), bytes.as_slice())),
            );
            for (writer, problem) in &damaged {
                crate::sql::quarantine!(tx, series, start_s, *writer, problem, err);
                quarantined.push(Quarantined {
                    series,
                    start: crate::sql::ts(start_s),
                    writer: (*writer).to_owned(),
                    problem: problem.to_string(),
                });
            }
            let Some((_, _, keep, _)) = window
                .iter()
                .find(|(_, _, writer, _)| !damaged.iter().any(|(d, _)| d == writer))
            else {
                continue;
            };
            let stats = crate::chunk::stats(&points);
            let (min, max) = crate::sql::min_max(&stats);
            sqlx::query(
                "UPDATE raw_chunks SET points = $4, valued = $5, min = $6, max = $7, sum = $8 \
                 WHERE series = $1 AND start_s = $2 AND writer = $3",
            )
            .bind(series)
            .bind(start_s)
            .bind(keep)
            .bind(crate::sql::count(stats.points))
            .bind(crate::sql::count(stats.valued))
            .bind(min)
            .bind(max)
            .bind(stats.sum)
            .execute(&mut *tx)
            .await
            .map_err(err)?;
            merged_away += sqlx::query(
                "DELETE FROM raw_chunks WHERE series = $1 AND start_s = $2 AND writer <> $3",
            )
            .bind(series)
            .bind(start_s)
            .bind(keep)
            .execute(&mut *tx)
            .await
            .map_err(err)?
            .rows_affected();
        }
        sqlx::query(
            "INSERT INTO raw_rollups (series, start_s, points, valued, min, max, sum) \
             SELECT c.series, (c.start_s / 3600) * 3600, SUM(c.points), SUM(c.valued), MIN(c.min), \
             MAX(c.max), SUM(c.sum) FROM raw_chunks c JOIN raw_series s ON s.id = c.series \
             WHERE s.park = $1 AND c.start_s < $2 GROUP BY c.series, (c.start_s / 3600) * 3600 \
             ON CONFLICT (series, start_s) DO UPDATE SET \
             points = raw_rollups.points + excluded.points, valued = raw_rollups.valued + excluded.valued, \
             min = CASE WHEN raw_rollups.min IS NULL OR excluded.min < raw_rollups.min THEN excluded.min ELSE raw_rollups.min END, \
             max = CASE WHEN raw_rollups.max IS NULL OR excluded.max > raw_rollups.max THEN excluded.max ELSE raw_rollups.max END, \
             sum = raw_rollups.sum + excluded.sum",
        )
        .bind(park_id)
        .bind(raw_before)
        .execute(&mut *tx)
        .await
        .map_err(err)?;
        let chunks = sqlx::query(
            "DELETE FROM raw_chunks WHERE start_s < $2 \
             AND series IN (SELECT id FROM raw_series WHERE park = $1)",
        )
        .bind(park_id)
        .bind(raw_before)
        .execute(&mut *tx)
        .await
        .map_err(err)?
        .rows_affected();
        let rollups = sqlx::query(
            "DELETE FROM raw_rollups WHERE start_s < $2 \
             AND series IN (SELECT id FROM raw_series WHERE park = $1)",
        )
        .bind(park_id)
        .bind(rollups_before.as_second())
        .execute(&mut *tx)
        .await
        .map_err(err)?
        .rows_affected();
        tx.commit().await.map_err(err)?;
        Ok(Pruned {
            chunks: chunks + merged_away,
            rollups,
            quarantined,
        })
    }

    async fn add_screen_token(
        &self,
        park_id: &str,
        screen: &str,
        token_sha256: &str,
        link_sha256: &str,
        at: Timestamp,
    ) -> Result<Option<i64>> {
        // The only conflicts are the active screen name and the hashes (256-bit random: never).
        sqlx::query_scalar(
            "INSERT INTO screen_tokens (park, screen, token_sha256, link_sha256, created_s) \
             VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING RETURNING id",
        )
        .bind(park_id)
        .bind(screen)
        .bind(token_sha256)
        .bind(link_sha256)
        .bind(at.as_second())
        .fetch_optional(&self.pool)
        .await
        .map_err(|e| self.query_error("adding a screen token", e))
    }

    async fn screen_tokens(&self, park_id: &str) -> Result<Vec<crate::ScreenToken>> {
        let rows: Vec<(i64, String, i64, Option<i64>, Option<i64>, bool)> = sqlx::query_as(
            "SELECT id, screen, created_s, revoked_s, last_seen_s, link_sha256 IS NOT NULL \
             FROM screen_tokens WHERE park = $1 ORDER BY created_s, id",
        )
        .bind(park_id)
        .fetch_all(&self.pool)
        .await
        .map_err(|e| self.query_error("listing screen tokens", e))?;
        Ok(rows
            .into_iter()
            .map(|(id, screen, created, revoked, last_seen, link_pending)| crate::ScreenToken {
                id,
                screen,
                created: crate::sql::ts(created),
                revoked: revoked.map(crate::sql::ts),
                last_seen: last_seen.map(crate::sql::ts),
                link_pending,
            })
            .collect())
    }

    async fn revoke_screen_token(&self, park_id: &str, screen: &str, at: Timestamp) -> Result<bool> {
        let err = |e| self.query_error("revoking a screen token", e);
        let mut tx = self.pool.begin().await.map_err(err)?;
        let id: Option<i64> = sqlx::query_scalar(
            "UPDATE screen_tokens SET revoked_s = $3, link_sha256 = NULL \
             WHERE park = $1 AND screen = $2 AND revoked_s IS NULL RETURNING id",
        )
        .bind(park_id)
        .bind(screen)
        .bind(at.as_second())
        .fetch_optional(&mut *tx)
        .await
        .map_err(err)?;
        let Some(id) = id else {
            return Ok(false);
        };
        sqlx::query("DELETE FROM screen_sessions WHERE token = $1")
            .bind(id)
            .execute(&mut *tx)
            .await
            .map_err(err)?;
        tx.commit().await.map_err(err)?;
        Ok(true)
    }

    async fn redeem_screen_link(
        &self,
        park_id: &str,
        link_sha256: &str,
        session_sha256: &str,
        at: Timestamp,
    ) -> Result<Option<i64>> {
        let err = |e| self.query_error("opening a screen session", e);
        let mut tx = self.pool.begin().await.map_err(err)?;
        // Spending the code is the row update itself: a second request finds it NULL.
        let id: Option<i64> = sqlx::query_scalar(
            "UPDATE screen_tokens SET link_sha256 = NULL \
             WHERE park = $1 AND link_sha256 = $2 AND revoked_s IS NULL RETURNING id",
        )
        .bind(park_id)
        .bind(link_sha256)
        .fetch_optional(&mut *tx)
        .await
        .map_err(err)?;
        let Some(id) = id else {
            return Ok(None);
        };
        sqlx::query("INSERT INTO screen_sessions (session_sha256, token, created_s) VALUES ($1, $2, $3)")
            .bind(session_sha256)
            .bind(id)
            .bind(at.as_second())
            .execute(&mut *tx)
            .await
            .map_err(err)?;
        tx.commit().await.map_err(err)?;
        Ok(Some(id))
    }

    async fn screen_credentials(&self, park_id: &str) -> Result<crate::ScreenCredentials> {
        let err = |e| self.query_error("reading screen credentials", e);
        let tokens = sqlx::query_as(
            "SELECT token_sha256, id FROM screen_tokens WHERE park = $1 AND revoked_s IS NULL",
        )
        .bind(park_id)
        .fetch_all(&self.pool)
        .await
        .map_err(err)?;
        let sessions = sqlx::query_as(
            "SELECT s.session_sha256, s.token FROM screen_sessions s \
             JOIN screen_tokens t ON t.id = s.token WHERE t.park = $1 AND t.revoked_s IS NULL",
        )
        .bind(park_id)
        .fetch_all(&self.pool)
        .await
        .map_err(err)?;
        Ok(crate::ScreenCredentials { tokens, sessions })
    }

    async fn touch_screen_tokens(&self, ids: &[i64], at: Timestamp) -> Result<()> {
        if ids.is_empty() {
            return Ok(());
        }
        let mut q: QueryBuilder<$db> = QueryBuilder::new("UPDATE screen_tokens SET last_seen_s = ");
        q.push_bind(at.as_second()).push(" WHERE id IN (");
        let mut list = q.separated(", ");
        for id in ids {
            list.push_bind(*id);
        }
        q.push(")");
        q.build()
            .execute(&self.pool)
            .await
            .map_err(|e| self.query_error("recording screen tokens' use", e))?;
        Ok(())
    }

    async fn append_audit(
        &self,
        park_id: &str,
        entry: &crate::audit::AuditEntry,
        key: &crate::audit::AuditKey,
    ) -> Result<i64> {
        let err = |e| self.query_error("appending to the audit log", e);
        // Another writer may take the head between our read and our insert: the UNIQUE
        // (park, prev) refuses the second row on it, and we go again on the new head.
        let mut attempt = 0;
        loop {
            attempt += 1;
            let head: Option<(i64, String)> = sqlx::query_as(
                "SELECT id, mac FROM audit_log WHERE park = $1 ORDER BY id DESC LIMIT 1",
            )
            .bind(park_id)
            .fetch_optional(&self.pool)
            .await
            .map_err(err)?;
            let (prev, prev_mac) = head.unwrap_or((0, String::new()));
            let mac = crate::audit::mac(key, park_id, prev, &prev_mac, entry);
            let id: Option<i64> = sqlx::query_scalar(
                "INSERT INTO audit_log (park, prev, at_ms, who, role, console, action, target, \
                 before, after, reason, outcome, mac) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) \
                 ON CONFLICT (park, prev) DO NOTHING RETURNING id",
            )
            .bind(park_id)
            .bind(prev)
            .bind(entry.at.as_millisecond())
            .bind(&entry.who)
            .bind(&entry.role)
            .bind(&entry.console)
            .bind(&entry.action)
            .bind(&entry.target)
            .bind(&entry.before)
            .bind(&entry.after)
            .bind(&entry.reason)
            .bind(&entry.outcome)
            .bind(&mac)
            .fetch_optional(&self.pool)
            .await
            .map_err(err)?;
            match id {
                Some(id) => return Ok(id),
                None if attempt < 20 => continue,
                None => {
                    return Err(StoreError::Query {
                        url: self.url.clone(),
                        what: "appending to the audit log",
                        message: "the log's head kept moving (20 attempts)".to_owned(),
                    });
                }
            }
        }
    }

    async fn audit_log(&self, park_id: &str) -> Result<Vec<crate::audit::AuditRow>> {
        type Row = (i64, i64, i64, String, String, String, String, String, String, String, String, String, String);
        let rows: Vec<Row> = sqlx::query_as(
            "SELECT id, prev, at_ms, who, role, console, action, target, before, after, reason, \
             outcome, mac FROM audit_log WHERE park = $1 ORDER BY id",
        )
        .bind(park_id)
        .fetch_all(&self.pool)
        .await
        .map_err(|e| self.query_error("reading the audit log", e))?;
        Ok(rows
            .into_iter()
            .map(
                |(id, prev, at_ms, who, role, console, action, target, before, after, reason, outcome, mac)| {
                    crate::audit::AuditRow {
                        id,
                        prev,
                        entry: crate::audit::AuditEntry {
                            at: Timestamp::from_millisecond(at_ms).unwrap_or(Timestamp::UNIX_EPOCH),
                            who,
                            role,
                            console,
                            action,
                            target,
                            before,
                            after,
                            reason,
                            outcome,
                        },
                        mac,
                    }
                },
            )
            .collect())
    }

    async fn audit_outcomes(
        &self,
        park_id: &str,
        action: &str,
        target: &str,
        since: Timestamp,
    ) -> Result<Vec<(Timestamp, String)>> {
        let rows: Vec<(i64, String)> = sqlx::query_as(
            "SELECT at_ms, outcome FROM audit_log WHERE park = $1 AND action = $2 AND target = $3 \
             AND at_ms >= $4 ORDER BY id",
        )
        .bind(park_id)
        .bind(action)
        .bind(target)
        .bind(since.as_millisecond())
        .fetch_all(&self.pool)
        .await
        .map_err(|e| self.query_error("reading the audit log", e))?;
        Ok(rows
            .into_iter()
            .map(|(at_ms, outcome)| {
                (Timestamp::from_millisecond(at_ms).unwrap_or(Timestamp::UNIX_EPOCH), outcome)
            })
            .collect())
    }

    async fn add_user(&self, user: &crate::User) -> Result<()> {
        // The name is the key: a second account of that name inserts nothing.
        let added: Option<String> = sqlx::query_scalar(
            "INSERT INTO users (name, role, password_phc, disabled, created_s, updated_s) \
             VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (name) DO NOTHING RETURNING name",
        )
        .bind(&user.name)
        .bind(&user.role)
        .bind(&user.password_phc)
        .bind(user.disabled)
        .bind(user.created.as_second())
        .bind(user.updated.as_second())
        .fetch_optional(&self.pool)
        .await
        .map_err(|e| self.query_error("adding a user", e))?;
        match added {
            Some(_) => Ok(()),
            None => Err(StoreError::UserExists { name: user.name.clone() }),
        }
    }

    async fn user(&self, name: &str) -> Result<Option<crate::User>> {
        let row: Option<(String, String, String, bool, i64, i64)> = sqlx::query_as(
            "SELECT name, role, password_phc, disabled, created_s, updated_s FROM users \
             WHERE name = $1",
        )
        .bind(name)
        .fetch_optional(&self.pool)
        .await
        .map_err(|e| self.query_error("reading a user", e))?;
        Ok(row.map(crate::sql::user_row))
    }

    async fn users(&self) -> Result<Vec<crate::User>> {
        let rows: Vec<(String, String, String, bool, i64, i64)> = sqlx::query_as(
            "SELECT name, role, password_phc, disabled, created_s, updated_s FROM users \
             ORDER BY name",
        )
        .fetch_all(&self.pool)
        .await
        .map_err(|e| self.query_error("listing users", e))?;
        Ok(rows.into_iter().map(crate::sql::user_row).collect())
    }

    async fn set_user_password(&self, name: &str, password_phc: &str, at: Timestamp) -> Result<()> {
        let changed: Option<String> = sqlx::query_scalar(
            "UPDATE users SET password_phc = $2, updated_s = $3 WHERE name = $1 RETURNING name",
        )
        .bind(name)
        .bind(password_phc)
        .bind(at.as_second())
        .fetch_optional(&self.pool)
        .await
        .map_err(|e| self.query_error("changing a user's password", e))?;
        changed.map(drop).ok_or_else(|| StoreError::NoSuchUser { name: name.to_owned() })
    }

    async fn set_user_disabled(&self, name: &str, disabled: bool, at: Timestamp) -> Result<()> {
        let changed: Option<String> = sqlx::query_scalar(
            "UPDATE users SET disabled = $2, updated_s = $3 WHERE name = $1 RETURNING name",
        )
        .bind(name)
        .bind(disabled)
        .bind(at.as_second())
        .fetch_optional(&self.pool)
        .await
        .map_err(|e| self.query_error("disabling a user", e))?;
        changed.map(drop).ok_or_else(|| StoreError::NoSuchUser { name: name.to_owned() })
    }

    async fn set_user_role(&self, name: &str, role: &str, at: Timestamp) -> Result<()> {
        let changed: Option<String> = sqlx::query_scalar(
            "UPDATE users SET role = $2, updated_s = $3 WHERE name = $1 RETURNING name",
        )
        .bind(name)
        .bind(role)
        .bind(at.as_second())
        .fetch_optional(&self.pool)
        .await
        .map_err(|e| self.query_error("changing a user's role", e))?;
        changed.map(drop).ok_or_else(|| StoreError::NoSuchUser { name: name.to_owned() })
    }
}
    };
}

pub(crate) use impl_store;

/// A `users` row (name, role, hash, disabled, created, updated) as a [`crate::User`].
pub(crate) fn user_row(
    (name, role, password_phc, disabled, created, updated): (
        String,
        String,
        String,
        bool,
        i64,
        i64,
    ),
) -> crate::User {
    crate::User {
        name,
        role,
        password_phc,
        disabled,
        created: ts(created),
        updated: ts(updated),
    }
}

/// Raise the park's raw high-water mark to `$high` within `$tx`.
macro_rules! raise_mark {
    ($tx:ident, $park:expr, $high:expr, $err:expr) => {
        sqlx::query(
            "INSERT INTO raw_marks (park, high_s) VALUES ($1, $2) ON CONFLICT (park) DO UPDATE \
             SET high_s = CASE WHEN excluded.high_s > raw_marks.high_s THEN excluded.high_s \
             ELSE raw_marks.high_s END",
        )
        .bind($park)
        .bind($high)
        .execute(&mut *$tx)
        .await
        .map_err($err)?
    };
}

pub(crate) use raise_mark;

/// Move the chunk (`$series`, `$start_s`, `$writer`) to `raw_quarantine` within `$tx`.
macro_rules! quarantine {
    ($tx:ident, $series:expr, $start_s:expr, $writer:expr, $problem:expr, $err:expr) => {{
        let now = jiff::Timestamp::now().as_second();
        sqlx::query(
            "INSERT INTO raw_quarantine (series, start_s, writer, quarantined_at, problem, bytes) \
             SELECT series, start_s, writer, $4, $5, bytes FROM raw_chunks \
             WHERE series = $1 AND start_s = $2 AND writer = $3",
        )
        .bind($series)
        .bind($start_s)
        .bind($writer)
        .bind(now)
        .bind($problem.to_string())
        .execute(&mut *$tx)
        .await
        .map_err($err)?;
        sqlx::query("DELETE FROM raw_chunks WHERE series = $1 AND start_s = $2 AND writer = $3")
            .bind($series)
            .bind($start_s)
            .bind($writer)
            .execute(&mut *$tx)
            .await
            .map_err($err)?;
    }};
}

pub(crate) use quarantine;

/// A rollup as a [`crate::RawBucket`].
pub(crate) fn bucket(
    start_s: i64,
    seconds: i64,
    points: u32,
    valued: u32,
    min: Option<f64>,
    max: Option<f64>,
    sum: f64,
) -> crate::RawBucket {
    crate::RawBucket {
        start: ts(start_s),
        seconds,
        points,
        valued,
        min,
        max,
        mean: (valued > 0).then(|| sum / f64::from(valued)),
    }
}

/// A count as the INTEGER column holds it.
pub(crate) fn count(n: u32) -> i32 {
    i32::try_from(n).unwrap_or(i32::MAX)
}

/// Min and max of a chunk, NULL when it has no valued point.
pub(crate) fn min_max(stats: &crate::chunk::ChunkStats) -> (Option<f64>, Option<f64>) {
    if stats.valued > 0 {
        (Some(stats.min), Some(stats.max))
    } else {
        (None, None)
    }
}
