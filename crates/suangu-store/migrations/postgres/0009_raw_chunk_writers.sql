-- Several writers of one raw series at once (a running `suangu run` and a manual `suangu import`,
-- each with its own raw log): each keeps its own chunk of a window, named by its writer id (kept
-- in its log folder), so neither replaces the other's points; readers merge a window's chunks,
-- a point unique by series and source time. Chunks written before this migration belong to the
-- writer 'legacy'.
ALTER TABLE raw_chunks ADD COLUMN writer TEXT NOT NULL DEFAULT 'legacy';
ALTER TABLE raw_chunks ALTER COLUMN writer DROP DEFAULT;
ALTER TABLE raw_chunks DROP CONSTRAINT raw_chunks_pkey;
ALTER TABLE raw_chunks ADD PRIMARY KEY (series, start_s, writer);

-- A quarantined chunk names its writer too.
ALTER TABLE raw_quarantine ADD COLUMN writer TEXT NOT NULL DEFAULT 'legacy';
