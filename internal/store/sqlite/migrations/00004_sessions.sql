-- The dashboard's sign-ins (store.Sessions): the cookie holds a random
-- session ID, this table only its SHA-256, with the key it signs in as.
-- Same conventions as 00001: times are INTEGER unix microseconds, UTC, the
-- zero time.Time included. key_id is not a foreign key, as api_keys'
-- participant_id is not one (doc.go): keys are never deleted, and a
-- session of an unknown key is refused when it is used.

-- +goose Up
CREATE TABLE sessions (
    hash         BLOB    PRIMARY KEY,
    key_id       TEXT    NOT NULL,
    created_at   INTEGER NOT NULL,
    expires_at   INTEGER NOT NULL,
    last_seen_at INTEGER NOT NULL,
    revoked_at   INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX sessions_key ON sessions (key_id);

-- +goose Down
DROP INDEX sessions_key;
DROP TABLE sessions;
