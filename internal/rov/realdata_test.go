package rov_test

import (
	"bufio"
	"context"
	"math/rand/v2"
	"net/netip"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/observatory-net/observatory/internal/bgp"
	"github.com/observatory-net/observatory/internal/decompress"
	"github.com/observatory-net/observatory/internal/rov"
	"github.com/observatory-net/observatory/internal/rpki"
	"github.com/observatory-net/observatory/internal/testenv"
)

// route is a prefix/origin pair to validate.
type route struct {
	prefix netip.Prefix
	origin bgp.ASN
}

const prepdevFile = "rpki/rpki-client-prepdev-20230504.json.gz"

var prepdev struct {
	once sync.Once
	snap *rpki.Snapshot
	vrps []rpki.VRP
	err  error
}

// loadPrepdev loads the 424k-VRP rpki-client file once per test binary.
func loadPrepdev(tb testing.TB) (*rpki.Snapshot, []rpki.VRP) {
	tb.Helper()
	path := testenv.File(tb, prepdevFile)
	prepdev.once.Do(func() {
		d, err := rpki.Load(context.Background(), path)
		if err != nil {
			prepdev.err = err
			return
		}
		prepdev.vrps = d.VRPs
		prepdev.snap, prepdev.err = d.Snapshot()
	})
	if prepdev.err != nil {
		tb.Fatal(prepdev.err)
	}
	return prepdev.snap, prepdev.vrps
}

// loadIPASN reads a pyasn IPASN file (";" comments, "prefix<TAB>asn").
func loadIPASN(tb testing.TB, rel string) []route {
	tb.Helper()
	r, err := decompress.Open(testenv.File(tb, rel))
	if err != nil {
		tb.Fatal(err)
	}
	defer r.Close()
	var out []route
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		line := sc.Text()
		if line == "" || line[0] == ';' {
			continue
		}
		pfx, asn, ok := strings.Cut(line, "\t")
		p, err1 := netip.ParsePrefix(pfx)
		a, err2 := bgp.ParseASN(asn)
		if !ok || err1 != nil || err2 != nil {
			tb.Fatalf("%s: bad line %q", rel, line)
		}
		out = append(out, route{p.Masked(), a})
	}
	if err := sc.Err(); err != nil {
		tb.Fatal(err)
	}
	return out
}

// distinct sorts and deduplicates routes.
func distinct(rs []route) []route {
	slices.SortFunc(rs, func(a, b route) int {
		if c := a.prefix.Addr().Compare(b.prefix.Addr()); c != 0 {
			return c
		}
		if c := a.prefix.Bits() - b.prefix.Bits(); c != 0 {
			return c
		}
		return int(int64(a.origin) - int64(b.origin))
	})
	return slices.Compact(rs)
}

// coveredRoutes derives routes from the VRPs themselves, so that most of
// them are covered and every branch of validation is taken often: the
// exact prefix with its own and with another origin, more-specifics at
// and just past maxLength, random more-specifics, the parent prefix, and
// AS0 as origin.
func coveredRoutes(vrps []rpki.VRP, n int) []route {
	rng := rand.New(rand.NewPCG(6811, 7607))
	out := make([]route, 0, n)
	for len(out) < n {
		v := vrps[rng.IntN(len(vrps))]
		other := vrps[rng.IntN(len(vrps))].ASN
		bits, maxBits := v.Prefix.Bits(), v.Prefix.Addr().BitLen()
		add := func(l int, origin bgp.ASN) {
			if l < 0 || l > maxBits {
				return
			}
			out = append(out, route{randomSubnet(rng, v.Prefix, l), origin})
		}
		add(bits, v.ASN)
		add(bits, other)
		add(int(v.MaxLen), v.ASN)
		add(int(v.MaxLen)+1, v.ASN)
		add(bits+rng.IntN(maxBits-bits+1), v.ASN)
		add(bits+rng.IntN(maxBits-bits+1), other)
		add(bits-1, v.ASN)
		add(bits, 0)
	}
	return out[:n]
}

// randomSubnet returns a random prefix of length l inside p, or the
// covering prefix of length l when l is shorter than p.
func randomSubnet(rng *rand.Rand, p netip.Prefix, l int) netip.Prefix {
	a := p.Addr().As16()
	if p.Addr().Is4() {
		a4 := p.Addr().As4()
		for i := p.Bits(); i < l; i++ {
			if rng.IntN(2) == 1 {
				a4[i/8] |= 0x80 >> (i % 8)
			}
		}
		q, _ := netip.AddrFrom4(a4).Prefix(l)
		return q
	}
	for i := p.Bits(); i < l; i++ {
		if rng.IntN(2) == 1 {
			a[i/8] |= 0x80 >> (i % 8)
		}
	}
	q, _ := netip.AddrFrom16(a).Prefix(l)
	return q
}

// bucketed hands naiveValidate only the VRPs that can possibly contain an
// address. Each VRP goes into the bucket of its prefix cut to the longest
// level not longer than itself (IPv4: /16, /8, /0; IPv6: /32, /16, /0);
// the candidates for an address are the three buckets of its own cuts.
// The scan itself stays naive; the buckets only make 10⁵ routes × 4·10⁵
// VRPs affordable.
type bucketed struct {
	buckets map[netip.Prefix][]rpki.VRP
	buf     []rpki.VRP
}

func levels(a netip.Addr) [3]int {
	if a.Is4() {
		return [3]int{16, 8, 0}
	}
	return [3]int{32, 16, 0}
}

func newBucketed(vrps []rpki.VRP) *bucketed {
	b := &bucketed{buckets: map[netip.Prefix][]rpki.VRP{}}
	for _, v := range vrps {
		for _, l := range levels(v.Prefix.Addr()) {
			if v.Prefix.Bits() >= l {
				k, _ := v.Prefix.Addr().Prefix(l)
				b.buckets[k] = append(b.buckets[k], v)
				break
			}
		}
	}
	return b
}

func (b *bucketed) validate(p netip.Prefix, origin bgp.ASN) rov.State {
	b.buf = b.buf[:0]
	for _, l := range levels(p.Addr()) {
		k, _ := p.Addr().Prefix(l)
		b.buf = append(b.buf, b.buckets[k]...)
	}
	return naiveValidate(b.buf, p, origin)
}

// crossCheck validates every route with Validate and the reference and
// reports disagreements and the distribution of states.
func crossCheck(t *testing.T, s *rpki.Snapshot, ref *bucketed, routes []route) {
	t.Helper()
	counts := map[rov.State]int{}
	mismatches := 0
	for _, r := range routes {
		got, want := rov.Validate(s, r.prefix, r.origin), ref.validate(r.prefix, r.origin)
		counts[got]++
		if got != want {
			mismatches++
			if mismatches <= 10 {
				t.Errorf("Validate(%s, %s) = %s, reference says %s", r.prefix, r.origin, got, want)
			}
		}
	}
	if mismatches > 0 {
		t.Errorf("%d of %d routes disagree with the reference", mismatches, len(routes))
	}
	t.Logf("%d routes: valid %d, invalid-asn %d, invalid-length %d, not-found %d",
		len(routes), counts[rov.Valid], counts[rov.InvalidASN], counts[rov.InvalidLength], counts[rov.NotFound])
}

func TestValidate_crossCheckRouteViews(t *testing.T) {
	s, vrps := loadPrepdev(t)
	ref := newBucketed(vrps)
	routes := distinct(append(loadIPASN(t, "prefix2as/ipasn_20140513.dat.gz"), loadIPASN(t, "prefix2as/ipasn6_20151101.dat.gz")...))
	if len(routes) < 100_000 {
		t.Fatalf("only %d distinct routes, want at least 100000", len(routes))
	}
	crossCheck(t, s, ref, routes)
}

func TestValidate_crossCheckCovered(t *testing.T) {
	s, vrps := loadPrepdev(t)
	ref := newBucketed(vrps)
	n := 400_000
	if testing.Short() {
		n = 50_000
	}
	crossCheck(t, s, ref, distinct(coveredRoutes(vrps, n)))
}

// TestValidate_crossCheckSynthetic compares with the reference on routes
// derived from the synthetic VRPs, where the scan needs no buckets.
func TestValidate_crossCheckSynthetic(t *testing.T) {
	s := mustSnapshot(t, syntheticVRPs)
	routes := coveredRoutes(syntheticVRPs, 20_000)
	for _, r := range routes {
		if got, want := rov.Validate(s, r.prefix, r.origin), naiveValidate(syntheticVRPs, r.prefix, r.origin); got != want {
			t.Errorf("Validate(%s, %s) = %s, reference says %s", r.prefix, r.origin, got, want)
		}
	}
}

// TestValidate_linearSample checks a sample of real routes against the
// unbucketed linear scan of all 424k VRPs, so that the buckets of the
// large cross-checks are themselves checked.
func TestValidate_linearSample(t *testing.T) {
	s, vrps := loadPrepdev(t)
	routes := coveredRoutes(vrps, 300)
	rv := loadIPASN(t, "prefix2as/ipasn_20140513.dat.gz")
	for i := 0; i < len(rv); i += len(rv) / 300 {
		routes = append(routes, rv[i])
	}
	ref := newBucketed(vrps)
	for _, r := range routes {
		want := naiveValidate(vrps, r.prefix, r.origin)
		if got := rov.Validate(s, r.prefix, r.origin); got != want {
			t.Errorf("Validate(%s, %s) = %s, linear reference says %s", r.prefix, r.origin, got, want)
		}
		if got := ref.validate(r.prefix, r.origin); got != want {
			t.Errorf("bucketed reference(%s, %s) = %s, linear reference says %s", r.prefix, r.origin, got, want)
		}
	}
}

// BenchmarkValidate measures Validate on real routes (mostly not covered
// by the prepdev VRPs) and on the covered-biased set, each in random order
// (every lookup a cache miss away from the previous one) and in prefix
// order, as routes come out of an MRT RIB dump.
func BenchmarkValidate(b *testing.B) {
	s, vrps := loadPrepdev(b)
	sets := []struct {
		name   string
		routes []route
	}{
		{"routeviews", distinct(append(loadIPASN(b, "prefix2as/ipasn_20140513.dat.gz"), loadIPASN(b, "prefix2as/ipasn6_20151101.dat.gz")...))},
		{"covered", distinct(coveredRoutes(vrps, 400_000))},
	}
	for _, set := range sets {
		b.Run(set.name+"-sorted", func(b *testing.B) { benchmarkValidate(b, s, set.routes) })
		shuffled := slices.Clone(set.routes)
		rng := rand.New(rand.NewPCG(1, 2))
		rng.Shuffle(len(shuffled), func(i, j int) { shuffled[i], shuffled[j] = shuffled[j], shuffled[i] })
		b.Run(set.name+"-random", func(b *testing.B) { benchmarkValidate(b, s, shuffled) })
	}
}

func benchmarkValidate(b *testing.B, s *rpki.Snapshot, routes []route) {
	b.ReportAllocs()
	var sink rov.State
	i := 0
	cpu0 := cpuTime()
	for b.Loop() {
		r := &routes[i]
		sink |= rov.Validate(s, r.prefix, r.origin)
		if i++; i == len(routes) {
			i = 0
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "validations/s")
	// CPU time per validation: on a shared machine wall time also counts
	// the time other processes held the core.
	b.ReportMetric(float64(cpuTime()-cpu0)/float64(b.N), "cpu-ns/op")
	_ = sink
}
