-- Raw telemetry, second layout: series are registered once and referred to by id; chunks cover
-- fixed 5-minute windows and carry their rollup (so long ranges are answered without decoding);
-- hourly rollups outlive the chunks (retention); damaged chunks are moved aside, never dropped.
DROP TABLE raw_chunks;

CREATE TABLE raw_series (
    id         INTEGER PRIMARY KEY,
    park       TEXT    NOT NULL,
    name       TEXT    NOT NULL,
    resolution REAL    NOT NULL,
    UNIQUE (park, name)
);

CREATE TABLE raw_chunks (
    series  INTEGER NOT NULL,
    start_s INTEGER NOT NULL,
    points  INTEGER NOT NULL,
    valued  INTEGER NOT NULL,
    min     REAL,
    max     REAL,
    sum     REAL    NOT NULL,
    bytes   BLOB    NOT NULL,
    PRIMARY KEY (series, start_s)
) WITHOUT ROWID;

CREATE TABLE raw_rollups (
    series  INTEGER NOT NULL,
    start_s INTEGER NOT NULL,
    points  INTEGER NOT NULL,
    valued  INTEGER NOT NULL,
    min     REAL,
    max     REAL,
    sum     REAL    NOT NULL,
    PRIMARY KEY (series, start_s)
) WITHOUT ROWID;

CREATE TABLE raw_quarantine (
    id             INTEGER PRIMARY KEY,
    series         INTEGER NOT NULL,
    start_s        INTEGER NOT NULL,
    quarantined_at INTEGER NOT NULL,
    problem        TEXT    NOT NULL,
    bytes          BLOB    NOT NULL
);

-- The newest chunk window written per park: windows up to it may already hold a chunk (merged
-- on write); windows after it are new (inserted as they are).
CREATE TABLE raw_marks (
    park    TEXT   PRIMARY KEY,
    high_s  BIGINT NOT NULL
);
