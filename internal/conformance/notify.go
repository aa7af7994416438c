package conformance

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"time"

	"github.com/observatory-net/observatory/api/wire"
	"github.com/observatory-net/observatory/internal/store"
	"github.com/observatory-net/observatory/internal/vocab"
)

// Notice is what Notify POSTs to the secretariat's webhook: the month's
// new flags (those whose run reached the rule's length this month), how
// many flags the month has in all, and the digest of the new flags, also
// sent as the Idempotency-Key header.
type Notice struct {
	wire.MonthData
	Digest string                 `json:"digest"`
	Total  int                    `json:"total"`
	Flags  []wire.ConformanceFlag `json:"flags"`
}

// NotifyOptions configure Notify.
type NotifyOptions struct {
	Webhook  string       // http or https URL
	Client   *http.Client // default: one with a 30-second timeout
	Attempts int          // tries in all on a 5xx or a network error; default 4
	Backoff  time.Duration
	Now      func() time.Time
	Logger   *slog.Logger
}

// NotifyResult says what Notify did.
type NotifyResult struct {
	Sent     bool
	Attempts int
	Digest   string
	Flags    int                 // new flags sent
	Already  *store.Notification // the earlier notification, when not sent again
}

// ErrWebhook is a webhook that refused the notice or kept failing.
var ErrWebhook = errors.New("webhook delivery failed")

// CheckWebhook reports whether u is an absolute http or https URL.
func CheckWebhook(u string) error {
	p, err := url.Parse(u)
	if err != nil || (p.Scheme != "http" && p.Scheme != "https") || p.Host == "" {
		return fmt.Errorf("webhook %q: want an http or https URL", u)
	}
	return nil
}

// Notify POSTs the new flags of r to the webhook as a Notice, once per
// month and specification: a month with a record in rec is not sent
// again. A 5xx answer or a network error is retried, with a doubling
// backoff, up to Attempts tries; any other answer but 2xx fails at once.
// The record is written after the webhook accepted the notice, so that a
// failed delivery is tried again by the next run; a run that dies between
// the two sends again, with the same Idempotency-Key.
func Notify(ctx context.Context, rec store.Notifications, r *wire.ConformanceFlags, o NotifyOptions) (*NotifyResult, error) {
	o.fill()
	if err := CheckWebhook(o.Webhook); err != nil {
		return nil, err
	}
	prev, err := rec.Notification(ctx, r.Month, r.Spec)
	switch {
	case err == nil:
		return &NotifyResult{Already: prev, Digest: prev.Digest}, nil
	case !errors.Is(err, store.ErrNotFound):
		return nil, err
	}
	n := Notice{MonthData: r.MonthData, Total: len(r.Items), Flags: []wire.ConformanceFlag{}}
	for _, f := range r.Items {
		if f.New {
			n.Flags = append(n.Flags, f)
		}
	}
	flags, err := json.Marshal(n.Flags)
	if err != nil {
		return nil, err
	}
	sum := sha256.Sum256(flags)
	n.Digest = hex.EncodeToString(sum[:])
	body, err := json.Marshal(n)
	if err != nil {
		return nil, err
	}
	res := &NotifyResult{Digest: n.Digest, Flags: len(n.Flags)}
	if res.Attempts, err = o.post(ctx, body, n.Digest); err != nil {
		return res, err
	}
	res.Sent = true
	err = rec.RecordNotification(ctx, &store.Notification{Month: r.Month, Spec: r.Spec, SentAt: o.Now().UTC(), Digest: n.Digest})
	if err != nil {
		return res, fmt.Errorf("record the notification of %s: %w", vocab.MonthOf(r.Month), err)
	}
	o.Logger.Info("notified the secretariat", "month", vocab.MonthOf(r.Month).String(), "flags", len(n.Flags), "attempts", res.Attempts)
	return res, nil
}

func (o *NotifyOptions) fill() {
	if o.Client == nil {
		o.Client = &http.Client{Timeout: 30 * time.Second}
	}
	if o.Attempts <= 0 {
		o.Attempts = 4
	}
	if o.Backoff <= 0 {
		o.Backoff = time.Second
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
}

// post sends body until a 2xx, a final refusal or the last attempt, and
// returns the attempts made.
func (o *NotifyOptions) post(ctx context.Context, body []byte, key string) (int, error) {
	wait := o.Backoff
	var last error
	for i := 1; i <= o.Attempts; i++ {
		retry, err := o.postOnce(ctx, body, key)
		if err == nil {
			return i, nil
		}
		last = err
		if !retry || i == o.Attempts {
			return i, err
		}
		o.Logger.Warn("webhook attempt failed, retrying", "attempt", i, "error", err.Error(), "wait", wait)
		select {
		case <-ctx.Done():
			return i, ctx.Err()
		case <-time.After(wait):
		}
		wait *= 2
	}
	return o.Attempts, last
}

func (o *NotifyOptions) postOnce(ctx context.Context, body []byte, key string) (retry bool, err error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, o.Webhook, bytes.NewReader(body))
	if err != nil {
		return false, err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Idempotency-Key", key)
	resp, err := o.Client.Do(req)
	if err != nil {
		return ctx.Err() == nil, fmt.Errorf("%w: %w", ErrWebhook, err)
	}
	io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10)) //nolint:errcheck // only to reuse the connection
	resp.Body.Close()
	switch {
	case resp.StatusCode >= 200 && resp.StatusCode < 300:
		return false, nil
	case resp.StatusCode >= 500:
		return true, fmt.Errorf("%w: %s answered %s", ErrWebhook, o.Webhook, resp.Status)
	}
	return false, fmt.Errorf("%w: %s refused the notice: %s", ErrWebhook, o.Webhook, resp.Status)
}
