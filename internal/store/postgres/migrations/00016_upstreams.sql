-- The ASes each ASN's routes were seen through, at hop 1 (next to the
-- origin) and hop 2 (next to a hop-1 AS, via), weighted by prefixes and
-- paths (store.Upstream; read by internal/audit). Empty for months
-- ingested before.

-- +goose Up
CREATE TABLE upstreams (
    month_id bigint  NOT NULL,
    asn      bigint  NOT NULL,
    pos      integer NOT NULL,
    hop      integer NOT NULL CHECK (hop IN (1, 2)),
    via      bigint  NOT NULL,
    upstream bigint  NOT NULL,
    rel      text    NOT NULL CHECK (rel IN ('', 'provider', 'peer', 'customer')),
    prefixes bigint  NOT NULL CHECK (prefixes >= 0),
    paths    bigint  NOT NULL CHECK (paths >= 0),
    example  text    NOT NULL,
    PRIMARY KEY (month_id, asn, pos)
);

-- +goose Down
DROP TABLE upstreams;
