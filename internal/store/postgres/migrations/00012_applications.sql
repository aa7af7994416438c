-- Applications to a MANRS programme (store.Applications, issue 13 item 1),
-- as on SQLite (00012 there): what the applicant gave and the last
-- check's results are one JSON document (store.AppDoc); the state, the
-- applicant key and the participant an approval registered are columns;
-- every change is a row of application_trail.

-- +goose Up
CREATE TABLE applications (
    id             bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    key_id         text        NOT NULL UNIQUE,
    key_hash       bytea       NOT NULL CHECK (length(key_hash) = 32),
    state          text        NOT NULL CHECK (state IN ('submitted', 'checks-failed', 'awaiting-review', 'approved', 'rejected')),
    participant_id bigint      NOT NULL, -- 0: none
    doc            jsonb       NOT NULL,
    created_at     timestamptz NOT NULL,
    updated_at     timestamptz NOT NULL
);

CREATE TABLE application_trail (
    application_id bigint      NOT NULL REFERENCES applications (id),
    seq            integer     NOT NULL,
    from_state     text        NOT NULL,
    to_state       text        NOT NULL,
    by_whom        text        NOT NULL,
    at             timestamptz NOT NULL,
    comment        text        NOT NULL,
    PRIMARY KEY (application_id, seq)
);

-- +goose Down
DROP TABLE application_trail;
DROP TABLE applications;
