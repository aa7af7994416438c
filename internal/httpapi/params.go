package httpapi

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/observatory-net/observatory/internal/view"
	"github.com/observatory-net/observatory/internal/vocab"
)

// Pagination bounds (api/openapi.yaml, parameter pageSize).
const (
	defaultPageSize = 100
	maxPageSize     = 1000
)

// checkParams answers 422 for a query parameter the route does not know
// and 400 for one given twice.
func checkParams(q url.Values, allowed []string) error {
	for name, vs := range q {
		if !cleanText(name) || !cleanText(vs...) {
			return badRequest("query parameters must be UTF-8 text without NUL")
		}
		if !slices.Contains(allowed, name) {
			return problem(http.StatusUnprocessableEntity, "unknown-parameter",
				"unknown query parameter %s; this endpoint takes %s", quote(name), strings.Join(allowed, ", "))
		}
		if len(vs) > 1 {
			return badRequest("query parameter %s given %d times", name, len(vs))
		}
	}
	return nil
}

// cleanText reports whether every s is valid UTF-8 without NUL, which no
// store column may hold (PostgreSQL refuses NUL in text).
func cleanText(ss ...string) bool { return view.CleanText(ss...) }

// parseASN reads "AS3333", "as3333" or "3333" (vocab.ParseASN).
func parseASN(s string) (uint32, error) {
	n, err := vocab.ParseASN(s)
	if err != nil {
		return 0, badRequest("asn %s: want AS followed by a number up to 4294967295, or a number", quote(s))
	}
	return n, nil
}

// parseMonthParam reads "2026-10", "2026-10-01" or an RFC 3339 time as
// the first instant of its month, UTC.
func parseMonthParam(s string) (time.Time, error) {
	for _, layout := range []string{vocab.MonthLayout, time.DateOnly, time.RFC3339} {
		if t, err := time.Parse(layout, s); err == nil {
			t = t.UTC()
			return time.Date(t.Year(), t.Month(), 1, 0, 0, 0, 0, time.UTC), nil
		}
	}
	return time.Time{}, badRequest("month %s: want 2026-10 or 2026-10-01T00:00:00Z", quote(s))
}

// specRef matches "ID@VERSION".
var specRef = regexp.MustCompile(`^[a-z][a-z0-9-]{0,31}@[0-9A-Za-z.-]{1,32}$`)

// parseID reads a positive decimal identifier from a path segment.
func parseID(s string) (int64, error) {
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n < 1 || strings.TrimLeft(s, "0123456789") != "" {
		return 0, badRequest("id %s: want a positive integer", quote(s))
	}
	return n, nil
}

// page is a window of a list: items [start, end) and the token of the
// window after it, "" at the end.
type page struct {
	start, end int
	next       string
}

// pageRequest is a list query's pageSize and pageToken, checked before
// anything is read: the page's size and the offset and fingerprint the
// token carries (none without a token).
type pageRequest struct {
	size   int
	token  string
	offset uint64
	tokFP  []byte
	fp     [8]byte // of the query, once bound
}

// parsePage reads pageSize and pageToken. A token carries the offset and a
// fingerprint of the query it belongs to, so a token of another query or
// a forged one is a 400 (see bind), not a wrong page.
func parsePage(q url.Values) (pageRequest, error) {
	pr := pageRequest{size: defaultPageSize, token: q.Get("pageToken")}
	if s := q.Get("pageSize"); s != "" {
		v, err := strconv.Atoi(s)
		if err != nil || v < 1 || v > maxPageSize || strings.TrimLeft(s, "0123456789") != "" {
			return pr, badRequest("pageSize %s: want an integer from 1 to %d", quote(s), maxPageSize)
		}
		pr.size = v
	}
	if pr.token != "" {
		b, err := base64.RawURLEncoding.DecodeString(pr.token)
		if err != nil || len(b) != 16 {
			return pr, badRequest("pageToken %s: not a token of this query", quote(pr.token))
		}
		pr.offset, pr.tokFP = binary.BigEndian.Uint64(b[:8]), b[8:]
	}
	return pr, nil
}

// bind checks that the token, if any, is one of the query whose
// fingerprint is given, and binds the next page's token to it.
func (pr *pageRequest) bind(fingerprint string) error {
	sum := sha256.Sum256([]byte(fingerprint))
	copy(pr.fp[:], sum[:8])
	if pr.token != "" && string(pr.tokFP) != string(pr.fp[:]) {
		return badRequest("pageToken %s: not a token of this query", quote(pr.token))
	}
	return nil
}

// window returns the page of a list of n items.
func (pr *pageRequest) window(n int) (page, error) {
	if pr.offset > uint64(n) {
		return page{}, badRequest("pageToken %s: past the end of the list", quote(pr.token))
	}
	start := int(pr.offset)
	p := page{start: start, end: min(start+pr.size, n)}
	if p.end < n {
		b := binary.BigEndian.AppendUint64(nil, uint64(p.end))
		p.next = base64.RawURLEncoding.EncodeToString(append(b, pr.fp[:]...))
	}
	return p, nil
}

// paginate reads pageSize and pageToken for a list of n items already
// read, bound to the query's fingerprint.
func paginate(q url.Values, n int, fingerprint string) (page, error) {
	pr, err := parsePage(q)
	if err != nil {
		return page{}, err
	}
	if err := pr.bind(fingerprint); err != nil {
		return page{}, err
	}
	return pr.window(n)
}

// withoutPaging returns the query's canonical form without the paging
// parameters: what a page token is bound to.
func withoutPaging(q url.Values) string {
	c := url.Values{}
	for k, v := range q {
		if k != "pageSize" && k != "pageToken" {
			c[k] = v
		}
	}
	return c.Encode()
}
