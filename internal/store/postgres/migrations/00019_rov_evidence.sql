-- The evidence kept behind each record's inferred ROV verdict
-- (store.ROVObservation, internal/rovinfer): RPKI-invalid routes the ASN
-- was seen passing on, and invalid routes of its neighbours it was not
-- seen on, a few of each; read by internal/audit. Empty for months
-- ingested before.

-- +goose Up
CREATE TABLE rov_evidence (
    month_id     bigint  NOT NULL,
    asn          bigint  NOT NULL,
    pos          integer NOT NULL,
    kind         text    NOT NULL CHECK (kind IN ('propagated', 'dropped')),
    prefix       text    NOT NULL,
    origin       bigint  NOT NULL,
    rpki         text    NOT NULL CHECK (rpki IN ('invalid-asn', 'invalid-length')),
    path         text    NOT NULL,
    alternative  text    NOT NULL,
    via_prefix   text    NOT NULL,
    via          text    NOT NULL,
    relationship text    NOT NULL,
    PRIMARY KEY (month_id, asn, pos)
);

-- +goose Down
DROP TABLE rov_evidence;
