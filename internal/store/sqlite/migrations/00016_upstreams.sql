-- The ASes each ASN's routes were seen through, at hop 1 (next to the
-- origin) and hop 2 (next to a hop-1 AS, via), weighted by prefixes and
-- paths (store.Upstream; read by internal/audit). Empty for months
-- ingested before.

-- +goose Up
CREATE TABLE upstreams (
    month_id INTEGER NOT NULL REFERENCES months (id) ON DELETE CASCADE,
    asn      INTEGER NOT NULL,
    pos      INTEGER NOT NULL,
    hop      INTEGER NOT NULL CHECK (hop IN (1, 2)),
    via      INTEGER NOT NULL,
    upstream INTEGER NOT NULL,
    rel      TEXT    NOT NULL CHECK (rel IN ('', 'provider', 'peer', 'customer')),
    prefixes INTEGER NOT NULL CHECK (prefixes >= 0),
    paths    INTEGER NOT NULL CHECK (paths >= 0),
    example  TEXT    NOT NULL,
    PRIMARY KEY (month_id, asn, pos)
) WITHOUT ROWID;

-- +goose Down
DROP TABLE upstreams;
