-- Aggregates per 15 minutes and per hour, for the park, each zone and each centre.
-- Times are UTC unix seconds (the interval's start); energies in MWh, power in MW.
CREATE TABLE aggregates (
    park         TEXT             NOT NULL,
    level        TEXT             NOT NULL CHECK (level IN ('15m', '1h')),
    scope        TEXT             NOT NULL CHECK (scope IN ('park', 'zone', 'centre')),
    scope_id     TEXT             NOT NULL,
    start_s      BIGINT           NOT NULL,
    it_mwh       DOUBLE PRECISION NOT NULL,
    facility_mwh DOUBLE PRECISION NOT NULL,
    peak_it_mw   DOUBLE PRECISION NOT NULL,
    PRIMARY KEY (park, level, scope, scope_id, start_s)
);

-- The green ledger, one row per 15-minute interval (see ARCHITECTURE.md for the definitions).
CREATE TABLE green_ledger (
    park                       TEXT             NOT NULL,
    start_s                    BIGINT           NOT NULL,
    hours                      DOUBLE PRECISION NOT NULL,
    load_mwh                   DOUBLE PRECISION NOT NULL,
    gen_behind_meter_mwh       DOUBLE PRECISION NOT NULL,
    gen_contract_mwh           DOUBLE PRECISION NOT NULL,
    delivered_mwh              DOUBLE PRECISION NOT NULL,
    delivered_behind_meter_mwh DOUBLE PRECISION NOT NULL,
    charged_mwh                DOUBLE PRECISION NOT NULL,
    grid_charged_mwh           DOUBLE PRECISION NOT NULL,
    discharged_mwh             DOUBLE PRECISION NOT NULL,
    green_discharged_mwh       DOUBLE PRECISION NOT NULL,
    exported_mwh               DOUBLE PRECISION NOT NULL,
    curtailed_mwh              DOUBLE PRECISION NOT NULL,
    import_mwh                 DOUBLE PRECISION NOT NULL,
    storage_mwh                DOUBLE PRECISION NOT NULL,
    storage_green_mwh          DOUBLE PRECISION NOT NULL,
    PRIMARY KEY (park, start_s)
);

-- Faults, drills and operator actions, in the order they happened.
CREATE TABLE events (
    id     BIGSERIAL PRIMARY KEY,
    park   TEXT   NOT NULL,
    at_s   BIGINT NOT NULL,
    kind   TEXT   NOT NULL,
    target TEXT   NOT NULL,
    detail TEXT   NOT NULL
);
CREATE INDEX events_by_time ON events (park, at_s);
