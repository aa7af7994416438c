package outreach

import (
	"math"
	"slices"
	"testing"
	"time"

	"github.com/observatory-net/observatory/internal/store"
	"github.com/observatory-net/observatory/internal/vocab"
)

// scores returns five Action scores, the first ready of them ready.
func scores(ready int) []store.Score {
	out := make([]store.Score, 5)
	for i := range out {
		out[i] = store.Score{ID: "s", HasData: true, Level: string(vocab.Lagging)}
		if i < ready {
			out[i].Level = string(vocab.Ready)
		}
	}
	return out
}

func world() []store.ASN {
	return []store.ASN{
		{ASN: 3356, Country: "US", Region: "Americas", SubRegion: "Northern America", RIR: "ARIN", Cone: 40000, Space4: 1 << 24, Scores: scores(1)},
		{ASN: 174, Country: "US", Region: "Americas", SubRegion: "Northern America", RIR: "ARIN", Cone: 30000, Space4: 1 << 22, Scores: scores(1)},
		// Two networks alike but for readiness: the ready one first.
		{ASN: 65010, Country: "NL", Region: "Europe", SubRegion: "Western Europe", RIR: "RIPE NCC", Cone: 10, Space4: 256, Scores: scores(0)},
		{ASN: 65020, Country: "NL", Region: "Europe", SubRegion: "Western Europe", RIR: "RIPE NCC", Cone: 10, Space4: 256, Scores: scores(4)},
		// An exact tie: the lower ASN first.
		{ASN: 65031, Country: "NL", Region: "Europe", SubRegion: "Western Europe", RIR: "RIPE NCC", Cone: 3, Scores: scores(2)},
		{ASN: 65030, Country: "NL", Region: "Europe", SubRegion: "Western Europe", RIR: "RIPE NCC", Cone: 3, Scores: scores(2)},
		// Participants, by the month and by the registry: never ranked.
		{ASN: 3333, Country: "NL", Region: "Europe", SubRegion: "Western Europe", RIR: "RIPE NCC", Cone: 5000, Participant: true, Scores: scores(5)},
		{ASN: 1299, Country: "SE", Region: "Europe", SubRegion: "Northern Europe", RIR: "RIPE NCC", Cone: 35000, Scores: scores(3)},
		// Nothing measured: no readiness, impact 0.
		{ASN: 64999, Country: "DE", Region: "Europe", SubRegion: "Western Europe", RIR: "RIPE NCC"},
	}
}

func asnsOf(ts []Target) []uint32 {
	var out []uint32
	for _, t := range ts {
		out = append(out, t.ASN)
	}
	return out
}

func TestRank(t *testing.T) {
	incidents := []store.Incident{{ASN: 65010}, {ASN: 65010, Excluded: true}, {ASN: 174}, {ASN: 174}, {ASN: 174}}
	reg := map[uint32]bool{1299: true}
	for _, tt := range []struct {
		name string
		q    Query
		want []uint32
	}{
		{"world", Query{}, []uint32{3356, 174, 65020, 65010, 65030, 65031, 64999}},
		{"region", Query{Region: "europe"}, []uint32{65020, 65010, 65030, 65031, 64999}},
		{"sub-region", Query{Region: "Northern America"}, []uint32{3356, 174}},
		{"rir", Query{Region: "ARIN"}, []uint32{3356, 174}},
		{"economy", Query{Economy: "nl"}, []uint32{65020, 65010, 65030, 65031}},
		{"top", Query{Economy: "NL", Top: 2}, []uint32{65020, 65010}},
		// Sweden's one network is a registered participant.
		{"empty economy", Query{Economy: "SE"}, nil},
		{"unknown economy", Query{Economy: "ZZ"}, nil},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got := Rank(world(), incidents, reg, tt.q)
			if !slices.Equal(asnsOf(got), tt.want) {
				t.Errorf("Rank(%+v) = %v, want %v", tt.q, asnsOf(got), tt.want)
			}
			for i, g := range got {
				if g.Rank != i+1 {
					t.Errorf("%d-th target AS%d has rank %d", i+1, g.ASN, g.Rank)
				}
			}
		})
	}
	got := Rank(world(), incidents, reg, Query{})
	by := map[uint32]Target{}
	for _, g := range got {
		by[g.ASN] = g
	}
	if x := by[65010]; x.Incidents != 1 || x.Ready != 0 || x.Actions != 5 {
		t.Errorf("AS65010: %+v; want 1 incident (the excluded one not counted), 0 of 5 ready", x)
	}
	if x := by[174]; x.Incidents != 3 {
		t.Errorf("AS174 incidents = %d, want 3", x.Incidents)
	}
	x := by[65020]
	impact := math.Log1p(10) + math.Log1p(1)
	if math.Abs(x.Impact-impact) > 1e-12 || math.Abs(x.Readiness-0.8) > 1e-12 || math.Abs(x.Priority-impact*1.8) > 1e-12 {
		t.Errorf("AS65020: impact %v readiness %v priority %v; want %v, 0.8, %v", x.Impact, x.Readiness, x.Priority, impact, impact*1.8)
	}
	if x := by[64999]; x.Impact != 0 || x.Readiness != 0 || x.Priority != 0 {
		t.Errorf("AS64999 (nothing measured) = %+v, want all zero", x)
	}
	// The order does not depend on the order of the input.
	rev := world()
	slices.Reverse(rev)
	if r := Rank(rev, incidents, reg, Query{}); !slices.Equal(asnsOf(r), asnsOf(got)) {
		t.Errorf("reversed input ranks %v, want %v", asnsOf(r), asnsOf(got))
	}
}

func TestImpact(t *testing.T) {
	if got := Impact(0, 0, 0, 0); got != 0 {
		t.Errorf("Impact(0…) = %v", got)
	}
	// A /24, a /32 of IPv6 (2^32 /64s), one incident and a cone of one
	// are ln 2 each.
	if got, want := Impact(1, 256, 1<<32, 1), 4*math.Ln2; math.Abs(got-want) > 1e-12 {
		t.Errorf("Impact(1, /24, /32, 1) = %v, want %v", got, want)
	}
}

func TestQueryValidate(t *testing.T) {
	for _, q := range []Query{{}, {Region: "Europe"}, {Economy: "nl"}, {Region: "RIPE NCC", Top: 3}} {
		if err := q.Validate(); err != nil {
			t.Errorf("%+v: %v", q, err)
		}
	}
	for _, q := range []Query{{Region: "Europe", Economy: "NL"}, {Economy: "NLD"}, {Economy: "N1"}, {Region: "a\x00b"},
		{Region: string(make([]byte, 65))}, {Top: -1}} {
		if err := q.Validate(); err == nil {
			t.Errorf("%+v: no error", q)
		}
	}
}

func TestParticipation(t *testing.T) {
	day := func(y, m, d int) time.Time { return time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC) }
	ps := []store.Participant{
		{Programme: "netops", Approved: day(2024, 1, 15)},
		{Programme: "netops", Approved: day(2024, 3, 1)},
		{Programme: "ixp", Approved: day(2024, 3, 31)},
		{Programme: "cdn"}, // undated
	}
	last, _ := vocab.ParseMonth("2024-04")
	got, undated, progs := Participation(ps, last)
	if !slices.Equal(progs, []string{"cdn", "ixp", "netops"}) {
		t.Errorf("programmes = %v", progs)
	}
	if undated["cdn"] != 1 || len(undated) != 1 {
		t.Errorf("undated = %v", undated)
	}
	if len(got) != 4 || got[0].Month.String() != "2024-01" || got[3].Month.String() != "2024-04" {
		t.Fatalf("months = %v", got)
	}
	wantTotal := []int{1, 1, 2, 2}
	for i, m := range got {
		if m.Total["netops"] != wantTotal[i] {
			t.Errorf("%s netops total = %d, want %d", m.Month, m.Total["netops"], wantTotal[i])
		}
	}
	if got[2].Joined["ixp"] != 1 || got[2].Joined["netops"] != 1 || got[3].Joined["netops"] != 0 || got[3].Total["ixp"] != 1 || got[3].Total["cdn"] != 0 {
		t.Errorf("March/April = %+v %+v", got[2], got[3])
	}
	if got, _, _ := Participation(nil, last); got != nil {
		t.Errorf("no participants: %v", got)
	}
	// A date far back is counted from the window's start.
	old := append(ps, store.Participant{Programme: "netops", Approved: day(1900, 1, 1)})
	got, _, _ = Participation(old, last)
	if len(got) != maxGrowthMonths || got[0].Total["netops"] != 1 {
		t.Errorf("old date: %d months, first total %d", len(got), got[0].Total["netops"])
	}
}

func TestSharesOf(t *testing.T) {
	aggs := []store.Aggregate{
		{Scope: string(vocab.ScopeWorld), Key: vocab.WorldKey, Score: string(vocab.ROAValidShare), Value: 0.25, Ready: 1, Lag: 3},
		{Scope: string(vocab.ScopeWorld), Key: vocab.WorldKey, Score: string(vocab.ROVFilteringShare), NoData: 4},
		{Scope: string(vocab.ScopeParticipants), Key: "netops", Score: string(vocab.ROAValidShare), Value: 1, Ready: 2},
		{Scope: string(vocab.ScopeParticipants), Key: "netops", Score: string(vocab.ROVFilteringShare), Value: 0.5, Ready: 1, Lag: 1},
		{Scope: string(vocab.ScopeParticipants), Key: "netops", Score: string(vocab.Filtering), Value: 0.9},
		{Scope: string(vocab.ScopeEconomy), Key: "NL", Score: string(vocab.ROAValidShare), Value: 0.9, Ready: 9, Lag: 1},
	}
	w, p := SharesOf(aggs)
	if w.ROAValid == nil || *w.ROAValid != 0.25 || w.ROAJudged != 4 || w.ROVFiltering != nil || w.ROVJudged != 0 {
		t.Errorf("world = %+v", w)
	}
	n := p["netops"]
	if len(p) != 1 || n.ROAValid == nil || *n.ROAValid != 1 || n.ROVFiltering == nil || *n.ROVFiltering != 0.5 || n.ROVJudged != 2 {
		t.Errorf("participants = %+v", p)
	}
}
