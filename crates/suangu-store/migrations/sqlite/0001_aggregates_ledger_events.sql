-- Aggregates per 15 minutes and per hour, for the park, each zone and each centre.
-- Times are UTC unix seconds (the interval's start); energies in MWh, power in MW.
CREATE TABLE aggregates (
    park         TEXT    NOT NULL,
    level        TEXT    NOT NULL CHECK (level IN ('15m', '1h')),
    scope        TEXT    NOT NULL CHECK (scope IN ('park', 'zone', 'centre')),
    scope_id     TEXT    NOT NULL,
    start_s      INTEGER NOT NULL,
    it_mwh       REAL    NOT NULL,
    facility_mwh REAL    NOT NULL,
    peak_it_mw   REAL    NOT NULL,
    PRIMARY KEY (park, level, scope, scope_id, start_s)
) WITHOUT ROWID;

-- The green ledger, one row per 15-minute interval (see ARCHITECTURE.md for the definitions).
CREATE TABLE green_ledger (
    park                       TEXT    NOT NULL,
    start_s                    INTEGER NOT NULL,
    hours                      REAL    NOT NULL,
    load_mwh                   REAL    NOT NULL,
    gen_behind_meter_mwh       REAL    NOT NULL,
    gen_contract_mwh           REAL    NOT NULL,
    delivered_mwh              REAL    NOT NULL,
    delivered_behind_meter_mwh REAL    NOT NULL,
    charged_mwh                REAL    NOT NULL,
    grid_charged_mwh           REAL    NOT NULL,
    discharged_mwh             REAL    NOT NULL,
    green_discharged_mwh       REAL    NOT NULL,
    exported_mwh               REAL    NOT NULL,
    curtailed_mwh              REAL    NOT NULL,
    import_mwh                 REAL    NOT NULL,
    storage_mwh                REAL    NOT NULL,
    storage_green_mwh          REAL    NOT NULL,
    PRIMARY KEY (park, start_s)
) WITHOUT ROWID;

-- Faults, drills and operator actions, in the order they happened.
CREATE TABLE events (
    id     INTEGER PRIMARY KEY,
    park   TEXT    NOT NULL,
    at_s   INTEGER NOT NULL,
    kind   TEXT    NOT NULL,
    target TEXT    NOT NULL,
    detail TEXT    NOT NULL
);
CREATE INDEX events_by_time ON events (park, at_s);
