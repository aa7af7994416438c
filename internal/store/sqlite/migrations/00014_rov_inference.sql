-- Route origin validation deployment inferred per ASN as a transit hop
-- (internal/rovinfer; store.ASN.ROV, ROVPropagated, ROVDropped,
-- ROVConfidence). '' and 0 for months ingested before.

-- +goose Up
ALTER TABLE asns ADD COLUMN rov TEXT NOT NULL DEFAULT '';
ALTER TABLE asns ADD COLUMN rov_propagated INTEGER NOT NULL DEFAULT 0;
ALTER TABLE asns ADD COLUMN rov_dropped INTEGER NOT NULL DEFAULT 0;
ALTER TABLE asns ADD COLUMN rov_confidence REAL NOT NULL DEFAULT 0;

-- +goose Down
ALTER TABLE asns DROP COLUMN rov_confidence;
ALTER TABLE asns DROP COLUMN rov_dropped;
ALTER TABLE asns DROP COLUMN rov_propagated;
ALTER TABLE asns DROP COLUMN rov;
