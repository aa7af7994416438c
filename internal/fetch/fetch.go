// Package fetch downloads the files a month needs (sources.File lists)
// into a cache directory laid out by source and date: concurrently with a
// bound, resumable (a file is written to NAME.part, continued with an HTTP
// Range request when the server allows it, and renamed once verified),
// with retries and exponential backoff on network errors and 5xx answers
// (RFC 9110 §15.6), and a verification of every file: compressed content
// is decompressed to its end (gzip and bzip2 carry CRCs) and the content
// must be recognised as the kind the catalogue announces. A missing or
// corrupt file is reported in the Report, never fatal. A mirror (a base
// URL or a directory) can stand for every source's host, keeping the
// source's path layout.
package fetch

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/observatory-net/observatory/internal/atomicfile"
	"github.com/observatory-net/observatory/internal/dataset"
	"github.com/observatory-net/observatory/internal/decompress"
	"github.com/observatory-net/observatory/internal/sources"
)

// Status is the outcome of one file.
type Status string

// The outcomes of a file. Fetched and Cached files are usable.
const (
	Fetched Status = "fetched" // downloaded and verified now
	Cached  Status = "cached"  // verified by an earlier fetch
	Missing Status = "missing" // not found (404, 410, or absent from a mirror directory)
	Failed  Status = "failed"  // network errors, 5xx or other HTTP errors after every attempt
	Corrupt Status = "corrupt" // damaged compression, or content that is not the expected kind
)

// Options tune Fetch.
type Options struct {
	Dest string // cache directory
	// Mirror, when set, replaces every source's host: an http(s) base URL
	// or a directory, both in the sources' path layout.
	Mirror      string
	Concurrency int
	Attempts    int
	Backoff     time.Duration // first wait between attempts, doubled each time
	Client      *http.Client
	UserAgent   string
	Log         *slog.Logger
	// Progress, when not nil, is called after each file with the number
	// of files done, the total and the bytes downloaded so far.
	Progress func(done, total int, bytes int64)
}

// Result is what happened to one file.
type Result struct {
	Source string `json:"source"`
	Kind   string `json:"kind"`
	// URL is the location used (the first tried when none was found).
	URL    string `json:"url"`
	Path   string `json:"path,omitempty"` // in the cache, when usable
	Status Status `json:"status"`
	Reason string `json:"reason,omitempty"` // why the file is not usable
	Note   string `json:"note,omitempty"`   // what a usable file stands for
	Size   int64  `json:"size,omitempty"`
	SHA256 string `json:"sha256,omitempty"`
	// Resumed is set when a partial download was continued.
	Resumed bool `json:"resumed,omitempty"`
}

// Usable reports whether the file can be ingested.
func (r Result) Usable() bool { return r.Status == Fetched || r.Status == Cached }

// Report is the coverage of a fetch: every file, usable or not.
type Report struct {
	Month string   `json:"month"`
	Files []Result `json:"files"`
}

// Usable returns the results of the files that can be ingested.
func (r *Report) Usable() []Result {
	return slices.DeleteFunc(slices.Clone(r.Files), func(x Result) bool { return !x.Usable() })
}

// Problems returns the results of the files that cannot be ingested.
func (r *Report) Problems() []Result {
	return slices.DeleteFunc(slices.Clone(r.Files), Result.Usable)
}

// Lines is the coverage as text: a summary, then one line per file that
// is missing, failed or corrupt, and per usable file with a note.
func (r *Report) Lines() []string {
	bad := r.Problems()
	out := []string{fmt.Sprintf("coverage: %d of %d files fetched, %d missing or unusable", len(r.Files)-len(bad), len(r.Files), len(bad))}
	for _, x := range bad {
		out = append(out, fmt.Sprintf("coverage: %s %s: %s", x.Status, x.URL, x.Reason))
	}
	for _, x := range r.Files {
		if x.Usable() && x.Note != "" {
			out = append(out, fmt.Sprintf("coverage: note %s: %s", x.URL, x.Note))
		}
	}
	return out
}

// ManifestName is the file, in the cache directory, where Fetch records
// a month's report (with the size and SHA-256 of every file).
func ManifestName(month string) string { return "manifest-" + month + ".json" }

// Fetch gets every file, at most opt.Concurrency at once, and records
// the report in the cache's manifest. Only a cancelled context or an
// unwritable cache directory is an error.
func Fetch(ctx context.Context, month string, files []sources.File, opt Options) (*Report, error) {
	f, err := newFetcher(opt)
	if err != nil {
		return nil, err
	}
	rep := &Report{Month: month, Files: make([]Result, len(files))}
	var done atomic.Int64
	var mu sync.Mutex
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(f.opt.Concurrency)
	for i, file := range files {
		g.Go(func() error {
			res := f.one(gctx, file)
			res.Reason = oneLine(res.Reason)
			if err := gctx.Err(); err != nil {
				return err
			}
			rep.Files[i] = res
			n := done.Add(1)
			if opt.Progress != nil {
				mu.Lock()
				opt.Progress(int(n), len(files), f.bytes.Load())
				mu.Unlock()
			}
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		return nil, err
	}
	if err := writeManifest(filepath.Join(f.opt.Dest, ManifestName(month)), rep); err != nil {
		return rep, err
	}
	bad := rep.Problems()
	f.log.Info("fetched", "month", month, "files", len(files), "unusable", len(bad), "bytes", f.bytes.Load())
	return rep, nil
}

// fetcher holds what every download shares.
type fetcher struct {
	opt   Options
	log   *slog.Logger
	bytes atomic.Int64
}

func newFetcher(opt Options) (*fetcher, error) {
	if opt.Dest == "" {
		return nil, errors.New("fetch: no cache directory")
	}
	if err := os.MkdirAll(opt.Dest, 0o755); err != nil {
		return nil, fmt.Errorf("fetch: create cache: %w", err)
	}
	if opt.Concurrency < 1 {
		opt.Concurrency = 4
	}
	if opt.Attempts < 1 {
		opt.Attempts = 1
	}
	if opt.Client == nil {
		// No transparent gzip: the bytes on disk must be the file's, and
		// Range offsets count them.
		dialer := &net.Dialer{Timeout: 30 * time.Second, KeepAlive: 30 * time.Second}
		opt.Client = &http.Client{Transport: &http.Transport{Proxy: http.ProxyFromEnvironment, DialContext: dialer.DialContext,
			TLSHandshakeTimeout: 30 * time.Second, DisableCompression: true, ResponseHeaderTimeout: time.Minute,
			IdleConnTimeout: time.Minute, MaxIdleConnsPerHost: 8}}
	}
	if opt.UserAgent == "" {
		opt.UserAgent = "observatory (https://github.com/observatory-net/observatory)"
	}
	log := opt.Log
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &fetcher{opt: opt, log: log}, nil
}

// one gets one file: from the cache when a verified copy is there, else
// from the first of its locations that exists.
func (f *fetcher) one(ctx context.Context, file sources.File) Result {
	res := Result{Source: file.Source, Kind: file.Kind, URL: file.Name(), Note: file.Note}
	for _, loc := range file.Locations {
		final := filepath.Join(f.opt.Dest, filepath.FromSlash(loc.Path))
		if _, err := os.Stat(final); err == nil {
			res.URL, res.Status = loc.URL, Cached
			return f.describe(res, final)
		}
	}
	var tried []string
	for _, loc := range file.Locations {
		final := filepath.Join(f.opt.Dest, filepath.FromSlash(loc.Path))
		st, reason, resumed := f.download(ctx, file, loc, final+".part")
		res.Status, res.Reason, res.Resumed = st, reason, resumed
		if st == Missing {
			tried = append(tried, loc.URL)
			continue
		}
		res.URL = loc.URL
		if st != Fetched {
			return res
		}
		if len(tried) > 0 {
			res.Note = joinNote(res.Note, fmt.Sprintf("%d earlier locations not found", len(tried)))
		}
		if file.Pages == "hydra" {
			pages, reason := f.followHydra(ctx, file, loc.URL, final+".part")
			if reason != "" {
				os.Remove(final + ".part") // a later fetch starts again
				res.Status, res.Reason = Failed, reason
				return res
			}
			if pages > 1 {
				res.Note = joinNote(res.Note, fmt.Sprintf("%d pages", pages))
			}
		}
		if reason := verify(ctx, final+".part", file.Kind); reason != "" {
			os.Remove(final + ".part") // a later fetch tries again
			res.Status, res.Reason = Corrupt, reason
			return res
		}
		if err := os.Rename(final+".part", final); err != nil {
			res.Status, res.Reason = Failed, err.Error()
			return res
		}
		return f.describe(res, final)
	}
	if len(tried) > 1 {
		res.Reason = fmt.Sprintf("not found at any of %d locations", len(tried))
	}
	return res
}

// oneLine folds a reason (bzip2(1) writes paragraphs) into one line of
// at most 200 bytes, for the coverage lines.
func oneLine(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	if len(s) > 200 {
		s = s[:197] + "..."
	}
	return s
}

func joinNote(a, b string) string {
	if a == "" {
		return b
	}
	return a + "; " + b
}

// describe adds the path, size and SHA-256 of a usable file.
func (f *fetcher) describe(res Result, path string) Result {
	sum, size, err := hashFile(path)
	if err != nil {
		res.Status, res.Reason = Failed, err.Error()
		return res
	}
	res.Path, res.Size, res.SHA256 = path, size, sum
	return res
}

func hashFile(path string) (string, int64, error) {
	fh, err := os.Open(path)
	if err != nil {
		return "", 0, err
	}
	defer fh.Close()
	h := sha256.New()
	n, err := io.Copy(h, fh)
	if err != nil {
		return "", 0, fmt.Errorf("hash %s: %w", path, err)
	}
	return hex.EncodeToString(h.Sum(nil)), n, nil
}

// verify decompresses a file to its end and recognises its content; it
// returns why the file is unusable, or "".
func verify(ctx context.Context, path, kind string) string {
	r, err := decompress.Open(path)
	if err != nil {
		return fmt.Sprintf("corrupt: %v", err)
	}
	defer r.Close()
	head := &headWriter{max: 64 << 10}
	if _, err := io.Copy(head, r); err != nil {
		return fmt.Sprintf("corrupt %s: %v", r.Format, err)
	}
	got := dataset.Sniff(ctx, head.b)
	switch {
	case got == dataset.KindUnknown:
		return "unrecognised content"
	case kind != "" && string(got) != kind:
		return fmt.Sprintf("content is %s, not %s", got, kind)
	}
	return ""
}

// writeManifest writes the report atomically.
func writeManifest(path string, rep *Report) error {
	b, err := json.MarshalIndent(rep, "", "  ")
	if err != nil {
		return err
	}
	if err := atomicfile.Write(path, append(b, '\n'), 0o644); err != nil {
		return fmt.Errorf("write manifest: %w", err)
	}
	return nil
}

// ReadManifest reads a manifest written by Fetch.
func ReadManifest(path string) (*Report, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var rep Report
	if err := json.Unmarshal(b, &rep); err != nil {
		return nil, fmt.Errorf("manifest %s: %w", path, err)
	}
	return &rep, nil
}

// headWriter keeps the first max bytes written to it.
type headWriter struct {
	b   []byte
	max int
}

func (h *headWriter) Write(p []byte) (int, error) {
	if room := h.max - len(h.b); room > 0 {
		h.b = append(h.b, p[:min(room, len(p))]...)
	}
	return len(p), nil
}
