-- The evidence of a metric (store.Metric.Evidence): for M8 the registry
-- and PeeringDB contacts found and their source (framework §13.3). One
-- text per metric, '' for none, or the empty array when no metric of the
-- record has evidence.

-- +goose Up
ALTER TABLE asns ADD COLUMN metric_evidence text[] NOT NULL DEFAULT '{}';
ALTER TABLE asns ADD CONSTRAINT asns_metric_evidence_len
    CHECK (cardinality(metric_evidence) = 0 OR cardinality(metric_evidence) = cardinality(metric_ids));

-- +goose Down
ALTER TABLE asns DROP CONSTRAINT asns_metric_evidence_len;
ALTER TABLE asns DROP COLUMN metric_evidence;
