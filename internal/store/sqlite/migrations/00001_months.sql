-- Schema of the embedded store. Conventions (see doc.go):
--   times are INTEGER unix microseconds, UTC (the zero time.Time included);
--   string lists are TEXT JSON arrays, NULL when empty;
--   pos is the position of a record in the slice it was written from, so
--   that reads return records in the order written;
--   every table of month records hangs off months(id) and goes with it.

-- +goose Up
CREATE TABLE months (
    id           INTEGER PRIMARY KEY,
    month        TEXT    NOT NULL,          -- 'YYYY-MM' of the UTC month
    spec         TEXT    NOT NULL,
    ingested_at  INTEGER NOT NULL,
    final        INTEGER NOT NULL,
    warnings     TEXT,
    rib_entries  INTEGER NOT NULL,
    updates      INTEGER NOT NULL,
    routes       INTEGER NOT NULL,
    peers        INTEGER NOT NULL,
    measured_asn INTEGER NOT NULL,
    incidents    INTEGER NOT NULL,
    UNIQUE (month, spec)
);

CREATE TABLE month_inputs (
    month_id INTEGER NOT NULL REFERENCES months (id) ON DELETE CASCADE,
    pos      INTEGER NOT NULL,
    path     TEXT    NOT NULL,
    kind     TEXT    NOT NULL,
    size     INTEGER NOT NULL,
    sha256   TEXT    NOT NULL,
    records  INTEGER NOT NULL,
    from_us  INTEGER NOT NULL,
    to_us    INTEGER NOT NULL,
    PRIMARY KEY (month_id, pos)
) WITHOUT ROWID;

CREATE TABLE asns (
    month_id    INTEGER NOT NULL REFERENCES months (id) ON DELETE CASCADE,
    asn         INTEGER NOT NULL,
    holder      TEXT    NOT NULL,
    country     TEXT    NOT NULL,
    rir         TEXT    NOT NULL,
    region      TEXT    NOT NULL,
    sub_region  TEXT    NOT NULL,
    participant INTEGER NOT NULL,
    peers       INTEGER NOT NULL,
    announced   INTEGER NOT NULL,
    PRIMARY KEY (month_id, asn)
) WITHOUT ROWID;
CREATE INDEX asns_country ON asns (month_id, country);
CREATE INDEX asns_region ON asns (month_id, region);
CREATE INDEX asns_sub_region ON asns (month_id, sub_region);
CREATE INDEX asns_rir ON asns (month_id, rir);

CREATE TABLE asn_metrics (
    month_id INTEGER NOT NULL REFERENCES months (id) ON DELETE CASCADE,
    asn      INTEGER NOT NULL,
    pos      INTEGER NOT NULL,
    id       TEXT    NOT NULL,
    raw      REAL    NOT NULL,
    score    REAL    NOT NULL,
    has_data INTEGER NOT NULL,
    counted  INTEGER NOT NULL,
    PRIMARY KEY (month_id, asn, pos)
) WITHOUT ROWID;

CREATE TABLE asn_scores (
    month_id INTEGER NOT NULL REFERENCES months (id) ON DELETE CASCADE,
    asn      INTEGER NOT NULL,
    pos      INTEGER NOT NULL,
    id       TEXT    NOT NULL,
    value    REAL    NOT NULL,
    has_data INTEGER NOT NULL,
    level    TEXT    NOT NULL,
    PRIMARY KEY (month_id, asn, pos)
) WITHOUT ROWID;

-- Evidence can be kilobytes: a rowid table, so that the indexes stay small.
CREATE TABLE incidents (
    month_id INTEGER NOT NULL REFERENCES months (id) ON DELETE CASCADE,
    pos      INTEGER NOT NULL,
    id       TEXT    NOT NULL,
    asn      INTEGER NOT NULL,
    metric   TEXT    NOT NULL,
    start_us INTEGER NOT NULL,
    end_us   INTEGER NOT NULL,
    weight   REAL    NOT NULL,
    score    REAL    NOT NULL,
    excluded INTEGER NOT NULL,
    events   TEXT,
    evidence TEXT CHECK (evidence IS NULL OR json_valid(evidence)),
    UNIQUE (month_id, pos),
    UNIQUE (month_id, id)
);
CREATE INDEX incidents_asn ON incidents (month_id, asn, pos);

CREATE TABLE routes (
    month_id   INTEGER NOT NULL REFERENCES months (id) ON DELETE CASCADE,
    asn        INTEGER NOT NULL,
    pos        INTEGER NOT NULL,
    prefix     TEXT    NOT NULL,
    rpki       TEXT    NOT NULL,
    irr        TEXT    NOT NULL,
    irr_source TEXT,
    bogon      TEXT    NOT NULL,
    peers      INTEGER NOT NULL,
    first_seen INTEGER NOT NULL,
    last_seen  INTEGER NOT NULL,
    PRIMARY KEY (month_id, asn, pos)
) WITHOUT ROWID;

CREATE TABLE roa_stats (
    month_id        INTEGER NOT NULL REFERENCES months (id) ON DELETE CASCADE,
    pos             INTEGER NOT NULL,
    scope           TEXT    NOT NULL,
    key             TEXT    NOT NULL,
    family          INTEGER NOT NULL,
    valid           INTEGER NOT NULL,
    invalid         INTEGER NOT NULL,
    not_found       INTEGER NOT NULL,
    valid_space     INTEGER NOT NULL,
    invalid_space   INTEGER NOT NULL,
    not_found_space INTEGER NOT NULL,
    PRIMARY KEY (month_id, pos)
) WITHOUT ROWID;
CREATE INDEX roa_stats_scope ON roa_stats (month_id, scope, pos);

CREATE TABLE aggregates (
    month_id INTEGER NOT NULL REFERENCES months (id) ON DELETE CASCADE,
    pos      INTEGER NOT NULL,
    scope    TEXT    NOT NULL,
    key      TEXT    NOT NULL,
    score    TEXT    NOT NULL,
    value    REAL    NOT NULL,
    ready    INTEGER NOT NULL,
    aspire   INTEGER NOT NULL,
    lag      INTEGER NOT NULL,
    no_data  INTEGER NOT NULL,
    PRIMARY KEY (month_id, pos)
) WITHOUT ROWID;
CREATE INDEX aggregates_scope ON aggregates (month_id, scope, pos);

CREATE TABLE participants (
    month_id     INTEGER NOT NULL REFERENCES months (id) ON DELETE CASCADE,
    pos          INTEGER NOT NULL,
    organisation TEXT    NOT NULL,
    programme    TEXT    NOT NULL,
    asns         TEXT,
    approved     INTEGER NOT NULL,
    areas        TEXT,
    PRIMARY KEY (month_id, pos)
) WITHOUT ROWID;

-- +goose Down
DROP TABLE participants;
DROP TABLE aggregates;
DROP TABLE roa_stats;
DROP TABLE routes;
DROP TABLE incidents;
DROP TABLE asn_scores;
DROP TABLE asn_metrics;
DROP TABLE asns;
DROP TABLE month_inputs;
DROP TABLE months;
