package main

import (
	"io"
	"os"

	"github.com/schollz/progressbar/v3"
	"golang.org/x/term"
)

// progress shows long work as a bar on a terminal and stays silent
// otherwise: in pipes, in CI logs, under --quiet.
type progress struct {
	bar *progressbar.ProgressBar
}

// newProgress returns a byte progress bar of total bytes on w when w is a
// terminal and quiet is false; otherwise a progress that does nothing.
func newProgress(w io.Writer, quiet bool, total int64, what string) *progress {
	f, ok := w.(*os.File)
	if quiet || !ok || !term.IsTerminal(int(f.Fd())) {
		return &progress{}
	}
	return &progress{bar: progressbar.NewOptions64(total,
		progressbar.OptionSetWriter(w),
		progressbar.OptionSetDescription(what),
		progressbar.OptionShowBytes(true),
		progressbar.OptionShowCount(),
		progressbar.OptionSetPredictTime(true),
		progressbar.OptionThrottle(100_000_000), // 100 ms
		progressbar.OptionClearOnFinish(),
		progressbar.OptionFullWidth(),
	)}
}

// Set moves the bar to n; safe for concurrent use.
func (p *progress) Set(n int64) {
	if p.bar != nil {
		p.bar.Set64(n) //nolint:errcheck // rendering errors only
	}
}

// Describe names the current step.
func (p *progress) Describe(what string) {
	if p.bar != nil {
		p.bar.Describe(what)
	}
}

// Done removes the bar.
func (p *progress) Done() {
	if p.bar != nil {
		p.bar.Finish() //nolint:errcheck // rendering errors only
	}
}

// Enabled reports whether a bar is shown.
func (p *progress) Enabled() bool { return p.bar != nil }
