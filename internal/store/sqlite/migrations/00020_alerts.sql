-- The alert engine's live incidents and the deliveries it made
-- (store.Alerts, internal/alert): each incident's identity, the networks
-- it concerns (alert_asns, for who may see it), when it opened and closed
-- and its last state as JSON; a delivery key once delivered, so that a
-- restarted process never sends it again. Times are INTEGER unix
-- microseconds, UTC, as in 00001; closed is 0 while open.

-- +goose Up
CREATE TABLE alert_incidents (
    id      TEXT PRIMARY KEY,
    kind    TEXT NOT NULL,
    prefix  TEXT NOT NULL,
    origin  INTEGER NOT NULL,
    opened  INTEGER NOT NULL,
    closed  INTEGER NOT NULL DEFAULT 0,
    doc     TEXT NOT NULL,
    updated INTEGER NOT NULL
);
CREATE INDEX alert_incidents_opened ON alert_incidents (opened DESC, id);
CREATE TABLE alert_asns (
    id  TEXT NOT NULL REFERENCES alert_incidents (id) ON DELETE CASCADE,
    asn INTEGER NOT NULL,
    PRIMARY KEY (asn, id)
);
CREATE TABLE alert_deliveries (
    key          TEXT PRIMARY KEY,
    delivered_at INTEGER NOT NULL
);

-- +goose Down
DROP TABLE alert_deliveries;
DROP TABLE alert_asns;
DROP TABLE alert_incidents;
