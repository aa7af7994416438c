-- What the multi-user server keeps besides the months (store.Service): API
-- keys, the participants registry and false-positive feedback. Same
-- conventions as 00001: times are INTEGER unix microseconds, UTC, the zero
-- time.Time included; lists are TEXT JSON arrays, NULL when empty. None of
-- these tables hangs off months: feedback outlives a re-ingest of its month.

-- +goose Up
CREATE TABLE api_keys (
    id              TEXT    PRIMARY KEY,
    hash            BLOB    NOT NULL,
    name            TEXT    NOT NULL,
    role            TEXT    NOT NULL CHECK (role IN ('participant', 'partner', 'secretariat')),
    participant_id  INTEGER NOT NULL, -- 0: none; not a foreign key, see doc.go
    rate_per_minute INTEGER NOT NULL,
    created_at      INTEGER NOT NULL,
    expires_at      INTEGER NOT NULL,
    revoked_at      INTEGER NOT NULL,
    last_used_at    INTEGER NOT NULL
) WITHOUT ROWID;

CREATE TABLE registry (
    id           INTEGER PRIMARY KEY,
    organisation TEXT    NOT NULL UNIQUE,
    programme    TEXT    NOT NULL,
    asns         TEXT,
    approved     INTEGER NOT NULL,
    areas        TEXT,
    updated_at   INTEGER NOT NULL
);

CREATE TABLE feedback (
    id           INTEGER PRIMARY KEY,
    incident_id  TEXT    NOT NULL,
    month        TEXT    NOT NULL, -- 'YYYY-MM', as months.month
    spec         TEXT    NOT NULL,
    asn          INTEGER NOT NULL,
    reason       TEXT    NOT NULL,
    submitted_by TEXT    NOT NULL,
    submitted_at INTEGER NOT NULL,
    verdict      TEXT    NOT NULL CHECK (verdict IN ('pending', 'accepted', 'rejected')),
    reviewed_by  TEXT    NOT NULL,
    reviewed_at  INTEGER NOT NULL,
    review_note  TEXT    NOT NULL
);
-- At most one pending feedback per incident of a month and specification.
CREATE UNIQUE INDEX feedback_pending ON feedback (month, spec, incident_id) WHERE verdict = 'pending';
CREATE INDEX feedback_asn ON feedback (asn);

-- FindIncident looks an incident up by ID across months.
CREATE INDEX incidents_id ON incidents (id);

-- +goose Down
DROP INDEX incidents_id;
DROP TABLE feedback;
DROP TABLE registry;
DROP TABLE api_keys;
