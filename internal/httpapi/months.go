package httpapi

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/observatory-net/observatory/internal/store"
	"github.com/observatory-net/observatory/internal/view"
	"github.com/observatory-net/observatory/internal/vocab"
)

// monthList returns the stored months, newest first (view.View.Months).
func (s *Server) monthList(ctx context.Context) ([]store.MonthMeta, error) {
	return s.view.Months(ctx)
}

// refreshed prepares, after a background re-read of the months, a new
// version of the month most queries read (a re-ingest, a review) before
// they ask for it.
func (s *Server) refreshed(metas []store.MonthMeta) {
	if d := view.Resolve(metas, time.Time{}, ""); d != nil && s.peekView(d) == nil {
		s.warmView(s.bg, d) //nolint:errcheck // a failed load is tried again by the next request
	}
}

// pagedMonth reads a list's page parameters and the month the request
// names, and binds the page token to that month's version.
func (c *call) pagedMonth() (pageRequest, *store.MonthMeta, error) {
	pr, err := parsePage(c.q)
	if err != nil {
		return pr, nil, err
	}
	m, err := c.month()
	if err != nil {
		return pr, nil, err
	}
	if err := pr.bind(c.fingerprint(m)); err != nil { // bind sets pr's fingerprint: before pr is returned
		return pr, nil, err
	}
	return pr, m, nil
}

// month resolves the month and spec query parameters to a stored month:
// the newest month by default and, for a month stored under several
// specifications, spec.Default when stored, else the first.
func (c *call) month() (*store.MonthMeta, error) {
	ref := c.q.Get("spec")
	if ref != "" && !specRef.MatchString(ref) {
		return nil, badRequest("spec %s: want ID@VERSION", quote(ref))
	}
	var want time.Time
	if s := c.q.Get("month"); s != "" {
		var err error
		if want, err = parseMonthParam(s); err != nil {
			return nil, err
		}
	}
	metas, err := c.s.monthList(c.ctx())
	if err != nil {
		return nil, err
	}
	found := view.Resolve(metas, want, ref)
	if found == nil {
		if want.IsZero() && ref == "" {
			return nil, notFound("no month is stored yet")
		}
		return nil, notFound("no month stored for %s", describeMonth(want, ref))
	}
	return found, nil
}

func describeMonth(m time.Time, ref string) string {
	var parts []string
	if !m.IsZero() {
		parts = append(parts, m.Format(vocab.MonthLayout))
	}
	if ref != "" {
		parts = append(parts, ref)
	}
	return strings.Join(parts, " under ")
}

// previousMonth returns the newest month before m stored under m's spec.
func (c *call) previousMonth(m *store.MonthMeta) (*store.MonthMeta, error) {
	return c.s.view.Previous(c.ctx(), m)
}

// respCache holds encoded month responses. Entries never go stale by
// themselves: their key names the month version; when full it is emptied.
type respCache struct {
	mu   sync.RWMutex
	m    map[string][]byte
	size int
	max  int
}

func (rc *respCache) get(k string) ([]byte, bool) {
	rc.mu.RLock()
	b, ok := rc.m[k]
	rc.mu.RUnlock()
	return b, ok
}

func (rc *respCache) put(k string, b []byte) {
	if len(b) > rc.max/8 {
		return // one huge list page must not evict everything else
	}
	rc.mu.Lock()
	defer rc.mu.Unlock()
	if rc.m == nil || rc.size+len(b) > rc.max {
		rc.m, rc.size = map[string][]byte{}, 0
	}
	rc.m[k] = b
	rc.size += len(b) + len(k)
}

// Cache-Control of month data: shared caches may keep public data; data
// that depends on the key stays private to the client.
const (
	cachePublic  = "public, max-age=300"
	cachePrivate = "private, max-age=60"
)

// serveMonth answers with month data: from the cache, with 304 when the
// client holds the current version, or built, encoded and cached. view
// names who the response is for (see principal.view); it must capture
// everything that makes the response differ between callers. Every query
// parameter must have been checked before: a build costs the caller
// rate-limit tokens (costBuild) and, for a heavy call, a slot of
// expensive work.
func (c *call) serveMonth(m *store.MonthMeta, view string, build func() (any, error)) error {
	reg, regVersion, err := c.s.registered(c.ctx())
	if err != nil {
		return err
	}
	c.reg = reg
	key := strings.Join([]string{m.Month.Format(time.RFC3339), m.Spec, strconv.FormatInt(m.IngestedAt.UnixNano(), 10),
		strconv.FormatUint(c.s.view.Generation(), 10), regVersion, view, c.r.URL.Path, c.q.Encode()}, "\x00")
	sum := sha256.Sum256([]byte(key))
	etag := `"` + hex.EncodeToString(sum[:16]) + `"`
	h := c.w.Header()
	h.Set("ETag", etag)
	h.Set("Vary", "Authorization")
	if strings.HasPrefix(view, viewAnonymous) {
		h.Set("Cache-Control", cachePublic)
	} else {
		h.Set("Cache-Control", cachePrivate)
	}
	if matchETag(c.r.Header.Get("If-None-Match"), etag) {
		c.w.WriteHeader(http.StatusNotModified)
		return nil
	}
	body, ok := c.s.cache.get(key)
	if !ok {
		if body, err = c.build(key, build); err != nil {
			h.Del("ETag")
			return err
		}
	}
	h.Set("Content-Type", "application/json")
	h.Set("Content-Length", strconv.Itoa(len(body)))
	c.w.Write(body) //nolint:errcheck // the client is gone
	return nil
}

// build builds, encodes and caches the response of key, which is not in
// the cache: at costBuild tokens and, for a heavy call, in a slot of
// expensive work, after which the cache is looked at again (a request
// for the same key may have built it meanwhile).
func (c *call) build(key string, build func() (any, error)) ([]byte, error) {
	s := c.s
	if err := s.limits.more(c.who.bucket(c.r), c.who.rate(s.opt), costBuild); err != nil {
		return nil, err
	}
	if c.heavy {
		release, err := s.work.acquire(c.ctx(), c.who.bucket(c.r))
		if err != nil {
			return nil, err
		}
		defer release()
		if body, ok := s.cache.get(key); ok {
			return body, nil
		}
	}
	v, err := build()
	if err != nil {
		return nil, err
	}
	body, err := json.Marshal(v)
	if err != nil {
		return nil, fmt.Errorf("encode %s: %w", c.r.URL.Path, err)
	}
	s.cache.put(key, body)
	return body, nil
}

// chargeMonthRead charges the caller for a whole month read from the
// store that it is about to make (costMonthRead).
func (c *call) chargeMonthRead() {
	c.s.limits.charge(c.who.bucket(c.r), c.who.rate(c.s.opt), costMonthRead)
}

// matchETag applies If-None-Match's weak comparison (RFC 9110 §13.1.2).
func matchETag(header, etag string) bool {
	for part := range strings.SplitSeq(header, ",") {
		part = strings.TrimPrefix(strings.TrimSpace(part), "W/")
		if part == etag || part == "*" {
			return true
		}
	}
	return false
}

// writeJSON answers with a value that is not month data.
func (c *call) writeJSON(status int, v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("encode %s: %w", c.r.URL.Path, err)
	}
	h := c.w.Header()
	h.Set("Content-Type", "application/json")
	h.Set("Cache-Control", "no-store")
	c.w.WriteHeader(status)
	c.w.Write(b) //nolint:errcheck // the client is gone
	return nil
}

func head(m *store.MonthMeta) monthData {
	return monthData{Month: m.Month.UTC(), Spec: m.Spec}
}
