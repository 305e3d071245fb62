-- The audit log: append-only, each row chained to the one before by an HMAC whose key is kept
-- outside the database (see src/audit.rs). `prev` is the id of the row it follows (0 for the
-- first): unique per park, so two writers can never both extend the same row.
CREATE TABLE audit_log (
    id       BIGSERIAL PRIMARY KEY,
    park     TEXT    NOT NULL,
    prev     BIGINT  NOT NULL,
    -- Unix milliseconds (UTC).
    at_ms    BIGINT  NOT NULL,
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

CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit_log is append-only: % refused', TG_OP;
END;
$$;

CREATE TRIGGER audit_log_no_update_delete BEFORE UPDATE OR DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();

CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
    FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only();
