-- The minimum-conformance notifications sent to the secretariat
-- (store.Notifications): one a month and specification, so that a
-- month's flags are never sent twice. Same conventions as 00001: times are
-- INTEGER unix microseconds, UTC.

-- +goose Up
CREATE TABLE notifications (
    month   INTEGER NOT NULL,
    spec    TEXT    NOT NULL,
    sent_at INTEGER NOT NULL,
    digest  TEXT    NOT NULL,
    PRIMARY KEY (month, spec)
) WITHOUT ROWID;

-- +goose Down
DROP TABLE notifications;
