-- The PeeringDB organisations of a month's networks (store.Month.Orgs,
-- store.ASN.Org): of every ASN with a record, a route or an upstream
-- record that PeeringDB knows; read by internal/audit to audit an
-- organisation's networks. Empty for months ingested before.

-- +goose Up
CREATE TABLE asn_orgs (
    month_id bigint NOT NULL,
    asn      bigint NOT NULL,
    org_id   bigint NOT NULL CHECK (org_id > 0),
    org_name text   NOT NULL,
    PRIMARY KEY (month_id, asn)
);

-- +goose Down
DROP TABLE asn_orgs;
