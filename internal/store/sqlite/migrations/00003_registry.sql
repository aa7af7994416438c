-- Issue 17, finding 1: a deleted participant's ID was handed to the next
-- participant (an INTEGER PRIMARY KEY reuses the greatest rowid once it is
-- deleted), and with it the deleted participant's keys. From here on:
--   registry and feedback IDs are AUTOINCREMENT, never reused (a table
--     rebuild: SQLite cannot add AUTOINCREMENT to a table), rows kept;
--   every participant has a random, immutable UID (a UUID v4), and
--     participant keys record the UID of their participant
--     (api_keys.participant_uid, '' for other keys);
--   participant keys whose participant is already gone are revoked now.
-- The zero time.Time is -62135596800000000 microseconds (see 00001).

-- +goose Up
UPDATE api_keys SET revoked_at = CAST(unixepoch('subsec') * 1000000 AS INTEGER)
WHERE role = 'participant' AND revoked_at = -62135596800000000
    AND participant_id NOT IN (SELECT id FROM registry);

ALTER TABLE registry RENAME TO registry_old;
CREATE TABLE registry (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    uid          TEXT    NOT NULL UNIQUE CHECK (length(uid) = 36),
    organisation TEXT    NOT NULL UNIQUE,
    programme    TEXT    NOT NULL,
    asns         TEXT,
    approved     INTEGER NOT NULL,
    areas        TEXT,
    updated_at   INTEGER NOT NULL
);
-- A UUID v4 per row: random hex digits, the version nibble 4 and the
-- variant nibble one of 8, 9, a, b (RFC 9562 §5.4).
INSERT INTO registry (id, uid, organisation, programme, asns, approved, areas, updated_at)
SELECT id,
    lower(hex(randomblob(4))) || '-' || lower(hex(randomblob(2))) || '-4' ||
    substr(lower(hex(randomblob(2))), 2) || '-' || substr('89ab', 1 + abs(random() % 4), 1) ||
    substr(lower(hex(randomblob(2))), 2) || '-' || lower(hex(randomblob(6))),
    organisation, programme, asns, approved, areas, updated_at
FROM registry_old;
DROP TABLE registry_old;
-- The next ID is above every ID a key names, so that no new participant
-- takes the ID of one deleted before this migration.
DELETE FROM sqlite_sequence WHERE name = 'registry';
INSERT INTO sqlite_sequence (name, seq)
SELECT 'registry', max(coalesce((SELECT max(id) FROM registry), 0), coalesce((SELECT max(participant_id) FROM api_keys), 0));

ALTER TABLE api_keys ADD COLUMN participant_uid TEXT NOT NULL DEFAULT '';
UPDATE api_keys SET participant_uid = (SELECT uid FROM registry WHERE registry.id = api_keys.participant_id)
WHERE role = 'participant' AND participant_id IN (SELECT id FROM registry);

ALTER TABLE feedback RENAME TO feedback_old;
CREATE TABLE feedback (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
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
INSERT INTO feedback (id, incident_id, month, spec, asn, reason, submitted_by, submitted_at,
    verdict, reviewed_by, reviewed_at, review_note)
SELECT id, incident_id, month, spec, asn, reason, submitted_by, submitted_at,
    verdict, reviewed_by, reviewed_at, review_note
FROM feedback_old;
DROP TABLE feedback_old;
DELETE FROM sqlite_sequence WHERE name = 'feedback';
INSERT INTO sqlite_sequence (name, seq) SELECT 'feedback', coalesce(max(id), 0) FROM feedback;
CREATE UNIQUE INDEX feedback_pending ON feedback (month, spec, incident_id) WHERE verdict = 'pending';
CREATE INDEX feedback_asn ON feedback (asn);

-- +goose Down
ALTER TABLE feedback RENAME TO feedback_new;
CREATE TABLE feedback (
    id           INTEGER PRIMARY KEY,
    incident_id  TEXT    NOT NULL,
    month        TEXT    NOT NULL,
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
INSERT INTO feedback SELECT * FROM feedback_new;
DROP TABLE feedback_new;
CREATE UNIQUE INDEX feedback_pending ON feedback (month, spec, incident_id) WHERE verdict = 'pending';
CREATE INDEX feedback_asn ON feedback (asn);

ALTER TABLE api_keys DROP COLUMN participant_uid;

ALTER TABLE registry RENAME TO registry_new;
CREATE TABLE registry (
    id           INTEGER PRIMARY KEY,
    organisation TEXT    NOT NULL UNIQUE,
    programme    TEXT    NOT NULL,
    asns         TEXT,
    approved     INTEGER NOT NULL,
    areas        TEXT,
    updated_at   INTEGER NOT NULL
);
INSERT INTO registry SELECT id, organisation, programme, asns, approved, areas, updated_at FROM registry_new;
DROP TABLE registry_new;
DELETE FROM sqlite_sequence WHERE name IN ('registry', 'feedback');
