-- The PeeringDB organisation of each ASN's network record (store.ASN.Org):
-- its id and name, 0 and '' when PeeringDB has none, was not read, or the
-- month was ingested before.

-- +goose Up
ALTER TABLE asns ADD COLUMN org_id INTEGER NOT NULL DEFAULT 0;
ALTER TABLE asns ADD COLUMN org_name TEXT NOT NULL DEFAULT '';

-- +goose Down
ALTER TABLE asns DROP COLUMN org_name;
ALTER TABLE asns DROP COLUMN org_id;
