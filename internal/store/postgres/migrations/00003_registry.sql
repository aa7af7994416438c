-- Issue 17, finding 1: on SQLite a deleted participant's ID was handed to
-- the next participant, and with it the deleted participant's keys.
-- Identity columns never hand out a value twice, so the IDs of this store
-- need no change; as on SQLite (00003 there):
--   every participant has a random, immutable UID (a UUID v4), and
--     participant keys record the UID of their participant
--     (api_keys.participant_uid, NULL for other keys);
--   participant keys whose participant is already gone are revoked now.
-- The zero time.Time is stored as 0001-01-01 00:00:00 UTC (see 00001).

-- +goose Up
UPDATE api_keys SET revoked_at = now()
WHERE role = 'participant' AND revoked_at = '0001-01-01 00:00:00+00'
    AND participant_id NOT IN (SELECT id FROM registry);

-- A volatile default is evaluated for each existing row; new rows get
-- their UID from the program (store.NewUID).
ALTER TABLE registry ADD COLUMN uid uuid NOT NULL DEFAULT gen_random_uuid();
ALTER TABLE registry ALTER COLUMN uid DROP DEFAULT;
ALTER TABLE registry ADD CONSTRAINT registry_uid_key UNIQUE (uid);

ALTER TABLE api_keys ADD COLUMN participant_uid uuid;
UPDATE api_keys SET participant_uid = registry.uid FROM registry
WHERE api_keys.role = 'participant' AND registry.id = api_keys.participant_id;

-- +goose Down
ALTER TABLE api_keys DROP COLUMN participant_uid;
ALTER TABLE registry DROP COLUMN uid;
