package main

import (
	"context"
	"encoding/json"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/observatory-net/observatory/api/wire"
	"github.com/observatory-net/observatory/internal/store/sqlite"
)

// TestEvents_Binary runs the built binary's `observatory events` on the
// small month (two real update files of May 2014, smallIngest) and checks it
// against the store read directly: one event per culprit incident of M1,
// M2, M3 and M4, every evidence path with the culprit at its marked hop
// (the origin, last, for a hijack), the filters, and bad input.
func TestEvents_Binary(t *testing.T) {
	db := smallDB(t) // ingested once per test binary (smallIngest)
	bin := bmpBinary(t)
	list := func(args ...string) wire.EventList {
		t.Helper()
		code, out, errOut := binCLI(t, bin, append([]string{"events", "--db", db, "--json"}, args...)...)
		if code != 0 {
			t.Fatalf("events %q: exit %d: %s", args, code, errOut)
		}
		var l wire.EventList
		if err := json.Unmarshal([]byte(out), &l); err != nil {
			t.Fatalf("events %q: %v", args, err)
		}
		return l
	}
	all := list()

	st, err := sqlite.Open(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	incs, err := st.Incidents(context.Background(), all.Month, all.Spec, 0)
	st.Close()
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{}
	for _, in := range incs {
		if typ, ok := map[string]string{"M1": "leak", "M2": "hijack", "M3": "bogon", "M4": "bogon"}[in.Metric]; ok && !in.Excluded {
			want[in.ID] = typ + " " + strconv.FormatUint(uint64(in.ASN), 10)
		}
	}
	if len(want) == 0 {
		t.Fatal("the small month has no culprit incident: nothing is tested")
	}
	byType := map[string]int{}
	for _, e := range all.Items {
		byType[e.Type]++
		if got := e.Type + " " + strconv.FormatUint(uint64(e.Culprit), 10); want[e.ID] != got {
			t.Errorf("event %s is %q, the store's incident %q", e.ID, got, want[e.ID])
		}
		if len(e.Paths) == 0 || e.Duration != e.End.Sub(e.Start).Seconds() || !slices.Contains(e.ASNs, e.Culprit) {
			t.Errorf("event %s: %d paths, duration %v for %v..%v, asns %v", e.ID, len(e.Paths), e.Duration, e.Start, e.End, e.ASNs)
		}
		for _, p := range e.Paths {
			if p.Culprit < 0 || p.Hops[p.Culprit] != strconv.FormatUint(uint64(e.Culprit), 10) ||
				(e.Type == "hijack" && p.Hops[len(p.Hops)-1] != p.Hops[p.Culprit]) {
				t.Errorf("event %s (%s AS%d): path %v marks hop %d", e.ID, e.Type, e.Culprit, p.Hops, p.Culprit)
			}
		}
	}
	if all.Total != len(want) || len(all.Items) != len(want) {
		t.Errorf("%d events (total %d), want the %d culprit incidents", len(all.Items), all.Total, len(want))
	}
	t.Logf("small month: %d events %v", all.Total, byType)
	for typ, n := range byType {
		if got := list("--type", typ); got.Total != n {
			t.Errorf("--type %s: %d events, want %d", typ, got.Total, n)
		}
	}
	first := all.Items[0]
	for _, e := range list("--asn", first.Culprit.String()).Items {
		if !slices.Contains(e.ASNs, first.Culprit) {
			t.Errorf("--asn AS%d lists %s, which does not involve it", first.Culprit, e.ID)
		}
	}
	code, out, _ := binCLI(t, bin, "events", "--db", db, "--type", first.Type)
	if code != 0 || !strings.HasPrefix(out, "ID ") || !strings.Contains(out, first.ID) {
		t.Errorf("table: exit %d:\n%.500s", code, out)
	}
	for _, bad := range [][]string{{"--type", "moas"}, {"--asn", "ASx"}, {"--since", "yesterday"}, {"--month", "2014-04"}, {"--prefix", "10.0.0.0"}} {
		if code, out, errOut := binCLI(t, bin, append([]string{"events", "--db", db}, bad...)...); code != 2 || out != "" || errOut == "" {
			t.Errorf("events %q: exit %d, stdout %q, stderr %q; want 2, nothing, an error", bad, code, out, errOut)
		}
	}
}
