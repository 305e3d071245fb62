-- Raw telemetry: one compressed chunk (see src/chunk.rs) per series per hour.
CREATE TABLE raw_chunks (
    park       TEXT    NOT NULL,
    series     TEXT    NOT NULL,
    start_s    INTEGER NOT NULL,
    points     INTEGER NOT NULL,
    resolution REAL    NOT NULL,
    bytes      BLOB    NOT NULL,
    PRIMARY KEY (park, series, start_s)
) WITHOUT ROWID;
