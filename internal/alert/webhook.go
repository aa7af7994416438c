package alert

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"time"
)

// Payload is the JSON body of a webhook delivery.
type Payload struct {
	Event          EventType `json:"event"`
	Time           time.Time `json:"time"`
	IdempotencyKey string    `json:"idempotencyKey"`
	// URL links to the incident's evidence, when a template is set.
	URL      string   `json:"url,omitempty"`
	Summary  string   `json:"summary"`
	Incident Incident `json:"incident"`
}

// Webhook headers.
const (
	HeaderSignature   = "X-Observatory-Signature" // "sha256=" and the hex HMAC-SHA256 of the body
	HeaderEvent       = "X-Observatory-Event"     // open or close
	HeaderIdempotency = "Idempotency-Key"         // incident id ":" event
)

// NewPayload is the webhook body of ev with its evidence link.
func NewPayload(ev Event, link string) Payload {
	return Payload{Event: ev.Type, Time: ev.Time.UTC(), IdempotencyKey: ev.IdempotencyKey(), URL: link,
		Summary: Summary(ev), Incident: ev.Incident}
}

// Sign returns the signature header value of body under secret.
func Sign(secret string, body []byte) string {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write(body)
	return "sha256=" + hex.EncodeToString(m.Sum(nil))
}

// post makes one webhook attempt. A 2xx answer delivers; 429 and 5xx and
// network errors are retried (with the answer's Retry-After, in seconds,
// when given); any other answer is a permanent refusal.
func (d *Dispatcher) post(ctx context.Context, url string, ev Event, link string) (time.Duration, error) {
	body, err := json.Marshal(NewPayload(ev, link))
	if err != nil {
		return 0, fmt.Errorf("%w: encode the alert: %w", errPermanent, err)
	}
	ctx, cancel := context.WithTimeout(ctx, d.o.Timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return 0, fmt.Errorf("%w: %w", errPermanent, err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "observatory-alert")
	req.Header.Set(HeaderIdempotency, ev.IdempotencyKey())
	req.Header.Set(HeaderEvent, string(ev.Type))
	if d.o.Secret != "" {
		req.Header.Set(HeaderSignature, Sign(d.o.Secret, body))
	}
	resp, err := d.o.Client.Do(req)
	if err != nil {
		return 0, fmt.Errorf("post to %s: %w", url, err)
	}
	io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10)) //nolint:errcheck // only to reuse the connection
	resp.Body.Close()
	switch c := resp.StatusCode; {
	case c >= 200 && c < 300:
		return 0, nil
	case c == http.StatusTooManyRequests || c >= 500:
		return retryAfter(resp.Header.Get("Retry-After")), fmt.Errorf("%s answered %s", url, resp.Status)
	default:
		return 0, fmt.Errorf("%w: %s answered %s", errPermanent, url, resp.Status)
	}
}

// retryAfter reads a Retry-After of whole seconds (the HTTP-date form is
// not honoured: the backoff applies).
func retryAfter(v string) time.Duration {
	s, err := strconv.Atoi(v)
	if err != nil || s < 0 {
		return 0
	}
	return time.Duration(s) * time.Second
}
