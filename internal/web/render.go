package web

import (
	"bytes"
	"embed"
	"fmt"
	"html/template"
	"io/fs"
	"math"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/observatory-net/observatory/internal/vocab"
)

//go:embed templates/*.html
var templateFiles embed.FS

//go:embed static
var staticFiles embed.FS

// funcs are the helpers the templates use.
var funcs = template.FuncMap{
	"pct":        pct,
	"num":        num,
	"score":      scoreText,
	"scoreName":  func(id string) string { return scoreNames[id] },
	"levelText":  levelText,
	"levelIcon":  levelIcon,
	"ymd":        func(t time.Time) string { return t.UTC().Format("2006-01-02") },
	"ym":         func(t time.Time) string { return t.UTC().Format(vocab.MonthLayout) },
	"asn":        func(a uint32) string { return "AS" + strconv.FormatUint(uint64(a), 10) },
	"svg":        func(s string) template.HTML { return template.HTML(s) }, //nolint:gosec // built by our own escaping SVG writers
	"query":      func(v url.Values) template.URL { return template.URL("?" + v.Encode()) },
	"join":       strings.Join,
	"metricName": metricWords,
	"rawUnit":    rawUnit,
	"raw":        rawText,
	"rir":        rirName,
	"vrp":        vrpText,
	// metricAbbr and metricHelp explain a metric where it is shown (metrics.go).
	"metricAbbr":  metricAbbr,
	"metricHelp":  metricHelp,
	"metricTitle": metricTitle,
	"deref": func(v *float64) float64 {
		if v == nil {
			return math.NaN()
		}
		return *v
	},
}

// parsePages parses each page template together with the layout.
func parsePages() (map[string]*template.Template, error) {
	base, err := template.New("layout.html").Funcs(funcs).ParseFS(templateFiles, "templates/layout.html")
	if err != nil {
		return nil, fmt.Errorf("parse layout: %w", err)
	}
	names, err := fs.Glob(templateFiles, "templates/*.html")
	if err != nil {
		return nil, err
	}
	pages := map[string]*template.Template{}
	for _, n := range names {
		name := strings.TrimSuffix(strings.TrimPrefix(n, "templates/"), ".html")
		if name == "layout" {
			continue
		}
		t, err := template.Must(base.Clone()).ParseFS(templateFiles, n)
		if err != nil {
			return nil, fmt.Errorf("parse %s: %w", n, err)
		}
		pages[name] = t
	}
	return pages, nil
}

// layout is what every page's frame shows.
type layout struct {
	Title    string
	Nav      string // the current section
	SignedIn bool
	Role     string
	CSRF     string
	Path     string // for the sign-in form's next
	Fresh    *freshness
	Page     any
}

// render writes a page with the layout.
func (q *request) render(status int, name string, page any) error {
	t := q.s.pages[name]
	if t == nil {
		return fmt.Errorf("no template %s", name)
	}
	l := layout{Title: titleOf(name, page), Nav: name, SignedIn: q.who.Key != nil, Role: string(q.who.Role()),
		CSRF: q.s.csrfToken(q.who), Path: q.r.URL.RequestURI(), Fresh: q.freshness(), Page: page}
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, "layout.html", l); err != nil {
		return fmt.Errorf("render %s: %w", name, err)
	}
	h := q.w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Content-Length", strconv.Itoa(buf.Len()))
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "same-origin")
	h.Set("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; frame-ancestors 'none'; form-action 'self'")
	if q.who.Key != nil {
		h.Set("Cache-Control", "private, no-store")
	} else {
		h.Set("Cache-Control", "no-cache")
	}
	q.w.WriteHeader(status)
	q.w.Write(buf.Bytes()) //nolint:errcheck // the visitor is gone
	return nil
}

// titled pages name themselves.
type titled interface{ PageTitle() string }

func titleOf(name string, page any) string {
	if t, ok := page.(titled); ok {
		return t.PageTitle()
	}
	return strings.ToUpper(name[:1]) + name[1:]
}

func staticHandler() http.Handler {
	sub, _ := fs.Sub(staticFiles, "static")
	fsrv := http.StripPrefix("/static/", http.FileServerFS(sub))
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "public, max-age=3600")
		w.Header().Set("X-Content-Type-Options", "nosniff")
		fsrv.ServeHTTP(w, r)
	})
}

// pct formats a share in [0, 1] as a percentage with one decimal.
func pct(v float64) string {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return "–"
	}
	return strconv.FormatFloat(v*100, 'f', 1, 64) + " %"
}

// num formats an integer with thin-space thousands.
func num(n any) string {
	var v int64
	switch x := n.(type) {
	case int:
		v = int64(x)
	case int64:
		v = x
	case float64:
		v = int64(x)
	}
	s := strconv.FormatInt(v, 10)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteString(",")
		}
		b.WriteRune(c)
	}
	if neg {
		return "-" + b.String()
	}
	return b.String()
}

// scoreText formats a score in [0, 1] with three decimals, as the API's
// value rounded; nil or NaN is "no data".
func scoreText(v *float64) string {
	if v == nil || math.IsNaN(*v) || math.IsInf(*v, 0) {
		return "–"
	}
	return strconv.FormatFloat(*v, 'f', 3, 64)
}

func levelText(l string) string {
	switch l {
	case "ready":
		return "Ready"
	case "aspiring":
		return "Aspiring"
	case "lagging":
		return "Lagging"
	case "hidden":
		return "Not public"
	}
	return "No data"
}

// levelIcon is a symbol for a level, so that colour is not the only cue.
func levelIcon(l string) string {
	switch l {
	case "ready":
		return "✓"
	case "aspiring":
		return "◐"
	case "lagging":
		return "✗"
	case "hidden":
		return "⊘"
	}
	return "–"
}
