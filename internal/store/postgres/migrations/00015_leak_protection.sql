-- Route-leak protection per ASN (internal/leakprot; store.ASN.Leak): the
-- verdict, its leaks (M1), its customers' leaks it passed on (M1C), the
-- customer routes it carried and its ASPA object. '' and 0 for months
-- ingested before.

-- +goose Up
ALTER TABLE asns ADD COLUMN leak text NOT NULL DEFAULT ''
    CHECK (leak IN ('', 'protects', 'partial', 'does-not', 'not-enough-evidence'));
ALTER TABLE asns ADD COLUMN leaks bigint NOT NULL DEFAULT 0 CHECK (leaks >= 0);
ALTER TABLE asns ADD COLUMN customer_leaks bigint NOT NULL DEFAULT 0 CHECK (customer_leaks >= 0);
ALTER TABLE asns ADD COLUMN customer_routes bigint NOT NULL DEFAULT 0 CHECK (customer_routes >= 0);
ALTER TABLE asns ADD COLUMN aspa boolean NOT NULL DEFAULT false;
ALTER TABLE asns ADD COLUMN aspa_providers bigint NOT NULL DEFAULT 0 CHECK (aspa_providers >= 0);
ALTER TABLE asns ADD COLUMN aspa_missing bigint NOT NULL DEFAULT 0 CHECK (aspa_missing >= 0);

-- +goose Down
ALTER TABLE asns DROP COLUMN aspa_missing;
ALTER TABLE asns DROP COLUMN aspa_providers;
ALTER TABLE asns DROP COLUMN aspa;
ALTER TABLE asns DROP COLUMN customer_routes;
ALTER TABLE asns DROP COLUMN customer_leaks;
ALTER TABLE asns DROP COLUMN leaks;
ALTER TABLE asns DROP COLUMN leak;
