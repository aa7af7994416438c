-- The dashboard's sign-ins (store.Sessions): the cookie holds a random
-- session ID, this table only its SHA-256, with the key it signs in as.
-- Same conventions as 00001. key_id is not a foreign key, as api_keys'
-- participant_id is not one (doc.go): keys are never deleted, and a
-- session of an unknown key is refused when it is used.

-- +goose Up
CREATE TABLE sessions (
    hash         bytea       PRIMARY KEY CHECK (length(hash) = 32),
    key_id       text        NOT NULL,
    created_at   timestamptz NOT NULL,
    expires_at   timestamptz NOT NULL,
    last_seen_at timestamptz NOT NULL,
    revoked_at   timestamptz NOT NULL
);
CREATE INDEX sessions_key ON sessions (key_id);

-- +goose Down
DROP TABLE sessions;
