-- What the multi-user server keeps besides the months (store.Service): API
-- keys, the participants registry and false-positive feedback. Same
-- conventions as 00001. None of these tables refers to months: feedback
-- outlives a re-ingest of its month. Text that orders a listing collates
-- as "C", so that both stores list in byte order.

-- +goose Up
CREATE TABLE api_keys (
    id              text        COLLATE "C" PRIMARY KEY,
    hash            bytea       NOT NULL,
    name            text        NOT NULL,
    role            text        NOT NULL CHECK (role IN ('participant', 'partner', 'secretariat')),
    participant_id  bigint      NOT NULL, -- 0: none; not a foreign key, see doc.go
    rate_per_minute integer     NOT NULL,
    created_at      timestamptz NOT NULL,
    expires_at      timestamptz NOT NULL,
    revoked_at      timestamptz NOT NULL,
    last_used_at    timestamptz NOT NULL
);

CREATE TABLE registry (
    id           bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    organisation text        COLLATE "C" NOT NULL UNIQUE,
    programme    text        NOT NULL,
    asns         bigint[],
    approved     timestamptz NOT NULL,
    areas        text[],
    updated_at   timestamptz NOT NULL
);

CREATE TABLE feedback (
    id           bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    incident_id  text        NOT NULL,
    month        date        NOT NULL CHECK (extract(day FROM month) = 1),
    spec         text        NOT NULL,
    asn          bigint      NOT NULL,
    reason       text        NOT NULL,
    submitted_by text        NOT NULL,
    submitted_at timestamptz NOT NULL,
    verdict      text        NOT NULL CHECK (verdict IN ('pending', 'accepted', 'rejected')),
    reviewed_by  text        NOT NULL,
    reviewed_at  timestamptz NOT NULL,
    review_note  text        NOT NULL
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
