-- The minimum-conformance notifications sent to the secretariat
-- (store.Notifications): one a month and specification, so that a
-- month's flags are never sent twice. Same conventions as 00001.

-- +goose Up
CREATE TABLE notifications (
    month   timestamptz NOT NULL,
    spec    text        NOT NULL,
    sent_at timestamptz NOT NULL,
    digest  text        NOT NULL,
    PRIMARY KEY (month, spec)
);

-- +goose Down
DROP TABLE notifications;
