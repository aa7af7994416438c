package audit

import (
	"bytes"
	"net/netip"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/observatory-net/observatory/api/wire"
	"github.com/observatory-net/observatory/internal/rovinfer"
	"github.com/observatory-net/observatory/internal/store"
	"github.com/observatory-net/observatory/internal/store/sqlite"
)

var may = time.Date(2014, 5, 1, 0, 0, 0, 0, time.UTC)

func scores(filtering, coord, rpki string) []store.Score {
	s := func(id, level string) store.Score {
		v := map[string]float64{"ready": 1, "aspiring": 0.85, "lagging": 0.2}[level]
		return store.Score{ID: id, Value: v, HasData: level != "", Level: level}
	}
	return []store.Score{s("filtering", filtering), s("coordination", coord), s("routingInformationRPKI", rpki)}
}

// handMonth: enterprise AS64500 originates 4 prefixes. All 4 are seen
// through AS100 (a MANRS participant that deploys ROV, ROAs ready), 1
// through AS200 (ROV does-not, a leak of its own, no ROAs), and above them
// AS300 via AS100 (4 prefixes) and AS400 via AS200 (1 prefix), no record.
func handMonth() *store.Month {
	m := &store.Month{Meta: store.MonthMeta{Month: may, Spec: "netops@2024.1", IngestedAt: may}}
	m.ASNs = []store.ASN{
		{ASN: 64500, Holder: "Enterprise", Scores: scores("ready", "ready", "lagging")},
		{ASN: 100, Holder: "Good Transit", Participant: true, ROV: "deploys", ROVDropped: 5, ROVConfidence: 5.0 / 7,
			Scores: scores("ready", "ready", "ready")},
		{ASN: 200, Holder: "Leaky Transit", ROV: "does-not", ROVPropagated: 9, ROVConfidence: 9.0 / 11,
			Scores: scores("lagging", "aspiring", "lagging")},
		{ASN: 300, Holder: "Tier 1", ROV: "not-enough-evidence", Scores: scores("ready", "ready", "")},
	}
	for i, p := range []string{"198.51.100.0/24", "203.0.113.0/24", "203.0.113.128/25", "2001:db8::/32"} {
		rpki := "not-found"
		if i == 0 {
			rpki = "valid"
		}
		m.Routes = append(m.Routes, store.Route{ASN: 64500, Prefix: p, RPKI: rpki, IRR: "none", FirstSeen: may, LastSeen: may})
	}
	m.Routes = append(m.Routes,
		store.Route{ASN: 100, Prefix: "192.0.2.0/24", RPKI: "valid", IRR: "none", FirstSeen: may, LastSeen: may},
		store.Route{ASN: 200, Prefix: "100.64.0.0/24", RPKI: "not-found", IRR: "none", FirstSeen: may, LastSeen: may})
	m.Incidents = []store.Incident{
		{ID: "leak-1", ASN: 200, Metric: "M1", Start: may, End: may, Weight: 1, Score: 1},
		{ID: "leak-2", ASN: 200, Metric: "M1", Start: may, End: may, Weight: 1, Score: 1, Excluded: true},
	}
	m.ROVEvidence = []store.ROVObservation{
		{ASN: 100, Kind: "dropped", Prefix: netip.MustParsePrefix("203.0.113.0/24"), Origin: 64511, RPKI: "invalid-asn",
			Path: "400 200 64511", ViaPrefix: "198.51.100.0/24", Via: "300 100 64511"},
		{ASN: 200, Kind: "propagated", Prefix: netip.MustParsePrefix("192.0.2.0/25"), Origin: 64512, RPKI: "invalid-length",
			Path: "400 200 64512", Alternative: "192.0.2.0/24 AS100 valid"},
	}
	m.Upstreams = []store.Upstream{
		{ASN: 64500, Hop: 1, Upstream: 100, Rel: "provider", Prefixes: 4, Paths: 20, Example: "300 100 64500"},
		{ASN: 64500, Hop: 1, Upstream: 200, Rel: "provider", Prefixes: 1, Paths: 3, Example: "400 200 64500"},
		{ASN: 64500, Hop: 2, Via: 100, Upstream: 300, Rel: "provider", Prefixes: 4, Paths: 20, Example: "300 100 64500"},
		{ASN: 64500, Hop: 2, Via: 200, Upstream: 400, Prefixes: 1, Paths: 3, Example: "400 200 64500"},
		// A collector peer that is AS100's customer: it receives the routes, it is no upstream.
		{ASN: 64500, Hop: 2, Via: 100, Upstream: 500, Rel: "customer", Prefixes: 4, Paths: 4, Example: "500 100 64500"},
	}
	return m
}

func loadHand(t testing.TB) *Month {
	t.Helper()
	st, err := sqlite.Open(t.Context(), filepath.Join(t.TempDir(), "a.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	m := handMonth()
	if err := st.WriteMonth(t.Context(), m); err != nil {
		t.Fatal(err)
	}
	am, err := Load(t.Context(), st, m.Meta, nil)
	if err != nil {
		t.Fatal(err)
	}
	return am
}

func provider(t *testing.T, a *wire.Audit, asn wire.ASN) wire.AuditProvider {
	t.Helper()
	for _, p := range a.Providers {
		if p.ASN == asn {
			return p
		}
	}
	t.Fatalf("no provider %s in %+v", asn, a.Providers)
	return wire.AuditProvider{}
}

func results(p wire.AuditProvider) string {
	var s []string
	for _, c := range p.Controls {
		s = append(s, c.Result)
	}
	return strings.Join(s, " ")
}

func TestAudit_handMonth(t *testing.T) {
	m := loadHand(t)
	a, err := m.Audit(Query{ASNs: []uint32{64500}})
	if err != nil {
		t.Fatal(err)
	}
	if a.Prefixes != 4 || len(a.Networks) != 1 || len(a.Providers) != 4 || len(a.Edges) != 4 {
		t.Fatalf("prefixes %d, networks %d, providers %d, edges %d; want 4, 1, 4, 4", a.Prefixes, len(a.Networks), len(a.Providers), len(a.Edges))
	}
	good, leaky, tier1, none := provider(t, a, 100), provider(t, a, 200), provider(t, a, 300), provider(t, a, 400)
	checks := []struct {
		p              wire.AuditProvider
		hop            int
		weight         float64
		results, level string
	}{
		// originValidation leakProtection roaCoverage coordination
		{good, 1, 1, "pass pass pass pass", "low"},
		{leaky, 1, 0.25, "fail fail fail fail", "high"},              // risk 0.25 × 4/4
		{tier1, 2, 1, "unknown pass unknown pass", "high"},           // 1 × 1/4: no ROAs score, ROV not judged
		{none, 2, 0.25, "unknown unknown unknown unknown", "medium"}, // 0.25 × 2/4
	}
	for _, c := range checks {
		if c.p.Hop != c.hop || c.p.Weight != c.weight || results(c.p) != c.results || c.p.RiskLevel != c.level {
			t.Errorf("%s: hop %d weight %v controls %q risk %s (%v); want %d %v %q %s", c.p.ASN, c.p.Hop, c.p.Weight,
				results(c.p), c.p.RiskLevel, c.p.Risk, c.hop, c.weight, c.results, c.level)
		}
	}
	if !good.Participant || leaky.Incidents["M1"] != 1 {
		t.Errorf("AS100 participant %v, AS200 M1 incidents %d (the excluded one must not count); want true, 1", good.Participant, leaky.Incidents["M1"])
	}
	if ev := leaky.Controls[1].Evidence; len(ev) != 2 || ev[1].Text != "leak-1" || ev[1].Link != "/api/v2/incidents?asn=200&month=2014-05" {
		t.Errorf("AS200 leak evidence %+v", ev)
	}
	// The stored ROV evidence: the route, its path, a link to its origin.
	for _, c := range []struct {
		p    wire.AuditProvider
		text string
		link string
	}{
		{leaky, "passed on 192.0.2.0/25 of AS64512 (RPKI invalid-length) on path 400 200 64512; an alternative existed: 192.0.2.0/24 AS100 valid", "/api/v2/roas/asn/64512?month=2014-05"},
		{good, "not seen on 203.0.113.0/24 of AS64511 (RPKI invalid-asn, seen on path 400 200 64511), although it passed on 198.51.100.0/24 of the same origin on path 300 100 64511", "/api/v2/roas/asn/64511?month=2014-05"},
	} {
		if !slices.ContainsFunc(c.p.Controls[0].Evidence, func(e wire.AuditEvidence) bool { return e.Kind == "route" && e.Text == c.text && e.Link == c.link }) {
			t.Errorf("%s originValidation evidence %+v: want %q", c.p.ASN, c.p.Controls[0].Evidence, c.text)
		}
	}
	if a.Providers[0].ASN != 200 && a.Providers[0].ASN != 300 {
		t.Errorf("riskiest first: got %s first", a.Providers[0].ASN)
	}
	ent := a.Networks[0]
	if *ent.ROA.Share != 0.25 || ent.Controls[2].Result != "fail" {
		t.Errorf("enterprise ROA share %v, roaCoverage %s; want 0.25, fail", *ent.ROA.Share, ent.Controls[2].Result)
	}
	ov := a.Checklist[0]
	if len(ov.Met) != 1 || ov.Met[0] != 100 || len(ov.NotMet) != 1 || ov.NotMet[0] != 200 || len(ov.Unknown) != 0 {
		t.Errorf("originValidation checklist %+v: want met AS100, not met AS200 (hop 1 only)", ov)
	}
	if a.Summary.High != 2 || a.Summary.Medium != 1 || a.Summary.Low != 1 {
		t.Errorf("summary %+v", a.Summary)
	}
}

func TestAudit_prefixes(t *testing.T) {
	m := loadHand(t)
	q := Query{Prefixes: []netip.Prefix{netip.MustParsePrefix("203.0.113.0/24"), netip.MustParsePrefix("198.51.100.7/32"),
		netip.MustParsePrefix("2001:db8::/29"), netip.MustParsePrefix("10.0.0.0/8")}}
	a, err := m.Audit(q)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, r := range a.Resolved {
		got = append(got, r.Query+">"+r.Route+":"+r.Match)
	}
	want := "203.0.113.0/24>203.0.113.0/24:exact 203.0.113.0/24>203.0.113.128/25:more-specific " +
		"198.51.100.7/32>198.51.100.0/24:covering 2001:db8::/29>2001:db8::/32:more-specific"
	if strings.Join(got, " ") != want {
		t.Errorf("resolved %q\nwant     %q", strings.Join(got, " "), want)
	}
	if len(a.Unresolved) != 1 || !strings.HasPrefix(a.Unresolved[0], "10.0.0.0/8") {
		t.Errorf("unresolved %q, want 10.0.0.0/8", a.Unresolved)
	}
	if len(a.Networks) != 1 || a.Networks[0].ASN != 64500 {
		t.Errorf("networks %+v, want AS64500 alone", a.Networks)
	}
}

func TestAudit_badQuery(t *testing.T) {
	m := loadHand(t)
	for _, q := range []Query{{}, {ASNs: []uint32{0}}, {ASNs: make([]uint32, MaxASNs+1)}, {Prefixes: []netip.Prefix{{}}}} {
		if _, err := m.Audit(q); err == nil {
			t.Errorf("Audit(%+v) = nil error", q)
		}
	}
}

func TestAudit_render(t *testing.T) {
	m := loadHand(t)
	a, err := m.Audit(Query{ASNs: []uint32{64500}})
	if err != nil {
		t.Fatal(err)
	}
	var h, p1, p2, tx bytes.Buffer
	if err := HTML(&h, a); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`<svg id="chain"`, `data-asn="AS200" data-risk="high"`, `href="/api/v2/roas/asn/64500?month=2014-05"`} {
		if !strings.Contains(h.String(), want) {
			t.Errorf("HTML lacks %q", want)
		}
	}
	if err := PDF(&p1, a); err != nil || PDF(&p2, a) != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(p1.Bytes(), []byte("%PDF-")) || !bytes.Equal(p1.Bytes(), p2.Bytes()) {
		t.Errorf("PDF: not a PDF or not the same bytes twice (%d, %d bytes)", p1.Len(), p2.Len())
	}
	if err := Text(&tx, a); err != nil || !strings.Contains(tx.String(), "AS200") {
		t.Errorf("text: %v\n%s", err, tx.String())
	}
	g := Layout(a)
	if len(g.Nodes) != 5 || len(g.Edges) != 4 {
		t.Errorf("graph: %d nodes, %d edges; want 5, 4", len(g.Nodes), len(g.Edges))
	}
}

// TestAudit_rovVerdicts: the verdict names controls.go matches are
// rovinfer's (audit may not import it: the serving layer links audit).
func TestAudit_rovVerdicts(t *testing.T) {
	for _, v := range []rovinfer.Verdict{rovinfer.Deploys, rovinfer.Partial, rovinfer.DoesNot, rovinfer.NotEnoughEvidence} {
		m := &Month{}
		c := m.originValidation(&wire.AuditNetwork{ROV: wire.ROVInference{Verdict: string(v)}})
		if strings.HasPrefix(c.Reason, "never seen") {
			t.Errorf("verdict %q is not recognised", v)
		}
	}
}
