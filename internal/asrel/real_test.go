package asrel

import (
	"bufio"
	"context"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/observatory-net/observatory/internal/bgp"
	"github.com/observatory-net/observatory/internal/testenv"
)

// realFiles are the CAIDA files in shared data, with the link counts stated
// in PROVENANCE.md and the AS counts from an independent count (a Python
// one-liner over the files).
var realFiles = []struct {
	rel  string
	want Stats
}{
	{"as-relationships/20140101.as-rel.txt", Stats{Links: 165364, P2C: 88733, P2P: 76631, ASes: 46185}},
	{"as-relationships/20170101.as-rel.txt", Stats{Links: 239876, P2C: 111217, P2P: 128659, ASes: 56345}},
	{"as-relationships/20180101.as-rel.txt", Stats{Links: 261340, P2C: 117703, P2P: 143637, ASes: 60006}},
}

// naiveGraph is the test oracle: the file read with strings.Split into maps.
type naiveGraph struct {
	rel       map[[2]bgp.ASN]Relationship
	customers map[bgp.ASN][]bgp.ASN
}

func readNaive(t *testing.T, path string) naiveGraph {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	n := naiveGraph{rel: map[[2]bgp.ASN]Relationship{}, customers: map[bgp.ASN][]bgp.ASN{}}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if strings.HasPrefix(sc.Text(), "#") {
			continue
		}
		f := strings.Split(sc.Text(), "|")
		a, _ := strconv.ParseUint(f[0], 10, 32)
		b, _ := strconv.ParseUint(f[1], 10, 32)
		A, B := bgp.ASN(a), bgp.ASN(b)
		if f[2] == "-1" {
			n.rel[[2]bgp.ASN{A, B}], n.rel[[2]bgp.ASN{B, A}] = ProviderOf, CustomerOf
			n.customers[A] = append(n.customers[A], B)
		} else {
			n.rel[[2]bgp.ASN{A, B}], n.rel[[2]bgp.ASN{B, A}] = Peer, Peer
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return n
}

// coneSize is the oracle's customer cone: a map-based breadth-first search.
func (n naiveGraph) coneSize(a bgp.ASN) int {
	seen := map[bgp.ASN]bool{a: true}
	queue := []bgp.ASN{a}
	for len(queue) > 0 {
		x := queue[0]
		queue = queue[1:]
		for _, c := range n.customers[x] {
			if !seen[c] {
				seen[c] = true
				queue = append(queue, c)
			}
		}
	}
	return len(seen)
}

func TestLoadFile_real(t *testing.T) {
	for _, rf := range realFiles {
		t.Run(rf.rel, func(t *testing.T) {
			path := testenv.File(t, rf.rel)
			g, err := LoadFile(context.Background(), path, nil)
			if err != nil {
				t.Fatalf("LoadFile(context.Background(), ) error: %v", err)
			}
			if diff := cmp.Diff(rf.want, g.Stats()); diff != "" {
				t.Errorf("Stats() mismatch (-want +got):\n%s", diff)
			}
			oracle := readNaive(t, path)
			for pair, want := range oracle.rel {
				if got := g.Relationship(pair[0], pair[1]); got != want {
					t.Fatalf("Relationship(%v, %v) = %v, want %v", pair[0], pair[1], got, want)
				}
			}
			// Cones of the clique and of every 500th AS, against the oracle.
			sample := []bgp.ASN{174, 209, 701, 1299, 3356, 6939}
			for i := 0; i < len(g.asns); i += 500 {
				sample = append(sample, g.asns[i])
			}
			for _, a := range sample {
				if got, want := g.CustomerConeSize(a), oracle.coneSize(a); got != want {
					t.Errorf("CustomerConeSize(%v) = %d, want %d", a, got, want)
				}
			}
		})
	}
}

func TestLoadFile_real20170101(t *testing.T) {
	g, err := LoadFile(context.Background(), testenv.File(t, "as-relationships/20170101.as-rel.txt"), nil)
	if err != nil {
		t.Fatal(err)
	}
	// Lines of the file: "174|3356|0", "6453|15169|-1", "1|11537|0".
	checks := []struct {
		a, b bgp.ASN
		want Relationship
	}{
		{174, 3356, Peer},
		{3356, 174, Peer},
		{6453, 15169, ProviderOf},
		{15169, 6453, CustomerOf},
		{1, 11537, Peer},
	}
	for _, c := range checks {
		if got := g.Relationship(c.a, c.b); got != c.want {
			t.Errorf("Relationship(%v, %v) = %v, want %v", c.a, c.b, got, c.want)
		}
	}
	if got := len(g.Customers(3356)); got != 4587 { // awk -F'|' '$1==3356 && $3==-1'
		t.Errorf("len(Customers(AS3356)) = %d, want 4587", got)
	}
	// 15169 up to its provider 6453, then across the clique peering
	// "3356|6453|0": valley-free.
	res := g.CheckPath([]bgp.ASN{3356, 6453, 15169})
	if !res.Valid || res.Hops != 2 {
		t.Errorf("CheckPath(3356 6453 15169) = %+v, want valid with 2 hops", res)
	}
}
