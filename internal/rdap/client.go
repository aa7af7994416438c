package rdap

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/observatory-net/observatory/internal/atomicfile"
	"github.com/observatory-net/observatory/internal/bgp"
)

// Servers are the RDAP bases of the registries whose ASNs the observatory
// looks up (the IANA bootstrap registry for ASNs, RFC 9224, names them).
var Servers = map[string]string{
	"arin":   "https://rdap.arin.net/registry/",
	"lacnic": "https://rdap.lacnic.net/rdap/",
}

// DefaultInterval is the least time between two requests of a Client:
// one a second, well under what ARIN and LACNIC tolerate from one address.
const DefaultInterval = time.Second

// ErrNotFound is returned for an ASN the server does not know (HTTP 404).
var ErrNotFound = errors.New("rdap: no such autnum")

// Client fetches autnum answers and keeps each in a disk cache. Its zero
// value is not usable: Dir is required. A Client is safe for concurrent
// use; requests are serialised by the rate bound.
type Client struct {
	// Dir is the cache root; answers go to CachePath(Dir, registry, asn).
	Dir string
	// Servers maps a registry ("arin", "lacnic") to its RDAP base URL;
	// nil means the package's Servers.
	Servers map[string]string
	// HTTP is the client used; nil means one with a 30 s timeout.
	HTTP *http.Client
	// Interval is the least time between two requests; zero means
	// DefaultInterval.
	Interval time.Duration
	// MaxAge is how old a cached answer may be and still be used instead
	// of a request; zero means forever.
	MaxAge time.Duration
	// UserAgent is sent with every request.
	UserAgent string

	mu   sync.Mutex
	last time.Time
}

// CachePath is where the answer for an ASN of a registry is kept under
// dir: dir/rdap/<registry>/autnum/AS<n>.json.
func CachePath(dir, registry string, asn bgp.ASN) string {
	return filepath.Join(dir, "rdap", registry, "autnum", asn.String()+".json")
}

// Autnum returns the answer for an ASN of a registry, from the cache when
// it holds a fresh one, else from the server (then cached). It reports
// whether the answer came from the cache.
func (c *Client) Autnum(ctx context.Context, registry string, asn bgp.ASN) (*Autnum, bool, error) {
	path := CachePath(c.Dir, registry, asn)
	if st, err := os.Stat(path); err == nil && (c.MaxAge == 0 || time.Since(st.ModTime()) < c.MaxAge) {
		f, err := os.Open(path)
		if err == nil {
			defer f.Close()
			a, err := Parse(f, path)
			if err == nil {
				return a, true, nil
			}
		}
	}
	body, err := c.get(ctx, registry, asn)
	if err != nil {
		return nil, false, err
	}
	a, err := Decode(body, c.url(registry, asn))
	if err != nil {
		return nil, false, err
	}
	if err := writeFile(path, body); err != nil {
		return nil, false, err
	}
	return a, false, nil
}

func (c *Client) url(registry string, asn bgp.ASN) string {
	servers := c.Servers
	if servers == nil {
		servers = Servers
	}
	base, ok := servers[registry]
	if !ok {
		return ""
	}
	return strings.TrimSuffix(base, "/") + "/autnum/" + fmt.Sprint(uint32(asn))
}

// get requests one answer, waiting for the rate bound first.
func (c *Client) get(ctx context.Context, registry string, asn bgp.ASN) ([]byte, error) {
	u := c.url(registry, asn)
	if u == "" {
		return nil, fmt.Errorf("rdap: no server known for registry %q", registry)
	}
	if err := c.wait(ctx); err != nil {
		return nil, err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Accept", "application/rdap+json, application/json")
	if c.UserAgent != "" {
		req.Header.Set("User-Agent", c.UserAgent)
	}
	hc := c.HTTP
	if hc == nil {
		hc = &http.Client{Timeout: 30 * time.Second}
	}
	resp, err := hc.Do(req)
	if err != nil {
		return nil, fmt.Errorf("rdap: get %s: %w", u, err)
	}
	defer resp.Body.Close()
	switch {
	case resp.StatusCode == http.StatusNotFound:
		return nil, fmt.Errorf("%w: %s", ErrNotFound, u)
	case resp.StatusCode != http.StatusOK:
		return nil, fmt.Errorf("rdap: get %s: %s", u, resp.Status)
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, MaxAnswerBytes+1))
	if err != nil {
		return nil, fmt.Errorf("rdap: get %s: %w", u, err)
	}
	if len(body) > MaxAnswerBytes {
		return nil, fmt.Errorf("rdap: get %s: answer larger than %d bytes", u, MaxAnswerBytes)
	}
	return body, nil
}

// wait blocks until Interval has passed since the previous request.
func (c *Client) wait(ctx context.Context) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	iv := c.Interval
	if iv <= 0 {
		iv = DefaultInterval
	}
	if d := time.Until(c.last.Add(iv)); d > 0 {
		t := time.NewTimer(d)
		defer t.Stop()
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-t.C:
		}
	}
	c.last = time.Now()
	return nil
}

// writeFile writes an answer atomically (temporary file, rename), 0644
// like the rest of the fetch cache.
func writeFile(path string, body []byte) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	if err := atomicfile.Write(path, body, 0o644); err != nil {
		return fmt.Errorf("rdap: cache %s: %w", path, err)
	}
	return nil
}
