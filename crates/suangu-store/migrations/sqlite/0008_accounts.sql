-- Local accounts (issue 11): one row per person, for every park of the store. Only the
-- password's Argon2id hash is kept, as a PHC string ($argon2id$v=19$m=...,t=...,p=...$salt$hash):
-- a password is never stored, and the hash is never logged or listed.
CREATE TABLE users (
    name          TEXT    PRIMARY KEY CHECK (length(name) BETWEEN 1 AND 64),
    role          TEXT    NOT NULL CHECK (role IN ('viewer', 'operator', 'admin')),
    password_phc  TEXT    NOT NULL CHECK (password_phc LIKE '$argon2%'),
    -- A disabled account cannot sign in; it is kept (its name stays taken, the audit log names it).
    disabled      INTEGER NOT NULL DEFAULT 0 CHECK (disabled IN (0, 1)),
    -- Unix seconds (UTC).
    created_s     INTEGER NOT NULL,
    updated_s     INTEGER NOT NULL
);
