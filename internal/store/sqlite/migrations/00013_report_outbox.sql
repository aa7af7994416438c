-- The outbox of the monthly conformance reports (store.Outbox,
-- internal/report): one e-mail a month, participant and recipient, so that
-- a report is never queued twice; a failed delivery stays pending with one
-- more attempt and its error, a sent one is never sent again; a sender
-- claims an entry (claimed_until) before it sends, so that two runs at
-- once never send the same one. Same
-- conventions as 00001: times are INTEGER unix microseconds, UTC; sent_at
-- is 0 until sent.

-- +goose Up
CREATE TABLE outbox (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    month           INTEGER NOT NULL,
    participant     INTEGER NOT NULL,
    recipient       TEXT    NOT NULL,
    subject         TEXT    NOT NULL,
    body            TEXT    NOT NULL,
    attachment      BLOB    NOT NULL,
    attachment_name TEXT    NOT NULL,
    state           TEXT    NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'sent', 'failed')),
    attempts        INTEGER NOT NULL DEFAULT 0,
    last_error      TEXT    NOT NULL DEFAULT '',
    queued_at       INTEGER NOT NULL,
    sent_at         INTEGER NOT NULL DEFAULT 0,
    claimed_until   INTEGER NOT NULL DEFAULT 0,
    UNIQUE (month, participant, recipient)
);

-- +goose Down
DROP TABLE outbox;
