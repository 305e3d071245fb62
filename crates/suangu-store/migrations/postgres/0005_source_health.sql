-- The newest health report of each data source (written by `suangu run`, read by every console).
CREATE TABLE source_health (
    park TEXT NOT NULL,
    source TEXT NOT NULL,
    -- When the report was made, Unix milliseconds (UTC).
    at_ms BIGINT NOT NULL,
    -- The report as JSON (link, counters, stale series).
    report TEXT NOT NULL,
    PRIMARY KEY (park, source)
);
