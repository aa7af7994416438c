-- The reference files an ingest found and left out (one coherent month:
-- only the snapshot of each kind nearest to the month is read), with why:
-- store.MonthMeta.NotUsed, a JSON array, NULL when none.

-- +goose Up
ALTER TABLE months ADD COLUMN not_used jsonb;

-- +goose Down
ALTER TABLE months DROP COLUMN not_used;
