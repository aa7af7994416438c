package conformance

import (
	"path/filepath"
	"reflect"
	"strconv"
	"testing"
	"time"

	"github.com/observatory-net/observatory/api/wire"
	"github.com/observatory-net/observatory/internal/access"
	"github.com/observatory-net/observatory/internal/spec"
	"github.com/observatory-net/observatory/internal/store"
	"github.com/observatory-net/observatory/internal/store/sqlite"
	"github.com/observatory-net/observatory/internal/vocab"
)

// asnMonth is a record whose five scores are ready but for irr, which is
// at level l (value v).
func asnMonth(asn uint32, irr vocab.Level, v float64) store.ASN {
	a := store.ASN{ASN: asn, Holder: "test"}
	for _, id := range vocab.Scores {
		s := store.Score{ID: string(id), Value: 1, HasData: true, Level: string(vocab.Ready)}
		if id == vocab.RoutingInformationIRR {
			s = store.Score{ID: string(id), Value: v, HasData: irr != vocab.NoData, Level: string(irr)}
		}
		a.Scores = append(a.Scores, s)
	}
	a.Metrics = []store.Metric{{ID: string(vocab.M7IRR), Raw: v, Score: v, HasData: true, Counted: true}}
	return a
}

// writeMonths stores the months given (YYYY-MM → records).
func writeMonths(t *testing.T, st store.Store, ms map[string][]store.ASN) {
	t.Helper()
	for name, asns := range ms {
		m := month(t, name)
		err := st.WriteMonth(t.Context(), &store.Month{
			Meta: store.MonthMeta{Month: m.Start(), Spec: spec.Default, IngestedAt: time.Now().UTC(), Final: true},
			ASNs: asns,
		})
		if err != nil {
			t.Fatalf("WriteMonth(%s) = %v", name, err)
		}
	}
}

func TestFlags_Store(t *testing.T) {
	st, err := sqlite.Open(t.Context(), filepath.Join(t.TempDir(), "obs.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	// AS64500 lags on IRR from March; AS64501 lags before and after a
	// month not stored (May); AS64502 is not measured from March; AS64503
	// lags from January, but its participant joined in April.
	writeMonths(t, st, map[string][]store.ASN{
		"2024-02": {asnMonth(64500, vocab.Ready, 0.95), asnMonth(64501, vocab.Lagging, 0.1), asnMonth(64502, vocab.Ready, 1), asnMonth(64503, vocab.Lagging, 0.1)},
		"2024-03": {asnMonth(64500, vocab.Lagging, 0.5), asnMonth(64501, vocab.Lagging, 0.1), asnMonth(64503, vocab.Lagging, 0.1)},
		"2024-04": {asnMonth(64500, vocab.Lagging, 0.4), asnMonth(64501, vocab.Lagging, 0.1), asnMonth(64503, vocab.Lagging, 0.1)},
		"2024-06": {asnMonth(64500, vocab.Lagging, 0.3), asnMonth(64501, vocab.Lagging, 0.1), asnMonth(64503, vocab.Lagging, 0.1)},
	})
	june := month(t, "2024-06")
	reg := []store.Registered{
		{ID: 1, Participant: store.Participant{Organisation: "Alpha", Programme: "netops", ASNs: []uint32{64500, 64501}}},
		{ID: 2, Participant: store.Participant{Organisation: "Beta", Programme: "netops", ASNs: []uint32{64502}}},
		{ID: 3, Participant: store.Participant{Organisation: "Gamma", Programme: "netops", ASNs: []uint32{64503},
			Approved: time.Date(2024, 4, 10, 0, 0, 0, 0, time.UTC)}},
	}
	got, err := Flags(t.Context(), Input{Store: st, Registry: reg, Month: month(t, "2024-04"), Spec: spec.Default})
	if err != nil {
		t.Fatalf("Flags(April) = %v", err)
	}
	// April: AS64500 has 2 lagging months, AS64501 3 (flag, new), AS64502
	// 2 unmeasured, AS64503 1 since joining.
	assertFlags(t, "April", got, []string{"AS64501 routingInformationIRR lagging 2024-02 3 new"})

	got, err = Flags(t.Context(), Input{Store: st, Registry: reg, Month: june, Spec: spec.Default})
	if err != nil {
		t.Fatalf("Flags(June) = %v", err)
	}
	// June follows a month not stored: every run starts again.
	assertFlags(t, "June", got, nil)

	// July and August stored: the runs after the gap reach three in August.
	writeMonths(t, st, map[string][]store.ASN{
		"2024-07": {asnMonth(64500, vocab.Lagging, 0.3), asnMonth(64501, vocab.Ready, 1), asnMonth(64503, vocab.Lagging, 0.1)},
		"2024-08": {asnMonth(64500, vocab.Lagging, 0.3), asnMonth(64501, vocab.Lagging, 0.1), asnMonth(64503, vocab.Lagging, 0.1)},
	})
	got, err = Flags(t.Context(), Input{Store: st, Registry: reg, Month: month(t, "2024-08"), Spec: spec.Default})
	if err != nil {
		t.Fatalf("Flags(August) = %v", err)
	}
	assertFlags(t, "August", got, []string{
		"AS64500 routingInformationIRR lagging 2024-06 3 new",
		"AS64502 filtering noData 2024-06 3 new",
		"AS64502 coordination noData 2024-06 3 new",
		"AS64502 routingInformationIRR noData 2024-06 3 new",
		"AS64502 routingInformationRPKI noData 2024-06 3 new",
		"AS64503 routingInformationIRR lagging 2024-06 3 new",
	})
	f := got.Items[0]
	if len(f.History) != 12 || f.History[11].State != string(wire.LevelLagging) || f.History[10].State != string(wire.LevelLagging) ||
		f.History[9].State != string(wire.LevelLagging) || f.History[8].State != wire.PointNotStored || f.History[0].State != wire.PointNotStored {
		t.Errorf("AS64500's history = %+v", f.History)
	}
	if len(f.Evidence) != 3 || f.Evidence[0].Value == nil || *f.Evidence[0].Value != 0.3 || len(f.Evidence[0].Metrics) != 1 ||
		f.Evidence[0].Metrics[0].ID != string(vocab.M7IRR) {
		t.Errorf("AS64500's evidence = %+v", f.Evidence)
	}
	if g := got.Items[5]; g.History[2].State != wire.PointBeforeJoining {
		t.Errorf("AS64503's February = %+v, want beforeJoining", g.History[2])
	}

	// A participant sees every participant's readiness, the values and
	// evidence of its own flags only; partner and secretariat all.
	own := Visible(got, &access.Principal{Key: &store.APIKey{Role: store.RoleParticipant, ParticipantID: 2}, ASNs: []uint32{64502}})
	if len(own.Items) != 6 {
		t.Errorf("Beta sees %d flags, want all 6", len(own.Items))
	}
	mine := 0
	for i, f := range own.Items {
		if f.ASN == 64502 {
			mine++
			if !reflect.DeepEqual(f, got.Items[i]) {
				t.Errorf("Beta's own flag %d differs from the full one", i)
			}
			continue
		}
		if len(f.Evidence) != 0 || f.History[0].Value != nil || f.History[0].State != got.Items[i].History[0].State {
			t.Errorf("Beta sees AS%d's flag with evidence or values: %+v", f.ASN, f)
		}
	}
	if mine != 4 {
		t.Errorf("Beta has %d flags of its own, want 4", mine)
	}
	hidden := 0 // values the full flags have that Beta does not see
	for i, f := range got.Items {
		if f.ASN != 64502 && len(f.Evidence) > 0 && own.Items[i].History[0].Value == nil {
			hidden++
		}
	}
	if hidden == 0 {
		t.Error("no other participant's flag had evidence to hide: the check above proves nothing")
	}
	if all := Visible(got, &access.Principal{Key: &store.APIKey{Role: store.RolePartner}}); len(all.Items) != 6 {
		t.Errorf("a partner sees %d flags, want 6", len(all.Items))
	}
	if none := Visible(got, &access.Anonymous); len(none.Items) != 0 {
		t.Errorf("anonymous sees %d flags", len(none.Items))
	}

	if _, err := Flags(t.Context(), Input{Store: st, Registry: reg, Month: month(t, "2024-05"), Spec: spec.Default}); err == nil {
		t.Error("Flags() of a month not stored = nil error")
	}
}

func assertFlags(t *testing.T, name string, got *wire.ConformanceFlags, want []string) {
	t.Helper()
	var lines []string
	for _, f := range got.Items {
		line := f.ASN.String() + " " + string(f.Score) + " " + f.Kind + " " + f.Since.Format(vocab.MonthLayout) + " " + itoa(f.Months)
		if f.New {
			line += " new"
		}
		lines = append(lines, line)
	}
	if len(lines) != len(want) {
		t.Fatalf("%s: flags\n%q\nwant\n%q", name, lines, want)
	}
	for i := range want {
		if lines[i] != want[i] {
			t.Errorf("%s: flag %d = %q, want %q", name, i, lines[i], want[i])
		}
	}
}

func itoa(n int) string { return strconv.Itoa(n) }
