-- The real path of an input reached through a symbolic link (a data
-- directory of links into a shared tree): store.Input.Target, '' when the
-- input was not a link.

-- +goose Up
ALTER TABLE month_inputs ADD COLUMN target text NOT NULL DEFAULT '';

-- +goose Down
ALTER TABLE month_inputs DROP COLUMN target;
