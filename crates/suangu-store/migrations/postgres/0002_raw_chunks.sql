-- Raw telemetry: one compressed chunk (see src/chunk.rs) per series per hour.
CREATE TABLE raw_chunks (
    park       TEXT             NOT NULL,
    series     TEXT             NOT NULL,
    start_s    BIGINT           NOT NULL,
    points     INTEGER          NOT NULL,
    resolution DOUBLE PRECISION NOT NULL,
    bytes      BYTEA            NOT NULL,
    PRIMARY KEY (park, series, start_s)
);
