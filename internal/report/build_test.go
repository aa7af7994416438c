package report

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"github.com/observatory-net/observatory/api/wire"
	"github.com/observatory-net/observatory/internal/spec"
	"github.com/observatory-net/observatory/internal/store"
	"github.com/observatory-net/observatory/internal/vocab"
)

// memStore is a store.Store of two months in memory.
type memStore struct {
	store.Store
	asns      map[time.Time][]store.ASN
	routes    map[time.Time][]store.Route
	incidents map[time.Time][]store.Incident
}

func (m *memStore) Months(context.Context) ([]store.MonthMeta, error) {
	var out []store.MonthMeta
	for t := range m.asns {
		out = append(out, store.MonthMeta{Month: t, Spec: spec.Default})
	}
	return out, nil
}

func (m *memStore) ASNs(_ context.Context, t time.Time, _ string, _ store.Filter) ([]store.ASN, error) {
	return m.asns[t], nil
}

func (m *memStore) Routes(_ context.Context, t time.Time, _ string, asn uint32) ([]store.Route, error) {
	return m.routes[t], nil
}

func (m *memStore) Incidents(_ context.Context, t time.Time, _ string, _ uint32) ([]store.Incident, error) {
	return m.incidents[t], nil
}

func scores(v float64, level vocab.Level) []store.Score {
	var out []store.Score
	for _, id := range vocab.Scores {
		out = append(out, store.Score{ID: string(id), Value: v, HasData: true, Level: string(level)})
	}
	return out
}

// TestBuild_Changes checks the change since the previous month and why:
// prefixes that became RPKI-invalid (and a new one announced invalid) or
// lost their IRR coverage, incidents counted unless excluded, advice
// citing the Action, and the rendered HTML and PDF.
func TestBuild_Changes(t *testing.T) {
	april := time.Date(2014, 4, 1, 0, 0, 0, 0, time.UTC)
	may := april.AddDate(0, 1, 0)
	st := &memStore{
		asns: map[time.Time][]store.ASN{
			april: {{ASN: 64500, Holder: "Example <Net>", Scores: scores(1, vocab.Ready)}},
			may:   {{ASN: 64500, Holder: "Example <Net>", Scores: scores(0.25, vocab.Lagging)}},
		},
		routes: map[time.Time][]store.Route{
			april: {
				{Prefix: "192.0.2.0/24", RPKI: "valid", IRR: "exact"},
				{Prefix: "198.51.100.0/24", RPKI: "invalid-asn", IRR: "none"},
				{Prefix: "203.0.113.0/24", RPKI: "not-found", IRR: "covered"},
			},
			may: {
				{Prefix: "192.0.2.0/24", RPKI: "invalid-length", IRR: "exact"},
				{Prefix: "198.51.100.0/24", RPKI: "invalid-asn", IRR: "none"}, // invalid before: not new
				{Prefix: "203.0.113.0/24", RPKI: "not-found", IRR: "none"},
				{Prefix: "2001:db8::/32", RPKI: "invalid-asn", IRR: "none"}, // new, invalid; no IRR before: not "lost"
			},
		},
		incidents: map[time.Time][]store.Incident{
			may: {
				{ID: "a", Metric: string(vocab.M2), Start: may, End: may.Add(time.Hour)},
				{ID: "b", Metric: string(vocab.M1C), Start: may, End: may.Add(time.Hour)},
				{ID: "c", Metric: string(vocab.M2), Start: may, End: may.Add(time.Hour), Excluded: true},
			},
		},
	}
	p := store.Registered{ID: 7, Participant: store.Participant{Organisation: "Example & Co", Programme: "netops", ASNs: []uint32{64500}}}
	r, err := Build(t.Context(), Input{Store: st, Participant: p, Month: vocab.MonthOf(may), Spec: spec.Default})
	if err != nil {
		t.Fatal(err)
	}
	if r.Previous == nil || !r.Previous.Equal(april) || len(r.ASNs) != 1 {
		t.Fatalf("report: %+v", r)
	}
	a := r.ASNs[0]
	var became []string
	for _, b := range a.Became {
		became = append(became, b.Kind+" "+b.Prefix+" "+b.Before+">"+b.State)
	}
	want := []string{"irrLost 203.0.113.0/24 covered>none", "rpkiInvalid 192.0.2.0/24 valid>invalid-length", "rpkiInvalid 2001:db8::/32 >invalid-asn"}
	if strings.Join(became, "|") != strings.Join(want, "|") {
		t.Errorf("became\n%q\nwant\n%q", became, want)
	}
	counts := map[string]int{}
	for _, f := range a.Findings {
		counts[f.Kind] = f.Count
		if f.Advice == "" || !strings.Contains(f.Advice, "MANRS Action") {
			t.Errorf("finding %s: advice %q", f.Kind, f.Advice)
		}
	}
	for k, n := range map[string]int{KindHijack: 1, KindRouteLeak: 1, KindRPKIInvalid: 2, KindIRRLost: 1, laggingKind(vocab.Filtering): 1} {
		if counts[k] != n {
			t.Errorf("finding %s: %d, want %d (all: %v)", k, counts[k], n, counts)
		}
	}
	if len(a.Incidents) != 3 {
		t.Errorf("%d incidents, want 3 (the excluded one listed)", len(a.Incidents))
	}
	for _, s := range a.Scores {
		if s.Change == nil || *s.Change != -0.75 || s.Level != wire.LevelLagging || s.PreviousLevel != wire.LevelReady {
			t.Errorf("score %s: %+v", s.ID, s)
		}
	}
	var h, pdf bytes.Buffer
	if err := HTML(&h, r); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(h.String(), "Example &amp; Co") || strings.Contains(h.String(), "<Net>") || !strings.Contains(h.String(), "-0.75") {
		t.Errorf("HTML not escaped or without the change:\n%s", h.String())
	}
	if err := PDF(&pdf, r); err != nil || !bytes.HasPrefix(pdf.Bytes(), []byte("%PDF-")) {
		t.Errorf("PDF: %v %.10q", err, pdf.Bytes())
	}
	var again bytes.Buffer
	if err := PDF(&again, r); err != nil || !bytes.Equal(again.Bytes(), pdf.Bytes()) {
		t.Errorf("the same report gives another PDF (%d bytes, then %d)", pdf.Len(), again.Len())
	}
	if _, err := Build(t.Context(), Input{Store: st, Participant: p, Month: vocab.MonthOf(may.AddDate(0, 1, 0)), Spec: spec.Default}); err == nil {
		t.Error("Build() of a month not stored: no error")
	}
}

func TestParseContacts(t *testing.T) {
	c, err := ParseContacts(strings.NewReader("# c\n\n1 noc@example.net\n1 Ops <ops@example.net>\n2 a@b.example\n"), "f")
	if err != nil || len(c[1]) != 2 || c[1][1] != "ops@example.net" || len(c[2]) != 1 {
		t.Fatalf("ParseContacts() = %v, %v", c, err)
	}
	for _, bad := range []string{"x a@b.example\n", "1\n", "0 a@b.example\n", "1 not-an-address\n"} {
		if _, err := ParseContacts(strings.NewReader(bad), "f"); err == nil {
			t.Errorf("ParseContacts(%q): no error", bad)
		}
	}
}
