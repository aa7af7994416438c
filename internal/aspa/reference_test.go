package aspa_test

import (
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/observatory-net/observatory/internal/aspa"
	"github.com/observatory-net/observatory/internal/bgp"
)

// aspaMap is a Lookup over a map, for tests. Provider sets must be sorted;
// newMap sorts them.
type aspaMap map[bgp.ASN][]bgp.ASN

func (m aspaMap) Providers(c bgp.ASN) ([]bgp.ASN, bool) {
	p, ok := m[c]
	return p, ok
}

func newMap(m map[bgp.ASN][]bgp.ASN) aspaMap {
	out := aspaMap{}
	for c, ps := range m {
		ps = slices.Clone(ps)
		slices.Sort(ps)
		out[c] = slices.Compact(ps)
	}
	return out
}

// refHop is the hop check written from the definition in §5.2, by linear
// search: does customer's ASPA list provider? AS0 never counts as a
// provider (§4, RFC 7607).
func refHop(m aspaMap, customer, provider bgp.ASN) aspa.Authorization {
	ps, ok := m[customer]
	switch {
	case !ok:
		return aspa.NoAttestation
	case provider != 0 && slices.Contains(ps, provider):
		return aspa.ProviderPlus
	}
	return aspa.NotProviderPlus
}

// reference verifies a path by brute force from the formal definition of
// §5.1: a path (prepends collapsed, origin first) is valley-free when it
// splits into an up-ramp AS(1)..AS(K) of customer-to-provider hops and a
// down-ramp AS(L)..AS(N) of provider-to-customer hops whose apexes are at
// most one (lateral) hop apart, L in {K, K+1}. Upstream (§5.4) the
// verifier is the neighbour's provider or peer, so the whole path must be
// the up-ramp (K = L = N). It tries every split: Valid when some split has
// every hop Provider+, Invalid when every split has a Not Provider+ hop,
// Unknown otherwise. The empty path is Invalid (step 1).
func reference(m aspaMap, path []bgp.ASN, dir aspa.Direction) aspa.State {
	if len(path) == 0 {
		return aspa.Invalid
	}
	var u []bgp.ASN // origin first
	for i := len(path) - 1; i >= 0; i-- {
		if len(u) == 0 || u[len(u)-1] != path[i] {
			u = append(u, path[i])
		}
	}
	n := len(u)
	possible, proven := false, false
	for k := range n { // apex of the up-ramp, 0-based
		for l := k; l <= k+1 && l < n; l++ { // apex of the down-ramp
			if dir == aspa.Upstream && (k != n-1 || l != n-1) {
				continue
			}
			noNP, allP := true, true
			check := func(h aspa.Authorization) {
				noNP = noNP && h != aspa.NotProviderPlus
				allP = allP && h == aspa.ProviderPlus
			}
			for i := 0; i < k; i++ {
				check(refHop(m, u[i], u[i+1]))
			}
			for i := l; i < n-1; i++ {
				check(refHop(m, u[i+1], u[i]))
			}
			possible = possible || noNP
			proven = proven || (noNP && allP)
		}
	}
	switch {
	case proven:
		return aspa.Valid
	case !possible:
		return aspa.Invalid
	}
	return aspa.Unknown
}

// randomCase draws ASPAs and a path over a small ASN universe (AS0 to
// AS<universe-1>), so that attested and contradicted hops, prepends and
// loops are all common.
func randomCase(rng *rand.Rand, universe int) (aspaMap, []bgp.ASN) {
	raw := map[bgp.ASN][]bgp.ASN{}
	for c := 1; c < universe; c++ {
		if rng.IntN(3) == 0 {
			continue // no ASPA
		}
		var ps []bgp.ASN
		for range rng.IntN(4) + 1 {
			ps = append(ps, bgp.ASN(rng.IntN(universe)))
		}
		raw[bgp.ASN(c)] = ps
	}
	path := make([]bgp.ASN, rng.IntN(12))
	for i := range path {
		if i > 0 && rng.IntN(5) == 0 {
			path[i] = path[i-1] // prepend
			continue
		}
		path[i] = bgp.ASN(rng.IntN(universe-1) + 1)
	}
	return newMap(raw), path
}

// checkAgainstReference compares Verify with the reference and checks the
// evidence of an Invalid result against the ASPAs.
func checkAgainstReference(t *testing.T, m aspaMap, path []bgp.ASN, dir aspa.Direction) {
	t.Helper()
	got := aspa.Verify(m, path, dir, 0)
	if want := reference(m, path, dir); got.State != want {
		t.Fatalf("Verify(%v, %s) = %s, reference says %s; ASPAs %v; result %+v", path, dir, got.State, want, m, got)
	}
	if got.Reason != aspa.ReasonRamps {
		return
	}
	up, leak := got.Up, got.Leak
	if up.Attester != up.From || refHop(m, up.From, up.To) != aspa.NotProviderPlus {
		t.Fatalf("Verify(%v, %s): up hop %+v is not a Not Provider+ hop of its sender; ASPAs %v", path, dir, up, m)
	}
	switch {
	case got.ToVerifier && dir == aspa.Downstream:
		t.Fatalf("Verify(%v, downstream): no leak hop; ASPAs %v", path, m)
	case got.ToVerifier && (leak.From != path[0] || leak.To != 0 || leak.Attester != 0):
		t.Fatalf("Verify(%v, upstream): leak hop to the verifier %+v does not start at the neighbour", path, leak)
	case !got.ToVerifier && (leak.Attester != leak.To || refHop(m, leak.To, leak.From) != aspa.NotProviderPlus):
		t.Fatalf("Verify(%v, %s): leak hop %+v is not a Not Provider+ hop of its receiver; ASPAs %v", path, dir, leak, m)
	}
}

// TestVerify_matchesReference is the differential test: many seeded random
// ASPA sets and paths, both procedures, against the brute force.
func TestVerify_matchesReference(t *testing.T) {
	rng := rand.New(rand.NewPCG(20240504, 7))
	counts := map[aspa.Direction]map[aspa.State]int{aspa.Upstream: {}, aspa.Downstream: {}}
	for range 200_000 {
		m, path := randomCase(rng, 3+rng.IntN(8))
		for _, dir := range []aspa.Direction{aspa.Upstream, aspa.Downstream} {
			checkAgainstReference(t, m, path, dir)
			counts[dir][aspa.Verify(m, path, dir, 0).State]++
		}
	}
	// The generator must exercise every outcome of both procedures.
	for dir, c := range counts {
		for _, s := range []aspa.State{aspa.Valid, aspa.Invalid, aspa.Unknown} {
			if c[s] < 1000 {
				t.Errorf("%s: only %d %s cases: %v", dir, c[s], s, c)
			}
		}
	}
	t.Logf("outcomes: %v", counts)
}
