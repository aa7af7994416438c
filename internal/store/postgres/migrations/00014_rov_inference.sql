-- Route origin validation deployment inferred per ASN as a transit hop
-- (internal/rovinfer; store.ASN.ROV, ROVPropagated, ROVDropped,
-- ROVConfidence). '' and 0 for months ingested before.

-- +goose Up
ALTER TABLE asns ADD COLUMN rov text NOT NULL DEFAULT ''
    CHECK (rov IN ('', 'deploys', 'partial', 'does-not', 'not-enough-evidence'));
ALTER TABLE asns ADD COLUMN rov_propagated bigint NOT NULL DEFAULT 0 CHECK (rov_propagated >= 0);
ALTER TABLE asns ADD COLUMN rov_dropped bigint NOT NULL DEFAULT 0 CHECK (rov_dropped >= 0);
ALTER TABLE asns ADD COLUMN rov_confidence double precision NOT NULL DEFAULT 0 CHECK (rov_confidence >= 0 AND rov_confidence <= 1);

-- +goose Down
ALTER TABLE asns DROP COLUMN rov_confidence;
ALTER TABLE asns DROP COLUMN rov_dropped;
ALTER TABLE asns DROP COLUMN rov_propagated;
ALTER TABLE asns DROP COLUMN rov;
