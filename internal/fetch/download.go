package fetch

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math/rand/v2"
	"net/http"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/observatory-net/observatory/internal/sources"
)

// errRetry marks an attempt worth repeating: a network error, a 5xx or
// 429 answer, a body cut short.
type errRetry struct{ reason string }

func (e *errRetry) Error() string { return e.reason }

// errNotFound marks a file that is not there.
var errNotFound = errors.New("not found")

// download gets one location into part, retrying with backoff. It
// returns Fetched, Missing or Failed with the reason, and whether a
// partial download was continued.
func (f *fetcher) download(ctx context.Context, file sources.File, loc sources.Location, part string) (Status, string, bool) {
	src, local, err := f.source(loc.URL)
	if err != nil {
		return Failed, err.Error(), false
	}
	if local {
		return f.copyLocal(src, part)
	}
	headers := map[string]string{}
	if f.opt.Mirror == "" { // an API key goes to its own host only
		headers = sources.ExpandHeaders(file.Headers)
	}
	resumed := false
	var last error
	for attempt := range f.opt.Attempts {
		if attempt > 0 {
			wait := f.opt.Backoff << (attempt - 1)
			wait += time.Duration(rand.Int64N(int64(wait)/5 + 1)) // jitter, so that parallel retries spread
			f.log.Debug("retrying", "url", src, "attempt", attempt+1, "wait", wait, "after", last)
			select {
			case <-ctx.Done():
				return Failed, ctx.Err().Error(), resumed
			case <-time.After(wait):
			}
		}
		var r bool
		r, last = f.get(ctx, src, headers, part)
		resumed = resumed || r
		var retry *errRetry
		switch {
		case last == nil:
			return Fetched, "", resumed
		case errors.Is(last, errNotFound):
			return Missing, last.Error(), resumed
		case ctx.Err() != nil:
			return Failed, ctx.Err().Error(), resumed
		case !errors.As(last, &retry):
			return Failed, last.Error(), resumed
		}
	}
	return Failed, fmt.Sprintf("%v after %d attempts", last, f.opt.Attempts), resumed
}

// source maps a URL to the mirror: another base URL keeping the path,
// or a file in a directory (local true).
func (f *fetcher) source(raw string) (string, bool, error) {
	if f.opt.Mirror == "" {
		return raw, false, nil
	}
	u, err := url.Parse(raw)
	if err != nil {
		return "", false, fmt.Errorf("url %s: %w", raw, err)
	}
	m, err := url.Parse(f.opt.Mirror)
	if err == nil && (m.Scheme == "http" || m.Scheme == "https") {
		u.Scheme, u.Host = m.Scheme, m.Host
		u.Path = path.Join("/", m.Path, u.Path)
		u.RawPath = ""
		return u.String(), false, nil
	}
	return filepath.Join(f.opt.Mirror, filepath.FromSlash(path.Clean("/"+u.Path))), true, nil
}

// get makes one attempt, continuing part when it holds bytes already.
func (f *fetcher) get(ctx context.Context, src string, headers map[string]string, part string) (resumed bool, err error) {
	var off int64
	if st, err := os.Stat(part); err == nil {
		off = st.Size()
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, src, nil)
	if err != nil {
		return false, err
	}
	req.Header.Set("User-Agent", f.opt.UserAgent)
	for k, v := range headers {
		req.Header.Set(k, v)
	}
	if off > 0 {
		req.Header.Set("Range", "bytes="+strconv.FormatInt(off, 10)+"-")
	}
	resp, err := f.opt.Client.Do(req)
	if err != nil {
		var ue *url.Error // its message repeats the URL the report names already
		if errors.As(err, &ue) {
			err = ue.Err
		}
		return false, &errRetry{reason: "network: " + err.Error()}
	}
	defer resp.Body.Close()
	flags := os.O_WRONLY | os.O_CREATE | os.O_TRUNC
	switch code := resp.StatusCode; {
	case code == http.StatusPartialContent && off > 0 && rangeStart(resp) == off:
		flags, resumed = os.O_WRONLY|os.O_APPEND, true
	case code == http.StatusOK:
	case code == http.StatusRequestedRangeNotSatisfiable:
		os.Remove(part) // the part no longer matches the file: start again
		return false, &errRetry{reason: "HTTP 416 on resume"}
	case code == http.StatusNotFound || code == http.StatusGone:
		return false, fmt.Errorf("HTTP %d: %w", code, errNotFound)
	case code >= 500 || code == http.StatusTooManyRequests:
		return false, &errRetry{reason: fmt.Sprintf("HTTP %d", code)}
	default:
		return false, fmt.Errorf("HTTP %d", code)
	}
	if err := os.MkdirAll(filepath.Dir(part), 0o755); err != nil {
		return false, err
	}
	out, err := os.OpenFile(part, flags, 0o644)
	if err != nil {
		return resumed, err
	}
	n, err := io.Copy(out, countBytes{resp.Body, &f.bytes})
	if cerr := out.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return resumed, &errRetry{reason: "body: " + err.Error()}
	}
	if resp.ContentLength >= 0 && n != resp.ContentLength {
		return resumed, &errRetry{reason: fmt.Sprintf("body cut at %d of %d bytes", n, resp.ContentLength)}
	}
	return resumed, nil
}

// rangeStart reads the first byte position of a Content-Range header
// ("bytes 100-199/200"), or -1.
func rangeStart(resp *http.Response) int64 {
	v, ok := strings.CutPrefix(resp.Header.Get("Content-Range"), "bytes ")
	if !ok {
		return -1
	}
	first, _, _ := strings.Cut(v, "-")
	n, err := strconv.ParseInt(first, 10, 64)
	if err != nil {
		return -1
	}
	return n
}

// copyLocal copies a file of a mirror directory.
func (f *fetcher) copyLocal(src, part string) (Status, string, bool) {
	in, err := os.Open(src)
	if errors.Is(err, fs.ErrNotExist) {
		return Missing, "not in the mirror directory", false
	}
	if err != nil {
		return Failed, err.Error(), false
	}
	defer in.Close()
	if err := os.MkdirAll(filepath.Dir(part), 0o755); err != nil {
		return Failed, err.Error(), false
	}
	out, err := os.Create(part)
	if err != nil {
		return Failed, err.Error(), false
	}
	_, err = io.Copy(out, countBytes{in, &f.bytes})
	if cerr := out.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return Failed, err.Error(), false
	}
	return Fetched, "", false
}

// countBytes adds what passes through to a counter.
type countBytes struct {
	r io.Reader
	n interface{ Add(int64) int64 }
}

func (c countBytes) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n.Add(int64(n))
	return n, err
}
