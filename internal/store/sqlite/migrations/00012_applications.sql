-- Applications to a MANRS programme (store.Applications, issue 13 item 1).
-- Same conventions as 00001: times are INTEGER unix microseconds, UTC.
-- What the applicant gave and the last check's results are one JSON
-- document (store.AppDoc); the state, the applicant key and the
-- participant an approval registered are columns. Every change is a row
-- of application_trail, written in the transaction of the change.

-- +goose Up
CREATE TABLE applications (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    key_id         TEXT    NOT NULL UNIQUE,
    key_hash       BLOB    NOT NULL CHECK (length(key_hash) = 32),
    state          TEXT    NOT NULL CHECK (state IN ('submitted', 'checks-failed', 'awaiting-review', 'approved', 'rejected')),
    participant_id INTEGER NOT NULL, -- 0: none; not a foreign key, as api_keys' (doc.go)
    doc            TEXT    NOT NULL,
    created_at     INTEGER NOT NULL,
    updated_at     INTEGER NOT NULL
);

CREATE TABLE application_trail (
    application_id INTEGER NOT NULL REFERENCES applications (id),
    seq            INTEGER NOT NULL,
    from_state     TEXT    NOT NULL,
    to_state       TEXT    NOT NULL,
    by_whom        TEXT    NOT NULL,
    at             INTEGER NOT NULL,
    comment        TEXT    NOT NULL,
    PRIMARY KEY (application_id, seq)
) WITHOUT ROWID;

-- +goose Down
DROP TABLE application_trail;
DROP TABLE applications;
