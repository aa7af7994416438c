-- The alert engine's live incidents and the deliveries it made
-- (store.Alerts, internal/alert): each incident's identity, the networks
-- it concerns (alert_asns, for who may see it), when it opened and closed
-- and its last state as JSON; a delivery key once delivered, so that a
-- restarted process never sends it again. closed is NULL while open.

-- +goose Up
CREATE TABLE alert_incidents (
    id      text PRIMARY KEY,
    kind    text NOT NULL,
    prefix  text NOT NULL,
    origin  bigint NOT NULL,
    opened  timestamptz NOT NULL,
    closed  timestamptz,
    doc     text NOT NULL,
    updated timestamptz NOT NULL
);
CREATE INDEX alert_incidents_opened ON alert_incidents (opened DESC, id);
CREATE TABLE alert_asns (
    id  text NOT NULL REFERENCES alert_incidents (id) ON DELETE CASCADE,
    asn bigint NOT NULL,
    PRIMARY KEY (asn, id)
);
CREATE TABLE alert_deliveries (
    key          text PRIMARY KEY,
    delivered_at timestamptz NOT NULL
);

-- +goose Down
DROP TABLE alert_deliveries;
DROP TABLE alert_asns;
DROP TABLE alert_incidents;
