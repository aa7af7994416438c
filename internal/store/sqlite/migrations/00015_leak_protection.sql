-- Route-leak protection per ASN (internal/leakprot; store.ASN.Leak): the
-- verdict, its leaks (M1), its customers' leaks it passed on (M1C), the
-- customer routes it carried and its ASPA object. '' and 0 for months
-- ingested before.

-- +goose Up
ALTER TABLE asns ADD COLUMN leak TEXT NOT NULL DEFAULT '';
ALTER TABLE asns ADD COLUMN leaks INTEGER NOT NULL DEFAULT 0;
ALTER TABLE asns ADD COLUMN customer_leaks INTEGER NOT NULL DEFAULT 0;
ALTER TABLE asns ADD COLUMN customer_routes INTEGER NOT NULL DEFAULT 0;
ALTER TABLE asns ADD COLUMN aspa INTEGER NOT NULL DEFAULT 0;
ALTER TABLE asns ADD COLUMN aspa_providers INTEGER NOT NULL DEFAULT 0;
ALTER TABLE asns ADD COLUMN aspa_missing INTEGER NOT NULL DEFAULT 0;

-- +goose Down
ALTER TABLE asns DROP COLUMN aspa_missing;
ALTER TABLE asns DROP COLUMN aspa_providers;
ALTER TABLE asns DROP COLUMN aspa;
ALTER TABLE asns DROP COLUMN customer_routes;
ALTER TABLE asns DROP COLUMN customer_leaks;
ALTER TABLE asns DROP COLUMN leaks;
ALTER TABLE asns DROP COLUMN leak;
