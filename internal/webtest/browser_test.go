package webtest

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	cdplog "github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
)

// maxPageBytes is the most a page may transfer, all its requests summed
// (issue 5: page weight under 500 kB).
const maxPageBytes = 500_000

// newBrowser starts Chromium headless with a fresh profile in dir and
// returns the context of its first tab; cancel closes it.
func newBrowser(execPath, dir string) (context.Context, context.CancelFunc, error) {
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(execPath),
		chromedp.UserDataDir(dir),
		chromedp.WindowSize(1280, 900),
		chromedp.DisableGPU,
		// Chromium's sandbox needs user namespaces or a non-root user;
		// CI containers run tests as root.
		chromedp.NoSandbox,
	)
	actx, acancel := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancel := chromedp.NewContext(actx)
	if err := chromedp.Do(ctx); err != nil { // starts the browser
		cancel()
		acancel()
		return nil, nil, fmt.Errorf("start chromium %s: %w", execPath, err)
	}
	return ctx, func() { cancel(); acancel() }, nil
}

// page is a tab in a browser context of its own (no cookies, cache or
// storage shared with other tabs) with the recorder of its events.
type page struct {
	t   *testing.T
	ctx context.Context
	rec *recorder
}

// pageOption changes how a page is opened.
type pageOption func(ctx context.Context) error

// darkMode emulates prefers-color-scheme: dark.
func darkMode(ctx context.Context) error {
	_, err := chromedp.Call(ctx, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{
		Features: []*emulation.MediaFeature{{Name: "prefers-color-scheme", Value: "dark"}},
	})
	return err
}

// noScript disables the page's scripts, to check what a visitor without
// JavaScript gets; DevTools' own evaluation still works.
func noScript(ctx context.Context) error {
	_, err := chromedp.Call(ctx, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: true})
	return err
}

// newPage opens a tab in a fresh browser context; the tab and its context
// are closed when the test ends.
func newPage(t *testing.T, opts ...pageOption) *page {
	t.Helper()
	e := setUp(t)
	ctx, cancel := chromedp.NewContext(e.browser, chromedp.WithNewBrowserContext())
	t.Cleanup(cancel)
	ctx, tcancel := context.WithTimeout(ctx, 60*time.Second)
	t.Cleanup(tcancel)
	p := &page{t: t, ctx: ctx, rec: newRecorder()}
	if err := chromedp.Listen(ctx, p.rec.event); err != nil {
		t.Fatalf("listen to the tab: %v", err)
	}
	for _, o := range opts {
		if err := o(ctx); err != nil {
			t.Fatalf("set up the tab: %v", err)
		}
	}
	return p
}

// open navigates to path (relative to the server), waits until the
// network is quiet and returns the page.
func (p *page) open(path string) *page {
	p.t.Helper()
	p.rec.reset()
	if err := chromedp.Do(p.ctx, chromedp.Navigate(setUp(p.t).srv.url+path)); err != nil {
		p.t.Fatalf("open %s: %v", path, err)
	}
	p.settle()
	return p
}

// settle waits until no request has been in flight for 250 ms (at most
// 10 s), so that scripts' fetches are counted and their errors seen.
func (p *page) settle() {
	p.t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	quietSince := time.Now()
	for time.Now().Before(deadline) {
		if p.rec.inFlight() > 0 {
			quietSince = time.Now()
		} else if time.Since(quietSince) >= 250*time.Millisecond {
			return
		}
		time.Sleep(25 * time.Millisecond)
	}
	p.t.Errorf("requests still in flight after 10 s: %v", p.rec.pending())
}

// run runs actions on the page, failing the test on an error.
func (p *page) run(what string, actions ...chromedp.Action[chromedp.Void]) {
	p.t.Helper()
	if err := chromedp.Do(p.ctx, actions...); err != nil {
		p.t.Fatalf("%s: %v", what, err)
	}
}

// eval evaluates a JavaScript expression and decodes its result into T.
func eval[T any](p *page, expr string) T {
	p.t.Helper()
	v, err := chromedp.Run(p.ctx, chromedp.Evaluate[T](expr))
	if err != nil {
		p.t.Fatalf("evaluate %s: %v", expr, err)
	}
	return v
}

// location returns the URL of the page, relative to the server.
func (p *page) location() string {
	p.t.Helper()
	loc, err := chromedp.Run(p.ctx, chromedp.Location())
	if err != nil {
		p.t.Fatalf("location: %v", err)
	}
	return strings.TrimPrefix(loc, setUp(p.t).srv.url)
}

// attrTexts returns the trimmed text of every element with the data
// attribute name, by the attribute's value (name without "data-").
func attrTexts(p *page, name string) map[string]string {
	p.t.Helper()
	return eval[map[string]string](p, fmt.Sprintf(`Object.fromEntries(Array.from(document.querySelectorAll("[data-%s]"),
		e => [e.getAttribute("data-%s"), e.textContent.trim().replace(/\s+/g, " ")]))`, name, name))
}

// texts returns the trimmed texts of the elements matching a CSS selector.
func texts(p *page, sel string) []string {
	p.t.Helper()
	return eval[[]string](p, fmt.Sprintf(`Array.from(document.querySelectorAll(%q), e => e.textContent.trim().replace(/\s+/g, " "))`, sel))
}

// count returns how many elements match a CSS selector; visible only
// counts those rendered (not hidden, not display: none).
func count(p *page, sel string, visible bool) int {
	p.t.Helper()
	filter := ""
	if visible {
		filter = ".filter(e => e.getClientRects().length > 0)"
	}
	return eval[int](p, fmt.Sprintf(`Array.from(document.querySelectorAll(%q))%s.length`, sel, filter))
}

// click clicks the first element matching a CSS selector and waits for
// what it started, a navigation or requests, to finish.
func (p *page) click(sel string) {
	p.t.Helper()
	if n := count(p, sel, false); n == 0 {
		p.t.Fatalf("nothing to click: no element matches %s", sel)
	}
	p.rec.reset()
	p.run("click "+sel, chromedp.Click(chromedp.CSS(sel)))
	p.waitLoaded()
}

// waitLoaded waits until the document is complete and the network quiet.
func (p *page) waitLoaded() {
	p.t.Helper()
	time.Sleep(100 * time.Millisecond) // let a navigation begin
	for range 2 {                      // a slow navigation may commit after the first round
		p.settle()
		if _, err := chromedp.Run(p.ctx, chromedp.Poll[bool](`document.readyState === "complete"`, chromedp.WithPollingTimeout(10*time.Second))); err != nil {
			p.t.Fatalf("wait for the page to load: %v", err)
		}
	}
}

// checkClean fails the test for every console error, uncaught exception
// and failed request since the last open, except those naming one of the
// URLs ignored, and when the page weighed more than maxPageBytes.
func (p *page) checkClean(ignored ...string) {
	p.t.Helper()
	r := p.rec
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, m := range r.errors {
		if !mentions(m, ignored) {
			p.t.Errorf("console: %s", m)
		}
	}
	for _, f := range r.failed {
		if !mentions(f, ignored) {
			p.t.Errorf("request failed: %s", f)
		}
	}
	if r.bytes > maxPageBytes {
		p.t.Errorf("page weight %d bytes in %d requests, want < %d", r.bytes, r.requests, maxPageBytes)
	}
	p.t.Logf("page weight: %d bytes in %d requests; document's time to first byte %s", r.bytes, r.requests, r.serverTime.Round(10*time.Microsecond))
}

// checkLayout fails the test when the page scrolls sideways at the
// browser's width (1280 px), or when a table or chart in main is wider
// than the box that holds it, unless that box scrolls: its numbers would
// be clipped, or spill over the neighbouring boxes.
func (p *page) checkLayout() {
	p.t.Helper()
	for _, o := range eval[[]string](p, layoutJS) {
		p.t.Errorf("layout: %s", o)
	}
}

// layoutJS lists the overflows checkLayout reports.
const layoutJS = `(() => {
	const out = [], de = document.documentElement;
	if (de.scrollWidth > de.clientWidth + 1) out.push("the page scrolls sideways: " + de.scrollWidth + " px in " + de.clientWidth);
	for (const e of document.querySelectorAll("main table, main svg")) {
		const c = e.parentElement, cs = getComputedStyle(c);
		if (cs.overflowX === "auto" || cs.overflowX === "scroll") continue;
		const inner = c.getBoundingClientRect().right - parseFloat(cs.paddingRight) - parseFloat(cs.borderRightWidth);
		const over = e.getBoundingClientRect().right - inner;
		if (over > 1) out.push(e.tagName.toLowerCase() + (e.id ? "#" + e.id : "") + " overflows its " +
			c.tagName.toLowerCase() + (c.className ? "." + c.className : "") + " by " + Math.round(over) + " px");
	}
	return out;
})()`

// screenshot writes a full-page PNG named after the test, and name if
// not empty, into the artefacts directory and logs its path.
func (p *page) screenshot(name string) {
	p.t.Helper()
	buf, err := chromedp.Run(p.ctx, chromedp.FullScreenshot(100))
	if err != nil {
		p.t.Fatalf("screenshot: %v", err)
	}
	if name != "" {
		name = "-" + name
	}
	file := regexp.MustCompile(`[^A-Za-z0-9_.-]+`).ReplaceAllString(p.t.Name()+name, "_") + ".png"
	path := filepath.Join(setUp(p.t).artifacts, file)
	if err := os.WriteFile(path, buf, 0o644); err != nil {
		p.t.Fatalf("write screenshot: %v", err)
	}
	p.t.Logf("screenshot: %s", path)
}

// recorder collects a tab's console errors, exceptions, failed requests
// and transferred bytes from its DevTools events. The events arrive on
// chromedp's reading goroutine, the test reads them on its own.
type recorder struct {
	mu       sync.Mutex
	errors   []string                     // console errors, exceptions and error log entries
	failed   []string                     // failed requests and 4xx/5xx responses
	urls     map[network.RequestID]string // every request seen, by ID
	open     map[network.RequestID]bool   // requests not finished yet
	bytes    int64                        // transferred, headers included
	requests int
	// serverTime is the last document's time to first byte: from the
	// request sent to the answer's headers received.
	serverTime time.Duration
}

func newRecorder() *recorder {
	r := &recorder{}
	r.reset()
	return r
}

// reset forgets everything recorded so far.
func (r *recorder) reset() {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.errors, r.failed, r.bytes, r.requests, r.serverTime = nil, nil, 0, 0, 0
	r.urls, r.open = map[network.RequestID]string{}, map[network.RequestID]bool{}
}

// event records one DevTools event; it runs on chromedp's reading
// goroutine, so it only appends.
func (r *recorder) event(ev any) {
	r.mu.Lock()
	defer r.mu.Unlock()
	switch ev := ev.(type) {
	case *runtime.EventConsoleAPICalled:
		if ev.Type == runtime.ConsoleAPICalledTypeError || ev.Type == runtime.ConsoleAPICalledTypeAssert {
			r.errors = append(r.errors, fmt.Sprintf("console.%s(%s)", ev.Type, consoleArgs(ev.Args)))
		}
	case *runtime.EventExceptionThrown:
		d := ev.ExceptionDetails
		msg := d.Text
		if d.Exception != nil && d.Exception.Description != "" {
			msg += " " + d.Exception.Description
		}
		r.errors = append(r.errors, fmt.Sprintf("uncaught exception at %s:%d:%d: %s", d.URL, d.LineNumber+1, d.ColumnNumber+1, msg))
	case *cdplog.EventEntryAdded:
		// The browser's own errors: blocked by CSP, failed to load, ...
		if ev.Entry.Level == cdplog.EntryLevelError {
			r.errors = append(r.errors, fmt.Sprintf("%s error: %s (%s)", ev.Entry.Source, ev.Entry.Text, ev.Entry.URL))
		}
	case *network.EventRequestWillBeSent:
		if _, seen := r.urls[ev.RequestID]; !seen {
			r.requests++
		}
		r.urls[ev.RequestID] = ev.Request.URL
		r.open[ev.RequestID] = true
	case *network.EventResponseReceived:
		if tm := ev.Response.Timing; ev.Type == network.ResourceTypeDocument && tm != nil {
			r.serverTime = time.Duration((tm.ReceiveHeadersEnd - tm.SendEnd) * float64(time.Millisecond))
		}
		if ev.Response.Status >= 400 {
			r.failed = append(r.failed, fmt.Sprintf("%s %s: HTTP %d", ev.Type, ev.Response.URL, ev.Response.Status))
		}
	case *network.EventLoadingFinished:
		r.bytes += int64(ev.EncodedDataLength)
		delete(r.open, ev.RequestID)
	case *network.EventLoadingFailed:
		r.failed = append(r.failed, fmt.Sprintf("%s %s: %s%s", ev.Type, r.urls[ev.RequestID], ev.ErrorText, blocked(ev)))
		delete(r.open, ev.RequestID)
	}
}

// inFlight returns the number of requests not finished yet.
func (r *recorder) inFlight() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.open)
}

// pending returns the URLs of the requests not finished yet.
func (r *recorder) pending() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	var us []string
	for id := range r.open {
		us = append(us, r.urls[id])
	}
	return us
}

// mentions reports whether s contains one of subs.
func mentions(s string, subs []string) bool {
	for _, sub := range subs {
		if strings.Contains(s, sub) {
			return true
		}
	}
	return false
}

// blocked describes why a failed request was blocked, if it was.
func blocked(ev *network.EventLoadingFailed) string {
	if ev.BlockedReason != "" {
		return " (blocked: " + string(ev.BlockedReason) + ")"
	}
	return ""
}

// consoleArgs formats the arguments of a console call.
func consoleArgs(args []*runtime.RemoteObject) string {
	var s []string
	for _, a := range args {
		switch {
		case len(a.Value) > 0:
			s = append(s, string(a.Value))
		case a.Description != "":
			s = append(s, a.Description)
		default:
			s = append(s, string(a.Type))
		}
	}
	return strings.Join(s, ", ")
}
