package application_test

import (
	"errors"
	"path/filepath"
	"testing"
	"time"

	"github.com/observatory-net/observatory/internal/apikey"
	"github.com/observatory-net/observatory/internal/application"
	"github.com/observatory-net/observatory/internal/spec"
	"github.com/observatory-net/observatory/internal/store"
	"github.com/observatory-net/observatory/internal/store/sqlite"
	"github.com/observatory-net/observatory/internal/vocab"
)

var (
	march = time.Date(2024, 3, 1, 0, 0, 0, 0, time.UTC)
	april = time.Date(2024, 4, 1, 0, 0, 0, 0, time.UTC)
)

// record is an ASN measured with the given M8, M7IRR and M7RPKI scores.
func record(asn uint32, m8, irr, rpki float64) store.ASN {
	metric := func(id vocab.MetricID, v float64) store.Metric {
		return store.Metric{ID: string(id), Raw: v, Score: v, HasData: true, Counted: true}
	}
	return store.ASN{ASN: asn, Country: "NL", Peers: 20, Announced: 10,
		Metrics: []store.Metric{metric(vocab.M8, m8), metric(vocab.M7IRR, irr), metric(vocab.M7RPKI, rpki)}}
}

func incident(id string, asn uint32, m vocab.MetricID, month time.Time, excluded bool) store.Incident {
	return store.Incident{ID: id, ASN: asn, Metric: string(m), Start: month, End: month.Add(time.Hour), Weight: 1, Score: 0.5, Excluded: excluded}
}

// open returns a store with two months of netops@2024.1:
//   - AS3333: contact, IRR 0.8, RPKI 0.7 (passes 2024.1's RPKI minimum 0.5, not 2025.1's 0.9), one incident;
//   - AS174: no contact, IRR 0.2, RPKI 0.95, seven incidents (one excluded) over the two months;
//   - AS6939: contact, IRR 1, RPKI 1, no incident;
//
// AS2914 is not measured.
func open(t *testing.T) *sqlite.Store {
	t.Helper()
	s, err := sqlite.Open(t.Context(), filepath.Join(t.TempDir(), "obs.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	for _, m := range []store.Month{
		{Meta: store.MonthMeta{Month: march, Spec: spec.Default, IngestedAt: april, Final: true},
			ASNs: []store.ASN{record(174, 0, 0.2, 0.95), record(3333, 1, 0.8, 0.7), record(6939, 1, 1, 1)},
			Incidents: []store.Incident{incident("m1", 174, vocab.M2, march, false), incident("m2", 174, vocab.M3, march, false),
				incident("m3", 174, vocab.M1, march, false), incident("m4", 174, vocab.M2, march, true)}},
		{Meta: store.MonthMeta{Month: april, Spec: spec.Default, IngestedAt: april.AddDate(0, 1, 0), Final: true},
			ASNs: []store.ASN{record(174, 0, 0.2, 0.95), record(3333, 1, 0.8, 0.7), record(6939, 1, 1, 1)},
			Incidents: []store.Incident{incident("a1", 174, vocab.M2, april, false), incident("a2", 174, vocab.M4, april, false),
				incident("a3", 174, vocab.M1, april, false), incident("a4", 3333, vocab.M2, april, false),
				incident("a5", 174, vocab.M5, april, false)}},
	} {
		if err := s.WriteMonth(t.Context(), &m); err != nil {
			t.Fatal(err)
		}
	}
	return s
}

func results(c *application.Checked) map[string]bool {
	out := map[string]bool{}
	for _, r := range c.Results {
		out[r.Check] = r.Passed
	}
	return out
}

// TestCheck_BySpecVersion checks the same ASNs against the criteria of
// netops@2024.1 and of netops@2025.1, which differ by the RPKI minimum.
func TestCheck_BySpecVersion(t *testing.T) {
	s := open(t)
	v2024, err := spec.Get("netops@2024.1")
	if err != nil {
		t.Fatal(err)
	}
	v2025, err := spec.Get("netops@2025.1")
	if err != nil {
		t.Fatal(err)
	}
	old, err := application.Check(t.Context(), s, []uint32{3333}, v2024)
	if err != nil {
		t.Fatal(err)
	}
	stricter, err := application.Check(t.Context(), s, []uint32{3333}, v2025)
	if err != nil {
		t.Fatal(err)
	}
	if !old.Passed() || old.State() != store.AppAwaitingReview || old.Criteria != "netops@2024.1" || !old.Month.Equal(april) {
		t.Errorf("under netops@2024.1: passed %v, state %s, criteria %s, month %v; want passed on 2024-04: %+v",
			old.Passed(), old.State(), old.Criteria, old.Month, old.Results)
	}
	got := results(stricter)
	if stricter.Passed() || stricter.State() != store.AppChecksFailed || got[string(vocab.RoutingInformationRPKI)] ||
		!got[string(vocab.RoutingInformationIRR)] || !got[application.CheckMeasured] {
		t.Errorf("under netops@2025.1: %+v, want only the RPKI check failed", got)
	}
	// The default criteria are those of the month's specification.
	def, err := application.Check(t.Context(), s, []uint32{3333}, nil)
	if err != nil || def.Criteria != spec.Default {
		t.Errorf("Check(nil criteria) = %+v, %v; want %s's", def, err, spec.Default)
	}
}

// TestCheck_Evidence checks every check's verdict and evidence per ASN.
func TestCheck_Evidence(t *testing.T) {
	s := open(t)
	c, err := application.Check(t.Context(), s, []uint32{174, 2914, 6939}, nil)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]map[uint32]bool{
		application.CheckMeasured:            {174: true, 2914: false, 6939: true},
		string(vocab.Coordination):           {174: false, 2914: false, 6939: true},
		string(vocab.RoutingInformationIRR):  {174: false, 2914: false, 6939: true},
		string(vocab.RoutingInformationRPKI): {174: true, 2914: false, 6939: true},
		string(vocab.Filtering):              {174: false, 2914: true, 6939: true},
	}
	if len(c.Results) != len(want) {
		t.Fatalf("%d results, want %d: %+v", len(c.Results), len(want), c.Results)
	}
	for _, r := range c.Results {
		for _, e := range r.Evidence {
			if e.Passed != want[r.Check][e.ASN] || e.Detail == "" {
				t.Errorf("%s AS%d: passed %v (%s), want %v", r.Check, e.ASN, e.Passed, e.Detail, want[r.Check][e.ASN])
			}
			if r.Check == string(vocab.Filtering) && e.ASN == 174 && (e.Value == nil || *e.Value != 6) {
				t.Errorf("AS174's incidents = %v, want 6 (M1 … M4 in two months, the excluded one and M5 not counted)", e.Value)
			}
		}
		if r.Passed {
			t.Errorf("%s passed with AS2914 unmeasured or AS174 failing", r.Check)
		}
	}
}

// TestWorkflow runs submit → checks-failed → edit and re-check →
// awaiting-review → approve, with the trail, the key and the registry.
func TestWorkflow(t *testing.T) {
	s := open(t)
	w := &application.Workflow{Svc: s, Now: func() time.Time { return april.AddDate(0, 1, 3) }}
	ctx := t.Context()
	a, token, err := w.Submit(ctx, application.Input{Organisation: " Example Transit ", Programme: "netops",
		ASNs: []uint32{174, 6939, 174}, Email: "noc@example.net", Areas: []string{"nl", "DE"}}, "anonymous")
	if err != nil {
		t.Fatal(err)
	}
	if a.State != store.AppChecksFailed || a.Organisation != "Example Transit" || len(a.ASNs) != 2 || a.Areas[0] != "DE" {
		t.Errorf("Submit() = %+v", a)
	}
	id, err := apikey.Parse(token)
	if err != nil || id != a.KeyID {
		t.Errorf("the applicant token %q: ID %q, %v; want %q", token, id, err, a.KeyID)
	}
	stored, err := s.ApplicationByKey(ctx, a.KeyID)
	if err != nil || string(stored.KeyHash) != string(apikey.Hash(token)) {
		t.Errorf("the stored key hash does not match the token (%v)", err)
	}
	if _, err := w.Review(ctx, a.ID, application.Approve, "sec", "looks fine"); !errors.Is(err, application.ErrState) {
		t.Errorf("approve with failed checks = %v, want ErrState", err)
	}
	a, err = w.Recheck(ctx, a.ID, application.Edit{ASNs: []uint32{6939}}, "applicant", "dropped AS174")
	if err != nil {
		t.Fatal(err)
	}
	if a.State != store.AppAwaitingReview || len(a.ASNs) != 1 || len(a.Trail) != 3 {
		t.Errorf("after the re-check: %+v", a)
	}
	if _, err := w.Review(ctx, a.ID, application.Approve, "sec", ""); !application.IsInput(err) {
		t.Errorf("review without comment = %v, want an input error", err)
	}
	a, err = w.Review(ctx, a.ID, application.Approve, "sec", "welcome")
	if err != nil {
		t.Fatal(err)
	}
	if a.State != store.AppApproved || a.ParticipantID == 0 || len(a.Trail) != 4 || a.Trail[3].By != "sec" {
		t.Errorf("after the approval: %+v", a)
	}
	p, err := s.RegisteredParticipant(ctx, a.ParticipantID)
	if err != nil || p.Organisation != "Example Transit" || len(p.ASNs) != 1 || p.ASNs[0] != 6939 {
		t.Errorf("registered: %+v, %v", p, err)
	}
	if _, err := w.Recheck(ctx, a.ID, application.Edit{}, "applicant", ""); !errors.Is(err, application.ErrState) {
		t.Errorf("re-check after the decision = %v, want ErrState", err)
	}
	// AS6939 is now a participant's: another application for it is refused.
	_, _, err = w.Submit(ctx, application.Input{Organisation: "Other", Programme: "cdn", ASNs: []uint32{6939},
		Email: "a@b.example"}, "anonymous")
	var held *store.ASNConflictError
	if !errors.As(err, &held) || held.ASN != 6939 {
		t.Errorf("Submit(a held ASN) = %v, want an *ASNConflictError", err)
	}
}

// TestNormalize checks the refusals of bad input.
func TestNormalize(t *testing.T) {
	ok := application.Input{Organisation: "Example", Programme: "ixp", ASNs: []uint32{3333}, Email: "noc@example.net"}
	for name, mutate := range map[string]func(*application.Input){
		"HTML in the name":  func(in *application.Input) { in.Organisation = "<b>Example</b>" },
		"oversize name":     func(in *application.Input) { in.Organisation = string(make([]byte, 201)) },
		"no name":           func(in *application.Input) { in.Organisation = "  " },
		"programme":         func(in *application.Input) { in.Programme = "isp" },
		"bad e-mail":        func(in *application.Input) { in.Email = "noc at example" },
		"named e-mail":      func(in *application.Input) { in.Email = "NOC <noc@example.net>" },
		"e-mail no domain":  func(in *application.Input) { in.Email = "noc@localhost" },
		"no ASN":            func(in *application.Input) { in.ASNs = nil },
		"private ASN":       func(in *application.Input) { in.ASNs = []uint32{64512} },
		"AS_TRANS":          func(in *application.Input) { in.ASNs = []uint32{23456} },
		"unknown economy":   func(in *application.Input) { in.Areas = []string{"XX"} },
		"control character": func(in *application.Input) { in.Organisation = "Ex\x07ample" },
	} {
		in := ok
		mutate(&in)
		if _, err := application.Normalize(in); !application.IsInput(err) {
			t.Errorf("%s: Normalize() = %v, want an input error", name, err)
		}
	}
	if _, err := application.Normalize(ok); err != nil {
		t.Errorf("Normalize(good) = %v", err)
	}
}
