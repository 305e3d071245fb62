-- Local accounts (issue 11): one row per person, for every park of the store. Only the
-- password's Argon2id hash is kept, as a PHC string ($argon2id$v=19$m=...,t=...,p=...$salt$hash):
-- a password is never stored, and the hash is never logged or listed.
CREATE TABLE users (
    name          TEXT    PRIMARY KEY CHECK (char_length(name) BETWEEN 1 AND 64),
    role          TEXT    NOT NULL CHECK (role IN ('viewer', 'operator', 'admin')),
    password_phc  TEXT    NOT NULL CHECK (password_phc LIKE '$argon2%'),
    -- A disabled account cannot sign in; it is kept (its name stays taken, the audit log names it).
    disabled      BOOLEAN NOT NULL DEFAULT FALSE,
    -- Unix seconds (UTC).
    created_s     BIGINT  NOT NULL,
    updated_s     BIGINT  NOT NULL
);
