package metric

import (
	"fmt"
	"net/netip"
	"slices"
	"testing"
	"time"

	"github.com/observatory-net/observatory/internal/score"
	"github.com/observatory-net/observatory/internal/spec"
	"github.com/observatory-net/observatory/internal/vocab"
)

// TestAll_vocabOrder checks that every metric of the vocabulary has one
// unit, in vocab.Metrics order, with a formula and descriptions.
func TestAll_vocabOrder(t *testing.T) {
	var ids []vocab.MetricID
	for _, u := range All() {
		ids = append(ids, u.ID)
		if u.Formula == nil || u.Inputs == "" || u.Evidence == "" {
			t.Errorf("unit %s lacks a formula, inputs or evidence", u.ID)
		}
	}
	if !slices.Equal(ids, vocab.Metrics) {
		t.Errorf("units %v, want vocab.Metrics %v", ids, vocab.Metrics)
	}
	if _, ok := Lookup(vocab.M8); !ok {
		t.Error("Lookup(M8) found nothing")
	}
}

func netops(t *testing.T) *spec.Spec {
	t.Helper()
	s, err := spec.Get("netops@2024.1")
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func run(t *testing.T, id vocab.MetricID, f *Facts) Result {
	t.Helper()
	u, ok := Lookup(id)
	if !ok {
		t.Fatalf("no unit %s", id)
	}
	r := u.Formula(f)
	if r.Metric.ID != string(id) {
		t.Fatalf("unit %s stored metric %q", id, r.Metric.ID)
	}
	return r
}

// TestIRR_coveringLessSpecific counts covered routes as registered only
// when the specification says so (§4.4).
func TestIRR_coveringLessSpecific(t *testing.T) {
	s := *netops(t)
	f := &Facts{Spec: &s, Routes: Routes{Announced: 5, IRRExact: 2, IRRCovered: 2}}
	s.IRR.CoveringLessSpecific = true
	if m := run(t, vocab.M7IRR, f).Metric; m.Score != 0.8 || m.Raw != 1 || !m.HasData {
		t.Errorf("covering counted: %+v, want score 0.8 raw 1", m)
	}
	s.IRR.CoveringLessSpecific = false
	if m := run(t, vocab.M7IRR, f).Metric; m.Score != 0.4 || m.Raw != 3 {
		t.Errorf("covering not counted: %+v, want score 0.4 raw 3", m)
	}
	if m := run(t, vocab.M7IRR, &Facts{Spec: &s}).Metric; m.HasData {
		t.Errorf("nothing announced: %+v, want no data", m)
	}
}

// TestSpoofing_month counts the distinct spoofable prefixes of the
// month's tests only (§4.3).
func TestSpoofing_month(t *testing.T) {
	from := time.Date(2014, 5, 1, 0, 0, 0, 0, time.UTC)
	p := netip.MustParsePrefix("192.0.2.0/24")
	f := &Facts{Spec: netops(t), From: from, To: from.AddDate(0, 1, 0), Spoofer: []SpooferTest{
		{Time: from.Add(time.Hour), Prefix: p, Spoofable: true},
		{Time: from.Add(2 * time.Hour), Prefix: p, Spoofable: true},
		{Time: from.AddDate(0, 1, 0), Prefix: netip.MustParsePrefix("198.51.100.0/24"), Spoofable: true}, // June
	}}
	if m := run(t, vocab.M5, f).Metric; m.Raw != 1 || !m.HasData {
		t.Errorf("M5 %+v, want raw 1 with data", m)
	}
	f.Spoofer = f.Spoofer[2:]
	if m := run(t, vocab.M5, f).Metric; m.HasData {
		t.Errorf("M5 %+v, want no data without a test in the month", m)
	}
	// Behind a NAT a test is invalid (§9): no count, no data.
	f.Spoofer = []SpooferTest{{Time: from.Add(time.Hour), Prefix: p, Spoofable: true, NAT: true}}
	if m := run(t, vocab.M5, f).Metric; m.HasData || m.Raw != 0 {
		t.Errorf("M5 %+v, want no data from a test behind a NAT", m)
	}
	f.Spoofer = append(f.Spoofer, SpooferTest{Time: from.Add(2 * time.Hour), Prefix: p})
	if m := run(t, vocab.M5, f).Metric; !m.HasData || m.Raw != 0 || m.Score != 1 {
		t.Errorf("M5 %+v, want the test outside the NAT alone: filtered, score 1", m)
	}
}

// TestCoordination_evidence stores the contacts found and the sources
// checked; nothing loaded is no data (§13.3).
func TestCoordination_evidence(t *testing.T) {
	f := &Facts{Contacts: Contacts{Checked: []string{SourcePeeringDB, SourceRPSL},
		Found: []Contact{{Source: SourceRPSL, Database: "RIPE", Attr: "tech-c", Handle: "X1-RIPE", Object: "role"}}}}
	m := run(t, vocab.M8, f).Metric
	want := `{"has_contact_info":true,"contacts":[{"source":"rpsl","database":"RIPE","attr":"tech-c","handle":"X1-RIPE","object":"role"}],"checked":["peeringdb","rpsl"]}`
	if m.Score != 1 || !m.HasData || string(m.Evidence) != want {
		t.Errorf("M8 %+v evidence %s, want %s", m, m.Evidence, want)
	}
	if m := run(t, vocab.M8, &Facts{}).Metric; m.HasData || m.Evidence != nil {
		t.Errorf("M8 with no source %+v, want no data", m)
	}
}

// TestIncident_penalty merges an ASN's events into incidents, scores
// them (§4.1: 29 min, 13 h, 25 h give 0.5 + 1 + 2) and names them by
// metric, ASN, start and first event.
func TestIncident_penalty(t *testing.T) {
	from := time.Date(2026, 10, 1, 0, 0, 0, 0, time.UTC)
	at := func(h float64) time.Time { return from.Add(time.Duration(h * float64(time.Hour))) }
	ev := func(id string, start, end time.Time) Event {
		return Event{Event: score.Event{ID: id, Start: start, End: end, Weight: 1}, Evidence: map[string]any{"rule": "test"}}
	}
	f := &Facts{ASN: 64500, Spec: netops(t), From: from, To: from.AddDate(0, 1, 0), Events: map[vocab.MetricID][]Event{
		vocab.M2: {ev("a", at(1), at(1).Add(29*time.Minute)), ev("b", at(100), at(113)), ev("c", at(300), at(325))}}}
	r := run(t, vocab.M2, f)
	if r.Metric.Raw != 3.5 || len(r.Incidents) != 3 || r.Incidents[0].ID != fmt.Sprintf("M2-64500-%d-a", at(1).Unix()) {
		t.Errorf("M2 %+v, incidents %+v", r.Metric, r.Incidents)
	}
	if r := run(t, vocab.M2C, f); r.Metric.Score != 1 || !r.Metric.HasData || len(r.Incidents) != 0 {
		t.Errorf("M2C without events %+v, want score 1 with data", r)
	}
}
