package aspa

import (
	"slices"

	"github.com/observatory-net/observatory/internal/bgp"
	"github.com/observatory-net/observatory/internal/rpki"
)

// Draft names the revision of draft-ietf-sidrops-aspa-verification this
// package implements; evidence that cites a section cites this revision.
const Draft = "draft-ietf-sidrops-aspa-verification-24"

// Lookup gives the ASPAs of customer ASes.
type Lookup interface {
	// Providers returns the union of the provider sets customer attests
	// (its U-SPAS, §5.2), sorted ascending, and false when customer has no
	// ASPA. The slice must not be modified.
	Providers(customer bgp.ASN) ([]bgp.ASN, bool)
}

var _ Lookup = (*rpki.Snapshot)(nil)

// Authorization is the outcome of the hop check of §5.2.
type Authorization uint8

// The hop check outcomes.
const (
	// NoAttestation: the customer has no ASPA.
	NoAttestation Authorization = iota
	// ProviderPlus: the customer's ASPA lists the provider.
	ProviderPlus
	// NotProviderPlus: the customer has an ASPA that does not list the
	// provider.
	NotProviderPlus
)

var authNames = [...]string{NoAttestation: "No Attestation", ProviderPlus: "Provider+", NotProviderPlus: "Not Provider+"}

// String returns the draft's name of the outcome, such as "Provider+".
func (a Authorization) String() string {
	if int(a) < len(authNames) {
		return authNames[a]
	}
	return "invalid authorization"
}

// Authorized is the hop check authorized(customer, provider) of §5.2. AS0
// is never a provider: a provider set of just AS0 states that the customer
// has none, and "an unexpected presence of AS 0" beside other providers
// "has no influence" on verification (§4), so AS0 in a path is never
// Provider+. A nil Lookup holds no ASPA.
func Authorized(l Lookup, customer, provider bgp.ASN) Authorization {
	if l == nil {
		return NoAttestation
	}
	set, ok := l.Providers(customer)
	if !ok {
		return NoAttestation
	}
	if _, found := slices.BinarySearch(set, provider); found && provider != 0 {
		return ProviderPlus
	}
	return NotProviderPlus
}

// Direction selects the verification procedure from how the verifying AS
// relates to the neighbour that sent the route.
type Direction uint8

// The procedures.
const (
	// Upstream (§5.4): the route came from a customer or a lateral peer,
	// or between a route server and its client.
	Upstream Direction = iota
	// Downstream (§5.5): the route came from a provider.
	Downstream
)

// String returns "upstream" or "downstream".
func (d Direction) String() string {
	if d == Downstream {
		return "downstream"
	}
	return "upstream"
}

// State is the outcome of AS path verification.
type State uint8

// The verification outcomes. The zero State is Unknown.
const (
	// Unknown: no ASPA contradicts the path, but missing ASPAs leave it
	// unproven.
	Unknown State = iota
	// Valid: the ASPAs prove every hop the path needs.
	Valid
	// Invalid: the path is malformed for verification, or the ASPAs prove
	// it is not valley-free.
	Invalid
)

var stateNames = [...]string{Unknown: "unknown", Valid: "valid", Invalid: "invalid"}

// String returns "valid", "invalid" or "unknown".
func (s State) String() string {
	if int(s) < len(stateNames) {
		return stateNames[s]
	}
	return "invalid state"
}

// Reason says which step of the procedure decided an Invalid outcome.
type Reason uint8

// The reasons for Invalid.
const (
	// ReasonNone: the outcome is not Invalid.
	ReasonNone Reason = iota
	// ReasonEmpty: the AS_PATH is empty (step 1).
	ReasonEmpty
	// ReasonNeighbour: the most recently added AS is not the neighbour
	// (step 2).
	ReasonNeighbour
	// ReasonSet: the AS_PATH holds an AS_SET or AS_CONFED_SET (step 3).
	ReasonSet
	// ReasonRamps: the ramps cannot cover the path (step 4); Result's Up
	// and Leak hops hold the proof.
	ReasonRamps
)

var reasonNames = [...]string{ReasonNone: "", ReasonEmpty: "empty AS_PATH", ReasonNeighbour: "first AS is not the neighbour",
	ReasonSet: "AS_SET in the AS_PATH", ReasonRamps: "Not Provider+ hops leave a valley"}

// String describes the reason; ReasonNone is "".
func (r Reason) String() string {
	if int(r) < len(reasonNames) {
		return reasonNames[r]
	}
	return "invalid reason"
}

// Hop is a link of the path in the direction the route travelled: From
// announced the route to To. Attester, which is From or To, has an ASPA
// that does not list the other AS of the hop as a provider (Not
// Provider+). For the hop from the path's neighbour to the verifying AS,
// which rests on the verifier's own knowledge and not on an ASPA, To and
// Attester are 0 and Result.ToVerifier is set.
type Hop struct {
	From, To, Attester bgp.ASN
}

// Result is the outcome of Verify and its evidence.
type Result struct {
	State  State
	Reason Reason
	// N is the number of ASes in the compressed path; MaxUp, MinUp,
	// MaxDown and MinDown are the ramp lengths of §5.3 (the down-ramp
	// lengths are 0 for upstream verification, as §5.4 sets them). They
	// are all 0 when the procedure stopped before step 4.
	N, MaxUp, MinUp, MaxDown, MinDown int
	// Up, for ReasonRamps, is the hop that ends the up-ramp at
	// max_up_ramp: the origin side AS's ASPA does not list the next AS, so
	// the route went down or across there (Attester == Up.From).
	Up Hop
	// Leak, for ReasonRamps, is the first hop after Up, in propagation
	// order, that an ASPA shows going up or across (Attester == Leak.To):
	// Leak.From re-announced a route that had already gone down or across
	// to one of its providers or peers (RFC 7908 §2). When Leak.From is
	// Up.To the two ASPAs pin the leaker; otherwise the leak happened
	// between them and Leak.From is the nearest AS proven to have sent the
	// route up. In upstream verification with no such hop in the path,
	// Leak is the neighbour's hop to the verifier and ToVerifier is set.
	Leak       Hop
	ToVerifier bool
}

// Leaker is the AS charged with the leak of an Invalid result, Leak.From,
// or 0 when the result has no ramp evidence.
func (r Result) Leaker() bgp.ASN { return r.Leak.From }

// maxInline is how many distinct hops verification holds on the stack;
// longer paths cost one allocation.
const maxInline = 64

// Verify verifies an AS path of AS_SEQUENCE members, neighbour first and
// origin last, with the procedure of dir. When neighbour is not 0 the
// first AS of the path must be it (step 2); pass 0 where the draft exempts
// the check (a route server client receiving from a transparent route
// server) or where the neighbour is not known. Verify does not allocate
// for paths of up to 64 distinct hops.
func Verify(l Lookup, path []bgp.ASN, dir Direction, neighbour bgp.ASN) Result {
	if len(path) == 0 {
		return Result{State: Invalid, Reason: ReasonEmpty}
	}
	if neighbour != 0 && path[0] != neighbour {
		return Result{State: Invalid, Reason: ReasonNeighbour}
	}
	var buf [maxInline]bgp.ASN
	return verify(l, appendCompressed(buf[:0], path), dir)
}

// VerifyPath verifies a decoded AS_PATH like Verify. An AS_SET or
// AS_CONFED_SET anywhere makes it Invalid (step 3; RFC 9774 deprecates
// both). AS_CONFED_SEQUENCE members are skipped: they are internal to a
// confederation, whose boundary ASes attest under its global ASN (§4),
// and a path holding nothing else is empty.
func VerifyPath(l Lookup, p *bgp.Path, dir Direction, neighbour bgp.ASN) Result {
	if len(p.ASNs) == 0 {
		return Result{State: Invalid, Reason: ReasonEmpty}
	}
	if neighbour != 0 && p.ASNs[0] != neighbour {
		return Result{State: Invalid, Reason: ReasonNeighbour}
	}
	var buf [maxInline]bgp.ASN
	u := buf[:0]
	for i, s := range p.Segs {
		switch s.Type {
		case bgp.SegSet, bgp.SegConfedSet:
			return Result{State: Invalid, Reason: ReasonSet}
		case bgp.SegSequence:
			u = appendCompressed(u, p.Segment(i))
		}
	}
	if len(u) == 0 {
		return Result{State: Invalid, Reason: ReasonEmpty}
	}
	return verify(l, u, dir)
}

// appendCompressed appends path to dst without consecutive repeats,
// continuing any run at the end of dst (§5.1).
func appendCompressed(dst, path []bgp.ASN) []bgp.ASN {
	for _, a := range path {
		if len(dst) == 0 || dst[len(dst)-1] != a {
			dst = append(dst, a)
		}
	}
	return dst
}

// compressed is a COMPRESSED_AS_PATH indexed as the draft does: AS(1) is
// the origin, AS(N) the neighbour.
type compressed []bgp.ASN

func (c compressed) as(i int) bgp.ASN { return c[len(c)-i] }

// verify runs steps 4 to 6 of §5.4 or §5.5 on a non-empty compressed path
// u, neighbour first.
func verify(l Lookup, u compressed, dir Direction) Result {
	n := len(u)
	r := Result{N: n}
	r.MaxUp, r.MinUp = u.upRamp(l)
	if dir == Downstream {
		r.MaxDown, r.MinDown = u.downRamp(l)
	}
	switch {
	case r.MaxUp+r.MaxDown < n:
		r.State, r.Reason = Invalid, ReasonRamps
		u.evidence(l, r.MaxUp, &r)
	case r.MinUp+r.MinDown < n:
		r.State = Unknown
	default:
		r.State = Valid
	}
	return r
}

// upRamp returns max_up_ramp, the least I with authorized(AS(I), AS(I+1))
// Not Provider+, and min_up_ramp, the least I where it is not Provider+;
// each is N when there is no such I (§5.3).
func (u compressed) upRamp(l Lookup) (maxUp, minUp int) {
	n := len(u)
	maxUp, minUp = n, n
	for i := 1; i < n; i++ {
		a := Authorized(l, u.as(i), u.as(i+1))
		if a != ProviderPlus && minUp == n {
			minUp = i
		}
		if a == NotProviderPlus {
			return i, minUp
		}
	}
	return maxUp, minUp
}

// downRamp returns max_down_ramp, N-J+1 for the greatest J with
// authorized(AS(J), AS(J-1)) Not Provider+, and min_down_ramp, N-J+1 for
// the greatest J where it is not Provider+; each is N when there is no such
// J (§5.3).
func (u compressed) downRamp(l Lookup) (maxDown, minDown int) {
	n := len(u)
	maxDown, minDown = n, n
	for j := n; j > 1; j-- {
		a := Authorized(l, u.as(j), u.as(j-1))
		if a != ProviderPlus && minDown == n {
			minDown = n - j + 1
		}
		if a == NotProviderPlus {
			return n - j + 1, minDown
		}
	}
	return maxDown, minDown
}

// evidence names the hops of an Invalid path whose up-ramp ends at AS(i):
// the Not Provider+ hop from AS(i) to AS(i+1), and the first later hop
// (AS(j-1) to AS(j), j >= i+2) whose receiver's ASPA does not list the
// sender. Downstream, such a hop always exists when the ramps make the
// path Invalid (the greatest J of max_down_ramp qualifies); upstream,
// the neighbour's hop to the verifier stands in when none does.
func (u compressed) evidence(l Lookup, i int, r *Result) {
	n := len(u)
	r.Up = Hop{From: u.as(i), To: u.as(i + 1), Attester: u.as(i)}
	for j := i + 2; j <= n; j++ {
		if Authorized(l, u.as(j), u.as(j-1)) == NotProviderPlus {
			r.Leak = Hop{From: u.as(j - 1), To: u.as(j), Attester: u.as(j)}
			return
		}
	}
	r.Leak, r.ToVerifier = Hop{From: u.as(n)}, true
}
