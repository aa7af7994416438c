package region

import (
	"slices"
)

// The M49 regions. Every economy but Antarctica (AQ) and the pseudo-codes
// belongs to exactly one.
const (
	Africa   = "Africa"
	Americas = "Americas"
	Asia     = "Asia"
	Europe   = "Europe"
	Oceania  = "Oceania"
)

// The Regional Internet Registries, spelled as they name themselves. The
// delegated statistics files spell them "afrinic", "apnic", "arin", "lacnic"
// and "ripencc"; ParseRIR accepts both forms.
const (
	AFRINIC = "AFRINIC"
	APNIC   = "APNIC"
	ARIN    = "ARIN"
	LACNIC  = "LACNIC"
	RIPENCC = "RIPE NCC"
)

// rirs lists the RIRs in the order RIRs returns them.
var rirs = [...]string{AFRINIC, APNIC, ARIN, LACNIC, RIPENCC}

// Economy is one ISO 3166-1 economy (or RIR pseudo-code) with the groupings
// the observatory aggregates by.
type Economy struct {
	Code               string // ISO 3166-1 alpha-2 code in upper case, or EU, AP, ZZ
	Name               string // ISO 3166-1 English short name
	Region             string // M49 region (Africa, ...); empty for AQ and the pseudo-codes
	SubRegion          string // M49 sub-region; empty when Region is
	IntermediateRegion string // M49 intermediate region; empty where M49 has none
	RIR                string // RIR serving the economy (AFRINIC, ...); empty for ZZ
}

// Pseudo reports whether e is one of the RIR statistics pseudo-codes EU, AP
// and ZZ rather than an ISO 3166-1 economy.
func (e Economy) Pseudo() bool {
	switch e.Code {
	case "AP", "EU", "ZZ":
		return true
	}
	return false
}

// economies holds the table as Economy values sorted by code; index maps a
// two-letter code (see slot) to its position in economies plus one.
var economies, index = build()

// build expands the table.
func build() ([]Economy, [26 * 26]uint16) {
	var idx [26 * 26]uint16
	es := make([]Economy, len(table))
	for i, r := range table {
		es[i] = Economy{
			Code: r.code, Name: r.name, RIR: r.rir,
			Region: r.m49.region, SubRegion: r.m49.subRegion, IntermediateRegion: r.m49.intermediate,
		}
		if s, ok := slot(r.code); ok {
			idx[s] = uint16(i + 1)
		}
	}
	return es, idx
}

// slot returns the index slot of a two-letter code, folding ASCII case.
func slot(cc string) (int, bool) {
	if len(cc) != 2 {
		return 0, false
	}
	a, b := cc[0]|0x20, cc[1]|0x20 // ASCII lower case; non-letters fail below
	if a < 'a' || a > 'z' || b < 'a' || b > 'z' {
		return 0, false
	}
	return int(a-'a')*26 + int(b-'a'), true
}

// Lookup returns the economy with the given two-letter code, in any case.
// The RIR statistics pseudo-codes EU, AP and ZZ are known too.
func Lookup(cc string) (Economy, bool) {
	s, ok := slot(cc)
	if !ok || index[s] == 0 {
		return Economy{}, false
	}
	return economies[index[s]-1], true
}

// All returns every economy, pseudo-codes included, sorted by code. The
// slice is the caller's to modify.
func All() []Economy { return slices.Clone(economies) }

// Regions returns the M49 regions, sorted.
func Regions() []string {
	return collect(func(Economy) bool { return true }, func(e Economy) string { return e.Region })
}

// SubRegions returns the M49 sub-regions of a region given by name or slug,
// sorted; nil when the region is unknown.
func SubRegions(region string) []string {
	return collect(func(e Economy) bool { return sameKey(e.Region, region) },
		func(e Economy) string { return e.SubRegion })
}

// IntermediateRegions returns the M49 intermediate regions of a sub-region
// given by name or slug, sorted; nil when the sub-region has none (most do
// not) or is unknown.
func IntermediateRegions(subRegion string) []string {
	return collect(func(e Economy) bool { return sameKey(e.SubRegion, subRegion) },
		func(e Economy) string { return e.IntermediateRegion })
}

// collect returns the distinct non-empty values of field over the economies
// that keep accepts, sorted.
func collect(keep func(Economy) bool, field func(Economy) string) []string {
	var out []string
	for _, e := range economies {
		if v := field(e); v != "" && keep(e) {
			out = append(out, v)
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// RIRs returns the five RIR names, sorted.
func RIRs() []string { return slices.Clone(rirs[:]) }

// ParseRIR returns the RIR named by s: its name ("RIPE NCC"), its slug
// ("ripe-ncc"), the registry column of the delegated files ("ripencc"), or
// "RIPE", in any case.
func ParseRIR(s string) (string, bool) {
	for _, r := range rirs {
		if sameKey(r, s) {
			return r, true
		}
	}
	if sameKey("RIPE", s) {
		return RIPENCC, true
	}
	return "", false
}

// Matches reports whether e belongs to the group named by key: an M49
// region, sub-region or intermediate region, an RIR, or an economy code.
// Names compare as in ParseRIR: case, spaces, hyphens and punctuation are
// ignored, so slugs match ("western-europe", "ripe-ncc"). An empty key
// matches nothing.
func Matches(e Economy, key string) bool {
	if r, ok := ParseRIR(key); ok {
		return e.RIR == r
	}
	return sameKey(e.Code, key) || sameKey(e.Region, key) ||
		sameKey(e.SubRegion, key) || sameKey(e.IntermediateRegion, key)
}
