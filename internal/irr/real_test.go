package irr

import (
	"bufio"
	"bytes"
	"context"
	"net/netip"
	"os"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/observatory-net/observatory/internal/bgp"
	"github.com/observatory-net/observatory/internal/testenv"
)

// The real samples of the shared data directory (see its PROVENANCE.md).
const (
	realRoute  = "irr/ripe-db-route-sample-2016.txt"
	realRoute6 = "irr/ripe-db-route6-sample-2016.txt"
	realAutNum = "irr/autnum-AS3257.txt"
)

func readShared(t testing.TB, rel string) []byte {
	t.Helper()
	data, err := os.ReadFile(testenv.File(t, rel))
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// grepCount counts the lines of data that start with prefix, like
// grep -c '^prefix'. It is an oracle independent of the Reader.
func grepCount(data []byte, prefix string) int64 {
	var n int64
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		if strings.HasPrefix(sc.Text(), prefix) {
			n++
		}
	}
	return n
}

// readReal reads a shared file strictly: the real samples are clean.
func readReal(t testing.TB, rel string) ([]Object, Stats) {
	t.Helper()
	data := readShared(t, rel)
	objs, errs, st := readAll(t, string(data), Options{File: rel, Strict: true})
	if len(errs) > 0 {
		t.Fatalf("reading %s: %v", rel, errs)
	}
	return objs, st
}

func TestReader_realCounts(t *testing.T) {
	for _, rel := range []string{realRoute, realRoute6, realAutNum} {
		t.Run(rel, func(t *testing.T) {
			data := readShared(t, rel)
			_, got := readReal(t, rel)
			want := Stats{
				Objects: grepCount(data, "route:") + grepCount(data, "route6:") + grepCount(data, "aut-num:"),
				Routes:  grepCount(data, "route:"),
				Routes6: grepCount(data, "route6:"),
				AutNums: grepCount(data, "aut-num:"),
			}
			if diff := cmp.Diff(want, got, cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("Stats() mismatch (-want +got):\n%s", diff)
			}
			t.Logf("%s: %+v", rel, got)
		})
	}
}

// findRoute returns the route object with the given key.
func findRoute(objs []Object, key string) *Route {
	for _, o := range objs {
		if r, ok := o.(*Route); ok && r.Key() == key {
			return r
		}
	}
	return nil
}

func TestReader_realObjects(t *testing.T) {
	tests := []struct {
		file string
		key  string
		line string // first line of the object, to find its offset
		want Route
	}{
		{realRoute, "193.254.30.0/24AS12726", "route:          193.254.30.0/24\n", Route{
			Header: Header{Source: "RIPE", Record: 1},
			Prefix: netip.MustParsePrefix("193.254.30.0/24"), Origin: 12726, MntBy: []string{"AS12312-MNT"},
		}},
		{realRoute, "194.113.52.0/23AS702", "route:          194.113.52.0/23\n", Route{
			// The object with a continued member-of attribute.
			Header: Header{Source: "RIPE"},
			Prefix: netip.MustParsePrefix("194.113.52.0/23"), Origin: 702, MntBy: []string{"WCOM-EMEA-RICE-MNT"},
		}},
		{realRoute6, "2001:1578:200::/40AS12817", "route6:         2001:1578:200::/40\n", Route{
			Header: Header{Source: "RIPE", Record: 1},
			Prefix: netip.MustParsePrefix("2001:1578:200::/40"), Origin: 12817, MntBy: []string{"GEFOEKOM-MNT"},
		}},
		{realRoute6, "2002::/16AS559", "route6:         2002::/16\ndescr:          RFC3068-SWITCH\n", Route{
			Header: Header{Source: "RIPE"},
			Prefix: netip.MustParsePrefix("2002::/16"), Origin: 559, MntBy: []string{"AS559-MNT"},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.key, func(t *testing.T) {
			data := readShared(t, tt.file)
			objs, _ := readReal(t, tt.file)
			got := findRoute(objs, tt.key)
			if got == nil {
				t.Fatalf("no route object %s in %s", tt.key, tt.file)
			}
			tt.want.Offset = int64(bytes.Index(data, []byte(tt.line)))
			// The record number is the count of object-starting lines up
			// to the object.
			if tt.want.Record == 0 {
				tt.want.Record = grepCount(data[:tt.want.Offset+int64(len(tt.line))], "route")
			}
			if diff := cmp.Diff(&tt.want, got, cmpPrefix); diff != "" {
				t.Errorf("route object mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestReader_realAutNum(t *testing.T) {
	data := readShared(t, realAutNum)
	objs, _ := readReal(t, realAutNum)
	if len(objs) != 1 {
		t.Fatalf("got %d objects, want 1", len(objs))
	}
	a, ok := objs[0].(*AutNum)
	if !ok {
		t.Fatalf("object is a %T, want *AutNum", objs[0])
	}
	counts := map[string][2]int64{
		"import":    {grepCount(data, "import:"), int64(len(a.Import))},
		"export":    {grepCount(data, "export:"), int64(len(a.Export))},
		"mp-import": {grepCount(data, "mp-import:"), int64(len(a.MPImport))},
		"mp-export": {grepCount(data, "mp-export:"), int64(len(a.MPExport))},
	}
	for attr, c := range counts {
		if c[0] != c[1] || c[0] == 0 {
			t.Errorf("%s: got %d attributes, grep counts %d", attr, c[1], c[0])
		}
	}
	got := AutNum{
		Header: a.Header, ASN: a.ASN, ASName: a.ASName, MntBy: a.MntBy, AdminC: a.AdminC, TechC: a.TechC,
		Import:   []string{a.Import[0], a.Import[len(a.Import)-1]},
		MPExport: []string{a.MPExport[0], a.MPExport[len(a.MPExport)-1]},
	}
	want := AutNum{
		Header: Header{Source: "RIPE", Record: 1, Offset: 0},
		ASN:    3257, ASName: "GTT-BACKBONE",
		MntBy:  []string{"RIPE-NCC-END-MNT", "AS3257-ROUTE-MNT"},
		AdminC: []string{"SE33-RIPE"}, TechC: []string{"NET3257-RIPE"},
		Import:   []string{"from AS12 accept AS12", lastLine(data, "import:")},
		MPExport: []string{firstLine(data, "mp-export:"), "afi ipv6.unicast to AS400802 announce ANY"},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("aut-num mismatch (-want +got):\n%s", diff)
	}
}

// firstLine and lastLine return the value of the first or last line that
// starts with an attribute name, trimmed.
func firstLine(data []byte, name string) string {
	for line := range strings.Lines(string(data)) {
		if v, ok := strings.CutPrefix(line, name); ok {
			return strings.TrimSpace(v)
		}
	}
	return ""
}

func lastLine(data []byte, name string) string {
	var last string
	for line := range strings.Lines(string(data)) {
		if v, ok := strings.CutPrefix(line, name); ok {
			last = strings.TrimSpace(v)
		}
	}
	return last
}

func loadReal(t testing.TB, files ...string) *Index {
	t.Helper()
	var b Builder
	for _, rel := range files {
		f, err := os.Open(testenv.File(t, rel))
		if err != nil {
			t.Fatal(err)
		}
		st, err := b.Load(context.Background(), f, Options{File: rel})
		f.Close()
		if err != nil || st.Bad != 0 {
			t.Fatalf("Load(%s) = %+v, %v", rel, st, err)
		}
	}
	return b.Build()
}

func TestIndex_realLookup(t *testing.T) {
	x := loadReal(t, realRoute, realRoute6, realAutNum)
	pfx := netip.MustParsePrefix
	tests := []struct {
		name   string
		prefix string
		origin bgp.ASN
		want   MatchKind
		object string // prefix of the matching object
	}{
		{"exact", "193.254.30.0/24", 12726, Exact, "193.254.30.0/24"},
		{"covered", "193.254.30.128/25", 12726, Covered, "193.254.30.0/24"},
		{"wrong origin", "193.254.30.0/24", 12727, None, ""},
		{"unregistered", "198.51.100.0/24", 12726, None, ""},
		{"exact, also covered by a /27 of the same origin", "194.105.57.160/28", 1267, Exact, "194.105.57.160/28"},
		{"covered by the most specific of two", "194.105.57.168/29", 1267, Covered, "194.105.57.160/28"},
		{"IPv6 exact", "2001:648:2e00::/48", 5408, Exact, "2001:648:2e00::/48"},
		{"IPv6 covered by /48", "2001:648:2e00:1::/64", 5408, Covered, "2001:648:2e00::/48"},
		{"IPv6 covered by /32 over a /48 of another origin", "2001:648:2000::/48", 5408, Covered, "2001:648::/32"},
		{"IPv6 exact other origin", "2001:648:2000::/48", 3323, Exact, "2001:648:2000::/48"},
		{"IPv6 MOAS prefix, one of the origins", "2002::/16", 12779, Exact, "2002::/16"},
		{"IPv6 origin of the covering /32", "2001:1578:200::/40", 12657, Covered, "2001:1578::/32"},
		{"IPv6 wrong origin, nothing covering", "2001:1578:100::/40", 12817, None, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := pfx(tt.prefix)
			var want []Match
			if tt.want != None {
				want = []Match{{Source: "RIPE", Kind: tt.want, Object: pfx(tt.object)}}
			}
			if diff := cmp.Diff(want, x.Lookup(p, tt.origin), cmpPrefix); diff != "" {
				t.Errorf("Lookup(%s, %s) mismatch (-want +got):\n%s", p, tt.origin, diff)
			}
			if got := x.Best(p, tt.origin); got != tt.want {
				t.Errorf("Best(%s, %s) = %s, want %s", p, tt.origin, got, tt.want)
			}
		})
	}
	t.Run("MOAS origins", func(t *testing.T) {
		want := []Origin{{559, "RIPE"}, {12779, "RIPE"}, {29259, "RIPE"}}
		if diff := cmp.Diff(want, x.Origins(pfx("2002::/16"))); diff != "" {
			t.Errorf("Origins(2002::/16) mismatch (-want +got):\n%s", diff)
		}
	})
	t.Run("aut-num", func(t *testing.T) {
		if got := x.AutNums(3257); len(got) != 1 || got[0].ASName != "GTT-BACKBONE" {
			t.Errorf("AutNums(AS3257) = %v, want GTT-BACKBONE", got)
		}
	})
	if got, want := x.Routes(), 124; got != want {
		t.Errorf("Routes() = %d, want %d", got, want)
	}
}
