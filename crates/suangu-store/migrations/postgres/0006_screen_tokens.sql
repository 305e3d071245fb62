-- Access tokens of wall screens (`suangu token`, checked by `suangu serve` off loopback). Only
-- SHA-256 hashes (hex) are kept: a token, a link code or a session secret is never stored.
CREATE TABLE screen_tokens (
    id           BIGSERIAL PRIMARY KEY,
    park         TEXT      NOT NULL,
    screen       TEXT      NOT NULL,
    token_sha256 TEXT      NOT NULL UNIQUE,
    -- The one-time link's code; NULL once spent (or revoked).
    link_sha256  TEXT      UNIQUE,
    -- Unix seconds (UTC).
    created_s    BIGINT    NOT NULL,
    revoked_s    BIGINT,
    last_seen_s  BIGINT
);

-- A screen name is unique per park among tokens not revoked.
CREATE UNIQUE INDEX screen_tokens_active_screen ON screen_tokens (park, screen)
    WHERE revoked_s IS NULL;

-- Browser sessions opened by a one-time link; they end with their token.
CREATE TABLE screen_sessions (
    session_sha256 TEXT   PRIMARY KEY,
    token          BIGINT NOT NULL REFERENCES screen_tokens (id),
    created_s      BIGINT NOT NULL
);
CREATE INDEX screen_sessions_token ON screen_sessions (token);
