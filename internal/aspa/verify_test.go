package aspa_test

import (
	"fmt"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/observatory-net/observatory/internal/aspa"
	"github.com/observatory-net/observatory/internal/bgp"
	"github.com/observatory-net/observatory/internal/rpki"
)

// The worked examples of the draft. Revision -24 refers to them as
// published separately ("ASPA-based AS Path Verification Examples",
// Sriram, Borchert and Matejka, github.com/ksriram25/IETF,
// ASPA_path_verification_examples.pdf); NIST-BRIO ships the same topology
// and tables as its ASPA demo (brio-examples/demo-aspa-*). The tables below
// are transcribed from those, with each letter given the ASN NIST-BRIO
// uses. Paths are written as the tables write them, neighbour first, which
// is also this package's order.
const (
	asA, asB, asC, asD, asE, asF, asG      bgp.ASN = 65000, 65010, 65020, 65030, 65040, 65050, 65060
	asH, asJ, asK, asL, asP, asQ, asR, asS bgp.ASN = 64601, 64602, 64603, 64604, 64605, 64606, 64607, 64608
)

// topology1 is the ASPA set of the examples' first topology: E and F have
// no ASPA, G has an AS0 ASPA (no providers).
func topology1() aspaMap {
	return newMap(map[bgp.ASN][]bgp.ASN{asA: {asC, asD}, asB: {asE}, asC: {asF}, asD: {asF, asG}, asG: {0}})
}

// topology2 is the ASPA set of the examples' complex-relationship
// topology; J has no ASPA.
func topology2() aspaMap {
	return newMap(map[bgp.ASN][]bgp.ASN{asH: {0}, asK: {0}, asL: {asK}, asP: {0}, asQ: {0}, asR: {asQ}, asS: {asR}})
}

// ramps is the part of a Result the examples tables state.
type ramps struct {
	State                             aspa.State
	N, MaxUp, MinUp, MaxDown, MinDown int
}

func rampsOf(r aspa.Result) ramps {
	return ramps{State: r.State, N: r.N, MaxUp: r.MaxUp, MinUp: r.MinUp, MaxDown: r.MaxDown, MinDown: r.MinDown}
}

func TestVerify_draftExamples(t *testing.T) {
	tests := []struct {
		name string
		aspa aspaMap
		path []bgp.ASN
		dir  aspa.Direction
		want ramps
	}{
		// Table 1: upstream verification (route from a customer or peer).
		{"upstream 1", topology1(), []bgp.ASN{asF, asC, asA}, aspa.Upstream, ramps{aspa.Valid, 3, 3, 3, 0, 0}},
		{"upstream 2", topology1(), []bgp.ASN{asD, asC, asA}, aspa.Upstream, ramps{aspa.Invalid, 3, 2, 2, 0, 0}},
		{"upstream 3", topology1(), []bgp.ASN{asD, asF, asC, asA}, aspa.Upstream, ramps{aspa.Unknown, 4, 4, 3, 0, 0}},
		{"upstream 4", topology1(), []bgp.ASN{asD, asE, asB}, aspa.Upstream, ramps{aspa.Unknown, 3, 3, 2, 0, 0}},
		{"upstream 5", topology1(), []bgp.ASN{asA, asD, asE, asB}, aspa.Upstream, ramps{aspa.Invalid, 4, 3, 2, 0, 0}},
		{"upstream 6", topology1(), []bgp.ASN{asA, asD, asG, asE, asB}, aspa.Upstream, ramps{aspa.Invalid, 5, 3, 2, 0, 0}},
		{"upstream 7", topology1(), []bgp.ASN{asA, asC, asF}, aspa.Upstream, ramps{aspa.Invalid, 3, 2, 1, 0, 0}},
		{"upstream 8", topology1(), []bgp.ASN{asA, asC, asF, asG}, aspa.Upstream, ramps{aspa.Invalid, 4, 1, 1, 0, 0}},
		{"upstream 9", topology1(), []bgp.ASN{asE, asB}, aspa.Upstream, ramps{aspa.Valid, 2, 2, 2, 0, 0}},
		// Table 2: downstream verification (route from a provider).
		{"downstream 1", topology1(), []bgp.ASN{asE, asG, asF, asC, asA}, aspa.Downstream, ramps{aspa.Unknown, 5, 4, 3, 2, 1}},
		{"downstream 2", topology1(), []bgp.ASN{asE, asG, asD, asA}, aspa.Downstream, ramps{aspa.Valid, 4, 3, 3, 2, 1}},
		{"downstream 3", topology1(), []bgp.ASN{asE, asD, asC, asA}, aspa.Downstream, ramps{aspa.Unknown, 4, 2, 2, 2, 1}},
		{"downstream 4", topology1(), []bgp.ASN{asE, asG, asD, asC, asA}, aspa.Downstream, ramps{aspa.Invalid, 5, 2, 2, 2, 1}},
		{"downstream 5", topology1(), []bgp.ASN{asC, asF, asD, asG}, aspa.Downstream, ramps{aspa.Unknown, 4, 1, 1, 4, 2}},
		{"downstream 6", topology1(), []bgp.ASN{asD, asG, asE, asB}, aspa.Downstream, ramps{aspa.Valid, 4, 3, 2, 2, 2}},
		{"downstream 7", topology1(), []bgp.ASN{asC, asD, asG, asE, asB}, aspa.Downstream, ramps{aspa.Invalid, 5, 3, 2, 1, 1}},
		{"downstream 8", topology1(), []bgp.ASN{asF, asC, asA}, aspa.Downstream, ramps{aspa.Valid, 3, 3, 3, 2, 1}},
		// Cases 9 and 10 are Valid although a provider forged the path
		// towards its customer: the examples mark them as ASPA's blind spot.
		{"downstream 9", topology1(), []bgp.ASN{asE, asA}, aspa.Downstream, ramps{aspa.Valid, 2, 1, 1, 2, 1}},
		{"downstream 10", topology1(), []bgp.ASN{asE, asC, asA}, aspa.Downstream, ramps{aspa.Valid, 3, 2, 2, 2, 1}},
		// Table 3: complex relationships. Its case 2 repeats the path of
		// case 1 at another receiver, with the same outcome.
		{"complex 1", topology2(), []bgp.ASN{asJ, asH}, aspa.Upstream, ramps{aspa.Invalid, 2, 1, 1, 0, 0}},
		{"complex 3", topology2(), []bgp.ASN{asK, asJ, asH}, aspa.Downstream, ramps{aspa.Invalid, 3, 1, 1, 1, 1}},
		{"complex 4", topology2(), []bgp.ASN{asQ, asP}, aspa.Upstream, ramps{aspa.Invalid, 2, 1, 1, 0, 0}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := aspa.Verify(tt.aspa, tt.path, tt.dir, tt.path[0])
			if diff := cmp.Diff(tt.want, rampsOf(got)); diff != "" {
				t.Errorf("Verify(%v, %s) mismatch (-want +got):\n%s", tt.path, tt.dir, diff)
			}
			if want := reference(tt.aspa, tt.path, tt.dir); got.State != want {
				t.Errorf("Verify(%v, %s) = %s, brute-force reference says %s", tt.path, tt.dir, got.State, want)
			}
		})
	}
}

// TestVerify_evidence checks the hops named for Invalid paths.
func TestVerify_evidence(t *testing.T) {
	// A classic leak (RFC 7908 type 1): origin O's provider P1 sends the
	// route down to its multi-homed customer X, which sends it up to its
	// other provider P2; the verifier is P2's customer.
	const o, p1, x, p2 bgp.ASN = 64496, 64497, 64498, 64499
	leaky := newMap(map[bgp.ASN][]bgp.ASN{o: {p1}, x: {p1, p2}, p1: {64500}, p2: {64500}})
	tests := []struct {
		name string
		aspa aspaMap
		path []bgp.ASN
		dir  aspa.Direction
		want aspa.Result
	}{
		{
			name: "classic leak, downstream: both ASPAs pin X",
			aspa: leaky, path: []bgp.ASN{p2, x, p1, o}, dir: aspa.Downstream,
			want: aspa.Result{State: aspa.Invalid, Reason: aspa.ReasonRamps, N: 4, MaxUp: 2, MinUp: 2, MaxDown: 1, MinDown: 1,
				Up: aspa.Hop{From: p1, To: x, Attester: p1}, Leak: aspa.Hop{From: x, To: p2, Attester: p2}},
		},
		{
			name: "classic leak, upstream",
			aspa: leaky, path: []bgp.ASN{p2, x, p1, o}, dir: aspa.Upstream,
			want: aspa.Result{State: aspa.Invalid, Reason: aspa.ReasonRamps, N: 4, MaxUp: 2, MinUp: 2,
				Up: aspa.Hop{From: p1, To: x, Attester: p1}, Leak: aspa.Hop{From: x, To: p2, Attester: p2}},
		},
		{
			name: "upstream with no later ASPA: the neighbour's hop to the verifier",
			aspa: newMap(map[bgp.ASN][]bgp.ASN{o: {p1}, p1: {64500}}), path: []bgp.ASN{x, p1, o}, dir: aspa.Upstream,
			want: aspa.Result{State: aspa.Invalid, Reason: aspa.ReasonRamps, N: 3, MaxUp: 2, MinUp: 2,
				Up: aspa.Hop{From: p1, To: x, Attester: p1}, Leak: aspa.Hop{From: x}, ToVerifier: true},
		},
		{
			// Downstream 7 of the examples: C D G E B. G (AS0 ASPA) sent
			// the route down to D; D's provider set lacks C, so D sent it
			// up or across to C.
			name: "examples downstream 7",
			aspa: topology1(), path: []bgp.ASN{asC, asD, asG, asE, asB}, dir: aspa.Downstream,
			want: aspa.Result{State: aspa.Invalid, Reason: aspa.ReasonRamps, N: 5, MaxUp: 3, MinUp: 2, MaxDown: 1, MinDown: 1,
				Up: aspa.Hop{From: asG, To: asD, Attester: asG}, Leak: aspa.Hop{From: asD, To: asC, Attester: asC}},
		},
		{
			// Between the proven down step (P1 to Y) and the proven up step
			// (Z to P2) lies a hop no ASPA covers: the leak is somewhere in
			// Y..Z and Z is the nearest AS proven to have sent it up.
			name: "leak between the proofs",
			aspa: newMap(map[bgp.ASN][]bgp.ASN{o: {p1}, p1: {64500}, p2: {64500}}), path: []bgp.ASN{p2, 64510, 64511, p1, o}, dir: aspa.Downstream,
			want: aspa.Result{State: aspa.Invalid, Reason: aspa.ReasonRamps, N: 5, MaxUp: 2, MinUp: 2, MaxDown: 1, MinDown: 1,
				Up: aspa.Hop{From: p1, To: 64511, Attester: p1}, Leak: aspa.Hop{From: 64510, To: p2, Attester: p2}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := aspa.Verify(tt.aspa, tt.path, tt.dir, 0)
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("Verify(%v, %s) mismatch (-want +got):\n%s", tt.path, tt.dir, diff)
			}
			if got.Leaker() != tt.want.Leak.From {
				t.Errorf("Leaker() = %s, want %s", got.Leaker(), tt.want.Leak.From)
			}
		})
	}
}

func TestVerify_edgeCases(t *testing.T) {
	m := topology1()
	both := []aspa.Direction{aspa.Upstream, aspa.Downstream}
	tests := []struct {
		name      string
		aspa      aspa.Lookup
		path      []bgp.ASN
		neighbour bgp.ASN
		want      [2]aspa.State // upstream, downstream
		reason    aspa.Reason   // of both, when Invalid
	}{
		{"empty path (step 1)", m, nil, 0, [2]aspa.State{aspa.Invalid, aspa.Invalid}, aspa.ReasonEmpty},
		{"empty path with a neighbour", m, []bgp.ASN{}, asA, [2]aspa.State{aspa.Invalid, aspa.Invalid}, aspa.ReasonEmpty},
		{"length 1: the neighbour originated it", m, []bgp.ASN{asA}, asA, [2]aspa.State{aspa.Valid, aspa.Valid}, 0},
		{"length 1 without any ASPA", aspaMap{}, []bgp.ASN{asE}, 0, [2]aspa.State{aspa.Valid, aspa.Valid}, 0},
		{"length 1 after collapsing prepends", m, []bgp.ASN{asG, asG, asG}, 0, [2]aspa.State{aspa.Valid, aspa.Valid}, 0},
		{"neighbour mismatch (step 2)", m, []bgp.ASN{asF, asC, asA}, asE, [2]aspa.State{aspa.Invalid, aspa.Invalid}, aspa.ReasonNeighbour},
		{"neighbour 0 skips step 2", m, []bgp.ASN{asF, asC, asA}, 0, [2]aspa.State{aspa.Valid, aspa.Valid}, 0},
		{"prepends collapse (§5.1)", m, []bgp.ASN{asF, asF, asC, asC, asC, asA, asA}, asF, [2]aspa.State{aspa.Valid, aspa.Valid}, 0},
		// A went up to C, C came down to A: valley-free, not a prepend.
		{"a loop is not collapsed", m, []bgp.ASN{asA, asC, asA}, 0, [2]aspa.State{aspa.Invalid, aspa.Valid}, aspa.ReasonRamps},
		{"no ASPA at all", aspaMap{}, []bgp.ASN{asF, asC, asA}, 0, [2]aspa.State{aspa.Unknown, aspa.Unknown}, 0},
		{"nil Lookup", nil, []bgp.ASN{asF, asC, asA}, 0, [2]aspa.State{aspa.Unknown, aspa.Unknown}, 0},
		{"nil snapshot", (*rpki.Snapshot)(nil), []bgp.ASN{asF, asC, asA}, 0, [2]aspa.State{aspa.Unknown, aspa.Unknown}, 0},
		// Downstream, a lateral hop from G to the neighbour needs no
		// attestation: the down-ramp is the neighbour alone.
		{"AS0 in the path is no provider", m, []bgp.ASN{0, asG}, 0, [2]aspa.State{aspa.Invalid, aspa.Valid}, aspa.ReasonRamps},
		{"AS0 ASPA: G has no provider", m, []bgp.ASN{asF, asG}, 0, [2]aspa.State{aspa.Invalid, aspa.Valid}, aspa.ReasonRamps},
		{"AS0 ASPA: after G, F must have sent it down", m, []bgp.ASN{asE, asF, asG}, 0, [2]aspa.State{aspa.Invalid, aspa.Unknown}, aspa.ReasonRamps},
		{"a provider's own route, downstream", m, []bgp.ASN{asC}, asC, [2]aspa.State{aspa.Valid, aspa.Valid}, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for i, dir := range both {
				got := aspa.Verify(tt.aspa, tt.path, dir, tt.neighbour)
				if got.State != tt.want[i] {
					t.Errorf("Verify(%v, %s, neighbour %d) = %s, want %s (%+v)", tt.path, dir, tt.neighbour, got.State, tt.want[i], got)
				}
				if got.State == aspa.Invalid && got.Reason != tt.reason {
					t.Errorf("Verify(%v, %s): reason %q, want %q", tt.path, dir, got.Reason, tt.reason)
				}
				if got.State != aspa.Invalid && got.Reason != aspa.ReasonNone {
					t.Errorf("Verify(%v, %s): %s with reason %q", tt.path, dir, got.State, got.Reason)
				}
			}
		})
	}
}

// TestVerify_longPath crosses the 64-hop inline buffer.
func TestVerify_longPath(t *testing.T) {
	raw := map[bgp.ASN][]bgp.ASN{}
	var path []bgp.ASN // neighbour first: 64700, 64699, ..., 64501
	for a := bgp.ASN(64700); a > 64500; a-- {
		path = append(path, a, a) // prepended once each
		raw[a] = []bgp.ASN{a + 1}
	}
	m := newMap(raw)
	for _, dir := range []aspa.Direction{aspa.Upstream, aspa.Downstream} {
		if got := aspa.Verify(m, path, dir, 0); got.State != aspa.Valid || got.N != 200 {
			t.Errorf("%s: %+v, want Valid over 200 hops", dir, got)
		}
	}
	m[64600] = []bgp.ASN{1}
	for _, dir := range []aspa.Direction{aspa.Upstream, aspa.Downstream} {
		checkAgainstReference(t, m, path, dir)
	}
}

func TestVerifyPath_segments(t *testing.T) {
	m := topology1()
	seq := func(asns ...bgp.ASN) bgp.Path {
		return bgp.Path{Segs: []bgp.Segment{{Type: bgp.SegSequence, End: int32(len(asns))}}, ASNs: asns}
	}
	withSeg := func(p bgp.Path, typ bgp.SegmentType, asns ...bgp.ASN) bgp.Path {
		start := int32(len(p.ASNs))
		p.ASNs = append(slices.Clone(p.ASNs), asns...)
		p.Segs = append(slices.Clone(p.Segs), bgp.Segment{Type: typ, Start: start, End: int32(len(p.ASNs))})
		return p
	}
	valid := seq(asF, asC, asA)
	tests := []struct {
		name   string
		path   bgp.Path
		want   aspa.State
		reason aspa.Reason
	}{
		{"one AS_SEQUENCE", valid, aspa.Valid, 0},
		{"no segments", bgp.Path{}, aspa.Invalid, aspa.ReasonEmpty},
		{"AS_SET at the origin (step 3)", withSeg(seq(asF, asC), bgp.SegSet, asA, asB), aspa.Invalid, aspa.ReasonSet},
		{"AS_SET of one AS is still a set", withSeg(seq(asF, asC), bgp.SegSet, asA), aspa.Invalid, aspa.ReasonSet},
		{"AS_CONFED_SET", withSeg(valid, bgp.SegConfedSet, 64512), aspa.Invalid, aspa.ReasonSet},
		{"AS_CONFED_SEQUENCE is skipped", withSeg(withSeg(seq(asF), bgp.SegConfedSeq, 64512, 64513), bgp.SegSequence, asC, asA), aspa.Valid, 0},
		{"prepends across segments collapse", withSeg(seq(asF, asC), bgp.SegSequence, asC, asA), aspa.Valid, 0},
		{"only a confederation sequence", withSeg(bgp.Path{}, bgp.SegConfedSeq, 64512), aspa.Invalid, aspa.ReasonEmpty},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, dir := range []aspa.Direction{aspa.Upstream, aspa.Downstream} {
				got := aspa.VerifyPath(m, &tt.path, dir, 0)
				if got.State != tt.want || got.Reason != tt.reason {
					t.Errorf("VerifyPath(%s, %s) = %s (%q), want %s (%q)", tt.path.String(), dir, got.State, got.Reason, tt.want, tt.reason)
				}
			}
		})
	}
	if got := aspa.VerifyPath(m, &valid, aspa.Downstream, asE); got.Reason != aspa.ReasonNeighbour {
		t.Errorf("VerifyPath with neighbour mismatch: %+v", got)
	}
}

func TestAuthorized(t *testing.T) {
	m := topology1()
	tests := []struct {
		customer, provider bgp.ASN
		want               aspa.Authorization
		name               string
	}{
		{asA, asC, aspa.ProviderPlus, "Provider+"},
		{asA, asE, aspa.NotProviderPlus, "Not Provider+"},
		{asE, asA, aspa.NoAttestation, "No Attestation"},
		{asG, asF, aspa.NotProviderPlus, "Not Provider+"},
		{asG, 0, aspa.NotProviderPlus, "Not Provider+"},
	}
	for _, tt := range tests {
		got := aspa.Authorized(m, tt.customer, tt.provider)
		if got != tt.want || got.String() != tt.name {
			t.Errorf("Authorized(%s, %s) = %s, want %s", tt.customer, tt.provider, got, tt.want)
		}
	}
}

// TestVerify_snapshot checks that rpki.Snapshot serves as the Lookup, with
// several ASPAs of one customer merged (the union of §5.2).
func TestVerify_snapshot(t *testing.T) {
	s, err := rpki.NewSnapshot(nil, []rpki.ASPA{
		{Customer: asA, Providers: []bgp.ASN{asC}}, {Customer: asA, Providers: []bgp.ASN{asD}}, {Customer: asC, Providers: []bgp.ASN{asF}},
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		path []bgp.ASN
		want aspa.State
	}{
		{[]bgp.ASN{asF, asC, asA}, aspa.Valid},
		{[]bgp.ASN{asD, asA}, aspa.Valid},
		{[]bgp.ASN{asE, asA}, aspa.Invalid},
		{[]bgp.ASN{asE, asF}, aspa.Unknown},
	} {
		if got := aspa.Verify(s, tc.path, aspa.Upstream, 0); got.State != tc.want {
			t.Errorf("Verify(%v) = %s, want %s", tc.path, got.State, tc.want)
		}
	}
}

func TestStrings(t *testing.T) {
	got := fmt.Sprint(aspa.Valid, aspa.Invalid, aspa.Unknown, aspa.Upstream, aspa.Downstream, aspa.ReasonSet)
	if want := "valid invalid unknown upstream downstream AS_SET in the AS_PATH"; got != want {
		t.Errorf("strings = %q, want %q", got, want)
	}
}
