-- What outreach ranks non-participant networks by (docs/outreach.md): the
-- customer cone size of an ASN in the month's CAIDA AS relationships and
-- the address space it originated (store.ASN.Cone, Space4, Space6). 0 for
-- months ingested before.

-- +goose Up
ALTER TABLE asns ADD COLUMN cone INTEGER NOT NULL DEFAULT 0;
ALTER TABLE asns ADD COLUMN space4 INTEGER NOT NULL DEFAULT 0;
ALTER TABLE asns ADD COLUMN space6 INTEGER NOT NULL DEFAULT 0;

-- +goose Down
ALTER TABLE asns DROP COLUMN space6;
ALTER TABLE asns DROP COLUMN space4;
ALTER TABLE asns DROP COLUMN cone;
