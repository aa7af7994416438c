-- Schema of the server store. Conventions (see doc.go):
--   a month is a date, the first day of the UTC month;
--   times are timestamptz (microseconds, UTC; the zero time.Time included);
--   ASNs are bigint (a uint32 does not fit integer);
--   string lists are text[], NULL when empty; evidence is json, kept as written;
--   pos is the position of a record in the slice it was written from, so
--   that reads return records in the order written;
--   every table of month records has the month_id of a months row; WriteMonth
--   deletes a month's rows from every table itself: no foreign keys, whose
--   per-row checks would cost more than the COPY of the rows.

-- +goose Up
CREATE TABLE months (
    id           bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    month        date        NOT NULL CHECK (extract(day FROM month) = 1),
    spec         text        COLLATE "C" NOT NULL, -- listed in byte order
    ingested_at  timestamptz NOT NULL,
    final        boolean     NOT NULL,
    warnings     text[],
    rib_entries  bigint      NOT NULL,
    updates      bigint      NOT NULL,
    routes       bigint      NOT NULL,
    peers        bigint      NOT NULL,
    measured_asn bigint      NOT NULL,
    incidents    bigint      NOT NULL,
    UNIQUE (month, spec)
);

CREATE TABLE month_inputs (
    month_id bigint      NOT NULL,
    pos      integer     NOT NULL,
    path     text        NOT NULL,
    kind     text        NOT NULL,
    size     bigint      NOT NULL,
    sha256   text        NOT NULL,
    records  bigint      NOT NULL,
    from_ts  timestamptz NOT NULL,
    to_ts    timestamptz NOT NULL,
    PRIMARY KEY (month_id, pos)
);

-- An ASN record carries its metrics and scores as parallel arrays, in the
-- order written: one row per ASN rather than eighteen, which makes a month's
-- write several times faster. The views asn_metrics and asn_scores show
-- them as rows.
CREATE TABLE asns (
    month_id        bigint             NOT NULL,
    asn             bigint             NOT NULL CHECK (asn BETWEEN 0 AND 4294967295),
    holder          text               NOT NULL,
    country         text               NOT NULL,
    rir             text               NOT NULL,
    region          text               NOT NULL,
    sub_region      text               NOT NULL,
    participant     boolean            NOT NULL,
    peers           bigint             NOT NULL,
    announced       bigint             NOT NULL,
    metric_ids      text[]             NOT NULL,
    metric_raws     double precision[] NOT NULL,
    metric_scores   double precision[] NOT NULL,
    metric_has_data boolean[]          NOT NULL,
    metric_counted  boolean[]          NOT NULL,
    score_ids       text[]             NOT NULL,
    score_values    double precision[] NOT NULL,
    score_has_data  boolean[]          NOT NULL,
    score_levels    text[]             NOT NULL,
    PRIMARY KEY (month_id, asn),
    CHECK (cardinality(metric_raws) = cardinality(metric_ids)
       AND cardinality(metric_scores) = cardinality(metric_ids)
       AND cardinality(metric_has_data) = cardinality(metric_ids)
       AND cardinality(metric_counted) = cardinality(metric_ids)),
    CHECK (cardinality(score_values) = cardinality(score_ids)
       AND cardinality(score_has_data) = cardinality(score_ids)
       AND cardinality(score_levels) = cardinality(score_ids))
);
CREATE INDEX asns_country ON asns (month_id, country);
CREATE INDEX asns_region ON asns (month_id, region);
CREATE INDEX asns_sub_region ON asns (month_id, sub_region);
CREATE INDEX asns_rir ON asns (month_id, rir);

CREATE VIEW asn_metrics AS
SELECT a.month_id, a.asn, m.ord - 1 AS pos, m.id, m.raw, m.score, m.has_data, m.counted
FROM asns a,
     unnest(a.metric_ids, a.metric_raws, a.metric_scores, a.metric_has_data, a.metric_counted)
         WITH ORDINALITY AS m (id, raw, score, has_data, counted, ord);

CREATE VIEW asn_scores AS
SELECT a.month_id, a.asn, s.ord - 1 AS pos, s.id, s.value, s.has_data, s.level
FROM asns a,
     unnest(a.score_ids, a.score_values, a.score_has_data, a.score_levels)
         WITH ORDINALITY AS s (id, value, has_data, level, ord);

CREATE TABLE incidents (
    month_id bigint           NOT NULL,
    pos      integer          NOT NULL,
    id       text             NOT NULL,
    asn      bigint           NOT NULL,
    metric   text             NOT NULL,
    start_ts timestamptz      NOT NULL,
    end_ts   timestamptz      NOT NULL,
    weight   double precision NOT NULL,
    score    double precision NOT NULL,
    excluded boolean          NOT NULL,
    events   text[],
    evidence json,
    PRIMARY KEY (month_id, pos),
    UNIQUE (month_id, id)
);
CREATE INDEX incidents_asn ON incidents (month_id, asn, pos);

CREATE TABLE routes (
    month_id   bigint      NOT NULL,
    asn        bigint      NOT NULL,
    pos        integer     NOT NULL,
    prefix     text        NOT NULL,
    rpki       text        NOT NULL,
    irr        text        NOT NULL,
    irr_source text[],
    bogon      text        NOT NULL,
    peers      bigint      NOT NULL,
    first_seen timestamptz NOT NULL,
    last_seen  timestamptz NOT NULL,
    PRIMARY KEY (month_id, asn, pos)
);

CREATE TABLE roa_stats (
    month_id        bigint  NOT NULL,
    pos             integer NOT NULL,
    scope           text    NOT NULL,
    key             text    NOT NULL,
    family          integer NOT NULL,
    valid           bigint  NOT NULL,
    invalid         bigint  NOT NULL,
    not_found       bigint  NOT NULL,
    valid_space     bigint  NOT NULL,
    invalid_space   bigint  NOT NULL,
    not_found_space bigint  NOT NULL,
    PRIMARY KEY (month_id, pos)
);
CREATE INDEX roa_stats_scope ON roa_stats (month_id, scope, pos);

CREATE TABLE aggregates (
    month_id bigint           NOT NULL,
    pos      integer          NOT NULL,
    scope    text             NOT NULL,
    key      text             NOT NULL,
    score    text             NOT NULL,
    value    double precision NOT NULL,
    ready    bigint           NOT NULL,
    aspire   bigint           NOT NULL,
    lag      bigint           NOT NULL,
    no_data  bigint           NOT NULL,
    PRIMARY KEY (month_id, pos)
);
CREATE INDEX aggregates_scope ON aggregates (month_id, scope, pos);

CREATE TABLE participants (
    month_id     bigint      NOT NULL,
    pos          integer     NOT NULL,
    organisation text        NOT NULL,
    programme    text        NOT NULL,
    asns         bigint[],
    approved     timestamptz NOT NULL,
    areas        text[],
    PRIMARY KEY (month_id, pos)
);

-- +goose Down
DROP TABLE participants;
DROP TABLE aggregates;
DROP TABLE roa_stats;
DROP TABLE routes;
DROP TABLE incidents;
DROP VIEW asn_scores;
DROP VIEW asn_metrics;
DROP TABLE asns;
DROP TABLE month_inputs;
DROP TABLE months;
