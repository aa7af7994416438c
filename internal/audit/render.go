package audit

import (
	"bytes"
	"embed"
	"encoding/json"
	"fmt"
	"html/template"
	"io"
	"strings"

	"github.com/observatory-net/observatory/api/wire"
	"github.com/observatory-net/observatory/internal/vocab"
)

// Title is the audit's title.
func Title(a *wire.Audit) string {
	var names []string
	for _, n := range a.Networks {
		s := n.ASN.String()
		if n.Holder != "" {
			s += " " + n.Holder
		}
		names = append(names, s)
	}
	if len(names) > 3 {
		names = append(names[:3], fmt.Sprintf("and %d more", len(names)-3))
	}
	if len(names) == 0 {
		names = []string{"nothing found"}
	}
	return fmt.Sprintf("Routing-security supply-chain audit %s: %s", vocab.MonthOf(a.Month), strings.Join(names, ", "))
}

//go:embed templates/audit.html
var templates embed.FS

var page = template.Must(template.New("audit.html").Funcs(template.FuncMap{
	"title": Title,
	"pct":   pct,
	"uint":  func(a wire.ASN) uint32 { return uint32(a) },
}).ParseFS(templates, "templates/audit.html"))

// pageData is what the HTML template reads.
type pageData struct {
	*wire.Audit
	MonthText  string
	Graph      Graph
	ControlIDs []string
}

// HTML writes the audit as a self-contained HTML page, the supply chain
// drawn as an SVG graph.
func HTML(w io.Writer, a *wire.Audit) error {
	var b bytes.Buffer
	if err := page.Execute(&b, pageData{a, vocab.MonthOf(a.Month).String(), Layout(a), Controls}); err != nil {
		return fmt.Errorf("render the audit: %w", err)
	}
	_, err := w.Write(b.Bytes())
	return err
}

// JSON writes the audit as indented JSON, the API's shape.
func JSON(w io.Writer, a *wire.Audit) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(a)
}

// Text writes the audit for a terminal: the summary, one line per
// provider with its control results, and the checklist.
func Text(w io.Writer, a *wire.Audit) error {
	var b strings.Builder
	fmt.Fprintf(&b, "%s\n%s\n%d announcements of %d networks audited.\n", Title(a), a.Summary.Verdict, a.Prefixes, len(a.Networks))
	for _, u := range a.Unresolved {
		fmt.Fprintf(&b, "not found: %s\n", u)
	}
	fmt.Fprintf(&b, "\n%-10s %3s %-8s %7s %-6s", "PROVIDER", "HOP", "REL", "WEIGHT", "RISK")
	for _, c := range Controls {
		fmt.Fprintf(&b, " %-16s", c)
	}
	b.WriteString(" HOLDER\n")
	for _, p := range a.Providers {
		fmt.Fprintf(&b, "%-10s %3d %-8s %6.1f%% %-6s", p.ASN, p.Hop, orDash(p.Rel), 100*p.Weight, p.RiskLevel)
		for _, c := range p.Controls {
			fmt.Fprintf(&b, " %-16s", c.Result)
		}
		fmt.Fprintf(&b, " %s\n", p.Holder)
	}
	b.WriteString("\nSLA checklist (hop-1 providers):\n")
	for _, it := range a.Checklist {
		fmt.Fprintf(&b, "- %s\n  met %v, not met %v, unknown %v\n", it.Requirement, it.Met, it.NotMet, it.Unknown)
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
