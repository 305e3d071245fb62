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

/// Rows per multi-row INSERT: 8 columns x 4,000 stays under SQLite's 32,766 parameters (and
/// PostgreSQL's 65,535).
pub(crate) const ROWS_PER_INSERT: usize = 4_000;

pub(crate) fn ts(seconds: i64) -> jiff::Timestamp {
    jiff::Timestamp::from_second(seconds).unwrap_or(jiff::Timestamp::UNIX_EPOCH)
}

/// Implements [`crate::Store`] for `$store` (fields `pool`, `url`) on the sqlx database `$db`,
/// and its migration: `$migrator`'s migrations, refusing a schema newer than it knows (`$exists`
/// is the query that names the migrations table when it exists).
macro_rules! impl_store {
    ($store:ident, $db:ty, $migrator:ident, $exists:expr) => {
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
        for chunk in rows.chunks(crate::sql::ROWS_PER_INSERT) {
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

        for chunk in records.chunks(crate::sql::ROWS_PER_INSERT / 2) {
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
    async fn write_raw(
        &self,
        park_id: &str,
        series: &str,
        points: &[crate::chunk::Point],
        resolution: f64,
    ) -> Result<()> {
        use std::collections::BTreeMap;
        let err = |e| self.query_error("writing raw chunks", e);
        // Group by hour; merge with what each hour already holds (new points win).
        let mut hours: BTreeMap<i64, BTreeMap<i64, crate::chunk::Point>> = BTreeMap::new();
        for p in points {
            let hour = p.source_ms.div_euclid(3_600_000) * 3600;
            hours.entry(hour).or_default().insert(p.source_ms, *p);
        }
        let mut tx = self.pool.begin().await.map_err(err)?;
        for (start_s, fresh) in hours {
            let old: Option<(Vec<u8>,)> = sqlx::query_as(
                "SELECT bytes FROM raw_chunks WHERE park = $1 AND series = $2 AND start_s = $3",
            )
            .bind(park_id)
            .bind(series)
            .bind(start_s)
            .fetch_optional(&mut *tx)
            .await
            .map_err(err)?;
            let mut merged: BTreeMap<i64, crate::chunk::Point> = BTreeMap::new();
            if let Some((bytes,)) = old {
                let stored = crate::chunk::decode(&bytes).map_err(|problem| StoreError::Chunk {
                    url: self.url.clone(),
                    series: series.to_owned(),
                    start: crate::sql::ts(start_s),
                    problem,
                })?;
                merged.extend(stored.into_iter().map(|p| (p.source_ms, p)));
            }
            merged.extend(fresh);
            let all: Vec<crate::chunk::Point> = merged.into_values().collect();
            let bytes = crate::chunk::encode(&all, resolution).map_err(|problem| StoreError::Chunk {
                url: self.url.clone(),
                series: series.to_owned(),
                start: crate::sql::ts(start_s),
                problem,
            })?;
            sqlx::query(
                "INSERT INTO raw_chunks (park, series, start_s, points, resolution, bytes) \
                 VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (park, series, start_s) DO UPDATE SET \
                 points = excluded.points, resolution = excluded.resolution, bytes = excluded.bytes",
            )
            .bind(park_id)
            .bind(series)
            .bind(start_s)
            .bind(i32::try_from(all.len()).unwrap_or(i32::MAX))
            .bind(resolution)
            .bind(bytes)
            .execute(&mut *tx)
            .await
            .map_err(err)?;
        }
        tx.commit().await.map_err(err)
    }

    async fn raw_range(
        &self,
        park_id: &str,
        series: &str,
        from: Timestamp,
        to: Timestamp,
    ) -> Result<Vec<crate::chunk::Point>> {
        let first_hour = from.as_second().div_euclid(3600) * 3600;
        let rows: Vec<(i64, Vec<u8>)> = sqlx::query_as(
            "SELECT start_s, bytes FROM raw_chunks WHERE park = $1 AND series = $2 \
             AND start_s >= $3 AND start_s < $4 ORDER BY start_s",
        )
        .bind(park_id)
        .bind(series)
        .bind(first_hour)
        .bind(to.as_second())
        .fetch_all(&self.pool)
        .await
        .map_err(|e| self.query_error("reading raw chunks", e))?;
        let (from_ms, to_ms) = (from.as_millisecond(), to.as_millisecond());
        let mut out = Vec::new();
        for (start_s, bytes) in rows {
            let points = crate::chunk::decode(&bytes).map_err(|problem| StoreError::Chunk {
                url: self.url.clone(),
                series: series.to_owned(),
                start: crate::sql::ts(start_s),
                problem,
            })?;
            out.extend(points.into_iter().filter(|p| p.source_ms >= from_ms && p.source_ms < to_ms));
        }
        Ok(out)
    }
}

    };
}

pub(crate) use impl_store;
