-- The audit log: append-only, each row chained to the one before by an HMAC whose key is kept
-- outside the database (see src/audit.rs). `prev` is the id of the row it follows (0 for the
-- first): unique per park, so two writers can never both extend the same row.
CREATE TABLE audit_log (
    id       INTEGER PRIMARY KEY,
    park     TEXT    NOT NULL,
    prev     INTEGER NOT NULL,
    -- Unix milliseconds (UTC).
    at_ms    INTEGER NOT NULL,
    who      TEXT    NOT NULL,
    role     TEXT    NOT NULL,
    console  TEXT    NOT NULL,
    action   TEXT    NOT NULL,
    target   TEXT    NOT NULL,
    before   TEXT    NOT NULL,
    after    TEXT    NOT NULL,
    reason   TEXT    NOT NULL,
    outcome  TEXT    NOT NULL,
    mac      TEXT    NOT NULL,
    UNIQUE (park, prev)
);

CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'audit_log is append-only: rows cannot be changed');
END;

CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'audit_log is append-only: rows cannot be deleted');
END;
