-- Snapshots of many series at one instant (the rack heatmap) read one window across series.
CREATE INDEX raw_chunks_by_window ON raw_chunks (start_s, series);
