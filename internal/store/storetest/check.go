package storetest

import (
	"testing"

	"github.com/observatory-net/observatory/internal/store"
)

// testScoresOnly checks Filter.ScoresOnly: the same records and scores,
// without metrics, alone or with the other filters.
func testScoresOnly(t *testing.T, s store.Store) {
	m := fullMonth(march, specA)
	write(t, s, m)
	w := Expected(m)
	for _, f := range []store.Filter{
		{ScoresOnly: true},
		{ScoresOnly: true, ASNs: []uint32{w.ASNs[0].ASN}},
		{ScoresOnly: true, Country: w.ASNs[0].Country},
	} {
		got, err := s.ASNs(t.Context(), march, specA, f)
		if err != nil {
			t.Fatalf("ASNs(%+v) = %v", f, err)
		}
		full := f
		full.ScoresOnly = false
		want, err := s.ASNs(t.Context(), march, specA, full)
		if err != nil {
			t.Fatalf("ASNs(%+v) = %v", full, err)
		}
		if len(want) == 0 {
			t.Fatalf("ASNs(%+v) found nothing: the fixture no longer fits the test", full)
		}
		for i := range want {
			want[i].Metrics = nil
		}
		if diff := Diff(want, got); diff != "" {
			t.Errorf("ASNs(%+v) mismatch (-want +got):\n%s", f, diff)
		}
	}
}

// testCheck checks a store.Checker: an empty store and one holding a month
// pass the check and answer a ping.
func testCheck(t *testing.T, s store.Store) {
	c, ok := s.(store.Checker)
	if !ok {
		t.Skip("the store does not implement store.Checker")
	}
	for _, stage := range []string{"empty", "with a month"} {
		if stage != "empty" {
			write(t, s, fullMonth(march, specA))
		}
		if err := c.Check(t.Context()); err != nil {
			t.Errorf("Check(%s) = %v, want nil", stage, err)
		}
		if err := c.Ping(t.Context()); err != nil {
			t.Errorf("Ping(%s) = %v, want nil", stage, err)
		}
	}
}
