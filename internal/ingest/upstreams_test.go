package ingest

import (
	"testing"

	"github.com/observatory-net/observatory/internal/bgp"
	"github.com/observatory-net/observatory/internal/store"
)

// TestCompute_Upstreams checks the upstream records of the hand-made
// world (aggregateWorld): AS7018's 150 routes all pass through AS174 and
// then one of the five collector peers; AS3333's two routes reach each
// peer directly, so it has five hop-1 upstreams and no hop 2.
func TestCompute_Upstreams(t *testing.T) {
	m := aggregateMonth(t)
	by := map[uint32][]store.Upstream{}
	for _, u := range m.Upstreams {
		by[u.ASN] = append(by[u.ASN], u)
	}
	got := by[7018]
	if len(got) != 6 {
		t.Fatalf("AS7018 upstreams = %+v, want AS174 at hop 1 and the five peers at hop 2", got)
	}
	if u := got[0]; u.Hop != 1 || u.Upstream != 174 || u.Via != 0 || u.Prefixes != 150 || u.Paths != 750 || u.Rel != "" {
		t.Errorf("AS7018 hop 1 = %+v, want AS174 with 150 prefixes, 750 paths, no relationship loaded", u)
	}
	peers := map[uint32]bool{701: true, 1299: true, 2914: true, 3356: true, 6939: true}
	for _, u := range got[1:] {
		if u.Hop != 2 || u.Via != 174 || !peers[u.Upstream] || u.Prefixes != 150 || u.Paths != 150 {
			t.Errorf("AS7018 hop 2 = %+v, want a collector peer via AS174 with 150 prefixes and paths", u)
		}
		if want := bgp.ASN(u.Upstream).Plain() + " 174 7018"; u.Example != want {
			t.Errorf("AS7018 hop 2 example %q, want %q", u.Example, want)
		}
	}
	got = by[3333]
	if len(got) != 5 {
		t.Fatalf("AS3333 upstreams = %+v, want the five peers at hop 1", got)
	}
	for _, u := range got {
		if u.Hop != 1 || !peers[u.Upstream] || u.Prefixes != 2 || u.Paths != 2 {
			t.Errorf("AS3333 upstream %+v, want a peer at hop 1 with 2 prefixes and 2 paths", u)
		}
	}
	if err := store.ValidateMonth(m); err != nil {
		t.Errorf("the month's records do not validate: %v", err)
	}
}
