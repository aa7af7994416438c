package rscheck

import (
	"cmp"
	"net/netip"
	"slices"

	"github.com/observatory-net/observatory/internal/bgp"
	"github.com/observatory-net/observatory/internal/bogon"
	"github.com/observatory-net/observatory/internal/irr"
	"github.com/observatory-net/observatory/internal/rov"
	"github.com/observatory-net/observatory/internal/rpki"
)

// Route is one RIB entry of the route server: a prefix as one member
// announced it.
type Route struct {
	Member bgp.ASN    // peer AS of the entry: the member that announced it
	PeerIP netip.Addr // the member's address on the route server session
	Prefix netip.Prefix
	Path   bgp.Path // owned by the Route (Clone a reused path)
	// PeerAS is the MRT entry's peer AS, when it is not the member: the
	// member was then taken from the path (see MRTRoutes). Zero otherwise.
	PeerAS bgp.ASN
}

// Origin returns the route's origin as internal/rov validates it: the
// last AS of a final AS_SEQUENCE, or rov.NoOrigin (AS0) with ok false for
// an empty path or one ending in an AS_SET.
func (r *Route) Origin() (bgp.ASN, bool) {
	o, ok := r.Path.Origin()
	if !ok {
		return rov.NoOrigin, false
	}
	return o, true
}

// Reason is why a route server should have rejected a route.
type Reason string

// The reasons, in report order.
const (
	RPKIInvalid     Reason = "rpki-invalid"
	BogonPrefix     Reason = "bogon-prefix"
	BogonASN        Reason = "bogon-asn"
	IRRUnregistered Reason = "irr-unregistered"
)

// Sources are the reference data a route is checked against. RPKI is
// required; a nil Bogons means the built-in full bogons only; a nil IRR
// leaves the IRR rule unchecked.
type Sources struct {
	RPKI   *rpki.Snapshot
	Bogons *bogon.Set
	IRR    *irr.Index
	// MemberSets maps a member to its as-set (as PeeringDB's irr_as_set
	// gives it). When a member has one and IRR is set, an origin that the
	// expanded set does not contain is irr-unregistered too.
	MemberSets map[bgp.ASN]string
}

// BogonHit is a bogon entry that matched: the kind and the list's reason.
type BogonHit struct {
	Kind   string `json:"kind"` // "full" or "administrative"
	Reason string `json:"reason"`
}

// BogonASNHit is a bogon AS number found in a path.
type BogonASNHit struct {
	ASN bgp.ASN `json:"asn"`
	BogonHit
}

// IRRResult is the IRR evidence for a route.
type IRRResult struct {
	Match   string      `json:"match"`   // "exact", "covered" or "none"
	Objects []IRRObject `json:"objects"` // the route objects of the origin covering the prefix, per source
	// ASSet is the member's as-set, when known; InASSet whether the
	// origin is in its expansion.
	ASSet   string `json:"asSet,omitempty"`
	InASSet *bool  `json:"inASSet,omitempty"`
}

// IRRObject is the best route object of one IRR source for a route.
type IRRObject struct {
	Source string       `json:"source"`
	Match  string       `json:"match"` // "exact" or "covered"
	Prefix netip.Prefix `json:"prefix"`
}

// Finding is a route the route server accepted but should have rejected.
type Finding struct {
	Member bgp.ASN `json:"member"`
	// PeerAS is the MRT entry\'s peer AS when it is not the member.
	PeerAS    bgp.ASN       `json:"peerAS,omitempty"`
	PeerIP    netip.Addr    `json:"peerIP"`
	Prefix    netip.Prefix  `json:"prefix"`
	Origin    bgp.ASN       `json:"origin"` // rov.NoOrigin when NoOrigin
	NoOrigin  bool          `json:"noOrigin,omitempty"`
	Path      string        `json:"path"`
	Reasons   []Reason      `json:"reasons"`
	RPKI      string        `json:"rpki"`           // rov state: valid, invalid-asn, invalid-length, not-found
	VRPs      []VRP         `json:"vrps,omitempty"` // VRPs covering the prefix, most specific first
	Bogon     *BogonHit     `json:"bogon,omitempty"`
	BogonASNs []BogonASNHit `json:"bogonASNs,omitempty"`
	IRR       *IRRResult    `json:"irr,omitempty"`
}

// VRP is a covering VRP as evidence.
type VRP struct {
	Prefix    netip.Prefix `json:"prefix"`
	MaxLength uint8        `json:"maxLength"`
	ASN       bgp.ASN      `json:"asn"`
	TA        string       `json:"ta,omitempty"`
}

// Counts are the routes checked and the violations found, per reason. A
// route with several reasons counts once in Rejectable and once under
// each reason.
type Counts struct {
	Routes          int `json:"routes"`
	NoOrigin        int `json:"noOrigin"`       // paths ending in an AS_SET (or empty)
	MemberFromPath  int `json:"memberFromPath"` // member taken from the path, not the peer AS
	Rejectable      int `json:"rejectable"`
	RPKIInvalid     int `json:"rpkiInvalid"`
	BogonPrefix     int `json:"bogonPrefix"`
	BogonASN        int `json:"bogonASN"`
	IRRUnregistered int `json:"irrUnregistered"`
}

// Member is one member's counts.
type Member struct {
	ASN bgp.ASN `json:"asn"`
	Counts
}

// File is one input file's counts.
type File struct {
	Name string `json:"name"`
	Counts
}

// Report is the result of a check: totals, per member counts (by ASN)
// and every finding (by member, prefix, then path).
type Report struct {
	IXP        string    `json:"ixp,omitempty"`
	Files      []File    `json:"files"`
	IRRChecked bool      `json:"irrChecked"`
	Total      Counts    `json:"total"`
	Members    []Member  `json:"members"`
	Findings   []Finding `json:"findings"`
}

// Checker checks routes one at a time and builds the Report. The zero
// value is not usable; get one from NewChecker.
type Checker struct {
	src      Sources
	members  map[bgp.ASN]*Counts
	findings []Finding
	total    Counts
	files    []File
	sets     map[string][]bgp.ASN // expanded member as-sets
	matches  []irr.Match          // scratch for IRR lookups
}

// NewChecker returns a Checker against src.
func NewChecker(src Sources) *Checker {
	if src.Bogons == nil {
		src.Bogons = bogon.Builtin()
	}
	return &Checker{src: src, members: map[bgp.ASN]*Counts{}, sets: map[string][]bgp.ASN{}}
}

// Check checks every route and returns the report.
func Check(routes []Route, src Sources) Report {
	c := NewChecker(src)
	for i := range routes {
		c.Add(&routes[i])
	}
	return c.Report()
}

// Add checks one route. It keeps nothing of r but what a finding copies.
func (c *Checker) Add(r *Route) {
	origin, hasOrigin := r.Origin()
	st := rov.Validate(c.src.RPKI, r.Prefix, origin)
	var reasons [4]Reason
	n := 0
	if st.Invalid() {
		reasons[n], n = RPKIInvalid, n+1
	}
	bk, breason := c.src.Bogons.Prefix(r.Prefix)
	if bk != bogon.None {
		reasons[n], n = BogonPrefix, n+1
	}
	badASN := c.hasBogonASN(&r.Path)
	if badASN {
		reasons[n], n = BogonASN, n+1
	}
	irrOK := c.irrCovered(r, origin, hasOrigin)
	if !irrOK {
		reasons[n], n = IRRUnregistered, n+1
	}
	m := c.members[r.Member]
	if m == nil {
		m = &Counts{}
		c.members[r.Member] = m
	}
	for _, k := range [...]*Counts{m, &c.total} {
		k.count(r, reasons[:n], hasOrigin)
	}
	if len(c.files) > 0 {
		c.files[len(c.files)-1].count(r, reasons[:n], hasOrigin)
	}
	if n == 0 {
		return
	}
	f := Finding{Member: r.Member, PeerAS: r.PeerAS, PeerIP: r.PeerIP, Prefix: r.Prefix, Origin: origin, NoOrigin: !hasOrigin,
		Path: r.Path.String(), Reasons: slices.Clone(reasons[:n]), RPKI: st.String()}
	if c.src.RPKI != nil {
		for v := range c.src.RPKI.CoveringVRPs(r.Prefix) {
			f.VRPs = append(f.VRPs, VRP{Prefix: v.Prefix, MaxLength: v.MaxLen, ASN: v.ASN, TA: v.TA})
		}
	}
	if bk != bogon.None {
		f.Bogon = &BogonHit{Kind: bk.String(), Reason: breason}
	}
	if badASN {
		f.BogonASNs = c.bogonASNs(&r.Path)
	}
	if c.src.IRR != nil {
		f.IRR = c.irrEvidence(r, origin, hasOrigin)
	}
	c.findings = append(c.findings, f)
}

// StartFile names the file the routes added next come from, so that the
// report counts them per file too.
func (c *Checker) StartFile(name string) { c.files = append(c.files, File{Name: name}) }

// count adds one route with its reasons.
func (k *Counts) count(r *Route, reasons []Reason, hasOrigin bool) {
	k.Routes++
	if r.PeerAS != 0 {
		k.MemberFromPath++
	}
	if !hasOrigin {
		k.NoOrigin++
	}
	if len(reasons) > 0 {
		k.Rejectable++
	}
	for _, r := range reasons {
		switch r {
		case RPKIInvalid:
			k.RPKIInvalid++
		case BogonPrefix:
			k.BogonPrefix++
		case BogonASN:
			k.BogonASN++
		case IRRUnregistered:
			k.IRRUnregistered++
		}
	}
}

// hasBogonASN reports whether any AS of the path is a bogon.
func (c *Checker) hasBogonASN(p *bgp.Path) bool {
	for _, a := range p.ASNs {
		if k, _ := c.src.Bogons.ASN(a); k != bogon.None {
			return true
		}
	}
	return false
}

// bogonASNs lists the path's bogon ASes, each once, in path order.
func (c *Checker) bogonASNs(p *bgp.Path) []BogonASNHit {
	var out []BogonASNHit
	for _, a := range p.ASNs {
		k, reason := c.src.Bogons.ASN(a)
		if k == bogon.None || slices.ContainsFunc(out, func(h BogonASNHit) bool { return h.ASN == a }) {
			continue
		}
		out = append(out, BogonASNHit{ASN: a, BogonHit: BogonHit{Kind: k.String(), Reason: reason}})
	}
	return out
}

// irrCovered applies the IRR rule: true when no IRR index is given, else
// when a route object of the origin covers the prefix and, if the member's
// as-set is known, the origin is in it. A route without an origin is not
// covered.
func (c *Checker) irrCovered(r *Route, origin bgp.ASN, hasOrigin bool) bool {
	if c.src.IRR == nil {
		return true
	}
	if !hasOrigin || c.src.IRR.Best(r.Prefix, origin) == irr.None {
		return false
	}
	in, known := c.inMemberSet(r.Member, origin)
	return !known || in
}

// inMemberSet reports whether origin is in the member's expanded as-set;
// known is false when the member has none.
func (c *Checker) inMemberSet(member, origin bgp.ASN) (in, known bool) {
	name, ok := c.src.MemberSets[member]
	if !ok || name == "" {
		return false, false
	}
	asns, ok := c.sets[name]
	if !ok {
		asns = c.src.IRR.ExpandASSet(name).ASNs
		c.sets[name] = asns
	}
	_, in = slices.BinarySearch(asns, origin)
	return in, true
}

// irrEvidence is the IRR part of a finding.
func (c *Checker) irrEvidence(r *Route, origin bgp.ASN, hasOrigin bool) *IRRResult {
	res := &IRRResult{Match: irr.None.String(), Objects: []IRRObject{}}
	if hasOrigin {
		res.Match = c.src.IRR.Best(r.Prefix, origin).String()
		c.matches = c.src.IRR.AppendLookup(c.matches[:0], r.Prefix, origin)
		for _, m := range c.matches {
			res.Objects = append(res.Objects, IRRObject{Source: m.Source, Match: m.Kind.String(), Prefix: m.Object})
		}
	}
	if in, known := c.inMemberSet(r.Member, origin); known {
		res.ASSet, res.InASSet = c.src.MemberSets[r.Member], &in
	}
	return res
}

// Report returns the counts and findings so far, sorted.
func (c *Checker) Report() Report {
	rep := Report{IRRChecked: c.src.IRR != nil, Total: c.total, Members: make([]Member, 0, len(c.members)),
		Files: slices.Clone(c.files), Findings: slices.Clone(c.findings)}
	if rep.Files == nil {
		rep.Files = []File{}
	}
	for a, k := range c.members {
		rep.Members = append(rep.Members, Member{ASN: a, Counts: *k})
	}
	slices.SortFunc(rep.Members, func(a, b Member) int { return cmp.Compare(a.ASN, b.ASN) })
	slices.SortStableFunc(rep.Findings, compareFindings)
	if rep.Findings == nil {
		rep.Findings = []Finding{}
	}
	return rep
}

// compareFindings orders by member, prefix (family, address, length),
// then path.
func compareFindings(a, b Finding) int {
	if c := cmp.Compare(a.Member, b.Member); c != 0 {
		return c
	}
	if c := a.Prefix.Addr().Compare(b.Prefix.Addr()); c != 0 {
		return c
	}
	if c := cmp.Compare(a.Prefix.Bits(), b.Prefix.Bits()); c != 0 {
		return c
	}
	return cmp.Compare(a.Path, b.Path)
}
