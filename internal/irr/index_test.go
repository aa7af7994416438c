package irr

import (
	"context"
	"errors"
	"fmt"
	"net/netip"
	"strings"
	"sync"
	"testing"
	"unsafe"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/observatory-net/observatory/internal/bgp"
	"github.com/observatory-net/observatory/internal/inputerr"
)

// buildIndex loads RPSL text leniently and fails on any bad object.
func buildIndex(t testing.TB, inputs ...string) *Index {
	t.Helper()
	var b Builder
	for i, in := range inputs {
		st, err := b.Load(context.Background(), strings.NewReader(in), Options{File: fmt.Sprint("input", i)})
		if err != nil || st.Bad != 0 {
			t.Fatalf("Load(input %d) = %+v, %v", i, st, err)
		}
	}
	return b.Build()
}

// lookupRPSL has route objects in three sources, two of them in one
// stream; RADB registers 192.0.2.0/24 for AS64500 and AS64501 (MOAS).
const lookupRPSL = `
route:  192.0.0.0/16
origin: AS64500
source: RIPE

route:  192.0.2.0/24
origin: AS64500
source: RIPE

route:  192.0.2.0/24
origin: AS64500
source: RADB

route:  192.0.2.0/24
origin: AS64501
source: RADB

route:  192.0.2.0/24
origin: AS64501
source: RADB

route:  192.0.2.128/25
origin: AS64502
source: RADB

route6: 2001:db8::/32
origin: AS64500
source: RIPE
`

const lookupRPSL2 = `
route6: 2001:db8:1::/48
origin: AS64500

route:  0.0.0.0/0
origin: AS64999
`

func TestIndex_Lookup(t *testing.T) {
	x := buildIndex(t, lookupRPSL, lookupRPSL2)
	pfx := netip.MustParsePrefix
	tests := []struct {
		name   string
		prefix string
		origin bgp.ASN
		want   []Match
		best   MatchKind
	}{
		{"exact in two sources", "192.0.2.0/24", 64500, []Match{
			{"RADB", Exact, pfx("192.0.2.0/24")}, {"RIPE", Exact, pfx("192.0.2.0/24")},
		}, Exact},
		{"exact in one source", "192.0.2.0/24", 64501, []Match{{"RADB", Exact, pfx("192.0.2.0/24")}}, Exact},
		{"covered by the most specific object", "192.0.2.0/25", 64500, []Match{
			{"RADB", Covered, pfx("192.0.2.0/24")}, {"RIPE", Covered, pfx("192.0.2.0/24")},
		}, Covered},
		{"exact in one source, covered in another", "192.0.0.0/16", 64500, []Match{{"RIPE", Exact, pfx("192.0.0.0/16")}}, Exact},
		{"covered by a shorter object only", "192.0.3.0/24", 64500, []Match{{"RIPE", Covered, pfx("192.0.0.0/16")}}, Covered},
		{"exact beats covered within a source", "192.0.2.128/25", 64502, []Match{{"RADB", Exact, pfx("192.0.2.128/25")}}, Exact},
		{"covered, more specific object of another origin ignored", "192.0.2.192/26", 64500, []Match{
			{"RADB", Covered, pfx("192.0.2.0/24")}, {"RIPE", Covered, pfx("192.0.2.0/24")},
		}, Covered},
		{"wrong origin", "192.0.2.0/24", 64999, []Match{{"", Covered, pfx("0.0.0.0/0")}}, Covered},
		{"wrong origin, no default route", "2001:db8::/32", 64501, nil, None},
		{"less specific than any object", "192.0.0.0/8", 64500, nil, None},
		{"unregistered", "198.51.100.0/24", 64500, nil, None},
		{"IPv6 exact", "2001:db8::/32", 64500, []Match{{"RIPE", Exact, pfx("2001:db8::/32")}}, Exact},
		{"IPv6 exact and covered in different sources", "2001:db8:1::/48", 64500, []Match{
			{"", Exact, pfx("2001:db8:1::/48")}, {"RIPE", Covered, pfx("2001:db8::/32")},
		}, Exact},
		{"host bits are masked", "192.0.2.1/24", 64501, []Match{{"RADB", Exact, pfx("192.0.2.0/24")}}, Exact},
		{"IPv4 default route object covers everything", "203.0.113.0/24", 64999, []Match{{"", Covered, pfx("0.0.0.0/0")}}, Covered},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := pfx(tt.prefix)
			if diff := cmp.Diff(tt.want, x.Lookup(p, tt.origin), cmpPrefix); diff != "" {
				t.Errorf("Lookup(%s, %s) mismatch (-want +got):\n%s", p, tt.origin, diff)
			}
			if got := x.Best(p, tt.origin); got != tt.best {
				t.Errorf("Best(%s, %s) = %s, want %s", p, tt.origin, got, tt.best)
			}
		})
	}
	t.Run("invalid prefix", func(t *testing.T) {
		if got := x.Lookup(netip.Prefix{}, 64500); got != nil {
			t.Errorf("Lookup(invalid) = %v, want nil", got)
		}
		if got := x.Best(netip.Prefix{}, 64500); got != None {
			t.Errorf("Best(invalid) = %v, want None", got)
		}
		if got := x.Origins(netip.Prefix{}); got != nil {
			t.Errorf("Origins(invalid) = %v, want nil", got)
		}
	})
}

func TestIndex_Origins(t *testing.T) {
	x := buildIndex(t, lookupRPSL, lookupRPSL2)
	tests := []struct {
		prefix string
		want   []Origin
	}{
		{"192.0.2.0/24", []Origin{{64500, "RADB"}, {64500, "RIPE"}, {64501, "RADB"}}},
		{"192.0.2.0/25", nil},
		{"2001:db8:1::/48", []Origin{{64500, ""}}},
	}
	for _, tt := range tests {
		if diff := cmp.Diff(tt.want, x.Origins(netip.MustParsePrefix(tt.prefix)), cmpopts.EquateEmpty()); diff != "" {
			t.Errorf("Origins(%s) mismatch (-want +got):\n%s", tt.prefix, diff)
		}
	}
	if got, want := x.Routes(), 8; got != want {
		t.Errorf("Routes() = %d, want %d (duplicates collapsed)", got, want)
	}
	if diff := cmp.Diff([]string{"", "RADB", "RIPE"}, x.Sources()); diff != "" {
		t.Errorf("Sources() mismatch (-want +got):\n%s", diff)
	}
}

func TestIndex_AppendLookup(t *testing.T) {
	x := buildIndex(t, lookupRPSL)
	dst := []Match{{Source: "keep"}}
	got := x.AppendLookup(dst, netip.MustParsePrefix("192.0.2.0/24"), 64501)
	want := []Match{{Source: "keep"}, {"RADB", Exact, netip.MustParsePrefix("192.0.2.0/24")}}
	if diff := cmp.Diff(want, got, cmpPrefix); diff != "" {
		t.Errorf("AppendLookup() mismatch (-want +got):\n%s", diff)
	}
}

func TestMatchKind_String(t *testing.T) {
	for k, want := range map[MatchKind]string{None: "none", Covered: "covered", Exact: "exact"} {
		if got := k.String(); got != want {
			t.Errorf("MatchKind(%d).String() = %q, want %q", k, got, want)
		}
	}
}

const setRPSL = `
as-set: AS-TOP
members: AS1, AS-MID, AS-LOOP
source: RIPE

as-set: AS-MID
members: AS2 AS3, AS-TOP, AS-GONE
source: RIPE

as-set: as-loop
members: AS-LOOP, AS-TOP, AS4
source: RIPE

as-set: AS-MID
members: AS20
source: RADB

as-set: AS-REF
members: AS5
mbrs-by-ref: GOOD-MNT
source: RIPE

as-set: AS-ANYREF
mbrs-by-ref: ANY
source: RIPE

aut-num: AS10
member-of: AS-REF, AS-ANYREF
mnt-by: GOOD-MNT
source: RIPE

aut-num: AS11
member-of: AS-REF
mnt-by: OTHER-MNT
source: RIPE

aut-num: AS12
member-of: as-anyref
mnt-by: OTHER-MNT
source: RIPE

aut-num: AS13
member-of: AS-REF
mnt-by: GOOD-MNT
source: RADB
`

func TestIndex_ExpandASSet(t *testing.T) {
	x := buildIndex(t, setRPSL)
	tests := []struct {
		name    string
		set     string
		sources []string
		want    Expansion
	}{
		{"nested with cycles, all sources", "AS-TOP", nil, Expansion{
			ASNs: []bgp.ASN{1, 2, 3, 4, 20}, Missing: []string{"AS-GONE"},
		}},
		{"case-insensitive name", "as-top", nil, Expansion{
			ASNs: []bgp.ASN{1, 2, 3, 4, 20}, Missing: []string{"AS-GONE"},
		}},
		{"source preference", "AS-TOP", []string{"radb", "RIPE"}, Expansion{
			ASNs: []bgp.ASN{1, 4, 20},
		}},
		{"single source", "AS-MID", []string{"RADB"}, Expansion{ASNs: []bgp.ASN{20}}},
		{"set absent from the preferred sources", "AS-TOP", []string{"RADB"}, Expansion{Missing: []string{"AS-TOP"}}},
		{"members by reference need a listed maintainer", "AS-REF", nil, Expansion{ASNs: []bgp.ASN{5, 10}}},
		{"mbrs-by-ref ANY", "AS-ANYREF", nil, Expansion{ASNs: []bgp.ASN{10, 12}}},
		{"unknown set", "AS-NONE", nil, Expansion{Missing: []string{"AS-NONE"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := x.ExpandASSet(tt.set, tt.sources...)
			if diff := cmp.Diff(tt.want, got, cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("ExpandASSet(%q, %q) mismatch (-want +got):\n%s", tt.set, tt.sources, diff)
			}
		})
	}
}

// TestIndex_ExpandASSet_depth builds a chain of sets deeper than
// MaxSetDepth, each with one AS number.
func TestIndex_ExpandASSet_depth(t *testing.T) {
	var sb strings.Builder
	for i := range MaxSetDepth + 5 {
		fmt.Fprintf(&sb, "as-set: AS-L%d\nmembers: AS%d, AS-L%d\nsource: T\n\n", i, i+1, i+1)
	}
	x := buildIndex(t, sb.String())
	got := x.ExpandASSet("AS-L0")
	if !got.Truncated || len(got.ASNs) != MaxSetDepth+1 || len(got.Missing) != 0 {
		t.Errorf("ExpandASSet(chain) = %d ASNs, missing %v, truncated %v; want %d ASNs, truncated",
			len(got.ASNs), got.Missing, got.Truncated, MaxSetDepth+1)
	}
	// A set reachable both deep down and near the top is expanded.
	sb.WriteString("as-set: AS-SHORT\nmembers: AS-L0, AS-L30\nsource: T\n")
	x = buildIndex(t, sb.String())
	if got := x.ExpandASSet("AS-SHORT"); len(got.ASNs) != MaxSetDepth+5 {
		t.Errorf("ExpandASSet(AS-SHORT) = %d ASNs, want %d", len(got.ASNs), MaxSetDepth+5)
	}
}

func TestIndex_objects(t *testing.T) {
	x := buildIndex(t, setRPSL+`
aut-num: AS10
as-name: FIRST
source: RADB

aut-num: AS10
as-name: REPLACED
source: RADB

aut-num: AS10
as-name: LAST
source: RADB

mntner: good-mnt
auth: SSO x@example.net
source: RIPE
`)
	var names []string
	for _, a := range x.AutNums(10) {
		names = append(names, a.Source+"/"+a.ASName)
	}
	if diff := cmp.Diff([]string{"RADB/LAST", "RIPE/"}, names); diff != "" {
		t.Errorf("AutNums(AS10) mismatch (-want +got):\n%s", diff)
	}
	if got := x.AutNums(99); got != nil {
		t.Errorf("AutNums(AS99) = %v, want nil", got)
	}
	if got := x.ASSets("as-mid"); len(got) != 2 || got[0].Source != "RADB" || got[1].Source != "RIPE" {
		t.Errorf("ASSets(as-mid) = %v, want RADB and RIPE", got)
	}
	if got := x.Mntners("Good-Mnt"); len(got) != 1 || got[0].Auth[0] != "SSO" {
		t.Errorf("Mntners(Good-Mnt) = %v, want one with SSO", got)
	}
}

func TestBuilder_Load(t *testing.T) {
	bad := goodRoute + "\nroute: 192.0.2.0/24\norigin: AS-BAD\n\n" + goodRoute
	t.Run("lenient", func(t *testing.T) {
		var b Builder
		st, err := b.Load(context.Background(), strings.NewReader(bad), Options{})
		if err != nil || st.Bad != 1 || st.Routes != 2 {
			t.Errorf("Load() = %+v, %v; want 2 routes, 1 bad", st, err)
		}
	})
	t.Run("strict", func(t *testing.T) {
		var b Builder
		_, err := b.Load(context.Background(), strings.NewReader(bad), Options{Strict: true, File: "f"})
		var ie *inputerr.Error
		if !errors.As(err, &ie) || ie.Record != 2 {
			t.Fatalf("Load() error = %v, want input error at record 2", err)
		}
		if got := b.Build().Routes(); got != 1 {
			t.Errorf("objects before the error: %d routes, want 1", got)
		}
	})
	t.Run("damaged log", func(t *testing.T) {
		// Objects with broken attributes are damaged records: reported
		// with their position, skipped, and the rest is read.
		input := bad + "\nroute6: 2001:db8::/32\norigin AS1\n\naut-num: ASx\n\n" + goodRoute
		var log inputerr.Log
		var b Builder
		st, err := b.Load(context.Background(), strings.NewReader(input), Options{File: "ripe.db", Damaged: &log})
		if err != nil || st.Routes != 3 || st.Bad != 3 {
			t.Fatalf("Load() = %+v, %v; want 3 routes, 3 bad", st, err)
		}
		second := int64(len(goodRoute) + 1)
		third := second + int64(len("route: 192.0.2.0/24\norigin: AS-BAD\n\n")) + int64(len(goodRoute)) + 1
		want := []string{fmt.Sprintf("ripe.db: 3 damaged records skipped: "+
			"record 2 at byte offset %d: bad attribute: line 2: origin: bad AS number: \"AS-BAD\"; "+
			"record 4 at byte offset %d: rpsl syntax error: line 2: no colon in \"origin AS1\"; "+
			"record 5 at byte offset %d: bad attribute: line 1: aut-num: bad AS number: \"ASx\"",
			second, third, third+int64(len("route6: 2001:db8::/32\norigin AS1\n\n")))}
		if diff := cmp.Diff(want, log.Lines()); diff != "" {
			t.Errorf("Lines() mismatch (-want +got):\n%s", diff)
		}
		var sb Builder
		_, err = sb.Load(context.Background(), strings.NewReader(input), Options{File: "ripe.db", Damaged: &inputerr.Log{Strict: true}})
		var ie *inputerr.Error
		if !errors.As(err, &ie) || ie.Record != 2 || ie.Offset != second {
			t.Errorf("Load() with a strict log = %v, want record 2 at byte offset %d", err, second)
		}
	})
	t.Run("cancelled", func(t *testing.T) {
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		var b Builder
		if _, err := b.Load(ctx, strings.NewReader(bad), Options{}); !errors.Is(err, context.Canceled) {
			t.Errorf("Load() error = %v, want context.Canceled", err)
		}
	})
	t.Run("builder is reusable", func(t *testing.T) {
		var b Builder
		b.Add(&Route{Prefix: netip.MustParsePrefix("192.0.2.0/24"), Origin: 1})
		if got := b.Build().Routes(); got != 1 {
			t.Fatalf("first Build() has %d routes, want 1", got)
		}
		if got := b.Build().Routes(); got != 0 {
			t.Errorf("second Build() has %d routes, want 0", got)
		}
	})
}

// TestIndex_sizes guards the size of the per-route index structures, which
// a full set of IRR dumps holds millions of.
func TestIndex_sizes(t *testing.T) {
	if got := unsafe.Sizeof(routeEntry{}); got != 8 {
		t.Errorf("sizeof(routeEntry) = %d, want 8", got)
	}
	if got := unsafe.Sizeof(span{}); got != 8 {
		t.Errorf("sizeof(span) = %d, want 8", got)
	}
}

// TestIndex_concurrent queries one index from several goroutines; run with
// -race it checks that queries do not write shared state.
func TestIndex_concurrent(t *testing.T) {
	x := buildIndex(t, lookupRPSL, setRPSL)
	p := netip.MustParsePrefix("192.0.2.0/25")
	var wg sync.WaitGroup
	for range 4 {
		wg.Go(func() {
			for range 100 {
				if x.Best(p, 64500) != Covered || len(x.Lookup(p, 64500)) != 2 ||
					len(x.ExpandASSet("AS-TOP").ASNs) != 5 || len(x.Origins(netip.MustParsePrefix("192.0.2.0/24"))) != 3 {
					t.Error("concurrent query gave a wrong answer")
					return
				}
			}
		})
	}
	wg.Wait()
}
