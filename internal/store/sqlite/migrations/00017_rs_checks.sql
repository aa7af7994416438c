-- Stored IXP route-server checks (store.RSChecks, observatory rs-check
-- --db): the IXP, when stored (INTEGER unix microseconds, UTC, as in
-- 00001), the report's totals and the report itself, the JSON that
-- `rs-check --format json` writes.

-- +goose Up
CREATE TABLE rs_checks (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    ixp        TEXT    NOT NULL,
    checked_at INTEGER NOT NULL,
    routes     INTEGER NOT NULL,
    rejectable INTEGER NOT NULL,
    report     TEXT    NOT NULL
);
CREATE INDEX rs_checks_checked ON rs_checks (checked_at DESC, id DESC);

-- +goose Down
DROP TABLE rs_checks;
