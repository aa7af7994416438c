-- What outreach ranks non-participant networks by (docs/outreach.md): the
-- customer cone size of an ASN in the month's CAIDA AS relationships and
-- the address space it originated (store.ASN.Cone, Space4, Space6). 0 for
-- months ingested before.

-- +goose Up
ALTER TABLE asns ADD COLUMN cone bigint NOT NULL DEFAULT 0 CHECK (cone >= 0);
ALTER TABLE asns ADD COLUMN space4 bigint NOT NULL DEFAULT 0 CHECK (space4 >= 0);
ALTER TABLE asns ADD COLUMN space6 bigint NOT NULL DEFAULT 0 CHECK (space6 >= 0);

-- +goose Down
ALTER TABLE asns DROP COLUMN space6;
ALTER TABLE asns DROP COLUMN space4;
ALTER TABLE asns DROP COLUMN cone;
