-- Stored IXP route-server checks (store.RSChecks, observatory rs-check
-- --db): the IXP, when stored, the report's totals and the report itself,
-- the JSON that `rs-check --format json` writes.

-- +goose Up
CREATE TABLE rs_checks (
    id         bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    ixp        text        NOT NULL,
    checked_at timestamptz NOT NULL,
    routes     integer     NOT NULL,
    rejectable integer     NOT NULL,
    report     text        NOT NULL
);
CREATE INDEX rs_checks_checked ON rs_checks (checked_at DESC, id DESC);

-- +goose Down
DROP TABLE rs_checks;
