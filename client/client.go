package client

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// DefaultUserAgent is sent when WithUserAgent is not given.
const DefaultUserAgent = "observatory-go-client/2"

// maxErrorBody bounds how much of an error response is read.
const maxErrorBody = 64 << 10

// Client calls one observatory server. It is safe for concurrent use.
type Client struct {
	base  *url.URL
	key   string
	hc    *http.Client
	ua    string
	retry RetryPolicy
}

// Option configures a Client.
type Option func(*Client)

// WithAPIKey authenticates every request with the key, the whole token
// `observatory keys create` printed (obs_<id>_<secret>).
func WithAPIKey(token string) Option { return func(c *Client) { c.key = token } }

// WithHTTPClient sends the requests through hc instead of
// http.DefaultClient: for timeouts, proxies or custom TLS.
func WithHTTPClient(hc *http.Client) Option { return func(c *Client) { c.hc = hc } }

// WithUserAgent sets the User-Agent header, which shows in the server's
// access log.
func WithUserAgent(ua string) Option { return func(c *Client) { c.ua = ua } }

// WithRetryPolicy replaces DefaultRetryPolicy; RetryPolicy{MaxAttempts: 1}
// turns retries off.
func WithRetryPolicy(p RetryPolicy) Option { return func(c *Client) { c.retry = p } }

// New returns a client of the server at baseURL (`http://127.0.0.1:8080`;
// the /api/v2 paths are appended to it, after any path it has).
func New(baseURL string, opts ...Option) (*Client, error) {
	u, err := url.Parse(baseURL)
	if err != nil {
		return nil, fmt.Errorf("observatory: base URL: %w", err)
	}
	if u.Scheme != "http" && u.Scheme != "https" || u.Host == "" {
		return nil, fmt.Errorf("observatory: base URL %q: want http(s)://host[:port]", baseURL)
	}
	u.Path = strings.TrimSuffix(u.Path, "/")
	u.RawQuery, u.Fragment = "", ""
	c := &Client{base: u, hc: http.DefaultClient, ua: DefaultUserAgent, retry: DefaultRetryPolicy}
	for _, o := range opts {
		o(c)
	}
	c.retry = c.retry.withDefaults()
	return c, nil
}

// request is one API call.
type request struct {
	method string
	path   string     // escaped, from the API root: /api/v2/...
	query  url.Values // may be nil
	body   any        // JSON-encoded when not nil
	accept string     // default application/json
}

// do sends r, retrying as the policy allows, and decodes a 2xx answer
// into out (when not nil). Any other status is an *Error.
func (c *Client) do(ctx context.Context, r request, out any) error {
	resp, err := c.send(ctx, r)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if out == nil || resp.StatusCode == http.StatusNoContent {
		_, _ = io.Copy(io.Discard, resp.Body) // lets the connection be reused
		return nil
	}
	if raw, ok := out.(*[]byte); ok {
		*raw, err = io.ReadAll(resp.Body)
		if err != nil {
			return fmt.Errorf("observatory: %s %s: read the answer: %w", r.method, r.path, err)
		}
		return nil
	}
	if err := json.NewDecoder(resp.Body).Decode(out); err != nil {
		return fmt.Errorf("observatory: %s %s: decode the answer: %w", r.method, r.path, err)
	}
	return nil
}

// send returns the first 2xx answer to r, or the error of the last
// attempt. The caller closes the body.
func (c *Client) send(ctx context.Context, r request) (*http.Response, error) {
	var body []byte
	if r.body != nil {
		var err error
		if body, err = json.Marshal(r.body); err != nil {
			return nil, fmt.Errorf("observatory: %s %s: encode the body: %w", r.method, r.path, err)
		}
	}
	target := c.url(r)
	for attempt := 1; ; attempt++ {
		resp, err := c.attempt(ctx, r, target, body)
		if err == nil {
			return resp, nil
		}
		wait, ok := c.retry.next(attempt, r.method, err)
		if !ok || ctx.Err() != nil {
			return nil, err
		}
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return nil, fmt.Errorf("%w (while waiting %v to retry)", ctx.Err(), wait.Round(time.Millisecond))
		case <-t.C:
		}
	}
}

// attempt sends r once. A non-2xx answer becomes an *Error.
func (c *Client) attempt(ctx context.Context, r request, target string, body []byte) (*http.Response, error) {
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, r.method, target, rd)
	if err != nil {
		return nil, fmt.Errorf("observatory: %s %s: %w", r.method, r.path, err)
	}
	accept := r.accept
	if accept == "" {
		accept = "application/json"
	}
	req.Header.Set("Accept", accept+", application/problem+json")
	req.Header.Set("User-Agent", c.ua)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if c.key != "" {
		req.Header.Set("Authorization", "Bearer "+c.key)
	}
	resp, err := c.hc.Do(req)
	if err != nil {
		return nil, &transportError{method: r.method, path: r.path, err: err}
	}
	if resp.StatusCode >= 200 && resp.StatusCode < 300 {
		return resp, nil
	}
	defer resp.Body.Close()
	return nil, newError(r.method, r.path, resp)
}

func (c *Client) url(r request) string {
	u := c.base.String() + r.path // r.path's segments are escaped
	if len(r.query) > 0 {
		u += "?" + r.query.Encode()
	}
	return u
}

// transportError is a request that got no HTTP answer.
type transportError struct {
	method, path string
	err          error
}

func (e *transportError) Error() string {
	return fmt.Sprintf("observatory: %s %s: %v", e.method, e.path, e.err)
}

func (e *transportError) Unwrap() error { return e.err }

// isTransport reports whether err is a request that got no answer, other
// than by the caller's own cancellation.
func isTransport(err error) bool {
	var te *transportError
	return errors.As(err, &te) && !errors.Is(err, context.Canceled) && !errors.Is(err, context.DeadlineExceeded)
}
