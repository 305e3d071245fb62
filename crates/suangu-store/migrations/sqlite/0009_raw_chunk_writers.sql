-- Several writers of one raw series at once (a running `suangu run` and a manual `suangu import`,
-- each with its own raw log): each keeps its own chunk of a window, named by its writer id (kept
-- in its log folder), so neither replaces the other's points; readers merge a window's chunks,
-- a point unique by series and source time. Chunks written before this migration belong to the
-- writer 'legacy'. SQLite cannot change a primary key in place: the table is copied.
CREATE TABLE raw_chunks_by_writer (
    series  INTEGER NOT NULL,
    start_s INTEGER NOT NULL,
    writer  TEXT    NOT NULL,
    points  INTEGER NOT NULL,
    valued  INTEGER NOT NULL,
    min     REAL,
    max     REAL,
    sum     REAL    NOT NULL,
    bytes   BLOB    NOT NULL,
    PRIMARY KEY (series, start_s, writer)
) WITHOUT ROWID;

INSERT INTO raw_chunks_by_writer (series, start_s, writer, points, valued, min, max, sum, bytes)
SELECT series, start_s, 'legacy', points, valued, min, max, sum, bytes FROM raw_chunks;

DROP TABLE raw_chunks;
ALTER TABLE raw_chunks_by_writer RENAME TO raw_chunks;
CREATE INDEX raw_chunks_by_window ON raw_chunks (start_s, series);

-- A quarantined chunk names its writer too.
ALTER TABLE raw_quarantine ADD COLUMN writer TEXT NOT NULL DEFAULT 'legacy';
