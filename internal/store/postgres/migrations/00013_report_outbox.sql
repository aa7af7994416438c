-- The outbox of the monthly conformance reports (store.Outbox,
-- internal/report): one e-mail a month, participant and recipient, so that
-- a report is never queued twice; a failed delivery stays pending with one
-- more attempt and its error, a sent one is never sent again; a sender
-- claims an entry (claimed_until) before it sends, so that two runs at
-- once never send the same one. Same
-- conventions as 00001; sent_at is NULL until sent.

-- +goose Up
CREATE TABLE outbox (
    id              bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    month           timestamptz NOT NULL,
    participant     bigint      NOT NULL,
    recipient       text        NOT NULL,
    subject         text        NOT NULL,
    body            text        NOT NULL,
    attachment      bytea       NOT NULL,
    attachment_name text        NOT NULL,
    state           text        NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'sent', 'failed')),
    attempts        integer     NOT NULL DEFAULT 0,
    last_error      text        NOT NULL DEFAULT '',
    queued_at       timestamptz NOT NULL,
    sent_at         timestamptz,
    claimed_until   timestamptz NOT NULL DEFAULT '-infinity',
    UNIQUE (month, participant, recipient)
);

-- +goose Down
DROP TABLE outbox;
