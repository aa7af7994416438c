package asrel

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/observatory-net/observatory/internal/bgp"
)

// Test topology (providers above customers, peers joined by ==):
//
//	  1 ====== 2
//	 / \        \
//	3   4 ===== 5
//	|  / \       \
//	6 7   8       9
//	     /
//	    3   (3 is also a customer of 8: a multi-homed AS)
const testRel = `# test topology
1|2|0
1|3|-1
1|4|-1
2|5|-1
4|5|0
3|6|-1
4|7|-1
4|8|-1
5|9|-1
8|3|-1
`

func testGraph(t *testing.T) *Graph {
	t.Helper()
	g, err := Load(context.Background(), strings.NewReader(testRel), "test", nil)
	if err != nil {
		t.Fatalf("Load(context.Background(), ) error: %v", err)
	}
	return g
}

func TestGraph_Relationship(t *testing.T) {
	g := testGraph(t)
	tests := []struct {
		a, b bgp.ASN
		want Relationship
	}{
		{1, 3, ProviderOf},
		{3, 1, CustomerOf},
		{1, 2, Peer},
		{2, 1, Peer},
		{5, 4, Peer},
		{8, 3, ProviderOf},
		{3, 8, CustomerOf},
		{1, 6, Unknown}, // indirect customer
		{1, 99, Unknown},
		{99, 1, Unknown},
		{1, 1, Unknown},
	}
	for _, tt := range tests {
		if got := g.Relationship(tt.a, tt.b); got != tt.want {
			t.Errorf("Relationship(%v, %v) = %v, want %v", tt.a, tt.b, got, tt.want)
		}
	}
}

func TestGraph_Neighbours(t *testing.T) {
	g := testGraph(t)
	got := map[string][]bgp.ASN{
		"providers(3)": g.Providers(3),
		"customers(4)": g.Customers(4),
		"peers(4)":     g.Peers(4),
		"peers(1)":     g.Peers(1),
		"providers(1)": g.Providers(1),
		"customers(9)": g.Customers(9),
		"peers(99)":    g.Peers(99),
	}
	want := map[string][]bgp.ASN{
		"providers(3)": {1, 8},
		"customers(4)": {7, 8},
		"peers(4)":     {5},
		"peers(1)":     {2},
		"providers(1)": {},
		"customers(9)": {},
		"peers(99)":    nil,
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("neighbours mismatch (-want +got):\n%s", diff)
	}
}

func TestGraph_Stats(t *testing.T) {
	var b Builder
	for _, l := range []Link{
		{A: 1, B: 2, Rel: RelP2C},
		{A: 1, B: 2, Rel: RelP2C}, // duplicate
		{A: 2, B: 1, Rel: RelP2P}, // conflict, dropped
		{A: 3, B: 2, Rel: RelP2P},
		{A: 2, B: 3, Rel: RelP2P}, // duplicate written the other way round
		{A: 2, B: 1, Rel: RelP2C}, // conflict: reversed direction
	} {
		if err := b.Add(l); err != nil {
			t.Fatalf("Add(%v) error: %v", l, err)
		}
	}
	if err := b.Add(Link{A: 5, B: 5}); err == nil {
		t.Errorf("Add(self link) succeeded")
	}
	g := b.Build()
	want := Stats{Links: 2, P2C: 1, P2P: 1, ASes: 3, Duplicates: 2, Conflicts: 2}
	if diff := cmp.Diff(want, g.Stats()); diff != "" {
		t.Errorf("Stats() mismatch (-want +got):\n%s", diff)
	}
	if got := g.Relationship(1, 2); got != ProviderOf {
		t.Errorf("first statement must win: Relationship(1, 2) = %v", got)
	}
}

func TestGraph_CustomerCone(t *testing.T) {
	g := testGraph(t)
	tests := []struct {
		a    bgp.ASN
		want []bgp.ASN
	}{
		{1, []bgp.ASN{1, 3, 4, 6, 7, 8}},
		{2, []bgp.ASN{2, 5, 9}},
		{4, []bgp.ASN{3, 4, 6, 7, 8}},
		{8, []bgp.ASN{3, 6, 8}},
		{6, []bgp.ASN{6}},
		{99, nil},
	}
	for _, tt := range tests {
		if diff := cmp.Diff(tt.want, g.CustomerCone(tt.a)); diff != "" {
			t.Errorf("CustomerCone(%v) mismatch (-want +got):\n%s", tt.a, diff)
		}
		for range 2 { // the second call reads the memo
			if got := g.CustomerConeSize(tt.a); got != len(tt.want) {
				t.Errorf("CustomerConeSize(%v) = %d, want %d", tt.a, got, len(tt.want))
			}
		}
	}
}

func TestGraph_CustomerConeCycle(t *testing.T) {
	g, err := Load(context.Background(), strings.NewReader("1|2|-1\n2|3|-1\n3|1|-1\n"), "", nil)
	if err != nil {
		t.Fatal(err)
	}
	if got := g.CustomerConeSize(2); got != 3 {
		t.Errorf("CustomerConeSize(2) in a provider cycle = %d, want 3", got)
	}
}

func TestGraph_Zero(t *testing.T) {
	var g Graph
	if g.Relationship(1, 2) != Unknown || g.CustomerConeSize(1) != 0 || g.Len() != 0 || g.Providers(1) != nil {
		t.Errorf("zero Graph is not empty")
	}
	if res := g.CheckPath([]bgp.ASN{1, 2, 3}); !res.Valid || res.Unknown != 2 {
		t.Errorf("zero Graph CheckPath() = %+v", res)
	}
}

func TestLoad_Canceled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	input := strings.Repeat("1|2|0\n", 10000)
	if _, err := Load(ctx, strings.NewReader(input), "big", nil); !errors.Is(err, context.Canceled) {
		t.Errorf("Load(canceled) error = %v, want context.Canceled", err)
	}
}

func TestGraph_ConcurrentCones(t *testing.T) {
	g := testGraph(t)
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			for _, a := range []bgp.ASN{1, 2, 4, 8, 6} {
				g.CustomerConeSize(a)
				g.CustomerCone(a)
				g.CheckPath([]bgp.ASN{9, 5, 2, 1, 3, 6})
			}
		})
	}
	wg.Wait()
	if got := g.CustomerConeSize(1); got != 6 {
		t.Errorf("CustomerConeSize(1) = %d after concurrent use, want 6", got)
	}
}
