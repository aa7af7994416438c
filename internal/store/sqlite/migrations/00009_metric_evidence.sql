-- The evidence of a metric (store.Metric.Evidence): for M8 the registry
-- and PeeringDB contacts found and their source (framework §13.3). NULL
-- when the metric has none.

-- +goose Up
ALTER TABLE asn_metrics ADD COLUMN evidence TEXT;

-- +goose Down
ALTER TABLE asn_metrics DROP COLUMN evidence;
