-- The evidence kept behind each record's inferred ROV verdict
-- (store.ROVObservation, internal/rovinfer): RPKI-invalid routes the ASN
-- was seen passing on, and invalid routes of its neighbours it was not
-- seen on, a few of each; read by internal/audit. Empty for months
-- ingested before.

-- +goose Up
CREATE TABLE rov_evidence (
    month_id     INTEGER NOT NULL REFERENCES months (id) ON DELETE CASCADE,
    asn          INTEGER NOT NULL,
    pos          INTEGER NOT NULL,
    kind         TEXT    NOT NULL CHECK (kind IN ('propagated', 'dropped')),
    prefix       TEXT    NOT NULL,
    origin       INTEGER NOT NULL,
    rpki         TEXT    NOT NULL CHECK (rpki IN ('invalid-asn', 'invalid-length')),
    path         TEXT    NOT NULL,
    alternative  TEXT    NOT NULL,
    via_prefix   TEXT    NOT NULL,
    via          TEXT    NOT NULL,
    relationship TEXT    NOT NULL,
    PRIMARY KEY (month_id, asn, pos)
) WITHOUT ROWID;

-- +goose Down
DROP TABLE rov_evidence;
