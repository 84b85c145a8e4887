-- +goose Up
-- Personal access tokens for the read-only JSON API (/api/v1): a person
-- makes one at /account/tokens, sees its secret once, and a program sends
-- it as "Authorization: Bearer ctap_…". Only the secret's SHA-256 is kept,
-- so a copy of the database lets nobody call the API; the secret is 32
-- random bytes, so a fast hash without salt is enough (nothing to guess).
CREATE TABLE access_tokens (
    id           bigserial PRIMARY KEY,
    user_id      bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    name         text   NOT NULL CHECK (char_length(name) BETWEEN 1 AND 100),
    -- The API finds a token by its hash, never by comparing secrets.
    token_hash   bytea  NOT NULL UNIQUE CHECK (octet_length(token_hash) = 32),
    -- Only "read" for now; a later scope is a new value of the check.
    scope        text   NOT NULL DEFAULT 'read' CHECK (scope IN ('read')),
    created_at   timestamptz NOT NULL DEFAULT now(),
    expires_at   timestamptz NOT NULL CHECK (expires_at > created_at),
    -- Recorded at most once a minute per address, not on every request.
    last_used_at timestamptz,
    last_used_ip text   NOT NULL DEFAULT '',
    revoked_at   timestamptz,
    version      integer NOT NULL DEFAULT 1
);
-- A person's tokens, newest first (the list and the count of active ones).
CREATE INDEX access_tokens_user_idx ON access_tokens (user_id, created_at DESC);

-- The addresses each token was used from: a use from an address not seen
-- before is audited, once; the primary key makes "is it new?" the answer
-- of INSERT … ON CONFLICT DO NOTHING, race-free.
CREATE TABLE access_token_addresses (
    token_id      bigint NOT NULL REFERENCES access_tokens (id) ON DELETE CASCADE,
    ip            text   NOT NULL,
    first_seen_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (token_id, ip)
);

-- +goose Down
DROP TABLE access_token_addresses;
DROP TABLE access_tokens;
